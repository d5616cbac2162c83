import Foundation

/// The second step of loading: groups the parsed rows by customer and turns them into purchase
/// periods, deciding duplicates, returns and outliers on the way. Large inputs are split into two
/// ranges of customers built on two threads and joined in order, so the result does not depend
/// on the split.
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
        var parts = Self.buildRanges(rows: rows, customers: customers, options: options, hasOrderIDs: hasOrderIDs)
        // Only customer, day and line are needed from here on (outlier examples): free the rest.
        rows.orderKey = []
        rows.hash = []
        rows.amount = []

        var periods = PeriodColumns()
        periods.reserve(customers: customers, periods: parts.reduce(0) { $0 + $1.periodDay.count })
        var deferred: [DeferredRejection] = []
        periods.absorb(&parts, deferred: &deferred, report: &report)
        periods.addTotals(to: &report)
        (periodStart, periodDay, periodAmount, periodOrders) = (periods.start, periods.day, periods.amount, periods.orders)
        flagOutliers(parts: parts, report: &report)
        parts = []
        rows = RowColumns()   // the periods are built: free the rows before the caller goes on
        deferred.sort { $0.line < $1.line }
        return deferred
    }

    /// The periods built by ``build(report:)``, as one block of every customer; the builder
    /// keeps none.
    mutating func takePeriods() -> PurchasePeriods {
        defer { (periodStart, periodDay, periodAmount, periodOrders) = ([], [], [], []) }
        return PurchasePeriods(firstCustomer: 0, start: periodStart, day: periodDay, amount: periodAmount, orders: periodOrders)
    }

    /// Sorts the rows by customer (a counting sort of their indexes) and builds the periods of
    /// customers `0..<customers` (every row's customer is in that range), in two ranges of
    /// customers with about half the rows each on two threads for large inputs.
    /// - Returns: the ranges' results, in customer order.
    static func buildRanges(rows: RowColumns, customers: Int, options: TransactionIngestOptions, hasOrderIDs: Bool) -> [CustomerRangeResult] {
        let n = rows.count
        // Both passes touch these at random: huge pages (see HugePages).
        var offsets = HugePages.array(repeating: 0, count: customers + 1)
        for c in rows.customer { offsets[Int(c) + 1] += 1 }
        for c in 0..<customers { offsets[c + 1] += offsets[c] }
        var order = HugePages.array(repeating: Int32(0), count: n)
        do {
            var cursor = HugePages.array(repeating: 0, count: customers + 1)
            cursor.withUnsafeMutableBufferPointer { cursor in
            order.withUnsafeMutableBufferPointer { order in
            rows.customer.withUnsafeBufferPointer { customer in
                for c in 0..<customers { cursor[c] = offsets[c] }
                for i in 0..<n {
                    let c = Int(customer[i])
                    order[cursor[c]] = Int32(i)
                    cursor[c] += 1
                }
            }}}
        }
        // Two ranges of customers with about half the rows each.
        var ranges = [0..<customers]
        if options.parallel && n >= options.minimumParallelRows && customers > 1 {
            var middle = 0
            while middle < customers && offsets[middle] < n / 2 { middle += 1 }
            ranges = [0..<middle, middle..<customers]
        }
        let work = CustomerRangeWork(rows: rows, order: order, offsets: offsets, options: options, hasOrderIDs: hasOrderIDs)
        let results = ParallelResults<CustomerRangeResult>(count: ranges.count)
        let split = ranges
        DispatchQueue.concurrentPerform(iterations: split.count) { k in
            results.set(k, work.run(split[k]))
        }
        order = []
        offsets = []
        let parts = ranges.indices.compactMap { try? results.value($0) }
        results.clear()
        return parts
    }

    /// Flags orders above `factor` × the median positive order.
    private mutating func flagOutliers(parts: [CustomerRangeResult], report: inout TransactionFileReport) {
        var positive: [Double] = []
        positive.reserveCapacity(parts.reduce(0) { $0 + $1.orderTotals.count })
        for part in parts { positive.append(contentsOf: part.orderTotals.lazy.filter { $0 > 0 }) }
        guard !positive.isEmpty else { return }
        let median = Quantiles.median(&positive)
        positive = []
        let threshold = median * options.outlierFactor
        report.outliers.medianOrder = median
        report.outliers.threshold = threshold
        var flagged: [(Double, Int32)] = []
        for part in parts {
            for k in part.orderTotals.indices where part.orderTotals[k] > threshold {
                flagged.append((part.orderTotals[k], part.orderRefs[k]))
            }
        }
        report.outliers.count = flagged.count
        flagged.sort { $0.0 > $1.0 }
        outlierExamples = flagged.prefix(10).map { (total, ref) in
            let i = Int(ref)
            return (rows.customer[i], rows.day[i], total, rows.line[i])
        }
    }
}

/// The purchase periods of every customer, as in ``TransactionHistory``, gathered from the
/// results of consecutive ranges of customers.
struct PeriodColumns {
    var start: [Int] = [0]
    var day: [Int32] = []
    var amount: [Double] = []
    var orders: [Int32] = []

    mutating func reserve(customers: Int, periods: Int) {
        start.reserveCapacity(customers + 1)
        day.reserveCapacity(periods)
        amount.reserveCapacity(periods)
        orders.reserveCapacity(periods)
    }

    /// Appends the periods of `parts` (the next ranges of customers, in order) and moves their
    /// rows set aside to `deferred` and their counts to `report`. Each part's periods are freed
    /// once moved, so that at most one part is held twice; its orders stay (for outliers).
    mutating func absorb(_ parts: inout [CustomerRangeResult], deferred: inout [DeferredRejection], report: inout TransactionFileReport) {
        for k in parts.indices {
            let base = day.count
            start.append(contentsOf: parts[k].periodEnds.lazy.map { $0 + base })
            day.append(contentsOf: parts[k].periodDay)
            amount.append(contentsOf: parts[k].periodAmount)
            orders.append(contentsOf: parts[k].periodOrders)
            parts[k].periodEnds = []
            parts[k].periodDay = []
            parts[k].periodAmount = []
            parts[k].periodOrders = []
            deferred.append(contentsOf: parts[k].deferred)
            parts[k].deferred = []
            parts[k].counts.add(to: &report)
        }
    }

    /// Appends the periods of `block` (the customers after those already in).
    mutating func append(_ block: PurchasePeriods) {
        let base = day.count
        start.append(contentsOf: block.start.dropFirst().lazy.map { $0 + base })
        day.append(contentsOf: block.day)
        amount.append(contentsOf: block.amount)
        orders.append(contentsOf: block.orders)
    }

    /// Periods, orders and total spend, once every customer is in.
    func addTotals(to report: inout TransactionFileReport) {
        var totals = PeriodTotals()
        totals.add(self)
        totals.set(in: &report)
    }
}

/// The report's period, order and spend totals, added up block by block in customer order
/// (the spend in the same order of additions as over all the periods at once, so the same
/// double).
struct PeriodTotals {
    private var periods = 0
    private var orders = 0
    private var spend = 0.0

    mutating func add(_ block: PeriodColumns) {
        periods += block.day.count
        orders = block.orders.reduce(orders) { $0 + Int($1) }
        spend = block.amount.reduce(spend, +)
    }

    func set(in report: inout TransactionFileReport) {
        report.purchasePeriods = periods
        report.orders = orders
        report.totalSpend = spend
    }
}

/// Row counts decided while building periods.
struct BuildCounts {
    var accepted = 0
    var zeroAmounts = 0
    var duplicates = 0
    var returnsKept = 0
    var returnsNetted = 0
    var returnsUnmatched = 0
    var periodsCancelled = 0
    var returnedAmount = 0.0
    var customersWithoutPurchases = 0

    func add(to report: inout TransactionFileReport) {
        report.accepted += accepted
        report.zeroAmounts += zeroAmounts
        report.duplicates += duplicates
        report.returns.kept += returnsKept
        report.returns.netted += returnsNetted
        report.returns.unmatched += returnsUnmatched
        report.returns.periodsCancelled += periodsCancelled
        report.returns.amount += returnedAmount
        report.customersWithoutPurchases += customersWithoutPurchases
    }
}

/// The periods of one range of customers.
struct CustomerRangeResult: Sendable {
    /// End of each customer's periods, relative to this part.
    var periodEnds: [Int] = []
    var periodDay: [Int32] = []
    var periodAmount: [Double] = []
    var periodOrders: [Int32] = []
    var orderTotals: [Double] = []
    /// First row of each order.
    var orderRefs: [Int32] = []
    var deferred: [DeferredRejection] = []
    var counts = BuildCounts()
}

/// Builds the periods of a range of customers from the rows sorted by customer (read only).
struct CustomerRangeWork: Sendable {
    let rows: RowColumns
    let order: [Int32]
    let offsets: [Int]
    let options: TransactionIngestOptions
    let hasOrderIDs: Bool

    func run(_ range: Range<Int>) -> CustomerRangeResult {
        var out = CustomerRangeResult()
        let rowCount = range.isEmpty ? 0 : offsets[range.upperBound] - offsets[range.lowerBound]
        out.periodEnds.reserveCapacity(range.count)
        out.periodDay.reserveCapacity(rowCount)
        out.periodAmount.reserveCapacity(rowCount)
        out.periodOrders.reserveCapacity(rowCount)
        out.orderTotals.reserveCapacity(rowCount)
        out.orderRefs.reserveCapacity(rowCount)
        var sorted: [Int32] = []
        var returnRows: [Int32] = []
        var dayHashes: [(hash: UInt32, line: Int32)] = []
        var customerOrderKeys: [(key: UInt32, day: Int32)] = []
        let policy = options.returns
        let keepDuplicates = options.keepDuplicates
        let useOrderKey = hasOrderIDs

        rows.day.withUnsafeBufferPointer { day in
        rows.amount.withUnsafeBufferPointer { amount in
        rows.orderKey.withUnsafeBufferPointer { orderKey in
        rows.hash.withUnsafeBufferPointer { hash in
        rows.line.withUnsafeBufferPointer { line in
            // Order: day, then order id (so an order's lines are adjacent), then row hash, then
            // line. Without order ids the key is the line number and is not used.
            func precedes(_ x: Int32, _ y: Int32) -> Bool {
                let i = Int(x), j = Int(y)
                if day[i] != day[j] { return day[i] < day[j] }
                if useOrderKey && orderKey[i] != orderKey[j] { return orderKey[i] < orderKey[j] }
                if hash[i] != hash[j] { return hash[i] < hash[j] }
                return line[i] < line[j]
            }
            for c in range {
                let lo = offsets[c], hi = offsets[c + 1]
                sorted.removeAll(keepingCapacity: true)
                sorted.append(contentsOf: order[lo..<hi])
                // Insertion sort: linear for the already-ordered rows of date-sorted files.
                if sorted.count > 64 {
                    sorted.sort(by: precedes)
                } else if sorted.count > 1 {
                    for k in 1..<sorted.count {
                        let v = sorted[k]
                        var m = k - 1
                        while m >= 0 && precedes(v, sorted[m]) {
                            sorted[m + 1] = sorted[m]
                            m -= 1
                        }
                        sorted[m + 1] = v
                    }
                }
                let first = out.periodDay.count
                returnRows.removeAll(keepingCapacity: true)
                customerOrderKeys.removeAll(keepingCapacity: true)
                // Rows kept so far for this customer on the current day, to spot exact copies
                // wherever they sort (an empty order id sorts by line, not next to its copy).
                dayHashes.removeAll(keepingCapacity: true)
                var hashDay: Int32 = .min
                var currentKey: UInt32 = 0, currentDay: Int32 = 0, haveOrder = false
                for idx in sorted {
                    let i = Int(idx)
                    if !keepDuplicates {
                        if day[i] != hashDay {
                            dayHashes.removeAll(keepingCapacity: true)
                            hashDay = day[i]
                        }
                        if let original = dayHashes.first(where: { $0.hash == hash[i] }) {
                            out.counts.duplicates += 1
                            out.deferred.append(DeferredRejection(line: line[i], column: nil, reason: "exact duplicate of line \(original.line)"))
                            continue
                        }
                        dayHashes.append((hash[i], line[i]))
                    }
                    let a = amount[i]
                    if a < 0 {
                        if policy == .net { returnRows.append(idx); continue }
                        out.counts.returnsKept += 1
                        out.counts.returnedAmount -= a
                    } else {
                        out.counts.accepted += 1
                        if a == 0 { out.counts.zeroAmounts += 1 }
                    }
                    if out.periodDay.count > first && out.periodDay[out.periodDay.count - 1] == day[i] {
                        out.periodAmount[out.periodAmount.count - 1] += a
                    } else {
                        out.periodDay.append(day[i])
                        out.periodAmount.append(a)
                        out.periodOrders.append(0)
                    }
                    if !haveOrder || orderKey[i] != currentKey || day[i] != currentDay {
                        haveOrder = true
                        currentKey = orderKey[i]
                        currentDay = day[i]
                        out.periodOrders[out.periodOrders.count - 1] += 1
                        out.orderTotals.append(a)
                        out.orderRefs.append(idx)
                        customerOrderKeys.append((currentKey, currentDay))
                    } else {
                        out.orderTotals[out.orderTotals.count - 1] += a
                    }
                }
                if !returnRows.isEmpty {
                    netReturns(returnRows, first: first, into: &out, day: day, amount: amount, orderKey: orderKey, line: line, orderKeys: customerOrderKeys)
                }
                if out.periodDay.count == first { out.counts.customersWithoutPurchases += 1 }
                out.periodEnds.append(out.periodDay.count)
            }
        }}}}}
        return out
    }

    /// Nets one customer's returns against their periods from `first` on: the order with the
    /// same order id, else the latest purchase on or before the return; a period brought to zero
    /// or below is removed and what is left carries to the one before.
    private func netReturns(
        _ returnRows: [Int32], first: Int, into out: inout CustomerRangeResult,
        day: UnsafeBufferPointer<Int32>, amount: UnsafeBufferPointer<Double>, orderKey: UnsafeBufferPointer<UInt32>,
        line: UnsafeBufferPointer<Int32>, orderKeys: [(key: UInt32, day: Int32)]
    ) {
        var cancelled = [Bool](repeating: false, count: out.periodDay.count - first)
        for idx in returnRows {
            let i = Int(idx)
            out.counts.returnedAmount -= amount[i]
            var targetDay = day[i]
            if hasOrderIDs, let match = orderKeys.first(where: { $0.key == orderKey[i] }) {
                targetDay = match.day
            }
            var p = out.periodDay.count - 1
            while p >= first && (out.periodDay[p] > targetDay || cancelled[p - first]) { p -= 1 }
            guard p >= first else {
                out.counts.returnsUnmatched += 1
                out.deferred.append(DeferredRejection(line: line[i], column: nil, reason: "return (negative amount) with no earlier purchase by this customer to net against"))
                continue
            }
            out.counts.returnsNetted += 1
            var remaining = -amount[i]
            while remaining > 0 && p >= first {
                if !cancelled[p - first] {
                    let take = min(remaining, out.periodAmount[p])
                    out.periodAmount[p] -= take
                    remaining -= take
                    if out.periodAmount[p] <= 1e-9 * max(1, take) {
                        cancelled[p - first] = true
                        out.counts.periodsCancelled += 1
                    }
                }
                p -= 1
            }
        }
        var write = first
        for read in first..<out.periodDay.count where !cancelled[read - first] {
            out.periodDay[write] = out.periodDay[read]
            out.periodAmount[write] = out.periodAmount[read]
            out.periodOrders[write] = out.periodOrders[read]
            write += 1
        }
        let excess = out.periodDay.count - write
        if excess > 0 {
            out.periodDay.removeLast(excess)
            out.periodAmount.removeLast(excess)
            out.periodOrders.removeLast(excess)
        }
    }
}
