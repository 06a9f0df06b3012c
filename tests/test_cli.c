/* Tests of the fupan command: golden outputs for whole reports (tests/golden/cases), exit codes and
 * messages for every kind of mistake, and an installed copy that finds its files anywhere. */
#include "testutil.h"

#include <limits.h>

/* runs `fupan ARGS` from the source tree */
static int fupan(const char *args, char **out, char **err)
{
    return tu_fupan(args, out, err);
}

static void golden_outputs(void **state)
{
    (void)state;
    char *cases = tu_read_src("tests/golden/cases");
    assert_non_null(cases);
    int n = 0;
    for (char *line = strtok(cases, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || !line[0])
            continue;
        char file[256];
        int used = 0;
        if (sscanf(line, "%255s %n", file, &used) != 1)
            continue;
        const char *args = line + used;
        char *out, *err;
        int rc = fupan(args, &out, &err);
        if (rc != 0)
            fail_msg("fupan %s: exit %d: %s", args, rc, err);
        char rel[512];
        snprintf(rel, sizeof rel, "tests/golden/%s", file);
        char *path = tu_path(rel);
        char *want = tu_read(path);
        if (!want)
            fail_msg("missing %s: run tests/update-golden", rel);
        if (strcmp(out, want) != 0) {
            /* show the first difference */
            size_t i = 0;
            while (out[i] && out[i] == want[i])
                i++;
            size_t from = i > 80 ? i - 80 : 0;
            fail_msg("fupan %s differs from %s at byte %zu:\n got: …%.160s\nwant: …%.160s", args, rel, i, out + from,
                     want + from);
        }
        free(want);
        free(path);
        free(out);
        free(err);
        n++;
    }
    assert_true(n >= 7);
    free(cases);
}

static void help_and_version(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(fupan("--version", &out, NULL), 0);
    assert_contains(out, "fupan 0.");
    free(out);
    assert_int_equal(fupan("--help", &out, NULL), 0);
    assert_contains(out, "metrics");
    free(out);
    assert_int_equal(fupan("metrics --help", &out, NULL), 0);
    const char *opts[] = {"--data", "--profile", "--period", "--team", "--region", "--rep", "--as-of", "--format"};
    for (size_t i = 0; i < sizeof opts / sizeof *opts; i++)
        assert_contains(out, opts[i]);
    free(out);
    assert_int_equal(fupan("help metrics", &out, NULL), 0);
    assert_contains(out, "--period");
    free(out);
    assert_int_equal(fupan("", NULL, &err), 2);
    assert_contains(err, "usage: fupan COMMAND");
    free(err);
    assert_int_equal(fupan("frobnicate", NULL, &err), 2);
    assert_contains(err, "unknown command \"frobnicate\"");
    free(err);
}

static void usage_errors_exit_2(void **state)
{
    (void)state;
    struct {
        const char *args, *msg;
    } cases[] = {
        {"metrics --period 2026-10", "--data DIR is required"},
        {"metrics --data samples/demo", "--period is required"},
        {"metrics --data samples/demo --period 2026-13", "cannot read the period \"2026-13\""},
        {"metrics --data samples/demo --period 2026-10 --format xml", "--format is json or text, not \"xml\""},
        {"metrics --data samples/demo --period 2026-10 --team a --rep b", "at most one of --team, --region and --rep"},
        {"metrics --data samples/demo --period 2026-10 --as-of tomorrow", "--as-of wants a date"},
        {"metrics --data samples/demo --period 2026-10 --colour", "unknown option \"--colour\""},
        {"metrics --data samples/demo --period", "--period needs a value"},
        {"metrics --data samples/demo --period 2026-10 extra", "unexpected argument \"extra\""},
        {"metrics --data samples/demo --period 2026-10 --threads 0", "--threads wants a number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *err;
        int rc = fupan(cases[i].args, NULL, &err);
        if (rc != 2)
            fail_msg("fupan %s: exit %d, expected 2 (%s)", cases[i].args, rc, err);
        assert_contains(err, cases[i].msg);
        assert_contains(err, "see 'fupan metrics --help'");
        free(err);
    }
}

/* issue 15.9: empty and malformed option values exit 2 with a message that says what to write */
static void empty_and_malformed_values_exit_2(void **state)
{
    (void)state;
    struct {
        const char *args, *msg;
    } cases[] = {
        {"render --template monthly --data samples/demo --period 2026-10 --format ''", "--format wants"},
        {"render --template monthly --data samples/demo --period 2026-10 --format pdf,,html", "--format wants"},
        {"render --template monthly --data samples/demo --period 2026-10 --out ''", "--out wants a folder"},
        {"batch --template monthly --data samples/demo --period 2026-10 --out ''", "--out wants a folder"},
        {"batch --template monthly --data samples/demo --period 2026-10 --shard 1/4/2", "--shard wants K/N"},
        {"batch --template monthly --data samples/demo --period 2026-10 --shard '2/ 4'", "--shard wants K/N"},
        {"batch --template monthly --data samples/demo --period 2026-10 --shard ' 2/4'", "--shard wants K/N"},
        {"mail --manifest m.json --recipients r.csv --from f@example.com --dry-run ''", "--dry-run wants a folder"},
        {"mail --manifest m.json --recipients r.csv --from f@example.com --smtp $'smtp://a\\r\\nb'",
         "--smtp"},
        {"help foo", "no command \"foo\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *err, cmd[2048];
        /* through bash, for the $'…' quoting of a CR/LF */
        snprintf(cmd, sizeof cmd, "bash -c \"cd '%s' && '%s' %s\"", tu_src(), tu_bin(), cases[i].args);
        int rc = tu_run(cmd, NULL, &err);
        if (rc != 2)
            fail_msg("fupan %s: exit %d, expected 2 (%s)", cases[i].args, rc, err);
        if (!strstr(err, cases[i].msg))
            fail_msg("fupan %s: the message does not say \"%s\": %s", cases[i].args, cases[i].msg, err);
        free(err);
    }
}

static void data_errors_exit_1(void **state)
{
    (void)state;
    char *err, *out;
    assert_int_equal(fupan("metrics --data samples/demo --period 2026-10 --team 华东三组", &out, &err), 1);
    assert_contains(err, "no team named \"华东三组\" in the data; did you mean \"华东一组\"? the teams are: ");
    assert_contains(err, "华东一组");
    assert_string_equal(out, ""); /* nothing half-written */
    free(err);
    free(out);
    assert_int_equal(fupan("metrics --data /nonexistent --profile crm-export --period 2026-10", NULL, &err), 1);
    assert_contains(err, "--data /nonexistent: no such folder");
    free(err);
    /* without --profile too: the folder is missing, not its profile.xml */
    assert_int_equal(fupan("metrics --data /nonexistent --period 2026-10", NULL, &err), 1);
    assert_contains(err, "--data /nonexistent: no such folder");
    assert_not_contains(err, "profile.xml");
    free(err);
    assert_int_equal(fupan("metrics --data templates --period 2026-10", NULL, &err), 1);
    assert_contains(err, "templates has no profile.xml");
    assert_contains(err, "--profile crm-export");
    free(err);
    assert_int_equal(fupan("metrics --data samples/demo --profile nosuch --period 2026-10", NULL, &err), 1);
    assert_contains(err, "nosuch: no such profile file");
    free(err);
    /* the demo folder read with the wrong profile: the first file it names is missing */
    assert_int_equal(fupan("metrics --data samples/demo --profile crm-export --period 2026-10", NULL, &err), 1);
    assert_contains(err, "订单明细.csv: no such file");
    free(err);
}

static void unwritable_output_exits_3(void **state)
{
    (void)state;
    if (access("/dev/full", W_OK) != 0)
        skip();
    char *err;
    assert_int_equal(fupan("metrics --data tests/data/small --period 2026-10 > /dev/full", NULL, &err), 3);
    assert_contains(err, "cannot write the output");
    free(err);
}

static void missing_optional_tables_are_reported(void **state)
{
    (void)state;
    char *d = tu_tmpdir();
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cp '%s'/tests/data/small/* '%s'/ && rm '%s/surveys.csv' '%s/actions.csv'", tu_src(), d,
             d, d);
    assert_int_equal(system(cmd), 0);
    char args[1200], *out;
    snprintf(args, sizeof args, "metrics --data '%s' --period 2026-10 --as-of 2026-10-31 --format text", d);
    assert_int_equal(fupan(args, &out, NULL), 0);
    assert_contains(out, "(数据中没有满意度调查)");
    assert_contains(out, "(数据中没有改进计划)");
    free(out);
    snprintf(args, sizeof args, "metrics --data '%s' --period 2026-10 --as-of 2026-10-31", d);
    assert_int_equal(fupan(args, &out, NULL), 0);
    assert_contains(out, "\"surveys\": false");
    assert_contains(out, "\"actions\": false");
    assert_contains(out, "\"satisfaction\": {\n    \"available\": false");
    free(out);
    tu_rmrf(d);
    free(d);
}

/* The JSON contract promises these top-level keys (docs/metrics.md). */
static void json_has_the_contract_keys(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(fupan("metrics --data tests/data/small --period 2026-10 --team A --as-of 2026-10-31", &out, NULL),
                     0);
    const char *keys[] = {"\n  \"period\": {\"kind\": \"month\", \"label\": \"2026-10\"",
                          "\"start\": \"2026-10-01\", \"end\": \"2026-10-31\"",
                          "\n  \"scope\": {\"kind\": \"team\", \"name\": \"A\"",
                          "\n  \"sales\": 4900,",
                          "\n  \"orders\": 3,",
                          "\n  \"aov\": 1633.33,",
                          "\n  \"customers\": 2,",
                          "\n  \"new_customers\": 1,",
                          "\n  \"target\": 5000,",
                          "\n  \"attainment\": 0.98,",
                          "\n  \"prev_sales\": 2500,",
                          "\n  \"mom\": 0.96,",
                          "\n  \"yoy_sales\": 1000,",
                          "\n  \"yoy\": 3.9,",
                          "\n  \"reps\": [",
                          "\"name\": \"a1\", \"team\": \"A\", \"sales\": 2500, \"orders\": 2",
                          "\n  \"channels\": [",
                          "\n  \"categories\": [",
                          "\"target\": 3000, \"attainment\": 0.833333, \"new_customers\": 0"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        assert_contains(out, keys[i]);
    free(out);
}

/* make install into a staging folder; the installed binary, run from elsewhere, finds its files */
static void installed_copy_finds_its_files(void **state)
{
    (void)state;
    const char *build = getenv("FUPAN_BUILD");
    char *stage = tu_tmpdir();
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "make -s -C '%s' install %s%s PREFIX=/opt/fupan DESTDIR='%s' >/dev/null", tu_src(),
             build ? "BUILD=" : "", build ? build : "", stage);
    if (system(cmd) != 0)
        fail_msg("%s failed", cmd);
    char bin[1024], data[1024];
    snprintf(bin, sizeof bin, "%s/opt/fupan/bin/fupan", stage);
    snprintf(data, sizeof data, "%s/opt/fupan/share/fupan/profiles/crm-export.xml", stage);
    assert_int_equal(access(bin, X_OK), 0);
    assert_int_equal(access(data, R_OK), 0);
    /* from /, with the shipped profile by name, on the small fixture */
    char *out, *err;
    snprintf(cmd, sizeof cmd, "cd / && env -u FUPAN_DATADIR '%s' metrics --data '%s/tests/data/small' --period 2026-10 "
                              "--as-of 2026-10-31",
             bin, tu_src());
    int rc = tu_run(cmd, &out, &err);
    if (rc != 0)
        fail_msg("installed fupan: exit %d: %s", rc, err);
    assert_contains(out, "\"sales\": 9900,");
    free(out);
    free(err);
    tu_rmrf(stage);
    free(stage);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(golden_outputs),
        cmocka_unit_test(help_and_version),
        cmocka_unit_test(usage_errors_exit_2),
        cmocka_unit_test(empty_and_malformed_values_exit_2),
        cmocka_unit_test(data_errors_exit_1),
        cmocka_unit_test(unwritable_output_exits_3),
        cmocka_unit_test(missing_optional_tables_are_reported),
        cmocka_unit_test(json_has_the_contract_keys),
        cmocka_unit_test(installed_copy_finds_its_files),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
