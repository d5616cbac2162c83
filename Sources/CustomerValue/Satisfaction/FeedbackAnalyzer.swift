/// Theme tagging and sentiment of feedback texts (survey comments, ticket texts) in Chinese and
/// English, and the per-theme summary that shows which themes drive detractors.
///
/// Build it once per lexicon (compiling the automaton is the costly part), then call
/// ``analyze(_:)`` per text or ``summarize(_:)`` over (text, NPS) records. Scoring is a pure,
/// deterministic function of the text and the lexicon; see ``FeedbackSentiment`` for the rules.
public struct FeedbackAnalyzer: Sendable {
    /// The lexicon in force.
    public let lexicon: FeedbackLexicon
    /// Its compiled form.
    public let matcher: FeedbackMatcher

    /// Compiles `lexicon`.
    /// - Throws: ``FeedbackLexiconError`` when the lexicon cannot be compiled.
    public init(lexicon: FeedbackLexicon = .builtIn) throws {
        self.lexicon = lexicon
        matcher = try FeedbackMatcher(lexicon: lexicon)
    }

    /// The themes, sentiment and flag of `text`.
    /// - Complexity: O(text bytes).
    public func analyze(_ text: String) -> TextAnalysis {
        var matches: [FeedbackMatcher.Match] = []
        var copy = text
        let result: TextScore = copy.withUTF8 { self.score(utf8: $0, matches: &matches) }
        return TextAnalysis(themes: themeIDs(result.themes), sentiment: result.sentiment, escalate: result.escalate)
    }

    /// The score of a UTF-8 text; `matches` is scratch space, reused between calls so the hot
    /// loop of a large file allocates nothing per text.
    public func score(utf8 text: UnsafeBufferPointer<UInt8>, matches: inout [FeedbackMatcher.Match]) -> TextScore {
        matcher.matches(in: text, into: &matches)
        return FeedbackSentiment.score(text: text, matches: matches, matcher: matcher)
    }

    /// The ids of the themes in the bit set `themes`, in lexicon order.
    public func themeIDs(_ themes: UInt64) -> [String] {
        var ids: [String] = []
        var bits = themes
        while bits != 0 {
            let k = bits.trailingZeroBitCount
            ids.append(lexicon.themes[k].id)
            bits &= bits - 1
        }
        return ids
    }

    /// The per-theme summary of `records` (see ``FeedbackSummary``).
    /// - Complexity: O(total text bytes).
    public func summarize(_ records: [FeedbackRecord]) -> FeedbackSummary {
        var tally = FeedbackTally(themeCount: lexicon.themes.count)
        var matches: [FeedbackMatcher.Match] = []
        for record in records {
            var text = record.text
            let result: TextScore = text.withUTF8 { self.score(utf8: $0, matches: &matches) }
            tally.add(result, nps: record.nps)
        }
        return tally.summary(lexicon: lexicon)
    }

    /// The per-theme rows of ``summarize(_:)``: the `themes` of a satisfaction report.
    public func themeSummary(_ records: [FeedbackRecord]) -> [ThemeSummary] {
        summarize(records).themes
    }
}

/// A feedback text and, when the respondent gave one, the NPS answer (0–10) of the same response.
public struct FeedbackRecord: Sendable, Hashable, Codable {
    public var text: String
    /// Likelihood to recommend, 0–10; nil when not asked or not answered.
    public var nps: Double?

    public init(text: String, nps: Double? = nil) {
        self.text = text
        self.nps = nps
    }
}

/// The result of one text, with theme ids.
public struct TextAnalysis: Sendable, Hashable, Codable {
    /// Theme ids in lexicon order.
    public var themes: [String]
    /// In (−1, 1); see ``FeedbackSentiment``.
    public var sentiment: Double
    public var escalate: Bool
}

/// Running totals over scored texts, to summarise a file of any size in constant memory.
///
/// Sentiments are summed in fixed point (units of 2⁻⁶⁰, in 128 bits): integer sums are exact,
/// so they do not depend on the order texts are added or tallies merged in, and a file read on
/// one thread or split over several gives the same means to the last digit. A sentiment is
/// within (−1, 1), so the sums cannot overflow before 2⁶⁷ texts.
public struct FeedbackTally: Sendable, Hashable {
    public private(set) var n = 0
    public private(set) var escalations = 0
    /// The sum of all texts' sentiments.
    public var sentimentSum: Double { Self.value(sentimentTotal) }
    private var sentimentTotal: Int128 = 0
    public private(set) var detractors = 0
    public private(set) var promoters = 0
    public private(set) var withNPS = 0
    var count: [Int]
    /// Per theme: the sum of its texts' sentiments, in fixed point.
    var sentiment: [Int128]
    var themeEscalations: [Int]
    var themeDetractors: [Int]
    var themePromoters: [Int]

    public init(themeCount: Int) {
        count = Array(repeating: 0, count: themeCount)
        sentiment = Array(repeating: 0, count: themeCount)
        themeEscalations = count
        themeDetractors = count
        themePromoters = count
    }

    /// The fixed-point value of `sentiment` (rounded toward zero, below 2⁻⁶⁰).
    @inline(__always)
    static func fixed(_ sentiment: Double) -> Int128 {
        sentiment.isFinite ? Int128(sentiment * 0x1p60) : 0
    }

    /// The value of a fixed-point sum.
    static func value(_ total: Int128) -> Double { Double(total) / 0x1p60 }

    /// Adds one scored text; `nps` 0–6 counts it as a detractor's, 9–10 as a promoter's
    /// (Reichheld 2003, "The one number you need to grow", Harvard Business Review).
    public mutating func add(_ score: TextScore, nps: Double?) {
        n += 1
        let sentimentFixed = Self.fixed(score.sentiment)
        sentimentTotal += sentimentFixed
        if score.escalate { escalations += 1 }
        let detractor = nps.map { $0 <= 6 } ?? false
        let promoter = nps.map { $0 >= 9 } ?? false
        if nps != nil { withNPS += 1 }
        if detractor { detractors += 1 }
        if promoter { promoters += 1 }
        var bits = score.themes
        while bits != 0 {
            let k = bits.trailingZeroBitCount
            bits &= bits - 1
            guard k < count.count else { continue }
            count[k] += 1
            sentiment[k] += sentimentFixed
            if score.escalate { themeEscalations[k] += 1 }
            if detractor { themeDetractors[k] += 1 }
            if promoter { themePromoters[k] += 1 }
        }
    }

    /// Adds another tally (of the same lexicon), e.g. from another file.
    public mutating func merge(_ other: FeedbackTally) {
        precondition(other.count.count == count.count, "tallies of different lexicons")
        n += other.n
        escalations += other.escalations
        sentimentTotal += other.sentimentTotal
        detractors += other.detractors
        promoters += other.promoters
        withNPS += other.withNPS
        for k in count.indices {
            count[k] += other.count[k]
            sentiment[k] += other.sentiment[k]
            themeEscalations[k] += other.themeEscalations[k]
            themeDetractors[k] += other.themeDetractors[k]
            themePromoters[k] += other.themePromoters[k]
        }
    }

    /// The summary, themes by count (most mentioned first; ties in lexicon order).
    public func summary(lexicon: FeedbackLexicon) -> FeedbackSummary {
        let themes = lexicon.themes.indices.prefix(count.count).map { k -> ThemeSummary in
            let theme = lexicon.themes[k]
            return ThemeSummary(
                theme: theme.id, labelEN: theme.labelEN, labelZH: theme.labelZH, count: count[k],
                share: n > 0 ? Double(count[k]) / Double(n) : 0,
                meanSentiment: count[k] > 0 ? Self.value(sentiment[k]) / Double(count[k]) : nil,
                escalations: themeEscalations[k], detractorCount: themeDetractors[k], promoterCount: themePromoters[k],
                detractorShare: detractors > 0 ? Double(themeDetractors[k]) / Double(detractors) : nil,
                promoterShare: promoters > 0 ? Double(themePromoters[k]) / Double(promoters) : nil)
        }
        let order = themes.indices.sorted { a, b in themes[a].count != themes[b].count ? themes[a].count > themes[b].count : a < b }
        return FeedbackSummary(
            n: n, escalations: escalations, meanSentiment: n > 0 ? sentimentSum / Double(n) : nil,
            withNPS: withNPS, detractors: detractors, promoters: promoters, themes: order.map { themes[$0] })
    }
}

/// The per-theme summary of a set of feedback texts.
public struct FeedbackSummary: Sendable, Hashable, Codable {
    /// Texts analysed (empty ones included).
    public var n: Int
    /// Texts with the escalation flag.
    public var escalations: Int
    /// Mean sentiment of all texts; nil without texts.
    public var meanSentiment: Double?
    /// Texts with an NPS answer, and among them detractors (0–6) and promoters (9–10).
    public var withNPS: Int
    public var detractors: Int
    public var promoters: Int
    /// One row per lexicon theme, most mentioned first.
    public var themes: [ThemeSummary]

    enum CodingKeys: String, CodingKey {
        case n, escalations, detractors, promoters, themes
        case meanSentiment = "mean_sentiment", withNPS = "with_nps"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(n, forKey: .n)
        try c.encode(escalations, forKey: .escalations)
        try c.encode(meanSentiment, forKey: .meanSentiment)
        try c.encode(withNPS, forKey: .withNPS)
        try c.encode(detractors, forKey: .detractors)
        try c.encode(promoters, forKey: .promoters)
        try c.encode(themes, forKey: .themes)
    }
}

/// One theme of a ``FeedbackSummary``.
///
/// `detractor_share` is the share of detractors' texts that mention the theme and
/// `promoter_share` the same among promoters; a theme with a detractor share well above its
/// promoter share is one that drives detractors (`driver_gap` = the difference).
public struct ThemeSummary: Sendable, Hashable, Codable {
    public var theme: String
    public var labelEN: String
    public var labelZH: String
    /// Texts that mention the theme.
    public var count: Int
    /// count / all texts.
    public var share: Double
    /// Mean sentiment of the texts that mention it; nil when none does.
    public var meanSentiment: Double?
    /// Texts that mention it and carry the escalation flag.
    public var escalations: Int
    public var detractorCount: Int
    public var promoterCount: Int
    /// Detractors' texts mentioning it / detractors' texts; nil without detractors.
    public var detractorShare: Double?
    /// Promoters' texts mentioning it / promoters' texts; nil without promoters.
    public var promoterShare: Double?

    /// detractor_share − promoter_share; nil when either is.
    public var driverGap: Double? {
        guard let d = detractorShare, let p = promoterShare else { return nil }
        return d - p
    }

    public init(theme: String, labelEN: String, labelZH: String, count: Int, share: Double, meanSentiment: Double?,
                escalations: Int, detractorCount: Int, promoterCount: Int, detractorShare: Double?, promoterShare: Double?) {
        self.theme = theme
        self.labelEN = labelEN
        self.labelZH = labelZH
        self.count = count
        self.share = share
        self.meanSentiment = meanSentiment
        self.escalations = escalations
        self.detractorCount = detractorCount
        self.promoterCount = promoterCount
        self.detractorShare = detractorShare
        self.promoterShare = promoterShare
    }

    enum CodingKeys: String, CodingKey {
        case theme, count, share, escalations
        case labelEN = "label_en", labelZH = "label_zh", meanSentiment = "mean_sentiment"
        case detractorCount = "detractor_count", promoterCount = "promoter_count"
        case detractorShare = "detractor_share", promoterShare = "promoter_share", driverGap = "driver_gap"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        theme = try c.decode(String.self, forKey: .theme)
        labelEN = try c.decode(String.self, forKey: .labelEN)
        labelZH = try c.decode(String.self, forKey: .labelZH)
        count = try c.decode(Int.self, forKey: .count)
        share = try c.decode(Double.self, forKey: .share)
        meanSentiment = try c.decodeIfPresent(Double.self, forKey: .meanSentiment)
        escalations = try c.decode(Int.self, forKey: .escalations)
        detractorCount = try c.decode(Int.self, forKey: .detractorCount)
        promoterCount = try c.decode(Int.self, forKey: .promoterCount)
        detractorShare = try c.decodeIfPresent(Double.self, forKey: .detractorShare)
        promoterShare = try c.decodeIfPresent(Double.self, forKey: .promoterShare)
    }

    /// Every key is written, nil as null, so the JSON shape does not depend on the data.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(theme, forKey: .theme)
        try c.encode(labelEN, forKey: .labelEN)
        try c.encode(labelZH, forKey: .labelZH)
        try c.encode(count, forKey: .count)
        try c.encode(share, forKey: .share)
        try c.encode(meanSentiment, forKey: .meanSentiment)
        try c.encode(escalations, forKey: .escalations)
        try c.encode(detractorCount, forKey: .detractorCount)
        try c.encode(promoterCount, forKey: .promoterCount)
        try c.encode(detractorShare, forKey: .detractorShare)
        try c.encode(promoterShare, forKey: .promoterShare)
        try c.encode(driverGap, forKey: .driverGap)
    }
}
