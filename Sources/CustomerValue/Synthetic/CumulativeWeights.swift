/// Normalised cumulative weights for drawing one of a few categories many times over: the
/// running sums are computed once, then each draw is one uniform and a short scan.
struct CumulativeWeights: Sendable {
    private let cumulative: [Double]

    /// - Parameter weights: non-negative, not all zero.
    init(_ weights: [Double]) {
        let total = weights.reduce(0, +)
        precondition(total > 0 && weights.allSatisfy { $0 >= 0 }, "weights must be non-negative, not all zero")
        var running = 0.0
        var sums: [Double] = []
        sums.reserveCapacity(weights.count)
        for w in weights {
            running += w / total
            sums.append(running)
        }
        // Rounding can leave the last sum at 0.9999999999999999: make the scan always end.
        sums[sums.count - 1] = .infinity
        cumulative = sums
    }

    var count: Int { cumulative.count }

    @inline(__always)
    func sample<G: RandomNumberGenerator>(using rng: inout G) -> Int {
        let u = rng.nextUniform()
        var index = 0
        while u >= cumulative[index] { index += 1 }
        return index
    }
}
