import Foundation
import Testing

/// A data set made by `cva generate` on first use and shared by the tests that only read it
/// (they write their outputs elsewhere), so that a suite generates each data set once per run.
struct GeneratedDataSet: Sendable {
    /// The data set's folder, or why `cva generate` failed.
    private let folder: Result<String, GenerationFailure>

    struct GenerationFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `cva generate` with `arguments` (plus `--out`) into a new temporary folder.
    init(_ arguments: [String]) {
        do {
            let data = try CommandLineTests.temporaryFolder().appendingPathComponent("data").path
            let run = try CommandLineTests.run(["generate"] + arguments + ["--out", data])
            folder = run.status == 0 ? .success(data)
                : .failure(GenerationFailure(description: "cva generate \(arguments.joined(separator: " ")): \(run.stderr)"))
        } catch {
            folder = .failure(GenerationFailure(description: "cva generate \(arguments.joined(separator: " ")): \(error)"))
        }
    }

    /// The folder's path; throws (failing the test) when generation failed.
    var path: String {
        get throws { try folder.get() }
    }

    /// Transactions only, 3000 customers, seed 9.
    static let transactions3000Seed9 = GeneratedDataSet(["--customers", "3000", "--seed", "9", "--only", "transactions"])
    /// Transactions only, 2000 customers, seed 4.
    static let transactions2000Seed4 = GeneratedDataSet(["--customers", "2000", "--seed", "4", "--only", "transactions"])
    /// Transactions only, 1500 customers, seed 5.
    static let transactions1500Seed5 = GeneratedDataSet(["--customers", "1500", "--seed", "5", "--only", "transactions"])
}
