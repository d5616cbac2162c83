import Foundation

extension Optimizer {
    /// Relative step of central first differences, ε^(1/3) ≈ 6e-6: it balances the O(h²)
    /// truncation error against the O(ε/h) round-off error (Nocedal & Wright 2006, §8.1).
    static let centralStep = pow(Double.ulpOfOne, 1.0 / 3.0)
    /// Relative step of one-sided first differences, ε^(1/2) ≈ 1.5e-8 (O(h) against O(ε/h)).
    static let forwardStep = Double.ulpOfOne.squareRoot()
    /// Relative step of the coarser of the two second differences that are Richardson
    /// extrapolated: the O(h⁴) truncation balances the O(ε/h²) round-off near h ≈ ε^(1/6).
    static let secondDifferenceStep = 2 * pow(Double.ulpOfOne, 1.0 / 6.0)

    /// The gradient of f at x by central differences, (f(x + hᵢeᵢ) − f(x − hᵢeᵢ)) / 2hᵢ with
    /// hᵢ = ε^(1/3)·max(1, |xᵢ|), accurate to about 1e-10 relative to f's scale.
    ///
    /// Where one side of the stencil is not finite (x near the edge of f's domain) the
    /// component falls back to a one-sided difference with step ε^(1/2)·max(1, |xᵢ|); it is NaN
    /// when neither side is finite.
    /// - Complexity: 2n evaluations of f (plus 1 + 1 per fallback component).
    public static func numericalGradient(_ f: ([Double]) -> Double, at x: [Double]) -> [Double] {
        var gradient = [Double](repeating: 0, count: x.count)
        centralDifferenceGradient(f, at: x, value: nil, into: &gradient)
        return gradient
    }

    /// f at x ± hᵢeᵢ with hᵢ = ε^(1/3)·max(1, |xᵢ|) (the central difference's two points), and
    /// the distance between the two representable points: dividing by it, not by 2h, removes the
    /// rounding of x ± h from the error. `point` is x on entry and on return.
    static func centralStencil<Value>(_ f: ([Double]) -> Value, around point: inout [Double],
                                      at i: Int) -> (up: Value, down: Value, width: Double) {
        let x = point[i]
        let h = centralStep * max(1, abs(x))
        let up = x + h
        let down = x - h
        point[i] = up
        let fUp = f(point)
        point[i] = down
        let fDown = f(point)
        point[i] = x
        return (fUp, fDown, up - down)
    }

    /// `numericalGradient(_:at:)` into a caller's array; `value` is f(x) when already known.
    static func centralDifferenceGradient(_ f: ([Double]) -> Double, at x: [Double], value: Double?,
                                          into gradient: inout [Double]) {
        let n = x.count
        if gradient.count != n { gradient = [Double](repeating: 0, count: n) }
        var point = x
        var center = value
        for i in 0..<n {
            let (fUp, fDown, width) = centralStencil(f, around: &point, at: i)
            if fUp.isFinite && fDown.isFinite {
                gradient[i] = (fUp - fDown) / width
                continue
            }
            let fx: Double
            if let known = center {
                fx = known
            } else {
                fx = f(x)
                center = fx
            }
            gradient[i] = .nan
            guard fx.isFinite else { continue }
            let small = forwardStep * max(1, abs(x[i]))
            point[i] = x[i] + small
            let fForward = f(point)
            if fForward.isFinite {
                gradient[i] = (fForward - fx) / (point[i] - x[i])
            } else {
                point[i] = x[i] - small
                let fBackward = f(point)
                if fBackward.isFinite { gradient[i] = (fx - fBackward) / (x[i] - point[i]) }
            }
            point[i] = x[i]
        }
    }

    /// The Hessian at x by central differences of an analytic gradient, column j being
    /// (∇f(x + hⱼeⱼ) − ∇f(x − hⱼeⱼ)) / 2hⱼ with hⱼ = ε^(1/3)·max(1, |xⱼ|), then symmetrised as
    /// (H + Hᵀ)/2. Accurate to about 1e-9 relative; use it for standard errors whenever an
    /// analytic gradient exists.
    /// - Parameters:
    ///   - gradient: ∇f; must return an array of x's length.
    ///   - x: the point, typically the maximum-likelihood estimate.
    /// - Complexity: 2n evaluations of the gradient.
    public static func numericalHessian(gradient: ([Double]) -> [Double], at x: [Double]) -> Matrix {
        let n = x.count
        var hessian = Matrix(rows: n, columns: n)
        var point = x
        for j in 0..<n {
            let (gUp, gDown, width) = centralStencil(gradient, around: &point, at: j)
            precondition(gUp.count == n && gDown.count == n, "gradient of the wrong length")
            for i in 0..<n { hessian[i, j] = (gUp[i] - gDown[i]) / width }
        }
        return symmetrised(hessian)
    }

    /// The Hessian at x from f alone: second central differences at steps h and h/2, combined
    /// by Richardson extrapolation (Richardson 1911), (4·D(h/2) − D(h))/3, to cancel the O(h²)
    /// error term; hᵢ = 2ε^(1/6)·max(1, |xᵢ|). Accurate to about 1e-7 relative to f's scale.
    ///
    /// Entries whose stencil meets a non-finite value are NaN (and `Matrix.covariance(fromHessian:)`
    /// then returns nil).
    /// - Complexity: 4n + 1 + 8·n(n−1)/2 evaluations of f.
    public static func numericalHessian(_ f: ([Double]) -> Double, at x: [Double]) -> Matrix {
        let n = x.count
        var hessian = Matrix(rows: n, columns: n)
        let fx = f(x)
        var point = x
        let steps = x.map { secondDifferenceStep * max(1, abs($0)) }

        func value(_ i: Int, _ di: Double, _ j: Int, _ dj: Double) -> Double {
            point[i] += di
            point[j] += dj
            let result = f(point)
            point[i] = x[i]
            point[j] = x[j]
            return result
        }
        for i in 0..<n {
            func second(_ h: Double) -> Double {
                (value(i, h, i, 0) - 2 * fx + value(i, -h, i, 0)) / (h * h)
            }
            hessian[i, i] = richardson(coarse: second(steps[i]), fine: second(steps[i] / 2))
            for j in 0..<i {
                func mixed(_ hi: Double, _ hj: Double) -> Double {
                    (value(i, hi, j, hj) - value(i, hi, j, -hj) - value(i, -hi, j, hj) + value(i, -hi, j, -hj))
                        / (4 * hi * hj)
                }
                let entry = richardson(coarse: mixed(steps[i], steps[j]), fine: mixed(steps[i] / 2, steps[j] / 2))
                hessian[i, j] = entry
                hessian[j, i] = entry
            }
        }
        return hessian
    }

    /// (4·fine − coarse)/3: eliminates the h² error term of a central difference; NaN when
    /// either estimate is not finite.
    private static func richardson(coarse: Double, fine: Double) -> Double {
        guard coarse.isFinite && fine.isFinite else { return .nan }
        return (4 * fine - coarse) / 3
    }

    private static func symmetrised(_ matrix: Matrix) -> Matrix {
        var result = matrix
        for i in 0..<matrix.rows {
            for j in 0..<i {
                let mean = 0.5 * (matrix[i, j] + matrix[j, i])
                result[i, j] = mean
                result[j, i] = mean
            }
        }
        return result
    }
}
