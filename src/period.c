/* period.c — parsing periods, moving between them, and counting working days. */
#include "period.h"

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static fp_date month_start(int y, int m)
{
    return fp_date_from_ymd(y, m, 1);
}

fp_period fp_period_make(fp_period_kind kind, int year, int num)
{
    fp_period p = {kind, year, num, 0, 0};
    switch (kind) {
    case FP_WEEK:
        p.start = fp_date_from_iso_week(year, num);
        p.end = p.start + 6;
        break;
    case FP_MONTH:
        p.start = month_start(year, num);
        p.end = p.start + fp_days_in_month(year, num) - 1;
        break;
    case FP_QUARTER:
        p.start = month_start(year, (num - 1) * 3 + 1);
        p.end = (num == 4 ? month_start(year + 1, 1) : month_start(year, num * 3 + 1)) - 1;
        break;
    case FP_YEAR:
        p.num = 1;
        p.start = month_start(year, 1);
        p.end = month_start(year + 1, 1) - 1;
        break;
    }
    return p;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return n > 0;
}

static int num_of(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

fp_status fp_period_parse(const char *s0, fp_period *out, fp_error *err)
{
    const char *s = s0;
    size_t n = fp_trim(&s, strlen(s0));
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        goto bad;
    memcpy(buf, s, n);
    buf[n] = 0;
    if (n < 4 || !all_digits(buf, 4))
        goto bad;
    int y = num_of(buf, 4);
    if (y < 1900 || y > 2999)
        goto bad;
    const char *r = buf + 4;
    size_t rn = n - 4;
    if (rn == 0 || !strcmp(r, "年")) {
        *out = fp_period_make(FP_YEAR, y, 1);
        return FP_OK;
    }
    if (*r == '-' || *r == '/') {
        r++;
        rn--;
    }
    if (rn >= 2 && (r[0] == 'W' || r[0] == 'w') && all_digits(r + 1, rn - 1) && rn <= 3) {
        int w = num_of(r + 1, rn - 1);
        if (w < 1 || w > fp_iso_weeks_in_year(y)) {
            return fp_fail(err, FP_ERR_USAGE, "period \"%s\": %d has %d ISO weeks, so week %d does not exist", s0,
                           y, fp_iso_weeks_in_year(y), w);
        }
        *out = fp_period_make(FP_WEEK, y, w);
        return FP_OK;
    }
    if (rn == 2 && (r[0] == 'Q' || r[0] == 'q') && r[1] >= '1' && r[1] <= '4') {
        *out = fp_period_make(FP_QUARTER, y, r[1] - '0');
        return FP_OK;
    }
    /* 2026-10, 2026/10, 202610, 2026年10月 */
    if (!strncmp(buf + 4, "年", 3)) {
        r = buf + 7;
        rn = n - 7;
        if (rn > 3 && !strcmp(r + rn - 3, "月"))
            rn -= 3;
        else
            goto bad;
    }
    if ((rn == 1 || rn == 2) && all_digits(r, rn)) {
        int m = num_of(r, rn);
        if (m >= 1 && m <= 12) {
            *out = fp_period_make(FP_MONTH, y, m);
            return FP_OK;
        }
    }
bad:
    return fp_fail(err, FP_ERR_USAGE,
                   "cannot read the period \"%s\"; write a week 2026-W43, a month 2026-10, a quarter 2026-Q4 or a "
                   "year 2026",
                   s0);
}

fp_period fp_period_shift(const fp_period *p, int n)
{
    switch (p->kind) {
    case FP_WEEK: {
        fp_date monday = p->start + n * 7;
        int y, w;
        fp_date_iso_week(monday, &y, &w);
        return fp_period_make(FP_WEEK, y, w);
    }
    case FP_MONTH: {
        int idx = p->year * 12 + (p->num - 1) + n;
        return fp_period_make(FP_MONTH, idx / 12, idx % 12 + 1);
    }
    case FP_QUARTER: {
        int idx = p->year * 4 + (p->num - 1) + n;
        return fp_period_make(FP_QUARTER, idx / 4, idx % 4 + 1);
    }
    case FP_YEAR:
        return fp_period_make(FP_YEAR, p->year + n, 1);
    }
    return *p;
}

fp_period fp_period_prev(const fp_period *p)
{
    return fp_period_shift(p, -1);
}

fp_period fp_period_year_ago(const fp_period *p)
{
    if (p->kind == FP_WEEK) {
        int w = p->num;
        int max = fp_iso_weeks_in_year(p->year - 1);
        return fp_period_make(FP_WEEK, p->year - 1, w > max ? max : w);
    }
    return fp_period_make(p->kind, p->year - 1, p->num);
}

fp_period fp_period_containing(fp_period_kind kind, fp_date day)
{
    int y, m, d;
    fp_date_to_ymd(day, &y, &m, &d);
    switch (kind) {
    case FP_WEEK: {
        int iy, w;
        fp_date_iso_week(day, &iy, &w);
        return fp_period_make(FP_WEEK, iy, w);
    }
    case FP_MONTH:
        return fp_period_make(FP_MONTH, y, m);
    case FP_QUARTER:
        return fp_period_make(FP_QUARTER, y, (m - 1) / 3 + 1);
    case FP_YEAR:
        return fp_period_make(FP_YEAR, y, 1);
    }
    return fp_period_make(FP_MONTH, y, m);
}

void fp_period_label(const fp_period *p, char *out, size_t n)
{
    switch (p->kind) {
    case FP_WEEK:
        snprintf(out, n, "%04d-W%02d", p->year, p->num);
        break;
    case FP_MONTH:
        snprintf(out, n, "%04d-%02d", p->year, p->num);
        break;
    case FP_QUARTER:
        snprintf(out, n, "%04d-Q%d", p->year, p->num);
        break;
    case FP_YEAR:
        snprintf(out, n, "%04d", p->year);
        break;
    }
}

void fp_period_label_zh(const fp_period *p, char *out, size_t n)
{
    switch (p->kind) {
    case FP_WEEK:
        snprintf(out, n, "%d年第%d周", p->year, p->num);
        break;
    case FP_MONTH:
        snprintf(out, n, "%d年%d月", p->year, p->num);
        break;
    case FP_QUARTER:
        snprintf(out, n, "%d年第%d季度", p->year, p->num);
        break;
    case FP_YEAR:
        snprintf(out, n, "%d年", p->year);
        break;
    }
}

void fp_period_label_en(const fp_period *p, char *out, size_t n)
{
    static const char *const month[] = {"January", "February", "March",     "April",   "May",      "June",
                                        "July",    "August",   "September", "October", "November", "December"};
    switch (p->kind) {
    case FP_WEEK:
        snprintf(out, n, "week %d of %d", p->num, p->year);
        break;
    case FP_MONTH:
        snprintf(out, n, "%s %d", month[(p->num - 1) % 12], p->year);
        break;
    case FP_QUARTER:
        snprintf(out, n, "Q%d %d", p->num, p->year);
        break;
    case FP_YEAR:
        snprintf(out, n, "%d", p->year);
        break;
    }
}

const char *fp_period_kind_name(fp_period_kind k)
{
    switch (k) {
    case FP_WEEK:
        return "week";
    case FP_MONTH:
        return "month";
    case FP_QUARTER:
        return "quarter";
    case FP_YEAR:
        return "year";
    }
    return "?";
}

void fp_period_months(const fp_period *p, int *first, int *last)
{
    int y, m, d;
    fp_date_to_ymd(p->start, &y, &m, &d);
    *first = y * 12 + m - 1;
    fp_date_to_ymd(p->end, &y, &m, &d);
    *last = y * 12 + m - 1;
}

/* ---- working days ---- */

void fp_calendar_free(fp_calendar *c)
{
    free(c->off);
    free(c->work);
    memset(c, 0, sizeof *c);
}

void fp_calendar_add(fp_calendar *c, fp_date day, bool working)
{
    fp_date **arr = working ? &c->work : &c->off;
    size_t *n = working ? &c->nwork : &c->noff;
    *arr = fp_xrealloc(*arr, (*n + 1) * sizeof **arr);
    (*arr)[(*n)++] = day;
}

static int cmp_date(const void *a, const void *b)
{
    fp_date x = *(const fp_date *)a, y = *(const fp_date *)b;
    return (x > y) - (x < y);
}

static size_t dedupe(fp_date *a, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || a[k - 1] != a[i])
            a[k++] = a[i];
    return k;
}

void fp_calendar_sort(fp_calendar *c)
{
    if (c->noff) {
        qsort(c->off, c->noff, sizeof *c->off, cmp_date);
        c->noff = dedupe(c->off, c->noff);
    }
    if (c->nwork) {
        qsort(c->work, c->nwork, sizeof *c->work, cmp_date);
        c->nwork = dedupe(c->work, c->nwork);
    }
}

/* index of the first element >= d */
static size_t lower(const fp_date *a, size_t n, fp_date d)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (a[mid] < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool contains(const fp_date *a, size_t n, fp_date d)
{
    size_t i = lower(a, n, d);
    return i < n && a[i] == d;
}

static bool weekday(fp_date d)
{
    return fp_date_weekday(d) <= 5;
}

bool fp_is_working_day(const fp_calendar *c, fp_date day)
{
    if (c && contains(c->work, c->nwork, day))
        return true;
    if (c && contains(c->off, c->noff, day))
        return false;
    return weekday(day);
}

/* Monday–Friday days in [from, to] */
static int plain_weekdays(fp_date from, fp_date to)
{
    if (to < from)
        return 0;
    int days = to - from + 1;
    int full = days / 7;
    int count = full * 5;
    int wd = fp_date_weekday(from + full * 7);
    for (int i = 0; i < days % 7; i++) {
        int w = (wd - 1 + i) % 7 + 1;
        if (w <= 5)
            count++;
    }
    return count;
}

int fp_working_days(const fp_calendar *c, fp_date from, fp_date to)
{
    if (to < from)
        return 0;
    int n = plain_weekdays(from, to);
    if (!c)
        return n;
    for (size_t i = lower(c->off, c->noff, from); i < c->noff && c->off[i] <= to; i++)
        if (weekday(c->off[i]) && !contains(c->work, c->nwork, c->off[i]))
            n--;
    for (size_t i = lower(c->work, c->nwork, from); i < c->nwork && c->work[i] <= to; i++)
        if (!weekday(c->work[i]))
            n++;
    return n;
}
