/* Tests of dataset.c: a data directory loads once, with its derived lookups; missing files, unknown
 * statuses and calendar kinds get clear messages; the thread count changes nothing; the same export in
 * UTF-8, UTF-8 with BOM and GBK loads to the same tables. */
#include "testutil.h"
#include "dataset.h"
#include "metrics.h"
#include "metrics_value.h"

static char *schema;

static int setup(void **state)
{
    (void)state;
    schema = tu_path("templates/profile.rng");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(schema);
    return 0;
}

static fp_status load_dir(const char *data, const char *profile, int threads, fp_dataset **ds, fp_error *err)
{
    fp_profile *p;
    fp_status s = fp_profile_load(profile, schema, &p, err);
    if (s != FP_OK)
        return s;
    s = fp_dataset_load(data, p, threads, ds, err);
    fp_profile_free(p);
    return s;
}

/* a copy of tests/data/small that a test may change */
static char *copy_small(void)
{
    char *d = tu_tmpdir();
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cp '%s'/tests/data/small/* '%s'/", tu_src(), d);
    assert_int_equal(system(cmd), 0);
    return d;
}

static fp_status load_copy(const char *d, fp_dataset **ds, fp_error *err)
{
    char p[700];
    snprintf(p, sizeof p, "%s/profile.xml", d);
    return load_dir(d, p, 1, ds, err);
}

static uint32_t id_of(const fp_dataset *ds, fp_domain dom, const char *s)
{
    uint32_t id = 0;
    assert_true(fp_dict_find(ds->dict[dom], s, strlen(s), &id));
    return id;
}

static void small_fixture_and_derived_lookups(void **state)
{
    (void)state;
    char *d = copy_small();
    fp_dataset *ds;
    fp_error err;
    assert_int_equal(load_copy(d, &ds, &err), FP_OK);
    for (int t = 0; t < FP_TBL_COUNT; t++)
        assert_true(ds->table[t].present);
    assert_int_equal(ds->table[FP_TBL_ORDERS].nrows, 12);
    assert_int_equal(ds->won_rows, 11);
    uint32_t a = id_of(ds, FP_DOM_TEAM, "A"), north = id_of(ds, FP_DOM_REGION, "North");
    assert_int_equal(ds->person_team[id_of(ds, FP_DOM_PERSON, "c1")], a); /* from the roster only */
    assert_int_equal(ds->team_region[a], north);
    uint32_t c4 = id_of(ds, FP_DOM_CUSTOMER, "C4");
    assert_int_equal(ds->cust_first[c4], fp_date_from_ymd(2026, 10, 16));
    assert_int_equal(ds->cust_first_row[c4], 7); /* the eighth order line */
    uint32_t c1 = id_of(ds, FP_DOM_CUSTOMER, "C1");
    assert_int_equal(ds->cust_first[c1], fp_date_from_ymd(2025, 10, 10));
    assert_int_equal(ds->first_date, fp_date_from_ymd(2025, 10, 10));
    assert_int_equal(ds->last_date, fp_date_from_ymd(2026, 11, 2));
    assert_int_equal(ds->calendar.noff, 2);
    assert_int_equal(ds->calendar.nwork, 1);
    fp_dataset_free(ds);
    tu_rmrf(d);
    free(d);
}

static void missing_files(void **state)
{
    (void)state;
    char *d = copy_small();
    char path[700];
    /* optional tables may be missing */
    snprintf(path, sizeof path, "%s/surveys.csv", d);
    unlink(path);
    snprintf(path, sizeof path, "%s/activities.csv", d);
    unlink(path);
    fp_dataset *ds;
    fp_error err;
    assert_int_equal(load_copy(d, &ds, &err), FP_OK);
    assert_false(ds->table[FP_TBL_SURVEYS].present);
    assert_false(ds->table[FP_TBL_ACTIVITIES].present);
    fp_dataset_free(ds);
    /* the orders may not */
    snprintf(path, sizeof path, "%s/orders.csv", d);
    unlink(path);
    assert_int_equal(load_copy(d, &ds, &err), FP_ERR_NOTFOUND);
    assert_contains(err.msg, "orders.csv: no such file");
    assert_contains(err.msg, "names it for the orders table");
    assert_contains(err.msg, "which is required");
    tu_rmrf(d);
    free(d);
    /* nor the directory */
    char *p = tu_path("tests/data/small/profile.xml");
    assert_int_equal(load_dir("/nonexistent/data", p, 1, &ds, &err), FP_ERR_NOTFOUND);
    assert_contains(err.msg, "/nonexistent/data: no such data directory");
    assert_int_equal(load_dir(p, p, 1, &ds, &err), FP_ERR_INPUT);
    assert_contains(err.msg, "not a directory");
    free(p);
}

static void a_surveys_file_made_required_must_exist(void **state)
{
    (void)state;
    char *d = copy_small();
    char path[700];
    snprintf(path, sizeof path, "%s/surveys.csv", d);
    unlink(path);
    char *prof = tu_read(strcat(strcpy(path, d), "/profile.xml"));
    char *at = strstr(prof, "<surveys file=\"surveys.csv\"");
    assert_non_null(at);
    fp_buf b;
    fp_buf_init(&b);
    fp_buf_add(&b, prof, (size_t)(at - prof));
    fp_buf_adds(&b, "<surveys required=\"yes\" file=\"surveys.csv\"");
    fp_buf_adds(&b, at + strlen("<surveys file=\"surveys.csv\""));
    tu_writes(d, "profile.xml", b.data);
    fp_dataset *ds;
    fp_error err;
    assert_int_equal(load_copy(d, &ds, &err), FP_ERR_NOTFOUND);
    assert_contains(err.msg, "surveys.csv: no such file");
    fp_buf_free(&b);
    free(prof);
    tu_rmrf(d);
    free(d);
}

static void no_won_status_matches(void **state)
{
    (void)state;
    char *d = copy_small();
    char path[700];
    char *prof = tu_read(strcat(strcpy(path, d), "/profile.xml"));
    char *w = strstr(prof, "<won>won</won>");
    memcpy(w, "<won>WON</won>", 14);
    tu_writes(d, "profile.xml", prof);
    fp_dataset *ds;
    fp_error err;
    assert_int_equal(load_copy(d, &ds, &err), FP_ERR_INPUT);
    assert_contains(err.msg, "no order line has a won status");
    assert_contains(err.msg, "counts \"WON\" as won");
    assert_contains(err.msg, "\"won\", \"cancelled\"");
    free(prof);
    tu_rmrf(d);
    free(d);
}

static void calendar_kinds(void **state)
{
    (void)state;
    char *d = copy_small();
    tu_writes(d, "calendar.csv", "date,kind\n2026-10-01,休\n2026-10-10,班\n2026-10-11,maybe\n");
    fp_dataset *ds;
    fp_error err;
    assert_int_equal(load_copy(d, &ds, &err), FP_ERR_INPUT);
    assert_contains(err.msg, "calendar.csv:4: unknown day kind \"maybe\"; write 休 (a day off) or 班 (a working day)");
    tu_rmrf(d);
    free(d);
}

static void team_and_region_from_the_roster(void **state)
{
    (void)state;
    char *d = copy_small();
    /* orders without team and region columns */
    tu_writes(d, "orders.csv", "order,line,date,customer,customer_name,rep,channel,category,product,qty,price,"
                               "discount,amount,status\n"
                               "O1,1,2026-10-08,C1,One,a1,online,Device,P1,1,1000,0,1000,won\n"
                               "O2,1,2026-10-09,C2,Two,b1,online,Device,P1,1,1000,0,500,won\n");
    tu_writes(d, "profile.xml",
              "<profile><orders file=\"orders.csv\">"
              "<column name=\"order_id\" header=\"order\"/><column name=\"date\" header=\"date\"/>"
              "<column name=\"customer_id\" header=\"customer\"/><column name=\"rep\" header=\"rep\"/>"
              "<column name=\"amount\" header=\"amount\"/><column name=\"status\" header=\"status\"/>"
              "<won>won</won></orders>"
              "<roster file=\"roster.csv\"><column name=\"name\" header=\"name\"/>"
              "<column name=\"team\" header=\"team\"/><column name=\"region\" header=\"region\"/></roster>"
              "</profile>");
    fp_dataset *ds;
    fp_error err;
    if (load_copy(d, &ds, &err) != FP_OK)
        fail_msg("%s", err.msg);
    const fp_table *o = &ds->table[FP_TBL_ORDERS];
    assert_string_equal(fp_ds_str(ds, FP_DOM_TEAM, fp_col_text(o, FP_ORD_TEAM)[1]), "B");
    assert_string_equal(fp_ds_str(ds, FP_DOM_REGION, fp_col_text(o, FP_ORD_REGION)[0]), "North");
    fp_dataset_free(ds);
    tu_rmrf(d);
    free(d);
}

static char *metrics_json(const fp_dataset *ds, fp_scope_kind k, const char *name, const char *period)
{
    fp_query q = {.scope = k, .name = name};
    fp_error err;
    assert_int_equal(fp_period_parse(period, &q.period, &err), FP_OK);
    q.as_of = fp_date_from_ymd(2026, 10, 31);
    fp_metrics *m;
    if (fp_metrics_compute(ds, &q, &m, &err) != FP_OK)
        fail_msg("%s", err.msg);
    fp_value *v = fp_metrics_value(m);
    fp_buf b;
    fp_buf_init(&b);
    fp_json_write(v, 0, &b);
    fp_v_free(v);
    fp_metrics_free(m);
    return fp_buf_steal(&b);
}

static void thread_count_changes_nothing(void **state)
{
    (void)state;
    char *data = tu_path("samples/demo"), *prof = tu_path("samples/demo/profile.xml");
    fp_dataset *one, *four;
    fp_error err;
    assert_int_equal(load_dir(data, prof, 1, &one, &err), FP_OK);
    assert_int_equal(load_dir(data, prof, 4, &four, &err), FP_OK);
    for (int t = 0; t < FP_TBL_COUNT; t++)
        assert_int_equal(one->table[t].nrows, four->table[t].nrows);
    char *a = metrics_json(one, FP_SCOPE_COMPANY, NULL, "2026-10");
    char *b = metrics_json(four, FP_SCOPE_COMPANY, NULL, "2026-10");
    assert_string_equal(a, b);
    free(a);
    free(b);
    fp_dataset_free(one);
    fp_dataset_free(four);
    free(data);
    free(prof);
}

/* gen-crm-export (../shared/bench) writes the same export in three encodings; all load the same. */
static void encodings_of_the_generator_agree(void **state)
{
    (void)state;
    char gen[1024];
    snprintf(gen, sizeof gen, "%s/../shared/bench/gen-crm-export", tu_src());
    if (access(gen, X_OK) != 0)
        skip();
    char *d = tu_tmpdir();
    const char *enc[] = {"utf-8", "utf-8-sig", "gbk"};
    char *json[3];
    char *prof = tu_path("templates/profiles/crm-export.xml");
    for (int i = 0; i < 3; i++) {
        char cmd[2048], sub[800];
        snprintf(sub, sizeof sub, "%s/%s", d, enc[i]);
        snprintf(cmd, sizeof cmd, "python3 '%s' --orders 3000 --teams 4 --encoding %s '%s' >/dev/null", gen, enc[i],
                 sub);
        assert_int_equal(system(cmd), 0);
        fp_dataset *ds;
        fp_error err;
        if (load_dir(sub, prof, 2, &ds, &err) != FP_OK)
            fail_msg("%s: %s", enc[i], err.msg);
        json[i] = metrics_json(ds, FP_SCOPE_TEAM, "华东一组", "2026-Q3");
        fp_dataset_free(ds);
    }
    assert_string_equal(json[0], json[1]);
    assert_string_equal(json[0], json[2]);
    assert_contains(json[0], "\"name\":\"华东一组\"");
    for (int i = 0; i < 3; i++)
        free(json[i]);
    free(prof);
    tu_rmrf(d);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(small_fixture_and_derived_lookups),
        cmocka_unit_test(missing_files),
        cmocka_unit_test(a_surveys_file_made_required_must_exist),
        cmocka_unit_test(no_won_status_matches),
        cmocka_unit_test(calendar_kinds),
        cmocka_unit_test(team_and_region_from_the_roster),
        cmocka_unit_test(thread_count_changes_nothing),
        cmocka_unit_test(encodings_of_the_generator_agree),
    };
    return cmocka_run_group_tests_name("dataset", tests, setup, teardown);
}
