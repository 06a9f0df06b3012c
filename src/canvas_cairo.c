/* canvas_cairo.c — the Cairo backend of the chart canvas, and charts as PNG.
 *
 * Paths go to Cairo as they are. Text is drawn as the outlines of the
 * document's own fonts (font.c reads them, composites flattened): the same
 * glyphs the PDF embeds, with no font configuration on the machine involved,
 * so a PNG looks the same everywhere and is fit for reference images in tests.
 */
#include "canvas_cairo.h"

#include "chart.h"
#include "font.h"
#include "theme.h"

#include <cairo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static void set_rgb(cairo_t *cr, uint32_t rgb, double alpha)
{
    cairo_set_source_rgba(cr, ((rgb >> 16) & 0xFF) / 255.0, ((rgb >> 8) & 0xFF) / 255.0, (rgb & 0xFF) / 255.0, alpha);
}

static void replay(cairo_t *cr, const fp_path *p)
{
    cairo_new_path(cr);
    for (size_t i = 0; i < p->n; i++) {
        const fp_path_el *e = &p->el[i];
        switch (e->op) {
        case FP_PATH_MOVE:
            cairo_move_to(cr, e->x[0], e->y[0]);
            break;
        case FP_PATH_LINE:
            cairo_line_to(cr, e->x[0], e->y[0]);
            break;
        case FP_PATH_CURVE:
            cairo_curve_to(cr, e->x[0], e->y[0], e->x[1], e->y[1], e->x[2], e->y[2]);
            break;
        case FP_PATH_CLOSE:
            cairo_close_path(cr);
            break;
        }
    }
}

static void cc_fill(fp_canvas *c, const fp_path *p, uint32_t rgb, double alpha)
{
    cairo_t *cr = c->ud;
    replay(cr, p);
    set_rgb(cr, rgb, alpha);
    cairo_fill(cr);
}

static void cc_stroke(fp_canvas *c, const fp_path *p, uint32_t rgb, double width, bool dashed)
{
    cairo_t *cr = c->ud;
    replay(cr, p);
    set_rgb(cr, rgb, 1);
    cairo_set_line_width(cr, width);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, dashed ? CAIRO_LINE_CAP_BUTT : CAIRO_LINE_CAP_ROUND);
    double d[2] = {4, 3};
    cairo_set_dash(cr, d, dashed ? 2 : 0, 0);
    cairo_stroke(cr);
    cairo_set_dash(cr, d, 0, 0);
}

/* one glyph's outline into the current path, at pen position (0, 0) in a y-down space */
static void glyph_path(cairo_t *cr, const fp_font *f, uint16_t gid, double scale, double ox)
{
    fp_outline o;
    fp_outline_init(&o);
    fp_error e = {0};
    if (fp_font_outline(f, gid, 1, 1, &o, &e) != FP_OK) {
        fp_outline_free(&o);
        return;
    }
    int start = 0;
    for (int k = 0; k < o.ncontours; k++) {
        int end = o.end[k], n = end - start + 1;
        if (n < 2) {
            start = end + 1;
            continue;
        }
#define PX(i) (ox + o.x[start + ((i) % n)] * scale)
#define PY(i) (-o.y[start + ((i) % n)] * scale)
#define ON(i) (o.on[start + ((i) % n)])
        /* start at an on-curve point, or the midpoint of two off-curve ones */
        int first = 0;
        while (first < n && !ON(first))
            first++;
        double sx, sy;
        if (first == n) {
            sx = (PX(0) + PX(1)) / 2, sy = (PY(0) + PY(1)) / 2;
            first = 0;
        } else {
            sx = PX(first), sy = PY(first);
        }
        cairo_move_to(cr, sx, sy);
        double cx = sx, cy = sy;
        for (int i = 1; i <= n; i++) {
            int j = first + i;
            if (ON(j)) {
                cairo_line_to(cr, PX(j), PY(j));
                cx = PX(j), cy = PY(j);
                continue;
            }
            /* a quadratic segment: the control point j, ending at j+1 or the midpoint */
            double qx = PX(j), qy = PY(j), ex, ey;
            if (ON(j + 1)) {
                ex = PX(j + 1), ey = PY(j + 1);
                i++;
            } else {
                ex = (qx + PX(j + 1)) / 2, ey = (qy + PY(j + 1)) / 2;
            }
            cairo_curve_to(cr, cx + 2.0 / 3 * (qx - cx), cy + 2.0 / 3 * (qy - cy), ex + 2.0 / 3 * (qx - ex),
                           ey + 2.0 / 3 * (qy - ey), ex, ey);
            cx = ex, cy = ey;
        }
        cairo_close_path(cr);
#undef PX
#undef PY
#undef ON
        start = end + 1;
    }
    fp_outline_free(&o);
}

static void cc_text(fp_canvas *c, double x, double y, const char *s, double size, uint32_t rgb, bool bold,
                    fp_halign align, double angle)
{
    cairo_t *cr = c->ud;
    if (!s || !*s)
        return;
    double w = fp_canvas_measure(c, s, size);
    double dx = align == FP_HALIGN_CENTER ? -w / 2 : align == FP_HALIGN_RIGHT ? -w : 0;
    cairo_save(cr);
    cairo_translate(cr, x, y);
    if (angle != 0)
        cairo_rotate(cr, -angle * M_PI / 180);
    cairo_new_path(cr);
    double pen = dx;
    const fp_fontset *fs = c->fonts;
    for (const char *q = s; *q;) {
        uint32_t cp = fp_utf8_next(&q);
        int fi;
        uint16_t gid;
        double adv = fp_fontset_advance(c->fonts, cp) * size / 1000.0;
        if (fp_fontset_find(fs, cp, &fi, &gid)) {
            const fp_font *f = fs->font[fi];
            glyph_path(cr, f, gid, size / fp_font_units_per_em(f), pen);
        } else if (cp > 0x20) {
            cairo_rectangle(cr, pen + adv * 0.1, -size * 0.7, adv * 0.8, size * 0.75);
        }
        pen += adv;
    }
    set_rgb(cr, rgb, 1);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    if (bold) {
        cairo_fill_preserve(cr);
        cairo_set_line_width(cr, size * 0.045);
        cairo_stroke(cr);
    } else {
        cairo_fill(cr);
    }
    cairo_restore(cr);
}

void fp_canvas_cairo_init(fp_canvas *c, void *cairo_ctx, fp_fontset *fonts)
{
    memset(c, 0, sizeof *c);
    c->ud = cairo_ctx;
    c->fill = cc_fill;
    c->stroke = cc_stroke;
    c->text = cc_text;
    c->fonts = fonts;
}

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int len)
{
    fp_buf_add(closure, data, len);
    return CAIRO_STATUS_SUCCESS;
}

fp_status fp_chart_png(const fp_chart_doc *chart, const char *title, fp_fontset *fonts, double w, double h,
                       double scale, fp_buf *out, fp_error *err)
{
    double title_h = title && *title ? 18 : 0, pad = 8;
    int pw = (int)ceil((w + 2 * pad) * scale), ph = (int)ceil((h + title_h + 2 * pad) * scale);
    if (pw <= 0 || ph <= 0 || pw > 8000 || ph > 8000)
        return fp_fail(err, FP_ERR_INPUT, "a chart of %.0f × %.0f points cannot be drawn as PNG", w, h);
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
    cairo_t *cr = cairo_create(sf);
    cairo_scale(cr, scale, scale);
    set_rgb(cr, FP_C_WHITE, 1);
    cairo_paint(cr);
    fp_canvas c;
    fp_canvas_cairo_init(&c, cr, fonts);
    if (title_h > 0)
        cc_text(&c, pad, pad + 11, title, 10, FP_C_INK, true, FP_HALIGN_LEFT, 0);
    cairo_translate(cr, pad, pad + title_h);
    fp_chart_draw(chart, &c, w, h);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_write_to_png_stream(sf, to_buf, out);
    cairo_surface_destroy(sf);
    if (st != CAIRO_STATUS_SUCCESS)
        return fp_fail(err, FP_ERR_INTERNAL, "Cairo cannot draw the chart: %s", cairo_status_to_string(st));
    return FP_OK;
}
