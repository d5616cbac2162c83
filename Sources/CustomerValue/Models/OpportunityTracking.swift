/// Actual against expected purchases calendar period by calendar period for the BG/BB: the
/// discrete-time counterpart of ``RepeatTransactionTracking`` (the tracking plots of Fader,
/// Hardie & Lee 2005, Figures 2 and 3; Fader, Hardie & Shang 2010 track their donors' repeat
/// transactions year by year the same way).
///
/// A customer born (first purchase) in period b buys at opportunity k = j − b of period j when
/// still alive there, after k dropout chances, and buying: with p ~ Beta(α, β) and
/// θ ~ Beta(γ, δ) independent, E[p] · E[(1−θ)^k] = α/(α+β) · B(γ, δ+k)/B(γ, δ). The expected
/// purchases of period j are Σ_b n_b · α/(α+β) · B(γ, δ+j−b)/B(γ, δ) over the birth periods
/// b < j with n_b customers; the actual ones count the customers with a purchase in j (one per
/// customer, as in the summary).
public struct OpportunityTracking: Sendable, Codable, Hashable {
    /// One calendar period.
    public struct Period: Sendable, Codable, Hashable {
        /// The period's name (2024, 2024-Q1, 2024-03, week of 2024-01-01).
        public var period: String
        /// First day of the period.
        public var start: CalendarDay
        /// Customers with a purchase in the period: actual and expected.
        public var actual: Int
        public var expected: Double
        /// Totals from the first period up to this one.
        public var cumulativeActual: Int
        public var cumulativeExpected: Double
        /// True for periods after the calibration.
        public var holdout: Bool

        enum CodingKeys: String, CodingKey {
            case period, start, actual, expected, holdout
            case cumulativeActual = "cumulative_actual", cumulativeExpected = "cumulative_expected"
        }
    }

    /// Customers of the (calibration) cohort.
    public var customers: Int
    /// The calendar period of an opportunity.
    public var period: OpportunityPeriod
    /// The periods in calendar order.
    public var periods: [Period]

    /// Tracks the customers of `summary` from the period after the first birth to the last
    /// observed period under `model`.
    /// - Complexity: O(periods²) beta functions.
    public init(summary: DiscreteSummary, model: BGBB) {
        let p = model.parameters
        let buy = p.alpha / (p.alpha + p.beta)
        let logBetaGD = SpecialFunctions.logBeta(p.gamma, p.delta)
        let first = summary.firstBirthPeriod
        customers = summary.count
        period = summary.period
        var out: [Period] = []
        var runningActual = 0, runningExpected = 0.0
        for j in stride(from: first + 1, through: summary.lastObservedPeriod, by: 1) {
            var expected = 0.0
            for (offset, births) in summary.birthsPerPeriod.enumerated() where births > 0 && first + offset < j {
                let k = Double(j - first - offset)
                expected += Double(births) * buy * Double.exp(SpecialFunctions.logBeta(p.gamma, p.delta + k) - logBetaGD)
            }
            let actual = summary.purchasesPerPeriod[j - first]
            runningActual += actual
            runningExpected += expected
            out.append(Period(period: summary.period.label(j), start: summary.period.firstDay(of: j), actual: actual,
                              expected: expected, cumulativeActual: runningActual, cumulativeExpected: runningExpected,
                              holdout: j > summary.lastPeriod))
        }
        periods = out
    }
}
