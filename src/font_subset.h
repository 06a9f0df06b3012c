/* font_subset.h — the fonts a document uses, and a TrueType font made for one document.
 *
 * A fontset is a fallback chain: the first font that has a character draws
 * it. fp_subset_make writes a new TrueType font holding exactly the
 * characters a document uses, every glyph a simple glyph (composites
 * flattened, glyphs from fallback fonts scaled to one unit size), so libharu
 * can embed it and keep every glyph. Each character gets a small code of its
 * own in that font, 0x21 up in character order (the space keeps 0x20): the
 * PDF's CIDs stay few (libharu's CIDToGIDMap and width array as long as the
 * document's character list) and characters outside the Basic Multilingual
 * Plane, which libharu's UTF-8 encoder cannot write, get codes like the rest.
 * The subset says which code to write for each character and which real
 * character it stands for, so the PDF's ToUnicode map can give the real text
 * back. Characters no font has are drawn as an empty box and listed, so the
 * caller can warn.
 */
#ifndef FP_FONT_SUBSET_H
#define FP_FONT_SUBSET_H

#include "error.h"
#include "font.h"
#include "util.h"

#include <stdatomic.h>

#define FP_MAX_FONTS 4

struct fp_glyph_rec;

typedef struct fp_fontset {
    fp_font *font[FP_MAX_FONTS];
    int n;
    /* per BMP code point, filled on first use (any thread): 0 unknown, else 1 + font << 16 | advance */
    _Atomic uint32_t *bmp;
    /* per BMP code point, the glyph as fp_subset_make writes it, made by the first document that uses the
     * character (any thread) and read by every later one: a batch of reports outlines each character once */
    struct fp_glyph_rec *_Atomic *glyph;
} fp_fontset;

/* Loads the fonts of a fontset: paths of TrueType files, "file.ttc:1" for face 1 of a collection. */
fp_status fp_fontset_load(const char *const *paths, int n, fp_fontset **out, fp_error *err);
void fp_fontset_free(fp_fontset *fs);
/* Which font draws cp (index into fs->font) and its glyph; false when none has it. */
bool fp_fontset_find(const fp_fontset *fs, uint32_t cp, int *font, uint16_t *gid);
/* Advance width of cp in thousandths of an em (the width of the missing-glyph box when no font has it). */
int fp_fontset_advance(fp_fontset *fs, uint32_t cp);
/* Where the ink of cp lies across its advance, x0 to x1 in thousandths of an em (punctuation adjustment needs
 * to know whether a mark sits in the left half, the middle or the right); false when no font has cp. */
bool fp_fontset_ink_x(const fp_fontset *fs, uint32_t cp, int *x0, int *x1);
/* Ascent and descent of the first font, in thousandths of an em. */
int fp_fontset_ascent(const fp_fontset *fs);
int fp_fontset_descent(const fp_fontset *fs);

typedef struct fp_subset {
    fp_buf ttf;          /* the TrueType file */
    size_t n;            /* characters in it */
    uint32_t *cp;        /* sorted code points */
    uint16_t *code;      /* the code to write for cp[i]: 0x20 for the space, else 0x21 up in character order
                          * (over the surrogates D800–DFFF); below 0xFFFE */
    uint32_t *slot;      /* hash table of cp: index into cp + 1, 0 empty (fp_subset_code) */
    unsigned bits;       /* slot has 1 << bits entries */
    uint32_t *missing;   /* code points no font has (drawn as a box) */
    size_t nmissing;
    char name[32];       /* its PostScript name */
} fp_subset;

/* Builds the font for the code points cps[0..n) (any order, duplicates allowed). */
fp_status fp_subset_make(const fp_fontset *fs, const uint32_t *cps, size_t n, fp_subset *out, fp_error *err);
void fp_subset_free(fp_subset *s);
/* The six capital letters that name this subset in a PDF (ABCDEF+FupanSans), derived from the font's bytes:
 * two different subsets get different tags, the same subset the same tag. */
void fp_subset_tag(const fp_subset *s, char tag[7]);
/* The code to write for cp, 0 when cp is not in the subset. */
uint16_t fp_subset_code(const fp_subset *s, uint32_t cp);

#endif
