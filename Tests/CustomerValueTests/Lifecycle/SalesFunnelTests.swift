import Foundation
import Testing
@testable import CustomerValue

/// The funnel of a hand-built pipeline of 11 opportunities, every number computed by hand.
///
/// Days of 2024 as day of year (leap year): 01-01 = 1, 02-01 = 32, 03-01 = 61, 04-01 = 92, 05-31 = 152.
/// The as-of day is the latest date of the file, O9's close on 05-31 (152).
///
/// | id  | owner | amount | outcome | furthest stage | days in lead, qualified, proposal, negotiation |
/// |-----|-------|--------|---------|----------------|------------------------------------------------|
/// | O1  | ann   | 1000   | won  (cycle 40) | negotiation | 10, 10, 10, 10 |
/// | O2  | ann   | 2000   | won  (cycle 50) | negotiation | 10, 20 (to negotiation, no proposal date), –, 20 |
/// | O3  | bob   | 500    | lost            | qualified   | 10, 10 (to close) |
/// | O4  | bob   | 800    | lost            | lead        | 10 (to close) |
/// | O5  | ann   | 3000   | open            | negotiation | 5, 10, 14, 91 (to as-of) |
/// | O6  | bob   | 1500   | open            | proposal    | 10, 10, 40 |
/// | O7  | cy    | 400    | open            | lead        | 91 |
/// | O8  | cy    | –      | open            | qualified   | 12, 120 |
/// | O9  | ann   | 1200   | won  (cycle 91) | negotiation | 3, 7, 10, 71 |
/// | O10 | bob   | 700    | lost            | proposal    | 5, 10, 14 (to close) |
/// | O11 | cy    | 5000   | open            | proposal (stage column; no proposal date) | 10, 67 (qualified 03-25 = 85 to 152) |
struct SalesFunnelTests {
    static let pipeline = """
        opportunity_id,owner,amount,stage,created_at,qualified_at,proposal_at,negotiation_at,closed_at,status
        O1,ann,1000,won,2024-01-01,2024-01-11,2024-01-21,2024-01-31,2024-02-10,won
        O2,ann,2000,won,2024-01-05,2024-01-15,,2024-02-04,2024-02-24,won
        O3,bob,500,lost,2024-01-10,2024-01-20,,,2024-01-30,lost
        O4,bob,800,lost,2024-02-01,,,,2024-02-11,lost
        O5,ann,3000,negotiation,2024-02-01,2024-02-06,2024-02-16,2024-03-01,,open
        O6,bob,1500,proposal,2024-04-01,2024-04-11,2024-04-21,,,open
        O7,cy,400,lead,2024-03-01,,,,,open
        O8,cy,,qualified,2024-01-20,2024-02-01,,,,open
        O9,ann,1200,won,2024-03-01,2024-03-04,2024-03-11,2024-03-21,2024-05-31,won
        O10,bob,700,lost,2024-02-10,2024-02-15,2024-02-25,,2024-03-10,lost
        O11,cy,5000,proposal,2024-03-15,2024-03-25,,,,open

        """

    static func file(_ text: String, name: String = "opportunities.csv") throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("funnel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func funnel(_ text: String = pipeline, options: FunnelOptions = FunnelOptions(),
                       quarantine: QuarantineSink? = nil) throws -> SalesFunnel {
        let url = try file(text)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        return SalesFunnel(file: try SalesOpportunity.read(path: url.path, stages: options.stages, quarantine: quarantine), options: options)
    }

    static func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance * max(1, abs(b))
    }

    @Test func stageCountsAndConversionMatchTheHandBuiltPipeline() throws {
        let f = try Self.funnel()
        let m = f.metrics
        #expect(f.asOf == CalendarDay(year: 2024, month: 5, day: 31))
        #expect(m.stages.map(\.stage) == ["lead", "qualified", "proposal", "negotiation", "won"])
        // Reached: all 11; qualified all but O4, O7 = 9; proposal O1 O2 O5 O6 O9 O10 O11 = 7 (O2 won,
        // O11 by its stage column); negotiation O1 O2 O5 O9 = 4; won O1 O2 O9 = 3.
        #expect(m.stages.map(\.reached) == [11, 9, 7, 4, 3])
        #expect(m.stages[0].conversionFromPrevious == nil)
        #expect(Self.close(m.stages[1].conversionFromPrevious, 9.0 / 11))
        #expect(Self.close(m.stages[2].conversionFromPrevious, 7.0 / 9))
        #expect(Self.close(m.stages[3].conversionFromPrevious, 4.0 / 7))
        #expect(Self.close(m.stages[4].conversionFromPrevious, 3.0 / 4))
        #expect(Self.close(m.overallConversion, 3.0 / 11))
        // won 3 / closed 6.
        #expect(Self.close(m.winRate, 0.5))
        #expect((m.opportunities, m.open, m.won, m.lost) == (11, 5, 3, 3))
        // Open at their furthest stage: lead O7; qualified O8; proposal O6, O11; negotiation O5.
        #expect(m.stages.map(\.open) == [1, 1, 2, 1, 0])
        // Lost at their furthest stage: O4 lead, O3 qualified, O10 proposal.
        #expect(m.stages.map(\.lost) == [1, 1, 1, 0, 0])
    }

    @Test func daysInStageMatchTheHandBuiltPipeline() throws {
        let m = try Self.funnel().metrics
        // lead: 10 10 10 10 5 10 91 12 3 5 10 → sum 176 / 11 = 16; sorted 3 5 5 10 10 [10] 10 10 10 12 91 → 10.
        #expect(m.stages[0].withDays == 11)
        #expect(Self.close(m.stages[0].avgDaysInStage, 16))
        #expect(Self.close(m.stages[0].medianDaysInStage, 10))
        // qualified: 10 20 10 10 10 120 7 10 67 → 264 / 9; sorted 7 10 10 10 [10] 10 20 67 120 → 10.
        #expect(m.stages[1].withDays == 9)
        #expect(Self.close(m.stages[1].avgDaysInStage, 264.0 / 9))
        #expect(Self.close(m.stages[1].medianDaysInStage, 10))
        // proposal (O2 and O11 have no date): 10 14 40 10 14 → 88 / 5 = 17.6; median 14.
        #expect(m.stages[2].withDays == 5)
        #expect(Self.close(m.stages[2].avgDaysInStage, 17.6))
        #expect(Self.close(m.stages[2].medianDaysInStage, 14))
        // negotiation: 10 20 91 71 → 192 / 4 = 48; median (20 + 71) / 2 = 45.5.
        #expect(Self.close(m.stages[3].avgDaysInStage, 48))
        #expect(Self.close(m.stages[3].medianDaysInStage, 45.5))
        #expect(m.stages[4].avgDaysInStage == nil && m.stages[4].withDays == 0)
    }

    @Test func valueNumbersMatchTheHandBuiltPipeline() throws {
        let m = try Self.funnel().metrics
        // Win probability by stage = 3 won / (3 + lost reaching it): lead 3/6, qualified 3/5
        // (O3, O10 lost past lead), proposal 3/4 (O10), negotiation 3/3.
        #expect(Self.close(m.stages[0].winProbability, 0.5))
        #expect(Self.close(m.stages[1].winProbability, 0.6))
        #expect(Self.close(m.stages[2].winProbability, 0.75))
        #expect(Self.close(m.stages[3].winProbability, 1))
        // Cycle of the won: O1 40, O2 50, O9 91 → 181 / 3; median 50.
        #expect(Self.close(m.cycleDays, 181.0 / 3))
        #expect(Self.close(m.cycleDaysMedian, 50))
        // Average won deal (1000 + 2000 + 1200) / 3 = 1400.
        #expect(Self.close(m.averageDealSize, 1400))
        // Open pipeline 3000 + 1500 + 400 + 5000 = 9900 (O8 has no amount).
        #expect(Self.close(m.pipelineValue, 9900))
        #expect(m.missingAmount == 1)
        // Weighted: O5 3000·1 + O6 1500·.75 + O7 400·.5 + O11 5000·.75 = 3000 + 1125 + 200 + 3750 = 8075.
        #expect(Self.close(m.pipelineWeightedValue, 8075))
        #expect(m.openWithoutWinProbability == 0)
        // Velocity: 5 open · 1400 · 0.5 / (181/3) = 3500 · 3 / 181 = 58.0110…
        #expect(Self.close(m.velocityPerDay, 10500.0 / 181))
    }

    @Test func staleListIsMostValuableFirst() throws {
        let f = try Self.funnel()
        // Open, in current stage > 45 days: O11 proposal (entered qualified 03-25, 67 days), O5
        // negotiation 91, O7 lead 91, O8 qualified 120; O6 has 40. By amount: 5000, 3000, 400, none.
        #expect(f.stale.map(\.opportunityID) == ["O11", "O5", "O7", "O8"])
        #expect(f.stale.map(\.stage) == ["proposal", "negotiation", "lead", "qualified"])
        #expect(f.stale.map(\.daysInStage) == [67, 91, 91, 120])
        #expect(f.stale.map(\.owner) == ["cy", "ann", "cy", "cy"])
        #expect(f.stale[0].amount == 5000 && f.stale[3].amount == nil)
        // A threshold of 39 days adds O6 (40 days, 1500) between O5 and O7.
        let lower = try Self.funnel(options: FunnelOptions(staleDays: 39))
        #expect(lower.stale.map(\.opportunityID) == ["O11", "O5", "O6", "O7", "O8"])
    }

    @Test func byOwnerUsesTheWholeFunnelsWinProbabilities() throws {
        let owners = try #require(try Self.funnel().by["owner"])
        #expect(owners.map(\.key) == ["ann", "bob", "cy"])
        let (ann, bob, cy) = (owners[0].metrics, owners[1].metrics, owners[2].metrics)
        // ann: O1 O2 O9 won, O5 open: win rate 3/3, cycle 181/3, weighted O5 3000 · 1.
        #expect((ann.opportunities, ann.won, ann.lost, ann.open) == (4, 3, 0, 1))
        #expect(Self.close(ann.winRate, 1))
        #expect(Self.close(ann.cycleDays, 181.0 / 3))
        #expect(Self.close(ann.pipelineWeightedValue, 3000))
        // velocity 1 · 1400 · 1 / (181/3) = 4200 / 181.
        #expect(Self.close(ann.velocityPerDay, 4200.0 / 181))
        // bob: O3 O4 O10 lost, O6 open: win rate 0; no won deal, so no cycle, deal size, velocity.
        // Weighted with the whole funnel's proposal probability: 1500 · .75 = 1125 (bob's own is 0).
        #expect(Self.close(bob.winRate, 0))
        #expect(bob.cycleDays == nil && bob.averageDealSize == nil && bob.velocityPerDay == nil)
        #expect(Self.close(bob.pipelineWeightedValue, 1125))
        #expect(Self.close(bob.stages[2].winProbability, 0))
        // cy: all open: win rate over no closed deal is empty; overall conversion 0/3 = 0.
        // Weighted: O7 400 · .5 + O11 5000 · .75 = 3950.
        #expect(cy.winRate == nil)
        #expect(Self.close(cy.overallConversion, 0))
        #expect(Self.close(cy.pipelineWeightedValue, 3950))
        #expect(cy.stages.map(\.reached) == [3, 2, 1, 0, 0])
    }

    @Test func byMonthOfCreation() throws {
        let months = try #require(try Self.funnel().by["month"])
        // 2024-01: O1 O2 O3 O8; 02: O4 O5 O10; 03: O7 O9 O11; 04: O6.
        #expect(months.map(\.key) == ["2024-01", "2024-02", "2024-03", "2024-04"])
        #expect(months.map(\.metrics.opportunities) == [4, 3, 3, 1])
        #expect(months.map(\.metrics.won) == [2, 0, 1, 0])
        // Win rates: 2/3 (O3 lost), 0/2, 1/1, none closed.
        #expect(Self.close(months[0].metrics.winRate, 2.0 / 3))
        #expect(Self.close(months[1].metrics.winRate, 0))
        #expect(Self.close(months[2].metrics.winRate, 1))
        #expect(months[3].metrics.winRate == nil)
        // No segment column: no segment breakdown.
        #expect(try Self.funnel().by["segment"] == nil)
    }

    @Test func asOfMovesOpenDaysAndLeavesOutLaterOpportunities() throws {
        let f = try Self.funnel(options: FunnelOptions(asOf: CalendarDay(year: 2024, month: 4, day: 30)))
        // Dated after 04-30: O9 (closed 05-31) is left out; O6 (last date 04-21) stays.
        #expect(f.counts.afterAsOf == 1 && f.counts.used == 10)
        // O5 in negotiation since 03-01 (61) to 04-30 (121): 60 days.
        #expect(f.stale.first { $0.opportunityID == "O5" }?.daysInStage == 60)
        // O6 in proposal since 04-21: 9 days, not stale.
        #expect(!f.stale.contains { $0.opportunityID == "O6" })
    }

    @Test func noOpportunitiesGivesEmptyRatesNotZeroOrNaN() throws {
        let f = SalesFunnel(opportunities: [])
        #expect(f.asOf == nil)
        #expect(f.metrics.winRate == nil && f.metrics.overallConversion == nil && f.metrics.cycleDays == nil)
        #expect(f.metrics.stages.allSatisfy { $0.conversionFromPrevious == nil && $0.avgDaysInStage == nil })
        let json = String(decoding: try JSONEncoder().encode(f), as: UTF8.self)
        #expect(json.contains("\"win_rate\":null") && json.contains("\"velocity_per_day\":null"))
        #expect(!json.contains("NaN"))
    }

    @Test func jsonCarriesTheContractKeysAndRoundTrips() throws {
        let f = try Self.funnel()
        let data = try JSONEncoder().encode(f)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["stages", "win_rate", "cycle_days", "pipeline_weighted_value", "velocity_per_day", "stale",
                    "overall_conversion", "as_of", "counts", "by"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        let stage = try #require((object["stages"] as? [[String: Any]])?.first)
        #expect(Set(stage.keys).isSuperset(of: ["stage", "reached", "conversion_from_previous", "avg_days_in_stage", "median_days_in_stage"]))
        let stale = try #require((object["stale"] as? [[String: Any]])?.first)
        #expect(Set(stale.keys).isSuperset(of: ["opportunity_id", "stage", "days_in_stage", "amount", "owner"]))
        #expect(try JSONDecoder().decode(SalesFunnel.self, from: data) == f)
    }

    @Test func chineseHeadersOutcomesAndSegments() throws {
        // 赢单 = won, 输单 = lost, 进行中 = open. S1 won (cycle 01-01 → 01-31 = 30 days), S2 lost at
        // qualified, S3 open at lead with 2000 (lead win probability 1 won / 2 closed = .5 → 1000).
        let text = """
            商机ID,负责人,预计金额,销售阶段,创建时间,确认时间,方案时间,谈判时间,成交时间,状态,segment
            S1,王芳,1000,赢单,2024-01-01,2024-01-05,2024-01-10,2024-01-20,2024-01-31,赢单,SMB
            S2,李静,500,输单,2024-01-02,2024-01-06,,,2024-01-16,输单,Enterprise
            S3,\u{3000}王芳 ,2000,lead,2024-01-03,,,,,进行中,SMB
            """
        let f = try Self.funnel(text)
        #expect((f.metrics.won, f.metrics.lost, f.metrics.open) == (1, 1, 1))
        #expect(Self.close(f.metrics.cycleDays, 30))
        #expect(Self.close(f.metrics.pipelineWeightedValue, 1000))
        let segments = try #require(f.by["segment"])
        #expect(segments.map(\.key) == ["Enterprise", "SMB"])
        #expect(segments.map(\.metrics.opportunities) == [1, 2])
        // S3's owner has an ideographic space (U+3000) before and a space after: trimmed, one 王芳.
        #expect(f.by["owner"]?.map(\.key) == ["李静", "王芳"])
    }

    @Test func customStagesReadTheirOwnColumns() throws {
        // Two stages: lead (created_at), demo (demo_date, outside the schema). O2's demo is 01-11.
        let text = """
            opportunity_id,amount,created_at,demo_date,closed_at,status
            O1,100,2024-01-01,,2024-01-05,lost
            O2,300,2024-01-01,2024-01-11,2024-01-21,won
            O3,200,2024-01-02,2024-01-03,,open
            """
        let stages = try FunnelStages(parsing: "lead,demo=demo_date")
        let f = try Self.funnel(text, options: FunnelOptions(stages: stages))
        // Reached: lead 3, demo O2 O3 = 2, won 1. Days in lead: 4 (to close), 10, 1.
        #expect(f.metrics.stages.map(\.reached) == [3, 2, 1])
        #expect(Self.close(f.metrics.stages[0].avgDaysInStage, 5))
        // A stage column the file lacks stops the analysis with a message naming it.
        #expect(throws: FunnelError.self) { try Self.funnel(text, options: FunnelOptions(stages: try FunnelStages(parsing: "lead,trial"))) }
        #expect(throws: FunnelError.self) { try FunnelStages(parsing: "lead,lead") }
    }
}
