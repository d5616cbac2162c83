import Foundation
import Numerics

/// Options of a maximum-likelihood fit.
public struct FitOptions: Sendable, Hashable {
    /// L2 penalty λ: the fit maximises log L − λ Σ θ² over the parameters θ (lifetimes'
    /// `penalizer_coef`); 0 for plain maximum likelihood.
    public var penalty: Double
    /// Most optimizer iterations a fit may take.
    public var maxIterations: Int
    /// Options with L2 penalty `penalty` (≥ 0) and at most `maxIterations` iterations (> 0).
    public init(penalty: Double = 0, maxIterations: Int = 500) {
        self.penalty = penalty
        self.maxIterations = maxIterations
    }
}

/// Error for a fit that cannot be done or did not converge.
public struct FitError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, for the user.
    public var message: String
    /// An error with its message.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// Maximum likelihood on log-parameters with L-BFGS from several starts, standard errors from
/// the Hessian (delta method from the log scale), shared by the models.
enum MaximumLikelihood {
    /// A cheap stand-in for the log-likelihood of a large data set (that of a subsample of its
    /// histories, weighted to stand for all of them), whose maximum and curvature start the fit.
    struct WarmStart {
        /// log L of the subsample, weighted, and its gradient with respect to the parameters.
        var logLikelihood: ([Double], inout [Double]) -> Double
        /// What the subsample is, for the fit's message.
        var description: String
    }

    /// Minimise −log L + λ Σ p² over θ = log p; ∂/∂θ = p ∂/∂p.
    private static func objective(
        _ logLikelihood: @escaping ([Double], inout [Double]) -> Double, k: Int, penalty: Double
    ) -> ([Double], inout [Double]) -> Double {
        { theta, gradient in
            let p = theta.map { Double.exp($0) }
            var g = [Double](repeating: 0, count: k)
            let ll = logLikelihood(p, &g)
            var value = -ll
            for j in 0..<k {
                value += penalty * p[j] * p[j]
                gradient[j] = -g[j] * p[j] + 2 * penalty * p[j] * p[j]
            }
            return value
        }
    }

    /// L-BFGS on a subsample's objective from the starts in turn until one converges; nil when none does.
    private static func subsampleMaximum(
        _ small: ([Double], inout [Double]) -> Double, starts: [[Double]], options: FitOptions
    ) -> OptimizationResult? {
        var sub: OptimizationResult?
        for start in starts {
            guard let run = try? Optimizer.minimize(small, from: start.map { Double.log($0) },
                                                    options: Optimizer.Options(maxIterations: options.maxIterations)) else { continue }
            if sub == nil || run.value < sub?.value ?? .infinity { sub = run }
            if run.converged { break }
        }
        guard let sub, sub.converged else { return nil }
        return sub
    }

    /// The fit from a warm start: L-BFGS on the subsample's likelihood, then Newton steps on the
    /// full likelihood with the subsample's Hessian (numerical, from its gradient), until the
    /// full likelihood meets the optimizer's own convergence test (scaled gradient ≤ 1e-8). The
    /// maximum is that of the full likelihood: the subsample only chooses the start and the
    /// step metric. Returns nil (the caller then runs L-BFGS on the full likelihood from the
    /// best point reached, `best`) when a step increases the objective beyond rounding or 10
    /// steps do not converge.
    private static func polish(
        _ objective: ([Double], inout [Double]) -> Double, warm: WarmStart, k: Int, starts: [[Double]],
        options: FitOptions, best: inout [Double]?
    ) -> OptimizationResult? {
        let small = Self.objective(warm.logLikelihood, k: k, penalty: options.penalty)
        guard let sub = subsampleMaximum(small, starts: starts, options: options) else { return nil }
        best = sub.x
        let hessian = Optimizer.numericalHessian(gradient: { theta in
            var g = [Double](repeating: 0, count: k)
            _ = small(theta, &g)
            return g
        }, at: sub.x)
        guard let cholesky = try? CholeskyDecomposition(hessian) else { return nil }
        let tolerance = Optimizer.Options().gradientTolerance
        var x = sub.x
        var g = [Double](repeating: 0, count: k)
        var f = objective(x, &g)
        var evaluations = 1
        guard f.isFinite, g.allSatisfy(\.isFinite) else { return nil }
        for step in 0...10 {
            let norm = g.reduce(0) { max($0, abs($1)) }
            let scaled = norm / max(1, abs(f))
            if scaled <= tolerance {
                return OptimizationResult(
                    x: x, value: f, gradient: g, iterations: sub.iterations + step,
                    functionEvaluations: sub.functionEvaluations + evaluations, converged: true, gradientNorm: norm,
                    message: "converged: scaled gradient norm \(String(format: "%.3g", scaled)) ≤ \(String(format: "%.3g", tolerance)) "
                        + "(started at the maximum of \(warm.description) in \(sub.iterations) L-BFGS iterations, "
                        + "then \(step) Newton steps on all the data)")
            }
            guard step < 10 else { return nil }
            let direction = cholesky.solve(g)
            let trial = zip(x, direction).map { $0 - $1 }
            var gTrial = [Double](repeating: 0, count: k)
            let fTrial = objective(trial, &gTrial)
            evaluations += 1
            // Near the maximum a step's change of f is below the rounding of a sum over millions
            // of terms: allow that much (1e-12 relative); a step that overshoots changes f by far more.
            guard fTrial.isFinite, gTrial.allSatisfy(\.isFinite), fTrial <= f + 1e-12 * abs(f) else { return nil }
            x = trial
            g = gTrial
            f = fTrial
            best = x
        }
        return nil
    }

    /// Fits the positive parameters that maximise `logLikelihood`.
    /// - Parameters:
    ///   - logLikelihood: log L at the parameters and its gradient with respect to them.
    ///   - starts: starting parameter vectors (all > 0).
    ///   - warmStart: a subsample's likelihood to start from (large data sets); the estimates are
    ///     those of `logLikelihood` all the same.
    ///   - hessian: the Hessian of log L in the parameters, for the standard errors (otherwise by
    ///     central differences of the gradient, 2k evaluations).
    static func fit(
        model: String, names: [String], customers: Int, starts: [[Double]], options: FitOptions,
        warmStart: WarmStart? = nil, hessian analyticHessian: (([Double]) -> Matrix)? = nil,
        logLikelihood: @escaping ([Double], inout [Double]) -> Double
    ) throws -> FitReport {
        let k = names.count
        let objective = Self.objective(logLikelihood, k: k, penalty: options.penalty)
        // The first start is the model's best guess; the others are tried only when it fails.
        var result: OptimizationResult?
        var failures: [String] = []
        var best: [Double]?
        if let warmStart {
            result = polish(objective, warm: warmStart, k: k, starts: starts, options: options, best: &best)
        }
        // Without a converged warm start: L-BFGS from the best point it reached, then the starts.
        let fullStarts = result != nil ? [] : (best.map { [$0.map { Double.exp($0) }] } ?? []) + starts
        for start in fullStarts {
            do {
                let run = try Optimizer.minimize(objective, from: start.map { Double.log($0) },
                                                 options: Optimizer.Options(maxIterations: options.maxIterations))
                if result == nil || run.value < result?.value ?? .infinity { result = run }
                if run.converged { break }
            } catch {
                failures.append(error.message)
            }
        }
        guard let result else {
            throw FitError("\(model): the likelihood cannot be evaluated at any starting point (\(failures.joined(separator: "; ")))")
        }
        let estimates = result.x.map { Double.exp($0) }
        // Standard errors: Hessian of −log L in θ (by differences of the analytic gradient),
        // then the delta method: se(p) = p · se(θ).
        let hessian: Matrix
        if let analyticHessian, result.gradient.count == k {
            // Of f(θ) = −log L(e^θ) + λ Σ e^{2θ}: ∂²f/∂θᵢ∂θⱼ = −Hᵢⱼ pᵢ pⱼ + δᵢⱼ (∂f/∂θⱼ + 2λ pⱼ²),
            // with ∂f/∂θⱼ = −gⱼ pⱼ + 2λ pⱼ² the gradient at the estimates.
            let h = analyticHessian(estimates)
            var m = Matrix(rows: k, columns: k)
            for i in 0..<k {
                for j in 0..<k { m[i, j] = -h[i, j] * estimates[i] * estimates[j] }
                m[i, i] += result.gradient[i] + 2 * options.penalty * estimates[i] * estimates[i]
            }
            hessian = m
        } else {
            hessian = Optimizer.numericalHessian(gradient: { theta in
                var g = [Double](repeating: 0, count: k)
                _ = objective(theta, &g)
                return g
            }, at: result.x)
        }
        // Without a penalty the objective is −log L exactly; otherwise evaluate log L.
        var ll = -result.value
        if options.penalty != 0 {
            var g = [Double](repeating: 0, count: k)
            ll = logLikelihood(estimates, &g)
        }
        return report(model: model, names: names, customers: customers, result: result, hessian: hessian,
                      logLikelihood: ll, penalty: options.penalty)
    }

    /// The fit's report from the optimizer's result and the Hessian of its objective in θ = log p.
    private static func report(
        model: String, names: [String], customers: Int, result: OptimizationResult, hessian: Matrix,
        logLikelihood ll: Double, penalty: Double
    ) -> FitReport {
        let k = names.count
        let estimates = result.x.map { Double.exp($0) }
        let logErrors = Matrix.standardErrors(fromHessian: hessian)
        let errors: [Double?] = (0..<k).map { j in logErrors.map { $0[j] * estimates[j] } }
        // Estimates running off to 0 or ∞ mean the data cannot identify the model (e.g. every
        // customer alike leaves no heterogeneity to estimate): say so rather than blame the optimizer.
        var message = result.message
        let boundary = names.indices.filter { estimates[$0] > 1e6 || estimates[$0] < 1e-6 }
        if !boundary.isEmpty {
            message = "boundary estimate: \(boundary.map { "\(names[$0]) = \(String(format: "%.3g", estimates[$0]))" }.joined(separator: ", ")) "
                + "went towards 0 or infinity, so the data cannot identify the model (too little variation across customers); "
                + "the estimates are a limit, not a maximum, and have no standard errors. " + result.message
        }
        return FitReport(
            model: model, parameterNames: names, estimates: estimates, errors: boundary.isEmpty ? errors : errors.map { _ in nil },
            logLikelihood: ll, customers: customers, converged: result.converged && boundary.isEmpty,
            iterations: result.iterations, gradientNorm: result.gradientNorm, message: message, penalty: penalty)
    }
}

extension BGNBD {
    /// Fits the model to `data` by maximum likelihood.
    /// - Throws: ``FitError`` when the likelihood cannot be evaluated or the data cannot identify
    ///   the model (nobody makes a repeat purchase).
    public static func fit(_ data: PurchaseData, options: FitOptions = .init()) throws -> (model: BGNBD, report: FitReport) {
        guard data.frequency.contains(where: { $0 > 0 }) else {
            throw FitError("bgnbd: nobody made a repeat purchase, so the purchase rate and dropout cannot be estimated")
        }
        let likelihood = BGNBDLikelihood(data: data)
        // Starts: a moment-style guess (the mean purchase rate) and two spreads of it.
        let rate = data.meanPurchaseRate
        let starts: [[Double]] = [
            [1, 1 / rate, 1, 1],
            [0.25, 0.25 / rate, 0.8, 2.5],
            [3, 3 / rate, 0.5, 5],
        ]
        // Many histories: start from the maximum of a subsample's likelihood (see ``PurchaseData/subsample(step:)``).
        var warmStart: MaximumLikelihood.WarmStart?
        let step = data.histories / 25_000
        if step >= 4, let sample = try? data.subsample(step: step) {
            let small = BGNBDLikelihood(data: sample)
            warmStart = .init(logLikelihood: { p, gradient in small.evaluate(Parameters(p), gradient: &gradient) },
                              description: "a subsample of \(sample.histories) histories")
        }
        let report = try MaximumLikelihood.fit(
            model: "bgnbd", names: parameterNames, customers: data.customers, starts: starts, options: options,
            warmStart: warmStart
        ) { p, gradient in
            likelihood.evaluate(Parameters(p), gradient: &gradient)
        }
        return (BGNBD(parameters: Parameters(report.estimates)), report)
    }
}
