/* tests/test_stats.c: accumulators and checksum. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the four headers above first */
#include <cmocka.h>

#include <math.h>

#include "rng.h"
#include "stats.h"

static void test_known_values(void **state)
{
    (void)state;
    const double x[] = {2, 4, 4, 4, 5, 5, 7, 9, NAN};
    es_acc a;
    es_acc_init(&a);
    es_acc_add(&a, x, 9);
    assert_int_equal(a.n, 8);
    assert_int_equal(a.nan, 1);
    assert_true(a.mean == 5);
    assert_true(fabs(es_acc_var(&a) - 32.0 / 7) < 1e-14);
    assert_true(a.min == 2 && a.max == 9);
    assert_true(fabs(es_acc_stderr(&a) - sqrt(32.0 / 7) / sqrt(8)) < 1e-14);
}

/* a constant column has exactly its value as mean and no spread */
static void test_constant(void **state)
{
    (void)state;
    double x[1000];
    for (int i = 0; i < 1000; i++)
        x[i] = 78.82420116105777;
    es_acc a;
    es_acc_init(&a);
    es_acc_add(&a, x, 1000);
    es_acc_add(&a, x, 333);
    assert_true(a.mean == 78.82420116105777);
    assert_true(a.m2 == 0 && es_acc_std(&a) == 0);
    assert_int_equal(a.n, 1333);
}

/* merging chunks equals one pass, to rounding; and the same chunks merged in
 * the same order give bit-identical results however they were grouped */
static void test_merge(void **state)
{
    (void)state;
    enum { n = 10000, chunk = 777 };
    static double x[n];
    for (int i = 0; i < n; i++)
        x[i] = 1e6 + es_rng_uniform(5, 0, (uint64_t)i) * 3;
    es_acc all, merged;
    es_acc_init(&all);
    es_acc_add(&all, x, n);
    es_acc_init(&merged);
    for (int s = 0; s < n; s += chunk) {
        es_acc c;
        es_acc_init(&c);
        es_acc_add(&c, x + s, (size_t)(s + chunk <= n ? chunk : n - s));
        es_acc_merge(&merged, &c);
    }
    assert_int_equal(merged.n, all.n);
    assert_true(fabs(merged.mean - all.mean) < 1e-12 * all.mean);
    assert_true(fabs(es_acc_var(&merged) / es_acc_var(&all) - 1) < 1e-9);
    assert_true(merged.min == all.min && merged.max == all.max);
    /* uniform(0,3) variance 0.75 within 4 standard errors of the variance */
    assert_true(fabs(es_acc_var(&all) - 0.75) < 4 * sqrt(0.75 * 0.75 * 0.8 / n));
    es_acc empty;
    es_acc_init(&empty);
    es_acc copy = merged;
    es_acc_merge(&copy, &empty);
    assert_memory_equal(&copy, &merged, sizeof copy);
}

static void test_checksum_order_free(void **state)
{
    (void)state;
    double x[100];
    for (int i = 0; i < 100; i++)
        x[i] = i * 0.5;
    uint64_t whole = es_checksum(1000, 100, 3, x);
    uint64_t parts = es_checksum(1060, 40, 3, x + 60) + es_checksum(1000, 60, 3, x);
    assert_true(whole == parts);
    assert_true(es_checksum(1000, 100, 4, x) != whole); /* variable matters */
    assert_true(es_checksum(1001, 100, 3, x) != whole); /* index matters */
    x[50] = nextafter(x[50], 1e9);
    assert_true(es_checksum(1000, 100, 3, x) != whole); /* one ulp matters */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_constant),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_checksum_order_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
