/* src/job.c: job and scenario loading with inih, and every check on them.
 *
 * inih is driven through ini_parse_stream with our own line reader, so that
 * each handler call knows its line number, section headers are seen (for
 * duplicate and empty sections), leading blanks are removed (inih would
 * otherwise join an indented line to the previous key as a continuation)
 * and over-long lines are reported instead of being split. */
#include "job.h"

#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- error list ------------------------------------------------------- */

typedef struct {
    char *buf;
    size_t len, used;
    int count;
} es_errs;

static void es_err(es_errs *e, const char *file, int line, const char *fmt, ...)
{
    e->count++;
    if (e->used + 1 >= e->len) return;
    int n;
    if (line > 0)
        n = snprintf(e->buf + e->used, e->len - e->used, "%s:%d: ", file, line);
    else
        n = snprintf(e->buf + e->used, e->len - e->used, "%s: ", file);
    if (n < 0) return;
    e->used += (size_t)n;
    if (e->used + 1 >= e->len) {
        e->used = e->len - 1;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    n = vsnprintf(e->buf + e->used, e->len - e->used, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    e->used += (size_t)n;
    if (e->used + 1 >= e->len) {
        e->used = e->len - 1;
        return;
    }
    e->buf[e->used++] = '\n';
    e->buf[e->used] = '\0';
}

/* ---- INI reading ------------------------------------------------------ */

typedef struct {
    char *section;
    char *key;
    char *value;
    int line;
} es_entry;

typedef struct {
    char *name;
    int line;
    int keys;
} es_section;

typedef struct {
    const char *file; /* for messages */
    const char *p, *end;
    int line;
    es_entry *ent;
    size_t n_ent, cap_ent;
    es_section *sec;
    size_t n_sec, cap_sec;
    es_errs *errs;
    int oom;
} es_ini;

static char *es_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static int es_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t nc = *cap ? 2 * *cap : 16;
    while (nc < need)
        nc *= 2;
    void *p = realloc(*arr, nc * elem);
    if (!p) return -1;
    *arr = p;
    *cap = nc;
    return 0;
}

static int es_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static char *es_ini_reader(char *str, int num, void *stream)
{
    es_ini *ini = stream;
    if (ini->p >= ini->end) return NULL;
    ini->line++;
    const char *eol = memchr(ini->p, '\n', (size_t)(ini->end - ini->p));
    const char *next = eol ? eol + 1 : ini->end;
    const char *s = ini->p;
    if (ini->line == 1 && next - s >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3; /* a UTF-8 byte order mark */
    while (s < next && es_is_blank(*s))
        s++;
    size_t len = (size_t)(next - s);
    ini->p = next;
    if (memchr(s, '\0', len)) {
        es_err(ini->errs, ini->file, ini->line, "the line holds a NUL byte; expected text");
        str[0] = '\0';
        return str;
    }
    if (len + 1 > (size_t)num) {
        es_err(ini->errs, ini->file, ini->line,
               "the line is longer than %d characters; expected a shorter line", num - 2);
        str[0] = '\0';
        return str;
    }
    memcpy(str, s, len);
    str[len] = '\0';
    if (s[0] == '[') {
        const char *close = memchr(s, ']', len);
        if (close) {
            const char *a = s + 1, *b = close;
            while (a < b && es_is_blank(*a))
                a++;
            while (b > a && es_is_blank(b[-1]))
                b--;
            if (es_grow((void **)&ini->sec, &ini->cap_sec, ini->n_sec + 1, sizeof *ini->sec)) {
                ini->oom = 1;
                return str;
            }
            es_section *sec = &ini->sec[ini->n_sec];
            sec->name = es_strndup(a, (size_t)(b - a));
            if (!sec->name) {
                ini->oom = 1;
                return str;
            }
            sec->line = ini->line;
            sec->keys = 0;
            ini->n_sec++;
        }
    }
    return str;
}

static int es_ini_handler(void *user, const char *section, const char *name, const char *value)
{
    es_ini *ini = user;
    if (es_grow((void **)&ini->ent, &ini->cap_ent, ini->n_ent + 1, sizeof *ini->ent)) {
        ini->oom = 1;
        return 1;
    }
    es_entry *e = &ini->ent[ini->n_ent];
    e->section = es_strndup(section, strlen(section));
    e->key = es_strndup(name, strlen(name));
    e->value = es_strndup(value, strlen(value));
    e->line = ini->line;
    if (!e->section || !e->key || !e->value) {
        free(e->section);
        free(e->key);
        free(e->value);
        ini->oom = 1;
        return 1;
    }
    ini->n_ent++;
    if (ini->n_sec > 0) ini->sec[ini->n_sec - 1].keys++;
    return 1;
}

static void es_ini_free(es_ini *ini)
{
    for (size_t i = 0; i < ini->n_ent; i++) {
        free(ini->ent[i].section);
        free(ini->ent[i].key);
        free(ini->ent[i].value);
    }
    for (size_t i = 0; i < ini->n_sec; i++)
        free(ini->sec[i].name);
    free(ini->ent);
    free(ini->sec);
    memset(ini, 0, sizeof *ini);
}

/* Parse text into entries and sections; syntax errors and duplicates go to errs. */
static int es_ini_parse(es_ini *ini, const char *file, const char *text, size_t len, es_errs *errs)
{
    memset(ini, 0, sizeof *ini);
    ini->file = file;
    ini->p = text;
    ini->end = text + len;
    ini->errs = errs;
    int first_bad = ini_parse_stream(es_ini_reader, ini, es_ini_handler, ini);
    if (ini->oom) {
        es_err(errs, file, 0, "out of memory while reading the file");
        return -1;
    }
    if (first_bad > 0)
        es_err(errs, file, first_bad,
               "cannot read this line; expected '[section]', 'key = value' or a comment");
    else if (first_bad < 0)
        es_err(errs, file, 0, "cannot read the file");
    /* duplicate sections and keys */
    for (size_t i = 0; i < ini->n_sec; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(ini->sec[i].name, ini->sec[j].name) == 0) {
                es_err(errs, file, ini->sec[i].line,
                       "section [%s] appears again (first at line %d); expected each section once",
                       ini->sec[i].name, ini->sec[j].line);
                break;
            }
    for (size_t i = 0; i < ini->n_ent; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(ini->ent[i].section, ini->ent[j].section) == 0 &&
                strcmp(ini->ent[i].key, ini->ent[j].key) == 0) {
                es_err(errs, file, ini->ent[i].line,
                       "[%s] %s: duplicate key (first set at line %d); expected each key once",
                       ini->ent[i].section, ini->ent[i].key, ini->ent[j].line);
                break;
            }
    return 0;
}

/* ---- numbers ---------------------------------------------------------- */

/* A finite double that takes the whole string. */
static int es_parse_double(const char *s, double *x)
{
    if (!*s) return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end != '\0' || end == s || errno == ERANGE || !isfinite(v)) return -1;
    /* strtod takes hex floats, "inf" and "nan"; a job file takes decimal numbers only */
    for (const char *c = s; *c; c++)
        if (!strchr("0123456789+-.eE", *c)) return -1;
    *x = v;
    return 0;
}

/* A whole number in [lo, hi], written as digits or as a number like 1e6. */
int es_parse_count(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    if (!*s) return -1;
    int digits = 1;
    for (const char *c = s; *c; c++)
        if (*c < '0' || *c > '9') digits = 0;
    if (digits) {
        if (strlen(s) > 20) return -1;
        errno = 0;
        unsigned long long v = strtoull(s, NULL, 10);
        if (errno == ERANGE || v < lo || v > hi) return -1;
        *out = v;
        return 0;
    }
    double x;
    if (es_parse_double(s, &x) || x != floor(x) || x < (double)lo || x > 9007199254740992.0 ||
        x > (double)hi)
        return -1;
    *out = (uint64_t)x;
    return 0;
}

/* ---- names ------------------------------------------------------------ */

static const char *const es_store_names[] = {"all", "outputs", "summary"};
static const char *const es_sweep_keys[] = {"model", "scenario", "design", "samples",
                                            "seed",  "chunk",    "store",  "output"};
#define ES_NKEYS(a) (sizeof(a) / sizeof((a)[0]))

const char *es_store_name(es_store_kind s)
{
    return (s >= 0 && (size_t)s < ES_NKEYS(es_store_names)) ? es_store_names[s] : "?";
}

static int es_find_name(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0) return (int)i;
    return -1;
}

int es_store_find(const char *name)
{
    return es_find_name(es_store_names, ES_NKEYS(es_store_names), name);
}

static const char *es_nearest(const char *const *names, size_t n, const char *s)
{
    const char *best = NULL;
    size_t bd = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        size_t d = es_edit_distance(s, names[i]);
        if (d < bd) {
            bd = d;
            best = names[i];
        }
    }
    return (best && bd <= 1 + strlen(s) / 2) ? best : NULL;
}

static void es_trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && es_is_blank(s[n - 1]))
        s[--n] = '\0';
    size_t i = 0;
    while (s[i] && es_is_blank(s[i]))
        i++;
    memmove(s, s + i, n - i + 1);
}

/* dir of path + rel, unless rel is absolute */
static int es_resolve(char *out, size_t len, const char *base_file, const char *rel)
{
    if (rel[0] == '/') {
        return (size_t)snprintf(out, len, "%s", rel) < len ? 0 : -1;
    }
    const char *slash = strrchr(base_file, '/');
    if (!slash) return (size_t)snprintf(out, len, "%s", rel) < len ? 0 : -1;
    int dl = (int)(slash - base_file);
    return (size_t)snprintf(out, len, "%.*s/%s", dl, base_file, rel) < len ? 0 : -1;
}

/* ---- files ------------------------------------------------------------ */

int es_job_read_file(const char *path, char **text, size_t *len, char *err, size_t errlen,
                     void *ctx)
{
    (void)ctx;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            if (cap >= ((size_t)64 << 20)) {
                snprintf(err, errlen, "file is larger than 64 MiB; expected a small text file");
                free(buf);
                fclose(f);
                return -1;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - 1 - n, f);
        n += got;
        if (got == 0) break;
    }
    if (!buf) {
        snprintf(err, errlen, "out of memory");
        fclose(f);
        return -1;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "cannot read: %s", strerror(errno));
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

int es_job_mem_reader(const char *path, char **text, size_t *len, char *err, size_t errlen,
                      void *ctx)
{
    for (const es_job_mem_file *f = ctx; f->text; f++) {
        if (strcmp(f->path, path) != 0 && strcmp(f->path, "*") != 0) continue;
        *text = es_strndup(f->text, f->len);
        if (!*text) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        *len = f->len;
        return 0;
    }
    snprintf(err, errlen, "cannot open: No such file or directory");
    return -1;
}

/* ---- correlation ------------------------------------------------------ */

void es_job_design_corr(const es_job *job, es_design_corr *corr)
{
    size_t pos[ES_JOB_MAXIN];
    for (size_t k = 0; k < job->n_unc; k++)
        pos[job->unc[k]] = k;
    for (size_t c = 0; c < job->n_corr; c++) {
        corr[c].a = pos[job->corr[c].a];
        corr[c].b = pos[job->corr[c].b];
        corr[c].rho = job->corr[c].rho;
    }
}

const char *es_varref_name(const es_model *m, es_varref r)
{
    return r.is_output ? m->outputs[r.index].name : m->inputs[r.index].name;
}

/* ---- the job ---------------------------------------------------------- */

static int es_bound_ok_lo(const es_bound *b, const es_input_info *in)
{
    if (b->v > in->lo) return 1;
    if (b->v == in->lo) return in->lo_in || b->open;
    return 0;
}

static int es_bound_ok_hi(const es_bound *b, const es_input_info *in)
{
    if (b->v < in->hi) return 1;
    if (b->v == in->hi) return in->hi_in || b->open;
    return 0;
}

static void es_load_scenario(es_job *job, const char *spath, const char *text, size_t len,
                             es_errs *errs)
{
    es_ini ini;
    if (es_ini_parse(&ini, spath, text, len, errs)) {
        es_ini_free(&ini);
        return;
    }
    const es_model *m = job->model;
    for (size_t i = 0; i < ini.n_ent; i++) {
        const es_entry *e = &ini.ent[i];
        int idx = es_model_input_index(m, e->key);
        if (idx < 0) {
            const char *near = es_model_nearest_input(m, e->key);
            if (near)
                es_err(errs, spath, e->line,
                       "[%s] %s: not an input of model %s; did you mean '%s'?", e->section, e->key,
                       m->name, near);
            else
                es_err(errs, spath, e->line,
                       "[%s] %s: not an input of model %s; expected one of its inputs (see "
                       "'econsweep check')",
                       e->section, e->key, m->name);
            continue;
        }
        if (job->value_line[idx] > 0) {
            es_err(errs, spath, e->line, "%s: set again (first at line %d); expected it once",
                   e->key, job->value_line[idx]);
            continue;
        }
        double x;
        if (es_parse_double(e->value, &x)) {
            es_err(errs, spath, e->line, "%s: '%s' is not a finite decimal number; expected one",
                   e->key, e->value);
            continue;
        }
        char why[96];
        if (es_model_input_valid(&m->inputs[idx], x, why, sizeof why)) {
            es_err(errs, spath, e->line, "%s = %g: %s %s", e->key, x, e->key, why);
            continue;
        }
        job->value[idx] = x;
        job->value_line[idx] = e->line;
    }
    for (size_t i = 0; i < ini.n_sec; i++)
        if (ini.sec[i].keys == 0)
            es_err(errs, spath, ini.sec[i].line,
                   "section [%s] is empty; expected input values below it", ini.sec[i].name);
    es_ini_free(&ini);
}

static void es_load_input_section(es_job *job, es_ini *ini, const char *sec, int sec_line,
                                  const char *path, es_errs *errs)
{
    const es_model *m = job->model;
    int idx = es_model_input_index(m, sec);
    if (idx < 0) {
        const char *const fixed[] = {"sweep", "correlation"};
        const char *near = es_nearest(fixed, 2, sec);
        if (near && es_edit_distance(sec, near) <= 2) {
            es_err(errs, path, sec_line,
                   "[%s]: unknown section; did you mean [%s]? (sections are sweep, correlation "
                   "or an input name)",
                   sec, near);
            return;
        }
        near = es_model_nearest_input(m, sec);
        if (near)
            es_err(errs, path, sec_line,
                   "[%s]: not an input of model %s; did you mean [%s]? (sections are sweep, "
                   "correlation or an input name)",
                   sec, m->name, near);
        else
            es_err(errs, path, sec_line,
                   "[%s]: unknown section; expected [sweep], [correlation] or an input of "
                   "model %s",
                   sec, m->name);
        return;
    }
    const char *names[ES_DIST_MAXPAR + 4];
    double values[ES_DIST_MAXPAR + 4];
    int lines[ES_DIST_MAXPAR + 4];
    size_t np = 0;
    int kind = -1, dist_line = 0, bad_values = 0;
    const char *kind_name = NULL;
    for (size_t i = 0; i < ini->n_ent; i++) {
        es_entry *e = &ini->ent[i];
        if (strcmp(e->section, sec) != 0) continue;
        if (strcmp(e->key, "dist") == 0) {
            dist_line = e->line;
            kind_name = e->value;
            kind = es_dist_kind_find(e->value);
            if (kind < 0) {
                const char *list = es_dist_kind_list();
                es_err(errs, path, e->line,
                       "[%s] dist: unknown distribution '%s'; expected one of %s", sec, e->value,
                       list);
                return;
            }
            continue;
        }
        if (np == ES_DIST_MAXPAR + 4) {
            es_err(errs, path, e->line, "[%s] %s: too many parameters; expected at most %d", sec,
                   e->key, ES_DIST_MAXPAR);
            return;
        }
        names[np] = e->key;
        lines[np] = e->line;
        if (es_parse_double(e->value, &values[np])) {
            es_err(errs, path, e->line,
                   "[%s] %s: '%s' is not a finite decimal number; expected one", sec, e->key,
                   e->value);
            bad_values = 1;
        }
        np++;
    }
    if (kind < 0) {
        es_err(errs, path, sec_line,
               "[%s]: no 'dist' key; expected 'dist = ' one of %s, with its parameters", sec,
               es_dist_kind_list());
        return;
    }
    if (bad_values) return;
    char why[256];
    int bad;
    es_dist d;
    if (es_dist_init(&d, (es_dist_kind)kind, np, names, values, &bad, why, sizeof why)) {
        int line = bad >= 0 ? lines[bad] : dist_line;
        const char *key = bad >= 0 ? names[bad] : "dist";
        es_err(errs, path, line, "[%s] %s: %s", sec, key, why);
        return;
    }
    const es_input_info *in = &m->inputs[idx];
    es_bound lo, hi;
    es_dist_support(&d, &lo, &hi);
    if (in->whole && kind != ES_DIST_CONSTANT) {
        es_err(errs, path, dist_line,
               "[%s] dist: %s takes whole numbers only; expected 'dist = constant'", sec, sec);
        return;
    }
    if (kind == ES_DIST_CONSTANT) { /* one value: the scenario's rules apply to it */
        char rule[96];
        if (es_model_input_valid(in, d.p[0], rule, sizeof rule)) {
            es_err(errs, path, lines[0], "[%s] value = %g: %s %s", sec, d.p[0], sec, rule);
            return;
        }
    }
    if (!es_bound_ok_lo(&lo, in) || !es_bound_ok_hi(&hi, in)) {
        int low_side = !es_bound_ok_lo(&lo, in);
        const es_bound *b = low_side ? &lo : &hi;
        double bound = low_side ? in->lo : in->hi;
        int incl = low_side ? in->lo_in : in->hi_in;
        const char *fix = isinf(b->v) ? "; use a bounded distribution (truncnormal, pert, "
                                        "triangular, uniform or beta) inside the valid range"
                                      : "";
        es_err(errs, path, dist_line, "[%s] dist: %s can give %s = %g, but %s must be %s %g%s", sec,
               kind_name, sec, b->v, sec, low_side ? (incl ? ">=" : ">") : (incl ? "<=" : "<"),
               bound, fix);
        return;
    }
    job->uncertain[idx] = 1;
    job->dist[idx] = d;
    job->dist_line[idx] = dist_line;
}

static void es_load_correlation(es_job *job, es_ini *ini, const char *path, es_errs *errs)
{
    const es_model *m = job->model;
    for (size_t i = 0; i < ini->n_ent; i++) {
        es_entry *e = &ini->ent[i];
        if (strcmp(e->section, "correlation") != 0) continue;
        char *tilde = strchr(e->key, '~');
        if (!tilde) {
            es_err(errs, path, e->line,
                   "[correlation] '%s': expected 'input_a ~ input_b = rank correlation'", e->key);
            continue;
        }
        char a[128], b[128];
        snprintf(a, sizeof a, "%.*s", (int)(tilde - e->key), e->key);
        snprintf(b, sizeof b, "%s", tilde + 1);
        es_trim(a);
        es_trim(b);
        const char *nm[2] = {a, b};
        int idx[2];
        int ok = 1;
        for (int s = 0; s < 2; s++) {
            idx[s] = es_model_input_index(m, nm[s]);
            if (idx[s] < 0) {
                const char *near = es_model_nearest_input(m, nm[s]);
                es_err(errs, path, e->line, "[correlation] '%s' is not an input of model %s%s%s%s",
                       nm[s], m->name, near ? "; did you mean '" : "", near ? near : "",
                       near ? "'?" : "");
                ok = 0;
            } else if (!job->uncertain[idx[s]] || job->dist[idx[s]].kind == ES_DIST_CONSTANT) {
                es_err(errs, path, e->line,
                       "[correlation] %s is fixed in this job; expected an input with a "
                       "non-constant distribution (a section [%s] with dist = ...)",
                       nm[s], nm[s]);
                ok = 0;
            }
        }
        if (!ok) continue;
        if (idx[0] == idx[1]) {
            es_err(errs, path, e->line, "[correlation] %s ~ %s: expected two different inputs", a,
                   b);
            continue;
        }
        double rho;
        if (es_parse_double(e->value, &rho) || rho < -1 || rho > 1) {
            es_err(errs, path, e->line,
                   "[correlation] %s ~ %s = '%s': expected a rank correlation in [-1, 1]", a, b,
                   e->value);
            continue;
        }
        int lo = idx[0] < idx[1] ? idx[0] : idx[1], hi = idx[0] < idx[1] ? idx[1] : idx[0];
        int dup = 0;
        for (size_t c = 0; c < job->n_corr; c++)
            if (job->corr[c].a == lo && job->corr[c].b == hi) {
                es_err(errs, path, e->line,
                       "[correlation] %s ~ %s: the pair is already set at line %d; expected each "
                       "pair once",
                       a, b, job->corr[c].line);
                dup = 1;
            }
        if (dup) continue;
        if (job->n_corr == ES_JOB_MAXCORR) {
            es_err(errs, path, e->line, "[correlation]: more than %d pairs", ES_JOB_MAXCORR);
            continue;
        }
        es_corr *c = &job->corr[job->n_corr++];
        c->a = lo;
        c->b = hi;
        c->rho = rho;
        c->line = e->line;
    }
    if (job->n_corr == 0) return;
    /* the uncertain inputs are listed only after every section is read */
    size_t n_unc = 0;
    es_job tmp;
    memcpy(tmp.unc, job->unc, sizeof tmp.unc);
    tmp.n_corr = job->n_corr;
    memcpy(tmp.corr, job->corr, sizeof tmp.corr);
    for (size_t i = 0; i < m->n_inputs; i++)
        if (job->uncertain[i]) tmp.unc[n_unc++] = (int)i;
    tmp.n_unc = n_unc;
    es_design_corr dc[ES_JOB_MAXCORR];
    es_job_design_corr(&tmp, dc);
    if (es_design_copula_check(n_unc, job->n_corr, dc))
        es_err(errs, path, job->corr[0].line,
               "[correlation]: the correlations together are not consistent (the matrix is not "
               "positive definite); expected weaker or compatible correlations");
}

int es_job_load_with(es_job *job, const char *path, es_job_reader reader, void *ctx, char *err,
                     size_t errlen)
{
    es_errs errs = {err, errlen, 0, 0};
    if (errlen) err[0] = '\0';
    memset(job, 0, sizeof *job);
    if ((size_t)snprintf(job->path, sizeof job->path, "%s", path) >= sizeof job->path) {
        es_err(&errs, path, 0, "path is too long");
        return errs.count;
    }
    char why[256];
    size_t len;
    if (reader(path, &job->job_text, &len, why, sizeof why, ctx)) {
        es_err(&errs, path, 0, "%s; expected a readable job file", why);
        return errs.count;
    }
    es_ini ini;
    es_ini_parse(&ini, path, job->job_text, len, &errs);

    /* [sweep] */
    int have_sweep = 0, samples_line = 0;
    const char *model_name = "compute_economics", *scenario = NULL, *output = NULL;
    int model_line = 0;
    job->design = &es_design_mc;
    job->base = es_design_find("sobol");
    job->sens_samples = 131072;
    job->seed = 1;
    job->chunk = 16384;
    job->store = ES_STORE_ALL;
    for (size_t i = 0; i < ini.n_sec; i++)
        if (strcmp(ini.sec[i].name, "sweep") == 0) have_sweep = 1;
    for (size_t i = 0; i < ini.n_ent; i++) {
        es_entry *e = &ini.ent[i];
        if (strcmp(e->section, "sweep") != 0) continue;
        int k = es_find_name(es_sweep_keys, ES_NKEYS(es_sweep_keys), e->key);
        switch (k) {
        case 0:
            model_name = e->value;
            model_line = e->line;
            break;
        case 1:
            scenario = e->value;
            if (!*scenario) es_err(&errs, path, e->line, "[sweep] scenario: expected a file path");
            break;
        case 2: {
            const es_design_type *d = es_design_find(e->value);
            if (!d)
                es_err(&errs, path, e->line, "[sweep] design: unknown design '%s'; expected %s",
                       e->value, es_design_list());
            else
                job->design = d;
            break;
        }
        case 3:
            samples_line = e->line;
            if (es_parse_count(e->value, 1, (uint64_t)1 << 53, &job->samples))
                es_err(&errs, path, e->line,
                       "[sweep] samples: '%s'; expected a whole number from 1 to 2^53 (1e6 is "
                       "accepted)",
                       e->value);
            break;
        case 4:
            if (es_parse_count(e->value, 0, UINT64_MAX, &job->seed))
                es_err(&errs, path, e->line,
                       "[sweep] seed: '%s'; expected a whole number from 0 to 2^64-1", e->value);
            break;
        case 5:
            if (es_parse_count(e->value, 1, (uint64_t)1 << 24, &job->chunk))
                es_err(&errs, path, e->line,
                       "[sweep] chunk: '%s'; expected a whole number from 1 to 16777216", e->value);
            break;
        case 6: {
            int s = es_store_find(e->value);
            if (s < 0)
                es_err(&errs, path, e->line,
                       "[sweep] store: '%s'; expected all, outputs or summary", e->value);
            else
                job->store = (es_store_kind)s;
            break;
        }
        case 7:
            output = e->value;
            if (!*output) es_err(&errs, path, e->line, "[sweep] output: expected a file path");
            break;
        default: {
            const char *near = es_nearest(es_sweep_keys, ES_NKEYS(es_sweep_keys), e->key);
            es_err(&errs, path, e->line,
                   "[sweep] %s: unknown key%s%s%s; expected model, scenario, design, samples, "
                   "seed, chunk, store or output",
                   e->key, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
        }
        }
    }
    if (!have_sweep) {
        int near = 0;
        for (size_t i = 0; i < ini.n_sec && !near; i++)
            if (es_edit_distance(ini.sec[i].name, "sweep") <= 2) {
                es_err(&errs, path, ini.sec[i].line,
                       "[%s]: unknown section; did you mean [sweep]? (a job needs a [sweep] "
                       "section with at least 'samples')",
                       ini.sec[i].name);
                near = 1;
            }
        if (!near)
            es_err(&errs, path, 0,
                   len == 0 ? "the file is empty; expected a [sweep] section with at least "
                              "'samples'"
                            : "no [sweep] section; expected one with at least 'samples'");
        goto done;
    }
    if (!samples_line) es_err(&errs, path, 0, "[sweep] has no 'samples'; expected 'samples = N'");

    job->model = es_model_find(model_name);
    if (!job->model) {
        char list[256] = "";
        for (size_t i = 0; es_models[i]; i++) {
            strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
            strncat(list, es_models[i]->name, sizeof list - strlen(list) - 1);
        }
        es_err(&errs, path, model_line, "[sweep] model: unknown model '%s'; expected one of %s",
               model_name, list);
        goto done;
    }
    const es_model *m = job->model;
    if (m->n_inputs > ES_JOB_MAXIN) {
        es_err(&errs, path, model_line, "model %s has too many inputs", m->name);
        goto done;
    }
    for (size_t i = 0; i < m->n_inputs; i++)
        job->value[i] = m->inputs[i].def;

    /* outputs and scenario, relative to the job file */
    const char *stem = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char defout[ES_JOB_PATHMAX];
    snprintf(defout, sizeof defout, "%.*s.h5",
             (int)(strrchr(stem, '.') ? strrchr(stem, '.') - stem : (long)strlen(stem)), stem);
    if (output
            ? es_resolve(job->output, sizeof job->output, path, output)
            : (size_t)snprintf(job->output, sizeof job->output, "%s", defout) >= sizeof job->output)
        es_err(&errs, path, 0, "[sweep] output: path is too long");
    if (scenario && *scenario) {
        if (es_resolve(job->scenario_path, sizeof job->scenario_path, path, scenario)) {
            es_err(&errs, path, 0, "[sweep] scenario: path is too long");
        } else {
            size_t slen;
            if (reader(job->scenario_path, &job->scenario_text, &slen, why, sizeof why, ctx)) {
                int sl = 0;
                for (size_t i = 0; i < ini.n_ent; i++)
                    if (strcmp(ini.ent[i].section, "sweep") == 0 &&
                        strcmp(ini.ent[i].key, "scenario") == 0)
                        sl = ini.ent[i].line;
                es_err(&errs, path, sl,
                       "[sweep] scenario: %s: %s; expected a readable scenario file",
                       job->scenario_path, why);
            } else {
                es_load_scenario(job, job->scenario_path, job->scenario_text, slen, &errs);
            }
        }
    }
    if (!job->scenario_text) {
        job->scenario_text = calloc(1, 1);
        if (!job->scenario_text) es_err(&errs, path, 0, "out of memory");
    }
    /* validate model defaults the scenario kept, for completeness */
    for (size_t i = 0; i < m->n_inputs; i++) {
        char w[96];
        if (job->value_line[i] == 0 &&
            es_model_input_valid(&m->inputs[i], job->value[i], w, sizeof w))
            es_err(&errs, path, 0, "model default of %s %s", m->inputs[i].name, w);
    }

    /* input sections */
    for (size_t i = 0; i < ini.n_sec; i++) {
        const char *sec = ini.sec[i].name;
        if (strcmp(sec, "sweep") == 0 || strcmp(sec, "correlation") == 0) continue;
        int seen = 0; /* a duplicate section was reported already */
        for (size_t j = 0; j < i; j++)
            if (strcmp(ini.sec[j].name, sec) == 0) seen = 1;
        if (!seen) es_load_input_section(job, &ini, sec, ini.sec[i].line, path, &errs);
    }
    for (size_t i = 0; i < m->n_inputs; i++)
        if (job->uncertain[i]) job->unc[job->n_unc++] = (int)i;

    es_load_correlation(job, &ini, path, &errs);

    /* rules that join inputs, over the box every sample stays in */
    if (errs.count == 0 && m->check_box) {
        double lo[ES_JOB_MAXIN], hi[ES_JOB_MAXIN];
        for (size_t i = 0; i < m->n_inputs; i++) {
            if (job->uncertain[i]) {
                es_bound bl, bh;
                es_dist_support(&job->dist[i], &bl, &bh);
                lo[i] = bl.v;
                hi[i] = bh.v;
            } else {
                lo[i] = hi[i] = job->value[i];
            }
        }
        char buf[512];
        const char *msg = m->check_box(lo, hi, buf, sizeof buf);
        if (msg) {
            int line = 0;
            for (size_t k = 0; k < job->n_unc && !line; k++)
                line = job->dist_line[job->unc[k]];
            if (job->n_unc)
                es_err(&errs, path, line, "%s; expected inputs and supports that keep it valid",
                       msg);
            else
                es_err(&errs, job->scenario_path[0] ? job->scenario_path : path, 0,
                       "%s; expected values that keep it valid", msg);
        }
    }

done:
    es_ini_free(&ini);
    if (errs.count) {
        es_job_free(job);
        return errs.count;
    }
    return 0;
}

int es_job_load(es_job *job, const char *path, char *err, size_t errlen)
{
    return es_job_load_with(job, path, es_job_read_file, NULL, err, errlen);
}

void es_job_free(es_job *job)
{
    free(job->job_text);
    free(job->scenario_text);
    job->job_text = job->scenario_text = NULL;
    for (size_t i = 0; i < job->n_scan; i++) {
        free(job->scan[i].values);
        job->scan[i].values = NULL;
    }
    job->n_scan = 0;
}

static uint64_t es_fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

uint64_t es_job_fingerprint(const es_job *job)
{
    uint64_t h = 0xcbf29ce484222325ull;
    const char *mn = job->model ? job->model->name : "";
    h = es_fnv1a(h, mn, strlen(mn) + 1);
    h = es_fnv1a(h, job->job_text, strlen(job->job_text) + 1);
    h = es_fnv1a(h, job->scenario_text, strlen(job->scenario_text) + 1);
    h = es_fnv1a(h, job->design->name, strlen(job->design->name) + 1);
    uint64_t v[4] = {job->seed, 0, job->samples, job->chunk};
    for (int i = 0; i < 4; i++) {
        unsigned char b[8];
        for (int k = 0; k < 8; k++)
            b[k] = (unsigned char)(v[i] >> (8 * k));
        h = es_fnv1a(h, b, 8);
    }
    return h;
}
