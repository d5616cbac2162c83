import ArgumentParser
import CustomerValue
import Foundation

/// `cva servqual`: SERVQUAL gaps per item and dimension, the weighted overall gap and the ranking.
struct ServqualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "servqual",
        abstract: "SERVQUAL gaps (perception − expectation) per item and dimension, an importance-weighted overall gap, dimensions ranked by gap.",
        discussion: """
            Data FILE: a CSV with a header, one row per respondent, two columns per item (its expectation \
            and its perception, e.g. E_T1,P_T1), answers on the config's scale (default 1–7). A blank cell \
            leaves the item out for that respondent; a cell that is not a number or is outside the scale \
            sets the row aside (counted under "rejected", named by line and column, written to --quarantine).

            Config (YAML):
              scale: [1, 7]                  # optional
              dimensions:                    # in the order to report
                tangibles:
                  importance: 0.2            # optional; for every dimension or none (none = equal)
                  items:
                    T1: {expectation: E_T1, perception: P_T1}
                    T2: {expectation: E_T2, perception: P_T2}
                reliability:
                  items: ...
            (Parasuraman, Zeithaml & Berry 1988: tangibles, reliability, responsiveness, assurance, empathy.)

            Item gap = mean of P − E over respondents who answered both; dimension gap = mean of its item \
            gaps; weighted_gap = Σ w·dimension gap with importances normalised to sum 1; rank 1 = the most \
            negative gap (the largest shortfall).

            --format json: {"items": [...], "dimensions": [...], "weighted_gap", "unweighted_gap", "ranking", \
            "respondents", "rejected", "examples"}; csv: one row per item and per dimension; table: both.
            """)

    @Argument(help: "Respondents CSV: one row per respondent, expectation and perception columns per item.")
    var file: String
    @Option(help: "SERVQUAL config (YAML): dimension → items → expectation and perception columns; optional importance.")
    var config: String
    @OptionGroup var output: OutputOptions
    @Option(help: "Write rows that were set aside to this CSV (file, line, column, reason, raw).")
    var quarantine: String?

    func run() throws {
        try runReportingErrors {
            guard let data = FileManager.default.contents(atPath: config) else { throw CLIError("\(config): cannot read the config file") }
            guard let yaml = String(data: data, encoding: .utf8) else { throw CLIError("\(config): not UTF-8 text; save it as UTF-8") }
            let model = try ServqualModel(yaml: yaml, source: config)
            guard FileManager.default.fileExists(atPath: file) else { throw CLIError("\(file): no such file") }
            let sink = try quarantine.map { try QuarantineFile(path: $0) }
            let result = try ServqualAnalysis.analyze(path: file, model: model, quarantine: sink)
            try sink?.close()
            let rejected = result.rejected.values.reduce(0, +)
            if rejected > 0 {
                Console.note("note: \(rejected) respondent rows set aside; \(quarantine.map { "written to \($0)" } ?? "pass --quarantine FILE to keep them")")
                for example in result.examples.prefix(3) {
                    Console.note("  line \(example.line)\(example.column.map { ", column \($0)" } ?? ""): \(example.reason)")
                }
            }
            let out = try ByteSink(path: output.out)
            switch output.resolvedFormat {
            case .json: try out.write(jsonText(result))
            case .csv: try Self.table(result).writeCSV(to: out)
            case .table:
                var text = "SERVQUAL: \(result.respondents) respondents"
                if let w = result.weightedGap { text += String(format: "; weighted gap %.3f", w) }
                if let u = result.unweightedGap { text += String(format: " (unweighted %.3f)", u) }
                text += "\nranking (largest shortfall first): \(result.ranking.joined(separator: ", "))\n"
                try out.write(text)
                try Self.table(result).writeTable(to: out, limit: 500)
            }
            try out.close()
        }
    }

    static let columns = ["level", "dimension", "item", "n", "expectation", "perception", "gap", "weight", "rank"]

    /// One row per dimension, then one per item.
    static func table(_ r: ServqualResult) -> OutputTable {
        let d = r.dimensions, items = r.items
        return OutputTable(columns: columns, rowCount: d.count + items.count) { row, k in
            func value(_ x: Double?) -> Cell { x.map { .number($0) } ?? .empty }
            if row < d.count {
                let g = d[row]
                switch k {
                case 0: return .text("dimension")
                case 1: return .text(g.dimension)
                case 2: return .empty
                case 3: return .int(g.items)
                case 4: return value(g.expectation)
                case 5: return value(g.perception)
                case 6: return value(g.gap)
                case 7: return .number(g.weight)
                default: return g.rank.map { .int($0) } ?? .empty
                }
            }
            let g = items[row - d.count]
            switch k {
            case 0: return .text("item")
            case 1: return .text(g.dimension)
            case 2: return .text(g.item)
            case 3: return .int(g.n)
            case 4: return value(g.expectation)
            case 5: return value(g.perception)
            case 6: return value(g.gap)
            default: return .empty
            }
        }
    }
}
