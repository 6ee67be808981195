/* src/model_econ.c: the compute-economics kernel, model 2 (docs/model.md is the
 * specification; docs/model.md explains it to users).
 *
 *   G     = pi (d-2e)^2 / (4A) - pi (d-2e) / sqrt(2A)          gross dies per wafer
 *   Y     = (1 + D0 A/100 / alpha)^(-alpha)                    negative-binomial yield
 *   C_die = W / (G Y),  C_chip = n_d C_die + C_pkg,  N = f I / (mu C_chip)
 *   P_MW  = N P_a k_s PUE / 1000,  E = P_MW L h p_e,  F = N F_a U T 3.15576e7
 *   c_a   = [(mu C_chip + C_sa) / (T h) + P_a k_s K_f / (1000 T_f h)
 *            + P_a k_s PUE L p_e / 1000] / (F_a U / 1e15)
 *   c_g   = [(C_g / (1-m) + C_sg) / (T h) + P_g k_s K_f / (1000 T_f h)
 *            + P_g k_s PUE L p_e / 1000] / (F_g U / 1e15)
 *   S     = (c_g - c_a) F / 3.6e18,  sigma = I / V,  Q = (1-f) I / B_q,  CFR = f + s (1-f)
 *   K_cap = N P_a k_s / 1000 K_f,  C_0 = (1-f) I + f I / mu
 *   M     = m_c R / T_c a_{T_c}(r),  X = sigma (1-delta) V_X / (1+r)^H
 *   stake multiple = (1-delta) V_X / V,  NPV(r) = X + M - C_0,  NPV(IRR) = 0 on (-0.99, 10)
 * with h = 8766 hours per year and a_n(x) = sum_{t=1..n} (1+x)^-t.
 *
 * Units.  Every unit string is a UDUNITS-2 expression.  Money has no
 * UDUNITS-2 unit: "USD" is the one symbol added to it, a base unit of its own
 * (tests/data/check_units.sh parses every string, those without USD with the
 * stock database, those with it once USD is defined).  Counts (dies, chips,
 * FLOP) are "1" as in the CF conventions, so FLOP/s is "s-1" and a
 * PFLOP-hour, 1e15 FLOP/s for an hour, is "1e15 s-1 h": the cost of one is
 * "USD/(1e15 s-1 h)".  A quarter is "3 month".  The model's year is the Julian
 * year (8766 h); UDUNITS-2's "year" is the tropical year, 2e-5 shorter.
 *
 * Robustness.  The stake is I (1-delta) (V_X/V), never (I/V) V_X, so that a
 * tiny valuation with a tiny exit valuation gives a finite value; the IRR is
 * solved on the flows divided by I (scale-free), then by their largest
 * magnitude, so no power of the discount factor overflows; the yield's
 * exponent is written with log1p and, where D0 A/100/alpha overflows (alpha
 * below about 1e-308), as alpha (log z - log alpha). */
#include "model_econ.h"
#include "clones.h"

#include <float.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <math.h>
#include <stdio.h>

#define ES_HOURS_PER_YEAR 8766.0
#define ES_SECONDS_PER_YEAR 3.15576e7
#define ES_FLOP_PER_PFLOP_HOUR 3.6e18
#define ES_IRR_LO (-0.99)
#define ES_IRR_HI 10.0

/* The columns never overlap: GCC vectorises the arithmetic loop once told so
 * (at -O3; without it the loop's 37 pointers are too many to check at run
 * time).  SSE2 arithmetic rounds as the scalar code does, so a batch gives
 * the bits of single evaluations. */
#if defined(__GNUC__) && !defined(__clang__)
#define ES_IVDEP _Pragma("GCC ivdep")
#else
#define ES_IVDEP
#endif

/* Unit strings (see the comment at the top). */
#define U_USD "USD"
#define U_PFLOP_H "USD/(1e15 s-1 h)"

#define INF INFINITY
/* name, unit, long name, default, lo, hi, lo valid, hi valid, whole */
static const es_input_info es_econ_inputs[ES_ECON_NIN] = {
    {"valuation_usd", U_USD, "post-money valuation of the company invested in", 5.5e11, 0, INF, 0,
     0, 0},
    {"investment_usd", U_USD, "total investment", 1.0e10, 0, INF, 0, 0, 0},
    {"chip_share", "1", "fraction of the investment paid as chips", 0.5, 0, 1, 1, 1, 0},
    {"chip_markup", "1", "deal price of a chip / its manufacturing cost", 1.5, 0, INF, 0, 0, 0},
    {"die_area_mm2", "mm2", "area of one compute die", 650, 0, INF, 0, 0, 0},
    {"defect_density_per_cm2", "cm-2", "defect density of the node", 0.10, 0, INF, 1, 0, 0},
    {"yield_alpha", "1", "defect clustering parameter (negative binomial)", 1.0, 0, INF, 0, 0, 0},
    {"wafer_price_usd", U_USD, "price of one 300 mm wafer", 20000, 0, INF, 0, 0, 0},
    {"wafer_diameter_mm", "mm", "wafer diameter", 300, 0, INF, 0, 0, 0},
    {"edge_exclusion_mm", "mm", "unusable rim of the wafer", 3, 0, INF, 1, 0, 0},
    {"dies_per_chip", "1", "compute dies in one package", 2, 1, 64, 1, 1, 1},
    {"package_cost_usd", U_USD, "HBM, advanced packaging and test, per chip", 3800, 0, INF, 1, 0,
     0},
    {"chip_power_kw", "kW", "accelerator board power", 1.0, 0, INF, 1, 0, 0},
    {"chip_flops", "s-1", "dense peak FLOP/s of the accelerator (FP8)", 2.517e15, 0, INF, 0, 0, 0},
    {"gpu_cost_usd", U_USD, "GPU manufacturing cost", 6400, 0, INF, 1, 0, 0},
    {"gpu_margin", "1", "GPU vendor gross margin (the GPU tax)", 0.75, 0, 1, 1, 0, 0},
    {"gpu_power_kw", "kW", "GPU board power", 1.2, 0, INF, 1, 0, 0},
    {"gpu_flops", "s-1", "dense peak FLOP/s of the GPU (FP8)", 4.5e15, 0, INF, 0, 0, 0},
    {"server_power_factor", "1", "server power per accelerator power", 1.6, 0, INF, 0, 0, 0},
    {"load_factor", "1", "average power draw / peak", 0.75, 0, 1, 0, 1, 0},
    {"pue", "1", "facility power usage effectiveness", 1.15, 1, INF, 1, 0, 0},
    {"electricity_usd_per_mwh", "USD/(MW h)", "electricity price", 80, 0, INF, 1, 0, 0},
    {"mfu", "1", "time-averaged model FLOPs utilisation", 0.38, 0, 1, 0, 1, 0},
    {"depreciation_years", "year", "accelerator service life", 5, 0, INF, 0, 0, 0},
    {"burn_usd_per_quarter", "USD/(3 month)", "cash burn of the company per quarter", 1.2e10, 0,
     INF, 0, 0, 0},
    {"cash_return_share", "1", "share of the cash part spent back with the investor's cloud", 0.5,
     0, 1, 1, 1, 0},
    {"cloud_contract_usd", U_USD, "cloud contract value", 3.8e10, 0, INF, 1, 0, 0},
    {"contract_years", "year", "cloud contract length (whole years)", 7, 1, 100, 1, 1, 1},
    {"cloud_margin", "1", "investor's margin on cloud revenue", 0.30, -1, 1, 1, 1, 0},
    {"discount_rate", "year-1", "investor's discount rate", 0.10, -0.99, 10, 0, 0, 0},
    {"horizon_years", "year", "years until the stake is valued (whole years)", 5, 0, 100, 1, 1, 1},
    {"exit_valuation_usd", U_USD, "valuation of the company at the horizon", 5.5e11, 0, INF, 0, 0,
     0},
    {"dilution", "1", "share of the stake lost to later funding rounds by the horizon", 0.0, 0, 1,
     1, 0, 0},
    {"asic_system_cost_usd", U_USD, "server, network and storage hardware per ASIC", 6000, 0, INF,
     1, 0, 0},
    {"gpu_system_cost_usd", U_USD, "server, network and storage hardware per GPU", 10000, 0, INF, 1,
     0, 0},
    {"facility_capex_usd_per_mw", "USD/MW", "data-centre construction per MW of IT power", 1.1e7, 0,
     INF, 1, 0, 0},
    {"facility_life_years", "year", "service life of the data-centre building", 15, 0, INF, 0, 0,
     0},
};
#undef INF

/* name, unit, long name, main (a headline output: closing table, report) */
static const es_output_info es_econ_outputs[ES_ECON_NOUT] = {
    {"gross_dies_per_wafer", "1", "gross dies per wafer", 0},
    {"die_yield", "1", "die yield (negative binomial)", 0},
    {"cost_per_good_die_usd", U_USD, "cost per good die", 0},
    {"chip_cost_usd", U_USD, "manufacturing cost of one chip", 0},
    {"chips_delivered", "1", "chips delivered by the chip tranche", 1},
    {"facility_power_mw", "MW", "facility power of the delivered chips", 0},
    {"energy_cost_usd_per_year", "USD/year", "yearly energy cost of the delivered chips", 0},
    {"delivered_flop", "1", "useful FLOP over the service life", 0},
    {"asic_usd_per_pflop_hour", U_PFLOP_H, "lab's whole-system cost per PFLOP-hour on the chips",
     1},
    {"gpu_usd_per_pflop_hour", U_PFLOP_H, "lab's whole-system cost per PFLOP-hour on bought GPUs",
     1},
    {"gpu_tax_saving_usd", U_USD, "lab's saving against GPUs over the delivered FLOP", 1},
    {"equity_stake", "1", "equity stake bought", 0},
    {"runway_quarters", "3 month", "quarters of the lab's burn covered by the cash part", 1},
    {"circular_financing_ratio", "1", "share of the investment that flows back to the investor", 0},
    {"investor_npv_usd", U_USD, "investor's net present value of the deal", 1},
    {"investor_irr", "year-1", "investor's internal rate of return", 1},
    {"facility_capex_usd", U_USD, "data-centre building the delivered chips need", 0},
    {"deal_cost_usd", U_USD, "investor's cost at t = 0: the cash and the chips at cost", 0},
    {"contract_margin_pv_usd", U_USD, "present value of the investor's cloud-contract margin", 0},
    {"stake_pv_usd", U_USD, "present value of the stake at the horizon", 0},
    {"stake_multiple", "1", "stake value at the horizon / investment", 1},
};

/* v^n for a whole n >= 0 by binary powering: at most 2 log2(n) products,
 * each rounded once, so the relative error is below 2 log2(n) eps. */
static inline double es_powi(double v, int n)
{
    double r = 1;
    while (n > 0) {
        if (n & 1) r *= v;
        v *= v;
        n >>= 1;
    }
    return r;
}

double es_econ_npv(const es_econ_flows *cf, double x)
{
    double v = 1.0 / (1.0 + x), df = 1.0, sum = cf->c0;
    int tmax = cf->tc > cf->h ? cf->tc : cf->h;
    if (cf->h == 0) sum += cf->stake;
    for (int t = 1; t <= tmax; t++) {
        df *= v;
        if (t <= cf->tc) sum += cf->annual * df;
        if (t == cf->h) sum += cf->stake * df;
    }
    return sum;
}

/* a_n(x) = sum_{t=1..n} v^t with v = 1/(1+x) is the geometric sum
 *   a = (1 - v^n) / x,   da/dx = -sum t v^(t+1) = (n v^(n+1) - a) / x.
 * Where |x| >= 1/16, 1 - v^n >= 1 - (16/17)^1 keeps its cancellation below
 * 20 eps relative, and that of the derivative below 2^8 eps.  Nearer 0 the
 * sum is added term by term (positive terms, no cancellation): n <= 100
 * products, taken only by samples whose rate is near 0. */
double es_econ_annuity(int n, double x, double *dadx)
{
    double v = 1.0 / (1.0 + x), a, d;
    if (fabs(x) >= 0.0625) {
        double vn = es_powi(v, n), ix = 1.0 / x;
        a = (1.0 - vn) * ix;
        d = (n * vn * v - a) * ix;
    } else {
        double p = 1.0, s1 = 0.0;
        a = 0.0;
        for (int t = 1; t <= n; t++) {
            p *= v;
            a += p;
            s1 += t * p;
        }
        d = -v * s1;
    }
    if (dadx) *dadx = d;
    return a;
}

static double es_econ_npv_gsl(double x, void *p)
{
    return es_econ_npv(p, x);
}

/* Brent's method on (a, b), where NPV(a) and NPV(b) are finite, non-zero and
 * of opposite signs; GSL's solver keeps the root bracketed, so it cannot
 * leave (a, b).  The solver object is allocated on first use. */
static double es_econ_brent_on(gsl_function *fn, double a, double b, gsl_root_fsolver **sp)
{
    if (!*sp) *sp = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    gsl_root_fsolver *s = *sp;
    if (!s) return NAN;
    if (gsl_root_fsolver_set(s, fn, a, b) != GSL_SUCCESS) return NAN;
    for (int it = 0; it < 200; it++) {
        if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS) return NAN;
        double lo = gsl_root_fsolver_x_lower(s), hi = gsl_root_fsolver_x_upper(s);
        if (gsl_root_test_interval(lo, hi, 1e-15, 1e-14) == GSL_SUCCESS)
            return gsl_root_fsolver_root(s);
    }
    return gsl_root_fsolver_root(s);
}

/* Brent's method on the whole of (-0.99, 10): NaN unless NPV's signs at the
 * ends differ. */
static double es_econ_irr_brent_with(const es_econ_flows *cf, gsl_root_fsolver **sp)
{
    double flo = es_econ_npv(cf, ES_IRR_LO), fhi = es_econ_npv(cf, ES_IRR_HI);
    if (!isfinite(flo) || !isfinite(fhi) || (flo > 0) == (fhi > 0) || flo == 0 || fhi == 0)
        return NAN;
    gsl_function fn = {es_econ_npv_gsl, (void *)cf};
    return es_econ_brent_on(&fn, ES_IRR_LO, ES_IRR_HI, sp);
}

/* g(x) = sum_t (h - t) CF_t v^t, v = 1/(1+x): the sign of the slope of
 * q(w) = NPV(x) (1+x)^h in w = ln(1+x), since dq/dw = (1+x)^h g(x). */
static double es_econ_npv_tilt(double x, void *p)
{
    const es_econ_flows *cf = p;
    double v = 1.0 / (1.0 + x), df = 1.0, sum = cf->h * cf->c0;
    for (int t = 1; t <= cf->tc; t++) {
        df *= v;
        sum += (cf->h - t) * cf->annual * df;
    }
    return sum;
}

/* The IRR of flows whose c0 and annual are not of opposite signs (the model
 * gives these with a negative cloud margin: c0 < 0, annual < 0, stake >= 0).
 * With c0 <= 0 and annual <= 0 (else all flows change sign, which moves no
 * root), q(w) = NPV(x) (1+x)^h = c0 e^(hw) + annual sum_t e^((h-t)w) + stake
 * has q''(w) = c0 h^2 e^(hw) + annual sum_t (h-t)^2 e^((h-t)w) <= 0: q is
 * concave in w = ln(1+x), and NPV, of q's sign, has at most two roots on
 * either side of q's maximum (two when the contract outlasts the horizon and
 * the stake outweighs a year's loss: the flows change sign twice).  The
 * maximum is where g changes sign (es_econ_npv_tilt, decreasing), found by
 * Brent's method; a root is then bracketed on each side of it.  The IRR is
 * the larger root in (-0.99, 10), the rate above which the deal loses at any
 * higher rate in the range; the smaller one only when the larger lies past
 * 10; NaN when NPV < 0 at the maximum. */
static double es_econ_irr_concave(const es_econ_flows *in, gsl_root_fsolver **sp)
{
    es_econ_flows cf = *in;
    if (cf.c0 > 0 || cf.annual > 0) {
        cf.c0 = -cf.c0;
        cf.annual = -cf.annual;
        cf.stake = -cf.stake;
    }
    gsl_function tilt = {es_econ_npv_tilt, &cf}, npv = {es_econ_npv_gsl, &cf};
    double glo = es_econ_npv_tilt(ES_IRR_LO, &cf), ghi = es_econ_npv_tilt(ES_IRR_HI, &cf);
    if (!isfinite(glo) || !isfinite(ghi)) return NAN;
    double top;
    if (!(glo > 0))
        top = ES_IRR_LO;
    else if (!(ghi < 0))
        top = ES_IRR_HI;
    else
        top = es_econ_brent_on(&tilt, ES_IRR_LO, ES_IRR_HI, sp);
    double ftop = es_econ_npv(&cf, top);
    if (!(ftop >= 0)) return NAN; /* below zero everywhere (or not finite) */
    if (ftop == 0) return top > ES_IRR_LO && top < ES_IRR_HI ? top : NAN;
    double fhi = es_econ_npv(&cf, ES_IRR_HI);
    if (fhi < 0) return es_econ_brent_on(&npv, top, ES_IRR_HI, sp);
    double flo = es_econ_npv(&cf, ES_IRR_LO);
    if (flo < 0) return es_econ_brent_on(&npv, ES_IRR_LO, top, sp);
    return NAN;
}

/* NPV and its slope in closed form: c0 + A a_tc(x) + B v^h. */
static inline double es_econ_npv_slope(const es_econ_flows *cf, double x, double *slope)
{
    double v = 1.0 / (1.0 + x), da, vh = es_powi(v, cf->h);
    double a = es_econ_annuity(cf->tc, x, &da);
    *slope = cf->annual * da - cf->h * cf->stake * vh * v;
    return cf->c0 + cf->annual * a + cf->stake * vh;
}

/* The first steps of every IRR, shared by one sample (es_econ_irr_with) and
 * a block (es_econ_irr_block): the flows divided by their largest magnitude
 * (every term of NPV on the range is then at most 100^100 = 1e200, never
 * overflowing), into sc; then -1 when there is no IRR to seek (NaN), 0 for
 * GSL's Brent solver (flows of other signs), 1 for the Newton iteration of
 * es_econ_irr_newton from *x0 (the start described there). */
static int es_econ_irr_prepare(const es_econ_flows *cf, es_econ_flows *sc, double *x0)
{
    double s = fabs(cf->c0), sa = fabs(cf->annual), sb = fabs(cf->stake);
    s = sa > s ? sa : s;
    s = sb > s ? sb : s;
    if (!(s > 0) || !isfinite(s) || cf->tc < 0 || cf->h < 0) return -1;
    double is = 1.0 / s;
    *sc = (es_econ_flows){cf->c0 * is, cf->annual * is, cf->tc, cf->stake * is, cf->h};
    if (!(sc->c0 < 0 && sc->annual >= 0 && sc->stake >= 0) ||
        !(sc->annual > 0 || (sc->stake > 0 && sc->h > 0)))
        return 0;
    double P = sc->annual * sc->tc + sc->stake;
    double D = (sc->annual * 0.5 * sc->tc * (sc->tc + 1.0) + sc->stake * sc->h) / P;
    double x = D > 0 ? expm1(log(P / -sc->c0) / D) : 0.0;
    *x0 = x > ES_IRR_LO && x < ES_IRR_HI ? x : 0.0;
    return 1;
}

/* Newton's curvature bound |f''/f'| (1+x) <= (t_max + 1), halved */
static inline double es_econ_irr_curv(const es_econ_flows *cf)
{
    return 0.5 * ((cf->tc > cf->h ? cf->tc : cf->h) + 1);
}

/* The IRR of flows scaled to magnitudes <= 1.
 *
 * With c0 < 0, annual >= 0 and stake >= 0, NPV is a sum of decreasing convex
 * functions of x on (-1, inf) plus a constant: decreasing and convex, so it
 * has at most one root, and Newton's iteration converges to it monotonically
 * once an iterate lies left of it (a tangent of a convex function lies below
 * it).  The start is the root of c0 + P (1+x)^-D, the flows' inflows P moved
 * to their cash-weighted mean time D, exact for a single inflow.  The
 * iteration is safeguarded: it keeps a bracket [lo, hi] with NPV(lo) > 0 >
 * NPV(hi), bisects when a step leaves it, and tests an end of (-0.99, 10)
 * only when an iterate reaches it (NPV there of the wrong sign: no root).
 * Newton's error after a step dx is about |f''/2f'| dx^2, and for these flows
 * |f''/f'| <= (t_max + 1)/(1+x) (each term t v^(t+1) of -f' has the slope
 * t (t+1) v^(t+2)); the iteration returns the new iterate once that bound is
 * below 2e-16 (1+|x|), i.e. at rounding level.  After 100 steps it returns
 * GSL's Brent solution; es_econ_irr_prepare sends flows of other signs there
 * at once. */
static double es_econ_irr_newton(const es_econ_flows *cf, double x, gsl_root_fsolver **sp)
{
    double lo = ES_IRR_LO, hi = ES_IRR_HI;
    int lo_known = 0, hi_known = 0; /* NPV's sign at the end is tested */
    const double curv = es_econ_irr_curv(cf);
    for (int it = 0; it < 100; it++) {
        double fp, f = es_econ_npv_slope(cf, x, &fp);
        if (f == 0) return x;
        if (f > 0) {
            lo = x;
            lo_known = 1;
        } else {
            hi = x;
            hi_known = 1;
        }
        double xn = x - f / fp, dx = xn - x;
        if (dx * dx * curv <= 2e-16 * (1 + fabs(x)) * (1 + x) && xn > lo && xn < hi) return xn;
        if (!(xn > lo && xn < hi)) {
            /* the step left the bracket: test the end it went past, if unknown */
            if (!(xn > lo) && !lo_known) {
                double s;
                if (!(es_econ_npv_slope(cf, lo, &s) > 0)) return NAN;
                lo_known = 1;
            } else if (!(xn < hi) && !hi_known) {
                double s;
                if (!(es_econ_npv_slope(cf, hi, &s) < 0)) return NAN;
                hi_known = 1;
            }
            xn = 0.5 * (lo + hi);
        }
        x = xn;
    }
    return es_econ_irr_brent_with(cf, sp);
}

static double es_econ_irr_with(const es_econ_flows *cf, gsl_root_fsolver **sp)
{
    es_econ_flows sc;
    double x0;
    int how = es_econ_irr_prepare(cf, &sc, &x0);
    if (how < 0) return NAN;
    if (how == 1) return es_econ_irr_newton(&sc, x0, sp);
    /* flows of other signs: at most two roots unless c0 and annual differ in sign */
    if ((sc.c0 > 0 && sc.annual < 0) || (sc.c0 < 0 && sc.annual > 0))
        return es_econ_irr_brent_with(&sc, sp);
    return es_econ_irr_concave(&sc, sp);
}

double es_econ_irr(const es_econ_flows *cf)
{
    gsl_root_fsolver *s = NULL;
    double x = es_econ_irr_with(cf, &s);
    if (s) gsl_root_fsolver_free(s);
    return x;
}

double es_econ_irr_brent(const es_econ_flows *cf)
{
    gsl_root_fsolver *s = NULL;
    double x = NAN;
    double m = fmax(fabs(cf->c0), fmax(fabs(cf->annual), fabs(cf->stake)));
    if (m > 0 && isfinite(m)) {
        es_econ_flows sc = {cf->c0 / m, cf->annual / m, cf->tc, cf->stake / m, cf->h};
        x = es_econ_irr_brent_with(&sc, &s);
    }
    if (s) gsl_root_fsolver_free(s);
    return x;
}

/* ---- the IRR of many samples at once ----
 *
 * es_econ_irr_with, for a block of samples, walks each sample's Newton
 * iteration one step at a time in lockstep, so that the steps of different
 * samples overlap (one sample's step is a chain of dependent divisions) and
 * the compiler can vectorise them.  Only the plain path runs here: flows that
 * take the Newton iteration, iterates that stay inside the bracket and away
 * from x = 0 (the annuity's closed form, |x| >= 1/16), convergence within
 * ES_IRR_LOCKSTEP steps.  Each step is the scalar code's arithmetic, operation
 * for operation (es_powi as a fixed loop over the bits of n: a factor 1.0
 * where a bit is clear is exact), so a sample gets the bits of
 * es_econ_irr_with.  Every other sample is solved by es_econ_irr_with itself,
 * from the start (tests/test_model.c checks the two agree bit for bit). */
#define ES_IRR_BLOCK 256
#define ES_IRR_LOCKSTEP 24

typedef struct {
    double c0[ES_IRR_BLOCK], an[ES_IRR_BLOCK], st[ES_IRR_BLOCK]; /* scaled flows */
    double x[ES_IRR_BLOCK], lo[ES_IRR_BLOCK], hi[ES_IRR_BLOCK], curv[ES_IRR_BLOCK];
    double ntc[ES_IRR_BLOCK], nh[ES_IRR_BLOCK], root[ES_IRR_BLOCK];
    int64_t tc[ES_IRR_BLOCK], h[ES_IRR_BLOCK]; /* 64-bit, as wide as the doubles */
    int64_t state[ES_IRR_BLOCK]; /* 0 iterating, 1 solved (root), 2 the scalar solver */
} es_irr_block;

/* v^n for 0 <= n < 128, the bits of es_powi's result */
static inline double es_powi7(double v, int64_t n)
{
    double r = 1;
    for (int b = 0; b < 7; b++) {
        r *= (n >> b) & 1 ? v : 1.0;
        v *= v;
    }
    return r;
}

/* One lockstep Newton step of every iterating sample; returns how many are
 * still iterating.  Branch-free (bitwise & and |, selects), so that it
 * vectorises. */
ES_CLONES static int64_t es_irr_step(es_irr_block *restrict b, size_t n)
{
    int64_t left = 0;
    for (size_t k = 0; k < n; k++) {
        const double x = b->x[k];
        const double v = 1.0 / (1.0 + x), vh = es_powi7(v, b->h[k]), vn = es_powi7(v, b->tc[k]);
        const double ix = 1.0 / x, a = (1.0 - vn) * ix, da = (b->ntc[k] * vn * v - a) * ix;
        const double fp = b->an[k] * da - b->nh[k] * b->st[k] * vh * v;
        const double f = b->c0[k] + b->an[k] * a + b->st[k] * vh;
        const double lo = f > 0 ? x : b->lo[k], hi = f > 0 ? b->hi[k] : x;
        const double xn = x - f / fp, dx = xn - x;
        const int64_t inside = (xn > lo) & (xn < hi);
        const int64_t conv = (dx * dx * b->curv[k] <= 2e-16 * (1 + fabs(x)) * (1 + x)) & inside;
        const int64_t zero = f == 0, far = fabs(xn) >= 0.0625;
        /* f = 0: x is the root; a step out of the bracket, near x = 0 or a NaN:
         * the scalar solver */
        const int64_t ns = (zero | conv) ? 1 : ((inside & far) ? 0 : 2);
        const int64_t run = b->state[k] == 0;
        b->root[k] = run ? (zero ? x : xn) : b->root[k];
        b->state[k] = run ? ns : b->state[k];
        b->lo[k] = run ? lo : b->lo[k];
        b->hi[k] = run ? hi : b->hi[k];
        b->x[k] = (run & (ns == 0)) ? xn : x;
        left += run & (ns == 0);
    }
    return left;
}

/* irr[k] for the flows of samples k < n (n <= ES_IRR_BLOCK), as
 * es_econ_irr_with gives them. */
static void es_econ_irr_block(es_irr_block *b, const es_econ_flows *cf, size_t n, double *irr,
                              gsl_root_fsolver **sp)
{
    for (size_t k = 0; k < n; k++) {
        es_econ_flows sc;
        double x0 = 0;
        b->state[k] = 2;  /* unless the plain path applies: the scalar solver */
        b->x[k] = 0.0625; /* any value the step takes without a fault */
        b->c0[k] = b->an[k] = b->st[k] = b->ntc[k] = b->nh[k] = b->curv[k] = 0;
        b->tc[k] = b->h[k] = 0;
        b->lo[k] = ES_IRR_LO;
        b->hi[k] = ES_IRR_HI;
        if (es_econ_irr_prepare(&cf[k], &sc, &x0) != 1 || sc.tc > 127 || sc.h > 127 ||
            !(fabs(x0) >= 0.0625))
            continue;
        b->c0[k] = sc.c0;
        b->an[k] = sc.annual;
        b->st[k] = sc.stake;
        b->tc[k] = sc.tc;
        b->h[k] = sc.h;
        b->ntc[k] = sc.tc;
        b->nh[k] = sc.h;
        b->curv[k] = es_econ_irr_curv(&sc);
        b->x[k] = x0;
        b->state[k] = 0;
    }
    for (int it = 0; it < ES_IRR_LOCKSTEP; it++)
        if (es_irr_step(b, n) == 0) break;
    for (size_t k = 0; k < n; k++)
        irr[k] = b->state[k] == 1 ? b->root[k] : es_econ_irr_with(&cf[k], sp);
}

/* alpha log(1 + z/alpha), the yield's exponent: log1p keeps it exact to
 * rounding for large alpha (the Poisson limit); where z/alpha overflows,
 * log(1 + z/alpha) = log z - log alpha + log1p(alpha/z), the last term below
 * 1e-308. */
static inline double es_econ_yield(double z, double alpha)
{
    double q = z / alpha;
    double lg = q <= DBL_MAX ? log1p(q) : log(z) - log(alpha);
    return exp(-alpha * lg);
}

/* Gross dies per wafer: a column loop with a sqrt and two divisions,
 * cloned as the costs below are. */
ES_CLONES static void es_econ_gross(const double *const *in, double *const *out, size_t n)
{
    const double *restrict A = in[ES_ECON_A], *restrict d = in[ES_ECON_D];
    const double *restrict e = in[ES_ECON_E];
    double *restrict G = out[ES_ECON_GROSS];
    for (size_t k = 0; k < n; k++) {
        const double usable = d[k] - 2 * e[k];
        G[k] = M_PI * usable * usable / (4 * A[k]) - M_PI * usable / sqrt(2 * A[k]);
    }
}

/* The costs and sizes: plain arithmetic over the columns, vectorised (AVX2
 * and AVX-512 clones: the same roundings at every width). */
ES_CLONES static void es_econ_costs(const double *const *in, double *const *out, size_t n)
{
    const double h = ES_HOURS_PER_YEAR;
    const double *restrict G = out[ES_ECON_GROSS], *restrict Y = out[ES_ECON_YIELD];
    const double *restrict V = in[ES_ECON_V], *restrict I = in[ES_ECON_I];
    const double *restrict f = in[ES_ECON_F], *restrict mu = in[ES_ECON_MU];
    const double *restrict W = in[ES_ECON_W], *restrict nd = in[ES_ECON_ND];
    const double *restrict Cpkg = in[ES_ECON_CPKG], *restrict Pa = in[ES_ECON_PA];
    const double *restrict Fa = in[ES_ECON_FA], *restrict Cg = in[ES_ECON_CG];
    const double *restrict m = in[ES_ECON_M], *restrict Pg = in[ES_ECON_PG];
    const double *restrict Fg = in[ES_ECON_FG], *restrict ks = in[ES_ECON_KS];
    const double *restrict L = in[ES_ECON_L], *restrict pue = in[ES_ECON_PUE];
    const double *restrict pe = in[ES_ECON_PE], *restrict U = in[ES_ECON_U];
    const double *restrict T = in[ES_ECON_T], *restrict Bq = in[ES_ECON_BQ];
    const double *restrict s = in[ES_ECON_S], *restrict VX = in[ES_ECON_VX];
    const double *restrict delta = in[ES_ECON_DELTA], *restrict Csa = in[ES_ECON_CSA];
    const double *restrict Csg = in[ES_ECON_CSG], *restrict Kf = in[ES_ECON_KF];
    const double *restrict Tf = in[ES_ECON_TF];
    double *restrict Cdie = out[ES_ECON_CDIE], *restrict Cchip = out[ES_ECON_CCHIP];
    double *restrict N = out[ES_ECON_NCHIPS], *restrict Pmw = out[ES_ECON_PMW];
    double *restrict E = out[ES_ECON_ENERGY], *restrict F = out[ES_ECON_FLOP];
    double *restrict ca = out[ES_ECON_CA], *restrict cg = out[ES_ECON_CG_PFH];
    double *restrict S = out[ES_ECON_SAVING], *restrict sigma = out[ES_ECON_STAKE];
    double *restrict Q = out[ES_ECON_RUNWAY], *restrict CFR = out[ES_ECON_CFR];
    double *restrict Kcap = out[ES_ECON_KCAP], *restrict C0 = out[ES_ECON_C0];
    double *restrict mult = out[ES_ECON_MULT];
    ES_IVDEP
    for (size_t k = 0; k < n; k++) {
        Cdie[k] = W[k] / (G[k] * Y[k]);
        Cchip[k] = nd[k] * Cdie[k] + Cpkg[k];
        N[k] = f[k] * I[k] / (mu[k] * Cchip[k]);
        Pmw[k] = N[k] * Pa[k] * ks[k] * pue[k] / 1000;
        E[k] = Pmw[k] * L[k] * h * pe[k];
        F[k] = N[k] * Fa[k] * U[k] * T[k] * ES_SECONDS_PER_YEAR;
        /* per board-kW and hour: the building, then the energy */
        const double build_per_kw_h = ks[k] * Kf[k] / (1000 * Tf[k] * h);
        const double energy_per_kw_h = ks[k] * pue[k] * L[k] * pe[k] / 1000;
        ca[k] = ((mu[k] * Cchip[k] + Csa[k]) / (T[k] * h) + Pa[k] * build_per_kw_h +
                 Pa[k] * energy_per_kw_h) /
                (Fa[k] * U[k] / 1e15);
        cg[k] = ((Cg[k] / (1 - m[k]) + Csg[k]) / (T[k] * h) + Pg[k] * build_per_kw_h +
                 Pg[k] * energy_per_kw_h) /
                (Fg[k] * U[k] / 1e15);
        S[k] = (cg[k] - ca[k]) * F[k] / ES_FLOP_PER_PFLOP_HOUR;
        sigma[k] = I[k] / V[k];
        Q[k] = (1 - f[k]) * I[k] / Bq[k];
        CFR[k] = f[k] + s[k] * (1 - f[k]);
        Kcap[k] = N[k] * Pa[k] * ks[k] / 1000 * Kf[k];
        C0[k] = I[k] * ((1 - f[k]) + f[k] / mu[k]);
        mult[k] = (1 - delta[k]) * (VX[k] / V[k]);
    }
}

/* The evaluation runs in column loops over the n samples: the chip's gross
 * dies (es_econ_gross) and yield (libm calls); the costs and sizes, plain
 * arithmetic the compiler vectorises (es_econ_costs); the cash flows with
 * their annuity, and the IRR of 256 samples at a time (es_econ_irr_block).
 * Intermediate columns live in the outputs. */
static int es_econ_eval(const double *const *in, double *const *out, size_t n)
{
    const double *restrict A = in[ES_ECON_A], *restrict D0 = in[ES_ECON_D0];
    const double *restrict alpha = in[ES_ECON_ALPHA];
    double *restrict Y = out[ES_ECON_YIELD];
    es_econ_gross(in, out, n);
    for (size_t k = 0; k < n; k++)
        Y[k] = es_econ_yield(D0[k] * A[k] / 100, alpha[k]);

    es_econ_costs(in, out, n);
    const double *restrict I = in[ES_ECON_I], *restrict f = in[ES_ECON_F];
    const double *restrict mu = in[ES_ECON_MU];
    const double *restrict C0 = out[ES_ECON_C0], *restrict mult = out[ES_ECON_MULT];

    const double *restrict R = in[ES_ECON_R], *restrict Tc = in[ES_ECON_TC];
    const double *restrict mc = in[ES_ECON_MC], *restrict r = in[ES_ECON_RATE];
    const double *restrict H = in[ES_ECON_H];
    double *restrict Mpv = out[ES_ECON_MPV], *restrict Xpv = out[ES_ECON_XPV];
    double *restrict npv = out[ES_ECON_NPV], *restrict irr = out[ES_ECON_IRR];
    gsl_root_fsolver *solver = NULL; /* allocated when a sample needs it */
    es_irr_block blk;
    es_econ_flows cf[ES_IRR_BLOCK];
    for (size_t k0 = 0; k0 < n; k0 += ES_IRR_BLOCK) {
        const size_t m = n - k0 < ES_IRR_BLOCK ? n - k0 : ES_IRR_BLOCK;
        for (size_t i = 0; i < m; i++) {
            const size_t k = k0 + i;
            /* whole by the input rules; a NaN input (never cast to int) gives NaNs */
            if (!(Tc[k] >= 0 && Tc[k] <= 1000 && H[k] >= 0 && H[k] <= 1000)) {
                Mpv[k] = Xpv[k] = npv[k] = NAN;
                cf[i] = (es_econ_flows){NAN, NAN, -1, NAN, -1}; /* gives NaN */
                continue;
            }
            const int tc = (int)Tc[k], hz = (int)H[k];
            const double annual = mc[k] * R[k] / Tc[k];
            Mpv[k] = annual * es_econ_annuity(tc, r[k], NULL);
            Xpv[k] = I[k] * mult[k] * es_powi(1.0 / (1.0 + r[k]), hz);
            npv[k] = (Xpv[k] - C0[k]) + Mpv[k];
            /* the flows divided by I: the IRR does not depend on their scale */
            cf[i] = (es_econ_flows){-((1 - f[k]) + f[k] / mu[k]), annual / I[k], tc, mult[k], hz};
        }
        es_econ_irr_block(&blk, cf, m, irr + k0, &solver);
    }
    if (solver) gsl_root_fsolver_free(solver);
    return 0;
}

/* G > 0 needs d - 2e > 2 sqrt(2A); the worst corner of the box is the
 * smallest diameter, the widest rim and the largest die.  This is the one
 * rule that joins inputs: model 2's new inputs each have a range of their own
 * (V_X > 0, delta in [0, 1), costs >= 0, T_f > 0), checked input by input. */
static const char *es_econ_check_box(const double *lo, const double *hi, char *buf, size_t len)
{
    double usable = lo[ES_ECON_D] - 2 * hi[ES_ECON_E];
    double need = 2 * sqrt(2 * hi[ES_ECON_A]);
    if (!(usable > need)) {
        snprintf(buf, len,
                 "gross dies per wafer must be > 0: wafer_diameter_mm - 2*edge_exclusion_mm "
                 "must exceed 2*sqrt(2*die_area_mm2), but at wafer_diameter_mm = %g, "
                 "edge_exclusion_mm = %g, die_area_mm2 = %g it is %g <= %g",
                 lo[ES_ECON_D], hi[ES_ECON_E], hi[ES_ECON_A], usable, need);
        return buf;
    }
    return NULL;
}

const es_model es_model_econ = {
    .name = "compute_economics",
    .long_name = "compute economics of a chips-for-equity deal, model 2 (docs/model.md)",
    .n_inputs = ES_ECON_NIN,
    .inputs = es_econ_inputs,
    .n_outputs = ES_ECON_NOUT,
    .outputs = es_econ_outputs,
    .eval = es_econ_eval,
    .check_box = es_econ_check_box,
};
