import Foundation
import Numerics

/// The beta-geometric/beta-Bernoulli (BG/BB) model of Fader, Hardie & Shang (2010),
/// "Customer-base analysis in a discrete-time noncontractual setting", Marketing Science 29(6),
/// 1086–1108.
///
/// Time is a sequence of transaction opportunities (a yearly campaign, a weekly event). At
/// each opportunity a customer still alive first drops out with probability θ and otherwise
/// buys with probability p; p ~ Beta(α, β) and θ ~ Beta(γ, δ) across customers. The data of a
/// customer are x purchases in n opportunities, the last at opportunity t_x.
public struct BGBB: Sendable, Codable, Hashable {
    /// The model's parameters, all > 0.
    public struct Parameters: Sendable, Codable, Hashable {
        /// First shape α of the Beta distribution of purchase probabilities p.
        public var alpha: Double
        /// Second shape β of the Beta distribution of purchase probabilities p.
        public var beta: Double
        /// First shape γ of the Beta distribution of dropout probabilities θ.
        public var gamma: Double
        /// Second shape δ of the Beta distribution of dropout probabilities θ.
        public var delta: Double
        /// Parameters α, β, γ, δ, each > 0.
        public init(alpha: Double, beta: Double, gamma: Double, delta: Double) {
            self.alpha = alpha
            self.beta = beta
            self.gamma = gamma
            self.delta = delta
        }
        var array: [Double] { [alpha, beta, gamma, delta] }
        init(_ v: [Double]) { self.init(alpha: v[0], beta: v[1], gamma: v[2], delta: v[3]) }
    }

    /// Parameter names in order, as in the JSON of a fit.
    public static let parameterNames = ["alpha", "beta", "gamma", "delta"]

    /// The fitted or given parameters.
    public var parameters: Parameters
    /// The model with `parameters` (all > 0).
    public init(parameters: Parameters) { self.parameters = parameters }

    /// Log-likelihood of one customer (Fader, Hardie & Shang 2010):
    /// L = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
    ///   + Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ),
    /// the first term alive through opportunity n, the others dropping out before opportunity
    /// t_x+i+1. The terms are summed in log space: for long histories each is far below the
    /// smallest double.
    /// - Parameters:
    ///   - x: purchases, 0 ≤ x ≤ t_x.
    ///   - tx: opportunity of the last purchase, t_x ≤ n (0 when x = 0).
    ///   - n: opportunities, n ≥ 1.
    public func logLikelihood(frequency x: Int, recency tx: Int, periods n: Int) -> Double {
        var total = -Double.infinity
        forEachTerm(x, tx, n) { logTerm, _ in total = SpecialFunctions.logSumExp(total, logTerm) }
        return total
    }

    /// Calls `body` with the log of each term of the likelihood and the term's (m, c, d) in
    /// log B(α+x, β+m)/B(α,β) + log B(γ+c, δ+d)/B(γ,δ).
    func forEachTerm(_ x: Int, _ tx: Int, _ n: Int, _ body: (Double, (m: Double, c: Double, d: Double)) -> Void) {
        let p = parameters
        let xd = Double(x)
        let lbAB = SpecialFunctions.logBeta(p.alpha, p.beta), lbGD = SpecialFunctions.logBeta(p.gamma, p.delta)
        let shapes: (m: Double, c: Double, d: Double) = (Double(n - x), 0, Double(n))
        body(SpecialFunctions.logBeta(p.alpha + xd, p.beta + shapes.m) - lbAB
             + SpecialFunctions.logBeta(p.gamma, p.delta + shapes.d) - lbGD, shapes)
        for i in 0..<max(0, n - tx) {
            let m = Double(tx - x + i), d = Double(tx + i)
            body(SpecialFunctions.logBeta(p.alpha + xd, p.beta + m) - lbAB
                 + SpecialFunctions.logBeta(p.gamma + 1, p.delta + d) - lbGD, (m, 1, d))
        }
    }

    /// Total log-likelihood of compressed data and its gradient with respect to (α, β, γ, δ):
    /// each term's log is a sum of log-beta ratios, whose derivatives are digamma differences,
    /// and ∂ log L = Σ (term / L) · ∂ log term.
    func logLikelihood(_ data: DiscretePurchaseData, gradient: inout [Double]) -> Double {
        let p = parameters
        let psiAB = SpecialFunctions.digamma(p.alpha + p.beta), psiGD = SpecialFunctions.digamma(p.gamma + p.delta)
        let psiA = SpecialFunctions.digamma(p.alpha), psiB = SpecialFunctions.digamma(p.beta)
        let psiG = SpecialFunctions.digamma(p.gamma), psiD = SpecialFunctions.digamma(p.delta)
        var total = 0.0
        var g = [0.0, 0.0, 0.0, 0.0]
        // Reused across histories: four partial derivatives per term, flat.
        var logs: [Double] = [], partials: [Double] = []
        for h in 0..<data.histories {
            let x = data.frequency[h]
            let xd = Double(x)
            logs.removeAll(keepingCapacity: true)
            partials.removeAll(keepingCapacity: true)
            forEachTerm(x, data.recency[h], data.periods[h]) { logTerm, s in
                logs.append(logTerm)
                let psiABX = SpecialFunctions.digamma(p.alpha + p.beta + xd + s.m)
                let psiGDC = SpecialFunctions.digamma(p.gamma + p.delta + s.c + s.d)
                partials.append(SpecialFunctions.digamma(p.alpha + xd) - psiABX - psiA + psiAB)
                partials.append(SpecialFunctions.digamma(p.beta + s.m) - psiABX - psiB + psiAB)
                partials.append(SpecialFunctions.digamma(p.gamma + s.c) - psiGDC - psiG + psiGD)
                partials.append(SpecialFunctions.digamma(p.delta + s.d) - psiGDC - psiD + psiGD)
            }
            let top = logs.max() ?? -.infinity
            let sum = logs.reduce(0) { $0 + Double.exp($1 - top) }
            let ll = top + Double.log(sum)
            let n = data.count[h]
            total += n * ll
            for (k, logTerm) in logs.enumerated() {
                let weight = Double.exp(logTerm - ll)
                for j in 0..<4 { g[j] += n * weight * partials[4 * k + j] }
            }
        }
        for j in 0..<4 { gradient[j] = g[j] }
        return total
    }

    /// Fits the model to `data` by maximum likelihood (analytic gradient, several starts).
    /// - Throws: ``FitError`` when nobody ever buys or everybody buys at every opportunity
    ///   (the purchase probability's spread cannot then be estimated).
    public static func fit(_ data: DiscretePurchaseData, options: FitOptions = .init()) throws -> (model: BGBB, report: FitReport) {
        guard data.frequency.contains(where: { $0 > 0 }) else {
            throw FitError("bgbb: nobody made a purchase, so the purchase and dropout probabilities cannot be estimated")
        }
        guard zip(data.frequency, data.periods).contains(where: { $0 < $1 }) else {
            throw FitError("bgbb: every customer bought at every opportunity, so the model cannot be identified")
        }
        let starts: [[Double]] = [[1, 1, 1, 1], [0.5, 0.5, 0.5, 2], [2, 1, 1, 5]]
        let total = data.totalCount
        let report = try MaximumLikelihood.fit(
            model: "bgbb", names: parameterNames, customers: Int(total), starts: starts, options: options
        ) { v, gradient in
            BGBB(parameters: Parameters(v)).logLikelihood(data, gradient: &gradient)
        }
        return (BGBB(parameters: Parameters(report.estimates)), report)
    }
}
