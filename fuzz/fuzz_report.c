/* fuzz/fuzz_report.c: libFuzzer target for the result-file reader and the
 * report.
 *
 * The input is an HDF5 file image, opened in memory (H5LTopen_file_image).
 * What the reader accepts goes through everything the report does with it:
 * the view's shape checks, the tables as text and HTML, CSV, JSON and the
 * gnuplot script of --plots (without running gnuplot).  The reader's promise
 * is an error message, never a read out of bounds, whatever the file.
 *
 * HDF5 1.10 itself crashes on some damaged files (global heaps, attribute
 * tables); `econsweep report` runs in a child process for that reason, and
 * tools/fuzz sorts the crashes this target finds into HDF5's (the top frame
 * in libhdf5) and ours. */
#include <hdf5.h>
#include <hdf5_hl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "h5read.h"
#include "report_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink) {
        sink = fopen("/dev/null", "w");
        H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    }
    if (size < 8 || !sink) return 0;
    /* flags 0: HDF5 copies the image and may not write it back */
    hid_t f = H5LTopen_file_image((void *)data, size, 0);
    if (f < 0) return 0;
    es_results r;
    es_results_init(&r);
    char err[1024];
    if (es_h5read_fid(f, "fuzz.h5", &r, err, sizeof err) == ES_H5READ_OK) {
        const es_res_array *root = es_results_find(&r, "/");
        const es_res_attr *m = root ? es_res_attr_find(root, "model") : NULL;
        es_view v;
        if (es_view_init(&v, &r, m && m->is_str && m->str ? es_model_find(m->str) : NULL, err,
                         sizeof err) == 0) {
            es_tabs tabs;
            if (es_report_tables(&v, "fuzz.h5", &tabs) == 0) {
                es_report_write(&v, &tabs, "fuzz.h5", "text", sink);
                es_report_write(&v, &tabs, "fuzz.h5", "csv", sink);
                es_report_write(&v, &tabs, "fuzz.h5", "json", sink);
                for (size_t i = 0; i < tabs.n; i++)
                    es_tab_html(&tabs.t[i], sink);
                es_report_plot_script(&v, sink);
            }
            es_tabs_free(&tabs);
            es_view_free(&v);
        }
    }
    es_results_free(&r);
    H5Fclose(f);
    return 0;
}
