/// The largest eigenvalue of a non-negative square matrix and its eigenvector, the Perron root
/// and Perron vector (Perron 1907; Frobenius 1912), as used for AHP priorities (Saaty 1977, "A
/// scaling method for priorities in hierarchical structures", J. Math. Psychology 15(3)).
public struct PrincipalEigenpair: Sendable, Hashable, Codable {
    /// The largest eigenvalue, λmax.
    public var eigenvalue: Double
    /// The eigenvector of `eigenvalue`, non-negative and normalised to sum 1 (AHP weights).
    public var eigenvector: [Double]
    /// Number of power iterations done.
    public var iterations: Int
    /// Whether successive vectors agreed to the tolerance before the iteration limit.
    public var converged: Bool
}

extension Matrix {
    /// The principal eigenpair of a non-negative square matrix by power iteration (von Mises &
    /// Pollaczek-Geiringer 1929) on A + I.
    ///
    /// The shift by the identity keeps the eigenvectors, adds 1 to every eigenvalue, and makes
    /// an irreducible non-negative matrix primitive, so that the iteration converges even for
    /// periodic matrices such as [[0, 1], [1, 0]], where plain powers of A oscillate. For AHP
    /// comparison matrices (positive, reciprocal) the convergence factor is
    /// |λ₂ + 1| / (λmax + 1), a few dozen iterations at most.
    /// - Parameters:
    ///   - tolerance: stop when no component of the sum-1 vector changes by more than this.
    ///   - maxIterations: upper bound on iterations.
    /// - Returns: λmax = Σᵢ (A·w)ᵢ for the sum-1 vector w, and w.
    /// - Complexity: O(n²) per iteration.
    public func principalEigenpair(tolerance: Double = 1e-13, maxIterations: Int = 10_000) -> PrincipalEigenpair {
        precondition(isSquare && rows > 0, "principal eigenpair of a non-square or empty matrix")
        precondition(elements.allSatisfy { $0 >= 0 && $0.isFinite }, "matrix must be non-negative and finite")
        let n = rows
        var w = [Double](repeating: 1 / Double(n), count: n)
        var next = w
        var iterations = 0
        var converged = false
        while iterations < maxIterations {
            iterations += 1
            var sum = 0.0
            for i in 0..<n {
                var s = w[i]  // the identity shift
                for j in 0..<n { s += elements[i * n + j] * w[j] }
                next[i] = s
                sum += s
            }
            var change = 0.0
            for i in 0..<n {
                next[i] /= sum
                change = max(change, abs(next[i] - w[i]))
            }
            swap(&w, &next)
            if change <= tolerance {
                converged = true
                break
            }
        }
        var lambda = 0.0
        for i in 0..<n {
            for j in 0..<n { lambda += elements[i * n + j] * w[j] }
        }
        return PrincipalEigenpair(eigenvalue: lambda, eigenvector: w, iterations: iterations, converged: converged)
    }
}
