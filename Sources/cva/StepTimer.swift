import CustomerValue
import Foundation

/// The `--timing` line of a command: the seconds of each step, printed to standard error as
/// `timing: read 0.412 s, summary 0.101 s, ...` when the command ends (only when enabled).
final class StepTimer {
    private let enabled: Bool
    private var clock = Date()
    private var steps: [String] = []

    init(enabled: Bool) { self.enabled = enabled }

    /// Records the seconds since the previous step (or the start) under `name`.
    func step(_ name: String) {
        record(name, seconds: Date().timeIntervalSince(clock))
        clock = Date()
    }

    /// Records the loading of a transactions file as three steps: read (what the loader did not
    /// time itself), parse and build (the loader's own phases, ``TransactionHistory/timings``).
    func stepLoad(_ history: TransactionHistory) {
        stepLoad(history.timings)
    }

    /// As ``stepLoad(_:)-(TransactionHistory)``, from the loader's timings.
    func stepLoad(_ timings: IngestTimings) {
        let loadSeconds = Date().timeIntervalSince(clock)
        record("read", seconds: max(0, loadSeconds - timings.parse - timings.build))
        record("parse", seconds: timings.parse)
        record("build", seconds: timings.build)
        clock = Date()
    }

    /// Prints the line when enabled.
    func report() {
        if enabled { Console.note("timing: " + steps.joined(separator: ", ")) }
    }

    private func record(_ name: String, seconds: Double) {
        steps.append(String(format: "%@ %.3f s", name, seconds))
    }
}
