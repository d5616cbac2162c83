import Foundation

/// Everything but purchases that the churn features and warning rules look at: service tickets,
/// engagement events, survey answers and customer attributes, grouped by customer.
///
/// Each side file is read once; its rows are kept only for customers of the
/// ``TransactionHistory`` (indexed by its customer index), in a compressed-sparse-row layout:
/// the tickets of customer `c` are `ticketStart[c]..<ticketStart[c + 1]`, and likewise for
/// events and surveys. About 10 bytes per ticket or event and 20 per survey answer.
public struct CustomerActivity: Sendable {
    /// The kinds of side data, for notes on what is missing.
    public enum Source: String, Sendable, Codable, CaseIterable {
        case customers, tickets, events, surveys
    }

    /// The engagement events the churn analysis tells apart; any other event name is `.other`.
    public enum EventKind: UInt8, Sendable, CaseIterable {
        case login, emailOpen, emailClick, cartAbandon, other

        /// The kind of an event name given as UTF-8 bytes (ASCII case ignored).
        init(bytes: UnsafeBufferPointer<UInt8>) {
            for (kind, names) in Self.byteNames where names.contains(where: { equalsIgnoringASCIICase(bytes, $0) }) {
                self = kind
                return
            }
            self = .other
        }

        static let names: [(EventKind, [String])] = [
            (.login, ["login", "log_in", "登录"]), (.emailOpen, ["email_open", "open", "打开邮件"]),
            (.emailClick, ["email_click", "click", "点击邮件"]), (.cartAbandon, ["cart_abandon", "abandoned_cart", "放弃购物车"]),
        ]
        static let byteNames: [(EventKind, [[UInt8]])] = names.map { kind, list in (kind, list.map { Array($0.utf8) }) }
    }

    /// The sources that were read (a file that is missing or unusable is absent).
    public var available: Set<Source>
    /// What was skipped and why, for the user.
    public var notes: [String]

    /// Ticket offsets, `customerCount + 1` entries.
    public var ticketStart: [Int]
    /// Day each ticket was created.
    public var ticketDay: [Int32]
    /// Whether the ticket is a complaint (type `complaint`, 投诉).
    public var ticketIsComplaint: [Bool]
    /// Day the ticket was resolved: `Int32.min` when resolved at an unknown time (status resolved or
    /// closed without a date), `Int32.max` when still open.
    public var ticketResolvedDay: [Int32]

    /// Event offsets, `customerCount + 1` entries.
    public var eventStart: [Int]
    public var eventDay: [Int32]
    public var eventKind: [EventKind]

    /// Survey offsets, `customerCount + 1` entries.
    public var surveyStart: [Int]
    public var surveyDay: [Int32]
    /// NPS answer 0…10, NaN when not asked.
    public var surveyNPS: [Double]
    /// CSAT answer 1…5, NaN when not asked.
    public var surveyCSAT: [Double]

    /// Registration day per customer; `Int32.min` when unknown.
    public var registeredDay: [Int32]
    /// Categorical customer attributes (industry, region, age band, gender), when present.
    public var attributes: [Attribute]

    /// One categorical column of the customers file.
    public struct Attribute: Sendable, Hashable {
        /// The column's role name (`industry`, `region`, ...).
        public var name: String
        /// The values kept as their own category, most frequent first; rarer ones are `other`.
        public var categories: [String]
        /// Category index per customer (into `categories`, or `categories.count` for other);
        /// -1 when the customer has no value.
        public var code: [Int32]
    }

    /// No side data at all, for `customerCount` customers.
    public init(customerCount: Int) {
        available = []
        notes = []
        ticketStart = [Int](repeating: 0, count: customerCount + 1)
        ticketDay = []; ticketIsComplaint = []; ticketResolvedDay = []
        eventStart = ticketStart; eventDay = []; eventKind = []
        surveyStart = ticketStart; surveyDay = []; surveyNPS = []; surveyCSAT = []
        registeredDay = [Int32](repeating: .min, count: customerCount)
        attributes = []
    }

    /// The categorical columns of the customers file used as features.
    public static let attributeNames = ["industry", "region", "age_band", "gender"]

    /// Reads the side files of `dataSet` for the customers of `history`.
    ///
    /// A missing file is noted, not an error; rows of customers without transactions are ignored;
    /// rejected rows go to `quarantine` as in the quality report.
    /// - Parameters:
    ///   - maxCategories: categories kept per attribute (the rest are grouped as other).
    /// - Throws: ``InputError`` or ``ColumnMappingError`` when a present file cannot be read.
    /// - Complexity: one pass over each file; O(rows + customers) memory.
    public static func load(
        dataSet: DataSet, history: TransactionHistory, delimiter: UInt8? = nil, encoding: TextEncoding? = nil,
        quarantine: QuarantineSink? = nil, maxCategories: Int = 10
    ) throws -> CustomerActivity {
        let n = history.customerCount
        var activity = CustomerActivity(customerCount: n)
        let ids = history.identifiers
        // On the cell's bytes: no String per row (the side files hold millions of rows).
        func customer(_ row: TableRow) -> Int? {
            guard let index = row.mapping.indexes["customer_id"] else { return nil }
            return row.reader.withField(index) { ids.find(TransactionLoader.trimmed($0)) }.map(Int.init)
        }
        func cell(_ row: TableRow, _ role: String, equalsOneOf values: [[UInt8]]) -> Bool {
            guard let index = row.mapping.indexes[role] else { return false }
            return row.reader.withField(index) { raw in
                let bytes = TransactionLoader.trimmed(raw)
                return values.contains { equalsIgnoringASCIICase(bytes, $0) }
            }
        }
        let complaintNames: [[UInt8]] = [Array("complaint".utf8), Array("投诉".utf8)]
        let resolvedNames: [[UInt8]] = ["resolved", "closed", "done", "已解决", "已关闭", "已完成"].map { Array($0.utf8) }
        func read(_ schema: FileSchema, _ visit: @escaping (TableRow) throws -> Void) throws -> Bool {
            guard let path = dataSet.files[schema.name] else { return false }
            _ = try TableProfiler.profile(path: path, schema: schema, delimiter: delimiter, encoding: encoding,
                                          quarantine: quarantine, visit: visit)
            return true
        }

        // Tickets.
        var tickets = Grouping(customerCount: n)
        var tDay: [Int32] = [], tComplaint: [Bool] = [], tResolved: [Int32] = []
        if try read(.tickets, { row in
            guard let c = customer(row), let day = row.day("created_at") else { return }
            let resolved: Int32
            if let r = row.day("resolved_at") {
                resolved = r.ordinal
            } else if cell(row, "status", equalsOneOf: resolvedNames) {
                resolved = .min
            } else {
                resolved = .max
            }
            tickets.add(c)
            tDay.append(day.ordinal)
            tComplaint.append(cell(row, "type", equalsOneOf: complaintNames))
            tResolved.append(resolved)
        }) {
            activity.available.insert(.tickets)
            let order = tickets.finish()
            activity.ticketStart = tickets.start
            activity.ticketDay = order.map { tDay[$0] }
            activity.ticketIsComplaint = order.map { tComplaint[$0] }
            activity.ticketResolvedDay = order.map { tResolved[$0] }
        } else {
            activity.notes.append("no tickets file: complaint features and the complaint rules are skipped")
        }

        // Events.
        var events = Grouping(customerCount: n)
        var eDay: [Int32] = [], eKind: [EventKind] = []
        if try read(.events, { row in
            guard let c = customer(row), let day = row.day("timestamp") else { return }
            events.add(c)
            eDay.append(day.ordinal)
            let kind = row.mapping.indexes["event"].map { index in
                row.reader.withField(index) { EventKind(bytes: TransactionLoader.trimmed($0)) }
            } ?? .other
            eKind.append(kind)
        }) {
            activity.available.insert(.events)
            let order = events.finish()
            activity.eventStart = events.start
            activity.eventDay = order.map { eDay[$0] }
            activity.eventKind = order.map { eKind[$0] }
        } else {
            activity.notes.append("no events file: engagement features and the engagement and cart-abandon rules are skipped")
        }

        // Surveys.
        var surveys = Grouping(customerCount: n)
        var sDay: [Int32] = [], sNPS: [Double] = [], sCSAT: [Double] = []
        if try read(.surveys, { row in
            guard let c = customer(row), let day = row.day("date") else { return }
            surveys.add(c)
            sDay.append(day.ordinal)
            sNPS.append(row.number("nps") ?? .nan)
            sCSAT.append(row.number("csat") ?? .nan)
        }) {
            activity.available.insert(.surveys)
            let order = surveys.finish()
            activity.surveyStart = surveys.start
            activity.surveyDay = order.map { sDay[$0] }
            activity.surveyNPS = order.map { sNPS[$0] }
            activity.surveyCSAT = order.map { sCSAT[$0] }
        } else {
            activity.notes.append("no surveys file: survey features and the NPS and CSAT rules are skipped")
        }

        // Customers: registration day and categorical attributes (first row of an id wins).
        var registered = [Int32](repeating: .min, count: n)
        var values = [[String?]](repeating: [String?](repeating: nil, count: n), count: attributeNames.count)
        var seen = [Bool](repeating: false, count: n)
        if try read(.customers, { row in
            guard let c = customer(row), !seen[c] else { return }
            seen[c] = true
            if let day = row.day("registered_at") { registered[c] = day.ordinal }
            for (k, name) in attributeNames.enumerated() { values[k][c] = row.text(name) }
        }) {
            activity.available.insert(.customers)
            activity.registeredDay = registered
            for (k, name) in attributeNames.enumerated() {
                var counts: [String: Int] = [:]
                for v in values[k] { if let v { counts[v, default: 0] += 1 } }
                guard !counts.isEmpty else { continue }
                let kept = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                    .prefix(maxCategories).map(\.key)
                let index = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, Int32($0)) })
                let code = values[k].map { v in v.map { index[$0] ?? Int32(kept.count) } ?? -1 }
                activity.attributes.append(Attribute(name: name, categories: kept, code: code))
            }
        } else {
            activity.notes.append("no customers file: tenure since registration and customer attributes are skipped")
        }
        return activity
    }

    /// Tickets of customer `c`.
    @inline(__always) public func tickets(of c: Int) -> Range<Int> { ticketStart[c]..<ticketStart[c + 1] }
    /// Events of customer `c`.
    @inline(__always) public func events(of c: Int) -> Range<Int> { eventStart[c]..<eventStart[c + 1] }
    /// Survey answers of customer `c`.
    @inline(__always) public func surveys(of c: Int) -> Range<Int> { surveyStart[c]..<surveyStart[c + 1] }
}

/// Whether `bytes` equal `text`, ASCII letters compared without case.
@inline(__always)
func equalsIgnoringASCIICase(_ bytes: UnsafeBufferPointer<UInt8>, _ text: [UInt8]) -> Bool {
    guard bytes.count == text.count else { return false }
    for k in 0..<text.count {
        var a = bytes[k], b = text[k]
        if a >= 0x41 && a <= 0x5A { a += 0x20 }
        if b >= 0x41 && b <= 0x5A { b += 0x20 }
        if a != b { return false }
    }
    return true
}

/// Counting sort of rows by customer: rows are added in file order, then `finish` returns the
/// permutation that groups them by customer (file order kept within a customer).
struct Grouping {
    var start: [Int]
    var customerOfRow: [Int32] = []

    init(customerCount: Int) { start = [Int](repeating: 0, count: customerCount + 1) }

    mutating func add(_ c: Int) {
        start[c + 1] += 1
        customerOfRow.append(Int32(c))
    }

    /// Turns the counts into offsets and returns, for each grouped position, the row in file order.
    mutating func finish() -> [Int] {
        for k in 1..<start.count { start[k] += start[k - 1] }
        var next = start
        var order = [Int](repeating: 0, count: customerOfRow.count)
        for (row, c) in customerOfRow.enumerated() {
            order[next[Int(c)]] = row
            next[Int(c)] += 1
        }
        customerOfRow = []
        return order
    }
}
