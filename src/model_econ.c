/* src/model_econ.c: the compute-economics kernel (MODEL.md is the specification).
 *
 *   G     = pi (d-2e)^2 / (4A) - pi (d-2e) / sqrt(2A)          gross dies per wafer
 *   Y     = (1 + D0 A/100 / alpha)^(-alpha)                    negative-binomial yield
 *   C_die = W / (G Y),  C_chip = n_d C_die + C_pkg,  N = f I / (mu C_chip)
 *   P_MW  = N P_a k_s PUE / 1000,  E = P_MW L h p_e,  F = N F_a U T 3.15576e7
 *   c_a   = [mu C_chip / (T h) + P_a k_s PUE L p_e / 1000] / (F_a U / 1e15)
 *   c_g   = [C_g / (1-m) / (T h) + P_g k_s PUE L p_e / 1000] / (F_g U / 1e15)
 *   S     = (c_g - c_a) F / 3.6e18,  sigma = I / V,  Q = (1-f) I / B_q,  CFR = f + s (1-f)
 *   NPV(x) = -(1-f) I - f I / mu + sum_{t=1..T_c} m_c R / T_c / (1+x)^t
 *            + sigma V (1+g)^H / (1+x)^H;  IRR: NPV(IRR) = 0 on (-0.99, 10). */
#include "model_econ.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <math.h>
#include <stdio.h>

#define ES_HOURS_PER_YEAR 8766.0
#define ES_SECONDS_PER_YEAR 3.15576e7
#define ES_FLOP_PER_PFLOP_HOUR 3.6e18
#define ES_IRR_LO (-0.99)
#define ES_IRR_HI 10.0

#define INF INFINITY
static const es_input_info es_econ_inputs[ES_ECON_NIN] = {
    {"valuation_usd", "USD", "post-money valuation of the company invested in", 5.5e11, 0, INF, 0,
     0, 0},
    {"investment_usd", "USD", "total investment", 1.0e10, 0, INF, 0, 0, 0},
    {"chip_share", "1", "fraction of the investment paid as chips", 0.5, 0, 1, 1, 1, 0},
    {"chip_markup", "1", "deal price of a chip / its manufacturing cost", 1.5, 0, INF, 0, 0, 0},
    {"die_area_mm2", "mm^2", "area of one compute die", 650, 0, INF, 0, 0, 0},
    {"defect_density_per_cm2", "cm^-2", "defect density of the node", 0.10, 0, INF, 1, 0, 0},
    {"yield_alpha", "1", "defect clustering parameter (negative binomial)", 1.0, 0, INF, 0, 0, 0},
    {"wafer_price_usd", "USD", "price of one 300 mm wafer", 20000, 0, INF, 0, 0, 0},
    {"wafer_diameter_mm", "mm", "wafer diameter", 300, 0, INF, 0, 0, 0},
    {"edge_exclusion_mm", "mm", "unusable rim of the wafer", 3, 0, INF, 1, 0, 0},
    {"dies_per_chip", "1", "compute dies in one package", 2, 1, 64, 1, 1, 1},
    {"package_cost_usd", "USD", "HBM, advanced packaging and test, per chip", 3800, 0, INF, 1, 0,
     0},
    {"chip_power_kw", "kW", "accelerator board power", 1.0, 0, INF, 1, 0, 0},
    {"chip_flops", "FLOP/s", "dense peak of the accelerator (FP8)", 2.517e15, 0, INF, 0, 0, 0},
    {"gpu_cost_usd", "USD", "GPU manufacturing cost", 6400, 0, INF, 1, 0, 0},
    {"gpu_margin", "1", "GPU vendor gross margin (the GPU tax)", 0.75, 0, 1, 1, 0, 0},
    {"gpu_power_kw", "kW", "GPU board power", 1.2, 0, INF, 1, 0, 0},
    {"gpu_flops", "FLOP/s", "dense peak of the GPU (FP8)", 4.5e15, 0, INF, 0, 0, 0},
    {"server_power_factor", "1", "server power per accelerator power", 1.6, 0, INF, 0, 0, 0},
    {"load_factor", "1", "average power draw / peak", 0.75, 0, 1, 0, 1, 0},
    {"pue", "1", "facility power usage effectiveness", 1.15, 1, INF, 1, 0, 0},
    {"electricity_usd_per_mwh", "USD/MWh", "electricity price", 80, 0, INF, 1, 0, 0},
    {"mfu", "1", "time-averaged model FLOPs utilisation", 0.38, 0, 1, 0, 1, 0},
    {"depreciation_years", "yr", "accelerator service life", 5, 0, INF, 0, 0, 0},
    {"burn_usd_per_quarter", "USD", "cash burn of the company", 1.2e10, 0, INF, 0, 0, 0},
    {"cash_return_share", "1", "share of the cash part spent back with the investor's cloud", 0.5,
     0, 1, 1, 1, 0},
    {"cloud_contract_usd", "USD", "cloud contract value", 3.8e10, 0, INF, 1, 0, 0},
    {"contract_years", "yr", "cloud contract length (whole years)", 7, 1, 100, 1, 1, 1},
    {"cloud_margin", "1", "investor's margin on cloud revenue", 0.30, -1, 1, 1, 1, 0},
    {"discount_rate", "1", "investor's discount rate", 0.10, -0.99, 10, 0, 0, 0},
    {"horizon_years", "yr", "years until the stake is valued (whole years)", 5, 0, 100, 1, 1, 1},
    {"valuation_growth", "1/yr", "yearly growth of the valuation until the horizon", 0.0, -1, INF,
     0, 0, 0},
};
#undef INF

static const es_output_info es_econ_outputs[ES_ECON_NOUT] = {
    {"gross_dies_per_wafer", "dies", "gross dies per wafer", 0},
    {"die_yield", "1", "die yield (negative binomial)", 0},
    {"cost_per_good_die_usd", "USD", "cost per good die", 0},
    {"chip_cost_usd", "USD", "manufacturing cost of one chip", 0},
    {"chips_delivered", "chips", "chips delivered by the chip tranche", 1},
    {"facility_power_mw", "MW", "facility power of the delivered chips", 0},
    {"energy_cost_usd_per_year", "USD/yr", "yearly energy cost of the delivered chips", 0},
    {"delivered_flop", "FLOP", "useful FLOP over the service life", 0},
    {"asic_usd_per_pflop_hour", "USD", "cost of one delivered PFLOP-hour on the chips", 1},
    {"gpu_usd_per_pflop_hour", "USD", "cost of one delivered PFLOP-hour on bought GPUs", 1},
    {"gpu_tax_saving_usd", "USD", "saving against GPUs over the delivered FLOP", 0},
    {"equity_stake", "1", "equity stake bought", 0},
    {"runway_quarters", "quarters", "quarters of burn covered by the cash part", 1},
    {"circular_financing_ratio", "1", "share of the investment that flows back to the investor", 0},
    {"investor_npv_usd", "USD", "investor's net present value", 1},
    {"investor_irr", "1/yr", "investor's internal rate of return", 1},
};

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

static double es_econ_npv_gsl(double x, void *p)
{
    return es_econ_npv(p, x);
}

/* Brent's method on the bracket; GSL's solver keeps the root bracketed, so it
 * cannot leave (-0.99, 10).  The solver object is small and reused. */
static double es_econ_irr_with(const es_econ_flows *cf, gsl_root_fsolver *s)
{
    double flo = es_econ_npv(cf, ES_IRR_LO), fhi = es_econ_npv(cf, ES_IRR_HI);
    if (!isfinite(flo) || !isfinite(fhi) || (flo > 0) == (fhi > 0) || flo == 0 || fhi == 0)
        return NAN;
    gsl_function fn = {es_econ_npv_gsl, (void *)cf};
    if (gsl_root_fsolver_set(s, &fn, ES_IRR_LO, ES_IRR_HI) != GSL_SUCCESS) return NAN;
    for (int it = 0; it < 200; it++) {
        if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS) return NAN;
        double a = gsl_root_fsolver_x_lower(s), b = gsl_root_fsolver_x_upper(s);
        if (gsl_root_test_interval(a, b, 1e-15, 1e-14) == GSL_SUCCESS)
            return gsl_root_fsolver_root(s);
    }
    return gsl_root_fsolver_root(s);
}

double es_econ_irr(const es_econ_flows *cf)
{
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s) return NAN;
    double x = es_econ_irr_with(cf, s);
    gsl_root_fsolver_free(s);
    return x;
}

static int es_econ_eval(const double *const *in, double *const *out, size_t n)
{
    gsl_root_fsolver *solver = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!solver) return -1;
    const double h = ES_HOURS_PER_YEAR;
    for (size_t k = 0; k < n; k++) {
        const double V = in[ES_ECON_V][k], I = in[ES_ECON_I][k], f = in[ES_ECON_F][k];
        const double mu = in[ES_ECON_MU][k], A = in[ES_ECON_A][k], D0 = in[ES_ECON_D0][k];
        const double alpha = in[ES_ECON_ALPHA][k], W = in[ES_ECON_W][k];
        const double d = in[ES_ECON_D][k], e = in[ES_ECON_E][k], nd = in[ES_ECON_ND][k];
        const double Cpkg = in[ES_ECON_CPKG][k], Pa = in[ES_ECON_PA][k], Fa = in[ES_ECON_FA][k];
        const double Cg = in[ES_ECON_CG][k], m = in[ES_ECON_M][k], Pg = in[ES_ECON_PG][k];
        const double Fg = in[ES_ECON_FG][k], ks = in[ES_ECON_KS][k], L = in[ES_ECON_L][k];
        const double pue = in[ES_ECON_PUE][k], pe = in[ES_ECON_PE][k], U = in[ES_ECON_U][k];
        const double T = in[ES_ECON_T][k], Bq = in[ES_ECON_BQ][k], s = in[ES_ECON_S][k];
        const double R = in[ES_ECON_R][k], Tc = in[ES_ECON_TC][k], mc = in[ES_ECON_MC][k];
        const double r = in[ES_ECON_RATE][k], H = in[ES_ECON_H][k], g = in[ES_ECON_G][k];

        const double usable = d - 2 * e;
        const double G = M_PI * usable * usable / (4 * A) - M_PI * usable / sqrt(2 * A);
        /* (1 + x/alpha)^(-alpha) written through log1p: exact to rounding for any alpha */
        const double Y = exp(-alpha * log1p(D0 * A / 100 / alpha));
        const double Cdie = W / (G * Y);
        const double Cchip = nd * Cdie + Cpkg;
        const double N = f * I / (mu * Cchip);
        const double Pmw = N * Pa * ks * pue / 1000;
        const double energy_per_kw_h = ks * pue * L * pe / 1000; /* USD per board-kW hour */
        const double ca = (mu * Cchip / (T * h) + Pa * energy_per_kw_h) / (Fa * U / 1e15);
        const double cg = (Cg / (1 - m) / (T * h) + Pg * energy_per_kw_h) / (Fg * U / 1e15);
        const double F = N * Fa * U * T * ES_SECONDS_PER_YEAR;
        const double sigma = I / V;

        es_econ_flows cf = {-(1 - f) * I - f * I / mu, mc * R / Tc, (int)Tc,
                            sigma * V * pow(1 + g, H), (int)H};

        out[ES_ECON_GROSS][k] = G;
        out[ES_ECON_YIELD][k] = Y;
        out[ES_ECON_CDIE][k] = Cdie;
        out[ES_ECON_CCHIP][k] = Cchip;
        out[ES_ECON_NCHIPS][k] = N;
        out[ES_ECON_PMW][k] = Pmw;
        out[ES_ECON_ENERGY][k] = Pmw * L * h * pe;
        out[ES_ECON_FLOP][k] = F;
        out[ES_ECON_CA][k] = ca;
        out[ES_ECON_CG_PFH][k] = cg;
        out[ES_ECON_SAVING][k] = (cg - ca) * F / ES_FLOP_PER_PFLOP_HOUR;
        out[ES_ECON_STAKE][k] = sigma;
        out[ES_ECON_RUNWAY][k] = (1 - f) * I / Bq;
        out[ES_ECON_CFR][k] = f + s * (1 - f);
        out[ES_ECON_NPV][k] = es_econ_npv(&cf, r);
        out[ES_ECON_IRR][k] = es_econ_irr_with(&cf, solver);
    }
    gsl_root_fsolver_free(solver);
    return 0;
}

/* G > 0 needs d - 2e > 2 sqrt(2A); the worst corner of the box is the
 * smallest diameter, the widest rim and the largest die. */
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
    "compute_economics", "compute economics of a chips-for-equity deal (MODEL.md)",
    ES_ECON_NIN,         es_econ_inputs,
    ES_ECON_NOUT,        es_econ_outputs,
    es_econ_eval,        es_econ_check_box,
};
