import ArgumentParser
import CustomerValue
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How a command prints its result.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// `--format` of the commands whose output is a report, not rows (fit, validate, weights,
/// churn-train): `csv` is not offered, so it is refused instead of printing something else.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// `--format` and `--out`, shared by every command that prints data.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table, csv or json (default: table on a terminal, csv otherwise).")
    var format: OutputFormat?

    @Option(name: .long, help: "Write the output to this file instead of standard output.")
    var out: String?

    /// The format in force.
    var resolvedFormat: OutputFormat {
        if let format { return format }
        return (out == nil && isatty(STDOUT_FILENO) == 1) ? .table : .csv
    }
}

/// A value in an output cell.
enum Cell {
    case text(String)
    case int(Int)
    case number(Double)
    case date(CalendarDay)
    /// `true` / `false` in CSV and tables, a JSON boolean in JSON.
    case bool(Bool)
    case empty
}

/// A table of results, formatted as an aligned table, CSV or JSON.
struct OutputTable {
    var columns: [String]
    var rowCount: Int
    var cell: @Sendable (_ row: Int, _ column: Int) -> Cell
    /// For JSON only: a cell's value as ready-made JSON (an array or object where CSV and the
    /// table show joined text); nil keeps `cell`'s value.
    var jsonCell: (@Sendable (_ row: Int, _ column: Int, _ buffer: inout RawBytes) -> Bool)? = nil

    /// Writes the table in `format` to `sink`. An aligned table shows the first `tableLimit` rows.
    func write(_ format: OutputFormat, to sink: ByteSink, tableLimit: Int = 50) throws {
        switch format {
        case .csv: try writeCSV(to: sink)
        case .json: try writeJSON(to: sink)
        case .table: try writeTable(to: sink, limit: tableLimit)
        }
    }

    /// The spelling of a boolean cell, the same in CSV, JSON and tables.
    static let trueBytes = Array("true".utf8), falseBytes = Array("false".utf8)

    /// - Parameter rowsPerBlock: rows formatted at a time by one thread (see ``writeRows(_:bytesPerRow:rowsPerBlock:to:format:)``).
    func writeCSV(to sink: ByteSink, rowsPerBlock: Int = 32_768) throws {
        var header: [UInt8] = []
        for (k, name) in columns.enumerated() {
            if k > 0 { header.append(0x2C) }
            CSVFormatting.appendField(name, to: &header)
        }
        header.append(0x0A)
        try sink.write(header)
        let width = columns.count
        let cell = self.cell
        try Self.writeRows(rowCount, bytesPerRow: 16 * width, rowsPerBlock: rowsPerBlock, to: sink) { r, buffer in
            // Room for every number and date cell of the row and its separators; text cells
            // reserve their own.
            buffer.reserve(width * NumberFormatting.maximumBytes + 1)
            for c in 0..<width {
                if c > 0 { buffer.append(0x2C) }
                switch cell(r, c) {
                case .text(let s): buffer.appendCSVField(s)
                case .int(let v): buffer.advance(by: NumberFormatting.write(v, at: buffer.end))
                case .number(let v): buffer.advance(by: NumberFormatting.write(v, at: buffer.end))
                case .date(let d): buffer.advance(by: NumberFormatting.write(d, at: buffer.end))
                case .bool(let b): buffer.appendCSVField(b ? "true" : "false")
                case .empty: break
                }
            }
            buffer.append(0x0A)
        }
    }

    /// `[` and one object per row (`\n  {"column":value,...}`, rows separated by commas), then
    /// `\n]\n` (`]\n` without rows).
    /// - Parameter rowsPerBlock: rows formatted at a time by one thread.
    func writeJSON(to sink: ByteSink, rowsPerBlock: Int = 32_768) throws {
        try sink.write([0x5B])
        let keys = columns.map { name -> [UInt8] in
            var k: [UInt8] = []
            JSONText.appendString(name, to: &k)
            k.append(0x3A)
            return k
        }
        let keyBytes = keys.reduce(0) { $0 + $1.count }
        let cell = self.cell, jsonCell = self.jsonCell
        try Self.writeRows(rowCount, bytesPerRow: keyBytes + 16 * columns.count, rowsPerBlock: rowsPerBlock, to: sink) { r, buffer in
            buffer.reserve(5)
            if r > 0 { buffer.append(0x2C) }
            buffer.append(0x0A)
            buffer.append(0x20)
            buffer.append(0x20)
            buffer.append(0x7B)
            for k in 0..<keys.count {
                // Room for the separator, the key and a number or date cell (and the closing
                // brace); text and ready-made cells reserve their own.
                buffer.reserve(keys[k].count + NumberFormatting.maximumBytes + 4)
                if k > 0 { buffer.append(0x2C) }
                buffer.append(keys[k])
                if let jsonCell, jsonCell(r, k, &buffer) { continue }
                Self.appendJSON(cell(r, k), to: &buffer)
            }
            buffer.reserve(1)
            buffer.append(0x7D)
        }
        try sink.write(Array((rowCount > 0 ? "\n]\n" : "]\n").utf8))
    }

    /// Formats rows `0..<rowCount` with `format` and writes them to `sink` in order. Blocks of
    /// rows are formatted on two threads (blocks 0, 2, 4, ... and 1, 3, 5, ...), each written as
    /// soon as its turn comes, so writing overlaps the formatting of the next block.
    /// - Parameters:
    ///   - bytesPerRow: a guess of a row's size, for the first capacity of the buffers.
    ///   - block: rows per block (small blocks are for tests of the ordering).
    ///   - format: appends row `r`; called from two threads at once, so it must only read shared state.
    static func writeRows(_ rowCount: Int, bytesPerRow: Int, rowsPerBlock block: Int, to sink: ByteSink,
                          format: @escaping @Sendable (_ row: Int, _ buffer: inout RawBytes) -> Void) throws {
        precondition(block >= 1, "at least one row per block")
        let blocks = (rowCount + block - 1) / block
        let turns = OrderedWrites(sink: sink)
        @Sendable func formatBlocks(_ first: Int) {
            var buffer = RawBytes(capacity: block * bytesPerRow)
            defer { buffer.deallocate() }
            for b in stride(from: first, to: blocks, by: 2) {
                buffer.removeAll()
                if !turns.failed {
                    for r in (b * block)..<min(rowCount, (b + 1) * block) { format(r, &buffer) }
                }
                turns.write(buffer.bytes, turn: b)
            }
        }
        if blocks > 1 {
            // A thread of its own (not a pool's), so that waiting for a turn can never wait on
            // work that has not started.
            let done = DispatchSemaphore(value: 0)
            let second = Thread {
                formatBlocks(1)
                done.signal()
            }
            second.start()
            formatBlocks(0)
            done.wait()
        } else {
            formatBlocks(0)
        }
        if let error = turns.error { throw error }
    }

    /// Appends `value` as JSON: text quoted and escaped, a number (null when not finite), a date
    /// as "yyyy-MM-dd", a boolean, or null when empty. Needs room for ``NumberFormatting/maximumBytes``
    /// + 2 bytes reserved; text reserves its own.
    static func appendJSON(_ value: Cell, to buffer: inout RawBytes) {
        switch value {
        case .text(let s): buffer.appendJSONString(s)
        case .int(let v): buffer.advance(by: NumberFormatting.write(v, at: buffer.end))
        case .number(let v): buffer.appendJSONNumber(v)
        case .date(let d):
            buffer.append(0x22)
            buffer.advance(by: NumberFormatting.write(d, at: buffer.end))
            buffer.append(0x22)
        case .bool(let b): buffer.append(b ? trueBytes : falseBytes)
        case .empty: buffer.append(nullBytes)
        }
    }

    static let nullBytes = Array("null".utf8)

    func writeTable(to sink: ByteSink, limit: Int) throws {
        let shown = min(rowCount, limit)
        var text: [[String]] = [columns]
        for r in 0..<shown {
            text.append(columns.indices.map { k in
                switch cell(r, k) {
                case .text(let s): return s
                case .int(let v): return String(v)
                case .number(let v): return NumberFormatting.display(v)
                case .date(let d): return d.iso
                case .bool(let b): return b ? "true" : "false"
                case .empty: return ""
                }
            })
        }
        var widths = [Int](repeating: 0, count: columns.count)
        for row in text { for (k, s) in row.enumerated() { widths[k] = max(widths[k], DisplayWidth.of(s)) } }
        var out = ""
        for (i, row) in text.enumerated() {
            var line = ""
            for (k, s) in row.enumerated() {
                if k > 0 { line += "  " }
                let pad = String(repeating: " ", count: widths[k] - DisplayWidth.of(s))
                let numeric: Bool
                switch i == 0 ? Cell.empty : cell(i - 1, k) {
                case .text, .bool: numeric = false
                default: numeric = i > 0
                }
                line += numeric ? pad + s : s + pad
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
            if i == 0 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        if rowCount > shown {
            out += "… \(rowCount - shown) more rows (\(rowCount) in all): use --format csv or json, with --out FILE, for all of them\n"
        }
        try sink.write(Array(out.utf8))
    }
}

/// Output bytes stored through a raw pointer into room reserved beforehand, so that formatting a
/// large table costs a store per byte rather than an array append. Freed by ``deallocate()``.
struct RawBytes {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 256)
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
    }

    func deallocate() { base.deallocate() }

    /// Where the next byte goes.
    var end: UnsafeMutablePointer<UInt8> { base + count }
    /// The bytes so far (valid until the next reserve or append).
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private mutating func grow(to needed: Int) {
        var bigger = capacity * 2
        while bigger < needed { bigger *= 2 }
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        p.update(from: base, count: count)
        base.deallocate()
        base = p
        capacity = bigger
    }

    /// Appends one byte into room already reserved.
    @inline(__always)
    mutating func append(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    /// Counts `n` bytes written at ``end`` into room already reserved.
    @inline(__always)
    mutating func advance(by n: Int) { count += n }

    mutating func removeAll() { count = 0 }

    /// Appends `bytes` into room already reserved.
    @inline(__always)
    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { b in
            if let source = b.baseAddress { end.update(from: source, count: b.count) }
        }
        count += bytes.count
    }

    /// Appends `text` as a JSON string, as ``JSONText/appendString(_:to:)`` does.
    mutating func appendJSONString(_ text: String) {
        var copy = text
        copy.withUTF8 { utf8 in
            reserve(JSONText.maximumBytes(escaping: utf8.count))
            count += JSONText.write(utf8, at: end)
        }
    }

    /// Appends `v` as ``NumberFormatting`` writes it, or `null` when it is not finite, into room
    /// already reserved (``NumberFormatting/maximumBytes``).
    @inline(__always)
    mutating func appendJSONNumber(_ v: Double) {
        if v.isFinite { advance(by: NumberFormatting.write(v, at: end)) } else { append(OutputTable.nullBytes) }
    }

    /// Appends `text` as one CSV field as ``CSVFormatting/appendField(_:to:)`` does: quoted,
    /// quotes doubled, when it holds a comma, quote or line break.
    mutating func appendCSVField(_ text: String) {
        var copy = text
        copy.withUTF8 { utf8 in
            reserve(2 * utf8.count + 2)
            var needsQuotes = false
            for b in utf8 where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D {
                needsQuotes = true
                break
            }
            guard needsQuotes else {
                if let source = utf8.baseAddress { end.update(from: source, count: utf8.count) }
                count += utf8.count
                return
            }
            append(0x22)
            for b in utf8 {
                if b == 0x22 { append(0x22) }
                append(b)
            }
            append(0x22)
        }
    }
}

/// Writes buffers to a sink in the order of their turn numbers 0, 1, 2, ..., whichever thread
/// brings them: a thread waits until the turns before its own are written. After a failed write
/// the later turns are skipped and the error kept.
final class OrderedWrites: @unchecked Sendable {
    private let sink: ByteSink
    private let condition = NSCondition()
    private var next = 0
    private var firstError: (any Error)?

    init(sink: ByteSink) { self.sink = sink }

    /// Whether a write failed (formatting more is then useless).
    var failed: Bool {
        condition.lock()
        defer { condition.unlock() }
        return firstError != nil
    }

    /// The first error a write threw.
    var error: (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        return firstError
    }

    /// Writes `bytes` as turn `turn` once every earlier turn is written.
    func write(_ bytes: UnsafeBufferPointer<UInt8>, turn: Int) {
        condition.lock()
        while next != turn { condition.wait() }
        condition.unlock()
        // Only the thread holding the turn gets here, so the sink is used by one thread at a time.
        if !failed {
            do { try sink.write(bytes) } catch {
                condition.lock()
                firstError = error
                condition.unlock()
            }
        }
        condition.lock()
        next += 1
        condition.broadcast()
        condition.unlock()
    }
}

/// One result per parallel task; each task writes only its own.
final class ParallelBuffersOf<T>: @unchecked Sendable {
    private var buffers: [T?]
    private let lock = NSLock()
    init(count: Int) { buffers = Array(repeating: nil, count: count) }
    func set(_ k: Int, _ buffer: T) { lock.lock(); buffers[k] = buffer; lock.unlock() }
    func get(_ k: Int) -> T {
        lock.lock()
        defer { lock.unlock() }
        guard let value = buffers[k] else { preconditionFailure("parallel task \(k) produced no result") }
        return value
    }
}

typealias ParallelBuffers = ParallelBuffersOf<[UInt8]>

/// Terminal columns a string takes: East Asian wide characters take two.
enum DisplayWidth {
    static func of(_ s: String) -> Int {
        var width = 0
        for scalar in s.unicodeScalars {
            let v = scalar.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v)
            width += wide ? 2 : 1
        }
        return width
    }
}

/// Where output bytes go: standard output or a file.
final class ByteSink {
    private let handle: FileHandle
    private let ownsHandle: Bool

    /// Standard output, or the file at `path` (created or truncated).
    init(path: String?) throws {
        if let path {
            let url = URL(fileURLWithPath: path)
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
                throw CLIError("cannot write \(path)")
            }
            handle = h
            ownsHandle = true
        } else {
            handle = FileHandle.standardOutput
            ownsHandle = false
        }
    }

    func write(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        try handle.write(contentsOf: bytes)
    }

    func write(_ text: String) throws { try write(Array(text.utf8)) }

    /// Writes `bytes` (not copied).
    func write(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none))
    }

    func close() throws { if ownsHandle { try handle.close() } }
}

/// JSON text escaping.
enum JSONText {
    static func appendString(_ s: String, to buffer: inout [UInt8]) {
        var copy = s
        copy.withUTF8 { utf8 in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximumBytes(escaping: utf8.count)) { scratch in
                guard let base = scratch.baseAddress else { return }
                buffer.append(contentsOf: UnsafeBufferPointer(start: base, count: write(utf8, at: base)))
            }
        }
    }

    /// The most bytes ``write(_:at:)`` stores for `count` bytes of text (each may become `\u00XX`).
    static func maximumBytes(escaping count: Int) -> Int { 6 * count + 2 }

    /// Writes `utf8` as a quoted JSON string at `p`: quote, backslash, line feed, carriage return
    /// and tab escaped with a backslash, other control bytes as `\u00XX`. Returns the count of bytes.
    static func write(_ utf8: UnsafeBufferPointer<UInt8>, at p: UnsafeMutablePointer<UInt8>) -> Int {
        var i = 0
        @inline(__always) func put(_ b: UInt8) { p[i] = b; i += 1 }
        put(0x22)
        for b in utf8 {
            switch b {
            case 0x22: put(0x5C); put(0x22)
            case 0x5C: put(0x5C); put(0x5C)
            case 0x0A: put(0x5C); put(0x6E)
            case 0x0D: put(0x5C); put(0x72)
            case 0x09: put(0x5C); put(0x74)
            case 0..<0x20:
                put(0x5C); put(0x75); put(0x30); put(0x30)
                put(hexDigits[Int(b >> 4)]); put(hexDigits[Int(b & 15)])
            default: put(b)
            }
        }
        put(0x22)
        return i
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

/// Fast number formatting for large outputs. Each value is written by one function on raw
/// memory (``write(_:at:)-(Int,_)``); the array versions copy its bytes, so CSV and JSON print
/// numbers the same way.
enum NumberFormatting {
    /// The most bytes one `write` stores (an integer, a number, or a date).
    static let maximumBytes = 32

    /// Writes the decimal digits of `v` at `p` (room for ``maximumBytes``); returns their count.
    @inline(__always)
    static func write(_ v: Int, at p: UnsafeMutablePointer<UInt8>) -> Int {
        if v == Int.min {
            var text = String(v)
            return text.withUTF8 { utf8 in
                if let base = utf8.baseAddress { p.update(from: base, count: utf8.count) }
                return utf8.count
            }
        }
        var x = v
        var out = p
        if v < 0 {
            p[0] = 0x2D
            out = p + 1
            x = -v
        }
        var n = 1
        var probe = x
        while probe >= 10 { probe /= 10; n += 1 }
        var k = n
        while k > 0 {
            k -= 1
            out[k] = UInt8(truncatingIfNeeded: 48 + x % 10)
            x /= 10
        }
        return v < 0 ? n + 1 : n
    }

    /// Numbers to 10 significant digits, trailing zeros dropped: `326.67` rather than the
    /// `326.66999999999996` a sum of cents leaves, yet far finer than any analysis needs.
    /// Whole numbers print without a decimal point. Writes at `p` (room for ``maximumBytes``);
    /// returns the count of bytes.
    @inline(__always)
    static func write(_ v: Double, at p: UnsafeMutablePointer<UInt8>) -> Int {
        let magnitude = abs(v)
        // Whole: truncation (one instruction) instead of a call to round().
        if magnitude < 1e15, Double(Int(v)) == v { return write(Int(v), at: p) }
        guard v.isFinite, magnitude >= 1e-4, magnitude < 1e15 else { return writeText(v.description, at: p) }
        var integerDigits = 1
        var bound = 10.0
        while magnitude >= bound { integerDigits += 1; bound *= 10 }
        let decimals = max(0, 10 - integerDigits)
        let scale = decimalScales[decimals]
        let scaled = roundedHalfAway(magnitude * scale)
        if scaled >= 9.007_199_254_740_992e15 { return writeText(v.description, at: p) }
        var i = 0
        if v < 0 { p[0] = 0x2D; i = 1 }
        let units = Int(scaled)
        let whole = units / Int(scale)
        var fraction = units % Int(scale)
        i += write(whole, at: p + i)
        guard fraction > 0 else { return i }
        var width = decimals
        while fraction % 10 == 0 { fraction /= 10; width -= 1 }
        p[i] = 0x2E
        i += 1
        var digits = 1
        var probe = fraction
        while probe >= 10 { probe /= 10; digits += 1 }
        for _ in 0..<(width - digits) { p[i] = 0x30; i += 1 }
        i += write(fraction, at: p + i)
        return i
    }

    /// `x.rounded()` (half away from zero) for finite `x >= 0`, without a call to round():
    /// below 2^53, `x - trunc(x)` is exact (Sterbenz), so comparing it with 0.5 decides; from
    /// 2^53 on every double is whole.
    @inline(__always)
    static func roundedHalfAway(_ x: Double) -> Double {
        guard x < 9.007_199_254_740_992e15 else { return x }
        let whole = Double(Int(x))
        return x - whole >= 0.5 ? whole + 1 : whole
    }

    private static func writeText(_ text: String, at p: UnsafeMutablePointer<UInt8>) -> Int {
        var copy = text
        return copy.withUTF8 { utf8 in
            let n = min(utf8.count, maximumBytes)
            if let base = utf8.baseAddress { p.update(from: base, count: n) }
            return n
        }
    }

    /// Writes `d` as yyyy-MM-dd at `p`; returns 10.
    @inline(__always)
    static func write(_ d: CalendarDay, at p: UnsafeMutablePointer<UInt8>) -> Int {
        let (y, m, day) = d.components
        p[0] = UInt8(truncatingIfNeeded: 48 + y / 1000 % 10)
        p[1] = UInt8(truncatingIfNeeded: 48 + y / 100 % 10)
        p[2] = UInt8(truncatingIfNeeded: 48 + y / 10 % 10)
        p[3] = UInt8(truncatingIfNeeded: 48 + y % 10)
        p[4] = 45
        p[5] = UInt8(truncatingIfNeeded: 48 + m / 10)
        p[6] = UInt8(truncatingIfNeeded: 48 + m % 10)
        p[7] = 45
        p[8] = UInt8(truncatingIfNeeded: 48 + day / 10)
        p[9] = UInt8(truncatingIfNeeded: 48 + day % 10)
        return 10
    }

    static func append(_ v: Int, to buffer: inout [UInt8]) {
        appendWritten(to: &buffer) { write(v, at: $0) }
    }

    static func append(_ v: Double, to buffer: inout [UInt8]) {
        appendWritten(to: &buffer) { write(v, at: $0) }
    }

    static func append(_ d: CalendarDay, to buffer: inout [UInt8]) {
        appendWritten(to: &buffer) { write(d, at: $0) }
    }

    @inline(__always)
    private static func appendWritten(to buffer: inout [UInt8], _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximumBytes) { scratch in
            guard let base = scratch.baseAddress else { return }
            let n = body(base)
            buffer.append(contentsOf: UnsafeBufferPointer(start: base, count: n))
        }
    }

    private static let decimalScales: [Double] = (0...10).map { k in
        var v = 1.0
        for _ in 0..<k { v *= 10 }
        return v
    }

    /// A readable rendering for tables: at most 4 decimals.
    static func display(_ v: Double) -> String {
        guard v.isFinite else { return "" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
        var s = String(format: "%.4f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}

/// An error the command line reports as one message, without a stack trace.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

/// Messages for the user, on standard error.
enum Console {
    static func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
