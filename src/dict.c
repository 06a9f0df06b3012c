/* dict.c — an open-addressing hash table from strings to dense ids.
 *
 * The strings live in records in large chunks, so their pointers never move; a record holds the id, the
 * length and the hash beside the bytes. A slot of the table holds a string's hash and where its record
 * is, so a lookup that hits costs two memory reads that may miss the cache (the slot, then the record,
 * whose bytes follow its header), and one that misses costs the slot alone. The table is at most half
 * full, so probes stay short; a dictionary that will be large can be sized once (fp_dict_reserve). */
#include "dict.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

/* string storage grows in chunks from 4 KB up to 2 MB, so the many small dictionaries stay small */
#define CHUNK_MIN (4u << 10)
#define CHUNK_MAX (2u << 20)

/* Where a record is: chunk index in the high bits, offset / 4 in the low 19 (chunks up to 2 MB; a
 * longer string gets a chunk of its own, at offset 0). */
#define OFF_BITS 19
#define MAX_CHUNKS ((1u << (32 - OFF_BITS)) - 1)

typedef struct rec {
    uint32_t id, len, hash;
    char s[]; /* len bytes and a NUL */
} rec;

typedef struct hslot {
    uint32_t hash;
    uint32_t loc1; /* 0 = empty, else the record's location + 1 */
} hslot;

struct fp_dict {
    uint32_t *loc;     /* id -> record location */
    uint32_t n, cap;
    hslot *slot;
    size_t nslot;      /* power of two */
    char **chunks;
    size_t *chunk_size;
    size_t nchunks, chunks_cap, sizes_cap;
    size_t cur_used, cur_cap; /* of the last chunk */
};

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xff51afd7ed558ccdull);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
        h ^= h >> 31;
        s += 8;
        n -= 8;
    }
    uint64_t w0, w1;
    fp_bytes_ends(s, n, &w0, &w1); /* the last 0 … 7 bytes, without a copy of variable length */
    h = (h ^ (w0 | w1 << 32)) * 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 29;
    return h;
}

static inline const rec *at(const fp_dict *d, uint32_t loc)
{
    return (const rec *)(d->chunks[loc >> OFF_BITS] + (size_t)(loc & ((1u << OFF_BITS) - 1)) * 4);
}


/* stores a record for s; returns its location */
static uint32_t store(fp_dict *d, const char *s, size_t n, uint32_t id, uint32_t h)
{
    size_t need = (sizeof(rec) + n + 1 + 3) & ~(size_t)3;
    if (need > d->cur_cap - d->cur_used) {
        size_t cap = d->cur_cap ? d->cur_cap * 2 : CHUNK_MIN;
        if (cap > CHUNK_MAX)
            cap = CHUNK_MAX;
        if (cap < need)
            cap = need;
        if (d->nchunks == MAX_CHUNKS)
            abort(); /* gigabytes of distinct strings: the row limits stop us long before */
        fp_xgrow((void **)&d->chunks, &d->chunks_cap, d->nchunks + 1, sizeof *d->chunks);
        fp_xgrow((void **)&d->chunk_size, &d->sizes_cap, d->nchunks + 1, sizeof *d->chunk_size);
        d->chunks[d->nchunks] = fp_big_alloc(cap);
        d->chunk_size[d->nchunks++] = cap;
        d->cur_used = 0;
        d->cur_cap = cap;
    }
    rec *r = (rec *)(d->chunks[d->nchunks - 1] + d->cur_used);
    r->id = id;
    r->len = (uint32_t)n;
    r->hash = h;
    memcpy(r->s, s, n);
    r->s[n] = 0;
    uint32_t loc = (uint32_t)(d->nchunks - 1) << OFF_BITS | (uint32_t)(d->cur_used / 4);
    d->cur_used += need;
    return loc;
}

static void put(hslot *slot, size_t nslot, uint32_t h, uint32_t loc1)
{
    size_t i = h & (nslot - 1);
    while (slot[i].loc1)
        i = (i + 1) & (nslot - 1);
    slot[i].hash = h;
    slot[i].loc1 = loc1;
}

static void rehash(fp_dict *d, size_t nslot)
{
    hslot *old = d->slot;
    size_t nold = d->nslot;
    d->slot = fp_big_zalloc(nslot * sizeof *d->slot);
    d->nslot = nslot;
    for (size_t i = 0; i < nold; i++)
        if (old[i].loc1)
            put(d->slot, nslot, old[i].hash, old[i].loc1);
    fp_big_free(old, nold * sizeof *old);
}

fp_dict *fp_dict_new(void)
{
    fp_dict *d = fp_xcalloc(1, sizeof *d);
    rehash(d, 64);
    fp_dict_intern(d, "", 0);
    return d;
}

void fp_dict_free(fp_dict *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nchunks; i++)
        fp_big_free(d->chunks[i], d->chunk_size[i]);
    free(d->chunks);
    free(d->chunk_size);
    fp_big_free(d->loc, (size_t)d->cap * sizeof *d->loc);
    fp_big_free(d->slot, d->nslot * sizeof *d->slot);
    free(d);
}

static inline bool lookup(const fp_dict *d, const char *s, size_t n, uint32_t h, size_t *slot_out, uint32_t *id)
{
    size_t mask = d->nslot - 1, i = h & mask;
    for (;;) {
        const hslot *sl = &d->slot[i];
        if (!sl->loc1) {
            *slot_out = i;
            return false;
        }
        if (sl->hash == h) {
            const rec *r = at(d, sl->loc1 - 1);
            if (r->len == n && fp_bytes_eq(r->s, s, n)) {
                *id = r->id;
                return true;
            }
        }
        i = (i + 1) & mask;
    }
}

static uint32_t add(fp_dict *d, const char *s, size_t n, uint32_t h, size_t slot);

uint32_t fp_dict_intern(fp_dict *d, const char *s, size_t n)
{
    uint32_t h = (uint32_t)hash_bytes(s, n);
    size_t slot;
    uint32_t id;
    if (lookup(d, s, n, h, &slot, &id))
        return id;
    return add(d, s, n, h, slot);
}

bool fp_dict_intern_checked(fp_dict *d, const char *s, size_t n, bool (*accept)(const char *, size_t),
                            uint32_t *id)
{
    uint32_t h = (uint32_t)hash_bytes(s, n);
    size_t slot;
    if (lookup(d, s, n, h, &slot, id))
        return true;
    if (!accept(s, n))
        return false;
    *id = add(d, s, n, h, slot);
    return true;
}

uint32_t fp_dict_hash(const fp_dict *d, const char *s, size_t n)
{
    uint32_t h = (uint32_t)hash_bytes(s, n);
    __builtin_prefetch(&d->slot[h & (d->nslot - 1)]);
    return h;
}

void fp_dict_prefetch(const fp_dict *d, uint32_t h)
{
    const hslot *sl = &d->slot[h & (d->nslot - 1)];
    if (sl->loc1 && sl->hash == h)
        __builtin_prefetch(at(d, sl->loc1 - 1));
}

bool fp_dict_intern_hashed(fp_dict *d, const char *s, size_t n, uint32_t h, bool (*accept)(const char *, size_t),
                           uint32_t *id)
{
    size_t slot;
    if (lookup(d, s, n, h, &slot, id))
        return true;
    if (!accept(s, n))
        return false;
    *id = add(d, s, n, h, slot);
    return true;
}

void fp_dict_reserve(fp_dict *d, uint32_t n)
{
    size_t want = d->nslot;
    while (want < (size_t)n * 2 + 2)
        want *= 2;
    if (want != d->nslot)
        rehash(d, want);
    if (n > d->cap) {
        d->loc = fp_big_realloc(d->loc, (size_t)d->cap * sizeof *d->loc, (size_t)n * sizeof *d->loc);
        d->cap = n;
    }
}

static uint32_t add(fp_dict *d, const char *s, size_t n, uint32_t h, size_t slot)
{
    if (d->n == UINT32_MAX - 1)
        abort(); /* four billion distinct strings: the row limits stop us long before */
    if (d->n == d->cap) {
        size_t cap = d->cap ? (size_t)d->cap * 2 : 64;
        d->loc = fp_big_realloc(d->loc, (size_t)d->cap * sizeof *d->loc, cap * sizeof *d->loc);
        d->cap = (uint32_t)cap;
    }
    uint32_t id = d->n++;
    uint32_t loc = store(d, s, n, id, h);
    d->loc[id] = loc;
    if ((size_t)d->n * 2 > d->nslot) {
        rehash(d, d->nslot * 2);
        put(d->slot, d->nslot, h, loc + 1);
    } else {
        d->slot[slot].hash = h;
        d->slot[slot].loc1 = loc + 1;
    }
    return id;
}

void fp_dict_merge(fp_dict *dst, const fp_dict *src, uint32_t *map)
{
    fp_dict_reserve(dst, dst->n + src->n);
    for (uint32_t id = 0; id < src->n; id++) {
        const rec *r = at(src, src->loc[id]);
        size_t slot;
        uint32_t did;
        /* same hash function on both sides: no need to hash again */
        map[id] = lookup(dst, r->s, r->len, r->hash, &slot, &did) ? did : add(dst, r->s, r->len, r->hash, slot);
    }
}

void fp_dict_merge_consume(fp_dict *dst, fp_dict *src, uint32_t *map)
{
    fp_dict_reserve(dst, dst->n + src->n);
    /* src is read by id, in the order its records were written: its table is not needed, and each chunk of
     * records can go as soon as the ids have moved past it (while dst grows by as much) */
    fp_big_free(src->slot, src->nslot * sizeof *src->slot);
    src->slot = NULL;
    src->nslot = 0;
    size_t done = 0; /* chunks freed */
    size_t mask = dst->nslot - 1;
    for (uint32_t id = 0; id < src->n; id++) {
        uint32_t loc = src->loc[id];
        /* the slot a string a few ids on will be looked up in, asked for now (a lookup in a large table is a
         * cache miss) */
        if (id + 16 < src->n)
            __builtin_prefetch(&dst->slot[at(src, src->loc[id + 16])->hash & mask]);
        for (; done < (size_t)(loc >> OFF_BITS); done++) {
            fp_big_free(src->chunks[done], src->chunk_size[done]);
            src->chunks[done] = NULL;
            src->chunk_size[done] = 0;
        }
        const rec *r = at(src, loc);
        size_t slot;
        uint32_t did;
        map[id] = lookup(dst, r->s, r->len, r->hash, &slot, &did) ? did : add(dst, r->s, r->len, r->hash, slot);
    }
    for (size_t i = 0; i < src->nchunks; i++)
        fp_big_free(src->chunks[i], src->chunk_size[i]);
    src->nchunks = 0;
    src->cur_used = src->cur_cap = 0;
    fp_big_free(src->loc, (size_t)src->cap * sizeof *src->loc);
    src->loc = NULL;
    src->n = src->cap = 0;
    rehash(src, 64); /* an empty dictionary again, which fp_dict_free takes */
}

bool fp_dict_find(const fp_dict *d, const char *s, size_t n, uint32_t *id)
{
    size_t slot;
    return lookup(d, s, n, (uint32_t)hash_bytes(s, n), &slot, id);
}

const char *fp_dict_str(const fp_dict *d, uint32_t id)
{
    return id < d->n ? at(d, d->loc[id])->s : "";
}

size_t fp_dict_strlen(const fp_dict *d, uint32_t id)
{
    return id < d->n ? at(d, d->loc[id])->len : 0;
}

uint32_t fp_dict_size(const fp_dict *d)
{
    return d->n;
}
