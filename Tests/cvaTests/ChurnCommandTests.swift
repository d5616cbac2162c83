import Foundation
import Testing

/// End-to-end runs of `cva churn` on a generated data set.
struct ChurnCommandTests {
    typealias CLI = CommandLineTests

    /// One generated data set (2000 customers, seed 5, all files) for all the tests, made on first use.
    static let shared = GeneratedDataSet(["--customers", "2000", "--seed", "5"])

    /// A copy of the shared data set in `folder`.
    static func generated(_ folder: URL) throws -> String {
        let data = folder.appendingPathComponent("data").path
        try FileManager.default.copyItem(atPath: try shared.path, toPath: data)
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
        #expect(lines.last?.hasSuffix(",test") == true)
        // The trees' early-stopping hold-out is marked: round(10% of the training rows).
        let validation = lines.filter { $0.hasSuffix(",validation") }.count
        #expect(validation == Int((Double(trainCount) * 0.1).rounded()))
        #expect(lines.filter { $0.hasSuffix(",train") }.count == trainCount - validation)
        // A header of n fields, each row as many.
        #expect(lines.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == header.count })

        // JSON: top_factors and alerts are arrays of objects.
        var sawFactor = false, sawAlert = false
        for c in customers {
            let factors = try #require(c["top_factors"] as? [[String: Any]])
            for f in factors {
                #expect(f["feature"] is String && f["value"] is Double)
                // gbdt gives churn_probability for --model all: the factors raise the risk.
                #expect((try #require(f["contribution"] as? Double)) > 0)
                sawFactor = true
            }
            let alerts = try #require(c["alerts"] as? [[String: Any]])
            for a in alerts {
                #expect(a["rule"] is String && a["severity"] is String && a["detail"] is String)
                #expect(a["values"] is [String: Any])
                sawAlert = true
            }
        }
        #expect(sawFactor && sawAlert)

        // The export holds exactly the rows the trees used: `cva churn-train` on it grows the same
        // trees, so its test AUC is cva churn's gbdt AUC (to the printed precision).
        let trained = try CLI.run(["churn-train", export, "--model", "gbdt", "--format", "json"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(trained.stdout.utf8)) as? [String: Any])
        let trainedAUC = try #require((result["evaluation"] as? [String: Any])?["auc"] as? Double)
        let evaluation = try #require(json["evaluation"] as? [String: Any])
        let churnAUC = try #require((evaluation["gbdt"] as? [String: Any])?["auc"] as? Double)
        #expect(abs(trainedAUC - churnAUC) < 1e-9)
    }

    @Test func csvJoinsFactorsAndAlertsAsText() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try Self.generated(folder)
        let run = try CLI.run(["churn", data, "--format", "csv", "--model", "gbdt"])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = run.stdout.split(separator: "\n").dropFirst()
        // top_factors: "name=value" items joined by "; " (the fifth column; no field is quoted).
        let factors = rows.compactMap { $0.split(separator: ",", omittingEmptySubsequences: false).dropFirst(4).first }
        #expect(factors.contains { $0.contains("; ") && $0.contains("=") })
    }

    @Test func horizonPastTheEndIsRefusedWithTheLatestUsableCutoff() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try Self.generated(folder)
        // The last transaction date of the generated file; the latest usable cutoff is 90 days before.
        let dates = try String(contentsOfFile: data + "/transactions.csv", encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",")[2] }
        let end = try #require(dates.max())
        let late = try CLI.run(["churn", data, "--cutoff", "2099-01-01"])
        #expect(late.status != 0)
        #expect(late.stderr.contains("outside the data") && late.stderr.contains("to \(end))"), "\(late.stderr)")
        #expect(late.stderr.contains("latest usable cutoff for a 90-day horizon is 20"))
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
        let run = try CLI.run(["churn", data, "--format", "csv", "--model", "btyd"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("no tickets file"))
        #expect(run.stdout.hasPrefix("customer_id,churn_probability,band,percentile,top_factors,alerts"))
    }
}
