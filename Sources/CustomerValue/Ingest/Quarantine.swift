import Foundation

/// One row that could not be used, with where it was and why.
public struct RejectedRow: Sendable, Codable, Hashable {
    /// The file it came from.
    public var file: String
    /// Its line number (1-based; the header is line 1).
    public var line: Int
    /// The column concerned, when one is.
    public var column: String?
    /// Why it was set aside.
    public var reason: String
    /// The row as it stood in the file.
    public var raw: String

    public init(file: String, line: Int, column: String?, reason: String, raw: String) {
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
        self.raw = raw
    }
}

/// Receives rows that were set aside. The report keeps counts; a sink keeps every row.
public protocol QuarantineSink: AnyObject {
    /// Records one row set aside.
    func record(_ row: RejectedRow) throws
}

/// Writes set-aside rows to a CSV file: `file,line,column,reason,raw`.
public final class QuarantineFile: QuarantineSink {
    /// Where the rows go.
    public let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    /// Rows written so far.
    public private(set) var count = 0

    /// Creates (or truncates) the quarantine file at `path`.
    /// - Throws: ``InputError`` when the file cannot be created.
    public init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw InputError(file: path, message: "cannot create the quarantine file")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw InputError(file: path, message: "cannot open the quarantine file for writing")
        }
        self.handle = handle
        buffer.append(contentsOf: Array("file,line,column,reason,raw\n".utf8))
    }

    public func record(_ row: RejectedRow) throws {
        CSVFormatting.appendField(row.file, to: &buffer)
        buffer.append(0x2C)
        buffer.append(contentsOf: Array(String(row.line).utf8))
        buffer.append(0x2C)
        CSVFormatting.appendField(row.column ?? "", to: &buffer)
        buffer.append(0x2C)
        CSVFormatting.appendField(row.reason, to: &buffer)
        buffer.append(0x2C)
        CSVFormatting.appendField(row.raw, to: &buffer)
        buffer.append(0x0A)
        count += 1
        if buffer.count > 1 << 20 { try flush() }
    }

    /// Writes buffered rows to disk.
    public func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file.
    public func close() throws {
        try flush()
        try handle.close()
    }
}

/// Keeps set-aside rows in memory (for tests and small files).
public final class QuarantineMemory: QuarantineSink {
    /// The rows recorded.
    public private(set) var rows: [RejectedRow] = []
    public init() {}
    public func record(_ row: RejectedRow) throws { rows.append(row) }
}

/// RFC 4180 quoting for CSV output.
public enum CSVFormatting {
    /// Appends `text` as one CSV field, quoted when it holds a comma, quote or line break.
    public static func appendField(_ text: String, to buffer: inout [UInt8]) {
        var needsQuotes = false
        for b in text.utf8 where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D {
            needsQuotes = true
            break
        }
        guard needsQuotes else {
            buffer.append(contentsOf: text.utf8)
            return
        }
        buffer.append(0x22)
        for b in text.utf8 {
            if b == 0x22 { buffer.append(0x22) }
            buffer.append(b)
        }
        buffer.append(0x22)
    }

    /// `text` as one CSV field.
    public static func field(_ text: String) -> String {
        var bytes: [UInt8] = []
        appendField(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
