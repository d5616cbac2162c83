import ArgumentParser
import CustomerValue
import Foundation

/// `cva validate`: fit on a calibration period, compare with the holdout.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Fit purchase models on the transactions up to --calibration-end and compare their predictions with the holdout that follows.",
        discussion: """
            Per model: actual vs predicted mean holdout purchases by calibration frequency (0 … 7+), MAE and RMSE per \
            customer, the totals and their percentage error; and a comparison table (log-likelihood, AIC, BIC, holdout \
            error). Models: bgnbd, mbgnbd, pnbd (Pareto/NBD). Tracking (Fader, Hardie & Lee 2005, Figs. 2-3): repeat \
            transactions per period (--tracking-days, default 7) and cumulative, actual against the model's expectation \
            for the calibration cohort, over calibration and holdout (in JSON per period; the table gives the totals). \
            Tracking uses each model's unconditional E[X(t)] (bgnbd, mbgnbd and pnbd all have it).
            --models bgbb (alone: its data are calendar periods, not days) validates the BG/BB: opportunities are the \
            calendar --periods after each customer's first purchase period; the fit uses the periods complete by the \
            calibration end, the holdout the periods complete after it by the observation end (holdout_length in \
            periods); tracking per calendar period (customers with a purchase, actual against expected).
            """)

    @Argument(help: "Transactions (file or data set folder).")
    var input: String
    @Option(name: .customLong("calibration-end"), help: "Last day of the calibration period (inclusive).")
    var calibrationEnd: String
    @Option(help: "Models to compare: all, or a comma-separated list (bgnbd,mbgnbd,pnbd).")
    var models: String = "all"
    @Option(help: "Time unit: day, week or month.")
    var unit: TimeUnit = .week
    @Option(name: .customLong("tracking-days"), parsing: .unconditional, help: "Length of a tracking period in days.")
    var trackingDays: Int = 7
    @Option(help: "bgbb: the calendar period that is one transaction opportunity (year, quarter, month or week).")
    var period: OpportunityPeriod = .year
    @Option(help: "Output format: table or json.")
    var format: ReportFormat?
    @OptionGroup var transactions: TransactionOptions

    func run() throws {
        try runReportingErrors {
            let comparable: [ModelName] = [.bgnbd, .mbgnbd, .pnbd]
            let names: [ModelName] = models == "all" ? comparable : try models.split(separator: ",").map { text in
                guard let name = ModelName(rawValue: String(text)), comparable.contains(name) || name == .bgbb else {
                    throw CLIError("--models \(text): expected bgnbd, mbgnbd, pnbd or bgbb (or all)")
                }
                return name
            }
            if names.contains(.bgbb) {
                guard names == [.bgbb] else {
                    throw CLIError("--models bgbb runs alone: its data are calendar periods (--period), not the days of bgnbd, mbgnbd and pnbd, so their likelihoods cannot be compared")
                }
                return try validateDiscrete()
            }
            let path = try transactionsPath(input)
            let history = try loadTransactions(path: path, options: transactions, quarantine: nil)
            noteSetAside(history.report, quarantinePath: nil, commandKeepsRows: false)
            let summary = try CustomerSummary(history: history, options: SummaryOptions(
                unit: unit, calibrationEnd: try parseDay(calibrationEnd, flag: "--calibration-end")))
            guard trackingDays >= 1 else { throw CLIError("--tracking-days must be at least 1") }
            let data = try PurchaseData(summary: summary)
            let calibration = try parseDay(calibrationEnd, flag: "--calibration-end")
            func track(_ expected: (Double) -> Double) -> RepeatTransactionTracking {
                RepeatTransactionTracking(history: history, calibrationEnd: calibration, end: summary.observationEnd,
                                          periodDays: trackingDays, unitDays: unit.days, expectedRepeat: expected)
            }
            var results: [ModelValidation] = []
            for name in names {
                do {
                    let result: ModelValidation
                    switch name {
                    case .mbgnbd:
                        let (model, report) = try MBGNBD.fit(data)
                        result = ModelValidation(fit: report, holdout: HoldoutValidation(model: model, name: name.rawValue, summary: summary),
                                                 tracking: track { model.expectedPurchases(in: $0) })
                    case .pnbd:
                        let (model, report) = try ParetoNBD.fit(data)
                        result = ModelValidation(fit: report, holdout: HoldoutValidation(model: model, name: name.rawValue, summary: summary),
                                                 tracking: track { model.expectedPurchases(in: $0) })
                    default:
                        let (model, report) = try BGNBD.fit(data)
                        result = ModelValidation(fit: report, holdout: HoldoutValidation(model: model, name: name.rawValue, summary: summary),
                                                 tracking: track { model.expectedPurchases(in: $0) })
                    }
                    results.append(result)
                } catch {
                    Console.note("\(name.rawValue): not fitted (\(error))")
                }
            }
            let output = ValidationOutput(
                calibrationEnd: summary.calibrationEnd?.iso ?? calibrationEnd, observationEnd: summary.observationEnd.iso,
                unit: unit.rawValue, customers: summary.count, holdoutLength: summary.durationHoldout ?? 0, models: results)
            let out = try ByteSink(path: nil)
            try out.write((format ?? (isatty(STDOUT_FILENO) == 1 ? .table : .json)) == .json ? try jsonText(output) : output.text)
        }
    }
}

extension ValidateCommand {
    /// BG/BB (Fader, Hardie & Shang 2010) fitted on the calendar periods complete by the
    /// calibration end; each customer's expected purchases in the holdout's complete periods
    /// against the periods with a purchase there.
    func validateDiscrete() throws {
        let input = try DiscreteInput.load(self.input, transactions: transactions, period: period, calibrationEnd: calibrationEnd)
        guard let summary = input.summary else { throw CLIError("validate reads transactions") }
        let (model, report) = try BGBB.fit(input.data)
        let horizon = summary.holdoutOpportunities
        var cache: [Int: Double] = [:]
        let predicted = (0..<summary.count).map { i -> Double in
            let (x, tx, n) = (summary.frequency[i], summary.recency[i], summary.opportunities[i])
            let key = (x << 42) | (tx << 21) | n
            if let hit = cache[key] { return hit }
            let value = model.conditionalExpectedPurchases(next: horizon, frequency: x, recency: tx, periods: n)
            cache[key] = value
            return value
        }
        let holdout = HoldoutValidation(name: "bgbb", frequency: summary.frequency, predicted: predicted,
                                        actual: summary.frequencyHoldout.map(Double.init))
        let output = ValidationOutput(
            calibrationEnd: period.lastDay(of: summary.lastPeriod).iso,
            observationEnd: period.lastDay(of: summary.lastObservedPeriod).iso,
            unit: period.rawValue, customers: summary.count, holdoutLength: Double(horizon),
            models: [ModelValidation(fit: report, holdout: holdout, periodTracking: OpportunityTracking(summary: summary, model: model))])
        let out = try ByteSink(path: nil)
        try out.write((format ?? (isatty(STDOUT_FILENO) == 1 ? .table : .json)) == .json ? try jsonText(output) : output.text)
    }
}

/// One model's fit and holdout validation.
struct ModelValidation: Encodable {
    var fit: FitReport
    var holdout: HoldoutValidation
    /// Period-by-period tracking; nil (null) for a model without an unconditional E[X(t)].
    var tracking: RepeatTransactionTracking?
    /// BG/BB: tracking by calendar period, written as `tracking`.
    var periodTracking: OpportunityTracking? = nil

    enum CodingKeys: String, CodingKey { case fit, holdout, tracking }

    // Written by hand so that a missing tracking is null rather than left out.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(fit, forKey: .fit)
        try c.encode(holdout, forKey: .holdout)
        if let periodTracking {
            try c.encode(periodTracking, forKey: .tracking)
        } else {
            try c.encode(tracking, forKey: .tracking)
        }
    }
}

/// The output of `cva validate`.
struct ValidationOutput: Encodable {
    var calibrationEnd: String
    var observationEnd: String
    var unit: String
    var customers: Int
    var holdoutLength: Double
    var models: [ModelValidation]

    enum CodingKeys: String, CodingKey {
        case unit, customers, models
        case calibrationEnd = "calibration_end", observationEnd = "observation_end", holdoutLength = "holdout_length"
    }

    var text: String {
        var out = "Calibration to \(calibrationEnd), holdout to \(observationEnd) (\(String(format: "%.2f", holdoutLength)) \(unit)s); \(customers) customers\n\n"
        out += "model     log-likelihood          AIC          BIC   holdout MAE   RMSE    total actual  total predicted  error %\n"
        for m in models {
            out += String(format: "%-8@ %15.2f %12.1f %12.1f %13.4f %6.4f %15.0f %16.1f %8.2f\n",
                          m.fit.model, m.fit.logLikelihood, m.fit.aic, m.fit.bic, m.holdout.mae, m.holdout.rmse,
                          m.holdout.totalActual, m.holdout.totalPredicted, m.holdout.percentErrorTotal ?? .nan)
        }
        for m in models {
            if let t = m.periodTracking, let last = t.periods.last {
                let calibration = t.periods.last { !$0.holdout }
                let holdoutActual = last.cumulativeActual - (calibration?.cumulativeActual ?? 0)
                let holdoutExpected = last.cumulativeExpected - (calibration?.cumulativeExpected ?? 0)
                out += "\n\(m.fit.model): customers with a purchase per \(t.period.rawValue) among the \(t.customers) of the calibration cohort, \(t.periods.count) \(t.period.rawValue)s\n"
                out += "period              actual   expected\n"
                for p in t.periods {
                    out += p.period.padding(toLength: 18, withPad: " ", startingAt: 0)
                        + String(format: "%8d %10.1f%@\n", p.actual, p.expected, p.holdout ? "  (holdout)" : "")
                }
                out += String(format: "  in the holdout: actual %d, expected %.1f (%+.2f%%)\n", holdoutActual, holdoutExpected,
                              holdoutActual > 0 ? 100 * (holdoutExpected - Double(holdoutActual)) / Double(holdoutActual) : 0)
                continue
            }
            guard let t = m.tracking, let last = t.periods.last else {
                out += "\n\(m.fit.model): no tracking\n"
                continue
            }
            let calibration = t.periods.last { !$0.holdout }
            let holdoutActual = last.cumulativeActual - (calibration?.cumulativeActual ?? 0)
            let holdoutExpected = last.cumulativeExpected - (calibration?.cumulativeExpected ?? 0)
            out += "\n\(m.fit.model): repeat transactions of the \(t.customers) customers of the calibration cohort, \(t.periods.count) periods of \(t.periodDays) days\n"
            out += String(format: "  cumulative to the calibration end: actual %d, expected %.1f\n", calibration?.cumulativeActual ?? 0, calibration?.cumulativeExpected ?? 0)
            out += String(format: "  in the holdout: actual %d, expected %.1f (%+.2f%%)\n", holdoutActual, holdoutExpected,
                          holdoutActual > 0 ? 100 * (holdoutExpected - Double(holdoutActual)) / Double(holdoutActual) : 0)
        }
        for m in models {
            out += "\n\(m.fit.model): mean holdout purchases by calibration frequency\nfrequency  customers    actual  predicted\n"
            for b in m.holdout.bins {
                out += String(format: "%9@ %10d %9.4f %10.4f\n", b.frequency, b.customers, b.actual, b.predicted)
            }
        }
        return out
    }
}
