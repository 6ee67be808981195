/* src/model_econ.h: the compute-economics model of MODEL.md. */
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
    ES_ECON_G,
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
    ES_ECON_NOUT
};

/* The investor's cash flows and their net present value at rate x. */
typedef struct {
    double c0;     /* USD at t = 0 (negative: cash plus chips at cost) */
    double annual; /* USD at t = 1..tc */
    int tc;        /* years of the cloud contract */
    double stake;  /* USD at t = h */
    int h;         /* years until the stake is valued */
} es_econ_flows;

double es_econ_npv(const es_econ_flows *cf, double x);
/* The root of NPV on (-0.99, 10), NaN when NPV does not change sign there. */
double es_econ_irr(const es_econ_flows *cf);

#endif
