/* Tests of date.c: day numbers, weekdays, ISO weeks and the date forms users write. */
#include "testutil.h"
#include "date.h"

static fp_date ymd(int y, int m, int d)
{
    return fp_date_from_ymd(y, m, d);
}

static void day_numbers_round_trip(void **state)
{
    (void)state;
    assert_int_equal(ymd(1970, 1, 1), 0);
    assert_int_equal(ymd(2000, 3, 1) - ymd(2000, 2, 28), 2); /* 2000 was a leap year */
    assert_int_equal(ymd(1900, 3, 1) - ymd(1900, 2, 28), 1); /* 1900 was not */
    for (fp_date d = ymd(1999, 12, 1); d < ymd(2031, 1, 1); d += 7) {
        int y, m, dd;
        fp_date_to_ymd(d, &y, &m, &dd);
        assert_int_equal(ymd(y, m, dd), d);
    }
    assert_int_equal(fp_date_weekday(ymd(2026, 11, 22)), 7); /* a Sunday */
    assert_int_equal(fp_date_weekday(ymd(2026, 10, 1)), 4); /* a Thursday */
    char buf[16];
    fp_date_format(ymd(2026, 1, 5), buf);
    assert_string_equal(buf, "2026-01-05");
}

static void iso_weeks(void **state)
{
    (void)state;
    int y, w;
    fp_date_iso_week(ymd(2026, 10, 19), &y, &w);
    assert_int_equal(y, 2026);
    assert_int_equal(w, 43);
    /* 2021-01-03 belongs to 2020's week 53 */
    fp_date_iso_week(ymd(2021, 1, 3), &y, &w);
    assert_int_equal(y, 2020);
    assert_int_equal(w, 53);
    /* 2024-12-30 is in 2025's week 1 */
    fp_date_iso_week(ymd(2024, 12, 30), &y, &w);
    assert_int_equal(y, 2025);
    assert_int_equal(w, 1);
    assert_int_equal(fp_iso_weeks_in_year(2020), 53);
    assert_int_equal(fp_iso_weeks_in_year(2026), 53);
    assert_int_equal(fp_iso_weeks_in_year(2025), 52);
    assert_int_equal(fp_date_from_iso_week(2026, 43), ymd(2026, 10, 19));
}

static void parse_accepts_user_forms(void **state)
{
    (void)state;
    const char *forms[] = {"2026-10-03", "2026/10/3", "2026/10/03", "2026.10.3", "20261003", "2026年10月3日",
                           "2026年10月03日", "2026-10-03 14:22:01", "2026-10-03T14:22", "2026/10/3 9:05"};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        fp_date d = 0;
        if (!fp_date_parse(forms[i], strlen(forms[i]), &d))
            fail_msg("could not parse %s", forms[i]);
        assert_int_equal(d, ymd(2026, 10, 3));
    }
    /* a cell is its bytes, not a C string: the loader hands over cells cut from the line, without a NUL (under
     * AddressSanitizer a read past them fails) */
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        size_t n = strlen(forms[i]);
        char *cell = malloc(n);
        memcpy(cell, forms[i], n);
        fp_date d = 0;
        assert_true(fp_date_parse(cell, n, &d));
        assert_int_equal(d, ymd(2026, 10, 3));
        free(cell);
    }
}

static void parse_refuses_non_dates(void **state)
{
    (void)state;
    const char *bad[] = {"", "2026", "2026-13-01", "2026-02-29", "2026-10-32", "10/03/2026", "2026-10/03",
                         "yesterday", "2026-10-03 25:00", "2026-10-03x", "2026年10月"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        fp_date d;
        if (fp_date_parse(bad[i], strlen(bad[i]), &d))
            fail_msg("accepted %s", bad[i]);
    }
    fp_date d;
    assert_true(fp_date_parse("2024-02-29", 10, &d)); /* a leap day */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(day_numbers_round_trip),
        cmocka_unit_test(iso_weeks),
        cmocka_unit_test(parse_accepts_user_forms),
        cmocka_unit_test(parse_refuses_non_dates),
    };
    return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
