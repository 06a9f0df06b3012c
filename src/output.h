/* output.h — writing reports safely.
 *
 * File names come from team, region and rep names, which come from the data:
 * fp_safe_name turns any of them into one file name that cannot leave the
 * output folder (no "/", no "..", no control characters, none of the names
 * Windows reserves such as CON). fp_write_atomic writes to a temporary file in
 * the same folder, flushes it to disk, and renames it into place, so a failure
 * (a full disk, an interruption) never leaves a half-written report; the
 * temporary file is removed on any error.
 */
#ifndef FP_OUTPUT_H
#define FP_OUTPUT_H

#include "error.h"

#include <stddef.h>

/* At most 120 bytes of a file name from any text; never empty. */
void fp_safe_name(const char *in, char *out, size_t n);
/* Writes data to dir/name atomically. dir must exist. */
fp_status fp_write_atomic(const char *dir, const char *name, const void *data, size_t n, fp_error *err);
/* fp_write_atomic in two steps, for a writer that hands the waiting for the disk to another thread:
 * fp_write_temp writes the data to a temporary file in dir (removed again on an error); fp_commit flushes
 * it to disk and renames it into place (the temporary file removed on an error). */
typedef struct fp_pending {
    char tmp[4096], final[4096];
} fp_pending;
fp_status fp_write_temp(const char *dir, const char *name, const void *data, size_t n, fp_pending *pf,
                        fp_error *err);
fp_status fp_commit(const fp_pending *pf, fp_error *err);
/* A whole file, NUL-terminated (caller frees), its length in *n; NULL with a message naming it when it
 * cannot be read. */
char *fp_read_all(const char *path, size_t *n, fp_error *err);
/* A batch's manifest.json, read and parsed (caller frees *out); its "items" is an array. NOT_FOUND when it
 * cannot be read, INPUT (with the file in the message) when it is not a manifest. */
struct fp_value;
fp_status fp_manifest_read(const char *path, struct fp_value **out, fp_error *err);
/* Creates dir (and its parents) when missing. */
fp_status fp_make_dir(const char *dir, fp_error *err);

/* Removes the temporary files (.fupan-<pid>-…) that fp_write_atomic left in dir when its process died (killed
 * half-way); files of processes still alive are left. Returns how many it removed. */
size_t fp_sweep_temps(const char *dir);

#endif
