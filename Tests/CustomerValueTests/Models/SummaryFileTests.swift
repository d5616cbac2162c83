import Foundation
import Testing
@testable import CustomerValue

/// ``SummaryFile`` sets aside a row whose id holds a control character other than tab, as the
/// transactions loader does (``TransactionLoader/controlCharacter(in:)``).
struct SummaryFileTests {
    @Test func anIdHoldingAControlCharacterIsSetAsideWithItsLineAndColumn() throws {
        // Lines 3 (NUL) and 5 (ESC) are set aside; "C\tD" on line 6 holds a tab, which an id may.
        let text = "Customer ID,frequency,recency,T\nA,2,10,20\nB\u{0},1,5,20\nC,0,0,20\nE\u{1B},3,15,20\n\"C\tD\",1,4,20\n"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("summary-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let quarantine = QuarantineMemory()
        let file = try SummaryFile(path: url.path, quarantine: quarantine)
        #expect(file.customerIDs == ["A", "C", "C\tD"])
        #expect(file.frequency == [2, 0, 1])
        #expect(file.lines == [2, 4, 6])
        #expect(file.rowsRead == 5)
        #expect(file.rejected == ["invalid_customer_id": 2])
        #expect(quarantine.rows.map(\.line) == [3, 5])
        #expect(quarantine.rows.allSatisfy { $0.column == "Customer ID" && $0.file == url.path })
        #expect(quarantine.rows.first?.reason == "customer id holds the control character U+0000: not an id (a binary or damaged file?)")
        #expect(file.examples == quarantine.rows)
    }
}
