/// The per-customer features clustering can use, by name, stored by column.
///
/// ``init(summary:)`` takes the columns of a ``CustomerSummary``; other per-customer aggregates
/// (tickets, surveys, events) are added with ``append(name:label:values:)``, one value per
/// summary row, and are then chosen by name like the others. ``matrix(features:)`` builds the
/// row-major n × d matrix of a chosen subset.
public struct ClusterFeatures: Sendable {
    /// One named column.
    public struct Feature: Sendable {
        /// The name used on the command line and in output (snake_case, as the summary's column).
        public var name: String
        /// A readable label for cluster names.
        public var label: LocalizedText
        /// One value per customer.
        public var values: [Double]
    }

    /// The features, in order.
    public private(set) var features: [Feature]
    /// Number of customers.
    public let count: Int

    /// The names of the features available, in order.
    public var names: [String] { features.map(\.name) }

    /// The features used when none are chosen: recency, frequency and value of the trailing window,
    /// the whole-period average order value and the customer's age.
    public static let defaultNames = ["days_since_last", "window_orders", "window_spend", "average_order_value", "T"]

    /// No features yet, for `count` customers.
    public init(count: Int) {
        self.count = count
        features = []
    }

    /// The numeric columns of a customer summary: orders, total_spend, average_order_value,
    /// frequency, recency, T, monetary_value, days_since_last, window_orders, window_spend and,
    /// for a calibration summary, frequency_holdout and monetary_value_holdout.
    /// - Complexity: O(n) per column.
    public init(summary s: CustomerSummary) {
        self.init(count: s.count)
        let n = s.count
        func add(_ name: String, _ en: String, _ zh: String, _ values: [Double]) {
            features.append(Feature(name: name, label: LocalizedText(en: en, zh: zh), values: values))
        }
        add("orders", "orders", "订单数", s.orders.map { Double($0) })
        add("total_spend", "total spend", "总消费", s.totalSpend)
        add("average_order_value", "average order value", "平均订单金额", (0..<n).map { s.averageOrderValue($0) })
        add("frequency", "repeat purchases", "复购次数", s.frequency.map { Double($0) })
        add("recency", "purchase span", "购买跨度", s.recency)
        add("T", "customer age", "客户年龄", s.T)
        add("monetary_value", "repeat purchase value", "复购平均金额", s.monetaryValue)
        add("days_since_last", "days since last purchase", "距上次购买天数", s.daysSinceLast.map { Double($0) })
        add("window_orders", "recent orders", "近期订单数", s.windowOrders.map { Double($0) })
        add("window_spend", "recent spend", "近期消费", s.windowSpend)
        if s.calibrationEnd != nil {
            add("frequency_holdout", "holdout purchases", "验证期购买次数", s.frequencyHoldout.map { Double($0) })
            add("monetary_value_holdout", "holdout purchase value", "验证期平均金额", s.monetaryValueHoldout)
        }
    }

    /// Adds a feature (a ticket, survey or event aggregate, say).
    /// - Parameters:
    ///   - name: a name not yet used.
    ///   - label: its readable label; the name when nil.
    ///   - values: one finite value per customer, in the order of the others.
    /// - Throws: ``SegmentationError`` for a used name, a wrong length or a value that is not finite.
    public mutating func append(name: String, label: LocalizedText? = nil, values: [Double]) throws {
        guard !names.contains(name) else { throw SegmentationError("feature \(name) is already defined") }
        guard values.count == count else {
            throw SegmentationError("feature \(name) has \(values.count) values for \(count) customers")
        }
        guard values.allSatisfy(\.isFinite) else { throw SegmentationError("feature \(name) has values that are not finite") }
        features.append(Feature(name: name, label: label ?? LocalizedText(en: name.replacingOccurrences(of: "_", with: " ")),
                                values: values))
    }

    /// The feature called `name`, if any.
    public func feature(_ name: String) -> Feature? { features.first { $0.name == name } }

    /// The n × d matrix of the chosen features, row-major, columns in the order given.
    /// - Parameter chosen: distinct names of available features, at least one.
    /// - Throws: ``SegmentationError`` naming an unknown or repeated feature and listing the valid ones.
    /// - Complexity: O(n · d).
    public func matrix(features chosen: [String]) throws -> Matrix {
        guard !chosen.isEmpty else { throw SegmentationError("choose at least one feature; available: \(names.joined(separator: ", "))") }
        var columns: [[Double]] = []
        for name in chosen {
            guard let f = feature(name) else {
                throw SegmentationError("unknown feature \(name); available: \(names.joined(separator: ", "))")
            }
            columns.append(f.values)
        }
        guard Set(chosen).count == chosen.count else { throw SegmentationError("a feature is chosen twice: \(chosen.joined(separator: ", "))") }
        let d = columns.count
        var elements = [Double](repeating: 0, count: count * d)
        for (j, column) in columns.enumerated() {
            for i in 0..<count { elements[i * d + j] = column[i] }
        }
        return Matrix(rows: count, columns: d, elements: elements)
    }
}
