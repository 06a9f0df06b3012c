/* Reports fit the data: every shipped template renders, with no error and no warning, on every
 * combination of the optional order columns that change what can be computed (rep, team, region,
 * channel, product, category, status, prices), and on every combination of the optional tables
 * (targets, roster, surveys, activities, actions, calendar) — the data of tests/data/small read through
 * a profile that maps only part of it. Each report is made by the library pipeline (metrics, template,
 * PDF for the monthly, HTML for all), for the company and for every level the data has.
 *
 * And on data that lacks a level, the document says nothing of it: no people without reps, no target
 * words without targets, no visits without activities. */
#include "testutil.h"

#include "dataset.h"
#include "report.h"
#include "template.h"

#include <stdbool.h>

/* every shipped template, in both languages, for a period of each kind it is for */
static const struct {
    const char *file, *lang, *period;
} TEMPLATES[] = {{"weekly", "zh", "2026-W43"},       {"weekly", "en", "2026-W43"},
                 {"review", "zh", "2026-10"},        {"review", "en", "2026-10"},
                 {"review", "zh", "2026-Q4"},        {"review", "en", "2026"},
                 {"retrospective", "zh", "2026-10"}, {"retrospective", "en", "2026-Q4"},
                 {"self-review", "zh", "2026-10"},   {"self-review", "en", "2026-10"},
                 {"rollup", "zh", "2026-10"},        {"rollup", "en", "2026-10"}};
#define NT (sizeof TEMPLATES / sizeof *TEMPLATES)
static fp_template *tmpl[NT];
static fp_fontset *fonts;

/* the optional order columns, grouped by what they decide */
static const struct {
    const char *xml;
} COLS[] = {
    {"<column name=\"rep\" header=\"rep\"/>"},
    {"<column name=\"team\" header=\"team\"/>"},
    {"<column name=\"region\" header=\"region\"/>"},
    {"<column name=\"channel\" header=\"channel\"/>"},
    {"<column name=\"product\" header=\"product\"/>"},
    {"<column name=\"category\" header=\"category\"/>"},
    {"<column name=\"status\" header=\"status\"/><won>won</won>"},
    {"<column name=\"quantity\" header=\"qty\"/><column name=\"unit_price\" header=\"price\"/>"
     "<column name=\"discount\" header=\"discount\"/><column name=\"customer_name\" header=\"customer_name\"/>"
     "<column name=\"line_no\" header=\"line\"/>"},
};
#define NC (sizeof COLS / sizeof *COLS)

static const char *TABLES[] = {
    "<targets file=\"targets.csv\"><column name=\"period\" header=\"month\"/><column name=\"team\" header=\"team\"/>"
    "<column name=\"rep\" header=\"rep\"/><column name=\"sales_target\" header=\"sales_target\"/>"
    "<column name=\"new_customer_target\" header=\"new_customers\"/><column name=\"order_target\" header=\"orders\"/>"
    "</targets>",
    "<roster file=\"roster.csv\"><column name=\"name\" header=\"name\"/><column name=\"team\" header=\"team\"/>"
    "<column name=\"region\" header=\"region\"/></roster>",
    "<surveys file=\"surveys.csv\"><column name=\"date\" header=\"date\"/><column name=\"customer_id\" header=\"customer\"/>"
    "<column name=\"rep\" header=\"rep\"/><column name=\"score\" header=\"score\"/><column name=\"comment\" "
    "header=\"comment\"/></surveys>",
    "<activities file=\"activities.csv\"><column name=\"date\" header=\"date\"/><column name=\"rep\" header=\"rep\"/>"
    "<column name=\"customer_id\" header=\"customer\"/><column name=\"type\" header=\"type\"/>"
    "<column name=\"result\" header=\"result\"/></activities>",
    "<actions file=\"actions.csv\"><column name=\"id\" header=\"id\"/><column name=\"period\" header=\"raised\"/>"
    "<column name=\"team\" header=\"team\"/><column name=\"problem\" header=\"problem\"/>"
    "<column name=\"action\" header=\"action\"/><column name=\"owner\" header=\"owner\"/>"
    "<column name=\"due\" header=\"due\"/><column name=\"status\" header=\"status\"/>"
    "<column name=\"done_date\" header=\"done\"/><done>done</done></actions>",
    "<calendar file=\"calendar.csv\"><column name=\"date\" header=\"date\"/><column name=\"kind\" header=\"kind\"/>"
    "</calendar>",
};
#define NTB (sizeof TABLES / sizeof *TABLES)

static int setup(void **state)
{
    (void)state;
    tu_tmp = tu_tmpdir();
    char *schema = tu_path("templates/template.rng");
    for (size_t i = 0; i < NT; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "templates/%s.xml", TEMPLATES[i].file);
        char *p = tu_path(rel);
        fp_error err;
        if (fp_template_load_lang(p, schema, TEMPLATES[i].lang, &tmpl[i], &err) != FP_OK)
            fail_msg("%s", err.msg);
        free(p);
    }
    free(schema);
    fp_error err;
    if (fp_fonts_default(&fonts, &err) != FP_OK)
        fail_msg("%s", err.msg);
    return 0;
}

static int teardown(void **state)
{
    for (size_t i = 0; i < NT; i++)
        fp_template_free(tmpl[i]);
    fp_fontset_free(fonts);
    return tu_teardown_tmp(state);
}

/* Loads tests/data/small through a profile mapping the columns in mask and the tables in tables, and
 * makes every template's report for the company and each level present. Returns the reports made. */
static int make_all(unsigned mask, unsigned tables, const char *what)
{
    static int n;
    fp_buf x;
    fp_buf_init(&x);
    fp_buf_adds(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<profile name=\"fit\"><orders file=\"orders.csv\">"
                    "<column name=\"order_id\" header=\"order\"/><column name=\"date\" header=\"date\"/>"
                    "<column name=\"customer_id\" header=\"customer\"/><column name=\"amount\" header=\"amount\"/>");
    for (size_t c = 0; c < NC; c++)
        if (mask & (1u << c))
            fp_buf_adds(&x, COLS[c].xml);
    fp_buf_adds(&x, "</orders>");
    for (size_t t = 0; t < NTB; t++)
        if (tables & (1u << t))
            fp_buf_adds(&x, TABLES[t]);
    fp_buf_adds(&x, "</profile>\n");
    char name[64], path[1024];
    snprintf(name, sizeof name, "p%d.xml", ++n);
    tu_writes(tu_tmp, name, x.data);
    fp_buf_free(&x);
    snprintf(path, sizeof path, "%s/%s", tu_tmp, name);
    char *schema = tu_path("templates/profile.rng"), *data = tu_path("tests/data/small");
    fp_error err;
    fp_profile *prof;
    if (fp_profile_load(path, schema, &prof, &err) != FP_OK)
        fail_msg("%s: the profile is refused: %s", what, err.msg);
    fp_dataset *ds;
    if (fp_dataset_load(data, prof, 1, &ds, &err) != FP_OK)
        fail_msg("%s: the data does not load: %s", what, err.msg);
    struct {
        fp_scope_kind k;
        const char *name;
        bool on;
    } scopes[] = {{FP_SCOPE_COMPANY, NULL, true},
                  {FP_SCOPE_TEAM, "A", ds->has_teams},
                  {FP_SCOPE_REGION, "North", ds->has_regions},
                  {FP_SCOPE_REP, "a1", ds->has_reps}};
    int made = 0;
    for (size_t i = 0; i < NT; i++) {
        for (size_t s = 0; s < sizeof scopes / sizeof *scopes; s++) {
            if (!scopes[s].on || (!strcmp(TEMPLATES[i].file, "rollup") && s > 1))
                continue;
            fp_report_req r = {.ds = ds, .tmpl = tmpl[i], .date = "2026-11-02", .created = 0, .fonts = fonts,
                               .html = true, .pdf = i == 2 && s == 0};
            r.q = (fp_query){.scope = scopes[s].k, .name = scopes[s].name, .as_of = fp_date_from_ymd(2026, 11, 2)};
            assert_int_equal(fp_period_parse(TEMPLATES[i].period, &r.q.period, &err), FP_OK);
            fp_report rep;
            if (fp_report_make(&r, &rep, &err) != FP_OK)
                fail_msg("%s: %s for %s: %s", what, TEMPLATES[i].file, scopes[s].name ? scopes[s].name : "the company",
                         err.msg);
            if (rep.warnings.len)
                fail_msg("%s: %s for %s warns: %s", what, TEMPLATES[i].file,
                         scopes[s].name ? scopes[s].name : "the company", rep.warnings.data);
            /* the document does not speak of what the data does not have */
            char *text = tu_html_text(rep.html.data);
            /* 回顾目标 is the name of the 复盘's first step (the goals come from the manager's notes) */
            for (char *g = strstr(text, "回顾目标"); g; g = strstr(g, "回顾目标"))
                memset(g + 6, '-', 6); /* 目标 (two characters of three bytes) */
            if (!ds->has_reps && (strstr(text, "销售人员") || strstr(text, "人员业绩") || strstr(text, "人员目标") ||
                                  strstr(text, "by rep") || strstr(text, "业绩第一") || strstr(text, "Top performer")))
                fail_msg("%s: %s speaks of people the data does not name", what, TEMPLATES[i].file);
            if (!(tables & 1u) && (strstr(text, "目标") || strstr(text, "target") || strstr(text, "Target")))
                fail_msg("%s: %s speaks of targets the data does not have", what, TEMPLATES[i].file);
            if (!(tables & 8u) && (strstr(text, "拜访") || strstr(text, "Visits")))
                fail_msg("%s: %s speaks of visits the data does not have", what, TEMPLATES[i].file);
            if (!(tables & 4u) && (strstr(text, "满意度") || strstr(text, "atisfaction")))
                fail_msg("%s: %s speaks of satisfaction the data does not have", what, TEMPLATES[i].file);
            free(text);
            fp_report_free(&rep);
            made++;
        }
    }
    fp_dataset_free(ds);
    fp_profile_free(prof);
    free(schema);
    free(data);
    return made;
}

static void every_combination_of_columns(void **state)
{
    (void)state;
    int made = 0;
    for (unsigned mask = 0; mask < (1u << NC); mask++) {
        char what[64];
        snprintf(what, sizeof what, "columns %#x, no other table", mask);
        made += make_all(mask, 0, what);
        snprintf(what, sizeof what, "columns %#x, every table", mask);
        made += make_all(mask, (1u << NTB) - 1, what);
    }
    printf("  %d reports on %u column combinations\n", made, 1u << NC);
}

static void every_combination_of_tables(void **state)
{
    (void)state;
    int made = 0;
    for (unsigned tables = 0; tables < (1u << NTB); tables++) {
        char what[64];
        snprintf(what, sizeof what, "every column, tables %#x", tables);
        made += make_all((1u << NC) - 1, tables, what);
    }
    printf("  %d reports on %u table combinations\n", made, 1u << NTB);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_combination_of_columns),
        cmocka_unit_test(every_combination_of_tables),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
