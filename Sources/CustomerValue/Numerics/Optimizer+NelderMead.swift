extension Optimizer {
    /// Settings of `nelderMead(_:from:step:options:)`.
    public struct NelderMeadOptions: Sendable, Hashable {
        /// Upper bound on simplex transformations.
        public var maxIterations: Int
        /// Upper bound on objective evaluations.
        public var maxFunctionEvaluations: Int
        /// Converged when f(worst) − f(best) ≤ this · max(1, |f(best)|) …
        public var functionTolerance: Double
        /// … and no vertex is farther than this · max(1, ‖best‖∞) from the best in any coordinate.
        public var pointTolerance: Double
        /// Use the dimension-dependent coefficients of Gao & Han (2012) rather than the standard
        /// 1, 2, 1/2, 1/2 (they coincide for n = 2; for n = 1 the standard ones are always used).
        public var adaptive: Bool

        /// Settings.
        public init(maxIterations: Int = 20_000, maxFunctionEvaluations: Int = 40_000,
                    functionTolerance: Double = 1e-12, pointTolerance: Double = 1e-10, adaptive: Bool = true) {
            self.maxIterations = maxIterations
            self.maxFunctionEvaluations = maxFunctionEvaluations
            self.functionTolerance = functionTolerance
            self.pointTolerance = pointTolerance
            self.adaptive = adaptive
        }
    }

    /// Minimises f without derivatives by the Nelder–Mead simplex method (Nelder & Mead 1965,
    /// "A simplex method for function minimization", Computer Journal 7(4); the tie-breaking
    /// and acceptance rules of Lagarias, Reeds, Wright & Wright 1998, SIAM J. Optim. 9(1); the
    /// adaptive coefficients of Gao & Han 2012, Comput. Optim. Appl. 51(1): reflection 1,
    /// expansion 1 + 2/n, contraction 3/4 − 1/(2n), shrink 1 − 1/n).
    ///
    /// For non-smooth objectives, or as a fallback when gradients are unavailable or
    /// unreliable; L-BFGS is far faster on smooth ones. NaN or ±∞ values count as +∞.
    /// - Parameters:
    ///   - f: the objective.
    ///   - start: the first vertex; the others are start + step·eᵢ.
    ///   - step: the initial simplex's edge along each axis (0.5 suits log-parameters).
    ///   - options: tolerances and limits.
    /// - Returns: the best vertex; its `gradient` is by central differences (2n more
    ///   evaluations, counted) and empty, with `gradientNorm` +∞, when f is not finite there.
    ///   `converged` is false when a limit is hit or f is not finite at any initial vertex.
    public static func nelderMead(_ f: ([Double]) -> Double, from start: [Double], step: Double = 0.5,
                                  options: NelderMeadOptions = .init()) -> OptimizationResult {
        let n = start.count
        precondition(n > 0, "nothing to minimise over: empty start")
        precondition(step != 0 && step.isFinite, "the initial simplex needs a finite non-zero step")
        let dimension = Double(n)
        let useAdaptive = options.adaptive && n >= 2
        let expansion = useAdaptive ? 1 + 2 / dimension : 2
        let contraction = useAdaptive ? 0.75 - 1 / (2 * dimension) : 0.5
        let shrinkage = useAdaptive ? 1 - 1 / dimension : 0.5

        var evaluations = 0
        func evaluate(_ point: [Double]) -> Double {
            evaluations += 1
            let value = f(point)
            return value.isFinite ? value : .infinity
        }

        // Vertex v is simplex[v*n ..< (v+1)*n].
        var simplex = [Double](repeating: 0, count: (n + 1) * n)
        var values = [Double](repeating: 0, count: n + 1)
        var point = start
        for v in 0...n {
            for i in 0..<n { simplex[v * n + i] = start[i] }
            if v > 0 { simplex[v * n + v - 1] += step }
            for i in 0..<n { point[i] = simplex[v * n + i] }
            values[v] = evaluate(point)
        }
        func replace(_ vertex: Int, with newPoint: [Double], value: Double) {
            for i in 0..<n { simplex[vertex * n + i] = newPoint[i] }
            values[vertex] = value
        }

        var order = Array(0...n)
        var centroid = [Double](repeating: 0, count: n)
        var reflected = point
        var candidate = point
        var iterations = 0
        var converged = false
        var message = ""

        while true {
            // Insertion sort: n + 1 is small, and it keeps the order of equal values (stable).
            for k in 1...n {
                let index = order[k]
                var j = k
                while j > 0 && values[order[j - 1]] > values[index] {
                    order[j] = order[j - 1]
                    j -= 1
                }
                order[j] = index
            }
            let best = order[0], worst = order[n], secondWorst = order[n - 1]
            if values[best] == .infinity {
                message = "stopped: the objective is not finite at any vertex of the simplex"
                break
            }
            var spread = 0.0
            for v in 0...n where v != best {
                for i in 0..<n { spread = max(spread, abs(simplex[v * n + i] - simplex[best * n + i])) }
            }
            var bestScale = 1.0
            for i in 0..<n { bestScale = max(bestScale, abs(simplex[best * n + i])) }
            let valueSpread = values[worst] - values[best]
            if valueSpread <= options.functionTolerance * max(1, abs(values[best]))
                && spread <= options.pointTolerance * bestScale {
                converged = true
                message = "converged: simplex values within \(short(valueSpread)) and vertices within \(short(spread))"
                break
            }
            if iterations >= options.maxIterations {
                message = "stopped: iteration limit \(options.maxIterations) reached"
                break
            }
            if evaluations >= options.maxFunctionEvaluations {
                message = "stopped: evaluation limit \(options.maxFunctionEvaluations) reached"
                break
            }
            iterations += 1

            for i in 0..<n { centroid[i] = 0 }
            for v in 0...n where v != worst {
                for i in 0..<n { centroid[i] += simplex[v * n + i] }
            }
            for i in 0..<n {
                centroid[i] /= dimension
                reflected[i] = centroid[i] + (centroid[i] - simplex[worst * n + i])
            }
            let reflectedValue = evaluate(reflected)
            var shrink = false
            if reflectedValue < values[best] {
                for i in 0..<n { candidate[i] = centroid[i] + expansion * (reflected[i] - centroid[i]) }
                let expandedValue = evaluate(candidate)
                if expandedValue < reflectedValue {
                    replace(worst, with: candidate, value: expandedValue)
                } else {
                    replace(worst, with: reflected, value: reflectedValue)
                }
            } else if reflectedValue < values[secondWorst] {
                replace(worst, with: reflected, value: reflectedValue)
            } else if reflectedValue < values[worst] {
                for i in 0..<n { candidate[i] = centroid[i] + contraction * (reflected[i] - centroid[i]) }
                let contractedValue = evaluate(candidate)
                if contractedValue <= reflectedValue {
                    replace(worst, with: candidate, value: contractedValue)
                } else {
                    shrink = true
                }
            } else {
                for i in 0..<n { candidate[i] = centroid[i] + contraction * (simplex[worst * n + i] - centroid[i]) }
                let contractedValue = evaluate(candidate)
                if contractedValue < values[worst] {
                    replace(worst, with: candidate, value: contractedValue)
                } else {
                    shrink = true
                }
            }
            if shrink {
                for v in 0...n where v != best {
                    for i in 0..<n {
                        simplex[v * n + i] = simplex[best * n + i] + shrinkage * (simplex[v * n + i] - simplex[best * n + i])
                        point[i] = simplex[v * n + i]
                    }
                    values[v] = evaluate(point)
                }
            }
        }

        let best = order[0]
        let x = Array(simplex[(best * n)..<((best + 1) * n)])
        let value = values[best]
        var gradient: [Double] = []
        var gradientNorm = Double.infinity
        if value.isFinite {
            var difference = [Double](repeating: 0, count: n)
            centralDifferenceGradient(evaluate, at: x, value: value, into: &difference)
            if difference.allSatisfy(\.isFinite) {
                gradient = difference
                gradientNorm = maxAbs(difference)
            }
        }
        return OptimizationResult(x: x, value: value, gradient: gradient, iterations: iterations,
                                  functionEvaluations: evaluations, converged: converged,
                                  gradientNorm: gradientNorm, message: message)
    }
}
