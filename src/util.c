/* util.c — the out-of-memory policy, growable buffers and UTF-8 helpers.
 *
 * Every allocation in fupan goes through fp_xmalloc and friends: when memory
 * runs out they print one line and abort, like cmark and redis do. Callers
 * never test for NULL.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MADV_HUGEPAGE */
#include "util.h"

#include <openssl/evp.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "fupan: out of memory (allocating %zu bytes)\n", n);
    abort();
}

void *fp_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *fp_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom(count * size);
    return p;
}

void *fp_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

void fp_xgrow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return;
    size_t c = *cap ? *cap : 16;
    while (c < need) {
        if (c > SIZE_MAX / 2 / elem)
            oom(SIZE_MAX);
        c *= 2;
    }
    *p = fp_xrealloc(*p, c * elem);
    *cap = c;
}

char *fp_xstrdup(const char *s)
{
    return fp_xstrndup(s, strlen(s));
}

char *fp_xstrndup(const char *s, size_t n)
{
    char *d = fp_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

#define BIG_MIN (1u << 20) /* below this, plain malloc */
#define HUGE (2u << 20)       /* the size of a transparent huge page on x86-64 */
#define HUGE_MIN (16u << 20)  /* the smallest mapping asked to be backed by huge pages */

static size_t big_size(size_t n)
{
    return (n + HUGE - 1) / HUGE * HUGE;
}

/* A mapping of big_size(n) bytes aligned to 2 MB, so the kernel can back it with huge pages. */
static void *big_map(size_t n, bool populate)
{
    size_t len = big_size(n);
    char *p = mmap(NULL, len + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        oom(n);
    uintptr_t a = ((uintptr_t)p + HUGE - 1) & ~(uintptr_t)(HUGE - 1);
    size_t head = a - (uintptr_t)p;
    if (head)
        munmap(p, head);
    munmap((char *)a + len, HUGE - head);
#ifdef MADV_HUGEPAGE
    /* huge pages only for the big arrays: a huge page is resident whole as soon as one byte of it is written,
     * so for an array of a few MB the spare rows at its end and the rounding up to 2 MB cost more memory than
     * the fewer page faults save (the 1M-line export: 246 MB peak with every array on huge pages, 188 MB with
     * only those of 16 MB and more, in the same time) */
    if (len >= HUGE_MIN)
        madvise((void *)a, len, MADV_HUGEPAGE);
#endif
    if (populate) {
#ifdef MADV_POPULATE_WRITE
        if (madvise((void *)a, n, MADV_POPULATE_WRITE) != 0) /* before Linux 5.14 */
#endif
            memset((void *)a, 0, n);
    }
    return (void *)a;
}

void *fp_big_alloc(size_t n)
{
    return n < BIG_MIN ? fp_xmalloc(n) : big_map(n, false);
}

/* Zeroed memory is read before it is written (a hash table's empty slots are probed): a page first read
 * is the shared zero page, and writing it later costs a second fault that, in a process with threads,
 * stops every processor to flush its TLB. Populating it for writing faults each page in once. */
void *fp_big_zalloc(size_t n)
{
    if (n < BIG_MIN)
        return fp_xcalloc(1, n ? n : 1);
    return big_map(n, true);
}

void *fp_big_realloc(void *p, size_t old_n, size_t new_n)
{
    if (!p)
        return fp_big_alloc(new_n);
    if (old_n < BIG_MIN && new_n < BIG_MIN)
        return fp_xrealloc(p, new_n);
    if (old_n >= BIG_MIN && new_n >= BIG_MIN && big_size(old_n) == big_size(new_n))
        return p;
    /* a fresh aligned mapping and a copy: copying is far cheaper than 4 KB page faults */
    void *q = fp_big_alloc(new_n);
    memcpy(q, p, old_n < new_n ? old_n : new_n);
    fp_big_free(p, old_n);
    return q;
}

void fp_big_free(void *p, size_t n)
{
    if (!p)
        return;
    if (n < BIG_MIN)
        free(p);
    else
        munmap(p, big_size(n));
}

void fp_buf_init(fp_buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void fp_buf_free(fp_buf *b)
{
    free(b->data);
    fp_buf_init(b);
}

void fp_buf_reset(fp_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = 0;
}

void fp_buf_reserve(fp_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need > b->cap) {
        size_t c = b->cap ? b->cap : 64;
        while (c < need)
            c *= 2;
        b->data = fp_xrealloc(b->data, c);
        b->cap = c;
    }
}

void fp_buf_add(fp_buf *b, const void *p, size_t n)
{
    fp_buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}

void fp_buf_adds(fp_buf *b, const char *s)
{
    fp_buf_add(b, s, strlen(s));
}

void fp_buf_addc(fp_buf *b, char c)
{
    fp_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = 0;
}

void fp_buf_printf(fp_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    fp_buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
}

char *fp_buf_steal(fp_buf *b)
{
    char *d = b->data ? b->data : fp_xstrdup("");
    fp_buf_init(b);
    return d;
}

int fp_fixed(char *out, size_t n, double v, int dec)
{
    static const double scale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
    double a = fabs(v);
    if (dec >= 0 && dec <= 6 && n >= 32 && isfinite(v)) {
        /* |v| * 10^dec, computed within 1.2e-5 of the exact product while it stays under 1e11: its rounding
         * to a whole number is printf's (which rounds the exact binary value) unless the product lies within
         * 1e-4 of a half, where the rounding error could tip it: those go to snprintf */
        double sc = a * scale[dec];
        if (sc < 1e11) {
            double fl = floor(sc), fr = sc - fl;
            if (fabs(fr - 0.5) > 1e-4) {
                uint64_t k = (uint64_t)fl + (fr > 0.5);
                uint64_t div = (uint64_t)scale[dec], ip = k / div, fp = k % div;
                char tmp[32];
                int t = 0;
                do {
                    tmp[t++] = (char)('0' + ip % 10);
                    ip /= 10;
                } while (ip);
                int o = 0;
                if (signbit(v))
                    out[o++] = '-';
                while (t)
                    out[o++] = tmp[--t];
                if (dec) {
                    out[o++] = '.';
                    for (int i = dec - 1; i >= 0; i--) {
                        out[o + i] = (char)('0' + fp % 10);
                        fp /= 10;
                    }
                    o += dec;
                }
                out[o] = 0;
                return o;
            }
        }
    }
    return snprintf(out, n, "%.*f", dec, v);
}

size_t fp_trim(const char **sp, size_t n)
{
    const char *s = *sp;
    for (;;) {
        if (n && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n')) {
            s++;
            n--;
        } else if (n >= 3 && (unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
                   (unsigned char)s[2] == 0x80) {
            s += 3;
            n -= 3;
        } else {
            break;
        }
    }
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) {
            n--;
        } else if (n >= 3 && (unsigned char)s[n - 3] == 0xE3 && (unsigned char)s[n - 2] == 0x80 &&
                   (unsigned char)s[n - 1] == 0x80) {
            n -= 3;
        } else {
            break;
        }
    }
    *sp = s;
    return n;
}

bool fp_streq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

bool fp_mem_eq(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    return an == bn && memcmp(a, b, an) == 0;
}

size_t fp_utf8_valid_prefix(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* fast path: eight ASCII bytes at a time */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint32_t cp, min;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            return i;
        }
        if (i + len > n)
            return i;
        for (size_t k = 1; k < len; k++) {
            unsigned d = p[i + k];
            if ((d & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (d & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += len;
    }
    return i;
}

uint32_t fp_utf8_next(const char **sp)
{
    const unsigned char *p = (const unsigned char *)*sp;
    uint32_t c = p[0];
    size_t len = 1;
    /* a lead byte whose continuation bytes are not there (cut short, or the text's end): one byte, U+FFFD — the
     * checks stop at the first byte that is not 10xxxxxx, so the terminating NUL is never passed */
    size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    for (size_t k = 1; k < want; k++)
        if ((p[k] & 0xC0) != 0x80) {
            *sp += 1;
            return 0xFFFD;
        }
    if (c >= 0xF0) {
        c = ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
        len = 4;
    } else if (c >= 0xE0) {
        c = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        len = 3;
    } else if (c >= 0xC0) {
        c = ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
        len = 2;
    }
    *sp += len;
    return c;
}

bool fp_cp_wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
           (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

size_t fp_utf8_width(const char *s)
{
    size_t w = 0;
    while (*s) {
        uint32_t c = fp_utf8_next(&s);
        w += fp_cp_wide(c) ? 2 : 1;
    }
    return w;
}

size_t fp_utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

int fp_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    int d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c)
                c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c)
                c = d[i][j - 1] + 1;
            d[i][j] = c;
        }
    return d[la][lb];
}

size_t fp_utf8_len_n(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            k++;
    return k;
}

size_t fp_bidi_control(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n >= 2 && u[0] == 0xD8 && u[1] == 0x9C)
        return 2; /* U+061C arabic letter mark */
    if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x8E || u[2] == 0x8F || (u[2] >= 0xAA && u[2] <= 0xAE)))
        return 3; /* U+200E/F marks, U+202A–202E embeddings and overrides */
    if (n >= 3 && u[0] == 0xE2 && u[1] == 0x81 && u[2] >= 0xA6 && u[2] <= 0xA9)
        return 3; /* U+2066–2069 isolates */
    return 0;
}

void fp_quote_text(char *out, size_t outsz, const char *s, size_t n, size_t max)
{
    size_t o = 0;
    if (outsz == 0)
        return;
    bool cut = false;
    if (n > max) {
        n = max;
        cut = true;
        /* cut before a whole character, not inside one */
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    size_t i = 0;
    while (i < n) {
        size_t ok = fp_utf8_valid_prefix((const unsigned char *)s + i, n - i);
        /* copy the valid run, escaping control characters */
        for (size_t k = 0; k < ok; k++) {
            unsigned char c = (unsigned char)s[i + k];
            size_t bidi = fp_bidi_control(s + i + k, ok - k);
            if (bidi) { /* shown as what it is, never obeyed: a log line cannot be turned around */
                uint32_t cp;
                const char *q = s + i + k;
                cp = fp_utf8_next(&q);
                if (o + 7 >= outsz)
                    goto done;
                o += (size_t)snprintf(out + o, outsz - o, "\\u%04X", (unsigned)cp);
                k += bidi - 1;
                continue;
            }
            if (c < 0x20 || c == 0x7F) {
                if (o + 5 >= outsz)
                    goto done;
                o += (size_t)snprintf(out + o, outsz - o, "\\x%02X", c);
            } else {
                if (o + 2 >= outsz)
                    goto done;
                out[o++] = (char)c;
            }
        }
        i += ok;
        if (i < n) {
            if (o + 5 >= outsz)
                goto done;
            o += (size_t)snprintf(out + o, outsz - o, "\\x%02X", (unsigned char)s[i]);
            i++;
        }
    }
done:
    /* never end in the middle of a UTF-8 sequence (escapes are ASCII, so only a cut can do that) */
    o = fp_utf8_valid_prefix((const unsigned char *)out, o);
    if (cut && o + 4 < outsz) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = 0;
}

/* ---- SHA-256 ---- */

void fp_sha256_hex(const void *data, size_t n, char out[65])
{
    /* OpenSSL's libcrypto (libcurl depends on it already): no hand-written digest */
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
    for (unsigned int i = 0; i < len && i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    out[64] = 0;
}

void fp_buf_add_escaped(fp_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            fp_buf_adds(b, "&amp;");
            break;
        case '<':
            fp_buf_adds(b, "&lt;");
            break;
        case '>':
            fp_buf_adds(b, "&gt;");
            break;
        case '"':
            fp_buf_adds(b, "&quot;");
            break;
        case '\'':
            fp_buf_adds(b, "&#39;");
            break;
        default:
            fp_buf_addc(b, *s);
        }
    }
}

double fp_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void timer_now(double *wall, double *cpu)
{
    *wall = fp_now();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double fp_thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void fp_timer_sum(const fp_timer *t, const char *what, double cpu)
{
    if (t->on)
        fprintf(stderr, "fupan: timing: %-38s %13s %7.3f s CPU (added up over the threads)\n", what, "", cpu);
}

void fp_timer_start(fp_timer *t)
{
    const char *e = getenv("FUPAN_TIMING");
    t->on = e && *e && strcmp(e, "0") != 0;
    if (t->on)
        timer_now(&t->wall, &t->cpu);
}

void fp_timer_lap(fp_timer *t, const char *what)
{
    if (!t->on)
        return;
    double w, c;
    timer_now(&w, &c);
    /* the peak memory so far (Linux: VmHWM in /proc/self/status) */
    long peak_kb = -1;
    FILE *st = fopen("/proc/self/status", "r");
    if (st) {
        char line[256];
        while (fgets(line, sizeof line, st))
            if (!strncmp(line, "VmHWM:", 6)) {
                peak_kb = strtol(line + 6, NULL, 10);
                break;
            }
        fclose(st);
    }
    fprintf(stderr, "fupan: timing: %-38s %7.3f s wall %7.3f s CPU %6ld MB peak\n", what, w - t->wall, c - t->cpu,
            peak_kb >= 0 ? peak_kb / 1024 : -1);
    t->wall = w;
    t->cpu = c;
}
