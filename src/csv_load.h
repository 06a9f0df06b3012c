/* csv_load.h — one CSV file into one typed, columnar table, with libcsv.
 *
 * The header row is matched against the profile's header spellings; the
 * file's columns may come in any order, extra ones are ignored, optional
 * ones may be missing. Each cell is parsed into its column's type as it is
 * read, so the file is parsed exactly once and never held in memory whole.
 *
 * Errors name the file, the line, the column (number and header) and the
 * text found: unreadable values, ragged rows, unterminated or malformed
 * quotes, invalid bytes, missing required columns or values, an empty file.
 * Rows whose cells are all empty (Excel leaves them at the end) are skipped.
 */
#ifndef FP_CSV_LOAD_H
#define FP_CSV_LOAD_H

#include "dict.h"
#include "error.h"
#include "profile.h"
#include "table.h"
#include "textfile.h"

/* Loads the file at path into t (initialised with fp_table_init for the right spec), interning text
 * into dicts (one per domain). On error t is left empty. */
fp_status fp_csv_load(const char *path, const fp_profile_table *pt, fp_dict *const *dicts, fp_table *t,
                      fp_error *err);
/* The same from an open text file (which it does not close); name is used in messages. */
fp_status fp_csv_load_text(fp_textfile *tf, const char *name, const fp_profile_table *pt, fp_dict *const *dicts,
                           fp_table *t, fp_error *err);

/* A loader of another file format (fp_xlsx_load): the same contract as fp_csv_load. */
typedef fp_status (*fp_table_loader)(const char *path, const fp_profile_table *pt, fp_dict *const *dicts,
                                     fp_table *t, fp_error *err);

/* One table to load: the file, its profile mapping, and the table (initialised with fp_table_init). */
typedef struct fp_csv_request {
    const char *path;
    const fp_profile_table *pt;
    fp_table *t;
} fp_csv_request;

/* Loads several files on nthreads threads, splitting files of chunk_min bytes or more (0: 8 MB) into
 * one chunk per thread. The result — every row, every dictionary id, every message — is the same as
 * loading them one after the other with fp_csv_load, in the order given. On an error, the message is
 * the one the first failing file in that order gives. */
fp_status fp_csv_load_all(const fp_csv_request *req, int nreq, fp_dict *const *dicts, int nthreads, size_t chunk_min,
                          fp_error *err);
/* The same where some files are of another format: load[i] (NULL for a CSV file) reads file i whole, on
 * one thread, beside the others; ids and messages are still those of loading the files in order. */
fp_status fp_tables_load_all(const fp_csv_request *req, const fp_table_loader *load, int nreq,
                             fp_dict *const *dicts, int nthreads, size_t chunk_min, fp_error *err);

/* ---- a row sink: this loader's cell path, for files of other formats --------------------------
 *
 * A reader of another format (xlsx_load.c) hands over rows of cells and gets exactly what a CSV file
 * with those cells gives: the header matched on the first row that is not empty, each cell typed,
 * interned and checked, required columns and values enforced, rows of empty cells skipped, and the
 * same messages (the line is the number given to fp_rowsink_begin). */
typedef struct fp_rowsink fp_rowsink;

/* Starts loading into t (initialised with fp_table_init for the right spec); name is used in messages;
 * rows_hint sizes the columns (0: unknown). */
fp_rowsink *fp_rowsink_new(const char *name, const fp_profile_table *pt, fp_dict *const *dicts, fp_table *t,
                           size_t rows_hint, fp_error *err);
/* Starts a row: line is its number in messages. */
void fp_rowsink_begin(fp_rowsink *s, uint32_t line);
/* The cell in column col (0-based; columns strictly increasing within a row, a cell out of order is
 * ignored) holds text[0..n). mark is the decimal mark its numbers use ('.' for a number the format
 * stores as such), 0 for the profile's. A column without a cell in the row is an empty cell. */
void fp_rowsink_cell(fp_rowsink *s, int col, const char *text, size_t n, char mark);
/* Keyed cells: the text of key k is always the same (a workbook's shared string k), so a text column
 * remembers the id k's text got and a repeated key costs an array read. Keys are below nkeys. */
void fp_rowsink_keys(fp_rowsink *s, uint32_t nkeys);
void fp_rowsink_cell_keyed(fp_rowsink *s, int col, uint32_t key, const char *text, size_t n);
/* Ends the row. Returns false once there is an error (then err is set and nothing more is read). */
bool fp_rowsink_end(fp_rowsink *s);
/* Once the header is read: the type (fp_coltype) of the canonical column that file column col maps
 * to, or -1 when it maps to none (or before the header). */
int fp_rowsink_coltype(const fp_rowsink *s, int col);
/* The header row has been read. */
bool fp_rowsink_has_header(const fp_rowsink *s);
/* Ends the table and frees s: FP_OK with t filled, or the error (t left empty). ok false: the reader
 * failed (err set by it). A table without a header row is an error. */
fp_status fp_rowsink_finish(fp_rowsink *s, bool ok);

#endif
