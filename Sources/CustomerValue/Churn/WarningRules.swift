import Foundation

/// How serious a tripped warning rule is.
public enum AlertSeverity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case low, medium, high

    var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    /// Orders low < medium < high.
    public static func < (a: AlertSeverity, b: AlertSeverity) -> Bool { a.rank < b.rank }
}

/// The quantities a warning rule can watch.
public enum WarningMetric: String, Sendable, Hashable, Codable, CaseIterable {
    /// Purchases in the last window vs the window before: trips when the decline
    /// (previous − last) / previous ≥ threshold (default 0.5), previous ≥ 1.
    case purchaseFrequencyDecline = "purchase_frequency_decline"
    /// Days since the last purchase > threshold (default 2) × the customer's median gap between
    /// purchase days; needs two purchases.
    case recencyOverMedianGap = "recency_over_median_gap"
    /// Complaints (tickets of type complaint) in the last window − the window before ≥ threshold (default 1).
    case complaintsUp = "complaints_up"
    /// Complaints created by the as-of date and not resolved by it ≥ threshold (default 1).
    case unresolvedComplaints = "unresolved_complaints"
    /// Logins + email opens + clicks: decline last vs previous window ≥ threshold (default 0.5), previous ≥ 1.
    case engagementDecline = "engagement_decline"
    /// Cart abandons in the last window ≥ threshold (default 3) × those of the window before
    /// (at least threshold when there were none).
    case cartAbandonsUp = "cart_abandons_up"
    /// An NPS answer ≤ threshold (default 6: a detractor) in the window.
    case detractorNPS = "detractor_nps"
    /// A CSAT answer ≤ threshold (default 2 on 1–5) in the window.
    case lowCSAT = "low_csat"

    /// The side data the metric needs (nil: transactions only).
    public var source: CustomerActivity.Source? {
        switch self {
        case .purchaseFrequencyDecline, .recencyOverMedianGap: return nil
        case .complaintsUp, .unresolvedComplaints: return .tickets
        case .engagementDecline, .cartAbandonsUp: return .events
        case .detractorNPS, .lowCSAT: return .surveys
        }
    }

    /// The default threshold (see each case).
    public var defaultThreshold: Double {
        switch self {
        case .purchaseFrequencyDecline, .engagementDecline: return 0.5
        case .recencyOverMedianGap: return 2
        case .complaintsUp, .unresolvedComplaints: return 1
        case .cartAbandonsUp: return 3
        case .detractorNPS: return 6
        case .lowCSAT: return 2
        }
    }

    /// The default severity.
    public var defaultSeverity: AlertSeverity {
        switch self {
        case .purchaseFrequencyDecline, .unresolvedComplaints, .detractorNPS: return .high
        case .recencyOverMedianGap, .complaintsUp, .lowCSAT: return .medium
        case .engagementDecline, .cartAbandonsUp: return .low
        }
    }

    /// The default suggested action (the playbook), English and Chinese.
    public var defaultAction: LocalizedText {
        switch self {
        case .purchaseFrequencyDecline:
            return LocalizedText(en: "Call or message the customer; offer a personalised win-back incentive",
                                 zh: "电话或消息联系客户，提供个性化挽回优惠")
        case .recencyOverMedianGap:
            return LocalizedText(en: "Send a reminder timed to their usual purchase cycle", zh: "按客户惯常购买周期发送提醒")
        case .complaintsUp:
            return LocalizedText(en: "Have a service lead review the recent complaints and reach out", zh: "由客服主管复核近期投诉并主动联系")
        case .unresolvedComplaints:
            return LocalizedText(en: "Resolve the open complaint first; escalate and follow up within 48 hours",
                                 zh: "优先解决未结投诉，升级处理并在48小时内回访")
        case .engagementDecline:
            return LocalizedText(en: "Re-engage with relevant content; check email deliverability and preferences",
                                 zh: "推送相关内容重新激活，检查邮件送达与偏好设置")
        case .cartAbandonsUp:
            return LocalizedText(en: "Send a cart reminder; check price, shipping cost and checkout friction",
                                 zh: "发送购物车提醒，检查价格、运费与结算流程")
        case .detractorNPS:
            return LocalizedText(en: "Close the loop: contact the detractor, learn why and fix it", zh: "闭环跟进：联系贬损者，了解原因并改进")
        case .lowCSAT:
            return LocalizedText(en: "Follow up on the low satisfaction answer and apologise", zh: "跟进低满意度反馈并致歉")
        }
    }
}

/// One configured warning rule.
public struct WarningRule: Sendable, Hashable, Codable {
    /// The rule's name in alerts (default: the metric's name).
    public var name: String
    public var metric: WarningMetric
    /// The metric's threshold (meaning per ``WarningMetric`` case).
    public var threshold: Double
    /// Length of the last window in days (the previous window has the same length).
    public var windowDays: Int
    public var severity: AlertSeverity
    public var action: LocalizedText

    /// Creates the value from its parts; each property's comment gives its meaning and domain.
    public init(metric: WarningMetric, name: String? = nil, threshold: Double? = nil, windowDays: Int = 90,
                severity: AlertSeverity? = nil, action: LocalizedText? = nil) {
        self.metric = metric
        self.name = name ?? metric.rawValue
        self.threshold = threshold ?? metric.defaultThreshold
        self.windowDays = windowDays
        self.severity = severity ?? metric.defaultSeverity
        self.action = action ?? metric.defaultAction
    }

    enum CodingKeys: String, CodingKey {
        case name, metric, threshold, windowDays = "window_days", severity, action
    }
}

/// A rule a customer tripped, with the values that tripped it.
public struct TrippedRule: Sendable, Hashable, Codable {
    public var rule: String
    public var metric: WarningMetric
    public var severity: AlertSeverity
    /// The observed values, by name (e.g. `last_window`, `previous_window`, `decline`).
    public var values: [String: Double]
    /// The same in words, e.g. "purchases 1 in the last 90 days vs 4 before (−75% ≥ 50%)".
    public var detail: String
}

/// A customer's alert at an as-of date: every rule tripped, the highest severity, and the action
/// of the most severe tripped rule.
public struct ChurnAlert: Sendable, Hashable, Codable {
    /// Customer index in the ``TransactionHistory``.
    public var customer: Int
    public var severity: AlertSeverity
    public var rules: [TrippedRule]
    public var action: LocalizedText
}

/// Early-warning rules for churn, evaluated per customer at an as-of date (all data dated after
/// it is ignored). Configurable in YAML (see ``load(yaml:source:)``).
public struct WarningRules: Sendable, Hashable, Codable {
    public var rules: [WarningRule]

    /// Creates the value from its parts; each property's comment gives its meaning and domain.
    public init(rules: [WarningRule]) { self.rules = rules }

    /// One rule per metric with its defaults (90-day windows).
    public static let standard = WarningRules(rules: WarningMetric.allCases.map { WarningRule(metric: $0) })

    /// The rules whose side data is present, and a note for each group skipped.
    public func applicable(to activity: CustomerActivity) -> (rules: WarningRules, notes: [String]) {
        var kept: [WarningRule] = [], skipped: [String: [String]] = [:]
        for rule in rules {
            if let source = rule.metric.source, !activity.available.contains(source) {
                skipped[source.rawValue, default: []].append(rule.name)
            } else {
                kept.append(rule)
            }
        }
        let notes = skipped.sorted { $0.key < $1.key }.map { "no \($0.key) file: rule\($0.value.count == 1 ? "" : "s") \($0.value.joined(separator: ", ")) skipped" }
        return (WarningRules(rules: kept), notes)
    }

    /// The alerts of every customer with a purchase on or before `asOf` who trips at least one rule,
    /// in customer order.
    /// - Complexity: O(rules × (periods + tickets + events + answers)); two threads (halves of
    ///   the customers) for large histories.
    public func evaluate(history: TransactionHistory, activity: CustomerActivity, asOf: CalendarDay) -> [ChurnAlert] {
        let n = history.customerCount
        let parts = n * max(rules.count, 1) >= parallelWorkThreshold ? 2 : 1
        let halves = parallelParts(count: n, parts: parts) { range in
            evaluate(customers: range, history: history, activity: activity, cut: asOf.ordinal)
        }
        return halves.count == 1 ? halves[0] : halves.flatMap { $0 }
    }

    /// The alerts of the customers in `range`, in customer order.
    func evaluate(customers range: Range<Int>, history: TransactionHistory, activity: CustomerActivity, cut: Int32) -> [ChurnAlert] {
        var alerts: [ChurnAlert] = []
        var gaps: [Double] = []
        var tripped: [TrippedRule] = []
        // The action of a rule is that of the first rule of its name.
        let actions = rules.map { rule in rules.first { $0.name == rule.name }?.action ?? rule.action }
        // The numbers of each rule, without its texts: reading them per customer costs no reference counting.
        let settings = rules.map { Settings(metric: $0.metric, threshold: $0.threshold, window: Int32($0.windowDays)) }
        for c in range {
            let periods = history.periods(of: c)
            guard let first = periods.first, history.periodDay[first] <= cut else { continue }
            tripped.removeAll(keepingCapacity: true)
            var worst: AlertSeverity?
            var top = 0
            for k in settings.indices {
                guard let found = check(settings[k], customer: c, history: history, activity: activity, cut: cut, gaps: &gaps) else { continue }
                let rule = rules[k]
                // The first tripped rule of the highest severity gives the action.
                if worst.map({ rule.severity > $0 }) ?? true { worst = rule.severity; top = k }
                tripped.append(TrippedRule(rule: rule.name, metric: rule.metric, severity: rule.severity, values: found.values, detail: found.detail))
            }
            guard let worst else { continue }
            alerts.append(ChurnAlert(customer: c, severity: worst, rules: tripped, action: actions[top]))
        }
        return alerts
    }

    /// A rule's metric, threshold and window.
    struct Settings {
        var metric: WarningMetric
        var threshold: Double
        var window: Int32
    }

    /// Whether customer `c` trips the rule of `settings` at `cut`: the observed values and their
    /// description, or nil.
    func check(_ settings: Settings, customer c: Int, history: TransactionHistory, activity: CustomerActivity,
               cut: Int32, gaps: inout [Double]) -> (values: [String: Double], detail: String)? {
        let w = settings.window
        let t = settings.threshold
        func n(_ v: Double) -> String { NumberText.plain((v * 100).rounded() / 100) }
        // Counts in the last window (cut − w, cut] and the previous one (cut − 2w, cut − w]
        // (plain loops: a closure over the history or activity would retain each of their arrays).
        var last = 0.0, previous = 0.0
        @inline(__always) func count(_ day: Int32) {
            guard day <= cut else { return }
            let age = cut - day
            if age < w { last += 1 } else if age < 2 * w { previous += 1 }
        }
        switch settings.metric {
        case .purchaseFrequencyDecline:
            for p in history.periods(of: c) { count(history.periodDay[p]) }
            guard previous >= 1 else { return nil }
            let decline = (previous - last) / previous
            guard decline >= t else { return nil }
            return (["last_window": last, "previous_window": previous, "decline": decline],
                    "purchases \(n(last)) in the last \(w) days vs \(n(previous)) in the \(w) before (decline \(n(decline * 100))% ≥ \(n(t * 100))%)")
        case .recencyOverMedianGap:
            gaps.removeAll(keepingCapacity: true)
            var lastDay = Int32.min
            for p in history.periods(of: c) {
                let day = history.periodDay[p]
                guard day <= cut else { break }
                if lastDay != .min { gaps.append(Double(day - lastDay)) }
                lastDay = day
            }
            guard !gaps.isEmpty else { return nil }
            let median = ChurnFeatureBuilder.median(&gaps)
            let recency = Double(cut - lastDay)
            guard recency > t * median else { return nil }
            return (["recency_days": recency, "median_gap_days": median, "factor": t],
                    "\(n(recency)) days since the last purchase > \(n(t)) × the median gap of \(n(median)) days")
        case .complaintsUp:
            for k in activity.tickets(of: c) where activity.ticketIsComplaint[k] { count(activity.ticketDay[k]) }
            guard last - previous >= t else { return nil }
            return (["last_window": last, "previous_window": previous],
                    "complaints \(n(last)) in the last \(w) days vs \(n(previous)) in the \(w) before")
        case .unresolvedComplaints:
            var open = 0.0
            for k in activity.tickets(of: c) where activity.ticketIsComplaint[k] && activity.ticketDay[k] <= cut && activity.ticketResolvedDay[k] > cut {
                open += 1
            }
            guard open >= t, open > 0 else { return nil }
            return (["unresolved": open], "\(n(open)) complaint\(open == 1 ? "" : "s") not resolved by the as-of date")
        case .engagementDecline:
            for e in activity.events(of: c) {
                let kind = activity.eventKind[e]
                if kind == .login || kind == .emailOpen || kind == .emailClick { count(activity.eventDay[e]) }
            }
            guard previous >= 1 else { return nil }
            let decline = (previous - last) / previous
            guard decline >= t else { return nil }
            return (["last_window": last, "previous_window": previous, "decline": decline],
                    "logins, opens and clicks \(n(last)) in the last \(w) days vs \(n(previous)) before (decline \(n(decline * 100))% ≥ \(n(t * 100))%)")
        case .cartAbandonsUp:
            for e in activity.events(of: c) where activity.eventKind[e] == .cartAbandon { count(activity.eventDay[e]) }
            guard last >= 1, last >= t * max(previous, 1) else { return nil }
            return (["last_window": last, "previous_window": previous, "factor": t],
                    "cart abandons \(n(last)) in the last \(w) days ≥ \(n(t)) × \(n(max(previous, 1))) (previous window \(n(previous)))")
        case .detractorNPS, .lowCSAT:
            let nps = settings.metric == .detractorNPS
            var lowest = Double.infinity
            for s in activity.surveys(of: c) {
                let day = activity.surveyDay[s]
                guard day <= cut, cut - day < w else { continue }
                let v = nps ? activity.surveyNPS[s] : activity.surveyCSAT[s]
                if !v.isNaN { lowest = min(lowest, v) }
            }
            guard lowest <= t else { return nil }
            let what = nps ? "NPS" : "CSAT"
            return ([nps ? "nps" : "csat": lowest], "\(what) answer \(n(lowest)) ≤ \(n(t)) in the last \(w) days")
        }
    }
}
