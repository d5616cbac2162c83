import Foundation
import Yams

/// Reading a user's lexicon from YAML. Every key is optional:
/// ```yaml
/// replace: false          # true: start from an empty lexicon instead of the built-in one
/// themes:
///   delivery:             # a built-in id: these terms are added to it
///     terms: [顺丰, 京东物流, courier]
///   packaging:            # a new id: a new theme
///     label_en: Packaging
///     label_zh: 包装
///     terms: [包装, 纸箱, box*]
/// sentiment: {给力: 1.2, 拉胯: -1, meh: -0.3}    # word: valence (replaces a built-in word's)
/// negators: [甭]
/// intensifiers: {贼: 1.6}                        # word: factor > 0
/// escalation: [黑猫投诉]
/// neutral: [不一定]
/// inability_negators: [办不了, "won't let me"]    # negators of ability: they keep the flag
/// receipt_verbs: [refunded back, 到手]           # a negator right before one keeps the flag
/// ```
/// `inability_negators` extends the built-in negators of ability (无法, 不能, 没法, 不了, 不让,
/// 不给, can't, cannot, couldn't, unable): each is also a negator (it flips a sentiment word in
/// its scope), but an escalation word in its scope still raises the flag (办不了退款 is a
/// complaint, 不想退款 is not). `receipt_verbs` extends the verbs of receiving or arriving
/// (received, got, arrived, 到账, ...): a negator at most one unit before one keeps the flag
/// ("haven't received my refund"). See ``FeedbackSentiment`` for the rules.
extension FeedbackLexicon {
    /// Reads the lexicon file at `path` and lays it over the built-in lexicon (or, with
    /// `replace: true`, uses it alone).
    /// - Throws: ``FeedbackLexiconError`` naming the file and line of what is wrong.
    public static func load(path: String) throws -> FeedbackLexicon {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FeedbackLexiconError("cannot read the lexicon file", file: path)
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw FeedbackLexiconError("the lexicon file is not UTF-8 text; save it as UTF-8", file: path)
        }
        let (user, replace) = try parse(yaml: text, source: path)
        return replace ? user : builtIn.merging(user)
    }

    /// Parses a lexicon YAML text (see the extension's comment).
    /// - Returns: the lexicon it describes, and whether it replaces the built-in one.
    /// - Throws: ``FeedbackLexiconError`` with the line of what is wrong.
    public static func parse(yaml: String, source: String? = nil) throws -> (lexicon: FeedbackLexicon, replace: Bool) {
        let file = source ?? "lexicon"
        func fail(_ message: String, _ node: Node?) -> FeedbackLexiconError {
            FeedbackLexiconError(message, file: file, line: node?.mark?.line)
        }
        let root = try YAMLText.compose(yaml) { FeedbackLexiconError($0, file: file, line: $1) }
        var lexicon = FeedbackLexicon(themes: [], sentiment: [:], negators: [], intensifiers: [:], escalation: [], neutral: [])
        guard let root else { return (lexicon, false) }
        guard let top = root.mapping else {
            throw fail("expected a mapping with any of themes:, sentiment:, negators:, intensifiers:, escalation:, neutral:, inability_negators:, receipt_verbs:", root)
        }
        let known: Set = ["replace", "themes", "sentiment", "negators", "intensifiers", "escalation", "neutral",
                          "inability_negators", "receipt_verbs"]
        for (key, _) in top where !known.contains(key.string ?? "") {
            throw fail("unknown key \"\(key.string ?? "?")\"; expected one of \(known.sorted().joined(separator: ", "))", key)
        }
        func term(_ node: Node, _ what: String) throws -> String {
            guard let s = node.scalar?.string, !s.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw fail("\(what): expected a word or phrase", node)
            }
            return s
        }
        func terms(_ node: Node?, _ what: String) throws -> [String] {
            guard let node else { return [] }
            if node.scalar != nil { return [try term(node, what)] }
            guard let items = node.sequence else { throw fail("\(what): expected a list of words, e.g. [物流, courier]", node) }
            return try items.map { try term($0, what) }
        }
        func weights(_ node: Node?, _ what: String, positive: Bool) throws -> [String: Double] {
            guard let node else { return [:] }
            guard let map = node.mapping else { throw fail("\(what): expected word: number pairs, e.g. {给力: 1.2}", node) }
            var result: [String: Double] = [:]
            for (key, value) in map {
                let word = try term(key, what)
                guard let number = value.scalar.flatMap({ Double($0.string) }), number.isFinite, !positive || number > 0 else {
                    throw fail("\(what): the weight of \"\(word)\" must be \(positive ? "a number > 0" : "a number"), got \"\(value.scalar?.string ?? "a non-scalar")\"", value)
                }
                result[word] = number
            }
            return result
        }
        var replace = false
        if let node = top["replace"] {
            guard let flag = node.scalar.flatMap({ Bool.construct(from: $0) }) else { throw fail("replace: expected true or false", node) }
            replace = flag
        }
        return (try parseBody(top, into: &lexicon, terms: terms, weights: weights, fail: fail), replace)
    }

    private static func parseBody(
        _ top: Node.Mapping, into lexicon: inout FeedbackLexicon,
        terms: (Node?, String) throws -> [String], weights: (Node?, String, Bool) throws -> [String: Double],
        fail: (String, Node?) -> FeedbackLexiconError
    ) throws -> FeedbackLexicon {
        if let node = top["themes"] {
            guard let map = node.mapping else { throw fail("themes: expected a mapping of theme id to its terms", node) }
            for (key, value) in map {
                guard let id = key.string, !id.isEmpty else { throw fail("themes: a theme id must be text", key) }
                let theme: FeedbackLexicon.Theme
                if value.sequence != nil {
                    theme = .init(id: id, labelEN: "", labelZH: "", terms: try terms(value, "themes.\(id)"))
                } else if let fields = value.mapping {
                    let allowed: Set = ["terms", "label_en", "label_zh"]
                    for (k, _) in fields where !allowed.contains(k.string ?? "") {
                        throw fail("themes.\(id): unknown key \"\(k.string ?? "?")\"; expected terms, label_en, label_zh", k)
                    }
                    guard fields["terms"] != nil else { throw fail("themes.\(id): needs terms: [...]", value) }
                    theme = .init(id: id, labelEN: fields["label_en"]?.string ?? "", labelZH: fields["label_zh"]?.string ?? "",
                                  terms: try terms(fields["terms"], "themes.\(id).terms"))
                } else {
                    throw fail("themes.\(id): expected terms: [...] (and optionally label_en, label_zh)", value)
                }
                lexicon.themes.append(theme)
            }
        }
        lexicon.sentiment = try weights(top["sentiment"], "sentiment", false)
        lexicon.intensifiers = try weights(top["intensifiers"], "intensifiers", true)
        lexicon.negators = try terms(top["negators"], "negators")
        lexicon.escalation = try terms(top["escalation"], "escalation")
        lexicon.neutral = try terms(top["neutral"], "neutral")
        lexicon.inabilityNegators = try terms(top["inability_negators"], "inability_negators")
        lexicon.receiptVerbs = try terms(top["receipt_verbs"], "receipt_verbs")
        // A new theme without labels is labelled by its id.
        for k in lexicon.themes.indices where lexicon.themes[k].labelEN.isEmpty && FeedbackLexicon.builtIn.themes.allSatisfy({ $0.id != lexicon.themes[k].id }) {
            lexicon.themes[k].labelEN = lexicon.themes[k].id
            if lexicon.themes[k].labelZH.isEmpty { lexicon.themes[k].labelZH = lexicon.themes[k].id }
        }
        return lexicon
    }
}
