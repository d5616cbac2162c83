#ifndef CVA_INTRINSICS_H
#define CVA_INTRINSICS_H

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

#endif
