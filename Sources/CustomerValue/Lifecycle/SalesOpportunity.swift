import Foundation

/// One sales opportunity as the funnel sees it: the days it entered each configured stage,
/// its outcome and close date.
public struct SalesOpportunity: Sendable, Hashable, Codable {
    /// How an opportunity ended, or that it has not.
    public enum Outcome: String, Sendable, Hashable, Codable {
        case open, won, lost
    }

    public var id: String
    public var customerID: String?
    public var owner: String?
    /// The `segment` column, when the file has one.
    public var segment: String?
    /// The deal value; nil when the cell is empty.
    public var amount: Double?
    /// The day it entered each stage of the ``FunnelStages`` it was read with, nil when the
    /// file has no date for that stage (not reached, or skipped).
    public var stageDays: [CalendarDay?]
    /// The stage the `stage` column names (an index into the stages), nil when the column is
    /// empty, absent, or says won / lost.
    public var namedStage: Int?
    public var outcome: Outcome
    /// The close day; required for won and lost, absent for open.
    public var closedAt: CalendarDay?
    /// Line in its file (1 = the header), for messages.
    public var line: Int

    /// Creates the value from its parts; each property's comment gives its meaning and domain.
    public init(id: String, customerID: String? = nil, owner: String? = nil, segment: String? = nil, amount: Double?,
                stageDays: [CalendarDay?], namedStage: Int? = nil, outcome: Outcome, closedAt: CalendarDay?, line: Int = 0) {
        self.id = id
        self.customerID = customerID
        self.owner = owner
        self.segment = segment
        self.amount = amount
        self.stageDays = stageDays
        self.namedStage = namedStage
        self.outcome = outcome
        self.closedAt = closedAt
        self.line = line
    }

    /// The creation day: the date of the first stage.
    public var createdAt: CalendarDay? { stageDays.first ?? nil }

    /// The last stage with a date.
    public var lastDatedStage: Int? { stageDays.lastIndex { $0 != nil } }

    /// The furthest stage reached: the later of the last dated stage and the stage the `stage`
    /// column names; a won opportunity reached every stage.
    public var furthestStage: Int {
        if outcome == .won { return stageDays.count - 1 }
        return max(lastDatedStage ?? 0, namedStage ?? 0)
    }

    /// Whether it reached stage `k`: it has a date for stage `k` or a later stage, the `stage`
    /// column names `k` or a later stage, or it was won.
    public func reached(_ k: Int) -> Bool { k <= furthestStage }

    /// The day it entered its furthest stage, or the last stage day known before it when that
    /// stage has no date.
    public var currentStageEntered: CalendarDay? {
        stageDays[...min(furthestStage, stageDays.count - 1)].last { $0 != nil } ?? nil
    }

    /// The latest of all its days.
    public var latestDay: CalendarDay? {
        (stageDays.compactMap { $0 } + [closedAt].compactMap { $0 }).max()
    }

    /// Days spent in stage `k`: from entering `k` to entering the next stage with a date, else
    /// to the close day, else (open) to `asOf`. Nil when stage `k` has no date.
    public func daysInStage(_ k: Int, asOf: CalendarDay) -> Int? {
        guard k < stageDays.count, let entered = stageDays[k] else { return nil }
        let next = stageDays[(k + 1)...].first { $0 != nil } ?? nil
        let end = next ?? closedAt ?? asOf
        return end.days(since: entered)
    }
}

/// The stages of a funnel, in order, each with the date column that records entering it.
/// The first stage's column is the creation date.
public struct FunnelStages: Sendable, Hashable, Codable {
    /// One stage: its name and the column holding the day it was entered.
    public struct Stage: Sendable, Hashable, Codable {
        public var name: String
        public var column: String
        /// Creates the value from its parts; each property's comment gives its meaning and domain.
        public init(name: String, column: String) {
            self.name = name
            self.column = column
        }
    }

    public var stages: [Stage]
    /// The column of the close day (won or lost).
    public var closeColumn: String

    /// - Precondition: at least one stage, names unique.
    public init(stages: [Stage], closeColumn: String = "closed_at") {
        precondition(!stages.isEmpty, "a funnel needs at least one stage")
        self.stages = stages
        self.closeColumn = closeColumn
    }

    /// lead (created_at) → qualified (qualified_at) → proposal (proposal_at) → negotiation
    /// (negotiation_at), closed by closed_at as won or lost.
    public static let standard = FunnelStages(stages: [
        Stage(name: "lead", column: "created_at"), Stage(name: "qualified", column: "qualified_at"),
        Stage(name: "proposal", column: "proposal_at"), Stage(name: "negotiation", column: "negotiation_at"),
    ])

    /// Stages from text like `lead,qualified,proposal` or `lead=created_at,demo=demo_date`: a
    /// stage without `=COLUMN` uses its standard column when it has one, else `NAME_at`; the
    /// first stage defaults to `created_at`.
    /// - Throws: ``FunnelError`` for an empty list or a repeated name.
    public init(parsing text: String, closeColumn: String = "closed_at") throws {
        var stages: [Stage] = []
        for (k, part) in text.split(separator: ",").enumerated() {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = pieces.first, !name.isEmpty else { continue }
            let standard = Self.standard.stages.first { $0.name == name.lowercased() }?.column
            let column = pieces.count > 1 && !pieces[1].isEmpty ? pieces[1] : (k == 0 ? "created_at" : standard ?? "\(name)_at")
            guard !stages.contains(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw FunnelError("stages \"\(text)\": \(name) appears twice")
            }
            guard !["won", "lost", "open"].contains(name.lowercased()) else {
                throw FunnelError("stages \"\(text)\": \(name) is an outcome, not a stage; list the stages before the close")
            }
            stages.append(Stage(name: name, column: column))
        }
        guard !stages.isEmpty else { throw FunnelError("stages \"\(text)\": expected stage names separated by commas, e.g. lead,qualified,proposal,negotiation") }
        self.init(stages: stages, closeColumn: closeColumn)
    }

    /// The index of the stage called `name` (case-insensitive), nil when none is.
    public func index(of name: String) -> Int? {
        let lower = name.lowercased()
        return stages.firstIndex { $0.name.lowercased() == lower }
    }
}

/// A problem with the funnel's input or settings that stops the analysis.
public struct FunnelError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// An error with its message.
    public init(_ message: String) { description = message }
}
