import ArgumentParser
import CustomerValue
import Foundation

extension LifecyclePeriod: ExpressibleByArgument {}

/// `cva cohorts`: customers grouped by first-purchase period, followed period by period.
struct CohortsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cohorts",
        abstract: "Cohort table: retention, revenue and cumulative revenue per customer by first-purchase period and age.",
        discussion: """
            A cohort is every customer whose first purchase falls in one period (--period month, week \
            or quarter); cohort = the period's first day. period_index 0 is the cohort's own period. \
            active_customers = cohort customers with a purchase in the period; retention = active / \
            cohort_size; revenue_retention = revenue / revenue at index 0; \
            cumulative_revenue_per_customer = revenue of indexes 0..k / cohort_size. Cells of periods \
            after the observation end have not happened: they are empty, never 0. The last period ends \
            at the observation end and may be partial. Cohorts of size 0 (no first purchases in the \
            period) have empty rates; cohorts of one customer are counted on standard error.
            """)

    @Argument(help: "A transactions CSV, or a data set folder holding transactions.csv.")
    var input: String
    @OptionGroup var transactions: TransactionOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Period length: month, week or quarter (default: cva.yaml's period, else month).")
    var period: LifecyclePeriod?
    @Option(help: "Write rows that were set aside to this CSV (file, line, column, reason, raw).")
    var quarantine: String?
    @Flag(help: "Print the seconds each step took (read, parse, build per customer, cohorts, write) to standard error.")
    var timing = false

    /// The columns of `cva cohorts`, a contract.
    static let columns = [
        "cohort", "period_index", "cohort_size", "active_customers", "retention", "revenue", "orders",
        "revenue_retention", "cumulative_revenue_per_customer",
    ]

    func run() throws {
        try runReportingErrors {
            let period = try configOf(input: input).period(flag: self.period)
            let timer = StepTimer(enabled: timing)
            defer { timer.report() }
            let history = try loadLifecycleHistory(input: input, transactions: transactions, quarantine: quarantine)
            timer.stepLoad(history)
            let analysis = try PeriodicAnalysis(history: history, options: PeriodicOptions(period: period))
            timer.step("cohorts")
            Self.noteCohorts(analysis)
            let out = try ByteSink(path: output.out)
            switch output.resolvedFormat {
            case .csv: try Self.table(analysis.cohorts).writeCSV(to: out)
            case .json:
                try out.write("{\n\"cohorts\": ")
                try Self.table(analysis.cohorts).writeJSON(to: out)
                let rest = try jsonText(CohortsReport(analysis.cohorts))
                try out.write("," + rest.drop { $0 != "{" }.dropFirst())
            case .table: try Self.writeMatrix(analysis.cohorts, to: out)
            }
            try out.close()
            timer.step("write")
        }
    }

    /// Notes on standard error for cohorts whose rates rest on one customer or none.
    static func noteCohorts(_ analysis: PeriodicAnalysis) {
        let t = analysis.cohorts
        if t.singleCustomerCohorts > 0 {
            Console.note("note: \(t.singleCustomerCohorts) of \(t.cohorts.count) cohorts have a single customer (their retention is 0 or 1)")
        }
        if t.emptyCohorts > 0 {
            Console.note("note: \(t.emptyCohorts) of \(t.cohorts.count) periods acquired no customer: their cohorts have size 0 and empty rates")
        }
        if analysis.customersWithoutPurchases > 0 {
            Console.note("note: \(customersHave(analysis.customersWithoutPurchases)) no purchase left once returns are netted and are left out")
        }
    }

    /// One row per cohort and age, ages 0 ..< number of periods; future cells empty.
    static func table(_ t: CohortTable) -> OutputTable {
        let width = t.cohorts.count
        let cohorts = t.cohorts
        return OutputTable(columns: columns, rowCount: width * width) { r, k in
            let cohort = cohorts[r / width]
            let age = r % width
            let happened = age < cohort.ages
            func optional(_ v: Double?) -> Cell { v.map(Cell.number) ?? .empty }
            switch k {
            case 0: return .date(cohort.start)
            case 1: return .int(age)
            case 2: return .int(cohort.size)
            case 3: return happened ? .int(cohort.activeCustomers[age]) : .empty
            case 4: return optional(cohort.retention(age: age))
            case 5: return happened ? .number(cohort.revenue[age]) : .empty
            case 6: return happened ? .int(cohort.orders[age]) : .empty
            case 7: return optional(cohort.revenueRetention(age: age))
            case 8: return optional(cohort.cumulativeRevenuePerCustomer(age: age))
            default: return .empty
            }
        }
    }

    /// The retention matrix in percent: one row per cohort, one column per age.
    static func writeMatrix(_ t: CohortTable, to sink: ByteSink) throws {
        let width = t.cohorts.count
        try sink.write("Retention (% of the cohort active) by \(t.period.rawValue)s since the first purchase; observation end \(t.observationEnd.iso)\n\n")
        let cohorts = t.cohorts
        try OutputTable(columns: ["cohort", "size"] + (0..<width).map(String.init), rowCount: width) { r, k in
            switch k {
            case 0: return .date(cohorts[r].start)
            case 1: return .int(cohorts[r].size)
            default: return cohorts[r].retention(age: k - 2).map { .number(($0 * 1000).rounded() / 10) } ?? .empty
            }
        }.writeTable(to: sink, limit: width)
    }
}

/// Everything `cva cohorts --format json` prints but the rows.
struct CohortsReport: Encodable {
    var period: LifecyclePeriod
    var observationEnd: String
    var singleCustomerCohorts: Int
    var emptyCohorts: Int
    var definitions: [String: String]

    init(_ t: CohortTable) {
        period = t.period
        observationEnd = t.observationEnd.iso
        singleCustomerCohorts = t.singleCustomerCohorts
        emptyCohorts = t.emptyCohorts
        definitions = [
            "cohort": "first day of the period of the customers' first purchase",
            "period_index": "periods since the cohort's period (0 = the cohort's own period)",
            "cohort_size": "customers whose first purchase is in the cohort's period",
            "active_customers": "cohort customers with at least one purchase in the period; null for periods after the observation end",
            "retention": "active_customers / cohort_size; null for a cohort of size 0 or a future period",
            "revenue": "net revenue of the cohort's customers in the period",
            "orders": "orders of the cohort's customers in the period",
            "revenue_retention": "revenue / revenue at period_index 0; null when that is not positive or the period is in the future",
            "cumulative_revenue_per_customer": "revenue of period indexes 0..k / cohort_size",
        ]
    }

    enum CodingKeys: String, CodingKey {
        case period, observationEnd = "observation_end", singleCustomerCohorts = "single_customer_cohorts"
        case emptyCohorts = "empty_cohorts", definitions
    }
}

/// Loads the transactions of a lifecycle command as `cva rfm` does, noting what was set aside.
func loadLifecycleHistory(input: String, transactions: TransactionOptions, quarantine: String?) throws -> TransactionHistory {
    let path = try transactionsPath(input)
    let sink = try quarantine.map { try QuarantineFile(path: $0) }
    let history = try loadTransactions(path: path, options: transactions, quarantine: sink)
    try sink?.close()
    noteSetAside(history.report, quarantinePath: quarantine)
    return history
}
