/* font.h — reading TrueType fonts: character to glyph, advance widths, and
 * glyph outlines with composite glyphs flattened into simple ones.
 *
 * A font (a .ttf, or one face of a .ttc collection) is read into memory once
 * and then only read, so one loaded font serves any number of threads. Every
 * offset and count in the file is checked before it is used: a damaged or
 * hostile font is an error, never a crash.
 */
#ifndef FP_FONT_H
#define FP_FONT_H

#include "error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fp_font fp_font;

/* Loads face `face` (0 for a plain .ttf) of the font file at path. Caller frees with fp_font_free. */
fp_status fp_font_load(const char *path, int face, fp_font **out, fp_error *err);
/* The same from memory (copied). name is used in messages. */
fp_status fp_font_load_mem(const char *name, const void *data, size_t n, int face, fp_font **out, fp_error *err);
void fp_font_free(fp_font *f);

/* Glyph of a Unicode code point; 0 (.notdef) when the font has none. */
uint16_t fp_font_glyph(const fp_font *f, uint32_t cp);
/* Advance width of a glyph, in font units. */
uint16_t fp_font_advance(const fp_font *f, uint16_t gid);
uint16_t fp_font_units_per_em(const fp_font *f);
uint16_t fp_font_num_glyphs(const fp_font *f);
/* hhea metrics in font units: ascent (positive), descent (negative), line gap. */
int fp_font_ascent(const fp_font *f);
int fp_font_descent(const fp_font *f);
int fp_font_line_gap(const fp_font *f);
/* The PostScript name (name id 6), or the file name. */
const char *fp_font_name(const fp_font *f);
/* A raw table (tag such as "OS/2"), borrowed; NULL when absent. */
const uint8_t *fp_font_table(const fp_font *f, const char *tag, uint32_t *len);

/* A glyph outline: contours of quadratic B-spline points. */
typedef struct fp_outline {
    int npoints, ncontours;
    int32_t *x, *y;       /* font units */
    uint8_t *on;          /* 1: on-curve point */
    uint16_t *end;        /* last point index of each contour */
    int32_t xmin, ymin, xmax, ymax;
    int cap_points, cap_contours;
    int visits;           /* glyphs read for the current fp_font_outline call (bounded) */
} fp_outline;

void fp_outline_init(fp_outline *o);
void fp_outline_free(fp_outline *o);
/* The outline of gid, composites flattened (their components transformed and merged), appended to o
 * after scaling by num/den (to move glyphs between fonts with different units per em). */
fp_status fp_font_outline(const fp_font *f, uint16_t gid, int32_t num, int32_t den, fp_outline *o, fp_error *err);
/* True when the glyph is a composite in the font file. */
bool fp_font_is_composite(const fp_font *f, uint16_t gid);

#endif
