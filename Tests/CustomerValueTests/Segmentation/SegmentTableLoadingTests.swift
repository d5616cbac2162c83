import Foundation
import Testing
@testable import CustomerValue

/// User segment tables from YAML and CSV files, and their errors with file and line.
struct SegmentTableLoadingTests {
    /// Writes `text` to a temporary file with `ext` and loads it.
    static func load(_ text: String, ext: String) throws -> SegmentTable {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("segments-\(UUID().uuidString).\(ext)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try SegmentTable.load(path: url.path)
    }

    /// The error loading `text` throws.
    static func loadError(_ text: String, ext: String) throws -> SegmentationError {
        do {
            _ = try load(text, ext: ext)
        } catch let error as SegmentationError {
            return error
        }
        throw SegmentationError("the table loaded without error")
    }

    static let yaml = """
        name: shop segments
        segments:
          - name: VIP
            name_zh: 贵宾
            r: 4-5
            f: [4, 5]
            m: 5
            action: {en: Call them, zh: 电话联系}
          - name: Sleeping
            r: 1-2
            f: 1..5
            m: 1~5
            action: Reactivate
            action_zh: 唤醒
        others: {name: Rest, name_zh: 其余}
        playbook:
          tiers:
            churn_risk: {en: Phone them, zh: 打电话}
          value_matrix:
            frequent: Coupons only
        """

    @Test func yamlTableLoads() throws {
        let table = try Self.load(Self.yaml, ext: "yaml")
        #expect(table.name == "shop segments")
        #expect(table.basis == .scores && table.scale == nil)
        #expect(table.segments.map(\.name.en) == ["VIP", "Sleeping"])
        #expect(table.segments[0].name.zh == "贵宾")
        #expect(table.segments[0].frequency == .init(4, 5) && table.segments[0].monetary == .init(5))
        #expect(table.segments[1].frequency == .init(1, 5) && table.segments[1].monetary == .init(1, 5))
        #expect(table.segments[0].action == LocalizedText(en: "Call them", zh: "电话联系"))
        #expect(table.segments[1].action == LocalizedText(en: "Reactivate", zh: "唤醒"))
        #expect(table.segments[0].line == 3 && table.segments[1].line == 9)
        #expect(table.others.name == LocalizedText(en: "Rest", zh: "其余"))
        // Playbook overrides replace only what they name.
        let playbook = Playbook.standard.merging(table.playbook)
        #expect(playbook.tiers["churn_risk"] == LocalizedText(en: "Phone them", zh: "打电话"))
        #expect(playbook.valueMatrix["frequent"]?.en == "Coupons only")
        #expect(playbook.tiers["high_value"] == Playbook.standard.tiers["high_value"])
        // (5, 4, 5) → VIP; (1, 3, 3) → Sleeping; (3, 3, 3) → Rest.
        #expect(try SegmentTableTests.segment(table, 5, 4, 5) == "VIP")
        #expect(try SegmentTableTests.segment(table, 1, 3, 3) == "Sleeping")
        #expect(try SegmentTableTests.segment(table, 3, 3, 3) == "Rest")
    }

    @Test func yamlCanStartFromABuiltInTableAndChangeActions() throws {
        let table = try Self.load("""
            table: default
            playbook:
              segments:
                Champions: {en: Send a gift, zh: 送礼物}
                Others: Nothing
            """, ext: "yml")
        #expect(table.segments.count == 10)
        #expect(table.segments[0].action == LocalizedText(en: "Send a gift", zh: "送礼物"))
        #expect(table.segments[1].action == SegmentTable.tenSegments.segments[1].action)
        #expect(table.others.action?.en == "Nothing")
    }

    @Test func yamlMeanBasisTable() throws {
        let table = try Self.load("""
            basis: mean
            segments:
              - {name: Stars, r: high, f: high, m: high}
              - {name: Rest, r: 1-2, f: any, m: 1-2}
            """, ext: "yaml")
        #expect(table.basis == .mean && table.scale == 2)
        #expect(table.segments[0].recency == .init(2))
        #expect(table.segments[1].frequency == .init(1, 2))
    }

    @Test func csvTableLoads() throws {
        let table = try Self.load("""
            name,r,f,m,name_zh,action,action_zh
            Best,4-5,4-5,4-5,最好,Thank them,感谢
            Fading,1-2,3-5,3-5,,Win back,
            Low,1-5,1-2,1-5,,,

            """, ext: "csv")
        #expect(table.segments.map(\.name.en) == ["Best", "Fading", "Low"])
        #expect(table.segments.map(\.line) == [2, 3, 4])
        #expect(table.segments[0].name.zh == "最好" && table.segments[1].name.zh == "Fading")
        #expect(table.segments[1].action == LocalizedText(en: "Win back"))
        #expect(table.segments[2].action == nil)
        #expect(try SegmentTableTests.segment(table, 2, 4, 4) == "Fading")
        #expect(try SegmentTableTests.segment(table, 3, 3, 3) == "Others")
    }

    @Test(arguments: [
        // (file text, extension, line, words in the message)
        ("name,r,f,m\nA,4-5,4-5,4-5\nB,5-3,1-5,1-5\n", "csv", 3, "R range \"5-3\" is malformed"),
        ("name,r,f,m\nA,4-5,x,4-5\n", "csv", 2, "F range \"x\" is malformed"),
        ("name,r,f,m\nA,4-5,0-2,4-5\n", "csv", 2, "malformed"),
        ("name,r,f,m\nA,4-5,4-5,\n", "csv", 2, "M range is missing"),
        ("name,r,f,m\nAll,1-5,1-5,1-5\nVIP,5,5,5\n", "csv", 3, "overlaps earlier segments that cover all of it — \"All\" (line 2)"),
        ("name,r,f,m\nA,4-5,4-5,4-5\nA,1-3,1-5,1-5\n", "csv", 3, "used twice (first at line 2)"),
        ("name,recency,frequency\nA,1,1\n", "csv", 1, "needs the columns name, r, f and m"),
        ("segments:\n  - name: A\n    r: 4-5\n    f: 4-5\n    m: 4-5\n  - name: B\n    r: 2-1\n    f: 1\n    m: 1\n", "yaml", 7, "R range \"2-1\" is malformed"),
        ("segments:\n  - name: A\n    r: 1-5\n    f: 1-5\n    m: 1-5\n  - name: B\n    r: 5\n    f: 5\n    m: 5\n", "yaml", 6, "so no customer could be in it"),
        ("scale: 5\nsegments:\n  - name: A\n    r: 4-6\n    f: 1\n    m: 1\n", "yaml", 3, "goes above 5"),
        ("segments:\n  - name: A\n    r: 4-5\n    f: 1\n    m: 1\n    colour: red\n", "yaml", 6, "unknown segment key \"colour\""),
        ("segmnts:\n  - name: A\n", "yaml", 1, "unknown key \"segmnts\""),
        ("segments:\n  - name: A\n    r: [4, 5\n", "yaml", 4, "not valid YAML"),
        ("segments:\n  - name: A\n    r: [5, 4]\n    f: 1\n    m: 1\n", "yaml", 3, "R range is malformed"),
        ("table: fancy\n", "yaml", 1, "not a built-in table"),
        ("table: default\nplaybook:\n  tiers:\n    vip: Call\n", "yaml", 4, "unknown \"vip\""),
    ])
    func badTablesNameTheLine(text: String, ext: String, line: Int, message: String) throws {
        let error = try Self.loadError(text, ext: ext)
        #expect(error.line == line, "\(error)")
        #expect(error.message.contains(message), "\(error)")
        #expect(error.file?.hasSuffix(".\(ext)") == true)
        #expect("\(error)".contains(":\(line): "))
    }

    @Test func aCSVTableAboveTheBinsIsRefusedWhenAssigning() throws {
        let table = try Self.load("name,r,f,m\nTop,6-7,1-7,1-7\nRest,1-5,1-7,1-7\n", ext: "csv")
        let input = RFMInput(recencyDays: [1, 2, 3], frequency: [1, 2, 3], monetary: [1, 2, 3])
        do {
            _ = try table.assign(input, scores: RFMScoring.standard.score(input))
            Issue.record("a range above the bins was accepted")
        } catch let error as SegmentationError {
            #expect(error.line == 2 && error.message.contains("--bins 5"))
        }
    }
}
