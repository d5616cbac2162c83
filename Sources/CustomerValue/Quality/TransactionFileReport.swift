/// What happened to every row of a transactions file. Each row read lands in exactly one bucket:
/// `rows_read = blank_lines + accepted + duplicates + returns (all outcomes) + cancelled +
/// after_observation_end + rejected (all reasons)`.
public struct TransactionFileReport: Sendable, Codable, Hashable {
    public var file: String
    public var encoding: String
    public var delimiter: String
    /// Role → the header name it was read from.
    public var columns: [String: String]
    /// Data rows read (the header excluded).
    public var rowsRead = 0
    public var blankLines = 0
    /// Purchase rows used.
    public var accepted = 0
    /// Exact copies of an earlier row, left out.
    public var duplicates = 0
    public var returns = ReturnCounts()
    /// Rows whose status says the order was cancelled, left out.
    public var cancelled = 0
    /// Rows dated after the observation end (or after today when no end was given), left out.
    public var afterObservationEnd = 0
    /// Rows that could not be used, by reason (`missing_customer_id`, `unparseable_date`,
    /// `missing_amount`, `unparseable_amount`, `wrong_field_count`, `malformed_csv`).
    public var rejected: [String: Int] = [:]
    /// Accepted rows with a zero amount (kept: an order at no charge is still a purchase).
    public var zeroAmounts = 0
    /// Orders above the outlier threshold (flagged, kept).
    public var outliers = OutlierSummary()
    public var customers = 0
    /// Customers left with no purchase once returns were netted (left out of the summary).
    public var customersWithoutPurchases = 0
    public var orders = 0
    public var purchasePeriods = 0
    public var firstDate: CalendarDay?
    public var lastDate: CalendarDay?
    public var observationEnd: CalendarDay?
    /// The date format found without being given: `excel` when the date column held only
    /// whole numbers from 20000 to 80000 (read as Excel serials); nil (left out of JSON) otherwise.
    public var detectedDateFormat: String?
    /// Net spend of all customers.
    public var totalSpend = 0.0
    /// The first rows set aside, as examples (all of them go to the quarantine file).
    public var examples: [RejectedRow] = []

    /// Creates the value from its parts; each property's comment gives its meaning and domain.
    public init(file: String, encoding: String, delimiter: String, columns: [String: String]) {
        self.file = file
        self.encoding = encoding
        self.delimiter = delimiter
        self.columns = columns
    }

    /// Rows that were not used, whatever the reason (blank lines excluded).
    public var setAside: Int { duplicates + returns.dropped + returns.unmatched + cancelled + afterObservationEnd + rejected.values.reduce(0, +) }

    /// The sum of all buckets; equals ``rowsRead`` (checked by tests).
    public var bucketTotal: Int {
        blankLines + accepted + duplicates + returns.total + cancelled + afterObservationEnd + rejected.values.reduce(0, +)
    }

    enum CodingKeys: String, CodingKey {
        case file, encoding, delimiter, columns
        case rowsRead = "rows_read", blankLines = "blank_lines", accepted, duplicates, returns, cancelled
        case afterObservationEnd = "after_observation_end", rejected
        case zeroAmounts = "zero_amounts", outliers, customers
        case customersWithoutPurchases = "customers_without_purchases", orders
        case purchasePeriods = "purchase_periods", firstDate = "first_date", lastDate = "last_date"
        case observationEnd = "observation_end", totalSpend = "total_spend", examples
        case detectedDateFormat = "detected_date_format"
    }
}

/// Negative-amount rows and what became of them.
public struct ReturnCounts: Sendable, Codable, Hashable {
    /// The policy applied.
    public var policy: ReturnPolicy = .net
    /// Subtracted from the same customer's purchases.
    public var netted = 0
    /// Kept as negative transactions (`--returns keep`).
    public var kept = 0
    /// Left out (`--returns drop`).
    public var dropped = 0
    /// With `net`, returns with no earlier purchase by the same customer to net against (left out).
    public var unmatched = 0
    /// Purchase periods that netting brought to zero or below, removed.
    public var periodsCancelled = 0
    /// Total amount returned (a positive number).
    public var amount = 0.0
    public var total: Int { netted + kept + dropped + unmatched }

    enum CodingKeys: String, CodingKey {
        case policy, netted, kept, dropped, unmatched, amount
        case periodsCancelled = "periods_cancelled"
    }
}

/// Orders flagged as unusually large.
public struct OutlierSummary: Sendable, Codable, Hashable {
    public var factor = 10.0
    public var medianOrder = 0.0
    public var threshold = 0.0
    public var count = 0
    /// The largest flagged orders.
    public var examples: [OutlierOrder] = []

    enum CodingKeys: String, CodingKey {
        case factor, count, examples, threshold
        case medianOrder = "median_order"
    }
}

/// One flagged order.
public struct OutlierOrder: Sendable, Codable, Hashable {
    public var customerID: String
    public var date: CalendarDay
    public var amount: Double
    public var line: Int

    enum CodingKeys: String, CodingKey {
        case date, amount, line
        case customerID = "customer_id"
    }
}
