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
        // On the cell's bytes: no String per row (the side files hold millions of rows). Field
        // indexes and value slots are looked up by name once per file part (`SideFileColumns`), not per row.
        func customer(_ row: TableRow, _ index: Int?) -> Int? {
            guard let index else { return nil }
            return row.reader.withField(index) { ids.find(TransactionLoader.trimmed($0)) }.map(Int.init)
        }
        func cell(_ row: TableRow, _ index: Int?, equalsOneOf values: [[UInt8]]) -> Bool {
            guard let index else { return false }
            return row.reader.withField(index) { raw in
                let bytes = TransactionLoader.trimmed(raw)
                return values.contains { equalsIgnoringASCIICase(bytes, $0) }
            }
        }
        func dayAt(_ row: TableRow, _ slot: Int?) -> CalendarDay? { slot.flatMap { row.day(slot: $0) } }
        func numberAt(_ row: TableRow, _ slot: Int?) -> Double? { slot.flatMap { row.number(slot: $0) } }
        let complaintNames: [[UInt8]] = [Array("complaint".utf8), Array("投诉".utf8)]
        let resolvedNames: [[UInt8]] = ["resolved", "closed", "done", "已解决", "已关闭", "已完成"].map { Array($0.utf8) }
        func read(_ schema: FileSchema, _ visit: @escaping (TableRow) throws -> Void) throws -> Bool {
            guard let path = dataSet.files[schema.name] else { return false }
            _ = try TableProfiler.profile(path: path, schema: schema, delimiter: delimiter, encoding: encoding,
                                          quarantine: quarantine, visit: visit)
            return true
        }
        /// One pass over a large file on two threads (each half into its own state, returned in
        /// file order); nil when the data set has no such file.
        func readParts<State>(_ schema: FileSchema, _ make: () -> State, _ visit: (inout State, TableRow) -> Void) throws -> [State]? {
            guard let path = dataSet.files[schema.name] else { return nil }
            return try TableProfiler.profile(path: path, schema: schema, delimiter: delimiter, encoding: encoding,
                                             quarantine: quarantine, makeState: { _ in make() }, visit: visit).states
        }

        // Tickets.
        struct TicketRows {
            var customer: [Int32] = [], day: [Int32] = [], complaint: [Bool] = [], resolved: [Int32] = []
            var columns: SideFileColumns?
        }
        if let parts = try readParts(.tickets, { TicketRows() }, { part, row in
            let columns = part.columns ?? SideFileColumns(row, fields: ["customer_id", "status", "type"], slots: ["created_at", "resolved_at"])
            part.columns = columns
            guard let c = customer(row, columns.fields.0), let day = dayAt(row, columns.slots.0) else { return }
            let resolved: Int32
            if let r = dayAt(row, columns.slots.1) {
                resolved = r.ordinal
            } else if cell(row, columns.fields.1, equalsOneOf: resolvedNames) {
                resolved = .min
            } else {
                resolved = .max
            }
            part.customer.append(Int32(c))
            part.day.append(day.ordinal)
            part.complaint.append(cell(row, columns.fields.2, equalsOneOf: complaintNames))
            part.resolved.append(resolved)
        }) {
            activity.available.insert(.tickets)
            let tickets = CustomerGrouping(customerCount: n, parts: parts, customer: \.customer)
            activity.ticketStart = tickets.start
            activity.ticketDay = tickets.arrange(parts, \.day)
            activity.ticketIsComplaint = tickets.arrange(parts, \.complaint)
            activity.ticketResolvedDay = tickets.arrange(parts, \.resolved)
        } else {
            activity.notes.append("no tickets file: complaint features and the complaint rules are skipped")
        }

        // Events.
        struct EventRows { var customer: [Int32] = [], day: [Int32] = [], kind: [EventKind] = [], columns: SideFileColumns? }
        if let parts = try readParts(.events, { EventRows() }, { part, row in
            let columns = part.columns ?? SideFileColumns(row, fields: ["customer_id", "event"], slots: ["timestamp"])
            part.columns = columns
            guard let c = customer(row, columns.fields.0), let day = dayAt(row, columns.slots.0) else { return }
            part.customer.append(Int32(c))
            part.day.append(day.ordinal)
            let kind = columns.fields.1.map { index in
                row.reader.withField(index) { EventKind(bytes: TransactionLoader.trimmed($0)) }
            } ?? .other
            part.kind.append(kind)
        }) {
            activity.available.insert(.events)
            let events = CustomerGrouping(customerCount: n, parts: parts, customer: \.customer)
            activity.eventStart = events.start
            activity.eventDay = events.arrange(parts, \.day)
            activity.eventKind = events.arrange(parts, \.kind)
        } else {
            activity.notes.append("no events file: engagement features and the engagement and cart-abandon rules are skipped")
        }

        // Surveys.
        struct SurveyRows { var customer: [Int32] = [], day: [Int32] = [], nps: [Double] = [], csat: [Double] = [], columns: SideFileColumns? }
        if let parts = try readParts(.surveys, { SurveyRows() }, { part, row in
            let columns = part.columns ?? SideFileColumns(row, fields: ["customer_id"], slots: ["date", "nps", "csat"])
            part.columns = columns
            guard let c = customer(row, columns.fields.0), let day = dayAt(row, columns.slots.0) else { return }
            part.customer.append(Int32(c))
            part.day.append(day.ordinal)
            part.nps.append(numberAt(row, columns.slots.1) ?? .nan)
            part.csat.append(numberAt(row, columns.slots.2) ?? .nan)
        }) {
            activity.available.insert(.surveys)
            let surveys = CustomerGrouping(customerCount: n, parts: parts, customer: \.customer)
            activity.surveyStart = surveys.start
            activity.surveyDay = surveys.arrange(parts, \.day)
            activity.surveyNPS = surveys.arrange(parts, \.nps)
            activity.surveyCSAT = surveys.arrange(parts, \.csat)
        } else {
            activity.notes.append("no surveys file: survey features and the NPS and CSAT rules are skipped")
        }

        // Customers: registration day and categorical attributes (first row of an id wins). The
        // attribute cells are coded on their bytes (a String only per distinct cell text).
        var registered = [Int32](repeating: .min, count: n)
        var interners = attributeNames.map { _ in CategoryInterner() }
        var codes = [[Int32]](repeating: [Int32](repeating: -1, count: n), count: attributeNames.count)
        var seen = [Bool](repeating: false, count: n)
        var customerColumns: SideFileColumns?
        var attributeFields: [Int?] = []
        if try read(.customers, { row in
            let columns = customerColumns ?? SideFileColumns(row, fields: ["customer_id"], slots: ["registered_at"])
            if customerColumns == nil {
                customerColumns = columns
                attributeFields = attributeNames.map { row.mapping.indexes[$0] }
            }
            guard let c = customer(row, columns.fields.0), !seen[c] else { return }
            seen[c] = true
            if let day = dayAt(row, columns.slots.0) { registered[c] = day.ordinal }
            for k in attributeFields.indices {
                guard let index = attributeFields[k] else { continue }
                codes[k][c] = interners[k].code(row, field: index)
            }
        }) {
            activity.available.insert(.customers)
            activity.registeredDay = registered
            for (k, name) in attributeNames.enumerated() {
                let interner = interners[k]
                var counts = [Int](repeating: 0, count: interner.texts.count)
                for code in codes[k] where code >= 0 { counts[Int(code)] += 1 }
                guard !counts.isEmpty else { continue }
                // Most frequent first, ties by text; the rest are `other`.
                let kept = counts.indices.sorted { a, b in
                    counts[a] != counts[b] ? counts[a] > counts[b] : interner.texts[a] < interner.texts[b]
                }.prefix(maxCategories)
                var recode = [Int32](repeating: Int32(kept.count), count: counts.count)
                for (position, code) in kept.enumerated() { recode[code] = Int32(position) }
                let code = codes[k].map { $0 >= 0 ? recode[Int($0)] : -1 }
                activity.attributes.append(Attribute(name: name, categories: kept.map { interner.texts[$0] }, code: code))
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

/// Where a side file's columns are in its rows: field indexes (cells read as bytes) and value
/// slots (dates and numbers the profiler parsed), looked up by role name once per file part
/// rather than per row; up to three of each, nil for a column the file lacks.
struct SideFileColumns {
    var fields: (Int?, Int?, Int?)
    var slots: (Int?, Int?, Int?)

    init(_ row: TableRow, fields: [String], slots: [String]) {
        precondition(fields.count <= 3 && slots.count <= 3, "at most three fields and three slots")
        let f = fields.map { row.mapping.indexes[$0] } + [nil, nil, nil]
        let s = slots.map { row.slot($0) } + [nil, nil, nil]
        self.fields = (f[0], f[1], f[2])
        self.slots = (s[0], s[1], s[2])
    }
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

/// Codes of the distinct texts of a categorical column, looked up on the cell's bytes: a String
/// is made (with ``TableRow/field(_:)``'s trimming) only the first time a byte form is seen, so
/// the code of a cell is the code of its trimmed text.
struct CategoryInterner {
    /// The distinct trimmed texts, by code.
    private(set) var texts: [String] = []
    private var codeOfText: [String: Int32] = [:]
    /// Byte forms seen so far and their codes (−1: an empty cell).
    private var forms: [[UInt8]: Int32] = [:]

    /// The code of field `field` of `row`, −1 when the cell is empty.
    mutating func code(_ row: TableRow, field: Int) -> Int32 {
        guard field < row.reader.fieldCount else { return -1 }
        if let known = row.reader.withField(field, { bytes in forms.isEmpty ? nil : lookUp(bytes) }) { return known }
        let bytes = row.reader.withField(field) { Array($0) }
        let code: Int32
        if let text = row.field(field) {
            if let existing = codeOfText[text] {
                code = existing
            } else {
                code = Int32(texts.count)
                texts.append(text)
                codeOfText[text] = code
            }
        } else {
            code = -1
        }
        // A column of ids rather than categories would grow this without bound; it stays exact
        // (by the String path) past the cap.
        if forms.count < 4096 { forms[bytes] = code }
        return code
    }

    /// The code of a byte form seen before: a linear scan while there are few (the common case
    /// of a handful of categories), else a hash lookup.
    private func lookUp(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        if forms.count <= 16 {
            for (form, code) in forms where form.count == bytes.count && form.elementsEqual(bytes) { return code }
            return nil
        }
        return forms[Array(bytes)]
    }
}

/// Counting sort of a side file's rows by customer: the rows of the parts, taken in file order,
/// grouped by customer with file order kept within a customer (the compressed-sparse-row layout
/// of ``CustomerActivity``). One instance serves every column of the file.
struct CustomerGrouping {
    /// Row offsets, `customerCount + 1` entries: the rows of customer `c` are `start[c]..<start[c + 1]`.
    let start: [Int]
    /// For each grouped position, the row's index in file order (across the parts).
    let order: [Int]

    /// Groups the rows of `parts`, whose customer indexes (each `0..<customerCount`) `customer` gives.
    /// - Complexity: O(rows + customers).
    init<Part>(customerCount: Int, parts: [Part], customer: (Part) -> [Int32]) {
        var start = [Int](repeating: 0, count: customerCount + 1)
        var rows = 0
        for part in parts {
            let customers = customer(part)
            for c in customers { start[Int(c) + 1] += 1 }
            rows += customers.count
        }
        for k in 1..<start.count { start[k] += start[k - 1] }
        var next = start
        var order = [Int](repeating: 0, count: rows)
        var row = 0
        for part in parts {
            for c in customer(part) {
                order[next[Int(c)]] = row
                next[Int(c)] += 1
                row += 1
            }
        }
        self.start = start
        self.order = order
    }

    /// One column of the parts (one value per row, in file order) in grouped order.
    /// - Complexity: O(rows).
    func arrange<Part, Value>(_ parts: [Part], _ column: (Part) -> [Value]) -> [Value] {
        let values = parts.flatMap(column)
        return order.map { values[$0] }
    }
}
