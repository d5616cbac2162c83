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
    case empty
}

/// A table of results, formatted as an aligned table, CSV or JSON.
struct OutputTable {
    var columns: [String]
    var rowCount: Int
    var cell: @Sendable (_ row: Int, _ column: Int) -> Cell
    /// For JSON only: a cell's value as ready-made JSON (an array or object where CSV and the
    /// table show joined text); nil keeps `cell`'s value.
    var jsonCell: (@Sendable (_ row: Int, _ column: Int, _ buffer: inout [UInt8]) -> Bool)? = nil

    /// Writes the table in `format` to `sink`. An aligned table shows the first `tableLimit` rows.
    func write(_ format: OutputFormat, to sink: ByteSink, tableLimit: Int = 50) throws {
        switch format {
        case .csv: try writeCSV(to: sink)
        case .json: try writeJSON(to: sink)
        case .table: try writeTable(to: sink, limit: tableLimit)
        }
    }

    func writeCSV(to sink: ByteSink) throws {
        var header: [UInt8] = []
        for (k, name) in columns.enumerated() {
            if k > 0 { header.append(0x2C) }
            CSVFormatting.appendField(name, to: &header)
        }
        header.append(0x0A)
        try sink.write(header)
        // Blocks of rows formatted on two threads, written in order.
        let block = 32_768
        let width = columns.count
        let cell = self.cell
        var start = 0
        while start < rowCount {
            let ranges = (0..<2).map { k in min(rowCount, start + k * block)..<min(rowCount, start + (k + 1) * block) }
            let buffers = ParallelBuffers(count: 2)
            DispatchQueue.concurrentPerform(iterations: 2) { k in
                var buffer: [UInt8] = []
                buffer.reserveCapacity(ranges[k].count * 16 * width)
                for r in ranges[k] {
                    for c in 0..<width {
                        if c > 0 { buffer.append(0x2C) }
                        switch cell(r, c) {
                        case .text(let s): CSVFormatting.appendField(s, to: &buffer)
                        case .int(let v): NumberFormatting.append(v, to: &buffer)
                        case .number(let v): NumberFormatting.append(v, to: &buffer)
                        case .date(let d): NumberFormatting.append(d, to: &buffer)
                        case .empty: break
                        }
                    }
                    buffer.append(0x0A)
                }
                buffers.set(k, buffer)
            }
            for k in 0..<2 { try sink.write(buffers.get(k)) }
            start += 2 * block
        }
    }

    func writeJSON(to sink: ByteSink) throws {
        var buffer: [UInt8] = []
        buffer.append(0x5B)
        let keys = columns.map { name -> [UInt8] in
            var k: [UInt8] = []
            JSONText.appendString(name, to: &k)
            k.append(0x3A)
            return k
        }
        for r in 0..<rowCount {
            buffer.append(contentsOf: r == 0 ? Array("\n  {".utf8) : Array(",\n  {".utf8))
            for k in columns.indices {
                if k > 0 { buffer.append(0x2C) }
                buffer.append(contentsOf: keys[k])
                if let jsonCell, jsonCell(r, k, &buffer) { continue }
                appendJSON(cell(r, k), to: &buffer)
            }
            buffer.append(0x7D)
            if buffer.count > 1 << 20 {
                try sink.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        buffer.append(contentsOf: Array((rowCount > 0 ? "\n]\n" : "]\n").utf8))
        try sink.write(buffer)
    }

    func appendJSON(_ value: Cell, to buffer: inout [UInt8]) {
        switch value {
        case .text(let s): JSONText.appendString(s, to: &buffer)
        case .int(let v): NumberFormatting.append(v, to: &buffer)
        case .number(let v):
            if v.isFinite { NumberFormatting.append(v, to: &buffer) } else { buffer.append(contentsOf: Array("null".utf8)) }
        case .date(let d):
            buffer.append(0x22)
            NumberFormatting.append(d, to: &buffer)
            buffer.append(0x22)
        case .empty: buffer.append(contentsOf: Array("null".utf8))
        }
    }

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
                if i == 0 { numeric = false } else if case .text = cell(i - 1, k) { numeric = false } else { numeric = true }
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

    func close() throws { if ownsHandle { try handle.close() } }
}

/// JSON text escaping.
enum JSONText {
    static func appendString(_ s: String, to buffer: inout [UInt8]) {
        buffer.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: buffer.append(contentsOf: [0x5C, 0x22])
            case 0x5C: buffer.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: buffer.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: buffer.append(contentsOf: [0x5C, 0x72])
            case 0x09: buffer.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                buffer.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: buffer.append(b)
            }
        }
        buffer.append(0x22)
    }
}

/// Fast number formatting for large outputs.
enum NumberFormatting {
    static func append(_ v: Int, to buffer: inout [UInt8]) {
        if v < 0 {
            buffer.append(0x2D)
            if v == Int.min { buffer.append(contentsOf: Array(String(v).dropFirst().utf8)); return }
            append(-v, to: &buffer)
            return
        }
        if v < 10 { buffer.append(UInt8(48 + v)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &digits) { d in
            while x > 0 {
                d[n] = UInt8(48 + x % 10)
                x /= 10
                n += 1
            }
            for k in stride(from: n - 1, through: 0, by: -1) { buffer.append(d[k]) }
        }
    }

    /// Numbers to 10 significant digits, trailing zeros dropped: `326.67` rather than the
    /// `326.66999999999996` a sum of cents leaves, yet far finer than any analysis needs.
    /// Whole numbers print without a decimal point.
    static func append(_ v: Double, to buffer: inout [UInt8]) {
        if v == v.rounded(), abs(v) < 1e15 {
            append(Int(v), to: &buffer)
            return
        }
        let magnitude = abs(v)
        guard v.isFinite, magnitude >= 1e-4, magnitude < 1e15 else {
            buffer.append(contentsOf: v.description.utf8)
            return
        }
        var integerDigits = 1
        var bound = 10.0
        while magnitude >= bound { integerDigits += 1; bound *= 10 }
        let decimals = max(0, 10 - integerDigits)
        let scale = decimalScales[decimals]
        let scaled = (magnitude * scale).rounded()
        if scaled >= 9.007_199_254_740_992e15 {
            buffer.append(contentsOf: v.description.utf8)
            return
        }
        if v < 0 { buffer.append(0x2D) }
        let units = Int(scaled)
        let whole = units / Int(scale)
        var fraction = units % Int(scale)
        append(whole, to: &buffer)
        guard fraction > 0 else { return }
        var width = decimals
        while fraction % 10 == 0 { fraction /= 10; width -= 1 }
        buffer.append(0x2E)
        var digits = 1
        var probe = fraction
        while probe >= 10 { probe /= 10; digits += 1 }
        for _ in 0..<(width - digits) { buffer.append(0x30) }
        append(fraction, to: &buffer)
    }

    private static let decimalScales: [Double] = (0...10).map { k in
        var v = 1.0
        for _ in 0..<k { v *= 10 }
        return v
    }

    static func append(_ d: CalendarDay, to buffer: inout [UInt8]) {
        let at = buffer.count
        buffer.append(contentsOf: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        d.writeISO(into: &buffer, at: at)
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
