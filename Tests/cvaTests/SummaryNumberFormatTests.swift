import Foundation
import Testing

/// Numbers in CSV output: 10 significant digits, trailing zeros dropped, whole numbers without a
/// decimal point (the rule of `NumberFormatting`), checked on values worked out by hand.
struct SummaryNumberFormatTests {
    typealias CLI = CommandLineTests

    static let transactions = """
        customer_id,date,amount
        X,2024-01-01,10.1
        X,2024-01-31,20.2
        Y,2024-01-01,1234567.891
        Y,2024-01-31,0.0001

        """

    @Test func summaryNumbersHaveTenSignificantDigits() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("t.csv")
        try Self.transactions.write(to: file, atomically: true, encoding: .utf8)

        let days = try CLI.run(["summary", file.path, "--format", "csv"])
        #expect(days.status == 0, "\(days.stderr)")
        let rows = days.stdout.split(separator: "\n").map(String.init)
        // X: 10.1 + 20.2 = 30.299999999999997 in binary, printed 30.3; per order 15.149999999999999,
        // printed 15.15 (2 integer digits, 8 decimals: 1514999999.9999998 rounds to 1515000000);
        // frequency 1, recency = T = 30 days, monetary 20.2, last day = observation end (0 days),
        // both orders in the 365-day window.
        #expect(rows.contains("X,2024-01-01,2024-01-31,2,30.3,15.15,1,30,30,20.2,0,2,30.3"))
        // Y: monetary value 0.0001 (>= 1e-4: decimal notation, 9 decimals, zeros dropped).
        let y = try #require(rows.first { $0.hasPrefix("Y,") }).split(separator: ",").map(String.init)
        #expect(y[9] == "0.0001")

        // In months of 30.4375 days: 30 / 30.4375 = 0.98562628336..., 9 decimals, rounded down.
        let months = try CLI.run(["summary", file.path, "--format", "csv", "--unit", "month"])
        let x = try #require(months.stdout.split(separator: "\n").first { $0.hasPrefix("X,") }).split(separator: ",").map(String.init)
        #expect(x[7] == "0.985626283" && x[8] == "0.985626283")
    }
}
