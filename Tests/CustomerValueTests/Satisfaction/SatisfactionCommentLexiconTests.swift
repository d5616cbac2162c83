import Foundation
import Testing
@testable import CustomerValue

/// The comment lexicon of `cva satisfaction` is compiled only when a comment has text.
struct SatisfactionCommentLexiconTests {
    /// A lexicon that cannot be compiled (an empty term): it shows whether compiling was tried.
    static let broken = FeedbackLexicon(themes: [.init(id: "x", labelEN: "x", labelZH: "x", terms: ["  "])],
                                        sentiment: [:], negators: [], intensifiers: [:], escalation: [], neutral: [])

    static func file(comment: String) -> String {
        "customer_id,date,nps,comment\nC1,2024-01-05,9,\(comment)\nC2,2024-02-05,3,\n"
    }

    @Test func fileWithoutCommentTextNeverCompilesTheLexicon() throws {
        try ParallelProfileTests.withFile(Self.file(comment: "")) { path in
            // The broken lexicon is never compiled, so no error; no comment, no themes.
            let report = try SatisfactionAnalysis.analyze(path: path, commentLexicon: Self.broken)
            #expect(report.rows == 2 && report.overall.nps.n == 2)
            #expect(report.themes?.n == 0 && report.themes?.themes.allSatisfy { $0.count == 0 } == true)
        }
    }

    @Test func firstCommentCompilesTheLexicon() throws {
        try ParallelProfileTests.withFile(Self.file(comment: "slow delivery")) { path in
            #expect(throws: FeedbackLexiconError.self) { try SatisfactionAnalysis.analyze(path: path, commentLexicon: Self.broken) }
            // The built-in lexicon, compiled at the comment: the same themes as an analyzer given ready-made.
            let lazy = try SatisfactionAnalysis.analyze(path: path, commentLexicon: .builtIn)
            let ready = try SatisfactionAnalysis.analyze(path: path, feedback: try FeedbackAnalyzer(lexicon: .builtIn))
            #expect(lazy.themes?.n == 1 && lazy.themes?.themes == ready.themes?.themes)
        }
    }
}
