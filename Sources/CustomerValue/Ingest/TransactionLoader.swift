import Foundation

/// Reads a transactions file into a ``TransactionHistory``, accounting for every row.
///
/// One streaming pass parses the rows into compact columns (customer index, day, amount, order
/// key, line, row hash: 36 bytes a row, never the row's text). A second step works customer by
/// customer: exact duplicates, returns, purchase periods, orders, outliers. Rows set aside in
/// the second step are fetched again from the file for the quarantine only when a quarantine
/// sink is given.
public enum TransactionLoader {
    /// Reasons a row is rejected, as counted in ``TransactionFileReport/rejected``.
    public enum RejectReason: String, Sendable, CaseIterable {
        case missingCustomerID = "missing_customer_id"
        case unparseableDate = "unparseable_date"
        case missingAmount = "missing_amount"
        case unparseableAmount = "unparseable_amount"
        case wrongFieldCount = "wrong_field_count"
        case malformedCSV = "malformed_csv"
    }

    static let cancelledStatuses: Set<String> = [
        "cancelled", "canceled", "cancel", "void", "voided", "refunded", "failed", "rejected", "deleted",
        "已取消", "取消", "交易关闭", "已关闭", "关闭", "已退款", "退款成功", "全额退款", "失败", "已作废", "作废", "无效",
    ]

    /// Loads `path`.
    /// - Parameters:
    ///   - path: the transactions CSV.
    ///   - options: how to read it.
    ///   - quarantine: receives every row set aside, with its line and reason; nil to only count them.
    ///   - progress: called now and then with (bytes read, file size).
    /// - Returns: the per-customer history and the file's report.
    /// - Throws: ``InputError``, ``ColumnMappingError`` or ``DateFormatError`` when the file cannot be used at all.
    public static func load(
        path: String, options: TransactionIngestOptions = .init(), quarantine: QuarantineSink? = nil,
        progress: ((Int, Int?) -> Void)? = nil
    ) throws -> TransactionHistory {
        let reader = try CSVReader(path: path, delimiter: options.delimiter, encoding: options.encoding)
        guard try reader.next() else {
            throw InputError(file: path, message: "is empty: expected a header row naming customer_id, date and amount columns")
        }
        let header = reader.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let roles: [ColumnRole] = [.customerID, .date, .amount, .orderID, .quantity, .unitPrice, .status]
        let mapping = try ColumnMapping(header: header, roles: roles, overrides: options.columns, file: path)
        guard let customerColumn = mapping[.customerID], let dateColumn = mapping[.date] else {
            let missing = [mapping[.customerID] == nil ? "a customer id (--customer-col)" : nil,
                           mapping[.date] == nil ? "a date (--date-col)" : nil].compactMap { $0 }
            throw ColumnMappingError(
                file: path,
                message: "line 1: no column for \(missing.joined(separator: " or ")); the header has: \(header.joined(separator: ", "))")
        }
        let amountColumn = mapping[.amount]
        let quantityColumn = mapping[.quantity]
        let priceColumn = mapping[.unitPrice]
        guard amountColumn != nil || (quantityColumn != nil && priceColumn != nil) else {
            throw ColumnMappingError(
                file: path,
                message: "line 1: no amount column (--amount-col), nor quantity and unit price columns; the header has: \(header.joined(separator: ", "))")
        }
        let orderColumn = mapping[.orderID]
        let statusColumn = mapping[.status]

        var dateParser = try options.dateFormat.map { try DateParser(pattern: $0) } ?? DateParser()
        if options.dateFormat == nil {
            dateParser.order = try DateParser.inferOrder(from: sampleColumn(path: path, options: options, column: dateColumn, limit: 5000))
        }

        var columnNames: [String: String] = [:]
        for (role, index) in mapping.indexes { columnNames[role] = header[index] }
        var report = TransactionFileReport(
            file: path, encoding: reader.encoding.rawValue,
            delimiter: reader.delimiter == 0x09 ? "\\t" : String(UnicodeScalar(reader.delimiter)),
            columns: columnNames)
        report.returns.policy = options.returns
        report.outliers.factor = options.outlierFactor

        var rows = RowColumns()
        // About 50 bytes a row in typical exports: reserve once instead of growing six arrays.
        let expectedRows = min((reader.fileSize ?? 0) / 45, 200_000_000)
        rows.reserve(expectedRows)
        var ids = IdentifierTable(expectedCount: max(1 << 16, expectedRows / 3))
        let fieldCount = header.count
        let customerName = header[customerColumn]
        let dateName = header[dateColumn]
        let amountName = amountColumn.map { header[$0] } ?? "\(header[quantityColumn ?? 0]) × \(header[priceColumn ?? 0])"
        var rowsSinceProgress = 0
        var maxDay = Int32.min
        var minDay = Int32.max
        let cutoff = options.observationEnd ?? options.latestPlausibleDay
        let cutoffReason = options.observationEnd != nil
            ? "after the observation end \(options.observationEnd?.iso ?? "")"
            : "after today (\(options.latestPlausibleDay?.iso ?? "")): a typing error? pass --observation-end to keep it"

        func setAside(_ reason: String, column: String?, countExample: Bool = true) throws {
            let row = RejectedRow(file: path, line: reader.line, column: column, reason: reason, raw: reader.rawRecord)
            if report.examples.count < 20 { report.examples.append(row) }
            try quarantine?.record(row)
        }
        func reject(_ kind: RejectReason, _ reason: String, column: String?) throws {
            report.rejected[kind.rawValue, default: 0] += 1
            try setAside(reason, column: column)
        }

        while try reader.next() {
            rowsSinceProgress += 1
            if rowsSinceProgress == 65_536 {
                rowsSinceProgress = 0
                progress?(reader.bytesRead, reader.fileSize)
            }
            if reader.isBlankLine { report.blankLines += 1; report.rowsRead += 1; continue }
            report.rowsRead += 1
            if let malformation = reader.malformation {
                try reject(.malformedCSV, "malformed CSV: \(malformation)", column: nil)
                continue
            }
            if reader.fieldCount != fieldCount {
                try reject(.wrongFieldCount, "expected \(fieldCount) fields as in the header, found \(reader.fieldCount)", column: nil)
                continue
            }
            // Customer id (surrounding spaces ignored).
            // The id is interned only once the row is accepted, so a customer whose every row
            // is rejected does not appear as a customer.
            guard reader.withField(customerColumn, { !trimmed($0).isEmpty }) else {
                try reject(.missingCustomerID, "missing customer id", column: customerName)
                continue
            }
            guard let day = reader.withField(dateColumn, { dateParser.parse($0) }) else {
                let text = reader.string(dateColumn)
                let expected = options.dateFormat.map { "a date as \($0)" }
                    ?? "a date such as 2024-03-05, 20240305, 2024/3/5 or 2024年3月5日 (day-first or month-first dates need --date-format)"
                try reject(.unparseableDate, text.isEmpty ? "missing date" : "unparseable date \"\(text)\": expected \(expected)", column: dateName)
                continue
            }
            var amount: Double
            if let amountColumn {
                let empty = reader.withField(amountColumn) { trimmed($0).isEmpty }
                if empty {
                    try reject(.missingAmount, "missing amount", column: amountName)
                    continue
                }
                guard let value = reader.withField(amountColumn, { AmountParser.parse(trimmed($0)) }) else {
                    try reject(.unparseableAmount, "unparseable amount \"\(reader.string(amountColumn))\": expected a number such as 1234.50, 1,234.50 or ¥12", column: amountName)
                    continue
                }
                amount = value
            } else if let quantityColumn, let priceColumn {
                guard let q = reader.withField(quantityColumn, { AmountParser.parse(trimmed($0)) }),
                      let p = reader.withField(priceColumn, { AmountParser.parse(trimmed($0)) }) else {
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
            if let statusColumn {
                let status = reader.string(statusColumn).trimmingCharacters(in: .whitespaces).lowercased()
                if !status.isEmpty && cancelledStatuses.contains(status) {
                    report.cancelled += 1
                    try setAside("status \"\(status)\": cancelled orders are left out", column: header[statusColumn])
                    continue
                }
            }
            if let cutoff, day > cutoff {
                report.afterObservationEnd += 1
                try setAside("date \(day.iso) is \(cutoffReason)", column: dateName)
                continue
            }
            if amount < 0 && options.returns == .drop {
                report.returns.dropped += 1
                report.returns.amount -= amount
                try setAside("return (negative amount) left out by --returns drop", column: amountName)
                continue
            }
            let customer = reader.withField(customerColumn) { ids.intern(trimmed($0)) }
            // 32-bit keys suffice: they are only compared between rows of one customer on one day.
            let line = UInt32(truncatingIfNeeded: reader.line)
            let orderKey: UInt32 = orderColumn.map { column in
                reader.withField(column) { raw in
                    let t = trimmed(raw)
                    return t.isEmpty ? line : UInt32(truncatingIfNeeded: IdentifierTable.hash(t))
                }
            } ?? line
            let rowHash = UInt32(truncatingIfNeeded: reader.withRawRecord { IdentifierTable.hash($0) })
            rows.append(customer: customer, day: day.ordinal, amount: amount, orderKey: orderKey, line: Int32(clamping: reader.line), hash: rowHash)
            if day.ordinal > maxDay { maxDay = day.ordinal }
            if day.ordinal < minDay { minDay = day.ordinal }
        }
        progress?(reader.bytesRead, reader.fileSize)

        let observationEnd = options.observationEnd ?? (maxDay == Int32.min ? nil : CalendarDay(ordinal: maxDay))
        report.observationEnd = observationEnd
        if minDay <= maxDay {
            report.firstDate = CalendarDay(ordinal: minDay)
            report.lastDate = CalendarDay(ordinal: maxDay)
        }
        var builder = HistoryBuilder(rows: rows, customers: ids.count, options: options, hasOrderIDs: orderColumn != nil)
        rows = RowColumns()
        let deferred = builder.build(report: &report)
        report.outliers.examples = builder.outlierExamples.map {
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
        guard let end = observationEnd else {
            return TransactionHistory(
                identifiers: ids, periodStart: [0], periodDay: [], periodAmount: [], periodOrders: [],
                observationEnd: CalendarDay(ordinal: 0), report: report)
        }
        return TransactionHistory(
            identifiers: ids, periodStart: builder.periodStart, periodDay: builder.periodDay,
            periodAmount: builder.periodAmount, periodOrders: builder.periodOrders,
            observationEnd: end, report: report)
    }

    @inline(__always)
    static func trimmed(_ raw: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
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
        _ = try reader.next()
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
struct DeferredRejection {
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
