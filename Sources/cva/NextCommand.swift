import ArgumentParser
import CustomerValue
import Foundation

/// `cva next`: expected next purchase date and most likely next category per customer.
struct NextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next",
        abstract: "Next purchase per customer: expected date (own cycle and BG/NBD) and most likely next category, with holdout hit rates.",
        discussion: """
            expected_next_purchase = last purchase + the customer's median gap between purchase days \
            (empty with one purchase day). BG/NBD, fitted on the weekly summary: p_alive = P(alive) at \
            the observation end; model_next_purchase = observation end + the time t by which the \
            probability of at least one purchase, p_alive × [1 − ((α+T)/(α+T+t))^(r+x)], reaches 50%: \
            t = (α+T)(u^(−1/(r+x)) − 1) weeks with u = 1 − 0.5 / p_alive. It is empty when p_alive ≤ 0.5 \
            (the customer is more likely gone than not: the probability never reaches 50%), and both are \
            empty when the model cannot be fitted. next_category: when \
            the transactions have a category column, a first-order Markov chain over categories, \
            P(j | i) = (n_ij + α π_j) / (n_i + α) with π the add-one smoothed popularity (--smoothing \
            α); the category of the customer's last purchase row is i. Hit rates: the chain refitted on \
            purchases up to observation end − --holdout-days predicts each customer's first category \
            after it (hit at 1 and at 3), against the popularity ranking; printed on standard error \
            and in --format json.
            """)

    @Argument(help: "A transactions CSV, or a data set folder holding transactions.csv.")
    var input: String
    @OptionGroup var transactions: TransactionOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .customLong("category-col"), help: "Category column (header name or 1-based number); default: found from common names.")
    var categoryColumn: String?
    @Option(name: .customLong("holdout-days"), parsing: .unconditional, help: "Days at the end held out to measure the next-category hit rates.")
    var holdoutDays: Int = 90
    @Option(parsing: .unconditional, help: "Prior strength α pulling the transition probabilities towards popularity.")
    var smoothing: Double = 1
    @Flag(name: .customLong("no-model"), help: "Skip the BG/NBD fit (model_next_purchase left empty).")
    var noModel = false
    @Option(help: "Write rows that were set aside to this CSV (file, line, column, reason, raw).")
    var quarantine: String?

    /// The columns of `cva next`, a contract (the first four fixed by the issue; p_alive added last).
    static let columns = [
        "customer_id", "expected_next_purchase", "next_category", "next_category_probability",
        "model_next_purchase", "last_category", "p_alive",
    ]

    func run() throws {
        try runReportingErrors {
            guard holdoutDays > 0, holdoutDays <= PeriodicOptions.maximumChurnDays else {
                throw CLIError("--holdout-days must be from 1 to \(PeriodicOptions.maximumChurnDays) (a century), got \(holdoutDays)")
            }
            guard smoothing > 0, smoothing.isFinite else { throw CLIError("--smoothing must be a positive number, got \(smoothing)") }
            let path = try transactionsPath(input)
            let history = try loadLifecycleHistory(input: input, transactions: transactions, quarantine: quarantine)
            let stages = try LifecycleStages(history: history)
            let model = noModel ? nil : Self.modelNextPurchase(history: history)
            let events = try TransactionCategories.load(
                path: path, history: history, options: try transactions.ingestOptions(), categoryColumn: categoryColumn)
            var evaluation: NextCategoryEvaluation?
            var chain: CategoryTransitions?
            if let events {
                chain = CategoryTransitions(events: events, smoothing: smoothing)
                let e = NextCategoryEvaluation(events: events, split: history.observationEnd.adding(days: -holdoutDays), smoothing: smoothing)
                evaluation = e
                Console.note(Self.evaluationText(e, categories: events.names.count))
            } else {
                Console.note("note: the transactions have no category column (pass --category-col): next_category is empty")
            }
            let table = Self.table(history: history, stages: stages, model: model, events: events, chain: chain)
            let out = try ByteSink(path: output.out)
            switch output.resolvedFormat {
            case .csv: try table.writeCSV(to: out)
            case .json:
                try out.write("{\n\"customers\": ")
                try table.writeJSON(to: out)
                let report = NextReport(evaluation: evaluation, categories: chain?.categories ?? [], popularity: chain?.popularity ?? [],
                                        smoothing: smoothing, holdoutDays: holdoutDays, modelFitted: model != nil)
                let rest = try jsonText(report)
                try out.write("," + rest.drop { $0 != "{" }.dropFirst())
            case .table: try table.writeTable(to: out, limit: 20)
            }
            try out.close()
        }
    }

    static func evaluationText(_ e: NextCategoryEvaluation, categories: Int) -> String {
        func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", 100 * $0) } ?? "n/a" }
        return "next category (\(categories) categories), holdout after \(e.split.iso), \(e.customers) customers: "
            + "hit rate at 1 \(percent(e.hitRateAt1)), at 3 \(percent(e.hitRateAt3)); "
            + "popularity alone \(percent(e.popularityHitRateAt1)), \(percent(e.popularityHitRateAt3))"
    }

    /// The BG/NBD columns of `cva next`, per history customer.
    struct ModelNextPurchase {
        /// P(alive) at the observation end; nil for a customer without a purchase.
        var probabilityAlive: [Double?]
        /// Days from the observation end until the probability of at least one purchase reaches
        /// 50%; nil when it never does (P(alive) ≤ 0.5) or lies more than 10,000 years ahead.
        var days: [Int?]
    }

    /// P(alive) and the days until a purchase is as likely as not, from BG/NBD fitted on the weekly
    /// summary (``BGNBD/timeToPurchase(probability:probabilityAlive:frequency:age:)``); nil when the
    /// model cannot be fitted (noted on standard error).
    static func modelNextPurchase(history: TransactionHistory) -> ModelNextPurchase? {
        do {
            let weekly = try CustomerSummary(history: history, options: SummaryOptions(unit: .week))
            let data = try PurchaseData(summary: weekly)
            let model = BGNBD(parameters: .init(try BGNBD.fit(data, options: FitOptions()).report.estimates))
            // Per distinct (x, t_x, T) history, then per customer.
            var historyAlive = [Double](repeating: 0, count: data.histories)
            var historyDays = [Int?](repeating: nil, count: data.histories)
            for h in 0..<data.histories {
                let (x, tx, T) = (data.frequency[h], data.recency[h], data.age[h])
                let alive = model.probabilityAlive(frequency: x, recency: tx, age: T)
                historyAlive[h] = alive
                if let weeks = model.timeToPurchase(probability: 0.5, probabilityAlive: alive, frequency: x, age: T),
                   weeks.isFinite, weeks * 7 < 3_652_500 {
                    historyDays[h] = Int((weeks * 7).rounded())
                }
            }
            var result = ModelNextPurchase(probabilityAlive: Array(repeating: nil, count: history.customerCount),
                                           days: Array(repeating: nil, count: history.customerCount))
            for i in 0..<weekly.count {
                let h = Int(data.historyOfCustomer[i]), c = Int(weekly.customerIndex[i])
                result.probabilityAlive[c] = historyAlive[h]
                result.days[c] = historyDays[h]
            }
            return result
        } catch {
            Console.note("note: BG/NBD not fitted (\(error)): model_next_purchase and p_alive are empty")
            return nil
        }
    }

    static func table(history: TransactionHistory, stages: LifecycleStages, model: ModelNextPurchase?,
                      events: TransactionCategories?, chain: CategoryTransitions?) -> OutputTable {
        let rows = stages.stage.indices.filter { stages.stage[$0] != nil }
        // The most likely next category after each last category, computed once.
        let best: [(category: Int, probability: Double)] = chain.map { m in
            m.categories.indices.map { m.top(1, after: $0)[0] }
        } ?? []
        let ids = history.identifiers
        let end = history.observationEnd
        return OutputTable(columns: columns, rowCount: rows.count) { r, k in
            let c = rows[r]
            var last: Int?
            if let events, events.eventStart[c + 1] > events.eventStart[c] {
                last = Int(events.eventCategory[events.eventStart[c + 1] - 1])
            }
            switch k {
            case 0: return .text(ids.string(at: c))
            case 1: return stages.expectedNextPurchase[c].map(Cell.date) ?? .empty
            case 2: return last.flatMap { l in chain.map { .text($0.categories[best[l].category]) } } ?? .empty
            case 3: return last.map { .number(best[$0].probability) } ?? .empty
            case 4: return model?.days[c].map { .date(end.adding(days: $0)) } ?? .empty
            case 5: return last.flatMap { l in chain.map { .text($0.categories[l]) } } ?? .empty
            case 6: return model?.probabilityAlive[c].map(Cell.number) ?? .empty
            default: return .empty
            }
        }
    }
}

/// Everything `cva next --format json` prints but the customers.
struct NextReport: Encodable {
    var evaluation: NextCategoryEvaluation?
    var categories: [String]
    var popularity: [Double]
    var smoothing: Double
    var holdoutDays: Int
    var modelFitted: Bool
    var definitions: [String: String] = [
        "expected_next_purchase": "last purchase + the customer's median gap between purchase days; null with one purchase day",
        "model_next_purchase": "observation end + the time t (weeks) by which the probability of at least one purchase, p_alive * (1 - ((alpha + T)/(alpha + T + t))^(r + x)), reaches 0.5: t = (alpha + T)(u^(-1/(r + x)) - 1), u = 1 - 0.5 / p_alive; null when p_alive <= 0.5 (it never reaches 0.5)",
        "p_alive": "BG/NBD probability that the customer is alive at the observation end, 1 / (1 + [x > 0] * a/(b + x - 1) * ((alpha + T)/(alpha + t_x))^(r + x)) (Fader, Hardie & Lee 2005)",
        "next_category": "argmax_j P(j | last category), P(j | i) = (n_ij + smoothing * popularity_j) / (n_i + smoothing)",
        "next_category_probability": "P(next_category | last category)",
        "popularity": "(purchase rows of the category + 1) / (rows + categories)",
        "hit_rate_at_1": "share of holdout customers whose first category after the split is the most likely one",
        "hit_rate_at_3": "share whose first category after the split is among the three most likely",
    ]

    enum CodingKeys: String, CodingKey {
        case evaluation, categories, popularity, smoothing, holdoutDays = "holdout_days", modelFitted = "model_fitted", definitions
    }
}
