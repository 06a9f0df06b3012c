/* report.h — one report, from loaded data to PDF and HTML bytes: the pipeline render and batch share.
 *
 *   metrics (metrics.c) → value tree → expand (template × metrics × notes) → render_pdf / render_html
 *
 * Everything here works on what the caller loaded once (dataset, template, notes, fonts), all read
 * only, so batch runs many reports at once on several threads. Nothing is written to disk: the caller
 * decides where the bytes go (output.c writes them atomically).
 */
#ifndef FP_REPORT_H
#define FP_REPORT_H

#include "dataset.h"
#include "doc.h"
#include "error.h"
#include "font_subset.h"
#include "metrics.h"
#include "notes.h"
#include "template.h"
#include "util.h"

#include <stdbool.h>
#include <time.h>

typedef struct fp_report_req {
    const fp_dataset *ds;
    const fp_template *tmpl;
    const fp_notes *notes;  /* may be NULL */
    fp_query q;
    const char *date;       /* the report date, YYYY-MM-DD */
    const char *author;     /* may be NULL */
    time_t created;         /* the PDF's creation date; (time_t)-1 for now */
    fp_fontset *fonts;
    bool pdf, html, xlsx, keep_doc;
} fp_report_req;

typedef struct fp_report {
    char base[200];         /* the file name without extension: <scope>-<period>, made safe */
    char *title;
    fp_buf pdf, html, xlsx;
    fp_buf warnings;        /* one a line */
    fp_doc *doc;            /* the document tree, when keep_doc */
    /* headline figures, for indexes and mail */
    int64_t sales;          /* fen */
    double attainment, mom, yoy; /* NAN when unknown */
    char *risk;             /* the first line of the report's risks box, for a chat message; NULL: none */
    int64_t orders;
    /* processor seconds of each step on the thread that made the report (for FUPAN_TIMING) */
    double cpu_metrics, cpu_expand, cpu_pdf, cpu_html, cpu_xlsx;
} fp_report;

fp_status fp_report_make(const fp_report_req *r, fp_report *out, fp_error *err);
void fp_report_free(fp_report *r);
/* <scope>-<period> for a query, made safe for a file name (全公司 for the company) */
void fp_report_base(const fp_query *q, char *out, size_t n);
/* The same with a tag after the scope (<scope>~<tag>-<period>), for scopes whose names clean up alike. */
void fp_report_base_tagged(const fp_query *q, const char *tag, char *out, size_t n);
/* the fonts fupan ships (fonts/ found as paths.h says) */
fp_status fp_fonts_default(fp_fontset **out, fp_error *err);
/* the report date and PDF creation time: SOURCE_DATE_EPOCH when set (reproducible files), else today */
void fp_report_date(char out[16], time_t *created);

#endif
