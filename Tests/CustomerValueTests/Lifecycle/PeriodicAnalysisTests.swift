import Foundation
import Testing
@testable import CustomerValue

/// Cohorts and KPIs of a small history computed by hand (months, churn span S = 31 days,
/// observation end 2024-05-15, so May is partial).
struct PeriodicAnalysisTests {
    static func history(_ text: String, observationEnd: String) throws -> TransactionHistory {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lifecycle-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try TransactionLoader.load(
            path: url.path, options: TransactionIngestOptions(observationEnd: CalendarDay(isoText: observationEnd)))
    }

    // A: two orders on 01-05 (one purchase day), 01-20, 02-10. B: 01-10, then 04-02 after 82 days
    // (reactivated). C: one purchase 02-03. D: 03-31 and 04-01 (returning across the month edge).
    static let log = """
        customer_id,date,amount
        A,2024-01-05,10
        A,2024-01-05,5
        A,2024-01-20,20
        A,2024-02-10,30
        B,2024-01-10,100
        B,2024-04-02,50
        C,2024-02-03,7
        D,2024-03-31,40
        D,2024-04-01,60

        """

    static func analysis(margin: Double = 1) throws -> PeriodicAnalysis {
        try PeriodicAnalysis(history: history(log, observationEnd: "2024-05-15"),
                             options: PeriodicOptions(period: .month, churnDays: 31, grossMargin: margin))
    }

    @Test func cohortsFollowTheirCustomersAndLeaveFutureCellsOut() throws {
        let table = try Self.analysis().cohorts
        // Five months Jan..May, one cohort each; cohort k has 5 − k ages that have happened.
        #expect(table.cohorts.map(\.start.iso) == ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01"])
        #expect(table.cohorts.map(\.ages) == [5, 4, 3, 2, 1])
        #expect(table.cohorts.map(\.size) == [2, 1, 1, 0, 0])
        let january = table.cohorts[0]
        // A and B in Jan; A in Feb; nobody in Mar; B in Apr; nobody in May.
        #expect(january.activeCustomers == [2, 1, 0, 1, 0])
        // Jan: 10 + 5 + 20 + 100; Feb: A's 30; Apr: B's 50.
        #expect(january.revenue == [135, 30, 0, 50, 0])
        #expect(january.retention(age: 1) == 0.5)
        #expect(january.retention(age: 5) == nil)
        #expect(january.revenueRetention(age: 3) == 50.0 / 135)
        // (135 + 30) / 2 customers.
        #expect(january.cumulativeRevenuePerCustomer(age: 1) == 82.5)
        #expect(table.cohorts[2].activeCustomers == [1, 1, 0])
        #expect(table.cohorts[3].retention(age: 0) == nil)
        #expect(table.singleCustomerCohorts == 2)
        #expect(table.emptyCohorts == 2)
    }

    @Test func kpisCountNewReturningReactivatedAndChurned() throws {
        let kpis = try Self.analysis().kpis
        #expect(kpis.count == 5)
        // Active: Jan A B; Feb A C; Mar D; Apr B D; May nobody.
        #expect(kpis.map(\.activeCustomers) == [2, 2, 1, 2, 0])
        #expect(kpis.map(\.newCustomers) == [2, 1, 1, 0, 0])
        // Feb: A (Feb 1 − Jan 20 = 12 ≤ 31 days). Apr: D (Apr 1 − Mar 31 = 1 day).
        #expect(kpis.map(\.returningCustomers) == [0, 1, 0, 1, 0])
        // Apr: B (Apr 1 − Jan 10 = 82 > 31 days).
        #expect(kpis.map(\.reactivatedCustomers) == [0, 0, 0, 1, 0])
        // Alive at the start: Feb A (Jan 20), B (Jan 10: 22 days); Mar A (Feb 10: 20 days),
        // C (Feb 3: 27 days); Apr D (Mar 31); May B (Apr 2), D (Apr 1: 30 days).
        #expect(kpis.map(\.customersAtStart) == [0, 2, 2, 1, 2])
        // Churn days (last + 31, no purchase between): B Feb 10; A Mar 12 (2024 is a leap
        // year), C Mar 5; B May 3, D May 2 (both before the observation end May 15).
        #expect(kpis.map(\.churnedCustomers) == [0, 1, 2, 0, 2])
        #expect(kpis.map(\.churnRate) == [nil, 0.5, 1, 0, 1])
        #expect(kpis.map(\.retentionRate) == [nil, 0.5, 0, 1, 0])
        #expect(kpis.map(\.partial) == [false, false, false, false, true])
        #expect(kpis[4].end.iso == "2024-05-15")
    }

    @Test func moneyKPIsAndSameDayPurchases() throws {
        let kpis = try Self.analysis(margin: 0.4).kpis
        #expect(kpis.map(\.revenue) == [135, 37, 40, 110, 0])
        // Jan orders: A's three rows + B's one; A's two rows of Jan 5 are one purchase day.
        #expect(kpis[0].orders == 4)
        #expect(kpis[0].averageOrderValue == 135.0 / 4)
        #expect(kpis[0].arpu == 67.5)
        #expect(kpis[0].purchaseFrequency == 2)
        // Only A bought on two different days of January (Jan 5 and Jan 20).
        #expect(kpis.map(\.repurchaseRate) == [0.5, 0, 0, 0, nil])
        // May: no active customer, so the per-customer rates are empty, never 0 or NaN.
        #expect(kpis[4].arpu == nil && kpis[4].averageOrderValue == nil && kpis[4].purchaseFrequency == nil)
        // Feb: AOV 37 / 2 = 18.5, frequency 2 / 2 = 1, lifespan 1 / 0.5 = 2, margin 0.4 → 14.8.
        let clv = try #require(kpis[1].simpleLifetimeValue(grossMargin: 0.4))
        #expect(abs(clv - 14.8) < 1e-12)
        // Apr: churn rate 0 → no lifespan, no CLV.
        #expect(kpis[3].simpleLifetimeValue(grossMargin: 0.4) == nil)
    }

    @Test func activeCustomersArePartitioned() throws {
        let analysis = try Self.analysis()
        for k in analysis.kpis {
            #expect(k.activeCustomers == k.newCustomers + k.returningCustomers + k.reactivatedCustomers)
        }
        #expect(analysis.periodsWithoutPurchases.map(\.iso) == ["2024-05-01"])
    }

    @Test func rejectsAChurnSpanShorterThanAPeriod() throws {
        let history = try Self.history(Self.log, observationEnd: "2024-05-15")
        #expect(throws: LifecycleError.self) {
            try PeriodicAnalysis(history: history, options: PeriodicOptions(period: .month, churnDays: 30))
        }
    }

    @Test func periodStartsOfWeeksMonthsAndQuarters() throws {
        let day = try #require(CalendarDay(isoText: "2024-05-15"))
        // 2024-05-15 is a Wednesday: its ISO week starts Monday 2024-05-13.
        #expect(LifecyclePeriod.week.start(ofIndex: LifecyclePeriod.week.index(of: day)).iso == "2024-05-13")
        #expect(LifecyclePeriod.month.start(ofIndex: LifecyclePeriod.month.index(of: day)).iso == "2024-05-01")
        #expect(LifecyclePeriod.quarter.start(ofIndex: LifecyclePeriod.quarter.index(of: day)).iso == "2024-04-01")
        let old = try #require(CalendarDay(isoText: "1969-12-28"))
        // A Sunday before the epoch: its week starts Monday 1969-12-22.
        #expect(LifecyclePeriod.week.start(ofIndex: LifecyclePeriod.week.index(of: old)).iso == "1969-12-22")
    }
}
