import Foundation
import Numerics

/// The MBG/NBD model of Batislam, Denizel & Filiztekin (2007), "Empirical validation and
/// comparison of models for customer base analysis", International Journal of Research in
/// Marketing 24(3), 201–209.
///
/// As BG/NBD, but a customer may also drop out right after the first purchase, so one-time
/// buyers are not all alive: L = Γ(r+x) α^r / Γ(r) · B(a, b+x+1)/B(a,b) ·
/// [(α+T)^−(r+x) + a/(b+x) · (α+t_x)^−(r+x)].
public struct MBGNBD: Sendable, Codable, Hashable {
    /// The fitted or given parameters: r, α, a, b as in BG/NBD.
    public var parameters: BGNBD.Parameters
    /// The model with `parameters` (all > 0).
    public init(parameters: BGNBD.Parameters) { self.parameters = parameters }

    /// Log-likelihood of one customer, the two terms added in log space.
    public func logLikelihood(frequency x: Double, recency tx: Double, age T: Double) -> Double {
        let p = parameters
        let rx = p.r + x
        let head = SpecialFunctions.logGammaRatio(p.r, x) + p.r * Double.log(p.alpha)
            + SpecialFunctions.logBeta(p.a, p.b + x + 1) - SpecialFunctions.logBeta(p.a, p.b)
        let first = -rx * Double.log(p.alpha + T)
        let second = Double.log(p.a) - Double.log(p.b + x) - rx * Double.log(p.alpha + tx)
        return head + SpecialFunctions.logSumExp(first, second)
    }

    /// P(alive at T) = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x)) (Batislam et al. 2007).
    public func probabilityAlive(frequency x: Double, recency tx: Double, age T: Double) -> Double {
        let p = parameters
        let logOdds = Double.log(p.a) - Double.log(p.b + x) + (p.r + x) * (Double.log(p.alpha + T) - Double.log(p.alpha + tx))
        return BGNBD.logistic(-logOdds)
    }

    /// Expected purchases in (T, T+t]: (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ·
    /// 2F1(r+x, b+x+1; a+b+x; t/(α+T+t))] · P(alive), the BG/NBD expression with the posterior
    /// of the MBG/NBD (b+x+1 in place of b+x). Checked against simulation in the tests.
    public func conditionalExpectedPurchases(in t: Double, frequency x: Double, recency tx: Double, age T: Double) -> Double {
        guard t > 0 else { return 0 }
        let p = parameters
        var a = p.a
        if abs(a - 1) < 1e-6 { a = 1 + 1e-6 }
        let s = p.alpha + T
        let z = t / (s + t)
        var u = Hypergeometric.log2F1(a: p.r + x, b: p.b + x + 1, c: a + p.b + x, z: z)
        u.logMagnitude += (p.r + x) * (Double.log(s) - Double.log(s + t))
        let bracket = u.sign > 0 ? -Double.expMinusOne(u.logMagnitude) : 1 + Double.exp(u.logMagnitude)
        let value = (a + p.b + x) / (a - 1) * bracket * probabilityAlive(frequency: x, recency: tx, age: T)
        return value.isFinite ? max(0, value) : 0
    }

    /// Fits the model by maximum likelihood (analytic gradient, compressed histories).
    /// - Throws: ``FitError`` when nobody makes a repeat purchase.
    public static func fit(_ data: PurchaseData, options: FitOptions = .init()) throws -> (model: MBGNBD, report: FitReport) {
        guard data.frequency.contains(where: { $0 > 0 }) else {
            throw FitError("mbgnbd: nobody made a repeat purchase, so the purchase rate and dropout cannot be estimated")
        }
        let x = DistinctValues(data.frequency)
        let ageLogs = DistinctValues(data.age)
        let recencyLogs = DistinctValues(data.recency)
        let rate = data.meanPurchaseRate
        let starts: [[Double]] = [[1, 1 / rate, 1, 1], [0.25, 0.25 / rate, 0.8, 2.5], [3, 3 / rate, 0.5, 5]]
        let report = try MaximumLikelihood.fit(
            model: "mbgnbd", names: BGNBD.parameterNames, customers: data.customers, starts: starts, options: options
        ) { v, gradient in
            let (r, alpha, a, b) = (v[0], v[1], v[2], v[3])
            let m = x.values.count
            var head = [Double](repeating: 0, count: m), dR = head, dA = head, dB = head
            let lbab = SpecialFunctions.logBeta(a, b), logAlpha = Double.log(alpha)
            let psiR = SpecialFunctions.digamma(r), psiAB = SpecialFunctions.digamma(a + b), psiB = SpecialFunctions.digamma(b)
            for k in 0..<m {
                let xk = x.values[k]
                let psiABX1 = SpecialFunctions.digamma(a + b + xk + 1)
                head[k] = SpecialFunctions.logGammaRatio(r, xk) + r * logAlpha + SpecialFunctions.logBeta(a, b + xk + 1) - lbab
                dR[k] = SpecialFunctions.digamma(r + xk) - psiR + logAlpha
                dA[k] = psiAB - psiABX1
                dB[k] = SpecialFunctions.digamma(b + xk + 1) - psiABX1 - psiB + psiAB
            }
            let logAge = ageLogs.values.map { Double.log(alpha + $0) }
            let logRecency = recencyLogs.values.map { Double.log(alpha + $0) }
            let logA = Double.log(a)
            var ll = 0.0, gR = 0.0, gAlpha = 0.0, gA = 0.0, gB = 0.0
            for i in 0..<data.histories {
                let k = Int(x.index[i])
                let xv = data.frequency[i], n = data.count[i]
                let rx = r + xv
                let lAT = logAge[Int(ageLogs.index[i])], lATx = logRecency[Int(recencyLogs.index[i])]
                let termA = -rx * lAT
                let termB = logA - Double.log(b + xv) - rx * lATx
                let d = termB - termA
                let e = Double.exp(-abs(d))
                let wB = d > 0 ? 1 / (1 + e) : e / (1 + e)
                let wA = 1 - wB
                ll += n * (head[k] + max(termA, termB) + Double.log(onePlus: e))
                gR += n * (dR[k] - wA * lAT - wB * lATx)
                gAlpha += n * (r / alpha - rx * (wA / (alpha + data.age[i]) + wB / (alpha + data.recency[i])))
                gA += n * (dA[k] + wB / a)
                gB += n * (dB[k] - wB / (b + xv))
            }
            gradient[0] = gR
            gradient[1] = gAlpha
            gradient[2] = gA
            gradient[3] = gB
            return ll
        }
        return (MBGNBD(parameters: BGNBD.Parameters(report.estimates)), report)
    }
}
