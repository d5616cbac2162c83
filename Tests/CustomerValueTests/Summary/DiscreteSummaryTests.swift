import Foundation
import Testing
@testable import CustomerValue

/// Transactions summarised in calendar periods for the BG/BB: hand-computed (x, t_x, n), the
/// period calendar, and a simulation of the BG/BB written out as transactions.
struct DiscreteSummaryTests {
    static func history(_ text: String, end: CalendarDay) throws -> TransactionHistory {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("discrete-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("t.csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return try TransactionLoader.load(path: url.path, options: TransactionIngestOptions(observationEnd: end))
    }

    static func day(_ y: Int, _ m: Int, _ d: Int) throws -> CalendarDay { try #require(CalendarDay(year: y, month: m, day: d)) }

    static let log = """
        customer_id,date,amount
        A,2019-03-01,10
        A,2019-07-01,10
        A,2020-05-01,10
        A,2020-06-01,10
        A,2022-01-10,10
        B,2021-02-02,10
        C,2024-06-01,10
        C,2024-07-01,10
        D,2023-12-31,10
        D,2024-01-01,10
        """

    /// (x, t_x, n) of each customer by hand, keyed by id.
    static func rows(_ s: DiscreteSummary) -> [String: [Int]] {
        Dictionary(uniqueKeysWithValues: s.customerIDs.indices.map {
            (s.customerIDs[$0], [s.frequency[$0], s.recency[$0], s.opportunities[$0]])
        })
    }

    @Test func yearsByHand() throws {
        let history = try Self.history(Self.log, end: try Self.day(2024, 12, 31))
        let s = try DiscreteSummary(history: history, period: .year)
        // A: born 2019; opportunities 2020…2024 (n = 5); purchases in 2020 (two days, one
        // opportunity: t = 1) and 2022 (t = 3); the second 2019 day is the birth period: x 2, t_x 3.
        // B: born 2021, nothing after: (0, 0, 3). C: born 2024, the last complete year: n = 0.
        // D: born 2023 (31 Dec), bought 2024: (1, 1, 1).
        #expect(Self.rows(s) == ["A": [2, 3, 5], "B": [0, 0, 3], "C": [0, 0, 0], "D": [1, 1, 1]])
        #expect(s.customersAfterLastPeriod == 0)
        #expect(s.lastPeriod == 2024)
    }

    @Test func incompleteLastPeriodIsNotAnOpportunity() throws {
        // Observation end 30 Dec 2024: 2024 is not complete, so 2023 is the last opportunity;
        // C (born 2024) is left out, D's 2024 purchase is not used: D (0, 0, 0); A and B lose 2024.
        let history = try Self.history(Self.log, end: try Self.day(2024, 12, 30))
        let s = try DiscreteSummary(history: history, period: .year)
        #expect(Self.rows(s) == ["A": [2, 3, 4], "B": [0, 0, 2], "D": [0, 0, 0]])
        #expect(s.customersAfterLastPeriod == 1)
    }

    @Test func quartersByHand() throws {
        let history = try Self.history(Self.log, end: try Self.day(2024, 12, 31))
        let s = try DiscreteSummary(history: history, period: .quarter)
        // A: born 2019-Q1; purchases 2019-Q3 (t 2), 2020-Q2 (t 5; 1 May and 1 June are one
        // quarter), 2022-Q1 (t 12); n = 2024-Q4 − 2019-Q1 = 23. B: born 2021-Q1, n = 15.
        // C: born 2024-Q2, bought 2024-Q3: (1, 1, 2). D: born 2023-Q4, bought 2024-Q1: (1, 1, 4).
        #expect(Self.rows(s) == ["A": [3, 12, 23], "B": [0, 0, 15], "C": [1, 1, 2], "D": [1, 1, 4]])
    }

    @Test func monthsAndWeeksByHand() throws {
        let history = try Self.history(Self.log, end: try Self.day(2024, 12, 31))
        let months = try DiscreteSummary(history: history, period: .month)
        // D: born 2023-12, bought 2024-01 (t 1), n = 12 (January–December 2024).
        // C: born 2024-06, bought 2024-07 (t 1), n = 6.
        #expect(Self.rows(months)["D"] == [1, 1, 12])
        #expect(Self.rows(months)["C"] == [1, 1, 6])
        // Weeks (Monday to Sunday): 2023-12-31 is a Sunday, 2024-01-01 the next Monday, so D buys at
        // opportunity 1. 2024-12-31 is a Tuesday: its week is incomplete, the last complete week is
        // 23–29 Dec 2024, 52 weeks after D's birth week (25–31 Dec 2023).
        let weeks = try DiscreteSummary(history: history, period: .week)
        #expect(Self.rows(weeks)["D"] == [1, 1, 52])
    }

    @Test func calendar() throws {
        let week = OpportunityPeriod.week
        // 2024-01-01 is a Monday; 2024-01-07 a Sunday (a week complete), 2024-01-06 a Saturday.
        let monday = try Self.day(2024, 1, 1)
        #expect(week.firstDay(of: week.index(of: try Self.day(2024, 1, 3))) == monday)
        #expect(week.lastDay(of: week.index(of: monday)) == (try Self.day(2024, 1, 7)))
        #expect(week.lastCompletePeriod(through: try Self.day(2024, 1, 7)) == week.index(of: monday))
        #expect(week.lastCompletePeriod(through: try Self.day(2024, 1, 6)) == week.index(of: monday) - 1)
        // Every period's first day is in it and the day before is in the previous one, 1969–2030.
        for period in OpportunityPeriod.allCases {
            var previous = period.index(of: try Self.day(1969, 1, 1))
            for ordinal in Int32(-365)...Int32(22_000) {
                let k = period.index(of: CalendarDay(ordinal: ordinal))
                #expect(k == previous || k == previous + 1)
                if k == previous + 1 { #expect(period.firstDay(of: k).ordinal == ordinal, "\(period) \(k)") }
                previous = k
            }
        }
        #expect(OpportunityPeriod.quarter.label(OpportunityPeriod.quarter.index(of: try Self.day(2024, 8, 15))) == "2024-Q3")
        #expect(OpportunityPeriod.month.label(OpportunityPeriod.month.index(of: try Self.day(2024, 3, 15))) == "2024-03")
    }

    @Test func calibrationAndHoldout() throws {
        let history = try Self.history(Self.log + "\nE,2020-01-01,10\nE,2023-05-05,10\nE,2024-05-05,10\n", end: try Self.day(2024, 12, 31))
        let s = try DiscreteSummary(history: history, period: .year, calibrationEnd: try Self.day(2022, 12, 31))
        // Calibration 2022: A (2, 3, 3), B (0, 0, 1), E born 2020 (0, 0, 2); C and D are born later.
        // Holdout 2023–2024 (2 opportunities): E bought in both, A and B in none.
        #expect(Self.rows(s) == ["A": [2, 3, 3], "B": [0, 0, 1], "E": [0, 0, 2]])
        #expect(s.customersAfterLastPeriod == 2)
        #expect(s.holdoutOpportunities == 2)
        let holdout = Dictionary(uniqueKeysWithValues: zip(s.customerIDs, s.frequencyHoldout))
        #expect(holdout == ["A": 0, "B": 0, "E": 2])
    }

    @Test func badInputIsExplained() throws {
        // A single complete year: nobody has an opportunity after the first.
        let single = try Self.history("customer_id,date,amount\nA,2024-01-05,1\nB,2024-03-01,1\nA,2024-06-01,1\n", end: try Self.day(2024, 12, 31))
        #expect { try DiscreteSummary(history: single, period: .year) } throws: { "\($0)".contains("single complete year (2024)") }
        // No complete year at all by the observation end.
        let none = try Self.history("customer_id,date,amount\nA,2024-01-05,1\nA,2024-03-01,1\n", end: try Self.day(2024, 6, 30))
        #expect { try DiscreteSummary(history: none, period: .year) } throws: { "\($0)".contains("no complete year") }
        // A holdout without a complete period: calibration to March 2024, observation to June 2024
        // (both have 2023 as their last complete year).
        #expect { try DiscreteSummary(history: none, period: .year, calibrationEnd: try Self.day(2024, 3, 1)) } throws: {
            "\($0)".contains("no complete year lies between")
        }
    }

    /// Simulation with known truth: a BG/BB population (α, β, γ, δ) = (1.2, 0.75, 0.66, 2.8)
    /// written out as transactions (cohorts born 2015–2019, one to three purchase days in a year
    /// with a purchase, dates at random within it). The yearly summary must give back exactly the
    /// simulated (x, t_x, n), and the fit must recover the parameters within 3 standard errors.
    @Test func simulatedBGBBRecoversItsParameters() throws {
        let truth = BGBB.Parameters(alpha: 1.2, beta: 0.75, gamma: 0.66, delta: 2.8)
        var rng = SeededGenerator(seed: 23)
        var text = "customer_id,date,amount\n"
        var expected: [String: [Int]] = [:]
        func randomDay(in year: Int) -> CalendarDay {
            let first = OpportunityPeriod.year.firstDay(of: year)
            let length = Int(OpportunityPeriod.year.firstDay(of: year + 1).ordinal - first.ordinal)
            return first.adding(days: min(length - 1, Int(rng.nextUniform() * Double(length))))
        }
        for c in 0..<12_000 {
            let id = "C\(c)"
            let birth = 2015 + c % 5
            let n = 2024 - birth
            let p = rng.nextBeta(a: truth.alpha, b: truth.beta)
            let theta = rng.nextBeta(a: truth.gamma, b: truth.delta)
            text += "\(id),\(randomDay(in: birth).iso),10\n"
            var x = 0, tx = 0
            for t in 1...n {
                if rng.nextUniform() < theta { break }
                guard rng.nextUniform() < p else { continue }
                x += 1
                tx = t
                for _ in 0..<(1 + Int(rng.nextUniform() * 3)) { text += "\(id),\(randomDay(in: birth + t).iso),10\n" }
            }
            expected[id] = [x, tx, n]
        }
        let history = try Self.history(text, end: try Self.day(2024, 12, 31))
        let summary = try DiscreteSummary(history: history, period: .year)
        #expect(Self.rows(summary) == expected)
        // With the true parameters the tracking's expected purchases follow the simulated ones:
        // within 5% in total (about 4 standard deviations of the simulated total).
        let tracking = OpportunityTracking(summary: summary, model: BGBB(parameters: truth))
        let last = try #require(tracking.periods.last)
        #expect(abs(last.cumulativeExpected - Double(last.cumulativeActual)) < 0.05 * Double(last.cumulativeActual),
                "expected \(last.cumulativeExpected), actual \(last.cumulativeActual)")
        let (_, report) = try BGBB.fit(try DiscretePurchaseData(summary: summary))
        #expect(report.converged)
        for (j, value) in truth.array.enumerated() {
            let error = try #require(report.errors[j])
            #expect(abs(report.estimates[j] - value) < 3 * error, "\(report.parameterNames[j]) \(report.estimates[j]) ± \(error) vs \(value)")
        }
    }
}
