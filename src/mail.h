/* mail.h — the reports of a batch, mailed: MIME messages, an outbox, and SMTP through libcurl.
 *
 * Every message is written to OUTBOX/<id>.eml before it is sent and leaves the outbox only when the
 * server has accepted it; then its Message-ID goes into OUTBOX/sent.log. A refused or dropped message
 * stays, with its reason in OUTBOX/<id>.err, and the next run sends it again; a message whose id is
 * in sent.log is never sent twice. The id is derived from the report (scope, period, the PDF's
 * SHA-256) and the recipients, so a rerun of the same batch makes the same messages.
 *
 * Header values never carry a line break: subjects and names are encoded (RFC 2047), addresses are
 * checked and refused when they hold anything but an address.
 */
#ifndef FP_MAIL_H
#define FP_MAIL_H

#include "error.h"
#include "util.h"

#include <stdbool.h>
#include <time.h>

typedef struct fp_mail_msg {
    const char *from;
    const char *const *to;
    size_t nto;
    const char *const *cc;
    size_t ncc;
    const char *subject;
    const char *text, *html;     /* the body, plain and HTML */
    const char *attach_name;     /* the PDF's file name, may be Chinese */
    const void *attach;
    size_t attach_len;
    time_t date;
    const char *message_id;      /* without the angle brackets */
} fp_mail_msg;

/* true when s is one plain address (local@domain, nothing else: no spaces, quotes, brackets or breaks) */
bool fp_mail_address_ok(const char *s);
/* the whole message, CRLF line ends; fails on a bad address */
fp_status fp_mail_build(const fp_mail_msg *m, fp_buf *out, fp_error *err);

typedef struct fp_mail_req {
    const char *manifest;        /* the batch's manifest.json; the reports are beside it */
    const char *recipients;      /* CSV: scope,to,cc */
    const char *from;
    const char *smtp_url;        /* smtp://host:port or smtps://…; NULL with dry_run */
    const char *dry_run;         /* a folder for .eml files instead of sending */
    const char *outbox;          /* default: <manifest folder>/outbox */
    time_t date;                 /* (time_t)-1: now */
    bool quiet;
    bool plain;                  /* send without TLS (only without a login); by default TLS is required */
    const char *ca_file;         /* certificates to verify the server with, besides the system's (a company CA) */
    long connect_timeout;        /* seconds to connect and get the server's greeting (0: 20) */
    long timeout;                /* seconds for one whole message (0: 120) */
    bool resend_uncertain;       /* send again the messages a killed run may have delivered */
} fp_mail_req;

typedef struct fp_mail_result {
    size_t sent, already, failed, no_recipient;
    size_t waiting;              /* not tried: the run stopped when the server could not be reached */
    size_t uncertain;            /* possibly delivered by a run that was cut off; not sent again */
} fp_mail_result;

fp_status fp_mail_run(const fp_mail_req *r, fp_mail_result *res, fp_error *err);

#endif
