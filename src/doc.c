/* doc.c — building and freeing the document tree. */
#include "doc.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

fp_doc *fp_doc_new(void)
{
    fp_doc *d = fp_xcalloc(1, sizeof *d);
    strcpy(d->page, "A4");
    d->root = fp_node_new(FP_NODE_DOCUMENT);
    return d;
}

void fp_doc_free(fp_doc *d)
{
    if (!d)
        return;
    free(d->title);
    free(d->subject);
    free(d->author);
    free(d->date);
    free(d->lang);
    free(d->money_symbol);
    free(d->kind);
    fp_node_free(d->root);
    free(d);
}

fp_node *fp_node_new(fp_node_type t)
{
    fp_node *n = fp_xcalloc(1, sizeof *n);
    n->type = t;
    return n;
}

static void table_free(fp_table_doc *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ncols; i++)
        free(t->cols[i].label);
    for (size_t i = 0; i < t->ncols * t->nrows; i++)
        free(t->cells[i].text);
    free(t->cols);
    free(t->cells);
    free(t->empty_text);
    free(t);
}

static void chart_free(fp_chart_doc *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->ncats; i++)
        free(c->cats[i]);
    for (size_t i = 0; i < c->nseries; i++) {
        free(c->series[i].name);
        free(c->series[i].values);
    }
    free(c->cats);
    free(c->partial);
    free(c->series);
    free(c->kind);
    free(c->value_format);
    free(c->options);
    free(c);
}

void fp_node_free(fp_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        fp_node_free(n->kids[i]);
    free(n->kids);
    free(n->title);
    free(n->number);
    free(n->id);
    free(n->value);
    free(n->note);
    fp_spans_free(&n->spans);
    for (size_t i = 0; i < n->nchanges; i++) {
        free(n->changes[i].label);
        free(n->changes[i].text);
    }
    for (size_t i = 0; i < n->nlines; i++)
        free(n->lines[i]);
    free(n->lines);
    table_free(n->table);
    chart_free(n->chart);
    free(n);
}

fp_node *fp_node_add(fp_node *parent, fp_node *child)
{
    fp_xgrow((void **)&parent->kids, &parent->cap, parent->nkids + 1, sizeof *parent->kids);
    parent->kids[parent->nkids++] = child;
    return child;
}

static char *dup(const char *s)
{
    return s ? fp_xstrdup(s) : NULL;
}

fp_node *fp_node_clone(const fp_node *n)
{
    fp_node *c = fp_node_new(n->type);
    c->title = dup(n->title);
    c->number = dup(n->number);
    c->id = dup(n->id);
    c->level = n->level;
    for (size_t i = 0; i < n->spans.n; i++)
        fp_spans_add(&c->spans, n->spans.v[i].text, n->spans.v[i].bold, n->spans.v[i].tone);
    c->ordered = n->ordered;
    c->tone = n->tone;
    c->value = dup(n->value);
    c->num = n->num;
    c->note = dup(n->note);
    c->nchanges = n->nchanges;
    for (size_t i = 0; i < n->nchanges; i++) {
        c->changes[i] = n->changes[i];
        c->changes[i].label = dup(n->changes[i].label);
        c->changes[i].text = dup(n->changes[i].text);
    }
    if (n->nlines) {
        c->lines = fp_xmalloc(n->nlines * sizeof *c->lines);
        for (size_t i = 0; i < n->nlines; i++)
            c->lines[i] = fp_xstrdup(n->lines[i]);
        c->nlines = n->nlines;
    }
    /* tables and charts come from templates, never from notes: not copied */
    for (size_t i = 0; i < n->nkids; i++)
        fp_node_add(c, fp_node_clone(n->kids[i]));
    return c;
}

void fp_spans_add(fp_spans *s, const char *text, bool bold, fp_tone tone)
{
    if (!text || !*text)
        return;
    /* merge with the previous span when it looks the same */
    if (s->n && s->v[s->n - 1].bold == bold && s->v[s->n - 1].tone == tone) {
        fp_span *p = &s->v[s->n - 1];
        size_t a = strlen(p->text), b = strlen(text);
        p->text = fp_xrealloc(p->text, a + b + 1);
        memcpy(p->text + a, text, b + 1);
        return;
    }
    s->v = fp_xrealloc(s->v, (s->n + 1) * sizeof *s->v);
    s->v[s->n++] = (fp_span){fp_xstrdup(text), bold, tone};
}

void fp_spans_free(fp_spans *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].text);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

static void text_into(const fp_node *n, fp_buf *b)
{
    if (n->number)
        fp_buf_adds(b, n->number);
    if (n->title) {
        fp_buf_adds(b, n->title);
        fp_buf_addc(b, '\n');
    }
    for (size_t i = 0; i < n->spans.n; i++)
        fp_buf_adds(b, n->spans.v[i].text);
    if (n->spans.n)
        fp_buf_addc(b, '\n');
    if (n->value) {
        fp_buf_adds(b, n->value);
        fp_buf_addc(b, '\n');
    }
    for (size_t i = 0; i < n->nchanges; i++)
        fp_buf_printf(b, "%s %s\n", n->changes[i].label, n->changes[i].text);
    if (n->note) {
        fp_buf_adds(b, n->note);
        fp_buf_addc(b, '\n');
    }
    for (size_t i = 0; i < n->nlines; i++) {
        fp_buf_adds(b, n->lines[i]);
        fp_buf_addc(b, '\n');
    }
    if (n->table) {
        const fp_table_doc *t = n->table;
        for (size_t c = 0; c < t->ncols; c++)
            fp_buf_printf(b, "%s%s", c ? "\t" : "", t->cols[c].label);
        fp_buf_addc(b, '\n');
        for (size_t r = 0; r < t->nrows; r++) {
            for (size_t c = 0; c < t->ncols; c++)
                fp_buf_printf(b, "%s%s", c ? "\t" : "", t->cells[r * t->ncols + c].text);
            fp_buf_addc(b, '\n');
        }
        if (!t->nrows && t->empty_text)
            fp_buf_printf(b, "%s\n", t->empty_text);
    }
    for (size_t i = 0; i < n->nkids; i++)
        text_into(n->kids[i], b);
}

char *fp_node_text(const fp_node *n)
{
    fp_buf b;
    fp_buf_init(&b);
    text_into(n, &b);
    return fp_buf_steal(&b);
}

const char *fp_node_type_name(fp_node_type t)
{
    switch (t) {
    case FP_NODE_DOCUMENT:
        return "document";
    case FP_NODE_COVER:
        return "cover";
    case FP_NODE_SECTION:
        return "section";
    case FP_NODE_HEADING:
        return "heading";
    case FP_NODE_PARAGRAPH:
        return "paragraph";
    case FP_NODE_LIST:
        return "list";
    case FP_NODE_ITEM:
        return "item";
    case FP_NODE_KPIS:
        return "kpis";
    case FP_NODE_KPI:
        return "kpi";
    case FP_NODE_TABLE:
        return "table";
    case FP_NODE_CHART:
        return "chart";
    case FP_NODE_BOX:
        return "box";
    case FP_NODE_PAGEBREAK:
        return "pagebreak";
    }
    return "?";
}

const char *fp_tone_name(fp_tone t)
{
    switch (t) {
    case FP_TONE_NONE:
        return "";
    case FP_TONE_GOOD:
        return "good";
    case FP_TONE_WARN:
        return "warn";
    case FP_TONE_BAD:
        return "bad";
    case FP_TONE_MUTED:
        return "muted";
    case FP_TONE_ACCENT:
        return "accent";
    }
    return "";
}
