import Testing
@testable import CustomerValue

/// ABC classes, Lorenz curve and Gini on hand-computed cases. Gini formula: with revenues sorted
/// ascending x₍₁₎ ≤ … ≤ x₍ₙ₎ and total S, G = 2·Σ i·x₍ᵢ₎ / (n·S) − (n + 1)/n.
struct ABCAnalysisTests {
    @Test func classesLorenzAndGini() {
        let result = ABCAnalysis.standard.classify(revenue: [15, 50, 5, 30])
        // Ranked 50, 30, 15, 5 of 100: revenue above each 0, .5, .8, .95.
        // A while above < .8: 50, 30; B while < .95: 15; C: 5.
        #expect(result.classOf == [1, 0, 2, 0])
        let s = result.summary
        #expect(s.classes.map(\.customers) == [2, 1, 1])
        #expect(s.classes.map(\.revenue) == [80, 15, 5])
        #expect(s.classes[0].minimumRevenue == 30 && s.classes[1].minimumRevenue == 15 && s.classes[2].minimumRevenue == nil)
        // Ascending 5, 15, 30, 50: Σ i·x = 5 + 30 + 90 + 200 = 325; G = 650/400 − 5/4 = .375.
        // Check by the trapezoids: L = 0, .05, .2, .5, 1; 1 − (.05 + .25 + .7 + 1.5)/4 = .375.
        #expect(abs(s.gini - 0.375) < 1e-12)
        #expect(s.lorenz.map(\.customerShare) == [0, 0.25, 0.5, 0.75, 1])
        let lorenz = s.lorenz.map(\.revenueShare)
        for (got, want) in zip(lorenz, [0, 0.05, 0.2, 0.5, 1]) { #expect(abs(got - want) < 1e-12) }
        #expect(s.totalRevenue == 100)
    }

    @Test func topLinesInterpolateWithinACustomer() throws {
        let analysis = try ABCAnalysis(topShares: [0.1, 0.25, 0.5])
        let top = analysis.classify(revenue: [15, 50, 5, 30]).summary.top
        // Top 10% of 4 customers = 0.4 of the top customer: .4·50 = 20 → 20%.
        // Top 25% = the top customer: 50%. Top 50%: 50 + 30 = 80%.
        #expect(abs(top[0].revenueShare - 0.2) < 1e-12 && abs(top[0].customers - 0.4) < 1e-12)
        #expect(abs(top[1].revenueShare - 0.5) < 1e-12)
        #expect(abs(top[2].revenueShare - 0.8) < 1e-12)
    }

    @Test func tiedCustomersShareTheClassOfTheFirst() {
        // Five customers of 20: the fifth alone would have 80% above it (class B), but ties share A.
        // Σ i·x = 20·15 = 300; G = 600/500 − 6/5 = 0.
        let result = ABCAnalysis.standard.classify(revenue: [20, 20, 20, 20, 20])
        #expect(result.classOf == [0, 0, 0, 0, 0])
        #expect(abs(result.summary.gini) < 1e-12)
    }

    @Test func oneCustomerWithEverythingAndNegativeSpend() {
        // −10 counts as 0. Ascending 0, 10: G = 2·(2·10)/(2·10) − 3/2 = .5 = (n − 1)/n.
        let result = ABCAnalysis.standard.classify(revenue: [-10, 10])
        #expect(result.classOf == [2, 0])
        #expect(abs(result.summary.gini - 0.5) < 1e-12)
        let single = ABCAnalysis.standard.classify(revenue: [7])
        #expect(single.classOf == [0] && single.summary.gini == 0)
    }

    @Test func noRevenuePutsEveryoneInTheLastClass() {
        let result = ABCAnalysis.standard.classify(revenue: [0, 0, 0])
        #expect(result.classOf == [2, 2, 2])
        #expect(result.summary.gini == 0)
        #expect(result.summary.classes.map(\.revenueShare) == [0, 0, 0])
        let none = ABCAnalysis.standard.classify(revenue: [])
        #expect(none.classOf.isEmpty && none.summary.lorenz.count == 1)
    }

    @Test func customCutoffsMakeMoreClasses() throws {
        let analysis = try ABCAnalysis(cutoffs: [0.5, 0.8, 0.95])
        let result = analysis.classify(revenue: [15, 50, 5, 30])
        // Above: 50 → 0 (A), 30 → .5 (B), 15 → .8 (C), 5 → .95 (D).
        #expect(analysis.classNames == ["A", "B", "C", "D"])
        #expect(result.classOf == [2, 0, 3, 1])
    }

    @Test(arguments: [[0.95, 0.8], [0, 0.5], [0.8, 1.0], [Double](), [0.8, 0.8]])
    func badCutoffsAreRefused(cutoffs: [Double]) {
        #expect(throws: SegmentationError.self) { try ABCAnalysis(cutoffs: cutoffs) }
    }
}
