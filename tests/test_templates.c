/* The commentary of the shipped templates says what the figures say. The monthly template is expanded
 * with the metrics of tests/data/small (worked out by hand in its README), then with those metrics
 * changed into the cases a review meets — sales rising, falling, flat, no target, no previous period,
 * no sales at all — and the sentences are checked for the right words and the right numbers, and for
 * never claiming what the data does not show. */
#include "testutil.h"

#include "dataset.h"
#include "expand.h"
#include "metrics.h"
#include "metrics_value.h"
#include "period.h"
#include "profile.h"
#include "template.h"

#include <math.h>

static fp_dataset *ds;
static fp_profile *prof;
static fp_template *monthly;

static int setup(void **state)
{
    (void)state;
    char *pp = tu_path("tests/data/small/profile.xml"), *rng = tu_path("templates/profile.rng");
    char *data = tu_path("tests/data/small"), *tp = tu_path("templates/review.xml");
    char *trng = tu_path("templates/template.rng");
    fp_error e = {0};
    int rc = 0;
    if (fp_profile_load(pp, rng, &prof, &e) != FP_OK || fp_dataset_load(data, prof, 1, &ds, &e) != FP_OK ||
        fp_template_load(tp, trng, &monthly, &e) != FP_OK) {
        fprintf(stderr, "%s\n", e.msg);
        rc = -1;
    }
    free(pp), free(rng), free(data), free(tp), free(trng);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    fp_template_free(monthly);
    fp_dataset_free(ds);
    fp_profile_free(prof);
    return 0;
}

static fp_value *metrics(void)
{
    fp_query q = {.scope = FP_SCOPE_COMPANY};
    fp_error e = {0};
    assert_int_equal(fp_period_parse("2026-10", &q.period, &e), FP_OK);
    q.as_of = q.period.end;
    fp_metrics *m;
    assert_int_equal(fp_metrics_compute(ds, &q, &m, &e), FP_OK);
    fp_value *v = fp_metrics_value(m);
    fp_metrics_free(m);
    return v;
}

static void set_num(fp_value *obj, const char *key, double v, fp_numkind kind)
{
    fp_v_set(obj, key, isnan(v) ? fp_v_null() : fp_v_num(v, kind));
}

/* all the text of the document, paragraphs and items one a line */
static void collect(const fp_node *n, fp_buf *b)
{
    if (n->spans.n) {
        for (size_t i = 0; i < n->spans.n; i++)
            fp_buf_adds(b, n->spans.v[i].text);
        fp_buf_adds(b, "\n");
    }
    if (n->type == FP_NODE_SECTION)
        fp_buf_printf(b, "## %s\n", n->title);
    if (n->type == FP_NODE_BOX && n->title)
        fp_buf_printf(b, "[%s]\n", n->title);
    for (size_t i = 0; i < n->nkids; i++)
        collect(n->kids[i], b);
}

static char *render_text(const fp_value *mv)
{
    fp_expand_opts o = {.date = "2026-11-02"};
    fp_doc *d = NULL;
    fp_error e = {0};
    if (fp_expand(monthly, mv, NULL, &o, &d, &e) != FP_OK)
        fail_msg("%s", e.msg);
    fp_buf b;
    fp_buf_init(&b);
    collect(d->root, &b);
    fp_doc_free(d);
    return b.data ? b.data : strdup("");
}

static void rising(void **state)
{
    (void)state;
    fp_value *mv = metrics();
    char *t = render_text(mv);
    /* README: 9900 against 3400 in September (+191.2%) and 1000 a year ago (+890%); offline 5900 from
     * 1400 moved most (+4500); target 9000, attained 110%, 900 over */
    assert_contains(t, "实现销售额9,900.00元，成交订单5笔，客单价1,980.00元。");
    assert_contains(t, "与上月相比，销售额增长191.2%；与去年同期相比增长890.0%。");
    assert_contains(t, "较上月增加6,500.00元，增加最多的是offline渠道（增加4,500.00元）");
    assert_contains(t, "完成9,900.00元，达成率110.0%，超额完成900.00元。");
    assert_not_contains(t, "下降");
    assert_not_contains(t, "较上月减少");
    assert_not_contains(t, "还差");
    /* next month has no target in the fixture: said so, not invented */
    assert_contains(t, "2026年11月的销售目标尚未完整录入。");
    free(t);
    fp_v_free(mv);
}

static void falling(void **state)
{
    (void)state;
    fp_value *mv = metrics();
    set_num(mv, "prev_sales", 20000, FP_NUM_MONEY);
    set_num(mv, "mom", 9900.0 / 20000 - 1, FP_NUM_RATIO);
    set_num(mv, "target", 12000, FP_NUM_MONEY);
    set_num(mv, "attainment", 9900.0 / 12000, FP_NUM_RATIO);
    set_num(mv, "gap", 2100, FP_NUM_MONEY);
    const fp_value *ch = fp_v_get(mv, "channels");
    for (size_t i = 0; i < fp_v_len(ch); i++) {
        fp_value *c = (fp_value *)fp_v_at(ch, i);
        bool off = !strcmp(fp_v_as_str(fp_v_get(c, "name")), "offline");
        set_num(c, "prev_sales", off ? 9000 : 11000, FP_NUM_MONEY);
    }
    char *t = render_text(mv);
    assert_contains(t, "与上月相比，销售额下降50.5%");
    /* online fell from 11000 to 4000 (7000), offline from 9000 to 5900 (3100) */
    assert_contains(t, "较上月减少1.01万元，减少最多的是online渠道（减少7,000.00元）");
    /* the categories were left as they were: none fell, so no category is named as the cause */
    assert_not_contains(t, "类别中减少最多");
    assert_not_contains(t, "减少-");
    assert_contains(t, "达成率82.5%，距目标还差2,100.00元。");
    assert_not_contains(t, "超额");
    assert_not_contains(t, "较上月增加");
    assert_not_contains(t, "销售额增长");
    free(t);
    fp_v_free(mv);
}

static void flat_no_target_no_previous(void **state)
{
    (void)state;
    fp_value *mv = metrics();
    set_num(mv, "prev_sales", 9900, FP_NUM_MONEY);
    set_num(mv, "mom", 0, FP_NUM_RATIO);
    char *t = render_text(mv);
    assert_contains(t, "与上月相比，销售额持平；");
    assert_contains(t, "销售额与上月持平。");
    assert_not_contains(t, "下降0.0%");
    assert_not_contains(t, "增长0.0%");
    free(t);
    /* no target: no attainment section, no sentence about a target */
    set_num(mv, "target", NAN, FP_NUM_MONEY);
    set_num(mv, "attainment", NAN, FP_NUM_RATIO);
    set_num(mv, "gap", NAN, FP_NUM_MONEY);
    t = render_text(mv);
    assert_not_contains(t, "## 目标达成情况");
    assert_not_contains(t, "本月销售目标");
    assert_not_contains(t, "目标达成率");
    assert_not_contains(t, "超额");
    free(t);
    /* no previous period: no comparison with it at all */
    set_num(mv, "prev_sales", NAN, FP_NUM_MONEY);
    set_num(mv, "mom", NAN, FP_NUM_RATIO);
    t = render_text(mv);
    assert_not_contains(t, "与上月相比");
    assert_not_contains(t, "较上月增加");
    assert_not_contains(t, "较上月减少");
    assert_not_contains(t, "持平");
    free(t);
    fp_v_free(mv);
}

static void no_sales(void **state)
{
    (void)state;
    fp_value *mv = metrics();
    set_num(mv, "sales", 0, FP_NUM_MONEY);
    set_num(mv, "orders", 0, FP_NUM_COUNT);
    set_num(mv, "aov", NAN, FP_NUM_MONEY);
    set_num(mv, "mom", -1, FP_NUM_RATIO);
    set_num(mv, "attainment", 0, FP_NUM_RATIO);
    set_num(mv, "gap", 9000, FP_NUM_MONEY);
    char *t = render_text(mv);
    assert_contains(t, "实现销售额0.00元，成交订单0笔，客单价—。");
    assert_contains(t, "销售额下降100.0%");
    assert_contains(t, "达成率0.0%，距目标还差9,000.00元。");
    assert_contains(t, "目标达成率只有0.0%，低于80%。"); /* the risk box */
    assert_not_contains(t, "超额");
    free(t);
    fp_v_free(mv);
}

/* the text of an HTML file, its markup and styles dropped; the text of its charts (SVG) apart, one piece a
 * line (a chart cuts a long label wherever it must, so each piece is checked on its own) */
static char *html_text(const char *path, char **svg_text)
{
    char *h = tu_read(path);
    assert_non_null(h);
    char *o = h, *sv = calloc(1, strlen(h) + 2), *so = sv;
    bool tag = false, svg = false;
    for (const char *p = h; *p; p++) {
        if (!strncmp(p, "<style", 6) || !strncmp(p, "<script", 7)) {
            const char *end = strstr(p, p[1] == 's' && p[2] == 't' ? "</style>" : "</script>");
            if (!end)
                break;
            p = end + 7;
            continue;
        }
        if (!strncmp(p, "<svg", 4))
            svg = true;
        else if (!strncmp(p, "</svg", 5))
            svg = false;
        if (*p == '<') {
            tag = true;
            if (svg)
                *so++ = '\n';
        } else if (*p == '>') {
            tag = false;
            *o++ = ' ';
        } else if (!tag) {
            *(svg ? so++ : o++) = *p;
        }
    }
    *o = 0;
    *so = 0;
    *svg_text = sv;
    return h;
}

/* the texts of the metrics (teams, reps, products, channels, customers, problems …) */
static void names_of(const fp_value *v, char ***names, size_t *n)
{
    if (fp_v_type(v) == FP_V_STR && *fp_v_as_str(v)) {
        /* the whole name, and each of its words (a chart breaks a long label at its spaces) */
        const char *s = fp_v_as_str(v);
        *names = realloc(*names, (*n + 1) * sizeof **names);
        (*names)[(*n)++] = fp_xstrdup(s);
        for (const char *w = s; strchr(s, ' ') && *w;) {
            size_t k = strcspn(w, " ");
            if (k) {
                *names = realloc(*names, (*n + 1) * sizeof **names);
                (*names)[(*n)++] = fp_xstrndup(w, k);
            }
            w += k + (w[k] == ' ');
        }
    }
    for (size_t i = 0; i < fp_v_len(v); i++)
        names_of(fp_v_at(v, i), names, n);
}

static int longest_first(const void *a, const void *b)
{
    size_t la = strlen(*(const char *const *)a), lb = strlen(*(const char *const *)b);
    return (la < lb) - (la > lb);
}

/* a name the data has, blanked: the longest first, so that a short one never cuts a long one */
static void blank_names(char *text, const fp_value *v)
{
    char **names = NULL;
    size_t n = 0;
    names_of(v, &names, &n);
    qsort(names, n, sizeof *names, longest_first);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        for (char *p; (p = strstr(text, names[i]));)
            memset(p, ' ', len);
    }
    /* and a name a chart shortened: its beginning and "…" */
    for (size_t i = 0; i < n; i++) {
        char cut[512];
        for (const char *q = names[i]; *q;) {
            fp_utf8_next(&q);
            size_t k = (size_t)(q - names[i]);
            if (k + 4 > sizeof cut)
                break;
            memcpy(cut, names[i], k);
            memcpy(cut + k, "\xe2\x80\xa6", 4);
            for (char *p; (p = strstr(text, cut));)
                memset(p, ' ', k + 3);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* every shipped template renders the demo data for every period kind it is for, in Chinese and in English,
 * without a warning; in English no Chinese character is left but the data's own names */
static void every_template_every_period(void **state)
{
    (void)state;
    static const struct {
        const char *name, *kinds;
    } T[] = {{"weekly", "week"}, {"review", "month,quarter,year"}, {"retrospective", "week,month,quarter,year"},
             {"self-review", "month,quarter,year"}, {"rollup", "week,month,quarter,year"}};
    static const struct {
        const char *kind, *period;
    } P[] = {{"week", "2026-W43"}, {"month", "2026-10"}, {"quarter", "2026-Q3"}, {"year", "2026"}};
    char *dir = tu_tmpdir();
    int n = 0, english = 0;
    for (size_t t = 0; t < sizeof T / sizeof *T; t++)
        for (size_t p = 0; p < sizeof P / sizeof *P; p++) {
            if (!strstr(T[t].kinds, P[p].kind))
                continue;
            for (int scope = 0; scope < 2; scope++)
                for (int en = 0; en < 2; en++) {
                    char cmd[4096], *err = NULL, *out = NULL;
                    const char *team = scope ? "--team 西南一组" : "";
                    snprintf(cmd, sizeof cmd,
                             "cd '%s' && LC_ALL=C '%s' render --template %s --lang %s --data samples/demo --period %s "
                             "%s --as-of 2026-10-31 --format html --out '%s/%s-%s-%d-%d'",
                             tu_src(), tu_bin(), T[t].name, en ? "en" : "zh", P[p].period, team, dir, T[t].name,
                             P[p].kind, scope, en);
                    int rc = tu_run(cmd, &out, &err);
                    if (rc != 0 || (err && *err))
                        fail_msg("%s --lang %s for %s%s: exit %d: %s", T[t].name, en ? "en" : "zh", P[p].period, team,
                                 rc, err);
                    free(err);
                    n++;
                    if (en) {
                        /* the data's names, from the metrics of the same scope */
                        char *json = NULL;
                        snprintf(cmd, sizeof cmd,
                                 "cd '%s' && '%s' metrics --data samples/demo --period %s %s --as-of 2026-10-31",
                                 tu_src(), tu_bin(), P[p].period, team);
                        assert_int_equal(tu_run(cmd, &json, NULL), 0);
                        fp_value *m = NULL;
                        fp_error e;
                        assert_int_equal(fp_json_parse("metrics", json, strlen(json), &m, &e), FP_OK);
                        out[strcspn(out, "\n")] = 0;
                        char *svg = NULL, *text = html_text(out, &svg);
                        blank_names(text, m);
                        /* a piece of a chart's text with Chinese in it is a piece of a name */
                        char **names = NULL;
                        size_t nn = 0;
                        names_of(m, &names, &nn);
                        for (char *line = strtok(svg, "\n"); line; line = strtok(NULL, "\n")) {
                            char *ell = strstr(line, "\xe2\x80\xa6");
                            if (ell)
                                *ell = 0;
                            char *rest = fp_xstrdup(line);
                            blank_names(rest, m); /* "线下 42.2%": a whole name and a figure */
                            bool cjk = false;
                            for (const char *q = rest; *q;) {
                                uint32_t c = fp_utf8_next(&q);
                                cjk = cjk || (c >= 0x3000 && c <= 0x9fff) || (c >= 0xff00 && c <= 0xffef);
                            }
                            free(rest);
                            bool found = !cjk;
                            for (size_t i = 0; i < nn && !found; i++)
                                found = strstr(names[i], line) != NULL;
                            if (!found)
                                fail_msg("%s --lang en for %s%s: a chart says \"%s\", which is not from the data",
                                         T[t].name, P[p].period, team, line);
                        }
                        for (size_t i = 0; i < nn; i++)
                            free(names[i]);
                        free(names);
                        free(svg);
                        for (const char *q = text; *q;) {
                            const char *at = q;
                            uint32_t c = fp_utf8_next(&q);
                            if ((c >= 0x3000 && c <= 0x9fff) || (c >= 0xff00 && c <= 0xffef))
                                fail_msg("%s --lang en for %s%s: Chinese that is not a name from the data: …%.60s",
                                         T[t].name, P[p].period, team, at > text + 30 ? at - 30 : text);
                        }
                        english++;
                        free(text);
                        fp_v_free(m);
                        free(json);
                    }
                    free(out);
                }
        }
    assert_int_equal(n, 60);
    assert_int_equal(english, 30);
    /* the shipped names: monthly, quarterly and annual are the review; monthly-en is it in English */
    char cmd[2048], *err = NULL, *out = NULL;
    snprintf(cmd, sizeof cmd,
             "cd '%s' && '%s' render --template monthly-en --data samples/demo --period 2026-10 --as-of 2026-10-31 "
             "--format html --out '%s/alias'",
             tu_src(), tu_bin(), dir);
    assert_int_equal(tu_run(cmd, &out, NULL), 0);
    out[strcspn(out, "\n")] = 0;
    char *svg = NULL, *text = html_text(out, &svg);
    assert_contains(text, "Monthly sales review");
    free(text);
    free(svg);
    free(out);
    /* and a template refuses a period kind it is not for */
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' render --template weekly --data samples/demo --period 2026-10 --out '%s/x'",
             tu_src(), tu_bin(), dir);
    assert_int_equal(tu_run(cmd, NULL, &err), 2);
    assert_contains(err, "week");
    free(err);
    tu_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rising),
        cmocka_unit_test(falling),
        cmocka_unit_test(flat_no_target_no_previous),
        cmocka_unit_test(no_sales),
        cmocka_unit_test(every_template_every_period),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
