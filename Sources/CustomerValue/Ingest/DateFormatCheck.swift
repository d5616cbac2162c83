import Foundation

/// A date format the user gave that reads none of a file's dates: every row would be set aside,
/// leaving an empty result that looks like a run on an empty file.
public struct UnreadableDatesError: Error, CustomStringConvertible, Sendable {
    /// The file read.
    public var file: String
    /// The header name of the date column of ``value``.
    public var column: String
    /// The line of ``value``.
    public var line: Int
    /// The date format given.
    public var format: String
    /// The first non-empty date as written (trimmed of spaces).
    public var value: String
    /// The format that reads ``value`` without being told (``DateParser/pattern(reading:samples:)``);
    /// nil when the dates are in no form the automatic reading knows.
    public var detectedFormat: String?
    /// Where the format was given, for the remedy: nil for `--date-format`, else a setting such as
    /// "cva.yaml's surveys.date_format".
    public var setting: String?

    public var description: String {
        let given = setting.map { "\($0) \(format)" } ?? "--date-format \(format)"
        var text = "\(file): not one date in column \(column) could be read with \(given) (the first, on line \(line), is \"\(value)\")"
        if let detectedFormat {
            let remedy = setting.map { "remove \($0) or set it to \(detectedFormat)" }
                ?? "drop --date-format or pass --date-format \(detectedFormat)"
            text += "; \(value) reads as \(detectedFormat == DateParser.excelFormat ? "an Excel serial date (excel)" : detectedFormat): \(remedy)"
        } else {
            text += ", nor in any form read without a format: check \(setting ?? "--date-format") against the dates as written, and the date column"
        }
        return text
    }
}

/// The check, shared by every reader of a date column, that a date format given by the user
/// reads at least one of the file's dates. When some dates are read and others not, the others
/// are set aside row by row as usual; when none is, the format (or the column) is wrong, and
/// the read stops with ``UnreadableDatesError``.
enum DateFormatCheck {
    /// At most this many unread dates are kept to infer the format they are in.
    static let sampleLimit = 5000

    /// Reads the date columns of `path` again and returns at the first non-empty cell that
    /// `parser` reads (at once when the format is right for the first rows, as it is whenever
    /// a read set aside only a few rows).
    /// - Parameters:
    ///   - columns: the date columns (0-based index, header name); rows with another number of
    ///     fields than `fieldCount`, blank or malformed rows are skipped, as the readers skip them.
    ///   - format: the format given, `setting` where it was given (nil: `--date-format`).
    /// - Throws: ``UnreadableDatesError`` when some cell holds text and no cell is read.
    /// - Complexity: O(rows) when no date is read, else up to the first date read.
    static func requireSomeDateRead(
        path: String, delimiter: UInt8, encoding: TextEncoding, fieldCount: Int,
        columns: [(index: Int, name: String)], format: String, setting: String?, parser: DateParser
    ) throws {
        let reader = try CSVReader(path: path, delimiter: delimiter, encoding: encoding)
        guard try reader.nextHeader() else { return }
        var first: (line: Int, column: String, value: String)?
        var samples: [String] = []
        while try reader.next() {
            guard !reader.isBlankLine, reader.malformation == nil, reader.fieldCount == fieldCount else { continue }
            for column in columns {
                // true: read; false: text that is not a date; nil: empty.
                let read: Bool? = reader.withField(column.index) { raw in
                    let cell = TransactionLoader.trimmed(raw)
                    return cell.isEmpty ? nil : parser.parse(cell) != nil
                }
                guard let read else { continue }
                if read { return }
                let value = reader.string(column.index).trimmingCharacters(in: .whitespaces)
                if first == nil { first = (reader.line, column.name, value) }
                if samples.count < sampleLimit { samples.append(value) }
            }
        }
        guard let first else { return }
        throw UnreadableDatesError(
            file: path, column: first.column, line: first.line, format: format, value: first.value,
            detectedFormat: DateParser.pattern(reading: first.value, samples: samples), setting: setting)
    }
}
