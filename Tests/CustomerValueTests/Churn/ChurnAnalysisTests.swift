import Foundation
import Testing
@testable import CustomerValue

struct ChurnAnalysisTests {
    /// Cutoff 2024-06-30, horizon 90: training cutoff 04-01, when only A has bought (B starts 04-10,
    /// C 06-25), and A buys again on 05-15: one class only, which no model can learn from.
    @Test func trainingWithOneClassIsAClearError() throws {
        let folder = try ChurnFixture.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (history, activity) = try ChurnFixture.load(folder)
        let error = try #require(throws: ChurnError.self) {
            try ChurnAnalysis(history: history, activity: activity, options: ChurnAnalysisOptions(cutoff: ChurnFixture.cutoff, models: [.btyd]))
        }
        #expect(error.message.contains("2024-04-01") && error.message.contains("none churned"))
    }

    /// Cutoff 2024-09-02 (the latest usable): training at 06-04 on A (buys 06-30? no: next 08-01,
    /// inside (06-04, 09-02] → 0) and B (no purchase after 04-30 → 1): both classes.
    @Test func defaultCutoffIsTheLatestUsableAndScoresEveryCustomer() throws {
        let folder = try ChurnFixture.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (history, activity) = try ChurnFixture.load(folder)
        let analysis = try ChurnAnalysis(history: history, activity: activity, options: ChurnAnalysisOptions(models: [.btyd]))
        #expect(analysis.cutoff.iso == "2024-09-02" && analysis.trainCutoff.iso == "2024-06-04")
        #expect(analysis.train.labels == [0, 1])
        #expect(analysis.customers.map(\.customerID) == ["A", "B", "C"])
        #expect(Set(analysis.evaluation.keys) == ["btyd", "recency_baseline"])
    }
}
