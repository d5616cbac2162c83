import ArgumentParser
import CustomerValue
import Foundation

extension TimeUnit: ExpressibleByArgument {}
extension ReturnPolicy: ExpressibleByArgument {}

/// Flags for reading a transactions file, shared by the commands that read one.
struct TransactionOptions: ParsableArguments {
    @Option(name: .customLong("customer-col"), help: "Customer id column (header name or 1-based number); default: found from common names.")
    var customerColumn: String?
    @Option(name: .customLong("date-col"), help: "Date column (header name or 1-based number).")
    var dateColumn: String?
    @Option(name: .customLong("amount-col"), help: "Amount column (header name or 1-based number).")
    var amountColumn: String?
    @Option(name: .customLong("order-col"), help: "Order id column: lines with the same order id are one order.")
    var orderColumn: String?
    @Option(name: .customLong("date-format"), help: "Date pattern for day-first or month-first files, e.g. dd/MM/yyyy or MM/dd/yyyy; excel for Excel serial dates (45356, days since 1899-12-30; read without it when every date is a whole number from 20000 to 80000).")
    var dateFormat: String?
    @Option(help: "Text encoding: auto, utf8, gb18030 (also gbk, gb2312), utf16le, utf16be.")
    var encoding: String = "auto"
    @Option(help: "Field delimiter: auto, ',', ';', tab or '|'.")
    var delimiter: String = "auto"
    @Option(help: "Negative amounts (returns): net (against the same customer's purchases), drop, or keep (default: net).")
    var returns: ReturnPolicy?
    @Option(name: .customLong("outlier-factor"), parsing: .unconditional, help: "Flag orders above this multiple of the median order (default: 10).")
    var outlierFactor: Double?
    @Option(name: .customLong("observation-end"), help: "Last day of the observation period (yyyy-MM-dd); default: the last transaction date.")
    var observationEnd: String?
    @Flag(name: .customLong("keep-duplicates"), help: "Keep exact duplicate rows instead of leaving them out.")
    var keepDuplicates = false
    @Option(name: .customLong("row-budget"), parsing: .unconditional, help: ArgumentHelp(
        "Parsed rows held in memory (28 bytes each, default 4000000); a file with more goes through temporary files, one partition of customers at a time, with the same results.",
        discussion: "Lower it to bound memory on a small machine; what is left grows with the customers, not the rows."))
    var rowBudget: Int?

    /// The ingest options of these flags; where a flag is not given, `cva.yaml` (`config`) may set it.
    func ingestOptions(config: DataSetConfig = DataSetConfig()) throws -> TransactionIngestOptions {
        let file = config.files["transactions"] ?? DataSetConfig.FileConfig()
        var columns = file.columns
        if let customerColumn { columns["customer_id"] = customerColumn }
        if let dateColumn { columns["date"] = dateColumn }
        if let amountColumn { columns["amount"] = amountColumn }
        if let orderColumn { columns["order_id"] = orderColumn }
        var encodingValue: TextEncoding?
        let encoding = self.encoding.lowercased() == "auto" ? (file.encoding ?? "auto") : self.encoding
        let delimiter = self.delimiter.lowercased() == "auto" ? (file.delimiter ?? "auto") : self.delimiter
        let dateFormat = self.dateFormat ?? file.dateFormat
        var returns = self.returns ?? .net
        if self.returns == nil, let text = config.text("returns") {
            guard let policy = ReturnPolicy(rawValue: text.lowercased()) else { throw CLIError("\(config.error("returns", "expected net, drop or keep"))") }
            returns = policy
        }
        let outlierFactor = try self.outlierFactor ?? config.number("outlier_factor") ?? 10
        var keepDuplicates = self.keepDuplicates
        if !keepDuplicates, let text = config.text("keep_duplicates") {
            guard let value = Bool(text.lowercased()) else { throw CLIError("\(config.error("keep_duplicates", "expected true or false"))") }
            keepDuplicates = value
        }
        let fromFile = "\(config.source ?? "cva.yaml"): transactions."
        if encoding.lowercased() != "auto" {
            guard let e = TextEncoding(name: encoding) else {
                throw CLIError("\(self.encoding.lowercased() == "auto" ? fromFile + "encoding" : "--encoding") \(encoding): expected auto, utf8, gb18030, gbk, utf16le or utf16be")
            }
            encodingValue = e
        }
        var delimiterValue: UInt8?
        do {
            delimiterValue = try TableReadOptions.delimiter(named: delimiter, what: "--delimiter")
        } catch {
            throw CLIError("\(self.delimiter.lowercased() == "auto" ? fromFile + "delimiter" : "--delimiter") \(delimiter): expected auto, ',', ';', tab or '|'")
        }
        guard outlierFactor > 1, outlierFactor.isFinite else {
            throw CLIError("--outlier-factor must be a number above 1, got \(outlierFactor)")
        }
        if let dateFormat { _ = try DateParser(pattern: dateFormat) }
        var end = try observationEnd.map { try parseDay($0, flag: "--observation-end") }
        if end == nil, let text = config.text("observation_end") {
            guard let day = DateParser().parse(text) else { throw CLIError("\(config.error("observation_end", "expected a date as yyyy-MM-dd"))") }
            end = day
        }
        var options = TransactionIngestOptions(
            delimiter: delimiterValue, encoding: encodingValue, columns: columns, dateFormat: dateFormat,
            returns: returns, outlierFactor: outlierFactor, observationEnd: end,
            latestPlausibleDay: end == nil ? today() : nil, keepDuplicates: keepDuplicates)
        if self.dateFormat == nil && file.dateFormat != nil {
            options.dateFormatSetting = "\(config.source ?? "cva.yaml")'s transactions.date_format"
        }
        if let rowBudget {
            guard rowBudget >= 1 else { throw CLIError("--row-budget must be at least 1 row, got \(rowBudget)") }
            options.rowBudget = rowBudget
        }
        // CVA_THREADS=1 reads with one thread (for measurements); the result is the same.
        options.parallel = ProcessInfo.processInfo.environment["CVA_THREADS"] != "1"
        return options
    }
}

/// Parses a yyyy-MM-dd flag value.
func parseDay(_ text: String, flag: String) throws -> CalendarDay {
    guard let day = DateParser().parse(text) else {
        throw CLIError("\(flag) \(text): expected a date as yyyy-MM-dd")
    }
    return day
}

/// Today's date (UTC).
func today() -> CalendarDay {
    CalendarDay(ordinal: Int32((Date().timeIntervalSince1970 / 86_400).rounded(.down)))
}

/// The transactions file of an input that is a file or a data set folder (the file `cva.yaml`
/// names, else transactions.csv or orders.csv).
func transactionsPath(_ input: String) throws -> String {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
        throw CLIError("\(input): no such file or folder")
    }
    guard isDirectory.boolValue else { return input }
    guard let path = try DataSet(directory: input).transactions else {
        throw CLIError("\(input): the folder has no transactions.csv (the one file a data set needs)")
    }
    return path
}

/// The `cva.yaml` that applies to a file: the one in its folder, if any.
func configBeside(_ path: String) throws -> DataSetConfig {
    let folder = (path as NSString).deletingLastPathComponent
    return try DataSetConfig.load(directory: folder.isEmpty ? "." : folder)
}

/// Loads transactions with a progress bar, with the `cva.yaml` of the file's folder when there is one.
func loadTransactions(path: String, options: TransactionOptions, quarantine: QuarantineSink?) throws -> TransactionHistory {
    let ingest = try options.ingestOptions(config: configBeside(path))
    let bar = ProgressBar(label: "reading \((path as NSString).lastPathComponent)", unit: "MB")
    defer { bar.finish() }
    return try TransactionLoader.load(path: path, options: ingest, quarantine: quarantine) { bytes, total in
        bar.update(done: bytes, total: total, rateCount: bytes / 1_000_000)
    }
}

/// Reads transactions straight into a customer summary (memory with the customers, not the
/// rows), with a progress bar and the `cva.yaml` of the file's folder when there is one.
func loadSummary(path: String, options: TransactionOptions, summary: SummaryOptions, quarantine: QuarantineSink?) throws -> CustomerSummary.Loaded {
    let ingest = try options.ingestOptions(config: configBeside(path))
    let bar = ProgressBar(label: "reading \((path as NSString).lastPathComponent)", unit: "MB")
    defer { bar.finish() }
    return try CustomerSummary.load(path: path, options: ingest, summary: summary, quarantine: quarantine) { bytes, total in
        bar.update(done: bytes, total: total, rateCount: bytes / 1_000_000)
    }
}

/// Notes on standard error a date column read as Excel serials without being asked, in any file
/// (transactions or a side file) and any command: installed by ``runReportingErrors(_:)``, told
/// once per file by the readers (``DetectedDateFormats``).
func noteDetectedDateFormat(_ detected: DetectedDateFormat) {
    guard detected.format == DateParser.excelFormat else { return }
    Console.note("note: \(detected.file): the dates in column \(detected.column) are whole numbers from \(DateParser.detectedExcelSerials.lowerBound) to \(DateParser.detectedExcelSerials.upperBound): read as Excel serial dates (days since 1899-12-30); pass --date-format to read them otherwise")
}

/// Notes on standard error what was set aside while reading. `commandKeepsRows`: the command has
/// a `--quarantine` option (the note suggests it); otherwise it points to `cva profile`, which
/// writes every row set aside of the same file.
func noteSetAside(_ report: TransactionFileReport, quarantinePath: String?, commandKeepsRows: Bool = true) {
    let setAside = report.setAside
    guard setAside > 0 else { return }
    var parts: [String] = []
    if report.duplicates > 0 { parts.append("\(report.duplicates) duplicates") }
    if report.cancelled > 0 { parts.append("\(report.cancelled) cancelled") }
    if report.afterObservationEnd > 0 { parts.append("\(report.afterObservationEnd) after the observation end") }
    if report.returns.dropped + report.returns.unmatched > 0 { parts.append("\(report.returns.dropped + report.returns.unmatched) returns") }
    let keep = commandKeepsRows ? "pass --quarantine FILE to keep them" : "cva profile lists them (its --quarantine file)"
    let whereTo = quarantinePath.map { "written to \($0)" } ?? keep
    Console.note("note: \(setAside) of \(report.rowsRead) rows set aside (\((parts + rejectedParts(report.rejected)).joined(separator: ", "))); \(whereTo)")
    if report.rejected[TransactionLoader.RejectReason.unparseableDate.rawValue] == report.rowsRead {
        Console.note("note: no row's date could be used: check --date-format (or cva.yaml's date_format) against the dates as written, or --date-col")
    }
}

/// "2 unparseable date", ...: rows set aside by reason, in the order of the reasons' keys.
func rejectedParts(_ rejected: [String: Int]) -> [String] {
    rejected.sorted(by: { $0.key < $1.key }).map { "\($1) \($0.replacingOccurrences(of: "_", with: " "))" }
}

/// Notes on standard error the rows of a summary CSV set aside: their count by reason, and each
/// row's file, line, column and reason (the first 20), since `cva fit` and `cva predict` keep
/// no quarantine file.
func noteSetAside(_ file: SummaryFile) {
    let setAside = file.rejected.values.reduce(0, +)
    guard setAside > 0 else { return }
    Console.note("note: \(setAside) of \(file.rowsRead) rows set aside (\(rejectedParts(file.rejected).joined(separator: ", "))):")
    for row in file.examples { Console.note("  \(row.file): line \(row.line), column \(row.column ?? ""): \(row.reason)") }
}

/// "1 customer has" / "n customers have": the subject of the notes about customers left out.
func customersHave(_ n: Int) -> String { n == 1 ? "1 customer has" : "\(n) customers have" }
