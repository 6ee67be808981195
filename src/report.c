/* src/report.c: results for people and scripts: the table that ends a run,
 * and `econsweep report FILE` as text, CSV or JSON (plots: report_plot.c).
 *
 * Both start from the same labelled arrays (results.h): fresh from the run,
 * or read back from the file (h5read.h).  A view checks their shapes once
 * ([scan..., variable, statistic] and so on); every number is then looked up
 * by index with a bound check, so a damaged file gives a message, never a
 * read out of bounds.  Numbers are shown in display units (one table below)
 * with as many digits as they need; CSV and JSON carry the same content as
 * raw numbers (17 digits) with the file's units. */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ckpt.h"
#include "cli.h"
#include "h5read.h"
#include "pipe.h"
#include "report_int.h"
#include "store.h"

/* ---- display units ----
 *
 * The file's units are UDUNITS-2 strings (docs/model.md, "Units"); people
 * read "$4.15B", "1.32 GW", "25.4%", "0.56 $/PFLOP-h".  One row per unit the
 * models use; a unit not listed shows its number and the UDUNITS string. */
static const es_unit_show es_units[] = {
    {.udunits = "USD", .pre = "$", .post = "", .factor = 1, .scale = ES_SC_MONEY, .axis = "$"},
    {.udunits = "USD/year",
     .pre = "$",
     .post = "/yr",
     .factor = 1,
     .scale = ES_SC_MONEY,
     .axis = "$/yr"},
    {.udunits = "USD/MW",
     .pre = "$",
     .post = "/MW",
     .factor = 1,
     .scale = ES_SC_MONEY,
     .axis = "$/MW"},
    {.udunits = "USD/(3 month)",
     .pre = "$",
     .post = "/quarter",
     .factor = 1,
     .scale = ES_SC_MONEY,
     .axis = "$/quarter"},
    {.udunits = "USD/(MW h)",
     .pre = "",
     .post = " $/MWh",
     .factor = 1,
     .scale = ES_SC_PLAIN,
     .axis = "$/MWh"},
    {.udunits = "USD/(1e15 s-1 h)",
     .pre = "",
     .post = " $/PFLOP-h",
     .factor = 1,
     .scale = ES_SC_PLAIN,
     .axis = "$/PFLOP-h"},
    {.udunits = "MW", .pre = "", .post = "W", .factor = 1e6, .scale = ES_SC_SI, .axis = "W"},
    {.udunits = "kW", .pre = "", .post = "W", .factor = 1e3, .scale = ES_SC_SI, .axis = "W"},
    {.udunits = "W", .pre = "", .post = "W", .factor = 1, .scale = ES_SC_SI, .axis = "W"},
    {.udunits = "s-1",
     .pre = "",
     .post = "FLOP/s",
     .factor = 1,
     .scale = ES_SC_SI,
     .axis = "FLOP/s"},
    {.udunits = "year", .pre = "", .post = " yr", .factor = 1, .scale = ES_SC_PLAIN, .axis = "yr"},
    {.udunits = "3 month",
     .pre = "",
     .post = " quarters",
     .factor = 1,
     .scale = ES_SC_PLAIN,
     .axis = "quarters"},
    {.udunits = "year-1",
     .pre = "",
     .post = "%/yr",
     .factor = 100,
     .scale = ES_SC_PLAIN,
     .axis = "%/yr"},
    {.udunits = "mm", .pre = "", .post = " mm", .factor = 1, .scale = ES_SC_PLAIN, .axis = "mm"},
    {.udunits = "mm2", .pre = "", .post = " mm2", .factor = 1, .scale = ES_SC_PLAIN, .axis = "mm2"},
    {.udunits = "cm-2",
     .pre = "",
     .post = " /cm2",
     .factor = 1,
     .scale = ES_SC_PLAIN,
     .axis = "/cm2"},
    {.udunits = "1", .pre = "", .post = "", .factor = 1, .scale = ES_SC_COUNT, .axis = ""},
};
/* a "1" whose values all lie in [0, 1]: a share */
static const es_unit_show es_unit_share = {
    .udunits = "1", .pre = "", .post = "%", .factor = 100, .scale = ES_SC_PLAIN, .axis = "%"};
/* any other unit: the number, then the unit (one static per call is not
 * enough, so unknown units are kept here, a few at most in a file) */
#define ES_UNKNOWN_UNITS 64
static es_unit_show es_unknown[ES_UNKNOWN_UNITS];
static char es_unknown_text[ES_UNKNOWN_UNITS][2][48];
static size_t es_nunknown;

const es_unit_show *es_unit_for(const char *u, double lo, double hi)
{
    if (!u) u = "";
    if (strcmp(u, "1") == 0 && lo >= 0 && hi <= 1 && hi > 0) return &es_unit_share;
    for (size_t i = 0; i < sizeof es_units / sizeof es_units[0]; i++)
        if (strcmp(u, es_units[i].udunits) == 0) return &es_units[i];
    for (size_t i = 0; i < es_nunknown; i++)
        if (strcmp(u, es_unknown[i].udunits) == 0) return &es_unknown[i];
    size_t i = es_nunknown < ES_UNKNOWN_UNITS ? es_nunknown++ : ES_UNKNOWN_UNITS - 1;
    snprintf(es_unknown_text[i][0], sizeof es_unknown_text[i][0], "%s", u);
    snprintf(es_unknown_text[i][1], sizeof es_unknown_text[i][1], "%s%s", u[0] ? " " : "", u);
    es_unknown[i] = (es_unit_show){.udunits = es_unknown_text[i][0],
                                   .pre = "",
                                   .post = es_unknown_text[i][1],
                                   .factor = 1,
                                   .scale = ES_SC_PLAIN,
                                   .axis = es_unknown_text[i][0]};
    return &es_unknown[i];
}

typedef struct {
    double f;
    const char *s;
} es_mult;

static const es_mult es_money_mult[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}, {1, ""}};
static const es_mult es_si_mult[] = {{1e18, "E"}, {1e15, "P"}, {1e12, "T"}, {1e9, "G"}, {1e6, "M"},
                                     {1e3, "k"},  {1, ""},     {1e-3, "m"}, {1e-6, "u"}};
#define ES_NMONEY (sizeof es_money_mult / sizeof es_money_mult[0])
#define ES_NSI (sizeof es_si_mult / sizeof es_si_mult[0])

/* x rounded to sig significant digits (so that 999.96 becomes 1000 before a
 * multiplier is chosen, and shows as 1.00k, not 1000) */
static double es_round_sig(double x, int sig)
{
    char b[64];
    snprintf(b, sizeof b, "%.*e", sig - 1, x);
    return strtod(b, NULL);
}

/* m (>= 0) with sig significant digits and no exponent: 4.15, 25.4, 980 */
static void es_digits(double m, int sig, char *buf, size_t len)
{
    if (m == 0) {
        snprintf(buf, len, "0");
        return;
    }
    int e = (int)floor(log10(m));
    int dec = sig - 1 - e;
    if (dec < 0) dec = 0;
    if (dec > 15) dec = 15;
    snprintf(buf, len, "%.*f", dec, m);
}

/* The multiplier for |v| (a value in post's unit): its factor and letter;
 * f = 0 asks for an exponent ("1.55e+29"). */
static es_mult es_pick_mult(const es_unit_show *u, double a)
{
    es_mult none = {1, ""}, expo = {0, ""};
    switch (u->scale) {
    case ES_SC_MONEY:
    case ES_SC_COUNT:
        if (a >= 1e15 || (a > 0 && a < 1e-3)) return expo;
        for (size_t i = 0; i < ES_NMONEY; i++)
            if (a >= es_money_mult[i].f) return es_money_mult[i];
        return none;
    case ES_SC_SI:
        if (a == 0) return none;
        if (a >= 1e21 || a < 1e-9) return expo;
        for (size_t i = 0; i < ES_NSI; i++)
            if (a >= es_si_mult[i].f) return es_si_mult[i];
        return es_si_mult[ES_NSI - 1];
    default:
        return a >= 1e9 || (a > 0 && a < 1e-4) ? expo : none;
    }
}

/* v (in post's unit) as a number with multiplier m and dec decimals (dec < 0:
 * sig significant digits), no unit; "-0.000" shows as "0.000". */
static void es_fmt_num_dec(double v, es_mult m, int sig, int dec, char *buf, size_t len)
{
    char num[96];
    if (isnan(v)) {
        snprintf(buf, len, "NaN");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, len, "%s", v < 0 ? "-inf" : "+inf");
        return;
    }
    if (m.f == 0) {
        snprintf(buf, len, "%.*e", sig - 1, v);
        return;
    }
    if (dec < 0)
        es_digits(fabs(v) / m.f, sig, num, sizeof num);
    else
        snprintf(num, sizeof num, "%.*f", dec, fabs(v) / m.f);
    snprintf(buf, len, "%s%s", v < 0 && strspn(num, "0.") != strlen(num) ? "-" : "", num);
}

static void es_fmt_num(double v, es_mult m, int sig, char *buf, size_t len)
{
    es_fmt_num_dec(v, m, sig, -1, buf, len);
}

/* The number text num (which may start with '-') with multiplier letter and
 * unit: "-$3.87B/yr", "1.32 GW", "25.4%". */
static void es_fmt_unit(const es_unit_show *u, const char *num, const char *mult, char *buf,
                        size_t len)
{
    int neg = num[0] == '-';
    if (u->scale == ES_SC_SI)
        snprintf(buf, len, "%s %s%s", num, mult, u->post);
    else
        snprintf(buf, len, "%s%s%s%s%s", neg ? "-" : "", u->pre, num + neg, mult, u->post);
}

void es_fmt(const es_unit_show *u, double x, int sig, char *buf, size_t len)
{
    if (!isfinite(x)) {
        es_fmt_num(x, (es_mult){1, ""}, sig, buf, len);
        return;
    }
    double v = es_round_sig(x * u->factor, sig);
    if (!isfinite(v)) v = x * u->factor;
    es_mult m = es_pick_mult(u, fabs(v));
    char num[96];
    es_fmt_num(v, m, sig, num, sizeof num);
    es_fmt_unit(u, num, m.s, buf, len);
}

void es_fmt_interval(const es_unit_show *u, double m, double lo, double hi, char *buf, size_t len)
{
    if (!isfinite(m)) {
        es_fmt(u, m, 3, buf, len);
        return;
    }
    /* the three in one multiplier and unit, shown once ("$10.01B [9.990, 10.03]"),
     * chosen by the largest; the decimals of three significant digits of it,
     * more while the interval's ends read as the mean */
    double big = fabs(m);
    if (isfinite(lo) && fabs(lo) > big) big = fabs(lo);
    if (isfinite(hi) && fabs(hi) > big) big = fabs(hi);
    double v = es_round_sig(big * u->factor, 3);
    es_mult mu = es_pick_mult(u, isfinite(v) ? v : big * u->factor);
    int dec0 = 0;
    if (mu.f > 0 && v > 0) {
        dec0 = 2 - (int)floor(log10(v / mu.f));
        if (dec0 < 0) dec0 = 0;
    }
    char sm[96], sl[96], sh[96];
    for (int extra = 0, sig = 3; extra <= 4; extra++, sig++) {
        es_fmt_num_dec(m * u->factor, mu, sig, dec0 + extra, sm, sizeof sm);
        es_fmt_num_dec(lo * u->factor, mu, sig, dec0 + extra, sl, sizeof sl);
        es_fmt_num_dec(hi * u->factor, mu, sig, dec0 + extra, sh, sizeof sh);
        int lo_ok = !(lo < m) || strcmp(sl, sm) != 0, hi_ok = !(hi > m) || strcmp(sh, sm) != 0;
        if (lo_ok && hi_ok) break;
    }
    char mean[160];
    es_fmt_unit(u, sm, mu.s, mean, sizeof mean);
    if (isnan(lo) && isnan(hi))
        snprintf(buf, len, "%s", mean);
    else
        snprintf(buf, len, "%s [%s, %s]", mean, sl, sh);
}

double es_axis_scale(const es_unit_show *u, double absmax, char *label, size_t len)
{
    double a = fabs(absmax * u->factor);
    if (!isfinite(a)) a = 0;
    if (u->scale == ES_SC_MONEY || u->scale == ES_SC_COUNT) {
        static const char *const words[] = {"trillions", "billions", "millions", "thousands"};
        if (a < 1e15)
            for (size_t i = 0; i + 1 < ES_NMONEY; i++)
                if (a >= es_money_mult[i].f) {
                    if (u->scale == ES_SC_MONEY)
                        snprintf(label, len, "%s%s%s", u->pre, es_money_mult[i].s, u->post);
                    else
                        snprintf(label, len, "%s", words[i]);
                    return es_money_mult[i].f / u->factor;
                }
        snprintf(label, len, "%s%s", u->pre, u->post);
        return 1 / u->factor;
    }
    if (u->scale == ES_SC_SI && a > 0 && a < 1e21 && a >= 1e-9) {
        size_t n = ES_NSI, i = 0;
        while (i + 1 < n && a < es_si_mult[i].f)
            i++;
        snprintf(label, len, "%s%s", es_si_mult[i].s, u->post);
        return es_si_mult[i].f / u->factor;
    }
    snprintf(label, len, "%s", u->axis);
    return 1 / u->factor;
}

/* ---- the view ---- */

const char *const es_view_sens_names[ES_SE_N] = {"prcc",        "spearman",       "first_order",
                                                 "sobol_first", "sobol_first_lo", "sobol_first_hi",
                                                 "sobol_total", "sobol_total_lo", "sobol_total_hi"};

static const char *const es_st_names[ES_ST_N] = {"count",   "nan_count", "mean", "mean_lo",
                                                 "mean_hi", "std",       "min",  "max"};
static const double es_q_p[ES_Q_N] = {0.05, 0.5, 0.95};

double es_view_num(const es_res_array *a, uint64_t i)
{
    if (!a || i >= es_res_size(a)) return NAN;
    switch (a->type) {
    case ES_RES_F64:
        return ((const double *)a->data)[i];
    case ES_RES_U64:
        return (double)((const uint64_t *)a->data)[i];
    case ES_RES_I64:
        return (double)((const int64_t *)a->data)[i];
    default:
        return NAN;
    }
}

static const char *es_basename(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void es_shape(const es_res_array *a, char *buf, size_t len)
{
    size_t o = (size_t)snprintf(buf, len, "[");
    for (int k = 0; k < a->rank && o < len; k++)
        o += (size_t)snprintf(buf + o, len - o, "%s%llu", k ? " " : "",
                              (unsigned long long)a->dims[k]);
    if (o < len) snprintf(buf + o, len - o, "]");
}

/* An array of the given type (numeric: any of F64, U64, I64) with shape
 * [scan..., inner...]; NULL when absent, -1 (with a reason) when misshapen. */
static int es_view_array(const es_view *v, const char *path, int numeric, int ninner,
                         const uint64_t *inner, const es_res_array **out, char *err, size_t errlen)
{
    const es_res_array *a = es_results_find(v->r, path);
    *out = NULL;
    if (!a) return 0;
    int type_ok = numeric
                      ? (a->type == ES_RES_F64 || a->type == ES_RES_U64 || a->type == ES_RES_I64)
                      : a->type == ES_RES_STR;
    int rank = (int)v->nscan + ninner, ok = type_ok && a->rank == rank;
    for (int k = 0; ok && k < rank; k++)
        ok = a->dims[k] == ((size_t)k < v->nscan ? v->scan_n[k] : inner[k - (int)v->nscan]);
    if (!ok) {
        char have[96], want[96];
        es_shape(a, have, sizeof have);
        size_t o = (size_t)snprintf(want, sizeof want, "[");
        for (int k = 0; k < rank && o < sizeof want; k++)
            o += (size_t)snprintf(want + o, sizeof want - o, "%s%llu", k ? " " : "",
                                  (unsigned long long)((size_t)k < v->nscan
                                                           ? v->scan_n[k]
                                                           : inner[k - (int)v->nscan]));
        if (o < sizeof want) snprintf(want + o, sizeof want - o, "]");
        snprintf(err, errlen, "%s is %s%s, expected %s%s", path,
                 type_ok ? "of shape " : "of another type, shape ", have,
                 numeric ? "numbers of shape " : "strings of shape ", want);
        return -1;
    }
    *out = a;
    return 0;
}

/* A 1-D string coordinate (n its length); -1 with a reason when it is not one. */
static int es_view_names(const es_results *r, const char *path, int required, size_t *n,
                         char *const **names, char *err, size_t errlen)
{
    const es_res_array *a = es_results_find(r, path);
    *n = 0;
    *names = NULL;
    if (!a) {
        if (required) snprintf(err, errlen, "%s is missing", path);
        return required ? -1 : 0;
    }
    if (a->type != ES_RES_STR || a->rank != 1) {
        snprintf(err, errlen, "%s is not a list of names", path);
        return -1;
    }
    *n = (size_t)a->dims[0];
    *names = a->data;
    return 0;
}

static long es_label_index(char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && strcmp(names[i], s) == 0) return (long)i;
    return -1;
}

long es_view_var(const es_view *v, const char *name)
{
    return es_label_index(v->var, v->nvar, name);
}

double es_view_mom(const es_view *v, uint64_t c, size_t k, int st)
{
    if (v->st[st] < 0 || k >= v->nvar || c >= v->cells) return NAN;
    return es_view_num(v->mom, (c * v->nvar + k) * v->nstat + (uint64_t)v->st[st]);
}

double es_view_quant(const es_view *v, const es_res_array *a, uint64_t c, size_t k, int q)
{
    if (!a || v->qi[q] < 0 || k >= v->nvar || c >= v->cells) return NAN;
    return es_view_num(a, (c * v->nvar + k) * v->nq + (uint64_t)v->qi[q]);
}

double es_view_sens(const es_view *v, int k, uint64_t c, size_t o, size_t i)
{
    if (o >= v->nout || i >= v->nin || c >= v->cells) return NAN;
    return es_view_num(v->sens[k], (c * v->nout + o) * v->nin + i);
}

uint64_t es_view_cell_index(const es_view *v, uint64_t c, size_t s)
{
    return (c / v->stride[s]) % v->scan_n[s];
}

void es_view_scan_value(const es_view *v, uint64_t c, size_t s, char *buf, size_t len)
{
    double x = es_view_num(v->scan[s], es_view_cell_index(v, c, s));
    const es_unit_show *u = es_unit_for(v->scan_unit[s], x, x);
    es_fmt(u, x, 4, buf, len);
}

void es_view_cell_label(const es_view *v, uint64_t c, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t s = 0; s < v->nscan && o < len; s++) {
        char val[96];
        es_view_scan_value(v, c, s, val, sizeof val);
        o += (size_t)snprintf(buf + o, len - o, "%s%s = %s", s ? ", " : "", v->scan_name[s], val);
    }
}

long es_view_sens_var(const es_view *v, size_t o)
{
    return o < v->nout && v->sout[o] ? es_view_var(v, v->sout[o]) : -1;
}

int es_view_is_main(const es_view *v, size_t k)
{
    return k < v->nvar && v->main[k];
}

typedef struct {
    size_t i;
    double key;
} es_rank_item;

static int es_rank_cmp(const void *a, const void *b)
{
    const es_rank_item *x = a, *y = b;
    /* larger first; NaN last; ties by index, so the order is total */
    int xn = isnan(x->key), yn = isnan(y->key);
    if (xn != yn) return xn - yn;
    if (!xn && x->key != y->key) return x->key > y->key ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

void es_view_drivers(const es_view *v, uint64_t c, size_t o, size_t *order)
{
    es_rank_item *it = malloc((v->nin ? v->nin : 1) * sizeof *it);
    int total = v->sens[ES_SE_ST] != NULL;
    for (size_t i = 0; i < v->nin; i++) {
        double x =
            total ? es_view_sens(v, ES_SE_ST, c, o, i) : fabs(es_view_sens(v, ES_SE_PRCC, c, o, i));
        if (it) it[i] = (es_rank_item){i, x};
        order[i] = i;
    }
    if (!it) return;
    qsort(it, v->nin, sizeof *it, es_rank_cmp);
    for (size_t i = 0; i < v->nin; i++)
        order[i] = it[i].i;
    free(it);
}

void es_view_free(es_view *v)
{
    free(v->show);
    free(v->main);
    memset(v, 0, sizeof *v);
}

int es_view_init(es_view *v, const es_results *r, const es_model *model, char *err, size_t errlen)
{
    memset(v, 0, sizeof *v);
    v->r = r;
    v->model = model;
    v->root = es_results_find(r, "/");
    if (v->root && v->root->type != ES_RES_GROUP) v->root = NULL;
    const es_res_array *mom = es_results_find(r, "/summary/moments");
    if (!mom) {
        snprintf(err, errlen, "/summary/moments is missing");
        return -1;
    }
    if (mom->type != ES_RES_F64 || mom->rank < 2 || mom->rank > 2 + ES_VIEW_MAXSCAN) {
        snprintf(err, errlen,
                 "/summary/moments is not an array of numbers [scan..., variable, "
                 "statistic]");
        return -1;
    }
    /* the scan: the leading dimensions of the moments, named by /scan/<input> */
    v->nscan = (size_t)mom->rank - 2;
    v->cells = 1;
    for (size_t s = 0; s < v->nscan; s++) {
        const es_res_array *co = es_results_find(r, mom->dimnames[s]);
        if (!mom->dimnames[s][0] || !co || co->rank != 1 || co->dims[0] != mom->dims[s] ||
            co->dims[0] == 0 || co->type != ES_RES_F64) {
            snprintf(err, errlen,
                     "dimension %zu of /summary/moments has no scan coordinate of its length", s);
            return -1;
        }
        v->scan[s] = co;
        v->scan_name[s] = es_basename(co->path);
        const es_res_attr *u = es_res_attr_find(co, "units");
        v->scan_unit[s] = u && u->is_str && u->str ? u->str : "";
        v->scan_n[s] = co->dims[0];
        if (v->cells > ((uint64_t)1 << 32) / v->scan_n[s]) {
            snprintf(err, errlen, "the scan has more cells than the report shows (2^32)");
            return -1;
        }
        v->cells *= v->scan_n[s];
    }
    for (size_t s = v->nscan; s-- > 0;)
        v->stride[s] = s + 1 == v->nscan ? 1 : v->stride[s + 1] * v->scan_n[s + 1];
    /* variables and their statistics */
    size_t n;
    char *const *names;
    if (es_view_names(r, "/summary/variable", 1, &v->nvar, &v->var, err, errlen) ||
        es_view_names(r, "/summary/statistic", 1, &v->nstat, &names, err, errlen))
        return -1;
    for (int k = 0; k < ES_ST_N; k++)
        v->st[k] = es_label_index(names, v->nstat, es_st_names[k]);
    uint64_t inner[2] = {v->nvar, v->nstat};
    if (es_view_array(v, "/summary/moments", 1, 2, inner, &v->mom, err, errlen)) return -1;
    char *const *units = NULL, *const *kinds = NULL;
    if (es_view_names(r, "/summary/units", 0, &n, &units, err, errlen)) return -1;
    if (units && n != v->nvar) units = NULL;
    if (es_view_names(r, "/summary/kind", 0, &n, &kinds, err, errlen)) return -1;
    if (kinds && n != v->nvar) kinds = NULL;
    v->unit = units;
    v->kind = kinds;
    /* quantiles */
    const es_res_array *qp = es_results_find(r, "/summary/quantile_p");
    for (int q = 0; q < ES_Q_N; q++)
        v->qi[q] = -1;
    if (qp && qp->rank == 1 && qp->type == ES_RES_F64) {
        v->nq = (size_t)qp->dims[0];
        for (size_t i = 0; i < v->nq; i++)
            for (int q = 0; q < ES_Q_N; q++)
                if (fabs(((const double *)qp->data)[i] - es_q_p[q]) < 1e-12) v->qi[q] = (long)i;
        uint64_t qin[2] = {v->nvar, v->nq};
        if (es_view_array(v, "/summary/quantiles", 1, 2, qin, &v->q, err, errlen) ||
            es_view_array(v, "/summary/quantiles_lo", 1, 2, qin, &v->qlo, err, errlen) ||
            es_view_array(v, "/summary/quantiles_hi", 1, 2, qin, &v->qhi, err, errlen))
            return -1;
    }
    /* events */
    if (es_view_names(r, "/events/event", 0, &v->nev, &v->ev, err, errlen)) return -1;
    if (v->nev) {
        uint64_t ne = v->nev;
        const es_res_array *cond;
        if (es_view_array(v, "/events/probability", 1, 1, &ne, &v->ev_p, err, errlen) ||
            es_view_array(v, "/events/probability_lo", 1, 1, &ne, &v->ev_lo, err, errlen) ||
            es_view_array(v, "/events/probability_hi", 1, 1, &ne, &v->ev_hi, err, errlen) ||
            es_view_array(v, "/events/count", 1, 1, &ne, &v->ev_count, err, errlen) ||
            es_view_array(v, "/events/samples", 1, 1, &ne, &v->ev_samples, err, errlen))
            return -1;
        /* named events without their counts: damaged, as a summary without
         * its moments (NaN probabilities would read as a result) */
        if (!v->ev_p || !v->ev_count || !v->ev_samples) {
            snprintf(err, errlen,
                     "/events/event names %llu events, but /events/probability, count or "
                     "samples is missing",
                     (unsigned long long)ne);
            return -1;
        }
        cond = es_results_find(r, "/events/condition");
        if (cond && cond->type == ES_RES_STR && cond->rank == 1 && cond->dims[0] == ne)
            v->cond = cond->data;
    }
    /* sensitivity */
    if (es_view_names(r, "/sensitivity/output", 0, &v->nout, &v->sout, err, errlen) ||
        es_view_names(r, "/sensitivity/input", 0, &v->nin, &v->sin, err, errlen))
        return -1;
    if (v->nout && v->nin) {
        uint64_t sin[2] = {v->nout, v->nin};
        for (int k = 0; k < ES_SE_N; k++) {
            char path[ES_RES_PATHMAX];
            snprintf(path, sizeof path, "/sensitivity/%s", es_view_sens_names[k]);
            if (es_view_array(v, path, 1, 2, sin, &v->sens[k], err, errlen)) return -1;
        }
    } else {
        v->nout = v->nin = 0;
    }
    /* how each variable shows, and which are main outputs */
    v->show = calloc(v->nvar ? v->nvar : 1, sizeof *v->show);
    v->main = calloc(v->nvar ? v->nvar : 1, 1);
    if (!v->show || !v->main) {
        es_view_free(v);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t nmain = 0, nout = 0;
    for (size_t k = 0; k < v->nvar; k++) {
        double lo = INFINITY, hi = -INFINITY;
        for (uint64_t c = 0; c < v->cells; c++) {
            double a = es_view_mom(v, c, k, ES_ST_MIN), b = es_view_mom(v, c, k, ES_ST_MAX);
            if (a < lo) lo = a;
            if (b > hi) hi = b;
        }
        v->show[k] = es_unit_for(units && units[k] ? units[k] : "", lo, hi);
        int out = kinds && kinds[k] && strcmp(kinds[k], "output") == 0;
        int j = model && out && v->var[k] ? es_model_output_index(model, v->var[k]) : -1;
        v->main[k] = j >= 0 && model->outputs[j].main;
        nmain += v->main[k];
        nout += out;
    }
    /* a model this program does not know, or one without main outputs: the
     * first eight outputs */
    if (nmain == 0)
        for (size_t k = 0, m = 0; k < v->nvar && m < 8; k++)
            if (kinds && kinds[k] && strcmp(kinds[k], "output") == 0) {
                v->main[k] = 1;
                m++;
            }
    (void)nout;
    return 0;
}

/* ---- tables of strings ---- */

void es_tab_init(es_tab *t, const char *id, const char *title, size_t ncol, const char *const *head,
                 const unsigned char *right)
{
    memset(t, 0, sizeof *t);
    snprintf(t->id, sizeof t->id, "%s", id);
    snprintf(t->title, sizeof t->title, "%s", title);
    t->ncol = ncol < ES_TAB_MAXCOL ? ncol : ES_TAB_MAXCOL;
    for (size_t i = 0; i < t->ncol; i++) {
        t->head[i] = strdup(head[i]);
        t->right[i] = right ? right[i] : 0;
        if (!t->head[i]) t->oom = 1;
    }
}

void es_tab_row(es_tab *t, int group)
{
    if (t->oom) return;
    if (t->nrow == t->cap) {
        size_t nc = t->cap ? 2 * t->cap : 16;
        char **cell = realloc(t->cell, nc * t->ncol * sizeof *cell);
        if (!cell) {
            t->oom = 1;
            return;
        }
        t->cell = cell;
        unsigned char *g = realloc(t->group, nc);
        if (!g) {
            t->oom = 1;
            return;
        }
        t->group = g;
        t->cap = nc;
    }
    for (size_t i = 0; i < t->ncol; i++)
        t->cell[t->nrow * t->ncol + i] = NULL;
    t->group[t->nrow++] = (unsigned char)group;
}

void es_tab_set(es_tab *t, size_t col, const char *s)
{
    if (t->oom || t->nrow == 0 || col >= t->ncol) return;
    char **c = &t->cell[(t->nrow - 1) * t->ncol + col];
    free(*c);
    *c = strdup(s ? s : "");
    if (!*c) {
        t->oom = 1;
        return;
    }
    /* a name with a line break or a terminal escape (an edited file) stays on its row */
    for (char *x = *c; *x; x++)
        if ((unsigned char)*x < 0x20 || *x == 0x7f) *x = '?';
}

void es_tab_free(es_tab *t)
{
    for (size_t i = 0; i < t->ncol; i++)
        free(t->head[i]);
    if (t->cell)
        for (size_t i = 0; i < t->nrow * t->ncol; i++)
            free(t->cell[i]);
    free(t->cell);
    free(t->group);
    memset(t, 0, sizeof *t);
}

static const char *es_tab_get(const es_tab *t, size_t row, size_t col)
{
    const char *s = t->cell[row * t->ncol + col];
    return s ? s : "";
}

/* Display width of UTF-8 text: one column per character (not per byte). */
static size_t es_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

void es_tab_text(const es_tab *t, FILE *f)
{
    size_t w[ES_TAB_MAXCOL];
    int groups = 0, heads = 0;
    for (size_t r = 0; r < t->nrow; r++)
        groups |= t->group[r];
    for (size_t i = 0; i < t->ncol; i++) {
        w[i] = es_width(t->head[i]);
        heads |= w[i] > 0;
    }
    for (size_t r = 0; r < t->nrow; r++)
        if (!t->group[r])
            for (size_t i = 0; i < t->ncol; i++) {
                size_t x = es_width(es_tab_get(t, r, i)) + (i == 0 && groups ? 2 : 0);
                if (x > w[i]) w[i] = x;
            }
    fprintf(f, "\n%s\n", t->title);
    for (long r = heads ? -1 : 0; r < (long)t->nrow; r++) {
        if (r >= 0 && t->group[r]) {
            fprintf(f, "  %s\n", es_tab_get(t, (size_t)r, 0));
            continue;
        }
        char buf[4096];
        size_t line = 0;
        for (size_t i = 0; i < t->ncol && line < sizeof buf; i++) {
            const char *s = r < 0 ? t->head[i] : es_tab_get(t, (size_t)r, i);
            /* rows under a heading row are indented by two */
            const char *ind = i == 0 && groups && r >= 0 ? "  " : "";
            size_t pad = w[i] - es_width(s) - strlen(ind);
            if (t->right[i])
                line += (size_t)snprintf(buf + line, sizeof buf - line, "  %*s%s", (int)pad, "", s);
            else
                line += (size_t)snprintf(buf + line, sizeof buf - line, "  %s%s%*s", ind, s,
                                         (int)pad, "");
        }
        while (line > 0 && line < sizeof buf && buf[line - 1] == ' ')
            buf[--line] = '\0';
        fprintf(f, "%s\n", buf);
    }
}

void es_html_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

void es_tab_html(const es_tab *t, FILE *f)
{
    fprintf(f, "<h2>");
    es_html_escape(f, t->title);
    fprintf(f, "</h2>\n<table id=\"");
    es_html_escape(f, t->id);
    fprintf(f, "\">\n<thead><tr>");
    for (size_t i = 0; i < t->ncol; i++) {
        fprintf(f, "<th%s>", t->right[i] ? " class=\"num\"" : "");
        es_html_escape(f, t->head[i]);
        fprintf(f, "</th>");
    }
    fprintf(f, "</tr></thead>\n<tbody>\n");
    for (size_t r = 0; r < t->nrow; r++) {
        if (t->group[r]) {
            fprintf(f, "<tr class=\"group\"><th colspan=\"%zu\">", t->ncol);
            es_html_escape(f, es_tab_get(t, r, 0));
            fprintf(f, "</th></tr>\n");
            continue;
        }
        fprintf(f, "<tr>");
        for (size_t i = 0; i < t->ncol; i++) {
            fprintf(f, "<td%s>", t->right[i] ? " class=\"num\"" : "");
            es_html_escape(f, es_tab_get(t, r, i));
            fprintf(f, "</td>");
        }
        fprintf(f, "</tr>\n");
    }
    fprintf(f, "</tbody>\n</table>\n");
}

/* ---- the report's tables ---- */

static es_tab *es_tabs_new(es_tabs *ts)
{
    if (ts->n == ts->cap) {
        size_t nc = ts->cap ? 2 * ts->cap : 8;
        es_tab *t = realloc(ts->t, nc * sizeof *t);
        if (!t) return NULL;
        ts->t = t;
        ts->cap = nc;
    }
    return &ts->t[ts->n++];
}

void es_tabs_free(es_tabs *ts)
{
    for (size_t i = 0; i < ts->n; i++)
        es_tab_free(&ts->t[i]);
    free(ts->t);
    memset(ts, 0, sizeof *ts);
}

/* A root attribute as text ("" when absent). */
static const char *es_root_str(const es_view *v, const char *name)
{
    const es_res_attr *a = v->root ? es_res_attr_find(v->root, name) : NULL;
    return a && a->str ? a->str : "";
}

static double es_root_num(const es_view *v, const char *name)
{
    const es_res_attr *a = v->root ? es_res_attr_find(v->root, name) : NULL;
    return a && !a->is_str ? a->num : NAN;
}

/* What the file holds: complete, partial (how much), or a part of a job. */
/* 1 when another process holds a lock on the file: a run writing it holds a
 * shared flock (sweep.c), and so do HDF5's readers.  Probed before this
 * process opens it. */
static int es_report_busy;

static int es_file_busy(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    int busy = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    close(fd);
    return busy;
}

/* The command that continues a partial file: the run's own command line
 * without --force (or an abbreviation getopt takes for it), with --resume,
 * run from the folder it ran in (its relative paths are relative to it).  A
 * merge that was killed is done again with --force instead (merge does not
 * resume).  A command line that does not fit in buf is not cut: the line
 * then says where to find it. */
static void es_continue_command(const es_view *v, const char *path, char *buf, size_t len)
{
    const char *cmd = es_root_str(v, "command_line"), *wd = es_root_str(v, "working_directory");
    size_t used = 0;
    char here[4096];
    if (!cmd[0]) {
        snprintf(buf, len, "econsweep run %s -o %s --resume",
                 es_root_str(v, "job_path")[0] ? es_root_str(v, "job_path") : "JOB.ini", path);
        return;
    }
    if (wd[0] && (!getcwd(here, sizeof here) || strcmp(here, wd) != 0)) {
        /* cd 'WD' &&, a ' inside WD written as '\'' */
        used = (size_t)snprintf(buf, len, "cd '");
        for (const char *c = wd; *c && used + 8 < len; c++)
            used += (size_t)(*c == '\'' ? snprintf(buf + used, len - used, "'\\''")
                                        : snprintf(buf + used, len - used, "%c", *c));
        used += (size_t)snprintf(buf + used, len - used, "' && ");
    }
    /* the second word: run or merge */
    const char *sp = strchr(cmd, ' ');
    const int merge = sp && strncmp(sp + 1, "merge ", 6) == 0;
    int has_force = 0, fits = used + 1 < len;
    for (const char *p = cmd; *p && fits;) {
        const char *e = p;
        char q = 0;
        while (*e && (q || *e != ' ')) {
            if (*e == '\'') q = !q;
            e++;
        }
        size_t n = (size_t)(e - p);
        const int force = n >= 3 && n <= 7 && strncmp(p, "--force", n) == 0;
        has_force |= force;
        if (!force || merge) {
            int w = snprintf(buf + used, len - used, "%s%.*s",
                             used && buf[used - 1] != ' ' ? " " : "", (int)n, p);
            if (w < 0 || (size_t)w >= len - used)
                fits = 0;
            else
                used += (size_t)w;
        }
        p = *e ? e + 1 : e;
    }
    const char *tail =
        merge ? (has_force ? "" : " --force") : (strstr(cmd, "--resume") ? "" : " --resume");
    if (fits && used + strlen(tail) + 1 < len) {
        snprintf(buf + used, len - used, "%s", tail);
        return;
    }
    snprintf(buf, len,
             "the command in the file's command_line attribute%s, from its "
             "working_directory",
             merge ? " with --force" : ", without --force, with --resume");
}

static void es_status_line(const es_view *v, const char *path, char *buf, size_t len)
{
    const char *status = es_root_str(v, "status");
    double done = es_root_num(v, "samples_done"), rows = es_root_num(v, "rows");
    double part = es_root_num(v, "part"), parts = es_root_num(v, "parts");
    double off = es_root_num(v, "row_offset");
    if (parts > 1) {
        snprintf(buf, len,
                 "%s part %.0f of %.0f of the job (run --part %.0f/%.0f): %.0f rows from row "
                 "%.0f, of the job's %.0f; the statistics are this part's; join the parts "
                 "with: econsweep merge OUT.h5 PART.h5...",
                 strcmp(status, "complete") == 0 ? "a complete" : "a PARTIAL", part + 1, parts,
                 part, parts, done, off, rows);
    } else if (strcmp(status, "complete") == 0) {
        snprintf(buf, len, "complete: %.0f of %.0f rows", done, rows);
    } else {
        /* the command that continues it: the run's own, with --resume */
        char cont[1200];
        es_continue_command(v, path, cont, sizeof cont);
        const int ck = es_root_str(v, "statistics_from")[0] != 0;
        if (es_report_busy)
            snprintf(buf, len,
                     "PARTIAL (status \"%s\"): %.0f of %.0f rows finished (%.1f%%) by the last "
                     "checkpoint; another process has the file open (a run still writing it?): "
                     "report it again when the run has ended",
                     status, done, rows, rows > 0 ? 100 * done / rows : 0.0);
        else
            snprintf(buf, len,
                     "PARTIAL (status \"%s\"): %.0f of %.0f rows finished (%.1f%%); the "
                     "statistics count the finished rows only%s; continue with: %s",
                     status, done, rows, rows > 0 ? 100 * done / rows : 0.0,
                     ck ? " (from the last checkpoint: the run was killed before its finish)" : "",
                     cont);
    }
}

static void es_tab_provenance(const es_view *v, const char *path, es_tab *t)
{
    static const char *const head[] = {"", ""};
    es_tab_init(t, "provenance", "study", 2, head, NULL);
    char buf[1024];
    es_tab_row(t, 0);
    es_tab_set(t, 0, "file");
    es_tab_set(t, 1, path);
    es_tab_row(t, 0);
    es_tab_set(t, 0, "model");
    snprintf(buf, sizeof buf, "%s: %s", es_root_str(v, "model"), es_root_str(v, "title"));
    es_tab_set(t, 1, buf);
    es_tab_row(t, 0);
    es_tab_set(t, 0, "job");
    const char *sc = es_root_str(v, "scenario_path");
    snprintf(buf, sizeof buf, "%s%s%s%s", es_root_str(v, "job_path"), sc[0] ? " (scenario " : "",
             sc, sc[0] ? ")" : "");
    es_tab_set(t, 1, buf);
    es_tab_row(t, 0);
    es_tab_set(t, 0, "design");
    snprintf(buf, sizeof buf, "%s, %s samples%s, seed %s, %s model evaluations, chunk %s",
             es_root_str(v, "design"), es_root_str(v, "samples"),
             v->cells > 1 ? " in each scan cell" : "", es_root_str(v, "seed"),
             es_root_str(v, "evaluations"), es_root_str(v, "chunk"));
    es_tab_set(t, 1, buf);
    for (size_t s = 0; s < v->nscan; s++) {
        es_tab_row(t, 0);
        es_tab_set(t, 0, s ? "" : "scan");
        size_t o = (size_t)snprintf(buf, sizeof buf, "%s = ", v->scan_name[s]);
        for (uint64_t i = 0; i < v->scan_n[s] && o < sizeof buf; i++) {
            double x = es_view_num(v->scan[s], i);
            char val[96];
            es_fmt(es_unit_for(v->scan_unit[s], x, x), x, 3, val, sizeof val);
            if (i == 12 && v->scan_n[s] > 14) {
                o += (size_t)snprintf(buf + o, sizeof buf - o, ", ...");
                i = v->scan_n[s] - 2;
                continue;
            }
            o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", i ? ", " : "", val);
        }
        if (s + 1 == v->nscan && o < sizeof buf)
            snprintf(buf + o, sizeof buf - o, " (%llu cells)", (unsigned long long)v->cells);
        es_tab_set(t, 1, buf);
    }
    es_tab_row(t, 0);
    es_tab_set(t, 0, "run");
    const char *slurm = es_root_str(v, "slurm_job_id");
    const char *task = es_root_str(v, "slurm_array_task_id");
    char sl[160] = "not under Slurm";
    if (slurm[0])
        snprintf(sl, sizeof sl, "Slurm job %s%s%s%s%s", slurm, task[0] ? " (array " : "",
                 es_root_str(v, "slurm_array_job_id"), task[0] ? "_" : "", task[0] ? task : "");
    if (slurm[0] && task[0]) snprintf(sl + strlen(sl), sizeof sl - strlen(sl), ")");
    snprintf(buf, sizeof buf, "%s rank%s on %s, %s to %s, %s", es_root_str(v, "ranks"),
             strcmp(es_root_str(v, "ranks"), "1") == 0 ? "" : "s", es_root_str(v, "host"),
             es_root_str(v, "created_utc"),
             es_root_str(v, "finished_utc")[0] ? es_root_str(v, "finished_utc") : "(not finished)",
             sl);
    es_tab_set(t, 1, buf);
    es_tab_row(t, 0);
    es_tab_set(t, 0, "program");
    snprintf(buf, sizeof buf, "econsweep %s, file schema %s, checksum %s",
             es_root_str(v, "econsweep_version"), es_root_str(v, "schema"),
             es_root_str(v, "checksum")[0] ? es_root_str(v, "checksum") : "(none)");
    es_tab_set(t, 1, buf);
    es_tab_row(t, 0);
    es_tab_set(t, 0, "rows");
    double stored = es_root_num(v, "rows_stored");
    const char *store = es_root_str(v, "store");
    snprintf(buf, sizeof buf, "store %s: %s", store,
             strcmp(store, "summary") == 0 ? "statistics only, no rows"
             : stored > 0                  ? "rows in /sample, /outputs"
                                           : "no rows written");
    if (stored > 0 && strcmp(store, "all") == 0)
        snprintf(buf, sizeof buf, "store all: %.0f rows in /sample, /inputs, /outputs", stored);
    else if (stored > 0)
        snprintf(buf, sizeof buf, "store %s: %.0f rows in /sample, /outputs", store, stored);
    es_tab_set(t, 1, buf);
    es_tab_row(t, 0);
    es_tab_set(t, 0, "status");
    es_status_line(v, path, buf, sizeof buf);
    es_tab_set(t, 1, buf);
}

/* One row of statistics of variable k in cell c: mean [interval], std, p5,
 * p50, p95, NaN count (from column first on). */
static void es_stat_cells(const es_view *v, es_tab *t, uint64_t c, size_t k, size_t first,
                          int brief)
{
    const es_unit_show *u = v->show[k];
    char buf[256];
    es_fmt_interval(u, es_view_mom(v, c, k, ES_ST_MEAN), es_view_mom(v, c, k, ES_ST_MEAN_LO),
                    es_view_mom(v, c, k, ES_ST_MEAN_HI), buf, sizeof buf);
    es_tab_set(t, first++, buf);
    if (!brief) {
        es_fmt(u, es_view_mom(v, c, k, ES_ST_STD), 3, buf, sizeof buf);
        es_tab_set(t, first++, buf);
    }
    for (int q = 0; q < ES_Q_N; q++) {
        es_fmt(u, es_view_quant(v, v->q, c, k, q), 3, buf, sizeof buf);
        es_tab_set(t, first++, buf);
    }
    if (!brief) {
        double nan = es_view_mom(v, c, k, ES_ST_NAN);
        snprintf(buf, sizeof buf, "%.0f", nan);
        es_tab_set(t, first, isnan(nan) ? "?" : buf);
    }
}

static int es_is_kind(const es_view *v, size_t k, const char *kind)
{
    return v->kind && v->kind[k] && strcmp(v->kind[k], kind) == 0;
}

/* A table whose first columns are the scanned inputs (scan) or one name
 * column (first), then the columns of tail. */
static void es_tab_init_cells(es_tab *t, const es_view *v, int scan, const char *id,
                              const char *title, const char *first, size_t ntail,
                              const char *const *tail, const unsigned char *tright)
{
    const char *head[ES_TAB_MAXCOL];
    unsigned char right[ES_TAB_MAXCOL];
    size_t n = 0;
    if (scan)
        for (size_t s = 0; s < v->nscan; s++) {
            right[n] = 1;
            head[n++] = v->scan_name[s];
        }
    else {
        right[n] = 0;
        head[n++] = first;
    }
    for (size_t i = 0; i < ntail && n < ES_TAB_MAXCOL; i++) {
        right[n] = tright ? tright[i] : 0;
        head[n++] = tail[i];
    }
    es_tab_init(t, id, title, n, head, right);
}

/* The scan values of cell c in the first columns of the current row; the
 * column after them. */
static size_t es_tab_cell_cols(es_tab *t, const es_view *v, uint64_t c)
{
    char buf[96];
    for (size_t s = 0; s < v->nscan; s++) {
        double x = es_view_num(v->scan[s], es_view_cell_index(v, c, s));
        es_fmt(es_unit_for(v->scan_unit[s], x, x), x, 3, buf, sizeof buf);
        es_tab_set(t, s, buf);
    }
    return v->nscan;
}

/* The variables: without a scan, one row each (outputs, then inputs); with
 * one, the main outputs with a row per cell, and the inputs once (every cell
 * draws the same inputs).  brief: main outputs, mean and quantiles only. */
static void es_tab_variables(const es_view *v, es_tab *t, const char *kind, int brief)
{
    static const char *const head[] = {"mean [95% interval]", "std", "p5", "p50", "p95", "NaN"};
    static const char *const bhead[] = {"mean [95% interval]", "p5", "p50", "p95"};
    static const unsigned char right[] = {1, 1, 1, 1, 1, 1};
    int out = strcmp(kind, "output") == 0;
    int scan = v->cells > 1 && out;
    char title[200], id[32];
    /* every cell draws the same inputs; a partial file's cells have finished
     * different rows, and the table is cell 0's */
    const int partial = strcmp(es_root_str(v, "status"), "complete") != 0;
    snprintf(title, sizeof title, "%s%s%s",
             out ? (brief || scan ? "main outputs" : "outputs") : "uncertain inputs",
             scan ? ", by scan cell" : "",
             !out && v->cells > 1
                 ? (partial ? " (scan cell 0's finished rows: the cells draw the same inputs, "
                              "but have finished different rows)"
                            : " (the same draws in every cell)")
                 : "");
    snprintf(id, sizeof id, "%ss", kind);
    es_tab_init_cells(t, v, scan, id, title, kind, brief ? 4 : 6, brief ? bhead : head, right);
    for (size_t k = 0; k < v->nvar; k++) {
        if (!es_is_kind(v, k, kind) || ((brief || scan) && out && !v->main[k])) continue;
        if (!scan) {
            es_tab_row(t, 0);
            es_tab_set(t, 0, v->var[k]);
            es_stat_cells(v, t, 0, k, 1, brief);
            continue;
        }
        es_tab_row(t, 1);
        es_tab_set(t, 0, v->var[k]);
        for (uint64_t c = 0; c < v->cells; c++) {
            es_tab_row(t, 0);
            es_stat_cells(v, t, c, k, es_tab_cell_cols(t, v, c), brief);
        }
    }
}

static void es_prob(const es_view *v, uint64_t c, size_t e, char *buf, size_t len)
{
    static const es_unit_show pct = {
        .udunits = "1", .pre = "", .post = "%", .factor = 100, .scale = ES_SC_PLAIN, .axis = "%"};
    uint64_t i = c * v->nev + e;
    es_fmt_interval(&pct, es_view_num(v->ev_p, i), es_view_num(v->ev_lo, i),
                    es_view_num(v->ev_hi, i), buf, len);
}

static void es_tab_events(const es_view *v, es_tab *t)
{
    static const char *const head[] = {"probability [95% interval]", "count", "condition"};
    static const unsigned char right[] = {1, 1, 0};
    int scan = v->cells > 1;
    /* with a scan the condition is in each event's heading */
    es_tab_init_cells(t, v, scan, "events", scan ? "events, by scan cell" : "events", "event",
                      scan ? 2 : 3, head, right);
    char buf[256];
    for (size_t e = 0; e < v->nev; e++) {
        const char *cond = v->cond && v->cond[e] ? v->cond[e] : "";
        if (scan) {
            snprintf(buf, sizeof buf, "%s: %s", v->ev[e] ? v->ev[e] : "", cond);
            es_tab_row(t, 1);
            es_tab_set(t, 0, buf);
        }
        for (uint64_t c = 0; c < v->cells; c++) {
            es_tab_row(t, 0);
            size_t col = 1;
            if (scan) {
                col = es_tab_cell_cols(t, v, c);
            } else {
                es_tab_set(t, 0, v->ev[e]);
                es_tab_set(t, 3, cond);
            }
            es_prob(v, c, e, buf, sizeof buf);
            es_tab_set(t, col, buf);
            snprintf(buf, sizeof buf, "%.0f of %.0f", es_view_num(v->ev_count, c * v->nev + e),
                     es_view_num(v->ev_samples, c * v->nev + e));
            es_tab_set(t, col + 1, buf);
        }
    }
}

/* Sobol index with its interval, or "" when the file has none. */
static void es_sobol_cell(const es_view *v, int k, uint64_t c, size_t o, size_t i, char *buf,
                          size_t len)
{
    static const es_unit_show plain = {
        .udunits = "1", .pre = "", .post = "", .factor = 1, .scale = ES_SC_PLAIN, .axis = ""};
    if (!v->sens[k]) {
        buf[0] = '\0';
        return;
    }
    es_fmt_interval(&plain, es_view_sens(v, k, c, o, i), es_view_sens(v, k + 1, c, o, i),
                    es_view_sens(v, k + 2, c, o, i), buf, len);
}

#define ES_DRIVERS_SHOWN 5

/* The drivers of each main output: without a scan the top five inputs with
 * PRCC, first-order index and Sobol indices where present; with a scan, the
 * top three of each cell.  brief: the top three in one line per output. */
static void es_tab_drivers(const es_view *v, es_tab *t, int brief)
{
    int sobol = v->sens[ES_SE_ST] != NULL, scan = v->cells > 1;
    size_t *order = malloc((v->nin ? v->nin : 1) * sizeof *order);
    if (!order) {
        t->oom = 1;
        return;
    }
    const char *rank_by = sobol ? "Sobol total index" : "|PRCC|";
    char title[200];
    if (brief || scan) {
        static const char *const head[] = {"first", "second", "third"};
        snprintf(title, sizeof title, "top drivers of the main outputs%s (PRCC; ranked by %s)",
                 scan ? ", by scan cell" : "", rank_by);
        es_tab_init_cells(t, v, scan, "drivers", title, "output", 3, head, NULL);
    } else {
        static const char *const head[] = {"input", "PRCC", "first-order", "Sobol first [95%]",
                                           "Sobol total [95%]"};
        static const unsigned char right[] = {0, 1, 1, 1, 1};
        snprintf(title, sizeof title, "top drivers of the main outputs (by %s)", rank_by);
        es_tab_init(t, "drivers", title, sobol ? 5 : 3, head, right);
    }
    for (size_t o = 0; o < v->nout; o++) {
        long k = es_view_sens_var(v, o);
        if (k < 0 || !v->main[k]) continue;
        if (scan || !brief) {
            es_tab_row(t, 1);
            es_tab_set(t, 0, v->sout[o]);
        }
        for (uint64_t c = 0; c < v->cells; c++) {
            es_view_drivers(v, c, o, order);
            char buf[256];
            if (brief || scan) {
                es_tab_row(t, 0);
                size_t col = 1;
                if (scan)
                    col = es_tab_cell_cols(t, v, c);
                else
                    es_tab_set(t, 0, v->sout[o]);
                for (size_t r = 0; r < 3 && r < v->nin; r++) {
                    double x = es_view_sens(v, ES_SE_PRCC, c, o, order[r]);
                    const char *in = v->sin[order[r]] ? v->sin[order[r]] : "";
                    if (isnan(x))
                        snprintf(buf, sizeof buf, "%s NaN", in);
                    else
                        snprintf(buf, sizeof buf, "%s %+.3f", in, x);
                    es_tab_set(t, col + r, buf);
                }
                continue;
            }
            for (size_t r = 0; r < v->nin && r < ES_DRIVERS_SHOWN; r++) {
                size_t i = order[r];
                es_tab_row(t, 0);
                es_tab_set(t, 0, v->sin[i]);
                double pr = es_view_sens(v, ES_SE_PRCC, c, o, i);
                double fo = es_view_sens(v, ES_SE_FIRST, c, o, i);
                snprintf(buf, sizeof buf, isnan(pr) ? "NaN" : "%+.3f", pr);
                es_tab_set(t, 1, buf);
                snprintf(buf, sizeof buf, isnan(fo) ? "NaN" : "%.3f", fo);
                es_tab_set(t, 2, buf);
                if (sobol) {
                    es_sobol_cell(v, ES_SE_SF, c, o, i, buf, sizeof buf);
                    es_tab_set(t, 3, buf);
                    es_sobol_cell(v, ES_SE_ST, c, o, i, buf, sizeof buf);
                    es_tab_set(t, 4, buf);
                }
            }
            if (v->nin > ES_DRIVERS_SHOWN) {
                es_tab_row(t, 0);
                snprintf(buf, sizeof buf, "(%zu more inputs in --format csv or json)",
                         v->nin - ES_DRIVERS_SHOWN);
                es_tab_set(t, 0, buf);
            }
        }
    }
    free(order);
}

static int es_report_tables_x(const es_view *v, const char *path, int brief, es_tabs *out)
{
    memset(out, 0, sizeof *out);
    es_tab *t;
    if (v->root && !brief) {
        if (!(t = es_tabs_new(out))) return -1;
        es_tab_provenance(v, path, t);
    }
    if (!brief || v->cells == 1) {
        if (!(t = es_tabs_new(out))) return -1;
        es_tab_variables(v, t, "output", brief);
    }
    if (!brief) {
        if (!(t = es_tabs_new(out))) return -1;
        es_tab_variables(v, t, "input", 0);
    }
    if (v->nev) {
        if (!(t = es_tabs_new(out))) return -1;
        es_tab_events(v, t);
    }
    if (v->nout && v->nin && (!brief || v->cells == 1)) {
        if (!(t = es_tabs_new(out))) return -1;
        es_tab_drivers(v, t, brief);
    }
    for (size_t i = 0; i < out->n; i++)
        if (out->t[i].oom) return -1;
    return 0;
}

int es_report_tables(const es_view *v, const char *path, es_tabs *out)
{
    return es_report_tables_x(v, path, 0, out);
}

/* ---- CSV: one number per line (tidy), the same content as the text ---- */

static void es_csv_field(FILE *f, const char *s)
{
    if (!s) s = "";
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void es_csv_num(FILE *f, double x)
{
    if (isnan(x))
        fputs("NaN", f);
    else if (isinf(x))
        fputs(x < 0 ? "-inf" : "inf", f);
    else
        fprintf(f, "%.17g", x);
}

/* section,name,input,cell,<scan...>,statistic,value,units */
static void es_csv_row(FILE *f, const es_view *v, const char *section, const char *name,
                       const char *input, long cell, const char *stat, const char *sval, double val,
                       const char *units)
{
    es_csv_field(f, section);
    fputc(',', f);
    es_csv_field(f, name);
    fputc(',', f);
    es_csv_field(f, input);
    fputc(',', f);
    if (cell >= 0) fprintf(f, "%ld", cell);
    for (size_t s = 0; s < v->nscan; s++) {
        fputc(',', f);
        if (cell >= 0)
            es_csv_num(f, es_view_num(v->scan[s], es_view_cell_index(v, (uint64_t)cell, s)));
    }
    fputc(',', f);
    es_csv_field(f, stat);
    fputc(',', f);
    if (sval)
        es_csv_field(f, sval);
    else
        es_csv_num(f, val);
    fputc(',', f);
    es_csv_field(f, units);
    fputc('\n', f);
}

static void es_report_csv(const es_view *v, FILE *f)
{
    fputs("section,name,input,cell", f);
    for (size_t s = 0; s < v->nscan; s++) {
        fputc(',', f);
        es_csv_field(f, v->scan_name[s]);
    }
    fputs(",statistic,value,units\n", f);
    if (v->root)
        for (size_t i = 0; i < v->root->nattr; i++) {
            const es_res_attr *a = &v->root->attr[i];
            es_csv_row(f, v, "provenance", a->name, "", -1, "", a->str ? a->str : NULL, a->num, "");
        }
    for (size_t s = 0; s < v->nscan; s++)
        for (uint64_t i = 0; i < v->scan_n[s]; i++)
            es_csv_row(f, v, "scan", v->scan_name[s], "", -1, "value", NULL,
                       es_view_num(v->scan[s], i), v->scan_unit[s]);
    static const char *const qn[ES_Q_N] = {"p5", "p50", "p95"};
    for (uint64_t c = 0; c < v->cells; c++) {
        for (size_t k = 0; k < v->nvar; k++) {
            const char *sec = v->kind && v->kind[k] ? v->kind[k] : "variable";
            const char *u = v->unit && v->unit[k] ? v->unit[k] : "";
            for (int s = 0; s < ES_ST_N; s++)
                es_csv_row(f, v, sec, v->var[k], "", (long)c, es_st_names[s], NULL,
                           es_view_mom(v, c, k, s), s == ES_ST_COUNT || s == ES_ST_NAN ? "1" : u);
            for (int q = 0; q < ES_Q_N; q++) {
                char lo[16], hi[16];
                snprintf(lo, sizeof lo, "%s_lo", qn[q]);
                snprintf(hi, sizeof hi, "%s_hi", qn[q]);
                es_csv_row(f, v, sec, v->var[k], "", (long)c, qn[q], NULL,
                           es_view_quant(v, v->q, c, k, q), u);
                es_csv_row(f, v, sec, v->var[k], "", (long)c, lo, NULL,
                           es_view_quant(v, v->qlo, c, k, q), u);
                es_csv_row(f, v, sec, v->var[k], "", (long)c, hi, NULL,
                           es_view_quant(v, v->qhi, c, k, q), u);
            }
        }
        for (size_t e = 0; e < v->nev; e++) {
            uint64_t i = c * v->nev + e;
            if (c == 0)
                es_csv_row(f, v, "event", v->ev[e], "", -1, "condition",
                           v->cond && v->cond[e] ? v->cond[e] : "", 0, "");
            es_csv_row(f, v, "event", v->ev[e], "", (long)c, "probability", NULL,
                       es_view_num(v->ev_p, i), "1");
            es_csv_row(f, v, "event", v->ev[e], "", (long)c, "probability_lo", NULL,
                       es_view_num(v->ev_lo, i), "1");
            es_csv_row(f, v, "event", v->ev[e], "", (long)c, "probability_hi", NULL,
                       es_view_num(v->ev_hi, i), "1");
            es_csv_row(f, v, "event", v->ev[e], "", (long)c, "count", NULL,
                       es_view_num(v->ev_count, i), "1");
            es_csv_row(f, v, "event", v->ev[e], "", (long)c, "samples", NULL,
                       es_view_num(v->ev_samples, i), "1");
        }
        size_t *order = malloc((v->nin ? v->nin : 1) * sizeof *order);
        if (!order) return;
        for (size_t o = 0; o < v->nout; o++) {
            es_view_drivers(v, c, o, order);
            for (size_t r = 0; r < v->nin; r++) {
                size_t i = order[r];
                es_csv_row(f, v, "driver", v->sout[o], v->sin[i], (long)c, "rank", NULL,
                           (double)(r + 1), "1");
                for (int s = 0; s < ES_SE_N; s++)
                    if (v->sens[s])
                        es_csv_row(f, v, "driver", v->sout[o], v->sin[i], (long)c,
                                   es_view_sens_names[s], NULL, es_view_sens(v, s, c, o, i), "1");
            }
        }
        free(order);
    }
}

/* ---- JSON ---- */

/* s as a JSON string: control characters escaped, invalid UTF-8 replaced by
 * U+FFFD, so that the output always parses. */
static void es_json_str(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    fputc('"', f);
    while (*p) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            fprintf(f, "\\%c", c);
            p++;
        } else if (c < 0x20) {
            fprintf(f, "\\u%04x", c);
            p++;
        } else if (c < 0x80) {
            fputc(c, f);
            p++;
        } else {
            /* the length of a valid sequence, or 0 */
            int n = c >= 0xC2 && c <= 0xDF   ? 2
                    : c >= 0xE0 && c <= 0xEF ? 3
                    : c >= 0xF0 && c <= 0xF4 ? 4
                                             : 0;
            for (int k = 1; k < n; k++)
                if ((p[k] & 0xC0) != 0x80) n = 0;
            if (n == 3 && ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F))) n = 0;
            if (n == 4 && ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F))) n = 0;
            if (n) {
                fwrite(p, 1, (size_t)n, f);
                p += n;
            } else {
                fputs("\\ufffd", f);
                p++;
            }
        }
    }
    fputc('"', f);
}

static void es_json_num(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.17g", x);
    else
        fputs("null", f); /* JSON has no NaN or infinity */
}

static void es_json_key(FILE *f, const char *k, int *first)
{
    fputs(*first ? "" : ", ", f);
    *first = 0;
    es_json_str(f, k);
    fputs(": ", f);
}

static void es_report_json(const es_view *v, const char *path, FILE *f)
{
    int first = 1;
    fputs("{", f);
    es_json_key(f, "file", &first);
    es_json_str(f, path);
    es_json_key(f, "provenance", &first);
    fputs("{", f);
    int pf = 1;
    if (v->root)
        for (size_t i = 0; i < v->root->nattr; i++) {
            const es_res_attr *a = &v->root->attr[i];
            es_json_key(f, a->name, &pf);
            if (a->is_str)
                es_json_str(f, a->str);
            else if (a->str) /* an integer, exactly */
                fputs(a->str, f);
            else
                es_json_num(f, a->num);
        }
    fputs("}", f);
    char status[2048];
    es_status_line(v, path, status, sizeof status);
    es_json_key(f, "status", &first);
    es_json_str(f, status);
    es_json_key(f, "complete", &first);
    fputs(strcmp(es_root_str(v, "status"), "complete") == 0 ? "true" : "false", f);
    es_json_key(f, "scan", &first);
    fputs("[", f);
    for (size_t s = 0; s < v->nscan; s++) {
        fprintf(f, "%s{\"input\": ", s ? ", " : "");
        es_json_str(f, v->scan_name[s]);
        fputs(", \"units\": ", f);
        es_json_str(f, v->scan_unit[s]);
        fputs(", \"values\": [", f);
        for (uint64_t i = 0; i < v->scan_n[s]; i++) {
            fputs(i ? ", " : "", f);
            es_json_num(f, es_view_num(v->scan[s], i));
        }
        fputs("]}", f);
    }
    fputs("]", f);
    es_json_key(f, "cells", &first);
    fputs("[\n", f);
    static const char *const qn[ES_Q_N] = {"p5", "p50", "p95"};
    size_t *order = malloc((v->nin ? v->nin : 1) * sizeof *order);
    for (uint64_t c = 0; c < v->cells && order; c++) {
        fprintf(f, "%s{\"cell\": %llu, \"scan\": {", c ? ",\n" : "", (unsigned long long)c);
        for (size_t s = 0; s < v->nscan; s++) {
            fputs(s ? ", " : "", f);
            es_json_str(f, v->scan_name[s]);
            fputs(": ", f);
            es_json_num(f, es_view_num(v->scan[s], es_view_cell_index(v, c, s)));
        }
        fputs("},\n \"variables\": [", f);
        for (size_t k = 0; k < v->nvar; k++) {
            fputs(k ? ",\n  {" : "\n  {", f);
            int vf = 1;
            es_json_key(f, "name", &vf);
            es_json_str(f, v->var[k]);
            es_json_key(f, "kind", &vf);
            es_json_str(f, v->kind ? v->kind[k] : "");
            es_json_key(f, "units", &vf);
            es_json_str(f, v->unit ? v->unit[k] : "");
            es_json_key(f, "main", &vf);
            fputs(v->main[k] ? "true" : "false", f);
            for (int s = 0; s < ES_ST_N; s++) {
                es_json_key(f, es_st_names[s], &vf);
                es_json_num(f, es_view_mom(v, c, k, s));
            }
            for (int q = 0; q < ES_Q_N; q++) {
                char lo[16], hi[16];
                snprintf(lo, sizeof lo, "%s_lo", qn[q]);
                snprintf(hi, sizeof hi, "%s_hi", qn[q]);
                es_json_key(f, qn[q], &vf);
                es_json_num(f, es_view_quant(v, v->q, c, k, q));
                es_json_key(f, lo, &vf);
                es_json_num(f, es_view_quant(v, v->qlo, c, k, q));
                es_json_key(f, hi, &vf);
                es_json_num(f, es_view_quant(v, v->qhi, c, k, q));
            }
            fputs("}", f);
        }
        fputs("],\n \"events\": [", f);
        for (size_t e = 0; e < v->nev; e++) {
            uint64_t i = c * v->nev + e;
            fputs(e ? ",\n  {" : "\n  {", f);
            int ef = 1;
            es_json_key(f, "name", &ef);
            es_json_str(f, v->ev[e]);
            es_json_key(f, "condition", &ef);
            es_json_str(f, v->cond ? v->cond[e] : "");
            static const char *const en[] = {"probability", "probability_lo", "probability_hi",
                                             "count", "samples"};
            const es_res_array *ea[] = {v->ev_p, v->ev_lo, v->ev_hi, v->ev_count, v->ev_samples};
            for (int s = 0; s < 5; s++) {
                es_json_key(f, en[s], &ef);
                es_json_num(f, es_view_num(ea[s], i));
            }
            fputs("}", f);
        }
        fputs("],\n \"drivers\": [", f);
        for (size_t o = 0; o < v->nout; o++) {
            es_view_drivers(v, c, o, order);
            fputs(o ? ",\n  {\"output\": " : "\n  {\"output\": ", f);
            es_json_str(f, v->sout[o]);
            long k = es_view_sens_var(v, o);
            fprintf(f, ", \"main\": %s, \"inputs\": [", k >= 0 && v->main[k] ? "true" : "false");
            for (size_t r = 0; r < v->nin; r++) {
                size_t i = order[r];
                fputs(r ? ", {" : "{", f);
                int df = 1;
                es_json_key(f, "input", &df);
                es_json_str(f, v->sin[i]);
                for (int s = 0; s < ES_SE_N; s++)
                    if (v->sens[s]) {
                        es_json_key(f, es_view_sens_names[s], &df);
                        es_json_num(f, es_view_sens(v, s, c, o, i));
                    }
                fputs("}", f);
            }
            fputs("]}", f);
        }
        fputs("]}", f);
    }
    free(order);
    fputs("\n]}\n", f);
}

/* ---- text ---- */

static void es_report_text(const es_view *v, const es_tabs *tabs, const char *path, FILE *f)
{
    fprintf(f, "econsweep report of %s\n", path);
    if (strcmp(es_root_str(v, "status"), "complete") != 0 || es_root_num(v, "parts") > 1) {
        char status[2048];
        es_status_line(v, path, status, sizeof status);
        fprintf(f, "NOTE: %s\n", status);
    }
    for (size_t i = 0; i < tabs->n; i++)
        es_tab_text(&tabs->t[i], f);
    if (v->nout == 0 && strcmp(es_root_str(v, "status"), "complete") != 0)
        fprintf(f, "\ntop drivers: none yet (the sensitivity pass runs when every row is "
                   "done)\n");
    else if (v->nout == 0 && es_root_num(v, "parts") > 1)
        fprintf(f, "\ntop drivers: none in a part (the sensitivity pass runs when the parts "
                   "are merged)\n");
}

void es_report_write(const es_view *v, const es_tabs *tabs, const char *path, const char *format,
                     FILE *out)
{
    const char *fmt = format ? format : "text";
    if (strcmp(fmt, "csv") == 0)
        es_report_csv(v, out);
    else if (strcmp(fmt, "json") == 0)
        es_report_json(v, path, out);
    else
        es_report_text(v, tabs, path, out);
}

/* ---- the closing table of a run ---- */

void es_print_closing_table(FILE *f, const es_job *job, const es_plan *p, const es_results *r)
{
    (void)job;
    es_view v;
    char err[512];
    if (es_view_init(&v, r, p->model, err, sizeof err)) {
        fprintf(f, "econsweep: no summary table: %s\n", err);
        return;
    }
    es_tabs tabs;
    if (es_report_tables_x(&v, "", 1, &tabs) == 0) {
        if (v.cells > 1)
            fprintf(f, "\n%llu scan cells: econsweep report FILE shows each\n",
                    (unsigned long long)v.cells);
        for (size_t i = 0; i < tabs.n; i++)
            es_tab_text(&tabs.t[i], f);
    }
    es_tabs_free(&tabs);
    es_view_free(&v);
    fflush(f);
}

/* ---- econsweep report ---- */

static int es_read_exit(es_h5read_status st)
{
    /* every file that cannot be read as an econsweep result is an I/O failure
     * (DESIGN.md: exit 3), whatever the reason the message gives */
    return st == ES_H5READ_OK ? 0 : ES_EXIT_IO;
}

/* Seconds HDF5 may take to read a file of size bytes: 10, and one more per
 * 50 MB (a summary is read at hundreds of MB/s; a damaged file can send
 * HDF5 into a loop). */
static unsigned es_read_seconds(const char *path)
{
    struct stat sb;
    double size = stat(path, &sb) == 0 ? (double)sb.st_size : 0;
    return 10 + (unsigned)fmin(size / 50e6, 3600);
}

/* A partial file without results (its run was killed before it could write
 * them): the statistics of its newest checkpoint, rebuilt as the run would
 * have emitted them, from the job the file records.  Returns 0 with the
 * results taken into r, or -1 (no usable checkpoint). */
static int es_results_from_checkpoint(const char *path, es_results *r, char *err, size_t errlen)
{
    es_file_head head;
    unsigned char *blob = NULL;
    uint64_t len = 0;
    if (es_store_read_checkpoint(path, &head, &blob, &len, err, errlen)) return -1;
    int rc = -1;
    es_job job;
    int have_job = 0;
    es_pipe *pp = NULL;
    double *anchor = NULL;
    es_statset *ss = NULL;
    es_ckpt c;
    char why[4096];
    if (!head.job_text || !head.scenario_text) {
        snprintf(err, errlen, "%s records no job to rebuild its statistics from", path);
        goto done;
    }
    es_job_mem_file f[] = {{head.job_path, head.job_text, strlen(head.job_text)},
                           {head.scenario_path, head.scenario_text, strlen(head.scenario_text)},
                           {NULL, NULL, 0}};
    if (es_job_load_with(&job, head.job_path, es_job_mem_reader, f, why, sizeof why)) {
        snprintf(err, errlen, "%s: its job does not load in this version", path);
        goto done;
    }
    have_job = 1;
    job.samples = head.samples;
    job.seed = head.seed;
    int sk = es_store_find(head.store);
    if (sk >= 0) job.store = (es_store_kind)sk;
    es_plan plan;
    if (es_plan_init(&plan, &job, why, sizeof why) ||
        (head.parts > 1 &&
         es_plan_set_part(&plan, (uint32_t)head.part, (uint32_t)head.parts, why, sizeof why))) {
        snprintf(err, errlen, "%.200s: %.800s", path, why);
        goto done;
    }
    /* the shifts of the sums, as the run computed them */
    pp = es_pipe_new(&plan, why, sizeof why);
    anchor = pp ? es_pipe_anchors(pp) : NULL;
    es_stat_ctx ctx = {NULL, anchor};
    ss = anchor ? es_statset_new(&plan, 1, &ctx) : NULL;
    if (!ss || es_ckpt_read(blob, (size_t)len, &c) ||
        es_statset_merge_packed(ss, c.stats, (size_t)c.stats_len)) {
        snprintf(err, errlen, "%s: its checkpoint does not match its job", path);
        goto done;
    }
    es_results got;
    es_results_init(&got);
    if (es_statset_emit(ss, &got) || es_results_take(r, &got)) {
        es_results_free(&got);
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    rc = 0;
done:
    es_statset_free(ss);
    free(anchor);
    es_pipe_free(pp);
    if (have_job) es_job_free(&job);
    es_file_head_free(&head);
    free(blob);
    return rc;
}

/* The report itself, in the child process (below). */
static int es_report_run(const struct es_cli *cli, FILE *out, FILE *errf)
{
    es_results r;
    es_results_init(&r);
    char err[1024];
    alarm(es_read_seconds(cli->path));
    es_h5read_status st = es_h5read(cli->path, &r, err, sizeof err);
    alarm(0);
    if (st != ES_H5READ_OK) {
        fprintf(errf, "econsweep: report: %s\n", err);
        es_results_free(&r);
        return es_read_exit(st);
    }
    const es_res_array *root = es_results_find(&r, "/");
    const es_res_attr *st0 = root ? es_res_attr_find(root, "status") : NULL;
    if (!es_results_find(&r, "/summary/moments") && st0 && st0->str &&
        strcmp(st0->str, "complete") != 0) {
        /* killed before its finish: the newest checkpoint's statistics */
        char why[1024];
        if (es_results_from_checkpoint(cli->path, &r, why, sizeof why) == 0) {
            es_res_array *rw = es_results_find_mut(&r, "/");
            if (rw) es_res_attr_str(rw, "statistics_from", "checkpoint");
        }
        root = es_results_find(&r, "/");
    }
    const es_res_attr *mname = root ? es_res_attr_find(root, "model") : NULL;
    const es_model *model = mname && mname->is_str && mname->str ? es_model_find(mname->str) : NULL;
    es_view v;
    if (es_view_init(&v, &r, model, err, sizeof err)) {
        const es_res_attr *status = root ? es_res_attr_find(root, "status") : NULL;
        if (!es_results_find(&r, "/summary/moments") && status && status->str &&
            strcmp(status->str, "complete") != 0 && es_report_busy)
            fprintf(errf,
                    "econsweep: report: %s holds no statistics yet (status \"%s\"): another "
                    "process has it open (a run still writing it, before its first "
                    "checkpoint?); report it when the run has ended\n",
                    cli->path, status->str);
        else if (!es_results_find(&r, "/summary/moments") && status && status->str &&
                 strcmp(status->str, "complete") != 0)
            fprintf(errf,
                    "econsweep: report: %s holds no statistics yet (status \"%s\": the run "
                    "stopped before writing any); continue it with econsweep run JOB.ini -o %s "
                    "--resume\n",
                    cli->path, status->str, cli->path);
        else
            fprintf(errf, "econsweep: report: %s: %s: the file is damaged\n", cli->path, err);
        es_results_free(&r);
        return ES_EXIT_IO;
    }
    es_tabs tabs;
    int rc = 0;
    if (es_report_tables(&v, cli->path, &tabs)) {
        fprintf(errf, "econsweep: report: out of memory\n");
        rc = ES_EXIT_IO;
    } else {
        es_report_write(&v, &tabs, cli->path, cli->format, out);
        fflush(out);
        if (cli->plots) rc = es_report_plots(&v, &tabs, cli->path, cli->plots, errf);
    }
    es_tabs_free(&tabs);
    es_view_free(&v);
    es_results_free(&r);
    return rc;
}

/* HDF5 1.10 does not check every structure it reads: some damaged files
 * (a flipped bit in a global heap or an attribute table) make it read out of
 * bounds, crash or loop.  So the report runs in a child process, and a child
 * killed by a signal is a damaged file, said in one line, never a crash of
 * this command.  Its output goes straight to out and errf. */
int es_report_main(const struct es_cli *cli, FILE *out, FILE *errf)
{
    es_report_busy = es_file_busy(cli->path);
    fflush(out);
    fflush(errf);
    pid_t pid = fork();
    if (pid < 0) return es_report_run(cli, out, errf); /* no process to spare: in this one */
    if (pid == 0) {
        int rc = es_report_run(cli, out, errf);
        if (fflush(out) != 0 || ferror(out)) {
            fprintf(errf, "econsweep: report: cannot write the output: %s\n", strerror(errno));
            rc = ES_EXIT_IO;
        }
        fflush(errf);
        _exit(rc);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            fprintf(errf, "econsweep: report: lost the report process: %s\n", strerror(errno));
            return ES_EXIT_IO;
        }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    int sig = WTERMSIG(status);
    if (sig == SIGPIPE) return ES_EXIT_IO; /* the reader of the output went away */
    if (sig == SIGALRM)
        fprintf(errf,
                "econsweep: report: %s: HDF5 did not finish reading it in %u s: the file is "
                "damaged\n",
                cli->path, es_read_seconds(cli->path));
    else
        fprintf(errf, "econsweep: report: %s: HDF5 failed reading it (%s): the file is damaged\n",
                cli->path, strsignal(sig));
    return ES_EXIT_IO;
}
