import Foundation
import Testing

/// The analysis settings of `cva.yaml` (period, stale_days, horizon_days, rules, clv_months,
/// discount_rate, unit, window_days): each command with the matching flag uses the file's value, a flag beats it, and
/// `cva analyze` follows it.
struct ConfigSettingsCommandTests {
    typealias CLI = CommandLineTests

    /// A Monday 2024-01-01 start: A buys on 1, 11 and 31 January, B on 5 January. ISO weeks from
    /// 1 January: A and B in the first, A in the second (11th) and fifth (29th–31st), nobody in
    /// the third and fourth; one calendar month.
    static let transactions = "customer_id,date,amount\nA,2024-01-01,10\nA,2024-01-11,20\nA,2024-01-31,30\nB,2024-01-05,100\n"

    static func folder(settings: String, opportunities: Bool = false) throws -> URL {
        var files = ["transactions.csv": transactions, "cva.yaml": "settings:\n\(settings)"]
        if opportunities { files["opportunities.csv"] = FunnelCommandTests.pipeline }
        return try CLI.folder(with: files)
    }

    /// The CSV lines of a run's standard output, header first.
    static func lines(_ run: CLI.Run) -> [[String]] {
        run.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    static func csv(_ url: URL) throws -> [[String]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func periodComesFromTheFileAndTheFlagBeatsIt() throws {
        let folder = try Self.folder(settings: "  period: week\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        // Weekly (hand count above): active customers 2, 1, 0, 0, 1 in the weeks of 1, 8, 15, 22 and 29 January.
        let kpis = try CLI.run(["kpis", folder.appendingPathComponent("transactions.csv").path, "--format", "csv"])
        #expect(kpis.status == 0, "\(kpis.stderr)")
        let rows = Self.lines(kpis).dropFirst()
        #expect(rows.map { $0[0] } == ["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22", "2024-01-29"])
        #expect(rows.map { $0[1] } == ["2", "1", "0", "0", "1"])
        // The cohort of the week of 1 January followed over weeks 0–4: active 2, 1, 0, 0, 1.
        let cohorts = try CLI.run(["cohorts", folder.path, "--format", "csv"])
        #expect(cohorts.status == 0, "\(cohorts.stderr)")
        let first = Self.lines(cohorts).dropFirst().filter { $0[0] == "2024-01-01" }
        #expect(first.map { $0[1] } == ["0", "1", "2", "3", "4"] && first.map { $0[3] } == ["2", "1", "0", "0", "1"])
        // --period month beats the file: one month, two active customers, one cohort row.
        let monthly = try CLI.run(["kpis", folder.path, "--format", "csv", "--period", "month"])
        #expect(Self.lines(monthly).dropFirst().map { $0[0] } == ["2024-01-01"])
        let monthlyCohorts = try CLI.run(["cohorts", folder.path, "--format", "csv", "--period", "month"])
        #expect(Self.lines(monthlyCohorts).count == 2)
        // cva analyze writes weekly KPIs and cohorts.
        let out = folder.appendingPathComponent("out")
        let analyze = try CLI.run(["analyze", folder.path, "--out", out.path])
        #expect(analyze.status == 0, "\(analyze.stderr)")
        #expect(try Self.csv(out.appendingPathComponent("kpis.csv")).dropFirst().map { $0[1] } == ["2", "1", "0", "0", "1"])
        #expect(try Self.csv(out.appendingPathComponent("cohorts.csv")).dropFirst().filter { $0[0] == "2024-01-01" }.count == 5)
    }

    @Test func staleDaysComeFromTheFileAndTheFlagBeatsThem() throws {
        let folder = try Self.folder(settings: "  stale_days: 100\n", opportunities: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func stale(_ json: [String: Any]) -> [String?] {
            ((json["stale"] as? [[String: Any]]) ?? []).map { $0["opportunity_id"] as? String }
        }
        // As of 2024-05-31 only O8 (in qualified since 2024-02-01, 120 days) is over 100 days
        // (FunnelCommandTests' hand-built pipeline).
        let run = try CLI.run(["funnel", folder.path, "--format", "json"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try FunnelCommandTests.json(run)
        #expect(stale(json) == ["O8"] && json["stale_days"] as? Int == 100)
        // --stale-days 45 beats the file: O11, O5, O7, O8 (as FunnelCommandTests at the default 45).
        let flag = try CLI.run(["funnel", folder.appendingPathComponent("opportunities.csv").path, "--format", "json", "--stale-days", "45"], in: folder)
        #expect(stale(try FunnelCommandTests.json(flag)) == ["O11", "O5", "O7", "O8"])
        // cva analyze's funnel.json follows the file.
        let out = folder.appendingPathComponent("out")
        let analyze = try CLI.run(["analyze", folder.path, "--out", out.path])
        #expect(analyze.status == 0, "\(analyze.stderr)")
        let funnel = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("funnel.json"))) as? [String: Any])
        #expect(stale(funnel) == ["O8"] && funnel["stale_days"] as? Int == 100)
        #expect(analyze.stdout.contains("1 stale (> 100 days)"))
    }

    @Test(arguments: [
        ("  period: fortnight\n", ["kpis"], "line 2: period: \"fortnight\": expected week, month or quarter"),
        ("  stale_days: -1\n", ["funnel"], "line 2: stale_days: -1: expected a number of days, 0 or more"),
        ("  horizon_days: 0\n", ["churn"], "line 2: horizon_days: 0: expected a number of days from 1 to 3650"),
        ("  clv_months: 1.5\n", ["predict"], "line 2: clv_months must be a whole number"),
        ("  discount_rate: -2\n", ["predict", "--spend-model", "gg"], "line 2: discount_rate: -2: expected a monthly rate above −1"),
        ("  unit: week\n  rules: missing.yaml\n", ["churn"], "line 3: rules: no file \"missing.yaml\" in "),
        ("  rules: missing.yaml\n", ["analyze"], "line 2: rules: no file \"missing.yaml\" in "),
    ])
    func aBadSettingNamesTheFileAndLine(settings: String, command: [String], message: String) throws {
        let folder = try Self.folder(settings: settings, opportunities: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = [command[0], folder.path] + command.dropFirst() + (command[0] == "analyze" ? ["--out", folder.appendingPathComponent("out").path] : [])
        let run = try CLI.run(arguments)
        #expect(run.status != 0)
        #expect(run.stderr.contains("cva.yaml: " + message), "\(run.stderr)")
        #expect(!run.stderr.contains("Fatal"))
    }

    /// `cva churn` on the generated data set: horizon_days and rules from the file, the flags beating them.
    @Test func churnHorizonAndRulesComeFromTheFile() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try ChurnCommandTests.generated(folder)
        try "rules:\n  - metric: recency_over_median_gap\n".write(toFile: data + "/recency.yaml", atomically: true, encoding: .utf8)
        try "settings:\n  horizon_days: 60\n  rules: recency.yaml\n".write(toFile: data + "/cva.yaml", atomically: true, encoding: .utf8)
        func report(_ extra: [String]) throws -> [String: Any] {
            let run = try CLI.run(["churn", data, "--format", "json", "--model", "btyd"] + extra)
            #expect(run.status == 0, "\(run.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        }
        let fromFile = try report([])
        #expect(fromFile["horizon_days"] as? Int == 60)
        // Only the one rule of recency.yaml raises alerts.
        let alerts = try #require(fromFile["alerts"] as? [String: Int])
        #expect(Array(alerts.keys) == ["recency_over_median_gap"] && alerts["recency_over_median_gap", default: 0] > 0)
        // The flags beat the file.
        let rules = folder.appendingPathComponent("decline.yaml")
        try "rules:\n  - metric: purchase_frequency_decline\n".write(to: rules, atomically: true, encoding: .utf8)
        let fromFlags = try report(["--horizon-days", "90", "--rules", rules.path])
        #expect(fromFlags["horizon_days"] as? Int == 90)
        #expect((fromFlags["alerts"] as? [String: Int]).map { Array($0.keys) } == ["purchase_frequency_decline"])
    }

    /// Whether `half` is `whole` / 2 up to the rounding of CSV numbers to 9 decimals.
    static func isHalf(_ half: Double, of whole: Double) -> Bool {
        abs(whole - 2 * half) <= 2e-9 + 1e-8 * abs(whole)
    }

    /// `cva predict`: clv_months and discount_rate from the file. With one month the CLV is one
    /// discounted step, E[Y(1 month)] × spend / (1 + d) (CustomerLifetimeValue), so d = 1 gives
    /// exactly half the CLV of d = 0; zero months give 0.
    @Test func predictCLVSettingsComeFromTheFile() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try ChurnCommandTests.generated(folder)
        try "settings:\n  clv_months: 1\n  discount_rate: 1\n".write(toFile: data + "/cva.yaml", atomically: true, encoding: .utf8)
        func clv(_ extra: [String]) throws -> [Double] {
            let run = try CLI.run(["predict", data, "--spend-model", "gg", "--format", "csv"] + extra)
            #expect(run.status == 0, "\(run.stderr)")
            let rows = Self.lines(run)
            let k = try #require(rows.first?.firstIndex(of: "clv"))
            return rows.dropFirst().map { Double($0[k]) ?? .nan }
        }
        let fromFile = try clv([])
        let undiscounted = try clv(["--discount-rate", "0"])
        #expect(fromFile.count == 2000 && undiscounted.count == 2000)
        // Printed to 9 decimals (rounding ≤ 5e-10 each): undiscounted = 2 × fromFile within 2e-9 + 1e-8 relative.
        #expect(zip(fromFile, undiscounted).allSatisfy { Self.isHalf($0, of: $1) })
        #expect(fromFile.contains { $0 > 0 })
        #expect(try clv(["--clv-months", "0"]).allSatisfy { $0 == 0 })

        // cva analyze: predictions.csv holds the same one-month CLV at d = 1, half of predict's
        // undiscounted one (both fit BG/NBD and Gamma-Gamma on the weekly summary).
        let out = folder.appendingPathComponent("out")
        let analyze = try CLI.run(["analyze", data, "--out", out.path])
        #expect(analyze.status == 0, "\(analyze.stderr)")
        let predictions = try Self.csv(out.appendingPathComponent("predictions.csv"))
        let k = try #require(predictions.first?.firstIndex(of: "clv"))
        let analyzed = predictions.dropFirst().map { Double($0[k]) ?? .nan }
        #expect(analyzed.count == 2000 && zip(analyzed, undiscounted).allSatisfy { Self.isHalf($0, of: $1) })
        #expect(analyze.stdout.contains("(1-month CLV per customer in predictions.csv)"))
    }

    /// `cva analyze` on the generated data set: the alerts follow horizon_days, rules, clv_months
    /// and discount_rate.
    @Test func analyzeAlertsFollowTheChurnAndCLVSettings() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try ChurnCommandTests.generated(folder)
        let defaults = folder.appendingPathComponent("defaults")
        #expect(try CLI.run(["analyze", data, "--out", defaults.path]).status == 0)
        try "rules:\n  - metric: recency_over_median_gap\n".write(toFile: data + "/recency.yaml", atomically: true, encoding: .utf8)
        try "settings:\n  horizon_days: 30\n  rules: recency.yaml\n  clv_months: 1\n  discount_rate: 1\n"
            .write(toFile: data + "/cva.yaml", atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        let run = try CLI.run(["analyze", data, "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        let before = try Self.csv(defaults.appendingPathComponent("alerts.csv"))
        let after = try Self.csv(out.appendingPathComponent("alerts.csv"))
        #expect(before.first?[2] == "clv_12m" && after.first?[2] == "clv_1m")
        // Only the recency rule raises alerts.
        #expect(after.count > 1 && after.dropFirst().allSatisfy { $0[5] == "recency_over_median_gap" })
        // P(no purchase in h) = 1 − P(alive) + P(alive)((α+T)/(α+T+h))^(r+x) falls as h grows:
        // every customer's 30-day probability is above the 90-day one (same fit, same customer).
        let p90 = Dictionary(before.dropFirst().map { ($0[0], Double($0[3]) ?? .nan) }, uniquingKeysWith: { a, _ in a })
        let common = after.dropFirst().compactMap { row in p90[row[0]].map { (Double(row[3]) ?? .nan, $0) } }
        #expect(!common.isEmpty && common.allSatisfy { $0.0 > $0.1 })
    }

    /// `unit` and `window_days` reach cva summary and cva rfm. Hand computation on the four rows
    /// above (observation end 2024-01-31): A's T = 30 days = 30/7 = 4.285714286 weeks, B's 26 days =
    /// 3.714285714 weeks; a 10-day window holds only A's 31 January order (30), 365 days all of them.
    @Test func unitAndWindowComeFromTheFileAndFlagsBeatThem() throws {
        let folder = try Self.folder(settings: "  unit: week\n  window_days: 10\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let summary = try CLI.run(["summary", folder.path, "--format", "csv"])
        #expect(summary.status == 0, "\(summary.stderr)")
        let rows = Self.lines(summary)
        let (t, windowOrders) = (try #require(rows.first?.firstIndex(of: "T")), try #require(rows.first?.firstIndex(of: "window_orders")))
        #expect(rows.dropFirst().map { $0[t] } == ["4.285714286", "3.714285714"])
        #expect(rows.dropFirst().map { $0[windowOrders] } == ["1", "0"])
        // The flags beat the file (the transactions file finds the cva.yaml beside it).
        let flags = try CLI.run(["summary", folder.appendingPathComponent("transactions.csv").path, "--format", "csv",
                                 "--unit", "day", "--window-days", "365"])
        #expect(Self.lines(flags).dropFirst().map { $0[t] } == ["30", "26"])
        #expect(Self.lines(flags).dropFirst().map { $0[windowOrders] } == ["3", "1"])
        // cva rfm: F = orders in the window, 1 and 0 with the file's 10 days, 3 and 1 with --window-days 365.
        let rfm = try CLI.run(["rfm", folder.path, "--format", "csv"])
        #expect(rfm.status == 0, "\(rfm.stderr)")
        let f = try #require(Self.lines(rfm).first?.firstIndex(of: "frequency"))
        #expect(Self.lines(rfm).dropFirst().map { $0[f] } == ["1", "0"])
        let rfmFlag = try CLI.run(["rfm", folder.path, "--format", "csv", "--window-days", "365"])
        #expect(Self.lines(rfmFlag).dropFirst().map { $0[f] } == ["3", "1"])
    }

    @Test func badUnitOrWindowNamesTheFileAndLine() throws {
        for (settings, command, message) in [
            ("  window_days: 0\n", "rfm", "cva.yaml: line 2: window_days: 0: expected a whole number of days, 1 or more"),
            ("  window_days: 0\n", "summary", "cva.yaml: line 2: window_days: 0: expected a whole number of days, 1 or more"),
            ("  unit: fortnight\n", "summary", "cva.yaml: line 2: unit: expected day, week or month"),
            ("  unit: fortnight\n", "fit", "cva.yaml: line 2: unit: expected day, week or month"),
            ("  unit: fortnight\n", "predict", "cva.yaml: line 2: unit: expected day, week or month"),
        ] {
            let folder = try Self.folder(settings: settings)
            defer { try? FileManager.default.removeItem(at: folder) }
            let run = try CLI.run([command, folder.path, "--format", command == "fit" ? "json" : "csv"])
            #expect(run.status != 0 && run.stderr.contains(message), "\(command): \(run.stderr)")
            #expect(!run.stderr.contains("Fatal error"))
        }
    }

    /// cva fit and cva predict fit in cva.yaml's unit: the same output as --unit day, not as the
    /// default week (on generated data: a rate per day is a seventh of a rate per week, so the
    /// fitted alpha and the 52-unit expected purchases differ), and the saved fit says "day".
    @Test func fitAndPredictUseTheFileUnit() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        #expect(try CLI.run(["generate", "--customers", "600", "--seed", "3", "--only", "transactions", "--out", data.path]).status == 0)
        try "settings:\n  unit: day\n".write(to: data.appendingPathComponent("cva.yaml"), atomically: true, encoding: .utf8)
        let saved = folder.appendingPathComponent("m.json").path
        let fit = try CLI.run(["fit", data.path, "--format", "json", "--save", saved])
        #expect(fit.status == 0, "\(fit.stderr)")
        let day = try CLI.run(["fit", data.path, "--format", "json", "--unit", "day"])
        let week = try CLI.run(["fit", data.path, "--format", "json", "--unit", "week"])
        func alpha(_ run: CLI.Run) throws -> Double {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            return try #require((json["parameters"] as? [String: Double])?["alpha"])
        }
        #expect(try alpha(fit) == alpha(day))
        // alpha is a time scale: about 7 times larger in days than in weeks.
        #expect(try alpha(fit) > 2 * alpha(week))
        let file = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: saved))) as? [String: Any])
        #expect(file["unit"] as? String == "day")
        let predict = try CLI.run(["predict", data.path, "--format", "csv"])
        #expect(predict.status == 0, "\(predict.stderr)")
        #expect(predict.stdout == (try CLI.run(["predict", data.path, "--format", "csv", "--unit", "day"])).stdout)
        #expect(predict.stdout != (try CLI.run(["predict", data.path, "--format", "csv", "--unit", "week"])).stdout)
    }

    /// cva rfm --with-model and cva value --model hcp take the CLV horizon and discount rate from
    /// --clv-months / --discount-rate, else cva.yaml, else 12 months at 1%. rfm: the segments'
    /// total CLV equals the sum of cva predict's per-customer CLV with the same settings (the same
    /// fit, CustomerValueModels); value: the current value's source names the horizon.
    @Test func clvSettingsOfRFMAndValue() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        #expect(try CLI.run(["generate", "--customers", "1500", "--seed", "5", "--out", data.path]).status == 0)
        try "settings:\n  clv_months: 6\n  discount_rate: 0\n".write(to: data.appendingPathComponent("cva.yaml"), atomically: true, encoding: .utf8)
        func segmentTotal(_ arguments: [String]) throws -> Double {
            let run = try CLI.run(["rfm", data.path, "--with-model", "--format", "json"] + arguments)
            #expect(run.status == 0, "\(run.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            return try #require(json["segments"] as? [[String: Any]]).reduce(0) { $0 + (($1["total_predicted_clv"] as? Double) ?? 0) }
        }
        func predictTotal(_ arguments: [String]) throws -> Double {
            let run = try CLI.run(["predict", data.path, "--spend-model", "gg", "--format", "csv"] + arguments)
            #expect(run.status == 0, "\(run.stderr)")
            let header = try #require(Self.lines(run).first)
            let k = try #require(header.firstIndex(of: "clv"))
            return Self.lines(run).dropFirst().compactMap { Double($0[k]) }.reduce(0, +)
        }
        let close = { (a: Double, b: Double) in abs(a - b) <= 1e-6 * max(1, abs(b)) }
        // The file: 6 months undiscounted, as predict with the same file.
        let fromFile = try segmentTotal([])
        #expect(close(fromFile, try predictTotal([])))
        #expect(close(fromFile, try predictTotal(["--clv-months", "6", "--discount-rate", "0"])))
        // The flags beat it: 12 months at 1% a month, a larger total than 6 months.
        let fromFlags = try segmentTotal(["--clv-months", "12", "--discount-rate", "0.01"])
        #expect(close(fromFlags, try predictTotal(["--clv-months", "12", "--discount-rate", "0.01"])))
        #expect(fromFlags > fromFile)
        // A bad value names the flag.
        let bad = try CLI.run(["rfm", data.path, "--with-model", "--clv-months=-1"])
        #expect(bad.status != 0 && bad.stderr.contains("--clv-months -1: expected a whole number of months"), "\(bad.stderr)")

        // cva value: the horizon in current_source and the notes.
        func value(_ arguments: [String]) throws -> [String: Any] {
            let run = try CLI.run(["value", data.path, "--model", "hcp", "--format", "json"] + arguments)
            #expect(run.status == 0, "\(run.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        }
        let file = try value([])
        #expect(file["current_source"] as? String == "clv_6m")
        #expect((file["notes"] as? [String] ?? []).contains("current = 6-month CLV (BG/NBD + Gamma-Gamma)"))
        let flags = try value(["--clv-months", "12"])
        #expect(flags["current_source"] as? String == "clv_12m")
        let badValue = try CLI.run(["value", data.path, "--model", "hcp", "--discount-rate=-2"])
        #expect(badValue.status != 0 && badValue.stderr.contains("--discount-rate -2.0: expected a monthly rate above −1"), "\(badValue.stderr)")
        try "settings:\n  discount_rate: -2\n".write(to: data.appendingPathComponent("cva.yaml"), atomically: true, encoding: .utf8)
        let badFile = try CLI.run(["value", data.path, "--model", "hcp"])
        #expect(badFile.status != 0 && badFile.stderr.contains("cva.yaml: line 2: discount_rate: -2: expected a monthly rate above −1"), "\(badFile.stderr)")
    }
}
