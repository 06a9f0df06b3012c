/* mail.c — MIME messages, the outbox and SMTP delivery; see mail.h. */
#include "mail.h"

#include "output.h"
#include "value.h"

#include <csv.h>
#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- encodings ---- */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* base64 of data; lines of 76 characters with CRLF when wrap */
static void base64(fp_buf *out, const void *data, size_t n, bool wrap)
{
    const uint8_t *p = data;
    size_t col = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        char q[4] = {B64[v >> 18 & 63], B64[v >> 12 & 63], i + 1 < n ? B64[v >> 6 & 63] : '=',
                     i + 2 < n ? B64[v & 63] : '='};
        fp_buf_add(out, q, 4);
        col += 4;
        if (wrap && col >= 76) {
            fp_buf_adds(out, "\r\n");
            col = 0;
        }
    }
    if (wrap && col)
        fp_buf_adds(out, "\r\n");
}

static bool ascii_printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E)
            return false;
    return true;
}

/* a header value as RFC 2047 encoded words (UTF-8, base64), split on character boundaries so no
 * word passes 75 characters; plain ASCII without line breaks stays as it is */
static void encoded_words_clean(fp_buf *out, const char *s);

/* bidirectional controls are left out of a header (a name that reads T_华南exe.jpg but is gpj.exe) */
static void encoded_words(fp_buf *out, const char *s)
{
    fp_buf clean;
    fp_buf_init(&clean);
    for (const char *p = s; *p;) {
        size_t bidi = fp_bidi_control(p, strnlen(p, 4));
        if (bidi) {
            p += bidi;
            continue;
        }
        fp_buf_addc(&clean, *p++);
    }
    encoded_words_clean(out, clean.data ? clean.data : "");
    fp_buf_free(&clean);
}

static void encoded_words_clean(fp_buf *out, const char *s)
{
    if (ascii_printable(s)) {
        fp_buf_adds(out, s);
        return;
    }
    const char *p = s, *end = s + strlen(s);
    bool first = true;
    while (*p) {
        /* up to 45 bytes of whole characters: 60 base64 characters */
        const char *q = p;
        while (*q) {
            const char *next = q;
            fp_utf8_next(&next);
            if (next > end) /* a sequence cut short by the end of the text */
                next = end;
            if (next - p > 45)
                break;
            q = next;
        }
        if (q == p) /* one character longer than 45 bytes cannot happen in UTF-8; be safe */
            q = p + 1;
        if (!first)
            fp_buf_adds(out, "\r\n ");
        fp_buf_adds(out, "=?UTF-8?B?");
        base64(out, p, (size_t)(q - p), false);
        fp_buf_adds(out, "?=");
        first = false;
        p = q;
    }
}

/* RFC 2231 / 5987: filename*=UTF-8''%E5%8D%8E… */
static void ext_value(fp_buf *out, const char *s)
{
    fp_buf_adds(out, "UTF-8''");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p))
            fp_buf_addc(out, (char)*p);
        else
            fp_buf_printf(out, "%%%02X", *p);
    }
}

bool fp_mail_address_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 254)
        return false;
    const char *at = strchr(s, '@');
    if (!at || at == s || !at[1] || strchr(at + 1, '@'))
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p >= 0x7F || strchr("<>()[]\\,;:\"", *p))
            return false;
    return strchr(at + 1, '.') != NULL;
}

static void address_list(fp_buf *out, const char *name, const char *const *a, size_t n)
{
    fp_buf_printf(out, "%s: ", name);
    for (size_t i = 0; i < n; i++)
        fp_buf_printf(out, "%s<%s>", i ? ",\r\n " : "", a[i]);
    fp_buf_adds(out, "\r\n");
}

fp_status fp_mail_build(const fp_mail_msg *m, fp_buf *out, fp_error *err)
{
    if (!fp_mail_address_ok(m->from))
        return fp_fail(err, FP_ERR_INPUT, "the sender \"%.80s\" is not one plain e-mail address", m->from);
    if (!m->nto)
        return fp_fail(err, FP_ERR_INPUT, "a message needs at least one recipient");
    for (size_t i = 0; i < m->nto + m->ncc; i++) {
        const char *a = i < m->nto ? m->to[i] : m->cc[i - m->nto];
        if (!fp_mail_address_ok(a))
            return fp_fail(err, FP_ERR_INPUT, "\"%.80s\" is not one plain e-mail address", a);
    }
    if (!m->message_id || !ascii_printable(m->message_id) || strpbrk(m->message_id, "<> "))
        return fp_fail(err, FP_ERR_INTERNAL, "a bad Message-ID");
    char date[64];
    struct tm tm;
    time_t t = m->date;
    gmtime_r(&t, &tm);
    static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    snprintf(date, sizeof date, "%s, %02d %s %04d %02d:%02d:%02d +0000", wd[tm.tm_wday], tm.tm_mday, mo[tm.tm_mon],
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    char mixed[96], alt[96];
    snprintf(mixed, sizeof mixed, "=_fupan_mixed_%.40s", m->message_id);
    snprintf(alt, sizeof alt, "=_fupan_alt_%.40s", m->message_id);
    for (char *p = mixed; *p; p++)
        if (*p == '@')
            *p = '_';
    for (char *p = alt; *p; p++)
        if (*p == '@')
            *p = '_';
    fp_buf_printf(out, "From: <%s>\r\n", m->from);
    address_list(out, "To", m->to, m->nto);
    if (m->ncc)
        address_list(out, "Cc", m->cc, m->ncc);
    fp_buf_adds(out, "Subject: ");
    encoded_words(out, m->subject ? m->subject : "");
    fp_buf_printf(out, "\r\nDate: %s\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n", date, m->message_id);
    fp_buf_printf(out, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n", mixed);
    fp_buf_adds(out, "This is a message in MIME format.\r\n");
    fp_buf_printf(out, "--%s\r\nContent-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", mixed, alt);
    fp_buf_printf(out, "--%s\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
                  alt);
    base64(out, m->text, strlen(m->text), true);
    fp_buf_printf(out, "--%s\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
                  alt);
    base64(out, m->html, strlen(m->html), true);
    fp_buf_printf(out, "--%s--\r\n", alt);
    if (m->attach) {
        fp_buf_printf(out, "--%s\r\nContent-Type: application/pdf; name=\"", mixed);
        encoded_words(out, m->attach_name);
        fp_buf_adds(out, "\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment;\r\n filename=\"");
        encoded_words(out, m->attach_name);
        fp_buf_adds(out, "\";\r\n filename*=");
        ext_value(out, m->attach_name);
        fp_buf_adds(out, "\r\n\r\n");
        base64(out, m->attach, m->attach_len, true);
    }
    fp_buf_printf(out, "--%s--\r\n", mixed);
    return FP_OK;
}

/* ---- recipients ---- */

typedef struct rcpt {
    char *scope;
    char **to, **cc;
    size_t nto, ncc;
} rcpt;

typedef struct rparse {
    rcpt *r;
    size_t n, cap;
    char *field[3];
    int col, line;
    bool header_done, bad;
    char why[300];
} rparse;

static void split_addrs(const char *s, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    const char *p = s;
    while (p && *p) {
        const char *semi = strchr(p, ';');
        size_t len = semi ? (size_t)(semi - p) : strlen(p);
        const char *a = p;
        size_t al = fp_trim(&a, len);
        if (al) {
            *out = fp_xrealloc(*out, (*n + 1) * sizeof **out);
            (*out)[(*n)++] = fp_xstrndup(a, al);
        }
        p = semi ? semi + 1 : NULL;
    }
}

static void r_field(void *s, size_t len, void *ud)
{
    rparse *p = ud;
    if (p->col < 3)
        p->field[p->col] = fp_xstrndup(s ? s : "", len);
    p->col++;
}

static void r_row(int c, void *ud)
{
    (void)c;
    rparse *p = ud;
    p->line++;
    if (!p->header_done) {
        p->header_done = true;
        if (!p->field[0] || !p->field[1] || strcmp(p->field[0], "scope") || strcmp(p->field[1], "to")) {
            p->bad = true;
            snprintf(p->why, sizeof p->why, "1: the header must be scope,to,cc");
        }
    } else if (p->field[0] && *p->field[0]) {
        fp_xgrow((void **)&p->r, &p->cap, p->n + 1, sizeof *p->r);
        rcpt *r = &p->r[p->n++];
        memset(r, 0, sizeof *r);
        r->scope = fp_xstrdup(p->field[0]);
        split_addrs(p->field[1], &r->to, &r->nto);
        split_addrs(p->col > 2 ? p->field[2] : "", &r->cc, &r->ncc);
        for (size_t i = 0; i < r->nto + r->ncc && !p->bad; i++) {
            const char *a = i < r->nto ? r->to[i] : r->cc[i - r->nto];
            if (!fp_mail_address_ok(a)) {
                p->bad = true;
                snprintf(p->why, sizeof p->why, "%d: \"%.80s\" is not one plain e-mail address", p->line, a);
            }
        }
        if (!r->nto && !p->bad) {
            p->bad = true;
            snprintf(p->why, sizeof p->why, "%d: %.60s has no address in the to column", p->line, r->scope);
        }
    }
    for (int i = 0; i < 3; i++) {
        free(p->field[i]);
        p->field[i] = NULL;
    }
    p->col = 0;
}

static void rcpt_free(rcpt *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < r[i].nto; k++)
            free(r[i].to[k]);
        for (size_t k = 0; k < r[i].ncc; k++)
            free(r[i].cc[k]);
        free(r[i].to);
        free(r[i].cc);
        free(r[i].scope);
    }
    free(r);
}


static fp_status read_recipients(const char *path, rcpt **out, size_t *n, fp_error *err)
{
    size_t len;
    char *text = fp_read_all(path, &len, err);
    if (!text)
        return FP_ERR_NOTFOUND;
    struct csv_parser cp;
    csv_init(&cp, CSV_APPEND_NULL);
    rparse p = {0};
    size_t skip = len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
    if (csv_parse(&cp, text + skip, len - skip, r_field, r_row, &p) != len - skip && !p.bad) {
        p.bad = true;
        snprintf(p.why, sizeof p.why, "%d: %s", p.line + 1, csv_strerror(csv_error(&cp)));
    }
    csv_fini(&cp, r_field, r_row, &p);
    csv_free(&cp);
    free(text);
    for (int i = 0; i < 3; i++)
        free(p.field[i]);
    if (p.bad) {
        rcpt_free(p.r, p.n);
        return fp_fail(err, FP_ERR_INPUT, "%s:%s", path, p.why);
    }
    *out = p.r;
    *n = p.n;
    return FP_OK;
}

/* ---- sending ---- */

typedef struct upload {
    const char *data;
    size_t len, pos;
} upload;

static size_t up_read(char *buf, size_t size, size_t nitems, void *ud)
{
    upload *u = ud;
    size_t room = size * nitems, left = u->len - u->pos, k = left < room ? left : room;
    memcpy(buf, u->data + u->pos, k);
    u->pos += k;
    return k;
}

/* errors that say the server cannot be reached or trusted at all (not this message): the run stops there */
static bool server_down(CURLcode rc)
{
    return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_OPERATION_TIMEDOUT ||
           rc == CURLE_USE_SSL_FAILED || rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_PEER_FAILED_VERIFICATION ||
           rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_LOGIN_DENIED;
}

static fp_status smtp_send(const fp_mail_req *req, const rcpt *r, const fp_buf *msg, char *why, size_t whyn,
                           bool *down)
{
    const char *url = req->smtp_url, *from = req->from;
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(why, whyn, "libcurl cannot start");
        return FP_ERR_INTERNAL;
    }
    struct curl_slist *to = NULL;
    for (size_t i = 0; i < r->nto; i++)
        to = curl_slist_append(to, r->to[i]);
    for (size_t i = 0; i < r->ncc; i++)
        to = curl_slist_append(to, r->cc[i]);
    upload u = {msg->data, msg->len, 0};
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, to);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, up_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &u);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg->len);
    /* TLS or nothing: smtps://, or STARTTLS required (CURLUSESSL_TRY would send the login and the reports in
     * the clear to anyone who strips STARTTLS from the server's answer); the certificate verified */
    curl_easy_setopt(c, CURLOPT_USE_SSL, (long)(req->plain ? CURLUSESSL_NONE : CURLUSESSL_ALL));
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (req->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, req->ca_file);
    /* plain SMTP carries no login at all, not even one from ~/.netrc */
    curl_easy_setopt(c, CURLOPT_NETRC, (long)(req->plain ? CURL_NETRC_IGNORED : CURL_NETRC_OPTIONAL));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, req->connect_timeout > 0 ? req->connect_timeout : 20L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, req->timeout > 0 ? req->timeout : 120L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    /* a login from the environment (never the command line), else ~/.netrc */
    const char *user = getenv("FUPAN_SMTP_USER"), *pass = getenv("FUPAN_SMTP_PASSWORD");
    if (user && *user && !req->plain) {
        curl_easy_setopt(c, CURLOPT_USERNAME, user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, pass ? pass : "");
    }
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (rc == CURLE_USE_SSL_FAILED)
        snprintf(why, whyn, "the server does not offer STARTTLS, and fupan sends only over TLS (use smtps:// or a "
                            "server that offers STARTTLS; --plain is for a relay that needs no login)");
    else if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE)
        snprintf(why, whyn, "the server's certificate cannot be verified (%s%s%s); give its CA with --ca-file",
                 curl_easy_strerror(rc), *errbuf ? ": " : "", errbuf);
    else if (rc != CURLE_OK)
        snprintf(why, whyn, "%s%s%s (SMTP %ld)", curl_easy_strerror(rc), *errbuf ? ": " : "", errbuf, code);
    *down = server_down(rc);
    curl_slist_free_all(to);
    curl_easy_cleanup(c);
    return rc == CURLE_OK ? FP_OK : FP_ERR_IO;
}

/* ---- the outbox ---- */

static bool in_sent_log(const char *log, const char *id)
{
    if (!log)
        return false;
    size_t k = strlen(id);
    for (const char *p = log; (p = strstr(p, id)) != NULL; p += k)
        if ((p == log || p[-1] == '\n') && p[k] == '\t')
            return true;
    return false;
}

/* appends one line (fields joined by tabs) to one of the outbox's logs, on disk before it returns */
static fp_status log_line(const char *path, const char *a, const char *b, const char *c, fp_error *err)
{
    FILE *f = fopen(path, "ab");
    if (!f)
        return fp_fail(err, FP_ERR_IO, "%s: %s", path, strerror(errno));
    fprintf(f, "%s\t%s%s%s\n", a, b, c ? "\t" : "", c ? c : "");
    bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = fclose(f) == 0 && ok;
    return ok ? FP_OK : fp_fail(err, FP_ERR_IO, "%s: cannot record a message: %s", path, strerror(errno));
}

static fp_status log_sent(const char *path, const char *id, const char *scope, const char *to, fp_error *err)
{
    return log_line(path, id, scope, to, err);
}

/* OUTBOX/sending.log: "<id>\tsending" before a message goes to the server, "<id>\tnot sent" when the server
 * refused it or was not reached. An id whose last line says sending and that sent.log lacks was in the server's
 * hands when a run was cut off (kill -9, a crash, a power cut): possibly delivered. */
static bool uncertain(const char *sending, const char *sent, const char *id)
{
    if (!sending || in_sent_log(sent, id))
        return false;
    size_t k = strlen(id);
    bool state = false;
    for (const char *p = sending; (p = strstr(p, id)) != NULL; p += k)
        if ((p == sending || p[-1] == '\n') && p[k] == '\t')
            state = !strncmp(p + k + 1, "sending\n", 8);
    return state;
}

static fp_status log_state(const char *path, const char *id, const char *state, fp_error *err)
{
    return log_line(path, id, state, NULL, err);
}

static double num_or_nan(const fp_value *v)
{
    return v && fp_v_type(v) == FP_V_NUM ? fp_v_as_num(v) : NAN;
}

static void body(const fp_value *it, const char *title, fp_buf *text, fp_buf *html)
{
    double sales = num_or_nan(fp_v_get(it, "sales")), att = num_or_nan(fp_v_get(it, "attainment")),
           mom = num_or_nan(fp_v_get(it, "mom"));
    char figs[256] = "", s1[64] = "", s2[64] = "", s3[64] = "";
    if (!isnan(sales))
        snprintf(s1, sizeof s1, "销售额 %.2f万元", sales / 1e4);
    if (!isnan(att))
        snprintf(s2, sizeof s2, "，目标达成率 %.1f%%", att * 100);
    if (!isnan(mom))
        snprintf(s3, sizeof s3, "，环比 %+.1f%%", mom * 100);
    snprintf(figs, sizeof figs, "%s%s%s", s1, s2, s3);
    fp_buf_printf(text, "您好：\n\n附件是《%s》。\n%s%s\n\n此邮件由 fupan 生成。\n", title, figs, *figs ? "。" : "");
    fp_buf_adds(html, "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"></head><body>"
                      "<p>您好：</p><p>附件是《");
    fp_buf_add_escaped(html, title);
    fp_buf_adds(html, "》。</p>");
    if (*figs) {
        fp_buf_adds(html, "<p><b>");
        fp_buf_add_escaped(html, figs);
        fp_buf_adds(html, "</b>。</p>");
    }
    fp_buf_adds(html, "<p style=\"color:#6b7785\">此邮件由 fupan 生成。</p></body></html>\n");
}

fp_status fp_mail_run(const fp_mail_req *r, fp_mail_result *res, fp_error *err)
{
    memset(res, 0, sizeof *res);
    if (!fp_mail_address_ok(r->from))
        return fp_fail(err, FP_ERR_USAGE, "--from \"%.80s\" is not one plain e-mail address", r->from);
    fp_value *man = NULL;
    fp_status st = fp_manifest_read(r->manifest, &man, err);
    if (st != FP_OK)
        return st;
    const fp_value *items = fp_v_get(man, "items");
    rcpt *rc = NULL;
    size_t nrc = 0;
    if ((st = read_recipients(r->recipients, &rc, &nrc, err)) != FP_OK) {
        fp_v_free(man);
        return st;
    }
    /* the folder of the manifest holds the reports */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", r->manifest);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    else
        snprintf(dir, sizeof dir, ".");
    char outbox[4200];
    snprintf(outbox, sizeof outbox, "%s", r->dry_run ? r->dry_run : r->outbox ? r->outbox : "");
    if (!*outbox)
        snprintf(outbox, sizeof outbox, "%s/outbox", dir);
    if ((st = fp_make_dir(outbox, err)) != FP_OK)
        goto out;
    char logpath[4300];
    snprintf(logpath, sizeof logpath, "%s/sent.log", outbox);
    size_t loglen;
    fp_error ignore = {0};
    char *log = r->dry_run ? NULL : fp_read_all(logpath, &loglen, &ignore);
    char sendpath[4300];
    snprintf(sendpath, sizeof sendpath, "%s/sending.log", outbox);
    size_t sendlen;
    char *sending = r->dry_run ? NULL : fp_read_all(sendpath, &sendlen, &ignore);
    const char *period = fp_v_as_str(fp_v_get(man, "period"));
    time_t date = r->date != (time_t)-1 ? r->date : time(NULL);
    bool stopped = false;
    for (size_t i = 0; i < fp_v_len(items); i++) {
        const fp_value *it = fp_v_at(items, i);
        const char *scope = fp_v_as_str(fp_v_get(it, "scope")), *status = fp_v_as_str(fp_v_get(it, "status"));
        if (!scope || !status || strcmp(status, "ok"))
            continue;
        const rcpt *to = NULL;
        for (size_t k = 0; k < nrc && !to; k++)
            if (!strcmp(rc[k].scope, scope))
                to = &rc[k];
        if (!to) {
            res->no_recipient++;
            continue;
        }
        const fp_value *pdf = fp_v_at(fp_v_get(it, "files"), 0);
        const char *pdf_name = fp_v_as_str(fp_v_get(pdf, "name")), *pdf_sha = fp_v_as_str(fp_v_get(pdf, "sha256"));
        if (!pdf_name || !pdf_sha || strchr(pdf_name, '/')) {
            st = fp_fail(err, FP_ERR_INPUT, "%s: the item for %s names no PDF", r->manifest, scope);
            break;
        }
        /* the message id: the report and its recipients */
        fp_buf key;
        fp_buf_init(&key);
        fp_buf_printf(&key, "%s|%s|%s|%s", period ? period : "", scope, pdf_sha, r->from);
        for (size_t k = 0; k < to->nto; k++)
            fp_buf_printf(&key, "|to:%s", to->to[k]);
        for (size_t k = 0; k < to->ncc; k++)
            fp_buf_printf(&key, "|cc:%s", to->cc[k]);
        char h[65], id[96];
        fp_sha256_hex(key.data, key.len, h);
        fp_buf_free(&key);
        snprintf(id, sizeof id, "%.32s@fupan.report", h);
        if (in_sent_log(log, id)) {
            res->already++;
            continue;
        }
        if (uncertain(sending, log, id) && !r->resend_uncertain) {
            res->uncertain++;
            fprintf(stderr, "fupan: possibly delivered: %s to %s: a run was cut off while the server had it "
                            "(Message-ID <%s>); ask the recipients, then run again with --resend-uncertain to "
                            "send it anyway\n", scope, to->to[0], id);
            continue;
        }
        char path[8300];
        snprintf(path, sizeof path, "%s/%s", dir, pdf_name);
        size_t plen;
        char *pdfdata = fp_read_all(path, &plen, err);
        if (!pdfdata) {
            st = FP_ERR_NOTFOUND;
            break;
        }
        char sha[65];
        fp_sha256_hex(pdfdata, plen, sha);
        if (strcmp(sha, pdf_sha)) {
            free(pdfdata);
            st = fp_fail(err, FP_ERR_INPUT, "%s: the file differs from the manifest (SHA-256); run the batch again",
                         path);
            break;
        }
        const char *title = fp_v_as_str(fp_v_get(it, "title"));
        fp_buf text, html, msg;
        fp_buf_init(&text);
        fp_buf_init(&html);
        fp_buf_init(&msg);
        body(it, title ? title : scope, &text, &html);
        fp_mail_msg m = {.from = r->from,
                         .to = (const char *const *)to->to,
                         .nto = to->nto,
                         .cc = (const char *const *)to->cc,
                         .ncc = to->ncc,
                         .subject = title ? title : scope,
                         .text = text.data,
                         .html = html.data,
                         .attach_name = pdf_name,
                         .attach = pdfdata,
                         .attach_len = plen,
                         .date = date,
                         .message_id = id};
        st = fp_mail_build(&m, &msg, err);
        free(pdfdata);
        fp_buf_free(&text);
        fp_buf_free(&html);
        char eml[128];
        snprintf(eml, sizeof eml, "%.32s.eml", h);
        if (st == FP_OK)
            st = fp_write_atomic(outbox, eml, msg.data, msg.len, err); /* in the outbox before it is sent */
        if (st != FP_OK) {
            fp_buf_free(&msg);
            break;
        }
        if (r->dry_run) {
            res->sent++;
            if (!r->quiet)
                fprintf(stderr, "fupan: %s → %s/%s\n", scope, outbox, eml);
            fp_buf_free(&msg);
            continue;
        }
        char why[600] = "";
        char errname[128], errpath[8400], emlpath[8400];
        snprintf(errname, sizeof errname, "%.32s.err", h);
        snprintf(errpath, sizeof errpath, "%s/%s", outbox, errname);
        snprintf(emlpath, sizeof emlpath, "%s/%s", outbox, eml);
        if (stopped) { /* the server could not be reached: this one waits in the outbox for the next run */
            res->waiting++;
            fp_buf_free(&msg);
            continue;
        }
        bool down = false;
        /* in the server's hands from here until sent.log says otherwise */
        if ((st = log_state(sendpath, id, "sending", err)) != FP_OK) {
            fp_buf_free(&msg);
            break;
        }
        fp_status sent_st = smtp_send(r, to, &msg, why, sizeof why, &down);
        if (sent_st != FP_OK) {
            fp_error e3 = {0};
            (void)log_state(sendpath, id, "not sent", &e3); /* refused or not reached: not delivered */
        }
        if (sent_st == FP_OK) {
            if ((st = log_sent(logpath, id, scope, to->to[0], err)) != FP_OK) {
                fp_buf_free(&msg);
                break;
            }
            unlink(emlpath);
            unlink(errpath);
            res->sent++;
            if (!r->quiet)
                fprintf(stderr, "fupan: sent %s to %s%s\n", scope, to->to[0], to->nto + to->ncc > 1 ? " …" : "");
        } else {
            fp_buf reason;
            fp_buf_init(&reason);
            fp_buf_printf(&reason, "%s\n", why);
            fp_error e2 = {0};
            (void)fp_write_atomic(outbox, errname, reason.data, reason.len, &e2);
            fp_buf_free(&reason);
            res->failed++;
            if (!r->quiet)
                fprintf(stderr, "fupan: not sent: %s: %s (kept in %s)\n", scope, why, emlpath);
            stopped = down;
        }
        fp_buf_free(&msg);
    }
    if (stopped)
        fprintf(stderr, "fupan: stopped: the server could not be reached or trusted, so %zu more message%s were not "
                        "tried; every message waits in %s — run the same command again to send them (nothing is "
                        "sent twice)\n", res->waiting, res->waiting == 1 ? "" : "s", outbox);
    free(log);
    free(sending);
out:
    rcpt_free(rc, nrc);
    fp_v_free(man);
    return st;
}
