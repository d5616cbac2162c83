import ArgumentParser
import CustomerValue
import Foundation

/// Purchase models the command line knows.
enum ModelName: String, ExpressibleByArgument, CaseIterable {
    case bgnbd, mbgnbd, pnbd, bgbb, gg, sbg

}

/// Per-customer input of the models: from a transactions file (summarised here) or a summary CSV.
struct ModelInput {
    var customerIDs: [String]
    var data: PurchaseData
    var monetary: [Double]?
    var observationEnd: CalendarDay?
    var unit: TimeUnit

    /// Reads `input`: a summary CSV when its header has frequency, recency and T (its observation
    /// end is `--observation-end`, when given), otherwise transactions (a file or a data set
    /// folder), summarised in `unit` up to `calibrationEnd`.
    static func load(_ input: String, transactions: TransactionOptions, unit: TimeUnit, calibrationEnd: String?) throws -> ModelInput {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw CLIError("\(input): no such file or folder")
        }
        if !isDirectory.boolValue, try isSummaryFile(input) {
            // A summary has no dates: the day its T is counted to comes from --observation-end, if given.
            let end = try transactions.observationEnd.map { try parseDay($0, flag: "--observation-end") }
            let file = try SummaryFile(path: input)
            noteSetAside(file)
            return ModelInput(customerIDs: file.customerIDs, data: try file.purchaseData(file: input),
                              monetary: file.monetary, observationEnd: end, unit: unit)
        }
        let path = try transactionsPath(input)
        let history = try loadTransactions(path: path, options: transactions, quarantine: nil)
        noteSetAside(history.report, quarantinePath: nil, commandKeepsRows: false)
        let options = SummaryOptions(unit: unit, calibrationEnd: try calibrationEnd.map { try parseDay($0, flag: "--calibration-end") })
        let summary = try CustomerSummary(history: history, options: options)
        return ModelInput(
            customerIDs: (0..<summary.count).map(summary.customerID), data: try PurchaseData(summary: summary),
            monetary: summary.monetaryValue, observationEnd: summary.calibrationEnd ?? summary.observationEnd, unit: unit)
    }

    private static func isSummaryFile(_ path: String) throws -> Bool {
        let reader = try CSVReader(path: path)
        guard try reader.nextHeader() else { return false }
        return SummaryFile.isSummaryHeader(reader.fields)
    }
}

/// A saved fit: `cva fit --save` writes it, `cva predict --model-file` reads it.
struct ModelFile: Codable {
    var purchase: FitReport?
    var spend: FitReport?
    var unit: TimeUnit
    var observationEnd: CalendarDay?
    /// The calendar period of a BG/BB fitted on transactions (absent otherwise).
    var period: OpportunityPeriod? = nil

    enum CodingKeys: String, CodingKey {
        case purchase, spend, unit, period
        case observationEnd = "observation_end"
    }
}

extension OpportunityPeriod: ExpressibleByArgument {}

/// The input of BG/BB: a CSV of discrete histories (frequency, recency, n[, count]), or
/// transactions summarised in calendar periods (``DiscreteSummary``).
struct DiscreteInput {
    var data: DiscretePurchaseData
    /// The per-customer summary when the input was transactions.
    var summary: DiscreteSummary?

    /// Reads `input`: a CSV of histories when its header has a frequency column, otherwise
    /// transactions (a file or a data set folder) summarised in `period`s, up to `calibrationEnd`
    /// when given. Notes on standard error what the calendar periods leave out.
    static func load(_ input: String, transactions: TransactionOptions, period: OpportunityPeriod, calibrationEnd: String?) throws -> DiscreteInput {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw CLIError("\(input): no such file or folder")
        }
        if !isDirectory.boolValue, try isHistoriesFile(input) {
            if calibrationEnd != nil {
                throw CLIError("--calibration-end needs transactions; \(input) holds BG/BB histories (frequency, recency, n)")
            }
            return DiscreteInput(data: try DiscretePurchaseData(path: input), summary: nil)
        }
        let path = try transactionsPath(input)
        let history = try loadTransactions(path: path, options: transactions, quarantine: nil)
        noteSetAside(history.report, quarantinePath: nil, commandKeepsRows: false)
        let calibration = try calibrationEnd.map { try parseDay($0, flag: "--calibration-end") }
        let summary = try DiscreteSummary(history: history, period: period, calibrationEnd: calibration)
        let lastDay = period.lastDay(of: summary.lastObservedPeriod)
        if lastDay < history.observationEnd {
            Console.note("bgbb: opportunities are complete calendar \(period.rawValue)s; purchases after \(lastDay.iso) (the \(period.rawValue) under way at the observation end \(history.observationEnd.iso)) are not used")
        }
        if summary.customersAfterLastPeriod > 0 {
            Console.note("bgbb: \(summary.customersAfterLastPeriod) customers first bought after \(period.lastDay(of: summary.lastPeriod).iso), the end of the last \(period.rawValue) counted: left out")
        }
        let unborn = summary.opportunities.filter { $0 == 0 }.count
        if unborn > 0 {
            Console.note("bgbb: \(unborn) customers first bought in the last \(period.rawValue) counted (\(period.label(summary.lastPeriod))): no opportunity yet (n = 0), left out of the fit")
        }
        return DiscreteInput(data: try DiscretePurchaseData(summary: summary), summary: summary)
    }

    /// Whether the file's header names a frequency column (a CSV of histories, not transactions).
    private static func isHistoriesFile(_ path: String) throws -> Bool {
        let reader = try CSVReader(path: path)
        guard try reader.nextHeader() else { return false }
        return reader.fields.map(ColumnMapping.normalize).contains("frequency")
    }
}

/// Fits `model` and returns its report (and the fitted BG/NBD or Gamma-Gamma).
/// Says on standard error that a fit did not converge (a boundary estimate of data that cannot
/// identify the model, or a stalled search): `cva fit` and every command that fits before it
/// predicts, so no prediction of such a fit goes out unflagged.
func warnIfNotConverged(_ report: FitReport) {
    if !report.converged { Console.note("warning: the fit did not converge: \(report.message)") }
}

func fitModel(_ model: ModelName, _ input: ModelInput, penalty: Double) throws -> FitReport {
    let options = FitOptions(penalty: penalty)
    switch model {
    case .bgnbd:
        return try BGNBD.fit(input.data, options: options).report
    case .mbgnbd:
        return try MBGNBD.fit(input.data, options: options).report
    case .pnbd:
        return try ParetoNBD.fit(input.data, options: options).report
    case .gg:
        guard let monetary = input.monetary else {
            throw CLIError("gg needs monetary values: give transactions, or a summary with a monetary_value column")
        }
        return try GammaGamma.fit(input.data, monetary: monetary, options: options).report
    case .bgbb:
        throw CLIError("bgbb is a discrete-time model: fit it with `cva fit --model bgbb` on transactions (with --period) or on a CSV of frequency,recency,n[,count]")
    case .sbg:
        throw CLIError("sbg is a cohort retention model: fit it with `cva fit --model sbg` on a CSV of period,alive[,cohort] counts")
    }
}

extension FitReport {
    /// A readable table of the fit.
    var text: String {
        var out = "model \(model): \(customers) customers, log-likelihood \(String(format: "%.4f", logLikelihood)), AIC \(String(format: "%.2f", aic)), BIC \(String(format: "%.2f", bic))\n"
        out += converged
            ? "converged in \(iterations) iterations (gradient norm \(String(format: "%.2e", gradientNorm)))\n"
            : "NOT CONVERGED after \(iterations) iterations: \(message)\n"
        if penalty > 0 { out += "L2 penalty \(penalty)\n" }
        out += "parameter        estimate      std. error    95% interval\n"
        let intervals = self.intervals
        for k in parameterNames.indices {
            let name = parameterNames[k].padding(toLength: 10, withPad: " ", startingAt: 0)
            let error = errors[k].map { String(format: "%12.6g", $0) } ?? "         n/a"
            let interval = intervals[k].map { String(format: "%.6g … %.6g", $0.lower, $0.upper) } ?? "n/a"
            out += "\(name) \(String(format: "%14.6g", estimates[k]))  \(error)    \(interval)\n"
        }
        return out
    }
}

/// BG/NBD and (when it can be fitted) Gamma-Gamma on the weekly summary of a history, with every
/// customer's predictions (52-week horizon; CLV over `clvMonths` months at `discountRate` a month,
/// by default 12 months at 1%): what `cva analyze`, `cva rfm --with-model` and the churn alerts
/// share, fitted once.
struct CustomerValueModels {
    var input: ModelInput
    var observationEnd: CalendarDay
    var purchaseReport: FitReport
    var purchase: BGNBD
    var spendReport: FitReport?
    var spend: GammaGamma?
    /// Why Gamma-Gamma could not be fitted, if it could not.
    var spendError: (any Error)?
    /// Per customer, in the order of the summary (customers without a purchase left out).
    var predictions: CustomerPredictions

    /// - Throws: when the summary cannot be modelled or BG/NBD cannot be fitted.
    init(history: TransactionHistory, clvMonths: Int = 12, discountRate: Double = 0.01) throws {
        let weekly = try CustomerSummary(history: history, options: SummaryOptions(unit: .week))
        input = ModelInput(customerIDs: (0..<weekly.count).map(weekly.customerID), data: try PurchaseData(summary: weekly),
                           monetary: weekly.monetaryValue, observationEnd: weekly.observationEnd, unit: .week)
        observationEnd = weekly.observationEnd
        purchaseReport = try fitModel(.bgnbd, input, penalty: 0)
        purchase = BGNBD(parameters: .init(purchaseReport.estimates))
        do {
            let report = try fitModel(.gg, input, penalty: 0)
            spendReport = report
            spend = GammaGamma(parameters: .init(p: report.estimates[0], q: report.estimates[1], v: report.estimates[2]))
        } catch {
            spendError = error
        }
        predictions = CustomerPredictions.compute(data: input.data, monetary: input.monetary, model: purchase, spend: spend,
                                                  horizon: 52, months: clvMonths, discountRate: discountRate, unit: .week)
    }
}
