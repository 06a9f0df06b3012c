/* Tests of expansion (expand.c): a template and the metrics of tests/data/small (worked out by hand
 * in its README) become a document tree — numbering, placeholders and formats, if/else, each with
 * where/sort/limit, sections dropped by `when`, tables with sort, limit and totals, KPI changes and
 * tones, notes parts and their fallbacks, missing values as a dash. Every expected number is worked out
 * from tests/data/small/README.md (and its CSV files), not copied from fupan's output. */
#include "testutil.h"

#include "dataset.h"
#include "expand.h"
#include "metrics.h"
#include "metrics_value.h"
#include "notes.h"
#include "period.h"
#include "profile.h"
#include "template.h"

static fp_value *mv, *mv_before; /* October 2026; October 2025, the first month of the data */

static fp_value *metrics_for(const char *period)
{
    char *pp = tu_path("tests/data/small/profile.xml"), *rng = tu_path("templates/profile.rng");
    char *data = tu_path("tests/data/small");
    fp_profile *prof = NULL;
    fp_dataset *ds = NULL;
    fp_metrics *m = NULL;
    fp_value *v = NULL;
    fp_error e = {0};
    fp_query q = {.scope = FP_SCOPE_COMPANY};
    if (fp_profile_load(pp, rng, &prof, &e) == FP_OK && fp_dataset_load(data, prof, 1, &ds, &e) == FP_OK &&
        fp_period_parse(period, &q.period, &e) == FP_OK) {
        q.as_of = q.period.end;
        if (fp_metrics_compute(ds, &q, &m, &e) == FP_OK)
            v = fp_metrics_value(m);
    }
    if (!v)
        fprintf(stderr, "%s\n", e.msg);
    fp_metrics_free(m);
    fp_dataset_free(ds);
    fp_profile_free(prof);
    free(pp);
    free(rng);
    free(data);
    return v;
}

static int setup(void **state)
{
    (void)state;
    mv = metrics_for("2026-10");
    mv_before = metrics_for("2025-10");
    return mv && mv_before ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    fp_v_free(mv);
    fp_v_free(mv_before);
    return 0;
}

/* the document of a template (xml) on metrics m with a notes file's text; author: --author */
static fp_doc *expand_on(const fp_value *m, const char *xml, const char *notes_text, const char *author)
{
    char *rng = tu_path("templates/template.rng");
    fp_template *t = NULL;
    fp_error e = {0};
    if (fp_template_load_mem("t.xml", xml, strlen(xml), rng, &t, &e) != FP_OK)
        fail_msg("template: %s", e.msg);
    fp_notes *notes = NULL;
    if (notes_text && fp_notes_parse("n.md", notes_text, strlen(notes_text), &notes, &e) != FP_OK)
        fail_msg("notes: %s", e.msg);
    fp_expand_opts o = {.date = "2026-11-02", .author = author};
    fp_doc *d = NULL;
    if (fp_expand(t, m, notes, &o, &d, &e) != FP_OK)
        fail_msg("expand: %s", e.msg);
    fp_notes_free(notes);
    fp_template_free(t);
    free(rng);
    return d;
}

static fp_doc *expand(const char *xml, const char *notes_text)
{
    return expand_on(mv, xml, notes_text, NULL);
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

/* the i-th paragraph of the first section */
static char *para(const fp_doc *d, size_t i)
{
    assert_true(d->root->nkids > 0 && d->root->kids[0]->nkids > i);
    return text(d->root->kids[0]->kids[i]);
}

static void money_units_and_number_formats(void **state)
{
    (void)state;
    /* money below 1万元 in 元, then 万元, then 亿元, two decimals: aov 9900 / 5; 9900 + 100 is exactly 1万元;
     * 9900 × 2 and × 20000; money:1 keeps the unit with one decimal */
    fp_doc *d = expand(R "<section title=\"s\"><p>{aov} {sales + 99.99} {sales + 100} {sales * 2} {sales * 20000} "
                         "{sales * 2|money:1} {-gap}</p>"
                         /* counts and numbers with thousands separators; percent with and without sign */
                         "<p>{sales * 1000|int} {1234.5|number:1} {repeat_rate} {attainment|percent:0} "
                         "{gap / target|signed} {attainment - 1|pp} {mom|arrow} {gap / target|arrow} {0|arrow}</p>"
                         /* dates, the report's own names, booleans */
                         "<p>{period.end|date} {period.start|date_zh} {report.date_zh} {report.scope_label} "
                         "{sales > 0} {sales &lt; 0}</p></section></report>",
                       NULL);
    assert_string_equal(para(d, 0), "1,980.00元 9,999.99元 1.00万元 1.98万元 1.98亿元 2.0万元 900.00元");
    /* repeat rate 1 of 4 customers; gap / target = -900 / 9000; attainment - 1 = 0.1 */
    assert_string_equal(para(d, 1), "9,900,000 1,234.5 25.0% 110% -10.0% +10.0个百分点 ▲191.2% ▼10.0% –0.0%");
    assert_string_equal(para(d, 2), "2026-10-31 2026年10月1日 2026年11月2日 全公司 是 否");
    /* the document: the date in Chinese, the subject scope · period */
    assert_string_equal(d->date, "2026年11月2日");
    assert_string_equal(d->subject, "全公司 · 2026年10月");
    assert_string_equal(d->lang, "zh");
    fp_doc_free(d);
    /* English: ¥ with K, dates in English, sections 1. 2. by default, yes/no */
    d = expand("<report title=\"T\" periods=\"month\" lang=\"en\"><section title=\"s\"><p>{sales} {sales * 2} "
               "{sales > 0}</p><kpis><kpi label=\"a\" value=\"sales\" change=\"mom\" change2=\"yoy\"/></kpis>"
               "</section></report>",
               NULL);
    assert_string_equal(para(d, 0), "¥9,900.00 ¥19.80K yes");
    assert_string_equal(d->date, "2 Nov 2026");
    assert_string_equal(d->root->kids[0]->number, "1. ");
    const fp_node *k = d->root->kids[0]->kids[1]->kids[0];
    assert_string_equal(k->changes[0].label, "vs prev.");
    assert_string_equal(k->changes[1].label, "YoY");
    assert_string_equal(k->changes[1].text, "+890.0%"); /* 9900 / 1000 - 1 */
    fp_doc_free(d);
}

/* October 2025 is the first month of the data: nothing before it can be compared: a dash, not 0 */
static void missing_values_are_dashes(void **state)
{
    (void)state;
    fp_doc *d = expand_on(mv_before,
                          R "<section title=\"s\"><p>{sales|money} {orders} {prev_sales|money} {mom|signed} "
                            "{yoy_sales|money} {yoy|signed} {target|money} {attainment|percent} {aov|money}</p>"
                            "<kpis><kpi label=\"销售额\" value=\"sales\" change=\"mom\" change2=\"yoy\"/>"
                            "<kpi label=\"达成率\" value=\"daily_needed\" thresholds=\"0.9,1\"/></kpis></section></report>",
                          NULL, NULL);
    assert_string_equal(para(d, 0), "1,000.00元 1 — — — — 1,500.00元 66.7% 1,000.00元");
    const fp_node *k = d->root->kids[0]->kids[1];
    /* no comparison line rather than a dash or a 0 */
    assert_string_equal(k->kids[0]->value, "1,000.00元");
    assert_int_equal(k->kids[0]->nchanges, 0);
    /* a missing value (no working day left for a run rate) has no colour */
    assert_string_equal(k->kids[1]->value, "—");
    assert_int_equal(k->kids[1]->tone, FP_TONE_NONE);
    fp_doc_free(d);
    /* October: c1 has no target, so no attainment: a muted dash in its row */
    d = expand(R "<section title=\"s\"><table data=\"reps\" where=\"name == 'c1'\"><col label=\"n\" value=\"name\"/>"
                 "<col label=\"a\" value=\"attainment\" format=\"percent\" thresholds=\"0.8,1\"/></table></section></report>",
               NULL);
    const fp_table_doc *t = d->root->kids[0]->kids[0]->table;
    assert_int_equal(t->nrows, 1);
    assert_string_equal(t->cells[1].text, "—");
    assert_int_equal(t->cells[1].tone, FP_TONE_MUTED);
    fp_doc_free(d);
}

static void kpi_arrows_and_tones(void **state)
{
    (void)state;
    /* mom +1.91 and gap / target -0.1; 0.0004 rounds to 0.0%: flat. 5 orders against thresholds */
    fp_doc *d = expand(R "<section title=\"s\"><kpis>"
                         "<kpi label=\"a\" value=\"sales\" change=\"mom\" good=\"down\" change-label=\"较上月\"/>"
                         "<kpi label=\"b\" value=\"sales\" change=\"gap / target\" change2=\"mom\" good=\"none\"/>"
                         "<kpi label=\"c\" value=\"sales\" change=\"orders / orders - 0.9996\" change2=\"0.9994 - orders / orders\"/>"
                         "<kpi label=\"d\" value=\"orders\" thresholds=\"4,5\"/><kpi label=\"e\" value=\"orders\" "
                         "thresholds=\"5,6\"/><kpi label=\"f\" value=\"orders\" thresholds=\"6,7\"/>"
                         "<kpi label=\"g\" value=\"orders\" thresholds=\"5,6\" good=\"down\"/><kpi label=\"h\" "
                         "value=\"orders\" thresholds=\"3,4\" good=\"down\"/><kpi label=\"i\" value=\"orders\" when=\"false\"/>"
                         "<if test=\"orders > 5\"><kpi label=\"j\" value=\"1\"/></if><else><kpi label=\"k\" value=\"2\"/></else>"
                         "</kpis></section></report>",
                       NULL);
    const fp_node *k = d->root->kids[0]->kids[0];
    assert_int_equal(k->nkids, 9); /* i is left out, k stands for j */
    const fp_change *a = &k->kids[0]->changes[0], *b = k->kids[1]->changes, *c = k->kids[2]->changes;
    /* growth where lower is better: up, and bad */
    assert_string_equal(a->label, "较上月");
    assert_string_equal(a->text, "+191.2%");
    assert_int_equal(a->dir, 1);
    assert_int_equal(a->tone, FP_TONE_BAD);
    /* a fall, neutral: down and muted; the second change keeps its default label */
    assert_string_equal(b[0].text, "-10.0%");
    assert_int_equal(b[0].dir, -1);
    assert_int_equal(b[0].tone, FP_TONE_MUTED);
    assert_string_equal(b[1].label, "同比");
    assert_int_equal(b[1].tone, FP_TONE_MUTED);
    /* too small to show: flat and muted; -0.06% shows as -0.1%: down, bad (higher is better) */
    assert_string_equal(c[0].text, "+0.0%");
    assert_int_equal(c[0].dir, 0);
    assert_int_equal(c[0].tone, FP_TONE_MUTED);
    assert_string_equal(c[1].text, "-0.1%");
    assert_int_equal(c[1].dir, -1);
    assert_int_equal(c[1].tone, FP_TONE_BAD);
    /* 5 orders: at the upper threshold good, at the lower a warning, below it bad; lower is better: mirrored */
    static const fp_tone tones[] = {FP_TONE_GOOD, FP_TONE_WARN, FP_TONE_BAD, FP_TONE_GOOD, FP_TONE_BAD};
    for (int i = 0; i < 5; i++) {
        assert_string_equal(k->kids[3 + i]->value, "5");
        assert_int_equal(k->kids[3 + i]->tone, tones[i]);
    }
    assert_string_equal(k->kids[8]->title, "k");
    fp_doc_free(d);
}

/* a score changes by points: satisfaction 3.47 after 4.05 is "-0.58", never "-14.3%" of a percentage */
static void kpi_changes_of_scores_are_points(void **state)
{
    (void)state;
    fp_doc *d = expand(R "<section title=\"s\"><kpis><kpi label=\"满意度\" value=\"3.47\" change=\"3.47 - 4.05\"/>"
                         "<kpi label=\"b\" value=\"1\" change=\"0.004\" change2=\"0.12\"/></kpis></section></report>",
                       NULL);
    const fp_node *k = d->root->kids[0]->kids[0];
    const fp_change *a = k->kids[0]->changes, *b = k->kids[1]->changes;
    assert_string_equal(a[0].text, "-0.58");
    assert_int_equal(a[0].dir, -1);
    assert_int_equal(a[0].tone, FP_TONE_BAD);
    assert_string_equal(b[0].text, "0.00"); /* too small to show: flat, no sign */
    assert_int_equal(b[0].dir, 0);
    assert_string_equal(b[1].text, "+0.12");
    assert_int_equal(b[1].dir, 1);
    fp_doc_free(d);
}

/* A sentence may be written over several lines: a line break next to a Chinese character joins without a
 * space (CSS's segment-break rule for CJK); between two Latin words it is one space, as before. */
static void chinese_lines_join(void **state)
{
    (void)state;
    fp_doc *d = expand(R "<section title=\"s\"><p>本月销售额\n      {sales|money}，\n      较上月\n      <b>增长</b>\n"
                         "      {mom|percent}。The team\n      did well\n      in October。</p></section></report>",
                       NULL);
    assert_string_equal(para(d, 0), "本月销售额9,900.00元，较上月增长191.2%。The team did well in October。");
    fp_doc_free(d);
}

static void section_numbers(void **state)
{
    (void)state;
    char xml[4096] = R;
    for (int i = 1; i <= 12; i++)
        snprintf(xml + strlen(xml), sizeof xml - strlen(xml), "<section title=\"%d\"%s><p>x</p></section>", i,
                 i == 3 ? " id=\"three\"" : "");
    strcat(xml, "</report>");
    fp_doc *d = expand(xml, NULL);
    assert_int_equal(d->root->nkids, 12);
    static const char *const zh[] = {"一、", "二、", "三、", "四、", "五、", "六、",
                                     "七、", "八、", "九、", "十、", "十一、", "十二、"};
    for (int i = 0; i < 12; i++)
        assert_string_equal(d->root->kids[i]->number, zh[i]);
    /* anchors: the given id, else s and the number */
    assert_string_equal(d->root->kids[0]->id, "s1");
    assert_string_equal(d->root->kids[2]->id, "three");
    assert_string_equal(d->root->kids[11]->id, "s12");
    fp_doc_free(d);
    d = expand("<report title=\"T\" periods=\"month\" numbering=\"none\"><section title=\"A\"><p>a</p></section>"
               "</report>",
               NULL);
    assert_null(d->root->kids[0]->number);
    assert_string_equal(d->root->kids[0]->title, "A");
    fp_doc_free(d);
}

static void each_sort_where_loop(void **state)
{
    (void)state;
    /* attainment: b1 5000 / 9999, a1 2500 / 3000, a2 2400 / 2000, c1 none: nulls last either way */
    fp_doc *d = expand(R "<section title=\"s\"><p><each in=\"reps\" as=\"r\" sort=\"attainment\" sep=\",\">{r.name}</each> "
                         "<each in=\"reps\" as=\"r\" sort=\"-attainment\" sep=\",\">{r.name}</each></p>"
                         "<p><each in=\"reps\" as=\"r\" sort=\"name\" sep=\" \">{loop.index}/{loop.count}<if "
                         "test=\"loop.first\">F</if><if test=\"loop.last\">L</if></each></p>"
                         /* two or more orders: a1 (O5, O6), b1 (O9, O10); a2 has O7 only */
                         "<p><each in=\"reps\" as=\"r\" where=\"orders >= 2\" sort=\"name\" sep=\",\">{r.name}</each></p>"
                         "<p><each in=\"reps\" as=\"r\" limit=\"0\">{r.name}</each></p>"
                         /* channels: offline 500 + 2400 + 3000, online 1000 + 1000 + 2000; agent only cancelled */
                         "<each in=\"channels\" as=\"c\" sort=\"-sales\"><p>{c.name}：{c.sales|money}</p></each>"
                         "<p>{count(reps, sales > 0)} {sum(channels, sales)|money} {first(reps, name == 'a2').sales|money} "
                         "{top(products, sales).name}</p></section></report>",
                       NULL);
    const fp_node *s = d->root->kids[0];
    assert_int_equal(s->nkids, 6); /* the paragraph of limit="0" is empty: left out */
    assert_string_equal(text(s->kids[0]), "b1,a1,a2,c1 a2,a1,b1,c1");
    assert_string_equal(text(s->kids[1]), "1/4F 2/4 3/4 4/4L");
    assert_string_equal(text(s->kids[2]), "a1,b1");
    assert_string_equal(text(s->kids[3]), "offline：5,900.00元");
    assert_string_equal(text(s->kids[4]), "online：4,000.00元");
    /* P2 1000 + 500 + 2000 is the best product */
    assert_string_equal(text(s->kids[5]), "3 9,900.00元 2,400.00元 P2");
    fp_doc_free(d);
}

static void table_totals_and_cells(void **state)
{
    (void)state;
    /* one row shown, totals over the three rows where kept: sales 9900, orders 2 + 2 + 1, average 3300;
     * count of rows; a ratio column has no total unless asked; expressions on the report: 1.1, 9900 / 5 */
    fp_doc *d = expand(R "<section title=\"s\"><table data=\"reps\" where=\"sales > 0\" sort=\"-sales\" limit=\"1\" "
                         "totals=\"yes\"><col label=\"#\" value=\"loop.index\" format=\"int\" total=\"none\"/>"
                         "<col label=\"名\" value=\"name\" total=\"count\"/><col label=\"额\" value=\"sales\" format=\"money\"/>"
                         "<col label=\"单\" value=\"orders\"/><col label=\"均\" value=\"sales\" format=\"money\" total=\"avg\"/>"
                         "<col label=\"率\" value=\"attainment\" format=\"percent\"/><col label=\"率2\" value=\"attainment\" "
                         "format=\"percent\" total=\"attainment\"/><col label=\"客单\" value=\"aov\" total=\"sales / orders\"/>"
                         "</table><table data=\"reps\" sort=\"name\"><col label=\"名\" value=\"name\" bold=\"attainment != "
                         "null and attainment >= 1\"/><col label=\"率\" value=\"attainment\" format=\"percent\" "
                         "thresholds=\"0.8,1\"/><col label=\"额\" value=\"sales\" align=\"center\"/></table>"
                         "<table data=\"reps\" where=\"sales &gt; 99999\" empty=\"无\"><col label=\"人\" value=\"name\"/>"
                         "</table></section></report>",
                       NULL);
    const fp_table_doc *t = d->root->kids[0]->kids[0]->table;
    assert_int_equal(t->ncols, 8);
    assert_int_equal(t->nrows, 2);
    static const char *const row[] = {"1", "b1", "5,000.00元", "2", "5,000.00元", "50.0%", "50.0%", "2,500.00元"};
    static const char *const tot[] = {"合计", "3", "9,900.00元", "5", "3,300.00元", "", "110.0%", "1,980.00元"};
    for (int c = 0; c < 8; c++) {
        assert_string_equal(t->cells[c].text, row[c]);
        assert_false(t->cells[c].bold);
        assert_string_equal(t->cells[8 + c].text, tot[c]);
        assert_true(t->cells[8 + c].bold);
    }
    assert_string_equal(t->cols[7].label, "客单");
    assert_true(t->cols[2].numeric && !t->cols[1].numeric);
    assert_int_equal(t->cols[2].align, FP_ALIGN_RIGHT); /* numbers to the right */
    assert_int_equal(t->cols[1].align, FP_ALIGN_LEFT);
    /* every rep by name: a1 0.833 warning, a2 1.2 good and bold, b1 0.5 bad, c1 none */
    t = d->root->kids[0]->kids[1]->table;
    assert_int_equal(t->nrows, 4);
    assert_false(t->has_total);
    static const char *const names[] = {"a1", "a2", "b1", "c1"}, *const rates[] = {"83.3%", "120.0%", "50.0%", "—"};
    static const fp_tone tones[] = {FP_TONE_WARN, FP_TONE_GOOD, FP_TONE_BAD, FP_TONE_MUTED};
    for (int r = 0; r < 4; r++) {
        assert_string_equal(t->cells[r * 3].text, names[r]);
        assert_int_equal(t->cells[r * 3].bold, r == 1);
        assert_string_equal(t->cells[r * 3 + 1].text, rates[r]);
        assert_int_equal(t->cells[r * 3 + 1].tone, tones[r]);
    }
    assert_string_equal(t->cells[11].text, "0.00元"); /* c1 sold nothing: 0, not missing */
    assert_int_equal(t->cols[2].align, FP_ALIGN_CENTER);
    /* no row left: the table says so */
    t = d->root->kids[0]->kids[2]->table;
    assert_true(t->nrows == 0 && !strcmp(t->empty_text, "无"));
    fp_doc_free(d);
}

/* issue 14.6: a money column has one unit for all its cells and its total, chosen by its typical row (not
 * "-3,536.65元" among 万元, nor a total "1.59亿元" under rows in 万元); a value the unit would show as 0.00
 * takes the column down to a smaller unit (English: K rather than M) */
static void one_unit_per_money_column(void **state)
{
    (void)state;
    const char *xml = R "<section title=\"s\"><table data=\"reps\" sort=\"name\" totals=\"yes\">"
                        "<col label=\"n\" value=\"name\"/><col label=\"m\" value=\"if(name == 'a1', 159000000, "
                        "if(name == 'a2', 5446700, if(name == 'b1', -3536.65, 9999)))\" format=\"money\"/>"
                        "<col label=\"s\" value=\"sales\" format=\"money\"/></table></section></report>";
    fp_doc *d = expand(xml, NULL);
    const fp_table_doc *t = d->root->kids[0]->kids[0]->table;
    assert_int_equal(t->nrows, 5);
    static const char *const zh[] = {"15,900.00万元", "544.67万元", "-0.35万元", "1.00万元", "16,445.32万元"};
    for (size_t r = 0; r < 5; r++)
        assert_string_equal(t->cells[r * 3 + 1].text, zh[r]);
    /* a zero among 万元 is written in 万元 too (0.00元 was a second unit in the column) */
    fp_doc *dz = expand(R "<section title=\"s\"><table data=\"reps\" sort=\"name\"><col label=\"m\" value=\"if(name == "
                          "'a1', 5446700, 0)\" format=\"money\"/></table></section></report>", NULL);
    const fp_table_doc *tz = dz->root->kids[0]->kids[0]->table;
    assert_string_equal(tz->cells[0].text, "544.67万元");
    assert_string_equal(tz->cells[1].text, "0.00万元");
    fp_doc_free(dz);
    /* a column whose every cell is unknown (—) is still a column of figures: to the right */
    dz = expand(R "<section title=\"s\"><table data=\"reps\"><col label=\"n\" value=\"name\"/><col label=\"y\" "
                  "value=\"null\" format=\"signed\"/></table></section></report>", NULL);
    tz = dz->root->kids[0]->kids[0]->table;
    assert_string_equal(tz->cells[1].text, "—");
    assert_int_equal(tz->cols[1].align, FP_ALIGN_RIGHT);
    fp_doc_free(dz);
    /* small amounts stay in 元: the column of the reps' own sales (under 1万) is unchanged */
    assert_string_equal(t->cells[2 * 3 + 2].text, "5,000.00元");
    fp_doc_free(d);
    char *en = malloc(strlen(xml) + 32);
    strcpy(en, xml);
    char *at = strstr(en, "periods=");
    memmove(at + 10, at, strlen(at) + 1);
    memcpy(at, "lang=\"en\" ", 10);
    d = expand(en, NULL);
    t = d->root->kids[0]->kids[0]->table;
    static const char *const k[] = {"¥159,000.00K", "¥5,446.70K", "-¥3.54K", "¥10.00K", "¥164,453.16K"};
    for (size_t r = 0; r < 5; r++)
        assert_string_equal(t->cells[r * 3 + 1].text, k[r]);
    fp_doc_free(d);
    free(en);
}

static void notes_titles_fallbacks_scores(void **state)
{
    (void)state;
    const char *notes = "---\nauthor: 张三\nrole: 经理\n---\n# plans 下月\n\n# problems\n问题一\n"
                        "# scores\n- 沟通 | 85 | 好\n- 执行 | 70\n";
    const char *xml = "<report title=\"T\" periods=\"month\" subtitle=\"{notes.role}\"><section title=\"甲\">"
                      "<notes part=\"problems\" title=\"本月问题\"/><notes part=\"plans\"><p>尚未填写</p></notes></section>"
                      "<section title=\"乙\"><notes part=\"absent\"/></section><section title=\"丙\">"
                      "<table data=\"notes.scores\"><col label=\"维度\" value=\"dimension\"/><col label=\"分\" "
                      "value=\"score\" format=\"int\"/><col label=\"评语\" value=\"comment\"/></table></section></report>";
    fp_doc *d = expand(xml, notes);
    assert_string_equal(d->author, "张三"); /* the notes' author by default */
    assert_string_equal(d->subject, "经理");
    /* a part with a title: a heading, then its text; a part that is there but empty: the fallback */
    const fp_node *s = d->root->kids[0];
    assert_int_equal(s->nkids, 3);
    assert_int_equal(s->kids[0]->type, FP_NODE_HEADING);
    assert_string_equal(s->kids[0]->title, "本月问题");
    assert_string_equal(text(s->kids[1]), "问题一");
    assert_string_equal(text(s->kids[2]), "尚未填写");
    /* the section of an absent part has nothing: left out, the numbering closes up */
    assert_int_equal(d->root->nkids, 2);
    assert_string_equal(d->root->kids[1]->title, "丙");
    assert_string_equal(d->root->kids[1]->number, "二、");
    const fp_table_doc *t = d->root->kids[1]->kids[0]->table;
    assert_int_equal(t->nrows, 2);
    static const char *const cells[] = {"沟通", "85", "好", "执行", "70", ""};
    for (int i = 0; i < 6; i++)
        assert_string_equal(t->cells[i].text, cells[i]);
    fp_doc_free(d);
    /* --author wins over the notes; with neither, no author */
    d = expand_on(mv, xml, notes, "李四");
    assert_string_equal(d->author, "李四");
    fp_doc_free(d);
    d = expand_on(mv, R "<section title=\"s\"><notes part=\"plans\"/><p>{notes.author}|{report.author}</p></section>"
                        "</report>", NULL, NULL);
    assert_string_equal(d->author, "");
    assert_int_equal(d->root->kids[0]->nkids, 1);
    assert_string_equal(text(d->root->kids[0]->kids[0]), "|");
    fp_doc_free(d);
}

static void blocks_if_else_cover(void **state)
{
    (void)state;
    fp_doc *d = expand(R "<cover><line>范围：{report.scope_label}</line><line><if test=\"report.author != ''\">编制"
                         "</if></line><line>日期：{report.date_zh}</line></cover><section title=\"s\">"
                         "<if test=\"attainment >= 1\"><box title=\"达成\" tone=\"good\"><p>好</p></box></if>"
                         "<else><p>差</p></else><if test=\"false\"><p>x</p></if><else><p>否则</p></else>"
                         "<box title=\"空\"><p when=\"false\">x</p></box><pagebreak when=\"false\"/><pagebreak/>"
                         "<p><good>好</good><bad><b>差</b></bad></p></section></report>",
                       NULL);
    /* the cover: the report's title and subject by default; the empty line is left out */
    const fp_node *c = d->root->kids[0];
    assert_int_equal(c->type, FP_NODE_COVER);
    assert_string_equal(c->title, "T");
    assert_string_equal(c->note, "全公司 · 2026年10月");
    assert_int_equal(c->nlines, 2);
    assert_string_equal(c->lines[0], "范围：全公司");
    assert_string_equal(c->lines[1], "日期：2026年11月2日");
    /* attainment 1.1: the box, then the else of a false if; an empty box and a false pagebreak are dropped */
    const fp_node *s = d->root->kids[1];
    assert_int_equal(s->nkids, 4);
    assert_int_equal(s->kids[0]->type, FP_NODE_BOX);
    assert_int_equal(s->kids[0]->tone, FP_TONE_GOOD);
    assert_string_equal(s->kids[0]->title, "达成");
    assert_string_equal(text(s->kids[1]), "否则");
    assert_int_equal(s->kids[2]->type, FP_NODE_PAGEBREAK);
    const fp_spans *sp = &s->kids[3]->spans;
    assert_int_equal(sp->n, 2);
    assert_true(sp->v[0].tone == FP_TONE_GOOD && !sp->v[0].bold);
    assert_true(sp->v[1].tone == FP_TONE_BAD && sp->v[1].bold);
    fp_doc_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbering_and_when),   cmocka_unit_test(placeholders_and_formats),
        cmocka_unit_test(if_else_and_each),
        cmocka_unit_test(kpi_cards),            cmocka_unit_test(notes_parts),
        cmocka_unit_test(money_units_and_number_formats), cmocka_unit_test(missing_values_are_dashes),
        cmocka_unit_test(kpi_arrows_and_tones), cmocka_unit_test(kpi_changes_of_scores_are_points),
        cmocka_unit_test(chinese_lines_join),
        cmocka_unit_test(section_numbers),
        cmocka_unit_test(each_sort_where_loop), cmocka_unit_test(table_totals_and_cells),
        cmocka_unit_test(one_unit_per_money_column),
        cmocka_unit_test(notes_titles_fallbacks_scores), cmocka_unit_test(blocks_if_else_cover),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
