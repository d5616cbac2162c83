import Foundation
@testable import CustomerValue

/// A small RFC 4180 reader for checking the generator's output in tests: fields separated by
/// commas, records by `\n`, quoted fields may hold commas, newlines and doubled quotes.
enum SyntheticCSV {
    /// Parses `text` into records of fields, the header included.
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var afterQuote = false
        let bytes = Array(text.utf8)
        var index = 0
        func endField() {
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll()
            afterQuote = false
        }
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == 34 {
                    if index + 1 < bytes.count && bytes[index + 1] == 34 {
                        field.append(34)
                        index += 1
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    field.append(byte)
                }
            } else if byte == 34 && field.isEmpty && !afterQuote {
                quoted = true
            } else if byte == 44 {
                endField()
            } else if byte == 10 {
                endField()
                records.append(record)
                record.removeAll()
            } else {
                field.append(byte)
            }
            index += 1
        }
        if !field.isEmpty || !record.isEmpty {
            endField()
            records.append(record)
        }
        return records
    }

    /// Reads `name` in `directory` and returns its header and its data rows as dictionaries.
    static func read(_ name: String, in directory: URL) throws -> (header: [String], rows: [[String: String]]) {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        let records = parse(text)
        guard let header = records.first else { return ([], []) }
        let rows = records.dropFirst().map { fields in
            Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
        return (header, Array(rows))
    }
}

/// A fresh temporary folder, removed when the value goes away.
final class SyntheticScratchFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("cva-synthetic-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
