import CustomerValue
import Foundation

/// Readable text for the data-quality reports.
enum QualityText {
    static func render(_ profile: DataSetProfile) -> String {
        var out = ""
        if let t = profile.transactions { out += render(t) }
        for f in profile.files { out += "\n" + render(f) }
        for u in profile.unusable { out += "\nUNUSABLE \(u.file): \(u.message)\n" }
        if !profile.unrecognized.isEmpty {
            out += "\nnot read (unknown file names): \(profile.unrecognized.joined(separator: ", "))\n"
        }
        return out
    }

    static func money(_ v: Double) -> String { String(format: "%.2f", v) }

    static func line(_ label: String, _ value: Int, _ detail: String = "") -> String {
        let padded = label.padding(toLength: 24, withPad: " ", startingAt: 0)
        let number = String(value)
        return "  \(padded)\(String(repeating: " ", count: max(0, 10 - number.count)))\(number)\(detail.isEmpty ? "" : "   \(detail)")\n"
    }

    static func reasons(_ counts: [String: Int]) -> String {
        counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.key.replacingOccurrences(of: "_", with: " ")) \($0.value)" }.joined(separator: ", ")
    }

    static func render(_ r: TransactionFileReport) -> String {
        var out = "Transactions: \(r.file)  (encoding \(r.encoding), delimiter \"\(r.delimiter)\")\n"
        out += "  columns: " + r.columns.sorted { $0.key < $1.key }.map { "\($0.key) ← \($0.value)" }.joined(separator: ", ") + "\n"
        out += line("rows read", r.rowsRead)
        out += line("accepted", r.accepted, r.zeroAmounts > 0 ? "of which \(r.zeroAmounts) with a zero amount (kept)" : "")
        out += line("exact duplicates", r.duplicates, r.duplicates > 0 ? "left out" : "")
        let ret = r.returns
        var returnDetail = "policy \(ret.policy.rawValue)"
        if ret.total > 0 {
            returnDetail += ": \(ret.netted) netted, \(ret.kept) kept, \(ret.dropped) dropped, \(ret.unmatched) with no earlier purchase (left out); \(money(ret.amount)) returned"
            if ret.periodsCancelled > 0 { returnDetail += "; \(ret.periodsCancelled) purchases fully returned" }
        }
        out += line("returns (negative)", ret.total, returnDetail)
        out += line("cancelled status", r.cancelled, r.cancelled > 0 ? "left out" : "")
        out += line("after observation end", r.afterObservationEnd, r.afterObservationEnd > 0 ? "left out" : "")
        let rejected = r.rejected.values.reduce(0, +)
        out += line("rejected", rejected, reasons(r.rejected))
        if r.blankLines > 0 { out += line("blank lines", r.blankLines) }
        out += "  outliers (flagged, kept): \(r.outliers.count) orders above \(NumberText.plain(r.outliers.factor))× the median order (\(money(r.outliers.medianOrder)))\n"
        for o in r.outliers.examples.prefix(5) {
            out += "    line \(o.line): \(o.customerID) \(o.date.iso) \(money(o.amount))\n"
        }
        out += "  customers \(r.customers), orders \(r.orders), purchase days \(r.purchasePeriods), total spend \(money(r.totalSpend))"
        if let first = r.firstDate, let last = r.lastDate { out += ", dates \(first.iso) … \(last.iso)" }
        if let end = r.observationEnd { out += ", observation end \(end.iso)" }
        out += "\n"
        if r.customersWithoutPurchases > 0 {
            out += "  \(customersHave(r.customersWithoutPurchases)) no purchase left once returns are netted\n"
        }
        out += examples(r.examples)
        return out
    }

    static func render(_ r: TableFileReport) -> String {
        var out = "\(r.kind.capitalized): \(r.file)  (encoding \(r.encoding))\n"
        out += "  columns: " + r.columns.sorted { $0.key < $1.key }.map { "\($0.key) ← \($0.value)" }.joined(separator: ", ") + "\n"
        if !r.missingColumns.isEmpty { out += "  absent (optional): \(r.missingColumns.joined(separator: ", "))\n" }
        out += line("rows read", r.rowsRead)
        out += line("accepted", r.accepted)
        out += line("exact duplicates", r.duplicates, r.duplicates > 0 ? "left out" : "")
        out += line("rejected", r.rejected.values.reduce(0, +), reasons(r.rejected))
        if r.blankLines > 0 { out += line("blank lines", r.blankLines) }
        if r.unknownCustomers > 0 { out += line("unknown customers", r.unknownCustomers, "rows whose customer has no transactions (kept)") }
        if r.afterObservationEnd > 0 { out += line("after observation end", r.afterObservationEnd, "flagged, kept") }
        if r.datesOutOfOrder > 0 { out += line("dates out of order", r.datesOutOfOrder, "e.g. resolved before created (kept)") }
        if r.repeatedIDs > 0 { out += line("repeated customer ids", r.repeatedIDs, "\(r.conflictingNames) ids with different names") }
        let empty = r.emptyCells.filter { $0.value > 0 }
        if !empty.isEmpty { out += "  empty cells: " + reasons(empty) + "\n" }
        out += examples(r.examples)
        return out
    }

    static func examples(_ rows: [RejectedRow]) -> String {
        guard !rows.isEmpty else { return "" }
        var out = "  first rows set aside:\n"
        for row in rows.prefix(10) {
            let column = row.column.map { " [\($0)]" } ?? ""
            let raw = row.raw.count > 80 ? String(row.raw.prefix(77)) + "..." : row.raw
            out += "    line \(row.line)\(column): \(row.reason)\(raw.isEmpty ? "" : "  | \(raw)")\n"
        }
        return out
    }

    /// One row per file and check, for `--format csv`.
    static func table(_ profile: DataSetProfile) -> OutputTable {
        var rows: [(String, String, String, Int)] = []
        if let t = profile.transactions {
            let f = t.file
            rows += [(f, "transactions", "rows_read", t.rowsRead), (f, "transactions", "accepted", t.accepted),
                     (f, "transactions", "duplicates", t.duplicates), (f, "transactions", "returns_netted", t.returns.netted),
                     (f, "transactions", "returns_kept", t.returns.kept), (f, "transactions", "returns_dropped", t.returns.dropped),
                     (f, "transactions", "returns_unmatched", t.returns.unmatched), (f, "transactions", "cancelled", t.cancelled),
                     (f, "transactions", "after_observation_end", t.afterObservationEnd), (f, "transactions", "blank_lines", t.blankLines)]
            rows += t.rejected.sorted { $0.key < $1.key }.map { (f, "transactions", "rejected_\($0.key)", $0.value) }
            rows += [(f, "transactions", "zero_amounts", t.zeroAmounts), (f, "transactions", "outliers", t.outliers.count),
                     (f, "transactions", "customers", t.customers), (f, "transactions", "orders", t.orders)]
        }
        for r in profile.files {
            let f = r.file
            rows += [(f, r.kind, "rows_read", r.rowsRead), (f, r.kind, "accepted", r.accepted), (f, r.kind, "duplicates", r.duplicates),
                     (f, r.kind, "blank_lines", r.blankLines)]
            rows += r.rejected.sorted { $0.key < $1.key }.map { (f, r.kind, "rejected_\($0.key)", $0.value) }
            rows += [(f, r.kind, "unknown_customers", r.unknownCustomers), (f, r.kind, "after_observation_end", r.afterObservationEnd),
                     (f, r.kind, "dates_out_of_order", r.datesOutOfOrder), (f, r.kind, "conflicting_names", r.conflictingNames)]
        }
        let table = rows
        return OutputTable(columns: ["file", "kind", "check", "count"], rowCount: table.count) { r, k in
            let row = table[r]
            switch k {
            case 0: return .text(row.0)
            case 1: return .text(row.1)
            case 2: return .text(row.2)
            default: return .int(row.3)
            }
        }
    }
}

/// A quarantine file created only when the first row arrives.
final class LazyQuarantineFile: QuarantineSink {
    let path: String
    private var file: QuarantineFile?
    var count: Int { file?.count ?? 0 }

    init(path: String) { self.path = path }

    func record(_ row: RejectedRow) throws {
        if file == nil { file = try QuarantineFile(path: path) }
        try file?.record(row)
    }

    private var closed = false

    /// Flushes and closes the file; later calls do nothing.
    func close() throws {
        guard !closed else { return }
        closed = true
        try file?.close()
    }
}

/// Pretty, key-sorted JSON of an Encodable value.
func jsonText<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
}
