import ArgumentParser
import CustomerValue
import Foundation

/// `cva summary`: one row per customer (frequency, recency, T, monetary value, RFM window).
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "One row per customer: orders, spend, and the BTYD frequency / recency / T / monetary_value.")

    @Argument(help: "A transactions CSV, or a data set folder holding transactions.csv.")
    var input: String

    @OptionGroup var transactions: TransactionOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Unit of recency, T and duration_holdout: day, week or month (default: cva.yaml's unit, else day).")
    var unit: TimeUnit?
    @Option(name: .customLong("calibration-end"), help: "Split at this day (inclusive): frequency/recency/T/monetary_value on the calibration period, plus holdout columns.")
    var calibrationEnd: String?
    @Option(name: .customLong("window-days"), parsing: .unconditional, help: "Trailing window (days) for days_since_last, window_orders and window_spend (default: cva.yaml's window_days, else 365).")
    var windowDays: Int?
    @Option(help: "Write rows that were set aside to this CSV (file, line, column, reason, raw).")
    var quarantine: String?
    @Flag(help: "Print the seconds each step took (parse, build per customer, summary, write) to standard error.")
    var timing = false

    func run() throws {
        try runReportingErrors {
            let config = try configOf(input: input)
            let unit = try config.timeUnit(flag: self.unit, default: .day)
            let windowDays = try config.windowDays(flag: self.windowDays)
            let path = try transactionsPath(input)
            let sink = try quarantine.map { try QuarantineFile(path: $0) }
            let timer = StepTimer(enabled: timing)
            defer { timer.report() }
            let options = SummaryOptions(
                unit: unit, calibrationEnd: try calibrationEnd.map { try parseDay($0, flag: "--calibration-end") },
                windowDays: windowDays)
            // Summarised partition by partition while the periods are built: memory grows with
            // the customers, not the rows.
            let loaded: CustomerSummary.Loaded
            do {
                loaded = try loadSummary(path: path, options: transactions, summary: options, quarantine: sink)
            } catch let error as SummaryError {
                try sink?.close()   // options that do not fit the data: the quarantine is complete
                throw error
            }
            try sink?.close()
            // The loader's own phases; "read" is what is left of the load (opening, format
            // inference, quarantine file). The summary is made within "build".
            timer.stepLoad(loaded.timings)
            let summary = loaded.summary
            timer.step("summary")
            noteSetAside(loaded.report, quarantinePath: quarantine)
            if summary.customersAfterCalibration > 0 {
                Console.note("note: \(summary.customersAfterCalibration) customers first bought after the calibration end and are left out")
            }
            if summary.customersWithoutPurchases > 0 {
                Console.note("note: \(customersHave(summary.customersWithoutPurchases)) no purchase left once returns are netted and are left out")
            }
            let out = try ByteSink(path: output.out)
            try summary.outputTable.write(output.resolvedFormat, to: out)
            try out.close()
            timer.step("write")
        }
    }
}

extension CustomerSummary {
    /// The summary as an output table, columns as in ``columnNames``.
    var outputTable: OutputTable {
        let s = self
        let holdoutDuration = durationHoldout
        return OutputTable(columns: columnNames, rowCount: count) { r, k in
            switch k {
            case 0: return .text(s.customerID(r))
            case 1: return .date(s.firstPurchase[r])
            case 2: return .date(s.lastPurchase[r])
            case 3: return .int(Int(s.orders[r]))
            case 4: return .number(s.totalSpend[r])
            case 5: return .number(s.averageOrderValue(r))
            case 6: return .int(Int(s.frequency[r]))
            case 7: return .number(s.recency[r])
            case 8: return .number(s.T[r])
            case 9: return .number(s.monetaryValue[r])
            case 10: return .int(Int(s.daysSinceLast[r]))
            case 11: return .int(Int(s.windowOrders[r]))
            case 12: return .number(s.windowSpend[r])
            case 13: return .int(Int(s.frequencyHoldout[r]))
            case 14: return .number(s.monetaryValueHoldout[r])
            case 15: return holdoutDuration.map { .number($0) } ?? .empty
            default: return .empty
            }
        }
    }
}

/// Runs `body`, turning any error into one message on standard error and a non-zero exit; the
/// date formats the readers detect on the way are noted on standard error
/// (``noteDetectedDateFormat(_:)``).
func runReportingErrors(_ body: () throws -> Void) throws {
    DetectedDateFormats.observe(noteDetectedDateFormat)
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch {
        Console.note("error: \(error)")
        throw ExitCode(2)
    }
}
