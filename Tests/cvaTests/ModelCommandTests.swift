import Foundation
import Testing

/// End-to-end runs of `cva fit` and `cva predict`.
struct ModelCommandTests {
    typealias CLI = CommandLineTests

    @Test func fitAndPredictOnGeneratedData() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try GeneratedDataSet.transactions3000Seed9.path

        let fit = try CLI.run(["fit", data, "--format", "json", "--save", folder.appendingPathComponent("m.json").path])
        #expect(fit.status == 0, "\(fit.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(fit.stdout.utf8)) as? [String: Any])
        for key in ["model", "parameters", "standard_errors", "log_likelihood", "aic", "bic", "customers", "converged", "iterations"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        let parameters = try #require(json["parameters"] as? [String: Double])
        #expect(Set(parameters.keys) == ["r", "alpha", "a", "b"])
        #expect(json["customers"] as? Int == 3000)

        let predict = try CLI.run(["predict", data, "--model-file", folder.appendingPathComponent("m.json").path,
                                   "--spend-model", "gg", "--format", "csv", "--horizon", "26"])
        #expect(predict.status == 0, "\(predict.stderr)")
        let lines = predict.stdout.split(separator: "\n")
        #expect(lines.first == "customer_id,p_alive,expected_purchases,expected_spend,clv,next_purchase_date")
        #expect(lines.count == 3001)
        // Every number is finite: no NaN anywhere.
        #expect(!predict.stdout.contains("nan") && !predict.stdout.contains("inf"))
    }

    @Test func summaryInputErrorsNameTheLine() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("summary.csv")
        try "customer_id,frequency,recency,T\nA,2,10,20\nB,1,30,20\n".write(to: file, atomically: true, encoding: .utf8)
        let run = try CLI.run(["fit", file.path, "--format", "json"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("line 3") && run.stderr.contains("greater than T"), "\(run.stderr)")
        try "customer_id,frequency,recency,T\nA,2,ten,20\n".write(to: file, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["fit", file.path, "--format", "json"])
        #expect(bad.status != 0 && bad.stderr.contains("line 2, column recency"), "\(bad.stderr)")
    }

    /// Pareto/NBD end to end: fit, save, predict from the saved file; every prediction a number
    /// and P(alive) in [0, 1].
    @Test func paretoNBDFitAndPredict() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try GeneratedDataSet.transactions1500Seed5.path
        let saved = folder.appendingPathComponent("pnbd.json").path
        let fit = try CLI.run(["fit", data, "--model", "pnbd", "--format", "json", "--save", saved])
        #expect(fit.status == 0, "\(fit.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(fit.stdout.utf8)) as? [String: Any])
        #expect(json["model"] as? String == "pnbd")
        let parameters = try #require(json["parameters"] as? [String: Double])
        #expect(Set(parameters.keys) == ["r", "alpha", "s", "beta"])
        #expect(parameters.values.allSatisfy { $0 > 0 && $0.isFinite })

        let predict = try CLI.run(["predict", data, "--model-file", saved, "--format", "csv", "--horizon", "26"])
        #expect(predict.status == 0, "\(predict.stderr)")
        let lines = predict.stdout.split(separator: "\n")
        #expect(lines.first == "customer_id,p_alive,expected_purchases,next_purchase_date")
        #expect(lines.count == 1501)
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            let alive = try #require(Double(cells[1]))
            let expected = try #require(Double(cells[2]))
            #expect(alive >= 0 && alive <= 1 && expected >= 0, "\(line)")
        }
    }

    /// next_purchase_date is the day by which P(alive) × P(purchase by then | alive) reaches 50%:
    /// empty whenever p_alive ≤ 0.5 (the probability stays below p_alive), for every model; for
    /// bgnbd and mbgnbd a date whenever p_alive > 0.5 (their probability if alive tends to 1).
    /// Generated data (the known truths are in the library's NextPurchaseProbabilityTests).
    @Test(arguments: ["bgnbd", "mbgnbd", "pnbd"])
    func nextPurchaseDateOnlyForLikelyBuyers(model: String) throws {
        let data = try GeneratedDataSet.transactions1500Seed5.path
        let predict = try CLI.run(["predict", data, "--model", model, "--format", "csv"])
        #expect(predict.status == 0, "\(predict.stderr)")
        let lines = predict.stdout.split(separator: "\n")
        #expect(lines.first == "customer_id,p_alive,expected_purchases,next_purchase_date")
        var (dated, gone) = (0, 0)
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            let alive = try #require(Double(cells[1]))
            if alive <= 0.5 {
                gone += 1
                #expect(cells[3].isEmpty, "\(line)")
            } else if model != "pnbd" {
                #expect(!cells[3].isEmpty, "\(line)")
            }
            if !cells[3].isEmpty { dated += 1 }
        }
        #expect(dated > 0 && gone > 0, "dated \(dated), gone \(gone)")
    }

    /// yyyy-MM-dd in UTC.
    static var isoDay: DateFormatter {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter
    }

    /// A summary CSV has no dates: with --observation-end the next purchase dates count from
    /// that day, the same as from the transactions the summary was made of (whose observation
    /// end is their last day) but for the recency and T the summary rounds to 8 decimals, which
    /// may move a date by a day; without it the column is empty and standard error says why, once.
    @Test(arguments: ["bgnbd", "pnbd"])
    func summaryInputDatesCountFromTheObservationEnd(model: String) throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try GeneratedDataSet.transactions1500Seed5.path
        let summary = folder.appendingPathComponent("summary.csv").path
        #expect(try CLI.run(["summary", data, "--unit", "week", "--format", "csv", "--out", summary]).status == 0)
        // The observation end of the transactions: their last day, the latest last_purchase.
        let rows = try String(contentsOfFile: summary, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let lastPurchase = try #require(rows.first?.firstIndex(of: "last_purchase"))
        let end = try #require(rows.dropFirst().map { String($0[lastPurchase]) }.max())
        let saved = folder.appendingPathComponent("m.json").path
        #expect(try CLI.run(["fit", data, "--model", model, "--format", "json", "--save", saved]).status == 0)
        let fromTransactions = try CLI.run(["predict", data, "--model-file", saved, "--format", "csv"])
        let dated = try CLI.run(["predict", summary, "--model-file", saved, "--format", "csv", "--observation-end", end])
        let undated = try CLI.run(["predict", summary, "--model-file", saved, "--format", "csv"])
        for run in [fromTransactions, dated, undated] { #expect(run.status == 0, "\(run.stderr)") }
        func dates(_ run: CommandLineTests.Run) -> [String: String] {
            var byCustomer: [String: String] = [:]
            for line in run.stdout.split(separator: "\n").dropFirst() {
                let cells = line.split(separator: ",", omittingEmptySubsequences: false)
                byCustomer[String(cells[0])] = String(cells[cells.count - 1])
            }
            return byCustomer
        }
        let expected = dates(fromTransactions), got = dates(dated), empty = dates(undated)
        #expect(got.count == 1500 && expected.count == 1500 && empty.count == 1500)
        #expect(expected.values.contains { !$0.isEmpty })
        for (customer, day) in expected {
            let other = got[customer] ?? "missing"
            if day.isEmpty || other.isEmpty {
                #expect(day == other, "\(customer): \(day) vs \(other)")
            } else {
                let a = try #require(Self.isoDay.date(from: day)), b = try #require(Self.isoDay.date(from: other))
                #expect(abs(a.timeIntervalSince(b)) <= 86_400, "\(customer): \(day) vs \(other)")
                #expect(other > end, "\(customer): \(other) not after \(end)")
            }
        }
        #expect(empty.values.allSatisfy { $0.isEmpty })
        #expect(dated.stderr.isEmpty || !dated.stderr.contains("next_purchase_date"), "\(dated.stderr)")
        #expect(undated.stderr.components(separatedBy: "next_purchase_date is empty").count == 2, "\(undated.stderr)")
        #expect(undated.stderr.contains("--observation-end"))
        let bad = try CLI.run(["predict", summary, "--model-file", saved, "--format", "csv", "--observation-end", "2024-13-40"])
        #expect(bad.status != 0 && bad.stderr.contains("--observation-end 2024-13-40"), "\(bad.stderr)")
    }

    /// Heavy buyers (frequency 500, recency within a day of T, where (α+T)^−(r+x) underflows)
    /// among 400 ordinary customers of a summary CSV: `cva predict` fits each purchase model
    /// and Gamma-Gamma, and every p_alive (in [0, 1]), expected purchase count, spend and CLV is
    /// a finite number; the heavy buyers, alive and buying every few hours, get a date within a
    /// week of the observation end (every model).
    @Test(arguments: ["bgnbd", "mbgnbd", "pnbd"])
    func heavyBuyersGetFinitePredictions(model: String) throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var csv = "customer_id,frequency,recency,T,monetary_value\n"
        for i in 0..<400 {
            let x = i % 7, age = 20 + Double(i % 50)
            let recency = x == 0 ? 0 : age * Double(1 + i % 9) / 10
            csv += "C\(i),\(x),\(recency),\(age),\(x == 0 ? 0 : 10 + i % 40)\n"
        }
        for k in 0..<5 { csv += "H\(k),500,\(52 - 0.02 * Double(k)),52,\(20 + k)\n" }
        let summary = folder.appendingPathComponent("summary.csv")
        try csv.write(to: summary, atomically: true, encoding: .utf8)
        let run = try CLI.run(["predict", summary.path, "--model", model, "--spend-model", "gg", "--format", "csv",
                               "--observation-end", "2025-01-01"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.first == "customer_id,p_alive,expected_purchases,expected_spend,clv,next_purchase_date")
        #expect(lines.count == 406)
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let numbers = cells[1...4].compactMap(Double.init)
            #expect(numbers.count == 4 && numbers.allSatisfy { $0.isFinite }, "\(line)")
            #expect((0...1).contains(numbers.first ?? -1), "\(line)")
            if cells[0].hasPrefix("H") {
                #expect(numbers[0] > 0.9 && numbers[1] > 100, "\(line)")
                // Pareto/NBD's fit on these data runs to the boundary (s, β → ∞): its date integral
                // (in v = 1 − (A/(A+w))^a, an integrand in [0, 1]) still gives one.
                #expect(cells[5] >= "2025-01-02" && cells[5] <= "2025-01-08", "\(line)")
            }
        }
    }

    /// BG/BB end to end on the donation data of Fader, Hardie & Shang (2010), one row per
    /// history with a count: the published estimates (α 1.204, β 0.750, γ 0.657, δ 2.783).
    @Test func bgbbFitsTheDonationSummary() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("donations.csv")
        let rows = [(6, 6, 1203), (5, 6, 728), (4, 6, 512), (3, 6, 357), (2, 6, 234), (1, 6, 129), (5, 5, 335), (4, 5, 284),
                    (3, 5, 225), (2, 5, 173), (1, 5, 119), (4, 4, 240), (3, 4, 181), (2, 4, 155), (1, 4, 78), (3, 3, 322),
                    (2, 3, 255), (1, 3, 129), (2, 2, 613), (1, 2, 277), (1, 1, 1091), (0, 0, 3464)]
        try ("frequency,recency,n,count\n" + rows.map { "\($0.0),\($0.1),6,\($0.2)\n" }.joined())
            .write(to: file, atomically: true, encoding: .utf8)
        let run = try CLI.run(["fit", file.path, "--model", "bgbb", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let parameters = try #require(json["parameters"] as? [String: Double])
        for (name, value) in ["alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783] {
            #expect(abs((parameters[name] ?? 0) - value) < 1e-3, "\(name) \(parameters[name] ?? 0)")
        }
        #expect(json["customers"] as? Int == 11_104)
        // The table lists the histories with their predictions; 6 of 6 (1,203 donors): P(alive in
        // 2002) 0.9304 and 3.75 expected donations in the next five years at the published
        // estimates (mpmath, BGBBTests), 4.39 over the next six opportunities shown here.
        let table = try CLI.run(["fit", file.path, "--model", "bgbb", "--format", "table"])
        #expect(table.status == 0 && table.stdout.contains("P(alive at n+1)"), "\(table.stderr)")
        #expect(table.stdout.contains("        6        6   6       1203           0.9304"), "\(table.stdout)")
        // Predictions per history: the same two numbers over the next five opportunities.
        let predict = try CLI.run(["predict", file.path, "--model", "bgbb", "--horizon", "5", "--format", "csv"])
        #expect(predict.status == 0, "\(predict.stderr)")
        let lines = predict.stdout.split(separator: "\n")
        #expect(lines.first == "frequency,recency,n,customers,p_alive,expected_purchases" && lines.count == 23)
        let top = try #require(lines.first { $0.hasPrefix("6,6,6,1203,") }).split(separator: ",").compactMap { Double($0) }
        #expect(abs(top[4] - 0.9304) < 0.001 && abs(top[5] - 3.75) < 0.01, "\(top)")
        // A history that cannot happen names its line.
        try "frequency,recency,n\n2,2,6\n3,2,6\n".write(to: file, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["fit", file.path, "--model", "bgbb"])
        #expect(bad.status != 0 && bad.stderr.contains("line 3"), "\(bad.stderr)")
    }

    @Test func modelsThatNeedOtherDataAreRefusedClearly() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("summary.csv")
        try "customer_id,frequency,recency,T\nA,2,10,20\n".write(to: file, atomically: true, encoding: .utf8)
        let run = try CLI.run(["predict", file.path, "--model", "bgbb"])
        #expect(run.status != 0 && run.stderr.contains("bgbb is a discrete-time model"), "\(run.stderr)")
        let sbg = try CLI.run(["predict", file.path, "--model", "sbg"])
        #expect(sbg.status != 0 && sbg.stderr.contains("sbg is a cohort retention model"), "\(sbg.stderr)")
    }
}

extension ModelCommandTests {
    @Test func validateComparesModelsOnTheHoldout() throws {
        let data = try GeneratedDataSet.transactions2000Seed4.path
        let run = try CLI.run(["validate", data, "--calibration-end", "2024-12-31", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let models = try #require(json["models"] as? [[String: Any]])
        #expect(models.compactMap { ($0["fit"] as? [String: Any])?["model"] as? String } == ["bgnbd", "mbgnbd", "pnbd"])
        let holdout = try #require(models.first?["holdout"] as? [String: Any])
        for key in ["bins", "mae", "rmse", "total_actual", "total_predicted", "percent_error_total"] { #expect(holdout[key] != nil, "\(key)") }
        // Tracking for every model: weekly periods whose actual counts add up to the last
        // cumulative count, the same actual counts whatever the model, and an expected total within
        // 15% of the actual for each (the generator simulates the BG/NBD; MBG/NBD and Pareto/NBD
        // fit it closely).
        var actualByModel: [[Int]] = []
        for model in models {
            let tracking = try #require(model["tracking"] as? [String: Any])
            let periods = try #require(tracking["periods"] as? [[String: Any]])
            let weekly = periods.compactMap { $0["actual"] as? Int }
            #expect(weekly.count == periods.count && periods.count > 50)
            #expect(periods.last?["cumulative_actual"] as? Int == weekly.reduce(0, +))
            #expect(periods.contains { $0["holdout"] as? Bool == true } && periods.contains { $0["holdout"] as? Bool == false })
            let expected = try #require(periods.last?["cumulative_expected"] as? Double)
            let actual = Double(weekly.reduce(0, +))
            #expect(abs(expected - actual) < 0.15 * actual, "\(expected) vs \(actual)")
            actualByModel.append(weekly)
        }
        #expect(actualByModel.count == 3 && Set(actualByModel).count == 1)
        // The calibration histogram: the counts add up to the customers, expected and actual alike.
        let fit = try CLI.run(["fit", data, "--purchase-distribution", "5", "--format", "json"])
        #expect(fit.status == 0, "\(fit.stderr)")
        let fitJSON = try #require(try JSONSerialization.jsonObject(with: Data(fit.stdout.utf8)) as? [String: Any])
        let rows = try #require(fitJSON["purchase_distribution"] as? [[String: Any]])
        #expect(rows.compactMap { $0["repeat_purchases"] as? String } == ["0", "1", "2", "3", "4", "5+"])
        let customers = try #require(fitJSON["customers"] as? Int)
        #expect(rows.compactMap { $0["actual"] as? Double }.reduce(0, +) == Double(customers))
        #expect(abs(rows.compactMap { $0["expected"] as? Double }.reduce(0, +) - Double(customers)) < 1e-6)
        // MBG/NBD has P(X(t) = n) too: its expected counts add up to the customers as well.
        let mbg = try CLI.run(["fit", data, "--model", "mbgnbd", "--purchase-distribution", "5", "--format", "json"])
        #expect(mbg.status == 0, "\(mbg.stderr)")
        let mbgJSON = try #require(try JSONSerialization.jsonObject(with: Data(mbg.stdout.utf8)) as? [String: Any])
        let mbgRows = try #require(mbgJSON["purchase_distribution"] as? [[String: Any]])
        #expect(mbgRows.compactMap { $0["actual"] as? Double } == rows.compactMap { $0["actual"] as? Double })
        #expect(abs(mbgRows.compactMap { $0["expected"] as? Double }.reduce(0, +) - Double(customers)) < 1e-6)
        let gg = try CLI.run(["fit", data, "--model", "gg", "--purchase-distribution", "5"])
        #expect(gg.status != 0 && gg.stderr.contains("bgnbd, mbgnbd and pnbd"))
        let bad = try CLI.run(["validate", data, "--calibration-end", "2030-01-01"])
        #expect(bad.status != 0 && bad.stderr.contains("calibration end"))
    }
}

/// BG/BB from transactions: `cva fit|predict|validate --model(s) bgbb --period ...`.
extension ModelCommandTests {
    @Test func bgbbFromTransactions() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try GeneratedDataSet.transactions2000Seed4.path
        let saved = folder.appendingPathComponent("bgbb.json").path
        let fit = try CLI.run(["fit", data, "--model", "bgbb", "--period", "month", "--format", "json", "--save", saved])
        #expect(fit.status == 0, "\(fit.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(fit.stdout.utf8)) as? [String: Any])
        let parameters = try #require(json["parameters"] as? [String: Double])
        #expect(Set(parameters.keys) == ["alpha", "beta", "gamma", "delta"])
        let (alpha, beta, gamma, delta) = (try #require(parameters["alpha"]), try #require(parameters["beta"]),
                                           try #require(parameters["gamma"]), try #require(parameters["delta"]))

        // Predictions per customer from the saved monthly fit, on a hand-built log observed to 31 May
        // 2024: A first buys in January, again twice in March (one opportunity), so x 1, t_x 2, n 4
        // (February–May); B first buys in May, the last month: n = 0, the prior. B's P(alive at its
        // first opportunity) is E[1 − θ] = δ/(γ+δ), and its expected purchases in one opportunity
        // E[1 − θ] E[p] = δ/(γ+δ) · α/(α+β) (θ ~ Beta(γ, δ), p ~ Beta(α, β), independent).
        let log = folder.appendingPathComponent("log.csv")
        try "customer_id,date,amount\nA,2024-01-15,5\nA,2024-03-02,5\nA,2024-03-20,5\nB,2024-05-10,5\n"
            .write(to: log, atomically: true, encoding: .utf8)
        let predict = try CLI.run(["predict", log.path, "--model-file", saved, "--horizon", "1", "--observation-end", "2024-05-31",
                                   "--format", "csv"])
        #expect(predict.status == 0, "\(predict.stderr)")
        let lines = predict.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "customer_id,frequency,recency,n,p_alive,expected_purchases" && lines.count == 3, "\(predict.stdout)")
        #expect(lines.contains { $0.hasPrefix("A,1,2,4,") })
        // The numbers after the id: frequency, recency, n, p_alive, expected_purchases.
        let b = try #require(lines.first { $0.hasPrefix("B,0,0,0,") }).split(separator: ",").dropFirst().compactMap { Double($0) }
        try #require(b.count == 5)
        #expect(abs(b[3] - delta / (gamma + delta)) < 1e-8, "\(b)")
        #expect(abs(b[4] - delta / (gamma + delta) * alpha / (alpha + beta)) < 1e-8, "\(b)")
        // A different period than the model file's is refused.
        let mismatch = try CLI.run(["predict", log.path, "--model-file", saved, "--period", "year"])
        #expect(mismatch.status != 0 && mismatch.stderr.contains("fitted on months"), "\(mismatch.stderr)")

        // Holdout validation in months: January–May 2025 at most, the periods complete by the
        // observation end; holdout purchases counted per opportunity.
        let validate = try CLI.run(["validate", data, "--models", "bgbb", "--period", "month", "--calibration-end", "2024-12-31",
                                    "--format", "json"])
        #expect(validate.status == 0, "\(validate.stderr)")
        let v = try #require(try JSONSerialization.jsonObject(with: Data(validate.stdout.utf8)) as? [String: Any])
        #expect(v["unit"] as? String == "month" && v["calibration_end"] as? String == "2024-12-31")
        let length = try #require(v["holdout_length"] as? Double)
        #expect(length >= 1 && length <= 6)
        let model = try #require((v["models"] as? [[String: Any]])?.first)
        #expect((model["fit"] as? [String: Any])?["model"] as? String == "bgbb")
        // Tracking by calendar month: the actual counts add up to the last cumulative count.
        let tracking = try #require(model["tracking"] as? [String: Any])
        #expect(tracking["period"] as? String == "month")
        let periods = try #require(tracking["periods"] as? [[String: Any]])
        #expect(periods.last?["cumulative_actual"] as? Int == periods.compactMap { $0["actual"] as? Int }.reduce(0, +))
        #expect(periods.filter { $0["holdout"] as? Bool == true }.count == Int(length))
        let holdout = try #require(model["holdout"] as? [String: Any])
        let (actual, predicted) = (try #require(holdout["total_actual"] as? Double), try #require(holdout["total_predicted"] as? Double))
        // The generator's customers are not BG/BB customers, so only a loose agreement: within 35%.
        #expect(actual > 100 && abs(predicted - actual) < 0.35 * actual, "\(predicted) vs \(actual)")
    }

    @Test func bgbbFromTransactionsRefusesBadInputClearly() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("log.csv")
        try "customer_id,date,amount\nA,2024-01-15,5\nA,2024-03-02,5\nB,2024-05-10,5\n".write(to: log, atomically: true, encoding: .utf8)
        let unknown = try CLI.run(["fit", log.path, "--model", "bgbb", "--period", "fortnight"])
        #expect(unknown.status != 0 && unknown.stderr.contains("fortnight") && unknown.stderr.contains("--period"), "\(unknown.stderr)")
        #expect(!unknown.stderr.contains("Fatal error"))
        let single = try CLI.run(["fit", log.path, "--model", "bgbb", "--observation-end", "2024-12-31"])
        #expect(single.status != 0 && single.stderr.contains("single complete year (2024)"), "\(single.stderr)")
        #expect(!single.stderr.contains("Fatal error"))
        let mixed = try CLI.run(["validate", log.path, "--models", "bgbb,bgnbd", "--calibration-end", "2024-02-01"])
        #expect(mixed.status != 0 && mixed.stderr.contains("runs alone"), "\(mixed.stderr)")
    }
}
