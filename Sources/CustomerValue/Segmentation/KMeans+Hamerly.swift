extension KMeansWorkspace {
    /// Half the distance from each centroid to its nearest other centroid (a row closer than that
    /// to its own centroid cannot be closer to another), and the two largest moves of the last update.
    func prepareBounds() {
        let (d, k) = (self.d, self.k)
        for c in 0..<k {
            var nearest = Double.infinity
            for o in 0..<k where o != c {
                var s = 0.0
                for j in 0..<d { let e = centroids[c * d + j] - centroids[o * d + j]; s += e * e }
                nearest = min(nearest, s)
            }
            halfGaps[c] = 0.5 * nearest.squareRoot()
        }
        var first = -1.0, second = 0.0, which = -1
        for c in 0..<k {
            if moves[c] > first {
                second = max(first, 0)
                first = moves[c]
                which = c
            } else if moves[c] > second {
                second = moves[c]
            }
        }
        largestMoves = (max(first, 0), second, which)
    }

    /// One Hamerly pass: for each row, the bounds are moved by the centroids' last shifts (the
    /// upper by its own centroid's move, the lower by the largest move of any other); only when
    /// the upper bound exceeds both the lower bound and half the gap to the nearest other centroid
    /// is the distance to its own centroid recomputed, and only when it still does are all k
    /// distances. Sums and counts accumulate per part as in Lloyd's pass; part values:
    /// [unused, changed]. `bounded: false` (the first pass) computes every distance.
    func hamerlyPass(bounded: Bool) {
        prepareCentroids()
        let (d, k) = (self.d, self.k)
        let largest = largestMoves
        parallel { range, part in
            let sums = self.sums + part * k * d
            let counts = self.counts + part * k
            sums.update(repeating: 0, count: k * d)
            counts.update(repeating: 0, count: k)
            let scratch = UnsafeMutablePointer<Double>.allocate(capacity: k)
            defer { scratch.deallocate() }
            let ct = self.centroidsT, norms = self.centroidNorms, x = self.x, labels = self.labels
            let upper = self.upper, lower = self.lower, moves = self.moves, halfGaps = self.halfGaps
            let centroids = self.centroids, rowNorms = self.rowNorms
            var changed = 0
            for i in range {
                let row = x + i * d
                var a = Int(labels[i])
                var full = !bounded
                if bounded {
                    var u = upper[i] + moves[a]
                    let l = lower[i] - (a == largest.centroid ? largest.second : largest.first)
                    lower[i] = l
                    let m = max(halfGaps[a], l)
                    if u > m {
                        var s = 0.0
                        let c = centroids + a * d
                        for j in 0..<d { let e = row[j] - c[j]; s += e * e }
                        u = s.squareRoot()
                        full = u > m
                    }
                    upper[i] = u
                }
                if full {
                    for c in 0..<k { scratch[c] = norms[c] }
                    for j in 0..<d {
                        let v = -2 * row[j]
                        let col = ct + j * k
                        for c in 0..<k { scratch[c] += v * col[c] }
                    }
                    var best = 0, bestValue = scratch[0], secondValue = Double.infinity
                    for c in 1..<max(k, 1) {
                        let v = scratch[c]
                        if v < bestValue {
                            secondValue = bestValue
                            bestValue = v
                            best = c
                        } else if v < secondValue {
                            secondValue = v
                        }
                    }
                    let norm = rowNorms[i]
                    upper[i] = max(0, bestValue + norm).squareRoot()
                    lower[i] = secondValue.isFinite ? max(0, secondValue + norm).squareRoot() : .infinity
                    if best != a {
                        changed += 1
                        labels[i] = Int32(best)
                        a = best
                    }
                }
                counts[a] += 1
                let target = sums + a * d
                for j in 0..<d { target[j] += row[j] }
            }
            self.partValues[part * 2] = 0
            self.partValues[part * 2 + 1] = Double(changed)
        }
    }
}
