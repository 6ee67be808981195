/* src/model_econ.h: the compute-economics model (model 2 of docs/model.md; the
 * user's reference is docs/model.md). */
#ifndef ES_MODEL_ECON_H
#define ES_MODEL_ECON_H

#include "model.h"

extern const es_model es_model_econ;

/* Input and output positions in es_model_econ's tables. */
enum {
    ES_ECON_V,
    ES_ECON_I,
    ES_ECON_F,
    ES_ECON_MU,
    ES_ECON_A,
    ES_ECON_D0,
    ES_ECON_ALPHA,
    ES_ECON_W,
    ES_ECON_D,
    ES_ECON_E,
    ES_ECON_ND,
    ES_ECON_CPKG,
    ES_ECON_PA,
    ES_ECON_FA,
    ES_ECON_CG,
    ES_ECON_M,
    ES_ECON_PG,
    ES_ECON_FG,
    ES_ECON_KS,
    ES_ECON_L,
    ES_ECON_PUE,
    ES_ECON_PE,
    ES_ECON_U,
    ES_ECON_T,
    ES_ECON_BQ,
    ES_ECON_S,
    ES_ECON_R,
    ES_ECON_TC,
    ES_ECON_MC,
    ES_ECON_RATE,
    ES_ECON_H,
    ES_ECON_VX,
    ES_ECON_DELTA,
    ES_ECON_CSA,
    ES_ECON_CSG,
    ES_ECON_KF,
    ES_ECON_TF,
    ES_ECON_NIN
};
enum {
    ES_ECON_GROSS,
    ES_ECON_YIELD,
    ES_ECON_CDIE,
    ES_ECON_CCHIP,
    ES_ECON_NCHIPS,
    ES_ECON_PMW,
    ES_ECON_ENERGY,
    ES_ECON_FLOP,
    ES_ECON_CA,
    ES_ECON_CG_PFH,
    ES_ECON_SAVING,
    ES_ECON_STAKE,
    ES_ECON_RUNWAY,
    ES_ECON_CFR,
    ES_ECON_NPV,
    ES_ECON_IRR,
    ES_ECON_KCAP,
    ES_ECON_C0,
    ES_ECON_MPV,
    ES_ECON_XPV,
    ES_ECON_MULT,
    ES_ECON_NOUT
};

/* The investor's cash flows: c0 at t = 0, annual at t = 1..tc, stake at
 * t = h.  Any common scale (the IRR divides by the largest magnitude). */
typedef struct {
    double c0;     /* USD at t = 0 (negative: cash plus chips at cost) */
    double annual; /* USD at each t = 1..tc */
    int tc;        /* years of the cloud contract, >= 0 */
    double stake;  /* USD at t = h */
    int h;         /* years until the stake is valued, >= 0 */
} es_econ_flows;

/* NPV(x) = sum of CF_t / (1+x)^t, summed term by term (the plain definition,
 * kept for the tests and the fallback solver). */
double es_econ_npv(const es_econ_flows *cf, double x);

/* The annuity factor a_n(x) = sum_{t=1..n} (1+x)^-t, x > -1, and its
 * derivative in x, in closed form (below, with its accuracy). */
double es_econ_annuity(int n, double x, double *dadx);

/* The root of NPV on (-0.99, 10): a safeguarded Newton iteration on the
 * closed form when the flows make NPV decreasing (c0 < 0, annual >= 0,
 * stake >= 0: at most one root).  Flows whose c0 and annual are not of
 * opposite signs (a negative margin) give NPV at most two roots; the IRR is
 * then the larger one in the range (the smaller only where the larger lies
 * past 10).  Other flows: GSL's Brent solver on the whole range.  NaN where
 * there is no root in the range, or the flows are not finite. */
double es_econ_irr(const es_econ_flows *cf);

/* GSL's Brent solver alone on the whole range: NaN unless NPV's signs at the
 * ends differ (the reference the Newton path is tested against, where NPV has
 * at most one root). */
double es_econ_irr_brent(const es_econ_flows *cf);

#endif
