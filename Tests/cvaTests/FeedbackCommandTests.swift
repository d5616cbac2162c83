import Foundation
import Testing

/// End-to-end runs of `cva feedback` on small files.
struct FeedbackCommandTests {
    // Detractors: A (3), C (6); promoters: B (10), E (9); D passive; F has no comment.
    static let surveys = """
        customer_id,date,nps,comment
        A,2024-01-02,3,物流太慢了，还没到
        B,2024-01-03,10,"Fast delivery, no complaints"
        C,2024-01-04,6,客服态度很差，我要投诉
        D,2024-01-05,8,价格还可以
        E,2024-01-06,9,非常满意
        F,2024-01-07,7,

        """
    static let tickets = """
        ticket_id,customer_id,created_at,type,channel,status,resolved_at,text
        T1,A,2024-01-02,complaint,phone,closed,2024-01-03,重复扣费，请退款
        T2,B,2024-01-05,inquiry,email,open,,When will my order ship?

        """

    static func folder() throws -> URL {
        let folder = try CommandLineTests.temporaryFolder()
        try surveys.write(to: folder.appendingPathComponent("surveys.csv"), atomically: true, encoding: .utf8)
        try tickets.write(to: folder.appendingPathComponent("tickets.csv"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func csvHasOneRowPerTextWithThemesSentimentAndFlag() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineTests.run(["feedback", folder.appendingPathComponent("surveys.csv").path, "--format", "csv"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "source,line,customer_id,themes,sentiment,escalate")
        #expect(lines.count == 6)  // F has no comment: noted on stderr
        #expect(run.stderr.contains("1 rows have no text"))
        let a = try #require(lines.first { $0.hasPrefix("surveys,2,A,") })
        #expect(a.hasPrefix("surveys,2,A,delivery;waiting,-") && a.hasSuffix(",false"))
        let c = try #require(lines.first { $0.hasPrefix("surveys,4,C,") })
        #expect(c.hasPrefix("surveys,4,C,service,-") && c.hasSuffix(",true"))
    }

    @Test func jsonOfAFolderReadsSurveysAndTickets() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineTests.run(["feedback", folder.path, "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(Set(json.keys).isSuperset(of: ["texts", "themes", "n", "escalations"]))
        // 5 survey comments + 2 ticket texts; escalations: C (投诉) and T1 (退款).
        #expect(json["n"] as? Int == 7)
        #expect(json["escalations"] as? Int == 2)
        let texts = try #require(json["texts"] as? [[String: Any]])
        #expect(texts.count == 7)
        #expect(Set(texts[0].keys) == ["source", "line", "customer_id", "themes", "sentiment", "escalate"])
        #expect(texts.filter { $0["source"] as? String == "tickets" }.count == 2)
        let themes = try #require(json["themes"] as? [[String: Any]])
        // delivery: A, B and T2 (ship) = 3 texts; detractors A and C → 1/2; promoters B and E → 1/2.
        let delivery = try #require(themes.first { $0["theme"] as? String == "delivery" })
        #expect(delivery["count"] as? Int == 3)
        #expect(delivery["detractor_share"] as? Double == 0.5 && delivery["promoter_share"] as? Double == 0.5)
        // service: only C, a detractor → 1/2 of detractors, 0 of promoters.
        let service = try #require(themes.first { $0["theme"] as? String == "service" })
        #expect(service["detractor_share"] as? Double == 0.5 && service["promoter_share"] as? Double == 0)
    }

    @Test func summaryOnlyOmitsTheTexts() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineTests.run(["feedback", folder.path, "--summary-only", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(json["texts"] == nil && json["n"] as? Int == 7)
        let csv = try CommandLineTests.run(["feedback", folder.path, "--summary-only", "--format", "csv"])
        #expect(csv.stdout.hasPrefix("theme,label_en,label_zh,count,share,mean_sentiment,escalations,detractor_share,promoter_share,driver_gap\n"))
    }

    @Test func textColumnAndLexiconOptions() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let notes = "customer_id,date,remark\nA,2024-01-02,App一直闪退\n"
        let path = folder.appendingPathComponent("notes.csv").path
        try notes.write(toFile: path, atomically: true, encoding: .utf8)
        let lexicon = folder.appendingPathComponent("lexicon.yaml").path
        try "themes:\n  app:\n    label_en: App\n    label_zh: 应用\n    terms: [闪退]\nsentiment: {闪退: -1}\n".write(toFile: lexicon, atomically: true, encoding: .utf8)
        let run = try CommandLineTests.run(["feedback", path, "--kind", "surveys", "--text-col", "remark", "--lexicon", lexicon, "--format", "csv"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("surveys,2,A,app,-"))
    }

    @Test func badInputIsAClearMessage() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let lexicon = folder.appendingPathComponent("bad.yaml").path
        try "sentiment:\n  给力: lots\n".write(toFile: lexicon, atomically: true, encoding: .utf8)
        let bad = try CommandLineTests.run(["feedback", folder.path, "--lexicon", lexicon])
        #expect(bad.status != 0 && bad.stderr.contains("bad.yaml:2:"))
        let noText = try CommandLineTests.run(["feedback", folder.path, "--text-col", "nope"])
        #expect(noText.status != 0 && noText.stderr.contains("line 1: no column \"nope\""))
        #expect(!bad.stderr.contains("Fatal") && !noText.stderr.contains("Fatal"))
    }

    /// A file over 4 MB is read on two threads: every text is still reported once, in file
    /// order with its own line, and the summary counts every block of the file. The file is the
    /// six rows above repeated (customer ids made distinct, so no row is a duplicate).
    @Test func largeFileReadOnTwoThreadsKeepsEveryTextInOrder() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let rows = Self.surveys.split(separator: "\n").dropFirst().map(String.init)
        #expect(rows.count == 6)
        let blocks = 20_000  // 120,000 rows, about 5 MB: past the 4 MB two-thread threshold
        var text = "customer_id,date,nps,comment\n"
        for b in 0..<blocks {
            for row in rows { text += "\(b)" + row + "\n" }
        }
        #expect(text.utf8.count > 4 << 20)
        let path = folder.appendingPathComponent("surveys.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)

        let csv = try CommandLineTests.run(["feedback", path, "--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        // Five of each block's six rows have a comment (F has none).
        #expect(lines.count == 5 * blocks)
        let lineNumbers = lines.compactMap { Int($0[1]) }
        #expect(lineNumbers.count == lines.count)
        #expect(zip(lineNumbers, lineNumbers.dropFirst()).allSatisfy { $0 < $1 })
        // The last block's C row: data row 6(b) + 3 of block b = 19,999 is line 6 × 19,999 + 3 + 1.
        let last = try #require(lines.first { $0[2] == "19999C" })
        #expect(Int(last[1]) == 6 * 19_999 + 4 && last.last == "true")

        let json = try CommandLineTests.run(["feedback", path, "--summary-only", "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        // Per block: 5 texts, 1 escalation (C's 投诉), detractors A and C, promoters B and E.
        #expect(summary["n"] as? Int == 5 * blocks)
        #expect(summary["escalations"] as? Int == blocks)
        #expect(summary["detractors"] as? Int == 2 * blocks)
        #expect(summary["promoters"] as? Int == 2 * blocks)
    }
}
