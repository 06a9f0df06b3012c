/* Tests of profile.c: the shipped profiles load; every mistake gets a message with the line and a fix;
 * DTDs and entities are refused; the RELAX NG schema and the C table specs agree. */
#include "testutil.h"
#include "profile.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

static char *schema;
static char *dir;

static int setup(void **state)
{
    (void)state;
    schema = tu_path("templates/profile.rng");
    dir = tu_tmpdir();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmrf(dir);
    free(dir);
    free(schema);
    return 0;
}

/* loads an inline profile; returns its status, the message in err */
static fp_status load_text(const char *xml, fp_error *err, fp_profile **out)
{
    tu_writes(dir, "p.xml", xml);
    char path[700];
    snprintf(path, sizeof path, "%s/p.xml", dir);
    fp_profile *p = NULL;
    fp_status s = fp_profile_load(path, schema, &p, err);
    if (out)
        *out = p;
    else
        fp_profile_free(p);
    return s;
}

#define ORDERS_MIN                                                                                     \
    "<column name=\"order_id\" header=\"单号\"/><column name=\"date\" header=\"日期\"/>"              \
    "<column name=\"customer_id\" header=\"客户\"/><column name=\"rep\" header=\"销售\"/>"            \
    "<column name=\"amount\" header=\"金额\"/>"

static void shipped_profiles_load(void **state)
{
    (void)state;
    const char *files[] = {"templates/profiles/crm-export.xml", "samples/demo/profile.xml",
                           "tests/data/small/profile.xml"};
    for (size_t i = 0; i < 3; i++) {
        char *p = tu_path(files[i]);
        fp_profile *prof;
        fp_error err = {0};
        if (fp_profile_load(p, schema, &prof, &err) != FP_OK)
            fail_msg("%s: %s", files[i], err.msg);
        assert_true(prof->table[FP_TBL_ORDERS].declared);
        assert_true(prof->table[FP_TBL_ORDERS].nwon >= 1);
        fp_profile_free(prof);
        free(p);
    }
}

static void mapping_details(void **state)
{
    (void)state;
    fp_profile *p;
    fp_error err;
    assert_int_equal(load_text("<profile encoding=\"gbk\"><orders file=\"o.csv\" delimiter=\";\">" ORDERS_MIN
                               "<column name=\"unit_price\" header=\"单价|标准单价 | 价格\" unit=\"万元\"/>"
                               "</orders><surveys file=\"s.csv\" required=\"yes\" encoding=\"utf-8\">"
                               "<column name=\"date\" header=\"d\"/><column name=\"score\" header=\"s\"/>"
                               "</surveys></profile>",
                               &err, &p),
                     FP_OK);
    const fp_profile_table *o = &p->table[FP_TBL_ORDERS];
    assert_int_equal(o->encoding, FP_ENC_GB18030);
    assert_int_equal(o->delimiter, ';');
    assert_int_equal(o->col[FP_ORD_UNIT_PRICE].nheaders, 3);
    assert_string_equal(o->col[FP_ORD_UNIT_PRICE].headers[1], "标准单价");
    assert_string_equal(o->col[FP_ORD_UNIT_PRICE].headers[2], "价格");
    assert_int_equal(o->col[FP_ORD_UNIT_PRICE].unit_exp10, 4);
    assert_int_equal(o->nwon, 0); /* no status column: every line counts */
    assert_true(p->table[FP_TBL_SURVEYS].required);
    assert_int_equal(p->table[FP_TBL_SURVEYS].encoding, FP_ENC_UTF8);
    assert_false(p->table[FP_TBL_TARGETS].declared);
    fp_profile_free(p);
}

static void unknown_column_suggests_the_right_one(void **state)
{
    (void)state;
    fp_error err;
    assert_int_equal(load_text("<profile>\n<orders file=\"o.csv\">\n" ORDERS_MIN
                               "\n<column name=\"amout\" header=\"x\"/>\n</orders>\n</profile>\n",
                               &err, NULL),
                     FP_ERR_INPUT);
    assert_contains(err.msg, "p.xml:4: unknown column name \"amout\" in <orders>; did you mean \"amount\"?");
}

static void unknown_element_suggests_the_table(void **state)
{
    (void)state;
    fp_error err;
    assert_int_equal(load_text("<profile>\n<orders file=\"o.csv\">" ORDERS_MIN "</orders>\n<tragets file=\"t.csv\"/>\n"
                               "</profile>",
                               &err, NULL),
                     FP_ERR_INPUT);
    assert_contains(err.msg, "p.xml:3: unknown element <tragets>; did you mean <targets>?");
}

static void missing_required_column_and_won(void **state)
{
    (void)state;
    fp_error err;
    assert_int_equal(load_text("<profile>\n<orders file=\"o.csv\">\n<column name=\"order_id\" header=\"a\"/>\n"
                               "<column name=\"status\" header=\"s\"/>\n</orders>\n</profile>",
                               &err, NULL),
                     FP_ERR_INPUT);
    assert_contains(err.msg, "p.xml:2: <orders> does not map the required column \"date\"");
    assert_contains(err.msg, "add <column name=\"amount\" header=\"…\"/>");
    assert_contains(err.msg, "maps a status column but lists no <won> values");
    assert_int_equal(load_text("<profile><targets file=\"t.csv\"/></profile>", &err, NULL), FP_ERR_INPUT);
    assert_contains(err.msg, "the profile has no <orders> table");
}

static void attribute_values_are_checked(void **state)
{
    (void)state;
    fp_error err;
    assert_int_equal(load_text("<profile><orders file=\"o.csv\" encoding=\"latin1\">" ORDERS_MIN "</orders></profile>",
                               &err, NULL),
                     FP_ERR_INPUT);
    assert_contains(err.msg, "unknown encoding \"latin1\"");
    assert_int_equal(load_text("<profile><orders file=\"o.csv\" delimiter=\"#\">" ORDERS_MIN "</orders></profile>",
                               &err, NULL),
                     FP_ERR_INPUT);
    assert_contains(err.msg, "unknown delimiter \"#\"");
    assert_int_equal(load_text("<profile><orders file=\"o.csv\">" ORDERS_MIN
                               "<column name=\"channel\" header=\"c\" unit=\"万元\"/></orders></profile>",
                               &err, NULL),
                     FP_ERR_INPUT);
    assert_contains(err.msg, "unit=\"万元\" only applies to money columns");
    assert_int_equal(load_text("<profile><orders file=\"o.csv\" required=\"no\">" ORDERS_MIN "</orders></profile>",
                               &err, NULL),
                     FP_ERR_INPUT);
    assert_contains(err.msg, "<orders> cannot be optional");
    assert_int_equal(load_text("<profile><orders file=\"o.csv\">" ORDERS_MIN
                               "<column name=\"date\" header=\"again\"/></orders></profile>",
                               &err, NULL),
                     FP_ERR_INPUT);
    assert_contains(err.msg, "column \"date\" is mapped twice");
}

static void the_schema_catches_the_rest(void **state)
{
    (void)state;
    fp_error err;
    /* an attribute fupan's own walk does not look at */
    assert_int_equal(load_text("<profile>\n<orders file=\"o.csv\">" ORDERS_MIN
                               "\n<column name=\"channel\" header=\"c\" colour=\"red\"/></orders></profile>",
                               &err, NULL),
                     FP_ERR_INPUT);
    assert_contains(err.msg, "does not match the profile schema");
    assert_contains(err.msg, "p.xml:3:");
    assert_contains(err.msg, "colour");
}

static void malformed_xml_has_a_line(void **state)
{
    (void)state;
    fp_error err;
    assert_int_equal(load_text("<profile>\n<orders file=\"o.csv\">\n<column name=\"date\" header=\"x\">\n</orders>\n",
                               &err, NULL),
                     FP_ERR_INPUT);
    assert_contains(err.msg, "p.xml:4:");
}

static void doctype_and_entities_are_refused(void **state)
{
    (void)state;
    fp_error err;
    assert_int_equal(load_text("<?xml version=\"1.0\"?>\n<!DOCTYPE profile [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
                               "<profile><orders file=\"&x;\">" ORDERS_MIN "</orders></profile>",
                               &err, NULL),
                     FP_ERR_INPUT);
    assert_contains(err.msg, "p.xml:2: a <!DOCTYPE> is not allowed");
    assert_not_contains(err.msg, "root:");
    /* a billion laughs never gets expanded */
    assert_int_equal(load_text("<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
                               "\"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
                               "<profile name=\"&c;\"/>",
                               &err, NULL),
                     FP_ERR_INPUT);
}

static void missing_profile_file(void **state)
{
    (void)state;
    fp_profile *p;
    fp_error err;
    assert_int_equal(fp_profile_load("/nonexistent/profile.xml", schema, &p, &err), FP_ERR_NOTFOUND);
    assert_contains(err.msg, "--profile crm-export");
}

/* The <value>s under each "<table>-column" define of profile.rng must be the table's canonical columns. */
static void schema_agrees_with_the_table_specs(void **state)
{
    (void)state;
    xmlDocPtr doc = xmlReadFile(schema, NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    int checked = 0;
    for (xmlNodePtr n = xmlDocGetRootElement(doc)->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "define"))
            continue;
        xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");
        const char *suffix = strstr((const char *)name, "-column");
        if (suffix && suffix[7] == 0) {
            char table[64];
            snprintf(table, sizeof table, "%.*s", (int)(suffix - (const char *)name), (const char *)name);
            const fp_tablespec *spec = fp_table_spec_by_name(table);
            if (!spec)
                fail_msg("profile.rng defines %s, but there is no table %s", name, table);
            bool seen[FP_MAX_COLS] = {0};
            int count = 0;
            /* walk every <value> below the define */
            xmlNodePtr stack[64];
            int sp = 0;
            stack[sp++] = n->children;
            while (sp) {
                for (xmlNodePtr c = stack[--sp]; c; c = c->next) {
                    if (c->type != XML_ELEMENT_NODE)
                        continue;
                    if (!strcmp((const char *)c->name, "value")) {
                        xmlChar *v = xmlNodeGetContent(c);
                        int idx = fp_table_col_index(spec, (const char *)v);
                        if (idx < 0)
                            fail_msg("profile.rng lists %s for %s, which has no such column", v, table);
                        seen[idx] = true;
                        count++;
                        xmlFree(v);
                    } else if (c->children && sp < 64) {
                        stack[sp++] = c->children;
                    }
                }
            }
            for (int i = 0; i < spec->ncols; i++)
                if (!seen[i])
                    fail_msg("profile.rng does not list column %s of %s", spec->cols[i].name, table);
            assert_int_equal(count, spec->ncols);
            checked++;
        }
        xmlFree(name);
    }
    assert_int_equal(checked, FP_TBL_COUNT);
    xmlFreeDoc(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_profiles_load),
        cmocka_unit_test(mapping_details),
        cmocka_unit_test(unknown_column_suggests_the_right_one),
        cmocka_unit_test(unknown_element_suggests_the_table),
        cmocka_unit_test(missing_required_column_and_won),
        cmocka_unit_test(attribute_values_are_checked),
        cmocka_unit_test(the_schema_catches_the_rest),
        cmocka_unit_test(malformed_xml_has_a_line),
        cmocka_unit_test(doctype_and_entities_are_refused),
        cmocka_unit_test(missing_profile_file),
        cmocka_unit_test(schema_agrees_with_the_table_specs),
    };
    return cmocka_run_group_tests_name("profile", tests, setup, teardown);
}
