extension Optimizer {
    /// A point on the search line: step α, φ(α) = f(x + α·d) and φ′(α) = ∇f(x + α·d)·d.
    private struct LinePoint {
        var step: Double
        var value: Double
        var slope: Double
    }

    /// Line search for a step satisfying the strong Wolfe conditions
    /// φ(α) ≤ φ(0) + c₁·α·φ′(0) and |φ′(α)| ≤ c₂·|φ′(0)|: bracketing (Nocedal & Wright 2006,
    /// Algorithm 3.5) then zoom (Algorithm 3.6) with safeguarded cubic interpolation.
    ///
    /// A trial where φ or φ′ is not finite counts as φ = +∞, which always fails sufficient
    /// decrease and so becomes the upper end of the bracket; the zoom then bisects towards the
    /// last good point, since interpolation through an infinite value means nothing.
    ///
    /// When the evaluation budget runs out before the curvature condition holds, the best point
    /// with sufficient decrease is accepted (L-BFGS then skips the update if sᵀy ≤ 0).
    /// - Returns: φ at the accepted step, with the point and its gradient in `xTrial` and
    ///   `gTrial`; nil when no step with sufficient decrease was found.
    static func lineSearch(_ objective: (_ x: [Double], _ gradient: inout [Double]) -> Double,
                           x: [Double], value f0: Double, slope slope0: Double, direction: [Double],
                           initialStep: Double, budget: Int, options: Options,
                           xTrial: inout [Double], gTrial: inout [Double], evaluations: inout Int) -> Double? {
        let n = x.count
        let c1 = options.sufficientDecrease
        let c2 = options.curvature
        var used = 0
        var heldStep = -1.0  // the step whose point is in xTrial / gTrial

        func evaluate(_ step: Double) -> LinePoint {
            for i in 0..<n { xTrial[i] = x[i] + step * direction[i] }
            let value = objective(xTrial, &gTrial)
            precondition(gTrial.count == n, "the objective changed the gradient's length to \(gTrial.count), expected \(n)")
            evaluations += 1
            used += 1
            heldStep = step
            guard value.isFinite else { return LinePoint(step: step, value: .infinity, slope: .nan) }
            var slope = 0.0
            for i in 0..<n { slope += gTrial[i] * direction[i] }
            guard slope.isFinite else { return LinePoint(step: step, value: .infinity, slope: .nan) }
            return LinePoint(step: step, value: value, slope: slope)
        }
        func sufficientDecrease(_ p: LinePoint) -> Bool { p.value <= f0 + c1 * p.step * slope0 }
        func curvature(_ p: LinePoint) -> Bool { abs(p.slope) <= -c2 * slope0 }
        /// Accepts `p` (which satisfies sufficient decrease), re-evaluating if the trial buffers
        /// hold another point.
        func accept(_ p: LinePoint) -> Double? {
            if heldStep == p.step { return p.value }
            let again = evaluate(p.step)
            return again.value.isFinite ? again.value : nil
        }

        // Bracketing: grow the step until it overshoots (fails sufficient decrease or no longer
        // decreases) or the slope turns non-negative.
        var previous = LinePoint(step: 0, value: f0, slope: slope0)
        var step = initialStep
        var lo = previous
        var hi = previous
        var bracketed = false
        while used < budget {
            let trial = evaluate(step)
            if !sufficientDecrease(trial) || (previous.step > 0 && trial.value >= previous.value) {
                lo = previous
                hi = trial
                bracketed = true
                break
            }
            if curvature(trial) { return trial.value }
            if trial.slope >= 0 {
                lo = trial
                hi = previous
                bracketed = true
                break
            }
            previous = trial
            step *= 4
        }
        guard bracketed else { return previous.step > 0 ? accept(previous) : nil }

        // Zoom: lo always satisfies sufficient decrease and has the lowest value seen among
        // such points; hi is the other end of an interval containing a strong-Wolfe step.
        let xScale = max(1, maxAbs(x))
        let directionScale = maxAbs(direction)
        while used < budget {
            let width = hi.step - lo.step
            // The interval no longer moves x at working precision.
            if abs(width) * directionScale <= Double.ulpOfOne * xScale { break }
            var candidate = interpolate(lo, hi)
            let margin = 0.1 * abs(width)
            let lower = min(lo.step, hi.step) + margin
            let upper = max(lo.step, hi.step) - margin
            if !(candidate >= lower && candidate <= upper) { candidate = lo.step + 0.5 * width }
            let trial = evaluate(candidate)
            if !sufficientDecrease(trial) || trial.value >= lo.value {
                hi = trial
            } else {
                if curvature(trial) { return trial.value }
                if trial.slope * width >= 0 { hi = lo }
                lo = trial
            }
        }
        return lo.step > 0 ? accept(lo) : nil
    }

    /// The minimiser of the cubic through both ends' values and slopes (Nocedal & Wright 2006,
    /// eq. 3.59), or of the quadratic through lo's value and slope and hi's value when hi's
    /// slope is unknown; NaN when neither exists (the caller then bisects).
    private static func interpolate(_ lo: LinePoint, _ hi: LinePoint) -> Double {
        guard hi.value.isFinite else { return .nan }
        let width = hi.step - lo.step
        if hi.slope.isFinite {
            let d1 = lo.slope + hi.slope - 3 * (lo.value - hi.value) / (lo.step - hi.step)
            let radicand = d1 * d1 - lo.slope * hi.slope
            if radicand >= 0 {
                let d2 = (width >= 0 ? 1.0 : -1.0) * radicand.squareRoot()
                let denominator = hi.slope - lo.slope + 2 * d2
                if denominator != 0 { return hi.step - width * (hi.slope + d2 - d1) / denominator }
            }
        }
        let curvature = hi.value - lo.value - lo.slope * width
        guard curvature > 0 else { return .nan }
        return lo.step - lo.slope * width * width / (2 * curvature)
    }
}
