import Foundation

/// Settings of a ``SalesFunnel``.
public struct FunnelOptions: Sendable, Hashable, Codable {
    public var stages: FunnelStages
    /// An open opportunity in its current stage for more than this many days is stale.
    public var staleDays: Int
    /// The day open opportunities' days in stage run to; nil = the latest date of the data.
    public var asOf: CalendarDay?
    /// Breakdowns to compute (when the data has the column).
    public var groupings: [FunnelGrouping]

    /// Creates the value from its parts; each property's comment gives its meaning and domain.
    public init(stages: FunnelStages = .standard, staleDays: Int = 45, asOf: CalendarDay? = nil,
                groupings: [FunnelGrouping] = FunnelGrouping.allCases) {
        self.stages = stages
        self.staleDays = staleDays
        self.asOf = asOf
        self.groupings = groupings
    }
}

/// A breakdown of the funnel.
public enum FunnelGrouping: String, Sendable, Hashable, Codable, CaseIterable {
    /// By the `owner` column (sales rep).
    case owner
    /// By a `segment` column.
    case segment
    /// By the month (yyyy-MM) of creation.
    case month
}

/// One stage of a funnel: how many opportunities reached it, converted to it, and how long they stayed.
public struct FunnelStageSummary: Sendable, Hashable, Codable {
    public var stage: String
    /// Opportunities that reached the stage (see ``SalesOpportunity/reached(_:)``).
    public var reached: Int
    /// reached here / reached at the previous stage; nil for the first stage or when none
    /// reached the previous one.
    public var conversionFromPrevious: Double?
    /// Mean and median of ``SalesOpportunity/daysInStage(_:asOf:)`` over the opportunities with
    /// a date for the stage; nil when none has one (and for the final `won` row).
    public var avgDaysInStage: Double?
    public var medianDaysInStage: Double?
    /// How many opportunities the days are over.
    public var withDays: Int
    /// Open opportunities whose current (furthest) stage this is.
    public var open: Int
    /// Lost opportunities whose furthest stage this was.
    public var lost: Int
    /// won / (won + lost) among the closed opportunities that reached the stage; nil when none closed.
    public var winProbability: Double?

    enum CodingKeys: String, CodingKey {
        case stage, reached, open, lost
        case conversionFromPrevious = "conversion_from_previous", avgDaysInStage = "avg_days_in_stage"
        case medianDaysInStage = "median_days_in_stage", withDays = "with_days", winProbability = "win_probability"
    }

    /// Encodes the snake_case JSON fields of the output contract.
    public func encode(to encoder: any Encoder) throws {
        // Explicit nulls: a rate over no opportunities is empty, and the key stays in the contract.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(stage, forKey: .stage)
        try c.encode(reached, forKey: .reached)
        try c.encode(conversionFromPrevious, forKey: .conversionFromPrevious)
        try c.encode(avgDaysInStage, forKey: .avgDaysInStage)
        try c.encode(medianDaysInStage, forKey: .medianDaysInStage)
        try c.encode(withDays, forKey: .withDays)
        try c.encode(open, forKey: .open)
        try c.encode(lost, forKey: .lost)
        try c.encode(winProbability, forKey: .winProbability)
    }
}

/// The headline numbers of a funnel (of all opportunities or of one group).
///
/// Definitions (reached, days in stage: see ``SalesOpportunity``):
/// - win rate = won / (won + lost) (references.md "Sales funnel"); overall conversion = won / opportunities.
/// - cycle days = mean days from creation to close of the **won** opportunities: the time a deal
///   that pays takes, which is what sales velocity divides by (lost deals often close by silence
///   and would bias it); ``cycleDaysMedian`` alongside.
/// - average deal size = mean amount of the won opportunities with an amount.
/// - weighted pipeline = Σ over open opportunities with an amount of amount × the win
///   probability of their current stage (won / closed among the opportunities that reached that
///   stage); open ones whose stage has no closed history are left out and counted in
///   ``openWithoutWinProbability``.
/// - sales velocity per day = open opportunities × average deal size × win rate / cycle days
///   (the usual sales velocity equation); nil when a factor is unknown or the cycle is 0 days.
public struct FunnelMetrics: Sendable, Hashable, Codable {
    public var opportunities: Int
    public var open: Int
    public var won: Int
    public var lost: Int
    /// The configured stages, then a final `won` row (reached = won).
    public var stages: [FunnelStageSummary]
    public var overallConversion: Double?
    public var winRate: Double?
    public var cycleDays: Double?
    public var cycleDaysMedian: Double?
    public var averageDealSize: Double?
    /// Σ amount of the open opportunities.
    public var pipelineValue: Double
    public var pipelineWeightedValue: Double
    public var velocityPerDay: Double?
    public var openWithoutWinProbability: Int
    /// Opportunities without an amount (left out of every value).
    public var missingAmount: Int

    enum CodingKeys: String, CodingKey {
        case opportunities, open, won, lost, stages
        case overallConversion = "overall_conversion", winRate = "win_rate", cycleDays = "cycle_days"
        case cycleDaysMedian = "cycle_days_median", averageDealSize = "average_deal_size", pipelineValue = "pipeline_value"
        case pipelineWeightedValue = "pipeline_weighted_value", velocityPerDay = "velocity_per_day"
        case openWithoutWinProbability = "open_without_win_probability", missingAmount = "missing_amount"
    }

    /// Encodes the snake_case JSON fields of the output contract.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(stages, forKey: .stages)
        try c.encode(opportunities, forKey: .opportunities)
        try c.encode(open, forKey: .open)
        try c.encode(won, forKey: .won)
        try c.encode(lost, forKey: .lost)
        try c.encode(overallConversion, forKey: .overallConversion)
        try c.encode(winRate, forKey: .winRate)
        try c.encode(cycleDays, forKey: .cycleDays)
        try c.encode(cycleDaysMedian, forKey: .cycleDaysMedian)
        try c.encode(averageDealSize, forKey: .averageDealSize)
        try c.encode(pipelineValue, forKey: .pipelineValue)
        try c.encode(pipelineWeightedValue, forKey: .pipelineWeightedValue)
        try c.encode(velocityPerDay, forKey: .velocityPerDay)
        try c.encode(openWithoutWinProbability, forKey: .openWithoutWinProbability)
        try c.encode(missingAmount, forKey: .missingAmount)
    }
}

/// An open opportunity in its current stage for longer than the threshold.
public struct StaleOpportunity: Sendable, Hashable, Codable {
    public var opportunityID: String
    public var stage: String
    public var daysInStage: Int
    public var amount: Double?
    public var owner: String?
    public var customerID: String?
    /// The day it entered the stage.
    public var enteredAt: CalendarDay

    enum CodingKeys: String, CodingKey {
        case stage, amount, owner
        case opportunityID = "opportunity_id", daysInStage = "days_in_stage", customerID = "customer_id", enteredAt = "entered_at"
    }

    /// Encodes the snake_case JSON fields of the output contract.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(opportunityID, forKey: .opportunityID)
        try c.encode(stage, forKey: .stage)
        try c.encode(daysInStage, forKey: .daysInStage)
        try c.encode(amount, forKey: .amount)
        try c.encode(owner, forKey: .owner)
        try c.encode(customerID, forKey: .customerID)
        try c.encode(enteredAt, forKey: .enteredAt)
    }
}

/// The funnel of one group (an owner, a segment, a month), its metrics inline in JSON.
public struct FunnelGroup: Sendable, Hashable, Codable {
    public var key: String
    public var metrics: FunnelMetrics

    enum CodingKeys: String, CodingKey { case key }

    /// Creates the value from its parts; each property's comment gives its meaning and domain.
    public init(key: String, metrics: FunnelMetrics) {
        self.key = key
        self.metrics = metrics
    }

    /// Decodes the JSON form that ``encode(to:)`` writes.
    public init(from decoder: any Decoder) throws {
        key = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .key)
        metrics = try FunnelMetrics(from: decoder)
    }

    /// Encodes the snake_case JSON fields of the output contract.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(key, forKey: .key)
        try metrics.encode(to: encoder)
    }
}

/// What the funnel could not use, by reason.
public struct FunnelCounts: Sendable, Hashable, Codable {
    /// Data rows of the file, and those the schema check rejected (see the quality report).
    public var rowsRead = 0
    public var rejected = 0
    /// Accepted rows set aside by the funnel's own checks, by ``FunnelProblem`` raw value.
    public var setAside: [String: Int] = [:]
    /// Opportunities with a date after the as-of day (left out: their state on that day is unknown).
    public var afterAsOf = 0
    /// Opportunities in the funnel.
    public var used = 0

    enum CodingKeys: String, CodingKey {
        case rejected, used
        case rowsRead = "rows_read", setAside = "set_aside", afterAsOf = "after_as_of"
    }

    /// An empty value, to be filled in.
    public init() {}
}

/// A sales funnel: stage counts and conversion, days in stage, win rate, cycle length, weighted
/// pipeline, sales velocity, stale open opportunities, and the same by owner, segment and month.
///
/// Definitions, for stages s₀ … s₋₁ (s₀ the creation), each with the date column recording entry:
/// - an opportunity **reached** stage k when it has a date for stage k or a later one, its
///   `stage` column names k or a later one, or it was won (a won deal passed every stage, even
///   when a date is missing); conversion from the previous stage = reached k / reached k−1
///   (references.md "Sales funnel").
/// - **days in stage** k = from the day it entered k to the day it entered the next stage with
///   a date, else its close day, else (open) the as-of day. Only opportunities with a date for
///   k count; averages and medians over none are nil, never 0.
/// - the **current stage** of an open opportunity is its furthest stage; it is **stale** when
///   the days since it entered that stage (its last stage date at or before it) exceed
///   ``staleDays``; the stale list is ordered by amount (largest first, none last), then days.
/// - headline numbers: see ``FunnelMetrics``. In the breakdowns the weighted pipeline uses the
///   win probabilities of the whole funnel, as a group's own few closed deals are too noisy.
///
/// Opportunities with a date after the as-of day are left out and counted.
public struct SalesFunnel: Sendable, Hashable, Codable {
    /// The day open opportunities are measured to; nil when there are no opportunities.
    public var asOf: CalendarDay?
    public var staleDays: Int
    public var metrics: FunnelMetrics
    /// Stale open opportunities, most valuable first.
    public var stale: [StaleOpportunity]
    /// Grouping name (`owner`, `segment`, `month`) → one funnel per key, keys in order.
    public var by: [String: [FunnelGroup]]
    public var counts: FunnelCounts

    enum CodingKeys: String, CodingKey {
        case stale, by, counts
        case asOf = "as_of", staleDays = "stale_days"
    }

    /// The funnel of `opportunities` (read with `options.stages`).
    /// - Precondition: every opportunity has one stage day per stage.
    /// - Complexity: O(n log n) for n opportunities (the medians and the stale sort).
    public init(opportunities all: [SalesOpportunity], options: FunnelOptions = FunnelOptions()) {
        let stageCount = options.stages.stages.count
        precondition(all.allSatisfy { $0.stageDays.count == stageCount }, "opportunities read with other stages")
        let asOf = options.asOf ?? all.compactMap(\.latestDay).max()
        var counts = FunnelCounts()
        var used = all
        if let asOf {
            used = all.filter { ($0.latestDay ?? asOf) <= asOf }
            counts.afterAsOf = all.count - used.count
        }
        counts.used = used.count
        self.asOf = asOf
        staleDays = options.staleDays
        self.counts = counts
        let names = options.stages.stages.map(\.name)
        let clock = asOf ?? CalendarDay(ordinal: 0)
        metrics = Self.metrics(of: used, stageNames: names, asOf: clock, winProbabilities: nil)
        let probabilities = metrics.stages.map(\.winProbability)

        stale = used.compactMap { o -> StaleOpportunity? in
            guard o.outcome == .open, let entered = o.currentStageEntered else { return nil }
            let days = clock.days(since: entered)
            guard days > options.staleDays else { return nil }
            return StaleOpportunity(opportunityID: o.id, stage: names[o.furthestStage], daysInStage: days, amount: o.amount,
                                    owner: o.owner, customerID: o.customerID, enteredAt: entered)
        }.sorted { a, b in
            let (x, y) = (a.amount ?? -.infinity, b.amount ?? -.infinity)
            if x != y { return x > y }
            if a.daysInStage != b.daysInStage { return a.daysInStage > b.daysInStage }
            return a.opportunityID < b.opportunityID
        }

        by = [:]
        for grouping in options.groupings {
            let key: (SalesOpportunity) -> String? = switch grouping {
            case .owner: { $0.owner }
            case .segment: { $0.segment }
            case .month: { $0.createdAt.map { String($0.iso.prefix(7)) } }
            }
            guard used.contains(where: { key($0) != nil }) else { continue }
            let groups = Dictionary(grouping: used) { key($0) ?? "(none)" }
            by[grouping.rawValue] = groups.keys.sorted().map { k in
                FunnelGroup(key: k, metrics: Self.metrics(of: groups[k] ?? [], stageNames: names, asOf: clock, winProbabilities: probabilities))
            }
        }
    }

    /// The numbers of one set of opportunities; `winProbabilities` (one per stage) weight the
    /// pipeline, or nil to use the set's own.
    static func metrics(of opportunities: [SalesOpportunity], stageNames: [String], asOf: CalendarDay,
                        winProbabilities: [Double?]?) -> FunnelMetrics {
        let n = stageNames.count
        var reached = [Int](repeating: 0, count: n)
        var openAt = [Int](repeating: 0, count: n)
        var lostAt = [Int](repeating: 0, count: n)
        var days = [[Double]](repeating: [], count: n)
        var won = 0, lost = 0, open = 0, missingAmount = 0
        var cycles: [Double] = []
        var wonAmounts = 0.0, wonWithAmount = 0
        var pipeline = 0.0
        for o in opportunities {
            let furthest = o.furthestStage
            for k in 0...furthest { reached[k] += 1 }
            for k in 0..<n { if let d = o.daysInStage(k, asOf: asOf) { days[k].append(Double(d)) } }
            if o.amount == nil { missingAmount += 1 }
            switch o.outcome {
            case .open:
                open += 1
                openAt[furthest] += 1
                pipeline += o.amount ?? 0
            case .lost:
                lost += 1
                lostAt[furthest] += 1
            case .won:
                won += 1
                if let amount = o.amount { wonAmounts += amount; wonWithAmount += 1 }
                if let created = o.createdAt, let closed = o.closedAt { cycles.append(Double(closed.days(since: created))) }
            }
        }
        // Lost opportunities that reached stage k: those lost at k or later.
        var lostReaching = [Int](repeating: 0, count: n)
        var running = 0
        for k in stride(from: n - 1, through: 0, by: -1) {
            running += lostAt[k]
            lostReaching[k] = running
        }
        var stages: [FunnelStageSummary] = (0..<n).map { k in
            var values = days[k]
            let closed = won + lostReaching[k]
            return FunnelStageSummary(
                stage: stageNames[k], reached: reached[k],
                conversionFromPrevious: k > 0 ? ratio(reached[k], reached[k - 1]) : nil,
                avgDaysInStage: values.isEmpty ? nil : values.reduce(0, +) / Double(values.count),
                medianDaysInStage: values.isEmpty ? nil : Quantiles.median(&values),
                withDays: days[k].count, open: openAt[k], lost: lostAt[k],
                winProbability: ratio(won, closed))
        }
        stages.append(FunnelStageSummary(
            stage: "won", reached: won, conversionFromPrevious: ratio(won, reached[n - 1]), avgDaysInStage: nil,
            medianDaysInStage: nil, withDays: 0, open: 0, lost: 0, winProbability: nil))
        let probabilities = winProbabilities ?? stages.map(\.winProbability)
        var weighted = 0.0, unweighted = 0
        for o in opportunities where o.outcome == .open {
            guard let amount = o.amount else { continue }
            if let p = probabilities[o.furthestStage] { weighted += amount * p } else { unweighted += 1 }
        }
        let winRate = ratio(won, won + lost)
        let cycleDays = cycles.isEmpty ? nil : cycles.reduce(0, +) / Double(cycles.count)
        let averageDeal = wonWithAmount > 0 ? wonAmounts / Double(wonWithAmount) : nil
        var velocity: Double?
        if let winRate, let cycleDays, let averageDeal, cycleDays > 0 {
            velocity = Double(open) * averageDeal * winRate / cycleDays
        }
        var sortedCycles = cycles
        return FunnelMetrics(
            opportunities: opportunities.count, open: open, won: won, lost: lost, stages: stages,
            overallConversion: ratio(won, opportunities.count), winRate: winRate, cycleDays: cycleDays,
            cycleDaysMedian: cycles.isEmpty ? nil : Quantiles.median(&sortedCycles), averageDealSize: averageDeal,
            pipelineValue: pipeline, pipelineWeightedValue: weighted, velocityPerDay: velocity,
            openWithoutWinProbability: unweighted, missingAmount: missingAmount)
    }

    /// Decodes the JSON form that ``encode(to:)`` writes.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        asOf = try c.decodeIfPresent(CalendarDay.self, forKey: .asOf)
        staleDays = try c.decode(Int.self, forKey: .staleDays)
        stale = try c.decode([StaleOpportunity].self, forKey: .stale)
        by = try c.decode([String: [FunnelGroup]].self, forKey: .by)
        counts = try c.decode(FunnelCounts.self, forKey: .counts)
        metrics = try FunnelMetrics(from: decoder)
    }

    /// Encodes the snake_case JSON fields of the output contract.
    public func encode(to encoder: any Encoder) throws {
        try metrics.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(asOf, forKey: .asOf)
        try c.encode(staleDays, forKey: .staleDays)
        try c.encode(stale, forKey: .stale)
        try c.encode(by, forKey: .by)
        try c.encode(counts, forKey: .counts)
    }
}

extension SalesFunnel {
    /// The funnel of a read file, its counts completed with the file's schema checks and set-asides.
    public init(file: OpportunityFile, options: FunnelOptions = FunnelOptions()) {
        self.init(opportunities: file.opportunities, options: options)
        counts.rowsRead = file.report.rowsRead
        counts.rejected = file.report.rejected.values.reduce(0, +) + file.report.duplicates
        counts.setAside = file.setAside
    }
}

/// a / b, nil when b is 0 (a rate over nothing is empty, not 0 or NaN).
private func ratio(_ a: Int, _ b: Int) -> Double? { b > 0 ? Double(a) / Double(b) : nil }
