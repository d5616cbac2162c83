import Foundation

/// The per-customer inputs of RFM, the value matrix and ABC analysis, stored by column so that
/// every classification loops over contiguous `[Double]`s.
///
/// From a ``CustomerSummary`` (``init(summary:)``), following references.md (RFM):
/// - R = ``recencyDays`` = `days_since_last`: days from the last purchase to the observation end;
/// - F = ``frequency`` = `window_orders`: orders in the trailing window (default 365 days);
/// - M = ``monetary`` = `window_spend`: net spend in the same window;
/// - ``orders`` and ``totalSpend``: orders and net spend over the whole observation period, for
///   the average order value of the value matrix and of the segment summary.
///
/// A customer with no order in the window has F = 0 and M = 0 but keeps their whole-period
/// average order value.
public struct RFMInput: Sendable {
    /// Days since the last purchase (≥ 0); fewer is more recent.
    public var recencyDays: [Double]
    /// Orders in the window (≥ 0).
    public var frequency: [Double]
    /// Net spend in the window.
    public var monetary: [Double]
    /// Orders over the whole period (≥ 0).
    public var orders: [Double]
    /// Net spend over the whole period.
    public var totalSpend: [Double]

    /// Number of customers.
    public var count: Int { recencyDays.count }

    /// Inputs given column by column; every column holds one finite value per customer.
    /// - Parameters:
    ///   - recencyDays: days since each customer's last purchase.
    ///   - frequency: orders in the window.
    ///   - monetary: spend in the window.
    ///   - orders: orders over the whole period; `frequency` when nil.
    ///   - totalSpend: spend over the whole period; `monetary` when nil.
    public init(recencyDays: [Double], frequency: [Double], monetary: [Double],
                orders: [Double]? = nil, totalSpend: [Double]? = nil) {
        precondition(frequency.count == recencyDays.count && monetary.count == recencyDays.count,
                     "RFM columns of different lengths")
        self.recencyDays = recencyDays
        self.frequency = frequency
        self.monetary = monetary
        self.orders = orders ?? frequency
        self.totalSpend = totalSpend ?? monetary
        precondition(self.orders.count == recencyDays.count && self.totalSpend.count == recencyDays.count,
                     "RFM columns of different lengths")
    }

    /// R = `days_since_last`, F = `window_orders`, M = `window_spend` of the summary's trailing
    /// window; orders and spend over the whole period for the average order value.
    /// - Complexity: O(n).
    public init(summary: CustomerSummary) {
        self.init(recencyDays: summary.daysSinceLast.map { Double($0) },
                  frequency: summary.windowOrders.map { Double($0) },
                  monetary: summary.windowSpend,
                  orders: summary.orders.map { Double($0) },
                  totalSpend: summary.totalSpend)
    }

    /// Net spend per order over the whole period (0 without orders).
    @inline(__always)
    public func averageOrderValue(_ i: Int) -> Double {
        orders[i] > 0 ? totalSpend[i] / orders[i] : 0
    }
}

/// One of the three RFM dimensions.
public enum RFMDimension: String, Sendable, Hashable, Codable, CaseIterable {
    case recency, frequency, monetary
}

extension RFMInput {
    /// The three RFM columns sorted ascending, made once and shared by the quantile scores,
    /// the value matrix and ABC analysis.
    struct SortedColumns: Sendable {
        var recency: [Double]
        var frequency: [Double]
        var monetary: [Double]
    }

    /// Sorts the three columns (``Quantiles/sortedAscending(_:)``), spend on one thread and the
    /// whole-number columns on another.
    /// - Complexity: O(n).
    func sortedColumns() -> SortedColumns {
        let sorted = SortedArrays(count: 3)
        let columns = [recencyDays, frequency, monetary]
        DispatchQueue.concurrentPerform(iterations: 2) { k in
            if k == 0 {
                sorted.set(2, Quantiles.sortedAscending(columns[2]))
            } else {
                sorted.set(0, Quantiles.sortedAscending(columns[0]))
                sorted.set(1, Quantiles.sortedAscending(columns[1]))
            }
        }
        return SortedColumns(recency: sorted.get(0), frequency: sorted.get(1), monetary: sorted.get(2))
    }
}

/// One result slot per parallel task; each task writes only its own.
final class SortedArrays: @unchecked Sendable {
    private var arrays: [[Double]]
    private let lock = NSLock()
    init(count: Int) { arrays = Array(repeating: [], count: count) }
    func set(_ k: Int, _ array: [Double]) { lock.lock(); arrays[k] = array; lock.unlock() }
    func get(_ k: Int) -> [Double] { lock.lock(); defer { lock.unlock() }; return arrays[k] }
}
