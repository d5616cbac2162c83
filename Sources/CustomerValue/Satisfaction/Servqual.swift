import Foundation
import Yams

/// A SERVQUAL configuration or data problem, with the file and line (or cell) concerned.
public struct ServqualError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var file: String
    public var line: Int?
    public init(_ message: String, file: String, line: Int? = nil) {
        self.message = message
        self.file = file
        self.line = line
    }
    public var description: String { "\(file)\(line.map { ": line \($0)" } ?? ""): \(message)" }
}

/// The mapping of SERVQUAL questionnaire items to dimensions and data columns.
///
/// SERVQUAL (Parasuraman, Zeithaml & Berry 1988, "SERVQUAL: A Multiple-Item Scale for Measuring
/// Consumer Perceptions of Service Quality", Journal of Retailing 64(1)) asks each item twice:
/// what the customer expects (E) and what they perceived (P), usually on a 1–7 scale; the gap
/// P − E is the service quality of the item (negative = below expectations). The standard 22
/// items fall in five dimensions: tangibles (4), reliability (5), responsiveness (4),
/// assurance (4) and empathy (5); any names and numbers of items are accepted here.
///
/// YAML:
/// ```yaml
/// scale: [1, 7]                 # optional, the answer scale (default 1..7)
/// dimensions:                   # in the order to report
///   tangibles:
///     importance: 0.2           # optional; all or none of the dimensions; default equal
///     items:
///       T1: {expectation: E_T1, perception: P_T1}   # item → its two column headers
///       T2: {expectation: E_T2, perception: P_T2}
///   reliability:
///     items: ...
/// ```
public struct ServqualModel: Sendable, Hashable, Codable {
    /// One questionnaire item: its name and the headers of its two columns.
    public struct Item: Sendable, Hashable, Codable {
        public var name: String
        public var expectation: String
        public var perception: String
        public init(name: String, expectation: String, perception: String) {
            self.name = name
            self.expectation = expectation
            self.perception = perception
        }
    }

    /// One dimension: its items and its importance (any positive number; normalised to sum 1).
    public struct Dimension: Sendable, Hashable, Codable {
        public var name: String
        public var importance: Double
        public var items: [Item]
        public init(name: String, importance: Double = 1, items: [Item]) {
            self.name = name
            self.importance = importance
            self.items = items
        }
    }

    public var dimensions: [Dimension]
    /// Lowest and highest answer.
    public var scale: ClosedRange<Double>

    /// The five standard dimension names, in the paper's order.
    public static let standardDimensions = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]

    /// A model from its parts.
    /// - Throws: ``ServqualError`` when a dimension has no items, an importance is not positive,
    ///   or the scale is empty.
    public init(dimensions: [Dimension], scale: ClosedRange<Double> = 1...7, source: String = "SERVQUAL config") throws {
        guard !dimensions.isEmpty else { throw ServqualError("no dimensions: expected dimensions: with items", file: source) }
        for d in dimensions {
            guard !d.items.isEmpty else { throw ServqualError("dimension \(d.name) has no items", file: source) }
            guard d.importance.isFinite, d.importance > 0 else {
                throw ServqualError("dimension \(d.name): importance must be a positive number, got \(d.importance)", file: source)
            }
        }
        guard scale.lowerBound < scale.upperBound else { throw ServqualError("scale must have its lowest answer below its highest", file: source) }
        self.dimensions = dimensions
        self.scale = scale
    }

    /// Reads the YAML configuration (see the type's comment).
    /// - Throws: ``ServqualError`` naming the line of what is wrong.
    public init(yaml: String, source: String = "SERVQUAL config") throws {
        func fail(_ message: String, _ node: Node?) -> ServqualError {
            ServqualError(message, file: source, line: node?.mark?.line)
        }
        let root = try YAMLText.compose(yaml) { ServqualError($0, file: source, line: $1) }
        guard let root, let top = root.mapping else { throw fail("expected a mapping with dimensions:", root) }
        for (key, _) in top where !["dimensions", "scale"].contains(key.string ?? "") {
            throw fail("unknown key \"\(key.string ?? "?")\"; expected dimensions or scale", key)
        }
        var scale: ClosedRange<Double> = 1...7
        if let node = top["scale"] {
            guard let pair = node.sequence, pair.count == 2, let low = pair[0].float, let high = pair[1].float, low < high else {
                throw fail("scale must be [lowest, highest], e.g. [1, 7]", node)
            }
            scale = low...high
        }
        guard let dimensionsNode = top["dimensions"], let dimensionMap = dimensionsNode.mapping else {
            throw fail("expected dimensions: a mapping of dimension name → items", top["dimensions"] ?? root)
        }
        var dimensions: [Dimension] = []
        var importanceGiven: [Bool] = []
        for (nameNode, body) in dimensionMap {
            guard let name = nameNode.string else { throw fail("a dimension name must be text", nameNode) }
            guard let map = body.mapping else { throw fail("dimension \(name): expected items: (and optionally importance:)", body) }
            for (key, _) in map where !["items", "importance"].contains(key.string ?? "") {
                throw fail("dimension \(name): unknown key \"\(key.string ?? "?")\"; expected items or importance", key)
            }
            var importance = 1.0
            if let node = map["importance"] {
                guard let value = node.float, value.isFinite, value > 0 else {
                    throw fail("dimension \(name): importance must be a positive number", node)
                }
                importance = value
            }
            importanceGiven.append(map["importance"] != nil)
            guard let itemsNode = map["items"], let itemMap = itemsNode.mapping, itemMap.count > 0 else {
                throw fail("dimension \(name): expected items: a mapping of item → {expectation: COLUMN, perception: COLUMN}", map["items"] ?? body)
            }
            var items: [Item] = []
            for (itemName, itemBody) in itemMap {
                guard let item = itemName.string else { throw fail("an item name must be text", itemName) }
                guard let columns = itemBody.mapping, let e = columns["expectation"]?.string, let p = columns["perception"]?.string else {
                    throw fail("item \(item): expected {expectation: COLUMN, perception: COLUMN}", itemBody)
                }
                items.append(Item(name: item, expectation: e, perception: p))
            }
            dimensions.append(Dimension(name: name, importance: importance, items: items))
        }
        if importanceGiven.contains(true) && importanceGiven.contains(false) {
            throw fail("give importance: for every dimension or for none (none = equal weights)", dimensionsNode)
        }
        try self.init(dimensions: dimensions, scale: scale, source: source)
    }

    /// The dimensions' importances normalised to sum 1.
    public var weights: [Double] {
        let total = dimensions.reduce(0) { $0 + $1.importance }
        return dimensions.map { $0.importance / total }
    }
}

/// The SERVQUAL gaps of a set of respondents.
public struct ServqualResult: Sendable, Codable {
    /// One item's mean expectation, perception and gap over the respondents who answered both.
    public struct ItemGap: Sendable, Hashable, Codable {
        public var dimension: String
        public var item: String
        /// Respondents who answered both questions of the item.
        public var n: Int
        public var expectation: Double?
        public var perception: Double?
        /// Mean of P − E (equal to perception − expectation over those respondents).
        public var gap: Double?
    }

    /// One dimension: the mean of its items' means, its weight and its rank by gap.
    public struct DimensionGap: Sendable, Hashable, Codable {
        public var dimension: String
        /// Items of the dimension with at least one answer.
        public var items: Int
        public var expectation: Double?
        public var perception: Double?
        /// Mean of the item gaps.
        public var gap: Double?
        /// Normalised importance (the dimensions' weights sum to 1).
        public var weight: Double
        /// 1 = the largest shortfall (most negative gap).
        public var rank: Int?
    }

    public var items: [ItemGap]
    /// Dimensions in the configuration's order.
    public var dimensions: [DimensionGap]
    /// Σ weight × dimension gap over the dimensions with a gap (weights renormalised over them).
    public var weightedGap: Double?
    /// The mean of the dimension gaps (equal weights).
    public var unweightedGap: Double?
    /// Dimension names from the largest shortfall to the largest surplus.
    public var ranking: [String]
    /// Respondent rows used.
    public var respondents: Int
    /// Rows rejected (a cell not a number or outside the scale), by reason.
    public var rejected: [String: Int]
    /// The first rejected rows, with file, line and column.
    public var examples: [RejectedRow]

    enum CodingKeys: String, CodingKey {
        case items, dimensions, ranking, respondents, rejected, examples
        case weightedGap = "weighted_gap", unweightedGap = "unweighted_gap"
    }
}

/// Computes SERVQUAL gaps from a file of one row per respondent.
public enum ServqualAnalysis {
    /// Reads `path` (a header naming the model's columns, then one row per respondent) and computes
    /// the gaps. A blank cell leaves that item out for the respondent; a cell that is not a number
    /// or lies outside the model's scale rejects the row (counted, and sent to `quarantine`).
    /// - Complexity: O(rows × items).
    /// - Throws: ``ServqualError`` when a configured column is missing; ``InputError`` when the
    ///   file cannot be read.
    public static func analyze(path: String, model: ServqualModel, quarantine: QuarantineSink? = nil) throws -> ServqualResult {
        let reader = try CSVReader(path: path)
        try reader.readHeader(expecting: "the item columns")
        let header = reader.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        func column(_ name: String) -> Int? {
            header.firstIndex(of: name) ?? header.firstIndex { $0.lowercased() == name.lowercased() }
        }
        let items = model.dimensions.flatMap { d in d.items.map { (d.name, $0) } }
        var missing: [String] = []
        var columns: [(e: Int, p: Int)] = []
        for (_, item) in items {
            let e = column(item.expectation), p = column(item.perception)
            if e == nil { missing.append(item.expectation) }
            if p == nil { missing.append(item.perception) }
            columns.append((e ?? -1, p ?? -1))
        }
        guard missing.isEmpty else {
            throw ServqualError("no column \(missing.joined(separator: ", ")) named in the config; the header has: \(header.joined(separator: ", "))",
                                file: path, line: 1)
        }
        var sumE = [Double](repeating: 0, count: items.count), sumP = sumE
        var counts = [Int](repeating: 0, count: items.count)
        var respondents = 0
        var rejected: [String: Int] = [:]
        var examples: [RejectedRow] = []
        func reject(_ key: String, _ reason: String, column: Int?) throws {
            rejected[key, default: 0] += 1
            let row = RejectedRow(file: path, line: reader.line, column: column.map { header[$0] }, reason: reason, raw: reader.rawRecord)
            if examples.count < 20 { examples.append(row) }
            try quarantine?.record(row)
        }
        var values = [(Double?, Double?)](repeating: (nil, nil), count: items.count)
        rows: while try reader.next() {
            if reader.isBlankLine { continue }
            if let malformation = reader.malformation {
                try reject("malformed_csv", "malformed CSV: \(malformation)", column: nil)
                continue
            }
            if reader.fieldCount != header.count {
                try reject("wrong_field_count", "expected \(header.count) fields as in the header, found \(reader.fieldCount)", column: nil)
                continue
            }
            for (k, (e, p)) in columns.enumerated() {
                var pair: [Double?] = [nil, nil]
                for (j, index) in [e, p].enumerated() {
                    let text = reader.string(index).trimmingCharacters(in: .whitespaces)
                    if text.isEmpty { continue }
                    guard let v = Double(text), v.isFinite else {
                        try reject("not_a_number", "\(header[index]) \"\(text)\" is not a number", column: index)
                        continue rows
                    }
                    guard model.scale.contains(v) else {
                        try reject("out_of_scale", "\(header[index]) \(text) is outside the scale \(NumberText.plain(model.scale.lowerBound))–\(NumberText.plain(model.scale.upperBound))", column: index)
                        continue rows
                    }
                    pair[j] = v
                }
                values[k] = (pair[0], pair[1])
            }
            respondents += 1
            for k in items.indices {
                if case (let e?, let p?) = values[k] {
                    sumE[k] += e
                    sumP[k] += p
                    counts[k] += 1
                }
            }
        }
        var itemGaps: [ServqualResult.ItemGap] = []
        for (k, (dimension, item)) in items.enumerated() {
            let n = counts[k]
            let e = n > 0 ? sumE[k] / Double(n) : nil, p = n > 0 ? sumP[k] / Double(n) : nil
            itemGaps.append(.init(dimension: dimension, item: item.name, n: n, expectation: e, perception: p,
                                  gap: n > 0 ? (sumP[k] - sumE[k]) / Double(n) : nil))
        }
        return result(items: itemGaps, model: model, respondents: respondents, rejected: rejected, examples: examples)
    }

    /// Dimension gaps, the weighted overall gap and the ranking from item gaps.
    static func result(items: [ServqualResult.ItemGap], model: ServqualModel, respondents: Int,
                       rejected: [String: Int], examples: [RejectedRow]) -> ServqualResult {
        let weights = model.weights
        var dimensions: [ServqualResult.DimensionGap] = []
        for (d, dimension) in model.dimensions.enumerated() {
            let answered = items.filter { $0.dimension == dimension.name && $0.gap != nil }
            func mean(_ key: KeyPath<ServqualResult.ItemGap, Double?>) -> Double? {
                answered.isEmpty ? nil : answered.compactMap { $0[keyPath: key] }.reduce(0, +) / Double(answered.count)
            }
            dimensions.append(.init(dimension: dimension.name, items: answered.count, expectation: mean(\.expectation),
                                    perception: mean(\.perception), gap: mean(\.gap), weight: weights[d], rank: nil))
        }
        let ranked = dimensions.indices.filter { dimensions[$0].gap != nil }
            .sorted { (dimensions[$0].gap ?? 0, $0) < (dimensions[$1].gap ?? 0, $1) }
        for (rank, d) in ranked.enumerated() { dimensions[d].rank = rank + 1 }
        let withGap = dimensions.filter { $0.gap != nil }
        let weightTotal = withGap.reduce(0) { $0 + $1.weight }
        let weighted = withGap.isEmpty ? nil : withGap.reduce(0) { $0 + $1.weight * ($1.gap ?? 0) } / weightTotal
        let unweighted = withGap.isEmpty ? nil : withGap.reduce(0) { $0 + ($1.gap ?? 0) } / Double(withGap.count)
        return ServqualResult(items: items, dimensions: dimensions, weightedGap: weighted, unweightedGap: unweighted,
                              ranking: ranked.map { dimensions[$0].dimension }, respondents: respondents,
                              rejected: rejected, examples: examples)
    }
}
