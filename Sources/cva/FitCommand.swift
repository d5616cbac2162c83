import ArgumentParser
import CustomerValue
import Foundation

/// `cva fit`: a purchase or spend model by maximum likelihood.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit a customer-base model by maximum likelihood (bgnbd: BG/NBD; mbgnbd: MBG/NBD; pnbd: Pareto/NBD; bgbb: BG/BB; gg: Gamma-Gamma spend).",
        discussion: """
            INPUT is a transactions file or data set folder (summarised with `cva summary`'s definitions), or a summary \
            CSV with customer_id,frequency,recency,T[,monetary_value][,count]. JSON output: {"model", "parameters", \
            "standard_errors", "log_likelihood", "aic", "bic", "customers", "converged", "iterations", ...}.
            sbg (shifted-beta-geometric, contractual retention) reads a CSV of period,alive[,cohort] counts.
            bgbb (BG/BB, discrete transaction opportunities such as yearly campaigns) reads transactions, each customer's \
            calendar --period (year, quarter, month or week; default year) after the first purchase period being the \
            opportunities, up to the last period complete by the observation end; or a CSV of \
            frequency,recency,n[,count]: frequency = opportunities with a purchase, recency = the opportunity of the last \
            purchase (0 when frequency is 0), n = opportunities observed, count = customers with that history (default 1; \
            also accepted as weights; n also as periods).
            """)

    @Argument(help: "Transactions (file or folder) or a summary CSV.")
    var input: String
    @Option(help: "Model: bgnbd, mbgnbd, pnbd, bgbb, gg or sbg.")
    var model: ModelName = .bgnbd
    @Option(help: "Time unit of recency and T: day, week or month (default: cva.yaml's unit, else week).")
    var unit: TimeUnit?
    @Option(name: .customLong("calibration-end"), help: "Fit on the transactions up to this day (inclusive).")
    var calibrationEnd: String?
    @Option(parsing: .unconditional, help: "L2 penalty on the parameters (0: plain maximum likelihood).")
    var penalty: Double = 0
    @Option(help: "Save the fit as JSON for `cva predict --model-file`.")
    var save: String?
    @Option(help: "Output format: table or json (default: table on a terminal, json otherwise).")
    var format: ReportFormat?
    @Option(name: .customLong("purchase-distribution"), parsing: .unconditional, help: ArgumentHelp(
        "Also compare customers with 0, 1, …, N+ repeat purchases with the number the model expects, Σ P(X(T_i)=x) (bgnbd, mbgnbd, pnbd).",
        valueName: "N"))
    var purchaseDistribution: Int?
    @Option(help: "bgbb on transactions: the calendar period that is one transaction opportunity (year, quarter, month or week).")
    var period: OpportunityPeriod = .year
    @OptionGroup var transactions: TransactionOptions

    /// The shifted-beta-geometric fit of cohort counts, with a projection of survival and retention.
    private func fitCohorts(unit: TimeUnit) throws {
        let cohorts = try ShiftedBetaGeometric.readCohorts(path: input)
        let (fitted, report) = try ShiftedBetaGeometric.fit(cohorts: cohorts, options: FitOptions(penalty: penalty))
        if let save {
            let sink = try ByteSink(path: save)
            try sink.write(jsonText(ModelFile(purchase: report, spend: nil, unit: unit, observationEnd: nil)))
            try sink.close()
        }
        let resolved = format ?? (isatty(STDOUT_FILENO) == 1 ? .table : .json)
        let out = try ByteSink(path: nil)
        guard resolved == .table else { return try out.write(jsonText(report)) }
        var text = report.text + "period  survival  retention  churn\n"
        for t in 1...max(12, (cohorts.map(\.count).max() ?? 1) + 4) {
            text += String(format: "%6d  %8.4f  %9.4f  %5.4f\n", t, fitted.survival(period: t), fitted.retentionRate(period: t), fitted.churnProbability(period: t))
        }
        try out.write(text)
    }

    /// The BG/BB fit of discrete histories (frequency, recency, n[, count]) or of transactions in calendar periods.
    private func fitDiscrete(unit: TimeUnit) throws {
        let input = try DiscreteInput.load(self.input, transactions: transactions, period: period, calibrationEnd: calibrationEnd)
        let data = input.data
        let started = Date()
        let (fitted, report) = try BGBB.fit(data, options: FitOptions(penalty: penalty))
        Console.note(String(format: "fitted bgbb on %d customers in %.3f s", report.customers, Date().timeIntervalSince(started)))
        warnIfNotConverged(report)
        if let save {
            let sink = try ByteSink(path: save)
            try sink.write(jsonText(ModelFile(purchase: report, spend: nil, unit: unit, observationEnd: nil,
                                              period: input.summary == nil ? nil : period)))
            try sink.close()
        }
        let resolved = format ?? (isatty(STDOUT_FILENO) == 1 ? .table : .json)
        let out = try ByteSink(path: nil)
        guard resolved == .table else { return try out.write(jsonText(report)) }
        // The most common histories with their predictions.
        var text = report.text
        if let summary = input.summary {
            text += "opportunities: calendar \(period.rawValue)s after each customer's first, to \(period.label(summary.lastPeriod)) (ends \(period.lastDay(of: summary.lastPeriod).iso))\n"
        }
        text += "\nfrequency  recency   n  customers  P(alive at n+1)  expected purchases in the next n\n"
        let shown = data.count.indices.sorted { data.count[$0] > data.count[$1] }.prefix(25)
        for h in shown {
            let (x, tx, n) = (data.frequency[h], data.recency[h], data.periods[h])
            text += String(format: "%9d %8d %3d %10.0f %16.4f %33.4f\n", x, tx, n, data.count[h],
                           fitted.probabilityAlive(frequency: x, recency: tx, periods: n),
                           fitted.conditionalExpectedPurchases(next: n, frequency: x, recency: tx, periods: n))
        }
        if data.histories > shown.count { text += "(\(data.histories - shown.count) less common histories not shown)\n" }
        try out.write(text)
    }

    func run() throws {
        try runReportingErrors {
            let unit = try configOf(input: input).timeUnit(flag: self.unit, default: .week)
            guard penalty >= 0, penalty.isFinite else { throw CLIError("--penalty must be ≥ 0") }
            if let n = purchaseDistribution, !(1...1000).contains(n) {
                throw CLIError("--purchase-distribution must be from 1 to 1000")
            }
            if model == .sbg {
                try fitCohorts(unit: unit)
                return
            }
            if model == .bgbb {
                try fitDiscrete(unit: unit)
                return
            }
            let data = try ModelInput.load(input, transactions: transactions, unit: unit, calibrationEnd: calibrationEnd)
            let started = Date()
            let report = try fitModel(model, data, penalty: penalty)
            Console.note(String(format: "fitted %@ on %d customers in %.3f s", model.rawValue, report.customers, Date().timeIntervalSince(started)))
            warnIfNotConverged(report)
            if let save {
                let file = ModelFile(purchase: model == .gg ? nil : report, spend: model == .gg ? report : nil,
                                     unit: unit, observationEnd: data.observationEnd)
                let sink = try ByteSink(path: save)
                try sink.write(jsonText(file))
                try sink.close()
                Console.note("saved to \(save)")
            }
            let resolved = format ?? (isatty(STDOUT_FILENO) == 1 ? .table : .json)
            let out = try ByteSink(path: nil)
            guard let maxCount = purchaseDistribution else {
                return try out.write(resolved == .table ? report.text : try jsonText(report))
            }
            let distribution = try Self.distribution(model: model, report: report, data: data.data, maxCount: maxCount)
            if resolved == .table {
                var text = report.text + "\nrepeat purchases  customers  expected by the model\n"
                for row in distribution.rows {
                    text += String(format: "%16@ %10.0f %22.1f\n", row.repeatPurchases, row.actual, row.expected)
                }
                return try out.write(text)
            }
            // The report's members, then the distribution.
            let body = try jsonText(report)
            let rows = try jsonText(distribution.rows)
            guard let close = body.lastIndex(of: "}") else { return try out.write(body) }
            try out.write(String(body[..<close]).trimmingCharacters(in: .whitespacesAndNewlines) + ",\n\"purchase_distribution\": " + rows + "}\n")
        }
    }

    /// Customers by count of repeat purchases against the fitted model's expectation.
    static func distribution(model: ModelName, report: FitReport, data: PurchaseData, maxCount: Int) throws -> RepeatPurchaseDistribution {
        let p = report.estimates
        switch model {
        case .bgnbd:
            let fitted = BGNBD(parameters: .init(p))
            return RepeatPurchaseDistribution(data: data, maxCount: maxCount) { fitted.probabilityOfPurchases($0, in: $1) }
        case .mbgnbd:
            let fitted = MBGNBD(parameters: .init(p))
            return RepeatPurchaseDistribution(data: data, maxCount: maxCount) { fitted.probabilityOfPurchases($0, in: $1) }
        case .pnbd:
            let fitted = ParetoNBD(parameters: .init(r: p[0], alpha: p[1], s: p[2], beta: p[3]))
            return RepeatPurchaseDistribution(data: data, maxCount: maxCount) { fitted.probabilityOfPurchases($0, in: $1) }
        default:
            throw CLIError("--purchase-distribution is available for bgnbd, mbgnbd and pnbd (the models with P(X(t)=n) here)")
        }
    }
}
