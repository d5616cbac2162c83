/// What to do with negative amounts (returns and refunds).
public enum ReturnPolicy: String, Sendable, Codable, CaseIterable {
    /// Subtract each return from the same customer's purchases (the default): from the order with
    /// the same order id when there is one, else from the latest purchase on or before the return.
    case net
    /// Leave returns out (counted and quarantined).
    case drop
    /// Keep returns as transactions with a negative amount.
    case keep
}

/// How to read a transactions file.
public struct TransactionIngestOptions: Sendable {
    /// The field delimiter; nil to detect it.
    public var delimiter: UInt8?
    /// The text encoding; nil to detect it.
    public var encoding: TextEncoding?
    /// Role name (`customer_id`, `date`, `amount`, `order_id`, `quantity`, `unit_price`, `status`) → header name or 1-based column.
    public var columns: [String: String]
    /// An explicit date pattern such as `dd/MM/yyyy`; nil for automatic.
    public var dateFormat: String?
    /// Where ``dateFormat`` was given when not by `--date-format` (such as "cva.yaml's
    /// transactions.date_format"), for the message when it reads no date; nil for the flag.
    public var dateFormatSetting: String?
    /// Returns policy.
    public var returns: ReturnPolicy
    /// An order above this multiple of the median order is flagged as an outlier (not dropped).
    public var outlierFactor: Double
    /// The observation end: later rows are left out and counted. Nil: the last date in the file.
    public var observationEnd: CalendarDay?
    /// With no explicit observation end, rows dated after this day (normally today) are treated as
    /// typing errors and left out, so one mistyped year cannot stretch every customer's age.
    public var latestPlausibleDay: CalendarDay?
    /// Keep exact duplicate rows instead of leaving them out.
    public var keepDuplicates: Bool
    /// Read large UTF-8 files with two threads (same result as one).
    public var parallel = true
    /// Files with fewer data bytes are read with one thread (lowered by tests).
    var minimumParallelBytes = 16 << 20
    /// Fewer rows are built into periods with one thread (lowered by tests).
    var minimumParallelRows = 100_000
    /// At most this many parsed rows are held in memory (28 bytes each); a file with more is
    /// built from temporary files, one partition of customers at a time
    /// (``SpilledHistoryBuilder``), with the same result. Lowered by tests.
    ///
    /// 4 M rows (about 112 MB of rows, plus a third of that for the sort while building): above
    /// the 2.66 M rows of the 1 M-customer benchmark, which therefore stays on the in-memory
    /// path (unchanged time, 264 MB peak), with room for about 1.5 M customers of that shape.
    /// Measured at 10 M customers / 27 M rows (`cva summary`, load average 8–12): peak memory
    /// 2.10 GB instead of 2.92 GB, the same output byte for byte; what remains grows with the
    /// customers and purchase days (id table, the history, the summary and its output), not with
    /// the rows. A smaller budget saves at most the ~150 MB of the row buffers and would send
    /// mid-sized files through the slower spilled path.
    public var rowBudget = 4_000_000
    /// Tests: split the file for two threads at the first line feed at or after this offset
    /// instead of after the middle.
    var splitAt: Int?

    public init(
        delimiter: UInt8? = nil, encoding: TextEncoding? = nil, columns: [String: String] = [:],
        dateFormat: String? = nil, returns: ReturnPolicy = .net, outlierFactor: Double = 10,
        observationEnd: CalendarDay? = nil, latestPlausibleDay: CalendarDay? = nil, keepDuplicates: Bool = false
    ) {
        self.delimiter = delimiter
        self.encoding = encoding
        self.columns = columns
        self.dateFormat = dateFormat
        self.returns = returns
        self.outlierFactor = outlierFactor
        self.observationEnd = observationEnd
        self.latestPlausibleDay = latestPlausibleDay
        self.keepDuplicates = keepDuplicates
    }
}
