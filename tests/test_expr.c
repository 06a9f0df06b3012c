/* Tests of expr.c: parsing (with the column of a mistake), evaluation on the metrics of the small
 * fixture, null rules, list functions, and checking names against the shape of the metrics. */
#include "testutil.h"
#include "dataset.h"
#include "expr.h"
#include "format.h"
#include "metrics_value.h"

#include <math.h>

static fp_value *root, *schema;
static fp_scope top, stop;

static int setup(void **state)
{
    (void)state;
    char *s = tu_path("templates/profile.rng"), *d = tu_path("tests/data/small");
    char p[1024];
    snprintf(p, sizeof p, "%s/profile.xml", d);
    fp_profile *prof;
    fp_error err;
    assert_int_equal(fp_profile_load(p, s, &prof, &err), FP_OK);
    fp_dataset *ds;
    assert_int_equal(fp_dataset_load(d, prof, 1, &ds, &err), FP_OK);
    fp_query q = {.scope = FP_SCOPE_COMPANY, .as_of = fp_date_from_ymd(2026, 10, 31)};
    fp_period_parse("2026-10", &q.period, &err);
    fp_metrics *m;
    assert_int_equal(fp_metrics_compute(ds, &q, &m, &err), FP_OK);
    root = fp_metrics_value(m);
    schema = fp_metrics_schema();
    top = (fp_scope){.fields = root};
    stop = (fp_scope){.fields = schema};
    fp_metrics_free(m);
    fp_dataset_free(ds);
    fp_profile_free(prof);
    free(s);
    free(d);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fp_v_free(root);
    fp_v_free(schema);
    return 0;
}

static fp_ev ev(const char *src)
{
    fp_expr *e;
    fp_error err;
    if (fp_expr_parse(src, &e, &err) != FP_OK)
        fail_msg("%s: %s", src, err.msg);
    if (fp_expr_check(e, &stop, &err) != FP_OK)
        fail_msg("check %s: %s", src, err.msg);
    fp_ev v = fp_expr_eval(e, &top);
    /* strings borrowed from the expression must outlive it: copy */
    if (v.type == FP_V_STR && !v.owned) {
        v.owned = fp_xstrdup(v.s);
        v.s = v.owned;
    }
    fp_expr_free(e);
    return v;
}

static double num(const char *src)
{
    fp_ev v = ev(src);
    if (v.type != FP_V_NUM)
        fail_msg("%s is not a number (type %d)", src, v.type);
    return v.n;
}

static void str_is(const char *src, const char *want)
{
    fp_ev v = ev(src);
    if (v.type != FP_V_STR)
        fail_msg("%s is not a text (type %d)", src, v.type);
    assert_string_equal(v.s, want);
    fp_ev_free(&v);
}

static bool truth(const char *src)
{
    fp_ev v = ev(src);
    bool t = fp_ev_truthy(&v);
    fp_ev_free(&v);
    return t;
}

static bool is_null(const char *src)
{
    fp_ev v = ev(src);
    bool n = v.type == FP_V_NULL;
    fp_ev_free(&v);
    return n;
}

static void paths_and_arithmetic(void **state)
{
    (void)state;
    assert_near(num("sales"), 9900, 1e-9);
    assert_near(num("sales / orders"), 1980, 1e-9);
    assert_near(num("target - sales"), -900, 1e-9);
    assert_near(num("(sales - prev_sales) / prev_sales"), 6500.0 / 3400, 1e-12);
    assert_near(num("2 + 3 * 4"), 14, 0);
    assert_near(num("(2 + 3) * 4"), 20, 0);
    assert_near(num("-sales + 1"), -9899, 0);
    assert_near(num("7 % 4"), 3, 0);
    assert_near(num("reps[0].sales"), 5000, 0);
    assert_near(num("reps[-1].sales"), 0, 0); /* c1, last by sales */
    assert_near(num("trend[12].sales"), 9900, 0);
    str_is("reps[0].name", "b1");
    str_is("period.label", "2026-10");
    str_is("'x' + 1 + \"y\"", "x1y");
    str_is("scope.kind", "company");
    fp_ev v = ev("sales");
    assert_int_equal(v.kind, FP_NUM_MONEY);
    v = ev("sales / target");
    assert_int_equal(v.kind, FP_NUM_RATIO);
    v = ev("sales / orders");
    assert_int_equal(v.kind, FP_NUM_MONEY);
}

static void comparisons_logic_and_nulls(void **state)
{
    (void)state;
    assert_true(truth("attainment >= 1"));
    assert_true(truth("attainment >= 1 and mom > 0"));
    assert_true(truth("attainment < 1 or orders == 5"));
    assert_true(truth("not (sales < 0)"));
    assert_true(truth("!false && true || false"));
    assert_true(truth("reps[0].name == 'b1'"));
    assert_true(truth("reps[3].attainment == null"));   /* c1 has no target */
    assert_false(truth("reps[3].attainment < 1"));       /* a comparison with null is false */
    assert_false(truth("reps[3].attainment >= 1"));
    assert_true(is_null("reps[3].attainment * 2"));
    assert_true(is_null("sales / 0"));
    assert_true(is_null("reps[99].name"));
}

static void functions(void **state)
{
    (void)state;
    assert_near(num("min(3, 1, 2)"), 1, 0);
    assert_near(num("max(attainment, 2)"), 2, 0);
    assert_near(num("abs(gap)"), 900, 0);
    assert_near(num("round(attainment, 1)"), 1.1, 1e-12);
    assert_near(num("round(2.5)"), 3, 0);
    assert_near(num("len(reps)"), 4, 0);
    assert_near(num("len('销售')"), 2, 0);
    str_is("if(mom > 0, '增长', '下降')", "增长");
    assert_near(num("sum(reps, sales)"), 9900, 0);
    assert_near(num("avg(reps, sales)"), 9900.0 / 4, 1e-9);
    assert_near(num("count(reps)"), 4, 0);
    assert_near(num("count(reps, attainment < 1)"), 2, 0); /* b1 0.50005, a1 0.8333; c1 null is not < 1 */
    assert_near(num("max(reps, sales)"), 5000, 0);
    assert_near(num("min(channels, sales)"), 4000, 0);
    str_is("top(reps, new_customers + activities).name", "b1");
    str_is("first(reps, sales < 3000).name", "a1");
    str_is("last(reps).name", "c1");
    assert_true(is_null("first(reps, sales > 99999)"));
}

static void parse_errors_name_the_column(void **state)
{
    (void)state;
    struct {
        const char *src, *msg;
    } bad[] = {
        {"sales +", "column 8: expected a value, found the end"},
        {"(sales", "column 7: expected \")\""},
        {"sales = 1", "column 7: \"=\" is not an operator; compare with \"==\""},
        {"'open", "column 1: the text starting here has no closing '"},
        {"sales sales", "column 7: unexpected a name after a complete expression"},
        {"reps[0", "expected \"]\""},
        {"sum(reps sales)", "expected \",\" or \")\" in the call of sum"},
        {"", "the expression is empty"},
        {"a.", "expected a field name after \".\""},
        {"销售", "column 1: unexpected"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        fp_expr *e;
        fp_error err;
        if (fp_expr_parse(bad[i].src, &e, &err) == FP_OK)
            fail_msg("parsed %s", bad[i].src);
        assert_contains(err.msg, bad[i].msg);
    }
    /* deep nesting is refused, not a stack overflow */
    char deep[400];
    memset(deep, '(', 300);
    strcpy(deep + 300, "1");
    fp_expr *e;
    fp_error err;
    assert_int_equal(fp_expr_parse(deep, &e, &err), FP_ERR_INPUT);
    assert_contains(err.msg, "nested too deeply");
}

static void check_names_against_the_schema(void **state)
{
    (void)state;
    struct {
        const char *src, *msg;
    } bad[] = {
        {"salse", "unknown name \"salse\"; did you mean \"sales\"?"},
        {"period.lable", "unknown field \"lable\"; did you mean \"label\"?"},
        {"reps.name", "\"name\" is read from a list: pick an element (list[0].name)"},
        {"reps[0].nmae", "did you mean \"name\"?"},
        {"sum(reps, salse)", "did you mean \"sales\"?"},
        {"summ(reps, sales)", "unknown function summ(); did you mean sum()? (the functions are min, max"},
        {"frob(1)", "unknown function frob(); the functions are min, max"},
        {"sum(sales, 1)", "sum() wants a list"},
        {"if(1, 2)", "if() takes 3 arguments, not 2"},
        {"sales[0]", "[…] picks an element of a list"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        fp_expr *e;
        fp_error err;
        assert_int_equal(fp_expr_parse(bad[i].src, &e, &err), FP_OK);
        if (fp_expr_check(e, &stop, &err) == FP_OK)
            fail_msg("checked %s", bad[i].src);
        assert_contains(err.msg, bad[i].msg);
        fp_expr_free(e);
    }
    /* names bound by a loop are known inside it */
    fp_scope loop = {.outer = &stop, .name = "r", .value = fp_v_at(fp_v_get(schema, "reps"), 0)};
    fp_expr *e;
    fp_error err;
    assert_int_equal(fp_expr_parse("r.attainment < 1 and r.name != ''", &e, &err), FP_OK);
    assert_int_equal(fp_expr_check(e, &loop, &err), FP_OK);
    assert_true(fp_expr_is_path(e) == false);
    fp_expr_free(e);
    assert_int_equal(fp_expr_parse("r.name", &e, &err), FP_OK);
    assert_true(fp_expr_is_path(e));
    fp_expr_free(e);
}

/* dir(): the direction a change reads as, the KPI arrows' rule: what the percent format shows */
static void direction_of_a_change(void **state)
{
    (void)state;
    /* a fraction minus a literal 1 is still a fraction (its arrow and its dir() read it at 0.1%) */
    fp_ev k = ev("sales / prev_sales - 1");
    assert_int_equal(k.kind, FP_NUM_RATIO);
    str_is("dir(sales / prev_sales - 1)", "up"); /* 9900 against 3400 */
    str_is("dir(prev_sales / sales - 1)", "down");
    str_is("dir(sales / sales - 1)", "flat");
    /* a fraction: flat exactly when "percent" shows 0.0% */
    str_is("dir((sales + sales * 0.0004) / sales - 1)", "flat");
    str_is("dir((sales - sales * 0.0004) / sales - 1)", "flat");
    str_is("dir((sales + sales * 0.0006) / sales - 1)", "up");
    str_is("dir((sales - sales * 0.0006) / sales - 1)", "down");
    /* any other number: at two decimals */
    str_is("dir(0.004)", "flat");
    str_is("dir(0.006)", "up");
    str_is("dir(-0.5)", "down");
    assert_true(is_null("dir(null)"));
    /* plural(): English counts */
    str_is("plural(1, 'order', 'orders')", "order");
    str_is("plural(orders, 'order', 'orders')", "orders");
    str_is("plural(0, 'order', 'orders')", "orders");
    str_is("plural(null, 'order', 'orders')", "orders");
    assert_true(is_null("dir(period.label)"));
    /* the same threshold in C: 0.05% shows as 0.1% (up), 0.04% as 0.0% (flat) */
    assert_int_equal(fp_direction(0.0005, FP_NUM_RATIO), 1);
    assert_int_equal(fp_direction(0.0004999, FP_NUM_RATIO), 0);
    assert_int_equal(fp_direction(-0.0005, FP_NUM_RATIO), -1);
    assert_int_equal(fp_direction(0.005, FP_NUM_PLAIN), 1);
    assert_int_equal(fp_direction(0.0049, FP_NUM_PLAIN), 0);
    assert_int_equal(fp_direction(NAN, FP_NUM_RATIO), 0);
}

/* obj["key"] and obj[expr]: a field picked by name (words.cur[period.kind]) */
static void fields_by_name(void **state)
{
    (void)state;
    str_is("period['label']", "2026-10");
    str_is("period[\"kind\"]", "month");
    assert_near(num("reps[0]['sales']"), 5000, 0);
    assert_true(is_null("period[period.label]")); /* no field "2026-10" */
    fp_expr *e;
    fp_error err;
    assert_int_equal(fp_expr_parse("period['lable']", &e, &err), FP_OK);
    assert_int_equal(fp_expr_check(e, &stop, &err), FP_ERR_INPUT);
    assert_contains(err.msg, "unknown field \"lable\"");
    fp_expr_free(e);
    assert_int_equal(fp_expr_parse("reps['name']", &e, &err), FP_OK);
    assert_int_equal(fp_expr_check(e, &stop, &err), FP_ERR_INPUT);
    assert_contains(err.msg, "picks a field by name, and this is a list");
    fp_expr_free(e);
    assert_int_equal(fp_expr_parse("period[0]", &e, &err), FP_OK);
    assert_int_equal(fp_expr_check(e, &stop, &err), FP_ERR_INPUT);
    assert_contains(err.msg, "this has fields: pick one by name");
    fp_expr_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paths_and_arithmetic),   cmocka_unit_test(comparisons_logic_and_nulls),
        cmocka_unit_test(functions),              cmocka_unit_test(parse_errors_name_the_column),
        cmocka_unit_test(check_names_against_the_schema),
        cmocka_unit_test(direction_of_a_change),  cmocka_unit_test(fields_by_name),
    };
    return cmocka_run_group_tests_name("expr", tests, setup, teardown);
}
