import ArgumentParser
import CustomerValue
import Foundation

extension Language: ExpressibleByArgument {}
extension ValueMatrix.Split: ExpressibleByArgument {}

/// `cva rfm`: RFM scores, weighted tiers, named segments, the value matrix and ABC classes.
struct RFMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rfm",
        abstract: "RFM scores, weighted score and tiers, named segments, value matrix and ABC/Pareto classes per customer.",
        discussion: """
            R = days from the last purchase to the observation end (days_since_last), F = orders and \
            M = net spend in the trailing --window-days (window_orders, window_spend), as in `cva summary`.

            Scores 1..k (--bins, default 5): cut-points at the k-quantiles of the customers' values \
            (type 7, linear interpolation, as R and NumPy); a value scores 1 + the number of cut-points \
            strictly below it, so equal values share a score; R is reversed so the most recent score k. \
            A dimension in which all customers are equal gives everyone the middle score (3 of 5).

            rfm_weighted = wR·R' + wF·F' + wM·M' with min-max normalised R' = (max R − R)/(max R − min R), \
            F', M' (0.5 for everyone in a dimension without variance); tiers by --thresholds.

            Segments: --segments default (the ten-segment table), cn8 (the Chinese eight-class model: \
            each of R, F, M above or not above its mean), or a YAML/CSV file. Value matrix (Marcus 1998): \
            F against average order value (whole period), high = strictly above the median (or --split mean). \
            ABC: customers ranked by M; A until the customers above make 80%, B until 95%, C the rest.

            --format csv prints one row per customer; json adds the segment, tier, value-matrix and ABC \
            summaries and the cut-points; table prints those summaries.
            """)

    @Argument(help: "A transactions CSV, or a data set folder holding transactions.csv.")
    var input: String

    @OptionGroup var transactions: TransactionOptions
    @OptionGroup var output: OutputOptions

    @Option(parsing: .unconditional, help: "Number of scores per dimension, 3 to 10 (default 5; the number of fixed cut-points + 1 when those are given).")
    var bins: Int?
    @Option(parsing: .unconditional, help: "Weights of R', F' and M' in rfm_weighted; they must sum to 1.")
    var weights: String = "0.3,0.4,0.3"
    @Option(parsing: .unconditional, help: "Tier thresholds, decreasing: high value, potential (and optionally general).")
    var thresholds: String = "0.8,0.5"
    @Option(help: "Segment table: default (ten segments), cn8 (Chinese eight classes), or a YAML or CSV file.")
    var segments: String = "default"
    @Flag(name: .customLong("log-transform"), help: "Log-transform F and M before normalising (rfm_weighted, tiers).")
    var logTransform = false
    @Option(name: .customLong("window-days"), parsing: .unconditional, help: "Trailing window (days) for F and M (default: cva.yaml's window_days, else 365).")
    var windowDays: Int?
    @Option(help: "Where the value matrix splits each axis: median or mean.")
    var split: ValueMatrix.Split = .median
    @Option(name: .customLong("abc"), parsing: .unconditional, help: "ABC cut-offs: cumulative revenue shares closing classes A, B, ...")
    var abcCutoffs: String = "0.8,0.95"
    @Option(name: .customLong("r-cutpoints"), parsing: .unconditional, help: "Fixed recency cut-points in days, increasing (bins − 1 values), instead of quantiles.")
    var recencyCutpoints: String?
    @Option(name: .customLong("f-cutpoints"), parsing: .unconditional, help: "Fixed frequency cut-points in orders, increasing.")
    var frequencyCutpoints: String?
    @Option(name: .customLong("m-cutpoints"), parsing: .unconditional, help: "Fixed monetary cut-points in spend, increasing.")
    var monetaryCutpoints: String?
    @Option(help: "Language of segment, tier and value-matrix labels: en or zh.")
    var language: Language = .en
    @Option(help: "Write rows that were set aside to this CSV (file, line, column, reason, raw).")
    var quarantine: String?
    @Flag(help: "Print the seconds each step took (read, summary, classification, output) to standard error.")
    var timing = false
    @Flag(name: .customLong("with-model"), help: "Fit BG/NBD and Gamma-Gamma (weeks) and add each segment's mean P(alive) and total CLV (over --clv-months at --discount-rate) to the segment summary.")
    var withModel = false
    @Option(name: .customLong("clv-months"), parsing: .unconditional, help: "CLV horizon in months for --with-model (default: cva.yaml's clv_months, else 12).")
    var clvMonths: Int?
    @Option(name: .customLong("discount-rate"), parsing: .unconditional, help: "Monthly discount rate of that CLV (default: cva.yaml's discount_rate, else 0.01).")
    var discountRate: Double?

    func run() throws {
        try runReportingErrors {
            let options = try analysisOptions()
            let config = try configOf(input: input)
            let windowDays = try config.windowDays(flag: self.windowDays)
            let clv = try CLVSettings(config: config, clvMonths: clvMonths, discountRate: discountRate)
            let path = try transactionsPath(input)
            let sink = try quarantine.map { try QuarantineFile(path: $0) }
            let timer = StepTimer(enabled: timing)
            defer { timer.report() }
            let history = try loadTransactions(path: path, options: transactions, quarantine: sink)
            try sink?.close()
            timer.step("read")
            let summary = try CustomerSummary(history: history, options: SummaryOptions(windowDays: windowDays))
            timer.step("summary")
            noteSetAside(history.report, quarantinePath: quarantine)
            if summary.customersWithoutPurchases > 0 {
                Console.note("note: \(customersHave(summary.customersWithoutPurchases)) no purchase left once returns are netted and are left out")
            }
            var analysis = try RFMAnalysis(input: RFMInput(summary: summary), options: options)
            timer.step("classify")
            if withModel {
                let models = try CustomerValueModels(history: history, clvMonths: clv.months, discountRate: clv.discountRate)
                if let error = models.spendError {
                    Console.note("note: Gamma-Gamma not fitted (\(error)): no CLV in the segment summary")
                }
                let predictions = models.predictions
                analysis.attachModelValues(probabilityAlive: predictions.probabilityAlive, lifetimeValue: predictions.lifetimeValue)
                timer.step("model")
            }
            analysis.noteConstantDimensions()
            let out = try ByteSink(path: output.out)
            switch output.resolvedFormat {
            case .csv: try analysis.customerTable(summary: summary, language: language).writeCSV(to: out)
            case .json: try analysis.writeJSON(summary: summary, language: language, to: out)
            case .table: try analysis.writeTables(summary: summary, language: language, to: out)
            }
            try out.close()
            timer.step("output")
        }
    }

    /// The analysis settings from the flags.
    func analysisOptions() throws -> RFMOptions {
        let weightList = try numbers(weights, flag: "--weights")
        guard weightList.count == 3 else {
            throw CLIError("--weights \(weights): expected three weights for R, F and M, e.g. 0.3,0.4,0.3")
        }
        let fixed = try [recencyCutpoints, frequencyCutpoints, monetaryCutpoints].enumerated().map { k, text in
            try text.map { try numbers($0, flag: ["--r-cutpoints", "--f-cutpoints", "--m-cutpoints"][k]) }
        }
        let k = bins ?? fixed.compactMap { $0 }.first.map { $0.count + 1 } ?? 5
        var options = RFMOptions()
        options.scoring = try RFMScoring(bins: k, recencyCutpoints: fixed[0], frequencyCutpoints: fixed[1],
                                         monetaryCutpoints: fixed[2])
        options.weighted = try WeightedRFM(
            weights: .init(recency: weightList[0], frequency: weightList[1], monetary: weightList[2]),
            thresholds: try numbers(thresholds, flag: "--thresholds"), logTransform: logTransform)
        options.valueMatrix = ValueMatrix(split: split)
        options.abc = try ABCAnalysis(cutoffs: try numbers(abcCutoffs, flag: "--abc"))
        options.segments = try segmentTable()
        return options
    }

    private func segmentTable() throws -> SegmentTable {
        if let builtIn = SegmentTable.builtIn(segments), !FileManager.default.fileExists(atPath: segments) {
            return builtIn
        }
        guard FileManager.default.fileExists(atPath: segments) else {
            throw CLIError("--segments \(segments): expected default, cn8, or a YAML or CSV segment file")
        }
        return try SegmentTable.load(path: segments)
    }

    private func numbers(_ text: String, flag: String) throws -> [Double] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let values = parts.map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0?.isFinite == true }) else {
            throw CLIError("\(flag) \(text): expected numbers separated by commas")
        }
        return values.compactMap { $0 }
    }
}

extension RFMAnalysis {
    /// The per-customer columns of `cva rfm`, in output order.
    static let customerColumns = [
        "customer_id", "recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "rfm_score",
        "rfm_weighted", "tier", "segment", "value_matrix", "abc_class",
    ]

    /// One row per customer, columns as in ``customerColumns``.
    func customerTable(summary: CustomerSummary, language: Language) -> OutputTable {
        let tierNames = weighted.tiers.map { $0.name.text(language) }
        let segmentNames = (options.segments.segments + [options.segments.others]).map { $0.name.text(language) }
        let cellNames = ValueMatrix.Cell.allCases.map { $0.name.text(language) }
        let classNames = abc.summary.classes.map(\.name)
        let s = summary, a = self
        return OutputTable(columns: Self.customerColumns, rowCount: count) { r, k in
            switch k {
            case 0: return .text(s.customerID(r))
            case 1: return .int(Int(s.daysSinceLast[r]))
            case 2: return .int(Int(s.windowOrders[r]))
            case 3: return .number(s.windowSpend[r])
            case 4: return .int(Int(a.scores.recency[r]))
            case 5: return .int(Int(a.scores.frequency[r]))
            case 6: return .int(Int(a.scores.monetary[r]))
            case 7: return .text(a.scores.code(r))
            case 8: return .number(a.weighted.score[r])
            case 9: return .text(tierNames[Int(a.weighted.tier[r])])
            case 10: return .text(segmentNames[Int(a.segments.segment[r])])
            case 11: return .text(cellNames[Int(a.valueMatrix.cell[r])])
            case 12: return .text(classNames[Int(a.abc.classOf[r])])
            default: return .empty
            }
        }
    }

    /// The summaries of `cva rfm --format json` (everything but the customers), also written
    /// by `cva analyze` as segments.json.
    func report(summary: CustomerSummary, language: Language) -> RFMReport {
        let o = options
        return RFMReport(
            segments: segmentSummaries, cutpoints: scores.cutpoints, tiers: weighted.tiers,
            valueMatrix: valueMatrix.cells, abc: abc.summary,
            settings: RFMReport.Settings(
                customers: count, observationEnd: summary.observationEnd.iso, windowDays: summary.windowDays,
                bins: o.scoring.bins, weights: o.weighted.weights, thresholds: o.weighted.thresholds,
                logTransform: o.weighted.logTransform, segmentTable: o.segments.name, segmentBasis: o.segments.basis,
                segmentMeans: segments.means, valueMatrixSplit: o.valueMatrix.split, abcCutoffs: o.abc.cutoffs,
                constantDimensions: scores.constantDimensions, language: language))
    }

    /// `{"customers": [...], "segments": [...], "cutpoints": {...}, "tiers": [...], "value_matrix": [...], "abc": {...}, "settings": {...}}`,
    /// the customers streamed.
    func writeJSON(summary: CustomerSummary, language: Language, to sink: ByteSink) throws {
        try sink.write("{\n\"customers\": ")
        try customerTable(summary: summary, language: language).writeJSON(to: sink)
        // The rest is one encoded object: splice its members in after the customers.
        let rest = try jsonText(report(summary: summary, language: language))
        try sink.write("," + rest.drop { $0 != "{" }.dropFirst())
    }

    /// Notes on standard error for dimensions without variance.
    func noteConstantDimensions() {
        for dimension in scores.constantDimensions {
            let letter = dimension.rawValue.prefix(1).uppercased()
            Console.note("note: every customer has the same \(dimension.rawValue): all get the middle \(letter) score "
                         + "\(options.scoring.middleScore) and a normalised value of 0.5")
        }
    }

    /// The summaries as aligned text: cut-points, segments, tiers, value matrix, ABC/Pareto.
    func writeTables(summary: CustomerSummary, language: Language, to sink: ByteSink) throws {
        func percent(_ x: Double) -> Cell { .number((x * 1000).rounded() / 10) }
        func money(_ x: Double) -> Cell { .number((x * 100).rounded() / 100) }
        var text = ""
        func table(_ columns: [String], _ rows: [[Cell]]) throws {
            // Text so far first, then the aligned table.
            try sink.write(text)
            text = ""
            try OutputTable(columns: columns, rowCount: rows.count) { r, k in rows[r][k] }.writeTable(to: sink, limit: rows.count)
        }
        let o = options
        text = "RFM analysis of \(count) customers: R = days since the last purchase up to \(summary.observationEnd.iso); "
        text += "F = orders and M = spend in the \(summary.windowDays) days to it\n\n"

        let fixed = Set(scores.cutpoints.fixed)
        text += "Cut-points (\(scores.bins) bins; a value scores 1 + the cut-points strictly below it; R reversed, fewest days score \(scores.bins))\n"
        try table(["dimension", "cut-points", "source"], [
            (RFMDimension.recency, scores.cutpoints.recency), (.frequency, scores.cutpoints.frequency),
            (.monetary, scores.cutpoints.monetary),
        ].map { d, cuts in
            [.text(d.rawValue), .text(cuts.map { NumberFormatting.display($0) }.joined(separator: "  ")),
             .text(fixed.contains(d) ? "given" : (scores.constantDimensions.contains(d) ? "quantiles (no variance: all \(o.scoring.middleScore))" : "quantiles"))]
        })

        let basisText = o.segments.basis == .mean ? "each of R, F, M above or not above its mean" : "first match wins"
        text += "\nSegments (\(o.segments.name) table; \(basisText))\n"
        try table(["segment", "customers", "% customers", "revenue", "% revenue", "mean R days", "mean F", "mean M",
                           "avg order", "action"], segmentSummaries.map { s in
            [.text(s.name.text(language)), .int(s.customers), percent(s.share), money(s.revenue), percent(s.revenueShare),
             money(s.meanRecency), money(s.meanFrequency), money(s.meanMonetary), money(s.averageOrderValue),
             .text(s.action?.text(language) ?? "")]
        })

        let w = o.weighted.weights
        let shown = { (x: Double) in NumberFormatting.display(x) }
        text += "\nTiers (rfm_weighted = \(shown(w.recency)) R' + \(shown(w.frequency)) F' + \(shown(w.monetary)) M'; "
        text += "log transform of F and M \(o.weighted.logTransform ? "on" : "off"))\n"
        try table(["tier", "from score", "customers", "% customers", "without log", "with log", "action"], weighted.tiers.map { t in
            [.text(t.name.text(language)), t.lowerBound.map { Cell.number($0) } ?? .text("below \(shown(o.weighted.thresholds.last ?? 0))"),
             .int(t.customers),
             percent(t.share), .int(t.customersWithoutLog), .int(t.customersWithLog), .text(t.action?.text(language) ?? "")]
        })

        text += "\nValue matrix (Marcus 1998; split at the \(valueMatrix.split.rawValue): "
        text += "high frequency > \(shown(valueMatrix.frequencySplit)) orders, "
        text += "high average order value > \(shown(valueMatrix.averageOrderValueSplit)))\n"
        try table(["cell", "customers", "% customers", "revenue", "% revenue", "mean F", "mean avg order", "action"],
                          valueMatrix.cells.map { c in
            [.text(c.name.text(language)), .int(c.customers), percent(c.share), money(c.revenue), percent(c.revenueShare),
             money(c.meanFrequency), money(c.meanAverageOrderValue), .text(c.action?.text(language) ?? "")]
        })

        let cutoffs = abc.summary.cutoffs.map { "\(NumberFormatting.display($0 * 100))%" }.joined(separator: ", ")
        text += "\nABC / Pareto by revenue (M; classes close at \(cutoffs) of cumulative revenue)\n"
        try table(["class", "customers", "% customers", "revenue", "% revenue", "from revenue", "action"],
                          abc.summary.classes.map { c in
            [.text(c.name), .int(c.customers), percent(c.share), money(c.revenue), percent(c.revenueShare),
             c.minimumRevenue.map(money) ?? .empty, .text(c.action?.text(language) ?? "")]
        })
        text += "Gini coefficient \(String(format: "%.4f", abc.summary.gini))\n"
        for t in abc.summary.top {
            let customers = shown((t.customers * 10).rounded() / 10)
            text += "top \(shown(t.customerShare * 100))% of customers (\(customers)) make "
            text += String(format: "%.1f%% of revenue\n", t.revenueShare * 100)
        }
        try sink.write(text)
    }
}

/// Everything `cva rfm --format json` prints but the customers.
struct RFMReport: Encodable {
    struct Settings: Encodable {
        var customers: Int
        var observationEnd: String
        var windowDays: Int
        var bins: Int
        var weights: WeightedRFM.Weights
        var thresholds: [Double]
        var logTransform: Bool
        var segmentTable: String
        var segmentBasis: SegmentTable.Basis
        var segmentMeans: SegmentAssignment.Means?
        var valueMatrixSplit: ValueMatrix.Split
        var abcCutoffs: [Double]
        var constantDimensions: [RFMDimension]
        var language: Language

        enum CodingKeys: String, CodingKey {
            case customers, observationEnd = "observation_end", windowDays = "window_days", bins, weights, thresholds
            case logTransform = "log_transform", segmentTable = "segment_table", segmentBasis = "segment_basis"
            case segmentMeans = "segment_means", valueMatrixSplit = "value_matrix_split", abcCutoffs = "abc_cutoffs"
            case constantDimensions = "constant_dimensions", language
        }
    }

    var segments: [SegmentSummary]
    var cutpoints: RFMCutpoints
    var tiers: [TierSummary]
    var valueMatrix: [ValueMatrixCellSummary]
    var abc: ABCSummary
    var settings: Settings

    enum CodingKeys: String, CodingKey {
        case segments, cutpoints, tiers, valueMatrix = "value_matrix", abc, settings
    }
}
