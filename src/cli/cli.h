/* cli.h — the command-line tool's commands. Each returns the process exit code. */
#ifndef FP_CLI_H
#define FP_CLI_H

#include "fupan.h"

int fp_cmd_metrics(int argc, char **argv);
void fp_metrics_text(const fp_metrics *m, fp_buf *out);

/* Prints "fupan: message" to stderr and returns the exit code of the status. */
int fp_cli_fail(const fp_error *err);
/* Prints a usage error ("fupan CMD: message; see fupan CMD --help") and returns 2. */
int fp_cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes the buffer to stdout; returns 0, or 3 when stdout cannot be written. */
int fp_cli_write_stdout(const fp_buf *b);

#endif
