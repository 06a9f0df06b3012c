/* canvas_cairo.h — charts through Cairo, and charts as PNG images. */
#ifndef FP_CANVAS_CAIRO_H
#define FP_CANVAS_CAIRO_H

#include "canvas.h"
#include "doc.h"
#include "error.h"
#include "util.h"

/* a canvas drawing on a cairo_t (passed as void * so callers need not include cairo.h); the
 * canvas's ud is the cairo_t */
void fp_canvas_cairo_init(fp_canvas *c, void *cairo_ctx, fp_fontset *fonts);

/* chart as a PNG image: w × h points of chart (plus its title above when given, and a margin),
 * at scale pixels per point; appended to out */
fp_status fp_chart_png(const fp_chart_doc *chart, const char *title, fp_fontset *fonts, double w, double h,
                       double scale, fp_buf *out, fp_error *err);

#endif
