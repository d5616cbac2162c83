import ArgumentParser
import CustomerValue
import Foundation

extension ChurnModelKind: ExpressibleByArgument {}

/// `cva churn`: churn risk per customer at a cutoff, its evaluation on the following horizon,
/// and early-warning alerts.
struct ChurnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "churn",
        abstract: "Churn risk, bands and alerts per customer at a cutoff, evaluated on the following horizon.",
        discussion: """
            Churn = no purchase within --horizon-days after the cutoff. Features use only data dated on \
            or before the cutoff (transactions, and tickets, events, surveys and customers files when \
            present); the models train on the features at cutoff − horizon with the labels of the horizon \
            that ends at the cutoff, and are tested on the customers at the cutoff. The cutoff must leave a \
            whole horizon of data after it (default: the latest such cutoff, data end − horizon).

            --model gbdt / logistic: learners on the features (the first listed, gbdt for all, gives \
            churn_probability and top_factors: the features raising the risk most). \
            --model btyd: BG/NBD fitted on the purchases up to the cutoff; the customer's churn probability \
            is P(no purchase within the horizon) = 1 − P(alive) + P(alive)·((α+T)/(α+T+t))^(r+x) (Fader, \
            Hardie & Lee 2005), and 1 − P(alive) is reported as btyd_not_alive. A recency-only baseline \
            (the training churn rate of the customer's recency decile) is always evaluated alongside.

            Bands: low below the first --bands threshold, medium below the second, high from it. \
            Percentile: the mid-rank of the probability among the customers (0–100).

            Alerts: the warning rules (--rules YAML, default the standard eight) evaluated at the cutoff; \
            rules that need a missing file are skipped with a note.

            --export-features FILE writes the exact feature matrix with the label and the split \
            (customer_id,<features>,label,split; split = train, validation or test: the trees grow on \
            the train rows and stop early on the validation rows, the logistic model trains on both), \
            to check the models with another tool (e.g. cva churn-train).
            """)

    @Argument(help: "A data set folder holding transactions.csv (and optionally customers, tickets, events, surveys).")
    var input: String

    @Option(help: "Cutoff date (yyyy-MM-dd): features up to it, labels from the horizon after it. Default: data end − horizon.")
    var cutoff: String?
    @Option(name: .customLong("horizon-days"), parsing: .unconditional, help: "Days after the cutoff in which a purchase means not churned (default: cva.yaml's horizon_days, else 90).")
    var horizonDays: Int?
    @Option(help: "Model: gbdt (gradient-boosted trees), logistic, btyd (BG/NBD), a comma-separated list, or all; the first gives churn_probability.")
    var model: String = "all"
    @Option(help: "Warning rules (YAML); default: the file cva.yaml's rules names, else the standard rules.")
    var rules: String?
    @Option(name: .customLong("export-features"), help: "Write the feature matrix with labels and split to this CSV file.")
    var exportFeatures: String?
    @Option(parsing: .unconditional, help: "Band thresholds: medium from, high from.")
    var bands: String = "0.3,0.6"
    @Option(help: "Language of the actions: en or zh.")
    var language: Language = .en

    @Flag(help: "Print the seconds of each phase (reading each file, features, each learner's training, prediction and explanations, the rules, evaluation, writing) to standard error.")
    var timing = false

    @OptionGroup var transactions: TransactionOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runReportingErrors {
            var clock = DispatchTime.now().uptimeNanoseconds
            let cpuStart = processCPUSeconds()
            var cpuClock = cpuStart
            func step(_ name: String) {
                let now = DispatchTime.now().uptimeNanoseconds, cpu = processCPUSeconds()
                if timing { Console.note(String(format: "timing: %@ %.3f s (CPU %.3f s)", name, Double(now - clock) / 1e9, cpu - cpuClock)) }
                (clock, cpuClock) = (now, cpu)
            }
            let options = try analysisOptions(config: configOf(input: input))
            let (history, activity) = try Self.load(input: input, transactions: transactions, step: step)
            for note in activity.notes { Console.note("note: \(note)") }
            let analysis = try ChurnAnalysis(history: history, activity: activity, options: options)
            if timing {
                for t in analysis.timings { Console.note(String(format: "timing: %@ %.3f s (CPU %.3f s)", t.phase, t.seconds, t.cpuSeconds)) }
            }
            (clock, cpuClock) = (DispatchTime.now().uptimeNanoseconds, processCPUSeconds())
            for note in analysis.notes where !activity.notes.contains(note) { Console.note("note: \(note)") }
            if let exportFeatures {
                let sink = try ByteSink(path: exportFeatures)
                try Self.writeFeatures(train: analysis.train, test: analysis.test, to: sink)
                try sink.close()
                Console.note("wrote \(analysis.train.rowCount + analysis.test.rowCount) rows × \(analysis.test.columnCount) features to \(exportFeatures)")
            }
            let out = try ByteSink(path: output.out)
            switch output.resolvedFormat {
            case .csv: try Self.customerTable(analysis, language: language).writeCSV(to: out)
            case .json: try Self.writeJSON(analysis, language: language, to: out)
            case .table: try out.write(Self.text(analysis, language: language))
            }
            try out.close()
            step("writing")
            if timing { Console.note(String(format: "timing: CPU %.3f s in all (peak memory %.0f MB)", processCPUSeconds() - cpuStart, peakMemoryMB())) }
        }
    }

    static let horizonExpectation = "expected a number of days from 1 to 3650"
    static func isValidHorizon(_ days: Int) -> Bool { days >= 1 && days <= 3650 }

    /// The analysis settings from the flags; where `--horizon-days` or `--rules` is not given,
    /// `cva.yaml` (`config`) may set it (`horizon_days`, `rules`).
    func analysisOptions(config: DataSetConfig = DataSetConfig()) throws -> ChurnAnalysisOptions {
        let horizonDays = try config.wholeNumber("horizon_days", flag: self.horizonDays, flagName: "horizon-days", default: 90,
                                                 expected: Self.horizonExpectation, isValid: Self.isValidHorizon)
        let models: [ChurnModelKind]
        if model.lowercased() == "all" {
            models = ChurnModelKind.allCases
        } else {
            models = try model.split(separator: ",").map { name in
                guard let kind = ChurnModelKind(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
                    throw CLIError("--model \(model): expected \(ChurnModelKind.allCases.map(\.rawValue).joined(separator: ", ")) or all")
                }
                return kind
            }
        }
        let thresholds = bands.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard thresholds.allSatisfy({ $0 != nil }) else { throw CLIError("--bands \(bands): expected two numbers, e.g. 0.3,0.6") }
        let bandValues: RiskBands
        do {
            bandValues = try RiskBands(thresholds: thresholds.compactMap { $0 })
        } catch {
            throw CLIError("--bands \(bands): \(error)")
        }
        let ruleSet = try config.warningRules(flag: rules)
        return ChurnAnalysisOptions(
            cutoff: try cutoff.map { try parseDay($0, flag: "--cutoff") },
            features: ChurnFeatureOptions(horizonDays: horizonDays), models: models, bands: bandValues, rules: ruleSet)
    }

    /// Reads the transactions and the side files of `input` (a folder, or a transactions file).
    static func load(input: String, transactions: TransactionOptions,
                     step: (String) -> Void = { _ in }) throws -> (TransactionHistory, CustomerActivity) {
        let path = try transactionsPath(input)
        let ingest = try transactions.ingestOptions()
        let history = try loadTransactions(path: path, options: transactions, quarantine: nil)
        noteSetAside(history.report, quarantinePath: nil, commandKeepsRows: false)
        step("reading transactions")
        defer { step("reading side files") }
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory)
        guard isDirectory.boolValue else {
            var activity = CustomerActivity(customerCount: history.customerCount)
            activity.notes = ["a transactions file alone: complaint, engagement, survey and customer features and rules are skipped (give the data set folder)"]
            return (history, activity)
        }
        let dataSet = try DataSet(directory: input)
        let activity = try CustomerActivity.load(dataSet: dataSet, history: history, delimiter: ingest.delimiter, encoding: ingest.encoding)
        return (history, activity)
    }

    /// `customer_id,<features...>,label,split`: training rows, then test rows. Numbers are written
    /// in full (shortest round-trip form), so the file holds exactly the matrix the models saw.
    static func writeFeatures(train: FeatureMatrix, test: FeatureMatrix, to sink: ByteSink) throws {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        var header = ["customer_id"] + test.featureNames + ["label", "split"]
        for (k, name) in header.enumerated() {
            if k > 0 { buffer.append(0x2C) }
            CSVFormatting.appendField(name, to: &buffer)
        }
        header = []
        buffer.append(0x0A)
        // The rows the trees hold out for early stopping are marked `validation`, so another
        // tool can grow and stop its trees on exactly the same rows.
        var isValidation = [Bool](repeating: false, count: train.rowCount)
        for r in GradientBoostedTrees.heldOutRows(count: train.rowCount)?.validation ?? [] { isValidation[r] = true }
        for (matrix, name) in [(train, "train"), (test, "test")] {
            for r in 0..<matrix.rowCount {
                let split = name == "train" && isValidation[r] ? "validation" : name
                CSVFormatting.appendField(matrix.customerIDs[r], to: &buffer)
                for c in 0..<matrix.columnCount {
                    buffer.append(0x2C)
                    let v = matrix[r, c]
                    if v == v.rounded(), abs(v) < 1e15 {
                        buffer.append(contentsOf: String(Int(v)).utf8)
                    } else {
                        buffer.append(contentsOf: v.description.utf8)
                    }
                }
                buffer.append(0x2C)
                if let labels = matrix.labels { buffer.append(contentsOf: String(labels[r]).utf8) }
                buffer.append(0x2C)
                buffer.append(contentsOf: split.utf8)
                buffer.append(0x0A)
                if buffer.count > 1 << 20 {
                    try sink.write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
        }
        try sink.write(buffer)
    }

    static let customerColumns = ["customer_id", "churn_probability", "band", "percentile", "top_factors", "alerts",
                                  "alert_severity", "action", "btyd_not_alive", "btyd_no_purchase"]

    /// One row per customer scored at the cutoff.
    static func customerTable(_ analysis: ChurnAnalysis, language: Language) -> OutputTable {
        let customers = analysis.customers
        // Each cell reads one field of the customer (a copy of the whole customer per cell would
        // retain and release each of its arrays and texts).
        return OutputTable(columns: customerColumns, rowCount: customers.count) { r, k in
            switch k {
            case 0: return .text(customers[r].customerID)
            case 1: return .number(customers[r].churnProbability)
            case 2: return .text(customers[r].band.rawValue)
            case 3: return .number(customers[r].percentile)
            case 4: return .text(customers[r].topFactors.map(\.text).joined(separator: "; "))
            case 5: return .text(customers[r].alerts.map(\.rule).joined(separator: "; "))
            case 6: return customers[r].alertSeverity.map { .text($0.rawValue) } ?? .empty
            case 7: return customers[r].action.map { .text($0.text(language)) } ?? .empty
            case 8: return customers[r].btydNotAlive.map { .number($0) } ?? .empty
            case 9: return customers[r].btydNoPurchase.map { .number($0) } ?? .empty
            default: return .empty
            }
        }
    }

    /// The customer table for JSON: `top_factors` as an array of `{"feature", "contribution",
    /// "value"}` objects (contribution null for BG/NBD's descriptive factors) and `alerts` as an
    /// array of `{"rule", "severity", "metric", "detail", "values"}` objects, where CSV and the
    /// table join names with "; ".
    static func customerJSONTable(_ analysis: ChurnAnalysis, language: Language) -> OutputTable {
        var table = customerTable(analysis, language: language)
        let customers = analysis.customers
        table.jsonCell = { r, k, buffer in
            switch k {
            case 4:
                buffer.reserve(1)
                buffer.append(0x5B)
                for (i, f) in customers[r].topFactors.enumerated() {
                    buffer.reserve(factorBytes.feature.count + 1)
                    if i > 0 { buffer.append(0x2C) }
                    buffer.append(factorBytes.feature)
                    buffer.appendJSONString(f.feature)
                    buffer.reserve(factorBytes.contribution.count + factorBytes.value.count + 2 * NumberFormatting.maximumBytes + 1)
                    buffer.append(factorBytes.contribution)
                    buffer.appendJSONNumber(f.contribution ?? .nan)
                    buffer.append(factorBytes.value)
                    buffer.appendJSONNumber(f.value)
                    buffer.append(0x7D)
                }
                buffer.reserve(1)
                buffer.append(0x5D)
                return true
            case 5:
                buffer.reserve(1)
                buffer.append(0x5B)
                for (i, rule) in customers[r].alerts.enumerated() {
                    buffer.reserve(alertBytes.rule.count + 1)
                    if i > 0 { buffer.append(0x2C) }
                    buffer.append(alertBytes.rule)
                    buffer.appendJSONString(rule.rule)
                    buffer.reserve(alertBytes.severity.count)
                    buffer.append(alertBytes.severity)
                    buffer.appendJSONString(rule.severity.rawValue)
                    buffer.reserve(alertBytes.metric.count)
                    buffer.append(alertBytes.metric)
                    buffer.appendJSONString(rule.metric.rawValue)
                    buffer.reserve(alertBytes.detail.count)
                    buffer.append(alertBytes.detail)
                    buffer.appendJSONString(rule.detail)
                    buffer.reserve(alertBytes.values.count)
                    buffer.append(alertBytes.values)
                    // In name order: each time the smallest name after the last one written
                    // (a rule has a few values; no sorted copy of the names per alert).
                    var written: String?
                    for j in 0..<rule.values.count {
                        var next: (name: String, value: Double)?
                        for (name, value) in rule.values where written.map({ name > $0 }) ?? true {
                            if next.map({ name < $0.name }) ?? true { next = (name, value) }
                        }
                        guard let next else { break }
                        buffer.reserve(1)
                        if j > 0 { buffer.append(0x2C) }
                        buffer.appendJSONString(next.name)
                        buffer.reserve(NumberFormatting.maximumBytes + 1)
                        buffer.append(0x3A)
                        buffer.appendJSONNumber(next.value)
                        written = next.name
                    }
                    buffer.reserve(2)
                    buffer.append(0x7D)
                    buffer.append(0x7D)
                }
                buffer.reserve(1)
                buffer.append(0x5D)
                return true
            default:
                return false
            }
        }
        return table
    }

    /// The fixed parts of a `top_factors` object.
    static let factorBytes = (feature: Array("{\"feature\":".utf8), contribution: Array(",\"contribution\":".utf8),
                              value: Array(",\"value\":".utf8))
    /// The fixed parts of an `alerts` object.
    static let alertBytes = (rule: Array("{\"rule\":".utf8), severity: Array(",\"severity\":".utf8),
                             metric: Array(",\"metric\":".utf8), detail: Array(",\"detail\":".utf8),
                             values: Array(",\"values\":{".utf8))

    /// Everything but the customers, for `--format json`.
    struct Report: Encodable {
        var cutoff: String
        var trainCutoff: String
        var horizonDays: Int
        var testCustomers: Int
        var trainCustomers: Int
        var testChurnRate: Double
        var features: [String]
        var btyd: BTYDChurnRisk.Parameters?
        var evaluation: [String: ChurnEvaluation]
        var importance: [String: [FeatureImportance]]
        var bands: [Double]
        var alerts: [String: Int]
        var notes: [String]

        enum CodingKeys: String, CodingKey {
            case cutoff, trainCutoff = "train_cutoff", horizonDays = "horizon_days", testCustomers = "test_customers"
            case trainCustomers = "train_customers", testChurnRate = "test_churn_rate", features, btyd, bands, alerts, notes
            case evaluation, importance
        }
    }

    static func report(_ analysis: ChurnAnalysis, bands: RiskBands) -> Report {
        var alerts: [String: Int] = [:]
        for alert in analysis.alerts { for rule in alert.rules { alerts[rule.rule, default: 0] += 1 } }
        let labels = analysis.test.labels ?? []
        return Report(
            cutoff: analysis.cutoff.iso, trainCutoff: analysis.trainCutoff.iso, horizonDays: analysis.horizonDays,
            testCustomers: analysis.test.rowCount, trainCustomers: analysis.train.rowCount,
            testChurnRate: Double(labels.reduce(0) { $0 + Int($1) }) / Double(max(labels.count, 1)),
            features: analysis.test.featureNames,
            btyd: analysis.btyd.map { BTYDChurnRisk.Parameters(model: $0.model.parameters, converged: $0.converged) },
            evaluation: analysis.evaluation, importance: analysis.importance,
            bands: bands.thresholds, alerts: alerts, notes: analysis.notes)
    }

    /// `{"customers": [...], <the report's members>}`, the customers streamed.
    static func writeJSON(_ analysis: ChurnAnalysis, language: Language, to sink: ByteSink) throws {
        try sink.write("{\n\"customers\": ")
        try customerJSONTable(analysis, language: language).writeJSON(to: sink)
        let rest = try jsonText(report(analysis, bands: analysis.bands))
        try sink.write("," + rest.drop { $0 != "{" }.dropFirst())
    }

    /// A short readable summary: settings, bands, alerts and the riskiest customers.
    static func text(_ analysis: ChurnAnalysis, language: Language) -> String {
        let r = report(analysis, bands: analysis.bands)
        var text = "Churn at cutoff \(r.cutoff) (no purchase within \(r.horizonDays) days): \(r.testCustomers) customers, "
        text += String(format: "%.1f%% churned in the horizon; ", r.testChurnRate * 100) + "trained at \(r.trainCutoff) on \(r.trainCustomers) customers\n"
        if let b = r.btyd {
            text += String(format: "BG/NBD (weeks): r %.4g, alpha %.4g, a %.4g, b %.4g", b.r, b.alpha, b.a, b.b) + (b.converged ? "\n" : " (NOT CONVERGED)\n")
        }
        text += "\nEvaluation on the test customers (AUC, PR AUC, Brier, lift and capture at 10%):\n"
        func f(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "n/a" }
        for s in analysis.scores {
            guard let e = analysis.evaluation[s.model] else { continue }
            text += "  \(s.model.padding(toLength: 17, withPad: " ", startingAt: 0)) AUC \(f(e.auc))  PR AUC \(f(e.prAUC))  Brier \(f(e.brier))  "
            text += "lift@10 \(f(e.liftAt10))  capture@10 \(f(e.captureAt10))\n"
        }
        text += "\n"
        var bandCounts: [RiskBands.Band: Int] = [:]
        for c in analysis.customers { bandCounts[c.band, default: 0] += 1 }
        text += "Bands: " + [RiskBands.Band.low, .medium, .high].map { "\($0.rawValue) \(bandCounts[$0] ?? 0)" }.joined(separator: ", ") + "\n"
        text += "Alerts: \(analysis.alerts.count) customers"
        if !r.alerts.isEmpty { text += " (" + r.alerts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")" }
        text += "\n\nHighest risk:\n"
        let top = analysis.customers.indices.sorted { analysis.customers[$0].churnProbability > analysis.customers[$1].churnProbability }.prefix(20)
        for i in top {
            let c = analysis.customers[i]
            text += "  \(c.customerID)  " + String(format: "%.3f", c.churnProbability) + "  \(c.band.rawValue)  p"
                + String(format: "%.0f", c.percentile) + "  \(c.alerts.map(\.rule).joined(separator: ", "))\n"
        }
        return text
    }
}

/// The peak resident memory of this process so far (Linux `VmHWM`), 0 when unknown.
func peakMemoryMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kB = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return 0 }
    return kB / 1024
}

extension BTYDChurnRisk {
    /// The fitted parameters for reports.
    struct Parameters: Encodable {
        var r: Double, alpha: Double, a: Double, b: Double
        var converged: Bool
        init(model: BGNBD.Parameters, converged: Bool) {
            (r, alpha, a, b) = (model.r, model.alpha, model.a, model.b)
            self.converged = converged
        }
    }
}

extension ChurnCommand {
    /// The hook of `cva analyze`: evaluates the warning rules (`settings.rules`, by default the
    /// standard eight) at the observation end and writes `alerts.csv` (customer_id, value_at_risk,
    /// clv_<months>m, churn_probability, severity, rules, details, action, action_zh), largest value
    /// at risk (predicted CLV over `settings.clvMonths` months at `settings.discountRate` a month ×
    /// BG/NBD P(no purchase in `settings.horizonDays` days)) first; by default clv_12m and 90 days.
    /// Side files of `dataSet` that are missing are noted. Never fatal: a failure becomes a digest line.
    /// - Returns: lines for the digest.
    static func analyzeSection(
        history: TransactionHistory, dataSet: DataSet, options: TransactionIngestOptions,
        settings: AnalyzeSettings = AnalyzeSettings(), fitted: (purchase: BGNBD, spend: GammaGamma?)? = nil,
        write: (String, (ByteSink) throws -> Void) throws -> Void
    ) throws -> [String] {
        guard !history.periodDay.isEmpty else { return ["churn alerts: not computed (no purchases)"] }
        let activity: CustomerActivity
        let ranked: (alerts: [AlertAtRisk], notes: [String])
        do {
            activity = try CustomerActivity.load(dataSet: dataSet, history: history, delimiter: options.delimiter, encoding: options.encoding)
            ranked = try AlertAtRisk.rank(history: history, activity: activity, rules: settings.rules, horizonDays: settings.horizonDays,
                                          months: settings.clvMonths, discountRate: settings.discountRate, fitted: fitted)
        } catch {
            return ["churn alerts: not computed (\(error))"]
        }
        let alerts = ranked.alerts
        let table = OutputTable(
            columns: ["customer_id", "value_at_risk", "clv_\(settings.clvMonths)m", "churn_probability", "severity", "rules", "details",
                      "action", "action_zh"],
            rowCount: alerts.count
        ) { r, k in
            let a = alerts[r]
            switch k {
            case 0: return .text(a.customerID)
            case 1: return .number((a.valueAtRisk * 100).rounded() / 100)
            case 2: return a.clv.map { .number(($0 * 100).rounded() / 100) } ?? .empty
            case 3: return .number(a.churnProbability)
            case 4: return .text(a.alert.severity.rawValue)
            case 5: return .text(a.alert.rules.map(\.rule).joined(separator: "; "))
            case 6: return .text(a.alert.rules.map(\.detail).joined(separator: "; "))
            case 7: return .text(a.alert.action.en)
            case 8: return .text(a.alert.action.zh)
            default: return .empty
            }
        }
        try write("alerts.csv") { try table.writeCSV(to: $0) }
        let total = alerts.reduce(0) { $0 + $1.valueAtRisk }
        var lines = activity.notes.map { "churn: \($0)" } + ranked.notes.map { "churn: \($0)" }
        lines.append("churn alerts: \(alerts.count) customers at \(history.observationEnd.iso), value at risk "
                     + String(format: "%.0f", total) + " (alerts.csv, largest first)")
        return lines
    }
}
