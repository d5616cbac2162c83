import CustomerValue
import Foundation
import Testing

struct ValueModelsTests {
    // Four customers; A–D in order. CSAT means 5, 3, 1, – ; NPS means 10, 6, –, 8.
    static let input = ValueModelInput(
        customerIDs: ["A", "B", "C", "D"], totalSpend: [100, 200, 300, 400], trailingSpend: [50, 0, 100, 300],
        predictedValue: nil, periods: [1, 2, 4, 2], tenureDays: [10, 20, 30, 40], categories: [1, 2, 3, 1], categoryCount: 4,
        surveys: CustomerSurveyMeans(means: ["csat": ["A": 5, "B": 3, "C": 1], "nps": ["A": 10, "B": 6, "D": 8]]))

    static func close(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-12 }
    }

    @Test func normalizations() {
        #expect(Self.close(IndicatorNormalization.minMax.apply([2, 4, 6]), [0, 0.5, 1]))
        // z: mean 2, population sd √(2/3): (x − 2)/√(2/3) = ∓1.2247...
        let s = (2.0 / 3).squareRoot()
        #expect(Self.close(IndicatorNormalization.zScore.apply([1, 2, 3]), [-1 / s, 0, 1 / s]))
        #expect(Self.close(IndicatorNormalization.minMax.apply([3, 3]), [0.5, 0.5]))
        // Missing values stay missing; the mean of the known fills them.
        #expect(Self.close(CompositeValue.normalizedFilled([0, .nan, 10], normalization: .minMax), [0, 0.5, 1]))
    }

    @Test func svlMatchesHandComputation() throws {
        let r = ValueModels.svl(Self.input) { names, _ in ValueModels.defaultWeights(model: "svl", names: names) }
        // No perceived-value item: weights .4, .3 → 4/7, 3/7.
        #expect(r.componentNames == ["satisfaction", "loyalty"])
        #expect(Self.close(r.weights, [4.0 / 7, 3.0 / 7]))
        // Satisfaction: CSAT 5, 3, 1 → 1, .5, 0; D filled with the mean .5.
        #expect(Self.close(r.components[0], [1, 0.5, 0, 0.5]))
        // Loyalty: repeat rate (p − 1)/p = 0, .5, .75, .5 → 0, 2/3, 1, 2/3; tenure → 0, 1/3, 2/3, 1;
        // NPS 10, 6, –, 8 → 1, 0, –, .5. Means: A 1/3, B 1/3, C (1 + 2/3)/2 = 5/6, D (2/3 + 1 + .5)/3 = 13/18;
        // min-max over [1/3, 5/6]: 0, 0, 1, (13/18 − 6/18)·2 = 7/9.
        #expect(Self.close(r.components[1], [0, 0, 1, 7.0 / 9]))
        // Score: A 4/7; B 4/7·.5 = 2/7; C 3/7; D 2/7 + 3/7·7/9 = 13/21.
        let expected: [Double] = [4.0 / 7, 2.0 / 7, 3.0 / 7, 13.0 / 21]
        #expect(Self.close(r.score, expected))
    }

    @Test func svlUsesPerceivedValueItems() throws {
        var input = Self.input
        input.surveys?.means["value_for_money"] = ["A": 2, "B": 4]
        let r = ValueModels.svl(input) { names, _ in ValueModels.defaultWeights(model: "svl", names: names) }
        #expect(r.componentNames == ["satisfaction", "loyalty", "perceived_value"])
        #expect(Self.close(r.weights, [0.4, 0.3, 0.3]))
        // Value 2, 4 → 0, 1; C and D filled with .5.
        #expect(Self.close(r.components[2], [0, 1, 0.5, 0.5]))
    }

    @Test func hcpAndQuadrantsMatchHandComputation() throws {
        let r = ValueModels.hcp(Self.input) { names, _ in ValueModels.defaultWeights(model: "hcp", names: names) }
        // Historical 100..400 → 0, 1/3, 2/3, 1. Current = trailing spend 50, 0, 100, 300 → 1/6, 0, 1/3, 1.
        #expect(Self.close(r.components[0], [0, 1.0 / 3, 2.0 / 3, 1]))
        #expect(Self.close(r.components[1], [1.0 / 6, 0, 1.0 / 3, 1]))
        // Potential: category headroom 1 − c/4 = .75, .5, .25, .75 → 1, .5, 0, 1; promoter 1, 0, –, 0;
        // means A 1, B .25, C 0, D .5.
        #expect(Self.close(r.components[2], [1, 0.25, 0, 0.5]))
        // Equal weights: A (0 + 1/6 + 1)/3 = 7/18; B (1/3 + .25)/3 = 7/36; C (2/3 + 1/3)/3 = 1/3; D 2.5/3 = 5/6.
        let expected: [Double] = [7.0 / 18, 7.0 / 36, 1.0 / 3, 5.0 / 6]
        #expect(Self.close(r.score, expected))
        #expect(r.notes.contains("current = spend in the trailing 365 days (no CLV model fitted)"))
        // Current median (50 + 100)/2 = 75 → high C, D; potential median (.25 + .5)/2 = .375 → high A, D.
        let q = try #require(r.quadrants)
        #expect(q.quadrant == [.develop, .letGo, .maintain, .retain])
        #expect(q.currentSplit == 75 && abs(q.potentialSplit - 0.375) < 1e-12)
        let retain = try #require(q.cells.first { $0.quadrant == .retain })
        #expect(retain.customers == 1 && retain.currentValue == 300 && retain.historicalValue == 400 && retain.share == 0.25)
        #expect(q.cells.map(\.customers) == [1, 1, 1, 1])
    }

    @Test func tiesAtTheTopGoHigh() {
        // Potential 1, 1, 1, 0: median 1 is the maximum, so the three 1s are high (≥), the 0 low.
        // Current 1, 2, 3, 4: median 2.5, high = 3, 4.
        let q = ValueQuadrants(current: [1, 2, 3, 4], potential: [1, 1, 1, 0], historical: [0, 0, 0, 0])
        #expect(q.quadrant == [.develop, .develop, .retain, .maintain])
    }

    @Test func quadrantRule() {
        #expect(ValueQuadrant(highCurrent: true, highPotential: true) == .retain)
        #expect(ValueQuadrant(highCurrent: false, highPotential: true) == .develop)
        #expect(ValueQuadrant(highCurrent: true, highPotential: false) == .maintain)
        #expect(ValueQuadrant(highCurrent: false, highPotential: false) == .letGo)
    }
}
