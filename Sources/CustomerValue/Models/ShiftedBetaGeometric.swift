import Foundation
import Numerics

/// The shifted-beta-geometric model of contractual retention, Fader & Hardie (2007), "How to
/// project customer retention", Journal of Interactive Marketing 21(1), 76–90.
///
/// Each customer churns at the end of any period with probability θ, θ ~ Beta(α, β) across
/// customers: P(churn in t) = B(α+1, β+t−1)/B(α,β), survival S(t) = B(α, β+t)/B(α,β),
/// retention r_t = (β+t−1)/(α+β+t−1). Fitted on cohorts' counts of customers still active at
/// the start of each period.
public struct ShiftedBetaGeometric: Sendable, Codable, Hashable {
    /// First shape α of the Beta distribution of churn probabilities θ (> 0).
    public var alpha: Double
    /// Second shape β of the Beta distribution of churn probabilities θ (> 0).
    public var beta: Double
    /// The model with shapes α, β, each > 0.
    public init(alpha: Double, beta: Double) {
        self.alpha = alpha
        self.beta = beta
    }

    /// Parameter names in order, as in the JSON of a fit.
    public static let parameterNames = ["alpha", "beta"]

    /// P(churn in period t), t ≥ 1.
    public func churnProbability(period t: Int) -> Double {
        Double.exp(SpecialFunctions.logBeta(alpha + 1, beta + Double(t) - 1) - SpecialFunctions.logBeta(alpha, beta))
    }

    /// Share of a cohort still active after t periods, S(t), t ≥ 0.
    public func survival(period t: Int) -> Double {
        Double.exp(SpecialFunctions.logBeta(alpha, beta + Double(t)) - SpecialFunctions.logBeta(alpha, beta))
    }

    /// Retention rate from period t−1 to t, (β+t−1)/(α+β+t−1), t ≥ 1.
    public func retentionRate(period t: Int) -> Double {
        (beta + Double(t) - 1) / (alpha + beta + Double(t) - 1)
    }

    /// Fits the model to cohorts, each the counts of customers active at the start of periods
    /// 0, 1, 2, … (period 0 = the cohort's size). Log-likelihood (Fader & Hardie 2007, eq. 5):
    /// Σ_t (lost in t) · log P(churn in t) + (active at the end) · log S(last period), summed over cohorts.
    /// - Throws: ``ModelInputError`` for counts that grow or are negative, ``FitError`` when no
    ///   cohort has two periods.
    public static func fit(cohorts: [[Double]], options: FitOptions = .init()) throws -> (model: ShiftedBetaGeometric, report: FitReport) {
        for (c, alive) in cohorts.enumerated() {
            for (t, n) in alive.enumerated() {
                guard n >= 0, n.isFinite else { throw ModelInputError("cohort \(c + 1), period \(t): active count \(n) must be ≥ 0") }
                if t > 0 && n > alive[t - 1] {
                    throw ModelInputError("cohort \(c + 1), period \(t): active count \(n) is above the previous period's \(alive[t - 1]) (a cohort can only shrink)")
                }
            }
        }
        let usable = cohorts.filter { $0.count >= 2 && ($0.first ?? 0) > 0 }
        guard !usable.isEmpty else { throw FitError("sbg: no cohort has two or more periods") }
        let customers = Int(usable.reduce(0) { $0 + ($1.first ?? 0) })
        let report = try MaximumLikelihood.fit(
            model: "sbg", names: parameterNames, customers: customers, starts: [[1, 1], [0.5, 3], [3, 0.5]], options: options
        ) { v, gradient in
            let (a, b) = (v[0], v[1])
            let lbab = SpecialFunctions.logBeta(a, b)
            let psiA = SpecialFunctions.digamma(a), psiB = SpecialFunctions.digamma(b), psiAB = SpecialFunctions.digamma(a + b)
            var ll = 0.0, gA = 0.0, gB = 0.0
            for alive in usable {
                for t in 1..<alive.count {
                    let lost = alive[t - 1] - alive[t]
                    guard lost > 0 else { continue }
                    let td = Double(t)
                    let psiABT = SpecialFunctions.digamma(a + b + td)
                    ll += lost * (SpecialFunctions.logBeta(a + 1, b + td - 1) - lbab)
                    gA += lost * (1 / a + psiAB - psiABT)   // ψ(α+1) − ψ(α) = 1/α
                    gB += lost * (SpecialFunctions.digamma(b + td - 1) - psiABT - psiB + psiAB)
                }
                let last = Double(alive.count - 1)
                let remaining = alive[alive.count - 1]
                if remaining > 0 {
                    let psiABL = SpecialFunctions.digamma(a + b + last)
                    ll += remaining * (SpecialFunctions.logBeta(a, b + last) - lbab)
                    gA += remaining * (psiA - psiABL - psiA + psiAB)
                    gB += remaining * (SpecialFunctions.digamma(b + last) - psiABL - psiB + psiAB)
                }
            }
            gradient[0] = gA
            gradient[1] = gB
            return ll
        }
        return (ShiftedBetaGeometric(alpha: report.estimates[0], beta: report.estimates[1]), report)
    }
}

extension ShiftedBetaGeometric {
    /// Reads cohort counts from a CSV with columns `period,alive` and optionally `cohort`
    /// (customers active at the start of each period; period 0 = the cohort's size).
    /// - Throws: ``InputError`` or ``ModelInputError`` naming the line of a bad cell.
    public static func readCohorts(path: String) throws -> [[Double]] {
        let reader = try CSVReader(path: path)
        try reader.readHeader(expecting: "period and alive columns")
        let header = reader.fields.map(ColumnMapping.normalize)
        guard let periodColumn = header.firstIndex(of: "period"), let aliveColumn = header.firstIndex(of: "alive") else {
            throw InputError(file: path, message: "line \(reader.line): an sBG input needs period and alive columns (and optionally cohort); the header has: \(reader.fields.joined(separator: ", "))")
        }
        let cohortColumn = header.firstIndex(of: "cohort")
        var byCohort: [String: [(Int, Double)]] = [:]
        var order: [String] = []
        while try reader.next() {
            if reader.isBlankLine { continue }
            let cohort = cohortColumn.map { reader.string($0) } ?? ""
            guard let period = Int(reader.string(periodColumn).trimmingCharacters(in: .whitespaces)), period >= 0 else {
                throw ModelInputError("\(path): line \(reader.line), column period: expected a whole number ≥ 0, got \"\(reader.string(periodColumn))\"")
            }
            guard let alive = Double(reader.string(aliveColumn).trimmingCharacters(in: .whitespaces)) else {
                throw ModelInputError("\(path): line \(reader.line), column alive: expected a number, got \"\(reader.string(aliveColumn))\"")
            }
            if byCohort[cohort] == nil { order.append(cohort) }
            byCohort[cohort, default: []].append((period, alive))
        }
        return try order.map { cohort in
            let rows = (byCohort[cohort] ?? []).sorted { $0.0 < $1.0 }
            for (k, row) in rows.enumerated() where row.0 != k {
                throw ModelInputError("\(path): cohort \"\(cohort)\": periods must run 0, 1, 2, … without gaps (found \(row.0) where \(k) was expected)")
            }
            return rows.map(\.1)
        }
    }
}
