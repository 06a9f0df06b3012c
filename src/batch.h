/* batch.h — every scope's report in one run: the data read once, reports made on several threads,
 * files written atomically, an index.html and a manifest (JSON) beside them.
 *
 * Scopes are the teams, regions or reps of the data, sorted by name; --shard K/N keeps the i-th
 * scope (from 0) when i mod N == K-1, so N machines given K = 1…N cover every scope exactly once.
 * A scope that fails is recorded with its message and does not stop the others. With a fixed
 * report date and creation time (SOURCE_DATE_EPOCH) the same inputs give the same bytes.
 */
#ifndef FP_BATCH_H
#define FP_BATCH_H

#include "report.h"

#include <signal.h>

typedef struct fp_batch_item {
    char *scope;                 /* name; "" for the company (the roll-up) */
    bool rollup;
    bool ok;
    bool interrupted;            /* not made: the run was stopped first */
    char error[600];
    char base[200];
    char *title;
    size_t pdf_bytes, html_bytes, xlsx_bytes;
    char pdf_sha[65], html_sha[65], xlsx_sha[65];
    int64_t sales, orders;
    double attainment, mom, yoy;
    char *risk;
    double seconds;
} fp_batch_item;

/* called after each report (its files in place, or failed), from one of the run's threads, under its lock */
typedef void (*fp_batch_progress)(void *ud, size_t done, size_t total, const fp_batch_item *it);

typedef struct fp_batch_req {
    const fp_dataset *ds;
    const fp_template *tmpl;
    const fp_template *rollup; /* optional: the company report for leadership, made first */
    fp_period period;
    fp_date as_of;
    fp_scope_kind by;          /* FP_SCOPE_TEAM, FP_SCOPE_REGION or FP_SCOPE_REP */
    int jobs;
    int shard_k, shard_n;      /* 1-based; 1/1: everything */
    const char *out;
    const char *date;
    time_t created;
    fp_fontset *fonts;
    bool xlsx;                 /* an Excel workbook per report too, and OUT/index.xlsx */
    const char *template_name, *period_text; /* for the manifest */
    fp_batch_progress progress;
    void *progress_ud;
    /* when *stop becomes non-zero (a signal handler sets it), scopes not yet started are skipped and
     * recorded as interrupted; reports already being made are finished. May be NULL. */
    volatile sig_atomic_t *stop;
} fp_batch_req;

typedef struct fp_batch_result {
    fp_batch_item *items;
    size_t n, failed, interrupted;
    char manifest[256], index[256], index_xlsx[256]; /* the file names written in out */
} fp_batch_result;

/* the scope names of a kind, sorted; caller frees the array (names are borrowed from the dataset) */
const char **fp_batch_scopes(const fp_dataset *ds, fp_scope_kind by, size_t *n);
/* runs the batch; FP_OK when the run itself worked (even if some scopes failed: see failed) */
fp_status fp_batch_run(const fp_batch_req *r, fp_batch_result *res, fp_error *err);
void fp_batch_result_free(fp_batch_result *res);

#endif
