/* fuzz target: the TrueType reader — load a font from memory, read metrics and outlines (composites
 * flattened) of the first glyphs and of a few characters. */
#include "font.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    fp_font *f = NULL;
    fp_error err = {0};
    if (fp_font_load_mem("fuzz.ttf", data, n, 0, &f, &err) != FP_OK)
        return 0;
    static const uint32_t cps[] = {'A', '0', 0x9500, 0x552E, 0x3002, 0xFF0C, 0x20BB7};
    for (size_t i = 0; i < sizeof cps / sizeof *cps; i++) {
        uint16_t g = fp_font_glyph(f, cps[i]);
        (void)fp_font_advance(f, g);
    }
    unsigned ng = fp_font_num_glyphs(f);
    for (unsigned g = 0; g < ng && g < 64; g++) {
        fp_outline o;
        fp_outline_init(&o);
        (void)fp_font_outline(f, (uint16_t)g, 1, 2, &o, &err);
        fp_outline_free(&o);
    }
    fp_font_free(f);
    return 0;
}
