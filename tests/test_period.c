/* Tests of period.c: parsing, neighbours, year-ago periods, labels and working days. */
#include "testutil.h"
#include "period.h"

static fp_date ymd(int y, int m, int d)
{
    return fp_date_from_ymd(y, m, d);
}

static fp_period parse(const char *s)
{
    fp_period p;
    fp_error err;
    if (fp_period_parse(s, &p, &err) != FP_OK)
        fail_msg("%s: %s", s, err.msg);
    return p;
}

static void parse_every_kind(void **state)
{
    (void)state;
    fp_period p = parse("2026-W43");
    assert_int_equal(p.kind, FP_WEEK);
    assert_int_equal(p.start, ymd(2026, 10, 19));
    assert_int_equal(p.end, ymd(2026, 10, 25));
    p = parse("2026W43");
    assert_int_equal(p.num, 43);
    p = parse("2026-10");
    assert_int_equal(p.kind, FP_MONTH);
    assert_int_equal(p.start, ymd(2026, 10, 1));
    assert_int_equal(p.end, ymd(2026, 10, 31));
    p = parse("2026年2月");
    assert_int_equal(p.end, ymd(2026, 2, 28));
    p = parse("2024/2");
    assert_int_equal(p.end, ymd(2024, 2, 29));
    p = parse("2026-Q4");
    assert_int_equal(p.kind, FP_QUARTER);
    assert_int_equal(p.start, ymd(2026, 10, 1));
    assert_int_equal(p.end, ymd(2026, 12, 31));
    p = parse("2026q1");
    assert_int_equal(p.end, ymd(2026, 3, 31));
    p = parse("2026");
    assert_int_equal(p.kind, FP_YEAR);
    assert_int_equal(p.end, ymd(2026, 12, 31));
    p = parse(" 2026年 ");
    assert_int_equal(p.kind, FP_YEAR);
}

static void parse_errors_say_what_to_write(void **state)
{
    (void)state;
    const char *bad[] = {"", "2026-13", "2026-Q5", "26-10", "October", "2026-W00", "2026-10-01"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        fp_period p;
        fp_error err;
        if (fp_period_parse(bad[i], &p, &err) == FP_OK)
            fail_msg("accepted %s", bad[i]);
        assert_int_equal(err.code, FP_ERR_USAGE);
    }
    fp_period p;
    fp_error err;
    assert_int_not_equal(fp_period_parse("2025-W53", &p, &err), FP_OK);
    assert_contains(err.msg, "52 ISO weeks");
    assert_int_equal(fp_period_parse("2026-W53", &p, &err), FP_OK);
}

static void neighbours(void **state)
{
    (void)state;
    char buf[32];
    fp_period p = parse("2026-01");
    fp_period q = fp_period_prev(&p);
    fp_period_label(&q, buf, sizeof buf);
    assert_string_equal(buf, "2025-12");
    q = fp_period_year_ago(&p);
    fp_period_label(&q, buf, sizeof buf);
    assert_string_equal(buf, "2025-01");
    q = fp_period_shift(&p, -12);
    fp_period_label(&q, buf, sizeof buf);
    assert_string_equal(buf, "2025-01");
    p = parse("2026-Q1");
    q = fp_period_prev(&p);
    fp_period_label(&q, buf, sizeof buf);
    assert_string_equal(buf, "2025-Q4");
    p = parse("2026-W01");
    q = fp_period_prev(&p);
    fp_period_label(&q, buf, sizeof buf);
    assert_string_equal(buf, "2025-W52");
    p = parse("2026-W53");
    q = fp_period_year_ago(&p); /* 2025 has no week 53 */
    fp_period_label(&q, buf, sizeof buf);
    assert_string_equal(buf, "2025-W52");
    q = fp_period_shift(&p, 1);
    fp_period_label(&q, buf, sizeof buf);
    assert_string_equal(buf, "2027-W01");
    p = parse("2026");
    q = fp_period_prev(&p);
    fp_period_label_zh(&q, buf, sizeof buf);
    assert_string_equal(buf, "2025年");
    p = parse("2026-W43");
    fp_period_label_zh(&p, buf, sizeof buf);
    assert_string_equal(buf, "2026年第43周");
    p = parse("2026-Q4");
    fp_period_label_zh(&p, buf, sizeof buf);
    assert_string_equal(buf, "2026年第4季度");
    q = fp_period_containing(FP_WEEK, ymd(2026, 10, 25));
    assert_int_equal(q.num, 43);
    int m0, m1;
    p = parse("2026-W40"); /* 28 Sep – 4 Oct */
    fp_period_months(&p, &m0, &m1);
    assert_int_equal(m0, 2026 * 12 + 8);
    assert_int_equal(m1, 2026 * 12 + 9);
}

static void working_days(void **state)
{
    (void)state;
    /* October 2026: 22 weekdays */
    assert_int_equal(fp_working_days(NULL, ymd(2026, 10, 1), ymd(2026, 10, 31)), 22);
    assert_int_equal(fp_working_days(NULL, ymd(2026, 10, 3), ymd(2026, 10, 4)), 0); /* a weekend */
    assert_int_equal(fp_working_days(NULL, ymd(2026, 10, 5), ymd(2026, 10, 4)), 0); /* empty range */
    /* with National Day off (1–7 Oct; five of them weekdays) and Saturday 10 Oct worked */
    fp_calendar c = {0};
    for (int d = 1; d <= 7; d++)
        fp_calendar_add(&c, ymd(2026, 10, d), false);
    fp_calendar_add(&c, ymd(2026, 10, 10), true);
    fp_calendar_add(&c, ymd(2026, 10, 3), false); /* duplicates are harmless */
    fp_calendar_sort(&c);
    assert_int_equal(fp_working_days(&c, ymd(2026, 10, 1), ymd(2026, 10, 31)), 18);
    assert_int_equal(fp_working_days(&c, ymd(2026, 10, 8), ymd(2026, 10, 11)), 3);
    assert_true(fp_is_working_day(&c, ymd(2026, 10, 10)));
    assert_false(fp_is_working_day(&c, ymd(2026, 10, 2)));
    assert_true(fp_is_working_day(&c, ymd(2026, 10, 9)));
    /* brute force agrees over a long range */
    int n = 0;
    for (fp_date d = ymd(2025, 1, 1); d <= ymd(2026, 12, 31); d++)
        n += fp_is_working_day(&c, d);
    assert_int_equal(fp_working_days(&c, ymd(2025, 1, 1), ymd(2026, 12, 31)), n);
    fp_calendar_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_every_kind),
        cmocka_unit_test(parse_errors_say_what_to_write),
        cmocka_unit_test(neighbours),
        cmocka_unit_test(working_days),
    };
    return cmocka_run_group_tests_name("period", tests, NULL, NULL);
}
