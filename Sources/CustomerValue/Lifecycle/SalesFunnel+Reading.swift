import Foundation

/// The opportunities of a file that a funnel can use, and what was set aside.
public struct OpportunityFile: Sendable {
    /// The opportunities that passed every check, in file order.
    public var opportunities: [SalesOpportunity]
    /// The schema checks of ``TableProfiler`` (rows rejected there never reach the funnel).
    public var report: TableFileReport
    /// Rows the profiler accepted but the funnel cannot use, by reason (see ``FunnelProblem``).
    public var setAside: [String: Int]
}

/// Why an accepted row of an opportunities file cannot be used by the funnel.
public enum FunnelProblem: String, Sendable, CaseIterable {
    /// A stage date before an earlier stage's date, or the close before a stage date: the days in
    /// stage would be negative and the stage reached is in doubt.
    case datesBackwards = "dates_backwards"
    /// The `stage` column names no configured stage and no outcome.
    case unknownStage = "unknown_stage"
    /// Won or lost without a close day: its cycle length is unknown.
    case closedWithoutCloseDate = "closed_without_close_date"
    /// Open yet with a close day.
    case openWithCloseDate = "open_with_close_date"
    /// `stage` says won or lost and `status` says otherwise.
    case conflictingOutcome = "conflicting_outcome"
    /// An id seen on an earlier row (the first one is kept).
    case repeatedID = "repeated_opportunity_id"
    /// A date in a stage column outside the schema that cannot be read.
    case unparseableDate = "unparseable_stage_date"
}

extension SalesOpportunity {
    /// Reads the opportunities of `path` for a funnel with `stages`.
    ///
    /// Rows go through ``TableProfiler`` with ``FileSchema/opportunities`` first (missing id or
    /// creation date, unreadable dates or amounts, unknown status: rejected there). Each accepted
    /// row is then checked for the funnel, and set aside (to `quarantine`, with file, line, column
    /// and reason, and counted in ``OpportunityFile/setAside``) when its stage dates go backwards,
    /// its stage is unknown, it is closed without a close day or open with one, its outcome
    /// conflicts, or its id repeats.
    ///
    /// The outcome comes from `status` (open / won / lost, 进行中 / 赢单 / 输单); without a status,
    /// from `stage` (won / lost, else open).
    /// - Parameters:
    ///   - quarantineSchemaRejections: pass false when the schema's rejections were already
    ///     quarantined (e.g. by a data set profile), so they are not written twice.
    /// - Throws: ``InputError`` / ``ColumnMappingError`` when the file cannot be read, and
    ///   ``FunnelError`` when it lacks the date column of a stage.
    /// - Complexity: O(rows).
    public static func read(
        path: String, stages: FunnelStages = .standard, delimiter: UInt8? = nil, encoding: TextEncoding? = nil,
        dateFormat: String? = nil, quarantine: QuarantineSink? = nil, quarantineSchemaRejections: Bool = true
    ) throws -> OpportunityFile {
        let schema = FileSchema.opportunities
        let schemaRoles = Set(schema.columns.map(\.role.name))
        // The header first, to fail before reading rows when a stage has no date column.
        let header: [String]
        let headerLine: Int
        do {
            let reader = try CSVReader(path: path, delimiter: delimiter, encoding: encoding)
            try reader.readHeader(expecting: "opportunity_id, created_at, ...")
            header = reader.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            headerLine = reader.line
        }
        let mapping = try ColumnMapping(header: header, roles: schema.columns.map(\.role), file: path, line: headerLine)
        func hasColumn(_ column: String) -> Bool {
            schemaRoles.contains(column) ? mapping.indexes[column] != nil : header.contains { $0.lowercased() == column.lowercased() }
        }
        for stage in stages.stages where !hasColumn(stage.column) {
            throw FunnelError("\(path): line \(headerLine): no column \(stage.column) for the date of stage \(stage.name); the header has: \(header.joined(separator: ", "))")
        }
        let hasCloseColumn = hasColumn(stages.closeColumn)
        var parser = try dateFormat.map { try DateParser(pattern: $0) } ?? DateParser()
        var opportunities: [SalesOpportunity] = []
        var setAside: [String: Int] = [:]
        var seen = Set<String>()

        // Columns outside the schema, found once by header name (exact, else case-insensitive).
        func headerIndex(_ name: String) -> Int? {
            header.firstIndex(of: name) ?? header.firstIndex { $0.lowercased() == name.lowercased() }
        }
        var otherColumns: [String: Int] = [:]
        for column in stages.stages.map(\.column) + [stages.closeColumn] where !schemaRoles.contains(column) {
            otherColumns[column] = headerIndex(column)
        }
        let segmentColumn = headerIndex("segment")
        var stageIndexes: [String: Int] = [:]
        for (k, stage) in stages.stages.enumerated() where stageIndexes[stage.name.lowercased()] == nil {
            stageIndexes[stage.name.lowercased()] = k
        }
        func day(_ row: TableRow, _ column: String) -> CalendarDay?? {
            if schemaRoles.contains(column) { return .some(row.day(column)) }
            guard let index = otherColumns[column], let text = row.field(index) else { return .some(nil) }
            return parser.parse(text).map { .some($0) }
        }
        let visit: (TableRow) throws -> Void = { row in
            func reject(_ problem: FunnelProblem, column: String?, _ reason: String) throws {
                setAside[problem.rawValue, default: 0] += 1
                try quarantine?.record(RejectedRow(file: path, line: row.line, column: column, reason: reason, raw: row.reader.rawRecord))
            }
            guard let id = row.text("opportunity_id") else { return }
            var stageDays: [CalendarDay?] = []
            for stage in stages.stages {
                guard let parsed = day(row, stage.column) else {
                    try reject(.unparseableDate, column: stage.column, "unparseable date \"\(otherColumns[stage.column].flatMap { row.field($0) } ?? "")\" in \(stage.column)")
                    return
                }
                stageDays.append(parsed)
            }
            guard let closeParsed = day(row, stages.closeColumn) else {
                try reject(.unparseableDate, column: stages.closeColumn, "unparseable date \"\(otherColumns[stages.closeColumn].flatMap { row.field($0) } ?? "")\" in \(stages.closeColumn)")
                return
            }
            let closedAt = hasCloseColumn ? closeParsed : nil
            // Stage dates must not go backwards, nor the close come before them.
            var last: (column: String, day: CalendarDay)?
            for (k, stage) in stages.stages.enumerated() {
                guard let d = stageDays[k] else { continue }
                if let last, d < last.day {
                    try reject(.datesBackwards, column: stage.column, "\(stage.column) \(d.iso) is before \(last.column) \(last.day.iso): stage dates go backwards")
                    return
                }
                last = (stage.column, d)
            }
            if let closedAt, let last, closedAt < last.day {
                try reject(.datesBackwards, column: stages.closeColumn, "\(stages.closeColumn) \(closedAt.iso) is before \(last.column) \(last.day.iso): the close comes before a stage was entered")
                return
            }
            let statusText = row.text("status")?.lowercased()
            let statusOutcome: SalesOpportunity.Outcome? = statusText.flatMap { Self.outcomeNames[$0] }
            let stageText = row.text("stage")
            var namedStage: Int?
            var stageOutcome: SalesOpportunity.Outcome?
            if let stageText {
                if let k = stageIndexes[stageText.lowercased()] {
                    namedStage = k
                } else if let outcome = Self.outcomeNames[stageText.lowercased()], outcome != .open {
                    stageOutcome = outcome
                } else {
                    try reject(.unknownStage, column: row.header[mapping.indexes["stage"] ?? 0],
                               "stage \"\(stageText)\" is not one of \(stages.stages.map(\.name).joined(separator: ", ")), won, lost")
                    return
                }
            }
            if let statusOutcome, let stageOutcome, statusOutcome != stageOutcome {
                try reject(.conflictingOutcome, column: "status", "status \(statusOutcome.rawValue) but stage \(stageText ?? "") (\(stageOutcome.rawValue))")
                return
            }
            let outcome = statusOutcome ?? stageOutcome ?? .open
            if outcome != .open, closedAt == nil {
                try reject(.closedWithoutCloseDate, column: stages.closeColumn, "\(outcome.rawValue) but no \(stages.closeColumn): the cycle length is unknown")
                return
            }
            if outcome == .open, let closedAt {
                try reject(.openWithCloseDate, column: stages.closeColumn, "open but closed on \(closedAt.iso): give status won or lost, or clear \(stages.closeColumn)")
                return
            }
            guard seen.insert(id).inserted else {
                try reject(.repeatedID, column: "opportunity_id", "opportunity \(id) appears on an earlier line; the first is kept")
                return
            }
            opportunities.append(SalesOpportunity(
                id: id, customerID: row.text("customer_id"), owner: row.text("owner"), segment: segmentColumn.flatMap { row.field($0) },
                amount: row.number("amount"), stageDays: stageDays, namedStage: namedStage, outcome: outcome,
                closedAt: closedAt, line: row.line))
        }
        if dateFormat == nil {
            // The order (day/month) the profiler infers from created_at applies to the other columns too.
            let sample = try TransactionLoader.sampleColumn(
                path: path, options: TransactionIngestOptions(delimiter: delimiter, encoding: encoding),
                column: mapping.indexes["created_at"] ?? 0, limit: 5000)
            parser.order = try DateParser.inferOrder(from: sample)
        }
        let report = try TableProfiler.profile(
            path: path, schema: schema, delimiter: delimiter, encoding: encoding, dateFormat: dateFormat,
            quarantine: quarantineSchemaRejections ? quarantine : nil, visit: visit)
        return OpportunityFile(opportunities: opportunities, report: report, setAside: setAside)
    }

    /// Status and stage words that name an outcome.
    static let outcomeNames: [String: Outcome] = [
        "open": .open, "进行中": .open, "won": .won, "赢单": .won, "成交": .won, "closed won": .won, "closed_won": .won,
        "lost": .lost, "输单": .lost, "closed lost": .lost, "closed_lost": .lost,
    ]
}
