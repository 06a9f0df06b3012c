/* Regression tests for the truth issue: each test is one of the false statements a sales director
 * found in the documents, reproduced through the command line (fupan metrics and fupan render), so it
 * fails on a binary that still has the fault.
 *
 * Most use tests/data/edges, a fixture worked out by hand in its README.md (a leap year, a month after
 * a 31-day month, weeks 52 and 1, a rep hired and a rep leaving, partly missing targets); the rest the
 * demo data. */
#include "testutil.h"
#include "doc.h"
#include "expand.h"
#include "format.h"
#include "metrics.h"
#include "metrics_value.h"
#include "report.h"
#include "template.h"
#include "value.h"

#include <math.h>

/* `fupan metrics ARGS` as a value tree (caller frees) */
static fp_value *metrics(const char *args)
{
    char cmd[2048], *out = NULL, *err = NULL;
    snprintf(cmd, sizeof cmd, "metrics %s", args);
    if (tu_fupan(cmd, &out, &err) != 0)
        fail_msg("fupan %s failed: %s", cmd, err ? err : "");
    fp_value *v = NULL;
    fp_error e;
    if (fp_json_parse("metrics", out, strlen(out), &v, &e) != FP_OK)
        fail_msg("%s", e.msg);
    free(out);
    free(err);
    return v;
}

/* a value by path: "reps[0].target" */
static const fp_value *at(const fp_value *v, const char *path)
{
    char key[128];
    const char *p = path;
    while (*p && v) {
        size_t n = strcspn(p, ".[");
        snprintf(key, sizeof key, "%.*s", (int)n, p);
        if (n)
            v = fp_v_get(v, key);
        p += n;
        if (*p == '[') {
            v = fp_v_at(v, (size_t)atoi(p + 1));
            p = strchr(p, ']') + 1;
        }
        if (*p == '.')
            p++;
    }
    return v;
}

static double num(const fp_value *v, const char *path)
{
    const fp_value *x = at(v, path);
    if (fp_v_type(x) != FP_V_NUM)
        fail_msg("%s is not a number", path);
    return fp_v_as_num(x);
}

static void is_null(const fp_value *v, const char *path)
{
    const fp_value *x = at(v, path);
    if (!x)
        fail_msg("%s is missing", path);
    if (fp_v_type(x) != FP_V_NULL)
        fail_msg("%s should be null (unknown), not %g", path, fp_v_as_num(x));
}

/* the text of the HTML report `fupan render ARGS --format html` writes (caller frees) */
static char *render(const char *args)
{
    static int n;
    char dir[1024], cmd[4096], *err = NULL;
    snprintf(dir, sizeof dir, "%s/r%d", tu_tmp, ++n);
    snprintf(cmd, sizeof cmd, "render %s --format html --out '%s'", args, dir);
    if (tu_fupan(cmd, NULL, &err) != 0)
        fail_msg("fupan %s failed: %s", cmd, err ? err : "");
    free(err);
    char ls[1200], *name = NULL;
    snprintf(ls, sizeof ls, "ls '%s'/*.html", dir);
    assert_int_equal(tu_run(ls, &name, NULL), 0);
    name[strcspn(name, "\n")] = 0;
    char *html = tu_read(name);
    assert_non_null(html);
    char *text = tu_html_text(html);
    free(html);
    free(name);
    return text;
}

#define EDGES "--data tests/data/edges"

/* 1. A finished period is compared with the whole previous period, not one cut to its own length. */
static void finished_periods_compare_whole_periods(void **state)
{
    (void)state;
    /* April 2016 against all 31 days of March: O3 10 + O4 300 on the 31st */
    fp_value *m = metrics(EDGES " --period 2016-04 --as-of 2017-03-02");
    assert_near(num(m, "prev_sales"), 310, 0);
    assert_string_equal(fp_v_as_str(at(m, "prev_period.through")), "2016-03-31");
    fp_v_free(m);
    /* Q1 2017 (90 days) against the whole Q4 2016 (92 days), whose only order is on 31 December */
    m = metrics(EDGES " --period 2017-Q1 --as-of 2017-03-31");
    assert_near(num(m, "prev_sales"), 500, 0);
    assert_near(num(m, "mom"), 260.0 / 500 - 1, 1e-6);
    fp_v_free(m);
    /* 2017 against all 366 days of the leap year 2016 */
    m = metrics(EDGES " --period 2017 --as-of 2017-12-31");
    assert_near(num(m, "prev_sales"), 1510, 0);
    assert_near(num(m, "yoy_sales"), 1510, 0);
    fp_v_free(m);
    /* week 1 of 2017 against week 52 of 2016, which holds 31 December */
    m = metrics(EDGES " --period 2017-W01 --as-of 2017-03-02");
    assert_near(num(m, "prev_sales"), 500, 0);
    fp_v_free(m);
    /* the example: February 2026 against the whole of January */
    m = metrics("--data samples/demo --period 2026-02 --team 华东一组 --as-of 2026-10-31");
    fp_value *jan = metrics("--data samples/demo --period 2026-01 --team 华东一组 --as-of 2026-10-31");
    assert_near(num(m, "prev_sales"), num(jan, "sales"), 0.001);
    assert_near(num(m, "prev_orders"), num(jan, "orders"), 0);
    fp_v_free(m);
    fp_v_free(jan);
}

/* 2 and 3. A period in progress is compared with the same part of the calendar, its run rate uses the
 * days gone, and it is judged against the pace, not against the whole target. */
static void periods_in_progress(void **state)
{
    (void)state;
    /* the year to 2 March 2017 against 1 January – 2 March 2016 (O3 on 2 March counts) */
    fp_value *m = metrics(EDGES " --period 2017 --as-of 2017-03-02");
    assert_near(num(m, "prev_sales"), 310, 0);
    assert_string_equal(fp_v_as_str(at(m, "prev_period.through")), "2016-03-02");
    fp_v_free(m);
    /* the run rate: sales so far over the working days gone */
    m = metrics("--data samples/demo --period 2026-10 --team 华东一组 --as-of 2026-10-15");
    double sales = num(m, "sales"), days = num(m, "period.elapsed_working_days");
    assert_near(num(m, "daily_sales"), round(sales / days * 100) / 100, 0.005);
    assert_true(fp_v_as_bool(at(m, "trend[12].partial")));
    fp_v_free(m);
    char *t = render("--template monthly --data samples/demo --period 2026-10 --team 华东一组 --as-of 2026-10-15");
    assert_contains(t, "与上月同期相比");
    assert_not_contains(t, "与上月相比");
    assert_contains(t, "是本月至今日均35.67万元的"); /* 2,496,892.60 over 7 working days */
    assert_not_contains(t, "低于80%");             /* judged against the pace, not the whole target */
    assert_not_contains(t, "达成率低于80%的有");
    assert_contains(t, "2026-10*");                 /* the partial month is marked in the trend */
    free(t);
    /* behind the pace: the lag has no plus sign */
    t = render("--template monthly --data samples/demo --period 2026-10 --team 华东二组 --as-of 2026-10-15");
    assert_contains(t, "落后于时间进度27.3个百分点");
    assert_not_contains(t, "+27.3个百分点");
    free(t);
    /* a year to date: one comparison (a year's 环比 and 同比 are the same), said to be like for like */
    t = render("--template annual --data samples/demo --period 2026 --team 华东一组 --as-of 2026-10-31");
    assert_contains(t, "与上年同期相比");
    assert_not_contains(t, "同比");
    assert_contains(t, "上年同期"); /* the waterfall's bars are named for what they hold */
    free(t);
}

/* 4. Unknown is never shown as zero. */
static void unknown_is_not_zero(void **state)
{
    (void)state;
    fp_value *m = metrics(EDGES " --profile tests/data/edges/orders-only.xml --period 2017-01 --as-of 2017-03-02");
    is_null(m, "target");
    is_null(m, "teams[0].target");
    is_null(m, "regions[0].target");
    is_null(m, "reps[0].target");
    is_null(m, "reps[0].activities");
    is_null(m, "reps[0].responses");
    is_null(m, "satisfaction.responses");
    is_null(m, "activities.total");
    is_null(m, "actions.open");
    fp_v_free(m);
    /* the trend before the data's first order (10 January 2016) */
    m = metrics(EDGES " --period 2016-06 --as-of 2017-03-02");
    is_null(m, "trend[0].sales");
    is_null(m, "trend[0].orders");
    is_null(m, "trend[6].sales"); /* December 2015 */
    assert_near(num(m, "trend[7].sales"), 100, 0);
    assert_near(num(m, "trend[12].sales"), 0, 0); /* June 2016: known, and nothing sold */
    fp_v_free(m);
    /* a roll-up of data without targets says nothing about targets */
    char *t = render("--template rollup " EDGES " --profile tests/data/edges/orders-only.xml --period 2017-01 "
                     "--as-of 2017-03-02");
    assert_not_contains(t, "目标");
    assert_not_contains(t, "0个团队完成");
    free(t);
    /* products with no sales in the period are not listed or charted: February 2017 sold only P2 */
    t = render("--template monthly " EDGES " --period 2017-02 --team T1 --as-of 2017-03-02");
    assert_contains(t, "P2");
    assert_not_contains(t, "P1");
    assert_not_contains(t, "P3");
    free(t);
}

/* 5. A partly covered target is said to be partial, never compared with the whole period. */
static void partial_targets(void **state)
{
    (void)state;
    fp_value *m = metrics(EDGES " --period 2016 --team T1 --as-of 2017-03-02");
    is_null(m, "target");
    is_null(m, "attainment");
    assert_near(num(m, "target_months"), 11, 0);
    assert_near(num(m, "target_months_needed"), 12, 0);
    assert_near(num(m, "partial_target"), 11000, 0);
    fp_v_free(m);
    /* Q4: October and November only; no run rate from two months of target over three months of days */
    m = metrics(EDGES " --period 2016-Q4 --team T1 --as-of 2016-11-15");
    is_null(m, "target");
    is_null(m, "daily_needed");
    is_null(m, "remaining_target");
    fp_v_free(m);
    char *t = render("--template annual " EDGES " --period 2016 --team T1 --as-of 2017-03-02");
    assert_contains(t, "本年的销售目标没有完整录入（11个月录入，需要12个月）");
    assert_not_contains(t, "本年销售目标");
    assert_not_contains(t, "超额");
    assert_not_contains(t, "距目标还差");
    assert_not_contains(t, "暂无数据"); /* no empty table of reps' targets either */
    free(t);
}

/* the table whose caption starts with prefix */
static const fp_table_doc *find_table(const fp_node *n, const char *prefix)
{
    if (n->type == FP_NODE_TABLE && n->title && !strncmp(n->title, prefix, strlen(prefix)))
        return n->table;
    for (size_t i = 0; i < n->nkids; i++) {
        const fp_table_doc *t = find_table(n->kids[i], prefix);
        if (t)
            return t;
    }
    return NULL;
}

/* 6. A totals row is the sum of the rows shown: the company's target includes a team-level target that no
 * rep row carries, so the company's figures do not add up from the rows. */
static void totals_rows_add_up(void **state)
{
    (void)state;
    char *schema = tu_path("templates/profile.rng"), *tschema = tu_path("templates/template.rng");
    char *prof_path = tu_path("samples/demo/profile.xml"), *data = tu_path("samples/demo");
    char *tpath = tu_path("templates/review.xml");
    fp_error err;
    fp_profile *prof;
    fp_dataset *ds;
    fp_template *tmpl;
    assert_int_equal(fp_profile_load(prof_path, schema, &prof, &err), FP_OK);
    assert_int_equal(fp_dataset_load(data, prof, 2, &ds, &err), FP_OK);
    assert_int_equal(fp_template_load(tpath, tschema, &tmpl, &err), FP_OK);
    fp_query q = {.scope = FP_SCOPE_COMPANY, .as_of = fp_date_from_ymd(2026, 10, 31)};
    assert_int_equal(fp_period_parse("2026-10", &q.period, &err), FP_OK);
    fp_metrics *m;
    assert_int_equal(fp_metrics_compute(ds, &q, &m, &err), FP_OK);
    int64_t sales = 0, target = 0;
    for (size_t i = 0; i < m->nreps; i++)
        if (m->reps[i].target != FP_NO_MONEY) {
            sales += m->reps[i].sales;
            target += m->reps[i].target;
        }
    assert_true(target != m->target); /* the case: the company's target is not the sum of its reps' */
    fp_value *mv = fp_metrics_value(m);
    fp_expand_opts eo = {.date = "2026-11-02"};
    fp_doc *doc;
    assert_int_equal(fp_expand(tmpl, mv, NULL, &eo, &doc, &err), FP_OK);
    const fp_table_doc *t = find_table(doc->root, "分人员目标达成");
    assert_non_null(t);
    assert_true(t->has_total);
    const fp_cell *total = &t->cells[(t->nrows - 1) * t->ncols];
    fp_buf want;
    fp_buf_init(&want);
    fp_format_number((double)target / 100, FP_NUM_MONEY, (fp_fmt){FP_FMT_MONEY, -1}, FP_LANG_ZH, &want);
    assert_string_equal(total[1].text, want.data);
    fp_buf_reset(&want);
    fp_format_number((double)(sales - target) / 100, FP_NUM_MONEY, (fp_fmt){FP_FMT_MONEY, -1}, FP_LANG_ZH, &want);
    assert_string_equal(total[3].text, want.data);
    fp_buf_reset(&want);
    fp_format_number((double)sales / (double)target, FP_NUM_RATIO, (fp_fmt){FP_FMT_PERCENT, -1}, FP_LANG_ZH, &want);
    assert_string_equal(total[4].text, want.data);
    fp_buf_free(&want);
    fp_doc_free(doc);
    fp_v_free(mv);
    fp_metrics_free(m);
    fp_template_free(tmpl);
    fp_dataset_free(ds);
    fp_profile_free(prof);
    free(schema);
    free(tschema);
    free(prof_path);
    free(data);
    free(tpath);
}

static bool has_rep(const fp_value *m, const char *name)
{
    const fp_value *reps = fp_v_get(m, "reps");
    for (size_t i = 0; i < fp_v_len(reps); i++)
        if (!strcmp(fp_v_as_str(fp_v_get(fp_v_at(reps, i), "name")), name))
            return true;
    return false;
}

/* 7. People are listed only while they work there (roster hire and leave dates). */
static void reps_only_while_employed(void **state)
{
    (void)state;
    fp_value *m = metrics(EDGES " --period 2016-11 --team T1 --as-of 2017-03-02");
    assert_true(has_rep(m, "r1"));
    assert_false(has_rep(m, "r2")); /* hired 15 December */
    fp_v_free(m);
    m = metrics(EDGES " --period 2016-12 --team T1 --as-of 2017-03-02");
    assert_true(has_rep(m, "r2"));
    fp_v_free(m);
    m = metrics(EDGES " --period 2016-08 --team T2 --as-of 2017-03-02");
    assert_false(has_rep(m, "r3")); /* left on 30 June */
    fp_v_free(m);
    m = metrics(EDGES " --period 2016-06 --team T2 --as-of 2017-03-02");
    assert_true(has_rep(m, "r3"));
    fp_v_free(m);
}

/* 8. A score changes by points, not by a percentage of a percentage. */
static void satisfaction_changes_in_points(void **state)
{
    (void)state;
    char *t = render("--template retrospective " EDGES " --period 2017-01 --team T1 --as-of 2017-03-02");
    assert_contains(t, "满意度3.00较上期（分）▼-2.00"); /* 3 after 5 */
    assert_not_contains(t, "-40.0%");
    free(t);
}

/* 9. A prorated count target is shown with the decimal the comparison uses. */
static void count_targets_are_not_rounded_away(void **state)
{
    (void)state;
    /* week 47 of 2016: 5 of November's 22 working days of a target of 10 new customers = 2.27 → 2.3 */
    fp_value *m = metrics(EDGES " --period 2016-W47 --team T1 --as-of 2017-03-02");
    assert_near(num(m, "new_customer_target"), 2.3, 1e-9);
    fp_v_free(m);
    char *t = render("--template retrospective " EDGES " --period 2016-W47 --team T1 --as-of 2017-03-02");
    assert_contains(t, "新客户0家，未达到目标2.3家");
    free(t);
}

/* 10. A funnel only over result stages whose order the profile declares. */
static void funnel_only_over_declared_stages(void **state)
{
    (void)state;
    fp_value *m = metrics(EDGES " --period 2017-01 --team T1 --as-of 2017-03-02");
    assert_int_equal(fp_v_len(at(m, "activities.funnel")), 0);
    fp_v_free(m);
    char *t = render("--template retrospective " EDGES " --period 2017-01 --team T1 --as-of 2017-03-02");
    assert_not_contains(t, "拜访漏斗");
    assert_contains(t, "拜访结果");
    free(t);
    /* the demo declares 需跟进 → 有意向 → 已报价 → 已签约: each stage counts what reached it */
    m = metrics("--data samples/demo --period 2026-10 --as-of 2026-10-31");
    const fp_value *f = at(m, "activities.funnel");
    assert_int_equal(fp_v_len(f), 4);
    for (size_t i = 1; i < 4; i++) {
        double prev = fp_v_as_num(fp_v_get(fp_v_at(f, i - 1), "count"));
        double cur = fp_v_as_num(fp_v_get(fp_v_at(f, i), "count"));
        assert_true(cur <= prev);
        assert_near(fp_v_as_num(fp_v_get(fp_v_at(f, i), "conversion")), cur / prev, 1e-6);
    }
    fp_v_free(m);
}

/* 11. Every command refuses a template for a period kind it does not declare, with the same message. */
static void batch_checks_the_period_kind(void **state)
{
    (void)state;
    char *e1 = NULL, *e2 = NULL, args[2048];
    snprintf(args, sizeof args, "batch --template weekly --data samples/demo --period 2026-Q3 --out '%s/b' --quiet",
             tu_tmp);
    assert_int_equal(tu_fupan(args, NULL, &e1), 2);
    snprintf(args, sizeof args, "render --template weekly --data samples/demo --period 2026-Q3 --out '%s/r'", tu_tmp);
    assert_int_equal(tu_fupan(args, NULL, &e2), 2);
    assert_contains(e1, "is for periods of kind week, and 2026-Q3 is a quarter");
    assert_string_equal(e1, e2);
    free(e1);
    free(e2);
    /* nothing was written */
    char p[1200];
    snprintf(p, sizeof p, "%s/b/index.html", tu_tmp);
    assert_null(tu_read(p));
}

/* 12. A period the data cannot speak for is refused, not reported as zeros. */
static void periods_outside_the_data(void **state)
{
    (void)state;
    char *err = NULL;
    assert_int_equal(tu_fupan("metrics --data samples/demo --period 2024-06", NULL, &err), 1);
    assert_contains(err, "2024-06 lies before the data, which covers 2025-01-01 to 2026-10-31");
    free(err);
    assert_int_equal(tu_fupan("metrics --data samples/demo --period 2026-11 --as-of 2026-11-20", NULL, &err), 1);
    assert_contains(err, "2026-11 begins after the data ends");
    free(err);
    assert_int_equal(tu_fupan("metrics --data samples/demo --period 2026-12 --as-of 2026-10-31", NULL, &err), 1);
    assert_contains(err, "2026-12 has not begun by --as-of 2026-10-31");
    free(err);
    char args[2048];
    snprintf(args, sizeof args, "render --template monthly --data samples/demo --period 2024-06 --out '%s/o'", tu_tmp);
    assert_int_equal(tu_fupan(args, NULL, &err), 1);
    assert_contains(err, "lies before the data");
    free(err);
    /* a report whose last day is after the data's last order is made, with a warning */
    char *out = NULL;
    assert_int_equal(tu_fupan("metrics --data samples/demo --period 2026-W44 --as-of 2026-11-05", &out, &err), 0);
    assert_contains(err, "warning: the data's last order is dated 2026-10-31, before the report's last day 2026-11-01");
    free(out);
    free(err);
}

/* A period that begins with the data has no earlier day to tell a new customer from a returning one: the
 * demo's first order is on 1 January 2025, so the year 2025 counted every customer as new (103 of 103, "target
 * met"). New and returning are unknown there; a month later they are known. */
static void new_customers_need_earlier_data(void **state)
{
    (void)state;
    fp_value *m = metrics("--data samples/demo --period 2025 --team 华北一组 --as-of 2026-10-31");
    assert_string_equal(fp_v_as_str(at(m, "data.first_date")), "2025-01-01");
    assert_near(num(m, "customers"), 103, 0);
    is_null(m, "new_customers");
    is_null(m, "returning_customers");
    is_null(m, "new_customer_attainment");
    is_null(m, "reps[0].new_customers");
    is_null(m, "trend[12].new_customers");
    fp_v_free(m);
    m = metrics("--data samples/demo --period 2025-02 --team 华北一组 --as-of 2026-10-31");
    assert_true(num(m, "new_customers") < num(m, "customers"));
    is_null(m, "trend[11].new_customers"); /* January 2025 */
    assert_true(num(m, "trend[12].new_customers") >= 0);
    fp_v_free(m);
    /* the report says why instead of "其中新客户 103 家（目标 91 家，已完成）" */
    char *t = render("--template annual --data samples/demo --period 2025 --team 华北一组 --as-of 2026-10-31");
    assert_contains(t, "（数据从2025年1月1日开始，无法区分新老客户）");
    assert_not_contains(t, "其中新客户");
    free(t);
    t = render("--template annual --lang en --data samples/demo --period 2025 --team 华北一组 --as-of 2026-10-31");
    /* (the text without its white space) */
    assert_contains(t, "(thedatabeginson1Jan2025,sonewandreturningcustomerscannotbetoldapart)");
    assert_not_contains(t, "ofthemnew");
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finished_periods_compare_whole_periods),
        cmocka_unit_test(periods_in_progress),
        cmocka_unit_test(unknown_is_not_zero),
        cmocka_unit_test(partial_targets),
        cmocka_unit_test(totals_rows_add_up),
        cmocka_unit_test(reps_only_while_employed),
        cmocka_unit_test(satisfaction_changes_in_points),
        cmocka_unit_test(count_targets_are_not_rounded_away),
        cmocka_unit_test(funnel_only_over_declared_stages),
        cmocka_unit_test(batch_checks_the_period_kind),
        cmocka_unit_test(periods_outside_the_data),
        cmocka_unit_test(new_customers_need_earlier_data),
    };
    return cmocka_run_group_tests(tests, tu_setup_tmp, tu_teardown_tmp);
}
