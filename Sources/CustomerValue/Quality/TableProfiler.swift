import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
    /// The date format found without being given: `excel` when the first date column held only
    /// whole numbers from 20000 to 80000 (read as Excel serials); nil (left out of JSON) otherwise.
    public var detectedDateFormat: String?
    public var examples: [RejectedRow] = []

    public var bucketTotal: Int { blankLines + accepted + duplicates + rejected.values.reduce(0, +) }

    enum CodingKeys: String, CodingKey {
        case file, kind, encoding, columns, accepted, duplicates, rejected, examples
        case missingColumns = "missing_columns", rowsRead = "rows_read", blankLines = "blank_lines"
        case emptyCells = "empty_cells", afterObservationEnd = "after_observation_end"
        case unknownCustomers = "unknown_customers", datesOutOfOrder = "dates_out_of_order"
        case conflictingNames = "conflicting_names", repeatedIDs = "repeated_ids"
        case detectedDateFormat = "detected_date_format"
    }
}

/// Checks a data set file against its ``FileSchema``.
public enum TableProfiler {
    /// Files smaller than this are read on one thread.
    static let minimumParallelBytes = 4 << 20

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
        let setup = try ProfileSetup(
            path: path, schema: schema, delimiter: delimiter, encoding: encoding, dateFormat: dateFormat,
            knownCustomers: knownCustomers, observationEnd: observationEnd, columns: columns)
        var part = ProfilePart(setup: setup)
        if let visit {
            try part.scan(setup.reader, setup: setup, quarantine: quarantine, visits: true, visit: visit)
        } else {
            try part.scan(setup.reader, setup: setup, quarantine: quarantine, visits: false) { _ in }
        }
        return try part.finish(setup: setup)
    }

    /// Profiles `path` as ``profile(path:schema:delimiter:encoding:dateFormat:knownCustomers:observationEnd:quarantine:columns:visit:)``
    /// does, reading a large UTF-8 file on two threads: the file is split at a record boundary
    /// (the first line break past the middle outside quotes), each half is checked by its own
    /// thread with its own `State` from `makeState`, and the report is merged in file order.
    ///
    /// The report and the quarantined rows (in file order) are exactly those of one pass. The
    /// halves do not probe a table of seen rows per row (a cache miss each, the largest cost of
    /// a read); they keep every row's hash and check them all at once at the end. When any row
    /// repeats, the file is read again on one thread with the row-by-row check, so that the
    /// first copy is kept and later ones are set aside: files with exact duplicate rows cost a
    /// second read.
    /// - Parameters:
    ///   - makeState: a fresh state for part `k` (0, 1; 0 for a one-thread read).
    ///   - visit: called with each accepted row and its part's state. The two parts call it at
    ///     the same time from two threads: it must touch nothing but its state.
    /// - Returns: the report, and the states in file order (one or two).
    public static func profile<State>(
        path: String, schema: FileSchema, delimiter: UInt8? = nil, encoding: TextEncoding? = nil,
        dateFormat: String? = nil, knownCustomers: IdentifierTable? = nil, observationEnd: CalendarDay? = nil,
        quarantine: QuarantineSink? = nil, columns: [String: String] = [:], parallel: Bool = true,
        makeState: (Int) -> State, visit: (inout State, TableRow) throws -> Void
    ) throws -> (report: TableFileReport, states: [State]) {
        try profile(path: path, schema: schema, delimiter: delimiter, encoding: encoding, dateFormat: dateFormat,
                    knownCustomers: knownCustomers, observationEnd: observationEnd, quarantine: quarantine,
                    columns: columns, parallel: parallel, splitAt: nil, makeState: makeState, visit: visit)
    }

    /// `splitAt` (tests): split at the first record boundary at or after this file offset, whatever the file's size.
    /// `rowHashMask` (tests): ANDed into every row's hash, to make different rows collide.
    static func profile<State>(
        path: String, schema: FileSchema, delimiter: UInt8? = nil, encoding: TextEncoding? = nil,
        dateFormat: String? = nil, knownCustomers: IdentifierTable? = nil, observationEnd: CalendarDay? = nil,
        quarantine: QuarantineSink? = nil, columns: [String: String] = [:], parallel: Bool, splitAt: Int?,
        rowHashMask: UInt64 = .max, makeState: (Int) -> State, visit: (inout State, TableRow) throws -> Void
    ) throws -> (report: TableFileReport, states: [State]) {
        var setup = try ProfileSetup(
            path: path, schema: schema, delimiter: delimiter, encoding: encoding, dateFormat: dateFormat,
            knownCustomers: knownCustomers, observationEnd: observationEnd, columns: columns)
        setup.rowHashMask = rowHashMask
        func oneThread() throws -> (report: TableFileReport, states: [State]) {
            let reader = setup.reader
            var state = makeState(0)
            var part = ProfilePart(setup: setup)
            try part.scan(reader, setup: setup, quarantine: quarantine) { row in try visit(&state, row) }
            return (try part.finish(setup: setup), [state])
        }
        // The customers file's checks (one id, two names) follow ids across the whole file.
        guard parallel, schema.name != FileSchema.customers.name, let fileSize = setup.reader.fileSize else { return try oneThread() }
        let (first, second) = try TransactionLoader.splitPoint(
            reader: setup.reader, fileSize: fileSize, minimumBytes: splitAt == nil ? minimumParallelBytes : 1, at: splitAt)
        guard let first, let second else { return try oneThread() }

        let results = ParallelResults<Result<(ProfilePart, State, QuarantineMemory), any Error>>(count: 2)
        let delimiter = setup.reader.delimiter
        try withoutActuallyEscaping(makeState) { makeState in
            try withoutActuallyEscaping(visit) { visit in
                let box = UncheckedBox((setup: setup, makeState: makeState, visit: visit))
                DispatchQueue.concurrentPerform(iterations: 2) { k in
                    results.set(k, Result {
                        let range = k == 0 ? first : second
                        let reader = try CSVReader(path: path, delimiter: delimiter, range: range.bytes, firstLine: range.line)
                        let sink = QuarantineMemory()
                        var state = box.value.makeState(k)
                        var part = ProfilePart(setup: box.value.setup, expectedBytes: range.bytes.count, deferDuplicates: true)
                        try part.scan(reader, setup: box.value.setup, quarantine: sink) { row in try box.value.visit(&state, row) }
                        return (part, state, sink)
                    })
                }
                _ = try results.value(0).get()
                _ = try results.value(1).get()
            }
        }
        let (firstPart, stateOne, sinkOne) = try results.value(0).get()
        let (two, stateTwo, sinkTwo) = try results.value(1).get()
        results.clear()
        // A row of the second half whose first copy is in the first half: it was counted (and
        // visited) as new. Rare; read the whole file on one thread instead.
        // The halves deferred the duplicate check: each kept the hash of every row. When any
        // hash repeats (within a half or across: a repeated row, or two rows that merely share
        // a hash), the file is read again on one thread with the exact check row by row, so the
        // first copy is kept and every later one set aside.
        if RowHashes.containsDuplicate([firstPart.rowHashes, two.rowHashes]) { return try oneThread() }
        var one = firstPart
        one.merge(two)
        if let quarantine {
            for row in sinkOne.rows { try quarantine.record(row) }
            for row in sinkTwo.rows { try quarantine.record(row) }
        }
        return (try one.finish(setup: setup), [stateOne, stateTwo])
    }
}

/// What profiling a file needs before its first row: the header, the column mapping, the
/// checks of each present column as plain values (the row loop copies no ColumnSpec: its
/// strings and sets would cost a retain and release per cell), the date parser.
struct ProfileSetup {
    /// The reader of the whole file, past its header.
    let reader: CSVReader
    let path: String
    let schema: FileSchema
    let header: [String]
    let mapping: ColumnMapping
    let template: TableFileReport
    let present: [(ColumnSpec, Int)]
    let parser: DateParser
    /// The date format given (nil: read without one).
    let dateFormat: String?
    let customerColumn: Int?
    let nameColumn: Int?
    let isCustomersFile: Bool
    let knownCustomers: IdentifierTable?
    let observationEnd: CalendarDay?
    /// Schema role → position among the present columns (the row's parsed values).
    let slots: [String: Int]
    let checkIndex: [Int]
    let checkRequired: [Bool]
    let checkName: [String]
    /// 0 text, 1 date, 2 number, 3 category with allowed values, 4 identifier (no control characters).
    let checkKind: [UInt8]
    let checkRange: [ClosedRange<Double>?]
    let checkInteger: [Bool]
    /// Whole-number columns with a finite scale (NPS 0–10, CSAT 1–5): the scale as integers,
    /// so a cell of plain digits is checked without a floating-point parse; nil otherwise.
    let checkWholeScale: [ClosedRange<Int>?]
    /// Pairs of present date columns (positions) that must not go backwards.
    let orderedSlots: [(earlier: Int, later: Int)]
    /// Whether any present column is a date.
    let hasDates: Bool
    /// Tests: ANDed into every row's hash (all ones otherwise), so that a narrow mask makes
    /// different rows collide.
    var rowHashMask: UInt64 = .max

    init(path: String, schema: FileSchema, delimiter: UInt8?, encoding: TextEncoding?, dateFormat: String?,
         knownCustomers: IdentifierTable?, observationEnd: CalendarDay?, columns: [String: String]) throws {
        let reader = try CSVReader(path: path, delimiter: delimiter, encoding: encoding)
        try reader.readHeader(expecting: schema.columns.filter(\.required).map(\.role.name).joined(separator: ", "))
        let headerLine = reader.line
        let header = reader.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let mapping = try ColumnMapping(header: header, roles: schema.columns.map(\.role), overrides: columns, file: path, line: headerLine)
        let missingRequired = schema.columns.filter { $0.required && mapping[$0.role] == nil }.map(\.role.name)
        guard missingRequired.isEmpty else {
            throw ColumnMappingError(
                file: path,
                message: "line \(headerLine): no column for \(missingRequired.joined(separator: ", ")) (a \(schema.name) file needs it); the header has: \(header.joined(separator: ", "))")
        }
        var columnNames: [String: String] = [:]
        for (role, index) in mapping.indexes { columnNames[role] = header[index] }
        var template = TableFileReport(
            file: path, kind: schema.name, encoding: reader.encoding.rawValue, columns: columnNames,
            missingColumns: schema.columns.filter { mapping[$0.role] == nil }.map(\.role.name))
        let present = schema.columns.compactMap { spec in mapping[spec.role].map { (spec, $0) } }
        var parser = try dateFormat.map { try DateParser(pattern: $0) } ?? DateParser()
        if dateFormat == nil {
            let dateColumns = present.filter { $0.0.kind == .date }.map(\.1)
            if let first = dateColumns.first {
                parser = try DateParser.automatic(
                    samples: TransactionLoader.sampleColumn(
                        path: path, options: TransactionIngestOptions(delimiter: delimiter, encoding: encoding),
                        column: first, limit: 5000))
                DetectedDateFormats.announce(parser, file: path, column: header[first])
                if parser.readsExcelSerials { template.detectedDateFormat = DateParser.excelFormat }
            }
        }
        self.template = template
        self.reader = reader
        self.path = path
        self.schema = schema
        self.header = header
        self.mapping = mapping
        self.present = present
        self.parser = parser
        self.dateFormat = dateFormat
        self.knownCustomers = knownCustomers
        self.observationEnd = observationEnd
        customerColumn = mapping[.customerID]
        nameColumn = mapping.indexes["name"]
        isCustomersFile = schema.name == FileSchema.customers.name
        var slots: [String: Int] = [:]
        for (k, (spec, _)) in present.enumerated() { slots[spec.role.name] = k }
        self.slots = slots
        checkIndex = present.map(\.1)
        checkRequired = present.map(\.0.required)
        checkName = present.map(\.0.role.name)
        checkKind = present.map {
            switch $0.0.kind {
            case .text: 0
            case .identifier: 4
            case .date: 1
            case .number: 2
            case .category(let allowed): allowed == nil ? 0 : 3
            }
        }
        checkRange = present.map { if case .number(let range, _) = $0.0.kind { range } else { nil } }
        checkInteger = present.map { if case .number(_, let integer) = $0.0.kind { integer } else { false } }
        checkWholeScale = present.map { column in
            guard case .number(let range?, true) = column.0.kind, range.lowerBound >= 0, range.upperBound < 1e6 else { return nil }
            return Int(range.lowerBound.rounded(.up))...Int(range.upperBound.rounded(.down))
        }
        // A pair is checked once per row, at its first pair whose two dates are there (as the
        // schema lists them); pairs with a column the file lacks never apply.
        orderedSlots = schema.orderedDates.compactMap { order in
            guard let a = slots[order.earlier], let b = slots[order.later] else { return nil }
            return (a, b)
        }
        hasDates = checkKind.contains(1)
    }
}

/// The counts of one part of a file (all of it on one thread), merged in file order.
struct ProfilePart {
    var report: TableFileReport
    var emptyCounts: [Int]
    var seenRows: SeenRows
    /// With deferred duplicates: the hash of every row; the caller checks them all at once
    /// (``RowHashes/containsDuplicate(_:)``, cache-friendly) instead of probing a large table at
    /// random per row.
    var rowHashes = RowHashBuckets()
    let deferDuplicates: Bool
    // customers file: each id's first name (hash), to spot one id with two names.
    var idsSeen = IdentifierTable()
    var firstNameHash: [UInt64] = []
    var conflicted: [Bool] = []

    init(setup: ProfileSetup, expectedBytes: Int? = nil, deferDuplicates: Bool = false) {
        report = setup.template
        emptyCounts = [Int](repeating: 0, count: setup.present.count)
        let expected = min((expectedBytes ?? setup.reader.fileSize ?? 0) / 40, 100_000_000)
        self.deferDuplicates = deferDuplicates
        seenRows = SeenRows(expected: deferDuplicates ? 0 : expected, keepsCopies: setup.reader.encoding != .utf8,
                            hashMask: setup.rowHashMask)
    }

    /// Adds the counts of the part that follows this one.
    mutating func merge(_ next: ProfilePart) {
        report.rowsRead += next.report.rowsRead
        report.blankLines += next.report.blankLines
        report.accepted += next.report.accepted
        report.duplicates += next.report.duplicates
        for (key, count) in next.report.rejected { report.rejected[key, default: 0] += count }
        report.afterObservationEnd += next.report.afterObservationEnd
        report.unknownCustomers += next.report.unknownCustomers
        report.datesOutOfOrder += next.report.datesOutOfOrder
        report.conflictingNames += next.report.conflictingNames
        report.repeatedIDs += next.report.repeatedIDs
        report.examples += next.report.examples.prefix(max(0, 20 - report.examples.count))
        for k in emptyCounts.indices { emptyCounts[k] += next.emptyCounts[k] }
    }

    /// The report, with the empty cells per column.
    /// - Throws: ``UnreadableDatesError`` when the date format given reads none of the file's dates.
    func finish(setup: ProfileSetup) throws -> TableFileReport {
        if let format = setup.dateFormat,
           setup.present.contains(where: { $0.0.kind == .date && self.report.rejected["unparseable_\($0.0.role.name)", default: 0] > 0 }) {
            try DateFormatCheck.requireSomeDateRead(
                path: setup.path, delimiter: setup.reader.delimiter, encoding: setup.reader.encoding, fieldCount: setup.header.count,
                columns: setup.present.filter { $0.0.kind == .date }.map { ($0.1, setup.header[$0.1]) },
                format: format, setting: nil, parser: setup.parser)
        }
        var report = report
        for (k, count) in emptyCounts.enumerated() where count > 0 { report.emptyCells[setup.checkName[k], default: 0] += count }
        return report
    }

    /// Checks every record `reader` has left.
    /// - Parameter visits: false when `visit` does nothing (no row is built for it).
    mutating func scan(_ reader: CSVReader, setup: ProfileSetup, quarantine: QuarantineSink?, visits: Bool = true,
                       visit: (TableRow) throws -> Void) throws {
        let path = setup.path
        let header = setup.header
        let present = setup.present
        let checkIndex = setup.checkIndex
        let checkRequired = setup.checkRequired
        let checkKind = setup.checkKind
        let checkRange = setup.checkRange
        let checkInteger = setup.checkInteger
        let checkWholeScale = setup.checkWholeScale
        var dates = DateCache()
        // Held here: reaching it through `self` per row cost a retain and a release.
        let rowHashes = self.rowHashes
        let orderedSlots = setup.orderedSlots
        let observationEnd = setup.observationEnd.map { Double($0.ordinal) }
        let checkDates = setup.hasDates && (observationEnd != nil || !orderedSlots.isEmpty)
        let parser = setup.parser
        let customerColumn = setup.customerColumn
        let knownCustomers = setup.knownCustomers
        let fieldCount = header.count
        // Parsed value of each present column: a number, a day ordinal, or NaN.
        let values = UnsafeMutablePointer<Double>.allocate(capacity: max(1, present.count))
        values.initialize(repeating: .nan, count: max(1, present.count))
        defer { values.deallocate() }
        let context = TableRowContext(header: header, mapping: setup.mapping, slots: setup.slots)

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
            if reader.fieldCount != fieldCount {
                try reject("wrong_field_count", "expected \(fieldCount) fields as in the header, found \(reader.fieldCount)", column: nil)
                continue
            }
            let hash = reader.withRawRecord { IdentifierTable.hash($0) }
            if deferDuplicates {
                rowHashes.append(hash & seenRows.hashMask)
            } else if try seenRows.isRepeat(reader, hash: hash) {
                report.duplicates += 1
                try setAside("exact duplicate of an earlier row", column: nil)
                continue
            }
            var emptyMask: UInt64 = 0
            for k in 0..<checkIndex.count {
                values[k] = .nan
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
                case 4:
                    if let control = reader.withField(index, { TransactionLoader.controlCharacter(in: TransactionLoader.trimmed($0)) }) {
                        let name = present[k].0.role.name
                        try reject("invalid_\(name)", TransactionLoader.controlCharacterReason(name, control), column: index)
                        continue rows
                    }
                case 1:
                    let parsed = reader.withField(index, { dates.day($0, parser: parser) })
                    guard let day = parsed, day >= TransactionLoader.earliestPlausibleDay else {
                        let name = present[k].0.role.name
                        let reason = parsed.map { "date \($0.iso) in \(name) is before 1900-01-01: a typing error?" }
                            ?? "unparseable date \"\(reader.string(index))\" in \(name)"
                        try reject("unparseable_\(name)", reason, column: index)
                        continue rows
                    }
                    values[k] = Double(day.ordinal)
                case 2:
                    if let scale = checkWholeScale[k],
                       let whole = reader.withField(index, { WholeNumber.parse(TransactionLoader.trimmed($0)) }),
                       scale.contains(whole) {
                        // Plain digits within the scale: what the general check below accepts,
                        // with the same value, at a fraction of its cost.
                        values[k] = Double(whole)
                        continue
                    }
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
            if checkDates {
                if let end = observationEnd, checkKind.indices.contains(where: { checkKind[$0] == 1 && values[$0] > end }) {
                    report.afterObservationEnd += 1
                }
                for (a, b) in orderedSlots where !values[a].isNaN && !values[b].isNaN && values[b] < values[a] {
                    report.datesOutOfOrder += 1
                    break
                }
            }
            if let customerColumn {
                if let knownCustomers {
                    let known = reader.withField(customerColumn) { knownCustomers.find(TransactionLoader.trimmed($0)) != nil }
                    if !known { report.unknownCustomers += 1 }
                }
                if setup.isCustomersFile {
                    let id = Int(reader.withField(customerColumn) { idsSeen.intern(TransactionLoader.trimmed($0)) })
                    let nameHash = setup.nameColumn.map { column in reader.withField(column) { IdentifierTable.hash(TransactionLoader.trimmed($0)) } } ?? 0
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
            if visits {
                try withExtendedLifetime(context) {
                    try visit(TableRow(reader: reader, context: context, values: values))
                }
            }
        }
    }
}

/// Plain whole numbers straight from the bytes of a cell.
enum WholeNumber {
    /// The value of one to six ASCII digits; nil for anything else (a sign, a decimal point,
    /// other text), which the general number check handles.
    @inline(__always)
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard bytes.count > 0 && bytes.count <= 6 else { return nil }
        var value = 0
        for b in bytes {
            let digit = b &- 0x30
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int(digit)
        }
        return value
    }
}

/// Recently parsed date cells, so a date that repeats (files sorted by date, or a few hundred
/// days over a million rows) is parsed once: a direct-mapped cache of ten-byte cells
/// (`2024-03-05`) and their days. The slot comes from the last digit of the year, the month and
/// the day, so the dates of any ten years have a slot each; a hit compares the cell's bytes
/// exactly, so the result is always the parser's own.
struct DateCache {
    private struct Entry {
        var key: UInt64 = 0
        var tail: UInt16 = 0
        var filled = false
        var ordinal: Int32 = 0
    }
    private static let size = 4096
    private var entries = [Entry](repeating: Entry(), count: DateCache.size)

    /// The day of `cell` as `parser` reads it; nil when it is not a date.
    @inline(__always)
    mutating func day(_ cell: UnsafeBufferPointer<UInt8>, parser: DateParser) -> CalendarDay? {
        guard cell.count == 10, let base = cell.baseAddress else { return parse(cell, parser: parser) }
        let raw = UnsafeRawPointer(base)
        let key = raw.loadUnaligned(as: UInt64.self)
        let tail = raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)
        // yyyy-MM-dd: (year mod 10) × 372 + month × 31 + day < 4096 for a valid date; other
        // bytes land anywhere in the table (masked), and the key check keeps them apart.
        func digit(_ k: Int) -> Int { Int(base[k] &- 0x30) }
        let slot = (digit(3) &* 372 &+ (digit(5) &* 10 &+ digit(6)) &* 31 &+ digit(8) &* 10 &+ digit(9)) & (Self.size - 1)
        let hit = entries.withUnsafeBufferPointer { entries -> Int32? in
            let entry = entries[slot]
            return entry.filled && entry.key == key && entry.tail == tail ? entry.ordinal : nil
        }
        if let hit { return CalendarDay(ordinal: hit) }
        return miss(cell, parser: parser, slot: slot, key: key, tail: tail)
    }

    /// ``day(_:parser:)`` of a cell the cache does not keep (not 10 bytes long).
    @inline(never)
    private func parse(_ cell: UnsafeBufferPointer<UInt8>, parser: DateParser) -> CalendarDay? {
        parser.parse(cell)
    }

    /// ``day(_:parser:)`` of a cell not in the cache: parsed, and kept in slot `slot`.
    @inline(never)
    private mutating func miss(_ cell: UnsafeBufferPointer<UInt8>, parser: DateParser, slot: Int, key: UInt64, tail: UInt16) -> CalendarDay? {
        guard let day = parser.parse(cell) else { return nil }
        entries[slot] = Entry(key: key, tail: tail, filled: true, ordinal: day.ordinal)
        return day
    }
}

/// The hashes of the rows seen so far, to spot exact duplicates: open addressing with linear
/// probing over hashes that are already well mixed (``IdentifierTable/hash(_:)``), so no second
/// hashing per row as `Set<UInt64>` would do. A slot holds the low 32 bits of a row's hash and
/// the row's number (one word, as a bare hash took), so that a match can be checked on the row
/// itself.
///
/// Equal tags are only a candidate: the caller's `isSame` compares the rows' bytes, and a row
/// that differs (a collision, about n²/2³³ pairs among n rows, each costing a comparison) gets
/// a slot of its own further along the probe sequence.
///
/// A million rows make a table of 16 MB probed at random: each probe is a cache miss and, with
/// 4 KB pages, a TLB miss too. The table is mapped with transparent huge pages where the system
/// allows it (Linux `madvise`), which removes most of the TLB misses.
struct RowHashSet {
    private var table: HashSlots
    private var mask: Int
    private var count = 0

    init(expected: Int) {
        var capacity = 1024
        while capacity < expected * 2 { capacity <<= 1 }
        table = HashSlots(count: capacity)
        mask = capacity - 1
    }

    /// Inserts row number `row` (below 2³² − 1) of hash `hash`, unless a row with the same low
    /// 32 bits of hash for which `isSame` (given that row's number) is true is there already;
    /// false then.
    @inline(__always)
    mutating func insert(_ hash: UInt64, row: Int, isSame: (Int) throws -> Bool) rethrows -> Bool {
        precondition(row < Int(UInt32.max), "more than 4 billion rows")
        // The low half holds the row's number + 1, so 0 marks an empty slot.
        let tag = hash << 32
        if (count + 1) * 2 > table.count { grow() }
        let slots = table.base
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[i]
            if slot == 0 {
                slots[i] = tag | UInt64(row + 1)
                count += 1
                return true
            }
            if slot & 0xFFFF_FFFF_0000_0000 == tag, try isSame(Int(slot & 0xFFFF_FFFF) - 1) { return false }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let old = table
        table = HashSlots(count: old.count * 2)
        mask = table.count - 1
        for k in 0..<old.count {
            let slot = old.base[k]
            guard slot != 0 else { continue }
            var i = Int(truncatingIfNeeded: slot >> 32) & mask
            while table.base[i] != 0 { i = (i + 1) & mask }
            table.base[i] = slot
        }
    }
}

/// Duplicate detection over all row hashes at once. Each part of a file groups its rows' keys by
/// their top bits into ``RowHashBuckets`` as it reads them (so there is no partition pass of its
/// own), and each bucket is then checked with a small open-addressing table that stays in cache.
///
/// The check runs on two threads, each taking half of the buckets (a bucket gathers its keys
/// from every part). The answer is the same as one thread's: a repeat always falls in one bucket.
enum RowHashes {
    /// Whether any hash occurs twice in `parts` (taken together).
    static func containsDuplicate(_ parts: [RowHashBuckets]) -> Bool {
        let total = parts.reduce(0) { $0 + $1.total }
        guard total > 1 else { return false }
        let found = ParallelResults<Bool>(count: 2)
        let shared = UncheckedBox(parts)
        let half = RowHashBuckets.bucketCount / 2
        DispatchQueue.concurrentPerform(iterations: 2) { h in
            found.set(h, repeats(in: shared.value, buckets: h == 0 ? 0..<half : half..<RowHashBuckets.bucketCount))
        }
        for h in 0..<2 {
            guard let repeated = try? found.value(h) else { return oneThreadCheck(parts) }
            if repeated { return true }
        }
        return false
    }

    /// ``containsDuplicate(_:)`` of hashes in lists (one part each).
    static func containsDuplicate(_ lists: [[UInt64]]) -> Bool {
        containsDuplicate(lists.map { list in
            let buckets = RowHashBuckets()
            for h in list { buckets.append(h) }
            return buckets
        })
    }

    /// The key a hash is stored as: a zero hash counts as ``RowHashSet`` counts it (as the same
    /// key as its stand-in), so that zero can mark an empty slot.
    @inline(__always)
    static func key(_ h: UInt64) -> UInt64 { h == 0 ? 0x9E37_79B9_7F4A_7C15 : h }

    /// Whether a key repeats within any bucket of `range`, over all parts' keys of it.
    static func repeats(in parts: [RowHashBuckets], buckets range: Range<Int>) -> Bool {
        var largest = 0
        for b in range { largest = max(largest, parts.reduce(0) { $0 + $1.count(bucket: b) }) }
        var size = 16
        while size < largest * 2 { size <<= 1 }
        var table = [UInt64](repeating: 0, count: size)
        return table.withUnsafeMutableBufferPointer { slots in
            for b in range {
                let count = parts.reduce(0) { $0 + $1.count(bucket: b) }
                guard count > 1 else { continue }
                var capacity = 16
                while capacity < count * 2 { capacity <<= 1 }
                let mask = capacity - 1
                for i in 0..<capacity { slots[i] = 0 }
                for part in parts {
                    let repeated = part.forEachRun(bucket: b) { keys in
                        for k in keys {
                            var i = Int(truncatingIfNeeded: k) & mask
                            while true {
                                let slot = slots[i]
                                if slot == 0 { slots[i] = k; break }
                                if slot == k { return true }
                                i = (i + 1) & mask
                            }
                        }
                        return false
                    }
                    if repeated { return true }
                }
            }
            return false
        }
    }

    /// The same answer on the calling thread (should a task have produced no result).
    static func oneThreadCheck(_ parts: [RowHashBuckets]) -> Bool {
        var seen = Set<UInt64>()
        for part in parts {
            for b in 0..<RowHashBuckets.bucketCount {
                let repeated = part.forEachRun(bucket: b) { keys in keys.contains { !seen.insert($0).inserted } }
                if repeated { return true }
            }
        }
        return false
    }
}

/// The row hashes of one part of a file as keys (``RowHashes/key(_:)``), grouped by their top
/// bits into ``bucketCount`` buckets as they are added: each bucket is a list of chunks of
/// ``chunkSize`` keys, taken as it fills. Adding a key costs a store and a count, and the
/// duplicate check reads each bucket from every part. Used by one thread at a time.
final class RowHashBuckets {
    static let bucketBits = 8
    static let bucketCount = 1 << bucketBits
    static let chunkSize = 512
    /// Per bucket: its chunks, the last one being filled.
    private var chunks: [[UnsafeMutablePointer<UInt64>]]
    /// Per bucket: where its next key goes (nil before its first chunk, when `room` is zero).
    private let cursor: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?>
    /// Per bucket: the free slots left in its last chunk.
    private let room: UnsafeMutablePointer<Int>
    /// The keys added.
    private(set) var total = 0

    init() {
        chunks = Array(repeating: [], count: Self.bucketCount)
        room = .allocate(capacity: Self.bucketCount)
        room.initialize(repeating: 0, count: Self.bucketCount)
        cursor = .allocate(capacity: Self.bucketCount)
        cursor.initialize(repeating: nil, count: Self.bucketCount)
    }

    deinit {
        for list in chunks { for chunk in list { chunk.deallocate() } }
        room.deallocate()
        cursor.deallocate()
    }

    /// Adds the key of row hash `hash`.
    @inline(__always)
    func append(_ hash: UInt64) {
        let key = RowHashes.key(hash)
        let b = Int(truncatingIfNeeded: key >> UInt64(64 - Self.bucketBits))
        if room[b] == 0 { newChunk(b) }
        let slot = cursor[b].unsafelyUnwrapped
        slot.pointee = key
        cursor[b] = slot + 1
        room[b] &-= 1
        total &+= 1
    }

    @inline(never)
    private func newChunk(_ b: Int) {
        let chunk = UnsafeMutablePointer<UInt64>.allocate(capacity: Self.chunkSize)
        chunks[b].append(chunk)
        cursor[b] = chunk
        room[b] = Self.chunkSize
    }

    /// The keys in bucket `b`.
    func count(bucket b: Int) -> Int {
        chunks[b].count * Self.chunkSize - room[b]
    }

    /// Calls `body` with each run of bucket `b`'s keys, in the order they were added, until it
    /// returns true; whether it did.
    func forEachRun(bucket b: Int, _ body: (UnsafeBufferPointer<UInt64>) -> Bool) -> Bool {
        let list = chunks[b]
        for (i, chunk) in list.enumerated() {
            let n = i == list.count - 1 ? Self.chunkSize - room[b] : Self.chunkSize
            if body(UnsafeBufferPointer(start: chunk, count: n)) { return true }
        }
        return false
    }
}

/// Zeroed slots of a ``RowHashSet``: an anonymous memory map (zero pages, huge pages advised)
/// on Linux, an allocation elsewhere.
final class HashSlots {
    let base: UnsafeMutablePointer<UInt64>
    let count: Int
    private let mapped: Bool

    init(count: Int) {
        self.count = count
        #if canImport(Glibc)
        let bytes = count * MemoryLayout<UInt64>.stride
        if let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
           p != UnsafeMutableRawPointer(bitPattern: -1) {
            _ = madvise(p, bytes, MADV_HUGEPAGE)
            base = p.bindMemory(to: UInt64.self, capacity: count)
            mapped = true
            return
        }
        #endif
        base = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
        base.initialize(repeating: 0, count: count)
        mapped = false
    }

    deinit {
        #if canImport(Glibc)
        if mapped {
            munmap(base, count * MemoryLayout<UInt64>.stride)
            return
        }
        #endif
        base.deallocate()
    }
}

/// One accepted row of a data set file, handed to the `visit` closure of
/// ``TableProfiler/profile(path:schema:delimiter:encoding:dateFormat:knownCustomers:observationEnd:quarantine:visit:)``.
///
/// Columns are named by their schema role (`customer_id`, `created_at`, `nps`, ...), whatever the
/// file's header calls them; columns outside the schema are reached by header name.
public struct TableRow {
    // Unowned views of the scan's state, alive for the whole call to `visit`: building a row
    // costs no retain or release (five per row were a tenth of a surveys read).
    unowned(unsafe) let reader: CSVReader
    unowned(unsafe) let context: TableRowContext
    let values: UnsafeMutablePointer<Double>

    /// The file's header, trimmed.
    public var header: [String] { context.header }
    var mapping: ColumnMapping { context.mapping }
    var slots: [String: Int] { context.slots }

    /// Line of the row in its file (1 = the header).
    public var line: Int { reader.line }

    /// The trimmed text of a schema column; nil when the file lacks the column or the cell is empty.
    public func text(_ role: String) -> String? {
        guard let index = context.mapping.indexes[role] else { return nil }
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
        guard let k = context.slots[role], !values[k].isNaN else { return nil }
        return CalendarDay(ordinal: Int32(values[k]))
    }

    /// The position of a schema column among the row's parsed values, for ``number(slot:)`` and
    /// ``day(slot:)`` in hot loops (no lookup by name per row); nil when the file lacks the column.
    public func slot(_ role: String) -> Int? { context.slots[role] }

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
        guard let k = context.slots[role], !values[k].isNaN else { return nil }
        return values[k]
    }
}

/// What every ``TableRow`` of a file shares.
final class TableRowContext {
    let header: [String]
    let mapping: ColumnMapping
    let slots: [String: Int]

    init(header: [String], mapping: ColumnMapping, slots: [String: Int]) {
        self.header = header
        self.mapping = mapping
        self.slots = slots
    }
}

/// Plain number text for messages: integers without a decimal point.
public enum NumberText {
    /// `v` as text, without a decimal point when it is a whole number.
    public static func plain(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}
