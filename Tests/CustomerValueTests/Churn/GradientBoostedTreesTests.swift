import Foundation
import Testing
@testable import CustomerValue

struct GradientBoostedTreesTests {
    static let small = GradientBoostedTrees.Options(trees: 150, learningRate: 0.2, maxDepth: 3, minSamplesLeaf: 20, bins: 64, earlyStoppingRounds: 15)

    @Test func learnsAnInteractionThatLogisticRegressionCannot() throws {
        // XOR with logit ±2: the true model scores σ(2) or σ(−2), so its AUC is that of two tied
        // groups: P(pos | high) = σ(2) = 0.881; with equal group sizes, AUC = 0.881² + ½·2·0.881·0.119
        // = 0.881 (computed below on the same sample rather than assumed).
        let (train, _) = ChurnSimulation.xor(n: 6_000, strength: 2, noise: 3, seed: 21)
        let (test, trueLogits) = ChurnSimulation.xor(n: 4_000, strength: 2, noise: 3, seed: 22)
        let labels = try #require(test.labels)
        let trees = try GradientBoostedTrees.fit(train, options: Self.small)
        let logistic = try LogisticRegression.fit(train)
        let treeAUC = try #require(ChurnEvaluation(scores: trees.predict(test), labels: labels).auc)
        let logisticAUC = try #require(ChurnEvaluation(scores: logistic.predict(test), labels: labels).auc)
        let trueAUC = try #require(ChurnEvaluation(scores: trueLogits.map(ChurnSimulation.sigmoid), labels: labels).auc)
        #expect(abs(trueAUC - 0.881) < 0.02)
        #expect(trueAUC - treeAUC < 0.02, "trees \(treeAUC), true model \(trueAUC)")
        #expect(logisticAUC < 0.56, "no linear signal in XOR: logistic AUC \(logisticAUC) is near ½")
        // The two interacting features carry nearly all of the gain.
        #expect(trees.featureImportance[0] + trees.featureImportance[1] > 0.9)
        #expect(abs(trees.featureImportance.reduce(0, +) - 1) < 1e-12)
        #expect(trees.globalImportance.prefix(2).map(\.feature).sorted() == ["x0", "x1"])
    }

    @Test func contributionsSumToTheRawScore() throws {
        let (m, _) = ChurnSimulation.xor(n: 3_000, strength: 1.5, noise: 2, seed: 5)
        let model = try GradientBoostedTrees.fit(m, options: Self.small)
        let raw = model.rawScores(m)
        for row in [0, 1, 999, 2_999] {
            let sum = model.contributions(m, row: row).reduce(model.bias, +)
            #expect(abs(sum - raw[row]) < 1e-9)
            #expect(abs(model.rawScore(row: m.values[row * 4 ..< row * 4 + 4]) - raw[row]) < 1e-12)
        }
    }

    @Test func sameSeedSameModel() throws {
        let (m, _) = ChurnSimulation.xor(n: 2_000, strength: 1.5, noise: 2, seed: 9)
        let a = try GradientBoostedTrees.fit(m, options: Self.small)
        let b = try GradientBoostedTrees.fit(m, options: Self.small)
        #expect(a == b)
        var other = Self.small
        other.seed = 10
        let c = try GradientBoostedTrees.fit(m, options: other)
        #expect(a.trees != c.trees, "a different seed holds out different validation rows")
    }

    @Test func earlyStoppingStopsOnNoise() throws {
        // Labels independent of the features: every tree fits noise, so the validation loss is
        // lowest after very few trees and rises after; training must stop well before 300 trees.
        var g = SeededGenerator(seed: 4)
        let n = 3_000
        let values = (0..<(n * 3)).map { _ in g.nextUniform() }
        let labels = (0..<n).map { _ in UInt8(g.nextUniform() < 0.3 ? 1 : 0) }
        let m = FeatureMatrix(featureNames: ["a", "b", "c"], customerIDs: (0..<n).map { "c\($0)" }, values: values, labels: labels)
        let options = GradientBoostedTrees.Options(trees: 300, learningRate: 0.3, maxDepth: 4, minSamplesLeaf: 5, bins: 64, earlyStoppingRounds: 10)
        let model = try GradientBoostedTrees.fit(m, options: options)
        #expect(model.validationLoss.count < 300)
        #expect(model.validationLoss.count == model.bestIteration + 10)
        #expect(model.trees.count == model.bestIteration)
        let best = try #require(model.validationLoss.min())
        #expect(model.validationLoss[model.bestIteration - 1] == best)
        #expect(model.validationRows == 300 && model.trainingRows == 2_700)
    }

    @Test func anExplicitValidationMatrixIsUsedAsIs() throws {
        let (train, _) = ChurnSimulation.xor(n: 2_000, strength: 1.5, noise: 1, seed: 31)
        let (validation, _) = ChurnSimulation.xor(n: 500, strength: 1.5, noise: 1, seed: 32)
        let model = try GradientBoostedTrees.fit(train, validation: validation, options: Self.small)
        #expect(model.trainingRows == 2_000 && model.validationRows == 500)
        let renamed = FeatureMatrix(featureNames: ["p", "q", "r"], customerIDs: validation.customerIDs, values: validation.values, labels: validation.labels)
        #expect(throws: ChurnLearnerError.self) { try GradientBoostedTrees.fit(train, validation: renamed, options: Self.small) }
    }

    @Test func binsSplitBetweenDistinctValues() {
        // Values 1, 2, 3 (fewer than the bins): bounds at the midpoints 1.5, 2.5 and +∞.
        let m = FeatureMatrix(featureNames: ["x"], customerIDs: ["a", "b", "c", "d"], values: [3, 1, 2, 1])
        let binning = FeatureBinning(m, maxBins: 255)
        #expect(binning.upperBounds == [[1.5, 2.5, .infinity]])
        #expect(binning.binned(m) == [2, 0, 1, 0])
    }

    @Test func aHeavyValueGetsOneBinAndTheRestShareTheOthers() {
        // 700 zeros and the values 1...300 once each, 10 bins. Mean bin size 1000/10 = 100, so 0
        // is heavy: its own bin (bound 0.5). The other 300 rows share 9 bins: mean 300/9 = 33.3,
        // so the first bin takes 34 values (1...34, bound 34.5); then 266/8 = 33.25 → 34 values
        // (35...68), 232/7 = 33.1 → 34 (69...102), 198/6 = 33 → 33 (103...135), then 33 each
        // (136...168, 169...201, 202...234, 235...267) until 9 bounds are set; 268...300 fill the
        // last bin. (Equal-count quantiles would give 0, 1, 101, 201: five bins, four of them
        // for 30% of the rows.)
        let values = [Double](repeating: 0, count: 700) + (1...300).map(Double.init)
        let m = FeatureMatrix(featureNames: ["x"], customerIDs: values.indices.map(String.init), values: values)
        let binning = FeatureBinning(m, maxBins: 10)
        #expect(binning.upperBounds == [[0.5, 34.5, 68.5, 102.5, 135.5, 168.5, 201.5, 234.5, 267.5, .infinity]])
    }

    @Test func oneClassLabelsAreRefused() {
        let m = FeatureMatrix(featureNames: ["x"], customerIDs: ["a", "b"], values: [1, 2], labels: [1, 1])
        #expect { try GradientBoostedTrees.fit(m) } throws: { "\($0)".hasPrefix("no negative examples") }
    }

    /// Scoring a whole matrix (blocks of rows, two threads) gives each row the score of the
    /// one-row path exactly: both add F₀ and the trees' leaf values in tree order.
    @Test func matrixScoresEqualRowScores() throws {
        let (m, _) = ChurnSimulation.xor(n: 40_000, strength: 2, noise: 3, seed: 12)
        let model = try GradientBoostedTrees.fit(m, options: .init(trees: 40, maxDepth: 4))
        let scores = model.rawScores(m)
        #expect(scores.count == m.rowCount)
        for r in stride(from: 0, to: m.rowCount, by: 997) {
            #expect(scores[r] == model.rawScore(row: m.values[r * m.columnCount ..< (r + 1) * m.columnCount]))
        }
    }

    /// The held-out rows are read in place: the same trees as a fit on copies of the rows
    /// with the held-out copy as the validation matrix.
    @Test func heldOutRowsInPlaceGrowTheSameTreesAsCopies() throws {
        let (m, _) = ChurnSimulation.xor(n: 5_000, strength: 2, noise: 3, seed: 13)
        let options = GradientBoostedTrees.Options(trees: 60, maxDepth: 3)
        let held = try #require(GradientBoostedTrees.heldOutRows(count: m.rowCount, options: options))
        // 10% of 5,000 rows held out.
        #expect(held.validation.count == 500 && held.fit.count == 4_500)
        let inPlace = try GradientBoostedTrees.fit(m, options: options)
        let copied = try GradientBoostedTrees.fit(m.selecting(rows: held.fit), validation: m.selecting(rows: held.validation), options: options)
        #expect(inPlace.trees == copied.trees && inPlace.bestIteration == copied.bestIteration)
    }
}
