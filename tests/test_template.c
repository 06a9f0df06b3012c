/* Tests of templates (template.c): `fupan check` on broken templates names the right line and says
 * how to fix each problem, every problem of a file is reported, nothing in a template is loaded from
 * elsewhere (no DTD, no entities), the shipped templates pass, and the element table in C agrees with
 * templates/template.rng. */
#include "testutil.h"

#include "template.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

static char *dir;

static int setup(void **state)
{
    (void)state;
    dir = tu_tmpdir();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmrf(dir);
    free(dir);
    return 0;
}

/* runs `fupan check NAME` on text written to dir/NAME; returns the exit code, *err the messages */
static int check(const char *name, const char *text, char **err)
{
    tu_writes(dir, name, text);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && LC_ALL=C '%s' check '%s'", dir, tu_bin(), name);
    return tu_run(cmd, NULL, err);
}

static int lines_of(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return n;
}

static void every_problem_with_its_line(void **state)
{
    (void)state;
    const char *t = "<report title=\"t\" periods=\"month\">\n"           /* 1 */
                    "  <section title=\"s\">\n"                          /* 2 */
                    "    <tabel data=\"reps\"/>\n"                       /* 3 */
                    "    <p>{salse}</p>\n"                               /* 4 */
                    "    <p>{sales|mony}</p>\n"                          /* 5 */
                    "    <p>{sales +}</p>\n"                             /* 6 */
                    "    <kpis><kpi label=\"x\" value=\"sales\" colour=\"red\"/></kpis>\n" /* 7 */
                    "    <col label=\"a\" value=\"name\"/>\n"            /* 8 */
                    "    <table data=\"sales\"><col label=\"a\" value=\"name\"/></table>\n" /* 9 */
                    "    <table data=\"reps\"><col label=\"a\" value=\"yoy_sales\"/></table>\n" /* 10 */
                    "    <kpis><kpi label=\"y\"/></kpis>\n"              /* 11 */
                    "  </section>\n"
                    "</report>\n";
    char *err;
    assert_int_equal(check("broken.xml", t, &err), 1);
    assert_contains(err, "broken.xml:3: unknown element <tabel>; did you mean <table>?");
    assert_contains(err, "broken.xml:4: in <p>: in {salse}: column 1: unknown name \"salse\"; did you mean \"sales\"?");
    assert_contains(err, "broken.xml:5: in <p>: in {sales|…}: unknown format \"mony\"; the formats are auto, money");
    assert_contains(err, "broken.xml:6: in <p>: in {sales +}: column 8: expected a value, found the end");
    assert_contains(err, "broken.xml:7: <kpi>: unknown attribute colour; allowed: label, value");
    assert_contains(err, "broken.xml:8: <col> cannot stand here (it belongs in <table>)");
    assert_contains(err, "broken.xml:9: <table data=\"…\">: \"sales\" is not a list; lists are reps");
    assert_contains(err, "broken.xml:10: <col value=\"…\">: column 1: the elements here have no field \"yoy_sales\"");
    assert_contains(err, "write root.yoy_sales");
    assert_contains(err, "broken.xml:11: <kpi>");
    assert_contains(err, "value");
    /* each problem once, no more */
    assert_int_equal(lines_of(err), 9);
    free(err);
}

static void xml_mistakes_and_hostile_input(void **state)
{
    (void)state;
    char *err;
    /* a DTD is refused before anything is loaded: no file read, no entity expanded */
    assert_int_equal(check("dtd.xml",
                           "<?xml version=\"1.0\"?>\n<!DOCTYPE report [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
                           "<report title=\"&x;\"/>\n",
                           &err),
                     1);
    assert_contains(err, "dtd.xml:2: a <!DOCTYPE> is not allowed in a template");
    assert_not_contains(err, "root:");
    free(err);
    assert_int_equal(check("bad.xml", "<report title=\"t\">\n<section title=\"s\"><p>unclosed</section>\n</report>\n",
                           &err),
                     1);
    assert_contains(err, "bad.xml:2: Opening and ending tag mismatch: p line 2 and section");
    free(err);
    assert_int_equal(check("empty.xml", "", &err), 1);
    assert_contains(err, "empty.xml");
    free(err);
    assert_int_equal(check("enum.xml", "<report title=\"t\"\n orientation=\"sideways\"/>\n", &err), 1);
    assert_contains(err, "enum.xml:2: <report orientation=\"…\">: \"sideways\" is not one of: portrait landscape");
    free(err);
    /* chart options are checked too */
    assert_int_equal(check("opt.xml",
                           "<report title=\"t\" periods=\"month\"><section title=\"s\">\n"
                           "<chart type=\"line\" data=\"trend\" y=\"sales\" options=\"dashed=x;colour=red\"/>\n"
                           "</section></report>\n",
                           &err),
                     1);
    assert_contains(err, "opt.xml:2: <chart options=\"…\">: dashed=x is not understood");
    assert_contains(err, "opt.xml:2: <chart options=\"…\">: unknown option \"colour\"");
    free(err);
    /* the wrong root */
    assert_int_equal(check("root.xml", "<html/>\n", &err), 1);
    assert_contains(err, "root.xml:1:");
    assert_contains(err, "report");
    free(err);
    /* deep nesting does not crash the checker */
    char deep[40000];
    size_t n = (size_t)snprintf(deep, sizeof deep, "<report title=\"t\"><section title=\"s\">");
    for (int i = 0; i < 2000; i++)
        n += (size_t)snprintf(deep + n, sizeof deep - n, "<box>");
    for (int i = 0; i < 2000; i++)
        n += (size_t)snprintf(deep + n, sizeof deep - n, "</box>");
    snprintf(deep + n, sizeof deep - n, "</section></report>");
    assert_int_equal(check("deep.xml", deep, &err), 1);
    assert_contains(err, "deep.xml");
    free(err);
    /* a missing file */
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "LC_ALL=C '%s' check '%s/nonexistent.xml'", tu_bin(), dir);
    assert_int_equal(tu_run(cmd, NULL, &err), 1);
    assert_contains(err, "nonexistent.xml");
    free(err);
}

static void shipped_templates_pass(void **state)
{
    (void)state;
    char cmd[2048], *out;
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' check templates/monthly.xml bench/charts.xml", tu_src(), tu_bin());
    assert_int_equal(tu_run(cmd, &out, NULL), 0);
    assert_contains(out, "templates/monthly.xml: ok");
    free(out);
    /* through the library too */
    char *p = tu_path("templates/monthly.xml"), *rng = tu_path("templates/template.rng");
    fp_template *t = NULL;
    fp_error e = {0};
    if (fp_template_load(p, rng, &t, &e) != FP_OK)
        fail_msg("%s", e.msg);
    assert_non_null(t->root);
    assert_int_equal(t->root->kind, FP_TK_REPORT);
    fp_template_free(t);
    free(p);
    free(rng);
}

/* every element the C table knows is in the schema, and the schema has no element C does not know */
static void c_table_and_schema_agree(void **state)
{
    (void)state;
    char *rng = tu_path("templates/template.rng");
    xmlDocPtr doc = xmlReadFile(rng, NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    char names[4096] = "|";
    int in_schema = 0;
    for (xmlNodePtr stack[64], n = xmlDocGetRootElement(doc);;) {
        (void)stack;
        /* a depth-first walk without recursion: next in document order */
        if (n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, BAD_CAST "element")) {
            xmlChar *nm = xmlGetProp(n, BAD_CAST "name");
            if (nm) {
                char key[80];
                snprintf(key, sizeof key, "%s|", (const char *)nm);
                if (!strstr(names, key)) {
                    strncat(names, key, sizeof names - strlen(names) - 1);
                    in_schema++;
                }
                xmlFree(nm);
            }
        }
        if (n->children)
            n = n->children;
        else {
            while (n && !n->next)
                n = n->parent;
            if (!n || n->type == XML_DOCUMENT_NODE)
                break;
            n = n->next;
        }
    }
    int in_c = 0;
    for (int k = 0; k < FP_TK_KIND_COUNT; k++) {
        const char *name = fp_tkind_name((fp_tkind)k);
        if (name[0] == '#')
            continue; /* text */
        in_c++;
        char key[80];
        snprintf(key, sizeof key, "|%s|", name);
        if (!strstr(names, key))
            fail_msg("<%s> is in the C table but not in templates/template.rng", name);
    }
    assert_int_equal(in_c, in_schema);
    xmlFreeDoc(doc);
    free(rng);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_problem_with_its_line),
        cmocka_unit_test(xml_mistakes_and_hostile_input),
        cmocka_unit_test(shipped_templates_pass),
        cmocka_unit_test(c_table_and_schema_agree),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
