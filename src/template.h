/* template.h — report templates: XML read once, checked, and kept as a tree.
 *
 * A template (templates/README.md documents the language, templates/template.rng
 * is its schema) is parsed with libxml2 — no DTDs, no entities, no network, no
 * XInclude — into the tree below, in which every expression is parsed and every
 * attribute typed. fp_template_load then checks it: against the RELAX NG schema,
 * and by fupan itself, which knows the names of the metrics, the formats and
 * the functions, and reports every problem as "file:line: message" with what
 * to write instead. The XML document is freed: expansion (expand.c) and
 * rendering never see XML.
 */
#ifndef FP_TEMPLATE_H
#define FP_TEMPLATE_H

#include "error.h"
#include "period.h"
#include "expr.h"
#include "format.h"
#include "util.h"

/* Text with placeholders: "本月销售额{sales|money}，同比{yoy|signed}" */
typedef struct fp_tseg {
    char *lit;          /* literal text, or NULL for a placeholder */
    fp_expr *expr;
    fp_fmt fmt;
} fp_tseg;

typedef struct fp_ttext {
    fp_tseg *seg;
    size_t n;
} fp_ttext;

typedef enum fp_tkind {
    FP_TK_REPORT,
    FP_TK_COVER,
    FP_TK_LINE,
    FP_TK_SECTION,
    FP_TK_H,
    FP_TK_P,
    FP_TK_UL,
    FP_TK_OL,
    FP_TK_LI,
    FP_TK_KPIS,
    FP_TK_KPI,
    FP_TK_TABLE,
    FP_TK_COL,
    FP_TK_CHART,
    FP_TK_IF,
    FP_TK_ELSE,
    FP_TK_EACH,
    FP_TK_NOTES,
    FP_TK_BOX,
    FP_TK_PAGEBREAK,
    FP_TK_LET,           /* a name for the siblings that follow: <let name="d" value="sales - prev_sales"/> */
    FP_TK_USE,           /* a phrase placed here: its parameters (FP_TK_LET kids first), then its body */
    /* definitions, read before the rest and never in the tree */
    FP_TK_PHRASE,
    FP_TK_INCLUDE,
    FP_TK_WORD,
    FP_TK_WORDS,         /* <words>: one word a line, "key text" */
    /* inline */
    FP_TK_TEXT,          /* a run of text with placeholders */
    FP_TK_B,
    FP_TK_GOOD,
    FP_TK_WARN,
    FP_TK_BAD,
    FP_TK_MUTED,
    FP_TK_ACCENT,
    FP_TK_KIND_COUNT
} fp_tkind;

/* Attributes, by name; each element allows some of them (template.c). */
typedef enum fp_tattr_id {
    FP_A_TITLE,
    FP_A_SUBTITLE,
    FP_A_AUTHOR,
    FP_A_DATE,
    FP_A_KIND,
    FP_A_LANG,
    FP_A_PAGE,
    FP_A_ORIENTATION,
    FP_A_NUMBERING,
    FP_A_PERIODS,
    FP_A_ID,
    FP_A_WHEN,
    FP_A_LABEL,
    FP_A_VALUE,
    FP_A_FORMAT,
    FP_A_GOOD,
    FP_A_THRESHOLDS,
    FP_A_CHANGE,
    FP_A_CHANGE_LABEL,
    FP_A_CHANGE2,
    FP_A_CHANGE2_LABEL,
    FP_A_NOTE,
    FP_A_DATA,
    FP_A_AS,
    FP_A_WHERE,
    FP_A_SORT,
    FP_A_LIMIT,
    FP_A_TOTALS,
    FP_A_CAPTION,
    FP_A_EMPTY,
    FP_A_ALIGN,
    FP_A_TOTAL,
    FP_A_WIDTH,
    FP_A_TYPE,
    FP_A_X,
    FP_A_Y,
    FP_A_LABELS,
    FP_A_HEIGHT,
    FP_A_OPTIONS,
    FP_A_TEST,
    FP_A_IN,
    FP_A_SEP,
    FP_A_PART,
    FP_A_TONE,
    FP_A_BOLD,
    FP_A_NAME,
    FP_A_PHRASE,
    FP_A_PARAMS,
    FP_A_SRC,
    FP_A_KEY,
    FP_A_COUNT
} fp_tattr_id;

typedef struct fp_tattr {
    bool set;
    char *raw;          /* as written */
    fp_ttext text;      /* text attributes */
    fp_expr *expr;      /* expression attributes */
    fp_expr **exprs;    /* comma-separated expressions (chart y) */
    size_t nexprs;
    fp_fmt fmt;         /* format attributes */
    bool sort_desc;     /* sort: "-sales" */
    double num[2];      /* numbers: limit, width, height; thresholds lo, hi */
} fp_tattr;

typedef struct fp_tnode fp_tnode;
struct fp_tnode {
    fp_tkind kind;
    int line;
    fp_tattr a[FP_A_COUNT];
    fp_ttext text;      /* FP_TK_TEXT, FP_TK_H, FP_TK_LINE */
    fp_tnode **kids;
    size_t nkids, cap;
};

typedef struct fp_template {
    char *path;
    fp_tnode *root;     /* FP_TK_REPORT */
    char *lang;         /* zh or en: the report's lang="…", or the language it was loaded for */
    fp_value *words;    /* the <word>s of the template and its libraries, as the object "words" */
} fp_template;

/* Refuses a period of a kind the template does not declare in periods="…" (FP_ERR_USAGE, with the kinds
 * it is for); a template without periods takes any. Render, batch and anything else that makes a
 * report call it through the report pipeline, so they all refuse with the same message. */
fp_status fp_template_check_period(const fp_template *t, const fp_period *p, fp_error *err);
/* Reads and checks the template at path (schema: templates/template.rng; NULL skips it, for tests).
 * On failure err holds every problem, one "file:line: message" a line. Caller frees. */
fp_status fp_template_load(const char *path, const char *schema, fp_template **out, fp_error *err);
/* The same from memory; name is used in messages. */
fp_status fp_template_load_mem(const char *name, const char *xml, size_t n, const char *schema, fp_template **out,
                               fp_error *err);
/* The same for a language: lang "zh" or "en" replaces the report's lang="…", and is what {lang} stands for
 * in <include src="lib/{lang}.xml"/> (NULL: the report's own). */
fp_status fp_template_load_lang(const char *path, const char *schema, const char *lang, fp_template **out,
                                fp_error *err);
fp_status fp_template_load_mem_lang(const char *name, const char *xml, size_t n, const char *schema, const char *lang,
                                    fp_template **out, fp_error *err);
/* What `fupan check` prints: every problem of the template at path (a load stops listing at 50 and
 * at the size of an fp_error), one "file:line: message" a line, in *problems (caller frees; NULL when
 * it is fine). */
fp_status fp_template_check_file(const char *path, const char *schema, const char *lang, char **problems);
void fp_template_free(fp_template *t);
const char *fp_tkind_name(fp_tkind k);

/* The names a template may use beyond the metrics: report.date, report.author … (see README). The
 * shape, for checking; expand.c fills the real values. Caller frees. */
fp_value *fp_template_schema(void);

#endif
