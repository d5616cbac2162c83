import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The churn models `cva churn` can score with.
public enum ChurnModelKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Histogram gradient-boosted trees on the features (see ``GradientBoostedTrees``).
    case gbdt
    /// L2-regularised logistic regression on the features (see ``LogisticRegression``).
    case logistic
    /// BG/NBD: P(no purchase in the horizon) (see ``BTYDChurnRisk``).
    case btyd
}

/// Settings of a churn analysis.
public struct ChurnAnalysisOptions: Sendable, Hashable {
    /// The test cutoff; nil = the latest usable one (data end − horizon).
    public var cutoff: CalendarDay?
    public var features: ChurnFeatureOptions
    /// Models to fit and evaluate; the first gives each customer's churn probability.
    public var models: [ChurnModelKind]
    public var bands: RiskBands
    public var rules: WarningRules

    /// Creates the value from its parts; each property's comment gives its meaning and domain.
    public init(cutoff: CalendarDay? = nil, features: ChurnFeatureOptions = .init(), models: [ChurnModelKind] = [.btyd],
                bands: RiskBands = .standard, rules: WarningRules = .standard) {
        self.cutoff = cutoff
        self.features = features
        self.models = models
        self.bands = bands
        self.rules = rules
    }
}

/// One customer's churn risk at the cutoff.
public struct ChurnCustomer: Sendable, Hashable, Codable {
    public var customerID: String
    /// The primary model's probability of churn (no purchase within the horizon).
    public var churnProbability: Double
    public var band: RiskBands.Band
    /// Percentile rank of the probability among the scored customers, 0…100.
    public var percentile: Double
    /// The features that push this customer's risk up most, largest contribution first.
    public var topFactors: [ChurnFactor]
    /// The warning rules tripped at the cutoff, in rule order.
    public var alerts: [TrippedRule]
    /// The alert's severity, when a rule was tripped.
    public var alertSeverity: AlertSeverity?
    /// The playbook's action for the alert.
    public var action: LocalizedText?
    /// BG/NBD: 1 − P(alive) at the cutoff, when that model was fitted.
    public var btydNotAlive: Double?
    /// BG/NBD: P(no purchase within the horizon), when that model was fitted.
    public var btydNoPurchase: Double?

    enum CodingKeys: String, CodingKey {
        case customerID = "customer_id", churnProbability = "churn_probability", band, percentile
        case topFactors = "top_factors", alerts, alertSeverity = "alert_severity", action
        case btydNotAlive = "btyd_not_alive", btydNoPurchase = "btyd_no_purchase"
    }
}

/// One feature behind a customer's churn risk.
public struct ChurnFactor: Sendable, Hashable, Codable {
    public var feature: String
    /// The feature's share of the log-odds (see ``FactorExplanation``); nil for the descriptive
    /// factors shown with the BG/NBD model, which has no per-feature decomposition.
    public var contribution: Double?
    /// The customer's value of the feature.
    public var value: Double

    /// Creates the value from its parts; each property's comment gives its meaning and domain.
    public init(feature: String, contribution: Double?, value: Double) {
        self.feature = feature
        self.contribution = contribution
        self.value = value
    }

    /// `feature=value`, the value rounded to 3 decimals (the CSV and table form).
    public var text: String { "\(feature)=\(NumberText.plain((value * 1000).rounded() / 1000))" }
}

/// The scores of one model on the test customers, in row order of the test matrix.
public struct ChurnModelScores: Sendable, Hashable {
    public var model: String
    public var probability: [Double]
    /// Top factors per test row (empty when the model has no explanation).
    public var topFactors: [[ChurnFactor]]
}

/// A churn analysis at a cutoff: features at the cutoff and one horizon earlier (the time-based
/// split), the models' scores on the test customers, a recency-only baseline, and the alerts.
public struct ChurnAnalysis: Sendable {
    /// The test cutoff and the training cutoff (test cutoff − horizon).
    public var cutoff: CalendarDay
    public var trainCutoff: CalendarDay
    public var horizonDays: Int
    /// Training rows (features at the training cutoff, labels from its horizon, which ends at the
    /// test cutoff: no training label looks past the test cutoff).
    public var train: FeatureMatrix
    /// Test rows: features at the cutoff, labels from (cutoff, cutoff + horizon].
    public var test: FeatureMatrix
    /// Scores of each model requested, then of the recency baseline (named `recency_baseline`).
    public var scores: [ChurnModelScores]
    /// The fitted BG/NBD risk, when requested.
    public var btyd: BTYDChurnRisk?
    /// Alerts at the cutoff (customer indexes of the history).
    public var alerts: [ChurnAlert]
    /// Per test customer: risk, band, percentile, factors and alerts, from the first model.
    public var customers: [ChurnCustomer]
    /// Each scored model (and the baseline) on the test customers, by name.
    public var evaluation: [String: ChurnEvaluation]
    /// Global feature importance of each learner, largest first.
    public var importance: [String: [FeatureImportance]]
    /// What was skipped and why.
    public var notes: [String]
    /// The band thresholds in force.
    public var bands: RiskBands
    /// Seconds each phase took (features, each learner's training, prediction, explanations,
    /// the baseline, the rules, evaluation), in the order they ran.
    public var timings: [PhaseTiming]

    /// The seconds of one phase of the analysis: wall clock, and CPU of all threads.
    public struct PhaseTiming: Sendable, Hashable {
        public var phase: String
        public var seconds: Double
        public var cpuSeconds: Double
    }

    /// CPU seconds used by this process so far, all threads together.
    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// Runs the analysis.
    /// - Throws: ``ChurnError`` for a cutoff outside the data, a horizon past its end, or a
    ///   training set without both classes; the models' fit errors.
    public init(history: TransactionHistory, activity: CustomerActivity, options: ChurnAnalysisOptions) throws {
        var timings: [PhaseTiming] = []
        var clock = DispatchTime.now().uptimeNanoseconds
        var cpuClock = Self.processCPUSeconds()
        func lap(_ phase: String) {
            let now = DispatchTime.now().uptimeNanoseconds, cpu = Self.processCPUSeconds()
            timings.append(PhaseTiming(phase: phase, seconds: Double(now - clock) / 1e9, cpuSeconds: cpu - cpuClock))
            (clock, cpuClock) = (now, cpu)
        }
        let builder = ChurnFeatureBuilder(history: history, activity: activity, options: options.features)
        guard let latest = builder.latestUsableCutoff else { throw ChurnError("the transactions hold no purchase: nothing to analyse") }
        let cutoff = options.cutoff ?? latest
        try builder.validate(cutoff: cutoff)
        let h = options.features.horizonDays
        let trainCutoff = cutoff.adding(days: -h)
        var notes = activity.notes
        // The two matrices read the same history and activity: build them on two threads.
        let both = parallelParts(count: 2, parts: 2) { part in builder.matrix(at: part.lowerBound == 0 ? trainCutoff : cutoff) }
        let train = both[0], test = both[1]
        lap("features")
        guard train.rowCount > 0 else {
            throw ChurnError("no customer has a purchase on or before the training cutoff \(trainCutoff.iso) (cutoff − \(h) days); choose a later --cutoff or a shorter --horizon-days")
        }
        let trainLabels = train.labels ?? []
        let churned = trainLabels.reduce(0) { $0 + Int($1) }
        if churned == 0 || churned == train.rowCount {
            throw ChurnError("the training customers (cutoff \(trainCutoff.iso)) are all \(churned == 0 ? "active: none churned" : "churned: none bought again") within \(h) days, so no model can learn from them; choose another --cutoff or --horizon-days")
        }
        let testLabels = test.labels ?? []
        let testChurned = testLabels.reduce(0) { $0 + Int($1) }
        if testChurned == 0 || testChurned == test.rowCount {
            notes.append("the test customers (cutoff \(cutoff.iso)) are all \(testChurned == 0 ? "active" : "churned"): AUC and lift are undefined")
        }

        var scores: [ChurnModelScores] = []
        var btyd: BTYDChurnRisk?
        var importance: [String: [FeatureImportance]] = [:]
        func explained(_ name: String, _ model: ChurnModel) {
            lap("\(name) training")
            // Only the first model's factors are shown; the trees score and explain a row in one walk.
            let (probability, top) = scores.isEmpty ? model.predictWithTopRaisingFactors(test, k: 3) : (model.predict(test), [])
            lap(top.isEmpty ? "\(name) prediction" : "\(name) prediction and explanations")
            let factors = top.map { row in
                row.map { ChurnFactor(feature: $0.feature, contribution: $0.contribution, value: $0.value) }
            }
            scores.append(ChurnModelScores(model: name, probability: probability, topFactors: factors))
            importance[name] = Array(model.globalImportance.prefix(15))
        }
        for model in options.models {
            switch model {
            case .gbdt:
                explained("gbdt", .gradientBoostedTrees(try GradientBoostedTrees.fit(train)))
            case .logistic:
                explained("logistic", .logistic(try LogisticRegression.fit(train)))
            case .btyd:
                let risk = try BTYDChurnRisk.fit(history: history, cutoff: cutoff, horizonDays: h)
                if !risk.converged { notes.append("BG/NBD fit at \(cutoff.iso) did not converge; its risks are approximate") }
                btyd = risk
                // Same customers, same order as the test rows (both walk the history in order).
                let recency = test.featureNames.firstIndex(of: "recency_days") ?? 0
                let purchases = test.featureNames.firstIndex(of: "purchases_total") ?? 0
                let factors = !scores.isEmpty ? [] : (0..<test.rowCount).map { r in
                    [ChurnFactor(feature: "recency_days", contribution: nil, value: test[r, recency]),
                     ChurnFactor(feature: "repeat_purchases", contribution: nil, value: test[r, purchases] - 1)]
                }
                scores.append(ChurnModelScores(model: "btyd", probability: risk.probabilityNoPurchase, topFactors: factors))
                lap("btyd fit and scoring")
            }
        }
        let recencyColumn = 0
        let baseline = RecencyBaseline(recency: (0..<train.rowCount).map { train[$0, recencyColumn] }, labels: trainLabels)
        scores.append(ChurnModelScores(model: "recency_baseline",
                                       probability: (0..<test.rowCount).map { baseline.probability(recency: test[$0, recencyColumn]) },
                                       topFactors: []))
        lap("recency baseline")

        let (rules, ruleNotes) = options.rules.applicable(to: activity)
        notes += ruleNotes
        let alerts = rules.evaluate(history: history, activity: activity, asOf: cutoff)
        lap("warning rules")

        // Customers: test rows in history order; alerts are in history order too.
        let primary = scores[0]
        let percentiles = RiskBands.percentiles(primary.probability)
        // Test row r is the r-th customer (in history order) with a purchase on or before the cutoff.
        var alertIndex = [Int32](repeating: -1, count: history.customerCount)
        for (k, alert) in alerts.enumerated() { alertIndex[alert.customer] = Int32(k) }
        let testCustomers = builder.customers(at: cutoff)
        precondition(testCustomers.count == test.rowCount, "test rows and customers disagree")
        customers = (0..<test.rowCount).map { r in
            let id = test.customerIDs[r]
            let a = alertIndex[Int(testCustomers[r])]
            let alert = a >= 0 ? alerts[Int(a)] : nil
            return ChurnCustomer(
                customerID: id, churnProbability: primary.probability[r], band: options.bands.band(primary.probability[r]),
                percentile: percentiles[r], topFactors: primary.topFactors.isEmpty ? [] : primary.topFactors[r],
                alerts: alert?.rules ?? [], alertSeverity: alert?.severity, action: alert?.action,
                btydNotAlive: btyd?.churnProbability[r], btydNoPurchase: btyd?.probabilityNoPurchase[r])
        }
        lap("customers")
        self.cutoff = cutoff
        self.trainCutoff = trainCutoff
        self.horizonDays = h
        self.train = train
        self.test = test
        self.scores = scores
        self.btyd = btyd
        self.alerts = alerts
        self.notes = notes
        self.bands = options.bands
        self.importance = importance
        // Each model's evaluation sorts its scores: half of the models on each of two threads.
        let scored = scores
        let evaluations = parallelParts(count: scored.count, parts: test.rowCount >= 100_000 ? 2 : 1) { range in
            range.map { k in ChurnEvaluation(scores: scored[k].probability, labels: testLabels) }
        }.flatMap { $0 }
        var evaluation: [String: ChurnEvaluation] = [:]
        for (s, e) in zip(scores, evaluations) { evaluation[s.model] = e }
        self.evaluation = evaluation
        lap("evaluation")
        self.timings = timings
    }
}
