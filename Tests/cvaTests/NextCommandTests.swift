import Foundation
import Testing

/// `cva next`'s BG/NBD columns on the generated data set, recomputed here from the fit `cva fit`
/// prints and each customer's (x, t_x, T) in weeks: p_alive = 1 / (1 + [x > 0] a/(b+x−1)
/// ((α+T)/(α+t_x))^(r+x)) (Fader, Hardie & Lee 2005, eq. 13); model_next_purchase = observation
/// end + t with P(alive) · [1 − ((α+T)/(α+T+t))^(r+x)] = ½, t = (α+T)(u^(−1/(r+x)) − 1),
/// u = 1 − ½ / P(alive), empty when P(alive) ≤ ½.
struct NextCommandTests {
    typealias CLI = CommandLineTests

    static func day(_ text: Substring) -> Int? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        var c = DateComponents()
        (c.year, c.month, c.day) = (parts[0], parts[1], parts[2])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.date(from: c).map { Int(($0.timeIntervalSince1970 / 86_400).rounded()) }
    }

    @Test func modelNextPurchaseIsWhenAPurchaseBecomesAsLikelyAsNot() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try ChurnCommandTests.generated(folder)
        let fit = try CLI.run(["fit", data, "--format", "json"])
        #expect(fit.status == 0, "\(fit.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(fit.stdout.utf8)) as? [String: Any])
        let p = try #require(json["parameters"] as? [String: Double])
        let (r, alpha, a, b) = (try #require(p["r"]), try #require(p["alpha"]), try #require(p["a"]), try #require(p["b"]))

        // (first day, last day, repeat purchases) per customer from the daily summary.
        let summary = try CLI.run(["summary", data, "--format", "csv"])
        var histories: [Substring: (first: Int, last: Int, x: Double)] = [:]
        for line in summary.stdout.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            histories[f[0]] = (try #require(Self.day(f[1])), try #require(Self.day(f[2])), try #require(Double(f[6])))
        }
        let end = try #require(histories.values.map(\.last).max())

        let next = try CLI.run(["next", data, "--format", "csv"])
        #expect(next.status == 0, "\(next.stderr)")
        let rows = next.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.first?.last == "p_alive" && rows.first?[4] == "model_next_purchase")
        var gone = 0, dated = 0, oneTime = 0
        for row in rows.dropFirst() {
            let h = try #require(histories[row[0]])
            let (x, tx, T) = (h.x, Double(h.last - h.first) / 7, Double(end - h.first) / 7)
            let logOdds = log(a) - log(b + x - 1) + (r + x) * (log(alpha + T) - log(alpha + tx))
            let alive = x > 0 ? 1 / (1 + exp(logOdds)) : 1
            let printed = try #require(Double(row[6]))
            #expect(abs(printed - alive) < 1e-8, "\(row[0]): p_alive \(printed) vs \(alive)")
            if alive <= 0.5 {
                gone += 1
                #expect(row[4].isEmpty, "\(row[0]): P(alive) \(alive) but a date \(row[4])")
            } else {
                let u = 1 - 0.5 / alive
                let weeks = (alpha + T) * (pow(u, -1 / (r + x)) - 1)
                guard weeks * 7 < 3_652_500 else { continue }
                dated += 1
                if x == 0 { oneTime += 1 }
                let shown = try #require(Self.day(row[4]))
                // Days rounded to the nearest: at most one day apart when t · 7 ends near .5.
                #expect(abs(shown - end - Int((weeks * 7).rounded())) <= 1, "\(row[0]): \(row[4])")
            }
        }
        // The generated base has both kinds, and one-time buyers (P(alive) = 1) among the dated.
        #expect(gone > 100 && dated > 100 && oneTime > 0, "gone \(gone), dated \(dated), one-time \(oneTime)")
    }
}
