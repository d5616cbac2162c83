import Foundation
import Testing
@testable import CustomerValue

/// Each warning rule on the hand-made histories of ``ChurnFixture`` at 2024-06-30 (90-day windows:
/// last 04-02 … 06-30, previous 01-03 … 04-01).
struct WarningRulesTests {
    static func alerts(_ rules: WarningRules = .standard) throws -> [String: ChurnAlert] {
        let folder = try ChurnFixture.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (history, activity) = try ChurnFixture.load(folder)
        let alerts = rules.evaluate(history: history, activity: activity, asOf: ChurnFixture.cutoff)
        return Dictionary(uniqueKeysWithValues: alerts.map { (history.customerID($0.customer), $0) })
    }

    static func rule(_ alerts: [String: ChurnAlert], _ id: String, _ metric: WarningMetric) -> TrippedRule? {
        alerts[id]?.rules.first { $0.metric == metric }
    }

    @Test func purchaseFrequencyDecline() throws {
        let alerts = try Self.alerts()
        // A: 4 purchases in the previous window (01-10, 02-10, 03-01, 03-20), 1 in the last (05-15):
        // decline (4 − 1)/4 = 0.75 ≥ 0.5.
        let a = try #require(Self.rule(alerts, "A", .purchaseFrequencyDecline))
        #expect(a.values == ["last_window": 1, "previous_window": 4, "decline": 0.75])
        // B: nothing in the previous window, so no decline to measure; C: likewise.
        #expect(Self.rule(alerts, "B", .purchaseFrequencyDecline) == nil)
        #expect(Self.rule(alerts, "C", .purchaseFrequencyDecline) == nil)
    }

    @Test func recencyOverMedianGap() throws {
        let alerts = try Self.alerts()
        // B: gaps 10, 10 → median 10; 61 days since 04-30 > 2 × 10.
        let b = try #require(Self.rule(alerts, "B", .recencyOverMedianGap))
        #expect(b.values == ["recency_days": 61, "median_gap_days": 10, "factor": 2])
        // A: gaps 31, 20, 19, 56 → median 25.5; 46 days since 05-15 ≤ 51: not tripped.
        #expect(Self.rule(alerts, "A", .recencyOverMedianGap) == nil)
        // C: one purchase, no gap.
        #expect(Self.rule(alerts, "C", .recencyOverMedianGap) == nil)
    }

    @Test func complaintsUpAndUnresolved() throws {
        let alerts = try Self.alerts()
        // A: complaints 05-01 and 06-01 in the last window, 03-01 in the previous: 2 − 1 ≥ 1.
        #expect(Self.rule(alerts, "A", .complaintsUp)?.values == ["last_window": 2, "previous_window": 1])
        // A: 05-01 is open, 06-01 was resolved on 07-15, after the as-of date: 2 unresolved.
        #expect(Self.rule(alerts, "A", .unresolvedComplaints)?.values == ["unresolved": 2])
        // B: complaint 05-01 resolved 05-03: up (1 vs 0) but not unresolved.
        #expect(Self.rule(alerts, "B", .complaintsUp)?.values == ["last_window": 1, "previous_window": 0])
        #expect(Self.rule(alerts, "B", .unresolvedComplaints) == nil)
    }

    @Test func engagementDeclineAndCartAbandons() throws {
        let alerts = try Self.alerts()
        // B: 2 email opens in the previous window, none in the last: decline 1.
        #expect(Self.rule(alerts, "B", .engagementDecline)?.values == ["last_window": 0, "previous_window": 2, "decline": 1])
        // A: logins 4 → 3, decline 0.25 < 0.5.
        #expect(Self.rule(alerts, "A", .engagementDecline) == nil)
        // B: cart abandons 3 in the last window vs 1 before: 3 ≥ 3 × 1.
        #expect(Self.rule(alerts, "B", .cartAbandonsUp)?.values == ["last_window": 3, "previous_window": 1, "factor": 3])
        // C: 2 vs 0: 2 < 3 × max(0, 1).
        #expect(Self.rule(alerts, "C", .cartAbandonsUp) == nil)
    }

    @Test func detractorAndLowCSAT() throws {
        let alerts = try Self.alerts()
        // B: NPS 5 on 05-20 (the 3 of 01-01 is outside the window).
        #expect(Self.rule(alerts, "B", .detractorNPS)?.values == ["nps": 5])
        // A: NPS 9 is a promoter; CSAT 2 on 05-01 ≤ 2.
        #expect(Self.rule(alerts, "A", .detractorNPS) == nil)
        #expect(Self.rule(alerts, "A", .lowCSAT)?.values == ["csat": 2])
        // C: NPS 6 on 02-01 is 150 days old.
        #expect(Self.rule(alerts, "C", .detractorNPS) == nil)
    }

    @Test func alertSeverityAndActionComeFromTheMostSevereRule() throws {
        let alerts = try Self.alerts()
        // A trips purchase_frequency_decline (high, first in the list) among others.
        let a = try #require(alerts["A"])
        #expect(a.severity == .high)
        #expect(a.action == WarningMetric.purchaseFrequencyDecline.defaultAction)
        #expect(a.action.zh != a.action.en)
        // C trips nothing.
        #expect(alerts["C"] == nil)
    }

    @Test func yamlRulesReplaceTheDefaults() throws {
        let rules = try WarningRules.load(yaml: """
            window_days: 60
            rules:
              - metric: recency_over_median_gap
                threshold: 10
                severity: low
                action: {en: Wait, zh: 等待}
              - metric: detractor_nps
                window_days: 365
            """)
        #expect(rules.rules.count == 2)
        #expect(rules.rules[0].threshold == 10 && rules.rules[0].windowDays == 60 && rules.rules[0].severity == .low)
        #expect(rules.rules[0].action == LocalizedText(en: "Wait", zh: "等待"))
        #expect(rules.rules[1].windowDays == 365 && rules.rules[1].threshold == 6)
        let alerts = try Self.alerts(rules)
        // B: 61 days ≤ 10 × 10: not tripped; with a 365-day window the NPS 3 of 01-01 is the lowest.
        #expect(Self.rule(alerts, "B", .recencyOverMedianGap) == nil)
        #expect(Self.rule(alerts, "B", .detractorNPS)?.values == ["nps": 3])
        // C: NPS 6 on 02-01 is now inside the window: a detractor.
        #expect(Self.rule(alerts, "C", .detractorNPS)?.values == ["nps": 6])
    }

    @Test func unknownMetricNamesItsLine() throws {
        let error = try #require(throws: WarningRuleError.self) {
            try WarningRules.load(yaml: "rules:\n  - metric: recency_over_median_gap\n  - metric: loyalty_points\n", source: "rules.yaml")
        }
        #expect(error.line == 3)
        #expect(error.description.hasPrefix("rules.yaml:3: unknown metric \"loyalty_points\""))
    }

    @Test func rulesNeedingMissingFilesAreSkippedWithANote() throws {
        let folder = try ChurnFixture.folder(withSideFiles: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (_, activity) = try ChurnFixture.load(folder)
        let (rules, notes) = WarningRules.standard.applicable(to: activity)
        #expect(rules.rules.map(\.metric) == [.purchaseFrequencyDecline, .recencyOverMedianGap])
        #expect(notes.count == 3)
        #expect(notes.contains { $0.hasPrefix("no tickets file") && $0.contains("unresolved_complaints") })
    }
}
