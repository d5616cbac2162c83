import CVAIntrinsics
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A single pass over a large UTF-8 side file whose records are plain: no quotes, no carriage
/// returns, one record per line. The file is mapped into memory and scanned on two threads; a
/// record's bytes are read once, split into cells and checked against the schema straight from
/// the mapping (no record array, no String per cell), its hash kept for the duplicate check. The
/// file is cut into chunks of a megabyte or more at line breaks, and each thread takes the next
/// chunk when it is done with one: a thread slowed down (by the machine, or by rows that cost
/// more) leaves the rest to the other, where fixed halves left the other idle. Chunks keep their
/// own state and report, merged in file order.
///
/// Whatever the scan does not handle itself goes to the general reader
/// (``TableProfiler/profile(path:schema:delimiter:encoding:dateFormat:knownCustomers:observationEnd:quarantine:columns:parallel:makeState:visit:)``'s
/// row check), so reports, quarantined rows and messages are exactly the general path's:
/// - a record that would be rejected (a missing or out-of-scale answer, a bad date, a wrong
///   number of fields, a cell with spaces around it) is checked by the general row check on
///   its own bytes, after the scan, with its line number;
/// - a quote, carriage return or other control character (but tab) anywhere, bytes that are not
///   UTF-8, or a schema with checks the scan lacks (categories, date order, known customers,
///   observation end): nothing is used (``Outcome/notPlain``), and the caller reads the file the
///   general way.
enum PlainTableScan {
    enum Outcome<State> {
        /// The report and the states of the parts, in file order.
        case done(TableFileReport, [State])
        /// The file or schema needs the general reader.
        case notPlain
        /// Some row hash repeats: read on one thread with the exact row-by-row duplicate check.
        case repeats
    }

    /// A plain, accepted record, during ``PlainScanState/acceptPlain(values:record:)``.
    struct Record {
        unowned(unsafe) let context: TableRowContext
        let base: UnsafePointer<UInt8>
        let starts: UnsafeMutablePointer<Int>
        let ends: UnsafeMutablePointer<Int>

        /// Field `index`, trimmed of spaces and tabs; nil when empty. Valid during the call only.
        @inline(__always)
        func field(_ index: Int) -> UnsafeBufferPointer<UInt8>? {
            let cell = TransactionLoader.trimmed(UnsafeBufferPointer(start: base + starts[index], count: ends[index] - starts[index]))
            return cell.isEmpty ? nil : cell
        }
    }

    /// A part's result.
    private struct Part<State> {
        var part: ProfilePart
        var state: State
        /// Records for the general row check: byte range (with its line feed) and line within the part (0-based).
        var others: [(bytes: Range<Int>, line: Int)] = []
        var lines = 0
        var plain = true
    }

    private static let maximumFields = 64
    /// At most this many chunks (each holds a state and a report).
    private static let maximumChunks = 256

    /// Scans `path` when it is plain (see the type's comment).
    /// - Parameters:
    ///   - splitAt: tests: two parts, split at the first line break at or after this offset, whatever the file's size.
    ///   - chunkBytes: tests: chunks of this many bytes or more (to their next line break), whatever the file's size.
    ///   - makeState: a chunk's state; its ``PlainScanState/acceptPlain(values:record:)`` is called
    ///     with each plain accepted row (parsed values as ``TableRow``'s, and its cells).
    ///   - visit: called with each other accepted row, as the general reader does.
    static func profile<State: PlainScanState>(
        path: String, schema: FileSchema, delimiter: UInt8?, encoding: TextEncoding?, dateFormat: String?,
        quarantine: QuarantineSink?, columns: [String: String], splitAt: Int?, chunkBytes: Int? = nil,
        makeState: (Int) -> State,
        visit: (inout State, TableRow) throws -> Void
    ) throws -> Outcome<State> {
        let setup = try ProfileSetup(
            path: path, schema: schema, delimiter: delimiter, encoding: encoding, dateFormat: dateFormat,
            knownCustomers: nil, observationEnd: nil, columns: columns)
        guard setup.reader.encoding == .utf8, let fileSize = setup.reader.fileSize, !setup.isCustomersFile,
              setup.orderedSlots.isEmpty, setup.header.count <= maximumFields,
              setup.checkKind.indices.allSatisfy({ k in
                  setup.checkKind[k] <= 1 || setup.checkKind[k] == 4 || (setup.checkKind[k] == 2 && setup.checkWholeScale[k] != nil)
              })
        else { return .notPlain }
        let (dataStart, firstLine) = setup.reader.nextRecord
        let forced = splitAt != nil || chunkBytes != nil
        guard fileSize - dataStart >= (forced ? 1 : TableProfiler.minimumParallelBytes),
              forced || ProcessInfo.processInfo.activeProcessorCount > 1 else { return .notPlain }
        guard let file = MappedFile(path: path, size: fileSize) else { return .notPlain }
        let base = file.base
        /// Offset just past the first line feed at or after `offset` (the file's end when none).
        func lineEnd(from offset: Int) -> Int {
            guard offset < fileSize, let lf = memchr(base + offset, 0x0A, fileSize - offset) else { return fileSize }
            return base.distance(to: lf.assumingMemoryBound(to: UInt8.self)) + 1
        }
        // Chunk k holds the records that start in its nominal stretch of `size` bytes (none when a
        // record runs across the whole stretch). Its bounds are found by the thread that scans it,
        // just before: finding them all first touched a page of the file per chunk, and the
        // kernel mapped the pages around each, so the process held much of the file at once.
        let size: Int
        let chunkCount: Int
        if let splitAt {
            size = max(1, min(max(splitAt, dataStart), fileSize) - dataStart + 1)
            chunkCount = 2
        } else {
            size = max(1, chunkBytes ?? max(MappedWindow.step, (fileSize - dataStart) / maximumChunks + 1))
            chunkCount = max(1, (fileSize - dataStart + size - 1) / size)
        }
        /// Where chunk `k` starts: the first record start at or after its nominal start.
        func bound(_ k: Int) -> Int {
            if k == 0 { return dataStart }
            if k >= chunkCount { return fileSize }
            let nominal = dataStart + k * size
            return nominal > fileSize ? fileSize : lineEnd(from: nominal - 1)
        }

        let results = ParallelResults<Part<State>>(count: chunkCount)
        let context = TableRowContext(header: setup.header, mapping: setup.mapping, slots: setup.slots)
        // Each thread keeps its rows' hashes in buckets of its own, for all its chunks.
        let threadHashes = [RowHashBuckets(), RowHashBuckets()]
        let chunks = ChunkQueue(count: chunkCount)
        withoutActuallyEscaping(makeState) { makeState in
            withoutActuallyEscaping(bound) { bound in
                let box = UncheckedBox((setup: setup, makeState: makeState, bound: bound, context: context, base: base,
                                        threadHashes: threadHashes))
                DispatchQueue.concurrentPerform(iterations: 2) { t in
                    while let k = chunks.next() {
                        let range = box.value.bound(k)..<box.value.bound(k + 1)
                        var profile = ProfilePart(setup: box.value.setup, expectedBytes: range.count, deferDuplicates: true)
                        profile.rowHashes = box.value.threadHashes[t]
                        var part = Part(part: profile, state: box.value.makeState(k))
                        scan(box.value.base, range: range, setup: box.value.setup, context: box.value.context, into: &part)
                        if !part.plain { chunks.stop() }
                        results.set(k, part)
                    }
                }
            }
        }
        guard !chunks.stopped else { return .notPlain }

        // The records the scan left to the general row check, in file order within each chunk.
        let sinks = (0..<chunkCount).map { _ in QuarantineMemory() }
        var partLine = firstLine
        var states: [State] = []
        var total: ProfilePart?
        for k in 0..<chunkCount {
            let part = try results.value(k)
            var state = part.state
            var profile = part.part
            for other in part.others {
                let reader = try CSVReader(path: path, delimiter: setup.reader.delimiter, range: other.bytes, firstLine: partLine + other.line)
                try profile.scan(reader, setup: setup, quarantine: sinks[k]) { row in try visit(&state, row) }
            }
            partLine += part.lines
            states.append(state)
            if total == nil { total = profile } else { total?.merge(profile) }
        }
        results.clear()
        if RowHashes.containsDuplicate(threadHashes) { return .repeats }
        guard let total else { return .notPlain }
        if let quarantine {
            for sink in sinks { for row in sink.rows { try quarantine.record(row) } }
        }
        return .done(try total.finish(setup: setup), states)
    }

    /// Byte classes of the scan: 0 plain ASCII, 1 the delimiter, 2 a line feed, 3 a byte of a
    /// multi-byte UTF-8 character, 4 a quote, carriage return or other control character but
    /// tab (not plain).
    private static func classes(delimiter: UInt8) -> [UInt8] {
        var table = [UInt8](repeating: 0, count: 256)
        for b in 0x80..<0x100 { table[b] = 3 }
        // Control characters (an id holding one is set aside) send the file to the general reader.
        for b in 0..<0x20 where b != 0x09 { table[b] = 4 }
        table[0x0A] = 2
        table[0x22] = 4
        table[Int(delimiter)] = 1
        return table
    }

    /// Scans the records of `range` (starting at a record).
    private static func scan<State: PlainScanState>(
        _ base: UnsafePointer<UInt8>, range: Range<Int>, setup: ProfileSetup, context: TableRowContext,
        into result: inout Part<State>
    ) {
        let classTable = classes(delimiter: setup.reader.delimiter)
        let checkIndex = setup.checkIndex
        let checkRequired = setup.checkRequired
        let checkKind = setup.checkKind
        let checkWholeScale = setup.checkWholeScale
        let parser = setup.parser
        let fieldCount = setup.header.count
        let hashMask = setup.rowHashMask
        var dates = DateCache()
        let values = UnsafeMutablePointer<Double>.allocate(capacity: max(1, checkIndex.count))
        values.initialize(repeating: .nan, count: max(1, checkIndex.count))
        let starts = UnsafeMutablePointer<Int>.allocate(capacity: maximumFields)
        let ends = UnsafeMutablePointer<Int>.allocate(capacity: maximumFields)
        defer {
            values.deallocate()
            starts.deallocate()
            ends.deallocate()
        }
        let record = Record(context: context, base: base, starts: starts, ends: ends)
        var part = result.part
        // Held here: reaching it through `part` per row cost a retain and a release.
        let rowHashes = part.rowHashes
        var state = result.state
        var others = result.others
        var line = 0
        var p = range.lowerBound
        let end = range.upperBound
        var window = MappedWindow(base: base, start: p, end: end)
        var stops = StopBytes(base: base, start: p, end: end, delimiter: setup.reader.delimiter)
        defer { window.release() }
        classTable.withUnsafeBufferPointer { classes in
            records: while p < end {
                if p >= window.next { window.advance(past: p) }
                let recordStart = p
                var fields = 0
                var fieldStart = p
                var multiByte = false
                // Split the record at its delimiters, up to its line feed (or the end).
                while true {
                    p = stops.next()
                    let c = p < end ? classes[Int(base[p])] : 2
                    if c == 0 { continue }   // a tab (a stop byte of no meaning here)
                    if c == 3 {
                        multiByte = true
                        continue
                    }
                    if c == 4 {
                        result.plain = false
                        return
                    }
                    if fields < maximumFields {
                        starts[fields] = fieldStart
                        ends[fields] = p
                    }
                    fields += 1
                    if p < end && c == 1 {
                        p += 1
                        fieldStart = p
                        continue
                    }
                    break
                }
                let recordEnd = p
                let next = min(p + 1, end)
                p = next
                let lineOfRecord = line
                line += 1
                let raw = UnsafeBufferPointer(start: base + recordStart, count: recordEnd - recordStart)
                if multiByte {
                    var validator = UTF8Validator()
                    if validator.validate(raw, isFinal: true) != nil {
                        result.plain = false
                        return
                    }
                }
                part.report.rowsRead += 1
                if fields == 1 && recordEnd == recordStart {
                    part.report.blankLines += 1
                    continue records
                }
                // Anything the row check would reject: checked by it, after the scan.
                func other() { others.append((recordStart..<next, lineOfRecord)); part.report.rowsRead -= 1 }
                guard fields == fieldCount else { other(); continue records }
                var emptyMask: UInt64 = 0
                for k in 0..<checkIndex.count {
                    values[k] = .nan
                    let index = checkIndex[k]
                    let cell = UnsafeBufferPointer(start: base + starts[index], count: ends[index] - starts[index])
                    let trimmed = TransactionLoader.trimmed(cell)
                    if trimmed.isEmpty {
                        if checkRequired[k] { other(); continue records }
                        emptyMask |= 1 << UInt64(k)
                        continue
                    }
                    switch checkKind[k] {
                    case 1:
                        guard let day = dates.day(trimmed, parser: parser) else { other(); continue records }
                        values[k] = Double(day.ordinal)
                    case 2:
                        guard let scale = checkWholeScale[k], let whole = WholeNumber.parse(trimmed), scale.contains(whole) else {
                            other()
                            continue records
                        }
                        values[k] = Double(whole)
                    default:
                        break
                    }
                }
                rowHashes.append(IdentifierTable.hash(raw) & hashMask)
                part.report.accepted += 1
                while emptyMask != 0 {
                    let k = emptyMask.trailingZeroBitCount
                    part.emptyCounts[k] += 1
                    emptyMask &= emptyMask - 1
                }
                state.acceptPlain(values: values, record: record)
            }
        }
        result.part = part
        result.state = state
        result.others = others
        result.lines = line
    }
}

/// The positions of the bytes a plain scan stops at (delimiters, line feeds and the bytes
/// ``cva_stop_mask64(_:_:)`` lists), in order: the bytes are tested 64 at a time and each stop
/// costs a bit scan, where a byte-by-byte loop cost a table look-up and a branch per byte.
struct StopBytes {
    let base: UnsafePointer<UInt8>
    let end: Int
    let delimiter: UInt8
    /// Start of the 64 bytes `bits` describes.
    private var block: Int
    /// The stops of the block not returned yet.
    private var bits: UInt64

    init(base: UnsafePointer<UInt8>, start: Int, end: Int, delimiter: UInt8) {
        self.base = base
        self.end = end
        self.delimiter = delimiter
        block = start
        bits = 0
        bits = mask(at: start)
    }

    /// The next stop's offset; `end` when there is none before it.
    @inline(__always)
    mutating func next() -> Int {
        while bits == 0 {
            block += 64
            if block >= end { return end }
            bits = mask(at: block)
        }
        let stop = block &+ bits.trailingZeroBitCount
        bits &= bits &- 1
        return stop
    }

    /// The stops among the 64 bytes at `start` (those before `end`).
    @inline(__always)
    private func mask(at start: Int) -> UInt64 {
        if end - start >= 64 { return cva_stop_mask64(base + start, delimiter) }
        var mask: UInt64 = 0
        for k in 0..<max(0, end - start) {
            let b = base[start + k]
            if b < 0x20 || b >= 0x80 || b == 0x22 || b == delimiter { mask |= 1 << UInt64(k) }
        }
        return mask
    }
}

/// The state a ``PlainTableScan`` keeps per chunk: it takes each plain accepted row. A protocol
/// rather than a closure, so that the scan, specialised for the state, calls it directly (a
/// closure of a generic state went through a reabstraction thunk per row). Its metatype is
/// sendable: the scan's threads call the state's methods.
protocol PlainScanState: SendableMetatype {
    /// Takes one plain accepted row: `values` are its parsed columns (``TableRow``'s slots, NaN
    /// when blank), `record` its cells; both valid during the call only.
    mutating func acceptPlain(values: UnsafeMutablePointer<Double>, record: PlainTableScan.Record)
}

/// The chunks of a file handed out to the threads, in file order, one at a time.
final class ChunkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private let count: Int
    // Guarded by `lock`.
    private var taken = 0
    private var halted = false

    init(count: Int) { self.count = count }

    /// The next chunk not taken yet; nil when all are taken or ``stop()`` was called.
    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard !halted && taken < count else { return nil }
        taken += 1
        return taken - 1
    }

    /// Hands out no more chunks.
    func stop() {
        lock.lock()
        halted = true
        lock.unlock()
    }

    /// Whether ``stop()`` was called.
    var stopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return halted
    }
}

/// The part of a mapped file a scan is in: the pages of the next few megabytes are mapped ahead
/// of the scan (Linux `MADV_POPULATE_READ`: one call instead of a page fault per 4 KB), and
/// those it has left are dropped (`MADV_DONTNEED`; they are the page cache's, read again on
/// access), so the process holds a few megabytes of the file, not all of it.
struct MappedWindow {
    static let step = 1 << 20
    let base: UnsafePointer<UInt8>
    let end: Int
    /// Offset where the next window starts (a multiple of ``step``).
    private(set) var next: Int
    private var dropFrom: Int

    init(base: UnsafePointer<UInt8>, start: Int, end: Int) {
        self.base = base
        self.end = end
        next = start - start % Self.step
        dropFrom = next
    }

    /// Maps the window that holds `offset` ahead and drops what lies more than a window behind.
    mutating func advance(past offset: Int) {
        #if canImport(Glibc)
        let from = offset - offset % Self.step
        // A record may reach back into the window before: only older ones are dropped.
        if from - Self.step > dropFrom {
            _ = madvise(UnsafeMutableRawPointer(mutating: base + dropFrom), from - Self.step - dropFrom, 4)   // MADV_DONTNEED
            dropFrom = from - Self.step
        }
        let to = min(from + Self.step, end)
        _ = madvise(UnsafeMutableRawPointer(mutating: base + from), to - from, 22)   // MADV_POPULATE_READ (Linux 5.14)
        next = from + Self.step
        #endif
    }

    /// Drops the pages the scan mapped.
    func release() {
        #if canImport(Glibc)
        let to = min(next, end)
        if to > dropFrom { _ = madvise(UnsafeMutableRawPointer(mutating: base + dropFrom), to - dropFrom, 4) }
        #endif
    }
}

/// A file mapped read-only into memory (Linux `mmap`), unmapped when released.
final class MappedFile {
    let base: UnsafePointer<UInt8>
    private let size: Int

    init?(path: String, size: Int) {
        #if canImport(Glibc)
        guard size > 0 else { return nil }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        base = UnsafePointer(p.assumingMemoryBound(to: UInt8.self))
        self.size = size
        #else
        return nil
        #endif
    }

    deinit {
        #if canImport(Glibc)
        munmap(UnsafeMutableRawPointer(mutating: base), size)
        #endif
    }
}
