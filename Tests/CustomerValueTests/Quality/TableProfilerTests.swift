import Foundation
import Testing
@testable import CustomerValue

/// Each check of the data set file profiler on hand-made files.
struct TableProfilerTests {
    static func file(_ text: String, name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("profile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func visitorSeesOnlyAcceptedRowsWithParsedValues() throws {
        let url = try Self.file("""
            客户ID,日期,推荐值,满意度,费力度,评论,服务质量
            A,2024-01-01,10,5,7, 很好 ,4
            B,2024-01-02,11,4,2,,3
            F,2024/1/5,,2,1,物流慢,
            """, name: "surveys.csv")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        var seen: [(line: Int, id: String?, day: CalendarDay?, nps: Double?, csat: Double?, comment: String?, extra: String?)] = []
        let report = try TableProfiler.profile(path: url.path, schema: .surveys) { row in
            seen.append((row.line, row.text("customer_id"), row.day("date"), row.number("nps"), row.number("csat"),
                         row.text("comment"), row.text(header: "服务质量")))
        }
        #expect(report.accepted == 2)
        // B (line 3) is out of scale (nps 11) and never reaches the visitor.
        #expect(seen.map(\.line) == [2, 4])
        #expect(seen.map(\.id) == ["A", "F"])
        #expect(seen[0].day == CalendarDay(year: 2024, month: 1, day: 1))
        #expect(seen[1].day == CalendarDay(year: 2024, month: 1, day: 5))
        #expect(seen[0].nps == 10 && seen[1].nps == nil)     // empty cell: nil, not 0
        #expect(seen[0].csat == 5 && seen[1].csat == 2)
        #expect(seen[0].comment == "很好" && seen[1].comment == "物流慢")   // trimmed
        #expect(seen[0].extra == "4" && seen[1].extra == nil)   // a column outside the schema, by header name
    }

    @Test func surveyAnswersOutsideTheirScaleAreQuarantined() throws {
        let url = try Self.file("""
            客户ID,日期,推荐值,满意度,费力度,评论
            A,2024-01-01,10,5,7,很好
            A,2024-01-01,10,5,7,很好
            B,2024-01-02,11,4,2,
            C,2024-01-03,7,0,3,
            D,2024-01-04,7.5,3,3,
            E,不是日期,3,3,3,
            F,2024-01-05,,2,1,物流慢

            ,2024-01-06,5,3,3,

            """, name: "surveys.csv")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let sink = QuarantineMemory()
        let report = try TableProfiler.profile(path: url.path, schema: .surveys, quarantine: sink)
        // Lines: 2 A ok, 3 duplicate of 2, 4 nps 11, 5 csat 0, 6 nps 7.5 (not whole), 7 bad date,
        // 8 F ok (nps empty is allowed), 9 blank, 10 missing customer id.
        #expect(report.rowsRead == 9)
        #expect(report.accepted == 2)
        #expect(report.duplicates == 1)
        #expect(report.blankLines == 1)
        #expect(report.rejected == ["out_of_range_nps": 2, "out_of_range_csat": 1, "unparseable_date": 1, "missing_customer_id": 1])
        #expect(report.bucketTotal == report.rowsRead)
        #expect(report.emptyCells["nps"] == 1 && report.emptyCells["comment"] == nil)   // both accepted rows have a comment
        #expect(sink.rows.map(\.line) == [3, 4, 5, 6, 7, 10])
        #expect(sink.rows[1].column == "推荐值" && sink.rows[1].reason.contains("from 0 to 10"))
        #expect(report.columns["nps"] == "推荐值" && report.columns["customer_id"] == "客户ID")
    }

    @Test func customersWithTheSameIDAndDifferentNames() throws {
        let url = try Self.file("""
            customer_id,name,region
            A,王伟,华东
            A,王伟,华北
            B,Li Na,华南
            B,李娜,华南
            B,Li Na,华南

            """, name: "customers.csv")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let report = try TableProfiler.profile(path: url.path, schema: .customers)
        // A repeats once with the same name; B repeats twice (and line 6 is an exact duplicate of line 4).
        #expect(report.duplicates == 1)
        #expect(report.repeatedIDs == 2)
        #expect(report.conflictingNames == 1)   // only B has two names
        #expect(report.missingColumns.contains("registered_at"))
    }

    @Test func unknownCustomersDatesAfterTheEndAndBackwardsDatesAreFlaggedNotDropped() throws {
        let url = try Self.file("""
            ticket_id,customer_id,created_at,type,resolved_at
            T1,A,2024-01-01,complaint,2024-01-02
            T2,Z,2024-01-01,inquiry,
            T3,A,2024-01-05,complaint,2024-01-03
            T4,A,2024-03-01,inquiry,

            """, name: "tickets.csv")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        var known = IdentifierTable()
        var a = "A"
        _ = a.withUTF8 { known.intern($0) }
        let report = try TableProfiler.profile(
            path: url.path, schema: .tickets, knownCustomers: known, observationEnd: CalendarDay(isoText: "2024-02-01"))
        #expect(report.accepted == 4)
        #expect(report.unknownCustomers == 1)       // Z
        #expect(report.datesOutOfOrder == 1)        // T3 resolved before created
        #expect(report.afterObservationEnd == 1)    // T4
    }

    @Test func aFileWithoutARequiredColumnIsRefusedWithItsHeader() throws {
        let url = try Self.file("customer,when\nA,2024-01-01\n", name: "events.csv")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let error = try #require(throws: ColumnMappingError.self) {
            try TableProfiler.profile(path: url.path, schema: .events)
        }
        #expect(error.message.contains("timestamp") && error.message.contains("event") && error.message.contains("customer, when"))
    }

    @Test func opportunityStatusMustBeKnown() throws {
        let url = try Self.file("""
            opportunity_id,customer_id,amount,created_at,status
            P1,A,1000,2024-01-01,won
            P2,A,-5,2024-01-01,open
            P3,B,10,2024-01-01,maybe

            """, name: "opportunities.csv")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let report = try TableProfiler.profile(path: url.path, schema: .opportunities)
        #expect(report.accepted == 1)
        #expect(report.rejected == ["out_of_range_amount": 1, "unknown_status": 1])
    }
}
