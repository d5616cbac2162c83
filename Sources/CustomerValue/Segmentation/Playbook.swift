/// Recommended actions, in English and Chinese, for each value tier, value-matrix cell and ABC
/// class. (Segments carry their own action in their ``SegmentTable``.) The standard actions are
/// the usual CRM recommendations for each group; a segment file's `playbook:` section overrides
/// any of them.
public struct Playbook: Sendable, Hashable, Codable {
    /// Actions by tier key: high_value, potential, general, churn_risk.
    public var tiers: [String: LocalizedText]
    /// Actions by value-matrix cell key: best, spenders, frequent, uncertain.
    public var valueMatrix: [String: LocalizedText]
    /// Actions by ABC class: A, B, C.
    public var abc: [String: LocalizedText]

    enum CodingKeys: String, CodingKey { case tiers, valueMatrix = "value_matrix", abc }

    /// A playbook with the given actions (for overrides: only those to replace).
    public init(tiers: [String: LocalizedText] = [:], valueMatrix: [String: LocalizedText] = [:],
                abc: [String: LocalizedText] = [:]) {
        self.tiers = tiers
        self.valueMatrix = valueMatrix
        self.abc = abc
    }

    /// This playbook with the actions of `overrides` in place of its own.
    public func merging(_ overrides: Playbook) -> Playbook {
        Playbook(tiers: tiers.merging(overrides.tiers) { $1 },
                 valueMatrix: valueMatrix.merging(overrides.valueMatrix) { $1 },
                 abc: abc.merging(overrides.abc) { $1 })
    }

    /// The standard actions.
    public static let standard = Playbook(
        tiers: [
            "high_value": LocalizedText(
                en: "Assign a dedicated account manager; exclusive service and early access",
                zh: "指派专属客户经理，提供专属服务和新品优先体验"),
            "potential": LocalizedText(
                en: "Nurture: cross-sell, loyalty programme, personalised recommendations",
                zh: "重点培育：交叉销售、会员计划、个性化推荐"),
            "general": LocalizedText(
                en: "Maintain with regular low-cost marketing",
                zh: "以常规低成本营销维护"),
            "churn_risk": LocalizedText(
                en: "Send a win-back offer and check satisfaction",
                zh: "发送召回优惠并进行满意度回访"),
        ],
        valueMatrix: [
            "best": LocalizedText(
                en: "Retain and reward: VIP treatment, loyalty rewards",
                zh: "保留并奖励：VIP 待遇、忠诚奖励"),
            "spenders": LocalizedText(
                en: "Big but rare orders: reminders and new-product alerts to raise frequency",
                zh: "单笔金额高但购买少：提醒和新品推送以提高频次"),
            "frequent": LocalizedText(
                en: "Price-sensitive small orders: coupons and bundles to raise order value",
                zh: "价格敏感、客单价低：优惠券和组合套餐提升客单价"),
            "uncertain": LocalizedText(
                en: "Low-cost automated campaigns; test offers before investing",
                zh: "低成本自动化营销，先测试优惠再投入"),
        ],
        abc: [
            "A": LocalizedText(
                en: "Key accounts: personal service, retention first",
                zh: "重点客户：一对一服务，优先保留"),
            "B": LocalizedText(
                en: "Grow: targeted offers to move them up to A",
                zh: "成长客户：定向营销，推动升级为 A 类"),
            "C": LocalizedText(
                en: "Serve efficiently: self-service and automated marketing",
                zh: "高效服务：自助服务和自动化营销"),
        ])
}
