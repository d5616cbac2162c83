import ArgumentParser
import CustomerValue
import Foundation

/// `cva profile`: the data-quality report of a file or a data set folder.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Data-quality report: rows read, accepted and set aside (with why), duplicates, returns, outliers, for every file of a data set.")

    @Argument(help: "A CSV file, or a data set folder (transactions.csv, customers.csv, tickets.csv, surveys.csv, events.csv, opportunities.csv).")
    var input: String

    @OptionGroup var transactions: TransactionOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Write every row set aside to this CSV (file, line, column, reason, raw); created only when there are such rows.")
    var quarantine: String = "cva-quarantine.csv"

    func run() throws {
        try runReportingErrors {
            let sink = LazyQuarantineFile(path: quarantine)
            let profile = try profileInput(sink: sink)
            try sink.close()
            let out = try ByteSink(path: output.out)
            switch output.resolvedFormat {
            case .json: try out.write(jsonText(profile))
            case .csv: try QualityText.table(profile).write(.csv, to: out)
            case .table: try out.write(QualityText.render(profile))
            }
            try out.close()
            if sink.count > 0 { Console.note("note: \(sink.count) rows set aside, written to \(quarantine)") }
        }
    }

    private func profileInput(sink: QuarantineSink) throws -> DataSetProfile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw CLIError("\(input): no such file or folder")
        }
        let bar = ProgressBar(label: "profiling", unit: "MB")
        defer { bar.finish() }
        if isDirectory.boolValue {
            let dataSet = try DataSet(directory: input)
            guard dataSet.transactions != nil || !dataSet.files.isEmpty else {
                let names = ["transactions"] + FileSchema.dataSetFiles.map(\.name)
                throw CLIError("\(input): no data set file in the folder (expected any of \(names.map { "\($0).csv" }.joined(separator: ", ")))")
            }
            let options = try transactions.ingestOptions(config: dataSet.config)
            return try DataSetProfile.profile(dataSet, options: options, quarantine: sink, requireTransactions: false, keepHistory: false) { bytes, total in
                bar.update(done: bytes, total: total, rateCount: bytes / 1_000_000)
            }.profile
        }
        let options = try transactions.ingestOptions(config: configBeside(input))
        let stem = ((input as NSString).lastPathComponent as NSString).deletingPathExtension.lowercased()
        if let schema = FileSchema.dataSetFiles.first(where: { $0.name == stem }) {
            let report = try TableProfiler.profile(
                path: input, schema: schema, delimiter: options.delimiter, encoding: options.encoding,
                dateFormat: transactions.dateFormat, quarantine: sink)
            return DataSetProfile(transactions: nil, files: [report], unusable: [], unrecognized: [])
        }
        // Only the report is wanted: the purchase periods are dropped block by block.
        let report = try TransactionLoader.stream(path: input, options: options, quarantine: sink) { _ in }.report
        return DataSetProfile(transactions: report, files: [], unusable: [], unrecognized: [])
    }
}
