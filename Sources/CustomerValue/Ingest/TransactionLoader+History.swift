/// What the transactions loader knows once the rows are parsed, before it builds the first
/// purchase period: enough to set up a per-customer consumer.
public struct TransactionStreamStart: Sendable {
    /// Customer ids; customer index `c` is the `c`-th distinct id in file order.
    public var identifiers: IdentifierTable
    /// The observation end in force (the given one, or the last date read); nil when no row
    /// was usable (then no block follows).
    public var observationEnd: CalendarDay?
    /// The first date read, nil without a usable row.
    public var firstDate: CalendarDay?
    /// Rows parsed (an upper bound on the purchase periods to come).
    public var rowCount: Int

    /// Number of customers: the blocks to come cover customers `0..<customerCount` when
    /// there is an observation end.
    public var customerCount: Int { identifiers.count }
}

/// What the transactions loader returns after streaming the periods out.
public struct TransactionStreamResult: Sendable {
    /// Customer ids; customer index `c` is the `c`-th distinct id in file order.
    public var identifiers: IdentifierTable
    /// The observation end in force; nil when no row was usable.
    public var observationEnd: CalendarDay?
    /// What happened to every row of the file.
    public var report: TransactionFileReport
    /// Seconds the loader spent in each of its phases; `build` includes the time the consumer
    /// of the periods took.
    public var timings: IngestTimings
}

extension TransactionLoader {
    /// Loads `path` into a ``TransactionHistory``: every customer's purchase periods in one
    /// block (16 bytes a period), for the analyses that go over the customers more than once
    /// or need them all at once. Analyses that need one customer at a time can use
    /// ``stream(path:options:quarantine:progress:start:periods:)`` instead, whose memory does not
    /// grow with the purchase periods (as ``CustomerSummary/load(path:options:summary:quarantine:progress:)`` does).
    /// - Parameters:
    ///   - path: the transactions CSV.
    ///   - options: how to read it.
    ///   - quarantine: receives every row set aside, with its line and reason; nil to only count them.
    ///   - progress: called now and then with (bytes read, file size).
    /// - Returns: the per-customer history and the file's report.
    /// - Throws: ``InputError``, ``ColumnMappingError`` or ``DateFormatError`` when the file cannot be used at all.
    public static func load(
        path: String, options: TransactionIngestOptions = .init(), quarantine: QuarantineSink? = nil,
        progress: ((Int, Int?) -> Void)? = nil
    ) throws -> TransactionHistory {
        var periods = PeriodColumns()
        var whole: PurchasePeriods?
        var expected = (customers: 0, rows: 0)
        let result = try stream(path: path, options: options, quarantine: quarantine, progress: progress) { start in
            expected = (start.customerCount, start.rowCount)
        } periods: { block in
            if block.firstCustomer == 0 && block.customerCount == expected.customers {
                whole = block   // every customer at once: kept as it is, not copied
                return
            }
            if periods.day.isEmpty && periods.start.count == 1 {
                periods.reserve(customers: expected.customers, periods: expected.rows)
            }
            periods.append(block)
        }
        guard let end = result.observationEnd else {
            return TransactionHistory(
                identifiers: result.identifiers, periodStart: [0], periodDay: [], periodAmount: [], periodOrders: [],
                observationEnd: CalendarDay(ordinal: 0), report: result.report, timings: result.timings)
        }
        if let whole { periods = PeriodColumns(start: whole.start, day: whole.day, amount: whole.amount, orders: whole.orders) }
        return TransactionHistory(
            identifiers: result.identifiers, periodStart: periods.start, periodDay: periods.day,
            periodAmount: periods.amount, periodOrders: periods.orders,
            observationEnd: end, report: result.report, timings: result.timings)
    }
}
