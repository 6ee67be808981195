/* src/job.c: job and scenario loading with inih, and every check on them.
 *
 * Reading.  inih splits each line into a key and a value; every other rule
 * of the format is decided here, in one line reader, so that each rule holds
 * in one place for job and scenario files alike (issue 9):
 *  - section names: "[ name ]" is the section "name" (blanks inside the
 *    brackets trimmed).  The reader records the section and hands inih the
 *    canonical "[name]"; the handler takes the section from the reader's
 *    record, never from inih (which would also cut long names at 50
 *    characters), so the checks and the parser cannot disagree on a name;
 *  - comments: ';' or '#' at the start of a line or after a blank starts a
 *    comment.  One inside a value ("x.h5;note") is an error, since it would
 *    otherwise become part of a file name (issue 14);
 *  - leading blanks are removed (inih would join an indented line to the
 *    previous key as a continuation); a line still too long without its
 *    comment is reported instead of being split; NUL and control bytes, and
 *    a byte-order mark anywhere but at the very start, are reported.  Every
 *    message shows bytes outside printable ASCII escaped (\xEF\xBB\xBF);
 *  - a key above the first section is an error.
 * Duplicate sections and keys are found with a hash set, and every later
 * step walks a section's own entries, so loading is linear in the file's
 * size; files above ES_JOB_MAXFILE are refused with their size.
 *
 * Loading.  es_job_load_with runs the phases below in order, each one call
 * that reads the sections it owns and adds its errors to one list, so one
 * run reports every error it can find, each as "file:line: what; expected
 * what". */
#include "job.h"

#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"

#ifndef ECONSWEEP_DATADIR
/* the installed scenarios (share/econsweep/inputs), set by the build; "": none */
#define ECONSWEEP_DATADIR ""
#endif

/* ---- error list ------------------------------------------------------- */

typedef struct {
    char *buf;
    size_t len, used;
    int count;
    int shown; /* the errors whose whole line fits in buf */
} es_errs;

#define ES_ERRS_TAIL 80 /* kept free for the line saying how many are not shown */

static int es_errs_full(const es_errs *e)
{
    return e->used + ES_ERRS_TAIL + 1 >= e->len;
}

/* Append s with every byte outside printable ASCII written as \xHH, so that
 * a byte-order mark or a control byte inside a key shows in the message. */
static void es_errs_put(es_errs *e, const char *s)
{
    for (; *s && e->used + 1 < e->len; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c < 0x7f) {
            e->buf[e->used++] = (char)c;
            continue;
        }
        if (e->used + 5 >= e->len) {
            e->used = e->len - 1;
            break;
        }
        snprintf(e->buf + e->used, 5, "\\x%02X", c);
        e->used += 4;
    }
    e->buf[e->used] = '\0';
}

__attribute__((format(printf, 4, 5))) static void es_err(es_errs *e, const char *file, int line,
                                                         const char *fmt, ...)
{
    e->count++;
    if (es_errs_full(e)) return;
    char msg[8192];
    int n = line > 0 ? snprintf(msg, sizeof msg, "%s:%d: ", file, line)
                     : snprintf(msg, sizeof msg, "%s: ", file);
    if (n < 0) return;
    if ((size_t)n < sizeof msg) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
        va_end(ap);
    }
    /* whole lines only: one that does not fit with the tail's room is left
     * out (and counted by es_errs_close), never cut in the middle */
    size_t at = e->used;
    es_errs_put(e, msg);
    if (e->used + ES_ERRS_TAIL + 2 >= e->len) {
        e->used = at;
        e->buf[at] = '\0';
        return;
    }
    e->buf[e->used++] = '\n';
    e->buf[e->used] = '\0';
    e->shown++;
}

/* The line that says how many errors the list leaves out, if any. */
static void es_errs_close(es_errs *e)
{
    if (e->shown >= e->count || !e->len) return;
    int left = e->count - e->shown;
    snprintf(e->buf + e->used, e->len - e->used, "(%d more error%s not shown)\n", left,
             left == 1 ? "" : "s");
    e->used += strlen(e->buf + e->used);
}

/* ---- INI reading ------------------------------------------------------ */

typedef struct {
    size_t sec; /* its section, an index in es_ini.sec */
    char *key;
    char *value;
    int line;
} es_entry;

typedef struct {
    char *name;
    int line;
    int dup_of;         /* 0, or the line where the same section appeared first */
    size_t first, keys; /* its entries: ent[first .. first + keys) */
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
    int bad_line; /* the last line the reader reported as unreadable */
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

static const char es_bom[] = "\xEF\xBB\xBF";

static int es_has_bom(const char *s, const char *e)
{
    for (; e - s >= 3; s++)
        if (memcmp(s, es_bom, 3) == 0) return 1;
    return 0;
}

static const char es_unreadable[] =
    "cannot read this line; expected '[section]', 'key = value' or a comment";

/* Record a section header seen by the reader. */
static void es_ini_section(es_ini *ini, const char *a, size_t n)
{
    if (es_grow((void **)&ini->sec, &ini->cap_sec, ini->n_sec + 1, sizeof *ini->sec)) {
        ini->oom = 1;
        return;
    }
    es_section *sec = &ini->sec[ini->n_sec];
    sec->name = es_strndup(a, n);
    if (!sec->name) {
        ini->oom = 1;
        return;
    }
    sec->line = ini->line;
    sec->dup_of = 0;
    sec->first = ini->n_ent;
    sec->keys = 0;
    ini->n_sec++;
}

/* inih's line source: one line of the text, cleaned as the file comment says,
 * or "" for a line that holds nothing for inih (blank, comment, or reported). */
static char *es_ini_reader(char *str, int num, void *stream)
{
    es_ini *ini = stream;
    if (ini->p >= ini->end) return NULL;
    ini->line++;
    const char *eol = memchr(ini->p, '\n', (size_t)(ini->end - ini->p));
    const char *s = ini->p, *e = eol ? eol : ini->end;
    ini->p = eol ? eol + 1 : ini->end;
    str[0] = '\0';
    if (memchr(s, '\0', (size_t)(e - s))) {
        es_err(ini->errs, ini->file, ini->line, "the line holds a NUL byte; expected text");
        return str;
    }
    if (ini->line == 1 && e - s >= 3 && memcmp(s, es_bom, 3) == 0)
        s += 3; /* a UTF-8 byte order mark starting the file */
    while (s < e && es_is_blank(*s))
        s++;
    if (e - s >= 3 && memcmp(s, es_bom, 3) == 0) {
        es_err(ini->errs, ini->file, ini->line,
               "a byte-order mark (%s) starts the line; expected one only at the very start of "
               "the file (were two files joined?)",
               es_bom);
        s += 3;
    }
    /* the comment: ';' or '#' at the start or after a blank */
    const char *c = s;
    while (c < e && *c != ';' && *c != '#')
        c++;
    if (c < e && c > s && !es_is_blank(c[-1])) {
        const char *t = e;
        while (t > s && es_is_blank(t[-1]))
            t--;
        es_err(ini->errs, ini->file, ini->line,
               "'%.*s': '%c' inside a value; an inline comment needs a blank before it "
               "('value %c comment'), and a value cannot hold ';' or '#'",
               (int)(t - s), s, *c, *c);
    }
    const char *ce = c;
    while (ce > s && es_is_blank(ce[-1]))
        ce--;
    for (const char *q = s; q < ce; q++)
        if ((unsigned char)*q < 0x20 && *q != '\t') {
            es_err(ini->errs, ini->file, ini->line,
                   "'%.*s': the line holds the control byte %c; expected text", (int)(ce - s), s,
                   *q);
            return str;
        } else if (*q == 0x7f) {
            es_err(ini->errs, ini->file, ini->line,
                   "'%.*s': the line holds the byte %c; expected text", (int)(ce - s), s, *q);
            return str;
        }
    if (es_has_bom(s, ce))
        es_err(ini->errs, ini->file, ini->line,
               "'%.*s': a byte-order mark (%s) inside the file; expected one only at its very "
               "start (were two files joined?)",
               (int)(ce - s), s, es_bom);
    size_t len = (size_t)(ce - s);
    if (len + 2 > (size_t)num) {
        es_err(ini->errs, ini->file, ini->line,
               "the line is longer than %d characters (without its comment); expected a "
               "shorter line",
               num - 2);
        return str;
    }
    if (len == 0) return str;
    if (s[0] == '[') {
        const char *close = memchr(s, ']', len);
        if (!close) {
            es_err(ini->errs, ini->file, ini->line, "%s", es_unreadable);
            ini->bad_line = ini->line;
            return str;
        }
        const char *a = s + 1, *b = close;
        while (a < b && es_is_blank(*a))
            a++;
        while (b > a && es_is_blank(b[-1]))
            b--;
        if (a == b) {
            es_err(ini->errs, ini->file, ini->line, "'%.*s' names no section; expected '[name]'",
                   (int)len, s);
            ini->bad_line = ini->line;
            return str;
        }
        if (close + 1 != ce)
            es_err(ini->errs, ini->file, ini->line,
                   "'%.*s': text after ']'; expected only a comment after a section header",
                   (int)len, s);
        es_ini_section(ini, a, (size_t)(b - a));
        snprintf(str, (size_t)num, "[%.*s]", (int)(b - a), a);
        return str;
    }
    if (!memchr(s, '=', len) && !memchr(s, ':', len)) {
        es_err(ini->errs, ini->file, ini->line, "%s", es_unreadable);
        ini->bad_line = ini->line;
        return str;
    }
    memcpy(str, s, len);
    str[len] = '\0';
    return str;
}

static int es_ini_handler(void *user, const char *section, const char *name, const char *value)
{
    (void)section; /* the reader's record of the section is the one used */
    es_ini *ini = user;
    if (!*name) {
        es_err(ini->errs, ini->file, ini->line, "no key before the '='; expected 'key = value'");
        return 1;
    }
    if (ini->n_sec == 0) {
        es_err(ini->errs, ini->file, ini->line,
               "%s: a key above the first section; expected every key below a '[section]' line",
               name);
        return 1;
    }
    if (es_grow((void **)&ini->ent, &ini->cap_ent, ini->n_ent + 1, sizeof *ini->ent)) {
        ini->oom = 1;
        return 1;
    }
    es_entry *e = &ini->ent[ini->n_ent];
    e->sec = ini->n_sec - 1;
    e->key = es_strndup(name, strlen(name));
    e->value = es_strndup(value, strlen(value));
    e->line = ini->line;
    if (!e->key || !e->value) {
        free(e->key);
        free(e->value);
        ini->oom = 1;
        return 1;
    }
    ini->n_ent++;
    ini->sec[e->sec].keys++;
    return 1;
}

static void es_ini_free(es_ini *ini)
{
    for (size_t i = 0; i < ini->n_ent; i++) {
        free(ini->ent[i].key);
        free(ini->ent[i].value);
    }
    for (size_t i = 0; i < ini->n_sec; i++)
        free(ini->sec[i].name);
    free(ini->ent);
    free(ini->sec);
    memset(ini, 0, sizeof *ini);
}

static const char *es_sec_name(const es_ini *ini, const es_entry *e)
{
    return ini->sec[e->sec].name;
}

/* The first section of this name, or NULL. */
static const es_section *es_ini_find(const es_ini *ini, const char *name)
{
    for (size_t i = 0; i < ini->n_sec; i++)
        if (strcmp(ini->sec[i].name, name) == 0) return &ini->sec[i];
    return NULL;
}

/* ---- a set of (a, b) string pairs, for duplicates in linear time ------- */

typedef struct {
    const char *a, *b;
    int line;
} es_slot;

typedef struct {
    es_slot *slot;
    size_t mask;
} es_set;

/* 64-bit FNV-1a, over a, a separator byte that text cannot hold here, and b */
static uint64_t es_hash_pair(const char *a, const char *b)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *p = (const unsigned char *)a; *p; p++)
        h = (h ^ *p) * 0x100000001b3ull;
    h = (h ^ 0xffu) * 0x100000001b3ull;
    for (const unsigned char *p = (const unsigned char *)b; *p; p++)
        h = (h ^ *p) * 0x100000001b3ull;
    return h;
}

static int es_set_init(es_set *s, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n + 2)
        cap *= 2;
    s->slot = calloc(cap, sizeof *s->slot);
    s->mask = cap - 1;
    return s->slot ? 0 : -1;
}

/* Add (a, b) seen at line: 0, or the line where it was seen first.  Open
 * addressing with linear probing in a table at most half full. */
static int es_set_add(es_set *s, const char *a, const char *b, int line)
{
    for (size_t i = (size_t)es_hash_pair(a, b) & s->mask;; i = (i + 1) & s->mask) {
        es_slot *t = &s->slot[i];
        if (!t->a) {
            t->a = a;
            t->b = b;
            t->line = line;
            return 0;
        }
        if (strcmp(t->a, a) == 0 && strcmp(t->b, b) == 0) return t->line;
    }
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
    if (first_bad > 0 && first_bad != ini->bad_line)
        es_err(errs, file, first_bad, "%s", es_unreadable);
    else if (first_bad < 0)
        es_err(errs, file, 0, "cannot read the file");
    es_set sections, keys;
    if (es_set_init(&sections, ini->n_sec)) {
        es_err(errs, file, 0, "out of memory while reading the file");
        return -1;
    }
    if (es_set_init(&keys, ini->n_ent)) {
        free(sections.slot);
        es_err(errs, file, 0, "out of memory while reading the file");
        return -1;
    }
    for (size_t i = 0; i < ini->n_sec; i++) {
        es_section *sec = &ini->sec[i];
        sec->dup_of = es_set_add(&sections, sec->name, "", sec->line);
        if (sec->dup_of)
            es_err(errs, file, sec->line,
                   "section [%s] appears again (first at line %d); expected each section once",
                   sec->name, sec->dup_of);
    }
    for (size_t i = 0; i < ini->n_ent; i++) {
        const es_entry *e = &ini->ent[i];
        if (ini->sec[e->sec].dup_of) continue; /* the section is reported already */
        int first = es_set_add(&keys, es_sec_name(ini, e), e->key, e->line);
        if (first)
            es_err(errs, file, e->line,
                   "[%s] %s: duplicate key (first set at line %d); expected each key once",
                   es_sec_name(ini, e), e->key, first);
    }
    free(sections.slot);
    free(keys.slot);
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
    /* ERANGE: an overflow (not finite) or an underflow; a subnormal result is
     * a finite number and kept, one that rounds to 0 is refused */
    if (*end != '\0' || end == s || !isfinite(v) || (errno == ERANGE && v == 0)) return -1;
    /* strtod takes hex floats, "inf" and "nan"; a job file takes decimal numbers only */
    for (const char *c = s; *c; c++)
        if (!strchr("0123456789+-.eE", *c)) return -1;
    *x = v;
    return 0;
}

/* The number is read exactly from its digits, never through a double, so that
 * every whole number up to 2^64-1 is accepted in any notation (1e19,
 * 18446744073709551615, 1.8446744073709551615e19).  With the mantissa's
 * digits d_i at powers of ten p_i (after the exponent), the value is whole
 * when the lowest power of a nonzero digit is >= 0, and above 2^64-1 when the
 * highest is >= 20 (10^20 > 2^64); otherwise the at most 20 digits from the
 * first to the last nonzero one, times 10^lowest, are computed with overflow
 * checks. */
int es_parse_whole(const char *s, uint64_t lo, uint64_t hi, uint64_t *out, const char **why)
{
    const char *dummy;
    if (!why) why = &dummy;
    const char *c = s;
    int neg = 0;
    if (*c == '+' || *c == '-') neg = *c++ == '-';
    const char *m0 = c;
    long long nint = 0, nfrac = 0; /* digits before and after the point */
    int dot = 0;
    for (; (*c >= '0' && *c <= '9') || (*c == '.' && !dot); c++) {
        if (*c == '.')
            dot = 1;
        else if (dot)
            nfrac++;
        else
            nint++;
    }
    const char *m1 = c;
    long long ex = 0;
    if (nint + nfrac > 0 && (*c == 'e' || *c == 'E')) {
        c++;
        int eneg = 0;
        if (*c == '+' || *c == '-') eneg = *c++ == '-';
        if (*c < '0' || *c > '9') c = s; /* no exponent digits: not a number */
        for (; *c >= '0' && *c <= '9'; c++)
            if (ex < 1000000000000LL) ex = ex * 10 + (*c - '0');
        if (eneg) ex = -ex;
    }
    if (nint + nfrac == 0 || *c != '\0' || c == s) {
        *why = "is not a number";
        return -1;
    }
    /* powers of ten of the first and last nonzero digits */
    long long pfirst = 0, plast = 0, k = 0;
    int any = 0;
    for (const char *q = m0; q < m1; q++) {
        if (*q == '.') continue;
        long long p = (k < nint ? nint - 1 - k : -(k - nint + 1)) + ex;
        k++;
        if (*q == '0') continue;
        if (!any) pfirst = p;
        plast = p;
        any = 1;
    }
    uint64_t v = 0;
    if (any) {
        if (neg) {
            *why = "is negative";
            return -1;
        }
        if (plast < 0) {
            *why = "is not a whole number";
            return -1;
        }
        if (pfirst >= 20) {
            *why = "is above 2^64-1";
            return -1;
        }
        k = 0;
        for (const char *q = m0; q < m1; q++) {
            if (*q == '.') continue;
            long long p = (k < nint ? nint - 1 - k : -(k - nint + 1)) + ex;
            k++;
            if (p > pfirst || p < plast) continue;
            unsigned d = (unsigned)(*q - '0');
            if (v > (UINT64_MAX - d) / 10) {
                *why = "is above 2^64-1";
                return -1;
            }
            v = v * 10 + d;
        }
        for (long long p = 0; p < plast; p++) {
            if (v > UINT64_MAX / 10) {
                *why = "is above 2^64-1";
                return -1;
            }
            v *= 10;
        }
    }
    if (v < lo || v > hi) {
        *why = v < lo ? "is too small" : "is too large";
        return -1;
    }
    *out = v;
    return 0;
}

int es_parse_count(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    return es_parse_whole(s, lo, hi, out, NULL);
}

/* ---- names ------------------------------------------------------------ */

static const char *const es_store_names[] = {"all", "outputs", "summary"};
/* the sections with a role of their own; every other section names an input */
static const char *const es_job_sections[] = {"sweep", "correlation", "events", "scan", "verify"};
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

/* The closest name within an edit distance of half the name's length, or NULL. */
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

/* "; did you mean 'x'?" or "" */
static const char *es_dym(char *buf, size_t len, const char *near)
{
    if (!near) return "";
    snprintf(buf, len, "; did you mean '%s'?", near);
    return buf;
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

/* A letter or '_', then letters, digits or '_'. */
static int es_is_identifier(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_')) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return 0;
    return 1;
}

/* A model input or output by name: 0, or -1. */
static int es_find_var(const es_model *m, const char *name, es_varref *r)
{
    int i = es_model_output_index(m, name);
    if (i >= 0) {
        *r = (es_varref){1, i};
        return 0;
    }
    i = es_model_input_index(m, name);
    if (i >= 0) {
        *r = (es_varref){0, i};
        return 0;
    }
    return -1;
}

/* The input or output name closest to name, as es_model_nearest_input does
 * for inputs; NULL when none is close. */
static const char *es_nearest_var(const es_model *m, const char *name)
{
    const char *best = NULL;
    size_t bd = (size_t)-1, ln = strlen(name);
    for (size_t i = 0; i < m->n_inputs + m->n_outputs; i++) {
        const char *c = i < m->n_inputs ? m->inputs[i].name : m->outputs[i - m->n_inputs].name;
        size_t d = es_edit_distance(name, c);
        /* a name that starts the same way is a strong hint ("investor_npv") */
        if (ln >= 4 && strncmp(name, c, ln) == 0) d = d < 2 ? d : 2;
        if (d < bd) {
            bd = d;
            best = c;
        }
    }
    return (best && bd <= 1 + ln / 2) ? best : NULL;
}

static int es_ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

/* dir of base_file + rel, unless rel is absolute */
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
    /* read at most one byte past the cap, to know a file is larger */
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf && n <= ES_JOB_MAXFILE) {
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t want = cap - 1 - n;
        if (want > ES_JOB_MAXFILE + 1 - n) want = ES_JOB_MAXFILE + 1 - n;
        size_t got = fread(buf + n, 1, want, f);
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
    if (n > ES_JOB_MAXFILE) {
        snprintf(err, errlen,
                 "file is larger than %zu MiB; expected a job or scenario file, which is small "
                 "text",
                 ES_JOB_MAXFILE >> 20);
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
    snprintf(err, errlen, "cannot open: %s", strerror(ENOENT));
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

/* ---- the loader's state ----------------------------------------------- */

typedef struct {
    es_job *job;
    const char *path; /* the job file */
    es_job_reader reader;
    void *ctx;
    es_errs errs;
    es_ini ini;
    size_t len;        /* bytes of the job file */
    const es_model *m; /* NULL until the model is known */
    /* [sweep] as read: values and the lines that set them (0: absent) */
    const char *model_name, *scenario, *output;
    int sweep_line, model_line, design_line, base_line, scramble_line, samples_line;
    int sec_line[ES_JOB_MAXIN]; /* the line of input i's section, 0 when none */
} es_load;

static int es_design_is(const es_design_type *d, const char *name)
{
    return d && strcmp(d->name, name) == 0;
}

/* "sobol, lhs or mc": the designs that may serve as saltelli's base */
static const char *es_base_list(void)
{
    static char list[256];
    if (list[0]) return list;
    size_t n = 0;
    const es_design_type *ok[16];
    for (size_t i = 0; es_designs[i] && n < 16; i++)
        if (es_designs[i]->base_ok) ok[n++] = es_designs[i];
    for (size_t i = 0; i < n; i++) {
        strncat(list, i == 0 ? "" : (i + 1 == n ? " or " : ", "), sizeof list - strlen(list) - 1);
        strncat(list, ok[i]->name, sizeof list - strlen(list) - 1);
    }
    if (!list[0]) snprintf(list, sizeof list, "(none in this build)");
    return list;
}

/* ---- [sweep]: one handler per key ------------------------------------ */

typedef void (*es_key_fn)(es_load *L, const es_entry *e);

/* A whole number for key e in [lo, hi]; range names the range for messages. */
static int es_key_whole(es_load *L, const es_entry *e, uint64_t lo, uint64_t hi, const char *range,
                        uint64_t *out)
{
    const char *why;
    if (es_parse_whole(e->value, lo, hi, out, &why) == 0) return 0;
    es_err(&L->errs, L->path, e->line, "[sweep] %s: '%s' %s; expected %s (1e6 is accepted)", e->key,
           e->value, why, range);
    return -1;
}

static void es_key_model(es_load *L, const es_entry *e)
{
    L->model_name = e->value;
    L->model_line = e->line;
}

static void es_key_scenario(es_load *L, const es_entry *e)
{
    L->scenario = e->value;
    L->job->scenario_line = e->line;
    if (!*e->value)
        es_err(&L->errs, L->path, e->line,
               "[sweep] scenario: expected a scenario's name or a file path");
}

static void es_key_design(es_load *L, const es_entry *e)
{
    L->design_line = e->line;
    const es_design_type *d = es_design_find(e->value);
    if (!d)
        es_err(&L->errs, L->path, e->line, "[sweep] design: unknown design '%s'; expected %s",
               e->value, es_design_list());
    else
        L->job->design = d;
}

static void es_key_base(es_load *L, const es_entry *e)
{
    L->base_line = e->line;
    const es_design_type *d = es_design_find(e->value);
    if (!d || !d->base_ok)
        es_err(&L->errs, L->path, e->line,
               "[sweep] base: %s '%s'%s; expected %s (the design of saltelli's base points)",
               d ? "design" : "unknown design", e->value,
               d ? " cannot serve as saltelli's base" : "", es_base_list());
    else
        L->job->base = d;
}

static void es_key_scramble(es_load *L, const es_entry *e)
{
    L->scramble_line = e->line;
    if (strcmp(e->value, "none") == 0)
        L->job->scramble = 0;
    else if (strcmp(e->value, "shift") == 0)
        L->job->scramble = 1;
    else
        es_err(&L->errs, L->path, e->line, "[sweep] scramble: '%s'; expected none or shift",
               e->value);
}

static void es_key_samples(es_load *L, const es_entry *e)
{
    L->samples_line = e->line;
    L->job->samples_line = e->line;
    es_key_whole(L, e, 1, (uint64_t)1 << 53, "a whole number from 1 to 2^53", &L->job->samples);
}

static void es_key_sens_samples(es_load *L, const es_entry *e)
{
    es_key_whole(L, e, 1, (uint64_t)1 << 53, "a whole number from 1 to 2^53",
                 &L->job->sens_samples);
}

static void es_key_seed(es_load *L, const es_entry *e)
{
    es_key_whole(L, e, 0, UINT64_MAX, "a whole number from 0 to 2^64-1", &L->job->seed);
}

static void es_key_chunk(es_load *L, const es_entry *e)
{
    L->job->chunk_line = e->line;
    es_key_whole(L, e, 0, (uint64_t)1 << 24,
                 "0 (automatic) or a whole number of samples from 1 to 16777216", &L->job->chunk);
}

static void es_key_store(es_load *L, const es_entry *e)
{
    int s = es_store_find(e->value);
    if (s < 0)
        es_err(&L->errs, L->path, e->line, "[sweep] store: '%s'; expected all, outputs or summary",
               e->value);
    else
        L->job->store = (es_store_kind)s;
}

static void es_key_output(es_load *L, const es_entry *e)
{
    L->output = e->value;
    L->job->output_line = e->line;
    if (!*e->value) es_err(&L->errs, L->path, e->line, "[sweep] output: expected a file path");
}

static const struct {
    const char *key;
    es_key_fn fn;
} es_sweep_keys[] = {
    {"model", es_key_model},
    {"scenario", es_key_scenario},
    {"design", es_key_design},
    {"base", es_key_base},
    {"scramble", es_key_scramble},
    {"samples", es_key_samples},
    {"sensitivity_samples", es_key_sens_samples},
    {"seed", es_key_seed},
    {"chunk", es_key_chunk},
    {"store", es_key_store},
    {"output", es_key_output},
};

static void es_sweep_unknown(es_load *L, const es_entry *e)
{
    const char *names[ES_NKEYS(es_sweep_keys)];
    char list[512] = "";
    for (size_t i = 0; i < ES_NKEYS(es_sweep_keys); i++) {
        names[i] = es_sweep_keys[i].key;
        strncat(list, i == 0 ? "" : (i + 1 == ES_NKEYS(es_sweep_keys) ? " or " : ", "),
                sizeof list - strlen(list) - 1);
        strncat(list, names[i], sizeof list - strlen(list) - 1);
    }
    const char *near = es_errs_full(&L->errs) ? NULL : es_nearest(names, ES_NKEYS(names), e->key);
    es_err(&L->errs, L->path, e->line, "[sweep] %s: unknown key%s%s%s; expected %s", e->key,
           near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "", list);
}

/* ---- phases ----------------------------------------------------------- */

/* Read and parse the job file; the job's defaults.  -1: nothing to check. */
static int es_load_open(es_load *L)
{
    es_job *job = L->job;
    if ((size_t)snprintf(job->path, sizeof job->path, "%s", L->path) >= sizeof job->path) {
        es_err(&L->errs, L->path, 0, "path is too long");
        return -1;
    }
    char why[256];
    if (L->reader(L->path, &job->job_text, &L->len, why, sizeof why, L->ctx)) {
        es_err(&L->errs, L->path, 0, "%s; expected a readable job file", why);
        return -1;
    }
    if (L->len > ES_JOB_MAXFILE) {
        es_err(&L->errs, L->path, 0,
               "the file has %zu bytes; expected a job file of at most %zu MiB", L->len,
               ES_JOB_MAXFILE >> 20);
        return -1;
    }
    job->design = &es_design_mc;
    job->base = es_design_find("sobol");
    job->sens_samples = 131072;
    job->seed = 1;
    job->chunk = 0; /* automatic: the plan chooses */
    job->store = ES_STORE_ALL;
    L->model_name = "compute_economics";
    if (es_ini_parse(&L->ini, L->path, job->job_text, L->len, &L->errs)) return -1;
    return 0;
}

/* [sweep]: every key through its handler.  -1 when there is no [sweep]. */
static int es_load_sweep(es_load *L)
{
    const es_section *sec = es_ini_find(&L->ini, "sweep");
    if (!sec) {
        for (size_t i = 0; i < L->ini.n_sec; i++)
            if (es_edit_distance(L->ini.sec[i].name, "sweep") <= 2) {
                es_err(&L->errs, L->path, L->ini.sec[i].line,
                       "[%s]: unknown section; did you mean [sweep]? (a job needs a [sweep] "
                       "section with at least 'samples')",
                       L->ini.sec[i].name);
                return -1;
            }
        es_err(&L->errs, L->path, 0,
               L->len == 0 ? "the file is empty; expected a [sweep] section with at least "
                             "'samples'"
                           : "no [sweep] section; expected one with at least 'samples'");
        return -1;
    }
    L->sweep_line = sec->line;
    for (size_t i = sec->first; i < sec->first + sec->keys; i++) {
        const es_entry *e = &L->ini.ent[i];
        size_t k = 0;
        while (k < ES_NKEYS(es_sweep_keys) && strcmp(es_sweep_keys[k].key, e->key) != 0)
            k++;
        if (k < ES_NKEYS(es_sweep_keys))
            es_sweep_keys[k].fn(L, e);
        else
            es_sweep_unknown(L, e);
    }
    if (!L->samples_line && !es_design_is(L->job->design, "grid"))
        es_err(&L->errs, L->path, sec->line, "[sweep] has no 'samples'; expected 'samples = N'");
    return 0;
}

/* The model, and every input at its default.  -1 when it is unknown. */
static int es_load_model(es_load *L)
{
    es_job *job = L->job;
    job->model = es_model_find(L->model_name);
    if (!job->model) {
        char list[256] = "";
        for (size_t i = 0; es_models[i]; i++) {
            strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
            strncat(list, es_models[i]->name, sizeof list - strlen(list) - 1);
        }
        es_err(&L->errs, L->path, L->model_line,
               "[sweep] model: unknown model '%s'; expected one of %s", L->model_name, list);
        return -1;
    }
    L->m = job->model;
    if (L->m->n_inputs > ES_JOB_MAXIN) {
        es_err(&L->errs, L->path, L->model_line, "model %s has too many inputs", L->m->name);
        return -1;
    }
    for (size_t i = 0; i < L->m->n_inputs; i++)
        job->value[i] = L->m->inputs[i].def;
    return 0;
}

/* The output path.  A relative path is relative to the current folder, as for
 * any command-line tool, and no longer to the job file's folder (issue 14): an
 * installed job lives in a read-only share/econsweep/jobs, and a job copied
 * elsewhere must write where it is run, not beside the original. */
static void es_load_output(es_load *L)
{
    es_job *job = L->job;
    if (L->output) {
        if ((size_t)snprintf(job->output, sizeof job->output, "%s", L->output) >=
            sizeof job->output)
            es_err(&L->errs, L->path, job->output_line, "[sweep] output: path is too long");
        return;
    }
    /* no output key: the job file's stem, in the current folder */
    const char *stem = strrchr(L->path, '/') ? strrchr(L->path, '/') + 1 : L->path;
    const char *dot = strrchr(stem, '.');
    snprintf(job->output, sizeof job->output, "%.*s.h5",
             (int)(dot ? dot - stem : (long)strlen(stem)), stem);
}

static int es_text_section(const char *line, size_t len, char *name, size_t nlen);

/* Does the text have a [sweep] section (blanks inside the brackets allowed,
 * as the job reader allows them), as a job file has and a scenario never
 * does? */
static int es_text_is_job(const char *text, size_t len)
{
    for (size_t i = 0; i < len;) {
        const char *eol = memchr(text + i, '\n', len - i);
        size_t ll = eol ? (size_t)(eol - (text + i)) : len - i;
        char name[16];
        if (es_text_section(text + i, ll, name, sizeof name) && strcmp(name, "sweep") == 0)
            return 1;
        i += ll + 1;
    }
    return 0;
}

/* Read one candidate scenario file: 0 found; -1 not there (or a job file,
 * which a scenario's name never means: jobs/mine.ini naming the scenario
 * "mine" finds itself first); -2 there but unreadable (the reason in why). */
static int es_try_scenario(es_load *L, const char *dir, const char *file, size_t *len, char *why,
                           size_t whylen)
{
    es_job *job = L->job;
    char cand[ES_JOB_PATHMAX];
    if ((size_t)snprintf(cand, sizeof cand, "%s/%s", dir, file) >= sizeof cand) return -1;
    char r[256];
    if (L->reader(cand, &job->scenario_text, len, r, sizeof r, L->ctx) == 0) {
        if (es_text_is_job(job->scenario_text, *len)) {
            free(job->scenario_text);
            job->scenario_text = NULL;
            return -1;
        }
        snprintf(job->scenario_path, sizeof job->scenario_path, "%s", cand);
        return 0;
    }
    if (strstr(r, strerror(ENOENT)) || strstr(r, strerror(ENOTDIR))) return -1;
    snprintf(why, whylen, "%s: %s", cand, r);
    return -2;
}

/* Find and read the scenario the job names (issue 14).  A value with a '/' is
 * a path, relative to the job file's folder unless absolute.  A bare name
 * ("openai_amazon_2026", ".ini" optional) is looked up next to the job file,
 * then in the inputs folder beside the job's folder (../inputs: the layout of
 * both the source tree and the installed share/econsweep), then among the
 * installed scenarios (ECONSWEEP_DATADIR), then in each folder of
 * ECONSWEEP_PATH (colon-separated), and the first file found wins. */
static int es_find_scenario(es_load *L, const char *name, size_t *len)
{
    es_job *job = L->job;
    int line = job->scenario_line;
    char why[ES_JOB_PATHMAX + 300] = "";
    if (strchr(name, '/')) {
        if (es_resolve(job->scenario_path, sizeof job->scenario_path, L->path, name)) {
            es_err(&L->errs, L->path, line, "[sweep] scenario: path is too long");
            job->scenario_path[0] = '\0';
            return -1;
        }
        char r[256];
        if (L->reader(job->scenario_path, &job->scenario_text, len, r, sizeof r, L->ctx) == 0)
            return 0;
        es_err(&L->errs, L->path, line,
               "[sweep] scenario: %s: %s; expected a readable scenario file", job->scenario_path,
               r);
        job->scenario_path[0] = '\0';
        return -1;
    }
    char file[ES_JOB_PATHMAX];
    if ((size_t)snprintf(file, sizeof file, "%s%s", name,
                         es_ends_with(name, ".ini") ? "" : ".ini") >= sizeof file) {
        es_err(&L->errs, L->path, line, "[sweep] scenario: name is too long");
        return -1;
    }
    char dir[ES_JOB_PATHMAX];
    const char *slash = strrchr(L->path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - L->path) : 1, slash ? L->path : ".");
    int rc = es_try_scenario(L, dir, file, len, why, sizeof why);
    char beside[ES_JOB_PATHMAX + 16];
    snprintf(beside, sizeof beside, "%s/../inputs", dir);
    if (rc == -1) rc = es_try_scenario(L, beside, file, len, why, sizeof why);
    const char *datadir = ECONSWEEP_DATADIR; /* empty: no installed scenarios */
    if (rc == -1 && datadir[0]) rc = es_try_scenario(L, datadir, file, len, why, sizeof why);
    const char *env = getenv("ECONSWEEP_PATH");
    for (const char *p = env; rc == -1 && p && *p;) {
        const char *colon = strchr(p, ':');
        size_t n = colon ? (size_t)(colon - p) : strlen(p);
        if (n > 0 && n < ES_JOB_PATHMAX) {
            char d[ES_JOB_PATHMAX];
            snprintf(d, sizeof d, "%.*s", (int)n, p);
            rc = es_try_scenario(L, d, file, len, why, sizeof why);
        }
        p = colon ? colon + 1 : p + n;
    }
    if (rc == 0) return 0;
    if (rc == -2)
        es_err(&L->errs, L->path, line, "[sweep] scenario: %s; expected a readable scenario file",
               why);
    else
        es_err(&L->errs, L->path, line,
               "[sweep] scenario: no scenario '%s' (%s) next to the job (in %s), in "
               "%s/../inputs, among the installed scenarios (%s) or in ECONSWEEP_PATH (%s) "
               "(job files, with a [sweep] section, are passed over); expected a scenario's "
               "name or a path with a '/' (relative to the job file)",
               name, file, dir, dir,
               ECONSWEEP_DATADIR[0] ? ECONSWEEP_DATADIR : "none in this build",
               env ? env : "not set");
    return -1;
}

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

/* The scenario file's values: every key an input of the model, set once. */
static void es_read_scenario(es_job *job, const char *spath, const char *text, size_t len,
                             es_errs *errs)
{
    if (len > ES_JOB_MAXFILE) {
        es_err(errs, spath, 0, "the file has %zu bytes; expected a scenario of at most %zu MiB",
               len, ES_JOB_MAXFILE >> 20);
        return;
    }
    es_ini ini;
    if (es_ini_parse(&ini, spath, text, len, errs)) {
        es_ini_free(&ini);
        return;
    }
    const es_model *m = job->model;
    if (ini.n_ent == 0 && ini.n_sec == 0)
        es_err(errs, spath, 0,
               "the scenario %s; expected input values ('name = value' below a '[section]' line), "
               "or no scenario key in the job to use the model's defaults",
               len == 0 ? "file is empty" : "holds only comments");
    for (size_t i = 0; i < ini.n_ent; i++) {
        const es_entry *e = &ini.ent[i];
        const char *sec = es_sec_name(&ini, e);
        int idx = es_model_input_index(m, e->key);
        if (idx < 0) {
            const char *near = es_errs_full(errs) ? NULL : es_model_nearest_input(m, e->key);
            if (near)
                es_err(errs, spath, e->line,
                       "[%s] %s: not an input of model %s; did you mean '%s'?", sec, e->key,
                       m->name, near);
            else
                es_err(errs, spath, e->line,
                       "[%s] %s: not an input of model %s; expected one of its inputs (see "
                       "'econsweep check')",
                       sec, e->key, m->name);
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

/* The scenario's values, and a check of the model defaults it keeps. */
static void es_load_scenario(es_load *L)
{
    es_job *job = L->job;
    size_t slen = 0;
    if (L->scenario && *L->scenario && es_find_scenario(L, L->scenario, &slen) == 0)
        es_read_scenario(job, job->scenario_path, job->scenario_text, slen, &L->errs);
    if (!job->scenario_text) {
        job->scenario_text = calloc(1, 1);
        if (!job->scenario_text) es_err(&L->errs, L->path, 0, "out of memory");
    }
    for (size_t i = 0; i < L->m->n_inputs; i++) {
        char w[96];
        if (job->value_line[i] == 0 &&
            es_model_input_valid(&L->m->inputs[i], job->value[i], w, sizeof w))
            es_err(&L->errs, L->path, 0, "model default of %s %s", L->m->inputs[i].name, w);
    }
}

/* The most extreme unit coordinates a design gives (es_design_phi clamps the
 * copula to them; mc, lhs, sobol and the grid stay inside them), and the
 * middle.  A distribution whose quantile there is not finite, or outside the
 * input's valid range, would give such values in a run (issue 9: the
 * quantile of triangular(low=1, mode=1e200, high=1e300) overflows to -inf,
 * lognormal(median=5e11, sigma=500) underflows to 0). */
static const struct {
    double u;
    const char *text;
} es_u_probe[] = {{0x1.0p-54, "2^-54"}, {0.5, "0.5"}, {1 - 0x1.0p-53, "1 - 2^-53"}};

static int es_check_quantiles(es_load *L, const char *sec, const es_dist *d, int dist_line,
                              const es_input_info *in)
{
    for (size_t k = 0; k < ES_NKEYS(es_u_probe); k++) {
        double x = es_dist_quantile(d, es_u_probe[k].u);
        char rule[96];
        if (es_model_input_valid(in, x, rule, sizeof rule) == 0) continue;
        char desc[160];
        es_dist_describe(d, desc, sizeof desc);
        es_err(&L->errs, L->path, dist_line,
               "[%s] dist: %s gives %s = %g at the unit coordinate u = %s (the design's "
               "extreme), but %s %s; expected parameters whose quantiles stay finite and "
               "inside the valid range",
               sec, desc, sec, x, es_u_probe[k].text, sec, rule);
        return -1;
    }
    return 0;
}

/* An input's section: its distribution, and its grid levels. */
static void es_load_input_section(es_load *L, const es_section *s)
{
    es_job *job = L->job;
    const es_model *m = L->m;
    const char *sec = s->name;
    int idx = es_model_input_index(m, sec);
    if (idx < 0) {
        const char *near = es_nearest(es_job_sections, ES_NKEYS(es_job_sections), sec);
        if (near && es_edit_distance(sec, near) <= 2) {
            es_err(&L->errs, L->path, s->line,
                   "[%s]: unknown section; did you mean [%s]? (sections are sweep, correlation, "
                   "events, scan, verify or an input name)",
                   sec, near);
            return;
        }
        near = es_errs_full(&L->errs) ? NULL : es_model_nearest_input(m, sec);
        if (near)
            es_err(&L->errs, L->path, s->line,
                   "[%s]: not an input of model %s; did you mean [%s]? (sections are sweep, "
                   "correlation, events, scan, verify or an input name)",
                   sec, m->name, near);
        else
            es_err(&L->errs, L->path, s->line,
                   "[%s]: unknown section; expected [sweep], [correlation], [events], [scan], "
                   "[verify] or an input of model %s",
                   sec, m->name);
        return;
    }
    L->sec_line[idx] = s->line;
    const char *names[ES_DIST_MAXPAR + 4];
    double values[ES_DIST_MAXPAR + 4];
    int lines[ES_DIST_MAXPAR + 4];
    size_t np = 0;
    int kind = -1, dist_line = 0, bad_values = 0;
    const char *kind_name = NULL;
    for (size_t i = s->first; i < s->first + s->keys; i++) {
        const es_entry *e = &L->ini.ent[i];
        if (strcmp(e->key, "dist") == 0) {
            dist_line = e->line;
            kind_name = e->value;
            kind = es_dist_kind_find(e->value);
            if (kind < 0) {
                es_err(&L->errs, L->path, e->line,
                       "[%s] dist: unknown distribution '%s'; expected one of %s", sec, e->value,
                       es_dist_kind_list());
                return;
            }
            continue;
        }
        if (strcmp(e->key, "levels") == 0) {
            uint64_t k;
            const char *why;
            if (!es_design_is(job->design, "grid"))
                es_err(&L->errs, L->path, e->line,
                       "[%s] levels: only design = grid takes levels (this job's design is %s)",
                       sec, job->design->name);
            else if (es_parse_whole(e->value, 1, UINT32_MAX, &k, &why))
                es_err(&L->errs, L->path, e->line,
                       "[%s] levels: '%s' %s; expected a whole number of grid levels from 1 to "
                       "4294967295",
                       sec, e->value, why);
            else
                job->levels[idx] = (uint32_t)k;
            continue;
        }
        if (np == ES_DIST_MAXPAR + 4) {
            es_err(&L->errs, L->path, e->line, "[%s] %s: too many parameters; expected at most %d",
                   sec, e->key, ES_DIST_MAXPAR);
            return;
        }
        names[np] = e->key;
        lines[np] = e->line;
        if (es_parse_double(e->value, &values[np])) {
            es_err(&L->errs, L->path, e->line,
                   "[%s] %s: '%s' is not a finite decimal number; expected one", sec, e->key,
                   e->value);
            bad_values = 1;
        }
        np++;
    }
    if (kind < 0) {
        es_err(&L->errs, L->path, s->line,
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
        es_err(&L->errs, L->path, line, "[%s] %s: %s", sec, key, why);
        return;
    }
    const es_input_info *in = &m->inputs[idx];
    es_bound lo, hi;
    es_dist_support(&d, &lo, &hi);
    if (in->whole && kind != ES_DIST_CONSTANT) {
        es_err(&L->errs, L->path, dist_line,
               "[%s] dist: %s takes whole numbers only; expected 'dist = constant' (vary it with a "
               "[scan] list of whole values)",
               sec, sec);
        return;
    }
    if (kind == ES_DIST_CONSTANT) { /* one value: the scenario's rules apply to it */
        char rule[96];
        if (es_model_input_valid(in, d.p[0], rule, sizeof rule)) {
            es_err(&L->errs, L->path, lines[0], "[%s] value = %g: %s %s", sec, d.p[0], sec, rule);
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
        es_err(&L->errs, L->path, dist_line,
               "[%s] dist: %s can give %s = %g, but %s must be %s %g%s", sec, kind_name, sec, b->v,
               sec, low_side ? (incl ? ">=" : ">") : (incl ? "<=" : "<"), bound, fix);
        return;
    }
    if (es_check_quantiles(L, sec, &d, dist_line, in)) return;
    job->uncertain[idx] = 1;
    job->dist[idx] = d;
    job->dist_line[idx] = dist_line;
}

/* Every section that names an input; then the list of uncertain inputs. */
static void es_load_inputs(es_load *L)
{
    for (size_t i = 0; i < L->ini.n_sec; i++) {
        const es_section *s = &L->ini.sec[i];
        if (s->dup_of || es_find_name(es_job_sections, ES_NKEYS(es_job_sections), s->name) >= 0)
            continue;
        es_load_input_section(L, s);
    }
    es_job *job = L->job;
    for (size_t i = 0; i < L->m->n_inputs; i++)
        if (job->uncertain[i]) job->unc[job->n_unc++] = (int)i;
}

/* "1st", "2nd", ... for messages */
static const char *es_ordinal(size_t k, char *buf, size_t len)
{
    const char *suf =
        (k % 100 >= 11 && k % 100 <= 13)
            ? "th"
            : (k % 10 == 1 ? "st" : (k % 10 == 2 ? "nd" : (k % 10 == 3 ? "rd" : "th")));
    snprintf(buf, len, "%zu%s", k, suf);
    return buf;
}

/* The values of one [scan] line: "v1 v2 v3" or "a to b step s" (b included
 * when a whole number of steps reaches it within rounding: the last value is
 * then b itself).  Each value must be valid for the input.  0, or -1. */
static int es_scan_values(es_load *L, const es_entry *e, const es_input_info *in, es_scan *sc)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", e->value);
    char *tok[128];
    size_t nt = 0;
    char *save = NULL;
    for (char *p = strtok_r(buf, " \t", &save); p; p = strtok_r(NULL, " \t", &save)) {
        if (nt == ES_NKEYS(tok)) {
            es_err(&L->errs, L->path, e->line,
                   "[scan] %s: more than %zu values in a list; expected 'a to b step s' for "
                   "long ranges",
                   e->key, ES_NKEYS(tok));
            return -1;
        }
        tok[nt++] = p;
    }
    int range = 0;
    for (size_t i = 0; i < nt; i++)
        if (strcmp(tok[i], "to") == 0 || strcmp(tok[i], "step") == 0) range = 1;
    static const char form[] = "expected a list of values ('40 80 120') or 'a to b step s' "
                               "('40 to 160 step 20')";
    if (nt == 0) {
        es_err(&L->errs, L->path, e->line, "[scan] %s: no values; %s", e->key, form);
        return -1;
    }
    double a, b, st;
    size_t n = nt;
    if (range) {
        if (nt != 5 || strcmp(tok[1], "to") != 0 || strcmp(tok[3], "step") != 0) {
            es_err(&L->errs, L->path, e->line, "[scan] %s: '%s'; %s", e->key, e->value, form);
            return -1;
        }
        const char *bad = es_parse_double(tok[0], &a)    ? tok[0]
                          : es_parse_double(tok[2], &b)  ? tok[2]
                          : es_parse_double(tok[4], &st) ? tok[4]
                                                         : NULL;
        if (bad) {
            es_err(&L->errs, L->path, e->line, "[scan] %s: '%s' is not a finite decimal number; %s",
                   e->key, bad, form);
            return -1;
        }
        if (!(st > 0)) {
            es_err(&L->errs, L->path, e->line, "[scan] %s: step %g; expected a step > 0", e->key,
                   st);
            return -1;
        }
        if (b < a) {
            es_err(&L->errs, L->path, e->line, "[scan] %s: %g to %g; expected a to b with b >= a",
                   e->key, a, b);
            return -1;
        }
        double q = (b - a) / st;
        if (!(q < ES_JOB_MAXSCANVALUES)) {
            es_err(&L->errs, L->path, e->line,
                   "[scan] %s: %g to %g step %g gives more than %d values; expected at most %d",
                   e->key, a, b, st, ES_JOB_MAXSCANVALUES, ES_JOB_MAXSCANVALUES);
            return -1;
        }
        n = (size_t)floor(q + 1e-9) + 1;
    }
    double *v = malloc(n * sizeof *v);
    if (!v) {
        es_err(&L->errs, L->path, e->line, "[scan] %s: out of memory", e->key);
        return -1;
    }
    for (size_t k = 0; k < n; k++) {
        if (range) {
            v[k] = a + (double)k * st;
            if (k + 1 == n && fabs(v[k] - b) <= 1e-9 * st) v[k] = b;
        } else if (es_parse_double(tok[k], &v[k])) {
            es_err(&L->errs, L->path, e->line, "[scan] %s: '%s' is not a finite decimal number; %s",
                   e->key, tok[k], form);
            free(v);
            return -1;
        }
        char rule[96], ord[32];
        if (es_model_input_valid(in, v[k], rule, sizeof rule)) {
            es_err(&L->errs, L->path, e->line, "[scan] %s: the %s value, %g: %s %s", e->key,
                   es_ordinal(k + 1, ord, sizeof ord), v[k], e->key, rule);
            free(v);
            return -1;
        }
        for (size_t j = 0; !range && j < k; j++)
            if (v[j] == v[k]) {
                es_err(&L->errs, L->path, e->line,
                       "[scan] %s: the value %g appears twice; expected each value once", e->key,
                       v[k]);
                free(v);
                return -1;
            }
    }
    sc->values = v;
    sc->n = n;
    return 0;
}

/* [scan]: one to three inputs, each with its values. */
static void es_load_scan(es_load *L)
{
    const es_section *s = es_ini_find(&L->ini, "scan");
    if (!s) return;
    es_job *job = L->job;
    const es_model *m = L->m;
    if (s->keys == 0)
        es_err(&L->errs, L->path, s->line,
               "[scan] is empty; expected one to three lines 'input = values'");
    for (size_t i = s->first; i < s->first + s->keys; i++) {
        const es_entry *e = &L->ini.ent[i];
        int idx = es_model_input_index(m, e->key);
        char dym[128];
        if (idx < 0) {
            es_err(&L->errs, L->path, e->line, "[scan] %s: not an input of model %s%s", e->key,
                   m->name, es_dym(dym, sizeof dym, es_model_nearest_input(m, e->key)));
            continue;
        }
        if (job->uncertain[idx]) {
            es_err(&L->errs, L->path, e->line,
                   "[scan] %s: %s has a distribution too (section [%s] at line %d); expected "
                   "either a scan or a distribution for it",
                   e->key, e->key, e->key, L->sec_line[idx]);
            continue;
        }
        if (job->n_scan == ES_JOB_MAXSCAN) {
            es_err(&L->errs, L->path, e->line,
                   "[scan] %s: a fourth scanned input; expected one to three (the cells are the "
                   "product of the lists)",
                   e->key);
            continue;
        }
        es_scan sc = {.input = idx, .line = e->line};
        if (es_scan_values(L, e, &m->inputs[idx], &sc)) continue;
        job->scan[job->n_scan++] = sc;
    }
}

/* The grid: every uncertain input's levels, and samples as their product. */
static void es_load_grid(es_load *L)
{
    es_job *job = L->job;
    uint64_t prod = 1;
    char text[512] = "";
    int ok = 1;
    for (size_t k = 0; k < job->n_unc; k++) {
        int i = job->unc[k];
        const char *name = L->m->inputs[i].name;
        if (!job->levels[i] && job->dist[i].kind == ES_DIST_CONSTANT)
            job->levels[i] = 1; /* one value: one level */
        if (!job->levels[i]) {
            es_err(&L->errs, L->path, L->sec_line[i],
                   "[%s]: design = grid needs 'levels = K' in every uncertain input's section",
                   name);
            ok = 0;
            continue;
        }
        if (!ok) continue;
        if (prod > ((uint64_t)1 << 53) / job->levels[i]) {
            es_err(&L->errs, L->path, L->sec_line[i],
                   "[%s] levels: the grid has more than 2^53 points; expected fewer levels", name);
            ok = 0;
            continue;
        }
        prod *= job->levels[i];
        char t[96];
        snprintf(t, sizeof t, "%s%u (%s)", k ? " x " : "", job->levels[i], name);
        strncat(text, t, sizeof text - strlen(text) - 1);
    }
    if (!ok) return;
    if (L->samples_line && job->samples != prod)
        es_err(&L->errs, L->path, L->samples_line,
               "[sweep] samples = %llu, but the grid's levels give %s = %llu points; expected "
               "samples = %llu or no samples key (a grid's size is the product of its levels)",
               (unsigned long long)job->samples, job->n_unc ? text : "(no inputs) 1",
               (unsigned long long)prod, (unsigned long long)prod);
    job->samples = prod;
}

/* Rules between the design and the rest: base, scramble, the grid. */
static void es_load_design(es_load *L)
{
    es_job *job = L->job;
    const char *dn = job->design->name;
    int saltelli = es_design_is(job->design, "saltelli");
    if (L->base_line && !saltelli)
        es_err(&L->errs, L->path, L->base_line,
               "[sweep] base: only design = saltelli has a base design (this job's design is %s)",
               dn);
    if (saltelli && !job->base)
        es_err(&L->errs, L->path, L->design_line,
               "[sweep] design: saltelli needs a base design; expected 'base = ' %s",
               es_base_list());
    int sobol_points =
        es_design_is(job->design, "sobol") || (saltelli && es_design_is(job->base, "sobol"));
    if (L->scramble_line && !sobol_points)
        es_err(&L->errs, L->path, L->scramble_line,
               "[sweep] scramble: only Sobol points are scrambled (design = sobol, or saltelli "
               "with base = sobol); this job's design is %s%s%s",
               dn, saltelli ? " with base = " : "", saltelli && job->base ? job->base->name : "");
    if (es_design_is(job->design, "grid")) es_load_grid(L);
}

/* [correlation]: pairs of uncertain inputs with a rank correlation, that the
 * design's copula can take together. */
static void es_load_correlation(es_load *L)
{
    const es_section *s = es_ini_find(&L->ini, "correlation");
    if (!s) return;
    es_job *job = L->job;
    const es_model *m = L->m;
    if (s->keys && !job->design->correlations) {
        char list[256] = "";
        for (size_t i = 0; es_designs[i]; i++)
            if (es_designs[i]->correlations) {
                strncat(list, list[0] ? ", " : "", sizeof list - strlen(list) - 1);
                strncat(list, es_designs[i]->name, sizeof list - strlen(list) - 1);
            }
        const char *why =
            es_design_is(job->design, "saltelli")
                ? "its Sobol indices assume independent inputs"
                : (es_design_is(job->design, "grid") ? "a full factorial grid has independent axes"
                                                     : "it has no copula");
        es_err(&L->errs, L->path, s->line,
               "[correlation]: design = %s takes no correlations (%s); expected no "
               "[correlation] section with it, or a design that allows them (%s)",
               job->design->name, why, list);
        return;
    }
    for (size_t i = s->first; i < s->first + s->keys; i++) {
        const es_entry *e = &L->ini.ent[i];
        const char *tilde = strchr(e->key, '~');
        if (!tilde) {
            es_err(&L->errs, L->path, e->line,
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
        for (int k = 0; k < 2; k++) {
            idx[k] = es_model_input_index(m, nm[k]);
            if (idx[k] < 0) {
                char dym[128];
                es_err(&L->errs, L->path, e->line,
                       "[correlation] '%s' is not an input of model %s%s", nm[k], m->name,
                       es_dym(dym, sizeof dym,
                              es_errs_full(&L->errs) ? NULL : es_model_nearest_input(m, nm[k])));
                ok = 0;
            } else if (!job->uncertain[idx[k]] && L->sec_line[idx[k]]) {
                ok = 0; /* its own section failed, and said why */
            } else if (!job->uncertain[idx[k]] || job->dist[idx[k]].kind == ES_DIST_CONSTANT) {
                es_err(&L->errs, L->path, e->line,
                       "[correlation] %s is fixed in this job; expected an input with a "
                       "non-constant distribution (a section [%s] with dist = ...)",
                       nm[k], nm[k]);
                ok = 0;
            }
        }
        if (!ok) continue;
        if (idx[0] == idx[1]) {
            es_err(&L->errs, L->path, e->line,
                   "[correlation] %s ~ %s: expected two different inputs", a, b);
            continue;
        }
        double rho;
        if (es_parse_double(e->value, &rho) || rho < -1 || rho > 1) {
            es_err(&L->errs, L->path, e->line,
                   "[correlation] %s ~ %s = '%s': expected a rank correlation in [-1, 1]", a, b,
                   e->value);
            continue;
        }
        int lo = idx[0] < idx[1] ? idx[0] : idx[1], hi = idx[0] < idx[1] ? idx[1] : idx[0];
        int dup = 0;
        for (size_t c = 0; c < job->n_corr && !dup; c++)
            if (job->corr[c].a == lo && job->corr[c].b == hi) {
                es_err(&L->errs, L->path, e->line,
                       "[correlation] %s ~ %s: the pair is already set at line %d; expected each "
                       "pair once",
                       a, b, job->corr[c].line);
                dup = 1;
            }
        if (dup) continue;
        if (job->n_corr == ES_JOB_MAXCORR) {
            es_err(&L->errs, L->path, e->line, "[correlation]: more than %d pairs", ES_JOB_MAXCORR);
            continue;
        }
        job->corr[job->n_corr++] = (es_corr){lo, hi, rho, e->line};
    }
    if (job->n_corr == 0) return;
    es_design_corr dc[ES_JOB_MAXCORR];
    es_job_design_corr(job, dc);
    if (es_design_copula_check(job->n_unc, job->n_corr, dc))
        es_err(&L->errs, L->path, job->corr[0].line,
               "[correlation]: the correlations together are not consistent (the matrix is not "
               "positive definite); expected weaker or compatible correlations");
}

/* Why variable r cannot be counted or summarised in every row: NULL when it
 * can (an output, or an input with a distribution). */
static const char *es_var_problem(const es_job *job, es_varref r)
{
    if (r.is_output || job->uncertain[r.index]) return NULL;
    for (size_t s = 0; s < job->n_scan; s++)
        if (job->scan[s].input == r.index)
            return "is scanned (one value per cell); expected an output or an input with a "
                   "distribution";
    return "is fixed in this job; expected an output or an input with a distribution";
}

/* A variable of an [events] or [verify] line: 0, or -1 after a message. */
static int es_load_var(es_load *L, const char *sec, const es_entry *e, const char *name,
                       es_varref *r)
{
    char dym[128];
    if (es_find_var(L->m, name, r)) {
        es_err(&L->errs, L->path, e->line, "[%s] %s: '%s' is not an input or output of model %s%s",
               sec, e->key, name, L->m->name,
               es_dym(dym, sizeof dym, es_errs_full(&L->errs) ? NULL : es_nearest_var(L->m, name)));
        return -1;
    }
    /* an input whose own section failed (its error is reported) is not
     * called fixed here as well */
    if (!r->is_output && !L->job->uncertain[r->index] && L->sec_line[r->index]) return -1;
    const char *why = es_var_problem(L->job, *r);
    if (why) {
        es_err(&L->errs, L->path, e->line, "[%s] %s: %s %s", sec, e->key, name, why);
        return -1;
    }
    return 0;
}

static const char *const es_cmp_names[] = {"<", "<=", ">", ">="};

/* [events]: name = lhs OP rhs, OP one of < <= > >=, lhs a variable, rhs a
 * number or a variable. */
static void es_load_events(es_load *L)
{
    const es_section *s = es_ini_find(&L->ini, "events");
    if (!s) return;
    es_job *job = L->job;
    static const char form[] = "expected 'name = variable OP value' with OP one of <, <=, >, >= "
                               "and value a number or a variable";
    for (size_t i = s->first; i < s->first + s->keys; i++) {
        const es_entry *e = &L->ini.ent[i];
        if (!es_is_identifier(e->key) || strlen(e->key) >= ES_JOB_NAMEMAX) {
            es_err(&L->errs, L->path, e->line,
                   "[events] '%s': an event's name is a letter or '_' followed by letters, digits "
                   "or '_', at most %d characters",
                   e->key, ES_JOB_NAMEMAX - 1);
            continue;
        }
        if (job->n_events == ES_JOB_MAXEVENTS) {
            es_err(&L->errs, L->path, e->line, "[events] %s: more than %d events", e->key,
                   ES_JOB_MAXEVENTS);
            continue;
        }
        es_event ev = {.line = e->line};
        snprintf(ev.name, sizeof ev.name, "%s", e->key);
        /* the operator: the first '<' or '>', with an '=' after it for <= and >= */
        const char *v = e->value, *op = strpbrk(v, "<>");
        if (!op) {
            es_err(&L->errs, L->path, e->line, "[events] %s: '%s' has no comparison; %s", e->key, v,
                   form);
            continue;
        }
        int eq = op[1] == '=';
        ev.op = op[0] == '<' ? (eq ? ES_CMP_LE : ES_CMP_LT) : (eq ? ES_CMP_GE : ES_CMP_GT);
        char lhs[120], rhs[120];
        snprintf(lhs, sizeof lhs, "%.*s", (int)(op - v), v);
        snprintf(rhs, sizeof rhs, "%s", op + 1 + eq);
        es_trim(lhs);
        es_trim(rhs);
        if (!*lhs || !*rhs || strpbrk(lhs, "<>=!") || strpbrk(rhs, "<>=!")) {
            es_err(&L->errs, L->path, e->line, "[events] %s: '%s'; %s", e->key, v, form);
            continue;
        }
        double x;
        if (es_parse_double(lhs, &x) == 0) {
            es_err(&L->errs, L->path, e->line,
                   "[events] %s: '%s' compares a number with a variable; expected the variable "
                   "first ('%s %s %s')",
                   e->key, v, rhs,
                   ev.op == ES_CMP_LT   ? ">"
                   : ev.op == ES_CMP_LE ? ">="
                   : ev.op == ES_CMP_GT ? "<"
                                        : "<=",
                   lhs);
            continue;
        }
        if (es_load_var(L, "events", e, lhs, &ev.lhs)) continue;
        if (es_parse_double(rhs, &ev.rhs_value) == 0) {
            ev.rhs_is_var = 0;
        } else if (es_load_var(L, "events", e, rhs, &ev.rhs_var)) {
            continue;
        } else {
            ev.rhs_is_var = 1;
        }
        snprintf(ev.text, sizeof ev.text, "%s %s %s", lhs, es_cmp_names[ev.op], rhs);
        job->events[job->n_events++] = ev;
    }
}

/* names suggested for a statistic that is not known */
static const char *const es_stat_hints[] = {
    "count",  "nan_count",   "inf_count",   "mean",       "mean_lo", "mean_hi",     "std",
    "stderr", "min",         "max",         "p01",        "p05",     "p10",         "p25",
    "p50",    "p75",         "p90",         "p95",        "p99",     "probability", "spearman",
    "prcc",   "first_order", "sobol_first", "sobol_total"};

/* One [verify] line: STATISTIC(OUTPUT[, INPUT]) = VALUE +- TOLERANCE. */
static void es_load_verify_line(es_load *L, const es_entry *e)
{
    es_job *job = L->job;
    es_verify v = {.line = e->line};
    snprintf(v.text, sizeof v.text, "%s = %s", e->key, e->value);
    static const char form[] = "expected 'STATISTIC(OUTPUT) = VALUE +- TOLERANCE' or "
                               "'STATISTIC(OUTPUT, INPUT) = VALUE +- TOLERANCE'";
    const char *key = e->key, *open = strchr(key, '(');
    size_t kl = strlen(key);
    char stat[64], args[160];
    if (!open || key[kl - 1] != ')' || (size_t)(open - key) >= sizeof stat ||
        kl - (size_t)(open - key) > sizeof args) {
        es_err(&L->errs, L->path, e->line, "[verify] '%s': %s", key, form);
        return;
    }
    snprintf(stat, sizeof stat, "%.*s", (int)(open - key), key);
    snprintf(args, sizeof args, "%.*s", (int)(kl - (size_t)(open - key) - 2), open + 1);
    es_trim(stat);
    char *comma = strchr(args, ',');
    char a[128], b[128] = "";
    snprintf(a, sizeof a, "%.*s", comma ? (int)(comma - args) : (int)strlen(args), args);
    if (comma) snprintf(b, sizeof b, "%s", comma + 1);
    es_trim(a);
    es_trim(b);
    if (!*a || (comma && (!*b || strchr(b, ',')))) {
        es_err(&L->errs, L->path, e->line, "[verify] '%s': %s", key, form);
        return;
    }
    char dym[128];
    if (strlen(stat) >= sizeof v.stat || !es_verify_known_stat(stat)) {
        es_err(&L->errs, L->path, e->line,
               "[verify] %s: unknown statistic '%s'%s; expected a statistic of /summary (mean, "
               "std, p05, p50, p95, ...), of /sensitivity (spearman, prcc, first_order, "
               "sobol_first, sobol_total, the Sobol indices also with _se, _lo, _hi) or "
               "probability",
               key, stat,
               es_dym(dym, sizeof dym, es_nearest(es_stat_hints, ES_NKEYS(es_stat_hints), stat)));
        return;
    }
    es_varref r;
    if (strcmp(stat, "probability") == 0) {
        size_t k = 0;
        while (k < job->n_events && strcmp(job->events[k].name, a) != 0)
            k++;
        if (k == job->n_events) {
            const char *names[ES_JOB_MAXEVENTS];
            for (size_t j = 0; j < job->n_events; j++)
                names[j] = job->events[j].name;
            es_err(&L->errs, L->path, e->line,
                   "[verify] %s: '%s' is not an event of this job%s; expected probability(EVENT) "
                   "with EVENT named in [events]",
                   key, a, es_dym(dym, sizeof dym, es_nearest(names, job->n_events, a)));
            return;
        }
        if (*b) {
            es_err(&L->errs, L->path, e->line,
                   "[verify] %s: probability takes one event; expected probability(EVENT)", key);
            return;
        }
    } else if (es_verify_sens_stat(stat)) {
        if (strncmp(stat, "sobol_", 6) == 0 && !es_design_is(job->design, "saltelli")) {
            es_err(&L->errs, L->path, e->line,
                   "[verify] %s: Sobol indices need design = saltelli (this job's design is %s)",
                   key, job->design->name);
            return;
        }
        if (!*b) {
            es_err(&L->errs, L->path, e->line,
                   "[verify] %s: %s is about an output and an input; expected %s(OUTPUT, INPUT)",
                   key, stat, stat);
            return;
        }
        if (es_load_var(L, "verify", e, a, &r)) return;
        if (!r.is_output) {
            es_err(&L->errs, L->path, e->line,
                   "[verify] %s: '%s' is an input; expected an output first, as in %s(OUTPUT, "
                   "INPUT)",
                   key, a, stat);
            return;
        }
        if (es_load_var(L, "verify", e, b, &r)) return;
        if (r.is_output) {
            es_err(&L->errs, L->path, e->line,
                   "[verify] %s: '%s' is an output; expected an uncertain input second, as in "
                   "%s(OUTPUT, INPUT)",
                   key, b, stat);
            return;
        }
    } else {
        if (*b) {
            es_err(&L->errs, L->path, e->line,
                   "[verify] %s: %s is about one variable; expected %s(OUTPUT)", key, stat, stat);
            return;
        }
        if (es_load_var(L, "verify", e, a, &r)) return;
    }
    const char *pm = strstr(e->value, "+-");
    char val[128], tol[128];
    if (pm) {
        snprintf(val, sizeof val, "%.*s", (int)(pm - e->value), e->value);
        snprintf(tol, sizeof tol, "%s", pm + 2);
        es_trim(val);
        es_trim(tol);
    }
    if (!pm || es_parse_double(val, &v.value) || es_parse_double(tol, &v.tol) || v.tol < 0) {
        es_err(&L->errs, L->path, e->line,
               "[verify] %s: '%s'; expected 'VALUE +- TOLERANCE' with a tolerance >= 0, such as "
               "'0.2437 +- 0.01'",
               key, e->value);
        return;
    }
    /* names were checked against the model: they fit */
    snprintf(v.stat, sizeof v.stat, "%.*s", (int)sizeof v.stat - 1, stat);
    snprintf(v.a, sizeof v.a, "%.*s", (int)sizeof v.a - 1, a);
    snprintf(v.b, sizeof v.b, "%.*s", (int)sizeof v.b - 1, b);
    job->verify[job->n_verify++] = v;
}

/* [verify]: known answers, checked at the end of a run (exit code 5). */
static void es_load_verify(es_load *L)
{
    const es_section *s = es_ini_find(&L->ini, "verify");
    if (!s) return;
    for (size_t i = s->first; i < s->first + s->keys; i++) {
        const es_entry *e = &L->ini.ent[i];
        if (L->job->n_verify == ES_JOB_MAXVERIFY) {
            es_err(&L->errs, L->path, e->line, "[verify] %s: more than %d checks", e->key,
                   ES_JOB_MAXVERIFY);
            continue;
        }
        es_load_verify_line(L, e);
    }
}

/* One step in building the box of every sample: input i takes [lo, hi] as set
 * at line of file. */
typedef struct {
    const char *file;
    int line, input;
    double lo, hi;
} es_box_step;

/* The model's rules that join several inputs (model->check_box), over the
 * box that holds every sample.  When it breaks a rule, the line to blame is
 * found by building the box in the order the user wrote it: the model's
 * defaults, then the scenario's values (of inputs the job leaves fixed) in
 * file order, then the job's distributions and scans in file order; the
 * first step after which the rule breaks is the line reported (issue 9). */
static void es_load_box(es_load *L)
{
    es_job *job = L->job;
    const es_model *m = L->m;
    if (L->errs.count || !m->check_box) return;
    size_t n = m->n_inputs;
    double lo[ES_JOB_MAXIN], hi[ES_JOB_MAXIN];
    es_box_step step[2 * ES_JOB_MAXIN];
    size_t ns = 0, nscen = 0;
    int scanned[ES_JOB_MAXIN] = {0};
    for (size_t s = 0; s < job->n_scan; s++)
        scanned[job->scan[s].input] = (int)s + 1;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            es_box_step t = {pass ? L->path : job->scenario_path, 0, (int)i, 0, 0};
            if (pass == 0 && job->value_line[i] && !job->uncertain[i] && !scanned[i]) {
                t.line = job->value_line[i];
                t.lo = t.hi = job->value[i];
            } else if (pass == 1 && job->uncertain[i]) {
                es_bound bl, bh;
                es_dist_support(&job->dist[i], &bl, &bh);
                t.line = job->dist_line[i];
                t.lo = bl.v;
                t.hi = bh.v;
            } else if (pass == 1 && scanned[i]) {
                const es_scan *sc = &job->scan[scanned[i] - 1];
                t.line = sc->line;
                t.lo = t.hi = sc->values[0];
                for (size_t k = 1; k < sc->n; k++) {
                    t.lo = fmin(t.lo, sc->values[k]);
                    t.hi = fmax(t.hi, sc->values[k]);
                }
            } else {
                continue;
            }
            /* insertion by line within each file's steps */
            size_t at = ns, first = pass ? nscen : 0;
            while (at > first && step[at - 1].line > t.line) {
                step[at] = step[at - 1];
                at--;
            }
            step[at] = t;
            ns++;
            if (pass == 0) nscen = ns;
        }
    for (size_t i = 0; i < n; i++)
        lo[i] = hi[i] = m->inputs[i].def;
    char buf[512];
    const char *msg = m->check_box(lo, hi, buf, sizeof buf);
    if (msg) {
        es_err(&L->errs, L->path, 0, "the model's defaults break a rule: %s", msg);
        return;
    }
    for (size_t k = 0; k < ns; k++) {
        lo[step[k].input] = step[k].lo;
        hi[step[k].input] = step[k].hi;
        msg = m->check_box(lo, hi, buf, sizeof buf);
        if (!msg) continue;
        const char *name = m->inputs[step[k].input].name;
        if (k < nscen)
            es_err(&L->errs, step[k].file, step[k].line,
                   "%s = %g: %s; expected values that keep it valid", name, step[k].lo, msg);
        else
            es_err(&L->errs, step[k].file, step[k].line,
                   "[%s]: %s; expected inputs and supports that keep it valid", name, msg);
        return;
    }
}

/* Free what a failed load holds; the error count. */
static int es_load_close(es_load *L)
{
    es_errs_close(&L->errs);
    es_ini_free(&L->ini);
    if (L->errs.count) es_job_free(L->job);
    return L->errs.count;
}

void es_job_plan_where(const es_job *job, int samples_given, char *buf, size_t len)
{
    if (job->chunk_line > 0)
        snprintf(buf, len, "%s:%d: [sweep] chunk", job->path, job->chunk_line);
    else if (job->samples_line > 0 && !samples_given)
        snprintf(buf, len, "%s:%d: [sweep] samples", job->path, job->samples_line);
    else
        snprintf(buf, len, "%s", job->path);
}

int es_job_load_with(es_job *job, const char *path, es_job_reader reader, void *ctx, char *err,
                     size_t errlen)
{
    if (errlen) err[0] = '\0';
    memset(job, 0, sizeof *job);
    es_load L = {.job = job, .path = path, .reader = reader, .ctx = ctx};
    L.errs = (es_errs){err, errlen, 0, 0, 0};
    if (es_load_open(&L) == 0 && es_load_sweep(&L) == 0 && es_load_model(&L) == 0) {
        es_load_output(&L);      /* [sweep] output, or the job's stem */
        es_load_scenario(&L);    /* find and read the scenario's values */
        es_load_inputs(&L);      /* input sections: distributions and levels */
        es_load_scan(&L);        /* [scan] */
        es_load_design(&L);      /* base, scramble, the grid's size */
        es_load_correlation(&L); /* [correlation] */
        es_load_events(&L);      /* [events] */
        es_load_verify(&L);      /* [verify] */
        es_load_box(&L);         /* rules that join inputs */
    }
    return es_load_close(&L);
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
    for (size_t i = 0; i < ES_JOB_MAXIN; i++)
        es_dist_free(&job->dist[i]); /* PINV tables */
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

/* ---- the job as the run used it ---- */

/* Is line a section header, and which?  The name trimmed into name. */
static int es_text_section(const char *line, size_t len, char *name, size_t nlen)
{
    size_t i = 0;
    while (i < len && es_is_blank(line[i]))
        i++;
    if (i >= len || line[i] != '[') return 0;
    const char *close = memchr(line + i, ']', len - i);
    if (!close) return 0;
    const char *a = line + i + 1, *b = close;
    while (a < b && es_is_blank(*a))
        a++;
    while (b > a && es_is_blank(b[-1]))
        b--;
    snprintf(name, nlen, "%.*s", (int)(b - a), a);
    return 1;
}

char *es_job_text_with(const char *text, size_t n, const char *const *keys,
                       const char *const *values)
{
    if (n > 16) n = 16;
    /* room enough: every line once, and each key at most twice (a replaced
     * line quotes itself) with its value */
    size_t len = strlen(text), cap = 2 * len + 1;
    for (size_t k = 0; k < n; k++)
        cap += 2 * (strlen(keys[k]) + strlen(values[k]) + 160);
    char *out = malloc(cap);
    if (!out) return NULL;
    size_t used = 0;
    int done[16] = {0}, in_sweep = 0, saw_sweep = 0;
    for (const char *p = text; *p;) {
        const char *eol = strchr(p, '\n');
        size_t ll = eol ? (size_t)(eol - p) : strlen(p);
        char name[128];
        int header = es_text_section(p, ll, name, sizeof name);
        if (header && in_sweep) /* the end of [sweep]: the keys it did not have */
            for (size_t k = 0; k < n; k++)
                if (!done[k]) {
                    used += (size_t)snprintf(out + used, cap - used,
                                             "%s = %s   ; set on the command line\n", keys[k],
                                             values[k]);
                    done[k] = 1;
                }
        if (header) {
            in_sweep = strcmp(name, "sweep") == 0;
            saw_sweep |= in_sweep;
        }
        int replaced = 0;
        if (in_sweep && !header) {
            size_t i = 0;
            while (i < ll && es_is_blank(p[i]))
                i++;
            for (size_t k = 0; k < n && !replaced; k++) {
                size_t kl = strlen(keys[k]), j = i + kl;
                if (ll - i <= kl || strncmp(p + i, keys[k], kl) != 0) continue;
                while (j < ll && es_is_blank(p[j]))
                    j++;
                if (j < ll && p[j] == '=') {
                    used += (size_t)snprintf(out + used, cap - used,
                                             "%s = %s   ; set on the command line; the file "
                                             "says: %.*s\n",
                                             keys[k], values[k], (int)(ll - i), p + i);
                    done[k] = replaced = 1;
                }
            }
        }
        if (!replaced) {
            memcpy(out + used, p, ll);
            used += ll;
            out[used++] = '\n';
        }
        p = eol ? eol + 1 : p + ll;
    }
    if (saw_sweep)
        for (size_t k = 0; k < n; k++)
            if (!done[k])
                used +=
                    (size_t)snprintf(out + used, cap - used,
                                     "%s = %s   ; set on the command line\n", keys[k], values[k]);
    out[used] = '\0';
    return out;
}
