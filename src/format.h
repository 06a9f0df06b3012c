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

struct fp_currency;

typedef enum fp_money_style {
    FP_MONEY_YUAN,  /* 1,234,567.89 */
    FP_MONEY_AUTO   /* 856.00元, 123.46万元, 1.23亿元: the unit follows the size */
} fp_money_style;

void fp_fmt_count(int64_t n, fp_buf *out);
void fp_fmt_money(int64_t fen, fp_money_style style, fp_buf *out);
/* The same in a currency (NULL: the yuan): 856.00美元, 123.46万美元. */
void fp_fmt_money_in(int64_t fen, fp_money_style style, const struct fp_currency *cur, fp_buf *out);
/* A fraction as a percentage: 0.9431 → "94.3%" (decimals 1); with sign: "+5.2%", "-3.0%". */
void fp_fmt_percent(double r, int decimals, bool sign, fp_buf *out);
/* The direction a change reads as: +1, -1, or 0 when what its default format shows is zero — a fraction
 * (mom, yoy: FP_NUM_RATIO) at one decimal of a per cent (±0.04% is flat, 0.05% is up), any other number
 * at two decimals. The KPI cards' arrows and the templates' dir() both use it, so a sentence and the
 * card beside it never disagree. */
int fp_direction(double v, int numkind);
/* A plain number with the given decimals and thousands separators. */
void fp_fmt_number(double d, int decimals, fp_buf *out);

/* Named formats of template placeholders: {sales|money}, {mom|signed}, {attainment|percent:0}. */
typedef enum fp_fmt_kind {
    FP_FMT_AUTO,     /* by the value's kind: money, percent, whole number, number */
    FP_FMT_MONEY,    /* 856.00元, 123.46万元, 1.23亿元 */
    FP_FMT_YUAN,     /* 1,234,567.89元 */
    FP_FMT_WAN,      /* 123.46 (in 万元, for a column headed 万元) */
    FP_FMT_INT,      /* 12,345 */
    FP_FMT_NUMBER,   /* 4.17 */
    FP_FMT_PERCENT,  /* 94.3% */
    FP_FMT_SIGNED,   /* +5.2% */
    FP_FMT_PP,       /* +3.1个百分点: a difference of two fractions, in percentage points */
    FP_FMT_POINTS,   /* 3.1个百分点: the same without a sign, for sentences whose words give the direction */
    FP_FMT_COUNT,    /* 12, 2.2: a count, or a prorated count target, whole when it is whole */
    FP_FMT_ARROW,    /* ▲5.2% ▼3.0% */
    FP_FMT_DATE,     /* 2026-10-03 */
    FP_FMT_DATE_ZH,  /* 2026年10月3日 */
    FP_FMT_DATE_EN,  /* 3 Oct 2026 */
    FP_FMT_DATE_LONG, /* the report's language: 2026年10月3日 or 3 Oct 2026 */
    FP_FMT_TEXT      /* as it is */
} fp_fmt_kind;

typedef struct fp_fmt {
    fp_fmt_kind kind;
    int digits;      /* decimals; -1: the format's default */
} fp_fmt;

typedef enum fp_lang { FP_LANG_ZH, FP_LANG_EN } fp_lang;

/* The divisor of the unit an amount takes on its own, as the money formats choose it: 1, 1e4 (万), 1e8 (亿) in
 * Chinese; 1, 1e3 (K, from 10,000), 1e6 (M), 1e9 (B) in English. */
double fp_money_own_unit(double v, fp_lang lang);
/* The one unit a column of amounts is written in (a table's money column and its total): the unit its
 * typical (median) non-zero amount would have — 元/万元/亿元 in Chinese, none/K/M/B in English — or a
 * smaller one when some non-zero amount would show as 0.00 in it. Returns the divisor (1, 1e3, 1e4 …). */
double fp_money_column_unit(const double *v, size_t n, int digits, fp_lang lang);
/* An amount in that unit: 15,900.00万元, -0.35万元, ¥5,446.70K; digits < 0: two. */
void fp_fmt_money_unit(double v, double div, int digits, fp_lang lang, const struct fp_currency *cur, fp_buf *out);

/* Parses "percent" or "percent:1"; false (with the known names in why) when unknown. */
bool fp_fmt_parse(const char *spec, fp_fmt *out, char *why, size_t whyn);
const char *fp_fmt_name(fp_fmt_kind k);
/* A number of the given kind (value.h's fp_numkind, as an int) in a format. NAN prints "—". */
void fp_format_number(double v, int numkind, fp_fmt fmt, fp_lang lang, fp_buf *out);
/* The same with money in a currency (NULL: the yuan): $1.23M in English, 1.23万美元 in Chinese. */
void fp_format_number_in(double v, int numkind, fp_fmt fmt, fp_lang lang, const struct fp_currency *cur, fp_buf *out);
/* A text value in a format (dates are reformatted, anything else copied). */
void fp_format_text(const char *s, fp_fmt fmt, fp_lang lang, fp_buf *out);

#endif
