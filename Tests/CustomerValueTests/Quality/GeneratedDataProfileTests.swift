import Foundation
import Testing
@testable import CustomerValue

/// The generator records every dirty row it injects; the profile must find exactly those.
struct GeneratedDataProfileTests {
    @Test(arguments: [UInt64(3), 11])
    func profileFindsExactlyTheInjectedProblems(seed: UInt64) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gen-profile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var config = SyntheticConfig(customers: 3_000, seed: seed)
        config.dirtyFraction = 0.03
        let generated = try SyntheticGenerator(config: config).write(to: folder)
        let injected = generated.injected
        let dataSet = try DataSet(directory: folder.path)
        let sink = QuarantineMemory()
        let (profile, history) = try DataSetProfile.profile(
            dataSet, options: TransactionIngestOptions(), quarantine: sink, requireTransactions: true)
        let report = try #require(profile.transactions)
        #expect(report.duplicates == injected["duplicate_row"])
        #expect(report.returns.total == injected["return"])
        #expect(report.returns.unmatched == 0)          // returns are drawn from earlier purchases
        #expect(report.rejected["missing_customer_id"] == injected["empty_customer_id"])
        #expect(report.rejected["missing_amount"] == injected["empty_amount"])
        #expect(report.rejected["unparseable_date"] == injected["unparseable_date"])
        #expect(report.zeroAmounts == injected["zero_amount"])
        #expect(report.bucketTotal == report.rowsRead)
        #expect(report.rowsRead == generated.rowsWritten["transactions.csv"])
        // Every row set aside is in the quarantine, once.
        #expect(sink.rows.filter { $0.file.hasSuffix("transactions.csv") }.count == report.setAside)
        // Thousands separators and currency signs are valid amounts: accepted, not rejected.
        #expect(report.rejected["unparseable_amount"] == nil)
        // The other files are clean.
        for file in profile.files {
            #expect(file.rejected.isEmpty && file.duplicates == 0, "\(file.kind)")
            #expect(file.unknownCustomers == 0, "\(file.kind)")
        }
        #expect(profile.unusable.isEmpty)
        #expect(history?.observationEnd == generated.observationEnd)
    }
}
