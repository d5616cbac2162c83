import Foundation
import Yams

/// Reading a user's segment table from a YAML or CSV file.
///
/// CSV: a header, then one segment a row, first match first. Columns (by name, any order):
/// `name`, `r`, `f`, `m` (also `segment`, `recency`, `frequency`, `monetary`), and optionally
/// `name_zh`, `action`, `action_zh`. A range is `low-high` (`4-5`, also `4..5`, `4~5`) or one
/// score (`1`); the ranges are in the bins in use (1…k).
///
/// YAML:
/// ```yaml
/// name: my segments        # optional
/// basis: scores            # or mean (1 = low, 2 = high against the mean); default scores
/// scale: 5                 # optional: ranges written for 1..5 (other bins are mapped onto it)
/// segments:                # first match wins
///   - name: Champions
///     name_zh: 冠军客户
///     r: 4-5               # or [4, 5], or 4; for basis mean also high / low
///     f: 4-5
///     m: 4-5
///     action: Reward them  # or {en: ..., zh: ...}
///     action_zh: 给予回馈
/// others: {name: Others, name_zh: 其他客户, action: ...}   # optional
/// playbook:                # optional: replace standard actions
///   tiers: {high_value: ..., potential: ..., general: ..., churn_risk: ...}
///   value_matrix: {best: ..., spenders: ..., frequent: ..., uncertain: ...}
///   abc: {A: ..., B: ..., C: ...}
///   segments: {Champions: ...}   # actions of the table's segments by name
/// ```
/// Instead of `segments:`, `table: default` or `table: cn8` starts from a built-in table, so that
/// a file can change only actions.
extension SegmentTable {
    /// Reads the segment table in `path`: YAML for `.yaml` / `.yml`, CSV otherwise.
    /// - Throws: ``SegmentationError`` naming the file and line of what is wrong, or
    ///   ``InputError`` when a CSV file cannot be read.
    public static func load(path: String) throws -> SegmentTable {
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "yaml" || ext == "yml" {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SegmentationError("cannot read the segment file", file: path)
            }
            var bytes = [UInt8](data)
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw SegmentationError("the segment file is not UTF-8 text; save it as UTF-8", file: path)
            }
            return try SegmentTable(yaml: text, source: path)
        }
        return try SegmentTable(csvPath: path)
    }

    // MARK: CSV

    /// Reads a CSV segment table (see the extension's comment for the columns).
    /// - Throws: ``SegmentationError`` with the line of a malformed row.
    public init(csvPath path: String) throws {
        let reader = try CSVReader(path: path)
        guard try reader.nextHeader() else { throw SegmentationError("has no header row (it is empty or holds only blank lines)", file: path) }
        let header = reader.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func column(_ names: String...) -> Int? { header.firstIndex { names.contains($0) } }
        guard let name = column("name", "segment", "name_en"), let r = column("r", "recency", "r_score", "recency_score"),
              let f = column("f", "frequency", "f_score", "frequency_score"),
              let m = column("m", "monetary", "m_score", "monetary_score")
        else {
            throw SegmentationError("the header needs the columns name, r, f and m; got \(header.joined(separator: ","))", file: path, line: reader.line)
        }
        let nameZH = column("name_zh", "zh", "中文名")
        let action = column("action", "action_en")
        let actionZH = column("action_zh")
        var segments: [Segment] = []
        while try reader.next() {
            if reader.isBlankLine { continue }
            let line = reader.line
            if let malformation = reader.malformation {
                throw SegmentationError("malformed CSV row: \(malformation)", file: path, line: line)
            }
            func field(_ k: Int?) -> String? {
                guard let k, k < reader.fieldCount else { return nil }
                let text = reader.string(k).trimmingCharacters(in: .whitespaces)
                return text.isEmpty ? nil : text
            }
            guard let segmentName = field(name) else {
                throw SegmentationError("the segment has no name", file: path, line: line)
            }
            func range(_ k: Int, _ dimension: String) throws -> ScoreRange {
                guard let text = field(k) else {
                    throw SegmentationError("segment \"\(segmentName)\": the \(dimension) range is missing; expected low-high, e.g. 4-5", file: path, line: line)
                }
                return try Self.parseRange(text, dimension: dimension, segment: segmentName, basis: .scores, file: path, line: line)
            }
            let actionText = field(action).map { LocalizedText(en: $0, zh: field(actionZH)) }
            segments.append(Segment(
                name: LocalizedText(en: segmentName, zh: field(nameZH)), recency: try range(r, "R"),
                frequency: try range(f, "F"), monetary: try range(m, "M"), action: actionText, line: line))
        }
        try self.init(name: path, basis: .scores, scale: nil, segments: segments, source: path)
    }

    /// Parses `4-5`, `4..5`, `4~5`, `4` (and for the mean basis `high` / `low`).
    static func parseRange(_ text: String, dimension: String, segment: String, basis: Basis,
                           file: String?, line: Int?) throws -> ScoreRange {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if basis == .mean {
            switch t {
            case "high", "高": return ScoreRange(2)
            case "low", "低": return ScoreRange(1)
            case "any", "*": return ScoreRange(1, 2)
            default: break
            }
        }
        let parts: [Substring]
        if let dots = t.range(of: "..") {
            parts = [t[..<dots.lowerBound], t[dots.upperBound...]]
        } else {
            parts = t.split(omittingEmptySubsequences: false) { $0 == "-" || $0 == "–" || $0 == "~" || $0 == "～" }
        }
        let numbers = parts.map { Int($0.trimmingCharacters(in: .whitespaces)) }
        let expected = basis == .mean ? "low-high with 1 ≤ low ≤ high ≤ 2, or high / low" : "low-high with 1 ≤ low ≤ high, e.g. 4-5, or one score"
        guard (1...2).contains(numbers.count), let lower = numbers.first ?? nil, let upper = numbers.last ?? nil,
              lower >= 1, lower <= upper else {
            throw SegmentationError("segment \"\(segment)\": \(dimension) range \"\(text)\" is malformed: expected \(expected)", file: file, line: line)
        }
        return ScoreRange(lower, upper)
    }

    // MARK: YAML

    /// Reads a YAML segment table (see the extension's comment for its keys).
    /// - Parameters:
    ///   - yaml: the text.
    ///   - source: the file it came from, for messages.
    /// - Throws: ``SegmentationError`` with the line of what is wrong.
    public init(yaml: String, source: String? = nil) throws {
        let file = source ?? "segment table"
        func fail(_ message: String, _ node: Node?) -> SegmentationError {
            SegmentationError(message, file: file, line: node?.mark?.line)
        }
        let root = try YAMLText.compose(yaml) { SegmentationError($0, file: file, line: $1) }
        guard let root, let top = root.mapping else {
            throw fail("expected a mapping with a segments: list (or table: default|cn8)", root)
        }
        let known: Set = ["name", "basis", "scale", "table", "segments", "others", "playbook"]
        for (key, _) in top where !known.contains(key.string ?? "") {
            throw fail("unknown key \"\(key.string ?? "?")\"; expected one of \(known.sorted().joined(separator: ", "))", key)
        }
        func text(_ node: Node?, _ what: String) throws -> String? {
            guard let node else { return nil }
            guard let s = node.scalar?.string else { throw fail("\(what) must be text", node) }
            return s
        }
        func action(_ node: Node?, zh zhNode: Node?, _ what: String) throws -> LocalizedText? {
            guard let node else { return nil }
            if let map = node.mapping {
                guard let en = try text(map["en"], "\(what).en") else { throw fail("\(what) needs en: (and zh:)", node) }
                return LocalizedText(en: en, zh: try text(map["zh"], "\(what).zh") ?? text(zhNode, "\(what)_zh"))
            }
            guard let en = try text(node, what) else { return nil }
            return LocalizedText(en: en, zh: try text(zhNode, "\(what)_zh"))
        }

        var table: SegmentTable
        if let builtInNode = top["table"] {
            let name = try text(builtInNode, "table") ?? ""
            guard let builtIn = SegmentTable.builtIn(name) else {
                throw fail("table: \(name) is not a built-in table; expected default or cn8", builtInNode)
            }
            if let segmentsNode = top["segments"] {
                throw fail("give either table: (a built-in table) or segments:, not both", segmentsNode)
            }
            table = builtIn
            table.source = source
        } else {
            var basis = Basis.scores
            if let basisNode = top["basis"] {
                guard let b = try text(basisNode, "basis").flatMap({ Basis(rawValue: $0.lowercased()) }) else {
                    throw fail("basis must be scores or mean", basisNode)
                }
                basis = b
            }
            var scale: Int?
            if let scaleNode = top["scale"] {
                guard let s = scaleNode.int else { throw fail("scale must be a whole number from 2 to 10", scaleNode) }
                scale = s
            }
            guard let segmentsNode = top["segments"], let list = segmentsNode.sequence else {
                throw fail("segments: must be a list of segments (name, r, f, m)", top["segments"] ?? root)
            }
            var segments: [Segment] = []
            let segmentKeys: Set = ["name", "name_zh", "r", "f", "m", "action", "action_zh"]
            for item in list {
                guard let map = item.mapping else { throw fail("each segment must be a mapping with name, r, f and m", item) }
                for (key, _) in map where !segmentKeys.contains(key.string ?? "") {
                    throw fail("unknown segment key \"\(key.string ?? "?")\"; expected one of \(segmentKeys.sorted().joined(separator: ", "))", key)
                }
                guard let name = try text(map["name"], "name"), !name.isEmpty else {
                    throw fail("the segment has no name", item)
                }
                func range(_ key: String, _ dimension: String) throws -> ScoreRange {
                    guard let node = map[key] else {
                        throw fail("segment \"\(name)\": the \(dimension) range (\(key):) is missing", item)
                    }
                    let line = node.mark?.line ?? item.mark?.line
                    if let pair = node.sequence {
                        let values = pair.map(\.int)
                        guard values.count == 2, let lower = values[0], let upper = values[1], lower >= 1, lower <= upper else {
                            throw SegmentationError(
                                "segment \"\(name)\": \(dimension) range is malformed: expected [low, high] with 1 ≤ low ≤ high",
                                file: file, line: line)
                        }
                        return ScoreRange(lower, upper)
                    }
                    guard let scalar = node.scalar?.string else {
                        throw SegmentationError("segment \"\(name)\": \(dimension) range is malformed: expected low-high", file: file, line: line)
                    }
                    return try Self.parseRange(scalar, dimension: dimension, segment: name, basis: basis, file: file, line: line)
                }
                segments.append(Segment(
                    name: LocalizedText(en: name, zh: try text(map["name_zh"], "name_zh")),
                    recency: try range("r", "R"), frequency: try range("f", "F"), monetary: try range("m", "M"),
                    action: try action(map["action"], zh: map["action_zh"], "action"), line: item.mark?.line))
            }
            table = SegmentTable(unchecked: try text(top["name"], "name") ?? source ?? "custom", basis: basis,
                                 scale: basis == .mean ? 2 : scale, segments: segments, others: Self.defaultOthers,
                                 source: source)
        }
        if let name = try text(top["name"], "name") { table.name = name }
        if let othersNode = top["others"] {
            guard let map = othersNode.mapping else { throw fail("others: must be a mapping (name, name_zh, action)", othersNode) }
            if let name = try text(map["name"], "others name") {
                table.others.name = LocalizedText(en: name, zh: try text(map["name_zh"], "others name_zh"))
            }
            if let a = try action(map["action"], zh: map["action_zh"], "others action") { table.others.action = a }
        }
        if let playbookNode = top["playbook"] {
            guard let map = playbookNode.mapping else { throw fail("playbook: must be a mapping (tiers, value_matrix, abc, segments)", playbookNode) }
            func actions(_ key: String, allowed: Set<String>?) throws -> [String: LocalizedText] {
                guard let node = map[key] else { return [:] }
                guard let entries = node.mapping else { throw fail("playbook \(key): must be a mapping of name: action", node) }
                var out: [String: LocalizedText] = [:]
                for (k, v) in entries {
                    guard let name = k.string else { throw fail("playbook \(key): expected a name", k) }
                    if let allowed, !allowed.contains(name) {
                        throw fail("playbook \(key): unknown \"\(name)\"; expected one of \(allowed.sorted().joined(separator: ", "))", k)
                    }
                    out[name] = try action(v, zh: nil, "playbook \(key).\(name)")
                }
                return out
            }
            for (key, _) in map where !["tiers", "value_matrix", "abc", "segments"].contains(key.string ?? "") {
                throw fail("unknown playbook key \"\(key.string ?? "?")\"; expected tiers, value_matrix, abc or segments", key)
            }
            table.playbook = Playbook(
                tiers: try actions("tiers", allowed: ["high_value", "potential", "general", "churn_risk"]),
                valueMatrix: try actions("value_matrix", allowed: Set(ValueMatrix.Cell.allCases.map(\.rawValue))),
                abc: try actions("abc", allowed: nil))
            let segmentActions = try actions("segments", allowed: Set(table.segments.map(\.name.en) + [table.others.name.en]))
            for (name, a) in segmentActions {
                if name == table.others.name.en { table.others.action = a }
                for k in table.segments.indices where table.segments[k].name.en == name { table.segments[k].action = a }
            }
        }
        try table.validate()
        self = table
    }
}
