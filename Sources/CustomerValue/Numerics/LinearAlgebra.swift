import Foundation

/// Why a factorisation of a matrix failed.
public struct LinearAlgebraError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The kind of failure.
    public enum Kind: Sendable, Hashable {
        /// Cholesky: a pivot was not positive (the matrix is not positive definite).
        case notPositiveDefinite
        /// LU: a pivot was zero or negligible (the matrix is singular to working precision).
        case singular
    }

    /// The kind of failure.
    public var kind: Kind
    /// The 0-based row at which elimination broke down.
    public var index: Int
    /// The offending pivot.
    public var pivot: Double

    /// A message naming the failure, the row and the pivot.
    public var description: String {
        switch kind {
        case .notPositiveDefinite:
            return "matrix is not positive definite: Cholesky pivot \(pivot) at row \(index)"
        case .singular:
            return "matrix is singular to working precision: LU pivot \(pivot) at row \(index)"
        }
    }
}

/// The Cholesky factorisation A = L·Lᵀ of a symmetric positive-definite matrix, L lower
/// triangular with a positive diagonal (Cholesky, published by Benoît 1924; the row-oriented
/// Cholesky–Banachiewicz order, Golub & Van Loan 2013, *Matrix Computations*, 4th ed., §4.2).
public struct CholeskyDecomposition: Sendable, Hashable {
    /// The lower-triangular factor L.
    public let lower: Matrix

    /// Factors `matrix`, reading only its lower triangle (the upper one is assumed to mirror it).
    /// - Parameter matrix: a square matrix.
    /// - Throws: `LinearAlgebraError` of kind `.notPositiveDefinite` when a pivot is not
    ///   positive (or not finite).
    /// - Complexity: O(n³/3).
    public init(_ matrix: Matrix) throws(LinearAlgebraError) {
        precondition(matrix.isSquare, "Cholesky of a non-square \(matrix.rows)×\(matrix.columns) matrix")
        let n = matrix.rows
        var l = Matrix(rows: n, columns: n)
        for i in 0..<n {
            for j in 0...i {
                var sum = matrix[i, j]
                for k in 0..<j { sum -= l[i, k] * l[j, k] }
                if i == j {
                    // `!(sum > 0)` also rejects NaN.
                    guard sum > 0, sum.isFinite else {
                        throw LinearAlgebraError(kind: .notPositiveDefinite, index: i, pivot: sum)
                    }
                    l[i, i] = sum.squareRoot()
                } else {
                    l[i, j] = sum / l[j, j]
                }
            }
        }
        lower = l
    }

    /// The solution x of A·x = b, by forward then back substitution.
    /// - Complexity: O(n²).
    public func solve(_ b: [Double]) -> [Double] {
        let n = lower.rows
        precondition(b.count == n, "right-hand side of \(b.count) for a \(n)×\(n) system")
        var x = b
        for i in 0..<n {
            var sum = x[i]
            for k in 0..<i { sum -= lower[i, k] * x[k] }
            x[i] = sum / lower[i, i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = x[i]
            for k in (i + 1)..<n { sum -= lower[k, i] * x[k] }
            x[i] = sum / lower[i, i]
        }
        return x
    }

    /// A⁻¹, column by column.
    /// - Complexity: O(n³).
    public var inverse: Matrix {
        let n = lower.rows
        var result = Matrix.inverse(size: n, solving: solve)
        // Symmetric in exact arithmetic; make it so in floating point.
        for i in 0..<n {
            for j in 0..<i {
                let mean = 0.5 * (result[i, j] + result[j, i])
                result[i, j] = mean
                result[j, i] = mean
            }
        }
        return result
    }

    /// log det A = 2 Σ log Lᵢᵢ, which neither overflows nor underflows where det A would.
    public var logDeterminant: Double {
        2 * lower.diagonalElements.reduce(0) { $0 + log($1) }
    }
}

/// The LU factorisation P·A = L·U with partial (row) pivoting: L unit lower triangular, U upper
/// triangular (Gaussian elimination; Golub & Van Loan 2013, *Matrix Computations*, 4th ed.,
/// Algorithm 3.4.1).
public struct LUDecomposition: Sendable, Hashable {
    /// L below the diagonal (its unit diagonal not stored) and U on and above it.
    public let factors: Matrix
    /// Row `i` of P·A is row `permutation[i]` of A.
    public let permutation: [Int]
    /// The sign of the permutation, +1 or −1.
    public let permutationSign: Double

    /// Factors `matrix`.
    /// - Parameter matrix: a square matrix.
    /// - Throws: `LinearAlgebraError` of kind `.singular` when a pivot is smaller than
    ///   n·ε·max|aᵢⱼ| (singular to working precision) or not finite.
    /// - Complexity: O(2n³/3).
    public init(_ matrix: Matrix) throws(LinearAlgebraError) {
        let raw = LUDecomposition.eliminate(matrix)
        let n = matrix.rows
        let scale = matrix.elements.reduce(0) { max($0, abs($1)) }
        let threshold = Double(n) * Double.ulpOfOne * scale
        for i in 0..<n {
            let pivot = raw.factors[i, i]
            guard abs(pivot) > threshold, pivot.isFinite else {
                throw LinearAlgebraError(kind: .singular, index: i, pivot: pivot)
            }
        }
        factors = raw.factors
        permutation = raw.permutation
        permutationSign = raw.sign
    }

    /// Gaussian elimination with partial pivoting, run to the end whatever the pivots.
    static func eliminate(_ matrix: Matrix) -> (factors: Matrix, permutation: [Int], sign: Double) {
        precondition(matrix.isSquare, "LU of a non-square \(matrix.rows)×\(matrix.columns) matrix")
        let n = matrix.rows
        var a = matrix
        var permutation = Array(0..<n)
        var sign = 1.0
        for k in 0..<n {
            var pivotRow = k
            for i in (k + 1)..<max(k + 1, n) where abs(a[i, k]) > abs(a[pivotRow, k]) { pivotRow = i }
            if pivotRow != k {
                for j in 0..<n {
                    let t = a[k, j]
                    a[k, j] = a[pivotRow, j]
                    a[pivotRow, j] = t
                }
                permutation.swapAt(k, pivotRow)
                sign = -sign
            }
            let pivot = a[k, k]
            if pivot == 0 { continue }
            for i in (k + 1)..<max(k + 1, n) {
                let factor = a[i, k] / pivot
                a[i, k] = factor
                if factor == 0 { continue }
                for j in (k + 1)..<n { a[i, j] -= factor * a[k, j] }
            }
        }
        return (a, permutation, sign)
    }

    /// The solution x of A·x = b.
    /// - Complexity: O(n²).
    public func solve(_ b: [Double]) -> [Double] {
        let n = factors.rows
        precondition(b.count == n, "right-hand side of \(b.count) for a \(n)×\(n) system")
        var x = permutation.map { b[$0] }
        for i in 0..<n {
            var sum = x[i]
            for k in 0..<i { sum -= factors[i, k] * x[k] }
            x[i] = sum
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = x[i]
            for k in (i + 1)..<n { sum -= factors[i, k] * x[k] }
            x[i] = sum / factors[i, i]
        }
        return x
    }

    /// A⁻¹, column by column.
    /// - Complexity: O(n³).
    public var inverse: Matrix {
        Matrix.inverse(size: factors.rows, solving: solve)
    }

    /// det A = sign(P) · Π Uᵢᵢ.
    public var determinant: Double {
        factors.diagonalElements.reduce(permutationSign, *)
    }

    /// det A as its sign and the logarithm of its magnitude, Σ log|Uᵢᵢ|, which does not
    /// overflow or underflow where the product would.
    public var signedLogDeterminant: (sign: Double, logMagnitude: Double) {
        var sign = permutationSign
        var logMagnitude = 0.0
        for u in factors.diagonalElements {
            if u < 0 { sign = -sign }
            logMagnitude += log(abs(u))
        }
        return (sign, logMagnitude)
    }
}

extension Matrix {
    /// The solution x of A·x = b by LU with partial pivoting.
    /// - Throws: `LinearAlgebraError` when A is singular to working precision.
    public func solve(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
        try LUDecomposition(self).solve(b)
    }

    /// A⁻¹ by LU with partial pivoting.
    /// - Throws: `LinearAlgebraError` when A is singular to working precision.
    public func inverse() throws(LinearAlgebraError) -> Matrix {
        try LUDecomposition(self).inverse
    }

    /// det A from the LU factorisation (0 or tiny for a singular matrix; no error thrown).
    /// - Complexity: O(n³).
    public var determinant: Double {
        let raw = LUDecomposition.eliminate(self)
        return raw.factors.diagonalElements.reduce(raw.sign, *)
    }

    /// The covariance matrix of maximum-likelihood estimates, the inverse of the Hessian of the
    /// negative log-likelihood at the optimum (the observed information; Efron & Hinkley 1978).
    ///
    /// The Hessian is first scaled to unit diagonal, D·H·D with D = diag(Hᵢᵢ^(−1/2)), so that
    /// parameters on very different scales do not make the Cholesky factorisation lose accuracy;
    /// the inverse is then D·(D·H·D)⁻¹·D.
    /// - Parameters:
    ///   - hessian: a square matrix; only its symmetric part is used.
    ///   - singularityTolerance: smallest acceptable Cholesky pivot of the unit-diagonal matrix
    ///     (between 0 and 1; a pivot near 0 means parameters that are numerically collinear).
    /// - Returns: the covariance matrix, or nil when the Hessian is not finite, not positive
    ///   definite, or singular to `singularityTolerance` (never a matrix holding NaN).
    public static func covariance(fromHessian hessian: Matrix, singularityTolerance: Double = 1e-12) -> Matrix? {
        precondition(hessian.isSquare, "Hessian must be square")
        let n = hessian.rows
        guard hessian.elements.allSatisfy(\.isFinite) else { return nil }
        var scale = [Double](repeating: 0, count: n)
        for i in 0..<n {
            guard hessian[i, i] > 0 else { return nil }
            scale[i] = 1 / hessian[i, i].squareRoot()
        }
        var scaled = Matrix(rows: n, columns: n)
        for i in 0..<n {
            for j in 0..<n { scaled[i, j] = 0.5 * (hessian[i, j] + hessian[j, i]) * scale[i] * scale[j] }
        }
        guard let cholesky = try? CholeskyDecomposition(scaled) else { return nil }
        for i in 0..<n where cholesky.lower[i, i] * cholesky.lower[i, i] < singularityTolerance {
            return nil
        }
        let inverse = cholesky.inverse
        var covariance = Matrix(rows: n, columns: n)
        for i in 0..<n {
            for j in 0..<n { covariance[i, j] = inverse[i, j] * scale[i] * scale[j] }
        }
        return covariance.elements.allSatisfy(\.isFinite) ? covariance : nil
    }

    /// Standard errors of maximum-likelihood estimates: the square roots of the diagonal of
    /// `covariance(fromHessian:)`, or nil when that is nil.
    public static func standardErrors(fromHessian hessian: Matrix, singularityTolerance: Double = 1e-12) -> [Double]? {
        covariance(fromHessian: hessian, singularityTolerance: singularityTolerance)?
            .diagonalElements.map { $0.squareRoot() }
    }
}

extension Matrix {
    /// The inverse of an n×n matrix given a solver of A x = b, built column by column from the
    /// unit vectors. O(n) solves.
    static func inverse(size n: Int, solving solve: ([Double]) -> [Double]) -> Matrix {
        var result = Matrix(rows: n, columns: n)
        var unit = [Double](repeating: 0, count: n)
        for j in 0..<n {
            unit[j] = 1
            let column = solve(unit)
            unit[j] = 0
            for i in 0..<n { result[i, j] = column[i] }
        }
        return result
    }
}
