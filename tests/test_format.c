/* Tests of format.c: money in 元/万元/亿元, counts, percentages, with no locale involved. */
#include "testutil.h"
#include "format.h"
#include "currency.h"
#include "value.h"
#include "table.h"

#include <locale.h>
#include <math.h>

static char out[128];

static const char *money(int64_t fen, fp_money_style st)
{
    fp_buf b;
    fp_buf_init(&b);
    fp_fmt_money(fen, st, &b);
    snprintf(out, sizeof out, "%s", b.data);
    fp_buf_free(&b);
    return out;
}

static const char *pct(double r, int dec, bool sign)
{
    fp_buf b;
    fp_buf_init(&b);
    fp_fmt_percent(r, dec, sign, &b);
    snprintf(out, sizeof out, "%s", b.data);
    fp_buf_free(&b);
    return out;
}

static void money_styles(void **state)
{
    (void)state;
    assert_string_equal(money(123456789, FP_MONEY_YUAN), "1,234,567.89");
    assert_string_equal(money(5, FP_MONEY_YUAN), "0.05");
    assert_string_equal(money(-123450, FP_MONEY_YUAN), "-1,234.50");
    assert_string_equal(money(85600, FP_MONEY_AUTO), "856.00元");
    assert_string_equal(money(123456789, FP_MONEY_AUTO), "123.46万元");
    assert_string_equal(money(1000000, FP_MONEY_AUTO), "1.00万元");
    assert_string_equal(money(999999, FP_MONEY_AUTO), "9,999.99元");
    assert_string_equal(money(12345678900ll, FP_MONEY_AUTO), "1.23亿元");
    assert_string_equal(money(-250000000, FP_MONEY_AUTO), "-250.00万元");
    assert_string_equal(money(FP_NO_MONEY, FP_MONEY_AUTO), "—");
}

/* money in the profile's currency: 1.23万美元 in Chinese, $1.23M in English */
static void money_in_currencies(void **state)
{
    (void)state;
    const fp_currency *usd = fp_currency_find("USD"), *eur = fp_currency_find("eur");
    fp_buf b;
    fp_buf_init(&b);
    fp_fmt_money_in(123456789, FP_MONEY_AUTO, usd, &b);
    assert_string_equal(b.data, "123.46万美元");
    fp_buf_reset(&b);
    fp_fmt_money_in(85600, FP_MONEY_AUTO, usd, &b);
    assert_string_equal(b.data, "856.00美元");
    fp_buf_reset(&b);
    fp_format_number_in(1234567.0, FP_NUM_MONEY, (fp_fmt){FP_FMT_MONEY, -1}, FP_LANG_EN, usd, &b);
    assert_string_equal(b.data, "$1.23M");
    fp_buf_reset(&b);
    fp_format_number_in(29650.0, FP_NUM_MONEY, (fp_fmt){FP_FMT_MONEY, -1}, FP_LANG_EN, usd, &b);
    assert_string_equal(b.data, "$29.65K");
    fp_buf_reset(&b);
    fp_format_number_in(29650.0, FP_NUM_MONEY, (fp_fmt){FP_FMT_MONEY, -1}, FP_LANG_ZH, usd, &b);
    assert_string_equal(b.data, "2.97万美元");
    fp_buf_reset(&b);
    fp_format_number_in(-1500.5, FP_NUM_MONEY, (fp_fmt){FP_FMT_YUAN, -1}, FP_LANG_EN, eur, &b);
    assert_string_equal(b.data, "€-1,500.50");
    fp_buf_reset(&b);
    fp_format_number_in(2e8, FP_NUM_MONEY, (fp_fmt){FP_FMT_MONEY, 1}, FP_LANG_ZH, eur, &b);
    assert_string_equal(b.data, "2.0亿欧元");
    fp_buf_free(&b);
    assert_null(fp_currency_find("XYZ"));
}

static void counts_and_numbers(void **state)
{
    (void)state;
    fp_buf b;
    fp_buf_init(&b);
    fp_fmt_count(1234567, &b);
    assert_string_equal(b.data, "1,234,567");
    fp_buf_reset(&b);
    fp_fmt_count(-12, &b);
    assert_string_equal(b.data, "-12");
    fp_buf_reset(&b);
    fp_fmt_count(INT64_MIN, &b);
    assert_string_equal(b.data, "—");
    fp_buf_reset(&b);
    fp_fmt_number(4.125, 2, &b);
    assert_string_equal(b.data, "4.13");
    fp_buf_reset(&b);
    fp_fmt_number(NAN, 2, &b);
    assert_string_equal(b.data, "—");
    fp_buf_free(&b);
}

static void percentages(void **state)
{
    (void)state;
    assert_string_equal(pct(0.9431, 1, false), "94.3%");
    assert_string_equal(pct(0.052, 1, true), "+5.2%");
    assert_string_equal(pct(-0.03, 1, true), "-3.0%");
    assert_string_equal(pct(1.911765, 0, true), "+191%");
    assert_string_equal(pct(-0.0001, 1, true), "+0.0%"); /* no "-0.0%" */
    assert_string_equal(pct(NAN, 1, true), "—");
}

static void no_locale_influence(void **state)
{
    (void)state;
    /* even if a program sets a locale with a decimal comma, the output keeps "." and "," */
    if (!setlocale(LC_NUMERIC, "de_DE.UTF-8") && !setlocale(LC_NUMERIC, "fr_FR.UTF-8"))
        skip();
    assert_string_equal(money(123456789, FP_MONEY_AUTO), "123.46万元");
    setlocale(LC_NUMERIC, "C");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(money_styles),
        cmocka_unit_test(money_in_currencies),
        cmocka_unit_test(counts_and_numbers),
        cmocka_unit_test(percentages),
        cmocka_unit_test(no_locale_influence),
    };
    return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
