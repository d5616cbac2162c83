import ArgumentParser
import CustomerValue
import Foundation

/// `cva satisfaction`: NPS, CSAT and CES of a surveys file, overall and by group.
struct SatisfactionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "satisfaction",
        abstract: "NPS (with its margin of error), CSAT and CES of survey answers, overall and by period, segment, customer attribute or channel.",
        discussion: """
            Input: a data set folder (surveys.csv, and customers.csv / transactions.csv for groupings by \
            customer) or a surveys CSV. Surveys columns: customer_id, date, and any of nps (0–10), csat (1–5), \
            ces (1–7), comment, channel. A blank answer does not count; an answer outside its scale (an 11 \
            on NPS, a 0 on CSAT) rejects the row, which is counted under "quarantined" and written to \
            --quarantine, never clipped.

            NPS = %promoters (9–10) − %detractors (0–6), in points (−100..100); standard error \
            100·√((p + d − (p − d)²)/n), margin of error (moe) = 1.96 standard errors (95%). \
            CSAT score = % of answers 4–5, and the mean. CES = mean, and share_high = % of answers 5–7.

            --by (repeatable or comma-separated): month, quarter, segment (the RFM segment of `cva rfm`, \
            needs transactions.csv), channel (a channel/渠道 column of the surveys file), or any customers.csv \
            column (region, industry, age_band, gender, ...) or other surveys column by header name. A grouping \
            the data cannot make is listed under "unavailable". Groups whose scores rest on fewer than 30 \
            answers are flagged small.

            --format json: {"nps": {...}, "csat": {...}, "ces": {...}, "by": [...], "themes": [...], \
            "quarantined": {...}, ...}; csv: one row per group (by, group, n, small, scores; without --by one row, all/all, of the overall scores); table: both.
            """)

    @Argument(help: "A data set folder holding surveys.csv, or a surveys CSV.")
    var input: String

    @Option(parsing: .singleValue, help: "Grouping: month, quarter, segment, channel, or a customer or survey column (repeatable; commas allowed).")
    var by: [String] = []

    @OptionGroup var output: OutputOptions
    @OptionGroup var transactions: TransactionOptions

    @Option(help: "Write rows that were set aside to this CSV (file, line, column, reason, raw).")
    var quarantine: String?

    @Flag(help: "Print the seconds each step took (setup: groupings; read: checking, scoring and grouping every row, and compiling the comment lexicon at the first comment; output) to standard error.")
    var timing = false

    func run() throws {
        try runReportingErrors {
            let timer = StepTimer(enabled: timing)
            defer { timer.report() }
            let files = try Self.inputFiles(input)
            let groupings = try Self.groupings(
                names: by.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty },
                files: files, segments: { try segmentLabels(files.transactions) })
            let sink = try quarantine.map { try QuarantineFile(path: $0) }
            timer.step("setup")
            // The comments' themes are tallied in the same pass over the file.
            let report = try SatisfactionAnalysis.analyze(path: files.surveys, groupings: groupings.available, quarantine: sink,
                                                          commentLexicon: .builtIn)
            try sink?.close()
            timer.step("read")
            let result = SatisfactionOutput(report: report, unavailable: groupings.unavailable,
                                            themes: report.themes.map { $0.n > 0 ? $0.themes : [] } ?? [])
            result.noteProblems(quarantinePath: quarantine)
            let out = try ByteSink(path: output.out)
            switch output.resolvedFormat {
            case .json: try out.write(jsonText(result))
            case .csv:
                // Without --by the CSV still carries the scores: the overall ones, as the group "all".
                let overall = SatisfactionGroupRow(by: "all", group: "all", n: report.rows,
                                                   small: SatisfactionAnalysis.isSmall(report.overall), scores: report.overall)
                try Self.groupTable(report.by.isEmpty ? [overall] : report.by.map(SatisfactionGroupRow.init)).writeCSV(to: out)
            case .table:
                try out.write(result.text)
                if !report.by.isEmpty { try Self.groupTable(report.by).writeTable(to: out, limit: 200) }
            }
            try out.close()
            timer.step("output")
        }
    }

    /// The RFM segment of each customer of a transactions file (default RFM settings, as `cva rfm`).
    private func segmentLabels(_ path: String?) throws -> [String: String]? {
        guard let path else { return nil }
        let history = try loadTransactions(path: path, options: transactions, quarantine: nil)
        let summary = try CustomerSummary(history: history, options: SummaryOptions())
        return Self.segmentLabels(summary: summary, rfm: try RFMAnalysis(input: RFMInput(summary: summary)))
    }

    /// Customer id → RFM segment name (English).
    static func segmentLabels(summary: CustomerSummary, rfm: RFMAnalysis) -> [String: String] {
        var labels: [String: String] = [:]
        labels.reserveCapacity(summary.count)
        for i in 0..<summary.count { labels[summary.customerID(i)] = rfm.segmentName(i).text(.en) }
        return labels
    }

    /// The files an input names: a surveys file, or a folder's surveys, customers and transactions.
    struct InputFiles {
        var surveys: String
        var customers: String?
        var transactions: String?
    }

    static func inputFiles(_ input: String) throws -> InputFiles {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw CLIError("\(input): no such file or folder")
        }
        guard isDirectory.boolValue else { return InputFiles(surveys: input) }
        let dataSet = try DataSet(directory: input)
        guard let surveys = dataSet.files["surveys"] else {
            throw CLIError("\(input): the folder has no surveys.csv (customer_id, date, and any of nps, csat, ces)")
        }
        return InputFiles(surveys: surveys, customers: dataSet.files["customers"], transactions: dataSet.transactions)
    }

    /// Headers a channel column goes by.
    static let channelHeaders = ["channel", "渠道", "来源", "source"]

    /// The groupings named by `--by`, and those the data cannot make.
    static func groupings(names: [String], files: InputFiles, segments: () throws -> [String: String]?)
        throws -> (available: [SatisfactionGrouping], unavailable: [UnavailableGrouping])
    {
        var available: [SatisfactionGrouping] = []
        var unavailable: [UnavailableGrouping] = []
        let surveyHeader = try header(of: files.surveys)
        let customerHeader = try files.customers.map(header(of:)) ?? []
        let customerRoles = FileSchema.customers.columns.map(\.role.name).filter { $0 != "customer_id" }
        for name in names {
            switch name.lowercased() {
            case "month": available.append(.month)
            case "quarter": available.append(.quarter)
            case "channel", "渠道":
                // Always a survey grouping: the analysis lists it as unavailable when the column is missing.
                available.append(.surveyColumn(name: "channel", headers: channelHeaders))
            case "segment":
                if let labels = try segments() {
                    available.append(.customer(name: "segment", labels: labels))
                } else {
                    unavailable.append(UnavailableGrouping(by: "segment", reason: "needs transactions.csv in the data set folder"))
                }
            default:
                if let customers = files.customers,
                   let labels = try SatisfactionAnalysis.customerAttribute(path: customers, column: name) {
                    available.append(.customer(name: name, labels: labels))
                } else if surveyHeader.contains(where: { $0.lowercased() == name.lowercased() }) {
                    available.append(.surveyColumn(name: name, headers: [name]))
                } else if customerRoles.contains(name) {
                    unavailable.append(UnavailableGrouping(
                        by: name, reason: files.customers == nil ? "needs customers.csv in the data set folder" : "customers.csv has no \(name) column"))
                } else {
                    var known = ["month", "quarter", "segment", "channel"]
                    known += customerHeader.filter { $0.lowercased() != "customer_id" }
                    known += surveyHeader.filter { !["customer_id", "date", "nps", "csat", "ces"].contains($0.lowercased()) }
                    throw CLIError("--by \(name): not a grouping nor a column of the customers or surveys file; expected one of \(known.joined(separator: ", "))")
                }
            }
        }
        return (available, unavailable)
    }

    private static func header(of path: String) throws -> [String] {
        let reader = try CSVReader(path: path)
        guard try reader.nextHeader() else { return [] }
        return reader.fields.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The columns of `--format csv`: one row per group.
    static let groupColumns = [
        "by", "group", "n", "small", "nps", "nps_moe", "nps_n", "promoters", "passives", "detractors",
        "csat", "csat_mean", "csat_n", "ces_mean", "ces_share_high", "ces_n",
    ]

    static func groupTable(_ groups: [SatisfactionGroupSummary]) -> OutputTable {
        groupTable(groups.map(SatisfactionGroupRow.init))
    }

    static func groupTable(_ groups: [SatisfactionGroupRow]) -> OutputTable {
        OutputTable(columns: groupColumns, rowCount: groups.count) { r, k in
            let g = groups[r]
            func value(_ x: Double?) -> Cell { x.map { .number($0) } ?? .empty }
            switch k {
            case 0: return .text(g.by)
            case 1: return .text(g.group)
            case 2: return .int(g.n)
            case 3: return .bool(g.small)
            case 4: return value(g.nps.score)
            case 5: return value(g.nps.marginOfError)
            case 6: return .int(g.nps.n)
            case 7: return .int(g.nps.promoters)
            case 8: return .int(g.nps.passives)
            case 9: return .int(g.nps.detractors)
            case 10: return value(g.csat.score)
            case 11: return value(g.csat.mean)
            case 12: return .int(g.csat.n)
            case 13: return value(g.ces.mean)
            case 14: return value(g.ces.shareHigh)
            default: return .int(g.ces.n)
            }
        }
    }

    /// `cva analyze`'s satisfaction section: when the data set has surveys.csv, writes
    /// `satisfaction.json` (overall, by month, quarter, channel and segment, and the comments'
    /// themes, all from one read of the file) and `satisfaction_by.csv` into `outputFolder`, and
    /// returns the digest lines. Rows set aside go to `quarantine`.
    static func analyzeSection(
        dataSet: DataSet, summary: CustomerSummary?, rfm: RFMAnalysis?, outputFolder: String, quarantine: QuarantineSink?
    ) throws -> [String] {
        try writeSection(dataSet: dataSet, summary: summary, rfm: rfm, outputFolder: outputFolder, quarantine: quarantine,
                         feedback: try FeedbackAnalyzer(lexicon: .builtIn)) { report in
            report.themes.map { $0.n > 0 ? $0.themes : [] } ?? []
        }
    }

    private static func writeSection<Themes: Encodable>(
        dataSet: DataSet, summary: CustomerSummary?, rfm: RFMAnalysis?, outputFolder: String,
        quarantine: QuarantineSink?, feedback: FeedbackAnalyzer, themes: (SatisfactionReport) -> Themes
    ) throws -> [String] {
        guard let surveys = dataSet.files["surveys"] else { return [] }
        let files = InputFiles(surveys: surveys, customers: dataSet.files["customers"], transactions: dataSet.transactions)
        var names = ["month", "quarter", "channel"]
        if summary != nil && rfm != nil { names.append("segment") }
        let groupings = try groupings(names: names, files: files) {
            guard let summary, let rfm else { return nil }
            return segmentLabels(summary: summary, rfm: rfm)
        }
        let report = try SatisfactionAnalysis.analyze(path: surveys, groupings: groupings.available, quarantine: quarantine,
                                                      feedback: feedback)
        let result = SatisfactionOutput(report: report, unavailable: groupings.unavailable, themes: themes(report))
        for (name, body) in [("satisfaction.json", { (sink: ByteSink) in try sink.write(jsonText(result)) }),
                             ("satisfaction_by.csv", { (sink: ByteSink) in try groupTable(report.by).writeCSV(to: sink) })] {
            let out = try ByteSink(path: (outputFolder as NSString).appendingPathComponent(name))
            try body(out)
            try out.close()
        }
        return [result.headline]
    }
}

/// The JSON of `cva satisfaction`: the contract `{"nps", "csat", "ces", "by", "themes", ...}`.
struct SatisfactionOutput<Themes: Encodable>: Encodable {
    var report: SatisfactionReport
    var unavailable: [UnavailableGrouping]
    var themes: Themes

    enum CodingKeys: String, CodingKey {
        case nps, csat, ces, by, themes, quarantined, unavailable, rows, blankAnswers = "blank_answers", file
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(report.overall.nps, forKey: .nps)
        try c.encode(report.overall.csat, forKey: .csat)
        try c.encode(report.overall.ces, forKey: .ces)
        try c.encode(report.by, forKey: .by)
        try c.encode(themes, forKey: .themes)
        try c.encode(report.quarantined, forKey: .quarantined)
        try c.encode(report.blankAnswers, forKey: .blankAnswers)
        try c.encode(allUnavailable, forKey: .unavailable)
        try c.encode(report.rows, forKey: .rows)
        try c.encode(report.file.file, forKey: .file)
    }

    var allUnavailable: [UnavailableGrouping] { unavailable + report.unavailable }

    /// One line: the three overall scores.
    var headline: String {
        let o = report.overall
        var parts: [String] = []
        if let s = o.nps.score, let m = o.nps.marginOfError {
            parts.append(String(format: "NPS %.1f ± %.1f (n %d)", s, m, o.nps.n))
        }
        if let s = o.csat.score, let m = o.csat.mean { parts.append(String(format: "CSAT %.1f%% (mean %.2f, n %d)", s, m, o.csat.n)) }
        if let m = o.ces.mean, let s = o.ces.shareHigh { parts.append(String(format: "CES %.2f (%.1f%% 5–7, n %d)", m, s, o.ces.n)) }
        return "satisfaction: " + (parts.isEmpty ? "no answers" : parts.joined(separator: "; "))
    }

    /// Notes on standard error: rows set aside, groupings that could not be made.
    func noteProblems(quarantinePath: String?) {
        let q = report.quarantined
        let total = q.values.reduce(0, +)
        if total > 0 {
            let parts = q.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.replacingOccurrences(of: "_", with: " "))" }
            let whereTo = quarantinePath.map { "written to \($0)" } ?? "pass --quarantine FILE to keep them"
            Console.note("note: \(total) of \(report.file.rowsRead) survey rows set aside (\(parts.joined(separator: ", "))); \(whereTo)")
            for example in report.file.examples.prefix(3) {
                Console.note("  line \(example.line)\(example.column.map { ", column \($0)" } ?? ""): \(example.reason)")
            }
        }
        for u in allUnavailable { Console.note("note: --by \(u.by) is unavailable: \(u.reason)") }
    }

    /// The aligned-table rendering.
    var text: String {
        var text = headline + "\n"
        let q = report.quarantined
        if !q.isEmpty {
            text += "set aside: " + q.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        }
        let blanks = report.blankAnswers.filter { $0.value > 0 }
        if !blanks.isEmpty {
            text += "blank answers (not counted): " + blanks.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        }
        for u in allUnavailable { text += "by \(u.by): unavailable (\(u.reason))\n" }
        return text
    }
}

/// One row of the satisfaction CSV: a group of answers, or all of them (`all`, `all`).
struct SatisfactionGroupRow {
    var by: String
    var group: String
    var n: Int
    var small: Bool
    var nps: NPSScore
    var csat: CSATScore
    var ces: CESScore

    init(by: String, group: String, n: Int, small: Bool, scores: SatisfactionScores) {
        (self.by, self.group, self.n, self.small) = (by, group, n, small)
        (nps, csat, ces) = (scores.nps, scores.csat, scores.ces)
    }

    init(_ g: SatisfactionGroupSummary) {
        (by, group, n, small) = (g.by, g.group, g.n, g.small)
        (nps, csat, ces) = (g.nps, g.csat, g.ces)
    }
}
