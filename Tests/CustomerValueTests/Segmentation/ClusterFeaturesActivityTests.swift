import Foundation
import Testing
@testable import CustomerValue

/// Side-data aggregates as clustering features, on a hand-built activity.
struct ClusterFeaturesActivityTests {
    @Test func handComputedAggregates() throws {
        // Two customers, observation end 31 Dec 2024 (E). A: purchases 1 Mar and 20 Dec; B: 1 Dec.
        let history = try CustomerSummaryTests.history("""
            customer_id,date,amount
            A,2024-03-01,10
            A,2024-12-20,10
            B,2024-12-01,5
            """, observationEnd: "2024-12-31")
        let summary = try CustomerSummary(history: history)
        let day = { (m: Int, d: Int, y: Int) -> Int32 in CalendarDay(year: y, month: m, day: d).map(\.ordinal) ?? 0 }
        var activity = CustomerActivity(customerCount: 2)
        activity.available = [.tickets, .events, .surveys, .customers]
        // A (index 0): a complaint on 1 Dec still open, an inquiry on 1 Dec 2023 (over a year before E),
        // and a complaint dated after E (ignored). B: nothing.
        activity.ticketStart = [0, 3, 3]
        activity.ticketDay = [day(12, 1, 2024), day(12, 1, 2023), day(1, 5, 2025)]
        activity.ticketIsComplaint = [true, false, true]
        activity.ticketResolvedDay = [.max, day(12, 2, 2023), .max]
        // B: a login on 30 Dec, an email click on 1 Jul (outside 90 days, inside 365), a cart abandon on 15 Dec.
        activity.eventStart = [0, 0, 3]
        activity.eventDay = [day(12, 30, 2024), day(7, 1, 2024), day(12, 15, 2024)]
        activity.eventKind = [.login, .emailClick, .cartAbandon]
        // A answered NPS 9 and 5 (CSAT 4 once); B never answered.
        activity.surveyStart = [0, 2, 2]
        activity.surveyDay = [day(3, 1, 2024), day(6, 1, 2024)]
        activity.surveyNPS = [9, 5]
        activity.surveyCSAT = [4, .nan]
        // A registered 1 Jan 2022; B's registration is unknown (its first purchase is used).
        activity.registeredDay = [day(1, 1, 2022), .min]

        var features = ClusterFeatures(summary: summary)
        try features.appendActivity(activity, summary: summary)
        func values(_ name: String) throws -> [Double] { try #require(features.feature(name)).values }
        // Summary rows are A, B (file order).
        #expect(summary.customerID(0) == "A")
        #expect(try values("tickets_365") == [1, 0])
        #expect(try values("complaints_365") == [1, 0])
        #expect(try values("complaint_rate") == [0.5, 0])          // 1 complaint over A's 2 orders in the window
        #expect(try values("unresolved_complaints") == [1, 0])
        #expect(try values("events_365") == [0, 3])
        #expect(try values("logins_90") == [0, 1])
        #expect(try values("email_engagement_90") == [0, 0])       // the click is older than 90 days
        #expect(try values("cart_abandons_90") == [0, 1])
        #expect(try values("surveys_answered") == [2, 0])
        #expect(try values("mean_nps") == [7, 7])                  // B without an answer gets the respondents' mean
        #expect(try values("mean_csat") == [4, 4])
        // A: 1 Jan 2022 to 31 Dec 2024 = 1095 days; B: 1 Dec to 31 Dec 2024 = 30 days.
        #expect(try values("tenure_days") == [1095, 30])
        #expect(ClusterFeatures.activityNames.allSatisfy { features.names.contains($0) })
        #expect(features.names.count == 22)
    }

    @Test func onlyTheSourcesReadAddFeatures() throws {
        let history = try CustomerSummaryTests.history("customer_id,date,amount\nA,2024-01-01,10\n", observationEnd: "2024-12-31")
        let summary = try CustomerSummary(history: history)
        var activity = CustomerActivity(customerCount: 1)
        activity.available = [.customers]
        var features = ClusterFeatures(summary: summary)
        try features.appendActivity(activity, summary: summary)
        #expect(features.names.last == "tenure_days" && features.feature("tickets_365") == nil)
    }
}
