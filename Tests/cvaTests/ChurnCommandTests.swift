import Foundation
import Testing

/// End-to-end runs of `cva churn` on a generated data set.
struct ChurnCommandTests {
    typealias CLI = CommandLineTests

    static func generated(_ folder: URL) throws -> String {
        let data = folder.appendingPathComponent("data").path
        let run = try CLI.run(["generate", "--customers", "2000", "--seed", "5", "--out", data])
        #expect(run.status == 0, "\(run.stderr)")
        return data
    }

    @Test func jsonHasCustomersEvaluationInputsAndExport() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try Self.generated(folder)
        let export = folder.appendingPathComponent("features.csv").path
        let run = try CLI.run(["churn", data, "--format", "json", "--export-features", export])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let customers = try #require(json["customers"] as? [[String: Any]])
        let first = try #require(customers.first)
        for key in ["customer_id", "churn_probability", "band", "percentile", "top_factors", "alerts"] {
            #expect(first[key] != nil, "missing \(key)")
        }
        for c in customers {
            let p = try #require(c["churn_probability"] as? Double)
            #expect(p >= 0 && p <= 1)
        }
        // Default cutoff: the data's end − 90 days, and training one horizon earlier.
        let cutoff = try #require(json["cutoff"] as? String)
        let train = try #require(json["train_cutoff"] as? String)
        #expect(train < cutoff)
        // Export: header, then one row per training and test customer, with label and split.
        let lines = try String(contentsOfFile: export, encoding: .utf8).split(separator: "\n")
        let header = try #require(lines.first).split(separator: ",")
        #expect(header.first == "customer_id" && header.suffix(2) == ["label", "split"])
        #expect(header.contains("complaints_90d") && header.contains("logins_90d") && header.contains("last_nps"))
        let trainCount = try #require(json["train_customers"] as? Int)
        #expect(lines.count == 1 + trainCount + customers.count)
        #expect(lines.last?.hasSuffix(",test") == true && lines[1].hasSuffix(",train"))
        // A header of n fields, each row as many.
        #expect(lines.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == header.count })
    }

    @Test func horizonPastTheEndIsRefusedWithTheLatestUsableCutoff() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try Self.generated(folder)
        let ok = try CLI.run(["churn", data, "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as? [String: Any])
        let latest = try #require(json["cutoff"] as? String)
        let late = try CLI.run(["churn", data, "--cutoff", "2099-01-01"])
        #expect(late.status != 0)
        #expect(late.stderr.contains("outside the data") && late.stderr.contains(latest))
        #expect(!late.stderr.contains("Fatal"))
    }

    @Test func unknownMetricInTheRuleFileIsAClearError() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try Self.generated(folder)
        let rules = folder.appendingPathComponent("rules.yaml")
        try "rules:\n  - metric: purchase_frequency_decline\n  - metric: vibes\n".write(to: rules, atomically: true, encoding: .utf8)
        let run = try CLI.run(["churn", data, "--rules", rules.path])
        #expect(run.status != 0)
        #expect(run.stderr.contains("rules.yaml:3: unknown metric \"vibes\""), "\(run.stderr)")
    }

    @Test func transactionsAloneWorkWithANote() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try Self.generated(folder)
        for name in ["tickets.csv", "events.csv", "surveys.csv", "customers.csv"] {
            try FileManager.default.removeItem(atPath: (data as NSString).appendingPathComponent(name))
        }
        let run = try CLI.run(["churn", data, "--format", "csv"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("no tickets file"))
        #expect(run.stdout.hasPrefix("customer_id,churn_probability,band,percentile,top_factors,alerts"))
    }
}
