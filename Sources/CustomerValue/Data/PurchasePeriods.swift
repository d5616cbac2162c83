/// The purchase periods of a block of consecutive customers, as the transactions loader hands
/// them out one partition at a time (see ``TransactionLoader/stream(path:options:quarantine:progress:start:periods:)``).
///
/// The same layout as ``TransactionHistory``: the periods of the block's `k`-th customer
/// (customer index `firstCustomer + k` of the whole file) are `start[k]..<start[k + 1]`, in
/// increasing day order, with `start[0] == 0`.
public struct PurchasePeriods: Sendable {
    /// Customer index (in the file's ``IdentifierTable``) of the block's first customer.
    public var firstCustomer: Int
    /// Offsets into the period arrays, `customerCount + 1` entries, the first 0.
    public var start: [Int]
    /// Day of each purchase period.
    public var day: [Int32]
    /// Amount of each purchase period.
    public var amount: [Double]
    /// Number of orders in each purchase period.
    public var orders: [Int32]

    /// - Parameters: as the properties of the same names; `start.first == 0` and
    ///   `start.last == day.count == amount.count == orders.count`.
    public init(firstCustomer: Int, start: [Int], day: [Int32], amount: [Double], orders: [Int32]) {
        precondition(start.first == 0 && start.last == day.count && day.count == amount.count && day.count == orders.count,
                     "inconsistent purchase period columns")
        self.firstCustomer = firstCustomer
        self.start = start
        self.day = day
        self.amount = amount
        self.orders = orders
    }

    /// Number of customers in the block (including any left without purchases by returns).
    public var customerCount: Int { start.count - 1 }

    /// The range of period indexes of the block's `k`-th customer (`0 ≤ k < customerCount`).
    @inline(__always)
    public func periods(of k: Int) -> Range<Int> { start[k]..<start[k + 1] }
}

extension TransactionHistory {
    /// Every customer's periods as one block (the arrays are shared, not copied).
    public var allPeriods: PurchasePeriods {
        PurchasePeriods(firstCustomer: 0, start: periodStart, day: periodDay, amount: periodAmount, orders: periodOrders)
    }
}
