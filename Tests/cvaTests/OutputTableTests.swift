import Foundation
import Testing
import CustomerValue
@testable import cva

/// CSV and JSON of `OutputTable`: the bytes do not depend on how rows are cut into blocks for
/// the two formatting threads.
struct OutputTableTests {
    /// Rows of every cell kind: text needing quotes or escapes, whole and fractional numbers, a
    /// non-finite number, a date, a boolean, an empty cell; column 1 has a ready-made JSON cell.
    static let firstDay = CalendarDay(year: 2024, month: 1, day: 1)!

    static func table(rows: Int) -> OutputTable {
        var table = OutputTable(columns: ["id", "tags", "x", "day", "ok", "none"], rowCount: rows) { r, k in
            switch k {
            case 0: return .text(r % 3 == 0 ? "a,\"\(r)\"\n" : "c\(r)")
            case 1: return .text("t\(r)")
            case 2: return r == 4 ? .number(.nan) : .number(Double(r) / 4)
            case 3: return .date(firstDay.adding(days: r % 28))
            case 4: return .bool(r % 2 == 0)
            default: return .empty
            }
        }
        table.jsonCell = { r, k, buffer in
            guard k == 1, r % 2 == 1 else { return false }
            buffer.reserve(8)
            buffer.append(Array("[\(r % 10)]".utf8))
            return true
        }
        return table
    }

    static func written(_ write: (ByteSink) throws -> Void) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cva-output-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sink = try ByteSink(path: path)
        try write(sink)
        try sink.close()
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test func jsonOfTwoRowsIsAsWrittenByHand() throws {
        let json = try Self.written { try Self.table(rows: 2).writeJSON(to: $0) }
        // Row 0: id escaped (quote, line feed), 0/4 = 0 whole, 2024-01-01, even row → true, tags
        // from `cell`; row 1: ready-made tags [1], 1/4 = 0.25, 2024-01-02, false.
        let expected = """
            [
              {"id":"a,\\"0\\"\\n","tags":"t0","x":0,"day":"2024-01-01","ok":true,"none":null},
              {"id":"c1","tags":[1],"x":0.25,"day":"2024-01-02","ok":false,"none":null}
            ]

            """
        #expect(json == expected)
        #expect(try Self.written { try Self.table(rows: 0).writeJSON(to: $0) } == "[]\n")
    }

    @Test(arguments: [1, 2, 3, 7, 1000])
    func jsonIsTheSameWhateverTheBlocks(rowsPerBlock: Int) throws {
        let rows = 23
        let oneBlock = try Self.written { try Self.table(rows: rows).writeJSON(to: $0, rowsPerBlock: rows) }
        let blocks = try Self.written { try Self.table(rows: rows).writeJSON(to: $0, rowsPerBlock: rowsPerBlock) }
        #expect(blocks == oneBlock)
        // Row 4's number is NaN: JSON null, so the text parses.
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(blocks.utf8)) as? [[String: Any]])
        #expect(parsed.count == rows)
        #expect(parsed[4]["x"] is NSNull)
        #expect(parsed[22]["x"] as? Double == 5.5)   // 22 / 4
    }

    @Test(arguments: [1, 3, 1000])
    func csvIsTheSameWhateverTheBlocks(rowsPerBlock: Int) throws {
        let rows = 23
        let oneBlock = try Self.written { try Self.table(rows: rows).writeCSV(to: $0, rowsPerBlock: rows) }
        let blocks = try Self.written { try Self.table(rows: rows).writeCSV(to: $0, rowsPerBlock: rowsPerBlock) }
        #expect(blocks == oneBlock)
        // Header, then row 0 with its id quoted (comma, quote, line break) and quotes doubled.
        #expect(oneBlock.hasPrefix("id,tags,x,day,ok,none\n\"a,\"\"0\"\"\n\",t0,0,2024-01-01,true,\n"))
    }
}
