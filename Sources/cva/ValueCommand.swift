import ArgumentParser
import CustomerValue
import Foundation

extension IndicatorNormalization: ExpressibleByArgument {}

/// `cva value`: composite customer value models (SVL, HCP) and the value quadrants.
struct ValueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "value",
        abstract: "Composite value per customer: satisfaction/loyalty/perceived value (svl) or historical/current/potential value with quadrants (hcp).",
        discussion: """
            Input: a data set folder (transactions.csv; surveys.csv and a category column used when present) \
            or a transactions CSV. Each model is a weighted sum of three components, each a normalised \
            indicator (--normalization minmax: (x − min)/(max − min); z: (x − mean)/sd); a customer without an \
            indicator (no survey answer) gets the mean of the others.

            svl (default weights 0.4, 0.3, 0.3): satisfaction = the customer's mean CSAT; loyalty = mean of \
            normalised repeat rate ((purchase days − 1)/purchase days), tenure (days since the first purchase) \
            and mean NPS; perceived value = mean of survey items perceived_value / value_for_money / 性价比 \
            (left out, its weight spread over the others, when the survey has none).

            hcp (default weights equal): historical = net spend to date; current = CLV of BG/NBD + \
            Gamma-Gamma (weekly fit, as `cva analyze`) over --clv-months at --discount-rate a month (default: \
            cva.yaml's clv_months and discount_rate, else 12 and 0.01), or the trailing-365-day spend when the \
            fit fails (the output says which: current_source clv_<months>m, e.g. clv_12m, or trailing_12m_spend); potential = mean of normalised headroom indicators: 1 − share_of_wallet \
            (survey), 1 − categories bought / categories in the data, promoter (mean NPS ≥ 9). Quadrants of \
            current × potential, high = above the median: retain (high, high), develop (low current, high \
            potential), maintain (high current, low potential), let_go (low, low).

            --weights: three numbers summing to 1 (w1,w2,w3 in the order above), entropy (entropy weight \
            method on the normalised components), or ahp:FILE (a 3×3 pairwise comparison matrix CSV, see \
            `cva weights ahp`; criteria in the model's order).

            --format csv: one row per customer (customer_id, the components, score, quadrant for hcp); json: \
            {"model", "weights", "normalization", "notes", "current_source", "quadrants", "customers": [...]}.
            """)

    enum Model: String, ExpressibleByArgument, CaseIterable { case svl, hcp }

    @Argument(help: "A data set folder or a transactions CSV.")
    var input: String
    @Option(help: "Model: svl (satisfaction, loyalty, perceived value) or hcp (historical, current, potential).")
    var model: Model = .svl
    @Option(parsing: .unconditional, help: "Weights: w1,w2,w3 | entropy | ahp:FILE (default svl 0.4,0.3,0.3; hcp equal).")
    var weights: String?
    @Option(help: "Normalisation of the indicators: minmax or z.")
    var normalization: IndicatorNormalization = .minMax
    @Option(name: .customLong("clv-months"), parsing: .unconditional, help: "CLV horizon in months of hcp's current value (default: cva.yaml's clv_months, else 12).")
    var clvMonths: Int?
    @Option(name: .customLong("discount-rate"), parsing: .unconditional, help: "Monthly discount rate of that CLV (default: cva.yaml's discount_rate, else 0.01).")
    var discountRate: Double?
    @OptionGroup var transactions: TransactionOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runReportingErrors {
            let config = try configOf(input: input)
            let clv = try CLVSettings(config: config, clvMonths: clvMonths, discountRate: discountRate)
            let path = try transactionsPath(input)
            let history = try loadTransactions(path: path, options: transactions, quarantine: nil)
            noteSetAside(history.report, quarantinePath: nil, commandKeepsRows: false)
            let summary = try CustomerSummary(history: history, options: SummaryOptions())
            var surveysPath: String?
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue {
                surveysPath = try DataSet(directory: input).files["surveys"]
            }
            let result = try Self.compute(model: model, weights: weights, normalization: normalization, summary: summary,
                                          history: model == .hcp ? history : nil, transactionsPath: path, surveysPath: surveysPath,
                                          clv: clv)
            let out = try ByteSink(path: output.out)
            switch output.resolvedFormat {
            case .csv:
                // The table and JSON carry the notes; with CSV they go to stderr, or a missing
                // input (no surveys.csv: everyone's satisfaction the same) would go unsaid.
                for note in result.notes { Console.note("note: \(note)") }
                try Self.customerTable(result).writeCSV(to: out)
            case .json: try Self.writeJSON(result, months: clv.months, to: out)
            case .table: try out.write(Self.text(result)); try Self.customerTable(result).writeTable(to: out, limit: 20)
            }
            try out.close()
        }
    }

    /// Runs a model: reads the surveys and categories, fits the CLV model for hcp, picks the weights.
    static func compute(model: Model, weights: String?, normalization: IndicatorNormalization, summary: CustomerSummary,
                        history: TransactionHistory?, transactionsPath: String, surveysPath: String?,
                        clv settings: CLVSettings = .init()) throws -> CompositeValueResult {
        let surveys = try surveysPath.map {
            try CustomerSurveyMeans.read(path: $0, extraColumns: ValueModels.perceivedValueColumns + ValueModels.shareOfWalletColumns)
        }
        var predicted: [Double]?
        var categories: CategoryBreadth?
        if model == .hcp {
            categories = try ValueModels.categoriesPerCustomer(path: transactionsPath)
            if let history { predicted = clv(history: history, summary: summary, settings: settings) }
        }
        var input = ValueModelInput(summary: summary, predictedValue: predicted, categories: categories, surveys: surveys)
        input.predictedValueMonths = settings.months
        let choose = { (names: [String], components: [[Double]]) throws -> [Double] in
            try chooseWeights(weights, model: model, names: names, components: components)
        }
        return model == .svl
            ? try ValueModels.svl(input, normalization: normalization, weights: choose)
            : try ValueModels.hcp(input, normalization: normalization, weights: choose)
    }

    /// Each summary customer's CLV over `settings.months` at `settings.discountRate` (BG/NBD +
    /// Gamma-Gamma on the weekly summary, as `cva analyze`), or nil when either model cannot be fitted.
    static func clv(history: TransactionHistory, summary: CustomerSummary, settings: CLVSettings) -> [Double]? {
        guard let weekly = try? CustomerSummary(history: history, options: SummaryOptions(unit: .week)),
              let data = try? PurchaseData(summary: weekly) else { return nil }
        let input = ModelInput(customerIDs: (0..<weekly.count).map(weekly.customerID), data: data,
                               monetary: weekly.monetaryValue, observationEnd: weekly.observationEnd, unit: .week)
        guard let purchase = try? fitModel(.bgnbd, input, penalty: 0), purchase.converged,
              let spend = try? fitModel(.gg, input, penalty: 0) else { return nil }
        let p = spend.estimates
        let table = PredictCommand.predictions(
            data: input, model: BGNBD(parameters: .init(purchase.estimates)),
            spend: GammaGamma(parameters: .init(p: p[0], q: p[1], v: p[2])), horizon: 52, months: settings.months,
            discountRate: settings.discountRate, observationEnd: weekly.observationEnd)
        var byID: [String: Double] = [:]
        for r in 0..<table.rowCount {
            if case .number(let v) = table.cell(r, 4), v.isFinite { byID[input.customerIDs[r]] = v }
        }
        let values = (0..<summary.count).map { byID[summary.customerID($0)] ?? .nan }
        return values.contains(where: \.isNaN) ? nil : values
    }

    /// The weights of `--weights`.
    static func chooseWeights(_ text: String?, model: Model, names: [String], components: [[Double]]) throws -> [Double] {
        guard let text else { return ValueModels.defaultWeights(model: model.rawValue, names: names) }
        if text.lowercased() == "entropy" {
            let n = components.first?.count ?? 0
            let rows = (0..<n).map { i in components.map { $0[i] } }
            return try EntropyWeights.weights(names: names, data: rows)
        }
        if text.lowercased().hasPrefix("ahp:") {
            let file = String(text.dropFirst(4))
            guard FileManager.default.fileExists(atPath: file) else { throw CLIError("--weights \(text): no such file \(file)") }
            let (criteria, matrix) = try readMatrix(file)
            guard criteria.count == names.count else {
                throw CLIError("--weights \(text): the matrix has \(criteria.count) criteria (\(criteria.joined(separator: ", "))); the \(model.rawValue) model has \(names.count): \(names.joined(separator: ", "))")
            }
            let ahp = try AHPWeights(criteria: criteria, matrix: matrix)
            if !ahp.isConsistent {
                Console.note(String(format: "note: the AHP matrix is inconsistent (CR %.3f ≥ 0.1); revise the comparisons", ahp.consistencyRatio ?? 0))
            }
            return ahp.weights
        }
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == names.count, parts.allSatisfy({ ($0 ?? -1) >= 0 && $0?.isFinite == true }) else {
            throw CLIError("--weights \(text): expected \(names.count) non-negative numbers for \(names.joined(separator: ", ")), entropy, or ahp:FILE")
        }
        let values = parts.compactMap { $0 }
        guard abs(values.reduce(0, +) - 1) < 1e-6 else {
            throw CLIError("--weights \(text): the weights must sum to 1 (they sum to \(NumberFormatting.display(values.reduce(0, +))))")
        }
        return values
    }

    /// One row per customer: customer_id, the components, score (and quadrant for hcp).
    static func customerTable(_ r: CompositeValueResult) -> OutputTable {
        var columns = ["customer_id"] + r.componentNames + ["score"]
        let quadrants = r.quadrants?.quadrant
        if quadrants != nil { columns.append("quadrant") }
        let k = r.componentNames.count
        return OutputTable(columns: columns, rowCount: r.customerIDs.count) { row, c in
            if c == 0 { return .text(r.customerIDs[row]) }
            if c <= k { return .number(r.components[c - 1][row]) }
            if c == k + 1 { return .number(r.score[row]) }
            return quadrants.map { .text($0[row].rawValue) } ?? .empty
        }
    }

    /// `{"model", "weights", "normalization", "notes", "current_source", "quadrants", "customers"}`.
    static func writeJSON(_ r: CompositeValueResult, months: Int, to sink: ByteSink) throws {
        let head = ValueJSON(model: r.model, weights: Dictionary(uniqueKeysWithValues: zip(r.componentNames, r.weights)),
                             normalization: r.normalization.rawValue, notes: r.notes,
                             currentSource: r.model == "hcp" ? (r.notes.contains { $0.hasPrefix("current = ") && $0.contains("-month CLV") } ? "clv_\(months)m" : "trailing_12m_spend") : nil,
                             quadrants: r.quadrants.map { QuadrantJSON(currentSplit: $0.currentSplit, potentialSplit: $0.potentialSplit, cells: $0.cells) })
        let text = try jsonText(head)
        // Splice the streamed customers in after the summary members.
        try sink.write(String(text.dropLast(2)) + ",\n\"customers\": ")
        try customerTable(r).writeJSON(to: sink)
        try sink.write("}\n")
    }

    /// The model's weights, notes and (hcp) the quadrant heat map as text.
    static func text(_ r: CompositeValueResult) -> String {
        var text = "\(r.model) model, \(r.customerIDs.count) customers, \(r.normalization.rawValue) normalisation; weights "
        text += zip(r.componentNames, r.weights).map { "\($0) \(String(format: "%.3f", $1))" }.joined(separator: ", ") + "\n"
        for note in r.notes { text += "  \(note)\n" }
        if let q = r.quadrants {
            func cell(_ quadrant: ValueQuadrant) -> String {
                guard let c = q.cells.first(where: { $0.quadrant == quadrant }) else { return "" }
                return String(format: "%@ %d (%.0f%%), current %.0f", quadrant.rawValue, c.customers, c.share * 100, c.currentValue)
            }
            let width = 44
            func pad(_ s: String) -> String { s.padding(toLength: width, withPad: " ", startingAt: 0) }
            text += "\nvalue quadrants (current split \(NumberFormatting.display(q.currentSplit)), potential split \(NumberFormatting.display(q.potentialSplit)))\n"
            text += "                  " + pad("low current") + "high current\n"
            text += "high potential    " + pad(cell(.develop)) + cell(.retain) + "\n"
            text += "low potential     " + pad(cell(.letGo)) + cell(.maintain) + "\n"
        }
        return text + "\n"
    }
}

struct QuadrantJSON: Encodable {
    var currentSplit: Double
    var potentialSplit: Double
    var cells: [ValueQuadrantCell]
    enum CodingKeys: String, CodingKey { case cells, currentSplit = "current_split", potentialSplit = "potential_split" }
}

struct ValueJSON: Encodable {
    var model: String
    var weights: [String: Double]
    var normalization: String
    var notes: [String]
    var currentSource: String?
    var quadrants: QuadrantJSON?
    enum CodingKeys: String, CodingKey { case model, weights, normalization, notes, quadrants, currentSource = "current_source" }
}
