import Foundation

/// Risk bands from a churn probability: low below the first threshold, medium below the second,
/// high from it on.
public struct RiskBands: Sendable, Hashable, Codable {
    /// Increasing thresholds in (0, 1): [medium from, high from]; default [0.3, 0.6].
    public var thresholds: [Double]

    /// - Throws: ``ChurnError`` unless two increasing thresholds in (0, 1) are given.
    public init(thresholds: [Double] = [0.3, 0.6]) throws {
        guard thresholds.count == 2, thresholds.allSatisfy({ $0 > 0 && $0 < 1 }), thresholds[0] < thresholds[1] else {
            throw ChurnError("band thresholds must be two increasing probabilities in (0, 1), e.g. 0.3,0.6; got \(thresholds.map { NumberText.plain($0) }.joined(separator: ","))")
        }
        self.thresholds = thresholds
    }

    /// Thresholds 0.3 and 0.6.
    public static let standard = RiskBands(unchecked: [0.3, 0.6])
    init(unchecked thresholds: [Double]) { self.thresholds = thresholds }

    /// The band of probability `p`.
    public func band(_ p: Double) -> Band {
        p >= thresholds[1] ? .high : (p >= thresholds[0] ? .medium : .low)
    }

    /// A risk band: low, medium or high, by the two probability thresholds.
    public enum Band: String, Sendable, Hashable, Codable {
        case low, medium, high
    }

    /// Percentile rank of each score, 0…100: 100 × (scores below + half the ties, itself
    /// included) / n, the mid-rank definition, so equal scores share a percentile and the
    /// ranks average 50.
    /// - Complexity: O(n log n).
    public static func percentiles(_ scores: [Double]) -> [Double] {
        let n = scores.count
        guard n > 0 else { return [] }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var result = [Double](repeating: 0, count: n)
        var i = 0
        while i < n {
            var j = i
            while j + 1 < n && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            // Ranks i+1 … j+1 tie: below = i, ties = j − i + 1.
            let rank = Double(i) + Double(j - i + 1) / 2
            for k in i...j { result[order[k]] = 100 * rank / Double(n) }
            i = j + 1
        }
        return result
    }
}

/// Model-based churn risk for a non-contractual business from the BG/NBD purchase model
/// (Fader, Hardie & Lee 2005, "Counting your customers the easy way", Marketing Science 24(2)),
/// fitted on the customers' histories up to a cutoff, in weeks.
///
/// - churn probability = 1 − P(alive) (eq. 13 of the paper);
/// - P(no purchase in (T, T+t]) = 1 − P(alive) + P(alive) · ((α+T)/(α+T+t))^(r+x).
///   Derivation: a customer who is dead buys nothing. A customer alive at T can drop out only
///   right after a purchase, so buying nothing in (T, T+t] only needs the Poisson process to stay
///   silent for t: e^(−λt). Given the history and being alive, the likelihood in λ is
///   λ^x e^(−λT) (the (1−p)^x factor does not involve λ), so λ | alive ~ Gamma(r+x, α+T), and
///   E[e^(−λt)] = ((α+T)/(α+T+t))^(r+x), the gamma Laplace transform. At x = 0, T = 0 it is
///   (α/(α+t))^r, eq. 8 of the paper with n = 0.
public struct BTYDChurnRisk: Sendable, Hashable, Codable {
    /// The fitted model (time unit: weeks).
    public var model: BGNBD
    /// Whether the fit converged.
    public var converged: Bool
    /// The cutoff (the model's observation end).
    public var cutoff: CalendarDay
    /// Horizon of ``probabilityNoPurchase`` in days.
    public var horizonDays: Int
    /// History customer index of each scored customer (those with a purchase by the cutoff).
    public var customers: [Int]
    /// 1 − P(alive) per scored customer.
    public var churnProbability: [Double]
    /// P(no purchase in the next `horizonDays`) per scored customer.
    public var probabilityNoPurchase: [Double]

    enum CodingKeys: String, CodingKey {
        case model, converged, cutoff, horizonDays = "horizon_days", customers
        case churnProbability = "churn_probability", probabilityNoPurchase = "probability_no_purchase"
    }

    /// P(no purchase in (T, T+t]) for a customer with history (x, t_x, T) (see the type's comment).
    public static func probabilityNoPurchase(_ model: BGNBD, in t: Double, frequency x: Double, recency tx: Double, age T: Double) -> Double {
        let p = model.parameters
        let alive = model.probabilityAlive(frequency: x, recency: tx, age: T)
        // (r+x)·log((α+T)/(α+T+t)) in log space: the power underflows gently for heavy buyers.
        let silent = Double.exp((p.r + x) * (Double.log(p.alpha + T) - Double.log(p.alpha + T + t)))
        return min(1, max(0, 1 - alive + alive * silent))
    }

    /// Fits BG/NBD on the purchase periods dated on or before `cutoff` and scores every customer
    /// with a purchase by then.
    /// - Throws: ``ChurnError`` when no customer has a purchase by the cutoff, or the fit's error.
    /// - Parameter fitted: a BG/NBD already fitted (in weeks) on these customers' purchases up to
    ///   the cutoff, used instead of fitting again.
    public static func fit(history: TransactionHistory, cutoff: CalendarDay, horizonDays: Int,
                           options: FitOptions = .init(), fitted: BGNBD? = nil) throws -> BTYDChurnRisk {
        let cut = cutoff.ordinal
        var customers: [Int] = [], x: [Double] = [], tx: [Double] = [], age: [Double] = []
        for c in 0..<history.customerCount {
            let periods = history.periods(of: c)
            guard let first = periods.first, history.periodDay[first] <= cut else { continue }
            var last = first, count = 0
            for p in periods {
                guard history.periodDay[p] <= cut else { break }
                last = p
                count += 1
            }
            customers.append(c)
            x.append(Double(count - 1))
            tx.append(Double(history.periodDay[last] - history.periodDay[first]) / 7)
            age.append(Double(cut - history.periodDay[first]) / 7)
        }
        guard !customers.isEmpty else { throw ChurnError("no customer has a purchase on or before \(cutoff.iso)") }
        let model: BGNBD, converged: Bool
        if let fitted {
            (model, converged) = (fitted, true)
        } else {
            let (estimated, report) = try BGNBD.fit(try PurchaseData(frequency: x, recency: tx, age: age), options: options)
            (model, converged) = (estimated, report.converged)
        }
        let t = Double(horizonDays) / 7
        var churn = [Double](repeating: 0, count: customers.count)
        var silent = churn
        for i in customers.indices {
            churn[i] = 1 - model.probabilityAlive(frequency: x[i], recency: tx[i], age: age[i])
            silent[i] = probabilityNoPurchase(model, in: t, frequency: x[i], recency: tx[i], age: age[i])
        }
        return BTYDChurnRisk(model: model, converged: converged, cutoff: cutoff, horizonDays: horizonDays,
                             customers: customers, churnProbability: churn, probabilityNoPurchase: silent)
    }
}
