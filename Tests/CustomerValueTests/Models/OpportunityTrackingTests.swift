import Foundation
import Testing
@testable import CustomerValue

/// BG/BB tracking by calendar period against hand computation and a simulation.
struct OpportunityTrackingTests {
    @Test func handComputedYears() throws {
        let history = try DiscreteSummaryTests.history(DiscreteSummaryTests.log, end: try DiscreteSummaryTests.day(2024, 12, 31))
        let summary = try DiscreteSummary(history: history, period: .year)
        // α = β = 1: E[p] = 1/2; γ = δ = 1: E[(1−θ)^k] = B(1, 1+k)/B(1, 1) = 1/(1+k).
        let tracking = OpportunityTracking(summary: summary, model: BGBB(parameters: .init(alpha: 1, beta: 1, gamma: 1, delta: 1)))
        // Births: A 2019, B 2021, D 2023, C 2024. Expected per year, 1/2 · 1/(1+k) per customer at
        // opportunity k: 2020 A(1) 1/4; 2021 A(2) 1/6; 2022 A(3) 1/8 + B(1) 1/4; 2023 A(4) 1/10 +
        // B(2) 1/6; 2024 A(5) 1/12 + B(3) 1/8 + D(1) 1/4.
        let expected = [1.0 / 4, 1.0 / 6, 1.0 / 8 + 1.0 / 4, 1.0 / 10 + 1.0 / 6, 1.0 / 12 + 1.0 / 8 + 1.0 / 4]
        #expect(tracking.periods.map(\.period) == ["2020", "2021", "2022", "2023", "2024"])
        for (period, value) in zip(tracking.periods, expected) {
            #expect(abs(period.expected - value) < 1e-12, "\(period.period)")
        }
        // Actual: A in 2020 and 2022, D in 2024 (C's second 2024 purchase is in its birth year).
        #expect(tracking.periods.map(\.actual) == [1, 0, 1, 0, 1])
        #expect(tracking.periods.map(\.cumulativeActual) == [1, 1, 2, 2, 3])
        #expect(abs((tracking.periods.last?.cumulativeExpected ?? 0) - expected.reduce(0, +)) < 1e-12)
        #expect(tracking.customers == 4)
        #expect(!tracking.periods.contains { $0.holdout })
    }

    @Test func calibrationMarksTheHoldout() throws {
        let history = try DiscreteSummaryTests.history(DiscreteSummaryTests.log, end: try DiscreteSummaryTests.day(2024, 12, 31))
        let summary = try DiscreteSummary(history: history, period: .year, calibrationEnd: try DiscreteSummaryTests.day(2022, 12, 31))
        let tracking = OpportunityTracking(summary: summary, model: BGBB(parameters: .init(alpha: 1, beta: 1, gamma: 1, delta: 1)))
        // Cohort A and B (born by 2022); periods 2020–2024, holdout 2023–2024; D's 2024 purchase is
        // not the cohort's.
        #expect(tracking.periods.map(\.holdout) == [false, false, false, true, true])
        #expect(tracking.periods.map(\.actual) == [1, 0, 1, 0, 0])
        #expect(abs(tracking.periods[4].expected - (1.0 / 12 + 1.0 / 8)) < 1e-12)
    }
}
