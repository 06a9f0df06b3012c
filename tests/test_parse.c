/* Tests of parse.c: money, numbers, integers, discounts and months as users write them. */
#include "testutil.h"
#include "parse.h"
#include "currency.h"

static int64_t money(const char *s, int unit)
{
    int64_t v = -999;
    if (!fp_parse_money(s, strlen(s), unit, &v))
        fail_msg("could not read money \"%s\"", s);
    return v;
}

static void money_forms(void **state)
{
    (void)state;
    assert_int_equal(money("1234.5", 0), 123450);
    assert_int_equal(money("1,234.50", 0), 123450);
    assert_int_equal(money("¥1,234.50", 0), 123450);
    assert_int_equal(money("￥1234.5", 0), 123450);
    assert_int_equal(money(" RMB 12 ", 0), 1200);
    assert_int_equal(money("1.2万", 0), 1200000);
    assert_int_equal(money("1.2万元", 0), 1200000);
    assert_int_equal(money("3亿", 0), 30000000000ll);
    assert_int_equal(money("-5.00", 0), -500);
    assert_int_equal(money("(5.00)", 0), -500);
    assert_int_equal(money("¥-8", 0), -800);
    assert_int_equal(money("0.005", 0), 1);        /* half away from zero */
    assert_int_equal(money("0.004", 0), 0);
    assert_int_equal(money("12元", 0), 1200);
    assert_int_equal(money("33.3", 4), 33300000);  /* a column in 万元 */
    assert_int_equal(money("2万", 4), 2000000);    /* the cell's own unit wins */
    assert_int_equal(money("123456789012.34", 0), 12345678901234ll);
    assert_int_equal(money("12,345,678.9", 0), 1234567890);
    assert_int_equal(money("999,999", 0), 99999900);
}

static void money_refusals(void **state)
{
    (void)state;
    const char *bad[] = {"",       "abc",   "12x3",    "1,2,3.4.5", "--5",    "(5",     "5)",
                         "¥",      "1.2.3", "1e5",     ",123",      "12,",    "1,5",    "1,50",
                         "1,2345", "12,34", "1234,567", "1,234,5",  "1,234.5,6"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int64_t v;
        if (fp_parse_money(bad[i], strlen(bad[i]), 0, &v))
            fail_msg("accepted \"%s\" as money (%lld)", bad[i], (long long)v);
    }
    int64_t v;
    assert_false(fp_parse_money("99999999999999999999", 20, 0, &v)); /* overflow, not a wrong value */
}

/* amounts in the profile's currency, with its decimal mark */
static int64_t money_in(const char *s, const char *code, char mark)
{
    int64_t v = -999;
    if (!fp_parse_money_in(s, strlen(s), 0, fp_currency_find(code), mark, &v))
        fail_msg("could not read \"%s\" as %s (decimal %c)", s, code, mark);
    return v;
}

static void money_in_other_currencies(void **state)
{
    (void)state;
    assert_int_equal(money_in("$1,234.50", "USD", '.'), 123450);
    assert_int_equal(money_in("US$ 12", "USD", '.'), 1200);
    assert_int_equal(money_in("12.5 USD", "USD", '.'), 1250);
    assert_int_equal(money_in("-$5.00", "USD", '.'), -500);
    assert_int_equal(money_in("($5.00)", "USD", '.'), -500);
    assert_int_equal(money_in("1.2万美元", "USD", '.'), 1200000);
    assert_int_equal(money_in("€1.234,50", "EUR", ','), 123450);
    assert_int_equal(money_in("1.234,5 €", "EUR", ','), 123450);
    assert_int_equal(money_in("12,5", "EUR", ','), 1250);
    assert_int_equal(money_in("1234", "EUR", ','), 123400);
    assert_int_equal(money_in("HK$88", "HKD", '.'), 8800);
    /* a sign of another currency is refused, not ignored */
    int64_t v;
    assert_false(fp_parse_money_in("¥12", 4, 0, fp_currency_find("USD"), '.', &v));
    assert_false(fp_parse_money_in("$12", 3, 0, fp_currency_find("CNY"), '.', &v));
    /* with a decimal comma, a dot groups thousands: 1.23 is no amount */
    assert_false(fp_parse_money_in("1.23", 4, 0, fp_currency_find("EUR"), ',', &v));
    double d;
    assert_true(fp_parse_number_in("3,5", 3, ',', &d));
    assert_true(d == 3.5);
}

static void numbers_and_ints(void **state)
{
    (void)state;
    double d;
    assert_true(fp_parse_number("12", 2, &d));
    assert_near(d, 12, 0);
    assert_true(fp_parse_number("3.25", 4, &d));
    assert_near(d, 3.25, 0);
    assert_true(fp_parse_number("-0.5", 4, &d));
    assert_near(d, -0.5, 0);
    assert_true(fp_parse_number("1,000.5", 7, &d));
    assert_near(d, 1000.5, 0);
    assert_true(fp_parse_number("0.1", 3, &d));
    assert_true(d == 0.1); /* correctly rounded */
    assert_false(fp_parse_number("1.5e3", 5, &d));
    assert_false(fp_parse_number("abc", 3, &d));
    int64_t i;
    assert_true(fp_parse_int("1,000", 5, &i));
    assert_int_equal(i, 1000);
    assert_true(fp_parse_int("12.0", 4, &i));
    assert_int_equal(i, 12);
    assert_false(fp_parse_int("12.5", 4, &i));
    assert_false(fp_parse_int("", 0, &i));
}

static void discounts(void **state)
{
    (void)state;
    double r;
    assert_true(fp_parse_discount("0.05", 4, &r));
    assert_near(r, 0.05, 1e-12);
    assert_true(fp_parse_discount("5%", 2, &r));
    assert_near(r, 0.05, 1e-12);
    assert_true(fp_parse_discount("5 ％", strlen("5 ％"), &r));
    assert_near(r, 0.05, 1e-12);
    assert_true(fp_parse_discount("95折", strlen("95折"), &r));
    assert_near(r, 0.05, 1e-12);
    assert_true(fp_parse_discount("9.5折", strlen("9.5折"), &r));
    assert_near(r, 0.05, 1e-12);
    assert_true(fp_parse_discount("8折", strlen("8折"), &r));
    assert_near(r, 0.2, 1e-12);
    assert_true(fp_parse_discount("0", 1, &r));
    assert_near(r, 0, 0);
    assert_false(fp_parse_discount("5", 1, &r));       /* 5 what? ambiguous */
    assert_false(fp_parse_discount("150%", 4, &r));
    assert_false(fp_parse_discount("-0.1", 4, &r));
    assert_false(fp_parse_discount("0折", strlen("0折"), &r));
}

static void months(void **state)
{
    (void)state;
    const char *forms[] = {"2026-10", "2026/10", "2026.10", "202610", "2026年10月", "2026-10-15", "2026/10/3"};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        int32_t m;
        if (!fp_parse_month(forms[i], strlen(forms[i]), &m))
            fail_msg("could not read month %s", forms[i]);
        assert_int_equal(m, 2026 * 12 + 9);
    }
    int32_t m;
    assert_true(fp_parse_month("2025年1月", strlen("2025年1月"), &m));
    assert_int_equal(m, 2025 * 12);
    assert_false(fp_parse_month("2026-13", 7, &m));
    assert_false(fp_parse_month("Oct 2026", 8, &m));
    assert_false(fp_parse_month("2026-10-40", 10, &m));
}

/* The loader hands over cells cut from the line, without a NUL after them: every parser reads only its n
 * bytes (under AddressSanitizer a read past them fails). Forms the parsers accept and refuse alike. */
static void cells_are_bytes_not_c_strings(void **state)
{
    (void)state;
    static const char *cells[] = {"1234.50", "1,234.50", "¥1,234.50", "1.2万", "12", "3.5", "-7", "0.05", "5%", "95折",
                                  "2026-10", "2026年10月", "1234,50", "1.234,50", "", " ", "x", "12x3", "1e5", "9",
                                  "99999999999999999999", "八折", "2026-10-03"};
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
        size_t n = strlen(cells[i]);
        char *c = malloc(n ? n : 1);
        memcpy(c, cells[i], n);
        int64_t v;
        double x;
        int32_t m;
        (void)fp_parse_money(c, n, 0, &v);
        (void)fp_parse_money_in(c, n, 0, NULL, ',', &v);
        (void)fp_parse_number_in(c, n, ',', &x);
        (void)fp_parse_number(c, n, &x);
        (void)fp_parse_int(c, n, &v);
        (void)fp_parse_discount(c, n, &x);
        (void)fp_parse_month(c, n, &m);
        free(c);
    }
    /* and they read the cell right */
    char *c = malloc(7);
    memcpy(c, "1234.50", 7);
    int64_t fen;
    assert_true(fp_parse_money(c, 7, 0, &fen));
    assert_int_equal(fen, 123450);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cells_are_bytes_not_c_strings),
        cmocka_unit_test(money_forms), cmocka_unit_test(money_refusals), cmocka_unit_test(money_in_other_currencies),
        cmocka_unit_test(numbers_and_ints),
        cmocka_unit_test(discounts),   cmocka_unit_test(months),
    };
    return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
