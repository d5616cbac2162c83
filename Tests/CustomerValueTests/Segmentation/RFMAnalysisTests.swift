import Foundation
import Testing
@testable import CustomerValue

/// The whole analysis and the segment summary on a hand-computed case.
struct RFMAnalysisTests {
    // Days 1…4 and F 4…1 score 1, 2, 4, 5 by value (cut-points 1.6, 2.2, 2.8, 3.4); M 1, 400,
    // 200, 100 scores 1, 5, 4, 2 (cut-points 60.4, 120, 180, 280). Triples: (5,5,1) Others,
    // (4,4,5) Champions, (2,2,4) At Risk, (1,1,2) Lost.
    static let input = RFMInput(recencyDays: [1, 2, 3, 4], frequency: [4, 3, 2, 1], monetary: [1, 400, 200, 100],
                                orders: [2, 8, 4, 1], totalSpend: [10, 800, 200, 300])

    @Test func segmentSummary() throws {
        let analysis = try RFMAnalysis(input: Self.input)
        let summaries = analysis.segmentSummaries
        // Ten segments in table order, then Others (which has a customer).
        #expect(summaries.map(\.name.en) == SegmentTable.tenSegments.segments.map(\.name.en) + ["Others"])
        let champions = summaries[0], atRisk = summaries[8], lost = summaries[9], others = summaries[10]
        #expect(champions.customers == 1 && atRisk.customers == 1 && lost.customers == 1 && others.customers == 1)
        #expect(summaries[1].customers == 0 && summaries[1].revenue == 0 && summaries[1].averageOrderValue == 0)
        #expect(champions.share == 0.25)
        // Revenue is M: total 701.
        #expect(champions.revenue == 400 && abs(champions.revenueShare - 400.0 / 701) < 1e-12)
        #expect(champions.meanRecency == 2 && champions.meanFrequency == 3 && champions.meanMonetary == 400)
        // AOV = whole-period spend / orders: 800/8, 200/4, 300/1, 10/2.
        #expect(champions.averageOrderValue == 100 && atRisk.averageOrderValue == 50)
        #expect(lost.averageOrderValue == 300 && others.averageOrderValue == 5)
        #expect(champions.meanProbabilityAlive == nil && champions.totalPredictedCLV == nil)
        #expect(analysis.segmentName(0).en == "Others" && analysis.segmentName(1).en == "Champions")
        #expect(analysis.abcClass(1) == "A")
    }

    @Test func modelValuesPerSegment() throws {
        var analysis = try RFMAnalysis(input: Self.input)
        // Customers 0…3 are Others, Champions, At Risk, Lost (see above); customer 3's CLV is not
        // finite and is left out of Lost's total.
        analysis.attachModelValues(probabilityAlive: [0.9, 0.8, 0.3, 0.1], lifetimeValue: [5, 120, 40, .nan])
        let s = analysis.segmentSummaries
        #expect(s[0].meanProbabilityAlive == 0.8 && s[0].totalPredictedCLV == 120)
        #expect(s[8].meanProbabilityAlive == 0.3 && s[8].totalPredictedCLV == 40)
        #expect(s[9].meanProbabilityAlive == 0.1 && s[9].totalPredictedCLV == 0)
        #expect(s[10].meanProbabilityAlive == 0.9 && s[10].totalPredictedCLV == 5)
        // An empty segment has no mean; without a spend model there is no CLV.
        #expect(s[1].meanProbabilityAlive == nil && s[1].totalPredictedCLV == 0)
        analysis.attachModelValues(probabilityAlive: [0.9, 0.8, 0.3, 0.1], lifetimeValue: nil)
        #expect(analysis.segmentSummaries[0].totalPredictedCLV == nil)
    }

    @Test func summaryJSONWritesTheModelFieldsAsNull() throws {
        let analysis = try RFMAnalysis(input: Self.input)
        let data = try JSONEncoder().encode(analysis.segmentSummaries[0])
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["name", "customers", "share", "revenue", "revenue_share", "mean_recency",
                                     "mean_frequency", "mean_monetary", "average_order_value", "mean_probability_alive",
                                     "total_predicted_clv", "action"])
        #expect(object["mean_probability_alive"] is NSNull)
    }

    @Test func allCustomersIdenticalStillGetValidResults() throws {
        let input = RFMInput(recencyDays: [5, 5, 5], frequency: [2, 2, 2], monetary: [30, 30, 30])
        let analysis = try RFMAnalysis(input: input)
        // Every dimension constant: scores 3, 3, 3 → Loyal Customers (R 2–5, F 3–5, M 3–5);
        // weighted .5 → potential; value matrix nobody above → Uncertain; ABC all tie → A; Gini 0.
        #expect((0..<3).map(analysis.scores.code) == ["333", "333", "333"])
        #expect((0..<3).map { analysis.segmentName($0).en } == ["Loyal Customers", "Loyal Customers", "Loyal Customers"])
        #expect(analysis.weighted.score.allSatisfy { abs($0 - 0.5) < 1e-12 })
        #expect((0..<3).map { analysis.tierName($0).en } == ["Potential", "Potential", "Potential"])
        #expect((0..<3).map(analysis.valueMatrixCell) == [.uncertain, .uncertain, .uncertain])
        #expect((0..<3).map(analysis.abcClass) == ["A", "A", "A"])
        #expect(analysis.abc.summary.gini == 0)
    }

    @Test func eightClassTableRunsThroughTheAnalysis() throws {
        var options = RFMOptions()
        options.segments = .chineseEightClass
        let analysis = try RFMAnalysis(input: Self.input, options: options)
        // Means: R 2.5 days, F 2.5, M 175.25. Customer 1: 2 < 2.5 high, 3 > 2.5 high, 400 high → 重要价值客户.
        #expect(analysis.segmentName(1).zh == "重要价值客户")
        #expect(analysis.segmentSummaries.count == 8)
        #expect(analysis.segmentSummaries.map(\.customers).reduce(0, +) == 4)
    }

    @Test func manyCustomersAreEachClassifiedOnce() throws {
        // Speed lives in Benchmarks/rfm (no wall-clock limit here): this checks that a large
        // input gives one score and one segment per customer.
        var rng = SeededGenerator(seed: 3)
        let n = 200_000
        let input = RFMInput(
            recencyDays: (0..<n).map { _ in Double(Int.random(in: 0...500, using: &rng)) },
            frequency: (0..<n).map { _ in Double(Int.random(in: 0...12, using: &rng)) },
            monetary: (0..<n).map { _ in Double.random(in: 0...2000, using: &rng) })
        let analysis = try RFMAnalysis(input: input)
        #expect(analysis.count == n)
        // Every customer is counted in exactly one segment.
        #expect(analysis.segmentSummaries.reduce(0) { $0 + $1.customers } == n)
    }
}
