extension CustomerSummary {
    /// A summary read straight from a transactions file, with the file's report.
    public struct Loaded: Sendable {
        /// One row per customer, as ``CustomerSummary/init(history:options:)`` gives for the
        /// file's ``TransactionHistory``.
        public var summary: CustomerSummary
        /// What happened to every row of the file.
        public var report: TransactionFileReport
        /// Seconds the loader spent in each of its phases (the summary is made during `build`).
        public var timings: IngestTimings
    }

    /// Reads a transactions file and summarises it without holding every purchase period:
    /// each block of customers' periods the loader builds
    /// (``TransactionLoader/stream(path:options:quarantine:progress:start:periods:)``) is
    /// summarised and dropped, so memory grows with the customers (ids and the summary's
    /// columns, about 70 bytes a customer), not with the rows or purchase days. Every row, count,
    /// note and quarantined row is exactly that of ``TransactionLoader/load(path:options:quarantine:progress:)``
    /// followed by ``init(history:options:)``.
    /// - Parameters:
    ///   - path: the transactions CSV.
    ///   - options: how to read it.
    ///   - summary: unit, calibration end and window of the summary.
    ///   - quarantine: receives every row set aside, with its line and reason; nil to only count them.
    ///   - progress: called now and then with (bytes read, file size).
    /// - Throws: what the loader throws when the file cannot be used; ``SummaryError`` when the
    ///   options do not fit the data (after the whole file was read and every set-aside row
    ///   quarantined, as when the summary is made from a loaded history).
    /// - Complexity: O(rows) time; memory O(customers + row budget).
    public static func load(
        path: String, options: TransactionIngestOptions = .init(), summary: SummaryOptions = .init(),
        quarantine: QuarantineSink? = nil, progress: ((Int, Int?) -> Void)? = nil
    ) throws -> Loaded {
        var known: TransactionStreamStart?
        var built: CustomerSummary?
        var unfit: (any Error)?
        // Made when the first block is ready rather than when parsing ends: the summary's
        // columns are then reserved once the parsed rows are freed, not on top of them.
        func makeSummary() {
            guard built == nil, unfit == nil, let start = known else { return }
            // As for a loaded history: without a usable row, no customer and day 0 as the end.
            let end = start.observationEnd ?? CalendarDay(ordinal: 0)
            do {
                built = try CustomerSummary(
                    identifiers: start.identifiers, observationEnd: end, firstDate: start.firstDate,
                    customerCount: start.observationEnd == nil ? 0 : start.customerCount, options: summary)
            } catch {
                unfit = error   // thrown once the file is read, quarantine included
            }
        }
        let result = try TransactionLoader.stream(path: path, options: options, quarantine: quarantine, progress: progress) { start in
            known = start
        } periods: { block in
            makeSummary()
            built?.append(block)
        }
        makeSummary()   // no block: no usable row
        if let unfit { throw unfit }
        guard let built else { preconditionFailure("the loader calls start before it returns") }
        return Loaded(summary: built, report: result.report, timings: result.timings)
    }
}
