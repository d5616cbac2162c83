import Foundation
import Testing

/// End-to-end runs of `cva cohorts`, `kpis`, `lifecycle` and `next` on the hand-computed history
/// of PeriodicAnalysisTests (observation end 2024-05-15).
struct LifecycleCommandTests {
    static let transactions = """
        customer_id,date,amount,category
        A,2024-01-05,10,x
        A,2024-01-05,5,y
        A,2024-01-20,20,x
        A,2024-02-10,30,y
        B,2024-01-10,100,x
        B,2024-04-02,50,x
        C,2024-02-03,7,z
        D,2024-03-31,40,y
        D,2024-04-01,60,x
        E,2024-05-15,1,x

        """

    static func folder() throws -> URL {
        try CommandLineTests.folder(with: ["transactions.csv": transactions])
    }

    @Test func cohortsCSVLeavesFutureCellsEmpty() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineTests.run(["cohorts", folder.path, "--format", "csv"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "cohort,period_index,cohort_size,active_customers,retention,revenue,orders,revenue_retention,cumulative_revenue_per_customer")
        // 5 cohorts × 5 ages.
        #expect(lines.count == 26)
        // January cohort (A, B), age 1: A only, revenue 30, (135 + 30) / 2 per customer.
        #expect(lines[2] == "2024-01-01,1,2,1,0.5,30,1,0.222222222,82.5")
        // February cohort (C), age 4 would be June: not yet happened, so empty.
        #expect(lines[10] == "2024-02-01,4,1,,,,,,")
        // April acquired nobody: size 0, rates empty but the period happened (0 active).
        #expect(lines[16] == "2024-04-01,0,0,0,,0,0,,")
        #expect(run.stderr.contains("cohorts have a single customer"))
    }

    @Test func kpisJSONHasDefinitionsAndNulls() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineTests.run(["kpis", folder.path, "--format", "json", "--churn-days", "31"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let kpis = try #require(json["kpis"] as? [[String: Any]])
        #expect(kpis.count == 5)
        let definitions = try #require(json["definitions"] as? [String: String])
        #expect(definitions["churn_rate"] != nil && definitions["simple_clv"] != nil)
        // January: nobody alive at the start → churn rate null, not 0.
        #expect(kpis[0]["churn_rate"] is NSNull)
        // April: B reactivated, D returning (hand counts in PeriodicAnalysisTests); May: E new.
        #expect(kpis[3]["reactivated_customers"] as? Int == 1)
        #expect(kpis[3]["returning_customers"] as? Int == 1)
        #expect(kpis[4]["new_customers"] as? Int == 1)
        // partial is a JSON boolean (issue 7): only May, cut short by the observation end 2024-05-15.
        #expect(kpis.map { $0["partial"] as? Bool } == [false, false, false, false, true])
        #expect(run.stdout.contains("\"partial\":true") && !run.stdout.contains("\"partial\":\""))
        // The CSV keeps the words.
        let csv = try CommandLineTests.run(["kpis", folder.path, "--format", "csv", "--churn-days", "31"])
        #expect(csv.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).last }
                == ["false", "false", "false", "false", "true"])
    }

    @Test func lifecycleAndNextHaveTheContractColumns() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let lifecycle = try CommandLineTests.run(["lifecycle", folder.path, "--format", "csv", "--as-of", "2024-04-30"])
        #expect(lifecycle.status == 0, "\(lifecycle.stderr)")
        let lines = lifecycle.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "customer_id,stage,days_since_last,median_gap_days,expected_next_purchase,purchase_days,mean_gap_days,gap_cv")
        // E buys after the as-of date: left out. D: first purchase 30 days before → new.
        #expect(lines.count == 5)
        #expect(lines.contains("D,new,29,1,2024-04-02,2,1,"))
        let next = try CommandLineTests.run(["next", folder.path, "--format", "csv", "--no-model"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stdout.hasPrefix("customer_id,expected_next_purchase,next_category,next_category_probability,model_next_purchase,last_category,p_alive\n"))
        // --no-model: the BG/NBD columns model_next_purchase and p_alive are empty.
        let fields = next.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(fields.count == 5 && fields.allSatisfy { $0.count == 7 && $0[4].isEmpty && $0[6].isEmpty })
        #expect(next.stderr.contains("hit rate at 1"))
    }

    @Test func badSettingsAreOneClearMessage() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineTests.run(["kpis", folder.path, "--churn-days", "20"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("churn span 20 days is shorter than a month"))
        #expect(!run.stderr.contains("Fatal"))
    }
    @Test func grossMarginComesFromTheCostColumn() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("sales.csv")
        try """
            customer_id,date,amount,cost
            A,2024-01-05,100,60
            A,2024-02-05,100,70
            B,2024-01-07,50,
            C,2024-03-20,10,5

            """.write(to: file, atomically: true, encoding: .utf8)
        let run = try CommandLineTests.run(["kpis", file.path, "--format", "csv", "--churn-days", "31"])
        #expect(run.status == 0, "\(run.stderr)")
        // Margin over the rows with a cost: 1 − (60 + 70 + 5) / (100 + 100 + 10) = 75/210.
        #expect(run.stderr.contains("gross margin 0.3571"))
        let lines = run.stdout.split(separator: "\n").map(String.init)
        // Feb: B (Jan 7 + 31 = Feb 7) churns of A, B alive at the start → rate 0.5, lifespan 2;
        // AOV 100 × frequency 1 × 2 × 75/210 = 71.428571428... Mar: A churns (Feb 5 + 31 =
        // Mar 7), rate 1; C's AOV 10 × 1 × 1 × 75/210 = 3.5714285714...
        #expect(lines[2].hasSuffix(",71.42857143,false"))
        #expect(lines[3].hasSuffix(",3.571428571,true"))
    }
}

extension LifecycleCommandTests {
    /// `cva cohorts --timing`: one line of step seconds on standard error, the same CSV on stdout.
    @Test func cohortsTimingPrintsStepsAndKeepsTheData() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let timed = try CommandLineTests.run(["cohorts", folder.path, "--format", "csv", "--timing"])
        #expect(timed.status == 0, "\(timed.stderr)")
        let line = try #require(timed.stderr.split(separator: "\n").first { $0.hasPrefix("timing: ") })
        let steps = line.dropFirst("timing: ".count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(steps.map { $0.split(separator: " ").dropLast(2).joined(separator: " ") } == ["read", "parse", "build", "cohorts", "write"])
        let plain = try CommandLineTests.run(["cohorts", folder.path, "--format", "csv"])
        #expect(plain.stdout == timed.stdout)
        #expect(!plain.stderr.contains("timing:"))
    }
}
