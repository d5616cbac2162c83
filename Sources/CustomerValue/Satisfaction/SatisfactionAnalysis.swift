import Foundation

/// A way to split survey answers into groups.
public enum SatisfactionGrouping: Sendable, Hashable {
    /// Calendar month of the answer's date (`2024-03`).
    case month
    /// Calendar quarter of the answer's date (`2024-Q1`).
    case quarter
    /// A column of the surveys file, by header name (e.g. `channel`); `name` labels the grouping.
    case surveyColumn(name: String, headers: [String])
    /// A label per customer id (a customers.csv attribute, an RFM segment); answers of customers
    /// without a label go to the group `(unknown)`.
    case customer(name: String, labels: [String: String])

    /// The grouping's name in the output (`month`, `region`, ...).
    public var name: String {
        switch self {
        case .month: "month"
        case .quarter: "quarter"
        case .surveyColumn(let name, _), .customer(let name, _): name
        }
    }
}

/// The scores of one group of answers.
public struct SatisfactionGroupSummary: Sendable, Hashable, Codable {
    /// The grouping (`month`, `region`, `segment`, ...).
    public var by: String
    /// The group's label (`2024-03`, `North`, ...).
    public var group: String
    /// Survey rows in the group (answers to any of the three questions, or none).
    public var n: Int
    /// True when fewer than ``SatisfactionAnalysis/smallGroup`` answers back any of the group's
    /// scores that exist: read its numbers with care.
    public var small: Bool
    public var nps: NPSScore
    public var csat: CSATScore
    public var ces: CESScore
}

/// A grouping that was asked for but cannot be made from the data.
public struct UnavailableGrouping: Sendable, Hashable, Codable {
    public var by: String
    public var reason: String
    public init(by: String, reason: String) {
        self.by = by
        self.reason = reason
    }
}

/// NPS, CSAT and CES of a surveys file, overall and per group.
public struct SatisfactionReport: Sendable, Codable {
    /// The scores of every accepted answer.
    public var overall: SatisfactionScores
    /// Accepted survey rows.
    public var rows: Int
    /// One entry per group of each grouping, groupings in the order asked, groups sorted by label.
    public var by: [SatisfactionGroupSummary]
    /// Groupings asked for that the data cannot make.
    public var unavailable: [UnavailableGrouping]
    /// The quality report of the surveys file: rows read, rejected by reason (out-of-scale
    /// answers as `out_of_range_nps`, ...), blank cells per column.
    public var file: TableFileReport
    /// The themes of the accepted rows' comments, when a ``FeedbackAnalyzer`` was given.
    public var themes: FeedbackSummary?

    /// Rejected and duplicate rows by reason (`out_of_range_csat`, `duplicate`, ...).
    public var quarantined: [String: Int] {
        var counts = file.rejected
        if file.duplicates > 0 { counts["duplicate"] = file.duplicates }
        return counts
    }

    /// Blank answers per question among accepted rows (not counted in any `n`).
    public var blankAnswers: [String: Int] {
        var counts: [String: Int] = [:]
        for question in ["nps", "csat", "ces"] where file.columns[question] != nil {
            counts[question] = file.emptyCells[question] ?? 0
        }
        return counts
    }
}

/// Reads a surveys file and scores its answers.
public enum SatisfactionAnalysis {
    /// Groups with fewer answers than this are flagged `small` (a margin of error of roughly
    /// ±35 NPS points or more at n < 30).
    public static let smallGroup = 30

    /// Label of answers that fall in no group (a customer without the attribute, a blank cell).
    public static let unknownGroup = "(unknown)"

    /// Scores the answers of `path` (a surveys file, see ``FileSchema/surveys``), overall and
    /// per grouping.
    ///
    /// Out-of-scale answers, unparseable numbers and dates, and rows without a customer id or
    /// date are rejected by ``TableProfiler`` (counted in ``SatisfactionReport/quarantined`` and
    /// sent to `quarantine`), never clipped. A `.surveyColumn` grouping whose column the file
    /// lacks is reported in ``SatisfactionReport/unavailable``.
    /// - Complexity: O(rows × groupings).
    /// - Throws: ``InputError`` or ``ColumnMappingError`` when the file cannot be read.
    /// - Parameter feedback: when given, the comments of the accepted rows are also tagged
    ///   and scored in the same pass (``SatisfactionReport/themes``).
    public static func analyze(
        path: String, groupings: [SatisfactionGrouping] = [], delimiter: UInt8? = nil, encoding: TextEncoding? = nil,
        dateFormat: String? = nil, quarantine: QuarantineSink? = nil, feedback: FeedbackAnalyzer? = nil
    ) throws -> SatisfactionReport {
        try analyze(path: path, groupings: groupings, delimiter: delimiter, encoding: encoding, dateFormat: dateFormat,
                    quarantine: quarantine, comments: feedback.map(LazyFeedbackAnalyzer.init), parallel: true, splitAt: nil)
    }

    /// As ``analyze(path:groupings:delimiter:encoding:dateFormat:quarantine:feedback:)``, with the
    /// comments tagged by `commentLexicon`, compiled only when a comment with text is met (a file
    /// without comments does not pay for building the automaton).
    /// - Throws: also ``FeedbackLexiconError`` when the lexicon cannot be compiled.
    public static func analyze(
        path: String, groupings: [SatisfactionGrouping] = [], delimiter: UInt8? = nil, encoding: TextEncoding? = nil,
        dateFormat: String? = nil, quarantine: QuarantineSink? = nil, commentLexicon: FeedbackLexicon
    ) throws -> SatisfactionReport {
        try analyze(path: path, groupings: groupings, delimiter: delimiter, encoding: encoding, dateFormat: dateFormat,
                    quarantine: quarantine, comments: LazyFeedbackAnalyzer(lexicon: commentLexicon), parallel: true, splitAt: nil)
    }

    /// `parallel`, `splitAt`: see ``TableProfiler``; `chunkBytes`: see ``PlainTableScan`` (tests
    /// compare one thread with two, and with chunks of any size).
    static func analyze(
        path: String, groupings: [SatisfactionGrouping], delimiter: UInt8?, encoding: TextEncoding?,
        dateFormat: String?, quarantine: QuarantineSink?, feedback: FeedbackAnalyzer?, parallel: Bool, splitAt: Int?,
        chunkBytes: Int? = nil
    ) throws -> SatisfactionReport {
        try analyze(path: path, groupings: groupings, delimiter: delimiter, encoding: encoding, dateFormat: dateFormat,
                    quarantine: quarantine, comments: feedback.map(LazyFeedbackAnalyzer.init), parallel: parallel, splitAt: splitAt,
                    chunkBytes: chunkBytes)
    }

    private static func analyze(
        path: String, groupings: [SatisfactionGrouping], delimiter: UInt8?, encoding: TextEncoding?,
        dateFormat: String?, quarantine: QuarantineSink?, comments: LazyFeedbackAnalyzer?, parallel: Bool, splitAt: Int?,
        chunkBytes: Int? = nil
    ) throws -> SatisfactionReport {
        let makeState = { (_: Int) in SatisfactionAccumulator(groupings: groupings, comments: comments) }
        let visit = { (state: inout SatisfactionAccumulator, row: TableRow) in state.add(row) }
        var outcome = PlainTableScan.Outcome<SatisfactionAccumulator>.notPlain
        if parallel && makeState(0).groupsByPeriodOnly {
            // Plain files (the usual export): one pass over the mapped bytes on two threads.
            outcome = try PlainTableScan.profile(
                path: path, schema: .surveys, delimiter: delimiter, encoding: encoding, dateFormat: dateFormat,
                quarantine: quarantine, columns: [:], splitAt: splitAt, chunkBytes: chunkBytes, makeState: makeState,
                visit: visit)
        }
        let (report, parts): (TableFileReport, [SatisfactionAccumulator])
        switch outcome {
        case .done(let plainReport, let states):
            (report, parts) = (plainReport, states)
        case .repeats, .notPlain:
            // Repeated rows: the one-thread read sets later copies aside, row by row.
            let repeats = if case .repeats = outcome { true } else { false }
            (report, parts) = try TableProfiler.profile(
                path: path, schema: .surveys, delimiter: delimiter, encoding: encoding, dateFormat: dateFormat,
                quarantine: quarantine, parallel: parallel && !repeats, splitAt: splitAt, makeState: makeState, visit: visit)
        }
        try comments?.checkCompiled()
        var total = parts[0]
        for part in parts.dropFirst() { total.merge(part) }
        let overall = total.overall
        let labels = total.labels

        var by: [SatisfactionGroupSummary] = []
        var unavailable: [UnavailableGrouping] = []
        for (g, grouping) in groupings.enumerated() {
            if case .surveyColumn(let name, let headers) = grouping {
                let header = try? surveyHeader(path: path, delimiter: delimiter, encoding: encoding)
                let found = header.map { h in headers.contains { name in h.contains { $0.lowercased() == name.lowercased() } } } ?? false
                if !found {
                    unavailable.append(UnavailableGrouping(
                        by: name, reason: "the surveys file has no \(headers.joined(separator: "/")) column"))
                    continue
                }
            }
            let order = labels[g].indices.sorted { a, b in
                // "(unknown)" last; otherwise by label (periods sort as text).
                let (x, y) = (labels[g][a], labels[g][b])
                if (x == unknownGroup) != (y == unknownGroup) { return y == unknownGroup }
                return x < y
            }
            for s in order {
                let tally = total.tally(g, s)
                let scores = tally.scores
                by.append(SatisfactionGroupSummary(
                    by: grouping.name, group: labels[g][s], n: tally.rows, small: isSmall(scores),
                    nps: scores.nps, csat: scores.csat, ces: scores.ces))
            }
        }
        return SatisfactionReport(overall: overall.scores, rows: overall.rows, by: by, unavailable: unavailable, file: report,
                                  themes: total.feedbackTally.map { tally in comments.map { tally.summary(lexicon: $0.lexicon) } } ?? nil)
    }

    /// True when a score of the group rests on fewer than ``smallGroup`` answers (scores without
    /// any answer do not count: a survey without CES questions does not make every group small).
    public static func isSmall(_ scores: SatisfactionScores) -> Bool {
        let ns = [scores.nps.n, scores.csat.n, scores.ces.n].filter { $0 > 0 }
        return ns.isEmpty || ns.contains { $0 < smallGroup }
    }

    /// The trimmed header of a surveys file.
    static func surveyHeader(path: String, delimiter: UInt8?, encoding: TextEncoding?) throws -> [String] {
        let reader = try CSVReader(path: path, delimiter: delimiter, encoding: encoding)
        guard try reader.nextHeader() else { return [] }
        return reader.fields.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The value of column `column` (a schema role such as `region`, or any header name) per
    /// customer id of a customers file; blank cells are left out, and a repeated id keeps its
    /// first value.
    /// - Returns: nil when the file has no such column.
    /// - Throws: ``InputError`` or ``ColumnMappingError`` when the file cannot be read.
    public static func customerAttribute(path: String, column: String, delimiter: UInt8? = nil,
                                         encoding: TextEncoding? = nil) throws -> [String: String]? {
        let header = try surveyHeader(path: path, delimiter: delimiter, encoding: encoding)
        let schemaRole = FileSchema.customers.columns.first { $0.role.name == column }
        var labels: [String: String] = [:]
        var found = false
        _ = try TableProfiler.profile(path: path, schema: .customers, delimiter: delimiter, encoding: encoding) { row in
            guard let id = row.text("customer_id") else { return }
            let value = schemaRole != nil ? row.text(column) : row.text(header: column)
            if let value, labels[id] == nil { labels[id] = value }
        }
        if schemaRole != nil {
            let mapping = try ColumnMapping(header: header, roles: FileSchema.customers.columns.map(\.role), file: path)
            found = mapping.indexes[column] != nil
        } else {
            found = header.contains { $0 == column || $0.lowercased() == column.lowercased() }
        }
        return found ? labels : nil
    }
}

/// The tallies of one part of a surveys file: overall, per group of each grouping, and of the
/// comments. Parts are merged in file order (group labels keep their first appearance).
///
/// The counts of a group are one flat run of ``width`` integers in its grouping's
/// ``GroupCounts`` (rows, then NPS 0–10, CSAT 1–5, CES 1–7), so a row costs a few increments per
/// grouping; a ``SatisfactionTally`` per group (three arrays) cost three uniqueness checks per
/// row and grouping, and nested arrays two. Month and quarter groups are found by the day's
/// ordinal in a table (no date arithmetic nor dictionary lookup per row). Copies share their
/// counts and day tables (classes): a part's accumulator is handed on and merged, never copied
/// and then used twice.
struct SatisfactionAccumulator: PlainScanState {
    /// Counts per group: rows, NPS 0...10, CSAT 1...5, CES 1...7.
    static let width = 24
    static let npsBase = 1, csatBase = 12, cesBase = 17
    let groupings: [SatisfactionGrouping]
    let overallCounts = GroupCounts()
    // Per grouping: label → slot, the slot's counts, and its labels in order of appearance.
    var labelSlots: [[String: Int]]
    var periodSlots: [[Int: Int]]
    /// Per month or quarter grouping: each day's slot.
    let daySlots: [DaySlots]
    let counts: [GroupCounts]
    var labels: [[String]]
    // Survey columns: their field index, found at the first row.
    var columnIndex: [Int?]
    /// Field index of the customer id (-1: absent), for customer groupings.
    var customerField = -1
    /// Per survey-column or customer grouping: the cells' bytes interned, and each cell id's
    /// slot (no String nor dictionary lookup per row once a cell value has been seen), and the
    /// slot of an empty cell (-1: not seen yet).
    var cellIDs: [IdentifierTable]
    var cellSlots: [[Int32]]
    var emptyCellSlot: [Int]
    /// Per grouping: 0 month, 1 quarter, 2 other.
    let kinds: [UInt8]
    var resolved = false
    // Positions of the answer and date columns among the row's parsed values (-1: absent).
    var npsSlot = -1, csatSlot = -1, cesSlot = -1, dateSlot = -1
    /// Field index of the comment column (-1: absent).
    var commentField = -1
    var feedbackTally: FeedbackTally?
    /// The lexicon of the comments, compiled at the first comment with text.
    let comments: LazyFeedbackAnalyzer?
    /// Scores the comments (the analyzer held once: copying it per row cost a retain and
    /// release of each of its members); made at the first comment.
    var scorer: CommentScorer?
    /// The same scorer, reached per row without a retain and release (`scorer` keeps it alive).
    var scorerReference: Unmanaged<CommentScorer>?

    init(groupings: [SatisfactionGrouping], comments: LazyFeedbackAnalyzer?) {
        self.groupings = groupings
        _ = overallCounts.appendSlot()
        labelSlots = Array(repeating: [:], count: groupings.count)
        periodSlots = Array(repeating: [:], count: groupings.count)
        daySlots = groupings.map { _ in DaySlots() }
        counts = groupings.map { _ in GroupCounts() }
        labels = Array(repeating: [], count: groupings.count)
        columnIndex = Array(repeating: nil, count: groupings.count)
        cellIDs = groupings.map { grouping in
            if case .month = grouping { return IdentifierTable(expectedCount: 1) }
            if case .quarter = grouping { return IdentifierTable(expectedCount: 1) }
            return IdentifierTable()
        }
        cellSlots = Array(repeating: [], count: groupings.count)
        emptyCellSlot = Array(repeating: -1, count: groupings.count)
        kinds = groupings.map { grouping -> UInt8 in
            switch grouping {
            case .month: 0
            case .quarter: 1
            default: 2
            }
        }
        feedbackTally = comments.map { FeedbackTally(themeCount: $0.lexicon.themes.count) }
        self.comments = comments
    }

    /// The overall tally.
    var overall: SatisfactionTally { Self.tally(overallCounts.run(0)) }

    /// The tally of slot `s` of grouping `g`.
    func tally(_ g: Int, _ s: Int) -> SatisfactionTally {
        Self.tally(counts[g].run(s))
    }

    static func tally(_ run: UnsafeBufferPointer<Int>) -> SatisfactionTally {
        var tally = SatisfactionTally()
        tally.rows = run[0]
        for k in 0..<11 { tally.nps[k] = run[npsBase + k] }
        for k in 0..<5 { tally.csat[k] = run[csatBase + k] }
        for k in 0..<7 { tally.ces[k] = run[cesBase + k] }
        return tally
    }

    mutating func slot(_ g: Int, label: String) -> Int {
        if let s = labelSlots[g][label] { return s }
        let s = labels[g].count
        labelSlots[g][label] = s
        labels[g].append(label)
        let added = counts[g].appendSlot()
        assert(added == s)
        return s
    }

    /// The slot of the month or quarter of day `ordinal`: a table look-up once the day has been seen.
    @inline(__always)
    mutating func periodSlot(_ g: Int, ordinal: Int) -> Int {
        let s = daySlots[g].slot(ordinal)
        return s >= 0 ? s : newPeriodSlot(g, ordinal: ordinal)
    }

    /// ``periodSlot(_:ordinal:)`` of a day not seen yet (or outside the table).
    @inline(never)
    mutating func newPeriodSlot(_ g: Int, ordinal: Int) -> Int {
        let (year, month, _) = CalendarDay(ordinal: Int32(ordinal)).components
        let s: Int
        if kinds[g] == 0 {
            let key = year * 12 + month
            if let known = periodSlots[g][key] { s = known } else {
                s = slot(g, label: String(format: "%04d-%02d", year, month))
                periodSlots[g][key] = s
            }
        } else {
            let quarter = (month - 1) / 3 + 1
            let key = year * 4 + quarter
            if let known = periodSlots[g][key] { s = known } else {
                s = slot(g, label: String(format: "%04d-Q%d", year, quarter))
                periodSlots[g][key] = s
            }
        }
        daySlots[g].set(ordinal, slot: s)
        return s
    }

    /// The slot of the cell `field` of `row` in grouping `g`; `label` names the group of a cell
    /// value seen for the first time (the same bytes always get the same label).
    mutating func cellSlot(_ g: Int, row: TableRow, field: Int, label: () -> String) -> Int {
        guard let id = row.withField(field, { cellIDs[g].intern($0) }) else {
            if emptyCellSlot[g] < 0 { emptyCellSlot[g] = slot(g, label: label()) }
            return emptyCellSlot[g]
        }
        if Int(id) < cellSlots[g].count { return Int(cellSlots[g][Int(id)]) }
        // Interned ids are dense and new ones come in order: this one is cellSlots[g].count.
        let s = slot(g, label: label())
        cellSlots[g].append(Int32(s))
        return s
    }


    /// Finds the columns the tallies need, once per part.
    mutating func resolve(slots: [String: Int], mapping: ColumnMapping, header: [String]) {
        resolved = true
        npsSlot = slots["nps"] ?? -1
        csatSlot = slots["csat"] ?? -1
        cesSlot = slots["ces"] ?? -1
        dateSlot = slots["date"] ?? -1
        commentField = mapping.indexes["comment"] ?? -1
        customerField = mapping.indexes["customer_id"] ?? -1
        for (g, grouping) in groupings.enumerated() {
            if case .surveyColumn(_, let headers) = grouping {
                columnIndex[g] = headers.lazy.compactMap { name in
                    header.firstIndex(of: name) ?? header.firstIndex { $0.lowercased() == name.lowercased() }
                }.first
            }
        }
    }

    /// Whether every grouping is a period (month, quarter): then ``add(values:comment:)`` alone
    /// tallies a row.
    var groupsByPeriodOnly: Bool { kinds.allSatisfy { $0 < 2 } }

    /// Adds one accepted row.
    mutating func add(_ row: TableRow) {
        if !resolved { resolve(slots: row.slots, mapping: row.mapping, header: row.header) }
        let values = row.values
        let added: Bool? = commentField < 0 ? nil : row.withField(commentField) { text in
            add(values: values, comment: text)
            return true
        }
        if added == nil { add(values: values, comment: nil) }
        guard !groupsByPeriodOnly else { return }
        let (npsOffset, csatOffset, cesOffset) = offsets(values)
        for g in groupings.indices where kinds[g] == 2 {
            let s: Int
            switch groupings[g] {
            case .month, .quarter:
                continue
            case .surveyColumn:
                guard let index = columnIndex[g] else { continue }
                s = cellSlot(g, row: row, field: index) { row.field(index) ?? SatisfactionAnalysis.unknownGroup }
            case .customer(_, let customerLabels):
                let label = { customerLabels[row.text("customer_id") ?? ""] ?? SatisfactionAnalysis.unknownGroup }
                s = customerField < 0 ? slot(g, label: label()) : cellSlot(g, row: row, field: customerField, label: label)
            }
            counts[g].count(slot: s, nps: npsOffset, csat: csatOffset, ces: cesOffset)
        }
    }

    /// Adds one plain accepted row of ``PlainTableScan``.
    @inline(__always)
    mutating func acceptPlain(values: UnsafeMutablePointer<Double>, record: PlainTableScan.Record) {
        if !resolved { resolve(slots: record.context.slots, mapping: record.context.mapping, header: record.context.header) }
        add(values: values, comment: commentField < 0 ? nil : record.field(commentField))
    }

    /// The counts' offsets of a row's answers (``width``'s layout), −1 for a blank or absent one.
    @inline(__always)
    func offsets(_ values: UnsafeMutablePointer<Double>) -> (nps: Int, csat: Int, ces: Int) {
        // The profiler checked each answer against its scale: a whole number in range.
        let nps = npsSlot < 0 || values[npsSlot].isNaN ? -1 : Self.npsBase + Int(values[npsSlot])
        let csat = csatSlot < 0 || values[csatSlot].isNaN ? -1 : Self.csatBase + Int(values[csatSlot]) - 1
        let ces = cesSlot < 0 || values[cesSlot].isNaN ? -1 : Self.cesBase + Int(values[cesSlot]) - 1
        return (nps, csat, ces)
    }

    /// Adds the overall counts, the comment's score and the period groups of one accepted row:
    /// `values` are its parsed columns (``TableRow``'s slots, NaN when blank), `comment` the
    /// trimmed comment (nil when blank or absent). Groupings by a column are left to ``add(_:)``.
    /// Call ``resolve(slots:mapping:header:)`` first.
    @inline(__always)
    mutating func add(values: UnsafeMutablePointer<Double>, comment: UnsafeBufferPointer<UInt8>?) {
        let (npsOffset, csatOffset, cesOffset) = offsets(values)
        overallCounts.count(slot: 0, nps: npsOffset, csat: csatOffset, ces: cesOffset)
        if let comment, comments != nil {
            if scorerReference == nil { makeScorer() }
            if let scorerReference {
                let score = scorerReference._withUnsafeGuaranteedRef { $0.score(comment) }
                feedbackTally?.add(score, nps: npsSlot < 0 || values[npsSlot].isNaN ? nil : values[npsSlot])
            }
        }
        guard dateSlot >= 0, !values[dateSlot].isNaN else { return }
        let ordinal = Int(values[dateSlot])
        for g in groupings.indices where kinds[g] < 2 {
            // Periods by their kind alone: switching on the grouping itself would copy its
            // payload (a retain and release per row).
            let s = periodSlot(g, ordinal: ordinal)
            counts[g].count(slot: s, nps: npsOffset, csat: csatOffset, ces: cesOffset)
        }
    }

    /// Compiles the lexicon (once for all parts) and makes this part's scorer; leaves none when
    /// the lexicon cannot be compiled (``LazyFeedbackAnalyzer/checkCompiled()`` says why).
    @inline(never)
    mutating func makeScorer() {
        guard let analyzer = comments?.analyzer() else { return }
        let scorer = CommentScorer(analyzer)
        self.scorer = scorer
        scorerReference = Unmanaged.passUnretained(scorer)
    }

    /// Adds the tallies of the part that follows this one.
    mutating func merge(_ next: SatisfactionAccumulator) {
        overallCounts.add(next.overallCounts.run(0), toSlot: 0)
        for g in groupings.indices {
            for (s, label) in next.labels[g].enumerated() {
                counts[g].add(next.counts[g].run(s), toSlot: slot(g, label: label))
            }
        }
        if let other = next.feedbackTally { feedbackTally?.merge(other) }
    }
}

/// The counts of one grouping's groups: a run of ``SatisfactionAccumulator/width`` integers
/// per slot in one buffer of its own, counted into without the copy-on-write check an array
/// takes per write. Held by one accumulator (one thread).
final class GroupCounts {
    private var base: UnsafeMutablePointer<Int>
    private var capacity = 16
    private(set) var slots = 0
    private static var width: Int { SatisfactionAccumulator.width }

    init() {
        base = .allocate(capacity: capacity * Self.width)
    }

    deinit { base.deallocate() }

    /// Adds a slot of zero counts; its index.
    func appendSlot() -> Int {
        if slots == capacity {
            let grown = UnsafeMutablePointer<Int>.allocate(capacity: 2 * capacity * Self.width)
            grown.moveInitialize(from: base, count: slots * Self.width)
            base.deallocate()
            base = grown
            capacity *= 2
        }
        (base + slots * Self.width).initialize(repeating: 0, count: Self.width)
        slots += 1
        return slots - 1
    }

    /// The counts of slot `s`.
    func run(_ s: Int) -> UnsafeBufferPointer<Int> {
        precondition(s >= 0 && s < slots, "no such slot")
        return UnsafeBufferPointer(start: base + s * Self.width, count: Self.width)
    }

    /// Adds one answer to slot `s`: its row, and the counts at the offsets of its answers (the
    /// accumulator's layout, −1 for a blank one).
    @inline(__always)
    func count(slot s: Int, nps: Int, csat: Int, ces: Int) {
        let run = base + s &* Self.width
        run[0] &+= 1
        if nps >= 0 { run[nps] &+= 1 }
        if csat >= 0 { run[csat] &+= 1 }
        if ces >= 0 { run[ces] &+= 1 }
    }

    /// Adds `counts` (a run of another part) to slot `s`.
    func add(_ counts: UnsafeBufferPointer<Int>, toSlot s: Int) {
        let run = base + s * Self.width
        for k in 0..<Self.width { run[k] += counts[k] }
    }
}

/// The month or quarter slot of each day ordinal seen, in a table spanning the days seen so far
/// (a few kilobytes for a few years of answers, so the look-up per row stays in cache).
final class DaySlots {
    /// Ordinal of the table's first day.
    private var first = 0
    private var table = UnsafeMutableBufferPointer<Int32>(start: nil, count: 0)
    /// Days beyond this distance from the table get no entry (their slot is worked out each time).
    static let maximumSpan = 200_000

    deinit { table.deallocate() }

    /// The slot of day `ordinal`; −1 when not set.
    @inline(__always)
    func slot(_ ordinal: Int) -> Int {
        let t = ordinal &- first
        guard t >= 0 && t < table.count else { return -1 }
        return Int(table[t]) &- 1
    }

    /// Sets the slot of day `ordinal`, growing the table to hold it (up to ``maximumSpan`` days).
    func set(_ ordinal: Int, slot: Int) {
        if table.isEmpty {
            first = ordinal - 512
            table = .allocate(capacity: 1024)
            table.initialize(repeating: 0)
        }
        let t = ordinal - first
        if t < 0 || t >= table.count {
            let low = min(first, ordinal - 512), high = max(first + table.count, ordinal + 512)
            guard high - low <= Self.maximumSpan else { return }
            let grown = UnsafeMutableBufferPointer<Int32>.allocate(capacity: high - low)
            grown.initialize(repeating: 0)
            for k in table.indices { grown[first - low + k] = table[k] }
            table.deallocate()
            table = grown
            first = low
        }
        table[ordinal - first] = Int32(slot + 1)
    }
}

/// A feedback analyzer and its match buffer, for one thread.
final class CommentScorer {
    let analyzer: FeedbackAnalyzer
    var matches: [FeedbackMatcher.Match] = []

    init(_ analyzer: FeedbackAnalyzer) {
        self.analyzer = analyzer
        matches.reserveCapacity(64)
    }

    func score(_ utf8: UnsafeBufferPointer<UInt8>) -> TextScore {
        analyzer.score(utf8: utf8, matches: &matches)
    }
}

/// A feedback lexicon compiled on first use, once for all threads: most of `cva satisfaction`'s
/// start-up on a small file went into compiling the built-in lexicon, which a file without
/// comments never needs.
final class LazyFeedbackAnalyzer: @unchecked Sendable {
    let lexicon: FeedbackLexicon
    private let lock = NSLock()
    // Guarded by `lock`.
    private var compiled: FeedbackAnalyzer?
    private var failure: (any Error)?

    init(lexicon: FeedbackLexicon) { self.lexicon = lexicon }

    /// An analyzer already compiled.
    init(_ analyzer: FeedbackAnalyzer) {
        lexicon = analyzer.lexicon
        compiled = analyzer
    }

    /// The compiled analyzer (compiling it on the first call); nil when the lexicon cannot be compiled.
    func analyzer() -> FeedbackAnalyzer? {
        lock.lock()
        defer { lock.unlock() }
        if compiled == nil && failure == nil {
            do { compiled = try FeedbackAnalyzer(lexicon: lexicon) } catch { failure = error }
        }
        return compiled
    }

    /// Rethrows the error of compiling the lexicon, if it was compiled and failed.
    /// - Throws: ``FeedbackLexiconError``.
    func checkCompiled() throws {
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw failure }
    }
}
