import Foundation
import Testing
@testable import CustomerValue

/// The analytic Pareto/NBD gradient: Gauss–Laguerre tails against the ₂F₁ form, derivatives
/// against central differences, and the fit it drives.
struct ParetoNBDGradientTests {
    /// ∫₀^∞ e^−v v^k dv = Γ(k+1) = k!, exact for k < 2n = 80 (A & S 25.4.45); checked to k = 30.
    @Test func laguerreRuleIntegratesMonomials() {
        let rule = GaussLaguerre.rule40
        #expect(rule.nodes.count == 40 && rule.nodes.allSatisfy { $0 > 0 })
        var factorial = 1.0
        for k in 0...30 {
            if k > 0 { factorial *= Double(k) }
            let sum = zip(rule.nodes, rule.weights).reduce(0.0) { $0 + $1.1 * Double.pow($1.0, Double(k)) }
            #expect(abs(sum - factorial) <= 1e-12 * factorial, "k \(k): \(sum) vs \(factorial)")
        }
    }

    /// Parameter sets: the 1M-customer benchmark fit (α < β), the CDNOW estimates of Fader,
    /// Hardie & Lee (2005), both with α and β swapped (α > β), and large shapes.
    static let parameterSets: [ParetoNBD.Parameters] = [
        .init(r: 0.52, alpha: 11.2, s: 0.88, beta: 31.6),
        .init(r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562),
        .init(r: 0.52, alpha: 31.6, s: 0.88, beta: 11.2),
        .init(r: 0.5534, alpha: 11.6562, s: 0.6061, beta: 10.5802),
        .init(r: 3, alpha: 11.66, s: 3, beta: 10.58),
    ]

    static func decay(_ p: ParetoNBD.Parameters, x: Double) -> [Double] {
        GaussLaguerre.rule40.nodes.map { Double.exp(-$0 / (p.r + p.s + x)) }
    }

    /// The quadrature's log F(t) equals the ₂F₁ form (independent: hypergeometric series and
    /// connection formulas, checked against mpmath in HypergeometricTests) to 1e-12 relative
    /// over x 0…1000 and t 0…78 weeks, α below and above β; hence log A₀ = log(F(t_x) − F(T))
    /// agrees as well wherever the difference is not itself a cancellation.
    @Test(arguments: parameterSets)
    func quadratureTailMatchesHypergeometricForm(p: ParetoNBD.Parameters) {
        let model = ParetoNBD(parameters: p)
        for x in [0.0, 1, 2, 5, 20, 100, 300, 1000] {
            let decay = Self.decay(p, x: x)
            for t in [0.0, 0.5, 5, 38.86, 78] {
                let exact = model.logTail(frequency: x, at: t)
                let quadrature = decay.withUnsafeBufferPointer {
                    model.logTailDerivatives(frequency: x, at: t, rule: .rule40, decay: $0).logTail
                }
                #expect(abs(quadrature - exact) <= 1e-12 * max(1, abs(exact)), "x \(x) t \(t): \(quadrature) vs \(exact)")
                // log A₀ from the two forms, t_x = t, T = 78.
                if t < 78 {
                    let a0 = model.logA0(frequency: x, recency: t, age: 78)
                    let tailT = decay.withUnsafeBufferPointer {
                        model.logTailDerivatives(frequency: x, at: 78, rule: .rule40, decay: $0).logTail
                    }
                    let a0Quadrature = SpecialFunctions.logDiffExp(quadrature, tailT)
                    #expect(abs(a0Quadrature - a0) <= 1e-11 * max(1, abs(a0)), "log A₀ x \(x) t \(t): \(a0Quadrature) vs \(a0)")
                }
            }
        }
    }

    /// ∂ log F(t) by quadrature against central differences of the ₂F₁ form (h = 1e-4 on the
    /// log scale: truncation error about 1e-8 relative).
    @Test(arguments: parameterSets)
    func quadratureDerivativesMatchDifferences(p: ParetoNBD.Parameters) {
        let model = ParetoNBD(parameters: p)
        for x in [0.0, 1, 5, 100, 1000] {
            let decay = Self.decay(p, x: x)
            for t in [0.0, 5, 78] {
                let analytic = decay.withUnsafeBufferPointer {
                    model.logTailDerivatives(frequency: x, at: t, rule: .rule40, decay: $0).gradient
                }
                let numeric = model.logTailDifferences(frequency: x, at: t)
                for j in 0..<4 {
                    #expect(abs(analytic[j] - numeric[j]) <= 1e-6 * max(1, abs(numeric[j])),
                            "x \(x) t \(t) ∂\(ParetoNBD.parameterNames[j]): \(analytic[j]) vs \(numeric[j])")
                }
            }
        }
    }

    /// Simulated histories (the CDNOW truth) and extreme parameters where the quadrature is
    /// not accurate (r = s = 0.1, α = 0.5, β = 100: a sharp step in φ, so those pairs fall back
    /// to differences): the analytic gradient matches central differences of the whole
    /// likelihood (`gradient(at:)`, ~1e-9 relative) and the value equals `evaluate(_:)`.
    @Test(arguments: [
        ParetoNBD.Parameters(r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562),
        ParetoNBD.Parameters(r: 0.8, alpha: 14, s: 0.4, beta: 6),
        ParetoNBD.Parameters(r: 0.1, alpha: 0.5, s: 0.1, beta: 100),
    ])
    func likelihoodGradientMatchesDifferences(p: ParetoNBD.Parameters) throws {
        let sim = ParetoNBDTests.simulate(ParetoNBDTests.cdnow, customers: 1_500, seed: 3, holdout: 0)
        let data = try PurchaseData(frequency: sim.x, recency: sim.tx, age: sim.age)
        let likelihood = ParetoNBDLikelihood(data: data)
        var gradient = [0.0, 0, 0, 0]
        let value = likelihood.evaluate(p, gradient: &gradient)
        let plain = likelihood.evaluate(p)
        #expect(abs(value - plain) <= 1e-12 * abs(plain), "\(value) vs \(plain)")
        let numeric = likelihood.gradient(at: p.array)
        for j in 0..<4 {
            #expect(abs(gradient[j] - numeric[j]) <= 1e-6 * max(1, abs(numeric[j])),
                    "∂\(ParetoNBD.parameterNames[j]): \(gradient[j]) vs \(numeric[j])")
        }
    }

    /// The fit with the analytic gradient reaches the maximum of the fit with the
    /// central-difference gradient (the previous method): log L equal to 1e-11 relative, the
    /// estimates within 1e-5 relative (the convergence test, scaled gradient ≤ 1e-8, pins the
    /// correlated s and β only to about that: the two differ by ~2e-6 here).
    @Test func fitMatchesTheDifferenceGradientFit() throws {
        let sim = ParetoNBDTests.simulate(ParetoNBDTests.cdnow, customers: 3_000, seed: 8, holdout: 0)
        let data = try PurchaseData(frequency: sim.x, recency: sim.tx, age: sim.age)
        let (_, report) = try ParetoNBD.fit(data)
        #expect(report.converged, "\(report.message)")
        let likelihood = ParetoNBDLikelihood(data: data)
        let plain = try MaximumLikelihood.fit(
            model: "pnbd", names: ParetoNBD.parameterNames, customers: data.customers,
            starts: [report.estimates.map { $0 * 1.2 }], options: .init()
        ) { p, gradient in
            let value = likelihood.evaluate(ParetoNBD.Parameters(p))
            let g = likelihood.gradient(at: p)
            for j in 0..<4 { gradient[j] = g[j] }
            return value
        }
        #expect(plain.converged)
        #expect(abs(report.logLikelihood - plain.logLikelihood) <= 1e-11 * abs(plain.logLikelihood),
                "\(report.logLikelihood) vs \(plain.logLikelihood)")
        for j in 0..<4 {
            #expect(abs(report.estimates[j] - plain.estimates[j]) <= 1e-5 * plain.estimates[j],
                    "\(ParetoNBD.parameterNames[j]): \(report.estimates[j]) vs \(plain.estimates[j])")
        }
    }
}
