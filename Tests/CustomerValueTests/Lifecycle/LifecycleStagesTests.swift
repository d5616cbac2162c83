import Foundation
import Testing
@testable import CustomerValue

/// Stages and cycles of a small history judged by hand at 2024-06-30 with the default rules
/// (new 30 days, lapsed 180, reactivated 90, overdue factor 1.5).
struct LifecycleStagesTests {
    static let log = """
        customer_id,date,amount
        N,2024-06-10,10
        L,2023-10-01,10
        L,2023-12-01,10
        R,2023-06-01,10
        R,2024-06-01,10
        K,2024-03-01,10
        K,2024-04-01,10
        K,2024-05-01,10
        A,2024-05-01,10
        A,2024-06-01,10
        A,2024-06-20,10
        A,2024-06-20,5
        O,2024-03-15,10
        F,2024-07-05,10

        """

    static func stages() throws -> (TransactionHistory, LifecycleStages) {
        let history = try PeriodicAnalysisTests.history(log, observationEnd: "2024-07-31")
        let stages = try LifecycleStages(history: history, asOf: CalendarDay(isoText: "2024-06-30"))
        return (history, stages)
    }

    static func index(_ history: TransactionHistory, _ id: String) throws -> Int {
        try #require((0..<history.customerCount).first { history.customerID($0) == id })
    }

    @Test func eachRuleAssignsItsStage() throws {
        let (history, stages) = try Self.stages()
        func stage(_ id: String) throws -> LifecycleStage? { stages.stage[try Self.index(history, id)] }
        // N: first purchase 20 days before → new.
        #expect(try stage("N") == .new)
        // L: last purchase 2023-12-01, 212 days before > 180 → lapsed.
        #expect(try stage("L") == .lapsed)
        // R: 366-day pause before 2024-06-01, which is 29 days before → reactivated.
        #expect(try stage("R") == .reactivated)
        // K: gaps 31, 30 (median 30.5); 60 days since the last > 1.5 × 30.5 = 45.75 → at risk.
        #expect(try stage("K") == .atRisk)
        // A: gaps 31, 19 (median 25); 10 days since the last → active.
        #expect(try stage("A") == .active)
        // O: one purchase 107 days before; all gaps 19, 30, 31, 31, 61, 366 have median 31,
        // and 107 > 1.5 × 31 → at risk.
        #expect(try stage("O") == .atRisk)
        // F only buys after the as-of date.
        #expect(try stage("F") == nil)
        #expect(stages.customersWithoutPurchases == 1)
        #expect(stages.counts[.atRisk] == 2)
        // K: 2024-05-01 + 30.5 rounded (31) days; A: 2024-06-20 + 25 days.
        #expect(try stages.expectedNextPurchase[Self.index(history, "K")]?.iso == "2024-06-01")
        #expect(try stages.expectedNextPurchase[Self.index(history, "A")]?.iso == "2024-07-15")
        #expect(try stages.expectedNextPurchase[Self.index(history, "O")] == nil)
        #expect(try stages.daysSinceLast[Self.index(history, "O")] == 107)
    }

    @Test func cycleStatisticsAndRegularity() throws {
        let (history, stages) = try Self.stages()
        let overall = try #require(stages.cycle.overall)
        // Gaps up to the as-of date, sorted: 19, 30, 31, 31, 61, 366 (A's two rows of 06-20 are one day).
        #expect(overall.gaps == 6)
        #expect(abs(overall.mean - 538.0 / 6) < 1e-12)
        // Type 7: h = 5 · 0.25 = 1.25 → 30 + 0.25 · (31 − 30); h = 3.75 → 31 + 0.75 · (61 − 31).
        #expect(overall.lowerQuartile == 30.25)
        #expect(overall.median == 31)
        #expect(overall.upperQuartile == 53.5)
        #expect(overall.histogram.map(\.count) == [0, 0, 2, 2, 1, 0, 0, 1])
        // K: mean 30.5, sample sd √((0.5² + 0.5²)/1) = √0.5; A: mean 25, sd √(6² + 6²) = √72.
        let k = try Self.index(history, "K"), a = try Self.index(history, "A")
        #expect(abs(try #require(stages.cycle.coefficientOfVariation[k]) - 0.5.squareRoot() / 30.5) < 1e-12)
        #expect(abs(try #require(stages.cycle.coefficientOfVariation[a]) - 72.0.squareRoot() / 25) < 1e-12)
        // One gap is not enough for a CV.
        #expect(try stages.cycle.coefficientOfVariation[Self.index(history, "R")] == nil)
    }
}
