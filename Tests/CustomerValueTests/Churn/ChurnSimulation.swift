import Foundation
@testable import CustomerValue

/// Simulated feature matrices with a planted signal: the truth the learners' tests compare against.
enum ChurnSimulation {
    static func sigmoid(_ t: Double) -> Double { 1 / (1 + exp(-t)) }

    /// n rows of `coefficients.count` standard normal features; label ~ Bernoulli(σ(intercept + βᵀx)).
    /// Returns the matrix and each row's true logit.
    static func logistic(n: Int, intercept: Double, coefficients: [Double], seed: UInt64) -> (FeatureMatrix, [Double]) {
        var g = SeededGenerator(seed: seed)
        let d = coefficients.count
        var values = [Double](), labels = [UInt8](), logits = [Double]()
        for _ in 0..<n {
            var eta = intercept
            for j in 0..<d { let x = g.nextStandardNormal(); values.append(x); eta += coefficients[j] * x }
            logits.append(eta)
            labels.append(g.nextUniform() < sigmoid(eta) ? 1 : 0)
        }
        return (FeatureMatrix(featureNames: (0..<d).map { "x\($0)" }, customerIDs: (0..<n).map { "c\($0)" }, values: values, labels: labels), logits)
    }

    /// An interaction with no linear part: x0, x1 uniform on (−1, 1), true logit ±`strength` by the
    /// sign of x0·x1 (XOR), plus `noise` irrelevant uniform features. Returns the true logits too.
    static func xor(n: Int, strength: Double, noise: Int, seed: UInt64) -> (FeatureMatrix, [Double]) {
        var g = SeededGenerator(seed: seed)
        let d = 2 + noise
        var values = [Double](), labels = [UInt8](), logits = [Double]()
        for _ in 0..<n {
            var row = (0..<d).map { _ in 2 * g.nextUniform() - 1 }
            row[0] = (row[0] * 100).rounded() / 100   // a few hundred distinct values, as in binned data
            let eta = row[0] * row[1] > 0 ? strength : -strength
            values.append(contentsOf: row)
            logits.append(eta)
            labels.append(g.nextUniform() < sigmoid(eta) ? 1 : 0)
        }
        return (FeatureMatrix(featureNames: (0..<d).map { "x\($0)" }, customerIDs: (0..<n).map { "c\($0)" }, values: values, labels: labels), logits)
    }
}
