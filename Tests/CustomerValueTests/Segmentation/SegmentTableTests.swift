import Foundation
import Testing
@testable import CustomerValue

/// Segment assignment by the built-in tables: the ten-segment table for constructed score
/// triples (first match wins), and the eight-class model on a case with hand-computed means.
struct SegmentTableTests {
    /// The segment of one score triple under `table` with `bins` bins.
    static func segment(_ table: SegmentTable, _ r: Int, _ f: Int, _ m: Int, bins: Int = 5) throws -> String {
        let lookup = try table.lookup(bins: bins)
        let k = Int(lookup.table[((r - 1) * lookup.side + (f - 1)) * lookup.side + (m - 1)])
        return k < table.segments.count ? table.segments[k].name.en : table.others.name.en
    }

    @Test(arguments: [
        (5, 5, 5, "Champions"), (4, 4, 4, "Champions"),
        (2, 3, 3, "Loyal Customers"), (5, 3, 5, "Loyal Customers"),   // F 3 < 4: not a champion
        (2, 5, 5, "Loyal Customers"),                                  // R 2 is in Loyal's 2–5 before At Risk
        (5, 1, 1, "New Customers"), (4, 1, 1, "New Customers"),
        (3, 1, 1, "Promising"),
        (5, 2, 3, "Potential Loyalist"), (3, 3, 1, "Potential Loyalist"),
        (3, 2, 3, "Potential Loyalist"),                               // also in Need Attention, which comes later
        (2, 2, 2, "Need Attention"), (2, 3, 2, "Need Attention"),
        (2, 1, 2, "About To Sleep"), (2, 2, 1, "About To Sleep"), (2, 1, 1, "About To Sleep"),
        (1, 5, 5, "Can't Lose Them"), (1, 4, 4, "Can't Lose Them"),
        (1, 3, 3, "At Risk"), (2, 2, 5, "At Risk"), (1, 2, 5, "At Risk"),
        (1, 1, 1, "Lost"), (1, 2, 1, "Lost"), (2, 2, 2, "Need Attention"),
        (5, 4, 1, "Others"), (5, 5, 1, "Others"), (1, 1, 5, "Others"),
    ])
    func tenSegmentTable(r: Int, f: Int, m: Int, expected: String) throws {
        #expect(try Self.segment(.tenSegments, r, f, m) == expected)
    }

    @Test func everyTenSegmentIsReachableAndTheTableValidates() throws {
        try SegmentTable.tenSegments.validate()
        try SegmentTable.chineseEightClass.validate()
        var seen = Set<String>()
        for r in 1...5 { for f in 1...5 { for m in 1...5 { seen.insert(try Self.segment(.tenSegments, r, f, m)) } } }
        #expect(seen.count == 11)   // ten segments and Others
    }

    @Test func thePackageOrderLeavesSegmentsUnreachableAndIsRefused() throws {
        // In the rfm package's order, Potential Loyalist (R 3–5, F 1–3, M 1–3) comes before New
        // Customers (R 4–5, F 1, M 1) and covers all of it.
        var segments = SegmentTable.tenSegments.segments
        let potential = segments.remove(at: 4)
        segments.insert(potential, at: 2)
        segments[2].line = 4
        do {
            _ = try SegmentTable(name: "package order", scale: 5, segments: segments, source: "rfm.yaml")
            Issue.record("accepted an unreachable segment")
        } catch let error as SegmentationError {
            #expect(error.message.contains("\"New Customers\""))
            #expect(error.message.contains("\"Potential Loyalist\" (line 4)"))
        }
    }

    @Test(arguments: [
        // 3 bins map onto 1, 3, 5.
        (3, 3, 3, 3, "Champions"), (3, 2, 2, 2, "Loyal Customers"), (3, 1, 1, 1, "Lost"),
        // 10 bins: 1–2 → 1, 3–4 → 2, 5–6 → 3, 7–8 → 4, 9–10 → 5.
        (10, 10, 10, 10, "Champions"), (10, 5, 5, 5, "Loyal Customers"), (10, 2, 2, 2, "Lost"),
        (10, 8, 2, 1, "New Customers"), (10, 3, 4, 4, "Need Attention"),
    ])
    func otherBinCountsMapOntoTheFivePointTable(bins: Int, r: Int, f: Int, m: Int, expected: String) throws {
        #expect(try Self.segment(.tenSegments, r, f, m, bins: bins) == expected)
    }

    @Test func assignUsesTheScores() throws {
        // Days 1…4 and F 4…1 score 1, 2, 4, 5 by value (type 7 cut-points 1.6, 2.2, 2.8, 3.4).
        let input = RFMInput(recencyDays: [1, 2, 3, 4], frequency: [4, 3, 2, 1], monetary: [1, 400, 200, 100])
        let scores = RFMScoring.standard.score(input)
        #expect(scores.recency == [5, 4, 2, 1] && scores.frequency == [5, 4, 2, 1] && scores.monetary == [1, 5, 4, 2])
        let assignment = try SegmentTable.tenSegments.assign(input, scores: scores)
        // (5,5,1) Others; (4,4,5) Champions; (2,2,4) At Risk; (1,1,2) Lost.
        #expect(assignment.segment == [10, 0, 8, 9])
        #expect(assignment.means == nil)
    }

    @Test func chineseEightClassOnHandComputedMeans() throws {
        // R days, F, M of eight customers, one per class.
        let input = RFMInput(recencyDays: [10, 20, 90, 100, 30, 40, 80, 110],
                             frequency: [5, 1, 4, 1, 4, 1, 5, 1],
                             monetary: [500, 400, 300, 350, 20, 30, 10, 50])
        // Means: R 480/8 = 60 days, F 22/8 = 2.75, M 1660/8 = 207.5. High R = fewer days than 60.
        // A 10 H, 5 H, 500 H; B 20 H, 1 L, 400 H; C 90 L, 4 H, 300 H; D 100 L, 1 L, 350 H;
        // E 30 H, 4 H, 20 L; F 40 H, 1 L, 30 L; G 80 L, 5 H, 10 L; H 110 L, 1 L, 50 L.
        let table = SegmentTable.chineseEightClass
        let assignment = try table.assign(input, scores: RFMScoring.standard.score(input))
        let means = try #require(assignment.means)
        #expect(means.recency == 60 && means.frequency == 2.75 && means.monetary == 207.5)
        let names = assignment.segment.map { table.segments[Int($0)].name.zh }
        #expect(names == ["重要价值客户", "重要发展客户", "重要保持客户", "重要挽留客户",
                          "一般价值客户", "一般发展客户", "一般保持客户", "一般挽留客户"])
        #expect(table.segments[0].name.en == "Important Value")
    }

    @Test func aValueEqualToTheMeanIsLowAndAConstantColumnIsLowForAll() throws {
        // R mean (10 + 20 + 30)/3 = 20: 10 high, 20 (= mean) low, 30 low. F all 2: low for all.
        // M mean 200: 500 high, 50 and 50 low.
        let input = RFMInput(recencyDays: [10, 20, 30], frequency: [2, 2, 2], monetary: [500, 50, 50])
        let table = SegmentTable.chineseEightClass
        let assignment = try table.assign(input, scores: RFMScoring.standard.score(input))
        let names = assignment.segment.map { table.segments[Int($0)].name.zh }
        #expect(names == ["重要发展客户", "一般挽留客户", "一般挽留客户"])
    }

    @Test func aTableWithoutScaleMustFitTheBins() throws {
        let table = try SegmentTable(name: "t", segments: [
            .init(name: LocalizedText(en: "Top"), recency: .init(4, 7), frequency: .init(1, 7), monetary: .init(1, 7), line: 2),
        ], source: "t.csv")
        #expect(throws: SegmentationError.self) { try table.lookup(bins: 5) }
        _ = try table.lookup(bins: 7)
    }
}
