/* dict.c — an open-addressing hash table from strings to dense ids, with
 * the strings themselves kept in large chunks so pointers never move. */
#include "dict.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

/* string storage grows in chunks from 4 KB up to 2 MB, so the many small dictionaries stay small */
#define CHUNK_MIN (4u << 10)
#define CHUNK_MAX (2u << 20)

/* One entry per id: the string and its length side by side, so a hit costs one cache miss here. */
typedef struct entry {
    const char *s;
    uint32_t len;
    uint32_t hash;
} entry;

/* A slot holds the hash too, so probing never leaves the slot array. */
typedef struct hslot {
    uint32_t hash;
    uint32_t id1;      /* 0 = empty, else id + 1 */
} hslot;

struct fp_dict {
    entry *ent;        /* id -> entry */
    uint32_t n, cap;
    hslot *slot;
    size_t nslot;      /* power of two */
    char **chunks;
    size_t *chunk_size;
    size_t nchunks, chunks_cap, sizes_cap;
    char *cur;
    size_t cur_used, cur_cap;
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
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 29;
    return h;
}

static char *store(fp_dict *d, const char *s, size_t n)
{
    if (n + 1 > d->cur_cap - d->cur_used) {
        size_t cap = d->cur_cap ? d->cur_cap * 2 : CHUNK_MIN;
        if (cap > CHUNK_MAX)
            cap = CHUNK_MAX;
        if (cap < n + 1)
            cap = n + 1;
        fp_xgrow((void **)&d->chunks, &d->chunks_cap, d->nchunks + 1, sizeof *d->chunks);
        fp_xgrow((void **)&d->chunk_size, &d->sizes_cap, d->nchunks + 1, sizeof *d->chunk_size);
        d->cur = fp_big_alloc(cap);
        d->chunk_size[d->nchunks] = cap;
        d->chunks[d->nchunks++] = d->cur;
        d->cur_used = 0;
        d->cur_cap = cap;
    }
    char *p = d->cur + d->cur_used;
    memcpy(p, s, n);
    p[n] = 0;
    d->cur_used += n + 1;
    return p;
}

static void rehash(fp_dict *d, size_t nslot)
{
    fp_big_free(d->slot, d->nslot * sizeof *d->slot);
    d->slot = fp_big_alloc(nslot * sizeof *d->slot);
    memset(d->slot, 0, nslot * sizeof *d->slot);
    d->nslot = nslot;
    for (uint32_t id = 0; id < d->n; id++) {
        size_t i = d->ent[id].hash & (nslot - 1);
        while (d->slot[i].id1)
            i = (i + 1) & (nslot - 1);
        d->slot[i].hash = d->ent[id].hash;
        d->slot[i].id1 = id + 1;
    }
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
    fp_big_free(d->ent, (size_t)d->cap * sizeof *d->ent);
    fp_big_free(d->slot, d->nslot * sizeof *d->slot);
    free(d);
}

static bool lookup(const fp_dict *d, const char *s, size_t n, uint32_t h, size_t *slot_out, uint32_t *id)
{
    size_t i = h & (d->nslot - 1);
    for (;;) {
        const hslot *sl = &d->slot[i];
        if (!sl->id1) {
            *slot_out = i;
            return false;
        }
        if (sl->hash == h) {
            const entry *e = &d->ent[sl->id1 - 1];
            if (e->len == n && memcmp(e->s, s, n) == 0) {
                *id = sl->id1 - 1;
                return true;
            }
        }
        i = (i + 1) & (d->nslot - 1);
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

void fp_dict_reserve(fp_dict *d, uint32_t n)
{
    size_t want = d->nslot;
    while (want < (size_t)n * 2 + 2)
        want *= 2;
    if (want != d->nslot)
        rehash(d, want);
    if (n > d->cap) {
        d->ent = fp_big_realloc(d->ent, (size_t)d->cap * sizeof *d->ent, (size_t)n * sizeof *d->ent);
        d->cap = n;
    }
}

static uint32_t add(fp_dict *d, const char *s, size_t n, uint32_t h, size_t slot)
{
    uint32_t id;
    if (d->n == UINT32_MAX - 1)
        abort(); /* four billion distinct strings: the row limits stop us long before */
    if (d->n == d->cap) {
        size_t cap = d->cap ? (size_t)d->cap * 2 : 64;
        d->ent = fp_big_realloc(d->ent, (size_t)d->cap * sizeof *d->ent, cap * sizeof *d->ent);
        d->cap = (uint32_t)cap;
    }
    id = d->n++;
    d->ent[id].s = store(d, s, n);
    d->ent[id].len = (uint32_t)n;
    d->ent[id].hash = h;
    if ((size_t)d->n * 2 > d->nslot) {
        rehash(d, d->nslot * 2);
    } else {
        d->slot[slot].hash = h;
        d->slot[slot].id1 = id + 1;
    }
    return id;
}

void fp_dict_merge(fp_dict *dst, const fp_dict *src, uint32_t *map)
{
    fp_dict_reserve(dst, dst->n + src->n);
    for (uint32_t id = 0; id < src->n; id++) {
        const entry *e = &src->ent[id];
        size_t slot;
        uint32_t did;
        /* same hash function on both sides: no need to hash again */
        map[id] = lookup(dst, e->s, e->len, e->hash, &slot, &did) ? did : add(dst, e->s, e->len, e->hash, slot);
    }
}

bool fp_dict_find(const fp_dict *d, const char *s, size_t n, uint32_t *id)
{
    size_t slot;
    return lookup(d, s, n, (uint32_t)hash_bytes(s, n), &slot, id);
}

const char *fp_dict_str(const fp_dict *d, uint32_t id)
{
    return id < d->n ? d->ent[id].s : "";
}

size_t fp_dict_strlen(const fp_dict *d, uint32_t id)
{
    return id < d->n ? d->ent[id].len : 0;
}

uint32_t fp_dict_size(const fp_dict *d)
{
    return d->n;
}
