import Foundation
import Testing
@testable import CustomerValue

struct SyntheticConfigTests {
    @Test func defaultsAreTheCDNOWSetting() {
        let config = SyntheticConfig(customers: 10, seed: 1)
        #expect(config.start.iso == "2024-01-01")
        #expect(config.acquisitionDays == 182)
        #expect(config.observationDays == 546)
        // 2024-01-01 + 545 days: 2024 is a leap year (366 days), so 2025-06-29.
        #expect(config.observationEnd.iso == "2025-06-29")
        #expect(config.purchase == BGNBDTruth(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426))
        #expect(config.spend == GammaGammaTruth(p: 6.25, q: 3.74, v: 15.44))
        #expect(config.files == Set(SyntheticFile.allCases))
        #expect(config.dirtyFraction == 0)
    }

    static let invalidConfigs: [(String, @Sendable (inout SyntheticConfig) -> Void, String)] = [
        ("no customers", { $0.customers = 0 }, "customers must be at least 1"),
        ("r zero", { $0.purchase.r = 0 }, "purchase.r"),
        ("alpha negative", { $0.purchase.alpha = -1 }, "purchase.alpha"),
        ("b NaN", { $0.purchase.b = .nan }, "purchase.b"),
        ("q zero", { $0.spend.q = 0 }, "spend.q"),
        ("dirt too high", { $0.dirtyFraction = 0.6 }, "dirty_fraction"),
        ("dirt negative", { $0.dirtyFraction = -0.1 }, "dirty_fraction"),
        ("window too short", { $0.observationDays = 100 }, "observation_days (100) must be at least acquisition_days (182)"),
        ("no acquisition", { $0.acquisitionDays = 0 }, "acquisition_days"),
    ]

    @Test(arguments: invalidConfigs.indices)
    func rejectsInvalidConfiguration(_ index: Int) {
        let (name, change, message) = Self.invalidConfigs[index]
        var config = SyntheticConfig(customers: 10, seed: 1)
        change(&config)
        do {
            _ = try SyntheticGenerator(config: config)
            Issue.record("\(name): expected an error")
        } catch let error as SyntheticError {
            #expect(error.description.contains(message), "\(name): \(error.description)")
        } catch {
            Issue.record("\(name): unexpected error \(error)")
        }
    }

    @Test func decodesWithDefaultsAndRoundTrips() throws {
        let json = #"{"customers": 500, "seed": 9, "dirty_fraction": 0.1, "files": ["transactions"]}"#
        let decoded = try JSONDecoder().decode(SyntheticConfig.self, from: Data(json.utf8))
        var expected = SyntheticConfig(customers: 500, seed: 9)
        expected.dirtyFraction = 0.1
        expected.files = [.transactions]
        #expect(decoded == expected)
        let again = try JSONDecoder().decode(SyntheticConfig.self, from: JSONEncoder().encode(decoded))
        #expect(again == decoded)
    }

    @Test func customerIDsWidenFromTenMillion() throws {
        // C + 7 digits up to 9,999,999 customers; 8 digits for 12 million.
        var buffer: [UInt8] = []
        try SyntheticGenerator(config: SyntheticConfig(customers: 9_999_999, seed: 1)).appendCustomerID(0, to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "C0000001")
        buffer.removeAll()
        try SyntheticGenerator(config: SyntheticConfig(customers: 12_000_000, seed: 1)).appendCustomerID(11_999_999, to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "C12000000")
    }
}
