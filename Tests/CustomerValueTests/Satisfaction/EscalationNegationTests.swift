import Testing
@testable import CustomerValue

/// Escalation words in the scope of a negation. The comments were written for these tests, in
/// the style of survey comments and service tickets, each with what a customer-care team would
/// want: a customer saying they will not complain or cancel needs no escalation; a customer
/// asking for a refund, threatening to complain, or unable to cancel does.
struct EscalationNegationTests {
    static let analyzer: FeedbackAnalyzer = {
        do { return try FeedbackAnalyzer() } catch { preconditionFailure("built-in lexicon: \(error)") }
    }()

    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var escalate: Bool
        var testDescription: String { text }
    }

    static let cases: [Case] = [
        // Negated by the customer, in scope: no escalation.
        .init(text: "这次没有投诉，挺好的", escalate: false),
        .init(text: "东西还行，不想退款了", escalate: false),
        .init(text: "不会投诉的，放心", escalate: false),
        .init(text: "I'm not going to cancel, it works", escalate: false),
        .init(text: "I would never cancel this subscription", escalate: false),
        .init(text: "Not terrible at all", escalate: false),
        .init(text: "I don't want a refund, just a replacement", escalate: false),
        // Not negated: escalation.
        .init(text: "我要投诉", escalate: true),
        .init(text: "要投诉你们，太差了", escalate: true),
        .init(text: "I want a refund", escalate: true),
        .init(text: "Please cancel my account", escalate: true),
        // Double negation in one scope cancels: escalation.
        .init(text: "不是不想投诉，是没时间", escalate: true),
        .init(text: "It's not that I don't want to complain", escalate: true),
        // The negator is out of scope (a clause break, or more than three units away): escalation.
        .init(text: "没有人回复，我要投诉", escalate: true),
        .init(text: "没想到会这样，退款吧", escalate: true),
        .init(text: "Nobody answered. I will complain", escalate: true),
        .init(text: "I never thought that one day I would cancel", escalate: true),
        // Inability is no choice: escalation.
        .init(text: "无法退款，客服也不管", escalate: true),
        .init(text: "I can't cancel my subscription online", escalate: true),
        // A refund that did not come: escalation, though a negator comes first.
        .init(text: "还没退款，等了两周", escalate: true),
        .init(text: "商家不给退款", escalate: true),
        .init(text: "Still no refund after two weeks", escalate: true),
        // The escalation word before the negator is not in its scope.
        .init(text: "退款一直没有到账", escalate: true),
        // A refund that did not come, said with a negated verb of receipt: the negation is of
        // the receiving, not of the refund, so the customer is still owed it: escalation.
        .init(text: "I haven't received my refund", escalate: true),
        .init(text: "I still have not got my refund", escalate: true),
        .init(text: "Never got a refund for the broken kettle", escalate: true),
        .init(text: "We have not yet received the refund", escalate: true),
        .init(text: "Didn't get my refund", escalate: true),
        .init(text: "退款还没到", escalate: true),
        .init(text: "一直没收到退款", escalate: true),
        // The customer does not want or need a refund: the negation is of the wish: none.
        .init(text: "No need to refund, the replacement is fine", escalate: false),
        .init(text: "I don't want a refund", escalate: false),
        .init(text: "不需要退款，换一个就行", escalate: false),
        // A verb of receipt further from the negator is not what it negates ("didn't want"):
        // none.
        .init(text: "I didn't want to get refunded", escalate: false),
    ]

    @Test(arguments: cases) func escalation(_ c: Case) {
        #expect(Self.analyzer.analyze(c.text).escalate == c.escalate)
    }

    /// Negating an escalation word leaves its sentiment rules as they were: 没有投诉 flips 投诉
    /// (−1) to −0.75 × −1 = +0.75 → 0.75/√(0.75² + 1) = 0.6.
    @Test func negatedEscalationWordKeepsTheSentimentRule() {
        let result = Self.analyzer.analyze("没有投诉")
        #expect(!result.escalate)
        #expect(abs(result.sentiment - 0.6) < 1e-12)
    }

    /// The refund phrases keep the billing theme of 退款 / refund inside them.
    @Test func refundPhrasesKeepTheBillingTheme() {
        #expect(Self.analyzer.analyze("商家不给退款").themes == ["billing"])
        #expect(Self.analyzer.analyze("no refund yet").themes == ["billing"])
    }

    /// A negator of ability is recognised by its text, whether or not `negators` lists it.
    @Test func inabilityNegatorsAreMarkedInTheMatcher() throws {
        let matcher = Self.analyzer.matcher
        let cannot = try #require(FeedbackLexicon.builtIn.negators.first { $0 == "cannot" })
        #expect(FeedbackSentiment.inabilityNegators.contains(cannot))
        #expect(matcher.roles.contains { $0.negator && $0.inability })
        #expect(matcher.roles.contains { $0.negator && !$0.inability })
        // "unable" is listed only as a negator of ability, and negates: "unable to recommend"
        // is −0.75 × 1 → −0.75/√(0.75² + 1) = −0.6.
        #expect(!FeedbackLexicon.builtIn.negators.contains("unable"))
        #expect(abs(Self.analyzer.analyze("unable to recommend").sentiment + 0.6) < 1e-12)
    }

    /// A refund that did not come is negative, whatever negates it. "haven't received my
    /// refund": refund keeps its valence −0.5 and the negator adds −0.5 (a thing that did not
    /// happen): S = −1, −1/√2. The same for 无法退款 (退款 −0.5, 无法 −0.5). "I don't want a
    /// refund" flips the refund instead: −0.75 × −0.5 = 0.375 → 0.375/√(0.375² + 1) ≈ 0.3511.
    @Test func refundNotReceivedIsNegative() {
        let half = -1 / 2.0.squareRoot()
        #expect(abs(Self.analyzer.analyze("haven't received my refund").sentiment - half) < 1e-12)
        #expect(abs(Self.analyzer.analyze("无法退款").sentiment - half) < 1e-12)
        #expect(abs(Self.analyzer.analyze("I don't want a refund").sentiment - 0.375 / (0.375 * 0.375 + 1).squareRoot()) < 1e-12)
    }

    /// A verb of receipt leaves the scope of a negator as it was when it was a plain word:
    /// "not get it" is a negator reaching no sentiment word (−0.5 → −0.5/√1.25 ≈ −0.4472), and
    /// "didn't get to see any good" has four units between "didn't" and "good": out of scope,
    /// so good (+1) and the dangling negator (−0.5) add to 0.5 → 0.5/√1.25 ≈ 0.4472.
    @Test func receiptVerbsDoNotChangeTheScope() {
        let dangling = -0.5 / 1.25.squareRoot()
        #expect(abs(Self.analyzer.analyze("did not get it").sentiment - dangling) < 1e-12)
        #expect(abs(Self.analyzer.analyze("didn't get to see any good").sentiment + dangling) < 1e-12)
    }
}
