import Foundation
import Numerics

extension ParetoNBD {
    /// log F(t) of ``logA0(frequency:recency:age:)`` and its derivatives with respect to
    /// (r, α, s, β), by Gauss–Laguerre quadrature of F's integral.
    ///
    /// F(t) = (r+s+x) ∫_t^∞ (α+τ)^−(r+x) (β+τ)^−(s+1) dτ. With b the base (α or β), o the other
    /// rate, m the other factor's exponent (s+1 with base α, r+x with base β), a = r+s+x,
    /// κ = (o − b)/(b + t) and the substitution b+τ = (b+t) e^{v/a}, which absorbs the dominant
    /// power (b+τ)^−a:
    ///
    ///     F(t) = (b+t)^−a ∫₀^∞ e^−v φ(v) dv,  φ(v) = (1 + κ e^{−v/a})^−m,
    ///
    /// so log F = −a log(b+t) + log Σ wᵢ φ(vᵢ). Differentiating under the integral, with
    /// E[·] the mean under the weights wᵢ φ(vᵢ) and u = v/a:
    /// ∂/∂a = 1/a − log(b+t) − E[u], ∂/∂κ = −m E[e^−u / (1 + κ e^−u)], ∂/∂m = −E[log(1 + κ e^−u)],
    /// and κ moves with b by −(o+t)/(b+t)², with o by 1/(b+t).
    ///
    /// φ is analytic except where κ e^{−v/a} = −1. Base α with α ≤ β makes κ ≥ 0 and puts those
    /// points at imaginary part ±aπ; with α > β base α keeps m = s+1 small and the real
    /// singularity at v = a log(−κ) < 0 is far from 0 for heavy buyers, otherwise base β
    /// (κ > 0, m = r+x small). Where the rule is still not accurate enough (a small a with a
    /// large κ), the caller checks the quadrature's log F against the ₂F₁ form and falls back
    /// to differences of the latter (``ParetoNBDLikelihood``).
    /// - Parameters:
    ///   - x: repeat purchases; t ≥ 0.
    ///   - decay: e^{−vᵢ/a} for the rule's nodes vᵢ (they depend on x alone, so the caller
    ///     computes them once per distinct x).
    /// - Returns: log F(t) by quadrature and ∂ log F / ∂(r, α, s, β).
    func logTailDerivatives(frequency x: Double, at t: Double, rule: GaussLaguerre,
                            decay: UnsafeBufferPointer<Double>) -> (logTail: Double, gradient: SIMD4<Double>) {
        let p = parameters
        let a = p.r + p.s + x
        let baseIsAlpha = p.alpha <= p.beta || a * Double.log((p.alpha + t) / (p.alpha - p.beta)) >= 4
        let (b, o) = baseIsAlpha ? (p.alpha, p.beta) : (p.beta, p.alpha)
        let m = baseIsAlpha ? p.s + 1 : p.r + x
        let bt = b + t
        let kappa = (o - b) / bt
        var sum = 0.0, su = 0.0, sk = 0.0, sm = 0.0
        rule.weights.withUnsafeBufferPointer { w in
        rule.nodes.withUnsafeBufferPointer { v in
            for i in 0..<w.count {
                let e = decay[i]
                let z = kappa * e
                let l = Double.log(onePlus: z)
                let f = w[i] * Double.exp(-m * l)
                sum += f
                su += f * v[i]
                sk += f * e / (1 + z)
                sm += f * l
            }
        }}
        let logBT = Double.log(bt)
        let da = 1 / a - logBT - su / (a * sum)
        let dKappa = -m * sk / sum
        let dm = -sm / sum
        let db = -a / bt - dKappa * (o + t) / (bt * bt)
        let dOther = dKappa / bt
        let gradient = baseIsAlpha
            ? SIMD4(da, db, da + dm, dOther)
            : SIMD4(da + dm, dOther, da, db)
        return (-a * logBT + Double.log(sum), gradient)
    }

    /// ∂ log F(t) / ∂(r, α, s, β) by central differences of the ₂F₁ form on the log scale
    /// (steps p e^{±h}, h = 1e-4): the fallback where the quadrature is not accurate enough.
    func logTailDifferences(frequency x: Double, at t: Double) -> SIMD4<Double> {
        let h = 1e-4
        var gradient = SIMD4<Double>()
        let base = parameters.array
        for j in 0..<4 {
            var up = base, down = base
            up[j] = base[j] * Double.exp(h)
            down[j] = base[j] * Double.exp(-h)
            let fUp = ParetoNBD(parameters: Parameters(up)).logTail(frequency: x, at: t)
            let fDown = ParetoNBD(parameters: Parameters(down)).logTail(frequency: x, at: t)
            gradient[j] = (fUp - fDown) / (up[j] - down[j])
        }
        return gradient
    }
}

extension ParetoNBDLikelihood {
    /// The tails log F(t) (₂F₁ form, as in ``evaluate(_:)``) of every distinct (x, t) pair
    /// with their derivatives (quadrature, or differences where it disagrees with the ₂F₁ form
    /// by more than 1e-11 relative), on two threads when there are many.
    private func pairTailsWithDerivatives(_ model: ParetoNBD) -> (tails: [Double], derivatives: [SIMD4<Double>], fallbacks: Int) {
        let m = pairX.count
        let rule = GaussLaguerre.rule40
        let p = model.parameters
        // e^{−vᵢ/a} per distinct x (a = r+s+x).
        let points = rule.nodes.count
        let decay = x.values.flatMap { xv in
            let a = p.r + p.s + xv
            return rule.nodes.map { Double.exp(-$0 / a) }
        }
        let parts = m >= 4_000 ? 2 : 1
        let results = ParallelResults<(tails: [Double], derivatives: [SIMD4<Double>], fallbacks: Int)>(count: parts)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let range = (part * m / parts)..<((part + 1) * m / parts)
            var tails = [Double](), derivatives = [SIMD4<Double>]()
            tails.reserveCapacity(range.count)
            derivatives.reserveCapacity(range.count)
            var fallbacks = 0
            decay.withUnsafeBufferPointer { decay in
                for j in range {
                    let xv = pairX[j], t = pairT[j]
                    let exact = model.logTail(frequency: xv, at: t)
                    let k = Int(pairXIndex[j])
                    let row = UnsafeBufferPointer(rebasing: decay[(k * points)..<((k + 1) * points)])
                    let (quadrature, gradient) = model.logTailDerivatives(frequency: xv, at: t, rule: rule, decay: row)
                    tails.append(exact)
                    if abs(quadrature - exact) <= 1e-11 * max(1, abs(exact)), gradient.x.isFinite, gradient.y.isFinite,
                       gradient.z.isFinite, gradient.w.isFinite {
                        derivatives.append(gradient)
                    } else {
                        derivatives.append(model.logTailDifferences(frequency: xv, at: t))
                        fallbacks += 1
                    }
                }
            }
            results.set(part, (tails, derivatives, fallbacks))
        }
        var tails: [Double] = [], derivatives: [SIMD4<Double>] = [], fallbacks = 0
        tails.reserveCapacity(m)
        derivatives.reserveCapacity(m)
        for part in 0..<parts {
            let size = (part + 1) * m / parts - part * m / parts
            // A missing part leaves the likelihood NaN, which the optimizer treats as +∞.
            let r: (tails: [Double], derivatives: [SIMD4<Double>], fallbacks: Int) = (try? results.value(part))
                ?? ([Double](repeating: .nan, count: size), [SIMD4<Double>](repeating: SIMD4(repeating: .nan), count: size), 0)
            tails += r.tails
            derivatives += r.derivatives
            fallbacks += r.fallbacks
        }
        return (tails, derivatives, fallbacks)
    }

    /// log L at `p` with its gradient with respect to (r, α, s, β), analytic: per history
    /// log L = head(x) + log(e^alive + e^death) (``ParetoNBD/logLikelihood(frequency:recency:age:)``),
    /// whose derivative is the derivative of the head plus those of alive and death weighted by
    /// their shares e^alive / L and e^death / L; death holds log A₀ = log(F(t_x) − F(T)), whose
    /// derivative is (F(t_x) ∂log F(t_x) − F(T) ∂log F(T)) / A₀ from the pairs' tails.
    /// - Complexity: one ₂F₁ and one 40-point quadrature per distinct (x, t) pair, then one pass
    ///   over the histories on two threads.
    func evaluate(_ p: ParetoNBD.Parameters, gradient: inout [Double]) -> Double {
        let model = ParetoNBD(parameters: p)
        let logAlpha = Double.log(p.alpha), logBeta = Double.log(p.beta), logS = Double.log(p.s)
        let psiR = SpecialFunctions.digamma(p.r)
        let head = x.values.map { xv in
            SpecialFunctions.logGammaRatio(p.r, xv) + p.r * logAlpha + p.s * logBeta
        }
        let headGradient = x.values.map { xv in
            SIMD4(SpecialFunctions.digamma(p.r + xv) - psiR + logAlpha, p.r / p.alpha, logBeta, p.s / p.beta)
        }
        let logWeight = x.values.map { xv in logS - Double.log(p.r + p.s + xv) }
        let weightGradient = x.values.map { xv in
            SIMD4(-1 / (p.r + p.s + xv), 0, 1 / p.s - 1 / (p.r + p.s + xv), 0)
        }
        let (tails, derivatives, _) = pairTailsWithDerivatives(model)
        // log(α+t), log(β+t) and their reciprocals by pair (the alive term needs them at t = T).
        let logAlphaT = pairT.map { Double.log(p.alpha + $0) }, logBetaT = pairT.map { Double.log(p.beta + $0) }
        let inverseAlphaT = pairT.map { 1 / (p.alpha + $0) }, inverseBetaT = pairT.map { 1 / (p.beta + $0) }
        let n = data.histories
        let parts = n >= 50_000 ? 2 : 1
        let results = ParallelResults<(total: Double, gradient: SIMD4<Double>, counts: [Double])>(count: parts)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            var total = 0.0
            var g = SIMD4<Double>()
            var counts = [Double](repeating: 0, count: x.values.count)
            for i in (part * n / parts)..<((part + 1) * n / parts) {
                let k = Int(x.index[i])
                let xv = data.frequency[i], c = data.count[i]
                let age = Int(agePair[i])
                let alive = -(p.r + xv) * logAlphaT[age] - p.s * logBetaT[age]
                let aliveGradient = SIMD4(-logAlphaT[age], -(p.r + xv) * inverseAlphaT[age], -logBetaT[age], -p.s * inverseBetaT[age])
                var death = -Double.infinity
                var deathGradient = SIMD4<Double>()
                if data.recency[i] < data.age[i] {
                    let recent = Int(recencyPair[i])
                    let lt = tails[recent], lT = tails[age]
                    if lt.isNaN || lT.isNaN {
                        // Outside the domain: the likelihood is NaN, which the optimizer refuses.
                        total = .nan
                        continue
                    }
                    if lt > lT {
                        // A₀ = F(t_x)(1 − ρ), ρ = F(T)/F(t_x) < 1, with 1 − ρ = −expm1(log ρ)
                        // accurate when ρ is near 1 (Mächler 2012); ∂ log A₀ = (D(t_x) − ρ D(T)) / (1 − ρ).
                        let oneMinusRho = -Double.expMinusOne(lT - lt)
                        death = logWeight[k] + lt + Double.log(oneMinusRho)
                        deathGradient = weightGradient[k]
                            + (derivatives[recent] - (1 - oneMinusRho) * derivatives[age]) / oneMinusRho
                    }
                }
                // log(e^alive + e^death) = high + log1p(e), e = e^(low − high); the shares of
                // the two terms are 1/(1+e) and e/(1+e).
                let high = max(alive, death), low = min(alive, death)
                let e = low == -.infinity ? 0 : Double.exp(low - high)
                let logSum = high + Double.log(onePlus: e)
                let highShare = 1 / (1 + e), lowShare = e * highShare
                total += c * (head[k] + logSum)
                counts[k] += c
                g += alive >= death
                    ? c * (highShare * aliveGradient + lowShare * deathGradient)
                    : c * (lowShare * aliveGradient + highShare * deathGradient)
            }
            results.set(part, (total, g, counts))
        }
        var total = 0.0
        var g = SIMD4<Double>()
        for part in 0..<parts {
            guard let r = try? results.value(part) else { total = .nan; continue }
            total += r.total
            g += r.gradient
            for k in 0..<r.counts.count { g += r.counts[k] * headGradient[k] }
        }
        for j in 0..<4 { gradient[j] = g[j] }
        return total
    }
}
