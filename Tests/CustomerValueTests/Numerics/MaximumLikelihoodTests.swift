import Foundation
import Testing
@testable import CustomerValue

/// Maximum-likelihood fits on log-parameters against closed forms or independently solved
/// score equations, and their standard errors against the analytic Fisher information.
struct MaximumLikelihoodTests {
    static let sample = [0.8, 1.3, 2.1, 0.4, 3.7, 1.9, 2.6, 0.9, 1.1, 4.2, 0.6, 1.5]

    @Test func normalMeanAndLogSDMatchClosedForm() throws {
        // θ = (μ, log σ); −log L = n·log σ + Σ(xᵢ − μ)²/(2σ²) + const. Closed form: μ̂ = x̄,
        // σ̂² = Σ(xᵢ − x̄)²/n. Observed information at the MLE: ∂²/∂μ² = n/σ̂², ∂²/∂(log σ)² =
        // 2Σ(xᵢ − μ̂)²/σ̂² = 2n, cross term −2Σ(xᵢ − μ̂)/σ̂² = 0; so SE(μ̂) = σ̂/√n and
        // SE(log σ̂) = 1/√(2n).
        let x = Self.sample
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        let sigma = (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()

        func gradient(_ theta: [Double]) -> [Double] {
            let variance = exp(2 * theta[1])
            let sum = x.reduce(0) { $0 + ($1 - theta[0]) }
            let squares = x.reduce(0) { $0 + ($1 - theta[0]) * ($1 - theta[0]) }
            return [-sum / variance, n - squares / variance]
        }
        func negativeLogLikelihood(_ theta: [Double]) -> Double {
            n * theta[1] + x.reduce(0) { $0 + ($1 - theta[0]) * ($1 - theta[0]) } / (2 * exp(2 * theta[1]))
        }
        let result = try Optimizer.minimize({ theta, g in
            g = gradient(theta)
            return negativeLogLikelihood(theta)
        }, from: [0, 0])
        #expect(result.converged, "\(result.message)")
        #expect(abs(result.x[0] - mean) < 1e-8)
        #expect(abs(result.x[1] - log(sigma)) < 1e-8)

        let hessian = Optimizer.numericalHessian(gradient: gradient, at: result.x)
        let covariance = try #require(Matrix.covariance(fromHessian: hessian))
        #expect(abs(covariance[0, 0].squareRoot() / (sigma / n.squareRoot()) - 1) < 1e-6)
        #expect(abs(covariance[1, 1].squareRoot() / (1 / (2 * n).squareRoot()) - 1) < 1e-6)
        #expect(abs(covariance[0, 1]) < 1e-8)
        // The Hessian of f alone gives the same standard errors.
        let fromValues = try #require(Matrix.standardErrors(fromHessian: Optimizer.numericalHessian(negativeLogLikelihood, at: result.x)))
        #expect(abs(fromValues[0] / (sigma / n.squareRoot()) - 1) < 1e-5)
        #expect(abs(fromValues[1] / (1 / (2 * n).squareRoot()) - 1) < 1e-5)
    }

    @Test func gammaShapeAndRateMatchDigammaEquation() throws {
        // θ = (log k, log β), rate β; −log L = −n·k·log β + n·logΓ(k) − (k − 1)Σ log xᵢ + βΣxᵢ,
        // minimised with difference gradients (no digamma needed). Independently: the score
        // equations give β̂ = k̂/x̄ and log k̂ − ψ(k̂) = log x̄ − mean(log x), solved here by
        // bisection. Fisher information in θ: n·[[k²ψ′(k), −k], [−k, k]] (the (k, β) information
        // n·[[ψ′(k), −1/β], [−1/β, k/β²]] under the Jacobian diag(k, β)); it does not depend on
        // the data, so observed and expected information agree at the MLE.
        let x = Self.sample
        let n = Double(x.count)
        let sum = x.reduce(0, +)
        let logSum = x.reduce(0) { $0 + log($1) }
        let mean = sum / n
        let target = log(mean) - logSum / n
        var lo = 1e-3, hi = 1e3  // log k − ψ(k) decreases from +∞ to 0
        for _ in 0..<200 {
            let mid = (lo * hi).squareRoot()
            if log(mid) - Self.digamma(mid) > target { lo = mid } else { hi = mid }
        }
        let shape = lo
        let rate = shape / mean

        func negativeLogLikelihood(_ theta: [Double]) -> Double {
            let k: Double = exp(theta[0])
            let beta: Double = exp(theta[1])
            let logGammaTerm: Double = n * lgamma(k)
            return logGammaTerm - n * k * theta[1] - (k - 1) * logSum + beta * sum
        }
        let result = try Optimizer.minimizeWithNumericalGradient(negativeLogLikelihood, from: [0, 0])
        #expect(result.converged, "\(result.message)")
        #expect(abs(result.x[0] - log(shape)) < 1e-6)
        #expect(abs(result.x[1] - log(rate)) < 1e-6)

        let a = shape * shape * Self.trigamma(shape)
        let information = Matrix([[n * a, -n * shape], [-n * shape, n * shape]])
        let expected = try information.inverse()
        let covariance = try #require(Matrix.covariance(fromHessian: Optimizer.numericalHessian(negativeLogLikelihood, at: result.x)))
        for i in 0..<2 {
            #expect(abs(covariance[i, i].squareRoot() / expected[i, i].squareRoot() - 1) < 1e-4)
        }
        #expect(abs(covariance[0, 1] / expected[0, 1] - 1) < 1e-4)
    }

    @Test func specialFunctionHelpersMatchKnownValues() {
        // ψ(1) = −γ (Euler–Mascheroni), ψ(1/2) = −γ − 2 log 2, ψ′(1) = π²/6, ψ′(1/2) = π²/2
        // (Abramowitz & Stegun 6.3.2, 6.3.3, 6.4.2, 6.4.4).
        let gamma = 0.57721566490153286
        #expect(abs(Self.digamma(1) + gamma) < 1e-13)
        #expect(abs(Self.digamma(0.5) + gamma + 2 * log(2.0)) < 1e-13)
        #expect(abs(Self.trigamma(1) - Double.pi * Double.pi / 6) < 1e-13)
        #expect(abs(Self.trigamma(0.5) - Double.pi * Double.pi / 2) < 1e-12)
    }

    /// ψ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic
    /// series (Abramowitz & Stegun 6.3.18), error below 1e-15.
    static func digamma(_ value: Double) -> Double {
        var x = value
        var result = 0.0
        while x < 10 {
            result -= 1 / x
            x += 1
        }
        let f = 1 / (x * x)
        let series = f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))))
        return result + log(x) - 0.5 / x - series
    }

    /// ψ′(x) for x > 0: ψ′(x) = ψ′(x + 1) + 1/x² up to x ≥ 10, then A&S 6.4.12.
    static func trigamma(_ value: Double) -> Double {
        var x = value
        var result = 0.0
        while x < 10 {
            result += 1 / (x * x)
            x += 1
        }
        let f = 1 / (x * x)
        let series = 1 / x + f / 2 + f / x * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f * (1.0 / 30 - f * 5 / 66))))
        return result + series
    }
}
