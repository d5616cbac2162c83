import Testing
@testable import CustomerValue

/// Matching a header's columns to their roles.
struct ColumnMappingTests {
    static let roles: [ColumnRole] = [.customerID, .date, .amount]

    @Test func findsEachRoleByItsAliases() throws {
        let mapping = try ColumnMapping(header: ["Customer ID", "Order Date", "total"], roles: Self.roles, file: "t.csv")
        #expect(mapping[.customerID] == 0 && mapping[.date] == 1 && mapping[.amount] == 2)
    }

    /// A header naming a role's column twice (`amount` in columns 3 and 4, or `Customer ID` and
    /// `customer_id`, the same after normalising) once took the first silently: which one is meant
    /// cannot be told, so it is refused naming the header's line and both columns.
    @Test(arguments: [
        (["customer_id", "date", "amount", "amount"], "amount", 3, 4),
        (["Customer ID", "date", "amount", "customer_id"], "customer_id", 1, 4),
    ])
    func aRoleNamedTwiceIsRefusedWithBothColumns(header: [String], role: String, first: Int, second: Int) throws {
        let error = try #require(throws: ColumnMappingError.self) {
            _ = try ColumnMapping(header: header, roles: Self.roles, file: "t.csv", line: 3)
        }
        #expect(error.file == "t.csv")
        #expect(error.message.contains("line 3:"), "\(error)")
        #expect(error.message.contains("\(role) column twice"), "\(error)")
        #expect(error.message.contains("column \(first) and"), "\(error)")
        #expect(error.message.contains("in column \(second);"), "\(error)")
    }

    /// The user's column name is checked the same way; a column number is never ambiguous, and
    /// an exact name beats names that only match after normalising.
    @Test func anOverrideNamingTwoColumnsIsRefusedButANumberIsNot() throws {
        let header = ["customer_id", "date", "paid", "paid", "Paid"]
        let byName = try #require(throws: ColumnMappingError.self) {
            _ = try ColumnMapping(header: header, roles: Self.roles, overrides: ["amount": "paid"], file: "t.csv")
        }
        #expect(byName.message.contains("column 3 and") && byName.message.contains("in column 4;"), "\(byName)")
        let byNumber = try ColumnMapping(header: header, roles: Self.roles, overrides: ["amount": "4"], file: "t.csv")
        #expect(byNumber[.amount] == 3)
        let exact = try ColumnMapping(header: header, roles: Self.roles, overrides: ["amount": "Paid"], file: "t.csv")
        #expect(exact[.amount] == 4)
    }

    /// Columns that play no role may share a name.
    @Test func unusedColumnsMayRepeat() throws {
        let mapping = try ColumnMapping(header: ["customer_id", "note", "date", "note", "amount"], roles: Self.roles, file: "t.csv")
        #expect(mapping[.amount] == 4)
    }

    /// A column the user names for one role is not taken by another role's names: with
    /// `customer_id: amount`, the amount finds no column of its own and records which role has
    /// it (for the message), instead of sharing column 3 with the customer id.
    @Test func aColumnNamedForOneRoleIsNotAnothersAndSaysSo() throws {
        let header = ["customer_id", "date", "amount"]
        let mapping = try ColumnMapping(header: header, roles: Self.roles, overrides: ["customer_id": "amount"], file: "t.csv")
        #expect(mapping[.customerID] == 2 && mapping[.date] == 1 && mapping[.amount] == nil)
        #expect(mapping.takenBy == ["amount": "customer_id"])
        // Named for the amount, the customer_id column leaves the customer id without one.
        let reverse = try ColumnMapping(header: header, roles: Self.roles, overrides: ["amount": "customer_id"], file: "t.csv")
        #expect(reverse[.amount] == 0 && reverse[.customerID] == nil && reverse.takenBy == ["customer_id": "amount"])
        // Without overrides nothing is taken.
        #expect(try ColumnMapping(header: header, roles: Self.roles, file: "t.csv").takenBy.isEmpty)
    }
}
