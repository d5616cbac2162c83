import ArgumentParser
import CustomerValue
import Foundation

/// `cva feedback`: themes, sentiment and escalation flags of survey comments and ticket texts.
struct FeedbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback",
        abstract: "Theme tagging, sentiment and escalation flags of survey comments and ticket texts (Chinese and English), with the per-theme summary.",
        discussion: """
            FILE is surveys.csv, tickets.csv, or a data set folder (then both). The text column is the \
            surveys' comment or the tickets' text column (found from common names), or --text-col.
            Per text: source, line, customer_id, themes, sentiment (−1…1), escalate. Per theme: count, \
            share, mean sentiment, and the share of detractors' and promoters' comments that mention it \
            (surveys with an NPS column), i.e. which themes drive detractors.
            """)

    @Argument(help: "surveys.csv, tickets.csv, or a data set folder.")
    var input: String

    @Option(name: .customLong("text-col"), help: "Header of the text column (default: the comment / text column).")
    var textColumn: String?

    @Option(help: "YAML lexicon that extends or overrides the built-in themes and words (see the README).")
    var lexicon: String?

    @Option(help: "For a single file with another name: surveys or tickets.")
    var kind: String?

    @Flag(name: .customLong("summary-only"), help: "Print only the per-theme summary (for large files).")
    var summaryOnly = false

    @Option(help: "Text encoding: auto, utf8, gb18030 (also gbk, gb2312), utf16le, utf16be.")
    var encoding: String = "auto"

    @Option(help: "Write every row set aside to this CSV (file, line, column, reason, raw); created only when there are such rows.")
    var quarantine: String = "cva-quarantine.csv"

    @OptionGroup var output: OutputOptions

    func run() throws {
        try runReportingErrors {
            let analyzer = try FeedbackAnalyzer(lexicon: try lexicon.map { try FeedbackLexicon.load(path: $0) } ?? .builtIn)
            let sources = try Self.sources(of: input, kind: kind)
            var textEncoding: TextEncoding?
            if encoding.lowercased() != "auto" {
                guard let e = TextEncoding(name: encoding) else { throw CLIError("--encoding \(encoding): expected auto, utf8, gb18030, utf16le or utf16be") }
                textEncoding = e
            }
            let sink = LazyQuarantineFile(path: quarantine)
            let texts = try FeedbackTexts.read(sources: sources, textColumn: textColumn, analyzer: analyzer,
                                               keepTexts: !summaryOnly, encoding: textEncoding, quarantine: sink)
            try sink.close()
            let out = try ByteSink(path: output.out)
            try texts.write(output.resolvedFormat, summaryOnly: summaryOnly, to: out)
            try out.close()
            if texts.withoutText > 0 { Console.note("note: \(texts.withoutText) rows have no text and are not counted") }
            if sink.count > 0 { Console.note("note: \(sink.count) rows set aside, written to \(quarantine)") }
        }
    }

    /// The files to read: a folder's surveys and tickets, or one file of a kind known by its name or `kind`.
    static func sources(of input: String, kind: String?) throws -> [(path: String, schema: FileSchema)] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw CLIError("\(input): no such file or folder")
        }
        if isDirectory.boolValue {
            let dataSet = try DataSet(directory: input)
            let found = [FileSchema.surveys, .tickets].compactMap { schema in dataSet.files[schema.name].map { ($0, schema) } }
            guard !found.isEmpty else { throw CLIError("\(input): no surveys.csv or tickets.csv in the folder") }
            return found
        }
        let stem = ((input as NSString).lastPathComponent as NSString).deletingPathExtension.lowercased()
        let name = kind?.lowercased() ?? stem
        guard let schema = [FileSchema.surveys, .tickets].first(where: { $0.name == name }) else {
            throw CLIError("\(input): cannot tell whether this is a surveys or a tickets file; name it surveys.csv or tickets.csv, or pass --kind surveys|tickets")
        }
        return [(input, schema)]
    }

    /// Writes `feedback.csv` (one row per text) and `feedback_themes.json` (the per-theme summary)
    /// into `outputFolder` for `cva analyze`, when the data set has surveys or tickets with text.
    /// - Parameters:
    ///   - dataSet: the data set being analysed.
    ///   - outputFolder: the folder of the results (exists).
    ///   - lexiconPath: an optional YAML lexicon (e.g. from cva.yaml).
    /// - Returns: the paths written, and one digest line; empty and nil when there is no text.
    /// - Throws: ``FeedbackLexiconError`` for a bad lexicon, the reader's errors for unusable files.
    static func analyzeSection(dataSet: DataSet, outputFolder: String, lexiconPath: String? = nil) throws -> (written: [String], digest: String?) {
        var sources: [(path: String, schema: FileSchema)] = []
        var withoutText: [String] = []
        for schema in [FileSchema.surveys, .tickets] {
            guard let path = dataSet.files[schema.name] else { continue }
            // A surveys file of scores only (or tickets without text) is fine for the other
            // analyses; it has no texts to tag.
            if try FeedbackTexts.hasTextColumn(path: path, schema: schema) {
                sources.append((path, schema))
            } else {
                withoutText.append("\((path as NSString).lastPathComponent) has no \(FeedbackTexts.textRole(of: schema)) column")
            }
        }
        guard !sources.isEmpty else {
            return ([], withoutText.isEmpty ? nil : "feedback: skipped (\(withoutText.joined(separator: "; ")))")
        }
        let analyzer = try FeedbackAnalyzer(lexicon: try lexiconPath.map { try FeedbackLexicon.load(path: $0) } ?? .builtIn)
        // Rows set aside were already reported by the data-quality step.
        let texts = try FeedbackTexts.read(sources: sources, textColumn: nil, analyzer: analyzer, keepTexts: true, encoding: nil, quarantine: nil)
        guard texts.summary.n > 0 else { return ([], nil) }
        var written: [String] = []
        let csvPath = (outputFolder as NSString).appendingPathComponent("feedback.csv")
        let csv = try ByteSink(path: csvPath)
        try texts.textTable.writeCSV(to: csv)
        try csv.close()
        written.append(csvPath)
        let jsonPath = (outputFolder as NSString).appendingPathComponent("feedback_themes.json")
        let json = try ByteSink(path: jsonPath)
        try json.write(jsonText(texts.summary))
        try json.close()
        written.append(jsonPath)
        let top = texts.summary.themes.first { $0.count > 0 }.map { ", most mentioned: \($0.theme) (\(Int(($0.share * 100).rounded()))%)" } ?? ""
        return (written, "feedback: \(texts.summary.n) texts, \(texts.summary.escalations) to escalate\(top)")
    }
}

/// The scores of one part of a file read on two threads: its own tally (added to the others'
/// after), and each text's score when the texts are kept.
struct FeedbackPart {
    /// The texts of this part (tallies add exactly, in any order: see ``FeedbackTally``).
    var tally: FeedbackTally
    var withoutText = 0
    /// Per kept text: line, customer id, score.
    var line: [Int] = []
    var customerID: [String] = []
    var scores: [TextScore] = []
    /// Match buffer of the part's thread.
    var matches: [FeedbackMatcher.Match] = []

    init(themeCount: Int) {
        tally = FeedbackTally(themeCount: themeCount)
        matches.reserveCapacity(64)
    }

    mutating func add(_ score: TextScore, nps: Double?) {
        tally.add(score, nps: nps)
    }
}

/// The analysed texts of one run: per text columns (when kept) and the summary.
struct FeedbackTexts {
    var sourceNames: [String] = []
    var source: [UInt8] = []
    var line: [Int] = []
    var customerID: [String] = []
    var themes: [UInt64] = []
    var sentiment: [Double] = []
    var escalate: [Bool] = []
    var summary: FeedbackSummary
    var withoutText = 0
    let analyzer: FeedbackAnalyzer

    /// The column the texts of a `schema` file are in: `comment` in surveys, `text` in tickets.
    static func textRole(of schema: FileSchema) -> String {
        schema.name == FileSchema.surveys.name ? "comment" : "text"
    }

    /// Whether `path`'s header has the column of ``textRole(of:)`` (by its name or an alias).
    /// - Throws: ``InputError`` or ``ColumnMappingError`` when the header cannot be read.
    static func hasTextColumn(path: String, schema: FileSchema) throws -> Bool {
        let reader = try CSVReader(path: path)
        try reader.readHeader(expecting: "a \(textRole(of: schema)) column")
        let header = reader.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let mapping = try ColumnMapping(header: header, roles: schema.columns.map(\.role), file: path, line: reader.line)
        return mapping.indexes[textRole(of: schema)] != nil
    }

    /// Reads and scores every text of `sources`.
    static func read(sources: [(path: String, schema: FileSchema)], textColumn: String?, analyzer: FeedbackAnalyzer,
                     keepTexts: Bool, encoding: TextEncoding?, quarantine: QuarantineSink?) throws -> FeedbackTexts {
        var result = FeedbackTexts(summary: FeedbackTally(themeCount: analyzer.lexicon.themes.count).summary(lexicon: analyzer.lexicon),
                                   analyzer: analyzer)
        var tally = FeedbackTally(themeCount: analyzer.lexicon.themes.count)
        for (k, (path, schema)) in sources.enumerated() {
            result.sourceNames.append(schema.name)
            let role = textRole(of: schema)
            let reader = try CSVReader(path: path, encoding: encoding)
            try reader.readHeader(expecting: "a \(role) column")
            let header = reader.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            if let textColumn {
                guard header.contains(textColumn) || header.contains(where: { $0.lowercased() == textColumn.lowercased() }) else {
                    throw CLIError("\(path): line \(reader.line): no column \"\(textColumn)\" (--text-col); the header has: \(header.joined(separator: ", "))")
                }
            } else {
                let mapping = try ColumnMapping(header: header, roles: schema.columns.map(\.role), file: path, line: reader.line)
                guard mapping.indexes[role] != nil else {
                    let aliases = schema.columns.first { $0.role.name == role }?.role.aliases.joined(separator: ", ") ?? role
                    throw CLIError("\(path): line \(reader.line): no text column (looked for \(aliases)); pass --text-col NAME; the header has: \(header.joined(separator: ", "))")
                }
            }
            let hasNPS = schema.name == FileSchema.surveys.name
            let column = textColumn.map { name in header.firstIndex(of: name) ?? header.firstIndex { $0.lowercased() == name.lowercased() } }
            // Two threads for a large file (TableProfiler splits it at a record boundary), each
            // part with a tally of its own; tallies add exactly (sentiment sums in fixed point), so
            // the output is the same as with one thread.
            let themeCount = analyzer.lexicon.themes.count
            let (_, parts) = try TableProfiler.profile(
                path: path, schema: schema, encoding: encoding, quarantine: quarantine,
                makeState: { _ in FeedbackPart(themeCount: themeCount) },
                visit: { part, row in
                    // Scored on the row's bytes: no String per text.
                    let scored: TextScore?
                    if let column {
                        scored = column.flatMap { row.withField($0) { analyzer.score(utf8: $0, matches: &part.matches) } }
                    } else {
                        scored = row.withText(role) { analyzer.score(utf8: $0, matches: &part.matches) }
                    }
                    guard let score = scored else {
                        part.withoutText += 1
                        return
                    }
                    part.add(score, nps: hasNPS ? row.number("nps") : nil)
                    if keepTexts {
                        part.line.append(row.line)
                        part.customerID.append(row.text("customer_id") ?? "")
                        part.scores.append(score)
                    }
                })
            for part in parts {
                result.withoutText += part.withoutText
                tally.merge(part.tally)
                if keepTexts {
                    result.source.append(contentsOf: repeatElement(UInt8(k), count: part.scores.count))
                    result.line += part.line
                    result.customerID += part.customerID
                    result.themes += part.scores.map(\.themes)
                    result.sentiment += part.scores.map(\.sentiment)
                    result.escalate += part.scores.map(\.escalate)
                }
            }
        }
        result.summary = tally.summary(lexicon: analyzer.lexicon)
        return result
    }

    /// Theme ids joined by `;`.
    func themeText(_ bits: UInt64) -> String { analyzer.themeIDs(bits).joined(separator: ";") }

    /// One row per text: source, line, customer_id, themes, sentiment, escalate.
    var textTable: OutputTable {
        let names = sourceNames, source = source, line = line, ids = customerID, themes = themes
        let sentiment = sentiment, escalate = escalate, analyzer = analyzer
        return OutputTable(columns: ["source", "line", "customer_id", "themes", "sentiment", "escalate"], rowCount: line.count) { r, c in
            switch c {
            case 0: return .text(names[Int(source[r])])
            case 1: return .int(line[r])
            case 2: return .text(ids[r])
            case 3: return .text(analyzer.themeIDs(themes[r]).joined(separator: ";"))
            case 4: return .number((sentiment[r] * 10_000).rounded() / 10_000)
            default: return .bool(escalate[r])
            }
        }
    }

    /// One row per theme.
    var themeTable: OutputTable {
        let rows = summary.themes
        @Sendable func number(_ v: Double?) -> Cell { v.map { .number(($0 * 10_000).rounded() / 10_000) } ?? .empty }
        return OutputTable(columns: ["theme", "label_en", "label_zh", "count", "share", "mean_sentiment", "escalations",
                                     "detractor_share", "promoter_share", "driver_gap"], rowCount: rows.count) { r, c in
            let t = rows[r]
            switch c {
            case 0: return .text(t.theme)
            case 1: return .text(t.labelEN)
            case 2: return .text(t.labelZH)
            case 3: return .int(t.count)
            case 4: return number(t.share)
            case 5: return number(t.meanSentiment)
            case 6: return .int(t.escalations)
            case 7: return number(t.detractorShare)
            case 8: return number(t.promoterShare)
            default: return number(t.driverGap)
            }
        }
    }

    func write(_ format: OutputFormat, summaryOnly: Bool, to out: ByteSink) throws {
        switch format {
        case .csv:
            try (summaryOnly ? themeTable : textTable).writeCSV(to: out)
        case .table:
            if !summaryOnly {
                try textTable.writeTable(to: out, limit: 50)
                try out.write("\n")
            }
            try themeTable.writeTable(to: out, limit: 100)
            var tail = "\(summary.n) texts, \(summary.escalations) to escalate"
            if summary.withNPS > 0 { tail += "; \(summary.detractors) from detractors, \(summary.promoters) from promoters" }
            try out.write(tail + "\n")
        case .json:
            // {"texts": [...], then the summary's keys}: the summary is small, the texts are streamed.
            let summaryText = try jsonText(summary)
            guard summaryText.hasPrefix("{") else { throw CLIError("internal: unexpected JSON shape") }
            var buffer: [UInt8] = Array("{\n".utf8)
            if !summaryOnly {
                buffer.append(contentsOf: Array("  \"texts\" : [".utf8))
                for r in line.indices {
                    buffer.append(contentsOf: Array((r == 0 ? "\n    {\"source\":" : ",\n    {\"source\":").utf8))
                    JSONText.appendString(sourceNames[Int(source[r])], to: &buffer)
                    buffer.append(contentsOf: Array(",\"line\":".utf8))
                    NumberFormatting.append(line[r], to: &buffer)
                    buffer.append(contentsOf: Array(",\"customer_id\":".utf8))
                    JSONText.appendString(customerID[r], to: &buffer)
                    buffer.append(contentsOf: Array(",\"themes\":[".utf8))
                    for (k, id) in analyzer.themeIDs(themes[r]).enumerated() {
                        if k > 0 { buffer.append(0x2C) }
                        JSONText.appendString(id, to: &buffer)
                    }
                    buffer.append(contentsOf: Array("],\"sentiment\":".utf8))
                    NumberFormatting.append((sentiment[r] * 10_000).rounded() / 10_000, to: &buffer)
                    buffer.append(contentsOf: Array((escalate[r] ? ",\"escalate\":true}" : ",\"escalate\":false}").utf8))
                    if buffer.count > 1 << 20 {
                        try out.write(buffer)
                        buffer.removeAll(keepingCapacity: true)
                    }
                }
                buffer.append(contentsOf: Array((line.isEmpty ? "],\n" : "\n  ],\n").utf8))
            }
            buffer.append(contentsOf: Array(summaryText.utf8.dropFirst(2)))
            try out.write(buffer)
        }
    }
}
