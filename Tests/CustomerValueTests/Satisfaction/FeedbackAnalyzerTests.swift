import Foundation
import Testing
@testable import CustomerValue

struct FeedbackAnalyzerTests {
    static let builtIn = FeedbackLexiconTests.analyzer

    /// Six responses, hand-tagged: detractors (NPS 0–6) are 1 and 3, promoters (9–10) 2 and 5,
    /// 4 is passive and 6 has no NPS.
    static let records: [FeedbackRecord] = [
        .init(text: "物流太慢了", nps: 3),          // delivery, waiting
        .init(text: "快递很快，很满意", nps: 10),    // delivery
        .init(text: "客服态度很差", nps: 5),         // service
        .init(text: "价格太贵了", nps: 8),           // price
        .init(text: "非常满意", nps: 9),             // none
        .init(text: "退款一直没有到账", nps: nil),   // billing, escalate
    ]

    @Test func summaryCountsSharesAndDetractorPromoterShares() throws {
        let summary = Self.builtIn.summarize(Self.records)
        #expect(summary.n == 6 && summary.withNPS == 5 && summary.detractors == 2 && summary.promoters == 2)
        #expect(summary.escalations == 1)
        // Most mentioned first (delivery 2), then the 1s in lexicon order, then the 0s.
        #expect(summary.themes.map(\.theme) == ["delivery", "price", "service", "waiting", "billing", "quality", "product_fit"])
        let delivery = summary.themes[0]
        // 2 of 6 texts; 1 of the 2 detractors (text 1), 1 of the 2 promoters (text 2): gap 0.
        #expect(delivery.count == 2 && abs(delivery.share - 2.0 / 6) < 1e-12)
        #expect(delivery.detractorShare == 0.5 && delivery.promoterShare == 0.5 && delivery.driverGap == 0)
        let s1 = Self.builtIn.analyze("物流太慢了").sentiment, s2 = Self.builtIn.analyze("快递很快，很满意").sentiment
        #expect(abs((delivery.meanSentiment ?? .nan) - (s1 + s2) / 2) < 1e-12)
        // service: only text 3, a detractor: 1/2 of detractors, 0 of promoters → it drives detractors.
        let service = try #require(summary.themes.first { $0.theme == "service" })
        #expect(service.detractorShare == 0.5 && service.promoterShare == 0 && service.driverGap == 0.5)
        #expect((service.meanSentiment ?? 0) < 0)
        // price: text 4 is passive, so neither share moves.
        let price = try #require(summary.themes.first { $0.theme == "price" })
        #expect(price.detractorShare == 0 && price.promoterShare == 0 && price.detractorCount == 0)
        let billing = try #require(summary.themes.first { $0.theme == "billing" })
        #expect(billing.escalations == 1 && billing.count == 1)
        let quality = try #require(summary.themes.first { $0.theme == "quality" })
        #expect(quality.count == 0 && quality.meanSentiment == nil)
    }

    @Test func themeSummaryJSONHasTheContractKeys() throws {
        let themes = Self.builtIn.themeSummary([.init(text: "客服很好")])
        let data = try JSONEncoder().encode(themes)
        let rows = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(Set(rows[0].keys) == ["theme", "label_en", "label_zh", "count", "share", "mean_sentiment", "escalations",
                                      "detractor_count", "promoter_count", "detractor_share", "promoter_share", "driver_gap"])
        // No NPS given: the shares are null, not missing.
        #expect(rows[0]["detractor_share"] is NSNull)
        let back = try JSONDecoder().decode([ThemeSummary].self, from: data)
        #expect(back == themes)
    }

    static let userLexicon = """
        themes:
          delivery:
            terms: [顺丰, 京东]
          packaging:
            label_en: Packaging
            label_zh: 包装
            terms: [包装, 纸箱, box*]
        sentiment: {给力: 1.2, 拉胯: -1}
        intensifiers: {贼: 1.6}
        escalation: [黑猫]
        """

    @Test func userLexiconExtendsAThemeAndAddsOne() throws {
        let (user, replace) = try FeedbackLexicon.parse(yaml: Self.userLexicon)
        #expect(!replace)
        let analyzer = try FeedbackAnalyzer(lexicon: FeedbackLexicon.builtIn.merging(user))
        #expect(analyzer.lexicon.themes.map(\.id) == FeedbackLexicon.builtIn.themes.map(\.id) + ["packaging"])
        // 顺丰 was already built in; 京东 is new to delivery. 贼快: 1.6 × 0.6 (快) = 0.96.
        let jd = analyzer.analyze("京东贼快")
        #expect(jd.themes == ["delivery"])
        #expect(abs(jd.sentiment - 0.96 / (0.96 * 0.96 + 1).squareRoot()) < 1e-12)
        #expect(Self.builtIn.analyze("京东贼快").themes.isEmpty)
        let box = analyzer.analyze("The boxes were crushed, 包装拉胯")
        #expect(box.themes == ["packaging"] && box.sentiment < 0)
        #expect(analyzer.analyze("顺丰很给力").sentiment > 0)
        #expect(analyzer.analyze("我去黑猫了").escalate && !Self.builtIn.analyze("我去黑猫了").escalate)
        // The built-in words still work.
        #expect(analyzer.analyze("客服态度很差").themes == ["service"])
    }

    @Test func userValenceOverridesABuiltInOne() throws {
        let (user, _) = try FeedbackLexicon.parse(yaml: "sentiment: {慢: 0.5}")
        let analyzer = try FeedbackAnalyzer(lexicon: FeedbackLexicon.builtIn.merging(user))
        #expect(analyzer.analyze("慢").sentiment > 0 && Self.builtIn.analyze("慢").sentiment < 0)
    }

    /// `inability_negators:` extends the built-in negators of ability. "not allowed to" and 不准
    /// are no built-in words: there "not" / 不 is a plain negator, which cancels the escalation
    /// word in its scope (the customer's choice); as negators of ability from the file they keep
    /// it (the customer is stopped from cancelling). The file's words are negators too: "not
    /// allowed to recommend" is −0.75 × 1 → −0.6, as with a built-in negator.
    @Test func userLexiconExtendsTheInabilityNegators() throws {
        let (user, _) = try FeedbackLexicon.parse(yaml: "inability_negators: [not allowed to, 不准]")
        #expect(user.inabilityNegators == ["not allowed to", "不准"])
        let analyzer = try FeedbackAnalyzer(lexicon: FeedbackLexicon.builtIn.merging(user))
        #expect(analyzer.lexicon.inabilityNegators == FeedbackLexicon.builtIn.inabilityNegators + ["not allowed to", "不准"])
        for text in ["I'm not allowed to cancel online", "商家不准退款"] {
            #expect(analyzer.analyze(text).escalate, "\(text)")
            #expect(!Self.builtIn.analyze(text).escalate, "\(text)")
        }
        #expect(abs(analyzer.analyze("not allowed to recommend").sentiment + 0.6) < 1e-12)
        // The built-in ones still keep the flag.
        #expect(analyzer.analyze("无法退款").escalate && analyzer.analyze("I can't cancel").escalate)
    }

    /// `receipt_verbs:` extends the verbs of receipt: 还没到手的退款 has 没 right before 到手, a
    /// refund that did not come (escalation); without the word, 没 reaches 退款 (three units
    /// away) and cancels it.
    @Test func userLexiconExtendsTheReceiptVerbs() throws {
        let (user, _) = try FeedbackLexicon.parse(yaml: "receipt_verbs: [到手]")
        let analyzer = try FeedbackAnalyzer(lexicon: FeedbackLexicon.builtIn.merging(user))
        #expect(analyzer.analyze("还没到手的退款").escalate)
        #expect(!Self.builtIn.analyze("还没到手的退款").escalate)
    }

    @Test func inabilityNegatorsMustBeWordsAndNameTheirLine() throws {
        let error = try #require(throws: FeedbackLexiconError.self) {
            try FeedbackLexicon.parse(yaml: "negators: [甭]\ninability_negators: {办不了: 1}\n", source: "lex.yaml")
        }
        #expect(error.line == 2 && error.description.hasPrefix("lex.yaml:2:") && error.message.contains("inability_negators"))
    }

    @Test func replaceStartsFromAnEmptyLexicon() throws {
        let (user, replace) = try FeedbackLexicon.parse(yaml: "replace: true\nthemes: {app: [闪退, crash*]}")
        #expect(replace)
        let analyzer = try FeedbackAnalyzer(lexicon: user)
        #expect(analyzer.analyze("App crashes, 物流慢").themes == ["app"])
    }

    @Test func malformedYAMLNamesTheLine() throws {
        let text = "themes:\n  delivery:\n    terms: [顺丰, 京东\nsentiment: {给力: 1}\n"
        let error = try #require(throws: FeedbackLexiconError.self) { try FeedbackLexicon.parse(yaml: text, source: "lex.yaml") }
        #expect(error.line != nil && error.description.hasPrefix("lex.yaml:"))
    }

    @Test func badWeightNamesItsLine() throws {
        // Line 3 holds the weight that is not a number.
        let text = "sentiment:\n  给力: 1\n  拉胯: very\n"
        let error = try #require(throws: FeedbackLexiconError.self) { try FeedbackLexicon.parse(yaml: text, source: "lex.yaml") }
        #expect(error.line == 3)
        #expect(error.description.contains("lex.yaml:3:") && error.description.contains("拉胯"))
    }

    @Test func unknownKeyNamesItsLine() throws {
        let error = try #require(throws: FeedbackLexiconError.self) { try FeedbackLexicon.parse(yaml: "themes: {}\nsentimnet: {a: 1}\n") }
        #expect(error.line == 2 && error.message.contains("sentimnet"))
    }

    @Test func loadReadsAFileAndMergesWithTheBuiltIn() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lexicon-\(UUID().uuidString).yaml").path
        try Self.userLexicon.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lexicon = try FeedbackLexicon.load(path: path)
        #expect(lexicon.themes.count == FeedbackLexicon.builtIn.themes.count + 1)
        let missing = try #require(throws: FeedbackLexiconError.self) { try FeedbackLexicon.load(path: path + ".missing") }
        #expect(missing.file == path + ".missing")
    }

    @Test func matcherFindsOverlappingTermsLeftmostLongest() throws {
        // 不错 hides 不; 快递 hides 快; "no one" hides "no".
        let analyzer = Self.builtIn
        var matches: [FeedbackMatcher.Match] = []
        var text = "不错快递no one"
        let found: [Int] = text.withUTF8 { bytes in
            analyzer.matcher.matches(in: bytes, into: &matches)
            return matches.map { Int($0.end - $0.start) }
        }
        // 不错 6 bytes, 快递 6 bytes, "no one" 6 bytes.
        #expect(found == [6, 6, 6])
    }
}

extension FeedbackAnalyzerTests {
    /// Sentiment sums do not depend on the order texts are added or tallies merged in (sums in
    /// fixed point), and equal the plain sum to within rounding.
    @Test func sentimentSumsAreTheSameInAnyOrder() {
        // Sentiments with bits all through their mantissas (sines), of both signs.
        let scores = (0..<1000).map { k in
            TextScore(themes: UInt64(1) << UInt64(k % 3), sentiment: sin(Double(k) * 0.731) * 0.999, escalate: false)
        }
        var forward = FeedbackTally(themeCount: 3)
        for score in scores { forward.add(score, nps: 5) }
        var backward = FeedbackTally(themeCount: 3)
        for score in scores.reversed() { backward.add(score, nps: 5) }
        var merged = FeedbackTally(themeCount: 3)
        for part in stride(from: 0, to: scores.count, by: 37) {
            var tally = FeedbackTally(themeCount: 3)
            for score in scores[part..<min(part + 37, scores.count)] { tally.add(score, nps: 5) }
            merged.merge(tally)
        }
        #expect(forward == backward && forward == merged)
        #expect(forward.sentimentSum == backward.sentimentSum && forward.sentimentSum == merged.sentimentSum)
        let plain = scores.reduce(0.0) { $0 + $1.sentiment }
        #expect(abs(forward.sentimentSum - plain) < 1e-12)
    }
}
