import Foundation
import Testing
@testable import CustomerValue

struct NumericalDerivativeTests {
    /// f(x) = e^(x₀)·sin x₁ + x₀²x₂³ + log(1 + x₁²), with derivatives by hand:
    /// ∂₀f = e^(x₀) sin x₁ + 2x₀x₂³, ∂₁f = e^(x₀) cos x₁ + 2x₁/(1 + x₁²), ∂₂f = 3x₀²x₂²;
    /// ∂₀₀f = e^(x₀) sin x₁ + 2x₂³, ∂₀₁f = e^(x₀) cos x₁, ∂₀₂f = 6x₀x₂², ∂₁₁f = −e^(x₀) sin x₁ +
    /// 2(1 − x₁²)/(1 + x₁²)², ∂₁₂f = 0, ∂₂₂f = 6x₀²x₂.
    static func f(_ x: [Double]) -> Double {
        exp(x[0]) * sin(x[1]) + x[0] * x[0] * pow(x[2], 3) + log(1 + x[1] * x[1])
    }

    static func gradient(_ x: [Double]) -> [Double] {
        [exp(x[0]) * sin(x[1]) + 2 * x[0] * pow(x[2], 3),
         exp(x[0]) * cos(x[1]) + 2 * x[1] / (1 + x[1] * x[1]),
         3 * x[0] * x[0] * x[2] * x[2]]
    }

    static func hessian(_ x: [Double]) -> Matrix {
        let e = exp(x[0])
        let q = 1 + x[1] * x[1]
        let h00 = e * sin(x[1]) + 2 * pow(x[2], 3)
        let h01 = e * cos(x[1])
        let h02 = 6 * x[0] * x[2] * x[2]
        let h11 = -e * sin(x[1]) + 2 * (1 - x[1] * x[1]) / (q * q)
        let h22 = 6 * x[0] * x[0] * x[2]
        return Matrix([[h00, h01, h02], [h01, h11, 0], [h02, 0, h22]])
    }

    static let points: [[Double]] = [[0.3, -1.2, 0.7], [-1, 2.5, -0.4], [12, 0.1, 3]]

    @Test(arguments: points)
    func gradientMatchesAnalytic(x: [Double]) {
        let numeric = Optimizer.numericalGradient(Self.f, at: x)
        let scale = max(1, abs(Self.f(x)))
        // Central differences: O(h²) truncation + O(ε/h) round-off ≈ 1e-10 relative to |f|.
        for (n, a) in zip(numeric, Self.gradient(x)) { #expect(abs(n - a) <= 1e-8 * scale) }
    }

    @Test(arguments: points)
    func hessianFromGradientMatchesAnalytic(x: [Double]) {
        let numeric = Optimizer.numericalHessian(gradient: Self.gradient, at: x)
        let exact = Self.hessian(x)
        let scale = max(1, exact.elements.map(abs).max() ?? 1)
        for (n, a) in zip(numeric.elements, exact.elements) { #expect(abs(n - a) <= 1e-7 * scale) }
        #expect(numeric.isSymmetric(tolerance: 0))
    }

    @Test(arguments: points)
    func hessianFromValuesMatchesAnalytic(x: [Double]) {
        let numeric = Optimizer.numericalHessian(Self.f, at: x)
        let exact = Self.hessian(x)
        let scale = max(1, abs(Self.f(x)), exact.elements.map(abs).max() ?? 1)
        // Richardson-extrapolated second differences: ≈ 1e-8 relative.
        for (n, a) in zip(numeric.elements, exact.elements) { #expect(abs(n - a) <= 1e-6 * scale) }
    }

    @Test func gradientFallsBackToOneSidedNearTheDomainEdge() {
        // f = (x − 1)² for x ≥ 0, NaN below. At x = 1e-6 the central stencil (h ≈ 6e-6) leaves the
        // domain; the forward difference with h ≈ 1.5e-8 has error h·f″/2 = 1.5e-8 (f″ = 2).
        let f: ([Double]) -> Double = { x in x[0] >= 0 ? (x[0] - 1) * (x[0] - 1) : .nan }
        let numeric = Optimizer.numericalGradient(f, at: [1e-6])
        #expect(abs(numeric[0] - 2 * (1e-6 - 1)) < 1e-7)
        let nowhere = Optimizer.numericalGradient({ _ in .nan }, at: [1])
        #expect(nowhere[0].isNaN)
    }

    @Test func lbfgsWithNumericalGradientSolvesRosenbrock() throws {
        let result = try Optimizer.minimizeWithNumericalGradient({ x in
            var g = [0.0, 0.0]
            return TestProblems.rosenbrock(x, &g)
        }, from: [-1.2, 1], options: .init(gradientTolerance: 1e-7))
        #expect(result.converged, "\(result.message)")
        #expect(abs(result.x[0] - 1) < 1e-5 && abs(result.x[1] - 1) < 1e-5)
        // Each point costs 1 + 2n calls of f.
        #expect(result.functionEvaluations >= 5 * (result.iterations + 1))
    }
}
