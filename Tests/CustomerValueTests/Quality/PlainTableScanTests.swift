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

    static func analyze(_ path: String, parallel: Bool, splitAt: Int?, chunkBytes: Int? = nil,
                        sink: QuarantineMemory) throws -> SatisfactionReport {
        try SatisfactionAnalysis.analyze(path: path, groupings: [.quarter, .month], delimiter: nil, encoding: nil, dateFormat: nil,
                                         quarantine: sink, feedback: try FeedbackAnalyzer(lexicon: .builtIn),
                                         parallel: parallel, splitAt: splitAt, chunkBytes: chunkBytes)
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
                // Sentiment sums are exact (fixed point): the same means to the last digit.
                #expect(try #require(two.themes) == #require(one.themes), "split at \(at)")
            }
            // Chunks of any size (a line each, a few lines, most of the file), taken by either thread.
            for size in [1, 9, 45, 130, 700, 4000] {
                let chunkSink = QuarantineMemory()
                let chunked = try Self.analyze(path, parallel: true, splitAt: nil, chunkBytes: size, sink: chunkSink)
                #expect(chunked.file == one.file, "chunks of \(size)")
                #expect(chunkSink.rows == oneSink.rows, "chunks of \(size)")
                #expect(chunked.overall == one.overall && chunked.rows == one.rows && chunked.by == one.by)
                #expect(try #require(chunked.themes) == #require(one.themes), "chunks of \(size)")
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
        func outcome(_ text: [UInt8], chunkBytes: Int? = nil) throws -> String {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("cva-plain-\(UUID().uuidString).csv").path
            try Data(text).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let result = try PlainTableScan.profile(
                path: path, schema: .surveys, delimiter: nil, encoding: .utf8, dateFormat: nil, quarantine: nil, columns: [:],
                splitAt: chunkBytes == nil ? 0 : nil, chunkBytes: chunkBytes, makeState: { _ in RowCount() },
                visit: { _, _ in })
            switch result {
            case .done(let report, let counts): return "done \(report.accepted) \(counts.reduce(0) { $0 + $1.rows })"
            case .notPlain: return "not plain"
            case .repeats: return "repeats"
            }
        }
        let plain = Self.text(duplicates: false)
        #expect(try outcome(Array(plain.utf8)).hasPrefix("done"))
        #expect(try outcome(Array(plain.utf8), chunkBytes: 100) == outcome(Array(plain.utf8)))
        #expect(try outcome(Array(Self.text(duplicates: true).utf8), chunkBytes: 100) == "repeats")
        #expect(try outcome(Array(plain.replacingOccurrences(of: "R70,", with: "\"R70\",").utf8), chunkBytes: 100) == "not plain")
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

extension PlainTableScanTests {
    /// The stops found 64 bytes at a time are exactly the bytes a byte-by-byte test names (below
    /// 0x20, 0x80 and above, the quote, the delimiter), in order, for ranges of every length
    /// around the 64-byte blocks, starting anywhere, with each delimiter a file may use; bytes
    /// past the range's end are never reported.
    @Test(arguments: [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")])
    func stopBytesAreTheBytesAByteByByteTestFinds(delimiter: UInt8) {
        var generator = ParallelProfileTests.SplitMix(seed: 23)
        // Mostly letters and digits, with every kind of stop byte and bytes next to them.
        let alphabet: [UInt8] = Array("abcXYZ019-: ".utf8) + [0x0A, 0x0D, 0x09, 0x00, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x2C, 0x3B,
                                                               0x7C, 0x7E, 0x7F, 0x80, 0xC3, 0xE4, 0xFF]
        let bytes = (0..<700).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
        func isStop(_ b: UInt8) -> Bool { b < 0x20 || b >= 0x80 || b == 0x22 || b == delimiter }
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for start in [0, 1, 7, 63, 64, 65, 130] {
                for end in Set([start, start + 1, start + 63, start + 64, start + 65, start + 127, start + 128, start + 129, 700]) where end <= 700 {
                    var stops = StopBytes(base: base, start: start, end: end, delimiter: delimiter)
                    var found: [Int] = []
                    while true {
                        let stop = stops.next()
                        if stop >= end { break }
                        found.append(stop)
                    }
                    let expected = (start..<end).filter { isStop(bytes[$0]) }
                    #expect(found == expected, "start \(start), end \(end)")
                    // Once at the end, it stays there.
                    #expect(stops.next() == end)
                }
            }
        }
    }
}

/// A scan state that counts the plain rows it is given.
struct RowCount: PlainScanState {
    var rows = 0
    mutating func acceptPlain(values: UnsafeMutablePointer<Double>, record: PlainTableScan.Record) { rows += 1 }
}
