/* util.h — memory, growable buffers and small string helpers used everywhere.
 *
 * Out-of-memory policy (chosen once, for the whole program): the x*alloc
 * functions print a message and abort. Nothing else in fupan checks for NULL
 * from an allocation.
 */
#ifndef FP_UTIL_H
#define FP_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>

void *fp_xmalloc(size_t n);
void *fp_xcalloc(size_t count, size_t size);
void *fp_xrealloc(void *p, size_t n);
/* Grows *p (an array of elem bytes each, *cap elements) to hold at least need elements. */
void fp_xgrow(void **p, size_t *cap, size_t need, size_t elem);
char *fp_xstrdup(const char *s);
char *fp_xstrndup(const char *s, size_t n);

/* Large arrays (table columns, dictionary storage): mapped with transparent huge pages where the
 * system allows, so filling a 100 MB column costs a few hundred page faults instead of 25,000.
 * Sizes are in bytes; fp_big_free needs the size the block has now. */
void *fp_big_alloc(size_t n);
/* The same, zero-filled: a fresh mapping is zero already, so only a small block is cleared. */
void *fp_big_zalloc(size_t n);
void *fp_big_realloc(void *p, size_t old_n, size_t new_n);
void fp_big_free(void *p, size_t n);

/* Seconds on the monotonic clock (for durations only). */
double fp_now(void);
/* Seconds of processor time the calling thread has used. */
double fp_thread_cpu(void);

/* Phase timing a user can switch on: with FUPAN_TIMING set in the environment, each lap prints to stderr
 * "fupan: timing: WHAT  W s wall  C s CPU" (CPU: the whole process, all threads, user + system) since the
 * previous lap. Off, a lap costs nothing but a branch. fp_timer_sum prints a phase that ran in pieces on
 * several threads: its processor time in all. */

typedef struct fp_timer {
    bool on;
    double wall, cpu;
} fp_timer;
void fp_timer_start(fp_timer *t);
void fp_timer_lap(fp_timer *t, const char *what);
void fp_timer_sum(const fp_timer *t, const char *what, double cpu);

/* A growable byte buffer, always NUL-terminated once anything was added. */
typedef struct fp_buf {
    char *data;
    size_t len;
    size_t cap;
} fp_buf;

void fp_buf_init(fp_buf *b);
void fp_buf_free(fp_buf *b);
void fp_buf_reset(fp_buf *b);
void fp_buf_reserve(fp_buf *b, size_t extra);
void fp_buf_add(fp_buf *b, const void *p, size_t n);
void fp_buf_adds(fp_buf *b, const char *s);
void fp_buf_addc(fp_buf *b, char c);
void fp_buf_printf(fp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the buffer's contents (caller frees) and leaves b empty. */
char *fp_buf_steal(fp_buf *b);

/* Strips ASCII white space and U+3000 (ideographic space) at both ends; returns the new length. */
size_t fp_trim(const char **s, size_t n);
/* Exactly what snprintf(out, n, "%.*f", dec, v) writes, and its length, without printf for the common case
 * (a chart's coordinates and labels, JSON numbers): dec 0 to 6. */
int fp_fixed(char *out, size_t n, double v, int dec);
bool fp_streq(const char *a, const char *b);
bool fp_mem_eq(const char *a, size_t an, const char *b);
/* a[0..n) == b[0..n): short strings (most of a CRM export's) eight bytes at a time, without a call */
/* The bytes s[0..n) folded into 64 bits each of a and b, with whole-word loads only (the ends of a short
 * text overlap): a hash's input, and a cheap first comparison. Texts of 16 bytes or less are given whole. */
static inline void fp_bytes_ends(const char *s, size_t n, uint64_t *a, uint64_t *b)
{
    if (n >= 8) {
        memcpy(a, s, 8);
        memcpy(b, s + n - 8, 8);
    } else if (n >= 4) {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + n - 4, 4);
        *a = x;
        *b = y;
    } else {
        *a = n ? (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[n / 2] << 8 |
                     (uint64_t)(unsigned char)s[n - 1] << 16
               : 0;
        *b = 0;
    }
}

static inline bool fp_bytes_eq(const char *a, const char *b, size_t n)
{
    if (n > 32)
        return memcmp(a, b, n) == 0;
    if (n < 8) {
        uint64_t x0, x1, y0, y1;
        fp_bytes_ends(a, n, &x0, &x1);
        fp_bytes_ends(b, n, &y0, &y1);
        return x0 == y0 && x1 == y1;
    }
    /* whole words, the last one ending at the end (it may overlap the one before) */
    for (size_t i = 0;; i += 8) {
        if (i + 8 > n)
            i = n - 8;
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y)
            return false;
        if (i + 8 == n)
            return true;
    }
}

/* UTF-8 helpers. */
/* Length of the valid UTF-8 prefix of p[0..n). Rejects overlongs and surrogates. */
size_t fp_utf8_valid_prefix(const unsigned char *p, size_t n);
/* Decodes one code point at *p (valid UTF-8 assumed), advancing *p. */
uint32_t fp_utf8_next(const char **p);
/* Display width in terminal columns (CJK wide characters count 2). */
size_t fp_utf8_width(const char *s);
/* East Asian wide (Han, kana, Hangul, full-width forms and punctuation): two columns, and no space between two
 * of them when a line break joins them (the CSS segment-break rule). */
bool fp_cp_wide(uint32_t cp);
/* Number of code points. */
size_t fp_utf8_len(const char *s);
size_t fp_utf8_len_n(const char *s, size_t n);

/* Levenshtein distance of two short strings (bytes), for "did you mean" hints; 99 for long ones. */
int fp_edit_distance(const char *a, const char *b);

/* Escapes a short piece of user text for an error message: at most max bytes, control and invalid
 * bytes shown as \xNN. Writes into out (size outsz). */
void fp_quote_text(char *out, size_t outsz, const char *s, size_t n, size_t max);
/* The length of the bidirectional control character (U+200E/F, U+202A–202E, U+2066–2069, U+061C) at s, else 0:
 * such characters turn text around on screen (T_华南<U+202E>gpj.exe), so names never carry them into a file name, and
 * logs show them escaped. */
size_t fp_bidi_control(const char *s, size_t n);

/* SHA-256 of data, as 64 lowercase hex digits and a NUL (for manifests: checksums of reports) */
void fp_sha256_hex(const void *data, size_t n, char out[65]);

/* appends s with & < > " ' escaped for HTML and XML text and attributes */
void fp_buf_add_escaped(fp_buf *b, const char *s);

#endif
