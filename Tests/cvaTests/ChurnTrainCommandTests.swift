import Foundation
import Testing

/// End-to-end runs of `cva churn-train` on a small matrix file.
struct ChurnTrainCommandTests {
    /// 240 rows: x decides the label (label 1 exactly when x > 0.5, so any learner ranks the test
    /// rows perfectly: AUC 1), z is noise; every fifth row is a test row.
    static func matrix() -> String {
        var text = "customer_id,x,z,label,split\n"
        for i in 0..<240 {
            let x = Double((i * 37) % 240) / 240
            let z = Double((i * 91) % 17) / 17
            text += "c\(i),\(x),\(z),\(x > 0.5 ? 1 : 0),\(i % 5 == 0 ? "test" : "train")\n"
        }
        return text
    }

    @Test(arguments: ["logistic", "gbdt"])
    func jsonCarriesTheEvaluationContract(model: String) throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("matrix.csv").path
        try Self.matrix().write(toFile: path, atomically: true, encoding: .utf8)
        let run = try CommandLineTests.run(["churn-train", path, "--model", model, "--format", "json", "--min-samples-leaf", "5"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(json["test_rows"] as? Int == 48 && json["train_rows"] as? Int == 192)
        #expect(json["training_seconds"] is Double && json["training_cpu_seconds"] is Double)
        let evaluation = try #require(json["evaluation"] as? [String: Any])
        #expect(Set(evaluation.keys).isSuperset(of: ["auc", "pr_auc", "brier", "lift_at_10", "capture_at_10", "lift_at_20",
                                                     "capture_at_20", "calibration", "confusion", "n", "positives"]))
        #expect(try #require(evaluation["auc"] as? Double) > 0.99)
        let importance = try #require(json["importance"] as? [[String: Any]])
        #expect(importance.first?["feature"] as? String == "x")
    }

    @Test func aBadNumberNamesFileLineAndColumn() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("matrix.csv").path
        try "customer_id,x,label,split\na,1,0,train\nb,oops,1,test\n".write(toFile: path, atomically: true, encoding: .utf8)
        let run = try CommandLineTests.run(["churn-train", path, "--format", "json"])
        #expect(run.status != 0)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("matrix.csv: line 3, column x: expected a finite number, got \"oops\""), "\(run.stderr)")
    }
}
