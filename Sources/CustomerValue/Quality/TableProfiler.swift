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
    /// - Throws: ``InputError`` or ``ColumnMappingError`` when the file cannot be used at all.
    public static func profile(
        path: String, schema: FileSchema, delimiter: UInt8? = nil, encoding: TextEncoding? = nil,
        dateFormat: String? = nil, knownCustomers: IdentifierTable? = nil, observationEnd: CalendarDay? = nil,
        quarantine: QuarantineSink? = nil
    ) throws -> TableFileReport {
        let reader = try CSVReader(path: path, delimiter: delimiter, encoding: encoding)
        guard try reader.next() else {
            throw InputError(file: path, message: "is empty: expected a header row (\(schema.columns.filter(\.required).map(\.role.name).joined(separator: ", ")))")
        }
        let header = reader.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let mapping = try ColumnMapping(header: header, roles: schema.columns.map(\.role), file: path)
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
        var seenRows = Set<UInt64>()
        var customerNames: [String: String] = [:]
        var conflicted = Set<String>()
        var dates = [String: CalendarDay]()

        func setAside(_ reason: String, column: String?) throws {
            let row = RejectedRow(file: path, line: reader.line, column: column, reason: reason, raw: reader.rawRecord)
            if report.examples.count < 20 { report.examples.append(row) }
            try quarantine?.record(row)
        }

        rows: while try reader.next() {
            report.rowsRead += 1
            if reader.isBlankLine { report.blankLines += 1; continue }
            if let malformation = reader.malformation {
                report.rejected["malformed_csv", default: 0] += 1
                try setAside("malformed CSV: \(malformation)", column: nil)
                continue
            }
            if reader.fieldCount != header.count {
                report.rejected["wrong_field_count", default: 0] += 1
                try setAside("expected \(header.count) fields as in the header, found \(reader.fieldCount)", column: nil)
                continue
            }
            let hash = reader.withRawRecord { IdentifierTable.hash($0) }
            if !seenRows.insert(hash).inserted {
                report.duplicates += 1
                try setAside("exact duplicate of an earlier row", column: nil)
                continue
            }
            dates.removeAll(keepingCapacity: true)
            var empties: [String] = []
            for (spec, index) in present {
                let value = reader.string(index).trimmingCharacters(in: .whitespaces)
                let name = spec.role.name
                if value.isEmpty {
                    if spec.required {
                        report.rejected["missing_\(name)", default: 0] += 1
                        try setAside("missing \(name)", column: header[index])
                        continue rows
                    }
                    empties.append(name)
                    continue
                }
                switch spec.kind {
                case .identifier, .text:
                    break
                case .date:
                    guard let day = parser.parse(value) else {
                        report.rejected["unparseable_\(name)", default: 0] += 1
                        try setAside("unparseable date \"\(value)\" in \(name)", column: header[index])
                        continue rows
                    }
                    dates[name] = day
                case .number(let range, let integer):
                    guard let number = AmountParser.parse(value) else {
                        report.rejected["unparseable_\(name)", default: 0] += 1
                        try setAside("\(name) \"\(value)\" is not a number", column: header[index])
                        continue rows
                    }
                    if let range, !range.contains(number) || (integer && number != number.rounded()) {
                        report.rejected["out_of_range_\(name)", default: 0] += 1
                        let scale = range.upperBound == .greatestFiniteMagnitude
                            ? "at least \(NumberText.plain(range.lowerBound))"
                            : "\(integer ? "a whole number " : "")from \(NumberText.plain(range.lowerBound)) to \(NumberText.plain(range.upperBound))"
                        try setAside("\(name) \(value) is outside its scale: expected \(scale)", column: header[index])
                        continue rows
                    }
                case .category(let allowed):
                    if let allowed, !allowed.contains(value.lowercased()) {
                        report.rejected["unknown_\(name)", default: 0] += 1
                        try setAside("\(name) \"\(value)\" is not one of \(allowed.sorted().joined(separator: ", "))", column: header[index])
                        continue rows
                    }
                }
            }
            report.accepted += 1
            for name in empties { report.emptyCells[name, default: 0] += 1 }
            if let observationEnd, dates.values.contains(where: { $0 > observationEnd }) { report.afterObservationEnd += 1 }
            for order in schema.orderedDates {
                if let a = dates[order.earlier], let b = dates[order.later], b < a {
                    report.datesOutOfOrder += 1
                    break
                }
            }
            if let customerColumn {
                let known = reader.withField(customerColumn) { raw in
                    knownCustomers.map { $0.find(TransactionLoader.trimmed(raw)) != nil } ?? true
                }
                if !known { report.unknownCustomers += 1 }
                if schema.name == FileSchema.customers.name {
                    let id = reader.string(customerColumn).trimmingCharacters(in: .whitespaces)
                    let name = nameColumn.map { reader.string($0).trimmingCharacters(in: .whitespaces) } ?? ""
                    if let previous = customerNames[id] {
                        report.repeatedIDs += 1
                        if previous != name && !conflicted.contains(id) {
                            conflicted.insert(id)
                            report.conflictingNames += 1
                        }
                    } else {
                        customerNames[id] = name
                    }
                }
            }
        }
        return report
    }
}

/// Plain number text for messages: integers without a decimal point.
public enum NumberText {
    /// `v` as text, without a decimal point when it is a whole number.
    public static func plain(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}
