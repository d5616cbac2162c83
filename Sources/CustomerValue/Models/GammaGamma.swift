import Foundation
import Numerics

/// The Gamma-Gamma model of spend per transaction, Fader, Hardie & Lee (2005), "RFM and CLV:
/// using iso-value curves for customer base analysis", Journal of Marketing Research 42(4),
/// 415–430; Fader & Hardie, note 025 ("The Gamma-Gamma model of monetary value").
///
/// A customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers
/// (γ is called `v` in the output, as in lifetimes). Fitted on customers with at least one
/// repeat purchase and a positive mean repeat spend m_x. The model assumes spend independent of
/// purchase frequency: check the correlation (``frequencySpendCorrelation(frequency:monetary:)``).
public struct GammaGamma: Sendable, Codable, Hashable {
    public struct Parameters: Sendable, Codable, Hashable {
        public var p: Double
        public var q: Double
        public var v: Double
        public init(p: Double, q: Double, v: Double) {
            self.p = p
            self.q = q
            self.v = v
        }
        var array: [Double] { [p, q, v] }
        init(_ a: [Double]) { self.init(p: a[0], q: a[1], v: a[2]) }
    }

    public static let parameterNames = ["p", "q", "v"]

    public var parameters: Parameters
    public init(parameters: Parameters) { self.parameters = parameters }

    /// Log density of a mean spend m_x over x transactions:
    /// log Γ(px+q) − log Γ(px) − log Γ(q) + q log γ + (px−1) log m_x + px log x − (px+q) log(γ + x m_x).
    public func logLikelihood(frequency x: Double, monetary m: Double) -> Double {
        let (p, q, v) = (parameters.p, parameters.q, parameters.v)
        let px = p * x
        return SpecialFunctions.logGamma(px + q) - SpecialFunctions.logGamma(px) - SpecialFunctions.logGamma(q)
            + q * Double.log(v) + (px - 1) * Double.log(m) + px * Double.log(x) - (px + q) * Double.log(v + x * m)
    }

    /// Expected spend per transaction of a customer with x repeat transactions of mean m_x:
    /// (γ + x m_x) p / (px + q − 1); for x = 0 the population mean pγ/(q − 1).
    /// Needs q > 1 (a finite mean); returns nil otherwise.
    public func conditionalExpectedSpend(frequency x: Double, monetary m: Double) -> Double? {
        let (p, q, v) = (parameters.p, parameters.q, parameters.v)
        guard q > 1 else { return nil }
        guard x > 0, m > 0 else { return p * v / (q - 1) }
        return (v + x * m) * p / (p * x + q - 1)
    }

    /// Pearson correlation of frequency and mean spend among repeat buyers (the model assumes
    /// it is near 0).
    public static func frequencySpendCorrelation(frequency: [Double], monetary: [Double]) -> Double {
        let pairs = zip(frequency, monetary).filter { $0.0 > 0 && $0.1 > 0 }
        let n = Double(pairs.count)
        guard n > 2 else { return 0 }
        let mx = pairs.reduce(0) { $0 + $1.0 } / n, my = pairs.reduce(0) { $0 + $1.1 } / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (x, y) in pairs {
            sxy += (x - mx) * (y - my)
            sxx += (x - mx) * (x - mx)
            syy += (y - my) * (y - my)
        }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }

    /// Fits the model on the repeat buyers with positive mean spend.
    /// - Parameters:
    ///   - frequency: repeat transactions x per customer.
    ///   - monetary: mean spend m_x of the repeat transactions per customer.
    /// - Throws: ``FitError`` with fewer than 10 usable customers, or when spend does not vary.
    public static func fit(frequency: [Double], monetary: [Double], options: FitOptions = .init()) throws -> (model: GammaGamma, report: FitReport) {
        // Compress identical (x, m_x).
        var index: [Pair: Int] = [:]
        var xs: [Double] = [], ms: [Double] = [], ns: [Double] = []
        for (x, m) in zip(frequency, monetary) where x > 0 && m > 0 && m.isFinite {
            let key = Pair(x: x, m: m)
            if let k = index[key] { ns[k] += 1 } else {
                index[key] = xs.count
                xs.append(x); ms.append(m); ns.append(1)
            }
        }
        let customers = Int(ns.reduce(0, +))
        guard customers >= 10 else {
            throw FitError("gg: \(customers) customers with a repeat purchase and a positive spend; the Gamma-Gamma model needs at least 10")
        }
        let meanM = zip(ms, ns).reduce(0) { $0 + $1.0 * $1.1 } / Double(customers)
        let variance = zip(ms, ns).reduce(0) { $0 + $1.1 * ($1.0 - meanM) * ($1.0 - meanM) } / Double(customers)
        guard variance > 0 else {
            throw FitError("gg: every repeat buyer has the same mean spend (\(meanM)); the spread of spend across customers cannot be estimated")
        }
        // log Γ and ψ terms depend on x alone (few distinct values); log m_x and log x never change:
        // per customer and evaluation only log(γ + x m_x) is computed.
        let distinct = DistinctValues(xs)
        let logM = ms.map { Double.log($0) }
        let logX = xs.map { Double.log($0) }
        let logLikelihood: ([Double], inout [Double]) -> Double = { theta, gradient in
            let (p, q, v) = (theta[0], theta[1], theta[2])
            let psiQ = SpecialFunctions.digamma(q), lgQ = SpecialFunctions.logGamma(q), logV = Double.log(v)
            let k = distinct.values.count
            var lgRatio = [Double](repeating: 0, count: k), psiSum = lgRatio, psiPX = lgRatio
            for j in 0..<k {
                let px = p * distinct.values[j]
                lgRatio[j] = SpecialFunctions.logGamma(px + q) - SpecialFunctions.logGamma(px) - lgQ
                psiSum[j] = SpecialFunctions.digamma(px + q)
                psiPX[j] = SpecialFunctions.digamma(px)
            }
            var total = 0.0, gp = 0.0, gq = 0.0, gv = 0.0
            for i in xs.indices {
                let j = Int(distinct.index[i])
                let x = xs[i], n = ns[i]
                let px = p * x
                let logVXM = Double.log(v + x * ms[i])
                total += n * (lgRatio[j] + q * logV + (px - 1) * logM[i] + px * logX[i] - (px + q) * logVXM)
                gp += n * x * (psiSum[j] - psiPX[j] + logM[i] + logX[i] - logVXM)
                gq += n * (psiSum[j] - psiQ + logV - logVXM)
                gv += n * (q / v - (px + q) / (v + x * ms[i]))
            }
            gradient[0] = gp
            gradient[1] = gq
            gradient[2] = gv
            return total
        }
        // Starts: shape p from the spend's coefficient of variation, and γ from the population
        // mean pγ/(q−1) = mean spend, for q = 3, 2 and 5.
        let cv2 = variance / (meanM * meanM)
        let p0 = min(max(1 / max(cv2, 1e-3), 0.5), 50)
        let starts: [[Double]] = [[p0, 3, 2 * meanM / p0], [1, 2, meanM], [5, 5, 4 * meanM / 5]]
        let report = try MaximumLikelihood.fit(
            model: "gg", names: parameterNames, customers: customers, starts: starts, options: options,
            logLikelihood: logLikelihood)
        return (GammaGamma(parameters: Parameters(report.estimates)), report)
    }

    private struct Pair: Hashable {
        var x: Double
        var m: Double
    }
}
