import Foundation

/// One row of `transactions.csv` before formatting, 16 bytes, as kept in the temporary runs.
struct TransactionRecord {
    /// Amount in cents (negative for a return).
    var cents: Int64
    /// 0-based customer index.
    var customer: UInt32
    /// Days since the configuration's start.
    var day: UInt16
    /// Index into ``SyntheticVocabulary/categories``.
    var category: UInt8
    /// Bits 0–2: channel index; bits 3–6: ``InjectedProblem`` raw value (0 for a clean row);
    /// bit 7: which variant of the problem's text.
    private var flags: UInt8

    init(customer: Int, day: Int, cents: Int64, category: Int, channel: Int) {
        self.cents = cents
        self.customer = UInt32(truncatingIfNeeded: customer)
        self.day = UInt16(truncatingIfNeeded: day)
        self.category = UInt8(truncatingIfNeeded: category)
        self.flags = UInt8(truncatingIfNeeded: channel) & 7
    }

    var channel: Int { Int(flags & 7) }

    /// The injected problem, or nil for a clean purchase.
    var problem: InjectedProblem? {
        get { InjectedProblem(rawValue: Int(flags >> 3 & 15)) }
        set { flags = flags & 0b1000_0111 | UInt8(truncatingIfNeeded: newValue?.rawValue ?? 0) << 3 }
    }

    var variant: Int {
        get { Int(flags >> 7) }
        set { flags = flags & 0b0111_1111 | UInt8(truncatingIfNeeded: newValue & 1) << 7 }
    }
}

/// Sorts the rows of `transactions.csv` by day without holding them all in memory.
///
/// Rows arrive per customer, in customer order. Each is appended to the bucket of its day
/// (about 64 buckets over the observation window); a bucket that grows past
/// ``spillThreshold`` rows is appended to its own temporary file. At the end each bucket is read
/// back alone and counting-sorted by day, which is stable, so rows of the same day keep their
/// arrival order (customer order, a duplicate right after its original). Memory is the pending
/// rows plus the largest bucket; disk is 16 bytes per row.
struct TransactionRuns {
    static let spillThreshold = 32_768

    let directory: URL
    let bucketDays: Int
    let bucketCount: Int
    private var pending: [[TransactionRecord]]
    private var handles: [FileHandle?]
    /// Rows appended so far.
    private(set) var total = 0

    /// - Parameters:
    ///   - directory: an existing folder for the temporary files.
    ///   - observationDays: days in the observation window (every row's day is below it).
    init(directory: URL, observationDays: Int) {
        precondition(MemoryLayout<TransactionRecord>.stride == 16, "TransactionRecord is meant to pack into 16 bytes")
        self.directory = directory
        bucketDays = Swift.max(1, (observationDays + 63) / 64)
        bucketCount = (observationDays + bucketDays - 1) / bucketDays
        pending = Array(repeating: [], count: bucketCount)
        handles = Array(repeating: nil, count: bucketCount)
    }

    /// Adds one row.
    @inline(__always)
    mutating func append(_ record: TransactionRecord) throws {
        let bucket = Int(record.day) / bucketDays
        pending[bucket].append(record)
        total += 1
        if pending[bucket].count >= TransactionRuns.spillThreshold { try spill(bucket) }
    }

    private func runURL(_ bucket: Int) -> URL {
        directory.appendingPathComponent("transactions-\(bucket).run")
    }

    private mutating func spill(_ bucket: Int) throws {
        let url = runURL(bucket)
        do {
            if handles[bucket] == nil {
                guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                    throw SyntheticError("cannot create the temporary file \(url.path)")
                }
                handles[bucket] = try FileHandle(forWritingTo: url)
            }
            if let handle = handles[bucket] {
                try pending[bucket].withUnsafeBytes { try handle.write(contentsOf: $0) }
            }
        } catch let error as SyntheticError {
            throw error
        } catch {
            throw SyntheticError("cannot write the temporary file \(url.path): \(error.localizedDescription)")
        }
        pending[bucket].removeAll(keepingCapacity: true)
    }

    /// The rows of one bucket, sorted by day (stable), and frees the bucket.
    /// - Complexity: O(rows in the bucket + bucketDays).
    mutating func takeSortedBucket(_ bucket: Int) throws -> [TransactionRecord] {
        var records: [TransactionRecord] = []
        if let handle = handles[bucket] {
            let url = runURL(bucket)
            let data: Data
            do {
                try handle.close()
                handles[bucket] = nil
                let reader = try FileHandle(forReadingFrom: url)
                data = try reader.readToEnd() ?? Data()
                try reader.close()
                try FileManager.default.removeItem(at: url)
            } catch {
                throw SyntheticError("cannot read back the temporary file \(url.path): \(error.localizedDescription)")
            }
            let stride = MemoryLayout<TransactionRecord>.stride
            let spilled = data.count / stride
            records = [TransactionRecord](unsafeUninitializedCapacity: spilled + pending[bucket].count) { buffer, initialized in
                data.withUnsafeBytes { raw in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<spilled * stride]))
                }
                initialized = spilled
            }
        }
        records.append(contentsOf: pending[bucket])
        pending[bucket] = []

        // Counting sort on the day within the bucket.
        let firstDay = bucket * bucketDays
        var starts = [Int](repeating: 0, count: bucketDays + 1)
        for record in records { starts[Int(record.day) - firstDay + 1] += 1 }
        for d in 0..<bucketDays { starts[d + 1] += starts[d] }
        var isSorted = true
        for index in records.indices.dropFirst() where records[index].day < records[index - 1].day {
            isSorted = false
            break
        }
        if isSorted { return records }
        var sorted = [TransactionRecord](unsafeUninitializedCapacity: records.count) { buffer, initialized in
            for record in records {
                let slot = Int(record.day) - firstDay
                buffer.initializeElement(at: starts[slot], to: record)
                starts[slot] += 1
            }
            initialized = records.count
        }
        swap(&sorted, &records)
        return records
    }

    /// Closes and removes any temporary file left (after an error).
    mutating func discard() {
        for bucket in 0..<bucketCount {
            if let handle = handles[bucket] {
                try? handle.close()
                try? FileManager.default.removeItem(at: runURL(bucket))
                handles[bucket] = nil
            }
        }
    }
}
