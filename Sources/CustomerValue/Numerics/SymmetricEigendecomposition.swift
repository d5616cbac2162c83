/// Eigenvalues and orthonormal eigenvectors of a small real symmetric matrix, A = V·Λ·Vᵀ, by
/// the cyclic Jacobi method (Jacobi 1846, "Über ein leichtes Verfahren, die in der Theorie der
/// Säcularstörungen vorkommenden Gleichungen numerisch aufzulösen"; the row-cyclic order and
/// stable rotation formulas of Rutishauser 1966 and Golub & Van Loan 2013, Algorithm 8.5.3).
///
/// Jacobi is slower than tridiagonal QR for large n but simple, and accurate to high relative
/// precision; it is meant for the n ≤ 10 or so matrices of this package (Hessians, correlation
/// matrices).
public struct SymmetricEigendecomposition: Sendable, Hashable {
    /// The eigenvalues, largest first.
    public let eigenvalues: [Double]
    /// The eigenvectors as columns, column j belonging to `eigenvalues[j]`, each of unit length
    /// with its largest-magnitude component positive (to make the sign deterministic).
    public let eigenvectors: Matrix
    /// Number of sweeps over all off-diagonal entries that were needed.
    public let sweeps: Int

    /// Decomposes `matrix`.
    /// - Parameters:
    ///   - matrix: a square symmetric matrix (its symmetric part, (A + Aᵀ)/2, is used) with
    ///     finite entries.
    ///   - maxSweeps: upper bound on sweeps; convergence is quadratic and 6–10 sweeps are typical.
    /// - Complexity: O(n³) per sweep.
    public init(_ matrix: Matrix, maxSweeps: Int = 100) {
        precondition(matrix.isSquare, "eigen-decomposition of a non-square matrix")
        precondition(matrix.elements.allSatisfy(\.isFinite), "matrix has non-finite entries")
        let n = matrix.rows
        var a = Matrix(rows: n, columns: n)
        for i in 0..<n {
            for j in 0..<n { a[i, j] = 0.5 * (matrix[i, j] + matrix[j, i]) }
        }
        var v = Matrix.identity(n)
        let frobeniusSquared = a.elements.reduce(0) { $0 + $1 * $1 }
        var sweep = 0
        while sweep < maxSweeps {
            var offDiagonal = 0.0
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) { offDiagonal += a[p, q] * a[p, q] }
            }
            // Converged when the off-diagonal mass is at round-off level of the whole matrix.
            if offDiagonal <= Double.ulpOfOne * Double.ulpOfOne * frobeniusSquared { break }
            sweep += 1
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) where a[p, q] != 0 {
                    Self.rotate(&a, &v, p, q)
                }
            }
        }
        var order = Array(0..<n)
        order.sort { a[$0, $0] > a[$1, $1] }
        var vectors = Matrix(rows: n, columns: n)
        for (column, source) in order.enumerated() {
            var largest = 0
            for i in 0..<n where abs(v[i, source]) > abs(v[largest, source]) { largest = i }
            let sign: Double = v[largest, source] < 0 ? -1 : 1
            for i in 0..<n { vectors[i, column] = sign * v[i, source] }
        }
        eigenvalues = order.map { a[$0, $0] }
        eigenvectors = vectors
        sweeps = sweep
    }

    /// One Jacobi rotation A ← Jᵀ·A·J zeroing a[p, q], accumulated into V ← V·J.
    private static func rotate(_ a: inout Matrix, _ v: inout Matrix, _ p: Int, _ q: Int) {
        let apq = a[p, q]
        let theta = (a[q, q] - a[p, p]) / (2 * apq)
        // t = tan of the rotation angle, the smaller root of t² + 2θt − 1 = 0; this form avoids
        // the cancellation of −θ + √(θ² + 1) and the overflow of θ² for large θ.
        let t: Double
        if abs(theta) > 1e150 {
            t = 1 / (2 * theta)
        } else {
            t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
        }
        let c = 1 / (t * t + 1).squareRoot()
        let s = t * c
        let n = a.rows
        for k in 0..<n where k != p && k != q {
            let akp = a[k, p]
            let akq = a[k, q]
            a[k, p] = c * akp - s * akq
            a[p, k] = a[k, p]
            a[k, q] = s * akp + c * akq
            a[q, k] = a[k, q]
        }
        a[p, p] -= t * apq
        a[q, q] += t * apq
        a[p, q] = 0
        a[q, p] = 0
        for k in 0..<n {
            let vkp = v[k, p]
            let vkq = v[k, q]
            v[k, p] = c * vkp - s * vkq
            v[k, q] = s * vkp + c * vkq
        }
    }
}
