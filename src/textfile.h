/* textfile.h — reading a text file of any supported encoding as UTF-8 lines.
 *
 * The file is read in 1 MB blocks, never whole, so a 200 MB export costs
 * little memory. The encoding is declared or detected: a byte-order mark
 * decides; without one, a first block that is valid UTF-8 means UTF-8 and
 * anything else means GB18030 (which contains GBK and GB2312, what Excel in
 * China saves). Non-UTF-8 input is converted with iconv; a byte sequence that
 * is invalid in the encoding is an error naming the line.
 *
 * In UTF-8 mode the bytes are passed through unchecked: the CSV loader checks
 * every distinct text value once, which is far cheaper than checking every
 * byte of every line (see csv_load.c).
 */
#ifndef FP_TEXTFILE_H
#define FP_TEXTFILE_H

#include "error.h"
#include "profile.h"

#include <stddef.h>
#include <stdint.h>

typedef struct fp_textfile fp_textfile;

/* Longest line accepted; longer ones are an error rather than unbounded memory. */
#define FP_MAX_LINE_BYTES (64u << 20)
/* the longest cell a CSV file may hold, however many lines it runs over */
#define FP_MAX_CELL_BYTES (1u << 20)

fp_status fp_textfile_open(const char *path, fp_encoding enc, fp_textfile **out, fp_error *err);
/* Opens the byte range [start, end) of a file whose encoding is already known (not FP_ENC_AUTO, not
 * UTF-16): the parallel loader gives each thread such a range, starting just after a newline. Line
 * numbers count from 1 at start. */
fp_status fp_textfile_open_range(const char *path, fp_encoding enc, uint64_t start, uint64_t end, fp_textfile **out,
                                 fp_error *err);
/* Bytes of the source consumed before the text of the first line: 3 for a UTF-8 byte-order mark. */
size_t fp_textfile_bom_bytes(const fp_textfile *f);
/* Opens an in-memory text (for tests and fuzzing); data is copied. */
fp_status fp_textfile_open_mem(const char *name, const void *data, size_t n, fp_encoding enc, fp_textfile **out,
                               fp_error *err);
/* Next line, including its '\n' (the last line may lack one). Returns 1 with *line borrowed until the
 * next call, 0 at the end of the file, -1 with err set. */
int fp_textfile_next(fp_textfile *f, const char **line, size_t *len, fp_error *err);
/* 1-based number of the line last returned. */
uint32_t fp_textfile_lineno(const fp_textfile *f);
/* The encoding read (after detection). */
fp_encoding fp_textfile_encoding(const fp_textfile *f);
/* Size of the file in bytes (as read from disk). */
uint64_t fp_textfile_size(const fp_textfile *f);
void fp_textfile_close(fp_textfile *f);

#endif
