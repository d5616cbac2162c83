import ArgumentParser
import CustomerValue
import Foundation

/// `cva analyze`: every analysis the data allows, written to a folder, with a short digest.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Run every analysis the data allows and write the results to a folder.",
        discussion: """
            Reads a data set folder (transactions.csv required; customers, tickets, surveys, events and \
            opportunities files when present) or a single transactions file, and writes:
              quality.txt, quality.json   the data-quality report of every file
              quarantine.csv              every row set aside, with file, line, column and reason
              customer_summary.csv        one row per customer (see `cva summary`)
              rfm.csv, segments.json      RFM scores, tiers, segments, value matrix, ABC (see `cva rfm`)
              models.json                 the BG/NBD and Gamma-Gamma fits (weeks)
              predictions.csv             per customer P(alive), expected purchases (52 weeks), spend, CLV (12 months)
              lifecycle.csv, cohorts.csv, kpis.csv, lifecycle.json
                                          lifecycle stages, cohort retention, monthly KPIs (see `cva lifecycle`, ...)
              alerts.csv                  churn warnings at the observation end, largest value at risk first (see `cva churn`)
            The settings of cva.yaml in the folder apply (unit, window_days, RFM bins, weights, thresholds and \
            segments, period of the cohorts and KPIs, clv_months and discount_rate of the CLV, horizon_days and \
            rules of the alerts, stale_days of the funnel); the defaults are those of the commands named.
              funnel.json                 the sales funnel, when opportunities.csv exists (see `cva funnel`)
              satisfaction.json, satisfaction_by.csv
                                          NPS, CSAT, CES overall and by month, quarter, channel, segment; comment themes
              feedback.csv, feedback_themes.json
                                          themes, sentiment and escalation of survey comments and ticket texts
            then prints a short digest.
            """)

    @Argument(help: "A data set folder or a transactions CSV.")
    var input: String

    @Option(name: .long, help: "Folder for the results (created if needed).")
    var out: String = "cva-out"

    @OptionGroup var transactions: TransactionOptions

    @Option(help: "Unit of recency and T in the summary: day, week or month (default: day).")
    var unit: TimeUnit?
    @Option(name: .customLong("window-days"), parsing: .unconditional, help: "Trailing window (days) for the RFM columns of the summary (default: 365).")
    var windowDays: Int?

    func run() throws {
        try runReportingErrors { try Analysis(input: input, outputFolder: out, transactions: transactions, unit: unit, windowDays: windowDays).run() }
    }
}

/// The steps of `cva analyze`, shared with `cva demo`.
struct Analysis {
    var input: String
    var outputFolder: String
    var transactions: TransactionOptions
    /// nil: cva.yaml's setting, else day.
    var unit: TimeUnit?
    /// nil: cva.yaml's setting, else 365.
    var windowDays: Int?

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw CLIError("\(input): no such file or folder")
        }
        do {
            try FileManager.default.createDirectory(atPath: outputFolder, withIntermediateDirectories: true)
        } catch {
            throw CLIError("\(outputFolder): cannot create the output folder (\(error.localizedDescription))")
        }
        let started = Date()
        let quarantinePath = (outputFolder as NSString).appendingPathComponent("quarantine.csv")
        try? FileManager.default.removeItem(atPath: quarantinePath)
        let sink = LazyQuarantineFile(path: quarantinePath)
        // Closed once the last step that sets rows aside is done; on an error, whatever was set aside is kept.
        defer { try? sink.close() }
        let bar = ProgressBar(label: "reading", unit: "MB")
        let dataSet: DataSet
        if isDirectory.boolValue {
            dataSet = try DataSet(directory: input)
        } else {
            dataSet = try DataSet(directory: (input as NSString).deletingLastPathComponent.isEmpty ? "." : (input as NSString).deletingLastPathComponent)
                .onlyTransactions(input)
        }
        let config = dataSet.config
        let options = try transactions.ingestOptions(config: config)
        let unit = try config.timeUnit(flag: self.unit, default: .day)
        let windowDays = try config.windowDays(flag: self.windowDays)
        let settings = try AnalyzeSettings(config: config)
        let (profile, loaded) = try DataSetProfile.profile(dataSet, options: options, quarantine: sink, requireTransactions: true) { bytes, total in
            bar.update(done: bytes, total: total, rateCount: bytes / 1_000_000)
        }
        bar.finish()
        guard let history = loaded else { throw CLIError("\(input): no transactions could be read") }

        var written: [String] = []
        func write(_ name: String, _ body: (ByteSink) throws -> Void) throws {
            let path = (outputFolder as NSString).appendingPathComponent(name)
            let out = try ByteSink(path: path)
            try body(out)
            try out.close()
            written.append(path)
        }
        try write("quality.txt") { try $0.write(QualityText.render(profile)) }
        try write("quality.json") { try $0.write(jsonText(profile)) }

        let summary = try CustomerSummary(history: history, options: SummaryOptions(unit: unit, windowDays: windowDays))
        try write("customer_summary.csv") { try summary.outputTable.writeCSV(to: $0) }
        var rfm = try RFMAnalysis(input: RFMInput(summary: summary), options: rfmOptions(config: config, folder: dataSet.directory))
        try write("rfm.csv") { try rfm.customerTable(summary: summary, language: .en).writeCSV(to: $0) }

        let (modelLines, models) = try writeModels(history: history, settings: settings, write: write)
        if let predictions = models?.predictions, predictions.probabilityAlive.count == rfm.count {
            rfm.attachModelValues(probabilityAlive: predictions.probabilityAlive, lifetimeValue: predictions.lifetimeValue)
        }
        try write("segments.json") { try $0.write(jsonText(rfm.report(summary: summary, language: .en))) }
        var sectionLines = try LifecycleCommand.analyzeSection(history: history, period: settings.period, write: write)
        sectionLines += try ChurnCommand.analyzeSection(history: history, dataSet: dataSet, options: options, settings: settings,
                                                        fitted: models.map { ($0.purchase, $0.spend) }, write: write)
        let funnel = try FunnelCommand.analyzeSection(dataSet: dataSet, outputFolder: outputFolder, staleDays: settings.staleDays,
                                                      quarantine: sink)
        written += funnel.written
        sectionLines += funnel.lines
        try sink.close()
        if sink.count > 0 { written.append(quarantinePath) }
        if dataSet.files["surveys"] != nil {
            // Scores, groups and comment themes in one read of surveys.csv.
            sectionLines += try SatisfactionCommand.analyzeSection(
                dataSet: dataSet, summary: summary, rfm: rfm, outputFolder: outputFolder, quarantine: nil)
            for name in ["satisfaction.json", "satisfaction_by.csv"] {
                let path = (outputFolder as NSString).appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: path) { written.append(path) }
            }
        }
        let feedback = try FeedbackCommand.analyzeSection(dataSet: dataSet, outputFolder: outputFolder)
        written += feedback.written
        if let line = feedback.digest { sectionLines.append(line) }

        var digest = Digest(profile: profile, summary: summary, written: written, seconds: Date().timeIntervalSince(started))
        digest.modelLines = modelLines + sectionLines
        print(digest.text)
    }
}

extension Analysis {
    /// Fits BG/NBD (and Gamma-Gamma when it can be fitted) on the weekly summary and writes
    /// `models.json` and `predictions.csv` (CLV over `settings.clvMonths` at `settings.discountRate`).
    /// A model that cannot be fitted is reported in the digest, not fatal.
    /// - Returns: the digest lines, and the models with their predictions when BG/NBD was fitted.
    func writeModels(history: TransactionHistory, settings: AnalyzeSettings = AnalyzeSettings(),
                     write: (String, (ByteSink) throws -> Void) throws -> Void) throws
        -> (lines: [String], models: CustomerValueModels?) {
        let models: CustomerValueModels
        do {
            models = try CustomerValueModels(history: history, clvMonths: settings.clvMonths, discountRate: settings.discountRate)
        } catch {
            return (["models: BG/NBD not fitted (\(error))"], nil)
        }
        let p = models.purchaseReport.estimates
        var lines = [String(format: "BG/NBD (weeks): r %.4g, alpha %.4g, a %.4g, b %.4g%@", p[0], p[1], p[2], p[3],
                            models.purchaseReport.converged ? "" : " (NOT CONVERGED)")]
        if let error = models.spendError { lines.append("Gamma-Gamma not fitted (\(error)): no spend or CLV") }
        try write("models.json") {
            try $0.write(jsonText(ModelFile(purchase: models.purchaseReport, spend: models.spendReport, unit: .week,
                                            observationEnd: models.observationEnd)))
        }
        let predictions = models.predictions
        let table = PredictCommand.table(predictions, customerIDs: models.input.customerIDs, observationEnd: models.observationEnd)
        try write("predictions.csv") { try table.writeCSV(to: $0) }
        let n = models.input.customerIDs.count
        let expected = predictions.expectedPurchases.reduce(0, +), alive = predictions.probabilityAlive.reduce(0, +)
        lines.append(String(format: "expected purchases in the next 52 weeks: %.0f; mean P(alive) %.3f", expected, alive / Double(max(n, 1))))
        if let mean = models.spend?.conditionalExpectedSpend(frequency: 0, monetary: 0) {
            lines.append(String(format: "Gamma-Gamma: mean spend per purchase %.2f (%d-month CLV per customer in predictions.csv)", mean, settings.clvMonths))
        }
        return (lines, models)
    }
}

extension Analysis {
    /// The RFM settings of `cva.yaml` (bins, weights, thresholds, segments), read as the flags
    /// of `cva rfm`; a segment file is relative to the data set folder.
    func rfmOptions(config: DataSetConfig, folder: String) throws -> RFMOptions {
        var arguments = ["analyze"]
        for name in ["bins", "weights", "thresholds"] {
            if let text = config.text(name) { arguments += ["--\(name)", text] }
        }
        if let table = config.text("segments") {
            let inFolder = (folder as NSString).appendingPathComponent(table)
            arguments += ["--segments", SegmentTable.builtIn(table) == nil && FileManager.default.fileExists(atPath: inFolder) ? inFolder : table]
        }
        do {
            return try RFMCommand.parse(arguments).analysisOptions()
        } catch let error as CLIError {
            throw CLIError("\(config.source ?? "cva.yaml"): \(error.description.replacingOccurrences(of: "--", with: ""))")
        } catch {
            throw CLIError("\(config.source ?? "cva.yaml"): \(RFMCommand.message(for: error))")
        }
    }
}

extension BGNBD.Parameters {
    init(_ v: [Double]) { self.init(r: v[0], alpha: v[1], a: v[2], b: v[3]) }
}

extension DataSet {
    /// The same data set limited to one transactions file.
    func onlyTransactions(_ path: String) -> DataSet {
        var copy = self
        copy.transactions = path
        copy.files = [:]
        copy.unrecognized = []
        return copy
    }
}

/// The short printed digest of an analysis.
struct Digest {
    var profile: DataSetProfile
    var summary: CustomerSummary
    var written: [String]
    var seconds: Double
    var modelLines: [String] = []

    var text: String {
        var out = "CVA analysis\n"
        if let t = profile.transactions {
            out += "  transactions.csv: \(t.rowsRead) rows read, \(t.accepted) purchases used"
            if t.returns.netted + t.returns.kept > 0 { out += ", \(t.returns.netted + t.returns.kept) returns applied" }
            out += ", \(t.setAside) set aside"
            out += t.setAside > 0 ? " (see quarantine.csv)\n" : "\n"
            if let first = t.firstDate, let last = t.lastDate {
                out += "  period: \(first.iso) … \(last.iso), observation end \(summary.observationEnd.iso)\n"
            }
        }
        for f in profile.files {
            let rejected = f.rejected.values.reduce(0, +) + f.duplicates
            out += "  \(f.kind).csv: \(f.rowsRead) rows, \(f.accepted) accepted\(rejected > 0 ? ", \(rejected) set aside" : "")\n"
        }
        for u in profile.unusable { out += "  UNUSABLE \(u.file): \(u.message)\n" }
        let customers = summary.count
        let repeaters = summary.frequency.filter { $0 > 0 }.count
        let revenue = summary.totalSpend.reduce(0, +)
        let orders = summary.orders.reduce(0) { $0 + Int($1) }
        out += "  customers: \(customers)"
        if customers > 0 {
            out += String(format: ", repeat buyers %.1f%%, revenue %.2f, %.2f per customer, average order %.2f",
                          100 * Double(repeaters) / Double(customers), revenue, revenue / Double(customers),
                          orders > 0 ? revenue / Double(orders) : 0)
            let active = summary.windowOrders.filter { $0 > 0 }.count
            out += String(format: "\n  active in the last %d days: %d (%.1f%%)", summary.windowDays, active, 100 * Double(active) / Double(customers))
        }
        for line in modelLines { out += "\n  \(line)" }
        out += "\n  written:\n" + written.map { "    \($0)\n" }.joined()
        out += String(format: "  done in %.2f s\n", seconds)
        return out
    }
}
