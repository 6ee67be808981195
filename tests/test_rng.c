/* tests/test_rng.c: Philox streams against Random123's known answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the four headers above first */
#include <cmocka.h>

#include <math.h>

#include <Random123/philox.h>

#include "rng.h"

/* Random123 kat_vectors: philox4x32 10, counter 0 and key 0 */
static void test_known_answer_zero(void **state)
{
    (void)state;
    uint32_t w[4];
    es_rng_words(0, 0, 0, w);
    assert_int_equal(w[0], 0x6627e8d5u);
    assert_int_equal(w[1], 0xe169c58du);
    assert_int_equal(w[2], 0xbc57ac4cu);
    assert_int_equal(w[3], 0x9b00dbd8u);
}

/* The layout: counter (index low, index high, dimension, 0), key (seed low,
 * seed high), checked against the library called directly; and the library
 * itself against kat_vectors' digits-of-pi case. */
static void test_counter_layout(void **state)
{
    (void)state;
    philox4x32_ctr_t pc = {{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}};
    philox4x32_key_t pk = {{0xa4093822u, 0x299f31d0u}};
    philox4x32_ctr_t pr = philox4x32(pc, pk);
    assert_int_equal(pr.v[0], 0xd16cfe09u);
    assert_int_equal(pr.v[3], 0x24126ea1u);

    uint64_t seed = 0x299f31d0a4093822ull, index = 0x85a308d3243f6a88ull;
    uint32_t dim = 0x13198a2eu, w[4];
    philox4x32_ctr_t c = {{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0u}};
    philox4x32_ctr_t r = philox4x32(c, pk);
    es_rng_words(seed, dim, index, w);
    for (int i = 0; i < 4; i++)
        assert_int_equal(w[i], r.v[i]);
}

static void test_uniform_known_value(void **state)
{
    (void)state;
    /* words 0x6627e8d5, 0xe169c58d -> top 53 bits of 0x6627e8d5e169c58d, plus half a step */
    uint64_t bits = 0x6627e8d5e169c58dull >> 11;
    double want = ((double)bits + 0.5) / 9007199254740992.0;
    assert_true(es_rng_uniform(0, 0, 0) == want);
    assert_true(fabs(want - 0.3990464708489645) < 1e-15);
    double u2[2];
    es_rng_uniform2(0, 0, 0, u2);
    assert_true(u2[0] == want);
    uint64_t bits2 = 0xbc57ac4c9b00dbd8ull >> 11;
    assert_true(u2[1] == ((double)bits2 + 0.5) / 9007199254740992.0);
}

static void test_uniform_moments(void **state)
{
    (void)state;
    const int n = 100000;
    double s = 0, s2 = 0, lo = 1, hi = 0;
    for (int i = 0; i < n; i++) {
        double u = es_rng_uniform(12345, 3, (uint64_t)i);
        assert_true(u > 0 && u < 1);
        s += u;
        s2 += u * u;
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    double mean = s / n, var = s2 / n - mean * mean;
    /* mean 1/2 with standard error sqrt(1/12/n); variance 1/12 with se sqrt(1/180/n) */
    assert_true(fabs(mean - 0.5) < 4 * sqrt(1.0 / 12 / n));
    assert_true(fabs(var - 1.0 / 12) < 4 * sqrt(1.0 / 180 / n));
    assert_true(lo < 1e-3 && hi > 1 - 1e-3);
}

static void test_dimensions_independent(void **state)
{
    (void)state;
    /* correlation between dimension 0 and 1 over 1e5 indices: |r| < 4/sqrt(n) */
    const int n = 100000;
    double sxy = 0, sx = 0, sy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < n; i++) {
        double x = es_rng_uniform(9, 0, (uint64_t)i), y = es_rng_uniform(9, 1, (uint64_t)i);
        sx += x, sy += y, sxy += x * y, sxx += x * x, syy += y * y;
    }
    double r = (sxy / n - sx / n * sy / n) /
               sqrt((sxx / n - sx / n * sx / n) * (syy / n - sy / n * sy / n));
    assert_true(fabs(r) < 4 / sqrt((double)n));
}

/* Dimensions 2c and 2c+1 share the call of counter (index, c): words 0-1
 * and 2-3 (rng.h).  Known answer: dimension 1 at index 0, seed 0 is words
 * 2-3 of Random123's zero vector. */
static void test_dimension_pairs(void **state)
{
    (void)state;
    uint64_t bits = 0xbc57ac4c9b00dbd8ull >> 11;
    assert_true(es_rng_uniform(0, 1, 0) == ((double)bits + 0.5) / 9007199254740992.0);
    const uint64_t seed = 0x299f31d0a4093822ull, index = 0x85a308d3243f6a88ull;
    for (uint32_t dim = 0; dim < 70000; dim += 6553) {
        uint32_t w[4];
        es_rng_words(seed, dim >> 1, index, w);
        uint64_t b =
            ((dim & 1) ? ((uint64_t)w[2] << 32 | w[3]) : ((uint64_t)w[0] << 32 | w[1])) >> 11;
        assert_true(es_rng_uniform(seed, dim, index) == ((double)b + 0.5) * 0x1.0p-53);
        double u2[2];
        es_rng_uniform2(seed, dim, index, u2);
        assert_true(u2[0] == es_rng_uniform(seed, 2 * dim, index));
        assert_true(u2[1] == es_rng_uniform(seed, 2 * dim + 1, index));
    }
}

/* The uniform of two words: in (0, 1) at both ends, 1 never returned (the
 * top 53 bits all ones give (2^53 - 1/2) 2^-53, which rounds to 1), and
 * non-decreasing in the words. */
static void test_open01_ends(void **state)
{
    (void)state;
    assert_true(es_rng_open01(0, 0) == 0x1p-54);
    assert_true(es_rng_open01(0, 0x7ff) == 0x1p-54); /* the low 11 bits are dropped */
    assert_true(es_rng_open01(0xffffffffu, 0xffffffffu) == 0x1.fffffffffffffp-1);
    assert_true(es_rng_open01(0xffffffffu, 0xfffff800u) == 0x1.fffffffffffffp-1);
    /* b = 2^53 - 2: b + 1/2 is a tie, to even: 1 - 2^-52 */
    assert_true(es_rng_open01(0xffffffffu, 0xfffff000u) == 0x1.ffffffffffffep-1);
    double prev = 0;
    for (uint64_t b = 0; b < ((uint64_t)1 << 53); b += ((uint64_t)1 << 40) - 1) {
        const uint64_t w = b << 11;
        const double u = es_rng_open01((uint32_t)(w >> 32), (uint32_t)w);
        assert_true(u > 0 && u < 1 && u >= prev);
        prev = u;
    }
}

/* The batches (column loops, vectorised, CPU clones) give the bits of the
 * single calls: across blocks, odd lengths, and an index range that carries
 * into the counter's high word. */
static void test_batches_equal_single_calls(void **state)
{
    (void)state;
    enum { n = 1000 };
    static double a[n], b[n], c[n];
    const uint64_t firsts[3] = {0, 12345, 0xffffffffull - 300};
    for (int f = 0; f < 3; f++)
        for (uint32_t dim = 0; dim < 6; dim++) {
            const uint64_t seed = 20261127 + dim;
            es_rng_uniform_n(seed, dim, firsts[f], n - dim, a);
            es_rng_uniform2_n(seed, dim, firsts[f], n - dim, b, c);
            for (size_t k = 0; k < n - dim; k++) {
                assert_true(a[k] == es_rng_uniform(seed, dim, firsts[f] + k));
                assert_true(b[k] == es_rng_uniform(seed, 2 * dim, firsts[f] + k));
                assert_true(c[k] == es_rng_uniform(seed, 2 * dim + 1, firsts[f] + k));
            }
        }
    es_rng_uniform2_n(1, 0, 0, 3, b, NULL); /* the second column may be left out */
    assert_true(b[2] == es_rng_uniform(1, 0, 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answer_zero),          cmocka_unit_test(test_counter_layout),
        cmocka_unit_test(test_uniform_known_value),        cmocka_unit_test(test_uniform_moments),
        cmocka_unit_test(test_dimensions_independent),     cmocka_unit_test(test_dimension_pairs),
        cmocka_unit_test(test_batches_equal_single_calls), cmocka_unit_test(test_open01_ends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
