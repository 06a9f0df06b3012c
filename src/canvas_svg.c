/* canvas_svg.c — the SVG backend of the chart canvas: charts inline in the HTML report.
 *
 * Paths become <path> elements with coordinates rounded to 0.01 pt; text
 * becomes <text>, in the page's own font stack, escaped, so it stays
 * selectable, searchable and sharp at any zoom. The picture scales with its
 * container (viewBox, width 100%).
 */
#include "canvas_svg.h"

#include "chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void num(fp_buf *b, double v)
{
    char t[48];
    fp_fixed(t, sizeof t, v, 2);
    /* trim trailing zeros: shorter files */
    char *e = t + strlen(t) - 1; /* (not fp_fixed's count: snprintf's, of a number too long for t, is more) */
    while (*e == '0')
        *e-- = 0;
    if (*e == '.')
        *e = 0;
    if (!strcmp(t, "-0"))
        strcpy(t, "0");
    fp_buf_adds(b, t);
}

static void d_attr(fp_buf *b, const fp_path *p)
{
    fp_buf_adds(b, " d=\"");
    for (size_t i = 0; i < p->n; i++) {
        const fp_path_el *e = &p->el[i];
        switch (e->op) {
        case FP_PATH_MOVE:
        case FP_PATH_LINE:
            fp_buf_adds(b, e->op == FP_PATH_MOVE ? "M" : "L");
            num(b, e->x[0]);
            fp_buf_adds(b, " ");
            num(b, e->y[0]);
            break;
        case FP_PATH_CURVE:
            fp_buf_adds(b, "C");
            for (int k = 0; k < 3; k++) {
                if (k)
                    fp_buf_adds(b, " ");
                num(b, e->x[k]);
                fp_buf_adds(b, " ");
                num(b, e->y[k]);
            }
            break;
        case FP_PATH_CLOSE:
            fp_buf_adds(b, "Z");
            break;
        }
    }
    fp_buf_adds(b, "\"");
}

static void sv_fill(fp_canvas *c, const fp_path *p, uint32_t rgb, double alpha)
{
    fp_buf *b = c->ud;
    fp_buf_adds(b, "<path");
    d_attr(b, p);
    fp_buf_printf(b, " fill=\"#%06x\"", rgb & 0xFFFFFF);
    if (alpha < 1)
        fp_buf_printf(b, " fill-opacity=\"%.2f\"", alpha);
    fp_buf_adds(b, "/>");
}

static void sv_stroke(fp_canvas *c, const fp_path *p, uint32_t rgb, double width, bool dashed)
{
    fp_buf *b = c->ud;
    fp_buf_adds(b, "<path");
    d_attr(b, p);
    fp_buf_printf(b, " fill=\"none\" stroke=\"#%06x\" stroke-width=\"", rgb & 0xFFFFFF);
    num(b, width);
    fp_buf_adds(b, dashed ? "\" stroke-dasharray=\"4 3\"/>" : "\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>");
}

static void esc(fp_buf *b, const char *s)
{
    fp_buf_add_escaped(b, s);
}

static void sv_text(fp_canvas *c, double x, double y, const char *s, double size, uint32_t rgb, bool bold,
                    fp_halign align, double angle)
{
    fp_buf *b = c->ud;
    if (!s || !*s)
        return;
    fp_buf_adds(b, "<text x=\"");
    num(b, x);
    fp_buf_adds(b, "\" y=\"");
    num(b, y);
    fp_buf_adds(b, "\" font-size=\"");
    num(b, size);
    fp_buf_printf(b, "\" fill=\"#%06x\"", rgb & 0xFFFFFF);
    if (bold)
        fp_buf_adds(b, " font-weight=\"700\"");
    if (align != FP_HALIGN_LEFT)
        fp_buf_adds(b, align == FP_HALIGN_CENTER ? " text-anchor=\"middle\"" : " text-anchor=\"end\"");
    if (angle != 0) {
        fp_buf_adds(b, " transform=\"rotate(");
        num(b, -angle);
        fp_buf_adds(b, " ");
        num(b, x);
        fp_buf_adds(b, " ");
        num(b, y);
        fp_buf_adds(b, ")\"");
    }
    /* the text is as long in the browser's font as in ours: wide labels are not cut differently */
    double w = fp_canvas_measure(c, s, size);
    if (w > 0) {
        fp_buf_adds(b, " textLength=\"");
        num(b, w);
        fp_buf_adds(b, "\" lengthAdjust=\"spacingAndGlyphs\"");
    }
    fp_buf_adds(b, ">");
    esc(b, s);
    fp_buf_adds(b, "</text>");
}

void fp_chart_svg(const fp_chart_doc *chart, const char *title, fp_fontset *fonts, double w, double h, fp_buf *out)
{
    fp_chart_svg_scaled(chart, title, fonts, w, h, 1.0, NULL, out);
}

void fp_chart_svg_scaled(const fp_chart_doc *chart, const char *title, fp_fontset *fonts, double w, double h,
                         double text_scale, const char *cls, fp_buf *out)
{
    fp_canvas c = {.ud = out, .fill = sv_fill, .stroke = sv_stroke, .text = sv_text, .fonts = fonts};
    fp_buf_adds(out, "<svg viewBox=\"0 0 "); /* inline in HTML: no namespace needed */
    num(out, w);
    fp_buf_adds(out, " ");
    num(out, h);
    fp_buf_adds(out, "\" role=\"img\"");
    if (cls)
        fp_buf_printf(out, " class=\"%s\"", cls); /* cls is the caller's constant, not data */
    if (title && *title) {
        fp_buf_adds(out, " aria-label=\"");
        esc(out, title);
        fp_buf_adds(out, "\"");
    }
    fp_buf_adds(out, " font-family=\"inherit\">");
    fp_chart_draw_scaled(chart, &c, w, h, text_scale);
    fp_buf_adds(out, "</svg>");
}
