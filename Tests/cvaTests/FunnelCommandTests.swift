import Foundation
import Testing

/// End-to-end runs of `cva funnel`. The pipeline is the hand-built one of the library's
/// SalesFunnelTests, where every number below is computed by hand.
struct FunnelCommandTests {
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

    static func folder(_ text: String = pipeline) throws -> URL {
        try CommandLineTests.folder(with: ["opportunities.csv": text])
    }

    static func json(_ run: CommandLineTests.Run) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    @Test func jsonMatchesTheHandBuiltPipeline() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineTests.run(["funnel", folder.appendingPathComponent("opportunities.csv").path, "--format", "json"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try Self.json(run)
        let stages = try #require(json["stages"] as? [[String: Any]])
        // Reached 11, 9, 7, 4, won 3; lead has no previous stage (null).
        #expect(stages.map { $0["reached"] as? Int } == [11, 9, 7, 4, 3])
        #expect(stages[0]["conversion_from_previous"] is NSNull)
        // lead days: mean 176/11 = 16, median 10.
        #expect(stages[0]["avg_days_in_stage"] as? Double == 16 && stages[0]["median_days_in_stage"] as? Double == 10)
        // 3 won of 6 closed; weighted 3000 + 1125 + 200 + 3750; velocity 5 · 1400 · .5 / (181/3).
        #expect(json["win_rate"] as? Double == 0.5)
        #expect(json["pipeline_weighted_value"] as? Double == 8075)
        #expect(abs((json["velocity_per_day"] as? Double ?? 0) - 10500.0 / 181) < 1e-9)
        #expect(abs((json["cycle_days"] as? Double ?? 0) - 181.0 / 3) < 1e-9)
        #expect(json["as_of"] as? String == "2024-05-31")
        let stale = try #require(json["stale"] as? [[String: Any]])
        #expect(stale.map { $0["opportunity_id"] as? String } == ["O11", "O5", "O7", "O8"])
        #expect(stale[3]["amount"] is NSNull)
        let by = try #require(json["by"] as? [String: Any])
        #expect((by["owner"] as? [[String: Any]])?.map { $0["key"] as? String } == ["ann", "bob", "cy"])
        #expect((by["month"] as? [[String: Any]])?.count == 4)
        // Nothing set aside: no quarantine file.
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("cva-quarantine.csv").path))
    }

    @Test func csvPrintsTheStageRows() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineTests.run(["funnel", folder.path, "--format", "csv"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "stage,reached,conversion_from_previous,avg_days_in_stage,median_days_in_stage,with_days,open,lost,win_probability")
        // lead: 11 reached, mean 16 / median 10 days over 11, O7 open, O4 lost, 3/6 won.
        #expect(lines[1] == "lead,11,,16,10,11,1,1,0.5")
        // negotiation: 4/7, mean 48, median 45.5 over 4, O5 open, none lost, 3/3.
        #expect(lines[4] == "negotiation,4,0.571428571,48,45.5,4,1,0,1")
        #expect(lines[5] == "won,3,0.75,,,0,0,0,")
        #expect(lines.count == 6)
    }

    @Test func tableShowsTheHeadlineAndTheStaleDeals() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineTests.run(["funnel", folder.path, "--format", "table", "--stale-days", "100"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("win rate 50.0%"))
        #expect(run.stdout.contains("weighted 8075.00"))
        // Only O8 (120 days in qualified) is over 100 days.
        #expect(run.stdout.contains("Stale: 1 open opportunities"))
        #expect(run.stdout.contains("By owner"))
    }

    @Test func badRowsAreSetAsideAndReported() throws {
        let text = Self.pipeline + """
            B1,ann,100,qualified,2024-02-01,2024-01-15,,,,open
            B2,ann,100,demo,2024-01-01,,,,,open
            B3,ann,100,won,2024-01-01,,,,,won

            """
        let folder = try Self.folder(text)
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineTests.run(["funnel", folder.path, "--format", "json"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("3 rows set aside"))
        let json = try Self.json(run)
        let counts = try #require(json["counts"] as? [String: Any])
        #expect(counts["set_aside"] as? [String: Int] == ["dates_backwards": 1, "unknown_stage": 1, "closed_without_close_date": 1])
        // The funnel is the clean one: still 3 of 6 won.
        #expect(json["win_rate"] as? Double == 0.5)
        let quarantine = try String(contentsOf: folder.appendingPathComponent("cva-quarantine.csv"), encoding: .utf8)
        // Lines 13–15 (header 1, O1–O11 on 2–12), each with its column.
        #expect(quarantine.contains(",13,qualified_at,") && quarantine.contains(",14,stage,") && quarantine.contains(",15,closed_at,"))
    }

    @Test func unusableInputIsOneClearMessage() throws {
        let folder = try Self.folder("opportunity_id,created_at,status\nO1,2024-01-01,open\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let missingColumn = try CommandLineTests.run(["funnel", folder.path, "--format", "json"], in: folder)
        #expect(missingColumn.status != 0 && missingColumn.stdout.isEmpty)
        #expect(missingColumn.stderr.contains("no column qualified_at") && !missingColumn.stderr.contains("Fatal"))
        let noFile = try CommandLineTests.run(["funnel", folder.appendingPathComponent("nope.csv").path], in: folder)
        #expect(noFile.status != 0 && noFile.stderr.contains("no such file"))
        let badDay = try CommandLineTests.run(["funnel", folder.path, "--stages", "lead", "--as-of", "2024-02-30"], in: folder)
        #expect(badDay.status != 0 && badDay.stderr.contains("--as-of"))
    }

    @Test func runsOnGeneratedData() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let generated = try CommandLineTests.run(["generate", "--customers", "2000", "--out", folder.path])
        #expect(generated.status == 0, "\(generated.stderr)")
        let run = try CommandLineTests.run(["funnel", folder.path, "--format", "json"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try Self.json(run)
        let stages = try #require(json["stages"] as? [[String: Any]])
        let reached = stages.compactMap { $0["reached"] as? Int }
        let opportunities = try #require(json["opportunities"] as? Int)
        let open = try #require(json["open"] as? Int)
        let won = try #require(json["won"] as? Int)
        let lost = try #require(json["lost"] as? Int)
        // The generator writes clean opportunities (about 7% of customers), each stage date after the previous.
        #expect(opportunities > 50 && open + won + lost == opportunities)
        #expect((json["counts"] as? [String: Any])?["set_aside"] as? [String: Int] == [:])
        // Everyone reached the lead; reach never grows along the funnel; the last row is the won.
        #expect(reached.first == opportunities && reached.last == won)
        #expect(zip(reached, reached.dropFirst()).allSatisfy { $0 >= $1 })
        let winRate = try #require(json["win_rate"] as? Double)
        #expect(abs(winRate - Double(won) / Double(won + lost)) < 1e-12)
        #expect((json["by"] as? [String: Any])?["owner"] != nil)
    }
}
