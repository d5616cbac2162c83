import Foundation
import Testing

/// The README's "Known limitations" (QA-FINDINGS.md, "Found, not fixed"), each with the input that
/// showed it and the behaviour that replaced it.
extension BadInputTests {
    /// Runs `cva` with `arguments(folder)` on a new folder holding CLI.transactions (removed after).
    static func runOnTransactions(_ arguments: (String) -> [String]) throws -> CLI.Run {
        let folder = try CLI.folder(with: ["transactions.csv": CLI.transactions])
        defer { try? FileManager.default.removeItem(at: folder) }
        return try CLI.run(arguments(folder.path))
    }

    /// Runs `command` with `option value` and with `option=value`: the argument parser once read a
    /// value such as `-0.5` as an option and ended the first with "Missing value"; both spellings
    /// must now give the same exit status, stdout and stderr.
    static func expectNegativeValueReadAfterTheOption(_ command: [String], _ option: String, _ value: String) throws {
        let spaced = try CLI.run(command + [option, value])
        let attached = try CLI.run(command + ["\(option)=\(value)"])
        expectNoCrash(spaced, "\(option) \(value)")
        #expect(!spaced.stderr.contains("Missing value"), "\(option) \(value): \(spaced.stderr)")
        #expect(spaced.status == attached.status, "\(option) \(value): \(spaced.stderr)")
        #expect(spaced.stdout == attached.stdout, "\(option) \(value)")
        #expect(spaced.stderr == attached.stderr, "\(option) \(value)")
    }

    /// `cva summary`: a negative window or outlier factor reaches the command's own check.
    @Test(arguments: [["--window-days", "-30"], ["--outlier-factor", "-1"], ["--row-budget", "-5"]])
    func summaryReadsANegativeValueAfterItsOption(option: [String]) throws {
        let folder = try CLI.folder(with: ["transactions.csv": CLI.transactions])
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.expectNegativeValueReadAfterTheOption(["summary", folder.path, "--format", "csv"], option[0], option[1])
        // The command's own refusal names the value, not a missing one.
        let run = try CLI.run(["summary", folder.path, option[0], option[1]])
        Self.expectRefused(run, naming: [option[1]])
    }

    /// `cva fit` and `cva predict`: a negative penalty and horizon are refused by the commands, a
    /// negative discount rate (−0.5 a month) is used.
    @Test(arguments: [["fit", "--penalty", "-1"], ["predict", "--horizon", "-5"], ["predict", "--discount-rate", "-0.5"]])
    func fitAndPredictReadANegativeValueAfterTheirOptions(option: [String]) throws {
        let folder = try CLI.folder(with: ["transactions.csv": CLI.transactions])
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.expectNegativeValueReadAfterTheOption([option[0], folder.path, "--format", "json"], option[1], option[2])
    }

    /// CLV options of `cva rfm --with-model` and `cva value`.
    @Test(arguments: [["rfm", "--discount-rate", "-0.5"], ["rfm", "--clv-months", "-3"], ["value", "--discount-rate", "-0.5"]])
    func clvOptionsReadANegativeValue(option: [String]) throws {
        let folder = try CLI.folder(with: ["transactions.csv": CLI.transactions])
        defer { try? FileManager.default.removeItem(at: folder) }
        var command = [option[0], folder.path, "--format", "json"]
        if option[0] == "rfm" { command.append("--with-model") }
        try Self.expectNegativeValueReadAfterTheOption(command, option[1], option[2])
    }

    /// `cva churn` and `cva churn-train`: a negative horizon, band edge or threshold.
    @Test(arguments: [["churn", "--horizon-days", "-5"], ["churn", "--bands", "-0.1,0.5"], ["churn-train", "--l2", "-1"]])
    func churnReadsANegativeValueAfterItsOptions(option: [String]) throws {
        let folder = try CLI.folder(with: ["transactions.csv": CLI.transactions,
                                           "m.csv": "a,label\n1,0\n2,1\n3,0\n4,1\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = option[0] == "churn" ? folder.path : folder.appendingPathComponent("m.csv").path
        try Self.expectNegativeValueReadAfterTheOption([option[0], input, "--format", "json"], option[1], option[2])
        let run = try CLI.run([option[0], input, "--format", "json", option[1], option[2]])
        Self.expectRefused(run, naming: [option[1]])
    }
}

extension BadInputTests {
    /// A transactions header naming `amount` twice once used the first silently; it is now
    /// refused (exit 2) naming the file, the header's line and both columns, and so is a side
    /// file's header naming `customer_id` twice, and `--amount-col` naming the doubled column.
    @Test(arguments: [
        (["transactions.csv": "customer_id,date,amount,amount\nA,2024-01-01,1,2\n"], [String](), "transactions.csv", "amount", 3, 4),
        (["transactions.csv": "customer_id,date,paid,paid\nA,2024-01-01,1,2\n"], ["--amount-col", "paid"], "transactions.csv", "amount", 3, 4),
        (["transactions.csv": "customer_id,date,amount\nA,2024-01-01,1\n",
          "customers.csv": "customer_id,region,customer_id\nA,north,A\n"], [String](), "customers.csv", "customer_id", 1, 3),
    ])
    func aRoleColumnNamedTwiceIsRefused(files: [String: String], options: [String], file: String, role: String,
                                         first: Int, second: Int) throws {
        let folder = try CLI.folder(with: files)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A side file is read on its own by `cva profile FILE` (a folder's profile lists it as unusable).
        let command = file == "customers.csv" ? ["profile", folder.appendingPathComponent(file).path] : ["summary", folder.path]
        let run = try CLI.run(command + ["--format", "csv"] + options, in: folder)
        Self.expectRefused(run, naming: [file, "line 1:", "\(role) column twice", "column \(first) and", "column \(second);"])
        #expect(run.status == 2)
    }
}

extension BadInputTests {
    /// A customer id holding a NUL byte (`A\0`) was kept, and the NUL written into the CSV
    /// output; an id holding any C0 control character but tab is now set aside with its file,
    /// line and column, and counted as an invalid customer id.
    @Test func anIdHoldingAControlCharacterIsSetAside() throws {
        let text = "customer_id,date,amount\nA,2024-01-01,10\nA\u{0},2024-01-02,20\nB\u{1B}[0m,2024-01-03,5\nB,2024-01-04,7\nC\tD,2024-01-05,1\n"
        let folder = try CLI.folder(with: ["transactions.csv": text])
        defer { try? FileManager.default.removeItem(at: folder) }
        let (run, rows) = try Self.summaryWithQuarantine(folder)
        for control in ["\u{0}", "\u{1B}"] { #expect(!run.stdout.contains(control) && !run.stderr.contains(control)) }
        // A keeps its one row of 10 (line 2), B its row of 7 (line 5); "C\tD" (a tab inside) is an id.
        #expect(run.stdout.contains("\nA,2024-01-01,2024-01-01,1,10,"), "\(run.stdout)")
        #expect(run.stdout.contains("\nB,2024-01-04,2024-01-04,1,7,"), "\(run.stdout)")
        #expect(run.stdout.contains("\n\"C\tD\",") || run.stdout.contains("\nC\tD,"), "\(run.stdout)")
        #expect(run.stderr.contains("2 of 5 rows set aside (2 invalid customer id)"), "\(run.stderr)")
        #expect(rows.contains("transactions.csv,3,customer_id,customer id holds the control character U+0000"), "\(rows)")
        #expect(rows.contains("transactions.csv,4,customer_id,customer id holds the control character U+001B"), "\(rows)")
    }

    /// The same in a side file (customers.csv): the row is set aside as invalid_customer_id.
    @Test func aSideFileIdHoldingAControlCharacterIsSetAside() throws {
        let folder = try CLI.folder(with: ["customers.csv": "customer_id,region\nA,north\nB\u{0},south\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let quarantine = folder.appendingPathComponent("q.csv").path
        let run = try CLI.run(["profile", folder.appendingPathComponent("customers.csv").path, "--format", "csv",
                               "--quarantine", quarantine])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("customers,accepted,1\n"), "\(run.stdout)")
        #expect(run.stdout.contains("customers,rejected_invalid_customer_id,1\n"), "\(run.stdout)")
        let rows = try String(contentsOfFile: quarantine, encoding: .utf8)
        #expect(rows.contains("customers.csv,3,customer_id,customer_id holds the control character U+0000"), "\(rows)")
    }
}

extension BadInputTests {
    /// A file of blank lines only was reported as having no customer id column in an empty
    /// header; it, and an empty file, now end with "FILE: has no header row" (exit 2) in every
    /// reader that loads a file: transactions, side files, surveys, opportunities, weights and
    /// matrix CSVs, the churn-train matrix.
    @Test(arguments: ["\n\n  \n", ""])
    func aFileWithoutAHeaderRowIsNamed(text: String) throws {
        let folder = try CLI.folder(with: ["t.csv": text, "surveys.csv": text, "customers.csv": text, "opportunities.csv": text])
        defer { try? FileManager.default.removeItem(at: folder) }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        let commands: [[String]] = [
            ["summary", path("t.csv")], ["fit", path("t.csv")], ["profile", path("customers.csv")],
            ["satisfaction", path("surveys.csv")], ["feedback", path("surveys.csv")], ["funnel", path("opportunities.csv")],
            ["weights", "entropy", path("t.csv")], ["weights", "ahp", path("t.csv")], ["cluster", "--matrix", path("t.csv")],
            ["churn-train", path("t.csv")],
        ]
        let content = text.isEmpty ? "(the file is empty)" : "(the file holds only blank lines)"
        for command in commands {
            let run = try CLI.run(command + ["--format", "json"], in: folder)
            let file = try #require(command.last)
            Self.expectRefused(run, naming: ["\(file): has no header row \(content)"], "\(command)")
            #expect(run.status == 2, "\(command): \(run.stderr)")
        }
    }
}

extension BadInputTests {
    /// `--customer-col amount` ended with "no amount column (--amount-col), nor quantity and unit
    /// price columns": right about the effect, not the cause. The message now says that the
    /// column named by --customer-col is also the amount column (and the same for any pair).
    @Test(arguments: [
        (["--customer-col", "amount"], "the column named by --customer-col (\"amount\", column 4) is also the amount column"),
        (["--customer-col", "4"], "the column named by --customer-col (\"amount\", column 4) is also the amount column"),
        (["--amount-col", "customer_id"], "the column named by --amount-col (\"customer_id\", column 2) is also the customer_id column"),
        (["--date-col", "amount"], "the column named by --date-col (\"amount\", column 4) is also the amount column"),
    ])
    func aColumnGivenToAnotherRoleIsNamedAsTheCause(option: [String], message: String) throws {
        let run = try Self.runOnTransactions { ["summary", $0, "--format", "csv"] + option }
        Self.expectRefused(run, naming: ["transactions.csv: line 1: " + message])
        #expect(!run.stderr.contains("no amount column"), "\(run.stderr)")
        #expect(run.status == 2)
    }
}

extension BadInputTests {
    /// `cva summary --observation-end 2999-01-01` was accepted (T and days_since_last of 975
    /// years); every command taking --observation-end, --as-of or an observation_end setting now
    /// refuses a day more than a century after the data's last date, with one message shape.
    /// (The last date of CLI.transactions is 2024-01-31; 2124-02-01 is 36,525 days on: see
    /// DateSpanTests.)
    @Test(arguments: ["summary", "rfm", "predict", "lifecycle", "churn", "cohorts"])
    func anObservationEndCenturiesAfterTheDataIsRefused(command: String) throws {
        let run = try Self.runOnTransactions { [command, $0, "--observation-end", "2999-01-01", "--format", "json"] }
        Self.expectRefused(run, naming: ["the observation end 2999-01-01 is more than a century after the data's last date 2024-01-31: check the observation end and the dates"], "\(command)")
        #expect(run.status == 2)
    }

    @Test func anObservationEndOfACenturyIsAccepted() throws {
        let run = try Self.runOnTransactions { ["summary", $0, "--observation-end", "2124-02-01", "--format", "csv"] }
        #expect(run.status == 0, "\(run.stderr)")
        // A: last purchase 2024-01-31, so days_since_last 36525; first 2024-01-01 (30 days earlier), so T 36555.
        #expect(run.stdout.contains("\nA,2024-01-01,2024-01-31,3,60,20,2,30,36555,25,36525,0,0\n"), "\(run.stdout)")
    }

    /// The as-of day of `cva lifecycle` and of `cva funnel` (whose last date is O9's close,
    /// 2024-05-31, in FunnelCommandTests.pipeline).
    @Test func anAsOfDayCenturiesAfterTheDataIsRefused() throws {
        let folder = try CLI.folder(with: ["transactions.csv": CLI.transactions, "opportunities.csv": FunnelCommandTests.pipeline])
        defer { try? FileManager.default.removeItem(at: folder) }
        let lifecycle = try CLI.run(["lifecycle", folder.path, "--as-of", "2999-01-01", "--format", "json"])
        Self.expectRefused(lifecycle, naming: ["the as-of day 2999-01-01 is more than a century after the data's last date 2024-01-31: check the as-of day and the dates"])
        let funnel = try CLI.run(["funnel", folder.appendingPathComponent("opportunities.csv").path, "--as-of", "2999-01-01", "--format", "json"], in: folder)
        Self.expectRefused(funnel, naming: ["the as-of day 2999-01-01 is more than a century after the data's last date 2024-05-31: check the as-of day and the dates"])
    }
}

extension BadInputTests {
    /// Excel serial dates (`45356`) were set aside as unparseable. A date column of whole
    /// numbers from 20000 to 80000 is now read as serials, with a note on stderr; `--date-format
    /// excel` reads them (with a fraction for the time) and refuses serials below 61.
    @Test func excelSerialDatesAreRead() throws {
        // 45356 is 2024-03-05, 45357 2024-03-06, 45300 2024-01-09 (DateParserExcelTests).
        let folder = try CLI.folder(with: ["transactions.csv": "customer_id,date,amount\nA,45356,10\nA,45357,20\nB,45300,5\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let detected = try CLI.run(["summary", folder.path, "--format", "csv"])
        #expect(detected.status == 0, "\(detected.stderr)")
        #expect(detected.stdout.contains("\nA,2024-03-05,2024-03-06,2,30,15,1,1,1,20,0,2,30\n"), "\(detected.stdout)")
        #expect(detected.stdout.contains("\nB,2024-01-09,2024-01-09,1,5,5,0,0,57,0,57,1,5\n"), "\(detected.stdout)")
        #expect(detected.stderr.contains("read as Excel serial dates (days since 1899-12-30)"), "\(detected.stderr)")
    }

    @Test func theExcelDateFormatReadsFractionsAndRefusesTheFirstSixtySerials() throws {
        let folder = try CLI.folder(with: ["transactions.csv": "customer_id,date,amount\nA,45356.25,10\nA,45357.9,20\nB,60,5\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let quarantine = folder.appendingPathComponent("q.csv").path
        let run = try CLI.run(["summary", folder.path, "--format", "csv", "--date-format", "excel", "--quarantine", quarantine])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\nA,2024-03-05,2024-03-06,2,30,15,1,1,1,20,0,2,30\n"), "\(run.stdout)")
        #expect(!run.stderr.contains("read as Excel serial dates"))   // asked for, not detected
        let rows = try String(contentsOfFile: quarantine, encoding: .utf8)
        #expect(rows.contains("transactions.csv,4,date,\"unparseable date \"\"60\"\": expected an Excel serial date from 61 (1900-03-01)"), "\(rows)")
        let help = try CLI.run(["summary", "--help"])
        #expect(help.stdout.contains("excel for Excel serial"))
    }
}

extension BadInputTests {
    /// The message for `--date-format dd/MM/yyyy` on CLI.transactions, whose first row (line 2)
    /// is dated 2024-01-01, an ISO date that the reading without a format takes as yyyy-MM-dd.
    static let isoDatesReadDayFirst = "transactions.csv: not one date in column date could be read with --date-format dd/MM/yyyy (the first, on line 2, is \"2024-01-01\"); 2024-01-01 reads as yyyy-MM-dd: drop --date-format or pass --date-format yyyy-MM-dd"

    /// A wrong `--date-format` (day-first on ISO dates) set every row aside and exited 0 with an
    /// empty table; every command taking --date-format now stops (exit 2) naming the file, the
    /// date column, the format, the first date as written and the format it reads as.
    @Test(arguments: ["summary", "rfm", "fit", "predict", "cohorts", "kpis", "lifecycle", "next", "churn", "cluster"])
    func aDateFormatThatReadsNoDateIsRefused(command: String) throws {
        let run = try Self.runOnTransactions { [command, $0, "--date-format", "dd/MM/yyyy", "--format", "json"] }
        Self.expectRefused(run, naming: [Self.isoDatesReadDayFirst], "\(command)")
        #expect(run.status == 2, "\(command): \(run.stderr)")
    }

    /// `cva profile` of a folder lists the transactions file as unusable with the message, as it
    /// does any file it cannot read, and of the file alone stops.
    @Test func profileNamesADateFormatThatReadsNoDate() throws {
        let folder = try CLI.folder(with: ["transactions.csv": CLI.transactions])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run(["profile", folder.path, "--date-format", "dd/MM/yyyy", "--format", "json"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\"unusable\""), "\(run.stdout)")
        #expect(run.stdout.contains("2024-01-01 reads as yyyy-MM-dd: drop --date-format or pass --date-format yyyy-MM-dd"), "\(run.stdout)")
        let file = try CLI.run(["profile", folder.appendingPathComponent("transactions.csv").path, "--date-format", "dd/MM/yyyy", "--format", "json"], in: folder)
        Self.expectRefused(file, naming: [Self.isoDatesReadDayFirst])
    }

    /// `cva analyze` stops the same way at the transactions file.
    @Test func analyzeRefusesADateFormatThatReadsNoTransactionDate() throws {
        let folder = try CLI.folder(with: ["transactions.csv": CLI.transactions])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run(["analyze", folder.path, "--out", folder.appendingPathComponent("out").path, "--date-format", "dd/MM/yyyy"])
        Self.expectRefused(run, naming: [Self.isoDatesReadDayFirst])
        #expect(run.status == 2, "\(run.stderr)")
    }

    /// Dates in no form known without a format: the message says so instead of naming one; a
    /// format from cva.yaml is named as the setting, with its remedy.
    @Test func aDateFormatReadingNoDateNamesWhereItCameFrom() throws {
        let folder = try CLI.folder(with: ["transactions.csv": "customer_id,date,amount\nA,soon,10\nB,later,5\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let unknown = try CLI.run(["summary", folder.path, "--date-format", "dd/MM/yyyy", "--format", "csv"])
        Self.expectRefused(unknown, naming: ["transactions.csv: not one date in column date could be read with --date-format dd/MM/yyyy (the first, on line 2, is \"soon\"), nor in any form read without a format: check --date-format against the dates as written, and the date column"])
        #expect(unknown.status == 2)
        let configured = try CLI.folder(with: ["transactions.csv": CLI.transactions, "cva.yaml": "transactions:\n  date_format: dd/MM/yyyy\n"])
        defer { try? FileManager.default.removeItem(at: configured) }
        let run = try CLI.run(["summary", configured.path, "--format", "csv"])
        Self.expectRefused(run, naming: ["not one date in column date could be read with ", "'s transactions.date_format dd/MM/yyyy",
                                         "2024-01-01 reads as yyyy-MM-dd: remove ", "'s transactions.date_format or set it to yyyy-MM-dd"])
        #expect(run.status == 2)
    }

    /// A side file whose cva.yaml date_format reads none of its dates: `cva analyze` lists it as
    /// unusable (as any side file it cannot use) and goes on; `cva funnel --date-format` stops.
    /// The surveys' first date is on line 2, the pipeline's first created_at 2024-01-01 (line 2).
    @Test func aSideFileDateFormatThatReadsNoDateMakesTheFileUnusable() throws {
        let folder = try CLI.folder(with: [
            "transactions.csv": CLI.transactions, "surveys.csv": "customer_id,date,nps,comment\nA,2024-01-15,9,fine\nB,2024-01-20,3,slow\n",
            "cva.yaml": "surveys:\n  date_format: dd/MM/yyyy\n", "opportunities.csv": FunnelCommandTests.pipeline,
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let analyze = try CLI.run(["analyze", folder.path, "--out", folder.appendingPathComponent("out").path])
        #expect(analyze.status == 0, "\(analyze.stderr)")
        #expect(analyze.stdout.contains("UNUSABLE "), "\(analyze.stdout)")
        #expect(analyze.stdout.contains("surveys.csv: not one date in column date could be read with "), "\(analyze.stdout)")
        #expect(analyze.stdout.contains("'s surveys.date_format dd/MM/yyyy (the first, on line 2, is \"2024-01-15\"); 2024-01-15 reads as yyyy-MM-dd: remove "), "\(analyze.stdout)")
        let funnel = try CLI.run(["funnel", folder.appendingPathComponent("opportunities.csv").path, "--date-format", "dd/MM/yyyy", "--format", "json"], in: folder)
        Self.expectRefused(funnel, naming: ["opportunities.csv: not one date in column created_at could be read with --date-format dd/MM/yyyy (the first, on line 2, is \"2024-01-01\"); 2024-01-01 reads as yyyy-MM-dd: drop --date-format or pass --date-format yyyy-MM-dd"])
        #expect(funnel.status == 2)
        let profile = try CLI.run(["profile", folder.appendingPathComponent("surveys.csv").path, "--date-format", "dd/MM/yyyy", "--format", "json"], in: folder)
        Self.expectRefused(profile, naming: ["surveys.csv: not one date in column date could be read with --date-format dd/MM/yyyy"])
    }
}

extension BadInputTests {
    /// Side files detected Excel serial dates as transactions do, but only transactions printed
    /// the note. Every file whose date column is read as serials now has it, once per file
    /// (`cva satisfaction` reads surveys.csv more than once), in every command, naming the file
    /// and the column. 45356 is 2024-03-05 (DateParserExcelTests).
    @Test func excelSerialDatesInASideFileAreNotedOncePerFile() throws {
        let folder = try CLI.folder(with: [
            "transactions.csv": "customer_id,date,amount\nA,45356,10\nA,45357,20\nB,45300,5\n",
            "surveys.csv": "customer_id,answered_at,nps,comment\nA,45356,9,fine\nB,45357,3,slow\n",
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        func note(_ file: String, _ column: String) -> String {
            "note: \(folder.appendingPathComponent(file).path): the dates in column \(column) are whole numbers from 20000 to 80000: read as Excel serial dates (days since 1899-12-30); pass --date-format to read them otherwise\n"
        }
        let runs: [[String]] = [
            ["satisfaction", folder.path, "--format", "csv"],
            ["feedback", folder.path, "--format", "csv"],
            ["profile", folder.path, "--format", "csv"],
            ["analyze", folder.path, "--out", folder.appendingPathComponent("out").path],
        ]
        for command in runs {
            let run = try CLI.run(command, in: folder)
            #expect(run.status == 0, "\(command): \(run.stderr)")
            #expect(run.stderr.components(separatedBy: note("surveys.csv", "answered_at")).count == 2, "\(command): \(run.stderr)")
            if command[0] == "profile" || command[0] == "analyze" {
                #expect(run.stderr.components(separatedBy: note("transactions.csv", "date")).count == 2, "\(command): \(run.stderr)")
            }
        }
        // `cva profile --format json` reports the format found, as it does for transactions.
        let json = try CLI.run(["profile", folder.appendingPathComponent("surveys.csv").path, "--format", "json"], in: folder)
        #expect(json.stdout.contains("\"detected_date_format\" : \"excel\""), "\(json.stdout)")
    }
}

extension BadInputTests {
    /// A summary CSV (`cva fit` / `cva predict` on one row per customer) kept an id holding a
    /// control character and wrote it into predict's output. Such a row is now set aside as in
    /// transactions: counted as invalid customer id, named with file, line and column on stderr,
    /// and left out of the output.
    @Test func aSummaryCSVIdHoldingAControlCharacterIsSetAside() throws {
        var csv = "customer_id,frequency,recency,T\n"
        // 40 ordinary customers (as in ModelCommandTests' summaries), then two damaged ids on lines 42 and 43.
        for i in 0..<40 {
            let x = i % 5, age = 30 + Double(i % 20)
            csv += "C\(i),\(x),\(x == 0 ? 0 : age * Double(1 + i % 7) / 10),\(age)\n"
        }
        csv += "X\u{0},2,10,30\nY\u{1B}[0m,1,5,30\n"
        let folder = try CLI.folder(with: ["summary.csv": csv])
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("summary.csv").path
        let fit = try CLI.run(["fit", path, "--format", "json"])
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stderr.contains("note: 2 of 42 rows set aside (2 invalid customer id):"), "\(fit.stderr)")
        #expect(fit.stderr.contains("\(path): line 42, column customer_id: customer id holds the control character U+0000"), "\(fit.stderr)")
        #expect(fit.stderr.contains("\(path): line 43, column customer_id: customer id holds the control character U+001B"), "\(fit.stderr)")
        let predict = try CLI.run(["predict", path, "--format", "csv"])
        #expect(predict.status == 0, "\(predict.stderr)")
        for control in ["\u{0}", "\u{1B}"] { #expect(!predict.stdout.contains(control)) }
        // The header and the 40 customers kept.
        #expect(predict.stdout.split(separator: "\n").count == 41, "\(predict.stdout)")
        #expect(predict.stderr.contains("note: 2 of 42 rows set aside (2 invalid customer id):"), "\(predict.stderr)")
    }
}

extension BadInputTests {
    /// A surveys file of scores only (no comment column): `cva analyze` once stopped at its
    /// feedback step ("no text column ...; pass --text-col NAME", an option analyze lacks) and
    /// lost every other analysis. It now writes the satisfaction scores, skips the feedback part
    /// and says why in its digest; tickets with text are still tagged.
    @Test func analyzeSkipsFeedbackForSurveysWithoutComments() throws {
        let surveys = "customer_id,date,nps,csat\nA,2024-01-15,9,5\nB,2024-01-20,3,2\n"
        let folder = try CLI.folder(with: ["transactions.csv": CLI.transactions, "surveys.csv": surveys])
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let run = try CLI.run(["analyze", folder.path, "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("feedback: skipped (surveys.csv has no comment column)"), "\(run.stdout)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("satisfaction.json").path))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("feedback.csv").path))

        // With tickets that have text, those are tagged; the surveys are still skipped.
        let tickets = "ticket_id,customer_id,created_at,text\nT1,A,2024-01-16,物流太慢\nT2,B,2024-01-21,great service\n"
        let both = try CLI.folder(with: ["transactions.csv": CLI.transactions, "surveys.csv": surveys, "tickets.csv": tickets])
        defer { try? FileManager.default.removeItem(at: both) }
        let withTickets = try CLI.run(["analyze", both.path, "--out", both.appendingPathComponent("out").path])
        #expect(withTickets.status == 0, "\(withTickets.stderr)")
        #expect(withTickets.stdout.contains("feedback: 2 texts"), "\(withTickets.stdout)")
        #expect(FileManager.default.fileExists(atPath: both.appendingPathComponent("out/feedback.csv").path))
    }
}

extension BadInputTests {
    /// Commands without a --quarantine option (fit, predict, validate, value, churn) once told the
    /// user to "pass --quarantine FILE", which they refuse; they now point to `cva profile`. The
    /// shared transactions have a row without a customer id (line 6), set aside.
    @Test(arguments: ["fit", "predict", "value"])
    func setAsideNoteNamesAnOptionTheCommandHas(command: String) throws {
        let run = try Self.runOnTransactions { [command, $0, "--format", "json"] }
        #expect(run.stderr.contains("rows set aside"), "\(run.stderr)")
        #expect(run.stderr.contains("cva profile lists them (its --quarantine file)"), "\(run.stderr)")
        #expect(!run.stderr.contains("pass --quarantine"), "\(run.stderr)")
        // A command that has the option still suggests it.
        let summary = try Self.runOnTransactions { ["summary", $0, "--format", "csv"] }
        #expect(summary.stderr.contains("pass --quarantine FILE to keep them"), "\(summary.stderr)")
    }
}
