import Foundation
import Testing
@testable import CustomerValue

/// The feature builder on ``ChurnFixture`` at 2024-06-30 with a 90-day horizon.
struct ChurnFeatureBuilderTests {
    static func builder(_ folder: URL) throws -> ChurnFeatureBuilder {
        let (history, activity) = try ChurnFixture.load(folder)
        return ChurnFeatureBuilder(history: history, activity: activity)
    }

    static func value(_ m: FeatureMatrix, _ id: String, _ feature: String) throws -> Double {
        let row = try #require(m.customerIDs.firstIndex(of: id))
        let column = try #require(m.featureNames.firstIndex(of: feature), "no feature \(feature)")
        return m[row, column]
    }

    @Test func labelsAreNoPurchaseWithinTheHorizon() throws {
        let folder = try ChurnFixture.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let m = try Self.builder(folder).matrix(at: ChurnFixture.cutoff)
        // Horizon (06-30, 09-28]: A buys 08-01 → 0; B never again → 1; C next buys 12-01, too late → 1.
        #expect(m.customerIDs == ["A", "B", "C"])
        #expect(m.labels == [0, 1, 1])
    }

    @Test func handComputedFeatures() throws {
        let folder = try ChurnFixture.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let m = try Self.builder(folder).matrix(at: ChurnFixture.cutoff)
        // A: purchases 01-10, 02-10, 03-01, 03-20, 05-15 (10 each) by 06-30.
        #expect(try Self.value(m, "A", "recency_days") == 46)          // 05-15 → 06-30
        #expect(try Self.value(m, "A", "tenure_days") == 172)          // 21 + 29 + 31 + 30 + 31 + 30
        #expect(try Self.value(m, "A", "purchases_total") == 5)
        #expect(try Self.value(m, "A", "spend_total") == 50)
        #expect(try Self.value(m, "A", "purchases_30d") == 0)
        #expect(try Self.value(m, "A", "purchases_90d") == 1)
        #expect(try Self.value(m, "A", "purchases_180d") == 5)
        #expect(try Self.value(m, "A", "purchases_change") == -0.6)     // (1 − 4) / (1 + 4)
        #expect(try Self.value(m, "A", "mean_gap_days") == 31.5)        // (31 + 20 + 19 + 56) / 4
        #expect(abs(try Self.value(m, "A", "recency_over_median_gap") - 46 / 25.5) < 1e-12)
        // Tickets: complaints 03-01, 05-01 (open), 06-01 (resolved 07-15): 2 in 90 days, 3 in total.
        #expect(try Self.value(m, "A", "complaints_90d") == 2)
        #expect(try Self.value(m, "A", "complaints_365d") == 3)
        #expect(try Self.value(m, "A", "complaint_rate") == 0.6)        // 3 / 5 purchases
        #expect(try Self.value(m, "A", "unresolved_complaints") == 2)
        #expect(try Self.value(m, "A", "logins_90d") == 3)
        // Surveys: the latest NPS is 9 (06-01), CSAT 2 (05-01).
        #expect(try Self.value(m, "A", "last_nps") == 9)
        #expect(try Self.value(m, "A", "last_csat") == 2)
        #expect(try Self.value(m, "B", "detractor_365d") == 1)          // NPS 5 and 3
        // Customers: A registered 2023-12-01, 212 days before; C registers after the cutoff: unknown.
        #expect(try Self.value(m, "A", "registered_days") == 212)
        #expect(try Self.value(m, "C", "has_registration") == 0)
        #expect(try Self.value(m, "A", "region=North") == 1)
        #expect(try Self.value(m, "B", "region=South") == 1)
        #expect(try Self.value(m, "B", "region=North") == 0)
        let finite = m.values.allSatisfy { $0.isFinite }
        #expect(finite)
    }

    @Test func featuresNeverLookPastTheCutoff() throws {
        let plain = try ChurnFixture.folder()
        let planted = try ChurnFixture.folder(future: true)
        defer {
            try? FileManager.default.removeItem(at: plain)
            try? FileManager.default.removeItem(at: planted)
        }
        let before = try Self.builder(plain).matrix(at: ChurnFixture.cutoff)
        let after = try Self.builder(planted).matrix(at: ChurnFixture.cutoff)
        #expect(after.featureNames == before.featureNames)
        #expect(after.customerIDs == before.customerIDs)   // D buys only after the cutoff
        #expect(after.values.map(\.bitPattern) == before.values.map(\.bitPattern))
        // The planted purchase of B on 07-03 does change B's label: labels look ahead, features not.
        #expect(after.labels == [0, 0, 1])
    }

    @Test func missingSideFilesAreSkippedWithANote() throws {
        let folder = try ChurnFixture.folder(withSideFiles: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        let builder = try Self.builder(folder)
        #expect(builder.activity.notes.count == 4)
        let m = builder.matrix(at: ChurnFixture.cutoff)
        #expect(m.featureNames.last == "has_repeat")
        #expect(!m.featureNames.contains("complaints_90d"))
        #expect(m.labels == [0, 1, 1])
    }

    @Test func cutoffOutsideTheDataOrHorizonPastItsEndIsRefused() throws {
        let folder = try ChurnFixture.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let builder = try Self.builder(folder)
        // Data 2024-01-10 … 12-01: the latest usable cutoff is 12-01 − 90 days = 09-02.
        #expect(builder.latestUsableCutoff?.iso == "2024-09-02")
        let late = try #require(throws: ChurnError.self) { try builder.validate(cutoff: try #require(CalendarDay(isoText: "2024-10-01"))) }
        #expect(late.message.contains("runs past the data's end 2024-12-01") && late.message.contains("latest usable cutoff is 2024-09-02"))
        let early = try #require(throws: ChurnError.self) { try builder.validate(cutoff: try #require(CalendarDay(isoText: "2023-01-01"))) }
        #expect(early.message.contains("outside the data") && early.message.contains("2024-09-02"))
        try builder.validate(cutoff: ChurnFixture.cutoff)
    }
}
