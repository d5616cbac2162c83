import Foundation

/// Error for a comparison matrix or data matrix that cannot give weights, naming the cell.
public struct WeightsError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Weights from a pairwise comparison matrix by the analytic hierarchy process, Saaty (1980),
/// "The Analytic Hierarchy Process"; Saaty (1990), "How to make a decision: the analytic
/// hierarchy process", European Journal of Operational Research 48, 9–26.
///
/// Weights are the principal eigenvector of the matrix, normalised to sum 1; λmax its
/// eigenvalue; CI = (λmax − n)/(n − 1); CR = CI / RI(n) with Saaty's random index
/// RI = 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49 for n = 1…10; CR < 0.1 is
/// acceptably consistent.
public struct AHPWeights: Sendable, Codable, Hashable {
    public var criteria: [String]
    public var weights: [Double]
    public var lambdaMax: Double
    public var consistencyIndex: Double
    /// Nil for n ≤ 2 (always consistent) or n > 10 (no random index).
    public var consistencyRatio: Double?
    public var isConsistent: Bool

    static let randomIndex: [Double] = [0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49]

    /// Computes the weights of a square, positive, reciprocal matrix (a_ji = 1/a_ij, a_ii = 1,
    /// within a relative 1e-6, so that entries like 0.333 for 1/3 pass).
    /// - Throws: ``WeightsError`` naming the first cell that breaks these rules.
    public init(criteria: [String], matrix: [[Double]]) throws {
        let n = criteria.count
        guard n >= 1, matrix.count == n, matrix.allSatisfy({ $0.count == n }) else {
            throw WeightsError("the comparison matrix must be square with one row and column per criterion (\(n) criteria, rows of lengths \(matrix.map(\.count)))")
        }
        for i in 0..<n {
            for j in 0..<n {
                let v = matrix[i][j]
                guard v > 0, v.isFinite else {
                    throw WeightsError("cell (\(criteria[i]), \(criteria[j])) = \(v): comparisons must be positive numbers")
                }
                let reciprocal = 1 / matrix[j][i]
                guard abs(v - reciprocal) <= 1e-3 * max(v, reciprocal) else {
                    throw WeightsError("cell (\(criteria[i]), \(criteria[j])) = \(v) is not the reciprocal of (\(criteria[j]), \(criteria[i])) = \(matrix[j][i])")
                }
            }
            guard abs(matrix[i][i] - 1) < 1e-9 else {
                throw WeightsError("cell (\(criteria[i]), \(criteria[i])) = \(matrix[i][i]): a criterion compared with itself must be 1")
            }
        }
        let pair = Matrix(matrix).principalEigenpair()
        let total = pair.eigenvector.reduce(0, +)
        self.criteria = criteria
        weights = pair.eigenvector.map { $0 / total }
        lambdaMax = pair.eigenvalue
        consistencyIndex = n > 1 ? (pair.eigenvalue - Double(n)) / Double(n - 1) : 0
        if n >= 3 && n <= 10 {
            consistencyRatio = consistencyIndex / AHPWeights.randomIndex[n - 1]
        } else {
            consistencyRatio = nil
        }
        isConsistent = (consistencyRatio ?? 0) < 0.1
    }

    enum CodingKeys: String, CodingKey {
        case criteria, weights
        case lambdaMax = "lambda_max", consistencyIndex = "ci", consistencyRatio = "cr", isConsistent = "consistent"
    }
}

/// Weights by the entropy weight method (熵权法): normalise each indicator to 0…1 (benefit:
/// (x − min)/(max − min); cost: (max − x)/(max − min)); p_ij = x_ij / Σ_i x_ij;
/// e_j = −(1/ln n) Σ_i p_ij ln p_ij (0 · ln 0 = 0); d_j = 1 − e_j; w_j = d_j / Σ_j d_j
/// (references.md). An indicator that varies more carries more information and more weight.
public enum EntropyWeights {
    /// Weights of the columns of `data` (rows = objects, columns = indicators).
    /// - Parameters:
    ///   - names: column names, for messages.
    ///   - cost: indicators where less is better.
    /// - Throws: ``WeightsError`` for fewer than two rows, a non-finite or negative value, or a
    ///   column with no variance (it carries no information; leave it out).
    public static func weights(names: [String], data: [[Double]], cost: Set<String> = []) throws -> [Double] {
        let n = data.count
        let m = names.count
        guard n >= 2 else { throw WeightsError("the entropy method needs at least two rows, got \(n)") }
        for (i, row) in data.enumerated() {
            guard row.count == m else { throw WeightsError("row \(i + 1) has \(row.count) values, expected \(m)") }
            for (j, v) in row.enumerated() where !v.isFinite || v < 0 {
                throw WeightsError("row \(i + 1), column \(names[j]): \(v) (the entropy method needs numbers ≥ 0)")
            }
        }
        var divergence = [Double](repeating: 0, count: m)
        for j in 0..<m {
            let column = data.map { $0[j] }
            let lo = column.min() ?? 0, hi = column.max() ?? 0
            guard hi > lo else {
                throw WeightsError("column \(names[j]) has the same value (\(lo)) in every row: no variance, no information; leave it out")
            }
            let normalised = column.map { cost.contains(names[j]) ? (hi - $0) / (hi - lo) : ($0 - lo) / (hi - lo) }
            let total = normalised.reduce(0, +)
            var entropy = 0.0
            for v in normalised where v > 0 {
                let p = v / total
                entropy -= p * Double.log(p)
            }
            divergence[j] = 1 - entropy / Double.log(Double(n))
        }
        let sum = divergence.reduce(0, +)
        guard sum > 0 else { throw WeightsError("every indicator has maximal entropy: the weights are undefined") }
        return divergence.map { $0 / sum }
    }
}
