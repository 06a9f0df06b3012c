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
        /* a Private Use code stands for every character but the spaces, in character order (one cmap
         * segment: libharu's CIDToGIDMap lookups stay cheap) */
        if (cp == ' ' || cp == 0x3000)
            assert_int_equal(code, cp);
        else
            assert_true(code >= 0xE000 && code <= 0xF8FF);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_the_font_like_fonttools),
        cmocka_unit_test(composites_are_flattened),
        cmocka_unit_test(bad_fonts_are_errors),
        cmocka_unit_test(subset_holds_simple_glyphs_for_every_character),
        cmocka_unit_test(subset_is_valid_for_fonttools),
        cmocka_unit_test(empty_subset),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
