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

#include "names.h"
#include "paths.h"

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
#define MAX_PROBLEMS 50          /* what a failed load reports (fupan check: all) */
#define MAX_CHECK_PROBLEMS 100000
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
    [FP_A_KIND] = {"kind", AT_ENUM, "weekly monthly quarterly annual review self-review retrospective rollup custom", false},
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
    [FP_A_NAME] = {"name", AT_NAME, NULL, false},
    [FP_A_PHRASE] = {"phrase", AT_NAME, NULL, false},
    [FP_A_PARAMS] = {"params", AT_RAW, NULL, false},
    [FP_A_SRC] = {"src", AT_RAW, NULL, false},
    [FP_A_KEY] = {"key", AT_RAW, NULL, false},
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
    [FP_TK_LET] = {"let", C_EMPTY, {FP_A_NAME, FP_A_VALUE, END}, {FP_A_NAME, FP_A_VALUE, END},
                   "a block or inside text"},
    [FP_TK_USE] = {"use", C_SAME, {FP_A_PHRASE, END}, {FP_A_PHRASE, END}, "a block or inside text"},
    [FP_TK_PHRASE] = {"phrase", C_SAME, {FP_A_NAME, FP_A_PARAMS, END}, {FP_A_NAME, END},
                      "in <report> or a <library>"},
    [FP_TK_INCLUDE] = {"include", C_EMPTY, {FP_A_SRC, END}, {FP_A_SRC, END}, "in <report> or a <library>"},
    [FP_TK_WORD] = {"word", C_EMPTY, {FP_A_KEY, END}, {FP_A_KEY, END}, "in <report> or a <library>"},
    [FP_TK_WORDS] = {"words", C_EMPTY, {END}, {END}, "in <report> or a <library>"},
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
                                       FP_TK_NOTES, FP_TK_BOX, FP_TK_PAGEBREAK, FP_TK_LET, FP_TK_USE};
static const fp_tkind INLINE_KINDS[] = {FP_TK_B,     FP_TK_GOOD,   FP_TK_WARN, FP_TK_BAD,  FP_TK_MUTED,
                                        FP_TK_ACCENT, FP_TK_IF,    FP_TK_ELSE, FP_TK_EACH, FP_TK_LET, FP_TK_USE};

const char *fp_tkind_name(fp_tkind k)
{
    return (unsigned)k < FP_TK_KIND_COUNT ? ELEMS[k].name : "?";
}

/* ---- problems ---- */

/* a phrase defined in the template or a library it includes */
typedef struct phrase {
    char *name;
    char *params;        /* space-separated parameter names */
    xmlNodePtr node;     /* its <phrase> element, alive until the template is read */
    const char *path;    /* the file it is in */
} phrase;

/* memory that lives as long as the walk: bound names and the values standing for their shapes */
typedef struct arena_item {
    struct arena_item *next;
    fp_scope scope;
    fp_value *value;     /* owned, or NULL */
    char *name;
} arena_item;

typedef struct ctx {
    const char *path;
    fp_buf text;
    int count;
    phrase *phrases;
    size_t nphrases, phrases_cap;
    xmlDocPtr *docs;     /* included libraries, freed after the walk */
    size_t ndocs;
    char **incl;         /* libraries being read (cycle detection) */
    size_t nincl;
    const char *lang;    /* for src="lib/{lang}.xml" */
    struct {
        xmlNodePtr node;
        const char *path;
    } *lets;             /* the libraries' <let>s, placed at the top of the report */
    size_t nlets;
    fp_value *words;
    arena_item *arena;
    const char *use_stack[16]; /* phrases being placed (a phrase may not place itself) */
    int nuse;
    const char *use_at;  /* where the phrase being checked is placed: "file:line" */
    const fp_scope *table_outer; /* the scope of the table being read: where column totals are evaluated */
    const fp_value *table_rows;  /* the table's list (its shape), bound as "rows" in a column's total */
    fp_value *loop;              /* the shape of loop.*, bound with a list's elements */
    int max_problems;            /* kept in the text; the rest are counted */
} ctx;

static void problem(ctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem(ctx *c, int line, const char *fmt, ...)
{
    if (c->count >= c->max_problems) {
        c->count++;
        return; /* counted: the message says how many more */
    }
    fp_buf one;
    fp_buf_init(&one);
    if (line > 0)
        fp_buf_printf(&one, "%s:%d: ", c->path, line);
    else
        fp_buf_printf(&one, "%s: ", c->path);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0) {
        fp_buf_reserve(&one, (size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(one.data + one.len, (size_t)n + 1, fmt, ap);
        va_end(ap);
        one.len += (size_t)n;
    }
    if (line > 0 && c->use_at)
        fp_buf_printf(&one, " (in the phrase placed at %s)", c->use_at);
    if (c->count && c->text.len >= one.len && !strcmp(c->text.data + c->text.len - one.len, one.data)) {
        fp_buf_free(&one); /* libxml2 repeats itself */
        return;
    }
    if (c->count)
        fp_buf_addc(&c->text, '\n');
    fp_buf_add(&c->text, one.data, one.len);
    fp_buf_free(&one);
    c->count++;
}

static void report_problem(void *ud, int line, const char *msg)
{
    problem(ud, line, "%s", msg);
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
    bool ok = true; /* a bad placeholder is reported and skipped: the next ones are checked too */
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
            bool good = fp_fmt_parse(trimmed, &fmt, why, sizeof why);
            free(trimmed);
            free(spec);
            if (!good) {
                problem(c, line, "%s: in {%s|…}: %s", what, src, why);
                free(src);
                ok = false;
                p++;
                continue;
            }
        }
        fp_expr *e;
        fp_error err;
        if (fp_expr_parse(src, &e, &err) != FP_OK) {
            problem(c, line, "%s: in {%s}: %s", what, src, err.msg);
            free(src);
            ok = false;
            p++;
            continue;
        }
        if (scope && fp_expr_check(e, scope, &err) != FP_OK) {
            problem(c, line, "%s: in {%s}: %s", what, src, err.msg);
            fp_expr_free(e);
            free(src);
            ok = false;
            p++;
            continue;
        }
        free(src);
        out->seg = fp_xrealloc(out->seg, (out->n + 1) * sizeof *out->seg);
        out->seg[out->n++] = (fp_tseg){NULL, e, fmt};
        p++;
    }
    return ok;
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
    case AT_TEXT: {
        /* an attribute written over several lines: XML has made each line break a space, and the indentation
         * follows it. A run of spaces outside placeholders is one space, or none next to a Chinese character
         * (the segment-break rule of text) */
        fp_buf t;
        fp_buf_init(&t);
        int depth = 0;
        for (const char *p = v; *p; p++) {
            depth += *p == '{' ? 1 : *p == '}' && depth ? -1 : 0;
            if (depth || p[0] != ' ' || p[1] != ' ') {
                fp_buf_addc(&t, *p);
                continue;
            }
            const char *q = p;
            while (*q == ' ')
                q++;
            const char *nx = q;
            uint32_t after = fp_utf8_next(&nx), before = 0;
            for (const char *b = t.data ? t.data : ""; *b;)
                before = fp_utf8_next(&b);
            if (!fp_cp_wide(before) && !fp_cp_wide(after) && t.len && *q)
                fp_buf_addc(&t, ' ');
            p = q - 1;
        }
        parse_ttext(c, n->line, where, t.data ? t.data : "", scope, &a->text);
        fp_buf_free(&t);
        break;
    }
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
        return k == FP_TK_KPI || k == FP_TK_IF || k == FP_TK_ELSE || k == FP_TK_LET || k == FP_TK_USE;
    case C_TABLE:
        return k == FP_TK_COL;
    case C_COVER:
        return k == FP_TK_LINE;
    case C_LIST:
        return k == FP_TK_LI || k == FP_TK_IF || k == FP_TK_ELSE || k == FP_TK_EACH || k == FP_TK_LET ||
               k == FP_TK_USE;
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

static const fp_scope *walk(ctx *c, xmlNodePtr x, fp_tnode *parent, content mode, const fp_scope *scope,
                            int depth);

/* a name bound for what follows (a <let>, a phrase's parameter): its shape, or a stand-in for a computed
 * value; kept until the template is read */
static const fp_scope *bind(ctx *c, const fp_scope *outer, const char *name, const fp_value *shape)
{
    arena_item *a = fp_xcalloc(1, sizeof *a);
    a->next = c->arena;
    c->arena = a;
    a->name = fp_xstrdup(name);
    if (!shape)
        shape = a->value = fp_v_num(0, FP_NUM_PLAIN);
    a->scope = (fp_scope){.outer = outer, .name = a->name, .value = shape};
    return &a->scope;
}

static const phrase *find_phrase(const ctx *c, const char *name)
{
    for (size_t i = c->nphrases; i-- > 0;) /* the last definition wins: the report's over a library's */
        if (!strcmp(c->phrases[i].name, name))
            return &c->phrases[i];
    return NULL;
}

static bool has_param(const char *params, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = params ? params : ""; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t k = strcspn(p, " ,");
        if (k == n && !strncmp(p, name, n))
            return true;
        p += k;
    }
    return false;
}

/* <use phrase="…" a="expr" …/>: the parameters become <let>s (checked here, in the place of use), then the
 * phrase's body is read as if it stood here — checked at each use like everything else */
static const fp_scope *use_phrase(ctx *c, xmlNodePtr x, fp_tnode *n, content mode, const fp_scope *scope, int depth)
{
    xmlChar *pn = xmlGetProp(x, (const xmlChar *)"phrase");
    const phrase *ph = pn ? find_phrase(c, (const char *)pn) : NULL;
    if (!ph) {
        if (!pn) {
            problem(c, n->line, "<use> needs the attribute phrase");
        } else {
            fp_buf names;
            fp_buf_init(&names);
            const char *best = NULL;
            int bd = 3;
            for (size_t i = 0; i < c->nphrases; i++) {
                fp_buf_printf(&names, "%s%s", i ? ", " : "", c->phrases[i].name);
                int d = fp_edit_distance((const char *)pn, c->phrases[i].name);
                if (d < bd) {
                    bd = d;
                    best = c->phrases[i].name;
                }
            }
            problem(c, n->line, "<use>: no phrase named \"%s\"%s%s%s; the phrases are: %s", (const char *)pn,
                    best ? "; did you mean \"" : "", best ? best : "", best ? "\"?" : "",
                    names.len ? names.data : "none (define one with <phrase name=\"…\">, or <include> a library)");
            fp_buf_free(&names);
        }
        xmlFree(pn);
        return scope;
    }
    for (int i = 0; i < c->nuse; i++)
        if (!strcmp(c->use_stack[i], ph->name)) {
            problem(c, n->line, "<use>: the phrase \"%s\" places itself (through %s); a phrase cannot repeat forever",
                    ph->name, c->use_stack[c->nuse - 1]);
            xmlFree(pn);
            return scope;
        }
    if (c->nuse >= (int)(sizeof c->use_stack / sizeof *c->use_stack) || depth > MAX_NESTING) {
        problem(c, n->line, "<use>: phrases placed more than %d deep", (int)(sizeof c->use_stack / sizeof *c->use_stack));
        xmlFree(pn);
        return scope;
    }
    /* the arguments, in the scope of the place of use */
    const fp_scope *inner = scope;
    for (xmlAttrPtr at = x->properties; at; at = at->next) {
        const char *an = (const char *)at->name;
        if (!strcmp(an, "phrase"))
            continue;
        if (!has_param(ph->params, an)) {
            problem(c, n->line, "<use phrase=\"%s\">: the phrase has no parameter %s; its parameters are: %s",
                    ph->name, an, ph->params && *ph->params ? ph->params : "none");
            continue;
        }
        xmlChar *v = xmlNodeListGetString(x->doc, at->children, 1);
        fp_tnode *let = tnode_new(FP_TK_LET, n->line);
        tnode_add(n, let);
        read_attr(c, let, FP_A_NAME, an, scope, NULL);
        read_attr(c, let, FP_A_VALUE, v ? (const char *)v : "", scope, NULL);
        const fp_value *sh = NULL;
        fp_error e;
        if (let->a[FP_A_VALUE].expr && scope)
            (void)fp_expr_check_shape(let->a[FP_A_VALUE].expr, scope, &sh, &e);
        inner = scope ? bind(c, inner, an, sh) : NULL;
        xmlFree(v);
    }
    for (const char *p = ph->params ? ph->params : ""; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t k = strcspn(p, " ,");
        if (k) {
            char pname[64];
            snprintf(pname, sizeof pname, "%.*s", (int)(k < 63 ? k : 63), p);
            if (!xmlHasProp(x, (const xmlChar *)pname))
                problem(c, n->line, "<use phrase=\"%s\">: give the parameter %s=\"…\"", ph->name, pname);
        }
        p += k;
    }
    /* the body, read here: problems name the phrase's own lines and the place of use */
    char at_buf[1200];
    snprintf(at_buf, sizeof at_buf, "%s:%d", c->use_at ? c->use_at : c->path, n->line);
    const char *saved_path = c->path, *saved_at = c->use_at;
    if (!c->use_at)
        c->use_at = at_buf;
    c->path = ph->path;
    c->use_stack[c->nuse++] = ph->name;
    const fp_scope *s = inner;
    for (xmlNodePtr ch = ph->node->children; ch; ch = ch->next)
        s = walk(c, ch, n, mode, s, depth + 1);
    c->nuse--;
    c->path = saved_path;
    c->use_at = saved_at;
    xmlFree(pn);
    return scope;
}

/* the element-scope for the items of a list: its fields, and the name given by as="…" */
/* the scope of a list's elements, as expansion binds it: their fields, the name of as="…", and loop */
static const fp_scope *open_element(const ctx *c, scopes *st, const fp_scope *outer, const fp_value *list,
                                    const char *as)
{
    const fp_value *el = fp_v_type(list) == FP_V_OBJ ? list : fp_v_at(list, 0); /* a chart of one object */
    if (st->n + 3 > (int)(sizeof st->s / sizeof *st->s))
        return outer;
    fp_scope *fields = &st->s[st->n++];
    *fields = (fp_scope){.outer = outer, .fields = el};
    const fp_scope *s = fields;
    if (as) {
        fp_scope *named = &st->s[st->n++];
        *named = (fp_scope){.outer = fields, .name = as, .value = el};
        s = named;
    }
    fp_scope *loop = &st->s[st->n++];
    *loop = (fp_scope){.outer = s, .name = "loop", .value = c->loop};
    return loop;
}

static const fp_scope *element(ctx *c, xmlNodePtr x, fp_tnode *parent, content mode, const fp_scope *scope,
                               int depth)
{
    int line = (int)xmlGetLineNo(x);
    const char *name = (const char *)x->name;
    if (x->ns && x->ns->href) {
        problem(c, line, "<%s>: namespaced elements (XInclude and the like) are not part of the template language",
                name);
        return scope;
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
        return scope;
    }
    if (k == FP_TK_SECTION && (parent->kind == FP_TK_IF || parent->kind == FP_TK_ELSE || parent->kind == FP_TK_EACH)) {
        problem(c, line, "<section> cannot stand inside <%s>: a section is shown or left out by its own when=\"…\" "
                "(<section title=\"…\" when=\"…\">), and one inside <each> would repeat its number",
                ELEMS[parent->kind].name);
        return scope;
    }
    if (!allowed(mode, k)) {
        fp_buf ok;
        fp_buf_init(&ok);
        list_allowed(mode, &ok);
        problem(c, line, "<%s> cannot stand here (it belongs %s); allowed here: %s", name, ELEMS[k].doc,
                ok.data ? ok.data : "no elements");
        fp_buf_free(&ok);
        return scope;
    }
    if (k == FP_TK_ELSE && (!parent->nkids || parent->kids[parent->nkids - 1]->kind != FP_TK_IF))
        problem(c, line, "<else> must come right after an <if> (only blank text between them)");
    fp_tnode *n = tnode_new(k, line);
    tnode_add(parent, n);
    const elemdef *e = &ELEMS[k];
    if (k == FP_TK_USE)
        return use_phrase(c, x, n, mode, scope, depth);
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
        inner = open_element(c, &st, scope, list, as ? (const char *)as : NULL);
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
        const fp_scope *s = kid_scope;
        for (xmlNodePtr ch = x->children; ch; ch = ch->next)
            s = walk(c, ch, n, cm, s, depth + 1);
        c->table_outer = saved;
        c->table_rows = saved_rows;
    }
    xmlFree(as); /* the scopes above point at it until here */
    if (k == FP_TK_LET && n->a[FP_A_NAME].set && n->a[FP_A_VALUE].expr && scope) {
        /* the name, for the siblings that follow */
        const fp_value *sh = NULL;
        fp_error e2;
        (void)fp_expr_check_shape(n->a[FP_A_VALUE].expr, scope, &sh, &e2);
        return bind(c, scope, n->a[FP_A_NAME].raw, sh);
    }
    return scope;
}

static const fp_scope *walk(ctx *c, xmlNodePtr x, fp_tnode *parent, content mode, const fp_scope *scope,
                            int depth)
{
    switch (x->type) {
    case XML_ELEMENT_NODE:
        return element(c, x, parent, mode, scope, depth);
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
            return scope;
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
    return scope;
}

/* ---- definitions: phrases, words and the libraries that hold them ---- */

static char *prop(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *s = v ? fp_xstrdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

/* words.cur.month = "本月": a key with dots makes nested objects */
static void add_word(ctx *c, int line, const char *key, const char *text)
{
    fp_value *o = c->words;
    const char *p = key;
    for (;;) {
        size_t k = strcspn(p, ".");
        char part[80];
        snprintf(part, sizeof part, "%.*s", (int)(k < 79 ? k : 79), p);
        bool ok = k > 0 && k < 80;
        for (size_t i = 0; i < k && ok; i++)
            ok = (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') ||
                 p[i] == '_';
        if (!ok) {
            problem(c, line, "word key \"%s\": a key is names of letters, digits and _ joined by dots "
                    "(cur.month)", key);
            return;
        }
        const fp_value *have = fp_v_get(o, part);
        if (!p[k]) {
            if (fp_v_type(have) == FP_V_OBJ)
                problem(c, line, "word key \"%s\": %s already holds words (%s.…)", key, key, key);
            else
                fp_v_set(o, part, fp_v_str(text)); /* a later word replaces an earlier one */
            return;
        }
        if (have && fp_v_type(have) != FP_V_OBJ) {
            problem(c, line, "word key \"%s\": %.*s is a word already, not a group of words", key, (int)(p - key + k),
                    key);
            return;
        }
        if (!have) {
            fp_v_set(o, part, fp_v_obj());
            have = fp_v_get(o, part);
        }
        o = (fp_value *)have; /* ours: built here */
        p += k + 1;
    }
}

static void definitions(ctx *c, xmlNodePtr root, const char *path, const char *schema, int depth);

/* <include src="lib/{lang}.xml"/>: a library of phrases and words, read with the same guards as the
 * template, relative to the file that includes it */
static void include_library(ctx *c, xmlNodePtr el, const char *from, const char *schema, int depth)
{
    int line = (int)xmlGetLineNo(el);
    char *src = prop(el, "src");
    if (!src || !*src) {
        problem(c, line, "<include> needs src=\"…\": the library's file, e.g. src=\"lib/{lang}.xml\"");
        free(src);
        return;
    }
    fp_buf path;
    fp_buf_init(&path);
    if (src[0] != '/') {
        const char *slash = strrchr(from, '/');
        if (slash)
            fp_buf_add(&path, from, (size_t)(slash - from + 1));
    }
    for (const char *p = src; *p; p++) {
        if (!strncmp(p, "{lang}", 6)) {
            fp_buf_adds(&path, c->lang);
            p += 5;
        } else {
            fp_buf_addc(&path, *p);
        }
    }
    if (depth >= 8) {
        problem(c, line, "<include src=\"%s\">: libraries included more than 8 deep", src);
    } else {
        bool cycle = false;
        for (size_t i = 0; i < c->nincl; i++)
            cycle = cycle || !strcmp(c->incl[i], path.data);
        if (cycle) {
            problem(c, line, "<include src=\"%s\">: %s includes itself (through %s)", src, path.data,
                    c->incl[c->nincl - 1]);
        } else {
            char *bytes = NULL;
            size_t n = 0;
            fp_error e;
            /* next to the including file, else among the shipped templates: a copy of a shipped template in
             * another folder keeps its libraries */
            FILE *near = fopen(path.data, "rb");
            if (near) {
                fclose(near);
            } else if (src[0] != '/') {
                char shipped[4096];
                fp_buf rel;
                fp_buf_init(&rel);
                for (const char *p = src; *p; p++)
                    if (!strncmp(p, "{lang}", 6))
                        fp_buf_adds(&rel, c->lang), p += 5;
                    else
                        fp_buf_addc(&rel, *p);
                if (fp_datafile(rel.data, shipped, sizeof shipped, NULL) == FP_OK && (near = fopen(shipped, "rb"))) {
                    fclose(near);
                    fp_buf_reset(&path);
                    fp_buf_adds(&path, shipped);
                }
                fp_buf_free(&rel);
            }
            if (fp_xml_read_file(path.data, MAX_TEMPLATE_BYTES, "phrase library", &bytes, &n, &e) != FP_OK) {
                problem(c, line, "<include src=\"%s\">: %s", src, e.msg);
            } else {
                const char *saved = c->path;
                c->path = path.data;
                int before = c->count;
                xmlDocPtr doc = fp_xml_parse(path.data, bytes, n, MAX_TEMPLATE_BYTES, "phrase library", report_problem, c);
                xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
                if (doc && (!root || strcmp((const char *)root->name, "library")))
                    problem(c, root ? (int)xmlGetLineNo(root) : 0,
                            "the root of a phrase library is <library>, found <%s>",
                            root ? (const char *)root->name : "nothing");
                else if (doc && schema && c->count == before &&
                         !fp_xml_validate(doc, schema, "template", report_problem, c) && c->count == before)
                    problem(c, 0, "does not match the template schema %s", schema);
                if (doc) {
                    c->docs = fp_xrealloc(c->docs, (c->ndocs + 1) * sizeof *c->docs);
                    c->docs[c->ndocs++] = doc;
                    /* the path must outlive the walk: the phrases keep it */
                    c->incl = fp_xrealloc(c->incl, (c->nincl + 1) * sizeof *c->incl);
                    c->incl[c->nincl++] = fp_xstrdup(path.data);
                    if (c->count == before)
                        definitions(c, root, c->incl[c->nincl - 1], schema, depth + 1);
                    c->nincl--;
                    /* kept for messages: moved to the list of documents' names */
                    arena_item *a = fp_xcalloc(1, sizeof *a);
                    a->next = c->arena;
                    c->arena = a;
                    a->name = c->incl[c->nincl];
                }
                c->path = saved;
                free(bytes);
            }
        }
    }
    fp_buf_free(&path);
    free(src);
}

/* a definition's attributes (<phrase>, <include>, <word>): known and present, as for any element */
static bool def_attrs(ctx *c, xmlNodePtr x, fp_tkind k)
{
    const elemdef *e = &ELEMS[k];
    int line = (int)xmlGetLineNo(x);
    bool ok = true;
    for (xmlAttrPtr at = x->properties; at; at = at->next) {
        bool known = false;
        for (int i = 0; i < MAXA && e->attrs[i] != END; i++)
            known = known || !strcmp(ATTRS[e->attrs[i]].name, (const char *)at->name);
        if (!known) {
            fp_buf names;
            fp_buf_init(&names);
            for (int i = 0; i < MAXA && e->attrs[i] != END; i++)
                fp_buf_printf(&names, "%s%s", i ? ", " : "", ATTRS[e->attrs[i]].name);
            problem(c, line, "<%s>: unknown attribute %s; allowed: %s", e->name, (const char *)at->name,
                    names.data ? names.data : "no attributes");
            fp_buf_free(&names);
            ok = false;
        }
    }
    for (int i = 0; i < 3 && e->required[i] != END; i++)
        if (!xmlHasProp(x, (const xmlChar *)ATTRS[e->required[i]].name)) {
            problem(c, line, "<%s> needs the attribute %s", e->name, ATTRS[e->required[i]].name);
            ok = false;
        }
    return ok;
}

static void definitions(ctx *c, xmlNodePtr root, const char *path, const char *schema, int depth)
{
    bool library = !strcmp((const char *)root->name, "library");
    for (xmlNodePtr ch = root->children; ch; ch = ch->next) {
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        const char *cn = (const char *)ch->name;
        int line = (int)xmlGetLineNo(ch);
        if (!strcmp(cn, "include")) {
            if (def_attrs(c, ch, FP_TK_INCLUDE))
                include_library(c, ch, path, schema, depth);
        } else if (!strcmp(cn, "phrase")) {
            if (!def_attrs(c, ch, FP_TK_PHRASE))
                continue;
            char *name = prop(ch, "name");
            bool good = name && ((*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z') || *name == '_');
            for (const char *q = name; good && *q; q++)
                good = (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '_' ||
                       *q == '-';
            if (!good) {
                problem(c, line, "<phrase name=\"%s\">: a phrase's name is letters, digits, _ and -, starting with a "
                        "letter or _", name ? name : "");
                free(name);
                continue;
            }
            for (size_t i = 0; i < c->nphrases; i++)
                if (!strcmp(c->phrases[i].name, name) && c->phrases[i].path == path)
                    problem(c, line, "<phrase name=\"%s\"> is defined twice in this file (first at line %d)", name,
                            (int)xmlGetLineNo(c->phrases[i].node));
            fp_xgrow((void **)&c->phrases, &c->phrases_cap, c->nphrases + 1, sizeof *c->phrases);
            c->phrases[c->nphrases++] = (phrase){name, prop(ch, "params"), ch, path};
        } else if (!strcmp(cn, "word")) {
            if (!def_attrs(c, ch, FP_TK_WORD))
                continue;
            char *key = prop(ch, "key");
            xmlChar *t = xmlNodeGetContent(ch);
            const char *s = t ? (const char *)t : "";
            /* on one line a word is kept exactly, its spaces too (<word key="sofar"> (to date)</word>); written
             * over lines, the indentation around it is dropped */
            size_t n = strchr(s, '\n') ? fp_trim(&s, strlen(s)) : strlen(s);
            char *text = fp_xstrndup(s, n);
            add_word(c, line, key, text);
            free(text);
            xmlFree(t);
            free(key);
        } else if (!strcmp(cn, "words")) {
            if (!def_attrs(c, ch, FP_TK_WORDS))
                continue;
            /* one word a line: its key, spaces, its text (to the end of the line, trimmed) */
            xmlChar *t = xmlNodeGetContent(ch);
            const char *s = t ? (const char *)t : "";
            for (int no = line; *s; no++) {
                size_t n = strcspn(s, "\n");
                const char *l = s;
                size_t k = fp_trim(&l, n);
                s += n + (s[n] == '\n');
                if (!k)
                    continue;
                size_t kk = strcspn(l, " \t");
                if (kk >= k) {
                    problem(c, no, "<words>: \"%.*s\" has no text; write the key, spaces, then the word", (int)k, l);
                    continue;
                }
                char *key = fp_xstrndup(l, kk);
                const char *w = l + kk;
                size_t wn = fp_trim(&w, k - kk);
                char *text = fp_xstrndup(w, wn);
                add_word(c, no, key, text);
                free(text);
                free(key);
            }
            xmlFree(t);
        } else if (!strcmp(cn, "let") && library) {
            if (!def_attrs(c, ch, FP_TK_LET))
                continue;
            c->lets = fp_xrealloc(c->lets, (c->nlets + 1) * sizeof *c->lets);
            c->lets[c->nlets].node = ch;
            c->lets[c->nlets++].path = path;
        } else if (library) {
            problem(c, line, "<%s> cannot stand in a <library>: it holds <phrase>, <word>, <words>, <let> and "
                    "<include>", cn);
        }
    }
}

static void free_definitions(ctx *c)
{
    for (size_t i = 0; i < c->nphrases; i++) {
        free(c->phrases[i].name);
        free(c->phrases[i].params);
    }
    free(c->phrases);
    for (size_t i = 0; i < c->ndocs; i++)
        xmlFreeDoc(c->docs[i]);
    free(c->docs);
    free(c->incl);
    free(c->lets);
    while (c->arena) {
        arena_item *a = c->arena;
        c->arena = a->next;
        fp_v_free(a->value);
        free(a->name);
        free(a);
    }
}

/* ---- schema ---- */

fp_value *fp_template_schema(void)
{
    fp_value *root = fp_metrics_schema();
    fp_value *names = fp_names_report(NULL, NULL, 1);
    for (size_t i = 0; i < fp_v_len(names); i++)
        fp_v_set(root, fp_v_key(names, i), fp_v_copy(fp_v_at(names, i)));
    fp_v_free(names);
    return root;
}

/* ---- loading ---- */

static void validate(ctx *c, xmlDocPtr doc, const char *schema)
{
    int before = c->count;
    if (!fp_xml_validate(doc, schema, "template", report_problem, c) && c->count == before)
        problem(c, 0, "does not match the template schema %s", schema);
}

fp_status fp_template_load_mem(const char *name, const char *xml, size_t n, const char *schema, fp_template **out,
                               fp_error *err)
{
    return fp_template_load_mem_lang(name, xml, n, schema, NULL, out, err);
}

/* reads and checks a template; its problems (at most max of them, then how many more) go to *problems */
static fp_status load(const char *name, const char *xml, size_t n, const char *schema, const char *lang, int max,
                      bool library_ok, fp_template **out, char **problems)
{
    *out = NULL;
    *problems = NULL;
    ctx c = {.path = name, .lang = lang, .loop = fp_names_loop(0, 1), .max_problems = max};
    fp_buf_init(&c.text);
    fp_template *t = fp_xcalloc(1, sizeof *t);
    t->path = fp_xstrdup(name);
    xmlDocPtr doc = fp_xml_parse(name, xml, n, MAX_TEMPLATE_BYTES, "template", report_problem, &c);
    if (doc && !c.count) {
        xmlNodePtr root = xmlDocGetRootElement(doc);
        if (library_ok && root && !strcmp((const char *)root->name, "library")) {
            /* fupan check of a phrase library: its words, its includes and its shape (a phrase's body is
             * checked where a report uses it, against what stands around it there) */
            c.lang = lang ? lang : "zh";
            c.words = fp_v_obj();
            definitions(&c, root, name, schema, 0);
            if (!c.count && schema && !fp_xml_validate(doc, schema, "template", report_problem, &c) && !c.count)
                problem(&c, 0, "does not match the template schema %s", schema);
        } else if (!root || strcmp((const char *)root->name, "report")) {
            problem(&c, root ? (int)xmlGetLineNo(root) : 0, "the root element must be <report>%s, found <%s>",
                    library_ok ? " (or <library>, for a phrase library)" : "",
                    root ? (const char *)root->name : "nothing");
        } else {
            /* the definitions first — phrases, words, the libraries — so the report can use them anywhere */
            char *lang_attr = prop(root, "lang");
            t->lang = fp_xstrdup(c.lang ? c.lang : lang_attr && !strcmp(lang_attr, "en") ? "en" : "zh");
            free(lang_attr);
            c.lang = t->lang;
            c.words = fp_v_obj();
            int before_defs = c.count;
            definitions(&c, root, name, schema, 0);
            /* a library that does not load leaves its phrases and words undefined: checking the report now
             * would only repeat that, once for every use */
            bool defs_ok = c.count == before_defs;
            fp_value *schema_v = fp_template_schema();
            fp_v_set(schema_v, "words", fp_v_copy(c.words));
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
            if (!r->a[FP_A_TITLE].set) {
                problem(&c, line, "<report> needs the attribute title");
            } else {
                const char *tt = r->a[FP_A_TITLE].raw;
                if (!fp_trim(&tt, strlen(tt)))
                    problem(&c, line, "<report title=\"\">: the title is empty; it is the document's title (on its "
                            "first page, in the PDF's properties and in the mail's subject)");
            }
            const fp_scope *s = &top;
            /* the libraries' names first, in the order the libraries were read: the whole report sees them */
            for (size_t i = 0; defs_ok && i < c.nlets; i++) {
                const char *saved = c.path;
                c.path = c.lets[i].path;
                s = walk(&c, c.lets[i].node, r, C_REPORT, s, 1);
                c.path = saved;
            }
            for (xmlNodePtr ch = defs_ok ? root->children : NULL; ch; ch = ch->next) {
                if (ch->type == XML_ELEMENT_NODE &&
                    (!strcmp((const char *)ch->name, "phrase") || !strcmp((const char *)ch->name, "include") ||
                     !strcmp((const char *)ch->name, "word") || !strcmp((const char *)ch->name, "words")))
                    continue; /* read above */
                s = walk(&c, ch, r, C_REPORT, s, 1);
            }
            bool shows = false;
            for (size_t i = 0; i < r->nkids; i++)
                shows = shows || (r->kids[i]->kind != FP_TK_LET && r->kids[i]->kind != FP_TK_COVER);
            if (!shows && !c.count && defs_ok)
                problem(&c, line, "<report> holds nothing to show: add a <section title=\"…\"> with a <p> or a "
                        "<table> in it (templates/README.md, \"Writing a template\")");
            t->root = r;
            t->words = c.words;
            c.words = NULL;
            fp_v_free(schema_v);
        }
        if (!c.count && schema)
            validate(&c, doc, schema);
    }
    free_definitions(&c);
    fp_v_free(c.loop);
    fp_v_free(c.words);
    if (doc)
        xmlFreeDoc(doc);
    if (c.count) {
        if (c.count > c.max_problems)
            fp_buf_printf(&c.text, "\n%s: … and %d more problem%s (fupan check %s lists every one)", name,
                          c.count - c.max_problems, c.count - c.max_problems == 1 ? "" : "s", name);
        *problems = fp_buf_steal(&c.text);
        fp_template_free(t);
        return FP_ERR_INPUT;
    }
    fp_buf_free(&c.text);
    *out = t;
    return FP_OK;
}

fp_status fp_template_load_mem_lang(const char *name, const char *xml, size_t n, const char *schema, const char *lang,
                                    fp_template **out, fp_error *err)
{
    *out = NULL;
    if (lang && strcmp(lang, "zh") && strcmp(lang, "en"))
        return fp_fail(err, FP_ERR_USAGE, "--lang %s: the languages are zh and en", lang);
    char *problems = NULL;
    fp_status s = load(name, xml, n, schema, lang, MAX_PROBLEMS, false, out, &problems);
    if (s != FP_OK) {
        /* whole lines that fit, then how many did not */
        size_t cap = sizeof err->msg - 120, keep = 0, lines = 0, total = 0;
        for (const char *p = problems; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
            total++;
        for (const char *p = problems; p;) {
            const char *nl = strchr(p, '\n');
            size_t end = nl ? (size_t)(nl - problems) : strlen(problems);
            if (end > cap)
                break;
            keep = end;
            lines++;
            p = nl ? nl + 1 : NULL;
        }
        if (lines == total)
            fp_fail(err, FP_ERR_INPUT, "%s", problems);
        else if (lines)
            fp_fail(err, FP_ERR_INPUT, "%.*s\n%s: … and %zu more lines (fupan check %s lists every problem)",
                    (int)keep, problems, name, total - lines, name);
        else
            fp_fail(err, FP_ERR_INPUT, "%.*s …\n%s: (fupan check %s lists every problem in full)", (int)cap - 200,
                    problems, name, name);
        free(problems);
    }
    return s;
}

fp_status fp_template_check_file(const char *path, const char *schema, const char *lang, char **problems)
{
    *problems = NULL;
    char *buf;
    size_t got;
    fp_error err;
    if (fp_xml_read_file(path, MAX_TEMPLATE_BYTES, "template", &buf, &got, &err) != FP_OK) {
        *problems = fp_xstrdup(err.msg);
        return err.code;
    }
    fp_template *t = NULL;
    fp_status s = load(path, buf, got, schema, lang, MAX_CHECK_PROBLEMS, true, &t, problems);
    fp_template_free(t);
    free(buf);
    return s;
}

fp_status fp_template_load(const char *path, const char *schema, fp_template **out, fp_error *err)
{
    return fp_template_load_lang(path, schema, NULL, out, err);
}

fp_status fp_template_load_lang(const char *path, const char *schema, const char *lang, fp_template **out,
                                fp_error *err)
{
    *out = NULL;
    char *buf;
    size_t got;
    fp_status s = fp_xml_read_file(path, MAX_TEMPLATE_BYTES, "template", &buf, &got, err);
    if (s != FP_OK)
        return s;
    s = fp_template_load_mem_lang(path, buf, got, schema, lang, out, err);
    free(buf);
    return s;
}

void fp_template_free(fp_template *t)
{
    if (!t)
        return;
    tnode_free(t->root);
    free(t->path);
    free(t->lang);
    fp_v_free(t->words);
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
