/* font_subset.c — fallback chains of fonts, and writing a TrueType font with
 * just the characters of one document (see font_subset.h).
 *
 * The font written has these tables: cmap (a (3,1) format 4 subtable), glyf
 * and loca (long offsets), head, hhea, hmtx, maxp (1.0), name, OS/2 and post
 * (format 3, no glyph names). Glyph 0 is an empty box; so is every character
 * no font of the fontset has. All glyphs are simple glyphs, without hinting
 * instructions (a PDF viewer does not need them).
 */
#include "font_subset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- fontsets ---- */

fp_status fp_fontset_load(const char *const *paths, int n, fp_fontset **out, fp_error *err)
{
    *out = NULL;
    if (n < 1 || n > FP_MAX_FONTS)
        return fp_fail(err, FP_ERR_INTERNAL, "a fontset holds 1 to %d fonts", FP_MAX_FONTS);
    fp_fontset *fs = fp_xcalloc(1, sizeof *fs);
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s", paths[i]);
        int face = 0;
        char *colon = strrchr(path, ':');
        if (colon && colon[1] >= '0' && colon[1] <= '9' && !strchr(colon, '/')) {
            face = atoi(colon + 1);
            *colon = 0;
        }
        fp_status s = fp_font_load(path, face, &fs->font[i], err);
        if (s != FP_OK) {
            fp_fontset_free(fs);
            return s;
        }
        fs->n++;
    }
    fs->bmp = fp_xcalloc(0x10000, sizeof *fs->bmp);
    fs->glyph = fp_xcalloc(0x10000, sizeof *fs->glyph);
    *out = fs;
    return FP_OK;
}

void fp_fontset_free(fp_fontset *fs)
{
    if (!fs)
        return;
    for (int i = 0; i < fs->n; i++)
        fp_font_free(fs->font[i]);
    free((void *)fs->bmp);
    if (fs->glyph)
        for (int i = 0; i < 0x10000; i++)
            free(atomic_load(&fs->glyph[i]));
    free((void *)fs->glyph);
    free(fs);
}

bool fp_fontset_find(const fp_fontset *fs, uint32_t cp, int *font, uint16_t *gid)
{
    for (int i = 0; i < fs->n; i++) {
        uint16_t g = fp_font_glyph(fs->font[i], cp);
        if (g) {
            *font = i;
            *gid = g;
            return true;
        }
    }
    return false;
}

static int box_width(uint32_t cp)
{
    return cp >= 0x2E80 ? 1000 : 600;
}

int fp_fontset_advance(fp_fontset *fs, uint32_t cp)
{
    if (cp < 0x10000) {
        uint32_t v = atomic_load_explicit(&fs->bmp[cp], memory_order_relaxed);
        if (v)
            return (int)(v & 0xFFFF);
    }
    int font, adv;
    uint16_t gid;
    if (fp_fontset_find(fs, cp, &font, &gid)) {
        const fp_font *f = fs->font[font];
        adv = (int)lround(fp_font_advance(f, gid) * 1000.0 / fp_font_units_per_em(f));
    } else {
        font = 0xFF;
        adv = box_width(cp);
    }
    if (adv > 0xFFFF)
        adv = 0xFFFF;
    if (cp < 0x10000) /* the same value whichever thread computes it */
        atomic_store_explicit(&fs->bmp[cp], 1u << 24 | (uint32_t)font << 16 | (uint32_t)adv, memory_order_relaxed);
    return adv;
}

int fp_fontset_ascent(const fp_fontset *fs)
{
    const fp_font *f = fs->font[0];
    return (int)lround(fp_font_ascent(f) * 1000.0 / fp_font_units_per_em(f));
}

int fp_fontset_descent(const fp_fontset *fs)
{
    const fp_font *f = fs->font[0];
    return (int)lround(fp_font_descent(f) * 1000.0 / fp_font_units_per_em(f));
}

/* ---- writing TrueType ---- */

static void be16(fp_buf *b, uint32_t v)
{
    char c[2] = {(char)(v >> 8), (char)v};
    fp_buf_add(b, c, 2);
}

static void be32(fp_buf *b, uint32_t v)
{
    char c[4] = {(char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v};
    fp_buf_add(b, c, 4);
}

static void put16(fp_buf *b, size_t at, uint32_t v)
{
    b->data[at] = (char)(v >> 8);
    b->data[at + 1] = (char)v;
}

static void put32(fp_buf *b, size_t at, uint32_t v)
{
    b->data[at] = (char)(v >> 24);
    b->data[at + 1] = (char)(v >> 16);
    b->data[at + 2] = (char)(v >> 8);
    b->data[at + 3] = (char)v;
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t checksum(const char *p, size_t n)
{
    uint32_t sum = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        sum += get32((const unsigned char *)p + i);
    if (i < n) {
        unsigned char last[4] = {0};
        memcpy(last, p + i, n - i);
        sum += get32(last);
    }
    return sum;
}

typedef struct glyph {
    fp_outline o;
    uint16_t adv;
} glyph;

/* a hollow box: the glyph of characters no font has */
static void box(fp_outline *o, int upem, int adv)
{
    int x0 = adv / 10, x1 = adv - adv / 10, y0 = -upem / 10, y1 = upem * 8 / 10, t = upem / 20;
    int32_t xs[8] = {x0, x0, x1, x1, x0 + t, x1 - t, x1 - t, x0 + t};
    int32_t ys[8] = {y0, y1, y1, y0, y0 + t, y0 + t, y1 - t, y1 - t};
    o->npoints = o->ncontours = 0;
    o->x = fp_xrealloc(o->x, 8 * sizeof *o->x);
    o->y = fp_xrealloc(o->y, 8 * sizeof *o->y);
    o->on = fp_xrealloc(o->on, 8);
    o->end = fp_xrealloc(o->end, 2 * sizeof *o->end);
    o->cap_points = 8;
    o->cap_contours = 2;
    for (int i = 0; i < 8; i++) {
        o->x[i] = xs[i];
        o->y[i] = ys[i];
        o->on[i] = 1;
    }
    o->end[0] = 3;
    o->end[1] = 7;
    o->npoints = 8;
    o->ncontours = 2;
    o->xmin = x0;
    o->xmax = x1;
    o->ymin = y0;
    o->ymax = y1;
}

static void encode_glyph(const glyph *g, fp_buf *out)
{
    const fp_outline *o = &g->o;
    if (o->npoints == 0)
        return; /* an empty glyph has no data */
    be16(out, (uint32_t)o->ncontours);
    be16(out, (uint32_t)(int16_t)o->xmin);
    be16(out, (uint32_t)(int16_t)o->ymin);
    be16(out, (uint32_t)(int16_t)o->xmax);
    be16(out, (uint32_t)(int16_t)o->ymax);
    for (int c = 0; c < o->ncontours; c++)
        be16(out, o->end[c]);
    be16(out, 0); /* no instructions */
    /* flags, with repeats; then x and y as short or long deltas */
    uint8_t *flags = fp_xmalloc((size_t)o->npoints);
    int32_t px = 0, py = 0;
    for (int i = 0; i < o->npoints; i++) {
        int32_t dx = o->x[i] - px, dy = o->y[i] - py;
        uint8_t fl = o->on[i] ? 1 : 0;
        if (dx == 0)
            fl |= 0x10;
        else if (dx >= -255 && dx <= 255)
            fl |= 0x02 | (dx > 0 ? 0x10 : 0);
        if (dy == 0)
            fl |= 0x20;
        else if (dy >= -255 && dy <= 255)
            fl |= 0x04 | (dy > 0 ? 0x20 : 0);
        flags[i] = fl;
        px = o->x[i];
        py = o->y[i];
    }
    for (int i = 0; i < o->npoints;) {
        int run = 1;
        while (i + run < o->npoints && flags[i + run] == flags[i] && run < 256)
            run++;
        if (run > 2) {
            fp_buf_addc(out, (char)(flags[i] | 0x08));
            fp_buf_addc(out, (char)(run - 1));
        } else {
            for (int k = 0; k < run; k++)
                fp_buf_addc(out, (char)flags[i]);
        }
        i += run;
    }
    px = 0;
    for (int i = 0; i < o->npoints; i++) {
        int32_t d = o->x[i] - px;
        px = o->x[i];
        if (flags[i] & 0x02)
            fp_buf_addc(out, (char)(d < 0 ? -d : d));
        else if (!(flags[i] & 0x10))
            be16(out, (uint32_t)(int16_t)d);
    }
    py = 0;
    for (int i = 0; i < o->npoints; i++) {
        int32_t d = o->y[i] - py;
        py = o->y[i];
        if (flags[i] & 0x04)
            fp_buf_addc(out, (char)(d < 0 ? -d : d));
        else if (!(flags[i] & 0x20))
            be16(out, (uint32_t)(int16_t)d);
    }
    free(flags);
    while (out->len % 4)
        fp_buf_addc(out, 0);
}

/* A glyph as the subset writes it: its glyf entry (encoded, padded to 4 bytes) and what the other tables
 * need of it. Immutable once made. */
typedef struct fp_glyph_rec {
    int32_t xmin, ymin, xmax, ymax;
    int npoints, ncontours;
    uint16_t adv;
    bool missing; /* no font has the character: the box */
    size_t len;
    unsigned char data[];
} fp_glyph_rec;

static fp_glyph_rec *rec_of(const glyph *g, bool missing)
{
    fp_buf b;
    fp_buf_init(&b);
    encode_glyph(g, &b);
    fp_glyph_rec *r = fp_xmalloc(sizeof *r + b.len);
    const fp_outline *o = &g->o;
    *r = (fp_glyph_rec){.xmin = o->xmin, .ymin = o->ymin, .xmax = o->xmax, .ymax = o->ymax, .npoints = o->npoints,
                        .ncontours = o->ncontours, .adv = g->adv, .missing = missing, .len = b.len};
    if (b.len)
        memcpy(r->data, b.data, b.len);
    fp_buf_free(&b);
    return r;
}

/* The glyph of cp at upem units per em: from the fontset's cache for a BMP character (made and put there
 * by the first caller), else made now, and then *own is set: the caller frees it. */
static fp_status glyph_of(const fp_fontset *fs, uint32_t cp, int upem, const fp_glyph_rec **out, bool *own,
                          fp_error *err)
{
    *own = false;
    fp_glyph_rec *_Atomic *slot = cp < 0x10000 && fs->glyph ? &fs->glyph[cp] : NULL;
    fp_glyph_rec *r = slot ? atomic_load_explicit(slot, memory_order_acquire) : NULL;
    if (r) {
        *out = r;
        return FP_OK;
    }
    glyph g = {0};
    fp_outline_init(&g.o);
    int fi;
    uint16_t gid;
    bool missing = !fp_fontset_find(fs, cp, &fi, &gid);
    if (missing) {
        int adv = box_width(cp) * upem / 1000;
        box(&g.o, upem, adv);
        g.adv = (uint16_t)adv;
    } else {
        const fp_font *f = fs->font[fi];
        int fu = fp_font_units_per_em(f);
        fp_status st = fp_font_outline(f, gid, upem, fu, &g.o, err);
        if (st != FP_OK) {
            fp_outline_free(&g.o);
            return st;
        }
        g.adv = (uint16_t)((fp_font_advance(f, gid) * upem + fu / 2) / fu);
    }
    r = rec_of(&g, missing);
    fp_outline_free(&g.o);
    fp_glyph_rec *none = NULL;
    if (!slot) {
        *own = true;
    } else if (!atomic_compare_exchange_strong_explicit(slot, &none, r, memory_order_acq_rel, memory_order_acquire)) {
        free(r); /* another thread made it first */
        r = none;
    }
    *out = r;
    return FP_OK;
}

typedef struct pair {
    uint16_t code, gid;
} pair;

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    return (int)x->code - (int)y->code;
}

static void write_cmap(fp_buf *t, const fp_subset *s)
{
    pair *p = fp_xmalloc((s->n ? s->n : 1) * sizeof *p);
    for (size_t i = 0; i < s->n; i++)
        p[i] = (pair){s->code[i], (uint16_t)(i + 1)};
    qsort(p, s->n, sizeof *p, cmp_pair);
    /* segments of consecutive codes with consecutive glyphs */
    size_t nseg = 0;
    uint16_t *st = fp_xmalloc((s->n + 1) * sizeof *st), *en = fp_xmalloc((s->n + 1) * sizeof *en);
    uint16_t *dl = fp_xmalloc((s->n + 1) * sizeof *dl);
    for (size_t i = 0; i < s->n; i++) {
        if (nseg && p[i].code == en[nseg - 1] + 1 && (uint16_t)(p[i].gid - p[i].code) == dl[nseg - 1]) {
            en[nseg - 1] = p[i].code;
            continue;
        }
        st[nseg] = en[nseg] = p[i].code;
        dl[nseg] = (uint16_t)(p[i].gid - p[i].code);
        nseg++;
    }
    if (!nseg || en[nseg - 1] != 0xFFFF) {
        st[nseg] = en[nseg] = 0xFFFF;
        dl[nseg] = 1;
        nseg++;
    }
    be16(t, 0); /* version */
    be16(t, 1); /* one subtable */
    be16(t, 3);
    be16(t, 1);
    be32(t, 12);
    size_t start = t->len;
    be16(t, 4);
    be16(t, 0); /* length, below */
    be16(t, 0); /* language */
    uint32_t segx2 = (uint32_t)nseg * 2, sr = 2, es = 0;
    while (sr * 2 <= segx2) {
        sr *= 2;
        es++;
    }
    be16(t, segx2);
    be16(t, sr);
    be16(t, es);
    be16(t, segx2 - sr);
    for (size_t i = 0; i < nseg; i++)
        be16(t, en[i]);
    be16(t, 0); /* reserved */
    for (size_t i = 0; i < nseg; i++)
        be16(t, st[i]);
    for (size_t i = 0; i < nseg; i++)
        be16(t, dl[i]);
    for (size_t i = 0; i < nseg; i++)
        be16(t, 0); /* idRangeOffset */
    put16(t, start + 2, (uint32_t)(t->len - start));
    free(p);
    free(st);
    free(en);
    free(dl);
}

static void name_record(fp_buf *recs, fp_buf *strs, uint16_t pid, uint16_t eid, uint16_t lang, uint16_t id,
                        const char *ascii)
{
    size_t off = strs->len;
    for (const char *c = ascii; *c; c++) {
        if (pid == 3)
            fp_buf_addc(strs, 0);
        fp_buf_addc(strs, *c);
    }
    be16(recs, pid);
    be16(recs, eid);
    be16(recs, lang);
    be16(recs, id);
    be16(recs, (uint32_t)(strs->len - off));
    be16(recs, (uint32_t)off);
}

static void write_name(fp_buf *t, const char *family, const char *psname)
{
    fp_buf recs, strs;
    fp_buf_init(&recs);
    fp_buf_init(&strs);
    const char *vals[4] = {family, "Regular", family, psname};
    const uint16_t ids[4] = {1, 2, 4, 6};
    for (int i = 0; i < 4; i++)
        name_record(&recs, &strs, 1, 0, 0, ids[i], vals[i]);
    for (int i = 0; i < 4; i++)
        name_record(&recs, &strs, 3, 1, 0x409, ids[i], vals[i]);
    be16(t, 0);
    be16(t, 8);
    be16(t, (uint32_t)(6 + recs.len));
    fp_buf_add(t, recs.data, recs.len);
    fp_buf_add(t, strs.data, strs.len);
    fp_buf_free(&recs);
    fp_buf_free(&strs);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

typedef struct tbl {
    char tag[5];
    fp_buf data;
} tbl;

static void index_codes(fp_subset *s);

fp_status fp_subset_make(const fp_fontset *fs, const uint32_t *cps, size_t n, fp_subset *s, fp_error *err)
{
    memset(s, 0, sizeof *s);
    fp_buf_init(&s->ttf);
    /* the characters, sorted and unique */
    s->cp = fp_xmalloc((n ? n : 1) * sizeof *s->cp);
    if (n)
        memcpy(s->cp, cps, n * sizeof *cps); /* cps may be NULL when n is 0 */
    qsort(s->cp, n, sizeof *s->cp, cmp_u32);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s->cp[i] && (k == 0 || s->cp[k - 1] != s->cp[i]))
            s->cp[k++] = s->cp[i];
    s->n = k;
    if (s->n > 60000)
        return fp_fail(err, FP_ERR_INPUT, "a document with %zu different characters is more than one font can hold",
                       s->n);
    /* codes: the space keeps its own (0x20); every other character gets the next code from 0x21 up, in
     * character order, over the surrogates (libharu reads text as UTF-8). The codes are libharu's CIDs:
     * small ones keep its CIDToGIDMap and width array as short as the document's character list and the
     * font's cmap one segment. The PDF's ToUnicode map gives the real characters back. */
    s->code = fp_xmalloc((s->n ? s->n : 1) * sizeof *s->code);
    uint32_t next = 0x21;
    for (size_t i = 0; i < s->n; i++) {
        if (s->cp[i] == 0x20) {
            s->code[i] = 0x20;
            continue;
        }
        if (next == 0xD800)
            next = 0xE000;
        s->code[i] = (uint16_t)next++;
    }
    const fp_font *primary = fs->font[0];
    int upem = fp_font_units_per_em(primary);
    /* the glyphs: a box first, then one per character */
    size_t ng = s->n + 1;
    const fp_glyph_rec **g = fp_xcalloc(ng, sizeof *g);
    bool *own = fp_xcalloc(ng, sizeof *own);
    s->missing = fp_xmalloc((s->n ? s->n : 1) * sizeof *s->missing);
    glyph g0 = {.adv = (uint16_t)upem};
    fp_outline_init(&g0.o);
    box(&g0.o, upem, upem);
    g[0] = rec_of(&g0, true);
    own[0] = true;
    fp_outline_free(&g0.o);
    fp_status st = FP_OK;
    for (size_t i = 0; i < s->n && st == FP_OK; i++) {
        st = glyph_of(fs, s->cp[i], upem, &g[i + 1], &own[i + 1], err);
        if (st == FP_OK && g[i + 1]->missing)
            s->missing[s->nmissing++] = s->cp[i];
    }
    if (st != FP_OK)
        goto out;

    /* glyf and loca */
    tbl t[10];
    const char *tags[10] = {"OS/2", "cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name", "post"};
    for (int i = 0; i < 10; i++) {
        snprintf(t[i].tag, sizeof t[i].tag, "%s", tags[i]);
        fp_buf_init(&t[i].data);
    }
    fp_buf *os2 = &t[0].data, *cmap = &t[1].data, *glyf = &t[2].data, *head = &t[3].data, *hhea = &t[4].data;
    fp_buf *hmtx = &t[5].data, *loca = &t[6].data, *maxp = &t[7].data, *name = &t[8].data, *post = &t[9].data;
    int32_t bx0 = 0, by0 = 0, bx1 = 0, by1 = 0;
    int maxpts = 0, maxcont = 0, advmax = 0, minlsb = 0, minrsb = 0, xmaxext = 0;
    bool first = true;
    for (size_t i = 0; i < ng; i++) {
        be32(loca, (uint32_t)glyf->len);
        const fp_glyph_rec *o = g[i];
        fp_buf_add(glyf, o->data, o->len);
        be16(hmtx, o->adv);
        be16(hmtx, (uint32_t)(int16_t)(o->npoints ? o->xmin : 0));
        if (o->adv > advmax)
            advmax = o->adv;
        if (!o->npoints)
            continue;
        if (first || o->xmin < bx0)
            bx0 = o->xmin;
        if (first || o->ymin < by0)
            by0 = o->ymin;
        if (first || o->xmax > bx1)
            bx1 = o->xmax;
        if (first || o->ymax > by1)
            by1 = o->ymax;
        if (first || o->xmin < minlsb)
            minlsb = o->xmin;
        if (first || o->adv - o->xmax < minrsb)
            minrsb = o->adv - o->xmax;
        if (first || o->xmax > xmaxext)
            xmaxext = o->xmax;
        first = false;
        if (o->npoints > maxpts)
            maxpts = o->npoints;
        if (o->ncontours > maxcont)
            maxcont = o->ncontours;
    }
    be32(loca, (uint32_t)glyf->len);

    /* head and hhea start from the primary font's, so the vertical metrics stay the same */
    uint32_t len;
    const uint8_t *ph = fp_font_table(primary, "head", &len);
    fp_buf_add(head, ph, 54);
    put32(head, 8, 0); /* checkSumAdjustment, below */
    put16(head, 36, (uint32_t)(int16_t)bx0);
    put16(head, 38, (uint32_t)(int16_t)by0);
    put16(head, 40, (uint32_t)(int16_t)bx1);
    put16(head, 42, (uint32_t)(int16_t)by1);
    put16(head, 50, 1); /* long loca */
    put16(head, 52, 0);
    const uint8_t *phh = fp_font_table(primary, "hhea", &len);
    fp_buf_add(hhea, phh, 36);
    put16(hhea, 10, (uint32_t)advmax);
    put16(hhea, 12, (uint32_t)(int16_t)minlsb);
    put16(hhea, 14, (uint32_t)(int16_t)minrsb);
    put16(hhea, 16, (uint32_t)(int16_t)xmaxext);
    put16(hhea, 34, (uint32_t)ng);
    /* maxp 1.0 */
    be32(maxp, 0x00010000);
    be16(maxp, (uint32_t)ng);
    be16(maxp, (uint32_t)maxpts);
    be16(maxp, (uint32_t)maxcont);
    be16(maxp, 0);
    be16(maxp, 0);
    be16(maxp, 2);
    for (int i = 0; i < 8; i++)
        be16(maxp, 0);
    /* OS/2 from the primary font, embedding allowed; else a minimal version 1 table */
    const uint8_t *po = fp_font_table(primary, "OS/2", &len);
    if (po && len >= 78) {
        fp_buf_add(os2, po, len);
        put16(os2, 8, 0);
    } else {
        be16(os2, 1);
        for (int i = 0; i < 43; i++)
            be16(os2, 0);
        put16(os2, 4, 400);
        put16(os2, 6, 5);
    }
    uint32_t lo = 0xFFFF, hi = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (s->code[i] < lo)
            lo = s->code[i];
        if (s->code[i] > hi)
            hi = s->code[i];
    }
    put16(os2, 64, s->n ? lo : 0x20);
    put16(os2, 66, s->n ? hi : 0x20);
    snprintf(s->name, sizeof s->name, "FupanSans");
    write_name(name, "Fupan Sans", s->name);
    /* post 3.0 */
    const uint8_t *pp = fp_font_table(primary, "post", &len);
    be32(post, 0x00030000);
    if (pp && len >= 32) {
        fp_buf_add(post, pp + 4, 8); /* italic angle, underline position and thickness */
    } else {
        be32(post, 0);
        be32(post, 0);
    }
    for (int i = 0; i < 5; i++)
        be32(post, 0);
    write_cmap(cmap, s);

    /* the file: directory, tables (4-byte aligned), checksums */
    fp_buf *o = &s->ttf;
    be32(o, 0x00010000);
    be16(o, 10);
    be16(o, 128);
    be16(o, 3);
    be16(o, 10 * 16 - 128);
    size_t dir = o->len;
    for (int i = 0; i < 10; i++)
        for (int b = 0; b < 16; b++)
            fp_buf_addc(o, 0);
    size_t head_at = 0;
    for (int i = 0; i < 10; i++) {
        size_t at = o->len;
        if (!strcmp(t[i].tag, "head"))
            head_at = at;
        fp_buf_add(o, t[i].data.data, t[i].data.len);
        while (o->len % 4)
            fp_buf_addc(o, 0);
        memcpy(o->data + dir + 16 * (size_t)i, t[i].tag, 4);
        put32(o, dir + 16 * (size_t)i + 4, checksum(t[i].data.data, t[i].data.len));
        put32(o, dir + 16 * (size_t)i + 8, (uint32_t)at);
        put32(o, dir + 16 * (size_t)i + 12, (uint32_t)t[i].data.len);
        fp_buf_free(&t[i].data);
    }
    put32(o, head_at + 8, 0xB1B0AFBA - checksum(o->data, o->len));
    index_codes(s);
out:
    for (size_t i = 0; i < ng; i++)
        if (own[i])
            free((void *)g[i]);
    free(g);
    free(own);
    if (st != FP_OK)
        fp_subset_free(s);
    return st;
}

void fp_subset_free(fp_subset *s)
{
    fp_buf_free(&s->ttf);
    free(s->cp);
    free(s->code);
    free(s->slot);
    free(s->missing);
    memset(s, 0, sizeof *s);
}

static uint32_t slot_of(const fp_subset *s, uint32_t cp)
{
    return (cp * 2654435761u) >> (32 - s->bits);
}

/* the hash table fp_subset_code reads: every character of a drawn text is looked up (a binary search was 2 % of
 * a PDF's time) */
static void index_codes(fp_subset *s)
{
    s->bits = 4;
    while (((size_t)1 << s->bits) < 2 * s->n)
        s->bits++;
    s->slot = fp_xcalloc((size_t)1 << s->bits, sizeof *s->slot);
    uint32_t mask = (1u << s->bits) - 1;
    for (size_t i = 0; i < s->n; i++) {
        uint32_t h = slot_of(s, s->cp[i]);
        while (s->slot[h])
            h = (h + 1) & mask;
        s->slot[h] = (uint32_t)i + 1;
    }
}

uint16_t fp_subset_code(const fp_subset *s, uint32_t cp)
{
    if (!s->slot)
        return 0;
    uint32_t mask = (1u << s->bits) - 1;
    for (uint32_t h = slot_of(s, cp); s->slot[h]; h = (h + 1) & mask)
        if (s->cp[s->slot[h] - 1] == cp)
            return s->code[s->slot[h] - 1];
    return 0;
}

void fp_subset_tag(const fp_subset *s, char tag[7])
{
    /* FNV-1a over the font file, eight bytes a step (a byte a step was 1.5 % of a PDF's time), then mixed */
    uint64_t h = 0xcbf29ce484222325u;
    size_t i = 0;
    for (; i + 8 <= s->ttf.len; i += 8) {
        uint64_t w;
        memcpy(&w, s->ttf.data + i, 8);
        h = (h ^ w) * 0x100000001b3u;
    }
    for (; i < s->ttf.len; i++)
        h = (h ^ (unsigned char)s->ttf.data[i]) * 0x100000001b3u;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    for (int k = 0; k < 6; k++) {
        tag[k] = (char)('A' + h % 26);
        h /= 26;
    }
    tag[6] = 0;
}

bool fp_fontset_ink_x(const fp_fontset *fs, uint32_t cp, int *x0, int *x1)
{
    int fi;
    uint16_t gid;
    if (!fp_fontset_find(fs, cp, &fi, &gid))
        return false;
    fp_outline o;
    fp_outline_init(&o);
    fp_error e = {0};
    bool ok = fp_font_outline(fs->font[fi], gid, 1, 1, &o, &e) == FP_OK && o.npoints > 0;
    if (ok) {
        double upem = fp_font_units_per_em(fs->font[fi]);
        *x0 = (int)lround(o.xmin * 1000.0 / upem);
        *x1 = (int)lround(o.xmax * 1000.0 / upem);
    }
    fp_outline_free(&o);
    return ok;
}
