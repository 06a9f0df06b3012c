/* Hostile input: XML that tries entities, external DTDs or XInclude; a notes file of a gigabyte;
 * a column mapped wrongly so that every order is a different rep; markup and javascript: URLs in the
 * names that reach the batch index. Each is refused quickly or shown as text, never followed. */
#include "testutil.h"

#include <stdbool.h>
#include <time.h>

static char *tmp;

static int setup(void **state)
{
    (void)state;
    tmp = tu_tmpdir();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmrf(tmp);
    free(tmp);
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int check(const char *name, const char *text, char **err)
{
    tu_writes(tmp, name, text);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' check '%s'", tmp, tu_bin(), name);
    return tu_run(cmd, NULL, err);
}

static void xml_attacks(void **state)
{
    (void)state;
    char *err;
    /* the billion laughs: refused at once, no expansion */
    char bomb[4096];
    size_t n = (size_t)snprintf(bomb, sizeof bomb, "<?xml version=\"1.0\"?>\n<!DOCTYPE report [\n<!ENTITY a0 \"ha\">\n");
    for (int i = 1; i < 10; i++)
        n += (size_t)snprintf(bomb + n, sizeof bomb - n,
                              "<!ENTITY a%d \"&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;\">\n", i, i - 1, i - 1,
                              i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    snprintf(bomb + n, sizeof bomb - n, "]>\n<report title=\"&a9;\"/>\n");
    double t0 = now();
    assert_int_equal(check("bomb.xml", bomb, &err), 1);
    assert_true(now() - t0 < 2.0);
    assert_contains(err, "DOCTYPE");
    assert_not_contains(err, "hahaha");
    free(err);
    /* an external DTD: never fetched (no network) and refused */
    assert_int_equal(check("ext.xml",
                           "<?xml version=\"1.0\"?>\n<!DOCTYPE report SYSTEM \"http://203.0.113.1/x.dtd\">\n"
                           "<report title=\"t\"/>\n",
                           &err),
                     1);
    assert_contains(err, "DOCTYPE");
    free(err);
    /* XInclude is not part of the language: an error, and the file is not read */
    assert_int_equal(check("xi.xml",
                           "<report title=\"t\" periods=\"month\" xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n"
                           "<section title=\"s\"><xi:include href=\"/etc/passwd\" parse=\"text\"/></section>\n"
                           "</report>\n",
                           &err),
                     1);
    assert_contains(err, "xi.xml:2:");
    assert_not_contains(err, "root:");
    free(err);
    /* the same in a data profile */
    tu_writes(tmp, "profile.xml",
              "<?xml version=\"1.0\"?>\n<!DOCTYPE profile [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
              "<profile>&x;</profile>\n");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' metrics --data '%s' --profile '%s/profile.xml' --period 2026-10", tu_bin(), tmp, tmp);
    assert_int_equal(tu_run(cmd, NULL, &err), 1);
    assert_contains(err, "DOCTYPE");
    assert_not_contains(err, "root:");
    free(err);
}

static void a_gigabyte_of_notes(void **state)
{
    (void)state;
    char cmd[2048], *err;
    /* a sparse file: a gigabyte that takes no disk, refused before reading */
    snprintf(cmd, sizeof cmd, "truncate -s 1G '%s/huge.md'", tmp);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && '%s' render --template monthly --data samples/demo --period 2026-10 --notes '%s/huge.md' --out "
             "'%s/o'",
             tu_src(), tu_bin(), tmp, tmp);
    double t0 = now();
    assert_int_equal(tu_run(cmd, NULL, &err), 1);
    assert_true(now() - t0 < 5.0);
    assert_contains(err, "huge.md");
    assert_contains(err, "too large");
    free(err);
}

static void every_order_a_different_rep(void **state)
{
    (void)state;
    /* the profile maps the order id as the rep: 210,000 "reps" — a clear error, not hours and gigabytes */
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cp -r '%s/tests/data/small' '%s/many' && cd '%s/many' && head -1 orders.csv > o.csv && "
             "awk 'BEGIN{for(i=0;i<210000;i++) printf \"O%%d,1,2026-10-10,C1,N,r%%d,A,North,online,Device,P1,1,10,0,10,won\\n\", i, i}' "
             ">> o.csv && mv o.csv orders.csv",
             tu_src(), tmp, tmp);
    assert_int_equal(system(cmd), 0);
    char *err;
    snprintf(cmd, sizeof cmd, "'%s' metrics --data '%s/many' --period 2026-10 --as-of 2026-10-31", tu_bin(), tmp);
    double t0 = now();
    assert_int_equal(tu_run(cmd, NULL, &err), 1);
    assert_true(now() - t0 < 20.0);
    assert_contains(err, "different people (reps); fupan handles at most 200000");
    assert_contains(err, "right column");
    free(err);
}

static void names_in_the_batch_index(void **state)
{
    (void)state;
    /* a team named with markup and a javascript: URL: text in the index, and its file name made safe */
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "cp -r '%s/tests/data/small' '%s/evil' && cd '%s/evil' && "
             "sed -i 's/,A,/,\\\"\\\"\\\"><img src=x onerror=alert(1)>javascript:alert(2)\\\",/' orders.csv roster.csv "
             "targets.csv actions.csv",
             tu_src(), tmp, tmp);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && '%s' batch --template monthly --data '%s/evil' --period 2026-10 --as-of 2026-10-31 --out "
             "'%s/evil-out' --quiet",
             tu_src(), tu_bin(), tmp, tmp);
    char *out, *err;
    int rc = tu_run(cmd, &out, &err);
    if (rc)
        fail_msg("exit %d: %s", rc, err);
    char p[1024];
    snprintf(p, sizeof p, "%s/evil-out/index.html", tmp);
    char *ix = tu_read(p);
    assert_non_null(ix);
    assert_not_contains(ix, "<img");
    assert_not_contains(ix, "href=\"javascript:");
    assert_contains(ix, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;javascript:alert(2)");
    free(ix);
    free(out);
    free(err);
}

/* found by fuzz_csv: a bare CR inside the header line ended the header early; the header probe then
 * stored cells with no dictionary (a crash). Now: the same clear answer on 1 thread and on 4. */
static void bare_cr_in_the_header(void **state)
{
    (void)state;
    char cmd[4096], *a, *b;
    snprintf(cmd, sizeof cmd, "cp -r '%s/tests/data/small' '%s/cr' && cp '%s/tests/fuzz/corpus/fuzz_csv/crash-cr-in-header' "
             "'%s/cr/orders.csv'", tu_src(), tmp, tu_src(), tmp);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "'%s' metrics --data '%s/cr' --period 2026-10 --as-of 2026-10-31 --threads 1",
             tu_bin(), tmp);
    int r1 = tu_run(cmd, NULL, &a);
    snprintf(cmd, sizeof cmd, "'%s' metrics --data '%s/cr' --period 2026-10 --as-of 2026-10-31 --threads 4",
             tu_bin(), tmp);
    int r2 = tu_run(cmd, NULL, &b);
    assert_int_equal(r1, 1);
    assert_int_equal(r2, 1);
    assert_string_equal(a, b);
    assert_contains(a, "orders.csv:1:");
    free(a);
    free(b);
}

/* a 100 MB cell and a million columns: the first a clear error, the second simply read */
static void huge_cells_and_many_columns(void **state)
{
    (void)state;
    char cmd[4096], *err;
    snprintf(cmd, sizeof cmd,
             "cp -r '%s/tests/data/small' '%s/cell' && cd '%s/cell' && head -1 orders.csv > o.csv && "
             "{ printf 'O1,1,2026-10-10,C1,'; head -c 104857600 /dev/zero | tr '\\0' x; "
             "printf ',a1,A,North,online,Device,P1,1,10,0,10,won\\n'; } >> o.csv && mv o.csv orders.csv",
             tu_src(), tmp, tmp);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "'%s' metrics --data '%s/cell' --period 2026-10 --as-of 2026-10-31", tu_bin(), tmp);
    double t0 = now();
    assert_int_equal(tu_run(cmd, NULL, &err), 1);
    assert_true(now() - t0 < 10.0);
    assert_contains(err, "orders.csv:2: the line is longer than 64 MB");
    free(err);
    snprintf(cmd, sizeof cmd, "rm -rf '%s/cell'", tmp);
    assert_int_equal(system(cmd), 0);
    /* a million columns the profile does not name: skipped */
    snprintf(cmd, sizeof cmd,
             "cp -r '%s/tests/data/small' '%s/wide' && cd '%s/wide' && "
             "{ head -1 orders.csv | tr -d '\\r\\n'; seq -f ',c%%g' 0 999999 | tr -d '\\n'; echo; "
             "tail -n +2 orders.csv | tr -d '\\r' | while IFS= read -r l; do printf '%%s' \"$l\"; "
             "head -c 1000000 /dev/zero | tr '\\0' ,; echo; done; } > o.csv && mv o.csv orders.csv",
             tu_src(), tmp, tmp);
    assert_int_equal(system(cmd), 0);
    char *out;
    snprintf(cmd, sizeof cmd, "'%s' metrics --data '%s/wide' --period 2026-10 --as-of 2026-10-31", tu_bin(), tmp);
    t0 = now();
    assert_int_equal(tu_run(cmd, &out, &err), 0);
    assert_true(now() - t0 < 20.0);
    assert_contains(out, "\"sales\": 9900,"); /* README of tests/data/small */
    free(out);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xml_attacks),
        cmocka_unit_test(a_gigabyte_of_notes),
        cmocka_unit_test(every_order_a_different_rep),
        cmocka_unit_test(names_in_the_batch_index),
        cmocka_unit_test(bare_cr_in_the_header),
        cmocka_unit_test(huge_cells_and_many_columns),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
