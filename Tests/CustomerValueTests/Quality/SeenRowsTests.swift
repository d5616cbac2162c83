import Foundation
import Testing
@testable import CustomerValue

/// Exact duplicates are found by comparing rows, not only their hashes: with a hash mask that
/// makes different rows collide, every unique row is still accepted and every true duplicate
/// still set aside, the same as with the full hash.
struct SeenRowsTests {
    static func withFile<T>(_ bytes: [UInt8], _ body: (String) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cva-seen-rows-\(UUID().uuidString).csv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    static func profile(_ path: String, parallel: Bool = false, splitAt: Int? = nil, mask: UInt64)
        throws -> (report: TableFileReport, quarantined: [RejectedRow], visited: [Int]) {
        let sink = QuarantineMemory()
        let (report, states) = try TableProfiler.profile(
            path: path, schema: .surveys, quarantine: sink, parallel: parallel, splitAt: splitAt, rowHashMask: mask,
            makeState: { _ in [Int]() }, visit: { lines, row in lines.append(row.line) })
        return (report, sink.rows, states.flatMap { $0 })
    }

    /// Eight unique rows (two of them differ in one byte only) and three true duplicates.
    static let small = """
        response_id,customer_id,date,nps,csat,ces,comment
        R1,C1,2024-01-05,9,4,3,fast
        R2,C2,2024-01-06,3,2,6,slow
        R1,C1,2024-01-05,9,4,3,fast
        R3,C3,2024-01-07,10,5,2,"kind, quick"
        R4,C1,2024-01-05,9,4,3,fast
        R4,C1,2024-01-05,9,4,3,fasT
        R2,C2,2024-01-06,3,2,6,slow
        R5,C5,2024-01-08,7,3,4,
        R6,C6,2024-01-09,8,,,ok
        R3,C3,2024-01-07,10,5,2,"kind, quick"
        R7,C7,2024-01-10,0,1,7,never again
        """ + "\n"

    /// With a zero mask every row has the same hash: a hash match alone would keep only line 2.
    /// Lines 4, 8 and 11 repeat lines 2, 3 and 5 exactly (by construction above); the others,
    /// 6 and 7 among them (one byte apart), are unique and must all be accepted and visited.
    @Test(arguments: [false, true])
    func everyRowCollidingStillKeepsUniqueRowsAndCatchesDuplicates(utf16: Bool) throws {
        var bytes = Array(Self.small.utf8)
        if utf16 {
            // A UTF-16 file: its rows are found again in copies, not in the file's bytes.
            bytes = [0xFF, 0xFE] + Self.small.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        }
        try Self.withFile(bytes) { path in
            let result = try Self.profile(path, mask: 0)
            #expect(result.report.encoding == (utf16 ? "utf16le" : "utf8"))
            #expect(result.report.duplicates == 3)
            #expect(result.report.accepted == 8)
            #expect(result.quarantined.map(\.line) == [4, 8, 11])
            #expect(result.quarantined.allSatisfy { $0.reason == "exact duplicate of an earlier row" })
            #expect(result.visited == [2, 3, 5, 6, 7, 9, 10, 12])
        }
    }

    /// A file larger than the reader's buffer, so that earlier rows are read again from the file,
    /// with a 16-bit mask: tens of thousands of unique rows share masked hashes (counted below,
    /// so the test fails if the mask stops causing collisions). The report, quarantine and visits
    /// must be those of the full 64-bit hash, on one thread and on two.
    @Test func collisionsInALargeFileChangeNothing() throws {
        var lines = ["response_id,customer_id,date,nps,csat,ces,comment"]
        var planted: [Int] = []
        for i in 0..<60_000 {
            if i % 997 == 996 {
                // A duplicate of a row far back (past the 2 MB buffer for the later ones).
                lines.append(lines[1 + (i * 31) % (lines.count - 1)])
                planted.append(lines.count)
            } else {
                lines.append("R\(i),C\(i % 5000),2024-\(String(format: "%02d", 1 + i % 12))-11,\(i % 11),\(1 + i % 5),\(1 + i % 7),comment number \(i)")
            }
        }
        let text = lines.joined(separator: "\n") + "\n"
        let mask: UInt64 = 0xFFFF
        let rows = lines.dropFirst().map { Array($0.utf8) }
        let uniqueRows = Set(rows.map { $0 })
        let maskedHashes = Set(uniqueRows.map { row in row.withUnsafeBufferPointer { IdentifierTable.hash($0) & mask } })
        #expect(text.utf8.count > 2 << 20)
        #expect(uniqueRows.count - maskedHashes.count > 10_000)   // that many unique rows collide
        #expect(rows.count - uniqueRows.count == planted.count)
        try Self.withFile(Array(text.utf8)) { path in
            let exact = try Self.profile(path, mask: .max)
            #expect(exact.report.duplicates == planted.count)
            #expect(exact.quarantined.map(\.line) == planted)
            #expect(exact.report.accepted == uniqueRows.count)
            for parallel in [false, true] {
                let masked = try Self.profile(path, parallel: parallel, splitAt: parallel ? text.utf8.count / 2 : nil, mask: mask)
                #expect(masked.report == exact.report)
                #expect(masked.quarantined == exact.quarantined)
                #expect(masked.visited == exact.visited)
            }
        }
    }
}
