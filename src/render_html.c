/* render_html.c — the document tree as one self-contained HTML file.
 *
 * Everything is inline: the style sheet, and (with the charts issue) the
 * charts as SVG. There are no scripts and no external requests. Every piece
 * of text from the tree is escaped, whatever it holds. The page reads on a
 * phone (one column, tables scroll sideways inside their own box) and prints
 * on A4 (print style sheet: page margins, no table row split, sections start
 * where they fit).
 */
#include "render.h"

#include "canvas_svg.h"
#include "chart.h"
#include "linebreak.h"
#include "theme.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

static void esc(fp_buf *b, const char *s)
{
    fp_buf_add_escaped(b, s);
}

static void esc_n(fp_buf *b, const char *s, size_t len)
{
    char *t = fp_xstrndup(s, len);
    fp_buf_add_escaped(b, t);
    free(t);
}

/* text of the body: escaped, and a number with its unit or measure word (98.31万元, 4.5个百分点, 78 天) kept
 * on one line, as the PDF keeps it (linebreak.c decides what a unit is) */
static void text(fp_buf *b, const char *s)
{
    size_t len = strlen(s), n = 0;
    uint32_t *cp = fp_xmalloc((len + 1) * sizeof *cp);
    size_t *at = fp_xmalloc((len + 1) * sizeof *at);
    for (const char *p = s; *p;) {
        at[n] = (size_t)(p - s);
        cp[n++] = fp_utf8_next(&p);
    }
    at[n] = len;
    size_t done = 0; /* bytes written */
    for (size_t i = 0; i < n; i++) {
        /* 标点挤压, as the PDF does it: a closing mark before another mark is set at half width */
        if (i + 1 < n && fp_lb_closing_mark(cp[i]) &&
            (fp_lb_closing_mark(cp[i + 1]) || fp_lb_opening_mark(cp[i + 1]))) {
            esc_n(b, s + done, at[i] - done);
            fp_buf_adds(b, "<span class=\"hw\">");
            esc_n(b, s + at[i], at[i + 1] - at[i]);
            fp_buf_adds(b, "</span>");
            done = at[i + 1];
            continue;
        }
        bool in_number = i > 0 && ((cp[i - 1] >= '0' && cp[i - 1] <= '9') || cp[i - 1] == '.' || cp[i - 1] == ',');
        size_t m = in_number ? 0 : fp_lb_number_unit(cp + i, n - i);
        if (!m)
            continue;
        esc_n(b, s + done, at[i] - done);
        fp_buf_adds(b, "<span class=\"nw\">");
        esc_n(b, s + at[i], at[i + m] - at[i]);
        fp_buf_adds(b, "</span>");
        done = at[i + m];
        i += m - 1;
    }
    esc_n(b, s + done, len - done);
    free(cp);
    free(at);
}

/* the colours, from theme.h: the same as the PDF's and the charts' */
static void css_colors(fp_buf *b)
{
    fp_buf_printf(b,
                  ":root{--ink:#%06x;--muted:#%06x;--line:#%06x;--soft:#%06x;--accent:#%06x;--good:#%06x;"
                  "--warn:#%06x;--bad:#%06x;--good-bg:#%06x;--warn-bg:#%06x;--bad-bg:#%06x}",
                  (unsigned)FP_C_INK, (unsigned)FP_C_MUTED, (unsigned)FP_C_LINE, (unsigned)FP_C_SOFT,
                  (unsigned)FP_C_ACCENT, (unsigned)FP_C_GOOD, (unsigned)FP_C_WARN, (unsigned)FP_C_BAD,
                  (unsigned)FP_C_GOOD_BG, (unsigned)FP_C_WARN_BG, (unsigned)FP_C_BAD_BG);
}

static const char CSS[] =
    "*{box-sizing:border-box}"
    "html{-webkit-text-size-adjust:100%}"
    /* an English document keeps a Chinese name whole, as it keeps an English word */
    ":root:lang(en) body{word-break:keep-all;overflow-wrap:break-word}[lang=zh-CN]{word-break:normal}"
    "body{margin:0;background:#eef1f4;color:var(--ink);text-autospace:normal;"
    "font:15px/1.7 \"PingFang SC\",\"Hiragino Sans GB\","
    "\"Microsoft YaHei\",\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Micro Hei\",sans-serif}"
    ".report{max-width:900px;margin:24px auto;background:#fff;padding:40px 48px 32px;"
    "box-shadow:0 1px 4px rgba(0,0,0,.08)}"
    ".cover{border-bottom:3px solid var(--accent);padding-bottom:16px;margin-bottom:24px}"
    ".cover h1{font-size:26px;line-height:1.35;margin:0 0 6px}"
    ".cover .subtitle{font-size:16px;color:var(--accent);margin:0 0 10px}"
    ".cover .meta{list-style:none;padding:0;margin:0;color:var(--muted);font-size:13px;display:flex;"
    "flex-wrap:wrap;gap:4px 20px}"
    "section{margin:28px 0 8px}"
    "h2{font-size:19px;margin:0 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}"
    "h2 .num{color:var(--accent)}"
    "h3{font-size:16px;margin:18px 0 8px}"
    "p{margin:8px 0}"
    "ul,ol{margin:8px 0;padding-left:1.6em}"
    "li{margin:3px 0}"
    ".good{color:var(--good)}.warn{color:var(--warn)}.bad{color:var(--bad)}.muted{color:var(--muted)}"
    ".nw{white-space:nowrap}.hw{letter-spacing:-.25em}"
    ".accent{color:var(--accent)}"
    ".kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px;margin:14px 0}"
    ".kpi{border:1px solid var(--line);border-radius:6px;padding:12px 14px;background:#fff}"
    ".kpi .label{font-size:13px;color:var(--muted)}"
    ".kpi .value{font-size:24px;font-weight:700;line-height:1.3;margin:2px 0 4px;"
    "font-variant-numeric:tabular-nums}"
    ".kpi.good{border-top:3px solid var(--good)}.kpi.warn{border-top:3px solid var(--warn)}"
    ".kpi.bad{border-top:3px solid var(--bad)}"
    ".kpi.good .value{color:var(--good)}.kpi.warn .value{color:var(--warn)}.kpi.bad .value{color:var(--bad)}"
    ".kpi .chg{display:inline-block;font-size:13px;margin-right:10px;font-variant-numeric:tabular-nums}"
    ".kpi .note{font-size:12px;color:var(--muted);margin-top:4px}"
    ".kpi .spark svg{display:block;width:100%;height:auto;margin-top:6px}"
    ".table-wrap{overflow-x:auto;margin:12px 0;-webkit-overflow-scrolling:touch}"
    /* a table wider than the screen shows a shadow at the edge it scrolls to (covers that scroll with the table
     * hide the shadows where there is nothing more) */
    ".table-wrap{background:linear-gradient(to right,#fff 30%,rgba(255,255,255,0)) left/32px 100% no-repeat local,"
    "linear-gradient(to left,#fff 30%,rgba(255,255,255,0)) right/32px 100% no-repeat local,"
    "radial-gradient(farthest-side at 0 50%,rgba(0,0,0,.22),transparent) left/12px 100% no-repeat scroll,"
    "radial-gradient(farthest-side at 100% 50%,rgba(0,0,0,.22),transparent) right/12px 100% no-repeat scroll}"
    "table{border-collapse:collapse;width:100%;font-size:13px}"
    "caption{text-align:left;font-weight:700;padding:4px 0 6px;color:var(--ink)}"
    "th,td{padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}"
    "th{background:var(--soft);font-weight:700;text-align:left;white-space:nowrap}"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "td.center,th.center{text-align:center}"
    "tbody tr:nth-child(even) td{background:#fafbfc}"
    "tfoot td{font-weight:700;border-top:2px solid var(--ink);background:var(--soft)}"
    "td.good{color:var(--good)}td.warn{color:var(--warn)}td.bad{color:var(--bad)}"
    "td.strong{font-weight:700}"
    ".empty{color:var(--muted);font-style:italic}"
    "figure.chart{margin:14px 0;border:1px solid var(--line);border-radius:6px;padding:10px 12px}"
    "figure.chart figcaption{font-weight:700;font-size:14px;margin-bottom:6px}"
    ".chart-box{min-height:120px;display:flex;align-items:center;justify-content:center;color:var(--muted);"
    "background:var(--soft);border-radius:4px;font-size:13px}"
    "figure.chart svg{width:100%;height:auto;display:block}figure.chart svg.narrow{display:none}"
    "aside.box{border-left:4px solid var(--accent);background:var(--soft);padding:10px 14px;margin:12px 0;"
    "border-radius:0 6px 6px 0}"
    "aside.box h4{margin:0 0 4px;font-size:14px}"
    "aside.box.good{border-color:var(--good);background:var(--good-bg)}"
    "aside.box.warn{border-color:var(--warn);background:var(--warn-bg)}"
    "aside.box.bad{border-color:var(--bad);background:var(--bad-bg)}"
    "aside.box.muted{border-color:var(--line)}"
    "footer{margin-top:32px;padding-top:10px;border-top:1px solid var(--line);color:var(--muted);font-size:12px}"
    "@media (max-width:640px){body{font-size:15px;background:#fff}.report{margin:0;padding:18px 14px;"
    "box-shadow:none}.cover h1{font-size:21px}h2{font-size:17px}.kpis{grid-template-columns:1fr 1fr;gap:8px}"
    ".kpi{padding:10px}.kpi .value{font-size:19px}table{font-size:12px}th,td{padding:5px 4px}"
    ".table-wrap{margin:10px -4px}figure.chart{padding:8px 6px}figure.chart svg.wide{display:none}"
    "figure.chart svg.narrow{display:block}}"
    "@media print{@page{size:A4;margin:16mm 14mm}body{background:#fff;font-size:10.5pt}"
    ".report{box-shadow:none;margin:0;padding:0;max-width:none}.table-wrap{overflow:visible}"
    "tr,.kpi,figure.chart,aside.box{break-inside:avoid}h2,h3{break-after:avoid}"
    ".pagebreak{break-after:page}thead{display:table-header-group}tfoot{display:table-row-group}}";

static const char *tone_class(fp_tone t)
{
    return fp_tone_name(t);
}

/* Chinese prose (the manager's notes) in an English document: marked lang="zh-CN", so that it breaks as Chinese
 * while the English around it keeps Chinese names whole (word-break: keep-all) */
static bool chinese(const fp_spans *s)
{
    fp_lb_item *it = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < s->n; i++)
        for (const char *q = s->v[i].text; q && *q;) {
            uint32_t c = fp_utf8_next(&q);
            fp_xgrow((void **)&it, &cap, n + 1, sizeof *it);
            it[n++] = (fp_lb_item){c, 0};
        }
    bool zh = fp_lb_mostly_han(it, n);
    free(it);
    return zh;
}

static void spans(fp_buf *b, const fp_spans *s)
{
    for (size_t i = 0; i < s->n; i++) {
        const fp_span *sp = &s->v[i];
        if (sp->tone != FP_TONE_NONE) {
            fp_buf_printf(b, "<span class=\"%s\">", tone_class(sp->tone));
        }
        if (sp->bold)
            fp_buf_adds(b, "<strong>");
        text(b, sp->text);
        if (sp->bold)
            fp_buf_adds(b, "</strong>");
        if (sp->tone != FP_TONE_NONE)
            fp_buf_adds(b, "</span>");
    }
}

static void node(fp_buf *b, const fp_node *n, const fp_render_opts *o, bool en);

static void kids(fp_buf *b, const fp_node *n, const fp_render_opts *o, bool en)
{
    for (size_t i = 0; i < n->nkids; i++)
        node(b, n->kids[i], o, en);
}

static const char *align_class(const fp_tcol *c)
{
    return c->align == FP_ALIGN_RIGHT ? "num" : c->align == FP_ALIGN_CENTER ? "center" : "";
}

static void table(fp_buf *b, const fp_node *n)
{
    const fp_table_doc *t = n->table;
    fp_buf_adds(b, "<div class=\"table-wrap\"><table>");
    if (n->title) {
        fp_buf_adds(b, "<caption>");
        esc(b, n->title);
        fp_buf_adds(b, "</caption>");
    }
    fp_buf_adds(b, "<thead><tr>");
    for (size_t c = 0; c < t->ncols; c++) {
        fp_buf_printf(b, "<th scope=\"col\" class=\"%s\">", align_class(&t->cols[c]));
        esc(b, t->cols[c].label);
        fp_buf_adds(b, "</th>");
    }
    fp_buf_adds(b, "</tr></thead><tbody>");
    size_t body = t->has_total ? t->nrows - 1 : t->nrows;
    if (body == 0) {
        fp_buf_printf(b, "<tr><td class=\"empty\" colspan=\"%zu\">", t->ncols ? t->ncols : 1);
        text(b, t->empty_text);
        fp_buf_adds(b, "</td></tr>");
    }
    for (size_t r = 0; r < t->nrows; r++) {
        if (t->has_total && r == t->nrows - 1)
            fp_buf_adds(b, "</tbody><tfoot>");
        fp_buf_adds(b, "<tr>");
        for (size_t c = 0; c < t->ncols; c++) {
            const fp_cell *cell = &t->cells[r * t->ncols + c];
            /* a short cell (a name, a date, a figure) never wraps inside itself: 夏思 / 峰, 2025-09- / 27 */
            size_t chars = 0;
            for (const char *q = cell->text; q && *q; q++)
                chars += ((unsigned char)*q & 0xC0) != 0x80;
            fp_buf_printf(b, "<td class=\"%s%s%s%s%s\">", align_class(&t->cols[c]),
                          cell->tone != FP_TONE_NONE ? " " : "", tone_class(cell->tone), cell->bold ? " strong" : "",
                          chars <= 12 ? " nw" : "");
            text(b, cell->text);
            fp_buf_adds(b, "</td>");
        }
        fp_buf_adds(b, "</tr>");
    }
    fp_buf_adds(b, t->has_total ? "</tfoot>" : "</tbody>");
    fp_buf_adds(b, "</table></div>\n");
}

static void node(fp_buf *b, const fp_node *n, const fp_render_opts *o, bool en)
{
    switch (n->type) {
    case FP_NODE_DOCUMENT:
        kids(b, n, o, en);
        break;
    case FP_NODE_COVER:
        fp_buf_adds(b, "<header class=\"cover\"><h1>");
        esc(b, n->title);
        fp_buf_adds(b, "</h1>");
        if (n->note && *n->note) {
            fp_buf_adds(b, "<p class=\"subtitle\">");
            text(b, n->note);
            fp_buf_adds(b, "</p>");
        }
        if (n->nlines) {
            fp_buf_adds(b, "<ul class=\"meta\">");
            for (size_t i = 0; i < n->nlines; i++) {
                fp_buf_adds(b, "<li>");
                text(b, n->lines[i]);
                fp_buf_adds(b, "</li>");
            }
            fp_buf_adds(b, "</ul>");
        }
        fp_buf_adds(b, "</header>\n");
        break;
    case FP_NODE_SECTION:
        fp_buf_adds(b, "<section");
        if (n->id) {
            fp_buf_adds(b, " id=\"");
            esc(b, n->id);
            fp_buf_adds(b, "\"");
        }
        fp_buf_adds(b, "><h2>");
        if (n->number && *n->number) {
            fp_buf_adds(b, "<span class=\"num\">");
            esc(b, n->number);
            fp_buf_adds(b, "</span>");
        }
        esc(b, n->title);
        fp_buf_adds(b, "</h2>\n");
        kids(b, n, o, en);
        fp_buf_adds(b, "</section>\n");
        break;
    case FP_NODE_HEADING:
        fp_buf_adds(b, "<h3>");
        esc(b, n->title);
        fp_buf_adds(b, "</h3>\n");
        break;
    case FP_NODE_PARAGRAPH:
        fp_buf_adds(b, en && chinese(&n->spans) ? "<p lang=\"zh-CN\">" : "<p>");
        spans(b, &n->spans);
        fp_buf_adds(b, "</p>\n");
        break;
    case FP_NODE_LIST:
        fp_buf_adds(b, n->ordered ? "<ol>" : "<ul>");
        kids(b, n, o, en);
        fp_buf_adds(b, n->ordered ? "</ol>\n" : "</ul>\n");
        break;
    case FP_NODE_ITEM:
        fp_buf_adds(b, en && chinese(&n->spans) ? "<li lang=\"zh-CN\">" : "<li>");
        spans(b, &n->spans);
        fp_buf_adds(b, "</li>");
        break;
    case FP_NODE_KPIS:
        fp_buf_adds(b, "<div class=\"kpis\">");
        kids(b, n, o, en);
        fp_buf_adds(b, "</div>\n");
        break;
    case FP_NODE_KPI:
        fp_buf_printf(b, "<div class=\"kpi %s\"><div class=\"label\">", tone_class(n->tone));
        esc(b, n->title);
        fp_buf_adds(b, "</div><div class=\"value\">");
        text(b, n->value);
        fp_buf_adds(b, "</div>");
        if (n->nchanges) {
            fp_buf_adds(b, "<div class=\"changes\">");
            for (size_t i = 0; i < n->nchanges; i++) {
                const fp_change *c = &n->changes[i];
                fp_buf_printf(b, "<span class=\"chg %s\">", tone_class(c->tone));
                esc(b, c->label);
                fp_buf_adds(b, c->dir > 0 ? " ▲ " : c->dir < 0 ? " ▼ " : " ");
                text(b, c->text);
                fp_buf_adds(b, "</span>");
            }
            fp_buf_adds(b, "</div>");
        }
        if (n->note) {
            fp_buf_adds(b, "<div class=\"note\">");
            text(b, n->note);
            fp_buf_adds(b, "</div>");
        }
        if (n->chart && o && o->fonts) {
            fp_buf_adds(b, "<div class=\"spark\">");
            fp_chart_svg(n->chart, n->title, o->fonts, FP_SPARK_WIDTH, FP_SPARK_HEIGHT, b);
            fp_buf_adds(b, "</div>");
        }
        fp_buf_adds(b, "</div>");
        break;
    case FP_NODE_TABLE:
        table(b, n);
        break;
    case FP_NODE_CHART:
        fp_buf_adds(b, "<figure class=\"chart\">");
        if (n->title) {
            fp_buf_adds(b, "<figcaption>");
            esc(b, n->title);
            fp_buf_adds(b, "</figcaption>");
        }
        if (o && o->fonts) {
            /* the chart as inline SVG, twice: at the PDF's content width for wide screens and print, and
             * narrower with bigger labels for phones (the style sheet shows one) */
            double w = FP_CHART_WIDTH, nw = FP_CHART_NARROW;
            fp_chart_svg_scaled(n->chart, n->title, o->fonts, w, fp_chart_height(n->chart, w), 1.0, "wide", b);
            fp_chart_svg_scaled(n->chart, n->title, o->fonts, nw, fp_chart_height(n->chart, nw) * 1.15, 1.45, "narrow",
                                b);
        } else {
            fp_buf_adds(b, "<div class=\"chart-box\">");
            esc(b, n->chart->kind);
            fp_buf_printf(b, " · %zu × %zu</div>", n->chart->ncats, n->chart->nseries);
        }
        fp_buf_adds(b, "</figure>\n");
        break;
    case FP_NODE_BOX:
        fp_buf_printf(b, "<aside class=\"box %s\">", tone_class(n->tone));
        if (n->title && *n->title) {
            fp_buf_adds(b, "<h4>");
            esc(b, n->title);
            fp_buf_adds(b, "</h4>");
        }
        kids(b, n, o, en);
        fp_buf_adds(b, "</aside>\n");
        break;
    case FP_NODE_PAGEBREAK:
        fp_buf_adds(b, "<div class=\"pagebreak\"></div>\n");
        break;
    }
}

fp_status fp_render_html(const fp_doc *d, const fp_render_opts *o, fp_buf *out, fp_error *err)
{
    (void)err;
    fp_buf_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
                  d->lang && !strcmp(d->lang, "en") ? "en" : "zh-CN");
    fp_buf_adds(out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    /* self-contained, and it says so: no script, nothing fetched from anywhere */
    fp_buf_adds(out, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                     "style-src 'unsafe-inline'; img-src data:\">\n");
    fp_buf_adds(out, "<meta name=\"generator\" content=\"fupan\">\n<title>");
    esc(out, d->title);
    if (d->subject && *d->subject) {
        fp_buf_adds(out, " · ");
        esc(out, d->subject);
    }
    fp_buf_adds(out, "</title>\n<style>");
    css_colors(out);
    fp_buf_adds(out, CSS);
    fp_buf_adds(out, "</style>\n</head>\n<body>\n<main class=\"report\">\n");
    node(out, d->root, o, d->lang && !strcmp(d->lang, "en"));
    fp_buf_adds(out, "<footer>");
    esc(out, d->title);
    if (d->date && *d->date) {
        fp_buf_adds(out, " · ");
        esc(out, d->date);
    }
    fp_buf_adds(out, " · fupan</footer>\n</main>\n</body>\n</html>\n");
    return FP_OK;
}
