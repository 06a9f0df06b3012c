/* serve.c — `fupan serve` (serve.h says what it offers). libmicrohttpd does all of HTTP; this file decides
 * what each URL answers, who may see it, keeps the data fresh and the rendered reports cached. */
#include "serve.h"

#include "batch.h"
#include "dataset.h"
#include "format.h"
#include "metrics.h"
#include "metrics_value.h"
#include "notes.h"
#include "period.h"
#include "pool.h"
#include "profile.h"
#include "report.h"
#include "template.h"
#include "util.h"
#include "value.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <microhttpd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define PBKDF2_ITER 100000

/* ---- one version of the data, shared by the requests that use it ---- */

typedef struct snapshot {
    int refs;
    unsigned version;
    fp_profile *prof;
    fp_dataset *ds;
} snapshot;

/* ---- users ---- */

typedef struct user {
    char *name;
    char *secret; /* pbkdf2-sha256$… or token-sha256$HEX */
    char **scopes;
    size_t nscopes;
} user;

/* ---- the render cache: LRU, bounded in bytes ---- */

/* An entry is shared, not copied: a request takes a reference (cache_ref), answers from the entry's bytes
 * and gives the reference back when libmicrohttpd has sent them; the cache holds one reference while the
 * entry is in its list. A report page's bytes go out in place, only its nonce is new (report_page). */
typedef struct centry {
    char *key;
    fp_buf body;
    _Atomic int refs;
    size_t csp_at, body_end; /* a report page: where its CSP goes on and where </body> stands (0: none) */
    bool cached;             /* put in the cache (it may have left it since) */
    /* a report page as it is answered, made once (under srv.mu): as it is and gzipped, for the events URL
     * page_events; libmicrohttpd sends the same response to every client, nothing is made per answer */
    struct MHD_Response *page, *page_gz;
    char *page_events;
    struct centry *prev, *next;
} centry;

typedef struct srv {
    const fp_serve_opts *o;
    pthread_mutex_t mu;
    snapshot *snap;
    unsigned next_version;
    char load_error[2048];
    fp_fontset *fonts;
    user *users;
    size_t nusers;
    centry *head, *tail;
    size_t cached;
    pthread_t watcher;
    int inotify_fd;
    _Atomic int port;  /* the port it listens on, for the Host check */
    _Atomic int stopping;
    /* reports and figures made at once: as many as processors, the other requests wait their turn (so many
     * clients at once queue instead of each holding a report's working memory) */
    pthread_mutex_t gate_mu;
    int busy, max_busy;
    struct gwait *gate_head, *gate_tail; /* waiting, first come first served */
    /* the templates' stamps, looked at most every 50 ms (under mu) */
    struct {
        char path[512];
        double at, stamp;
    } memo[16];
    int nmemo;
} srv;

/* The gate lets as many renders through as there are processors, in the order they came: one that leaves
 * hands its place to the longest waiting (no newcomer slips ahead, none waits while others pass), so under a
 * queue of clients each waits about as long as the others. */
typedef struct gwait {
    pthread_cond_t cv;
    bool go;
    struct gwait *next;
} gwait;

static void gate_enter(srv *s)
{
    pthread_mutex_lock(&s->gate_mu);
    if (s->busy < s->max_busy && !s->gate_head) {
        s->busy++;
        pthread_mutex_unlock(&s->gate_mu);
        return;
    }
    gwait w = {.go = false, .next = NULL};
    pthread_cond_init(&w.cv, NULL);
    if (s->gate_tail)
        s->gate_tail->next = &w;
    else
        s->gate_head = &w;
    s->gate_tail = &w;
    while (!w.go)
        pthread_cond_wait(&w.cv, &s->gate_mu);
    pthread_mutex_unlock(&s->gate_mu);
    pthread_cond_destroy(&w.cv);
}

static void gate_leave(srv *s)
{
    pthread_mutex_lock(&s->gate_mu);
    gwait *w = s->gate_head;
    if (w) {
        /* the place goes to the first waiting: busy stays as it is */
        s->gate_head = w->next;
        if (!s->gate_head)
            s->gate_tail = NULL;
        w->go = true;
        pthread_cond_signal(&w->cv);
    } else {
        s->busy--;
    }
    pthread_mutex_unlock(&s->gate_mu);
}

static snapshot *acquire(srv *s)
{
    pthread_mutex_lock(&s->mu);
    snapshot *p = s->snap;
    if (p)
        p->refs++;
    pthread_mutex_unlock(&s->mu);
    return p;
}

static void release(srv *s, snapshot *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&s->mu);
    bool last = --p->refs == 0;
    pthread_mutex_unlock(&s->mu);
    if (last) {
        fp_dataset_free(p->ds);
        fp_profile_free(p->prof);
        free(p);
    }
}

static fp_status load(srv *s, snapshot **out, fp_error *err)
{
    const fp_serve_opts *o = s->o;
    char ppath[4200];
    if (o->profile)
        snprintf(ppath, sizeof ppath, "%s", o->profile);
    else
        snprintf(ppath, sizeof ppath, "%s/profile.xml", o->data);
    snapshot *p = fp_xcalloc(1, sizeof *p);
    fp_status st = fp_profile_load(ppath, o->profile_rng, &p->prof, err);
    if (st == FP_OK)
        st = fp_dataset_load(o->data, p->prof, o->threads > 0 ? o->threads : fp_ncpus(), &p->ds, err);
    if (st != FP_OK) {
        fp_profile_free(p->prof);
        free(p);
        return st;
    }
    fp_dataset_index_scopes(p->ds);
    p->refs = 1;
    *out = p;
    return FP_OK;
}

/* the watcher: the export's files changed, so the data is loaded again once they are quiet for 300 ms */
static void *watch(void *arg)
{
    srv *s = arg;
    char buf[8192];
    while (!s->stopping) {
        struct timespec ts = {0, 100 * 1000000};
        ssize_t n = read(s->inotify_fd, buf, sizeof buf);
        if (n <= 0) {
            nanosleep(&ts, NULL);
            continue;
        }
        /* quiet for 300 ms: a copy of a large file arrives in many writes */
        for (int quiet = 0; quiet < 3 && !s->stopping;) {
            nanosleep(&ts, NULL);
            quiet = read(s->inotify_fd, buf, sizeof buf) > 0 ? 0 : quiet + 1;
        }
        if (s->stopping)
            break;
        snapshot *p = NULL;
        fp_error err = {0};
        if (load(s, &p, &err) == FP_OK) {
            pthread_mutex_lock(&s->mu);
            snapshot *old = s->snap;
            p->version = ++s->next_version;
            s->snap = p;
            s->load_error[0] = 0;
            pthread_mutex_unlock(&s->mu);
            release(s, old);
            fprintf(stderr, "fupan: the data changed: loaded again (version %u)\n", p->version);
        } else {
            pthread_mutex_lock(&s->mu);
            snprintf(s->load_error, sizeof s->load_error, "%.2000s", err.msg);
            pthread_mutex_unlock(&s->mu);
            fprintf(stderr, "fupan: the data changed but cannot be loaded (still serving the last good data): %s\n",
                    err.msg);
        }
    }
    return NULL;
}

/* ---- small helpers ---- */

static void esc(fp_buf *b, const char *s)
{
    fp_buf_add_escaped(b, s ? s : "");
}

static void url_arg(fp_buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("-._~:", *p))
            fp_buf_addc(b, (char)*p);
        else
            fp_buf_printf(b, "%%%02X", *p);
    }
}

static double mtime_of(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    return (double)st.st_mtim.tv_sec + (double)st.st_mtim.tv_nsec / 1e9;
}

/* the newest change among a template and the .xml files beside it and in lib/ (the phrase libraries it
 * includes): a template saved in place changes its own time, not its folder's */
static double templates_stamp_now(const char *tpath);

/* the templates' stamp, looked at most every 50 ms per template: a cached report is then a lookup, not a
 * folder scan (the live preview still sees a save within 50 ms more) */
static double templates_stamp(srv *s, const char *tpath)
{
    double now = fp_now();
    pthread_mutex_lock(&s->mu);
    for (int i = 0; i < s->nmemo; i++)
        if (!strcmp(s->memo[i].path, tpath) && now - s->memo[i].at < 0.05) {
            double st = s->memo[i].stamp;
            pthread_mutex_unlock(&s->mu);
            return st;
        }
    pthread_mutex_unlock(&s->mu);
    double st = templates_stamp_now(tpath);
    if (strlen(tpath) < sizeof s->memo[0].path) {
        pthread_mutex_lock(&s->mu);
        int k = 0;
        while (k < s->nmemo && strcmp(s->memo[k].path, tpath))
            k++;
        if (k == s->nmemo && s->nmemo < 16)
            s->nmemo++;
        if (k < 16) {
            memcpy(s->memo[k].path, tpath, strlen(tpath) + 1); /* shorter than path: checked above */
            s->memo[k].at = now;
            s->memo[k].stamp = st;
        }
        pthread_mutex_unlock(&s->mu);
    }
    return st;
}

static double templates_stamp_now(const char *tpath)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", tpath);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    else
        snprintf(dir, sizeof dir, ".");
    double t = mtime_of(tpath);
    const char *subs[] = {"", "/lib"};
    for (int k = 0; k < 2; k++) {
        char d[4300];
        snprintf(d, sizeof d, "%s%s", dir, subs[k]);
        DIR *dd = opendir(d);
        if (!dd)
            continue;
        struct dirent *de;
        while ((de = readdir(dd)) != NULL) {
            size_t n = strlen(de->d_name);
            if (n < 5 || strcmp(de->d_name + n - 4, ".xml"))
                continue;
            char f[4600];
            snprintf(f, sizeof f, "%s/%s", d, de->d_name);
            double m = mtime_of(f);
            t = m > t ? m : t;
        }
        closedir(dd);
    }
    return t;
}

/* ---- access ---- */

static bool b64dec(const char *in, unsigned char *out, size_t *n)
{
    size_t len = strlen(in);
    if (len % 4 || len / 4 * 3 > *n + 2)
        return false;
    int k = EVP_DecodeBlock(out, (const unsigned char *)in, (int)len);
    if (k < 0)
        return false;
    while (len && in[len - 1] == '=') {
        k--;
        len--;
    }
    *n = (size_t)k;
    return true;
}

void fp_serve_hash_password(const char *password, char *out, size_t n)
{
    unsigned char salt[16], dk[32];
    if (RAND_bytes(salt, sizeof salt) != 1)
        abort();
    PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, sizeof salt, PBKDF2_ITER, EVP_sha256(), sizeof dk, dk);
    unsigned char s64[64], d64[64];
    EVP_EncodeBlock(s64, salt, sizeof salt);
    EVP_EncodeBlock(d64, dk, sizeof dk);
    snprintf(out, n, "pbkdf2-sha256$%d$%s$%s", PBKDF2_ITER, s64, d64);
}

static bool check_password(const char *stored, const char *password)
{
    int iter = 0;
    char salt64[128], hash64[128];
    if (sscanf(stored, "pbkdf2-sha256$%d$%127[^$]$%127s", &iter, salt64, hash64) != 3 || iter < 1000 ||
        iter > 10000000)
        return false;
    unsigned char salt[96], want[96], dk[32];
    size_t sn = sizeof salt - 2, wn = sizeof want - 2;
    if (!b64dec(salt64, salt, &sn) || !b64dec(hash64, want, &wn) || wn != sizeof dk)
        return false;
    PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, (int)sn, iter, EVP_sha256(), sizeof dk, dk);
    return CRYPTO_memcmp(dk, want, sizeof dk) == 0;
}

static bool check_token(const char *stored, const char *token)
{
    if (strncmp(stored, "token-sha256$", 13))
        return false;
    char h[65];
    fp_sha256_hex(token, strlen(token), h);
    return strlen(stored + 13) == 64 && CRYPTO_memcmp(h, stored + 13, 64) == 0;
}

/* the access file: a line per user, "name,secret,scopes" (scopes separated by spaces) */
static fp_status read_access(srv *s, const char *path, fp_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return fp_fail(err, FP_ERR_NOTFOUND, "%s: %s", path, strerror(errno));
    char line[4096];
    int ln = 0;
    fp_status st = FP_OK;
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#' || (ln == 1 && !strncmp(line, "user,", 5)))
            continue;
        char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        if (!c1 || !c2) {
            st = fp_fail(err, FP_ERR_INPUT, "%s:%d: write name,secret,scopes (the secret from fupan serve "
                                            "--hash-password, or token-sha256$… for a bearer token)", path, ln);
            break;
        }
        *c1 = *c2 = 0;
        const char *secret = c1 + 1;
        if (strncmp(secret, "pbkdf2-sha256$", 14) && strncmp(secret, "token-sha256$", 13)) {
            st = fp_fail(err, FP_ERR_INPUT, "%s:%d: the secret of %s is not a pbkdf2-sha256$… password hash or a "
                                            "token-sha256$… token hash (never a plain password)", path, ln, line);
            break;
        }
        for (size_t i = 0; i < s->nusers && st == FP_OK; i++)
            if (!strcmp(s->users[i].name, line))
                st = fp_fail(err, FP_ERR_INPUT, "%s:%d: the user %s is named twice; one line a user", path, ln, line);
        if (st != FP_OK)
            break;
        fp_xgrow((void **)&s->users, &cap, s->nusers + 1, sizeof *s->users);
        user *u = &s->users[s->nusers++];
        memset(u, 0, sizeof *u);
        u->name = fp_xstrdup(line);
        u->secret = fp_xstrdup(secret);
        size_t scap = 0;
        for (char *tok = strtok(c2 + 1, " "); tok; tok = strtok(NULL, " ")) {
            fp_xgrow((void **)&u->scopes, &scap, u->nscopes + 1, sizeof *u->scopes);
            u->scopes[u->nscopes++] = fp_xstrdup(tok);
        }
    }
    fclose(f);
    if (st == FP_OK && !s->nusers)
        st = fp_fail(err, FP_ERR_INPUT, "%s: no users", path);
    return st;
}

/* who is asking: NULL without an access file (everyone, on this machine); a user; or no one (401) */
static const user *who(srv *s, struct MHD_Connection *c, bool *denied)
{
    *denied = false;
    if (!s->nusers)
        return NULL;
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (auth && !strncmp(auth, "Bearer ", 7)) {
        for (size_t i = 0; i < s->nusers; i++)
            if (check_token(s->users[i].secret, auth + 7))
                return &s->users[i];
    } else if (auth && !strncmp(auth, "Basic ", 6)) {
        unsigned char dec[600];
        size_t n = sizeof dec - 3;
        if (strlen(auth + 6) < 700 && b64dec(auth + 6, dec, &n)) {
            dec[n] = 0;
            char *colon = strchr((char *)dec, ':');
            if (colon) {
                *colon = 0;
                /* one password check whether or not the name is known: the time does not tell */
                const user *named = NULL;
                for (size_t i = 0; i < s->nusers; i++) {
                    size_t a = strlen(s->users[i].name), b = strlen((char *)dec);
                    if (a == b && CRYPTO_memcmp(s->users[i].name, dec, a) == 0 && !named)
                        named = &s->users[i];
                }
                static const char dummy[] = "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$"
                                            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
                bool ok = check_password(named && !strncmp(named->secret, "pbkdf2", 6) ? named->secret : dummy,
                                         colon + 1);
                if (named && ok)
                    return named;
            }
        }
    }
    *denied = true;
    return NULL;
}

static const char *team_of_rep(const fp_dataset *ds, const char *rep)
{
    uint32_t id;
    if (!ds->person_team || !fp_dict_find(ds->dict[FP_DOM_PERSON], rep, strlen(rep), &id))
        return NULL;
    uint32_t t = ds->person_team[id];
    return t ? fp_dict_str(ds->dict[FP_DOM_TEAM], t) : NULL;
}

static const char *region_of_team(const fp_dataset *ds, const char *team)
{
    uint32_t id;
    if (!team || !ds->team_region || !fp_dict_find(ds->dict[FP_DOM_TEAM], team, strlen(team), &id))
        return NULL;
    uint32_t r = ds->team_region[id];
    return r ? fp_dict_str(ds->dict[FP_DOM_REGION], r) : NULL;
}

static bool has(const user *u, const char *kind, const char *name)
{
    if (!name)
        return false;
    size_t kl = strlen(kind);
    for (size_t i = 0; i < u->nscopes; i++)
        if (!strncmp(u->scopes[i], kind, kl) && u->scopes[i][kl] == ':' && !strcmp(u->scopes[i] + kl + 1, name))
            return true;
    return false;
}

/* may u see this scope? a team's people see their team and its reps; a region's its teams and reps; * all */
static bool allowed(const user *u, const fp_dataset *ds, fp_scope_kind k, const char *name)
{
    if (!u)
        return true;
    for (size_t i = 0; i < u->nscopes; i++)
        if (!strcmp(u->scopes[i], "*"))
            return true;
    switch (k) {
    case FP_SCOPE_COMPANY:
        return false;
    case FP_SCOPE_REGION:
        return has(u, "region", name);
    case FP_SCOPE_TEAM:
        return has(u, "team", name) || has(u, "region", region_of_team(ds, name));
    case FP_SCOPE_REP: {
        const char *t = team_of_rep(ds, name);
        return has(u, "rep", name) || has(u, "team", t) || has(u, "region", region_of_team(ds, t));
    }
    }
    return false;
}

/* ---- answers ---- */

/* the headers every answer made of bytes carries: its type, no sniffing, no caching */
static void plain_headers(struct MHD_Response *r, const char *ctype)
{
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Cache-Control", "no-store");
}

static enum MHD_Result send_buf(struct MHD_Connection *c, int status, const char *ctype, const void *data, size_t n,
                                const char *disposition)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(n, (void *)data, MHD_RESPMEM_MUST_COPY);
    plain_headers(r, ctype);
    if (disposition)
        MHD_add_response_header(r, "Content-Disposition", disposition);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

static const char *PAGE_CSS =
    "body{font:15px/1.6 \"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\",sans-serif;"
    "color:#1f2933;margin:24px auto;max-width:980px;padding:0 14px}table{border-collapse:collapse;width:100%}"
    "th,td{padding:6px 8px;border-bottom:1px solid #d9dee4;text-align:left}td.num,th.num{text-align:right;"
    "font-variant-numeric:tabular-nums}.bad{color:#c42b1c}.warn{color:#a15c00}.good{color:#1a7f37}.muted{color:#6b7785}"
    ".err{background:#fdecea;border-left:4px solid #c42b1c;padding:8px 12px;white-space:pre-wrap}"
    "h2{margin-top:28px}.wrap{overflow-x:auto}form{margin:8px 0 16px}";

/* a URL inside a <script>, as a JavaScript string: no HTML escaping there (entities are not decoded in a
 * script), only what could end the string or the script */
static void js_str(fp_buf *b, const char *s)
{
    for (const char *p = s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fp_buf_printf(b, "\\%c", *p);
        else if (*p == '<' || (unsigned char)*p < 0x20)
            fp_buf_printf(b, "\\u%04x", (unsigned char)*p);
        else
            fp_buf_addc(b, *p);
    }
}

static enum MHD_Result page(struct MHD_Connection *c, int status, const char *title, const fp_buf *body,
                            const char *nonce, const char *events)
{
    fp_buf b;
    fp_buf_init(&b);
    fp_buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    fp_buf_printf(&b, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
                      "'unsafe-inline'; img-src data:; connect-src 'self'%s%s%s\">\n<title>",
                  nonce ? "; script-src 'nonce-" : "", nonce ? nonce : "", nonce ? "'" : "");
    esc(&b, title);
    fp_buf_printf(&b, "</title>\n<style>%s</style>\n</head>\n<body>\n", PAGE_CSS);
    fp_buf_add(&b, body->data ? body->data : "", body->len);
    if (nonce && events) {
        fp_buf_printf(&b, "<script nonce=\"%s\">new EventSource(\"", nonce);
        js_str(&b, events);
        fp_buf_adds(&b, "\").onmessage=function(){location.reload()};</script>\n");
    }
    fp_buf_adds(&b, "</body>\n</html>\n");
    enum MHD_Result r = send_buf(c, status, "text/html; charset=utf-8", b.data, b.len, NULL);
    fp_buf_free(&b);
    return r;
}

static enum MHD_Result simple(struct MHD_Connection *c, int status, const char *title, const char *msg)
{
    fp_buf b;
    fp_buf_init(&b);
    fp_buf_adds(&b, "<h1>");
    esc(&b, title);
    fp_buf_adds(&b, "</h1>\n<p>");
    esc(&b, msg);
    fp_buf_adds(&b, "</p>\n<p><a href=\"/\">← 索引</a></p>\n");
    enum MHD_Result r = page(c, status, title, &b, NULL, NULL);
    fp_buf_free(&b);
    return r;
}

static void new_nonce(char out[40])
{
    unsigned char raw[18];
    if (RAND_bytes(raw, sizeof raw) != 1)
        abort();
    EVP_EncodeBlock((unsigned char *)out, raw, sizeof raw);
}

/* ---- what a request asks for ---- */

typedef struct ask {
    fp_query q;
    char name[400];
    char period_text[32];
    char tpath[4200];
    const char *lang;
    char notes[4400];
} ask;

static const char *arg(struct MHD_Connection *c, const char *k)
{
    return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, k);
}

/* the period asked for, or the month of the data's last day */
static bool parse_period(const char *text, const fp_dataset *ds, fp_period *p, char *out, size_t n)
{
    fp_error e = {0};
    if (text && *text) {
        if (fp_period_parse(text, p, &e) != FP_OK)
            return false;
        fp_period_label(p, out, n); /* the canonical name: " 2026-1" and "2026-01" are one period, one key */
        return true;
    }
    *p = fp_period_containing(FP_MONTH, ds->last_date != FP_NO_DATE ? ds->last_date : 0);
    fp_period_label(p, out, n);
    return true;
}

static const char *shipped_for(fp_period_kind k)
{
    return k == FP_WEEK ? "weekly" : "review";
}

/* parses scope, period, template and lang; false with a message for the page */
static bool parse_ask(srv *s, struct MHD_Connection *c, const fp_dataset *ds, ask *a, char *why, size_t whyn)
{
    memset(a, 0, sizeof *a);
    const char *scope = arg(c, "scope");
    if (!scope || !*scope || !strcmp(scope, "company")) {
        a->q.scope = FP_SCOPE_COMPANY;
    } else {
        const char *colon = strchr(scope, ':');
        const struct {
            const char *k;
            fp_scope_kind v;
        } kinds[] = {{"region", FP_SCOPE_REGION}, {"team", FP_SCOPE_TEAM}, {"rep", FP_SCOPE_REP}};
        bool ok = false;
        for (size_t i = 0; colon && i < 3; i++)
            if ((size_t)(colon - scope) == strlen(kinds[i].k) && !strncmp(scope, kinds[i].k, strlen(kinds[i].k))) {
                a->q.scope = kinds[i].v;
                ok = true;
            }
        if (!ok || !colon[1] || strlen(colon + 1) >= sizeof a->name) {
            snprintf(why, whyn, "scope=%.100s: write company, region:NAME, team:NAME or rep:NAME", scope);
            return false;
        }
        snprintf(a->name, sizeof a->name, "%s", colon + 1);
        a->q.name = a->name;
    }
    if (!parse_period(arg(c, "period"), ds, &a->q.period, a->period_text, sizeof a->period_text)) {
        snprintf(why, whyn, "period=%.40s: write 2026-10, 2026-Q3, 2026-W43 or 2026", arg(c, "period"));
        return false;
    }
    a->q.as_of = ds->last_date;
    const char *lang = arg(c, "lang");
    a->lang = lang && !strcmp(lang, "en") ? "en" : lang && !strcmp(lang, "zh") ? "zh" : s->o->lang;
    const char *t = arg(c, "template");
    /* a shipped template by name only: a URL never names a file */
    const char *names[] = {"weekly", "monthly", "quarterly", "annual", "review", "retrospective", "self-review", "rollup"};
    const char *file = NULL;
    for (size_t i = 0; t && i < sizeof names / sizeof *names; i++)
        if (!strcmp(t, names[i]))
            file = !strcmp(t, "monthly") || !strcmp(t, "quarterly") || !strcmp(t, "annual") ? "review" : t;
    if (t && *t && !file) {
        snprintf(why, whyn, "template=%.60s: the shipped templates are weekly, monthly, quarterly, annual, "
                            "retrospective, self-review and rollup", t);
        return false;
    }
    if (file)
        snprintf(a->tpath, sizeof a->tpath, "%s/%s.xml", s->o->templates, file);
    else if (s->o->template)
        snprintf(a->tpath, sizeof a->tpath, "%s", s->o->template);
    else
        snprintf(a->tpath, sizeof a->tpath, "%s/%s.xml", s->o->templates, shipped_for(a->q.period.kind));
    if (s->o->notes) {
        /* NOTES/<team>-<period>.md, region-<name>-…, rep-<name>-…, 全公司-…: a name that a file name would have to
         * change (A/B) has none, so two scopes never share one */
        char base[220], raw[500];
        fp_report_base(&a->q, base, sizeof base);
        snprintf(raw, sizeof raw, "%s-%s", a->q.scope == FP_SCOPE_COMPANY ? "全公司" : a->name, a->period_text);
        if (!strcmp(base, raw))
            snprintf(a->notes, sizeof a->notes, "%s/%s%s.md", s->o->notes,
                     a->q.scope == FP_SCOPE_REGION ? "region-" : a->q.scope == FP_SCOPE_REP ? "rep-" : "", base);
    }
    return true;
}

/* the stamp of what a report is made from: data version, templates, notes */
static void stamp_of(srv *s, const ask *a, unsigned version, char *out, size_t n)
{
    snprintf(out, n, "%u|%.6f|%.6f", version, templates_stamp(s, a->tpath), a->notes[0] ? mtime_of(a->notes) : 0.0);
}

/* ---- the cache ---- */

static void centry_unref(centry *e)
{
    if (e && atomic_fetch_sub(&e->refs, 1) == 1) {
        /* responses still being sent keep libmicrohttpd's own reference */
        if (e->page)
            MHD_destroy_response(e->page);
        if (e->page_gz)
            MHD_destroy_response(e->page_gz);
        free(e->page_events);
        fp_buf_free(&e->body);
        free(e->key);
        free(e);
    }
}

/* libmicrohttpd's callback when it has sent an answer made from an entry */
static void centry_sent(void *cls)
{
    centry_unref(cls);
}

static centry *centry_new(const char *key, fp_buf *body)
{
    centry *e = fp_xcalloc(1, sizeof *e);
    e->key = fp_xstrdup(key);
    e->body = *body; /* taken */
    fp_buf_init(body);
    atomic_init(&e->refs, 1);
    return e;
}

/* the entry of key, with a reference the caller gives back (centry_unref); NULL when it is not cached */
static centry *cache_ref(srv *s, const char *key)
{
    pthread_mutex_lock(&s->mu);
    centry *e = s->head;
    while (e && strcmp(e->key, key))
        e = e->next;
    if (e) {
        if (e != s->head) {
            e->prev->next = e->next;
            if (e->next)
                e->next->prev = e->prev;
            else
                s->tail = e->prev;
            e->prev = NULL;
            e->next = s->head;
            s->head->prev = e;
            s->head = e;
        }
        atomic_fetch_add(&e->refs, 1);
    }
    pthread_mutex_unlock(&s->mu);
    return e;
}

/* puts e in the cache (when it is on and e fits), which then holds a reference of its own */
static void cache_add(srv *s, centry *e)
{
    size_t size = e->body.len + strlen(e->key) + sizeof *e;
    if (!s->o->cache_bytes || e->body.len > s->o->cache_bytes / 4)
        return;
    atomic_fetch_add(&e->refs, 1);
    e->cached = true;
    centry *gone = NULL;
    pthread_mutex_lock(&s->mu);
    e->prev = NULL;
    e->next = s->head;
    if (s->head)
        s->head->prev = e;
    s->head = e;
    if (!s->tail)
        s->tail = e;
    s->cached += size;
    while (s->cached > s->o->cache_bytes && s->tail && s->tail != e) {
        centry *t = s->tail;
        s->tail = t->prev;
        s->tail->next = NULL;
        s->cached -= t->body.len + strlen(t->key) + sizeof *t;
        t->next = gone; /* released outside the lock */
        gone = t;
    }
    pthread_mutex_unlock(&s->mu);
    while (gone) {
        centry *t = gone;
        gone = t->next;
        centry_unref(t);
    }
}

/* ---- the report ---- */

/* makes a report (from the cache when it is there): fmt 0 HTML, 1 PDF, 2 xlsx; *out is a reference the caller
 * gives back (centry_unref); false with the error in why */
static bool make_report(srv *s, const snapshot *snap, const ask *a, int fmt, centry **out, char *why, size_t whyn,
                        fp_status *code)
{
    *code = FP_OK;
    char stamp[200], key[5200];
    stamp_of(s, a, snap->version, stamp, sizeof stamp);
    snprintf(key, sizeof key, "r|%d|%s|%s|%s|%s|%s|%s", fmt, fp_scope_kind_name(a->q.scope), a->name,
             a->period_text, a->tpath, a->lang ? a->lang : "", stamp);
    *out = NULL;
    if ((*out = cache_ref(s, key)))
        return true;
    gate_enter(s);
    if ((*out = cache_ref(s, key))) { /* made while this one waited */
        gate_leave(s);
        return true;
    }
    fp_error err = {0};
    fp_template *t = NULL;
    fp_notes *notes = NULL;
    bool ok = fp_template_load_lang(a->tpath, s->o->template_rng, a->lang, &t, &err) == FP_OK;
    struct stat st;
    if (ok && a->notes[0] && stat(a->notes, &st) == 0)
        ok = fp_notes_load(a->notes, &notes, &err) == FP_OK;
    if (ok) {
        fp_report_req req = {.ds = snap->ds, .tmpl = t, .notes = notes, .q = a->q, .date = s->o->date,
                             .created = (time_t)-1, .fonts = s->fonts, .pdf = fmt == 1, .html = fmt == 0,
                             .xlsx = fmt == 2};
        fp_report rep;
        ok = fp_report_make(&req, &rep, &err) == FP_OK;
        if (ok) {
            fp_buf *b = fmt == 0 ? &rep.html : fmt == 1 ? &rep.pdf : &rep.xlsx;
            centry *e = centry_new(key, b);
            if (fmt == 0 && e->body.data) {
                /* where report_page puts the nonce'd script in: found once, not for every answer */
                static const char csp[] = "default-src 'none'; ";
                const char *at = strstr(e->body.data, csp), *end = strstr(e->body.data, "</body>");
                if (at && end && end > at) {
                    e->csp_at = (size_t)(at - e->body.data) + strlen(csp);
                    e->body_end = (size_t)(end - e->body.data);
                }
            }
            cache_add(s, e);
            *out = e;
        }
        fp_report_free(&rep);
    }
    if (!ok) {
        snprintf(why, whyn, "%s", err.msg);
        *code = err.code;
    }
    fp_notes_free(notes);
    fp_template_free(t);
    gate_leave(s);
    return ok;
}

/* the report's HTML, made able to reload itself: a nonce'd script (the page's CSP allows that script and a
 * connection to this server, nothing else) listening to /events. The page goes out as five pieces: the entry's
 * bytes in place (shared by every answer, never copied) and the two short pieces that carry this answer's
 * nonce. */
typedef struct page_parts {
    centry *e;
    char csp[120];
    fp_buf script;
} page_parts;

static void page_parts_sent(void *cls)
{
    page_parts *pp = cls;
    centry_unref(pp->e);
    fp_buf_free(&pp->script);
    free(pp);
}

/* gzip of n bytes (level 9: made once per cached page); NULL if zlib fails */
static char *gzip_of(const char *data, size_t n, size_t *out_n)
{
    z_stream z = {0};
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = deflateBound(&z, (uLong)n);
    char *out = fp_xmalloc(cap);
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    int r = deflate(&z, Z_FINISH);
    *out_n = z.total_out;
    deflateEnd(&z);
    if (r != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}

static struct MHD_Response *page_response(char *data, size_t n, bool gz)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(n, data, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(data);
        return NULL;
    }
    plain_headers(r, "text/html; charset=utf-8");
    MHD_add_response_header(r, "Vary", "Accept-Encoding");
    if (gz)
        MHD_add_response_header(r, "Content-Encoding", "gzip");
    return r;
}

/* whether the client takes gzip: Accept-Encoding names it (or *), and not with q=0 */
static bool takes_gzip(struct MHD_Connection *c)
{
    const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    while (ae && *ae) {
        ae += strspn(ae, " ,");
        size_t n = strcspn(ae, ",");
        char tok[64];
        snprintf(tok, sizeof tok, "%.*s", (int)(n < 63 ? n : 63), ae);
        ae += n;
        char *semi = strchr(tok, ';');
        double q = 1;
        if (semi) {
            const char *qs = strstr(semi, "q=");
            q = qs ? atof(qs + 2) : 1;
            *semi = 0;
        }
        size_t k = strcspn(tok, " ");
        tok[k] = 0;
        if ((!strcmp(tok, "gzip") || !strcmp(tok, "*")) && q > 0)
            return true;
    }
    return false;
}

/* A cached report page is made once, with a nonce of its own, and the same bytes answer every request for it:
 * the nonce changes whenever the page does (new data, template or notes make a new entry), so no script can
 * be written into a page with a nonce known beforehand — the bytes of an entry never change. */
static bool cached_page(struct MHD_Connection *c, srv *s, centry *e, const char *events, enum MHD_Result *ret)
{
    pthread_mutex_lock(&s->mu);
    bool have = e->page && !strcmp(e->page_events, events);
    bool other = e->page && !have;
    pthread_mutex_unlock(&s->mu);
    if (other)
        return false; /* made for another events URL: the caller answers this one by itself */
    if (!have) {
        char nonce[40];
        new_nonce(nonce);
        fp_buf b;
        fp_buf_init(&b);
        fp_buf_add(&b, e->body.data, e->csp_at);
        fp_buf_printf(&b, "script-src 'nonce-%s'; connect-src 'self'; ", nonce);
        fp_buf_add(&b, e->body.data + e->csp_at, e->body_end - e->csp_at);
        fp_buf_printf(&b, "<script nonce=\"%s\">new EventSource(\"", nonce);
        js_str(&b, events);
        fp_buf_adds(&b, "\").onmessage=function(){location.reload()};</script>\n");
        fp_buf_add(&b, e->body.data + e->body_end, e->body.len - e->body_end);
        size_t gn = 0;
        char *gz = gzip_of(b.data, b.len, &gn);
        size_t n = b.len;
        struct MHD_Response *plain = page_response(fp_buf_steal(&b), n, false);
        struct MHD_Response *packed = gz ? page_response(gz, gn, true) : NULL;
        pthread_mutex_lock(&s->mu);
        if (!e->page && plain) {
            e->page = plain, e->page_gz = packed, e->page_events = fp_xstrdup(events);
            plain = packed = NULL;
        }
        have = e->page && !strcmp(e->page_events, events);
        pthread_mutex_unlock(&s->mu);
        if (plain)
            MHD_destroy_response(plain);
        if (packed)
            MHD_destroy_response(packed);
        if (!have)
            return false;
    }
    /* the responses are the entry's, set once and kept until it is freed: read without the lock */
    struct MHD_Response *r = e->page_gz && takes_gzip(c) ? e->page_gz : e->page;
    *ret = MHD_queue_response(c, 200, r);
    return true;
}

static enum MHD_Result report_page(struct MHD_Connection *c, centry *e, const char *events)
{
    if (!e->body_end) {
        centry_unref(e);
        return simple(c, 500, "报告无法生成", "the report's HTML has no Content-Security-Policy to extend");
    }
    char nonce[40];
    new_nonce(nonce);
    page_parts *pp = fp_xcalloc(1, sizeof *pp);
    pp->e = e; /* the caller's reference, given back when the answer is sent */
    snprintf(pp->csp, sizeof pp->csp, "script-src 'nonce-%s'; connect-src 'self'; ", nonce);
    fp_buf_init(&pp->script);
    fp_buf_printf(&pp->script, "<script nonce=\"%s\">new EventSource(\"", nonce);
    js_str(&pp->script, events);
    fp_buf_adds(&pp->script, "\").onmessage=function(){location.reload()};</script>\n");
    const char *d = e->body.data;
    struct MHD_IoVec iov[5] = {
        {d, e->csp_at},
        {pp->csp, strlen(pp->csp)},
        {d + e->csp_at, e->body_end - e->csp_at},
        {pp->script.data, pp->script.len},
        {d + e->body_end, e->body.len - e->body_end},
    };
    struct MHD_Response *resp = MHD_create_response_from_iovec(iov, 5, page_parts_sent, pp);
    if (!resp) {
        page_parts_sent(pp);
        return MHD_NO;
    }
    plain_headers(resp, "text/html; charset=utf-8");
    enum MHD_Result r = MHD_queue_response(c, 200, resp);
    MHD_destroy_response(resp);
    return r;
}

/* a download (PDF, workbook) from an entry's bytes in place; the reference is given back when it is sent */
static enum MHD_Result send_entry(struct MHD_Connection *c, centry *e, const char *ctype, const char *disposition)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer_with_free_callback_cls(e->body.len, e->body.data, centry_sent, e);
    if (!r) {
        centry_unref(e);
        return MHD_NO;
    }
    plain_headers(r, ctype);
    if (disposition)
        MHD_add_response_header(r, "Content-Disposition", disposition);
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

static void query_of(const ask *a, fp_buf *b)
{
    fp_buf_adds(b, "scope=");
    if (a->q.scope == FP_SCOPE_COMPANY) {
        fp_buf_adds(b, "company");
    } else {
        url_arg(b, fp_scope_kind_name(a->q.scope));
        fp_buf_adds(b, ":");
        url_arg(b, a->name);
    }
    fp_buf_adds(b, "&period=");
    url_arg(b, a->period_text);
}

/* ---- Server-Sent Events: one "reload" when what the page shows has changed ---- */

typedef struct sse {
    srv *s;
    ask a;
    char stamp[200];
    unsigned version;
    double started, last_beat;
    bool sent;
} sse;

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    sse *e = cls;
    if (e->sent || e->s->stopping)
        return MHD_CONTENT_READER_END_OF_STREAM;
    for (;;) {
        if (e->s->stopping)
            return MHD_CONTENT_READER_END_OF_STREAM;
        snapshot *p = acquire(e->s);
        char st[200];
        stamp_of(e->s, &e->a, p ? p->version : 0, st, sizeof st);
        release(e->s, p);
        if (strcmp(st, e->stamp)) {
            e->sent = true;
            return snprintf(buf, max, "data: reload\n\n");
        }
        double t = fp_now();
        if (t - e->last_beat > 15) { /* a comment now and then keeps proxies and the connection awake */
            e->last_beat = t;
            return snprintf(buf, max, ": %.0f\n\n", t - e->started);
        }
        struct timespec ts = {0, 50 * 1000000};
        nanosleep(&ts, NULL);
    }
}

static void sse_free(void *cls)
{
    free(cls);
}

/* ---- the index ---- */

static void index_rows(srv *s, const snapshot *snap, const user *u, fp_period per, const char *ptext, fp_buf *b)
{
    const fp_dataset *ds = snap->ds;
    struct {
        fp_scope_kind k;
        const char *title, *kind;
    } groups[] = {{FP_SCOPE_COMPANY, "全公司", "company"},
                  {FP_SCOPE_REGION, "大区", "region"},
                  {FP_SCOPE_TEAM, "团队", "team"},
                  {FP_SCOPE_REP, "人员", "rep"}};
    for (size_t g = 0; g < 4; g++) {
        size_t n = 1;
        const char **names = NULL;
        if (groups[g].k != FP_SCOPE_COMPANY)
            names = fp_batch_scopes(ds, groups[g].k, &n);
        bool any = false;
        for (size_t i = 0; i < n; i++) {
            const char *name = names ? names[i] : NULL;
            if (!allowed(u, ds, groups[g].k, name))
                continue;
            if (!any) {
                if (groups[g].k == FP_SCOPE_REP) /* hundreds of them: their figures are in their reports */
                    fp_buf_printf(b, "<h2>%s</h2>\n<div class=\"wrap\"><table><thead><tr><th>姓名</th><th>团队</th>"
                                     "<th>报告</th></tr></thead><tbody>\n",
                                  groups[g].title);
                else
                    fp_buf_printf(b, "<h2>%s</h2>\n<div class=\"wrap\"><table><thead><tr><th>范围</th><th class=\"num\">"
                                     "销售额</th><th class=\"num\">目标达成率</th><th class=\"num\">环比</th><th>报告</th>"
                                     "</tr></thead><tbody>\n",
                                  groups[g].title);
                any = true;
            }
            fp_query q = {.scope = groups[g].k, .name = name, .period = per, .as_of = ds->last_date};
            fp_metrics *m = NULL;
            fp_error e = {0};
            fp_buf qs;
            fp_buf_init(&qs);
            fp_buf_adds(&qs, "scope=");
            if (name) {
                fp_buf_adds(&qs, groups[g].kind);
                fp_buf_adds(&qs, ":");
                url_arg(&qs, name);
            } else {
                fp_buf_adds(&qs, "company");
            }
            fp_buf_adds(&qs, "&amp;period=");
            url_arg(&qs, ptext);
            fp_buf_adds(b, "<tr><td>");
            esc(b, name ? name : "全公司");
            if (groups[g].k == FP_SCOPE_REP) {
                const char *team = team_of_rep(ds, name);
                fp_buf_adds(b, "</td><td>");
                esc(b, team ? team : "");
            } else if (fp_metrics_compute(ds, &q, &m, &e) == FP_OK) {
                fp_buf t;
                fp_buf_init(&t);
                fp_fmt_money_in(m->sales, FP_MONEY_AUTO, ds->currency, &t);
                fp_buf_adds(b, "</td><td class=\"num\">");
                esc(b, t.data);
                fp_buf_reset(&t);
                const char *tone = isnan(m->attainment) ? "muted" : m->attainment < 0.8 ? "bad"
                                                                  : m->attainment < 1   ? "warn"
                                                                                        : "good";
                if (isnan(m->attainment))
                    fp_buf_adds(&t, "—");
                else
                    fp_fmt_percent(m->attainment, 1, false, &t);
                fp_buf_printf(b, "</td><td class=\"num %s\">", tone);
                esc(b, t.data);
                fp_buf_reset(&t);
                if (isnan(m->mom))
                    fp_buf_adds(&t, "—");
                else
                    fp_fmt_percent(m->mom, 1, true, &t);
                fp_buf_printf(b, "</td><td class=\"num %s\">", isnan(m->mom) ? "muted" : m->mom < 0 ? "bad" : "good");
                esc(b, t.data);
                fp_buf_free(&t);
                fp_metrics_free(m);
            } else {
                fp_buf_adds(b, "</td><td class=\"num muted\">—</td><td class=\"num muted\">—</td><td class=\"num "
                               "muted\">—</td>");
            }
            fp_buf_printf(b, "</td><td><a href=\"/report?%s\">HTML</a> · <a href=\"/report.pdf?%s\">PDF</a> · "
                             "<a href=\"/report.xlsx?%s\">Excel</a> · <a href=\"/metrics?%s\">JSON</a></td></tr>\n",
                          qs.data, qs.data, qs.data, qs.data);
            fp_buf_free(&qs);
        }
        if (any)
            fp_buf_adds(b, "</tbody></table></div>\n");
        free(names);
    }
    (void)s;
}

static enum MHD_Result index_page(srv *s, struct MHD_Connection *c, const snapshot *snap, const user *u)
{
    fp_period per;
    char ptext[32];
    if (!parse_period(arg(c, "period"), snap->ds, &per, ptext, sizeof ptext))
        return simple(c, 400, "期间有误", "period: write 2026-10, 2026-Q3, 2026-W43 or 2026");
    char key[400];
    snprintf(key, sizeof key, "i|%u|%s|%ld", snap->version, ptext, u ? (long)(u - s->users) : -1L);
    char load_error[2048];
    pthread_mutex_lock(&s->mu);
    snprintf(load_error, sizeof load_error, "%s", s->load_error);
    pthread_mutex_unlock(&s->mu);
    centry *ie = cache_ref(s, key);
    if (!ie) {
        fp_buf b;
        fp_buf_init(&b);
        gate_enter(s);
        fp_buf_adds(&b, "<h1>");
        esc(&b, ptext);
        fp_buf_adds(&b, " 报告</h1>\n<form method=\"get\" action=\"/\">期间 <input name=\"period\" value=\"");
        esc(&b, ptext);
        fp_buf_adds(&b, "\"> <button>查看</button></form>\n");
        index_rows(s, snap, u, per, ptext, &b);
        char ld[16];
        fp_date_format(snap->ds->last_date, ld);
        fp_buf_printf(&b, "<p class=\"muted\">数据截至 %s · 版本 %u · fupan</p>\n", ld, snap->version);
        gate_leave(s);
        ie = centry_new(key, &b);
        cache_add(s, ie);
    }
    fp_buf body;
    fp_buf_init(&body);
    if (load_error[0]) {
        fp_buf_adds(&body, "<div class=\"err\">导出文件已更改，但无法载入（仍显示上一版数据）：\n");
        esc(&body, load_error);
        fp_buf_adds(&body, "</div>\n");
    }
    fp_buf_add(&body, ie->body.data, ie->body.len);
    centry_unref(ie);
    enum MHD_Result r = page(c, 200, "fupan 报告", &body, NULL, NULL);
    fp_buf_free(&body);
    return r;
}

/* ---- the dispatcher ---- */

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    (void)upload;
    srv *s = cls;
    if (!*con_cls) { /* the headers: wait for the rest, which must be empty */
        *con_cls = s;
        return MHD_YES;
    }
    if (*upload_size) /* no request here has a body: refuse one */
        return send_buf(c, 413, "text/plain; charset=utf-8", "no request body here\n", 21, NULL);
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return send_buf(c, 405, "text/plain; charset=utf-8", "GET only\n", 9, NULL);
    if (!s->nusers) {
        /* no access file: only this machine's names, or any web page could read the reports through DNS
         * rebinding (a name of its own pointed at 127.0.0.1) */
        const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
        bool ok = !host;
        const char *names[] = {"127.0.0.1", "localhost", "[::1]"};
        for (size_t i = 0; host && i < 3 && !ok; i++) {
            size_t k = strlen(names[i]);
            ok = !strncmp(host, names[i], k) && (!host[k] || (host[k] == ':' && atoi(host + k + 1) == s->port));
        }
        if (!ok)
            return send_buf(c, 421, "text/plain; charset=utf-8", "this server answers to 127.0.0.1 only\n", 38, NULL);
    }
    bool denied;
    const user *u = who(s, c, &denied);
    if (denied) {
        const char *msg = "who are you? (HTTP Basic or a bearer token)\n";
        struct MHD_Response *r = MHD_create_response_from_buffer(strlen(msg), (void *)msg, MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, "WWW-Authenticate", "Basic realm=\"fupan\", charset=\"UTF-8\"");
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
        enum MHD_Result ret = MHD_queue_response(c, 401, r);
        MHD_destroy_response(r);
        return ret;
    }
    snapshot *snap = acquire(s);
    if (!snap)
        return simple(c, 503, "数据尚未载入", "the data is not loaded");
    enum MHD_Result ret;
    if (!strcmp(url, "/")) {
        ret = index_page(s, c, snap, u);
    } else if (!strcmp(url, "/report") || !strcmp(url, "/report.pdf") || !strcmp(url, "/report.xlsx") ||
               !strcmp(url, "/metrics") || !strcmp(url, "/events")) {
        ask a;
        char why[4200];
        if (!parse_ask(s, c, snap->ds, &a, why, sizeof why)) {
            ret = simple(c, 400, "请求有误", why);
        } else if (!allowed(u, snap->ds, a.q.scope, a.q.name)) {
            /* the same answer whether or not the scope exists */
            ret = simple(c, 403, "无权查看", "you may not see this report");
        } else if (!strcmp(url, "/events")) {
            sse *e = fp_xcalloc(1, sizeof *e);
            e->s = s;
            e->a = a;
            e->a.q.name = e->a.q.scope == FP_SCOPE_COMPANY ? NULL : e->a.name;
            const char *v = arg(c, "v");
            if (v && *v && strlen(v) < sizeof e->stamp)
                snprintf(e->stamp, sizeof e->stamp, "%s", v);
            else
                stamp_of(s, &a, snap->version, e->stamp, sizeof e->stamp);
            e->started = e->last_beat = fp_now();
            struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 256, sse_read, e, sse_free);
            MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream; charset=utf-8");
            MHD_add_response_header(r, "Cache-Control", "no-store");
            ret = MHD_queue_response(c, 200, r);
            MHD_destroy_response(r);
        } else if (!strcmp(url, "/metrics")) {
            fp_metrics *m = NULL;
            fp_error e = {0};
            gate_enter(s);
            fp_status mst = fp_metrics_compute(snap->ds, &a.q, &m, &e);
            gate_leave(s);
            if (mst != FP_OK) {
                ret = send_buf(c, 404, "text/plain; charset=utf-8", e.msg, strlen(e.msg), NULL);
            } else {
                fp_value *v = fp_metrics_value(m);
                fp_buf b;
                fp_buf_init(&b);
                fp_json_write(v, 2, &b);
                fp_buf_adds(&b, "\n");
                ret = send_buf(c, 200, "application/json; charset=utf-8", b.data, b.len, NULL);
                fp_buf_free(&b);
                fp_v_free(v);
                fp_metrics_free(m);
            }
        } else {
            int fmt = !strcmp(url, "/report") ? 0 : !strcmp(url, "/report.pdf") ? 1 : 2;
            /* what the page is made from, before it is made: its events stream compares against this, so a save
             * between the page and its stream's start still reloads it */
            char stamp[200];
            stamp_of(s, &a, snap->version, stamp, sizeof stamp);
            centry *out = NULL;
            fp_status code;
            if (!make_report(s, snap, &a, fmt, &out, why, sizeof why, &code) && code == FP_ERR_NOTFOUND) {
                ret = simple(c, 404, "没有这个范围", why);
            } else if (code != FP_OK) {
                /* a template or notes error: in the page, with its file and line, and the page reloads itself
                 * when the file is saved again */
                fp_buf body, ev;
                fp_buf_init(&body);
                fp_buf_init(&ev);
                fp_buf_adds(&body, "<h1>报告无法生成</h1>\n<div class=\"err\">");
                esc(&body, why);
                fp_buf_adds(&body, "</div>\n<p class=\"muted\">保存修正后的文件，本页会自动刷新。</p>\n");
                fp_buf_adds(&ev, "/events?");
                query_of(&a, &ev);
                fp_buf_adds(&ev, "&v=");
                url_arg(&ev, stamp);
                char nonce[40];
                new_nonce(nonce);
                ret = page(c, 500, "报告无法生成", &body, nonce, ev.data);
                fp_buf_free(&body);
                fp_buf_free(&ev);
            } else if (fmt == 0) {
                fp_buf ev;
                fp_buf_init(&ev);
                fp_buf_adds(&ev, "/events?");
                query_of(&a, &ev);
                fp_buf_adds(&ev, "&v=");
                url_arg(&ev, stamp);
                /* a cached page: the same response for every client; else made for this answer */
                if (!out->cached || !out->body_end || !cached_page(c, s, out, ev.data, &ret)) {
                    ret = report_page(c, out, ev.data);
                    out = NULL; /* given to the answer */
                }
                fp_buf_free(&ev);
            } else {
                char base[220], disp[800];
                fp_report_base(&a.q, base, sizeof base);
                fp_buf enc;
                fp_buf_init(&enc);
                url_arg(&enc, base);
                snprintf(disp, sizeof disp, "attachment; filename=\"report.%s\"; filename*=UTF-8''%s.%s",
                         fmt == 1 ? "pdf" : "xlsx", enc.data, fmt == 1 ? "pdf" : "xlsx");
                fp_buf_free(&enc);
                ret = send_entry(c, out,
                                 fmt == 1 ? "application/pdf"
                                          : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                 disp);
                out = NULL; /* given to the answer */
            }
            centry_unref(out);
        }
    } else {
        ret = simple(c, 404, "没有这个页面", url);
    }
    release(s, snap);
    return ret;
}

fp_status fp_serve_run(const fp_serve_opts *o, fp_error *err)
{
    srv *s = fp_xcalloc(1, sizeof *s);
    s->o = o;
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->gate_mu, NULL);
    s->max_busy = fp_ncpus() > 1 ? fp_ncpus() : 1;
    fp_status st = FP_OK;
    bool loopback = !strcmp(o->host, "127.0.0.1") || !strcmp(o->host, "localhost") || !strcmp(o->host, "::1");
    if (o->access)
        st = read_access(s, o->access, err);
    else if (!loopback)
        st = fp_fail(err, FP_ERR_USAGE, "listening on %s (beyond this machine) needs --access FILE: who may see "
                                        "which reports", o->host);
    if (st == FP_OK)
        st = fp_fonts_default(&s->fonts, err);
    snapshot *p = NULL;
    if (st == FP_OK && (st = load(s, &p, err)) == FP_OK) {
        p->version = ++s->next_version;
        s->snap = p;
    }
    struct MHD_Daemon *d = NULL;
    s->port = o->port;
    if (st == FP_OK) {
        s->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (s->inotify_fd >= 0)
            inotify_add_watch(s->inotify_fd, o->data, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE);
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)o->port)};
        if (inet_pton(AF_INET, !strcmp(o->host, "localhost") ? "127.0.0.1" : o->host, &sa.sin_addr) != 1)
            st = fp_fail(err, FP_ERR_USAGE, "--listen %s: not an IPv4 address", o->host);
        else
            d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG,
                                 0, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                                 MHD_OPTION_CONNECTION_LIMIT, (unsigned)512, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                                 (unsigned)256, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_END);
        if (st == FP_OK && !d)
            st = fp_fail(err, FP_ERR_IO, "cannot listen on %s:%d: %s", o->host, o->port, strerror(errno));
    }
    if (st == FP_OK) {
        const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
        s->port = info ? info->port : o->port;
        printf("fupan: serving http://%s:%u/ (data version %u; Ctrl-C stops)\n", o->host,
               info ? info->port : (unsigned)o->port, s->snap->version);
        fflush(stdout);
        if (s->inotify_fd >= 0)
            pthread_create(&s->watcher, NULL, watch, s);
        while (!o->stop || !*o->stop) {
            struct timespec ts = {0, 100 * 1000000};
            nanosleep(&ts, NULL);
        }
        s->stopping = 1;
        MHD_stop_daemon(d); /* the requests being served finish first */
        if (s->inotify_fd >= 0)
            pthread_join(s->watcher, NULL);
    }
    if (s->inotify_fd > 0)
        close(s->inotify_fd);
    release(s, s->snap);
    while (s->head) {
        centry *e = s->head;
        s->head = e->next;
        centry_unref(e);
    }
    for (size_t i = 0; i < s->nusers; i++) {
        free(s->users[i].name);
        free(s->users[i].secret);
        for (size_t k = 0; k < s->users[i].nscopes; k++)
            free(s->users[i].scopes[k]);
        free(s->users[i].scopes);
    }
    free(s->users);
    fp_fontset_free(s->fonts);
    pthread_mutex_destroy(&s->mu);
    pthread_mutex_destroy(&s->gate_mu);
    free(s);
    return st;
}
