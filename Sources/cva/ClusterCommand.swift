import ArgumentParser
import CustomerValue
import Foundation

extension Standardization.Method: ExpressibleByArgument {}
extension KMeans.Algorithm: ExpressibleByArgument {}

/// `cva cluster`: k-means segments of customers, with profiles and automatic names.
struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "k-means clusters of customers on chosen features, with k by silhouette, the elbow curve and named profiles.",
        discussion: """
            Features are columns of the customer summary (see --list-features; default \
            \(ClusterFeatures.defaultNames.joined(separator: ","))), scaled by --standardize: z (mean and \
            standard deviation), robust (median and interquartile range; the standard deviation where the \
            IQR is 0) or none. A feature without variance is set to 0 for everyone and reported.

            k-means: k-means++ seeding (Arthur & Vassilvitskii 2007, greedy, 2 + ln k candidates a step), \
            Lloyd iterations (with Hamerly's bounds unless --algorithm lloyd) until no customer moves or the centroids' squared shift is at most --tol times \
            the mean feature variance, --restarts runs keeping the lowest inertia. The same --seed gives the \
            same clusters.

            --k auto tries k = 2..--k-max and keeps the best mean silhouette (Rousseeuw 1987; on a seeded \
            sample of --silhouette-sample customers when there are more); the elbow curve (inertia by k) \
            comes with it. With a given k the elbow holds that k only, unless --elbow. k larger than the \
            number of distinct customers is an error.

            Clusters are numbered by size (0 the largest) and named from the features whose cluster mean \
            is furthest from the overall mean in standard deviations (|z| ≥ 0.5; "very" from 1.5).

            --format csv prints customer_id, cluster, cluster_name, distance (to the centroid, in scaled \
            units) per customer; json prints {k, inertia, silhouette, elbow, clusters, customers, ...}; \
            table prints the profiles and the elbow curve.

            --matrix FILE clusters the rows of a numeric CSV (a header, then numbers only) instead of \
            customers: every column is a feature and customer_id is the row number (for benchmarks).
            """)

    @Argument(help: "A transactions CSV, or a data set folder holding transactions.csv.")
    var input: String?

    @OptionGroup var transactions: TransactionOptions
    @OptionGroup var output: OutputOptions

    @Option(parsing: .unconditional, help: "Number of clusters, or auto to choose it by silhouette.")
    var k: String = "auto"
    @Option(name: .customLong("k-max"), parsing: .unconditional, help: "Largest k tried by --k auto and in the elbow curve (from 2).")
    var kMax: Int = 10
    @Option(help: "Features, separated by commas (see --list-features).")
    var features: String?
    @Option(help: "Feature scaling: z, robust or none.")
    var standardize: Standardization.Method = .zScore
    @Option(parsing: .unconditional, help: "k-means runs from different seeds; the lowest inertia wins.")
    var restarts: Int = 10
    @Option(name: .customLong("max-iter"), parsing: .unconditional, help: "Lloyd iterations per run at most.")
    var maxIterations: Int = 300
    @Option(name: .customLong("tol"), parsing: .unconditional, help: "Relative tolerance on the centroids' shift.")
    var tolerance: Double = 1e-4
    @Option(parsing: .unconditional, help: "Seed of the random choices.")
    var seed: UInt64 = 42
    @Option(help: "Iterations by hamerly (bounds skip rows that cannot move) or lloyd (every distance); the same clusters.")
    var algorithm: KMeans.Algorithm = .hamerly
    @Option(name: .customLong("silhouette-sample"), parsing: .unconditional, help: "Customers in the silhouette sample (exact below this).")
    var silhouetteSample: Int = 3_000
    @Flag(help: "Compute the elbow curve over 2..--k-max even with a given k.")
    var elbow = false
    @Flag(name: .customLong("no-customers"), help: "Leave the per-customer rows out of json and table output.")
    var noCustomers = false
    @Flag(help: "Print the time of the k-means step to standard error.")
    var timing = false
    @Flag(name: .customLong("list-features"), help: "List the features available and exit.")
    var listFeatures = false
    @Option(help: "Cluster the rows of this numeric CSV instead of customers.")
    var matrix: String?
    @Option(name: .customLong("window-days"), parsing: .unconditional, help: "Trailing window (days) of window_orders and window_spend.")
    var windowDays: Int = 365
    @Option(help: "Language of cluster names: en or zh.")
    var language: Language = .en
    @Option(help: "Write rows that were set aside to this CSV (file, line, column, reason, raw).")
    var quarantine: String?

    func run() throws {
        try runReportingErrors {
            let data = try loadData()
            if listFeatures {
                let out = try ByteSink(path: output.out)
                try out.write(data.features.map { $0.name + "\n" }.joined())
                try out.close()
                return
            }
            let analysis = try ClusterAnalysis(raw: data.matrix, features: data.features, options: try options())
            for j in analysis.standardization.constantColumns {
                Console.note("note: feature \(analysis.features[j]) has no variance (all customers equal): it is set to 0 and does not shape the clusters")
            }
            for j in analysis.standardization.scaleFallbacks {
                Console.note("note: feature \(analysis.features[j]) has an interquartile range of 0: scaled by its standard deviation")
            }
            if timing {
                let r = analysis.result
                Console.note(String(format: "k-means: n = %d, d = %d, k = %d, %d restarts, %d iterations (best run), inertia %.6g, %.3f s; whole analysis %.3f s",
                                    data.matrix.rows, data.matrix.columns, analysis.k, restarts, r.iterations,
                                    r.inertia, analysis.kMeansSeconds, analysis.totalSeconds))
            }
            let out = try ByteSink(path: output.out)
            let table = customerTable(analysis, ids: data.ids)
            switch output.resolvedFormat {
            case .csv: try table.writeCSV(to: out)
            case .json: try writeJSON(analysis, table: table, to: out)
            case .table: try writeTables(analysis, table: table, to: out)
            }
            try out.close()
        }
    }

    /// The settings from the flags.
    func options() throws -> ClusterOptions {
        var options = ClusterOptions()
        if k.lowercased() != "auto" {
            guard let value = Int(k), value >= 1 else { throw CLIError("--k \(k): expected auto or a whole number ≥ 1") }
            options.clusters = value
        }
        // Upper bounds keep a typing error from running for hours: every k up to --k-max gets its
        // own k-means runs and silhouette.
        guard (2...100).contains(kMax) else { throw CLIError("--k-max \(kMax): expected 2 to 100") }
        guard (1...1000).contains(restarts) else { throw CLIError("--restarts \(restarts): expected 1 to 1000") }
        guard maxIterations >= 1 else { throw CLIError("--max-iter \(maxIterations): expected 1 or more") }
        guard tolerance >= 0, tolerance.isFinite else { throw CLIError("--tol \(tolerance): expected a number ≥ 0") }
        guard silhouetteSample >= 10 else { throw CLIError("--silhouette-sample \(silhouetteSample): expected 10 or more") }
        options.candidateClusters = 2...kMax
        options.standardization = standardize
        options.restarts = restarts
        options.maxIterations = maxIterations
        options.tolerance = tolerance
        options.seed = seed
        options.silhouetteSample = silhouetteSample
        options.elbowWithGivenK = elbow
        options.algorithm = algorithm
        return options
    }

    /// What is clustered: the matrix, the features' names and labels, and the row ids.
    struct Data {
        var matrix: Matrix
        var features: [(name: String, label: LocalizedText)]
        var ids: @Sendable (Int) -> String
    }

    private func loadData() throws -> Data {
        if let matrix {
            guard input == nil else { throw CLIError("give either INPUT or --matrix, not both") }
            let (names, m) = try readNumericCSV(path: matrix)
            let chosen = try features.map { try choose(names: names, from: $0) } ?? Array(names.indices)
            let d = chosen.count
            var elements = [Double](repeating: 0, count: m.rows * d)
            if d == m.columns {
                elements = m.elements
            } else {
                for i in 0..<m.rows { for (j, c) in chosen.enumerated() { elements[i * d + j] = m.elements[i * m.columns + c] } }
            }
            return Data(matrix: Matrix(rows: m.rows, columns: d, elements: elements),
                        features: chosen.map { (names[$0], LocalizedText(en: names[$0])) }, ids: { String($0 + 1) })
        }
        guard let input else { throw CLIError("missing INPUT: a transactions CSV or a data set folder (or --matrix FILE)") }
        let path = try transactionsPath(input)
        let sink = try quarantine.map { try QuarantineFile(path: $0) }
        let history = try loadTransactions(path: path, options: transactions, quarantine: sink)
        try sink?.close()
        let summary = try CustomerSummary(history: history, options: SummaryOptions(windowDays: windowDays))
        noteSetAside(history.report, quarantinePath: quarantine)
        if summary.customersWithoutPurchases > 0 {
            Console.note("note: \(customersHave(summary.customersWithoutPurchases)) no purchase left once returns are netted and are left out")
        }
        var all = ClusterFeatures(summary: summary)
        // A data set folder adds ticket, event, survey and customer aggregates.
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue {
            let activity = try CustomerActivity.load(dataSet: try DataSet(directory: input), history: history)
            for note in activity.notes { Console.note("note: \(note)") }
            try all.appendActivity(activity, summary: summary)
        }
        let names = features.map { text in
            text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        } ?? ClusterFeatures.defaultNames
        let matrix: Matrix
        do {
            matrix = try all.matrix(features: listFeatures ? all.names : names)
        } catch let error as SegmentationError {
            throw CLIError("--features: \(error.message)")
        }
        let labels = (listFeatures ? all.names : names).compactMap { all.feature($0) }.map { ($0.name, $0.label) }
        return Data(matrix: matrix, features: labels, ids: { summary.customerID($0) })
    }

    private func choose(names: [String], from text: String) throws -> [Int] {
        try text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.map { name in
            guard let j = names.firstIndex(of: name) else {
                throw CLIError("--features: unknown feature \(name); available: \(names.joined(separator: ", "))")
            }
            return j
        }
    }

    func customerTable(_ a: ClusterAnalysis, ids: @escaping @Sendable (Int) -> String) -> OutputTable {
        let names = a.profiles.map { $0.name.text(language) }
        let assignment = a.result.assignment, distances = a.result.distances
        return OutputTable(columns: ["customer_id", "cluster", "cluster_name", "distance"], rowCount: assignment.count) { r, c in
            switch c {
            case 0: return .text(ids(r))
            case 1: return .int(Int(assignment[r]))
            case 2: return .text(names[Int(assignment[r])])
            case 3: return .number(distances[r])
            default: return .empty
            }
        }
    }

    func report(_ a: ClusterAnalysis) -> ClusterReport {
        ClusterReport(
            k: a.k, kChosen: a.kChosenAutomatically ? "silhouette" : "given", inertia: a.result.inertia,
            silhouette: a.silhouette, silhouettePoints: a.silhouettePoints, elbow: a.elbow,
            clusters: a.profiles.map { ClusterReport.Profile($0, name: $0.name.text(language)) },
            features: a.features, standardization: ClusterReport.Scaling(a.standardization, features: a.features),
            kmeans: .init(restarts: restarts, maxIterations: maxIterations, tolerance: tolerance, seed: seed,
                          iterations: a.result.iterations, converged: a.result.converged, bestRestart: a.result.bestRestart,
                          inertiaByRestart: a.result.inertiaByRestart),
            timing: .init(kmeansSeconds: a.kMeansSeconds, totalSeconds: a.totalSeconds))
    }

    /// `{"k", "inertia", "silhouette", "elbow", "clusters", ..., "customers": [...]}`, the customers streamed last.
    func writeJSON(_ a: ClusterAnalysis, table: OutputTable, to sink: ByteSink) throws {
        var text = try jsonText(report(a))
        while let last = text.last, last.isWhitespace || last == "}" {
            let wasBrace = last == "}"
            text.removeLast()
            if wasBrace { break }
        }
        if noCustomers {
            try sink.write(text + "\n}\n")
            return
        }
        try sink.write(text + ",\n  \"customers\": ")
        try table.writeJSON(to: sink)
        try sink.write("}\n")
    }

    func writeTables(_ a: ClusterAnalysis, table: OutputTable, to sink: ByteSink) throws {
        let shown = { (x: Double) in NumberFormatting.display(x) }
        var text = "k-means on \(a.result.assignment.count) customers, features \(a.features.joined(separator: ", ")) "
        text += "(scaling \(a.standardization.method.rawValue)); k = \(a.k) (\(a.kChosenAutomatically ? "best silhouette" : "given")), "
        text += "inertia \(shown(a.result.inertia)), silhouette \(a.silhouette.map(shown) ?? "n/a")"
        if a.silhouettePoints < a.result.assignment.count, a.silhouette != nil { text += " (sample of \(a.silhouettePoints))" }
        text += "\n\nClusters\n"
        try sink.write(text)
        let rows: [[Cell]] = a.profiles.map { p in
            [.int(p.cluster), .text(p.name.text(language)), .int(p.size), .number((p.share * 1000).rounded() / 10),
             .text(p.distinguishing.map { "\($0.feature) \(String(format: "%+.2f", $0.z))" }.joined(separator: ", "))]
                + a.features.map { .number(((p.centroid[$0] ?? 0) * 100).rounded() / 100) }
        }
        try OutputTable(columns: ["cluster", "name", "customers", "% customers", "distinguishing (z)"] + a.features,
                        rowCount: rows.count) { r, c in rows[r][c] }.writeTable(to: sink, limit: rows.count)
        try sink.write("\nElbow curve\n")
        let elbow = a.elbow
        try OutputTable(columns: ["k", "inertia", "silhouette"], rowCount: elbow.count) { r, c in
            switch c {
            case 0: return .int(elbow[r].k)
            case 1: return .number(elbow[r].inertia)
            default: return elbow[r].silhouette.map { .number($0) } ?? .empty
            }
        }.writeTable(to: sink, limit: elbow.count)
        if !noCustomers {
            try sink.write("\nCustomers\n")
            try table.writeTable(to: sink, limit: 20)
        }
    }
}

/// Everything `cva cluster --format json` prints but the customers.
struct ClusterReport: Encodable {
    struct Profile: Encodable {
        var cluster: Int
        var name: String
        var size: Int
        var share: Double
        var centroid: [String: Double]
        var distinguishing: [ClusterProfile.Distinction]
        var meanDistance: Double
        init(_ p: ClusterProfile, name: String) {
            cluster = p.cluster
            self.name = name
            size = p.size
            share = p.share
            centroid = p.centroid
            distinguishing = p.distinguishing
            meanDistance = p.meanDistance
        }
        enum CodingKeys: String, CodingKey {
            case cluster, name, size, share, centroid, distinguishing, meanDistance = "mean_distance"
        }
    }
    struct Scaling: Encodable {
        var method: String
        var centers: [String: Double]
        var scales: [String: Double]
        var constantFeatures: [String]
        var iqrFallbacks: [String]
        init(_ s: Standardization, features: [String]) {
            method = s.method.rawValue
            centers = Dictionary(uniqueKeysWithValues: zip(features, s.centers))
            scales = Dictionary(uniqueKeysWithValues: zip(features, s.scales))
            constantFeatures = s.constantColumns.map { features[$0] }
            iqrFallbacks = s.scaleFallbacks.map { features[$0] }
        }
        enum CodingKeys: String, CodingKey {
            case method, centers, scales, constantFeatures = "constant_features", iqrFallbacks = "iqr_fallbacks"
        }
    }
    struct KMeansSettings: Encodable {
        var restarts: Int
        var maxIterations: Int
        var tolerance: Double
        var seed: UInt64
        var iterations: Int
        var converged: Bool
        var bestRestart: Int
        var inertiaByRestart: [Double]
        enum CodingKeys: String, CodingKey {
            case restarts, maxIterations = "max_iterations", tolerance, seed, iterations, converged
            case bestRestart = "best_restart", inertiaByRestart = "inertia_by_restart"
        }
    }
    struct Timing: Encodable {
        var kmeansSeconds: Double
        var totalSeconds: Double
        enum CodingKeys: String, CodingKey { case kmeansSeconds = "kmeans_seconds", totalSeconds = "total_seconds" }
    }

    var k: Int
    var kChosen: String
    var inertia: Double
    var silhouette: Double?
    var silhouettePoints: Int
    var elbow: [ClusterAnalysis.ElbowPoint]
    var clusters: [Profile]
    var features: [String]
    var standardization: Scaling
    var kmeans: KMeansSettings
    var timing: Timing

    enum CodingKeys: String, CodingKey {
        case k, kChosen = "k_chosen_by", inertia, silhouette, silhouettePoints = "silhouette_points", elbow, clusters
        case features, standardization, kmeans, timing
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(k, forKey: .k)
        try c.encode(kChosen, forKey: .kChosen)
        try c.encode(inertia, forKey: .inertia)
        try c.encode(silhouette, forKey: .silhouette)  // null when undefined
        try c.encode(silhouettePoints, forKey: .silhouettePoints)
        try c.encode(elbow, forKey: .elbow)
        try c.encode(clusters, forKey: .clusters)
        try c.encode(features, forKey: .features)
        try c.encode(standardization, forKey: .standardization)
        try c.encode(kmeans, forKey: .kmeans)
        try c.encode(timing, forKey: .timing)
    }
}

/// Reads a CSV of numbers with a header line: the column names and the n × d matrix.
/// Fields are parsed with strtod straight from the file's bytes.
func readNumericCSV(path: String) throws -> (names: [String], matrix: Matrix) {
    guard var bytes = FileManager.default.contents(atPath: path).map({ [UInt8]($0) }) else {
        throw CLIError("\(path): cannot read the file")
    }
    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
        throw InputError.noHeaderRow(path, isEmpty: bytes.isEmpty, expecting: "the matrix's columns")
    }
    bytes.append(0)
    guard let headerEnd = bytes.firstIndex(of: 0x0A) else { throw CLIError("\(path): expected a header line and rows of numbers") }
    let header = String(decoding: bytes[0..<headerEnd], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    let names = header.split(separator: ",", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }
    let d = names.count
    var elements: [Double] = []
    elements.reserveCapacity(bytes.count / 8)
    var rows = 0
    try bytes.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        let end = buffer.count - 1
        var p = headerEnd + 1
        var line = 2
        while p < end {
            if base[p] == 0x0A || base[p] == 0x0D { p += 1; if base[p - 1] == 0x0A { line += 1 }; continue }
            for j in 0..<d {
                var stop: UnsafeMutablePointer<CChar>?
                let start = UnsafeRawPointer(base + p).assumingMemoryBound(to: CChar.self)
                let value = strtod(start, &stop)
                guard let stop else { throw CLIError("\(path):\(line): cannot read a number") }
                let used = UnsafeRawPointer(stop) - UnsafeRawPointer(start)
                guard used > 0, value.isFinite else {
                    throw CLIError("\(path):\(line), column \(j + 1): expected a number")
                }
                // Standardising sums the values and their squares: beyond 1e150 they overflow.
                guard value.magnitude <= 1e150 else {
                    throw CLIError("\(path):\(line), column \(j + 1): \(value) is too large to cluster (at most 1e150 in magnitude)")
                }
                p += used
                let expected: UInt8 = j == d - 1 ? 0x0A : 0x2C
                if j == d - 1, base[p] == 0x0D { p += 1 }
                guard base[p] == expected || (j == d - 1 && p >= end) else {
                    throw CLIError("\(path):\(line): expected \(d) numbers separated by commas")
                }
                p += 1
                elements.append(value)
            }
            rows += 1
            line += 1
        }
    }
    return (names, Matrix(rows: rows, columns: d, elements: elements))
}
