/* cmd_serve.c — `fupan serve`: the reports as a local web portal (serve.h). */
#include "cli.h"

#include "paths.h"
#include "report.h"
#include "serve.h"

#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char HELP[] =
    "usage: fupan serve --data DIR [--profile FILE|NAME] [--template FILE|NAME] [--notes DIR] [--lang zh|en]\n"
    "                   [--listen ADDR:PORT] [--access FILE] [--cache-mb N] [--threads N]\n"
    "       fupan serve --hash-password    (reads a password on standard input, prints its hash)\n"
    "\n"
    "Serves every report of the export as a web portal: an index of the scopes with their figures, each report\n"
    "as HTML (which reloads itself when its notes, template or the data change), PDF and Excel downloads, and\n"
    "the metrics as JSON. The data is loaded once and again when the export's files change.\n"
    "\n"
    "  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080; port 0: any free port, printed)\n"
    "  --access FILE       who may see what: a line per user, name,secret,scopes — secret a password hash from\n"
    "                      --hash-password or token-sha256$<SHA-256 of a bearer token>; scopes * (all),\n"
    "                      region:NAME, team:NAME, rep:NAME, separated by spaces. Required to listen on any\n"
    "                      address but this machine's\n"
    "  --notes DIR         the managers' notes files, <scope>-<period>.md (华东一组-2026-10.md)\n"
    "  --template T        one template for every report (default: weekly for weeks, the review otherwise)\n"
    "  --cache-mb N        the rendered reports kept in memory (default 256; 0: none)\n"
    "\n"
    "SIGINT or SIGTERM: the requests being served finish, then it stops.\n"
    "Exit codes: 0 stopped, 1 bad data or access file, 2 bad command line, 3 cannot listen.\n";

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

int fp_cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},      {"profile", required_argument, 0, 'p'},
        {"template", required_argument, 0, 't'},  {"notes", required_argument, 0, 'n'},
        {"listen", required_argument, 0, 'l'},    {"access", required_argument, 0, 'a'},
        {"lang", required_argument, 0, 'g'},      {"cache-mb", required_argument, 0, 'c'},
        {"threads", required_argument, 0, 'j'},   {"hash-password", no_argument, 0, 'H'},
        {"help", no_argument, 0, 'h'},            {0, 0, 0, 0}};
    fp_serve_opts o = {.host = "127.0.0.1", .port = 8080, .cache_bytes = (size_t)256 << 20};
    const char *profile = NULL, *tmpl = NULL, *lang = NULL;
    char host[256] = "127.0.0.1";
    optind = 1;
    opterr = 0;
    int c, li = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, &li)) != -1) {
        switch (c) {
        case 'd':
            o.data = optarg;
            break;
        case 'p':
            profile = optarg;
            break;
        case 't':
            tmpl = optarg;
            break;
        case 'n':
            o.notes = optarg;
            break;
        case 'a':
            o.access = optarg;
            break;
        case 'g':
            if (fp_cli_lang("serve", optarg))
                return 2;
            lang = optarg;
            break;
        case 'l': {
            const char *colon = strrchr(optarg, ':');
            char *end;
            long port = colon ? strtol(colon + 1, &end, 10) : -1;
            if (!colon || colon == optarg || !colon[1] || *end || port < 0 || port > 65535 ||
                (size_t)(colon - optarg) >= sizeof host)
                return fp_cli_usage("serve", "--listen wants ADDR:PORT, such as 127.0.0.1:8080, not \"%s\"", optarg);
            snprintf(host, sizeof host, "%.*s", (int)(colon - optarg), optarg);
            o.port = (int)port;
            break;
        }
        case 'c':
        case 'j': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (!*optarg || *end || v < (c == 'c' ? 0 : 1) || v > 65536)
                return fp_cli_usage("serve", "%s wants a whole number from 1, not \"%s\"", c == 'c' ? "--cache-mb"
                                                                                                    : "--threads", optarg);
            if (c == 'c')
                o.cache_bytes = (size_t)v << 20;
            else
                o.threads = (int)v;
            break;
        }
        case 'H': {
            char pw[1024];
            if (!fgets(pw, sizeof pw, stdin) || !*pw)
                return fp_cli_usage("serve", "--hash-password reads the password on standard input");
            pw[strcspn(pw, "\r\n")] = 0;
            char h[256];
            fp_serve_hash_password(pw, h, sizeof h);
            memset(pw, 0, sizeof pw);
            printf("%s\n", h);
            return 0;
        }
        case 'h':
            fputs(HELP, stdout);
            return 0;
        case ':':
            return fp_cli_usage("serve", "%s needs a value", argv[optind - 1]);
        default:
            return fp_cli_usage("serve", "unknown option \"%s\"", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return fp_cli_usage("serve", "unexpected argument \"%s\"", argv[optind]);
    if (!o.data || !*o.data)
        return fp_cli_usage("serve", "--data is required (the export's folder)");
    o.host = host;
    fp_error err = {0};
    char ppath[PATH_MAX], prng[PATH_MAX], trng[PATH_MAX], tdir[PATH_MAX], tpath[PATH_MAX];
    if (profile && fp_profile_path(profile, ppath, sizeof ppath, &err) != FP_OK)
        return fp_cli_fail(&err);
    if (fp_datafile("profile.rng", prng, sizeof prng, &err) != FP_OK ||
        fp_datafile("template.rng", trng, sizeof trng, &err) != FP_OK || fp_datadir(tdir, sizeof tdir, &err) != FP_OK)
        return fp_cli_fail(&err);
    if (tmpl) {
        int rc = fp_cli_template(tmpl, tpath, sizeof tpath, &lang, &err);
        if (rc)
            return rc;
        o.template = tpath;
    }
    o.profile = profile ? ppath : NULL;
    o.profile_rng = prng;
    o.template_rng = trng;
    o.templates = tdir;
    o.lang = lang;
    char date[16];
    time_t created;
    fp_report_date(date, &created);
    o.date = date;
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    o.stop = &stop_requested;
    fp_status st = fp_serve_run(&o, &err);
    if (st != FP_OK)
        return st == FP_ERR_USAGE ? (fprintf(stderr, "fupan serve: %s\n", err.msg), 2) : fp_cli_fail(&err);
    fprintf(stderr, "fupan: stopped\n");
    return 0;
}
