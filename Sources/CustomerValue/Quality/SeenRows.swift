/// The rows of a file seen so far, to set exact duplicates aside: a row is a duplicate only
/// when its bytes equal an earlier row's, not merely its 64-bit hash (two different rows share a
/// hash with a chance of about 3e-8 among a million rows; such a row is kept).
///
/// A row is found again by where it lies in the reader's decoded text: in a UTF-8 file that is
/// the file itself, read again on a hash match (rare: true duplicates and collisions), so memory
/// stays at a table slot and 12 bytes per row. Other encodings keep a copy of every first row's bytes.
struct SeenRows {
    private var hashes: RowHashSet
    /// Where each remembered row lies (by row number): its offset in the reader's decoded text
    /// or in `copies`, and its length (a record is at most 64 MB: it fits 32 bits).
    private var offsets: [Int] = []
    private var lengths: [Int32] = []
    /// Files not in UTF-8: the bytes of every row kept, end to end.
    private var copies: [UInt8] = []
    private let keepsCopies: Bool
    /// Tests: ANDed into every row hash, so that a narrow mask forces collisions.
    let hashMask: UInt64

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
        if try !isNew(reader, hash: hash, length: length) { return true }
        offsets.append(keepsCopies ? copies.count : reader.recordOffset)
        lengths.append(Int32(length))
        if keepsCopies { reader.withRawRecord { copies.append(contentsOf: $0) } }
        return false
    }

    /// Inserts the row; false when an earlier row has the same bytes. (A function of its own so
    /// that the arrays it reads are released before the caller appends to them.)
    private mutating func isNew(_ reader: CSVReader, hash: UInt64, length: Int) throws -> Bool {
        let copies = copies
        let offsets = offsets
        let lengths = lengths
        let keepsCopies = keepsCopies
        return try hashes.insert(hash & hashMask, row: offsets.count) { earlier in
            guard Int(lengths[earlier]) == length else { return false }
            let start = offsets[earlier]
            return try reader.withRawRecord { row in
                if keepsCopies {
                    return copies.withUnsafeBufferPointer { all in row.elementsEqual(all[start..<(start + length)]) }
                }
                guard let same = try reader.withDecodedBytes(at: start, count: length, { $0.elementsEqual(row) }) else {
                    preconditionFailure("a UTF-8 file's rows can always be read again")
                }
                return same
            }
        }
    }
}
