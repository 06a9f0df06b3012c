/* xlsx_load.c — a sheet of an .xlsx workbook into a typed table, with libzip and libxml2's SAX2 push
 * parser, streaming.
 *
 * A workbook is a zip archive of XML parts: _rels/.rels names the workbook part, whose relationships
 * name the sheets, the shared strings and the styles. The small parts are read first (the sheet list,
 * the date system, which cell formats are dates, the shared strings); then the chosen sheet is
 * inflated block by block and fed to libxml2, whose callbacks hand each row's cells to the CSV
 * loader's row sink (csv_load.h), which types, interns and checks them exactly as it does a CSV
 * file's. Only the shared strings are kept whole (bounded), in one buffer.
 *
 * Everything in the archive is hostile: the bytes inflated are counted (never the sizes the headers
 * claim) against bounds per part and in all; the XML may have no DOCTYPE (so no entity, no DTD), the
 * parser never touches the network and never substitutes entities; counts are bounded as they grow,
 * never taken from attributes (a sharedStrings count="4000000000" allocates nothing).
 */
#include "xlsx_load.h"

#include "csv_load.h"
#include "util.h"

#include <ctype.h>
#include <isa-l/igzip_lib.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zip.h>

const fp_xlsx_limits fp_xlsx_default_limits = {
    .part_bytes = FP_XLSX_MAX_PART_BYTES,
    .total_bytes = FP_XLSX_MAX_TOTAL_BYTES,
    .strings = FP_XLSX_MAX_STRINGS,
    .string_bytes = FP_XLSX_MAX_STRING_BYTES,
};

#define READ_BLOCK (256u << 10)
/* libxml2 is fed this much at a time: its buffer grows to hold what it is given and moves what is left
 * down as it goes, so a megabyte at once costs a copy of it (5% of the time) */
#define FEED_BYTES (64u << 10)
#define MAX_ENTRIES 100000
#define MAX_NAME 1024

typedef struct sheetref {
    char *name;
    char *rid;
    bool hidden;
} sheetref;

typedef struct rel {
    char *id;
    char *type;   /* the last segment of the relationship type: "worksheet", "sharedStrings" … */
    char *target; /* resolved: a path inside the archive */
} rel;

typedef struct stream stream;

typedef struct xlsx {
    const char *path;
    const fp_profile_table *pt;
    const fp_xlsx_limits *lim;
    fp_error *err;
    zip_t *zip;
    bool failed;
    uint64_t total;          /* bytes inflated so far, all parts */

    /* the part being parsed */
    char part[MAX_NAME + 40];
    xmlParserCtxtPtr ctxt;
    bool stop;               /* the handler has what it needs: stop parsing, not an error */
    char xml_error[300];     /* libxml2's first error */
    int xml_error_line;

    /* workbook */
    char *workbook;          /* the workbook part's path */
    sheetref *sheets;
    int nsheets;
    size_t sheetscap;
    bool date1904;
    rel *rels;
    int nrels;
    const char *rels_base;   /* the part whose relationships are being read (NULL: the package's) */
    size_t relscap;

    /* styles: which cell formats (s="…") show a date */
    uint8_t *xf_date;
    int nxf;
    size_t xfcap;
    int *xf_fmt;             /* numFmtId of each cellXfs xf, until the custom formats are known */
    size_t xffmtcap;
    int *fmt_id;             /* custom number formats */
    uint8_t *fmt_date;
    int nfmt;
    size_t fmtcap, fmtdcap;
    int in_cellxfs;

    /* shared strings: text in strbuf, string i at [stroff[i], stroff[i + 1]) */
    fp_buf strbuf;
    uint32_t *stroff;
    size_t nstr, stroffcap;

    /* text being collected (a shared string, a cell's value) */
    fp_buf text;
    bool capture;
    int in_si, in_rph, in_is;

    /* the sheet */
    struct stream *stream;   /* where its cells go */
    size_t blen;             /* bytes in the block being filled */
    bool stop_consumer;      /* the sink stopped at an error */
    const char *sheet_part;
    xmlSAXHandler sheet_sax;
    bool sheet_ok;           /* the XML side read the sheet to its end */
    fp_buf *out;             /* parallel parsing: the records of the chunk being parsed */
    long chunk;              /* its number */
    bool in_data, in_row, in_cell, data_done;
    uint32_t row;            /* current row number (1-based); 0 before the first */
    int col;                 /* column of the last cell in this row, -1 at the start of a row */
    int cell_col;
    char cell_type;          /* 'n' number, 's' shared, 'i' inline, 't' text (str, e), 'b' boolean, 'd' ISO date */
    bool cell_date;          /* formatted as a date */
    bool has_value;
} xlsx;

/* ---- messages ------------------------------------------------------------------------------------ */

static void fail(xlsx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(xlsx *x, const char *fmt, ...)
{
    if (x->failed)
        return;
    x->failed = true;
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fp_fail(x->err, FP_ERR_INPUT, "%s: %s", x->path, msg);
    if (x->ctxt)
        xmlStopParser(x->ctxt);
}

static void damaged(xlsx *x, const char *what)
{
    fail(x, "the workbook is damaged: %s (%s); open it in Excel and save it again", what, x->part);
}

static void on_xml_error(void *ud, xmlErrorPtr e)
{
    xlsx *x = ud;
    if (!e || e->level < XML_ERR_ERROR || x->xml_error[0])
        return;
    snprintf(x->xml_error, sizeof x->xml_error, "%s", e->message ? e->message : "malformed XML");
    size_t n = strlen(x->xml_error);
    while (n && (x->xml_error[n - 1] == '\n' || x->xml_error[n - 1] == ' '))
        x->xml_error[--n] = 0;
    x->xml_error_line = e->line;
}

static void on_doctype(void *ud, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    (void)name;
    (void)ext;
    (void)sys;
    xlsx *x = ud;
    fail(x, "%s has a DOCTYPE, which a workbook never has; refused (fupan reads no DTD and no entity)", x->part);
}

static xmlEntityPtr on_entity(void *ud, const xmlChar *name)
{
    (void)ud;
    return xmlGetPredefinedEntity(name); /* &amp; &lt; &gt; &quot; &apos; and nothing else */
}

/* ---- attributes ---------------------------------------------------------------------------------- */

/* SAX2 attributes come as (localname, prefix, URI, value, end) */
static const xmlChar **find_attr(int nattr, const xmlChar **attrs, const char *name, bool ns)
{
    for (int i = 0; i < nattr; i++) {
        const xmlChar **a = attrs + 5 * i;
        if (a[0][0] == (xmlChar)name[0] && !strcmp((const char *)a[0], name) && (!ns || a[2]))
            return a;
    }
    return NULL;
}

/* appends to a buffer, inline when there is room (the cells' hot path) */
static inline void buf_append(fp_buf *b, const void *p, size_t n)
{
    if (b->cap - b->len <= n)
        fp_buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

/* An attribute's value as a new string; the parser leaves &amp; as &#38; when it does not substitute
 * entities, which is undone here. */
static char *attr_dup(int nattr, const xmlChar **attrs, const char *name, bool ns)
{
    const xmlChar **a = find_attr(nattr, attrs, name, ns);
    if (!a)
        return NULL;
    const char *s = (const char *)a[3], *e = (const char *)a[4];
    fp_buf b;
    fp_buf_init(&b);
    while (s < e) {
        if (e - s >= 5 && !memcmp(s, "&#38;", 5)) {
            fp_buf_addc(&b, '&');
            s += 5;
        } else {
            fp_buf_addc(&b, *s++);
        }
    }
    if (!b.data)
        fp_buf_addc(&b, 0);
    return fp_buf_steal(&b);
}

/* A small non-negative decimal attribute; -1 when absent or not one. */
static long attr_num(int nattr, const xmlChar **attrs, const char *name)
{
    const xmlChar **a = find_attr(nattr, attrs, name, false);
    if (!a)
        return -1;
    const char *s = (const char *)a[3], *e = (const char *)a[4];
    if (s == e || e - s > 9)
        return -1;
    long v = 0;
    for (; s < e; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

static bool attr_true(int nattr, const xmlChar **attrs, const char *name)
{
    const xmlChar **a = find_attr(nattr, attrs, name, false);
    if (!a)
        return false;
    size_t n = (size_t)(a[4] - a[3]);
    return (n == 1 && a[3][0] == '1') || (n == 4 && !memcmp(a[3], "true", 4));
}

/* ---- reading a part ------------------------------------------------------------------------------ */

static zip_int64_t locate(xlsx *x, const char *name)
{
    zip_int64_t i = zip_name_locate(x->zip, name, 0);
    if (i < 0)
        i = zip_name_locate(x->zip, name, ZIP_FL_NOCASE);
    return i;
}

/* "2048 MB", or "20 bytes" below a megabyte */
static void size_text(uint64_t n, char *out, size_t outsz)
{
    if (n >= (1u << 20))
        snprintf(out, outsz, "%llu MB", (unsigned long long)(n >> 20));
    else
        snprintf(out, outsz, "%llu bytes", (unsigned long long)n);
}

static void size_bound(xlsx *x, const char *entry, uint64_t n, bool claimed)
{
    char b[40];
    if (n > x->lim->part_bytes) {
        size_text(x->lim->part_bytes, b, sizeof b);
        fail(x, "%s %s more than %s uncompressed, the most fupan reads of one part of a workbook; refused "
                "(a zip bomb?)",
             entry, claimed ? "says it holds" : "inflates to", b);
    } else {
        size_text(x->lim->total_bytes, b, sizeof b);
        fail(x, "the parts read %s more than %s uncompressed, the most fupan reads of a workbook; refused "
                "(a zip bomb?)",
             claimed ? "say they hold" : "inflate to", b);
    }
}

/* ---- a ring of blocks between two threads ------------------------------------------------------- */

typedef struct ring {
    char *blk[4];
    size_t len[4];
    size_t size;
    int rd, wr, count;
    bool closed;             /* the writer has written its last block */
    atomic_bool stop;        /* the reader gave up: the writer stops */
    pthread_mutex_t mu;
    pthread_cond_t cv;
} ring;

#define RING_BLOCKS 4

static void ring_init(ring *r, size_t size)
{
    memset(r, 0, sizeof *r);
    r->size = size;
    for (int i = 0; i < RING_BLOCKS; i++)
        r->blk[i] = fp_xmalloc(size);
    atomic_init(&r->stop, false);
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
}

static void ring_free(ring *r)
{
    for (int i = 0; i < RING_BLOCKS; i++)
        free(r->blk[i]);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->cv);
}

/* the block the writer fills next */
static char *ring_wblock(ring *r)
{
    return r->blk[r->wr];
}

/* Hands the filled block over and waits for a free one. False: the reader stopped. */
static bool ring_put(ring *r, size_t len)
{
    pthread_mutex_lock(&r->mu);
    r->len[r->wr] = len;
    r->wr = (r->wr + 1) % RING_BLOCKS;
    r->count++;
    pthread_cond_broadcast(&r->cv);
    while (r->count == RING_BLOCKS && !atomic_load(&r->stop))
        pthread_cond_wait(&r->cv, &r->mu);
    pthread_mutex_unlock(&r->mu);
    return !atomic_load(&r->stop);
}

static void ring_close(ring *r)
{
    pthread_mutex_lock(&r->mu);
    r->closed = true;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

/* The next filled block, NULL after the last. */
static const char *ring_get(ring *r, size_t *len)
{
    pthread_mutex_lock(&r->mu);
    while (r->count == 0 && !r->closed)
        pthread_cond_wait(&r->cv, &r->mu);
    const char *b = r->count ? r->blk[r->rd] : NULL;
    *len = r->count ? r->len[r->rd] : 0;
    pthread_mutex_unlock(&r->mu);
    return b;
}

/* The reader is done with the block ring_get gave. */
static void ring_release(ring *r)
{
    pthread_mutex_lock(&r->mu);
    r->rd = (r->rd + 1) % RING_BLOCKS;
    r->count--;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

static void ring_stop(ring *r)
{
    pthread_mutex_lock(&r->mu);
    atomic_store(&r->stop, true);
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

/* ---- inflating a part ---------------------------------------------------------------------------- */

/* A deflated part inflated by ISA-L (three times zlib's speed on this kind of text) from the archive's raw bytes,
 * its CRC-32 and size checked at its end against the archive's: the large sheet's chunked reading, whose
 * every failure reads the sheet again through libzip (which then says what is wrong). */
typedef struct fast_inflate {
    struct inflate_state st;
    unsigned char in[64 << 10];
    bool in_end, done;
    uint32_t crc;  /* the archive's */
    uint64_t size; /* the archive's */
} fast_inflate;

typedef struct reader {
    xlsx *x;
    zip_file_t *zf;
    fast_inflate *fi; /* or NULL: libzip inflates */
    uint64_t got;
    const char *entry;
    char msg[400];           /* why it stopped, when it failed */
    bool failed;
    ring ring;               /* when a thread inflates ahead */
} reader;

/* The next bytes of the part, inflated and counted against the bounds: the count of bytes, 0 at the
 * end, -1 with r->msg set. Touches nothing of the XML side, so it may run on a thread of its own. */
static int count_inflated(reader *r, zip_int64_t n);

/* up to len bytes through ISA-L: the count, 0 at the end, -1 when the data or its checksum is wrong */
static zip_int64_t fast_read(reader *r, char *buf, size_t len)
{
    fast_inflate *fi = r->fi;
    if (fi->done)
        return 0;
    uint32_t cap = (uint32_t)(len > (1u << 30) ? 1u << 30 : len);
    fi->st.next_out = (uint8_t *)buf;
    fi->st.avail_out = cap;
    while (fi->st.avail_out == cap && !fi->done) {
        if (fi->st.avail_in == 0 && !fi->in_end) {
            zip_int64_t m = zip_fread(r->zf, fi->in, sizeof fi->in);
            if (m < 0)
                return -1;
            fi->in_end = m == 0;
            fi->st.next_in = fi->in;
            fi->st.avail_in = (uint32_t)m;
        }
        if (isal_inflate(&fi->st) != ISAL_DECOMP_OK)
            return -1;
        if (fi->st.block_state == ISAL_BLOCK_FINISH) {
            fi->done = true;
            if (fi->st.crc != fi->crc || fi->st.total_out != (uint32_t)fi->size) /* (total_out: mod 2^32) */
                return -1;
        } else if (fi->st.avail_in == 0 && fi->in_end && fi->st.avail_out == cap) {
            return -1; /* the data ends before the deflate stream does */
        }
    }
    return (zip_int64_t)(cap - fi->st.avail_out);
}

static int inflate_some(reader *r, char *buf, size_t len)
{
    if (r->fi) {
        zip_int64_t n = fast_read(r, buf, len);
        if (n < 0) {
            snprintf(r->msg, sizeof r->msg, "cannot read %s (the workbook is damaged)", r->entry);
            r->failed = true;
            return -1;
        }
        return count_inflated(r, n);
    }
    zip_int64_t n = zip_fread(r->zf, buf, (zip_uint64_t)len);
    if (n < 0) {
        zip_error_t *ze = zip_file_get_error(r->zf);
        if (zip_error_code_zip(ze) == ZIP_ER_CRC)
            snprintf(r->msg, sizeof r->msg,
                     "the workbook is damaged: a checksum does not match (%s); open it in Excel and save it again",
                     r->entry);
        else
            snprintf(r->msg, sizeof r->msg, "cannot read %s: %s (the workbook is damaged)", r->entry,
                     zip_error_strerror(ze));
        r->failed = true;
        return -1;
    }
    return count_inflated(r, n);
}

/* n bytes inflated into the part: counted against the bounds (n, or -1 with r->msg set) */
static int count_inflated(reader *r, zip_int64_t n)
{
    xlsx *x = r->x;
    /* the bytes really inflated, whatever the headers say */
    r->got += (uint64_t)n;
    x->total += (uint64_t)n;
    char b[40];
    if (r->got > x->lim->part_bytes) {
        size_text(x->lim->part_bytes, b, sizeof b);
        snprintf(r->msg, sizeof r->msg,
                 "%s inflates to more than %s uncompressed, the most fupan reads of one part of a workbook; "
                 "refused (a zip bomb?)",
                 r->entry, b);
    } else if (x->total > x->lim->total_bytes) {
        size_text(x->lim->total_bytes, b, sizeof b);
        snprintf(r->msg, sizeof r->msg,
                 "the parts read inflate to more than %s uncompressed, the most fupan reads of a workbook; "
                 "refused (a zip bomb?)",
                 b);
    } else {
        return (int)n;
    }
    r->failed = true;
    return -1;
}

static void *inflate_ahead(void *arg)
{
    reader *r = arg;
    for (;;) {
        int n = inflate_some(r, ring_wblock(&r->ring), r->ring.size);
        if (n <= 0 || !ring_put(&r->ring, (size_t)n))
            break;
    }
    ring_close(&r->ring);
    return NULL;
}

/* parts this large (compressed) are inflated on a thread of their own, ahead of the XML */
#define AHEAD_MIN_BYTES (1u << 20)
#define AHEAD_BLOCK (1u << 20)

/* Inflates the part entry block by block into libxml2 with the handlers of sax. Returns false on an
 * error (x->err set). A missing part is an error only when required. */
static bool parse_part(xlsx *x, const char *entry, xmlSAXHandler *sax, bool required)
{
    snprintf(x->part, sizeof x->part, "%s", entry);
    zip_int64_t idx = locate(x, entry);
    if (idx < 0) {
        if (required)
            damaged(x, "a part is missing");
        return !required;
    }
    zip_stat_t st;
    zip_stat_init(&st);
    bool ahead = false;
    if (zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &st) == 0) {
        /* a header's size is only believed when it refuses */
        if ((st.valid & ZIP_STAT_SIZE) &&
            (st.size > x->lim->part_bytes || st.size > x->lim->total_bytes - x->total)) {
            size_bound(x, entry, st.size, true);
            return false;
        }
        ahead = (st.valid & ZIP_STAT_COMP_SIZE) && st.comp_size >= AHEAD_MIN_BYTES;
    }
    zip_file_t *zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
    if (!zf) {
        zip_error_t *ze = zip_get_error(x->zip);
        int code = zip_error_code_zip(ze);
        if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_ENCRNOTSUPP || code == ZIP_ER_WRONGPASSWD)
            fail(x, "%s is encrypted; save the workbook without a password", entry);
        else
            fail(x, "cannot read %s: %s", entry, zip_error_strerror(ze));
        return false;
    }
    x->xml_error[0] = 0;
    x->stop = false;
    x->ctxt = xmlCreatePushParserCtxt(sax, x, NULL, 0, entry);
    if (!x->ctxt) {
        zip_fclose(zf);
        fail(x, "cannot start the XML parser for %s", entry);
        return false;
    }
    xmlCtxtUseOptions(x->ctxt, XML_PARSE_NONET); /* never XML_PARSE_NOENT: entities stay unexpanded */
    reader *rd = fp_xcalloc(1, sizeof *rd);
    rd->x = x;
    rd->zf = zf;
    rd->entry = entry;
    pthread_t th;
    char *buf = NULL;
    if (ahead) {
        ring_init(&rd->ring, AHEAD_BLOCK);
        if (pthread_create(&th, NULL, inflate_ahead, rd) != 0) {
            ring_free(&rd->ring);
            ahead = false;
        }
    }
    if (!ahead)
        buf = fp_xmalloc(READ_BLOCK);
    bool ok = true;
    for (;;) {
        const char *b;
        size_t n;
        if (ahead) {
            b = ring_get(&rd->ring, &n);
        } else {
            int k = inflate_some(rd, buf, READ_BLOCK);
            b = k > 0 ? buf : NULL;
            n = k > 0 ? (size_t)k : 0;
        }
        if (!b && rd->failed) {
            fail(x, "%s", rd->msg);
            ok = false;
            break;
        }
        if (!b)
            xmlParseChunk(x->ctxt, "", 0, 1);
        for (size_t off = 0; b && off < n && !x->failed && !x->stop; off += FEED_BYTES)
            xmlParseChunk(x->ctxt, b + off, (int)(n - off < FEED_BYTES ? n - off : FEED_BYTES), 0);
        if (ahead && b)
            ring_release(&rd->ring);
        if (x->failed || x->stop) {
            ok = !x->failed;
            break;
        }
        if (!x->ctxt->wellFormed || x->ctxt->disableSAX) {
            char what[400];
            if (x->xml_error[0])
                snprintf(what, sizeof what, "line %d: %s", x->xml_error_line, x->xml_error);
            else
                snprintf(what, sizeof what, "malformed XML");
            damaged(x, what);
            ok = false;
            break;
        }
        if (!b)
            break;
    }
    if (ahead) {
        ring_stop(&rd->ring);
        pthread_join(th, NULL);
        ring_free(&rd->ring);
    }
    free(buf);
    free(rd);
    zip_fclose(zf);
    xmlFreeParserCtxt(x->ctxt);
    x->ctxt = NULL;
    return ok && !x->failed;
}

static void sax_init(xmlSAXHandler *sax, startElementNsSAX2Func start, endElementNsSAX2Func end,
                     charactersSAXFunc chars)
{
    memset(sax, 0, sizeof *sax);
    sax->initialized = XML_SAX2_MAGIC;
    sax->startElementNs = start;
    sax->endElementNs = end;
    sax->characters = chars;
    sax->cdataBlock = chars;
    sax->internalSubset = on_doctype;
    sax->externalSubset = on_doctype;
    sax->getEntity = on_entity;
    sax->serror = on_xml_error;
}

/* ---- paths --------------------------------------------------------------------------------------- */

/* target, relative to the folder of the part base (or absolute from the archive's root), as an entry
 * name: "xl/worksheets/sheet1.xml". NULL when it leaves the archive or is too long. */
static char *resolve(const char *base, const char *target)
{
    if (!target || !*target || strlen(target) > MAX_NAME || strstr(target, "://"))
        return NULL;
    fp_buf b;
    fp_buf_init(&b);
    if (target[0] != '/') {
        const char *slash = base ? strrchr(base, '/') : NULL;
        if (slash)
            fp_buf_add(&b, base, (size_t)(slash - base) + 1);
    }
    fp_buf_adds(&b, target[0] == '/' ? target + 1 : target);
    /* remove "." and ".." segments */
    char *p = b.data, *out = b.data;
    char *seg[64];
    int nseg = 0;
    char *save = NULL;
    char *copy = fp_xstrdup(p);
    for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (!strcmp(t, "."))
            continue;
        if (!strcmp(t, "..")) {
            if (nseg == 0) {
                free(copy);
                fp_buf_free(&b);
                return NULL;
            }
            nseg--;
            continue;
        }
        if (nseg == 64) {
            free(copy);
            fp_buf_free(&b);
            return NULL;
        }
        seg[nseg++] = t;
    }
    for (int i = 0; i < nseg; i++) {
        size_t n = strlen(seg[i]);
        if (i)
            *out++ = '/';
        memmove(out, seg[i], n);
        out += n;
    }
    *out = 0;
    free(copy);
    if (nseg == 0) {
        fp_buf_free(&b);
        return NULL;
    }
    return fp_buf_steal(&b);
}

/* ---- relationships (_rels/.rels, xl/_rels/workbook.xml.rels) ------------------------------------ */

static void rels_start(void *ud, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri, int nns,
                       const xmlChar **ns, int nattr, int ndef, const xmlChar **attrs)
{
    (void)prefix;
    (void)uri;
    (void)nns;
    (void)ns;
    (void)ndef;
    xlsx *x = ud;
    if (x->failed || strcmp((const char *)name, "Relationship"))
        return;
    if (x->nrels >= FP_XLSX_MAX_STYLES) {
        fail(x, "%s lists more than %d relationships; refused", x->part, FP_XLSX_MAX_STYLES);
        return;
    }
    char *mode = attr_dup(nattr, attrs, "TargetMode", false);
    bool external = mode && !strcmp(mode, "External");
    free(mode);
    if (external)
        return;
    char *id = attr_dup(nattr, attrs, "Id", false);
    char *type = attr_dup(nattr, attrs, "Type", false);
    char *target = attr_dup(nattr, attrs, "Target", false);
    char *path = resolve(x->rels_base, target);
    if (id && type && path) {
        fp_xgrow((void **)&x->rels, &x->relscap, (size_t)x->nrels + 1, sizeof *x->rels);
        const char *last = strrchr(type, '/');
        char *t = fp_xstrdup(last ? last + 1 : type);
        x->rels[x->nrels++] = (rel){id, t, path};
        id = path = NULL;
    }
    free(id);
    free(type);
    free(target);
    free(path);
}

static void rels_free(xlsx *x)
{
    for (int i = 0; i < x->nrels; i++) {
        free(x->rels[i].id);
        free(x->rels[i].type);
        free(x->rels[i].target);
    }
    x->nrels = 0;
}

static const rel *rel_of_type(const xlsx *x, const char *type)
{
    for (int i = 0; i < x->nrels; i++)
        if (!strcmp(x->rels[i].type, type))
            return &x->rels[i];
    return NULL;
}

static const rel *rel_by_id(const xlsx *x, const char *id)
{
    for (int i = 0; i < x->nrels; i++)
        if (!strcmp(x->rels[i].id, id))
            return &x->rels[i];
    return NULL;
}

/* reads the relationships of the part base (NULL: the package's) */
static bool read_rels(xlsx *x, const char *base, bool required)
{
    rels_free(x);
    char entry[MAX_NAME + 32];
    if (!base) {
        snprintf(entry, sizeof entry, "_rels/.rels");
    } else {
        const char *slash = strrchr(base, '/');
        if (slash)
            snprintf(entry, sizeof entry, "%.*s/_rels/%s.rels", (int)(slash - base), base, slash + 1);
        else
            snprintf(entry, sizeof entry, "_rels/%s.rels", base);
    }
    xmlSAXHandler sax;
    sax_init(&sax, rels_start, NULL, NULL);
    /* targets are relative to the folder of the part the relationships are of */
    x->rels_base = base;
    bool ok = parse_part(x, entry, &sax, required);
    x->rels_base = NULL;
    return ok;
}

/* ---- the workbook: its sheets and date system ---------------------------------------------------- */

static void workbook_start(void *ud, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri, int nns,
                           const xmlChar **ns, int nattr, int ndef, const xmlChar **attrs)
{
    (void)prefix;
    (void)uri;
    (void)nns;
    (void)ns;
    (void)ndef;
    xlsx *x = ud;
    if (x->failed)
        return;
    const char *n = (const char *)name;
    if (!strcmp(n, "workbookPr")) {
        x->date1904 = attr_true(nattr, attrs, "date1904");
    } else if (!strcmp(n, "sheet")) {
        if (x->nsheets >= FP_XLSX_MAX_STYLES) {
            fail(x, "the workbook has more than %d sheets; refused", FP_XLSX_MAX_STYLES);
            return;
        }
        char *sn = attr_dup(nattr, attrs, "name", false);
        char *rid = attr_dup(nattr, attrs, "id", true);
        char *state = attr_dup(nattr, attrs, "state", false);
        if (!sn || !rid || strlen(sn) > MAX_NAME) {
            free(sn);
            free(rid);
            free(state);
            damaged(x, "a sheet without a name or a relationship");
            return;
        }
        fp_xgrow((void **)&x->sheets, &x->sheetscap, (size_t)x->nsheets + 1, sizeof *x->sheets);
        x->sheets[x->nsheets++] = (sheetref){sn, rid, state && strcmp(state, "visible") != 0};
        free(state);
    }
}

/* ---- styles: which cell formats are dates -------------------------------------------------------- */

/* Built-in number formats that show a date or a time: 14–22 and 45–47 everywhere, 27–36 and 50–58 in
 * the Chinese, Japanese and Korean editions (年月日 formats, written without a numFmt entry). */
static bool builtin_date(long id)
{
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

/* A custom format code shows a date or a time when, outside quoted text, escapes and [brackets]
 * (colours, locales, conditions; but [h] [m] [s] are elapsed times), it has y m d h s (or 年 月 日, which
 * Chinese codes quote anyway). Only the first section (positive numbers) counts. */
static bool code_is_date(const char *s)
{
    for (; *s; s++) {
        char c = *s;
        if (c == ';')
            return false;
        if (c == '"') {
            s = strchr(s + 1, '"');
            if (!s)
                return false;
            continue;
        }
        if (c == '\\' || c == '_' || c == '*') {
            if (!s[1])
                return false;
            s++;
            continue;
        }
        if (c == '[') {
            const char *e = strchr(s, ']');
            if (!e)
                return false;
            char k = s[1] | 0x20;
            if (e - s >= 2 && (k == 'h' || k == 'm' || k == 's') && (s[2] | 0x20) == k)
                return true;
            s = e;
            continue;
        }
        switch (c | 0x20) {
        case 'y':
        case 'm':
        case 'd':
        case 'h':
        case 's':
            if (c == 'E' || c == 'e')
                break;
            return true;
        default:
            break;
        }
    }
    return false;
}

static void styles_start(void *ud, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri, int nns,
                         const xmlChar **ns, int nattr, int ndef, const xmlChar **attrs)
{
    (void)prefix;
    (void)uri;
    (void)nns;
    (void)ns;
    (void)ndef;
    xlsx *x = ud;
    if (x->failed)
        return;
    const char *n = (const char *)name;
    if (!strcmp(n, "cellXfs")) {
        x->in_cellxfs++;
    } else if (!strcmp(n, "xf") && x->in_cellxfs) {
        if (x->nxf >= FP_XLSX_MAX_STYLES) {
            fail(x, "%s has more than %d cell formats; refused", x->part, FP_XLSX_MAX_STYLES);
            return;
        }
        fp_xgrow((void **)&x->xf_fmt, &x->xffmtcap, (size_t)x->nxf + 1, sizeof *x->xf_fmt);
        x->xf_fmt[x->nxf++] = (int)attr_num(nattr, attrs, "numFmtId");
    } else if (!strcmp(n, "numFmt")) {
        if (x->nfmt >= FP_XLSX_MAX_STYLES) {
            fail(x, "%s has more than %d number formats; refused", x->part, FP_XLSX_MAX_STYLES);
            return;
        }
        long id = attr_num(nattr, attrs, "numFmtId");
        char *code = attr_dup(nattr, attrs, "formatCode", false);
        if (id >= 0) {
            fp_xgrow((void **)&x->fmt_id, &x->fmtcap, (size_t)x->nfmt + 1, sizeof *x->fmt_id);
            fp_xgrow((void **)&x->fmt_date, &x->fmtdcap, (size_t)x->nfmt + 1, sizeof *x->fmt_date);
            x->fmt_id[x->nfmt] = (int)id;
            x->fmt_date[x->nfmt] = code && code_is_date(code);
            x->nfmt++;
        }
        free(code);
    }
}

static void styles_end(void *ud, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
    (void)prefix;
    (void)uri;
    xlsx *x = ud;
    if (!strcmp((const char *)name, "cellXfs") && x->in_cellxfs)
        x->in_cellxfs--;
}

static void styles_finish(xlsx *x)
{
    x->xf_date = fp_xcalloc((size_t)x->nxf + 1, 1);
    for (int i = 0; i < x->nxf; i++) {
        int id = x->xf_fmt[i];
        bool d = builtin_date(id);
        for (int k = x->nfmt - 1; k >= 0; k--)
            if (x->fmt_id[k] == id) {
                d = x->fmt_date[k];
                break;
            }
        x->xf_date[i] = d;
    }
}

/* ---- collecting text ----------------------------------------------------------------------------- */

static void on_chars(void *ud, const xmlChar *s, int n)
{
    xlsx *x = ud;
    if (!x->capture || x->failed)
        return;
    if (x->text.len + (size_t)n > FP_XLSX_MAX_CELL_BYTES) {
        if (x->stream)
            fail(x, "row %u: a cell holds more than %d bytes of text (Excel's own limit is 32,767 characters); "
                    "refused",
                 x->row, FP_XLSX_MAX_CELL_BYTES);
        else
            fail(x, "a shared string holds more than %d bytes of text (Excel's own limit is 32,767 "
                    "characters); refused",
                 FP_XLSX_MAX_CELL_BYTES);
        return;
    }
    buf_append(&x->text, s, (size_t)n);
}

/* ---- shared strings ------------------------------------------------------------------------------ */

static void sst_start(void *ud, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri, int nns,
                      const xmlChar **ns, int nattr, int ndef, const xmlChar **attrs)
{
    (void)prefix;
    (void)uri;
    (void)nns;
    (void)ns;
    (void)nattr;
    (void)ndef;
    (void)attrs;
    xlsx *x = ud;
    if (x->failed)
        return;
    const char *n = (const char *)name;
    if (n[0] == 't' && !n[1]) {
        x->capture = x->in_si && !x->in_rph;
    } else if (!strcmp(n, "si")) {
        x->in_si = 1;
        x->in_rph = 0;
        fp_buf_reset(&x->text);
    } else if (!strcmp(n, "rPh")) {
        x->in_rph++;
    }
}

static void sst_end(void *ud, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
    (void)prefix;
    (void)uri;
    xlsx *x = ud;
    if (x->failed)
        return;
    const char *n = (const char *)name;
    if (n[0] == 't' && !n[1]) {
        x->capture = false;
    } else if (!strcmp(n, "rPh")) {
        if (x->in_rph)
            x->in_rph--;
    } else if (!strcmp(n, "si") && x->in_si) {
        x->in_si = 0;
        if (x->nstr >= x->lim->strings) {
            fail(x, "more than %u shared strings; fupan reads at most %u (docs/data.md); refused",
                 x->lim->strings, x->lim->strings);
            return;
        }
        /* (the offsets are 32-bit: whatever the bound says, never past 4 GB) */
        if (x->strbuf.len + x->text.len > x->lim->string_bytes || x->strbuf.len + x->text.len >= UINT32_MAX) {
            char b[40];
            size_text(x->lim->string_bytes, b, sizeof b);
            fail(x, "the shared strings hold more than %s of text; fupan reads at most %s (docs/data.md); refused",
                 b, b);
            return;
        }
        fp_buf_add(&x->strbuf, x->text.data ? x->text.data : "", x->text.len);
        fp_xgrow((void **)&x->stroff, &x->stroffcap, x->nstr + 2, sizeof *x->stroff);
        x->nstr++;
        x->stroff[x->nstr] = (uint32_t)x->strbuf.len;
    }
}

/* ---- the sheet ----------------------------------------------------------------------------------- */

/* "AB12": column 27 (0-based 27), row 12. Returns false when it is not a cell reference. */
static bool parse_ref(const char *s, const char *e, int *col, uint32_t *row)
{
    int c = 0, k = 0;
    while (s < e && ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')) && k < 4) {
        c = c * 26 + ((*s | 0x20) - 'a' + 1);
        s++;
        k++;
    }
    if (k == 0 || k > 3)
        return false;
    uint32_t r = 0;
    int d = 0;
    while (s < e && *s >= '0' && *s <= '9' && d < 8) {
        r = r * 10 + (uint32_t)(*s - '0');
        s++;
        d++;
    }
    if (s != e || d == 0 || d >= 8)
        return false;
    *col = c - 1;
    *row = r;
    return true;
}

static void col_name(int col, char *out)
{
    char tmp[8];
    int n = 0;
    for (int c = col + 1; c > 0 && n < 7; c = (c - 1) / 26)
        tmp[n++] = (char)('A' + (c - 1) % 26);
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = 0;
}

/* The text of a number as the workbook stores it ("1234.5", "-1.5E-3"), without an exponent:
 * "-0.0015". Returns its length, or 0 when s is not a number or too far from 1 to write out. */
static size_t plain_number(const char *s, size_t n, char *out, size_t outsz)
{
    const char *e = s + n;
    while (s < e && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        e--;
    bool neg = false;
    if (s < e && (*s == '-' || *s == '+'))
        neg = *s++ == '-';
    char dig[40];
    int nd = 0, point = 0;
    bool any = false, seen_point = false;
    for (; s < e && ((*s >= '0' && *s <= '9') || *s == '.'); s++) {
        if (*s == '.') {
            if (seen_point)
                return 0;
            seen_point = true;
            point = nd;
            continue;
        }
        any = true;
        if (nd == 0 && *s == '0') {
            if (seen_point)
                point--; /* a leading zero after the point moves it */
            continue;
        }
        if (nd >= (int)sizeof dig)
            return 0;
        dig[nd++] = *s;
    }
    if (!any)
        return 0;
    if (!seen_point)
        point = nd;
    if (s < e) {
        if ((*s | 0x20) != 'e')
            return 0;
        s++;
        bool eneg = false;
        if (s < e && (*s == '-' || *s == '+'))
            eneg = *s++ == '-';
        int ex = 0, k = 0;
        for (; s < e && *s >= '0' && *s <= '9' && k < 4; s++, k++)
            ex = ex * 10 + (*s - '0');
        if (k == 0 || s != e)
            return 0;
        point += eneg ? -ex : ex;
    }
    /* digits dig[0..nd) with the point after point digits (point may be < 0 or > nd) */
    while (nd > 0 && nd > point && dig[nd - 1] == '0')
        nd--;
    if (point > 60 || point < -60)
        return 0;
    size_t o = 0;
    if (nd == 0) {
        out[o++] = '0';
        out[o] = 0;
        return o;
    }
    if (outsz < 140)
        return 0;
    if (neg)
        out[o++] = '-';
    if (point <= 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (int i = 0; i < -point; i++)
            out[o++] = '0';
        for (int i = 0; i < nd; i++)
            out[o++] = dig[i];
    } else {
        for (int i = 0; i < point; i++)
            out[o++] = i < nd ? dig[i] : '0';
        if (nd > point) {
            out[o++] = '.';
            for (int i = point; i < nd; i++)
                out[o++] = dig[i];
        }
    }
    out[o] = 0;
    return o;
}

/* A number as Excel shows it in a General cell: at most 15 significant digits. */
static size_t shown_number(const char *s, size_t n, char *out, size_t outsz)
{
    size_t k = plain_number(s, n, out, outsz);
    if (!k)
        return 0;
    size_t digits = 0;
    for (size_t i = 0; i < k; i++)
        digits += out[i] >= '0' && out[i] <= '9';
    if (digits <= 15 && k < 24)
        return k;
    char tmp[64];
    if (n >= sizeof tmp)
        return k;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    double v = strtod(tmp, NULL);
    int w = snprintf(out, outsz, "%.15g", v);
    return w > 0 && (size_t)w < outsz ? (size_t)w : 0;
}

/* A date serial as the text fupan reads dates from: "2026-10-03", with " 12:30:00" when it has a time
 * and with_time. Serials that are no date (0, Excel's 1900-02-29, negative, past 9999) give what
 * Excel would show, which then fails to read as a date with the usual message. */
static size_t serial_date(bool date1904, const char *s, size_t n, bool with_time, char *out, size_t outsz)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp)
        return 0;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    char *end;
    double v = strtod(tmp, &end);
    if (end == tmp || !isfinite(v))
        return 0;
    if (v < 0 || v >= 2958466) {
        return (size_t)snprintf(out, outsz, "%s", tmp);
    }
    double day = floor(v);
    long serial = (long)day;
    fp_date d;
    if (date1904) {
        d = fp_date_from_ymd(1904, 1, 1) + (fp_date)serial;
    } else if (serial == 0) {
        return (size_t)snprintf(out, outsz, "1900-01-00");
    } else if (serial == 60) {
        return (size_t)snprintf(out, outsz, "1900-02-29"); /* Excel's fictitious day */
    } else {
        d = fp_date_from_ymd(1899, 12, serial < 60 ? 31 : 30) + (fp_date)serial;
    }
    fp_date_format(d, out);
    size_t k = strlen(out);
    long secs = lround((v - day) * 86400.0);
    if (with_time && secs > 0 && secs < 86400)
        k += (size_t)snprintf(out + k, outsz - k, " %02ld:%02ld:%02ld", secs / 3600, secs / 60 % 60, secs % 60);
    return k;
}

/* ---- cells from the XML to the row sink ---------------------------------------------------------
 *
 * The XML side (the producer) turns the sheet into a stream of small records; the sink side (the
 * consumer) types them and hands them to the row sink. A large sheet runs the two on two threads,
 * the records passing in a few blocks; a small one runs them in turn. Either way the sink sees the
 * rows in order and stops at the first error, which is the message a sequential reading gives: every
 * row before the XML side's failure reaches the sink first. */

enum { REC_ROW = 'R', REC_END = 'E', REC_SHARED = 'S', REC_TEXT = 'T', REC_NUMBER = 'N' };

typedef struct rec {
    uint8_t kind;
    uint8_t date;   /* a number in a date format */
    uint16_t col;
    uint32_t n;     /* text bytes that follow; the key of a shared string; the row number */
} rec;

#define BLOCK_BYTES (256u << 10)

struct stream {
    /* the consumer */
    fp_rowsink *sink;
    bool date1904;
    const char *strs;
    const uint32_t *stroff;
    bool failed;             /* the sink stopped at an error */
    bool need_sequential;    /* parallel parsing cannot tell: read the sheet again in one piece */
    uint32_t last_row;
    /* the records: in one block consumed when full, or passed through a ring to the consumer's thread */
    bool threaded;
    char *block;
    ring ring;
};

static void consume_block(stream *st, const char *p, size_t len);

/* Hands the filled block over (or consumes it at once without threads). False: stop reading. */
static bool flush_block(xlsx *x)
{
    stream *st = x->stream;
    size_t len = x->blen;
    x->blen = 0;
    if (!st->threaded) {
        consume_block(st, st->block, len);
        return !st->failed;
    }
    return ring_put(&st->ring, len);
}

static void emit(xlsx *x, int kind, bool date, int col, uint32_t n, const char *text, size_t tn)
{
    if (x->out) {
        /* a chunk of a sheet parsed in parallel: its records wait for the sink in order */
        rec r = {(uint8_t)kind, (uint8_t)date, (uint16_t)col, n};
        fp_buf *o = x->out;
        if (o->cap - o->len <= sizeof r + tn)
            fp_buf_reserve(o, sizeof r + tn);
        memcpy(o->data + o->len, &r, sizeof r);
        if (tn)
            memcpy(o->data + o->len + sizeof r, text, tn);
        o->len += sizeof r + tn;
        return;
    }
    if (x->blen + sizeof(rec) + tn > BLOCK_BYTES && !flush_block(x)) {
        x->stop_consumer = true;
        x->stop = true; /* not an error of the XML: the sink has the message */
        xmlStopParser(x->ctxt);
        return;
    }
    char *b = (x->stream->threaded ? ring_wblock(&x->stream->ring) : x->stream->block) + x->blen;
    rec r = {(uint8_t)kind, (uint8_t)date, (uint16_t)col, n};
    memcpy(b, &r, sizeof r);
    if (tn)
        memcpy(b + sizeof r, text, tn);
    x->blen += sizeof r + tn;
}

static void end_cell(xlsx *x)
{
    x->in_cell = false;
    x->capture = false;
    if (!x->has_value)
        return; /* a cell with a style and no value: empty */
    const char *v = x->text.data ? x->text.data : "";
    size_t vn = x->text.len;
    int col = x->cell_col;
    switch (x->cell_type) {
    case 's': {
        const char *s = v, *e = v + vn;
        while (s < e && (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\r' || e[-1] == '\t'))
            e--;
        uint64_t i = 0;
        if (s == e || e - s > 10) {
            damaged(x, "a shared string number that is not one");
            return;
        }
        for (; s < e; s++) {
            if (*s < '0' || *s > '9') {
                damaged(x, "a shared string number that is not one");
                return;
            }
            i = i * 10 + (uint64_t)(*s - '0');
        }
        if (i >= x->nstr) {
            char what[160];
            snprintf(what, sizeof what, "row %u: shared string %llu does not exist (there are %zu)", x->row,
                     (unsigned long long)i, x->nstr);
            damaged(x, what);
            return;
        }
        emit(x, REC_SHARED, false, col, (uint32_t)i, NULL, 0);
        return;
    }
    case 'i':
    case 't':
        emit(x, REC_TEXT, false, col, (uint32_t)vn, v, vn);
        return;
    case 'b':
        if (vn == 1 && (v[0] == '0' || v[0] == '1'))
            emit(x, REC_TEXT, false, col, v[0] == '1' ? 4 : 5, v[0] == '1' ? "TRUE" : "FALSE", v[0] == '1' ? 4 : 5);
        else
            emit(x, REC_TEXT, false, col, (uint32_t)vn, v, vn);
        return;
    case 'd': {
        /* an ISO 8601 date and time as text: 2026-10-03T12:30:00 */
        char d[64];
        size_t k = vn < sizeof d - 1 ? vn : sizeof d - 1;
        memcpy(d, v, k);
        for (size_t i = 0; i < k; i++)
            if (d[i] == 'T')
                d[i] = ' ';
        emit(x, REC_TEXT, false, col, (uint32_t)k, d, k);
        return;
    }
    default:
        if (vn)
            emit(x, REC_NUMBER, x->cell_date, col, (uint32_t)vn, v, vn);
        return;
    }
}

/* A number for the sink: as the column's type wants it. */
static void sink_number(stream *st, int col, bool date, const char *v, size_t vn)
{
    char num[160];
    int ty = fp_rowsink_has_header(st->sink) ? fp_rowsink_coltype(st->sink, col) : (int)FP_T_TEXT;
    if (ty < 0) {
        fp_rowsink_cell(st->sink, col, v, vn, '.'); /* a column the profile does not map: only not empty */
        return;
    }
    size_t k;
    if (date && (ty == FP_T_DATE || ty == FP_T_MONTH || ty == FP_T_TEXT))
        k = serial_date(st->date1904, v, vn, ty == FP_T_TEXT, num, sizeof num);
    else if (ty == FP_T_TEXT)
        k = shown_number(v, vn, num, sizeof num);
    else
        k = plain_number(v, vn, num, sizeof num);
    if (k)
        fp_rowsink_cell(st->sink, col, num, k, '.');
    else
        fp_rowsink_cell(st->sink, col, v, vn, '.'); /* not a number: its text, which the column refuses */
}

static void consume_block(stream *st, const char *p, size_t len)
{
    const char *end = p + len;
    while (p < end && !st->failed && !st->need_sequential) {
        rec r;
        memcpy(&r, p, sizeof r);
        p += sizeof r;
        switch (r.kind) {
        case REC_ROW:
            if (r.n <= st->last_row) {
                /* only across chunks parsed apart: the sequential reading says what is wrong */
                st->need_sequential = true;
                return;
            }
            st->last_row = r.n;
            fp_rowsink_begin(st->sink, r.n);
            break;
        case REC_END:
            if (!fp_rowsink_end(st->sink))
                st->failed = true;
            break;
        case REC_SHARED:
            fp_rowsink_cell_keyed(st->sink, r.col, r.n, st->strs + st->stroff[r.n], st->stroff[r.n + 1] - st->stroff[r.n]);
            break;
        case REC_TEXT:
            fp_rowsink_cell(st->sink, r.col, p, r.n, 0);
            p += r.n;
            break;
        default:
            sink_number(st, r.col, r.date, p, r.n);
            p += r.n;
            break;
        }
    }
}

static void consume_all(stream *st)
{
    const char *b;
    size_t len;
    while ((b = ring_get(&st->ring, &len)) != NULL) {
        consume_block(st, b, len);
        ring_release(&st->ring);
        if (st->failed) {
            ring_stop(&st->ring);
            break;
        }
    }
}

static void sheet_start(void *ud, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri, int nns,
                        const xmlChar **ns, int nattr, int ndef, const xmlChar **attrs)
{
    (void)prefix;
    (void)uri;
    (void)nns;
    (void)ns;
    (void)ndef;
    xlsx *x = ud;
    if (x->failed)
        return;
    const char *n = (const char *)name;
    switch (n[0]) {
    case 'c':
        if (n[1] || !x->in_row)
            return;
        {
            int col = x->col + 1;
            const xmlChar **r = find_attr(nattr, attrs, "r", false);
            if (r) {
                uint32_t rr;
                if (!parse_ref((const char *)r[3], (const char *)r[4], &col, &rr) || rr != x->row) {
                    char what[160];
                    snprintf(what, sizeof what, "row %u has a cell \"%.*s\" that is not in it", x->row,
                             (int)(r[4] - r[3] > 20 ? 20 : r[4] - r[3]), (const char *)r[3]);
                    damaged(x, what);
                    return;
                }
            }
            if (col >= FP_XLSX_MAX_COLS) {
                fail(x, "row %u has a cell beyond column XFD, the last Excel has; refused", x->row);
                return;
            }
            if (col <= x->col) {
                char a[8], b[8], what[160];
                col_name(col, a);
                col_name(x->col, b);
                snprintf(what, sizeof what, "row %u: cell %s%u comes after %s%u", x->row, a, x->row, b, x->row);
                damaged(x, what);
                return;
            }
            x->col = col;
            x->cell_col = col;
            x->in_cell = true;
            x->has_value = false;
            x->cell_type = 'n';
            x->cell_date = false;
            const xmlChar **t = find_attr(nattr, attrs, "t", false);
            if (t) {
                const char *tv = (const char *)t[3];
                size_t tn = (size_t)(t[4] - t[3]);
                if (tn == 1 && tv[0] == 's')
                    x->cell_type = 's';
                else if (tn == 9 && !memcmp(tv, "inlineStr", 9))
                    x->cell_type = 'i';
                else if ((tn == 3 && !memcmp(tv, "str", 3)) || (tn == 1 && tv[0] == 'e'))
                    x->cell_type = 't';
                else if (tn == 1 && tv[0] == 'b')
                    x->cell_type = 'b';
                else if (tn == 1 && tv[0] == 'd')
                    x->cell_type = 'd';
            }
            if (x->cell_type == 'n') {
                long s = attr_num(nattr, attrs, "s");
                x->cell_date = s >= 0 && s < x->nxf && x->xf_date[s];
            }
            fp_buf_reset(&x->text);
        }
        return;
    case 'v':
        if (!n[1] && x->in_cell && x->cell_type != 'i') {
            x->capture = true;
            x->has_value = true;
            fp_buf_reset(&x->text);
        }
        return;
    case 'i':
        if (n[1] == 's' && !n[2] && x->in_cell) {
            x->in_is = 1;
            x->in_rph = 0;
            x->has_value = true;
            fp_buf_reset(&x->text);
        }
        return;
    case 't':
        if (!n[1] && x->in_is)
            x->capture = !x->in_rph;
        return;
    case 'r':
        if (!strcmp(n, "row") && x->in_data) {
            if (x->in_row) {
                damaged(x, "a row inside a row");
                return;
            }
            long r = attr_num(nattr, attrs, "r");
            uint32_t row = r < 0 ? x->row + 1 : (uint32_t)r;
            if (r < 0 && x->chunk > 0 && x->row == 0) {
                /* a chunk after the first does not know the row before it */
                fail(x, "a row without a number");
                return;
            }
            if (find_attr(nattr, attrs, "r", false) && r < 0) {
                damaged(x, "a row number that is not a number");
                return;
            }
            if (row > FP_XLSX_MAX_ROWS) {
                fail(x, "row %u is beyond row %d, the last Excel has; refused", row, FP_XLSX_MAX_ROWS);
                return;
            }
            if (row <= x->row) {
                char what[120];
                snprintf(what, sizeof what, "row %u comes after row %u", row, x->row);
                damaged(x, what);
                return;
            }
            x->row = row;
            x->col = -1;
            x->in_row = true;
            emit(x, REC_ROW, false, 0, row, NULL, 0);
        } else if (!strcmp(n, "rPh")) {
            x->in_rph++;
        }
        return;
    case 's':
        if (!strcmp(n, "sheetData"))
            x->in_data = true;
        return;
    default:
        return;
    }
}

static void sheet_end(void *ud, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
    (void)prefix;
    (void)uri;
    xlsx *x = ud;
    if (x->failed)
        return;
    const char *n = (const char *)name;
    switch (n[0]) {
    case 'c':
        if (!n[1] && x->in_cell)
            end_cell(x);
        return;
    case 'v':
        if (!n[1])
            x->capture = false;
        return;
    case 't':
        if (!n[1])
            x->capture = false;
        return;
    case 'i':
        if (n[1] == 's' && !n[2])
            x->in_is = 0;
        return;
    case 'r':
        if (!strcmp(n, "row") && x->in_row) {
            x->in_row = false;
            emit(x, REC_END, false, 0, 0, NULL, 0);
        } else if (!strcmp(n, "rPh") && x->in_rph) {
            x->in_rph--;
        }
        return;
    case 's':
        if (!strcmp(n, "sheetData")) {
            x->in_data = false;
            x->data_done = true;
            x->stop = true; /* nothing after the cells matters */
            if (x->ctxt) /* (none when fast_chunk reads) */
                xmlStopParser(x->ctxt);
        }
        return;
    default:
        return;
    }
}

/* ---- the whole ----------------------------------------------------------------------------------- */

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
    xmlInitParser();
}

bool fp_xlsx_is_workbook(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    unsigned char m[4] = {0};
    size_t n = fread(m, 1, 4, f);
    fclose(f);
    return n == 4 && m[0] == 'P' && m[1] == 'K' && ((m[2] == 3 && m[3] == 4) || (m[2] == 5 && m[3] == 6));
}

/* An OpenDocument file (LibreOffice's .ods) names its type in its first entry. */
static bool is_opendocument(xlsx *x)
{
    zip_int64_t i = zip_name_locate(x->zip, "mimetype", 0);
    if (i < 0)
        return false;
    zip_file_t *f = zip_fopen_index(x->zip, (zip_uint64_t)i, 0);
    if (!f)
        return false;
    char buf[64] = {0};
    zip_int64_t n = zip_fread(f, buf, sizeof buf - 1);
    zip_fclose(f);
    return n > 0 && !strncmp(buf, "application/vnd.oasis.opendocument", 34);
}

static void list_sheets(const xlsx *x, fp_buf *b)
{
    for (int i = 0; i < x->nsheets; i++)
        fp_buf_printf(b, "%s\"%s\"%s", i ? ", " : "", x->sheets[i].name, x->sheets[i].hidden ? " (hidden)" : "");
}

static bool open_workbook(xlsx *x)
{
    int zerr = 0;
    x->zip = zip_open(x->path, ZIP_RDONLY, &zerr);
    if (!x->zip) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        if (zerr == ZIP_ER_NOZIP || zerr == ZIP_ER_INCONS)
            fail(x, "the workbook is damaged or incomplete (%s); open it in Excel and save it again",
                 zip_error_strerror(&ze));
        else
            fail(x, "cannot open the workbook: %s", zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return false;
    }
    if (zip_get_num_entries(x->zip, 0) > MAX_ENTRIES) {
        fail(x, "the archive has more than %d entries, which no workbook has; refused", MAX_ENTRIES);
        return false;
    }
    if (is_opendocument(x)) {
        fail(x, "this is an OpenDocument spreadsheet (.ods), not an Excel workbook; save it as .xlsx (Excel "
                "Workbook) or as CSV UTF-8");
        return false;
    }
    /* the package's relationships name the workbook part */
    if (!read_rels(x, NULL, false))
        return false;
    const rel *r = rel_of_type(x, "officeDocument");
    x->workbook = fp_xstrdup(r ? r->target : "xl/workbook.xml");
    if (locate(x, x->workbook) < 0) {
        fail(x, "this zip archive is not an Excel workbook (it has no %s); save the file as .xlsx (Excel "
                "Workbook) or as CSV UTF-8",
             x->workbook);
        return false;
    }
    xmlSAXHandler sax;
    sax_init(&sax, workbook_start, NULL, NULL);
    if (!parse_part(x, x->workbook, &sax, true))
        return false;
    if (!read_rels(x, x->workbook, true))
        return false;
    return true;
}

static const sheetref *choose_sheet(xlsx *x)
{
    if (x->nsheets == 0) {
        fail(x, "the workbook has no sheet");
        return NULL;
    }
    const char *want = x->pt->sheet;
    if (!want) {
        for (int i = 0; i < x->nsheets; i++)
            if (!x->sheets[i].hidden)
                return &x->sheets[i];
        return &x->sheets[0];
    }
    for (int i = 0; i < x->nsheets; i++)
        if (!strcmp(x->sheets[i].name, want))
            return &x->sheets[i];
    for (int i = 0; i < x->nsheets; i++)
        if (!strcasecmp(x->sheets[i].name, want))
            return &x->sheets[i];
    fp_buf b;
    fp_buf_init(&b);
    list_sheets(x, &b);
    fail(x, "the workbook has no sheet \"%s\", which the profile (line %d) names with sheet=; its sheets are %s",
         want, x->pt->line, b.data);
    fp_buf_free(&b);
    return NULL;
}

static void xlsx_free(xlsx *x)
{
    if (x->zip)
        zip_discard(x->zip);
    for (int i = 0; i < x->nsheets; i++) {
        free(x->sheets[i].name);
        free(x->sheets[i].rid);
    }
    free(x->sheets);
    rels_free(x);
    free(x->rels);
    free(x->workbook);
    free(x->xf_date);
    free(x->xf_fmt);
    free(x->fmt_id);
    free(x->fmt_date);
    fp_buf_free(&x->strbuf);
    free(x->stroff);
    fp_buf_free(&x->text);
}

/* sheets this large (compressed) read the XML and type the cells on two threads */
#define THREAD_MIN_BYTES (1u << 20)

static void *produce(void *arg)
{
    xlsx *x = arg;
    x->sheet_ok = parse_part(x, x->sheet_part, &x->sheet_sax, true);
    if (x->blen && !x->stop_consumer)
        flush_block(x);
    if (x->stream->threaded)
        ring_close(&x->stream->ring);
    return NULL;
}

/* ---- large sheets: the XML parsed in chunks, on all cores ----------------------------------------
 *
 * One thread inflates the sheet and cuts it into chunks of whole rows (after a "</row>"); parser
 * threads parse the chunks side by side, each chunk after the first wrapped in a <worksheet> and a
 * <sheetData> of its own, into records; the calling thread hands the chunks' records to the sink in
 * order. Whatever this cannot settle — an XML error in a chunk (a cut inside a comment would make
 * one), rows out of order across chunks, a row too long to cut — makes the sheet be read again
 * sequentially from the start, which gives the exact message or the right cells: the rows handed to
 * the sink until then are the same rows in the same order, so every id is what it would have been. */

#define CHUNKS 12 /* slots; at most parsers + 4 in flight */
#define CHUNK_BYTES (1u << 20)
#define CHUNK_MAX (32u << 20)
#define MAX_PARSERS 8
#define PARALLEL_MIN_BYTES (4u << 20)
#define READ_MAX (1u << 20)

enum { CH_FREE, CH_FILLED, CH_PARSING, CH_OK, CH_FAILED };

typedef struct chunk {
    fp_buf xml;
    fp_buf recs;
    int state;
    bool last;               /* the end of the part */
    bool end;                /* its parser met the end of the cells (</sheetData>) */
    char pad[64];            /* threads write to chunks side by side: not in one cache line */
} chunk;

typedef struct par {
    xlsx *x;
    size_t chunk_bytes;
    long inflight;           /* chunks filled and not yet consumed, at most */
    reader rd;
    chunk ch[CHUNKS];
    long filled, parsing, consumed;
    bool fill_done, fill_failed, stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} par;

/* Where a chunk may end: just after the last "</row>" (or "</x:row>") in b[0..n); 0 when there is none. */
static size_t cut_point(const char *b, size_t n, size_t from)
{
    for (size_t i = n; i >= 6 && i + 64 > from; i--) { /* (before from: scanned already, nothing; a tag is short) */
        if (b[i - 1] != '>' || memcmp(b + i - 4, "row>", 3) != 0)
            continue;
        size_t q = i - 4; /* at "row>" */
        if (q >= 2 && b[q - 1] == '/' && b[q - 2] == '<')
            return i;
        if (q >= 1 && b[q - 1] == ':') {
            size_t k = q - 1;
            while (k > 0 && (((b[k - 1] | 0x20) >= 'a' && (b[k - 1] | 0x20) <= 'z') || (b[k - 1] >= '0' && b[k - 1] <= '9')))
                k--;
            if (k >= 2 && b[k - 1] == '/' && b[k - 2] == '<')
                return i;
        }
    }
    return 0;
}

static void *fill_chunks(void *arg)
{
    par *pa = arg;
    fp_buf carry;
    fp_buf_init(&carry);
    bool failed = false;
    for (;;) {
        pthread_mutex_lock(&pa->mu);
        while (!pa->stop && pa->filled - pa->consumed >= pa->inflight)
            pthread_cond_wait(&pa->cv, &pa->mu);
        bool stop = pa->stop;
        pthread_mutex_unlock(&pa->mu);
        if (stop)
            break;
        chunk *c = &pa->ch[pa->filled % CHUNKS];
        fp_buf_reset(&c->xml);
        fp_buf_reset(&c->recs);
        fp_buf_add(&c->xml, carry.data ? carry.data : "", carry.len);
        fp_buf_reset(&carry);
        bool eof = false;
        size_t cut = 0, scanned = 0;
        for (;;) {
            while (c->xml.len < pa->chunk_bytes) {
                size_t want = pa->chunk_bytes - c->xml.len < READ_MAX ? pa->chunk_bytes - c->xml.len : READ_MAX;
                fp_buf_reserve(&c->xml, want);
                int n = inflate_some(&pa->rd, c->xml.data + c->xml.len, want);
                if (n < 0) {
                    failed = true;
                    break;
                }
                if (n == 0) {
                    eof = true;
                    break;
                }
                c->xml.len += (size_t)n;
            }
            if (failed || eof)
                break;
            cut = cut_point(c->xml.data, c->xml.len, scanned);
            scanned = c->xml.len;
            if (cut)
                break;
            if (c->xml.len >= CHUNK_MAX) {
                failed = true; /* a row this long: read it in one piece */
                break;
            }
            /* no row ends in it yet: read on */
            size_t want = c->xml.len + pa->chunk_bytes;
            size_t step = pa->chunk_bytes < READ_MAX ? pa->chunk_bytes : READ_MAX; /* (tests: small chunks) */
            while (c->xml.len < want && !eof && !failed) {
                fp_buf_reserve(&c->xml, step);
                int n = inflate_some(&pa->rd, c->xml.data + c->xml.len, step);
                if (n < 0)
                    failed = true;
                else if (n == 0)
                    eof = true;
                else
                    c->xml.len += (size_t)n;
            }
            if (failed || eof)
                break;
        }
        if (failed)
            break;
        if (!eof) {
            fp_buf_add(&carry, c->xml.data + cut, c->xml.len - cut);
            c->xml.len = cut;
        }
        pthread_mutex_lock(&pa->mu);
        c->state = CH_FILLED;
        c->last = eof;
        pa->filled++;
        pa->fill_done = eof;
        pthread_cond_broadcast(&pa->cv);
        pthread_mutex_unlock(&pa->mu);
        if (eof)
            break;
    }
    fp_buf_free(&carry);
    pthread_mutex_lock(&pa->mu);
    pa->fill_done = true;
    pa->fill_failed = failed;
    pthread_cond_broadcast(&pa->cv);
    pthread_mutex_unlock(&pa->mu);
    return NULL;
}

static const char CHUNK_HEAD[] =
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheetData>";

/* ---- the rows of a chunk without libxml2 ---------------------------------------------------------
 *
 * Tokenizing is most of what libxml2 does for a large sheet (60 % of its load). A sheet's rows use a small
 * part of XML — elements, attributes in quotes, text, the five predefined entities and character
 * references — and this reads exactly that part, calling the same handlers (sheet_start, sheet_end,
 * on_chars) with what libxml2 would give them. Whatever it does not read as surely as libxml2 — a
 * comment, CDATA, a processing instruction, a namespace prefix or declaration, an entity in an attribute
 * value, a whitespace character to normalize in one, a carriage return, a character XML forbids, invalid
 * UTF-8, more nesting than a sheet has, a tag it does not close — makes it give the chunk back untouched,
 * and libxml2 parses it as before (and finds any error in it). */
#define FAST_DEPTH 12
#define FAST_NAME 32
#define FAST_ATTRS 16
#define FAST_VALUE (1 << 20) /* longer attribute values are libxml2's (which refuses a tag of 10 MB) */

/* a character libxml2 takes in text, as a character reference's value */
static bool xml_char(uint32_t c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0x10FFFF);
}

/* The reference at p ('&'), decoded into out (at most 4 bytes); its length, 0 when it is not one of the
 * predefined entities or a character reference to a character XML allows. */
static size_t fast_ref(const char *p, const char *e, char *out, size_t *outn)
{
    static const struct {
        const char *name;
        char c;
    } pre[] = {{"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''}};
    const char *q = p + 1;
    if (q < e && *q == '#') {
        q++;
        uint32_t v = 0;
        bool hex = q < e && *q == 'x';
        q += hex;
        const char *d = q;
        while (q < e && q - d < 8 && (hex ? isxdigit((unsigned char)*q) : (*q >= '0' && *q <= '9'))) {
            v = v * (hex ? 16 : 10) + (uint32_t)(*q <= '9' ? *q - '0' : (*q | 0x20) - 'a' + 10);
            q++;
        }
        if (q == d || q >= e || *q != ';' || !xml_char(v))
            return 0;
        /* UTF-8 */
        if (v < 0x80)
            out[0] = (char)v, *outn = 1;
        else if (v < 0x800)
            out[0] = (char)(0xC0 | v >> 6), out[1] = (char)(0x80 | (v & 0x3F)), *outn = 2;
        else if (v < 0x10000)
            out[0] = (char)(0xE0 | v >> 12), out[1] = (char)(0x80 | ((v >> 6) & 0x3F)),
            out[2] = (char)(0x80 | (v & 0x3F)), *outn = 3;
        else
            out[0] = (char)(0xF0 | v >> 18), out[1] = (char)(0x80 | ((v >> 12) & 0x3F)),
            out[2] = (char)(0x80 | ((v >> 6) & 0x3F)), out[3] = (char)(0x80 | (v & 0x3F)), *outn = 4;
        return (size_t)(q + 1 - p);
    }
    for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++) {
        size_t l = strlen(pre[i].name);
        if ((size_t)(e - q) >= l && !memcmp(q, pre[i].name, l)) {
            out[0] = pre[i].c;
            *outn = 1;
            return l + 1;
        }
    }
    return 0;
}

/* text from p to e (no '<' in it): to on_chars when the handlers capture it; false when it has what this
 * does not read (an unknown entity, "]]>") */
static bool fast_text(xlsx *px, const char *p, const char *e)
{
    for (const char *b = memchr(p, ']', (size_t)(e - p)); b; b = memchr(b + 1, ']', (size_t)(e - b - 1)))
        if (e - b >= 3 && b[1] == ']' && b[2] == '>')
            return false;
    while (p < e) {
        const char *amp = memchr(p, '&', (size_t)(e - p));
        const char *run = amp ? amp : e;
        if (run > p && px->capture)
            on_chars(px, (const xmlChar *)p, (int)(run - p));
        if (!amp)
            break;
        char dec[4];
        size_t dn, used = fast_ref(amp, e, dec, &dn);
        if (!used)
            return false;
        if (px->capture)
            on_chars(px, (const xmlChar *)dec, (int)dn);
        p = amp + used;
    }
    return true;
}

/* byte classes of the own reader */
enum { B_START = 1, B_NAME = 2, B_WS = 4, B_TEXT = 8 /* < & ] */, B_VALUE = 16 /* < & \t \n " ' */ };

/* by byte: 1 a name's first character (ASCII letters, _), 2 a name's character (and digits, -, .), 4 blank (space,
 * tab, line feed), 8 text that needs fast_text (< & ]), 16 the end of a plain attribute value (< & tab line feed
 * and both quotes) */
static const uint8_t byte_class[256] = {
     0,  0,  0,  0,  0,  0,  0,  0,  0, 20, 20,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     4,  0, 16,  0,  0,  0, 24, 16,  0,  0,  0,  0,  0,  2,  2,  0,
     2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  0,  0, 24,  0,  0,  0,
     0,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
     3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  0,  0,  8,  0,  3,
     0,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
     3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
};

#define CLS(c, b) (byte_class[(unsigned char)(c)] & (b))

static bool name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9') || c == '-' ||
           c == '.';
}

/* a name (ASCII, no prefix) at *p into out; its length, 0 when there is none or it does not fit */
static size_t fast_name(const char **p, const char *e, char *out)
{
    const char *q = *p;
    if (q >= e || !CLS(*q, B_START))
        return 0;
    size_t n = 0;
    while (q < e && CLS(*q, B_NAME)) {
        if (n + 1 >= FAST_NAME)
            return 0;
        out[n++] = *q++;
    }
    if (q < e && *q == ':')
        return 0; /* a prefix: namespaces are libxml2's */
    out[n] = 0;
    *p = q;
    return n;
}

/* An attribute's name at *p: its local name into out, as libxml2 hands it over (Excel writes x14ac:dyDescent on
 * every row, xml:space on text); 0 when there is none, or it declares a namespace (libxml2's). */
static size_t fast_attr_name(const char **p, const char *e, char *out)
{
    const char *q = *p;
    size_t n = fast_name(&q, e, out);
    if (!n && q < e && CLS(*q, B_START)) { /* stopped at a prefix */
        char prefix[FAST_NAME];
        size_t pn = 0;
        while (q < e && CLS(*q, B_NAME) && pn + 1 < FAST_NAME)
            prefix[pn++] = *q++;
        prefix[pn] = 0;
        if (q >= e || *q != ':' || !strcmp(prefix, "xmlns"))
            return 0;
        q++;
        n = fast_name(&q, e, out);
    }
    if (!n || !strcmp(out, "xmlns"))
        return 0;
    *p = q;
    return n;
}

/* 1: the chunk is read (the handlers had everything libxml2 would have given them), 0: it is libxml2's (the
 * caller starts it again) */
static int fast_chunk(xlsx *px, const char *s, size_t n, bool last)
{
    const char *p = s, *e = s + n;
    /* what XML forbids or normalizes, anywhere: then libxml2 decides */
    if (fp_utf8_valid_prefix((const unsigned char *)s, n) != n)
        return 0;
    size_t at = 0;
    for (; at + 8 <= n; at += 8) { /* eight bytes a step; a byte below 0x20 (a tab, a line feed) looked at */
        uint64_t w;
        memcpy(&w, s + at, 8);
        if ((w - 0x2020202020202020u) & ~w & 0x8080808080808080u)
            for (int k = 0; k < 8; k++)
                if ((unsigned char)s[at + k] < 0x20 && s[at + k] != '\t' && s[at + k] != '\n')
                    return 0;
    }
    for (; at < n; at++)
        if ((unsigned char)s[at] < 0x20 && s[at] != '\t' && s[at] != '\n')
            return 0;
    for (const char *q = memchr(s, 0xEF, n); q; q = memchr(q + 1, 0xEF, (size_t)(e - q - 1)))
        if (e - q >= 3 && (unsigned char)q[1] == 0xBF && ((unsigned char)q[2] == 0xBE || (unsigned char)q[2] == 0xBF))
            return 0; /* U+FFFE, U+FFFF */
    char names[FAST_DEPTH][FAST_NAME];
    size_t nlen[FAST_DEPTH];
    char anames[FAST_ATTRS][FAST_NAME];
    size_t alen[FAST_ATTRS];
    const xmlChar *attrs[5 * FAST_ATTRS];
    int depth = 0;
    /* as libxml2 reads CHUNK_HEAD first */
    static const char *const head[] = {"worksheet", "sheetData"};
    for (int i = 0; i < 2; i++) {
        nlen[depth] = strlen(head[i]);
        memcpy(names[depth++], head[i], strlen(head[i]) + 1);
        sheet_start(px, (const xmlChar *)head[i], NULL, NULL, 0, NULL, 0, 0, NULL);
    }
    while (p < e && !px->stop && !px->failed) {
        if (*p != '<') {
            /* text: mostly a few bytes, read here; with '&' or ']' in it, fast_text's */
            const char *q = p;
            bool plain = true;
            while (q < e && *q != '<') {
                plain = plain && !CLS(*q, B_TEXT);
                q++;
            }
            if (plain) {
                if (px->capture)
                    on_chars(px, (const xmlChar *)p, (int)(q - p));
            } else if (!fast_text(px, p, q)) {
                return 0;
            }
            p = q;
            continue;
        }
        p++;
        if (p < e && *p == '/') { /* an end tag: the open element's name, whole */
            p++;
            if (depth < 2) /* (</sheetData> stops the reading: nothing is closed after it) */
                return 0;
            size_t l = nlen[depth - 1];
            if ((size_t)(e - p) <= l || name_char(p[l]) || p[l] == ':')
                return 0;
            for (size_t i = 0; i < l; i++)
                if (p[i] != names[depth - 1][i])
                    return 0;
            p += l;
            while (p < e && CLS(*p, B_WS))
                p++;
            if (p >= e || *p != '>')
                return 0;
            p++;
            depth--;
            sheet_end(px, (const xmlChar *)names[depth], NULL, NULL);
            continue;
        }
        /* a start tag: no comment, CDATA, processing instruction or declaration */
        if (depth >= FAST_DEPTH || !(nlen[depth] = fast_name(&p, e, names[depth])))
            return 0;
        int na = 0;
        bool empty = false;
        for (;;) {
            const char *w = p;
            while (p < e && CLS(*p, B_WS))
                p++;
            if (p >= e)
                return 0;
            if (*p == '>') {
                p++;
                break;
            }
            if (*p == '/') {
                if (p + 1 >= e || p[1] != '>')
                    return 0;
                p += 2;
                empty = true;
                break;
            }
            if (p == w || na == FAST_ATTRS || !(alen[na] = fast_attr_name(&p, e, anames[na])))
                return 0; /* attributes apart by whitespace; a namespace declaration is libxml2's */
            for (int i = 0; i < na; i++)
                if (alen[i] == alen[na] && anames[i][0] == anames[na][0] && !strcmp(anames[i], anames[na]))
                    return 0; /* a local name twice (an error, or two namespaces): libxml2's */
            while (p < e && CLS(*p, B_WS))
                p++;
            if (p >= e || *p != '=')
                return 0;
            p++;
            while (p < e && CLS(*p, B_WS))
                p++;
            if (p >= e || (*p != '"' && *p != '\''))
                return 0;
            char quote = *p++;
            const char *v = p;
            while (p < e && !CLS(*p, B_VALUE) && p - v < FAST_VALUE)
                p++;
            if (p >= e || *p != quote) /* an error, an entity, whitespace to normalize, the other quote: libxml2's */
                return 0;
            const xmlChar **a = attrs + 5 * na;
            a[0] = (const xmlChar *)anames[na];
            a[1] = a[2] = NULL;
            a[3] = (const xmlChar *)v;
            a[4] = (const xmlChar *)p;
            na++;
            p++;
        }
        const char *nm = names[depth];
        sheet_start(px, (const xmlChar *)nm, NULL, NULL, 0, NULL, na, 0, attrs);
        if (empty)
            sheet_end(px, (const xmlChar *)nm, NULL, NULL);
        else
            depth++;
    }
    if (px->failed || px->stop)
        return 1;
    /* the chunk's end: between rows of the sheet's data, and the sheet goes on in the next chunk (the last
     * ends with </sheetData>, which stops the reading above) */
    return !last && depth == 2 && p == e;
}

/* Parses chunk k with the parser state px (a copy of the workbook's); true when it parsed cleanly. */
static bool parse_chunk(xlsx *px, chunk *c, long k)
{
    fp_error e;
    fp_error_clear(&e);
    px->err = &e;
    px->failed = px->stop = px->data_done = false;
    px->in_data = px->in_row = px->in_cell = px->capture = false;
    px->in_is = px->in_rph = 0;
    px->row = 0;
    px->col = -1;
    px->chunk = k;
    /* the records go to the parser's own buffer (chunks side by side share cache lines), handed to the
     * chunk at the end */
    fp_buf mine = c->recs;
    fp_buf_init(&c->recs);
    mine.len = 0;
    px->out = &mine;
    px->xml_error[0] = 0;
    if (k > 0 && !px->lim->xml_only) {
        px->ctxt = NULL;
        if (fast_chunk(px, c->xml.data ? c->xml.data : "", c->xml.len, c->last)) {
            c->end = px->data_done;
            c->recs = mine;
            px->out = NULL;
            return !px->failed;
        }
        /* libxml2's: from the start, as if nothing had been read */
        fp_error_clear(&e);
        px->failed = px->stop = px->data_done = false;
        px->in_data = px->in_row = px->in_cell = px->capture = false;
        px->in_is = px->in_rph = 0;
        px->row = 0;
        px->col = -1;
        mine.len = 0;
        fp_buf_reset(&px->text);
    }
    px->ctxt = xmlCreatePushParserCtxt(&px->sheet_sax, px, NULL, 0, px->part);
    if (!px->ctxt) {
        c->recs = mine;
        px->out = NULL;
        return false;
    }
    xmlCtxtUseOptions(px->ctxt, XML_PARSE_NONET);
    if (k > 0)
        xmlParseChunk(px->ctxt, CHUNK_HEAD, (int)(sizeof CHUNK_HEAD - 1), 0);
    /* in pieces: libxml2 takes an int */
    const char *p = c->xml.data ? c->xml.data : "";
    size_t left = c->xml.len;
    bool ok = true;
    while (ok) {
        size_t n = left < FEED_BYTES ? left : FEED_BYTES;
        xmlParseChunk(px->ctxt, p, (int)n, c->last && n == left);
        p += n;
        left -= n;
        if (px->failed || !px->ctxt->wellFormed || (px->ctxt->disableSAX && !px->stop))
            ok = false;
        if (px->stop || left == 0)
            break;
    }
    /* a chunk the sheet goes on after must have been read to its end, back at the level of <sheetData>:
     * a comment, CDATA or reference still open where the chunk was cut is no error to a parser waiting for
     * more, and would hide rows or drop one (the whole sheet is read again instead) */
    if (ok && !c->last && !px->stop) {
        xmlParserInputPtr in = px->ctxt->input;
        if (px->ctxt->nameNr != 2 || !in || in->cur != in->end)
            ok = false;
    }
    /* the chunks after the first are read as UTF-8: a sheet in another encoding is read whole */
    if (ok && k == 0 && px->ctxt->input && px->ctxt->input->buf && px->ctxt->input->buf->encoder)
        ok = false;
    c->end = px->data_done;
    c->recs = mine;
    px->out = NULL;
    xmlFreeParserCtxt(px->ctxt);
    px->ctxt = NULL;
    return ok && !px->failed;
}

static void *parse_chunks(void *arg)
{
    par *pa = arg;
    xlsx px = *pa->x;
    fp_buf_init(&px.text);
    for (;;) {
        pthread_mutex_lock(&pa->mu);
        while (!pa->stop && pa->parsing >= pa->filled && !pa->fill_done)
            pthread_cond_wait(&pa->cv, &pa->mu);
        if (pa->stop || pa->parsing >= pa->filled) {
            pthread_mutex_unlock(&pa->mu);
            break;
        }
        long k = pa->parsing++;
        chunk *c = &pa->ch[k % CHUNKS];
        c->state = CH_PARSING;
        pthread_mutex_unlock(&pa->mu);
        bool ok = parse_chunk(&px, c, k);
        pthread_mutex_lock(&pa->mu);
        c->state = ok ? CH_OK : CH_FAILED;
        pthread_cond_broadcast(&pa->cv);
        pthread_mutex_unlock(&pa->mu);
    }
    fp_buf_free(&px.text);
    return NULL;
}

/* Reads the sheet in parallel into st's sink. Returns false when it must be read sequentially. */
static bool read_parallel(xlsx *x, zip_int64_t idx, stream *st)
{
    /* deflated, not encrypted, CRC and size known: its raw bytes, for ISA-L */
    zip_stat_t zs;
    zip_stat_init(&zs);
    bool raw = zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &zs) == 0 &&
               (zs.valid & (ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD | ZIP_STAT_CRC | ZIP_STAT_SIZE)) ==
                   (ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD | ZIP_STAT_CRC | ZIP_STAT_SIZE) &&
               zs.comp_method == ZIP_CM_DEFLATE && zs.encryption_method == ZIP_EM_NONE;
    zip_file_t *zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, raw ? ZIP_FL_COMPRESSED : 0);
    if (!zf)
        return false;
    par *pa = fp_xcalloc(1, sizeof *pa);
    pa->x = x;
    pa->chunk_bytes = x->lim->chunk_bytes ? x->lim->chunk_bytes : CHUNK_BYTES;
    pa->rd.x = x;
    pa->rd.zf = zf;
    if (raw) {
        pa->rd.fi = fp_xmalloc(sizeof *pa->rd.fi);
        isal_inflate_init(&pa->rd.fi->st);
        pa->rd.fi->st.crc_flag = ISAL_GZIP_NO_HDR;
        pa->rd.fi->in_end = pa->rd.fi->done = false;
        pa->rd.fi->crc = zs.crc;
        pa->rd.fi->size = zs.size;
    }
    pa->rd.entry = x->sheet_part;
    for (int i = 0; i < CHUNKS; i++) {
        fp_buf_init(&pa->ch[i].xml);
        fp_buf_init(&pa->ch[i].recs);
    }
    pthread_mutex_init(&pa->mu, NULL);
    pthread_cond_init(&pa->cv, NULL);
    pthread_t filler, parser[MAX_PARSERS];
    int nparsers = 0;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int want = cores < 2 ? 2 : cores > MAX_PARSERS ? MAX_PARSERS : (int)cores;
    pa->inflight = want + 4 < CHUNKS ? want + 4 : CHUNKS;
    bool started = pthread_create(&filler, NULL, fill_chunks, pa) == 0;
    for (int i = 0; started && i < want; i++)
        if (pthread_create(&parser[i], NULL, parse_chunks, pa) == 0)
            nparsers++;
    bool sequential = !started || nparsers == 0;
    for (long k = 0; !sequential; k++) {
        chunk *c = &pa->ch[k % CHUNKS];
        pthread_mutex_lock(&pa->mu);
        while (!(k < pa->filled && (c->state == CH_OK || c->state == CH_FAILED)) && !(pa->fill_done && k >= pa->filled))
            pthread_cond_wait(&pa->cv, &pa->mu);
        bool none = k >= pa->filled;
        pthread_mutex_unlock(&pa->mu);
        if (none) {
            /* no more chunks: the inflating failed (its message comes from the sequential reading) or the
             * part ended without the end of the cells */
            sequential = true;
            break;
        }
        if (c->state == CH_FAILED) {
            sequential = true;
            break;
        }
        consume_block(st, c->recs.data ? c->recs.data : "", c->recs.len);
        if (st->need_sequential) {
            sequential = true;
            break;
        }
        bool end = c->end; /* read before the slot is handed back */
        pthread_mutex_lock(&pa->mu);
        c->state = CH_FREE;
        pa->consumed++;
        pthread_cond_broadcast(&pa->cv);
        pthread_mutex_unlock(&pa->mu);
        if (st->failed || end)
            break; /* the sink's error, or every cell read */
    }
    pthread_mutex_lock(&pa->mu);
    pa->stop = true;
    pthread_cond_broadcast(&pa->cv);
    pthread_mutex_unlock(&pa->mu);
    if (started)
        pthread_join(filler, NULL);
    for (int i = 0; i < nparsers; i++)
        pthread_join(parser[i], NULL);
    for (int i = 0; i < CHUNKS; i++) {
        fp_buf_free(&pa->ch[i].xml);
        fp_buf_free(&pa->ch[i].recs);
    }
    pthread_mutex_destroy(&pa->mu);
    pthread_cond_destroy(&pa->cv);
    free(pa->rd.fi);
    free(pa);
    zip_fclose(zf);
    return !sequential || st->failed;
}

static void stream_start(stream *st, xlsx *x, fp_dict *const *dicts, fp_table *t, size_t hint, fp_error *err)
{
    memset(st, 0, sizeof *st);
    st->sink = fp_rowsink_new(x->path, x->pt, dicts, t, hint, err);
    fp_rowsink_keys(st->sink, (uint32_t)x->nstr);
    st->date1904 = x->date1904;
    st->strs = x->strbuf.data ? x->strbuf.data : "";
    st->stroff = x->stroff;
}

static fp_status read_sheet(xlsx *x, const char *part, const char *sheet_name, fp_dict *const *dicts, fp_table *t,
                            fp_error *err)
{
    zip_int64_t idx = locate(x, part);
    zip_stat_t zs;
    zip_stat_init(&zs);
    uint64_t comp = 0;
    bool size_ok = true;
    if (idx >= 0 && zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &zs) == 0) {
        if (zs.valid & ZIP_STAT_COMP_SIZE)
            comp = zs.comp_size;
        if ((zs.valid & ZIP_STAT_SIZE) && (zs.size > x->lim->part_bytes || zs.size > x->lim->total_bytes - x->total))
            size_ok = false; /* refused by parse_part */
    }
    /* the rows a sheet of this size can hold, for sizing the columns (a hint, never trusted far) */
    size_t hint = (size_t)(comp / 8 < FP_XLSX_MAX_ROWS ? comp / 8 : FP_XLSX_MAX_ROWS) + 1024;
    snprintf(x->part, sizeof x->part, "%s", part);
    x->sheet_part = part;
    sax_init(&x->sheet_sax, sheet_start, sheet_end, on_chars);
    stream st;
    stream_start(&st, x, dicts, t, hint, err);
    x->stream = &st;
    bool done = false;
    if (idx >= 0 && size_ok && comp >= (x->lim->parallel_bytes ? x->lim->parallel_bytes : PARALLEL_MIN_BYTES)) {
        uint64_t total0 = x->total;
        if (read_parallel(x, idx, &st)) {
            done = true;
            x->sheet_ok = true;
        } else {
            /* again, in one piece */
            fp_rowsink_finish(st.sink, false);
            if (err)
                fp_error_clear(err);
            x->total = total0;
            stream_start(&st, x, dicts, t, hint, err);
        }
    }
    /* the XML side's messages wait for the rows before them to reach the sink */
    fp_error xerr;
    fp_error_clear(&xerr);
    if (!done) {
        x->err = &xerr;
        st.threaded = comp >= THREAD_MIN_BYTES;
        if (st.threaded)
            ring_init(&st.ring, BLOCK_BYTES);
        else
            st.block = fp_xmalloc(BLOCK_BYTES);
        pthread_t th;
        if (st.threaded && pthread_create(&th, NULL, produce, x) != 0) {
            ring_free(&st.ring);
            st.threaded = false;
            st.block = fp_xmalloc(BLOCK_BYTES);
        }
        if (st.threaded) {
            consume_all(&st);
            pthread_join(th, NULL);
            ring_free(&st.ring);
        } else {
            produce(x);
            free(st.block);
        }
        x->err = err;
    }
    bool ok = !st.failed;
    if (ok && !x->sheet_ok) {
        if (err)
            *err = xerr;
        ok = false;
    }
    if (ok && !fp_rowsink_has_header(st.sink)) {
        fail(x, "the sheet \"%s\" is empty; it needs a header row with the column titles", sheet_name);
        ok = false;
    }
    fp_status status = fp_rowsink_finish(st.sink, ok);
    x->stream = NULL;
    return status;
}

fp_status fp_xlsx_load_limited(const char *path, const fp_profile_table *pt, fp_dict *const *dicts, fp_table *t,
                               const fp_xlsx_limits *lim, fp_error *err)
{
    pthread_once(&xml_once, xml_init);
    fp_table_free(t);
    xlsx x;
    memset(&x, 0, sizeof x);
    x.path = path;
    x.pt = pt;
    x.lim = lim;
    x.err = err;
    fp_buf_init(&x.strbuf);
    fp_buf_init(&x.text);
    x.stroff = fp_xmalloc(2 * sizeof *x.stroff);
    x.stroffcap = 2;
    x.stroff[0] = 0;
    const sheetref *sh = NULL;
    bool ok = open_workbook(&x) && (sh = choose_sheet(&x)) != NULL;
    char *sheet_part = NULL, *sst_part = NULL, *styles_part = NULL;
    if (ok) {
        const rel *r = rel_by_id(&x, sh->rid);
        if (!r) {
            char what[200];
            snprintf(what, sizeof what, "sheet \"%.100s\" has no part", sh->name);
            snprintf(x.part, sizeof x.part, "%s", x.workbook);
            damaged(&x, what);
            ok = false;
        } else {
            sheet_part = fp_xstrdup(r->target);
            const rel *s = rel_of_type(&x, "sharedStrings");
            const rel *st = rel_of_type(&x, "styles");
            sst_part = s ? fp_xstrdup(s->target) : NULL;
            styles_part = st ? fp_xstrdup(st->target) : NULL;
        }
    }
    if (ok && styles_part) {
        xmlSAXHandler sax;
        sax_init(&sax, styles_start, styles_end, NULL);
        ok = parse_part(&x, styles_part, &sax, false);
    }
    if (ok)
        styles_finish(&x);
    if (ok && sst_part) {
        xmlSAXHandler sax;
        sax_init(&sax, sst_start, sst_end, on_chars);
        ok = parse_part(&x, sst_part, &sax, false);
        x.capture = false;
    }
    fp_status st = FP_OK;
    if (ok) {
        st = read_sheet(&x, sheet_part, sh->name, dicts, t, err);
    } else {
        st = err && err->code != FP_OK ? err->code : FP_ERR_INPUT;
    }
    free(sheet_part);
    free(sst_part);
    free(styles_part);
    xlsx_free(&x);
    return st;
}

fp_status fp_xlsx_load(const char *path, const fp_profile_table *pt, fp_dict *const *dicts, fp_table *t,
                       fp_error *err)
{
    return fp_xlsx_load_limited(path, pt, dicts, t, &fp_xlsx_default_limits, err);
}
