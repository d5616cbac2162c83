import Foundation
import Testing
@testable import CustomerValue

struct LogisticRegressionTests {
    static let truth = (intercept: -1.0, coefficients: [1.0, -0.5, 0.25, 0.0, 2.0])

    @Test func recoversPlantedCoefficientsWithinFourStandardErrors() throws {
        let (m, _) = ChurnSimulation.logistic(n: 20_000, intercept: Self.truth.intercept, coefficients: Self.truth.coefficients, seed: 7)
        let model = try LogisticRegression.fit(m, options: .init(l2: 1))
        #expect(model.converged)
        // Standard errors from the inverse Fisher information Σ p(1−p) x̃ x̃ᵀ (x̃ = (1, x)) at the
        // fit; the ridge with l2 = 1 shifts a weight by about l2·w / (n·Var·p(1−p)) ≈ 1e-4, far below them.
        let d = m.columnCount, k = d + 1
        var info = Matrix(rows: k, columns: k)
        for i in 0..<m.rowCount {
            let row = [1.0] + (0..<d).map { m[i, $0] }
            let p = model.probability(m, row: i)
            for a in 0..<k { for b in 0..<k { info[a, b] += p * (1 - p) * row[a] * row[b] } }
        }
        let covariance = try #require(Matrix.covariance(fromHessian: info))
        let estimates = [model.originalIntercept] + model.coefficients
        let planted = [Self.truth.intercept] + Self.truth.coefficients
        for a in 0..<k {
            let se = covariance[a, a].squareRoot()
            #expect(se < 0.05, "n = 20,000 gives standard errors of about 0.02–0.04")
            #expect(abs(estimates[a] - planted[a]) < 4 * se, "parameter \(a): \(estimates[a]) vs planted \(planted[a]) ± \(se)")
        }
    }

    /// The optimum of the penalised objective is where its gradient vanishes: Σ_i (p_i − y_i) z̃_i
    /// + l2·(0, w) = 0 (z̃ = (1, standardised x)). Computed here row by row, independently of the
    /// fit's blocked passes and kept Hessian; 70 rows short of a block multiple and 7 columns
    /// exercise the padding of the last block and odd tiles.
    @Test func gradientVanishesAtTheFit() throws {
        let (m, _) = ChurnSimulation.logistic(n: 30_070, intercept: -0.5, coefficients: [1.0, -0.5, 0.25, 0.0, 2.0, 0.7, -1.5], seed: 21)
        let model = try LogisticRegression.fit(m, options: .init(l2: 1))
        #expect(model.converged)
        let d = m.columnCount
        let labels = try #require(m.labels)
        var gradient = [Double](repeating: 0, count: d + 1)
        for i in 0..<m.rowCount {
            let r = model.probability(m, row: i) - Double(labels[i])
            gradient[0] += r
            for j in 0..<d { gradient[j + 1] += r * (m[i, j] - model.means[j]) / model.standardDeviations[j] }
        }
        for j in 0..<d { gradient[j + 1] += model.standardizedCoefficients[j] }
        // The Hessian is about n·E[p(1−p)]·Var(z) ≈ 30,070 × 0.1 = 3,000 per standardised weight, so a
        // gradient of 1e-5 leaves a weight 3e-9 from the optimum: within the tolerance of 1e-8.
        for (a, g) in gradient.enumerated() { #expect(abs(g) < 1e-5, "gradient \(a): \(g)") }
    }

    @Test func reachesTheAUCOfTheTrueModel() throws {
        let (train, _) = ChurnSimulation.logistic(n: 20_000, intercept: -1, coefficients: Self.truth.coefficients, seed: 11)
        let (test, trueLogits) = ChurnSimulation.logistic(n: 20_000, intercept: -1, coefficients: Self.truth.coefficients, seed: 12)
        let model = try LogisticRegression.fit(train)
        let labels = try #require(test.labels)
        let fitted = ChurnEvaluation(scores: model.predict(test), labels: labels)
        let best = ChurnEvaluation(scores: trueLogits.map(ChurnSimulation.sigmoid), labels: labels)
        let (a, b) = (try #require(fitted.auc), try #require(best.auc))
        // The true model's AUC on the same sample is the target (about 0.87 for these coefficients).
        #expect(abs(a - b) < 0.01, "fitted AUC \(a), true-model AUC \(b)")
        #expect(b > 0.8)
    }

    @Test func contributionsSumToTheLogit() throws {
        let (m, _) = ChurnSimulation.logistic(n: 2_000, intercept: 0.3, coefficients: [0.7, -1.2, 0.1], seed: 3)
        let model = try LogisticRegression.fit(m)
        for row in [0, 17, 1_999] {
            let logit = model.logit(row: m.values[row * 3 ..< row * 3 + 3])
            let sum = model.contributions(m, row: row).reduce(model.intercept, +)
            #expect(abs(sum - logit) < 1e-9)
            let p = model.probability(m, row: row)
            #expect(abs(p - ChurnSimulation.sigmoid(logit)) < 1e-12)
        }
    }

    @Test func constantColumnGetsWeightZeroAndStandardizedMatchesOriginal() throws {
        let (base, _) = ChurnSimulation.logistic(n: 3_000, intercept: 0, coefficients: [1, -1], seed: 5)
        let labels = try #require(base.labels)
        var values: [Double] = []
        for i in 0..<base.rowCount { values += [base[i, 0] * 10 + 5, 3.0, base[i, 1]] }
        let m = FeatureMatrix(featureNames: ["a", "constant", "b"], customerIDs: base.customerIDs, values: values, labels: labels)
        let model = try LogisticRegression.fit(m)
        #expect(model.standardizedCoefficients[1] == 0 && model.coefficients[1] == 0)
        // Rescaling column a by 10 divides its original-unit coefficient by 10 (about 1/10 here).
        #expect(abs(model.coefficients[0] - model.standardizedCoefficients[0] / model.standardDeviations[0]) < 1e-15)
        #expect(abs(model.coefficients[0] - 0.1) < 0.02)
        // Original units give the same logit as the standardised ones.
        let row = m.values[0..<3]
        let original = model.originalIntercept + zip(model.coefficients, row).map { $0 * $1 }.reduce(0, +)
        #expect(abs(original - model.logit(row: row)) < 1e-9)
    }

    @Test func oneClassLabelsAreRefusedWithAClearMessage() {
        let m = FeatureMatrix(featureNames: ["x"], customerIDs: ["a", "b"], values: [1, 2], labels: [0, 0])
        #expect { try LogisticRegression.fit(m) } throws: { "\($0)".hasPrefix("no positive examples") }
        let all = FeatureMatrix(featureNames: ["x"], customerIDs: ["a", "b"], values: [1, 2], labels: [1, 1])
        #expect { try LogisticRegression.fit(all) } throws: { "\($0)".hasPrefix("no negative examples") }
        let unlabelled = FeatureMatrix(featureNames: ["x"], customerIDs: ["a"], values: [1])
        #expect { try LogisticRegression.fit(unlabelled) } throws: { "\($0)".contains("no labels") }
    }
}
