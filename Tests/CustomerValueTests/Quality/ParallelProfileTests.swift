import Foundation
import Testing
@testable import CustomerValue

/// Reading a side file with two threads must give exactly what one pass gives: same report,
/// same quarantined rows in the same order, same visited rows, same scores.
struct ParallelProfileTests {
    /// A surveys file with quoted multi-line comments, blank lines, bad rows and duplicates
    /// spread through it, so that split points land among them. `duplicates`: some rows repeat
    /// the row before, and the last row repeats the first (a duplicate across any split).
    static func text(duplicates: Bool) -> String {
        var lines = ["response_id,customer_id,date,nps,csat,ces,comment"]
        for i in 0..<66 {
            let customer = "C\(i % 23)"
            let date = "2024-\(String(format: "%02d", 1 + i % 12))-\(String(format: "%02d", 1 + (i * 7) % 28))"
            switch i % 11 {
            case 0: lines.append("R\(i),\(customer),\(date),\(i % 11),\(1 + i % 5),,\"slow delivery,\nrude \"\"support\"\"\"")
            case 1: lines.append("R\(i),,\(date),9,4,3,missing id")
            case 2: lines.append("R\(i),\(customer),\(date),11,4,3,out of scale")
            case 3 where duplicates: lines.append(lines[lines.count - 1])   // an exact duplicate of the row before
            case 4: lines.append("")
            case 5: lines.append("R\(i),\(customer),2024-02-30,8,,2,bad date")
            case 6: lines.append("R\(i),\(customer),\(date),7,2")
            default: lines.append("R\(i),\(customer),\(date),\(i % 11),\(1 + i % 5),\(1 + i % 7),great price")
            }
        }
        if duplicates { lines.append(lines[1]) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func withFile<T>(_ text: String, _ body: (String) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cva-parallel-profile-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    /// The file offset of every line's first byte.
    static func lineStarts(_ path: String) throws -> [Int] {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        return [0] + bytes.indices.filter { bytes[$0] == 0x0A }.map { $0 + 1 }
    }

    /// Lines of the visited rows, per part.
    static func profile(_ path: String, parallel: Bool, splitAt: Int?, sink: QuarantineMemory)
        throws -> (report: TableFileReport, states: [[Int]]) {
        try TableProfiler.profile(path: path, schema: .surveys, quarantine: sink, parallel: parallel, splitAt: splitAt,
                                  makeState: { _ in [Int]() }, visit: { lines, row in lines.append(row.line) })
    }

    @Test(arguments: [false, true])
    func twoThreadsGiveTheSameReportRowsAndQuarantineAtEverySplit(duplicates: Bool) throws {
        try Self.withFile(Self.text(duplicates: duplicates)) { path in
            let oneSink = QuarantineMemory()
            let one = try Self.profile(path, parallel: false, splitAt: nil, sink: oneSink)
            let starts = try Self.lineStarts(path)
            var splits = 0
            // Every offset within a line splits at the same place as its line's start: try each
            // line start (inside quoted comments too).
            for at in starts {
                let twoSink = QuarantineMemory()
                let two = try Self.profile(path, parallel: true, splitAt: at, sink: twoSink)
                #expect(two.report == one.report)
                #expect(twoSink.rows == oneSink.rows)
                #expect(two.states.flatMap { $0 } == one.states[0])
                if two.states.count == 2 { splits += 1 }
            }
            // Without duplicates nearly every offset splits (all but those past the last line
            // break); with any, every read falls back to one thread.
            if duplicates { #expect(splits == 0) } else { #expect(splits > starts.count / 2) }
            #expect((one.report.duplicates > 0) == duplicates && one.report.blankLines > 0 && one.report.rejected.count >= 4)
        }
    }

    @Test func satisfactionScoresAreTheSameWithTwoThreads() throws {
        try Self.withFile(Self.text(duplicates: false)) { path in
            let analyzer = try FeedbackAnalyzer(lexicon: .builtIn)
            func run(_ parallel: Bool, _ at: Int?) throws -> SatisfactionReport {
                try SatisfactionAnalysis.analyze(path: path, groupings: [.quarter, .month, .surveyColumn(name: "comment", headers: ["comment"])],
                                                 delimiter: nil, encoding: nil, dateFormat: nil, quarantine: nil,
                                                 feedback: analyzer, parallel: parallel, splitAt: at)
            }
            let one = try run(false, nil)
            for at in try Self.lineStarts(path) {
                let two = try run(true, at)
                #expect(two.overall == one.overall && two.rows == one.rows)
                #expect(two.by == one.by)
                #expect(two.file == one.file)
                // Counts, and sentiment sums too (fixed point, exact in any order): all equal.
                let (a, b) = (try #require(two.themes), try #require(one.themes))
                #expect(a == b)
                #expect(a.n > 0 && a.themes.contains { $0.meanSentiment != nil })
            }
            #expect(one.by.count > 12 && (one.themes?.n ?? 0) > 0)
        }
    }
}

extension ParallelProfileTests {
    /// The deferred duplicate check: any repeat, within a list or across lists, is found; a
    /// hundred thousand distinct hashes have none.
    @Test func deferredDuplicateCheckFindsAnyRepeat() {
        var generator = SplitMix(seed: 7)
        let distinct = (0..<100_000).map { _ in generator.next() }
        // SplitMix64 is a bijection of its counter: 100,000 outputs are all different.
        #expect(!RowHashes.containsDuplicate([Array(distinct[..<40_000]), Array(distinct[40_000...])]))
        #expect(RowHashes.containsDuplicate([distinct, [distinct[99_999]]]))
        #expect(RowHashes.containsDuplicate([distinct + [distinct[0]]]))
        #expect(RowHashes.containsDuplicate([[5, 0], [0x9E37_79B9_7F4A_7C15]]))
        #expect(!RowHashes.containsDuplicate([[1], [], [2]]))
        // A repeat in the upper half of the buckets (checked by the second task) and one in the
        // first bucket (the first task): the largest and the smallest hash repeated.
        let largest = distinct.max() ?? 0, smallest = distinct.min() ?? 0
        #expect(RowHashes.containsDuplicate([distinct, [largest]]))
        #expect(RowHashes.containsDuplicate([[smallest], distinct]))
    }

    /// The buckets keep every key added, once, in the order added within its bucket (its top
    /// eight bits), across several chunks; a zero hash is kept as its stand-in.
    @Test func hashBucketsKeepEveryKeyInItsBucket() {
        var generator = SplitMix(seed: 5)
        // Ten thousand keys in three buckets (several chunks each), and a zero hash.
        let hashes = (0..<10_000).map { k in (generator.next() >> 8) | (UInt64(k % 3) << 62) } + [0]
        let buckets = RowHashBuckets()
        for h in hashes { buckets.append(h) }
        #expect(buckets.total == hashes.count)
        var seen: [Int: [UInt64]] = [:]
        for b in 0..<RowHashBuckets.bucketCount {
            var keys: [UInt64] = []
            _ = buckets.forEachRun(bucket: b) { run in keys.append(contentsOf: run); return false }
            #expect(keys.count == buckets.count(bucket: b))
            if !keys.isEmpty { seen[b] = keys }
        }
        var expected: [Int: [UInt64]] = [:]
        for h in hashes {
            let key = RowHashes.key(h)
            expected[Int(key >> 56), default: []].append(key)
        }
        #expect(seen == expected)
        #expect(seen.keys.sorted() == [0, 64, 128, 0x9E])
    }

    /// The split search's word-at-a-time count of quotes, line feeds and carriage returns equals
    /// a byte-by-byte count, at lengths around its 8-byte words, with bytes that differ from the
    /// ones sought only in the high bit (0xA2, 0x8A, 0x8D) or are zero, and in text without
    /// quotes or carriage returns (their counts skipped).
    @Test func wordAtATimeByteCountEqualsPlainCount() {
        var generator = SplitMix(seed: 11)
        let alphabet: [UInt8] = [0x22, 0x0A, 0x0D, 0x2C, 0x61, 0xA2, 0x8A, 0x8D, 0x00, 0xFF]
        let bytes = (0..<20_000).map { _ in alphabet[Int(generator.next() % 10)] }
        let plainText = bytes.filter { $0 != 0x22 && $0 != 0x0D }
        for part in [0, 1, 7, 8, 9, 31, 32, 33, 64, 8_160, 8_161, 8_192, 20_000].flatMap({ [Array(bytes[..<$0]), Array(plainText.prefix($0))] }) {
            let length = part.count
            let plain = (part.filter { $0 == 0x22 }.count, part.filter { $0 == 0x0A }.count, part.filter { $0 == 0x0D }.count)
            let counted = part.withUnsafeBufferPointer { TransactionLoader.countQuotesAndBreaks($0) }
            #expect(counted.quotes == plain.0 && counted.lines == plain.1 && counted.returns == plain.2, "length \(length)")
        }
    }

    /// SplitMix64 (Steele, Lea & Flood 2014).
    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
