import Foundation
import Testing

/// End-to-end runs of `cva value` and `cva servqual`.
struct ValueCommandTests {
    @Test func valueOnAGeneratedDataSet() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let generate = try CommandLineTests.run(["generate", "--customers", "300", "--out", folder.path])
        #expect(generate.status == 0, "\(generate.stderr)")
        let hcp = try CommandLineTests.run(["value", folder.path, "--model", "hcp", "--format", "json"])
        #expect(hcp.status == 0, "\(hcp.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(hcp.stdout.utf8)) as? [String: Any])
        #expect(["clv_12m", "trailing_12m_spend"].contains(json["current_source"] as? String))
        let customers = try #require(json["customers"] as? [[String: Any]])
        let cells = try #require((json["quadrants"] as? [String: Any])?["cells"] as? [[String: Any]])
        // Every customer is in exactly one quadrant.
        #expect(cells.reduce(0) { $0 + ($1["customers"] as? Int ?? 0) } == customers.count)
        #expect(Set(customers[0].keys) == ["customer_id", "historical", "current", "potential", "score", "quadrant"])

        let svl = try CommandLineTests.run(["value", folder.path, "--weights", "0.5,0.5", "--format", "csv"])
        #expect(svl.status == 0, "\(svl.stderr)")
        #expect(svl.stdout.hasPrefix("customer_id,satisfaction,loyalty,score\n"))
        let bad = try CommandLineTests.run(["value", folder.path, "--weights", "0.5,0.6"])
        #expect(bad.status != 0 && bad.stderr.contains("must sum to 1"))
    }

    @Test func servqualEndToEnd() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("sq.yaml")
        try """
            dimensions:
              reliability:
                items:
                  R1: {expectation: E_R1, perception: P_R1}
              empathy:
                items:
                  EM1: {expectation: E_EM1, perception: P_EM1}
            """.write(to: config, atomically: true, encoding: .utf8)
        let data = folder.appendingPathComponent("sq.csv")
        // R1 gaps −2, −1 → −1.5; EM1 gaps 1, 0 → .5; weighted (equal) (−1.5 + .5)/2 = −.5. Row 4: 0 is off the 1–7 scale.
        try "E_R1,P_R1,E_EM1,P_EM1\n7,5,5,6\n6,5,4,4\n0,5,4,4\n".write(to: data, atomically: true, encoding: .utf8)
        let run = try CommandLineTests.run(["servqual", data.path, "--config", config.path, "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect((json["weighted_gap"] as? Double) == -0.5)
        #expect((json["ranking"] as? [String]) == ["reliability", "empathy"])
        #expect((json["respondents"] as? Int) == 2)
        #expect(run.stderr.contains("line 4, column E_R1"))
        let missing = try CommandLineTests.run(["servqual", data.path, "--config", folder.appendingPathComponent("none.yaml").path])
        #expect(missing.status != 0 && missing.stderr.contains("cannot read the config"))
    }
}
