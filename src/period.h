/* period.h — the periods reviews are written for, and working days.
 *
 * A period is an ISO week (2026-W43), a month (2026-10), a quarter (2026-Q4)
 * or a year (2026). Each knows its first and last day, the period before it
 * (环比), the same period a year earlier (同比), and its neighbours for
 * trends. Working days are Monday–Friday, corrected by a calendar of public
 * holidays (days off) and working weekend days (调休), which the data may
 * provide.
 */
#ifndef FP_PERIOD_H
#define FP_PERIOD_H

#include "date.h"
#include "error.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum fp_period_kind { FP_WEEK, FP_MONTH, FP_QUARTER, FP_YEAR } fp_period_kind;

typedef struct fp_period {
    fp_period_kind kind;
    int year;   /* ISO week-numbering year for weeks */
    int num;    /* week 1–53, month 1–12, quarter 1–4, 1 for a year */
    fp_date start, end; /* first and last day, inclusive */
} fp_period;

/* Parses 2026-W43 (also 2026W43), 2026-10 (2026/10, 2026年10月), 2026-Q4 (2026Q4), 2026 (2026年). */
fp_status fp_period_parse(const char *s, fp_period *out, fp_error *err);
fp_period fp_period_make(fp_period_kind kind, int year, int num);
/* The period n steps later (n < 0: earlier). */
fp_period fp_period_shift(const fp_period *p, int n);
fp_period fp_period_prev(const fp_period *p);
/* The same period one year earlier; week 53 maps to week 52 when the year before has none. */
fp_period fp_period_year_ago(const fp_period *p);
/* The period of a kind that contains a day. */
fp_period fp_period_containing(fp_period_kind kind, fp_date day);
/* Canonical label: 2026-W43, 2026-10, 2026-Q4, 2026. out needs 16 bytes. */
void fp_period_label(const fp_period *p, char *out, size_t n);
/* Chinese label: 2026年第43周, 2026年10月, 2026年第4季度, 2026年. out needs 32 bytes. */
void fp_period_label_zh(const fp_period *p, char *out, size_t n);
/* "week 43 of 2026", "October 2026", "Q4 2026", "2026": the period in an English sentence */
void fp_period_label_en(const fp_period *p, char *out, size_t n);
const char *fp_period_kind_name(fp_period_kind k);
/* Months (as y*12+m-1) that a period overlaps: first and last. */
void fp_period_months(const fp_period *p, int *first, int *last);

/* Working-day calendar: days off and working weekend days, each sorted. */
typedef struct fp_calendar {
    fp_date *off;
    size_t noff;
    fp_date *work;
    size_t nwork;
} fp_calendar;

void fp_calendar_free(fp_calendar *c);
/* Adds a day off (holiday) or a working day (调休); call fp_calendar_sort after adding. */
void fp_calendar_add(fp_calendar *c, fp_date day, bool working);
void fp_calendar_sort(fp_calendar *c);
bool fp_is_working_day(const fp_calendar *c, fp_date day);
/* Working days in [from, to], inclusive; 0 when to < from. c may be NULL (Monday–Friday). */
int fp_working_days(const fp_calendar *c, fp_date from, fp_date to);

#endif
