import Foundation

/// L2-regularised logistic regression on standardised features, fitted by Newton's method
/// (iteratively reweighted least squares).
///
/// The model is P(churn | x) = σ(b + Σ_j w_j z_j), σ(t) = 1 / (1 + e^−t), with z_j = (x_j − μ_j) / s_j
/// the feature standardised by its training mean μ_j and (population) standard deviation s_j.
/// Fitting minimises the penalised negative log-likelihood (Hastie, Tibshirani & Friedman 2009,
/// *The Elements of Statistical Learning*, 2nd ed., §4.4.4)
///
///     Σ_i [log(1 + e^η_i) − y_i η_i] + ½ · l2 · ‖w‖²,   η_i = b + wᵀz_i,
///
/// the intercept b unpenalised. This is scikit-learn's `LogisticRegression(C = 1 / l2)` on
/// standardised columns. Each Newton step solves (Zᵀ W Z + l2·I) δ = ∇ by Cholesky, W =
/// diag(p_i (1 − p_i)); the objective is strictly convex for l2 > 0, and a step that does not
/// decrease it is halved. A column with zero variance carries no information and keeps weight 0.
public struct LogisticRegression: Sendable, Codable, Hashable {
    /// Settings of the fit.
    public struct Options: Sendable, Codable, Hashable {
        /// Strength of the ridge penalty ½·l2·‖w‖² on the standardised weights (l2 ≥ 0;
        /// scikit-learn's C = 1 / l2).
        public var l2: Double
        /// Newton iterations at most (≥ 1).
        public var maxIterations: Int
        /// Convergence: the largest change of a standardised weight in the last step.
        public var tolerance: Double

        /// Creates the value from its parts; each property's comment gives its meaning and domain.
        public init(l2: Double = 1.0, maxIterations: Int = 100, tolerance: Double = 1e-8) {
            self.l2 = l2
            self.maxIterations = maxIterations
            self.tolerance = tolerance
        }
    }

    /// The feature names of the training matrix, in order.
    public let featureNames: [String]
    /// Training means μ_j of the features.
    public let means: [Double]
    /// Training standard deviations s_j (population, divisor n); 0 for a constant column.
    public let standardDeviations: [Double]
    /// Intercept b on the standardised scale (the logit of a customer at the mean of every feature).
    public let intercept: Double
    /// Weights w_j per standard deviation of each feature (0 for a constant column).
    public let standardizedCoefficients: [Double]
    /// Newton iterations used.
    public let iterations: Int
    /// Whether the last step changed no weight by more than the tolerance.
    public let converged: Bool
    /// The penalised negative log-likelihood at the solution.
    public let objective: Double

    /// Weights in the features' own units: w_j / s_j (change of the logit per unit of x_j).
    public var coefficients: [Double] {
        zip(standardizedCoefficients, standardDeviations).map { w, s in s > 0 ? w / s : 0 }
    }

    /// Intercept in the features' own units: b − Σ_j w_j μ_j / s_j (the logit at x = 0).
    public var originalIntercept: Double {
        var b = intercept
        for j in means.indices where standardDeviations[j] > 0 { b -= standardizedCoefficients[j] * means[j] / standardDeviations[j] }
        return b
    }

    /// Fits the model to the labelled rows of `m`.
    /// - Parameters:
    ///   - m: the training matrix, with labels of both classes.
    ///   - options: penalty and convergence settings.
    /// - Returns: the fitted model.
    /// - Throws: `ChurnLearnerError` when the labels are missing or of one class only, or when
    ///   the Newton system cannot be solved (only possible with l2 = 0 and separable or
    ///   collinear data).
    /// - Complexity: O(iterations × n × d²) time, O(d²) extra memory; passes over the rows run
    ///   on two threads for large matrices.
    public static func fit(_ m: FeatureMatrix, options: Options = Options()) throws -> LogisticRegression {
        let labels = try ChurnLearnerError.checkedLabels(m)
        precondition(options.l2 >= 0 && options.maxIterations >= 1, "l2 ≥ 0 and maxIterations ≥ 1")
        let n = m.rowCount, d = m.columnCount
        // Means and standard deviations by a two-pass computation (avoids the cancellation of Σx² − nμ²).
        var means = [Double](repeating: 0, count: d)
        var sds = [Double](repeating: 0, count: d)
        m.values.withUnsafeBufferPointer { v in
            for i in 0..<n { for j in 0..<d { means[j] += v[i * d + j] } }
            for j in 0..<d { means[j] /= Double(n) }
            for i in 0..<n { for j in 0..<d { let e = v[i * d + j] - means[j]; sds[j] += e * e } }
        }
        for j in 0..<d {
            sds[j] = (sds[j] / Double(n)).squareRoot()
            // A column whose spread is rounding noise relative to its level is constant.
            if !(sds[j] > 1e-12 * max(1, abs(means[j]))) { sds[j] = 0 }
        }
        let active = (0..<d).filter { sds[$0] > 0 }
        let k = active.count + 1   // parameters: intercept, then the active weights
        let scale = active.map { 1 / sds[$0] }
        let shift = active.map { means[$0] }

        let positives = labels.reduce(0) { $0 + Int($1) }
        let rate = Double(positives) / Double(n)
        var theta = [Double](repeating: 0, count: k)
        theta[0] = Foundation.log(rate / (1 - rate))
        var step = [Double](repeating: 0, count: k)
        var accepted = theta   // the last point whose objective did not increase
        var previous = Double.infinity
        var iterations = 0, converged = false
        var objective = Double.infinity
        let parts = n * k >= parallelWorkThreshold ? 2 : 1
        let activeColumns = active
        let values = m.values
        // The factor of the last Hessian, and whether the next pass must compute a new one.
        var factor: CholeskyDecomposition?
        var needsHessian = true
        var lastLargest = Double.infinity

        while iterations < options.maxIterations {
            iterations += 1
            let current = theta, withHessian = needsHessian || factor == nil
            let partials = parallelParts(count: n, parts: parts) { range in
                Self.pass(values: values, labels: labels, d: d, columns: activeColumns, shift: shift, scale: scale, theta: current,
                          rows: range, withHessian: withHessian)
            }
            // Layout of a pass result: [loss, gradient (k), Hessian upper triangle (k(k+1)/2)].
            var total = [Double](repeating: 0, count: partials[0].count)
            for p in partials { for t in total.indices { total[t] += p[t] } }
            var loss = total[0]
            for t in 1..<k { loss += 0.5 * options.l2 * theta[t] * theta[t] }
            if loss > previous * (1 + 1e-12) + 1e-12 {
                // The step overshot (possible far from the optimum): halve it, with a fresh
                // Hessian from the next accepted point on.
                needsHessian = true
                for t in 0..<k { step[t] *= 0.5; theta[t] = accepted[t] - step[t] }
                if step.allSatisfy({ abs($0) < options.tolerance }) { theta = accepted; converged = true; break }
                continue
            }
            accepted = theta
            previous = loss
            objective = loss
            var gradient = [Double](repeating: 0, count: k)
            for a in 0..<k { gradient[a] = total[1 + a] + (a > 0 ? options.l2 * theta[a] : 0) }
            if withHessian {
                var hessian = Matrix(rows: k, columns: k)
                var offset = 1 + k
                for a in 0..<k {
                    for b in a..<k {
                        let h = total[offset] + (a == b && a > 0 ? options.l2 : 0)
                        hessian[a, b] = h
                        hessian[b, a] = h
                        offset += 1
                    }
                }
                do {
                    factor = try CholeskyDecomposition(hessian)
                } catch {
                    throw ChurnLearnerError("logistic regression: the Newton system is singular (separable or collinear features with l2 = 0); use l2 > 0")
                }
            }
            guard let factor else { continue }
            step = factor.solve(gradient)
            var largest = 0.0
            for t in 0..<k { theta[t] -= step[t]; largest = max(largest, abs(step[t])) }
            // A chord step (below) converges linearly, not quadratically: it must be smaller for
            // the weights to be as close to the optimum as after a Newton step of the tolerance.
            if largest < (withHessian ? options.tolerance : options.tolerance * 1e-3) { converged = true; break }
            // Close to the optimum the Hessian hardly changes from one step to the next, so the
            // last one is kept (a chord step: a gradient pass, a small fraction of a Hessian
            // pass) for as long as each step shrinks to a quarter of the one before; the fixed
            // point, a zero gradient, is the same.
            needsHessian = !(largest < Self.chordFrom && (!withHessian ? largest < 0.25 * lastLargest : true))
            lastLargest = largest
        }
        var weights = [Double](repeating: 0, count: d)
        for (a, j) in active.enumerated() { weights[j] = theta[a + 1] }
        return LogisticRegression(featureNames: m.featureNames, means: means, standardDeviations: sds, intercept: theta[0],
                                  standardizedCoefficients: weights, iterations: iterations, converged: converged, objective: objective)
    }

    /// Largest standardised step below which the Newton iterations keep their Hessian.
    static let chordFrom = 0.05

    /// Rows per block of a pass: the block's standardised columns stay in the L1 cache.
    static let blockRows = 64

    /// Loss, gradient and, `withHessian`, the Hessian (upper triangle) of the unpenalised
    /// log-likelihood over `rows`.
    ///
    /// Rows go by blocks of ``blockRows``: the block's standardised values are laid out by column
    /// (z_a of every row of the block contiguous), so η, the gradient Σ r_i z_i and the Hessian
    /// Σ w_i z_i z_iᵀ are sums along contiguous columns, two rows of the Hessian by two columns at
    /// a time on SIMD lanes.
    private static func pass(values: [Double], labels: [UInt8], d: Int, columns: [Int], shift: [Double], scale: [Double],
                             theta: [Double], rows: Range<Int>, withHessian: Bool) -> [Double] {
        let k = theta.count
        let B = blockRows
        var out = [Double](repeating: 0, count: 1 + k + (withHessian ? k * (k + 1) / 2 : 0))
        // z: k columns of B values (column 0 all ones); wz: the same times w_i; then η, r.
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: (2 * k + 2) * B)
        defer { scratch.deallocate() }
        let z = scratch, wz = scratch + k * B, eta = scratch + 2 * k * B, residual = eta + B
        // Upper triangle in full k × k layout while summing (row a, columns a..<k), packed at the end.
        let hessian = UnsafeMutablePointer<Double>.allocate(capacity: withHessian ? k * k : 1)
        defer { hessian.deallocate() }
        if withHessian { hessian.initialize(repeating: 0, count: k * k) }
        for i in 0..<B { z[i] = 1 }
        var loss = 0.0
        values.withUnsafeBufferPointer { v in
        columns.withUnsafeBufferPointer { columns in
        shift.withUnsafeBufferPointer { shift in
        scale.withUnsafeBufferPointer { scale in
        out.withUnsafeMutableBufferPointer { o in
            guard let first = v.baseAddress else { return }
            var start = rows.lowerBound
            while start < rows.upperBound {
                let count = min(B, rows.upperBound - start)
                // Standardise the block into z row by row (each row read once, in order: read
                // column by column, the block's rows would be fetched again for every column);
                // pad a short block with zeros.
                for i in 0..<count {
                    let row = first + (start + i) * d
                    for a in 1..<k { z[a * B + i] = (row[columns[a - 1]] - shift[a - 1]) * scale[a - 1] }
                }
                if count < B { for a in 1..<k { for i in count..<B { z[a * B + i] = 0 } } }
                for i in 0..<B { eta[i] = theta[0] }
                for a in 1..<k {
                    let t = theta[a], za = z + a * B
                    for i in 0..<B { eta[i] += t * za[i] }
                }
                for i in 0..<count {
                    let e = eta[i]
                    let y = Double(labels[start + i])
                    // log(1 + e^η) = max(η, 0) + log1p(e^−|η|): no overflow for large |η|.
                    loss += max(e, 0) + Foundation.log1p(Foundation.exp(-abs(e))) - y * e
                    let p = 1 / (1 + Foundation.exp(-e))
                    residual[i] = p - y
                    eta[i] = p * (1 - p)   // from here on: the weight w_i
                }
                for i in count..<B { residual[i] = 0; eta[i] = 0 }
                for a in 0..<k { o[1 + a] += Self.dot(residual, z + a * B, B) }
                if withHessian {
                    for a in 0..<k {
                        let za = z + a * B, wza = wz + a * B
                        for i in 0..<B { wza[i] = eta[i] * za[i] }
                    }
                    Self.accumulateUpperProducts(wz, z, k: k, B: B, into: hessian)
                }
                start += count
            }
            o[0] = loss
            if withHessian {
                var offset = 1 + k
                for a in 0..<k { for b in a..<k { o[offset] = hessian[a * k + b]; offset += 1 } }
            }
        }}}}}
        return out
    }

    /// Σ_i x_i y_i over `n` values (a multiple of 4), in four SIMD lanes.
    @inline(__always)
    private static func dot(_ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) -> Double {
        var sum = SIMD4<Double>()
        var i = 0
        while i < n {
            sum += SIMD4(x[i], x[i + 1], x[i + 2], x[i + 3]) * SIMD4(y[i], y[i + 1], y[i + 2], y[i + 3])
            i += 4
        }
        return sum.sum()
    }

    /// h[a·k + b] += Σ_i u[a][i] · z[b][i] for a ≤ b (columns of `B` values, B a multiple of 4):
    /// tiles of two rows by two columns, so four loads feed four products.
    private static func accumulateUpperProducts(_ u: UnsafeMutablePointer<Double>, _ z: UnsafeMutablePointer<Double>,
                                                k: Int, B: Int, into h: UnsafeMutablePointer<Double>) {
        var a = 0
        while a < k {
            let two = a + 1 < k
            let u0 = u + a * B, u1 = two ? u0 + B : u0
            // Columns b ≥ a; with two rows, (a + 1, a) is below the diagonal and simply not kept.
            var b = a
            while b < k {
                let pair = b + 1 < k
                let z0 = z + b * B, z1 = pair ? z0 + B : z0
                var s00 = SIMD4<Double>(), s01 = SIMD4<Double>(), s10 = SIMD4<Double>(), s11 = SIMD4<Double>()
                var i = 0
                while i < B {
                    let x0 = SIMD4(u0[i], u0[i + 1], u0[i + 2], u0[i + 3]), x1 = SIMD4(u1[i], u1[i + 1], u1[i + 2], u1[i + 3])
                    let y0 = SIMD4(z0[i], z0[i + 1], z0[i + 2], z0[i + 3]), y1 = SIMD4(z1[i], z1[i + 1], z1[i + 2], z1[i + 3])
                    s00 += x0 * y0
                    s01 += x0 * y1
                    s10 += x1 * y0
                    s11 += x1 * y1
                    i += 4
                }
                h[a * k + b] += s00.sum()
                if pair { h[a * k + b + 1] += s01.sum() }
                if two {
                    if b >= a + 1 { h[(a + 1) * k + b] += s10.sum() }
                    if pair { h[(a + 1) * k + b + 1] += s11.sum() }
                }
                b += 2
            }
            a += 2
        }
    }

    /// The logit b + Σ_j w_j z_j of one row of raw feature values.
    /// - Precondition: `row.count == featureNames.count`.
    public func logit(row: ArraySlice<Double>) -> Double {
        precondition(row.count == means.count, "a row of \(row.count) values for a model of \(means.count) features")
        var eta = intercept
        var j = 0
        for x in row {
            if standardDeviations[j] > 0 { eta += standardizedCoefficients[j] * ((x - means[j]) / standardDeviations[j]) }
            j += 1
        }
        return eta
    }

    /// The churn probability σ(logit) of one row of raw feature values.
    public func probability(row: ArraySlice<Double>) -> Double {
        1 / (1 + Foundation.exp(-logit(row: row)))
    }

    /// The churn probability of row `row` of `m`.
    public func probability(_ m: FeatureMatrix, row: Int) -> Double {
        probability(row: m.values[row * m.columnCount ..< (row + 1) * m.columnCount])
    }

    /// Churn probabilities of every row of `m` (same columns as the training matrix).
    /// - Complexity: O(n × d).
    public func predict(_ m: FeatureMatrix) -> [Double] {
        precondition(m.columnCount == means.count, "a matrix of \(m.columnCount) columns for a model of \(means.count) features")
        return (0..<m.rowCount).map { probability(m, row: $0) }
    }

    /// Per-feature contributions w_j · z_j to the logit of row `row` of `m`: `intercept` plus
    /// their sum is the logit (the same terms, added in the same order as ``logit(row:)``).
    public func contributions(_ m: FeatureMatrix, row: Int) -> [Double] {
        precondition(m.columnCount == means.count, "a matrix of \(m.columnCount) columns for a model of \(means.count) features")
        return (0..<means.count).map { j in
            standardDeviations[j] > 0 ? standardizedCoefficients[j] * ((m[row, j] - means[j]) / standardDeviations[j]) : 0
        }
    }
}
