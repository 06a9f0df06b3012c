/* cli.h — the command-line tool's commands. Each returns the process exit code. */
#ifndef FP_CLI_H
#define FP_CLI_H

#include "fupan.h"

int fp_cmd_metrics(int argc, char **argv);
int fp_cmd_render(int argc, char **argv);
int fp_cmd_check(int argc, char **argv);
int fp_cmd_batch(int argc, char **argv);
int fp_cmd_mail(int argc, char **argv);
int fp_cmd_push(int argc, char **argv);
int fp_cmd_serve(int argc, char **argv);

/* the data options several commands share */
typedef struct fp_cli_data {
    const char *data, *profile, *period, *as_of;
    fp_query q;
    int nscope, threads;
} fp_cli_data;

/* Takes a data option by long name; returns 0 when taken, -1 when the name is not a data option, or an
 * exit code (2) for a bad value. */
int fp_cli_data_opt(fp_cli_data *r, const char *cmd, const char *name, const char *arg);
/* Checks and completes the data options after parsing; 0 or an exit code. */
int fp_cli_data_check(fp_cli_data *r, const char *cmd);
/* Loads the profile and the data directory; 0 or an exit code (the message printed). */
int fp_cli_load(fp_cli_data *r, fp_profile **prof, fp_dataset **ds);
void fp_metrics_text(const fp_metrics *m, fp_buf *out);

/* A template by path, or by name from the shipped ones; 0 or an exit code (the message printed). A name that
 * implies a language (monthly-en) sets *lang when it is NULL (lang may be NULL). */
int fp_cli_template(const char *arg, char *out, size_t n, const char **lang, fp_error *err);
/* --lang zh|en: 0, or the usage exit code */
int fp_cli_lang(const char *cmd, const char *arg);
/* A timeout option's value: whole seconds from 1 to 3600 into *out (0), else the usage message's exit code. */
int fp_cli_seconds(const char *cmd, const char *opt, const char *arg, long *out);

/* Prints "fupan: message" to stderr and returns the exit code of the status. */
int fp_cli_fail(const fp_error *err);
/* Prints a usage error ("fupan CMD: message; see fupan CMD --help") and returns 2. */
int fp_cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes the buffer to stdout; returns 0, or 3 when stdout cannot be written. */
int fp_cli_write_stdout(const fp_buf *b);

#endif
