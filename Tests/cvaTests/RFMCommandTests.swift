import Foundation
import Testing

/// End-to-end runs of `cva rfm` on a small file.
struct RFMCommandTests {
    // Observation end 2024-06-01 (the last date); all inside the 365-day window.
    // Days since last: A 0, B 121, C 2, D 183. F: 3, 1, 2, 1. M: 60, 100, 10, 50.
    static let transactions = """
        customer_id,date,amount
        A,2024-01-01,10
        A,2024-03-01,20
        A,2024-06-01,30
        B,2024-02-01,100
        C,2024-05-15,5
        C,2024-05-30,5
        D,2023-12-01,50

        """

    static func folder() throws -> URL {
        try CommandLineTests.folder(with: ["transactions.csv": transactions])
    }

    @Test func csvHasTheContractColumnsInOrder() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineTests.run(["rfm", folder.path, "--format", "csv"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "customer_id,recency_days,frequency,monetary,r_score,f_score,m_score,rfm_score,rfm_weighted,tier,segment,value_matrix,abc_class")
        #expect(lines.count == 5)
        // A: days 0 of 0, 2, 121, 183 (cut-points 1.2, 25.8, 97.2, 145.8) → R 5; F 3 of 1, 1, 2, 3
        // (1, 1.2, 1.8, 2.4) → 5; M 60 of 10, 50, 60, 100 (34, 52, 58, 76) → 4: "554", Champions.
        // Weighted: R′ 1, F′ (3 − 1)/2 = 1, M′ (60 − 10)/90 → .3 + .4 + .3·5/9 = .8667 → High Value.
        // Value matrix: F 3 > median 1.5; AOV 60/3 = 20 ≤ median (20 + 50)/2 = 35 → Frequent.
        // ABC: A is ranked second (100, 60, 50, 10 of 220) with 100/220 = 45% above → A.
        let a = try #require(lines.first { $0.hasPrefix("A,") })
        #expect(a == "A,0,3,60,5,5,4,554,0.866666667,High Value,Champions,Frequent,A")
    }

    @Test func jsonHasTheSummaryKeys() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineTests.run(["rfm", folder.path, "--format", "json", "--segments", "cn8", "--log-transform"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(Set(json.keys) == ["customers", "segments", "cutpoints", "tiers", "value_matrix", "abc", "settings"])
        let customers = try #require(json["customers"] as? [[String: Any]])
        #expect(customers.count == 4)
        #expect(Set(customers[0].keys) == ["customer_id", "recency_days", "frequency", "monetary", "r_score", "f_score",
                                           "m_score", "rfm_score", "rfm_weighted", "tier", "segment", "value_matrix", "abc_class"])
        let cutpoints = try #require(json["cutpoints"] as? [String: Any])
        #expect((cutpoints["recency"] as? [Double])?.count == 4)
        let segments = try #require(json["segments"] as? [[String: Any]])
        #expect(segments.count == 8)
        #expect(segments[0]["mean_probability_alive"] is NSNull)
        let abc = try #require(json["abc"] as? [String: Any])
        #expect(abc["gini"] is Double && abc["lorenz"] is [Any])
        let settings = try #require(json["settings"] as? [String: Any])
        #expect(settings["log_transform"] as? Bool == true && settings["segment_table"] as? String == "cn8")
    }

    /// With --with-model each segment with customers gets a mean P(alive) in [0, 1] and a CLV
    /// total, equal to the sum of the per-customer CLVs of `cva predict` with the same settings.
    @Test func withModelFillsTheSegmentModelValues() throws {
        let data = try GeneratedDataSet.transactions1500Seed5.path
        let run = try CommandLineTests.run(["rfm", data, "--with-model", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let segments = try #require(json["segments"] as? [[String: Any]])
        var total = 0.0
        for segment in segments where (segment["customers"] as? Int ?? 0) > 0 {
            let alive = try #require(segment["mean_probability_alive"] as? Double)
            #expect(alive >= 0 && alive <= 1)
            total += try #require(segment["total_predicted_clv"] as? Double)
        }
        let predict = try CommandLineTests.run(["predict", data, "--spend-model", "gg", "--format", "csv"])
        #expect(predict.status == 0, "\(predict.stderr)")
        let rows = predict.stdout.split(separator: "\n").dropFirst()
        let clv = rows.compactMap { $0.split(separator: ",", omittingEmptySubsequences: false).dropFirst(4).first.flatMap { Double($0) } }
        #expect(clv.count == rows.count && abs(clv.reduce(0, +) - total) < 1e-6 * max(1, total))
        let plain = try CommandLineTests.run(["rfm", data, "--format", "json"])
        #expect(plain.stdout.contains("\"mean_probability_alive\" : null"))
    }

    @Test func tablePrintsTheSummaries() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineTests.run(["rfm", folder.path, "--format", "table"])
        #expect(run.status == 0, "\(run.stderr)")
        for heading in ["Cut-points", "Segments", "Tiers", "Value matrix", "ABC / Pareto", "Gini coefficient", "top 1% of customers"] {
            #expect(run.stdout.contains(heading), "\(heading) missing")
        }
    }

    @Test(arguments: [
        (["--weights", "0.5,0.5,0.5"], "must sum to 1"),
        (["--weights", "0.5,0.5"], "three weights"),
        (["--thresholds", "0.5,0.8"], "decreasing order"),
        (["--bins", "12"], "bins must be from 3 to 10"),
        (["--segments", "nosuch.yaml"], "expected default, cn8"),
        (["--abc", "0.95,0.8"], "increasing order"),
        (["--r-cutpoints", "30,20,10,5"], "increasing order"),
    ])
    func badSettingsGiveOneClearMessage(arguments: [String], expected: String) throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineTests.run(["rfm", folder.path, "--format", "csv"] + arguments)
        #expect(run.status != 0)
        #expect(run.stderr.contains(expected), "stderr was: \(run.stderr)")
        #expect(run.stdout.isEmpty && !run.stderr.contains("Fatal error"))
    }

    @Test func aBadSegmentFileNamesItsLine() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("segments.csv")
        try "name,r,f,m\nTop,4-5,4-5,4-5\nBad,5-2,1,1\n".write(to: file, atomically: true, encoding: .utf8)
        let run = try CommandLineTests.run(["rfm", folder.path, "--format", "csv", "--segments", file.path])
        #expect(run.status != 0)
        #expect(run.stderr.contains("segments.csv:3:") && run.stderr.contains("\"5-2\" is malformed"), "stderr was: \(run.stderr)")
    }

    @Test func aDimensionWithoutVarianceIsNoted() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("t.csv")
        try "customer_id,date,amount\nA,2024-01-01,10\nB,2024-01-05,20\n".write(to: file, atomically: true, encoding: .utf8)
        let run = try CommandLineTests.run(["rfm", file.path, "--format", "csv"])
        #expect(run.status == 0)
        // Both have one order: F constant → the middle score 3 for both.
        #expect(run.stderr.contains("same frequency"))
        let rows = run.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.allSatisfy { $0[5] == "3" })
    }
}
