/* format.c — money, counts and percentages, without the C locale's help. */
#include "format.h"

#include "currency.h"

#include "date.h"
#include "table.h"
#include "value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DASH "—"

/* digits of an unsigned integer with a comma every three */
static void grouped(uint64_t v, fp_buf *out)
{
    char d[32];
    int n = snprintf(d, sizeof d, "%llu", (unsigned long long)v);
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            fp_buf_addc(out, ',');
        fp_buf_addc(out, d[i]);
    }
}

void fp_fmt_count(int64_t n, fp_buf *out)
{
    if (n == INT64_MIN) {
        fp_buf_adds(out, DASH);
        return;
    }
    if (n < 0)
        fp_buf_addc(out, '-');
    grouped(n < 0 ? (uint64_t)(-(n + 1)) + 1 : (uint64_t)n, out);
}

void fp_fmt_number(double d, int decimals, fp_buf *out)
{
    if (!isfinite(d)) {
        fp_buf_adds(out, DASH);
        return;
    }
    double scale = pow(10.0, decimals);
    double r = round(fabs(d) * scale);
    if (d < 0 && r > 0)
        fp_buf_addc(out, '-');
    uint64_t ip = (uint64_t)(r / scale);
    uint64_t fp = (uint64_t)(r - (double)ip * scale);
    grouped(ip, out);
    if (decimals > 0)
        fp_buf_printf(out, ".%0*llu", decimals, (unsigned long long)fp);
}

void fp_fmt_money(int64_t fen, fp_money_style style, fp_buf *out)
{
    fp_fmt_money_in(fen, style, NULL, out);
}

void fp_fmt_money_in(int64_t fen, fp_money_style style, const fp_currency *cur, fp_buf *out)
{
    if (!cur)
        cur = fp_currency_default();
    if (fen == FP_NO_MONEY) {
        fp_buf_adds(out, DASH);
        return;
    }
    uint64_t a = fen < 0 ? (uint64_t)(-(fen + 1)) + 1 : (uint64_t)fen;
    if (fen < 0)
        fp_buf_addc(out, '-');
    if (style == FP_MONEY_YUAN || a < 1000000ull) { /* below 1万元 the unit is 元 */
        grouped(a / 100, out);
        fp_buf_printf(out, ".%02llu", (unsigned long long)(a % 100));
        if (style == FP_MONEY_AUTO)
            fp_buf_adds(out, cur->zh);
        return;
    }
    /* 万元 below 1亿元, else 亿元, two decimals, rounded half up on the exact integer */
    uint64_t unit = a < 10000000000ull ? 1000000ull : 10000000000ull; /* 1万元 / 1亿元 in fen */
    uint64_t hundredths = (a * 100 + unit / 2) / unit;
    if (a > UINT64_MAX / 100) /* astronomically large: stay exact enough */
        hundredths = a / (unit / 100);
    grouped(hundredths / 100, out);
    fp_buf_printf(out, ".%02llu%s%s", (unsigned long long)(hundredths % 100), unit == 1000000ull ? "万" : "亿", cur->zh);
}

void fp_fmt_percent(double r, int decimals, bool sign, fp_buf *out)
{
    if (!isfinite(r)) {
        fp_buf_adds(out, DASH);
        return;
    }
    double p = r * 100.0;
    double scale = pow(10.0, decimals);
    double rounded = round(fabs(p) * scale) / scale;
    if (sign)
        fp_buf_addc(out, p < 0 && rounded > 0 ? '-' : '+');
    else if (p < 0 && rounded > 0)
        fp_buf_addc(out, '-');
    fp_buf_printf(out, "%.*f%%", decimals, rounded);
}

int fp_direction(double v, int numkind)
{
    if (!isfinite(v))
        return 0;
    /* the same arithmetic as fp_fmt_percent and fp_fmt_number, so "flat" is exactly "shows as zero" */
    double shown = numkind == FP_NUM_RATIO ? round(fabs(v * 100.0) * 10.0) : round(fabs(v) * 100.0);
    return shown == 0 ? 0 : v > 0 ? 1 : -1;
}

/* ---- named formats ---- */

static const struct {
    const char *name;
    fp_fmt_kind kind;
} FMTS[] = {{"auto", FP_FMT_AUTO},       {"money", FP_FMT_MONEY},     {"yuan", FP_FMT_YUAN},
            {"wan", FP_FMT_WAN},         {"int", FP_FMT_INT},         {"number", FP_FMT_NUMBER},
            {"percent", FP_FMT_PERCENT}, {"signed", FP_FMT_SIGNED},   {"pp", FP_FMT_PP},
            {"points", FP_FMT_POINTS},   {"count", FP_FMT_COUNT},     {"arrow", FP_FMT_ARROW},
            {"date", FP_FMT_DATE},       {"date_zh", FP_FMT_DATE_ZH}, {"date_en", FP_FMT_DATE_EN},
            {"date_long", FP_FMT_DATE_LONG}, {"text", FP_FMT_TEXT}};

bool fp_fmt_parse(const char *spec, fp_fmt *out, char *why, size_t whyn)
{
    char name[32];
    const char *colon = strchr(spec, ':');
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
    out->kind = FP_FMT_AUTO;
    out->digits = -1;
    if (n == 0 || n >= sizeof name)
        goto bad;
    memcpy(name, spec, n);
    name[n] = 0;
    for (size_t i = 0; i < sizeof FMTS / sizeof *FMTS; i++) {
        if (strcmp(FMTS[i].name, name))
            continue;
        out->kind = FMTS[i].kind;
        if (colon) {
            const char *d = colon + 1;
            if (!(*d >= '0' && *d <= '9') || (d[1] && !(d[1] >= '0' && d[1] <= '9' && !d[2]))) {
                if (why)
                    snprintf(why, whyn, "the decimals after \"%s:\" must be a number from 0 to 99", name);
                return false;
            }
            out->digits = atoi(d);
        }
        return true;
    }
bad:
    if (why) {
        fp_buf b;
        fp_buf_init(&b);
        for (size_t i = 0; i < sizeof FMTS / sizeof *FMTS; i++)
            fp_buf_printf(&b, "%s%s", i ? ", " : "", FMTS[i].name);
        snprintf(why, whyn, "unknown format \"%s\"; the formats are %s (some take decimals: percent:1)", spec,
                 b.data);
        fp_buf_free(&b);
    }
    return false;
}

const char *fp_fmt_name(fp_fmt_kind k)
{
    for (size_t i = 0; i < sizeof FMTS / sizeof *FMTS; i++)
        if (FMTS[i].kind == k)
            return FMTS[i].name;
    return "?";
}

static int64_t to_fen(double yuan)
{
    return (int64_t)llround(yuan * 100.0);
}

/* money with an English compact unit: ¥856.00, ¥45.6K, $1.23M, €1.23B */
static void money_en(double v, int digits, const fp_currency *cur, fp_buf *out)
{
    double a = fabs(v);
    if (v < 0)
        fp_buf_addc(out, '-');
    fp_buf_adds(out, cur->symbol);
    if (a < 10000) {
        fp_fmt_number(a, digits < 0 ? 2 : digits, out);
        return;
    }
    const char *u = a < 1e6 ? "K" : a < 1e9 ? "M" : "B";
    double d = a < 1e6 ? 1e3 : a < 1e9 ? 1e6 : 1e9;
    fp_fmt_number(a / d, digits < 0 ? 2 : digits, out);
    fp_buf_adds(out, u);
}

void fp_format_number(double v, int numkind, fp_fmt fmt, fp_lang lang, fp_buf *out)
{
    fp_format_number_in(v, numkind, fmt, lang, NULL, out);
}

void fp_format_number_in(double v, int numkind, fp_fmt fmt, fp_lang lang, const fp_currency *cur, fp_buf *out)
{
    if (!cur)
        cur = fp_currency_default();
    if (!isfinite(v)) {
        fp_buf_adds(out, DASH);
        return;
    }
    fp_fmt_kind k = fmt.kind;
    if (k == FP_FMT_AUTO)
        k = numkind == FP_NUM_MONEY   ? FP_FMT_MONEY
            : numkind == FP_NUM_RATIO ? FP_FMT_PERCENT
            : numkind == FP_NUM_COUNT ? FP_FMT_INT
                                      : FP_FMT_NUMBER;
    int dg = fmt.digits;
    switch (k) {
    case FP_FMT_MONEY:
        if (lang == FP_LANG_EN) {
            money_en(v, dg, cur, out);
        } else if (dg < 0 || dg == 2) {
            fp_fmt_money_in(to_fen(v), FP_MONEY_AUTO, cur, out);
        } else {
            /* the unit follows the size; the decimals are the template's */
            double a = fabs(v);
            double d = a < 10000 ? 1 : a < 1e8 ? 1e4 : 1e8;
            fp_fmt_number(v / d, dg, out);
            fp_buf_adds(out, a < 10000 ? "" : a < 1e8 ? "万" : "亿");
            fp_buf_adds(out, cur->zh);
        }
        break;
    case FP_FMT_YUAN:
        if (lang == FP_LANG_EN)
            fp_buf_adds(out, cur->symbol);
        fp_fmt_number(v, dg < 0 ? 2 : dg, out);
        if (lang == FP_LANG_ZH)
            fp_buf_adds(out, cur->zh);
        break;
    case FP_FMT_WAN:
        fp_fmt_number(v / 10000.0, dg < 0 ? 2 : dg, out);
        break;
    case FP_FMT_INT:
        fp_fmt_number(v, 0, out);
        break;
    case FP_FMT_NUMBER:
        fp_fmt_number(v, dg < 0 ? 2 : dg, out);
        break;
    case FP_FMT_PERCENT:
        fp_fmt_percent(v, dg < 0 ? 1 : dg, false, out);
        break;
    case FP_FMT_SIGNED:
        fp_fmt_percent(v, dg < 0 ? 1 : dg, true, out);
        break;
    case FP_FMT_COUNT: {
        /* whole numbers as they are; a fraction (a week's share of a monthly count target) with one
         * decimal, so the figure shown never contradicts a comparison with it */
        double r1 = round(v * 10) / 10;
        fp_fmt_number(v, r1 == round(v) ? 0 : dg < 0 ? 1 : dg, out);
        break;
    }
    case FP_FMT_PP:
    case FP_FMT_POINTS: {
        fp_buf tmp;
        fp_buf_init(&tmp);
        fp_fmt_percent(k == FP_FMT_PP ? v : fabs(v), dg < 0 ? 1 : dg, k == FP_FMT_PP, &tmp);
        tmp.data[--tmp.len] = 0; /* drop the % sign */
        fp_buf_adds(out, tmp.data);
        fp_buf_adds(out, lang == FP_LANG_EN ? " pp" : "个百分点");
        fp_buf_free(&tmp);
        break;
    }
    case FP_FMT_ARROW: {
        double r = round(fabs(v) * 100 * pow(10, dg < 0 ? 1 : dg));
        fp_buf_adds(out, r == 0 ? "–" : v > 0 ? "▲" : "▼");
        fp_fmt_percent(fabs(v), dg < 0 ? 1 : dg, false, out);
        break;
    }
    case FP_FMT_AUTO:
    case FP_FMT_DATE:
    case FP_FMT_DATE_ZH:
    case FP_FMT_DATE_EN:
    case FP_FMT_DATE_LONG:
    case FP_FMT_TEXT:
        fp_json_number(v, (fp_numkind)numkind, out);
        break;
    }
}

void fp_format_text(const char *s, fp_fmt fmt, fp_lang lang, fp_buf *out)
{
    fp_date d;
    if (fmt.kind == FP_FMT_DATE_LONG)
        fmt.kind = lang == FP_LANG_EN ? FP_FMT_DATE_EN : FP_FMT_DATE_ZH;
    if ((fmt.kind == FP_FMT_DATE || fmt.kind == FP_FMT_DATE_ZH || fmt.kind == FP_FMT_DATE_EN) &&
        fp_date_parse(s, strlen(s), &d)) {
        int y, m, dd;
        fp_date_to_ymd(d, &y, &m, &dd);
        static const char *MON[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        if (fmt.kind == FP_FMT_DATE_ZH)
            fp_buf_printf(out, "%d年%d月%d日", y, m, dd);
        else if (fmt.kind == FP_FMT_DATE_EN)
            fp_buf_printf(out, "%d %s %d", dd, MON[m - 1], y);
        else
            fp_buf_printf(out, "%04d-%02d-%02d", y, m, dd);
        return;
    }
    fp_buf_adds(out, s);
}

double fp_money_own_unit(double v, fp_lang lang)
{
    double a = fabs(v);
    if (lang == FP_LANG_EN)
        return a < 1e4 ? 1 : a < 1e6 ? 1e3 : a < 1e9 ? 1e6 : 1e9;
    return a < 1e4 ? 1 : a < 1e8 ? 1e4 : 1e8;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double fp_money_column_unit(const double *v, size_t n, int digits, fp_lang lang)
{
    static const double ZH[] = {1, 1e4, 1e8}, EN[] = {1, 1e3, 1e6, 1e9};
    const double *units = lang == FP_LANG_EN ? EN : ZH;
    int nu = lang == FP_LANG_EN ? 4 : 3;
    double *a = fp_xmalloc((n ? n : 1) * sizeof *a);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]) && v[i] != 0)
            a[k++] = fabs(v[i]);
    if (!k) {
        free(a);
        return 1;
    }
    qsort(a, k, sizeof *a, cmp_double);
    double typical = a[k / 2], least = a[0];
    free(a);
    /* the unit the typical amount takes on its own */
    double own = fp_money_own_unit(typical, lang);
    int u = 0;
    while (u + 1 < nu && units[u] < own)
        u++;
    /* no non-zero amount shown as 0.00 */
    double half = 0.5 * pow(10.0, -(digits < 0 ? 2 : digits));
    while (u > 0 && least / units[u] < half)
        u--;
    return units[u];
}

void fp_fmt_money_unit(double v, double div, int digits, fp_lang lang, const fp_currency *cur, fp_buf *out)
{
    if (!cur)
        cur = fp_currency_default();
    if (!isfinite(v)) {
        fp_buf_adds(out, DASH);
        return;
    }
    int dg = digits < 0 ? 2 : digits;
    double scale = pow(10.0, dg);
    bool neg = v < 0 && round(fabs(v) / div * scale) > 0;
    if (neg)
        fp_buf_addc(out, '-');
    if (lang == FP_LANG_EN) {
        fp_buf_adds(out, cur->symbol);
        fp_fmt_number(fabs(v) / div, dg, out);
        fp_buf_adds(out, div == 1e3 ? "K" : div == 1e6 ? "M" : div == 1e9 ? "B" : "");
    } else {
        fp_fmt_number(fabs(v) / div, dg, out);
        fp_buf_adds(out, div == 1e4 ? "万" : div == 1e8 ? "亿" : "");
        fp_buf_adds(out, cur->zh);
    }
}
