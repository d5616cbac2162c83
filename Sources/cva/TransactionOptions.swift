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
    @Option(name: .customLong("date-format"), help: "Date pattern for day-first or month-first files, e.g. dd/MM/yyyy or MM/dd/yyyy.")
    var dateFormat: String?
    @Option(help: "Text encoding: auto, utf8, gb18030 (also gbk, gb2312), utf16le, utf16be.")
    var encoding: String = "auto"
    @Option(help: "Field delimiter: auto, ',', ';', tab or '|'.")
    var delimiter: String = "auto"
    @Option(help: "Negative amounts (returns): net (against the same customer's purchases), drop, or keep.")
    var returns: ReturnPolicy = .net
    @Option(name: .customLong("outlier-factor"), help: "Flag orders above this multiple of the median order.")
    var outlierFactor: Double = 10
    @Option(name: .customLong("observation-end"), help: "Last day of the observation period (yyyy-MM-dd); default: the last transaction date.")
    var observationEnd: String?
    @Flag(name: .customLong("keep-duplicates"), help: "Keep exact duplicate rows instead of leaving them out.")
    var keepDuplicates = false

    func ingestOptions() throws -> TransactionIngestOptions {
        var columns: [String: String] = [:]
        columns["customer_id"] = customerColumn
        columns["date"] = dateColumn
        columns["amount"] = amountColumn
        columns["order_id"] = orderColumn
        var encodingValue: TextEncoding?
        if encoding.lowercased() != "auto" {
            guard let e = TextEncoding(name: encoding) else {
                throw CLIError("--encoding \(encoding): expected auto, utf8, gb18030, gbk, utf16le or utf16be")
            }
            encodingValue = e
        }
        var delimiterValue: UInt8?
        switch delimiter.lowercased() {
        case "auto": delimiterValue = nil
        case ",", "comma": delimiterValue = 0x2C
        case ";", "semicolon": delimiterValue = 0x3B
        case "\t", "\\t", "tab": delimiterValue = 0x09
        case "|", "pipe": delimiterValue = 0x7C
        default: throw CLIError("--delimiter \(delimiter): expected auto, ',', ';', tab or '|'")
        }
        guard outlierFactor > 1, outlierFactor.isFinite else {
            throw CLIError("--outlier-factor must be a number above 1, got \(outlierFactor)")
        }
        if let dateFormat { _ = try DateParser(pattern: dateFormat) }
        let end = try observationEnd.map { try parseDay($0, flag: "--observation-end") }
        var options = TransactionIngestOptions(
            delimiter: delimiterValue, encoding: encodingValue, columns: columns, dateFormat: dateFormat,
            returns: returns, outlierFactor: outlierFactor, observationEnd: end,
            latestPlausibleDay: end == nil ? today() : nil, keepDuplicates: keepDuplicates)
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

/// The transactions file of an input that is a file or a data set folder.
func transactionsPath(_ input: String) throws -> String {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
        throw CLIError("\(input): no such file or folder")
    }
    guard isDirectory.boolValue else { return input }
    let candidate = (input as NSString).appendingPathComponent("transactions.csv")
    guard FileManager.default.fileExists(atPath: candidate) else {
        throw CLIError("\(input): the folder has no transactions.csv (the one file a data set needs)")
    }
    return candidate
}

/// Loads transactions with a progress bar.
func loadTransactions(path: String, options: TransactionOptions, quarantine: QuarantineSink?) throws -> TransactionHistory {
    let bar = ProgressBar(label: "reading \((path as NSString).lastPathComponent)", unit: "MB")
    defer { bar.finish() }
    return try TransactionLoader.load(path: path, options: try options.ingestOptions(), quarantine: quarantine) { bytes, total in
        bar.update(done: bytes, total: total, rateCount: bytes / 1_000_000)
    }
}

/// Notes on standard error what was set aside while reading.
func noteSetAside(_ report: TransactionFileReport, quarantinePath: String?) {
    let setAside = report.setAside
    guard setAside > 0 else { return }
    var parts: [String] = []
    if report.duplicates > 0 { parts.append("\(report.duplicates) duplicates") }
    if report.cancelled > 0 { parts.append("\(report.cancelled) cancelled") }
    if report.afterObservationEnd > 0 { parts.append("\(report.afterObservationEnd) after the observation end") }
    if report.returns.dropped + report.returns.unmatched > 0 { parts.append("\(report.returns.dropped + report.returns.unmatched) returns") }
    for (reason, n) in report.rejected.sorted(by: { $0.key < $1.key }) { parts.append("\(n) \(reason.replacingOccurrences(of: "_", with: " "))") }
    let whereTo = quarantinePath.map { "written to \($0)" } ?? "pass --quarantine FILE to keep them"
    Console.note("note: \(setAside) of \(report.rowsRead) rows set aside (\(parts.joined(separator: ", "))); \(whereTo)")
}
