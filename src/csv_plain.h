/* csv_plain.h — the lines libcsv need not see: a record on one line with no quote in it.
 *
 * For such a line libcsv does nothing but cut the line at each delimiter and strip the blanks (space and
 * tab, less the delimiter itself) around each cell; a line of blanks alone is no record. Doing that here,
 * sixteen bytes at a time, gives the same cells as csv_parse (tests/test_csv_plain.c checks it against
 * libcsv on random lines) at a fraction of its cost, which is a loop over every byte with a callback for
 * each cell. Lines with a quote, a CR before the line end or a NUL, and the lines of a quoted cell that
 * runs on, still go to libcsv. */
#ifndef FP_CSV_PLAIN_H
#define FP_CSV_PLAIN_H

#include <stddef.h>
#include <stdint.h>

typedef struct fp_csv_cell {
    uint32_t off, len; /* from the start of the line, blanks around it stripped */
} fp_csv_cell;

/* The cells of the line s[0..n) (without its line end, n < 4 GB) cut at delim (none of '"', CR, LF, NUL,
 * space): their number, 0 for a line of blanks alone (no record), or -1 when the line is not plain (it
 * holds a '"', a CR or a NUL) or has more than max cells; then cells is left undefined. */
int fp_csv_plain_cut(const char *s, size_t n, char delim, fp_csv_cell *cells, int max);

#endif
