import Foundation
import Testing
@testable import CustomerValue

/// A small hand-made data set for the churn tests; cutoff / as-of date 2024-06-30, 90-day windows:
/// the last window is 2024-04-02 … 06-30, the previous one 2024-01-03 … 04-01, and the label
/// horizon (06-30, 09-28].
enum ChurnFixture {
    static let cutoff = CalendarDay(year: 2024, month: 6, day: 30) ?? CalendarDay(ordinal: 0)

    static let transactions = """
        customer_id,date,amount
        A,2024-01-10,10
        A,2024-02-10,10
        A,2024-03-01,10
        A,2024-03-20,10
        A,2024-05-15,10
        A,2024-08-01,10
        B,2024-04-10,20
        B,2024-04-20,20
        B,2024-04-30,20
        C,2024-06-25,5
        C,2024-12-01,5

        """
    static let tickets = """
        ticket_id,customer_id,created_at,type,channel,status,resolved_at,text
        T1,A,2024-02-01,inquiry,phone,closed,2024-02-02,q
        T2,A,2024-03-01,complaint,phone,resolved,2024-03-05,late
        T3,A,2024-05-01,complaint,email,open,,broken
        T4,A,2024-06-01,complaint,email,resolved,2024-07-15,rude
        T5,B,2024-05-01,complaint,phone,resolved,2024-05-03,slow

        """
    static let events = """
        customer_id,timestamp,event
        A,2024-02-01,login
        A,2024-02-15,login
        A,2024-03-01,login
        A,2024-03-15,login
        A,2024-05-01,login
        A,2024-05-10,login
        A,2024-06-10,login
        B,2024-03-01,email_open
        B,2024-03-02,email_open
        B,2024-03-10,cart_abandon
        B,2024-06-01,cart_abandon
        B,2024-06-02,cart_abandon
        B,2024-06-03,cart_abandon
        C,2024-06-01,cart_abandon
        C,2024-06-02,cart_abandon

        """
    static let surveys = """
        customer_id,date,nps,csat
        A,2024-06-01,9,
        A,2024-05-01,,2
        B,2024-01-01,3,
        B,2024-05-20,5,
        C,2024-02-01,6,

        """
    static let customers = """
        customer_id,name,region,registered_at
        A,Ann,North,2023-12-01
        B,Bob,South,2024-04-01
        C,Cy,North,2024-09-01

        """

    /// Rows dated after the cutoff, planted to show that features never look past it.
    static let futureTransactions = "A,2024-07-02,999\nB,2024-07-03,999\nD,2024-07-04,50\n"
    static let futureTickets = "T9,A,2024-07-01,complaint,phone,open,,x\nT10,C,2024-07-05,complaint,phone,open,,y\n"
    static let futureEvents = "B,2024-07-01,login\nC,2024-07-01,cart_abandon\n"
    static let futureSurveys = "C,2024-07-02,0,1\nA,2024-07-03,1,1\n"

    /// Writes the files to a new temporary folder.
    static func folder(withSideFiles: Bool = true, future: Bool = false) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("churn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var files = ["transactions.csv": transactions + (future ? futureTransactions : "")]
        if withSideFiles {
            files["tickets.csv"] = tickets + (future ? futureTickets : "")
            files["events.csv"] = events + (future ? futureEvents : "")
            files["surveys.csv"] = surveys + (future ? futureSurveys : "")
            files["customers.csv"] = customers
        }
        for (name, text) in files {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return folder
    }

    /// The history and side data of a fixture folder.
    static func load(_ folder: URL) throws -> (TransactionHistory, CustomerActivity) {
        let dataSet = try DataSet(directory: folder.path)
        let history = try TransactionLoader.load(path: try #require(dataSet.transactions))
        let activity = try CustomerActivity.load(dataSet: dataSet, history: history)
        return (history, activity)
    }
}
