import Foundation
import Testing
@testable import CustomerValue

/// The next-category chain on a small file, fitted up to 2024-02-29 and scored on the first
/// purchase after it (hand computations in the comments; smoothing α = 1).
struct CategoryTransitionsTests {
    static let log = """
        customer_id,date,amount,category
        X,2024-01-01,10,a
        X,2024-01-10,10,b
        X,2024-03-05,10,b
        Y,2024-01-02,10,a
        Y,2024-01-11,10,b
        Y,2024-03-06,10,c
        Z,2024-01-03,10,b
        Z,2024-01-12,10,a
        Z,2024-03-07,10,a
        W,2024-01-05,10,d

        """

    static func events() throws -> TransactionCategories {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("categories-\(UUID().uuidString).csv")
        try log.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let history = try TransactionLoader.load(path: url.path)
        return try #require(try TransactionCategories.load(path: url.path, history: history))
    }

    @Test func smoothedTransitionProbabilities() throws {
        let events = try Self.events()
        #expect(events.names == ["a", "b", "c", "d"])
        let split = try #require(CalendarDay(isoText: "2024-02-29"))
        let model = CategoryTransitions(events: events, until: split.ordinal)
        // Fitting rows: a 3, b 3, c 0, d 1 (N = 7, K = 4): π = 4/11, 4/11, 1/11, 2/11.
        #expect(model.popularity.map { $0 * 11 }.map { $0.rounded() } == [4, 4, 1, 2])
        // From b: one transition (b → a): P(a | b) = (1 + 4/11) / 2 = 15/22, P(b | b) = (4/11) / 2.
        let p = model.probabilities(after: 1)
        #expect(abs(p[0] - 15.0 / 22) < 1e-12)
        #expect(abs(p[1] - 2.0 / 11) < 1e-12)
        #expect(abs(p.reduce(0, +) - 1) < 1e-12)
        // From a: a → b twice: P(b | a) = (2 + 4/11) / 3 = 26/33.
        #expect(model.top(1, after: 0).first?.category == 1)
        #expect(abs((model.top(1, after: 0).first?.probability ?? 0) - 26.0 / 33) < 1e-12)
    }

    @Test func holdoutHitRates() throws {
        let events = try Self.events()
        let evaluation = NextCategoryEvaluation(events: events, split: try #require(CalendarDay(isoText: "2024-02-29")))
        // X (last b → ranked a, b, d; next b): miss at 1, hit at 3. Y (last b; next c): misses.
        // Z (last a → ranked b, a, d; next a): miss at 1, hit at 3. W has no holdout purchase.
        #expect(evaluation.customers == 3)
        #expect(evaluation.hitRateAt1 == 0)
        #expect(evaluation.hitRateAt3 == 2.0 / 3)
        // Popularity ranks a, b (tied, first seen first), d: hits Z at 1; X and Z at 3.
        #expect(evaluation.popularityHitRateAt1 == 1.0 / 3)
        #expect(evaluation.popularityHitRateAt3 == 2.0 / 3)
    }
}
