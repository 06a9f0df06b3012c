/* chart.h — charts of a report, drawn through a canvas (canvas.h).
 *
 * A chart is data (doc.h: categories, named series of numbers, a value
 * format, options) and a kind:
 *
 *   bar, hbar, grouped, stacked   bars; hbar for rankings (long names at the left)
 *   line                          one line per series (the 13-month trend with its target)
 *   pie, donut                    shares of the first series
 *   bullet, gauge                 attainment: series actual, target[, marker such as time progress]
 *   pareto                        sorted bars with the cumulative-share line and the 80% mark
 *   funnel                        ordered stages, with the conversion between them
 *   waterfall                     from one total to another: with two series (before, after) per
 *                                 category the bars are the changes; with one, the values add up
 *   radar                         scores on several dimensions, one polygon per series
 *   sparkline                     a line small enough for a card or a cell
 *
 * Options (the template's options="key=value;…"): dashed=2 (1-based series drawn dashed),
 * thresholds=0.8,1 (colour by value or by actual/target: bad, warn, good), max=5 (radar, gauge),
 * labels=no (no data labels), sort=no (pareto keeps the given order).
 *
 * Metrics and pages are unknown here: the chart is drawn into a w × h box in points. Everything is
 * measured with the document's fonts; nothing is drawn outside the box.
 */
#ifndef FP_CHART_H
#define FP_CHART_H

#include "canvas.h"
#include "doc.h"

/* draws c into the box (0, 0, w, h) of the canvas */
void fp_chart_draw(const fp_chart_doc *c, fp_canvas *cv, double w, double h);
/* the same with every label text_scale times its size (a narrow chart for phones) */
void fp_chart_draw_scaled(const fp_chart_doc *c, fp_canvas *cv, double w, double h, double text_scale);
/* the height a chart wants at width w when the template does not say (points) */
double fp_chart_height(const fp_chart_doc *c, double w);
/* true when the kind is one fupan draws */
bool fp_chart_kind_known(const char *kind);

#endif
