import ArgumentParser
import CustomerValue
import Foundation

/// `cva kpis`: customer KPIs period by period.
struct KPIsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kpis",
        abstract: "KPIs over time: active, new, returning, reactivated and churned customers, churn and retention rates, ARPU, AOV, repurchase rate, simple CLV.",
        discussion: """
            One row per period (--period month, week or quarter) from the first purchase to the \
            observation end. With S = --churn-days: a customer with a purchase on day t and none on \
            days t+1..t+S churns on day t+S; a customer is alive at the start s of a period when their \
            last purchase t before s has s − t ≤ S. new = first purchase in the period; returning = \
            active, not new, alive at the start; reactivated = active, not new, lapsed at the start; \
            churned = alive at the start with the churn day in the period; churn_rate = churned / \
            customers_at_start; retention_rate = 1 − churn_rate; arpu = revenue / active; \
            average_order_value = revenue / orders; purchase_frequency = orders / active; \
            repurchase_rate = customers buying on 2+ days of the period / active; simple_clv = AOV × \
            frequency × (1 / churn_rate) × --gross-margin. Rates over zero customers are empty (null). \
            --format json adds a definitions object.
            """)

    @Argument(help: "A transactions CSV, or a data set folder holding transactions.csv.")
    var input: String
    @OptionGroup var transactions: TransactionOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Period length: month, week or quarter (default: cva.yaml's period, else month).")
    var period: LifecyclePeriod?
    @Option(name: .customLong("churn-days"), parsing: .unconditional, help: "Churn span S in days, at least the period length (default 90; 184 for quarters).")
    var churnDays: Int?
    @Option(name: .customLong("gross-margin"), parsing: .unconditional, help: "Gross margin (0 to 1) of the simple lifetime value; default: 1 − Σ cost / Σ amount when the file has a cost column, else 1.")
    var grossMargin: Double?
    @Option(help: "Write rows that were set aside to this CSV (file, line, column, reason, raw).")
    var quarantine: String?

    /// The columns of `cva kpis`, a contract (the first eleven fixed by the issue).
    static let columns = [
        "period", "active_customers", "new_customers", "returning_customers", "reactivated_customers",
        "churned_customers", "churn_rate", "retention_rate", "arpu", "average_order_value", "repurchase_rate",
        "customers_at_start", "revenue", "orders", "purchase_frequency", "expected_lifespan", "simple_clv", "partial",
    ]

    func run() throws {
        try runReportingErrors {
            let period = try configOf(input: input).period(flag: self.period)
            let history = try loadLifecycleHistory(input: input, transactions: transactions, quarantine: quarantine)
            let margin = try grossMargin ?? Self.marginFromCosts(path: try transactionsPath(input), transactions: transactions)
            let analysis = try PeriodicAnalysis(
                history: history, options: PeriodicOptions(period: period, churnDays: churnDays, grossMargin: margin))
            Self.notePeriods(analysis)
            let out = try ByteSink(path: output.out)
            switch output.resolvedFormat {
            case .csv: try Self.table(analysis).writeCSV(to: out)
            case .json:
                try out.write("{\n\"kpis\": ")
                try Self.table(analysis).writeJSON(to: out)
                let rest = try jsonText(KPIsReport(analysis))
                try out.write("," + rest.drop { $0 != "{" }.dropFirst())
            case .table:
                let o = analysis.options
                try out.write("KPIs by \(o.period.rawValue); churn span \(o.churnDays) days; gross margin \(NumberFormatting.display(o.grossMargin)); rates over zero customers are empty\n\n")
                try Self.table(analysis).writeTable(to: out, limit: 200)
            }
            try out.close()
        }
    }

    /// 1 − Σ cost / Σ amount from the file's cost column, or 1 without one (both noted).
    static func marginFromCosts(path: String, transactions: TransactionOptions) throws -> Double {
        guard let costs = try TransactionCosts.load(path: path, options: try transactions.ingestOptions()),
              let margin = costs.grossMargin else {
            Console.note("note: no cost column: simple_clv uses a gross margin of 1 (revenue); set --gross-margin")
            return 1
        }
        let clamped = min(1, max(0, margin))
        Console.note(String(format: "note: gross margin %.4f = 1 - cost / amount over %d rows with a cost", clamped, costs.rows))
        return clamped
    }

    /// Notes on standard error for periods without purchases and a partial last period.
    static func notePeriods(_ analysis: PeriodicAnalysis) {
        let empty = analysis.periodsWithoutPurchases
        if !empty.isEmpty {
            let shown = empty.prefix(5).map(\.iso).joined(separator: ", ")
            Console.note("note: \(empty.count) of \(analysis.kpis.count) periods have no purchase (\(shown)\(empty.count > 5 ? ", ..." : "")): their per-customer rates are empty")
        }
        if let last = analysis.kpis.last, last.partial {
            Console.note("note: the last period (\(last.period.iso)) is partial: it ends at the observation end \(last.end.iso)")
        }
    }

    static func table(_ analysis: PeriodicAnalysis) -> OutputTable {
        let kpis = analysis.kpis
        let margin = analysis.options.grossMargin
        return OutputTable(columns: columns, rowCount: kpis.count) { r, k in
            let p = kpis[r]
            func optional(_ v: Double?) -> Cell { v.map(Cell.number) ?? .empty }
            switch k {
            case 0: return .date(p.period)
            case 1: return .int(p.activeCustomers)
            case 2: return .int(p.newCustomers)
            case 3: return .int(p.returningCustomers)
            case 4: return .int(p.reactivatedCustomers)
            case 5: return .int(p.churnedCustomers)
            case 6: return optional(p.churnRate)
            case 7: return optional(p.retentionRate)
            case 8: return optional(p.arpu)
            case 9: return optional(p.averageOrderValue)
            case 10: return optional(p.repurchaseRate)
            case 11: return .int(p.customersAtStart)
            case 12: return .number(p.revenue)
            case 13: return .int(p.orders)
            case 14: return optional(p.purchaseFrequency)
            case 15: return optional(p.expectedLifespan)
            case 16: return optional(p.simpleLifetimeValue(grossMargin: margin))
            case 17: return .bool(p.partial)
            default: return .empty
            }
        }
    }
}

/// Everything `cva kpis --format json` prints but the rows.
struct KPIsReport: Encodable {
    var definitions: [String: String]
    var settings: PeriodicOptions
    var observationEnd: String
    var periodsWithoutPurchases: [String]
    var customersWithoutPurchases: Int

    init(_ analysis: PeriodicAnalysis) {
        var definitions = PeriodKPI.definitions
        definitions["S"] = "the churn span: \(analysis.options.churnDays) days"
        definitions["partial"] = "whether the observation end cuts the period short"
        self.definitions = definitions
        settings = analysis.options
        observationEnd = analysis.cohorts.observationEnd.iso
        periodsWithoutPurchases = analysis.periodsWithoutPurchases.map(\.iso)
        customersWithoutPurchases = analysis.customersWithoutPurchases
    }

    enum CodingKeys: String, CodingKey {
        case definitions, settings, observationEnd = "observation_end"
        case periodsWithoutPurchases = "periods_without_purchases", customersWithoutPurchases = "customers_without_purchases"
    }
}
