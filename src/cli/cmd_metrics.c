/* cmd_metrics.c — `fupan metrics`: load a data directory, compute one scope and period, print JSON or text. */
#include "cli.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char HELP[] =
    "usage: fupan metrics --data DIR --period P [--team NAME | --region NAME | --rep NAME]\n"
    "                     [--profile FILE|NAME] [--as-of DATE] [--format json|text] [--threads N]\n"
    "\n"
    "Computes the metrics of the company, a region, a team or a rep for a period.\n"
    "\n"
    "  --data DIR        the folder with the CSV export\n"
    "  --profile FILE    how its files and columns map onto fupan's tables (default DIR/profile.xml);\n"
    "                    a name picks a shipped profile: --profile crm-export\n"
    "  --period P        2026-W43 (ISO week), 2026-10 (month), 2026-Q4 (quarter) or 2026 (year)\n"
    "  --team NAME       one team; --region NAME one region; --rep NAME one rep; none: the company\n"
    "  --as-of DATE      the last day counted, for a period still in progress (default: today)\n"
    "  --format F        json (default; the contract in docs/metrics.md) or text\n"
    "  --threads N       threads for loading (default: the number of processors)\n"
    "  --help            this help\n"
    "\n"
    "Exit codes: 0 ok, 1 bad data or unknown name, 2 bad command line, 3 cannot read or write.\n";

int fp_cmd_metrics(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},   {"profile", required_argument, 0, 'p'},
        {"period", required_argument, 0, 'P'}, {"team", required_argument, 0, 't'},
        {"region", required_argument, 0, 'r'}, {"rep", required_argument, 0, 'e'},
        {"as-of", required_argument, 0, 'a'},  {"format", required_argument, 0, 'f'},
        {"threads", required_argument, 0, 'j'}, {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},      {0, 0, 0, 0}};
    const char *data = NULL, *profile = NULL, *period = NULL, *as_of = NULL, *format = "json";
    fp_query q = {.scope = FP_SCOPE_COMPANY};
    int nscope = 0, threads = fp_ncpus();
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'p':
            profile = optarg;
            break;
        case 'P':
            period = optarg;
            break;
        case 't':
            q.scope = FP_SCOPE_TEAM;
            q.name = optarg;
            nscope++;
            break;
        case 'r':
            q.scope = FP_SCOPE_REGION;
            q.name = optarg;
            nscope++;
            break;
        case 'e':
            q.scope = FP_SCOPE_REP;
            q.name = optarg;
            nscope++;
            break;
        case 'a':
            as_of = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'j':
            threads = atoi(optarg);
            if (threads < 1 || threads > 256)
                return fp_cli_usage("metrics", "--threads wants a number from 1 to 256, not \"%s\"", optarg);
            break;
        case 'h':
            fputs(HELP, stdout);
            return 0;
        case 'V':
            printf("fupan %s\n", FP_VERSION);
            return 0;
        case ':':
            return fp_cli_usage("metrics", "%s needs a value", argv[optind - 1]);
        default:
            return fp_cli_usage("metrics", "unknown option \"%s\"", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return fp_cli_usage("metrics", "unexpected argument \"%s\"", argv[optind]);
    if (!data)
        return fp_cli_usage("metrics", "--data DIR is required: the folder with the CSV export");
    if (!period)
        return fp_cli_usage("metrics", "--period is required (2026-10, 2026-Q4, 2026-W43 or 2026)");
    if (nscope > 1)
        return fp_cli_usage("metrics", "give at most one of --team, --region and --rep");
    if (strcmp(format, "json") && strcmp(format, "text"))
        return fp_cli_usage("metrics", "--format is json or text, not \"%s\"", format);

    fp_error err = {0};
    if (fp_period_parse(period, &q.period, &err) != FP_OK)
        return fp_cli_usage("metrics", "%s", err.msg);
    q.as_of = fp_date_today();
    if (as_of && !fp_date_parse(as_of, strlen(as_of), &q.as_of))
        return fp_cli_usage("metrics", "--as-of wants a date like 2026-10-31, not \"%s\"", as_of);

    char profile_path[PATH_MAX], schema[PATH_MAX];
    if (profile) {
        if (fp_profile_path(profile, profile_path, sizeof profile_path, &err) != FP_OK)
            return fp_cli_fail(&err);
    } else {
        snprintf(profile_path, sizeof profile_path, "%s/profile.xml", data);
    }
    if (fp_datafile("profile.rng", schema, sizeof schema, &err) != FP_OK)
        return fp_cli_fail(&err);
    fp_profile *prof = NULL;
    if (fp_profile_load(profile_path, schema, &prof, &err) != FP_OK) {
        if (!profile && err.code == FP_ERR_NOTFOUND)
            fp_fail(&err, FP_ERR_NOTFOUND,
                    "%s has no profile.xml; say how its files map with --profile FILE, or --profile crm-export "
                    "for the layout gen-crm-export writes",
                    data);
        return fp_cli_fail(&err);
    }
    fp_dataset *ds = NULL;
    fp_metrics *m = NULL;
    int rc = 0;
    if (fp_dataset_load(data, prof, threads, &ds, &err) != FP_OK || fp_metrics_compute(ds, &q, &m, &err) != FP_OK) {
        rc = fp_cli_fail(&err);
    } else {
        fp_buf out;
        fp_buf_init(&out);
        if (!strcmp(format, "json")) {
            fp_value *v = fp_metrics_value(m);
            fp_json_write(v, 2, &out);
            fp_v_free(v);
        } else {
            fp_metrics_text(m, &out);
        }
        rc = fp_cli_write_stdout(&out);
        fp_buf_free(&out);
    }
    fp_metrics_free(m);
    fp_dataset_free(ds);
    fp_profile_free(prof);
    return rc;
}
