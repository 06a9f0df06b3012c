/* theme.h — the report's colours and chart styling, in one place.
 *
 * The PDF renderer, the HTML style sheet and the charts all take their
 * colours from here, so a "bad" figure is the same red in a KPI card, a table
 * cell and a bar. The series palette is Okabe & Ito's, which stays
 * distinguishable for the common kinds of colour blindness; the tone colours
 * are dark enough for text on white (WCAG AA).
 */
#ifndef FP_THEME_H
#define FP_THEME_H

#include "doc.h"

#include <stdint.h>

/* colours as 0xRRGGBB */
enum {
    FP_C_INK = 0x1f2933,     /* text */
    FP_C_MUTED = 0x6b7785,   /* secondary text, axes labels */
    FP_C_LINE = 0xd9dee4,    /* rules, grid lines */
    FP_C_SOFT = 0xf4f6f8,    /* header rows, panels */
    FP_C_ZEBRA = 0xfafbfc,   /* every other table row */
    FP_C_ACCENT = 0x1f5fa8,  /* section numbers, rules under the cover */
    FP_C_GOOD = 0x1a7f37,
    FP_C_WARN = 0xa15c00,
    FP_C_BAD = 0xc42b1c,
    FP_C_GOOD_BG = 0xe8f5ec,
    FP_C_WARN_BG = 0xfdf3e1,
    FP_C_BAD_BG = 0xfdecea,
    FP_C_WHITE = 0xffffff,
};

/* chart series colours, in order (Okabe–Ito, without the yellow that vanishes on white) */
#define FP_PALETTE_N 7
static const uint32_t FP_PALETTE[FP_PALETTE_N] = {0x0072b2, 0xe69f00, 0x009e73, 0xcc79a7,
                                                  0x56b4e9, 0xd55e00, 0x7f7f7f};

/* the colour of a tone; dflt for FP_TONE_NONE */
static inline uint32_t fp_tone_color(fp_tone t, uint32_t dflt)
{
    switch (t) {
    case FP_TONE_NONE:
        return dflt;
    case FP_TONE_GOOD:
        return FP_C_GOOD;
    case FP_TONE_WARN:
        return FP_C_WARN;
    case FP_TONE_BAD:
        return FP_C_BAD;
    case FP_TONE_MUTED:
        return FP_C_MUTED;
    case FP_TONE_ACCENT:
        return FP_C_ACCENT;
    }
    return dflt;
}

/* chart geometry, in points */
#define FP_CHART_FONT 7.5       /* tick and data labels */
#define FP_CHART_FONT_SMALL 6.5 /* crowded labels */
#define FP_CHART_LINE 1.6       /* series lines */
#define FP_CHART_GRID 0.5       /* grid lines */
#define FP_CHART_AXIS 0.8       /* the zero line, axes */

#endif
