/* render_pdf.c — the document tree as PDF, drawn with libharu.
 *
 * Fonts. The characters of the whole document are collected first; a
 * TrueType font holding exactly those (font_subset.c: composites flattened,
 * fallback fonts merged) is handed to libharu from memory, so every glyph
 * survives libharu's own subsetting. Each character is drawn by its code in
 * that font (0x21 up; libharu's UTF-8 encoder writes it as the CID); the
 * ToUnicode map libharu would attach uses a cidrange, which is not allowed
 * there (poppler warns, some viewers garble copied text), so it is replaced by
 * one with bfchar/bfrange entries mapping each code back to its character.
 *
 * Layout. A cursor moves down the page; every block measures itself with the
 * glyph widths of the font and starts a new page when it does not fit:
 * paragraphs break lines by linebreak.c's rules, headings keep with what
 * follows, KPI rows and table rows are never split, long tables repeat their
 * header row on each page, wide tables shrink their type and then wrap. The
 * running header and the footer (第 X 页 / 共 Y 页) are drawn last, when the
 * page count is known. Headings are bold by stroking the glyph outline as
 * they are filled.
 */
#include "render.h"

#include "canvas.h"
#include "chart.h"
#include "theme.h"

#include "font_subset.h"
#include "linebreak.h"
#include "util.h"

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_encoder.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_utils.h>
#include <zlib.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct rgb {
    float r, g, b;
} rgb;

#define HEX(c) {(float)(((c) >> 16) & 0xFF) / 255.0f, (float)(((c) >> 8) & 0xFF) / 255.0f, (float)((c) & 0xFF) / 255.0f}
static const rgb INK = HEX(FP_C_INK), MUTED = HEX(FP_C_MUTED), LINE = HEX(FP_C_LINE), SOFT = HEX(FP_C_SOFT),
                 ACCENT = HEX(FP_C_ACCENT), GOOD = HEX(FP_C_GOOD), WARN = HEX(FP_C_WARN), BAD = HEX(FP_C_BAD),
                 WHITE = HEX(FP_C_WHITE), ZEBRA = HEX(FP_C_ZEBRA);

static rgb tone_rgb(fp_tone t, rgb dflt)
{
    switch (t) {
    case FP_TONE_NONE:
        return dflt;
    case FP_TONE_GOOD:
        return GOOD;
    case FP_TONE_WARN:
        return WARN;
    case FP_TONE_BAD:
        return BAD;
    case FP_TONE_MUTED:
        return MUTED;
    case FP_TONE_ACCENT:
        return ACCENT;
    }
    return dflt;
}

static rgb tint(rgb c, float k)
{
    return (rgb){1 - (1 - c.r) * k, 1 - (1 - c.g) * k, 1 - (1 - c.b) * k};
}

/* sizes in points */
#define SPARK_H 18.0
#define BODY 10.5
#define LEAD (p->lead) /* line height over type size: 1.62, 1.5 when a document is tightened */
#define SMALL 8.0

typedef struct fontsrc {
    const HPDF_BYTE *data;
    HPDF_UINT len, pos;
} fontsrc;

typedef struct pdf {
    const fp_doc *d;
    const fp_render_opts *o;
    fp_fontset *fonts;
    fp_subset sub;
    fontsrc *src;      /* libharu's reader of sub.ttf (setup_font) */
    HPDF_Doc doc;
    HPDF_Font font;
    HPDF_STATUS herr;
    HPDF_STATUS hdetail;
    double W, H, left, right, top, bottom; /* page size; content box */
    HPDF_Page page;
    HPDF_Page *pages;
    size_t npages, cap;
    double y;          /* the cursor: top of the next block */
    bool en;
    fp_buf conv;       /* text converted to the codes the font was built with */
    uint32_t stray;    /* a character drawn that the font was not built with (a bug) */
    double ox, oy;     /* a chart's top left corner on the page, while it is drawn */
    struct {
        double a;
        HPDF_ExtGState gs;
    } alpha[8];        /* transparency states, made on first use */
    int nalpha;
    bool dry;          /* measuring: nothing is drawn, no page is started (block_height) */
    double lead;       /* line height over type size */
    struct gcache {    /* the graphics state the page's content has set (see g_sync) */
        HPDF_Page page;
        bool fill_known, stroke_known;
        HPDF_REAL fill[3], stroke[3];
        HPDF_REAL width, size; /* line width, type size: 0 = not known */
        int join, cap, dash, mode; /* -1 = not known */
    } g, *gpage;       /* the page being drawn's; each page's, kept while another is drawn */
} pdf;

static void on_error(HPDF_STATUS e, HPDF_STATUS detail, void *ud)
{
    pdf *p = ud;
    if (!p->herr) {
        p->herr = e;
        p->hdetail = detail;
    }
}

/* ---- the graphics state ----
 * libharu writes every operator it is asked for. A report sets the same colour, line width, cap and type size
 * again and again (every grid line of a chart: "rg RG w j J … S J"); these calls write an operator only when
 * the value differs from what the page's content has set last, which is the state in force: the same page,
 * drawn the same, with a sixth less content to format and compress. Each page has its own (the furniture is
 * drawn on every page at the end, where its content left off); after a GRestore nothing is known. */

static struct gcache g_unknown(HPDF_Page page)
{
    return (struct gcache){.page = page, .join = -1, .cap = -1, .dash = -1, .mode = -1};
}

static void g_sync(pdf *p)
{
    if (p->g.page == p->page)
        return;
    for (size_t i = 0; i < p->npages; i++)
        if (p->pages[i] == p->g.page)
            p->gpage[i] = p->g;
    p->g = g_unknown(p->page);
    for (size_t i = 0; i < p->npages; i++)
        if (p->pages[i] == p->page)
            p->g = p->gpage[i];
}

static void g_fill(pdf *p, HPDF_REAL r, HPDF_REAL g, HPDF_REAL b)
{
    g_sync(p);
    if (p->g.fill_known && p->g.fill[0] == r && p->g.fill[1] == g && p->g.fill[2] == b)
        return;
    HPDF_Page_SetRGBFill(p->page, r, g, b);
    p->g.fill_known = true;
    p->g.fill[0] = r, p->g.fill[1] = g, p->g.fill[2] = b;
}

static void g_stroke(pdf *p, HPDF_REAL r, HPDF_REAL g, HPDF_REAL b)
{
    g_sync(p);
    if (p->g.stroke_known && p->g.stroke[0] == r && p->g.stroke[1] == g && p->g.stroke[2] == b)
        return;
    HPDF_Page_SetRGBStroke(p->page, r, g, b);
    p->g.stroke_known = true;
    p->g.stroke[0] = r, p->g.stroke[1] = g, p->g.stroke[2] = b;
}

static void g_width(pdf *p, HPDF_REAL w)
{
    g_sync(p);
    if (p->g.width == w && w > 0)
        return;
    HPDF_Page_SetLineWidth(p->page, w);
    p->g.width = w;
}

static void g_join(pdf *p, HPDF_LineJoin j)
{
    g_sync(p);
    if (p->g.join == (int)j)
        return;
    HPDF_Page_SetLineJoin(p->page, j);
    p->g.join = (int)j;
}

static void g_cap(pdf *p, HPDF_LineCap c)
{
    g_sync(p);
    if (p->g.cap == (int)c)
        return;
    HPDF_Page_SetLineCap(p->page, c);
    p->g.cap = (int)c;
}

static void g_dash(pdf *p, bool on)
{
    static const HPDF_UINT16 dash[2] = {4, 3};
    g_sync(p);
    if (p->g.dash == (int)on)
        return;
    HPDF_Page_SetDash(p->page, on ? dash : NULL, on ? 2 : 0, 0);
    p->g.dash = (int)on;
}

/* the type size (the font is always the document's one font); inside BT…ET, where libharu wants it */
static void g_size(pdf *p, HPDF_REAL size)
{
    g_sync(p);
    if (p->g.size == size && size > 0)
        return;
    HPDF_Page_SetFontAndSize(p->page, p->font, size);
    p->g.size = size;
}

static void g_mode(pdf *p, HPDF_TextRenderingMode m)
{
    g_sync(p);
    if (p->g.mode == (int)m)
        return;
    HPDF_Page_SetTextRenderingMode(p->page, m);
    p->g.mode = (int)m;
}

/* ---- characters and the font ---- */

typedef struct charset {
    uint32_t *cp;
    size_t n, cap;
    uint8_t *seen; /* BMP bitmap */
} charset;

static void cs_add_text(charset *cs, const char *s)
{
    if (!s)
        return;
    while (*s) {
        uint32_t c = fp_utf8_next(&s);
        if (c < 0x10000) {
            if (cs->seen[c >> 3] & (1u << (c & 7)))
                continue;
            cs->seen[c >> 3] |= (uint8_t)(1u << (c & 7));
        }
        fp_xgrow((void **)&cs->cp, &cs->cap, cs->n + 1, sizeof *cs->cp);
        cs->cp[cs->n++] = c;
    }
}

/* calls fn for every text of the tree, with the section it is in (NULL before the first) */
typedef void (*text_fn)(void *ud, const char *text, const fp_node *section);

static void each_text(const fp_node *n, const fp_node *section, text_fn fn, void *ud)
{
    if (n->type == FP_NODE_SECTION)
        section = n;
    fn(ud, n->title, section);
    fn(ud, n->number, section);
    fn(ud, n->value, section);
    fn(ud, n->note, section);
    for (size_t i = 0; i < n->spans.n; i++)
        fn(ud, n->spans.v[i].text, section);
    for (size_t i = 0; i < n->nchanges; i++) {
        fn(ud, n->changes[i].label, section);
        fn(ud, n->changes[i].text, section);
    }
    for (size_t i = 0; i < n->nlines; i++)
        fn(ud, n->lines[i], section);
    if (n->table) {
        const fp_table_doc *t = n->table;
        for (size_t c = 0; c < t->ncols; c++)
            fn(ud, t->cols[c].label, section);
        for (size_t i = 0; i < t->ncols * t->nrows; i++)
            fn(ud, t->cells[i].text, section);
        fn(ud, t->empty_text, section);
    }
    if (n->chart) {
        fn(ud, n->chart->kind, section);
        for (size_t i = 0; i < n->chart->ncats; i++)
            fn(ud, n->chart->cats[i], section);
        for (size_t i = 0; i < n->chart->nseries; i++)
            fn(ud, n->chart->series[i].name, section);
    }
    for (size_t i = 0; i < n->nkids; i++)
        each_text(n->kids[i], section, fn, ud);
}

static void cs_text(void *ud, const char *text, const fp_node *section)
{
    (void)section;
    cs_add_text(ud, text);
}

static void cs_node(charset *cs, const fp_node *n)
{
    each_text(n, NULL, cs_text, cs);
}

/* where a character first appears: the section and a few characters around it */
typedef struct place {
    uint32_t cp;
    bool found;
    char where[400];
} place;

static void find_text(void *ud, const char *text, const fp_node *section)
{
    place *pl = ud;
    if (pl->found || !text)
        return;
    const char *q = text, *prev[9] = {0};
    size_t k = 0;
    while (*q) {
        const char *at = q;
        if (fp_utf8_next(&q) != pl->cp) {
            prev[k++ % 9] = at;
            continue;
        }
        /* up to 8 characters before and after */
        const char *from = k >= 8 ? prev[(k - 8) % 9] : text, *to = q;
        for (int m = 0; m < 8 && *to; m++)
            fp_utf8_next(&to);
        char sec[200] = "";
        if (section)
            snprintf(sec, sizeof sec, "in section %s%s, ", section->number ? section->number : "",
                     section->title ? section->title : "");
        snprintf(pl->where, sizeof pl->where, "%sin \"%s%.*s%s\"", sec, from > text ? "…" : "", (int)(to - from),
                 from, *to ? "…" : "");
        pl->found = true;
        return;
    }
}

/* a ToUnicode CMap with bfrange/bfchar entries, at most 100 to a block as the PDF specification asks */
static void tounicode(const fp_subset *s, fp_buf *b)
{
    fp_buf_adds(b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                   "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                   "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                   "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    /* runs of codes whose characters (in the BMP) also run: one bfrange each, not crossing a 256
     * boundary of either; everything else one bfchar (characters outside the BMP in UTF-16) */
    typedef struct {
        uint16_t lo, hi;
        uint32_t cp;
    } range;
    range *rs = fp_xmalloc((s->n ? s->n : 1) * sizeof *rs);
    size_t nr = 0;
    size_t *single = fp_xmalloc((s->n ? s->n : 1) * sizeof *single), ns = 0;
    /* by code: the codes are in character order for most characters, so sort indices by code */
    size_t *ord = fp_xmalloc((s->n ? s->n : 1) * sizeof *ord);
    for (size_t i = 0; i < s->n; i++)
        ord[i] = i;
    for (size_t i = 1; i < s->n; i++) { /* insertion sort: nearly sorted already */
        size_t v = ord[i], k = i;
        while (k > 0 && s->code[ord[k - 1]] > s->code[v]) {
            ord[k] = ord[k - 1];
            k--;
        }
        ord[k] = v;
    }
    for (size_t a = 0; a < s->n;) {
        size_t i = ord[a];
        if (s->cp[i] > 0xFFFF) {
            single[ns++] = i;
            a++;
            continue;
        }
        size_t e = a;
        while (e + 1 < s->n) {
            size_t p = ord[e], q = ord[e + 1];
            if (s->cp[q] > 0xFFFF || s->code[q] != s->code[p] + 1 || s->cp[q] != s->cp[p] + 1 ||
                (s->code[q] & 0xFF00) != (s->code[i] & 0xFF00) || (s->cp[q] & 0xFF00) != (s->cp[i] & 0xFF00))
                break;
            e++;
        }
        if (e == a)
            single[ns++] = i;
        else
            rs[nr++] = (range){s->code[i], s->code[ord[e]], s->cp[i]};
        a = e + 1;
    }
    for (size_t k = 0; k < nr; k += 100) {
        size_t m = nr - k < 100 ? nr - k : 100;
        fp_buf_printf(b, "%zu beginbfrange\n", m);
        for (size_t q = k; q < k + m; q++)
            fp_buf_printf(b, "<%04X> <%04X> <%04X>\n", rs[q].lo, rs[q].hi, (unsigned)rs[q].cp);
        fp_buf_adds(b, "endbfrange\n");
    }
    for (size_t k = 0; k < ns; k += 100) {
        size_t m = ns - k < 100 ? ns - k : 100;
        fp_buf_printf(b, "%zu beginbfchar\n", m);
        for (size_t q = k; q < k + m; q++) {
            size_t i = single[q];
            uint32_t c = s->cp[i];
            if (c > 0xFFFF) {
                uint32_t v = c - 0x10000;
                fp_buf_printf(b, "<%04X> <%04X%04X>\n", s->code[i], 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
            } else {
                fp_buf_printf(b, "<%04X> <%04X>\n", s->code[i], (unsigned)c);
            }
        }
        fp_buf_adds(b, "endbfchar\n");
    }
    free(rs);
    free(single);
    free(ord);
    fp_buf_adds(b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
}

/* ---- charts: the canvas backend for libharu ---- */

static double chart_width(const pdf *p)
{
    return p->right - p->left - 16;
}

/* a canvas that only records the text a chart draws, so the font has its characters */
static void cs_fill(fp_canvas *c, const fp_path *path, uint32_t col, double alpha)
{
    (void)c, (void)path, (void)col, (void)alpha;
}

static void cs_stroke(fp_canvas *c, const fp_path *path, uint32_t col, double w, bool dashed)
{
    (void)c, (void)path, (void)col, (void)w, (void)dashed;
}

static void cs_chart_text(fp_canvas *c, double x, double y, const char *s, double size, uint32_t col, bool bold,
                          fp_halign al, double angle)
{
    (void)x, (void)y, (void)size, (void)col, (void)bold, (void)al, (void)angle;
    cs_add_text(c->ud, s);
}

static void collect_chart_text(pdf *p, const fp_node *n, charset *cs)
{
    if (n->chart) {
        fp_canvas c = {.ud = cs, .fill = cs_fill, .stroke = cs_stroke, .text = cs_chart_text, .fonts = p->fonts};
        double w = chart_width(p);
        fp_chart_draw(n->chart, &c, w, fp_chart_height(n->chart, w));
    }
    for (size_t i = 0; i < n->nkids; i++)
        collect_chart_text(p, n->kids[i], cs);
}

static void hp_color(pdf *p, uint32_t col, bool stroke_too)
{
    HPDF_REAL r = (HPDF_REAL)((col >> 16) & 0xFF) / 255, g = (HPDF_REAL)((col >> 8) & 0xFF) / 255,
              b = (HPDF_REAL)(col & 0xFF) / 255;
    g_fill(p, r, g, b);
    if (stroke_too)
        g_stroke(p, r, g, b);
}

static void hp_path(pdf *p, const fp_path *path)
{
    for (size_t i = 0; i < path->n; i++) {
        const fp_path_el *e = &path->el[i];
#define X(k) (HPDF_REAL)(p->ox + e->x[k])
#define Y(k) (HPDF_REAL)(p->oy - e->y[k])
        switch (e->op) {
        case FP_PATH_MOVE:
            HPDF_Page_MoveTo(p->page, X(0), Y(0));
            break;
        case FP_PATH_LINE:
            HPDF_Page_LineTo(p->page, X(0), Y(0));
            break;
        case FP_PATH_CURVE:
            HPDF_Page_CurveTo(p->page, X(0), Y(0), X(1), Y(1), X(2), Y(2));
            break;
        case FP_PATH_CLOSE:
            HPDF_Page_ClosePath(p->page);
            break;
        }
#undef X
#undef Y
    }
}

static HPDF_ExtGState alpha_state(pdf *p, double a)
{
    for (int i = 0; i < p->nalpha; i++)
        if (fabs(p->alpha[i].a - a) < 0.005)
            return p->alpha[i].gs;
    HPDF_ExtGState gs = HPDF_CreateExtGState(p->doc);
    if (!gs)
        return NULL;
    HPDF_ExtGState_SetAlphaFill(gs, (HPDF_REAL)a);
    if (p->nalpha < (int)(sizeof p->alpha / sizeof *p->alpha)) {
        p->alpha[p->nalpha].a = a;
        p->alpha[p->nalpha++].gs = gs;
    }
    return gs;
}

static void hp_fill(fp_canvas *c, const fp_path *path, uint32_t col, double alpha)
{
    pdf *p = c->ud;
    if (!p->page || !path->n)
        return;
    HPDF_ExtGState gs = alpha < 0.999 ? alpha_state(p, alpha) : NULL;
    if (gs) {
        HPDF_Page_GSave(p->page);
        HPDF_Page_SetExtGState(p->page, gs);
    }
    hp_color(p, col, false);
    hp_path(p, path);
    HPDF_Page_Fill(p->page);
    if (gs) {
        HPDF_Page_GRestore(p->page);
        p->g = g_unknown(p->page); /* the state before the GSave: not known here */
    }
}

static void hp_stroke(fp_canvas *c, const fp_path *path, uint32_t col, double width, bool dashed)
{
    pdf *p = c->ud;
    if (!p->page || !path->n)
        return;
    hp_color(p, col, true);
    g_width(p, (HPDF_REAL)width);
    g_join(p, HPDF_ROUND_JOIN);
    g_cap(p, dashed ? HPDF_BUTT_END : HPDF_ROUND_END);
    g_dash(p, dashed);
    hp_path(p, path);
    HPDF_Page_Stroke(p->page);
}

static double width(pdf *p, const char *s, double size);
static const char *conv(pdf *p, const char *s);

static bool han(uint32_t c);
static bool western(uint32_t c);

/* A marked-content span whose /ActualText is what a copy, a search or a text extractor reads for everything drawn
 * until span_end (an empty text: nothing): a KPI card reads "销售额 544.67 万元 环比 ▼ -4.4%" in that order, where by position a reader
 * would take the four cards' labels first, then their values. libharu 2.3.0 has no call for BDC/EMC, so the
 * operators go into the page's content stream, outside any text object (BT…ET) as the PDF requires. */
static void span_begin(pdf *p, const char *text)
{
    if (HPDF_Page_GetGMode(p->page) != HPDF_GMODE_PAGE_DESCRIPTION)
        return;
    HPDF_PageAttr attr = (HPDF_PageAttr)p->page->attr;
    fp_buf b;
    fp_buf_init(&b);
    fp_buf_adds(&b, "/Span <</ActualText <FEFF");
    uint32_t prev = 0;
    for (const char *q = text; *q;) {
        uint32_t c = fp_utf8_next(&q);
        /* the Han–Western gap the typesetter draws reads as a space, as it does everywhere else */
        if ((han(prev) && western(c)) || (western(prev) && han(c)))
            fp_buf_adds(&b, "0020");
        prev = c;
        if (c >= 0x10000) {
            c -= 0x10000;
            fp_buf_printf(&b, "%04X%04X", 0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF));
        } else {
            fp_buf_printf(&b, "%04X", c);
        }
    }
    fp_buf_adds(&b, ">>> BDC\n");
    HPDF_Stream_WriteStr(attr->stream, b.data);
    fp_buf_free(&b);
}

static void span_end(pdf *p)
{
    if (HPDF_Page_GetGMode(p->page) == HPDF_GMODE_PAGE_DESCRIPTION)
        HPDF_Stream_WriteStr(((HPDF_PageAttr)p->page->attr)->stream, "EMC\n");
}

static void hp_text(fp_canvas *c, double x, double y, const char *s, double size, uint32_t col, bool bold,
                    fp_halign al, double angle)
{
    pdf *p = c->ud;
    if (!p->page || !s || !*s)
        return;
    double w = width(p, s, size);
    double dx = al == FP_HALIGN_CENTER ? -w / 2 : al == FP_HALIGN_RIGHT ? -w : 0;
    double a = angle * 3.14159265358979323846 / 180, ca = cos(a), sa = sin(a);
    double px = p->ox + x + dx * ca, py = p->oy - y + dx * sa;
    /* slanted, a label would be read a character at a time among its neighbours' */
    if (angle != 0)
        span_begin(p, s);
    HPDF_Page_BeginText(p->page);
    g_size(p, (HPDF_REAL)size);
    hp_color(p, col, bold);
    if (bold) { /* the outline stroked: butt caps, no dash, as for every other line but a chart's */
        g_width(p, (HPDF_REAL)(size * 0.045));
        g_cap(p, HPDF_BUTT_END);
        g_dash(p, false);
    }
    g_mode(p, bold ? HPDF_FILL_THEN_STROKE : HPDF_FILL);
    HPDF_Page_SetTextMatrix(p->page, (HPDF_REAL)ca, (HPDF_REAL)sa, (HPDF_REAL)-sa, (HPDF_REAL)ca, (HPDF_REAL)px,
                            (HPDF_REAL)py);
    HPDF_Page_ShowText(p->page, conv(p, s));
    HPDF_Page_EndText(p->page);
    if (angle != 0)
        span_end(p);
}

/* libharu 2.3.0 builds the font's CIDToGIDMap and width array (in HPDF_GetFont) by asking the font for each of
 * the 65,536 codes when the encoder is its UTF-8 one: 65,536 glyph lookups, 65,535 widths and a 128 KB map
 * compressed into every PDF, a sixth of its time. For any other CMap encoder it asks only for the codes the
 * encoder's cid_map lists. So, while the font is made, the document's encoder lists exactly the subset's codes
 * (code = CID, and the font's cmap maps each code to its glyph) and names libharu's own CMap lookup as its
 * to_unicode_fn; the caller puts the UTF-8 function back at once (it reads the text drawn later). The code above
 * the last is listed too, mapping to no glyph: libharu's loop stops one short of the highest CID. Returns the
 * function to put back. The encoder belongs to this document alone; its cid_map (whose first bytes the UTF-8
 * reader uses as its state) is not read again. */
static HPDF_Encoder_ToUnicode_Func only_the_codes_used(HPDF_Encoder enc, const fp_subset *sub)
{
    HPDF_CMapEncoderAttr a = (HPDF_CMapEncoderAttr)enc->attr;
    memset(a->cid_map, 0, sizeof a->cid_map);
    uint32_t top = 0;
    for (size_t i = 0; i < sub->n; i++) {
        uint16_t c = sub->code[i];
        a->cid_map[c >> 8][c & 0xFF] = c;
        a->unicode_map[c >> 8][c & 0xFF] = c;
        top = c > top ? c : top;
    }
    top++; /* at most 0xFFFE + 1: fp_subset_make's codes stop below 0xFFFE */
    a->cid_map[top >> 8][top & 0xFF] = (HPDF_UINT16)top;
    a->unicode_map[top >> 8][top & 0xFF] = (HPDF_UNICODE)top;
    HPDF_Encoder_ToUnicode_Func was = enc->to_unicode_fn;
    enc->to_unicode_fn = HPDF_CMapEncoder_ToUnicode;
    return was;
}

/* The subset font as libharu reads it: straight from fp_subset's bytes. libharu reads a font a few bytes at a
 * time (each glyph as it is first drawn, every table again as it writes the PDF: thousands of reads); its memory
 * stream costs a list lookup and a chunk check for each, and a copy of the whole font to begin with. */
static HPDF_STATUS src_read(HPDF_Stream st, HPDF_BYTE *buf, HPDF_UINT *size)
{
    fontsrc *f = st->attr;
    HPDF_UINT want = *size, n = f->len - f->pos < want ? f->len - f->pos : want;
    if (n)
        memcpy(buf, f->data + f->pos, n);
    f->pos += n;
    *size = n;
    if (n < want) /* as libharu's file reader answers a short read */
        return HPDF_SetError(st->error, HPDF_STREAM_EOF, 0);
    return HPDF_OK;
}

static HPDF_STATUS src_seek(HPDF_Stream st, HPDF_INT pos, HPDF_WhenceMode mode)
{
    fontsrc *f = st->attr;
    int64_t to = mode == HPDF_SEEK_CUR ? (int64_t)f->pos + pos : mode == HPDF_SEEK_END ? (int64_t)f->len - pos : pos;
    if (to < 0 || to > (int64_t)f->len)
        return HPDF_SetError(st->error, HPDF_STREAM_EOF, 0);
    f->pos = (HPDF_UINT)to;
    return HPDF_OK;
}

static HPDF_INT32 src_tell(HPDF_Stream st)
{
    return (HPDF_INT32)((fontsrc *)st->attr)->pos;
}

static HPDF_UINT32 src_size(HPDF_Stream st)
{
    return ((fontsrc *)st->attr)->len;
}

/* The font descriptor with the font program, made before libharu would make it as the PDF is written: then
 * libharu embeds the subset font as fp_subset_make wrote it. Its own way (HPDF_TTFontDef_SaveFontData) rebuilds
 * the font table by table, reading it back four bytes at a time for the checksums — a tenth of a PDF's time —
 * to drop glyphs no text drew, of which a subset made of the document's own characters has next to none. The
 * descriptor has the entries libharu's has (CIDFontType2_BeforeWrite_Func), with the same values. */
static void embed(pdf *p, HPDF_FontDef def)
{
    HPDF_MMgr mm = p->doc->mmgr;
    HPDF_Dict desc = HPDF_Dict_New(mm), data = HPDF_DictStream_New(mm, p->doc->xref);
    if (!desc || !data)
        return; /* libharu's error is set */
    HPDF_Stream_Write(data->stream, (const HPDF_BYTE *)p->sub.ttf.data, (HPDF_UINT)p->sub.ttf.len);
    HPDF_Dict_AddNumber(data, "Length1", (HPDF_INT32)p->sub.ttf.len);
    HPDF_Dict_AddNumber(data, "Length2", 0);
    HPDF_Dict_AddNumber(data, "Length3", 0);
    data->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    HPDF_Dict_Add(desc, "FontFile2", data);
    HPDF_Xref_Add(p->doc->xref, desc);
    HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
    HPDF_Dict_AddNumber(desc, "Ascent", def->ascent);
    HPDF_Dict_AddNumber(desc, "Descent", def->descent);
    HPDF_Dict_AddNumber(desc, "Flags", (HPDF_INT32)def->flags);
    HPDF_Dict_Add(desc, "FontBBox", HPDF_Box_Array_New(mm, def->font_bbox));
    HPDF_Dict_AddName(desc, "FontName", ((HPDF_TTFontDefAttr)def->attr)->base_font);
    HPDF_Dict_AddNumber(desc, "ItalicAngle", def->italic_angle);
    HPDF_Dict_AddNumber(desc, "StemV", (HPDF_INT32)def->stemv);
    HPDF_Dict_AddNumber(desc, "XHeight", def->x_height);
    def->descriptor = desc;
}

static fp_status setup_font(pdf *p, fp_error *err)
{
    charset cs = {0};
    cs.seen = fp_xcalloc(0x10000 / 8, 1);
    cs_add_text(&cs, p->d->title);
    cs_add_text(&cs, p->d->subject);
    cs_add_text(&cs, p->d->author);
    cs_add_text(&cs, p->d->date);
    cs_add_text(&cs, "第页共 /0123456789·•—…▲▼–×Page ofabcdefghijklmnopqrstuvwxyz");
    cs_node(&cs, p->d->root);
    collect_chart_text(p, p->d->root, &cs);
    fp_status s = fp_subset_make(p->fonts, cs.cp, cs.n, &p->sub, err);
    free(cs.cp);
    free(cs.seen);
    if (s != FP_OK)
        return s;
    for (size_t i = 0; i < p->sub.nmissing && p->o->warnings; i++) {
        uint32_t c = p->sub.missing[i];
        char u[8] = {0};
        if (c < 0x80)
            u[0] = (char)c;
        else if (c < 0x800)
            u[0] = (char)(0xC0 | c >> 6), u[1] = (char)(0x80 | (c & 0x3F));
        else if (c < 0x10000)
            u[0] = (char)(0xE0 | c >> 12), u[1] = (char)(0x80 | ((c >> 6) & 0x3F)), u[2] = (char)(0x80 | (c & 0x3F));
        else
            u[0] = (char)(0xF0 | c >> 18), u[1] = (char)(0x80 | ((c >> 12) & 0x3F)),
            u[2] = (char)(0x80 | ((c >> 6) & 0x3F)), u[3] = (char)(0x80 | (c & 0x3F));
        place pl = {.cp = c};
        each_text(p->d->root, NULL, find_text, &pl);
        fp_buf_printf(p->o->warnings,
                      "fupan: warning: the character %s (U+%04X) is in no font fupan has; the PDF shows a box "
                      "for it%s%s\n",
                      u, c, pl.found ? ": " : "", pl.found ? pl.where : "");
    }
    /* the font, from memory, the way HPDF_LoadTTFontFromFile does it from a file: read in place */
    p->src = fp_xcalloc(1, sizeof *p->src);
    p->src->data = (const HPDF_BYTE *)p->sub.ttf.data;
    p->src->len = (HPDF_UINT)p->sub.ttf.len;
    HPDF_Stream st = HPDF_CallbackReader_New(p->doc->mmgr, src_read, src_seek, src_tell, src_size, p->src);
    if (!st)
        return fp_fail(err, FP_ERR_INTERNAL, "libharu cannot take the font (error 0x%04X)", (unsigned)p->herr);
    HPDF_FontDef def = HPDF_TTFontDef_Load(p->doc->mmgr, st, HPDF_TRUE);
    if (!def)
        return fp_fail(err, FP_ERR_INTERNAL, "libharu cannot read the subset font (error 0x%04X, 0x%04X)",
                       (unsigned)p->herr, (unsigned)p->hdetail);
    if (HPDF_List_Add(p->doc->fontdef_list, def) != HPDF_OK) {
        HPDF_FontDef_Free(def);
        return fp_fail(err, FP_ERR_INTERNAL, "libharu cannot register the font");
    }
    char tag[7];
    fp_subset_tag(&p->sub, tag);
    HPDF_TTFontDef_SetTagName(def, tag);
    HPDF_Encoder enc = HPDF_GetEncoder(p->doc, "UTF-8");
    if (!enc)
        return fp_fail(err, FP_ERR_INTERNAL, "libharu has no UTF-8 encoder (error 0x%04X)", (unsigned)p->herr);
    HPDF_Encoder_ToUnicode_Func utf8 = only_the_codes_used(enc, &p->sub);
    p->font = HPDF_GetFont(p->doc, def->base_font, "UTF-8");
    enc->to_unicode_fn = utf8;
    if (!p->font)
        return fp_fail(err, FP_ERR_INTERNAL, "libharu cannot make the font (error 0x%04X)", (unsigned)p->herr);
    HPDF_Dict cmap = HPDF_DictStream_New(p->doc->mmgr, p->doc->xref);
    fp_buf b;
    fp_buf_init(&b);
    tounicode(&p->sub, &b);
    HPDF_Stream_Write(cmap->stream, (HPDF_BYTE *)b.data, (HPDF_UINT)b.len);
    fp_buf_free(&b);
    cmap->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    HPDF_Dict_Add((HPDF_Dict)p->font, "ToUnicode", cmap);
    embed(p, def);
    return p->herr ? fp_fail(err, FP_ERR_INTERNAL, "libharu error 0x%04X while setting up the font", (unsigned)p->herr)
                   : FP_OK;
}

/* libharu compresses every stream it writes (pages, the font subset, the ToUnicode map) through zlib's
 * deflateInit — at zlib's default level 6 — and has no setting for it. This definition of zlib's entry point
 * behind that macro (the executable's symbol comes before libz's for libharu's call) asks for level 1 when the
 * caller leaves the level to zlib: a third of the PDF's time was deflate at level 6, for a file a few per cent
 * smaller. Any caller that names a level gets it; deflateInit2 (fupan serve's gzip) is not touched. */
int deflateInit_(z_streamp strm, int level, const char *version, int stream_size);
int deflateInit_(z_streamp strm, int level, const char *version, int stream_size)
{
    return deflateInit2_(strm, level == Z_DEFAULT_COMPRESSION ? 1 : level, Z_DEFLATED, MAX_WBITS, 8,
                         Z_DEFAULT_STRATEGY, version, stream_size);
}

/* libharu 2.3.0 copies and clears memory a byte at a time (HPDF_MemCpy into every stream it writes,
 * HPDF_MemSet of a 512-byte buffer in every drawing operator: SetRGBFill, LineTo, TextOut …), a fifth of
 * the PDF's time. Its calls to these exported functions go through the symbol table, so these definitions,
 * which do exactly what libharu's do (and return what they return: the end of the bytes written), take
 * their place with the C library's memcpy and memset. */
HPDF_BYTE *HPDF_MemCpy(HPDF_BYTE *out, const HPDF_BYTE *in, HPDF_UINT n)
{
    if (n)
        memmove(out, in, n); /* libharu's Type 1 loader copies within one buffer */
    return out + n;
}

void *HPDF_MemSet(void *s, HPDF_BYTE c, HPDF_UINT n)
{
    if (n)
        memset(s, c, n);
    return (HPDF_BYTE *)s + n;
}

/* text as libharu must get it: each character replaced by its code in the subset font, in UTF-8 */
static const char *conv(pdf *p, const char *s)
{
    fp_buf_reset(&p->conv);
    while (*s) {
        uint32_t c = fp_utf8_next(&s);
        uint16_t code = fp_subset_code(&p->sub, c);
        if (!code) {
            if (c >= 0x20 && !p->stray)
                p->stray = c; /* drawn but not collected by setup_font: a renderer bug, reported at the end */
            continue;
        }
        char u[4];
        int m;
        if (code < 0x80)
            u[0] = (char)code, m = 1;
        else if (code < 0x800)
            u[0] = (char)(0xC0 | code >> 6), u[1] = (char)(0x80 | (code & 0x3F)), m = 2;
        else
            u[0] = (char)(0xE0 | code >> 12), u[1] = (char)(0x80 | ((code >> 6) & 0x3F)),
            u[2] = (char)(0x80 | (code & 0x3F)), m = 3;
        fp_buf_add(&p->conv, u, (size_t)m);
    }
    return p->conv.data ? p->conv.data : "";
}

/* ---- measuring and drawing text ---- */

static double width(pdf *p, const char *s, double size)
{
    int64_t w = 0;
    while (s && *s)
        w += fp_fontset_advance(p->fonts, fp_utf8_next(&s));
    return (double)w * size / 1000.0;
}

static void fill(pdf *p, rgb c)
{
    if (!p->page)
        return;
    g_fill(p, c.r, c.g, c.b);
}

static void stroke(pdf *p, rgb c)
{
    if (!p->page)
        return;
    g_stroke(p, c.r, c.g, c.b);
}

/* one line of text with its baseline at y */
static void text_at(pdf *p, double x, double y, const char *s, double size, rgb c, bool bold)
{
    if (!p->page)
        return; /* libharu failed; the error is reported at the end */
    if (!s || !*s)
        return;
    HPDF_Page_BeginText(p->page);
    g_size(p, (HPDF_REAL)size);
    fill(p, c);
    if (bold) {
        stroke(p, c);
        g_width(p, (HPDF_REAL)(size * 0.045));
        g_cap(p, HPDF_BUTT_END);
        g_dash(p, false);
    }
    g_mode(p, bold ? HPDF_FILL_THEN_STROKE : HPDF_FILL);
    HPDF_Page_TextOut(p->page, (HPDF_REAL)x, (HPDF_REAL)y, conv(p, s));
    HPDF_Page_EndText(p->page);
}

static void rect(pdf *p, double x, double y, double w, double h, rgb c)
{
    if (!p->page)
        return; /* libharu failed; the error is reported at the end */
    fill(p, c);
    HPDF_Page_Rectangle(p->page, (HPDF_REAL)x, (HPDF_REAL)y, (HPDF_REAL)w, (HPDF_REAL)h);
    HPDF_Page_Fill(p->page);
}

static void hline(pdf *p, double x0, double x1, double y, double w, rgb c)
{
    if (!p->page)
        return; /* libharu failed; the error is reported at the end */
    stroke(p, c);
    g_width(p, (HPDF_REAL)w);
    g_cap(p, HPDF_BUTT_END);
    g_dash(p, false);
    HPDF_Page_MoveTo(p->page, (HPDF_REAL)x0, (HPDF_REAL)y);
    HPDF_Page_LineTo(p->page, (HPDF_REAL)x1, (HPDF_REAL)y);
    HPDF_Page_Stroke(p->page);
}

static void frame(pdf *p, double x, double y, double w, double h, double lw, rgb c)
{
    if (!p->page)
        return; /* libharu failed; the error is reported at the end */
    stroke(p, c);
    g_width(p, (HPDF_REAL)lw);
    g_cap(p, HPDF_BUTT_END);
    g_dash(p, false);
    HPDF_Page_Rectangle(p->page, (HPDF_REAL)x, (HPDF_REAL)y, (HPDF_REAL)w, (HPDF_REAL)h);
    HPDF_Page_Stroke(p->page);
}

/* ---- pages ---- */

static void new_page(pdf *p)
{
    if (p->dry)
        return; /* a block measured runs on past the foot of the page */
    p->page = HPDF_AddPage(p->doc);
    p->y = p->top;
    if (!p->page) {
        if (!p->herr)
            p->herr = HPDF_INVALID_PAGE;
        return;
    }
    HPDF_Page_SetWidth(p->page, (HPDF_REAL)p->W);
    HPDF_Page_SetHeight(p->page, (HPDF_REAL)p->H);
    size_t cap = p->cap;
    fp_xgrow((void **)&p->pages, &p->cap, p->npages + 1, sizeof *p->pages);
    fp_xgrow((void **)&p->gpage, &cap, p->npages + 1, sizeof *p->gpage);
    p->gpage[p->npages] = g_unknown(p->page);
    p->pages[p->npages++] = p->page;
    p->y = p->top;
}

/* makes room for h points, starting a new page when they do not fit */
static void need(pdf *p, double h)
{
    if (p->dry)
        return;
    if (p->y - h < p->bottom && p->y < p->top - 1)
        new_page(p);
}

/* ---- styled text: paragraphs, list items, cells ---- */

typedef struct styled {
    fp_lb_item *it;
    uint8_t *bold;
    uint8_t *tone;
    uint8_t *gap;      /* 1: a quarter-em gap after this item (Han next to a Western letter or digit) */
    size_t n, cap;
    bool keep_han;     /* an English document: a run of Han characters (a name) is not broken, unless the
                        * text is Chinese prose (fp_lb_mostly_han) */
} styled;

/* Han ideographs, as clreq counts them for Han–Western spacing (not punctuation, not kana) */
static bool han(uint32_t c)
{
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0x20000 && c <= 0x3FFFF);
}

/* Western letters and digits, and the signs that belong to a number (94.3%, $12, ¥856) */
static bool western(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '%' || c == '$' ||
           c == '+' || c == '-' || c == 0x2212 /* − */ || c == 0x00A5 ||
           (c >= 0x00C0 && c <= 0x024F && c != 0x00D7 && c != 0x00F7);
}

static void st_add(styled *s, const char *text, bool bold, fp_tone tone, double size, pdf *p)
{
    while (text && *text) {
        uint32_t c = fp_utf8_next(&text);
        if (s->n + 1 > s->cap) {
            s->cap = s->cap ? s->cap * 2 : 64;
            s->it = fp_xrealloc(s->it, s->cap * sizeof *s->it);
            s->bold = fp_xrealloc(s->bold, s->cap);
            s->tone = fp_xrealloc(s->tone, s->cap);
            s->gap = fp_xrealloc(s->gap, s->cap);
        }
        s->keep_han = p->en;
        s->it[s->n] = (fp_lb_item){c, (int32_t)lround(fp_fontset_advance(p->fonts, c) * size)};
        s->bold[s->n] = bold;
        s->tone[s->n] = (uint8_t)tone;
        s->gap[s->n] = 0;
        /* clreq: a quarter-em gap between Han and Western letters or digits, set by the typesetter (the text
         * keeps no space; a space typed in the text is kept as it is) */
        if (s->n > 0) {
            uint32_t a = s->it[s->n - 1].cp;
            if ((han(a) && western(c)) || (western(a) && han(c))) {
                s->gap[s->n - 1] = 1;
                s->it[s->n - 1].w += (int32_t)lround(250 * size);
            }
            /* 标点挤压: two marks side by side (）。 ）； ：「 」（) keep a quarter of an em of blank between their
             * inks, not the em or so that two full-width cells leave; the first mark gives up the difference */
            int a0, a1, b0, b1;
            if (fp_lb_closing_mark(a) && (fp_lb_closing_mark(c) || fp_lb_opening_mark(c)) && !s->gap[s->n - 1] &&
                fp_fontset_ink_x(p->fonts, a, &a0, &a1) && fp_fontset_ink_x(p->fonts, c, &b0, &b1)) {
                int blank = (fp_fontset_advance(p->fonts, a) - a1) + b0;
                int cut = blank - 250;
                if (cut > 500)
                    cut = 500;
                if (cut > 0) {
                    s->gap[s->n - 1] = 2;
                    s->it[s->n - 1].w -= (int32_t)lround(cut * size);
                }
            }
        }
        s->n++;
    }
}

static void st_free(styled *s)
{
    free(s->it);
    free(s->bold);
    free(s->tone);
    free(s->gap);
    memset(s, 0, sizeof *s);
}

typedef struct laid {
    fp_lb_line *lines;
    size_t n;
} laid;

static void lay(const styled *s, double w, laid *out)
{
    out->lines = fp_xmalloc((s->n + 2) * sizeof *out->lines);
    /* a hair of tolerance: a cell measured to fit must not wrap on a rounding difference */
    out->n = fp_linebreak_keep(s->it, s->n, (int64_t)ceil(w * 1000.0 + 1.0),
                               s->keep_han && !fp_lb_mostly_han(s->it, s->n), out->lines);
}

/* draws line k of s at baseline y, from x, with the given alignment inside width w */
static void draw_line(pdf *p, const styled *s, const fp_lb_line *ln, double x, double y, double w, fp_align al,
                      double size, rgb dflt)
{
    double lw = (double)ln->width / 1000.0;
    if (al == FP_ALIGN_RIGHT)
        x += w - lw;
    else if (al == FP_ALIGN_CENTER)
        x += (w - lw) / 2;
    size_t i = ln->start;
    fp_buf run;
    fp_buf_init(&run);
    while (i < ln->end) {
        size_t j = i;
        double rw = 0;
        fp_buf_reset(&run);
        while (j < ln->end && s->bold[j] == s->bold[i] && s->tone[j] == s->tone[i] && (j == i || !s->gap[j - 1])) {
            char u[4];
            uint32_t c = s->it[j].cp;
            int m;
            if (c < 0x80)
                u[0] = (char)c, m = 1;
            else if (c < 0x800)
                u[0] = (char)(0xC0 | c >> 6), u[1] = (char)(0x80 | (c & 0x3F)), m = 2;
            else if (c < 0x10000)
                u[0] = (char)(0xE0 | c >> 12), u[1] = (char)(0x80 | ((c >> 6) & 0x3F)),
                u[2] = (char)(0x80 | (c & 0x3F)), m = 3;
            else
                u[0] = (char)(0xF0 | c >> 18), u[1] = (char)(0x80 | ((c >> 12) & 0x3F)),
                u[2] = (char)(0x80 | ((c >> 6) & 0x3F)), u[3] = (char)(0x80 | (c & 0x3F)), m = 4;
            fp_buf_add(&run, u, (size_t)m);
            rw += s->it[j].w / 1000.0;
            j++;
        }
        text_at(p, x, y, run.data, size, tone_rgb((fp_tone)s->tone[i], dflt), s->bold[i]);
        x += rw;
        i = j;
    }
    fp_buf_free(&run);
}

/* a block of wrapped text at the cursor, starting new pages as needed */
static void flow(pdf *p, const styled *s, double x, double w, double size, rgb dflt, double first_indent)
{
    laid L;
    (void)first_indent;
    lay(s, w, &L);
    double lh = size * LEAD;
    /* widows and orphans: a block of up to three lines stays whole, a longer one leaves at least two
     * lines at the foot of a page and carries at least two to the next */
    need(p, (double)(L.n <= 3 ? L.n : 2) * lh);
    for (size_t k = 0; k < L.n; k++) {
        if (k > 0 && L.n - k == 2 && p->y - 2 * lh < p->bottom)
            new_page(p);
        need(p, lh);
        draw_line(p, s, &L.lines[k], x, p->y - size * 1.12, w, FP_ALIGN_LEFT, size, dflt);
        p->y -= lh;
    }
    free(L.lines);
}

static void spans_styled(pdf *p, const fp_spans *sp, double size, styled *s)
{
    for (size_t i = 0; i < sp->n; i++)
        st_add(s, sp->v[i].text, sp->v[i].bold, sp->v[i].tone, size, p);
}

/* the height a single wrapped string takes */
static size_t count_lines(pdf *p, const char *text, double size, double w)
{
    styled s = {0};
    st_add(&s, text, false, FP_TONE_NONE, size, p);
    laid L;
    lay(&s, w, &L);
    size_t n = L.n;
    free(L.lines);
    st_free(&s);
    return n;
}

/* draws a wrapped string in a box; returns the lines drawn */
static size_t text_box(pdf *p, const char *text, double x, double ytop, double w, double size, rgb c, bool bold,
                       fp_align al, size_t max_lines)
{
    styled s = {0};
    st_add(&s, text, bold, FP_TONE_NONE, size, p);
    laid L;
    lay(&s, w, &L);
    double lh = size * 1.35;
    size_t n = L.n < max_lines ? L.n : max_lines;
    for (size_t k = 0; k < n; k++)
        draw_line(p, &s, &L.lines[k], x, ytop - size * 1.05 - lh * (double)k, w, al, size, c);
    free(L.lines);
    st_free(&s);
    return n;
}

/* ---- blocks ---- */

static void node(pdf *p, const fp_node *n);

/* the height a block takes from the cursor, laid out as if the page had no foot: nothing is drawn */
static double block_height(pdf *p, const fp_node *n)
{
    if (!n)
        return 0;
    HPDF_Page page = p->page;
    double y = p->y, left = p->left, right = p->right;
    bool dry = p->dry;
    p->page = NULL;
    p->dry = true;
    node(p, n);
    double h = y - p->y;
    p->page = page;
    p->y = y;
    p->left = left;
    p->right = right;
    p->dry = dry;
    return h;
}

/* how much of block n must stand on the same page as the heading before it: a chart, a row of KPI cards or a
 * box of up to a third of a page whole; the first lines of text; the start of a table — never more than a
 * third of the page, so that a heading before a long block does not leave half a page empty */
static double keep_height(pdf *p, const fp_node *parent, size_t i)
{
    if (!parent || i >= parent->nkids || p->dry)
        return BODY * LEAD * 3;
    const fp_node *n = parent->kids[i];
    double third = (p->top - p->bottom) / 3;
    double h = block_height(p, n);
    switch (n->type) {
    case FP_NODE_PARAGRAPH:
    case FP_NODE_LIST:
        return fmin(h, BODY * LEAD * 3);
    case FP_NODE_HEADING: /* a heading and what keeps with it */
        return fmin(h + keep_height(p, parent, i + 1), third + h);
    default:
        return fmin(h, fmax(third, BODY * LEAD * 3));
    }
}

static void heading(pdf *p, const fp_node *n, double keep);

static void kids(pdf *p, const fp_node *n)
{
    for (size_t i = 0; i < n->nkids; i++) {
        if (n->kids[i]->type == FP_NODE_HEADING)
            heading(p, n->kids[i], keep_height(p, n, i + 1));
        else
            node(p, n->kids[i]);
    }
}

static void cover(pdf *p, const fp_node *n)
{
    double w = p->right - p->left;
    double tsize = 21;
    size_t tl = count_lines(p, n->title, tsize, w);
    p->y -= 6;
    text_box(p, n->title, p->left, p->y, w, tsize, INK, true, FP_ALIGN_LEFT, tl);
    p->y -= (double)tl * tsize * 1.35 + 6;
    if (n->note && *n->note) {
        text_box(p, n->note, p->left, p->y, w, 12.5, ACCENT, false, FP_ALIGN_LEFT, 2);
        p->y -= 12.5 * 1.35 + 8;
    }
    for (size_t i = 0; i < n->nlines; i++) {
        size_t k = text_box(p, n->lines[i], p->left, p->y, w, 9, MUTED, false, FP_ALIGN_LEFT, 3);
        p->y -= (double)k * 9 * 1.35 + 2;
    }
    p->y -= 6;
    hline(p, p->left, p->right, p->y, 2, ACCENT);
    p->y -= 14;
}

static void section(pdf *p, const fp_node *n)
{
    double size = 14.5;
    p->y -= 10;
    /* the title keeps with what follows it: three lines of text, or the chart, cards or table start */
    need(p, size * 1.55 + 7 + keep_height(p, n, 0));
    fp_buf t;
    fp_buf_init(&t);
    if (n->number)
        fp_buf_adds(&t, n->number);
    fp_buf_adds(&t, n->title ? n->title : "");
    double base = p->y - size * 1.1;
    double x = p->left;
    if (n->number && *n->number) {
        text_at(p, x, base, n->number, size, ACCENT, true);
        x += width(p, n->number, size);
    }
    text_at(p, x, base, n->title, size, INK, true);
    /* a bookmark for the section */
    if (p->page) {
        HPDF_Destination dst = HPDF_Page_CreateDestination(p->page);
        HPDF_Outline o = HPDF_CreateOutline(p->doc, NULL, t.data, HPDF_GetEncoder(p->doc, "UTF-8"));
        if (dst && o) {
            HPDF_Destination_SetFitH(dst, (HPDF_REAL)(p->y + 4)); /* libharu 2.3.0 refuses a null zoom in XYZ */
            HPDF_Outline_SetDestination(o, dst);
        }
    }
    fp_buf_free(&t);
    p->y -= size * 1.55;
    hline(p, p->left, p->right, p->y + 3, 0.6, LINE);
    p->y -= 7;
    kids(p, n);
}

/* a heading keeps with keep points of what follows it */
static void heading(pdf *p, const fp_node *n, double keep)
{
    double size = 11.5;
    p->y -= 4;
    need(p, size * 1.5 + keep);
    size_t k = text_box(p, n->title, p->left, p->y, p->right - p->left, size, INK, true, FP_ALIGN_LEFT, 3);
    p->y -= (double)k * size * 1.35 + 4;
}

static void paragraph(pdf *p, const fp_node *n, double indent)
{
    styled s = {0};
    spans_styled(p, &n->spans, BODY, &s);
    flow(p, &s, p->left + indent, p->right - p->left - indent, BODY, INK, 0);
    st_free(&s);
    p->y -= 5;
}

static void list(pdf *p, const fp_node *n, double indent)
{
    for (size_t i = 0; i < n->nkids; i++) {
        const fp_node *it = n->kids[i];
        char mark[32];
        if (n->ordered)
            snprintf(mark, sizeof mark, "%zu.", i + 1);
        else
            snprintf(mark, sizeof mark, "•");
        double hang = 14, w = p->right - p->left - indent - hang;
        styled s = {0};
        spans_styled(p, &it->spans, BODY, &s);
        /* the mark goes where the item's first line goes: make the room flow() will ask for first */
        laid L;
        lay(&s, w, &L);
        need(p, (double)(L.n <= 3 ? (L.n ? L.n : 1) : 2) * BODY * LEAD);
        free(L.lines);
        text_at(p, p->left + indent + 2, p->y - BODY * 1.12, mark, BODY, n->ordered ? INK : ACCENT, false);
        flow(p, &s, p->left + indent + hang, w, BODY, INK, 0);
        st_free(&s);
        p->y -= 1.5;
    }
    p->y -= 4;
}

static void kpis(pdf *p, const fp_node *n)
{
    size_t per = n->nkids < 4 ? n->nkids : 4;
    if (!per)
        return;
    double gap = 8, w = p->right - p->left;
    double cw = (w - gap * (double)(per - 1)) / (double)per;
    for (size_t r0 = 0; r0 < n->nkids; r0 += per) {
        size_t cnt = n->nkids - r0 < per ? n->nkids - r0 : per;
        /* the row's height: the tallest card */
        double hmax = 0;
        for (size_t i = 0; i < cnt; i++) {
            const fp_node *k = n->kids[r0 + i];
            double h = 10 + 8.5 * 1.35 + 17 * 1.3 + 4 + (double)k->nchanges * 8 * 1.45 +
                       (k->note ? (double)count_lines(p, k->note, 7.5, cw - 16) * 7.5 * 1.35 : 0) +
                       (k->chart ? SPARK_H + 4 : 0) + 8;
            if (h > hmax)
                hmax = h;
        }
        p->y -= 4;
        need(p, hmax + 4);
        double top = p->y;
        for (size_t i = 0; i < cnt; i++) {
            const fp_node *k = n->kids[r0 + i];
            double x = p->left + (double)i * (cw + gap);
            rect(p, x, top - hmax, cw, hmax, k->tone != FP_TONE_NONE ? tint(tone_rgb(k->tone, ACCENT), 0.05f) : WHITE);
            frame(p, x, top - hmax, cw, hmax, 0.6, LINE);
            if (k->tone != FP_TONE_NONE)
                rect(p, x, top - 2.5, cw, 2.5, tone_rgb(k->tone, ACCENT));
            fp_buf said;
            fp_buf_init(&said);
            fp_buf_printf(&said, "%s %s", k->title, k->value);
            for (size_t c = 0; c < k->nchanges; c++)
                fp_buf_printf(&said, " %s %s %s", k->changes[c].label,
                              k->changes[c].dir > 0 ? "▲" : k->changes[c].dir < 0 ? "▼" : "–", k->changes[c].text);
            if (k->note)
                fp_buf_printf(&said, " %s", k->note);
            /* the whole card is read where its label stands (every card's label on one baseline, so a reader
             * keeps the cards left to right); what is drawn below the label reads as nothing */
            span_begin(p, said.data);
            fp_buf_free(&said);
            double yy = top - 10;
            text_box(p, k->title, x + 8, yy + 8.5 * 0.2, cw - 16, 8.5, MUTED, false, FP_ALIGN_LEFT, 1);
            span_end(p);
            span_begin(p, "");
            yy -= 8.5 * 1.35;
            double vs = 17;
            while (vs > 10 && width(p, k->value, vs) > cw - 16)
                vs -= 1;
            text_box(p, k->value, x + 8, yy, 1e4, vs, tone_rgb(k->tone, INK), true, FP_ALIGN_LEFT, 1); /* one line */
            yy -= 17 * 1.3 + 4;
            for (size_t c = 0; c < k->nchanges; c++) {
                const fp_change *ch = &k->changes[c];
                char line[256];
                snprintf(line, sizeof line, "%s %s %s", ch->label, ch->dir > 0 ? "▲" : ch->dir < 0 ? "▼" : "–",
                         ch->text);
                text_at(p, x + 8, yy - 8 * 1.05, line, 8, tone_rgb(ch->tone, MUTED), false);
                yy -= 8 * 1.45;
            }
            if (k->note) {
                size_t nl = text_box(p, k->note, x + 8, yy, cw - 16, 7.5, MUTED, false, FP_ALIGN_LEFT, 3);
                yy -= (double)nl * 7.5 * 1.35;
            }
            span_end(p);
            if (k->chart) {
                /* the sparkline along the bottom of the card */
                fp_canvas c = {.ud = p, .fill = hp_fill, .stroke = hp_stroke, .text = hp_text, .fonts = p->fonts};
                p->ox = x + 8;
                p->oy = top - hmax + 6 + SPARK_H;
                fp_chart_draw(k->chart, &c, cw - 16, SPARK_H);
            }
        }
        p->y = top - hmax - 8;
    }
}

/* ---- tables ---- */

typedef struct tlayout {
    double size, pad_x, pad_y;
    double *w;        /* column widths */
} tlayout;

/* the widest unbreakable piece of s, and its whole width */
static void extents(pdf *p, const char *s, double size, double *minw, double *natural)
{
    styled st = {0};
    st_add(&st, s, false, FP_TONE_NONE, size, p);
    double nat = 0, best = 0, run = 0;
    bool *ok = fp_xmalloc(st.n ? st.n : 1);
    fp_lb_breaks_keep(st.it, st.n, st.keep_han && !fp_lb_mostly_han(st.it, st.n), ok);
    for (size_t i = 0; i < st.n; i++) {
        nat += st.it[i].w / 1000.0;
        if (ok[i])
            run = 0;
        run += st.it[i].w / 1000.0;
        if (run > best)
            best = run;
    }
    free(ok);
    st_free(&st);
    *minw = best;
    *natural = nat;
}

/* measures every column at one size: the widest unbreakable piece (minw), the widest whole cell (nat)
 * and a comfortable minimum (soft: numbers whole, text whole up to six ems) — padding included */
static void measure_cols(pdf *p, const fp_table_doc *t, double size, tlayout *L, double *minw, double *nat,
                         double *soft, double sum[3])
{
    size_t nc = t->ncols;
    L->size = size;
    L->pad_x = size * 0.6;
    L->pad_y = size * (p->lead < 1.6 ? 0.3 : 0.42); /* tighter rows when the document is tightened */
    sum[0] = sum[1] = sum[2] = 0;
    for (size_t c = 0; c < nc; c++) {
        double mn, na;
        extents(p, t->cols[c].label, size, &mn, &na);
        minw[c] = mn;
        nat[c] = na;
        for (size_t r = 0; r < t->nrows; r++) {
            extents(p, t->cells[r * nc + c].text, size, &mn, &na);
            if (mn > minw[c])
                minw[c] = mn;
            if (na > nat[c])
                nat[c] = na;
        }
        if (t->cols[c].numeric)
            minw[c] = nat[c]; /* numbers never wrap */
        soft[c] = t->cols[c].numeric ? nat[c] : fmin(nat[c], fmax(minw[c], 6 * size));
        minw[c] += 2 * L->pad_x;
        nat[c] += 2 * L->pad_x;
        soft[c] += 2 * L->pad_x;
        sum[0] += minw[c];
        sum[1] += nat[c];
        sum[2] += soft[c];
    }
}

/* widths from `lo` up toward `hi`, sharing the room above lo in proportion to what each column wants */
static void share(size_t nc, const double *lo, const double *hi, double slo, double shi, double avail, double *w)
{
    for (size_t c = 0; c < nc; c++)
        w[c] = shi > slo ? lo[c] + (avail - slo) * (hi[c] - lo[c]) / (shi - slo) : lo[c];
}

/* Column widths for a table: whole cells at 9 pt down to 7.5 pt; then text wraps in its columns (down to
 * 6.5 pt) while numbers and short text stay whole; then only words stay whole; last, a table that
 * cannot fit even so is scaled, and its text wraps anywhere. Never wider than avail. */
static void table_widths(pdf *p, const fp_table_doc *t, double avail, tlayout *L)
{
    size_t nc = t->ncols;
    L->w = fp_xcalloc(nc ? nc : 1, sizeof *L->w);
    if (!nc)
        return;
    double *minw = fp_xcalloc(nc, sizeof *minw), *nat = fp_xcalloc(nc, sizeof *nat);
    double *soft = fp_xcalloc(nc, sizeof *soft), sum[3];
    bool done = false;
    for (double size = 9; size >= 7.5 && !done; size -= 0.5) {
        measure_cols(p, t, size, L, minw, nat, soft, sum);
        if (sum[1] <= avail) {
            /* everything on one line: spare width shared by the natural widths */
            for (size_t c = 0; c < nc; c++)
                L->w[c] = nat[c] + (avail - sum[1]) * nat[c] / sum[1];
            done = true;
        }
    }
    for (double size = 7.5; size >= 6.5 && !done; size -= 0.5) {
        measure_cols(p, t, size, L, minw, nat, soft, sum);
        if (sum[2] <= avail) {
            share(nc, soft, nat, sum[2], sum[1], avail, L->w);
            done = true;
        }
    }
    if (!done) {
        /* 6.5 pt, measured last */
        if (sum[0] <= avail) {
            share(nc, minw, soft, sum[0], sum[2], avail, L->w);
        } else {
            for (size_t c = 0; c < nc; c++)
                L->w[c] = minw[c] * avail / sum[0];
        }
    }
    free(minw);
    free(nat);
    free(soft);
}

static double row_height(pdf *p, const fp_table_doc *t, const tlayout *L, size_t r, bool header)
{
    size_t lines = 1;
    for (size_t c = 0; c < t->ncols; c++) {
        const char *s = header ? t->cols[c].label : t->cells[r * t->ncols + c].text;
        size_t k = count_lines(p, s, L->size, L->w[c] - 2 * L->pad_x);
        if (k > lines)
            lines = k;
    }
    return (double)lines * L->size * 1.35 + 2 * L->pad_y;
}

static void table_row(pdf *p, const fp_table_doc *t, const tlayout *L, size_t r, bool header, double h, bool zebra)
{
    double x = p->left, top = p->y;
    bool total = !header && t->has_total && r == t->nrows - 1;
    double tw = 0;
    for (size_t c = 0; c < t->ncols; c++)
        tw += L->w[c];
    if (header)
        rect(p, x, top - h, tw, h, SOFT);
    else if (total)
        rect(p, x, top - h, tw, h, SOFT);
    else if (zebra)
        rect(p, x, top - h, tw, h, ZEBRA);
    size_t max_lines = (size_t)((p->top - p->bottom) / (L->size * 1.35)) - 2;
    for (size_t c = 0; c < t->ncols; c++) {
        const fp_cell *cell = header ? NULL : &t->cells[r * t->ncols + c];
        const char *s = header ? t->cols[c].label : cell->text;
        rgb col = header ? INK : tone_rgb(cell->tone, INK);
        bool bold = header || total || (cell && cell->bold);
        fp_align al = t->cols[c].align;
        text_box(p, s, x + L->pad_x, top - L->pad_y + L->size * 0.1, L->w[c] - 2 * L->pad_x, L->size, col, bold, al,
                 max_lines);
        x += L->w[c];
    }
    if (total)
        hline(p, p->left, p->left + tw, top, 0.9, INK);
    hline(p, p->left, p->left + tw, top - h, header ? 0.6 : 0.35, LINE);
    p->y -= h;
}

static void table(pdf *p, const fp_node *n)
{
    const fp_table_doc *t = n->table;
    double avail = p->right - p->left;
    tlayout L = {0};
    table_widths(p, t, avail, &L);
    double hh = row_height(p, t, &L, 0, true);
    /* the caption and the header keep with the first three rows (a table of up to five rows stays whole), so
     * that no page ends with a header and a row */
    size_t keep = t->nrows <= 5 ? t->nrows : 3;
    double first = t->nrows ? 0 : L.size * 2;
    for (size_t r = 0; r < keep; r++)
        first += row_height(p, t, &L, r, false);
    first = fmin(first, (p->top - p->bottom) / 2);
    double cap = n->title ? 9.5 * 1.6 : 0;
    p->y -= 4;
    need(p, cap + hh + first);
    if (n->title) {
        text_box(p, n->title, p->left, p->y - 9.5 * 0.05, 1e4, 9.5, INK, true, FP_ALIGN_LEFT, 1); /* one line */
        p->y -= cap;
    }
    table_row(p, t, &L, 0, true, hh, false);
    if (!t->nrows || (t->has_total && t->nrows == 1 && false)) {
        text_box(p, t->empty_text, p->left + L.pad_x, p->y - L.pad_y, avail - 2 * L.pad_x, L.size, MUTED, false,
                 FP_ALIGN_LEFT, 2);
        p->y -= L.size * 1.35 + 2 * L.pad_y;
    }
    /* the totals row keeps with the two rows before it: from the third row from the end, the rest of the
     * table moves to the next page together when it does not fit */
    size_t keep_from = t->has_total && t->nrows >= 4 ? t->nrows - 3 : t->nrows;
    for (size_t r = 0; r < t->nrows; r++) {
        double h = row_height(p, t, &L, r, false);
        double limit = p->top - p->bottom - hh - 4;
        if (h > limit)
            h = limit; /* a row taller than a page: cut, never run off the page */
        double together = h;
        if (r == keep_from)
            for (size_t k = r + 1; k < t->nrows; k++)
                together += row_height(p, t, &L, k, false);
        if (p->y - h < p->bottom || (r == keep_from && together <= limit && p->y - together < p->bottom)) {
            new_page(p);
            table_row(p, t, &L, 0, true, hh, false); /* the header again */
        }
        table_row(p, t, &L, r, false, h, r % 2 == 1);
    }
    p->y -= 8;
    free(L.w);
}

static void chart(pdf *p, const fp_node *n)
{
    double w = chart_width(p), h = fp_chart_height(n->chart, w);
    double title = n->title && *n->title ? 10 * 1.8 : 0, pad = 8;
    p->y -= 4;
    need(p, h + title + 2 * pad);
    double top = p->y, fw = p->right - p->left;
    frame(p, p->left, top - h - title - 2 * pad, fw, h + title + 2 * pad, 0.6, LINE);
    if (title > 0)
        text_box(p, n->title, p->left + pad, top - pad + 10 * 0.1, 1e4, 10, INK, true,
                 FP_ALIGN_LEFT, 1);
    fp_canvas c = {.ud = p, .fill = hp_fill, .stroke = hp_stroke, .text = hp_text, .fonts = p->fonts};
    p->ox = p->left + pad;
    p->oy = top - pad - title;
    fp_chart_draw(n->chart, &c, w, h);
    p->y = top - h - title - 2 * pad - 8;
}

static void box(pdf *p, const fp_node *n)
{
    /* the frame is drawn after the content, on each page the box spans */
    double inset = 12;
    p->y -= 4;
    /* a box of up to a third of a page is not split */
    double whole = p->dry ? 0 : block_height(p, n);
    need(p, whole > 0 && whole - 4 <= (p->top - p->bottom) / 3 ? whole - 4 : BODY * LEAD * 3);
    size_t first_page = p->npages;
    double top = p->y;
    p->y -= 6;
    double save_left = p->left, save_right = p->right;
    p->left += inset;
    p->right -= 6;
    if (n->title && *n->title) {
        size_t k = text_box(p, n->title, p->left, p->y, p->right - p->left, 10, INK, true, FP_ALIGN_LEFT, 3);
        p->y -= (double)k * 10 * 1.35 + 3;
    }
    kids(p, n);
    p->left = save_left;
    p->right = save_right;
    double bottom = p->y;
    rgb c = tone_rgb(n->tone, ACCENT);
    /* the bar at the left, on the first page of the box and any following ones */
    for (size_t pg = first_page; pg <= p->npages && !p->dry; pg++) {
        HPDF_Page saved = p->page;
        p->page = p->pages[pg - 1];
        double t = pg == first_page ? top : p->top;
        double b = pg == p->npages ? bottom : p->bottom;
        rect(p, p->left, b, 3, t - b, c);
        p->page = saved;
    }
    p->y -= 8;
}

static void node(pdf *p, const fp_node *n)
{
    switch (n->type) {
    case FP_NODE_DOCUMENT:
        kids(p, n);
        break;
    case FP_NODE_COVER:
        cover(p, n);
        break;
    case FP_NODE_SECTION:
        section(p, n);
        break;
    case FP_NODE_HEADING:
        heading(p, n, BODY * LEAD * 2); /* on its own; in a list of blocks, kids() says what it keeps with */
        break;
    case FP_NODE_PARAGRAPH:
        paragraph(p, n, 0);
        break;
    case FP_NODE_LIST:
        list(p, n, 0);
        break;
    case FP_NODE_ITEM:
        break; /* drawn by its list */
    case FP_NODE_KPIS:
        kpis(p, n);
        break;
    case FP_NODE_KPI:
        break; /* drawn by its row */
    case FP_NODE_TABLE:
        table(p, n);
        break;
    case FP_NODE_CHART:
        chart(p, n);
        break;
    case FP_NODE_BOX:
        box(p, n);
        break;
    case FP_NODE_PAGEBREAK:
        if (p->y < p->top - 1)
            new_page(p);
        break;
    }
}

/* the running header (from page 2) and the footer, once the page count is known */
static void furniture(pdf *p)
{
    char head[512];
    snprintf(head, sizeof head, "%s%s%s", p->d->title ? p->d->title : "", p->d->subject ? " · " : "",
             p->d->subject ? p->d->subject : "");
    for (size_t i = 0; i < p->npages; i++) {
        p->page = p->pages[i];
        if (i > 0) {
            text_box(p, head, p->left, p->H - 38 + 8 * 1.05, p->right - p->left, 8, MUTED, false, FP_ALIGN_LEFT, 1);
            hline(p, p->left, p->right, p->H - 44, 0.5, LINE);
        }
        char foot[96];
        if (p->en)
            snprintf(foot, sizeof foot, "Page %zu of %zu", i + 1, p->npages);
        else
            snprintf(foot, sizeof foot, "第 %zu 页 / 共 %zu 页", i + 1, p->npages);
        double fw = width(p, foot, 8);
        text_at(p, (p->W - fw) / 2, 28, foot, 8, MUTED, false);
    }
}

static void info_date(pdf *p, time_t t)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    HPDF_Date d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, 'Z', 0, 0};
    HPDF_SetInfoDateAttr(p->doc, HPDF_INFO_CREATION_DATE, d);
    HPDF_SetInfoDateAttr(p->doc, HPDF_INFO_MOD_DATE, d);
}

/* lays the document out on pages (no furniture yet), with lines lead times the type size */
static fp_status lay_out(pdf *p, const fp_doc *d, const fp_render_opts *o, double lead, fp_error *err)
{
    *p = (pdf){.d = d, .o = o, .fonts = o->fonts, .lead = lead};
    fp_buf_init(&p->conv);
    p->en = d->lang && !strcmp(d->lang, "en");
    p->doc = HPDF_New(on_error, p);
    if (!p->doc)
        return fp_fail(err, FP_ERR_INTERNAL, "libharu cannot start a document");
    HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(p->doc);
    HPDF_SetCurrentEncoder(p->doc, "UTF-8");
    HPDF_SetPageMode(p->doc, HPDF_PAGE_MODE_USE_OUTLINE);
    /* page size, content box (charts are laid out, and their text collected, at its width) */
    double w = 595.28, h = 841.89;
    if (!strcmp(d->page, "A3"))
        w = 841.89, h = 1190.55;
    else if (!strcmp(d->page, "letter"))
        w = 612, h = 792;
    p->W = d->landscape ? h : w;
    p->H = d->landscape ? w : h;
    p->left = 54;
    p->right = p->W - 54;
    p->top = p->H - 58;
    p->bottom = 54;
    fp_status st = setup_font(p, err);
    if (st != FP_OK)
        return st;
    new_page(p);
    node(p, d->root);
    return FP_OK;
}

static void discard(pdf *p)
{
    if (p->doc)
        HPDF_Free(p->doc);
    fp_subset_free(&p->sub);
    free(p->src);
    free(p->pages);
    free(p->gpage);
    fp_buf_free(&p->conv);
    p->doc = NULL;
    p->src = NULL;
    p->pages = NULL;
    p->gpage = NULL;
}

fp_status fp_render_pdf(const fp_doc *d, const fp_render_opts *o, fp_buf *out, fp_error *err)
{
    if (!o || !o->fonts)
        return fp_fail(err, FP_ERR_INTERNAL, "the PDF renderer needs fonts");
    pdf p;
    fp_status st = lay_out(&p, d, o, 1.62, err);
    if (st != FP_OK)
        goto out;
    /* a last page holding only a few lines: laid out again with lines a little closer, kept when that saves
     * the page (the demo company review: eight pages, the eighth with two lines) */
    if (p.npages > 1 && p.top - p.y < (p.top - p.bottom) * 0.12 && !p.herr) {
        pdf q;
        fp_error qe = {0};
        if (lay_out(&q, d, o, 1.5, &qe) == FP_OK && !q.herr && !q.stray && q.npages < p.npages) {
            discard(&p);
            p = q;
            p.doc->error.user_data = &p; /* the error handler's pointer follows the struct */
        } else {
            discard(&q);
        }
    }
    furniture(&p);
    HPDF_SetInfoAttr(p.doc, HPDF_INFO_TITLE, d->title ? d->title : "");
    if (d->subject)
        HPDF_SetInfoAttr(p.doc, HPDF_INFO_SUBJECT, d->subject);
    if (d->author && *d->author)
        HPDF_SetInfoAttr(p.doc, HPDF_INFO_AUTHOR, d->author);
    HPDF_SetInfoAttr(p.doc, HPDF_INFO_CREATOR, "fupan");
    info_date(&p, o->created != (time_t)-1 ? o->created : time(NULL));
    if (p.stray) {
        st = fp_fail(err, FP_ERR_INTERNAL, "the PDF renderer drew U+%04X without putting it in the font", p.stray);
        goto out;
    }
    if (p.herr) {
        st = fp_fail(err, FP_ERR_INTERNAL, "libharu error 0x%04X (detail %u) while drawing", (unsigned)p.herr,
                     (unsigned)p.hdetail);
        goto out;
    }
    if (HPDF_SaveToStream(p.doc) != HPDF_OK) {
        st = fp_fail(err, FP_ERR_INTERNAL, "libharu cannot write the PDF (error 0x%04X)", (unsigned)p.herr);
        goto out;
    }
    HPDF_UINT32 size = HPDF_GetStreamSize(p.doc);
    fp_buf_reserve(out, size);
    HPDF_ResetStream(p.doc);
    HPDF_UINT32 got = size;
    if (HPDF_ReadFromStream(p.doc, (HPDF_BYTE *)out->data + out->len, &got) != HPDF_OK && got != size) {
        st = fp_fail(err, FP_ERR_INTERNAL, "libharu cannot hand over the PDF");
        goto out;
    }
    out->len += got;
    out->data[out->len] = 0;
out:
    discard(&p);
    return st;
}
