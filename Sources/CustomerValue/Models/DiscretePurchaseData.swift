import Foundation

/// Purchase histories in discrete time, as the BG/BB model sees them: x purchases in n
/// transaction opportunities, the last at opportunity t_x, customers with identical (x, t_x, n)
/// stored once with a count.
public struct DiscretePurchaseData: Sendable {
    /// Purchases x (repeat transactions, the opportunities with a purchase) of each distinct history.
    public var frequency: [Int]
    /// Opportunity t_x of the last purchase (0 when x = 0).
    public var recency: [Int]
    /// Opportunities n observed.
    public var periods: [Int]
    /// Customers with this history.
    public var count: [Double]

    /// Number of distinct histories.
    public var histories: Int { frequency.count }
    /// Total customers.
    public var totalCount: Double { count.reduce(0, +) }

    /// Builds the data from per-row values, merging identical histories.
    /// - Parameters:
    ///   - frequency: x, whole numbers ≥ 0.
    ///   - recency: t_x, x ≤ t_x ≤ n, and t_x = 0 exactly when x = 0.
    ///   - periods: n ≥ 1.
    ///   - counts: customers per row (default 1 each), whole numbers ≥ 1.
    ///   - rowLabel: how to name row `i` in an error.
    /// - Throws: ``ModelInputError`` naming the first bad row.
    public init(frequency: [Double], recency: [Double], periods: [Double], counts: [Double]? = nil,
                rowLabel: (Int) -> String = { "row \($0 + 1)" }) throws {
        precondition(frequency.count == recency.count && recency.count == periods.count, "columns of different lengths")
        self.frequency = []
        self.recency = []
        self.periods = []
        self.count = []
        var index: [[Int]: Int] = [:]
        for i in frequency.indices {
            let values = [frequency[i], recency[i], periods[i]]
            guard values.allSatisfy({ $0.isFinite && $0 >= 0 && $0 == $0.rounded() && $0 < 1e9 }) else {
                throw ModelInputError("\(rowLabel(i)): frequency, recency and n must be whole numbers ≥ 0")
            }
            let (x, tx, n) = (Int(frequency[i]), Int(recency[i]), Int(periods[i]))
            guard n >= 1 else { throw ModelInputError("\(rowLabel(i)): n (opportunities) must be at least 1") }
            guard tx <= n else {
                throw ModelInputError("\(rowLabel(i)): recency \(tx) is greater than n \(n) (the last purchase cannot come after the last opportunity)")
            }
            guard x <= tx else {
                throw ModelInputError("\(rowLabel(i)): frequency \(x) is greater than recency \(tx) (at most one purchase per opportunity)")
            }
            guard (x == 0) == (tx == 0) else {
                throw ModelInputError("\(rowLabel(i)): recency must be 0 exactly when frequency is 0 (got frequency \(x), recency \(tx))")
            }
            let weight = counts?[i] ?? 1
            guard weight.isFinite, weight >= 1, weight == weight.rounded() else {
                throw ModelInputError("\(rowLabel(i)): count \(weight) must be a whole number ≥ 1")
            }
            let key = [x, tx, n]
            if let k = index[key] {
                count[k] += weight
            } else {
                index[key] = self.frequency.count
                self.frequency.append(x)
                self.recency.append(tx)
                self.periods.append(n)
                count.append(weight)
            }
        }
        guard !self.frequency.isEmpty else { throw ModelInputError("no customers to fit") }
    }

    /// The histories of a summary of transactions in calendar periods, customers with n = 0 (born
    /// in the last period: they add nothing to the likelihood) left out.
    /// - Throws: ``ModelInputError`` when no customer has an opportunity.
    public init(summary: DiscreteSummary) throws {
        let kept = summary.opportunities.indices.filter { summary.opportunities[$0] > 0 }
        try self.init(frequency: kept.map { Double(summary.frequency[$0]) }, recency: kept.map { Double(summary.recency[$0]) },
                      periods: kept.map { Double(summary.opportunities[$0]) },
                      rowLabel: { "customer \(summary.customerIDs[kept[$0]])" })
    }

    /// Reads a CSV with columns frequency, recency, n (or periods) and optionally count (or
    /// weights), one row per customer or per group of identical customers.
    /// - Throws: ``InputError`` for a file that cannot be read or lacks a column,
    ///   ``ModelInputError`` naming the line and column of a bad cell.
    public init(path: String) throws {
        let reader = try CSVReader(path: path)
        try reader.readHeader(expecting: "frequency (x), recency (tx) and n (periods) columns")
        let header = reader.fields.map(ColumnMapping.normalize)
        func column(_ names: String...) -> Int? { names.lazy.compactMap { header.firstIndex(of: $0) }.first }
        guard let f = column("frequency", "x"), let r = column("recency", "tx"), let p = column("n", "periods", "opportunities") else {
            throw InputError(file: path, message: "line \(reader.line): BG/BB data need frequency, recency and n (opportunities) columns; the header has: \(reader.fields.joined(separator: ", "))")
        }
        let c = column("count", "weights", "customers")
        var frequency: [Double] = [], recency: [Double] = [], periods: [Double] = [], counts: [Double] = [], lines: [Int] = []
        while try reader.next() {
            if reader.isBlankLine { continue }
            func number(_ k: Int, _ name: String) throws -> Double { try reader.modelNumber(k, column: name, path: path) }
            frequency.append(try number(f, "frequency"))
            recency.append(try number(r, "recency"))
            periods.append(try number(p, "n"))
            if let c { counts.append(try number(c, "count")) }
            lines.append(reader.line)
        }
        try self.init(frequency: frequency, recency: recency, periods: periods, counts: c == nil ? nil : counts,
                      rowLabel: { "\(path): line \(lines[$0])" })
    }
}
