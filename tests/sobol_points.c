/* tests/sobol_points.c: write sobol design points for tests/data/sobol_scipy.py.
 *
 * Usage: sobol_points D N FIRST [SEED]: the points FIRST .. FIRST+N-1 of the
 * D-dimensional sobol design (digitally shifted with SEED if given), as raw
 * native doubles, dimension-major (all N values of dimension 0, then 1, ...). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "design.h"

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: %s D N FIRST [SEED]\n", argv[0]);
        return 2;
    }
    es_design_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.dim = strtoul(argv[1], NULL, 10);
    size_t n = strtoull(argv[2], NULL, 10);
    uint64_t first = strtoull(argv[3], NULL, 10);
    if (argc == 5) {
        cfg.scramble = 1;
        cfg.seed = strtoull(argv[4], NULL, 10);
    }
    cfg.points = first + n;
    cfg.max_n = n;
    char err[200];
    es_design *d = es_design_new(&es_design_sobol, &cfg, err, sizeof err);
    if (!d) {
        fprintf(stderr, "sobol_points: %s\n", err);
        return 1;
    }
    double *buf = malloc(cfg.dim * n * sizeof *buf);
    double **u = malloc(cfg.dim * sizeof *u);
    if (!buf || !u) return 1;
    for (size_t j = 0; j < cfg.dim; j++)
        u[j] = buf + j * n;
    es_design_points(d, first, n, u);
    int rc = fwrite(buf, sizeof *buf, cfg.dim * n, stdout) == cfg.dim * n ? 0 : 1;
    free(buf);
    free(u);
    es_design_free(d);
    return rc;
}
