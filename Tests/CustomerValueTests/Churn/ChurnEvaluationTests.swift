import Foundation
import Testing
@testable import CustomerValue

struct ChurnEvaluationTests {
    // Scores 0.9, 0.8, 0.8, 0.3, 0.1 with labels 1, 0, 1, 0, 0: P = 2, N = 3.
    static let tiny = ChurnEvaluation(scores: [0.9, 0.8, 0.8, 0.3, 0.1], labels: [1, 0, 1, 0, 0])

    @Test func aucCountsTiesAsHalf() throws {
        // Pairs (positive, negative): 0.9 beats all three negatives (3); 0.8 ties the negative 0.8
        // (½) and beats 0.3 and 0.1 (2): AUC = 5.5 / 6.
        #expect(abs(try #require(Self.tiny.auc) - 5.5 / 6) < 1e-15)
    }

    @Test func averagePrecisionBrierAndConfusionByHand() throws {
        // AP: threshold 0.9 → precision 1/1, recall ½; threshold 0.8 (the tied pair) → precision
        // 2/3, recall 1: AP = ½·1 + ½·⅔ = 5/6.
        #expect(abs(try #require(Self.tiny.prAUC) - 5.0 / 6) < 1e-15)
        // Brier: (0.01 + 0.64 + 0.04 + 0.09 + 0.01) / 5 = 0.158.
        #expect(abs(Self.tiny.brier - 0.158) < 1e-12)
        // At 0.5: predicted 0.9, 0.8, 0.8 → tp 2, fp 1; tn 2, fn 0.
        let c = Self.tiny.confusion
        #expect((c.tp, c.fp, c.tn, c.fn) == (2, 1, 2, 0))
        #expect(abs(try #require(c.precision) - 2.0 / 3) < 1e-15 && c.recall == 1)
        #expect(Self.tiny.n == 5 && Self.tiny.positives == 2)
    }

    @Test func liftAndCaptureByHand() throws {
        // Ten rows by descending score, positives at positions 1, 3, 4, 8: rate 0.4.
        // Top 10% (1 row): 1 positive → lift 1 / 0.4 = 2.5, capture 1/4.
        // Top 20% (2 rows): 1 positive → lift 0.5 / 0.4 = 1.25, capture 1/4.
        let scores = (0..<10).map { 1 - Double($0) / 10 }
        let labels: [UInt8] = [1, 0, 1, 1, 0, 0, 0, 1, 0, 0]
        let e = ChurnEvaluation(scores: scores, labels: labels)
        #expect(abs(try #require(e.liftAt10) - 2.5) < 1e-12)
        #expect(abs(try #require(e.captureAt10) - 0.25) < 1e-12)
        #expect(abs(try #require(e.liftAt20) - 1.25) < 1e-12)
        #expect(abs(try #require(e.captureAt20) - 0.25) < 1e-12)
    }

    @Test func calibrationByDecile() {
        // Twenty rows with scores i/20 (i = 0...19), label 1 for odd i: decile b holds i = 2b, 2b+1,
        // mean predicted (4b + 1)/40, observed rate ½.
        let scores = (0..<20).map { Double($0) / 20 }
        let labels = (0..<20).map { UInt8($0 % 2) }
        let e = ChurnEvaluation(scores: scores.reversed(), labels: labels.reversed())
        #expect(e.calibration.count == 10)
        for (b, bin) in e.calibration.enumerated() {
            #expect(bin.bin == b + 1 && bin.count == 2)
            #expect(abs(bin.meanPredicted - Double(4 * b + 1) / 40) < 1e-12)
            #expect(bin.observedRate == 0.5)
        }
    }

    @Test func noPositivesGiveNullsAndANote() throws {
        let e = ChurnEvaluation(scores: [0.2, 0.7], labels: [0, 0])
        #expect(e.auc == nil && e.prAUC == nil && e.liftAt10 == nil && e.captureAt20 == nil)
        #expect(!e.notes.isEmpty)
        #expect(e.confusion.fp == 1 && e.confusion.recall == nil)
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(e)) as? [String: Any])
        #expect(json["auc"] is NSNull && json["pr_auc"] is NSNull)
        #expect(Set(json.keys).isSuperset(of: ["auc", "pr_auc", "brier", "lift_at_10", "capture_at_10", "lift_at_20", "capture_at_20",
                                               "calibration", "confusion", "n", "positives"]))
    }
}
