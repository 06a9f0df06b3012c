/* push.c — a batch's reports pushed to 企业微信, 钉钉 and 飞书 group robots (push.h says what is promised).
 *
 * Per service, the request its custom-robot API documents:
 *   wecom     POST …/cgi-bin/webhook/send?key=K  {"msgtype":"markdown","markdown":{"content":…}}, then the PDF:
 *             POST …/cgi-bin/webhook/upload_media?key=K&type=file (multipart, part "media") → media_id,
 *             POST …/send {"msgtype":"file","file":{"media_id":…}}; markdown ≤ 4096 bytes; 20 messages a minute;
 *             answer {"errcode":0,…}; 45009: over the rate.
 *   dingtalk  POST …/robot/send?access_token=T[&timestamp=ms&sign=S] {"msgtype":"markdown","markdown":{"title",
 *             "text"}}; 20 messages a minute; answer {"errcode":0,…}; 130101: sent too fast.
 *   feishu    POST …/open-apis/bot/v2/hook/H {"msg_type":"interactive","card":…[,"timestamp","sign"]}; a body
 *             ≤ 20 KB; 100 a minute and 5 a second; answer {"code":0,…} (or "StatusCode"); 11232: rate.
 */
#include "push.h"

#include "currency.h"
#include "format.h"
#include "output.h"
#include "value.h"

#include <csv.h>
#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- signatures ---- */

static void b64(const unsigned char *in, size_t n, char *out, size_t outn)
{
    unsigned char tmp[256];
    if (outn < 4 * ((n + 2) / 3) + 1 || n > 180) {
        if (outn)
            *out = 0;
        return;
    }
    EVP_EncodeBlock(tmp, in, (int)n);
    snprintf(out, outn, "%s", (char *)tmp);
}

void fp_push_sign_dingtalk(const char *secret, long long ts_ms, char *out, size_t n)
{
    char msg[1200];
    snprintf(msg, sizeof msg, "%lld\n%s", ts_ms, secret);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)msg, strlen(msg), mac, &len);
    b64(mac, len, out, n);
}

void fp_push_sign_feishu(const char *secret, long long ts_s, char *out, size_t n)
{
    char key[1200];
    snprintf(key, sizeof key, "%lld\n%s", ts_s, secret);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)"", 0, mac, &len);
    b64(mac, len, out, n);
}

void fp_push_mask_url(const char *url, char *out, size_t n)
{
    /* key=…, access_token=…, sign=… and the hook id after /hook/ become *** */
    fp_buf b;
    fp_buf_init(&b);
    const char *p = url;
    while (*p) {
        const char *keys[] = {"key=", "access_token=", "sign=", "/hook/"};
        bool hit = false;
        for (size_t k = 0; k < sizeof keys / sizeof *keys && !hit; k++) {
            size_t kl = strlen(keys[k]);
            if (!strncmp(p, keys[k], kl) && (keys[k][0] == '/' || p == url || p[-1] == '?' || p[-1] == '&')) {
                fp_buf_add(&b, p, kl);
                fp_buf_adds(&b, "***");
                p += kl;
                while (*p && *p != '&' && *p != '/' && *p != '#')
                    p++;
                hit = true;
            }
        }
        if (!hit)
            fp_buf_addc(&b, *p++);
    }
    snprintf(out, n, "%s", b.data ? b.data : "");
    fp_buf_free(&b);
}

/* ---- the targets file ---- */

typedef struct target {
    char *scope, *url, *secret;
    fp_push_service service;
    int line;
} target;

typedef struct treader {
    const char *path;
    int line, field;
    int col[4]; /* scope, service, url, secret: the file column, or -1 */
    bool header;
    char *cells[16];
    target *t;
    size_t n, cap;
    fp_error *err;
    bool failed;
} treader;

static const char *TCOLS[] = {"scope", "service", "url", "secret"};

static void t_field(void *s, size_t len, void *ud)
{
    treader *r = ud;
    if (r->field < 16) {
        const char *p = s ? s : "";
        size_t k = fp_trim(&p, len);
        r->cells[r->field] = fp_xstrndup(p, k);
    }
    r->field++;
}

/* a value, or the environment variable it names (env:NAME): URLs and secrets stay off the command line */
static char *resolve(treader *r, const char *v, const char *what)
{
    if (strncmp(v, "env:", 4))
        return fp_xstrdup(v);
    const char *e = getenv(v + 4);
    if (!e || !*e) {
        if (!r->failed)
            fp_fail(r->err, FP_ERR_INPUT, "%s:%d: the %s comes from the environment variable %s, which is not set",
                    r->path, r->line, what, v + 4);
        r->failed = true;
        return fp_xstrdup("");
    }
    return fp_xstrdup(e);
}

static bool url_ok(const char *u)
{
    /* parsed as curl will read it: http://127.0.0.1:x@robots.example/ goes to robots.example */
    CURLU *h = curl_url();
    char *scheme = NULL, *host = NULL, *user = NULL;
    bool ok = h && curl_url_set(h, CURLUPART_URL, u, 0) == CURLUE_OK &&
              curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
              curl_url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK;
    if (ok && curl_url_get(h, CURLUPART_USER, &user, 0) == CURLUE_OK && user)
        ok = false; /* no credentials in a robot URL */
    if (ok)
        /* plain HTTP only to this machine: a robot key must not cross a network in the clear */
        ok = !strcmp(scheme, "https") ||
             (!strcmp(scheme, "http") && (!strcmp(host, "127.0.0.1") || !strcmp(host, "localhost")));
    curl_free(scheme);
    curl_free(host);
    curl_free(user);
    curl_url_cleanup(h);
    return ok;
}

static void t_row(int c, void *ud)
{
    (void)c;
    treader *r = ud;
    r->line++;
    int nf = r->field < 16 ? r->field : 16;
    if (!r->failed && !r->header) {
        for (int k = 0; k < 4; k++)
            r->col[k] = -1;
        for (int f = 0; f < nf; f++)
            for (int k = 0; k < 4; k++)
                if (!strcmp(r->cells[f], TCOLS[k]))
                    r->col[k] = f;
        for (int k = 0; k < 3 && !r->failed; k++)
            if (r->col[k] < 0) {
                fp_fail(r->err, FP_ERR_INPUT, "%s:1: the header has no column \"%s\"; it is scope,service,url,secret",
                        r->path, TCOLS[k]);
                r->failed = true;
            }
        r->header = true;
    } else if (!r->failed && nf > 0 && !(nf == 1 && !*r->cells[0])) {
        const char *v[4];
        for (int k = 0; k < 4; k++)
            v[k] = r->col[k] >= 0 && r->col[k] < nf ? r->cells[r->col[k]] : "";
        fp_push_service sv;
        if (!strcmp(v[1], "wecom") || !strcmp(v[1], "企业微信"))
            sv = FP_PUSH_WECOM;
        else if (!strcmp(v[1], "dingtalk") || !strcmp(v[1], "钉钉"))
            sv = FP_PUSH_DINGTALK;
        else if (!strcmp(v[1], "feishu") || !strcmp(v[1], "飞书") || !strcmp(v[1], "lark"))
            sv = FP_PUSH_FEISHU;
        else {
            char q[120];
            fp_quote_text(q, sizeof q, v[1], strlen(v[1]), 60);
            fp_fail(r->err, FP_ERR_INPUT, "%s:%d: the service \"%s\" is not one fupan knows: write wecom, dingtalk or "
                                          "feishu", r->path, r->line, q);
            r->failed = true;
            goto done;
        }
        if (!*v[0]) {
            fp_fail(r->err, FP_ERR_INPUT, "%s:%d: the scope is empty: write a team (region, rep) name, or * for the "
                                          "batch's summary", r->path, r->line);
            r->failed = true;
            goto done;
        }
        char *url = resolve(r, v[2], "URL");
        char *secret = *v[3] ? resolve(r, v[3], "secret") : fp_xstrdup("");
        if (!r->failed && !url_ok(url)) {
            char m[300];
            fp_push_mask_url(url, m, sizeof m);
            fp_fail(r->err, FP_ERR_INPUT, "%s:%d: the robot URL \"%s\" is not https:// (plain http only to this "
                                          "machine, for tests)", r->path, r->line, m);
            r->failed = true;
        }
        if (r->failed) {
            free(url);
            free(secret);
            goto done;
        }
        fp_xgrow((void **)&r->t, &r->cap, r->n + 1, sizeof *r->t);
        r->t[r->n++] = (target){fp_xstrdup(v[0]), url, secret, sv, r->line};
    }
done:
    for (int f = 0; f < nf; f++)
        free(r->cells[f]);
    r->field = 0;
}

static void targets_free(target *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(t[i].scope);
        free(t[i].url);
        if (t[i].secret)
            memset(t[i].secret, 0, strlen(t[i].secret));
        free(t[i].secret);
    }
    free(t);
}


static fp_status read_targets(const char *path, target **out, size_t *n, fp_error *err)
{
    size_t len;
    char *text = fp_read_all(path, &len, err);
    if (!text)
        return FP_ERR_NOTFOUND;
    treader r = {.path = path, .err = err};
    struct csv_parser p;
    csv_init(&p, CSV_APPEND_NULL);
    const char *data = text;
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) { /* a BOM, as Excel writes */
        data += 3;
        len -= 3;
    }
    if (csv_parse(&p, data, len, t_field, t_row, &r) != len && !r.failed) {
        fp_fail(err, FP_ERR_INPUT, "%s:%d: malformed quotes", path, r.line + 1);
        r.failed = true;
    }
    csv_fini(&p, t_field, t_row, &r);
    csv_free(&p);
    free(text);
    if (!r.failed && !r.header) {
        fp_fail(err, FP_ERR_INPUT, "%s: empty; the first line is scope,service,url,secret", path);
        r.failed = true;
    }
    if (r.failed) {
        targets_free(r.t, r.n);
        return FP_ERR_INPUT;
    }
    *out = r.t;
    *n = r.n;
    return FP_OK;
}

/* ---- the messages ---- */

typedef struct limits {
    size_t text_bytes;      /* the message text (wecom markdown content, dingtalk text, feishu card text) */
    int per_minute, per_second;
    long rate_code;         /* the service's "too many messages" code */
} limits;

static const limits LIMITS[] = {
    [FP_PUSH_WECOM] = {4096, 20, 0, 45009},
    [FP_PUSH_DINGTALK] = {5000, 20, 0, 130101},
    [FP_PUSH_FEISHU] = {18000, 100, 5, 11232},
};

static const char *SERVICE_NAME[] = {"wecom", "dingtalk", "feishu"};

typedef struct wording {
    const char *sales, *att, *mom, *yoy, *risk, *met, *short_, *behind, *view, *summary, *reports, *more, *sofar;
} wording;

static const wording ZH = {"销售额", "目标达成率", "环比", "同比", "主要风险", "已达成", "未达成", "差距较大",
                           "查看报告", "销售报告汇总", "份报告", "……（其余 %zu 项见报告索引）", "期间未结束，至今"};
static const wording EN = {"Sales", "Attainment", "vs prev.", "YoY", "Top risk", "met", "short", "far short",
                           "Open the report", "sales reports", "reports", "… (%zu more in the index)",
                           "so far; the period is still running"};

static double num(const fp_value *v)
{
    return v && fp_v_type(v) == FP_V_NUM ? fp_v_as_num(v) : NAN;
}

/* the headline figures of one report, as markdown lines */
static void figures(const fp_value *it, const fp_currency *cur, const wording *w, fp_push_service sv, bool en,
                    bool complete, fp_buf *out)
{
    double sales = num(fp_v_get(it, "sales")), att = num(fp_v_get(it, "attainment")),
           mom = num(fp_v_get(it, "mom")), yoy = num(fp_v_get(it, "yoy"));
    fp_buf t;
    fp_buf_init(&t);
    if (!isnan(sales)) {
        fp_fmt_money_in(llround(sales * 100), FP_MONEY_AUTO, cur, &t);
        fp_buf_printf(out, "> %s%s**%s**\n", w->sales, en ? ": " : "：", t.data);
        fp_buf_reset(&t);
    }
    if (!isnan(att)) {
        fp_fmt_percent(att, 1, false, &t);
        /* a verdict only on a finished period: while it runs, the attainment is so far */
        const char *word = !complete ? w->sofar : att >= 1 ? w->met : att >= 0.8 ? w->short_ : w->behind;
        if (sv == FP_PUSH_WECOM) /* WeCom's markdown colours: info green, warning orange-red */
            fp_buf_printf(out, "> %s%s<font color=\"%s\">%s（%s）</font>\n", w->att, en ? ": " : "：",
                          !complete ? "comment" : att >= 1 ? "info" : att >= 0.8 ? "comment" : "warning", t.data, word);
        else
            fp_buf_printf(out, "> %s%s**%s**（%s）\n", w->att, en ? ": " : "：", t.data, word);
        fp_buf_reset(&t);
    }
    if (!isnan(mom) || !isnan(yoy)) {
        fp_buf_adds(out, "> ");
        if (!isnan(mom)) {
            fp_fmt_percent(mom, 1, true, &t);
            fp_buf_printf(out, "%s %s", w->mom, t.data);
            fp_buf_reset(&t);
        }
        if (!isnan(yoy)) {
            fp_fmt_percent(yoy, 1, true, &t);
            fp_buf_printf(out, "%s%s %s", isnan(mom) ? "" : en ? ", " : "，", w->yoy, t.data);
            fp_buf_reset(&t);
        }
        fp_buf_adds(out, "\n");
    }
    const char *risk = fp_v_as_str(fp_v_get(it, "risk"));
    if (risk && *risk)
        fp_buf_printf(out, "> %s%s%s\n", w->risk, en ? ": " : "：", risk);
    fp_buf_free(&t);
}

/* a link to a file of the batch: --link-base and the file name, percent-encoded */
static void link_to(const char *base, const char *name, fp_buf *out)
{
    fp_buf_adds(out, base);
    if (*base && base[strlen(base) - 1] != '/')
        fp_buf_addc(out, '/');
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p))
            fp_buf_addc(out, (char)*p);
        else
            fp_buf_printf(out, "%%%02X", *p);
    }
}

/* cuts text to at most max bytes at a line end, with a note of what was left out */
static void fit(fp_buf *text, size_t max, const wording *w)
{
    if (text->len <= max)
        return;
    size_t keep = 0, lines_left = 0;
    for (size_t i = 0; i < text->len; i++)
        if (text->data[i] == '\n') {
            if (i + 1 + 80 <= max)
                keep = i + 1;
            else
                lines_left++;
        }
    char note[120];
    snprintf(note, sizeof note, w->more, lines_left);
    text->len = keep;
    text->data[keep] = 0;
    fp_buf_adds(text, note);
}

typedef struct message {
    char id[40];
    const char *scope;
    const char *kind;       /* "markdown", "file", "card", "summary" */
    fp_buf body;            /* the JSON (or, for wecom's file, the PDF) */
    const char *file_name;  /* wecom file: the PDF */
    char *file;
    size_t file_len;
} message;

/* ---- HTTP ---- */

typedef struct resp {
    long http;
    fp_buf body;
    char why[600];
    bool transient, rate;
    bool uncertain;         /* the request went out and no answer came: the service may have it */
    char media_id[200];
} resp;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    fp_buf *b = ud;
    if (b->len + size * n > (1u << 20))
        return 0; /* no service answers a megabyte */
    fp_buf_add(b, p, size * n);
    return size * n;
}

static void post(const fp_push_req *r, const char *url, const char *ctype, const char *body, size_t len, resp *out)
{
    memset(out, 0, sizeof *out);
    fp_buf_init(&out->body);
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(out->why, sizeof out->why, "cannot start libcurl");
        out->transient = true;
        return;
    }
    struct curl_slist *h = NULL;
    char ct[200];
    snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
    h = curl_slist_append(h, ct);
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "fupan");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, r->connect_timeout > 0 ? r->connect_timeout : 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, r->timeout > 0 ? r->timeout : 60L);
    if (r->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, r->ca_file);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out->body);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->http);
    long sent = 0;
    curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &sent);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK) {
        snprintf(out->why, sizeof out->why, "%s", curl_easy_strerror(rc));
        /* not sent (no connection): safe to try again; sent without an answer: the service may have posted it,
         * and a second try could post it twice */
        if (sent > 0) /* even with a status line already read: the service had the whole request */
            out->uncertain = true;
        else
            out->transient = true;
        return;
    }
    if (out->http == 502 || out->http == 504) {
        /* a gateway gave up waiting: the service behind it may have posted the message */
        snprintf(out->why, sizeof out->why, "HTTP %ld", out->http);
        out->uncertain = true;
        return;
    }
    if (out->http == 429 || out->http >= 500) {
        snprintf(out->why, sizeof out->why, "HTTP %ld", out->http);
        out->transient = true;
        out->rate = out->http == 429;
        return;
    }
    if (out->http != 200) {
        snprintf(out->why, sizeof out->why, "HTTP %ld: %.300s", out->http, out->body.data ? out->body.data : "");
        return;
    }
}

/* the service's answer: errcode (wecom, dingtalk) or code (feishu; StatusCode in old answers) must be 0 */
static bool accepted(fp_push_service sv, resp *a)
{
    if (a->why[0])
        return false;
    fp_value *v = NULL;
    fp_error e = {0};
    if (!a->body.data || fp_json_parse("answer", a->body.data, a->body.len, &v, &e) != FP_OK) {
        snprintf(a->why, sizeof a->why, "the service answered something that is not JSON: %.200s",
                 a->body.data ? a->body.data : "(nothing)");
        a->transient = true;
        fp_v_free(v);
        return false;
    }
    const fp_value *code = fp_v_get(v, sv == FP_PUSH_FEISHU ? "code" : "errcode");
    if (!code && sv == FP_PUSH_FEISHU)
        code = fp_v_get(v, "StatusCode");
    const char *msg = fp_v_as_str(fp_v_get(v, sv == FP_PUSH_FEISHU ? "msg" : "errmsg"));
    if (!msg && sv == FP_PUSH_FEISHU)
        msg = fp_v_as_str(fp_v_get(v, "StatusMessage"));
    double c = num(code);
    bool ok = !isnan(c) && c == 0;
    if (!ok) {
        long lc = isnan(c) ? -1 : (long)c;
        snprintf(a->why, sizeof a->why, "%s answered %s %ld: %.300s", SERVICE_NAME[sv],
                 sv == FP_PUSH_FEISHU ? "code" : "errcode", lc, msg ? msg : "(no message)");
        a->rate = lc == LIMITS[sv].rate_code;
        a->transient = a->rate || lc == -1 /* busy */;
    }
    const char *mid = fp_v_as_str(fp_v_get(v, "media_id"));
    if (ok && mid)
        snprintf(a->media_id, sizeof a->media_id, "%s", mid);
    fp_v_free(v);
    return ok;
}

/* ---- rate limits: the send times of each robot ---- */

typedef struct robot {
    const char *url;
    double t[128];  /* the last sends, a ring */
    int n, head;
} robot;

static void nap(double s)
{
    if (s <= 0)
        return;
    struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* waits until one more message keeps the robot within its service's limits; returns whether it waited */
static bool wait_turn(const fp_push_req *r, robot *b, fp_push_service sv)
{
    double scale = r->time_scale > 0 ? r->time_scale : 1;
    bool waited = false;
    const struct {
        int n;
        double window;
    } lim[2] = {{LIMITS[sv].per_minute, 60 * scale}, {LIMITS[sv].per_second, 1 * scale}};
    for (int k = 0; k < 2; k++) {
        if (lim[k].n <= 0 || b->n < lim[k].n)
            continue;
        /* the lim[k].n-th most recent send must lie outside the window */
        int idx = (b->head - lim[k].n + 128 * 2) % 128;
        double until = b->t[idx] + lim[k].window - fp_now();
        if (until > 0) {
            nap(until + 0.02 * lim[k].window); /* and a margin for the clocks of two machines */
            waited = true;
        }
    }
    return waited;
}

static void record_send(robot *b)
{
    b->t[b->head] = fp_now();
    b->head = (b->head + 1) % 128;
    if (b->n < 128)
        b->n++;
}

/* ---- the delivery logs (as fupan mail keeps them) ---- */

static bool in_log(const char *log, const char *id, const char *state)
{
    if (!log)
        return false;
    size_t k = strlen(id);
    bool found = false;
    for (const char *p = log; (p = strstr(p, id)) != NULL; p += k)
        if ((p == log || p[-1] == '\n') && p[k] == '\t')
            found = state ? !strncmp(p + k + 1, state, strlen(state)) : true;
    return found;
}

/* what this run writes to a log, also kept in the copy read at the start: a second target row with the same
 * message sees it */
static void note(char **log, const char *id, const char *state)
{
    size_t n = *log ? strlen(*log) : 0, k = strlen(id) + strlen(state) + 3;
    *log = fp_xrealloc(*log, n + k);
    snprintf(*log + n, k, "%s\t%s\n", id, state);
}

static fp_status log_line(const char *path, const char *a, const char *b, fp_error *err)
{
    FILE *f = fopen(path, "ab");
    if (!f)
        return fp_fail(err, FP_ERR_IO, "%s: %s", path, strerror(errno));
    fprintf(f, "%s\t%s\n", a, b);
    bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = fclose(f) == 0 && ok;
    return ok ? FP_OK : fp_fail(err, FP_ERR_IO, "%s: cannot record a message: %s", path, strerror(errno));
}

/* ---- building the requests ---- */

typedef struct ctx {
    const fp_push_req *r;
    const fp_value *man;
    const fp_currency *cur;
    const wording *w;
    bool en;
    const char *dir;
    char outbox[4200], sent_path[4300], sending_path[4300];
    char *sent_log, *sending_log;
    robot robots[64];
    int nrobots;
    int ndry;
    fp_push_result *res;
} ctx;

static robot *robot_of(ctx *x, const char *url)
{
    for (int i = 0; i < x->nrobots; i++)
        if (!strcmp(x->robots[i].url, url))
            return &x->robots[i];
    if (x->nrobots == 64)
        return &x->robots[63];
    robot *b = &x->robots[x->nrobots++];
    memset(b, 0, sizeof *b);
    b->url = url;
    return b;
}

/* the URL a request goes to: DingTalk's carries the signature; WeCom's upload is beside its send */
static void request_url(const target *t, const char *kind, long long now_s, fp_buf *out)
{
    if (t->service == FP_PUSH_WECOM && !strcmp(kind, "upload")) {
        const char *send = strstr(t->url, "/webhook/send");
        if (send) {
            fp_buf_add(out, t->url, (size_t)(send - t->url));
            fp_buf_adds(out, "/webhook/upload_media");
            fp_buf_adds(out, send + strlen("/webhook/send"));
        } else {
            fp_buf_adds(out, t->url);
        }
        fp_buf_adds(out, strchr(t->url, '?') ? "&type=file" : "?type=file");
        return;
    }
    fp_buf_adds(out, t->url);
    if (t->service == FP_PUSH_DINGTALK && *t->secret) {
        char sig[128];
        long long ms = now_s * 1000;
        fp_push_sign_dingtalk(t->secret, ms, sig, sizeof sig);
        char *esc = curl_easy_escape(NULL, sig, 0);
        fp_buf_printf(out, "%stimestamp=%lld&sign=%s", strchr(t->url, '?') ? "&" : "?", ms, esc ? esc : "");
        curl_free(esc);
    }
}

static void add_sign_feishu(const target *t, fp_value *body, long long now_s)
{
    if (t->service != FP_PUSH_FEISHU || !*t->secret)
        return;
    char sig[128], ts[32];
    fp_push_sign_feishu(t->secret, now_s, sig, sizeof sig);
    snprintf(ts, sizeof ts, "%lld", now_s);
    fp_v_set(body, "timestamp", fp_v_str(ts));
    fp_v_set(body, "sign", fp_v_str(sig));
}

/* the body of a text message for a target: markdown (wecom, dingtalk) or a card (feishu) */
static void text_body(ctx *x, const target *t, const char *title, const fp_buf *text, const char *link,
                      long long now_s, fp_buf *out)
{
    fp_value *root = fp_v_obj();
    if (t->service == FP_PUSH_WECOM) {
        fp_v_set(root, "msgtype", fp_v_str("markdown"));
        fp_value *md = fp_v_obj();
        fp_buf c;
        fp_buf_init(&c);
        fp_buf_printf(&c, "**%s**\n%s", title, text->data ? text->data : "");
        fit(&c, LIMITS[FP_PUSH_WECOM].text_bytes, x->w);
        fp_v_set(md, "content", fp_v_str(c.data));
        fp_buf_free(&c);
        fp_v_set(root, "markdown", md);
    } else if (t->service == FP_PUSH_DINGTALK) {
        fp_v_set(root, "msgtype", fp_v_str("markdown"));
        fp_value *md = fp_v_obj();
        fp_v_set(md, "title", fp_v_str(title));
        fp_buf c;
        fp_buf_init(&c);
        fp_buf_printf(&c, "### %s\n%s", title, text->data ? text->data : "");
        fit(&c, LIMITS[FP_PUSH_DINGTALK].text_bytes - (link ? strlen(link) + 40 : 0), x->w);
        if (link)
            fp_buf_printf(&c, "\n[%s](%s)\n", x->w->view, link);
        fp_v_set(md, "text", fp_v_str(c.data));
        fp_buf_free(&c);
        fp_v_set(root, "markdown", md);
    } else {
        add_sign_feishu(t, root, now_s);
        fp_v_set(root, "msg_type", fp_v_str("interactive"));
        fp_value *card = fp_v_obj(), *header = fp_v_obj(), *tt = fp_v_obj(), *els = fp_v_arr();
        fp_v_set(tt, "tag", fp_v_str("plain_text"));
        fp_v_set(tt, "content", fp_v_str(title));
        fp_v_set(header, "title", tt);
        fp_v_set(header, "template", fp_v_str("blue"));
        fp_v_set(card, "header", header);
        fp_value *div = fp_v_obj(), *dt = fp_v_obj();
        fp_buf c;
        fp_buf_init(&c);
        fp_buf_adds(&c, text->data ? text->data : "");
        fit(&c, LIMITS[FP_PUSH_FEISHU].text_bytes, x->w);
        fp_v_set(dt, "tag", fp_v_str("lark_md"));
        fp_v_set(dt, "content", fp_v_str(c.data));
        fp_buf_free(&c);
        fp_v_set(div, "tag", fp_v_str("div"));
        fp_v_set(div, "text", dt);
        fp_v_push(els, div);
        if (link) {
            fp_value *act = fp_v_obj(), *acts = fp_v_arr(), *btn = fp_v_obj(), *bt = fp_v_obj();
            fp_v_set(bt, "tag", fp_v_str("plain_text"));
            fp_v_set(bt, "content", fp_v_str(x->w->view));
            fp_v_set(btn, "tag", fp_v_str("button"));
            fp_v_set(btn, "text", bt);
            fp_v_set(btn, "url", fp_v_str(link));
            fp_v_set(btn, "type", fp_v_str("primary"));
            fp_v_push(acts, btn);
            fp_v_set(act, "tag", fp_v_str("action"));
            fp_v_set(act, "actions", acts);
            fp_v_push(els, act);
        }
        fp_v_set(card, "elements", els);
        fp_v_set(root, "card", card);
    }
    fp_json_write(root, 0, out);
    fp_v_free(root);
}

/* writes one request of a dry run: method, URL (masked), headers, body */
static fp_status dry(ctx *x, const target *t, const char *kind, const char *url, const char *ctype, const char *body,
                     size_t len, fp_error *err)
{
    char masked[4096], name[200];
    fp_push_mask_url(url, masked, sizeof masked);
    fp_buf b;
    fp_buf_init(&b);
    fp_buf_printf(&b, "POST %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n", masked, ctype, len);
    fp_buf_add(&b, body, len);
    snprintf(name, sizeof name, "%03d-%s-%s.http", ++x->ndry, SERVICE_NAME[t->service], kind);
    fp_status st = fp_write_atomic(x->r->dry_run, name, b.data, b.len, err);
    fp_buf_free(&b);
    return st;
}

/* sends one request with retries; true when the service accepted it */
static bool send_with_retries(ctx *x, const target *t, const char *url, const char *ctype, const char *body,
                              size_t len, resp *a)
{
    robot *b = robot_of(x, t->url);
    int tries = 1 + (x->r->retries > 0 ? x->r->retries : 4);
    double scale = x->r->time_scale > 0 ? x->r->time_scale : 1;
    for (int k = 0; k < tries; k++) {
        if (wait_turn(x->r, b, t->service))
            x->res->waited++;
        post(x->r, url, ctype, body, len, a);
        record_send(b); /* when it ended: the service saw it no later than that */
        if (accepted(t->service, a))
            return true;
        if (a->uncertain || !a->transient || k == tries - 1)
            return false;
        /* a service over its rate waits a whole window; anything else backs off 1, 2, 4 … seconds */
        double pause = a->rate ? 60.0 * scale : (double)(1 << k) * scale;
        if (!x->r->quiet) {
            char m[600];
            fp_push_mask_url(a->why, m, sizeof m);
            fprintf(stderr, "fupan: %s: %s; trying again in %.0f s\n", SERVICE_NAME[t->service], m, pause);
        }
        fp_buf_free(&a->body);
        nap(pause);
    }
    return false;
}

/* one message: logged, sent (or written for a dry run), recorded */
static fp_status deliver(ctx *x, const target *t, message *m, const char *period, fp_error *err)
{
    (void)period;
    if (in_log(x->sent_log, m->id, NULL)) {
        x->res->already++;
        return FP_OK;
    }
    if (!x->r->dry_run && in_log(x->sending_log, m->id, "sending") && !x->r->resend_uncertain) {
        x->res->uncertain++;
        fprintf(stderr, "fupan: possibly delivered: %s %s to %s: a run was cut off while the service had it (id %s); "
                        "look in the group, then run again with --resend-uncertain to send it anyway\n",
                m->scope, m->kind, SERVICE_NAME[t->service], m->id);
        return FP_OK;
    }
    long long now_s = x->r->now != (time_t)-1 ? (long long)x->r->now : (long long)time(NULL);
    char jname[80];
    snprintf(jname, sizeof jname, "%s.json", m->id);
    fp_status st;
    if (!x->r->dry_run && (st = fp_write_atomic(x->outbox, jname, m->body.data ? m->body.data : "", m->body.len,
                                                err)) != FP_OK)
        return st;
    fp_buf url;
    fp_buf_init(&url);
    bool ok = false;
    char why[700] = "";
    if (!strcmp(m->kind, "file")) {
        /* WeCom: the PDF is uploaded first (multipart, part "media"), then sent by its media_id */
        fp_buf_reset(&url);
        request_url(t, "upload", now_s, &url);
        char boundary[64], ctype[120];
        snprintf(boundary, sizeof boundary, "fupan-%.24s", m->id);
        snprintf(ctype, sizeof ctype, "multipart/form-data; boundary=%s", boundary);
        fp_buf mp;
        fp_buf_init(&mp);
        fp_buf_printf(&mp,
                      "--%s\r\nContent-Disposition: form-data; name=\"media\"; filename=\"%s\"; filelength=%zu\r\n"
                      "Content-Type: application/octet-stream\r\n\r\n",
                      boundary, m->file_name, m->file_len);
        fp_buf_add(&mp, m->file, m->file_len);
        fp_buf_printf(&mp, "\r\n--%s--\r\n", boundary);
        char media[200] = "";
        if (x->r->dry_run) {
            st = dry(x, t, "upload", url.data, ctype, mp.data, mp.len, err);
            snprintf(media, sizeof media, "<media_id from the upload>");
        } else {
            resp a;
            if (send_with_retries(x, t, url.data, ctype, mp.data, mp.len, &a) && a.media_id[0])
                snprintf(media, sizeof media, "%s", a.media_id);
            else
                snprintf(why, sizeof why, "the upload of %s: %s", m->file_name, a.why[0] ? a.why : "no media_id");
            fp_buf_free(&a.body);
            st = FP_OK;
        }
        fp_buf_free(&mp);
        if (st != FP_OK) {
            fp_buf_free(&url);
            return st;
        }
        fp_buf_reset(&m->body);
        if (media[0]) {
            fp_value *root = fp_v_obj(), *f = fp_v_obj();
            fp_v_set(root, "msgtype", fp_v_str("file"));
            fp_v_set(f, "media_id", fp_v_str(media));
            fp_v_set(root, "file", f);
            fp_json_write(root, 0, &m->body);
            fp_v_free(root);
        }
    }
    fp_buf_reset(&url);
    request_url(t, "send", now_s, &url);
    if (x->r->dry_run) {
        st = dry(x, t, m->kind, url.data, "application/json", m->body.data, m->body.len, err);
        fp_buf_free(&url);
        if (st == FP_OK)
            x->res->sent++;
        return st;
    }
    if (!why[0]) {
        note(&x->sending_log, m->id, "sending");
        if ((st = log_line(x->sending_path, m->id, "sending", err)) != FP_OK) {
            fp_buf_free(&url);
            return st;
        }
        resp a;
        ok = send_with_retries(x, t, url.data, "application/json", m->body.data, m->body.len, &a);
        if (!ok)
            snprintf(why, sizeof why, "%s", a.why);
        fp_buf_free(&a.body);
        if (!ok && a.uncertain) {
            /* sending.log keeps "sending": the next run names it possibly delivered, and sends it only when told */
            char masked[4096];
            fp_push_mask_url(t->url, masked, sizeof masked);
            fp_buf_free(&url);
            x->res->uncertain++;
            fprintf(stderr, "fupan: possibly delivered: %s (%s) to %s: the request went out and no answer came (%s); "
                            "look in the group, then run again with --resend-uncertain to send it anyway\n",
                    m->scope, m->kind, masked, why);
            return FP_OK;
        }
        fp_error e2 = {0};
        if (!ok)
            (void)log_line(x->sending_path, m->id, "not sent", &e2);
        if (!ok)
            note(&x->sending_log, m->id, "not sent");
    }
    char masked[4096];
    fp_push_mask_url(t->url, masked, sizeof masked);
    fp_buf_free(&url);
    if (ok) {
        char what[600];
        snprintf(what, sizeof what, "%s\t%s\t%s", m->scope, SERVICE_NAME[t->service], m->kind);
        note(&x->sent_log, m->id, what);
        if ((st = log_line(x->sent_path, m->id, what, err)) != FP_OK)
            return st;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", x->outbox, jname);
        unlink(path);
        x->res->sent++;
        if (!x->r->quiet)
            fprintf(stderr, "fupan: pushed %s (%s) to %s\n", m->scope, m->kind, masked);
    } else {
        x->res->failed++;
        char m2[700];
        fp_push_mask_url(why, m2, sizeof m2);
        fprintf(stderr, "fupan: not pushed: %s (%s) to %s: %s (kept in %s)\n", m->scope, m->kind, masked, m2,
                x->outbox);
    }
    return FP_OK;
}

static void message_id(message *m, const target *t, const char *period, const char *scope, const char *sha,
                       const char *kind)
{
    fp_buf key;
    fp_buf_init(&key);
    fp_buf_printf(&key, "%s|%s|%s|%s|%s|%s", SERVICE_NAME[t->service], t->url, period ? period : "", scope,
                  sha ? sha : "", kind);
    char h[65];
    fp_sha256_hex(key.data, key.len, h);
    fp_buf_free(&key);
    snprintf(m->id, sizeof m->id, "%.32s", h);
}

fp_status fp_push_run(const fp_push_req *r, fp_push_result *res, fp_error *err)
{
    memset(res, 0, sizeof *res);
    fp_value *man = NULL;
    fp_status st = fp_manifest_read(r->manifest, &man, err);
    if (st != FP_OK)
        return st;
    const fp_value *items = fp_v_get(man, "items");
    target *tg = NULL;
    size_t ntg = 0;
    if ((st = read_targets(r->targets, &tg, &ntg, err)) != FP_OK) {
        fp_v_free(man);
        return st;
    }
    ctx *x = fp_xcalloc(1, sizeof *x);
    x->r = r;
    x->man = man;
    x->res = res;
    x->cur = fp_currency_find(fp_v_as_str(fp_v_get(man, "currency")));
    if (!x->cur)
        x->cur = fp_currency_default();
    const char *lang = fp_v_as_str(fp_v_get(man, "lang"));
    x->en = lang && !strcmp(lang, "en");
    x->w = x->en ? &EN : &ZH;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", r->manifest);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    else
        snprintf(dir, sizeof dir, ".");
    x->dir = dir;
    snprintf(x->outbox, sizeof x->outbox, "%s", r->outbox ? r->outbox : "");
    if (!*x->outbox)
        snprintf(x->outbox, sizeof x->outbox, "%s/push-outbox", dir);
    st = fp_make_dir(r->dry_run ? r->dry_run : x->outbox, err);
    snprintf(x->sent_path, sizeof x->sent_path, "%s/sent.log", x->outbox);
    snprintf(x->sending_path, sizeof x->sending_path, "%s/sending.log", x->outbox);
    fp_error ignore = {0};
    size_t n;
    if (!r->dry_run) {
        x->sent_log = fp_read_all(x->sent_path, &n, &ignore);
        x->sending_log = fp_read_all(x->sending_path, &n, &ignore);
    }
    const char *period = fp_v_as_str(fp_v_get(man, "period"));
    for (size_t ti = 0; ti < ntg && st == FP_OK; ti++) {
        const target *t = &tg[ti];
        bool all = !strcmp(t->scope, "*");
        if (all) {
            /* the batch's summary: a line per report */
            message m = {.scope = "*", .kind = "summary"};
            fp_buf_init(&m.body);
            fp_buf text;
            fp_buf_init(&text);
            size_t ok_n = 0;
            fp_buf shas;
            fp_buf_init(&shas);
            for (size_t i = 0; i < fp_v_len(items); i++) {
                const fp_value *it = fp_v_at(items, i);
                const char *sc = fp_v_as_str(fp_v_get(it, "scope")), *status = fp_v_as_str(fp_v_get(it, "status"));
                if (!sc || !status || strcmp(status, "ok"))
                    continue;
                ok_n++;
                double sales = num(fp_v_get(it, "sales")), att = num(fp_v_get(it, "attainment"));
                fp_buf f;
                fp_buf_init(&f);
                if (!isnan(sales))
                    fp_fmt_money_in(llround(sales * 100), FP_MONEY_AUTO, x->cur, &f);
                fp_buf_printf(&text, "- **%s**%s%s", sc, x->en ? ": " : "：", f.data ? f.data : "—");
                if (!isnan(att)) {
                    fp_buf_reset(&f);
                    fp_fmt_percent(att, 1, false, &f);
                    fp_buf_printf(&text, "%s%s %s", x->en ? ", " : "，", x->w->att, f.data);
                }
                fp_buf_adds(&text, "\n");
                fp_buf_free(&f);
                const fp_value *pdf = fp_v_at(fp_v_get(it, "files"), 0);
                fp_buf_adds(&shas, fp_v_as_str(fp_v_get(pdf, "sha256")) ? fp_v_as_str(fp_v_get(pdf, "sha256")) : "");
            }
            char title[300];
            snprintf(title, sizeof title, x->en ? "%s %s (%zu %s)" : "%s %s（%zu %s）", period ? period : "",
                     x->w->summary, ok_n, x->w->reports);
            char h[65];
            fp_sha256_hex(shas.data ? shas.data : "", shas.len, h);
            fp_buf_free(&shas);
            message_id(&m, t, period, "*", h, "summary");
            fp_buf link;
            fp_buf_init(&link);
            const char *index = "index.html";
            if (r->link_base)
                link_to(r->link_base, index, &link);
            long long now_s = r->now != (time_t)-1 ? (long long)r->now : (long long)time(NULL);
            text_body(x, t, title, &text, r->link_base ? link.data : NULL, now_s, &m.body);
            st = deliver(x, t, &m, period, err);
            fp_buf_free(&link);
            fp_buf_free(&text);
            fp_buf_free(&m.body);
            continue;
        }
        const fp_value *it = NULL;
        for (size_t i = 0; i < fp_v_len(items) && !it; i++) {
            const fp_value *c = fp_v_at(items, i);
            const char *sc = fp_v_as_str(fp_v_get(c, "scope")), *status = fp_v_as_str(fp_v_get(c, "status"));
            if (sc && status && !strcmp(sc, t->scope) && !strcmp(status, "ok"))
                it = c;
        }
        if (!it) {
            res->no_target++;
            fprintf(stderr, "fupan: %s:%d: the batch has no report for \"%s\"; nothing pushed for it\n", r->targets,
                    t->line, t->scope);
            continue;
        }
        const fp_value *files = fp_v_get(it, "files");
        const char *pdf_name = NULL, *pdf_sha = NULL, *html_name = NULL;
        for (size_t k = 0; k < fp_v_len(files); k++) {
            const char *nm = fp_v_as_str(fp_v_get(fp_v_at(files, k), "name"));
            if (nm && strlen(nm) > 4 && !strcmp(nm + strlen(nm) - 4, ".pdf")) {
                pdf_name = nm;
                pdf_sha = fp_v_as_str(fp_v_get(fp_v_at(files, k), "sha256"));
            }
            if (nm && strlen(nm) > 5 && !strcmp(nm + strlen(nm) - 5, ".html"))
                html_name = nm;
        }
        if (!pdf_name || !pdf_sha || strchr(pdf_name, '/')) {
            st = fp_fail(err, FP_ERR_INPUT, "%s: the item for %s names no PDF", r->manifest, t->scope);
            break;
        }
        const char *title = fp_v_as_str(fp_v_get(it, "title"));
        fp_buf text;
        fp_buf_init(&text);
        const fp_value *cpl = fp_v_get(man, "complete");
        figures(it, x->cur, x->w, t->service, x->en, !cpl || fp_v_type(cpl) != FP_V_BOOL || fp_v_as_bool(cpl), &text);
        fp_buf link;
        fp_buf_init(&link);
        if (r->link_base)
            link_to(r->link_base, html_name ? html_name : pdf_name, &link);
        long long now_s = r->now != (time_t)-1 ? (long long)r->now : (long long)time(NULL);
        message m = {.scope = t->scope, .kind = t->service == FP_PUSH_FEISHU ? "card" : "markdown"};
        fp_buf_init(&m.body);
        message_id(&m, t, period, t->scope, pdf_sha, m.kind);
        text_body(x, t, title ? title : t->scope, &text, r->link_base ? link.data : NULL, now_s, &m.body);
        st = deliver(x, t, &m, period, err);
        fp_buf_free(&m.body);
        fp_buf_free(&text);
        fp_buf_free(&link);
        if (st == FP_OK && t->service == FP_PUSH_WECOM) {
            /* the PDF itself, as a file message */
            char path[8300];
            snprintf(path, sizeof path, "%s/%s", dir, pdf_name);
            message f = {.scope = t->scope, .kind = "file", .file_name = pdf_name};
            fp_buf_init(&f.body);
            message_id(&f, t, period, t->scope, pdf_sha, "file");
            size_t flen;
            f.file = fp_read_all(path, &flen, err);
            if (!f.file) {
                st = FP_ERR_NOTFOUND;
                break;
            }
            f.file_len = flen;
            char sha[65];
            fp_sha256_hex(f.file, flen, sha);
            if (strcmp(sha, pdf_sha)) {
                free(f.file);
                st = fp_fail(err, FP_ERR_INPUT, "%s: the file differs from the manifest (SHA-256); run the batch again",
                             path);
                break;
            }
            if (flen > 20u << 20) {
                fprintf(stderr, "fupan: %s: over the 20 MB WeCom takes for a file; sent as figures only\n", path);
            } else {
                fp_buf_adds(&f.body, pdf_name); /* the outbox's copy names the file */
                st = deliver(x, t, &f, period, err);
            }
            free(f.file);
            fp_buf_free(&f.body);
        }
    }
    free(x->sent_log);
    free(x->sending_log);
    free(x);
    targets_free(tg, ntg);
    fp_v_free(man);
    return st;
}
