import Foundation

/// The second step of loading for files with more rows than the row budget
/// (``TransactionIngestOptions/rowBudget``): builds the same purchase periods as
/// ``HistoryBuilder``, holding one partition of the rows in memory at a time.
///
/// The parsed rows wait on disk in file order (``RowSpillFile``, one file per part of the file
/// read on its own thread). They are first written again into partitions of consecutive
/// customer indexes (customers `p·B ..< (p+1)·B`, about a row budget's worth of rows each);
/// then each partition is read back and built exactly as ``HistoryBuilder`` builds the whole
/// file. Consecutive ranges rather than index modulo keep the output in customer order: each
/// partition's periods go to a consumer as one block of consecutive customers and are dropped
/// (``TransactionLoader/stream(path:options:quarantine:progress:start:periods:)``), so a
/// per-customer consumer such as ``CustomerSummary`` never holds every period; the consumer of
/// ``TransactionLoader/load(path:options:quarantine:progress:)`` appends them into the same
/// ``TransactionHistory`` whichever path built it. Every per-customer decision (duplicates, same-day and order-id
/// merging, returns netting) needs only that customer's rows, which sit in one partition.
///
/// The two global facts come from outside the partitions: the observation end was fixed while
/// parsing, and the outlier rule's median order is exact although no partition sees all the
/// orders: every order's total goes to a temporary file and a histogram of the upper 20 bits of
/// the positive totals' bit patterns (for positive doubles, the order of the bit patterns is
/// the order of the values); the bucket holding the middle order(s) is then read back and
/// sorted. The outlier examples are the ten largest orders, ties in customer order, as the
/// stable sort of ``HistoryBuilder`` leaves them.
struct SpilledHistoryBuilder {
    /// One file of spilled rows and how to renumber its rows into the whole file's customers
    /// and lines (see ``RowColumns/renumber(from:customers:lineOffset:lineKeyed:)``).
    struct Source {
        var file: RowSpillFile
        var mapping: [Int32]?
        var lineOffset = 0
        var allRowsLineKeyed = false
    }

    let sources: [Source]
    let customers: Int
    let options: TransactionIngestOptions
    let hasOrderIDs: Bool

    /// At most this many partition files are open at once.
    static let maximumPartitions = 256

    /// Builds the periods of every customer, one partition at a time, and hands each
    /// partition's periods to `consume` (in customer order) before building the next: no more
    /// than one partition's periods are held here. Counts go to `report` as ``HistoryBuilder``
    /// puts them.
    /// - Throws: ``InputError`` when a temporary file cannot be written or read; what `consume` throws.
    /// - Complexity: O(rows) plus the sort of each customer's rows; two more writes and reads
    ///   of the rows (28 bytes each) through temporary files.
    func build(report: inout TransactionFileReport, periods consume: (PurchasePeriods) throws -> Void) throws -> BuiltHistory {
        let totalRows = sources.reduce(0) { $0 + $1.file.rowCount }
        let wanted = (totalRows + max(1, options.rowBudget) - 1) / max(1, options.rowBudget)
        let partitionCount = max(1, min(Self.maximumPartitions, customers, wanted))
        let width = max(1, (customers + partitionCount - 1) / partitionCount)
        var partitions = try partition(width: width, count: partitionCount)

        var built = BuiltHistory()
        var totals = PeriodTotals()
        var orders = try OrderTotalsTally()
        for p in partitions.indices {
            var rows = RowColumns()
            var ignored: [Int32] = []
            if let file = partitions[p] {
                for k in file.chunks.indices { try file.read(chunk: k, into: &rows, lineKeyed: &ignored) }
            }
            partitions[p] = nil   // closes (and so deletes) the partition's file
            let lower = p * width
            let upper = min(customers, lower + width)
            guard lower < upper else { continue }
            rows.customer.withUnsafeMutableBufferPointer { customer in
                for i in customer.indices { customer[i] -= Int32(lower) }
            }
            var parts = HistoryBuilder.buildRanges(rows: rows, customers: upper - lower, options: options, hasOrderIDs: hasOrderIDs)
            for part in parts {
                for (total, ref) in zip(part.orderTotals, part.orderRefs) {
                    let i = Int(ref)
                    try orders.add(total) { (rows.customer[i] + Int32(lower), rows.day[i], total, rows.line[i]) }
                }
            }
            var periods = PeriodColumns()
            periods.absorb(&parts, deferred: &built.deferred, report: &report)
            totals.add(periods)
            try consume(PurchasePeriods(firstCustomer: lower, start: periods.start, day: periods.day,
                                        amount: periods.amount, orders: periods.orders))
        }
        totals.set(in: &report)
        built.outlierExamples = try orders.flagOutliers(factor: options.outlierFactor, report: &report)
        built.deferred.sort { $0.line < $1.line }
        return built
    }

    /// Writes every source's rows, renumbered, into partition files of `width` consecutive
    /// customers each; nil for a partition without rows.
    private func partition(width: Int, count: Int) throws -> [RowSpillFile?] {
        var files = [RowSpillFile?](repeating: nil, count: count)
        var chunk = RowColumns()
        var lineKeyed: [Int32] = []
        var order: [Int32] = []
        var bounds = [Int](repeating: 0, count: count + 1)
        for source in sources {
            for k in source.file.chunks.indices {
                chunk.removeAll()
                lineKeyed.removeAll(keepingCapacity: true)
                try source.file.read(chunk: k, into: &chunk, lineKeyed: &lineKeyed)
                if let mapping = source.mapping {
                    chunk.renumber(from: 0, customers: mapping, lineOffset: source.lineOffset,
                                   lineKeyed: source.allRowsLineKeyed ? nil : lineKeyed)
                }
                // A counting sort of the chunk's rows by partition (stable: file order is kept
                // within a partition, although the build does not depend on it).
                for b in bounds.indices { bounds[b] = 0 }
                for c in chunk.customer { bounds[Int(c) / width + 1] += 1 }
                for b in 0..<count { bounds[b + 1] += bounds[b] }
                order = [Int32](repeating: 0, count: chunk.count)
                var cursor = bounds
                for (i, c) in chunk.customer.enumerated() {
                    let p = Int(c) / width
                    order[cursor[p]] = Int32(i)
                    cursor[p] += 1
                }
                let sorted = chunk.gathered(order)
                for p in 0..<count where bounds[p] < bounds[p + 1] {
                    let file = try files[p] ?? RowSpillFile()
                    files[p] = file
                    try file.append(sorted, range: bounds[p]..<bounds[p + 1])
                }
            }
        }
        return files
    }
}

/// What a history builder produced besides the periods: the largest outlier orders, and the
/// rows set aside (for the quarantine), in line order.
struct BuiltHistory {
    var outlierExamples: [(customer: Int32, day: Int32, amount: Double, line: Int32)] = []
    var deferred: [DeferredRejection] = []
}

/// Every order's total, seen once in customer order, for the outlier rule: the exact median of
/// the positive totals without holding them all in memory (a histogram over the bit patterns,
/// the totals themselves in a temporary file), and the ten largest orders.
struct OrderTotalsTally {
    typealias Example = (customer: Int32, day: Int32, amount: Double, line: Int32)

    /// Buckets by the upper 20 bits of a positive double's bit pattern (the sign bit is 0):
    /// 2^19 buckets, 256 per power of two.
    private static let shift: UInt64 = 44
    private var histogram = [Int](repeating: 0, count: 1 << 19)
    private var positives = 0
    private let file: TemporaryFile
    private var buffer: [Double] = []
    /// The largest orders so far, largest first, ties in the order seen.
    private var largest: [Example] = []
    private static let examples = 10

    init() throws {
        file = try TemporaryFile()
        buffer.reserveCapacity(1 << 16)
    }

    /// Adds one order's total; `example` describes it, called only when it is among the largest.
    mutating func add(_ total: Double, example: () -> Example) throws {
        buffer.append(total)
        if buffer.count == buffer.capacity { try flush() }
        if total > 0 {
            positives += 1
            histogram[Int(total.bitPattern >> Self.shift)] += 1
        }
        if largest.count < Self.examples || total > largest[largest.count - 1].amount {
            // After every equal total: ties stay in the order seen.
            let at = largest.firstIndex { $0.amount < total } ?? largest.count
            largest.insert(example(), at: at)
            if largest.count > Self.examples { largest.removeLast() }
        }
    }

    private mutating func flush() throws {
        try file.append(buffer, 0..<buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Calls `body` with the totals, in blocks, in the order they were added.
    private func forEachBlock(_ body: (ArraySlice<Double>) -> Void) throws {
        var offset = 0
        var block: [Double] = []
        let stored = file.size / MemoryLayout<Double>.stride
        var read = 0
        while read < stored {
            let n = min(1 << 16, stored - read)
            block.removeAll(keepingCapacity: true)
            try file.read(n, at: &offset, into: &block)
            body(block[...])
            read += n
        }
        body(buffer[...])
    }

    /// Sets the median positive order, the threshold (`factor` × the median) and the number of
    /// orders above it in `report`, as ``HistoryBuilder`` does; nothing without a positive order.
    /// - Returns: the ten largest orders above the threshold, largest first.
    mutating func flagOutliers(factor: Double, report: inout TransactionFileReport) throws -> [Example] {
        guard positives > 0 else { return [] }
        // The middle ranks (0-based): the upper middle, and for an even count the lower one too.
        let upperRank = positives / 2
        let lowerRank = positives % 2 == 1 ? upperRank : upperRank - 1
        var bucketStart: [Int: Int] = [:]   // bucket → rank of its first value
        var seen = 0
        for (b, n) in histogram.enumerated() where n > 0 {
            if seen + n > lowerRank && seen <= upperRank { bucketStart[b] = seen }
            seen += n
            if seen > upperRank { break }
        }
        var middle: [Int: [Double]] = [:]
        try forEachBlock { block in
            for v in block where v > 0 {
                let b = Int(v.bitPattern >> Self.shift)
                if bucketStart[b] != nil { middle[b, default: []].append(v) }
            }
        }
        func value(ofRank rank: Int) -> Double {
            for (b, first) in bucketStart {
                guard let values = middle[b], rank >= first, rank < first + values.count else { continue }
                return values.sorted()[rank - first]
            }
            preconditionFailure("the histogram and the file of order totals disagree")
        }
        let upper = value(ofRank: upperRank)
        let median = lowerRank == upperRank ? upper : (value(ofRank: lowerRank) + upper) / 2
        let threshold = median * factor
        report.outliers.medianOrder = median
        report.outliers.threshold = threshold
        var count = 0
        try forEachBlock { block in
            for v in block where v > threshold { count += 1 }
        }
        report.outliers.count = count
        return largest.filter { $0.amount > threshold }
    }
}

extension RowColumns {
    /// The rows at `order`, in that order.
    func gathered(_ order: [Int32]) -> RowColumns {
        func gather<T>(_ column: [T]) -> [T] { order.map { column[Int($0)] } }
        var out = RowColumns()
        out.customer = gather(customer)
        out.day = gather(day)
        out.amount = gather(amount)
        out.orderKey = gather(orderKey)
        out.line = gather(line)
        out.hash = gather(hash)
        return out
    }
}
