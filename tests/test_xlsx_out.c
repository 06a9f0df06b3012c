/* Tests of render_xlsx.c through the command line: the workbook of every shipped report kind, in Chinese
 * and in English, read back by a second implementation (tests/tools/check_xlsx_out.py, with Debian's
 * python3-openpyxl) and compared with the report's HTML and with `fupan metrics`: every KPI and table
 * cell, numbers stored as numbers with their formats, dates as dates, the header bold and frozen, sheet
 * names Excel accepts. Then the batch's index.xlsx and manifest, a currency that is not the yuan, and the
 * checker itself catching a changed figure. */
#include "testutil.h"

static bool have_openpyxl(void)
{
    return system("/usr/bin/python3 -c 'import openpyxl' 2>/dev/null") == 0;
}

/* renders one report as HTML + xlsx and its metrics as JSON into dir; runs the checker; returns its output */
static char *render_and_check(const char *args, const char *lang, const char *dir, int *rc)
{
    char cmd[4096], *out = NULL, *err = NULL;
    snprintf(cmd, sizeof cmd, "render %s --lang %s --data samples/demo --as-of 2026-10-31 --format html,xlsx --out '%s'",
             args, lang, dir);
    if (tu_fupan(cmd, &out, &err) != 0)
        fail_msg("fupan %s: %s", cmd, err);
    free(out);
    free(err);
    /* the metrics: the same arguments without the template */
    const char *p = strstr(args, "--period");
    snprintf(cmd, sizeof cmd, "metrics %s --data samples/demo --as-of 2026-10-31 > '%s/m.json'", p, dir);
    if (tu_fupan(cmd, NULL, &err) != 0)
        fail_msg("fupan %s: %s", cmd, err);
    free(err);
    snprintf(cmd, sizeof cmd, "cd '%s' && /usr/bin/python3 '%s/tests/tools/check_xlsx_out.py' *.xlsx *.html m.json", dir,
             tu_src());
    *rc = tu_run(cmd, &out, &err);
    if (*rc != 0 && *rc != 1)
        fail_msg("the checker failed to run: %s %s", out, err);
    free(err);
    return out;
}

static void every_kind_in_both_languages(void **state)
{
    (void)state;
    if (!have_openpyxl())
        fail_msg("test_xlsx_out needs python3-openpyxl (make deps installs it)");
    const char *kinds[] = {
        "--template weekly --period 2026-W43 --team 华东一组",  "--template monthly --period 2026-10 --team 华东一组",
        "--template quarterly --period 2026-Q3 --team 华东一组", "--template annual --period 2025 --team 华东一组",
        "--template retrospective --period 2026-10 --team 华东二组",
        "--template self-review --period 2026-10 --team 华北一组", "--template rollup --period 2026-10",
        "--template monthly --period 2026-10 --rep 陈立峰",
    };
    const char *langs[] = {"zh", "en"};
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        for (int l = 0; l < 2; l++) {
            char *dir = tu_tmpdir();
            int rc;
            char *out = render_and_check(kinds[k], langs[l], dir, &rc);
            if (rc != 0)
                fail_msg("%s --lang %s:\n%s", kinds[k], langs[l], out);
            assert_contains(out, " 0 problems");
            /* a real check: cells were compared */
            int n = 0;
            const char *c = strstr(out, "xlsx: ");
            assert_non_null(c);
            sscanf(c, "xlsx: %d", &n);
            assert_true(n >= 4);
            free(out);
            tu_rmrf(dir);
            free(dir);
        }
}

/* the checker is a check: a figure changed in the workbook, a number stored as text, a lost sheet */
static void the_checker_catches_a_changed_figure(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    int rc;
    char *out = render_and_check("--template monthly --period 2026-10 --team 华东一组", "zh", dir, &rc);
    assert_int_equal(rc, 0);
    free(out);
    const char *edits[] = {
        /* a rep's sales a yuan off */
        "ws=wb.worksheets[1]; ws.cell(2,3).value=ws.cell(2,3).value+1",
        /* a percentage as text */
        "ws=wb.worksheets[1]; ws.cell(2,5).value='95.5%'",
        /* a KPI's value off by one order */
        "ws=wb.worksheets[0]; [r[1].__setattr__('value', r[1].value+1) for r in ws.iter_rows() if r[0].value=='订单数']",
        /* a sheet gone */
        "del wb[wb.sheetnames[-1]]",
    };
    for (size_t i = 0; i < sizeof edits / sizeof *edits; i++) {
        char cmd[4096];
        snprintf(cmd, sizeof cmd,
                 "cd '%s' && cp *.xlsx /tmp/fupan-xlsx-check-$$.xlsx && /usr/bin/python3 -c \"import openpyxl,glob; "
                 "p=glob.glob('/tmp/fupan-xlsx-check-'+'$$'+'.xlsx')[0]; wb=openpyxl.load_workbook(p); %s; wb.save(p)\" && "
                 "/usr/bin/python3 '%s/tests/tools/check_xlsx_out.py' /tmp/fupan-xlsx-check-$$.xlsx *.html m.json; "
                 "r=$?; rm -f /tmp/fupan-xlsx-check-$$.xlsx; exit $r",
                 dir, edits[i], tu_src());
        char *o = NULL, *e = NULL;
        int r = tu_run(cmd, &o, &e);
        if (r != 1)
            fail_msg("edit %zu (%s) not caught: exit %d\n%s\n%s", i, edits[i], r, o, e);
        free(o);
        free(e);
    }
    tu_rmrf(dir);
    free(dir);
}

static void batch_writes_workbooks_and_an_index(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), cmd[4096], *out = NULL, *err = NULL;
    snprintf(cmd, sizeof cmd,
             "batch --template monthly --data samples/demo --period 2026-10 --as-of 2026-10-31 --format pdf,html,xlsx "
             "--out '%s' --quiet",
             dir);
    assert_int_equal(tu_fupan(cmd, &out, &err), 0);
    free(out);
    free(err);
    /* index.xlsx: a row per report, the sales as the manifest has them, to the cent; every workbook listed in
     * the manifest with its size and hash */
    snprintf(cmd, sizeof cmd,
             "cd '%s' && /usr/bin/python3 -c \"\n"
             "import openpyxl, json, hashlib, os\n"
             "m = json.load(open('manifest.json'))\n"
             "ws = openpyxl.load_workbook('index.xlsx').active\n"
             "rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}\n"
             "assert ws.freeze_panes == 'A2', ws.freeze_panes\n"
             "n = 0\n"
             "for it in m['items']:\n"
             "    r = rows[it['scope']]\n"
             "    assert abs(r[2].value - it['sales']) < 0.005, (r[2].value, it['sales'])\n"
             "    assert r[3].value == it['orders']\n"
             "    assert '#,##0.00' in r[2].number_format and '%%' in r[4].number_format\n"
             "    x = [f for f in it['files'] if f['name'].endswith('.xlsx')][0]\n"
             "    b = open(x['name'], 'rb').read()\n"
             "    assert len(b) == x['bytes'] and hashlib.sha256(b).hexdigest() == x['sha256']\n"
             "    openpyxl.load_workbook(x['name'])\n"
             "    n += 1\n"
             "assert n == m['reports'] and n >= 5, (n, m['reports'])\n"
             "print('index rows', n)\n"
             "\"",
             dir);
    assert_int_equal(tu_run(cmd, &out, &err), 0);
    assert_contains(out, "index rows 5");
    free(out);
    free(err);
    /* a batch without xlsx writes none; one that leaves out pdf or html is refused */
    snprintf(cmd, sizeof cmd, "batch --template monthly --data samples/demo --period 2026-10 --format xlsx --out '%s/b'",
             dir);
    assert_int_equal(tu_fupan(cmd, &out, &err), 2);
    assert_contains(err, "pdf,html,xlsx");
    free(out);
    free(err);
    tu_rmrf(dir);
    free(dir);
}

/* dollars: the money format carries the currency's sign */
static void a_dollar_export(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), cmd[4096], *out = NULL, *err = NULL;
    snprintf(cmd, sizeof cmd,
             "cp -r tests/data/small '%s/d' && sed -i 's/<profile name=\"small-fixture\"/<profile name=\"small-fixture\" "
             "currency=\"USD\"/' '%s/d/profile.xml' && LC_ALL=C '%s' render --template monthly --data '%s/d' "
             "--period 2026-10 --team A --as-of 2026-10-31 --lang en --format xlsx --out '%s' >/dev/null && "
             "/usr/bin/python3 -c \"import openpyxl,glob; ws=openpyxl.load_workbook(glob.glob('%s/*.xlsx')[0]).worksheets[1]; "
             "print(ws.cell(2,3).number_format)\"",
             dir, dir, tu_bin(), dir, dir, dir);
    char full[8192];
    snprintf(full, sizeof full, "cd '%s' && %s", tu_src(), cmd);
    assert_int_equal(tu_run(full, &out, &err), 0);
    assert_contains(out, "\"$\"#,##0.00");
    free(out);
    free(err);
    tu_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_kind_in_both_languages),
        cmocka_unit_test(the_checker_catches_a_changed_figure),
        cmocka_unit_test(batch_writes_workbooks_and_an_index),
        cmocka_unit_test(a_dollar_export),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
