/* paths.h — where fupan's own files are: templates, schemas, profiles, fonts.
 *
 * Looked up in order: $FUPAN_DATADIR; the folder of the executable, when it
 * holds templates/ (running from a source tree); ../share/fupan next to the
 * executable's folder (an installed copy, wherever PREFIX and DESTDIR put
 * it); the directory compiled in at build time (PREFIX/share/fupan).
 */
#ifndef FP_PATHS_H
#define FP_PATHS_H

#include "error.h"

#include <stddef.h>

/* Writes the data directory into out. */
fp_status fp_datadir(char *out, size_t n, fp_error *err);
/* the fonts folder: $FUPAN_FONTDIR, else DATADIR/fonts (installed), else DATADIR/../fonts (source tree) */
fp_status fp_fontdir(char *out, size_t n, fp_error *err);
/* out = datadir/rel. */
fp_status fp_datafile(const char *rel, char *out, size_t n, fp_error *err);
/* Resolves --profile: an existing file, or the name of a shipped profile (crm-export). */
fp_status fp_profile_path(const char *arg, char *out, size_t n, fp_error *err);

#endif
