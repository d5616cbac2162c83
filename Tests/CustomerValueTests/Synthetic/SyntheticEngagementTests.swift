import Foundation
import Testing
@testable import CustomerValue

/// Tickets, surveys, events and opportunities: well-formed, and carrying the hidden state.
struct SyntheticEngagementTests {
    static let customers = 4_000

    /// The data set of the checks below, with only the file under test besides the truth (each
    /// file has its own random streams, so its rows are the same as in a full data set).
    static func generate(_ file: SyntheticFile) throws -> (SyntheticScratchFolder, truth: [String: [String: String]], config: SyntheticConfig) {
        var config = SyntheticConfig(customers: customers, seed: 4242)
        config.files = [file]
        let folder = try SyntheticScratchFolder()
        _ = try SyntheticGenerator(config: config).write(to: folder.url)
        let truth = try SyntheticCSV.read("truth_customers.csv", in: folder.url).rows
        var byID: [String: [String: String]] = [:]
        for row in truth { byID[row["customer_id"] ?? ""] = row }
        return (folder, byID, config)
    }

    /// The day of `yyyy-MM-dd` or of `yyyy-MM-ddTHH:mm:ss`.
    static func day(_ text: String?) -> CalendarDay? { text.flatMap { CalendarDay(isoText: String($0.prefix(10))) } }

    @Test func ticketsAreWellFormedAndComplaintsPrecedeDropout() throws {
        let (folder, truth, config) = try Self.generate(.tickets)
        let (header, tickets) = try SyntheticCSV.read("tickets.csv", in: folder.url)
        #expect(header == ["ticket_id", "customer_id", "created_at", "type", "channel", "status", "resolved_at", "text"])
        #expect(!tickets.isEmpty)
        #expect(Set(tickets.compactMap { $0["ticket_id"] }).count == tickets.count)
        var complaintsNearDropout = 0
        var ticketsNearDropout = 0
        var complaintsElsewhere = 0
        var ticketsElsewhere = 0
        for ticket in tickets {
            let created = try #require(Self.day(ticket["created_at"]))
            let hidden = try #require(truth[ticket["customer_id"] ?? ""])
            let first = try #require(Self.day(hidden["first_purchase"]))
            #expect(created >= first && created <= config.observationEnd)
            #expect(["inquiry", "complaint", "return", "technical"].contains(ticket["type"] ?? ""))
            #expect(!(ticket["text"] ?? "").isEmpty)
            if ticket["status"] == "open" {
                #expect(ticket["resolved_at"] == "")
            } else {
                #expect(["resolved", "closed"].contains(ticket["status"] ?? ""))
                let resolved = try #require(ticket["resolved_at"])
                #expect(resolved >= (ticket["created_at"] ?? ""), "timestamps compare as text")
            }
            let isComplaint = ticket["type"] == "complaint"
            if let dropout = Self.day(hidden["dropout_date"]), dropout.days(since: created) >= 0, dropout.days(since: created) <= 30 {
                ticketsNearDropout += 1
                if isComplaint { complaintsNearDropout += 1 }
            } else {
                ticketsElsewhere += 1
                if isComplaint { complaintsElsewhere += 1 }
            }
        }
        // Complaints are 20% of ordinary tickets but most of those in the month before dropout.
        let nearShare = Double(complaintsNearDropout) / Double(max(1, ticketsNearDropout))
        let elsewhereShare = Double(complaintsElsewhere) / Double(max(1, ticketsElsewhere))
        #expect(ticketsNearDropout > 50)
        #expect(nearShare > elsewhereShare + 0.3, "near \(nearShare) vs elsewhere \(elsewhereShare)")
        // Both languages and the themes' keywords show up.
        let texts = tickets.compactMap { $0["text"] }
        #expect(texts.contains { $0.contains("物流") || $0.contains("快递") })
        #expect(texts.contains { $0.range(of: "[A-Za-z]", options: .regularExpression) != nil })
    }

    @Test func surveysScoreLowerBeforeDropout() throws {
        let (folder, truth, config) = try Self.generate(.surveys)
        let (header, surveys) = try SyntheticCSV.read("surveys.csv", in: folder.url)
        #expect(header == ["customer_id", "date", "nps", "csat", "ces", "comment"])
        var leaving: [Double] = []
        var staying: [Double] = []
        for answer in surveys {
            let nps = try #require(Int(answer["nps"] ?? ""))
            let csat = try #require(Int(answer["csat"] ?? ""))
            let ces = try #require(Int(answer["ces"] ?? ""))
            #expect((0...10).contains(nps) && (1...5).contains(csat) && (1...7).contains(ces))
            let date = try #require(Self.day(answer["date"]))
            #expect(date >= config.start && date <= config.observationEnd)
            let hidden = try #require(truth[answer["customer_id"] ?? ""])
            if hidden["alive_at_end"] == "false" { leaving.append(Double(nps)) } else { staying.append(Double(nps)) }
        }
        // The latent score is 0.5–1.8 lower (× 1.9 NPS points) for customers who drop out.
        let leavingMean = leaving.reduce(0, +) / Double(leaving.count)
        let stayingMean = staying.reduce(0, +) / Double(staying.count)
        #expect(leaving.count > 100 && staying.count > 100)
        #expect(stayingMean - leavingMean > 0.8, "staying \(stayingMean) vs leaving \(leavingMean)")
        // At most one answer per customer and day, so no row repeats another.
        let keys = surveys.map { "\($0["customer_id"] ?? "") \($0["date"] ?? "")" }
        #expect(Set(keys).count == keys.count)
        let comments = surveys.compactMap { $0["comment"] }
        #expect(comments.contains("") && comments.contains { !$0.isEmpty })
    }

    @Test func eventsStopAtDropout() throws {
        let (folder, truth, config) = try Self.generate(.events)
        let (header, events) = try SyntheticCSV.read("events.csv", in: folder.url)
        #expect(header == ["customer_id", "timestamp", "event"])
        let perCustomer = Double(events.count) / Double(Self.customers)
        #expect(perCustomer > 1 && perCustomer < 10, "a few events per customer, got \(perCustomer)")
        var previous: (String, String) = ("", "")
        for event in events {
            let id = event["customer_id"] ?? ""
            let stamp = event["timestamp"] ?? ""
            #expect(stamp.count == 19 && stamp.contains("T"))
            let day = try #require(Self.day(stamp))
            let hidden = try #require(truth[id])
            #expect(day >= (try #require(Self.day(hidden["first_purchase"]))) && day <= config.observationEnd)
            if let dropout = Self.day(hidden["dropout_date"]) { #expect(day <= dropout) }
            #expect(["login", "email_open", "email_click", "campaign_join", "cart_abandon"].contains(event["event"] ?? ""))
            if id == previous.0 { #expect(stamp >= previous.1, "time order within a customer") }
            previous = (id, stamp)
        }
    }

    @Test func opportunitiesMoveThroughTheFunnel() throws {
        let (folder, _, config) = try Self.generate(.opportunities)
        let (header, opportunities) = try SyntheticCSV.read("opportunities.csv", in: folder.url)
        #expect(header == ["opportunity_id", "customer_id", "owner", "amount", "stage", "created_at", "qualified_at",
                           "proposal_at", "negotiation_at", "closed_at", "status"])
        // 7% of customers: binomial SE √(4000 · 0.07 · 0.93) ≈ 16.
        #expect(abs(Double(opportunities.count) - 280) < 5 * 16.1)
        var stuck = 0
        for opportunity in opportunities {
            let stages = ["created_at", "qualified_at", "proposal_at", "negotiation_at"].map { opportunity[$0] ?? "" }
            let reached = stages.prefix { !$0.isEmpty }.count
            #expect(reached >= 1 && stages.dropFirst(reached).allSatisfy(\.isEmpty), "no gaps in the stages")
            let days = try stages.prefix(reached).map { try #require(CalendarDay(isoText: $0)) }
            #expect(zip(days, days.dropFirst()).allSatisfy { $0 < $1 }, "stage dates increase")
            #expect((Double(opportunity["amount"] ?? "") ?? 0) > 0)
            let closed = opportunity["closed_at"] ?? ""
            switch opportunity["status"] {
            case "open":
                #expect(closed.isEmpty)
                #expect(opportunity["stage"] == ["lead", "qualified", "proposal", "negotiation"][reached - 1])
                if let last = days.last, config.observationEnd.days(since: last) > 45 { stuck += 1 }
            case "won":
                #expect(reached == 4 && opportunity["stage"] == "won")
                #expect(try #require(CalendarDay(isoText: closed)) > days[reached - 1])
            case "lost":
                #expect(opportunity["stage"] == "lost")
                #expect(try #require(CalendarDay(isoText: closed)) > days[reached - 1])
            default:
                Issue.record("unknown status \(opportunity["status"] ?? "")")
            }
        }
        #expect(stuck > 0, "some open opportunities are stuck for more than 45 days")
        #expect(Set(opportunities.compactMap { $0["status"] }) == ["open", "won", "lost"])
    }
}
