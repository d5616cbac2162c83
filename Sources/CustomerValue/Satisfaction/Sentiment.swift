/// The themes, sentiment and escalation flag of one text, in compact form (themes as a bit set
/// over the lexicon's themes).
public struct TextScore: Sendable, Hashable {
    /// Bit k set: the text mentions theme k of the lexicon.
    public var themes: UInt64
    /// Sentiment in (−1, 1); 0 when the text has no sentiment word.
    public var sentiment: Double
    /// The text holds an escalation word.
    public var escalate: Bool
}

/// Lexicon-based sentiment with negation and intensifiers, a pure function of the text and the
/// lexicon.
///
/// The rules, applied to the leftmost-longest lexicon terms of the text in order (see
/// ``FeedbackMatcher``):
/// - A sentiment word of valence v contributes v × f, f the product of the intensifiers in its
///   scope (很 1.5, very 1.5, 有点 0.7); 很满意 = 1.5, 太贵 = −1.2.
/// - A negator in its scope flips and dampens it: −0.75 v, intensifiers ignored (不满意 ≈ 不 满意
///   = −0.75, not very good = −0.75; VADER's negation scalar is −0.74). Two negators in one
///   scope cancel (不是不好 = 好).
/// - Scope: a negator or intensifier applies to the next sentiment word when at most
///   ``scopeUnits`` units of text lie between them (a unit is a Chinese character, an emoji or an
///   English word; spaces and theme or neutral words in between do not count) and no clause punctuation
///   (, . ! ? ; : ， 。 ！ ？ ； ： 、 or a line break) does. So 不太满意 and "not at all happy" are
///   negated, 不，很满意 is not.
/// - A negator that reaches no sentiment word is itself −0.5: a thing that did not happen is
///   a complaint in feedback ("never arrived", 还没到, "no one answered"). Neutral lexicon phrases
///   hide negators that are not negations (有没有, 不过, "nothing special").
/// - Phrases whose negation is idiomatic are lexicon words of their own: 不错 +1, 没问题 +0.6,
///   不满意 −1.2 (leftmost-longest matching takes them whole).
/// - An escalation word raises the flag unless a negator has it in its scope (the same scope as
///   for sentiment words): 没有投诉, 不想退款, "not going to cancel" are a customer choosing not to
///   escalate; 要投诉, "I want a refund" escalate. Two negators in one scope cancel (不是不想投诉
///   escalates), and a negator out of scope (past a clause break or more than ``scopeUnits``
///   units away) does not count. Negators of ability or permission (``inabilityNegators``: 无法,
///   不能, can't, ...) keep the flag: "can't cancel", 无法退款 are reasons to escalate. A refund
///   that did not come is a complaint, not a choice: phrases such as 不给退款, 还没退款, "no
///   refund" are escalation words of their own in the built-in lexicon (leftmost-longest
///   matching takes them whole), as "no complaints" is a phrase without the flag. A negator
///   right before a verb of receipt (``FeedbackLexicon/receiptVerbs``: received, got, ...;
///   at most ``receiptReach`` unit between) is a thing that did not come, and keeps the flag
///   too: "haven't received my refund", "never got a refund" escalate, "don't want a refund",
///   "no need to refund", 不需要退款 do not. When a negator that keeps the flag reaches an
///   escalation word with a valence (退款, refund), the word keeps its own valence and the
///   negator adds −0.5 as a thing that did not happen (无法退款 is negative, not a flipped
///   complaint).
///
/// The text's score is S / √(S² + 1), S the sum of contributions: the normalisation of VADER
/// (Hutto & Gilbert 2014, "VADER: a parsimonious rule-based model for sentiment analysis of
/// social media text", ICWSM) with α = 1 for valences on a ±1 scale (VADER's α = 15 is for a ±4
/// scale). One plain word scores ±0.71, two ±0.89; the score is 0 without sentiment words.
public enum FeedbackSentiment {
    /// Units of text a negator or intensifier reaches across.
    public static let scopeUnits = 3
    /// Factor of a negated sentiment word.
    public static let negationFactor = -0.75
    /// Contribution of a negator that reaches no sentiment word.
    public static let danglingNegation = -0.5
    /// The built-in negators of ability or permission (``FeedbackLexicon/inabilityNegators`` of
    /// ``FeedbackLexicon/builtIn``): they do not cancel an escalation word in their scope. A
    /// lexicon file adds more under `inability_negators:`.
    public static var inabilityNegators: Set<String> { Set(FeedbackLexicon.builtIn.inabilityNegators) }
    /// Units of text at most between a negator and a verb of receipt for the negation to be
    /// the verb's ("haven't yet received" is; "didn't want to get" is not).
    public static let receiptReach = 1

    /// Scores the terms `matches` found in `text` by `matcher`.
    /// - Complexity: O(matches + bytes between them).
    public static func score(text: UnsafeBufferPointer<UInt8>, matches: [FeedbackMatcher.Match],
                             matcher: FeedbackMatcher) -> TextScore {
        var themes: UInt64 = 0
        var sum = 0.0
        var escalate = false
        var negatorEnd = -1  // end of the pending negator, -1 when none
        // The pending negator keeps an escalation word: one of ability, or one of receipt.
        var negatorKeepsEscalation = false
        var intensity = 1.0
        var intensityEnd = -1
        for match in matches {
            let roles = matcher.roles[Int(match.pattern)]
            themes |= roles.themes
            let start = Int(match.start)
            if negatorEnd >= 0 && !inScope(text, from: negatorEnd, to: start) {
                sum += danglingNegation
                negatorEnd = -1
            }
            if intensityEnd >= 0 && !inScope(text, from: intensityEnd, to: start) {
                intensity = 1
                intensityEnd = -1
            }
            let negated = negatorEnd >= 0
            if roles.receipt {
                // "haven't received", "never got": what did not come is a complaint.
                if negated && inScope(text, from: negatorEnd, to: start, units: receiptReach) { negatorKeepsEscalation = true }
                // A verb of receipt and nothing else leaves the scope as a plain word did.
                if roles == FeedbackMatcher.Roles(receipt: true) { continue }
            }
            if roles.sentiment != 0 {
                if negated && negatorKeepsEscalation && roles.escalation {
                    // The negation is of ability or receipt, not of the word: 无法退款, "haven't
                    // received my refund" keep the word's own valence, and the negator counts
                    // as a thing that did not happen.
                    sum += roles.sentiment * intensity + danglingNegation
                } else {
                    sum += negated ? negationFactor * roles.sentiment : roles.sentiment * intensity
                }
                negatorEnd = -1
                intensity = 1
                intensityEnd = -1
            }
            if roles.escalation && (!negated || negatorKeepsEscalation) { escalate = true }
            if roles.intensity != 1 {
                intensity *= roles.intensity
                intensityEnd = Int(match.end)
            }
            if roles.negator && roles.sentiment == 0 {
                // A second negator in scope cancels the first (double negation).
                negatorEnd = negated ? -1 : Int(match.end)
                negatorKeepsEscalation = roles.inability
            } else if negated && roles.sentiment == 0 && roles.intensity == 1 {
                // A theme or neutral word between a negator and its sentiment word does not count
                // against the scope ("not happy" and "not the delivery I hoped" alike).
                negatorEnd = Int(match.end)
            }
        }
        if negatorEnd >= 0 { sum += danglingNegation }
        return TextScore(themes: themes, sentiment: sum / (sum * sum + 1).squareRoot(), escalate: escalate)
    }

    /// Whether `from..<to` of `text` holds at most `limit` units and no clause punctuation.
    @inline(__always)
    static func inScope(_ text: UnsafeBufferPointer<UInt8>, from: Int, to: Int, units limit: Int = scopeUnits) -> Bool {
        var units = 0
        var i = from
        var inWord = false
        while i < to {
            let b = text[i]
            if b < 0x80 {
                switch b {
                case 0x2C, 0x2E, 0x21, 0x3F, 0x3B, 0x3A, 0x0A, 0x0D: return false
                default:
                    if FeedbackMatcher.isWordByte(b) || b == 0x27 {
                        if !inWord { units += 1; inWord = true }
                    } else {
                        inWord = false
                    }
                }
                i += 1
                continue
            }
            inWord = false
            if b >= 0xC0 {
                // Clause punctuation: ， ！ ？ ； ： (EF BC 8C/81/9F/9B/9A), 。 、 (E3 80 82/81).
                if i + 2 < text.count {
                    let b1 = text[i + 1], b2 = text[i + 2]
                    if b == 0xEF && b1 == 0xBC && (b2 == 0x8C || b2 == 0x81 || b2 == 0x9F || b2 == 0x9B || b2 == 0x9A) { return false }
                    if b == 0xE3 && b1 == 0x80 && (b2 == 0x82 || b2 == 0x81) { return false }
                }
                units += 1
            }
            i += 1
        }
        return units <= limit
    }
}
