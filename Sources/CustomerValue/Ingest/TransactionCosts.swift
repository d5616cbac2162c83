/// The gross margin of a transactions file that has a cost column: 1 − Σ cost / Σ amount over
/// the rows where both are numbers (cost of goods sold per row, in the amount's currency).
public struct TransactionCosts: Sendable, Hashable, Codable {
    /// Rows with both an amount and a cost.
    public var rows: Int
    /// Σ amount of those rows.
    public var revenue: Double
    /// Σ cost of those rows.
    public var cost: Double

    /// 1 − cost / revenue; nil when the revenue is not positive.
    public var grossMargin: Double? { revenue > 0 ? 1 - cost / revenue : nil }

    /// Reads the amount and cost columns of `path`.
    /// - Returns: nil when the file has no cost column or no amount column.
    /// - Throws: ``InputError`` or ``ColumnMappingError`` when the file cannot be read.
    public static func load(path: String, options: TransactionIngestOptions = .init()) throws -> TransactionCosts? {
        let reader = try CSVReader(path: path, delimiter: options.delimiter, encoding: options.encoding)
        guard try reader.nextHeader() else { return nil }
        let header = reader.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let mapping = try ColumnMapping(header: header, roles: [.amount, .cost], overrides: options.columns, file: path, line: reader.line)
        guard let amountColumn = mapping[.amount], let costColumn = mapping[.cost] else { return nil }
        var result = TransactionCosts(rows: 0, revenue: 0, cost: 0)
        while try reader.next() {
            guard reader.fieldCount > max(amountColumn, costColumn),
                  let amount = Double(reader.string(amountColumn).trimmingCharacters(in: .whitespaces)),
                  let cost = Double(reader.string(costColumn).trimmingCharacters(in: .whitespaces)),
                  amount.isFinite, cost.isFinite else { continue }
            result.rows += 1
            result.revenue += amount
            result.cost += cost
        }
        return result
    }
}
