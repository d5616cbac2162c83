#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming CSV reader following RFC 4180: quoted fields, doubled quotes, line breaks inside
/// quotes, CRLF or LF line ends; the delimiter is given or detected from the header line among
/// `,` `;` tab and `|`.
///
/// It reads the file in chunks through ``TextSource`` (so any supported encoding arrives as
/// UTF-8) and never holds more than a chunk plus the current record. Each call to ``next()``
/// parses one record; its fields are then available as byte views until the next call.
/// Records that break the format (an unterminated quote, text after a closing quote) are
/// still returned, with ``malformation`` set, so the caller can quarantine them with their line.
///
/// - Complexity: O(bytes) overall; one pass over each byte in the common case.
public final class CSVReader {
    /// The file being read.
    public let path: String
    /// The field delimiter in use.
    public private(set) var delimiter: UInt8
    /// The encoding the file is read as.
    public var encoding: TextEncoding { source.encoding }

    private let source: TextSource
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0     // first unconsumed byte
    private var end = 0       // end of valid bytes
    private var eof = false
    private var linesConsumed = 0

    // Field offsets of the current record in `buffer`; raw storage so that field access in the
    // per-row loop costs no bounds, uniqueness or exclusivity checks.
    private var fieldStarts: UnsafeMutablePointer<Int>
    private var fieldEnds: UnsafeMutablePointer<Int>
    private var fieldCapacity = 64
    /// Number of fields in the current record.
    public private(set) var fieldCount = 0
    private var escapedFields: [Int] = []
    /// Whether ``escapedFields`` has any entry: a plain flag, so the per-field check of
    /// ``withField(_:_:)`` touches no array (reading one cost a retain and release per call).
    private var anyEscaped = false
    /// Byte → whether it ends an unquoted field (the delimiter, a line feed, a carriage
    /// return): one table load per byte in the field loop instead of three comparisons.
    private let fieldEnds256: UnsafeMutablePointer<Bool>
    private var scratch: [UInt8] = []
    private var recordStart = 0
    private var recordEnd = 0
    /// Decoded bytes moved out of the front of `buffer` so far: `buffer[0]` is byte
    /// `discarded` of the decoded stream.
    private var discarded = 0

    /// Line number (1-based) of the first line of the current record.
    public private(set) var line = 0
    /// Why the current record is not well-formed CSV, or nil when it is.
    public private(set) var malformation: String?
    /// Whether some record so far ran to the end of the input inside an open quote (or past
    /// ``maximumRecordBytes``). For a reader of part of a file this also means the part did not
    /// end at a record boundary.
    private(set) var sawUnterminatedQuote = false
    /// File offset where the next record starts (UTF-8 files), and its line number.
    var nextRecord: (offset: Int, line: Int) { (source.fileOffsetOfNextByte - (end - start), linesConsumed + 1) }

    /// Bytes of the file consumed so far (for progress).
    public var bytesRead: Int { source.bytesRead }
    /// The file's size in bytes, when known.
    public var fileSize: Int? { source.fileSize }

    static let quote: UInt8 = 0x22
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    /// A single record longer than this is treated as an unterminated quote.
    static let maximumRecordBytes = 64 << 20

    /// Opens `path` for reading.
    /// - Parameters:
    ///   - path: the file.
    ///   - delimiter: the field delimiter, or nil to detect it from the first line.
    ///   - encoding: the text encoding, or nil to detect it.
    /// - Throws: ``InputError`` when the file cannot be opened or is not valid text.
    public init(path: String, delimiter: UInt8? = nil, encoding: TextEncoding? = nil) throws {
        self.path = path
        source = try TextSource(path: path, encoding: encoding)
        capacity = TextSource.chunkSize * 2
        buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        fieldStarts = UnsafeMutablePointer<Int>.allocate(capacity: fieldCapacity)
        fieldEnds = UnsafeMutablePointer<Int>.allocate(capacity: fieldCapacity)
        self.delimiter = delimiter ?? 0x2C
        fieldEnds256 = CSVReader.makeFieldEnds()
        try refill()
        if delimiter == nil { self.delimiter = detectDelimiter() }
        fieldEnds256[Int(self.delimiter)] = true
    }

    /// Opens the bytes `range` of a UTF-8 file, which must start at the beginning of a record
    /// (after a line break outside quotes); `firstLine` is the line number of its first byte.
    init(path: String, delimiter: UInt8, range: Range<Int>, firstLine: Int) throws {
        self.path = path
        source = try TextSource(path: path, encoding: .utf8, range: range)
        capacity = TextSource.chunkSize * 2
        buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        fieldStarts = UnsafeMutablePointer<Int>.allocate(capacity: fieldCapacity)
        fieldEnds = UnsafeMutablePointer<Int>.allocate(capacity: fieldCapacity)
        self.delimiter = delimiter
        fieldEnds256 = CSVReader.makeFieldEnds()
        fieldEnds256[Int(delimiter)] = true
        linesConsumed = firstLine - 1
        try refill()
    }

    /// The field-end table with the line breaks set; the caller sets the delimiter.
    private static func makeFieldEnds() -> UnsafeMutablePointer<Bool> {
        let table = UnsafeMutablePointer<Bool>.allocate(capacity: 256)
        table.initialize(repeating: false, count: 256)
        table[Int(newline)] = true
        table[Int(carriageReturn)] = true
        return table
    }

    deinit {
        fieldEnds256.deallocate()
        buffer.deallocate()
        fieldStarts.deallocate()
        fieldEnds.deallocate()
    }

    @inline(__always)
    private func appendField(_ start: Int, _ end: Int) {
        if fieldCount == fieldCapacity { growFields() }
        fieldStarts[fieldCount] = start
        fieldEnds[fieldCount] = end
        fieldCount += 1
    }

    private func growFields() {
        let bigger = fieldCapacity * 2
        let starts = UnsafeMutablePointer<Int>.allocate(capacity: bigger)
        let ends = UnsafeMutablePointer<Int>.allocate(capacity: bigger)
        starts.update(from: fieldStarts, count: fieldCount)
        ends.update(from: fieldEnds, count: fieldCount)
        fieldStarts.deallocate()
        fieldEnds.deallocate()
        fieldStarts = starts
        fieldEnds = ends
        fieldCapacity = bigger
    }

    /// Moves unconsumed bytes to the front and reads more. Returns false at the end of the file.
    private func refill() throws {
        if start > 0 {
            let remaining = end - start
            if remaining > 0 { memmove(buffer, buffer + start, remaining) }
            discarded += start
            recordStart -= start
            end = remaining
            start = 0
        }
        if end == capacity {
            guard capacity < CSVReader.maximumRecordBytes * 2 else { return }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = bigger
            capacity *= 2
        }
        while end < capacity && !eof {
            let n = try source.read(into: buffer + end, capacity: capacity - end)
            if n == 0 { eof = true } else { end += n }
            if end - start >= TextSource.chunkSize { break }
        }
    }

    private func detectDelimiter() -> UInt8 {
        let candidates: [UInt8] = [0x2C, 0x3B, 0x09, 0x7C]   // , ; tab |
        var counts = [Int](repeating: 0, count: candidates.count)
        var inQuotes = false
        var i = start
        while i < end {
            let c = buffer[i]
            if c == CSVReader.quote { inQuotes.toggle() }
            else if !inQuotes && (c == CSVReader.newline || c == CSVReader.carriageReturn) { break }
            else if !inQuotes, let k = candidates.firstIndex(of: c) { counts[k] += 1 }
            i += 1
        }
        var best = 0
        for k in 1..<candidates.count where counts[k] > counts[best] { best = k }
        return candidates[best]
    }

    private enum Outcome { case complete, needMore }

    /// Parses the next record. Returns false at the end of the file.
    /// - Throws: ``InputError`` when the file cannot be read or decoded.
    public func next() throws -> Bool {
        while true {
            if start >= end {
                if eof { return false }
                try refill()
                continue
            }
            switch parseRecord() {
            case .complete:
                return true
            case .needMore:
                if eof || (end - start) >= CSVReader.maximumRecordBytes {
                    // Cannot happen at eof (parseRecord completes there); a giant record is malformed.
                    finishAsUnterminated()
                    return true
                }
                let before = end - start
                try refill()
                if end - start == before && eof {
                    finishAsUnterminated()
                    return true
                }
            }
        }
    }

    private func finishAsUnterminated() {
        sawUnterminatedQuote = true
        // Keep only the first physical line of the record as its raw text, so the quarantine
        // shows where the stray quote began; everything up to the end of the file is consumed.
        fieldCount = 0
        escapedFields.removeAll(keepingCapacity: true)
        anyEscaped = false
        line = linesConsumed + 1
        recordStart = start
        var i = start
        while i < end && buffer[i] != CSVReader.newline { i += 1 }
        recordEnd = i
        appendField(start, i)
        var extraLines = 0
        for j in start..<end where buffer[j] == CSVReader.newline { extraLines += 1 }
        malformation = "unterminated quoted field starting at line \(line) (a quote opened and never closed; everything to the end of the file was skipped)"
        linesConsumed += extraLines + 1
        start = end
    }

    private func parseRecord() -> Outcome {
        fieldCount = 0
        // Cleared only when set: an unconditional clear costs a release and an array
        // uniqueness check per record.
        if malformation != nil { malformation = nil }
        if anyEscaped {
            escapedFields.removeAll(keepingCapacity: true)
            anyEscaped = false
        }
        let d = delimiter
        var i = start
        var lines = 0
        let limit = end
        let atEOF = eof
        recordStart = start
        while true {
            if i < limit && buffer[i] == CSVReader.quote {
                i += 1
                let contentStart = i
                var hasEscapes = false
                while true {
                    while i < limit && buffer[i] != CSVReader.quote {
                        let c = buffer[i]
                        if c == CSVReader.newline {
                            lines += 1
                        } else if c == CSVReader.carriageReturn {
                            // A lone CR is a line break too (it ends records outside quotes);
                            // CRLF counts once, at its LF. The LF may be in the next chunk.
                            if i + 1 >= limit && !atEOF { return .needMore }
                            if i + 1 >= limit || buffer[i + 1] != CSVReader.newline { lines += 1 }
                        }
                        i += 1
                    }
                    if i >= limit { return atEOF ? unterminatedAtEOF(contentStart: contentStart) : .needMore }
                    // buffer[i] is a quote: doubled quote or the closing one?
                    if i + 1 < limit && buffer[i + 1] == CSVReader.quote {
                        hasEscapes = true
                        i += 2
                        continue
                    }
                    if i + 1 >= limit && !atEOF { return .needMore }
                    break
                }
                let contentEnd = i
                i += 1
                if hasEscapes {
                    escapedFields.append(fieldCount)
                    anyEscaped = true
                }
                appendField(contentStart, contentEnd)
                if i < limit && buffer[i] != d && buffer[i] != CSVReader.newline && buffer[i] != CSVReader.carriageReturn {
                    // Text after the closing quote: not RFC 4180. Read on to the delimiter and flag it.
                    while i < limit && buffer[i] != d && buffer[i] != CSVReader.newline && buffer[i] != CSVReader.carriageReturn { i += 1 }
                    if i >= limit && !atEOF { return .needMore }
                    if malformation == nil {
                        malformation = "text after the closing quote in field \(fieldCount)"
                    }
                }
            } else {
                let fieldStart = i
                let ends = fieldEnds256
                while i < limit && !ends[Int(buffer[i])] { i += 1 }
                if i >= limit && !atEOF { return .needMore }
                appendField(fieldStart, i)
            }
            if i >= limit {
                // Last record of a file without a final line break.
                recordEnd = i
                start = i
                break
            }
            let c = buffer[i]
            if c == d {
                i += 1
                continue
            }
            recordEnd = i
            if c == CSVReader.carriageReturn {
                if i + 1 < limit {
                    i += buffer[i + 1] == CSVReader.newline ? 2 : 1
                } else if atEOF {
                    i += 1
                } else {
                    return .needMore
                }
            } else {
                i += 1
            }
            lines += 1
            start = i
            break
        }
        line = linesConsumed + 1
        linesConsumed += max(lines, 1)
        return .complete
    }

    private func unterminatedAtEOF(contentStart: Int) -> Outcome {
        finishAsUnterminated()
        return .complete
    }

    /// Calls `body` with the bytes of field `index` of the current record (without the enclosing
    /// quotes, doubled quotes made single). The view is valid only inside `body`.
    @inline(__always)
    public func withField<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let view = UnsafeBufferPointer(start: buffer + fieldStarts[index], count: fieldEnds[index] - fieldStarts[index])
        if !anyEscaped || !escapedFields.contains(index) { return try body(view) }
        scratch.removeAll(keepingCapacity: true)
        var k = 0
        while k < view.count {
            let c = view[k]
            scratch.append(c)
            k += (c == CSVReader.quote && k + 1 < view.count && view[k + 1] == CSVReader.quote) ? 2 : 1
        }
        return try scratch.withUnsafeBufferPointer { try body($0) }
    }

    /// Moves to the header row: the first record holding more than spaces and delimiters. Blank
    /// lines before it are skipped, so ``line`` is then the header's line.
    /// - Returns: false when the file is empty or holds only blank lines: it has no header row.
    /// - Throws: ``InputError`` when the file cannot be read or decoded.
    public func nextHeader() throws -> Bool {
        while try next() {
            if isBlankLine { continue }
            let blank = (0..<fieldCount).allSatisfy { k in withField(k) { $0.allSatisfy { $0 == 0x20 || $0 == 0x09 } } }
            if !blank || malformation != nil { return true }
        }
        return false
    }

    /// ``nextHeader()`` for a file that must have a header row.
    /// - Parameter expected: what the header should name, for the message (such as
    ///   "customer_id, date and amount columns").
    /// - Throws: ``InputError`` "has no header row" when the file is empty or holds only blank
    ///   lines, or when it cannot be read or decoded.
    public func readHeader(expecting expected: String) throws {
        guard try nextHeader() else { throw InputError.noHeaderRow(path, isEmpty: line == 0, expecting: expected) }
    }

    /// Field `index` of the current record as a String (invalid UTF-8 is replaced).
    public func string(_ index: Int) -> String {
        withField(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// All fields of the current record as Strings.
    public var fields: [String] { (0..<fieldCount).map(string) }

    /// The current record's raw text as it stood in the file (first line only for an unterminated quote).
    public var rawRecord: String {
        String(decoding: UnsafeBufferPointer(start: buffer + recordStart, count: max(0, recordEnd - recordStart)), as: UTF8.self)
    }

    /// Whether the current record is an empty line.
    public var isBlankLine: Bool {
        fieldCount == 1 && fieldEnds[0] == fieldStarts[0] && malformation == nil
            && (recordEnd - recordStart) == 0
    }

    /// Where the current record's raw bytes start in the decoded (UTF-8) text of the reader: an
    /// offset to find them again with ``withDecodedBytes(at:count:_:)``.
    var recordOffset: Int { discarded + recordStart }

    /// Calls `body` with `count` bytes of the decoded text from `offset` (an earlier record's
    /// ``recordOffset``): from the buffer while they are still in it, else read again from the
    /// file, which only a UTF-8 file allows (its decoded text is its bytes); nil for a file of
    /// another encoding whose bytes have left the buffer.
    /// - Throws: ``InputError`` when the file cannot be read again.
    func withDecodedBytes<R>(at offset: Int, count: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R? {
        if offset >= discarded && offset + count <= discarded + end {
            return try body(UnsafeBufferPointer(start: buffer + (offset - discarded), count: count))
        }
        guard source.encoding == .utf8 else { return nil }
        let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(count, 1))
        defer { copy.deallocate() }
        try source.readAgain(decodedOffset: offset, count: count, into: copy)
        return try body(UnsafeBufferPointer(rebasing: copy[0..<count]))
    }

    /// Calls `body` with the raw bytes of the current record.
    public func withRawRecord<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: buffer + recordStart, count: max(0, recordEnd - recordStart)))
    }
}

extension InputError {
    /// A file without a header row: empty, or blank lines only.
    /// - Parameters:
    ///   - isEmpty: whether the file has no byte at all (else it holds only blank lines).
    ///   - expected: what the header should name, for the message.
    public static func noHeaderRow(_ path: String, isEmpty: Bool, expecting expected: String) -> InputError {
        let content = isEmpty ? "the file is empty" : "the file holds only blank lines"
        return InputError(file: path, message: "has no header row (\(content)): expected a header row naming \(expected)")
    }
}
