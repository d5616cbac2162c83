import Foundation
import Testing
@testable import CustomerValue

struct WeightsTests {
    /// Saaty (1990), EJOR 48, 9–26, the house example: published priorities .173, .054, .188,
    /// .018, .031, .036, .167, .333, λmax 9.669, CR 0.169 (inconsistent, CR ≥ 0.1).
    @Test func ahpReproducesSaatysHouseExample() throws {
        let third = 1.0 / 3, fifth = 0.2, sixth = 1.0 / 6, seventh = 1.0 / 7
        let matrix: [[Double]] = [
            [1, 5, 3, 7, 6, 6, third, 0.25],
            [fifth, 1, third, 5, 3, 3, fifth, seventh],
            [third, 3, 1, 6, 3, 4, 6, fifth],
            [seventh, fifth, sixth, 1, third, 0.25, seventh, 0.125],
            [sixth, third, third, 3, 1, 0.5, fifth, sixth],
            [sixth, third, 0.25, 4, 2, 1, fifth, sixth],
            [3, 5, sixth, 7, 5, 5, 1, 0.5],
            [4, 7, 5, 8, 6, 6, 2, 1],
        ]
        let names = ["size", "transportation", "neighbourhood", "age", "yard", "facilities", "condition", "financing"]
        let ahp = try AHPWeights(criteria: names, matrix: matrix)
        let published = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
        for (w, p) in zip(ahp.weights, published) { #expect(abs(w - p) < 0.0015, "\(w) vs \(p)") }
        #expect(abs(ahp.lambdaMax - 9.669) < 5e-4)
        #expect(abs((ahp.consistencyRatio ?? 0) - 0.169) < 5e-4)
        #expect(!ahp.isConsistent)
    }

    @Test func consistentMatrixIsConsistent() throws {
        // a_ij = w_i / w_j for w = (0.5, 0.3, 0.2): λmax = 3, CI = 0, weights w (Saaty 1977).
        let w = [0.5, 0.3, 0.2]
        let ahp = try AHPWeights(criteria: ["a", "b", "c"], matrix: w.map { wi in w.map { wi / $0 } })
        for (x, y) in zip(ahp.weights, w) { #expect(abs(x - y) < 1e-9) }
        #expect(abs(ahp.consistencyIndex) < 1e-9 && ahp.isConsistent)
    }

    @Test func badMatricesAreRefusedNamingTheCell() {
        #expect(throws: WeightsError.self) { try AHPWeights(criteria: ["a", "b"], matrix: [[1, 3], [3, 1]]) }   // not reciprocal
        #expect(throws: WeightsError.self) { try AHPWeights(criteria: ["a", "b"], matrix: [[1, 2, 3], [0.5, 1, 1]]) }   // not square
        #expect(throws: WeightsError.self) { try AHPWeights(criteria: ["a", "b"], matrix: [[1, -2], [-0.5, 1]]) }
    }

    /// Hand computation: columns x = (1, 2, 3) (benefit) and y = (10, 10, 40) (benefit).
    /// Normalised: x' = (0, 0.5, 1), y' = (0, 0, 1). p_x = (0, 1/3, 2/3): e_x = −(1/ln 3)(⅓ ln ⅓ + ⅔ ln ⅔)
    /// = 0.6365142/1.0986123 = 0.5793802; p_y = (0, 0, 1): e_y = 0. d = (0.4206198, 1);
    /// w = (0.2961, 0.7039): w_x = 0.4206198/1.4206198 = 0.2960819.
    @Test func entropyWeightsByHand() throws {
        let w = try EntropyWeights.weights(names: ["x", "y"], data: [[1, 10], [2, 10], [3, 40]])
        #expect(abs(w[0] - 0.2960819) < 1e-6 && abs(w[1] - 0.7039181) < 1e-6)
        // As a cost indicator, x' = (1, 0.5, 0): the same entropy, so the same weights.
        let c = try EntropyWeights.weights(names: ["x", "y"], data: [[1, 10], [2, 10], [3, 40]], cost: ["x"])
        #expect(abs(c[0] - w[0]) < 1e-12)
        #expect(throws: WeightsError.self) { try EntropyWeights.weights(names: ["x"], data: [[1], [1]]) }
        #expect(throws: WeightsError.self) { try EntropyWeights.weights(names: ["x"], data: [[1], [-1]]) }
    }
}
