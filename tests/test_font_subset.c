/* Tests of the TrueType reader (font.c) and the per-document subsetter (font_subset.c), on the fonts
 * fupan ships. Expected numbers were read with fontTools (python3-fonttools), independently:
 *
 *   f = TTFont("fonts/wqy-microhei.ttc", fontNumber=0)      unitsPerEm 2048, 49531 glyphs
 *   销 uni9500 gid 20143 composite, advance 2048; 理 uni7406 gid 11701 composite
 *   DecomposingRecordingPen: 销 7 contours, bounds (80, -184, 1872, 1664); 理 6 contours
 *   A gid 36, 2 contours, advance 1245; ， gid 34429, 1 contour
 *   DroidSansFallbackFull.ttf: unitsPerEm 256, no Latin; 〘 (U+3018) is in Droid, not in Micro Hei
 */
#include "testutil.h"

#include "font.h"
#include "font_subset.h"

#include <pthread.h>

static fp_font *wqy;
static fp_fontset *fs;

static int setup(void **state)
{
    (void)state;
    char *a = tu_path("fonts/wqy-microhei.ttc"), *b = tu_path("fonts/DroidSansFallbackFull.ttf");
    fp_error e = {0};
    int rc = fp_font_load(a, 0, &wqy, &e) == FP_OK ? 0 : -1;
    char fa[1100];
    snprintf(fa, sizeof fa, "%s:0", a);
    const char *paths[] = {fa, b};
    if (rc == 0 && fp_fontset_load(paths, 2, &fs, &e) != FP_OK)
        rc = -1;
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
    fp_fontset_free(fs);
    return 0;
}

static void reads_the_font_like_fonttools(void **state)
{
    (void)state;
    assert_int_equal(fp_font_units_per_em(wqy), 2048);
    assert_int_equal(fp_font_num_glyphs(wqy), 49531);
    assert_int_equal(fp_font_glyph(wqy, 0x9500), 20143); /* 销 */
    assert_int_equal(fp_font_glyph(wqy, 'A'), 36);
    assert_int_equal(fp_font_glyph(wqy, 0xFF0C), 34429); /* ， */
    assert_int_equal(fp_font_glyph(wqy, 0x3018), 0);     /* 〘: not in this font */
    assert_int_equal(fp_font_advance(wqy, 36), 1245);
    assert_int_equal(fp_font_advance(wqy, 20143), 2048);
    assert_true(fp_font_is_composite(wqy, 20143));
    assert_true(fp_font_is_composite(wqy, fp_font_glyph(wqy, 0x7406))); /* 理 */
    assert_false(fp_font_is_composite(wqy, 36));
}

static void composites_are_flattened(void **state)
{
    (void)state;
    fp_error e = {0};
    fp_outline o;
    fp_outline_init(&o);
    assert_int_equal(fp_font_outline(wqy, 20143, 1, 1, &o, &e), FP_OK);
    assert_int_equal(o.ncontours, 7);
    assert_int_equal(o.xmin, 80);
    assert_int_equal(o.ymin, -184);
    assert_int_equal(o.xmax, 1872);
    assert_int_equal(o.ymax, 1664);
    fp_outline_free(&o);
    fp_outline_init(&o);
    assert_int_equal(fp_font_outline(wqy, fp_font_glyph(wqy, 0x7406), 1, 1, &o, &e), FP_OK);
    assert_int_equal(o.ncontours, 6);
    fp_outline_free(&o);
    /* scaled for another unit size: half */
    fp_outline_init(&o);
    assert_int_equal(fp_font_outline(wqy, 20143, 1, 2, &o, &e), FP_OK);
    assert_int_equal(o.xmax, 936);
    fp_outline_free(&o);
}

static void bad_fonts_are_errors(void **state)
{
    (void)state;
    fp_font *f = NULL;
    fp_error e = {0};
    assert_int_not_equal(fp_font_load("/nonexistent/font.ttf", 0, &f, &e), FP_OK);
    assert_contains(e.msg, "/nonexistent/font.ttf");
    static const char junk[] = "this is not a font at all, just some text long enough to look at";
    assert_int_not_equal(fp_font_load_mem("junk.ttf", junk, sizeof junk, 0, &f, &e), FP_OK);
    assert_contains(e.msg, "junk.ttf");
    /* a real font cut short, and a face a collection does not have */
    char *p = tu_path("fonts/DroidSansFallbackFull.ttf");
    char *data = tu_read(p);
    assert_non_null(data);
    for (size_t cut = 12; cut < 400000; cut = cut * 3 + 7) {
        fp_error e2 = {0};
        fp_font *g = NULL;
        if (fp_font_load_mem("cut.ttf", data, cut, 0, &g, &e2) == FP_OK) {
            /* whatever loads must still answer without reading out of bounds (ASan watches) */
            fp_outline o;
            fp_outline_init(&o);
            (void)fp_font_outline(g, fp_font_glyph(g, 0x4E00), 1, 1, &o, &e2);
            fp_outline_free(&o);
            fp_font_free(g);
        }
    }
    free(data);
    free(p);
    /* found by fuzz_font: a simple glyph with no contour (was a null-pointer offset, UBSan) */
    char *cp = tu_path("tests/fuzz/corpus/fuzz_font/crash-no-contours");
    struct stat st;
    assert_int_equal(stat(cp, &st), 0);
    char *cd = tu_read(cp);
    fp_font *g = NULL;
    if (fp_font_load_mem("crash.ttf", cd, (size_t)st.st_size, 0, &g, &e) == FP_OK) {
        for (unsigned k = 0; k < fp_font_num_glyphs(g) && k < 64; k++) {
            fp_outline o;
            fp_outline_init(&o);
            (void)fp_font_outline(g, (uint16_t)k, 1, 2, &o, &e);
            fp_outline_free(&o);
        }
        fp_font_free(g);
    }
    free(cd);
    free(cp);
    char *ttc = tu_path("fonts/wqy-microhei.ttc");
    assert_int_not_equal(fp_font_load(ttc, 7, &f, &e), FP_OK);
    free(ttc);
}

static void collect(const char *s, uint32_t *cps, size_t *n)
{
    while (*s)
        cps[(*n)++] = fp_utf8_next(&s);
}

static void subset_holds_simple_glyphs_for_every_character(void **state)
{
    (void)state;
    uint32_t cps[256];
    size_t n = 0;
    collect("销售管理总结 Sales 2026，。、；：？！（）《》“”〘〙𠮷𗀀", cps, &n);
    fp_subset s;
    fp_error e = {0};
    assert_int_equal(fp_subset_make(fs, cps, n, &s, &e), FP_OK);
    /* characters no font has are listed: 𠮷 and the Tangut 𗀀 */
    assert_int_equal(s.nmissing, 2);
    /* read the subset back with the same reader */
    fp_font *f = NULL;
    assert_int_equal(fp_font_load_mem("subset", s.ttf.data, s.ttf.len, 0, &f, &e), FP_OK);
    assert_int_equal(fp_font_units_per_em(f), 2048);
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = cps[i];
        uint16_t code = fp_subset_code(&s, cp);
        assert_int_not_equal(code, 0);
        /* the space keeps 0x20; every other character has a small code, 0x21 up in character order (one
         * cmap segment; libharu's CIDToGIDMap as long as the character list) */
        if (cp == ' ')
            assert_int_equal(code, 0x20);
        else
            assert_true(code >= 0x21 && code < 0x21 + s.n);
        for (size_t j = 0; j < n; j++)
            if (cps[j] < cp && cp != ' ' && cps[j] != ' ')
                assert_true(fp_subset_code(&s, cps[j]) < code);
        uint16_t gid = fp_font_glyph(f, code);
        if (cp == ' ')
            continue;
        assert_int_not_equal(gid, 0);
        assert_false(fp_font_is_composite(f, gid));
        fp_outline o;
        fp_outline_init(&o);
        assert_int_equal(fp_font_outline(f, gid, 1, 1, &o, &e), FP_OK);
        if (o.ncontours == 0)
            fail_msg("U+%04X has an empty glyph in the subset", cp);
        fp_outline_free(&o);
    }
    /* 销 keeps its shape and width; 〘 came from Droid (256 units) and was scaled to 2048 */
    fp_outline o;
    fp_outline_init(&o);
    assert_int_equal(fp_font_outline(f, fp_font_glyph(f, fp_subset_code(&s, 0x9500)), 1, 1, &o, &e), FP_OK);
    assert_int_equal(o.ncontours, 7);
    assert_int_equal(o.xmax, 1872);
    fp_outline_free(&o);
    assert_int_equal(fp_font_advance(f, fp_font_glyph(f, fp_subset_code(&s, 0x9500))), 2048);
    assert_int_equal(fp_font_advance(f, fp_font_glyph(f, fp_subset_code(&s, 'S'))), 1063); /* fontTools: 1063 */
    assert_int_equal(fp_font_advance(f, fp_font_glyph(f, fp_subset_code(&s, 0x3018))), 2048);
    /* codes follow the characters' order */
    assert_true(fp_subset_code(&s, 'S') < fp_subset_code(&s, 0x9500));
    /* small: a few dozen glyphs, not 5 MB */
    assert_true(s.ttf.len < 40000);
    fp_font_free(f);
    /* the same characters in another order: the same bytes */
    uint32_t rev[256];
    for (size_t i = 0; i < n; i++)
        rev[i] = cps[n - 1 - i];
    fp_subset s2;
    assert_int_equal(fp_subset_make(fs, rev, n, &s2, &e), FP_OK);
    assert_int_equal(s2.ttf.len, s.ttf.len);
    assert_memory_equal(s2.ttf.data, s.ttf.data, s.ttf.len);
    fp_subset_free(&s2);
    fp_subset_free(&s);
}

static void subset_is_valid_for_fonttools(void **state)
{
    (void)state;
    if (system("/usr/bin/python3 -c 'import fontTools' 2>/dev/null")) {
        skip(); /* an extra check where python3-fonttools is installed */
    }
    uint32_t cps[64];
    size_t n = 0;
    collect("月度总结：销售额同比增长 28.2%", cps, &n);
    fp_subset s;
    fp_error e = {0};
    assert_int_equal(fp_subset_make(fs, cps, n, &s, &e), FP_OK);
    char *dir = tu_tmpdir();
    tu_write(dir, "s.ttf", s.ttf.data, s.ttf.len);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"from fontTools.ttLib import TTFont; f=TTFont('%s/s.ttf'); g=f['glyf']; "
             "c=f.getBestCmap(); import sys; bad=[hex(k) for k,v in c.items() if k!=32 and "
             "(g[v].isComposite() or g[v].numberOfContours<=0)]; sys.exit(1 if bad else 0)\"",
             dir);
    assert_int_equal(system(cmd), 0);
    tu_rmrf(dir);
    free(dir);
    fp_subset_free(&s);
}

static void empty_subset(void **state)
{
    (void)state;
    fp_subset s;
    fp_error e = {0};
    assert_int_equal(fp_subset_make(fs, NULL, 0, &s, &e), FP_OK);
    assert_int_equal(s.n, 0);
    fp_font *f = NULL;
    assert_int_equal(fp_font_load_mem("empty", s.ttf.data, s.ttf.len, 0, &f, &e), FP_OK);
    fp_font_free(f);
    fp_subset_free(&s);
}

/* ---- the subset against its sources, glyph by glyph ---- */

static uint32_t file_checksum(const fp_buf *b)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 4 <= b->len; i += 4) {
        const unsigned char *q = (const unsigned char *)b->data + i;
        sum += (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
    }
    return sum;
}

/* "销" ... plus U+10400 (𐐀, in both fonts), U+1D30C (𝌌, Micro Hei only), U+20000 and U+17000 (in neither),
 * U+0378 (unassigned, in neither): checked with fontTools' getBestCmap() */
static const char mixed[] = "销售管理总结：Q3 销量 1,234 件，同比+5%。、；？！（）《》“”〘𐐀𝌌𠀀𗀀\xcd\xb8";

static void subset_glyphs_are_the_sources_glyphs(void **state)
{
    (void)state;
    uint32_t cps[128];
    size_t n = 0, uniq = 0;
    collect(mixed, cps, &n);
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < i && cps[k] != cps[i])
            k++;
        uniq += k == i;
    }
    fp_subset s;
    fp_error e = {0};
    assert_int_equal(fp_subset_make(fs, cps, n, &s, &e), FP_OK);
    assert_int_equal(s.n, uniq); /* each character once */
    assert_int_equal(file_checksum(&s.ttf), 0xB1B0AFBA); /* head.checkSumAdjustment is right */
    fp_font *f = NULL;
    assert_int_equal(fp_font_load_mem("subset", s.ttf.data, s.ttf.len, 0, &f, &e), FP_OK);
    assert_int_equal(fp_font_num_glyphs(f), s.n + 1); /* .notdef, then one glyph per character */
    assert_int_equal(s.nmissing, 3);
    assert_int_equal(s.missing[0], 0x378);
    assert_int_equal(s.missing[1], 0x17000);
    assert_int_equal(s.missing[2], 0x20000);
    for (size_t i = 0; i < s.n; i++) {
        uint32_t cp = s.cp[i];
        if (i)
            assert_true(cp > s.cp[i - 1]);
        assert_int_equal(s.code[i], fp_subset_code(&s, cp));
        if (cp != ' ')
            assert_int_equal(s.code[i], 0x21 + i - (s.cp[0] == ' ')); /* outside the BMP too */
        uint16_t g = fp_font_glyph(f, s.code[i]);
        assert_int_equal(g, i + 1);
        assert_false(fp_font_is_composite(f, g));
        fp_outline a, b;
        fp_outline_init(&a);
        fp_outline_init(&b);
        assert_int_equal(fp_font_outline(f, g, 1, 1, &b, &e), FP_OK);
        int fi;
        uint16_t sg;
        if (!fp_fontset_find(fs, cp, &fi, &sg)) {
            /* a hollow box (two contours of four points), 1 em wide for CJK, 0.6 em for the rest */
            assert_int_equal(b.ncontours, 2);
            assert_int_equal(b.npoints, 8);
            assert_int_equal(fp_font_advance(f, g), cp >= 0x2E80 ? 2048 : 600 * 2048 / 1000);
            assert_int_equal(fp_fontset_advance(fs, cp), cp >= 0x2E80 ? 1000 : 600);
        } else {
            /* the same points as the source glyph flattened and scaled to 2048 units, the same width */
            const fp_font *src = fs->font[fi];
            int fu = fp_font_units_per_em(src);
            assert_int_equal(fp_font_outline(src, sg, 2048, fu, &a, &e), FP_OK);
            if (a.npoints != b.npoints || a.ncontours != b.ncontours)
                fail_msg("U+%04X: %d points %d contours, the source %d and %d", cp, b.npoints, b.ncontours,
                         a.npoints, a.ncontours);
            for (int k = 0; k < a.npoints; k++)
                if (a.x[k] != b.x[k] || a.y[k] != b.y[k] || a.on[k] != b.on[k])
                    fail_msg("U+%04X point %d: (%d,%d) in the subset, (%d,%d) in the source", cp, k, b.x[k],
                             b.y[k], a.x[k], a.y[k]);
            for (int c = 0; c < a.ncontours; c++)
                assert_int_equal(a.end[c], b.end[c]);
            assert_true(cp == ' ' || b.ncontours > 0);
            assert_int_equal(fp_font_advance(f, g), (fp_font_advance(src, sg) * 2048 + fu / 2) / fu);
        }
        fp_outline_free(&a);
        fp_outline_free(&b);
    }
    assert_int_equal(fp_subset_code(&s, 'Z'), 0); /* not in the text */
    fp_font_free(f);
    fp_subset_free(&s);
}

static void fonttools_reads_every_table(void **state)
{
    (void)state;
    if (system("/usr/bin/python3 -c 'import fontTools' 2>/dev/null"))
        skip();
    uint32_t cps[128];
    size_t n = 0;
    collect(mixed, cps, &n);
    fp_subset s;
    fp_error e = {0};
    assert_int_equal(fp_subset_make(fs, cps, n, &s, &e), FP_OK);
    char *dir = tu_tmpdir();
    tu_write(dir, "s.ttf", s.ttf.data, s.ttf.len);
    /* checkChecksums=2: a wrong table checksum is an error; every table decompiled; per character the
     * glyph is simple with contours (but the space), its stored box is its real box, its width as given */
    tu_writes(dir, "check.py",
              "import sys\n"
              "from fontTools.ttLib import TTFont\n"
              "f = TTFont(sys.argv[1], checkChecksums=2)\n"
              "for t in list(f.keys()): f[t]\n"
              "glyf, cmap = f['glyf'], f.getBestCmap()\n"
              "assert f['maxp'].numGlyphs == len(f.getGlyphOrder()) == int(sys.argv[2])\n"
              "for arg in sys.argv[3:]:\n"
              "    code, adv, space = (int(x, 16) for x in arg.split(':'))\n"
              "    g = glyf[cmap[code]]\n"
              "    assert not g.isComposite() and (space or g.numberOfContours > 0), hex(code)\n"
              "    assert f['hmtx'][cmap[code]][0] == adv, (hex(code), f['hmtx'][cmap[code]][0], adv)\n"
              "    if not space:\n"
              "        b = (g.xMin, g.yMin, g.xMax, g.yMax)\n"
              "        g.recalcBounds(glyf)\n"
              "        assert b == (g.xMin, g.yMin, g.xMax, g.yMax), hex(code)\n");
    char cmd[8192];
    int at = snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/check.py %s/s.ttf %zu", dir, dir, s.n + 1);
    for (size_t i = 0; i < s.n; i++) {
        int fi;
        uint16_t g;
        int adv = fp_fontset_find(fs, s.cp[i], &fi, &g)
                      ? (fp_font_advance(fs->font[fi], g) * 2048 + fp_font_units_per_em(fs->font[fi]) / 2) /
                            fp_font_units_per_em(fs->font[fi])
                      : (s.cp[i] >= 0x2E80 ? 2048 : 1228);
        at += snprintf(cmd + at, sizeof cmd - (size_t)at, " %x:%x:%d", s.code[i], adv, s.cp[i] == ' ');
    }
    assert_true((size_t)at < sizeof cmd);
    assert_int_equal(system(cmd), 0);
    tu_rmrf(dir);
    free(dir);
    fp_subset_free(&s);
}

static void every_character_gets_a_small_code(void **state)
{
    (void)state;
    /* Private Use characters of the text's own and characters outside the BMP (libharu's UTF-8 encoder cannot
     * write those) get codes like the rest: 0x21 up, in character order */
    const uint32_t cps[] = {0x9500, 'A', 0xE000, 0xF8FF, 0x10400, 0x1D30C, 0x20000};
    fp_subset s;
    fp_error e = {0};
    assert_int_equal(fp_subset_make(fs, cps, 7, &s, &e), FP_OK);
    assert_int_equal(fp_subset_code(&s, 'A'), 0x21);
    assert_int_equal(fp_subset_code(&s, 0x9500), 0x22);
    assert_int_equal(fp_subset_code(&s, 0xE000), 0x23);
    assert_int_equal(fp_subset_code(&s, 0xF8FF), 0x24);
    assert_int_equal(fp_subset_code(&s, 0x10400), 0x25);
    assert_int_equal(fp_subset_code(&s, 0x1D30C), 0x26);
    assert_int_equal(fp_subset_code(&s, 0x20000), 0x27);
    assert_int_equal(fp_subset_code(&s, 0x9501), 0); /* not in the subset */
    assert_int_equal(s.nmissing, 3); /* U+E000, U+F8FF, U+20000 */
    fp_font *f = NULL;
    assert_int_equal(fp_font_load_mem("subset", s.ttf.data, s.ttf.len, 0, &f, &e), FP_OK);
    for (size_t i = 0; i < s.n; i++)
        assert_int_equal(fp_font_glyph(f, s.code[i]), i + 1);
    /* 𐐀 drawn with Micro Hei's glyph (1304 units wide), not Droid's */
    assert_int_equal(fp_font_advance(f, fp_font_glyph(f, 0x25)), 1304);
    fp_font_free(f);
    fp_subset_free(&s);
}

static void duplicates_zeros_and_limits(void **state)
{
    (void)state;
    const uint32_t once[] = {' ', '1', 0x9500, 0x3018};
    const uint32_t dup[] = {0x3018, 0, '1', 0x9500, ' ', 0x9500, 0, '1', 0x3018};
    fp_subset a, b;
    fp_error e = {0};
    assert_int_equal(fp_subset_make(fs, once, 4, &a, &e), FP_OK);
    assert_int_equal(fp_subset_make(fs, dup, 9, &b, &e), FP_OK);
    assert_int_equal(b.n, 4); /* U+0000 is no character */
    assert_int_equal(a.ttf.len, b.ttf.len);
    assert_memory_equal(a.ttf.data, b.ttf.data, a.ttf.len);
    fp_subset_free(&a);
    fp_subset_free(&b);
    /* the empty subset: just .notdef, a valid file */
    assert_int_equal(fp_subset_make(fs, NULL, 0, &a, &e), FP_OK);
    assert_int_equal(a.nmissing, 0);
    assert_int_equal(file_checksum(&a.ttf), 0xB1B0AFBA);
    fp_font *f = NULL;
    assert_int_equal(fp_font_load_mem("empty", a.ttf.data, a.ttf.len, 0, &f, &e), FP_OK);
    assert_int_equal(fp_font_num_glyphs(f), 1);
    fp_font_free(f);
    fp_subset_free(&a);
    /* more characters than one font holds (fp_subset_free after a failure: fp_subset_make does not always
     * free what it made, see the report) */
    uint32_t *many = malloc(60001 * sizeof *many);
    for (uint32_t i = 0; i < 60001; i++)
        many[i] = 0x20000 + i;
    assert_int_equal(fp_subset_make(fs, many, 60001, &a, &e), FP_ERR_INPUT);
    assert_contains(e.msg, "60001 different characters");
    fp_subset_free(&a);
    /* the most a font holds: the codes step over the surrogates (D800–DFFF: no UTF-8 for them) and end
     * below 0xFFFE, where libharu's map needs one code more */
    assert_int_equal(fp_subset_make(fs, many, 60000, &a, &e), FP_OK);
    assert_int_equal(a.code[0xD7FF - 0x21], 0xD7FF);
    assert_int_equal(a.code[0xD7FF - 0x21 + 1], 0xE000);
    assert_true(a.code[59999] < 0xFFFE);
    assert_int_equal(a.nmissing, 60000); /* U+20000 up: in no font of the set */
    fp_subset_free(&a);
    free(many);
}

static void fontsets(void **state)
{
    (void)state;
    /* widths in thousandths of an em: A 1245/2048, the space 532/2048, 𐐀 1304/2048, boxes */
    assert_int_equal(fp_fontset_advance(fs, 'A'), 608);
    assert_int_equal(fp_fontset_advance(fs, 'A'), 608); /* cached, the same */
    assert_int_equal(fp_fontset_advance(fs, 0x3018), 1000); /* Droid: 256 of 256 */
    assert_int_equal(fp_fontset_advance(fs, ' '), 260);
    assert_int_equal(fp_fontset_advance(fs, 0x10400), 637);
    assert_int_equal(fp_fontset_advance(fs, 0x17000), 1000);
    assert_int_equal(fp_fontset_ascent(fs), 937);  /* 1918/2048 */
    assert_int_equal(fp_fontset_descent(fs), -236); /* -483/2048 */
    int fi = -1;
    uint16_t g = 0;
    assert_true(fp_fontset_find(fs, 0x3018, &fi, &g));
    assert_int_equal(fi, 1);
    assert_int_equal(g, 101);
    assert_false(fp_fontset_find(fs, 0x20000, &fi, &g));
    /* "file.ttc:1" is the second face; a missing file, no font or too many are errors */
    char *ttc = tu_path("fonts/wqy-microhei.ttc"), face1[1100];
    snprintf(face1, sizeof face1, "%s:1", ttc);
    const char *paths[] = {face1, face1, face1, face1, face1};
    fp_fontset *set = NULL;
    fp_error e = {0};
    assert_int_equal(fp_fontset_load(paths, 1, &set, &e), FP_OK);
    assert_string_equal(fp_font_name(set->font[0]), "WenQuanYiMicroHeiMono");
    fp_fontset_free(set);
    const char *bad[] = {face1, "/nonexistent/x.ttf"};
    assert_int_equal(fp_fontset_load(bad, 2, &set, &e), FP_ERR_NOTFOUND);
    assert_null(set);
    assert_contains(e.msg, "/nonexistent/x.ttf");
    assert_int_not_equal(fp_fontset_load(paths, 5, &set, &e), FP_OK);
    assert_int_not_equal(fp_fontset_load(paths, 0, &set, &e), FP_OK);
    assert_null(set);
    free(ttc);
}

/* The fontset keeps each character's glyph once made (a batch outlines a character once): a subset made
 * from the cache is the same font, byte for byte, as one made from scratch, and so are subsets made by
 * several threads at once from a fontset none of them has filled yet. */
static fp_fontset *fresh_fontset(void)
{
    char *a = tu_path("fonts/wqy-microhei.ttc"), *b = tu_path("fonts/DroidSansFallbackFull.ttf");
    char fa[1100];
    snprintf(fa, sizeof fa, "%s:0", a);
    const char *paths[] = {fa, b};
    fp_error e = {0};
    fp_fontset *set = NULL;
    assert_int_equal(fp_fontset_load(paths, 2, &set, &e), FP_OK);
    free(a);
    free(b);
    return set;
}

static const char *texts[4] = {"销售管理总结：本月销售额 544.67 万元，环比▼-4.4%", "华东一组 王浩然 目标达成率 95.5%〘〙",
                               mixed, "销售额前十的产品 工业手持机 H8 热敏纸 80mm（箱）𠮷"};

typedef struct made {
    fp_fontset *set;
    const char *text;
    fp_subset sub;
    fp_status st;
} made;

static void *make_one(void *arg)
{
    made *m = arg;
    uint32_t cps[256];
    size_t n = 0;
    collect(m->text, cps, &n);
    fp_error e = {0};
    m->st = fp_subset_make(m->set, cps, n, &m->sub, &e);
    return NULL;
}

static void cached_glyphs_make_the_same_font(void **state)
{
    (void)state;
    fp_fontset *cold = fresh_fontset(), *shared = fresh_fontset();
    made first[4], again[4], par[4];
    for (int i = 0; i < 4; i++) {
        first[i] = (made){.set = cold, .text = texts[i]};
        make_one(&first[i]); /* glyphs made, some of them from an earlier text's */
        assert_int_equal(first[i].st, FP_OK);
    }
    for (int i = 0; i < 4; i++) {
        again[i] = (made){.set = cold, .text = texts[i]};
        make_one(&again[i]); /* every glyph from the cache */
        assert_int_equal(again[i].st, FP_OK);
        assert_int_equal(again[i].sub.ttf.len, first[i].sub.ttf.len);
        assert_memory_equal(again[i].sub.ttf.data, first[i].sub.ttf.data, first[i].sub.ttf.len);
    }
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        par[i] = (made){.set = shared, .text = texts[i]};
        assert_int_equal(pthread_create(&th[i], NULL, make_one, &par[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(par[i].st, FP_OK);
        assert_int_equal(par[i].sub.ttf.len, first[i].sub.ttf.len);
        assert_memory_equal(par[i].sub.ttf.data, first[i].sub.ttf.data, first[i].sub.ttf.len);
        assert_int_equal(par[i].sub.nmissing, first[i].sub.nmissing);
    }
    for (int i = 0; i < 4; i++) {
        fp_subset_free(&first[i].sub);
        fp_subset_free(&again[i].sub);
        fp_subset_free(&par[i].sub);
    }
    fp_fontset_free(cold);
    fp_fontset_free(shared);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_the_font_like_fonttools),
        cmocka_unit_test(composites_are_flattened),
        cmocka_unit_test(bad_fonts_are_errors),
        cmocka_unit_test(subset_holds_simple_glyphs_for_every_character),
        cmocka_unit_test(subset_is_valid_for_fonttools),
        cmocka_unit_test(empty_subset),
        cmocka_unit_test(subset_glyphs_are_the_sources_glyphs),
        cmocka_unit_test(fonttools_reads_every_table),
        cmocka_unit_test(every_character_gets_a_small_code),
        cmocka_unit_test(duplicates_zeros_and_limits),
        cmocka_unit_test(fontsets),
        cmocka_unit_test(cached_glyphs_make_the_same_font),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
