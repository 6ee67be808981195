/* src/report_plot.c: stub */
#include "report_int.h"
int es_report_plots(const es_view *v, const es_tabs *tabs, const char *path, const char *dir,
                    FILE *errf)
{
    (void)v; (void)tabs; (void)path; (void)dir; fprintf(errf, "no plots yet\n"); return 3;
}
