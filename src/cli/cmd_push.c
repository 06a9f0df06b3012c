/* cmd_push.c — `fupan push`: the reports of a batch, pushed to 企业微信, 钉钉 and 飞书 group robots. */
#include "cli.h"

#include "push.h"

#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char HELP[] =
    "usage: fupan push --manifest FILE --targets FILE [--link-base URL] [--dry-run DIR] [--outbox DIR]\n"
    "                  [--ca-file FILE] [--connect-timeout S] [--timeout S] [--resend-uncertain] [--quiet]\n"
    "\n"
    "Pushes each report of a batch (its manifest.json) to the group robots the targets file names for its scope:\n"
    "企业微信 (the figures as markdown, then the PDF as a file), 钉钉 (markdown with a link) and 飞书 (a card with\n"
    "a link), signed when a secret is given.\n"
    "\n"
    "  --manifest FILE    the manifest `fupan batch` wrote; the reports are beside it\n"
    "  --targets FILE     CSV with the header scope,service,url,secret: scope a team (region, rep) name, or * for\n"
    "                     the batch's summary; service wecom, dingtalk or feishu; url the robot's webhook (https);\n"
    "                     secret empty or the robot's signing secret. A url or secret cell env:NAME takes it\n"
    "                     from the environment variable NAME: keys never go on the command line, and are never\n"
    "                     printed (messages mask them)\n"
    "  --link-base URL    where the reports can be opened (https://intranet/reports/2026-10/): DingTalk and Feishu\n"
    "                     messages link to <URL>/<report>.html\n"
    "  --dry-run DIR      write the exact HTTP requests (method, URL with the key masked, headers, body) into DIR\n"
    "                     instead of sending\n"
    "  --outbox DIR       where messages wait until the service accepts them (default: beside the manifest)\n"
    "  --ca-file FILE     also trust the certificates in FILE (PEM)\n"
    "  --connect-timeout S, --timeout S   seconds to connect (default 10) and for one request (default 60)\n"
    "  --resend-uncertain send again the messages a run that was cut off may have delivered\n"
    "\n"
    "Each service's limits are kept: the message length (longer text is cut at a line, with a note), and\n"
    "messages per minute per robot (20 for 企业微信 and 钉钉, 100 and 5 a second for 飞书): the run waits rather\n"
    "than fails. A 200 answer with an error code is a failure; rate-limit codes, timeouts and 5xx answers are\n"
    "tried again with backoff; other errors are reported for that message and the others go on.\n"
    "Exit codes: 0 all pushed (or already pushed), 1 some not pushed or bad input, 2 bad command line.\n";

int fp_cmd_push(int argc, char **argv)
{
    static const struct option opts[] = {
        {"manifest", required_argument, 0, 'm'},  {"targets", required_argument, 0, 't'},
        {"link-base", required_argument, 0, 'l'}, {"dry-run", required_argument, 0, 'd'},
        {"outbox", required_argument, 0, 'o'},    {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},            {"ca-file", required_argument, 0, 'C'},
        {"connect-timeout", required_argument, 0, 'T'}, {"timeout", required_argument, 0, 'U'},
        {"resend-uncertain", no_argument, 0, 'R'}, {0, 0, 0, 0}};
    fp_push_req r = {.now = (time_t)-1, .time_scale = 1};
    optind = 1;
    opterr = 0;
    int c, li = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, &li)) != -1) {
        switch (c) {
        case 'm':
            r.manifest = optarg;
            break;
        case 't':
            r.targets = optarg;
            break;
        case 'l':
            r.link_base = optarg;
            break;
        case 'd':
            r.dry_run = optarg;
            break;
        case 'o':
            r.outbox = optarg;
            break;
        case 'q':
            r.quiet = true;
            break;
        case 'R':
            r.resend_uncertain = true;
            break;
        case 'C':
            if (!*optarg)
                return fp_cli_usage("push", "--ca-file wants a PEM file of certificates (it was empty)");
            r.ca_file = optarg;
            break;
        case 'T':
        case 'U': {
            long v;
            int bad = fp_cli_seconds("push", c == 'T' ? "--connect-timeout" : "--timeout", optarg, &v);
            if (bad)
                return bad;
            if (c == 'T')
                r.connect_timeout = v;
            else
                r.timeout = v;
            break;
        }
        case 'h':
            fputs(HELP, stdout);
            return 0;
        case ':':
            return fp_cli_usage("push", "%s needs a value", argv[optind - 1]);
        default:
            return fp_cli_usage("push", "unknown option \"%s\"", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return fp_cli_usage("push", "unexpected argument \"%s\"", argv[optind]);
    if (!r.manifest || !r.targets)
        return fp_cli_usage("push", "--manifest and --targets are required");
    if (r.dry_run && !*r.dry_run)
        return fp_cli_usage("push", "--dry-run wants a folder for the requests (it was empty)");
    if (r.link_base && strncmp(r.link_base, "https://", 8) && strncmp(r.link_base, "http://", 7))
        return fp_cli_usage("push", "--link-base wants an http(s):// URL, not \"%s\"", r.link_base);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde)
        r.now = (time_t)strtoll(sde, NULL, 10);
    /* tests shrink the waits (rate windows, backoff) with FUPAN_PUSH_TIME_SCALE, e.g. 0.05 */
    const char *ts = getenv("FUPAN_PUSH_TIME_SCALE");
    if (ts && *ts) {
        double s = strtod(ts, NULL);
        if (s > 0 && s <= 1)
            r.time_scale = s;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "fupan: libcurl cannot start\n");
        return 70;
    }
    fp_push_result res;
    fp_error err = {0};
    fp_status st = fp_push_run(&r, &res, &err);
    curl_global_cleanup();
    if (st != FP_OK)
        return fp_cli_fail(&err);
    if (!r.quiet)
        fprintf(stderr, "fupan: %zu %s, %zu already pushed, %zu not pushed, %zu targets without a report%s%s\n",
                res.sent, r.dry_run ? "requests written" : "pushed", res.already, res.failed, res.no_target,
                res.waited ? ", waited for the services' rate limits" : "",
                res.uncertain ? ", some possibly delivered (see above)" : "");
    return res.failed || res.uncertain || res.no_target ? 1 : 0;
}
