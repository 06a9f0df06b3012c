/* render_xlsx.c — the document tree as an Excel workbook, through libxlsxwriter.
 *
 * The first sheet holds the report's title, its cover lines and its KPI figures; then one sheet per table
 * of the document, named after the table's caption (or its section), at most 31 characters and unique.
 * Figures are stored as numbers with a number format (money with two decimals and thousands separators,
 * percentages as percentages, days as dates), so a director can sum and chart them; the header row is
 * bold and stays in view (frozen), columns are as wide as their text, a totals row is bold.
 *
 * libxlsxwriter writes files, not memory: the workbook goes to a temporary file, which is read back into
 * the buffer and removed (the caller writes the bytes atomically, as for PDF and HTML).
 */
#include "render.h"

#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define MAX_SHEETS 200

typedef struct xw {
    lxw_workbook *wb;
    const fp_doc *d;
    bool en;
    const char *symbol;       /* the currency's sign, for money formats; NULL: none */
    lxw_format *title, *head, *text, *textb;
    lxw_format *fmt[5][4][2]; /* [numtype][digits 0..3][bold] */
    char *names[MAX_SHEETS];  /* the sheet names given so far */
    int nnames;
    int ntables;
} xw;

static lxw_format *numfmt(xw *x, const fp_num *n, bool bold)
{
    int dg = n->digits < 0 ? 0 : n->digits > 3 ? 3 : n->digits;
    lxw_format **slot = &x->fmt[n->type][dg][bold];
    if (*slot)
        return *slot;
    lxw_format *f = workbook_add_format(x->wb);
    static const char *pct[] = {"0%", "0.0%", "0.00%", "0.000%"};
    static const char *num[] = {"#,##0", "#,##0.0", "#,##0.00", "#,##0.000"};
    switch (n->type) {
    case FP_NUMT_MONEY: {
        /* the currency's sign, quoted: "¥"#,##0.00 shows ¥1,234.50 and -¥1,234.50 */
        char nf[64];
        const char *sym = x->symbol && *x->symbol && !strchr(x->symbol, '"') ? x->symbol : "";
        if (*sym)
            snprintf(nf, sizeof nf, "\"%s\"#,##0.00;-\"%s\"#,##0.00", sym, sym);
        else
            snprintf(nf, sizeof nf, "#,##0.00");
        format_set_num_format(f, nf);
        break;
    }
    case FP_NUMT_PERCENT:
        format_set_num_format(f, pct[dg]);
        break;
    case FP_NUMT_NUMBER:
        format_set_num_format(f, num[dg]);
        break;
    case FP_NUMT_DATE:
        format_set_num_format(f, "yyyy-mm-dd");
        break;
    case FP_NUMT_NONE:
        break;
    }
    if (bold)
        format_set_bold(f);
    *slot = f;
    return f;
}

/* How wide Excel shows a figure, in character columns (for the column width). */
static size_t figure_width(const fp_num *n)
{
    if (n->type == FP_NUMT_DATE)
        return 10;
    double v = fabs(n->type == FP_NUMT_PERCENT ? n->num * 100 : n->num);
    size_t digits = v < 1 ? 1 : (size_t)floor(log10(v)) + 1;
    size_t w = digits + (digits - 1) / 3 + (n->num < 0);
    int dg = n->type == FP_NUMT_MONEY ? 2 : n->digits;
    if (dg > 0)
        w += (size_t)dg + 1;
    return w + (n->type == FP_NUMT_PERCENT);
}

/* Writes one cell: its figure as a number, or its text. */
static void put(xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *text, const fp_num *n, bool bold)
{
    if (n && n->type != FP_NUMT_NONE) {
        double v = n->type == FP_NUMT_DATE ? n->num + 25569.0 /* days since 1899-12-30 */
                   : n->type == FP_NUMT_MONEY ? round(n->num * 100.0) / 100.0 /* cents, as shown */
                                              : n->num;
        worksheet_write_number(ws, r, c, v, numfmt(x, n, bold));
    } else if (text && *text) {
        worksheet_write_string(ws, r, c, text, bold ? x->textb : x->text);
    }
}

/* a sheet name Excel accepts: no []:*?/\, no leading or trailing quote, at most 31 characters, unique
 * (Excel compares them without case) */
static char *sheet_name(xw *x, const char *want)
{
    char base[128];
    size_t k = 0, chars = 0;
    const char *fallback = x->en ? "Table" : "表";
    if (!want || !*want)
        want = fallback;
    for (const char *p = want; *p && k < sizeof base - 8;) {
        unsigned char ch = (unsigned char)*p;
        size_t len = ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
        if (strchr("[]:*?/\\", *p) || ch < 0x20) {
            p++;
            continue;
        }
        if (chars == 28) /* room for " (2)"… is made below */
            break;
        for (size_t i = 0; i < len && p[i]; i++)
            base[k++] = p[i];
        p += len;
        chars++;
    }
    base[k] = 0;
    while (k && (base[k - 1] == '\'' || base[k - 1] == ' '))
        base[--k] = 0;
    char *s = base;
    while (*s == '\'')
        s++;
    if (!*s)
        s = (char *)fallback;
    char name[160];
    snprintf(name, sizeof name, "%s", s);
    for (int n = 2;; n++) {
        bool taken = false;
        for (int i = 0; i < x->nnames && !taken; i++)
            taken = strcasecmp(x->names[i], name) == 0;
        if (!taken)
            break;
        snprintf(name, sizeof name, "%s (%d)", s, n);
    }
    if (x->nnames < MAX_SHEETS)
        x->names[x->nnames++] = fp_xstrdup(name);
    return x->names[x->nnames - 1];
}

static void widen(size_t *w, size_t want)
{
    if (want > *w)
        *w = want;
}

static void table_sheet(xw *x, const fp_node *n, const char *context)
{
    const fp_table_doc *t = n->table;
    if (!t || x->nnames >= MAX_SHEETS)
        return;
    x->ntables++;
    const char *want = n->title && *n->title ? n->title : context;
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, sheet_name(x, want));
    if (!ws)
        return;
    size_t *width = fp_xcalloc(t->ncols ? t->ncols : 1, sizeof *width);
    for (size_t c = 0; c < t->ncols; c++) {
        worksheet_write_string(ws, 0, (lxw_col_t)c, t->cols[c].label ? t->cols[c].label : "", x->head);
        widen(&width[c], fp_utf8_width(t->cols[c].label ? t->cols[c].label : ""));
    }
    worksheet_freeze_panes(ws, 1, 0);
    for (size_t r = 0; r < t->nrows; r++) {
        bool total = t->has_total && r == t->nrows - 1;
        for (size_t c = 0; c < t->ncols; c++) {
            const fp_cell *cell = &t->cells[r * t->ncols + c];
            bool bold = total || cell->bold;
            put(x, ws, (lxw_row_t)(r + 1), (lxw_col_t)c, cell->text, &cell->num, bold);
            widen(&width[c], cell->num.type != FP_NUMT_NONE ? figure_width(&cell->num)
                                                            : fp_utf8_width(cell->text ? cell->text : ""));
        }
    }
    if (t->nrows == 0 && t->empty_text)
        worksheet_write_string(ws, 1, 0, t->empty_text, x->text);
    for (size_t c = 0; c < t->ncols; c++) {
        double w = (double)width[c] + 2;
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w < 8 ? 8 : w > 60 ? 60 : w, NULL);
    }
    free(width);
}

/* the first sheet: title, cover lines, then a row per KPI figure */
typedef struct summary {
    lxw_worksheet *ws;
    lxw_row_t row;
    bool headed;
    size_t w[4];
} summary;

static void kpi_rows(xw *x, summary *s, const fp_node *n)
{
    if (n->type == FP_NODE_KPI) {
        if (!s->headed) {
            const char *h[] = {x->en ? "Figure" : "指标", x->en ? "Value" : "数值", x->en ? "Change" : "变化",
                               x->en ? "Change" : "变化"};
            s->row++;
            for (int c = 0; c < 4; c++) {
                worksheet_write_string(s->ws, s->row, (lxw_col_t)c, h[c], x->head);
                widen(&s->w[c], fp_utf8_width(h[c]));
            }
            s->row++;
            s->headed = true;
        }
        put(x, s->ws, s->row, 0, n->title, NULL, false);
        widen(&s->w[0], fp_utf8_width(n->title ? n->title : ""));
        put(x, s->ws, s->row, 1, n->value, &n->num, true);
        widen(&s->w[1], n->num.type != FP_NUMT_NONE ? figure_width(&n->num) : fp_utf8_width(n->value ? n->value : ""));
        for (size_t i = 0; i < n->nchanges && i < 2; i++) {
            char buf[200];
            snprintf(buf, sizeof buf, "%s %s", n->changes[i].label ? n->changes[i].label : "",
                     n->changes[i].text ? n->changes[i].text : "");
            worksheet_write_string(s->ws, s->row, (lxw_col_t)(2 + i), buf, x->text);
            widen(&s->w[2 + i], fp_utf8_width(buf));
        }
        s->row++;
        return;
    }
    for (size_t i = 0; i < n->nkids; i++)
        kpi_rows(x, s, n->kids[i]);
}

static void tables(xw *x, const fp_node *n, const char *section, const char *heading)
{
    switch (n->type) {
    case FP_NODE_SECTION:
        section = n->title;
        heading = NULL;
        break;
    case FP_NODE_HEADING:
        heading = n->title;
        break;
    case FP_NODE_TABLE:
        table_sheet(x, n, heading ? heading : section);
        return;
    case FP_NODE_DOCUMENT:
    case FP_NODE_COVER:
    case FP_NODE_PARAGRAPH:
    case FP_NODE_LIST:
    case FP_NODE_ITEM:
    case FP_NODE_KPIS:
    case FP_NODE_KPI:
    case FP_NODE_CHART:
    case FP_NODE_BOX:
    case FP_NODE_PAGEBREAK:
        break;
    }
    for (size_t i = 0; i < n->nkids; i++) {
        /* a heading's table is named after it until the next heading */
        if (n->kids[i]->type == FP_NODE_HEADING)
            heading = n->kids[i]->title;
        tables(x, n->kids[i], section, heading);
    }
}

static const fp_node *find(const fp_node *n, fp_node_type t)
{
    if (n->type == t)
        return n;
    for (size_t i = 0; i < n->nkids; i++) {
        const fp_node *f = find(n->kids[i], t);
        if (f)
            return f;
    }
    return NULL;
}

/* a workbook in a temporary file (libxlsxwriter writes files), with the formats every sheet uses */
static fp_status open_book(xw *x, char *path, size_t n, fp_error *err)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(path, n, "%s/fupan-xlsx-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return fp_fail(err, FP_ERR_IO, "cannot make a temporary file for the workbook in %s: %s",
                       tmp && *tmp ? tmp : "/tmp", strerror(errno));
    close(fd);
    lxw_workbook_options wo = {.constant_memory = LXW_FALSE, .tmpdir = tmp && *tmp ? (char *)tmp : NULL};
    x->wb = workbook_new_opt(path, &wo);
    if (!x->wb) {
        unlink(path);
        return fp_fail(err, FP_ERR_IO, "cannot start a workbook in %s", path);
    }
    x->title = workbook_add_format(x->wb);
    format_set_bold(x->title);
    format_set_font_size(x->title, 14);
    x->head = workbook_add_format(x->wb);
    format_set_bold(x->head);
    format_set_bottom(x->head, LXW_BORDER_THIN);
    format_set_bg_color(x->head, 0xF2F2F2);
    x->text = workbook_add_format(x->wb);
    x->textb = workbook_add_format(x->wb);
    format_set_bold(x->textb);
    return FP_OK;
}

/* closes the workbook and reads its bytes into out */
static fp_status close_book(xw *x, const char *path, fp_buf *out, fp_error *err)
{
    lxw_error e = workbook_close(x->wb);
    for (int i = 0; i < x->nnames; i++)
        free(x->names[i]);
    x->nnames = 0;
    if (e != LXW_NO_ERROR) {
        unlink(path);
        return fp_fail(err, FP_ERR_IO, "cannot write the workbook: %s", lxw_strerror(e));
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        unlink(path);
        return fp_fail(err, FP_ERR_IO, "cannot read back the workbook %s: %s", path, strerror(errno));
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        fp_buf_add(out, buf, n);
    fclose(f);
    unlink(path);
    return FP_OK;
}

fp_status fp_render_xlsx_table(const char *title, const char *sheet, const fp_table_doc *t, bool en,
                               const char *money_symbol, fp_buf *out, fp_error *err)
{
    xw x = {.en = en, .symbol = money_symbol};
    char path[4096];
    fp_status st = open_book(&x, path, sizeof path, err);
    if (st != FP_OK)
        return st;
    lxw_doc_properties props = {.title = (char *)title, .comments = "fupan"};
    workbook_set_properties(x.wb, &props);
    fp_node n = {.type = FP_NODE_TABLE, .title = (char *)sheet, .table = (fp_table_doc *)t};
    table_sheet(&x, &n, sheet);
    return close_book(&x, path, out, err);
}

fp_status fp_render_xlsx(const fp_doc *d, const fp_render_opts *o, fp_buf *out, fp_error *err)
{
    (void)o;
    xw x = {.d = d, .en = d->lang && !strcmp(d->lang, "en"), .symbol = d->money_symbol};
    char path[4096];
    fp_status st = open_book(&x, path, sizeof path, err);
    if (st != FP_OK)
        return st;
    lxw_doc_properties props = {.title = d->title, .subject = d->subject, .author = d->author,
                                .company = NULL, .comments = "fupan"};
    workbook_set_properties(x.wb, &props);

    /* the first sheet: the report, its cover and its figures */
    summary s = {0};
    s.ws = workbook_add_worksheet(x.wb, sheet_name(&x, x.en ? "Summary" : "概览"));
    worksheet_write_string(s.ws, s.row++, 0, d->title ? d->title : "", x.title);
    const fp_node *cover = find(d->root, FP_NODE_COVER);
    if (d->subject && *d->subject)
        worksheet_write_string(s.ws, s.row++, 0, d->subject, x.text);
    for (size_t i = 0; cover && i < cover->nlines; i++)
        if (cover->lines[i] && *cover->lines[i])
            worksheet_write_string(s.ws, s.row++, 0, cover->lines[i], x.text);
    kpi_rows(&x, &s, d->root);
    for (int c = 0; c < 4; c++)
        worksheet_set_column(s.ws, (lxw_col_t)c, (lxw_col_t)c, s.w[c] + 2 < 12 ? 12 : (double)s.w[c] + 2, NULL);

    tables(&x, d->root, NULL, NULL);
    return close_book(&x, path, out, err);
}
