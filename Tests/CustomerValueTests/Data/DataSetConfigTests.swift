import Foundation
import Testing
@testable import CustomerValue

/// `cva.yaml`: parsing, errors with their line, and its effect on a data set folder.
struct DataSetConfigTests {
    @Test func readsFilesAndSettings() throws {
        let config = try DataSetConfig(yaml: """
            transactions:
              file: 订单导出.csv
              encoding: gb18030
              delimiter: ";"
              date_format: dd/MM/yyyy
              columns: {customer_id: 会员编号, date: 支付时间, amount: 实付}
            surveys:
              columns:
                nps: 推荐打分
            settings:
              unit: week
              window_days: 180
              weights: [0.2, 0.5, 0.3]
            """)
        let t = try #require(config.files["transactions"])
        #expect(t.file == "订单导出.csv" && t.encoding == "gb18030" && t.delimiter == ";" && t.dateFormat == "dd/MM/yyyy")
        #expect(t.columns == ["customer_id": "会员编号", "date": "支付时间", "amount": "实付"])
        #expect(config.files["surveys"]?.columns == ["nps": "推荐打分"])
        #expect(config.text("unit") == "week")
        #expect(try config.integer("window_days") == 180)
        #expect(config.text("weights") == "0.2,0.5,0.3")   // a list is read as comma-separated text
        #expect(config.text("bins") == nil)
    }

    @Test(arguments: [
        ("transactoins:\n  file: a.csv\n", "line 1: unknown key \"transactoins\""),
        ("settings:\n  unit: week\n  windowdays: 3\n", "line 3: unknown setting \"windowdays\""),
        ("surveys:\n  columns: {nps: x}\n  sheet: 2\n", "line 3: unknown key \"sheet\" under surveys"),
        ("transactions: [a, b]\n", "line 1: transactions: must be a mapping"),
        ("settings:\n  unit: [week\n", "not valid YAML"),
    ])
    func mistakesAreErrorsWithTheirLine(yaml: String, message: String) {
        do {
            _ = try DataSetConfig(yaml: yaml, source: "cva.yaml")
            Issue.record("expected an error for \(yaml)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
            #expect("\(error)".hasPrefix("cva.yaml: "))
        }
    }

    @Test func settingOfTheWrongTypeNamesItsLine() throws {
        let config = try DataSetConfig(yaml: "settings:\n  window_days: a year\n", source: "cva.yaml")
        #expect(throws: InputError.self) { try config.integer("window_days") }
        do { _ = try config.integer("window_days") } catch { #expect("\(error)" == "cva.yaml: line 2: window_days: \"a year\" is not a number") }
    }

    @Test func dataSetUsesTheNamedFilesAndColumns() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "buyer;when;paid\nA;05/01/2024;10\n".write(to: folder.appendingPathComponent("export.csv"), atomically: true, encoding: .utf8)
        // A surveys file whose NPS column has a name no alias knows.
        try "customer_id,date,score_0_10\nA,2024-01-06,9\nA,2024-01-07,12\n".write(
            to: folder.appendingPathComponent("surveys.csv"), atomically: true, encoding: .utf8)
        try """
            transactions:
              file: export.csv
              delimiter: ";"
              date_format: dd/MM/yyyy
              columns: {customer_id: buyer, date: when, amount: paid}
            surveys:
              columns: {nps: score_0_10}
            """.write(to: folder.appendingPathComponent("cva.yaml"), atomically: true, encoding: .utf8)
        let dataSet = try DataSet(directory: folder.path)
        #expect(dataSet.transactions == folder.appendingPathComponent("export.csv").path)
        #expect(dataSet.unrecognized.isEmpty)   // export.csv is the transactions file, not an unknown one
        let read = try dataSet.readOptions("transactions")
        #expect(read.delimiter == 0x3B && read.dateFormat == "dd/MM/yyyy")
        let (profile, history) = try DataSetProfile.profile(
            dataSet, options: TransactionIngestOptions(delimiter: read.delimiter, columns: read.columns, dateFormat: read.dateFormat),
            quarantine: nil, requireTransactions: true)
        // 05/01/2024 read day-first: 5 January.
        #expect(history?.periodDay == [CalendarDay(year: 2024, month: 1, day: 5).map(\.ordinal) ?? -1])
        let surveys = try #require(profile.files.first { $0.kind == "surveys" })
        // The mapped NPS column is checked against its scale: 12 is out of range.
        #expect(surveys.accepted == 1 && surveys.rejected == ["out_of_range_nps": 1])
    }

    @Test func aNamedFileThatIsMissingIsAnError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "transactions:\n  file: nowhere.csv\n".write(to: folder.appendingPathComponent("cva.yaml"), atomically: true, encoding: .utf8)
        #expect(throws: InputError.self) { try DataSet(directory: folder.path) }
    }
}
