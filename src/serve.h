/* serve.h — `fupan serve`: the reports as a local web portal, on libmicrohttpd.
 *
 *   /                      the index: every scope the user may see, for a period, with its headline figures
 *   /report?scope=&period= the report as the same self-contained HTML `render` writes, which reloads itself
 *                          (Server-Sent Events from /events) when its notes, template or data change
 *   /report.pdf, .xlsx     the same report as a download
 *   /metrics?scope=&period= `fupan metrics` JSON
 *
 * scope is company, region:NAME, team:NAME or rep:NAME; period as for the command line (2026-10, 2026-Q3,
 * 2026-W43, 2026); template (weekly, monthly … or a file) and lang (zh, en) are optional.
 *
 * The data is loaded once and loaded again when the export's files change (inotify): a request works on
 * one version from start to end; a reload that fails keeps the old data and shows its error on the index.
 * Without an access file the server listens only on 127.0.0.1; with one, every URL asks who is asking
 * (HTTP Basic with a PBKDF2-SHA256 password hash, or a bearer token kept as its SHA-256) and what they
 * may see, and answers 403 alike for a scope that is not theirs and one that does not exist.
 */
#ifndef FP_SERVE_H
#define FP_SERVE_H

#include "error.h"

#include <signal.h>
#include <stddef.h>

typedef struct fp_serve_opts {
    const char *data;        /* the export's folder */
    const char *profile;     /* a file, or NULL: DATA/profile.xml */
    const char *profile_rng; /* templates/profile.rng */
    const char *template_rng;
    const char *template;    /* a file, or NULL: the shipped one for the period's kind */
    const char *templates;   /* the folder of the shipped templates */
    const char *notes;       /* a folder of notes files, <scope>-<period>.md; may be NULL */
    const char *lang;        /* zh, en or NULL: the template's */
    const char *host;        /* 127.0.0.1 by default */
    int port;                /* 0: any free port (printed) */
    const char *access;      /* the access file; required to listen beyond this machine */
    size_t cache_bytes;      /* the render cache's bound */
    int threads;             /* for loading */
    volatile sig_atomic_t *stop; /* set by SIGTERM/SIGINT: finish the requests being served, then return */
    const char *date;        /* the report date (YYYY-MM-DD) */
} fp_serve_opts;

fp_status fp_serve_run(const fp_serve_opts *o, fp_error *err);

/* the password hash an access file holds: pbkdf2-sha256$ITERATIONS$SALT$HASH (Base64), from a fresh salt */
void fp_serve_hash_password(const char *password, char *out, size_t n);

#endif
