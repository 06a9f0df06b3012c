/* Tests of metrics_value.c: the JSON contract. Every key path the tree holds is documented in
 * docs/metrics.md, in the same order, and every documented key is in the tree. */
#include "testutil.h"
#include "dataset.h"
#include "metrics_value.h"

/* collects key paths: a.b, list[].c (from the first element of non-empty arrays of objects) */
static void paths(const fp_value *v, const char *prefix, fp_buf *out)
{
    if (fp_v_type(v) == FP_V_OBJ) {
        for (size_t i = 0; i < fp_v_len(v); i++) {
            char p[256];
            snprintf(p, sizeof p, "%s%s%s", prefix, *prefix ? "." : "", fp_v_key(v, i));
            fp_buf_printf(out, "%s\n", p);
            paths(fp_v_at(v, i), p, out);
        }
    } else if (fp_v_type(v) == FP_V_ARR && fp_v_len(v) && fp_v_type(fp_v_at(v, 0)) == FP_V_OBJ) {
        const fp_value *first = fp_v_at(v, 0);
        for (size_t i = 0; i < fp_v_len(first); i++) {
            char p[256];
            snprintf(p, sizeof p, "%s[].%s", prefix, fp_v_key(first, i));
            fp_buf_printf(out, "%s\n", p);
            paths(fp_v_at(first, i), p, out);
        }
    }
}

static void json_keys_match_the_documentation(void **state)
{
    (void)state;
    char *schema = tu_path("templates/profile.rng"), *data = tu_path("tests/data/small");
    char prof[1024];
    snprintf(prof, sizeof prof, "%s/profile.xml", data);
    fp_profile *p;
    fp_error err;
    assert_int_equal(fp_profile_load(prof, schema, &p, &err), FP_OK);
    fp_dataset *ds;
    assert_int_equal(fp_dataset_load(data, p, 1, &ds, &err), FP_OK);
    fp_query q = {.scope = FP_SCOPE_COMPANY, .as_of = fp_date_from_ymd(2026, 10, 31)};
    fp_period_parse("2026-10", &q.period, &err);
    fp_metrics *m;
    assert_int_equal(fp_metrics_compute(ds, &q, &m, &err), FP_OK);
    fp_value *v = fp_metrics_value(m);
    fp_buf got;
    fp_buf_init(&got);
    paths(v, "", &got);

    /* the documented keys: first cells of the contract table, in order */
    char *doc = tu_read_src("docs/metrics.md");
    const char *sec = strstr(doc, "## The JSON contract");
    assert_non_null(sec);
    fp_buf want;
    fp_buf_init(&want);
    for (const char *l = sec; (l = strstr(l, "\n| `")) != NULL;) {
        l += 4;
        const char *e = strchr(l, '`');
        fp_buf_add(&want, l, (size_t)(e - l));
        fp_buf_addc(&want, '\n');
    }
    if (strcmp(got.data, want.data) != 0) {
        /* name the first key that differs */
        const char *a = got.data, *b = want.data;
        while (*a && *a == *b) {
            a++;
            b++;
        }
        while (a > got.data && a[-1] != '\n')
            a--;
        while (b > want.data && b[-1] != '\n')
            b--;
        fail_msg("JSON and docs/metrics.md differ: the JSON has \"%.40s\" where the docs have \"%.40s\"", a, b);
    }
    fp_buf_free(&got);
    fp_buf_free(&want);
    free(doc);
    fp_v_free(v);
    fp_metrics_free(m);
    fp_dataset_free(ds);
    fp_profile_free(p);
    free(schema);
    free(data);
}

static void money_and_nulls_in_the_tree(void **state)
{
    (void)state;
    fp_metrics m = {0};
    m.period = fp_period_make(FP_MONTH, 2026, 10);
    m.prev_period = fp_period_prev(&m.period);
    m.yoy_period = fp_period_year_ago(&m.period);
    m.scope_name = "";
    m.scope_team = m.scope_region = "";
    m.sales = 123450;
    m.aov = FP_NO_MONEY;
    m.attainment = 0.5;
    m.mom = 0.0 / 0.0;
    m.target = FP_NO_MONEY;
    fp_value *v = fp_metrics_value(&m);
    assert_near(fp_v_as_num(fp_v_get(v, "sales")), 1234.5, 1e-9);
    assert_int_equal(fp_v_numkind(fp_v_get(v, "sales")), FP_NUM_MONEY);
    assert_int_equal(fp_v_type(fp_v_get(v, "aov")), FP_V_NULL);
    assert_int_equal(fp_v_type(fp_v_get(v, "mom")), FP_V_NULL);
    assert_int_equal(fp_v_numkind(fp_v_get(v, "attainment")), FP_NUM_RATIO);
    assert_string_equal(fp_v_as_str(fp_v_get(fp_v_get(v, "period"), "label")), "2026-10");
    assert_int_equal(fp_v_len(fp_v_get(v, "trend")), FP_TREND_N);
    fp_v_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_keys_match_the_documentation),
        cmocka_unit_test(money_and_nulls_in_the_tree),
    };
    return cmocka_run_group_tests_name("metrics_value", tests, NULL, NULL);
}
