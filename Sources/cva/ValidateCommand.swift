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
            error). Models: bgnbd, mbgnbd, pnbd (Pareto/NBD). Cumulative tracking by period is not yet reported.
            """)

    @Argument(help: "Transactions (file or data set folder).")
    var input: String
    @Option(name: .customLong("calibration-end"), help: "Last day of the calibration period (inclusive).")
    var calibrationEnd: String
    @Option(help: "Models to compare: all, or a comma-separated list (bgnbd,mbgnbd,pnbd).")
    var models: String = "all"
    @Option(help: "Time unit: day, week or month.")
    var unit: TimeUnit = .week
    @Option(help: "Output format: table or json.")
    var format: OutputFormat?
    @OptionGroup var transactions: TransactionOptions

    func run() throws {
        try runReportingErrors {
            let comparable: [ModelName] = [.bgnbd, .mbgnbd, .pnbd]
            let names: [ModelName] = models == "all" ? comparable : try models.split(separator: ",").map { text in
                guard let name = ModelName(rawValue: String(text)), comparable.contains(name) else {
                    throw CLIError("--models \(text): expected bgnbd, mbgnbd or pnbd (or all)")
                }
                return name
            }
            let path = try transactionsPath(input)
            let history = try loadTransactions(path: path, options: transactions, quarantine: nil)
            noteSetAside(history.report, quarantinePath: nil)
            let summary = try CustomerSummary(history: history, options: SummaryOptions(
                unit: unit, calibrationEnd: try parseDay(calibrationEnd, flag: "--calibration-end")))
            let data = try PurchaseData(summary: summary)
            var results: [ModelValidation] = []
            for name in names {
                do {
                    let result: ModelValidation
                    switch name {
                    case .mbgnbd:
                        let (model, report) = try MBGNBD.fit(data)
                        result = ModelValidation(fit: report, holdout: HoldoutValidation(model: model, name: name.rawValue, summary: summary))
                    case .pnbd:
                        let (model, report) = try ParetoNBD.fit(data)
                        result = ModelValidation(fit: report, holdout: HoldoutValidation(model: model, name: name.rawValue, summary: summary))
                    default:
                        let (model, report) = try BGNBD.fit(data)
                        result = ModelValidation(fit: report, holdout: HoldoutValidation(model: model, name: name.rawValue, summary: summary))
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

/// One model's fit and holdout validation.
struct ModelValidation: Encodable {
    var fit: FitReport
    var holdout: HoldoutValidation
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
            out += "\n\(m.fit.model): mean holdout purchases by calibration frequency\nfrequency  customers    actual  predicted\n"
            for b in m.holdout.bins {
                out += String(format: "%9@ %10d %9.4f %10.4f\n", b.frequency, b.customers, b.actual, b.predicted)
            }
        }
        return out
    }
}
