/* profile.c — reading a data profile with libxml2.
 *
 * The XML is parsed without network access and without entity substitution;
 * a DOCTYPE is refused outright, so nothing in a profile can make libxml2 read
 * another file or expand entities. The document is then checked twice: first
 * by fupan's own walk, which knows the canonical tables and gives messages
 * that say how to fix the problem ("unknown column 'amout' in <orders>; did
 * you mean 'amount'?"), then against templates/profile.rng, so the shipped
 * schema is the contract.
 */
#include "profile.h"

#include "currency.h"
#include "xmlsafe.h"

#include "util.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define MAX_PROFILE_BYTES (4u << 20)

const char *fp_encoding_name(fp_encoding e)
{
    switch (e) {
    case FP_ENC_AUTO:
        return "auto";
    case FP_ENC_UTF8:
        return "utf-8";
    case FP_ENC_GB18030:
        return "gb18030";
    case FP_ENC_UTF16:
        return "utf-16";
    }
    return "?";
}

/* Problems found, one per line, "file:line: message". */
typedef struct problems {
    fp_buf text;
    int count;
    const char *path;
} problems;

static void problem(problems *pr, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem(problems *pr, int line, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char one[800];
    if (line > 0)
        snprintf(one, sizeof one, "%s:%d: %s", pr->path, line, msg);
    else
        snprintf(one, sizeof one, "%s: %s", pr->path, msg);
    /* libxml2 reports some errors twice */
    if (pr->count && pr->text.len >= strlen(one) && !strcmp(pr->text.data + pr->text.len - strlen(one), one))
        return;
    if (pr->count)
        fp_buf_addc(&pr->text, '\n');
    fp_buf_adds(&pr->text, one);
    pr->count++;
}

static void report_problem(void *ud, int line, const char *msg)
{
    problem(ud, line, "%s", msg);
}

static const char *TABLE_ELEMS = "<orders>, <targets>, <roster>, <surveys>, <activities>, <actions>, <calendar>";

static char *attr(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = fp_xstrdup((const char *)v);
    xmlFree(v);
    return s;
}

static char *text_of(xmlNodePtr n)
{
    xmlChar *v = xmlNodeGetContent(n);
    char *s = fp_xstrdup(v ? (const char *)v : "");
    xmlFree(v);
    const char *p = s;
    size_t len = fp_trim(&p, strlen(s));
    char *t = fp_xstrndup(p, len);
    free(s);
    return t;
}

static bool parse_encoding(const char *v, fp_encoding *e)
{
    if (!v || !strcmp(v, "auto"))
        *e = FP_ENC_AUTO;
    else if (!strcmp(v, "utf-8") || !strcmp(v, "UTF-8"))
        *e = FP_ENC_UTF8;
    else if (!strcmp(v, "gbk") || !strcmp(v, "gb18030") || !strcmp(v, "gb2312") || !strcmp(v, "GBK") ||
             !strcmp(v, "GB18030"))
        *e = FP_ENC_GB18030;
    else if (!strcmp(v, "utf-16") || !strcmp(v, "UTF-16"))
        *e = FP_ENC_UTF16;
    else
        return false;
    return true;
}

static int unit_exp(const char *u)
{
    if (!u || !strcmp(u, "元"))
        return 0;
    if (!strcmp(u, "千元"))
        return 3;
    if (!strcmp(u, "万元"))
        return 4;
    if (!strcmp(u, "亿元"))
        return 8;
    return -1;
}

static void column_list(fp_buf *b, const fp_tablespec *spec)
{
    for (int i = 0; i < spec->ncols; i++)
        fp_buf_printf(b, "%s%s", i ? ", " : "", spec->cols[i].name);
}

static void add_status_list(char ***list, int *n, const char *v)
{
    *list = fp_xrealloc(*list, (size_t)(*n + 1) * sizeof **list);
    (*list)[(*n)++] = fp_xstrdup(v);
}

static void read_column(problems *pr, fp_profile_table *t, const fp_tablespec *spec, xmlNodePtr n)
{
    int line = (int)xmlGetLineNo(n);
    char *name = attr(n, "name");
    char *header = attr(n, "header");
    char *unit = attr(n, "unit");
    if (!name) {
        problem(pr, line, "<column> needs a name attribute, one of the canonical columns of <%s>", spec->name);
        goto out;
    }
    int c = fp_table_col_index(spec, name);
    if (c < 0) {
        const char *best = NULL;
        int bd = 3;
        for (int i = 0; i < spec->ncols; i++) {
            int d = fp_edit_distance(name, spec->cols[i].name);
            if (d < bd) {
                bd = d;
                best = spec->cols[i].name;
            }
        }
        fp_buf cols;
        fp_buf_init(&cols);
        column_list(&cols, spec);
        if (best)
            problem(pr, line, "unknown column name \"%s\" in <%s>; did you mean \"%s\"? (known: %s)", name,
                    spec->name, best, cols.data);
        else
            problem(pr, line, "unknown column name \"%s\" in <%s>; the columns of <%s> are: %s", name, spec->name,
                    spec->name, cols.data);
        fp_buf_free(&cols);
        goto out;
    }
    fp_profile_column *pc = &t->col[c];
    if (pc->nheaders) {
        problem(pr, line, "column \"%s\" is mapped twice in <%s> (first at line %d); list the spellings in one "
                "header attribute separated by |", name, spec->name, pc->line);
        goto out;
    }
    if (!header || !*header) {
        problem(pr, line, "column \"%s\" needs a header attribute: the column's title in the CSV file", name);
        goto out;
    }
    pc->line = line;
    /* header="成交金额|金额": several accepted spellings */
    const char *p = header;
    while (*p && pc->nheaders < FP_MAX_HEADERS) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        const char *s = p;
        size_t tl = fp_trim(&s, len);
        if (tl)
            pc->headers[pc->nheaders++] = fp_xstrndup(s, tl);
        p = bar ? bar + 1 : p + len;
    }
    if (!pc->nheaders)
        problem(pr, line, "column \"%s\" has an empty header attribute", name);
    if (unit) {
        if (spec->cols[c].type != FP_T_MONEY)
            problem(pr, line, "unit=\"%s\" only applies to money columns, and \"%s\" is not one", unit, name);
        else if ((pc->unit_exp10 = unit_exp(unit)) < 0)
            problem(pr, line, "unknown unit \"%s\"; use 元, 千元, 万元 or 亿元", unit);
    }
out:
    free(name);
    free(header);
    free(unit);
}

static void read_table(problems *pr, fp_profile *prof, fp_encoding def_enc, const fp_tablespec *spec, xmlNodePtr n)
{
    prof->table[spec->id].decimal = prof->decimal;
    prof->table[spec->id].currency = prof->currency;
    fp_profile_table *t = &prof->table[spec->id];
    int line = (int)xmlGetLineNo(n);
    if (t->declared) {
        problem(pr, line, "<%s> appears twice (first at line %d)", spec->name, t->line);
        return;
    }
    t->declared = true;
    t->line = line;
    t->required = spec->required;
    t->file = attr(n, "file");
    if (!t->file || !*t->file)
        problem(pr, line, "<%s> needs a file attribute: the CSV file's name in the data directory", spec->name);
    char *enc = attr(n, "encoding");
    t->encoding = def_enc;
    if (enc && !parse_encoding(enc, &t->encoding))
        problem(pr, line, "unknown encoding \"%s\"; use auto, utf-8, gbk, gb18030 or utf-16", enc);
    free(enc);
    t->sheet = attr(n, "sheet");
    if (t->sheet && !*t->sheet)
        problem(pr, line, "sheet=\"\" names no sheet; leave it out to read the workbook's first sheet");
    char *delim = attr(n, "delimiter");
    if (delim) {
        if (!strcmp(delim, "tab"))
            t->delimiter = '\t';
        else if (strlen(delim) == 1 && strchr(",;|", delim[0]))
            t->delimiter = delim[0];
        else
            problem(pr, line, "unknown delimiter \"%s\"; use \",\", \";\", \"|\" or \"tab\"", delim);
        free(delim);
    }
    char *req = attr(n, "required");
    if (req) {
        if (!strcmp(req, "yes"))
            t->required = true;
        else if (!strcmp(req, "no") && !spec->required)
            t->required = false;
        else if (!strcmp(req, "no"))
            problem(pr, line, "<%s> cannot be optional: fupan has nothing to report without it", spec->name);
        else
            problem(pr, line, "required=\"%s\" must be yes or no", req);
        free(req);
    }
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const char *cn = (const char *)c->name;
        int cl = (int)xmlGetLineNo(c);
        if (!strcmp(cn, "column")) {
            read_column(pr, t, spec, c);
        } else if (!strcmp(cn, "won") && spec->id == FP_TBL_ORDERS) {
            char *v = text_of(c);
            if (*v)
                add_status_list(&t->won, &t->nwon, v);
            else
                problem(pr, cl, "<won> is empty; write an order status that counts as a sale, e.g. <won>已成交</won>");
            free(v);
        } else if (!strcmp(cn, "done") && spec->id == FP_TBL_ACTIONS) {
            char *v = text_of(c);
            if (*v)
                add_status_list(&t->done, &t->ndone, v);
            else
                problem(pr, cl, "<done> is empty; write a status that means done, e.g. <done>已完成</done>");
            free(v);
        } else if (!strcmp(cn, "stage") && spec->id == FP_TBL_ACTIVITIES) {
            char *v = text_of(c);
            bool dup = false;
            for (int i = 0; i < t->nstages; i++)
                dup = dup || !strcmp(t->stages[i], v);
            if (!*v)
                problem(pr, cl, "<stage> is empty; write an activity result, e.g. <stage>已报价</stage>");
            else if (dup)
                problem(pr, cl, "<stage>%s</stage> is listed twice; each funnel stage comes once, in order", v);
            else
                add_status_list(&t->stages, &t->nstages, v);
            free(v);
        } else {
            problem(pr, cl, "<%s> is not allowed in <%s>; it holds <column name=\"…\" header=\"…\"/>%s", cn,
                    spec->name,
                    spec->id == FP_TBL_ORDERS       ? " and <won>"
                    : spec->id == FP_TBL_ACTIONS    ? " and <done>"
                    : spec->id == FP_TBL_ACTIVITIES ? " and <stage>"
                                                    : "");
        }
    }
    for (int i = 0; i < spec->ncols; i++)
        if (spec->cols[i].required && !t->col[i].nheaders)
            problem(pr, line, "<%s> does not map the required column \"%s\" (%s); add <column name=\"%s\" "
                    "header=\"…\"/>", spec->name, spec->cols[i].name, spec->cols[i].doc, spec->cols[i].name);
    /* a file column feeds one field: two fields read from one header cannot both be filled */
    for (int a = 0; a < spec->ncols; a++)
        for (int b = a + 1; b < spec->ncols; b++)
            for (int i = 0; i < t->col[a].nheaders; i++)
                for (int j = 0; j < t->col[b].nheaders; j++)
                    if (!strcasecmp(t->col[a].headers[i], t->col[b].headers[j]))
                        problem(pr, t->col[b].line,
                                "<%s>: the columns \"%s\" (line %d) and \"%s\" both read the header \"%s\"; a "
                                "file column feeds one field — map it once (the other is optional: leave it out)",
                                spec->name, spec->cols[a].name, t->col[a].line, spec->cols[b].name,
                                t->col[a].headers[i]);
    if (spec->id == FP_TBL_ORDERS && t->col[FP_ORD_STATUS].nheaders && !t->nwon)
        problem(pr, line, "<orders> maps a status column but lists no <won> values; add e.g. <won>已成交</won>");
    if (spec->id == FP_TBL_TARGETS && !t->col[FP_TGT_TEAM].nheaders && !t->col[FP_TGT_REP].nheaders)
        problem(pr, line, "<targets> maps neither \"team\" nor \"rep\": a target must say whose it is");
}

static void walk(problems *pr, fp_profile *prof, xmlNodePtr root)
{
    if (!root || strcmp((const char *)root->name, "profile") != 0) {
        problem(pr, root ? (int)xmlGetLineNo(root) : 0, "the root element must be <profile>, found <%s>",
                root ? (const char *)root->name : "nothing");
        return;
    }
    char *enc = attr(root, "encoding");
    fp_encoding def = FP_ENC_AUTO;
    if (enc && !parse_encoding(enc, &def))
        problem(pr, (int)xmlGetLineNo(root), "unknown encoding \"%s\"; use auto, utf-8, gbk, gb18030 or utf-16",
                enc);
    free(enc);
    prof->name = attr(root, "name");
    prof->currency = fp_currency_default();
    prof->decimal = '.';
    char *cur = attr(root, "currency");
    if (cur) {
        prof->currency = fp_currency_find(cur);
        if (!prof->currency) {
            problem(pr, (int)xmlGetLineNo(root), "unknown currency \"%s\"; fupan knows %s", cur, fp_currency_codes());
            prof->currency = fp_currency_default();
        }
        free(cur);
    }
    char *dec = attr(root, "decimal");
    if (dec) {
        if (!strcmp(dec, ",") || !strcmp(dec, "."))
            prof->decimal = dec[0];
        else
            problem(pr, (int)xmlGetLineNo(root), "decimal=\"%s\" must be \".\" or \",\" (the decimal mark of amounts)",
                    dec);
        free(dec);
    }
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const char *cn = (const char *)c->name;
        if (!strcmp(cn, "description"))
            continue;
        const fp_tablespec *spec = fp_table_spec_by_name(cn);
        if (spec) {
            read_table(pr, prof, def, spec, c);
            continue;
        }
        const char *best = NULL;
        int bd = 3;
        for (int i = 0; i < FP_TBL_COUNT; i++) {
            int d = fp_edit_distance(cn, fp_table_spec((fp_table_id)i)->name);
            if (d < bd) {
                bd = d;
                best = fp_table_spec((fp_table_id)i)->name;
            }
        }
        if (best)
            problem(pr, (int)xmlGetLineNo(c), "unknown element <%s>; did you mean <%s>? (a profile holds %s)", cn,
                    best, TABLE_ELEMS);
        else
            problem(pr, (int)xmlGetLineNo(c), "unknown element <%s>; a profile holds <description>, %s", cn,
                    TABLE_ELEMS);
    }
    if (!prof->table[FP_TBL_ORDERS].declared)
        problem(pr, (int)xmlGetLineNo(root), "the profile has no <orders> table; fupan needs the order lines");
}

static void validate_schema(problems *pr, xmlDocPtr doc, const char *schema_path)
{
    int before = pr->count;
    if (!fp_xml_validate(doc, schema_path, "profile", report_problem, pr) && pr->count == before)
        problem(pr, 0, "does not match the profile schema %s", schema_path);
}

fp_status fp_profile_load(const char *path, const char *schema_path, fp_profile **out, fp_error *err)
{
    *out = NULL;
    char *text;
    size_t got;
    fp_status rs = fp_xml_read_file(path, MAX_PROFILE_BYTES, "profile", &text, &got, err);
    if (rs == FP_ERR_NOTFOUND)
        return fp_fail(err, FP_ERR_NOTFOUND, "%s: no such profile (give one with --profile, e.g. --profile "
                       "crm-export for the layout gen-crm-export writes)", path);
    if (rs != FP_OK)
        return rs;
    problems pr = {.path = path};
    fp_buf_init(&pr.text);
    fp_profile *prof = fp_xcalloc(1, sizeof *prof);
    prof->path = fp_xstrdup(path);
    xmlDocPtr doc = fp_xml_parse(path, text, got, MAX_PROFILE_BYTES, "profile", report_problem, &pr);
    free(text);
    if (doc && !pr.count) {
        walk(&pr, prof, xmlDocGetRootElement(doc));
        if (!pr.count && schema_path)
            validate_schema(&pr, doc, schema_path);
    }
    if (doc)
        xmlFreeDoc(doc);

    if (pr.count) {
        fp_fail(err, FP_ERR_INPUT, "%s", pr.text.data);
        fp_buf_free(&pr.text);
        fp_profile_free(prof);
        return FP_ERR_INPUT;
    }
    fp_buf_free(&pr.text);
    *out = prof;
    return FP_OK;
}

void fp_profile_free(fp_profile *p)
{
    if (!p)
        return;
    for (int t = 0; t < FP_TBL_COUNT; t++) {
        fp_profile_table *pt = &p->table[t];
        free(pt->file);
        for (int c = 0; c < FP_MAX_COLS; c++)
            for (int h = 0; h < pt->col[c].nheaders; h++)
                free(pt->col[c].headers[h]);
        for (int i = 0; i < pt->nwon; i++)
            free(pt->won[i]);
        free(pt->won);
        for (int i = 0; i < pt->ndone; i++)
            free(pt->done[i]);
        free(pt->done);
        for (int i = 0; i < pt->nstages; i++)
            free(pt->stages[i]);
        free(pt->stages);
        free(pt->sheet);
    }
    free(p->name);
    free(p->path);
    free(p);
}
