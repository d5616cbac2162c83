import ArgumentParser
import CustomerValue
import Foundation

/// `cva demo`: generate a synthetic data set and analyze it.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate 10,000 synthetic customers into ./cva-demo/data and analyze them into ./cva-demo/out.")

    @Option(parsing: .unconditional, help: "Number of customers.")
    var customers: Int = 10_000
    @Option(parsing: .unconditional, help: "Random seed.")
    var seed: UInt64 = 42
    @Option(help: "Folder for the demo (data/ and out/ inside).")
    var folder: String = "cva-demo"

    func run() throws {
        try runReportingErrors {
            let data = (folder as NSString).appendingPathComponent("data")
            let out = (folder as NSString).appendingPathComponent("out")
            var generate = try GenerateCommand.parse([])
            generate.dirtyFraction = 0.005
            let report = try generate.generate(customers: customers, seed: seed, out: data)
            Console.note(String(format: "generated %d synthetic customers into %@ (%.1f s)", customers, data, report.elapsedSeconds))
            try Analysis(input: data, outputFolder: out, transactions: try TransactionOptions.parse([])).run()
        }
    }
}
