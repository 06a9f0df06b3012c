/* canvas.h — the small drawing interface charts are drawn through.
 *
 * A chart (chart.c) is drawn once through this interface, in points, with the
 * origin at the top left and y growing downwards, and each output has its
 * backend:
 *
 *   canvas_cairo.c   Cairo: PNG images (and anything else Cairo draws on);
 *                    text drawn as the outlines of the document's own fonts
 *   canvas_svg.c     inline SVG for the HTML report: paths, and text as <text>
 *   render_pdf.c     libharu: vector paths and real text in the PDF page
 *
 * so the PDF holds vectors and extractable text, the HTML crisp SVG, and a
 * PNG of any chart can be written for review and tests. Text is measured with
 * the fonts the document embeds (fp_fontset), the same for every backend.
 */
#ifndef FP_CANVAS_H
#define FP_CANVAS_H

#include "font_subset.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum fp_path_op { FP_PATH_MOVE, FP_PATH_LINE, FP_PATH_CURVE, FP_PATH_CLOSE } fp_path_op;

typedef struct fp_path_el {
    fp_path_op op;
    double x[3], y[3]; /* MOVE/LINE: x[0],y[0]; CURVE: two control points and the end */
} fp_path_el;

typedef struct fp_path {
    fp_path_el *el;
    size_t n, cap;
} fp_path;

void fp_path_init(fp_path *p);
void fp_path_free(fp_path *p);
void fp_path_clear(fp_path *p);
void fp_path_move(fp_path *p, double x, double y);
void fp_path_line(fp_path *p, double x, double y);
void fp_path_curve(fp_path *p, double x1, double y1, double x2, double y2, double x3, double y3);
void fp_path_close(fp_path *p);
void fp_path_rect(fp_path *p, double x, double y, double w, double h);
/* an arc of the circle (cx, cy, r) from angle a0 to a1 (radians, clockwise on screen from 3 o'clock),
 * in cubic Béziers; with line_to true it joins the current point by a line, else it starts with a move */
void fp_path_arc(fp_path *p, double cx, double cy, double r, double a0, double a1, bool line_to);

typedef enum fp_halign { FP_HALIGN_LEFT, FP_HALIGN_CENTER, FP_HALIGN_RIGHT } fp_halign;

typedef struct fp_canvas fp_canvas;
struct fp_canvas {
    void *ud;
    void (*fill)(fp_canvas *c, const fp_path *p, uint32_t rgb, double alpha);
    void (*stroke)(fp_canvas *c, const fp_path *p, uint32_t rgb, double width, bool dashed);
    /* text with its baseline at y; x is its left, centre or right by align; angle in degrees,
     * counter-clockwise, about (x, y) */
    void (*text)(fp_canvas *c, double x, double y, const char *s, double size, uint32_t rgb, bool bold,
                 fp_halign align, double angle);
    fp_fontset *fonts; /* for measuring; the same fonts the document uses */
};

/* the advance width of s at size, in points */
double fp_canvas_measure(const fp_canvas *c, const char *s, double size);

#endif
