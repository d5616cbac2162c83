import ArgumentParser
import CustomerValue
import Foundation

/// `cva weights ahp|entropy`: weights for composite value scores.
struct WeightsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weights",
        abstract: "Weights of criteria: AHP from a pairwise comparison matrix, or the entropy weight method from data.",
        subcommands: [AHP.self, Entropy.self])

    struct AHP: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ahp",
            abstract: "Principal-eigenvector weights, λmax, CI and CR (Saaty) of a square comparison matrix CSV whose header names the criteria.")
        @Argument(help: "Matrix CSV: header row of criteria; a first column repeating the names is allowed; fractions like 1/3 accepted.")
        var matrix: String
        @Option(help: "Output format: table or json.")
        var format: ReportFormat?

        func run() throws {
            try runReportingErrors {
                let (names, rows) = try readMatrix(matrix)
                let ahp = try AHPWeights(criteria: names, matrix: rows)
                let out = try ByteSink(path: nil)
                if (format ?? (isatty(STDOUT_FILENO) == 1 ? .table : .json)) == .json {
                    let json = WeightsJSON(weights: Dictionary(uniqueKeysWithValues: zip(names, ahp.weights)), lambdaMax: ahp.lambdaMax,
                                           ci: ahp.consistencyIndex, cr: ahp.consistencyRatio, consistent: ahp.isConsistent)
                    try out.write(jsonText(json))
                } else {
                    var text = zip(names, ahp.weights).map { String(format: "%@  %.4f", $0.padding(toLength: 20, withPad: " ", startingAt: 0), $1) }.joined(separator: "\n")
                    text += String(format: "\nλmax %.4f, CI %.4f", ahp.lambdaMax, ahp.consistencyIndex)
                    if let cr = ahp.consistencyRatio { text += String(format: ", CR %.4f (%@)", cr, ahp.isConsistent ? "consistent: < 0.1" : "INCONSISTENT: ≥ 0.1, revise the comparisons") }
                    try out.write(text + "\n")
                }
            }
        }
    }

    struct Entropy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "entropy",
            abstract: "Entropy weight method (熵权法) over numeric columns of a data CSV.")
        @Argument(help: "Data CSV, one row per object.")
        var data: String
        @Option(parsing: .upToNextOption, help: "Columns to weigh (default: every numeric column).")
        var columns: [String] = []
        @Option(parsing: .upToNextOption, help: "Columns where less is better.")
        var cost: [String] = []
        @Option(help: "Output format: table or json.")
        var format: ReportFormat?

        func run() throws {
            try runReportingErrors {
                let reader = try CSVReader(path: data)
                try reader.readHeader(expecting: "the columns to weigh")
                let header = reader.fields
                let chosen = columns.isEmpty ? header : columns.flatMap { $0.split(separator: ",").map(String.init) }
                let indexes = try chosen.map { name -> Int in
                    guard let k = header.firstIndex(of: name) else { throw CLIError("\(data): no column \(name); the header has: \(header.joined(separator: ", "))") }
                    return k
                }
                var rows: [[Double]] = []
                while try reader.next() {
                    if reader.isBlankLine { continue }
                    rows.append(try indexes.map { k in
                        guard k < reader.fieldCount, let v = AmountParser.parse(reader.string(k)) else {
                            throw CLIError("\(data): line \(reader.line), column \(header[k]): expected a number, got \"\(k < reader.fieldCount ? reader.string(k) : "")\"")
                        }
                        return v
                    })
                }
                let costSet = Set(cost.flatMap { $0.split(separator: ",").map(String.init) })
                let weights = try EntropyWeights.weights(names: chosen, data: rows, cost: costSet)
                let out = try ByteSink(path: nil)
                if (format ?? (isatty(STDOUT_FILENO) == 1 ? .table : .json)) == .json {
                    try out.write(jsonText(["weights": Dictionary(uniqueKeysWithValues: zip(chosen, weights))]))
                } else {
                    try out.write(zip(chosen, weights).map { String(format: "%@  %.4f", $0.padding(toLength: 20, withPad: " ", startingAt: 0), $1) }.joined(separator: "\n") + "\n")
                }
            }
        }
    }
}

/// The JSON of `cva weights ahp`.
struct WeightsJSON: Encodable {
    var weights: [String: Double]
    var lambdaMax: Double
    var ci: Double
    var cr: Double?
    var consistent: Bool
    enum CodingKeys: String, CodingKey {
        case weights, ci, cr, consistent
        case lambdaMax = "lambda_max"
    }
}

/// Reads a comparison matrix CSV: a header of criteria, optionally a first column of names; cells
/// as numbers or fractions (1/3).
func readMatrix(_ path: String) throws -> ([String], [[Double]]) {
    let reader = try CSVReader(path: path)
    try reader.readHeader(expecting: "the criteria")
    var header = reader.fields.map { $0.trimmingCharacters(in: .whitespaces) }
    var rows: [[Double]] = []
    var firstColumnNames = false
    if header.first?.isEmpty == true || header.first.map({ Double($0) == nil && !header.dropFirst().contains($0) && header.count > 1 }) == true && header.count > 1 {
        // A corner cell (empty or a label) means the first column repeats the names.
        firstColumnNames = true
        header.removeFirst()
    }
    while try reader.next() {
        if reader.isBlankLine { continue }
        var cells = reader.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        if firstColumnNames || (cells.count == header.count + 1 && Double(cells[0]) == nil && !cells[0].contains("/")) {
            cells.removeFirst()
        }
        rows.append(try cells.enumerated().map { k, cell in
            let parts = cell.split(separator: "/")
            if parts.count == 2, let a = Double(parts[0]), let b = Double(parts[1]), b != 0 { return a / b }
            guard let v = Double(cell) else {
                throw CLIError("\(path): line \(reader.line), column \(k + 1): expected a number or a fraction like 1/3, got \"\(cell)\"")
            }
            return v
        })
    }
    return (header, rows)
}
