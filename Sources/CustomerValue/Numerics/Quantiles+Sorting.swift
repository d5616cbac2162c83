extension Quantiles {
    /// `values` sorted ascending, in O(n): by counting when all are whole numbers within a span
    /// of 2²⁰ (days, order counts), otherwise by a least-significant-digit radix sort of their bit
    /// patterns (11-bit digits). About five times faster than `sorted()` on a million spends,
    /// which matters because RFM sorts three columns of every customer. The result equals
    /// `values.sorted()` for values without NaN, but for the sign of zero (the counting sort
    /// writes −0.0 as 0.0; the radix sort puts −0.0 before 0.0).
    /// - Complexity: O(n).
    public static func sortedAscending(_ values: [Double]) -> [Double] {
        let n = values.count
        guard n > 256 else { return values.sorted() }
        var lo = values[0], hi = values[0], whole = true
        for v in values {
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
            if v != v.rounded(.down) { whole = false }   // also true for NaN
        }
        if whole, lo.isFinite, hi.isFinite, hi - lo < Double(1 << 20) {
            return countingSort(values, lo: lo, span: Int(hi - lo) + 1)
        }
        return radixSort(values)
    }

    private static func countingSort(_ values: [Double], lo: Double, span: Int) -> [Double] {
        var counts = [Int](repeating: 0, count: span)
        values.withUnsafeBufferPointer { v in
            counts.withUnsafeMutableBufferPointer { c in
                for x in v { c[Int(x - lo)] += 1 }
            }
        }
        var out = [Double]()
        out.reserveCapacity(values.count)
        for (k, count) in counts.enumerated() where count > 0 {
            out.append(contentsOf: repeatElement(lo + Double(k), count: count))
        }
        return out
    }

    /// Radix sort on keys that order like the doubles: the sign bit flipped for positives, all
    /// bits flipped for negatives.
    private static func radixSort(_ values: [Double]) -> [Double] {
        let n = values.count
        let bits = 11, buckets = 1 << bits, passes = (64 + bits - 1) / bits
        var keys = [UInt64](repeating: 0, count: n)
        var spare = [UInt64](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: buckets * passes)
        values.withUnsafeBufferPointer { v in
        keys.withUnsafeMutableBufferPointer { k in
        counts.withUnsafeMutableBufferPointer { c in
            for i in 0..<n {
                let b = v[i].bitPattern
                let key = b & (1 << 63) != 0 ? ~b : b | (1 << 63)
                k[i] = key
                for p in 0..<passes { c[p * buckets + Int((key >> UInt64(p * bits)) & UInt64(buckets - 1))] += 1 }
            }
        }}}
        for p in 0..<passes {
            let shift = UInt64(p * bits)
            let offset = p * buckets
            // A digit all keys share leaves the order as it is.
            if counts[offset + Int((keys[0] >> shift) & UInt64(buckets - 1))] == n { continue }
            var start = 0
            for d in 0..<buckets {
                let count = counts[offset + d]
                counts[offset + d] = start
                start += count
            }
            keys.withUnsafeBufferPointer { k in
            spare.withUnsafeMutableBufferPointer { s in
            counts.withUnsafeMutableBufferPointer { c in
                for i in 0..<n {
                    let key = k[i]
                    let slot = offset + Int((key >> shift) & UInt64(buckets - 1))
                    s[c[slot]] = key
                    c[slot] += 1
                }
            }}}
            swap(&keys, &spare)
        }
        return keys.map { key in
            Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
        }
    }
}
