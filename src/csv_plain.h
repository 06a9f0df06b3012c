/* csv_plain.h — the lines libcsv need not see: a record on one line with no quote in it.
 *
 * For such a line libcsv does nothing but cut the line at each delimiter and strip the blanks (space and
 * tab, less the delimiter itself) around each cell; a line of blanks alone is no record. Doing that here,
 * with memchr, gives the same cells as csv_parse (tests/test_csv_plain.c checks it against libcsv on
 * random lines) at a fraction of its cost, which is a loop over every byte with a callback for each. Lines
 * with a quote, a bare CR or a NUL, and the lines of a quoted cell that runs on, still go to libcsv. */
#ifndef FP_CSV_PLAIN_H
#define FP_CSV_PLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline bool fp_csv_plain_blank(char c, char delim)
{
    return (c == ' ' || c == '\t') && c != delim;
}

/* Calls field(cell, length, ud) for each cell of the line s[0..n) (without its line end), as csv_parse
 * would; returns false, calling nothing, for a line of blanks alone. The line must hold no '"', CR or
 * NUL; delim is none of those, nor LF or a space. */
static inline bool fp_csv_split_plain(const char *s, size_t n, char delim, void (*field)(void *, size_t, void *),
                                      void *ud)
{
    const char *p = s, *end = s + n;
    while (p < end && fp_csv_plain_blank(*p, delim))
        p++;
    if (p == end)
        return false;
    for (;;) {
        const char *q = memchr(p, delim, (size_t)(end - p));
        const char *b = q ? q : end;
        while (p < b && fp_csv_plain_blank(*p, delim))
            p++;
        while (b > p && fp_csv_plain_blank(b[-1], delim))
            b--;
        field((void *)(uintptr_t)p, (size_t)(b - p), ud);
        if (!q)
            return true;
        p = q + 1;
    }
}

#endif
