import Foundation
import Numerics

/// Gauss–Laguerre quadrature: ∫₀^∞ e^−v g(v) dv ≈ Σᵢ wᵢ g(vᵢ), exact for polynomials g of
/// degree < 2n (Abramowitz & Stegun 1964, 25.4.45).
///
/// The nodes are the zeros of the Laguerre polynomial L_n: first as the eigenvalues of the
/// symmetric tridiagonal Jacobi matrix of the three-term recurrence (Golub & Welsch 1969,
/// "Calculation of Gauss quadrature rules", Math. Comp. 23), diagonal 2k+1 and off-diagonal k,
/// then polished by Newton's method on L_n itself; the weights are
/// wᵢ = vᵢ / ((n+1)² L_{n+1}(vᵢ)²) (A & S 25.4.45).
struct GaussLaguerre: Sendable {
    let nodes: [Double]
    let weights: [Double]

    /// The n-point rule (n ≥ 1).
    init(points n: Int) {
        precondition(n >= 1, "a Gauss–Laguerre rule needs at least one point")
        var jacobi = Matrix(rows: n, columns: n)
        for k in 0..<n {
            jacobi[k, k] = Double(2 * k + 1)
            if k > 0 {
                jacobi[k, k - 1] = Double(k)
                jacobi[k - 1, k] = Double(k)
            }
        }
        let guesses = SymmetricEigendecomposition(jacobi).eigenvalues.sorted()
        var nodes: [Double] = [], weights: [Double] = []
        for guess in guesses {
            var v = guess
            for _ in 0..<8 {
                let (ln, lnMinus1, _) = Self.laguerre(n, at: v)
                // v L_n′(v) = n (L_n(v) − L_{n−1}(v))
                let derivative = Double(n) * (ln - lnMinus1) / v
                let step = ln / derivative
                v -= step
                if abs(step) <= 1e-15 * v { break }
            }
            let next = Self.laguerre(n, at: v).next
            nodes.append(v)
            weights.append(v / (Double((n + 1) * (n + 1)) * next * next))
        }
        self.nodes = nodes
        self.weights = weights
    }

    /// L_n(v), L_{n−1}(v) and L_{n+1}(v) by the recurrence (k+1) L_{k+1} = (2k+1−v) L_k − k L_{k−1}.
    private static func laguerre(_ n: Int, at v: Double) -> (value: Double, previous: Double, next: Double) {
        var previous = 1.0, value = 1.0 - v
        if n == 0 { return (1, 0, 1 - v) }
        for k in 1..<(n + 1) {
            let next = ((Double(2 * k + 1) - v) * value - Double(k) * previous) / Double(k + 1)
            if k == n { return (value, previous, next) }
            previous = value
            value = next
        }
        return (value, previous, .nan)
    }

    /// The 40-point rule, shared.
    static let rule40 = GaussLaguerre(points: 40)
}
