/// The cells of a ``TableRow`` as UTF-8 bytes, for hot loops that would otherwise build a String
/// per row (a feedback text scored over a million rows).
extension TableRow {
    /// Calls `body` with the UTF-8 bytes of a schema column, trimmed of spaces and tabs; nil when
    /// the file lacks the column or the cell is empty. The bytes are valid only during the call.
    public func withText<R>(_ role: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        guard let index = mapping.indexes[role] else { return nil }
        return try withField(index, body)
    }

    /// Calls `body` with the trimmed UTF-8 bytes of field `index`; nil when empty or out of range.
    public func withField<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        // The reader is alive for the whole visit: reached without a retain and release (one
        // pair per row and call otherwise, a few percent of a surveys read).
        try Unmanaged.passUnretained(reader)._withUnsafeGuaranteedRef { reader in
            guard index >= 0, index < reader.fieldCount else { return nil }
            return try reader.withField(index) { raw in
                let bytes = TransactionLoader.trimmed(raw)
                return bytes.isEmpty ? nil : try body(bytes)
            }
        }
    }

    /// The index of the column whose header is `name` (exact match first, then case-insensitive).
    public func columnIndex(header name: String) -> Int? {
        header.firstIndex(of: name) ?? header.firstIndex { $0.lowercased() == name.lowercased() }
    }
}
