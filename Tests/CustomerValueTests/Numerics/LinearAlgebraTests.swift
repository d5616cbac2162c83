import Foundation
import Testing
@testable import CustomerValue

struct LinearAlgebraTests {
    static func close(_ a: Matrix, _ b: Matrix, _ tolerance: Double) -> Bool {
        a.rows == b.rows && a.columns == b.columns
            && zip(a.elements, b.elements).allSatisfy { abs($0 - $1) <= tolerance }
    }

    @Test func matrixArithmeticMatchesHandComputation() {
        let a = Matrix([[1, 2], [3, 4]])
        let b = Matrix([[5, 6], [7, 8]])
        // [1·5 + 2·7, 1·6 + 2·8; 3·5 + 4·7, 3·6 + 4·8] = [19, 22; 43, 50]; exact in binary.
        #expect(a * b == Matrix([[19, 22], [43, 50]]))
        #expect(a * [1, -1] == [-1, -1])  // [1 − 2, 3 − 4]
        #expect(Matrix([[1, 2, 3], [4, 5, 6]]).transposed == Matrix([[1, 4], [2, 5], [3, 6]]))
        #expect(Matrix.identity(2) * a == a)
        #expect(a[1, 0] == 3 && a.row(1) == [3, 4] && a.column(1) == [2, 4])
        #expect(Matrix([[1, 2], [2, 1]]).isSymmetric() && !a.isSymmetric())
    }

    @Test func matrixRoundTripsThroughJSONAndRejectsWrongShapes() throws {
        let a = Matrix([[1, 2, 3], [4, 5, 6]])
        let data = try JSONEncoder().encode(a)
        #expect(try JSONDecoder().decode(Matrix.self, from: data) == a)
        let wrong = Data(#"{"rows": 2, "columns": 2, "elements": [1, 2, 3]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Matrix.self, from: wrong) }
    }

    @Test func choleskyMatchesHandComputation() throws {
        // l₁₁ = √4 = 2, l₂₁ = 12/2 = 6, l₃₁ = −16/2 = −8, l₂₂ = √(37 − 6²) = 1,
        // l₃₂ = (−43 − (−8)(6))/1 = 5, l₃₃ = √(98 − 64 − 25) = 3.
        let a = Matrix([[4, 12, -16], [12, 37, -43], [-16, -43, 98]])
        let cholesky = try CholeskyDecomposition(a)
        #expect(Self.close(cholesky.lower, Matrix([[2, 0, 0], [6, 1, 0], [-8, 5, 3]]), 1e-14))
        // b = A·(1, 2, 3) = (4 + 24 − 48, 12 + 74 − 129, −16 − 86 + 294) = (−20, −43, 192).
        let x = cholesky.solve([-20, -43, 192])
        for (xi, expected) in zip(x, [1.0, 2, 3]) { #expect(abs(xi - expected) < 1e-12) }
        // det A = (2·1·3)² = 36.
        #expect(abs(cholesky.logDeterminant - log(36.0)) < 1e-13)
        #expect(Self.close(a * cholesky.inverse, .identity(3), 1e-11))
    }

    @Test(arguments: [Matrix([[1, 2], [2, 1]]), Matrix([[1, 1], [1, 1]]), Matrix([[-1, 0], [0, 1]]), Matrix([[1, 0], [0, .nan]])])
    func choleskyRejectsMatricesThatAreNotPositiveDefinite(matrix: Matrix) {
        // Eigenvalues 3 and −1; 2 and 0 (semi-definite); −1 and 1; and a NaN pivot.
        #expect(throws: LinearAlgebraError.self) { try CholeskyDecomposition(matrix) }
        #expect(Matrix.covariance(fromHessian: matrix) == nil)
    }

    @Test func luWithPivotingMatchesHandComputation() throws {
        // a₁₁ = 0 forces a row exchange. det by cofactors along row 1:
        // 0·(1·3 − 0·0) − 2·(1·3 − 0·2) + 1·(1·0 − 1·2) = −8. Inverse = adj(A)/det with
        // adj(A) = [3, −6, −1; −3, −2, 1; −2, 4, −2] from the nine 2×2 cofactors.
        let a = Matrix([[0, 2, 1], [1, 1, 0], [2, 0, 3]])
        let lu = try LUDecomposition(a)
        #expect(abs(lu.determinant + 8) < 1e-14)
        #expect(abs(a.determinant + 8) < 1e-14)
        let (sign, logMagnitude) = lu.signedLogDeterminant
        #expect(sign == -1 && abs(logMagnitude - log(8.0)) < 1e-14)
        let expected = Matrix([[3, -6, -1], [-3, -2, 1], [-2, 4, -2]].map { $0.map { $0 / -8 } })
        #expect(Self.close(try a.inverse(), expected, 1e-15))
        // A·(1, −1, 2) = (0 − 2 + 2, 1 − 1 + 0, 2 + 0 + 6) = (0, 0, 8).
        let x = try a.solve([0, 0, 8])
        for (xi, e) in zip(x, [1.0, -1, 2]) { #expect(abs(xi - e) < 1e-14) }
    }

    @Test func luRejectsSingularMatrices() {
        // Row 2 = 2 · row 1; and rows of 1…9 with row 3 = 2·row 2 − row 1 (rank 2).
        #expect(throws: LinearAlgebraError.self) { try LUDecomposition(Matrix([[1, 2], [2, 4]])) }
        #expect(throws: LinearAlgebraError.self) { try Matrix([[1, 2, 3], [4, 5, 6], [7, 8, 9]]).inverse() }
        #expect(Matrix([[1, 2], [2, 4]]).determinant == 0)
    }

    @Test func covarianceInvertsBadlyScaledHessian() throws {
        // A diagonal Hessian inverts entrywise; scales 1e8 and 1e-8 defeat an unscaled
        // tolerance but not the unit-diagonal scaling. The 2×2 block [[2, 1], [1, 2]] has
        // inverse [[2, −1], [−1, 2]]/3.
        let diagonal = try #require(Matrix.covariance(fromHessian: .diagonal([1e8, 1e-8])))
        #expect(abs(diagonal[0, 0] / 1e-8 - 1) < 1e-14 && abs(diagonal[1, 1] / 1e8 - 1) < 1e-14)
        let block = try #require(Matrix.covariance(fromHessian: Matrix([[2, 1], [1, 2]])))
        #expect(Self.close(block, Matrix([[2, -1], [-1, 2]].map { $0.map { $0 / 3 } }), 1e-15))
        let errors = try #require(Matrix.standardErrors(fromHessian: .diagonal([4, 0.25])))
        #expect(errors == [0.5, 2])
        // Numerically collinear parameters (correlation 1 − 1e-15): no covariance, not garbage.
        #expect(Matrix.covariance(fromHessian: Matrix([[1, 1 - 1e-15], [1 - 1e-15, 1]])) == nil)
    }

    @Test func jacobiFindsEigenvaluesOfTridiagonalToeplitzMatrix() {
        // tridiag(−1, 2, −1) of order n has eigenvalues 2 − 2cos(kπ/(n+1)) and eigenvectors
        // sin(jkπ/(n+1)); for n = 3: 2 + √2, 2, 2 − √2 with vectors (1, −√2, 1)/2, (1, 0, −1)/√2,
        // (1, √2, 1)/2.
        let a = Matrix([[2, -1, 0], [-1, 2, -1], [0, -1, 2]])
        let eigen = SymmetricEigendecomposition(a)
        let expected = [2 + 2.0.squareRoot(), 2, 2 - 2.0.squareRoot()]
        for (value, e) in zip(eigen.eigenvalues, expected) { #expect(abs(value - e) < 1e-14) }
        let r = 2.0.squareRoot()
        let vectors = [[0.5, -r / 2, 0.5], [1 / r, 0, -1 / r], [0.5, r / 2, 0.5]]
        for (j, v) in vectors.enumerated() {
            let column = eigen.eigenvectors.column(j)
            let overlap = abs(zip(column, v).reduce(0) { $0 + $1.0 * $1.1 })  // sign-free
            #expect(abs(overlap - 1) < 1e-14)
        }
        #expect(eigen.sweeps <= 10)
    }

    @Test(arguments: [3, 4, 6])
    func jacobiReconstructsSymmetricMatrix(order: Int) {
        // Any symmetric matrix: V orthonormal and A·V = V·Λ to round-off.
        var a = Matrix(rows: order, columns: order)
        for i in 0..<order {
            for j in 0...i {
                let value = sin(Double(3 * i + 7 * j + order)) * 5
                a[i, j] = value
                a[j, i] = value
            }
        }
        let eigen = SymmetricEigendecomposition(a)
        let v = eigen.eigenvectors
        #expect(Self.close(v.transposed * v, .identity(order), 1e-13))
        #expect(Self.close(a * v, v * .diagonal(eigen.eigenvalues), 1e-12))
        #expect(zip(eigen.eigenvalues, eigen.eigenvalues.dropFirst()).allSatisfy { $0 >= $1 })
        // The trace is the sum of the eigenvalues.
        #expect(abs(eigen.eigenvalues.reduce(0, +) - a.diagonalElements.reduce(0, +)) < 1e-12)
    }

    @Test func powerIterationReproducesSaatysHouseExample() {
        // Saaty (1990), "How to make a decision: the analytic hierarchy process", European
        // Journal of Operational Research 48, 9–26: criteria for buying a house (size,
        // transportation, neighbourhood, age, yard, modern facilities, general condition,
        // financing). Published priorities .173, .054, .188, .018, .031, .036, .167, .333,
        // λmax = 9.669, CR = 0.169 (3 decimals; checked with numpy.linalg.eig: 9.66889).
        let third = 1.0 / 3, fifth = 0.2, sixth = 1.0 / 6, seventh = 1.0 / 7
        let house = Matrix([
            [1, 5, 3, 7, 6, 6, third, 0.25],
            [fifth, 1, third, 5, 3, 3, fifth, seventh],
            [third, 3, 1, 6, 3, 4, 6, fifth],
            [seventh, fifth, sixth, 1, third, 0.25, seventh, 0.125],
            [sixth, third, third, 3, 1, 0.5, fifth, sixth],
            [sixth, third, 0.25, 4, 2, 1, fifth, sixth],
            [3, 5, sixth, 7, 5, 5, 1, 0.5],
            [4, 7, 5, 8, 6, 6, 2, 1],
        ])
        let pair = house.principalEigenpair()
        #expect(pair.converged)
        #expect(abs(pair.eigenvalue - 9.669) < 5e-4)
        let published = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
        for (w, p) in zip(pair.eigenvector, published) { #expect(abs(w - p) < 5e-4) }
        let consistencyRatio = (pair.eigenvalue - 8) / 7 / 1.41  // RI(8) = 1.41
        #expect(abs(consistencyRatio - 0.169) < 5e-4)
        // And it is an eigenpair to round-off: A·w = λw.
        for (aw, w) in zip(house * pair.eigenvector, pair.eigenvector) { #expect(abs(aw - pair.eigenvalue * w) < 1e-11) }
    }

    @Test func powerIterationOnConsistentAndPeriodicMatrices() {
        // A consistent matrix aᵢⱼ = wᵢ/wⱼ has λmax = n and eigenvector w (Saaty 1977, Theorem 1).
        let w = [0.5, 0.25, 0.15, 0.1]
        let consistent = Matrix(w.map { wi in w.map { wi / $0 } })
        let pair = consistent.principalEigenpair()
        #expect(abs(pair.eigenvalue - 4) < 1e-12)
        for (a, b) in zip(pair.eigenvector, w) { #expect(abs(a - b) < 1e-12) }
        // [[0, 1], [1, 0]] has eigenvalues ±1: plain powers oscillate, the shifted ones converge
        // to (1/2, 1/2) with eigenvalue 1.
        let swap = Matrix([[0, 1], [1, 0]]).principalEigenpair()
        #expect(swap.converged && abs(swap.eigenvalue - 1) < 1e-12)
        #expect(abs(swap.eigenvector[0] - 0.5) < 1e-12)
    }
}
