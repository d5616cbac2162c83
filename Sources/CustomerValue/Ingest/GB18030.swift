// Streaming GB18030 (superset of GBK / GB2312) -> UTF-8 transcoder, written from scratch.
//
// GB18030 byte structure (GB18030-2005):
//   0x00...0x7F                         one byte, ASCII
//   0x81...0xFE  0x40...0x7E|0x80...0xFE  two bytes, table lookup (GB18030Table.twoByte)
//   0x81...0xFE  0x30...0x39  0x81...0xFE  0x30...0x39   four bytes:
//       b1 0x81...0x84 -> BMP via a range table (GB18030Table.fourByteBMPRanges)
//       b1 0x90...0xE3 -> U+10000...U+10FFFF, linear
//   0x80 and 0xFF are never valid lead bytes.
// The mapping data is generated from Python's `gb18030` codec by Scripts/gen_gb18030_table.py,
// so this decoder agrees with Python byte for byte (including which codes are errors).

/// Error thrown for bytes that are not valid GB18030.
public struct TextDecodingError: Error, CustomStringConvertible, Sendable {
    /// Offset, in the whole stream, of the first bad byte: the first byte (lead byte) of the
    /// invalid or incomplete sequence. This matches `UnicodeDecodeError.start` in Python.
    public var byteOffset: Int
    /// Human-readable description of the problem, e.g. "invalid GB18030 byte sequence 0x81 0x20".
    public var message: String

    /// Creates an error for the sequence starting at `byteOffset`.
    public init(byteOffset: Int, message: String) {
        self.byteOffset = byteOffset
        self.message = message
    }

    /// The message followed by the offset, e.g. "invalid GB18030 byte sequence 0x81 0x20 at byte 1234".
    public var description: String { "\(message) at byte \(byteOffset)" }
}

/// Streaming GB18030 → UTF-8 decoder. Feed chunks of any size; a multi-byte sequence split
/// across chunk boundaries is carried over to the next call.
///
/// After a call throws, the decoder's state is unspecified; use a new decoder for a new stream.
public struct GB18030Decoder: Sendable {
    /// Bytes of an incomplete sequence carried over from the previous chunk, first byte in the
    /// lowest 8 bits (at most 3 bytes).
    private var pending: UInt32 = 0
    /// Number of valid bytes in `pending` (0...3).
    private var pendingCount: Int = 0
    /// Stream offset of the first byte of the next chunk.
    private var streamOffset: Int = 0

    /// Creates a decoder at the start of a stream.
    public init() {}

    /// Decodes `input`, appending UTF-8 bytes to `output`. With `isFinal == true`, a sequence left
    /// incomplete at the end is an error. Throws TextDecodingError for an invalid sequence.
    ///
    /// On a throw, `output` holds the UTF-8 for everything before the bad sequence.
    public mutating func decode(
        _ input: UnsafeRawBufferPointer, into output: inout [UInt8], isFinal: Bool
    ) throws {
        let n = input.count
        let chunkOffset = streamOffset
        // Grow geometrically: repeated exact reserveCapacity calls would make streaming quadratic.
        let needed = output.count + n + 4
        if output.capacity < needed {
            output.reserveCapacity(Swift.max(needed, output.capacity * 2))
        }

        let twoByte = GB18030Table.twoByte
        try twoByte.withUnsafeBufferPointer { table in
            var i = 0

            // 1. Finish a sequence carried over from the previous chunk.
            if pendingCount > 0 {
                let start = chunkOffset - pendingCount
                var seq = pending
                var have = pendingCount
                while have < 4 && have - pendingCount < n {
                    seq |= UInt32(input[have - pendingCount]) << UInt32(8 * have)
                    have += 1
                }
                var bytes = seq.littleEndian  // memory order = stream order on any platform
                let step = withUnsafeBytes(of: &bytes) { raw in
                    Self.decodeMultiByte(raw, at: 0, available: have, table: table)
                }
                switch step {
                case .scalar(let cp, let length):
                    Self.appendUTF8(cp, to: &output)
                    i = length - pendingCount
                    pending = 0
                    pendingCount = 0
                case .incomplete:
                    // All of `input` was used and the sequence is still not complete.
                    if isFinal {
                        throw Self.error(incomplete: seq, count: have, at: start)
                    }
                    pending = seq
                    pendingCount = have
                    streamOffset = chunkOffset + n
                    return
                case .invalid(let length):
                    throw Self.error(invalid: seq, count: length, at: start)
                }
            }

            // A nil base address means an empty chunk; any carried-over bytes were handled above.
            guard let base = input.baseAddress else { return }

            // 2. Main loop. Non-ASCII output is staged in a small stack buffer and appended to
            // `output` in bulk (per-byte Array.append is the bottleneck otherwise); long ASCII
            // runs are appended straight from the input.
            try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.stageCapacity) { stage in
                var staged = 0
                defer {
                    if staged > 0 {
                        output.append(contentsOf: UnsafeBufferPointer(rebasing: stage[..<staged]))
                    }
                }
                while i < n {
                    // ASCII run: scan 8 bytes at a time, then byte by byte.
                    var j = i
                    while j &+ 8 <= n {
                        let word = base.loadUnaligned(fromByteOffset: j, as: UInt64.self)
                        if word & 0x8080_8080_8080_8080 != 0 { break }
                        j &+= 8
                    }
                    while j < n && base.load(fromByteOffset: j, as: UInt8.self) < 0x80 {
                        j &+= 1
                    }
                    if j > i {
                        let run = j &- i
                        if run <= Self.stageCapacity &- staged {
                            UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: stage[staged...]))
                                .copyMemory(from: UnsafeRawBufferPointer(start: base + i, count: run))
                            staged &+= run
                        } else {
                            output.append(contentsOf: UnsafeBufferPointer(rebasing: stage[..<staged]))
                            staged = 0
                            output.append(contentsOf: UnsafeRawBufferPointer(start: base + i, count: run))
                        }
                        i = j
                        if i == n { break }
                    }

                    // Multi-byte sequence (or invalid byte) at i.
                    switch Self.decodeMultiByte(input, at: i, available: n &- i, table: table) {
                    case .scalar(let cp, let length):
                        if staged > Self.stageCapacity &- 4 {
                            output.append(contentsOf: UnsafeBufferPointer(rebasing: stage[..<staged]))
                            staged = 0
                        }
                        staged &+= Self.writeUTF8(cp, into: stage, at: staged)
                        i &+= length
                    case .incomplete:
                        var seq: UInt32 = 0
                        for k in 0..<(n - i) {
                            seq |= UInt32(input[i + k]) << UInt32(8 * k)
                        }
                        if isFinal {
                            throw Self.error(incomplete: seq, count: n - i, at: chunkOffset + i)
                        }
                        pending = seq
                        pendingCount = n - i
                        i = n
                    case .invalid(let length):
                        var seq: UInt32 = 0
                        for k in 0..<length {
                            seq |= UInt32(input[i + k]) << UInt32(8 * k)
                        }
                        throw Self.error(invalid: seq, count: length, at: chunkOffset + i)
                    }
                }
            }
        }
        streamOffset = chunkOffset + n
    }

    /// Convenience: decodes a whole byte array to a String.
    public static func decode(_ bytes: [UInt8]) throws -> String {
        var decoder = GB18030Decoder()
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 2 + 4)
        try bytes.withUnsafeBytes { raw in
            try decoder.decode(raw, into: &output, isFinal: true)
        }
        return String(decoding: output, as: UTF8.self)
    }

    // MARK: - Internals

    /// Result of decoding one non-ASCII sequence.
    enum Step {
        /// A code point and the number of bytes it used.
        case scalar(UInt32, length: Int)
        /// A valid prefix that needs more bytes.
        case incomplete
        /// Invalid; `length` bytes are reported in the error message.
        case invalid(length: Int)
    }

    /// Decodes the sequence starting at `bytes[offset]` (whose first byte is >= 0x80), looking at
    /// no more than `available` bytes.
    @inline(__always)
    static func decodeMultiByte(
        _ bytes: UnsafeRawBufferPointer, at offset: Int, available: Int,
        table: UnsafeBufferPointer<UInt16>
    ) -> Step {
        let b0 = UInt32(bytes[offset])
        if b0 < 0x81 || b0 == 0xFF { return .invalid(length: 1) }
        if available < 2 { return .incomplete }
        let b1 = UInt32(bytes[offset + 1])
        if b1 >= 0x40 {
            if b1 == 0x7F || b1 == 0xFF { return .invalid(length: 2) }
            let index = Int((b0 - 0x81) * 190 + (b1 - 0x40) - (b1 >= 0x80 ? 1 : 0))
            let cp = table[index]
            if cp == 0xFFFF { return .invalid(length: 2) }
            return .scalar(UInt32(cp), length: 2)
        }
        if b1 < 0x30 || b1 > 0x39 { return .invalid(length: 2) }
        if available < 3 { return .incomplete }
        let b2 = UInt32(bytes[offset + 2])
        if b2 < 0x81 || b2 == 0xFF { return .invalid(length: 3) }
        if available < 4 { return .incomplete }
        let b3 = UInt32(bytes[offset + 3])
        if b3 < 0x30 || b3 > 0x39 { return .invalid(length: 4) }
        let linear = (((b0 - 0x81) * 10 + (b1 - 0x30)) * 126 + (b2 - 0x81)) * 10 + (b3 - 0x30)
        if linear < UInt32(GB18030Table.fourByteBMPCount) {
            return .scalar(fourByteBMP(linear), length: 4)
        }
        if linear >= 189_000 && linear < 189_000 + 0x10_0000 {
            return .scalar(linear - 189_000 + 0x1_0000, length: 4)
        }
        return .invalid(length: 4)
    }

    /// Maps a four-byte BMP linear index (< 39420) to its code point using the range table.
    static func fourByteBMP(_ linear: UInt32) -> UInt32 {
        GB18030Table.fourByteBMPRanges.withUnsafeBufferPointer { ranges in
            // Binary search for the last range whose start is <= linear.
            var lo = 0
            var hi = ranges.count / 2  // exclusive
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                if ranges[2 * mid] <= linear { lo = mid } else { hi = mid }
            }
            return ranges[2 * lo + 1] + (linear - ranges[2 * lo])
        }
    }

    /// Size of the stack buffer that stages UTF-8 output before it is appended to the array.
    static let stageCapacity = 4096

    /// Writes the UTF-8 encoding of `cp` (a valid scalar, never a surrogate) to `buffer` at `offset`;
    /// the buffer must have room for 4 bytes there. Returns the number of bytes written.
    @inline(__always)
    static func writeUTF8(_ cp: UInt32, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) -> Int {
        let p = UnsafeMutableBufferPointer(rebasing: buffer[offset...])
        if cp < 0x80 {
            p[0] = UInt8(truncatingIfNeeded: cp)
            return 1
        } else if cp < 0x800 {
            p[0] = UInt8(truncatingIfNeeded: 0xC0 | (cp >> 6))
            p[1] = UInt8(truncatingIfNeeded: 0x80 | (cp & 0x3F))
            return 2
        } else if cp < 0x1_0000 {
            p[0] = UInt8(truncatingIfNeeded: 0xE0 | (cp >> 12))
            p[1] = UInt8(truncatingIfNeeded: 0x80 | ((cp >> 6) & 0x3F))
            p[2] = UInt8(truncatingIfNeeded: 0x80 | (cp & 0x3F))
            return 3
        } else {
            p[0] = UInt8(truncatingIfNeeded: 0xF0 | (cp >> 18))
            p[1] = UInt8(truncatingIfNeeded: 0x80 | ((cp >> 12) & 0x3F))
            p[2] = UInt8(truncatingIfNeeded: 0x80 | ((cp >> 6) & 0x3F))
            p[3] = UInt8(truncatingIfNeeded: 0x80 | (cp & 0x3F))
            return 4
        }
    }

    /// Appends the UTF-8 encoding of `cp` (a valid scalar, never a surrogate) to `output`.
    @inline(__always)
    static func appendUTF8(_ cp: UInt32, to output: inout [UInt8]) {
        if cp < 0x80 {
            output.append(UInt8(truncatingIfNeeded: cp))
        } else if cp < 0x800 {
            output.append(UInt8(truncatingIfNeeded: 0xC0 | (cp >> 6)))
            output.append(UInt8(truncatingIfNeeded: 0x80 | (cp & 0x3F)))
        } else if cp < 0x1_0000 {
            output.append(UInt8(truncatingIfNeeded: 0xE0 | (cp >> 12)))
            output.append(UInt8(truncatingIfNeeded: 0x80 | ((cp >> 6) & 0x3F)))
            output.append(UInt8(truncatingIfNeeded: 0x80 | (cp & 0x3F)))
        } else {
            output.append(UInt8(truncatingIfNeeded: 0xF0 | (cp >> 18)))
            output.append(UInt8(truncatingIfNeeded: 0x80 | ((cp >> 12) & 0x3F)))
            output.append(UInt8(truncatingIfNeeded: 0x80 | ((cp >> 6) & 0x3F)))
            output.append(UInt8(truncatingIfNeeded: 0x80 | (cp & 0x3F)))
        }
    }

    /// Formats `count` bytes packed little-endian in `seq` as "0x81 0x20".
    static func hexList(_ seq: UInt32, count: Int) -> String {
        let digits: [Character] = Array("0123456789ABCDEF")
        var parts: [String] = []
        for k in 0..<count {
            let b = Int((seq >> UInt32(8 * k)) & 0xFF)
            parts.append("0x" + String(digits[b >> 4]) + String(digits[b & 0xF]))
        }
        return parts.joined(separator: " ")
    }

    static func error(invalid seq: UInt32, count: Int, at offset: Int) -> TextDecodingError {
        TextDecodingError(
            byteOffset: offset,
            message: "invalid GB18030 byte sequence \(hexList(seq, count: count))")
    }

    static func error(incomplete seq: UInt32, count: Int, at offset: Int) -> TextDecodingError {
        TextDecodingError(
            byteOffset: offset,
            message: "incomplete GB18030 byte sequence \(hexList(seq, count: count)) at end of input")
    }
}
