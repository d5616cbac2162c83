import ArgumentParser
import CustomerValue
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `cva churn-train MATRIX.csv --model logistic|gbdt`: trains a churn learner on the rows of a
/// feature matrix file marked `split=train` and evaluates it on those marked `split=test`.
struct ChurnTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "churn-train",
        abstract: "Train a churn learner on a feature matrix CSV (split=train rows) and evaluate it on the split=test rows.",
        discussion: """
            The CSV has customer_id first, one column per feature, a 0/1 `label` column and a `split` column \
            (train, validation or test). Rows marked validation are used for early stopping of the trees; without \
            them the trees hold out --validation-fraction of the training rows.
            """)

    enum Model: String, ExpressibleByArgument, CaseIterable, Sendable { case logistic, gbdt }

    @Argument(help: "Feature matrix CSV: customer_id, features..., label, split.")
    var matrix: String
    @Option(help: "Learner: logistic (L2 logistic regression) or gbdt (gradient-boosted trees).")
    var model: Model = .gbdt
    @Option(help: "Output format: table or json.")
    var format: ReportFormat?
    @Option(parsing: .unconditional, help: "Scores at or above this count as predicted churn in the confusion matrix.")
    var threshold: Double = 0.5
    @Option(parsing: .unconditional, help: "L2 penalty: logistic ½·l2·‖w‖² on standardised features (scikit-learn C = 1/l2); trees λ on leaf values.")
    var l2: Double = 1
    @Option(parsing: .unconditional, help: "Trees at most (gbdt).")
    var trees: Int = 300
    @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "Shrinkage of each tree (gbdt).")
    var learningRate: Double = 0.1
    @Option(name: .customLong("max-depth"), parsing: .unconditional, help: "Depth of a tree at most (gbdt).")
    var maxDepth: Int = 6
    @Option(name: .customLong("min-samples-leaf"), parsing: .unconditional, help: "Training rows in a leaf at least (gbdt).")
    var minSamplesLeaf: Int = 20
    @Option(parsing: .unconditional, help: "Quantile bins per feature, 2...256 (gbdt).")
    var bins: Int = 255
    @Option(name: .customLong("early-stopping-rounds"), parsing: .unconditional, help: "Stop after this many trees without a better validation log-loss; 0 never (gbdt).")
    var earlyStoppingRounds: Int = 20
    @Option(name: .customLong("validation-fraction"), parsing: .unconditional, help: "Share of the training rows held out for early stopping when no row is marked validation (gbdt).")
    var validationFraction: Double = 0.1
    @Option(parsing: .unconditional, help: "Seed of the validation hold-out (gbdt).")
    var seed: UInt64 = 42

    func validate() throws {
        guard (2...256).contains(bins) else { throw ValidationError("--bins must be between 2 and 256") }
        guard trees >= 1, maxDepth >= 1, minSamplesLeaf >= 1 else { throw ValidationError("--trees, --max-depth and --min-samples-leaf must be at least 1") }
        guard learningRate > 0, l2 >= 0 else { throw ValidationError("--learning-rate must be > 0 and --l2 ≥ 0") }
        guard (0..<1).contains(validationFraction) else { throw ValidationError("--validation-fraction must be in [0, 1)") }
    }

    func run() throws {
        try runReportingErrors {
            let splits = try ChurnMatrixFile.read(path: matrix)
            guard let train = splits["train"], let test = splits["test"] else {
                throw CLIError("\(matrix): needs rows with split=train and rows with split=test (found: \(splits.keys.sorted().joined(separator: ", ")))")
            }
            let (result, _) = try Self.train(model: model, train: train, validation: splits["validation"], test: test, options: learnerOptions, threshold: threshold)
            let out = try ByteSink(path: nil)
            if (format ?? (isatty(STDOUT_FILENO) == 1 ? .table : .json)) == .json {
                try out.write(jsonText(result))
            } else {
                try out.write(result.text)
            }
        }
    }

    var learnerOptions: LearnerOptions {
        LearnerOptions(
            logistic: .init(l2: l2),
            trees: .init(trees: trees, learningRate: learningRate, maxDepth: maxDepth, minSamplesLeaf: minSamplesLeaf, l2: l2, bins: bins,
                         earlyStoppingRounds: earlyStoppingRounds, validationFraction: validationFraction, seed: seed))
    }

    struct LearnerOptions: Sendable {
        var logistic = LogisticRegression.Options()
        var trees = GradientBoostedTrees.Options()
    }

    /// Fits `model` on `train` (timing the fit alone), evaluates it on `test`, and returns the
    /// result with the fitted model.
    static func train(model: Model, train: FeatureMatrix, validation: FeatureMatrix?, test: FeatureMatrix,
                      options: LearnerOptions, threshold: Double) throws -> (ChurnTrainResult, ChurnModel) {
        guard let testLabels = test.labels else { throw CLIError("the test rows have no labels") }
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = processCPUSeconds()
        let fitted: ChurnModel
        switch model {
        case .logistic: fitted = .logistic(try LogisticRegression.fit(train, options: options.logistic))
        case .gbdt: fitted = .gradientBoostedTrees(try GradientBoostedTrees.fit(train, validation: validation, options: options.trees))
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let cpuSeconds = processCPUSeconds() - cpuStart
        let evaluation = ChurnEvaluation(scores: fitted.predict(test), labels: testLabels, threshold: threshold)
        var bestIteration: Int?
        if case .gradientBoostedTrees(let trees) = fitted { bestIteration = trees.bestIteration }
        let result = ChurnTrainResult(model: model.rawValue, trainingSeconds: seconds, trainingCPUSeconds: cpuSeconds, trainRows: train.rowCount, testRows: test.rowCount,
                                features: train.columnCount, bestIteration: bestIteration, evaluation: evaluation,
                                importance: fitted.globalImportance)
        return (result, fitted)
    }

    /// For `cva analyze`: fits `model` on a seeded 80% of the labelled `training` rows, evaluates
    /// it on the other 20%, and writes into `folder`:
    /// `churn_model.json` (the evaluation, importance and settings), and, when `scoring` is given,
    /// `churn_scores.csv` (customer_id, churn_probability, the top `k` raising and lowering factors).
    /// - Returns: the names of the files written.
    static func analyzeSection(training: FeatureMatrix, scoring: FeatureMatrix?, model: Model = .gbdt, folder: URL,
                               k: Int = 3, seed: UInt64 = 42) throws -> [String] {
        var generator = SeededGenerator(seed: seed)
        var rows = Array(0..<training.rowCount)
        rows.shuffle(using: &generator)
        let cut = Int(Double(rows.count) * 0.8)
        guard cut > 0, cut < rows.count else { throw CLIError("churn model: too few labelled customers (\(rows.count)) to train and evaluate") }
        let train = training.selecting(rows: Array(rows[..<cut]).sorted())
        let test = training.selecting(rows: Array(rows[cut...]).sorted())
        var options = LearnerOptions()
        options.trees.seed = seed
        let (result, fitted) = try Self.train(model: model, train: train, validation: nil, test: test, options: options, threshold: 0.5)
        try jsonText(result).write(to: folder.appendingPathComponent("churn_model.json"), atomically: true, encoding: .utf8)
        var written = ["churn_model.json"]
        if let scoring {
            let probabilities = fitted.predict(scoring)
            var text = "customer_id,churn_probability,raising,lowering\n"
            for row in 0..<scoring.rowCount {
                let e = fitted.explain(scoring, row: row, k: k)
                let describe = { (factors: [FactorExplanation.Factor]) in
                    factors.map { "\($0.feature) (\(String(format: "%+.3f", $0.contribution)))" }.joined(separator: "; ")
                }
                let fields = [scoring.customerIDs[row], String(probabilities[row]), describe(e.raising), describe(e.lowering)]
                var line: [UInt8] = []
                for (c, field) in fields.enumerated() {
                    if c > 0 { line.append(0x2C) }
                    CSVFormatting.appendField(field, to: &line)
                }
                text += String(decoding: line, as: UTF8.self) + "\n"
            }
            try text.write(to: folder.appendingPathComponent("churn_scores.csv"), atomically: true, encoding: .utf8)
            written.append("churn_scores.csv")
        }
        return written
    }
}

/// CPU seconds used by this process so far, all threads together.
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// The JSON of `cva churn-train`.
struct ChurnTrainResult: Encodable {
    var model: String
    var trainingSeconds: Double
    /// CPU time of the process (all threads) during the fit: on a shared machine a steadier
    /// measure of the work than the wall time.
    var trainingCPUSeconds: Double
    var trainRows: Int
    var testRows: Int
    var features: Int
    var bestIteration: Int?
    var evaluation: ChurnEvaluation
    var importance: [FeatureImportance]

    enum CodingKeys: String, CodingKey {
        case model, features, evaluation, importance
        case trainingSeconds = "training_seconds"
        case trainingCPUSeconds = "training_cpu_seconds"
        case trainRows = "train_rows"
        case testRows = "test_rows"
        case bestIteration = "best_iteration"
    }

    var text: String {
        let e = evaluation
        func show(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "n/a" }
        var lines = [
            "model \(model): trained on \(trainRows) rows × \(features) features in \(String(format: "%.2f", trainingSeconds)) s (CPU \(String(format: "%.2f", trainingCPUSeconds)) s)"
                + (bestIteration.map { ", \($0) trees (best iteration)" } ?? ""),
            "test rows \(e.n), churners \(e.positives)",
            "ROC AUC \(show(e.auc))   PR AUC \(show(e.prAUC))   Brier \(show(e.brier))",
            "top 10%: lift \(show(e.liftAt10)), capture \(show(e.captureAt10))   top 20%: lift \(show(e.liftAt20)), capture \(show(e.captureAt20))",
            "confusion at \(e.confusion.threshold): tp \(e.confusion.tp) fp \(e.confusion.fp) tn \(e.confusion.tn) fn \(e.confusion.fn), precision \(show(e.confusion.precision)), recall \(show(e.confusion.recall))",
            "calibration (decile: count, mean predicted, observed):",
        ]
        lines += e.calibration.map { String(format: "  %2d  %7d  %.4f  %.4f", $0.bin, $0.count, $0.meanPredicted, $0.observedRate) }
        lines.append("importance:")
        lines += importance.prefix(10).map { String(format: "  %@  %.4f", $0.feature.padding(toLength: 24, withPad: " ", startingAt: 0), $0.importance) }
        lines += e.notes.map { "note: \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Reads a feature matrix CSV (customer_id, features..., label, split) into one matrix per split.
///
/// Each cell is read from the record's bytes (``CSVReader/withField(_:_:)``): the split and the
/// label are compared as bytes, and a feature is parsed by ``number(_:)``, without the String
/// steps of AmountParser's general path. A cell in another form (spaces other than blanks and
/// tabs, an amount with a currency sign or separators) takes the general path, the one every
/// cell took before (Foundation's trimming, AmountParser), so values and messages are the same.
enum ChurnMatrixFile {
    /// The split names, in the order of the parts.
    static let splitNames = ["train", "validation", "test"]

    static func read(path: String) throws -> [String: FeatureMatrix] {
        let reader = try CSVReader(path: path)
        try reader.readHeader(expecting: "customer_id, the features, label and split")
        let header = reader.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let labelColumn = header.firstIndex(of: "label") else { throw CLIError("\(path): no `label` column; the header has: \(header.joined(separator: ", "))") }
        guard let splitColumn = header.firstIndex(of: "split") else { throw CLIError("\(path): no `split` column (train / validation / test); the header has: \(header.joined(separator: ", "))") }
        let idColumn = header.firstIndex(of: "customer_id") ?? 0
        let featureColumns = header.indices.filter { $0 != labelColumn && $0 != splitColumn && $0 != idColumn }
        guard !featureColumns.isEmpty else { throw CLIError("\(path): no feature columns besides customer_id, label and split") }
        let names = featureColumns.map { header[$0] }
        struct Part { var ids: [String] = []; var values: [Double] = []; var labels: [UInt8] = [] }
        var parts = [Part](repeating: Part(), count: splitNames.count)
        while try reader.next() {
            if reader.isBlankLine { continue }
            guard reader.fieldCount == header.count else {
                throw CLIError("\(path): line \(reader.line): \(reader.fieldCount) fields, the header has \(header.count)")
            }
            let splitIndex: Int
            if let k = reader.withField(splitColumn, { splitIndexOf($0) }) {
                splitIndex = k
            } else {
                let split = reader.string(splitColumn).trimmingCharacters(in: .whitespaces).lowercased()
                guard let k = splitNames.firstIndex(of: split) else {
                    throw CLIError("\(path): line \(reader.line), column split: expected train, validation or test, got \"\(reader.string(splitColumn))\"")
                }
                splitIndex = k
            }
            let label: UInt8
            if let value = reader.withField(labelColumn, { labelOf($0) }) {
                label = value
            } else {
                switch reader.string(labelColumn).trimmingCharacters(in: .whitespaces) {
                case "0", "0.0": label = 0
                case "1", "1.0": label = 1
                case let other: throw CLIError("\(path): line \(reader.line), column label: expected 0 or 1, got \"\(other)\"")
                }
            }
            parts[splitIndex].ids.append(reader.string(idColumn))
            parts[splitIndex].labels.append(label)
            for c in featureColumns {
                guard let v = reader.withField(c, { number($0) }), v.isFinite else {
                    throw CLIError("\(path): line \(reader.line), column \(header[c]): expected a finite number, got \"\(reader.string(c))\"")
                }
                parts[splitIndex].values.append(v)
            }
        }
        var matrices: [String: FeatureMatrix] = [:]
        for (k, part) in parts.enumerated() where !part.ids.isEmpty {
            matrices[splitNames[k]] = FeatureMatrix(featureNames: names, customerIDs: part.ids, values: part.values, labels: part.labels)
        }
        return matrices
    }

    /// The part of a split cell that is `train`, `validation` or `test` in ASCII letters of
    /// any case, blanks and tabs around; nil for anything else (the general path decides).
    @inline(__always)
    static func splitIndexOf(_ raw: UnsafeBufferPointer<UInt8>) -> Int? {
        let cell = TransactionLoader.trimmed(raw)
        for (k, name) in splitASCII.enumerated() where cell.count == name.count {
            var same = true
            for i in 0..<cell.count where cell[i] | 0x20 != name[i] { same = false; break }
            if same { return k }
        }
        return nil
    }
    private static let splitASCII = splitNames.map { Array($0.utf8) }

    /// 0 or 1 for a label cell `0`, `0.0`, `1` or `1.0` (blanks and tabs around); nil for
    /// anything else (the general path decides).
    @inline(__always)
    static func labelOf(_ raw: UnsafeBufferPointer<UInt8>) -> UInt8? {
        let cell = TransactionLoader.trimmed(raw)
        guard cell.count == 1 || (cell.count == 3 && cell[1] == 0x2E && cell[2] == 0x30) else { return nil }
        switch cell[0] {
        case 0x30: return 0
        case 0x31: return 1
        default: return nil
        }
    }

    /// A feature cell's value, as ``AmountParser/parse(_:)`` gives it. A plain decimal (`-`,
    /// digits, `.`, digits, an exponent) with more than 15 digits or an exponent is converted
    /// by `Double(String)`, as AmountParser's general path ends up doing after a dozen String
    /// steps (currency signs, separators): the exported matrices are full of 17-digit values
    /// (`136.70999999999998`), which took that path. Everything else goes to AmountParser.
    @inline(__always)
    static func number(_ raw: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = raw.count
        var i = n > 0 && raw[0] == 0x2D ? 1 : 0
        var digits = 0
        while i < n, raw[i] &- 0x30 < 10 { i += 1; digits += 1 }
        if i < n, raw[i] == 0x2E {
            i += 1
            while i < n, raw[i] &- 0x30 < 10 { i += 1; digits += 1 }
        }
        var exponent = false
        if i < n, digits > 0, raw[i] | 0x20 == 0x65 {
            var j = i + 1
            if j < n, raw[j] == 0x2B || raw[j] == 0x2D { j += 1 }
            let start = j
            while j < n, raw[j] &- 0x30 < 10 { j += 1 }
            guard j > start else { return AmountParser.parse(raw) }
            i = j
            exponent = true
        }
        guard i == n, digits > 15 || exponent else { return AmountParser.parse(raw) }
        guard let value = Double(String(decoding: raw, as: UTF8.self)) else { return AmountParser.parse(raw) }
        return value.isFinite ? value : nil   // AmountParser refuses 1e400 too
    }
}
