import Foundation

/// The outcome of a minimisation: the best point found and how the search ended.
public struct OptimizationResult: Sendable, Codable, Hashable {
    /// The best point found.
    public var x: [Double]
    /// The objective at `x`; finite whenever the start was.
    public var value: Double
    /// The gradient at `x` (analytic for `Optimizer.minimize`, central differences for
    /// `Optimizer.nelderMead`; empty when it could not be computed).
    public var gradient: [Double]
    /// Number of accepted steps (L-BFGS) or simplex transformations (Nelder–Mead).
    public var iterations: Int
    /// Number of objective evaluations, line-search trials included.
    public var functionEvaluations: Int
    /// Whether a convergence test was met (as opposed to a limit being hit or the search failing).
    public var converged: Bool
    /// The largest absolute component of `gradient` (unscaled; the convergence test divides it
    /// by max(1, |value|)); +∞ when the gradient is not available.
    public var gradientNorm: Double
    /// How the search ended, in words.
    public var message: String

    /// A result from its parts.
    public init(x: [Double], value: Double, gradient: [Double], iterations: Int, functionEvaluations: Int,
                converged: Bool, gradientNorm: Double, message: String) {
        self.x = x
        self.value = value
        self.gradient = gradient
        self.iterations = iterations
        self.functionEvaluations = functionEvaluations
        self.converged = converged
        self.gradientNorm = gradientNorm
        self.message = message
    }
}

/// A minimisation that could not start: the objective or its gradient is not finite at the start.
public struct OptimizationError: Error, CustomStringConvertible, Sendable {
    /// What went wrong and what to do about it.
    public var message: String
    /// The point where it went wrong.
    public var point: [Double]
    /// The objective there (may be NaN or infinite).
    public var value: Double

    /// Creates an error.
    public init(message: String, point: [Double], value: Double) {
        self.message = message
        self.point = point
        self.value = value
    }

    /// The message with the point and value.
    public var description: String { "\(message) (x = \(point), objective = \(value))" }
}

/// Unconstrained minimisation of smooth functions of a few variables, and the finite-difference
/// derivatives that go with it: maximum-likelihood fitting on log-parameters.
public enum Optimizer {
    /// Settings of `minimize(_:from:options:)`.
    public struct Options: Sendable, Hashable {
        /// Upper bound on accepted steps.
        public var maxIterations: Int
        /// Upper bound on objective evaluations, line-search trials included.
        public var maxFunctionEvaluations: Int
        /// Converged when max |∂f/∂xᵢ| / max(1, |f|) ≤ this.
        public var gradientTolerance: Double
        /// Converged when (f_prev − f) / max(|f_prev|, |f|, 1) ≤ this after a step.
        public var relativeFunctionTolerance: Double
        /// Number of correction pairs kept by L-BFGS (3 to 20 is usual).
        public var memory: Int
        /// Armijo constant c₁ of the sufficient-decrease condition, 0 < c₁ < c₂.
        public var sufficientDecrease: Double
        /// Curvature constant c₂ of the strong Wolfe condition, c₁ < c₂ < 1 (0.9 for quasi-Newton).
        public var curvature: Double
        /// Upper bound on objective evaluations within one line search.
        public var maxLineSearchEvaluations: Int

        /// Settings; every default suits log-parameter likelihoods.
        public init(maxIterations: Int = 500, maxFunctionEvaluations: Int = 10_000,
                    gradientTolerance: Double = 1e-8, relativeFunctionTolerance: Double = 1e-14,
                    memory: Int = 10, sufficientDecrease: Double = 1e-4, curvature: Double = 0.9,
                    maxLineSearchEvaluations: Int = 40) {
            self.maxIterations = maxIterations
            self.maxFunctionEvaluations = maxFunctionEvaluations
            self.gradientTolerance = gradientTolerance
            self.relativeFunctionTolerance = relativeFunctionTolerance
            self.memory = memory
            self.sufficientDecrease = sufficientDecrease
            self.curvature = curvature
            self.maxLineSearchEvaluations = maxLineSearchEvaluations
        }
    }

    /// Minimises a smooth function with its gradient by L-BFGS (Nocedal 1980, "Updating
    /// quasi-Newton matrices with limited storage", Math. Comp. 35; Liu & Nocedal 1989, Math.
    /// Programming 45) with a strong-Wolfe line search (Nocedal & Wright 2006, *Numerical
    /// Optimization*, 2nd ed., Algorithms 3.5 and 3.6).
    ///
    /// A trial point where the objective is NaN or ±∞, or its gradient is not finite, counts as
    /// +∞: the line search shrinks the step, so an objective that is only defined on part of the
    /// space (a likelihood outside its parameter domain) needs no special handling as long as
    /// the start is inside. The objective never increases from one iteration to the next, so
    /// the returned point is the best one found, and its value is finite.
    ///
    /// - Parameters:
    ///   - objective: returns f(x) and writes ∇f(x) into `gradient` (an array of x's length;
    ///     it need not be written when f(x) is not finite).
    ///   - start: the starting point, where f and ∇f must be finite.
    ///   - options: tolerances and limits.
    /// - Returns: the result; `converged` is false, with the reason in `message`, when an
    ///   iteration or evaluation limit is hit or no step along the steepest-descent direction
    ///   decreases f (typically an inaccurate gradient, or round-off at the minimum).
    /// - Throws: `OptimizationError` when f or ∇f is not finite at `start`.
    /// - Complexity: O(memory · n) work and no allocation per iteration besides the objective's.
    public static func minimize(_ objective: (_ x: [Double], _ gradient: inout [Double]) -> Double,
                                from start: [Double], options: Options = .init()) throws(OptimizationError) -> OptimizationResult {
        let n = start.count
        precondition(n > 0, "nothing to minimise over: empty start")
        precondition(options.memory > 0, "L-BFGS memory must be positive")
        precondition(0 < options.sufficientDecrease && options.sufficientDecrease < options.curvature
                     && options.curvature < 1, "need 0 < c1 < c2 < 1")
        var x = start
        var g = [Double](repeating: 0, count: n)
        var f = objective(x, &g)
        var evaluations = 1
        precondition(g.count == n, "the objective changed the gradient's length to \(g.count), expected \(n)")
        guard f.isFinite else {
            throw OptimizationError(message: "the objective is not finite at the start; choose a start inside the model's domain",
                                    point: start, value: f)
        }
        guard g.allSatisfy(\.isFinite) else {
            throw OptimizationError(message: "the gradient is not finite at the start; choose a start inside the model's domain",
                                    point: start, value: f)
        }

        var memory = LimitedMemory(dimension: n, capacity: options.memory)
        var direction = [Double](repeating: 0, count: n)
        var xTrial = x
        var gTrial = g
        var iterations = 0
        var converged = false
        var message = ""
        var scaledGradient = maxAbs(g) / max(1, abs(f))

        while true {
            if scaledGradient <= options.gradientTolerance {
                converged = true
                message = "converged: scaled gradient norm \(short(scaledGradient)) ≤ \(short(options.gradientTolerance))"
                break
            }
            if iterations >= options.maxIterations {
                message = "stopped: iteration limit \(options.maxIterations) reached (scaled gradient norm \(short(scaledGradient)))"
                break
            }
            if evaluations >= options.maxFunctionEvaluations {
                message = "stopped: evaluation limit \(options.maxFunctionEvaluations) reached (scaled gradient norm \(short(scaledGradient)))"
                break
            }
            memory.direction(gradient: g, into: &direction)
            var slope = dot(g, direction)
            if !(slope < 0) || !slope.isFinite {
                // Not a descent direction (the curvature pairs went stale): restart from −∇f.
                memory.reset()
                memory.direction(gradient: g, into: &direction)
                slope = dot(g, direction)
            }
            // Without curvature information the first trial moves no coordinate by more than 1
            // (a factor e on log-parameters), whatever the gradient's magnitude.
            let initialStep = memory.isEmpty ? min(1, 1 / maxAbs(direction)) : 1
            let budget = min(options.maxLineSearchEvaluations, options.maxFunctionEvaluations - evaluations)
            let search = lineSearch(objective, x: x, value: f, slope: slope, direction: direction,
                                    initialStep: initialStep, budget: budget, options: options,
                                    xTrial: &xTrial, gTrial: &gTrial, evaluations: &evaluations)
            guard let newValue = search else {
                if !memory.isEmpty {
                    memory.reset()
                    continue
                }
                message = "stopped: the line search found no decrease along the steepest-descent direction "
                    + "(scaled gradient norm \(short(scaledGradient))); the gradient may be inaccurate, "
                    + "or the point is a minimum to round-off"
                break
            }
            memory.update(newX: xTrial, oldX: x, newGradient: gTrial, oldGradient: g)
            swap(&x, &xTrial)
            swap(&g, &gTrial)
            let previous = f
            f = newValue
            iterations += 1
            scaledGradient = maxAbs(g) / max(1, abs(f))
            let relativeChange = (previous - f) / max(abs(previous), abs(f), 1)
            // A gradient below tolerance is reported by the test at the top of the loop.
            if relativeChange <= options.relativeFunctionTolerance && scaledGradient > options.gradientTolerance {
                converged = true
                message = "converged: relative function change \(short(relativeChange)) ≤ \(short(options.relativeFunctionTolerance))"
                break
            }
        }
        return OptimizationResult(x: x, value: f, gradient: g, iterations: iterations, functionEvaluations: evaluations,
                                  converged: converged, gradientNorm: maxAbs(g), message: message)
    }

    /// Runs `minimize(_:from:options:)` from each start and returns the result with the lowest
    /// objective: a guard against local minima and against starts far from the optimum.
    /// Starts where the objective is not finite are skipped.
    /// - Parameters:
    ///   - objective: as for `minimize(_:from:options:)`.
    ///   - starts: one or more starting points of the same length.
    ///   - options: used for every run.
    /// - Returns: the best run's result (its counts are that run's), with the start's number
    ///   appended to `message`.
    /// - Throws: `OptimizationError` when the objective is not finite at any start.
    public static func minimizeWithRestarts(_ objective: (_ x: [Double], _ gradient: inout [Double]) -> Double,
                                            starts: [[Double]], options: Options = .init()) throws(OptimizationError) -> OptimizationResult {
        precondition(!starts.isEmpty, "no starting points")
        var best: OptimizationResult?
        var bestIndex = 0
        var firstError: OptimizationError?
        for (index, start) in starts.enumerated() {
            do {
                let result = try minimize(objective, from: start, options: options)
                if let current = best, current.value <= result.value { continue }
                best = result
                bestIndex = index
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        guard var result = best else {
            throw OptimizationError(message: "the objective is not finite at any of the \(starts.count) starts",
                                    point: starts[0], value: firstError?.value ?? .nan)
        }
        result.message += " (best of \(starts.count) starts: start \(bestIndex + 1))"
        return result
    }

    /// Minimises a smooth function without an analytic gradient: L-BFGS on central-difference
    /// gradients (`numericalGradient(_:at:)`, 2n extra evaluations per point).
    /// - Parameters:
    ///   - f: the objective; NaN or ±∞ where undefined.
    ///   - start: the starting point, where f must be finite.
    ///   - options: as for `minimize(_:from:options:)`; `maxFunctionEvaluations` counts points
    ///     (value and gradient), `functionEvaluations` in the result counts calls of `f`.
    /// - Throws: `OptimizationError` when f or its difference gradient is not finite at `start`.
    public static func minimizeWithNumericalGradient(_ f: ([Double]) -> Double, from start: [Double],
                                                     options: Options = .init()) throws(OptimizationError) -> OptimizationResult {
        var calls = 0
        func counted(_ point: [Double]) -> Double {
            calls += 1
            return f(point)
        }
        var result = try minimize({ x, gradient in
            let value = counted(x)
            if value.isFinite { centralDifferenceGradient(counted, at: x, value: value, into: &gradient) }
            return value
        }, from: start, options: options)
        result.functionEvaluations = calls
        return result
    }
}

/// The L-BFGS memory: the last m pairs sᵢ = xᵢ₊₁ − xᵢ, yᵢ = ∇fᵢ₊₁ − ∇fᵢ in a ring buffer, and
/// the two-loop recursion (Nocedal 1980) for the direction −H·∇f.
struct LimitedMemory {
    let dimension: Int
    let capacity: Int
    private var s: [Double]
    private var y: [Double]
    private var rho: [Double]
    private var alpha: [Double]
    private var count = 0
    private var newest = -1
    /// Scaling of the initial inverse Hessian, sᵀy / yᵀy of the newest pair (Liu & Nocedal
    /// 1989, eq. 2.8 choice).
    private var gamma = 1.0

    init(dimension: Int, capacity: Int) {
        self.dimension = dimension
        self.capacity = capacity
        s = [Double](repeating: 0, count: dimension * capacity)
        y = s
        rho = [Double](repeating: 0, count: capacity)
        alpha = rho
    }

    var isEmpty: Bool { count == 0 }

    mutating func reset() {
        count = 0
        newest = -1
        gamma = 1
    }

    /// Stores the newest pair unless sᵀy is not safely positive (which would make the update
    /// lose positive definiteness); then the memory is left unchanged.
    mutating func update(newX: [Double], oldX: [Double], newGradient: [Double], oldGradient: [Double]) {
        var sy = 0.0
        var yy = 0.0
        for i in 0..<dimension {
            let si = newX[i] - oldX[i]
            let yi = newGradient[i] - oldGradient[i]
            sy += si * yi
            yy += yi * yi
        }
        guard sy > Double.ulpOfOne * yy, sy.isFinite, yy.isFinite else { return }
        let slot = (newest + 1) % capacity
        let base = slot * dimension
        for i in 0..<dimension {
            s[base + i] = newX[i] - oldX[i]
            y[base + i] = newGradient[i] - oldGradient[i]
        }
        rho[slot] = 1 / sy
        gamma = sy / yy
        newest = slot
        count = min(count + 1, capacity)
    }

    /// Writes −H·g into `d`, H the L-BFGS inverse-Hessian approximation.
    mutating func direction(gradient g: [Double], into d: inout [Double]) {
        for i in 0..<dimension { d[i] = -g[i] }
        var slot = newest
        for _ in 0..<count {
            let base = slot * dimension
            var a = 0.0
            for i in 0..<dimension { a += s[base + i] * d[i] }
            a *= rho[slot]
            alpha[slot] = a
            for i in 0..<dimension { d[i] -= a * y[base + i] }
            slot = (slot - 1 + capacity) % capacity
        }
        for i in 0..<dimension { d[i] *= gamma }
        slot = (newest - count + 1 + capacity) % capacity
        for _ in 0..<count {
            let base = slot * dimension
            var b = 0.0
            for i in 0..<dimension { b += y[base + i] * d[i] }
            b *= rho[slot]
            for i in 0..<dimension { d[i] += (alpha[slot] - b) * s[base + i] }
            slot = (slot + 1) % capacity
        }
    }
}

extension Optimizer {
    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }

    static func maxAbs(_ a: [Double]) -> Double {
        a.reduce(0) { max($0, abs($1)) }
    }

    /// A number in 3 significant digits, for messages.
    static func short(_ value: Double) -> String {
        String(format: "%.3g", value)
    }
}
