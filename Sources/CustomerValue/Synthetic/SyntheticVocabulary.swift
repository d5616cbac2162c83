/// The words the synthetic generator writes: categories, channels, names, regions, and the
/// templates of ticket texts and survey comments, stored as UTF-8 bytes so the hot loops copy
/// bytes instead of building strings.
///
/// The lists are small on purpose: the data should look like a CRM export, with Chinese and
/// English mixed the way a Chinese retailer's export mixes them, and carry the signals the
/// analyses look for (complaint themes, negations in comments), not be a language model.
enum SyntheticVocabulary {
    /// A list of phrases with a sampling weight each.
    ///
    /// The phrases are also kept concatenated in one byte array, so that copying one into a row
    /// is a single memcpy without retaining a per-phrase array.
    struct WeightedPhrases: Sendable {
        let phrases: [[UInt8]]
        let table: CumulativeWeights
        private let flat: [UInt8]
        private let bounds: [Int]
        private let needsQuotes: [Bool]

        init(_ entries: [(String, Double)]) {
            phrases = entries.map { Array($0.0.utf8) }
            table = CumulativeWeights(entries.map(\.1))
            flat = phrases.flatMap { $0 }
            var bounds = [0]
            for phrase in phrases { bounds.append(bounds[bounds.count - 1] + phrase.count) }
            self.bounds = bounds
            needsQuotes = phrases.map { $0.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 } }
        }

        init(uniform entries: [String]) {
            self.init(entries.map { ($0, 1.0) })
        }

        var count: Int { phrases.count }

        /// Draws a phrase index by weight.
        @inline(__always)
        func sample<G: RandomNumberGenerator>(using rng: inout G) -> Int {
            table.sample(using: &rng)
        }

        /// Appends phrase `index` as it is.
        @inline(__always)
        func appendRaw(_ index: Int, to buffer: inout [UInt8]) {
            let range = bounds[index]..<bounds[index + 1]
            flat.withUnsafeBufferPointer { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: $0[range])) }
        }

        /// Appends phrase `index` as a CSV field (quoted when it holds a comma, quote or newline).
        @inline(__always)
        func appendField(_ index: Int, to buffer: inout [UInt8]) {
            if needsQuotes[index] {
                buffer.appendCSVField(phrases[index])
            } else {
                appendRaw(index, to: &buffer)
            }
        }

        /// Draws a phrase by weight and appends it as a CSV field.
        @inline(__always)
        func appendRandomField<G: RandomNumberGenerator>(using rng: inout G, to buffer: inout [UInt8]) {
            appendField(table.sample(using: &rng), to: &buffer)
        }
    }

    // MARK: Transactions

    static let categories = WeightedPhrases([
        ("Electronics", 0.17), ("Apparel", 0.20), ("Home", 0.14), ("Beauty", 0.12),
        ("Grocery", 0.15), ("Books", 0.08), ("Sports", 0.08), ("Toys", 0.06),
    ])

    /// Channels of a purchase; indices are stored in 3 bits of a sort record.
    static let channels = WeightedPhrases([
        ("web", 0.30), ("app", 0.25), ("store", 0.20), ("wechat", 0.15), ("tmall", 0.10),
    ])

    // MARK: Customers

    /// Chinese surnames weighted roughly by frequency.
    static let chineseSurnames = WeightedPhrases([
        ("王", 7.2), ("李", 7.0), ("张", 6.8), ("刘", 5.4), ("陈", 4.5), ("杨", 3.1), ("黄", 2.2),
        ("赵", 2.0), ("吴", 2.0), ("周", 1.9), ("徐", 1.3), ("孙", 1.3), ("马", 1.2), ("朱", 1.1),
        ("胡", 1.1), ("郭", 1.1), ("何", 1.0), ("林", 1.0), ("高", 1.0), ("罗", 0.9), ("郑", 0.8),
        ("梁", 0.8), ("谢", 0.6), ("宋", 0.5), ("唐", 0.5), ("许", 0.5), ("韩", 0.5), ("冯", 0.4),
        ("邓", 0.4), ("曹", 0.4), ("欧阳", 0.05), ("司马", 0.02),
    ])
    static let chineseGivenNamesMale = WeightedPhrases(uniform: [
        "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "浩",
        "宇", "建华", "志强", "俊杰", "子豪", "文博", "晓东", "国栋", "浩然", "宇轩", "建国", "海涛",
    ])
    static let chineseGivenNamesFemale = WeightedPhrases(uniform: [
        "娜", "静", "敏", "丽", "芳", "艳", "娟", "霞", "婷", "雪", "琳", "颖", "欣怡", "雨欣", "晓燕",
        "秀英", "玉兰", "梦琪", "佳怡", "诗涵", "子涵", "桂英", "丽娟", "思雨",
    ])
    static let englishFirstNamesMale = WeightedPhrases(uniform: [
        "James", "John", "Robert", "Michael", "David", "William", "Daniel", "Thomas", "Kevin",
        "Brian", "Jason", "Eric", "Ryan", "Andrew",
    ])
    static let englishFirstNamesFemale = WeightedPhrases(uniform: [
        "Mary", "Emma", "Olivia", "Sarah", "Jennifer", "Emily", "Sophia", "Linda", "Grace",
        "Jessica", "Amy", "Rachel", "Laura", "Chloe",
    ])
    static let englishSurnames = WeightedPhrases(uniform: [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor",
        "Anderson", "Chen", "Wang", "Lee", "Nguyen", "Garcia", "O'Brien", "Müller",
    ])

    static let industries = WeightedPhrases([
        ("", 0.30), ("Retail", 0.14), ("Manufacturing", 0.12), ("Technology", 0.11),
        ("Finance", 0.08), ("Education", 0.07), ("Healthcare", 0.06), ("Logistics", 0.05),
        ("Hospitality", 0.04), ("Government", 0.03),
    ])
    static let chineseRegions = WeightedPhrases([
        ("华东", 0.30), ("华北", 0.17), ("华南", 0.20), ("华中", 0.11), ("西南", 0.10),
        ("西北", 0.06), ("东北", 0.06),
    ])
    static let otherRegions = WeightedPhrases([
        ("North America", 0.35), ("Europe", 0.30), ("Southeast Asia", 0.20),
        ("Hong Kong, Macau & Taiwan", 0.10), ("Other", 0.05),
    ])
    static let ageBands = WeightedPhrases([
        ("18-24", 0.14), ("25-34", 0.32), ("35-44", 0.25), ("45-54", 0.15), ("55-64", 0.09),
        ("65+", 0.05),
    ])

    // MARK: Tickets

    static let ticketTypes = WeightedPhrases(uniform: ["inquiry", "complaint", "return", "technical"])
    static let ticketChannels = WeightedPhrases([
        ("phone", 0.30), ("email", 0.20), ("online_chat", 0.25), ("wechat", 0.20), ("app", 0.05),
    ])
    /// open, resolved, closed.
    static let ticketStatus = WeightedPhrases(uniform: ["open", "resolved", "closed"])

    /// Themes of a service contact; the texts of each theme carry its keywords.
    enum Theme: Int, CaseIterable {
        case delivery, price, quality, service, waiting, billing
    }

    /// Complaint texts per theme, Chinese then English.
    static let complaintTexts: [(chinese: WeightedPhrases, english: WeightedPhrases)] = [
        (  // delivery
            WeightedPhrases(uniform: [
                "物流太慢了，等了一个星期还没到", "快递一直没有更新物流信息", "快递员没打电话就放在门口了",
                "物流慢,下次不在这买了", "快递送错地址了",
            ]),
            WeightedPhrases(uniform: [
                "Delivery is too slow, still waiting after a week", "The courier lost my package",
                "Parcel left at the door without a call", "Tracking has not updated in 5 days",
            ])
        ),
        (  // price
            WeightedPhrases(uniform: [
                "太贵了，性价比不高", "价格比别家贵很多", "刚买就降价了，要求退差价", "性价比太低",
            ]),
            WeightedPhrases(uniform: [
                "Too expensive for what it is", "Price dropped right after I bought it, please refund the difference",
                "Not worth the money", "Your prices went up again",
            ])
        ),
        (  // quality
            WeightedPhrases(uniform: [
                "质量差，用了两天就坏了", "收到的商品有破损", "包装破损，东西也坏了", "和描述不符，质量太差",
            ]),
            WeightedPhrases(uniform: [
                "Poor quality, broke after two days", "Item arrived damaged, box was \"crushed\"",
                "Not as described", "Stopped working after a week",
            ])
        ),
        (  // service
            WeightedPhrases(uniform: [
                "客服态度很差", "客服不回复消息", "客服态度恶劣，问题一直没解决", "找了三次客服都没人管",
            ]),
            WeightedPhrases(uniform: [
                "Support agent was rude", "No one answered my emails",
                "Customer service keeps transferring me, nobody helps", "Agent hung up on me",
            ])
        ),
        (  // waiting
            WeightedPhrases(uniform: [
                "排队等了很久", "电话一直在等待，没人接", "门店排队一个小时", "等待时间太长了",
            ]),
            WeightedPhrases(uniform: [
                "Waited on hold for 40 minutes", "The queue at the store was far too long",
                "Still waiting for a callback", "Waiting time is unacceptable",
            ])
        ),
        (  // billing
            WeightedPhrases(uniform: [
                "重复扣费，请退款", "没有同意就自动续费扣费了", "账单金额不对", "退款一直没有到账",
            ]),
            WeightedPhrases(uniform: [
                "I was charged twice", "Unexpected charge on my card, please refund",
                "The invoice amount is wrong", "Refund still not received",
            ])
        ),
    ]

    /// Inquiry and technical texts per theme, Chinese then English: questions, not complaints.
    static let inquiryTexts: [(chinese: WeightedPhrases, english: WeightedPhrases)] = [
        (
            WeightedPhrases(uniform: ["请问什么时候发货？", "可以修改收货地址吗？", "快递用的是哪家？"]),
            WeightedPhrases(uniform: ["When will my order ship?", "Can I change the delivery address?"])
        ),
        (
            WeightedPhrases(uniform: ["有没有优惠券？", "会员价怎么算？"]),
            WeightedPhrases(uniform: ["Is there a discount for members?", "Do you price match?"])
        ),
        (
            WeightedPhrases(uniform: ["这个产品保修多久？", "尺码偏大还是偏小？"]),
            WeightedPhrases(uniform: ["How long is the warranty?", "Does this size run small?"])
        ),
        (
            WeightedPhrases(uniform: ["怎么联系人工客服？", "App登录不了"]),
            WeightedPhrases(uniform: ["How do I reach a human agent?", "I cannot log in to the app"])
        ),
        (
            WeightedPhrases(uniform: ["预约需要等待多久？"]),
            WeightedPhrases(uniform: ["How long is the wait for an appointment?"])
        ),
        (
            WeightedPhrases(uniform: ["发票怎么开？", "怎么取消自动续费？"]),
            WeightedPhrases(uniform: ["How do I get an invoice?", "How do I cancel auto-renewal?"])
        ),
    ]

    // MARK: Surveys

    static let positiveComments = (
        chinese: WeightedPhrases(uniform: [
            "很满意，会再来", "没问题，物流很快", "质量不错，性价比高", "客服态度很好", "非常满意",
            "没什么可挑剔的",
        ]),
        english: WeightedPhrases(uniform: [
            "Great service, will buy again", "Not bad at all", "Fast delivery, no complaints",
            "Love it, highly recommend", "Couldn't be happier",
        ])
    )
    static let neutralComments = (
        chinese: WeightedPhrases(uniform: ["还行", "一般般", "价格还可以，物流有点慢", "没有特别的感觉"]),
        english: WeightedPhrases(uniform: ["It's okay", "Average experience", "Fine, nothing special", "Not bad, not great"])
    )
    static let negativeComments = (
        chinese: WeightedPhrases(uniform: [
            "不满意，质量太差", "不会再买了", "客服态度差，不推荐", "太贵了，不值", "物流太慢，非常失望",
        ]),
        english: WeightedPhrases(uniform: [
            "Never again", "Not happy with the delivery", "Terrible quality, would not recommend",
            "Too expensive, not worth it", "Support never answered, \"disappointed\"",
        ])
    )

    // MARK: Events

    static let events = WeightedPhrases([
        ("login", 0.42), ("email_open", 0.28), ("email_click", 0.10), ("campaign_join", 0.08),
        ("cart_abandon", 0.12),
    ])

    // MARK: Opportunities

    static let salesOwners = WeightedPhrases(uniform: [
        "张伟", "李静", "王芳", "刘洋", "陈晨", "Emily Chen", "David Smith", "Sarah Johnson",
    ])
    static let stageNames = WeightedPhrases(uniform: ["lead", "qualified", "proposal", "negotiation", "won", "lost"])
    static let opportunityStatus = WeightedPhrases(uniform: ["open", "won", "lost"])

    // MARK: Dirty rows

    static let unparseableDates = WeightedPhrases(uniform: ["2024-13-45", "yesterday"])
    static let currencySign: [UInt8] = Array("¥".utf8)
}
