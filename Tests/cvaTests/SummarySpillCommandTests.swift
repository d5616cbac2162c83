import Foundation
import Testing

/// `cva summary` on a file with more rows than `--row-budget`: the rows go through temporary
/// files and the summary is made one partition of customers at a time. Standard output, the
/// notes on standard error and the quarantine must be those of the default (in-memory) path,
/// byte for byte.
struct SummarySpillCommandTests {
    typealias CLI = CommandLineTests

    /// Rows for every rule of the build: multi-line orders (same order id on one day), same-day
    /// purchases of different orders, exact duplicates, returns by order id and by date, a return
    /// with nothing to net against, a customer whose only purchase is returned, zero amounts,
    /// cancelled rows, a bad date, rows after the observation end (2024-03-20), and outliers
    /// (orders of 90000 among orders of 1 to 80).
    static func transactions() -> String {
        var lines = ["order_id,customer_id,date,amount,status"]
        for i in 0..<400 {
            let customer = "K\((i * 11) % 47)"
            let date = String(format: "2024-%02d-%02d", 1 + i / 150, 1 + (i * 5) % 28)
            switch i % 19 {
            case 0: lines += ["O\(i),\(customer),\(date),\(1 + i % 70).5,paid", "O\(i),\(customer),\(date),3,paid"]
            case 2: lines.append("P\(i),\(customer),\(date),4.25,paid")   // same day as the next row's order
                lines.append("Q\(i),\(customer),\(date),6,paid")
            case 4: lines.append(lines[lines.count - 1])
            case 6: lines.append("O\(i - 6),K\(((i - 6) * 11) % 47),2024-03-02,-2,paid")   // return of an earlier order
            case 8: lines.append(",\(customer),\(date),-1.75,paid")
            case 10: lines.append("O\(i),\(customer),\(date),0,paid")
            case 12: lines.append("O\(i),\(customer),\(date),30,cancelled")
            case 13: lines.append("O\(i),\(customer),2024-13-01,5,paid")
            case 15: lines.append("O\(i),\(customer),2024-03-\(21 + i % 7),8,paid")
            case 17: lines.append("O\(i),\(customer),\(date),90000,paid")
            default: lines.append("O\(i),\(customer),\(date),\(1 + (i * 7) % 80),paid")
            }
        }
        lines += ["R1,NOTHINGBEFORE,2024-01-09,-4,paid", "A1,RETURNEDALL,2024-01-10,12,paid", "A1,RETURNEDALL,2024-01-12,-12,paid"]
        return lines.joined(separator: "\n") + "\n"
    }

    @Test(arguments: [["--format", "csv"], ["--format", "json"], ["--format", "csv", "--calibration-end", "2024-02-15", "--unit", "week"],
                      ["--format", "json", "--calibration-end", "2024-02-15", "--window-days", "20"]])
    func tinyRowBudgetGivesTheSameBytes(flags: [String]) throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("transactions.csv")
        try Self.transactions().write(to: file, atomically: true, encoding: .utf8)
        // One quarantine path for every run (the notes name it), read after each run.
        let q = folder.appendingPathComponent("quarantine.csv").path
        func summary(_ extra: [String]) throws -> (CLI.Run, String) {
            let run = try CLI.run(["summary", file.path, "--observation-end", "2024-03-20", "--quarantine", q] + flags + extra)
            return (run, try String(contentsOfFile: q, encoding: .utf8))
        }
        let (reference, referenceQuarantine) = try summary([])
        #expect(reference.status == 0, "\(reference.stderr)")
        // What the comparison covers: rows set aside of several kinds, customers left out.
        #expect(reference.stderr.contains("duplicates") && reference.stderr.contains("after the observation end"))
        #expect(reference.stderr.contains("have no purchase left once returns are netted"))
        #expect(referenceQuarantine.split(separator: "\n").count > 10)
        for budget in ["7", "1"] {
            let (spilled, spilledQuarantine) = try summary(["--row-budget", budget])
            #expect(spilled.status == 0, "\(spilled.stderr)")
            #expect(spilled.stdout == reference.stdout)
            #expect(spilled.stderr == reference.stderr)
            #expect(spilledQuarantine == referenceQuarantine)
        }
    }

    @Test func rowBudgetBelowOneIsRefused() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("transactions.csv")
        try Self.transactions().write(to: file, atomically: true, encoding: .utf8)
        let run = try CLI.run(["summary", file.path, "--row-budget", "0"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("--row-budget must be at least 1 row, got 0"))
        #expect(!run.stderr.contains("Fatal error"))
    }
}
