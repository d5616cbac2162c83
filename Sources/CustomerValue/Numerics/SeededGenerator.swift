/// A fast, reproducible random number generator: xoshiro256** seeded through splitmix64.
///
/// Every random choice in the library comes from a generator passed in, so a result is
/// reproducible from its seed. xoshiro256** (Blackman & Vigna, 2021, "Scrambled linear
/// pseudorandom number generators", ACM Transactions on Mathematical Software 47(4)) has a
/// period of 2^256 − 1, passes BigCrush and PractRand, and needs four 64-bit words of state.
/// The authors recommend filling that state from a splitmix64 sequence (Steele, Lea & Flood,
/// 2014, "Fast splittable pseudorandom number generators", OOPSLA), which is what the
/// initialisers do: any 64-bit seed, including 0, gives a well-mixed, non-zero state.
///
/// The output sequence for a seed is fixed by this file and does not depend on the platform,
/// so tests may compare against it. Use ``init(seed:stream:)`` to give independent parts of a
/// computation (blocks of customers, one file each) their own streams, so that the result does
/// not depend on how the work is split across threads.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator whose sequence is determined by `seed`.
    /// - Parameter seed: any 64-bit value; 0 is fine.
    public init(seed: UInt64) {
        var mixer = SplitMix64(state: seed)
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
        // splitmix64 is a bijection of its counter, so four consecutive outputs are never all
        // zero; the check only documents the one state xoshiro must not be in.
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }
    }

    /// Creates the generator of one numbered stream derived from `seed`.
    ///
    /// Different `(seed, stream)` pairs give unrelated sequences: the pair is hashed with the
    /// splitmix64 finaliser into a single seed for ``init(seed:)``. Use it to give each block of
    /// work its own generator, so the output of a block does not depend on which thread ran it
    /// or on how many values other blocks drew.
    /// - Parameters:
    ///   - seed: the user's seed.
    ///   - stream: any number naming the stream (e.g. `block << 8 | file`).
    public init(seed: UInt64, stream: UInt64) {
        let streamKey = SplitMix64.mix(stream &+ 0x632B_E59B_D9B4_E019)
        self.init(seed: SplitMix64.mix(seed ^ streamKey) ^ stream)
    }

    /// Creates a generator from a raw xoshiro256 state (not all zero), for checking the
    /// algorithm against its published test vectors.
    init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(state.0 | state.1 | state.2 | state.3 != 0, "xoshiro256 state must not be all zero")
        (s0, s1, s2, s3) = state
    }

    /// Returns the next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// Advances the state by 2^128 steps, as if `next()` had been called 2^128 times.
    ///
    /// Successive jumps give 2^128 non-overlapping subsequences, the authors' recommended way to
    /// make streams for parallel work when they are created one after another.
    /// - Complexity: 256 steps of the generator.
    public mutating func jump() {
        let polynomial: [UInt64] = [
            0x180E_C6D3_3CFD_0ABA, 0xD5A6_1266_F0C9_392C, 0xA958_2618_E03F_C9AA, 0x39AB_DC45_29B1_661C,
        ]
        var t0: UInt64 = 0, t1: UInt64 = 0, t2: UInt64 = 0, t3: UInt64 = 0
        for word in polynomial {
            for bit in 0..<64 {
                if word & (1 << UInt64(bit)) != 0 {
                    t0 ^= s0
                    t1 ^= s1
                    t2 ^= s2
                    t3 ^= s3
                }
                _ = next()
            }
        }
        s0 = t0
        s1 = t1
        s2 = t2
        s3 = t3
    }

    @inline(__always)
    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

/// splitmix64 (Steele, Lea & Flood 2014): a Weyl sequence passed through a 64-bit finaliser.
/// Used only to expand a seed into xoshiro's state.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The splitmix64 output function: a bijective avalanche of all 64 bits.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
