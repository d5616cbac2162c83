import Foundation
import Numerics

extension BGBB {
    /// Probability that a customer with history (x, t_x, n) is alive at opportunity n+1
    /// (Fader, Hardie & Shang 2010):
    /// B(α+x, β+n−x)/B(α,β) · B(γ, δ+n+1)/B(γ,δ) / L(α, β, γ, δ | x, t_x, n), in logarithms.
    public func probabilityAlive(frequency x: Int, recency tx: Int, periods n: Int) -> Double {
        let p = parameters
        let xd = Double(x), nd = Double(n)
        let logNumerator = SpecialFunctions.logBeta(p.alpha + xd, p.beta + nd - xd) - SpecialFunctions.logBeta(p.alpha, p.beta)
            + SpecialFunctions.logBeta(p.gamma, p.delta + nd + 1) - SpecialFunctions.logBeta(p.gamma, p.delta)
        return min(1, Double.exp(logNumerator - logLikelihood(frequency: x, recency: tx, periods: n)))
    }

    /// Expected purchases in the next n* opportunities (n+1, …, n+n*) of a customer with history
    /// (x, t_x, n) (Fader, Hardie & Shang 2010):
    /// (1/L) · B(α+x+1, β+n−x)/B(α,β) · δ/(γ−1) · Γ(γ+δ)/Γ(1+δ)
    ///   · [Γ(1+δ+n)/Γ(γ+δ+n) − Γ(1+δ+n+n*)/Γ(γ+δ+n+n*)].
    ///
    /// The bracket is e^{g₁} − e^{g₂} with gᵢ log-gamma differences, formed as
    /// −e^{g₁} expm1(g₂ − g₁) so that it keeps its digits when the two are close; at γ = 1 the
    /// factor δ/(γ−1) and the bracket both vanish, and within 1e-6 of γ = 1 the value is the
    /// average at γ = 1 ± 1e-5 (the expectation is smooth in γ, so the error is O(1e-10)).
    /// - Parameter nStar: opportunities ahead, ≥ 0.
    public func conditionalExpectedPurchases(next nStar: Int, frequency x: Int, recency tx: Int, periods n: Int) -> Double {
        guard nStar > 0 else { return 0 }
        let gamma = parameters.gamma
        guard abs(gamma - 1) >= 1e-6 else {
            return (expectation(gamma: 1 - 1e-5, nStar, x, tx, n) + expectation(gamma: 1 + 1e-5, nStar, x, tx, n)) / 2
        }
        return expectation(gamma: gamma, nStar, x, tx, n)
    }

    /// The closed form at a given γ (not near 1), the other parameters the model's.
    private func expectation(gamma: Double, _ nStar: Int, _ x: Int, _ tx: Int, _ n: Int) -> Double {
        var p = parameters
        p.gamma = gamma
        let model = BGBB(parameters: p)
        let xd = Double(x), nd = Double(n), ns = Double(nStar)
        let g1 = SpecialFunctions.logGamma(1 + p.delta + nd) - SpecialFunctions.logGamma(p.gamma + p.delta + nd)
        let g2 = SpecialFunctions.logGamma(1 + p.delta + nd + ns) - SpecialFunctions.logGamma(p.gamma + p.delta + nd + ns)
        let bracket = -Double.exp(g1) * Double.expMinusOne(g2 - g1)
        let logRest = SpecialFunctions.logBeta(p.alpha + xd + 1, p.beta + nd - xd) - SpecialFunctions.logBeta(p.alpha, p.beta)
            + SpecialFunctions.logGamma(p.gamma + p.delta) - SpecialFunctions.logGamma(1 + p.delta)
            - model.logLikelihood(frequency: x, recency: tx, periods: n)
        let value = p.delta / (p.gamma - 1) * bracket * Double.exp(logRest)
        return value.isFinite ? max(0, value) : 0
    }
}
