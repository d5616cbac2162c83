import Foundation
import Numerics

/// The Pareto/NBD model of Schmittlein, Morrison & Colombo (1987), "Counting your customers:
/// who are they and what will they do next?", Management Science 33(1), 1–24, with the
/// likelihood as derived in Fader & Hardie (2005), "A note on deriving the Pareto/NBD model
/// and related expressions".
///
/// While alive a customer buys at Poisson rate λ, λ ~ Gamma(r, α) across customers, and lives
/// an exponential lifetime of rate μ, μ ~ Gamma(s, β), independent of λ. Fitted by maximum
/// likelihood on each customer's (x, t_x, T).
public struct ParetoNBD: Sendable, Codable, Hashable {
    /// The model's parameters, all > 0: shape r and rate α of the purchase rate, shape s and
    /// rate β of the dropout rate.
    public struct Parameters: Sendable, Codable, Hashable {
        /// Shape r of the Gamma distribution of purchase rates λ.
        public var r: Double
        /// Rate α of the Gamma distribution of purchase rates λ.
        public var alpha: Double
        /// Shape s of the Gamma distribution of dropout rates μ.
        public var s: Double
        /// Rate β of the Gamma distribution of dropout rates μ.
        public var beta: Double
        /// Parameters r, α, s, β, each > 0.
        public init(r: Double, alpha: Double, s: Double, beta: Double) {
            self.r = r
            self.alpha = alpha
            self.s = s
            self.beta = beta
        }
        var array: [Double] { [r, alpha, s, beta] }
        init(_ v: [Double]) { self.init(r: v[0], alpha: v[1], s: v[2], beta: v[3]) }
    }

    /// Parameter names in order, as in the JSON of a fit.
    public static let parameterNames = ["r", "alpha", "s", "beta"]

    /// The fitted or given parameters.
    public var parameters: Parameters
    /// The model with `parameters` (all > 0).
    public init(parameters: Parameters) { self.parameters = parameters }

    /// Log-likelihood of one customer (Fader & Hardie 2005, "A note on deriving the Pareto/NBD model"):
    /// log Γ(r+x) − log Γ(r) + r log α + s log β
    ///   + log[ (α+T)^−(r+x) (β+T)^−s + s/(r+s+x) · A₀ ].
    /// A₀ is formed as a difference of logarithms (``logA0(frequency:recency:age:)``) and the two
    /// terms are added with log-sum-exp, so heavy buyers (x in the hundreds, where (α+T)^−(r+x)
    /// underflows and A₀ is a difference of nearly equal numbers) give a finite value.
    /// - Parameters:
    ///   - x: repeat purchases, ≥ 0.
    ///   - tx: recency, 0 ≤ t_x ≤ T.
    ///   - T: age, T ≥ 0.
    public func logLikelihood(frequency x: Double, recency tx: Double, age T: Double) -> Double {
        let p = parameters
        let head = SpecialFunctions.logGammaRatio(p.r, x) + p.r * Double.log(p.alpha) + p.s * Double.log(p.beta)
        return head + SpecialFunctions.logSumExp(logAliveTerm(frequency: x, age: T), logDeathTerm(frequency: x, recency: tx, age: T))
    }

    /// log[(α+T)^−(r+x) (β+T)^−s]: the part of the likelihood (without its head) in which the
    /// customer is still alive at T.
    func logAliveTerm(frequency x: Double, age T: Double) -> Double {
        let p = parameters
        return -(p.r + x) * Double.log(p.alpha + T) - p.s * Double.log(p.beta + T)
    }

    /// log[s/(r+s+x) · A₀]: the part in which the customer died in (t_x, T]; −∞ when t_x = T.
    func logDeathTerm(frequency x: Double, recency tx: Double, age T: Double) -> Double {
        let p = parameters
        return Double.log(p.s) - Double.log(p.r + p.s + x) + logA0(frequency: x, recency: tx, age: T)
    }

    /// log A₀ (Fader & Hardie 2005), A₀ = F(t_x) − F(T) with
    /// F(t) = ₂F₁(r+s+x, s+1; r+s+x+1; (α−β)/(α+t)) / (α+t)^(r+s+x) when α ≥ β and
    /// F(t) = ₂F₁(r+s+x, r+x; r+s+x+1; (β−α)/(β+t)) / (β+t)^(r+s+x) otherwise.
    /// F(t) = (r+s+x) ∫_t^∞ (α+τ)^−(r+x) (β+τ)^−(s+1) dτ is decreasing, so A₀ ≥ 0; both F are
    /// kept as logarithms (they overflow or underflow for heavy buyers) and subtracted with
    /// log-diff-exp, which avoids the cancellation of the nearly equal F(t_x) and F(T).
    /// - Returns: log A₀; −∞ when t_x ≥ T (or when rounding leaves no measurable difference).
    public func logA0(frequency x: Double, recency tx: Double, age T: Double) -> Double {
        guard tx < T else { return -.infinity }
        return Self.logDifference(logTail(frequency: x, at: tx), logTail(frequency: x, at: T))
    }

    /// log F(t) of ``logA0(frequency:recency:age:)``.
    func logTail(frequency x: Double, at t: Double) -> Double {
        let p = parameters
        let a = p.r + p.s + x
        if p.alpha >= p.beta {
            let base = p.alpha + t
            let f = Hypergeometric.log2F1(a: a, b: p.s + 1, c: a + 1, z: (p.alpha - p.beta) / base)
            return f.logMagnitude - a * Double.log(base)
        }
        let base = p.beta + t
        let f = Hypergeometric.log2F1(a: a, b: p.r + x, c: a + 1, z: (p.beta - p.alpha) / base)
        return f.logMagnitude - a * Double.log(base)
    }

    /// log(eᵃ − eᵇ) for the ordered tails F(t_x) ≥ F(T); −∞ where rounding made them equal or
    /// reversed them (then A₀ is below the tails' accuracy and contributes nothing measurable).
    static func logDifference(_ a: Double, _ b: Double) -> Double {
        if a.isNaN || b.isNaN { return .nan }
        guard a > b else { return -.infinity }
        return SpecialFunctions.logDiffExp(a, b)
    }
}

/// The Pareto/NBD log-likelihood of compressed data.
///
/// The expensive part is the two ₂F₁ of A₀ per customer. They depend on (x, t_x) and (x, T)
/// only, and real data repeat these pairs (times in days or weeks, one-time buyers all with
/// t_x = 0), so each distinct pair is evaluated once per likelihood evaluation.
struct ParetoNBDLikelihood: Sendable {
    let data: PurchaseData
    /// Distinct x values and each history's index among them.
    let x: DistinctValues
    /// Distinct (x, t) pairs (t = t_x or T) and, per history, the index of its (x, t_x) and (x, T).
    let pairX: [Double]
    let pairT: [Double]
    let recencyPair: [Int32]
    let agePair: [Int32]
    /// Per pair, the index of its x among `x.values`.
    let pairXIndex: [Int32]

    init(data: PurchaseData) {
        self.data = data
        x = DistinctValues(data.frequency)
        var table = HistoryTable()  // (x, t) pairs by bit patterns
        var pairX: [Double] = [], pairT: [Double] = [], pairXIndex: [Int32] = []
        let xIndex = x.index
        func pair(_ x: Double, _ t: Double, _ i: Int) -> Int32 {
            let k = table.find(x: x, tx: 0, T: t, next: Int32(pairX.count))
            if Int(k) == pairX.count {
                pairX.append(x)
                pairT.append(t)
                pairXIndex.append(xIndex[i])
            }
            return k
        }
        var recencyPair = [Int32](), agePair = [Int32]()
        recencyPair.reserveCapacity(data.histories)
        agePair.reserveCapacity(data.histories)
        for i in 0..<data.histories {
            recencyPair.append(pair(data.frequency[i], data.recency[i], i))
            agePair.append(pair(data.frequency[i], data.age[i], i))
        }
        self.pairX = pairX
        self.pairT = pairT
        self.pairXIndex = pairXIndex
        self.recencyPair = recencyPair
        self.agePair = agePair
    }

    /// Total log-likelihood at `p` (NaN or −∞ outside the domain).
    func evaluate(_ p: ParetoNBD.Parameters) -> Double {
        let model = ParetoNBD(parameters: p)
        let logAlpha = Double.log(p.alpha), logBeta = Double.log(p.beta), logS = Double.log(p.s)
        let head = x.values.map { xv in
            SpecialFunctions.logGammaRatio(p.r, xv) + p.r * logAlpha + p.s * logBeta
        }
        let logWeight = x.values.map { xv in logS - Double.log(p.r + p.s + xv) }
        let tails = pairTails(model)
        var total = 0.0
        for i in 0..<data.histories {
            let k = Int(x.index[i])
            let xv = data.frequency[i], tx = data.recency[i], T = data.age[i]
            let alive = -(p.r + xv) * Double.log(p.alpha + T) - p.s * Double.log(p.beta + T)
            var death = -Double.infinity
            if tx < T {
                death = logWeight[k] + ParetoNBD.logDifference(tails[Int(recencyPair[i])], tails[Int(agePair[i])])
            }
            total += data.count[i] * (head[k] + SpecialFunctions.logSumExp(alive, death))
        }
        return total
    }

    /// log F(t) of every distinct (x, t) pair, on two threads when there are many.
    private func pairTails(_ model: ParetoNBD) -> [Double] {
        let m = pairX.count
        let parts = m >= 4_000 ? 2 : 1
        guard parts > 1 else { return (0..<m).map { model.logTail(frequency: pairX[$0], at: pairT[$0]) } }
        let results = ParallelResults<[Double]>(count: parts)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let range = (part * m / parts)..<((part + 1) * m / parts)
            results.set(part, range.map { model.logTail(frequency: pairX[$0], at: pairT[$0]) })
        }
        var tails: [Double] = []
        tails.reserveCapacity(m)
        for part in 0..<parts {
            // A missing part leaves the likelihood NaN, which the optimizer treats as +∞.
            tails += (try? results.value(part)) ?? [Double](repeating: .nan, count: (part + 1) * m / parts - part * m / parts)
        }
        return tails
    }

    /// The gradient of `evaluate` with respect to (r, α, s, β) by central differences on the
    /// log scale (the fit uses the analytic `evaluate(_:gradient:)`; this one checks it), (f(p·eʰ) − f(p·e⁻ʰ)) / (p·eʰ − p·e⁻ʰ), h = 6e-5: the derivatives of ₂F₁ in its
    /// parameters have no convenient closed form, and steps on the log scale cannot leave the
    /// domain p > 0. The step is larger than the textbook ε^(1/3) because the likelihood
    /// carries the ₂F₁'s error (~1e-14 relative) summed over the customers: the truncation error
    /// O(h²) stays near 1e-9 relative while that noise divided by h stays below the optimizer's
    /// gradient tolerance.
    /// - Complexity: 8 evaluations of the likelihood, independent of each other and run
    ///   concurrently (they are the bulk of a fit's time).
    func gradient(at p: [Double]) -> [Double] {
        let h = 6e-5
        // Point k: parameter k / 2 moved up (k even) or down (k odd).
        let points: [[Double]] = (0..<8).map { k in
            var q = p
            q[k / 2] = p[k / 2] * Double.exp(k % 2 == 0 ? h : -h)
            return q
        }
        let values = ParallelResults<Double>(count: 8)
        DispatchQueue.concurrentPerform(iterations: 8) { k in
            values.set(k, evaluate(ParetoNBD.Parameters(points[k])))
        }
        return (0..<4).map { j in
            guard let up = try? values.value(2 * j), let down = try? values.value(2 * j + 1) else { return .nan }
            return (up - down) / (points[2 * j][j] - points[2 * j + 1][j])
        }
    }
}

extension ParetoNBD {
    /// Fits the model to `data` by maximum likelihood, from several starts (the gradient
    /// analytic, see `ParetoNBDLikelihood.evaluate(_:gradient:)`).
    /// - Throws: ``FitError`` when the likelihood cannot be evaluated or nobody makes a repeat
    ///   purchase (the purchase rate and dropout cannot then be told apart).
    public static func fit(_ data: PurchaseData, options: FitOptions = .init()) throws -> (model: ParetoNBD, report: FitReport) {
        guard data.frequency.contains(where: { $0 > 0 }) else {
            throw FitError("pnbd: nobody made a repeat purchase, so the purchase rate and dropout cannot be estimated")
        }
        let likelihood = ParetoNBDLikelihood(data: data)
        // Starts: the observed mean purchase rate for λ and a mean lifetime of the order
        // of the observation length for 1/μ, then two spreads of them.
        let rate = data.meanPurchaseRate
        let life = max(data.meanAge, 1e-3)
        let starts: [[Double]] = [
            [1, 1 / rate, 1, life],
            [0.5, 0.5 / rate, 0.5, 0.5 * life],
            [2, 2 / rate, 2, 4 * life],
        ]
        func objective(_ likelihood: ParetoNBDLikelihood) -> ([Double], inout [Double]) -> Double {
            { p, gradient in likelihood.evaluate(Parameters(p), gradient: &gradient) }
        }
        // Many histories: start from the maximum of a subsample's likelihood (as for BG/NBD).
        var warmStart: MaximumLikelihood.WarmStart?
        let step = data.histories / 25_000
        if step >= 4, let sample = try? data.subsample(step: step) {
            warmStart = .init(logLikelihood: objective(ParetoNBDLikelihood(data: sample)),
                              description: "a subsample of \(sample.histories) histories")
        }
        let report = try MaximumLikelihood.fit(
            model: "pnbd", names: parameterNames, customers: data.customers, starts: starts, options: options,
            warmStart: warmStart, logLikelihood: objective(likelihood))
        return (ParetoNBD(parameters: Parameters(report.estimates)), report)
    }
}
