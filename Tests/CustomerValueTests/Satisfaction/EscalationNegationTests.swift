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

    /// A user lexicon's negator of ability is recognised by its text.
    @Test func inabilityNegatorsAreMarkedInTheMatcher() throws {
        let matcher = Self.analyzer.matcher
        let cannot = try #require(FeedbackLexicon.builtIn.negators.first { $0 == "cannot" })
        #expect(FeedbackSentiment.inabilityNegators.contains(cannot))
        #expect(matcher.roles.contains { $0.negator && $0.inability })
        #expect(matcher.roles.contains { $0.negator && !$0.inability })
    }
}
