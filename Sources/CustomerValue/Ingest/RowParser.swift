import Foundation

/// A byte range of a file and the line number of its first byte.
struct FileRange: Sendable {
    var bytes: Range<Int>
    var line: Int
}

/// What parsing (part of) a transactions file produced: the rows, their customers, and the
/// row counts of the first pass.
struct ParsedRows {
    var rows = RowColumns()
    var ids: IdentifierTable
    var rowsRead = 0
    var blankLines = 0
    var rejected: [String: Int] = [:]
    var cancelled = 0
    var afterObservationEnd = 0
    var returnsDropped = 0
    var returnsDroppedAmount = 0.0
    var examples: [RejectedRow] = []
    var minDay = Int32.max
    var maxDay = Int32.min
    /// Rows whose order key is their line number although the file has order ids (an empty id).
    var lineKeyedRows: [Int32] = []
    /// Sum of words loaded ahead of id lookups (see ``PendingIDs``); kept only so that those
    /// loads are not optimised away.
    var touchedSlots: UInt64 = 0
    /// Once `rows` holds this many rows, they are moved to `spill` (see
    /// ``TransactionIngestOptions/rowBudget``).
    var rowLimit = Int.max
    /// The rows moved out of memory, in file order; nil while every row is in `rows`.
    var spill: RowSpillFile?

    /// - Parameters:
    ///   - expectedRows: rows to reserve room for.
    ///   - expectedCustomers: distinct ids to size the id table for (a third of the rows by default),
    ///     at most ``initialIdentifierCapacity``.
    init(expectedRows: Int, expectedCustomers: Int? = nil) {
        rows.reserve(min(expectedRows, 200_000_000))
        let expected = min(Self.initialIdentifierCapacity, expectedCustomers ?? expectedRows / 3)
        ids = IdentifierTable(expectedCount: max(1 << 12, expected))
    }

    /// The most ids the id table is sized for before any is read (about 50 MB of slots). The
    /// file's size says how many rows it has, not how many customers: a few customers who buy
    /// often would otherwise get a table sized for millions, and memory would grow with rows.
    /// Beyond this the table grows as ids arrive (doubling, so a customer costs O(1) amortised).
    static let initialIdentifierCapacity = 1 << 20

    /// Appends `next`, which comes after `self` in the file: its customers are renumbered so
    /// that indexes stay in order of first appearance in the whole file, and its line numbers
    /// (counted from 1 at its first byte when it was read on its own) are shifted by `lineOffset`.
    /// `allRowsLineKeyed`: the file has no order id column, so every order key is a line number.
    mutating func append(_ next: ParsedRows, lineOffset: Int = 0, allRowsLineKeyed: Bool = false) {
        let mapping = internIdentifiers(of: next)
        let base = rows.count
        rows.append(next.rows, customers: mapping, lineOffset: lineOffset,
                    lineKeyed: allRowsLineKeyed ? nil : next.lineKeyedRows)
        for i in next.lineKeyedRows { lineKeyedRows.append(Int32(base) + i) }
        addCounts(of: next, lineOffset: lineOffset)
    }

    /// Moves the rows in memory to the end of `spill` (created on first use).
    /// - Throws: ``InputError`` when the temporary file cannot be written.
    mutating func spillRows() throws {
        let file = try spill ?? RowSpillFile()
        spill = file
        try file.append(rows, range: 0..<rows.count, lineKeyed: lineKeyedRows)
        rows.removeAll()
        lineKeyedRows.removeAll(keepingCapacity: true)
    }

    /// Adds the customer ids of `next` (which comes after `self` in the file) to this table, in
    /// order of first appearance.
    /// - Returns: the index here of each of `next`'s customers.
    mutating func internIdentifiers(of next: ParsedRows) -> [Int32] {
        var mapping = [Int32](repeating: 0, count: next.ids.count)
        // Batches of touches ahead of the interns, as in PendingIDs.
        var hashes = [UInt64](repeating: 0, count: PendingIDs.capacity)
        var batch = 0
        while batch < next.ids.count {
            let upper = min(next.ids.count, batch + PendingIDs.capacity)
            for k in batch..<upper {
                let h = next.ids.withBytes(at: k) { IdentifierTable.hash($0) }
                hashes[k - batch] = h
                touchedSlots &+= ids.touch(hash: h)
            }
            for k in batch..<upper {
                mapping[k] = next.ids.withBytes(at: k) { ids.intern($0, hash: hashes[k - batch]) }
            }
            batch = upper
        }
        return mapping
    }

    /// Adds the counts and examples of `next` (which comes after `self` in the file, its line
    /// numbers shifted by `lineOffset`), and its range of days.
    mutating func addCounts(of next: ParsedRows, lineOffset: Int) {
        rowsRead += next.rowsRead
        blankLines += next.blankLines
        for (reason, n) in next.rejected { rejected[reason, default: 0] += n }
        cancelled += next.cancelled
        afterObservationEnd += next.afterObservationEnd
        returnsDropped += next.returnsDropped
        returnsDroppedAmount += next.returnsDroppedAmount
        examples += next.examples.prefix(max(0, 20 - examples.count)).map { row in
            var shifted = row
            shifted.line += lineOffset
            return shifted
        }
        minDay = min(minDay, next.minDay)
        maxDay = max(maxDay, next.maxDay)
    }

    func addCounts(to report: inout TransactionFileReport) {
        report.rowsRead += rowsRead
        report.blankLines += blankLines
        for (reason, n) in rejected { report.rejected[reason, default: 0] += n }
        report.cancelled += cancelled
        report.afterObservationEnd += afterObservationEnd
        report.returns.dropped += returnsDropped
        report.returns.amount += returnsDroppedAmount
        report.examples += examples
    }
}

/// The first pass over the rows of a transactions file: parses and checks each row, sets aside
/// the ones that cannot be used (with line and reason), and stores the rest in compact columns.
struct RowParser: Sendable {
    let path: String
    let options: TransactionIngestOptions
    let fieldCount: Int
    let customerColumn: Int
    let dateColumn: Int
    let amountColumn: Int?
    let quantityColumn: Int?
    let priceColumn: Int?
    let orderColumn: Int?
    let statusColumn: Int?
    let header: [String]
    let dateParser: DateParser

    /// Parses every record `reader` has left into `out`.
    func parse(_ reader: CSVReader, into out: inout ParsedRows, quarantine: QuarantineSink?, progress: ((Int, Int?) -> Void)?) throws {
        let customerName = header[customerColumn]
        let dateName = header[dateColumn]
        let amountName = amountColumn.map { header[$0] } ?? "\(header[quantityColumn ?? 0]) × \(header[priceColumn ?? 0])"
        let cutoff = options.observationEnd ?? options.latestPlausibleDay
        let cutoffReason = options.observationEnd != nil
            ? "after the observation end \(options.observationEnd?.iso ?? "")"
            : "after today (\(options.latestPlausibleDay?.iso ?? "")): a typing error? pass --observation-end to keep it"
        var rowsSinceProgress = 0
        var pending = PendingIDs()

        func setAside(_ reason: String, column: String?) throws {
            let row = RejectedRow(file: path, line: reader.line, column: column, reason: reason, raw: reader.rawRecord)
            if out.examples.count < 20 { out.examples.append(row) }
            try quarantine?.record(row)
        }
        func reject(_ kind: TransactionLoader.RejectReason, _ reason: String, column: String?) throws {
            out.rejected[kind.rawValue, default: 0] += 1
            try setAside(reason, column: column)
        }

        while try reader.next() {
            rowsSinceProgress += 1
            if rowsSinceProgress == 65_536 {
                rowsSinceProgress = 0
                progress?(reader.bytesRead, reader.fileSize)
            }
            out.rowsRead += 1
            if reader.isBlankLine { out.blankLines += 1; continue }
            if let malformation = reader.malformation {
                try reject(.malformedCSV, "malformed CSV: \(malformation)", column: nil)
                continue
            }
            if reader.fieldCount != fieldCount {
                try reject(.wrongFieldCount, "expected \(fieldCount) fields as in the header, found \(reader.fieldCount)", column: nil)
                continue
            }
            // The id is interned only once the row is accepted, so a customer whose every row
            // is rejected does not appear as a customer.
            guard reader.withField(customerColumn, { !TransactionLoader.trimmed($0).isEmpty }) else {
                try reject(.missingCustomerID, "missing customer id", column: customerName)
                continue
            }
            if let control = reader.withField(customerColumn, { TransactionLoader.controlCharacter(in: TransactionLoader.trimmed($0)) }) {
                try reject(.invalidCustomerID, TransactionLoader.controlCharacterReason("customer id", control), column: customerName)
                continue
            }
            guard let day = reader.withField(dateColumn, { dateParser.parse($0) }) else {
                let text = reader.string(dateColumn)
                let expected = dateParser.readsExcelSerials ? DateParser.excelExpectation : options.dateFormat.map { "a date as \($0)" }
                    ?? "a date such as 2024-03-05, 20240305, 2024/3/5 or 2024年3月5日 (day-first or month-first dates need --date-format)"
                try reject(.unparseableDate, text.isEmpty ? "missing date" : "unparseable date \"\(text)\": expected \(expected)", column: dateName)
                continue
            }
            guard day >= TransactionLoader.earliestPlausibleDay else {
                try reject(.unparseableDate, "date \(day.iso) is before \(TransactionLoader.earliestPlausibleDay.iso): a typing error?", column: dateName)
                continue
            }
            var amount: Double
            if let amountColumn {
                let empty = reader.withField(amountColumn) { TransactionLoader.trimmed($0).isEmpty }
                if empty {
                    try reject(.missingAmount, "missing amount", column: amountName)
                    continue
                }
                guard let value = reader.withField(amountColumn, { AmountParser.parse(TransactionLoader.trimmed($0)) }) else {
                    try reject(.unparseableAmount, "unparseable amount \"\(reader.string(amountColumn))\": expected a number such as 1234.50, 1,234.50 or ¥12", column: amountName)
                    continue
                }
                amount = value
            } else if let quantityColumn, let priceColumn {
                guard let q = reader.withField(quantityColumn, { AmountParser.parse(TransactionLoader.trimmed($0)) }),
                      let p = reader.withField(priceColumn, { AmountParser.parse(TransactionLoader.trimmed($0)) }) else {
                    let emptyCell = reader.string(quantityColumn).isEmpty || reader.string(priceColumn).isEmpty
                    try reject(emptyCell ? .missingAmount : .unparseableAmount,
                               "\(emptyCell ? "missing" : "unparseable") quantity or unit price (\"\(reader.string(quantityColumn))\" × \"\(reader.string(priceColumn))\")",
                               column: amountName)
                    continue
                }
                amount = q * p
            } else {
                amount = 0
            }
            guard amount.magnitude <= AmountParser.largestAmount else {
                try reject(.unparseableAmount, "amount \(amount) is beyond ±1e15: a typing error or a wrong column?", column: amountName)
                continue
            }
            if let statusColumn {
                let status = reader.string(statusColumn).trimmingCharacters(in: .whitespaces).lowercased()
                if !status.isEmpty && TransactionLoader.cancelledStatuses.contains(status) {
                    out.cancelled += 1
                    try setAside("status \"\(status)\": cancelled orders are left out", column: header[statusColumn])
                    continue
                }
            }
            if let cutoff, day > cutoff {
                out.afterObservationEnd += 1
                try setAside("date \(day.iso) is \(cutoffReason)", column: dateName)
                continue
            }
            if amount < 0 && options.returns == .drop {
                out.returnsDropped += 1
                out.returnsDroppedAmount -= amount
                try setAside("return (negative amount) left out by --returns drop", column: amountName)
                continue
            }
            // Interned in batches (see PendingIDs); the row's customer is filled in then.
            reader.withField(customerColumn) { pending.add(TransactionLoader.trimmed($0), row: out.rows.count) }
            // 32-bit keys suffice: they are only compared between rows of one customer on one day.
            let line = UInt32(truncatingIfNeeded: reader.line)
            var orderKey = line
            if let orderColumn {
                let idHash: UInt32? = reader.withField(orderColumn) { raw in
                    let t = TransactionLoader.trimmed(raw)
                    return t.isEmpty ? nil : UInt32(truncatingIfNeeded: IdentifierTable.hash(t))
                }
                if let idHash { orderKey = idHash } else { out.lineKeyedRows.append(Int32(truncatingIfNeeded: out.rows.count)) }
            }
            let rowHash = UInt32(truncatingIfNeeded: reader.withRawRecord { IdentifierTable.hash($0) })
            out.rows.append(customer: 0, day: day.ordinal, amount: amount, orderKey: orderKey, line: Int32(clamping: reader.line), hash: rowHash)
            if day.ordinal > out.maxDay { out.maxDay = day.ordinal }
            if day.ordinal < out.minDay { out.minDay = day.ordinal }
            if pending.isFull { pending.flush(into: &out) }
            if out.rows.count >= out.rowLimit {
                pending.flush(into: &out)
                try out.spillRows()
            }
        }
        pending.flush(into: &out)
    }
}

/// Customer ids of accepted rows waiting to be interned, a few dozen at a time.
///
/// Each intern probes a table of some 50 MB at a random slot: one cache miss per row, which
/// dominated the parse when paid one row at a time. A batch first loads the first slot of every
/// probe (independent loads, so their misses overlap), then interns in row order, so customer
/// indexes still follow first appearance in the file.
struct PendingIDs {
    static let capacity = 32
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    private var rows: [Int] = []
    private var hashes: [UInt64] = []
    /// Where the touched words go, so that the loads are kept.
    private var sink: UInt64 = 0

    init() {
        bytes.reserveCapacity(Self.capacity * 32)
        ends.reserveCapacity(Self.capacity)
        rows.reserveCapacity(Self.capacity)
        hashes.reserveCapacity(Self.capacity)
    }

    var isFull: Bool { rows.count >= Self.capacity }

    /// Queues the id `id` of row `row` (an index into the parsed rows).
    @inline(__always)
    mutating func add(_ id: UnsafeBufferPointer<UInt8>, row: Int) {
        bytes.append(contentsOf: id)
        ends.append(bytes.count)
        rows.append(row)
        hashes.append(IdentifierTable.hash(id))
    }

    /// Interns the queued ids in order and stores each row's customer index.
    mutating func flush(into out: inout ParsedRows) {
        guard !rows.isEmpty else { return }
        for h in hashes { sink &+= out.ids.touch(hash: h) }
        bytes.withUnsafeBufferPointer { all in
            var start = 0
            for k in rows.indices {
                let id = UnsafeBufferPointer(rebasing: all[start..<ends[k]])
                out.rows.customer[rows[k]] = out.ids.intern(id, hash: hashes[k])
                start = ends[k]
            }
        }
        out.touchedSlots &+= sink
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        rows.removeAll(keepingCapacity: true)
        hashes.removeAll(keepingCapacity: true)
    }
}

/// One result slot per parallel task; each task writes only its own slot.
final class ParallelResults<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()
    init(count: Int) { slots = [T?](repeating: nil, count: count) }
    func set(_ k: Int, _ value: T) { lock.lock(); slots[k] = value; lock.unlock() }
    /// Drops all results.
    func clear() { lock.lock(); slots = slots.map { _ in nil }; lock.unlock() }
    func value(_ k: Int) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        guard let v = slots[k] else { throw InputError(file: "", message: "internal error: a parallel task produced no result") }
        return v
    }
}

/// Hands a non-Sendable value to one other thread that alone uses it.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
