/* csv_plain.c — cutting a line with no quote at its delimiters, as libcsv would (see csv_plain.h). */
#include "csv_plain.h"

#include <stdbool.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static inline bool blank(char c, char delim)
{
    return (c == ' ' || c == '\t') && c != delim;
}

int fp_csv_plain_cut(const char *s, size_t n, char delim, fp_csv_cell *cells, int max)
{
    if (max < 1)
        return -1;
    /* first where each cell ends (the delimiters), while looking for the bytes that need libcsv */
    int nd = 0;
    size_t i = 0;
#ifdef __SSE2__
    const __m128i q = _mm_set1_epi8('"'), cr = _mm_set1_epi8('\r'), nul = _mm_setzero_si128(),
                  dl = _mm_set1_epi8(delim);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i bad = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, cr)), _mm_cmpeq_epi8(v, nul));
        if (_mm_movemask_epi8(bad))
            return -1;
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, dl));
        while (m) {
            if (nd == max - 1)
                return -1;
            cells[nd++].off = (uint32_t)(i + (unsigned)__builtin_ctz(m)); /* for now: where cell nd ends */
            m &= m - 1;
        }
    }
#endif
    for (; i < n; i++) {
        char c = s[i];
        if (c == '"' || c == '\r' || c == 0)
            return -1;
        if (c == delim) {
            if (nd == max - 1)
                return -1;
            cells[nd++].off = (uint32_t)i;
        }
    }
    cells[nd].off = (uint32_t)n;
    /* then each cell's bounds, blanks stripped */
    size_t start = 0;
    for (int k = 0; k <= nd; k++) {
        size_t a = start, b = cells[k].off;
        start = b + 1;
        while (a < b && blank(s[a], delim))
            a++;
        while (b > a && blank(s[b - 1], delim))
            b--;
        cells[k].off = (uint32_t)a;
        cells[k].len = (uint32_t)(b - a);
    }
    /* a line of blanks alone is no record */
    return nd == 0 && cells[0].len == 0 ? 0 : nd + 1;
}
