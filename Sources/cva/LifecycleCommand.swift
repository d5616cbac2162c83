import ArgumentParser
import CustomerValue
import Foundation

/// `cva lifecycle`: every customer's stage and repurchase cycle at an as-of date.
struct LifecycleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lifecycle",
        abstract: "Lifecycle stage per customer (new, active, at risk, lapsed, reactivated) and the repurchase cycle.",
        discussion: """
            Only purchases on or before --as-of (default: the observation end) count. Rules, first \
            match wins: lapsed = days_since_last > --lapsed-days; new = first purchase at most \
            --new-days before; reactivated = the last purchase came after a pause of more than \
            --lapsed-days and days_since_last ≤ --reactivated-days; at_risk = days_since_last > \
            --overdue-factor × the customer's median gap (customers with one purchase day: the median \
            gap of all customers); active = the rest. Gaps are days between distinct purchase days; \
            gap_cv = sample standard deviation / mean of the customer's gaps (0 = regular, about 1 = \
            random, needs 2 gaps). expected_next_purchase = last purchase + median gap. --format json \
            adds the stage counts, the overall gap distribution (quartiles, histogram) and the rules.
            """)

    @Argument(help: "A transactions CSV, or a data set folder holding transactions.csv.")
    var input: String
    @OptionGroup var transactions: TransactionOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .customLong("as-of"), help: "Date to judge the stages at (yyyy-MM-dd); default: the observation end.")
    var asOf: String?
    @Option(name: .customLong("new-days"), parsing: .unconditional, help: "A customer is new for this many days after the first purchase.")
    var newDays: Int = 30
    @Option(name: .customLong("lapsed-days"), parsing: .unconditional, help: "A customer has lapsed after this many days without a purchase.")
    var lapsedDays: Int = 180
    @Option(name: .customLong("reactivated-days"), parsing: .unconditional, help: "A customer back from a lapse stays reactivated for this many days.")
    var reactivatedDays: Int = 90
    @Option(name: .customLong("overdue-factor"), parsing: .unconditional, help: "At risk when the days since the last purchase exceed this multiple of the median gap.")
    var overdueFactor: Double = 1.5
    @Option(help: "Write rows that were set aside to this CSV (file, line, column, reason, raw).")
    var quarantine: String?

    /// The columns of `cva lifecycle`, a contract (the first five fixed by the issue).
    static let columns = [
        "customer_id", "stage", "days_since_last", "median_gap_days", "expected_next_purchase",
        "purchase_days", "mean_gap_days", "gap_cv",
    ]

    func run() throws {
        try runReportingErrors {
            let history = try loadLifecycleHistory(input: input, transactions: transactions, quarantine: quarantine)
            let rules = LifecycleRules(newDays: newDays, lapsedDays: lapsedDays, reactivatedDays: reactivatedDays,
                                       overdueFactor: overdueFactor)
            let stages = try LifecycleStages(history: history, asOf: try asOf.map { try parseDay($0, flag: "--as-of") }, rules: rules)
            if stages.customersWithoutPurchases > 0 {
                Console.note("note: \(stages.customersWithoutPurchases) customers have no purchase on or before \(stages.asOf.iso) and are left out")
            }
            let out = try ByteSink(path: output.out)
            let table = Self.table(history: history, stages: stages)
            switch output.resolvedFormat {
            case .csv: try table.writeCSV(to: out)
            case .json:
                try out.write("{\n\"customers\": ")
                try table.writeJSON(to: out)
                let rest = try jsonText(LifecycleReport(stages))
                try out.write("," + rest.drop { $0 != "{" }.dropFirst())
            case .table:
                try out.write(Self.summaryText(stages))
                try table.writeTable(to: out, limit: 20)
            }
            try out.close()
        }
    }

    /// One row per customer with a purchase by the as-of date.
    static func table(history: TransactionHistory, stages: LifecycleStages) -> OutputTable {
        let rows = stages.stage.indices.filter { stages.stage[$0] != nil }
        let ids = history.identifiers
        return OutputTable(columns: columns, rowCount: rows.count) { r, k in
            let c = rows[r]
            func optional(_ v: Double?) -> Cell { v.map(Cell.number) ?? .empty }
            switch k {
            case 0: return .text(ids.string(at: c))
            case 1: return .text(stages.stage[c]?.rawValue ?? "")
            case 2: return stages.daysSinceLast[c].map(Cell.int) ?? .empty
            case 3: return optional(stages.cycle.medianGap[c])
            case 4: return stages.expectedNextPurchase[c].map(Cell.date) ?? .empty
            case 5: return .int(stages.cycle.gapCount[c] + 1)
            case 6: return optional(stages.cycle.meanGap[c])
            case 7: return optional(stages.cycle.coefficientOfVariation[c])
            default: return .empty
            }
        }
    }

    static func summaryText(_ stages: LifecycleStages) -> String {
        let total = max(1, stages.counts.values.reduce(0, +))
        var text = "Lifecycle stages at \(stages.asOf.iso)\n"
        for s in LifecycleStage.allCases {
            let n = stages.counts[s] ?? 0
            text += "  \(s.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(n) (\(String(format: "%.1f", 100 * Double(n) / Double(total)))%)\n"
        }
        if let d = stages.cycle.overall {
            text += String(format: "Days between purchases (%d gaps): mean %.1f, quartiles %.1f / %.1f / %.1f, range %.0f–%.0f\n",
                           d.gaps, d.mean, d.lowerQuartile, d.median, d.upperQuartile, d.minimum, d.maximum)
            text += "  histogram: " + d.histogram.map { "\($0.lower)\($0.upper.map { "–\($0)" } ?? "+"): \($0.count)" }.joined(separator: ", ") + "\n"
        } else {
            text += "No customer bought on two different days: no repurchase cycle\n"
        }
        return text + "\n"
    }

    /// Writes `lifecycle.csv`, `cohorts.csv` and `kpis.csv` (by `period`, cva.yaml's setting, else
    /// monthly; other settings default) and `lifecycle.json` (definitions, stage counts, gap
    /// distribution, KPI definitions) for `cva analyze`, through its `write(name, body)`; returns
    /// the digest lines.
    static func analyzeSection(history: TransactionHistory, period: LifecyclePeriod = .month,
                               write: (String, (ByteSink) throws -> Void) throws -> Void) throws -> [String] {
        let stages: LifecycleStages
        let periodic: PeriodicAnalysis
        do {
            stages = try LifecycleStages(history: history)
            periodic = try PeriodicAnalysis(history: history, options: PeriodicOptions(period: period))
        } catch {
            return ["lifecycle: not computed (\(error))"]
        }
        try write("lifecycle.csv") { try table(history: history, stages: stages).writeCSV(to: $0) }
        try write("cohorts.csv") { try CohortsCommand.table(periodic.cohorts).writeCSV(to: $0) }
        try write("kpis.csv") { try KPIsCommand.table(periodic).writeCSV(to: $0) }
        try write("lifecycle.json") { sink in
            try sink.write(jsonText(AnalyzeLifecycleReport(stages: LifecycleReport(stages), kpis: KPIsReport(periodic),
                                                           cohorts: CohortsReport(periodic.cohorts))))
        }
        let counts = LifecycleStage.allCases.map { "\($0.rawValue) \(stages.counts[$0] ?? 0)" }.joined(separator: ", ")
        var lines = ["lifecycle at \(stages.asOf.iso): \(counts)"]
        if let d = stages.cycle.overall {
            lines.append(String(format: "median days between purchases %.0f (quartiles %.0f–%.0f)", d.median, d.lowerQuartile, d.upperQuartile))
        }
        return lines
    }
}

/// Everything `cva lifecycle --format json` prints but the customers.
struct LifecycleReport: Encodable {
    var asOf: String
    var counts: [String: Int]
    var customersWithoutPurchases: Int
    var cycle: RepurchaseCycle.Distribution?
    var rules: LifecycleRules
    var definitions: [String: String]

    init(_ stages: LifecycleStages) {
        asOf = stages.asOf.iso
        counts = Dictionary(uniqueKeysWithValues: LifecycleStage.allCases.map { ($0.rawValue, stages.counts[$0] ?? 0) })
        customersWithoutPurchases = stages.customersWithoutPurchases
        cycle = stages.cycle.overall
        rules = stages.rules
        var definitions = stages.rules.definitions
        definitions["days_since_last"] = "days from the last purchase on or before the as-of date to it"
        definitions["median_gap_days"] = "median of the days between the customer's consecutive purchase days"
        definitions["purchase_days"] = "distinct purchase days on or before the as-of date"
        definitions["mean_gap_days"] = "mean of the days between consecutive purchase days"
        definitions["gap_cv"] = "coefficient of variation of the gaps: sample standard deviation / mean (0 regular, about 1 random); null with fewer than 2 gaps"
        self.definitions = definitions
    }

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", counts, customersWithoutPurchases = "customers_without_purchases", cycle, rules, definitions
    }
}

/// `lifecycle.json` of `cva analyze`.
struct AnalyzeLifecycleReport: Encodable {
    var stages: LifecycleReport
    var kpis: KPIsReport
    var cohorts: CohortsReport
}
