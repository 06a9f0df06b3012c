/* cmd_metrics.c — `fupan metrics`: load a data directory, compute one scope and period, print JSON or text. */
#include "cli.h"

#include <getopt.h>
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
        {"data", required_argument, 0, 'L'},   {"profile", required_argument, 0, 'L'},
        {"period", required_argument, 0, 'L'}, {"team", required_argument, 0, 'L'},
        {"region", required_argument, 0, 'L'}, {"rep", required_argument, 0, 'L'},
        {"as-of", required_argument, 0, 'L'},  {"threads", required_argument, 0, 'L'},
        {"format", required_argument, 0, 'f'}, {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},      {0, 0, 0, 0}};
    fp_cli_data r = {.q = {.scope = FP_SCOPE_COMPANY}};
    const char *format = "json";
    optind = 1;
    opterr = 0;
    int c, li = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, &li)) != -1) {
        switch (c) {
        case 'L': {
            int rc = fp_cli_data_opt(&r, "metrics", opts[li].name, optarg);
            if (rc)
                return rc;
            break;
        }
        case 'f':
            format = optarg;
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
    int rc = fp_cli_data_check(&r, "metrics");
    if (rc)
        return rc;
    if (strcmp(format, "json") && strcmp(format, "text"))
        return fp_cli_usage("metrics", "--format is json or text, not \"%s\"", format);
    fp_profile *prof;
    fp_dataset *ds;
    if ((rc = fp_cli_load(&r, &prof, &ds)) != 0) {
        fp_dataset_free(ds);
        fp_profile_free(prof);
        return rc;
    }
    fp_error err = {0};
    fp_metrics *m = NULL;
    fp_timer tm;
    fp_timer_start(&tm);
    if (fp_metrics_compute(ds, &r.q, &m, &err) != FP_OK) {
        rc = fp_cli_fail(&err);
    } else {
        fp_timer_lap(&tm, "metrics");
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
        fp_timer_lap(&tm, "write");
        fp_buf warn;
        fp_buf_init(&warn);
        fp_query_warnings(ds, &r.q, &warn);
        if (warn.len)
            fputs(warn.data, stderr);
        fp_buf_free(&warn);
    }
    fp_metrics_free(m);
    fp_dataset_free(ds);
    fp_profile_free(prof);
    return rc;
}
