/* chart.c — every chart kind, drawn through the canvas; see chart.h. */
#include "chart.h"
#include "linebreak.h"

#include "theme.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_DATA(x) ((x)->c->en ? "No data" : "暂无数据")

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ---- paths ---- */

void fp_path_init(fp_path *p)
{
    memset(p, 0, sizeof *p);
}

void fp_path_free(fp_path *p)
{
    free(p->el);
    memset(p, 0, sizeof *p);
}

void fp_path_clear(fp_path *p)
{
    p->n = 0;
}

static fp_path_el *add(fp_path *p, fp_path_op op)
{
    fp_xgrow((void **)&p->el, &p->cap, p->n + 1, sizeof *p->el);
    fp_path_el *e = &p->el[p->n++];
    memset(e, 0, sizeof *e);
    e->op = op;
    return e;
}

void fp_path_move(fp_path *p, double x, double y)
{
    fp_path_el *e = add(p, FP_PATH_MOVE);
    e->x[0] = x, e->y[0] = y;
}

void fp_path_line(fp_path *p, double x, double y)
{
    fp_path_el *e = add(p, FP_PATH_LINE);
    e->x[0] = x, e->y[0] = y;
}

void fp_path_curve(fp_path *p, double x1, double y1, double x2, double y2, double x3, double y3)
{
    fp_path_el *e = add(p, FP_PATH_CURVE);
    e->x[0] = x1, e->y[0] = y1, e->x[1] = x2, e->y[1] = y2, e->x[2] = x3, e->y[2] = y3;
}

void fp_path_close(fp_path *p)
{
    add(p, FP_PATH_CLOSE);
}

void fp_path_rect(fp_path *p, double x, double y, double w, double h)
{
    fp_path_move(p, x, y);
    fp_path_line(p, x + w, y);
    fp_path_line(p, x + w, y + h);
    fp_path_line(p, x, y + h);
    fp_path_close(p);
}

void fp_path_arc(fp_path *p, double cx, double cy, double r, double a0, double a1, bool line_to)
{
    double sx = cx + r * cos(a0), sy = cy + r * sin(a0);
    if (line_to)
        fp_path_line(p, sx, sy);
    else
        fp_path_move(p, sx, sy);
    int n = (int)ceil(fabs(a1 - a0) / (M_PI / 2));
    if (n < 1)
        n = 1;
    double step = (a1 - a0) / n;
    double k = 4.0 / 3.0 * tan(step / 4);
    for (int i = 0; i < n; i++) {
        double t0 = a0 + i * step, t1 = t0 + step;
        double x0 = cx + r * cos(t0), y0 = cy + r * sin(t0);
        double x3 = cx + r * cos(t1), y3 = cy + r * sin(t1);
        fp_path_curve(p, x0 - k * r * sin(t0), y0 + k * r * cos(t0), x3 + k * r * sin(t1), y3 - k * r * cos(t1), x3,
                      y3);
    }
}

double fp_canvas_measure(const fp_canvas *c, const char *s, double size)
{
    if (!s || !c->fonts)
        return 0;
    double w = 0;
    while (*s)
        w += fp_fontset_advance(c->fonts, fp_utf8_next(&s));
    return w * size / 1000.0;
}

/* ---- drawing helpers ---- */

typedef struct ctx {
    const fp_chart_doc *c;
    fp_canvas *cv;
    double w, h;
    fp_path p;
    int dashed;           /* 1-based series drawn dashed, 0 none */
    double th[2];         /* thresholds */
    bool has_th, labels, sort;
    double max_opt;       /* max=…, NAN when not given */
    double fs, fss;       /* label sizes: FP_CHART_FONT and FP_CHART_FONT_SMALL times the text scale */
    int ldec;             /* decimals of every data label of the chart (one for all); -1: each its own */
} ctx;

#define FS (x->fs)
#define FSS (x->fss)

static void fill_rect(ctx *x, double x0, double y0, double w, double h, uint32_t rgb, double alpha)
{
    if (w <= 0 || h <= 0)
        return;
    fp_path_clear(&x->p);
    fp_path_rect(&x->p, x0, y0, w, h);
    x->cv->fill(x->cv, &x->p, rgb, alpha);
}

static void line(ctx *x, double x0, double y0, double x1, double y1, uint32_t rgb, double width, bool dashed)
{
    fp_path_clear(&x->p);
    fp_path_move(&x->p, x0, y0);
    fp_path_line(&x->p, x1, y1);
    x->cv->stroke(x->cv, &x->p, rgb, width, dashed);
}

static void text(ctx *x, double tx, double ty, const char *s, double size, uint32_t rgb, bool bold, fp_halign al)
{
    x->cv->text(x->cv, tx, ty, s, size, rgb, bold, al, 0);
}

static double measure(ctx *x, const char *s, double size)
{
    return fp_canvas_measure(x->cv, s, size);
}

/* s cut to fit maxw, with an ellipsis when cut (caller frees) */
static char *fit(ctx *x, const char *s, double size, double maxw)
{
    if (!s)
        return fp_xstrdup("");
    if (measure(x, s, size) <= maxw)
        return fp_xstrdup(s);
    double ell = measure(x, "…", size), w = 0;
    const char *q = s, *last = s;
    while (*q) {
        const char *at = q;
        uint32_t cp = fp_utf8_next(&q);
        double cw = fp_fontset_advance(x->cv->fonts, cp) * size / 1000.0;
        if (w + cw + ell > maxw) {
            last = at;
            break;
        }
        w += cw;
        last = q;
    }
    size_t n = (size_t)(last - s);
    char *out = fp_xmalloc(n + 4);
    memcpy(out, s, n);
    memcpy(out + n, "…", 4);
    return out;
}

static uint32_t series_color(size_t i)
{
    return FP_PALETTE[i % FP_PALETTE_N];
}

/* the tone of v against the thresholds, higher is better */
static uint32_t th_color(const ctx *x, double v, uint32_t dflt)
{
    if (!x->has_th || isnan(v))
        return dflt;
    return v < x->th[0] ? FP_C_BAD : v < x->th[1] ? FP_C_WARN : FP_C_GOOD;
}

/* ---- numbers ---- */

typedef struct unit {
    double div;
    const char *suffix;
    bool percent;
} unit;

/* the unit an axis or a set of labels is written in: money and big numbers in 万 or 亿 */
static unit unit_for(bool en, const char *vf, double maxabs)
{
    unit u = {1, "", false};
    if (vf && (!strcmp(vf, "percent") || !strcmp(vf, "signed") || !strcmp(vf, "pp"))) {
        u.percent = true;
        u.div = 0.01;
        u.suffix = "%";
        return u;
    }
    if (en) {
        if (maxabs >= 1e9)
            u.div = 1e9, u.suffix = "B";
        else if (maxabs >= 1e6)
            u.div = 1e6, u.suffix = "M";
        else if (maxabs >= 1e4)
            u.div = 1e3, u.suffix = "K";
        return u;
    }
    if (maxabs >= 1e8)
        u.div = 1e8, u.suffix = "亿";
    else if (maxabs >= 1e5 || (vf && !strcmp(vf, "money") && maxabs >= 1e4))
        u.div = 1e4, u.suffix = "万";
    return u;
}

/* v in unit u with dec decimals (trailing zeros dropped unless keep); thousands separated */
static void num_text_ex(double v, unit u, int dec, bool keep, char *out, size_t n)
{
    double s = v / u.div;
    char b[64];
    fp_fixed(b, sizeof b, s, dec);
    if (!keep && strchr(b, '.')) {
        char *e = b + strlen(b) - 1;
        while (*e == '0')
            *e-- = 0;
        if (*e == '.')
            *e = 0;
    }
    if (b[0] == '-' && strspn(b + 1, "0.") == strlen(b + 1))
        memmove(b, b + 1, strlen(b)); /* -0, -0.00 */
    if (strspn(b, "0.") == strlen(b) && !u.percent) {
        snprintf(out, n, "0"); /* zero needs no unit */
        return;
    }
    /* thousands separators on the integer part */
    char g[96];
    const char *digits = b[0] == '-' ? b + 1 : b;
    const char *dot = strchr(digits, '.');
    size_t il = dot ? (size_t)(dot - digits) : strlen(digits);
    size_t o = 0;
    if (b[0] == '-')
        g[o++] = '-';
    for (size_t i = 0; i < il; i++) {
        if (i > 0 && (il - i) % 3 == 0)
            g[o++] = ',';
        g[o++] = digits[i];
    }
    g[o] = 0;
    if (dot)
        snprintf(g + o, sizeof g - o, "%s", dot);
    snprintf(out, n, "%s%s", g, u.suffix);
}

static void num_text(double v, unit u, int dec, char *out, size_t n)
{
    num_text_ex(v, u, dec, false, out, n);
}

/* the decimals every data label of a chart shares (issue: 94万 beside 93.7万): enough for the smallest
 * non-zero value to show three significant digits or so, at most two; whole numbers none */
static int common_dec(const double *v, size_t n, unit u)
{
    if (u.percent)
        return 1;
    double least = INFINITY;
    bool whole = true;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]) || v[i] == 0)
            continue;
        least = fmin(least, fabs(v[i] / u.div));
        whole = whole && fabs(v[i] - round(v[i])) < 1e-9;
    }
    if (!isfinite(least) || (u.div == 1 && whole))
        return 0;
    return least >= 100 ? 0 : least >= 10 ? 1 : 2;
}

/* one decimals count for the labels of every series of the chart */
static void set_label_dec(ctx *x, unit u)
{
    size_t n = 0;
    for (size_t s = 0; s < x->c->nseries; s++)
        n += x->c->ncats;
    double *v = fp_xmalloc((n ? n : 1) * sizeof *v);
    size_t k = 0;
    for (size_t s = 0; s < x->c->nseries; s++)
        for (size_t i = 0; i < x->c->ncats; i++)
            v[k++] = x->c->series[s].values[i];
    x->ldec = common_dec(v, k, u);
    free(v);
}

/* a data label: in the chart's common decimals, else three significant digits or so */
static void value_text(const ctx *x, double v, unit u, char *out, size_t n)
{
    if (x->ldec >= 0) {
        num_text_ex(v, u, x->ldec, true, out, n);
        return;
    }
    double a = fabs(v / u.div);
    int dec = u.percent ? 1 : a >= 100 ? 0 : a >= 10 ? 1 : 2;
    if (!u.percent && u.div == 1 && fabs(v - round(v)) < 1e-9)
        dec = 0;
    num_text(v, u, dec, out, n);
}

/* nice axis: ticks at 1, 2 or 5 × 10^k covering [lo, hi], zero included */
typedef struct axis {
    double lo, hi, step;
    int n;
    unit u;
    int dec;
} axis;

static axis nice_axis(bool en, double lo, double hi, int target, const char *vf)
{
    axis a;
    if (lo > 0)
        lo = 0;
    if (hi < 0)
        hi = 0;
    if (!(hi > lo))
        hi = lo + 1; /* all zeros: an axis from 0 to 1 */
    double raw = (hi - lo) / target, mag = pow(10, floor(log10(raw))), f = raw / mag;
    double nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    a.step = nf * mag;
    a.lo = floor(lo / a.step + 1e-9) * a.step;
    a.hi = ceil(hi / a.step - 1e-9) * a.step;
    if (a.hi <= a.lo)
        a.hi = a.lo + a.step;
    a.n = (int)lround((a.hi - a.lo) / a.step);
    a.u = unit_for(en, vf, fmax(fabs(a.lo), fabs(a.hi)));
    /* decimals the step needs in the unit */
    double st = a.step / a.u.div;
    a.dec = st >= 1 ? 0 : (int)ceil(-log10(st) - 1e-9);
    if (a.dec > 4)
        a.dec = 4;
    return a;
}

/* ---- options ---- */

static void options(ctx *x)
{
    x->labels = true;
    x->sort = true;
    x->max_opt = NAN;
    const char *o = x->c->options;
    while (o && *o) {
        const char *semi = strchr(o, ';');
        size_t len = semi ? (size_t)(semi - o) : strlen(o);
        char kv[128];
        snprintf(kv, sizeof kv, "%.*s", (int)(len < sizeof kv ? len : sizeof kv - 1), o);
        char *eq = strchr(kv, '=');
        if (eq) {
            *eq = 0;
            const char *k = kv, *v = eq + 1;
            while (*k == ' ')
                k++;
            if (!strcmp(k, "dashed"))
                x->dashed = atoi(v);
            else if (!strcmp(k, "thresholds")) {
                x->has_th = sscanf(v, "%lf,%lf", &x->th[0], &x->th[1]) == 2;
            } else if (!strcmp(k, "max"))
                x->max_opt = atof(v);
            else if (!strcmp(k, "labels"))
                x->labels = strcmp(v, "no") != 0;
            else if (!strcmp(k, "sort"))
                x->sort = strcmp(v, "no") != 0;
        }
        o = semi ? semi + 1 : o + len;
    }
}

static double val(const ctx *x, size_t s, size_t i)
{
    return s < x->c->nseries && i < x->c->ncats ? x->c->series[s].values[i] : NAN;
}

static bool any_value(const ctx *x)
{
    for (size_t s = 0; s < x->c->nseries; s++)
        for (size_t i = 0; i < x->c->ncats; i++)
            if (!isnan(val(x, s, i)))
                return true;
    return false;
}

static void no_data(ctx *x)
{
    fill_rect(x, 0, 0, x->w, x->h, FP_C_SOFT, 1);
    text(x, x->w / 2, x->h / 2 + 4, NO_DATA(x), FS * 1.33, FP_C_MUTED, false, FP_HALIGN_CENTER);
}

/* ---- legend ---- */

typedef struct legend_item {
    const char *name;
    uint32_t color;
    bool line, dashed;
} legend_item;

/* lays the legend out in rows across the top; returns its height; draws when draw */
static double legend(ctx *x, const legend_item *it, size_t n, double y0, bool draw)
{
    if (n == 0)
        return 0;
    double fs = FS, sw = 10, gap = 12, xx = 0, rows = 1, lh = fs * 1.6;
    for (size_t i = 0; i < n; i++) {
        double w = sw + 4 + fmin(measure(x, it[i].name, fs), x->w * 0.6);
        if (xx > 0 && xx + w > x->w) {
            rows++;
            xx = 0;
        }
        if (draw) {
            double ty = y0 + (rows - 1) * lh;
            if (it[i].line)
                line(x, xx, ty + lh / 2 - 1, xx + sw, ty + lh / 2 - 1, it[i].color, FP_CHART_LINE, it[i].dashed);
            else
                fill_rect(x, xx, ty + lh / 2 - 5, sw, 8, it[i].color, 1);
            char *nm = fit(x, it[i].name, fs, x->w * 0.6);
            text(x, xx + sw + 4, ty + lh / 2 + fs * 0.35 - 1, nm, fs, FP_C_INK, false, FP_HALIGN_LEFT);
            free(nm);
        }
        xx += w + gap;
    }
    return rows * lh + 4;
}

/* ---- cartesian charts: bar, grouped, stacked, line, pareto, waterfall ---- */

typedef struct plot {
    double x0, y0, x1, y1; /* the plot area */
    axis a;
    double slot;           /* width per category */
    size_t label_every;
    double label_angle;
    double label_size;
} plot;

static double py(const plot *p, double v)
{
    return p->y1 - (v - p->a.lo) / (p->a.hi - p->a.lo) * (p->y1 - p->y0);
}

/* category labels: straight, wrapped on two lines, or slanted and thinned out when crowded */
static double cat_labels_height(ctx *x, plot *p, double plot_w)
{
    size_t n = x->c->ncats;
    p->slot = n ? plot_w / (double)n : plot_w;
    p->label_every = 1;
    p->label_angle = 0;
    p->label_size = n > 20 ? FSS : FS;
    double maxw = 0;
    for (size_t i = 0; i < n; i++)
        maxw = fmax(maxw, measure(x, x->c->cats[i], p->label_size));
    if (maxw <= p->slot - 3)
        return p->label_size * 1.9;
    if (maxw <= 2 * (p->slot - 3) && n <= 12)
        return p->label_size * 3.1; /* two lines */
    /* slanted at 45°, every k-th label when even that is too tight */
    p->label_angle = 45;
    double need = p->label_size * 1.25;
    while (p->slot * (double)p->label_every < need)
        p->label_every++;
    double longest = fmin(maxw, 70);
    return longest * 0.72 + p->label_size * 1.6;
}

static void cat_label(ctx *x, const plot *p, size_t i)
{
    if (i % p->label_every)
        return;
    const char *s = x->c->cats[i];
    double cx = p->x0 + p->slot * ((double)i + 0.5), size = p->label_size;
    if (p->label_angle > 0) {
        char *t = fit(x, s, size, 70);
        x->cv->text(x->cv, cx + size * 0.3, p->y1 + size * 1.2, t, size, FP_C_MUTED, false, FP_HALIGN_RIGHT, 45);
        free(t);
        return;
    }
    double w = measure(x, s, size);
    if (w <= p->slot - 3) {
        text(x, cx, p->y1 + size * 1.45, s, size, FP_C_MUTED, false, FP_HALIGN_CENTER);
        return;
    }
    /* two lines: cut at the last place the line-breaking rules allow before the first line is full (Home |
     * Office, not Home Offi | ce), or where it is full when there is none */
    size_t n = 0, len = strlen(s);
    fp_lb_item *it = fp_xmalloc((len + 1) * sizeof *it);
    const char **at = fp_xmalloc((len + 2) * sizeof *at);
    for (const char *q = s; *q;) {
        at[n] = q;
        uint32_t cp = fp_utf8_next(&q);
        it[n++] = (fp_lb_item){cp, (int32_t)lround(fp_fontset_advance(x->cv->fonts, cp) * size)};
    }
    at[n] = s + len;
    bool *ok = fp_xmalloc(n + 1);
    fp_lb_breaks(it, n, ok);
    size_t full = n, last_ok = 0;
    double acc = 0, total = 0;
    for (size_t k = 0; k < n; k++)
        total += it[k].w / 1000.0;
    for (size_t k = 0; k < n; k++) {
        if (k > 0 && ok[k])
            last_ok = k;
        if (acc + it[k].w / 1000.0 > p->slot - 3) {
            full = k;
            break;
        }
        acc += it[k].w / 1000.0;
    }
    size_t cutk = full < n && last_ok > 0 ? last_ok : full;
    /* of the breaks where both lines fit, the one nearest the middle (软件 | 服务, not 软件服 | 务) */
    double best = INFINITY, w1 = 0;
    for (size_t k = 1; k < n; k++) {
        w1 += it[k - 1].w / 1000.0;
        if (!ok[k] || w1 > p->slot - 3 || total - w1 > p->slot - 3)
            continue;
        if (fmax(w1, total - w1) < best) {
            best = fmax(w1, total - w1);
            cutk = k;
        }
    }
    const char *cut = at[cutk];
    size_t l1n = (size_t)(cut - s);
    while (l1n > 0 && s[l1n - 1] == ' ')
        l1n--;
    char *l1 = fp_xstrndup(s, l1n);
    while (*cut == ' ')
        cut++;
    char *l2 = fit(x, cut, size, p->slot - 3);
    free(it);
    free(at);
    free(ok);
    text(x, cx, p->y1 + size * 1.45, l1, size, FP_C_MUTED, false, FP_HALIGN_CENTER);
    text(x, cx, p->y1 + size * 2.65, l2, size, FP_C_MUTED, false, FP_HALIGN_CENTER);
    free(l1);
    free(l2);
}

static void grid(ctx *x, const plot *p, bool right_percent)
{
    for (int i = 0; i <= p->a.n; i++) {
        double v = p->a.lo + p->a.step * i, y = py(p, v);
        bool zero = fabs(v) < p->a.step * 1e-6;
        if (!zero)
            line(x, p->x0, y, p->x1, y, FP_C_LINE, FP_CHART_GRID, false);
        char lab[64];
        num_text(v, p->a.u, p->a.dec, lab, sizeof lab);
        text(x, p->x0 - 4, y + FS * 0.35, lab, FS, FP_C_MUTED, false, FP_HALIGN_RIGHT);
    }
    if (right_percent)
        for (int k = 0; k <= 4; k++) {
            double y = p->y1 - (p->y1 - p->y0) * k / 4.0;
            char lab[16];
            snprintf(lab, sizeof lab, "%d%%", k * 25);
            text(x, p->x1 + 4, y + FS * 0.35, lab, FS, FP_C_MUTED, false, FP_HALIGN_LEFT);
        }
}

static void zero_line(ctx *x, const plot *p)
{
    double y = py(p, 0);
    line(x, p->x0, y, p->x1, y, FP_C_MUTED, FP_CHART_AXIS, false);
}

/* the plot area for the value range [lo, hi], below a legend of height top */
static void layout(ctx *x, plot *p, double lo, double hi, double top, bool right_axis)
{
    p->a = nice_axis(x->c->en, lo, hi, x->h > 150 ? 5 : 3, x->c->value_format);
    double lw = 0;
    for (int i = 0; i <= p->a.n; i++) {
        char lab[64];
        num_text(p->a.lo + p->a.step * i, p->a.u, p->a.dec, lab, sizeof lab);
        lw = fmax(lw, measure(x, lab, FS));
    }
    p->x0 = lw + 6;
    p->x1 = x->w - (right_axis ? measure(x, "100%", FS) + 6 : 4);
    double bottom = cat_labels_height(x, p, p->x1 - p->x0);
    if (p->label_angle > 0) {
        /* slanted labels hang down to the left of their category: the first must stay in the box */
        double maxw = 0;
        for (size_t i = 0; i < x->c->ncats; i++)
            maxw = fmax(maxw, measure(x, x->c->cats[i], p->label_size));
        double reach = fmin(maxw, 70) * 0.7071 - p->slot / 2 - p->label_size * 0.3 + 2;
        if (p->x0 < reach) {
            p->x0 = reach;
            bottom = cat_labels_height(x, p, p->x1 - p->x0);
        }
    }
    p->y0 = top + FS * 0.6;
    p->y1 = x->h - bottom;
    if (p->y1 - p->y0 < 20)
        p->y1 = p->y0 + 20;
}

static void data_label(ctx *x, double cx, double y, double v, unit u, double room, bool above)
{
    char lab[64];
    value_text(x, v, u, lab, sizeof lab);
    double w = measure(x, lab, FSS);
    if (w > room)
        return; /* only where it fits */
    text(x, cx, above ? y - 3 : y + FSS + 2, lab, FSS, FP_C_INK, false,
         FP_HALIGN_CENTER);
}

static void range_of(const ctx *x, size_t s0, size_t s1, double *lo, double *hi)
{
    *lo = 0, *hi = 0;
    for (size_t s = s0; s < s1 && s < x->c->nseries; s++)
        for (size_t i = 0; i < x->c->ncats; i++) {
            double v = val(x, s, i);
            if (isnan(v))
                continue;
            *lo = fmin(*lo, v);
            *hi = fmax(*hi, v);
        }
}

/* the legend of the series that have a value (a series the data has nothing for — the targets of data
 * without targets — is not named) */
static double series_legend(ctx *x, bool lines, double y0, bool draw)
{
    legend_item it[16];
    size_t n = 0;
    for (size_t s = 0; s < x->c->nseries && n < 16; s++) {
        bool any = false;
        for (size_t i = 0; i < x->c->ncats && !any; i++)
            any = !isnan(val(x, s, i));
        if (any)
            it[n++] = (legend_item){x->c->series[s].name, series_color(s), lines, lines && x->dashed == (int)s + 1};
    }
    return n < 2 ? 0 : legend(x, it, n, y0, draw);
}

static void bars(ctx *x, bool stacked)
{
    const fp_chart_doc *c = x->c;
    double top = series_legend(x, false, 0, true);
    double lo, hi;
    if (stacked) {
        lo = hi = 0;
        for (size_t i = 0; i < c->ncats; i++) {
            double pos = 0, neg = 0;
            for (size_t s = 0; s < c->nseries; s++) {
                double v = val(x, s, i);
                if (!isnan(v))
                    *(v >= 0 ? &pos : &neg) += v;
            }
            hi = fmax(hi, pos);
            lo = fmin(lo, neg);
        }
    } else {
        range_of(x, 0, c->nseries, &lo, &hi);
    }
    hi += (hi - lo) * 0.08; /* room for the labels */
    plot p;
    layout(x, &p, lo, hi, top, false);
    grid(x, &p, false);
    double group = p.slot * (c->ncats > 20 ? 0.8 : 0.68);
    size_t ns = c->nseries ? c->nseries : 1;
    double bw = stacked ? group : group / (double)ns;
    unit u = unit_for(x->c->en, c->value_format, fmax(fabs(lo), fabs(hi)));
    set_label_dec(x, u);
    for (size_t i = 0; i < c->ncats; i++) {
        double gx = p.x0 + p.slot * (double)i + (p.slot - group) / 2;
        double pos = 0, neg = 0;
        for (size_t s = 0; s < c->nseries; s++) {
            double v = val(x, s, i);
            if (isnan(v))
                continue;
            uint32_t col = c->nseries == 1 ? th_color(x, v, series_color(0)) : series_color(s);
            if (stacked) {
                double base = v >= 0 ? pos : neg, end = base + v;
                double ya = py(&p, base), yb = py(&p, end);
                fill_rect(x, gx, fmin(ya, yb), bw, fabs(yb - ya), col, 1);
                *(v >= 0 ? &pos : &neg) = end;
            } else {
                double bx = gx + bw * (double)s, y0 = py(&p, 0), y1 = py(&p, v);
                fill_rect(x, bx, fmin(y0, y1), bw - (ns > 1 ? 1 : 0), fabs(y1 - y0), col, 1);
                if (x->labels && (ns == 1 || ns == 2))
                    data_label(x, bx + bw / 2, v >= 0 ? y1 : y1, v, u, ns == 1 ? p.slot : bw + 2, v >= 0);
            }
        }
        if (stacked && x->labels && c->nseries > 1 && pos + neg != 0) {
            data_label(x, gx + bw / 2, py(&p, pos), pos + neg, u, p.slot, true);
        }
        cat_label(x, &p, i);
    }
    zero_line(x, &p);
}

static bool partial(const ctx *x, size_t i)
{
    return x->c->partial && i < x->c->ncats && x->c->partial[i];
}

/* does any series' line, over the x range [x0, x1] next to category i (the segment coming into it), pass through
 * the box y0..y1? */
static bool label_crossed(const ctx *x, const plot *p, size_t i, double x0, double x1, double y0, double y1)
{
    const fp_chart_doc *c = x->c;
    double cx = p->x0 + p->slot * ((double)i + 0.5);
    for (size_t k = 0; k < c->nseries; k++) {
        double b = val(x, k, i), a = i > 0 ? val(x, k, i - 1) : NAN;
        if (isnan(b))
            continue;
        double yb = py(p, b), ya = isnan(a) ? yb : py(p, a), xa = cx - p->slot;
        /* the segment's y at both ends of the box's x range (clamped to the segment) */
        double lo = INFINITY, hi = -INFINITY;
        for (int e = 0; e < 2; e++) {
            double xx = fmax(xa, fmin(cx, e ? x1 : x0));
            double t = (xx - xa) / (cx - xa);
            double yy = ya + (yb - ya) * t;
            lo = fmin(lo, yy), hi = fmax(hi, yy);
        }
        if (x1 > cx) /* the box reaches right of the point: the point itself */
            lo = fmin(lo, yb), hi = fmax(hi, yb);
        if (hi >= y0 && lo <= y1)
            return true;
    }
    return false;
}

static void lines(ctx *x)
{
    const fp_chart_doc *c = x->c;
    double top = series_legend(x, true, 0, true);
    double lo, hi;
    range_of(x, 0, c->nseries, &lo, &hi);
    hi += (hi - lo) * 0.06;
    plot p;
    layout(x, &p, lo, hi, top, false);
    grid(x, &p, false);
    zero_line(x, &p);
    unit u = unit_for(x->c->en, c->value_format, fmax(fabs(lo), fabs(hi)));
    set_label_dec(x, u);
    for (size_t s = 0; s < c->nseries; s++) {
        uint32_t col = series_color(s);
        bool dashed = x->dashed == (int)s + 1;
        fp_path_clear(&x->p);
        bool pen = false;
        size_t npts = 0, last = 0, segs = 0;
        double px = 0, pyy = 0;
        for (size_t i = 0; i < c->ncats; i++) {
            double v = val(x, s, i);
            if (isnan(v)) {
                pen = false; /* a gap where the value is missing */
                continue;
            }
            double cx = p.x0 + p.slot * ((double)i + 0.5), cy = py(&p, v);
            if (pen && partial(x, i)) {
                /* into a period in progress: a dashed segment of its own, the line does not pass through it */
                fp_path pp;
                fp_path_init(&pp);
                fp_path_move(&pp, px, pyy);
                fp_path_line(&pp, cx, cy);
                x->cv->stroke(x->cv, &pp, col, FP_CHART_LINE * 0.8, true);
                fp_path_free(&pp);
                fp_path_move(&x->p, cx, cy);
            } else if (pen) {
                fp_path_line(&x->p, cx, cy);
                segs++;
            } else {
                fp_path_move(&x->p, cx, cy);
            }
            pen = true;
            npts++;
            last = i;
            px = cx, pyy = cy;
        }
        if (segs > 0)
            x->cv->stroke(x->cv, &x->p, col, dashed ? FP_CHART_LINE * 0.8 : FP_CHART_LINE, dashed);
        /* markers when there are few points (and always for a lone one) */
        if (c->ncats <= 24 || npts == 1)
            for (size_t i = 0; i < c->ncats; i++) {
                double v = val(x, s, i);
                if (isnan(v) || (dashed && npts > 1)) /* a lone point is drawn, dashed series too */
                    continue;
                double cx = p.x0 + p.slot * ((double)i + 0.5), cy = py(&p, v);
                double r = c->ncats > 13 ? 1.6 : 2.2;
                fp_path_clear(&x->p);
                fp_path_arc(&x->p, cx, cy, partial(x, i) ? r + 0.6 : r, 0, 2 * M_PI, false);
                fp_path_close(&x->p);
                if (partial(x, i)) { /* hollow: not a whole period */
                    x->cv->fill(x->cv, &x->p, FP_C_WHITE, 1);
                    x->cv->stroke(x->cv, &x->p, col, 1.1, false);
                } else {
                    x->cv->fill(x->cv, &x->p, col, 1);
                }
            }
        /* the last value of the first series, labelled */
        if (x->labels && s == 0 && npts > 0) {
            double cx = p.x0 + p.slot * ((double)last + 0.5), cy = py(&p, val(x, s, last));
            char lab[64];
            value_text(x, val(x, s, last), u, lab, sizeof lab);
            double lw = measure(x, lab, FSS);
            double tx = fmin(cx, p.x1 - lw / 2);
            /* above the point, or below it when a line (its own coming down into the point, or another series)
             * would cross the label there */
            double ty = cy - 5;
            if (label_crossed(x, &p, last, tx - lw / 2, tx + lw / 2, ty - FSS, ty + 1) &&
                !label_crossed(x, &p, last, tx - lw / 2, tx + lw / 2, cy + 4, cy + FSS + 5) && cy + FSS + 4 < p.y1)
                ty = cy + FSS + 4;
            text(x, tx, ty, lab, FSS, col, true, FP_HALIGN_CENTER);
        }
    }
    for (size_t i = 0; i < c->ncats; i++)
        cat_label(x, &p, i);
}

static int cmp_desc(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return (x[0] < y[0]) - (x[0] > y[0]);
}

static void pareto(ctx *x)
{
    const fp_chart_doc *c = x->c;
    size_t n = c->ncats;
    /* sorted copy: value, original index */
    double *v = fp_xmalloc((n ? n : 1) * 2 * sizeof *v);
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        double a = val(x, 0, i);
        v[2 * i] = isnan(a) || a < 0 ? 0 : a;
        v[2 * i + 1] = (double)i;
        total += v[2 * i];
    }
    if (x->sort)
        qsort(v, n, 2 * sizeof *v, cmp_desc);
    legend_item it[2] = {{c->nseries ? c->series[0].name : "", series_color(0), false, false},
                         {x->c->en ? "Cumulative share" : "累计占比", FP_C_BAD, true, false}};
    double top = legend(x, it, 2, 0, true);
    /* categories in sorted order */
    fp_chart_doc sorted = *c;
    char **cats = fp_xmalloc((n ? n : 1) * sizeof *cats);
    for (size_t i = 0; i < n; i++)
        cats[i] = c->cats[(size_t)v[2 * i + 1]];
    sorted.cats = cats;
    x->c = &sorted;
    plot p;
    layout(x, &p, 0, v[0] * 1.08 + (n ? 0 : 1), top, true);
    grid(x, &p, true);
    double group = p.slot * 0.7;
    unit u = unit_for(x->c->en, c->value_format, v[0]);
    set_label_dec(x, u);
    for (size_t i = 0; i < n; i++) {
        double gx = p.x0 + p.slot * (double)i + (p.slot - group) / 2, y1 = py(&p, v[2 * i]);
        fill_rect(x, gx, y1, group, py(&p, 0) - y1, series_color(0), 1);
        if (x->labels && n <= 12)
            data_label(x, gx + group / 2, y1, v[2 * i], u, p.slot, true);
        cat_label(x, &p, i);
    }
    zero_line(x, &p);
    /* 80% line and the cumulative share */
    double y80 = p.y1 - (p.y1 - p.y0) * 0.8;
    line(x, p.x0, y80, p.x1, y80, FP_C_MUTED, FP_CHART_GRID, true);
    if (total > 0) {
        fp_path_clear(&x->p);
        double cum = 0;
        for (size_t i = 0; i < n; i++) {
            cum += v[2 * i];
            double cx = p.x0 + p.slot * ((double)i + 0.5), cy = p.y1 - (p.y1 - p.y0) * cum / total;
            if (i)
                fp_path_line(&x->p, cx, cy);
            else
                fp_path_move(&x->p, cx, cy);
        }
        x->cv->stroke(x->cv, &x->p, FP_C_BAD, FP_CHART_LINE, false);
        cum = 0;
        for (size_t i = 0; i < n && n <= 24; i++) {
            cum += v[2 * i];
            double cx = p.x0 + p.slot * ((double)i + 0.5), cy = p.y1 - (p.y1 - p.y0) * cum / total;
            fp_path_clear(&x->p);
            fp_path_arc(&x->p, cx, cy, 2, 0, 2 * M_PI, false);
            x->cv->fill(x->cv, &x->p, FP_C_BAD, 1);
        }
    }
    x->c = c;
    free(cats);
    free(v);
}

static void waterfall(ctx *x)
{
    const fp_chart_doc *c = x->c;
    size_t n = c->ncats;
    bool two = c->nseries >= 2;
    /* bars: [start total], one change per category, end total */
    size_t nb = n + (two ? 2 : 1);
    double *delta = fp_xcalloc(nb, sizeof *delta), *base = fp_xcalloc(nb, sizeof *base);
    bool *total = fp_xcalloc(nb, sizeof *total);
    char **labs = fp_xcalloc(nb, sizeof *labs);
    double start = 0, run = 0, lo = 0, hi = 0;
    size_t k = 0;
    if (two) {
        for (size_t i = 0; i < n; i++)
            start += isnan(val(x, 0, i)) ? 0 : val(x, 0, i);
        total[k] = true;
        delta[k] = start;
        labs[k++] = c->series[0].name;
        run = start;
        hi = fmax(hi, start);
    }
    for (size_t i = 0; i < n; i++) {
        double a = two ? val(x, 1, i) - val(x, 0, i) : val(x, 0, i);
        if (isnan(a)) {
            double b = two ? (isnan(val(x, 1, i)) ? 0 : val(x, 1, i)) - (isnan(val(x, 0, i)) ? 0 : val(x, 0, i)) : 0;
            a = b;
        }
        base[k] = run;
        delta[k] = a;
        labs[k++] = c->cats[i];
        run += a;
        lo = fmin(lo, fmin(run, run - a));
        hi = fmax(hi, fmax(run, run - a));
    }
    total[k] = true;
    delta[k] = run;
    labs[k++] = two ? c->series[1].name : c->en ? "Total" : "合计";
    hi = fmax(hi, run);
    lo = fmin(lo, run);
    fp_chart_doc shown = *c;
    shown.ncats = nb;
    shown.cats = labs;
    x->c = &shown;
    /* when everything stays well above zero, the axis starts near the lowest level reached, or the
     * changes would be slivers on top of two tall totals; the totals then start at the axis */
    double floor_v = 0, minrun = INFINITY;
    for (size_t i = 0; i < nb; i++)
        minrun = fmin(minrun, total[i] ? delta[i] : fmin(base[i], base[i] + delta[i]));
    /* (not when nothing changed: a zero range would make a zero step and endless gridlines) */
    if (lo >= 0 && minrun > 0 && hi - minrun > 0 && hi - minrun < 0.5 * hi)
        floor_v = fmax(0, minrun - (hi - minrun) * 0.6);
    plot p;
    /* a cut axis is said in a line above the plot */
    layout(x, &p, floor_v > 0 ? floor_v : lo, hi + (hi - (floor_v > 0 ? floor_v : lo)) * 0.08,
           floor_v > 0 ? FSS + 4 : 0, false);
    if (floor_v > 0) {
        /* the axis from a round value below the lowest level */
        axis a = nice_axis(x->c->en, 0, hi - floor_v, 4, c->value_format);
        double st = a.step;
        p.a.lo = floor(floor_v / st) * st;
        p.a.step = st;
        /* up to the highest level reached and a little room, not to the top of the axis from zero that the
         * layout made (16.2M to 20M in steps of 0.2M: nineteen gridlines) */
        p.a.n = (int)ceil((hi + (hi - floor_v) * 0.08 - p.a.lo) / st - 1e-9);
        if (p.a.n < 1 || p.a.n > 40) { /* a degenerate range: back to an axis from zero */
            p.a = nice_axis(x->c->en, 0, hi, 4, c->value_format);
            floor_v = 0;
        }
        p.a.hi = p.a.lo + st * p.a.n;
        p.a.u = unit_for(x->c->en, c->value_format, hi);
        double sd = st / p.a.u.div;
        p.a.dec = sd >= 1 ? 0 : (int)ceil(-log10(sd) - 1e-9);
        /* the new axis has other labels: the plot starts right of the widest (3.8万 was drawn from x = -4) */
        double lw = 0;
        for (int i = 0; i <= p.a.n; i++) {
            char lab[64];
            num_text(p.a.lo + p.a.step * i, p.a.u, p.a.dec, lab, sizeof lab);
            lw = fmax(lw, measure(x, lab, FS));
        }
        if (lw + 6 > p.x0) {
            p.x0 = lw + 6;
            p.slot = (p.x1 - p.x0) / (double)nb;
        }
    }
    grid(x, &p, false);
    unit u = unit_for(x->c->en, c->value_format, fmax(fabs(lo), fabs(hi)));
    x->ldec = common_dec(delta, nb, u);
    double bw = p.slot * 0.62;
    for (size_t i = 0; i < nb; i++) {
        double gx = p.x0 + p.slot * (double)i + (p.slot - bw) / 2;
        double from = total[i] ? p.a.lo : base[i], to = total[i] ? delta[i] : base[i] + delta[i];
        double ya = py(&p, from), yb = py(&p, to);
        uint32_t col = total[i] ? FP_C_ACCENT : delta[i] >= 0 ? FP_C_GOOD : FP_C_BAD;
        fill_rect(x, gx, fmin(ya, yb), bw, fmax(fabs(yb - ya), 0.8), col, 1);
        /* the connector to the next bar */
        if (i + 1 < nb)
            line(x, gx + bw, yb, gx + p.slot, yb, FP_C_MUTED, FP_CHART_GRID, true);
        if (x->labels) {
            char lab[64], signed_lab[72];
            value_text(x, total[i] ? delta[i] : fabs(delta[i]), u, lab, sizeof lab);
            if (!total[i] && delta[i] != 0 && !strcmp(lab, "0")) {
                /* a change too small for the labels' decimals is not 0 (nor -0): under the least they show */
                char least[48];
                num_text_ex(pow(10, -(x->ldec > 0 ? x->ldec : 0)) * u.div, u, x->ldec > 0 ? x->ldec : 0, true, least,
                            sizeof least);
                snprintf(lab, sizeof lab, "<%s", least);
            }
            snprintf(signed_lab, sizeof signed_lab, "%s%s", total[i] ? "" : delta[i] >= 0 ? "+" : "-", lab);
            if (measure(x, signed_lab, FSS) <= p.slot)
                text(x, gx + bw / 2, fmin(ya, yb) - 3, signed_lab, FSS, FP_C_INK, false,
                     FP_HALIGN_CENTER);
        }
        cat_label(x, &p, i);
    }
    if (p.a.lo <= 0) {
        zero_line(x, &p);
    } else {
        line(x, p.x0, p.y1, p.x1, p.y1, FP_C_MUTED, FP_CHART_AXIS, false);
        /* the axis does not start at zero: a break across every total bar and on the axis, and a note, so
         * that no one reads the heights of the totals as proportional */
        double yb = p.y1 - fmin(8, (p.y1 - p.y0) * 0.1);
        for (size_t i = 0; i < nb; i++) {
            if (!total[i])
                continue;
            double gx = p.x0 + p.slot * (double)i + (p.slot - bw) / 2;
            line(x, gx - 1.5, yb + 2, gx + bw + 1.5, yb - 2, FP_C_WHITE, 3.2, false);
            line(x, gx - 1.5, yb + 3.6, gx + bw + 1.5, yb - 0.4, FP_C_MUTED, 0.5, false);
            line(x, gx - 1.5, yb + 0.4, gx + bw + 1.5, yb - 3.6, FP_C_MUTED, 0.5, false);
        }
        line(x, p.x0 - 3, yb + 3.6, p.x0 + 3, yb - 0.4, FP_C_MUTED, 0.6, false);
        line(x, p.x0 - 3, yb + 0.4, p.x0 + 3, yb - 3.6, FP_C_MUTED, 0.6, false);
        char lab[64], note[160];
        num_text(p.a.lo, p.a.u, p.a.dec, lab, sizeof lab);
        if (x->c->en)
            snprintf(note, sizeof note, "Axis starts at %s; total bars are cut", lab);
        else
            snprintf(note, sizeof note, "纵轴起点为 %s，合计柱截断", lab);
        text(x, p.x0, FSS, note, FSS, FP_C_MUTED, false, FP_HALIGN_LEFT);
    }
    x->c = c;
    free(delta);
    free(base);
    free(total);
    free(labs);
}

/* ---- horizontal bars: rankings ---- */

static void hbars(ctx *x)
{
    const fp_chart_doc *c = x->c;
    size_t n = c->ncats, ns = c->nseries ? c->nseries : 1;
    double top = series_legend(x, false, 0, true);
    double size = n > 30 ? FSS : FS;
    double lo, hi;
    range_of(x, 0, c->nseries, &lo, &hi);
    axis a = nice_axis(x->c->en, lo, hi, 4, c->value_format);
    /* names at the left, at most a third of the width */
    double namew = 0;
    for (size_t i = 0; i < n; i++)
        namew = fmax(namew, measure(x, c->cats[i], size));
    namew = fmin(namew, x->w / 3);
    unit u = unit_for(x->c->en, c->value_format, fmax(fabs(lo), fabs(hi)));
    set_label_dec(x, u);
    char maxlab[64];
    value_text(x, fabs(hi) > fabs(lo) ? hi : lo, u, maxlab, sizeof maxlab);
    double vw = x->labels ? measure(x, maxlab, FSS) + 6 : 4;
    double x0 = namew + 8, x1 = x->w - vw, y0 = top + 2, y1 = x->h - FS * 1.8;
    double row = n ? (y1 - y0) / (double)n : 0;
    double scale = (x1 - x0) / (a.hi - a.lo);
    double zx = x0 + (0 - a.lo) * scale;
    for (int i = 0; i <= a.n; i++) {
        double v = a.lo + a.step * i, gx = x0 + (v - a.lo) * scale;
        line(x, gx, y0, gx, y1, FP_C_LINE, FP_CHART_GRID, false);
        char lab[64];
        num_text(v, a.u, a.dec, lab, sizeof lab);
        text(x, gx, y1 + FS * 1.4, lab, FS, FP_C_MUTED, false, FP_HALIGN_CENTER);
    }
    double bh = row * 0.7 / (double)ns;
    for (size_t i = 0; i < n; i++) {
        double ry = y0 + row * (double)i;
        char *nm = fit(x, c->cats[i], size, namew);
        text(x, namew, ry + row / 2 + size * 0.35, nm, size, FP_C_INK, false, FP_HALIGN_RIGHT);
        free(nm);
        for (size_t s = 0; s < c->nseries; s++) {
            double v = val(x, s, i);
            if (isnan(v))
                continue;
            double by = ry + row * 0.15 + bh * (double)s, bx = x0 + (v - a.lo) * scale;
            uint32_t col = c->nseries == 1 ? th_color(x, v, series_color(0)) : series_color(s);
            fill_rect(x, fmin(zx, bx), by, fabs(bx - zx), bh - (ns > 1 ? 0.5 : 0), col, 1);
            if (x->labels && bh >= FSS * 0.8) {
                char lab[64];
                value_text(x, v, u, lab, sizeof lab);
                text(x, v >= 0 ? bx + 3 : fmin(zx, bx) - 3, by + bh / 2 + FSS * 0.35, lab,
                     FSS, FP_C_INK, false, v >= 0 ? FP_HALIGN_LEFT : FP_HALIGN_RIGHT);
            }
        }
    }
    line(x, zx, y0, zx, y1, FP_C_MUTED, FP_CHART_AXIS, false);
}

/* ---- pie and donut ---- */

static void pie(ctx *x, bool donut)
{
    const fp_chart_doc *c = x->c;
    size_t n = c->ncats;
    double total = 0;
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        double v = val(x, 0, i);
        if (!isnan(v) && v > 0) {
            total += v;
            shown++;
        }
    }
    if (total <= 0) {
        no_data(x);
        return;
    }
    /* the legend at the right: name and share */
    double size = n > 12 ? FSS : FS, lh = size * 1.7;
    double r = fmin(x->h / 2 - 6, x->w * 0.3);
    double cx = r + 6, cy = x->h / 2;
    double lx = cx + r + 18, lw = x->w - lx;
    size_t rows = (size_t)fmax(1, floor((x->h - 8) / lh));
    double a = -M_PI / 2;
    size_t k = 0;
    unit u = unit_for(x->c->en, c->value_format, total);
    set_label_dec(x, u);
    for (size_t i = 0; i < n; i++) {
        double v = val(x, 0, i);
        if (isnan(v) || v <= 0)
            continue;
        double sweep = 2 * M_PI * v / total;
        uint32_t col = series_color(k);
        fp_path_clear(&x->p);
        if (shown == 1) {
            fp_path_arc(&x->p, cx, cy, r, 0, 2 * M_PI, false);
        } else {
            fp_path_move(&x->p, cx, cy);
            fp_path_arc(&x->p, cx, cy, r, a, a + sweep, true);
        }
        fp_path_close(&x->p);
        x->cv->fill(x->cv, &x->p, col, 1);
        /* white separators */
        if (shown > 1)
            x->cv->stroke(x->cv, &x->p, FP_C_WHITE, 1, false);
        /* the share inside a big enough slice */
        double mid = a + sweep / 2, share = v / total;
        char pct[32];
        snprintf(pct, sizeof pct, "%.1f%%", share * 100);
        double rr = donut ? r * 0.78 : r * 0.62;
        if (sweep > 0.38 && x->labels)
            text(x, cx + rr * cos(mid), cy + rr * sin(mid) + size * 0.35, pct, size, FP_C_WHITE, true,
                 FP_HALIGN_CENTER);
        /* the legend: one row a slice; when they do not all fit, the last row says how many more */
        bool more = shown > rows && k == rows - 1;
        if (k < rows && !more) {
            double ly = 4 + lh * (double)k + (x->h - 8 - lh * (double)(shown < rows ? shown : rows)) / 2;
            fill_rect(x, lx, ly + lh / 2 - 4, 8, 8, col, 1);
            char lab[256];
            snprintf(lab, sizeof lab, "%s  %s", c->cats[i], pct);
            char *t = fit(x, lab, size, lw - 12);
            text(x, lx + 12, ly + lh / 2 + size * 0.35, t, size, FP_C_INK, false, FP_HALIGN_LEFT);
            free(t);
        } else if (more) {
            double ly = 4 + lh * (double)k + (x->h - 8 - lh * (double)rows) / 2;
            char lab[64];
            snprintf(lab, sizeof lab, c->en ? "… %zu more" : "…另有 %zu 项", shown - k);
            text(x, lx + 12, ly + lh / 2 + size * 0.35, lab, size, FP_C_MUTED, false, FP_HALIGN_LEFT);
        }
        a += sweep;
        k++;
    }
    if (donut) {
        fp_path_clear(&x->p);
        fp_path_arc(&x->p, cx, cy, r * 0.56, 0, 2 * M_PI, false);
        fp_path_close(&x->p);
        x->cv->fill(x->cv, &x->p, FP_C_WHITE, 1);
        char lab[64];
        value_text(x, total, u, lab, sizeof lab);
        double fs = fmin(13, r * 0.3);
        if (measure(x, lab, fs) < r * 1.05)
            text(x, cx, cy + fs * 0.1, lab, fs, FP_C_INK, true, FP_HALIGN_CENTER);
        text(x, cx, cy + fs * 0.1 + FS * 1.5, c->en ? "Total" : "合计", FS, FP_C_MUTED, false, FP_HALIGN_CENTER);
    }
}

/* ---- bullet and gauge: actual against target ---- */

static void bullet(ctx *x)
{
    const fp_chart_doc *c = x->c;
    size_t n = c->ncats;
    double namew = 0;
    for (size_t i = 0; i < n; i++)
        namew = fmax(namew, measure(x, c->cats[i], FS));
    namew = fmin(namew, x->w / 4);
    double lh = n ? (x->h - 4) / (double)n : 0;
    double th0 = x->has_th ? x->th[0] : 0.8, th1 = x->has_th ? x->th[1] : 1.0;
    /* every row's amount in one unit and with the same decimals */
    double maxa = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(val(x, 0, i)))
            maxa = fmax(maxa, fabs(val(x, 0, i)));
    unit bu = unit_for(x->c->en, c->value_format, maxa);
    x->ldec = common_dec(c->series[0].values, n, bu);
    for (size_t i = 0; i < n; i++) {
        double act = val(x, 0, i), tgt = val(x, 1, i), mark = val(x, 2, i);
        double top = 2 + lh * (double)i, mid = top + lh / 2;
        /* the scale: with a target, 125% of it on every row, so that every target line stands at the same
         * place (a bar beyond is cut and marked); without one, the bar's own length */
        double maxv = !isnan(tgt) && tgt > 0 ? tgt * 1.25 : (isnan(act) ? 0 : act) * 1.04;
        if (!(maxv > 0))
            maxv = 1;
        bool past = !isnan(act) && act > maxv;
        double x0 = namew + 8, x1 = x->w - 74, bw = x1 - x0, bh = fmin(lh * 0.62, 22);
        char *nm = fit(x, c->cats[i], FS, namew);
        text(x, namew, mid + FS * 0.35, nm, FS, FP_C_INK, true, FP_HALIGN_RIGHT);
        free(nm);
        /* qualitative bands: below th0 of target, to th1, beyond */
        if (!isnan(tgt) && tgt > 0) {
            double b0 = fmin(th0 * tgt, maxv), b1 = fmin(th1 * tgt, maxv);
            fill_rect(x, x0, mid - bh / 2, bw * b0 / maxv, bh, FP_C_BAD_BG, 1);
            fill_rect(x, x0 + bw * b0 / maxv, mid - bh / 2, bw * (b1 - b0) / maxv, bh, FP_C_WARN_BG, 1);
            fill_rect(x, x0 + bw * b1 / maxv, mid - bh / 2, bw * (maxv - b1) / maxv, bh, FP_C_GOOD_BG, 1);
        } else {
            fill_rect(x, x0, mid - bh / 2, bw, bh, FP_C_SOFT, 1);
        }
        double ratio = !isnan(tgt) && tgt > 0 && !isnan(act) ? act / tgt : NAN;
        uint32_t col = isnan(ratio) ? series_color(0) : ratio < th0 ? FP_C_BAD : ratio < th1 ? FP_C_WARN : FP_C_GOOD;
        if (!isnan(act) && act > 0)
            fill_rect(x, x0, mid - bh / 6, bw * fmin(act, maxv) / maxv - (past ? 7 : 0), bh / 3, col, 1);
        if (past) {
            /* past the end of the scale: the bar stops short and an arrow points on */
            fp_path_clear(&x->p);
            fp_path_move(&x->p, x1 - 5, mid - bh / 3);
            fp_path_line(&x->p, x1, mid);
            fp_path_line(&x->p, x1 - 5, mid + bh / 3);
            fp_path_close(&x->p);
            x->cv->fill(x->cv, &x->p, col, 1);
        }
        if (!isnan(tgt) && tgt > 0) {
            double tx = x0 + bw * tgt / maxv;
            line(x, tx, mid - bh / 2 - 1, tx, mid + bh / 2 + 1, FP_C_INK, 1.6, false);
        }
        if (!isnan(mark) && mark > 0 && mark <= maxv) {
            /* the marker (time progress): a small triangle under the bar */
            double mx = x0 + bw * mark / maxv;
            fp_path_clear(&x->p);
            fp_path_move(&x->p, mx, mid + bh / 2 + 1);
            fp_path_line(&x->p, mx - 3.5, mid + bh / 2 + 6);
            fp_path_line(&x->p, mx + 3.5, mid + bh / 2 + 6);
            fp_path_close(&x->p);
            x->cv->fill(x->cv, &x->p, FP_C_ACCENT, 1);
        }
        char lab[64], pct[32] = "";
        if (!isnan(act))
            value_text(x, act, bu, lab, sizeof lab);
        else
            snprintf(lab, sizeof lab, "—");
        if (!isnan(ratio))
            snprintf(pct, sizeof pct, "%.1f%%", ratio * 100);
        text(x, x1 + 6, mid - 1, lab, FS, FP_C_INK, true, FP_HALIGN_LEFT);
        if (*pct)
            text(x, x1 + 6, mid + FS * 1.1, pct, FSS, col, false, FP_HALIGN_LEFT);
    }
}

static void gauge(ctx *x)
{
    const fp_chart_doc *c = x->c;
    double act = val(x, 0, 0), tgt = val(x, 1, 0), mark = val(x, 2, 0);
    double ratio = !isnan(tgt) && tgt > 0 ? act / tgt : act;
    if (isnan(ratio)) {
        no_data(x);
        return;
    }
    double maxr = !isnan(x->max_opt) ? x->max_opt : fmax(1.2, ceil(ratio * 10) / 10);
    double th0 = x->has_th ? x->th[0] : 0.8, th1 = x->has_th ? x->th[1] : 1.0;
    /* the centre high enough for the labels under the dial (0%, the name, 120%) at any text size */
    double cy = x->h - FS * 1.7 - 2, r = fmin(x->w / 2 - 10, cy - 10), cx = x->w / 2, thick = r * 0.2;
    /* the dial: bands bad / warn / good */
    double bands[3][2] = {{0, th0}, {th0, th1}, {th1, maxr}};
    uint32_t bc[3] = {FP_C_BAD_BG, FP_C_WARN_BG, FP_C_GOOD_BG};
    for (int b = 0; b < 3; b++) {
        double f0 = fmin(bands[b][0] / maxr, 1), f1 = fmin(bands[b][1] / maxr, 1);
        if (f1 <= f0)
            continue;
        fp_path_clear(&x->p);
        fp_path_arc(&x->p, cx, cy, r, M_PI + f0 * M_PI, M_PI + f1 * M_PI, false);
        fp_path_arc(&x->p, cx, cy, r - thick, M_PI + f1 * M_PI, M_PI + f0 * M_PI, true);
        fp_path_close(&x->p);
        x->cv->fill(x->cv, &x->p, bc[b], 1);
    }
    uint32_t col = ratio < th0 ? FP_C_BAD : ratio < th1 ? FP_C_WARN : FP_C_GOOD;
    double f = fmax(0, fmin(ratio / maxr, 1));
    if (f > 0) {
        fp_path_clear(&x->p);
        fp_path_arc(&x->p, cx, cy, r - thick * 0.2, M_PI, M_PI + f * M_PI, false);
        fp_path_arc(&x->p, cx, cy, r - thick * 0.8, M_PI + f * M_PI, M_PI, true);
        fp_path_close(&x->p);
        x->cv->fill(x->cv, &x->p, col, 1);
    }
    /* the target (100%) and the marker */
    double ft = fmin(1.0 / maxr, 1), at = M_PI + ft * M_PI;
    line(x, cx + (r + 2) * cos(at), cy + (r + 2) * sin(at), cx + (r - thick - 2) * cos(at),
         cy + (r - thick - 2) * sin(at), FP_C_INK, 1.6, false);
    if (!isnan(mark) && !isnan(tgt) && tgt > 0) {
        double fm = fmin(mark / tgt / maxr, 1), am = M_PI + fm * M_PI;
        fp_path_clear(&x->p);
        double tx = cx + (r + 2) * cos(am), ty = cy + (r + 2) * sin(am);
        fp_path_move(&x->p, tx, ty);
        fp_path_line(&x->p, tx + 7 * cos(am + 0.35), ty + 7 * sin(am + 0.35));
        fp_path_line(&x->p, tx + 7 * cos(am - 0.35), ty + 7 * sin(am - 0.35));
        fp_path_close(&x->p);
        x->cv->fill(x->cv, &x->p, FP_C_ACCENT, 1);
    }
    char pct[32];
    snprintf(pct, sizeof pct, "%.1f%%", ratio * 100);
    double fs = fmin(20, r * 0.34);
    text(x, cx, cy - fs * 0.25, pct, fs, col, true, FP_HALIGN_CENTER);
    char lo[16], hi[16];
    snprintf(lo, sizeof lo, "0%%");
    snprintf(hi, sizeof hi, "%.0f%%", maxr * 100);
    text(x, cx - r + thick / 2, cy + FS * 1.4, lo, FS, FP_C_MUTED, false, FP_HALIGN_CENTER);
    text(x, cx + r - thick / 2, cy + FS * 1.4, hi, FS, FP_C_MUTED, false, FP_HALIGN_CENTER);
    if (c->ncats && c->cats[0] && *c->cats[0])
        text(x, cx, cy + FS * 1.4, c->cats[0], FS, FP_C_INK, false, FP_HALIGN_CENTER);
}

/* ---- funnel ---- */

static void funnel(ctx *x)
{
    const fp_chart_doc *c = x->c;
    size_t n = c->ncats;
    double maxv = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(val(x, 0, i)))
            maxv = fmax(maxv, val(x, 0, i));
    if (maxv <= 0) {
        no_data(x);
        return;
    }
    double rate_w = measure(x, c->en ? "conv. 100.0%" : "转化 100.0%", FSS) + 8;
    double fw = x->w - rate_w, cx = fw / 2, row = (x->h - 4) / (double)n, bh = row * 0.78;
    unit u = unit_for(x->c->en, c->value_format, maxv);
    set_label_dec(x, u);
    for (size_t i = 0; i < n; i++) {
        double v = isnan(val(x, 0, i)) ? 0 : val(x, 0, i);
        double nv = i + 1 < n && !isnan(val(x, 0, i + 1)) ? val(x, 0, i + 1) : v;
        double w0 = fmax(fw * 0.96 * v / maxv, 2), w1 = i + 1 < n ? fmax(fw * 0.96 * nv / maxv, 2) : w0;
        double top = 2 + row * (double)i;
        fp_path_clear(&x->p);
        fp_path_move(&x->p, cx - w0 / 2, top);
        fp_path_line(&x->p, cx + w0 / 2, top);
        fp_path_line(&x->p, cx + w1 / 2, top + bh);
        fp_path_line(&x->p, cx - w1 / 2, top + bh);
        fp_path_close(&x->p);
        x->cv->fill(x->cv, &x->p, series_color(0), 1.0 - 0.55 * (double)i / (double)(n > 1 ? n - 1 : 1));
        char vlab[64], lab[320];
        value_text(x, v, u, vlab, sizeof vlab);
        snprintf(lab, sizeof lab, "%s  %s", c->cats[i], vlab);
        double fs = FS;
        uint32_t tc = i * 2 < n ? FP_C_WHITE : FP_C_INK;
        /* the label may run over the bar onto the page (in ink then): the last, narrow stages keep their names */
        char *t = fit(x, lab, fs, fw - 6);
        if (measure(x, t, fs) > fmin(w0, w1) - 4)
            tc = FP_C_INK;
        text(x, cx, top + bh / 2 + fs * 0.35, t, fs, tc, true, FP_HALIGN_CENTER);
        free(t);
        if (i > 0) {
            double pv = val(x, 0, i - 1);
            if (!isnan(pv) && pv > 0) {
                char rate[48];
                snprintf(rate, sizeof rate, c->en ? "conv. %.1f%%" : "转化 %.1f%%", 100 * v / pv);
                text(x, fw + 4, top + FSS * 0.4, rate, FSS, FP_C_MUTED, false,
                     FP_HALIGN_LEFT);
            }
        }
    }
}

/* ---- radar ---- */

static void radar(ctx *x)
{
    const fp_chart_doc *c = x->c;
    size_t n = c->ncats;
    if (n < 3) {
        bars(x, false); /* two dimensions are not a polygon */
        return;
    }
    double top = series_legend(x, true, 0, true);
    double lo, hi;
    range_of(x, 0, c->nseries, &lo, &hi);
    double maxv = !isnan(x->max_opt) ? x->max_opt : nice_axis(x->c->en, 0, hi, 4, c->value_format).hi;
    double labw = 0;
    for (size_t i = 0; i < n; i++)
        labw = fmax(labw, fmin(measure(x, c->cats[i], FS), 80));
    double r = fmin((x->h - top) / 2 - FS * 2.4, x->w / 2 - labw - 8), cx = x->w / 2, cy = top + (x->h - top) / 2;
    if (r < 10)
        r = 10;
    /* rings and spokes */
    for (int ring = 1; ring <= 4; ring++) {
        fp_path_clear(&x->p);
        for (size_t i = 0; i < n; i++) {
            double a = -M_PI / 2 + 2 * M_PI * (double)i / (double)n, rr = r * ring / 4.0;
            if (i)
                fp_path_line(&x->p, cx + rr * cos(a), cy + rr * sin(a));
            else
                fp_path_move(&x->p, cx + rr * cos(a), cy + rr * sin(a));
        }
        fp_path_close(&x->p);
        x->cv->stroke(x->cv, &x->p, FP_C_LINE, FP_CHART_GRID, false);
    }
    for (size_t i = 0; i < n; i++) {
        double a = -M_PI / 2 + 2 * M_PI * (double)i / (double)n;
        line(x, cx, cy, cx + r * cos(a), cy + r * sin(a), FP_C_LINE, FP_CHART_GRID, false);
        double lx = cx + (r + 6) * cos(a), ly = cy + (r + 6) * sin(a) + FS * 0.35;
        fp_halign al = fabs(cos(a)) < 0.2 ? FP_HALIGN_CENTER : cos(a) > 0 ? FP_HALIGN_LEFT : FP_HALIGN_RIGHT;
        if (sin(a) < -0.9)
            ly -= 3;
        if (sin(a) > 0.9)
            ly += 5;
        char *t = fit(x, c->cats[i], FS, labw);
        text(x, lx, ly, t, FS, FP_C_INK, false, al);
        free(t);
    }
    char mx[32];
    num_text(maxv, unit_for(x->c->en, c->value_format, maxv), 1, mx, sizeof mx);
    text(x, cx + 3, cy - r + FS, mx, FSS, FP_C_MUTED, false, FP_HALIGN_LEFT);
    for (size_t s = 0; s < c->nseries; s++) {
        fp_path_clear(&x->p);
        for (size_t i = 0; i < n; i++) {
            double v = val(x, s, i), a = -M_PI / 2 + 2 * M_PI * (double)i / (double)n;
            double rr = isnan(v) ? 0 : r * fmax(0, fmin(v / maxv, 1.1));
            if (i)
                fp_path_line(&x->p, cx + rr * cos(a), cy + rr * sin(a));
            else
                fp_path_move(&x->p, cx + rr * cos(a), cy + rr * sin(a));
        }
        fp_path_close(&x->p);
        x->cv->fill(x->cv, &x->p, series_color(s), 0.18);
        x->cv->stroke(x->cv, &x->p, series_color(s), FP_CHART_LINE, x->dashed == (int)s + 1);
    }
}

/* ---- sparkline ---- */

static void sparkline(ctx *x)
{
    const fp_chart_doc *c = x->c;
    size_t n = c->ncats;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double v = val(x, 0, i);
        if (!isnan(v))
            lo = fmin(lo, v), hi = fmax(hi, v);
    }
    if (!(hi >= lo)) {
        text(x, x->w / 2, x->h / 2 + 3, "—", FS, FP_C_MUTED, false, FP_HALIGN_CENTER);
        return;
    }
    size_t known = 0;
    for (size_t i = 0; i < n; i++)
        known += !isnan(val(x, 0, i));
    if (known < 2)
        return; /* one value is no trend: nothing rather than a lone dot */
    if (hi == lo)
        hi = lo + 1, lo -= 1;
    double pad = 2.5, step = n > 1 ? (x->w - 2 * pad) / (double)(n - 1) : 0;
    fp_path_clear(&x->p);
    bool pen = false;
    double lx = pad, ly = x->h / 2;
    size_t li = 0;
    for (size_t i = 0; i < n; i++) {
        double v = val(x, 0, i);
        if (isnan(v)) {
            pen = false;
            continue;
        }
        double px = n > 1 ? pad + step * (double)i : x->w / 2;
        double yy = x->h - pad - (v - lo) / (hi - lo) * (x->h - 2 * pad);
        if (pen && partial(x, i)) {
            /* a period in progress: reached by a dashed segment */
            fp_path pp;
            fp_path_init(&pp);
            fp_path_move(&pp, lx, ly);
            fp_path_line(&pp, px, yy);
            x->cv->stroke(x->cv, &pp, series_color(0), 0.9, true);
            fp_path_free(&pp);
            fp_path_move(&x->p, px, yy);
        } else if (pen) {
            fp_path_line(&x->p, px, yy);
        } else {
            fp_path_move(&x->p, px, yy);
        }
        pen = true;
        lx = px, ly = yy, li = i;
    }
    x->cv->stroke(x->cv, &x->p, series_color(0), 1.1, false);
    fp_path_clear(&x->p);
    fp_path_arc(&x->p, lx, ly, 1.8, 0, 2 * M_PI, false);
    fp_path_close(&x->p);
    /* the last value marked in the line's colour: red would read as bad news whichever way the line went */
    if (partial(x, li)) { /* hollow: the last period is not over */
        x->cv->fill(x->cv, &x->p, FP_C_WHITE, 1);
        x->cv->stroke(x->cv, &x->p, series_color(0), 1, false);
    } else {
        x->cv->fill(x->cv, &x->p, series_color(0), 1);
    }
}

/* ---- entry points ---- */

static const char *const KINDS[] = {"bar",    "hbar",   "grouped", "stacked",   "line",  "pie",      "donut", "bullet",
                                    "gauge",  "pareto", "funnel",  "waterfall", "radar", "sparkline", NULL};

bool fp_chart_kind_known(const char *kind)
{
    for (size_t i = 0; KINDS[i]; i++)
        if (kind && !strcmp(kind, KINDS[i]))
            return true;
    return false;
}

double fp_chart_height(const fp_chart_doc *c, double w)
{
    const char *k = c->kind ? c->kind : "";
    if (c->height > 0)
        return c->height;
    if (!strcmp(k, "sparkline"))
        return 24;
    if (!strcmp(k, "hbar"))
        return fmin(fmax((double)c->ncats * (c->ncats > 30 ? 11 : 16) + 30, 80), 560);
    if (!strcmp(k, "bullet"))
        return fmax((double)c->ncats * 30 + 6, 40);
    if (!strcmp(k, "gauge"))
        return fmin(w * 0.45, 150);
    if (!strcmp(k, "funnel"))
        return fmax((double)c->ncats * 30, 60);
    if (!strcmp(k, "pie") || !strcmp(k, "donut") || !strcmp(k, "radar"))
        return 170;
    return 190;
}

void fp_chart_draw(const fp_chart_doc *c, fp_canvas *cv, double w, double h)
{
    fp_chart_draw_scaled(c, cv, w, h, 1.0);
}

void fp_chart_draw_scaled(const fp_chart_doc *c, fp_canvas *cv, double w, double h, double text_scale)
{
    ctx x = {.c = c, .cv = cv, .w = w, .h = h, .fs = FP_CHART_FONT * text_scale, .fss = FP_CHART_FONT_SMALL * text_scale, .ldec = -1};
    fp_path_init(&x.p);
    options(&x);
    const char *k = c->kind ? c->kind : "";
    if (!c->ncats || !c->nseries || !any_value(&x)) {
        no_data(&x);
    } else if (!strcmp(k, "bar") || !strcmp(k, "grouped")) {
        bars(&x, false);
    } else if (!strcmp(k, "stacked")) {
        bars(&x, true);
    } else if (!strcmp(k, "hbar")) {
        hbars(&x);
    } else if (!strcmp(k, "line")) {
        lines(&x);
    } else if (!strcmp(k, "pie") || !strcmp(k, "donut")) {
        pie(&x, !strcmp(k, "donut"));
    } else if (!strcmp(k, "bullet")) {
        bullet(&x);
    } else if (!strcmp(k, "gauge")) {
        gauge(&x);
    } else if (!strcmp(k, "pareto")) {
        pareto(&x);
    } else if (!strcmp(k, "funnel")) {
        funnel(&x);
    } else if (!strcmp(k, "waterfall")) {
        waterfall(&x);
    } else if (!strcmp(k, "radar")) {
        radar(&x);
    } else if (!strcmp(k, "sparkline")) {
        sparkline(&x);
    } else {
        no_data(&x);
    }
    fp_path_free(&x.p);
}
