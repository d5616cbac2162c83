import ArgumentParser
import CustomerValue
import Foundation

/// `cva predict`: per-customer predictions of a fitted model.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Per customer: probability alive, expected purchases in the horizon, expected spend, CLV and the likely next purchase date.",
        discussion: """
            Columns: customer_id, p_alive, expected_purchases, expected_spend, clv, next_purchase_date. \
            expected_spend and clv need a spend model (--spend-model gg, or a model file holding one); \
            next_purchase_date is the observation end plus the time t by which the probability of at least one \
            purchase, p_alive × P(purchase by t | alive), reaches 50%, rounded up to a whole day; it is empty when \
            that never happens (always when p_alive ≤ 0.5: the customer is more likely gone than not), and for \
            summary input without --observation-end (with it, the dates count from that day). P(purchase by t | alive) = 1 − ((α+T)/(α+T+t))^(r+x) for \
            bgnbd and mbgnbd (a customer alive at T drops out only at a purchase, after it); for pnbd, where a \
            customer can die before buying, E[λ/(λ+μ)(1 − e^(−(λ+μ)t))] over λ ~ Gamma(r+x, α+T), \
            μ ~ Gamma(s, β+T), by quadrature, t solved to within 0.01 day, which tends to E[λ/(λ+μ)] < 1, so a \
            p_alive a little above 0.5 may still give no date. CLV follows lifetimes: monthly \
            steps over --clv-months, each month's expected purchases × expected spend, discounted at --discount-rate.
            --model bgbb (BG/BB, discrete opportunities): customer_id, frequency, recency, n, p_alive, expected_purchases \
            for transactions summarised in calendar --periods (p_alive at the next opportunity, expected purchases in the \
            next --horizon opportunities); on a CSV of histories, one row per history with its customers instead.
            """)

    @Argument(help: "Transactions (file or folder) or a summary CSV.")
    var input: String
    @Option(help: "Fit this purchase model now (bgnbd, mbgnbd or pnbd; bgbb on transactions in calendar --periods or on a CSV of frequency,recency,n[,count]).")
    var model: ModelName?
    @Option(name: .customLong("model-file"), help: "Use a fit saved by `cva fit --save`.")
    var modelFile: String?
    @Option(parsing: .unconditional, help: "Horizon of expected_purchases, in the model's unit.")
    var horizon: Double = 52
    @Option(name: .customLong("spend-model"), help: "Spend model for expected_spend and clv: gg.")
    var spendModel: ModelName?
    @Option(name: .customLong("clv-months"), parsing: .unconditional, help: "CLV horizon in months (default: cva.yaml's clv_months, else 12).")
    var clvMonths: Int?
    @Option(name: .customLong("discount-rate"), parsing: .unconditional, help: "Monthly discount rate of the CLV (default: cva.yaml's discount_rate, else 0.01).")
    var discountRate: Double?
    @Option(help: "Time unit when fitting now: day, week or month (default: cva.yaml's unit, else week).")
    var unit: TimeUnit?
    @Option(name: .customLong("calibration-end"), help: "Summarise the transactions up to this day.")
    var calibrationEnd: String?
    @Option(help: "bgbb on transactions: the calendar period that is one transaction opportunity (year, quarter, month or week; default: the model file's, else year).")
    var period: OpportunityPeriod?
    @OptionGroup var transactions: TransactionOptions
    @OptionGroup var output: OutputOptions
    @Flag(help: "Print the seconds each step took (read, spend fit, scoring, output) to standard error; scoring is p_alive, expected purchases, spend, CLV and next purchase for every customer.")
    var timing = false

    func run() throws {
        try runReportingErrors {
            let timer = StepTimer(enabled: timing)
            defer { timer.report() }
            guard horizon >= 0, horizon.isFinite else { throw CLIError("--horizon must be ≥ 0") }
            let config = try configOf(input: input)
            let clvMonths = try config.wholeNumber("clv_months", flag: self.clvMonths, flagName: "clv-months", default: 12,
                                                   expected: Self.clvMonthsExpectation, isValid: Self.isValidCLVMonths)
            let discountRate = try config.realNumber("discount_rate", flag: self.discountRate, flagName: "discount-rate", default: 0.01,
                                                     expected: Self.discountRateExpectation, isValid: Self.isValidDiscountRate)
            var saved: ModelFile?
            if let modelFile {
                do {
                    saved = try JSONDecoder().decode(ModelFile.self, from: Data(contentsOf: URL(fileURLWithPath: modelFile)))
                } catch {
                    throw CLIError("\(modelFile): not a model file written by `cva fit --save` (\(error.localizedDescription))")
                }
            }
            let unit = try saved?.unit ?? config.timeUnit(flag: self.unit, default: .week)
            if model == .bgbb || saved?.purchase?.model == "bgbb" {
                return try predictDiscrete(saved: saved)
            }
            let data = try ModelInput.load(input, transactions: transactions, unit: unit, calibrationEnd: calibrationEnd)
            timer.step("read")
            var purchase = saved?.purchase
            if purchase == nil {
                let name = model ?? .bgnbd
                guard name != .gg else { throw CLIError("--model gg is a spend model; give a purchase model (bgnbd) and --spend-model gg") }
                let report = try fitModel(name, data, penalty: 0)
                warnIfNotConverged(report)
                purchase = report
                timer.step("fit")
            }
            var spend = saved?.spend
            if spend == nil, let spendModel {
                guard spendModel == .gg else { throw CLIError("--spend-model \(spendModel.rawValue): only gg is a spend model") }
                let report = try fitModel(.gg, data, penalty: 0)
                warnIfNotConverged(report)
                spend = report
                timer.step("spend fit")
            }
            guard let purchase else { throw CLIError("the model file holds no purchase model; give --model") }
            var gg: GammaGamma?
            if let spend, let p = spend["p"], let q = spend["q"], let v = spend["v"] {
                gg = GammaGamma(parameters: .init(p: p, q: q, v: v))
            }
            // A summary's dates count from --observation-end alone (a model file's observation
            // end is that of the data it was fitted on, not necessarily this summary's).
            let observationEnd = data.observationEnd
            if observationEnd == nil {
                Console.note("note: next_purchase_date is empty: \(input) is a summary, which has no dates; give --observation-end DATE (the day its T is counted to) for the dates")
            }
            func table<Model: PurchaseModel>(_ model: Model) -> OutputTable {
                let p = CustomerPredictions.compute(data: data.data, monetary: data.monetary, model: model, spend: gg,
                                                    horizon: horizon, months: clvMonths, discountRate: discountRate,
                                                    unit: data.unit)
                timer.step("scoring")
                return Self.table(p, customerIDs: data.customerIDs, observationEnd: observationEnd)
            }
            let result: OutputTable
            switch purchase.model {
            case "bgnbd", "mbgnbd":
                guard let r = purchase["r"], let alpha = purchase["alpha"], let a = purchase["a"], let b = purchase["b"] else {
                    throw CLIError("\(purchase.model): the model file lacks one of the parameters r, alpha, a, b")
                }
                let parameters = BGNBD.Parameters(r: r, alpha: alpha, a: a, b: b)
                result = purchase.model == "mbgnbd" ? table(MBGNBD(parameters: parameters)) : table(BGNBD(parameters: parameters))
            case "pnbd":
                guard let r = purchase["r"], let alpha = purchase["alpha"], let s = purchase["s"], let beta = purchase["beta"] else {
                    throw CLIError("pnbd: the model file lacks one of the parameters r, alpha, s, beta")
                }
                result = table(ParetoNBD(parameters: .init(r: r, alpha: alpha, s: s, beta: beta)))
            default:
                throw CLIError("predictions are available for bgnbd, mbgnbd and pnbd so far, not \(purchase.model)")
            }
            let out = try ByteSink(path: output.out)
            try result.write(output.resolvedFormat, to: out)
            try out.close()
            timer.step("output")
        }
    }

    static let clvMonthsExpectation = "expected a whole number of months from 0 to 1200 (a century)"
    /// The CLV sums one term per month for every customer, so the horizon is bounded: a century.
    static func isValidCLVMonths(_ months: Int) -> Bool { (0...1200).contains(months) }
    static let discountRateExpectation = "expected a monthly rate above −1"
    static func isValidDiscountRate(_ rate: Double) -> Bool { rate > -1 && rate.isFinite }

    /// BG/BB predictions (Fader, Hardie & Shang 2010): P(alive at opportunity n + 1) and the
    /// expected purchases in the next `--horizon` opportunities, per customer of a transactions
    /// input (summarised in calendar `--period`s) or per distinct history of a CSV of
    /// frequency, recency, n[, count] (as `cva fit --model bgbb` reads them).
    private func predictDiscrete(saved: ModelFile?) throws {
        if let savedPeriod = saved?.period, let period, period != savedPeriod {
            throw CLIError("--period \(period.rawValue): the model file was fitted on \(savedPeriod.rawValue)s")
        }
        let period = self.period ?? saved?.period ?? .year
        let input: DiscreteInput
        do {
            input = try DiscreteInput.load(self.input, transactions: transactions, period: period, calibrationEnd: calibrationEnd)
        } catch let error as ModelInputError {
            throw CLIError("bgbb is a discrete-time model: predict it on transactions or on a CSV of frequency,recency,n[,count] (\(error))")
        } catch let error as InputError {
            throw CLIError("bgbb is a discrete-time model: predict it on transactions or on a CSV of frequency,recency,n[,count] (\(error))")
        }
        guard horizon == horizon.rounded(), horizon < 1e6 else {
            throw CLIError("--horizon \(horizon): BG/BB counts whole transaction opportunities")
        }
        let data = input.data
        let report: FitReport
        if let saved = saved?.purchase {
            report = saved
        } else {
            report = try BGBB.fit(data).report
            warnIfNotConverged(report)
        }
        guard let a = report["alpha"], let b = report["beta"], let g = report["gamma"], let d = report["delta"] else {
            throw CLIError("the model file holds no BG/BB parameters (alpha, beta, gamma, delta)")
        }
        let fitted = BGBB(parameters: .init(alpha: a, beta: b, gamma: g, delta: d))
        let nStar = Int(horizon)
        let table: OutputTable
        if let summary = input.summary {
            // One evaluation per distinct (x, t_x, n), shared by the customers who have it.
            var cache: [Int: (alive: Double, expected: Double)] = [:]
            var alive = [Double](repeating: 0, count: summary.count), expected = alive
            for i in 0..<summary.count {
                let (x, tx, n) = (summary.frequency[i], summary.recency[i], summary.opportunities[i])
                let key = (x << 42) | (tx << 21) | n
                if let hit = cache[key] {
                    (alive[i], expected[i]) = hit
                } else {
                    let value = (fitted.probabilityAlive(frequency: x, recency: tx, periods: n),
                                 fitted.conditionalExpectedPurchases(next: nStar, frequency: x, recency: tx, periods: n))
                    cache[key] = value
                    (alive[i], expected[i]) = value
                }
            }
            let (aliveColumn, expectedColumn) = (alive, expected)
            table = OutputTable(columns: ["customer_id", "frequency", "recency", "n", "p_alive", "expected_purchases"],
                                rowCount: summary.count) { r, k in
                switch k {
                case 0: return .text(summary.customerIDs[r])
                case 1: return .int(summary.frequency[r])
                case 2: return .int(summary.recency[r])
                case 3: return .int(summary.opportunities[r])
                case 4: return .number(aliveColumn[r])
                default: return .number(expectedColumn[r])
                }
            }
        } else {
            table = OutputTable(columns: ["frequency", "recency", "n", "customers", "p_alive", "expected_purchases"],
                                rowCount: data.histories) { r, k in
                let (x, tx, n) = (data.frequency[r], data.recency[r], data.periods[r])
                switch k {
                case 0: return .int(x)
                case 1: return .int(tx)
                case 2: return .int(n)
                case 3: return .number(data.count[r])
                case 4: return .number(fitted.probabilityAlive(frequency: x, recency: tx, periods: n))
                default: return .number(fitted.conditionalExpectedPurchases(next: nStar, frequency: x, recency: tx, periods: n))
                }
            }
        }
        let out = try ByteSink(path: output.out)
        try table.write(output.resolvedFormat, to: out)
        try out.close()
    }

    static func predictions<Model: PurchaseModel>(
        data: ModelInput, model: Model, spend: GammaGamma?, horizon: Double, months: Int, discountRate: Double,
        observationEnd: CalendarDay?
    ) -> OutputTable {
        let p = CustomerPredictions.compute(data: data.data, monetary: data.monetary, model: model, spend: spend, horizon: horizon,
                                            months: months, discountRate: discountRate, unit: data.unit)
        return table(p, customerIDs: data.customerIDs, observationEnd: observationEnd)
    }

    /// The predictions as the columns of `cva predict`.
    static func table(_ p: CustomerPredictions, customerIDs: [String], observationEnd: CalendarDay?) -> OutputTable {
        let n = customerIDs.count
        var next = [CalendarDay?](repeating: nil, count: n)
        if let observationEnd {
            for i in 0..<n where p.daysToNextPurchase[i].isFinite && p.daysToNextPurchase[i] < 3_650_000 {
                next[i] = observationEnd.adding(days: Int(p.daysToNextPurchase[i].rounded(.up)))
            }
        }
        let spend = p.expectedSpend
        var columns = ["customer_id", "p_alive", "expected_purchases"]
        if spend != nil { columns += ["expected_spend", "clv"] }
        columns.append("next_purchase_date")
        let ids = customerIDs
        let hasSpend = spend != nil
        let (a, e, s, c, nx) = (p.probabilityAlive, p.expectedPurchases, p.expectedSpend ?? [], p.lifetimeValue ?? [], next)
        return OutputTable(columns: columns, rowCount: n) { r, k in
            switch (k, hasSpend) {
            case (0, _): return .text(ids[r])
            case (1, _): return .number(a[r])
            case (2, _): return .number(e[r])
            case (3, true): return s[r].isFinite ? .number(s[r]) : .empty
            case (4, true): return c[r].isFinite ? .number(c[r]) : .empty
            default: return nx[r].map { .date($0) } ?? .empty
            }
        }
    }
}
