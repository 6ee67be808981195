/* src/model_testfn.h: Ishigami and Sobol G, for verifying the sampling machinery. */
#ifndef ES_MODEL_TESTFN_H
#define ES_MODEL_TESTFN_H

#include "model.h"

#define ES_ISHIGAMI_A 7.0
#define ES_ISHIGAMI_B 0.1
#define ES_SOBOL_G_DIM 8

extern const es_model es_model_ishigami;
extern const es_model es_model_sobol_g;
extern const double es_sobol_g_a[ES_SOBOL_G_DIM];

#endif
