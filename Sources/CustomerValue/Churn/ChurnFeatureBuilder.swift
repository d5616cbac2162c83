import Foundation

/// Settings of the churn feature builder.
public struct ChurnFeatureOptions: Sendable, Hashable, Codable {
    /// Days after the cutoff in which a purchase means "not churned" (label 0); default 90.
    public var horizonDays: Int
    /// Trailing windows (days) for purchase counts and spend.
    public var windowDays: [Int]
    /// Window (days) of the trend features and of the ticket, event and survey counts.
    public var trendWindowDays: Int

    /// Creates the value from its parts; each property's comment gives its meaning and domain.
    public init(horizonDays: Int = 90, windowDays: [Int] = [30, 90, 180, 365], trendWindowDays: Int = 90) {
        self.horizonDays = horizonDays
        self.windowDays = windowDays
        self.trendWindowDays = trendWindowDays
    }

    enum CodingKeys: String, CodingKey {
        case horizonDays = "horizon_days", windowDays = "window_days", trendWindowDays = "trend_window_days"
    }
}

/// Bad settings or dates for churn analysis (cutoff outside the data, horizon past its end, ...).
public struct ChurnError: Error, CustomStringConvertible, Sendable {
    public var message: String
    /// An error with its message.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Builds the per-customer feature matrix of the supervised churn model at a cutoff date.
///
/// Features use only data dated on or before the cutoff; the label is 1 (churned) when the
/// customer makes no purchase in (cutoff, cutoff + horizon], the usual definition of churn in a
/// non-contractual setting (e.g. Gupta et al. 2006, "Modeling customer lifetime value", J. Service
/// Research 9(2)). The customers are those with a purchase on or before the cutoff.
///
/// Features (names as in the export header):
/// - purchases: `recency_days`, `tenure_days`, `purchases_total`, `spend_total`, `average_spend`,
///   `purchases_<w>d` and `spend_<w>d` for each window w, the trends `purchases_change` and
///   `spend_change` = (last − previous) / (last + previous) over the trend window (0 when both are 0),
///   regularity `mean_gap_days`, `gap_cv` (coefficient of variation of the gaps between purchase
///   days), `recency_over_median_gap` (0 without a repeat purchase), `has_repeat`;
/// - tickets: `tickets_<w>d`, `complaints_<w>d`, `complaints_365d`, `complaints_change`,
///   `complaint_rate` (complaints / purchases, all before the cutoff), `unresolved_complaints`;
/// - events: `logins_<w>d`, `email_opens_<w>d`, `email_clicks_<w>d`, `cart_abandons_<w>d`,
///   `engagement_change` (logins + opens + clicks, last vs previous window), `has_events`,
///   `days_since_last_event` (0 without events);
/// - surveys: `has_nps`, `last_nps`, `detractor_365d`, `has_csat`, `last_csat`;
/// - customers: `has_registration`, `registered_days`, and one column `<attribute>=<value>` per
///   category (plus `<attribute>=other`).
/// A missing value is a 0 with its `has_` indicator, so the matrix has no NaN.
public struct ChurnFeatureBuilder: Sendable {
    public var history: TransactionHistory
    public var activity: CustomerActivity
    public var options: ChurnFeatureOptions

    /// A builder of the churn features of the customers of `history`, with their side data
    /// `activity` (loaded for the same history, so indexed alike).
    public init(history: TransactionHistory, activity: CustomerActivity, options: ChurnFeatureOptions = .init()) {
        self.history = history
        self.activity = activity
        self.options = options
    }

    /// The first and last purchase days of the data.
    public var dataRange: ClosedRange<CalendarDay>? {
        guard let first = history.periodDay.min(), let last = history.periodDay.max() else { return nil }
        return CalendarDay(ordinal: first)...CalendarDay(ordinal: last)
    }

    /// The latest cutoff whose labels are known: the data's end − horizon.
    public var latestUsableCutoff: CalendarDay? {
        dataRange.map { $0.upperBound.adding(days: -options.horizonDays) }
    }

    /// Checks that `cutoff` lies in the data and that its horizon ends by the data's end.
    /// - Throws: ``ChurnError`` saying what is wrong and the latest usable cutoff.
    public func validate(cutoff: CalendarDay) throws {
        guard options.horizonDays > 0 else { throw ChurnError("the horizon must be at least 1 day, got \(options.horizonDays)") }
        guard let range = dataRange, let latest = latestUsableCutoff else {
            throw ChurnError("the transactions hold no purchase: nothing to analyse")
        }
        guard latest >= range.lowerBound else {
            throw ChurnError("the data spans \(range.lowerBound.iso) to \(range.upperBound.iso), shorter than the \(options.horizonDays)-day horizon: no cutoff has known labels; use a shorter --horizon-days")
        }
        guard range.contains(cutoff) else {
            throw ChurnError("cutoff \(cutoff.iso) is outside the data (\(range.lowerBound.iso) to \(range.upperBound.iso)); the latest usable cutoff for a \(options.horizonDays)-day horizon is \(latest.iso)")
        }
        guard cutoff <= latest else {
            throw ChurnError("cutoff \(cutoff.iso) + \(options.horizonDays) days runs past the data's end \(range.upperBound.iso), so the labels would be wrong; the latest usable cutoff is \(latest.iso)")
        }
    }

    /// The feature names, in column order.
    public var featureNames: [String] { layout.names }

    /// The feature matrix at `cutoff`, with labels.
    ///
    /// - Parameter withLabels: whether to compute labels (they need data up to cutoff + horizon;
    ///   the caller checks that with ``validate(cutoff:)``).
    /// - Complexity: O(purchase periods + tickets + events + survey answers of the customers).
    public func matrix(at cutoff: CalendarDay, withLabels: Bool = true) -> FeatureMatrix {
        let layout = self.layout
        let width = layout.names.count
        let cut = cutoff.ordinal
        let horizonEnd = cut + Int32(options.horizonDays)
        let trend = Int32(options.trendWindowDays)
        var ids: [String] = []
        var values: [Double] = []
        var labels: [UInt8] = []
        // Room for every customer up front: growing by doubling would copy the matrix about
        // twice and hold the old and new buffers at once (pages never written are never mapped).
        ids.reserveCapacity(history.customerCount)
        values.reserveCapacity(history.customerCount * width)
        labels.reserveCapacity(history.customerCount)
        var row = [Double](repeating: 0, count: width)
        var gaps: [Double] = []
        var windowCount = [Int](repeating: 0, count: options.windowDays.count)
        var windowSpend = [Double](repeating: 0, count: options.windowDays.count)
        var eventCounts = [Double](repeating: 0, count: 4)
        for c in 0..<history.customerCount {
            let periods = history.periods(of: c)
            guard let firstPeriod = periods.first, history.periodDay[firstPeriod] <= cut else { continue }
            for k in row.indices { row[k] = 0 }
            var col = 0
            func put(_ v: Double) { row[col] = v; col += 1 }

            // Purchases on or before the cutoff (periods are in day order).
            var last = firstPeriod
            var count = 0, spend = 0.0
            for k in windowCount.indices { windowCount[k] = 0; windowSpend[k] = 0 }
            var trendLast = 0, trendPrevious = 0
            var spendLast = 0.0, spendPrevious = 0.0
            var churned: UInt8 = 1
            gaps.removeAll(keepingCapacity: true)
            for p in periods {
                let day = history.periodDay[p]
                if day > cut {
                    if day <= horizonEnd { churned = 0 }
                    if day > horizonEnd { break }
                    continue
                }
                if count > 0 { gaps.append(Double(day - history.periodDay[last])) }
                last = p
                count += 1
                let amount = history.periodAmount[p]
                spend += amount
                let age = cut - day
                for (k, w) in options.windowDays.enumerated() where age < Int32(w) {
                    windowCount[k] += 1
                    windowSpend[k] += amount
                }
                if age < trend { trendLast += 1; spendLast += amount } else if age < 2 * trend { trendPrevious += 1; spendPrevious += amount }
            }
            let firstDay = history.periodDay[firstPeriod]
            let recency = Double(cut - history.periodDay[last])
            put(recency)
            put(Double(cut - firstDay))
            put(Double(count))
            put(spend)
            put(spend / Double(count))
            for k in options.windowDays.indices {
                put(Double(windowCount[k]))
                put(windowSpend[k])
            }
            put(Self.change(Double(trendLast), Double(trendPrevious)))
            put(Self.change(spendLast, spendPrevious))
            if gaps.isEmpty {
                put(0); put(0); put(0); put(0)
            } else {
                let mean = gaps.reduce(0, +) / Double(gaps.count)
                let variance = gaps.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(gaps.count)
                put(mean)
                put(mean > 0 ? variance.squareRoot() / mean : 0)
                let median = Self.median(&gaps)
                put(median > 0 ? recency / median : 0)
                put(1)
            }

            if layout.tickets {
                var tickets = 0, complaintsLast = 0, complaintsPrevious = 0, complaintsYear = 0, complaints = 0, unresolved = 0
                for t in activity.tickets(of: c) {
                    let day = activity.ticketDay[t]
                    guard day <= cut else { continue }
                    let age = cut - day
                    if age < trend { tickets += 1 }
                    guard activity.ticketIsComplaint[t] else { continue }
                    complaints += 1
                    if age < trend { complaintsLast += 1 } else if age < 2 * trend { complaintsPrevious += 1 }
                    if age < 365 { complaintsYear += 1 }
                    if activity.ticketResolvedDay[t] > cut { unresolved += 1 }
                }
                put(Double(tickets))
                put(Double(complaintsLast))
                put(Double(complaintsYear))
                put(Self.change(Double(complaintsLast), Double(complaintsPrevious)))
                put(Double(complaints) / Double(count))
                put(Double(unresolved))
            }
            if layout.events {
                for k in eventCounts.indices { eventCounts[k] = 0 }
                var engagementLast = 0.0, engagementPrevious = 0.0
                var lastEvent = Int32.min
                for e in activity.events(of: c) {
                    let day = activity.eventDay[e]
                    guard day <= cut else { continue }
                    lastEvent = max(lastEvent, day)
                    let age = cut - day
                    let kind = activity.eventKind[e]
                    let engaged = kind == .login || kind == .emailOpen || kind == .emailClick
                    if age < trend {
                        if kind != .other { eventCounts[Int(kind.rawValue)] += 1 }
                        if engaged { engagementLast += 1 }
                    } else if age < 2 * trend, engaged {
                        engagementPrevious += 1
                    }
                }
                for v in eventCounts { put(v) }
                put(Self.change(engagementLast, engagementPrevious))
                put(lastEvent == .min ? 0 : 1)
                put(lastEvent == .min ? 0 : Double(cut - lastEvent))
            }
            if layout.surveys {
                var npsDay = Int32.min, nps = 0.0, csatDay = Int32.min, csat = 0.0, detractor = 0.0
                for s in activity.surveys(of: c) {
                    let day = activity.surveyDay[s]
                    guard day <= cut else { continue }
                    let n = activity.surveyNPS[s], q = activity.surveyCSAT[s]
                    if !n.isNaN {
                        if day >= npsDay { npsDay = day; nps = n }
                        if n <= 6, cut - day < 365 { detractor = 1 }
                    }
                    if !q.isNaN, day >= csatDay { csatDay = day; csat = q }
                }
                put(npsDay == .min ? 0 : 1); put(nps); put(detractor)
                put(csatDay == .min ? 0 : 1); put(csat)
            }
            if layout.customers {
                let registered = activity.registeredDay[c]
                let known = registered != .min && registered <= cut
                put(known ? 1 : 0)
                put(known ? Double(cut - registered) : 0)
                for attribute in activity.attributes {
                    let code = Int(attribute.code[c])
                    if code >= 0 { row[col + code] = 1 }
                    col += attribute.categories.count + 1
                }
            }
            precondition(col == width, "feature layout and values disagree")
            ids.append(history.customerID(c))
            values.append(contentsOf: row)
            labels.append(churned)
        }
        return FeatureMatrix(featureNames: layout.names, customerIDs: ids, values: values, labels: withLabels ? labels : nil)
    }

    /// The history indexes of the rows of ``matrix(at:withLabels:)``: the customers with a
    /// purchase on or before `cutoff`, in history order.
    func customers(at cutoff: CalendarDay) -> [Int32] {
        let cut = cutoff.ordinal
        var out: [Int32] = []
        for c in 0..<history.customerCount {
            let periods = history.periods(of: c)
            if let first = periods.first, history.periodDay[first] <= cut { out.append(Int32(c)) }
        }
        return out
    }

    /// (last − previous) / (last + previous): −1 = stopped, 0 = steady or nothing, +1 = started.
    @inline(__always)
    static func change(_ last: Double, _ previous: Double) -> Double {
        last + previous > 0 ? (last - previous) / (last + previous) : 0
    }

    /// The median of `values` (reordered in place); NaN when empty.
    static func median(_ values: inout [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        values.sort()
        let n = values.count
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2
    }

    /// Which feature groups are present and their column names.
    struct Layout {
        var names: [String]
        var tickets: Bool
        var events: Bool
        var surveys: Bool
        var customers: Bool
    }

    var layout: Layout {
        let w = options.trendWindowDays
        var names = ["recency_days", "tenure_days", "purchases_total", "spend_total", "average_spend"]
        for d in options.windowDays { names += ["purchases_\(d)d", "spend_\(d)d"] }
        names += ["purchases_change", "spend_change", "mean_gap_days", "gap_cv", "recency_over_median_gap", "has_repeat"]
        let available = activity.available
        if available.contains(.tickets) {
            names += ["tickets_\(w)d", "complaints_\(w)d", "complaints_365d", "complaints_change", "complaint_rate", "unresolved_complaints"]
        }
        if available.contains(.events) {
            names += ["logins_\(w)d", "email_opens_\(w)d", "email_clicks_\(w)d", "cart_abandons_\(w)d", "engagement_change",
                      "has_events", "days_since_last_event"]
        }
        if available.contains(.surveys) {
            names += ["has_nps", "last_nps", "detractor_365d", "has_csat", "last_csat"]
        }
        if available.contains(.customers) {
            names += ["has_registration", "registered_days"]
            for attribute in activity.attributes {
                names += attribute.categories.map { "\(attribute.name)=\($0)" } + ["\(attribute.name)=other"]
            }
        }
        return Layout(names: names, tickets: available.contains(.tickets), events: available.contains(.events),
                      surveys: available.contains(.surveys), customers: available.contains(.customers))
    }
}
