/// Error for model input that no purchase model can use, naming the row.
public struct ModelInputError: Error, CustomStringConvertible, Sendable {
    /// What is wrong, naming the file, line and column where known.
    public var message: String
    /// An error with its message.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// The frequency / recency / age of every customer, as the buy-till-you-die models see them,
/// compressed: customers with identical (x, t_x, T) are stored once with a count, so the
/// likelihood is evaluated once per distinct history (a large saving on real data, where many
/// customers share a history, above all the one-time buyers of each cohort).
public struct PurchaseData: Sendable {
    /// Repeat purchases x of each distinct history.
    public var frequency: [Double]
    /// Recency t_x (time of the last purchase since the first).
    public var recency: [Double]
    /// Age T (observation end − first purchase).
    public var age: [Double]
    /// Customers with this history.
    public var count: [Double]
    /// Index of each customer's history (in input order), for predictions per customer.
    public var historyOfCustomer: [Int32]

    /// Number of customers.
    public var customers: Int { historyOfCustomer.count }
    /// Number of distinct histories.
    public var histories: Int { frequency.count }

    /// Builds the data from per-customer values, checking them.
    /// - Parameters:
    ///   - frequency: repeat purchases, ≥ 0 (whole numbers).
    ///   - recency: 0 ≤ t_x ≤ T; t_x > 0 when x > 0 (a repeat purchase takes time).
    ///   - age: T ≥ 0.
    ///   - counts: customers per row (default 1 each), ≥ 1.
    ///   - rowLabel: how to name row `i` in an error (e.g. "line 12").
    /// - Throws: ``ModelInputError`` naming the first bad row.
    public init(
        frequency: [Double], recency: [Double], age: [Double], counts: [Double]? = nil,
        rowLabel: (Int) -> String = { "row \($0 + 1)" }
    ) throws {
        precondition(frequency.count == recency.count && recency.count == age.count, "columns of different lengths")
        var index = HistoryTable()  // (x, t_x, T) → history
        self.frequency = []
        self.recency = []
        self.age = []
        self.count = []
        historyOfCustomer = []
        historyOfCustomer.reserveCapacity(frequency.count)
        for i in frequency.indices {
            let x = frequency[i], tx = recency[i], T = age[i]
            let n = counts?[i] ?? 1
            guard x.isFinite, tx.isFinite, T.isFinite, n.isFinite else {
                throw ModelInputError("\(rowLabel(i)): frequency, recency and T must be numbers")
            }
            guard x >= 0, x == x.rounded() else {
                throw ModelInputError("\(rowLabel(i)): frequency \(x) must be a whole number ≥ 0")
            }
            guard tx >= 0, T >= 0 else {
                throw ModelInputError("\(rowLabel(i)): recency \(tx) and T \(T) must not be negative")
            }
            guard tx <= T * (1 + 1e-12) else {
                throw ModelInputError("\(rowLabel(i)): recency \(tx) is greater than T \(T) (the last purchase cannot come after the observation end)")
            }
            guard x == 0 || tx > 0 else {
                throw ModelInputError("\(rowLabel(i)): frequency \(Int(x)) with recency 0: repeat purchases at the very moment of the first one (same-day purchases should be merged into one period)")
            }
            guard x > 0 || tx == 0 else {
                throw ModelInputError("\(rowLabel(i)): frequency 0 with recency \(tx): without a repeat purchase recency must be 0")
            }
            guard n >= 1, n == n.rounded() else {
                throw ModelInputError("\(rowLabel(i)): count \(n) must be a whole number ≥ 1")
            }
            let k = index.find(x: x, tx: min(tx, T), T: T, next: Int32(self.frequency.count))
            if Int(k) < self.frequency.count {
                self.count[Int(k)] += n
                historyOfCustomer.append(k)
            } else {
                self.frequency.append(x)
                self.recency.append(min(tx, T))
                self.age.append(T)
                self.count.append(n)
                historyOfCustomer.append(k)
            }
        }
        guard !self.frequency.isEmpty else { throw ModelInputError("no customers to fit") }
    }

    /// The data of a customer summary (calibration columns when it was split).
    public init(summary: CustomerSummary) throws {
        try self.init(
            frequency: summary.frequency.map(Double.init), recency: summary.recency, age: summary.T,
            rowLabel: { "customer \(summary.customerID($0))" })
    }

    /// A weighted subsample that stands for the whole data: every history with a count of at
    /// least `step` (the few common ones) with its count, and every `step`-th of the others with
    /// its count times `step` (each of them is drawn with probability 1/`step`, so the weighted
    /// sums are unbiased: Horvitz & Thompson 1952, JASA 47(260), 663–685). A cheap likelihood to
    /// start a fit of a large data set from.
    func subsample(step: Int) throws -> PurchaseData {
        var x: [Double] = [], tx: [Double] = [], T: [Double] = [], n: [Double] = []
        let weight = Double(step)
        var light = 0
        for h in 0..<histories {
            if count[h] >= weight {
                n.append(count[h])
            } else {
                light += 1
                guard light % step == 0 else { continue }
                n.append(count[h] * weight)
            }
            x.append(frequency[h])
            tx.append(recency[h])
            T.append(age[h])
        }
        return try PurchaseData(frequency: x, recency: tx, age: T, counts: n)
    }

    /// Total customers weighted by count.
    public var totalCount: Double { count.reduce(0, +) }

    /// Mean age T over the customers.
    var meanAge: Double { zip(age, count).reduce(0) { $0 + $1.0 * $1.1 } / totalCount }

    /// The observed mean purchase rate, mean x over mean T (x taken as at least 0.01): the
    /// moment-style scale the fits of the purchase models start from.
    var meanPurchaseRate: Double {
        let meanX = zip(frequency, count).reduce(0) { $0 + $1.0 * $1.1 } / totalCount
        return max(meanX, 0.01) / max(meanAge, 1e-9)
    }
}

/// The result of fitting a model by maximum likelihood. Its JSON form is a contract that other
/// tools read: `{"model", "parameters": {name: value}, "standard_errors": {...},
/// "log_likelihood", "aic", "bic", "customers", "converged", "iterations"}`.
public struct FitReport: Sendable, Codable, Hashable {
    /// Model name as on the command line (`bgnbd`, `pnbd`, `gg`, ...).
    public var model: String
    /// Parameter names in the model's order.
    public var parameterNames: [String]
    /// Estimates in that order.
    public var estimates: [Double]
    /// Standard errors in that order (nil where the Hessian could not be inverted).
    public var errors: [Double?]
    /// Log-likelihood at the estimates.
    public var logLikelihood: Double
    /// Customers the model was fitted on.
    public var customers: Int
    /// Whether the optimizer met its convergence test.
    public var converged: Bool
    /// Optimizer iterations the fit took.
    public var iterations: Int
    /// Norm of the log-likelihood's gradient at the estimates.
    public var gradientNorm: Double
    /// The optimizer's account of how the fit ended (boundary estimates included).
    public var message: String
    /// The L2 penalty used (0 for none).
    public var penalty: Double

    /// Akaike's information criterion, 2k − 2 log L.
    public var aic: Double { 2 * Double(estimates.count) - 2 * logLikelihood }
    /// Schwarz's Bayesian information criterion, k log n − 2 log L.
    public var bic: Double { Double(estimates.count) * Double.log(Double(max(customers, 1))) - 2 * logLikelihood }

    /// Estimate by name.
    public subscript(name: String) -> Double? {
        parameterNames.firstIndex(of: name).map { estimates[$0] }
    }

    /// 95% interval of each parameter: estimate ± 1.96 standard errors on the log scale
    /// (the fit's scale), so the bounds stay positive.
    public var intervals: [(lower: Double, upper: Double)?] {
        zip(estimates, errors).map { estimate, error in
            guard let error, estimate > 0 else { return nil }
            let logError = error / estimate
            return (estimate * Double.exp(-1.96 * logError), estimate * Double.exp(1.96 * logError))
        }
    }

    /// A report of a fit; `estimates` and `errors` in the order of `parameterNames`.
    public init(model: String, parameterNames: [String], estimates: [Double], errors: [Double?], logLikelihood: Double,
                customers: Int, converged: Bool, iterations: Int, gradientNorm: Double, message: String, penalty: Double) {
        self.model = model
        self.parameterNames = parameterNames
        self.estimates = estimates
        self.errors = errors
        self.logLikelihood = logLikelihood
        self.customers = customers
        self.converged = converged
        self.iterations = iterations
        self.gradientNorm = gradientNorm
        self.message = message
        self.penalty = penalty
    }

    enum CodingKeys: String, CodingKey {
        case model, parameters, customers, converged, iterations, aic, bic, message, penalty
        case standardErrors = "standard_errors", logLikelihood = "log_likelihood"
        case gradientNorm = "gradient_norm", parameterOrder = "parameter_order"
    }

    /// Encodes the JSON fields of the contract (`parameters`, `standard_errors` by name, `aic`, `bic`, ...).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(Dictionary(uniqueKeysWithValues: zip(parameterNames, estimates)), forKey: .parameters)
        var errorsByName: [String: Double] = [:]
        for (name, error) in zip(parameterNames, errors) { if let error { errorsByName[name] = error } }
        try c.encode(errorsByName, forKey: .standardErrors)
        try c.encode(parameterNames, forKey: .parameterOrder)
        try c.encode(logLikelihood, forKey: .logLikelihood)
        try c.encode(aic, forKey: .aic)
        try c.encode(bic, forKey: .bic)
        try c.encode(customers, forKey: .customers)
        try c.encode(converged, forKey: .converged)
        try c.encode(iterations, forKey: .iterations)
        try c.encode(gradientNorm, forKey: .gradientNorm)
        try c.encode(message, forKey: .message)
        try c.encode(penalty, forKey: .penalty)
    }

    /// Decodes what ``encode(to:)`` wrote (a saved model file).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decode(String.self, forKey: .model)
        let parameters = try c.decode([String: Double].self, forKey: .parameters)
        parameterNames = try c.decodeIfPresent([String].self, forKey: .parameterOrder) ?? parameters.keys.sorted()
        estimates = try parameterNames.map { name in
            guard let v = parameters[name] else {
                throw DecodingError.dataCorruptedError(forKey: .parameters, in: c, debugDescription: "no value for parameter \(name)")
            }
            return v
        }
        let errorsByName = try c.decodeIfPresent([String: Double].self, forKey: .standardErrors) ?? [:]
        errors = parameterNames.map { errorsByName[$0] }
        logLikelihood = try c.decode(Double.self, forKey: .logLikelihood)
        customers = try c.decode(Int.self, forKey: .customers)
        converged = try c.decode(Bool.self, forKey: .converged)
        iterations = try c.decode(Int.self, forKey: .iterations)
        gradientNorm = try c.decodeIfPresent(Double.self, forKey: .gradientNorm) ?? 0
        message = try c.decodeIfPresent(String.self, forKey: .message) ?? ""
        penalty = try c.decodeIfPresent(Double.self, forKey: .penalty) ?? 0
    }
}

/// Indexes of distinct triples (x, t_x, T), told apart by their bit patterns, by open addressing
/// with a multiplicative hash: compressing millions of customers costs a fraction of what a
/// Dictionary would.
struct HistoryTable {
    var keys: [UInt64] = []
    var slots = [Int32](repeating: -1, count: 1024)

    static func slot(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ capacity: Int) -> Int {
        var h = a &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ (h >> 29) ^ b) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 31) ^ c) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: h ^ (h >> 32)) & (capacity - 1)
    }

    /// The index of history (x, t_x, T): an earlier one's, or `next` (recorded) when new.
    mutating func find(x: Double, tx: Double, T: Double, next: Int32) -> Int32 {
        let (a, b, c) = (x.bitPattern, tx.bitPattern, T.bitPattern)
        let mask = slots.count - 1
        var s = Self.slot(a, b, c, slots.count)
        while true {
            let k = slots[s]
            if k < 0 { break }
            let base = 3 * Int(k)
            if keys[base] == a && keys[base + 1] == b && keys[base + 2] == c { return k }
            s = (s + 1) & mask
        }
        slots[s] = next
        keys.append(a)
        keys.append(b)
        keys.append(c)
        if 2 * (Int(next) + 1) > slots.count {
            // Grow fourfold and re-insert.
            slots = [Int32](repeating: -1, count: 4 * slots.count)
            let mask = slots.count - 1
            for k in 0...Int(next) {
                var s = Self.slot(keys[3 * k], keys[3 * k + 1], keys[3 * k + 2], slots.count)
                while slots[s] >= 0 { s = (s + 1) & mask }
                slots[s] = Int32(k)
            }
        }
        return next
    }
}

