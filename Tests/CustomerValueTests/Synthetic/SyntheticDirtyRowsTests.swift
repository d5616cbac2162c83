import Foundation
import Testing
@testable import CustomerValue

/// The injected dirty rows: each kind recognisable in the file, counted exactly as reported.
struct SyntheticDirtyRowsTests {
    static let customers = 3_000

    /// The kind of a transactions row as a careful reader would see it, or nil for a clean one.
    static func kind(of row: [String], previous: [String]?) -> String? {
        let (customer, date, amount) = (row[1], row[2], row[3])
        if date == "2024-13-45" || date == "yesterday" { return "unparseable_date" }
        if amount.isEmpty { return "empty_amount" }
        if customer.isEmpty { return "empty_customer_id" }
        if let previous, previous == row { return "duplicate_row" }
        if amount.hasPrefix("-") { return "return" }
        if amount == "0.00" { return "zero_amount" }
        if amount.contains(",") { return "thousands_separator" }
        if amount.hasPrefix("¥") { return "currency_sign" }
        return nil
    }

    @Test func injectedRowsAreCountedExactly() throws {
        var config = SyntheticConfig(customers: Self.customers, seed: 77)
        config.files = [.transactions]
        config.dirtyFraction = 0.3
        let folder = try SyntheticScratchFolder()
        let report = try SyntheticGenerator(config: config).write(to: folder.url)
        let text = try String(contentsOf: folder.url.appendingPathComponent("transactions.csv"), encoding: .utf8)
        let records = Array(SyntheticCSV.parse(text).dropFirst())
        #expect(records.allSatisfy { $0.count == 6 }, "every row keeps six fields, quoted amounts included")

        var counted: [String: Int] = [:]
        var clean = 0
        var purchases: [String: [(day: String, amount: String)]] = [:]
        var previous: [String]?
        for row in records {
            if let kind = Self.kind(of: row, previous: previous) {
                counted[kind, default: 0] += 1
                if kind == "return" {
                    // A return is the negative amount of an earlier purchase of the same customer,
                    // on the same day or later.
                    let bought = purchases[row[1]] ?? []
                    #expect(bought.contains { $0.amount == String(row[3].dropFirst()) && $0.day <= row[2] }, "\(row)")
                }
                if kind == "thousands_separator" {
                    let value = try #require(Double(row[3].replacingOccurrences(of: ",", with: "")))
                    #expect(value >= 1000)
                }
                if kind == "currency_sign" {
                    #expect(Double(row[3].dropFirst()) != nil)
                }
            } else {
                clean += 1
                purchases[row[1], default: []].append((row[2], row[3]))
            }
            previous = row
        }
        for (kind, count) in report.injected {
            #expect(counted[kind, default: 0] == count, "\(kind): file has \(counted[kind, default: 0]), report says \(count)")
        }
        #expect(report.injected.count == 8)
        // Clean rows are exactly the BG/NBD purchases; the injected ones come on top.
        let purchasesTotal = Int((report.meanTransactionsPerCustomer * Double(Self.customers)).rounded())
        #expect(clean == purchasesTotal)
        #expect(records.count == purchasesTotal + report.injectedInvalidRows + report.injectedValidUnusualRows)
        #expect(report.injectedValidUnusualRows == (report.injected["thousands_separator"] ?? 0) + (report.injected["currency_sign"] ?? 0))
        // About 30% extra rows: a binomial count with n = purchases, p = 0.3 (SE √(n·0.21)).
        let injected = Double(report.injectedInvalidRows + report.injectedValidUnusualRows)
        let n = Double(purchasesTotal)
        #expect(abs(injected - 0.3 * n) < 5 * (n * 0.21).squareRoot())
        // Every kind appears, spread through the file rather than bunched at one end.
        #expect(report.injected.values.allSatisfy { $0 > 0 })
        let dirtyPositions = records.indices.filter { Self.kind(of: records[$0], previous: $0 > 0 ? records[$0 - 1] : nil) != nil }
        let firstHalf = dirtyPositions.filter { $0 < records.count / 2 }.count
        #expect(firstHalf > dirtyPositions.count / 4 && firstHalf < dirtyPositions.count * 3 / 4)
    }

    @Test func duplicatesRepeatTheWholeLine() throws {
        var config = SyntheticConfig(customers: 1_000, seed: 78)
        config.files = [.transactions]
        config.dirtyFraction = 0.2
        let folder = try SyntheticScratchFolder()
        let report = try SyntheticGenerator(config: config).write(to: folder.url)
        let lines = try String(contentsOf: folder.url.appendingPathComponent("transactions.csv"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        let repeated = zip(lines.dropFirst(), lines).filter { $0 == $1 && !$0.isEmpty }.count
        #expect(repeated == report.injected["duplicate_row"])
        #expect(repeated > 0)
    }

    @Test func cleanByDefault() throws {
        var config = SyntheticConfig(customers: 1_000, seed: 79)
        config.files = [.transactions]
        let folder = try SyntheticScratchFolder()
        let report = try SyntheticGenerator(config: config).write(to: folder.url)
        #expect(report.injectedInvalidRows == 0 && report.injectedValidUnusualRows == 0)
        let rows = try SyntheticCSV.read("transactions.csv", in: folder.url).rows
        // Plain decimals with two places, no quoting anywhere.
        #expect(rows.allSatisfy { row in
            let amount = row["amount"] ?? ""
            return amount.split(separator: ".").last?.count == 2 && (Double(amount) ?? 0) >= 0.01
        })
        let text = try String(contentsOf: folder.url.appendingPathComponent("transactions.csv"), encoding: .utf8)
        #expect(!text.contains("\""))
    }
}
