import Foundation
import Testing

/// `cva predict --timing`: the seconds of each step on standard error, data alone on standard output.
struct ModelCommandTimingTests {
    typealias CLI = CommandLineTests

    @Test func predictPrintsTheScoringTime() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data").path
        #expect(try CLI.run(["generate", "--customers", "1500", "--seed", "4", "--only", "transactions", "--out", data]).status == 0)
        let model = folder.appendingPathComponent("m.json").path
        #expect(try CLI.run(["fit", data, "--format", "json", "--save", model]).status == 0)

        let timed = try CLI.run(["predict", data, "--model-file", model, "--spend-model", "gg", "--format", "csv", "--timing"])
        #expect(timed.status == 0, "\(timed.stderr)")
        let line = try #require(timed.stderr.split(separator: "\n").first { $0.hasPrefix("timing: ") })
        // "timing: read S s, spend fit S s, scoring S s, output S s"
        let steps = line.dropFirst("timing: ".count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(steps.map { $0.split(separator: " ").dropLast(2).joined(separator: " ") } == ["read", "spend fit", "scoring", "output"])
        for step in steps {
            let seconds = try #require(Double(step.split(separator: " ").dropLast().last ?? ""))
            #expect(seconds >= 0)
        }
        // Same CSV as without --timing: the flag only adds the line on standard error.
        let plain = try CLI.run(["predict", data, "--model-file", model, "--spend-model", "gg", "--format", "csv"])
        #expect(plain.stdout == timed.stdout)
        #expect(!plain.stderr.contains("timing:"))
    }
}
