import Foundation
import Testing
@testable import CustomerValue

/// The compiler of the lexicon trims and rewrites terms without Foundation's string bridging;
/// it must do exactly what Foundation did.
struct FeedbackMatcherTests {
    /// Terms with spaces of every kind at their ends and inside: tab, space, no-break space
    /// (U+00A0), ideographic space (U+3000), en quad (U+2000), all of Unicode category Zs or the
    /// tab; a line feed is not among them (CharacterSet.whitespaces leaves it).
    static let terms = [
        "refund", "  refund  ", "\trefund\t", "\u{3000}退款\u{3000}", "\u{00A0}can't\u{00A0}", "\u{2000}value for money ",
        "   ", "", "\u{3000}", "a", " a b ", "\nrefund\n", "\u{3000} \t deliver* \t", "é", " e\u{301} ",
    ]

    @Test(arguments: terms)
    func trimsAsFoundationsWhitespacesDo(term: String) {
        // Reference: Foundation's own trimming (the code this replaced).
        let expected = term.trimmingCharacters(in: .whitespaces)
        let trimmed = FeedbackMatcher.trimmedSpaces(term)
        #expect(Array(trimmed.utf8) == Array(expected.utf8))
    }

    @Test func replacesTheApostropheScalarByScalar() {
        // By hand: each U+0027 becomes U+2019, nothing else changes.
        #expect(FeedbackMatcher.replacing("'", with: "\u{2019}", in: "can't won't") == "can\u{2019}t won\u{2019}t")
        #expect(FeedbackMatcher.replacing("'", with: "\u{2019}", in: "退款") == "退款")
        #expect(Array(FeedbackMatcher.replacing("\u{2019}", with: "'", in: "didn\u{2019}t").utf8) == Array("didn't".utf8))
    }

    @Test func builtInLexiconStillTagsItsTerms() throws {
        // Terms of the built-in lexicon with spaces around, a prefix, an apostrophe variant and
        // a phrase holding a theme word (性价比高 carries price): each tags its theme.
        let analyzer = try FeedbackAnalyzer(lexicon: .builtIn)
        #expect(analyzer.analyze("Fast DELIVERY").themes.contains("delivery"))
        #expect(analyzer.analyze("it was delivered late").themes.contains("delivery"))
        #expect(analyzer.analyze("性价比高").themes.contains("price"))
        #expect(analyzer.analyze("I can\u{2019}t get a refund").escalate)
    }
}
