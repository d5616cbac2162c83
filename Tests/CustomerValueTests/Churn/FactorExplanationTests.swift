import Foundation
import Testing
@testable import CustomerValue

struct FactorExplanationTests {
    @Test func topFactorsBySign() {
        let e = FactorExplanation(customerID: "c1", contributions: [0.5, -0.2, 0, 1.0, -0.7], values: [1, 2, 3, 4, 5][...],
                                  featureNames: ["a", "b", "c", "d", "e"], baseline: -1, k: 2)
        #expect(e.raising.map(\.feature) == ["d", "a"])
        #expect(e.lowering.map(\.feature) == ["e", "b"])
        #expect(e.raising[0].value == 4)
        // score = −1 + 0.5 − 0.2 + 0 + 1.0 − 0.7 = −0.4.
        #expect(abs(e.score - -0.4) < 1e-12)
        #expect(abs(e.probability - 1 / (1 + exp(0.4))) < 1e-12)
    }

    @Test func logisticExplanationAddsUpToItsProbability() throws {
        let (m, _) = ChurnSimulation.logistic(n: 2_000, intercept: -0.5, coefficients: [1.5, -1, 0.2], seed: 8)
        let model = ChurnModel.logistic(try LogisticRegression.fit(m))
        let e = model.explain(m, row: 5, k: 3)
        #expect(abs(e.probability - model.predict(m)[5]) < 1e-12)
        #expect(model.globalImportance.first?.feature == "x0")
        #expect(abs(model.globalImportance.map(\.importance).reduce(0, +) - 1) < 1e-12)
    }
}
