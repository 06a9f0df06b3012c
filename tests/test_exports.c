/* Exports as users have them (the export issue): the profile example of docs/data.md, data with no reps,
 * teams or regions, data with teams only, amounts in US dollars, and the scope options a user mistypes.
 * Each runs the fupan binary on a small export written into a temporary folder. */
#include "testutil.h"
#include "util.h"

#include <stdbool.h>

static char *dir(const char *name)
{
    char *d = malloc(strlen(tu_tmp) + strlen(name) + 2);
    sprintf(d, "%s/%s", tu_tmp, name);
    mkdir(d, 0755);
    return d;
}

/* (the formats take the folder once or twice: snprintf ignores an argument left over) */

/* a year of orders, a few a day, for the columns given: "rep", "team", "region", "usd" */
static void orders(const char *d, const char *file, bool rep, bool team, bool region, bool usd)
{
    fp_buf b;
    fp_buf_init(&b);
    fp_buf_printf(&b, "单据日期,订单号,客户编码%s%s%s,实收金额,单据状态\n", rep ? ",业务员" : "", team ? ",团队" : "",
                  region ? ",区域" : "");
    static const char *REPS[] = {"张伟", "李娜", "王芳", "刘洋"}, *TEAMS[] = {"东区一组", "东区一组", "西区一组", "西区一组"};
    static const char *REGIONS[] = {"East", "East", "West", "West"};
    int k = 0;
    for (int m = 1; m <= 12; m++)
        for (int day = 1; day <= 28; day += 3) {
            int i = k++ % 4;
            fp_buf_printf(&b, "2026-%02d-%02d,SO%05d,C%03d", m, day, k, k % 37);
            if (rep)
                fp_buf_printf(&b, ",%s", REPS[i]);
            if (team)
                fp_buf_printf(&b, ",%s", TEAMS[i]);
            if (region)
                fp_buf_printf(&b, ",%s", REGIONS[i]);
            if (usd)
                fp_buf_printf(&b, ",\"$%d,%03d.%02d\"", 1 + k % 7, (k * 37) % 1000, k % 100);
            else
                fp_buf_printf(&b, ",%d.%02d", 1000 + k * 13, k % 100);
            fp_buf_printf(&b, ",%s\n", k % 11 ? "已成交" : "已取消");
        }
    tu_writes(d, file, b.data);
    fp_buf_free(&b);
}

static void profile(const char *d, const char *attrs, bool rep, bool team, bool region)
{
    fp_buf b;
    fp_buf_init(&b);
    fp_buf_printf(&b,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<profile name=\"t\"%s>\n<orders file=\"订单.csv\">\n"
                  "<column name=\"date\" header=\"单据日期\"/><column name=\"order_id\" header=\"订单号\"/>"
                  "<column name=\"customer_id\" header=\"客户编码\"/><column name=\"amount\" header=\"实收金额\"/>"
                  "<column name=\"status\" header=\"单据状态\"/><won>已成交</won>%s%s%s\n</orders>\n</profile>\n",
                  attrs, rep ? "<column name=\"rep\" header=\"业务员\"/>" : "",
                  team ? "<column name=\"team\" header=\"团队\"/>" : "",
                  region ? "<column name=\"region\" header=\"区域\"/>" : "");
    tu_writes(d, "profile.xml", b.data);
    fp_buf_free(&b);
}

static char *run(const char *fmt, const char *d, int want_rc)
{
    char args[2048], *out = NULL, *err = NULL;
    snprintf(args, sizeof args, fmt, d, d);
    int rc = tu_fupan(args, &out, &err);
    if (rc != want_rc)
        fail_msg("fupan %s: exit %d, wanted %d: %s", args, rc, want_rc, err ? err : "");
    free(out);
    return err; /* what it said on stderr */
}

/* The profile example of docs/data.md, on files with its headers: it used to crash (no channel). */
static void the_data_md_example_works(void **state)
{
    (void)state;
    char *md = tu_read_src("docs/data.md");
    const char *a = strstr(md, "```xml\n"), *e = a ? strstr(a + 7, "```") : NULL;
    assert_non_null(e);
    char *d = dir("mycrm");
    tu_write(d, "profile.xml", a + 7, (size_t)(e - a - 7));
    fp_buf b;
    fp_buf_init(&b);
    fp_buf_adds(&b, "订单号,单据日期,客户编码,业务员,实收金额,单据状态\n");
    for (int i = 1; i <= 60; i++)
        fp_buf_printf(&b, "D%03d,2026-%02d-%02d,K%02d,%s,%d.50,%s\n", i, 9 + i / 31, i % 30 + 1, i % 9,
                      i % 2 ? "赵敏" : "钱进", 800 + i * 10, i % 7 ? "已完成" : "作废");
    fp_buf_adds(&b, "D999,2026-10-31,K01,赵敏,99.00,已完成\n");
    tu_writes(d, "订单导出.csv", b.data);
    fp_buf_reset(&b);
    fp_buf_adds(&b, "月份,业务员,销售目标(万元)\n2026-10,赵敏,1.2\n2026-10,钱进,1.5\n");
    tu_writes(d, "月度目标.csv", b.data);
    fp_buf_free(&b);
    char *err = run("check '%s/profile.xml'", d, 0);
    free(err);
    err = run("metrics --data '%s' --period 2026-10 --as-of 2026-10-31", d, 0);
    assert_string_equal(err, "");
    free(err);
    err = run("render --template monthly --data '%s' --period 2026-10 --as-of 2026-10-31 --out '%s/out'", d, 0);
    assert_string_equal(err, "");
    free(err);
    free(d);
    free(md);
}

/* No rep, team or region: company reports, and a clear answer for the levels that are not there. */
static void no_people_no_teams(void **state)
{
    (void)state;
    char *d = dir("shop");
    orders(d, "订单.csv", false, false, false, false);
    profile(d, "", false, false, false);
    const char *templates[] = {"monthly", "monthly-en", "retrospective", "self-review", "rollup"};
    for (size_t i = 0; i < sizeof templates / sizeof *templates; i++) {
        char fmt[512];
        snprintf(fmt, sizeof fmt, "render --template %s --data '%%s' --period 2026-10 --as-of 2026-10-31 --out '%%s/o'",
                 templates[i]);
        char *err = run(fmt, d, 0);
        assert_string_equal(err, "");
        free(err);
    }
    char *err = run("metrics --data '%s' --period 2026-10 --team 东区一组 --as-of 2026-10-31", d, 1);
    assert_contains(err, "the data has no teams");
    free(err);
    err = run("batch --template monthly --data '%s' --period 2026-10 --as-of 2026-10-31 --by region --out '%s/b'", d, 1);
    assert_contains(err, "--by region: the data has no regions");
    free(err);
    free(d);
}

/* Teams only: team reports and a roll-up; no people, no regions listed as "(未填)". */
static void teams_only(void **state)
{
    (void)state;
    char *d = dir("teams");
    orders(d, "订单.csv", false, true, false, false);
    profile(d, "", false, true, false);
    char *err = run("batch --template monthly --rollup rollup --data '%s' --period 2026-10 --as-of 2026-10-31 "
                    "--out '%s/b' --quiet",
                    d, 0);
    assert_string_equal(err, "");
    free(err);
    char p[1200];
    snprintf(p, sizeof p, "%s/b/东区一组-2026-10.pdf", d);
    assert_true(access(p, R_OK) == 0);
    snprintf(p, sizeof p, "%s/b/全公司-2026-10.pdf", d);
    assert_true(access(p, R_OK) == 0);
    char args[1200], *out = NULL;
    snprintf(args, sizeof args, "metrics --data '%s' --period 2026-10 --as-of 2026-10-31", d);
    assert_int_equal(tu_fupan(args, &out, NULL), 0);
    assert_contains(out, "\"regions\": []");
    assert_contains(out, "\"reps\": []");
    assert_not_contains(out, "(未填)");
    free(out);
    free(d);
}

/* US dollars: read as written ($1,234.50), shown as $1.23K in English and 万美元 in Chinese. */
static void us_dollars(void **state)
{
    (void)state;
    char *d = dir("usd");
    orders(d, "订单.csv", true, true, true, true);
    profile(d, " currency=\"USD\"", true, true, true);
    char args[1200], *out = NULL;
    snprintf(args, sizeof args, "metrics --data '%s' --period 2026-10 --as-of 2026-10-31", d);
    assert_int_equal(tu_fupan(args, &out, NULL), 0);
    assert_contains(out, "\"currency\": \"USD\"");
    free(out);
    snprintf(args, sizeof args, "render --template monthly --data '%s' --period 2026-10 --as-of 2026-10-31 "
                                "--format html --out '%s/zh'", d, d);
    assert_int_equal(tu_fupan(args, NULL, NULL), 0);
    snprintf(args, sizeof args, "%s/zh/全公司-2026-10.html", d);
    char *h = tu_read(args);
    assert_contains(h, "美元");
    assert_not_contains(h, "¥");
    free(h);
    snprintf(args, sizeof args, "render --template monthly-en --data '%s' --period 2026-10 --as-of 2026-10-31 "
                                "--format html --out '%s/en'", d, d);
    assert_int_equal(tu_fupan(args, NULL, NULL), 0);
    snprintf(args, sizeof args, "%s/en/全公司-2026-10.html", d);
    h = tu_read(args);
    assert_contains(h, "$");
    assert_not_contains(h, "¥");
    assert_not_contains(h, "元");
    free(h);
    /* a yuan sign in a dollar export is a mistake, said with the line */
    orders(d, "订单.csv", true, true, true, false);
    tu_writes(d, "订单.csv", "单据日期,订单号,客户编码,业务员,团队,区域,实收金额,单据状态\n"
                             "2026-10-01,A1,C1,张伟,东区一组,East,\"$12.00\",已成交\n"
                             "2026-10-02,A2,C1,张伟,东区一组,East,¥13.00,已成交\n");
    char *err = run("metrics --data '%s' --period 2026-10 --as-of 2026-10-31", d, 1);
    assert_contains(err, ":3: column 7");
    assert_contains(err, "¥13.00");
    free(err);
    free(d);
}

/* The scope a user mistypes: another level's name, blanks, a near miss. */
static void scope_names(void **state)
{
    (void)state;
    char *err = NULL;
    assert_int_equal(tu_fupan("metrics --data samples/demo --period 2026-10 --team 华东", NULL, &err), 1);
    assert_contains(err, "\"华东\" is a region in the data, not a team: write --region 华东");
    free(err);
    assert_int_equal(tu_fupan("metrics --data samples/demo --period 2026-10 --team '华东一组 '", NULL, NULL), 0);
    assert_int_equal(tu_fupan("metrics --data samples/demo --period 2026-10 --team 华东一祖", NULL, &err), 1);
    assert_contains(err, "did you mean \"华东一组\"? the teams are: 华东一组, 华东二组, 华北一组, 华南一组, 西南一组");
    free(err);
    /* a profile reading one header into two fields cannot work: check says so */
    char *d = dir("two");
    tu_writes(d, "p.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<profile name=\"t\"><orders file=\"o.csv\">"
                          "<column name=\"order_id\" header=\"id\"/><column name=\"date\" header=\"date\"/>"
                          "<column name=\"customer_id\" header=\"c\"/><column name=\"amount\" header=\"a\"/>"
                          "<column name=\"team\" header=\"Region\"/><column name=\"region\" header=\"Region\"/>"
                          "</orders></profile>\n");
    err = run("check '%s/p.xml'", d, 1);
    assert_contains(err, "the columns \"team\" (line 2) and \"region\" both read the header \"Region\"");
    free(err);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_data_md_example_works),
        cmocka_unit_test(no_people_no_teams),
        cmocka_unit_test(teams_only),
        cmocka_unit_test(us_dollars),
        cmocka_unit_test(scope_names),
    };
    return cmocka_run_group_tests(tests, tu_setup_tmp, tu_teardown_tmp);
}
