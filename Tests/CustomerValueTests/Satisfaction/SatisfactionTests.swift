import CustomerValue
import Foundation
import Testing

struct SatisfactionTests {
    /// Writes `text` to a temporary CSV, runs `body` on its path, removes it.
    static func withFile<T>(_ text: String, _ body: (String) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cva-satisfaction-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    static func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance * max(1, abs(b))
    }

    @Test func npsMatchesHandComputation() throws {
        // Answers 10,10,9,9,9 (promoters 5), 8,7 (passives 2), 6,2,0 (detractors 3); n = 10.
        // p = .5, d = .3 → NPS = 100(.5 − .3) = 20.
        // Var = p + d − (p − d)² = .8 − .04 = .76; SE = 100·√(.76/10) = 27.568097504...;
        // moe = 1.96 · 27.5680975 = 54.0334711...
        var counts = [Int](repeating: 0, count: 11)
        for a in [10, 10, 9, 9, 9, 8, 7, 6, 2, 0] { counts[a] += 1 }
        let nps = NPSScore(counts: counts)
        #expect(nps.n == 10 && nps.promoters == 5 && nps.passives == 2 && nps.detractors == 3)
        #expect(Self.close(nps.score, 20))
        #expect(Self.close(nps.standardError, 100 * (0.76 / 10).squareRoot()))
        #expect(Self.close(nps.marginOfError, 54.03347114, tolerance: 1e-8))
    }

    @Test func npsWithoutAnswersHasNoScore() {
        let nps = NPSScore(counts: [Int](repeating: 0, count: 11))
        #expect(nps.n == 0 && nps.score == nil && nps.marginOfError == nil)
    }

    @Test func allPromotersHaveZeroMargin() {
        // p = 1, d = 0: Var = 1 − 1 = 0, NPS 100 ± 0.
        var counts = [Int](repeating: 0, count: 11)
        counts[10] = 4
        let nps = NPSScore(counts: counts)
        #expect(Self.close(nps.score, 100) && Self.close(nps.marginOfError, 0))
    }

    @Test func csatAndCesMatchHandComputation() {
        // CSAT 5,4,4,3,2: answers 4–5 are 3 of 5 → 60%; mean (5+4+4+3+2)/5 = 18/5 = 3.6.
        let csat = CSATScore(counts: [0, 1, 1, 2, 1])
        #expect(csat.n == 5 && Self.close(csat.score, 60) && Self.close(csat.mean, 3.6))
        // CES 7,5,4,1: answers 5–7 are 2 of 4 → 50%; mean 17/4 = 4.25.
        let ces = CESScore(counts: [1, 0, 0, 1, 1, 0, 1])
        #expect(ces.n == 4 && Self.close(ces.shareHigh, 50) && Self.close(ces.mean, 4.25))
    }

    static let surveys = """
        customer_id,date,nps,csat,ces,channel
        A,2024-01-05,10,5,7,web
        B,2024-01-20,9,4,,web
        C,2024-01-31,3,2,2,phone
        A,2024-02-02,7,,5,phone
        D,2024-02-10,,3,1,
        B,2024-04-01,0,1,6,web

        """

    @Test func groupsByMonthQuarterAndChannel() throws {
        let report = try Self.withFile(Self.surveys) { path in
            try SatisfactionAnalysis.analyze(path: path, groupings: [.month, .quarter, .surveyColumn(name: "channel", headers: ["channel"])])
        }
        // Overall NPS answers 10, 9, 3, 7, 0 (D blank): promoters 2, passives 1, detractors 2 → NPS 0.
        #expect(report.rows == 6)
        #expect(report.overall.nps.n == 5 && Self.close(report.overall.nps.score, 0))
        // CSAT 5, 4, 2, 3, 1 (A's February blank): 2 of 5 are 4–5 → 40%; mean 15/5 = 3.
        #expect(report.overall.csat.n == 5 && Self.close(report.overall.csat.score, 40) && Self.close(report.overall.csat.mean, 3))
        // CES 7, 2, 5, 1, 6 (B's January blank): 3 of 5 are 5–7 → 60%; mean 21/5 = 4.2.
        #expect(report.overall.ces.n == 5 && Self.close(report.overall.ces.shareHigh, 60) && Self.close(report.overall.ces.mean, 4.2))
        #expect(report.blankAnswers == ["nps": 1, "csat": 1, "ces": 1])

        let months = report.by.filter { $0.by == "month" }
        #expect(months.map(\.group) == ["2024-01", "2024-02", "2024-04"])
        // January: NPS 10, 9, 3 → (2 − 1)/3 = 33.33; CSAT 5, 4, 2 → 2/3 = 66.67%.
        #expect(months[0].n == 3 && Self.close(months[0].nps.score, 100.0 / 3) && Self.close(months[0].csat.score, 200.0 / 3))
        // February: NPS 7 alone → passive, NPS 0 on n 1.
        #expect(months[1].nps.n == 1 && Self.close(months[1].nps.score, 0))
        #expect(months.map(\.small) == [true, true, true])
        let quarters = report.by.filter { $0.by == "quarter" }
        #expect(quarters.map(\.group) == ["2024-Q1", "2024-Q2"] && quarters.map(\.n) == [5, 1])
        // Channel: web = A Jan, B Jan, B Apr (NPS 10, 9, 0 → (2 − 1)/3); phone = C, A Feb; D blank.
        let channels = report.by.filter { $0.by == "channel" }
        #expect(channels.map(\.group) == ["phone", "web", SatisfactionAnalysis.unknownGroup])
        #expect(channels.map(\.n) == [2, 3, 1])
        #expect(Self.close(channels[1].nps.score, 100.0 / 3))
    }

    @Test func groupsByCustomerLabels() throws {
        let labels = ["A": "North", "B": "South", "C": "North"]
        let report = try Self.withFile(Self.surveys) { path in
            try SatisfactionAnalysis.analyze(path: path, groupings: [.customer(name: "region", labels: labels)])
        }
        // North = A (10, 7) and C (3): promoter, passive, detractor → NPS 0 on n 3;
        // South = B (9, 0) → (1 − 1)/2 = 0; D → (unknown) with no NPS answer.
        #expect(report.by.map(\.group) == ["North", "South", SatisfactionAnalysis.unknownGroup])
        #expect(report.by.map(\.n) == [3, 2, 1])
        #expect(report.by.map(\.nps.n) == [3, 2, 0])
        #expect(report.by[2].nps.score == nil)
    }

    @Test func missingSurveyColumnIsUnavailable() throws {
        let text = "customer_id,date,nps\nA,2024-01-01,9\n"
        let report = try Self.withFile(text) { path in
            try SatisfactionAnalysis.analyze(path: path, groupings: [.surveyColumn(name: "channel", headers: ["channel", "渠道"])])
        }
        #expect(report.by.isEmpty)
        #expect(report.unavailable.map(\.by) == ["channel"])
    }

    @Test func smallGroupFlagAtThirty() throws {
        // 30 NPS answers in January, 29 in February: only February is small.
        var text = "customer_id,date,nps\n"
        for k in 0..<30 { text += "c\(k),2024-01-\(String(format: "%02d", k % 28 + 1)),9\n" }
        for k in 0..<29 { text += "d\(k),2024-02-\(String(format: "%02d", k % 28 + 1)),9\n" }
        let report = try Self.withFile(text) { path in try SatisfactionAnalysis.analyze(path: path, groupings: [.month]) }
        #expect(report.by.map(\.small) == [false, true])
        #expect(report.by.map(\.n) == [30, 29])
    }

    @Test func outOfScaleAnswersAreQuarantinedNotClipped() throws {
        let text = """
            customer_id,date,nps,csat,ces
            A,2024-01-01,11,4,3
            B,2024-01-02,9,0,3
            C,2024-01-03,8,4,8
            D,2024-01-04,9.5,4,3
            E,2024-01-05,10,5,

            """
        let report = try Self.withFile(text) { path in try SatisfactionAnalysis.analyze(path: path) }
        #expect(report.rows == 1)
        #expect(report.overall.nps.n == 1 && Self.close(report.overall.nps.score, 100))
        #expect(report.quarantined == ["out_of_range_nps": 2, "out_of_range_csat": 1, "out_of_range_ces": 1])
        let first = try #require(report.file.examples.first)
        #expect(first.line == 2 && first.column == "nps")
        #expect(first.reason.contains("11") && first.reason.contains("0 to 10"))
    }

    @Test func customerAttributeReadsSchemaAndOtherColumns() throws {
        let text = "customer_id,region,tier\nA,North,gold\nB,,silver\n"
        try Self.withFile(text) { path in
            let region = try #require(try SatisfactionAnalysis.customerAttribute(path: path, column: "region"))
            #expect(region == ["A": "North"])
            let tier = try #require(try SatisfactionAnalysis.customerAttribute(path: path, column: "tier"))
            #expect(tier == ["A": "gold", "B": "silver"])
            #expect(try SatisfactionAnalysis.customerAttribute(path: path, column: "gender") == nil)
        }
    }
}
