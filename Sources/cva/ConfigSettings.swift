import CustomerValue
import Foundation

/// The `cva.yaml` that applies to a command's input: the folder's own when the input is a data
/// set folder, else the one in the folder of the input file (an empty configuration without one).
func configOf(input: String) throws -> DataSetConfig {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue {
        return try DataSetConfig.load(directory: input)
    }
    return try configBeside(input)
}

/// Settings of `cva.yaml` read with the rule every command follows: a flag given on the command
/// line beats the file, the file beats the default. A bad value names the flag, or the file, line
/// and setting it came from.
extension DataSetConfig {
    /// The folder the configuration file is in ("." without a file).
    var folder: String {
        guard let source else { return "." }
        let folder = (source as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// A whole number: `flag` (named `--flagName`) when given, else setting `name`, else `fallback`.
    /// - Throws: ``CLIError`` when the value fails `isValid` (the message ends with `expected`).
    func wholeNumber(_ name: String, flag: Int?, flagName: String, default fallback: Int,
                     expected: String, isValid: (Int) -> Bool) throws -> Int {
        if let flag {
            guard isValid(flag) else { throw CLIError("--\(flagName) \(flag): \(expected)") }
            return flag
        }
        guard let value = try integer(name) else { return fallback }
        guard isValid(value) else { throw CLIError("\(error(name, "\(value): \(expected)"))") }
        return value
    }

    /// A number: `flag` when given, else setting `name`, else `fallback`, validated as ``wholeNumber(_:flag:flagName:default:expected:isValid:)``.
    func realNumber(_ name: String, flag: Double?, flagName: String, default fallback: Double,
                    expected: String, isValid: (Double) -> Bool) throws -> Double {
        if let flag {
            guard isValid(flag) else { throw CLIError("--\(flagName) \(flag): \(expected)") }
            return flag
        }
        guard let value = try number(name) else { return fallback }
        guard isValid(value) else { throw CLIError("\(error(name, "\(settings[name]?.text ?? String(value)): \(expected)"))") }
        return value
    }

    /// The time unit of recency, T and the models: `flag` when given, else setting `unit`, else
    /// `fallback` (the command's own default: day for summaries, week for the models).
    func timeUnit(flag: TimeUnit?, default fallback: TimeUnit) throws -> TimeUnit {
        if let flag { return flag }
        guard let text = text("unit") else { return fallback }
        guard let value = TimeUnit(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw CLIError("\(error("unit", "expected day, week or month"))")
        }
        return value
    }

    /// The trailing window of the RFM columns in days: `flag` when given, else setting
    /// `window_days`, else 365.
    func windowDays(flag: Int?) throws -> Int {
        try wholeNumber("window_days", flag: flag, flagName: "window-days", default: 365,
                        expected: "expected a whole number of days, 1 or more", isValid: { $0 > 0 })
    }

    /// The cohort and KPI period: `flag` when given, else setting `period`, else month.
    func period(flag: LifecyclePeriod?) throws -> LifecyclePeriod {
        if let flag { return flag }
        guard let text = text("period") else { return .month }
        guard let value = LifecyclePeriod(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw CLIError("\(error("period", "\"\(text)\": expected week, month or quarter"))")
        }
        return value
    }

    /// The churn warning rules: the file `flag` when given, else setting `rules` (a file name
    /// relative to the configuration's folder), else the standard rules.
    /// - Throws: ``CLIError`` naming `cva.yaml` and the line when the setting's file does not
    ///   exist; the rule file's own errors (file and line) when it is wrong.
    func warningRules(flag: String?) throws -> WarningRules {
        if let flag { return try WarningRules.load(path: flag) }
        guard let name = text("rules") else { return .standard }
        let path = (name as NSString).isAbsolutePath ? name : (folder as NSString).appendingPathComponent(name)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw CLIError("\(error("rules", "no file \"\(name)\" in \(folder)"))")
        }
        return try WarningRules.load(path: path)
    }
}

/// The CLV horizon and discount rate of a command: the flags, else `cva.yaml`'s `clv_months` and
/// `discount_rate`, else 12 months at 1% a month (as `cva predict`).
struct CLVSettings {
    var months = 12
    var discountRate = 0.01

    init() {}

    /// - Throws: ``CLIError`` naming the flag, or the file, line and setting, of a bad value.
    init(config: DataSetConfig, clvMonths: Int?, discountRate: Double?) throws {
        months = try config.wholeNumber("clv_months", flag: clvMonths, flagName: "clv-months", default: 12,
                                        expected: PredictCommand.clvMonthsExpectation, isValid: PredictCommand.isValidCLVMonths)
        self.discountRate = try config.realNumber("discount_rate", flag: discountRate, flagName: "discount-rate", default: 0.01,
                                                  expected: PredictCommand.discountRateExpectation, isValid: PredictCommand.isValidDiscountRate)
    }
}

/// The analysis settings of `cva analyze` that come from `cva.yaml` only (the command has no flags
/// for them), with the defaults of the commands that do have the flags.
struct AnalyzeSettings {
    /// Churn horizon of the alerts' churn probability, days (`horizon_days`, as `cva churn --horizon-days`).
    var horizonDays = 90
    /// Warning rules of the alerts (`rules`, as `cva churn --rules`).
    var rules = WarningRules.standard
    /// Days after which an open opportunity is stale (`stale_days`, as `cva funnel --stale-days`).
    var staleDays = 45
    /// Cohort and KPI period (`period`, as `cva cohorts` / `cva kpis --period`).
    var period = LifecyclePeriod.month
    /// CLV horizon in months (`clv_months`, as `cva predict --clv-months`).
    var clvMonths = 12
    /// Monthly discount rate of the CLV (`discount_rate`, as `cva predict --discount-rate`).
    var discountRate = 0.01

    init() {}

    /// Reads the settings of `config`, checked as the commands check their flags.
    /// - Throws: ``CLIError`` naming the file, line and setting of a bad value.
    init(config: DataSetConfig) throws {
        horizonDays = try config.wholeNumber("horizon_days", flag: nil, flagName: "horizon-days", default: 90,
                                             expected: ChurnCommand.horizonExpectation, isValid: ChurnCommand.isValidHorizon)
        rules = try config.warningRules(flag: nil)
        staleDays = try config.wholeNumber("stale_days", flag: nil, flagName: "stale-days", default: 45,
                                           expected: FunnelCommand.staleExpectation, isValid: { $0 >= 0 })
        period = try config.period(flag: nil)
        clvMonths = try config.wholeNumber("clv_months", flag: nil, flagName: "clv-months", default: 12,
                                           expected: PredictCommand.clvMonthsExpectation, isValid: PredictCommand.isValidCLVMonths)
        discountRate = try config.realNumber("discount_rate", flag: nil, flagName: "discount-rate", default: 0.01,
                                             expected: PredictCommand.discountRateExpectation, isValid: PredictCommand.isValidDiscountRate)
    }
}
