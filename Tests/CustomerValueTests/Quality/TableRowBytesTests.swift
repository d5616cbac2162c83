import Foundation
import Testing
@testable import CustomerValue

struct TableRowBytesTests {
    @Test func withTextGivesTheTrimmedBytesAndNilForEmptyCells() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("surveys-\(UUID().uuidString).csv").path
        try "customer_id,date,nps,comment,Remark\nA,2024-01-02,3,  物流太慢 ,x\nB,2024-01-03,9,,\"quoted, \"\"text\"\"\"\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var comments: [String?] = [], remarks: [String?] = [], lines: [Int] = []
        _ = try TableProfiler.profile(path: path, schema: .surveys) { row in
            comments.append(row.withText("comment") { String(decoding: $0, as: UTF8.self) })
            let remark = row.columnIndex(header: "remark")
            remarks.append(remark.flatMap { row.withField($0) { String(decoding: $0, as: UTF8.self) } })
            lines.append(row.line)
        }
        // Spaces around 物流太慢 are trimmed; B's empty comment is nil; the quoted cell is unescaped.
        #expect(comments == ["物流太慢", nil])
        #expect(remarks == ["x", "quoted, \"text\""])
        #expect(lines == [2, 3])
    }
}
