/* format.c — money, counts and percentages, without the C locale's help. */
#include "format.h"

#include "table.h"

#include <math.h>
#include <stdio.h>
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
            fp_buf_adds(out, "元");
        return;
    }
    /* 万元 below 1亿元, else 亿元, two decimals, rounded half up on the exact integer */
    uint64_t unit = a < 10000000000ull ? 1000000ull : 10000000000ull; /* 1万元 / 1亿元 in fen */
    uint64_t hundredths = (a * 100 + unit / 2) / unit;
    if (a > UINT64_MAX / 100) /* astronomically large: stay exact enough */
        hundredths = a / (unit / 100);
    grouped(hundredths / 100, out);
    fp_buf_printf(out, ".%02llu%s", (unsigned long long)(hundredths % 100), unit == 1000000ull ? "万元" : "亿元");
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
