/// The rows of a file seen so far, to set exact duplicates aside: a row is a duplicate only
/// when its bytes equal an earlier row's, not merely its 64-bit hash (two different rows share a
/// hash with a chance of about 3e-8 among a million rows; such a row is kept).
///
/// A row is found again by where it lies in the reader's decoded text: in a UTF-8 file that is
/// the file itself, read again on a hash match (rare: true duplicates and collisions), so memory
/// stays at one table slot per row. Other encodings keep a copy of every first row's bytes.
struct SeenRows {
    private var hashes: RowHashSet
    /// Files not in UTF-8: the bytes of every row kept, end to end.
    private var copies: [UInt8] = []
    private let keepsCopies: Bool
    /// Rows whose length does not fit a location's 24 bits: location → length.
    private var longRows: [UInt64: Int] = [:]
    /// Tests: ANDed into every row hash, so that a narrow mask forces collisions.
    let hashMask: UInt64

    private static let lengthBits: UInt64 = 24
    private static let longLength: UInt64 = (1 << lengthBits) - 1

    init(expected: Int, keepsCopies: Bool, hashMask: UInt64 = .max) {
        hashes = RowHashSet(expected: expected)
        self.keepsCopies = keepsCopies
        self.hashMask = hashMask
    }

    /// The current row of `reader` (hash `hash`): true when an earlier row has the same bytes,
    /// else false and the row is remembered.
    /// - Throws: ``InputError`` when an earlier row cannot be read again.
    @inline(__always)
    mutating func isRepeat(_ reader: CSVReader, hash: UInt64) throws -> Bool {
        let length = reader.withRawRecord { $0.count }
        let offset = keepsCopies ? copies.count : reader.recordOffset
        let location = UInt64(offset) << Self.lengthBits | min(UInt64(length), Self.longLength)
        if try !isNew(reader, hash: hash, location: location, length: length) { return true }
        if keepsCopies { reader.withRawRecord { copies.append(contentsOf: $0) } }
        if UInt64(length) >= Self.longLength { longRows[location] = length }
        return false
    }

    /// Inserts the row; false when an earlier row has the same bytes. (A function of its own so
    /// that the copies it reads are released before the caller appends to them.)
    private mutating func isNew(_ reader: CSVReader, hash: UInt64, location: UInt64, length: Int) throws -> Bool {
        let copies = copies
        let longRows = longRows
        let keepsCopies = keepsCopies
        return try hashes.insert(hash & hashMask, location: location) { earlier in
            let start = Int(earlier >> Self.lengthBits)
            let packed = earlier & Self.longLength
            let count = packed == Self.longLength ? longRows[earlier] ?? -1 : Int(packed)
            guard count == length else { return false }
            return try reader.withRawRecord { row in
                if keepsCopies {
                    return copies.withUnsafeBufferPointer { all in row.elementsEqual(all[start..<(start + count)]) }
                }
                guard let same = try reader.withDecodedBytes(at: start, count: count, { $0.elementsEqual(row) }) else {
                    preconditionFailure("a UTF-8 file's rows can always be read again")
                }
                return same
            }
        }
    }
}
