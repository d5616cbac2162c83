import Testing
@testable import CustomerValue

/// The linear-time sorts behind RFM cut-points agree with the standard library's sort.
struct QuantilesSortingTests {
    @Test(arguments: [0, 1, 300, 5_000])
    func radixSortMatchesSorted(count: Int) {
        var rng = SeededGenerator(seed: UInt64(count) + 1)
        // Spend-like values with negatives (returns), zeros, ties and a wide range of magnitudes.
        let values = (0..<count).map { k -> Double in
            switch k % 5 {
            case 0: return 0
            case 1: return -Double.random(in: 0...50, using: &rng)
            case 2: return (Double.random(in: 0...1000, using: &rng) * 100).rounded() / 100
            case 3: return Double.random(in: 1e-6...1e9, using: &rng)
            default: return 12.5
            }
        }
        #expect(Quantiles.sortedAscending(values) == values.sorted())
    }

    @Test func countingSortMatchesSortedForWholeNumbers() {
        var rng = SeededGenerator(seed: 5)
        let days = (0..<10_000).map { _ in Double(Int.random(in: -3...900, using: &rng)) }
        #expect(Quantiles.sortedAscending(days) == days.sorted())
    }
}
