import Foundation
import Testing

/// End-to-end runs of the real `cva` executable on small files.
struct CommandLineTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The built `cva` next to the test bundle.
    static var executable: URL {
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("cva")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL.appendingPathComponent("cva")
    }

    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cva-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A new temporary folder holding `files` (file name → text, written as UTF-8); the caller
    /// removes it.
    static func folder(with files: [String: String]) throws -> URL {
        let folder = try temporaryFolder()
        for (name, text) in files {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return folder
    }

    static let transactions = """
        order_id,customer_id,date,amount
        O1,A,2024-01-01,10
        O2,A,2024-01-11,20
        O3,A,2024-01-31,30
        O4,B,2024-01-05,100
        O5,,2024-01-06,5
        O6,B,2024-02-30,5

        """

    @Test func summaryCSVHasTheContractColumnsAndNothingElseOnStdout() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("transactions.csv")
        try Self.transactions.write(to: file, atomically: true, encoding: .utf8)
        let run = try Self.run(["summary", file.path, "--format", "csv"])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "customer_id,first_purchase,last_purchase,orders,total_spend,average_order_value,frequency,recency,T,monetary_value,days_since_last,window_orders,window_spend")
        // A: days 01-01, 01-11, 01-31; observation end 01-31 (the last valid date):
        // frequency 2, recency 30, T 30, monetary (20 + 30) / 2 = 25.
        #expect(lines.contains("A,2024-01-01,2024-01-31,3,60,20,2,30,30,25,0,3,60"))
        #expect(lines.count == 3)
        // The two bad rows are reported on stderr, not mixed into the data.
        #expect(run.stderr.contains("2 of 6 rows set aside"))
    }

    @Test func summaryJSONParses() throws {
        let folder = try Self.folder(with: ["transactions.csv": Self.transactions])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try Self.run(["summary", folder.path, "--format", "json", "--unit", "week"])
        #expect(run.status == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 2)
        let a = try #require(rows.first { $0["customer_id"] as? String == "A" })
        #expect(a["frequency"] as? Int == 2)
        #expect(abs((a["recency"] as? Double ?? 0) - 30.0 / 7) < 1e-9)
    }

    @Test func quarantineFileNamesLineColumnAndReason() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("t.csv")
        try Self.transactions.write(to: file, atomically: true, encoding: .utf8)
        let quarantine = folder.appendingPathComponent("q.csv")
        let run = try Self.run(["summary", file.path, "--format", "csv", "--quarantine", quarantine.path])
        #expect(run.status == 0)
        let text = try String(contentsOf: quarantine, encoding: .utf8)
        #expect(text.contains(",6,customer_id,missing customer id,"))
        #expect(text.contains(",7,date,\"unparseable date \"\"2024-02-30\"\""))
    }

    @Test(arguments: [
        ("missing", "no such file or folder"),
        ("empty", "has no header row (the file is empty)"),
        ("noheader", "no column for"),
        ("binary", "neither UTF-8 nor GB18030"),
        ("xlsx", "Excel workbook"),
    ])
    func badInputGivesOneClearMessage(kind: String, expected: String) throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("\(kind).csv")
        switch kind {
        case "empty": try Data().write(to: file)
        case "noheader": try "a,b,c\n1,2,3\n".write(to: file, atomically: true, encoding: .utf8)
        case "xlsx": try Data([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]).write(to: file)
        case "binary": try Data([0x00, 0xFF, 0xFE, 0x81, 0x20, 0xC3, 0x28, 0x0A, 0x80, 0x80, 0xFF]).write(to: file)
        default: break
        }
        let run = try Self.run(["summary", file.path, "--format", "csv"])
        #expect(run.status != 0)
        #expect(run.stderr.contains(expected), "stderr was: \(run.stderr)")
        #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("Stack dump"))
        #expect(run.stdout.isEmpty)
    }

    @Test func badFlagsAreRefusedClearly() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("t.csv")
        try Self.transactions.write(to: file, atomically: true, encoding: .utf8)
        let badDate = try Self.run(["summary", file.path, "--calibration-end", "2024-13-01"])
        #expect(badDate.status != 0 && badDate.stderr.contains("--calibration-end"))
        let badEncoding = try Self.run(["summary", file.path, "--encoding", "latin9"])
        #expect(badEncoding.status != 0 && badEncoding.stderr.contains("--encoding"))
        let lateCalibration = try Self.run(["summary", file.path, "--calibration-end", "2024-06-01"])
        #expect(lateCalibration.status != 0 && lateCalibration.stderr.contains("must come before the observation end"))
    }

    @Test func profileOfAFolderChecksEveryFile() throws {
        let folder = try Self.folder(with: ["transactions.csv": Self.transactions])
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
            customer_id,date,nps,csat
            A,2024-01-02,9,5
            B,2024-01-03,11,4
            Z,2024-01-04,3,
            """.write(to: folder.appendingPathComponent("surveys.csv"), atomically: true, encoding: .utf8)
        let run = try Self.run(["profile", folder.path, "--format", "json", "--quarantine", folder.appendingPathComponent("q.csv").path])
        #expect(run.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let files = try #require(json["files"] as? [[String: Any]])
        let surveys = try #require(files.first { $0["kind"] as? String == "surveys" })
        // B's NPS of 11 is out of scale: quarantined; Z has no transactions: flagged, kept.
        #expect(surveys["accepted"] as? Int == 2)
        #expect((surveys["rejected"] as? [String: Int])?["out_of_range_nps"] == 1)
        #expect(surveys["unknown_customers"] as? Int == 1)
        let transactions = try #require(json["transactions"] as? [String: Any])
        #expect(transactions["rows_read"] as? Int == 6)
    }

    @Test func analyzeWritesItsOutputs() throws {
        let folder = try Self.folder(with: ["transactions.csv": Self.transactions])
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let run = try Self.run(["analyze", folder.path, "--out", out.path])
        #expect(run.status == 0)
        for name in ["customer_summary.csv", "quality.json", "quality.txt", "quarantine.csv"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name) missing")
        }
        #expect(run.stdout.contains("customers: 2"))
    }

    /// On a full generated data set, every section of the analysis is written and digested.
    @Test func analyzeWritesEverySectionOfAFullDataSet() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data").path
        #expect(try Self.run(["generate", "--customers", "1500", "--seed", "9", "--out", data]).status == 0)
        let out = folder.appendingPathComponent("out")
        let run = try Self.run(["analyze", data, "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        for name in ["customer_summary.csv", "rfm.csv", "segments.json", "models.json", "predictions.csv", "lifecycle.csv",
                     "cohorts.csv", "kpis.csv", "lifecycle.json", "alerts.csv", "funnel.json", "satisfaction.json", "satisfaction_by.csv",
                     "feedback.csv", "feedback_themes.json"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name) missing")
        }
        for line in ["BG/NBD (weeks)", "lifecycle at", "funnel:", "satisfaction: NPS", "feedback:"] {
            #expect(run.stdout.contains(line), "\(line) missing from the digest")
        }
        // The satisfaction JSON carries the comment themes; the segments carry the model values.
        let satisfaction = try String(contentsOf: out.appendingPathComponent("satisfaction.json"), encoding: .utf8)
        #expect(satisfaction.contains("\"detractor_share\""))
        let segments = try String(contentsOf: out.appendingPathComponent("segments.json"), encoding: .utf8)
        #expect(!segments.contains("\"mean_probability_alive\" : null,\n    \"total_predicted_clv\" : null") || segments.contains("\"customers\" : 0"))
    }
}

/// `cva.yaml` in a data set folder: file, columns and settings, with flags beating the file.
struct ConfigFileCommandTests {
    typealias CLI = CommandLineTests

    @Test func analyzeAndSummaryFollowTheConfigFile() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "buyer;when;paid\nA;05/01/2024;10\nA;19/01/2024;30\nB;10/01/2024;5\n".write(
            to: folder.appendingPathComponent("export.csv"), atomically: true, encoding: .utf8)
        try """
            transactions:
              file: export.csv
              delimiter: ";"
              date_format: dd/MM/yyyy
              columns: {customer_id: buyer, date: when, amount: paid}
            settings:
              unit: week
            """.write(to: folder.appendingPathComponent("cva.yaml"), atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        let run = try CLI.run(["analyze", folder.path, "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try String(contentsOf: out.appendingPathComponent("customer_summary.csv"), encoding: .utf8)
        // A: purchases on 5 and 19 January, observation end 19 January: recency = T = 14 days = 2 weeks.
        let a = try #require(summary.split(separator: "\n").first { $0.hasPrefix("A,") })
        // Columns: customer_id, first_purchase, last_purchase, orders, total_spend, average_order_value, frequency, recency, T.
        #expect(a.hasPrefix("A,2024-01-05,2024-01-19,2,40,20,1,2,2,"), "\(a)")
        // The flag beats the file: --unit day gives 14 days.
        let daily = try CLI.run(["summary", folder.path, "--unit", "day"])
        #expect(daily.status == 0, "\(daily.stderr)")
        #expect(daily.stdout.contains("\nA,2024-01-05,2024-01-19,2,40,20,1,14,14,"), "\(daily.stdout)")
    }

    @Test func rfmSettingsComeFromTheConfigFile() throws {
        let folder = try CLI.folder(with: ["transactions.csv": CLI.transactions])
        defer { try? FileManager.default.removeItem(at: folder) }
        try "settings:\n  segments: cn8\n  weights: [0.5, 0.5, 0.5]\n".write(to: folder.appendingPathComponent("cva.yaml"), atomically: true, encoding: .utf8)
        let bad = try CLI.run(["analyze", folder.path, "--out", folder.appendingPathComponent("out").path])
        #expect(bad.status != 0 && bad.stderr.contains("cva.yaml") && bad.stderr.contains("weights"), "\(bad.stderr)")
        try "settings:\n  segments: cn8\n".write(to: folder.appendingPathComponent("cva.yaml"), atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        let run = try CLI.run(["analyze", folder.path, "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        let segments = try String(contentsOf: out.appendingPathComponent("segments.json"), encoding: .utf8)
        #expect(segments.contains("重要价值客户"))   // the eight-class table, not the default ten segments
        #expect(!segments.contains("Champions"))
    }

    @Test func aWrongSettingIsReportedWithItsLine() throws {
        let folder = try CLI.folder(with: ["transactions.csv": CLI.transactions])
        defer { try? FileManager.default.removeItem(at: folder) }
        try "settings:\n  unit: fortnight\n".write(to: folder.appendingPathComponent("cva.yaml"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["analyze", folder.path, "--out", folder.appendingPathComponent("out").path])
        #expect(run.status != 0)
        #expect(run.stderr.contains("cva.yaml: line 2: unit: expected day, week or month"), "\(run.stderr)")
        #expect(!run.stderr.contains("Fatal"))
    }
}
