/* font.c — a small TrueType reader: the table directory (plain or inside a
 * .ttc collection), cmap formats 4 and 12, hmtx, loca and glyf, and glyph
 * outlines in which composite glyphs are flattened: each component's points
 * are transformed (offset, scale, 2×2 matrix, or point matching) and merged
 * into one simple glyph. That is what lets fupan hand libharu a font whose
 * every glyph survives libharu's own subsetting (which drops components).
 *
 * Every read goes through rd16/rd32 with the offset checked against the size
 * of the file, and every table is checked to lie inside the file.
 */
#include "font.h"

#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FONT_BYTES (64u << 20)
#define MAX_DEPTH 8

typedef struct table {
    uint32_t off, len;
} table;

struct fp_font {
    char *name;
    uint8_t *data;
    size_t size;
    table head, hhea, maxp, hmtx, cmap, loca, glyf, name_t, os2, post;
    uint16_t upem, nglyphs, nhmetrics;
    int16_t loc_format;
    int16_t ascent, descent, line_gap;
    uint32_t cmap4, cmap12; /* offsets of the subtables used, 0 when absent */
    char psname[64];
};

/* ---- checked big-endian reads ---- */

static inline bool in(const fp_font *f, uint32_t off, uint32_t n)
{
    return (uint64_t)off + n <= f->size;
}

static inline uint16_t rd16(const fp_font *f, uint32_t off)
{
    if (!in(f, off, 2))
        return 0;
    return (uint16_t)(f->data[off] << 8 | f->data[off + 1]);
}

static inline int16_t rds16(const fp_font *f, uint32_t off)
{
    return (int16_t)rd16(f, off);
}

static inline uint32_t rd32(const fp_font *f, uint32_t off)
{
    if (!in(f, off, 4))
        return 0;
    return (uint32_t)f->data[off] << 24 | (uint32_t)f->data[off + 1] << 16 | (uint32_t)f->data[off + 2] << 8 |
           f->data[off + 3];
}

/* ---- loading ---- */

static fp_status bad(const fp_font *f, fp_error *err, const char *what)
{
    return fp_fail(err, FP_ERR_INPUT, "%s: not a usable TrueType font (%s)", f->name, what);
}

static fp_status parse(fp_font *f, int face, fp_error *err)
{
    uint32_t base = 0;
    if (f->size < 12)
        return bad(f, err, "too short");
    if (!memcmp(f->data, "ttcf", 4)) {
        uint32_t nfonts = rd32(f, 8);
        if (face < 0 || (uint32_t)face >= nfonts)
            return fp_fail(err, FP_ERR_INPUT, "%s: the collection has %u fonts, there is no font %d", f->name, nfonts,
                           face);
        base = rd32(f, 12 + 4 * (uint32_t)face);
    } else if (face != 0) {
        return fp_fail(err, FP_ERR_INPUT, "%s: not a font collection, so there is no font %d", f->name, face);
    }
    uint32_t version = rd32(f, base);
    if (version == 0x4F54544F) /* OTTO */
        return fp_fail(err, FP_ERR_INPUT,
                       "%s: CFF-flavoured OpenType, which libharu cannot embed; use a TrueType (glyf) font", f->name);
    if (version != 0x00010000 && version != 0x74727565 /* true */)
        return bad(f, err, "unknown sfnt version");
    uint16_t ntables = rd16(f, base + 4);
    if (!in(f, base + 12, 16u * ntables))
        return bad(f, err, "table directory cut short");
    struct {
        const char *tag;
        table *t;
        bool required;
    } want[] = {{"head", &f->head, true},  {"hhea", &f->hhea, true},  {"maxp", &f->maxp, true},
                {"hmtx", &f->hmtx, true},  {"cmap", &f->cmap, true},  {"loca", &f->loca, true},
                {"glyf", &f->glyf, true},  {"name", &f->name_t, false}, {"OS/2", &f->os2, false},
                {"post", &f->post, false}};
    for (uint16_t i = 0; i < ntables; i++) {
        uint32_t rec = base + 12 + 16u * i;
        for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
            if (memcmp(f->data + rec, want[k].tag, 4))
                continue;
            want[k].t->off = rd32(f, rec + 8);
            want[k].t->len = rd32(f, rec + 12);
            if (!in(f, want[k].t->off, want[k].t->len))
                return bad(f, err, "a table lies outside the file");
        }
    }
    for (size_t k = 0; k < sizeof want / sizeof *want; k++)
        if (want[k].required && !want[k].t->len) {
            char what[64];
            snprintf(what, sizeof what, "no %s table", want[k].tag);
            return bad(f, err, what);
        }
    if (f->head.len < 54 || f->hhea.len < 36 || f->maxp.len < 6)
        return bad(f, err, "head, hhea or maxp too short");
    f->upem = rd16(f, f->head.off + 18);
    f->loc_format = rds16(f, f->head.off + 50);
    f->nglyphs = rd16(f, f->maxp.off + 4);
    f->ascent = rds16(f, f->hhea.off + 4);
    f->descent = rds16(f, f->hhea.off + 6);
    f->line_gap = rds16(f, f->hhea.off + 8);
    f->nhmetrics = rd16(f, f->hhea.off + 34);
    if (f->upem < 16 || f->upem > 16384)
        return bad(f, err, "units per em out of range");
    if (f->nglyphs == 0 || f->nhmetrics == 0 || f->nhmetrics > f->nglyphs)
        return bad(f, err, "glyph counts");
    if ((uint64_t)f->nhmetrics * 4 > f->hmtx.len)
        return bad(f, err, "hmtx too short");
    if ((uint64_t)(f->nglyphs + 1) * (f->loc_format ? 4 : 2) > f->loca.len)
        return bad(f, err, "loca too short");
    /* cmap: Unicode full repertoire (format 12) and BMP (format 4) */
    uint16_t nsub = rd16(f, f->cmap.off + 2);
    for (uint16_t i = 0; i < nsub; i++) {
        uint32_t rec = f->cmap.off + 4 + 8u * i;
        uint16_t pid = rd16(f, rec), eid = rd16(f, rec + 2);
        uint32_t sub = f->cmap.off + rd32(f, rec + 4);
        uint16_t format = rd16(f, sub);
        bool unicode = (pid == 3 && (eid == 1 || eid == 10)) || pid == 0;
        if (!unicode)
            continue;
        if (format == 4 && !f->cmap4 && in(f, sub, 14))
            f->cmap4 = sub;
        if (format == 12 && !f->cmap12 && in(f, sub, 16))
            f->cmap12 = sub;
    }
    if (!f->cmap4 && !f->cmap12)
        return bad(f, err, "no Unicode cmap");
    /* PostScript name */
    snprintf(f->psname, sizeof f->psname, "%s", "");
    if (f->name_t.len >= 6) {
        uint16_t count = rd16(f, f->name_t.off + 2), strings = rd16(f, f->name_t.off + 4);
        for (uint16_t i = 0; i < count && !f->psname[0]; i++) {
            uint32_t rec = f->name_t.off + 6 + 12u * i;
            uint16_t pid = rd16(f, rec), nid = rd16(f, rec + 6), len = rd16(f, rec + 8);
            uint32_t soff = f->name_t.off + strings + rd16(f, rec + 10);
            if (nid != 6 || !in(f, soff, len))
                continue;
            size_t o = 0;
            bool utf16 = pid == 0 || pid == 3;
            for (uint32_t k = utf16 ? 1 : 0; k < len && o + 1 < sizeof f->psname; k += utf16 ? 2 : 1) {
                char c = (char)f->data[soff + k];
                if (c > ' ' && c < 127 && c != '/' && c != '(' && c != ')' && c != '[' && c != ']')
                    f->psname[o++] = c;
            }
            f->psname[o] = 0;
        }
    }
    return FP_OK;
}

static fp_status finish(fp_font *f, int face, fp_font **out, fp_error *err)
{
    fp_status s = parse(f, face, err);
    if (s != FP_OK) {
        fp_font_free(f);
        return s;
    }
    *out = f;
    return FP_OK;
}

fp_status fp_font_load(const char *path, int face, fp_font **out, fp_error *err)
{
    *out = NULL;
    FILE *fh = fopen(path, "rb");
    if (!fh)
        return fp_fail(err, errno == ENOENT ? FP_ERR_NOTFOUND : FP_ERR_IO, "%s: cannot open the font: %s", path,
                       strerror(errno));
    struct stat st;
    if (fstat(fileno(fh), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)MAX_FONT_BYTES) {
        fclose(fh);
        return fp_fail(err, FP_ERR_INPUT, "%s: not a regular file of at most %u MB", path, MAX_FONT_BYTES >> 20);
    }
    fp_font *f = fp_xcalloc(1, sizeof *f);
    f->name = fp_xstrdup(path);
    f->size = (size_t)st.st_size;
    f->data = fp_xmalloc(f->size ? f->size : 1);
    size_t got = fread(f->data, 1, f->size, fh);
    fclose(fh);
    if (got != f->size) {
        fp_font_free(f);
        return fp_fail(err, FP_ERR_IO, "%s: cannot read the font", path);
    }
    return finish(f, face, out, err);
}

fp_status fp_font_load_mem(const char *name, const void *data, size_t n, int face, fp_font **out, fp_error *err)
{
    *out = NULL;
    if (n > MAX_FONT_BYTES)
        return fp_fail(err, FP_ERR_INPUT, "%s: a font of more than %u MB", name, MAX_FONT_BYTES >> 20);
    fp_font *f = fp_xcalloc(1, sizeof *f);
    f->name = fp_xstrdup(name);
    f->size = n;
    f->data = fp_xmalloc(n ? n : 1);
    memcpy(f->data, data, n);
    return finish(f, face, out, err);
}

void fp_font_free(fp_font *f)
{
    if (!f)
        return;
    free(f->data);
    free(f->name);
    free(f);
}

/* ---- metrics ---- */

uint16_t fp_font_glyph(const fp_font *f, uint32_t cp)
{
    if (f->cmap12) {
        uint32_t n = rd32(f, f->cmap12 + 12);
        uint32_t lo = 0, hi = n;
        if (!in(f, f->cmap12 + 16, 0) || (uint64_t)n * 12 > f->size)
            return 0;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            uint32_t g = f->cmap12 + 16 + 12 * mid;
            uint32_t start = rd32(f, g), end = rd32(f, g + 4);
            if (cp < start)
                hi = mid;
            else if (cp > end)
                lo = mid + 1;
            else {
                uint32_t gid = rd32(f, g + 8) + (cp - start);
                return gid < f->nglyphs ? (uint16_t)gid : 0;
            }
        }
        return 0;
    }
    if (cp > 0xFFFF)
        return 0;
    uint32_t t = f->cmap4;
    uint16_t segx2 = rd16(f, t + 6);
    uint32_t ends = t + 14, starts = ends + segx2 + 2, deltas = starts + segx2, ranges = deltas + segx2;
    uint32_t lo = 0, hi = segx2 / 2;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        uint16_t end = rd16(f, ends + 2 * mid);
        if (cp > end) {
            lo = mid + 1;
            continue;
        }
        uint16_t start = rd16(f, starts + 2 * mid);
        if (cp < start) {
            hi = mid;
            continue;
        }
        uint16_t delta = rd16(f, deltas + 2 * mid), roff = rd16(f, ranges + 2 * mid);
        uint16_t gid;
        if (roff == 0) {
            gid = (uint16_t)(cp + delta);
        } else {
            uint32_t at = ranges + 2 * mid + roff + 2 * (cp - start);
            gid = rd16(f, at);
            if (gid)
                gid = (uint16_t)(gid + delta);
        }
        return gid < f->nglyphs ? gid : 0;
    }
    return 0;
}

uint16_t fp_font_advance(const fp_font *f, uint16_t gid)
{
    uint16_t i = gid < f->nhmetrics ? gid : (uint16_t)(f->nhmetrics - 1);
    return rd16(f, f->hmtx.off + 4u * i);
}

uint16_t fp_font_units_per_em(const fp_font *f)
{
    return f->upem;
}

uint16_t fp_font_num_glyphs(const fp_font *f)
{
    return f->nglyphs;
}

int fp_font_ascent(const fp_font *f)
{
    return f->ascent;
}

int fp_font_descent(const fp_font *f)
{
    return f->descent;
}

int fp_font_line_gap(const fp_font *f)
{
    return f->line_gap;
}

const char *fp_font_name(const fp_font *f)
{
    return f->psname[0] ? f->psname : f->name;
}

const uint8_t *fp_font_table(const fp_font *f, const char *tag, uint32_t *len)
{
    const table *t = !strcmp(tag, "OS/2")   ? &f->os2
                     : !strcmp(tag, "head") ? &f->head
                     : !strcmp(tag, "hhea") ? &f->hhea
                     : !strcmp(tag, "post") ? &f->post
                     : !strcmp(tag, "name") ? &f->name_t
                     : !strcmp(tag, "maxp") ? &f->maxp
                                            : NULL;
    if (!t || !t->len)
        return NULL;
    *len = t->len;
    return f->data + t->off;
}

/* ---- outlines ---- */

void fp_outline_init(fp_outline *o)
{
    memset(o, 0, sizeof *o);
}

void fp_outline_free(fp_outline *o)
{
    free(o->x);
    free(o->y);
    free(o->on);
    free(o->end);
    fp_outline_init(o);
}

static void reserve(fp_outline *o, int points, int contours)
{
    if (o->npoints + points > o->cap_points) {
        int c = o->cap_points ? o->cap_points : 64;
        while (c < o->npoints + points)
            c *= 2;
        o->x = fp_xrealloc(o->x, (size_t)c * sizeof *o->x);
        o->y = fp_xrealloc(o->y, (size_t)c * sizeof *o->y);
        o->on = fp_xrealloc(o->on, (size_t)c);
        o->cap_points = c;
    }
    if (o->ncontours + contours > o->cap_contours) {
        int c = o->cap_contours ? o->cap_contours : 16;
        while (c < o->ncontours + contours)
            c *= 2;
        o->end = fp_xrealloc(o->end, (size_t)c * sizeof *o->end);
        o->cap_contours = c;
    }
}

bool fp_font_is_composite(const fp_font *f, uint16_t gid)
{
    if (gid >= f->nglyphs)
        return false;
    uint32_t a = f->loc_format ? rd32(f, f->loca.off + 4u * gid) : 2u * rd16(f, f->loca.off + 2u * gid);
    uint32_t b = f->loc_format ? rd32(f, f->loca.off + 4u * gid + 4) : 2u * rd16(f, f->loca.off + 2u * gid + 2);
    return b > a && rds16(f, f->glyf.off + a) < 0;
}

/* the glyph's bytes: [*start, *start + *len) within glyf; false when out of range */
static bool glyph_range(const fp_font *f, uint16_t gid, uint32_t *start, uint32_t *len)
{
    if (gid >= f->nglyphs)
        return false;
    uint32_t a, b;
    if (f->loc_format) {
        a = rd32(f, f->loca.off + 4u * gid);
        b = rd32(f, f->loca.off + 4u * gid + 4);
    } else {
        a = 2u * rd16(f, f->loca.off + 2u * gid);
        b = 2u * rd16(f, f->loca.off + 2u * gid + 2);
    }
    if (b < a || b > f->glyf.len)
        return false;
    *start = f->glyf.off + a;
    *len = b - a;
    return true;
}

/* appends a simple glyph's points, untransformed */
static fp_status simple(const fp_font *f, uint32_t g, uint32_t len, int ncont, fp_outline *o, fp_error *err)
{
    uint32_t end = g + len;
    uint32_t p = g + 10;
    if (!in(f, p, 2u * (uint32_t)ncont + 2) || p + 2u * (uint32_t)ncont + 2 > end)
        return bad(f, err, "glyph contours cut short");
    int npts = 0;
    int first = o->npoints;
    reserve(o, 0, ncont);
    int prev = -1;
    for (int c = 0; c < ncont; c++) {
        int e = rd16(f, p + 2u * (uint32_t)c);
        if (e <= prev)
            return bad(f, err, "contour ends out of order");
        prev = e;
        npts = e + 1;
    }
    if (npts > 65535 - o->npoints)
        return bad(f, err, "too many points");
    if (npts == 0)
        return FP_OK; /* no contour: an empty glyph (found by fuzz_font: the flags below need points) */
    uint16_t ninstr = rd16(f, p + 2u * (uint32_t)ncont);
    p += 2u * (uint32_t)ncont + 2 + ninstr;
    reserve(o, npts, 0);
    /* flags */
    uint8_t *flags = o->on + first; /* reused: on-curve bits stored here after decoding */
    int i = 0;
    while (i < npts) {
        if (p >= end || !in(f, p, 1))
            return bad(f, err, "glyph flags cut short");
        uint8_t fl = f->data[p++];
        flags[i++] = fl;
        if (fl & 8) {
            if (p >= end)
                return bad(f, err, "glyph flags cut short");
            uint8_t rep = f->data[p++];
            while (rep-- && i < npts)
                flags[i++] = fl;
        }
    }
    int32_t v = 0;
    for (i = 0; i < npts; i++) {
        uint8_t fl = flags[i];
        if (fl & 2) {
            if (p >= end)
                return bad(f, err, "glyph x cut short");
            int d = f->data[p++];
            v += (fl & 16) ? d : -d;
        } else if (!(fl & 16)) {
            if (p + 2 > end)
                return bad(f, err, "glyph x cut short");
            v += rds16(f, p);
            p += 2;
        }
        o->x[first + i] = v;
    }
    v = 0;
    for (i = 0; i < npts; i++) {
        uint8_t fl = flags[i];
        if (fl & 4) {
            if (p >= end)
                return bad(f, err, "glyph y cut short");
            int d = f->data[p++];
            v += (fl & 32) ? d : -d;
        } else if (!(fl & 32)) {
            if (p + 2 > end)
                return bad(f, err, "glyph y cut short");
            v += rds16(f, p);
            p += 2;
        }
        o->y[first + i] = v;
    }
    for (i = 0; i < npts; i++)
        o->on[first + i] = flags[i] & 1;
    for (int c = 0; c < ncont; c++)
        o->end[o->ncontours + c] = (uint16_t)(first + rd16(f, g + 10 + 2u * (uint32_t)c));
    o->ncontours += ncont;
    o->npoints += npts;
    return FP_OK;
}

static fp_status glyph(const fp_font *f, uint16_t gid, int depth, fp_outline *o, fp_error *err);

static double f2dot14(int16_t v)
{
    return v / 16384.0;
}

static fp_status composite(const fp_font *f, uint32_t g, uint32_t len, int depth, fp_outline *o, fp_error *err)
{
    uint32_t p = g + 10, end = g + len;
    int base = o->npoints; /* point numbers of this glyph count from here */
    for (;;) {
        if (p + 4 > end)
            return bad(f, err, "composite glyph cut short");
        uint16_t flags = rd16(f, p), sub = rd16(f, p + 2);
        p += 4;
        int32_t a1, a2;
        if (flags & 1) { /* ARG_1_AND_2_ARE_WORDS */
            if (p + 4 > end)
                return bad(f, err, "composite glyph cut short");
            a1 = (flags & 2) ? rds16(f, p) : rd16(f, p);
            a2 = (flags & 2) ? rds16(f, p + 2) : rd16(f, p + 2);
            p += 4;
        } else {
            if (p + 2 > end)
                return bad(f, err, "composite glyph cut short");
            a1 = (flags & 2) ? (int8_t)f->data[p] : f->data[p];
            a2 = (flags & 2) ? (int8_t)f->data[p + 1] : f->data[p + 1];
            p += 2;
        }
        double m[4] = {1, 0, 0, 1}; /* xx, xy(b), yx(c), yy */
        if (flags & 8) { /* WE_HAVE_A_SCALE */
            if (p + 2 > end)
                return bad(f, err, "composite glyph cut short");
            m[0] = m[3] = f2dot14(rds16(f, p));
            p += 2;
        } else if (flags & 0x40) { /* X_AND_Y_SCALE */
            if (p + 4 > end)
                return bad(f, err, "composite glyph cut short");
            m[0] = f2dot14(rds16(f, p));
            m[3] = f2dot14(rds16(f, p + 2));
            p += 4;
        } else if (flags & 0x80) { /* TWO_BY_TWO */
            if (p + 8 > end)
                return bad(f, err, "composite glyph cut short");
            m[0] = f2dot14(rds16(f, p));
            m[1] = f2dot14(rds16(f, p + 2));
            m[2] = f2dot14(rds16(f, p + 4));
            m[3] = f2dot14(rds16(f, p + 6));
            p += 8;
        }
        int first = o->npoints;
        fp_status s = glyph(f, sub, depth + 1, o, err);
        if (s != FP_OK)
            return s;
        /* transform the component's points */
        for (int i = first; i < o->npoints; i++) {
            double x = o->x[i], y = o->y[i];
            o->x[i] = (int32_t)lround(m[0] * x + m[2] * y);
            o->y[i] = (int32_t)lround(m[1] * x + m[3] * y);
        }
        int32_t dx, dy;
        if (flags & 2) { /* offsets */
            dx = a1;
            dy = a2;
            if ((flags & 0x800) && !(flags & 0x1000)) { /* SCALED_COMPONENT_OFFSET */
                double x = dx, y = dy;
                dx = (int32_t)lround(m[0] * x + m[2] * y);
                dy = (int32_t)lround(m[1] * x + m[3] * y);
            }
        } else { /* point matching: the parent's point a1 meets the component's point a2 */
            int pp = base + a1, cp = first + a2;
            if (pp < base || pp >= first || cp >= o->npoints)
                return bad(f, err, "composite point matching out of range");
            dx = o->x[pp] - o->x[cp];
            dy = o->y[pp] - o->y[cp];
        }
        for (int i = first; i < o->npoints; i++) {
            o->x[i] += dx;
            o->y[i] += dy;
        }
        if (!(flags & 0x20)) /* MORE_COMPONENTS */
            break;
    }
    return FP_OK;
}

static fp_status glyph(const fp_font *f, uint16_t gid, int depth, fp_outline *o, fp_error *err)
{
    if (depth > MAX_DEPTH)
        return bad(f, err, "composite glyphs nested too deep (a loop?)");
    /* nesting alone does not bound the work: 8 levels of 16 components each are 16^8 glyphs */
    if (++o->visits > 4096)
        return bad(f, err, "a composite glyph made of too many glyphs");
    uint32_t g, len;
    if (!glyph_range(f, gid, &g, &len))
        return bad(f, err, "glyph outside the glyf table");
    if (len == 0)
        return FP_OK; /* an empty glyph, e.g. the space */
    if (len < 10)
        return bad(f, err, "glyph header cut short");
    int16_t ncont = rds16(f, g);
    if (ncont >= 0)
        return simple(f, g, len, ncont, o, err);
    return composite(f, g, len, depth, o, err);
}

fp_status fp_font_outline(const fp_font *f, uint16_t gid, int32_t num, int32_t den, fp_outline *o, fp_error *err)
{
    int first = o->npoints, firstc = o->ncontours;
    o->visits = 0;
    fp_status s = glyph(f, gid, 0, o, err);
    if (s != FP_OK) {
        o->npoints = first;
        o->ncontours = firstc;
        return s;
    }
    if (num != den && den != 0)
        for (int i = first; i < o->npoints; i++) {
            o->x[i] = (int32_t)(((int64_t)o->x[i] * num + (o->x[i] >= 0 ? den / 2 : -den / 2)) / den);
            o->y[i] = (int32_t)(((int64_t)o->y[i] * num + (o->y[i] >= 0 ? den / 2 : -den / 2)) / den);
        }
    if (o->npoints > 0) {
        o->xmin = o->xmax = o->x[0];
        o->ymin = o->ymax = o->y[0];
        for (int i = 1; i < o->npoints; i++) {
            if (o->x[i] < o->xmin)
                o->xmin = o->x[i];
            if (o->x[i] > o->xmax)
                o->xmax = o->x[i];
            if (o->y[i] < o->ymin)
                o->ymin = o->y[i];
            if (o->y[i] > o->ymax)
                o->ymax = o->y[i];
        }
    }
    return FP_OK;
}
