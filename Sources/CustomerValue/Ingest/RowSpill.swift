import Foundation

/// A file in `FileManager.default.temporaryDirectory` that is unlinked as soon as it is
/// opened: it is gone when its descriptor is closed (when the last reference goes), whether
/// the load ends normally, throws, or the process is killed. Arrays of plain numbers are
/// appended at its end and read back from given offsets.
final class TemporaryFile {
    private let fd: Int32
    /// Bytes written so far.
    private(set) var size = 0

    /// - Throws: ``InputError`` when the file cannot be created.
    init() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cva-rows-\(UUID().uuidString).bin").path
        fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw InputError(file: path, message: "cannot create a temporary file for the rows beyond the row budget: \(String(cString: strerror(errno)))")
        }
        unlink(path)
    }

    deinit { close(fd) }

    /// Appends elements `range` of `values`.
    /// - Throws: ``InputError`` when the disk is full or the write fails.
    func append<T: AdditiveArithmetic>(_ values: [T], _ range: Range<Int>) throws {
        try values.withUnsafeBytes { all in
            let stride = MemoryLayout<T>.stride
            var base = range.lowerBound * stride
            let upper = range.upperBound * stride
            while base < upper {
                let n = pwrite(fd, all.baseAddress.map { $0 + base }, upper - base, off_t(size))
                guard n > 0 else { throw failure("write") }
                base += n
                size += n
            }
        }
    }

    /// Appends to `values` the `count` elements stored from byte `offset`, and moves `offset`
    /// past them.
    /// - Throws: ``InputError`` when the read fails.
    func read<T: AdditiveArithmetic>(_ count: Int, at offset: inout Int, into values: inout [T]) throws {
        let old = values.count
        let stride = MemoryLayout<T>.stride
        let bytes = count * stride
        // Zeros first (a memset), then the file's bytes over them.
        values.append(contentsOf: repeatElement(.zero, count: count))
        try values.withUnsafeMutableBytes { all in
            var done = 0
            while done < bytes {
                let n = pread(fd, all.baseAddress.map { $0 + old * stride + done }, bytes - done, off_t(offset + done))
                guard n > 0 else { throw failure("read") }
                done += n
            }
        }
        offset += bytes
    }

    private func failure(_ what: String) -> InputError {
        InputError(file: FileManager.default.temporaryDirectory.path,
                   message: "cannot \(what) a temporary file of rows beyond the row budget: \(String(cString: strerror(errno))) (is the disk full?)")
    }
}

/// Parsed rows waiting on disk: where the rows beyond the row budget
/// (``TransactionIngestOptions/rowBudget``) go.
///
/// Each chunk stores the six columns of ``RowColumns`` one after the other (28 bytes a row),
/// then the positions within the chunk of the rows keyed by their line number (see
/// ``ParsedRows/lineKeyedRows``); where each chunk starts is kept in memory.
final class RowSpillFile {
    private let file: TemporaryFile
    private(set) var chunks: [(offset: Int, rows: Int, lineKeyed: Int)] = []
    /// Rows written so far.
    private(set) var rowCount = 0

    /// - Throws: ``InputError`` when the file cannot be created.
    init() throws { file = try TemporaryFile() }

    /// Appends rows `range` of `rows` as one chunk, with `lineKeyed` (positions relative to
    /// `range.lowerBound`) the rows among them whose order key is their line number.
    /// - Throws: ``InputError`` when the disk is full or the write fails.
    func append(_ rows: RowColumns, range: Range<Int>, lineKeyed: [Int32] = []) throws {
        guard !range.isEmpty else { return }
        let start = file.size
        try file.append(rows.customer, range)
        try file.append(rows.day, range)
        try file.append(rows.amount, range)
        try file.append(rows.orderKey, range)
        try file.append(rows.line, range)
        try file.append(rows.hash, range)
        try file.append(lineKeyed, 0..<lineKeyed.count)
        chunks.append((start, range.count, lineKeyed.count))
        rowCount += range.count
    }

    /// Appends the rows of chunk `k` to `rows`, and their line-keyed positions (relative to
    /// the chunk) to `lineKeyed`.
    /// - Throws: ``InputError`` when the read fails.
    func read(chunk k: Int, into rows: inout RowColumns, lineKeyed: inout [Int32]) throws {
        let chunk = chunks[k]
        var offset = chunk.offset
        try file.read(chunk.rows, at: &offset, into: &rows.customer)
        try file.read(chunk.rows, at: &offset, into: &rows.day)
        try file.read(chunk.rows, at: &offset, into: &rows.amount)
        try file.read(chunk.rows, at: &offset, into: &rows.orderKey)
        try file.read(chunk.rows, at: &offset, into: &rows.line)
        try file.read(chunk.rows, at: &offset, into: &rows.hash)
        try file.read(chunk.lineKeyed, at: &offset, into: &lineKeyed)
    }
}
