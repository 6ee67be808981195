/* src/clones.h: versions of a hot column loop for the CPU at hand.
 *
 * ES_CLONES before a function makes GCC compile it three times, for AVX-512,
 * AVX2 and the x86-64 baseline, and pick one at load time (an ifunc);
 * ES_CLONES_V4 does the same with x86-64-v4 (AVX-512 with its 64-bit integer
 * multiplies) as the top version.  Only where that works: GCC on x86-64,
 * unless the build already targets AVX2 or better (-march=native) or
 * defines ES_NO_CLONES; elsewhere (clang, aarch64, ppc64le) they are empty
 * and the function is compiled once.
 *
 * Every function so marked does integer arithmetic, or floating-point
 * operations that round the same at every vector width (no contraction:
 * the build sets -ffp-contract=off), so each version gives the same bits. */
#ifndef ES_CLONES_H
#define ES_CLONES_H

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__AVX2__) &&       \
    !defined(ES_NO_CLONES)
#define ES_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#define ES_CLONES_V4 __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define ES_CLONES
#define ES_CLONES_V4
#endif

#endif
