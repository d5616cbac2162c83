import Foundation

/// Per-customer means of survey answers, the survey part of the composite value models.
public struct CustomerSurveyMeans: Sendable {
    /// Column (`nps`, `csat`, `ces`, or an extra column's header) → customer id → mean answer.
    public var means: [String: [String: Double]]
    /// Extra columns asked for that the file lacks.
    public var missingColumns: [String]
    /// The quality report of the surveys file (nil when built from means directly).
    public var file: TableFileReport?

    /// Means given directly (column → customer id → mean answer).
    public init(means: [String: [String: Double]], missingColumns: [String] = [], file: TableFileReport? = nil) {
        self.means = means
        self.missingColumns = missingColumns
        self.file = file
    }

    /// Reads `path` (a surveys file) and averages each customer's answers; blanks and, in
    /// `extraColumns`, cells that are not numbers are left out.
    /// - Throws: ``InputError`` or ``ColumnMappingError`` when the file cannot be read.
    public static func read(path: String, extraColumns: [String] = [], quarantine: QuarantineSink? = nil) throws -> CustomerSurveyMeans {
        var sums: [String: [String: (Double, Int)]] = [:]
        var extraIndex: [String: Int] = [:]
        var resolved = false
        var missing: [String] = []
        let report = try TableProfiler.profile(path: path, schema: .surveys, quarantine: quarantine) { row in
            if !resolved {
                resolved = true
                for name in extraColumns {
                    if let k = row.header.firstIndex(of: name) ?? row.header.firstIndex(where: { $0.lowercased() == name.lowercased() }) {
                        extraIndex[name] = k
                    } else {
                        missing.append(name)
                    }
                }
            }
            guard let id = row.text("customer_id") else { return }
            func add(_ column: String, _ value: Double?) {
                guard let value, value.isFinite else { return }
                let (s, n) = sums[column, default: [:]][id] ?? (0, 0)
                sums[column, default: [:]][id] = (s + value, n + 1)
            }
            add("nps", row.number("nps"))
            add("csat", row.number("csat"))
            add("ces", row.number("ces"))
            for (name, k) in extraIndex { add(name, row.field(k).flatMap { Double($0) }) }
        }
        if !resolved { missing = extraColumns }
        var means: [String: [String: Double]] = [:]
        for (column, byCustomer) in sums { means[column] = byCustomer.mapValues { $0.0 / Double($0.1) } }
        return CustomerSurveyMeans(means: means, missingColumns: missing, file: report)
    }

    /// The means of `column` in the order of `customerIDs`, NaN for customers without an answer.
    public func values(_ column: String, for customerIDs: [String]) -> [Double] {
        let map = means[column] ?? [:]
        return customerIDs.map { map[$0] ?? .nan }
    }
}

/// The result of a composite value model: three normalised components per customer, their
/// weights and the weighted score.
public struct CompositeValueResult: Sendable, Codable {
    public var model: String
    public var componentNames: [String]
    public var customerIDs: [String]
    /// Component k of customer i: `components[k][i]` (normalised, missing filled with the mean).
    public var components: [[Double]]
    /// The raw indicators behind the components, by name (NaN = unknown).
    public var indicators: [ValueIndicator]
    public var weights: [Double]
    public var score: [Double]
    public var normalization: IndicatorNormalization
    /// What each component is made of, and which fallbacks were used.
    public var notes: [String]
    /// HCP only: the quadrants of current × potential value.
    public var quadrants: ValueQuadrants?

    /// Weighs `components` (already normalised) into the score.
    /// - Precondition: one weight per component; weights sum to 1 within 1e-6.
    public init(model: String, componentNames: [String], customerIDs: [String], components: [[Double]],
                indicators: [ValueIndicator], weights: [Double], normalization: IndicatorNormalization, notes: [String],
                quadrants: ValueQuadrants? = nil) {
        precondition(weights.count == components.count && abs(weights.reduce(0, +) - 1) < 1e-6, "weights sum to 1")
        self.model = model
        self.componentNames = componentNames
        self.customerIDs = customerIDs
        self.components = components
        self.indicators = indicators
        self.weights = weights
        self.normalization = normalization
        self.notes = notes
        self.quadrants = quadrants
        score = CompositeValue.weightedSum(components, weights: weights)
    }
}

/// The customer data the composite value models read, one entry per customer.
public struct ValueModelInput: Sendable {
    public var customerIDs: [String]
    /// Net spend to date.
    public var totalSpend: [Double]
    /// Net spend in the 365 days up to the observation end.
    public var trailingSpend: [Double]
    /// CLV over ``predictedValueMonths`` months from BG/NBD + Gamma-Gamma, when it could be fitted.
    public var predictedValue: [Double]?
    /// The horizon of ``predictedValue`` in months (12 unless set), named in the notes.
    public var predictedValueMonths = 12
    /// Purchase periods (days with a purchase).
    public var periods: [Double]
    /// Days from the first purchase to the observation end.
    public var tenureDays: [Double]
    /// Distinct categories bought, and the number of categories in the data (nil: no category column).
    public var categories: [Double]?
    public var categoryCount: Int
    public var surveys: CustomerSurveyMeans?

    public init(customerIDs: [String], totalSpend: [Double], trailingSpend: [Double], predictedValue: [Double]?,
                periods: [Double], tenureDays: [Double], categories: [Double]?, categoryCount: Int,
                surveys: CustomerSurveyMeans?) {
        self.customerIDs = customerIDs
        self.totalSpend = totalSpend
        self.trailingSpend = trailingSpend
        self.predictedValue = predictedValue
        self.periods = periods
        self.tenureDays = tenureDays
        self.categories = categories
        self.categoryCount = categoryCount
        self.surveys = surveys
    }

    /// The input of a customer summary: total spend, trailing spend (its window), periods
    /// (frequency + 1) and tenure (T in days).
    public init(summary: CustomerSummary, predictedValue: [Double]?, categories: CategoryBreadth?, surveys: CustomerSurveyMeans?) {
        let ids = (0..<summary.count).map(summary.customerID)
        let dayScale = summary.unit.days
        self.init(customerIDs: ids, totalSpend: summary.totalSpend, trailingSpend: summary.windowSpend,
                  predictedValue: predictedValue, periods: summary.frequency.map { Double($0) + 1 },
                  tenureDays: summary.T.map { $0 * dayScale },
                  categories: categories.map { c in ids.map { Double(c.perCustomer[$0] ?? 0) } },
                  categoryCount: categories?.total ?? 0,
                  surveys: surveys)
    }
}

/// Distinct categories bought per customer, and in the whole data.
public struct CategoryBreadth: Sendable, Hashable {
    public var perCustomer: [String: Int]
    public var total: Int
    public init(perCustomer: [String: Int], total: Int) {
        self.perCustomer = perCustomer
        self.total = total
    }
}

/// The two composite value models of the satisfaction issue.
public enum ValueModels {
    /// Survey columns read as perceived-value items when present.
    public static let perceivedValueColumns = ["perceived_value", "value_for_money", "value", "性价比", "感知价值"]
    /// Survey columns read as share of wallet (0–1, or 0–100 when any answer is above 1).
    public static let shareOfWalletColumns = ["share_of_wallet", "wallet_share", "钱包份额"]

    /// Satisfaction / loyalty / perceived value (SVL).
    ///
    /// - satisfaction: the customer's mean CSAT answer (1–5);
    /// - loyalty: the mean of three normalised indicators: repeat rate = (periods − 1) / periods
    ///   (share of purchase days that were repeats), tenure = days from the first purchase to the
    ///   observation end, and the customer's mean NPS answer (0–10);
    /// - perceived value: the mean answer of the survey's perceived-value items
    ///   (``perceivedValueColumns``, or `valueItems`); when the survey has none, the component is
    ///   left out and its weight spread over the others in proportion (said in the notes).
    ///
    /// Each component is normalised (`normalization`), a customer without the answers gets the
    /// mean of the others (``CompositeValue/normalizedFilled(_:normalization:)``).
    /// - Parameter weights: a closure choosing the weights from the normalised components (for
    ///   the entropy method); it receives the component names.
    public static func svl(
        _ input: ValueModelInput, normalization: IndicatorNormalization = .minMax,
        weights: (_ names: [String], _ components: [[Double]]) throws -> [Double]
    ) rethrows -> CompositeValueResult {
        let ids = input.customerIDs
        let surveys = input.surveys
        let csat = surveys?.values("csat", for: ids) ?? ids.map { _ in .nan }
        let nps = surveys?.values("nps", for: ids) ?? ids.map { _ in .nan }
        let repeatRate = input.periods.map { $0 > 0 ? ($0 - 1) / $0 : .nan }
        let loyalty = CompositeValue.meanOfNormalized([repeatRate, input.tenureDays, nps], normalization: normalization)
        var notes = ["satisfaction = mean CSAT (1–5)", "loyalty = mean of normalised repeat rate (periods − 1)/periods, tenure days, mean NPS (0–10)"]
        var indicators = [ValueIndicator(name: "csat_mean", values: csat), ValueIndicator(name: "repeat_rate", values: repeatRate),
                          ValueIndicator(name: "tenure_days", values: input.tenureDays), ValueIndicator(name: "nps_mean", values: nps)]
        var names = ["satisfaction", "loyalty"]
        var components = [CompositeValue.normalizedFilled(csat, normalization: normalization),
                          CompositeValue.normalizedFilled(loyalty, normalization: normalization)]
        let valueColumns = perceivedValueColumns.filter { surveys?.means[$0] != nil }
        if let surveys, !valueColumns.isEmpty {
            let value = CompositeValue.meanOfNormalized(valueColumns.map { surveys.values($0, for: ids) }, normalization: normalization)
            indicators.append(ValueIndicator(name: "perceived_value", values: value))
            names.append("perceived_value")
            components.append(CompositeValue.normalizedFilled(value, normalization: normalization))
            notes.append("perceived value = mean of normalised survey items \(valueColumns.joined(separator: ", "))")
        } else {
            notes.append("perceived value: no survey item (\(perceivedValueColumns.joined(separator: ", "))): left out, its weight spread over the others")
        }
        if surveys == nil { notes.append("no surveys.csv: satisfaction and NPS are the same (mean) for every customer") }
        let w = try weights(names, components)
        return CompositeValueResult(model: "svl", componentNames: names, customerIDs: ids, components: components,
                                    indicators: indicators, weights: w, normalization: normalization, notes: notes)
    }

    /// Historical / current / potential value (HCP) and the current × potential quadrants.
    ///
    /// - historical: net spend to date;
    /// - current: the CLV of BG/NBD + Gamma-Gamma over `predictedValueMonths` when given, else the spend of the
    ///   trailing 365 days (said in the notes);
    /// - potential (headroom): the mean of the normalised indicators available: wallet headroom =
    ///   1 − share of wallet (survey, ``shareOfWalletColumns``), category headroom = 1 − categories
    ///   bought / categories in the data, and promoter status = the mean NPS answer ≥ 9 (1) or not (0)
    ///   (a promoter can refer others); a customer with none of them gets the mean.
    public static func hcp(
        _ input: ValueModelInput, normalization: IndicatorNormalization = .minMax,
        weights: (_ names: [String], _ components: [[Double]]) throws -> [Double]
    ) rethrows -> CompositeValueResult {
        let ids = input.customerIDs
        let current = input.predictedValue ?? input.trailingSpend
        var notes = ["historical = net spend to date",
                     input.predictedValue != nil ? "current = \(input.predictedValueMonths)-month CLV (BG/NBD + Gamma-Gamma)" : "current = spend in the trailing 365 days (no CLV model fitted)"]
        var potentialParts: [[Double]] = []
        var indicators = [ValueIndicator(name: "historical", values: input.totalSpend), ValueIndicator(name: "current", values: current)]
        if let surveys = input.surveys, let column = shareOfWalletColumns.first(where: { surveys.means[$0] != nil }) {
            var share = surveys.values(column, for: ids)
            if share.contains(where: { $0 > 1 }) { share = share.map { $0 / 100 } }
            let headroom = share.map { $0.isNaN ? .nan : 1 - min(1, max(0, $0)) }
            potentialParts.append(headroom)
            indicators.append(ValueIndicator(name: "wallet_headroom", values: headroom))
            notes.append("wallet headroom = 1 − \(column)")
        }
        if let categories = input.categories, input.categoryCount > 0 {
            let headroom = categories.map { 1 - $0 / Double(input.categoryCount) }
            potentialParts.append(headroom)
            indicators.append(ValueIndicator(name: "category_headroom", values: headroom))
            notes.append("category headroom = 1 − categories bought / \(input.categoryCount)")
        }
        if let surveys = input.surveys, surveys.means["nps"] != nil {
            let promoter = surveys.values("nps", for: ids).map { $0.isNaN ? .nan : ($0 >= 9 ? 1.0 : 0.0) }
            potentialParts.append(promoter)
            indicators.append(ValueIndicator(name: "promoter", values: promoter))
            notes.append("promoter = mean NPS answer ≥ 9")
        }
        let potential = potentialParts.isEmpty
            ? ids.map { _ in 0.0 }
            : CompositeValue.meanOfNormalized(potentialParts, normalization: .minMax).map { $0.isNaN ? .nan : $0 }
        let potentialFilled = CompositeValue.normalizedFilled(potential, normalization: .minMax)
        if potentialParts.isEmpty { notes.append("potential: no indicator (no share of wallet, category or NPS): 0 for everyone") }
        indicators.append(ValueIndicator(name: "potential", values: potentialFilled))
        let names = ["historical", "current", "potential"]
        let components = [CompositeValue.normalizedFilled(input.totalSpend, normalization: normalization),
                          CompositeValue.normalizedFilled(current, normalization: normalization),
                          CompositeValue.normalizedFilled(potentialFilled, normalization: normalization)]
        let w = try weights(names, components)
        let quadrants = ValueQuadrants(current: current, potential: potentialFilled, historical: input.totalSpend)
        return CompositeValueResult(model: "hcp", componentNames: names, customerIDs: ids, components: components,
                                    indicators: indicators, weights: w, normalization: normalization, notes: notes,
                                    quadrants: quadrants)
    }

    /// Default weights: SVL 0.4 / 0.3 / 0.3 (satisfaction, loyalty, perceived value); HCP equal.
    /// Weights of left-out components are spread over the others in proportion.
    public static func defaultWeights(model: String, names: [String]) -> [Double] {
        let base: [String: Double] = model == "svl"
            ? ["satisfaction": 0.4, "loyalty": 0.3, "perceived_value": 0.3]
            : ["historical": 1.0 / 3, "current": 1.0 / 3, "potential": 1.0 / 3]
        let w = names.map { base[$0] ?? 0 }
        let total = w.reduce(0, +)
        return w.map { $0 / total }
    }

    /// Distinct categories per customer of a transactions file with a category column
    /// (`category`, `product_category`, `品类`, `类别`, `商品类别`); nil without one.
    /// - Throws: ``InputError`` when the file cannot be read.
    public static func categoriesPerCustomer(path: String) throws -> CategoryBreadth? {
        let reader = try CSVReader(path: path)
        guard try reader.nextHeader() else { return nil }
        let header = reader.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let mapping = try ColumnMapping(header: header, roles: [.customerID], file: path, line: reader.line)
        let names = ["category", "product_category", "品类", "类别", "商品类别"]
        guard let customer = mapping[.customerID],
              let category = header.firstIndex(where: { names.contains($0.lowercased()) }) else { return nil }
        var seen: [String: Set<String>] = [:]
        var all = Set<String>()
        while try reader.next() {
            guard !reader.isBlankLine, reader.malformation == nil, reader.fieldCount == header.count else { continue }
            let id = reader.string(customer).trimmingCharacters(in: .whitespaces)
            let c = reader.string(category).trimmingCharacters(in: .whitespaces)
            guard !id.isEmpty, !c.isEmpty else { continue }
            seen[id, default: []].insert(c)
            all.insert(c)
        }
        return CategoryBreadth(perCustomer: seen.mapValues(\.count), total: all.count)
    }
}
