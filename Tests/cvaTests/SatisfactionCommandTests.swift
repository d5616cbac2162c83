import Foundation
import Testing

/// End-to-end runs of `cva satisfaction` on hand-made files and a small generated data set.
struct SatisfactionCommandTests {
    // NPS 10, 9, 3, 7, 0 (D blank) → promoters 2, passives 1, detractors 2: NPS 0;
    // Var = .4 + .4 − 0 = .8, SE = 100·√(.8/5) = 40, moe = 78.4.
    // CSAT 5, 4, 2, 3, 1 → 2/5 = 40%, mean 3. CES 7, 2, 5, 1, 6 → 3/5 = 60%, mean 4.2.
    static let surveys = """
        customer_id,date,nps,csat,ces,channel
        A,2024-01-05,10,5,7,web
        B,2024-01-20,9,4,,web
        C,2024-01-31,3,2,2,phone
        A,2024-02-02,7,,5,phone
        D,2024-02-10,,3,1,
        B,2024-04-01,0,1,6,web

        """
    static let customers = """
        customer_id,name,region,tier
        A,Ann,North,gold
        B,Bob,South,silver
        C,Cy,North,gold

        """

    static func folder(surveys: String = surveys) throws -> URL {
        let folder = try CommandLineTests.temporaryFolder()
        try surveys.write(to: folder.appendingPathComponent("surveys.csv"), atomically: true, encoding: .utf8)
        try customers.write(to: folder.appendingPathComponent("customers.csv"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func jsonHasTheContractShapeAndHandComputedScores() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineTests.run(["satisfaction", folder.path, "--by", "month,region", "--by", "channel", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(Set(["nps", "csat", "ces", "by", "themes", "quarantined"]).isSubset(of: Set(json.keys)))
        let nps = try #require(json["nps"] as? [String: Any])
        #expect(Set(["score", "moe", "n", "promoters", "passives", "detractors"]).isSubset(of: Set(nps.keys)))
        #expect((nps["score"] as? Double) == 0 && (nps["n"] as? Int) == 5)
        #expect(abs((nps["moe"] as? Double ?? 0) - 78.4) < 1e-9)
        #expect((nps["promoters"] as? Int) == 2 && (nps["passives"] as? Int) == 1 && (nps["detractors"] as? Int) == 2)
        let csat = try #require(json["csat"] as? [String: Any])
        #expect((csat["score"] as? Double) == 40 && (csat["mean"] as? Double) == 3 && (csat["n"] as? Int) == 5)
        let ces = try #require(json["ces"] as? [String: Any])
        #expect(abs((ces["mean"] as? Double ?? 0) - 4.2) < 1e-12 && (ces["share_high"] as? Double) == 60 && (ces["n"] as? Int) == 5)
        #expect((json["themes"] as? [Any])?.isEmpty == true)
        let by = try #require(json["by"] as? [[String: Any]])
        // 3 months + North, South, (unknown) + phone, web, (unknown).
        #expect(by.count == 9)
        let north = try #require(by.first { $0["by"] as? String == "region" && $0["group"] as? String == "North" })
        // North = A (10, 7) and C (3) → NPS (1 − 1)/3 = 0 on n 3; small.
        #expect((north["n"] as? Int) == 3 && (north["small"] as? Bool) == true)
    }

    @Test func csvPrintsOneRowPerGroup() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineTests.run(["satisfaction", folder.appendingPathComponent("surveys.csv").path, "--by", "quarter", "--format", "csv"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "by,group,n,small,nps,nps_moe,nps_n,promoters,passives,detractors,csat,csat_mean,csat_n,ces_mean,ces_share_high,ces_n")
        // Q2: B's 0,1,6 alone: NPS −100 ± 0 (p 0, d 1: Var 1 − 1 = 0); CSAT 0%, mean 1; CES 6 → 100%.
        #expect(lines.last == "quarter,2024-Q2,1,true,-100,0,1,0,0,1,0,1,1,6,100,1")
    }

    @Test func outOfScaleAnswersAreCountedAndNamed() throws {
        let text = "customer_id,date,nps,csat\nA,2024-01-01,11,4\nB,2024-01-02,9,0\nC,2024-01-03,9,5\n"
        let folder = try Self.folder(surveys: text)
        defer { try? FileManager.default.removeItem(at: folder) }
        let quarantine = folder.appendingPathComponent("q.csv").path
        let run = try CommandLineTests.run(["satisfaction", folder.path, "--format", "json", "--quarantine", quarantine])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let quarantined = try #require(json["quarantined"] as? [String: Int])
        #expect(quarantined == ["out_of_range_nps": 1, "out_of_range_csat": 1])
        #expect(((json["nps"] as? [String: Any])?["n"] as? Int) == 1)
        #expect(run.stderr.contains("line 2, column nps: nps 11 is outside its scale"))
        #expect(run.stderr.contains("line 3, column csat"))
        let written = try String(contentsOfFile: quarantine, encoding: .utf8)
        #expect(written.split(separator: "\n").count == 3)
    }

    @Test func unknownGroupingAndMissingFileAreClearErrors() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineTests.run(["satisfaction", folder.path, "--by", "colour"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("--by colour") && run.stderr.contains("region") && !run.stderr.contains("Fatal"))
        let missing = try CommandLineTests.run(["satisfaction", folder.appendingPathComponent("none.csv").path])
        #expect(missing.status != 0 && missing.stderr.contains("no such file"))
    }

    @Test func segmentAndChannelOnAGeneratedDataSet() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let generate = try CommandLineTests.run(["generate", "--customers", "400", "--out", folder.path])
        #expect(generate.status == 0, "\(generate.stderr)")
        let run = try CommandLineTests.run(["satisfaction", folder.path, "--by", "segment,channel,gender", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let by = try #require(json["by"] as? [[String: Any]])
        let n = try #require((json["nps"] as? [String: Any])?["n"] as? Int)
        // Every answer lands in exactly one group of each grouping.
        for grouping in ["segment", "gender"] {
            let groups = by.filter { $0["by"] as? String == grouping }
            #expect(!groups.isEmpty)
            #expect(groups.reduce(0) { $0 + (($1["nps"] as? [String: Any])?["n"] as? Int ?? 0) } == n)
        }
        // The generator writes no channel column in surveys.csv.
        let unavailable = try #require(json["unavailable"] as? [[String: Any]])
        #expect(unavailable.map { $0["by"] as? String } == ["channel"])
    }
}
