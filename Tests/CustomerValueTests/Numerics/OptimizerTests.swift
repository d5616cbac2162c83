import Foundation
import Testing
@testable import CustomerValue

/// Test problems with analytic gradients. Minimisers and starts of Rosenbrock, Beale and
/// Powell's badly scaled function are those of Moré, Garbow & Hillstrom (1981), "Testing
/// unconstrained optimization software", ACM TOMS 7(1), problems 4, 5 and 3 (MGH below).
enum TestProblems {
    /// Chained Rosenbrock, Σᵢ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)² (Rosenbrock 1960 for n = 2, MGH
    /// problem 4; the chained n-dimensional form of Dixon & Mills 1994, JOTA 81(3)): minimum 0
    /// at (1, …, 1); start (−1.2, 1, −1.2, 1, …). For n ≥ 4 it also has a local minimum near
    /// x₁ = −1, which the start used here does not lead to.
    static func rosenbrock(_ x: [Double], _ g: inout [Double]) -> Double {
        var f = 0.0
        for i in g.indices { g[i] = 0 }
        for i in 0..<(x.count - 1) {
            let r = x[i + 1] - x[i] * x[i]
            f += 100 * r * r + (1 - x[i]) * (1 - x[i])
            g[i] += -400 * x[i] * r - 2 * (1 - x[i])
            g[i + 1] += 200 * r
        }
        return f
    }

    static func rosenbrockStart(_ n: Int) -> [Double] { (0..<n).map { $0 % 2 == 0 ? -1.2 : 1 } }

    /// Beale (MGH problem 5): Σᵢ (cᵢ − x(1 − yⁱ))², c = 1.5, 2.25, 2.625; minimum 0 at (3, 0.5).
    static func beale(_ x: [Double], _ g: inout [Double]) -> Double {
        let c = [1.5, 2.25, 2.625]
        var f = 0.0
        g[0] = 0
        g[1] = 0
        for i in 1...3 {
            let yi = pow(x[1], Double(i))
            let r = c[i - 1] - x[0] * (1 - yi)
            f += r * r
            g[0] += 2 * r * -(1 - yi)
            g[1] += 2 * r * x[0] * Double(i) * pow(x[1], Double(i - 1))
        }
        return f
    }

    /// Powell's badly scaled function (MGH problem 3): (10⁴xy − 1)² + (e⁻ˣ + e⁻ʸ − 1.0001)²;
    /// minimum 0 at (1.098…e−5, 9.106…), start (0, 1). The two coordinates differ by 10⁶ in scale.
    static func powellBadlyScaled(_ x: [Double], _ g: inout [Double]) -> Double {
        let r1 = 1e4 * x[0] * x[1] - 1
        let r2 = exp(-x[0]) + exp(-x[1]) - 1.0001
        g[0] = 2 * r1 * 1e4 * x[1] - 2 * r2 * exp(-x[0])
        g[1] = 2 * r1 * 1e4 * x[0] - 2 * r2 * exp(-x[1])
        return r1 * r1 + r2 * r2
    }
}

struct OptimizerTests {
    @Test(arguments: [2, 10])
    func lbfgsSolvesRosenbrock(dimension: Int) throws {
        let result = try Optimizer.minimize(TestProblems.rosenbrock, from: TestProblems.rosenbrockStart(dimension))
        #expect(result.converged, "\(result.message)")
        for xi in result.x { #expect(abs(xi - 1) < 1e-6) }  // minimiser (1, …, 1) by construction
        #expect(result.value < 1e-12)
        // Measured: 38 iterations / 47 evaluations (n = 2), 77 / 93 (n = 10); bounds catch regressions.
        #expect(result.iterations < 2 * [2: 38, 10: 77][dimension, default: 0])
        #expect(result.functionEvaluations < 2 * [2: 47, 10: 93][dimension, default: 0])
    }

    @Test func lbfgsSolvesBeale() throws {
        let result = try Optimizer.minimize(TestProblems.beale, from: [1, 1])
        #expect(result.converged, "\(result.message)")
        #expect(abs(result.x[0] - 3) < 1e-6 && abs(result.x[1] - 0.5) < 1e-6)  // MGH: (3, 0.5)
        #expect(result.iterations < 40)
    }

    @Test func lbfgsSolvesConvexQuadraticWithKnownMinimiser() throws {
        // f = ½(x − x*)ᵀA(x − x*) + 7 with A symmetric positive definite (diagonally dominant),
        // so the minimiser is x* and the minimum 7 by construction.
        let a = Matrix([[4, 1, 0, 0], [1, 3, 1, 0], [0, 1, 2, 0.5], [0, 0, 0.5, 1]])
        let target = [1.0, -2, 3, 0.5]
        let result = try Optimizer.minimize({ x, g in
            let d = zip(x, target).map { $0 - $1 }
            let ad = a * d
            for i in 0..<4 { g[i] = ad[i] }
            return 0.5 * zip(d, ad).reduce(0) { $0 + $1.0 * $1.1 } + 7
        }, from: [0, 0, 0, 0])
        #expect(result.converged, "\(result.message)")
        for (xi, ti) in zip(result.x, target) { #expect(abs(xi - ti) < 1e-8) }
        #expect(abs(result.value - 7) < 1e-14)
        #expect(result.iterations <= 15)  // BFGS on a quadratic: about n steps plus line-search slack
    }

    enum Invalid: String, CaseIterable { case nan, infinity }

    @Test(arguments: Invalid.allCases, [0.02, 1e-6, 3.0])
    func lbfgsBacktracksFromUndefinedHalfSpace(invalid: Invalid, x1: Double) throws {
        // f = x₁ − 0.01·log x₁ + (x₂ − 1)² for x₁ > 0 and NaN or +∞ otherwise. f′ = 1 − 0.01/x₁
        // vanishes at x₁ = 0.01, where f = 0.01 − 0.01·log 0.01. From x₁ = 0.02 the first trial
        // step (length 1 along −∇f = (−0.5, 0)) lands at x₁ = −0.48, outside the domain.
        var undefinedCalls = 0
        let result = try Optimizer.minimize({ x, g in
            guard x[0] > 0 || invalid == .nan else {
                undefinedCalls += 1
                return .infinity
            }
            if x[0] <= 0 { undefinedCalls += 1 }
            g[0] = 1 - 0.01 / x[0]
            g[1] = 2 * (x[1] - 1)
            return x[0] - 0.01 * log(x[0]) + (x[1] - 1) * (x[1] - 1)  // log of a negative is NaN
        }, from: [x1, 3])
        #expect(result.converged, "\(result.message)")
        #expect(abs(result.x[0] - 0.01) < 1e-8 && abs(result.x[1] - 1) < 1e-8)
        #expect(abs(result.value - (0.01 - 0.01 * log(0.01))) < 1e-12)
        #expect(result.value.isFinite && result.gradient.allSatisfy(\.isFinite))
        if x1 == 0.02 { #expect(undefinedCalls > 0) }  // the undefined region was really visited
    }

    @Test func lbfgsHandlesPowellsBadlyScaledFunction() throws {
        // The minimum value is 0 and f ≪ 1 near it, where the relative-function-change test is in
        // effect absolute (its denominator is max(|f|, 1)) and stops early, with |∇f| ≈ 7e-4 and
        // x off by 2e-5 (measured); so here only the gradient test may stop the search.
        let result = try Optimizer.minimize(TestProblems.powellBadlyScaled, from: [0, 1],
                                            options: .init(gradientTolerance: 1e-10, relativeFunctionTolerance: 0))
        #expect(result.converged, "\(result.message)")
        #expect(result.value < 1e-20)
        #expect(result.iterations < 250)  // measured 144
        // MGH: x* = (1.098159…e−5, 9.106146…); x₀x₁ = 10⁻⁴ exactly at the minimum.
        #expect(abs(result.x[0] / 1.098159e-5 - 1) < 1e-5)
        #expect(abs(result.x[1] / 9.106146 - 1) < 1e-5)
    }

    @Test func nonFiniteStartThrows() {
        #expect(throws: OptimizationError.self) {
            try Optimizer.minimize({ x, g in
                g[0] = 1 / x[0]
                return log(x[0])  // NaN at −1
            }, from: [-1])
        }
        #expect(throws: OptimizationError.self) {
            try Optimizer.minimize({ x, g in
                g[0] = .nan
                return x[0] * x[0]
            }, from: [1])
        }
    }

    @Test func iterationLimitReportsNonConvergenceWithBestPoint() throws {
        let start = TestProblems.rosenbrockStart(2)
        var scratch = [0.0, 0.0]
        let startValue = TestProblems.rosenbrock(start, &scratch)  // 24.2
        let result = try Optimizer.minimize(TestProblems.rosenbrock, from: start, options: .init(maxIterations: 3))
        #expect(!result.converged)
        #expect(result.iterations == 3)
        #expect(result.message.contains("iteration limit"))
        #expect(result.value.isFinite && result.value < startValue)
    }

    @Test func wrongGradientStopsWithoutConvergence() throws {
        // The "gradient" has the wrong sign, so no step along its descent direction decreases
        // f = x²; the search must stop at the start and say so, not return NaN or claim success.
        let result = try Optimizer.minimize({ x, g in
            g[0] = -2 * x[0]
            return x[0] * x[0]
        }, from: [1])
        #expect(!result.converged)
        #expect(result.message.contains("line search"))
        #expect(result.x == [1] && result.value == 1)
    }

    @Test func restartsReturnTheBestLocalMinimum() throws {
        // Tilted double well f = (x² − 1)² + 0.3x: f′ = 4x(x² − 1) + 0.3 has roots near −1.04
        // (the global minimum), 0.075 (a maximum) and 0.96 (a local minimum).
        func well(_ x: [Double], _ g: inout [Double]) -> Double {
            g[0] = 4 * x[0] * (x[0] * x[0] - 1) + 0.3
            return (x[0] * x[0] - 1) * (x[0] * x[0] - 1) + 0.3 * x[0]
        }
        // The global minimiser by bisection of f′ on [−2, −0.5], where f′ changes sign once.
        var lo = -2.0, hi = -0.5
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if 4 * mid * (mid * mid - 1) + 0.3 < 0 { lo = mid } else { hi = mid }
        }
        let local = try Optimizer.minimize(well, from: [2])
        #expect(local.x[0] > 0)
        let best = try Optimizer.minimizeWithRestarts(well, starts: [[2], [.nan], [-2]])
        #expect(abs(best.x[0] - lo) < 1e-8)
        #expect(best.value < local.value)
        #expect(best.message.contains("start 3"))
        #expect(throws: OptimizationError.self) {
            try Optimizer.minimizeWithRestarts(well, starts: [[.nan], [.infinity]])
        }
    }

    @Test func nelderMeadSolvesRosenbrock() {
        let result = Optimizer.nelderMead({ x in
            var g = [0.0, 0.0]
            return TestProblems.rosenbrock(x, &g)
        }, from: [-1.2, 1])
        #expect(result.converged, "\(result.message)")
        #expect(abs(result.x[0] - 1) < 1e-6 && abs(result.x[1] - 1) < 1e-6)
        #expect(result.gradientNorm < 1e-4)
    }

    @Test(arguments: [[0.0, 0.0], [5.0, -3.0], [-4.0, 7.5]])
    func nelderMeadSolvesNonSmoothFunction(start: [Double]) {
        // f = |x − 1| + 2|y + 0.5| + max(0, x + y − 3)·10: a kinked valley, minimum 0 at (1, −0.5)
        // (where x + y = 0.5 < 3, so the last term is 0); no gradient exists at the minimiser.
        let result = Optimizer.nelderMead({ x in
            abs(x[0] - 1) + 2 * abs(x[1] + 0.5) + 10 * max(0, x[0] + x[1] - 3)
        }, from: start)
        #expect(result.converged, "\(result.message)")
        #expect(abs(result.x[0] - 1) < 1e-8 && abs(result.x[1] + 0.5) < 1e-8)
        #expect(result.value < 1e-8)
    }

    @Test func nelderMeadReportsAnObjectiveUndefinedEverywhere() {
        let result = Optimizer.nelderMead({ _ in .nan }, from: [1, 2])
        #expect(!result.converged)
        #expect(result.value == .infinity && result.gradient.isEmpty)
        #expect(result.message.contains("not finite"))
    }
}
