import ArgumentParser
import CustomerValue
import Foundation

extension SyntheticFile: ExpressibleByArgument {}

/// `cva generate`: a synthetic CRM data set with known truth.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a realistic synthetic CRM data set (transactions from a BG/NBD process with Gamma-Gamma spend, customers, tickets, surveys, events, opportunities) and its truth.",
        discussion: "Deterministic for a seed. truth.json and truth_customers.csv hold the parameters and each customer's true purchase rate, dropout and spend.")

    @Option(parsing: .unconditional, help: "Number of customers.")
    var customers: Int = 10_000
    @Option(parsing: .unconditional, help: "Random seed: the same seed gives the same files.")
    var seed: UInt64 = 42
    @Option(help: "Folder to write into (created if needed).")
    var out: String = "cva-data"
    @Option(name: .long, parsing: .upToNextOption, help: "Write only these files: transactions, customers, tickets, surveys, events, opportunities.")
    var only: [SyntheticFile] = []
    @Option(name: .customLong("dirty-fraction"), parsing: .unconditional, help: "Fraction of extra dirty transaction rows to inject (0 to 0.5): bad dates, missing values, duplicates, returns.")
    var dirtyFraction: Double = 0
    @Option(parsing: .unconditional, help: "BG/NBD parameters r,alpha,a,b (alpha per week), e.g. 0.243,4.414,0.793,2.426.")
    var bgnbd: String?
    @Option(name: .customLong("gamma-gamma"), parsing: .unconditional, help: "Gamma-Gamma spend parameters p,q,v, e.g. 6.25,3.74,15.44.")
    var gammaGamma: String?
    @Option(help: "First day of the data (yyyy-MM-dd).")
    var start: String?

    func run() throws {
        try runReportingErrors {
            let report = try generate(customers: customers, seed: seed, out: out)
            Console.note(String(format: "wrote %d customers to %@ in %.1f s", customers, out, report.elapsedSeconds))
        }
    }

    func generate(customers: Int, seed: UInt64, out: String) throws -> SyntheticReport {
        guard customers >= 1 else { throw CLIError("--customers must be at least 1") }
        var config = SyntheticConfig(customers: customers, seed: seed)
        if !only.isEmpty { config.files = Set(only) }
        config.dirtyFraction = dirtyFraction
        if let bgnbd {
            let v = try numbers(bgnbd, count: 4, flag: "--bgnbd")
            config.purchase = BGNBDTruth(r: v[0], alpha: v[1], a: v[2], b: v[3])
        }
        if let gammaGamma {
            let v = try numbers(gammaGamma, count: 3, flag: "--gamma-gamma")
            config.spend = GammaGammaTruth(p: v[0], q: v[1], v: v[2])
        }
        if let start { config.start = try parseDay(start, flag: "--start") }
        let generator = try SyntheticGenerator(config: config)
        let bar = ProgressBar(label: "generating", unit: "customers")
        defer { bar.finish() }
        return try generator.write(to: URL(fileURLWithPath: out)) { done in
            bar.update(done: done, total: customers)
        }
    }

    private func numbers(_ text: String, count: Int, flag: String) throws -> [Double] {
        let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        let positive = values.compactMap { $0 }.filter { $0 > 0 && $0.isFinite }
        guard values.count == count, positive.count == count else {
            throw CLIError("\(flag) \(text): expected \(count) positive numbers separated by commas")
        }
        return positive
    }
}
