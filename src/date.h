/* date.h — calendar dates as day numbers.
 *
 * A date is an int32_t counting days since 1970-01-01 (proleptic Gregorian),
 * so ranges are integer comparisons and differences are day counts.
 * FP_NO_DATE marks a missing value.
 */
#ifndef FP_DATE_H
#define FP_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t fp_date;
#define FP_NO_DATE INT32_MIN

fp_date fp_date_from_ymd(int y, int m, int d);
void fp_date_to_ymd(fp_date day, int *y, int *m, int *d);
bool fp_ymd_valid(int y, int m, int d);
int fp_days_in_month(int y, int m);
/* ISO weekday: 1 = Monday … 7 = Sunday. */
int fp_date_weekday(fp_date day);
/* ISO 8601 week-numbering year and week of a date. */
void fp_date_iso_week(fp_date day, int *iso_year, int *week);
/* Monday of ISO week w of iso_year. */
fp_date fp_date_from_iso_week(int iso_year, int week);
int fp_iso_weeks_in_year(int iso_year);

/* Parses the date forms users have: 2026-10-03, 2026/10/3, 2026.10.3, 20261003,
 * 2026年10月3日, each optionally followed by a time ("2026-10-03 14:22:01",
 * "2026-10-03T14:22"), which is ignored. Returns false when s is not a valid date. */
bool fp_date_parse(const char *s, size_t n, fp_date *out);
/* Writes YYYY-MM-DD into out (at least 11 bytes). */
void fp_date_format(fp_date day, char *out);
/* Today in local time. */
fp_date fp_date_today(void);

#endif
