/* Tests of the TrueType reader (font.c): faces of a collection, cmap formats 4 and 12, advance widths,
 * composite glyphs flattened, and damaged, hostile or missing files.
 *
 * The expected numbers come from fontTools (/usr/bin/python3, python3-fonttools), independently of
 * this reader:
 *   f = TTFont("fonts/wqy-microhei.ttc", fontNumber=0); cm = f.getBestCmap()
 *   gid = f.getGlyphID(cm[cp]); adv = f["hmtx"][f.getGlyphOrder()[gid]][0]
 *   coords, ends, flags = f["glyf"][name].getCoordinates(f["glyf"])   # composites flattened
 *   h = 0; for x, y in coords: h = (h * 31 + (x & 0xFFFF) * 65599 + (y & 0xFFFF)) & 0xFFFFFFFF
 * and the same for fonts/DroidSansFallbackFull.ttf. The synthetic font below was checked the same way.
 */
#include "testutil.h"

#include "font.h"
#include "util.h"

#include <fcntl.h>
#include <stdarg.h>

static fp_font *wqy, *droid;

static int setup(void **state)
{
    (void)state;
    char *a = tu_path("fonts/wqy-microhei.ttc"), *b = tu_path("fonts/DroidSansFallbackFull.ttf");
    fp_error e = {0};
    int rc = fp_font_load(a, 0, &wqy, &e) == FP_OK && fp_font_load(b, 0, &droid, &e) == FP_OK ? 0 : -1;
    if (rc)
        fprintf(stderr, "%s\n", e.msg);
    free(a);
    free(b);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    fp_font_free(wqy);
    fp_font_free(droid);
    return 0;
}

static void face_metrics(void **state)
{
    (void)state;
    assert_int_equal(fp_font_units_per_em(wqy), 2048);
    assert_int_equal(fp_font_num_glyphs(wqy), 49531);
    assert_int_equal(fp_font_ascent(wqy), 1918);
    assert_int_equal(fp_font_descent(wqy), -483);
    assert_int_equal(fp_font_line_gap(wqy), 0);
    assert_string_equal(fp_font_name(wqy), "WenQuanYiMicroHei");
    assert_int_equal(fp_font_units_per_em(droid), 256);
    assert_int_equal(fp_font_num_glyphs(droid), 49382);
    assert_int_equal(fp_font_ascent(droid), 267);
    assert_int_equal(fp_font_descent(droid), -68);
    assert_string_equal(fp_font_name(droid), "DroidSansFallback");
    /* raw tables: the face's head (magic number at 12), OS/2; unknown tags absent */
    uint32_t len = 0;
    const uint8_t *h = fp_font_table(wqy, "head", &len);
    assert_int_equal(len, 54);
    assert_int_equal((uint32_t)h[12] << 24 | (uint32_t)h[13] << 16 | h[14] << 8 | h[15], 0x5F0F3CF5);
    assert_non_null(fp_font_table(droid, "OS/2", &len));
    assert_int_equal(len, 96);
    assert_null(fp_font_table(wqy, "zzzz", &len));
    /* the second face of the collection: its own cmap (monospaced Latin), the shared CJK glyphs */
    char *p = tu_path("fonts/wqy-microhei.ttc");
    fp_font *mono = NULL;
    fp_error e = {0};
    assert_int_equal(fp_font_load(p, 1, &mono, &e), FP_OK);
    assert_string_equal(fp_font_name(mono), "WenQuanYiMicroHeiMono");
    assert_int_equal(fp_font_glyph(mono, 'A'), 48666);
    assert_int_equal(fp_font_advance(mono, 48666), 1229);
    assert_int_equal(fp_font_glyph(mono, 0x9500), 20143);
    fp_font_free(mono);
    free(p);
}

static void cmap_lookups(void **state)
{
    (void)state;
    static const struct {
        uint32_t cp;
        uint16_t wqy, droid;
    } t[] = {
        {'A', 36, 0},         {'z', 93, 0},         {'1', 20, 0},          {'9', 28, 0},
        {' ', 3, 2},          {0x9500, 20143, 25240}, {0x552E, 3805, 8902}, {0x7BA1, 13648, 18745},
        {0x7406, 11701, 16798}, {0x603B, 6634, 11731}, {0x7ED3, 14466, 19563}, {0xFF0C, 34429, 28334},
        {0x3002, 1439, 82},   {0x10400, 34584, 28486}, /* outside the BMP: cmap format 12 */
        {0x3018, 0, 101},     {0xE000, 0, 0},       {0x17000, 0, 0},       {0x20000, 0, 0},
        {0xFFFF, 0, 0},       {0x110000, 0, 0},     {0xFFFFFFFFu, 0, 0},   {0, 1, 1}, /* uni0000 */
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        if (fp_font_glyph(wqy, t[i].cp) != t[i].wqy || fp_font_glyph(droid, t[i].cp) != t[i].droid)
            fail_msg("U+%04X: glyphs %u and %u, expected %u and %u", t[i].cp, fp_font_glyph(wqy, t[i].cp),
                     fp_font_glyph(droid, t[i].cp), t[i].wqy, t[i].droid);
    }
}

static void advance_widths(void **state)
{
    (void)state;
    /* A, 1, space, 销, U+10400; past numberOfHMetrics (48634 and 28492) a glyph has the last advance */
    static const struct {
        int droid;
        uint16_t gid, adv;
    } t[] = {{0, 36, 1245}, {0, 20, 1128}, {0, 3, 532},     {0, 20143, 2048}, {0, 34584, 1304}, {0, 49000, 1229},
             {0, 49530, 1229}, {1, 2, 67}, {1, 25240, 256}, {1, 28486, 163},  {1, 40000, 256}};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        assert_int_equal(fp_font_advance(t[i].droid ? droid : wqy, t[i].gid), t[i].adv);
    /* every ideograph of 销售管理总结 is one em wide in both fonts */
    for (const char *s = "销售管理总结"; *s;) {
        uint32_t cp = fp_utf8_next(&s);
        assert_int_equal(fp_font_advance(wqy, fp_font_glyph(wqy, cp)), 2048);
        assert_int_equal(fp_font_advance(droid, fp_font_glyph(droid, cp)), 256);
    }
}

static uint32_t points_hash(const fp_outline *o)
{
    uint32_t h = 0;
    for (int i = 0; i < o->npoints; i++)
        h = h * 31u + ((uint32_t)o->x[i] & 0xFFFF) * 65599u + ((uint32_t)o->y[i] & 0xFFFF);
    return h;
}

/* contour ends strictly increasing, the last one the last point */
static void assert_well_formed(const fp_outline *o)
{
    assert_true(o->ncontours > 0);
    for (int c = 1; c < o->ncontours; c++)
        assert_true(o->end[c] > o->end[c - 1]);
    assert_int_equal(o->end[o->ncontours - 1], o->npoints - 1);
}

static void outlines_like_fonttools(void **state)
{
    (void)state;
    static const struct {
        int droid;
        uint32_t cp;
        bool comp;
        int pts, cont, on, x0, y0, x1, y1;
        uint32_t hash;
    } t[] = {
        {0, 0x9500, 1, 73, 7, 59, 80, -184, 1872, 1664, 0xffea8b70}, /* 销 */
        {0, 0x552E, 1, 57, 6, 52, 96, -184, 1904, 1672, 0xf8ba6200}, /* 售 */
        {0, 0x7BA1, 1, 67, 6, 56, 112, -184, 1936, 1672, 0xd36c10f0}, /* 管 */
        {0, 0x7406, 1, 59, 6, 56, 104, -120, 1944, 1568, 0x716b5968}, /* 理 */
        {0, 0x603B, 1, 58, 7, 39, 80, -144, 1960, 1664, 0x4bcce718}, /* 总 */
        {0, 0x7ED3, 1, 56, 5, 46, 104, -184, 1944, 1656, 0x8d336bf8}, /* 结 */
        {0, 'A', 0, 21, 2, 13, 0, 0, 1245, 1468, 0xad3fcfdb},
        {0, '0', 0, 40, 2, 8, 98, -20, 1032, 1485, 0x58da5822},
        {0, 0xFF0C, 0, 7, 1, 7, 336, -248, 664, 304, 0x211ffb48},  /* ， */
        {1, 0x9500, 1, 64, 7, 59, 10, -23, 234, 208, 0xd2cfcd7a},
        {1, 0x552E, 1, 54, 6, 52, 12, -23, 238, 209, 0x6cfcd197},
        {1, 0x7BA1, 1, 60, 6, 56, 14, -23, 242, 209, 0x2ffce9b9},
        {1, 0x7406, 1, 57, 6, 56, 13, -15, 243, 196, 0x891d5265},
        {1, 0x3018, 0, 16, 2, 16, 152, -26, 241, 211, 0xb2047025}, /* 〘 */
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        const fp_font *f = t[i].droid ? droid : wqy;
        uint16_t gid = fp_font_glyph(f, t[i].cp);
        assert_int_equal(fp_font_is_composite(f, gid), t[i].comp);
        fp_outline o;
        fp_outline_init(&o);
        fp_error e = {0};
        assert_int_equal(fp_font_outline(f, gid, 1, 1, &o, &e), FP_OK);
        int on = 0;
        for (int k = 0; k < o.npoints; k++)
            on += o.on[k];
        if (o.npoints != t[i].pts || o.ncontours != t[i].cont || on != t[i].on || o.xmin != t[i].x0 ||
            o.ymin != t[i].y0 || o.xmax != t[i].x1 || o.ymax != t[i].y1 || points_hash(&o) != t[i].hash)
            fail_msg("U+%04X (%s): %d points, %d contours, %d on, (%d %d %d %d), hash %#x", t[i].cp,
                     t[i].droid ? "Droid" : "Micro Hei", o.npoints, o.ncontours, on, o.xmin, o.ymin, o.xmax,
                     o.ymax, points_hash(&o));
        assert_well_formed(&o);
        fp_outline_free(&o);
    }
    /* the space has no outline: fine, nothing appended */
    fp_outline o;
    fp_error e = {0};
    fp_outline_init(&o);
    assert_int_equal(fp_font_outline(wqy, fp_font_glyph(wqy, ' '), 1, 1, &o, &e), FP_OK);
    assert_int_equal(o.npoints + o.ncontours, 0);
    fp_outline_free(&o);
}

static void scaling_and_appending(void **state)
{
    (void)state;
    fp_outline a, b;
    fp_error e = {0};
    fp_outline_init(&a);
    fp_outline_init(&b);
    /* Droid's 256 units to Micro Hei's 2048: exactly eight times every point */
    assert_int_equal(fp_font_outline(droid, 25240, 1, 1, &a, &e), FP_OK);
    assert_int_equal(fp_font_outline(droid, 25240, 2048, 256, &b, &e), FP_OK);
    assert_int_equal(a.npoints, b.npoints);
    for (int i = 0; i < a.npoints; i++) {
        assert_int_equal(b.x[i], 8 * a.x[i]);
        assert_int_equal(b.y[i], 8 * a.y[i]);
    }
    assert_int_equal(b.xmin, 80); /* Micro Hei's 销 has the same box */
    assert_int_equal(b.ymin, -184);
    fp_outline_free(&b);
    /* a second glyph is appended after the first: its contour ends shifted (〘's end at 7 and 15) */
    int n0 = a.npoints, c0 = a.ncontours;
    assert_int_equal(fp_font_outline(droid, 101, 1, 1, &a, &e), FP_OK);
    assert_int_equal(a.npoints, n0 + 16);
    assert_int_equal(a.end[c0], n0 + 7);
    assert_well_formed(&a);
    assert_int_equal(a.xmax, 241); /* the box of both */
    /* a glyph the font does not have: an error, and the outline as it was */
    assert_int_equal(fp_font_outline(droid, 49382, 1, 1, &a, &e), FP_ERR_INPUT);
    assert_contains(e.msg, "glyph outside the glyf table");
    assert_int_equal(a.npoints, n0 + 16);
    assert_int_equal(a.ncontours, c0 + 2);
    assert_false(fp_font_is_composite(droid, 49382));
    fp_outline_free(&a);
}

/* ---- a small synthetic font: transforms of composite glyphs, and hostile glyphs ---- */

static void w16(fp_buf *b, unsigned v)
{
    char c[2] = {(char)(v >> 8), (char)v};
    fp_buf_add(b, c, 2);
}

static void w32(fp_buf *b, uint32_t v)
{
    w16(b, v >> 16);
    w16(b, v & 0xFFFF);
}

static void words(fp_buf *b, int n, const int *v)
{
    for (int i = 0; i < n; i++)
        w16(b, (unsigned)v[i] & 0xFFFF);
}

/* n 16-bit words */
static void glyph(fp_buf *b, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        w16(b, (unsigned)va_arg(ap, int) & 0xFFFF);
    va_end(ap);
}

/* A font of upem 1000 with tables cmap (U+0041 + i - 1 to glyph i), glyf, head, hhea, hmtx, loca (long),
 * maxp 0.5. fontTools reads it (TTFont(path)['glyf']['B'].getCoordinates(...)). */
static void make_font(fp_buf *out, const fp_buf *g, int ng)
{
    static const char tags[7][5] = {"cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp"};
    fp_buf t[7];
    for (int i = 0; i < 7; i++)
        fp_buf_init(&t[i]);
    for (int i = 0; i < ng; i++) {
        w32(&t[5], (uint32_t)t[1].len);
        fp_buf_add(&t[1], g[i].data, g[i].len);
        while (t[1].len % 4)
            fp_buf_addc(&t[1], 0);
        words(&t[4], 2, (const int[]){1000, 0});
    }
    w32(&t[5], (uint32_t)t[1].len);
    words(&t[0], 22, (const int[]){0, 1, 3, 1, 0, 12, 4, 32, 0, 4, 4, 1, 0, 0x41 + ng - 2, 0xFFFF, 0, 0x41, 0xFFFF,
                                   1 - 0x41, 1, 0, 0});
    words(&t[2], 27, (const int[]){1, 0, 0, 0, 0, 0, 0x5F0F, 0x3CF5, 0, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                   0, 8, 2, 1, 0});
    words(&t[3], 18, (const int[]){1, 0, 800, -200, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ng});
    words(&t[6], 3, (const int[]){0, 0x5000, ng});
    fp_buf_init(out);
    words(out, 6, (const int[]){1, 0, 7, 64, 2, 48});
    uint32_t at = 12 + 7 * 16;
    for (int i = 0; i < 7; i++) {
        fp_buf_add(out, tags[i], 4);
        w32(out, 0);
        w32(out, at);
        w32(out, (uint32_t)t[i].len);
        at += (uint32_t)(t[i].len + 3) & ~3u;
    }
    for (int i = 0; i < 7; i++) {
        fp_buf_add(out, t[i].data, t[i].len);
        while (out->len % 4)
            fp_buf_addc(out, 0);
        fp_buf_free(&t[i]);
    }
}

enum { NG = 10 };

static fp_font *synthetic(void)
{
    fp_buf g[NG];
    for (int i = 0; i < NG; i++)
        fp_buf_init(&g[i]);
    /* 1: a triangle (0,0) (100,0) (0,200): on-curve points, coordinates as words */
    glyph(&g[1], 7, 1, 0, 0, 100, 200, 2, 0);
    fp_buf_add(&g[1], "\1\1\1", 3);
    glyph(&g[1], 6, 0, 100, -100, 0, 0, 200);
    /* composites (header -1, 0, 0, 0, 0), components as flags, glyph, arguments, transform:
     * 2: the triangle under a 2x2 matrix (x' = x/2 + y/4) moved by (10,20), then a triangle whose point 0
     *    meets the parent's point 2; 3: scaled by 1.5, the offset (10,20) scaled too */
    glyph(&g[2], 15, -1, 0, 0, 0, 0, 0x00A2, 1, 10 << 8 | 20, 0x2000, 0, 0x1000, 0x4000, 0x0000, 1, 2 << 8 | 0);
    glyph(&g[3], 9, -1, 0, 0, 0, 0, 0x080A, 1, 10 << 8 | 20, 0x6000);
    /* 4: itself; 5: a glyph the font does not have; 6: point matching a point that is not there;
     * 7: words of arguments announced, one word there */
    glyph(&g[4], 8, -1, 0, 0, 0, 0, 0x0002, 4, 0);
    glyph(&g[5], 8, -1, 0, 0, 0, 0, 0x0002, 200, 0);
    glyph(&g[6], 11, -1, 0, 0, 0, 0, 0x0022, 1, 0, 0x0000, 1, 7 << 8 | 0);
    glyph(&g[7], 8, -1, 0, 0, 0, 0, 0x0003, 1, 5);
    /* 8: six points and one flag byte; 9: contour ends out of order */
    glyph(&g[8], 7, 1, 0, 0, 9, 9, 5, 0);
    fp_buf_addc(&g[8], 1);
    glyph(&g[9], 9, 2, 0, 0, 9, 9, 5, 3, 0, 0x0101);
    fp_buf font;
    make_font(&font, g, NG);
    for (int i = 0; i < NG; i++)
        fp_buf_free(&g[i]);
    fp_font *f = NULL;
    fp_error e = {0};
    if (fp_font_load_mem("synthetic.ttf", font.data, font.len, 0, &f, &e) != FP_OK)
        fail_msg("%s", e.msg);
    if (getenv("FUPAN_TEST_KEEP_FONT")) /* to look at it with fontTools */
        tu_write(getenv("FUPAN_TEST_KEEP_FONT"), "synthetic.ttf", font.data, font.len);
    fp_buf_free(&font);
    return f;
}

static void composite_transforms(void **state)
{
    (void)state;
    fp_font *f = synthetic();
    assert_int_equal(fp_font_glyph(f, 'B'), 2);
    static const struct {
        uint16_t gid;
        int n, x[6], y[6];
    } t[] = {{2, 6, {10, 60, 60, 60, 160, 60}, {20, 20, 220, 220, 220, 420}}, /* fontTools: the same */
             {3, 3, {15, 165, 15}, {30, 30, 330}}};
    for (size_t i = 0; i < 2; i++) {
        fp_outline o;
        fp_error e = {0};
        fp_outline_init(&o);
        assert_true(fp_font_is_composite(f, t[i].gid));
        assert_int_equal(fp_font_outline(f, t[i].gid, 1, 1, &o, &e), FP_OK);
        assert_int_equal(o.npoints, t[i].n);
        assert_int_equal(o.ncontours, t[i].n / 3);
        for (int k = 0; k < t[i].n; k++) {
            assert_int_equal(o.x[k], t[i].x[k]);
            assert_int_equal(o.y[k], t[i].y[k]);
        }
        assert_well_formed(&o);
        fp_outline_free(&o);
    }
    fp_font_free(f);
}

static void hostile_glyphs_are_errors(void **state)
{
    (void)state;
    fp_font *f = synthetic();
    static const struct {
        uint16_t gid;
        const char *msg;
    } t[] = {{4, "nested too deep"}, {5, "outside the glyf table"}, {6, "point matching out of range"},
             {7, "composite glyph cut short"}, {8, "glyph flags cut short"}, {9, "contour ends out of order"},
             {NG, "outside the glyf table"}};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        fp_outline o;
        fp_error e = {0};
        fp_outline_init(&o);
        assert_int_equal(fp_font_outline(f, 1, 1, 1, &o, &e), FP_OK);
        assert_int_equal(fp_font_outline(f, t[i].gid, 1, 1, &o, &e), FP_ERR_INPUT);
        assert_contains(e.msg, "synthetic.ttf");
        assert_contains(e.msg, t[i].msg);
        /* what was there before stays, nothing half-appended */
        assert_int_equal(o.npoints, 3);
        assert_int_equal(o.ncontours, 1);
        assert_int_equal(o.end[0], 2);
        fp_outline_free(&o);
    }
    fp_font_free(f);
}

/* fp_font_load of bytes written to a file; returns the status, message in e */
static fp_status load_bytes(const char *dir, const void *data, size_t n, int face, fp_error *e)
{
    tu_write(dir, "f.ttf", data, n);
    char p[1100];
    snprintf(p, sizeof p, "%s/f.ttf", dir);
    fp_font *f = (fp_font *)1;
    fp_status s = fp_font_load(p, face, &f, e);
    if (s == FP_OK)
        fp_font_free(f);
    else
        assert_null(f);
    return s;
}

static void missing_unreadable_and_non_fonts(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    fp_error e = {0};
    fp_font *f = NULL;
    assert_int_equal(fp_font_load("/nonexistent/dir/x.ttf", 0, &f, &e), FP_ERR_NOTFOUND);
    assert_contains(e.msg, "/nonexistent/dir/x.ttf: cannot open the font");
    assert_int_equal(fp_font_load(dir, 0, &f, &e), FP_ERR_INPUT); /* a folder */
    assert_contains(e.msg, "not a regular file");
    char big[1100]; /* 65 MB, sparse: too big to be a font */
    snprintf(big, sizeof big, "%s/big.ttf", dir);
    int fd = open(big, O_CREAT | O_WRONLY, 0644);
    assert_true(fd >= 0 && ftruncate(fd, 65 << 20) == 0);
    close(fd);
    assert_int_equal(fp_font_load(big, 0, &f, &e), FP_ERR_INPUT);
    assert_contains(e.msg, "at most 64 MB");
    static const struct {
        const char *data, *msg;
        size_t n;
    } t[] = {
        {"", "too short", 0},
        {"name,sales\n华东,1200\nthis is a CSV file\n", "unknown sfnt version", 40},
        {"OTTO\0\x0a\0\x80\0\x03\0\x20", "CFF-flavoured OpenType", 12},
        {"ttcf\0\1\0\0\0\0\0\1\0\0\0\x10\0\0\0\0", "unknown sfnt version", 20}, /* face at 16: nothing */
        {"ttcf\0\1\0\0\0\0\0\0", "the collection has 0 fonts, there is no font 0", 12},
        {"\0\1\0\0\0\x40\0\0\0\0\0\0", "table directory cut short", 12}, /* 64 tables announced */
        {"\0\1\0\0\0\0\0\0\0\0\0\0", "no head table", 12},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        assert_int_equal(load_bytes(dir, t[i].data, t[i].n, 0, &e), FP_ERR_INPUT);
        assert_contains(e.msg, "f.ttf");
        assert_contains(e.msg, t[i].msg);
    }
    tu_rmrf(dir);
    free(dir);
}

static char *read_all(const char *rel, size_t *n)
{
    char *p = tu_path(rel);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    char *d = tu_read(p);
    assert_non_null(d);
    *n = (size_t)st.st_size;
    free(p);
    return d;
}

/* sets the 16-bit field at `at` of table `tag` of a plain TrueType file */
static void set16(uint8_t *c, const char *tag, uint32_t at, unsigned v)
{
    uint32_t ntables = (uint32_t)c[4] << 8 | c[5];
    for (uint32_t r = 12; r < 12 + 16 * ntables; r += 16)
        if (!memcmp(c + r, tag, 4)) {
            uint32_t off = (uint32_t)c[r + 8] << 24 | (uint32_t)c[r + 9] << 16 | (uint32_t)c[r + 10] << 8 | c[r + 11];
            c[off + at] = (uint8_t)(v >> 8);
            c[off + at + 1] = (uint8_t)v;
            return;
        }
    fail_msg("no %s table", tag);
}

static void truncated_files_and_faces(void **state)
{
    (void)state;
    size_t n;
    char *d = read_all("fonts/DroidSansFallbackFull.ttf", &n);
    char *dir = tu_tmpdir();
    fp_error e = {0};
    /* the directory is 316 bytes; glyf runs from 356736 to 3933121 */
    static const struct {
        size_t cut;
        const char *msg;
    } t[] = {{5, "too short"}, {11, "too short"}, {200, "table directory cut short"},
             {316, "a table lies outside the file"}, {100000, "a table lies outside the file"},
             {2000000, "a table lies outside the file"}, {3933000, "a table lies outside the file"}};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        assert_int_equal(load_bytes(dir, d, t[i].cut, 0, &e), FP_ERR_INPUT);
        assert_contains(e.msg, "f.ttf: not a usable TrueType font");
        assert_contains(e.msg, t[i].msg);
    }
    assert_int_equal(load_bytes(dir, d, n, 0, &e), FP_OK);
    assert_int_equal(load_bytes(dir, d, n, 1, &e), FP_ERR_INPUT);
    assert_contains(e.msg, "not a font collection, so there is no font 1");
    char *ttc = tu_path("fonts/wqy-microhei.ttc");
    fp_font *f = NULL;
    assert_int_equal(fp_font_load(ttc, 2, &f, &e), FP_ERR_INPUT);
    assert_contains(e.msg, "the collection has 2 fonts, there is no font 2");
    assert_int_equal(fp_font_load(ttc, -1, &f, &e), FP_ERR_INPUT);
    assert_null(f);
    free(ttc);
    /* damaged tables, in memory: a 16-bit field of a table (two for the cmap's two encoding records) */
    static const struct {
        const char *tag;
        uint32_t at, at2, v;
        const char *msg;
    } dmg[] = {{"head", 18, 0, 0, "units per em out of range"}, {"head", 18, 0, 20000, "units per em out of range"},
               {"hhea", 34, 0, 0, "glyph counts"},              {"maxp", 4, 0, 0, "glyph counts"},
               {"maxp", 4, 0, 60000, "loca too short"},         {"cmap", 4, 12, 1, "no Unicode cmap"}};
    for (size_t i = 0; i < sizeof dmg / sizeof *dmg; i++) {
        uint8_t *c = malloc(n);
        memcpy(c, d, n);
        set16(c, dmg[i].tag, dmg[i].at, dmg[i].v);
        if (dmg[i].at2)
            set16(c, dmg[i].tag, dmg[i].at2, dmg[i].v);
        assert_int_equal(fp_font_load_mem("damaged.ttf", c, n, 0, &f, &e), FP_ERR_INPUT);
        assert_contains(e.msg, "damaged.ttf");
        assert_contains(e.msg, dmg[i].msg);
        free(c);
    }
    tu_rmrf(dir);
    free(dir);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(face_metrics),
        cmocka_unit_test(cmap_lookups),
        cmocka_unit_test(advance_widths),
        cmocka_unit_test(outlines_like_fonttools),
        cmocka_unit_test(scaling_and_appending),
        cmocka_unit_test(composite_transforms),
        cmocka_unit_test(hostile_glyphs_are_errors),
        cmocka_unit_test(missing_unreadable_and_non_fonts),
        cmocka_unit_test(truncated_files_and_faces),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
