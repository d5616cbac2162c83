/// Interns identifiers (customer ids) given as UTF-8 bytes, handing out dense indexes 0, 1, 2, …
/// in order of first appearance.
///
/// Open addressing over one byte arena: no String and no allocation per row, which matters
/// when millions of rows are read.
/// - Complexity: O(length) expected per lookup.
public struct IdentifierTable: Sendable {
    private var arena: [UInt8] = []
    private var offsets: [Int] = [0]          // id k occupies arena[offsets[k]..<offsets[k+1]]
    private var hashes: [UInt64] = []
    private var slots: [Int32]                // -1 = empty, else id index
    private var mask: Int

    /// Number of distinct identifiers.
    public var count: Int { hashes.count }

    public init(expectedCount: Int = 1024) {
        var size = 1024
        while size < expectedCount * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        // FNV-1a over 8-byte words, then a 64-bit finaliser (splitmix64) to spread the bits.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var i = 0
        let n = bytes.count
        if let base = bytes.baseAddress {
            while i + 8 <= n {
                let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                h = (h ^ w) &* 0x0000_0100_0000_01B3
                i += 8
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

    /// The index of `bytes`, adding it when new.
    @inline(__always)
    public mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let h = IdentifierTable.hash(bytes)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let k = slots[slot]
            if k < 0 { break }
            if hashes[Int(k)] == h && equals(Int(k), bytes) { return k }
            slot = (slot + 1) & mask
        }
        let index = Int32(hashes.count)
        slots[slot] = index
        hashes.append(h)
        arena.append(contentsOf: bytes)
        offsets.append(arena.count)
        if hashes.count * 2 > slots.count { grow() }
        return index
    }

    /// The index of `bytes` if present.
    public func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        let h = IdentifierTable.hash(bytes)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let k = slots[slot]
            if k < 0 { return nil }
            if hashes[Int(k)] == h && equals(Int(k), bytes) { return k }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    private func equals(_ k: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = offsets[k]
        let e = offsets[k + 1]
        guard e - s == bytes.count else { return false }
        return arena.withUnsafeBufferPointer { a in
            for j in 0..<bytes.count where a[s + j] != bytes[j] { return false }
            return true
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for k in 0..<hashes.count {
            var slot = Int(truncatingIfNeeded: hashes[k]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(k)
        }
    }

    /// The identifier at `index` as a String.
    public func string(at index: Int) -> String {
        arena.withUnsafeBufferPointer { a in
            String(decoding: UnsafeBufferPointer(rebasing: a[offsets[index]..<offsets[index + 1]]), as: UTF8.self)
        }
    }

    /// Calls `body` with the UTF-8 bytes of the identifier at `index`.
    public func withBytes<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try arena.withUnsafeBufferPointer { a in
            try body(UnsafeBufferPointer(rebasing: a[offsets[index]..<offsets[index + 1]]))
        }
    }
}
