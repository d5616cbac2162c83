import CustomerValue
import Foundation
import Testing
@testable import cva

/// ``ChurnMatrixFile`` reads each cell from its bytes; every value, split and label must be the
/// one the general path (``AmountParser``, Foundation's trimming) gives, and so every message.
struct ChurnMatrixFileTests {
    static func bits(_ value: Double?) -> UInt64? { value?.bitPattern }

    static func number(_ text: String) -> Double? {
        var copy = text
        return copy.withUTF8 { ChurnMatrixFile.number($0) }
    }

    /// Short and long decimals, exponents, signs, and the forms only AmountParser's general path
    /// reads (or refuses): the same value, bit for bit, or nil for both.
    @Test(arguments: [
        "0", "1", "-1", "365", "0.5", ".5", "5.", "-0", "-0.0", "136.70999999999998", "34.177499999999995",
        "0.30000000000000004", "105.59500000000001", "-84.66666666666667", "1e-05", "1.5E+3", "-2.5e-7", "1e400", "1e-400",
        "12345678901234567890", "0.0000000000000000000001", "1234567890123456.", "00000000000000000001",
        " 7 ", "\t7", "1,234.50", "1.234,50", "(12.00)", "¥12", "12元", "1e", "e5", "-", ".", "", "nan", "inf", "0x10", "1e5x", "--1",
    ])
    func aCellHasTheValueAmountParserGives(cell: String) {
        #expect(Self.bits(Self.number(cell)) == Self.bits(AmountParser.parse(cell)), "\(cell)")
    }

    /// 20,000 doubles of every magnitude written as Swift writes them (shortest round trip, with
    /// an exponent when small or large, 17 digits for many): each reads back as itself, and as
    /// AmountParser reads it.
    @Test func writtenDoublesReadBackExactly() {
        var generator = SystemRandomNumberGenerator()
        for k in 0..<20_000 {
            let magnitude = Double.random(in: -12...12, using: &generator)
            let value = (k % 2 == 0 ? 1 : -1) * Double.random(in: 1..<10, using: &generator) * pow(10, magnitude.rounded())
            let text = "\(value)"
            #expect(Self.number(text) == value, "\(text)")
            #expect(Self.bits(Self.number(text)) == Self.bits(AmountParser.parse(text)), "\(text)")
        }
    }

    /// The split and label cells the byte checks take, and those they leave to the general path
    /// (nil): only exact ASCII words and 0/1 forms, blanks and tabs around.
    @Test func splitAndLabelCellsFromBytes() {
        func split(_ text: String) -> Int? { var c = text; return c.withUTF8 { ChurnMatrixFile.splitIndexOf($0) } }
        func label(_ text: String) -> UInt8? { var c = text; return c.withUTF8 { ChurnMatrixFile.labelOf($0) } }
        #expect(split("train") == 0 && split(" Validation\t") == 1 && split("TEST") == 2)
        #expect(split("trains") == nil && split("tes") == nil && split("train\u{00A0}") == nil && split("") == nil)
        #expect(label("0") == 0 && label("1") == 1 && label(" 1.0 ") == 1 && label("0.0") == 0)
        #expect(label("2") == nil && label("1.00") == nil && label("yes") == nil && label("1.5") == nil && label("") == nil)
    }

    /// Cells the byte checks leave to the general path are read as before: a split with a
    /// no-break space (Foundation's whitespace), a label "1.0" with spaces, an amount with a
    /// currency sign; and a bad split is refused with the same message.
    @Test func theGeneralPathStillReadsWhatItRead() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("m.csv").path
        try "customer_id,x,label,split\na,¥12,0,Train\u{00A0}\nb,1.5e3, 1.0 ,TEST\nc,-0.30000000000000004,1,test\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let parts = try ChurnMatrixFile.read(path: path)
        let train = try #require(parts["train"])
        let test = try #require(parts["test"])
        #expect(parts.count == 2)
        #expect(train.customerIDs == ["a"] && train.values == [12] && train.labels == [0])
        #expect(test.customerIDs == ["b", "c"] && test.values == [1500, -0.30000000000000004] && test.labels == [1, 1])
        try "customer_id,x,label,split\na,1,0,holdout\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: CLIError.self) { try ChurnMatrixFile.read(path: path) }
        do {
            _ = try ChurnMatrixFile.read(path: path)
        } catch {
            #expect("\(error)" == "\(path): line 2, column split: expected train, validation or test, got \"holdout\"")
        }
    }
}
