import Foundation
import Testing

/// `cva summary --timing`: the seconds of each step on standard error, data alone on standard output.
struct SummaryCommandTimingTests {
    typealias CLI = CommandLineTests

    @Test func summaryPrintsThePhaseTimes() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data").path
        #expect(try CLI.run(["generate", "--customers", "300", "--seed", "5", "--only", "transactions", "--out", data]).status == 0)

        let timed = try CLI.run(["summary", data, "--format", "csv", "--timing"])
        #expect(timed.status == 0, "\(timed.stderr)")
        let line = try #require(timed.stderr.split(separator: "\n").first { $0.hasPrefix("timing: ") })
        // "timing: read S s, parse S s, build S s, summary S s, write S s"
        let steps = line.dropFirst("timing: ".count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(steps.map { $0.split(separator: " ").dropLast(2).joined(separator: " ") } == ["read", "parse", "build", "summary", "write"])
        for step in steps {
            let seconds = try #require(Double(step.split(separator: " ").dropLast().last ?? ""))
            #expect(seconds >= 0)
        }
        // Same CSV as without --timing: the flag only adds the line on standard error.
        let plain = try CLI.run(["summary", data, "--format", "csv"])
        #expect(plain.stdout == timed.stdout)
        #expect(!plain.stderr.contains("timing:"))
    }
}
