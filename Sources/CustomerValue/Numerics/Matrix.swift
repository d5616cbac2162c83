/// A small dense matrix of `Double`, stored row-major.
///
/// Meant for the handful-of-parameters problems of the package (Hessians of 2–4 parameter
/// models, AHP comparison matrices, k-means and logistic-regression normal equations), not for
/// large-scale linear algebra: every operation is a plain loop.
public struct Matrix: Sendable, Hashable, Codable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The entries row by row: entry (i, j) is `elements[i * columns + j]`.
    public private(set) var elements: [Double]

    /// A `rows × columns` matrix with every entry equal to `value`.
    /// - Parameters:
    ///   - rows: number of rows, ≥ 0.
    ///   - columns: number of columns, ≥ 0.
    ///   - value: the value of every entry.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must not be negative")
        self.rows = rows
        self.columns = columns
        self.elements = Array(repeating: value, count: rows * columns)
    }

    /// A matrix from its entries in row-major order.
    /// - Parameters:
    ///   - rows: number of rows.
    ///   - columns: number of columns.
    ///   - elements: `rows * columns` entries, row by row.
    public init(rows: Int, columns: Int, elements: [Double]) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must not be negative")
        precondition(elements.count == rows * columns,
                     "\(elements.count) elements for a \(rows)×\(columns) matrix")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A matrix from an array of rows, all of the same length.
    /// - Parameter rowArrays: the rows; `[[1, 2], [3, 4]]` is the 2×2 matrix with first row 1, 2.
    public init(_ rowArrays: [[Double]]) {
        let columns = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == columns }, "rows of different lengths")
        self.init(rows: rowArrays.count, columns: columns, elements: rowArrays.flatMap { $0 })
    }

    /// The `n × n` identity matrix.
    public static func identity(_ n: Int) -> Matrix {
        var result = Matrix(rows: n, columns: n)
        for i in 0..<n { result[i, i] = 1 }
        return result
    }

    /// The square matrix with `values` on the diagonal and zeros elsewhere.
    public static func diagonal(_ values: [Double]) -> Matrix {
        var result = Matrix(rows: values.count, columns: values.count)
        for (i, value) in values.enumerated() { result[i, i] = value }
        return result
    }

    /// Entry in row `i`, column `j` (both 0-based).
    public subscript(i: Int, j: Int) -> Double {
        get {
            precondition(i >= 0 && i < rows && j >= 0 && j < columns, "index (\(i), \(j)) out of range")
            return elements[i * columns + j]
        }
        set {
            precondition(i >= 0 && i < rows && j >= 0 && j < columns, "index (\(i), \(j)) out of range")
            elements[i * columns + j] = newValue
        }
    }

    /// Whether the matrix has as many rows as columns.
    public var isSquare: Bool { rows == columns }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Double] {
        Array(elements[(i * columns)..<((i + 1) * columns)])
    }

    /// Column `j` as an array.
    public func column(_ j: Int) -> [Double] {
        (0..<rows).map { self[$0, j] }
    }

    /// The diagonal entries (of the leading square part).
    public var diagonalElements: [Double] {
        (0..<min(rows, columns)).map { self[$0, $0] }
    }

    /// The transpose.
    /// - Complexity: O(rows · columns).
    public var transposed: Matrix {
        var result = Matrix(rows: columns, columns: rows)
        for i in 0..<rows {
            for j in 0..<columns { result.elements[j * rows + i] = elements[i * columns + j] }
        }
        return result
    }

    /// Whether the matrix is square and equal to its transpose within `tolerance`, relative to
    /// the largest entry in magnitude.
    public func isSymmetric(tolerance: Double = 1e-12) -> Bool {
        guard isSquare else { return false }
        let scale = max(elements.reduce(0) { max($0, abs($1)) }, Double.leastNormalMagnitude)
        for i in 0..<rows {
            for j in (i + 1)..<columns where abs(self[i, j] - self[j, i]) > tolerance * scale {
                return false
            }
        }
        return true
    }

    /// The matrix product `lhs · rhs`.
    /// - Complexity: O(lhs.rows · lhs.columns · rhs.columns).
    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.columns == rhs.rows, "cannot multiply \(lhs.rows)×\(lhs.columns) by \(rhs.rows)×\(rhs.columns)")
        var result = Matrix(rows: lhs.rows, columns: rhs.columns)
        // i-k-j order walks both operands row by row (contiguous memory).
        for i in 0..<lhs.rows {
            for k in 0..<lhs.columns {
                let a = lhs.elements[i * lhs.columns + k]
                if a == 0 { continue }
                for j in 0..<rhs.columns {
                    result.elements[i * rhs.columns + j] += a * rhs.elements[k * rhs.columns + j]
                }
            }
        }
        return result
    }

    /// The matrix-vector product `matrix · vector`.
    /// - Complexity: O(rows · columns).
    public static func * (matrix: Matrix, vector: [Double]) -> [Double] {
        precondition(matrix.columns == vector.count, "cannot multiply \(matrix.rows)×\(matrix.columns) by a vector of \(vector.count)")
        var result = [Double](repeating: 0, count: matrix.rows)
        for i in 0..<matrix.rows {
            var sum = 0.0
            for j in 0..<matrix.columns { sum += matrix.elements[i * matrix.columns + j] * vector[j] }
            result[i] = sum
        }
        return result
    }

    /// Entrywise sum.
    public static func + (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.rows == rhs.rows && lhs.columns == rhs.columns, "dimension mismatch")
        return Matrix(rows: lhs.rows, columns: lhs.columns,
                      elements: zip(lhs.elements, rhs.elements).map { $0 + $1 })
    }

    /// Entrywise difference.
    public static func - (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.rows == rhs.rows && lhs.columns == rhs.columns, "dimension mismatch")
        return Matrix(rows: lhs.rows, columns: lhs.columns,
                      elements: zip(lhs.elements, rhs.elements).map { $0 - $1 })
    }

    /// Every entry multiplied by `scalar`.
    public static func * (scalar: Double, matrix: Matrix) -> Matrix {
        Matrix(rows: matrix.rows, columns: matrix.columns, elements: matrix.elements.map { scalar * $0 })
    }
}

extension Matrix {
    private enum CodingKeys: String, CodingKey { case rows, columns, elements }

    /// Decodes a matrix, rejecting data whose element count is not rows × columns.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let rows = try container.decode(Int.self, forKey: .rows)
        let columns = try container.decode(Int.self, forKey: .columns)
        let elements = try container.decode([Double].self, forKey: .elements)
        guard rows >= 0, columns >= 0, elements.count == rows * columns else {
            throw DecodingError.dataCorruptedError(
                forKey: .elements, in: container,
                debugDescription: "\(elements.count) elements for a \(rows)×\(columns) matrix")
        }
        self.init(rows: rows, columns: columns, elements: elements)
    }
}

extension Matrix: CustomStringConvertible {
    /// The rows, one per line.
    public var description: String {
        (0..<rows).map { i in row(i).map { "\($0)" }.joined(separator: "  ") }.joined(separator: "\n")
    }
}
