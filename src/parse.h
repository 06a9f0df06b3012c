/* parse.h — reading cell values as users have them.
 *
 * Each parser takes the raw cell text (not NUL-terminated, surrounding blanks
 * allowed) and returns false when the text is not a value of that kind; the
 * caller builds the error message, which names the file, line and column.
 * None of them depends on the locale.
 */
#ifndef FP_PARSE_H
#define FP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fp_currency;

/* Money in fen (1/100 yuan), exact: 1234.5, "1,234.50", ¥1,234.50, ￥1234, RMB 12, 1.2万, 3亿元,
 * -5.00, (5.00) for a negative amount. More than two decimals are rounded half away from zero.
 * unit_exp10 is the column's unit when the cell names none: 4 for a column in 万元, else 0. */
bool fp_parse_money(const char *s, size_t n, int unit_exp10, int64_t *fen);
/* The same for amounts in currency cur (NULL: the yuan), in hundredths of its unit: its signs and codes
 * before or after the number ($1,234.50, US$12, 12 USD, €5), its Chinese name after it (1.2万美元);
 * with decimal ',' the marks swap: €1.234,50. */
bool fp_parse_money_in(const char *s, size_t n, int unit_exp10, const struct fp_currency *cur, char mark,
                       int64_t *cents);
/* A number whose decimal mark is decimal ('.' or ','): 3,5 with ','. */
bool fp_parse_number_in(const char *s, size_t n, char mark, double *out);
/* A decimal number: 12, -3.5, 1,000, 1.5e3 is not accepted (CRM exports never write it). */
bool fp_parse_number(const char *s, size_t n, double *out);
/* An integer: 12, 1,000. */
bool fp_parse_int(const char *s, size_t n, int64_t *out);
/* A discount as the fraction taken off the price: 0.05, 5%, 9.5折 or 95折 (pay 95%) → 0.05.
 * A bare number above 1 is refused as ambiguous. */
bool fp_parse_discount(const char *s, size_t n, double *rate);
/* A month: 2026-10, 2026/10, 202610, 2026年10月, or a full date (its month). Returns y*12 + (m-1). */
bool fp_parse_month(const char *s, size_t n, int32_t *month_index);

#endif
