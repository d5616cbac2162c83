import Foundation

/// The quality report of one data set file other than transactions.
///
/// Every data row lands in exactly one bucket: blank line, exact duplicate, rejected (by its
/// first problem), or accepted. Flags (after the observation end, unknown customer, dates out of
/// order, conflicting names) count accepted rows with something worth a look; they are kept.
public struct TableFileReport: Sendable, Codable, Hashable {
    public var file: String
    /// The schema it was checked against (`customers`, `tickets`, ...).
    public var kind: String
    public var encoding: String
    /// Role → header name, for the columns found.
    public var columns: [String: String]
    /// Known columns the file lacks (optional ones: the analyses that need them are skipped).
    public var missingColumns: [String]
    public var rowsRead = 0
    public var blankLines = 0
    public var accepted = 0
    public var duplicates = 0
    /// Rejected rows by reason.
    public var rejected: [String: Int] = [:]
    /// Empty cells per column (accepted rows).
    public var emptyCells: [String: Int] = [:]
    /// Accepted rows with a date after the observation end.
    public var afterObservationEnd = 0
    /// Accepted rows whose customer id has no transactions.
    public var unknownCustomers = 0
    /// Accepted rows whose dates go backwards (e.g. resolved before created).
    public var datesOutOfOrder = 0
    /// customers file: ids that appear more than once with different names.
    public var conflictingNames = 0
    /// customers file: ids that appear more than once.
    public var repeatedIDs = 0
    public var examples: [RejectedRow] = []

    public var bucketTotal: Int { blankLines + accepted + duplicates + rejected.values.reduce(0, +) }

    enum CodingKeys: String, CodingKey {
        case file, kind, encoding, columns, accepted, duplicates, rejected, examples
        case missingColumns = "missing_columns", rowsRead = "rows_read", blankLines = "blank_lines"
        case emptyCells = "empty_cells", afterObservationEnd = "after_observation_end"
        case unknownCustomers = "unknown_customers", datesOutOfOrder = "dates_out_of_order"
        case conflictingNames = "conflicting_names", repeatedIDs = "repeated_ids"
    }
}

/// Checks a data set file against its ``FileSchema``.
public enum TableProfiler {
    /// Profiles `path` as a file of kind `schema`.
    /// - Parameters:
    ///   - knownCustomers: the customer ids of the transactions, to flag rows of unknown customers.
    ///   - observationEnd: rows dated after it are flagged.
    ///   - quarantine: receives every rejected or duplicate row.
    ///   - columns: role → header name (or 1-based number) for columns not found by their usual names.
    ///   - visit: called with every accepted row, its cells already checked against the schema;
    ///     the row is only valid during the call.
    /// - Throws: ``InputError`` or ``ColumnMappingError`` when the file cannot be used at all,
    ///   and whatever `visit` throws.
    public static func profile(
        path: String, schema: FileSchema, delimiter: UInt8? = nil, encoding: TextEncoding? = nil,
        dateFormat: String? = nil, knownCustomers: IdentifierTable? = nil, observationEnd: CalendarDay? = nil,
        quarantine: QuarantineSink? = nil, columns: [String: String] = [:], visit: ((TableRow) throws -> Void)? = nil
    ) throws -> TableFileReport {
        let reader = try CSVReader(path: path, delimiter: delimiter, encoding: encoding)
        guard try reader.next() else {
            throw InputError(file: path, message: "is empty: expected a header row (\(schema.columns.filter(\.required).map(\.role.name).joined(separator: ", ")))")
        }
        let header = reader.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let mapping = try ColumnMapping(header: header, roles: schema.columns.map(\.role), overrides: columns, file: path)
        let missingRequired = schema.columns.filter { $0.required && mapping[$0.role] == nil }.map(\.role.name)
        guard missingRequired.isEmpty else {
            throw ColumnMappingError(
                file: path,
                message: "line 1: no column for \(missingRequired.joined(separator: ", ")) (a \(schema.name) file needs it); the header has: \(header.joined(separator: ", "))")
        }
        var columnNames: [String: String] = [:]
        for (role, index) in mapping.indexes { columnNames[role] = header[index] }
        var report = TableFileReport(
            file: path, kind: schema.name, encoding: reader.encoding.rawValue, columns: columnNames,
            missingColumns: schema.columns.filter { mapping[$0.role] == nil }.map(\.role.name))
        let present = schema.columns.compactMap { spec in mapping[spec.role].map { (spec, $0) } }
        var parser = try dateFormat.map { try DateParser(pattern: $0) } ?? DateParser()
        if dateFormat == nil {
            let dateColumns = present.filter { $0.0.kind == .date }.map(\.1)
            if let first = dateColumns.first {
                parser.order = try DateParser.inferOrder(
                    from: TransactionLoader.sampleColumn(
                        path: path, options: TransactionIngestOptions(delimiter: delimiter, encoding: encoding),
                        column: first, limit: 5000))
            }
        }
        let customerColumn = mapping[.customerID]
        let nameColumn = mapping.indexes["name"]
        let isCustomersFile = schema.name == FileSchema.customers.name
        var seenRows = RowHashSet(expected: min((reader.fileSize ?? 0) / 40, 100_000_000))
        // customers file: each id's first name (hash), to spot one id with two names.
        var idsSeen = IdentifierTable()
        var firstNameHash: [UInt64] = []
        var conflicted: [Bool] = []
        var dates = [(name: String, day: CalendarDay)]()
        // Parsed value of each present column for `visit`: a number, a day ordinal, or NaN.
        var slots: [String: Int] = [:]
        for (k, (spec, _)) in present.enumerated() { slots[spec.role.name] = k }
        var values = [Double](repeating: .nan, count: present.count)
        // The checks of each present column as plain values: the row loop copies no ColumnSpec
        // (its strings and sets would cost a retain and release per cell).
        let checkIndex = present.map(\.1)
        let checkRequired = present.map(\.0.required)
        let checkName = present.map(\.0.role.name)
        var emptyCounts = [Int](repeating: 0, count: present.count)
        let checkKind: [UInt8] = present.map {
            switch $0.0.kind {
            case .identifier, .text: 0
            case .date: 1
            case .number: 2
            case .category(let allowed): allowed == nil ? 0 : 3
            }
        }
        let checkRange: [ClosedRange<Double>?] = present.map { if case .number(let range, _) = $0.0.kind { range } else { nil } }
        let checkInteger: [Bool] = present.map { if case .number(_, let integer) = $0.0.kind { integer } else { false } }

        func setAside(_ reason: String, column: String?) throws {
            let row = RejectedRow(file: path, line: reader.line, column: column, reason: reason, raw: reader.rawRecord)
            if report.examples.count < 20 { report.examples.append(row) }
            try quarantine?.record(row)
        }
        func reject(_ key: String, _ reason: String, column: Int?) throws {
            report.rejected[key, default: 0] += 1
            try setAside(reason, column: column.map { header[$0] })
        }

        rows: while try reader.next() {
            report.rowsRead += 1
            if reader.isBlankLine { report.blankLines += 1; continue }
            if let malformation = reader.malformation {
                try reject("malformed_csv", "malformed CSV: \(malformation)", column: nil)
                continue
            }
            if reader.fieldCount != header.count {
                try reject("wrong_field_count", "expected \(header.count) fields as in the header, found \(reader.fieldCount)", column: nil)
                continue
            }
            let hash = reader.withRawRecord { IdentifierTable.hash($0) }
            if !seenRows.insert(hash) {
                report.duplicates += 1
                try setAside("exact duplicate of an earlier row", column: nil)
                continue
            }
            dates.removeAll(keepingCapacity: true)
            if visit != nil { for k in values.indices { values[k] = .nan } }
            var emptyMask: UInt64 = 0
            for k in 0..<checkIndex.count {
                let index = checkIndex[k]
                // Checked on the bytes: no String per cell except in messages.
                let empty = reader.withField(index) { TransactionLoader.trimmed($0).isEmpty }
                if empty {
                    if checkRequired[k] {
                        let name = present[k].0.role.name
                        try reject("missing_\(name)", "missing \(name)", column: index)
                        continue rows
                    }
                    if k < 64 { emptyMask |= 1 << UInt64(k) }
                    continue
                }
                switch checkKind[k] {
                case 0:
                    break
                case 1:
                    guard let day = reader.withField(index, { parser.parse($0) }) else {
                        let name = present[k].0.role.name
                        try reject("unparseable_\(name)", "unparseable date \"\(reader.string(index))\" in \(name)", column: index)
                        continue rows
                    }
                    dates.append((checkName[k], day))
                    values[k] = Double(day.ordinal)
                case 2:
                    let integer = checkInteger[k]
                    guard let number = reader.withField(index, { AmountParser.parse(TransactionLoader.trimmed($0)) }) else {
                        let name = present[k].0.role.name
                        try reject("unparseable_\(name)", "\(name) \"\(reader.string(index))\" is not a number", column: index)
                        continue rows
                    }
                    if let range = checkRange[k], !range.contains(number) || (integer && number != number.rounded()) {
                        let name = present[k].0.role.name
                        let scale = range.upperBound == .greatestFiniteMagnitude
                            ? "at least \(NumberText.plain(range.lowerBound))"
                            : "\(integer ? "a whole number " : "")from \(NumberText.plain(range.lowerBound)) to \(NumberText.plain(range.upperBound))"
                        try reject("out_of_range_\(name)", "\(name) \(reader.string(index).trimmingCharacters(in: .whitespaces)) is outside its scale: expected \(scale)", column: index)
                        continue rows
                    }
                    values[k] = number
                default:
                    if case .category(let allowed?) = present[k].0.kind {
                        let name = present[k].0.role.name
                        let value = reader.string(index).trimmingCharacters(in: .whitespaces)
                        if !allowed.contains(value.lowercased()) {
                            try reject("unknown_\(name)", "\(name) \"\(value)\" is not one of \(allowed.sorted().joined(separator: ", "))", column: index)
                            continue rows
                        }
                    }
                }
            }
            report.accepted += 1
            while emptyMask != 0 {
                let k = emptyMask.trailingZeroBitCount
                emptyCounts[k] += 1
                emptyMask &= emptyMask - 1
            }
            if let observationEnd, dates.contains(where: { $0.day > observationEnd }) { report.afterObservationEnd += 1 }
            for order in schema.orderedDates {
                if let a = dates.first(where: { $0.name == order.earlier })?.day,
                   let b = dates.first(where: { $0.name == order.later })?.day, b < a {
                    report.datesOutOfOrder += 1
                    break
                }
            }
            if let customerColumn {
                if let knownCustomers {
                    let known = reader.withField(customerColumn) { knownCustomers.find(TransactionLoader.trimmed($0)) != nil }
                    if !known { report.unknownCustomers += 1 }
                }
                if isCustomersFile {
                    let id = Int(reader.withField(customerColumn) { idsSeen.intern(TransactionLoader.trimmed($0)) })
                    let nameHash = nameColumn.map { column in reader.withField(column) { IdentifierTable.hash(TransactionLoader.trimmed($0)) } } ?? 0
                    if id == firstNameHash.count {
                        firstNameHash.append(nameHash)
                        conflicted.append(false)
                    } else {
                        report.repeatedIDs += 1
                        if firstNameHash[id] != nameHash && !conflicted[id] {
                            conflicted[id] = true
                            report.conflictingNames += 1
                        }
                    }
                }
            }
            if let visit {
                try visit(TableRow(reader: reader, header: header, mapping: mapping, slots: slots, values: values))
            }
        }
        for (k, count) in emptyCounts.enumerated() where count > 0 { report.emptyCells[checkName[k], default: 0] += count }
        return report
    }
}

/// The hashes of the rows seen so far, to spot exact duplicates: open addressing with linear
/// probing over hashes that are already well mixed (``IdentifierTable/hash(_:)``), so no second
/// hashing per row as `Set<UInt64>` would do.
struct RowHashSet {
    private var slots: [UInt64]
    private var mask: Int
    private var count = 0

    init(expected: Int) {
        var capacity = 1024
        while capacity < expected * 2 { capacity <<= 1 }
        slots = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
    }

    /// Inserts `hash`; false when it was there already.
    mutating func insert(_ hash: UInt64) -> Bool {
        // 0 marks an empty slot: map a zero hash to another value.
        let key = hash == 0 ? 0x9E37_79B9_7F4A_7C15 : hash
        if (count + 1) * 2 > slots.count { grow() }
        var i = Int(truncatingIfNeeded: key) & mask
        while true {
            let slot = slots[i]
            if slot == 0 {
                slots[i] = key
                count += 1
                return true
            }
            if slot == key { return false }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        mask = slots.count - 1
        for key in old where key != 0 {
            var i = Int(truncatingIfNeeded: key) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = key
        }
    }
}

/// One accepted row of a data set file, handed to the `visit` closure of
/// ``TableProfiler/profile(path:schema:delimiter:encoding:dateFormat:knownCustomers:observationEnd:quarantine:visit:)``.
///
/// Columns are named by their schema role (`customer_id`, `created_at`, `nps`, ...), whatever the
/// file's header calls them; columns outside the schema are reached by header name.
public struct TableRow {
    let reader: CSVReader
    /// The file's header, trimmed.
    public let header: [String]
    let mapping: ColumnMapping
    let slots: [String: Int]
    let values: [Double]

    /// Line of the row in its file (1 = the header).
    public var line: Int { reader.line }

    /// The trimmed text of a schema column; nil when the file lacks the column or the cell is empty.
    public func text(_ role: String) -> String? {
        guard let index = mapping.indexes[role] else { return nil }
        return field(index)
    }

    /// The trimmed text of the column whose header is `name` (exact match first, then
    /// case-insensitive); nil when there is no such column or the cell is empty.
    public func text(header name: String) -> String? {
        guard let index = header.firstIndex(of: name) ?? header.firstIndex(where: { $0.lowercased() == name.lowercased() }) else { return nil }
        return field(index)
    }

    /// The trimmed text of field `index`; nil when empty or out of range.
    public func field(_ index: Int) -> String? {
        guard index >= 0, index < reader.fieldCount else { return nil }
        // Spaces and tabs are trimmed on the bytes; Foundation's trimming (for the other Unicode
        // spaces, e.g. U+3000) only when an end is still white: it took ~40% of a funnel's read.
        let value = reader.withField(index) { String(decoding: TransactionLoader.trimmed($0), as: UTF8.self) }
        guard let first = value.unicodeScalars.first, let last = value.unicodeScalars.last else { return nil }
        guard first.properties.isWhitespace || last.properties.isWhitespace else { return value }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The date of a schema date column (already checked); nil when absent or empty.
    public func day(_ role: String) -> CalendarDay? {
        guard let k = slots[role], !values[k].isNaN else { return nil }
        return CalendarDay(ordinal: Int32(values[k]))
    }

    /// The position of a schema column among the row's parsed values, for ``number(slot:)`` and
    /// ``day(slot:)`` in hot loops (no lookup by name per row); nil when the file lacks the column.
    public func slot(_ role: String) -> Int? { slots[role] }

    /// The number at a position from ``slot(_:)``; nil when the cell is empty.
    @inline(__always) public func number(slot k: Int) -> Double? {
        let v = values[k]
        return v.isNaN ? nil : v
    }

    /// The date at a position from ``slot(_:)``; nil when the cell is empty.
    @inline(__always) public func day(slot k: Int) -> CalendarDay? {
        let v = values[k]
        return v.isNaN ? nil : CalendarDay(ordinal: Int32(v))
    }

    /// The number of a schema number column (already checked against its scale); nil when absent or empty.
    public func number(_ role: String) -> Double? {
        guard let k = slots[role], !values[k].isNaN else { return nil }
        return values[k]
    }
}

/// Plain number text for messages: integers without a decimal point.
public enum NumberText {
    /// `v` as text, without a decimal point when it is a whole number.
    public static func plain(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}
