/* parse.c — cell values: money, numbers, discounts and months, as CRM exports
 * and Excel write them in China. Numbers are read digit by digit into an
 * exact decimal (mantissa, exponent) so money sums are exact and nothing
 * depends on strtod or the locale. */
#include "parse.h"

#include "currency.h"

#include "date.h"
#include "util.h"

#include <string.h>

typedef struct {
    uint64_t mant;  /* digits read, as an integer */
    int exp10;      /* value = mant * 10^exp10 */
    bool neg;
} decimal;

static bool skip_lit(const char **p, const char *end, const char *s)
{
    size_t n = strlen(s);
    if ((size_t)(end - *p) >= n && memcmp(*p, s, n) == 0) {
        *p += n;
        return true;
    }
    return false;
}

static void skip_blank(const char **p, const char *end)
{
    while (*p < end && (**p == ' ' || **p == '\t'))
        (*p)++;
}

static inline bool isdig(char c)
{
    return c >= '0' && c <= '9';
}

/* Reads [+-]digits[,digits…][.digits] at *p. Thousands separators must sit between digits. */
static bool read_decimal(const char **pp, const char *end, decimal *d)
{
    const char *p = *pp;
    d->mant = 0;
    d->exp10 = 0;
    d->neg = false;
    if (p < end && (*p == '-' || *p == '+')) {
        d->neg = *p == '-';
        p++;
    }
    int dropped = 0; /* integer digits that did not fit */
    bool any = false, grouped = false;
    int run = 0;     /* digits since the start or the last comma */
    while (p < end) {
        if (*p >= '0' && *p <= '9') {
            if (d->mant < 100000000000000000ull) {
                d->mant = d->mant * 10 + (uint64_t)(*p - '0');
            } else {
                dropped++;
            }
            any = true;
            run++;
            p++;
        } else if (*p == ',') {
            /* a thousands separator: 1-3 digits before the first, exactly 3 after each ("1,5" is
             * a decimal comma, which would silently read as 15) */
            if (!any || (grouped ? run != 3 : run > 3))
                return false;
            if (end - p < 4 || !isdig(p[1]) || !isdig(p[2]) || !isdig(p[3]) || (end - p > 4 && isdig(p[4])))
                return false;
            grouped = true;
            run = 0;
            p++;
        } else {
            break;
        }
    }
    if (grouped && run != 3)
        return false;
    d->exp10 = dropped;
    if (p < end && *p == '.') {
        p++;
        bool frac = false;
        while (p < end && *p >= '0' && *p <= '9') {
            if (d->mant < 100000000000000000ull) {
                d->mant = d->mant * 10 + (uint64_t)(*p - '0');
                d->exp10--;
            }
            frac = true;
            p++;
        }
        any = any || frac;
    }
    if (!any)
        return false;
    *pp = p;
    return true;
}

static const uint64_t POW10[] = {1ull,
                                 10ull,
                                 100ull,
                                 1000ull,
                                 10000ull,
                                 100000ull,
                                 1000000ull,
                                 10000000ull,
                                 100000000ull,
                                 1000000000ull,
                                 10000000000ull,
                                 100000000000ull,
                                 1000000000000ull,
                                 10000000000000ull,
                                 100000000000000ull,
                                 1000000000000000ull,
                                 10000000000000000ull,
                                 100000000000000000ull,
                                 1000000000000000000ull};

/* mant * 10^e as an integer rounded half away from zero; false on overflow */
static bool scale_round(uint64_t mant, int e, int64_t *out)
{
    if (mant == 0) {
        *out = 0;
        return true;
    }
    if (e >= 0) {
        if (e > 18)
            return false;
        if (mant > (uint64_t)INT64_MAX / POW10[e])
            return false;
        *out = (int64_t)(mant * POW10[e]);
        return true;
    }
    if (-e > 18) {
        *out = 0;
        return true;
    }
    uint64_t div = POW10[-e];
    uint64_t q = mant / div, r = mant % div;
    if (r * 2 >= div)
        q++;
    if (q > (uint64_t)INT64_MAX)
        return false;
    *out = (int64_t)q;
    return true;
}

static double to_double(const decimal *d)
{
    double v = (double)d->mant;
    int e = d->exp10;
    if (e > 0) {
        while (e-- > 0)
            v *= 10.0;
    } else if (e < 0) {
        /* exact mantissa divided by an exact power of ten is correctly rounded */
        int k = -e;
        while (k > 18) {
            v /= 1e18;
            k -= 18;
        }
        v /= (double)POW10[k];
    }
    return d->neg ? -v : v;
}

/* Plain digits with an optional '.' and at most two decimals: what nearly every cell holds.
 * Returns false (not an error) for anything else, which then takes the general path. */
static bool fast_digits(const char *s, size_t n, int64_t *v, int *decimals)
{
    if (n == 0 || n > 17)
        return false;
    int64_t x = 0;
    size_t i = 0;
    while (i < n && (unsigned)(s[i] - '0') < 10)
        x = x * 10 + (s[i++] - '0');
    if (i == 0)
        return false;
    *decimals = 0;
    if (i < n) {
        if (s[i] != '.' || i + 1 == n)
            return false;
        for (i++; i < n; i++) {
            if ((unsigned)(s[i] - '0') >= 10)
                return false;
            x = x * 10 + (s[i] - '0');
            (*decimals)++;
        }
    }
    *v = x;
    return true;
}

static const double INV_POW10[] = {1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
                                   1e15, 1e16, 1e17};

/* Copies a cell written with a decimal comma into buf with the marks swapped (1.234,50 → 1,234.50), so
 * one reader reads both; false when it does not fit. */
static bool swap_marks(const char *s, size_t n, char *buf, size_t cap)
{
    if (n >= cap)
        return false;
    for (size_t i = 0; i < n; i++)
        buf[i] = s[i] == ',' ? '.' : s[i] == '.' ? ',' : s[i];
    buf[n] = 0;
    return true;
}

/* skips one of the currency's signs or codes (the longest that matches) */
static bool skip_sign(const char **p, const char *end, const fp_currency *cur)
{
    for (int i = 0; cur->signs[i]; i++)
        if (skip_lit(p, end, cur->signs[i]))
            return true;
    return false;
}

bool fp_parse_money(const char *s0, size_t n, int unit_exp10, int64_t *fen)
{
    return fp_parse_money_in(s0, n, unit_exp10, NULL, '.', fen);
}

bool fp_parse_money_in(const char *s0, size_t n, int unit_exp10, const fp_currency *cur, char mark, int64_t *fen)
{
    int64_t fv;
    int fd;
    if (unit_exp10 == 0 && fast_digits(s0, n, &fv, &fd) && fd <= 2 && (mark != ',' || fd == 0)) {
        *fen = fd == 2 ? fv : fd == 1 ? fv * 10 : fv * 100;
        return true;
    }
    char swapped[256];
    if (mark == ',') {
        if (!swap_marks(s0, n, swapped, sizeof swapped))
            return false;
        s0 = swapped;
    }
    if (!cur)
        cur = fp_currency_default();
    const char *s = s0;
    n = fp_trim(&s, n);
    const char *p = s, *end = s + n;
    if (p == end)
        return false;
    bool paren = false, neg = false;
    if (*p == '(') {
        paren = true;
        p++;
    }
    if (p < end && *p == '-') {
        neg = true;
        p++;
    }
    skip_blank(&p, end);
    /* the currency's signs and codes: ¥ ￥ RMB CNY; $ US$ USD; € EUR … */
    bool signed_before = skip_sign(&p, end, cur);
    if (signed_before)
        skip_blank(&p, end);
    if (!neg && p < end && *p == '-') {
        neg = true;
        p++;
    }
    decimal d;
    if (p < end && (*p == '-' || *p == '+'))
        return false;
    if (!read_decimal(&p, end, &d))
        return false;
    skip_blank(&p, end);
    int mult = unit_exp10;
    if (skip_lit(&p, end, "万"))
        mult = 4;
    else if (skip_lit(&p, end, "亿"))
        mult = 8;
    else if (skip_lit(&p, end, "千"))
        mult = 3;
    if (!skip_lit(&p, end, cur->zh) && !signed_before) {
        skip_blank(&p, end);
        skip_sign(&p, end, cur); /* 12.50 USD, 5 € */
    }
    skip_blank(&p, end);
    if (paren) {
        if (p >= end || *p != ')' || neg)
            return false;
        p++;
        neg = true;
    }
    if (p != end)
        return false;
    int64_t v;
    if (!scale_round(d.mant, d.exp10 + mult + 2, &v))
        return false;
    *fen = neg ? -v : v;
    return true;
}

/* The whole (trimmed) cell as one decimal. */
static bool read_whole(const char *s0, size_t n, decimal *d)
{
    const char *s = s0;
    n = fp_trim(&s, n);
    const char *p = s, *end = s + n;
    return read_decimal(&p, end, d) && p == end;
}

bool fp_parse_number_in(const char *s0, size_t n, char mark, double *out)
{
    char swapped[256];
    if (mark == ',') {
        if (!swap_marks(s0, n, swapped, sizeof swapped))
            return false;
        s0 = swapped;
    }
    return fp_parse_number(s0, n, out);
}

bool fp_parse_number(const char *s0, size_t n, double *out)
{
    int64_t fv;
    int fd;
    if (fast_digits(s0, n, &fv, &fd)) {
        /* exact integer divided by an exact power of ten: correctly rounded */
        *out = (double)fv / INV_POW10[fd];
        return true;
    }
    decimal d;
    if (!read_whole(s0, n, &d))
        return false;
    *out = to_double(&d);
    return true;
}

bool fp_parse_int(const char *s0, size_t n, int64_t *out)
{
    int64_t fv;
    int fd;
    if (fast_digits(s0, n, &fv, &fd) && fd == 0) {
        *out = fv;
        return true;
    }
    decimal d;
    if (!read_whole(s0, n, &d))
        return false;
    /* 12.0 is an integer, 12.5 is not */
    int64_t v;
    if (d.exp10 < 0) {
        uint64_t div = -d.exp10 > 18 ? 0 : POW10[-d.exp10];
        if (div == 0 || d.mant % div != 0)
            return false;
        v = (int64_t)(d.mant / div);
    } else if (!scale_round(d.mant, d.exp10, &v)) {
        return false;
    }
    *out = d.neg ? -v : v;
    return true;
}

bool fp_parse_discount(const char *s0, size_t n, double *rate)
{
    int64_t fv;
    int fd;
    if (fast_digits(s0, n, &fv, &fd)) {
        double v = (double)fv / INV_POW10[fd];
        if (v > 1.0)
            return false;
        *rate = v;
        return true;
    }
    const char *s = s0;
    n = fp_trim(&s, n);
    const char *p = s, *end = s + n;
    decimal d;
    if (!read_decimal(&p, end, &d) || d.neg)
        return false;
    double v = to_double(&d);
    skip_blank(&p, end);
    if (skip_lit(&p, end, "%") || skip_lit(&p, end, "\xEF\xBC\x85")) { /* % or ％ */
        if (p != end || v > 100)
            return false;
        *rate = v / 100.0;
        return true;
    }
    if (skip_lit(&p, end, "折")) {
        if (p != end || v <= 0 || v >= 100)
            return false;
        *rate = v < 10 ? 1.0 - v / 10.0 : 1.0 - v / 100.0;
        /* 9.5折 → 0.05 exactly as a user would write it */
        *rate = (double)(int64_t)(*rate * 1e6 + 0.5) / 1e6;
        return true;
    }
    if (p != end || v > 1.0)
        return false;
    *rate = v;
    return true;
}

bool fp_parse_month(const char *s0, size_t n, int32_t *mi)
{
    const char *s = s0;
    n = fp_trim(&s, n);
    const char *p = s, *end = s + n;
    int y = 0, m = 0, k = 0;
    while (p < end && k < 4 && *p >= '0' && *p <= '9') {
        y = y * 10 + (*p++ - '0');
        k++;
    }
    if (k != 4)
        return false;
    if (p < end && (*p == '-' || *p == '/' || *p == '.')) {
        p++;
    } else if (skip_lit(&p, end, "年")) {
    } else if (end - p != 2) {
        return false;
    }
    k = 0;
    while (p < end && k < 2 && *p >= '0' && *p <= '9') {
        m = m * 10 + (*p++ - '0');
        k++;
    }
    if (k == 0 || m < 1 || m > 12 || y < 1900 || y > 2999)
        return false;
    skip_lit(&p, end, "月");
    if (p != end) {
        /* a full date: take its month */
        fp_date day;
        if (!fp_date_parse(s, n, &day))
            return false;
        int dd;
        fp_date_to_ymd(day, &y, &m, &dd);
    }
    *mi = (int32_t)(y * 12 + (m - 1));
    return true;
}
