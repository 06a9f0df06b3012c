/* error.h — the one error type of fupan.
 *
 * Every fallible function returns an fp_status and, when it is not FP_OK,
 * fills the caller's fp_error with a message that names the file, the line,
 * the column and the text that was found. The command-line tool prints the
 * message and maps the status to an exit code (see docs/cli.md).
 */
#ifndef FP_ERROR_H
#define FP_ERROR_H

#include <stddef.h>

typedef enum fp_status {
    FP_OK = 0,
    FP_ERR_USAGE,    /* bad command line or option value                   exit 2 */
    FP_ERR_INPUT,    /* the user's data, profile or template is wrong     exit 1 */
    FP_ERR_NOTFOUND, /* a file, team, rep or region does not exist        exit 1 */
    FP_ERR_IO,       /* reading or writing failed (permissions, disk)      exit 3 */
    FP_ERR_INTERNAL  /* a bug in fupan                                     exit 70 */
} fp_status;

typedef struct fp_error {
    fp_status code;
    char msg[4096];
} fp_error;

/* Sets err (if not NULL) and returns code. printf-style message. */
fp_status fp_fail(fp_error *err, fp_status code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prepends "prefix: " to an error message already set. */
void fp_error_prefix(fp_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fp_error_clear(fp_error *err);
/* The process exit code for a status. */
int fp_exit_code(fp_status s);
const char *fp_status_name(fp_status s);

#endif
