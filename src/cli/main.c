/* main.c — `fupan COMMAND [OPTIONS]`: dispatches to the commands. Exit codes
 * are listed in docs/cli.md: 0 success, 1 the input is wrong, 2 the command
 * line is wrong, 3 a file could not be read or written, 70 an internal error. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char USAGE[] =
    "fupan — sales review reports (复盘) from CRM exports\n"
    "\n"
    "usage: fupan COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  metrics   compute the metrics of a team, region, rep or the company for a period\n"
    "  render    write the report of a template as PDF and HTML\n"
    "  check     check templates (and profiles) and report every problem with its line\n"
    "  batch     every team's (region's, rep's) report in one run, with an index and a manifest\n"
    "  mail      send the reports of a batch by e-mail (SMTP), safely: outbox, retries, no duplicates\n"
    "  push      push the reports of a batch to 企业微信, 钉钉 or 飞书 group robots, with the same guarantees\n"
    "  serve     the reports as a web portal: an index, each report live (it reloads as notes change), access\n"
    "\n"
    "Run 'fupan COMMAND --help' for the options of a command.\n"
    "  --help      show this help\n"
    "  --version   show the version\n";

int fp_cli_fail(const fp_error *err)
{
    fprintf(stderr, "fupan: %s\n", err->msg);
    return fp_exit_code(err->code);
}

int fp_cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fupan %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nsee 'fupan %s --help'\n", cmd);
    return 2;
}

int fp_cli_write_stdout(const fp_buf *b)
{
    size_t off = 0;
    while (off < b->len) {
        ssize_t w = write(STDOUT_FILENO, b->data + off, b->len - off);
        if (w < 0) {
            perror("fupan: cannot write the output");
            return 3;
        }
        off += (size_t)w;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(USAGE, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        if (argc > 2) {
            char *args[] = {argv[2], "--help", NULL};
            if (!strcmp(argv[2], "metrics"))
                return fp_cmd_metrics(2, args);
            if (!strcmp(argv[2], "render"))
                return fp_cmd_render(2, args);
            if (!strcmp(argv[2], "check"))
                return fp_cmd_check(2, args);
            if (!strcmp(argv[2], "batch"))
                return fp_cmd_batch(2, args);
            if (!strcmp(argv[2], "mail"))
                return fp_cmd_mail(2, args);
            if (!strcmp(argv[2], "push"))
                return fp_cmd_push(2, args);
            if (!strcmp(argv[2], "serve"))
                return fp_cmd_serve(2, args);
            fprintf(stderr, "fupan: no command \"%s\"; the commands are metrics, render, check, batch, mail, push and serve\n",
                    argv[2]);
            fputs(USAGE, stderr);
            return 2;
        }
        fputs(USAGE, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("fupan %s\n", FP_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "metrics"))
        return fp_cmd_metrics(argc - 1, argv + 1);
    if (!strcmp(cmd, "render"))
        return fp_cmd_render(argc - 1, argv + 1);
    if (!strcmp(cmd, "check"))
        return fp_cmd_check(argc - 1, argv + 1);
    if (!strcmp(cmd, "batch"))
        return fp_cmd_batch(argc - 1, argv + 1);
    if (!strcmp(cmd, "mail"))
        return fp_cmd_mail(argc - 1, argv + 1);
    if (!strcmp(cmd, "push"))
        return fp_cmd_push(argc - 1, argv + 1);
    if (!strcmp(cmd, "serve"))
        return fp_cmd_serve(argc - 1, argv + 1);
    fprintf(stderr, "fupan: unknown command \"%s\"\n\n%s", cmd, USAGE);
    return 2;
}
