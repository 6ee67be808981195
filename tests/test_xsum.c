/* tests/test_xsum.c: exact sums: known values, order independence, rounding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the four headers above first */
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "xsum.h"

static double sum_of(const double *x, size_t n)
{
    es_xsum s;
    es_xsum_init(&s);
    for (size_t i = 0; i < n; i++)
        es_xsum_add(&s, x[i]);
    return es_xsum_round(&s);
}

static void test_exact_cancellation(void **state)
{
    (void)state;
    const double a[] = {1e100, 1.0, -1e100};
    assert_true(sum_of(a, 3) == 1.0);
    const double b[] = {0x1p1023, 0x1p1023, -0x1p1023, -0x1p1023, 0x1p-1074};
    assert_true(sum_of(b, 5) == 0x1p-1074); /* the overflow in between is held exactly */
    const double c[] = {0x1p1023, 0x1p1023};
    assert_true(isinf(sum_of(c, 2)) && sum_of(c, 2) > 0);
    const double d[] = {0.1, 0.2, -0.3};
    /* exactly 2^-56 + 2^-57 ... : the true sum of the three doubles */
    assert_true(sum_of(d, 3) == 0.1 + 0.2 - 0.3 || sum_of(d, 3) == 2.7755575615628914e-17);
    assert_true(sum_of(d, 3) == 2.7755575615628914e-17);
    assert_true(sum_of(NULL, 0) == 0);
}

/* ten times double(0.1) is 1.0000000000000000555..., which rounds to 1 */
static void test_correct_rounding(void **state)
{
    (void)state;
    double x[10];
    for (int i = 0; i < 10; i++)
        x[i] = 0.1;
    assert_true(sum_of(x, 10) == 1.0);
    /* 1 + 2^-53 is a tie: to even, 1; 1 + 2^-53 + 2^-80 is above the tie: 1 + 2^-52 */
    const double t[] = {1.0, 0x1p-53};
    assert_true(sum_of(t, 2) == 1.0);
    const double u[] = {1.0, 0x1p-53, 0x1p-80};
    assert_true(sum_of(u, 3) == 1.0 + 0x1p-52);
    const double v[] = {1.0 + 0x1p-52, 0x1p-53}; /* tie, odd: up to even */
    assert_true(sum_of(v, 2) == 1.0 + 0x1p-51);
    const double w[] = {-1.0, -0x1p-53, -0x1p-80};
    assert_true(sum_of(w, 3) == -1.0 - 0x1p-52);
    const double sub[] = {0x1p-1074, 0x1p-1074, 0x1p-1070};
    assert_true(sum_of(sub, 3) == 0x1p-1070 + 0x1p-1073);
    const double big[] = {DBL_MAX, -DBL_MAX, DBL_MAX};
    assert_true(sum_of(big, 3) == DBL_MAX);
}

static void test_nonfinite(void **state)
{
    (void)state;
    const double a[] = {1, INFINITY};
    assert_true(isinf(sum_of(a, 2)));
    const double b[] = {INFINITY, -INFINITY};
    assert_true(isnan(sum_of(b, 2)));
    const double c[] = {1, NAN};
    assert_true(isnan(sum_of(c, 2)));
}

/* any order and grouping: the same packed bytes and the same double */
static void test_order_free(void **state)
{
    (void)state;
    enum { n = 20000 };
    static double x[n];
    for (int i = 0; i < n; i++) {
        double u = es_rng_uniform(3, 0, (uint64_t)i), w = es_rng_uniform(3, 1, (uint64_t)i);
        x[i] = ldexp(u - 0.5, (int)(w * 200) - 100); /* magnitudes over 60 decades */
    }
    es_xsum fwd, bwd, grp, part;
    es_xsum_init(&fwd);
    es_xsum_init(&bwd);
    es_xsum_init(&grp);
    for (int i = 0; i < n; i++) {
        es_xsum_add(&fwd, x[i]);
        es_xsum_add(&bwd, x[n - 1 - i]);
    }
    for (int s = n; s > 0; s -= 777) {
        es_xsum_init(&part);
        for (int i = s - 1; i >= 0 && i >= s - 777; i--)
            es_xsum_add(&part, x[i]);
        es_xsum_merge(&grp, &part);
    }
    unsigned char a[ES_XSUM_PACKMAX], b[ES_XSUM_PACKMAX], c[ES_XSUM_PACKMAX];
    size_t na = es_xsum_pack(&fwd, a), nb = es_xsum_pack(&bwd, b), nc = es_xsum_pack(&grp, c);
    assert_int_equal(na, nb);
    assert_int_equal(na, nc);
    assert_int_equal(na, es_xsum_pack_size(&fwd));
    assert_memory_equal(a, b, na);
    assert_memory_equal(a, c, na);
    assert_true(es_xsum_round(&fwd) == es_xsum_round(&bwd));
    /* unpacked, it is the same sum */
    es_xsum back;
    assert_int_equal(es_xsum_unpack(&back, a, na), na);
    assert_true(es_xsum_round(&back) == es_xsum_round(&fwd));
    /* against long double accumulation of sorted magnitudes: close */
    long double ref = 0;
    for (int i = 0; i < n; i++)
        ref += x[i];
    assert_true(fabsl(ref - es_xsum_round(&fwd)) <= 1e-15L * fabsl(ref) + 1e-300L);
    /* a malformed buffer is refused */
    a[1] = 200;
    assert_int_equal(es_xsum_unpack(&back, a, na), 0);
}

static void test_round2(void **state)
{
    (void)state;
    es_xsum s;
    es_xsum_init(&s);
    es_xsum_add(&s, 1.0);
    es_xsum_add(&s, 0x1p-60);
    double hi, lo;
    es_xsum_round2(&s, &hi, &lo);
    assert_true(hi == 1.0 && lo == 0x1p-60);
}

/* many additions: the lazy carries are propagated in time */
static void test_many(void **state)
{
    (void)state;
    es_xsum s;
    es_xsum_init(&s);
    const double big = 0x1.fffffffffffffp+1010; /* 3e6 of them: about 2^1032 */
    for (long i = 0; i < 3000000; i++)
        es_xsum_add(&s, big);
    assert_true(isinf(es_xsum_round(&s)));
    es_xsum_init(&s);
    for (long i = 0; i < 3000000; i++)
        es_xsum_add(&s, 1.0 + 0x1p-52);
    assert_true(es_xsum_round(&s) == 3000000.0 * (1.0 + 0x1p-52));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_cancellation),
        cmocka_unit_test(test_correct_rounding),
        cmocka_unit_test(test_nonfinite),
        cmocka_unit_test(test_order_free),
        cmocka_unit_test(test_round2),
        cmocka_unit_test(test_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
