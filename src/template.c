/* template.c — reading and checking report templates.
 *
 * The XML is read into memory, refused if it declares a DOCTYPE, parsed by
 * libxml2 without network access or entity substitution, and walked once.
 * The walk knows every element (ELEMS) and attribute (ATTRS) of the language:
 * it types each attribute, parses each expression and placeholder, checks each
 * name against the shape of the metrics with the scopes that tables and loops
 * open, and collects every problem with its line. Only a template with no
 * problem is then validated against templates/template.rng, so the schema is
 * the contract and fupan's own messages are the ones users read.
 */
#include "template.h"

#include "metrics_value.h"
#include "xmlsafe.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_TEMPLATE_BYTES (2u << 20)
#define MAX_PROBLEMS 50
#define MAX_NESTING 40

typedef enum atype {
    AT_TEXT,     /* text with {placeholders} */
    AT_EXPR,
    AT_LIST,     /* an expression that must give a list */
    AT_FORMAT,
    AT_ENUM,
    AT_ENUMS,    /* comma-separated enum values */
    AT_NUMS,     /* one or two numbers: "0.9,1" */
    AT_NUMBER,
    AT_NAME,
    AT_SORT,     /* an expression, "-" first for descending */
    AT_BOOL,
    AT_EXPRS,    /* comma-separated expressions */
    AT_TOTAL,    /* sum, avg, count, none, or an expression */
    AT_RAW
} atype;

typedef struct attrdef {
    const char *name;
    atype type;
    const char *values; /* enum values, space-separated */
    bool element_scope; /* evaluated for each element of the node's data */
} attrdef;

static const attrdef ATTRS[FP_A_COUNT] = {
    [FP_A_TITLE] = {"title", AT_TEXT, NULL, false},
    [FP_A_SUBTITLE] = {"subtitle", AT_TEXT, NULL, false},
    [FP_A_AUTHOR] = {"author", AT_TEXT, NULL, false},
    [FP_A_DATE] = {"date", AT_TEXT, NULL, false},
    [FP_A_KIND] = {"kind", AT_ENUM, "weekly monthly quarterly annual self-review retrospective rollup custom", false},
    [FP_A_LANG] = {"lang", AT_ENUM, "zh en", false},
    [FP_A_PAGE] = {"page", AT_ENUM, "A4 A3 letter", false},
    [FP_A_ORIENTATION] = {"orientation", AT_ENUM, "portrait landscape", false},
    [FP_A_NUMBERING] = {"numbering", AT_ENUM, "zh arabic none", false},
    [FP_A_PERIODS] = {"periods", AT_ENUMS, "week month quarter year", false},
    [FP_A_ID] = {"id", AT_NAME, NULL, false},
    [FP_A_WHEN] = {"when", AT_EXPR, NULL, false},
    [FP_A_LABEL] = {"label", AT_TEXT, NULL, false},
    [FP_A_VALUE] = {"value", AT_EXPR, NULL, true},
    [FP_A_FORMAT] = {"format", AT_FORMAT, NULL, false},
    [FP_A_GOOD] = {"good", AT_ENUM, "up down high low none", false},
    [FP_A_THRESHOLDS] = {"thresholds", AT_NUMS, NULL, false},
    [FP_A_CHANGE] = {"change", AT_EXPR, NULL, false},
    [FP_A_CHANGE_LABEL] = {"change-label", AT_TEXT, NULL, false},
    [FP_A_CHANGE2] = {"change2", AT_EXPR, NULL, false},
    [FP_A_CHANGE2_LABEL] = {"change2-label", AT_TEXT, NULL, false},
    [FP_A_NOTE] = {"note", AT_TEXT, NULL, false},
    [FP_A_DATA] = {"data", AT_LIST, NULL, false},
    [FP_A_AS] = {"as", AT_NAME, NULL, false},
    [FP_A_WHERE] = {"where", AT_EXPR, NULL, true},
    [FP_A_SORT] = {"sort", AT_SORT, NULL, true},
    [FP_A_LIMIT] = {"limit", AT_NUMBER, NULL, false},
    [FP_A_TOTALS] = {"totals", AT_BOOL, NULL, false},
    [FP_A_CAPTION] = {"caption", AT_TEXT, NULL, false},
    [FP_A_EMPTY] = {"empty", AT_TEXT, NULL, false},
    [FP_A_ALIGN] = {"align", AT_ENUM, "left right center", false},
    [FP_A_TOTAL] = {"total", AT_TOTAL, NULL, false},
    [FP_A_WIDTH] = {"width", AT_NUMBER, NULL, false},
    [FP_A_TYPE] = {"type", AT_ENUM,
                   "bar hbar grouped stacked line pie donut bullet gauge pareto funnel waterfall radar sparkline",
                   false},
    [FP_A_X] = {"x", AT_EXPR, NULL, true},
    [FP_A_Y] = {"y", AT_EXPRS, NULL, true},
    [FP_A_LABELS] = {"labels", AT_TEXT, NULL, false},
    [FP_A_HEIGHT] = {"height", AT_NUMBER, NULL, false},
    [FP_A_OPTIONS] = {"options", AT_RAW, NULL, false},
    [FP_A_TEST] = {"test", AT_EXPR, NULL, false},
    [FP_A_IN] = {"in", AT_LIST, NULL, false},
    [FP_A_SEP] = {"sep", AT_RAW, NULL, false},
    [FP_A_PART] = {"part", AT_NAME, NULL, false},
    [FP_A_TONE] = {"tone", AT_ENUM, "good warn bad muted accent", false},
    [FP_A_BOLD] = {"bold", AT_EXPR, NULL, true},
};

typedef enum content {
    C_EMPTY,
    C_REPORT,   /* cover, sections and blocks */
    C_BLOCKS,
    C_INLINE,   /* text, inline markup, if/else/each */
    C_SAME,     /* if, else, each: whatever their parent holds */
    C_KPIS,
    C_TABLE,
    C_COVER,
    C_LIST
} content;

#define MAXA 14
typedef struct elemdef {
    const char *name;
    content content;
    fp_tattr_id attrs[MAXA];
    fp_tattr_id required[3];
    const char *doc; /* where it may stand, for messages */
} elemdef;

#define END FP_A_COUNT
static const elemdef ELEMS[FP_TK_KIND_COUNT] = {
    [FP_TK_REPORT] = {"report",
                     C_REPORT,
                     {FP_A_TITLE, FP_A_SUBTITLE, FP_A_AUTHOR, FP_A_DATE, FP_A_KIND, FP_A_LANG, FP_A_PAGE,
                      FP_A_ORIENTATION, FP_A_NUMBERING, FP_A_PERIODS, END},
                     {FP_A_TITLE, END},
                     "the root"},
    [FP_TK_COVER] = {"cover", C_COVER, {FP_A_TITLE, FP_A_SUBTITLE, END}, {END}, "in <report>"},
    [FP_TK_LINE] = {"line", C_INLINE, {END}, {END}, "in <cover>"},
    [FP_TK_SECTION] = {"section", C_BLOCKS, {FP_A_TITLE, FP_A_ID, FP_A_WHEN, END}, {FP_A_TITLE, END}, "in <report>"},
    [FP_TK_H] = {"h", C_INLINE, {FP_A_WHEN, END}, {END}, "a block"},
    [FP_TK_P] = {"p", C_INLINE, {FP_A_WHEN, END}, {END}, "a block"},
    [FP_TK_UL] = {"ul", C_LIST, {FP_A_WHEN, END}, {END}, "a block"},
    [FP_TK_OL] = {"ol", C_LIST, {FP_A_WHEN, END}, {END}, "a block"},
    [FP_TK_LI] = {"li", C_INLINE, {FP_A_WHEN, END}, {END}, "in <ul> or <ol>"},
    [FP_TK_KPIS] = {"kpis", C_KPIS, {FP_A_WHEN, END}, {END}, "a block"},
    [FP_TK_KPI] = {"kpi",
                  C_EMPTY,
                  {FP_A_LABEL, FP_A_VALUE, FP_A_FORMAT, FP_A_GOOD, FP_A_THRESHOLDS, FP_A_CHANGE, FP_A_CHANGE_LABEL,
                   FP_A_CHANGE2, FP_A_CHANGE2_LABEL, FP_A_NOTE, FP_A_WHEN, FP_A_DATA, FP_A_Y, END},
                  {FP_A_LABEL, FP_A_VALUE, END},
                  "in <kpis>"},
    [FP_TK_TABLE] = {"table",
                    C_TABLE,
                    {FP_A_DATA, FP_A_AS, FP_A_WHERE, FP_A_SORT, FP_A_LIMIT, FP_A_TOTALS, FP_A_CAPTION, FP_A_EMPTY,
                     FP_A_WHEN, END},
                    {FP_A_DATA, END},
                    "a block"},
    [FP_TK_COL] = {"col",
                  C_EMPTY,
                  {FP_A_LABEL, FP_A_VALUE, FP_A_FORMAT, FP_A_ALIGN, FP_A_TOTAL, FP_A_THRESHOLDS, FP_A_GOOD, FP_A_WIDTH,
                   FP_A_BOLD, FP_A_WHEN, END},
                  {FP_A_LABEL, FP_A_VALUE, END},
                  "in <table>"},
    [FP_TK_CHART] = {"chart",
                    C_EMPTY,
                    {FP_A_TYPE, FP_A_DATA, FP_A_X, FP_A_Y, FP_A_LABELS, FP_A_TITLE, FP_A_FORMAT, FP_A_HEIGHT,
                     FP_A_WHERE, FP_A_SORT, FP_A_LIMIT, FP_A_OPTIONS, FP_A_WHEN, END},
                    {FP_A_TYPE, FP_A_DATA, FP_A_Y},
                    "a block"},
    [FP_TK_IF] = {"if", C_SAME, {FP_A_TEST, END}, {FP_A_TEST, END}, "a block or inside text"},
    [FP_TK_ELSE] = {"else", C_SAME, {END}, {END}, "right after an <if>"},
    [FP_TK_EACH] = {"each",
                   C_SAME,
                   {FP_A_IN, FP_A_AS, FP_A_WHERE, FP_A_SORT, FP_A_LIMIT, FP_A_SEP, END},
                   {FP_A_IN, FP_A_AS, END},
                   "a block or inside text"},
    [FP_TK_NOTES] = {"notes", C_BLOCKS, {FP_A_PART, FP_A_TITLE, END}, {FP_A_PART, END}, "a block"},
    [FP_TK_BOX] = {"box", C_BLOCKS, {FP_A_TITLE, FP_A_TONE, FP_A_WHEN, END}, {END}, "a block"},
    [FP_TK_PAGEBREAK] = {"pagebreak", C_EMPTY, {FP_A_WHEN, END}, {END}, "a block"},
    [FP_TK_TEXT] = {"#text", C_EMPTY, {END}, {END}, "text"},
    [FP_TK_B] = {"b", C_INLINE, {END}, {END}, "inside text"},
    [FP_TK_GOOD] = {"good", C_INLINE, {END}, {END}, "inside text"},
    [FP_TK_WARN] = {"warn", C_INLINE, {END}, {END}, "inside text"},
    [FP_TK_BAD] = {"bad", C_INLINE, {END}, {END}, "inside text"},
    [FP_TK_MUTED] = {"muted", C_INLINE, {END}, {END}, "inside text"},
    [FP_TK_ACCENT] = {"accent", C_INLINE, {END}, {END}, "inside text"},
};

static const fp_tkind BLOCK_KINDS[] = {FP_TK_H,  FP_TK_P,     FP_TK_UL,    FP_TK_OL,  FP_TK_KPIS,
                                       FP_TK_TABLE, FP_TK_CHART, FP_TK_IF, FP_TK_ELSE, FP_TK_EACH,
                                       FP_TK_NOTES, FP_TK_BOX, FP_TK_PAGEBREAK};
static const fp_tkind INLINE_KINDS[] = {FP_TK_B,   FP_TK_GOOD, FP_TK_WARN, FP_TK_BAD,
                                        FP_TK_MUTED, FP_TK_ACCENT, FP_TK_IF, FP_TK_ELSE, FP_TK_EACH};

const char *fp_tkind_name(fp_tkind k)
{
    return (unsigned)k < FP_TK_KIND_COUNT ? ELEMS[k].name : "?";
}

/* ---- problems ---- */

typedef struct ctx {
    const char *path;
    fp_buf text;
    int count;
    const fp_scope *table_outer; /* the scope of the table being read: where column totals are evaluated */
    const fp_value *table_rows;  /* the table's list (its shape), bound as "rows" in a column's total */
} ctx;

static void problem(ctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem(ctx *c, int line, const char *fmt, ...)
{
    if (c->count >= MAX_PROBLEMS) {
        if (c->count++ == MAX_PROBLEMS)
            fp_buf_printf(&c->text, "\n%s: … and more problems; fix these first", c->path);
        return;
    }
    char msg[1800];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char one[2000];
    if (line > 0)
        snprintf(one, sizeof one, "%s:%d: %s", c->path, line, msg);
    else
        snprintf(one, sizeof one, "%s: %s", c->path, msg);
    if (c->count && c->text.len >= strlen(one) && !strcmp(c->text.data + c->text.len - strlen(one), one))
        return; /* libxml2 repeats itself */
    if (c->count)
        fp_buf_addc(&c->text, '\n');
    fp_buf_adds(&c->text, one);
    c->count++;
}

/* ---- text with placeholders ---- */

static void ttext_free(fp_ttext *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->seg[i].lit);
        fp_expr_free(t->seg[i].expr);
    }
    free(t->seg);
    t->seg = NULL;
    t->n = 0;
}

static void seg_lit(fp_ttext *t, const char *s, size_t n)
{
    if (!n)
        return;
    if (t->n && t->seg[t->n - 1].lit) {
        fp_tseg *p = &t->seg[t->n - 1];
        size_t a = strlen(p->lit);
        p->lit = fp_xrealloc(p->lit, a + n + 1);
        memcpy(p->lit + a, s, n);
        p->lit[a + n] = 0;
        return;
    }
    t->seg = fp_xrealloc(t->seg, (t->n + 1) * sizeof *t->seg);
    t->seg[t->n++] = (fp_tseg){fp_xstrndup(s, n), NULL, {FP_FMT_AUTO, -1}};
}

/* Parses "literal {expr|format} literal"; "{{" and "}}" are literal braces. Expressions are checked in
 * scope. Returns false after reporting a problem. */
static bool parse_ttext(ctx *c, int line, const char *what, const char *s, const fp_scope *scope, fp_ttext *out)
{
    const char *p = s;
    while (*p) {
        if (p[0] == '{' && p[1] == '{') {
            seg_lit(out, "{", 1);
            p += 2;
            continue;
        }
        if (p[0] == '}' && p[1] == '}') {
            seg_lit(out, "}", 1);
            p += 2;
            continue;
        }
        if (*p == '}') {
            problem(c, line, "%s: a \"}\" without \"{\"; write \"}}\" for a brace", what);
            return false;
        }
        if (*p != '{') {
            const char *q = p;
            while (*q && *q != '{' && *q != '}')
                q++;
            seg_lit(out, p, (size_t)(q - p));
            p = q;
            continue;
        }
        /* a placeholder: find its end, outside quotes; the format follows the last single '|' */
        const char *start = ++p, *bar = NULL;
        char quote = 0;
        int depth = 0;
        for (; *p; p++) {
            if (quote) {
                if (*p == '\\' && p[1])
                    p++;
                else if (*p == quote)
                    quote = 0;
            } else if (*p == '"' || *p == '\'') {
                quote = *p;
            } else if (*p == '(' || *p == '[') {
                depth++;
            } else if (*p == ')' || *p == ']') {
                depth--;
            } else if (*p == '|' && depth == 0) {
                if (p[1] == '|')
                    p++;
                else
                    bar = p;
            } else if (*p == '}' && depth <= 0) {
                break;
            }
        }
        if (*p != '}') {
            problem(c, line, "%s: the placeholder \"{%.40s\" has no closing \"}\"", what, start);
            return false;
        }
        char *src = fp_xstrndup(start, (size_t)((bar ? bar : p) - start));
        fp_fmt fmt = {FP_FMT_AUTO, -1};
        if (bar) {
            char *spec = fp_xstrndup(bar + 1, (size_t)(p - bar - 1));
            const char *sp = spec;
            size_t sl = fp_trim(&sp, strlen(spec));
            char *trimmed = fp_xstrndup(sp, sl);
            char why[600];
            bool ok = fp_fmt_parse(trimmed, &fmt, why, sizeof why);
            free(trimmed);
            free(spec);
            if (!ok) {
                problem(c, line, "%s: in {%s|…}: %s", what, src, why);
                free(src);
                return false;
            }
        }
        fp_expr *e;
        fp_error err;
        if (fp_expr_parse(src, &e, &err) != FP_OK) {
            problem(c, line, "%s: in {%s}: %s", what, src, err.msg);
            free(src);
            return false;
        }
        if (scope && fp_expr_check(e, scope, &err) != FP_OK) {
            problem(c, line, "%s: in {%s}: %s", what, src, err.msg);
            fp_expr_free(e);
            free(src);
            return false;
        }
        free(src);
        out->seg = fp_xrealloc(out->seg, (out->n + 1) * sizeof *out->seg);
        out->seg[out->n++] = (fp_tseg){NULL, e, fmt};
        p++;
    }
    return true;
}

/* ---- the tree ---- */

static fp_tnode *tnode_new(fp_tkind k, int line)
{
    fp_tnode *n = fp_xcalloc(1, sizeof *n);
    n->kind = k;
    n->line = line;
    return n;
}

static void tnode_free(fp_tnode *n)
{
    if (!n)
        return;
    for (int i = 0; i < FP_A_COUNT; i++) {
        fp_tattr *a = &n->a[i];
        free(a->raw);
        ttext_free(&a->text);
        fp_expr_free(a->expr);
        for (size_t k = 0; k < a->nexprs; k++)
            fp_expr_free(a->exprs[k]);
        free(a->exprs);
    }
    ttext_free(&n->text);
    for (size_t i = 0; i < n->nkids; i++)
        tnode_free(n->kids[i]);
    free(n->kids);
    free(n);
}

static void tnode_add(fp_tnode *p, fp_tnode *k)
{
    fp_xgrow((void **)&p->kids, &p->cap, p->nkids + 1, sizeof *p->kids);
    p->kids[p->nkids++] = k;
}

static bool enum_has(const char *values, const char *v, size_t n)
{
    const char *p = values;
    while (*p) {
        const char *sp = strchr(p, ' ');
        size_t len = sp ? (size_t)(sp - p) : strlen(p);
        if (len == n && !strncmp(p, v, n))
            return true;
        p += len + (sp ? 1 : 0);
    }
    return false;
}

static bool parse_number(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (end == s || *end || !isfinite(v))
        return false;
    *out = v;
    return true;
}

static const char *attr_where(const fp_tnode *n, const attrdef *d, char *buf, size_t len)
{
    snprintf(buf, len, "<%s %s=\"…\">", ELEMS[n->kind].name, d->name);
    return buf;
}

/* a chart's options="key=value;…": the keys chart.c reads, with values it understands */
static void check_options(ctx *c, int line, const char *where, const char *v)
{
    static const char *const keys = "dashed (a series number), thresholds (two numbers, \"0.8,1\"), max (a number), "
                                    "labels (yes or no), sort (yes or no)";
    for (const char *p = v; *p;) {
        const char *semi = strchr(p, ';');
        size_t len = semi ? (size_t)(semi - p) : strlen(p);
        char kv[128];
        snprintf(kv, sizeof kv, "%.*s", (int)(len < sizeof kv ? len : sizeof kv - 1), p);
        p += len + (semi ? 1 : 0);
        char *k = kv;
        while (*k == ' ')
            k++;
        if (!*k)
            continue;
        char *eq = strchr(k, '=');
        if (!eq) {
            problem(c, line, "%s: \"%s\" is not key=value; the options are %s", where, k, keys);
            continue;
        }
        *eq = 0;
        const char *val = eq + 1;
        char *end;
        double a, b;
        bool ok;
        if (!strcmp(k, "dashed"))
            ok = strtol(val, &end, 10) >= 1 && !*end;
        else if (!strcmp(k, "thresholds"))
            ok = sscanf(val, "%lf,%lf", &a, &b) == 2 && a <= b;
        else if (!strcmp(k, "max"))
            ok = strtod(val, &end) > 0 && !*end;
        else if (!strcmp(k, "labels") || !strcmp(k, "sort"))
            ok = !strcmp(val, "yes") || !strcmp(val, "no");
        else {
            problem(c, line, "%s: unknown option \"%s\"; the options are %s", where, k, keys);
            continue;
        }
        if (!ok)
            problem(c, line, "%s: %s=%s is not understood; the options are %s", where, k, val, keys);
    }
}

/* Reads one attribute's value into n->a[id]. scope is the scope it is evaluated in. Returns the shape of
 * list expressions in *shape. */
static void read_attr(ctx *c, fp_tnode *n, fp_tattr_id id, const char *v, const fp_scope *scope,
                      const fp_value **shape)
{
    const attrdef *d = &ATTRS[id];
    fp_tattr *a = &n->a[id];
    char where[96];
    attr_where(n, d, where, sizeof where);
    a->set = true;
    a->raw = fp_xstrdup(v);
    fp_error err;
    switch (d->type) {
    case AT_TEXT:
        parse_ttext(c, n->line, where, v, scope, &a->text);
        break;
    case AT_EXPR:
    case AT_LIST:
    case AT_SORT: {
        const char *src = v;
        if (d->type == AT_SORT && (*src == '-' || *src == '+')) {
            a->sort_desc = *src == '-';
            src++;
        }
        if (fp_expr_parse(src, &a->expr, &err) != FP_OK) {
            problem(c, n->line, "%s: %s", where, err.msg);
            break;
        }
        const fp_value *sh = NULL;
        if (scope && fp_expr_check_shape(a->expr, scope, &sh, &err) != FP_OK) {
            problem(c, n->line, "%s: %s", where, err.msg);
            break;
        }
        if (d->type == AT_LIST && scope) {
            /* a chart may show one object (a gauge of the report's attainment: data="root") */
            bool one = n->kind == FP_TK_CHART && fp_v_type(sh) == FP_V_OBJ;
            if (fp_v_type(sh) != FP_V_ARR && !one) {
                problem(c, n->line,
                        "%s: \"%s\" is not a list; lists are reps, channels, categories, products, regions, teams, "
                        "top_customers, trend, actions.items, satisfaction.comments, activities.by_type …",
                        where, v);
                break;
            }
            if (shape)
                *shape = sh;
        }
        break;
    }
    case AT_EXPRS: {
        const char *p = v;
        while (*p) {
            /* split at commas outside parentheses and quotes */
            const char *q = p;
            int depth = 0;
            char quote = 0;
            for (; *q; q++) {
                if (quote) {
                    if (*q == quote)
                        quote = 0;
                } else if (*q == '"' || *q == '\'') {
                    quote = *q;
                } else if (*q == '(' || *q == '[') {
                    depth++;
                } else if (*q == ')' || *q == ']') {
                    depth--;
                } else if (*q == ',' && depth == 0) {
                    break;
                }
            }
            char *one = fp_xstrndup(p, (size_t)(q - p));
            fp_expr *e = NULL;
            if (fp_expr_parse(one, &e, &err) != FP_OK || (scope && fp_expr_check(e, scope, &err) != FP_OK)) {
                problem(c, n->line, "%s: in \"%s\": %s", where, one, err.msg);
                free(one);
                fp_expr_free(e);
                return;
            }
            free(one);
            a->exprs = fp_xrealloc(a->exprs, (a->nexprs + 1) * sizeof *a->exprs);
            a->exprs[a->nexprs++] = e;
            p = *q ? q + 1 : q;
        }
        if (!a->nexprs)
            problem(c, n->line, "%s: give one or more expressions separated by commas", where);
        break;
    }
    case AT_FORMAT: {
        char why[600];
        if (!fp_fmt_parse(v, &a->fmt, why, sizeof why))
            problem(c, n->line, "%s: %s", where, why);
        break;
    }
    case AT_ENUM:
        if (!enum_has(d->values, v, strlen(v)))
            problem(c, n->line, "%s: \"%s\" is not one of: %s", where, v, d->values);
        break;
    case AT_ENUMS: {
        const char *p = v;
        while (*p) {
            const char *q = strchr(p, ',');
            size_t len = q ? (size_t)(q - p) : strlen(p);
            const char *t = p;
            size_t tl = fp_trim(&t, len);
            if (!enum_has(d->values, t, tl))
                problem(c, n->line, "%s: \"%.*s\" is not one of: %s", where, (int)tl, t, d->values);
            p += len + (q ? 1 : 0);
        }
        break;
    }
    case AT_NUMS: {
        const char *comma = strchr(v, ',');
        char first[64];
        snprintf(first, sizeof first, "%.*s", comma ? (int)(comma - v) : (int)strlen(v), v);
        if (!parse_number(first, &a->num[0]) || (comma && !parse_number(comma + 1, &a->num[1])))
            problem(c, n->line, "%s: write one or two numbers, like \"0.9,1\" (warning below 1, bad below 0.9)",
                    where);
        else if (!comma)
            a->num[1] = a->num[0];
        else if (a->num[1] < a->num[0])
            problem(c, n->line, "%s: the second number must not be smaller than the first", where);
        break;
    }
    case AT_NUMBER:
        if (!parse_number(v, &a->num[0]) || a->num[0] < 0 || a->num[0] > 1e6)
            problem(c, n->line, "%s: \"%s\" is not a number from 0 to 1000000", where, v);
        break;
    case AT_NAME: {
        bool ok = *v && ((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') || *v == '_');
        for (const char *p = v; *p && ok; p++)
            ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
                 *p == '-';
        if (!ok)
            problem(c, n->line, "%s: \"%s\" is not a name (letters, digits, _ and -, starting with a letter)", where,
                    v);
        break;
    }
    case AT_BOOL:
        if (strcmp(v, "yes") && strcmp(v, "no") && strcmp(v, "true") && strcmp(v, "false"))
            problem(c, n->line, "%s: write yes or no", where);
        a->num[0] = !strcmp(v, "yes") || !strcmp(v, "true");
        break;
    case AT_TOTAL:
        if (!strcmp(v, "sum") || !strcmp(v, "avg") || !strcmp(v, "count") || !strcmp(v, "none") || !*v)
            break;
        if (fp_expr_parse(v, &a->expr, &err) != FP_OK || (scope && fp_expr_check(a->expr, scope, &err) != FP_OK))
            problem(c, n->line, "%s: write sum, avg, count, none or an expression; %s", where, err.msg);
        break;
    case AT_RAW:
        if (id == FP_A_OPTIONS)
            check_options(c, n->line, where, v);
        break;
    }
}

static fp_tkind kind_of(const char *name)
{
    for (int k = 0; k < FP_TK_KIND_COUNT; k++)
        if (k != FP_TK_TEXT && !strcmp(ELEMS[k].name, name))
            return (fp_tkind)k;
    return FP_TK_KIND_COUNT;
}

static bool kind_in(fp_tkind k, const fp_tkind *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == k)
            return true;
    return false;
}

/* which elements content c allows */
static bool allowed(content c, fp_tkind k)
{
    switch (c) {
    case C_EMPTY:
        return false;
    case C_REPORT:
        return k == FP_TK_COVER || k == FP_TK_SECTION || kind_in(k, BLOCK_KINDS, sizeof BLOCK_KINDS / sizeof *BLOCK_KINDS);
    case C_BLOCKS:
        return kind_in(k, BLOCK_KINDS, sizeof BLOCK_KINDS / sizeof *BLOCK_KINDS);
    case C_INLINE:
        return kind_in(k, INLINE_KINDS, sizeof INLINE_KINDS / sizeof *INLINE_KINDS);
    case C_KPIS:
        return k == FP_TK_KPI || k == FP_TK_IF || k == FP_TK_ELSE;
    case C_TABLE:
        return k == FP_TK_COL;
    case C_COVER:
        return k == FP_TK_LINE;
    case C_LIST:
        return k == FP_TK_LI || k == FP_TK_IF || k == FP_TK_ELSE || k == FP_TK_EACH;
    case C_SAME:
        return false;
    }
    return false;
}

static void list_allowed(content c, fp_buf *b)
{
    for (int k = 0; k < FP_TK_KIND_COUNT; k++)
        if (k != FP_TK_TEXT && allowed(c, (fp_tkind)k))
            fp_buf_printf(b, "%s<%s>", b->len ? ", " : "", ELEMS[k].name);
}

typedef struct scopes {
    fp_scope s[MAX_NESTING * 2 + 4];
    int n;
} scopes;

static void walk(ctx *c, xmlNodePtr x, fp_tnode *parent, content mode, const fp_scope *scope, int depth);

/* the element-scope for the items of a list: its fields, and the name given by as="…" */
static const fp_scope *open_element(scopes *st, const fp_scope *outer, const fp_value *list, const char *as)
{
    const fp_value *el = fp_v_type(list) == FP_V_OBJ ? list : fp_v_at(list, 0); /* a chart of one object */
    if (st->n + 2 > (int)(sizeof st->s / sizeof *st->s))
        return outer;
    fp_scope *fields = &st->s[st->n++];
    *fields = (fp_scope){.outer = outer, .fields = el};
    if (!as)
        return fields;
    fp_scope *named = &st->s[st->n++];
    *named = (fp_scope){.outer = fields, .name = as, .value = el};
    return named;
}

static void element(ctx *c, xmlNodePtr x, fp_tnode *parent, content mode, const fp_scope *scope, int depth)
{
    int line = (int)xmlGetLineNo(x);
    const char *name = (const char *)x->name;
    if (x->ns && x->ns->href) {
        problem(c, line, "<%s>: namespaced elements (XInclude and the like) are not part of the template language",
                name);
        return;
    }
    fp_tkind k = kind_of(name);
    if (k == FP_TK_KIND_COUNT || k == FP_TK_REPORT) {
        fp_buf ok;
        fp_buf_init(&ok);
        list_allowed(mode, &ok);
        const char *best = NULL;
        int bd = 3;
        for (int i = 0; i < FP_TK_KIND_COUNT; i++) {
            int dd = fp_edit_distance(name, ELEMS[i].name);
            if (i != FP_TK_TEXT && dd < bd && allowed(mode, (fp_tkind)i)) {
                bd = dd;
                best = ELEMS[i].name;
            }
        }
        if (best)
            problem(c, line, "unknown element <%s>; did you mean <%s>? (allowed here: %s)", name, best, ok.data);
        else
            problem(c, line, "unknown element <%s>; allowed here: %s", name, ok.data ? ok.data : "nothing");
        fp_buf_free(&ok);
        return;
    }
    if (!allowed(mode, k)) {
        fp_buf ok;
        fp_buf_init(&ok);
        list_allowed(mode, &ok);
        problem(c, line, "<%s> cannot stand here (it belongs %s); allowed here: %s", name, ELEMS[k].doc,
                ok.data ? ok.data : "no elements");
        fp_buf_free(&ok);
        return;
    }
    if (k == FP_TK_ELSE && (!parent->nkids || parent->kids[parent->nkids - 1]->kind != FP_TK_IF))
        problem(c, line, "<else> must come right after an <if> (only blank text between them)");
    fp_tnode *n = tnode_new(k, line);
    tnode_add(parent, n);
    const elemdef *e = &ELEMS[k];
    /* attributes: first the list (data/in), which opens the scope the others may need */
    scopes st = {.n = 0};
    const fp_scope *inner = scope;
    const fp_value *list = NULL;
    for (xmlAttrPtr at = x->properties; at; at = at->next) {
        const char *an = (const char *)at->name;
        if (strcmp(an, "data") && strcmp(an, "in"))
            continue;
        xmlChar *v = xmlNodeListGetString(x->doc, at->children, 1);
        fp_tattr_id id = !strcmp(an, "data") ? FP_A_DATA : FP_A_IN;
        bool ok = false;
        for (int i = 0; i < MAXA && e->attrs[i] != END; i++)
            ok = ok || e->attrs[i] == id;
        if (ok)
            read_attr(c, n, id, v ? (const char *)v : "", scope, &list);
        xmlFree(v);
    }
    xmlChar *as = xmlGetProp(x, (const xmlChar *)"as");
    if (list)
        inner = open_element(&st, scope, list, as ? (const char *)as : NULL);
    else if (k == FP_TK_TABLE || k == FP_TK_CHART || k == FP_TK_EACH || (k == FP_TK_KPI && n->a[FP_A_DATA].set))
        inner = NULL; /* the list is wrong: do not check what depends on it */
    for (xmlAttrPtr at = x->properties; at; at = at->next) {
        const char *an = (const char *)at->name;
        if (!strcmp(an, "data") || !strcmp(an, "in"))
            continue;
        if (at->ns) {
            problem(c, line, "<%s>: namespaced attribute %s is not part of the template language", name, an);
            continue;
        }
        fp_tattr_id id = FP_A_COUNT;
        for (int i = 0; i < MAXA && e->attrs[i] != END; i++)
            if (!strcmp(ATTRS[e->attrs[i]].name, an))
                id = e->attrs[i];
        if (id == FP_A_COUNT) {
            fp_buf ok;
            fp_buf_init(&ok);
            const char *best = NULL;
            int bd = 3;
            for (int i = 0; i < MAXA && e->attrs[i] != END; i++) {
                fp_buf_printf(&ok, "%s%s", i ? ", " : "", ATTRS[e->attrs[i]].name);
                int dd = fp_edit_distance(an, ATTRS[e->attrs[i]].name);
                if (dd < bd) {
                    bd = dd;
                    best = ATTRS[e->attrs[i]].name;
                }
            }
            if (best)
                problem(c, line, "<%s>: unknown attribute %s; did you mean %s? (allowed: %s)", name, an, best,
                        ok.data);
            else
                problem(c, line, "<%s>: unknown attribute %s; allowed: %s", name, an,
                        ok.data ? ok.data : "no attributes");
            fp_buf_free(&ok);
            continue;
        }
        xmlChar *v = xmlNodeListGetString(x->doc, at->children, 1);
        /* a KPI card's y is read on the elements of its data (its sparkline); its value on the report */
        const fp_scope *s = ATTRS[id].element_scope && (k == FP_TK_TABLE || k == FP_TK_CHART || k == FP_TK_EACH ||
                                                        (k == FP_TK_KPI && id == FP_A_Y))
                                ? inner
                                : scope;
        /* a column's total is read on the report, with the table's rows (those where kept) as "rows" */
        fp_scope rows_scope;
        if (k == FP_TK_COL && id == FP_A_WHEN)
            s = c->table_outer; /* whether a column is shown is a question about the report, not a row */
        if (id == FP_A_TOTAL) {
            s = c->table_outer;
            if (s && c->table_rows) {
                rows_scope = (fp_scope){.outer = s, .name = "rows", .value = c->table_rows};
                s = &rows_scope;
            }
        }
        read_attr(c, n, id, v ? (const char *)v : "", s, NULL);
        xmlFree(v);
    }
    for (int i = 0; i < 3 && e->required[i] != END; i++)
        if (!n->a[e->required[i]].set)
            problem(c, line, "<%s> needs the attribute %s", name, ATTRS[e->required[i]].name);
    /* children: columns are read in the element scope of their table */
    content cm = e->content == C_SAME ? mode : e->content;
    const fp_scope *kid_scope = (k == FP_TK_EACH || k == FP_TK_TABLE) ? inner : scope;
    if (cm == C_EMPTY) {
        for (xmlNodePtr ch = x->children; ch; ch = ch->next)
            if (ch->type == XML_ELEMENT_NODE || (ch->type == XML_TEXT_NODE && !xmlIsBlankNode(ch))) {
                problem(c, line, "<%s> holds nothing; put it on its own: <%s …/>", name, name);
                break;
            }
    } else if (depth > MAX_NESTING) {
        problem(c, line, "elements nested more than %d deep", MAX_NESTING);
    } else {
        const fp_scope *saved = c->table_outer;
        const fp_value *saved_rows = c->table_rows;
        if (k == FP_TK_TABLE) {
            c->table_outer = scope;
            c->table_rows = list && fp_v_type(list) == FP_V_ARR ? list : NULL;
        }
        for (xmlNodePtr ch = x->children; ch; ch = ch->next)
            walk(c, ch, n, cm, kid_scope, depth + 1);
        c->table_outer = saved;
        c->table_rows = saved_rows;
    }
    xmlFree(as); /* the scopes above point at it until here */
}

static void walk(ctx *c, xmlNodePtr x, fp_tnode *parent, content mode, const fp_scope *scope, int depth)
{
    switch (x->type) {
    case XML_ELEMENT_NODE:
        element(c, x, parent, mode, scope, depth);
        break;
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE: {
        const char *t = (const char *)x->content;
        if (mode != C_INLINE) {
            if (!xmlIsBlankNode(x)) {
                const char *s = t;
                size_t n = fp_trim(&s, strlen(t));
                problem(c, (int)xmlGetLineNo(x), "text \"%.*s\" cannot stand here; put it inside <p>…</p>",
                        (int)(n > 40 ? 40 : n), s);
            }
            return;
        }
        /* collapse runs of white space (XML indentation) to one space. A line break next to a Chinese
         * character (or full-width punctuation) joins without one, as CSS does with segment breaks in CJK
         * text, so a sentence can be written over several short lines. */
        fp_buf b;
        fp_buf_init(&b);
        bool space = false, newline = false;
        uint32_t before = 0; /* the last character written, at first the last one of the element before */
        if (x->prev && x->prev->type == XML_ELEMENT_NODE) {
            xmlChar *pc = xmlNodeGetContent(x->prev);
            for (const char *q = (const char *)pc; q && *q;)
                before = fp_utf8_next(&q);
            xmlFree(pc);
        }
        for (const char *p = t; *p; p++) {
            if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
                space = true;
                newline |= *p == '\n' || *p == '\r';
                continue;
            }
            const char *q = p;
            uint32_t next = fp_utf8_next(&q);
            bool cjk_join = newline && (fp_cp_wide(before) || fp_cp_wide(next));
            /* a space written on one line is meant (English: "</b> and <b>"), even at the start */
            if (space && !cjk_join &&
                (b.len || !newline || (parent->nkids && parent->kids[parent->nkids - 1]->kind != FP_TK_TEXT)))
                fp_buf_addc(&b, ' ');
            space = newline = false;
            fp_buf_add(&b, p, (size_t)(q - p));
            p = q - 1;
            before = next;
        }
        if (space && (b.len || !newline) && !(newline && fp_cp_wide(before)))
            fp_buf_addc(&b, ' ');
        if (b.len) {
            fp_tnode *n = tnode_new(FP_TK_TEXT, (int)xmlGetLineNo(x));
            char where[64];
            snprintf(where, sizeof where, "in <%s>", ELEMS[parent->kind].name);
            parse_ttext(c, n->line, where, b.data, scope, &n->text);
            tnode_add(parent, n);
        }
        fp_buf_free(&b);
        break;
    }
    case XML_COMMENT_NODE:
    case XML_PI_NODE:
        break;
    case XML_ENTITY_REF_NODE:
        problem(c, (int)xmlGetLineNo(x), "entity references are not allowed; write the character itself");
        break;
    default:
        break;
    }
}

/* ---- schema ---- */

fp_value *fp_template_schema(void)
{
    fp_value *root = fp_metrics_schema();
    fp_value *r = fp_v_obj();
    fp_v_set(r, "date", fp_v_str(""));
    fp_v_set(r, "date_zh", fp_v_str(""));
    fp_v_set(r, "author", fp_v_str(""));
    fp_v_set(r, "title", fp_v_str(""));
    fp_v_set(r, "kind", fp_v_str(""));
    fp_v_set(r, "lang", fp_v_str(""));
    fp_v_set(r, "scope_label", fp_v_str(""));
    fp_v_set(root, "report", r);
    fp_value *notes = fp_v_obj();
    fp_v_set(notes, "author", fp_v_str(""));
    fp_v_set(notes, "role", fp_v_str(""));
    fp_value *scores = fp_v_arr(), *sc = fp_v_obj();
    fp_v_set(sc, "dimension", fp_v_str(""));
    fp_v_set(sc, "score", fp_v_plain(0));
    fp_v_set(sc, "comment", fp_v_str(""));
    fp_v_push(scores, sc);
    fp_v_set(notes, "scores", scores);
    fp_v_set(root, "notes", notes);
    fp_value *loop = fp_v_obj();
    fp_v_set(loop, "index", fp_v_count(1));
    fp_v_set(loop, "count", fp_v_count(1));
    fp_v_set(loop, "first", fp_v_bool(true));
    fp_v_set(loop, "last", fp_v_bool(true));
    fp_v_set(root, "loop", loop);
    return root;
}

/* ---- loading ---- */

static void report_problem(void *ud, int line, const char *msg)
{
    problem(ud, line, "%s", msg);
}

static void validate(ctx *c, xmlDocPtr doc, const char *schema)
{
    int before = c->count;
    if (!fp_xml_validate(doc, schema, "template", report_problem, c) && c->count == before)
        problem(c, 0, "does not match the template schema %s", schema);
}

fp_status fp_template_load_mem(const char *name, const char *xml, size_t n, const char *schema, fp_template **out,
                               fp_error *err)
{
    *out = NULL;
    ctx c = {.path = name};
    fp_buf_init(&c.text);
    fp_template *t = fp_xcalloc(1, sizeof *t);
    t->path = fp_xstrdup(name);
    xmlDocPtr doc = fp_xml_parse(name, xml, n, MAX_TEMPLATE_BYTES, "template", report_problem, &c);
    if (doc && !c.count) {
        xmlNodePtr root = xmlDocGetRootElement(doc);
        if (!root || strcmp((const char *)root->name, "report")) {
            problem(&c, root ? (int)xmlGetLineNo(root) : 0, "the root element must be <report>, found <%s>",
                    root ? (const char *)root->name : "nothing");
        } else {
            fp_value *schema_v = fp_template_schema();
            fp_scope top = {.fields = schema_v};
            int line = (int)xmlGetLineNo(root);
            fp_tnode *r = tnode_new(FP_TK_REPORT, line);
            for (xmlAttrPtr at = root->properties; at; at = at->next) {
                const char *an = (const char *)at->name;
                fp_tattr_id id = FP_A_COUNT;
                for (int i = 0; i < MAXA && ELEMS[FP_TK_REPORT].attrs[i] != END; i++)
                    if (!strcmp(ATTRS[ELEMS[FP_TK_REPORT].attrs[i]].name, an))
                        id = ELEMS[FP_TK_REPORT].attrs[i];
                if (id == FP_A_COUNT) {
                    fp_buf ok;
                    fp_buf_init(&ok);
                    for (int i = 0; i < MAXA && ELEMS[FP_TK_REPORT].attrs[i] != END; i++)
                        fp_buf_printf(&ok, "%s%s", i ? ", " : "", ATTRS[ELEMS[FP_TK_REPORT].attrs[i]].name);
                    problem(&c, line, "<report>: unknown attribute %s; allowed: %s", an, ok.data);
                    fp_buf_free(&ok);
                    continue;
                }
                xmlChar *v = xmlNodeListGetString(doc, at->children, 1);
                read_attr(&c, r, id, v ? (const char *)v : "", &top, NULL);
                xmlFree(v);
            }
            if (!r->a[FP_A_TITLE].set)
                problem(&c, line, "<report> needs the attribute title");
            for (xmlNodePtr ch = root->children; ch; ch = ch->next)
                walk(&c, ch, r, C_REPORT, &top, 1);
            t->root = r;
            fp_v_free(schema_v);
        }
        if (!c.count && schema)
            validate(&c, doc, schema);
    }
    if (doc)
        xmlFreeDoc(doc);
    if (c.count) {
        fp_fail(err, FP_ERR_INPUT, "%s", c.text.data);
        fp_buf_free(&c.text);
        fp_template_free(t);
        return FP_ERR_INPUT;
    }
    fp_buf_free(&c.text);
    *out = t;
    return FP_OK;
}

fp_status fp_template_load(const char *path, const char *schema, fp_template **out, fp_error *err)
{
    *out = NULL;
    char *buf;
    size_t got;
    fp_status s = fp_xml_read_file(path, MAX_TEMPLATE_BYTES, "template", &buf, &got, err);
    if (s != FP_OK)
        return s;
    s = fp_template_load_mem(path, buf, got, schema, out, err);
    free(buf);
    return s;
}

void fp_template_free(fp_template *t)
{
    if (!t)
        return;
    tnode_free(t->root);
    free(t->path);
    free(t);
}

fp_status fp_template_check_period(const fp_template *t, const fp_period *p, fp_error *err)
{
    const fp_tattr *pa = &t->root->a[FP_A_PERIODS];
    if (!pa->set)
        return FP_OK;
    const char *kind = fp_period_kind_name(p->kind);
    size_t kn = strlen(kind);
    for (const char *s = pa->raw; *s;) {
        while (*s == ',' || *s == ' ')
            s++;
        size_t n = strcspn(s, ", ");
        if (n == kn && !strncmp(s, kind, n))
            return FP_OK;
        s += n;
    }
    char label[32];
    fp_period_label(p, label, sizeof label);
    return fp_fail(err, FP_ERR_USAGE, "the template %s is for periods of kind %s, and %s is a %s", t->path, pa->raw,
                   label, kind);
}
