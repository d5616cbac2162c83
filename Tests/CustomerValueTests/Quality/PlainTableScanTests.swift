import Foundation
import Testing
@testable import CustomerValue

/// The single-pass scan of plain files must give exactly what the general reader gives: the
/// same report, quarantined rows (lines, reasons, raw text) and scores, at every split.
struct PlainTableScanTests {
    /// A plain surveys file (no quotes, no carriage returns) with every kind of row the scan
    /// hands to the general row check: out of scale, missing id, bad date, wrong field count,
    /// a number written `9.0`, cells with spaces around them, blank lines; Chinese comments.
    static func text(duplicates: Bool) -> String {
        var lines = ["response_id,customer_id,date,nps,csat,ces,comment"]
        for i in 0..<77 {
            let customer = "C\(i % 23)"
            let date = "2024-\(String(format: "%02d", 1 + i % 12))-\(String(format: "%02d", 1 + (i * 7) % 28))"
            switch i % 13 {
            case 0: lines.append("R\(i),\(customer),\(date),\(i % 11),\(1 + i % 5),,物流太慢 客服不错")
            case 1: lines.append("R\(i),,\(date),9,4,3,missing id")
            case 2: lines.append("R\(i),\(customer),\(date),11,4,3,out of scale")
            case 3: lines.append("R\(i),\(customer),\(date),9,0,3,csat zero")
            case 4: lines.append("")
            case 5: lines.append("R\(i),\(customer),2024-02-30,8,,2,bad date")
            case 6: lines.append("R\(i),\(customer),\(date),7,2")
            case 7: lines.append("R\(i),\(customer),\(date),9.0,4, 5 ,price too high")
            case 8 where duplicates: lines.append(lines[lines.count - 1])
            case 9: lines.append("R\(i),\(customer),\(date),x,3,3,not a number")
            default: lines.append("R\(i),\(customer),\(date),\(i % 11),\(1 + i % 5),\(1 + i % 7),great price fast delivery")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func analyze(_ path: String, parallel: Bool, splitAt: Int?, sink: QuarantineMemory) throws -> SatisfactionReport {
        try SatisfactionAnalysis.analyze(path: path, groupings: [.quarter, .month], delimiter: nil, encoding: nil, dateFormat: nil,
                                         quarantine: sink, feedback: try FeedbackAnalyzer(lexicon: .builtIn),
                                         parallel: parallel, splitAt: splitAt)
    }

    @Test(arguments: [false, true])
    func plainScanGivesTheGeneralReadersResultsAtEverySplit(duplicates: Bool) throws {
        try ParallelProfileTests.withFile(Self.text(duplicates: duplicates)) { path in
            let oneSink = QuarantineMemory()
            let one = try Self.analyze(path, parallel: false, splitAt: nil, sink: oneSink)
            for at in try ParallelProfileTests.lineStarts(path) {
                let twoSink = QuarantineMemory()
                let two = try Self.analyze(path, parallel: true, splitAt: at, sink: twoSink)
                #expect(two.file == one.file, "split at \(at)")
                #expect(twoSink.rows == oneSink.rows, "split at \(at)")
                #expect(two.overall == one.overall && two.rows == one.rows && two.by == one.by)
                let (a, b) = (try #require(two.themes), try #require(one.themes))
                #expect(a.n == b.n && a.detractors == b.detractors && a.promoters == b.promoters)
                #expect(a.themes.map(\.count) == b.themes.map(\.count))
                #expect(abs((a.meanSentiment ?? 0) - (b.meanSentiment ?? 0)) < 1e-12)
            }
            // The file has every kind of row (counts from the pattern above: 77 rows, 6 of each
            // kind 1...9 at i % 13, 6 duplicates when planted).
            #expect(one.file.blankLines == 6 && one.file.rejected.count >= 5)
            #expect(one.file.duplicates == (duplicates ? 6 : 0))
            #expect(one.overall.nps.n > 0 && (one.themes?.n ?? 0) > 0)
        }
    }

    /// The scan really runs on a plain file (so the test above compares it with the general
    /// reader), and declines a file with a quote or a carriage return, or bytes that are not UTF-8.
    @Test func scanRunsOnPlainFilesOnly() throws {
        func outcome(_ text: [UInt8]) throws -> String {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("cva-plain-\(UUID().uuidString).csv").path
            try Data(text).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let result = try PlainTableScan.profile(
                path: path, schema: .surveys, delimiter: nil, encoding: .utf8, dateFormat: nil, quarantine: nil, columns: [:],
                splitAt: 0, makeState: { _ in 0 }, acceptPlain: { count, _, _ in count += 1 }, visit: { _, _ in })
            switch result {
            case .done(let report, let counts): return "done \(report.accepted) \(counts.reduce(0, +))"
            case .notPlain: return "not plain"
            case .repeats: return "repeats"
            }
        }
        let plain = Self.text(duplicates: false)
        #expect(try outcome(Array(plain.utf8)).hasPrefix("done"))
        #expect(try outcome(Array(Self.text(duplicates: true).utf8)) == "repeats")
        #expect(try outcome(Array(plain.replacingOccurrences(of: "great price", with: "\"great\" price").utf8)) == "not plain")
        #expect(try outcome(Array(plain.replacingOccurrences(of: "\n", with: "\r\n").utf8)) == "not plain")
        // A control character (here a NUL in an id, which the general reader sets aside).
        #expect(try outcome(Array(plain.replacingOccurrences(of: ",C5,", with: ",C5\u{0},").utf8)) == "not plain")
        // Past the reader's first megabyte (which it checks before any row is read): a byte
        // 0xFF, never valid in UTF-8.
        let body = plain.split(separator: "\n", maxSplits: 1)[1]
        let large = Array(plain.utf8) + Array(String(repeating: String(body), count: 750).utf8)
        #expect(large.count > 2 << 20)
        #expect(try outcome(large + Array("R9,C9,2024-01-01,9,4,3,bad ".utf8) + [0xFF, 0x0A]) == "not plain")
    }
}
