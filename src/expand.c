/* expand.c — evaluating a template against metrics into a document tree. */
#include "expand.h"

#include "currency.h"
#include "date.h"
#include "names.h"

#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ex {
    const fp_template *t;
    const fp_notes *notes;
    fp_lang lang;
    const fp_currency *currency; /* of the amounts (data.currency) */
    fp_buf *warnings;            /* the caller's, may be NULL */
    fp_buf warned_parts;         /* notes parts already warned about, one a line */
    int numbering;   /* 0 一、, 1 1., 2 none */
    int section_no;
    fp_doc *doc;
} ex;

static void blocks(ex *x, const fp_tnode *t, const fp_scope *sc, fp_node *out);
static void inlines(ex *x, const fp_tnode *t, const fp_scope *sc, fp_spans *out, bool bold, fp_tone tone);

/* ---- values into text ---- */

static void format_ev(ex *x, const fp_ev *v, fp_fmt fmt, fp_buf *out)
{
    switch (v->type) {
    case FP_V_NULL:
        fp_buf_adds(out, "—");
        break;
    case FP_V_BOOL:
        fp_buf_adds(out, v->b ? (x->lang == FP_LANG_EN ? "yes" : "是") : (x->lang == FP_LANG_EN ? "no" : "否"));
        break;
    case FP_V_NUM:
        fp_format_number_in(v->n, v->kind, fmt, x->lang, x->currency, out);
        break;
    case FP_V_STR:
        fp_format_text(v->s, fmt, x->lang, out);
        break;
    case FP_V_ARR:
    case FP_V_OBJ:
        fp_fmt_count((int64_t)fp_v_len(v->v), out);
        break;
    }
}

/* The figure behind a formatted value, for a spreadsheet: the same number in the same kind of format. */
static fp_num figure(const fp_ev *v, fp_fmt fmt)
{
    fp_num r = {FP_NUMT_NONE, 0, 0};
    fp_fmt_kind k = fmt.kind;
    if (v->type == FP_V_STR && (k == FP_FMT_DATE || k == FP_FMT_DATE_ZH || k == FP_FMT_DATE_EN ||
                                k == FP_FMT_DATE_LONG || k == FP_FMT_AUTO)) {
        fp_date d;
        size_t n = strlen(v->s);
        if (n == 10 && fp_date_parse(v->s, n, &d))
            r = (fp_num){FP_NUMT_DATE, (double)d, 0};
        return r;
    }
    if (v->type != FP_V_NUM || !isfinite(v->n))
        return r;
    if (k == FP_FMT_AUTO)
        k = v->kind == FP_NUM_MONEY   ? FP_FMT_MONEY
            : v->kind == FP_NUM_RATIO ? FP_FMT_PERCENT
            : v->kind == FP_NUM_COUNT ? FP_FMT_INT
                                      : FP_FMT_NUMBER;
    int dg = fmt.digits;
    switch (k) {
    case FP_FMT_MONEY:
    case FP_FMT_YUAN:
        return (fp_num){FP_NUMT_MONEY, v->n, 2};
    case FP_FMT_WAN:
        return (fp_num){FP_NUMT_NUMBER, v->n / 10000.0, dg < 0 ? 2 : dg};
    case FP_FMT_INT:
        return (fp_num){FP_NUMT_NUMBER, v->n, 0};
    case FP_FMT_COUNT:
        return (fp_num){FP_NUMT_NUMBER, v->n, v->n == floor(v->n) ? 0 : 1};
    case FP_FMT_NUMBER:
        return (fp_num){FP_NUMT_NUMBER, v->n, dg < 0 ? 2 : dg};
    case FP_FMT_PERCENT:
    case FP_FMT_SIGNED:
    case FP_FMT_ARROW:
        return (fp_num){FP_NUMT_PERCENT, v->n, dg < 0 ? 1 : dg};
    case FP_FMT_PP:
    case FP_FMT_POINTS:
        return (fp_num){FP_NUMT_NUMBER, v->n * 100.0, dg < 0 ? 1 : dg};
    case FP_FMT_AUTO:
    case FP_FMT_DATE:
    case FP_FMT_DATE_ZH:
    case FP_FMT_DATE_EN:
    case FP_FMT_DATE_LONG:
    case FP_FMT_TEXT:
        break;
    }
    return r;
}

static void text_eval(ex *x, const fp_ttext *t, const fp_scope *sc, fp_buf *out)
{
    for (size_t i = 0; i < t->n; i++) {
        const fp_tseg *s = &t->seg[i];
        if (s->lit) {
            fp_buf_adds(out, s->lit);
            continue;
        }
        fp_ev v = fp_expr_eval(s->expr, sc);
        format_ev(x, &v, s->fmt, out);
        fp_ev_free(&v);
    }
}

static char *text_str(ex *x, const fp_ttext *t, const fp_scope *sc)
{
    fp_buf b;
    fp_buf_init(&b);
    text_eval(x, t, sc, &b);
    return fp_buf_steal(&b);
}

static char *attr_text(ex *x, const fp_tnode *n, fp_tattr_id id, const fp_scope *sc, const char *dflt)
{
    if (n->a[id].set)
        return text_str(x, &n->a[id].text, sc);
    return dflt ? fp_xstrdup(dflt) : NULL;
}

static bool test(const fp_tnode *n, fp_tattr_id id, const fp_scope *sc)
{
    if (!n->a[id].set || !n->a[id].expr)
        return true;
    fp_ev v = fp_expr_eval(n->a[id].expr, sc);
    bool t = fp_ev_truthy(&v);
    fp_ev_free(&v);
    return t;
}

/* good/warn/bad of a number against thresholds "lo,hi" (good: high unless the node says low/down) */
static fp_tone threshold_tone(const fp_tnode *n, const fp_ev *v)
{
    if (!n->a[FP_A_THRESHOLDS].set || v->type != FP_V_NUM)
        return FP_TONE_NONE;
    double lo = n->a[FP_A_THRESHOLDS].num[0], hi = n->a[FP_A_THRESHOLDS].num[1];
    const char *g = n->a[FP_A_GOOD].set ? n->a[FP_A_GOOD].raw : "high";
    bool low = !strcmp(g, "low") || !strcmp(g, "down");
    if (low)
        return v->n <= lo ? FP_TONE_GOOD : v->n <= hi ? FP_TONE_WARN : FP_TONE_BAD;
    return v->n >= hi ? FP_TONE_GOOD : v->n >= lo ? FP_TONE_WARN : FP_TONE_BAD;
}

/* ---- lists: where, sort, limit ---- */

typedef struct sortkey {
    const fp_value *el;
    size_t idx;
    fp_ev key;
    bool desc;
} sortkey;

static int cmp_key(const void *a, const void *b)
{
    const sortkey *x = a, *y = b;
    bool xn = x->key.type == FP_V_NULL, yn = y->key.type == FP_V_NULL;
    int c = 0;
    if (xn || yn) {
        c = xn - yn; /* nulls last, whatever the direction */
        if (c)
            return c;
    } else if (x->key.type == FP_V_NUM && y->key.type == FP_V_NUM) {
        c = (x->key.n > y->key.n) - (x->key.n < y->key.n);
    } else if (x->key.type == FP_V_STR && y->key.type == FP_V_STR) {
        c = strcmp(x->key.s, y->key.s);
    }
    if (x->desc)
        c = -c;
    if (c)
        return c;
    return (x->idx > y->idx) - (x->idx < y->idx); /* stable */
}

/* the elements of n's list attribute (data or in), filtered, sorted and cut; caller frees the array */
static const fp_value **items(const fp_tnode *n, fp_tattr_id list_attr, const fp_scope *sc, size_t *count,
                              size_t *before_limit)
{
    *count = 0;
    if (before_limit)
        *before_limit = 0;
    fp_ev lv = fp_expr_eval(n->a[list_attr].expr, sc);
    if (lv.type == FP_V_OBJ && n->kind == FP_TK_CHART) {
        /* one object: a list of one (the checker allows it for charts only) */
        const fp_value **one = fp_xmalloc(sizeof *one);
        one[0] = lv.v;
        *count = 1;
        if (before_limit)
            *before_limit = 1;
        fp_ev_free(&lv);
        return one;
    }
    if (lv.type != FP_V_ARR) {
        fp_ev_free(&lv);
        return NULL;
    }
    size_t len = fp_v_len(lv.v), k = 0;
    sortkey *keys = fp_xcalloc(len ? len : 1, sizeof *keys);
    for (size_t i = 0; i < len; i++) {
        const fp_value *el = fp_v_at(lv.v, i);
        /* where and sort see the element's fields, and its name when as="…" gives one */
        fp_scope fields = {.outer = sc, .fields = el};
        fp_scope inner = fields;
        if (n->a[FP_A_AS].set)
            inner = (fp_scope){.outer = &fields, .name = n->a[FP_A_AS].raw, .value = el};
        if (n->a[FP_A_WHERE].set && n->a[FP_A_WHERE].expr) {
            fp_ev w = fp_expr_eval(n->a[FP_A_WHERE].expr, &inner);
            bool keep = fp_ev_truthy(&w);
            fp_ev_free(&w);
            if (!keep)
                continue;
        }
        keys[k].el = el;
        keys[k].idx = i;
        if (n->a[FP_A_SORT].set && n->a[FP_A_SORT].expr) {
            keys[k].key = fp_expr_eval(n->a[FP_A_SORT].expr, &inner);
            keys[k].desc = n->a[FP_A_SORT].sort_desc;
        }
        k++;
    }
    if (n->a[FP_A_SORT].set)
        qsort(keys, k, sizeof *keys, cmp_key);
    if (before_limit)
        *before_limit = k;
    size_t limit = n->a[FP_A_LIMIT].set ? (size_t)n->a[FP_A_LIMIT].num[0] : k;
    if (limit > k)
        limit = k;
    const fp_value **out = fp_xmalloc((k ? k : 1) * sizeof *out);
    for (size_t i = 0; i < k; i++) {
        out[i] = keys[i].el;
        fp_ev_free(&keys[i].key);
    }
    free(keys);
    fp_ev_free(&lv);
    *count = limit;
    return out;
}

/* scopes for one element of a loop: its fields, its name, and loop.index/count/first/last */
typedef struct elscope {
    fp_scope fields, named, loop;
    fp_value *loopv;
} elscope;

static const fp_scope *enter(elscope *e, const fp_scope *outer, const fp_value *el, const char *as, size_t i,
                             size_t n)
{
    e->fields = (fp_scope){.outer = outer, .fields = el};
    const fp_scope *s = &e->fields;
    if (as) {
        e->named = (fp_scope){.outer = s, .name = as, .value = el};
        s = &e->named;
    }
    e->loopv = fp_names_loop(i, n);
    e->loop = (fp_scope){.outer = s, .name = "loop", .value = e->loopv};
    return &e->loop;
}

static void leave(elscope *e)
{
    fp_v_free(e->loopv);
    e->loopv = NULL;
}

/* ---- names bound by <let> and by a phrase's parameters ---- */

/* the bindings made while expanding one list of siblings, freed when it is done */
typedef struct binding {
    struct binding *next;
    fp_scope scope;
    fp_value *owned; /* a computed value; lists and objects are borrowed from the metrics */
} binding;

static const fp_scope *let(const fp_tnode *k, const fp_scope *sc, binding **list)
{
    fp_ev v = fp_expr_eval(k->a[FP_A_VALUE].expr, sc);
    binding *b = fp_xcalloc(1, sizeof *b);
    b->next = *list;
    *list = b;
    const fp_value *val;
    if (v.type == FP_V_ARR || v.type == FP_V_OBJ)
        val = v.v;
    else
        val = b->owned = fp_ev_to_value(&v);
    fp_ev_free(&v);
    b->scope = (fp_scope){.outer = sc, .name = k->a[FP_A_NAME].raw, .value = val};
    return &b->scope;
}

static void unbind(binding *list)
{
    while (list) {
        binding *n = list->next;
        fp_v_free(list->owned);
        free(list);
        list = n;
    }
}

/* ---- inline content ---- */

static void inlines(ex *x, const fp_tnode *t, const fp_scope *sc, fp_spans *out, bool bold, fp_tone tone)
{
    bool last_if = true;
    binding *bound = NULL;
    for (size_t i = 0; i < t->nkids; i++) {
        const fp_tnode *k = t->kids[i];
        switch (k->kind) {
        case FP_TK_LET:
            sc = let(k, sc, &bound);
            break;
        case FP_TK_USE:
            inlines(x, k, sc, out, bold, tone);
            break;
        case FP_TK_TEXT: {
            char *s = text_str(x, &k->text, sc);
            fp_spans_add(out, s, bold, tone);
            free(s);
            break;
        }
        case FP_TK_B:
            inlines(x, k, sc, out, true, tone);
            break;
        case FP_TK_GOOD:
            inlines(x, k, sc, out, bold, FP_TONE_GOOD);
            break;
        case FP_TK_WARN:
            inlines(x, k, sc, out, bold, FP_TONE_WARN);
            break;
        case FP_TK_BAD:
            inlines(x, k, sc, out, bold, FP_TONE_BAD);
            break;
        case FP_TK_MUTED:
            inlines(x, k, sc, out, bold, FP_TONE_MUTED);
            break;
        case FP_TK_ACCENT:
            inlines(x, k, sc, out, bold, FP_TONE_ACCENT);
            break;
        case FP_TK_IF:
            last_if = test(k, FP_A_TEST, sc);
            if (last_if)
                inlines(x, k, sc, out, bold, tone);
            break;
        case FP_TK_ELSE:
            if (!last_if)
                inlines(x, k, sc, out, bold, tone);
            break;
        case FP_TK_EACH: {
            size_t n;
            const fp_value **el = items(k, FP_A_IN, sc, &n, NULL);
            const char *sep = k->a[FP_A_SEP].set ? k->a[FP_A_SEP].raw : "";
            for (size_t e = 0; e < n; e++) {
                elscope es;
                const fp_scope *s = enter(&es, sc, el[e], k->a[FP_A_AS].raw, e, n);
                if (e)
                    fp_spans_add(out, sep, bold, tone);
                inlines(x, k, s, out, bold, tone);
                leave(&es);
            }
            free(el);
            break;
        }
        case FP_TK_REPORT:
        case FP_TK_COVER:
        case FP_TK_LINE:
        case FP_TK_SECTION:
        case FP_TK_H:
        case FP_TK_P:
        case FP_TK_UL:
        case FP_TK_OL:
        case FP_TK_LI:
        case FP_TK_KPIS:
        case FP_TK_KPI:
        case FP_TK_TABLE:
        case FP_TK_COL:
        case FP_TK_CHART:
        case FP_TK_NOTES:
        case FP_TK_BOX:
        case FP_TK_PAGEBREAK:
        case FP_TK_PHRASE:
        case FP_TK_INCLUDE:
        case FP_TK_WORD:
        case FP_TK_WORDS:
        case FP_TK_KIND_COUNT:
            break; /* not inside text: the checker saw to it */
        }
    }
    unbind(bound);
}

static bool blank(const fp_spans *s)
{
    for (size_t i = 0; i < s->n; i++) {
        const char *p = s->v[i].text;
        size_t n = fp_trim(&p, strlen(p));
        if (n)
            return false;
    }
    return true;
}

/* trims the paragraph's first and last spans (indentation in the XML) */
static void trim_spans(fp_spans *s)
{
    if (!s->n)
        return;
    const char *p = s->v[0].text;
    size_t n = strlen(p);
    size_t lead = 0;
    while (lead < n && (p[lead] == ' ' || p[lead] == '\n'))
        lead++;
    memmove(s->v[0].text, p + lead, n - lead + 1);
    char *l = s->v[s->n - 1].text;
    n = strlen(l);
    while (n && (l[n - 1] == ' ' || l[n - 1] == '\n'))
        l[--n] = 0;
}

/* ---- blocks ---- */

static char *zh_number(int n)
{
    static const char *d[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    fp_buf b;
    fp_buf_init(&b);
    if (n <= 0 || n > 99) {
        fp_buf_printf(&b, "%d", n);
    } else if (n < 10) {
        fp_buf_adds(&b, d[n]);
    } else {
        if (n / 10 > 1)
            fp_buf_adds(&b, d[n / 10]);
        fp_buf_adds(&b, "十");
        fp_buf_adds(&b, d[n % 10]);
    }
    return fp_buf_steal(&b);
}

static void chart(ex *x, const fp_tnode *t, const fp_scope *sc, fp_node *out);

/* A notes file was given but has no part the template places: say so once, with the notes' own parts
 * (a "# plan" meant as "# plans" is the usual reason). */
static void warn_missing_part(ex *x, const char *name)
{
    char key[160];
    snprintf(key, sizeof key, "\n%s\n", name);
    if (x->warned_parts.data && strstr(x->warned_parts.data, key))
        return;
    if (!x->warned_parts.len)
        fp_buf_addc(&x->warned_parts, '\n');
    fp_buf_printf(&x->warned_parts, "%s\n", name);
    const char *best = NULL;
    int bd = 3;
    fp_buf parts;
    fp_buf_init(&parts);
    for (size_t i = 0; i < x->notes->nparts; i++) {
        const char *p = x->notes->parts[i].name;
        fp_buf_printf(&parts, "%s\"%s\"", i ? ", " : "", p);
        int d = fp_edit_distance(name, p);
        if (d < bd) {
            bd = d;
            best = p;
        }
    }
    fp_buf_printf(x->warnings, "fupan: warning: %s has no part \"%s\", which the template places; ", x->notes->path,
                  name);
    if (best)
        fp_buf_printf(x->warnings, "did you mean \"# %s\" for \"# %s\"? ", best, name);
    fp_buf_printf(x->warnings, "its parts are: %s\n", x->notes->nparts ? parts.data : "none");
    fp_buf_free(&parts);
}

static void kpi(ex *x, const fp_tnode *t, const fp_scope *sc, fp_node *row)
{
    if (!test(t, FP_A_WHEN, sc))
        return;
    fp_node *k = fp_node_add(row, fp_node_new(FP_NODE_KPI));
    k->title = attr_text(x, t, FP_A_LABEL, sc, "");
    fp_ev v = fp_expr_eval(t->a[FP_A_VALUE].expr, sc);
    fp_buf b;
    fp_buf_init(&b);
    format_ev(x, &v, t->a[FP_A_FORMAT].set ? t->a[FP_A_FORMAT].fmt : (fp_fmt){FP_FMT_AUTO, -1}, &b);
    k->value = fp_buf_steal(&b);
    k->num = figure(&v, t->a[FP_A_FORMAT].set ? t->a[FP_A_FORMAT].fmt : (fp_fmt){FP_FMT_AUTO, -1});
    k->tone = threshold_tone(t, &v);
    fp_ev_free(&v);
    const char *good = t->a[FP_A_GOOD].set ? t->a[FP_A_GOOD].raw : "up";
    struct {
        fp_tattr_id expr, label;
        const char *zh, *en;
    } ch[2] = {{FP_A_CHANGE, FP_A_CHANGE_LABEL, "环比", "vs prev."}, {FP_A_CHANGE2, FP_A_CHANGE2_LABEL, "同比", "YoY"}};
    for (int i = 0; i < 2; i++) {
        if (!t->a[ch[i].expr].set)
            continue;
        fp_ev cv = fp_expr_eval(t->a[ch[i].expr].expr, sc);
        if (cv.type != FP_V_NUM) { /* nothing to compare with: no line rather than a dash */
            fp_ev_free(&cv);
            continue;
        }
        fp_change *c = &k->changes[k->nchanges++];
        c->label = attr_text(x, t, ch[i].label, sc, x->lang == FP_LANG_EN ? ch[i].en : ch[i].zh);
        fp_buf cb;
        fp_buf_init(&cb);
        /* a change of a fraction (mom, yoy) in per cent; of anything else (a score) in its own points,
         * never a percentage of a percentage */
        bool rel = cv.kind == FP_NUM_RATIO;
        c->dir = fp_direction(cv.n, cv.kind);
        if (rel) {
            format_ev(x, &cv, (fp_fmt){FP_FMT_SIGNED, 1}, &cb);
        } else {
            fp_buf_adds(&cb, c->dir > 0 ? "+" : c->dir < 0 ? "-" : "");
            fp_fmt_number(c->dir ? fabs(cv.n) : 0, 2, &cb);
        }
        c->text = fp_buf_steal(&cb);
        bool up_good = strcmp(good, "down") && strcmp(good, "low");
        if (!strcmp(good, "none") || c->dir == 0)
            c->tone = FP_TONE_MUTED;
        else
            c->tone = (c->dir > 0) == up_good ? FP_TONE_GOOD : FP_TONE_BAD;
        fp_ev_free(&cv);
    }
    k->note = attr_text(x, t, FP_A_NOTE, sc, NULL);
    if (t->a[FP_A_DATA].set && t->a[FP_A_Y].set) {
        /* the card's sparkline: a chart's data, kept on the card */
        fp_node *holder = fp_node_new(FP_NODE_BOX);
        chart(x, t, sc, holder);
        if (holder->nkids) {
            k->chart = holder->kids[0]->chart;
            holder->kids[0]->chart = NULL;
        }
        fp_node_free(holder);
    }
}

/* is this cell an amount of money written with a unit (format money, or money by default)? */
static bool is_amount(const fp_tnode *col, const fp_ev *v)
{
    fp_fmt f = col->a[FP_A_FORMAT].set ? col->a[FP_A_FORMAT].fmt : (fp_fmt){FP_FMT_AUTO, -1};
    return f.kind == FP_FMT_MONEY || (f.kind == FP_FMT_AUTO && v->kind == FP_NUM_MONEY);
}

/* A column of amounts is written in one unit, the total included: when its cells took different units
 * (-3,536.65元 among 万元, a total in 亿元 under rows in 万元), all are written again in the column's. */
static void one_unit_per_column(ex *x, fp_table_doc *td, const fp_tnode **cols, const double *amount, size_t nbody)
{
    size_t nc = td->ncols;
    double *v = fp_xmalloc((td->nrows ? td->nrows : 1) * sizeof *v);
    for (size_t c = 0; c < nc; c++) {
        fp_fmt f = cols[c]->a[FP_A_FORMAT].set ? cols[c]->a[FP_A_FORMAT].fmt : (fp_fmt){FP_FMT_AUTO, -1};
        size_t k = 0;
        for (size_t r = 0; r < nbody; r++)
            if (!isnan(amount[r * nc + c]))
                v[k++] = amount[r * nc + c];
        if (!k)
            continue;
        double div = fp_money_column_unit(v, k, f.digits, x->lang);
        bool mixed = false;
        for (size_t r = 0; r < td->nrows; r++) {
            double a = amount[r * nc + c];
            /* a zero too: 0.00元 among 万元 is a second unit in the column */
            mixed = mixed || (!isnan(a) && fp_money_own_unit(a, x->lang) != div);
        }
        if (!mixed)
            continue;
        for (size_t r = 0; r < td->nrows; r++) {
            double a = amount[r * nc + c];
            if (isnan(a))
                continue;
            fp_buf b;
            fp_buf_init(&b);
            fp_fmt_money_unit(a, div, f.digits, x->lang, x->currency, &b);
            free(td->cells[r * nc + c].text);
            td->cells[r * nc + c].text = fp_buf_steal(&b);
        }
    }
    free(v);
}

static void table(ex *x, const fp_tnode *t, const fp_scope *sc, fp_node *out)
{
    size_t n, all;
    const fp_value **el = items(t, FP_A_DATA, sc, &n, &all);
    fp_node *node = fp_node_add(out, fp_node_new(FP_NODE_TABLE));
    node->title = attr_text(x, t, FP_A_CAPTION, sc, NULL);
    fp_table_doc *td = fp_xcalloc(1, sizeof *td);
    node->table = td;
    /* the columns shown: a column whose when="…" (read on the report) is false is left out */
    size_t nc = 0;
    const fp_tnode **cols = fp_xmalloc((t->nkids ? t->nkids : 1) * sizeof *cols);
    for (size_t i = 0; i < t->nkids; i++)
        if (t->kids[i]->kind == FP_TK_COL && test(t->kids[i], FP_A_WHEN, sc))
            cols[nc++] = t->kids[i];
    td->ncols = nc;
    td->cols = fp_xcalloc(nc ? nc : 1, sizeof *td->cols);
    bool totals = t->a[FP_A_TOTALS].set && t->a[FP_A_TOTALS].num[0] != 0;
    td->nrows = n + (totals ? 1 : 0);
    td->has_total = totals;
    td->cells = fp_xcalloc((td->nrows ? td->nrows : 1) * (nc ? nc : 1), sizeof *td->cells);
    td->empty_text = attr_text(x, t, FP_A_EMPTY, sc, x->lang == FP_LANG_EN ? "No data" : "暂无数据");
    int *numeric = fp_xcalloc(nc ? nc : 1, sizeof *numeric);
    fp_numkind *kinds = fp_xcalloc(nc ? nc : 1, sizeof *kinds);
    /* the amounts of money columns, to write every cell of a column in one unit (NAN: not an amount) */
    size_t ncells = (td->nrows ? td->nrows : 1) * (nc ? nc : 1);
    double *amount = fp_xmalloc(ncells * sizeof *amount);
    for (size_t i = 0; i < ncells; i++)
        amount[i] = NAN;
    for (size_t c = 0; c < nc; c++) {
        td->cols[c].label = attr_text(x, cols[c], FP_A_LABEL, sc, "");
        td->cols[c].weight = cols[c]->a[FP_A_WIDTH].set ? cols[c]->a[FP_A_WIDTH].num[0] : 0;
    }
    for (size_t r = 0; r < n; r++) {
        elscope es;
        const fp_scope *s = enter(&es, sc, el[r], t->a[FP_A_AS].set ? t->a[FP_A_AS].raw : NULL, r, n);
        for (size_t c = 0; c < nc; c++) {
            fp_cell *cell = &td->cells[r * nc + c];
            fp_ev v = fp_expr_eval(cols[c]->a[FP_A_VALUE].expr, s);
            fp_buf b;
            fp_buf_init(&b);
            format_ev(x, &v, cols[c]->a[FP_A_FORMAT].set ? cols[c]->a[FP_A_FORMAT].fmt : (fp_fmt){FP_FMT_AUTO, -1},
                      &b);
            cell->text = fp_buf_steal(&b);
            cell->num = figure(&v, cols[c]->a[FP_A_FORMAT].set ? cols[c]->a[FP_A_FORMAT].fmt : (fp_fmt){FP_FMT_AUTO, -1});
            cell->tone = threshold_tone(cols[c], &v);
            if (v.type == FP_V_NUM && is_amount(cols[c], &v))
                amount[r * nc + c] = v.n;
            if (v.type == FP_V_NUM) {
                numeric[c]++;
                kinds[c] = v.kind;
            } else if (v.type == FP_V_NULL) {
                cell->tone = FP_TONE_MUTED;
            }
            if (cols[c]->a[FP_A_BOLD].set)
                cell->bold = test(cols[c], FP_A_BOLD, s);
            fp_ev_free(&v);
        }
        leave(&es);
    }
    /* the totals row: over every row that passed where, not only those shown */
    if (totals) {
        size_t r = n;
        for (size_t c = 0; c < nc; c++) {
            fp_cell *cell = &td->cells[r * nc + c];
            cell->bold = true;
            const fp_tattr *ta = &cols[c]->a[FP_A_TOTAL];
            const char *mode = ta->set ? ta->raw : (kinds[c] == FP_NUM_MONEY || kinds[c] == FP_NUM_COUNT) &&
                                                           numeric[c]
                                                       ? "sum"
                                                       : "none";
            fp_ev v = {.type = FP_V_NULL};
            if (ta->expr) {
                /* the rows where kept (also beyond limit) are "rows": sum(rows, sales) / sum(rows, target) */
                fp_value *rows = fp_v_view(el, all);
                fp_scope rs = {.outer = sc, .name = "rows", .value = rows};
                v = fp_expr_eval(ta->expr, &rs);
                fp_v_view_free(rows);
            } else if (!strcmp(mode, "sum") || !strcmp(mode, "avg") || !strcmp(mode, "count")) {
                double sum = 0;
                long cnt = 0;
                fp_numkind kind = kinds[c];
                for (size_t i = 0; i < all; i++) {
                    fp_scope fields = {.outer = sc, .fields = el[i]}, inner = fields;
                    if (t->a[FP_A_AS].set) /* the row's name, as the cells have it */
                        inner = (fp_scope){.outer = &fields, .name = t->a[FP_A_AS].raw, .value = el[i]};
                    fp_ev e = fp_expr_eval(cols[c]->a[FP_A_VALUE].expr, &inner);
                    if (e.type == FP_V_NUM) {
                        sum += e.n;
                        cnt++;
                    }
                    fp_ev_free(&e);
                }
                if (!strcmp(mode, "count"))
                    v = (fp_ev){.type = FP_V_NUM, .n = (double)all, .kind = FP_NUM_COUNT};
                else if (cnt)
                    v = (fp_ev){.type = FP_V_NUM, .n = !strcmp(mode, "avg") ? sum / (double)cnt : sum, .kind = kind};
            }
            if (v.type != FP_V_NULL) {
                fp_buf b;
                fp_buf_init(&b);
                format_ev(x, &v, cols[c]->a[FP_A_FORMAT].set ? cols[c]->a[FP_A_FORMAT].fmt : (fp_fmt){FP_FMT_AUTO, -1},
                          &b);
                cell->text = fp_buf_steal(&b);
                cell->num =
                    figure(&v, cols[c]->a[FP_A_FORMAT].set ? cols[c]->a[FP_A_FORMAT].fmt : (fp_fmt){FP_FMT_AUTO, -1});
                cell->tone = threshold_tone(cols[c], &v);
                if (v.type == FP_V_NUM && is_amount(cols[c], &v))
                    amount[r * nc + c] = v.n;
            } else {
                cell->text = fp_xstrdup(c == 0 ? (x->lang == FP_LANG_EN ? "Total" : "合计") : "");
            }
            fp_ev_free(&v);
        }
    }
    for (size_t c = 0; c < nc; c++) {
        /* numbers by their values, or by their format when no row has one (a column of — is still a figure's) */
        fp_fmt f = cols[c]->a[FP_A_FORMAT].set ? cols[c]->a[FP_A_FORMAT].fmt : (fp_fmt){FP_FMT_AUTO, -1};
        bool numfmt = f.kind != FP_FMT_AUTO && f.kind != FP_FMT_TEXT && f.kind != FP_FMT_DATE &&
                      f.kind != FP_FMT_DATE_ZH && f.kind != FP_FMT_DATE_EN && f.kind != FP_FMT_DATE_LONG;
        td->cols[c].numeric = (numeric[c] * 2 > (int)n && n > 0) || (numeric[c] == 0 && numfmt && n > 0);
        const char *al = cols[c]->a[FP_A_ALIGN].set ? cols[c]->a[FP_A_ALIGN].raw : NULL;
        td->cols[c].align = al ? (!strcmp(al, "right")    ? FP_ALIGN_RIGHT
                                  : !strcmp(al, "center") ? FP_ALIGN_CENTER
                                                          : FP_ALIGN_LEFT)
                               : td->cols[c].numeric ? FP_ALIGN_RIGHT
                                                     : FP_ALIGN_LEFT;
    }
    one_unit_per_column(x, td, cols, amount, n);
    free(amount);
    free(numeric);
    free(kinds);
    free(cols);
    free(el);
}

static void chart(ex *x, const fp_tnode *t, const fp_scope *sc, fp_node *out)
{
    size_t n;
    const fp_value **el = items(t, FP_A_DATA, sc, &n, NULL);
    fp_node *node = fp_node_add(out, fp_node_new(FP_NODE_CHART));
    node->title = attr_text(x, t, FP_A_TITLE, sc, NULL);
    fp_chart_doc *c = fp_xcalloc(1, sizeof *c);
    node->chart = c;
    c->kind = fp_xstrdup(t->a[FP_A_TYPE].set ? t->a[FP_A_TYPE].raw : "sparkline"); /* a KPI card's is a sparkline */
    c->height = t->a[FP_A_HEIGHT].set ? t->a[FP_A_HEIGHT].num[0] : 0;
    c->en = x->lang == FP_LANG_EN;
    c->options = t->a[FP_A_OPTIONS].set ? fp_xstrdup(t->a[FP_A_OPTIONS].raw) : NULL;
    c->ncats = n;
    c->cats = fp_xcalloc(n ? n : 1, sizeof *c->cats);
    const fp_tattr *y = &t->a[FP_A_Y];
    c->nseries = y->nexprs;
    c->series = fp_xcalloc(c->nseries ? c->nseries : 1, sizeof *c->series);
    /* series names: labels="实际,目标", else the expressions */
    char *labels = t->a[FP_A_LABELS].set ? text_str(x, &t->a[FP_A_LABELS].text, sc) : NULL;
    const char *lp = labels;
    for (size_t s = 0; s < c->nseries; s++) {
        if (lp && *lp) {
            const char *comma = strchr(lp, ',');
            size_t len = comma ? (size_t)(comma - lp) : strlen(lp);
            const char *tt = lp;
            size_t tl = fp_trim(&tt, len);
            c->series[s].name = fp_xstrndup(tt, tl);
            lp = comma ? comma + 1 : lp + len;
        } else {
            c->series[s].name = fp_xstrdup(fp_expr_source(y->exprs[s]));
        }
        c->series[s].values = fp_xmalloc((n ? n : 1) * sizeof(double));
    }
    free(labels);
    fp_numkind kind = FP_NUM_PLAIN;
    bool have_kind = false;
    for (size_t i = 0; i < n; i++) {
        elscope es;
        const fp_scope *s = enter(&es, sc, el[i], NULL, i, n);
        fp_buf b;
        fp_buf_init(&b);
        if (t->a[FP_A_X].set) {
            fp_ev xv = fp_expr_eval(t->a[FP_A_X].expr, s);
            format_ev(x, &xv, (fp_fmt){FP_FMT_AUTO, -1}, &b);
            fp_ev_free(&xv);
        } else {
            fp_buf_printf(&b, "%zu", i + 1);
        }
        c->cats[i] = fp_buf_steal(&b);
        /* a period still in progress (the trend's last month on 15 October) is marked in the chart */
        const fp_value *pv = fp_v_get(el[i], "partial");
        if (pv && fp_v_as_bool(pv)) {
            if (!c->partial)
                c->partial = fp_xcalloc(n, sizeof *c->partial);
            c->partial[i] = true;
        }
        for (size_t k = 0; k < c->nseries; k++) {
            fp_ev v = fp_expr_eval(y->exprs[k], s);
            c->series[k].values[i] = v.type == FP_V_NUM ? v.n : NAN;
            if (v.type == FP_V_NUM && !have_kind) {
                kind = v.kind;
                have_kind = true;
            }
            fp_ev_free(&v);
        }
        leave(&es);
    }
    const char *vf = t->a[FP_A_FORMAT].set ? fp_fmt_name(t->a[FP_A_FORMAT].fmt.kind)
                     : kind == FP_NUM_MONEY ? "money"
                     : kind == FP_NUM_RATIO ? "percent"
                     : kind == FP_NUM_COUNT ? "int"
                                            : "number";
    c->value_format = fp_xstrdup(vf);
    free(el);
}

/* the KPIs of a <kpis>, an <if>/<else> in it or a phrase placed in it */
static void kpis(ex *x, const fp_tnode *t, const fp_scope *sc, fp_node *row)
{
    bool last_if = true;
    binding *bound = NULL;
    for (size_t i = 0; i < t->nkids; i++) {
        const fp_tnode *k = t->kids[i];
        if (k->kind == FP_TK_KPI) {
            kpi(x, k, sc, row);
        } else if (k->kind == FP_TK_LET) {
            sc = let(k, sc, &bound);
        } else if (k->kind == FP_TK_IF) {
            last_if = test(k, FP_A_TEST, sc);
            if (last_if)
                kpis(x, k, sc, row);
        } else if (k->kind == FP_TK_ELSE) {
            if (!last_if)
                kpis(x, k, sc, row);
        } else if (k->kind == FP_TK_USE) {
            kpis(x, k, sc, row);
        }
    }
    unbind(bound);
}

static void block(ex *x, const fp_tnode *t, const fp_scope *sc, fp_node *out, bool *last_if)
{
    if (t->kind != FP_TK_ELSE && t->kind != FP_TK_IF && t->a[FP_A_WHEN].set && !test(t, FP_A_WHEN, sc))
        return;
    switch (t->kind) {
    case FP_TK_SECTION: {
        fp_node *s = fp_node_new(FP_NODE_SECTION);
        s->level = 1;
        s->title = attr_text(x, t, FP_A_TITLE, sc, "");
        if (t->a[FP_A_ID].set)
            s->id = fp_xstrdup(t->a[FP_A_ID].raw);
        blocks(x, t, sc, s);
        if (!s->nkids) { /* nothing to say: no section */
            fp_node_free(s);
            break;
        }
        x->section_no++;
        if (x->numbering == 0) {
            char *z = zh_number(x->section_no);
            fp_buf b;
            fp_buf_init(&b);
            fp_buf_printf(&b, "%s、", z);
            s->number = fp_buf_steal(&b);
            free(z);
        } else if (x->numbering == 1) {
            fp_buf b;
            fp_buf_init(&b);
            fp_buf_printf(&b, "%d. ", x->section_no);
            s->number = fp_buf_steal(&b);
        }
        if (!s->id) {
            fp_buf b;
            fp_buf_init(&b);
            fp_buf_printf(&b, "s%d", x->section_no);
            s->id = fp_buf_steal(&b);
        }
        fp_node_add(out, s);
        break;
    }
    case FP_TK_COVER: {
        fp_node *c = fp_node_add(out, fp_node_new(FP_NODE_COVER));
        c->title = attr_text(x, t, FP_A_TITLE, sc, x->doc->title);
        c->note = attr_text(x, t, FP_A_SUBTITLE, sc, x->doc->subject);
        for (size_t i = 0; i < t->nkids; i++) {
            if (t->kids[i]->kind != FP_TK_LINE)
                continue;
            fp_spans sp = {0};
            inlines(x, t->kids[i], sc, &sp, false, FP_TONE_NONE);
            trim_spans(&sp);
            fp_buf b;
            fp_buf_init(&b);
            for (size_t k = 0; k < sp.n; k++)
                fp_buf_adds(&b, sp.v[k].text);
            fp_spans_free(&sp);
            if (!b.len) {
                fp_buf_free(&b);
                continue;
            }
            c->lines = fp_xrealloc(c->lines, (c->nlines + 1) * sizeof *c->lines);
            c->lines[c->nlines++] = fp_buf_steal(&b);
        }
        break;
    }
    case FP_TK_H: {
        fp_spans sp = {0};
        inlines(x, t, sc, &sp, false, FP_TONE_NONE);
        trim_spans(&sp);
        if (!blank(&sp)) {
            fp_node *h = fp_node_add(out, fp_node_new(FP_NODE_HEADING));
            h->level = 2;
            fp_buf b;
            fp_buf_init(&b);
            for (size_t k = 0; k < sp.n; k++)
                fp_buf_adds(&b, sp.v[k].text);
            h->title = fp_buf_steal(&b);
        }
        fp_spans_free(&sp);
        break;
    }
    case FP_TK_P: {
        fp_node *p = fp_node_new(FP_NODE_PARAGRAPH);
        inlines(x, t, sc, &p->spans, false, FP_TONE_NONE);
        trim_spans(&p->spans);
        if (blank(&p->spans))
            fp_node_free(p);
        else
            fp_node_add(out, p);
        break;
    }
    case FP_TK_UL:
    case FP_TK_OL: {
        fp_node *l = fp_node_new(FP_NODE_LIST);
        l->ordered = t->kind == FP_TK_OL;
        blocks(x, t, sc, l);
        if (l->nkids)
            fp_node_add(out, l);
        else
            fp_node_free(l);
        break;
    }
    case FP_TK_LI: {
        fp_node *it = fp_node_new(FP_NODE_ITEM);
        inlines(x, t, sc, &it->spans, false, FP_TONE_NONE);
        trim_spans(&it->spans);
        if (blank(&it->spans))
            fp_node_free(it);
        else
            fp_node_add(out, it);
        break;
    }
    case FP_TK_KPIS: {
        fp_node *row = fp_node_new(FP_NODE_KPIS);
        kpis(x, t, sc, row);
        if (row->nkids)
            fp_node_add(out, row);
        else
            fp_node_free(row);
        break;
    }
    case FP_TK_TABLE:
        table(x, t, sc, out);
        break;
    case FP_TK_CHART:
        chart(x, t, sc, out);
        break;
    case FP_TK_IF:
        *last_if = test(t, FP_A_TEST, sc);
        if (*last_if)
            blocks(x, t, sc, out);
        break;
    case FP_TK_ELSE:
        if (!*last_if)
            blocks(x, t, sc, out);
        break;
    case FP_TK_EACH: {
        size_t n;
        const fp_value **el = items(t, FP_A_IN, sc, &n, NULL);
        for (size_t e = 0; e < n; e++) {
            elscope es;
            const fp_scope *s = enter(&es, sc, el[e], t->a[FP_A_AS].raw, e, n);
            blocks(x, t, s, out);
            leave(&es);
        }
        free(el);
        break;
    }
    case FP_TK_NOTES: {
        const fp_notes_part *part = fp_notes_find(x->notes, t->a[FP_A_PART].raw);
        if (!part && x->notes && x->warnings && !t->nkids) /* (a stand-in was written for the missing part) */
            warn_missing_part(x, t->a[FP_A_PART].raw);
        if (part && part->body->nkids) {
            char *title = attr_text(x, t, FP_A_TITLE, sc, NULL);
            if (title && *title) {
                fp_node *h = fp_node_add(out, fp_node_new(FP_NODE_HEADING));
                h->level = 2;
                h->title = title;
            } else {
                free(title);
            }
            for (size_t i = 0; i < part->body->nkids; i++)
                fp_node_add(out, fp_node_clone(part->body->kids[i]));
        } else {
            blocks(x, t, sc, out); /* what the template says when the notes have nothing */
        }
        break;
    }
    case FP_TK_BOX: {
        fp_node *b = fp_node_new(FP_NODE_BOX);
        b->title = attr_text(x, t, FP_A_TITLE, sc, NULL);
        const char *tone = t->a[FP_A_TONE].set ? t->a[FP_A_TONE].raw : "accent";
        b->tone = !strcmp(tone, "good")   ? FP_TONE_GOOD
                  : !strcmp(tone, "warn") ? FP_TONE_WARN
                  : !strcmp(tone, "bad")  ? FP_TONE_BAD
                  : !strcmp(tone, "muted") ? FP_TONE_MUTED
                                           : FP_TONE_ACCENT;
        blocks(x, t, sc, b);
        if (b->nkids)
            fp_node_add(out, b);
        else
            fp_node_free(b);
        break;
    }
    case FP_TK_PAGEBREAK:
        fp_node_add(out, fp_node_new(FP_NODE_PAGEBREAK));
        break;
    case FP_TK_USE: /* a phrase placed here: its parameters, then its body */
        blocks(x, t, sc, out);
        break;
    case FP_TK_LET: /* bound by blocks() for the siblings that follow */
    case FP_TK_REPORT:
    case FP_TK_LINE:
    case FP_TK_KPI:
    case FP_TK_COL:
    case FP_TK_PHRASE:
    case FP_TK_INCLUDE:
    case FP_TK_WORD:
    case FP_TK_WORDS:
    case FP_TK_TEXT:
    case FP_TK_B:
    case FP_TK_GOOD:
    case FP_TK_WARN:
    case FP_TK_BAD:
    case FP_TK_MUTED:
    case FP_TK_ACCENT:
    case FP_TK_KIND_COUNT:
        break; /* not a block: the checker saw to it */
    }
}

static void blocks(ex *x, const fp_tnode *t, const fp_scope *sc, fp_node *out)
{
    bool last_if = true;
    binding *bound = NULL;
    for (size_t i = 0; i < t->nkids; i++) {
        if (t->kids[i]->kind == FP_TK_LET)
            sc = let(t->kids[i], sc, &bound);
        else
            block(x, t->kids[i], sc, out, &last_if);
    }
    unbind(bound);
}

fp_status fp_expand(const fp_template *t, const fp_value *metrics, const fp_notes *notes, const fp_expand_opts *o,
                    fp_doc **out, fp_error *err)
{
    (void)err;
    *out = NULL;
    const fp_tnode *r = t->root;
    ex x = {.t = t, .notes = notes, .warnings = o ? o->warnings : NULL};
    fp_buf_init(&x.warned_parts);
    x.lang = t->lang ? (!strcmp(t->lang, "en") ? FP_LANG_EN : FP_LANG_ZH)
                     : r->a[FP_A_LANG].set && !strcmp(r->a[FP_A_LANG].raw, "en") ? FP_LANG_EN
                                                                               : FP_LANG_ZH;
    x.currency = fp_currency_find(fp_v_as_str(fp_v_get(fp_v_get(metrics, "data"), "currency")));
    const char *num = r->a[FP_A_NUMBERING].set ? r->a[FP_A_NUMBERING].raw : (x.lang == FP_LANG_EN ? "arabic" : "zh");
    x.numbering = !strcmp(num, "zh") ? 0 : !strcmp(num, "arabic") ? 1 : 2;
    fp_doc *d = fp_doc_new();
    x.doc = d;
    d->lang = fp_xstrdup(x.lang == FP_LANG_EN ? "en" : "zh");
    d->kind = fp_xstrdup(r->a[FP_A_KIND].set ? r->a[FP_A_KIND].raw : "custom");
    d->money_symbol = fp_xstrdup((x.currency ? x.currency : fp_currency_default())->symbol);
    if (r->a[FP_A_PAGE].set)
        snprintf(d->page, sizeof d->page, "%s", r->a[FP_A_PAGE].raw);
    d->landscape = r->a[FP_A_ORIENTATION].set && !strcmp(r->a[FP_A_ORIENTATION].raw, "landscape");

    /* report.* and notes.*: what templates know beyond the metrics */
    const fp_value *scope = fp_v_get(metrics, "scope"), *period = fp_v_get(metrics, "period");
    const char *sname = fp_v_as_str(fp_v_get(scope, "name"));
    const char *skind = fp_v_as_str(fp_v_get(scope, "kind"));
    const char *plabel = fp_v_as_str(fp_v_get(period, x.lang == FP_LANG_EN ? "label_en" : "label_zh"));
    char scope_label[256];
    if (skind && !strcmp(skind, "company"))
        snprintf(scope_label, sizeof scope_label, "%s", x.lang == FP_LANG_EN ? "Company" : "全公司");
    else
        snprintf(scope_label, sizeof scope_label, "%s", sname ? sname : "");
    const char *date = o && o->date ? o->date : "";
    const char *author = o && o->author && *o->author ? o->author : fp_notes_meta(notes, "author");
    fp_report_facts facts = {.date = date,
                             .author = author,
                             .kind = d->kind,
                             .lang = d->lang,
                             .scope_label = scope_label,
                             .lang_en = x.lang == FP_LANG_EN};
    fp_value *extras = fp_names_report(&facts, notes, 0);
    fp_value *rep = (fp_value *)fp_v_get(extras, "report"); /* ours: report.title is set below */
    fp_scope base = {.fields = metrics};
    fp_scope names = {.outer = &base, .fields = extras};
    /* the words of the template's language (its libraries' <word>s), borrowed */
    fp_value *no_words = t->words ? NULL : fp_v_obj();
    fp_scope top = {.outer = &names, .name = "words", .value = t->words ? t->words : no_words};

    d->title = attr_text(&x, r, FP_A_TITLE, &top, "");
    fp_v_set(rep, "title", fp_v_str(d->title));
    fp_buf sub;
    fp_buf_init(&sub);
    if (r->a[FP_A_SUBTITLE].set)
        text_eval(&x, &r->a[FP_A_SUBTITLE].text, &top, &sub);
    else
        fp_buf_printf(&sub, "%s · %s", scope_label, plabel ? plabel : "");
    d->subject = fp_buf_steal(&sub);
    d->author = attr_text(&x, r, FP_A_AUTHOR, &top, author ? author : "");
    d->date = attr_text(&x, r, FP_A_DATE, &top, NULL);
    if (!d->date) {
        fp_buf b;
        fp_buf_init(&b);
        fp_format_text(date, (fp_fmt){x.lang == FP_LANG_EN ? FP_FMT_DATE_EN : FP_FMT_DATE_ZH, -1}, x.lang, &b);
        d->date = fp_buf_steal(&b);
    }
    blocks(&x, r, &top, d->root);
    fp_v_free(extras);
    fp_v_free(no_words);
    fp_buf_free(&x.warned_parts);
    *out = d;
    return FP_OK;
}
