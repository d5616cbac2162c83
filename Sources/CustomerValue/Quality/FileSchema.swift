/// What a column of a data set file holds, for checking it.
public enum ColumnKind: Sendable, Hashable {
    /// An identifier (must not be empty when required).
    case identifier
    /// Free text.
    case text
    /// A calendar date (any form ``DateParser`` reads).
    case date
    /// A number, optionally an integer and within a range (inclusive).
    case number(range: ClosedRange<Double>?, integer: Bool)
    /// One of a set of values (compared lower-cased); nil accepts any value.
    case category(Set<String>?)
}

/// One column of a schema.
public struct ColumnSpec: Sendable, Hashable {
    public var role: ColumnRole
    public var kind: ColumnKind
    /// A row without a value here is rejected; a file without the column cannot be used.
    public var required: Bool

    /// Creates the value from its parts; each property's comment gives its meaning and domain.
    public init(_ role: ColumnRole, _ kind: ColumnKind, required: Bool = false) {
        self.role = role
        self.kind = kind
        self.required = required
    }
}

/// The columns of one kind of data set file (customers, tickets, surveys, events, opportunities).
public struct FileSchema: Sendable, Hashable {
    /// The file's kind, also its default name without `.csv`.
    public var name: String
    public var columns: [ColumnSpec]
    /// Pairs of date columns that must not go backwards (e.g. resolved_at not before created_at).
    public var orderedDates: [DateOrder]

    /// Two date columns of one row that must be in order.
    public struct DateOrder: Sendable, Hashable {
        public var earlier: String
        public var later: String
    }

    /// Creates the value from its parts; each property's comment gives its meaning and domain.
    public init(name: String, columns: [ColumnSpec], orderedDates: [(String, String)] = []) {
        self.name = name
        self.columns = columns
        self.orderedDates = orderedDates.map { DateOrder(earlier: $0.0, later: $0.1) }
    }
}

extension ColumnRole {
    static func make(_ name: String, _ aliases: [String]) -> ColumnRole { ColumnRole(name: name, aliases: [name] + aliases) }
}

extension FileSchema {
    /// `customers.csv`: one row per customer.
    public static let customers = FileSchema(name: "customers", columns: [
        ColumnSpec(.customerID, .identifier, required: true),
        ColumnSpec(.make("name", ["customer_name", "full_name", "姓名", "客户名称", "客户姓名", "名称", "会员名称", "昵称"]), .text),
        ColumnSpec(.make("industry", ["sector", "行业", "所属行业"]), .text),
        ColumnSpec(.make("region", ["area", "province", "city", "country", "地区", "区域", "大区", "省份", "城市"]), .text),
        ColumnSpec(.make("registered_at", ["registration_date", "signup_date", "signed_up_at", "join_date", "created_at", "注册时间", "注册日期", "入会时间", "开户日期"]), .date),
        ColumnSpec(.make("age_band", ["age_group", "age", "年龄段", "年龄"]), .text),
        ColumnSpec(.make("gender", ["sex", "性别"]), .text),
    ])

    /// `tickets.csv`: one row per service contact.
    public static let tickets = FileSchema(name: "tickets", columns: [
        ColumnSpec(.make("ticket_id", ["ticketid", "case_id", "id", "工单号", "工单ID", "工单编号"]), .identifier),
        ColumnSpec(.customerID, .identifier, required: true),
        ColumnSpec(.make("created_at", ["date", "opened_at", "created", "创建时间", "提交时间", "日期"]), .date, required: true),
        ColumnSpec(.make("type", ["ticket_type", "category", "类型", "工单类型"]), .text),
        ColumnSpec(.make("channel", ["source", "渠道", "来源"]), .text),
        ColumnSpec(.make("status", ["state", "状态"]), .text),
        ColumnSpec(.make("resolved_at", ["closed_at", "resolved", "解决时间", "关闭时间", "完成时间"]), .date),
        ColumnSpec(.make("text", ["description", "content", "comment", "subject", "内容", "描述", "问题描述"]), .text),
    ], orderedDates: [("created_at", "resolved_at")])

    /// `surveys.csv`: one row per survey answer.
    public static let surveys = FileSchema(name: "surveys", columns: [
        ColumnSpec(.customerID, .identifier, required: true),
        ColumnSpec(.make("date", ["answered_at", "submitted_at", "created_at", "日期", "时间", "提交时间"]), .date, required: true),
        ColumnSpec(.make("nps", ["nps_score", "likelihood_to_recommend", "推荐值", "推荐意愿", "净推荐值"]), .number(range: 0...10, integer: true)),
        ColumnSpec(.make("csat", ["csat_score", "satisfaction", "满意度"]), .number(range: 1...5, integer: true)),
        ColumnSpec(.make("ces", ["ces_score", "effort", "customer_effort", "费力度", "客户费力度"]), .number(range: 1...7, integer: true)),
        ColumnSpec(.make("comment", ["comments", "feedback", "text", "review", "评论", "评价", "意见", "反馈", "留言"]), .text),
    ])

    /// `events.csv`: one row per engagement event.
    public static let events = FileSchema(name: "events", columns: [
        ColumnSpec(.customerID, .identifier, required: true),
        ColumnSpec(.make("timestamp", ["date", "event_time", "time", "occurred_at", "时间", "事件时间", "日期"]), .date, required: true),
        ColumnSpec(.make("event", ["event_type", "type", "action", "事件", "行为", "事件类型"]), .text, required: true),
    ])

    /// `opportunities.csv`: one row per sales opportunity.
    public static let opportunities = FileSchema(name: "opportunities", columns: [
        ColumnSpec(.make("opportunity_id", ["opportunityid", "deal_id", "id", "商机ID", "商机编号", "机会ID"]), .identifier, required: true),
        ColumnSpec(.customerID, .identifier),
        ColumnSpec(.make("owner", ["sales_rep", "rep", "负责人", "销售", "销售代表"]), .text),
        ColumnSpec(.make("amount", ["value", "deal_size", "金额", "预计金额", "商机金额"]), .number(range: 0...AmountParser.largestAmount, integer: false)),
        ColumnSpec(.make("stage", ["销售阶段", "阶段"]), .text),
        ColumnSpec(.make("created_at", ["date", "created", "创建时间", "创建日期"]), .date, required: true),
        ColumnSpec(.make("qualified_at", ["确认时间"]), .date),
        ColumnSpec(.make("proposal_at", ["方案时间", "报价时间"]), .date),
        ColumnSpec(.make("negotiation_at", ["谈判时间"]), .date),
        ColumnSpec(.make("closed_at", ["close_date", "关闭时间", "成交时间", "结束时间"]), .date),
        ColumnSpec(.make("status", ["result", "outcome", "状态", "结果"]), .category(["open", "won", "lost", "进行中", "赢单", "输单"])),
    ], orderedDates: [("created_at", "qualified_at"), ("qualified_at", "proposal_at"), ("proposal_at", "negotiation_at"), ("created_at", "closed_at")])

    /// The schemas of a data set folder's optional files.
    public static let dataSetFiles: [FileSchema] = [.customers, .tickets, .surveys, .events, .opportunities]
}
