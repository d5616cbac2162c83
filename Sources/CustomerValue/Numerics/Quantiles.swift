/// Order statistics.
public enum Quantiles {
    /// The median of `values` (the mean of the two middle values for an even count), reordering
    /// `values` in the process. `values` must not be empty.
    /// - Complexity: O(n) expected (quickselect).
    public static func median(_ values: inout [Double]) -> Double {
        precondition(!values.isEmpty, "median of no values")
        let n = values.count
        let upper = select(&values, n / 2)
        if n % 2 == 1 { return upper }
        // The lower middle is the largest value left of the upper middle.
        var lower = -Double.infinity
        for k in 0..<(n / 2) where values[k] > lower { lower = values[k] }
        return (lower + upper) / 2
    }

    /// The `k`-th smallest value (0-based); afterwards values[..<k] ≤ values[k] ≤ values[(k+1)...].
    /// - Complexity: O(n) expected.
    public static func select(_ values: inout [Double], _ k: Int) -> Double {
        precondition(k >= 0 && k < values.count)
        var lo = 0
        var hi = values.count - 1
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        while lo < hi {
            // Pseudo-random pivot (deterministic) against adversarial orderings.
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let pivot = values[lo + Int((state >> 33) % UInt64(hi - lo + 1))]
            var i = lo, j = hi
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { return values[k] }
        }
        return values[k]
    }

    /// The `p`-quantile (0...1) by linear interpolation between order statistics (type 7, the
    /// default of R and NumPy), of an already sorted array.
    public static func quantile(sorted values: [Double], _ p: Double) -> Double {
        precondition(!values.isEmpty)
        let h = Double(values.count - 1) * p
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, values.count - 1)
        return values[lo] + (h - Double(lo)) * (values[hi] - values[lo])
    }
}
