import Foundation
import Testing

/// Defects found by feeding `cva` messy input and out-of-range options: each test is the input
/// that once crashed, hung or printed a wrong number, and the behaviour that replaced it.
struct BadInputTests {
    typealias CLI = CommandLineTests

    /// A run that ended with a trap prints "Fatal error" and dies on signal 4 (status 132).
    static func expectNoCrash(_ run: CLI.Run, _ comment: Comment? = nil) {
        #expect(run.status < 128, comment)
        #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("crashed"), comment)
    }

    /// A refusal: non-zero exit, nothing on stdout, and stderr naming each of `phrases`.
    static func expectRefused(_ run: CLI.Run, naming phrases: [String], _ comment: Comment? = nil) {
        expectNoCrash(run, comment)
        #expect(run.status != 0, comment)
        #expect(run.stdout.isEmpty, "\(run.stdout)")
        for phrase in phrases { #expect(run.stderr.contains(phrase), "\(run.stderr)") }
    }

    /// `cva summary FOLDER --format csv` with a quarantine file in the folder (expected to
    /// succeed): the run and the quarantined rows.
    static func summaryWithQuarantine(_ folder: URL) throws -> (run: CLI.Run, quarantined: String) {
        let quarantine = folder.appendingPathComponent("q.csv").path
        let run = try CLI.run(["summary", folder.path, "--format", "csv", "--quarantine", quarantine])
        #expect(run.status == 0, "\(run.stderr)")
        return (run, try String(contentsOfFile: quarantine, encoding: .utf8))
    }

    /// `--window-days 9999999999999` (more days than an Int32 day count holds) once trapped in
    /// the summary; a window longer than the data now covers every purchase.
    @Test(arguments: ["summary", "rfm", "cluster"])
    func aHugeWindowCoversTheWholeHistory(command: String) throws {
        let folder = try CLI.folder(with: ["transactions.csv": CLI.transactions])
        defer { try? FileManager.default.removeItem(at: folder) }
        var arguments = [command, folder.path, "--window-days", "9999999999999", "--format", "csv"]
        if command == "cluster" { arguments += ["--k", "2"] }
        let run = try CLI.run(arguments)
        Self.expectNoCrash(run, "\(command)")
        #expect(run.status == 0, "\(command): \(run.stderr)")
        if command == "summary" {
            // A's three orders (60 in all) all fall in the window (see CommandLineTests.transactions).
            #expect(run.stdout.contains("A,2024-01-01,2024-01-31,3,60,20,2,30,30,25,0,3,60"))
        }
    }

    /// `cva kpis --churn-days 9999999999999` and `cva next --holdout-days 9999999999999` once
    /// trapped converting the days to a day count (Int32); both are now refused with the range.
    @Test(arguments: [["kpis", "--churn-days"], ["next", "--holdout-days"]])
    func aSpanOfDaysBeyondACenturyIsRefused(option: [String]) throws {
        let folder = try CLI.folder(with: ["transactions.csv": CLI.transactions])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run([option[0], folder.path, option[1], "9999999999999", "--format", "csv"])
        Self.expectRefused(run, naming: ["9999999999999", "36525"], "\(option)")
    }

    /// Amounts such as 1e308 once passed the parser; two of them summed to infinity, so
    /// `cva summary` printed `inf`, `--format json` null, and `cva profile --format json` ended with
    /// "EncodingError.invalidValue: inf". An amount beyond ±1e15 is now set aside with its line
    /// and column.
    @Test func anAmountBeyondAnyPriceIsSetAsideNotSummedToInfinity() throws {
        let text = """
            customer_id,date,amount
            A,2024-01-01,1e308
            A,2024-02-01,1e308
            A,2024-03-01,10
            B,2024-01-01,1
            B,2024-01-10,2

            """
        let folder = try CLI.folder(with: ["transactions.csv": text])
        defer { try? FileManager.default.removeItem(at: folder) }
        let (run, rows) = try Self.summaryWithQuarantine(folder)
        #expect(!run.stdout.contains("inf"))
        // A keeps only its 10 on 2024-03-01: one order, no repeat.
        #expect(run.stdout.contains("\nA,2024-03-01,2024-03-01,1,10,10,0,0,0,0,0,1,10\n"), "\(run.stdout)")
        #expect(rows.contains("transactions.csv,2,amount,"), "\(rows)")
        #expect(rows.contains("transactions.csv,3,amount,"), "\(rows)")
        let profile = try CLI.run(["profile", folder.path, "--format", "json"], in: folder)   // its cva-quarantine.csv goes there
        #expect(profile.status == 0, "\(profile.stderr)")
        #expect(!profile.stderr.contains("EncodingError"))
    }

    /// A row dated 0001-01-01 (a year typed as 0001) was accepted: every customer's age grew by
    /// two thousand years and `cva cohorts` / `cva kpis` ran for minutes over 24,000 empty months.
    /// Dates before 1900 are now set aside with their line and column, as dates after today are.
    @Test func aDateBefore1900IsSetAside() throws {
        let text = """
            customer_id,date,amount
            A,0001-01-01,5
            A,2024-01-01,10
            A,2024-02-01,20

            """
        let folder = try CLI.folder(with: ["transactions.csv": text])
        defer { try? FileManager.default.removeItem(at: folder) }
        let (run, rows) = try Self.summaryWithQuarantine(folder)
        // A: 2024-01-01 and 2024-02-01 (31 days apart), observation end 2024-02-01.
        #expect(run.stdout.contains("\nA,2024-01-01,2024-02-01,2,30,15,1,31,31,20,0,2,30\n"), "\(run.stdout)")
        #expect(rows.contains("transactions.csv,2,date,"), "\(rows)")
        let cohorts = try CLI.run(["cohorts", folder.path, "--format", "csv"])
        #expect(cohorts.status == 0)
        #expect(cohorts.stdout.split(separator: "\n").dropFirst().allSatisfy { $0.hasPrefix("2024-") })
    }

    /// A wrong `--date-format` (day-first on ISO dates) set every row aside and exited 0 with an
    /// empty table and only the count of rows set aside: the run now stops (see
    /// aDateFormatThatReadsNoDateIsRefused). A file where only some dates fail, with or without
    /// a format, has them set aside and counted, with no hint at the format.
    @Test func everyDateUnreadableHintsAtTheDateFormat() throws {
        let text = """
            customer_id,date,amount
            A,2024-01-01,10
            B,2024-02-01,20

            """
        let folder = try CLI.folder(with: ["transactions.csv": text])
        defer { try? FileManager.default.removeItem(at: folder) }
        let wrong = try CLI.run(["summary", folder.path, "--format", "csv", "--date-format", "dd/MM/yyyy"])
        Self.expectRefused(wrong, naming: ["2024-01-01 reads as yyyy-MM-dd"])
        let right = try CLI.run(["summary", folder.path, "--format", "csv"])
        #expect(right.status == 0)
        #expect(!right.stderr.contains("check --date-format"), "\(right.stderr)")
        let some = try CLI.folder(with: ["transactions.csv": text + "C,not a date,5\n"])
        defer { try? FileManager.default.removeItem(at: some) }
        let partly = try CLI.run(["summary", some.path, "--format", "csv"])
        #expect(partly.stderr.contains("1 of 3 rows set aside"), "\(partly.stderr)")
        #expect(!partly.stderr.contains("check --date-format"), "\(partly.stderr)")
        // With a format that reads two of the three dates: "not a date" set aside, exit 0.
        let given = try CLI.run(["summary", some.path, "--format", "csv", "--date-format", "yyyy-MM-dd"])
        #expect(given.status == 0, "\(given.stderr)")
        #expect(given.stderr.contains("1 of 3 rows set aside (1 unparseable date)"), "\(given.stderr)")
    }

    /// The note on customers left without purchases by returns said "1 customers have".
    @Test func oneCustomerLeftByReturnsIsSingular() throws {
        let text = """
            customer_id,date,amount
            A,2024-01-01,10
            A,2024-01-01,-10
            B,2024-02-01,20

            """
        let folder = try CLI.folder(with: ["transactions.csv": text])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run(["summary", folder.path, "--format", "csv"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("1 customer has no purchase left once returns are netted"), "\(run.stderr)")
    }

    /// `cva satisfaction FILE --format csv` without `--by` printed the header and no row: the
    /// overall scores were nowhere on stdout. It now prints them as the group `all`.
    @Test func satisfactionCSVWithoutGroupingsCarriesTheOverallScores() throws {
        let text = """
            customer_id,date,nps,csat
            A,2024-03-05,9,5
            B,2024-03-06,3,2

            """
        let folder = try CLI.folder(with: ["surveys.csv": text])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run(["satisfaction", folder.appendingPathComponent("surveys.csv").path, "--format", "csv"])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(run.stdout)")
        // One promoter (9) and one detractor (3) of 2: NPS 50 − 50 = 0; margin 1.96 · 100 ·
        // √((0.5 + 0.5 − 0²)/2) = 138.59...; CSAT: one of two answers is 4–5 → 50, mean 3.5.
        #expect(lines.last?.hasPrefix("all,all,2,true,0,138.59") == true, "\(run.stdout)")
        #expect(lines.last?.hasSuffix(",1,0,1,50,3.5,2,,,0") == true, "\(run.stdout)")
    }

    /// `--format csv` was accepted by commands that have no CSV output (`--help` listed it among
    /// the values) and silently printed a table (weights) or JSON (fit, validate, churn-train):
    /// a script reading CSV got neither. The value is now refused before any work.
    @Test(arguments: [["weights", "ahp"], ["weights", "entropy"], ["fit"], ["validate", "--calibration-end", "2024-01-15"], ["churn-train"]])
    func aCommandWithoutCSVOutputRefusesFormatCSV(command: [String]) throws {
        let folder = try CLI.folder(with: ["transactions.csv": CLI.transactions])
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("transactions.csv").path
        let run = try CLI.run(command + [file, "--format", "csv"])
        Self.expectRefused(run, naming: ["'csv' is invalid for '--format"], "\(command)")
    }

    /// Transactions with a header and no usable row: `cva lifecycle --format json` printed
    /// `"as_of": "1970-01-01"` and `cva analyze` "churn alerts: 0 customers at 1970-01-01", a date
    /// that is in no file (the empty history's placeholder). Lifecycle stages now need a purchase,
    /// as cohorts do, and analyze says the alerts were not computed.
    @Test func anEmptyHistoryShowsNoMadeUpDate() throws {
        let folder = try CLI.folder(with: ["transactions.csv": "customer_id,date,amount\n,2024-01-01,5\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let lifecycle = try CLI.run(["lifecycle", folder.path, "--format", "json"])
        Self.expectRefused(lifecycle, naming: ["no purchases"])
        let analyze = try CLI.run(["analyze", folder.path, "--out", folder.appendingPathComponent("out").path])
        Self.expectNoCrash(analyze)
        #expect(analyze.status == 0)
        #expect(!analyze.stdout.contains("1970"), "\(analyze.stdout)")
        #expect(analyze.stdout.contains("churn alerts: not computed (no purchases"), "\(analyze.stdout)")
    }

    /// `cva profile` of a folder without any data set file printed an empty report (the CSV
    /// header only) and exited 0, as if every file were fine; it now says the folder has none.
    @Test func profileOfAFolderWithoutDataSetFilesIsAnError() throws {
        let folder = try CLI.folder(with: ["notes.txt": "hello\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run(["profile", folder.path, "--format", "csv"])
        Self.expectRefused(run, naming: ["no data set file", "transactions.csv"])
    }

    /// `cva rfm --with-model --clv-months 9999999999999` ran for hours (the CLV sums one term per
    /// month for every customer; 100000 months already took over 100 s); a horizon beyond a
    /// century (1200 months) is now refused, by every command that takes it.
    @Test(arguments: [["rfm", "--with-model"], ["predict"]])
    func aCLVHorizonBeyondACenturyIsRefused(command: [String]) throws {
        let folder = try CLI.folder(with: ["transactions.csv": CLI.transactions])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run(command + [folder.path, "--clv-months", "9999999999999", "--format", "csv"])
        Self.expectRefused(run, naming: ["--clv-months 9999999999999", "1200"], "\(command)")
    }

    /// `cva cluster --k-max 1000000` tried every k below the number of customers (2000 k-means
    /// runs with silhouettes on 2000 customers: no end in a minute) and `--restarts 9999999999999`
    /// ran for ever; both are now bounded (k-max 100, restarts 1000) with the range in the message.
    @Test(arguments: [["--k-max", "1000000", "100"], ["--restarts", "9999999999999", "1000"]])
    func clusterRefusesEndlessSearches(option: [String]) throws {
        let folder = try CLI.folder(with: ["transactions.csv": CLI.transactions])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run(["cluster", folder.path, option[0], option[1], "--format", "csv"])
        Self.expectRefused(run, naming: ["\(option[0]) \(option[1])", option[2]], "\(option)")
    }

    /// `cva fit --purchase-distribution 1000000000 --save M.json` fitted the model and wrote the
    /// file before refusing the option; the option is now checked before any work.
    @Test func fitChecksThePurchaseDistributionBeforeFitting() throws {
        let folder = try CLI.folder(with: ["transactions.csv": CLI.transactions])
        defer { try? FileManager.default.removeItem(at: folder) }
        let saved = folder.appendingPathComponent("model.json")
        let run = try CLI.run(["fit", folder.path, "--purchase-distribution", "1000000000", "--save", saved.path, "--format", "json"])
        Self.expectRefused(run, naming: ["--purchase-distribution must be from 1 to 1000"])
        #expect(!run.stderr.contains("fitted"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: saved.path))
    }

    /// A Chinese CRM export names its comment column 评价 (review): `cva feedback surveys.csv`
    /// stopped with "no text column" although every other column was recognised.
    @Test func aChineseReviewColumnIsTheSurveyComment() throws {
        let text = """
            客户编号,日期,推荐意愿,满意度,评价
            A,2024年3月5日,9,5,服务很好
            B,2024年3月6日,3,2,太慢了，很失望

            """
        let folder = try CLI.folder(with: ["surveys.csv": text])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run(["feedback", folder.appendingPathComponent("surveys.csv").path, "--format", "csv"])
        #expect(run.status == 0, "\(run.stderr)")
        // Both comments are tagged (the lexicon's service and waiting themes; see
        // FeedbackLexicon's built-in words 服务 and 慢).
        #expect(run.stdout.contains("surveys,2,A,service,"), "\(run.stdout)")
        #expect(run.stdout.contains("surveys,3,B,waiting,"), "\(run.stdout)")
    }

    /// `cva funnel` on `opportunities` (expected to succeed): the run and its quarantine file.
    static func funnel(opportunities: String, format: String) throws -> (run: CLI.Run, quarantined: String) {
        let folder = try CLI.folder(with: ["opportunities.csv": opportunities])
        defer { try? FileManager.default.removeItem(at: folder) }
        let quarantine = folder.appendingPathComponent("q.csv").path
        let run = try CLI.run(["funnel", folder.appendingPathComponent("opportunities.csv").path, "--format", format,
                               "--quarantine", quarantine])
        #expect(run.status == 0, "\(run.stderr)")
        return (run, (try? String(contentsOfFile: quarantine, encoding: .utf8)) ?? "")
    }

    /// An opportunity amount of 1e308 was accepted: `cva funnel` printed a 309-digit pipeline and
    /// "velocity inf per day", and `--format json` ended with "EncodingError.invalidValue: inf".
    /// Opportunity amounts beyond 1e15 are now set aside as out of range, as transactions' are.
    @Test func anOpportunityAmountBeyondAnyDealIsSetAside() throws {
        let text = """
            opportunity_id,customer_id,owner,amount,stage,created_at,qualified_at,proposal_at,negotiation_at,closed_at,status
            OP1,C1,Ann,1e308,won,2024-07-06,2024-07-23,2024-08-12,2024-08-13,2024-09-23,won
            OP2,C2,Bob,100,lost,2024-09-30,2024-10-07,,,2024-10-11,lost
            OP3,C3,Bob,300,won,2024-09-01,2024-09-10,2024-09-20,2024-09-25,2024-10-01,won

            """
        let (run, rows) = try Self.funnel(opportunities: text, format: "json")
        #expect(!run.stderr.contains("EncodingError"))
        #expect(rows.contains("opportunities.csv,2,amount,"), "\(rows)")
        // OP3 is the one won deal left: average won deal 300.
        #expect(run.stdout.contains("300"), "\(run.stdout)")
    }

    /// A side file's date typed as 0001-01-01 (here an opportunity's created_at) was accepted:
    /// `cva funnel` reported 5034 days in the lead stage on average. Dates before 1900 in every
    /// file of a data set are now set aside, as in transactions.
    @Test func aSideFileDateBefore1900IsSetAside() throws {
        let text = """
            opportunity_id,customer_id,owner,amount,stage,created_at,qualified_at,proposal_at,negotiation_at,closed_at,status
            OP1,C1,Ann,200,won,0001-01-01,2024-07-23,2024-08-12,2024-08-13,2024-09-23,won
            OP2,C2,Bob,100,lost,2024-09-30,2024-10-07,,,2024-10-11,lost

            """
        let (run, rows) = try Self.funnel(opportunities: text, format: "csv")
        #expect(rows.contains("opportunities.csv,2,created_at,"), "\(rows)")
        // OP2 alone: 7 days from created_at 2024-09-30 to qualified_at 2024-10-07 in the lead stage.
        #expect(run.stdout.contains("\nlead,1,,7,7,1,"), "\(run.stdout)")
    }

    /// `cva kpis --observation-end 2999-01-01` (or `observation_end` in cva.yaml for
    /// `cva analyze`) built a table of 11,700 months, quadratic in the periods, and ran for
    /// minutes; an observation end more than a century after the last date (2024-01-31) is now refused.
    @Test(arguments: ["cohorts", "kpis"])
    func cohortsOverMoreThanACenturyAreRefused(command: String) throws {
        let folder = try CLI.folder(with: ["transactions.csv": CLI.transactions])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run([command, folder.path, "--observation-end", "2999-01-01", "--format", "csv"])
        Self.expectRefused(run, naming: ["2024-01-31", "2999-01-01", "century"], "\(command)")
    }

    /// `cva cluster --matrix` with a value of 1e308 overflowed the standardisation (the sum of
    /// squares is infinite) and stopped with "the data has only 1 distinct point", which was not
    /// the cause; the value is now refused with its line and column.
    @Test func aClusterMatrixValueTooLargeToStandardiseIsNamed() throws {
        let folder = try CLI.folder(with: ["m.csv": "a,b\n1,2\n1e308,1e308\n-1e308,3\n4,5\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run(["cluster", "--matrix", folder.appendingPathComponent("m.csv").path, "--k", "2", "--format", "csv"])
        Self.expectRefused(run, naming: ["m.csv:3, column 1", "too large"])
    }

    /// `cva value DIR --model svl --format csv` without surveys.csv printed satisfaction 0 for
    /// every customer and said nothing (the reason was only in the JSON notes); the notes now go
    /// to stderr with CSV.
    @Test func valueCSVSaysWhatIsMissing() throws {
        let folder = try CLI.folder(with: ["transactions.csv": CLI.transactions])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run(["value", folder.path, "--model", "svl", "--format", "csv"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("customer_id,satisfaction,loyalty,score\n"), "\(run.stdout)")
        #expect(run.stderr.contains("no surveys.csv"), "\(run.stderr)")
    }

    /// `cva predict` on one customer (three purchases): `cva fit` warns that the BG/NBD estimate
    /// is at the boundary (the data cannot identify the model), but `cva predict` fitted the same
    /// and printed p_alive 1 and its expectations without a word. It now warns as `cva fit` does.
    @Test func predictWarnsOfAFitThatDidNotConverge() throws {
        let text = "customer_id,date,amount\nA,2024-01-01,10\nA,2024-02-01,20\nA,2024-03-01,30\n"
        let folder = try CLI.folder(with: ["transactions.csv": text])
        defer { try? FileManager.default.removeItem(at: folder) }
        let fit = try CLI.run(["fit", folder.path, "--format", "json"])
        #expect(fit.stderr.contains("warning: the fit did not converge"), "\(fit.stderr)")
        let run = try CLI.run(["predict", folder.path, "--format", "csv"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("customer_id,p_alive,"), "\(run.stdout)")
        #expect(run.stderr.contains("warning: the fit did not converge"), "\(run.stderr)")
    }
}
