/// Every customer's purchase periods, as read from a transactions file: the input of every
/// analysis.
///
/// Purchases by one customer on one calendar day form one purchase period (the BTYD convention),
/// with the day's amounts (net of returns under the default policy) added up. Stored in one
/// contiguous block: the periods of customer `c` are `periodStart[c]..<periodStart[c + 1]`,
/// in increasing day order. About 16 bytes per purchase period and 40 per customer.
public struct TransactionHistory: Sendable {
    /// Customer identifiers; customer index `c` is the `c`-th distinct id in file order.
    public var identifiers: IdentifierTable
    /// Offsets into the period arrays, `customerCount + 1` entries.
    public var periodStart: [Int]
    /// Day of each purchase period.
    public var periodDay: [Int32]
    /// Amount of each purchase period.
    public var periodAmount: [Double]
    /// Number of orders in each purchase period.
    public var periodOrders: [Int32]
    /// The observation end in force: the given one, or the last date read.
    public var observationEnd: CalendarDay
    /// What happened to every row of the file.
    public var report: TransactionFileReport
    /// Seconds the loader spent in each of its phases (for `--timing`).
    public var timings = IngestTimings()

    /// Number of customers (including any left without purchases by returns).
    public var customerCount: Int { periodStart.count - 1 }

    /// The id of customer `c`.
    public func customerID(_ c: Int) -> String { identifiers.string(at: c) }

    /// The range of period indexes of customer `c`.
    @inline(__always)
    public func periods(of c: Int) -> Range<Int> { periodStart[c]..<periodStart[c + 1] }
}

/// Wall-clock seconds of the phases of reading a transactions file.
public struct IngestTimings: Sendable, Hashable {
    /// Reading and parsing the rows into compact columns (both halves of the file, in parallel).
    public var parse = 0.0
    /// Grouping the rows per customer into purchase periods (duplicates, returns, outliers),
    /// including any re-read of the file for the quarantine.
    public var build = 0.0
    /// Rows that went through temporary files because the file had more rows than the row
    /// budget (0 when every row stayed in memory).
    public var spilledRows = 0

    /// Creates the value from its parts; each property's comment gives its meaning and domain.
    public init(parse: Double = 0, build: Double = 0) {
        self.parse = parse
        self.build = build
    }
}
