/* format.h — numbers as people read them in reviews.
 *
 * Locale-independent: thousands separators are always ",", the decimal point
 * always ".". Undefined values (FP_NO_MONEY, NAN) print as "—".
 */
#ifndef FP_FORMAT_H
#define FP_FORMAT_H

#include "util.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum fp_money_style {
    FP_MONEY_YUAN,  /* 1,234,567.89 */
    FP_MONEY_AUTO   /* 856.00元, 123.46万元, 1.23亿元: the unit follows the size */
} fp_money_style;

void fp_fmt_count(int64_t n, fp_buf *out);
void fp_fmt_money(int64_t fen, fp_money_style style, fp_buf *out);
/* A fraction as a percentage: 0.9431 → "94.3%" (decimals 1); with sign: "+5.2%", "-3.0%". */
void fp_fmt_percent(double r, int decimals, bool sign, fp_buf *out);
/* A plain number with the given decimals and thousands separators. */
void fp_fmt_number(double d, int decimals, fp_buf *out);

#endif
