import Foundation

/// A per-customer summary read from a CSV file (`customer_id,frequency,recency,T[,monetary_value][,count]`),
/// for fitting models on summaries made elsewhere.
public struct SummaryFile: Sendable {
    /// Customer id of each row (the line number when the file has no id column).
    public var customerIDs: [String]
    /// Repeat purchases x of each row.
    public var frequency: [Double]
    /// Recency t_x of each row (time of the last purchase since the first).
    public var recency: [Double]
    /// Age T of each row (observation end − first purchase).
    public var age: [Double]
    /// Mean repeat spend of each row, when the file has the column.
    public var monetary: [Double]?
    /// Customers each row stands for, when the file has a count column.
    public var counts: [Double]?
    /// File line of each row, for messages.
    public var lines: [Int]
    /// Data rows read (blank lines excluded), those set aside included.
    public var rowsRead = 0
    /// Rows set aside, by reason: `invalid_customer_id` for an id holding a control character
    /// other than tab (a NUL or an escape, from a binary or damaged file), as transactions do.
    public var rejected: [String: Int] = [:]
    /// The first rows set aside (all of them go to the quarantine).
    public var examples: [RejectedRow] = []

    /// Whether a header names the summary columns (frequency, recency and T).
    public static func isSummaryHeader(_ header: [String]) -> Bool {
        let names = Set(header.map(ColumnMapping.normalize))
        return names.contains("frequency") && names.contains("recency") && names.contains("t")
    }

    /// Reads `path`. A row whose id holds a control character other than tab is set aside (its
    /// file, line, column and reason to `quarantine`, counted in ``rejected``), so it never
    /// reaches an output.
    /// - Throws: ``InputError`` for a file that cannot be read, ``ModelInputError`` naming the
    ///   line and column of a cell that is not a number.
    public init(path: String, quarantine: QuarantineSink? = nil) throws {
        let reader = try CSVReader(path: path)
        try reader.readHeader(expecting: "frequency, recency and T columns")
        let names = reader.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let header = reader.fields.map(ColumnMapping.normalize)
        func column(_ names: String...) -> Int? { names.lazy.compactMap { header.firstIndex(of: $0) }.first }
        guard let f = column("frequency"), let r = column("recency"), let t = column("t") else {
            throw InputError(file: path, message: "line \(reader.line): a summary needs frequency, recency and T columns; the header has: \(reader.fields.joined(separator: ", "))")
        }
        let id = column("customerid", "id", "customer")
        let m = column("monetaryvalue", "monetary")
        let n = column("count", "n", "customers")
        customerIDs = []; frequency = []; recency = []; age = []; lines = []
        var monetary: [Double] = [], counts: [Double] = []
        while try reader.next() {
            if reader.isBlankLine { continue }
            rowsRead += 1
            if let id, id < reader.fieldCount,
               let control = reader.withField(id, { TransactionLoader.controlCharacter(in: TransactionLoader.trimmed($0)) }) {
                let row = RejectedRow(file: path, line: reader.line, column: names[id],
                                      reason: TransactionLoader.controlCharacterReason("customer id", control), raw: reader.rawRecord)
                rejected[TransactionLoader.RejectReason.invalidCustomerID.rawValue, default: 0] += 1
                if examples.count < 20 { examples.append(row) }
                try quarantine?.record(row)
                continue
            }
            func number(_ k: Int, _ name: String) throws -> Double { try reader.modelNumber(k, column: name, path: path) }
            customerIDs.append(id.map { reader.string($0) } ?? String(reader.line - 1))
            frequency.append(try number(f, "frequency"))
            recency.append(try number(r, "recency"))
            age.append(try number(t, "T"))
            if let m { monetary.append(try number(m, "monetary_value")) }
            if let n { counts.append(try number(n, "count")) }
            lines.append(reader.line)
        }
        self.monetary = m == nil ? nil : monetary
        self.counts = n == nil ? nil : counts
    }

    /// The model input, with errors naming the file line.
    public func purchaseData(file: String) throws -> PurchaseData {
        try PurchaseData(frequency: frequency, recency: recency, age: age, counts: counts,
                         rowLabel: { "\(file): line \(lines[$0])" })
    }
}

extension CSVReader {
    /// Field `k` of the current row of a model input file (a summary or BG/BB data) as a number,
    /// parsed from its bytes: a String per cell would dominate on large files.
    /// - Parameters:
    ///   - column: the column's name, for the message.
    ///   - path: the file's path, for the message.
    /// - Throws: ``ModelInputError`` naming the file, line and column when the cell is missing or
    ///   not a number.
    func modelNumber(_ k: Int, column: String, path: String) throws -> Double {
        guard k < fieldCount, let v = withField(k, { AmountParser.parse(TransactionLoader.trimmed($0)) }) else {
            throw ModelInputError("\(path): line \(line), column \(column): expected a number, got \"\(k < fieldCount ? string(k) : "")\"")
        }
        return v
    }
}
