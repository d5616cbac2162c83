import Foundation
import Testing
@testable import CustomerValue

/// A comment of the hand-written test set with what a reader expects of it: its themes, the sign
/// of its sentiment (−1, 0, +1) and whether it should be escalated. The comments were written
/// for these tests in the style of CRM survey comments and service tickets.
struct FeedbackCase: Sendable, CustomTestStringConvertible {
    var text: String
    var themes: Set<String>
    var sign: Int
    var escalate = false
    var testDescription: String { text.isEmpty ? "(empty)" : text }
}

struct FeedbackLexiconTests {
    static let analyzer: FeedbackAnalyzer = {
        do { return try FeedbackAnalyzer() } catch { preconditionFailure("built-in lexicon: \(error)") }
    }()

    static let chinese: [FeedbackCase] = [
        .init(text: "物流太慢了，等了一个星期还没到", themes: ["delivery", "waiting"], sign: -1),
        .init(text: "快递员态度很好，送货很及时", themes: ["delivery", "service"], sign: 1),
        .init(text: "价格太贵了，性价比不高", themes: ["price"], sign: -1),
        .init(text: "性价比高，很划算", themes: ["price"], sign: 1),
        .init(text: "质量很好，做工精细", themes: ["quality"], sign: 1),
        .init(text: "收到的商品有破损，包装也坏了", themes: ["quality"], sign: -1),
        .init(text: "客服态度恶劣，问题一直没解决", themes: ["service"], sign: -1),
        .init(text: "客服很耐心，问题很快解决了", themes: ["service"], sign: 1),
        .init(text: "排队等了很久，太浪费时间", themes: ["waiting"], sign: -1),
        .init(text: "尺码偏小，穿着不合适", themes: ["product_fit"], sign: -1),
        .init(text: "重复扣费，我要投诉并要求退款", themes: ["billing"], sign: -1, escalate: true),
        .init(text: "发票已经收到了，谢谢", themes: ["billing"], sign: 1),
        .init(text: "不满意，非常失望", themes: [], sign: -1),
        .init(text: "非常满意，下次还会再来", themes: [], sign: 1),
        .init(text: "没问题，物流很快", themes: ["delivery"], sign: 1),
        // 不太 is a negator: not "very satisfied" but "not satisfied".
        .init(text: "不太满意这次的服务", themes: ["service"], sign: -1),
        // Mixed: 不错 (+1) outweighs 有点慢 (0.7 × −0.8).
        .init(text: "东西不错，就是快递有点慢", themes: ["delivery", "waiting"], sign: 1),
        // Double negation: 不是不好 = 好 (+0.8) outweighs 有点贵 (−0.56).
        .init(text: "不是不好，只是价格有点贵", themes: ["price"], sign: 1),
        .init(text: "太贵了，不值这个价", themes: ["price"], sign: -1),
        .init(text: "再也不买了，垃圾", themes: [], sign: -1),
        .init(text: "我要去12315投诉你们", themes: [], sign: -1, escalate: true),
        .init(text: "退款一直没有到账", themes: ["billing"], sign: -1, escalate: true),
        .init(text: "自动续费没有经过我同意", themes: ["billing"], sign: -1),
        .init(text: "客服回复很及时，点赞👍", themes: ["service"], sign: 1),
        .init(text: "😡😡 快递送错地址了", themes: ["delivery"], sign: -1),
        .init(text: "", themes: [], sign: 0),
        .init(text: "一般般", themes: [], sign: 0),
        // Neutral: 没有特别 is "nothing special", not a negation; 还可以 is faint praise.
        .init(text: "没有特别的感觉", themes: [], sign: 0),
        .init(text: "价格还可以", themes: ["price"], sign: 1),
        // 有没有 is a question, not a negation (a neutral phrase hides 没有).
        .init(text: "有没有优惠券？", themes: ["price"], sign: 0),
        .init(text: "没有问题，很满意", themes: [], sign: 1),
        .init(text: "手机型号不兼容，功能也不全", themes: ["product_fit"], sign: -1),
        .init(text: "包装破损了，很生气，要求赔偿", themes: ["quality"], sign: -1, escalate: true),
        .init(text: "服务很专业，下次还会回购", themes: ["service"], sign: 1),
        .init(text: "等待时间太长了", themes: ["waiting"], sign: -1),
        // 没得说 is praise, whatever its 没.
        .init(text: "质量没得说，物流也快", themes: ["quality", "delivery"], sign: 1),
        .init(text: "客服不理人，打电话也没人接", themes: ["service", "waiting"], sign: -1),
        // The clause break stops 不: 很满意 is not negated.
        .init(text: "一点也不，很满意", themes: [], sign: 1),
    ]

    static let english: [FeedbackCase] = [
        .init(text: "Delivery is too slow, still waiting after a week", themes: ["delivery", "waiting"], sign: -1),
        .init(text: "The courier lost my package", themes: ["delivery"], sign: -1),
        .init(text: "Too expensive for what it is", themes: ["price"], sign: -1),
        .init(text: "Great value for money, highly recommend", themes: ["price"], sign: 1),
        .init(text: "Poor quality, broke after two days", themes: ["quality"], sign: -1),
        .init(text: "Support agent was rude", themes: ["service"], sign: -1),
        .init(text: "The support team was very helpful", themes: ["service"], sign: 1),
        .init(text: "Waited on hold for 40 minutes", themes: ["waiting"], sign: -1),
        .init(text: "I was charged twice, please refund", themes: ["billing"], sign: -1, escalate: true),
        .init(text: "The invoice amount is wrong", themes: ["billing"], sign: -1),
        .init(text: "Not as described, the size is too small", themes: ["product_fit"], sign: -1),
        // "not bad" is mild praise: −0.75 × −1.
        .init(text: "Not bad at all", themes: [], sign: 1),
        .init(text: "Not happy with the delivery", themes: ["delivery"], sign: -1),
        .init(text: "Never again", themes: [], sign: -1),
        .init(text: "Never arrived", themes: ["delivery"], sign: -1),
        .init(text: "It isn't worth the price", themes: ["price"], sign: -1),
        .init(text: "It isn’t worth the price", themes: ["price"], sign: -1),
        .init(text: "Fast delivery, no complaints", themes: ["delivery"], sign: 1),
        .init(text: "Terrible experience, I want to cancel my subscription", themes: ["billing"], sign: -1, escalate: true),
        .init(text: "Couldn't be happier 😊", themes: [], sign: 1),
        .init(text: "Love it", themes: [], sign: 1),
        .init(text: "Average experience", themes: [], sign: 0),
        .init(text: "The agent never answered my emails", themes: ["service"], sign: -1),
        .init(text: "I'm extremely disappointed with the refund process", themes: ["billing"], sign: -1, escalate: true),
        .init(text: "It was not very good", themes: [], sign: -1),
        .init(text: "NOT GOOD AT ALL!!!", themes: [], sign: -1),
        .init(text: "Delayed shipment and no tracking info", themes: ["delivery", "waiting"], sign: -1),
        // Word boundaries: "no" in "piano", "so" in "also", "not" in "notably" are not lexicon words.
        .init(text: "piano also notably", themes: [], sign: 0),
    ]

    static let mixed: [FeedbackCase] = [
        .init(text: "快递很快, delivery was fast 👍", themes: ["delivery"], sign: 1),
        .init(text: "客服service很差，not helpful", themes: ["service"], sign: -1),
        .init(text: "price还可以，quality不错", themes: ["price", "quality"], sign: 1),
    ]

    static func check(_ c: FeedbackCase) {
        let result = analyzer.analyze(c.text)
        #expect(Set(result.themes) == c.themes, "themes of \(c.text)")
        let sign = result.sentiment > 1e-9 ? 1 : (result.sentiment < -1e-9 ? -1 : 0)
        #expect(sign == c.sign, "sentiment \(result.sentiment) of \(c.text)")
        #expect(result.escalate == c.escalate, "escalation of \(c.text)")
        #expect(result.sentiment > -1 && result.sentiment < 1)
    }

    @Test(arguments: chinese) func chineseComment(_ c: FeedbackCase) { Self.check(c) }
    @Test(arguments: english) func englishComment(_ c: FeedbackCase) { Self.check(c) }
    @Test(arguments: mixed) func mixedComment(_ c: FeedbackCase) { Self.check(c) }

    @Test func testSetIsLargeEnoughAndCoversEveryTheme() {
        #expect(Self.chinese.count >= 30 && Self.english.count >= 20)
        let covered = Set((Self.chinese + Self.english).flatMap(\.themes))
        #expect(covered == Set(FeedbackLexicon.builtIn.themes.map(\.id)))
    }

    @Test func scoresFollowTheDocumentedFormula() {
        // 满意 = 1: S = 1 → 1/√2.
        #expect(abs(Self.analyzer.analyze("满意").sentiment - 1 / 2.0.squareRoot()) < 1e-12)
        // 很满意 = 1.5 × 1: 1.5/√(1.5² + 1).
        #expect(abs(Self.analyzer.analyze("很满意").sentiment - 1.5 / (1.5 * 1.5 + 1).squareRoot()) < 1e-12)
        // not very good: negated, intensifier ignored: −0.75 × 1 → −0.75/√(0.5625 + 1) = −0.6.
        #expect(abs(Self.analyzer.analyze("not very good").sentiment - (-0.6)) < 1e-12)
        // 没到: a negator reaching no sentiment word is −0.5 → −0.5/√1.25.
        #expect(abs(Self.analyzer.analyze("没到").sentiment - (-0.5 / 1.25.squareRoot())) < 1e-12)
    }

    @Test func negationScopeEndsAfterThreeUnits() {
        // 不 + 是很 (2 units, 很 an intensifier) + 好: negated; "not" + "at all" (2 words) + good: negated.
        #expect(Self.analyzer.analyze("不是很好").sentiment < 0)
        #expect(Self.analyzer.analyze("not at all good").sentiment < 0)
        // "not" then four words then "good": out of scope, so "not" dangles (−0.5) and good counts (+1).
        let far = Self.analyzer.analyze("not one of those four good")
        // S = −0.5 + 1 = 0.5 → 0.5/√1.25.
        #expect(abs(far.sentiment - 0.5 / 1.25.squareRoot()) < 1e-12)
    }

    @Test func analysisIsDeterministic() {
        for c in Self.chinese + Self.english {
            #expect(Self.analyzer.analyze(c.text) == Self.analyzer.analyze(c.text))
        }
    }
}
