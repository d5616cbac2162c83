import Foundation
import Testing
@testable import CustomerValue

/// RFC 4180 behaviour of ``CSVReader`` on small hand-written files, plus the chunk-boundary and
/// encoding cases that need files larger than the reader's 1 MiB read size.
///
/// Unless a comment says otherwise, each expected value is read off the input text by hand:
/// line numbers count physical lines (LF, CRLF or a lone CR each end one line), 1-based.
struct CSVReaderTests {
    // MARK: - Helpers

    /// One record as the reader reported it.
    struct Record: Equatable, CustomStringConvertible {
        var line: Int
        var fields: [String]
        var raw: String
        var malformation: String?
        var isBlank: Bool
        var description: String { "line \(line): \(fields)\(malformation.map { " [\($0)]" } ?? "")" }
    }

    /// What reading a whole file gave.
    struct Reading {
        var records: [Record]
        var delimiter: UInt8
        var encoding: TextEncoding
        var lines: [Int] { records.map(\.line) }
        var fields: [[String]] { records.map(\.fields) }
    }

    /// Writes `bytes` to a uniquely named temporary file, runs `body` on its path, removes it.
    static func withFile<R>(_ bytes: [UInt8], _ body: (String) throws -> R) throws -> R {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cva-csvreader-\(UUID().uuidString).csv").path
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

    /// Reads every record of `path`.
    static func readAll(path: String, delimiter: UInt8? = nil, encoding: TextEncoding? = nil) throws -> Reading {
        let reader = try CSVReader(path: path, delimiter: delimiter, encoding: encoding)
        var records: [Record] = []
        while try reader.next() {
            records.append(Record(
                line: reader.line, fields: reader.fields, raw: reader.rawRecord,
                malformation: reader.malformation, isBlank: reader.isBlankLine))
        }
        return Reading(records: records, delimiter: reader.delimiter, encoding: reader.encoding)
    }

    static func read(_ bytes: [UInt8], delimiter: UInt8? = nil, encoding: TextEncoding? = nil) throws -> Reading {
        try withFile(bytes) { try readAll(path: $0, delimiter: delimiter, encoding: encoding) }
    }

    static func read(_ text: String, delimiter: UInt8? = nil, encoding: TextEncoding? = nil) throws -> Reading {
        try read(Array(text.utf8), delimiter: delimiter, encoding: encoding)
    }

    /// ASCII records `r0000001,xxx…` filling exactly `byteCount` bytes (`byteCount` ≥ 128), each
    /// ending in LF; returns the bytes and the records' first fields in order.
    static func filler(byteCount: Int, firstNumber: Int = 1) -> (bytes: [UInt8], ids: [String]) {
        precondition(byteCount >= 128)
        let rowLength = 64
        let count = byteCount / rowLength
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        var ids: [String] = []
        for k in 0..<count {
            // The last row absorbs the remainder so the total is exact.
            let length = k == count - 1 ? rowLength + byteCount % rowLength : rowLength
            let id = "r" + String(firstNumber + k).leftPadded(to: 7)
            ids.append(id)
            bytes.append(contentsOf: Array((id + ",").utf8))
            bytes.append(contentsOf: [UInt8](repeating: UInt8(ascii: "x"), count: length - id.utf8.count - 2))
            bytes.append(0x0A)
        }
        precondition(bytes.count == byteCount)
        return (bytes, ids)
    }

    static let mebibyte = 1 << 20

    // MARK: - Quoting

    @Test func quotedFieldsMayHoldDelimitersAndDoubledQuotes() throws {
        let reading = try Self.read("id,note\n1,\"a,b\"\n2,\"say \"\"hi\"\"\"\n3,\"\"\n4,\"\"\"\"\n")
        #expect(reading.fields == [
            ["id", "note"],
            ["1", "a,b"],          // the comma inside quotes is data
            ["2", "say \"hi\""],   // "" inside a quoted field is one quote
            ["3", ""],             // "" alone is an empty field
            ["4", "\""],           // """" is one quote
        ])
        #expect(reading.lines == [1, 2, 3, 4, 5])
        #expect(reading.records.allSatisfy { $0.malformation == nil })
    }

    @Test func lineBreaksInsideQuotesAdvanceLaterLineNumbers() throws {
        // Physical lines: 1 `id,note`, 2 `1,"two`, 3 `lines"`, 4 `2,"three`, 5 `line`,
        // 6 `field"` (CRLF then LF inside the quotes), 7 `3,x`.
        let text = "id,note\n1,\"two\nlines\"\n2,\"three\r\nline\nfield\"\n3,x\n"
        let reading = try Self.read(text)
        #expect(reading.fields == [["id", "note"], ["1", "two\nlines"], ["2", "three\r\nline\nfield"], ["3", "x"]])
        #expect(reading.lines == [1, 2, 4, 7])
    }

    @Test
    func loneCarriageReturnInsideQuotesCountsAsALine() throws {
        // A classic-Mac file (lone CR line ends): 1 `id,note`, 2 `1,"a`, 3 `b"`, 4 `2,c`.
        let reading = try Self.read("id,note\r1,\"a\rb\"\r2,c\r")
        #expect(reading.fields == [["id", "note"], ["1", "a\rb"], ["2", "c"]])
        #expect(reading.lines == [1, 2, 4])
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func lineEndings(_ end: String) throws {
        let expected = [["a", "b"], ["1", "2"], ["3", "4"]]
        let terminated = try Self.read("a,b\(end)1,2\(end)3,4\(end)")
        #expect(terminated.fields == expected)
        #expect(terminated.lines == [1, 2, 3])
        #expect(terminated.records.map(\.raw) == ["a,b", "1,2", "3,4"])   // the line end is not part of the record
        // The same without a line end after the last record.
        let unterminated = try Self.read("a,b\(end)1,2\(end)3,4")
        #expect(unterminated.fields == expected)
        #expect(unterminated.lines == [1, 2, 3])
    }

    @Test func mixedLineEndingsInOneFile() throws {
        // LF, CRLF, lone CR, LF: four lines.
        let reading = try Self.read("a\n1\r\n2\r3\n")
        #expect(reading.fields == [["a"], ["1"], ["2"], ["3"]])
        #expect(reading.lines == [1, 2, 3, 4])
    }

    @Test func utf8ByteOrderMarkIsStripped() throws {
        let reading = try Self.read([0xEF, 0xBB, 0xBF] + Array("id,amount\n1,2\n".utf8))
        #expect(reading.encoding == .utf8)
        #expect(reading.fields == [["id", "amount"], ["1", "2"]])   // no U+FEFF glued to "id"
        #expect(reading.records[0].raw == "id,amount")
    }

    @Test func lastRecordWithoutLineEnd() throws {
        let plain = try Self.read("a,b\n1,2")
        #expect(plain.fields == [["a", "b"], ["1", "2"]])
        #expect(plain.lines == [1, 2])
        // A quoted last field closed at the very end of the file, with a doubled quote in it.
        let quoted = try Self.read("a\n\"x\"\"y\"")
        #expect(quoted.fields == [["a"], ["x\"y"]])
        #expect(quoted.records[1].malformation == nil)
    }

    @Test func trailingDelimiterMeansAnEmptyLastField() throws {
        let reading = try Self.read("a,b,\n1,2,\n3,4,")
        #expect(reading.fields == [["a", "b", ""], ["1", "2", ""], ["3", "4", ""]])
    }

    @Test func emptyFileHasNoRecords() throws {
        #expect(try Self.read([UInt8]()).records.isEmpty)
        // A byte-order mark alone is an empty UTF-8 file too.
        #expect(try Self.read([0xEF, 0xBB, 0xBF]).records.isEmpty)
    }

    @Test func blankLines() throws {
        // 1 `a,b`, 2 empty (LF), 3 `1,2`, 4 empty (CRLF), 5 `""`, 6 `,`, 7 empty (LF).
        let reading = try Self.read("a,b\n\n1,2\r\n\r\n\"\"\n,\n\n")
        #expect(reading.lines == [1, 2, 3, 4, 5, 6, 7])
        #expect(reading.records.map(\.isBlank) == [false, true, false, true, false, false, true])
        // A quoted empty field and a lone delimiter are data, not blank lines.
        #expect(reading.records[4].fields == [""])
        #expect(reading.records[5].fields == ["", ""])
        #expect(reading.records[1].fields == [""])
    }

    // MARK: - Delimiters

    @Test(arguments: [(",", UInt8(0x2C)), (";", UInt8(0x3B)), ("\t", UInt8(0x09)), ("|", UInt8(0x7C))])
    func delimiterIsDetectedFromTheHeader(_ symbol: String, _ byte: UInt8) throws {
        let d = symbol
        let reading = try Self.read("customer\(d)date\(d)amount\nc1\(d)2024-01-05\(d)12.50\n")
        #expect(reading.delimiter == byte)
        #expect(reading.fields == [["customer", "date", "amount"], ["c1", "2024-01-05", "12.50"]])
    }

    @Test func headerDecidesTheDelimiterNotTheData() throws {
        // One `;` in the header; the data rows hold many commas, which must stay inside fields.
        let reading = try Self.read("id;note\n1;a,b,c,d\n2;e,f,g\n")
        #expect(reading.delimiter == UInt8(ascii: ";"))
        #expect(reading.fields == [["id", "note"], ["1", "a,b,c,d"], ["2", "e,f,g"]])
    }

    @Test func quotedDelimitersInTheHeaderDoNotCount() throws {
        // Outside quotes the header has one `;` and no comma; the two commas are quoted.
        let reading = try Self.read("\"amount, in ¥, net\";customer\n5;c1\n")
        #expect(reading.delimiter == UInt8(ascii: ";"))
        #expect(reading.fields == [["amount, in ¥, net", "customer"], ["5", "c1"]])
    }

    @Test func explicitDelimiterOverridesDetection() throws {
        // Detection would pick `,` (two commas against one `;`).
        let text = "a,b,c;d\n1,2,3;4\n"
        #expect(try Self.read(text).delimiter == UInt8(ascii: ","))
        let reading = try Self.read(text, delimiter: UInt8(ascii: ";"))
        #expect(reading.delimiter == UInt8(ascii: ";"))
        #expect(reading.fields == [["a,b,c", "d"], ["1,2,3", "4"]])
    }

    // MARK: - Malformed input

    @Test func unterminatedQuoteIsReportedAndEndsReading() throws {
        // The quote opened on line 3 never closes: everything after it is one malformed record.
        let reading = try Self.read("id,note\n1,ok\n2,\"never closed\n3,x\n4,y\n")
        #expect(reading.records.count == 3)
        #expect(reading.fields.prefix(2) == [["id", "note"], ["1", "ok"]])
        let bad = try #require(reading.records.last)
        #expect(bad.line == 3)
        let message = try #require(bad.malformation)
        #expect(message.contains("unterminated"))
        #expect(message.contains("line 3"))
        #expect(bad.raw == "2,\"never closed")   // only the first physical line, to show where it began
    }

    @Test func unterminatedQuoteOnTheLastLineWithoutLineEnd() throws {
        let reading = try Self.read("a,b\n1,\"x")
        #expect(reading.records.count == 2)
        #expect(reading.records[1].line == 2)
        #expect(reading.records[1].malformation != nil)
    }

    @Test func textAfterClosingQuoteIsMalformedAndReadingGoesOn() throws {
        let reading = try Self.read("a,b\n\"x\"y,z\n1,2\n")
        #expect(reading.records.count == 3)
        let bad = reading.records[1]
        #expect(bad.line == 2)
        #expect(bad.fields.count == 2)
        #expect(try #require(bad.malformation).contains("after the closing quote"))
        #expect(bad.raw == "\"x\"y,z")
        // The next record is read normally.
        #expect(reading.records[2] == Record(line: 3, fields: ["1", "2"], raw: "1,2", malformation: nil, isBlank: false))
    }

    // MARK: - Raw text

    @Test func rawRecordIsTheOriginalText() throws {
        let first = "a,\"b \"\"q\"\" c\",\"x\ny\""
        let second = "\"\",plain,\"\"\"\""
        let reading = try Self.read(first + "\r\n" + second + "\n")
        #expect(reading.records.map(\.raw) == [first, second])
        #expect(reading.fields == [["a", "b \"q\" c", "x\ny"], ["", "plain", "\""]])
        #expect(reading.lines == [1, 3])
    }

    // MARK: - Chunk boundaries

    /// The record placed across the first 1 MiB read boundary; CRLF-terminated.
    static let straddler = "special,\"first part\nsecond \"\"part\"\"\r\nthird part\",end\r\n"

    /// Where inside ``straddler`` the boundary falls.
    static let straddleCuts: [(name: String, offset: Int)] = {
        let bytes = Array(straddler.utf8)
        func index(of text: String, plus: Int = 0) -> Int {
            let needle = Array(text.utf8)
            for k in 0...(bytes.count - needle.count) where Array(bytes[k..<(k + needle.count)]) == needle { return k + plus }
            preconditionFailure("\(text) not in straddler")
        }
        return [
            ("before the record", 0),
            ("right after the opening quote", index(of: ",\"", plus: 2)),
            ("inside the first line of the field", index(of: "first part", plus: 3)),
            ("between the quotes of a doubled quote", index(of: "\"\"part", plus: 1)),
            ("between CR and LF inside the quotes", index(of: "\"\"\r\n", plus: 3)),
            ("right after the closing quote", index(of: "part\",", plus: 5)),
            ("between the terminating CR and LF", bytes.count - 1),
        ]
    }()

    @Test(arguments: 0..<7)
    func recordStraddlingTheFirstReadBoundary(_ cut: Int) throws {
        let (name, offset) = Self.straddleCuts[cut]
        // Filler ends exactly `offset` bytes before 1 MiB, so the boundary falls at `offset` in the record.
        let before = Self.filler(byteCount: Self.mebibyte - offset)
        let after = Self.filler(byteCount: Self.mebibyte + 4096, firstNumber: before.ids.count + 1)
        let file = before.bytes + Array(Self.straddler.utf8) + after.bytes
        #expect(file.count > 2 * Self.mebibyte)
        let reading = try Self.read(file)

        // Records: the filler before, the straddler, the filler after.
        try #require(reading.records.count == before.ids.count + 1 + after.ids.count, "cut \(name)")
        let special = reading.records[before.ids.count]
        #expect(special.fields == ["special", "first part\nsecond \"part\"\r\nthird part", "end"], "cut \(name)")
        #expect(special.raw == String(decoding: Array(Self.straddler.utf8).dropLast(2), as: UTF8.self), "cut \(name)")   // without its CRLF
        #expect(special.malformation == nil, "cut \(name)")
        // One filler record per line; the straddler spans 3 lines.
        #expect(special.line == before.ids.count + 1, "cut \(name)")
        let firstAfter = reading.records[before.ids.count + 1]
        #expect(firstAfter.line == before.ids.count + 4, "cut \(name)")
        #expect(reading.records.last?.line == before.ids.count + 3 + after.ids.count, "cut \(name)")
        // Every filler record came through whole (covers the later read boundaries too).
        let ids = reading.records.map { $0.fields.first ?? "" }
        #expect(Array(ids[..<before.ids.count]) == before.ids, "cut \(name)")
        #expect(Array(ids[(before.ids.count + 1)...]) == after.ids, "cut \(name)")
        #expect(reading.records.allSatisfy { $0.malformation == nil && ($0.fields.count == 2 || $0.fields.count == 3) })
    }

    @Test func recordLongerThanTheBufferIsReadWhole() throws {
        // One quoted field of 3 MiB with a line break every 100 bytes: more than the reader's
        // initial 2 MiB buffer, so the buffer has to grow.
        var field: [UInt8] = []
        let lineCount = 3 * Self.mebibyte / 100
        for _ in 0..<lineCount {
            field.append(contentsOf: [UInt8](repeating: UInt8(ascii: "y"), count: 99))
            field.append(0x0A)
        }
        let file = Array("h1,h2\nbig,\"".utf8) + field + Array("\"\nlast,row\n".utf8)
        let reading = try Self.read(file)
        #expect(reading.records.count == 3)
        #expect(reading.records[1].fields.count == 2)
        #expect(reading.records[1].fields[1].utf8.count == field.count)
        #expect(reading.records[1].fields[1] == String(decoding: field, as: UTF8.self))
        // `big` starts on line 2; the field holds `lineCount` line breaks, so `last` is on 3 + lineCount.
        #expect(reading.lines == [1, 2, 3 + lineCount])
        #expect(reading.records[2].fields == ["last", "row"])
    }

    @Test func multiByteCharacterSplitByTheReadBoundaryIsValidUTF8() throws {
        // 中 is E4 B8 AD; the filler ends one byte before 1 MiB, so the raw read splits it 1 + 2.
        let before = Self.filler(byteCount: Self.mebibyte - 1)
        let file = before.bytes + Array("中文,值\n".utf8) + Self.filler(byteCount: 1024, firstNumber: 9_000_000).bytes
        let reading = try Self.read(file)
        #expect(reading.encoding == .utf8)
        #expect(reading.records[before.ids.count].fields == ["中文", "值"])
    }

    // MARK: - Encodings

    static let unicodeSample = "客户ID,金额\nc1,¥12.50\n张三,😀\n"
    static let unicodeSampleFields = [["客户ID", "金额"], ["c1", "¥12.50"], ["张三", "😀"]]

    static func utf16Bytes(_ text: String, bigEndian: Bool) -> [UInt8] {
        var bytes: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
        for unit in text.utf16 {
            let hi = UInt8(unit >> 8), lo = UInt8(unit & 0xFF)
            bytes.append(contentsOf: bigEndian ? [hi, lo] : [lo, hi])
        }
        return bytes
    }

    @Test(arguments: [false, true])
    func utf16WithByteOrderMarkIsDecoded(bigEndian: Bool) throws {
        let reading = try Self.read(Self.utf16Bytes(Self.unicodeSample, bigEndian: bigEndian))
        #expect(reading.encoding == (bigEndian ? .utf16BigEndian : .utf16LittleEndian))
        #expect(reading.fields == Self.unicodeSampleFields)   // 😀 is a surrogate pair in UTF-16
        #expect(reading.lines == [1, 2, 3])
    }

    @Test func utf16SurrogatePairSplitByTheReadBoundary() throws {
        // The 2-byte BOM plus 524,286 ASCII code units put 😀's high surrogate in the last two
        // bytes of the first 1 MiB read and its low surrogate in the first two of the next.
        let before = Self.filler(byteCount: (Self.mebibyte - 4) / 2)
        let text = String(decoding: before.bytes, as: UTF8.self) + "😀,x\nend,y\n"
        let bytes = Self.utf16Bytes(text, bigEndian: false)
        #expect(bytes[Self.mebibyte - 2] == 0x3D && bytes[Self.mebibyte - 1] == 0xD8)   // D83D, little-endian
        let reading = try Self.read(bytes)
        #expect(reading.records[before.ids.count].fields == ["😀", "x"])
        #expect(reading.records.last?.fields == ["end", "y"])
    }

    @Test func gb18030FileIsDetected() throws {
        // Python: '客户ID,金额'.encode('gb18030').hex(' ') == 'bf cd bb a7 49 44 2c bd f0 b6 ee'
        // and '张三'.encode('gb18030').hex(' ') == 'd5 c5 c8 fd'. BF is not a valid first byte in
        // UTF-8, so detection falls to GB18030.
        let header: [UInt8] = [0xBF, 0xCD, 0xBB, 0xA7, 0x49, 0x44, 0x2C, 0xBD, 0xF0, 0xB6, 0xEE, 0x0A]
        let row: [UInt8] = [0xD5, 0xC5, 0xC8, 0xFD] + Array(",8\n".utf8)
        let reading = try Self.read(header + Array("c1,12.5\n".utf8) + row)
        #expect(reading.encoding == .gb18030)
        #expect(reading.fields == [["客户ID", "金额"], ["c1", "12.5"], ["张三", "8"]])
    }

    @Test func invalidUTF8AfterTheFirstMebibyteThrowsNamingTheEncodingOption() throws {
        // The first 1 MiB (what detection looks at) is ASCII; byte 1 MiB + 100 is 0xFF.
        let before = Self.filler(byteCount: Self.mebibyte + 100)
        let file = before.bytes + [0xFF] + Array(",x\nok,y\n".utf8)
        let error = try Self.withFile(file) { path in
            #expect(throws: InputError.self) { _ = try Self.readAll(path: path) }
        }
        let caught = try #require(error)
        #expect(caught.message.contains("--encoding"))
        #expect(caught.message.contains("UTF-8"))
        // The 0-based offset of the bad byte in the file.
        #expect(caught.message.contains("at byte \(Self.mebibyte + 100)"))
    }

    @Test func missingFileOrFolderThrowsInputError() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("cva-none-\(UUID().uuidString).csv").path
        #expect(throws: InputError.self) { _ = try CSVReader(path: missing) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cva-dir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = #expect(throws: InputError.self) { _ = try CSVReader(path: folder.path) }
        #expect(error?.message.contains("folder") == true)
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
