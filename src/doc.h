/* doc.h — the document tree: what a report says, with no trace of CSV, XML or metrics.
 *
 * Template expansion (expand.c) builds it; each renderer (render_pdf.c,
 * render_html.c) walks it and decides only how it looks. Every string in it
 * is final text: numbers are already formatted, placeholders filled. The
 * renderers switch over fp_node_type without a default, so -Wswitch-enum
 * flags a renderer that forgot a new kind of node.
 *
 * Ownership: a node owns its strings and children; fp_doc_free frees all.
 */
#ifndef FP_DOC_H
#define FP_DOC_H

#include <stdbool.h>
#include <stddef.h>

/* Meaning-bearing colours, shared by KPI cards, table cells, text and charts. */
typedef enum fp_tone {
    FP_TONE_NONE,
    FP_TONE_GOOD,    /* on target, growing */
    FP_TONE_WARN,    /* close to the line */
    FP_TONE_BAD,     /* missed, falling */
    FP_TONE_MUTED,   /* secondary information */
    FP_TONE_ACCENT   /* emphasis without judgement */
} fp_tone;

typedef enum fp_align { FP_ALIGN_LEFT, FP_ALIGN_RIGHT, FP_ALIGN_CENTER } fp_align;

/* A run of text inside a paragraph or list item. */
typedef struct fp_span {
    char *text;
    bool bold;
    fp_tone tone;
} fp_span;

typedef struct fp_spans {
    fp_span *v;
    size_t n;
} fp_spans;

typedef enum fp_node_type {
    FP_NODE_DOCUMENT,
    FP_NODE_COVER,      /* title block: title, subtitle, meta lines */
    FP_NODE_SECTION,    /* numbered section: title, number; children are blocks */
    FP_NODE_HEADING,    /* a heading inside a section */
    FP_NODE_PARAGRAPH,
    FP_NODE_LIST,       /* children are items */
    FP_NODE_ITEM,
    FP_NODE_KPIS,       /* a row of KPI cards */
    FP_NODE_KPI,
    FP_NODE_TABLE,
    FP_NODE_CHART,
    FP_NODE_BOX,        /* a framed note (risks, the manager's comments); children are blocks */
    FP_NODE_PAGEBREAK
} fp_node_type;

typedef struct fp_change {
    char *label;        /* 环比, 同比, vs target */
    char *text;         /* +5.2% */
    int dir;            /* +1 up, -1 down, 0 flat or unknown */
    fp_tone tone;
} fp_change;

/* What a figure is, beside its text, for a spreadsheet (render_xlsx.c): the number itself and how to show it. */
typedef enum fp_numtype {
    FP_NUMT_NONE,       /* text only */
    FP_NUMT_MONEY,      /* an amount in the currency's units (yuan), two decimals */
    FP_NUMT_PERCENT,    /* a fraction: 0.943 shows as 94.3% */
    FP_NUMT_NUMBER,     /* a plain number with `digits` decimals (a count: 0) */
    FP_NUMT_DATE        /* a day: num is days since 1970-01-01 */
} fp_numtype;

typedef struct fp_num {
    fp_numtype type;
    double num;
    int digits;         /* decimals shown (percent and number) */
} fp_num;

typedef struct fp_cell {
    char *text;
    fp_tone tone;
    bool bold;
    fp_num num;         /* the cell's figure, when it is one */
} fp_cell;

typedef struct fp_tcol {
    char *label;
    fp_align align;
    double weight;      /* relative width hint; 0: from the content */
    bool numeric;
} fp_tcol;

typedef struct fp_table_doc {
    size_t ncols, nrows;
    fp_tcol *cols;
    fp_cell *cells;     /* nrows × ncols, row by row */
    bool has_total;     /* the last row is a totals row */
    char *empty_text;   /* shown when there are no rows */
} fp_table_doc;

typedef struct fp_series {
    char *name;
    double *values;     /* ncats values; NAN for missing */
} fp_series;

typedef struct fp_chart_doc {
    char *kind;         /* bar, line, pie … */
    size_t ncats, nseries;
    char **cats;
    fp_series *series;
    char *value_format; /* money, percent, count … for axis labels */
    double height;      /* in points; 0: the renderer's default */
    char *options;      /* kind-specific settings, key=value;… */
    bool en;            /* English labels (K, M, B; "No data") instead of Chinese (万, 亿; 暂无数据) */
    bool *partial;      /* per category: a period still in progress (drawn hollow, reached by a dashed line);
                         * NULL when none is */
} fp_chart_doc;

typedef struct fp_node fp_node;
struct fp_node {
    fp_node_type type;
    fp_node **kids;
    size_t nkids, cap;
    char *title;        /* section, heading, cover, chart, box, kpi label */
    char *number;       /* section number: "一、" */
    char *id;           /* anchor for links and bookmarks */
    int level;          /* heading level, 1 for sections */
    fp_spans spans;     /* paragraph, item */
    bool ordered;       /* list */
    fp_tone tone;       /* kpi value, box frame */
    char *value;        /* kpi value text */
    fp_num num;         /* kpi value as a figure */
    char *note;         /* kpi footnote; cover subtitle */
    fp_change changes[2];
    size_t nchanges;
    char **lines;       /* cover meta lines */
    size_t nlines;
    fp_table_doc *table;
    fp_chart_doc *chart;
};

typedef struct fp_doc {
    char *title;        /* the report's title */
    char *subject;      /* scope · period, for the running header and document info */
    char *author;
    char *date;         /* the report date as printed */
    char *lang;         /* zh or en */
    char *kind;         /* monthly, weekly … */
    char *money_symbol; /* the currency's sign for amounts in a spreadsheet: ¥, $, € … */
    char page[8];       /* A4, A3, letter */
    bool landscape;
    fp_node *root;      /* FP_NODE_DOCUMENT */
} fp_doc;

fp_doc *fp_doc_new(void);
void fp_doc_free(fp_doc *d);
fp_node *fp_node_new(fp_node_type t);
void fp_node_free(fp_node *n);
/* Appends child to parent (taking ownership); returns child. */
fp_node *fp_node_add(fp_node *parent, fp_node *child);
/* A deep copy of n and its children. */
fp_node *fp_node_clone(const fp_node *n);
void fp_spans_add(fp_spans *s, const char *text, bool bold, fp_tone tone);
void fp_spans_free(fp_spans *s);
/* All text of a node and its children, as one string (for tests and bookmarks); caller frees. */
char *fp_node_text(const fp_node *n);
const char *fp_node_type_name(fp_node_type t);
const char *fp_tone_name(fp_tone t);

#endif
