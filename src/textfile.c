/* textfile.c — block reader with encoding detection and iconv conversion,
 * handing out one line at a time. See textfile.h for the contract. */
#include "textfile.h"

#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK (1u << 20)

struct fp_textfile {
    char *name;
    int fd;                    /* -1 when reading from memory */
    unsigned char *mem;
    size_t memlen, mempos;
    fp_encoding enc;
    iconv_t cd;
    bool conv;
    unsigned char *raw;        /* bytes read, not yet converted */
    size_t rawlen, rawcap;
    char *buf;                 /* UTF-8 text; [pos, len) not yet handed out */
    size_t pos, len, cap;
    bool eof;                  /* the source has no more bytes */
    uint32_t lineno;
    uint64_t size;
    uint64_t remaining;        /* bytes left to read from fd (UINT64_MAX: to the end) */
    size_t bom;
};

static ssize_t read_some(fp_textfile *f, void *dst, size_t n)
{
    if (f->fd < 0) {
        size_t k = f->memlen - f->mempos;
        if (k > n)
            k = n;
        memcpy(dst, f->mem + f->mempos, k);
        f->mempos += k;
        return (ssize_t)k;
    }
    if (n > f->remaining)
        n = (size_t)f->remaining;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(f->fd, (char *)dst + got, n - got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    if (f->remaining != UINT64_MAX)
        f->remaining -= got;
    return (ssize_t)got;
}

static uint32_t newlines(const char *p, size_t n)
{
    uint32_t k = 0;
    const char *end = p + n;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        k++;
        p++;
    }
    return k;
}

static fp_status bad_bytes(fp_textfile *f, const unsigned char *at, size_t avail, fp_error *err)
{
    /* the bad sequence starts after everything converted so far */
    uint32_t line = f->lineno + 1 + newlines(f->buf + f->pos, f->len - f->pos);
    const char *ls = f->buf + f->len;
    while (ls > f->buf + f->pos && ls[-1] != '\n')
        ls--;
    size_t col = fp_utf8_len_n(ls, (size_t)(f->buf + f->len - ls)) + 1;
    char hex[32] = "";
    size_t o = 0;
    for (size_t i = 0; i < avail && i < 4; i++)
        o += (size_t)snprintf(hex + o, sizeof hex - o, "\\x%02X", at[i]);
    return fp_fail(err, FP_ERR_INPUT,
                   "%s:%u: character %zu: bytes %s are not valid %s; save the file as UTF-8 or declare its "
                   "encoding in the profile (encoding=\"gbk\" or \"utf-8\")",
                   f->name, line, col, hex, fp_encoding_name(f->enc));
}

/* Converts what raw holds into buf. */
static int convert(fp_textfile *f, fp_error *err)
{
    char *in = (char *)f->raw;
    size_t inleft = f->rawlen;
    for (;;) {
        if (f->cap - f->len < 16) {
            f->cap *= 2;
            f->buf = fp_xrealloc(f->buf, f->cap);
        }
        char *out = f->buf + f->len;
        size_t outleft = f->cap - f->len - 1;
        size_t r = iconv(f->cd, &in, &inleft, &out, &outleft);
        f->len = (size_t)(out - f->buf);
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG)
            continue;
        if (errno == EINVAL) {
            if (f->eof && inleft) {
                uint32_t line = f->lineno + 1 + newlines(f->buf + f->pos, f->len - f->pos);
                fp_fail(err, FP_ERR_INPUT, "%s:%u: the file ends in the middle of a %s character", f->name,
                        line, fp_encoding_name(f->enc));
                return -1;
            }
            break; /* incomplete sequence: wait for more bytes */
        }
        bad_bytes(f, (const unsigned char *)in, inleft, err);
        return -1;
    }
    memmove(f->raw, in, inleft);
    f->rawlen = inleft;
    return 0;
}

/* Makes more text available after pos. Returns 1, 0 at end, -1 on error. */
static int refill(fp_textfile *f, fp_error *err)
{
    if (f->pos) {
        memmove(f->buf, f->buf + f->pos, f->len - f->pos);
        f->len -= f->pos;
        f->pos = 0;
    }
    if (f->eof && (!f->conv || f->rawlen == 0))
        return 0;
    if (f->len + BLOCK / 4 > f->cap) {
        if (f->cap >= FP_MAX_LINE_BYTES) {
            fp_fail(err, FP_ERR_INPUT, "%s:%u: the line is longer than %u MB; is this really a CSV file?", f->name,
                    f->lineno + 1, FP_MAX_LINE_BYTES >> 20);
            return -1;
        }
        f->cap *= 2;
        f->buf = fp_xrealloc(f->buf, f->cap);
    }
    size_t before = f->len;
    if (!f->conv) {
        ssize_t n = read_some(f, f->buf + f->len, f->cap - f->len - 1);
        if (n < 0) {
            fp_fail(err, FP_ERR_IO, "%s: read error: %s", f->name, strerror(errno));
            return -1;
        }
        if (n == 0)
            f->eof = true;
        f->len += (size_t)n;
    } else {
        if (!f->eof) {
            ssize_t n = read_some(f, f->raw + f->rawlen, f->rawcap - f->rawlen);
            if (n < 0) {
                fp_fail(err, FP_ERR_IO, "%s: read error: %s", f->name, strerror(errno));
                return -1;
            }
            if (n == 0)
                f->eof = true;
            f->rawlen += (size_t)n;
        }
        if (convert(f, err) < 0)
            return -1;
    }
    f->buf[f->len] = 0;
    return f->len > before || !f->eof ? 1 : 0;
}

/* Length of the valid UTF-8 sequence at r (1 for ASCII), 0 when the bytes there are not UTF-8. */
static size_t utf8_seq(const unsigned char *r, size_t n)
{
    size_t k = fp_utf8_valid_prefix(r, n < 4 ? n : 4);
    if (!k)
        return 0;
    size_t len = r[0] < 0x80 ? 1 : r[0] < 0xE0 ? 2 : r[0] < 0xF0 ? 3 : 4;
    return k >= len ? len : 0;
}

/* A block that is UTF-8 but for a stray byte or two: many multi-byte characters read as UTF-8, a few
 * bytes do not. GBK text read as UTF-8 fails at nearly every character, so one bad line in a UTF-8 export
 * no longer turns the whole file into GB18030 (and its error into "line 1: not valid gb18030"). */
static bool mostly_utf8(const unsigned char *r, size_t n)
{
    size_t multi = 0, bad = 0;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(r + i, n - i);
        if (!k) {
            if (n - i < 4)
                break; /* a character cut at the end of the block */
            bad++;
            i++;
            continue;
        }
        multi += k > 1;
        i += k;
    }
    return multi >= 8 && bad * 50 <= multi;
}

/* UTF-16 without a byte-order mark: ASCII text (the header, digits, dates) has a NUL in every other byte —
 * in the odd positions for little-endian, the even ones for big-endian. */
static int utf16_without_bom(const unsigned char *r, size_t n)
{
    if (n < 8)
        return 0;
    size_t even = 0, odd = 0, m = n & ~(size_t)1;
    for (size_t i = 0; i < m; i += 2) {
        even += r[i] == 0;
        odd += r[i + 1] == 0;
    }
    size_t pairs = m / 2;
    if (odd * 10 >= pairs * 3 && even * 20 < pairs)
        return 1; /* little-endian */
    if (even * 10 >= pairs * 3 && odd * 20 < pairs)
        return 2; /* big-endian */
    return 0;
}

static fp_status start(fp_textfile *f, fp_encoding enc, bool detect, fp_error *err)
{
    f->rawcap = BLOCK;
    f->raw = fp_xmalloc(f->rawcap);
    ssize_t n = read_some(f, f->raw, f->rawcap);
    if (n < 0)
        return fp_fail(err, FP_ERR_IO, "%s: read error: %s", f->name, strerror(errno));
    f->rawlen = (size_t)n;
    f->eof = (size_t)n < f->rawcap;
    const unsigned char *r = f->raw;
    size_t skip = 0;
    if (!detect) {
        /* a range of a file whose encoding and BOM were handled when its start was read */
    } else if (n >= 4 && r[0] == 0xD0 && r[1] == 0xCF && r[2] == 0x11 && r[3] == 0xE0) {
        /* an OLE2 compound file: an old .xls workbook (BIFF), or a workbook saved with a password */
        return fp_fail(err, FP_ERR_INPUT, "%s: this is an old Excel workbook (.xls) or one protected by a password, "
                       "which fupan cannot read; in Excel use \"Save As\" → \"Excel Workbook (.xlsx)\" (without a "
                       "password) or \"CSV UTF-8\"", f->name);
    } else if (n >= 4 && r[0] == 'P' && r[1] == 'K' && ((r[2] == 3 && r[3] == 4) || (r[2] == 5 && r[3] == 6))) {
        /* the data folder reads workbooks with xlsx_load.c; only a caller that wants text gets here */
        return fp_fail(err, FP_ERR_INPUT, "%s: this is an Excel workbook (.xlsx), not a CSV file; name it in a "
                       "profile, which reads workbooks, or in Excel use \"Save As\" → \"CSV UTF-8\"", f->name);
    }
    if (n >= 3 && r[0] == 0xEF && r[1] == 0xBB && r[2] == 0xBF) {
        enc = FP_ENC_UTF8;
        skip = 3;
    } else if (n >= 2 && ((r[0] == 0xFF && r[1] == 0xFE) || (r[0] == 0xFE && r[1] == 0xFF))) {
        enc = FP_ENC_UTF16;
    } else if (enc == FP_ENC_AUTO && utf16_without_bom(r, (size_t)n)) {
        enc = FP_ENC_UTF16;
    } else if (enc == FP_ENC_AUTO) {
        size_t ok = fp_utf8_valid_prefix(r, (size_t)n);
        /* a block cut in the middle of a character is still UTF-8 */
        bool cut = !f->eof && ok < (size_t)n && (size_t)n - ok < 4 && r[ok] >= 0xC2;
        enc = (ok == (size_t)n || cut || mostly_utf8(r, (size_t)n)) ? FP_ENC_UTF8 : FP_ENC_GB18030;
    }
    f->enc = enc;
    f->bom = skip;
    f->cap = 2 * BLOCK;
    f->buf = fp_xmalloc(f->cap);
    if (enc == FP_ENC_UTF8) {
        memcpy(f->buf, f->raw + skip, f->rawlen - skip);
        f->len = f->rawlen - skip;
        f->buf[f->len] = 0;
        free(f->raw);
        f->raw = NULL;
        f->rawlen = 0;
        return FP_OK;
    }
    int bomless = enc == FP_ENC_UTF16 && !(n >= 2 && ((r[0] == 0xFF && r[1] == 0xFE) || (r[0] == 0xFE && r[1] == 0xFF)))
                      ? utf16_without_bom(r, (size_t)n)
                      : 0;
    const char *from = enc == FP_ENC_GB18030 ? "GB18030"
                       : bomless == 2 || (!bomless && n >= 1 && r[0] == 0xFE) ? "UTF-16BE"
                                                                              : "UTF-16LE";
    if (enc == FP_ENC_UTF16 && n >= 2 && ((r[0] == 0xFF && r[1] == 0xFE) || (r[0] == 0xFE && r[1] == 0xFF)))
        skip = 2;
    f->bom = skip;
    memmove(f->raw, f->raw + skip, f->rawlen - skip);
    f->rawlen -= skip;
    f->cd = iconv_open("UTF-8", from);
    if (f->cd == (iconv_t)-1)
        return fp_fail(err, FP_ERR_INTERNAL, "%s: this system's iconv cannot convert %s", f->name, from);
    f->conv = true;
    if (convert(f, err) < 0)
        return err ? err->code : FP_ERR_INPUT;
    f->buf[f->len] = 0;
    return FP_OK;
}

static fp_textfile *alloc(const char *name)
{
    fp_textfile *f = fp_xcalloc(1, sizeof *f);
    f->name = fp_xstrdup(name);
    f->fd = -1;
    f->cd = (iconv_t)-1;
    f->remaining = UINT64_MAX;
    return f;
}

fp_status fp_textfile_open(const char *path, fp_encoding enc, fp_textfile **out, fp_error *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return fp_fail(err, FP_ERR_NOTFOUND, "%s: no such file", path);
        return fp_fail(err, FP_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fp_fail(err, FP_ERR_INPUT, "%s: not a regular file", path);
    }
    fp_textfile *f = alloc(path);
    f->fd = fd;
    f->size = (uint64_t)st.st_size;
    fp_status s = start(f, enc, true, err);
    if (s != FP_OK) {
        fp_textfile_close(f);
        return s;
    }
    *out = f;
    return FP_OK;
}

fp_status fp_textfile_open_mem(const char *name, const void *data, size_t n, fp_encoding enc, fp_textfile **out,
                               fp_error *err)
{
    *out = NULL;
    fp_textfile *f = alloc(name);
    f->mem = fp_xmalloc(n);
    memcpy(f->mem, data, n);
    f->memlen = n;
    f->size = n;
    fp_status s = start(f, enc, true, err);
    if (s != FP_OK) {
        fp_textfile_close(f);
        return s;
    }
    *out = f;
    return FP_OK;
}

fp_status fp_textfile_open_range(const char *path, fp_encoding enc, uint64_t start_off, uint64_t end,
                                 fp_textfile **out, fp_error *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fp_fail(err, FP_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if (lseek(fd, (off_t)start_off, SEEK_SET) < 0) {
        close(fd);
        return fp_fail(err, FP_ERR_IO, "%s: cannot seek: %s", path, strerror(errno));
    }
    fp_textfile *f = alloc(path);
    f->fd = fd;
    f->size = end - start_off;
    f->remaining = end - start_off;
    fp_status s = start(f, enc, false, err);
    if (s != FP_OK) {
        fp_textfile_close(f);
        return s;
    }
    *out = f;
    return FP_OK;
}

size_t fp_textfile_bom_bytes(const fp_textfile *f)
{
    return f->bom;
}

int fp_textfile_next(fp_textfile *f, const char **line, size_t *len, fp_error *err)
{
    for (;;) {
        char *start = f->buf + f->pos;
        size_t avail = f->len - f->pos;
        char *nl = avail ? memchr(start, '\n', avail) : NULL;
        if (nl) {
            *line = start;
            *len = (size_t)(nl - start) + 1;
            f->pos += *len;
            f->lineno++;
            return 1;
        }
        int r = refill(f, err);
        if (r < 0)
            return -1;
        if (r == 0) {
            if (f->len > f->pos) {
                *line = f->buf + f->pos;
                *len = f->len - f->pos;
                f->pos = f->len;
                f->lineno++;
                return 1;
            }
            return 0;
        }
    }
}

uint32_t fp_textfile_lineno(const fp_textfile *f)
{
    return f->lineno;
}

fp_encoding fp_textfile_encoding(const fp_textfile *f)
{
    return f->enc;
}

uint64_t fp_textfile_size(const fp_textfile *f)
{
    return f->size;
}

void fp_textfile_close(fp_textfile *f)
{
    if (!f)
        return;
    if (f->fd >= 0)
        close(f->fd);
    if (f->cd != (iconv_t)-1)
        iconv_close(f->cd);
    free(f->mem);
    free(f->raw);
    free(f->buf);
    free(f->name);
    free(f);
}
