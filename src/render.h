/* render.h — the document tree into files: one renderer per output format.
 *
 *   render_html.c   one self-contained HTML file
 *   render_pdf.c    PDF through libharu, with a subset font made for the document
 *   render_xlsx.c   an Excel workbook through libxlsxwriter: the KPI figures and one sheet per table
 *
 * Renderers read the tree (doc.h) and nothing else: no CSV, no XML, no
 * metrics. They write into a buffer; writing files atomically is the
 * caller's job (output.c).
 */
#ifndef FP_RENDER_H
#define FP_RENDER_H

#include "doc.h"
#include "error.h"
#include "font_subset.h"
#include "util.h"

#include <time.h>

/* the width charts are drawn at, in points: the text width of an A4 portrait page */
#define FP_CHART_WIDTH 487.28
/* the width of the HTML's phone version of a chart (its labels are drawn larger) */
#define FP_CHART_NARROW 300.0
/* a sparkline in a KPI card */
#define FP_SPARK_WIDTH 100.0
#define FP_SPARK_HEIGHT 20.0

typedef struct fp_render_opts {
    /* the fonts the PDF draws with and charts are measured with (required for PDF; without them
     * the HTML shows a placeholder box for each chart) */
    fp_fontset *fonts;
    /* the PDF's creation date; (time_t)-1 for now (SOURCE_DATE_EPOCH makes it fixed) */
    time_t created;
    /* warnings (characters no font has …), one a line; may be NULL */
    fp_buf *warnings;
} fp_render_opts;

fp_status fp_render_html(const fp_doc *d, const fp_render_opts *o, fp_buf *out, fp_error *err);
fp_status fp_render_pdf(const fp_doc *d, const fp_render_opts *o, fp_buf *out, fp_error *err);
fp_status fp_render_xlsx(const fp_doc *d, const fp_render_opts *o, fp_buf *out, fp_error *err);
/* A workbook of one table (a batch's index): a title row above it, figures as numbers. */
fp_status fp_render_xlsx_table(const char *title, const char *sheet, const fp_table_doc *t, bool en,
                               const char *money_symbol, fp_buf *out, fp_error *err);

#endif
