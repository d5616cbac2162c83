import Foundation
import PropertyBased
import Testing
@testable import CustomerValue

/// Property-based checks of ``CSVReader``: random tables written with RFC 4180 quoting read
/// back unchanged; random bytes never crash or hang it; a valid file cut anywhere still reads.
/// A failing case prints a seed to replay it with `.fixedSeed(...)`; the time limits turn a hang
/// inside the reader into a failure.
struct CSVReaderPropertyTests {
    // MARK: - Generators

    /// Pieces that fields are made of: the characters that make CSV hard (delimiters, quotes,
    /// each kind of line break), multi-byte UTF-8 (two-, three- and four-byte), spaces and the
    /// empty string.
    static let pieces = [
        "a", "Z", "7", " ", ",", ";", "\t", "|", "\"", "\"\"", "\n", "\r\n", "\r",
        "客户", "金额", "é", "😀", "x y", "",
    ]

    /// A field: 0 to 5 pieces.
    static let field = Gen.int(in: 0..<pieces.count).array(of: 0...5).map { $0.map { pieces[$0] }.joined() }

    /// A table of 1–8 records of 1–5 fields (records need not have the same number of fields).
    static let table = field.array(of: 1...5).array(of: 1...8)

    static let delimiters = [",", ";", "\t", "|"]

    // MARK: - Writing

    /// The table as RFC 4180 text: a field is quoted (its quotes doubled) when it holds any of the
    /// four candidate delimiters, a quote, CR or LF, so the header's unquoted delimiters are
    /// exactly the real ones. Returns the bytes and where each record ends (after its line end).
    static func csv(_ table: [[String]], delimiter: String, lineEnd: String, finalLineEnd: Bool) -> (bytes: [UInt8], recordEnds: [Int]) {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        for (k, record) in table.enumerated() {
            let text = record.map { field -> String in
                let special = field.unicodeScalars.contains { ",;\t|\"\r\n".unicodeScalars.contains($0) }
                return special ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
            }.joined(separator: delimiter)
            bytes.append(contentsOf: Array(text.utf8))
            // A last record that is one empty field needs its line end, or it is not there at all.
            let isLast = k == table.count - 1
            if !isLast || finalLineEnd || record == [""] { bytes.append(contentsOf: Array(lineEnd.utf8)) }
            ends.append(bytes.count)
        }
        return (bytes, ends)
    }

    /// Line breaks in `text` as a line counter sees them: CRLF, LF or a lone CR each count one.
    static func lineBreaks(in text: String) -> Int {
        let bytes = Array(text.utf8)
        var count = 0
        for (k, b) in bytes.enumerated() {
            if b == 0x0A { count += 1 } else if b == 0x0D && (k + 1 == bytes.count || bytes[k + 1] != 0x0A) { count += 1 }
        }
        return count
    }

    /// Writes `bytes` to a uniquely named temporary file, runs `body` on its path, removes it.
    static func withFile<R>(_ bytes: [UInt8], _ body: (String) throws -> R) throws -> R {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cva-csvprop-\(UUID().uuidString).csv").path
        // Plain POSIX calls: Foundation's Data.write costs about 6 ms a file on this machine
        // (it syncs), which the property tests, writing thousands of files, cannot afford.
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { unlink(path) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        return try body(path)
    }

    /// Reads all records: (line, fields).
    static func readAll(path: String, delimiter: UInt8?, encoding: TextEncoding?) throws -> [(line: Int, fields: [String])] {
        let reader = try CSVReader(path: path, delimiter: delimiter, encoding: encoding)
        var records: [(line: Int, fields: [String])] = []
        while try reader.next() { records.append((reader.line, reader.fields)) }
        return records
    }

    // MARK: - (a) Round trip

    @Test(.timeLimit(.minutes(1))) func quotedTablesReadBackUnchanged() async {
        await propertyCheck(
            count: 400,
            input: Self.table, Gen.int(in: 0..<Self.delimiters.count), Gen.bool, Gen.bool
        ) { table, d, crlf, finalLineEnd in
            let delimiter = Self.delimiters[d]
            let (bytes, _) = Self.csv(table, delimiter: delimiter, lineEnd: crlf ? "\r\n" : "\n", finalLineEnd: finalLineEnd)
            let records = try Self.withFile(bytes) { path in
                try Self.readAll(path: path, delimiter: Array(delimiter.utf8)[0], encoding: nil)
            }
            #expect(records.count == table.count)
            #expect(records.map(\.fields) == table)

            // Line numbers: a record starts one line after the previous one plus the line breaks
            // inside its quoted fields (LF, CRLF or a lone CR).
            do {
                var expected: [Int] = []
                var line = 1
                for record in table {
                    expected.append(line)
                    line += 1 + record.reduce(0) { $0 + Self.lineBreaks(in: $1) }
                }
                #expect(records.map(\.line) == expected)
            }

            // With two or more fields in the header, detection finds the delimiter on its own.
            if table[0].count >= 2 {
                let detected = try Self.withFile(bytes) { try Self.readAll(path: $0, delimiter: nil, encoding: nil) }
                #expect(detected.map(\.fields) == table)
            }
        }
    }

    // MARK: - (b) Arbitrary bytes

    /// Bytes that matter to the reader, drawn half the time; otherwise any byte.
    static let interestingBytes: [UInt8] = [
        0x22, 0x22, 0x2C, 0x3B, 0x09, 0x7C, 0x0A, 0x0D, 0x0D, 0x00, 0x20, 0x61,
        0xE4, 0xB8, 0xAD,       // 中 in UTF-8
        0xD6, 0xD0,             // 中 in GB18030
        0xEF, 0xBB, 0xBF,       // UTF-8 BOM
        0xFF, 0xFE, 0x80, 0xC0, 0x81, 0x30, 0xD8, 0xDC,
    ]

    static let bytes = Gen.int(in: 0..<(interestingBytes.count + 256)).array(of: 0...400).map { values in
        values.map { $0 < interestingBytes.count ? interestingBytes[$0] : UInt8($0 - interestingBytes.count) }
    }

    @Test(.timeLimit(.minutes(1))) func arbitraryBytesNeverCrashOrHang() async {
        let encodings: [TextEncoding?] = [nil, .utf8, .gb18030, .utf16LittleEndian, .utf16BigEndian]
        await propertyCheck(count: 1000, input: Self.bytes, Gen.int(in: 0..<encodings.count)) { bytes, e in
            try Self.withFile(bytes) { path in
                do {
                    let reader = try CSVReader(path: path, encoding: encodings[e])
                    // Every record consumes at least one byte of decoded text, and decoding
                    // makes at most 3 UTF-8 bytes of 2 input bytes: more records means a loop.
                    let bound = 2 * bytes.count + 2
                    var count = 0
                    var lastLine = 0
                    while try reader.next() {
                        count += 1
                        if count > bound {
                            Issue.record("more than \(bound) records from \(bytes.count) bytes: not terminating")
                            return
                        }
                        #expect(reader.line > lastLine, "line numbers must increase")
                        lastLine = reader.line
                        #expect(reader.fieldCount >= 1)
                        // Touch every view the loader uses.
                        _ = reader.fields
                        _ = reader.rawRecord
                        _ = reader.isBlankLine
                    }
                    if reader.encoding == .utf8 && !bytes.isEmpty {
                        // A record's first line is at most the number of line breaks plus one.
                        let breaks = bytes.filter { $0 == 0x0A || $0 == 0x0D }.count
                        #expect(lastLine <= breaks + 1)
                    }
                } catch is InputError {
                    // Not valid text in that encoding: a clean refusal is the right outcome.
                }
            }
        }
    }

    // MARK: - (c) Truncation

    /// The cuts tried in a file of `count` bytes whose records end at `recordEnds`: every byte of a
    /// file of up to 48 bytes; in a longer one, every byte within 3 of a record end (where a line
    /// end, a CRLF pair or the last field is cut), every fifth byte from a phase that changes with
    /// the length (so the tables together cut at every offset class, through multi-byte characters
    /// and quoted line breaks alike), and the whole file.
    static func cuts(count: Int, recordEnds: [Int]) -> [Int] {
        guard count > 48 else { return Array(0...count) }
        return (0...count).filter { cut in
            cut % 5 == count % 5 || cut == count || recordEnds.contains { abs($0 - cut) <= 3 }
        }
    }

    @Test(.timeLimit(.minutes(1))) func validFileCutAtAnyByteStillReads() async {
        let table = Self.field.array(of: 1...4).array(of: 1...5)
        await propertyCheck(count: 60, input: table, Gen.bool) { table, crlf in
            let (bytes, ends) = Self.csv(table, delimiter: ",", lineEnd: crlf ? "\r\n" : "\n", finalLineEnd: true)
            for cut in Self.cuts(count: bytes.count, recordEnds: ends) {
                // A new file for each cut: truncating and rewriting one file is ~100× slower here.
                do {
                    let records = try Self.withFile(Array(bytes[..<cut])) {
                        try Self.readAll(path: $0, delimiter: UInt8(ascii: ","), encoding: .utf8)
                    }
                    // Records whose line end lies wholly before the cut come back unchanged.
                    let complete = ends.prefix { $0 <= cut }.count
                    #expect(records.count >= complete, "cut at \(cut) of \(bytes.count)")
                    #expect(Array(records.prefix(complete).map(\.fields)) == Array(table.prefix(complete)), "cut at \(cut)")
                    if cut == bytes.count { #expect(records.map(\.fields) == table) }
                } catch is InputError {
                    // Only a cut through a multi-byte character may make the text invalid UTF-8.
                    let next = cut < bytes.count ? bytes[cut] : 0
                    #expect(next & 0xC0 == 0x80, "InputError at cut \(cut), which is not inside a character")
                }
            }
        }
    }
}
