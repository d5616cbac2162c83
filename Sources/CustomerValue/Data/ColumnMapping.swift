/// A role a column can play in a data file (customer id, date, amount, ...).
public struct ColumnRole: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Canonical name, as in the default header (`customer_id`).
    public var name: String
    /// Header names recognised for it, compared after ``ColumnMapping/normalize(_:)``.
    public var aliases: [String]

    /// Creates the value from its parts; each property's comment gives its meaning and domain.
    public init(name: String, aliases: [String]) {
        self.name = name
        self.aliases = aliases
    }

    public var description: String { name }
}

/// Finds the columns of a file from its header row.
///
/// Headers are compared after normalising (lower case, spaces, `_`, `-`, `.` and full-width
/// brackets removed), so `Customer ID`, `customer_id` and `CustomerID` all match. A column named
/// explicitly (by header name or 1-based position) beats the aliases.
public struct ColumnMapping: Sendable, Hashable {
    /// The header as read.
    public var header: [String]
    /// Column index for each role found.
    public var indexes: [String: Int]
    /// Role name → the role whose column, named by the user, carries one of its names: a role
    /// found nowhere else because the user gave its column to another role (`--customer-col
    /// amount` leaves the amount without a column).
    public var takenBy: [String: String] = [:]

    /// Normalises a header name for comparison.
    public static func normalize(_ name: String) -> String {
        var out = ""
        for ch in name.lowercased() where !" _-.()（）\t\u{FEFF}\"'".contains(ch) { out.append(ch) }
        return out
    }

    /// Resolves `roles` against `header`.
    /// - Parameters:
    ///   - header: the header row.
    ///   - roles: the roles to look for.
    ///   - overrides: role name → a header name or a 1-based column number given by the user.
    ///   - file: the file's path, for messages.
    ///   - line: the header's line number in the file, for messages.
    /// - Throws: ``ColumnMappingError`` when an override names no column, or when the column a
    ///   role would take is named twice in the header (which of the two is meant cannot be told).
    public init(header: [String], roles: [ColumnRole], overrides: [String: String] = [:], file: String, line: Int = 1) throws {
        self.header = header
        indexes = [:]
        let normalized = header.map(ColumnMapping.normalize)
        /// Refuses a role's column whose name another column of the header shares.
        func checkNamedOnce(_ index: Int, sameAs matches: (Int) -> Bool, role: ColumnRole) throws {
            guard let other = header.indices.first(where: { $0 != index && matches($0) }) else { return }
            let (first, second) = (min(index, other), max(index, other))
            throw ColumnMappingError(
                file: file,
                message: "line \(line): the header names the \(role.name) column twice: \"\(header[first])\" in column \(first + 1) and \"\(header[second])\" in column \(second + 1); rename one, or name the column to use by its number")
        }
        // The columns the user named first, so that a column named for one role is never
        // also taken by another role's names.
        for role in roles {
            guard let wanted = overrides[role.name] else { continue }
            if let exact = header.firstIndex(of: wanted) {
                try checkNamedOnce(exact, sameAs: { header[$0] == wanted }, role: role)
                indexes[role.name] = exact
            } else if let near = normalized.firstIndex(of: ColumnMapping.normalize(wanted)) {
                try checkNamedOnce(near, sameAs: { normalized[$0] == normalized[near] }, role: role)
                indexes[role.name] = near
            } else if let position = Int(wanted), position >= 1, position <= header.count {
                indexes[role.name] = position - 1
            } else {
                throw ColumnMappingError(
                    file: file,
                    message: "no column \"\(wanted)\" for \(role.name); the header has: \(header.joined(separator: ", "))")
            }
        }
        for role in roles where overrides[role.name] == nil {
            var owner: String?
            for alias in role.aliases {
                guard let k = normalized.firstIndex(of: ColumnMapping.normalize(alias)) else { continue }
                if let taken = indexes.first(where: { $0.value == k })?.key {
                    if owner == nil && overrides[taken] != nil { owner = taken }
                    continue
                }
                try checkNamedOnce(k, sameAs: { normalized[$0] == normalized[k] }, role: role)
                indexes[role.name] = k
                break
            }
            if indexes[role.name] == nil, let owner { takenBy[role.name] = owner }
        }
    }

    /// The column index of `role`, if found.
    public subscript(role: ColumnRole) -> Int? { indexes[role.name] }
}

/// Error for a file whose columns cannot be matched.
public struct ColumnMappingError: Error, CustomStringConvertible, Sendable {
    /// The file concerned.
    public var file: String
    /// What is missing and how to fix it.
    public var message: String
    public var description: String { "\(file): \(message)" }
}

extension ColumnRole {
    /// The customer identifier.
    public static let customerID = ColumnRole(name: "customer_id", aliases: [
        "customer_id", "customerid", "customer", "cust_id", "custid", "client_id", "clientid", "client",
        "user_id", "userid", "member_id", "memberid", "buyer_id", "buyerid", "account_id", "contact_id",
        "customer_no", "customer_code", "customer_number",
        "客户ID", "客户编号", "客户编码", "客户号", "客户代码", "会员ID", "会员编号", "会员号", "会员卡号",
        "用户ID", "用户编号", "顾客ID", "顾客编号", "买家ID", "买家", "客户", "会员", "用户",
    ])
    /// The transaction date.
    public static let date = ColumnRole(name: "date", aliases: [
        "date", "order_date", "orderdate", "invoice_date", "invoicedate", "transaction_date", "purchase_date",
        "sale_date", "order_time", "order_datetime", "created_at", "ordered_at", "paid_at", "payment_date",
        "datetime", "timestamp", "time",
        "订单日期", "下单时间", "下单日期", "交易日期", "交易时间", "购买日期", "购买时间", "付款时间", "付款日期",
        "支付时间", "支付日期", "成交时间", "成交日期", "消费时间", "消费日期", "订单时间", "创建时间", "日期", "时间",
    ])
    /// The amount of the row (order total or line total).
    public static let amount = ColumnRole(name: "amount", aliases: [
        "amount", "revenue", "total", "sales", "order_total", "total_amount", "order_amount", "line_total",
        "net_amount", "paid_amount", "payment", "value", "spend", "gmv", "monetary", "monetary_value",
        "金额", "订单金额", "实付金额", "实付", "实收金额", "销售额", "销售金额", "交易金额", "支付金额", "付款金额",
        "消费金额", "成交金额", "应付金额", "总金额", "总价", "合计",
    ])
    /// The order id: lines with the same order id are one order.
    public static let orderID = ColumnRole(name: "order_id", aliases: [
        "order_id", "orderid", "order", "order_no", "order_number", "invoice", "invoice_no", "invoiceno",
        "invoice_id", "transaction_id", "receipt_id",
        "订单号", "订单编号", "订单ID", "单号", "交易号", "交易编号", "流水号",
    ])
    /// Quantity, for amount = quantity × unit price when there is no amount column.
    public static let quantity = ColumnRole(name: "quantity", aliases: [
        "quantity", "qty", "units", "count", "数量", "购买数量", "件数",
    ])
    /// Unit price, for amount = quantity × unit price.
    public static let unitPrice = ColumnRole(name: "unit_price", aliases: [
        "unit_price", "unitprice", "price", "单价", "价格", "商品单价",
    ])
    /// Product category of the purchase, for the next-category model.
    public static let category = ColumnRole(name: "category", aliases: [
        "category", "product_category", "productcategory", "item_category", "category_name", "product_type",
        "类别", "品类", "商品类别", "商品分类", "产品类别", "分类", "类目",
    ])
    /// Cost of the row (cost of goods sold), in the amount's currency: gross margin = 1 − cost / amount.
    public static let cost = ColumnRole(name: "cost", aliases: [
        "cost", "cogs", "cost_amount", "total_cost", "line_cost", "成本", "成本金额", "进货成本", "销售成本",
    ])
    /// Order status: cancelled orders are left out (counted).
    public static let status = ColumnRole(name: "status", aliases: [
        "status", "order_status", "state", "订单状态", "状态", "交易状态",
    ])
}
