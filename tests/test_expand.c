/* Tests of expansion (expand.c): a template and the metrics of tests/data/small (worked out by hand
 * in its README) become a document tree — numbering, placeholders and formats, if/else, each with
 * where/sort/limit, sections dropped by `when`, tables with sort, limit and totals, KPI changes and
 * tones, notes parts and their fallbacks, missing values as a dash. */
#include "testutil.h"

#include "dataset.h"
#include "expand.h"
#include "metrics.h"
#include "metrics_value.h"
#include "notes.h"
#include "period.h"
#include "profile.h"
#include "template.h"

static fp_value *mv;

static int setup(void **state)
{
    (void)state;
    char *pp = tu_path("tests/data/small/profile.xml"), *rng = tu_path("templates/profile.rng");
    char *data = tu_path("tests/data/small");
    fp_profile *prof;
    fp_dataset *ds;
    fp_metrics *m;
    fp_error e = {0};
    fp_query q = {.scope = FP_SCOPE_COMPANY};
    if (fp_profile_load(pp, rng, &prof, &e) != FP_OK || fp_dataset_load(data, prof, 1, &ds, &e) != FP_OK ||
        fp_period_parse("2026-10", &q.period, &e) != FP_OK) {
        fprintf(stderr, "%s\n", e.msg);
        return -1;
    }
    q.as_of = q.period.end;
    if (fp_metrics_compute(ds, &q, &m, &e) != FP_OK)
        return -1;
    mv = fp_metrics_value(m);
    fp_metrics_free(m);
    fp_dataset_free(ds);
    fp_profile_free(prof);
    free(pp);
    free(rng);
    free(data);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fp_v_free(mv);
    return 0;
}

static fp_doc *expand(const char *xml, const char *notes_text)
{
    char *rng = tu_path("templates/template.rng");
    fp_template *t = NULL;
    fp_error e = {0};
    if (fp_template_load_mem("t.xml", xml, strlen(xml), rng, &t, &e) != FP_OK)
        fail_msg("template: %s", e.msg);
    fp_notes *notes = NULL;
    if (notes_text && fp_notes_parse("n.md", notes_text, strlen(notes_text), &notes, &e) != FP_OK)
        fail_msg("notes: %s", e.msg);
    fp_expand_opts o = {.date = "2026-11-02"};
    fp_doc *d = NULL;
    if (fp_expand(t, mv, notes, &o, &d, &e) != FP_OK)
        fail_msg("expand: %s", e.msg);
    fp_notes_free(notes);
    fp_template_free(t);
    free(rng);
    return d;
}

/* the text of a paragraph or list item */
static char *text(const fp_node *n)
{
    static char b[4096];
    b[0] = 0;
    for (size_t i = 0; i < n->spans.n; i++)
        strncat(b, n->spans.v[i].text, sizeof b - strlen(b) - 1);
    return b;
}

#define R "<report title=\"T\" periods=\"month\">"

static void numbering_and_when(void **state)
{
    (void)state;
    fp_doc *d = expand(R "<section title=\"甲\"><p>a</p></section><section title=\"乙\" when=\"sales &lt; 0\"><p>b</p>"
                         "</section><section title=\"丙\"><p>c</p></section><section title=\"丁\"><p when=\"false\">"
                         "d</p></section></report>",
                       NULL);
    /* the section whose when is false is dropped, so is the one left empty; the others are 一、二、 */
    assert_int_equal(d->root->nkids, 2);
    assert_string_equal(d->root->kids[0]->number, "一、");
    assert_string_equal(d->root->kids[0]->title, "甲");
    assert_string_equal(d->root->kids[1]->number, "二、");
    assert_string_equal(d->root->kids[1]->title, "丙");
    fp_doc_free(d);
    d = expand("<report title=\"T\" periods=\"month\" numbering=\"arabic\"><section title=\"A\"><p>a</p></section>"
               "<section title=\"B\"><p>b</p></section></report>",
               NULL);
    assert_string_equal(d->root->kids[1]->number, "2. ");
    fp_doc_free(d);
}

static void placeholders_and_formats(void **state)
{
    (void)state;
    /* README: sales 9900, attainment 1.1, mom 1.9117647, 5 orders, aov 1980, year ago 1000,
     * September 3400; the month is over, so no daily need */
    fp_doc *d = expand(R "<section title=\"s\"><p>{sales|money} {attainment|percent} {mom|signed} {orders|int} "
                         "{aov|wan} {yoy_sales|money} {period.start|date_zh} {period.start|date_en} {prev_sales|yuan} "
                         "{daily_needed|money} {sales * 2 + 100|int} {max(orders, 7)} {abs(gap)|money} "
                         "{count(reps)} {sum(reps, sales)|money} {'文字' + orders}</p></section></report>",
                       NULL);
    assert_string_equal(text(d->root->kids[0]->kids[0]),
                        "9,900.00元 110.0% +191.2% 5 0.20 1,000.00元 2026年10月1日 1 Oct 2026 3,400.00元 — 19,900 7 "
                        "900.00元 4 9,900.00元 文字5");
    fp_doc_free(d);
}

static void if_else_and_each(void **state)
{
    (void)state;
    fp_doc *d = expand(R "<section title=\"s\"><p><if test=\"attainment >= 1\">达成</if><else>未达成</else></p>"
                         "<p><if test=\"churn_rate > 0.5\">高</if><else>低</else></p>"
                         "<p><each in=\"reps\" as=\"r\" where=\"r.sales > 0\" sort=\"-sales\" limit=\"2\" sep=\"、\">"
                         "{loop.index}.{r.name}</each></p>"
                         "<ul><each in=\"reps\" as=\"r\" sort=\"name\"><li>{r.name}</li></each></ul></section></report>",
                       NULL);
    fp_node *s = d->root->kids[0];
    assert_string_equal(text(s->kids[0]), "达成");
    assert_string_equal(text(s->kids[1]), "低");
    /* b1 5000, a1 2500, a2 2400: the first two by sales */
    assert_string_equal(text(s->kids[2]), "1.b1、2.a1");
    /* every rep of the roster, by name */
    assert_int_equal(s->kids[3]->nkids, 4);
    assert_string_equal(text(s->kids[3]->kids[0]), "a1");
    assert_string_equal(text(s->kids[3]->kids[3]), "c1");
    fp_doc_free(d);
}

static void tables_sort_limit_totals(void **state)
{
    (void)state;
    fp_doc *d = expand(R "<section title=\"s\"><table data=\"reps\" where=\"sales > 0\" sort=\"-sales\" limit=\"2\" "
                         "totals=\"yes\"><col label=\"人\" value=\"name\"/><col label=\"额\" value=\"sales\" "
                         "format=\"money\"/><col label=\"达成\" value=\"attainment\" format=\"percent\" "
                         "thresholds=\"0.8,1\" total=\"attainment\"/></table>"
                         "<table data=\"reps\" where=\"sales &gt; 99999\" empty=\"无\"><col label=\"人\" value=\"name\"/>"
                         "</table></section></report>",
                       NULL);
    const fp_table_doc *t = d->root->kids[0]->kids[0]->table;
    assert_non_null(t);
    assert_int_equal(t->ncols, 3);
    assert_true(t->has_total);
    assert_int_equal(t->nrows, 3); /* two rows and the totals row */
    assert_string_equal(t->cells[0].text, "b1");
    assert_string_equal(t->cells[1].text, "5,000.00元");
    assert_string_equal(t->cells[2].text, "50.0%"); /* 5000 / 9999 */
    assert_int_equal(t->cells[2].tone, FP_TONE_BAD);
    assert_string_equal(t->cells[3].text, "a1");
    assert_string_equal(t->cells[5].text, "83.3%"); /* 2500 / 3000 */
    assert_int_equal(t->cells[5].tone, FP_TONE_WARN);
    /* totals over every row the filter kept (b1, a1, a2), not just the two shown */
    assert_string_equal(t->cells[6].text, "合计");
    assert_string_equal(t->cells[7].text, "9,900.00元");
    assert_true(t->cols[1].numeric);
    assert_false(t->cols[0].numeric);
    /* nothing to show: the table says so */
    const fp_table_doc *e = d->root->kids[0]->kids[1]->table;
    assert_int_equal(e->nrows, 0);
    assert_string_equal(e->empty_text, "无");
    fp_doc_free(d);
}

static void kpi_cards(void **state)
{
    (void)state;
    fp_doc *d = expand(R "<section title=\"s\"><kpis><kpi label=\"销售额\" value=\"sales\" format=\"money\" change=\"mom\" "
                         "change2=\"yoy\"/><kpi label=\"达成率\" value=\"attainment\" format=\"percent\" "
                         "thresholds=\"0.9,1\" note=\"目标 {target|money}\"/><kpi label=\"流失率\" value=\"churn_rate\" "
                         "format=\"percent\" good=\"down\" thresholds=\"0.3,0.5\"/></kpis></section></report>",
                       NULL);
    fp_node *k = d->root->kids[0]->kids[0];
    assert_int_equal(k->nkids, 3);
    fp_node *a = k->kids[0], *b = k->kids[1], *c = k->kids[2];
    assert_string_equal(a->value, "9,900.00元");
    assert_int_equal(a->nchanges, 2);
    assert_string_equal(a->changes[0].label, "环比");
    assert_int_equal(a->changes[0].dir, 1);
    assert_string_equal(a->changes[0].text, "+191.2%");
    assert_int_equal(a->changes[0].tone, FP_TONE_GOOD);
    assert_string_equal(a->changes[1].label, "同比");
    assert_string_equal(a->changes[1].text, "+890.0%");
    assert_string_equal(b->value, "110.0%");
    assert_int_equal(b->tone, FP_TONE_GOOD);
    assert_string_equal(b->note, "目标 9,000.00元");
    /* churn 1/3: between 0.3 and 0.5 where lower is better: a warning */
    assert_string_equal(c->value, "33.3%");
    assert_int_equal(c->tone, FP_TONE_WARN);
    fp_doc_free(d);
}

static void notes_parts(void **state)
{
    (void)state;
    const char *notes = "---\nauthor: 张三\nrole: 经理\n---\n# plans 下月计划\n第一段**重点**。\n\n- 一\n- 二\n";
    fp_doc *d = expand("<report title=\"T\" periods=\"month\" author=\"{notes.author}\"><section title=\"s\">"
                       "<notes part=\"plans\"/><notes part=\"absent\"><p>默认文字</p></notes></section></report>",
                       notes);
    assert_string_equal(d->author, "张三");
    fp_node *s = d->root->kids[0];
    /* the part's paragraph, with bold, then its list, then the fallback of the absent part */
    assert_int_equal(s->nkids, 3);
    assert_string_equal(text(s->kids[0]), "第一段重点。");
    assert_true(s->kids[0]->spans.v[1].bold);
    assert_int_equal(s->kids[1]->type, FP_NODE_LIST);
    assert_int_equal(s->kids[1]->nkids, 2);
    assert_string_equal(text(s->kids[2]), "默认文字");
    fp_doc_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbering_and_when),   cmocka_unit_test(placeholders_and_formats),
        cmocka_unit_test(if_else_and_each),     cmocka_unit_test(tables_sort_limit_totals),
        cmocka_unit_test(kpi_cards),            cmocka_unit_test(notes_parts),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
