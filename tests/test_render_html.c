/* Tests of the HTML renderer on whole reports made by the fupan command:
 *  - every value from the data, the notes and the template is escaped (hostile names in the CSV);
 *  - the file is self-contained: no script, no external URL, a CSP that forbids fetching, inline CSS
 *    with a phone layout and a print style sheet;
 *  - the same content as the PDF: every line pdftotext gives back from the PDF is in the HTML's text;
 *  - semantic structure: one h1, a h2 per section, tables with thead/tbody/tfoot, numbers marked;
 *  - output files: predictable names, unsafe characters replaced, nothing written outside --out,
 *    and a failed render leaves no file behind.
 */
#include "testutil.h"

#include <stdbool.h>

#define EPOCH "1793577600"

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

static int fupan(const char *args, char **out, char **err)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "(cd '%s' && SOURCE_DATE_EPOCH=" EPOCH " LC_ALL=C '%s' %s)", tu_src(), tu_bin(), args);
    return tu_run(cmd, out, err);
}

/* the text of an HTML document: tags dropped, entities decoded, all white space removed */

static void squeeze(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r')
            *o++ = *p;
    *o = 0;
}

static void same_content_as_the_pdf(void **state)
{
    (void)state;
    if (system("command -v pdftotext >/dev/null"))
        fail_msg("needs pdftotext (poppler-utils; make deps installs it)");
    char args[2048], *out, *err;
    snprintf(args, sizeof args,
             "render --template monthly --data samples/demo --period 2026-10 --team 华东一组 --as-of 2026-10-31 "
             "--notes samples/notes/华东一组-2026-10.md --out '%s/same'", tmp);
    assert_int_equal(fupan(args, &out, &err), 0);
    char path[1024];
    snprintf(path, sizeof path, "%s/same/华东一组-2026-10.html", tmp);
    char *html = tu_read(path);
    assert_non_null(html);
    char *text = tu_html_text(html);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s/same/华东一组-2026-10.pdf' -", tmp);
    char *pdf;
    assert_int_equal(tu_run(cmd, &pdf, NULL), 0);
    int lines = 0;
    char *save = NULL;
    for (char *l = strtok_r(pdf, "\n\f", &save); l; l = strtok_r(NULL, "\n\f", &save)) {
        char words[1024];
        snprintf(words, sizeof words, "%s", l);
        squeeze(l);
        if (!*l || strstr(l, "页/共") || strstr(l, "销售月度总结·")) /* page furniture */
            continue;
        /* a row of chart labels set close together reads as one line in the PDF; in the HTML each label is
         * a text of its own: then every label must be there */
        if (!strstr(text, l)) {
            bool all = true;
            char *ws = NULL;
            for (char *w = strtok_r(words, " ", &ws); w && all; w = strtok_r(NULL, " ", &ws))
                all = strstr(text, w) != NULL;
            if (all) {
                lines++;
                continue;
            }
        }
        /* list marks are drawn in the PDF, made by the browser in HTML */
        if (!strncmp(l, "•", 3))
            l += 3;
        else if (l[0] >= '1' && l[0] <= '9' && l[1] == '.')
            l += 2;
        if (!strstr(text, l))
            fail_msg("the PDF says \"%s\" but the HTML does not", l);
        lines++;
    }
    assert_true(lines > 100);
    /* structure */
    assert_contains(html, "<html lang=\"zh-CN\">");
    assert_contains(html, "<h1>华东一组2026年10月销售月度总结</h1>");
    int h2 = 0;
    for (const char *q = html; (q = strstr(q, "<h2")) != NULL; q++)
        h2++;
    assert_int_equal(h2, 7);
    assert_contains(html, "<thead>");
    assert_contains(html, "<tfoot>");
    assert_contains(html, "<td class=\"num");
    /* charts inline as SVG with their labels as text; a sparkline in the sales card */
    assert_contains(html, "<figure class=\"chart\">");
    assert_contains(html, "<svg viewBox=\"0 0 487.28 ");
    assert_contains(html, ">累计占比</text>");
    assert_contains(html, "<div class=\"spark\"><svg");
    /* self-contained */
    assert_not_contains(html, "<script");
    assert_not_contains(html, "http://");
    assert_not_contains(html, "https://");
    assert_not_contains(html, "<link");
    assert_not_contains(html, " src=");
    assert_contains(html, "Content-Security-Policy");
    assert_contains(html, "@media (max-width:640px)");
    assert_contains(html, "@media print");
    assert_contains(html, "break-inside:avoid");
    free(pdf);
    free(text);
    free(html);
    free(out);
    free(err);
}

/* a data folder like tests/data/small whose names are hostile */
static char *hostile_data(void)
{
    char dir[1024], cmd[4096];
    snprintf(dir, sizeof dir, "%s/hostile", tmp);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -r '%s/tests/data/small' '%s'", dir, tu_src(), dir);
    assert_int_equal(system(cmd), 0);
    /* a product, a rep and a problem with markup in their names */
    snprintf(cmd, sizeof cmd,
             "cd '%s' && sed -i 's/,P1,/,\"<script>alert(\"\"p\"\")<\\/script>\\&amp;\",/' orders.csv && "
             "sed -i \"s/,a1,/,<img src=x onerror='a()'>,/\" orders.csv && "
             "sed -i \"s/^a1,/<img src=x onerror='a()'>,/\" roster.csv && "
             "sed -i 's/,p2,/,<\\/td><b>p2,/' actions.csv",
             dir);
    assert_int_equal(system(cmd), 0);
    return strdup(dir);
}

static void every_value_is_escaped(void **state)
{
    (void)state;
    char *data = hostile_data();
    char notes[1024];
    snprintf(notes, sizeof notes, "%s/notes.md", tmp);
    tu_writes(tmp, "notes.md", "---\nauthor: <i>经理</i>\n---\n# problems\n- **<u>注意</u>** & \"引号\"\n");
    char args[4096], *out, *err;
    snprintf(args, sizeof args,
             "render --template monthly --data '%s' --period 2026-10 --as-of 2026-10-31 --notes '%s' --out '%s/esc' "
             "--format pdf,html",
             data, notes, tmp);
    int rc = fupan(args, &out, &err);
    if (rc)
        fail_msg("exit %d: %s", rc, err);
    char path[1024];
    snprintf(path, sizeof path, "%s/esc/全公司-2026-10.html", tmp);
    char *html = tu_read(path);
    assert_non_null(html);
    /* no markup from the data survives as markup */
    assert_not_contains(html, "<script");
    assert_not_contains(html, "<img");
    assert_not_contains(html, "<u>");
    assert_not_contains(html, "<i>");
    assert_not_contains(html, "</td><b>p2");
    /* and the values are all there, escaped */
    assert_contains(html, "&lt;script&gt;alert(&quot;p&quot;)&lt;/script&gt;&amp;amp;");
    assert_contains(html, "&lt;img src=x onerror=&#39;a()&#39;&gt;");
    assert_contains(html, "&lt;/td&gt;&lt;b&gt;p2");
    assert_contains(html, "&lt;u&gt;注意&lt;/u&gt;");
    assert_contains(html, "&amp; &quot;引号&quot;");
    assert_contains(html, "&lt;i&gt;经理&lt;/i&gt;");
    /* the PDF shows them as the text they are */
    char cmd[2048], *pdf;
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s/esc/全公司-2026-10.pdf' -", tmp);
    assert_int_equal(tu_run(cmd, &pdf, NULL), 0);
    assert_contains(pdf, "<script>alert(\"p\")</script>&amp;");
    assert_contains(pdf, "<u>注意</u>");
    free(pdf);
    free(html);
    free(out);
    free(err);
    free(data);
}

/* issue 14.1: in the HTML too, a number keeps its unit: every "<digit>万元" of the demo report ends a no-wrap run */
/* renders the 华东一组 October report with extra arguments into tmp/DIR; returns its HTML */
static char *team_html(const char *extra, const char *dir)
{
    char args[2048], *out, *err;
    snprintf(args, sizeof args,
             "render --template monthly --data samples/demo --period 2026-10 --team 华东一组 --as-of 2026-10-31 "
             "%s --format html --out '%s/%s'", extra, tmp, dir);
    int rc = fupan(args, &out, &err);
    if (rc)
        fail_msg("exit %d: %s", rc, err);
    free(out);
    free(err);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/华东一组-2026-10.html", tmp, dir);
    char *html = tu_read(path);
    assert_non_null(html);
    return html;
}

static void numbers_keep_their_units(void **state)
{
    (void)state;
    char *html = team_html("", "nw");
    assert_contains(html, ".nw{white-space:nowrap}");
    int runs = 0;
    for (const char *p = strstr(html, "万元"); p; p = strstr(p + 1, "万元")) {
        if (p[-1] < '0' || p[-1] > '9')
            continue;
        runs++;
        if (strncmp(p + strlen("万元"), "</span>", 7))
            fail_msg("a number and its 万元 can wrap apart: …%.40s…", p - 12);
        /* the run opens before the number */
        const char *open = p;
        while (open > html && ((open[-1] >= '0' && open[-1] <= '9') || open[-1] == '.' || open[-1] == ','))
            open--;
        static const char tag[] = "<span class=\"nw\">";
        size_t tl = sizeof tag - 1;
        if ((size_t)(open - html) < tl || strncmp(open - tl, tag, tl))
            fail_msg("the number before 万元 is outside the no-wrap run: …%.40s…", open - 20);
    }
    assert_true(runs > 10);
    /* issue 14.10: short cells (names, dates) do not wrap inside themselves on a phone */
    assert_contains(html, " nw\">陈立峰</td>");
    /* issue 14.2: a closing mark before another mark is set narrower, as in the PDF (万元）。) */
    assert_contains(html, ".hw{letter-spacing:-.25em}");
    assert_contains(html, "<span class=\"hw\">）</span>。");
    free(html);
}

static void output_names_and_atomic_writes(void **state)
{
    (void)state;
    char args[4096], *out, *err;
    /* a team name with characters unsafe in file names: the file name is cleaned, inside --out */
    char *data = hostile_data();
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && sed -i 's/,A,/,..\\/..\\/A:B*?,/' orders.csv roster.csv targets.csv actions.csv",
             data);
    assert_int_equal(system(cmd), 0);
    snprintf(args, sizeof args,
             "render --template monthly --data '%s' --period 2026-10 --team '../../A:B*?' --as-of 2026-10-31 "
             "--out '%s/names/out' --format html",
             data, tmp);
    int rc = fupan(args, &out, &err);
    if (rc)
        fail_msg("exit %d: %s", rc, err);
    /* exactly one file, in out/, and its path is what fupan printed */
    char *ls;
    snprintf(cmd, sizeof cmd, "cd '%s/names' && find . -type f | sort", tmp);
    assert_int_equal(tu_run(cmd, &ls, NULL), 0);
    assert_int_equal((int)strspn(ls, ""), 0);
    assert_non_null(strstr(ls, "./out/"));
    assert_null(strstr(strstr(ls, "./out/") + 6, "/"));
    assert_null(strchr(ls + 6, '*'));
    assert_null(strchr(ls + 6, '?'));
    assert_null(strchr(ls + 6, ':'));
    assert_int_equal(strchr(ls, '\n') - ls + 1, (long)strlen(ls)); /* one line: one file */
    free(ls);
    free(out);
    free(err);
    /* a render that fails (an unknown team) writes nothing and says why */
    snprintf(args, sizeof args,
             "render --template monthly --data samples/demo --period 2026-10 --team 不存在的组 --as-of 2026-10-31 "
             "--out '%s/fail'",
             tmp);
    rc = fupan(args, &out, &err);
    assert_int_not_equal(rc, 0);
    assert_contains(err, "不存在的组");
    snprintf(cmd, sizeof cmd, "find '%s/fail' -type f 2>/dev/null | wc -l", tmp);
    assert_int_equal(tu_run(cmd, &ls, NULL), 0);
    assert_int_equal(atoi(ls), 0);
    free(ls);
    free(out);
    free(err);
    /* --out that is a file: a clear error, exit 3, nothing else touched */
    tu_writes(tmp, "afile", "x");
    snprintf(args, sizeof args,
             "render --template monthly --data samples/demo --period 2026-10 --team 华东一组 --as-of 2026-10-31 "
             "--out '%s/afile'",
             tmp);
    rc = fupan(args, &out, &err);
    assert_int_equal(rc, 3);
    assert_contains(err, "afile");
    char p[1024];
    snprintf(p, sizeof p, "%s/afile", tmp);
    char *still = tu_read(p);
    assert_string_equal(still, "x");
    free(still);
    free(out);
    free(err);
    free(data);
}

/* an English report keeps Chinese names whole (word-break: keep-all), and marks the manager's Chinese notes
 * lang="zh-CN" so they still break as Chinese */
static void english_keeps_chinese_names_whole(void **state)
{
    (void)state;
    char *html = team_html("--lang en --notes samples/notes/华东一组-2026-10.md", "en");
    assert_contains(html, "<html lang=\"en\">");
    assert_contains(html, ":root:lang(en) body{word-break:keep-all;overflow-wrap:break-word}[lang=zh-CN]{word-break:normal}");
    assert_contains(html, "<p lang=\"zh-CN\">十月有国庆长假");
    assert_contains(html, "<p>In October 2026");
    free(html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_content_as_the_pdf),
        cmocka_unit_test(every_value_is_escaped),
        cmocka_unit_test(output_names_and_atomic_writes),
        cmocka_unit_test(numbers_keep_their_units),
        cmocka_unit_test(english_keeps_chinese_names_whole),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
