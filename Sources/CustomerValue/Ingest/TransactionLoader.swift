import Foundation

/// Reads a transactions file into a ``TransactionHistory``, accounting for every row.
///
/// One streaming pass parses the rows into compact columns (customer index, day, amount, order
/// key, line, row hash: 28 bytes a row, never the row's text). A second step works customer by
/// customer: exact duplicates, returns, purchase periods, orders, outliers. Rows set aside in
/// the second step are fetched again from the file for the quarantine only when a quarantine
/// sink is given.
public enum TransactionLoader {
    /// Reasons a row is rejected, as counted in ``TransactionFileReport/rejected``.
    public enum RejectReason: String, Sendable, CaseIterable {
        case missingCustomerID = "missing_customer_id"
        case invalidCustomerID = "invalid_customer_id"
        case unparseableDate = "unparseable_date"
        case missingAmount = "missing_amount"
        case unparseableAmount = "unparseable_amount"
        case wrongFieldCount = "wrong_field_count"
        case malformedCSV = "malformed_csv"
    }

    /// Transactions dated before this day (1900-01-01) are typing errors (a year typed as 0001):
    /// kept, one would stretch every age and period table by centuries.
    /// (70 years of 365 days and 17 leap days, 1904…1968, before 1970-01-01.)
    public static let earliestPlausibleDay = CalendarDay(ordinal: -(70 * 365 + 17))

    static let cancelledStatuses: Set<String> = [
        "cancelled", "canceled", "cancel", "void", "voided", "refunded", "failed", "rejected", "deleted",
        "已取消", "取消", "交易关闭", "已关闭", "关闭", "已退款", "退款成功", "全额退款", "失败", "已作废", "作废", "无效",
    ]

    /// Reads `path` and hands every customer's purchase periods to `periods`, one block of
    /// consecutive customers at a time, without ever holding them all: memory grows with the
    /// customers (the id table), not with the rows or purchase periods, whatever the consumer
    /// keeps.
    ///
    /// A file within the row budget (``TransactionIngestOptions/rowBudget``) gives one block of
    /// every customer; a larger one gives one block per partition of consecutive customers
    /// (``SpilledHistoryBuilder``), in customer order. The counts, outliers, quarantine and
    /// report are exactly those of ``load(path:options:quarantine:progress:)``, which is this
    /// function with a consumer that keeps every block.
    /// - Parameters:
    ///   - path: the transactions CSV.
    ///   - options: how to read it.
    ///   - quarantine: receives every row set aside, with its line and reason; nil to only count them.
    ///   - progress: called now and then with (bytes read, file size).
    ///   - start: called once, after the rows are parsed and before the first block, with what
    ///     is then known (ids, observation end, first date); an error it throws ends the load.
    ///   - periods: called with each block, in customer order; with no observation end (no
    ///     usable row), never. An error it throws ends the load.
    /// - Returns: the ids, the observation end and the file's report.
    /// - Throws: ``InputError``, ``ColumnMappingError`` or ``DateFormatError`` when the file cannot be used at all,
    ///   ``UnreadableDatesError`` when `options.dateFormat` reads none of its dates, and whatever
    ///   `start` or `periods` throw.
    public static func stream(
        path: String, options: TransactionIngestOptions = .init(), quarantine: QuarantineSink? = nil,
        progress: ((Int, Int?) -> Void)? = nil,
        start: (TransactionStreamStart) throws -> Void = { _ in },
        periods consume: (PurchasePeriods) throws -> Void
    ) throws -> TransactionStreamResult {
        let reader = try CSVReader(path: path, delimiter: options.delimiter, encoding: options.encoding)
        try reader.readHeader(expecting: "customer_id, date and amount columns")
        let headerLine = reader.line
        let header = reader.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let roles: [ColumnRole] = [.customerID, .date, .amount, .orderID, .quantity, .unitPrice, .status]
        let mapping = try ColumnMapping(header: header, roles: roles, overrides: options.columns, file: path, line: headerLine)
        for role in [ColumnRole.customerID, .date, .amount] {
            if let message = columnTakenMessage(mapping, role, line: headerLine) {
                guard role != .amount || mapping[.quantity] == nil || mapping[.unitPrice] == nil else { continue }
                throw ColumnMappingError(file: path, message: message)
            }
        }
        guard let customerColumn = mapping[.customerID], let dateColumn = mapping[.date] else {
            let missing = [mapping[.customerID] == nil ? "a customer id (--customer-col)" : nil,
                           mapping[.date] == nil ? "a date (--date-col)" : nil].compactMap { $0 }
            throw ColumnMappingError(
                file: path,
                message: "line \(headerLine): no column for \(missing.joined(separator: " or ")); the header has: \(header.joined(separator: ", "))")
        }
        let amountColumn = mapping[.amount]
        let quantityColumn = mapping[.quantity]
        let priceColumn = mapping[.unitPrice]
        guard amountColumn != nil || (quantityColumn != nil && priceColumn != nil) else {
            throw ColumnMappingError(
                file: path,
                message: "line \(headerLine): no amount column (--amount-col), nor quantity and unit price columns; the header has: \(header.joined(separator: ", "))")
        }
        let orderColumn = mapping[.orderID]
        let statusColumn = mapping[.status]

        let dateParser = try options.dateFormat.map { try DateParser(pattern: $0) }
            ?? DateParser.automatic(samples: sampleColumn(path: path, options: options, column: dateColumn, limit: 5000))

        var columnNames: [String: String] = [:]
        for (role, index) in mapping.indexes { columnNames[role] = header[index] }
        var report = TransactionFileReport(
            file: path, encoding: reader.encoding.rawValue,
            delimiter: reader.delimiter == 0x09 ? "\\t" : String(UnicodeScalar(reader.delimiter)),
            columns: columnNames)
        report.returns.policy = options.returns
        if options.dateFormat == nil && dateParser.readsExcelSerials {
            report.detectedDateFormat = DateParser.excelFormat
            DetectedDateFormats.announce(dateParser, file: path, column: header[dateColumn])
        }
        report.outliers.factor = options.outlierFactor

        let parseStart = DispatchTime.now()
        let parser = RowParser(
            path: path, options: options, fieldCount: header.count, customerColumn: customerColumn,
            dateColumn: dateColumn, amountColumn: amountColumn, quantityColumn: quantityColumn,
            priceColumn: priceColumn, orderColumn: orderColumn, statusColumn: statusColumn,
            header: header, dateParser: dateParser)
        let fileSize = reader.fileSize ?? 0
        let split = options.parallel
            ? try tentativeSplit(reader: reader, fileSize: fileSize, minimumBytes: options.minimumParallelBytes, at: options.splitAt)
            : nil
        var parts: [ParsedRows] = []
        // The second part's rows on disk, when the file has more rows than the budget.
        var spilled: [SpilledHistoryBuilder.Source] = []
        if let split {
            // Two parts on two cores, each from its own reader; merged below in file order with
            // the second part's lines renumbered, so the result is the same as one pass. Rows set
            // aside wait in memory until the split is known to be good.
            let sinks = quarantine == nil ? [nil, nil] : [QuarantineMemory(), QuarantineMemory()]
            let results = ParallelResults<Result<(rows: ParsedRows, lines: Int, clean: Bool), any Error>>(count: 2)
            let sinkBoxes = sinks.map { UncheckedBox($0) }
            let progressBox = UncheckedBox(progress)
            let delimiter = reader.delimiter
            DispatchQueue.concurrentPerform(iterations: 2) { k in
                results.set(k, Result {
                    let partReader = k == 0
                        ? try CSVReader(path: path, delimiter: delimiter, range: split.first.bytes, firstLine: split.first.line)
                        : try CSVReader(path: path, delimiter: delimiter, range: split.second, firstLine: 1)
                    // The first part will receive the second: reserve for the whole file (pages
                    // not yet written cost no memory) so the merge does not reallocate.
                    // Either part may meet nearly every customer: both id tables are sized for
                    // the whole file, so the second does not grow (rehash) halfway.
                    var part = ParsedRows(expectedRows: (k == 0 ? fileSize : split.second.count) / 45, expectedCustomers: fileSize / 45 / 3)
                    part.rowLimit = max(1, options.rowBudget / 2)
                    try parser.parse(partReader, into: &part, quarantine: sinkBoxes[k].value,
                                     progress: k == 0 ? progressBox.value.map { p in { bytes, _ in p(2 * bytes, fileSize) } } : nil)
                    return (part, partReader.nextRecord.line - 1, !partReader.sawUnterminatedQuote)
                })
            }
            var first = try results.value(0).get()
            var second = try results.value(1).get()
            results.clear()
            // The first part ends inside an open quote when the split fell inside a quoted field
            // (or the file has an unterminated quote): then, and for an unterminated quote in the
            // second part (its message names a line), the file is read again in one pass.
            if first.clean && second.clean {
                if let quarantine {
                    for row in sinks[0]?.rows ?? [] { try quarantine.record(row) }
                    for row in sinks[1]?.rows ?? [] {
                        var shifted = row
                        shifted.line += first.lines
                        try quarantine.record(shifted)
                    }
                }
                // Moved out of the tuple so that the merge appends in place instead of copying.
                var merged = first.rows
                first.rows = ParsedRows(expectedRows: 0)
                if merged.spill == nil && second.rows.spill == nil && merged.rows.count + second.rows.rows.count <= options.rowBudget {
                    merged.append(second.rows, lineOffset: first.lines, allRowsLineKeyed: orderColumn == nil)
                } else {
                    // Too many rows for memory: both parts' rows go to disk, the second's to be
                    // renumbered as they are partitioned.
                    try merged.spillRows()
                    try second.rows.spillRows()
                    let mapping = merged.internIdentifiers(of: second.rows)
                    merged.addCounts(of: second.rows, lineOffset: first.lines)
                    if let file = second.rows.spill {
                        spilled.append(.init(file: file, mapping: mapping, lineOffset: first.lines, allRowsLineKeyed: orderColumn == nil))
                    }
                }
                second.rows = ParsedRows(expectedRows: 0)
                parts = [merged]
            }
        }
        if parts.isEmpty {
            let sequentialReader = split == nil ? reader : try CSVReader(path: path, delimiter: reader.delimiter, encoding: reader.encoding)
            if split != nil { _ = try sequentialReader.nextHeader() }
            var part = ParsedRows(expectedRows: fileSize / 45)
            part.rowLimit = max(1, options.rowBudget)
            spilled = []
            try parser.parse(sequentialReader, into: &part, quarantine: quarantine, progress: progress)
            parts = [part]
        }
        progress?(fileSize, fileSize)
        var merged = parts.removeFirst()
        parts = []
        if merged.spill != nil {
            try merged.spillRows()
        }
        if let file = merged.spill {
            spilled.insert(.init(file: file), at: 0)
        }
        merged.spill = nil
        merged.addCounts(to: &report)
        if let format = options.dateFormat, report.rejected[RejectReason.unparseableDate.rawValue, default: 0] > 0 {
            try DateFormatCheck.requireSomeDateRead(
                path: path, delimiter: reader.delimiter, encoding: reader.encoding, fieldCount: header.count,
                columns: [(dateColumn, header[dateColumn])], format: format, setting: options.dateFormatSetting,
                parser: dateParser)
        }
        var rows = merged.rows
        let ids = merged.ids
        let minDay = merged.minDay
        let maxDay = merged.maxDay
        merged = ParsedRows(expectedRows: 0)

        let observationEnd = options.observationEnd ?? (maxDay == Int32.min ? nil : CalendarDay(ordinal: maxDay))
        report.observationEnd = observationEnd
        if minDay <= maxDay {
            report.firstDate = CalendarDay(ordinal: minDay)
            report.lastDate = CalendarDay(ordinal: maxDay)
            if let end = options.observationEnd {
                try DateSpan.check(from: CalendarDay(ordinal: maxDay), "the data's last date", to: end, "the observation end")
            }
        }
        let buildStart = DispatchTime.now()
        var timings = IngestTimings(parse: seconds(from: parseStart, to: buildStart))
        let rowCount = spilled.isEmpty ? rows.count : spilled.reduce(0) { $0 + $1.file.rowCount }
        try start(TransactionStreamStart(
            identifiers: ids, observationEnd: observationEnd, firstDate: report.firstDate, rowCount: rowCount))
        // Without an observation end no row was usable: the history has no customer.
        func consumeIfUsable(_ block: PurchasePeriods) throws {
            if observationEnd != nil { try consume(block) }
        }
        let built: BuiltHistory
        if spilled.isEmpty {
            var builder = HistoryBuilder(rows: rows, customers: ids.count, options: options, hasOrderIDs: orderColumn != nil)
            rows = RowColumns()
            let deferred = builder.build(report: &report)
            built = BuiltHistory(outlierExamples: builder.outlierExamples, deferred: deferred)
            try consumeIfUsable(builder.takePeriods())
        } else {
            rows = RowColumns()   // empty, but its room was written while parsing
            timings.spilledRows = rowCount
            built = try SpilledHistoryBuilder(sources: spilled, customers: ids.count, options: options, hasOrderIDs: orderColumn != nil)
                .build(report: &report, periods: consumeIfUsable)
            spilled = []
        }
        let deferred = built.deferred
        report.outliers.examples = built.outlierExamples.map {
            OutlierOrder(customerID: ids.string(at: Int($0.customer)), date: CalendarDay(ordinal: $0.day), amount: $0.amount, line: Int($0.line))
        }
        report.customers = ids.count
        if let quarantine, !deferred.isEmpty {
            try quarantineDeferred(deferred, path: path, options: options, sink: quarantine, report: &report)
        } else {
            for item in deferred.prefix(max(0, 20 - report.examples.count)) {
                report.examples.append(RejectedRow(file: path, line: Int(item.line), column: nil, reason: item.reason, raw: ""))
            }
        }
        report.examples.sort { $0.line < $1.line }
        if report.examples.count > 20 { report.examples.removeLast(report.examples.count - 20) }
        timings.build = seconds(from: buildStart, to: DispatchTime.now())
        return TransactionStreamResult(identifiers: ids, observationEnd: observationEnd, report: report, timings: timings)
    }

    private static func seconds(from start: DispatchTime, to end: DispatchTime) -> Double {
        Double(end.uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    /// Where to split a UTF-8 file for two workers: the first line feed at or after the middle of
    /// the data (or at or after the offset `at`, for tests). Nil for small files, other encodings,
    /// one core, or no line feed after the middle.
    ///
    /// The line feed may lie inside a quoted field: nothing before the middle is scanned here.
    /// The first worker, reading up to the split, then ends inside an open quote, and the caller
    /// reads the file again in one pass (rare: a multi-line field exactly at the middle).
    /// - Returns: the first part (from the first data record, with its line number) and the
    ///   byte range of the second part.
    static func tentativeSplit(reader: CSVReader, fileSize: Int, minimumBytes: Int, at: Int? = nil) throws -> (first: FileRange, second: Range<Int>)? {
        let (headerEnd, firstLine) = reader.nextRecord
        let dataBytes = fileSize - headerEnd
        guard reader.encoding == .utf8, dataBytes >= minimumBytes, at != nil || ProcessInfo.processInfo.activeProcessorCount > 1 else {
            return nil
        }
        let middle = at.map { min(max($0, headerEnd), fileSize) } ?? headerEnd + dataBytes / 2
        let fd = open(reader.path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var block = [UInt8](repeating: 0, count: 1 << 16)
        var offset = middle
        while offset < fileSize {
            let n = block.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            guard n > 0 else { return nil }
            if let k = block[0..<n].firstIndex(of: CSVReader.newline) {
                let split = offset + k + 1
                guard split < fileSize else { return nil }
                return (FileRange(bytes: headerEnd..<split, line: firstLine), split..<fileSize)
            }
            offset += n
        }
        return nil
    }

    /// Where to split a UTF-8 file into two halves for two workers: the first line break at or
    /// after the middle that lies outside quotes (an even number of quotes before it). Nil for
    /// small files, other encodings, or when no such line break exists.
    /// `at` (tests): look for the line break at or after this file offset instead of the middle.
    /// Used by ``TableProfiler``; the transactions loader scans nothing before it splits
    /// (``tentativeSplit(reader:fileSize:minimumBytes:at:)``).
    static func splitPoint(reader: CSVReader, fileSize: Int, minimumBytes: Int, at: Int? = nil) throws -> (first: FileRange?, second: FileRange?) {
        let (headerEnd, firstLine) = reader.nextRecord
        let dataBytes = fileSize - headerEnd
        guard reader.encoding == .utf8, dataBytes >= minimumBytes, at != nil || ProcessInfo.processInfo.activeProcessorCount > 1 else {
            return (nil, nil)
        }
        let middle = at.map { min(max($0, headerEnd), fileSize) } ?? headerEnd + dataBytes / 2
        let fd = open(reader.path, O_RDONLY)
        guard fd >= 0 else { return (nil, nil) }
        defer { close(fd) }
        var block = [UInt8](repeating: 0, count: 1 << 20)
        var offset = headerEnd
        var quotes = 0
        var lines = 0
        // Up to the middle only counts matter: quotes (for parity) and line feeds (for line
        // numbers), in loops the compiler vectorises. A lone carriage return (not before a line
        // feed) also ends a line in the reader; a file with any gets no split (rare, and one
        // thread reads it correctly). CRLF files split as usual.
        var previousWasCR = false
        while offset < middle {
            let want = min(block.count, middle - offset)
            let n = block.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(offset)) }
            guard n > 0 else { return (nil, nil) }
            var q = 0, l = 0, cr = 0, crlf = 0
            block.withUnsafeBufferPointer { b in
                (q, l, cr) = countQuotesAndBreaks(UnsafeBufferPointer(rebasing: b[..<n]))
                if cr > 0 {
                    for k in 0..<(n - 1) where b[k] == 0x0D && b[k + 1] == 0x0A { crlf += 1 }
                }
                if previousWasCR && b[0] == 0x0A { crlf += 1; cr += 1 }
                if previousWasCR && b[0] != 0x0A { cr += 1 }   // the previous block's CR was lone
                previousWasCR = b[n - 1] == 0x0D
                if previousWasCR { cr -= 1 }   // decided with the next block
            }
            guard cr == crlf else { return (nil, nil) }
            quotes += q
            lines += l
            offset += n
        }
        // From the middle: the first line feed outside quotes.
        while offset < fileSize {
            let n = block.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            guard n > 0 else { return (nil, nil) }
            for k in 0..<n {
                let c = block[k]
                if previousWasCR && c != 0x0A { return (nil, nil) }
                previousWasCR = c == 0x0D
                if c == 0x22 { quotes += 1 }
                if c == 0x0A {
                    lines += 1
                    if quotes % 2 == 0 {
                        let split = offset + k + 1
                        guard split < fileSize else { return (nil, nil) }
                        return (FileRange(bytes: headerEnd..<split, line: firstLine),
                                FileRange(bytes: split..<fileSize, line: firstLine + lines))
                    }
                }
            }
            offset += n
        }
        return (nil, nil)
    }

    /// The quotes, line feeds and carriage returns in `bytes`, eight bytes at a time: a byte
    /// equal to the one sought becomes a zero byte, and the zero bytes of a word are counted
    /// exactly with the high-bit test of Mycroft's "has zero byte" (no borrow between bytes, so
    /// no false hits), then a population count. A file half without quotes or carriage returns
    /// (the usual case) skips their count after one `memchr` each. About five times faster than
    /// the byte loop it replaces, which the compiler vectorised poorly (a loop over SIMD32 lanes
    /// compiled to scalar code ten times slower still).
    static func countQuotesAndBreaks(_ bytes: UnsafeBufferPointer<UInt8>) -> (quotes: Int, lines: Int, returns: Int) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return (0, 0, 0) }
        let n = bytes.count
        let hasQuotes = memchr(base, 0x22, n) != nil
        let hasReturns = memchr(base, 0x0D, n) != nil
        return (hasQuotes ? count(0x22, in: bytes) : 0, count(0x0A, in: bytes), hasReturns ? count(0x0D, in: bytes) : 0)
    }

    /// How many bytes of `bytes` equal `byte`.
    static func count(_ byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let n = bytes.count
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let pattern = ones &* UInt64(byte)
        var total = 0
        var i = 0
        let raw = UnsafeRawPointer(base)
        while i + 8 <= n {
            let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ pattern
            // High bit of each byte: set when the byte of x is not zero.
            let nonzero = ((x & low7) &+ low7) | x
            total &+= (~nonzero & ~low7).nonzeroBitCount
            i += 8
        }
        while i < n {
            if base[i] == byte { total += 1 }
            i += 1
        }
        return total
    }

    /// The options naming the transactions' columns, by role.
    static let columnOptions = ["customer_id": "--customer-col", "date": "--date-col", "amount": "--amount-col", "order_id": "--order-col"]

    /// Why `role` has no column when the user gave the column its names match to another role
    /// (`--customer-col amount` leaves the amount without one), or nil.
    static func columnTakenMessage(_ mapping: ColumnMapping, _ role: ColumnRole, line: Int) -> String? {
        guard let owner = mapping.takenBy[role.name], let index = mapping.indexes[owner] else { return nil }
        let ownerOption = columnOptions[owner] ?? owner
        return "line \(line): the column named by \(ownerOption) (\"\(mapping.header[index])\", column \(index + 1)) is also the \(role.name) column; name the \(role.name) column with \(columnOptions[role.name] ?? role.name), or give \(ownerOption) another column"
    }

    /// The first C0 control character (U+0000 to U+001F) other than tab in `id`, or nil. No id
    /// holds one: a NUL or an escape in an id comes from a binary or damaged file, and kept it
    /// would be written into every output that names the customer.
    @inline(__always)
    static func controlCharacter(in id: UnsafeBufferPointer<UInt8>) -> UInt8? {
        for byte in id where byte < 0x20 && byte != 0x09 { return byte }
        return nil
    }

    /// Why an id column's cell holding `byte` (from ``controlCharacter(in:)``) is set aside.
    static func controlCharacterReason(_ column: String, _ byte: UInt8) -> String {
        let code = String(byte, radix: 16, uppercase: true)
        return "\(column) holds the control character U+\(String(repeating: "0", count: 4 - code.count))\(code): not an id (a binary or damaged file?)"
    }

    /// `raw` without the blanks and tabs around it (the trimming of every cell the readers check
    /// on its bytes).
    @inline(__always)
    public static func trimmed(_ raw: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lo = 0
        var hi = raw.count
        while lo < hi && (raw[lo] == 0x20 || raw[lo] == 0x09) { lo += 1 }
        while hi > lo && (raw[hi - 1] == 0x20 || raw[hi - 1] == 0x09) { hi -= 1 }
        return UnsafeBufferPointer(rebasing: raw[lo..<hi])
    }

    /// The first `limit` values of one column (for format inference).
    static func sampleColumn(path: String, options: TransactionIngestOptions, column: Int, limit: Int) throws -> [String] {
        let reader = try CSVReader(path: path, delimiter: options.delimiter, encoding: options.encoding)
        var values: [String] = []
        _ = try reader.nextHeader()
        while values.count < limit, try reader.next() {
            if column < reader.fieldCount { values.append(reader.string(column)) }
        }
        return values
    }

    /// Reads the file again to fetch the raw text of rows set aside after the first pass.
    static func quarantineDeferred(
        _ deferred: [DeferredRejection], path: String, options: TransactionIngestOptions,
        sink: QuarantineSink, report: inout TransactionFileReport
    ) throws {
        let byLine = Dictionary(deferred.map { (Int($0.line), $0) }, uniquingKeysWith: { a, _ in a })
        let reader = try CSVReader(path: path, delimiter: options.delimiter, encoding: options.encoding)
        var remaining = byLine.count
        while remaining > 0, try reader.next() {
            guard let item = byLine[reader.line] else { continue }
            remaining -= 1
            let row = RejectedRow(file: path, line: reader.line, column: item.column, reason: item.reason, raw: reader.rawRecord)
            if report.examples.count < 20 { report.examples.append(row) }
            try sink.record(row)
        }
    }
}

/// A row set aside after the first pass, fetched again for the quarantine.
struct DeferredRejection: Sendable {
    var line: Int32
    var column: String?
    var reason: String
}

/// The parsed rows, one array per field: 28 bytes a row.
struct RowColumns {
    var customer: [Int32] = []
    var day: [Int32] = []
    var amount: [Double] = []
    /// Hash of the order id (the line number when the file has no order ids).
    var orderKey: [UInt32] = []
    var line: [Int32] = []
    /// Hash of the whole raw row, for exact duplicates.
    var hash: [UInt32] = []
    var count: Int { customer.count }

    mutating func reserve(_ n: Int) {
        customer.reserveCapacity(n)
        day.reserveCapacity(n)
        amount.reserveCapacity(n)
        orderKey.reserveCapacity(n)
        line.reserveCapacity(n)
        hash.reserveCapacity(n)
        // The rows are gathered at random when grouped per customer: huge pages for the
        // capacity not yet written (see ``HugePages``).
        RowColumns.adviseHugePages(&customer)
        RowColumns.adviseHugePages(&day)
        RowColumns.adviseHugePages(&amount)
        RowColumns.adviseHugePages(&orderKey)
        RowColumns.adviseHugePages(&line)
        RowColumns.adviseHugePages(&hash)
    }

    private static func adviseHugePages<T>(_ column: inout [T]) {
        let used = column.count * MemoryLayout<T>.stride
        let bytes = column.capacity * MemoryLayout<T>.stride
        column.withUnsafeMutableBytes { raw in
            if let base = raw.baseAddress { HugePages.advise(base + used, bytes: bytes - used) }
        }
    }

    /// Empties the columns, keeping their room.
    mutating func removeAll() {
        customer.removeAll(keepingCapacity: true)
        day.removeAll(keepingCapacity: true)
        amount.removeAll(keepingCapacity: true)
        orderKey.removeAll(keepingCapacity: true)
        line.removeAll(keepingCapacity: true)
        hash.removeAll(keepingCapacity: true)
    }

    /// Appends `next`, renumbered as ``renumber(from:customers:lineOffset:lineKeyed:)`` says.
    mutating func append(_ next: RowColumns, customers mapping: [Int32], lineOffset: Int, lineKeyed: [Int32]?) {
        reserve(count + next.count)
        let base = count
        // Only the customer column is renumbered, and line numbers shifted; the other columns
        // are copied as blocks.
        customer.append(contentsOf: next.customer)
        day.append(contentsOf: next.day)
        amount.append(contentsOf: next.amount)
        orderKey.append(contentsOf: next.orderKey)
        line.append(contentsOf: next.line)
        hash.append(contentsOf: next.hash)
        renumber(from: base, customers: mapping, lineOffset: lineOffset, lineKeyed: lineKeyed)
    }

    /// Renumbers rows `base...` that were read from a later part of the file on their own:
    /// customer `c` becomes `mapping[c]`, line numbers are shifted by `lineOffset`, and so are the
    /// order keys made from line numbers: those of the rows at `lineKeyed` (relative to `base`),
    /// or of every row when `lineKeyed` is nil (a file without order ids).
    mutating func renumber(from base: Int, customers mapping: [Int32], lineOffset: Int, lineKeyed: [Int32]?) {
        let end = count
        customer.withUnsafeMutableBufferPointer { customer in
            mapping.withUnsafeBufferPointer { map in
                for i in base..<end { customer[i] = map[Int(customer[i])] }
            }
        }
        guard lineOffset != 0 else { return }
        // Keys made from line numbers shift with them (modulo 2^32, as they were truncated).
        let keyShift = UInt32(truncatingIfNeeded: lineOffset)
        line.withUnsafeMutableBufferPointer { line in
            for i in base..<end { line[i] = Int32(clamping: Int(line[i]) + lineOffset) }
        }
        orderKey.withUnsafeMutableBufferPointer { key in
            if let lineKeyed {
                for i in lineKeyed { key[base + Int(i)] &+= keyShift }
            } else {
                for i in base..<end { key[i] &+= keyShift }
            }
        }
    }

    @inline(__always)
    mutating func append(customer c: Int32, day d: Int32, amount a: Double, orderKey o: UInt32, line l: Int32, hash h: UInt32) {
        customer.append(c)
        day.append(d)
        amount.append(a)
        orderKey.append(o)
        line.append(l)
        hash.append(h)
    }
}
