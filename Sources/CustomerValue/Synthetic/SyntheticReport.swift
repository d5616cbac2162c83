/// What ``SyntheticGenerator/write(to:progress:)`` wrote: rows per file, the problems injected
/// into `transactions.csv`, and how long it took. JSON keys are snake_case.
public struct SyntheticReport: Sendable, Codable, Hashable {
    /// Number of customers simulated.
    public var customers: Int
    /// The seed used.
    public var seed: UInt64
    /// The last observed day (inclusive).
    public var observationEnd: CalendarDay
    /// Data rows written per file name (headers not counted), e.g. `"transactions.csv": 3_412_007`,
    /// including `truth_customers.csv`.
    public var rowsWritten: [String: Int]
    /// Rows injected into `transactions.csv`, by kind (every kind listed, 0 when none):
    /// `unparseable_date`, `empty_amount`, `empty_customer_id`, `duplicate_row`, `return`,
    /// `zero_amount` (the invalid kinds) and `thousands_separator`, `currency_sign` (the valid
    /// but unusual kinds).
    public var injected: [String: Int]
    /// Injected rows that must not be taken as a purchase as they stand: malformed, duplicated,
    /// returns and zero amounts.
    public var injectedInvalidRows: Int
    /// Injected rows that are valid purchases written in an unusual way (`"1,234.50"`,
    /// `¥12.00`). They are extra purchases on top of the BG/NBD process, not in
    /// `truth_customers.csv`.
    public var injectedValidUnusualRows: Int
    /// Purchases of the BG/NBD process per customer, the first purchase included (injected
    /// rows excluded).
    public var meanTransactionsPerCustomer: Double
    /// Repeat purchases per customer (the BG/NBD x over the whole observation).
    public var meanRepeatTransactionsPerCustomer: Double
    /// Wall-clock time of the whole write.
    public var elapsedSeconds: Double

    enum CodingKeys: String, CodingKey {
        case customers, seed, injected
        case observationEnd = "observation_end"
        case rowsWritten = "rows_written"
        case injectedInvalidRows = "injected_invalid_rows"
        case injectedValidUnusualRows = "injected_valid_unusual_rows"
        case meanTransactionsPerCustomer = "mean_transactions_per_customer"
        case meanRepeatTransactionsPerCustomer = "mean_repeat_transactions_per_customer"
        case elapsedSeconds = "elapsed_seconds"
    }
}
