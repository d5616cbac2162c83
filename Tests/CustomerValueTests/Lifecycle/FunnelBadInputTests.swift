import Foundation
import Testing
@testable import CustomerValue

/// Rows a funnel cannot use are set aside with file, line, column and reason, and counted.
struct FunnelBadInputTests {
    final class Collector: QuarantineSink {
        var rows: [RejectedRow] = []
        func record(_ row: RejectedRow) throws { rows.append(row) }
    }

    static let header = "opportunity_id,owner,amount,stage,created_at,qualified_at,proposal_at,negotiation_at,closed_at,status"

    /// Reads `header` + one good row (line 2) + `rows` (from line 3).
    static func read(_ rows: [String]) throws -> (SalesFunnel, Collector) {
        let text = ([header, "G1,ann,100,lead,2024-01-01,,,,,open"] + rows).joined(separator: "\n") + "\n"
        let sink = Collector()
        let funnel = try SalesFunnelTests.funnel(text, quarantine: sink)
        return (funnel, sink)
    }

    @Test(arguments: [
        // qualified before created.
        ("B1,ann,100,qualified,2024-02-01,2024-01-15,,,,open", "dates_backwards", "qualified_at"),
        // negotiation before proposal (qualified empty: the order is over the dates present).
        ("B1,ann,100,negotiation,2024-01-01,,2024-02-01,2024-01-20,,open", "dates_backwards", "negotiation_at"),
        // closed before the last stage date.
        ("B1,ann,100,won,2024-01-01,2024-01-10,,,2024-01-05,won", "dates_backwards", "closed_at"),
        ("B1,ann,100,demo,2024-01-01,,,,,open", "unknown_stage", "stage"),
        ("B1,ann,100,won,2024-01-01,,,,,won", "closed_without_close_date", "closed_at"),
        ("B1,ann,100,lost,2024-01-01,,,,,", "closed_without_close_date", "closed_at"),
        ("B1,ann,100,lead,2024-01-01,,,,2024-01-09,open", "open_with_close_date", "closed_at"),
        ("B1,ann,100,won,2024-01-01,,,,2024-01-09,lost", "conflicting_outcome", "status"),
        ("G1,bob,200,lead,2024-01-03,,,,,open", "repeated_opportunity_id", "opportunity_id"),
    ])
    func eachProblemIsSetAsideWithItsLineAndColumn(row: String, reason: String, column: String) throws {
        let (funnel, sink) = try Self.read([row])
        #expect(funnel.counts.setAside == [reason: 1])
        #expect(funnel.counts.used == 1 && funnel.metrics.opportunities == 1)
        let rejected = try #require(sink.rows.first)
        #expect(sink.rows.count == 1)
        #expect(rejected.line == 3 && rejected.column == column && rejected.file.hasSuffix("opportunities.csv"))
        #expect(rejected.raw == row)
        #expect(!rejected.reason.isEmpty)
    }

    @Test func schemaRejectionsAreCountedAndQuarantined() throws {
        let (funnel, sink) = try Self.read([
            "B1,ann,100,lead,,,,,,open",               // no created_at (required)
            "B2,ann,100,lead,2024-13-45,,,,,open",     // unparseable date
            "B3,ann,-5,lead,2024-01-01,,,,,open",      // negative amount
            "B4,ann,100,lead,2024-01-01,,,,,maybe",    // unknown status
        ])
        #expect(funnel.counts.rowsRead == 5 && funnel.counts.rejected == 4 && funnel.counts.used == 1)
        #expect(sink.rows.map(\.line) == [3, 4, 5, 6])
        #expect(sink.rows.map(\.column) == ["created_at", "created_at", "amount", "status"])
    }

    @Test func withoutSchemaQuarantineOnlyTheFunnelsOwnRowsAreWritten() throws {
        let text = [Self.header, "B1,ann,100,lead,,,,,,open", "B2,ann,100,demo,2024-01-01,,,,,open"].joined(separator: "\n")
        let url = try SalesFunnelTests.file(text)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let sink = Collector()
        let file = try SalesOpportunity.read(path: url.path, quarantine: sink, quarantineSchemaRejections: false)
        #expect(file.report.rejected.values.reduce(0, +) == 1)
        #expect(sink.rows.map(\.line) == [3])
    }

    @Test func aFileWithoutTheStageDateColumnsIsAClearError() throws {
        let url = try SalesFunnelTests.file("opportunity_id,created_at,status\nO1,2024-01-01,open\n")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        do {
            _ = try SalesOpportunity.read(path: url.path)
            Issue.record("expected an error")
        } catch let error as FunnelError {
            #expect(error.description.contains("qualified_at") && error.description.contains("line 1"))
        }
    }
}
