/* date.c — civil-date arithmetic (days since 1970-01-01) and date parsing.
 *
 * The conversions are Howard Hinnant's days_from_civil / civil_from_days,
 * valid for every year fupan meets. Parsing accepts the forms CRM exports
 * and Excel produce in China; it never consults the locale.
 */
#include "date.h"

#include <string.h>
#include <time.h>

fp_date fp_date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (fp_date)(era * 146097 + (int)doe - 719468);
}

void fp_date_to_ymd(fp_date z0, int *y, int *m, int *d)
{
    int z = z0 + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int yy = (int)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned dd = doy - (153 * mp + 2) / 5 + 1;
    const unsigned mm = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (mm <= 2);
    *m = (int)mm;
    *d = (int)dd;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int fp_days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && leap(y) ? 29 : dm[m - 1];
}

bool fp_ymd_valid(int y, int m, int d)
{
    return y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= fp_days_in_month(y, m);
}

int fp_date_weekday(fp_date day)
{
    /* 1970-01-01 was a Thursday (4) */
    int w = (int)((day % 7 + 7) % 7); /* 0 = Thursday */
    return (w + 3) % 7 + 1;
}

fp_date fp_date_from_iso_week(int iso_year, int week)
{
    fp_date jan4 = fp_date_from_ymd(iso_year, 1, 4);
    fp_date monday1 = jan4 - (fp_date_weekday(jan4) - 1);
    return monday1 + (week - 1) * 7;
}

void fp_date_iso_week(fp_date day, int *iso_year, int *week)
{
    int y, m, d;
    fp_date_to_ymd(day, &y, &m, &d);
    /* the Thursday of this week decides the year */
    fp_date thu = day + (4 - fp_date_weekday(day));
    int ty, tm, td;
    fp_date_to_ymd(thu, &ty, &tm, &td);
    fp_date first = fp_date_from_iso_week(ty, 1);
    *iso_year = ty;
    *week = (day - first) / 7 + 1;
    (void)y;
    (void)m;
    (void)d;
}

int fp_iso_weeks_in_year(int iso_year)
{
    int y, w;
    fp_date_iso_week(fp_date_from_ymd(iso_year, 12, 28), &y, &w);
    return w;
}

/* reads 1..maxd ASCII digits */
static bool digits(const char **p, const char *end, int mind, int maxd, int *out)
{
    int v = 0, k = 0;
    while (*p < end && k < maxd && **p >= '0' && **p <= '9') {
        v = v * 10 + (**p - '0');
        (*p)++;
        k++;
    }
    if (k < mind)
        return false;
    *out = v;
    return true;
}

static bool lit(const char **p, const char *end, const char *s)
{
    size_t n = strlen(s);
    if ((size_t)(end - *p) >= n && memcmp(*p, s, n) == 0) {
        *p += n;
        return true;
    }
    return false;
}

static bool time_tail(const char *p, const char *end)
{
    /* nothing, or a separator then a time of day we ignore: digits, ':', '.', spaces */
    if (p == end)
        return true;
    if (*p != ' ' && *p != 'T')
        return false;
    p++;
    int hh;
    if (!digits(&p, end, 1, 2, &hh) || hh > 23)
        return false;
    if (p == end || *p != ':')
        return false;
    while (p < end && ((*p >= '0' && *p <= '9') || *p == ':' || *p == '.'))
        p++;
    return p == end;
}

static inline bool dig(char c)
{
    return (unsigned)(c - '0') < 10;
}

bool fp_date_parse(const char *s, size_t n, fp_date *out)
{
    const char *p = s, *end = s + n;
    int y, m, d;
    /* the common case first: 2026-10-03 */
    if (n == 10 && s[4] == '-' && s[7] == '-' && dig(s[0]) && dig(s[1]) && dig(s[2]) && dig(s[3]) && dig(s[5]) &&
        dig(s[6]) && dig(s[8]) && dig(s[9])) {
        y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        m = (s[5] - '0') * 10 + (s[6] - '0');
        d = (s[8] - '0') * 10 + (s[9] - '0');
        if (!fp_ymd_valid(y, m, d))
            return false;
        *out = fp_date_from_ymd(y, m, d);
        return true;
    }
    if (n == 8 && dig(s[0]) && dig(s[1]) && dig(s[2]) && dig(s[3]) && dig(s[4]) && dig(s[5]) && dig(s[6]) &&
        dig(s[7])) { /* the cell need not end with a NUL: no strspn */
        y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        m = (s[4] - '0') * 10 + (s[5] - '0');
        d = (s[6] - '0') * 10 + (s[7] - '0');
    } else {
        if (!digits(&p, end, 4, 4, &y))
            return false;
        if (lit(&p, end, "年")) {
            if (!digits(&p, end, 1, 2, &m) || !lit(&p, end, "月") || !digits(&p, end, 1, 2, &d))
                return false;
            if (!lit(&p, end, "日"))
                (void)lit(&p, end, "号");
        } else {
            char sep = p < end ? *p : 0;
            if (sep != '-' && sep != '/' && sep != '.')
                return false;
            p++;
            if (!digits(&p, end, 1, 2, &m) || p >= end || *p != sep)
                return false;
            p++;
            if (!digits(&p, end, 1, 2, &d))
                return false;
        }
        if (!time_tail(p, end))
            return false;
    }
    if (!fp_ymd_valid(y, m, d))
        return false;
    *out = fp_date_from_ymd(y, m, d);
    return true;
}

void fp_date_format(fp_date day, char *out)
{
    int y, m, d;
    fp_date_to_ymd(day, &y, &m, &d);
    /* y is 1900..2999 for any parsed date; clamp so the output always fits */
    if (y < 0)
        y = 0;
    if (y > 9999)
        y = 9999;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = 0;
}

fp_date fp_date_today(void)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    return fp_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}
