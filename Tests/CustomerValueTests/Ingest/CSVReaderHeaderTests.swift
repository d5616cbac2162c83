import Foundation
import Testing
@testable import CustomerValue

/// ``CSVReader/nextHeader()`` and ``CSVReader/readHeader(expecting:)``: the header is the first
/// record holding more than spaces; a file without one says so.
struct CSVReaderHeaderTests {
    /// Blank lines (empty, spaces, tabs, CRLF) before the header are skipped: the header of
    /// "\n  \r\n\tx,y\n1,2\n" is on line 3 (lines counted by hand), and the next record is line 4.
    @Test func blankLinesBeforeTheHeaderAreSkipped() throws {
        try CSVReaderTests.withFile(Array("\n  \r\nx,y\n1,2\n".utf8)) { path in
            let reader = try CSVReader(path: path)
            #expect(try reader.nextHeader())
            #expect(reader.line == 3 && reader.fields == ["x", "y"])
            #expect(try reader.next())
            #expect(reader.line == 4 && reader.fields == ["1", "2"])
        }
    }

    /// An empty file and a file of blank lines (empty, spaces, a tab, CRLF) have no header row.
    @Test(arguments: [("", "the file is empty"), ("\n\n\n", "blank lines"), ("  \n\t\r\n\n", "blank lines")])
    func aFileWithoutAHeaderRowSaysSo(text: String, content: String) throws {
        try CSVReaderTests.withFile(Array(text.utf8)) { path in
            #expect(try CSVReader(path: path).nextHeader() == false)
            let error = try #require(throws: InputError.self) { try CSVReader(path: path).readHeader(expecting: "a and b") }
            #expect(error.file == path)
            #expect(error.message.hasPrefix("has no header row (") && error.message.contains(content), "\(error)")
            #expect(error.message.hasSuffix("expected a header row naming a and b"), "\(error)")
        }
    }
}
