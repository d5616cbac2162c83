extension SegmentTable {
    /// The built-in table named `name`: "default" (``tenSegments``) or "cn8" (``chineseEightClass``).
    public static func builtIn(_ name: String) -> SegmentTable? {
        switch name.lowercased() {
        case "default", "ten", "rfm10": return tenSegments
        case "cn8", "eight", "chinese8": return chineseEightClass
        default: return nil
        }
    }

    /// The widely used ten-segment table on 1–5 scores, with the ranges of the `rfm` R package's
    /// documentation (Hebbali, `rfm_segment`):
    ///
    /// | segment | R | F | M |
    /// |---|---|---|---|
    /// | Champions | 4–5 | 4–5 | 4–5 |
    /// | Loyal Customers | 2–5 | 3–5 | 3–5 |
    /// | New Customers | 4–5 | 1 | 1 |
    /// | Promising | 3–4 | 1 | 1 |
    /// | Potential Loyalist | 3–5 | 1–3 | 1–3 |
    /// | Need Attention | 2–3 | 2–3 | 2–3 |
    /// | About To Sleep | 2–3 | 1–2 | 1–2 |
    /// | Can't Lose Them | 1 | 4–5 | 4–5 |
    /// | At Risk | 1–2 | 2–5 | 2–5 |
    /// | Lost | 1–2 | 1–2 | 1–2 |
    ///
    /// First match wins, as in the package; otherwise Others. The ranges are the package's; the
    /// order differs in one respect: there, New Customers and Promising come after Potential
    /// Loyalist and Can't Lose Them after At Risk, which cover them entirely, so those three
    /// segments can never be assigned. Here each comes just before the segment that covers it;
    /// every other score triple gets the package's segment. Scores of another bin count are
    /// mapped onto 1–5 (see ``SegmentTable``).
    public static let tenSegments = SegmentTable(
        unchecked: "default", basis: .scores, scale: 5,
        segments: [
            segment("Champions", "冠军客户", 4...5, 4...5, 4...5,
                    "Reward them: early access, loyalty perks; ask for reviews and referrals",
                    "给予回馈：新品抢先体验、会员特权，邀请评价和推荐"),
            segment("Loyal Customers", "忠诚客户", 2...5, 3...5, 3...5,
                    "Upsell higher-value products; invite them to the loyalty programme",
                    "推荐更高价值的产品，邀请加入会员计划"),
            segment("New Customers", "新客户", 4...5, 1...1, 1...1,
                    "Onboard them: welcome series and help with the first experience",
                    "做好新客引导：欢迎礼包和首单体验支持"),
            segment("Promising", "有潜力客户", 3...4, 1...1, 1...1,
                    "Build brand awareness: free trials and samples",
                    "提升品牌认知：免费试用和小样"),
            segment("Potential Loyalist", "潜在忠诚客户", 3...5, 1...3, 1...3,
                    "Offer membership or a loyalty programme; recommend related products",
                    "提供会员或积分计划，推荐相关产品"),
            segment("Need Attention", "需要关注客户", 2...3, 2...3, 2...3,
                    "Limited-time offers based on their past purchases",
                    "根据购买历史推送限时优惠"),
            segment("About To Sleep", "即将沉睡客户", 2...3, 1...2, 1...2,
                    "Reconnect with popular products and discounts",
                    "推荐热门产品和折扣，重新建立联系"),
            segment("Can't Lose Them", "不能失去的客户", 1...1, 4...5, 4...5,
                    "Win them back in person: call them, make a special offer, ask what went wrong",
                    "重点挽回：电话回访、专属优惠，了解流失原因"),
            segment("At Risk", "有流失风险客户", 1...2, 2...5, 2...5,
                    "Personalised win-back messages and offers",
                    "个性化召回信息和优惠"),
            segment("Lost", "已流失客户", 1...2, 1...2, 1...2,
                    "Low-cost reactivation campaign; otherwise stop spending on them",
                    "低成本唤醒活动，无效则减少投入"),
        ],
        others: defaultOthers)

    /// The Chinese eight-class RFM model (references.md, RFM): R, F and M each high or low
    /// against its mean (for R, fewer days than the mean is high), eight classes by the three:
    ///
    /// | R | F | M | class |
    /// |---|---|---|---|
    /// | high | high | high | 重要价值客户 important value |
    /// | high | low | high | 重要发展客户 important development |
    /// | low | high | high | 重要保持客户 important retention |
    /// | low | low | high | 重要挽留客户 important win-back |
    /// | high | high | low | 一般价值客户 general value |
    /// | high | low | low | 一般发展客户 general development |
    /// | low | high | low | 一般保持客户 general retention |
    /// | low | low | low | 一般挽留客户 general win-back |
    ///
    /// A value equal to the mean is low (see ``Basis/mean``).
    public static let chineseEightClass = SegmentTable(
        unchecked: "cn8", basis: .mean, scale: 2,
        segments: [
            segment("Important Value", "重要价值客户", 2...2, 2...2, 2...2,
                    "Keep them: VIP service and a dedicated account manager",
                    "重点保持：VIP 服务，专属客户经理"),
            segment("Important Development", "重要发展客户", 2...2, 1...1, 2...2,
                    "Raise their purchase frequency: loyalty points, cross-selling",
                    "提升购买频次：积分激励、交叉销售"),
            segment("Important Retention", "重要保持客户", 1...1, 2...2, 2...2,
                    "Valuable but not seen lately: contact them proactively and bring them back",
                    "价值高但近期未消费：主动联系，促其回流"),
            segment("Important Win-back", "重要挽留客户", 1...1, 1...1, 2...2,
                    "High spenders drifting away: win-back offer, find out why",
                    "高消费但流失风险大：挽留优惠，了解原因"),
            segment("General Value", "一般价值客户", 2...2, 2...2, 1...1,
                    "Frequent but small orders: bundles and upselling to raise order value",
                    "频次高但金额低：组合销售、向上销售提升客单价"),
            segment("General Development", "一般发展客户", 2...2, 1...1, 1...1,
                    "New or light buyers: nurture them with introductory offers",
                    "新客或低频客户：以新人优惠培育"),
            segment("General Retention", "一般保持客户", 1...1, 2...2, 1...1,
                    "Keep in touch with low-cost reminders and coupons",
                    "以低成本提醒和优惠券保持联系"),
            segment("General Win-back", "一般挽留客户", 1...1, 1...1, 1...1,
                    "Low priority: automated reactivation only",
                    "低优先级：仅做自动化唤醒"),
        ],
        others: defaultOthers)

    private static func segment(_ en: String, _ zh: String, _ r: ClosedRange<Int>, _ f: ClosedRange<Int>,
                                _ m: ClosedRange<Int>, _ actionEN: String, _ actionZH: String) -> Segment {
        Segment(name: LocalizedText(en: en, zh: zh),
                recency: ScoreRange(r.lowerBound, r.upperBound), frequency: ScoreRange(f.lowerBound, f.upperBound),
                monetary: ScoreRange(m.lowerBound, m.upperBound), action: LocalizedText(en: actionEN, zh: actionZH))
    }
}
