/* common.c — what the commands that read a data directory share: the data options
 * (--data --profile --period --team --region --rep --as-of --threads), loading, and computing. */
#include "cli.h"

#include <limits.h>
#include <stdio.h>
#include <errno.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

int fp_cli_data_opt(fp_cli_data *r, const char *cmd, const char *name, const char *arg)
{
    if (!strcmp(name, "data"))
        r->data = arg;
    else if (!strcmp(name, "profile"))
        r->profile = arg;
    else if (!strcmp(name, "period"))
        r->period = arg;
    else if (!strcmp(name, "as-of"))
        r->as_of = arg;
    else if (!strcmp(name, "team") || !strcmp(name, "region") || !strcmp(name, "rep")) {
        r->q.scope = name[0] == 't' ? FP_SCOPE_TEAM : name[1] == 'e' && name[2] == 'g' ? FP_SCOPE_REGION : FP_SCOPE_REP;
        r->q.name = arg;
        r->nscope++;
    } else if (!strcmp(name, "threads")) {
        r->threads = atoi(arg);
        if (r->threads < 1 || r->threads > 256)
            return fp_cli_usage(cmd, "--threads wants a number from 1 to 256, not \"%s\"", arg);
    } else {
        return -1;
    }
    return 0;
}

int fp_cli_data_check(fp_cli_data *r, const char *cmd)
{
    if (!r->data)
        return fp_cli_usage(cmd, "--data DIR is required: the folder with the CSV export");
    if (!r->period)
        return fp_cli_usage(cmd, "--period is required (2026-10, 2026-Q4, 2026-W43 or 2026)");
    if (r->nscope > 1)
        return fp_cli_usage(cmd, "give at most one of --team, --region and --rep");
    fp_error err = {0};
    if (fp_period_parse(r->period, &r->q.period, &err) != FP_OK)
        return fp_cli_usage(cmd, "%s", err.msg);
    r->q.as_of = fp_date_today();
    if (r->as_of && !fp_date_parse(r->as_of, strlen(r->as_of), &r->q.as_of))
        return fp_cli_usage(cmd, "--as-of wants a date like 2026-10-31, not \"%s\"", r->as_of);
    return 0;
}

int fp_cli_load(fp_cli_data *r, fp_profile **prof, fp_dataset **ds)
{
    fp_error err = {0};
    char profile_path[PATH_MAX], schema[PATH_MAX];
    *prof = NULL;
    *ds = NULL;
    /* the folder first: "no such folder" says more than "no profile.xml in it" */
    struct stat st;
    if (stat(r->data, &st) != 0) {
        fp_fail(&err, FP_ERR_NOTFOUND, "--data %s: no such folder (%s)", r->data, strerror(errno));
        return fp_cli_fail(&err);
    }
    if (!S_ISDIR(st.st_mode)) {
        fp_fail(&err, FP_ERR_INPUT, "--data %s: not a folder; --data names the folder that holds the export's files",
                r->data);
        return fp_cli_fail(&err);
    }
    if (r->profile) {
        if (fp_profile_path(r->profile, profile_path, sizeof profile_path, &err) != FP_OK)
            return fp_cli_fail(&err);
    } else {
        snprintf(profile_path, sizeof profile_path, "%s/profile.xml", r->data);
    }
    if (fp_datafile("profile.rng", schema, sizeof schema, &err) != FP_OK)
        return fp_cli_fail(&err);
    if (fp_profile_load(profile_path, schema, prof, &err) != FP_OK) {
        if (!r->profile && err.code == FP_ERR_NOTFOUND)
            fp_fail(&err, FP_ERR_NOTFOUND,
                    "%s has no profile.xml; say how its files map with --profile FILE, or --profile crm-export "
                    "for the layout gen-crm-export writes",
                    r->data);
        return fp_cli_fail(&err);
    }
    if (fp_dataset_load(r->data, *prof, r->threads > 0 ? r->threads : fp_ncpus(), ds, &err) != FP_OK)
        return fp_cli_fail(&err);
    return 0;
}

/* the shipped templates by name: the file, and the language a name implies */
static const struct {
    const char *name, *file, *lang;
} SHIPPED[] = {{"weekly", "weekly", NULL},        {"monthly", "review", NULL},
               {"quarterly", "review", NULL},     {"annual", "review", NULL},
               {"review", "review", NULL},        {"monthly-en", "review", "en"},
               {"retrospective", "retrospective", NULL}, {"self-review", "self-review", NULL},
               {"rollup", "rollup", NULL}};

/* template by path, or by name from the shipped ones */
int fp_cli_template(const char *arg, char *out, size_t n, const char **lang, fp_error *err)
{
    FILE *f = fopen(arg, "rb");
    if (f) {
        fclose(f);
        snprintf(out, n, "%s", arg);
        return 0;
    }
    if (!strchr(arg, '/')) {
        char rel[PATH_MAX];
        const char *dot = strrchr(arg, '.');
        const char *name = arg;
        size_t len = dot && !strcmp(dot, ".xml") ? (size_t)(dot - arg) : strlen(arg);
        for (size_t i = 0; i < sizeof SHIPPED / sizeof *SHIPPED; i++)
            if (strlen(SHIPPED[i].name) == len && !strncmp(SHIPPED[i].name, arg, len)) {
                name = SHIPPED[i].file;
                len = strlen(name);
                if (lang && !*lang)
                    *lang = SHIPPED[i].lang; /* monthly-en: the review in English, unless --lang says */
            }
        snprintf(rel, sizeof rel, "%.*s.xml", (int)len, name);
        if (fp_datafile(rel, out, n, NULL) == FP_OK && (f = fopen(out, "rb")) != NULL) {
            fclose(f);
            return 0;
        }
    }
    fp_fail(err, FP_ERR_NOTFOUND,
            "%s: no such template file, and no shipped template of that name (shipped: weekly, monthly, quarterly, "
            "annual, retrospective, self-review, rollup; each in Chinese or, with --lang en, English)",
            arg);
    return fp_cli_fail(err);
}

int fp_cli_seconds(const char *cmd, const char *opt, const char *arg, long *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (!*arg || *end || v < 1 || v > 3600)
        return fp_cli_usage(cmd, "%s wants seconds from 1 to 3600, not \"%s\"", opt, arg);
    *out = v;
    return 0;
}

int fp_cli_lang(const char *cmd, const char *arg)
{
    if (strcmp(arg, "zh") && strcmp(arg, "en"))
        return fp_cli_usage(cmd, "--lang is zh or en, not \"%s\"", arg);
    return 0;
}
