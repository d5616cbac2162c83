import Foundation
import Testing
@testable import CustomerValue

/// The weighted score 0.3 R′ + 0.4 F′ + 0.3 M′ with R′ = (max R − R)/(max R − min R), F′, M′
/// min-max (references.md, RFM), on a hand-computed case.
struct WeightedRFMTests {
    // R days, F, M. Ranges: R 0…100, F 0…10, M 0…1000.
    static let input = RFMInput(recencyDays: [0, 50, 100, 25, 10],
                                frequency: [10, 5, 0, 2, 8],
                                monetary: [1000, 500, 0, 100, 700])

    @Test func scoresAndTiersMatchTheHandComputation() throws {
        let result = WeightedRFM.standard.score(Self.input)
        // A: 1, 1, 1 → 1.            B: .5, .5, .5 → .5.        C: 0, 0, 0 → 0.
        // D: .75, .2, .1 → .225 + .08 + .03 = .335.                E: .9, .8, .7 → .27 + .32 + .21 = .8.
        let expected = [1.0, 0.5, 0.0, 0.335, 0.8]
        for (got, want) in zip(result.score, expected) { #expect(abs(got - want) < 1e-12) }
        // ≥ .8 high value (A, and E exactly at the threshold), ≥ .5 potential (B, exactly), else churn risk.
        let keys = result.tier.map { result.tiers[Int($0)].key }
        #expect(keys == ["high_value", "potential", "churn_risk", "churn_risk", "high_value"])
        #expect(result.tiers.map(\.customers) == [2, 1, 2])
        #expect(result.tiers.map(\.name.zh) == ["高价值客户", "潜力客户", "流失风险客户"])
        #expect(result.tiers[2].lowerBound == nil && result.tiers[0].lowerBound == 0.8)
        #expect(result.tiers[0].action?.en.contains("account manager") == true)
    }

    @Test func logTransformShiftsTiersAndIsReported() throws {
        let weighted = try WeightedRFM(logTransform: true)
        let result = weighted.score(Self.input)
        // F′ = ln(1 + F)/ln 11, M′ = ln(1 + M)/ln 1001 (both minima are 0), R′ as before.
        // D: .225 + .4·ln 3/ln 11 + .3·ln 101/ln 1001 ≈ .225 + .1833 + .2004 = .6087 → potential.
        // B: .15 + .4·ln 6/ln 11 + .3·ln 501/ln 1001 ≈ .15 + .2989 + .2699 = .7188 → potential.
        let f = { (x: Double) in log1p(x) / log1p(10) }, m = { (x: Double) in log1p(x) / log1p(1000) }
        let expected = [1.0, 0.15 + 0.4 * f(5) + 0.3 * m(500), 0, 0.225 + 0.4 * f(2) + 0.3 * m(100), 0.27 + 0.4 * f(8) + 0.3 * m(700)]
        for (got, want) in zip(result.score, expected) { #expect(abs(got - want) < 1e-12) }
        #expect(abs(result.score[3] - 0.6087) < 1e-4)
        #expect(result.tiers.map(\.customers) == [2, 2, 1])
        // D moves from churn risk to potential; nobody else moves.
        #expect(result.tiers.map(\.customersWithoutLog) == [2, 1, 2])
        #expect(result.tiers.map(\.customersWithLog) == [2, 2, 1])
        #expect(result.tiers[2].toWithLog == [0, 1, 1])
        #expect(result.tiers[0].toWithLog == [2, 0, 0])
        // Without the log the shift is reported all the same.
        let plain = WeightedRFM.standard.score(Self.input)
        #expect(plain.tiers.map(\.customersWithLog) == [2, 2, 1])
    }

    @Test func aThirdThresholdAddsTheGeneralTier() throws {
        let result = try WeightedRFM(thresholds: [0.8, 0.5, 0.3]).score(Self.input)
        // D's .335 ≥ .3 → general; C's 0 → churn risk.
        let keys = result.tier.map { result.tiers[Int($0)].key }
        #expect(keys == ["high_value", "potential", "churn_risk", "general", "high_value"])
        #expect(result.tiers.map(\.name.zh) == ["高价值客户", "潜力客户", "一般客户", "流失风险客户"])
    }

    @Test func customWeights() throws {
        let result = try WeightedRFM(weights: .init(recency: 0.5, frequency: 0.25, monetary: 0.25)).score(Self.input)
        // D: .5·.75 + .25·.2 + .25·.1 = .375 + .05 + .025 = .45.
        #expect(abs(result.score[3] - 0.45) < 1e-12)
    }

    @Test func aDimensionWithoutVarianceIsOneHalf() throws {
        let input = RFMInput(recencyDays: [0, 10], frequency: [3, 3], monetary: [0, 100])
        let result = WeightedRFM.standard.score(input)
        // A: R′ 1, F′ .5, M′ 0 → .3 + .2 = .5.   B: R′ 0, F′ .5, M′ 1 → .2 + .3 = .5.
        #expect(abs(result.score[0] - 0.5) < 1e-12 && abs(result.score[1] - 0.5) < 1e-12)
        #expect(result.constantDimensions == [.frequency])
        // One customer: every dimension constant, .3·.5 + .4·.5 + .3·.5 = .5 → potential.
        let one = WeightedRFM.standard.score(RFMInput(recencyDays: [4], frequency: [1], monetary: [9]))
        #expect(abs(one.score[0] - 0.5) < 1e-12 && one.tiers[Int(one.tier[0])].key == "potential")
        #expect(one.constantDimensions == [.recency, .frequency, .monetary])
    }

    @Test func negativeSpendIsLogTransformedSymmetrically() {
        // sign(x)·ln(1 + |x|): −e + 1 … gives −1 for x = −(e − 1).
        #expect(abs(WeightedRFM.logTransformed(-(M_E - 1)) + 1) < 1e-12)
        #expect(WeightedRFM.logTransformed(0) == 0)
    }

    @Test(arguments: [
        [0.3, 0.4, 0.4],      // sums to 1.1
        [0.3, 0.3, 0.3],      // sums to 0.9
        [1.2, -0.1, -0.1],    // negative
    ])
    func weightsThatDoNotSumToOneAreRefused(weights: [Double]) {
        #expect(throws: SegmentationError.self) {
            try WeightedRFM(weights: .init(recency: weights[0], frequency: weights[1], monetary: weights[2]))
        }
    }

    @Test func weightsWithinOneInABillionOfOneAreAccepted() throws {
        _ = try WeightedRFM(weights: .init(recency: 0.1, frequency: 0.2, monetary: 0.7 + 5e-10))
    }

    @Test(arguments: [[0.5, 0.8], [0.8], [0.8, 0.5, 0.3, 0.1], [1.2, 0.5], [0.8, 0.8], [0.8, 0]])
    func thresholdsOutOfOrderOrRangeAreRefused(thresholds: [Double]) {
        #expect(throws: SegmentationError.self) { try WeightedRFM(thresholds: thresholds) }
    }

    @Test func theErrorSaysWhatIsExpected() {
        do {
            _ = try WeightedRFM(thresholds: [0.5, 0.8])
            Issue.record("accepted thresholds out of order")
        } catch {
            #expect("\(error)".contains("decreasing order"))
        }
    }
}
