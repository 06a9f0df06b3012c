/* cmd_check.c — `fupan check FILE…`: every problem of templates (and profiles) with its line. */
#include "cli.h"

#include "template.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char HELP[] =
    "usage: fupan check FILE…\n"
    "\n"
    "Checks report templates (and data profiles) without rendering anything: unknown elements and\n"
    "attributes, expressions that do not parse, names that are not metrics, unknown formats. Every\n"
    "problem is printed as FILE:LINE: message, with what to write instead.\n"
    "\n"
    "Exit codes: 0 every file is fine, 1 a file has problems, 2 bad command line.\n";

static bool is_profile(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return strstr(buf, "<profile") != NULL && strstr(buf, "<report") == NULL;
}

static bool file_has(const char *path, const char *what)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    static const size_t cap = 1u << 20;
    char *buf = malloc(cap + 1);
    size_t n = buf ? fread(buf, 1, cap, f) : 0;
    fclose(f);
    bool has = false;
    if (buf) {
        buf[n] = 0;
        has = strstr(buf, what) != NULL;
        free(buf);
    }
    return has;
}

int fp_cmd_check(int argc, char **argv)
{
    if (argc < 2)
        return fp_cli_usage("check", "give one or more template files");
    int bad = 0, files = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(HELP, stdout);
            return 0;
        }
        if (argv[i][0] == '-' && argv[i][1])
            return fp_cli_usage("check", "unknown option \"%s\"", argv[i]);
    }
    for (int i = 1; i < argc; i++) {
        fp_error err = {0};
        char schema[PATH_MAX];
        files++;
        if (is_profile(argv[i])) {
            fp_profile *p;
            if (fp_datafile("profile.rng", schema, sizeof schema, &err) != FP_OK ||
                fp_profile_load(argv[i], schema, &p, &err) != FP_OK) {
                fprintf(stderr, "%s\n", err.msg);
                bad++;
                continue;
            }
            fp_profile_free(p);
        } else {
            if (fp_datafile("template.rng", schema, sizeof schema, &err) != FP_OK) {
                fprintf(stderr, "%s\n", err.msg);
                return 1;
            }
            /* every problem, however many (a render stops listing at 50); a template whose libraries depend on
             * the language (<include src="lib/{lang}.xml"/>) is checked in each */
            bool both = file_has(argv[i], "{lang}");
            const char *langs[] = {both ? "zh" : NULL, "en"};
            int fails = 0;
            for (int l = 0; l < (both ? 2 : 1); l++) {
                char *problems = NULL;
                if (fp_template_check_file(argv[i], schema, langs[l], &problems) != FP_OK) {
                    if (both)
                        fprintf(stderr, "%s: with --lang %s:\n", argv[i], langs[l]);
                    fprintf(stderr, "%s\n", problems);
                    fails++;
                }
                free(problems);
            }
            if (fails) {
                bad++;
                continue;
            }
        }
        printf("%s: ok\n", argv[i]);
    }
    return bad ? 1 : 0;
}
