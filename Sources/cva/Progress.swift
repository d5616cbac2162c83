import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A progress bar on standard error with a rate, shown only when standard error is a terminal.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let unit: String
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let lock = NSLock()

    init(label: String, unit: String) {
        self.label = label
        self.unit = unit
        enabled = isatty(STDERR_FILENO) == 1
    }

    /// Shows `done` of `total` (total nil: a count only); `rateCount` is what the rate is computed from.
    func update(done: Int, total: Int?, rateCount: Int? = nil) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(start), 1e-6)
        let rate = Double(rateCount ?? done) / elapsed
        var line = "\r\(label) "
        if let total, total > 0 {
            let fraction = min(1, Double(done) / Double(total))
            let width = 30
            let filled = Int(fraction * Double(width))
            line += "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled) + "] "
            line += String(format: "%3.0f%% ", fraction * 100)
        }
        line += String(format: "%@ %@/s", ProgressBar.compact(rate), unit)
        FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
    }

    /// Clears the bar.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    static func compact(_ v: Double) -> String {
        if v >= 1e6 { return String(format: "%.1fM", v / 1e6) }
        if v >= 1e3 { return String(format: "%.1fk", v / 1e3) }
        return String(format: "%.0f", v)
    }
}
