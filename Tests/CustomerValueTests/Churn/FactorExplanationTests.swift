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

    /// The batch path gives each row the `raising` list of the one-row explanation, for both
    /// learners, with ties by column order (the two sides compute the same contributions in
    /// the same order, so equality is exact).
    @Test(arguments: [false, true]) func topRaisingFactorsMatchTheOneRowExplanation(trees: Bool) throws {
        let (m, _) = ChurnSimulation.xor(n: 3_000, strength: 2, noise: 3, seed: 11)
        let model: ChurnModel = trees
            ? .gradientBoostedTrees(try GradientBoostedTrees.fit(m, options: .init(trees: 30, maxDepth: 3)))
            : .logistic(try LogisticRegression.fit(m))
        let batch = model.topRaisingFactors(m, k: 3)
        #expect(batch.count == m.rowCount)
        for r in stride(from: 0, to: m.rowCount, by: 7) {
            #expect(batch[r] == model.explain(m, row: r, k: 3).raising)
        }
        #expect(batch.contains { $0.count == 3 })
    }

    /// Ties: equal contributions keep column order, and only positive ones are listed.
    @Test func topContributionsKeepsColumnOrderOnTies() {
        var top = TopContributions(k: 3)
        let c: [Double] = [0.2, -1, 0.5, 0.2, 0, 0.5, 0.1]
        c.withUnsafeBufferPointer { top.select($0) }
        // Sorted by value, stable: 0.5 (col 2), 0.5 (col 5), 0.2 (col 0); col 3's 0.2 comes after col 0's.
        #expect(top.columns == [2, 5, 0])
        let negative: [Double] = [-1, 0, -0.5]
        negative.withUnsafeBufferPointer { top.select($0) }
        #expect(top.columns.isEmpty)
    }
}
