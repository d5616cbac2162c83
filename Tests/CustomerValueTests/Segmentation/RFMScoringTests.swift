import Testing
@testable import CustomerValue

/// Quantile scores on hand-worked cases. Cut-points are type 7 quantiles: with n sorted values
/// x₀…x₍ₙ₋₁₎, Q(p) = x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋₊₁ − x⌊h⌋), h = (n − 1)p; a value scores
/// 1 + (cut-points strictly below it); R = k + 1 − that.
struct RFMScoringTests {
    /// Inputs with the same values in R, F and M unless given.
    static func input(r: [Double], f: [Double]? = nil, m: [Double]? = nil) -> RFMInput {
        RFMInput(recencyDays: r, frequency: f ?? r, monetary: m ?? r)
    }

    @Test func tenDistinctValuesFallTwoPerQuintile() throws {
        let values = (1...10).map(Double.init)
        let scores = RFMScoring.standard.score(Self.input(r: values))
        // h = 9p: p = .2 → 1.8 → 2 + .8·1 = 2.8; p = .4 → 3.6 → 4.6; .6 → 5.4 → 6.4; .8 → 7.2 → 8.2.
        let cuts = scores.cutpoints.frequency
        #expect(cuts.count == 4)
        for (got, want) in zip(cuts, [2.8, 4.6, 6.4, 8.2]) { #expect(abs(got - want) < 1e-12) }
        // 1,2 → 1; 3,4 → 2; 5,6 → 3; 7,8 → 4; 9,10 → 5.
        #expect(scores.frequency == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
        #expect(scores.monetary == scores.frequency)
        // Recency reversed: the fewest days score 5.
        #expect(scores.recency == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1])
        #expect(scores.constantDimensions.isEmpty)
    }

    @Test func tiedValuesShareAScoreAndScoresMaySkip() throws {
        let f: [Double] = [0, 2, 0, 1, 0, 0, 5, 0, 1, 0]
        let scores = RFMScoring.standard.score(Self.input(r: (1...10).map(Double.init), f: f))
        // Sorted: 0,0,0,0,0,0,1,1,2,5. h = 9p: 1.8 → 0; 3.6 → 0; 5.4 → x5 + .4(x6 − x5) = 0.4;
        // 7.2 → x7 + .2(x8 − x7) = 1.2. Cut-points 0, 0, 0.4, 1.2.
        let cuts = scores.cutpoints.frequency
        for (got, want) in zip(cuts, [0, 0, 0.4, 1.2]) { #expect(abs(got - want) < 1e-12) }
        // 0: no cut-point below → 1 (all six zeros); 1: 0, 0, 0.4 below → 4 (both ones); 2 and 5 → 5.
        #expect(scores.frequency == [1, 5, 1, 4, 1, 1, 5, 1, 4, 1])
    }

    @Test func threeCustomersGetLowMiddleHigh() throws {
        let scores = RFMScoring.standard.score(Self.input(r: [1, 2, 3]))
        // h = 2p: .4, .8, 1.2, 1.6 → cut-points 1.4, 1.8, 2.2, 2.6.
        for (got, want) in zip(scores.cutpoints.recency, [1.4, 1.8, 2.2, 2.6]) { #expect(abs(got - want) < 1e-12) }
        // 1 → 1; 2 → 1 + 2 = 3; 3 → 5. R reversed: 5, 3, 1.
        #expect(scores.frequency == [1, 3, 5])
        #expect(scores.recency == [5, 3, 1])
        #expect((0..<3).map(scores.code) == ["511", "333", "155"])
    }

    @Test func twoCustomersGetTheEnds() throws {
        let scores = RFMScoring.standard.score(Self.input(r: [10, 20], f: [1, 3], m: [5, 5]))
        // R: cut-points 12, 14, 16, 18; 10 → 1 → R 5, 20 → 5 → R 1. F: 1.4 … 2.6; 1 → 1, 3 → 5.
        // M constant → the middle score 3.
        #expect(scores.recency == [5, 1])
        #expect(scores.frequency == [1, 5])
        #expect(scores.monetary == [3, 3])
        #expect(scores.constantDimensions == [.monetary])
        #expect(scores.code(0) == "513" && scores.code(1) == "153")
    }

    @Test func oneCustomerIsMiddleEverywhere() throws {
        let scores = RFMScoring.standard.score(Self.input(r: [7], f: [2], m: [99.5]))
        // A single customer has no variance in any dimension: 3, 3, 3; cut-points all equal the value.
        #expect(scores.code(0) == "333")
        #expect(scores.constantDimensions == [.recency, .frequency, .monetary])
        #expect(scores.cutpoints.monetary == [99.5, 99.5, 99.5, 99.5])
    }

    @Test(arguments: [(3, UInt8(2)), (4, 2), (5, 3), (6, 3), (10, 5)])
    func constantColumnGetsTheMiddleScore(bins: Int, middle: UInt8) throws {
        let scoring = try RFMScoring(bins: bins)
        let scores = scoring.score(Self.input(r: [4, 4, 4, 4], f: [1, 2, 3, 4], m: [0, 0, 0, 0]))
        // ⌊(k + 1)/2⌋, the same for the reversed R.
        #expect(scores.recency == Array(repeating: middle, count: 4))
        #expect(scores.monetary == Array(repeating: middle, count: 4))
        #expect(scores.frequency.first == 1 && scores.frequency.last == UInt8(bins))
        #expect(scoring.middleScore == Int(middle))
    }

    @Test func fixedCutpointsApplyAsGiven() throws {
        let scoring = try RFMScoring(bins: 5, recencyCutpoints: [30, 60, 90, 180], frequencyCutpoints: [1, 2, 3, 4])
        let scores = scoring.score(Self.input(r: [30, 31, 90, 200], f: [2, 2, 2, 2], m: [1, 2, 3, 4]))
        // Days 30: none strictly below → 1 → R 5; 31: 30 below → 2 → R 4; 90: 30, 60 → R 3; 200: all four → R 1.
        #expect(scores.recency == [5, 4, 3, 1])
        // Fixed cut-points apply even to a constant column: 2 has 1 below → 2.
        #expect(scores.frequency == [2, 2, 2, 2])
        #expect(scores.cutpoints.fixed == [.recency, .frequency])
        #expect(scores.constantDimensions.isEmpty)
    }

    @Test func tenBinsWriteTheCodeWithHyphens() throws {
        let scores = try RFMScoring(bins: 10).score(Self.input(r: (1...10).map(Double.init)))
        // h = 9p, p = j/10: cut-points 1.9, 2.8, …, 9.1; value v has v − 1 of them below.
        #expect(scores.frequency == (1...10).map(UInt8.init))
        #expect(scores.code(0) == "10-1-1")
        #expect(scores.code(9) == "1-10-10")
    }

    @Test func noCustomersGiveNoScores() {
        let scores = RFMScoring.standard.score(Self.input(r: []))
        #expect(scores.count == 0 && scores.cutpoints.recency.isEmpty)
    }

    @Test func equalValuesAlwaysShareAScoreAndScoresAreMonotone() throws {
        var rng = SeededGenerator(seed: 11)
        for bins in RFMScoring.allowedBins {
            let values = (0..<300).map { _ in Double(Int.random(in: 0...6, using: &rng)) }
            let scores = try RFMScoring(bins: bins).score(Self.input(r: values))
            #expect(scores.count == values.count)
            var byValue: [Double: UInt8] = [:]
            for (v, s) in zip(values, scores.frequency) {
                #expect(byValue[v, default: s] == s)
                byValue[v] = s
                #expect((1...UInt8(bins)).contains(s))
            }
            let ordered = byValue.sorted { $0.key < $1.key }.map(\.value)
            #expect(ordered == ordered.sorted())
            #expect(ordered.first == 1)
        }
    }

    @Test(arguments: [2, 11, 0])
    func binsOutsideThreeToTenAreRefused(bins: Int) {
        #expect(throws: SegmentationError.self) { try RFMScoring(bins: bins) }
    }

    @Test func badFixedCutpointsAreRefused() {
        #expect(throws: SegmentationError.self) { try RFMScoring(bins: 5, recencyCutpoints: [1, 2, 3]) }
        #expect(throws: SegmentationError.self) { try RFMScoring(bins: 4, monetaryCutpoints: [10, 5, 20]) }
        #expect(throws: SegmentationError.self) { try RFMScoring(bins: 4, frequencyCutpoints: [1, 1, 2]) }
    }
}
