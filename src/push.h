/* push.h — the reports of a batch, pushed to chat groups: 企业微信 (WeCom) group robots, 钉钉 (DingTalk)
 * custom robots and 飞书 (Feishu) custom bots, each through its published webhook API.
 *
 * Every message is written to OUTBOX/<id>.json (the request body) before it is sent and counts as
 * delivered only when the service answered that it accepted it (HTTP 200 and an error code of 0: a 200
 * with errcode ≠ 0 is a failure); then its id goes into OUTBOX/sent.log and no rerun sends it again.
 * OUTBOX/sending.log brackets each attempt, so a message a killed run left in the service's hands is
 * named "possibly delivered" and sent again only when asked. Transient failures (no connection, a
 * timeout, HTTP 5xx or 429, a service's rate-limit code) are retried with backoff; permanent ones are
 * reported for that message and the others go on. Each service's limits are kept: message size (longer
 * text is cut at a line, with a note), and messages per minute per robot (the run waits rather than
 * fails).
 *
 * Robot URLs and secrets come from the targets file or the environment (a cell env:NAME), never from the
 * command line, and are never printed: messages show the URL with its key or token masked.
 */
#ifndef FP_PUSH_H
#define FP_PUSH_H

#include "error.h"
#include "util.h"

#include <stdbool.h>
#include <time.h>

typedef enum fp_push_service { FP_PUSH_WECOM, FP_PUSH_DINGTALK, FP_PUSH_FEISHU } fp_push_service;

typedef struct fp_push_req {
    const char *manifest;   /* the batch's manifest.json; the reports are beside it */
    const char *targets;    /* CSV: scope,service,url,secret */
    const char *link_base;  /* the reports' folder as a URL, for links (DingTalk, Feishu); may be NULL */
    const char *dry_run;    /* a folder for the exact HTTP requests instead of sending */
    const char *outbox;     /* default: <manifest folder>/push-outbox */
    time_t now;             /* (time_t)-1: the clock (signatures carry it) */
    bool quiet;
    bool resend_uncertain;
    const char *ca_file;
    long connect_timeout;   /* seconds (0: 10) */
    long timeout;           /* seconds for one request (0: 60) */
    int retries;            /* attempts after the first for a transient failure (0: 4) */
    double time_scale;      /* waits (rate limits, backoff) are multiplied by it: 1 for real use; tests shrink it */
} fp_push_req;

typedef struct fp_push_result {
    size_t sent, already, failed, uncertain, no_target, waited;
} fp_push_result;

fp_status fp_push_run(const fp_push_req *r, fp_push_result *res, fp_error *err);

/* The services' signatures (exposed for the tests):
 * DingTalk: base64(HMAC-SHA256(key = secret, "<ms timestamp>\n<secret>")), URL-encoded by the caller;
 * Feishu:   base64(HMAC-SHA256(key = "<s timestamp>\n<secret>", "")). */
void fp_push_sign_dingtalk(const char *secret, long long ts_ms, char *out, size_t n);
void fp_push_sign_feishu(const char *secret, long long ts_s, char *out, size_t n);
/* a robot URL with its key, token or hook id masked, for messages and dry runs */
void fp_push_mask_url(const char *url, char *out, size_t n);

#endif
