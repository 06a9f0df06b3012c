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

#endif
