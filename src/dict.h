/* dict.h — string interning: each distinct string gets a dense uint32_t id.
 *
 * Tables store text columns as ids into a dictionary, so a million order
 * lines naming 300 reps hold 300 strings, and joins between tables (the rep
 * of an order, of a target, of a survey answer) compare integers. Id 0 is
 * always the empty string, which marks a missing value.
 *
 * Building a dictionary is single-threaded; once loading is done it is only
 * read, from any number of threads.
 */
#ifndef FP_DICT_H
#define FP_DICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fp_dict fp_dict;

fp_dict *fp_dict_new(void);
void fp_dict_free(fp_dict *d);
/* Returns the id of s[0..n), adding it if new. */
uint32_t fp_dict_intern(fp_dict *d, const char *s, size_t n);
/* Like fp_dict_intern, but a string not yet in the dictionary is added only when accept(s, n) says
 * so; returns false (and adds nothing) otherwise. One hash lookup either way. */
bool fp_dict_intern_checked(fp_dict *d, const char *s, size_t n, bool (*accept)(const char *, size_t),
                            uint32_t *id);
/* The same in two steps, for a caller that has other work to do while the table's memory is fetched:
 * fp_dict_hash gives the hash of s and asks the processor to fetch where it will be looked up;
 * fp_dict_intern_hashed is fp_dict_intern_checked with that hash. */
uint32_t fp_dict_hash(const fp_dict *d, const char *s, size_t n);
/* The second step of a lookup coming up: once the slot fp_dict_hash asked for has arrived, asks for the
 * string it points to. */
void fp_dict_prefetch(const fp_dict *d, uint32_t hash);
bool fp_dict_intern_hashed(fp_dict *d, const char *s, size_t n, uint32_t hash, bool (*accept)(const char *, size_t),
                           uint32_t *id);
/* Interns every string of src into dst, in src's id order; map (fp_dict_size(src) entries) receives
 * the dst id of each src id. */
void fp_dict_merge(fp_dict *dst, const fp_dict *src, uint32_t *map);
/* The same, freeing src's memory as its strings move over (its table first, then each chunk of records):
 * afterwards src is empty (not even the empty string), and only fp_dict_free may be called on it. */
void fp_dict_merge_consume(fp_dict *dst, fp_dict *src, uint32_t *map);
/* Makes room for n ids without rehashing. */
void fp_dict_reserve(fp_dict *d, uint32_t n);
/* Finds s without adding it. */
bool fp_dict_find(const fp_dict *d, const char *s, size_t n, uint32_t *id);
/* The string of an id, NUL-terminated, borrowed until the dictionary is freed. */
const char *fp_dict_str(const fp_dict *d, uint32_t id);
size_t fp_dict_strlen(const fp_dict *d, uint32_t id);
/* Number of ids (including id 0, the empty string). */
uint32_t fp_dict_size(const fp_dict *d);

#endif
