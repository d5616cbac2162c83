/// The words that feedback analysis looks for: themes, sentiment words, negators, intensifiers,
/// escalation words, and neutral phrases that hide the words inside them.
///
/// Terms are matched by ``FeedbackMatcher``: Chinese (any term starting or ending with a non-ASCII
/// character) as a substring, English case-insensitively at word boundaries. An English term
/// ending in `*` is a prefix (`deliver*` matches delivery, delivered); a term with an apostrophe
/// also matches the typographic one (didn't, didn’t). When matches overlap, the leftmost, then
/// longest, wins: 不错 (positive) hides 不 (a negator), 快递 (delivery) hides 快 (positive); a
/// phrase keeps the themes of the theme words inside it (性价比高 is about price).
///
/// The built-in lexicon (``builtIn``) covers the themes of the satisfaction issue: delivery,
/// price, quality, service, waiting, product fit and billing, in Chinese and English. A user file
/// extends or overrides it (``merging(_:)``, ``FeedbackLexicon/load(path:)``).
public struct FeedbackLexicon: Sendable, Hashable, Codable {
    /// A theme: an id (snake_case, used in output), labels, and the terms that tag it.
    public struct Theme: Sendable, Hashable, Codable {
        public var id: String
        public var labelEN: String
        public var labelZH: String
        public var terms: [String]

        public init(id: String, labelEN: String, labelZH: String, terms: [String]) {
            self.id = id
            self.labelEN = labelEN
            self.labelZH = labelZH
            self.terms = terms
        }

        enum CodingKeys: String, CodingKey {
            case id, terms
            case labelEN = "label_en", labelZH = "label_zh"
        }
    }

    /// Themes in output order (at most 64).
    public var themes: [Theme]
    /// Sentiment word → valence, positive good, negative bad; ±1 is an ordinary word.
    public var sentiment: [String: Double]
    /// Words that flip the next sentiment word within their scope (不, 没, not, never, ...).
    public var negators: [String]
    /// Words that scale the next sentiment word: > 1 amplifies (很 1.5), < 1 softens (有点 0.7).
    public var intensifiers: [String: Double]
    /// Words that raise the escalation flag (投诉, 退款, refund, cancel, ...) unless negated by
    /// the customer (没有投诉, "not going to cancel"; see ``FeedbackSentiment``).
    public var escalation: [String]
    /// Phrases with no role, which hide the words inside them (有没有 is a question, not a negation).
    public var neutral: [String]
    /// Negators of ability or permission (无法, 不能, can't, unable): they negate sentiment like
    /// any negator (each is one, whether or not ``negators`` lists it) but keep an escalation word
    /// in their scope: "can't cancel", 无法退款 are reasons to escalate, "won't cancel" is not.
    public var inabilityNegators: [String]
    /// Verbs of receiving or arriving (received, got, 到账). A negator right before one
    /// (at most ``FeedbackSentiment/receiptReach`` units between) says a thing did not come, so
    /// an escalation word after it stands: "haven't received my refund", "never got a refund",
    /// escalate, while "don't want a refund" does not.
    public var receiptVerbs: [String]

    public init(themes: [Theme], sentiment: [String: Double], negators: [String], intensifiers: [String: Double],
                escalation: [String], neutral: [String], inabilityNegators: [String] = [], receiptVerbs: [String] = []) {
        self.themes = themes
        self.sentiment = sentiment
        self.negators = negators
        self.intensifiers = intensifiers
        self.escalation = escalation
        self.neutral = neutral
        self.inabilityNegators = inabilityNegators
        self.receiptVerbs = receiptVerbs
    }

    /// The lexicon with `other` laid over it: themes with a known id get `other`'s extra terms
    /// (and its labels when given), new ids are appended; sentiment and intensifier weights of
    /// `other` replace those of the same word; negators, escalation words, neutral phrases,
    /// negators of ability and verbs of receipt are added.
    public func merging(_ other: FeedbackLexicon) -> FeedbackLexicon {
        var merged = self
        for theme in other.themes {
            if let k = merged.themes.firstIndex(where: { $0.id == theme.id }) {
                if !theme.labelEN.isEmpty { merged.themes[k].labelEN = theme.labelEN }
                if !theme.labelZH.isEmpty { merged.themes[k].labelZH = theme.labelZH }
                for term in theme.terms where !merged.themes[k].terms.contains(term) { merged.themes[k].terms.append(term) }
            } else {
                merged.themes.append(theme)
            }
        }
        merged.sentiment.merge(other.sentiment) { _, new in new }
        merged.intensifiers.merge(other.intensifiers) { _, new in new }
        for n in other.negators where !merged.negators.contains(n) { merged.negators.append(n) }
        for e in other.escalation where !merged.escalation.contains(e) { merged.escalation.append(e) }
        for p in other.neutral where !merged.neutral.contains(p) { merged.neutral.append(p) }
        for n in other.inabilityNegators where !merged.inabilityNegators.contains(n) { merged.inabilityNegators.append(n) }
        for v in other.receiptVerbs where !merged.receiptVerbs.contains(v) { merged.receiptVerbs.append(v) }
        return merged
    }
}

extension FeedbackLexicon {
    /// The built-in Chinese and English lexicon.
    ///
    /// Valences follow the scale of common sentiment lexicons (Hutto & Gilbert 2014, VADER:
    /// ordinary words about ±1, strong ones ±1.5); intensifier factors follow VADER's booster
    /// increments (about +0.3 to +0.8 on a word of 1). The lists are a starting point for CRM
    /// comments and service tickets, not a general-purpose sentiment dictionary.
    public static let builtIn = FeedbackLexicon(
        themes: [
            Theme(id: "delivery", labelEN: "Delivery / logistics", labelZH: "物流配送", terms: [
                "物流", "快递", "发货", "配送", "送货", "收货", "包裹", "到货", "送错", "签收", "运费", "顺丰",
                "delivery", "deliver*", "shipping", "ship", "shipped", "shipment", "courier", "parcel", "package",
                "tracking", "arrive*", "logistics", "dispatch*",
            ]),
            Theme(id: "price", labelEN: "Price / value", labelZH: "价格与性价比", terms: [
                "价格", "性价比", "贵", "便宜", "降价", "涨价", "差价", "价钱", "优惠", "划算", "实惠", "不值", "值得",
                "price*", "pricing", "expensive", "cheap*", "overpriced", "cost*", "worth", "value for money", "discount*",
            ]),
            Theme(id: "quality", labelEN: "Product quality", labelZH: "产品质量", terms: [
                "质量", "坏", "破损", "损坏", "做工", "瑕疵", "次品", "劣质", "假货", "故障", "耐用", "品质",
                "quality", "broke", "broken", "damaged", "defect*", "faulty", "stopped working", "flimsy", "durable",
            ]),
            Theme(id: "service", labelEN: "Customer service", labelZH: "客服与服务", terms: [
                "客服", "态度", "服务", "售后", "人工", "店员", "回复", "没人管",
                "service", "support", "agent*", "staff", "rude", "helpful", "hung up", "answered", "representative",
            ]),
            Theme(id: "waiting", labelEN: "Waiting time", labelZH: "等待时间", terms: [
                "等待", "排队", "慢", "等了", "久", "没人接", "催",
                "wait*", "queue*", "slow*", "on hold", "delay*", "took forever", "callback",
            ]),
            Theme(id: "product_fit", labelEN: "Product fit", labelZH: "产品适配", terms: [
                "尺码", "偏大", "偏小", "不合适", "不适合", "不符", "描述不符", "型号", "合身", "色差", "功能",
                "size*", "fit", "fits", "fitting", "not as described", "too small", "too big", "compatible", "color",
            ]),
            Theme(id: "billing", labelEN: "Billing / payment", labelZH: "账单与支付", terms: [
                "账单", "扣费", "扣款", "发票", "退款", "续费", "收费", "到账", "支付", "付款", "退钱",
                "bill", "billed", "billing", "invoice*", "charge*", "refund*", "payment*", "renew*", "subscription",
            ]),
        ],
        sentiment: [
            // Chinese, positive
            "满意": 1, "好": 0.8, "不错": 1, "很好": 1.2, "喜欢": 1, "推荐": 1, "赞": 1, "棒": 1.2, "优秀": 1.2, "完美": 1.5,
            "实惠": 0.8, "划算": 0.8, "方便": 0.8, "耐心": 0.8, "热情": 0.8, "及时": 0.8, "专业": 0.6, "值得": 0.8,
            "快": 0.6, "再来": 0.8, "再买": 0.8, "回购": 0.8, "解决": 0.5, "感谢": 0.8, "谢谢": 0.6, "好评": 1.2,
            "没问题": 0.6, "没有问题": 0.6, "没什么问题": 0.6, "挑剔": -0.5, "性价比高": 1, "给力": 1, "耐用": 0.6,
            // Chinese, negative
            "差": -1, "坏": -1, "破损": -1, "损坏": -1, "慢": -0.8, "贵": -0.8, "失望": -1.2, "糟糕": -1.5, "垃圾": -1.5,
            "恶劣": -1.5, "生气": -1.2, "愤怒": -1.5, "投诉": -1, "退款": -0.5, "不满": -1, "不满意": -1.2, "坑": -1,
            "骗": -1.5, "烂": -1.2, "难用": -1, "问题": -0.5, "麻烦": -0.6, "不符": -0.8, "没人管": -1, "可惜": -0.5,
            "久": -0.5, "差评": -1.5, "劣质": -1.2, "次品": -1.2, "假货": -1.5, "瑕疵": -0.8, "故障": -0.8, "不值": -1,
            "恶心": -1.5, "后悔": -1.2, "不合适": -0.6, "不适合": -0.6,
            "太长": -0.8, "没得说": 1, "还可以": 0.4, "还行": 0.3, "没人接": -1, "描述不符": -1,
            "不退款": -1, "不给退款": -1, "还没退款": -0.8, "还没有退款": -0.8, "没收到退款": -0.8, "没有收到退款": -0.8,
            "未退款": -0.8,
            // English, positive
            "good": 1, "great": 1.2, "excellent": 1.5, "love": 1.2, "loved": 1.2, "happy": 1, "happier": 1.2,
            "satisfied": 1, "recommend": 1, "fast": 0.8, "quick": 0.8, "quickly": 0.8, "helpful": 1, "friendly": 1,
            "perfect": 1.5, "amazing": 1.5, "awesome": 1.5, "nice": 0.8, "worth": 0.8, "easy": 0.6, "resolved": 0.6,
            "thanks": 0.6, "thank": 0.6, "no complaints": 0.8, "no complaint": 0.8, "couldn't be happier": 1.5, "fine": 0.4, "okay": 0.3, "ok": 0.3, "buy again": 0.8, "durable": 0.6,
            // English, negative
            "bad": -1, "poor": -1, "terrible": -1.5, "awful": -1.5, "horrible": -1.5, "slow": -0.8, "expensive": -0.8,
            "overpriced": -1, "rude": -1.2, "broken": -1, "broke": -1, "damaged": -1, "disappointed": -1.2,
            "disappointing": -1.2, "worst": -1.5, "hate": -1.5, "angry": -1.2, "furious": -1.5, "useless": -1.2,
            "unacceptable": -1.2, "wrong": -0.8, "lost": -0.8, "problem": -0.5, "problems": -0.5, "issue": -0.5,
            "complaint": -1, "complaints": -1, "refund": -0.5, "late": -0.8, "delayed": -0.8, "scam": -1.5,
            "unhappy": -1.2, "too long": -0.8, "on hold": -0.5, "not as described": -1, "stopped working": -1,
            "no refund": -0.8, "not refunded": -0.8, "never refunded": -1, "never got my refund": -1,
            "hung up": -1, "took forever": -1, "fail*": -1, "faulty": -1, "flimsy": -0.8, "annoying": -1, "frustrat*": -1.2,
            "😊": 1, "😀": 1, "😍": 1.5, "👍": 1, "❤️": 1.2, "❤": 1.2, "😡": -1.5, "😠": -1.2, "👎": -1, "😞": -1, "💩": -1.5,
        ],
        negators: [
            "不", "没", "没有", "无", "未", "别", "毫无", "无法", "不会", "不能", "不太",
            "not", "no", "never", "don't", "dont", "didn't", "didnt", "doesn't", "doesnt", "isn't", "isnt", "wasn't",
            "aren't", "weren't", "won't", "wont", "can't", "cant", "cannot", "couldn't", "wouldn't", "shouldn't",
            "haven't", "hasn't", "hadn't", "nobody", "nothing", "neither", "nor", "without", "hardly", "no one",
        ],
        intensifiers: [
            "很": 1.5, "非常": 1.8, "太": 1.5, "特别": 1.6, "十分": 1.6, "超": 1.5, "超级": 1.7, "极": 1.8, "极其": 1.8,
            "真": 1.3, "最": 1.6, "相当": 1.4, "比较": 0.8, "有点": 0.7, "有些": 0.7, "稍微": 0.6, "略": 0.6,
            "very": 1.5, "extremely": 1.8, "so": 1.4, "really": 1.3, "too": 1.4, "super": 1.5, "highly": 1.5,
            "absolutely": 1.6, "incredibly": 1.7, "quite": 1.2, "slightly": 0.6, "a bit": 0.7, "somewhat": 0.7,
            "a little": 0.7, "far too": 1.6,
        ],
        escalation: [
            "投诉", "退款", "愤怒", "举报", "12315", "曝光", "起诉", "律师", "骗子", "退货", "差评", "赔偿",
            "complain*", "refund*", "cancel*", "furious", "lawyer", "lawsuit", "chargeback", "scam", "sue", "terrible",
            // A refund that did not come: a complaint, though a negator precedes the word.
            "不退款", "不给退款", "还没退款", "还没有退款", "没收到退款", "没有收到退款", "未退款",
            "no refund", "not refunded", "never refunded", "never got my refund",
        ],
        neutral: [
            "有没有", "不过", "不管", "不同", "不断", "无论", "好像", "好的", "不用", "没想到", "好久", "没有特别", "没什么特别",
            "no matter", "not only", "nothing special",
        ],
        inabilityNegators: [
            "无法", "不能", "没法", "不了", "不让", "不给",
            "can't", "cant", "cannot", "couldn't", "can’t", "couldn’t", "unable",
        ],
        // Chinese verbs such as 收到 would hide the theme word that overlaps them (收到货 is about
        // delivery: 到货); 没收到退款 is an escalation phrase instead.
        receiptVerbs: [
            "到账",
            "received", "receive", "got", "gotten", "get", "arrived", "come", "came", "seen", "credited", "processed",
        ]
    )
}
