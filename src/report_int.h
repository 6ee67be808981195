/* src/report_int.h: what report.c and report_plot.c share: a result's view
 * (the arrays a report shows, checked for shape once), number formatting
 * with display units, and tables of strings printed as text or HTML. */
#ifndef ES_REPORT_INT_H
#define ES_REPORT_INT_H

#include <stdint.h>
#include <stdio.h>

#include "model.h"
#include "results.h"

/* ---- display units ---- */

typedef enum {
    ES_SC_PLAIN, /* the number as it is */
    ES_SC_MONEY, /* k, M, B, T */
    ES_SC_SI,    /* k, M, G, T, P, E and m, u before the base unit */
    ES_SC_COUNT  /* k, M, B, T; an exponent past 1e15 */
} es_scale_kind;

typedef struct {
    const char *udunits; /* the unit as the file writes it (UDUNITS-2 with USD) */
    const char *pre;     /* before the number ("$") */
    const char *post;    /* after the number and its multiplier ("/yr", "W") */
    double factor;       /* file value * factor = value in post's unit */
    es_scale_kind scale; /* which multipliers */
    const char *axis;    /* the unit as an axis label says it ("USD", "W") */
} es_unit_show;

/* How to show a variable of unit u whose values lie in [lo, hi] (a "1" in
 * [0, 1] is a share, shown in %); an unknown unit shows the number and u. */
const es_unit_show *es_unit_for(const char *u, double lo, double hi);
/* x with sig significant digits ("$4.15B", "1.32 GW", "25.4%"). */
void es_fmt(const es_unit_show *u, double x, int sig, char *buf, size_t len);
/* "m [lo, hi]", with as many digits (3 to 7) as make the three differ. */
void es_fmt_interval(const es_unit_show *u, double m, double lo, double hi, char *buf, size_t len);
/* For an axis over values up to absmax: the divisor of file values and the
 * axis unit ("$B", "GW", "%"). */
double es_axis_scale(const es_unit_show *u, double absmax, char *label, size_t len);

/* ---- the view ---- */

#define ES_VIEW_MAXSCAN 3

/* Indices of the moments the report shows in /summary/statistic. */
enum {
    ES_ST_COUNT,
    ES_ST_NAN,
    ES_ST_MEAN,
    ES_ST_MEAN_LO,
    ES_ST_MEAN_HI,
    ES_ST_STD,
    ES_ST_MIN,
    ES_ST_MAX,
    ES_ST_N
};
/* Quantiles the report shows, in /summary/quantile_p. */
enum { ES_Q5, ES_Q50, ES_Q95, ES_Q_N };
/* Sensitivity arrays, each [scan..., output, input]. */
enum {
    ES_SE_PRCC,
    ES_SE_SPEARMAN,
    ES_SE_FIRST,
    ES_SE_SF,
    ES_SE_SF_LO,
    ES_SE_SF_HI,
    ES_SE_ST,
    ES_SE_ST_LO,
    ES_SE_ST_HI,
    ES_SE_N
};
extern const char *const es_view_sens_names[ES_SE_N];

typedef struct {
    const es_results *r;
    const es_res_array *root; /* root attributes; NULL for the closing table of a run */
    const es_model *model;    /* NULL: a model this program does not know */
    /* scan: cell c has index (c / stride[s]) % n[s] in scanned input s */
    size_t nscan;
    const es_res_array *scan[ES_VIEW_MAXSCAN];
    const char *scan_name[ES_VIEW_MAXSCAN];
    const char *scan_unit[ES_VIEW_MAXSCAN];
    uint64_t scan_n[ES_VIEW_MAXSCAN], stride[ES_VIEW_MAXSCAN];
    uint64_t cells;
    /* variables: inputs then outputs */
    size_t nvar;
    char *const *var, *const *unit, *const *kind;
    const es_unit_show **show; /* per variable */
    unsigned char *main;       /* per variable: a main output */
    const es_res_array *mom, *q, *qlo, *qhi;
    size_t nstat, nq;
    long st[ES_ST_N], qi[ES_Q_N];
    /* events (nev 0: none) */
    size_t nev;
    char *const *ev, *const *cond;
    const es_res_array *ev_p, *ev_lo, *ev_hi, *ev_count, *ev_samples;
    /* sensitivity (nout 0: none) */
    size_t nout, nin;
    char *const *sout, *const *sin;
    const es_res_array *sens[ES_SE_N];
} es_view;

/* Check the arrays' shapes and fill v; returns 0, or -1 with a reason. */
int es_view_init(es_view *v, const es_results *r, const es_model *model, char *err, size_t errlen);
void es_view_free(es_view *v);
/* Element i of a numeric array (NaN when absent or out of range). */
double es_view_num(const es_res_array *a, uint64_t i);
/* Moment st (ES_ST_*) and quantile q (ES_Q_*) of variable k in cell c. */
double es_view_mom(const es_view *v, uint64_t c, size_t k, int st);
double es_view_quant(const es_view *v, const es_res_array *a, uint64_t c, size_t k, int q);
/* Index s of the scan value of cell c. */
uint64_t es_view_cell_index(const es_view *v, uint64_t c, size_t s);
/* "electricity_usd_per_mwh = 40 $/MWh, valuation_usd = $500B" */
void es_view_cell_label(const es_view *v, uint64_t c, char *buf, size_t len);
/* The scan value s of cell c, formatted in the input's display unit. */
void es_view_scan_value(const es_view *v, uint64_t c, size_t s, char *buf, size_t len);
/* The variable index of a name, or -1. */
long es_view_var(const es_view *v, const char *name);
/* Sensitivity array k (ES_SE_*) for output o, input i in cell c. */
double es_view_sens(const es_view *v, int k, uint64_t c, size_t o, size_t i);
/* Inputs of output o in cell c by importance (Sobol total where present,
 * else |PRCC|): order[nin]. */
void es_view_drivers(const es_view *v, uint64_t c, size_t o, size_t *order);
/* The variable index of sensitivity output o (-1: not a variable). */
long es_view_sens_var(const es_view *v, size_t o);
/* Is variable k a main output? */
int es_view_is_main(const es_view *v, size_t k);

/* ---- tables of strings ---- */

#define ES_TAB_MAXCOL 16

typedef struct {
    char id[48];     /* HTML id */
    char title[200]; /* heading */
    size_t ncol, nrow, cap;
    char *head[ES_TAB_MAXCOL];
    unsigned char right[ES_TAB_MAXCOL]; /* right-aligned column */
    char **cell;                        /* nrow * ncol, owned; a group row has only cell 0 */
    unsigned char *group;               /* per row: a heading row inside the table */
    int oom;
} es_tab;

void es_tab_init(es_tab *t, const char *id, const char *title, size_t ncol, const char *const *head,
                 const unsigned char *right);
/* A new row; then es_tab_set fills its cells. */
void es_tab_row(es_tab *t, int group);
void es_tab_set(es_tab *t, size_t col, const char *s);
void es_tab_free(es_tab *t);
void es_tab_text(const es_tab *t, FILE *f);
void es_tab_html(const es_tab *t, FILE *f);
/* Text with &, <, >, " escaped for HTML. */
void es_html_escape(FILE *f, const char *s);

/* ---- the report's tables, for the text and the page ---- */

typedef struct {
    es_tab *t;
    size_t n, cap;
} es_tabs;

/* Every table of the report of view v: provenance (when v->root), variables,
 * events, drivers.  Returns 0, or -1 when out of memory. */
int es_report_tables(const es_view *v, const char *path, es_tabs *out);
void es_tabs_free(es_tabs *t);

/* The report of v as format "text", "csv" or "json" (NULL: text). */
void es_report_write(const es_view *v, const es_tabs *tabs, const char *path, const char *format,
                     FILE *out);

/* ---- plots (report_plot.c) ---- */

/* The gnuplot script of v's plots (what --plots feeds gnuplot); returns the
 * number of plots, or -1 when out of memory. */
long es_report_plot_script(const es_view *v, FILE *f);

/* Write the plots of v into dir with gnuplot, and dir/index.html with the
 * tables and every plot; messages to errf.  Returns 0 or an exit code. */
int es_report_plots(const es_view *v, const es_tabs *tabs, const char *path, const char *dir,
                    FILE *errf);

#endif
