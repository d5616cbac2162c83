#if canImport(Glibc)
import Glibc
#endif

/// Interns identifiers (customer ids) given as UTF-8 bytes, handing out dense indexes 0, 1, 2, …
/// in order of first appearance.
///
/// Open addressing with 24-byte slots that hold the first sixteen bytes of the key, its length,
/// index and a hash tag: an id of up to sixteen bytes (most CRM ids) is found with one memory
/// access, longer ones (UUIDs, e-mail addresses) with one more into the byte arena. No String and no allocation per row,
/// which matters when millions of rows are read.
/// - Complexity: O(length) expected per lookup.
public struct IdentifierTable: Sendable {
    private var arena: [UInt8] = []
    private var offsets: [UInt32] = [0]      // id k occupies arena[offsets[k]..<offsets[k+1]]
    private var slots: [Slot]
    private var mask: Int
    private var used = 0

    /// One slot: `prefix` = the key's first sixteen bytes (zero padded); `meta` = index (low 32
    /// bits, all ones when empty) | min(length, 255) << 32 | hash tag << 40.
    struct Slot {
        var prefix: Prefix
        var meta: UInt64
        static let empty = Slot(prefix: Prefix(low: 0, high: 0), meta: UInt64(UInt32.max))
        @inline(__always) var isEmpty: Bool { UInt32(truncatingIfNeeded: meta) == UInt32.max }
        @inline(__always) var index: Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: meta)) }
    }

    /// Number of distinct identifiers.
    public var count: Int { used }

    public init(expectedCount: Int = 1024) {
        var size = 1024
        while size < expectedCount * 2 { size <<= 1 }
        slots = IdentifierTable.emptySlots(size)
        mask = size - 1
    }

    /// `count` empty slots. Every row probes the table at random, so a large table costs a TLB
    /// miss per probe with 4 KB pages: the slots are advised onto transparent huge pages (Linux
    /// `madvise`) before they are first written, which removes most of those misses.
    static func emptySlots(_ count: Int) -> [Slot] {
        HugePages.array(repeating: .empty, count: count)
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        // FNV-1a over 8-byte words, then a 64-bit finaliser (splitmix64) to spread the bits. A
        // key of 8 bytes or more ends with its last 8 bytes as one word (overlapping the word
        // before; the length, mixed in below, keeps keys of different lengths apart) instead of
        // up to 7 single bytes.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var i = 0
        let n = bytes.count
        if let base = bytes.baseAddress, n >= 8 {
            while i + 8 <= n {
                let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                h = (h ^ w) &* 0x0000_0100_0000_01B3
                i += 8
            }
            if i < n {
                let w = UnsafeRawPointer(base + n - 8).loadUnaligned(as: UInt64.self)
                h = (h ^ w) &* 0x0000_0100_0000_01B3
                i = n
            }
        }
        while i < n {
            h = (h ^ UInt64(bytes[i])) &* 0x0000_0100_0000_01B3
            i += 1
        }
        h ^= UInt64(n)
        h = (h ^ (h >> 30)) &* 0xbf58_476d_1ce4_e5b9
        h = (h ^ (h >> 27)) &* 0x94d0_49bb_1331_11eb
        return h ^ (h >> 31)
    }

    /// The first sixteen bytes of a key, zero padded.
    struct Prefix: Equatable {
        var low: UInt64
        var high: UInt64
    }

    @inline(__always)
    static func prefix(_ bytes: UnsafeBufferPointer<UInt8>) -> Prefix {
        var low: UInt64 = 0, high: UInt64 = 0
        let n = bytes.count
        if n >= 16, let base = bytes.baseAddress {
            low = UnsafeRawPointer(base).loadUnaligned(as: UInt64.self)
            high = UnsafeRawPointer(base + 8).loadUnaligned(as: UInt64.self)
        } else {
            for k in 0..<min(n, 8) { low |= UInt64(bytes[k]) << (8 * UInt64(k)) }
            if n > 8 { for k in 8..<n { high |= UInt64(bytes[k]) << (8 * UInt64(k - 8)) } }
        }
        return Prefix(low: low, high: high)
    }

    @inline(__always)
    static func metaKey(length: Int, hash: UInt64) -> UInt64 {
        UInt64(min(length, 255)) << 32 | (hash >> 40) << 40
    }

    /// The index of `bytes`, adding it when new.
    @inline(__always)
    public mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        intern(bytes, hash: IdentifierTable.hash(bytes))
    }

    /// Loads the slot where a probe for `hash` starts and returns a word of it, so that a caller
    /// can start the cache misses of many probes before making them (the loads overlap); the
    /// result only has to be kept somewhere so the load is not dropped.
    @inline(__always)
    func touch(hash h: UInt64) -> UInt64 {
        slots.withUnsafeBufferPointer { $0[Int(truncatingIfNeeded: h) & mask].meta }
    }

    /// ``intern(_:)`` with the id's ``hash(_:)`` already computed.
    @inline(__always)
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int32 {
        let key = IdentifierTable.metaKey(length: bytes.count, hash: h)
        let prefix = IdentifierTable.prefix(bytes)
        let (found, slot) = probe(bytes, key: key, prefix: prefix, hash: h)
        if let found { return found }
        let index = Int32(used)
        slots[slot] = Slot(prefix: prefix, meta: key | UInt64(UInt32(bitPattern: index)))
        used += 1
        arena.append(contentsOf: bytes)
        precondition(arena.count <= Int(UInt32.max), "more than 4 GB of customer ids")
        offsets.append(UInt32(truncatingIfNeeded: arena.count))
        if used * 2 > slots.count { grow() }
        return index
    }

    /// The index of `bytes` if present.
    public func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        let h = IdentifierTable.hash(bytes)
        return probe(bytes, key: IdentifierTable.metaKey(length: bytes.count, hash: h), prefix: IdentifierTable.prefix(bytes), hash: h).found
    }

    /// Linear probing from the key's home slot: the key's index, or the empty slot where it
    /// would go. Reads the slots through a raw buffer (the hot loop of loading).
    @inline(__always)
    private func probe(_ bytes: UnsafeBufferPointer<UInt8>, key: UInt64, prefix: Prefix, hash h: UInt64) -> (found: Int32?, slot: Int) {
        slots.withUnsafeBufferPointer { table in
            var slot = Int(truncatingIfNeeded: h) & mask
            while true {
                let s = table[slot]
                if s.isEmpty { return (nil, slot) }
                if s.meta & ~0xFFFF_FFFF == key && s.prefix == prefix && (bytes.count <= 16 || tailEquals(Int(s.index), bytes)) {
                    return (s.index, slot)
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The index of `text` if present.
    public func find(_ text: String) -> Int32? {
        var copy = text
        return copy.withUTF8 { find($0) }
    }

    @inline(__always)
    private func tailEquals(_ k: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = Int(offsets[k])
        let e = Int(offsets[k + 1])
        guard e - s == bytes.count else { return false }
        return arena.withUnsafeBufferPointer { a in
            for j in 16..<bytes.count where a[s + j] != bytes[j] { return false }
            return true
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        var bigger = IdentifierTable.emptySlots(size)
        let newMask = size - 1
        arena.withUnsafeBufferPointer { a in
            for k in 0..<used {
                let bytes = UnsafeBufferPointer(rebasing: a[Int(offsets[k])..<Int(offsets[k + 1])])
                let h = IdentifierTable.hash(bytes)
                var slot = Int(truncatingIfNeeded: h) & newMask
                while !bigger[slot].isEmpty { slot = (slot + 1) & newMask }
                bigger[slot] = Slot(
                    prefix: IdentifierTable.prefix(bytes),
                    meta: IdentifierTable.metaKey(length: bytes.count, hash: h) | UInt64(UInt32(k)))
            }
        }
        slots = bigger
        mask = newMask
    }

    /// The identifier at `index` as a String.
    public func string(at index: Int) -> String {
        arena.withUnsafeBufferPointer { a in
            String(decoding: UnsafeBufferPointer(rebasing: a[Int(offsets[index])..<Int(offsets[index + 1])]), as: UTF8.self)
        }
    }

    /// Calls `body` with the UTF-8 bytes of the identifier at `index`.
    public func withBytes<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try arena.withUnsafeBufferPointer { a in
            try body(UnsafeBufferPointer(rebasing: a[Int(offsets[index])..<Int(offsets[index + 1])]))
        }
    }
}

/// Transparent huge pages for large arrays probed at random.
enum HugePages {
    /// Advises the kernel to back the whole 2 MB pages inside `bytes` from `base` with huge
    /// pages (Linux `MADV_HUGEPAGE`; nothing elsewhere, and nothing for blocks under 4 MB).
    /// Call it before the memory is first written: pages already touched keep 4 KB pages.
    static func advise(_ base: UnsafeMutableRawPointer, bytes: Int) {
        #if canImport(Glibc)
        let huge = 2 << 20
        guard bytes >= 2 * huge else { return }
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + bytes) & ~(huge - 1)
        guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(p, end - start, MADV_HUGEPAGE)
        #endif
    }

    /// `count` copies of `value` in memory advised onto huge pages before it is written.
    static func array<T>(repeating value: T, count: Int) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress {
                advise(UnsafeMutableRawPointer(base), bytes: count * MemoryLayout<T>.stride)
                base.initialize(repeating: value, count: count)
            }
            initialized = count
        }
    }
}
