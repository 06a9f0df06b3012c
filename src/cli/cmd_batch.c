/* cmd_batch.c — `fupan batch`: every team's (region's, rep's) report in one run. */
#include "cli.h"

#include "batch.h"

#include <getopt.h>
#include <signal.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char HELP[] =
    "usage: fupan batch --template FILE|NAME --data DIR --period P [--by team|region|rep]\n"
    "                   [--profile FILE|NAME] [--as-of DATE] [--jobs N] [--out DIR] [--shard K/N]\n"
    "                   [--rollup FILE|NAME] [--lang zh|en] [--format pdf,html,xlsx] [--quiet]\n"
    "\n"
    "Reads the data once and writes the report of every team (region, rep) as PDF and HTML, on N\n"
    "workers, with OUT/index.html (every report with its headline figures) and OUT/manifest.json\n"
    "(scope, files, sizes, SHA-256, status).\n"
    "\n"
    "  --by KIND         team (default), region or rep\n"
    "  --jobs N          workers (default: the number of processors)\n"
    "  --out DIR         where to write (default: the current folder)\n"
    "  --shard K/N       this machine's share: the scopes whose index (sorted by name, from 0) is K-1 mod N;\n"
    "                    N machines with K = 1…N cover every scope once (index/manifest named -K-of-N)\n"
    "  --rollup T        also the company's report with template T (for leadership; with shard 1)\n"
    "  --lang L          zh or en: the language of the reports (default: the template's)\n"
    "  --format F        pdf,html (default), or pdf,html,xlsx: an Excel workbook of each report's figures\n"
    "                    and tables too, and OUT/index.xlsx; PDF and HTML are always made (the index links\n"
    "                    them, fupan mail sends the PDFs)\n"
    "  --quiet           no progress\n"
    "\n"
    "A scope that fails does not stop the others; the summary names it. With SOURCE_DATE_EPOCH set the\n"
    "same inputs give byte-identical files.\n"
    "SIGINT or SIGTERM: reports being made are finished, no new one starts, the index and manifest list\n"
    "what was made, and the exit code is 130.\n"
    "Exit codes: 0 every report written, 1 some failed or bad data, 2 bad command line, 3 cannot write,\n"
    "130 interrupted.\n";

/* Set by SIGINT and SIGTERM: the run stops starting new reports. A signal handler can only reach a
 * flag like this one; it is the only process-wide state the batch has. */
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

typedef struct progress {
    bool tty, quiet;
    double t0;
} progress;

static void on_progress(void *ud, size_t done, size_t total, const fp_batch_item *it)
{
    progress *p = ud;
    if (p->quiet)
        return;
    double el = fp_now() - p->t0, left = done ? el / (double)done * (double)(total - done) : 0;
    /* a name or a message from the data is shown, never obeyed: a newline cannot forge a log line */
    char name[512], error[1300];
    const char *raw = it->rollup ? "全公司（汇总）" : it->scope;
    fp_quote_text(name, sizeof name, raw, strlen(raw), 300);
    fp_quote_text(error, sizeof error, it->error, strlen(it->error), 1000);
    if (p->tty) {
        int width = 30, fill = total ? (int)((double)done / (double)total * width) : width;
        char bar[64];
        for (int i = 0; i < width; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[width] = 0;
        fprintf(stderr, "\r[%s] %zu/%zu  %.1f s, about %.1f s left  ", bar, done, total, el, left);
        if (!it->ok)
            fprintf(stderr, "\nfupan: %s failed: %s\n", name, error);
        if (done == total)
            fputc('\n', stderr);
    } else if (it->ok) {
        fprintf(stderr, "fupan: [%zu/%zu] %s (%.2f s)\n", done, total, name, it->seconds);
    } else {
        fprintf(stderr, "fupan: [%zu/%zu] %s failed: %s\n", done, total, name, error);
    }
    fflush(stderr);
}

int fp_cmd_batch(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'L'},    {"profile", required_argument, 0, 'L'},
        {"period", required_argument, 0, 'L'},  {"as-of", required_argument, 0, 'L'},
        {"threads", required_argument, 0, 'L'}, {"template", required_argument, 0, 't'},
        {"by", required_argument, 0, 'b'},      {"jobs", required_argument, 0, 'j'},
        {"out", required_argument, 0, 'o'},     {"shard", required_argument, 0, 's'},
        {"rollup", required_argument, 0, 'r'},  {"quiet", no_argument, 0, 'q'},
        {"lang", required_argument, 0, 'g'},    {"help", no_argument, 0, 'h'},
        {"format", required_argument, 0, 'f'},  {0, 0, 0, 0}};
    fp_cli_data d = {.q = {.scope = FP_SCOPE_COMPANY}};
    const char *tmpl = NULL, *out = ".", *rollup = NULL, *lang = NULL, *rlang = NULL;
    fp_scope_kind by = FP_SCOPE_TEAM;
    int jobs = 0, shard_k = 1, shard_n = 1;
    bool quiet = false, xlsx = false;
    optind = 1;
    opterr = 0;
    int c, li = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, &li)) != -1) {
        switch (c) {
        case 'L': {
            int rc = fp_cli_data_opt(&d, "batch", opts[li].name, optarg);
            if (rc)
                return rc;
            break;
        }
        case 't':
            tmpl = optarg;
            break;
        case 'b':
            if (!strcmp(optarg, "team"))
                by = FP_SCOPE_TEAM;
            else if (!strcmp(optarg, "region"))
                by = FP_SCOPE_REGION;
            else if (!strcmp(optarg, "rep"))
                by = FP_SCOPE_REP;
            else
                return fp_cli_usage("batch", "--by is team, region or rep, not \"%s\"", optarg);
            break;
        case 'j': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 1024)
                return fp_cli_usage("batch", "--jobs wants a number from 1 to 1024, not \"%s\"", optarg);
            jobs = (int)v;
            break;
        }
        case 'o':
            if (!*optarg)
                return fp_cli_usage("batch", "--out wants a folder, such as --out reports/2026-10 (it was empty)");
            out = optarg;
            break;
        case 's':
        {
            /* exactly digits/digits: not 1/4/2, not "2/ 4" */
            int used = 0;
            if (strspn(optarg, "0123456789/") != strlen(optarg) ||
                sscanf(optarg, "%d/%d%n", &shard_k, &shard_n, &used) != 2 || (size_t)used != strlen(optarg) ||
                shard_n < 1 || shard_k < 1 || shard_k > shard_n)
                return fp_cli_usage("batch", "--shard wants K/N with 1 <= K <= N, such as 2/4, not \"%s\"", optarg);
        }
            break;
        case 'r':
            rollup = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case 'f': {
            bool pdf = false, html = false, bad = false;
            for (const char *p = optarg;;) {
                const char *comma = strchr(p, ',');
                size_t len = comma ? (size_t)(comma - p) : strlen(p);
                if (len == 3 && !strncmp(p, "pdf", 3))
                    pdf = true;
                else if (len == 4 && !strncmp(p, "html", 4))
                    html = true;
                else if (len == 4 && !strncmp(p, "xlsx", 4))
                    xlsx = true;
                else
                    bad = true;
                if (!comma)
                    break;
                p = comma + 1;
            }
            if (bad)
                return fp_cli_usage("batch", "--format wants pdf,html or pdf,html,xlsx, not \"%s\"", optarg);
            if (!pdf || !html)
                return fp_cli_usage("batch", "--format \"%s\": a batch always makes PDF and HTML (the index links "
                                             "them, fupan mail sends the PDFs); write --format pdf,html,xlsx for "
                                             "workbooks too", optarg);
            break;
        }
        case 'g':
            if (fp_cli_lang("batch", optarg))
                return 2;
            lang = rlang = optarg;
            break;
        case 'h':
            fputs(HELP, stdout);
            return 0;
        case ':':
            return fp_cli_usage("batch", "%s needs a value", argv[optind - 1]);
        default:
            return fp_cli_usage("batch", "unknown option \"%s\"", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return fp_cli_usage("batch", "unexpected argument \"%s\"", argv[optind]);
    if (!tmpl)
        return fp_cli_usage("batch", "--template is required (a file, or a shipped name such as monthly)");
    int rc = fp_cli_data_check(&d, "batch");
    if (rc)
        return rc;
    fp_error err = {0};
    char tpath[PATH_MAX], rpath[PATH_MAX], schema[PATH_MAX];
    if ((rc = fp_cli_template(tmpl, tpath, sizeof tpath, &lang, &err)) != 0)
        return rc;
    if (rollup && (rc = fp_cli_template(rollup, rpath, sizeof rpath, &rlang, &err)) != 0)
        return rc;
    if (fp_datafile("template.rng", schema, sizeof schema, &err) != FP_OK)
        return fp_cli_fail(&err);
    fp_template *t = NULL, *rt = NULL;
    fp_profile *prof = NULL;
    fp_dataset *ds = NULL;
    fp_fontset *fonts = NULL;
    fp_batch_result res = {0};
    fp_timer tm;
    fp_timer_start(&tm);
    if (fp_template_load_lang(tpath, schema, lang, &t, &err) != FP_OK ||
        (rollup && fp_template_load_lang(rpath, schema, rlang, &rt, &err) != FP_OK)) {
        rc = fp_cli_fail(&err);
        goto out;
    }
    fp_timer_lap(&tm, "batch: template");
    if ((rc = fp_cli_load(&d, &prof, &ds)) != 0)
        goto out;
    fp_timer_start(&tm);
    fp_dataset_index_scopes(ds); /* many scopes: each reads only its own lines */
    fp_timer_lap(&tm, "batch: indexes by team, region and rep");
    if (fp_fonts_default(&fonts, &err) != FP_OK) {
        rc = fp_cli_fail(&err);
        goto out;
    }
    fp_timer_lap(&tm, "batch: fonts");
    char date[16];
    progress pg = {.tty = isatty(2), .quiet = quiet, .t0 = fp_now()};
    {
        fp_buf warn;
        fp_buf_init(&warn);
        fp_query_warnings(ds, &d.q, &warn);
        if (warn.len)
            fputs(warn.data, stderr);
        fp_buf_free(&warn);
    }
    fp_batch_req req = {.ds = ds,
                        .tmpl = t,
                        .rollup = rt,
                        .period = d.q.period,
                        .as_of = d.q.as_of,
                        .by = by,
                        .jobs = jobs,
                        .shard_k = shard_k,
                        .shard_n = shard_n,
                        .out = out,
                        .date = date,
                        .fonts = fonts,
                        .xlsx = xlsx,
                        .template_name = tmpl,
                        .period_text = d.period,
                        .progress = on_progress,
                        .progress_ud = &pg};
    fp_report_date(date, &req.created);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    req.stop = &stop_requested;
    if (fp_batch_run(&req, &res, &err) != FP_OK) {
        rc = fp_cli_fail(&err);
        goto out;
    }
    if (!quiet)
        fprintf(stderr, "fupan: %zu reports in %.1f s%s, %zu failed; %s/%s, %s/%s\n", res.n, fp_now() - pg.t0,
                shard_n > 1 ? " (this shard)" : "", res.failed, out, res.index, out, res.manifest);
    for (size_t i = 0; i < res.n; i++)
        if (!res.items[i].ok && !res.items[i].interrupted) {
            char name[512], error[1300];
            const char *raw = res.items[i].rollup ? "全公司（汇总）" : res.items[i].scope;
            fp_quote_text(name, sizeof name, raw, strlen(raw), 300);
            fp_quote_text(error, sizeof error, res.items[i].error, strlen(res.items[i].error), 1000);
            fprintf(stderr, "fupan: failed: %s: %s\n", name, error);
        }
    printf("%s/%s\n", out, res.manifest);
    rc = res.failed ? 1 : 0;
    if (res.interrupted) {
        fprintf(stderr, "fupan: interrupted: %zu reports not made; the %zu made are complete and in the manifest\n",
                res.interrupted, res.n - res.interrupted - res.failed);
        rc = 130;
    }
out:
    fp_batch_result_free(&res);
    fp_fontset_free(fonts);
    fp_dataset_free(ds);
    fp_profile_free(prof);
    fp_template_free(rt);
    fp_template_free(t);
    return rc;
}
