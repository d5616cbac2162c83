#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text encodings CVA reads. CSV exports from Excel and Chinese CRMs are UTF-8 (often with a
/// byte-order mark), GB18030/GBK, or, for Excel's "Unicode text", UTF-16 with a byte-order mark.
public enum TextEncoding: String, Sendable, Codable, CaseIterable {
    case utf8
    case gb18030
    case utf16LittleEndian = "utf16le"
    case utf16BigEndian = "utf16be"

    /// Parses a user's encoding name (case-insensitive): `utf8`/`utf-8`, `gb18030`/`gbk`/`gb2312`/`cp936`,
    /// `utf16le`/`utf-16le`, `utf16be`/`utf-16be`. Returns nil for `auto` or anything unknown.
    public init?(name: String) {
        switch name.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "") {
        case "utf8": self = .utf8
        case "gb18030", "gbk", "gb2312", "cp936", "936": self = .gb18030
        case "utf16le", "utf16": self = .utf16LittleEndian
        case "utf16be": self = .utf16BigEndian
        default: return nil
        }
    }
}

/// Error for a file that cannot be opened or read, or whose bytes are not valid text.
public struct InputError: Error, CustomStringConvertible, Sendable {
    /// The file concerned.
    public var file: String
    /// What went wrong, in words a user can act on.
    public var message: String
    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }
    public var description: String { "\(file): \(message)" }
}

/// Reads a file in chunks and hands out UTF-8 bytes, whatever the file's encoding.
///
/// The encoding is taken from a byte-order mark, or given, or detected: a file whose first
/// megabyte is valid UTF-8 is read as UTF-8, otherwise as GB18030 (the superset of GBK and
/// GB2312 that Chinese Excel and CRMs write). In UTF-8 mode every later chunk is validated too,
/// so a file that switches encoding part-way gets a clear error instead of garbled ids.
/// A UTF-8 byte-order mark is removed.
final class TextSource {
    let path: String
    private let fd: Int32
    private(set) var encoding: TextEncoding
    /// Whether the encoding was detected rather than given or marked.
    private var detected = false
    private var raw: [UInt8]
    private var rawStart = 0
    private var rawEnd = 0
    private var rawEOF = false
    private var pending: [UInt8] = []   // decoded bytes not yet handed out
    private var pendingStart = 0
    private var gbDecoder = GB18030Decoder()
    private var utf8Validator = UTF8Validator()
    private var utf16Carry: [UInt8] = []
    private var utf16HighSurrogate: UInt16? = nil
    private(set) var bytesRead: Int = 0
    /// Total size of the file in bytes, when known (for progress).
    let fileSize: Int?
    /// File offset of the next byte not yet handed out (meaningful for UTF-8, where decoded and
    /// file bytes are the same).
    var fileOffsetOfNextByte: Int { startOffset + bytesRead - (rawEnd - rawStart) }
    private var startOffset = 0
    /// File offset of the first decoded byte of a UTF-8 file (past the range start and any
    /// byte-order mark).
    private var decodedOrigin = 0

    static let chunkSize = 1 << 20

    /// Bytes left to read when reading a range of the file (nil: to the end).
    private var remaining: Int?

    /// Opens `path`, or only the bytes `range` of it (UTF-8 only: a range starts mid-file, so
    /// there is no byte-order mark to read and no encoding to detect).
    init(path: String, encoding requested: TextEncoding?, range: Range<Int>? = nil) throws {
        self.path = path
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw InputError(file: path, message: "cannot open the file: \(String(cString: strerror(errno)))")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw InputError(file: path, message: "is a folder, not a file")
        }
        fileSize = Int(st.st_size)
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw InputError(file: path, message: "cannot open the file: \(String(cString: strerror(errno)))")
        }
        self.fd = fd
        // A small file gets a buffer about its size: zeroing a whole chunk (and faulting in its
        // pages) cost more than reading a file of a few kilobytes, and commands open one several times.
        // (Regular files only: a pipe's size says nothing, and the encoding is detected on the first chunk.)
        let isRegular = (st.st_mode & S_IFMT) == S_IFREG
        let expected = isRegular ? max(0, range?.count ?? Int(st.st_size)) + 4096 : TextSource.chunkSize
        raw = [UInt8](repeating: 0, count: min(TextSource.chunkSize, max(1 << 16, expected)))
        encoding = .utf8
        if let range {
            guard lseek(fd, off_t(range.lowerBound), SEEK_SET) >= 0 else {
                throw InputError(file: path, message: "cannot seek: \(String(cString: strerror(errno)))")
            }
            remaining = range.count
            startOffset = range.lowerBound
            decodedOrigin = range.lowerBound
            try fillRaw()
            return
        }
        try fillRaw()
        // Workbooks rather than CSV: xlsx is a ZIP archive, xls an OLE compound file.
        if rawEnd >= 4, raw[0] == 0x50, raw[1] == 0x4B, raw[2] == 0x03, raw[3] == 0x04 {
            throw InputError(file: path, message: "looks like an Excel workbook (.xlsx), not CSV: save it as \"CSV UTF-8\" first")
        }
        if rawEnd >= 4, raw[0] == 0xD0, raw[1] == 0xCF, raw[2] == 0x11, raw[3] == 0xE0 {
            throw InputError(file: path, message: "looks like an old Excel workbook (.xls), not CSV: save it as \"CSV UTF-8\" first")
        }
        // Byte-order marks decide the encoding outright.
        if rawEnd - rawStart >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF {
            rawStart = 3
            decodedOrigin = 3
            encoding = .utf8
        } else if rawEnd - rawStart >= 2, raw[0] == 0xFF, raw[1] == 0xFE {
            rawStart = 2
            encoding = .utf16LittleEndian
        } else if rawEnd - rawStart >= 2, raw[0] == 0xFE, raw[1] == 0xFF {
            rawStart = 2
            encoding = .utf16BigEndian
        } else if let requested {
            encoding = requested
        } else {
            var probe = UTF8Validator()
            let valid = raw.withUnsafeBufferPointer { buffer in
                probe.validate(UnsafeBufferPointer(rebasing: buffer[rawStart..<rawEnd]), isFinal: rawEOF) == nil
            }
            encoding = valid ? .utf8 : .gb18030
            detected = true
        }
    }

    deinit { close(fd) }

    private func fillRaw() throws {
        if rawStart > 0 && rawStart < rawEnd {
            raw.withUnsafeMutableBufferPointer { b in
                guard let base = b.baseAddress else { return }
                memmove(base, base + rawStart, rawEnd - rawStart)
            }
            rawEnd -= rawStart
            rawStart = 0
        } else if rawStart >= rawEnd {
            rawStart = 0
            rawEnd = 0
        }
        while rawEnd < raw.count && !rawEOF {
            if remaining == 0 { rawEOF = true; break }
            let n = raw.withUnsafeMutableBufferPointer { b -> Int in
                guard let base = b.baseAddress else { return 0 }
                return Glibc.read(fd, base + rawEnd, min(b.count - rawEnd, remaining ?? Int.max))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw InputError(file: path, message: "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { rawEOF = true; break }
            if let left = remaining { remaining = left - n }
            rawEnd += n
            bytesRead += n
        }
    }

    /// Reads `destination.count` bytes of a UTF-8 file again, from `decodedOffset` in its decoded
    /// text (what ``read(into:capacity:)`` handed out there), without moving the reading position.
    /// - Throws: ``InputError`` when the file cannot be read or is shorter than that.
    func readAgain(decodedOffset: Int, count: Int, into destination: UnsafeMutableBufferPointer<UInt8>) throws {
        precondition(encoding == .utf8 && count <= destination.count, "only a UTF-8 file's bytes are its decoded text")
        guard let base = destination.baseAddress else { return }
        var done = 0
        while done < count {
            let n = pread(fd, base + done, count - done, off_t(decodedOrigin + decodedOffset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw InputError(file: path, message: "could not read an earlier row again: \(n < 0 ? String(cString: strerror(errno)) : "the file got shorter")")
            }
            done += n
        }
    }

    /// Copies up to `capacity` UTF-8 bytes into `destination`; returns 0 at the end of the file.
    func read(into destination: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        while true {
            if pendingStart < pending.count {
                let n = min(capacity, pending.count - pendingStart)
                pending.withUnsafeBufferPointer { b in
                    if let base = b.baseAddress { destination.update(from: base + pendingStart, count: n) }
                }
                pendingStart += n
                return n
            }
            if rawStart >= rawEnd {
                if rawEOF { try finish(); if pendingStart < pending.count { continue }; return 0 }
                try fillRaw()
                continue
            }
            switch encoding {
            case .utf8:
                let n = min(capacity, rawEnd - rawStart)
                let offset = bytesRead - (rawEnd - rawStart)
                let error = raw.withUnsafeBufferPointer { b -> Int? in
                    guard let base = b.baseAddress else { return nil }
                    destination.update(from: base + rawStart, count: n)
                    let isLast = rawEOF && rawStart + n == rawEnd
                    return utf8Validator.validate(UnsafeBufferPointer(start: base + rawStart, count: n), isFinal: isLast)
                }
                if let error {
                    throw InputError(
                        file: path,
                        message: "is not valid UTF-8 at byte \(offset + error); if it was saved as GBK/GB18030 or another encoding, pass --encoding gb18030 (or the right one)")
                }
                rawStart += n
                return n
            case .gb18030:
                pending.removeAll(keepingCapacity: true)
                pendingStart = 0
                let isLast = rawEOF
                do {
                    try raw.withUnsafeBytes { b in
                        try gbDecoder.decode(UnsafeRawBufferPointer(rebasing: b[rawStart..<rawEnd]), into: &pending, isFinal: isLast)
                    }
                } catch let error as TextDecodingError {
                    throw InputError(file: path, message: detected
                        ? "is neither UTF-8 nor GB18030 text (\(error.description)): a binary file? Save it as CSV, or pass --encoding"
                        : "is not valid GB18030 text: \(error.description); pass --encoding utf8 if it is UTF-8")
                }
                rawStart = rawEnd
            case .utf16LittleEndian, .utf16BigEndian:
                pending.removeAll(keepingCapacity: true)
                pendingStart = 0
                try decodeUTF16()
            }
        }
    }

    private func finish() throws {
        if encoding == .gb18030 {
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
            let empty: [UInt8] = []
            do {
                try empty.withUnsafeBytes { try gbDecoder.decode($0, into: &pending, isFinal: true) }
            } catch let error as TextDecodingError {
                throw InputError(file: path, message: "is not valid GB18030 text: \(error.description)")
            }
        } else if encoding != .utf8 && (!utf16Carry.isEmpty || utf16HighSurrogate != nil) {
            throw InputError(file: path, message: "ends inside a UTF-16 character (truncated file?)")
        }
    }

    private func decodeUTF16() throws {
        let littleEndian = encoding == .utf16LittleEndian
        var bytes = utf16Carry
        bytes.append(contentsOf: raw[rawStart..<rawEnd])
        rawStart = rawEnd
        let usable = bytes.count & ~1
        utf16Carry = usable < bytes.count ? [bytes[bytes.count - 1]] : []
        pending.reserveCapacity(usable * 3 / 2)
        var i = 0
        while i < usable {
            let unit = littleEndian ? UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 : UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])
            i += 2
            var scalarValue: UInt32
            if let high = utf16HighSurrogate {
                guard (0xDC00...0xDFFF).contains(unit) else {
                    throw InputError(file: path, message: "is not valid UTF-16: unpaired surrogate near byte \(bytesRead)")
                }
                scalarValue = 0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(unit) - 0xDC00)
                utf16HighSurrogate = nil
            } else if (0xD800...0xDBFF).contains(unit) {
                utf16HighSurrogate = unit
                continue
            } else if (0xDC00...0xDFFF).contains(unit) {
                throw InputError(file: path, message: "is not valid UTF-16: unpaired surrogate near byte \(bytesRead)")
            } else {
                scalarValue = UInt32(unit)
            }
            guard let scalar = Unicode.Scalar(scalarValue) else { continue }
            if let encoded = UTF8.encode(scalar) { pending.append(contentsOf: encoded) }
        }
    }
}

/// Incremental UTF-8 validator (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF)
/// whose state carries across chunk boundaries.
struct UTF8Validator {
    private var needed = 0          // continuation bytes still expected
    private var lowerBound: UInt8 = 0x80
    private var upperBound: UInt8 = 0xBF

    /// Returns the offset in `bytes` of the first invalid byte, or nil when all are valid so far.
    mutating func validate(_ bytes: UnsafeBufferPointer<UInt8>, isFinal: Bool) -> Int? {
        var i = 0
        let n = bytes.count
        guard let base = bytes.baseAddress else { return isFinal && needed > 0 ? 0 : nil }
        while i < n {
            if needed == 0 {
                // ASCII fast path, eight bytes at a time.
                while i + 8 <= n {
                    let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                    if word & 0x8080_8080_8080_8080 != 0 { break }
                    i += 8
                }
                if i >= n { break }
                let b = bytes[i]
                i += 1
                switch b {
                case 0x00...0x7F: continue
                case 0xC2...0xDF: needed = 1; lowerBound = 0x80; upperBound = 0xBF
                case 0xE0: needed = 2; lowerBound = 0xA0; upperBound = 0xBF
                case 0xE1...0xEC, 0xEE...0xEF: needed = 2; lowerBound = 0x80; upperBound = 0xBF
                case 0xED: needed = 2; lowerBound = 0x80; upperBound = 0x9F
                case 0xF0: needed = 3; lowerBound = 0x90; upperBound = 0xBF
                case 0xF1...0xF3: needed = 3; lowerBound = 0x80; upperBound = 0xBF
                case 0xF4: needed = 3; lowerBound = 0x80; upperBound = 0x8F
                default: return i - 1
                }
            } else {
                let b = bytes[i]
                guard b >= lowerBound && b <= upperBound else { return i }
                lowerBound = 0x80
                upperBound = 0xBF
                needed -= 1
                i += 1
            }
        }
        if isFinal && needed > 0 { return n }
        return nil
    }
}
