/* Tests of the charts (chart.c and its canvases).
 *
 *  - every kind, on realistic data, drawn to PNG through Cairo and compared with a reference image in
 *    tests/charts/ (a small tolerance for antialiasing); FUPAN_UPDATE_CHARTS=1 rewrites the references
 *    (tests/update-golden does) — look at them before committing;
 *  - the awkward cases: one point, all zeros, negative values, 30+ categories, very long names,
 *    missing values, no data at all — each drawn through a recording canvas that checks nothing
 *    leaves the box, and with the property that matters asserted (a zero line, thinned labels, an
 *    ellipsis, 暂无数据 …), and also compared as pictures;
 *  - the SVG backend escapes its text and writes text as <text>.
 */
#include "testutil.h"

#include "canvas_cairo.h"
#include "canvas_svg.h"
#include "chart.h"

#include <cairo.h>
#include "render.h"
#include "theme.h"

#include <math.h>
#include <stdbool.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static fp_fontset *fonts;

static int setup(void **state)
{
    (void)state;
    char *a = tu_path("fonts/wqy-microhei.ttc"), *b = tu_path("fonts/DroidSansFallbackFull.ttf");
    char fa[1100];
    snprintf(fa, sizeof fa, "%s:0", a);
    const char *paths[] = {fa, b};
    fp_error e = {0};
    int rc = fp_fontset_load(paths, 2, &fonts, &e) == FP_OK ? 0 : -1;
    if (rc)
        fprintf(stderr, "fonts: %s\n", e.msg);
    free(a);
    free(b);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    fp_fontset_free(fonts);
    return 0;
}

/* ---- building charts ---- */

static fp_chart_doc *mk(const char *kind, size_t ncats, size_t nseries, const char *fmt)
{
    fp_chart_doc *c = calloc(1, sizeof *c);
    c->kind = strdup(kind);
    c->ncats = ncats;
    c->nseries = nseries;
    c->cats = calloc(ncats ? ncats : 1, sizeof *c->cats);
    c->series = calloc(nseries ? nseries : 1, sizeof *c->series);
    for (size_t s = 0; s < nseries; s++) {
        c->series[s].values = calloc(ncats ? ncats : 1, sizeof(double));
        char n[32];
        snprintf(n, sizeof n, s == 0 ? "实际" : s == 1 ? "目标" : "系列%zu", s + 1);
        c->series[s].name = strdup(n);
    }
    c->value_format = strdup(fmt);
    return c;
}

static void cat(fp_chart_doc *c, size_t i, const char *name)
{
    free(c->cats[i]);
    c->cats[i] = strdup(name);
}

static void freechart(fp_chart_doc *c)
{
    for (size_t i = 0; i < c->ncats; i++)
        free(c->cats[i]);
    for (size_t s = 0; s < c->nseries; s++) {
        free(c->series[s].values);
        free(c->series[s].name);
    }
    free(c->cats);
    free(c->partial);
    free(c->series);
    free(c->kind);
    free(c->value_format);
    free(c->options);
    free(c);
}

static const char *const REPS[] = {"陈立峰", "赵子轩", "李佳琪", "周雨婷", "王浩然", "黄晓明", "梁静", "谢雨轩"};

/* realistic data for each kind */
static fp_chart_doc *sample(const char *kind)
{
    fp_chart_doc *c;
    if (!strcmp(kind, "line") || !strcmp(kind, "stacked") || !strcmp(kind, "sparkline")) {
        bool st = !strcmp(kind, "stacked");
        c = mk(kind, 13, st ? 3 : 2, "money");
        static const double sales[13] = {424.99, 556.76, 604.73, 418.26, 302.80, 548.62, 483.53,
                                         511.60, 656.23, 588.77, 514.01, 569.56, 544.67};
        for (size_t i = 0; i < 13; i++) {
            char m[16];
            snprintf(m, sizeof m, "%d-%02d", i < 3 ? 2025 : 2026, i < 3 ? (int)i + 10 : (int)i - 2);
            cat(c, i, m);
            if (st) {
                c->series[0].values[i] = sales[i] * 0.47e4;
                c->series[1].values[i] = sales[i] * 0.37e4;
                c->series[2].values[i] = sales[i] * 0.16e4;
            } else {
                c->series[0].values[i] = sales[i] * 1e4;
                c->series[1].values[i] = sales[i] * 1e4 * (0.92 + 0.02 * (double)(i % 5));
            }
        }
        if (st) {
            free(c->series[0].name), free(c->series[1].name), free(c->series[2].name);
            c->series[0].name = strdup("线下"), c->series[1].name = strdup("线上"), c->series[2].name = strdup("代理");
        }
        if (!strcmp(kind, "line"))
            c->options = strdup("dashed=2");
        return c;
    }
    if (!strcmp(kind, "pie") || !strcmp(kind, "donut") || !strcmp(kind, "funnel")) {
        bool fun = !strcmp(kind, "funnel");
        c = mk(kind, 4, 1, fun ? "int" : "money");
        static const char *const ch[] = {"线下", "线上", "代理", "其他"}, *const st[] = {"拜访", "报价", "谈判", "成交"};
        static const double v[] = {254.89e4, 201.23e4, 88.55e4, 12.1e4}, f[] = {355, 142, 61, 38};
        for (size_t i = 0; i < 4; i++) {
            cat(c, i, fun ? st[i] : ch[i]);
            c->series[0].values[i] = fun ? f[i] : v[i];
        }
        return c;
    }
    if (!strcmp(kind, "radar")) {
        c = mk(kind, 6, 2, "number");
        static const char *const dim[] = {"业绩达成", "客户开发", "团队协作", "执行力", "专业能力", "服务满意度"};
        static const double a[] = {4.5, 3.2, 4.0, 3.8, 4.2, 4.4}, b[] = {3.9, 3.6, 3.5, 4.1, 3.8, 4.0};
        for (size_t i = 0; i < 6; i++) {
            cat(c, i, dim[i]);
            c->series[0].values[i] = a[i];
            c->series[1].values[i] = b[i];
        }
        free(c->series[0].name), free(c->series[1].name);
        c->series[0].name = strdup("本期"), c->series[1].name = strdup("上期");
        c->options = strdup("max=5");
        return c;
    }
    if (!strcmp(kind, "gauge")) {
        c = mk(kind, 1, 3, "money");
        cat(c, 0, "目标达成率");
        c->series[0].values[0] = 544.67e4;
        c->series[1].values[0] = 570.30e4;
        c->series[2].values[0] = 570.30e4 * 0.9;
        return c;
    }
    if (!strcmp(kind, "waterfall")) {
        c = mk(kind, 3, 2, "money");
        static const char *const ch[] = {"线下", "线上", "代理"};
        static const double b[] = {251.46e4, 201.41e4, 116.76e4}, a[] = {254.89e4, 201.23e4, 88.55e4};
        for (size_t i = 0; i < 3; i++) {
            cat(c, i, ch[i]);
            c->series[0].values[i] = b[i];
            c->series[1].values[i] = a[i];
        }
        free(c->series[0].name), free(c->series[1].name);
        c->series[0].name = strdup("上月"), c->series[1].name = strdup("本月");
        return c;
    }
    /* bar, hbar, grouped, bullet, pareto: per rep */
    bool two = !strcmp(kind, "grouped") || !strcmp(kind, "bullet");
    c = mk(kind, 8, two ? (strcmp(kind, "bullet") ? 2 : 3) : 1, "money");
    static const double s[] = {145.02, 110.04, 107.81, 98.20, 83.60, 228.05, 95.45, 101.22},
                        t[] = {128.60, 120.70, 88.40, 121.90, 110.70, 188.10, 92.00, 99.40};
    for (size_t i = 0; i < 8; i++) {
        cat(c, i, REPS[i]);
        c->series[0].values[i] = s[i] * 1e4;
        if (two)
            c->series[1].values[i] = t[i] * 1e4;
        if (c->nseries > 2)
            c->series[2].values[i] = t[i] * 1e4; /* time progress 100%: a month that has ended */
    }
    if (!strcmp(kind, "hbar"))
        c->options = strdup("thresholds=1000000,1200000");
    return c;
}

/* ---- a canvas that records and checks ---- */

typedef struct rec {
    double w, h;
    int fills, strokes, texts, out;
    char all[16384]; /* every text, separated by | */
    size_t len;
    double min_y_text;
    double vx[64];   /* the x of each vertical ink stroke (a bullet's target line) */
    int nvx;
    int dashed;      /* dashed strokes */
    int rings;       /* strokes of closed paths (a hollow marker's ring) */
    double mk_x, mk_y;  /* the centre of the rightmost small filled marker */
    double bold_y;      /* the baseline of the last bold text (a line chart's value label) */
} rec;

static void check_pt(rec *r, double x, double y)
{
    if (x < -0.6 || y < -0.6 || x > r->w + 0.6 || y > r->h + 0.6) {
        if (r->out < 3)
            fprintf(stderr, "  point (%.1f, %.1f) outside %.0f × %.0f\n", x, y, r->w, r->h);
        r->out++;
    }
}

static void check_path(fp_canvas *c, const fp_path *p, double pad)
{
    rec *r = c->ud;
    for (size_t i = 0; i < p->n; i++) {
        const fp_path_el *e = &p->el[i];
        int k = e->op == FP_PATH_CURVE ? 3 : e->op == FP_PATH_CLOSE ? 0 : 1;
        for (int j = 0; j < k; j++) {
            /* a stroke reaches half its width beyond the path */
            check_pt(r, e->x[j] - pad, e->y[j] - pad);
            check_pt(r, e->x[j] + pad, e->y[j] + pad);
        }
    }
}

static void r_fill(fp_canvas *c, const fp_path *p, uint32_t rgb, double alpha)
{
    (void)rgb, (void)alpha;
    rec *r = c->ud;
    r->fills++;
    check_path(c, p, 0);
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < p->n; i++)
        if (p->el[i].op != FP_PATH_CLOSE) {
            x0 = fmin(x0, p->el[i].x[0]), x1 = fmax(x1, p->el[i].x[0]);
            y0 = fmin(y0, p->el[i].y[0]), y1 = fmax(y1, p->el[i].y[0]);
        }
    if (x1 - x0 < 8 && y1 - y0 < 8 && (x0 + x1) / 2 >= r->mk_x)
        r->mk_x = (x0 + x1) / 2, r->mk_y = (y0 + y1) / 2;
}

static void r_stroke(fp_canvas *c, const fp_path *p, uint32_t rgb, double w, bool dashed)
{
    (void)w;
    rec *r = c->ud;
    r->strokes++;
    r->dashed += dashed;
    r->rings += p->n > 0 && p->el[p->n - 1].op == FP_PATH_CLOSE;
    check_path(c, p, 0);
    if (rgb == FP_C_INK && p->n == 2 && fabs(p->el[0].x[0] - p->el[1].x[0]) < 1e-9 && r->nvx < 64)
        r->vx[r->nvx++] = p->el[0].x[0];
}

static void r_text(fp_canvas *c, double x, double y, const char *s, double size, uint32_t rgb, bool bold,
                   fp_halign al, double angle)
{
    (void)rgb;
    rec *r = c->ud;
    r->texts++;
    if (bold)
        r->bold_y = y;
    r->len += (size_t)snprintf(r->all + r->len, sizeof r->all - r->len, "%s|", s);
    if (r->len >= sizeof r->all)
        r->len = sizeof r->all - 1;
    double w = fp_canvas_measure(c, s, size);
    if (angle == 0) {
        double x0 = al == FP_HALIGN_LEFT ? x : al == FP_HALIGN_CENTER ? x - w / 2 : x - w;
        check_pt(r, x0, y - size * 0.8);
        check_pt(r, x0 + w, y + size * 0.2);
    } else {
        /* slanted labels hang from their end point */
        double a = angle * M_PI / 180;
        double x1 = al == FP_HALIGN_RIGHT ? x - w * cos(a) : x + w * cos(a);
        double y1 = al == FP_HALIGN_RIGHT ? y + w * sin(a) : y - w * sin(a);
        check_pt(r, x, y);
        check_pt(r, x1, y1);
    }
}

static rec *draw_rec(const fp_chart_doc *c, double w, double h)
{
    rec *r = calloc(1, sizeof *r);
    r->w = w, r->h = h;
    r->all[0] = '|'; /* every text between bars: |text| */
    r->len = 1;
    fp_canvas cv = {.ud = r, .fill = r_fill, .stroke = r_stroke, .text = r_text, .fonts = fonts};
    fp_chart_draw(c, &cv, w, h);
    return r;
}

static int count_of(const char *all, const char *needle)
{
    int n = 0;
    for (const char *q = all; (q = strstr(q, needle)) != NULL; q += strlen(needle))
        n++;
    return n;
}

/* ---- reference pictures ---- */

static void compare_png(const fp_chart_doc *c, const char *name, double w)
{
    double h = fp_chart_height(c, w);
    fp_buf png;
    fp_buf_init(&png);
    fp_error e = {0};
    assert_int_equal(fp_chart_png(c, NULL, fonts, w, h, 1.5, &png, &e), FP_OK);
    char rel[256];
    snprintf(rel, sizeof rel, "tests/charts/%s.png", name);
    char *path = tu_path(rel);
    const char *upd = getenv("FUPAN_UPDATE_CHARTS");
    if (upd && *upd == '1') {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fwrite(png.data, 1, png.len, f);
        fclose(f);
    }
    cairo_surface_t *want = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(want) != CAIRO_STATUS_SUCCESS)
        fail_msg("no reference %s: run tests/update-golden and look at it", rel);
    /* the new picture, through a temporary file */
    char *tmp = tu_tmpdir();
    char got_path[1100];
    snprintf(got_path, sizeof got_path, "%s/got.png", tmp);
    FILE *f = fopen(got_path, "wb");
    fwrite(png.data, 1, png.len, f);
    fclose(f);
    cairo_surface_t *got = cairo_image_surface_create_from_png(got_path);
    assert_int_equal(cairo_surface_status(got), CAIRO_STATUS_SUCCESS);
    int gw = cairo_image_surface_get_width(got), gh = cairo_image_surface_get_height(got);
    if (gw != cairo_image_surface_get_width(want) || gh != cairo_image_surface_get_height(want))
        fail_msg("%s: %d × %d pixels, the reference has %d × %d", rel, gw, gh, cairo_image_surface_get_width(want),
                 cairo_image_surface_get_height(want));
    const unsigned char *a = cairo_image_surface_get_data(got), *b = cairo_image_surface_get_data(want);
    int sa = cairo_image_surface_get_stride(got), sb = cairo_image_surface_get_stride(want);
    double sum = 0;
    long bad = 0;
    for (int y = 0; y < gh; y++)
        for (int x = 0; x < gw; x++) {
            int d = 0;
            for (int k = 0; k < 3; k++) {
                int dd = abs(a[y * sa + 4 * x + k] - b[y * sb + 4 * x + k]);
                sum += dd;
                d = dd > d ? dd : d;
            }
            bad += d > 64;
        }
    double mean = sum / (3.0 * gw * gh), frac = (double)bad / ((double)gw * gh);
    if (mean > 1.0 || frac > 0.002)
        fail_msg("%s differs from the new drawing: mean difference %.3f, %.3f%% of the pixels changed (the new one "
                 "is %s)", rel, mean, frac * 100, got_path);
    cairo_surface_destroy(got);
    cairo_surface_destroy(want);
    tu_rmrf(tmp);
    free(tmp);
    free(path);
    fp_buf_free(&png);
}

/* ---- tests ---- */

static const char *const KINDS[] = {"bar",    "hbar",   "grouped", "stacked",   "line",  "pie",      "donut",
                                    "bullet", "gauge",  "pareto",  "funnel",    "waterfall", "radar", "sparkline"};

static void every_kind_matches_its_reference(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof KINDS / sizeof *KINDS; k++) {
        fp_chart_doc *c = sample(KINDS[k]);
        assert_true(fp_chart_kind_known(KINDS[k]));
        double w = 420, h = fp_chart_height(c, w);
        rec *r = draw_rec(c, w, h);
        if (r->out)
            fail_msg("%s: %d points outside the box", KINDS[k], r->out);
        assert_true(r->fills + r->strokes > 0);
        assert_int_equal(count_of(r->all, "暂无数据"), 0);
        free(r);
        compare_png(c, KINDS[k], w);
        freechart(c);
    }
    assert_false(fp_chart_kind_known("piechart"));
}

static void labels_use_the_right_units(void **state)
{
    (void)state;
    fp_chart_doc *c = sample("bar");
    rec *r = draw_rec(c, 420, 190);
    /* money in the hundreds of thousands: the axis and the labels in 万, the zero bare */
    assert_non_null(strstr(r->all, "|0|"));
    assert_non_null(strstr(r->all, "250万|"));
    /* every bar's label with the same decimals (issue 14.6: not 145万 beside 83.6万) */
    assert_non_null(strstr(r->all, "145.0万|"));
    assert_non_null(strstr(r->all, "83.6万|"));
    assert_non_null(strstr(r->all, "228.1万|"));
    free(r);
    /* in the hundreds of millions: 亿 */
    for (size_t i = 0; i < c->ncats; i++)
        c->series[0].values[i] *= 1000;
    r = draw_rec(c, 420, 190);
    assert_non_null(strstr(r->all, "亿|"));
    free(r);
    /* percentages */
    free(c->value_format);
    c->value_format = strdup("percent");
    for (size_t i = 0; i < c->ncats; i++)
        c->series[0].values[i] = 0.5 + 0.1 * (double)i;
    r = draw_rec(c, 420, 190);
    assert_non_null(strstr(r->all, "|150%|")); /* the axis */
    assert_non_null(strstr(r->all, "|120.0%|")); /* a bar's label, with the decimal every label has */
    free(r);
    freechart(c);
}

static void one_point(void **state)
{
    (void)state;
    fp_chart_doc *c = mk("line", 1, 1, "money");
    cat(c, 0, "2026-10");
    c->series[0].values[0] = 544.67e4;
    rec *r = draw_rec(c, 420, 190);
    assert_int_equal(r->out, 0);
    assert_true(r->fills >= 1); /* the point is drawn as a dot, there being no line */
    assert_non_null(strstr(r->all, "2026-10|"));
    free(r);
    compare_png(c, "edge-one-point", 420);
    freechart(c);
    /* a year's review: one point of sales and one of target, the target dashed — both are drawn (the target was
     * invisible, though the legend named it) */
    c = mk("line", 1, 2, "money");
    cat(c, 0, "2025");
    c->series[0].values[0] = 544.67e4;
    c->series[1].values[0] = 600e4;
    c->options = strdup("dashed=2");
    r = draw_rec(c, 420, 190);
    assert_int_equal(r->out, 0);
    assert_true(r->fills >= 2);
    free(r);
    freechart(c);
    /* a sparkline of one value draws nothing (a lone dot said nothing of a trend) */
    c = mk("sparkline", 1, 1, "money");
    cat(c, 0, "2025");
    c->series[0].values[0] = 544.67e4;
    r = draw_rec(c, 120, 24);
    assert_int_equal(r->fills + r->strokes, 0);
    free(r);
    freechart(c);
}

static void all_zero_and_no_data(void **state)
{
    (void)state;
    fp_chart_doc *c = mk("bar", 5, 1, "money");
    for (size_t i = 0; i < 5; i++)
        cat(c, i, REPS[i]);
    rec *r = draw_rec(c, 420, 190);
    assert_int_equal(r->out, 0);
    assert_non_null(strstr(r->all, "|0|")); /* an axis from 0 to 1, not a division by zero */
    assert_int_equal(count_of(r->all, "暂无数据"), 0);
    free(r);
    compare_png(c, "edge-all-zero", 420);
    /* every value missing, or no categories at all: 暂无数据, for every kind */
    for (size_t i = 0; i < 5; i++)
        c->series[0].values[i] = NAN;
    for (size_t k = 0; k < sizeof KINDS / sizeof *KINDS; k++) {
        free(c->kind);
        c->kind = strdup(KINDS[k]);
        r = draw_rec(c, 420, 120);
        if (!strcmp(KINDS[k], "sparkline"))
            assert_int_equal(count_of(r->all, "暂无数据") + count_of(r->all, "—"), 1);
        else
            assert_int_equal(count_of(r->all, "暂无数据"), 1);
        assert_int_equal(r->out, 0);
        free(r);
    }
    freechart(c);
    c = mk("pie", 0, 1, "money");
    r = draw_rec(c, 420, 120);
    assert_int_equal(count_of(r->all, "暂无数据"), 1);
    free(r);
    compare_png(c, "edge-no-data", 420);
    freechart(c);
}

/* A waterfall where nothing changed (this month's sales by channel equal last month's): a handful of
 * gridlines from zero, not a zero range stepped through 115,000 times (a 30 MB chart). */
static void waterfall_with_no_change(void **state)
{
    (void)state;
    fp_chart_doc *c = mk("waterfall", 3, 2, "money");
    for (size_t i = 0; i < 3; i++) {
        cat(c, i, REPS[i]);
        c->series[0].values[i] = c->series[1].values[i] = 247500.0 + (double)i * 1000;
    }
    rec *r = draw_rec(c, 420, 190);
    assert_int_equal(r->out, 0);
    assert_true(r->strokes < 60);
    assert_true(r->texts < 40);
    free(r);
    freechart(c);
}

/* issue 14.7: a waterfall whose axis does not start at zero says so — a note with the value the axis starts
 * at — and breaks its total bars; one whose axis starts at zero has no such note */
static void waterfall_says_when_its_axis_is_cut(void **state)
{
    (void)state;
    fp_chart_doc *c = sample("waterfall"); /* 569.63万 → 544.67万: the changes would be slivers from zero */
    rec *r = draw_rec(c, 420, 190);
    assert_int_equal(r->out, 0);
    if (!strstr(r->all, "|纵轴起点为 "))
        fail_msg("a cut waterfall axis without a note: %s", r->all);
    assert_non_null(strstr(r->all, "万，合计柱截断|"));
    free(r);
    c->en = true;
    r = draw_rec(c, 420, 190);
    assert_int_equal(r->out, 0);
    assert_non_null(strstr(r->all, "|Axis starts at "));
    free(r);
    /* the cut axis reaches just above the highest level: 16.51M to 16.72M is not drawn up to 20M in steps of
     * 0.2M (nineteen gridlines) */
    static const double before[] = {8.0e6, 5.0e6, 3.51e6}, after[] = {8.16e6, 5.26e6, 3.30e6};
    for (size_t i = 0; i < 3; i++)
        c->series[0].values[i] = before[i], c->series[1].values[i] = after[i];
    r = draw_rec(c, 420, 190);
    int ticks = 0;
    for (const char *q = r->all; (q = strstr(q, "M|")) != NULL; q += 2)
        ticks++;
    if (ticks > 12 || strstr(r->all, "|20M|"))
        fail_msg("%d labels in M: %s", ticks, r->all);
    free(r);
    /* a change too small for the labels' decimals reads "<0.01M", not "-0" */
    c->series[1].values[2] = c->series[0].values[2] - 120; /* ¥120 less: -0.00012M */
    r = draw_rec(c, 420, 190);
    if (strstr(r->all, "|-0|") || !strstr(r->all, "|-<0.01M|"))
        fail_msg("a tiny fall is not labelled as such: %s", r->all);
    free(r);
    /* changes as large as the totals: the axis starts at zero, and nothing to say */
    c->en = false;
    for (size_t i = 0; i < 3; i++)
        c->series[1].values[i] = 10e4;
    r = draw_rec(c, 420, 190);
    assert_int_equal(r->out, 0);
    assert_null(strstr(r->all, "纵轴起点"));
    free(r);
    freechart(c);
}

/* issue 14.9: every row of a bullet chart has its target at the same place, however far a rep ran past it
 * (122% and 250% used to move the line left); a bar past the end of the scale is still drawn inside the chart */
static void bullet_targets_line_up(void **state)
{
    (void)state;
    fp_chart_doc *c = sample("bullet");
    c->series[0].values[0] = c->series[1].values[0] * 2.5; /* 250% */
    rec *r = draw_rec(c, 420, fp_chart_height(c, 420));
    assert_int_equal(r->out, 0);
    assert_int_equal(r->nvx, (int)c->ncats);
    for (int i = 1; i < r->nvx; i++)
        if (fabs(r->vx[i] - r->vx[0]) > 0.01)
            fail_msg("row %d's target line is at x = %.2f, row 1's at %.2f", i + 1, r->vx[i], r->vx[0]);
    free(r);
    freechart(c);
}

/* issue 14.11: a period still in progress (the trend's last month on 15 October) is drawn hollow and reached by a
 * dashed segment, in the line chart and in the sparkline; a finished series has neither */
static void partial_periods_are_marked(void **state)
{
    (void)state;
    static const char *const kinds[] = {"line", "sparkline"};
    for (int k = 0; k < 2; k++) {
        fp_chart_doc *c = sample(kinds[k]);
        if (k == 0) {
            free(c->options);
            c->options = NULL; /* no dashed series of its own */
        }
        rec *r = draw_rec(c, 420, k ? 24 : 190);
        int dashed = r->dashed, rings = r->rings;
        free(r);
        c->partial = calloc(c->ncats, sizeof *c->partial);
        c->partial[c->ncats - 1] = true;
        r = draw_rec(c, 420, k ? 24 : 190);
        assert_int_equal(r->out, 0);
        /* one dashed segment per series into the last point, one ring per hollow marker */
        int ns = k ? 1 : (int)c->nseries;
        if (r->dashed != dashed + ns)
            fail_msg("%s: %d dashed strokes with a partial last period, %d without", kinds[k], r->dashed, dashed);
        if (r->rings < rings + 1)
            fail_msg("%s: no hollow marker for the partial period", kinds[k]);
        free(r);
        freechart(c);
    }
}

/* issue 14.8: the label of a line's last value is not crossed by a line: above its point, unless the line comes
 * steeply down into the point (then below), or the other series passes where it would stand */
static void last_value_label_clear_of_lines(void **state)
{
    (void)state;
    fp_chart_doc *c = sample("line");
    free(c->options);
    c->options = NULL;
    size_t n = c->ncats;
    /* a steep fall into the last month, the target far below: the label goes under the point */
    c->series[0].values[n - 2] = 800e4, c->series[0].values[n - 1] = 300e4;
    c->series[1].values[n - 2] = 100e4, c->series[1].values[n - 1] = NAN; /* the rightmost marker is the label's */
    rec *r = draw_rec(c, 420, 190);
    if (!(r->bold_y > r->mk_y))
        fail_msg("the label (baseline %.1f) is above its point (%.1f) though the line comes down into it", r->bold_y,
                 r->mk_y);
    free(r);
    /* a rise into the last month: above */
    c->series[0].values[n - 2] = 300e4, c->series[0].values[n - 1] = 500e4;
    r = draw_rec(c, 420, 190);
    if (!(r->bold_y < r->mk_y))
        fail_msg("the label (baseline %.1f) is below its point (%.1f) on a rise", r->bold_y, r->mk_y);
    free(r);
    freechart(c);
}

/* issue 14.10: a category label on two lines is cut where a line may break (Home | Office), not inside a word */
static void category_labels_break_between_words(void **state)
{
    (void)state;
    fp_chart_doc *c = mk("bar", 3, 1, "money");
    static const char *const segs[] = {"Home Office", "Corporate", "Consumer"};
    for (size_t i = 0; i < 3; i++) {
        cat(c, i, segs[i]);
        c->series[0].values[i] = 1e5 * (double)(i + 1);
    }
    rec *r = draw_rec(c, 150, 160);
    assert_int_equal(r->out, 0);
    if (!strstr(r->all, "|Home|Office|"))
        fail_msg("Home Office was not cut between its words: %s", r->all);
    free(r);
    /* Chinese on two lines: halves, not 软件服 | 务 */
    free(c->cats[0]);
    c->cats[0] = strdup("软件服务");
    r = draw_rec(c, 110, 160);
    if (!strstr(r->all, "|软件|服务|"))
        fail_msg("软件服务 was not cut in the middle: %s", r->all);
    free(r);
    freechart(c);
}

/* issue 14.10: the phone drawing of every kind (narrow, labels 1.45 times larger) keeps every label inside the
 * box (the gauge's 0%, 目标达成率 and 120% were cut by the card's edge at 390 px) */
static void every_kind_fits_the_phone_drawing(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof KINDS / sizeof *KINDS; k++) {
        fp_chart_doc *c = sample(KINDS[k]);
        double w = FP_CHART_NARROW, h = fp_chart_height(c, w) * 1.15;
        rec *r = calloc(1, sizeof *r);
        r->w = w, r->h = h;
        r->all[0] = '|';
        r->len = 1;
        fp_canvas cv = {.ud = r, .fill = r_fill, .stroke = r_stroke, .text = r_text, .fonts = fonts};
        fp_chart_draw_scaled(c, &cv, w, h, 1.45);
        if (r->out)
            fail_msg("%s: %d point(s) outside the %.0f × %.0f phone drawing", KINDS[k], r->out, w, h);
        if (!strcmp(KINDS[k], "funnel") && strstr(r->all, "…"))
            fail_msg("funnel: a stage's label is cut on the phone: %s", r->all);
        free(r);
        freechart(c);
    }
}

static void negative_values(void **state)
{
    (void)state;
    static const double d[] = {0.214, -0.135, 0.046, -0.302, 0.118, -0.044};
    fp_chart_doc *c = mk("bar", 6, 1, "signed");
    for (size_t i = 0; i < 6; i++) {
        cat(c, i, REPS[i]);
        c->series[0].values[i] = d[i];
    }
    rec *r = draw_rec(c, 420, 190);
    assert_int_equal(r->out, 0);
    /* the axis spans both signs, in percent, with the zero line labelled */
    assert_non_null(strstr(r->all, "-40%|"));
    assert_non_null(strstr(r->all, "|0%|"));
    assert_non_null(strstr(r->all, "-30.2%|"));
    free(r);
    compare_png(c, "edge-negative", 420);
    free(c->kind);
    c->kind = strdup("hbar");
    r = draw_rec(c, 420, fp_chart_height(c, 420));
    assert_int_equal(r->out, 0);
    free(r);
    compare_png(c, "edge-negative-hbar", 420);
    freechart(c);
}

static void thirty_categories_and_long_names(void **state)
{
    (void)state;
    fp_chart_doc *c = mk("bar", 36, 1, "money");
    for (size_t i = 0; i < 36; i++) {
        char n[64];
        snprintf(n, sizeof n, "%s分公司第%zu营业部", i % 2 ? "上海" : "乌鲁木齐", i + 1);
        cat(c, i, n);
        c->series[0].values[i] = (double)(36 - i) * 3.1e4 + (double)(i % 7) * 1e4;
    }
    rec *r = draw_rec(c, 420, 190);
    assert_int_equal(r->out, 0);
    /* slanted and shortened with an ellipsis: all 36 fit at this width */
    assert_int_equal(count_of(r->all, "营业部|") + count_of(r->all, "…|"), 36);
    assert_true(count_of(r->all, "…|") >= 18);
    free(r);
    /* squeezed into 200 points, only every few labels are shown, still inside the box */
    r = draw_rec(c, 200, 190);
    assert_int_equal(r->out, 0);
    int shown = count_of(r->all, "营业部|") + count_of(r->all, "…|");
    assert_true(shown >= 6 && shown < 36);
    free(r);
    compare_png(c, "edge-36-categories", 420);
    /* rankings with very long names: cut with an ellipsis at a third of the width */
    free(c->kind);
    c->kind = strdup("hbar");
    cat(c, 0, "深圳市鼎盛连锁超市有限公司华南区域采购中心（含东莞、惠州、中山三地门店）");
    r = draw_rec(c, 420, fp_chart_height(c, 420));
    assert_int_equal(r->out, 0);
    assert_non_null(strstr(r->all, "深圳市"));
    assert_null(strstr(r->all, "三地门店"));
    free(r);
    compare_png(c, "edge-long-names-hbar", 420);
    freechart(c);
}

static void many_slices(void **state)
{
    (void)state;
    fp_chart_doc *c = mk("donut", 25, 1, "money");
    for (size_t i = 0; i < 25; i++) {
        char n[32];
        snprintf(n, sizeof n, "产品%02zu", i + 1);
        cat(c, i, n);
        c->series[0].values[i] = 1e5 * (double)(26 - i);
    }
    rec *r = draw_rec(c, 420, fp_chart_height(c, 420));
    assert_int_equal(r->out, 0);
    /* the legend shows what fits and says how many more there are */
    assert_int_equal(count_of(r->all, "另有"), 1);
    assert_int_equal(count_of(r->all, "产品01"), 1);
    free(r);
    compare_png(c, "edge-many-slices", 420);
    freechart(c);
}

static void missing_values_leave_gaps(void **state)
{
    (void)state;
    fp_chart_doc *c = sample("line");
    c->series[0].values[4] = NAN;
    c->series[0].values[5] = NAN;
    c->series[1].values[12] = NAN;
    rec *r = draw_rec(c, 420, 190);
    assert_int_equal(r->out, 0);
    free(r);
    compare_png(c, "edge-missing", 420);
    freechart(c);
}

static void svg_text_is_text_and_escaped(void **state)
{
    (void)state;
    fp_chart_doc *c = mk("bar", 2, 1, "int");
    cat(c, 0, "<b>&\"A\"</b>");
    cat(c, 1, "线上");
    c->series[0].values[0] = 3;
    c->series[0].values[1] = 5;
    fp_buf b;
    fp_buf_init(&b);
    fp_chart_svg(c, "标题 <i>", fonts, 420, 190, &b);
    assert_contains(b.data, "<svg viewBox=\"0 0 420 190\"");
    assert_contains(b.data, "aria-label=\"标题 &lt;i&gt;\"");
    assert_contains(b.data, "&lt;b&gt;&amp;&quot;A&quot;&lt;/b&gt;</text>");
    assert_contains(b.data, ">线上</text>");
    assert_not_contains(b.data, "<b>");
    assert_not_contains(b.data, "<i>");
    assert_not_contains(b.data, "<image");
    fp_buf_free(&b);
    freechart(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_kind_matches_its_reference),
        cmocka_unit_test(labels_use_the_right_units),
        cmocka_unit_test(one_point),
        cmocka_unit_test(all_zero_and_no_data),
        cmocka_unit_test(waterfall_with_no_change),
        cmocka_unit_test(waterfall_says_when_its_axis_is_cut),
        cmocka_unit_test(bullet_targets_line_up),
        cmocka_unit_test(partial_periods_are_marked),
        cmocka_unit_test(last_value_label_clear_of_lines),
        cmocka_unit_test(category_labels_break_between_words),
        cmocka_unit_test(every_kind_fits_the_phone_drawing),
        cmocka_unit_test(negative_values),
        cmocka_unit_test(thirty_categories_and_long_names),
        cmocka_unit_test(many_slices),
        cmocka_unit_test(missing_values_leave_gaps),
        cmocka_unit_test(svg_text_is_text_and_escaped),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
