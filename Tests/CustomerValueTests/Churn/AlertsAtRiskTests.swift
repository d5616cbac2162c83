import Foundation
import Testing
@testable import CustomerValue

struct AlertsAtRiskTests {
    /// On ``ChurnFixture`` at 2024-06-30: A and B trip rules, C none; three customers are too few
    /// for Gamma-Gamma (it needs 10), so the value at risk uses the mean spend and says so.
    @Test func alertsAreRankedByValueAtRisk() throws {
        let folder = try ChurnFixture.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (history, activity) = try ChurnFixture.load(folder)
        let (ranked, notes) = try AlertAtRisk.rank(history: history, activity: activity, rules: .standard, asOf: ChurnFixture.cutoff)
        #expect(Set(ranked.map(\.customerID)) == ["A", "B"])
        #expect(zip(ranked, ranked.dropFirst()).allSatisfy { $0.valueAtRisk >= $1.valueAtRisk })
        // (BG/NBD on three customers is degenerate: dropout certain, so values may be 0; the
        // ranking and the fallback are what is checked here.)
        for a in ranked {
            #expect(a.valueAtRisk >= 0 && a.clv == nil && a.churnProbability >= 0 && a.churnProbability <= 1)
        }
        #expect(notes.contains { $0.hasPrefix("Gamma-Gamma not fitted") })
    }
}
