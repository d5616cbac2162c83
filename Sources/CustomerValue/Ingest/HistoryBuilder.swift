/// The second step of loading: groups the parsed rows by customer and turns them into purchase
/// periods, deciding duplicates, returns and outliers on the way.
struct HistoryBuilder {
    private var rows: RowColumns
    private let customers: Int
    private let options: TransactionIngestOptions
    private let hasOrderIDs: Bool
    private(set) var periodStart: [Int] = []
    private(set) var periodDay: [Int32] = []
    private(set) var periodAmount: [Double] = []
    private(set) var periodOrders: [Int32] = []
    private(set) var outlierExamples: [(customer: Int32, day: Int32, amount: Double, line: Int32)] = []

    init(rows: RowColumns, customers: Int, options: TransactionIngestOptions, hasOrderIDs: Bool) {
        self.hasOrderIDs = hasOrderIDs
        self.rows = rows
        self.customers = customers
        self.options = options
    }

    /// Builds the periods; returns the rows set aside in this step (for the quarantine).
    /// - Complexity: O(rows) plus the sort of each customer's rows (already in order for date-sorted files).
    mutating func build(report: inout TransactionFileReport) -> [DeferredRejection] {
        let n = rows.count
        // Counting sort of row indexes by customer.
        var offsets = [Int](repeating: 0, count: customers + 1)
        for c in rows.customer { offsets[Int(c) + 1] += 1 }
        for c in 0..<customers { offsets[c + 1] += offsets[c] }
        var order = [Int32](repeating: 0, count: n)
        var cursor = offsets
        for i in 0..<n {
            let c = Int(rows.customer[i])
            order[cursor[c]] = Int32(i)
            cursor[c] += 1
        }
        cursor = []
        periodStart.reserveCapacity(customers + 1)
        periodDay.reserveCapacity(n)
        periodAmount.reserveCapacity(n)
        periodOrders.reserveCapacity(n)
        periodStart.append(0)

        var deferred: [DeferredRejection] = []
        var orderTotals: [Double] = []
        orderTotals.reserveCapacity(n)
        var orderRefs: [Int32] = []   // first row of each order
        orderRefs.reserveCapacity(n)
        var returnRows: [Int32] = []
        var dayHashes: [(hash: UInt32, line: Int32)] = []
        var customerOrderKeys: [(key: UInt32, day: Int32)] = []
        let policy = options.returns
        let keepDuplicates = options.keepDuplicates

        rows.day.withUnsafeBufferPointer { day in
        rows.amount.withUnsafeBufferPointer { amount in
        rows.orderKey.withUnsafeBufferPointer { orderKey in
        rows.hash.withUnsafeBufferPointer { hash in
        rows.line.withUnsafeBufferPointer { line in
            // Order: day, then order id (so an order's lines are adjacent), then row hash (so exact
            // duplicates are adjacent), then line. Without order ids the key is the line number,
            // which must not come before the hash or duplicates would be kept apart.
            let useOrderKey = hasOrderIDs
            func precedes(_ x: Int32, _ y: Int32) -> Bool {
                let i = Int(x), j = Int(y)
                if day[i] != day[j] { return day[i] < day[j] }
                if useOrderKey && orderKey[i] != orderKey[j] { return orderKey[i] < orderKey[j] }
                if hash[i] != hash[j] { return hash[i] < hash[j] }
                return line[i] < line[j]
            }
            for c in 0..<customers {
                let lo = offsets[c], hi = offsets[c + 1]
                // Insertion sort: linear for the already-ordered rows of date-sorted files.
                if hi - lo > 1 {
                    if hi - lo > 64 {
                        order[lo..<hi].sort(by: precedes)
                    } else {
                        for k in (lo + 1)..<hi {
                            let v = order[k]
                            var m = k - 1
                            while m >= lo && precedes(v, order[m]) {
                                order[m + 1] = order[m]
                                m -= 1
                            }
                            order[m + 1] = v
                        }
                    }
                }
                let first = periodDay.count
                returnRows.removeAll(keepingCapacity: true)
                customerOrderKeys.removeAll(keepingCapacity: true)
                // Rows kept so far for this customer on the current day, to spot exact copies
                // wherever they sort (an empty order id sorts by line, not next to its copy).
                dayHashes.removeAll(keepingCapacity: true)
                var hashDay: Int32 = .min
                var currentKey: UInt32 = 0, currentDay: Int32 = 0, haveOrder = false
                for k in lo..<hi {
                    let idx = order[k]
                    let i = Int(idx)
                    if !keepDuplicates {
                        if day[i] != hashDay {
                            dayHashes.removeAll(keepingCapacity: true)
                            hashDay = day[i]
                        }
                        if let original = dayHashes.first(where: { $0.hash == hash[i] }) {
                            report.duplicates += 1
                            deferred.append(DeferredRejection(line: line[i], column: nil, reason: "exact duplicate of line \(original.line)"))
                            continue
                        }
                        dayHashes.append((hash[i], line[i]))
                    }
                    let a = amount[i]
                    if a < 0 {
                        if policy == .net { returnRows.append(idx); continue }
                        report.returns.kept += 1
                        report.returns.amount -= a
                    } else {
                        report.accepted += 1
                        if a == 0 { report.zeroAmounts += 1 }
                    }
                    if periodDay.count > first && periodDay[periodDay.count - 1] == day[i] {
                        periodAmount[periodAmount.count - 1] += a
                    } else {
                        periodDay.append(day[i])
                        periodAmount.append(a)
                        periodOrders.append(0)
                    }
                    if !haveOrder || orderKey[i] != currentKey || day[i] != currentDay {
                        haveOrder = true
                        currentKey = orderKey[i]
                        currentDay = day[i]
                        periodOrders[periodOrders.count - 1] += 1
                        orderTotals.append(a)
                        orderRefs.append(idx)
                        customerOrderKeys.append((currentKey, currentDay))
                    } else {
                        orderTotals[orderTotals.count - 1] += a
                    }
                }
                if !returnRows.isEmpty {
                    netReturns(returnRows, first: first, report: &report, deferred: &deferred, day: day, amount: amount, orderKey: orderKey, line: line, orderKeys: customerOrderKeys)
                }
                if periodDay.count == first { report.customersWithoutPurchases += 1 }
                periodStart.append(periodDay.count)
            }
        }}}}}

        // Only customer, day and line are needed from here on (outlier examples): free the rest.
        order = []
        offsets = []
        rows.orderKey = []
        rows.hash = []
        rows.amount = []
        report.purchasePeriods = periodDay.count
        report.orders = periodOrders.reduce(0) { $0 + Int($1) }
        report.totalSpend = periodAmount.reduce(0, +)
        flagOutliers(orderTotals: orderTotals, orderRefs: orderRefs, report: &report)
        rows = RowColumns()   // the periods are built: free the rows before the caller goes on
        deferred.sort { $0.line < $1.line }
        return deferred
    }

    /// Nets this customer's returns (in `returnRows`) against the periods from `first` on.
    private mutating func netReturns(
        _ returnRows: [Int32], first: Int, report: inout TransactionFileReport, deferred: inout [DeferredRejection],
        day: UnsafeBufferPointer<Int32>, amount: UnsafeBufferPointer<Double>, orderKey: UnsafeBufferPointer<UInt32>,
        line: UnsafeBufferPointer<Int32>, orderKeys: [(key: UInt32, day: Int32)]
    ) {
        var cancelled = [Bool](repeating: false, count: periodDay.count - first)
        for idx in returnRows {
            let i = Int(idx)
            report.returns.amount -= amount[i]
            // The order it returns (same order id), else the latest purchase on or before it.
            var targetDay = day[i]
            if hasOrderIDs, let match = orderKeys.first(where: { $0.key == orderKey[i] }) {
                targetDay = match.day
            }
            var p = periodDay.count - 1
            while p >= first && (periodDay[p] > targetDay || cancelled[p - first]) { p -= 1 }
            guard p >= first else {
                report.returns.unmatched += 1
                deferred.append(DeferredRejection(line: line[i], column: nil, reason: "return (negative amount) with no earlier purchase by this customer to net against"))
                continue
            }
            report.returns.netted += 1
            var remaining = -amount[i]
            while remaining > 0 && p >= first {
                if !cancelled[p - first] {
                    let take = min(remaining, periodAmount[p])
                    periodAmount[p] -= take
                    remaining -= take
                    if periodAmount[p] <= 1e-9 * max(1, take) {
                        cancelled[p - first] = true
                        report.returns.periodsCancelled += 1
                    }
                }
                p -= 1
            }
        }
        // Remove cancelled periods, keeping order.
        var write = first
        for read in first..<periodDay.count where !cancelled[read - first] {
            periodDay[write] = periodDay[read]
            periodAmount[write] = periodAmount[read]
            periodOrders[write] = periodOrders[read]
            write += 1
        }
        let excess = periodDay.count - write
        if excess > 0 {
            periodDay.removeLast(excess)
            periodAmount.removeLast(excess)
            periodOrders.removeLast(excess)
        }
    }

    /// Flags orders above `factor` × the median positive order.
    private mutating func flagOutliers(orderTotals: [Double], orderRefs: [Int32], report: inout TransactionFileReport) {
        var positive = orderTotals.filter { $0 > 0 }
        guard !positive.isEmpty else { return }
        let median = Quantiles.median(&positive)
        let threshold = median * options.outlierFactor
        report.outliers.medianOrder = median
        report.outliers.threshold = threshold
        var flagged: [(Double, Int32)] = []
        for k in orderTotals.indices where orderTotals[k] > threshold {
            flagged.append((orderTotals[k], orderRefs[k]))
        }
        report.outliers.count = flagged.count
        flagged.sort { $0.0 > $1.0 }
        outlierExamples = flagged.prefix(10).map { (total, ref) in
            let i = Int(ref)
            return (rows.customer[i], rows.day[i], total, rows.line[i])
        }
    }
}
