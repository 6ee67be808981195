/* src/report_plot.c: `econsweep report --plots DIR`: plots drawn by gnuplot
 * (PNG and SVG of each) and DIR/index.html, one page with the report's
 * tables and every SVG inline, that a browser opens from the file.
 *
 * Plots: per output a histogram with p5, p50 and p95 marked and its CDF
 * (from /summary/<name>/histogram_*: below + counts + above = count); per
 * main output a tornado chart of its partial rank correlations; with Sobol
 * indices, first and total side by side with their intervals; with a scan of
 * one input, per main output the p5-p95 band, median and mean against the
 * scanned values and each event's probability with its interval; with two,
 * heat maps of each event's probability and each main output's median.
 *
 * gnuplot runs once, without a shell: fork and execv of the gnuplot found on
 * PATH, in DIR as its working folder, the script on its stdin.  gnuplot
 * reading a pipe goes on after a failed plot, so each plot is checked on its
 * own afterwards (both files exist and are not empty).  Everything the file
 * supplies (names, units) reaches the script only through es_gp_str and
 * es_gp_label, which keep a safe set of characters: a damaged or hostile
 * file cannot end a string or a data block, nor reach gnuplot's backquote
 * (shell) or macro substitution, nor put markup into the SVG. */
#define _GNU_SOURCE /* open_memstream is POSIX 2008, declared under _XOPEN_SOURCE 700 too */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report_int.h"
#include "runopts.h"

#define ES_PLOT_W 720 /* pixels (SVG user units) */
#define ES_PLOT_H 420
#define ES_PLOT_MAXCELLS 12 /* curves overlaid in one histogram or CDF */
#define ES_PLOT_MAXBARS 12  /* inputs in a tornado or Sobol chart */

typedef struct {
    char stem[96];     /* file name without .svg / .png */
    char caption[320]; /* below the plot on the page */
} es_plot;

typedef struct {
    es_plot *p;
    size_t n, cap;
    int oom;
} es_plots;

static es_plot *es_plots_add(es_plots *ps, const char *stem, const char *caption)
{
    if (ps->n == ps->cap) {
        size_t nc = ps->cap ? 2 * ps->cap : 32;
        es_plot *p = realloc(ps->p, nc * sizeof *p);
        if (!p) {
            ps->oom = 1;
            return NULL;
        }
        ps->p = p;
        ps->cap = nc;
    }
    es_plot *p = &ps->p[ps->n++];
    snprintf(p->stem, sizeof p->stem, "%s", stem);
    snprintf(p->caption, sizeof p->caption, "%s", caption);
    return p;
}

/* ---- text that goes into the script ---- */

/* A character kept in titles, labels and data strings: printable ASCII but
 * for quotes, backslash, backquote (shell substitution), '@' (macros) and
 * the characters of markup. */
static int es_gp_safe(unsigned char c)
{
    return c >= 0x20 && c < 0x7f && !strchr("'\"\\`@<>&", c);
}

/* s as a single-quoted gnuplot string. */
static void es_gp_str(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; s && *s; s++)
        fputc(es_gp_safe((unsigned char)*s) ? *s : '_', f);
    fputc('\'', f);
}

/* s as a double-quoted string column of a data block (the safe set has no
 * double quote, so the string cannot end early). */
static void es_gp_label(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++)
        fputc(es_gp_safe((unsigned char)*s) ? *s : '_', f);
    fputc('"', f);
}

/* A file stem: prefix and name, letters, digits, '_' and '-' only. */
static void es_stem(char *out, size_t len, const char *prefix, const char *name)
{
    size_t o = (size_t)snprintf(out, len, "%s_", prefix);
    for (const char *s = name; s && *s && o + 1 < len && o < 80; s++) {
        char c = *s;
        out[o++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                           c == '-' || c == '_'
                       ? c
                       : '_';
    }
    out[o < len ? o : len - 1] = '\0';
}

static void es_gp_num(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.10g", x);
    else
        fputs("NaN", f);
}

/* The start of a plot: reset, the SVG terminal, the output file. */
static void es_gp_begin(FILE *f, const char *stem)
{
    fprintf(f,
            "\nreset\nset terminal svg size %d,%d font 'sans,11' noenhanced background rgb "
            "'white'\nset output '%s.svg'\nset grid lc rgb '#dddddd'\nset border lc rgb "
            "'#555555'\n",
            ES_PLOT_W, ES_PLOT_H, stem);
}

/* The end of a plot: the same once more as PNG. */
static void es_gp_end(FILE *f, const char *stem)
{
    fprintf(f,
            "set terminal @es_png size %d,%d noenhanced background rgb 'white'\nset output "
            "'%s.png'\nreplot\nunset output\n",
            ES_PLOT_W, ES_PLOT_H, stem);
}

static void es_gp_title(FILE *f, const char *what, const char *a, const char *b)
{
    char t[512];
    snprintf(t, sizeof t, "%s%s%s", a ? a : "", what, b ? b : "");
    fputs("set title ", f);
    es_gp_str(f, t);
    fputc('\n', f);
}

static void es_gp_axis(FILE *f, const char *axis, const char *name, const char *unit)
{
    char t[300];
    snprintf(t, sizeof t, "%s%s%s%s", name, unit[0] ? " (" : "", unit, unit[0] ? ")" : "");
    fprintf(f, "set %slabel ", axis);
    es_gp_str(f, t);
    fputc('\n', f);
}

/* ---- histograms from the file ---- */

typedef struct {
    const es_res_array *edges, *counts, *below, *above;
    uint64_t nb; /* bins */
} es_hist;

/* The histogram arrays of variable k, shaped [scan..., nb + 1], [scan..., nb]. */
static int es_hist_get(const es_view *v, size_t k, es_hist *h)
{
    char p[4][ES_RES_PATHMAX];
    static const char *const leaf[4] = {"histogram_edges", "histogram_counts", "histogram_below",
                                        "histogram_above"};
    const es_res_array *a[4];
    for (int i = 0; i < 4; i++) {
        snprintf(p[i], sizeof p[i], "/summary/%s/%s", v->var[k] ? v->var[k] : "", leaf[i]);
        a[i] = es_results_find(v->r, p[i]);
        if (!a[i] || a[i]->type == ES_RES_STR || a[i]->type == ES_RES_GROUP) return -1;
        int rank = (int)v->nscan + (i < 2 ? 1 : 0);
        if (a[i]->rank != rank) return -1;
        for (size_t s = 0; s < v->nscan; s++)
            if (a[i]->dims[s] != v->scan_n[s]) return -1;
    }
    h->edges = a[0];
    h->counts = a[1];
    h->below = a[2];
    h->above = a[3];
    h->nb = a[1]->dims[v->nscan];
    if (h->nb < 1 || a[0]->dims[v->nscan] != h->nb + 1) return -1;
    return 0;
}

static double es_hist_edge(const es_hist *h, uint64_t c, uint64_t i)
{
    return es_view_num(h->edges, c * (h->nb + 1) + i);
}

/* Values of cell c: below + counts + above. */
static double es_hist_total(const es_hist *h, uint64_t c)
{
    double t = es_view_num(h->below, c) + es_view_num(h->above, c);
    for (uint64_t i = 0; i < h->nb; i++)
        t += es_view_num(h->counts, c * h->nb + i);
    return t;
}

/* Up to ES_PLOT_MAXCELLS cells, evenly over the scan. */
static size_t es_pick_cells(const es_view *v, uint64_t *cells)
{
    size_t m = v->cells < ES_PLOT_MAXCELLS ? (size_t)v->cells : ES_PLOT_MAXCELLS;
    for (size_t i = 0; i < m; i++)
        cells[i] = m == 1 ? 0 : (uint64_t)llround((double)i * (double)(v->cells - 1) / (m - 1));
    return m;
}

static void es_cell_short(const es_view *v, uint64_t c, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t s = 0; s < v->nscan && o < len; s++) {
        char val[96];
        double x = es_view_num(v->scan[s], es_view_cell_index(v, c, s));
        es_fmt(es_unit_for(v->scan_unit[s], x, x), x, 3, val, sizeof val);
        o += (size_t)snprintf(buf + o, len - o, "%s%s", s ? ", " : "", val);
    }
}

/* " (cell 600 GUSD, 80 $/MWh)" for a scan's plot of one cell, "" without a scan */
static void es_cell_suffix(const es_view *v, uint64_t c, char *buf, size_t len)
{
    buf[0] = '\0';
    if (v->cells > 1) {
        char lab[160];
        es_cell_short(v, c, lab, sizeof lab);
        snprintf(buf, len, " (cell %s)", lab);
    }
}

/* Histogram and CDF of variable k: one cell, or several overlaid. */
static void es_plot_dist(const es_view *v, size_t k, FILE *f, es_plots *ps)
{
    es_hist h;
    if (es_hist_get(v, k, &h)) return;
    uint64_t cells[ES_PLOT_MAXCELLS];
    size_t m = es_pick_cells(v, cells);
    /* only cells with values and finite edges */
    double big = 0;
    size_t ok = 0;
    for (size_t i = 0; i < m; i++) {
        double e0 = es_hist_edge(&h, cells[i], 0), e1 = es_hist_edge(&h, cells[i], h.nb);
        if (!isfinite(e0) || !isfinite(e1) || !(e1 > e0) || es_hist_total(&h, cells[i]) <= 0)
            continue;
        cells[ok++] = cells[i];
        big = fmax(big, fmax(fabs(e0), fabs(e1)));
    }
    if (ok == 0) return;
    m = ok;
    char unit[96], stem[96], cap[320], label[160];
    double d = es_axis_scale(v->show[k], big, unit, sizeof unit);
    const char *name = v->var[k];
    for (int cdf = 0; cdf < 2; cdf++) {
        es_stem(stem, sizeof stem, cdf ? "cdf" : "hist", name);
        snprintf(cap, sizeof cap, "%s of %s%s", cdf ? "Cumulative distribution" : "Histogram", name,
                 v->cells > 1 ? " in the scan cells" : " with p5, p50 and p95 marked");
        if (!es_plots_add(ps, stem, cap)) return;
        es_gp_begin(f, stem);
        es_gp_title(f, cdf ? ": cumulative distribution" : ": histogram", name,
                    v->cells > 1 ? " by scan cell" : "");
        es_gp_axis(f, "x", name, unit);
        es_gp_axis(f, "y", cdf ? "share of values at or below" : "share of values per bin", "%");
        fputs(v->cells > 1 ? "set key outside right top\n" : "set key off\n", f);
        /* a histogram's bars start at 0: gnuplot's autoscale would start the
         * axis near the lowest bar, hiding the bars of a nearly flat one */
        fputs(cdf ? "set yrange [0:100]\n" : "set yrange [0:*]\n", f);
        for (size_t i = 0; i < m; i++) {
            uint64_t c = cells[i];
            double total = es_hist_total(&h, c), run = es_view_num(h.below, c);
            fprintf(f, "$d%zu << EOD\n", i);
            for (uint64_t b = 0; b <= h.nb; b++) {
                double e0 = es_hist_edge(&h, c, b);
                if (cdf) {
                    es_gp_num(f, e0 / d);
                    fputc(' ', f);
                    es_gp_num(f, 100 * run / total);
                    fputc('\n', f);
                    if (b < h.nb) run += es_view_num(h.counts, c * h.nb + b);
                } else if (b < h.nb) {
                    double e1 = es_hist_edge(&h, c, b + 1);
                    es_gp_num(f, (e0 + e1) / 2 / d);
                    fputc(' ', f);
                    es_gp_num(f, (e1 - e0) / d);
                    fputc(' ', f);
                    es_gp_num(f, 100 * es_view_num(h.counts, c * h.nb + b) / total);
                    fputc('\n', f);
                }
            }
            fputs("EOD\n", f);
        }
        if (v->cells == 1) {
            /* p5, p50, p95 as dashed lines, labelled */
            static const char *const qn[ES_Q_N] = {"p5", "p50", "p95"};
            for (int q = 0; q < ES_Q_N; q++) {
                double x = es_view_quant(v, v->q, 0, k, q) / d;
                if (!isfinite(x)) continue;
                fprintf(f,
                        "set arrow %d from %.10g, graph 0 to %.10g, graph 1 nohead dt 2 lw 1.5 "
                        "lc rgb '#c0392b' front\n",
                        q + 1, x, x);
                fprintf(f,
                        "set label %d '%s' at %.10g, graph %s offset 0.4,0 left tc rgb "
                        "'#c0392b' front\n",
                        q + 1, qn[q], x, cdf ? "0.05" : "0.95");
            }
        }
        fputs("plot ", f);
        for (size_t i = 0; i < m; i++) {
            if (i) fputs(", \\\n     ", f);
            if (v->cells > 1) {
                es_cell_short(v, cells[i], label, sizeof label);
                fprintf(f, "$d%zu using 1:%s with %s lw 1.5 title ", i, cdf ? "2" : "3",
                        cdf ? "lines" : "histeps");
                es_gp_str(f, label);
            } else if (cdf) {
                fprintf(f, "$d%zu using 1:2 with lines lw 2 lc rgb '#1f4e79'", i);
            } else {
                fprintf(f, "$d%zu using 1:3:2 with boxes fs solid 0.7 noborder lc rgb '#4a7ab5'",
                        i);
            }
        }
        fputc('\n', f);
        es_gp_end(f, stem);
    }
}

/* ---- drivers ---- */

/* The cell whose drivers a chart shows: the only one, or the middle one. */
static uint64_t es_drivers_cell(const es_view *v)
{
    return v->cells / 2;
}

/* Tornado chart of the partial rank correlations of output o. */
static void es_plot_tornado(const es_view *v, size_t o, FILE *f, es_plots *ps)
{
    if (!v->sens[ES_SE_PRCC] || v->nin == 0) return;
    uint64_t c = es_drivers_cell(v);
    size_t *idx = malloc(v->nin * sizeof *idx);
    double *val = malloc(v->nin * sizeof *val);
    if (!idx || !val) {
        free(idx);
        free(val);
        return;
    }
    /* the inputs by |PRCC|, largest first (insertion sort: tens of inputs) */
    size_t n = 0;
    for (size_t i = 0; i < v->nin; i++) {
        double x = es_view_sens(v, ES_SE_PRCC, c, o, i);
        if (!isfinite(x)) continue;
        size_t j = n++;
        while (j > 0 && fabs(val[j - 1]) < fabs(x)) {
            val[j] = val[j - 1];
            idx[j] = idx[j - 1];
            j--;
        }
        val[j] = x;
        idx[j] = i;
    }
    if (n > ES_PLOT_MAXBARS) n = ES_PLOT_MAXBARS;
    if (n > 0) {
        char stem[96], cap[320], cell[200];
        es_cell_suffix(v, c, cell, sizeof cell);
        es_stem(stem, sizeof stem, "tornado", v->sout[o]);
        snprintf(cap, sizeof cap,
                 "Drivers of %s: partial rank correlation (PRCC) with each input, the %zu "
                 "largest%s",
                 v->sout[o], n, cell);
        if (es_plots_add(ps, stem, cap)) {
            es_gp_begin(f, stem);
            es_gp_title(f, ": drivers (partial rank correlation)", v->sout[o], cell);
            fprintf(f,
                    "set key off\nset xrange [-1.25:1.25]\nset yrange [-0.7:%zu.3]\n"
                    "set xlabel 'PRCC'\nset grid xtics\nset ytics (",
                    n - 1);
            for (size_t r = 0; r < n; r++) {
                if (r) fputs(", ", f);
                es_gp_str(f, v->sin[idx[r]]);
                fprintf(f, " %zu", n - 1 - r);
            }
            fputs(")\n$t << EOD\n", f);
            for (size_t r = 0; r < n; r++)
                fprintf(f, "%zu %.6f\n", n - 1 - r, val[r]);
            fputs("EOD\n", f);
            fputs("plot $t using ($2/2):1:(($2<0)?$2:0):(($2<0)?0:$2):($1-0.35):($1+0.35):"
                  "(($2<0)?0xc0392b:0x4a7ab5) with boxxyerror fs solid 0.8 noborder lc rgb "
                  "variable, \\\n"
                  "     $t using (($2>=0)?$2+0.02:1/0):1:(sprintf('%+.2f',$2)) with labels "
                  "left, \\\n"
                  "     $t using (($2<0)?$2-0.02:1/0):1:(sprintf('%+.2f',$2)) with labels "
                  "right\n",
                  f);
            es_gp_end(f, stem);
        }
    }
    free(idx);
    free(val);
}

/* First and total Sobol indices of output o side by side, with intervals. */
static void es_plot_sobol(const es_view *v, size_t o, FILE *f, es_plots *ps)
{
    if (!v->sens[ES_SE_SF] || !v->sens[ES_SE_ST] || v->nin == 0) return;
    uint64_t c = es_drivers_cell(v);
    size_t *order = malloc(v->nin * sizeof *order);
    if (!order) return;
    es_view_drivers(v, c, o, order);
    size_t n = v->nin < ES_PLOT_MAXBARS ? v->nin : ES_PLOT_MAXBARS;
    double lo = 0, hi = 0.1;
    size_t finite = 0;
    for (size_t r = 0; r < n; r++)
        for (int k = ES_SE_SF; k <= ES_SE_ST_HI; k++) {
            double x = es_view_sens(v, k, c, o, order[r]);
            if (!isfinite(x)) continue;
            finite++;
            lo = fmin(lo, x);
            hi = fmax(hi, x);
        }
    if (finite) {
        char stem[96], cap[320], cell[200];
        es_cell_suffix(v, c, cell, sizeof cell);
        es_stem(stem, sizeof stem, "sobol", v->sout[o]);
        snprintf(cap, sizeof cap,
                 "Sobol indices of %s: first-order and total, with 95%% intervals%s", v->sout[o],
                 cell);
        if (es_plots_add(ps, stem, cap)) {
            es_gp_begin(f, stem);
            es_gp_title(f, ": Sobol indices with 95% intervals", v->sout[o], cell);
            fprintf(f,
                    "set key top right\nset xrange [-0.6:%zu.6]\nset yrange [%.4f:%.4f]\n"
                    "set ylabel 'index'\nset xtics (",
                    n - 1, lo - 0.05, hi + 0.08);
            for (size_t r = 0; r < n; r++) {
                if (r) fputs(", ", f);
                es_gp_str(f, v->sin[order[r]]);
                fprintf(f, " %zu", r);
            }
            fputs(")\n$s << EOD\n", f);
            for (size_t r = 0; r < n; r++) {
                fprintf(f, "%zu", r);
                for (int k = ES_SE_SF; k <= ES_SE_ST_HI; k++) {
                    fputc(' ', f);
                    es_gp_num(f, es_view_sens(v, k, c, o, order[r]));
                }
                fputc('\n', f);
            }
            fputs("EOD\n", f);
            fputs("plot $s using ($1-0.19):2:(0.36) with boxes fs solid 0.8 noborder lc rgb "
                  "'#4a7ab5' title 'first-order', \\\n"
                  "     $s using ($1-0.19):2:3:4 with yerrorbars lc rgb '#222222' pt 0 notitle, "
                  "\\\n"
                  "     $s using ($1+0.19):5:(0.36) with boxes fs solid 0.8 noborder lc rgb "
                  "'#e08a2c' title 'total', \\\n"
                  "     $s using ($1+0.19):5:6:7 with yerrorbars lc rgb '#222222' pt 0 notitle\n",
                  f);
            es_gp_end(f, stem);
        }
    }
    free(order);
}

/* ---- scans ---- */

/* The scan values of input s as an axis: the divisor and the unit. */
static double es_scan_axis(const es_view *v, size_t s, char *unit, size_t len)
{
    double big = 0;
    for (uint64_t i = 0; i < v->scan_n[s]; i++) {
        double x = es_view_num(v->scan[s], i);
        if (isfinite(x)) big = fmax(big, fabs(x));
    }
    return es_axis_scale(es_unit_for(v->scan_unit[s], big, big), big, unit, len);
}

/* One scanned input: the band of variable k, and event e's probability. */
static void es_plot_band(const es_view *v, size_t k, FILE *f, es_plots *ps)
{
    char xu[96], yu[96], stem[96], cap[320];
    double dx = es_scan_axis(v, 0, xu, sizeof xu), big = 0;
    size_t finite = 0;
    for (uint64_t c = 0; c < v->cells; c++)
        for (int q = 0; q < ES_Q_N; q++) {
            double y = es_view_quant(v, v->q, c, k, q);
            if (isfinite(y)) {
                big = fmax(big, fabs(y));
                finite++;
            }
        }
    if (!finite) return;
    double dy = es_axis_scale(v->show[k], big, yu, sizeof yu);
    es_stem(stem, sizeof stem, "band", v->var[k]);
    snprintf(cap, sizeof cap, "%s against %s: p5 to p95 band, median and mean", v->var[k],
             v->scan_name[0]);
    if (!es_plots_add(ps, stem, cap)) return;
    es_gp_begin(f, stem);
    fputs("set title ", f);
    char t[400];
    snprintf(t, sizeof t, "%s against %s", v->var[k], v->scan_name[0]);
    es_gp_str(f, t);
    fputc('\n', f);
    es_gp_axis(f, "x", v->scan_name[0], xu);
    es_gp_axis(f, "y", v->var[k], yu);
    fputs("set key below\n$b << EOD\n", f);
    for (uint64_t c = 0; c < v->cells; c++) {
        es_gp_num(f, es_view_num(v->scan[0], c) / dx);
        for (int q = 0; q < ES_Q_N; q++) {
            fputc(' ', f);
            es_gp_num(f, es_view_quant(v, v->q, c, k, q) / dy);
        }
        fputc(' ', f);
        es_gp_num(f, es_view_mom(v, c, k, ES_ST_MEAN) / dy);
        fputc('\n', f);
    }
    fputs("EOD\n", f);
    fputs("plot $b using 1:2:4 with filledcurves fs transparent solid 0.25 noborder lc rgb "
          "'#4a7ab5' title 'p5 to p95', \\\n"
          "     $b using 1:3 with linespoints lw 2 pt 7 lc rgb '#1f4e79' title 'median (p50)', "
          "\\\n"
          "     $b using 1:5 with linespoints lw 2 dt 2 pt 5 lc rgb '#e08a2c' title 'mean'\n",
          f);
    es_gp_end(f, stem);
}

static void es_plot_event_line(const es_view *v, size_t e, FILE *f, es_plots *ps)
{
    char xu[96], stem[96], cap[320], t[300];
    double dx = es_scan_axis(v, 0, xu, sizeof xu);
    es_stem(stem, sizeof stem, "event", v->ev[e]);
    snprintf(cap, sizeof cap, "Probability of %s (%s) against %s, with 95%% intervals", v->ev[e],
             v->cond && v->cond[e] ? v->cond[e] : "", v->scan_name[0]);
    if (!es_plots_add(ps, stem, cap)) return;
    es_gp_begin(f, stem);
    snprintf(t, sizeof t, "P(%s) against %s", v->ev[e], v->scan_name[0]);
    fputs("set title ", f);
    es_gp_str(f, t);
    fputc('\n', f);
    es_gp_axis(f, "x", v->scan_name[0], xu);
    es_gp_axis(f, "y", "probability", "%");
    fputs("set key below\nset yrange [0:*]\nset offsets 0, 0, graph 0.05, 0\n$e << EOD\n", f);
    for (uint64_t c = 0; c < v->cells; c++) {
        uint64_t i = c * v->nev + e;
        es_gp_num(f, es_view_num(v->scan[0], c) / dx);
        const es_res_array *a[3] = {v->ev_p, v->ev_lo, v->ev_hi};
        for (int k = 0; k < 3; k++) {
            fputc(' ', f);
            es_gp_num(f, 100 * es_view_num(a[k], i));
        }
        fputc('\n', f);
    }
    fputs("EOD\nplot $e using 1:2:3:4 with yerrorlines lw 2 pt 7 lc rgb '#c0392b' title ", f);
    snprintf(t, sizeof t, "P(%s), 95%% interval", v->ev[e]);
    es_gp_str(f, t);
    fputc('\n', f);
    es_gp_end(f, stem);
}

/* Two scanned inputs: a heat map of z(cell), labelled in each cell. */
typedef double (*es_cell_value)(const es_view *v, uint64_t c, size_t i, char *label, size_t len);

static double es_heat_event(const es_view *v, uint64_t c, size_t e, char *label, size_t len)
{
    static const es_unit_show pct = {
        .udunits = "1", .pre = "", .post = "%", .factor = 100, .scale = ES_SC_PLAIN, .axis = "%"};
    double p = es_view_num(v->ev_p, c * v->nev + e);
    es_fmt(&pct, p, 3, label, len);
    return 100 * p;
}

static double es_heat_median(const es_view *v, uint64_t c, size_t k, char *label, size_t len)
{
    double x = es_view_quant(v, v->q, c, k, ES_Q50);
    es_fmt(v->show[k], x, 3, label, len);
    return x;
}

static void es_plot_heat(const es_view *v, const char *stem, const char *title, const char *caption,
                         const char *zunit, double dz, es_cell_value fn, size_t i, FILE *f,
                         es_plots *ps)
{
    size_t finite = 0;
    char label[96];
    for (uint64_t c = 0; c < v->cells; c++)
        finite += isfinite(fn(v, c, i, label, sizeof label)) != 0;
    if (!finite || !es_plots_add(ps, stem, caption)) return;
    es_gp_begin(f, stem);
    fputs("set title ", f);
    es_gp_str(f, title);
    fputc('\n', f);
    for (int a = 0; a < 2; a++) {
        fprintf(f, "set %srange [-0.5:%llu.5]\nset %stics (", a ? "y" : "x",
                (unsigned long long)v->scan_n[a] - 1, a ? "y" : "x");
        for (uint64_t j = 0; j < v->scan_n[a]; j++) {
            double x = es_view_num(v->scan[a], j);
            es_fmt(es_unit_for(v->scan_unit[a], x, x), x, 3, label, sizeof label);
            if (j) fputs(", ", f);
            es_gp_str(f, label);
            fprintf(f, " %llu", (unsigned long long)j);
        }
        fputs(")\n", f);
        es_gp_axis(f, a ? "y" : "x", v->scan_name[a], "");
    }
    fputs("set cblabel ", f);
    es_gp_str(f, zunit);
    fputs("\nset palette defined (0 '#ffffff', 1 '#9ecae1', 2 '#3182bd')\nset tics out\nset "
          "grid front noxtics noytics\nset key off\n$m << EOD\n",
          f);
    for (uint64_t c = 0; c < v->cells; c++) {
        double z = fn(v, c, i, label, sizeof label);
        fprintf(f, "%llu %llu ", (unsigned long long)es_view_cell_index(v, c, 0),
                (unsigned long long)es_view_cell_index(v, c, 1));
        es_gp_num(f, z / dz);
        fputc(' ', f);
        es_gp_label(f, label);
        fputc('\n', f);
    }
    fputs("EOD\nplot $m using 1:2:3 with image, $m using 1:2:4 with labels tc rgb '#000000'\n", f);
    es_gp_end(f, stem);
}

/* ---- the script ---- */

static void es_script(const es_view *v, FILE *f, es_plots *ps)
{
    /* pngcairo draws smooth lines and text; without it, the png terminal */
    fputs("es_png = (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) ? \"pngcairo font 'sans,10'\" "
          ": 'png'\n"
          "if (strstrt(GPVAL_TERMINALS, 'pngcairo') == 0) print 'es-note: no pngcairo "
          "terminal'\n",
          f);
    for (size_t k = 0; k < v->nvar; k++) {
        int out = v->kind && v->kind[k] && strcmp(v->kind[k], "output") == 0;
        /* with a scan, the main outputs only: the page stays readable */
        if (out && (v->cells == 1 || v->main[k])) es_plot_dist(v, k, f, ps);
    }
    for (size_t o = 0; o < v->nout; o++) {
        long k = es_view_sens_var(v, o);
        if (k < 0 || !v->main[k]) continue;
        es_plot_tornado(v, o, f, ps);
        es_plot_sobol(v, o, f, ps);
    }
    if (v->cells > 1 && v->nscan == 1) {
        for (size_t k = 0; k < v->nvar; k++)
            if (v->main[k]) es_plot_band(v, k, f, ps);
        for (size_t e = 0; e < v->nev; e++)
            es_plot_event_line(v, e, f, ps);
    }
    if (v->cells > 1 && v->nscan == 2) {
        char stem[96], title[300], cap[320];
        for (size_t e = 0; e < v->nev; e++) {
            es_stem(stem, sizeof stem, "heat_event", v->ev[e]);
            snprintf(title, sizeof title, "P(%s) in each cell (%%)", v->ev[e]);
            snprintf(cap, sizeof cap, "Probability of %s (%s) in each cell of the scan", v->ev[e],
                     v->cond && v->cond[e] ? v->cond[e] : "");
            es_plot_heat(v, stem, title, cap, "probability (%)", 1, es_heat_event, e, f, ps);
        }
        for (size_t k = 0; k < v->nvar; k++) {
            if (!v->main[k]) continue;
            double big = 0;
            char label[96], unit[96];
            for (uint64_t c = 0; c < v->cells; c++) {
                double x = es_heat_median(v, c, k, label, sizeof label);
                if (isfinite(x)) big = fmax(big, fabs(x));
            }
            double d = es_axis_scale(v->show[k], big, unit, sizeof unit);
            es_stem(stem, sizeof stem, "heat_p50", v->var[k]);
            snprintf(title, sizeof title, "median of %s in each cell", v->var[k]);
            snprintf(cap, sizeof cap, "Median (p50) of %s in each cell of the scan", v->var[k]);
            char zl[160];
            snprintf(zl, sizeof zl, "median%s%s%s", unit[0] ? " (" : "", unit, unit[0] ? ")" : "");
            es_plot_heat(v, stem, title, cap, zl, d, es_heat_median, k, f, ps);
        }
    }
}

long es_report_plot_script(const es_view *v, FILE *f)
{
    es_plots ps = {0};
    es_script(v, f, &ps);
    free(ps.p);
    return ps.oom ? -1 : (long)ps.n;
}

/* ---- running gnuplot ---- */

/* The gnuplot executable on PATH, or -1. */
static int es_find_gnuplot(char *out, size_t len)
{
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        if ((size_t)snprintf(out, len, "%.*s%sgnuplot", (int)n, n ? path : ".", "/") < len &&
            access(out, X_OK) == 0) {
            struct stat sb;
            if (stat(out, &sb) == 0 && S_ISREG(sb.st_mode)) return 0;
        }
        path += n;
        if (*path == ':') path++;
    }
    return -1;
}

/* Run gnuplot in dir with the script on stdin, its output in dir/gnuplot.log.
 * Returns gnuplot's exit status, or -1 when it could not be run. */
static int es_run_gnuplot(const char *exe, const char *dir, const char *script, size_t len)
{
    int fd[2];
    if (pipe(fd) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        close(fd[1]);
        if (chdir(dir) != 0) _exit(126);
        int log = open("gnuplot.log", O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (log < 0 || dup2(fd[0], 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0) _exit(126);
        close(fd[0]);
        close(log);
        char *argv[] = {"gnuplot", NULL};
        execv(exe, argv);
        _exit(127);
    }
    close(fd[0]);
    /* gnuplot may stop reading (a crash): a write error, not a SIGPIPE */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old);
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd[1], script + off, len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        off += (size_t)w;
    }
    close(fd[1]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    sigaction(SIGPIPE, &old, NULL);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static char *es_path_join(const char *dir, const char *name, const char *ext)
{
    size_t n = strlen(dir) + strlen(name) + strlen(ext) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s%s", dir, name, ext);
    return p;
}

static long es_file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) ? (long)sb.st_size : -1;
}

/* ---- the page ---- */

/* An SVG file inline: from its <svg element on, every id and reference to
 * one prefixed (each plot of gnuplot names its markers alike). */
static int es_inline_svg(FILE *out, const char *path, const char *prefix)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, 2 * cap + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) return -1;
    buf[n] = '\0';
    char *s = strstr(buf, "<svg");
    if (!s) {
        free(buf);
        return -1;
    }
    static const char *const refs[] = {"id='", "id=\"", "href='#", "href=\"#", "url(#"};
    while (*s) {
        int hit = 0;
        for (size_t r = 0; r < sizeof refs / sizeof refs[0] && !hit; r++) {
            size_t rl = strlen(refs[r]);
            if (strncmp(s, refs[r], rl) == 0) {
                fwrite(s, 1, rl, out);
                fputs(prefix, out);
                s += rl;
                hit = 1;
            }
        }
        if (!hit) fputc(*s++, out);
    }
    free(buf);
    return 0;
}

static int es_write_page(const es_view *v, const es_tabs *tabs, const char *path, const char *dir,
                         const es_plots *ps, const unsigned char *ok, const char *note)
{
    char *page = es_path_join(dir, "index", ".html");
    if (!page) return -1;
    FILE *f = fopen(page, "w");
    free(page);
    if (!f) return -1;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
          "econsweep report: ",
          f);
    es_html_escape(f, path);
    fputs("</title>\n<style>\n"
          "body { font-family: sans-serif; max-width: 1200px; margin: 1em auto; padding: 0 1em; "
          "color: #222; }\n"
          "table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 90%; }\n"
          "th, td { padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: left; "
          "white-space: nowrap; }\n"
          "td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }\n"
          "tr.group th { background: #eef3f8; }\n"
          "table#provenance td { white-space: normal; }\n"
          "figure { display: inline-block; vertical-align: top; margin: 0.5em; max-width: "
          "100%; }\n"
          "figure svg { max-width: 100%; height: auto; }\n"
          "figcaption { font-size: 90%; max-width: 720px; }\n"
          ".note { background: #fff3cd; border: 1px solid #e0c36a; padding: 0.5em 1em; }\n"
          "</style>\n</head>\n<body>\n<h1>econsweep report</h1>\n",
          f);
    const es_res_attr *st = v->root ? es_res_attr_find(v->root, "status") : NULL;
    const es_res_attr *parts = v->root ? es_res_attr_find(v->root, "parts") : NULL;
    if ((st && st->str && strcmp(st->str, "complete") != 0) || (parts && parts->num > 1)) {
        for (size_t i = 0; i < tabs->n; i++)
            if (strcmp(tabs->t[i].id, "provenance") == 0)
                for (size_t r = 0; r < tabs->t[i].nrow; r++)
                    if (strcmp(tabs->t[i].cell[r * tabs->t[i].ncol], "status") == 0) {
                        fputs("<p class=\"note\" id=\"status\">", f);
                        es_html_escape(f, tabs->t[i].cell[r * tabs->t[i].ncol + 1]);
                        fputs("</p>\n", f);
                    }
    }
    for (size_t i = 0; i < tabs->n; i++)
        es_tab_html(&tabs->t[i], f);
    fputs("<h2>plots</h2>\n", f);
    if (note) {
        fputs("<p class=\"note\" id=\"plots-note\">", f);
        es_html_escape(f, note);
        fputs("</p>\n", f);
    }
    fputs("<section id=\"plots\">\n", f);
    for (size_t i = 0; ps && i < ps->n; i++) {
        if (!ok[i]) continue;
        const es_plot *p = &ps->p[i];
        char *svg = es_path_join(dir, p->stem, ".svg");
        char prefix[32];
        snprintf(prefix, sizeof prefix, "p%zu_", i);
        fprintf(f, "<figure id=\"plot-%s\">\n", p->stem);
        int rc = svg ? es_inline_svg(f, svg, prefix) : -1;
        free(svg);
        if (rc) fputs("<p>(the SVG could not be read)</p>", f);
        fputs("\n<figcaption>", f);
        es_html_escape(f, p->caption);
        fprintf(f,
                " (<a href=\"%s.png\">PNG</a>, <a href=\"%s.svg\">SVG</a>)</figcaption>\n"
                "</figure>\n",
                p->stem, p->stem);
    }
    fputs("</section>\n</body>\n</html>\n", f);
    int bad = ferror(f);
    if (fclose(f) != 0) bad = 1;
    return bad ? -1 : 0;
}

/* The first error lines gnuplot wrote, for the message. */
static void es_log_head(const char *dir, char *buf, size_t len)
{
    buf[0] = '\0';
    char *lp = es_path_join(dir, "gnuplot", ".log");
    FILE *f = lp ? fopen(lp, "r") : NULL;
    free(lp);
    if (!f) return;
    char line[512];
    size_t o = 0;
    while (fgets(line, sizeof line, f) && o + 1 < len) {
        if (!strstr(line, "line ") && !strstr(line, "rror")) continue;
        line[strcspn(line, "\n")] = '\0';
        o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "; " : "", line);
        if (o > len / 2) break;
    }
    fclose(f);
}

int es_report_plots(const es_view *v, const es_tabs *tabs, const char *path, const char *dir,
                    FILE *errf)
{
    struct stat sb;
    if (stat(dir, &sb) != 0) {
        if (mkdir(dir, 0777) != 0) {
            fprintf(errf, "econsweep: report: cannot create the plots folder %s: %s\n", dir,
                    strerror(errno));
            return ES_EXIT_IO;
        }
    } else if (!S_ISDIR(sb.st_mode)) {
        fprintf(errf, "econsweep: report: --plots %s: not a folder\n", dir);
        return ES_EXIT_IO;
    }
    char exe[4096];
    if (es_find_gnuplot(exe, sizeof exe)) {
        const char *note = "no plots: gnuplot is not installed (Debian: apt-get install "
                           "gnuplot-nox)";
        fprintf(errf,
                "econsweep: report: --plots needs gnuplot, which is not on PATH (Debian: "
                "apt-get install gnuplot-nox); the tables are printed, %s/index.html "
                "has them without plots\n",
                dir);
        es_write_page(v, tabs, path, dir, NULL, NULL, note);
        return ES_EXIT_IO;
    }
    char *script = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&script, &len);
    if (!f) {
        fprintf(errf, "econsweep: report: out of memory\n");
        return ES_EXIT_IO;
    }
    es_plots ps = {0};
    es_script(v, f, &ps);
    fputs("\nquit\n", f);
    if (fclose(f) != 0 || ps.oom) {
        free(script);
        free(ps.p);
        fprintf(errf, "econsweep: report: out of memory\n");
        return ES_EXIT_IO;
    }
    int grc = es_run_gnuplot(exe, dir, script, len);
    free(script);
    if (grc < 0 || grc >= 126) {
        fprintf(errf, "econsweep: report: cannot run %s in %s (exit %d)\n", exe, dir, grc);
        free(ps.p);
        return ES_EXIT_IO;
    }
    unsigned char *ok = calloc(ps.n ? ps.n : 1, 1);
    size_t good = 0;
    for (size_t i = 0; ok && i < ps.n; i++) {
        char *svg = es_path_join(dir, ps.p[i].stem, ".svg");
        char *png = es_path_join(dir, ps.p[i].stem, ".png");
        ok[i] = svg && png && es_file_size(svg) > 0 && es_file_size(png) > 0;
        if (!ok[i]) {
            /* half-written files of a plot gnuplot refused */
            if (svg) unlink(svg);
            if (png) unlink(png);
        }
        good += ok[i];
        free(svg);
        free(png);
    }
    char log[600];
    es_log_head(dir, log, sizeof log);
    char *lp = es_path_join(dir, "gnuplot", ".log");
    FILE *lf = lp ? fopen(lp, "r") : NULL;
    char line[256];
    while (lf && fgets(line, sizeof line, lf))
        if (strncmp(line, "es-note: no pngcairo", 20) == 0)
            fprintf(errf, "econsweep: report: gnuplot has no pngcairo terminal: PNG files "
                          "through its png terminal\n");
    if (lf) fclose(lf);
    int rc = 0;
    if (!ok || good < ps.n) {
        fprintf(errf, "econsweep: report: gnuplot drew %zu of %zu plots (%s/gnuplot.log: %s)\n",
                good, ps.n, dir, log[0] ? log : "no message");
        rc = ES_EXIT_IO;
    } else if (lp) {
        unlink(lp);
    }
    free(lp);
    if (es_write_page(v, tabs, path, dir, ok ? &ps : NULL, ok, NULL)) {
        fprintf(errf, "econsweep: report: cannot write %s/index.html: %s\n", dir, strerror(errno));
        rc = ES_EXIT_IO;
    } else {
        fprintf(errf, "econsweep: report: %zu plots (PNG and SVG) and the page %s/index.html\n",
                good, dir);
    }
    free(ok);
    free(ps.p);
    return rc;
}
