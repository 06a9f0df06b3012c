/* cmd_mail.c — `fupan mail`: the reports of a batch, mailed through SMTP (or written as .eml). */
#include "cli.h"

#include "mail.h"

#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char HELP[] =
    "usage: fupan mail --manifest FILE --recipients FILE --from ADDRESS (--smtp URL | --dry-run DIR)\n"
    "                  [--outbox DIR] [--ca-file FILE] [--plain] [--quiet]\n"
    "\n"
    "Sends each report of a batch (its manifest.json) to the people the recipients file names for its scope.\n"
    "\n"
    "  --manifest FILE    the manifest `fupan batch` wrote; the reports are beside it\n"
    "  --recipients FILE  CSV with the header scope,to,cc; several addresses separated by ;\n"
    "  --from ADDRESS     the sender\n"
    "  --smtp URL         smtps://host:465, or smtp://host:587 with STARTTLS, which is required: fupan sends\n"
    "                     nothing, not even the login, to a server that does not offer it; the certificate is\n"
    "                     verified. The login comes from FUPAN_SMTP_USER and FUPAN_SMTP_PASSWORD, else ~/.netrc —\n"
    "                     never the command line\n"
    "  --ca-file FILE     also trust the certificates in FILE (PEM), such as a company CA\n"
    "  --plain            send without TLS, to a relay that needs no login (refused with a login); said on stderr\n"
    "  --connect-timeout S  seconds to reach the server and get its greeting (default 20); when it cannot be\n"
    "                     reached the run stops and every message waits in the outbox for the next run\n"
    "  --timeout S        seconds for one whole message (default 120)\n"
    "  --resend-uncertain send again the messages a run that was cut off (killed while the server had them)\n"
    "                     may have delivered; without it they are listed as possibly delivered and not sent\n"
    "  --dry-run DIR      write the messages as .eml files in DIR instead of sending\n"
    "  --outbox DIR       where messages wait until the server accepts them (default: beside the manifest)\n"
    "\n"
    "A message is written to the outbox before it is sent and leaves it only when the server accepted it\n"
    "(its Message-ID goes into OUTBOX/sent.log). A refused or dropped message stays, with the reason in a .err\n"
    "file, and the next run sends it; a rerun never sends a delivered message again.\n"
    "Exit codes: 0 all sent (or already sent), 1 some not sent or bad input, 2 bad command line, 3 cannot write.\n";

int fp_cmd_mail(int argc, char **argv)
{
    static const struct option opts[] = {
        {"manifest", required_argument, 0, 'm'}, {"recipients", required_argument, 0, 'r'},
        {"from", required_argument, 0, 'f'},     {"smtp", required_argument, 0, 's'},
        {"dry-run", required_argument, 0, 'd'},  {"outbox", required_argument, 0, 'o'},
        {"quiet", no_argument, 0, 'q'},          {"help", no_argument, 0, 'h'},
        {"plain", no_argument, 0, 'P'},          {"ca-file", required_argument, 0, 'C'},
        {"connect-timeout", required_argument, 0, 'T'}, {"timeout", required_argument, 0, 'U'},
        {"resend-uncertain", no_argument, 0, 'R'},
        {0, 0, 0, 0}};
    fp_mail_req r = {.date = (time_t)-1};
    optind = 1;
    opterr = 0;
    int c, li = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, &li)) != -1) {
        switch (c) {
        case 'm':
            r.manifest = optarg;
            break;
        case 'r':
            r.recipients = optarg;
            break;
        case 'f':
            r.from = optarg;
            break;
        case 's':
            r.smtp_url = optarg;
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
        case 'P':
            r.plain = true;
            break;
        case 'R':
            r.resend_uncertain = true;
            break;
        case 'T':
        case 'U': {
            long v;
            int bad = fp_cli_seconds("mail", c == 'T' ? "--connect-timeout" : "--timeout", optarg, &v);
            if (bad)
                return bad;
            if (c == 'T')
                r.connect_timeout = v;
            else
                r.timeout = v;
            break;
        }
        case 'C':
            if (!*optarg)
                return fp_cli_usage("mail", "--ca-file wants a PEM file of certificates (it was empty)");
            r.ca_file = optarg;
            break;
        case 'h':
            fputs(HELP, stdout);
            return 0;
        case ':':
            return fp_cli_usage("mail", "%s needs a value", argv[optind - 1]);
        default:
            return fp_cli_usage("mail", "unknown option \"%s\"", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return fp_cli_usage("mail", "unexpected argument \"%s\"", argv[optind]);
    if (!r.manifest || !r.recipients || !r.from)
        return fp_cli_usage("mail", "--manifest, --recipients and --from are required");
    if (!r.smtp_url == !r.dry_run)
        return fp_cli_usage("mail", "give one of --smtp URL and --dry-run DIR");
    if (r.dry_run && !*r.dry_run)
        return fp_cli_usage("mail", "--dry-run wants a folder for the .eml files, such as --dry-run out/eml (it was "
                                    "empty)");
    for (const char *q = r.smtp_url; q && *q; q++)
        if ((unsigned char)*q < 0x20 || *q == 0x7F || *q == ' ')
            return fp_cli_usage("mail", "--smtp holds a control character or a space (byte 0x%02X); write "
                                        "smtp://host[:port] or smtps://host[:port]", (unsigned char)*q);
    if (r.smtp_url && strncmp(r.smtp_url, "smtp://", 7) && strncmp(r.smtp_url, "smtps://", 8))
        return fp_cli_usage("mail", "--smtp wants smtp://host[:port] or smtps://host[:port], not \"%s\"", r.smtp_url);
    if (r.plain && r.smtp_url && !strncmp(r.smtp_url, "smtps://", 8))
        return fp_cli_usage("mail", "--plain with smtps://: smtps is TLS; drop one of them");
    if (r.plain && getenv("FUPAN_SMTP_USER") && *getenv("FUPAN_SMTP_USER"))
        return fp_cli_usage("mail", "--plain sends no login: a password must not cross the network in the clear "
                                    "(unset FUPAN_SMTP_USER, or send over TLS without --plain)");
    if (r.plain && r.smtp_url && !r.quiet)
        fprintf(stderr, "fupan: warning: --plain: the reports go to %s without TLS, readable on the way\n",
                r.smtp_url);
    if (r.smtp_url && strchr(r.smtp_url, '@'))
        return fp_cli_usage("mail", "no login in --smtp: use FUPAN_SMTP_USER / FUPAN_SMTP_PASSWORD or ~/.netrc");
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde)
        r.date = (time_t)strtoll(sde, NULL, 10);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "fupan: libcurl cannot start\n");
        return 70;
    }
    fp_mail_result res;
    fp_error err = {0};
    fp_status st = fp_mail_run(&r, &res, &err);
    curl_global_cleanup();
    if (st != FP_OK)
        return fp_cli_fail(&err);
    if (!r.quiet)
        fprintf(stderr, "fupan: %zu %s, %zu already sent, %zu not sent, %zu without recipients%s\n", res.sent,
                r.dry_run ? "written" : "sent", res.already, res.failed + res.waiting, res.no_recipient,
                res.uncertain ? ", some possibly delivered (see above)" : "");
    return res.failed || res.waiting || res.uncertain ? 1 : 0;
}
