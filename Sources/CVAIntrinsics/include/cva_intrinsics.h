#ifndef CVA_INTRINSICS_H
#define CVA_INTRINSICS_H

#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// Hints the processor to bring the cache line holding `address` into all cache levels for a
/// read soon (a prefetch: no fault, no effect on the program's results). Swift has no prefetch
/// of its own; the tree learner's histogram loop uses it to fetch the data of rows a few
/// iterations ahead, whose addresses are known but scattered.
static inline void cva_prefetch(const void *address) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address, 0, 3);
#else
    (void)address;
#endif
}

/// The "stop" bytes among the 64 bytes at `bytes` (all readable), one bit per byte (bit k for
/// `bytes[k]`): bytes below 0x20 (line feed, carriage return, tab and other controls), bytes of
/// 0x80 and above (multi-byte UTF-8), the double quote and `delimiter`. A CSV scan splits a line
/// at these bytes and steps over every other byte 64 at a time; on x86-64 the test takes four
/// 16-byte SSE2 compares, elsewhere a plain loop.
static inline uint64_t cva_stop_mask64(const uint8_t *bytes, uint8_t delimiter) {
#if defined(__SSE2__)
    const __m128i control = _mm_set1_epi8(0x20);
    const __m128i quote = _mm_set1_epi8(0x22);
    const __m128i separator = _mm_set1_epi8((char)delimiter);
    uint64_t mask = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(bytes + 16 * k));
        // Signed: bytes of 0x80 and above are negative, so below 0x20 as well.
        __m128i stop = _mm_or_si128(_mm_cmplt_epi8(v, control),
                                    _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, separator)));
        mask |= (uint64_t)(uint32_t)_mm_movemask_epi8(stop) << (16 * k);
    }
    return mask;
#else
    uint64_t mask = 0;
    for (int k = 0; k < 64; k++) {
        uint8_t b = bytes[k];
        if (b < 0x20 || b >= 0x80 || b == 0x22 || b == delimiter) mask |= (uint64_t)1 << k;
    }
    return mask;
#endif
}

#endif
