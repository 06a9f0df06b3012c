/* csv_load.c — CSV files into typed columnar tables, with libcsv, on all cores.
 *
 * Lines come from textfile.c one at a time and are fed to csv_parse one at a
 * time, so at every callback we know which physical line is being read: a
 * record starts on the first line fed while libcsv is between records, which
 * gives exact line numbers even for quoted cells that span lines. A line that
 * starts a record and holds no quote (nearly every line of an export) is cut
 * by csv_plain.c instead, into exactly the cells libcsv would give.
 *
 * Each cell is typed and stored as it is read. Text cells are interned; a
 * per-column cache of recent values skips the hash lookup for the runs and
 * small vocabularies CRM exports are full of (the lines of one order repeat
 * its customer and rep; there are three channels), and a value is checked for
 * valid UTF-8 only the first time it is seen, when it enters the dictionary.
 *
 * Large files are split at line boundaries into one chunk per thread. The
 * header is read once; each chunk is parsed by its own thread into its own
 * table and dictionaries (the first chunk of the first file uses the shared
 * dictionaries directly), and the other tables load at the same time. The
 * results are then merged in file order, interning each chunk's strings in
 * the order they first appeared, so every id is exactly what a sequential
 * load gives. A chunk that fails, or a boundary that fell inside a quoted
 * cell, makes that file load again sequentially: error messages always come
 * from the sequential path and carry exact line numbers.
 */
#include "csv_load.h"
#include "csv_plain.h"

#include "parse.h"
#include "pool.h"
#include "util.h"

#include <csv.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* a line of more cells goes to libcsv */
#define PLAIN_CELLS 256

/* files below this size load in one piece */
#define CHUNK_MIN_BYTES (8u << 20)

#define CACHE_BYTES 56
#define CACHE_BITS 10
#define CACHE_SLOTS (1u << CACHE_BITS)
#define PEND 16
#define PEND_BYTES 56

typedef struct cacheslot {
    uint32_t id;
    uint32_t len;      /* 0: empty (an empty cell is never looked up) */
    char text[CACHE_BYTES];
} cacheslot;

/* Per text column: the previous value (runs of one order's lines) and a small direct-mapped cache
 * (channels, categories, teams, statuses: a handful of values in random order). */
typedef struct colcache {
    cacheslot *last;   /* the slot that matched or was filled last; NULL before the first value */
    /* The slots are switched off when, by their 8,192nd miss, they have answered fewer than 2,048 times: a
     * column of many different values (order numbers, customers) would only miss in them, at the price of a
     * cache miss each. (Speed only: every value is still looked up right.) */
    uint32_t probes, hits;
    bool off;
    cacheslot *slot;   /* CACHE_SLOTS of them, from the column's first lookup */
} colcache;

#define CACHE_TRIAL 8192 /* misses in the slots before they are judged */

/* The header of a file: its titles and how they map onto canonical columns. Read-only once built. */
typedef struct hdrinfo {
    int n;                      /* fields in the header row */
    fp_buf names;               /* header texts, NUL-separated */
    size_t *off;                /* offset of each text in names */
    size_t offcap;
    int *colmap;                /* file column -> canonical column, or -1 */
    int filecol[FP_MAX_COLS];   /* canonical column -> file column, or -1 */
    bool present[FP_MAX_COLS];
    char delim;
    bool done;
} hdrinfo;

typedef struct loader {
    const char *name;
    const fp_tablespec *spec;
    const fp_profile_table *pt;
    fp_dict *const *dicts;
    fp_table *t;
    fp_error *err;
    bool failed;
    bool cell_failed;         /* a cell of this row could not be read: the message waits for the row's end,
                               * where a row with more cells than the header is the truer diagnosis */

    hdrinfo *h;               /* being read from this file, or given (read-only) */
    bool parse_header;
    bool after_header; /* the header probe (no dicts) saw fields after the header row */        /* the first record is the header */

    int field;                /* index of the next field in the current row */
    bool row_nonempty;
    int empty_required;       /* first required canonical column left empty in this row, or -1 */
    int empty_required_field;
    uint32_t row_line;        /* line the current record started on */
    uint32_t cur_line;        /* line being fed to libcsv */
    size_t cur_len;           /* its length in bytes */
    uint64_t size_hint;       /* bytes of input, for sizing the table */
    bool clean_end;           /* the input ended between records */
    bool nul_in_record;       /* a line of the current record holds a NUL byte: its cells are checked one by one */

    colcache *cache;          /* FP_MAX_COLS of them */
    uint32_t row_text;        /* canonical text columns given a value in this row (bit per column) */
    int follow[FP_MAX_COLS];  /* the column whose value usually decides this one's (a customer's name follows
                               * its number), or -1 */
    uint32_t *follow_id[FP_MAX_COLS]; /* per id of that column: the id this column had with it last */
    size_t follow_cap[FP_MAX_COLS];

    /* Text cells no cache answers wait here for their dictionary lookup while the next cells are read, so
     * the table's memory is fetched meanwhile (a lookup in a large dictionary is a cache miss). They are
     * looked up in the order they were read, so ids are given in order of first appearance; and before any
     * other problem is reported, so the first problem in the file is the one reported. */
    bool defer;
    int npend, pend_head;
    struct pending {
        uint32_t hash, row, run, line, len, kid;
        int f, c;
        char text[PEND_BYTES];
    } pend[PEND];
    int last_pend[FP_MAX_COLS]; /* the newest pending cell of each column, or -1 */
} loader;

/* Columns that a CRM export repeats with another: the name of customer C010230 is the same on each of its
 * lines, so once seen together, the name is checked against the one text it had last (one comparison)
 * instead of looked up among tens of thousands. */
static int follows(const fp_tablespec *spec, int c)
{
    if (spec->id == FP_TBL_ORDERS && c == FP_ORD_CUSTOMER_NAME)
        return FP_ORD_CUSTOMER_ID;
    return -1;
}

static bool flush(loader *l);

static const char *header_text(const loader *l, int f)
{
    return f >= 0 && f < l->h->n ? l->h->names.data + l->h->off[f] : "?";
}


static void cell_error(loader *l, int f, int c, const char *s, size_t n, const char *what, const char *example)
{
    if (l->cell_failed)
        return; /* the first bad cell of the row speaks */
    l->cell_failed = true;
    if (!flush(l))
        return; /* a cell read before this one was the first problem */
    char q[200];
    fp_quote_text(q, sizeof q, s, n, 120);
    if (fp_utf8_valid_prefix((const unsigned char *)s, n) != n) {
        fp_fail(l->err, FP_ERR_INPUT,
                "%s:%u: column %d \"%s\": the text \"%s\" holds bytes that are not valid UTF-8, though the rest "
                "of the file reads as UTF-8: retype this cell (or, if the file is GBK, declare encoding=\"gbk\" "
                "in the profile)",
                l->name, l->row_line, f + 1, header_text(l, f), q);
    } else {
        fp_fail(l->err, FP_ERR_INPUT, "%s:%u: column %d \"%s\" (%s): cannot read \"%s\" as %s; write e.g. %s",
                l->name, l->row_line, f + 1, header_text(l, f), l->spec->cols[c].name, q, what, example);
    }
}


/* the cache slot of a value: a multiply-mix of its first and last eight bytes and its length, so names that
 * differ in one character in the middle (华东一组, 华东二组) still land apart */
static inline unsigned slot_of(const char *s, size_t n)
{
    uint64_t a, b;
    fp_bytes_ends(s, n, &a, &b);
    uint64_t h = (a * 0x9E3779B97F4A7C15ull) ^ (b * 0xC2B2AE3D27D4EB4Full) ^ ((uint64_t)n * 0x165667B19E3779F9ull);
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    return (unsigned)(h >> (64 - CACHE_BITS));
}

static inline void remember(cacheslot *cs, const char *s, size_t n, uint32_t id)
{
    memcpy(cs->text, s, n);
    cs->len = (uint32_t)n;
    cs->id = id;
}

static bool valid_utf8(const char *s, size_t n)
{
    return fp_utf8_valid_prefix((const unsigned char *)s, n) == n;
}

/* The id the column's key had with this text last, or 0. */
static uint32_t followed(const loader *l, int c, uint32_t kid, const char *s, size_t n)
{
    if (kid >= l->follow_cap[c])
        return 0;
    const fp_dict *d = l->dicts[l->spec->cols[c].domain];
    uint32_t was = l->follow_id[c][kid];
    return was && fp_dict_strlen(d, was) == n && memcmp(fp_dict_str(d, was), s, n) == 0 ? was : 0;
}

/* The id of a text cell from the column's caches, or from the name its key (the customer number) had last.
 * *kid receives the key's id in this row (UINT32_MAX: none known), for resolve() to remember. */
static bool cached(loader *l, int c, const char *s, size_t n, uint32_t *id, uint32_t *kid)
{
    colcache *cc = &l->cache[c];
    *kid = UINT32_MAX;
    if (cc->last && n == cc->last->len && fp_bytes_eq(cc->last->text, s, n)) {
        *id = cc->last->id;
        return true;
    }
    if (!cc->off && cc->slot && n <= CACHE_BYTES) {
        cacheslot *cs = &cc->slot[slot_of(s, n)];
        if (cs->len == n && fp_bytes_eq(cs->text, s, n)) {
            cc->last = cs;
            *id = cs->id;
            cc->hits++;
            return true;
        }
        if (++cc->probes == CACHE_TRIAL && cc->hits < CACHE_TRIAL / 4)
            cc->off = true;
    }
    int k = l->follow[c];
    if (k >= 0 && (l->row_text >> k) & 1) {
        *kid = ((const uint32_t *)l->t->col[k])[l->t->nrows];
        *id = followed(l, c, *kid, s, n);
        return *id != 0;
    }
    return false;
}

/* Looks a text cell up in (or adds it to) its column's dictionary, and writes its id into rows row … row + run. */
static void resolve(loader *l, int f, int c, const char *s, size_t n, uint32_t hash, uint32_t row, uint32_t run,
                    uint32_t line, uint32_t kid)
{
    fp_dict *d = l->dicts[l->spec->cols[c].domain];
    uint32_t id;
    if (!fp_dict_intern_hashed(d, s, n, hash, valid_utf8, &id)) {
        char q[200];
        fp_quote_text(q, sizeof q, s, n, 120);
        fp_fail(l->err, FP_ERR_INPUT,
                "%s:%u: column %d \"%s\": bytes in \"%s\" are not valid UTF-8, though the rest of the file "
                "reads as UTF-8: retype this cell (or, if the file is GBK, declare encoding=\"gbk\" in the "
                "profile)",
                l->name, line, f + 1, header_text(l, f), q);
        l->failed = true;
        return;
    }
    const char *what;
    uint32_t max = fp_domain_limit(l->spec->cols[c].domain, &what);
    if (max && id > max) {
        /* stop reading now rather than after the whole file: the memory stays bounded */
        fp_fail(l->err, FP_ERR_INPUT,
                "%s:%u: column %d \"%s\": more than %u different %s; fupan handles at most %u (docs/data.md). "
                "Does the profile map the right column?",
                l->name, line, f + 1, header_text(l, f), max, what, max);
        l->failed = true;
        return;
    }
    colcache *cc = &l->cache[c];
    if (n <= CACHE_BYTES) {
        if (!cc->slot)
            cc->slot = fp_xcalloc(CACHE_SLOTS, sizeof *cc->slot);
        cacheslot *cs = &cc->slot[cc->off ? 0 : slot_of(s, n)];
        remember(cs, s, n, id);
        cc->last = cs;
    }
    if (kid != UINT32_MAX) {
        if (kid >= l->follow_cap[c]) {
            size_t cap = l->follow_cap[c];
            fp_xgrow((void **)&l->follow_id[c], &l->follow_cap[c], (size_t)kid + 1, sizeof(uint32_t));
            memset(l->follow_id[c] + cap, 0, (l->follow_cap[c] - cap) * sizeof(uint32_t));
        }
        l->follow_id[c][kid] = id;
    }
    uint32_t *col = l->t->col[c];
    for (uint32_t r = row; r <= row + run; r++)
        col[r] = id;
}

static void resolve_oldest(loader *l)
{
    /* the lookup half-way down the queue: its slot has arrived by now, so its string is asked for */
    if (l->npend > PEND / 2) {
        const struct pending *q = &l->pend[(l->pend_head + PEND / 2) % PEND];
        fp_dict_prefetch(l->dicts[l->spec->cols[q->c].domain], q->hash);
    }
    struct pending *p = &l->pend[l->pend_head];
    if (!l->failed)
        resolve(l, p->f, p->c, p->text, p->len, p->hash, p->row, p->run, p->line, p->kid);
    if (l->last_pend[p->c] == l->pend_head)
        l->last_pend[p->c] = -1;
    l->pend_head = (l->pend_head + 1) % PEND;
    l->npend--;
}

/* Every waiting cell looked up; false when one of them was a problem (the message is set). */
static bool flush(loader *l)
{
    while (l->npend)
        resolve_oldest(l);
    return !l->failed;
}

/* A text cell: its id now when a cache knows it, else later (deferred) or now (a long text, a row sink). */
static void store_text(loader *l, int f, int c, const char *s, size_t n)
{
    uint32_t row = (uint32_t)l->t->nrows, id, kid;
    if (cached(l, c, s, n, &id, &kid)) {
        ((uint32_t *)l->t->col[c])[row] = id;
        l->row_text |= 1u << c;
        return;
    }
    fp_dict *d = l->dicts[l->spec->cols[c].domain];
    if (!l->defer || n > PEND_BYTES) {
        if (flush(l))
            resolve(l, f, c, s, n, fp_dict_hash(d, s, n), row, 0, l->row_line, kid);
        l->row_text |= 1u << c;
        return;
    }
    /* the same text as this column's newest waiting cell, one row later: the run grows */
    int lp = l->last_pend[c];
    if (lp >= 0) {
        struct pending *p = &l->pend[lp];
        if (p->row + p->run + 1 == row && p->len == n && fp_bytes_eq(p->text, s, n)) {
            p->run++;
            return;
        }
    }
    if (l->npend == PEND)
        resolve_oldest(l);
    int i = (l->pend_head + l->npend++) % PEND;
    struct pending *p = &l->pend[i];
    p->hash = fp_dict_hash(d, s, n);
    p->row = row;
    p->run = 0;
    p->line = l->row_line;
    p->len = (uint32_t)n;
    p->kid = kid;
    p->f = f;
    p->c = c;
    memcpy(p->text, s, n);
    l->last_pend[c] = i;
}

static void store_cell(loader *l, int f, int c, const char *raw, size_t rawn, char mark)
{
    fp_table *t = l->t;
    size_t r = t->nrows;
    const char *s = raw;
    size_t n = rawn;
    /* libcsv already strips blanks around unquoted cells; trim only when an end looks blank */
    if (n && ((unsigned char)s[0] <= ' ' || (unsigned char)s[0] == 0xE3 || (unsigned char)s[n - 1] <= ' ' ||
              (unsigned char)s[n - 1] == 0x80))
        n = fp_trim(&s, n);
    if (n == 0) {
        /* the first in file order (a row sink may fill its missing cells last) */
        if (l->spec->cols[c].required && (l->empty_required < 0 || f < l->empty_required_field)) {
            l->empty_required = c;
            l->empty_required_field = f;
        }
        fp_table_set_missing(t, c, r);
        return;
    }
    l->row_nonempty = true;
    if (l->nul_in_record && memchr(s, 0, n)) {
        /* a NUL inside a cell would cut the value short where it is used ("夏思\0峰" read as "夏思") */
        if (!l->cell_failed && flush(l)) {
            char q[200];
            fp_quote_text(q, sizeof q, s, n, 120);
            fp_fail(l->err, FP_ERR_INPUT,
                    "%s:%u: column %d \"%s\": the cell \"%s\" holds a NUL byte (\\0), which no text has; the file is "
                    "damaged or in another encoding (UTF-16?): remove the byte or save the file again as UTF-8",
                    l->name, l->row_line, f + 1, header_text(l, f), q);
            l->cell_failed = true;
        }
        fp_table_set_missing(t, c, r);
        return;
    }
    switch (l->spec->cols[c].type) {
    case FP_T_TEXT:
        store_text(l, f, c, s, n);
        break;
    case FP_T_DATE: {
        fp_date d;
        if (!fp_date_parse(s, n, &d))
            cell_error(l, f, c, s, n, "a date", "2026-10-03, 2026/10/3 or 2026年10月3日");
        ((fp_date *)t->col[c])[r] = d;
        break;
    }
    case FP_T_MONEY: {
        int64_t v = 0;
        if (!fp_parse_money_in(s, n, l->pt->col[c].unit_exp10, l->pt->currency, mark, &v) && !l->cell_failed) {
            /* the example is written in the profile's currency, and says so when it is not the yuan */
            const fp_currency *cur = l->pt->currency ? l->pt->currency : fp_currency_default();
            bool cny = !strcmp(cur->code, "CNY");
            char ex[200];
            if (mark == ',')
                snprintf(ex, sizeof ex, "1234,50, 1.234,50 or %s1.234,50 (the profile says decimal=\",\"%s%s%s)",
                         cur->symbol, cny ? "" : " and currency=\"", cny ? "" : cur->code, cny ? "" : "\"");
            else
                snprintf(ex, sizeof ex, "1234.50, \"1,234.50\", %s1,234.50 or 1.2万%s%s%s", cur->symbol,
                         cny ? "" : " (the profile says currency=\"", cny ? "" : cur->code, cny ? "" : "\")");
            cell_error(l, f, c, s, n, "an amount of money", ex);
        }
        ((int64_t *)t->col[c])[r] = v;
        break;
    }
    case FP_T_NUMBER: {
        double v = 0;
        if (!fp_parse_number_in(s, n, mark, &v))
            cell_error(l, f, c, s, n, "a number", mark == ',' ? "12 or 3,5" : "12 or 3.5");
        ((double *)t->col[c])[r] = v;
        break;
    }
    case FP_T_RATE: {
        double v = 0;
        if (!fp_parse_discount(s, n, &v))
            cell_error(l, f, c, s, n, "a discount", "0.05, 5% or 95折");
        ((double *)t->col[c])[r] = v;
        break;
    }
    case FP_T_INT: {
        int64_t v = 0;
        if (!fp_parse_int(s, n, &v) || v < -2147483647 || v > 2147483647)
            cell_error(l, f, c, s, n, "a whole number", "3");
        ((int32_t *)t->col[c])[r] = (int32_t)v;
        break;
    }
    case FP_T_MONTH: {
        int32_t v = 0;
        if (!fp_parse_month(s, n, &v))
            cell_error(l, f, c, s, n, "a month", "2026-10 or 2026年10月");
        ((int32_t *)t->col[c])[r] = v;
        break;
    }
    }
}


static void on_field(void *s, size_t n, void *ud)
{
    loader *l = ud;
    if (l->failed)
        return;
    int f = l->field++;
    hdrinfo *h = l->h;
    if (!h->done) {
        const char *p = s ? s : "";
        size_t tn = fp_trim(&p, n);
        fp_xgrow((void **)&h->off, &h->offcap, (size_t)f + 1, sizeof *h->off);
        h->off[f] = h->names.len;
        fp_buf_add(&h->names, p, tn);
        fp_buf_addc(&h->names, 0);
        return;
    }
    if (!l->dicts) {
        /* the header probe reads only the header: a bare CR can end it before the line ends */
        l->after_header = true;
        return;
    }
    int c = f < h->n ? h->colmap[f] : -1;
    if (c < 0) {
        if (n)
            l->row_nonempty = true;
        return;
    }
    store_cell(l, f, c, s ? (const char *)s : "", n, l->pt->decimal);
}

static bool header_matches(const char *a, const char *want)
{
    size_t i = 0;
    for (; a[i] && want[i]; i++) {
        char x = a[i], y = want[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return a[i] == want[i];
}

/* Maps the header texts onto canonical columns and checks the required ones are there. */
static void finish_header(loader *l)
{
    hdrinfo *h = l->h;
    h->n = l->field;
    h->colmap = fp_xmalloc((size_t)(h->n ? h->n : 1) * sizeof *h->colmap);
    for (int c = 0; c < FP_MAX_COLS; c++) {
        h->filecol[c] = -1;
        h->present[c] = false;
    }
    for (int f = 0; f < h->n; f++) {
        h->colmap[f] = -1;
        const char *ht = header_text(l, f);
        if (!*ht)
            continue;
        for (int c = 0; c < l->spec->ncols; c++) {
            const fp_profile_column *pc = &l->pt->col[c];
            for (int k = 0; k < pc->nheaders; k++) {
                if (!header_matches(ht, pc->headers[k]))
                    continue;
                if (h->filecol[c] >= 0) {
                    fp_fail(l->err, FP_ERR_INPUT,
                            "%s:%u: columns %d and %d are both \"%s\", which the profile maps to \"%s\"; rename "
                            "or delete one of them",
                            l->name, l->row_line, h->filecol[c] + 1, f + 1, ht, l->spec->cols[c].name);
                    l->failed = true;
                    return;
                }
                h->colmap[f] = c;
                h->filecol[c] = f;
                h->present[c] = true;
            }
        }
    }
    for (int c = 0; c < l->spec->ncols; c++) {
        if (!l->spec->cols[c].required || h->present[c])
            continue;
        const fp_profile_column *pc = &l->pt->col[c];
        fp_buf want, have;
        fp_buf_init(&want);
        fp_buf_init(&have);
        for (int k = 0; k < pc->nheaders; k++)
            fp_buf_printf(&want, "%s\"%s\"", k ? " or " : "", pc->headers[k]);
        for (int f = 0; f < h->n; f++)
            fp_buf_printf(&have, "%s%s", f ? ", " : "", header_text(l, f));
        fp_fail(l->err, FP_ERR_INPUT,
                "%s:%u: the header has no column %s, which the profile (line %d) maps to the required column "
                "\"%s\" (%s); the header has: %s",
                l->name, l->row_line, want.data ? want.data : "\"?\"", pc->line, l->spec->cols[c].name,
                l->spec->cols[c].doc, have.data ? have.data : "(nothing)");
        fp_buf_free(&want);
        fp_buf_free(&have);
        l->failed = true;
        return;
    }
    h->done = true;
}

/* Keeps the row just read (its cells are stored at index nrows): a required cell must not be empty. */
static inline void commit_row(loader *l)
{
    if (l->cell_failed) { /* the message of the row's first bad cell is set */
        l->failed = true;
        return;
    }
    if (l->empty_required >= 0) {
        int c = l->empty_required;
        if (!flush(l))
            return;
        fp_fail(l->err, FP_ERR_INPUT, "%s:%u: column %d \"%s\" (%s) is empty, and every row needs it", l->name,
                l->row_line, l->empty_required_field + 1, header_text(l, l->empty_required_field),
                l->spec->cols[c].name);
        l->failed = true;
        return;
    }
    l->t->line[l->t->nrows++] = l->row_line;
    if (l->t->nrows == l->t->cap)
        fp_table_reserve_row(l->t);
}

static void on_row(int term, void *ud)
{
    (void)term;
    loader *l = ud;
    if (l->failed)
        return;
    if (!l->h->done) {
        finish_header(l);
        if (!l->failed && !l->t->line) {
            /* rows are about as long as the header line: size the columns for the whole file */
            size_t per = l->cur_len > 24 ? l->cur_len : 24;
            fp_table_alloc(l->t, l->h->present, (size_t)(l->size_hint / per) + 1024);
        }
    } else if (!l->dicts) {
        l->after_header = true; /* the header probe: not a row to check */
    } else if (l->row_nonempty) {
        if (l->field != l->h->n) {
            if (!flush(l))
                return;
            fp_fail(l->err, FP_ERR_INPUT,
                    "%s:%u: this row has %d cells, the header has %d; a cell holding the delimiter must be quoted "
                    "(\"渠道,管理方案\", \"1,234.50\")",
                    l->name, l->row_line, l->field, l->h->n);
            l->failed = true;
            return;
        }
        commit_row(l);
    }
    l->field = 0;
    l->row_nonempty = false;
    l->row_text = 0;
    l->empty_required = -1;
}

static char detect_delimiter(const char *line, size_t n)
{
    size_t comma = 0, semi = 0, tab = 0;
    bool q = false;
    for (size_t i = 0; i < n; i++) {
        char c = line[i];
        if (c == '"')
            q = !q;
        else if (!q && c == ',')
            comma++;
        else if (!q && c == ';')
            semi++;
        else if (!q && c == '\t')
            tab++;
    }
    if (comma)
        return ',';
    if (tab)
        return '\t';
    if (semi)
        return ';';
    return ',';
}

static bool plain_ok(char d)
{
    return d != '"' && d != '\r' && d != '\n' && d != ' ' && d != 0;
}

static int is_space_tab_delim(unsigned char c)
{
    return c == ' ';
}

static void loader_init(loader *l, const char *name, const fp_profile_table *pt, fp_dict *const *dicts, fp_table *t,
                        hdrinfo *h, bool parse_header, fp_error *err)
{
    memset(l, 0, sizeof *l);
    l->name = name;
    l->spec = t->spec;
    l->pt = pt;
    l->dicts = dicts;
    l->t = t;
    l->err = err;
    l->h = h;
    l->parse_header = parse_header;
    l->empty_required = -1;
    l->row_line = 1;
    for (int c = 0; c < FP_MAX_COLS; c++) {
        l->follow[c] = c < l->spec->ncols ? follows(l->spec, c) : -1;
        l->last_pend[c] = -1;
    }
    l->defer = true;
    l->cache = fp_xcalloc(FP_MAX_COLS, sizeof *l->cache);
}

static void loader_free(loader *l)
{
    for (int c = 0; c < FP_MAX_COLS; c++)
        free(l->cache[c].slot);
    free(l->cache);
    for (int c = 0; c < FP_MAX_COLS; c++)
        free(l->follow_id[c]);
}

static void hdr_free(hdrinfo *h)
{
    fp_buf_free(&h->names);
    free(h->off);
    free(h->colmap);
    memset(h, 0, sizeof *h);
}

/* Feeds the lines of tf to libcsv until the end (or, when stop_after_header, until the header is read).
 * Returns false with l->err set on a problem. */
static bool run(loader *l, fp_textfile *tf, bool stop_after_header)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        fp_fail(l->err, FP_ERR_INTERNAL, "cannot initialise libcsv");
        return false;
    }
    /* libcsv grows a cell's buffer by this much at a time: its 128-byte default makes a cell of many megabytes
     * cost a copy per 128 bytes (quadratic; minutes under AddressSanitizer for a 64 MB cell) */
    csv_set_blk_size(&p, 64 * 1024);
    _Static_assert(FP_MAX_CELL_BYTES % (64 * 1024) == 0, "whole blocks");
    const char *line;
    size_t len, rec_bytes = 0;
    int r;
    bool first = true, plain = false;
    fp_csv_cell cells[PLAIN_CELLS];
    while ((r = fp_textfile_next(tf, &line, &len, l->err)) == 1) {
        l->cur_line = fp_textfile_lineno(tf);
        l->cur_len = len;
        if (first) {
            /* the header's delimiter; chunks of a file get it from the header already read */
            if (!l->h->delim)
                l->h->delim = l->pt->delimiter ? l->pt->delimiter : detect_delimiter(line, len);
            csv_set_delim(&p, (unsigned char)l->h->delim);
            if (l->h->delim == '\t')
                csv_set_space_func(&p, is_space_tab_delim);
            plain = l->dicts && plain_ok(l->h->delim);
            first = false;
        }
        /* a record starts on this line (libcsv skips blank lines without telling us) */
        bool at_start = p.pstate == 0 && l->field == 0;
        if (at_start) {
            l->row_line = l->cur_line;
            rec_bytes = 0;
            l->nul_in_record = false;
        }
        /* a line with no quote, at the start of a record: its cells without libcsv (csv_plain.h) */
        if (at_start && plain && l->h->done && line[len - 1] == '\n') {
            size_t body = len - 1;
            if (body && line[body - 1] == '\r')
                body--;
            int nc = fp_csv_plain_cut(line, body, l->h->delim, cells, PLAIN_CELLS);
            if (nc >= 0) {
                for (int k = 0; k < nc && !l->failed; k++)
                    on_field((void *)(uintptr_t)(line + cells[k].off), cells[k].len, l);
                if (nc)
                    on_row(line[body], l);
                if (l->failed)
                    break;
                continue;
            }
        }
        /* one scan of the line instead of one per cell: cells are checked only on a line that has a NUL */
        if (memchr(line, 0, len))
            l->nul_in_record = true;
        /* the line bound (textfile.c) holds for a record too: a quoted cell over millions of short lines would
         * otherwise grow without end in libcsv's buffer */
        rec_bytes += len;
        if (rec_bytes > FP_MAX_LINE_BYTES) {
            if (flush(l))
                fp_fail(l->err, FP_ERR_INPUT,
                        "%s:%u: the record that starts on this line runs over more than %u MB (a quoted cell that "
                        "is never closed?); is this really a CSV file?",
                        l->name, l->row_line, FP_MAX_LINE_BYTES >> 20);
            l->failed = true;
            break;
        }
        size_t parsed = csv_parse(&p, line, len, on_field, on_row, l);
        /* a cell still open after this line (a quoted cell running on) is bounded too: no cell of an export
         * is a megabyte */
        if (!l->failed && p.entry_pos > FP_MAX_CELL_BYTES) {
            if (flush(l))
                fp_fail(l->err, FP_ERR_INPUT,
                        "%s:%u: a cell of the record that starts on this line is longer than %u MB (a quoted cell "
                        "that is never closed?)",
                        l->name, l->row_line, FP_MAX_CELL_BYTES >> 20);
            l->failed = true;
            break;
        }
        if (parsed != len && !l->failed && flush(l)) {
            char q[200];
            fp_quote_text(q, sizeof q, line, len, 120);
            fp_fail(l->err, FP_ERR_INPUT,
                    "%s:%u: malformed quotes in %s: a quoted cell must end with \" followed by the delimiter or "
                    "the end of the line, and a quote inside it is written \"\"",
                    l->name, l->cur_line, q);
            l->failed = true;
        }
        if (l->failed)
            break;
        if (stop_after_header && l->h->done)
            break;
    }
    if (r < 0)
        l->failed = true;
    l->clean_end = p.pstate == 0 && l->field == 0;
    if (!l->failed && !stop_after_header && csv_fini(&p, on_field, on_row, l) != 0 && flush(l)) {
        fp_fail(l->err, FP_ERR_INPUT,
                "%s:%u: a quoted cell that starts on this line is never closed (missing \" before the end of the "
                "file)",
                l->name, l->row_line);
        l->failed = true;
    }
    flush(l);
    if (!l->failed && !l->h->done && (l->parse_header || stop_after_header)) {
        fp_fail(l->err, FP_ERR_INPUT, "%s: the file is empty; it needs a header row with the column titles", l->name);
        l->failed = true;
    }
    csv_free(&p);
    return !l->failed;
}

fp_status fp_csv_load_text(fp_textfile *tf, const char *name, const fp_profile_table *pt, fp_dict *const *dicts,
                           fp_table *t, fp_error *err)
{
    hdrinfo h = {0};
    loader l;
    fp_table_free(t);
    loader_init(&l, name, pt, dicts, t, &h, true, err);
    l.size_hint = fp_textfile_size(tf);
    bool ok = run(&l, tf, false);
    loader_free(&l);
    hdr_free(&h);
    if (!ok) {
        fp_table_free(t);
        return err && err->code != FP_OK ? err->code : FP_ERR_INPUT;
    }
    t->present = true;
    free(t->path);
    t->path = fp_xstrdup(name);
    return FP_OK;
}

fp_status fp_csv_load(const char *path, const fp_profile_table *pt, fp_dict *const *dicts, fp_table *t,
                      fp_error *err)
{
    fp_textfile *tf;
    fp_status s = fp_textfile_open(path, pt->encoding, &tf, err);
    if (s != FP_OK)
        return s;
    s = fp_csv_load_text(tf, path, pt, dicts, t, err);
    fp_textfile_close(tf);
    return s;
}

/* ---- the row sink: the same cell path for cells that come from elsewhere -------------------- */

struct fp_rowsink {
    loader l;
    hdrinfo h;
    size_t rows_hint;
    uint32_t stored;              /* canonical columns given a cell in this row */
    uint32_t nkeys;               /* keyed cells: keys below nkeys */
    uint32_t *keyid[FP_MAX_COLS]; /* per text column: the id each key's text got (0: not yet) */
};

fp_rowsink *fp_rowsink_new(const char *name, const fp_profile_table *pt, fp_dict *const *dicts, fp_table *t,
                           size_t rows_hint, fp_error *err)
{
    fp_rowsink *s = fp_xcalloc(1, sizeof *s);
    fp_table_free(t);
    loader_init(&s->l, name, pt, dicts, t, &s->h, true, err);
    s->l.nul_in_record = true; /* cells from elsewhere: each checked */
    s->l.defer = false;        /* and looked up at once */
    s->rows_hint = rows_hint;
    return s;
}

void fp_rowsink_begin(fp_rowsink *s, uint32_t line)
{
    loader *l = &s->l;
    l->row_line = line;
    l->field = 0;
    l->row_nonempty = false;
    l->row_text = 0;
    l->empty_required = -1;
    s->stored = 0;
}

static void header_name(hdrinfo *h, int f, const char *p, size_t n)
{
    fp_xgrow((void **)&h->off, &h->offcap, (size_t)f + 1, sizeof *h->off);
    h->off[f] = h->names.len;
    fp_buf_add(&h->names, p, n);
    fp_buf_addc(&h->names, 0);
}

void fp_rowsink_cell(fp_rowsink *s, int col, const char *text, size_t n, char mark)
{
    loader *l = &s->l;
    hdrinfo *h = &s->h;
    if (l->failed || col < l->field)
        return;
    if (!h->done) {
        /* the header: the columns before this cell that have none are untitled */
        while (l->field < col)
            header_name(h, l->field++, "", 0);
        const char *p = text;
        size_t tn = fp_trim(&p, n);
        header_name(h, l->field++, p, tn);
        if (tn)
            l->row_nonempty = true;
        return;
    }
    l->field = col + 1;
    int c = col < h->n ? h->colmap[col] : -1;
    if (c < 0) {
        if (!l->row_nonempty) {
            const char *p = text;
            l->row_nonempty = fp_trim(&p, n) > 0;
        }
        return;
    }
    store_cell(l, col, c, text, n, mark ? mark : l->pt->decimal);
    s->stored |= 1u << c;
}

void fp_rowsink_keys(fp_rowsink *s, uint32_t nkeys)
{
    s->nkeys = nkeys;
}

void fp_rowsink_cell_keyed(fp_rowsink *s, int col, uint32_t key, const char *text, size_t n)
{
    loader *l = &s->l;
    hdrinfo *h = &s->h;
    int c = h->done && col < h->n && col >= l->field && key < s->nkeys ? h->colmap[col] : -1;
    if (c < 0 || l->failed || l->spec->cols[c].type != FP_T_TEXT) {
        fp_rowsink_cell(s, col, text, n, 0);
        return;
    }
    if (!s->keyid[c])
        s->keyid[c] = fp_xcalloc(s->nkeys, sizeof *s->keyid[c]);
    uint32_t *col_ids = l->t->col[c];
    uint32_t id = s->keyid[c][key];
    l->field = col + 1;
    s->stored |= 1u << c;
    if (id) {
        /* the same text as before in this column: the same id, already checked */
        col_ids[l->t->nrows] = id;
        l->row_nonempty = true;
        return;
    }
    store_cell(l, col, c, text, n, l->pt->decimal);
    if (!l->failed && !l->cell_failed)
        s->keyid[c][key] = col_ids[l->t->nrows];
}

int fp_rowsink_coltype(const fp_rowsink *s, int col)
{
    const hdrinfo *h = &s->h;
    if (!h->done || col < 0 || col >= h->n || h->colmap[col] < 0)
        return -1;
    return (int)s->l.spec->cols[h->colmap[col]].type;
}

bool fp_rowsink_has_header(const fp_rowsink *s)
{
    return s->h.done;
}

bool fp_rowsink_end(fp_rowsink *s)
{
    loader *l = &s->l;
    hdrinfo *h = &s->h;
    if (l->failed)
        return false;
    if (!h->done) {
        if (!l->row_nonempty) {
            /* rows of empty cells before the header */
            fp_buf_reset(&h->names);
            l->field = 0;
            return true;
        }
        finish_header(l);
        if (!l->failed)
            fp_table_alloc(l->t, h->present, s->rows_hint + 16);
        l->field = 0;
        return !l->failed;
    }
    if (!l->row_nonempty)
        return true; /* skipped, as in a CSV file */
    /* the cells the row does not have are empty */
    for (int c = 0; c < l->spec->ncols; c++)
        if (h->present[c] && !(s->stored & (1u << c)))
            store_cell(l, h->filecol[c], c, "", 0, l->pt->decimal);
    if (!l->failed)
        commit_row(l);
    return !l->failed;
}

fp_status fp_rowsink_finish(fp_rowsink *s, bool ok)
{
    loader *l = &s->l;
    fp_status st = FP_OK;
    if (!ok || l->failed) {
        st = l->err && l->err->code != FP_OK ? l->err->code : FP_ERR_INPUT;
        fp_table_free(l->t);
    } else if (!s->h.done) {
        st = fp_fail(l->err, FP_ERR_INPUT, "%s: the sheet is empty; it needs a header row with the column titles",
                     l->name);
        fp_table_free(l->t);
    } else {
        l->t->present = true;
        free(l->t->path);
        l->t->path = fp_xstrdup(l->name);
    }
    loader_free(l);
    hdr_free(&s->h);
    for (int c = 0; c < FP_MAX_COLS; c++)
        free(s->keyid[c]);
    free(s);
    return st;
}

/* ---- parallel loading ---------------------------------------------------- */

typedef struct job {
    struct file *file;
    int chunk;
    uint64_t start, end;      /* byte range; whole-file jobs read from 0 with the header */
    bool whole;
    bool shared;              /* interns into the shared dictionaries */
    fp_dict *own[FP_DOM_COUNT];
    fp_table t;
    uint32_t lines;
    size_t rows_hint;         /* expected rows, to size the columns once */
    size_t win_off, win_rows; /* win_rows > 0: the job writes into rows [win_off, win_off + win_rows) of its
                               * file's table, sized once for the whole file */
    bool ok, clean_end;
    fp_error err;
} job;

typedef struct file {
    const fp_csv_request *req;
    fp_table_loader load;     /* NULL: CSV */
    hdrinfo h;
    fp_encoding enc;
    int njobs;
    job *jobs;                /* into the job array */
    fp_table final;           /* split files: the table every chunk writes its window of */
    bool header_ok;
    fp_error err;
} file;

static void run_job(job *j, fp_dict *const *shared)
{
    file *f = j->file;
    fp_dict *dicts[FP_DOM_COUNT];
    for (int d = 0; d < FP_DOM_COUNT; d++)
        dicts[d] = j->shared ? shared[d] : j->own[d];
    fp_table_init(&j->t, f->req->t->spec);
    fp_textfile *tf;
    fp_error_clear(&j->err);
    if (f->load) {
        /* another format, read whole by its own loader */
        j->ok = f->load(f->req->path, f->req->pt, dicts, &j->t, &j->err) == FP_OK;
        j->clean_end = true;
        j->lines = 0;
        return;
    }
    if (fp_textfile_open_range(f->req->path, f->enc, j->start, j->end, &tf, &j->err) != FP_OK) {
        j->ok = false;
        return;
    }
    if (j->win_rows) {
        fp_table_view(&j->t, &f->final, j->win_off, j->win_rows);
        /* order numbers are nearly all distinct: size that dictionary once (no rehash as it grows); the shared
         * one receives the other chunks' numbers too */
        fp_dict_reserve(dicts[FP_DOM_ORDER], (uint32_t)((j->shared ? f->final.cap : j->win_rows) / 2));
    } else {
        fp_table_alloc(&j->t, f->h.present, j->rows_hint);
    }
    loader l;
    loader_init(&l, f->req->path, f->req->pt, dicts, &j->t, &f->h, false, &j->err);
    j->ok = run(&l, tf, false);
    j->clean_end = l.clean_end;
    j->lines = fp_textfile_lineno(tf);
    loader_free(&l);
    fp_textfile_close(tf);
}

typedef struct run_ctx {
    job **order;
    fp_dict *const *shared;
} run_ctx;

static void run_task(int i, void *arg)
{
    run_ctx *rc = arg;
    run_job(rc->order[i], rc->shared);
}

/* Reads the header of a file: encoding, delimiter, column map, and where the data starts. */
static bool read_header(file *f, uint64_t *data_start, uint64_t *size, bool *can_split)
{
    const fp_csv_request *rq = f->req;
    fp_textfile *tf;
    *can_split = false;
    if (fp_textfile_open(rq->path, rq->pt->encoding, &tf, &f->err) != FP_OK)
        return false;
    f->enc = fp_textfile_encoding(tf);
    *size = fp_textfile_size(tf);
    fp_table probe;
    fp_table_init(&probe, rq->t->spec);
    loader l;
    loader_init(&l, rq->path, rq->pt, NULL, &probe, &f->h, true, &f->err);
    bool ok = run(&l, tf, true);
    loader_free(&l);
    fp_table_free(&probe);
    /* rows after a bare CR on the header line: only a sequential read keeps them in place */
    if (ok && !l.after_header && fp_textfile_lineno(tf) == 1 && f->enc != FP_ENC_UTF16) {
        /* the header is the first line: find where it ends in the raw bytes */
        int fd = open(rq->path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            char buf[65536];
            ssize_t n = pread(fd, buf, sizeof buf, 0);
            char *nl = n > 0 ? memchr(buf, '\n', (size_t)n) : NULL;
            if (nl) {
                *data_start = (uint64_t)(nl - buf) + 1;
                *can_split = true;
            }
            close(fd);
        }
    }
    fp_textfile_close(tf);
    return ok;
}

/* Average bytes per line in the first 64 KB after off. */
static size_t line_bytes(const char *path, uint64_t off)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 64;
    char buf[65536];
    ssize_t n = pread(fd, buf, sizeof buf, (off_t)off);
    close(fd);
    size_t lines = 0;
    for (ssize_t i = 0; i < n; i++)
        lines += buf[i] == '\n';
    return lines ? (size_t)n / lines : 64;
}

/* The offset just after the first newline at or after off (or size). */
static uint64_t next_line_start(const char *path, uint64_t off, uint64_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return size;
    char buf[65536];
    uint64_t pos = off;
    while (pos < size) {
        ssize_t n = pread(fd, buf, sizeof buf, (off_t)pos);
        if (n <= 0)
            break;
        char *nl = memchr(buf, '\n', (size_t)n);
        if (nl) {
            close(fd);
            return pos + (uint64_t)(nl - buf) + 1;
        }
        pos += (uint64_t)n;
    }
    close(fd);
    return size;
}

/* Appending chunk j's rows to table t (which holds the rows before it): each text domain's strings are
 * interned into the shared dictionaries (one task per domain), then each column is copied or remapped
 * (one task per column). Both steps run on all threads. */
typedef struct merge_ctx {
    fp_table *t;
    job *j;
    fp_dict *const *shared;
    uint32_t base;
    size_t n0;
    int ndom;
    int dom[FP_DOM_COUNT];
    uint32_t *map[FP_DOM_COUNT];
} merge_ctx;

static void merge_domain(int i, void *arg)
{
    merge_ctx *m = arg;
    int d = m->dom[i];
    /* the chunk's own dictionary is not read again: freed as it goes, so the merge does not hold both */
    fp_dict_merge_consume(m->shared[d], m->j->own[d], m->map[d]);
}

static void merge_column(int c, void *arg)
{
    merge_ctx *m = arg;
    fp_table *t = m->t;
    const fp_table *src = &m->j->t;
    size_t n1 = src->nrows;
    if (c == t->spec->ncols) { /* the line numbers */
        for (size_t r = 0; r < n1; r++)
            t->line[m->n0 + r] = src->line[r] + m->base;
        return;
    }
    if (!t->col[c])
        return;
    const fp_colspec *cs = &t->spec->cols[c];
    size_t es = fp_coltype_size(cs->type);
    char *dst = (char *)t->col[c] + m->n0 * es;
    if (cs->type == FP_T_TEXT && !m->j->shared) {
        const uint32_t *map = m->map[cs->domain];
        const uint32_t *from = src->col[c];
        uint32_t *to = (uint32_t *)dst;
        for (size_t r = 0; r < n1; r++)
            to[r] = map[from[r]];
    } else {
        if (dst != src->col[c])
            memmove(dst, src->col[c], n1 * es); /* in place, the rows move down */
    }
}

static void merge_job(fp_table *t, job *j, fp_dict *const *shared, uint32_t base, int nthreads)
{
    merge_ctx m = {.t = t, .j = j, .shared = shared, .base = base, .n0 = t->nrows};
    const fp_tablespec *spec = t->spec;
    if (!j->shared) {
        bool seen[FP_DOM_COUNT] = {0};
        for (int c = 0; c < spec->ncols; c++) {
            if (!t->col[c] || spec->cols[c].type != FP_T_TEXT || seen[spec->cols[c].domain])
                continue;
            int d = spec->cols[c].domain;
            seen[d] = true;
            m.map[d] = fp_xmalloc(fp_dict_size(j->own[d]) * sizeof(uint32_t));
            /* largest dictionary first */
            int k = m.ndom++;
            while (k > 0 && fp_dict_size(j->own[m.dom[k - 1]]) < fp_dict_size(j->own[d])) {
                m.dom[k] = m.dom[k - 1];
                k--;
            }
            m.dom[k] = d;
        }
        fp_parallel_for(m.ndom, nthreads, merge_domain, &m);
    }
    fp_table_reserve(t, t->nrows + j->t.nrows + 1);
    fp_parallel_for(spec->ncols + 1, nthreads, merge_column, &m);
    t->nrows += j->t.nrows;
    for (int d = 0; d < FP_DOM_COUNT; d++)
        free(m.map[d]);
}

fp_status fp_csv_load_all(const fp_csv_request *req, int nreq, fp_dict *const *dicts, int nthreads, size_t chunk_min,
                          fp_error *err)
{
    return fp_tables_load_all(req, NULL, nreq, dicts, nthreads, chunk_min, err);
}

fp_status fp_tables_load_all(const fp_csv_request *req, const fp_table_loader *load, int nreq,
                             fp_dict *const *dicts, int nthreads, size_t chunk_min, fp_error *err)
{
    fp_timer tm;
    fp_timer_start(&tm);
    if (chunk_min == 0)
        chunk_min = CHUNK_MIN_BYTES;
    if (nthreads < 1)
        nthreads = 1;
    file *files = fp_xcalloc((size_t)(nreq ? nreq : 1), sizeof *files);
    int njobs = 0;
    job *jobs = fp_xcalloc((size_t)(nreq * nthreads + 1), sizeof *jobs);
    fp_status status = FP_OK;

    /* plan: read each header; split the large files */
    for (int i = 0; i < nreq; i++) {
        file *f = &files[i];
        f->req = &req[i];
        f->load = load ? load[i] : NULL;
        uint64_t data_start = 0, size = 0;
        bool can_split;
        if (f->load) {
            /* another format: one job, with the others */
            struct stat st;
            f->header_ok = true;
            f->jobs = &jobs[njobs];
            job *j = &jobs[njobs++];
            j->file = f;
            j->end = stat(req[i].path, &st) == 0 ? (uint64_t)st.st_size : 0;
            f->njobs = 1;
            continue;
        }
        f->header_ok = read_header(f, &data_start, &size, &can_split);
        if (!f->header_ok)
            continue;
        f->jobs = &jobs[njobs];
        int k = 1;
        if (can_split && nthreads > 1 && size >= chunk_min) {
            k = nthreads;
            if ((uint64_t)k > size / (chunk_min / 2))
                k = (int)(size / (chunk_min / 2));
        }
        uint64_t prev = can_split ? data_start : 0;
        size_t per = can_split ? line_bytes(req[i].path, data_start) : 64;
        if (per < 16)
            per = 16;
        size_t total = 0;
        for (int c = 0; c < k; c++) {
            job *j = &jobs[njobs++];
            j->file = f;
            j->chunk = c;
            j->whole = !can_split;
            j->start = prev;
            j->end = c == k - 1 ? size : next_line_start(req[i].path, data_start + (size - data_start) * (uint64_t)(c + 1) / (uint64_t)k, size);
            if (j->end < j->start)
                j->end = j->start;
            prev = j->end;
            /* with some room to spare: each chunk writes its window of the file's table, which is allocated
             * once; a chunk that outgrows its window moves its rows to arrays of its own */
            j->rows_hint = (size_t)((j->end - j->start) / per) * 11 / 10 + 1024;
            if (can_split) {
                j->win_off = total;
                j->win_rows = j->rows_hint;
                total += j->rows_hint;
            }
            f->njobs++;
        }
        if (can_split) {
            fp_table_init(&f->final, req[i].t->spec);
            fp_table_alloc(&f->final, f->h.present, total);
        }
    }

    /* the first job in merge order interns into the shared dictionaries; the others into their own */
    for (int i = 0; i < njobs; i++) {
        jobs[i].shared = i == 0 && !jobs[i].whole;
        if (!jobs[i].shared && !jobs[i].whole)
            for (int d = 0; d < FP_DOM_COUNT; d++)
                jobs[i].own[d] = fp_dict_new();
    }
    /* jobs that read a whole file (UTF-16, odd headers) run in the merge phase, sequentially */
    job **order = fp_xmalloc((size_t)(njobs ? njobs : 1) * sizeof *order);
    int nrun = 0;
    for (int i = 0; i < njobs; i++)
        if (!jobs[i].whole)
            order[nrun++] = &jobs[i];
    for (int a = 1; a < nrun; a++) /* insertion sort by size, largest first */
        for (int b = a; b > 0 && order[b]->end - order[b]->start > order[b - 1]->end - order[b - 1]->start; b--) {
            job *tmp = order[b];
            order[b] = order[b - 1];
            order[b - 1] = tmp;
        }
    run_ctx rc = {order, dicts};
    fp_timer_lap(&tm, "load: headers and plan");
    fp_parallel_for(nrun, nthreads, run_task, &rc);
    fp_timer_lap(&tm, "load: parse (all files, in parallel)");

    /* merge, in file order */
    for (int i = 0; i < nreq && status == FP_OK; i++) {
        file *f = &files[i];
        fp_table *t = req[i].t;
        if (!f->header_ok) {
            if (err)
                *err = f->err;
            status = f->err.code != FP_OK ? f->err.code : FP_ERR_INPUT;
            break;
        }
        bool good = true;
        for (int c = 0; c < f->njobs; c++) {
            job *j = &f->jobs[c];
            if (j->whole || !j->ok || (c < f->njobs - 1 && !j->clean_end))
                good = false;
        }
        fp_table_free(t);
        if (good) {
            uint32_t base = f->load ? 0 : 1; /* the header line; other formats number their own rows */
            bool in_place = f->final.cap > 0;
            for (int c = 0; c < f->njobs; c++)
                in_place = in_place && f->jobs[c].t.view;
            if (in_place) {
                /* every chunk stayed in its window: the file's table is the one they wrote; the first chunk's rows
                 * stay where they are, the others move down to follow (their text ids mapped on the way) */
                *t = f->final;
                fp_table_init(&f->final, t->spec);
                t->nrows = 0;
            } else if (f->load) {
                /* another format: the columns its loader found */
                bool present[FP_MAX_COLS] = {0};
                for (int c = 0; c < t->spec->ncols; c++)
                    present[c] = f->jobs[0].t.col[c] != NULL;
                fp_table_alloc(t, present, f->jobs[0].t.nrows + 1);
            } else {
                fp_table_alloc(t, f->h.present, 1024);
            }
            for (int c = 0; c < f->njobs; c++) {
                merge_job(t, &f->jobs[c], dicts, base, nthreads);
                base += f->jobs[c].lines;
            }
            t->present = true;
            free(t->path);
            t->path = fp_xstrdup(req[i].path);
        } else if (f->load && f->jobs[0].shared) {
            /* it read into the shared dictionaries first: its message is the sequential one */
            if (err)
                *err = f->jobs[0].err;
            status = f->jobs[0].err.code != FP_OK ? f->jobs[0].err.code : FP_ERR_INPUT;
        } else if (f->load) {
            status = load[i](req[i].path, req[i].pt, dicts, t, err);
        } else {
            /* sequentially: exact error messages, and correct results across odd boundaries */
            status = fp_csv_load(req[i].path, req[i].pt, dicts, t, err);
        }
    }
    fp_timer_lap(&tm, "load: merge chunks");
    for (int i = 0; i < njobs; i++) {
        fp_table_free(&jobs[i].t);
        for (int d = 0; d < FP_DOM_COUNT; d++)
            fp_dict_free(jobs[i].own[d]);
    }
    for (int i = 0; i < nreq; i++) {
        hdr_free(&files[i].h);
        fp_table_free(&files[i].final);
    }
    fp_timer_lap(&tm, "load: free chunk buffers");
    free(order);
    free(jobs);
    free(files);
    return status;
}
