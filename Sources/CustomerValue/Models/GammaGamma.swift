import Foundation
import Numerics

/// The Gamma-Gamma model of spend per transaction, Fader, Hardie & Lee (2005), "RFM and CLV:
/// using iso-value curves for customer base analysis", Journal of Marketing Research 42(4),
/// 415–430; Fader & Hardie, note 025 ("The Gamma-Gamma model of monetary value").
///
/// A customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers
/// (γ is called `v` in the output, as in lifetimes). Fitted on customers with at least one
/// repeat purchase and a positive mean repeat spend m_x. The model assumes spend independent of
/// purchase frequency: check the correlation (``frequencySpendCorrelation(frequency:monetary:)``).
public struct GammaGamma: Sendable, Codable, Hashable {
    /// The model's parameters, all > 0.
    public struct Parameters: Sendable, Codable, Hashable {
        /// Shape p of the Gamma distribution of one customer's transaction values.
        public var p: Double
        /// Shape q of the Gamma distribution of the scale ν across customers.
        public var q: Double
        /// Rate γ (called `v`, as in lifetimes) of the Gamma distribution of ν across customers.
        public var v: Double
        /// Parameters p, q, v, each > 0.
        public init(p: Double, q: Double, v: Double) {
            self.p = p
            self.q = q
            self.v = v
        }
        var array: [Double] { [p, q, v] }
        init(_ a: [Double]) { self.init(p: a[0], q: a[1], v: a[2]) }
    }

    /// Parameter names in order, as in the JSON of a fit.
    public static let parameterNames = ["p", "q", "v"]

    /// The fitted or given parameters.
    public var parameters: Parameters
    /// The model with `parameters` (all > 0).
    public init(parameters: Parameters) { self.parameters = parameters }

    /// Log density of a mean spend m_x over x transactions:
    /// log Γ(px+q) − log Γ(px) − log Γ(q) + q log γ + (px−1) log m_x + px log x − (px+q) log(γ + x m_x).
    public func logLikelihood(frequency x: Double, monetary m: Double) -> Double {
        let (p, q, v) = (parameters.p, parameters.q, parameters.v)
        let px = p * x
        return SpecialFunctions.logGamma(px + q) - SpecialFunctions.logGamma(px) - SpecialFunctions.logGamma(q)
            + q * Double.log(v) + (px - 1) * Double.log(m) + px * Double.log(x) - (px + q) * Double.log(v + x * m)
    }

    /// Expected spend per transaction of a customer with x repeat transactions of mean m_x:
    /// (γ + x m_x) p / (px + q − 1); for x = 0 the population mean pγ/(q − 1).
    /// Needs q > 1 (a finite mean); returns nil otherwise.
    public func conditionalExpectedSpend(frequency x: Double, monetary m: Double) -> Double? {
        let (p, q, v) = (parameters.p, parameters.q, parameters.v)
        guard q > 1 else { return nil }
        guard x > 0, m > 0 else { return p * v / (q - 1) }
        return (v + x * m) * p / (p * x + q - 1)
    }

    /// Pearson correlation of frequency and mean spend among repeat buyers (the model assumes
    /// it is near 0).
    public static func frequencySpendCorrelation(frequency: [Double], monetary: [Double]) -> Double {
        let pairs = zip(frequency, monetary).filter { $0.0 > 0 && $0.1 > 0 }
        let n = Double(pairs.count)
        guard n > 2 else { return 0 }
        let mx = pairs.reduce(0) { $0 + $1.0 } / n, my = pairs.reduce(0) { $0 + $1.1 } / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (x, y) in pairs {
            sxy += (x - mx) * (y - my)
            sxx += (x - mx) * (x - mx)
            syy += (y - my) * (y - my)
        }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }

    /// Fits the model on the repeat buyers with positive mean spend.
    /// - Parameters:
    ///   - frequency: repeat transactions x per customer.
    ///   - monetary: mean spend m_x of the repeat transactions per customer.
    /// - Throws: ``FitError`` with fewer than 10 usable customers, or when spend does not vary.
    /// - Complexity: O(customers) once, then O(bins) per step of the optimizer (``SpendMoments``).
    public static func fit(frequency: [Double], monetary: [Double], options: FitOptions = .init()) throws -> (model: GammaGamma, report: FitReport) {
        precondition(frequency.count == monetary.count, "columns of different lengths")
        let moments = SpendMoments(count: frequency.count, frequency: frequency, history: nil, monetary: monetary)
        return try fit(moments, options: options) { repeatBuyers(frequency: frequency, monetary: monetary) }
    }

    /// Fits the model on the repeat buyers with positive mean spend among the customers of
    /// purchase data, read in place (x of customer i is that of its history).
    /// - Parameters:
    ///   - data: the customers' histories.
    ///   - monetary: mean spend m_x of each customer's repeat transactions, in customer order.
    /// - Throws: ``FitError`` with fewer than 10 usable customers, or when spend does not vary.
    /// - Complexity: O(customers) once, then O(bins) per step of the optimizer (``SpendMoments``).
    public static func fit(_ data: PurchaseData, monetary: [Double], options: FitOptions = .init()) throws -> (model: GammaGamma, report: FitReport) {
        precondition(data.customers == monetary.count, "one mean spend per customer")
        let moments = SpendMoments(count: data.customers, frequency: data.frequency, history: data.historyOfCustomer,
                                   monetary: monetary)
        return try fit(moments, options: options) {
            repeatBuyers(frequency: data.historyOfCustomer.map { data.frequency[Int($0)] }, monetary: monetary)
        }
    }

    /// The per-customer likelihood of the repeat buyers (x > 0, 0 < m_x < ∞).
    private static func repeatBuyers(frequency: [Double], monetary: [Double]) -> GammaGammaLikelihood {
        var xs: [Double] = [], ms: [Double] = []
        for (x, m) in zip(frequency, monetary) where x > 0 && m > 0 && m.isFinite {
            xs.append(x)
            ms.append(m)
        }
        return GammaGammaLikelihood(frequency: xs, monetary: ms, weight: 1)
    }

    /// The fit from the repeat buyers' moments: L-BFGS on the likelihood of the bins (equal to the
    /// customers' up to rounding), or on the customers themselves (`perCustomer`) when some
    /// x m_x is too small or too large for the bins.
    private static func fit(_ moments: SpendMoments, options: FitOptions,
                            perCustomer: () -> GammaGammaLikelihood) throws -> (model: GammaGamma, report: FitReport) {
        let customers = moments.customers
        guard customers >= 10 else {
            throw FitError("gg: \(customers) customers with a repeat purchase and a positive spend; the Gamma-Gamma model needs at least 10")
        }
        let n = Double(customers)
        let meanM = moments.sumM / n
        guard moments.largestM > moments.smallestM else {
            throw FitError("gg: every repeat buyer has the same mean spend (\(meanM)); the spread of spend across customers cannot be estimated")
        }
        let likelihood = moments.unusual ? perCustomer() : GammaGammaLikelihood(moments)
        // Starts: shape p from the spend's coefficient of variation, and γ from the population
        // mean pγ/(q−1) = mean spend, for q = 3, 2 and 5. (The one-pass variance may lose digits
        // when spend hardly varies; the clamp of cv² keeps the start finite.)
        let variance = max(0, moments.sumMSquared / n - meanM * meanM)
        let cv2 = variance / (meanM * meanM)
        let p0 = min(max(1 / max(cv2, 1e-3), 0.5), 50)
        let starts: [[Double]] = [[p0, 3, 2 * meanM / p0], [1, 2, meanM], [5, 5, 4 * meanM / 5]]
        let report = try MaximumLikelihood.fit(
            model: "gg", names: parameterNames, customers: customers, starts: starts, options: options,
            hessian: likelihood.hessian, logLikelihood: likelihood.evaluate)
        return (GammaGamma(parameters: Parameters(report.estimates)), report)
    }
}

/// The Gamma-Gamma log-likelihood of customers (x, m_x), each counted `weight` times, and its
/// gradient with respect to (p, q, γ). The log Γ and ψ terms depend on x alone and are summed
/// over the few distinct x with their counts; Σ log m_x and Σ x (log x + log m_x) never change;
/// the sums in γ come from the customers (log(γ + x m_x) and 1/(γ + x m_x) per customer and
/// evaluation) or from their ``SpendMoments`` (per bin).
struct GammaGammaLikelihood: Sendable {
    let n: Double
    let weight: Double
    let distinct: DistinctCounts
    let sumLogM: Double
    let sumXLogXM: Double
    private let source: Source

    /// Where the sums in γ come from.
    private enum Source: Sendable {
        case customers(CustomerSums)
        case moments(SpendMoments)
    }

    /// The customers' sums at γ (with the squares for the Hessian).
    func sums(at v: Double, squares: Bool = false) -> CustomerSums.Sums {
        switch source {
        case .customers(let sums): return sums.evaluate(v: v, squares: squares)
        case .moments(let moments): return moments.sums(at: v, squares: squares)
        }
    }

    /// The likelihood of the repeat buyers summarised by `moments` (weight 1).
    init(_ moments: SpendMoments) {
        distinct = moments.distinct
        n = Double(moments.customers)
        weight = 1
        // At γ = 0 the sums are Σ log(x m_x) and Σ x log(x m_x); log m_x = log(x m_x) − log x.
        let atZero = moments.sums(at: 0)
        var sumLogX = 0.0
        for (x, count) in zip(distinct.values, distinct.counts) { sumLogX += count * Double.log(x) }
        sumLogM = atZero.log - sumLogX
        sumXLogXM = atZero.xLog
        source = .moments(moments)
    }

    /// The likelihood of the customers (x, m_x), x > 0 and m_x > 0 each.
    init(frequency xs: [Double], monetary ms: [Double], weight: Double) {
        // x m_x, Σ log m_x and Σ x log m_x on two threads for many customers; Σ x log x by distinct x.
        let count = xs.count
        let parts = count >= 50_000 ? 2 : 1
        // Each thread writes its own range of x m_x in place (no per-part arrays to join).
        let results = ParallelResults<(logM: Double, xLogM: Double)>(count: parts)
        let xms = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            let out = UncheckedBox(buffer)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let range = (part * count / parts)..<((part + 1) * count / parts)
                var logM = 0.0, xLogM = 0.0
                for i in range {
                    out.value[i] = xs[i] * ms[i]
                    let l = Double.log(ms[i])
                    logM += l
                    xLogM += xs[i] * l
                }
                results.set(part, (logM, xLogM))
            }
            initialized = count
        }
        var sumLogM = 0.0, sumXLogM = 0.0
        for part in 0..<parts {
            // A missing part (never expected) leaves the likelihood NaN, which the optimizer refuses.
            let r = (try? results.value(part)) ?? (.nan, .nan)
            sumLogM += r.logM
            sumXLogM += r.xLogM
        }
        distinct = DistinctCounts(xs)
        let sumXLogX = zip(distinct.values, distinct.counts).reduce(0.0) { $0 + $1.1 * $1.0 * Double.log($1.0) }
        self.n = Double(count)
        self.weight = weight
        self.sumLogM = sumLogM
        self.sumXLogXM = sumXLogX + sumXLogM
        source = .customers(CustomerSums(x: xs, xm: xms))
    }

    /// log L at θ = (p, q, γ), with ∂/∂θ written into `gradient`.
    func evaluate(_ theta: [Double], _ gradient: inout [Double]) -> Double {
        evaluate(theta, &gradient, sums: sums(at: theta[2]))
    }

    /// log L and its gradient at θ from the customer sums at γ = θ[2] (`s.log`, `s.xLog`,
    /// `s.inverse`, `s.xInverse`).
    func evaluate(_ theta: [Double], _ gradient: inout [Double], sums s: CustomerSums.Sums) -> Double {
        let (p, q, v) = (theta[0], theta[1], theta[2])
        let psiQ = SpecialFunctions.digamma(q), lgQ = SpecialFunctions.logGamma(q), logV = Double.log(v)
        // Σ over customers of the terms in x alone, by distinct x.
        var lgRatio = 0.0, psiSum = 0.0, xPsiDiff = 0.0
        for (x, count) in zip(distinct.values, distinct.counts) {
            let px = p * x
            let psiPXQ = SpecialFunctions.digamma(px + q)
            lgRatio += count * (SpecialFunctions.logGamma(px + q) - SpecialFunctions.logGamma(px) - lgQ)
            psiSum += count * psiPXQ
            xPsiDiff += count * x * (psiPXQ - SpecialFunctions.digamma(px))
        }
        // Σ [(px−1) log m + px log x] = p Σ x (log x + log m) − Σ log m.
        let total = lgRatio + n * q * logV + p * (sumXLogXM - s.xLog) - sumLogM - q * s.log
        gradient[0] = weight * (xPsiDiff + sumXLogXM - s.xLog)
        gradient[1] = weight * (psiSum - n * psiQ + n * logV - s.log)
        gradient[2] = weight * (n * q / v - p * s.xInverse - q * s.inverse)
        return weight * total
    }
}

extension GammaGammaLikelihood {
    /// The Hessian of log L in (p, q, γ), from the second derivatives of the density (note 025):
    /// ∂²/∂p² = x²[ψ′(px+q) − ψ′(px)], ∂²/∂p∂q = x ψ′(px+q), ∂²/∂p∂γ = −x/(γ+x m_x),
    /// ∂²/∂q² = ψ′(px+q) − ψ′(q), ∂²/∂q∂γ = 1/γ − 1/(γ+x m_x), ∂²/∂γ² = −q/γ² + (px+q)/(γ+x m_x)²,
    /// summed over customers (times the weight).
    func hessian(_ theta: [Double]) -> Matrix {
        hessian(theta, sums: sums(at: theta[2], squares: true))
    }

    /// The Hessian at θ from the customer sums at γ = θ[2] (`s.inverse`, `s.xInverse` and their squares).
    func hessian(_ theta: [Double], sums s: CustomerSums.Sums) -> Matrix {
        let (p, q, v) = (theta[0], theta[1], theta[2])
        var pp = 0.0, pq = 0.0, qq = 0.0
        for (x, count) in zip(distinct.values, distinct.counts) {
            let t = SpecialFunctions.trigamma(p * x + q)
            pp += count * x * x * (t - SpecialFunctions.trigamma(p * x))
            pq += count * x * t
            qq += count * t
        }
        qq -= n * SpecialFunctions.trigamma(q)
        let pv = -s.xInverse
        let qv = n / v - s.inverse
        let vv = -n * q / (v * v) + p * s.xInverseSquared + q * s.inverseSquared
        var h = Matrix(rows: 3, columns: 3)
        let entries = [[pp, pq, pv], [pq, qq, qv], [pv, qv, vv]]
        for i in 0..<3 { for j in 0..<3 { h[i, j] = weight * entries[i][j] } }
        return h
    }
}

/// The distinct values of a column with how often each occurs.
struct DistinctCounts: Sendable {
    var values: [Double] = []
    var counts: [Double] = []

    init(values: [Double], counts: [Double]) {
        self.values = values
        self.counts = counts
    }

    init(_ column: [Double]) {
        // Whole numbers from 0 to 100,000 (purchase counts) by table, others by dictionary.
        let limit = 100_000.0
        if column.allSatisfy({ $0 >= 0 && $0 <= limit && $0 == $0.rounded() }) {
            var table = [Double](repeating: 0, count: Int(limit) + 1)
            for v in column { table[Int(v)] += 1 }
            for (k, count) in table.enumerated() where count > 0 {
                values.append(Double(k))
                counts.append(count)
            }
            return
        }
        var position: [Double: Int] = [:]
        for v in column {
            if let k = position[v] {
                counts[k] += 1
            } else {
                position[v] = values.count
                values.append(v)
                counts.append(1)
            }
        }
    }
}

/// Per-customer sums of the Gamma-Gamma likelihood that depend on γ: Σ log(γ + x m_x),
/// Σ x log(γ + x m_x), Σ 1/(γ + x m_x) and Σ x/(γ + x m_x), split across two threads for many
/// customers.
struct CustomerSums: Sendable {
    let x: [Double]
    let xm: [Double]

    struct Sums: Sendable {
        var log = 0.0, xLog = 0.0, inverse = 0.0, xInverse = 0.0
        /// Σ 1/(γ + x m_x)² and Σ x/(γ + x m_x)², for the Hessian only (0 unless asked for).
        var inverseSquared = 0.0, xInverseSquared = 0.0
    }

    func evaluate(v: Double, squares: Bool = false) -> Sums {
        let n = x.count
        let parts = n >= 50_000 ? 2 : 1
        let results = ParallelResults<Sums>(count: parts)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            results.set(part, partial((part * n / parts)..<((part + 1) * n / parts), v: v, squares: squares))
        }
        var total = Sums()
        for part in 0..<parts {
            guard let s = try? results.value(part) else { continue }
            total.log += s.log
            total.xLog += s.xLog
            total.inverse += s.inverse
            total.xInverse += s.xInverse
            total.inverseSquared += s.inverseSquared
            total.xInverseSquared += s.xInverseSquared
        }
        return total
    }

    private func partial(_ range: Range<Int>, v: Double, squares: Bool) -> Sums {
        var s = Sums()
        if squares {
            x.withUnsafeBufferPointer { xs in
            xm.withUnsafeBufferPointer { xms in
                for i in range {
                    let w = 1 / (v + xms[i])
                    s.inverse += w
                    s.xInverse += xs[i] * w
                    s.inverseSquared += w * w
                    s.xInverseSquared += xs[i] * w * w
                }
            }}
            return s
        }
        x.withUnsafeBufferPointer { xs in
        xm.withUnsafeBufferPointer { xms in
            for i in range {
                let sum = v + xms[i]
                let l = Double.log(sum)
                let w = 1 / sum
                s.log += l
                s.xLog += xs[i] * l
                s.inverse += w
                s.xInverse += xs[i] * w
            }
        }}
        return s
    }
}
