import Numerics

extension Hypergeometric {
    /// F(a, b; c; z) for z ∈ [1/2, 1) from the connection formula in y = 1 − z (DLMF 15.8.4,
    /// Abramowitz & Stegun 15.3.6), with m = c − a − b:
    ///
    /// F = Γ(c)Γ(m)/(Γ(c−a)Γ(c−b)) F(a, b; 1−m; y) + yᵐ Γ(c)Γ(−m)/(Γ(a)Γ(b)) F(c−a, c−b; 1+m; y).
    ///
    /// When m is within 0.2 of an integer n the two terms have poles that cancel; the
    /// ε-expansion of ``degenerateConnection(_:_:_:_:_:)`` is used instead.
    static func connection(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Evaluation {
        let y = 1 - z
        var m = c - a - b
        var p = a
        var q = b
        var prefactor = 0.0
        if m < 0 {
            // Euler's transformation makes m ≥ 0: F = yᵐ F(c−a, c−b; c; z) (DLMF 15.8.1).
            prefactor = m * Double.log(y)
            p = c - a
            q = c - b
            m = -m
        }
        let n = m.rounded()
        let epsilon = m - n
        var result: Evaluation
        if abs(epsilon) < 0.2 {
            guard n <= 2000 else { return .failed }
            result = degenerateConnection(p, q, c, n, epsilon, y: y)
        } else {
            result = genericConnection(p, q, c, m, y: y)
        }
        result.value.logMagnitude += prefactor
        // c − a − b, c − a and c − b carry rounding errors of ε max(|a|, |b|, |c|), which reach
        // log F through yᵐ and the gamma functions.
        let scale = Swift.max(abs(a), abs(b), abs(c))
        result.logError += scale * (abs(Double.log(y)) + Double.log(2 + scale))
        return result
    }

    /// The cost of ``connection(_:_:_:_:)`` in units of one series term: about 30 for the
    /// gamma functions, plus the two inner series, plus ten per term of the ε-expansion.
    static func estimatedConnectionCost(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        let y = 1 - z
        let m = abs(c - a - b)
        let (p, q) = c - a - b < 0 ? (c - a, c - b) : (a, b)
        let n = m.rounded()
        if abs(m - n) < 0.2 {
            return n > 2000 ? .infinity : 30 + n + 10 * quickTerms(p + n, q + n, n + 1, y)
        }
        return 30 + quickTerms(p, q, 1 - m, y) + quickTerms(c - p, c - q, 1 + m, y)
    }

    /// The connection formula for c − p − q = m not near an integer.
    static func genericConnection(_ p: Double, _ q: Double, _ c: Double, _ m: Double, y: Double) -> Evaluation {
        let maxTerms = 100_000
        let first = shorterSeries(p, q, 1 - m, y, maxTerms: maxTerms)
        let second = shorterSeries(c - p, c - q, 1 + m, y, maxTerms: maxTerms)
        // Γ(c)Γ(m)/(Γ(c−p)Γ(c−q)) and Γ(c)Γ(−m)/(Γ(p)Γ(q)), paired into quotients of gammas whose
        // arguments differ by the smaller of p, q (c = p + q + m): log Γ(c) alone can be ~1e4, and
        // its last-digit error would become the relative error of F.
        let (near, far) = abs(p) <= abs(q) ? (p, q) : (q, p)
        let quotients = (gammaQuotient(c, c - near), gammaQuotient(m, near + m),
                         gammaQuotient(c, far), gammaQuotient(-m, near))
        let firstTerm = quotients.0 * quotients.1 * first.value
        var secondTerm = quotients.2 * quotients.3 * second.value
        secondTerm.logMagnitude += m * Double.log(y)
        var result = combine(first: firstTerm, second: secondTerm,
                             inner: Swift.max(first.amplification, second.amplification),
                             converged: first.converged && second.converged)
        result.logError = abs(quotients.0.logMagnitude) + abs(quotients.1.logMagnitude)
            + abs(quotients.2.logMagnitude) + abs(quotients.3.logMagnitude) + abs(m * Double.log(y))
        return result
    }

    /// The connection formula for m = n + ε, n ≥ 0 an integer, |ε| < 0.2 (including ε = 0).
    ///
    /// Writing the poles of Γ(m) and Γ(−m) through the reflection formula, the two terms become
    /// F = A₁ + C Σⱼ yʲ gⱼ Eⱼ with
    /// - A₁ = Γ(c)/(Γ(c−p)Γ(c−q)) Σₖ₌₀ⁿ⁻¹ (−1)ᵏ Γ(n−k+ε) (p)ₖ(q)ₖ/k! yᵏ,
    /// - C = (−1)ⁿ⁺¹ (πε/sin πε) Γ(c) yⁿ / (Γ(p)Γ(q)Γ(p+m)Γ(q+m)),
    /// - gⱼ = Γ(p+n+j)Γ(q+n+j)/(Γ(j+1−ε)Γ(n+j+1)),
    /// - Eⱼ = (e^Lⱼ − 1)/ε, Lⱼ = log[Γ(p+n+j+ε)Γ(q+n+j+ε) Γ(j+1−ε) yᵋ / (Γ(p+n+j)Γ(q+n+j)Γ(n+j+1+ε))],
    /// which is the form of Michel & Stoitsov (2008), Computer Physics Communications 178(7),
    /// §4.2. Lⱼ is O(ε) and is computed from ``SpecialFunctions/logGammaRatio(_:_:)`` and then
    /// updated with log(1 + ε/(·)), so Eⱼ keeps full relative accuracy as ε → 0; at ε = 0 it is
    /// the digamma combination of Abramowitz & Stegun 15.3.10–15.3.12.
    static func degenerateConnection(_ p: Double, _ q: Double, _ c: Double, _ n: Double, _ epsilon: Double,
                                     y: Double) -> Evaluation {
        let logY = Double.log(y)
        // Gamma functions paired as in genericConnection: Γ(c)/Γ(c−near) and Γ(m)/Γ(near+m) for A₁,
        // Γ(c)/Γ(far), 1/Γ(near) and Γ(p+n)/Γ(p+m), Γ(q+n)/Γ(q+m) (arguments ε apart) for C g₀.
        let (near, far) = abs(p) <= abs(q) ? (p, q) : (q, p)
        let (shiftP, shiftPSign) = logGammaRatioSigned(p + n, epsilon)  // log Γ(p+m)/Γ(p+n)
        let (shiftQ, shiftQSign) = logGammaRatioSigned(q + n, epsilon)
        var finiteLogError = 0.0
        // A₁: the finite sum, present only for n ≥ 1.
        var finitePart = SignedLog.zero
        var finiteAmplification = 1.0
        if n >= 1 {
            var term = 1.0
            var sum = 1.0
            var absoluteSum = 1.0
            var k = 0.0
            while k < n - 1 {
                term *= -(p + k) * (q + k) * y / ((k + 1) * (n - k - 1 + epsilon))
                sum += term
                absoluteSum += abs(term)
                k += 1
            }
            finiteAmplification = sum == 0 ? .infinity : absoluteSum / abs(sum)
            let prefactor = gammaQuotient(c, c - near) * gammaQuotient(n + epsilon, near + n + epsilon)
            finitePart = prefactor * SignedLog(sum)
            finiteLogError = abs(prefactor.logMagnitude)
        }
        // C and g₀.
        let sineFactor = epsilon == 0 ? 1 : Double.pi * epsilon / Double.sin(Double.pi * epsilon)
        let outer = gammaQuotient(c, far) / (signedLogGamma(near) * signedLogGamma(1 - epsilon)
            * signedLogGamma(n + 1))
        var factor = outer * SignedLog(logMagnitude: -shiftP - shiftQ, sign: shiftPSign * shiftQSign)
        factor.logMagnitude += n * logY + Double.log(sineFactor)
        if Int(n) % 2 == 0 { factor = -factor }
        // Σⱼ hⱼ Eⱼ with hⱼ = yʲ gⱼ/g₀.
        var ratioLog = 0.0  // Lⱼ
        var ratioSign = 1.0
        var logDerivative = 0.0  // dLⱼ/dε at ε = 0, used when ε = 0
        if epsilon == 0 {
            logDerivative = digammaAnyReal(p + n) + digammaAnyReal(q + n) + logY - SpecialFunctions.digamma(n + 1)
                + eulerGamma
        } else {
            ratioLog = shiftP + shiftQ + epsilon * logY - SpecialFunctions.logGammaRatio(n + 1, epsilon)
                + SpecialFunctions.logGammaRatio(1, -epsilon)
            ratioSign = shiftPSign * shiftQSign
        }
        var weight = 1.0
        var sum = 0.0
        var absoluteSum = 0.0
        var converged = false
        let firstPositive = Swift.max(0, -(p + n), -(q + n))
        var j = 0.0
        while j < 100_000 {
            let e: Double
            if epsilon == 0 {
                e = logDerivative
            } else if ratioSign > 0 {
                e = Double.expMinusOne(ratioLog) / epsilon
            } else {
                e = (-Double.exp(ratioLog) - 1) / epsilon
            }
            let term = weight * e
            sum += term
            absoluteSum += abs(term)
            let step = (p + n + j) * (q + n + j) / ((j + 1 - epsilon) * (n + j + 1)) * y
            if j > firstPositive {
                // Later ratios of the weights are at most y (1 + (|p|+|q|+n+3)/(j+1−|ε|)), and the
                // Eⱼ change by O(1/j²) towards log y, so this bounds the tail.
                let growth = 1 + (abs(p) + abs(q) + n + 3) / (j + 1 - abs(epsilon))
                let worst = Swift.max(step, y * growth)
                let size = abs(weight) * Swift.max(abs(e), 1)
                if worst < 1 && size * worst <= tolerance * (1 - worst) * abs(sum) {
                    converged = true
                    break
                }
            }
            if epsilon == 0 {
                logDerivative += 1 / (p + n + j) + 1 / (q + n + j) - 1 / (n + j + 1) - 1 / (j + 1)
            } else {
                accumulateLogOnePlus(epsilon / (p + n + j), into: &ratioLog, sign: &ratioSign, scale: 1)
                accumulateLogOnePlus(epsilon / (q + n + j), into: &ratioLog, sign: &ratioSign, scale: 1)
                accumulateLogOnePlus(epsilon / (n + j + 1), into: &ratioLog, sign: &ratioSign, scale: -1)
                accumulateLogOnePlus(-epsilon / (j + 1), into: &ratioLog, sign: &ratioSign, scale: 1)
            }
            weight *= step
            if abs(weight) > 1e250 { return .failed }
            j += 1
        }
        let seriesPart = factor * SignedLog(sum)
        let inner = Swift.max(finiteAmplification, sum == 0 ? .infinity : absoluteSum / abs(sum))
        var result = combine(first: finitePart, second: seriesPart, inner: inner, converged: converged)
        // Each log Γ, or log of a quotient, is good to about ε times its magnitude.
        result.logError = abs(outer.logMagnitude) + abs(shiftP) + abs(shiftQ) + finiteLogError + abs(n * logY)
        return result
    }

    /// Adds scale · log|1 + u| to `logValue`, flipping `sign` when 1 + u < 0.
    @inline(__always)
    static func accumulateLogOnePlus(_ u: Double, into logValue: inout Double, sign: inout Double, scale: Double) {
        if 1 + u > 0 {
            logValue += scale * Double.log(onePlus: u)
        } else {
            logValue += scale * Double.log(abs(1 + u))
            sign = -sign
        }
    }

    /// The sum of the two terms of a connection formula, with its amplification.
    static func combine(first: SignedLog, second: SignedLog, inner: Double, converged: Bool) -> Evaluation {
        let total = first + second
        let size = SpecialFunctions.logSumExp(first.logMagnitude, second.logMagnitude)
        let cancellation = total.isZero ? Double.infinity : Double.exp(size - total.logMagnitude)
        return Evaluation(value: total, amplification: inner * cancellation, converged: converged)
    }

    /// Γ(x)/Γ(y) as a signed logarithm; for arguments above −50 through
    /// ``logGammaRatioSigned(_:_:)``, which keeps the digits that the difference of two large
    /// log-gammas would lose when x and y are close.
    static func gammaQuotient(_ x: Double, _ y: Double) -> SignedLog {
        if Swift.min(x, y) < -50 { return signedLogGamma(x) / signedLogGamma(y) }
        let (logRatio, sign) = logGammaRatioSigned(y, x - y)
        return SignedLog(logMagnitude: logRatio, sign: sign)
    }

    /// log |Γ(x)| with the sign of Γ(x); x not a non-positive integer.
    static func signedLogGamma(_ x: Double) -> SignedLog {
        if x > 0 { return SignedLog(logMagnitude: Double.logGamma(x)) }
        return SignedLog(logMagnitude: Double.logGamma(x), sign: Double.signGamma(x) == .minus ? -1 : 1)
    }

    /// log |Γ(x+h)/Γ(x)| and its sign for any real x, x + h (not poles); accurate for small h
    /// when both arguments are above −50.
    static func logGammaRatioSigned(_ x: Double, _ h: Double) -> (Double, Double) {
        if x > 0 && x + h > 0 { return (SpecialFunctions.logGammaRatio(x, h), 1) }
        if Swift.min(x, x + h) < -50 {
            let ratio = signedLogGamma(x + h) / signedLogGamma(x)
            return (ratio.logMagnitude, ratio.sign)
        }
        // Γ(x+h)/Γ(x) = Γ(x+N+h)/Γ(x+N) · Πᵢ (x+i)/(x+i+h), with x + N > 0 and x + N + h > 0.
        let steps = (-Swift.min(x, x + h)).rounded(.up) + 1
        var logRatio = SpecialFunctions.logGammaRatio(x + steps, h)
        var sign = 1.0
        var i = 0.0
        while i < steps {
            let u = h / (x + i)
            if 1 + u > 0 {
                logRatio -= Double.log(onePlus: u)
            } else {
                logRatio -= Double.log(abs(1 + u))
                sign = -sign
            }
            i += 1
        }
        return (logRatio, sign)
    }

    /// ψ(x) for any real x that is not a non-positive integer (DLMF 5.5.2 to shift x > 0, or
    /// the reflection formula below −50).
    static func digammaAnyReal(_ x: Double) -> Double {
        if x > 0 { return SpecialFunctions.digamma(x) }
        if x < -50 {
            // Reflection, DLMF 5.5.4: ψ(x) = ψ(1−x) − π cot(πx).
            return SpecialFunctions.digamma(1 - x) - Double.pi / Double.tan(Double.pi * x)
        }
        let steps = (-x).rounded(.up) + 1
        var shifted = SpecialFunctions.digamma(x + steps)
        var i = 0.0
        while i < steps {
            shifted -= 1 / (x + i)
            i += 1
        }
        return shifted
    }

    static let eulerGamma = 0.57721566490153286061
}
