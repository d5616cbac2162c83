extension ClusterFeatures {
    /// The names of the side-data features ``appendActivity(_:summary:)`` can add.
    public static let activityNames = [
        "tickets_365", "complaints_365", "complaint_rate", "unresolved_complaints", "events_365", "logins_90", "email_engagement_90", "cart_abandons_90",
        "surveys_answered", "mean_nps", "mean_csat", "tenure_days",
    ]

    /// Adds per-customer aggregates of the side files at the summary's observation end E, for the
    /// sources that were read:
    /// - tickets: `tickets_365` and `complaints_365` (created in (E − 365, E]), `complaint_rate`
    ///   (complaints_365 per order in the summary's window, the orders counted as at least one),
    ///   `unresolved_complaints` (complaints created by E and not resolved by E);
    /// - events: `events_365` (all events in (E − 365, E]), `logins_90`, `email_engagement_90` (opens + clicks) and `cart_abandons_90` in (E − 90, E];
    /// - surveys: `surveys_answered` by E, `mean_nps` and `mean_csat` of the answers by E; a
    ///   customer without an answer gets the mean over the customers with one (so that the
    ///   column stays finite and does not pull that customer towards either end);
    /// - customers: `tenure_days`, days from registration (or, when unknown, the first purchase) to E.
    /// - Parameters:
    ///   - activity: the side data, indexed like the summary's transaction history.
    ///   - summary: the customers, in the order of these features.
    /// - Throws: ``SegmentationError`` when a name is already used.
    /// - Complexity: O(customers + side rows).
    public mutating func appendActivity(_ activity: CustomerActivity, summary: CustomerSummary) throws {
        precondition(summary.count == count, "one summary row per customer")
        let end = summary.observationEnd.ordinal
        let n = count
        func history(_ i: Int) -> Int { Int(summary.customerIndex[i]) }
        if activity.available.contains(.tickets) {
            var tickets = [Double](repeating: 0, count: n), complaints = tickets, unresolved = tickets
            for i in 0..<n {
                for t in activity.tickets(of: history(i)) where activity.ticketDay[t] <= end {
                    let recent = activity.ticketDay[t] > end - 365
                    if recent { tickets[i] += 1 }
                    guard activity.ticketIsComplaint[t] else { continue }
                    if recent { complaints[i] += 1 }
                    if activity.ticketResolvedDay[t] > end { unresolved[i] += 1 }
                }
            }
            try append(name: "tickets_365", label: LocalizedText(en: "tickets in a year", zh: "年工单数"), values: tickets)
            try append(name: "complaints_365", label: LocalizedText(en: "complaints in a year", zh: "年投诉数"), values: complaints)
            let rate = (0..<n).map { complaints[$0] / Double(max(summary.windowOrders[$0], 1)) }
            try append(name: "complaint_rate", label: LocalizedText(en: "complaints per order", zh: "每单投诉"), values: rate)
            try append(name: "unresolved_complaints", label: LocalizedText(en: "unresolved complaints", zh: "未解决投诉"), values: unresolved)
        }
        if activity.available.contains(.events) {
            var logins = [Double](repeating: 0, count: n), email = logins, abandons = logins, yearly = logins
            for i in 0..<n {
                for e in activity.events(of: history(i)) where activity.eventDay[e] <= end && activity.eventDay[e] > end - 365 {
                    yearly[i] += 1
                    guard activity.eventDay[e] > end - 90 else { continue }
                    switch activity.eventKind[e] {
                    case .login: logins[i] += 1
                    case .emailOpen, .emailClick: email[i] += 1
                    case .cartAbandon: abandons[i] += 1
                    case .other: break
                    }
                }
            }
            try append(name: "events_365", label: LocalizedText(en: "events in a year", zh: "年互动次数"), values: yearly)
            try append(name: "logins_90", label: LocalizedText(en: "recent logins", zh: "近期登录"), values: logins)
            try append(name: "email_engagement_90", label: LocalizedText(en: "recent email engagement", zh: "近期邮件互动"), values: email)
            try append(name: "cart_abandons_90", label: LocalizedText(en: "recent cart abandons", zh: "近期放弃购物车"), values: abandons)
        }
        if activity.available.contains(.surveys) {
            var answered = [Double](repeating: 0, count: n)
            var nps = [Double](repeating: .nan, count: n), csat = nps
            for i in 0..<n {
                var npsSum = 0.0, npsCount = 0.0, csatSum = 0.0, csatCount = 0.0
                for s in activity.surveys(of: history(i)) where activity.surveyDay[s] <= end {
                    answered[i] += 1
                    if !activity.surveyNPS[s].isNaN { npsSum += activity.surveyNPS[s]; npsCount += 1 }
                    if !activity.surveyCSAT[s].isNaN { csatSum += activity.surveyCSAT[s]; csatCount += 1 }
                }
                if npsCount > 0 { nps[i] = npsSum / npsCount }
                if csatCount > 0 { csat[i] = csatSum / csatCount }
            }
            try append(name: "surveys_answered", label: LocalizedText(en: "surveys answered", zh: "问卷回答数"), values: answered)
            try append(name: "mean_nps", label: LocalizedText(en: "NPS answer", zh: "推荐值"), values: Self.fillingMissing(nps))
            try append(name: "mean_csat", label: LocalizedText(en: "satisfaction", zh: "满意度"), values: Self.fillingMissing(csat))
        }
        if activity.available.contains(.customers) {
            let tenure = (0..<n).map { i -> Double in
                let registered = activity.registeredDay[history(i)]
                let start = registered == .min ? summary.firstPurchase[i].ordinal : registered
                return Double(Int(end) - Int(start))
            }
            try append(name: "tenure_days", label: LocalizedText(en: "tenure", zh: "客户时长"), values: tenure)
        }
    }

    /// `values` with each NaN replaced by the mean of the others (0 when all are NaN).
    static func fillingMissing(_ values: [Double]) -> [Double] {
        var sum = 0.0, known = 0.0
        for v in values where !v.isNaN { sum += v; known += 1 }
        let mean = known > 0 ? sum / known : 0
        return values.map { $0.isNaN ? mean : $0 }
    }
}
