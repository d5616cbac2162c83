import Foundation
import Testing
@testable import CustomerValue

/// The written files: sizes, ids, dates, order, determinism and their agreement with the truth.
struct SyntheticGeneratorTests {
    static let customers = 2_000

    func generate(_ configure: (inout SyntheticConfig) -> Void = { _ in }) throws -> (SyntheticScratchFolder, SyntheticReport) {
        var config = SyntheticConfig(customers: Self.customers, seed: 20_240_101)
        configure(&config)
        let folder = try SyntheticScratchFolder()
        let report = try SyntheticGenerator(config: config).write(to: folder.url)
        return (folder, report)
    }

    @Test func sameSeedGivesByteIdenticalFiles() throws {
        let (first, _) = try generate { $0.dirtyFraction = 0.1 }
        let (second, _) = try generate { $0.dirtyFraction = 0.1 }
        let names = SyntheticFile.allCases.map(\.fileName) + ["truth.json", "truth_customers.csv"]
        for name in names {
            let a = try Data(contentsOf: first.url.appendingPathComponent(name))
            let b = try Data(contentsOf: second.url.appendingPathComponent(name))
            #expect(!a.isEmpty && a == b, "\(name) differs between two runs with the same seed")
        }
        // No temporary files are left behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: first.url.path).sorted()
        #expect(left == names.sorted())
    }

    @Test func anotherSeedGivesOtherData() throws {
        let (first, _) = try generate()
        let (second, _) = try generate { $0.seed = 7 }
        let a = try Data(contentsOf: first.url.appendingPathComponent("transactions.csv"))
        let b = try Data(contentsOf: second.url.appendingPathComponent("transactions.csv"))
        #expect(a != b)
    }

    @Test func transactionsDoNotDependOnTheOtherFiles() throws {
        // Each file draws from its own streams, so asking for fewer files changes nothing else.
        let (all, _) = try generate()
        let (only, report) = try generate { $0.files = [.transactions] }
        for name in ["transactions.csv", "truth_customers.csv"] {
            let a = try Data(contentsOf: all.url.appendingPathComponent(name))
            let b = try Data(contentsOf: only.url.appendingPathComponent(name))
            #expect(a == b, "\(name)")
        }
        #expect(!FileManager.default.fileExists(atPath: only.url.appendingPathComponent("events.csv").path))
        #expect(Set(report.rowsWritten.keys) == ["transactions.csv", "truth_customers.csv"])
    }

    @Test func customersAndIDsAreComplete() throws {
        let (folder, report) = try generate()
        let customers = try SyntheticCSV.read("customers.csv", in: folder.url)
        #expect(customers.header == ["customer_id", "name", "industry", "region", "registered_at", "age_band", "gender"])
        #expect(customers.rows.count == Self.customers)
        #expect(report.rowsWritten["customers.csv"] == Self.customers)
        let ids = customers.rows.compactMap { $0["customer_id"] }
        #expect(Set(ids).count == Self.customers)
        #expect(ids.first == "C0000001" && ids.last == "C0002000")
        #expect(ids.allSatisfy { $0.count == 8 && $0.hasPrefix("C") })
        #expect(customers.rows.allSatisfy { !($0["name"] ?? "").isEmpty })
        // Both Chinese and English names appear (about 75% / 25%).
        let chinese = customers.rows.filter { ($0["name"] ?? "").unicodeScalars.contains { $0.value >= 0x4E00 } }.count
        #expect(chinese > Self.customers / 2 && chinese < Self.customers * 9 / 10)
    }

    @Test func transactionsAreSortedWithinTheWindowAndMatchTheTruth() throws {
        let (folder, report) = try generate()
        let config = SyntheticConfig(customers: Self.customers, seed: 20_240_101)
        let transactions = try SyntheticCSV.read("transactions.csv", in: folder.url)
        #expect(transactions.header == ["order_id", "customer_id", "date", "amount", "category", "channel"])
        #expect(transactions.rows.count == report.rowsWritten["transactions.csv"])

        var previousDay = config.start
        var previousOrder = 0
        var perCustomer: [String: (count: Int, first: CalendarDay, last: CalendarDay)] = [:]
        for row in transactions.rows {
            let day = try #require(CalendarDay(isoText: row["date"] ?? ""))
            #expect(day >= config.start && day <= config.observationEnd)
            #expect(day >= previousDay, "rows must be sorted by date")
            previousDay = day
            let order = try #require(Int((row["order_id"] ?? "").dropFirst()))
            #expect(order == previousOrder + 1, "order ids increase by one in file order")
            previousOrder = order
            let amount = try #require(Double(row["amount"] ?? ""))
            #expect(amount >= 0.01)
            let id = row["customer_id"] ?? ""
            let entry = perCustomer[id]
            perCustomer[id] = (entry.map { $0.count + 1 } ?? 1, entry?.first ?? day, day)
        }
        // Every customer buys at least once (their first purchase), in the acquisition window.
        #expect(perCustomer.count == Self.customers)
        let truth = try SyntheticCSV.read("truth_customers.csv", in: folder.url)
        #expect(truth.rows.count == Self.customers)
        var total = 0
        for row in truth.rows {
            let id = row["customer_id"] ?? ""
            let seen = try #require(perCustomer[id])
            let count = try #require(Int(row["transactions"] ?? ""))
            total += count
            #expect(seen.count == count, "\(id)")
            #expect(row["first_purchase"] == seen.first.iso)
            let first = seen.first.days(since: config.start)
            #expect(first >= 0 && first < config.acquisitionDays)
            if row["alive_at_end"] == "false" {
                // The customer drops out right after the last purchase.
                #expect(row["dropout_date"] == seen.last.iso)
                #expect(count >= 2, "no dropout at the first purchase in the BG/NBD")
            } else {
                #expect(row["alive_at_end"] == "true" && row["dropout_date"] == "")
            }
        }
        #expect(abs(report.meanTransactionsPerCustomer - Double(total) / Double(Self.customers)) < 1e-12)
        #expect(Set(transactions.rows.compactMap { $0["category"] }).isSubset(of: ["Electronics", "Apparel", "Home", "Beauty", "Grocery", "Books", "Sports", "Toys"]))
        #expect(Set(transactions.rows.compactMap { $0["channel"] }) == ["web", "app", "store", "wechat", "tmall"])
    }

    @Test func truthJSONDescribesTheRun() throws {
        let (folder, report) = try generate()
        let data = try Data(contentsOf: folder.url.appendingPathComponent("truth.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["seed"] as? Int == 20_240_101)
        #expect(json["customers"] as? Int == Self.customers)
        #expect(json["start"] as? String == "2024-01-01")
        #expect(json["observation_end"] as? String == "2025-06-29")
        #expect(json["unit"] as? String == "week")
        #expect(json["customer_truth_file"] as? String == "truth_customers.csv")
        let bgnbd = try #require(json["bgnbd"] as? [String: Double])
        #expect(bgnbd == ["r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426])
        let gammaGamma = try #require(json["gamma_gamma"] as? [String: Double])
        #expect(gammaGamma == ["p": 6.25, "q": 3.74, "v": 15.44])
        let mean = try #require(json["mean_transactions_per_customer"] as? Double)
        #expect(abs(mean - report.meanTransactionsPerCustomer) < 1e-12)
        #expect(json["injected"] as? [String: Int] == report.injected)
    }

    @Test func registrationIsOnOrBeforeTheFirstPurchase() throws {
        let (folder, _) = try generate { $0.files = [.customers] }
        let customers = try SyntheticCSV.read("customers.csv", in: folder.url).rows
        let truth = try SyntheticCSV.read("truth_customers.csv", in: folder.url).rows
        for (customer, hidden) in zip(customers, truth) {
            #expect(customer["customer_id"] == hidden["customer_id"])
            let registered = try #require(CalendarDay(isoText: customer["registered_at"] ?? ""))
            let first = try #require(CalendarDay(isoText: hidden["first_purchase"] ?? ""))
            #expect(registered <= first)
        }
        // A region with a comma, "Hong Kong, Macau & Taiwan", must arrive whole through the quoting.
        #expect(customers.allSatisfy { !($0["region"] ?? "").isEmpty && $0["gender"] != nil })
    }

    @Test func progressReachesEveryCustomer() throws {
        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var values: [Int] = []
        }
        let seen = Seen()
        let folder = try SyntheticScratchFolder()
        var config = SyntheticConfig(customers: 25_000, seed: 3)
        config.files = [.events]
        _ = try SyntheticGenerator(config: config).write(to: folder.url) { done in
            seen.lock.lock()
            seen.values.append(done)
            seen.lock.unlock()
        }
        // Blocks of 10,000: 10,000, 20,000, 25,000, never going back.
        #expect(seen.values == [10_000, 20_000, 25_000])
    }

    @Test func unwritableFolderThrowsAClearError() throws {
        let folder = try SyntheticScratchFolder()
        let blocker = folder.url.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        let generator = try SyntheticGenerator(config: SyntheticConfig(customers: 5, seed: 1))
        #expect(throws: SyntheticError.self) {
            try generator.write(to: blocker.appendingPathComponent("inside"))
        }
    }
}
