/// The product category of every purchase row, per customer of a ``TransactionHistory``: a
/// second, light pass over the transactions file (the history keeps no categories).
///
/// Events of customer `c` are `eventStart[c]..<eventStart[c + 1]`, ordered by day and, within a
/// day, by file order. Rows the history left out (unknown customer, unreadable date, after the
/// observation end) and rows without a category are skipped and counted.
public struct TransactionCategories: Sendable, Hashable {
    /// Category names; category `k` is the `k`-th distinct name in file order.
    public var names: [String]
    /// Offsets into the event arrays, `customerCount + 1` entries.
    public var eventStart: [Int]
    /// Day of each event.
    public var eventDay: [Int32]
    /// Category of each event.
    public var eventCategory: [Int32]
    /// Rows skipped: no category, or not part of the history.
    public var skippedRows: Int

    /// Reads the category column of `path` for the customers of `history`.
    /// - Returns: nil when the file has no category column.
    /// - Throws: ``InputError`` or ``ColumnMappingError`` when the file cannot be read.
    public static func load(path: String, history: TransactionHistory, options: TransactionIngestOptions = .init(),
                            categoryColumn: String? = nil) throws -> TransactionCategories? {
        let reader = try CSVReader(path: path, delimiter: options.delimiter, encoding: options.encoding)
        guard try reader.nextHeader() else { return nil }
        let header = reader.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var overrides = options.columns
        if let categoryColumn { overrides["category"] = categoryColumn }
        let mapping = try ColumnMapping(header: header, roles: [.customerID, .date, .category], overrides: overrides, file: path, line: reader.line)
        guard let customerColumn = mapping[.customerID], let dateColumn = mapping[.date],
              let categoryColumn = mapping[.category] else { return nil }
        let parser = try options.dateFormat.map { try DateParser(pattern: $0) }
            ?? DateParser.automatic(samples: TransactionLoader.sampleColumn(path: path, options: options, column: dateColumn, limit: 5000))
        let end = history.observationEnd.ordinal
        var names: [String] = []
        var index: [String: Int32] = [:]
        var customers: [Int32] = [], days: [Int32] = [], categories: [Int32] = []
        var skipped = 0
        let needed = max(customerColumn, dateColumn, categoryColumn)
        while try reader.next() {
            if reader.isBlankLine { continue }
            guard reader.fieldCount > needed,
                  let c = reader.withField(customerColumn, { history.identifiers.find($0) }),
                  let day = reader.withField(dateColumn, { parser.parse($0) }), day.ordinal <= end
            else { skipped += 1; continue }
            let name = reader.string(categoryColumn).trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { skipped += 1; continue }
            let k: Int32
            if let known = index[name] {
                k = known
            } else {
                k = Int32(names.count)
                index[name] = k
                names.append(name)
            }
            customers.append(c)
            days.append(day.ordinal)
            categories.append(k)
        }
        // Counting sort by customer keeps file order; then each customer's events by day (stable).
        let n = history.customerCount
        var start = [Int](repeating: 0, count: n + 1)
        for c in customers { start[Int(c) + 1] += 1 }
        for c in 0..<n { start[c + 1] += start[c] }
        var fill = start
        var eventDay = [Int32](repeating: 0, count: customers.count)
        var eventCategory = [Int32](repeating: 0, count: customers.count)
        for (r, c) in customers.enumerated() {
            let at = fill[Int(c)]
            eventDay[at] = days[r]
            eventCategory[at] = categories[r]
            fill[Int(c)] += 1
        }
        for c in 0..<n where start[c + 1] - start[c] > 1 {
            let range = start[c]..<start[c + 1]
            let sorted = zip(eventDay[range], eventCategory[range]).enumerated()
                .sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }
            for (k, item) in sorted.enumerated() {
                eventDay[range.lowerBound + k] = item.element.0
                eventCategory[range.lowerBound + k] = item.element.1
            }
        }
        return TransactionCategories(names: names, eventStart: start, eventDay: eventDay, eventCategory: eventCategory,
                                     skippedRows: skipped)
    }
}
