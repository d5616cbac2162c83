import Foundation
import Testing
@testable import CustomerValue

/// ``TransactionLoader`` on small hand-made files: every row lands in exactly one bucket of the
/// report, set-aside rows reach the quarantine with their line and reason, and the purchase
/// periods come out as worked out by hand in the comments.
///
/// Line numbers are 1-based with the header on line 1. Amounts are compared with an absolute
/// tolerance of 1e-9 (they are sums of a few decimals of at most two places).
struct TransactionLoaderTests {
    // MARK: - Helpers

    /// One purchase period as the history holds it.
    struct Period: CustomStringConvertible {
        var day: String
        var amount: Double
        var orders: Int32
        var description: String { "\(day): \(amount) (\(orders))" }

        init(_ day: String, _ amount: Double, orders: Int32 = 1) {
            self.day = day
            self.amount = amount
            self.orders = orders
        }

        func matches(_ other: Period) -> Bool {
            day == other.day && orders == other.orders && TransactionLoaderTests.close(amount, other.amount)
        }
    }

    /// Writes `text` to a uniquely named temporary file, loads it, removes it.
    static func load(
        _ text: String, options: TransactionIngestOptions = .init(), quarantine: QuarantineSink? = nil
    ) throws -> TransactionHistory {
        try load(bytes: Array(text.utf8), options: options, quarantine: quarantine)
    }

    static func load(
        bytes: [UInt8], options: TransactionIngestOptions = .init(), quarantine: QuarantineSink? = nil
    ) throws -> TransactionHistory {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cva-loader-\(UUID().uuidString).csv").path
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try TransactionLoader.load(path: path, options: options, quarantine: quarantine)
    }

    /// Each customer's periods, by customer id.
    static func periods(_ history: TransactionHistory) -> [String: [Period]] {
        var result: [String: [Period]] = [:]
        for c in 0..<history.customerCount {
            result[history.customerID(c)] = history.periods(of: c).map {
                Period(CalendarDay(ordinal: history.periodDay[$0]).iso, history.periodAmount[$0], orders: history.periodOrders[$0])
            }
        }
        return result
    }

    static func expectPeriods(
        _ history: TransactionHistory, _ expected: [String: [Period]], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let actual = periods(history)
        #expect(Set(actual.keys) == Set(expected.keys), sourceLocation: sourceLocation)
        for (id, want) in expected {
            let got = actual[id] ?? []
            let same = got.count == want.count && zip(got, want).allSatisfy { $0.matches($1) }
            #expect(same, "customer \(id): got \(got), expected \(want)", sourceLocation: sourceLocation)
        }
    }

    static func day(_ iso: String) -> CalendarDay? { CalendarDay(isoText: iso) }

    /// Whether two amounts agree within 1e-9.
    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 }

    static func close(_ a: [Double]?, _ b: [Double]) -> Bool {
        guard let a, a.count == b.count else { return false }
        return zip(a, b).allSatisfy { close($0, $1) }
    }

    // MARK: - Every kind of row

    /// Line by line (header on line 1):
    ///  2  good: C1 100 on 01-05, order O1
    ///  3  good: C1 50 on 01-05, order O2 (same day as line 2: one period, two orders)
    ///  4  exact duplicate of line 3
    ///  5  good: C1 80 on 02-10, order O3
    ///  6  return −30 of order O3 (dated 02-20): netted against 02-10
    ///  7  return −20 by C2 on 01-07, before any purchase of C2
    ///  8  good: C2 40 on 01-09
    ///  9  missing customer id
    /// 10  unparseable date (30 February)
    /// 11  missing amount
    /// 12  unparseable amount
    /// 13  wrong field count (3 of 5)
    /// 14  cancelled (已取消)
    /// 15  after the observation end 2024-03-01
    /// 16  blank line
    /// 17  zero amount: kept, counted in zeroAmounts
    /// 18  malformed CSV (text after a closing quote)
    /// 19  good: C4 5 on 01-22
    /// 20  missing date
    static let everyKind = """
        customer_id,date,amount,order_id,status
        C1,2024-01-05,100.00,O1,paid
        C1,2024-01-05,50.00,O2,paid
        C1,2024-01-05,50.00,O2,paid
        C1,2024-02-10,80.00,O3,paid
        C1,2024-02-20,-30.00,O3,paid
        C2,2024-01-07,-20.00,,paid
        C2,2024-01-09,40.00,O4,paid
        ,2024-01-10,10.00,O5,paid
        C3,2024-02-30,10.00,O6,paid
        C3,2024-01-11,,O7,paid
        C3,2024-01-12,abc,O8,paid
        C3,2024-01-13,10.00
        C3,2024-01-14,25.00,O10,已取消
        C3,2024-03-31,25.00,O11,paid

        C3,2024-01-15,0,O12,paid
        C4,"2024-01-21"x,5.00,O14,paid
        C4,2024-01-22,5.00,O15,paid
        C4,,7.00,O16,paid

        """

    static func lineText(_ line: Int) -> String {
        everyKind.components(separatedBy: "\n")[line - 1]
    }

    /// The rows every policy sets aside in the first pass: line → (column, part of the reason).
    static let firstPassRejections: [Int: (column: String?, reason: String)] = [
        9: ("customer_id", "missing customer id"),
        10: ("date", "unparseable date \"2024-02-30\""),
        11: ("amount", "missing amount"),
        12: ("amount", "unparseable amount \"abc\""),
        13: (nil, "expected 5 fields as in the header, found 3"),
        14: ("status", "cancelled"),
        15: ("date", "after the observation end 2024-03-01"),
        18: (nil, "malformed CSV"),
        20: ("date", "missing date"),
    ]

    static let expectedRejected = [
        "missing_customer_id": 1, "unparseable_date": 2, "missing_amount": 1,
        "unparseable_amount": 1, "wrong_field_count": 1, "malformed_csv": 1,
    ]

    /// Checks the quarantine holds exactly `expected` (line → column, reason fragment), each
    /// with the row's text as it stands in the file.
    static func expectQuarantine(
        _ sink: QuarantineMemory, _ expected: [Int: (column: String?, reason: String)],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let rows = sink.rows.sorted { $0.line < $1.line }
        #expect(rows.map(\.line) == expected.keys.sorted(), sourceLocation: sourceLocation)
        for row in rows {
            guard let want = expected[row.line] else { continue }
            #expect(row.column == want.column, "line \(row.line)", sourceLocation: sourceLocation)
            #expect(row.reason.contains(want.reason), "line \(row.line): \(row.reason)", sourceLocation: sourceLocation)
            #expect(row.raw == lineText(row.line), "line \(row.line)", sourceLocation: sourceLocation)
        }
    }

    @Test func everyKindOfRowNettingReturns() throws {
        let sink = QuarantineMemory()
        let options = TransactionIngestOptions(returns: .net, observationEnd: Self.day("2024-03-01"))
        let history = try Self.load(Self.everyKind, options: options, quarantine: sink)
        let report = history.report

        #expect(report.rowsRead == 19)                 // lines 2...20
        #expect(report.blankLines == 1)                // 16
        #expect(report.accepted == 6)                  // 2, 3, 5, 8, 17, 19
        #expect(report.duplicates == 1)                // 4
        #expect(report.returns.netted == 1)            // 6
        #expect(report.returns.unmatched == 1)         // 7
        #expect(report.returns.kept == 0 && report.returns.dropped == 0)
        #expect(Self.close(report.returns.amount, 50))   // 30 + 20
        #expect(report.returns.periodsCancelled == 0)
        #expect(report.cancelled == 1)                 // 14
        #expect(report.afterObservationEnd == 1)       // 15
        #expect(report.rejected == Self.expectedRejected)
        #expect(report.zeroAmounts == 1)               // 17
        #expect(report.bucketTotal == report.rowsRead)
        #expect(report.setAside == 1 + 1 + 1 + 1 + 7)  // duplicate, unmatched, cancelled, late, rejected

        var expected = Self.firstPassRejections
        expected[4] = (nil, "exact duplicate of line 3")
        expected[7] = (nil, "no earlier purchase")
        Self.expectQuarantine(sink, expected)

        // C1: 01-05 = 100 + 50 (O1, O2); 02-10 = 80 − 30. C3 is known from line 10 (rejected),
        // its one kept row is the zero amount of line 17. C4's line 18 is malformed, so C4 is
        // first seen on line 19.
        Self.expectPeriods(history, [
            "C1": [Period("2024-01-05", 150, orders: 2), Period("2024-02-10", 50)],
            "C2": [Period("2024-01-09", 40)],
            "C3": [Period("2024-01-15", 0)],
            "C4": [Period("2024-01-22", 5)],
        ])
        #expect((0..<history.customerCount).map(history.customerID) == ["C1", "C2", "C3", "C4"])
        #expect(report.customers == 4)
        #expect(report.customersWithoutPurchases == 0)
        #expect(report.orders == 6)                    // 2 + 1 + 1 + 1 + 1
        #expect(report.purchasePeriods == 5)
        #expect(Self.close(report.totalSpend, 245))  // 150 + 50 + 40 + 0 + 5
        #expect(report.firstDate == Self.day("2024-01-05"))
        #expect(report.lastDate == Self.day("2024-02-20"))   // the return on line 6 is the latest row kept
        #expect(report.observationEnd == Self.day("2024-03-01"))
        #expect(history.observationEnd == Self.day("2024-03-01"))
        // Order totals 100, 50, 80, 40, 5 (0 is not positive): median 50, threshold 500.
        #expect(Self.close(report.outliers.medianOrder, 50) && Self.close(report.outliers.threshold, 500))
        #expect(report.outliers.count == 0)
        // The report's examples are the same rows, in line order.
        #expect(report.examples.map(\.line) == sink.rows.map(\.line).sorted())
    }

    @Test func everyKindOfRowDroppingReturns() throws {
        let sink = QuarantineMemory()
        let options = TransactionIngestOptions(returns: .drop, observationEnd: Self.day("2024-03-01"))
        let history = try Self.load(Self.everyKind, options: options, quarantine: sink)
        let report = history.report

        #expect(report.rowsRead == 19)
        #expect(report.accepted == 6)
        #expect(report.duplicates == 1)
        #expect(report.returns.dropped == 2)           // 6 and 7, in the first pass
        #expect(report.returns.netted == 0 && report.returns.unmatched == 0 && report.returns.kept == 0)
        #expect(Self.close(report.returns.amount, 50))
        #expect(report.rejected == Self.expectedRejected)
        #expect(report.bucketTotal == report.rowsRead)

        var expected = Self.firstPassRejections
        expected[4] = (nil, "exact duplicate of line 3")
        expected[6] = ("amount", "left out by --returns drop")
        expected[7] = ("amount", "left out by --returns drop")
        Self.expectQuarantine(sink, expected)

        Self.expectPeriods(history, [
            "C1": [Period("2024-01-05", 150, orders: 2), Period("2024-02-10", 80)],
            "C2": [Period("2024-01-09", 40)],
            "C3": [Period("2024-01-15", 0)],
            "C4": [Period("2024-01-22", 5)],
        ])
        #expect(Self.close(report.totalSpend, 275))  // 150 + 80 + 40 + 0 + 5
        #expect(report.lastDate == Self.day("2024-02-10"))
    }

    @Test func everyKindOfRowKeepingReturns() throws {
        let sink = QuarantineMemory()
        let options = TransactionIngestOptions(returns: .keep, observationEnd: Self.day("2024-03-01"))
        let history = try Self.load(Self.everyKind, options: options, quarantine: sink)
        let report = history.report

        #expect(report.rowsRead == 19)
        #expect(report.accepted == 6)
        #expect(report.returns.kept == 2)
        #expect(report.returns.netted == 0 && report.returns.unmatched == 0 && report.returns.dropped == 0)
        #expect(report.bucketTotal == report.rowsRead)

        var expected = Self.firstPassRejections
        expected[4] = (nil, "exact duplicate of line 3")
        Self.expectQuarantine(sink, expected)

        // Returns stay as negative amounts on their own days.
        let periods = Self.periods(history)
        #expect(periods["C1"]?.map(\.day) == ["2024-01-05", "2024-02-10", "2024-02-20"])
        #expect(Self.close(periods["C1"]?.map(\.amount), [150, 80, -30]))
        #expect(periods["C2"]?.map(\.day) == ["2024-01-07", "2024-01-09"])
        #expect(Self.close(periods["C2"]?.map(\.amount), [-20, 40]))
        #expect(Self.close(report.totalSpend, 225))  // 150 + 80 − 30 − 20 + 40 + 0 + 5
    }

    @Test func withoutQuarantineSinkTheCountsAreTheSame() throws {
        let options = TransactionIngestOptions(observationEnd: Self.day("2024-03-01"))
        let report = try Self.load(Self.everyKind, options: options).report
        #expect(report.rowsRead == 19 && report.bucketTotal == 19)
        #expect(report.duplicates == 1 && report.returns.unmatched == 1)
        // Examples still name every set-aside row (11 < 20), the deferred ones without raw text.
        #expect(report.examples.map(\.line) == [4, 7, 9, 10, 11, 12, 13, 14, 15, 18, 20])
    }

    // MARK: - Columns

    @Test func chineseHeadersAreFound() throws {
        let history = try Self.load("""
            订单号,客户ID,下单时间,实付金额
            D001,张三,2024年3月5日 10:00,¥12.50
            D002,李四,2024/3/6,￥8
            D003,张三,2024-03-09 08:00:00,"1,200.00"

            """)
        #expect(history.report.columns == ["order_id": "订单号", "customer_id": "客户ID", "date": "下单时间", "amount": "实付金额"])
        #expect(history.report.rowsRead == 3 && history.report.accepted == 3)
        Self.expectPeriods(history, [
            "张三": [Period("2024-03-05", 12.5), Period("2024-03-09", 1200)],
            "李四": [Period("2024-03-06", 8)],
        ])
    }

    @Test func chineseHeadersInGB18030() throws {
        // Python: '客户ID,下单时间,实付金额\n张三,2024-03-05,12.5\n'.encode('gb18030')
        let bytes: [UInt8] = [
            0xBF, 0xCD, 0xBB, 0xA7, 0x49, 0x44, 0x2C,                   // 客户ID,
            0xCF, 0xC2, 0xB5, 0xA5, 0xCA, 0xB1, 0xBC, 0xE4, 0x2C,       // 下单时间,
            0xCA, 0xB5, 0xB8, 0xB6, 0xBD, 0xF0, 0xB6, 0xEE, 0x0A,       // 实付金额\n
            0xD5, 0xC5, 0xC8, 0xFD,                                     // 张三
        ] + Array(",2024-03-05,12.5\n".utf8)
        let history = try Self.load(bytes: bytes)
        #expect(history.report.encoding == "gb18030")
        Self.expectPeriods(history, ["张三": [Period("2024-03-05", 12.5)]])
    }

    @Test func quantityTimesUnitPriceWithoutAnAmountColumn() throws {
        let sink = QuarantineMemory()
        let history = try Self.load("""
            customer_id,date,quantity,unit_price
            A,2024-01-02,3,2.50
            A,2024-01-02,2,10
            B,2024-01-03,1,"1,000.00"
            B,2024-01-04,,5
            B,2024-01-05,x,5

            """, quarantine: sink)
        let report = history.report
        #expect(report.columns["quantity"] == "quantity" && report.columns["unit_price"] == "unit_price")
        #expect(report.columns["amount"] == nil)
        // A on 01-02: 3 × 2.50 + 2 × 10 = 27.50, two rows and no order id: two orders.
        Self.expectPeriods(history, [
            "A": [Period("2024-01-02", 27.5, orders: 2)],
            "B": [Period("2024-01-03", 1000)],
        ])
        #expect(report.rejected == ["missing_amount": 1, "unparseable_amount": 1])   // lines 5, 6
        #expect(sink.rows.map(\.line).sorted() == [5, 6])
        #expect(report.bucketTotal == report.rowsRead)
    }

    static let buyerFile = """
        Buyer,When,Paid
        b1,2024-06-01,10
        b2,2024-06-02,20

        """

    @Test(arguments: [
        ["customer_id": "Buyer", "date": "When", "amount": "Paid"],
        ["customer_id": "1", "date": "2", "amount": "3"],           // 1-based positions
        ["customer_id": "buyer", "date": "WHEN", "amount": "paid"], // compared normalised
    ])
    func columnsNamedByTheUser(_ columns: [String: String]) throws {
        let history = try Self.load(Self.buyerFile, options: TransactionIngestOptions(columns: columns))
        #expect(history.report.columns == ["customer_id": "Buyer", "date": "When", "amount": "Paid"])
        Self.expectPeriods(history, ["b1": [Period("2024-06-01", 10)], "b2": [Period("2024-06-02", 20)]])
    }

    @Test func overrideBeatsAliases() throws {
        // `customer_id` would be found by its alias; the user points at `member` instead.
        let history = try Self.load("""
            customer_id,member,date,amount
            x,m1,2024-06-01,10

            """, options: TransactionIngestOptions(columns: ["customer_id": "member"]))
        #expect(history.customerID(0) == "m1")
    }

    @Test func overrideNamingNoColumnThrows() throws {
        let error = #expect(throws: ColumnMappingError.self) {
            _ = try Self.load(Self.buyerFile, options: TransactionIngestOptions(columns: ["customer_id": "Nope"]))
        }
        #expect(error?.message.contains("\"Nope\"") == true)
        #expect(error?.message.contains("Buyer, When, Paid") == true)
    }

    @Test func missingRequiredColumnThrowsNamingTheHeader() throws {
        // Neither Buyer nor When nor Paid is a known alias.
        let noIDs = #expect(throws: ColumnMappingError.self) { _ = try Self.load(Self.buyerFile) }
        #expect(noIDs?.message.contains("customer id") == true)
        #expect(noIDs?.message.contains("Buyer, When, Paid") == true)

        let noDate = #expect(throws: ColumnMappingError.self) { _ = try Self.load("customer_id,amount\nA,1\n") }
        #expect(noDate?.message.contains("a date") == true)
        #expect(noDate?.message.contains("customer_id, amount") == true)

        let noAmount = #expect(throws: ColumnMappingError.self) { _ = try Self.load("customer_id,date,note\nA,2024-01-01,x\n") }
        #expect(noAmount?.message.contains("amount") == true)
        #expect(noAmount?.message.contains("customer_id, date, note") == true)
    }

    @Test func emptyFileThrowsInputError() throws {
        let error = #expect(throws: InputError.self) { _ = try Self.load("") }
        #expect(error?.message.contains("empty") == true)
    }

    @Test func headerOnlyFileHasNoCustomers() throws {
        let history = try Self.load("customer_id,date,amount\n")
        #expect(history.customerCount == 0)
        #expect(history.report.rowsRead == 0 && history.report.bucketTotal == 0)
    }

    // MARK: - Orders, outliers, cut-offs

    @Test func linesOfOneOrderAreOneOrder() throws {
        let history = try Self.load("""
            customer_id,order_id,date,amount
            A,O1,2024-05-01,10
            A,O1,2024-05-01,15
            A,O2,2024-05-01,5
            A,O1,2024-05-03,7

            """)
        // 05-01: O1's two lines (10 + 15) and O2 (5) are two orders in one period of 30. The O1
        // line on 05-03 is another day, so another order.
        Self.expectPeriods(history, ["A": [Period("2024-05-01", 30, orders: 2), Period("2024-05-03", 7)]])
        #expect(history.report.orders == 3)
        #expect(history.report.accepted == 4)
        #expect(history.report.duplicates == 0)
    }

    @Test func outlierOrderIsFlaggedAndKept() throws {
        let text = """
            customer_id,date,amount
            A,2024-01-01,10
            B,2024-01-01,10
            C,2024-01-01,12
            D,2024-01-02,8
            E,2024-01-03,500

            """
        let history = try Self.load(text)
        let outliers = history.report.outliers
        // Orders 8, 10, 10, 12, 500: median 10, threshold 10 × 10 = 100; only 500 is above.
        #expect(Self.close(outliers.medianOrder, 10))
        #expect(Self.close(outliers.threshold, 100))
        #expect(outliers.count == 1)
        let example = try #require(outliers.examples.first)
        #expect(example.customerID == "E" && Self.close(example.amount, 500) && example.line == 6 && example.date == Self.day("2024-01-03"))
        // Flagged, not dropped.
        #expect(history.report.accepted == 5)
        Self.expectPeriods(history, [
            "A": [Period("2024-01-01", 10)], "B": [Period("2024-01-01", 10)], "C": [Period("2024-01-01", 12)],
            "D": [Period("2024-01-02", 8)], "E": [Period("2024-01-03", 500)],
        ])
        // With a factor of 60 the threshold is 600 and nothing is flagged.
        let relaxed = try Self.load(text, options: TransactionIngestOptions(outlierFactor: 60)).report.outliers
        #expect(Self.close(relaxed.threshold, 600) && relaxed.count == 0)
    }

    @Test func latestPlausibleDaySetsAsideAMistypedYear() throws {
        let text = """
            customer_id,date,amount
            A,2024-01-05,10
            A,2094-01-05,20
            B,2024-02-01,5

            """
        let sink = QuarantineMemory()
        let history = try Self.load(text, options: TransactionIngestOptions(latestPlausibleDay: Self.day("2025-06-30")), quarantine: sink)
        #expect(history.report.afterObservationEnd == 1)
        #expect(history.report.bucketTotal == history.report.rowsRead)
        // With no explicit end, the end is the last date kept, not the mistyped 2094.
        #expect(history.observationEnd == Self.day("2024-02-01"))
        Self.expectPeriods(history, ["A": [Period("2024-01-05", 10)], "B": [Period("2024-02-01", 5)]])
        let row = try #require(sink.rows.first)
        #expect(sink.rows.count == 1 && row.line == 3 && row.column == "date")
        #expect(row.reason.contains("2094-01-05") && row.reason.contains("--observation-end"))

        // Without it the typo is kept and stretches the observation period by 70 years.
        let lax = try Self.load(text)
        #expect(lax.observationEnd == Self.day("2094-01-05"))
        #expect(lax.report.afterObservationEnd == 0)
    }

    static func returnOfAnEarlierOrder(_ orderID: String) throws -> TransactionHistory {
        try load("""
            customer_id,date,amount,order_id
            A,2024-01-01,100,\(orderID)
            A,2024-01-05,50,other
            A,2024-01-10,-100,\(orderID)

            """)
    }

    /// Ids chosen so that their 64-bit FNV/splitmix hashes (IdentifierTable.hash) have the top
    /// bit both set (O1, O3, A-1001, SO123) and clear (O2, INV-9, 订单1): an earlier version read
    /// that bit as "no order id" and netted half of all returns against the wrong purchase.
    @Test(arguments: ["O1", "O2", "O3", "A-1001", "SO123", "INV-9", "订单1"])
    func returnIsNettedAgainstItsOrderOnAnEarlierDay(_ orderID: String) throws {
        let history = try Self.returnOfAnEarlierOrder(orderID)
        // The return names the order of 01-01 (100): that period drops to 0 and is removed;
        // 01-05 stays. (Netting against the latest purchase instead would leave 01-01 at 50.)
        Self.expectPeriods(history, ["A": [Period("2024-01-05", 50)]])
        #expect(history.report.returns.netted == 1)
        #expect(history.report.returns.periodsCancelled == 1)
        #expect(history.report.orders == 1)
        #expect(history.report.bucketTotal == history.report.rowsRead)
    }

    @Test func returnWithoutOrderIDIsNettedAgainstTheLatestPurchase() throws {
        let history = try Self.load("""
            customer_id,date,amount,order_id
            A,2024-01-01,100,O1
            A,2024-01-05,50,O2
            A,2024-01-10,-100,

            """)
        // No order id: the latest purchase on or before 01-10 first. 01-05: 50 − 50 = 0
        // (removed); the other 50 comes off 01-01: 100 − 50 = 50.
        Self.expectPeriods(history, ["A": [Period("2024-01-01", 50)]])
        #expect(history.report.returns.netted == 1)
        #expect(history.report.returns.periodsCancelled == 1)
    }

    // MARK: - Duplicates

    @Test func adjacentExactDuplicatesWithoutOrderID() throws {
        let history = try Self.load("customer_id,date,amount\nA,2024-01-01,10\nA,2024-01-01,10\nA,2024-01-01,20\n")
        #expect(history.report.duplicates == 1)   // line 3 repeats line 2
        Self.expectPeriods(history, ["A": [Period("2024-01-01", 30, orders: 2)]])

        let kept = try Self.load(
            "customer_id,date,amount\nA,2024-01-01,10\nA,2024-01-01,10\nA,2024-01-01,20\n",
            options: TransactionIngestOptions(keepDuplicates: true))
        #expect(kept.report.duplicates == 0)
        Self.expectPeriods(kept, ["A": [Period("2024-01-01", 40, orders: 3)]])
    }

    @Test
    func separatedExactDuplicatesWithoutOrderID() throws {
        // Same rows as adjacentExactDuplicatesWithoutOrderID, the copy moved after the 20.
        let history = try Self.load("customer_id,date,amount\nA,2024-01-01,10\nA,2024-01-01,20\nA,2024-01-01,10\n")
        #expect(history.report.duplicates == 1)   // line 4 repeats line 2
        Self.expectPeriods(history, ["A": [Period("2024-01-01", 30, orders: 2)]])
    }

    @Test
    func separatedExactDuplicatesWithEmptyOrderIDs() throws {
        // An order id column whose cells are empty: the same rows as above otherwise.
        let history = try Self.load("customer_id,date,amount,order_id\nA,2024-01-01,10,\nA,2024-01-01,20,\nA,2024-01-01,10,\n")
        #expect(history.report.duplicates == 1)   // line 4 repeats line 2
        Self.expectPeriods(history, ["A": [Period("2024-01-01", 30, orders: 2)]])
    }

    @Test func separatedExactDuplicatesOfOneOrder() throws {
        // Two lines of order O1 and a copy of the first: the copy is caught whatever the order.
        let history = try Self.load("customer_id,date,amount,order_id\nA,2024-01-01,10,O1\nA,2024-01-01,20,O1\nA,2024-01-01,10,O1\n")
        #expect(history.report.duplicates == 1)
        Self.expectPeriods(history, ["A": [Period("2024-01-01", 30)]])
    }
}
