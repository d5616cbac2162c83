import Foundation
import Yams

/// A warning-rule file that cannot be used, with the file and line of the problem.
public struct WarningRuleError: SettingsFileError, Sendable, Hashable {
    /// What is wrong and what was expected.
    public var message: String
    /// The warning-rule file, when the error comes from one.
    public var file: String?
    /// The 1-based line in ``file``, when known.
    public var line: Int?

    /// An error with its message and, when from a file, the file and line.
    public init(_ message: String, file: String? = nil, line: Int? = nil) {
        self.message = message
        self.file = file
        self.line = line
    }
}

/// Reading warning rules from YAML:
/// ```yaml
/// window_days: 90            # optional: the default window of every rule
/// rules:                     # replaces the standard list
///   - metric: purchase_frequency_decline
///     threshold: 0.5         # optional: the metric's default
///     window_days: 90        # optional
///     severity: high         # low, medium or high; optional
///     name: frequency_drop   # optional: the metric's name
///     action: {en: "Call them", zh: "电话联系"}   # optional: the playbook's action
///   - metric: recency_over_median_gap
///     threshold: 2
/// ```
extension WarningRules {
    /// Reads the rules in the YAML file at `path`.
    /// - Throws: ``WarningRuleError`` naming the file and line of what is wrong.
    public static func load(path: String) throws -> WarningRules {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WarningRuleError("cannot read the rule file", file: path)
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw WarningRuleError("the rule file is not UTF-8 text; save it as UTF-8", file: path)
        }
        return try load(yaml: text, source: path)
    }

    /// Reads rules from YAML text (see the extension's comment).
    /// - Throws: ``WarningRuleError`` with the line of an unknown metric, key or bad value.
    public static func load(yaml: String, source: String? = nil) throws -> WarningRules {
        let file = source ?? "rule file"
        func fail(_ message: String, _ node: Node?) -> WarningRuleError {
            WarningRuleError(message, file: file, line: node?.mark?.line)
        }
        let root = try YAMLText.compose(yaml) { WarningRuleError($0, file: file, line: $1) }
        guard let root, let top = root.mapping else { throw fail("expected a mapping with a rules: list", root) }
        let topKeys: Set = ["window_days", "rules"]
        for (key, _) in top where !topKeys.contains(key.string ?? "") {
            throw fail("unknown key \"\(key.string ?? "?")\"; expected one of \(topKeys.sorted().joined(separator: ", "))", key)
        }
        func number(_ node: Node?, _ what: String) throws -> Double? {
            guard let node else { return nil }
            guard let text = node.scalar?.string, let v = Double(text), v.isFinite else { throw fail("\(what) must be a number", node) }
            return v
        }
        func days(_ node: Node?) throws -> Int? {
            guard let v = try number(node, "window_days") else { return nil }
            guard v >= 1, v == v.rounded(), v <= 100_000 else { throw fail("window_days must be a whole number of days ≥ 1", node) }
            return Int(v)
        }
        func text(_ node: Node?, _ what: String) throws -> String? {
            guard let node else { return nil }
            guard let s = node.scalar?.string else { throw fail("\(what) must be text", node) }
            return s
        }
        let defaultWindow = try days(top["window_days"]) ?? 90
        guard let list = top["rules"] else { throw fail("missing rules: (a list of rules, each with a metric:)", root) }
        guard let items = list.sequence else { throw fail("rules: must be a list", list) }
        let ruleKeys: Set = ["metric", "name", "threshold", "window_days", "severity", "action", "action_zh"]
        var rules: [WarningRule] = []
        for item in items {
            guard let map = item.mapping else { throw fail("each rule must be a mapping with a metric:", item) }
            for (key, _) in map where !ruleKeys.contains(key.string ?? "") {
                throw fail("unknown key \"\(key.string ?? "?")\" in a rule; expected one of \(ruleKeys.sorted().joined(separator: ", "))", key)
            }
            guard let metricNode = map["metric"], let metricName = try text(metricNode, "metric") else {
                throw fail("a rule needs a metric:", item)
            }
            guard let metric = WarningMetric(rawValue: metricName) else {
                throw fail("unknown metric \"\(metricName)\"; expected one of \(WarningMetric.allCases.map(\.rawValue).joined(separator: ", "))", metricNode)
            }
            var severity: AlertSeverity?
            if let node = map["severity"] {
                guard let name = try text(node, "severity"), let s = AlertSeverity(rawValue: name.lowercased()) else {
                    throw fail("severity must be low, medium or high", node)
                }
                severity = s
            }
            let threshold = try number(map["threshold"], "threshold")
            if let threshold, threshold < 0 { throw fail("threshold must not be negative", map["threshold"]) }
            var action: LocalizedText?
            if let node = map["action"] {
                if let m = node.mapping {
                    guard let en = try text(m["en"], "action.en") else { throw fail("action needs en: (and zh:)", node) }
                    action = LocalizedText(en: en, zh: try text(m["zh"], "action.zh"))
                } else {
                    action = LocalizedText(en: try text(node, "action") ?? "", zh: try text(map["action_zh"], "action_zh"))
                }
            }
            rules.append(WarningRule(metric: metric, name: try text(map["name"], "name"), threshold: threshold,
                                     windowDays: try days(map["window_days"]) ?? defaultWindow, severity: severity, action: action))
        }
        let names = rules.map(\.name)
        if let repeated = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw fail("two rules are named \"\(repeated)\"; give one a name:", list)
        }
        return WarningRules(rules: rules)
    }
}
