/* canvas_svg.h — charts as inline SVG for the HTML report. */
#ifndef FP_CANVAS_SVG_H
#define FP_CANVAS_SVG_H

#include "canvas.h"
#include "doc.h"
#include "util.h"

/* appends <svg viewBox="0 0 w h">…</svg> drawing the chart (w × h points); fonts measure the text */
void fp_chart_svg(const fp_chart_doc *chart, const char *title, fp_fontset *fonts, double w, double h, fp_buf *out);
/* the same with labels text_scale times their size, and class="cls" on the <svg> (may be NULL) */
void fp_chart_svg_scaled(const fp_chart_doc *chart, const char *title, fp_fontset *fonts, double w, double h,
                         double text_scale, const char *cls, fp_buf *out);

#endif
