/* value.h — a small tree of values: null, booleans, numbers, strings, arrays, objects.
 *
 * The metrics of a report are turned into such a tree once (metrics_value.c);
 * the JSON output writes it and the template language reads it by path
 * (sales, reps[0].name). Numbers carry a kind — count, money (yuan),
 * fraction — so they are written with the right precision. Objects keep
 * their keys in insertion order, which is the order of the documented
 * contract.
 *
 * Every node is owned by its parent; fp_v_free frees a whole tree.
 */
#ifndef FP_VALUE_H
#define FP_VALUE_H

#include "error.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum fp_vtype { FP_V_NULL, FP_V_BOOL, FP_V_NUM, FP_V_STR, FP_V_ARR, FP_V_OBJ } fp_vtype;
typedef enum fp_numkind {
    FP_NUM_PLAIN,   /* a measure such as an average score */
    FP_NUM_COUNT,   /* a whole number */
    FP_NUM_MONEY,   /* yuan, two decimals */
    FP_NUM_RATIO    /* a fraction: 0.943 means 94.3 % */
} fp_numkind;

typedef struct fp_value fp_value;

fp_value *fp_v_null(void);
fp_value *fp_v_bool(bool b);
fp_value *fp_v_num(double d, fp_numkind kind);
fp_value *fp_v_str(const char *s);
fp_value *fp_v_arr(void);
fp_value *fp_v_obj(void);
/* Conveniences for the metrics: null when the value is undefined. */
fp_value *fp_v_money(int64_t fen);   /* FP_NO_MONEY → null */
fp_value *fp_v_count(int64_t n);     /* INT64_MIN → null */
fp_value *fp_v_ratio(double r);      /* NAN → null */
fp_value *fp_v_plain(double d);      /* NAN → null */

/* Appends to an array / sets a key of an object (replacing an old value); takes ownership of v. */
void fp_v_push(fp_value *arr, fp_value *v);
void fp_v_set(fp_value *obj, const char *key, fp_value *v);

fp_vtype fp_v_type(const fp_value *v);
fp_numkind fp_v_numkind(const fp_value *v);
bool fp_v_as_bool(const fp_value *v);
double fp_v_as_num(const fp_value *v);
const char *fp_v_as_str(const fp_value *v);
/* Array or object length; 0 for anything else. */
size_t fp_v_len(const fp_value *v);
/* i-th element of an array, or i-th value of an object; NULL when out of range. */
const fp_value *fp_v_at(const fp_value *v, size_t i);
/* i-th key of an object. */
const char *fp_v_key(const fp_value *v, size_t i);
/* Value of a key, NULL when absent. */
const fp_value *fp_v_get(const fp_value *obj, const char *key);

void fp_v_free(fp_value *v);
/* A deep copy (caller frees). */
fp_value *fp_v_copy(const fp_value *v);
/* An array that borrows n existing values (they must outlive it): for binding a filtered list to a name.
 * Free it with fp_v_view_free, never fp_v_free. */
fp_value *fp_v_view(const fp_value *const *items, size_t n);
void fp_v_view_free(fp_value *v);

/* Writes v as JSON (UTF-8, no locale involved). indent 0 writes one line. */
void fp_json_write(const fp_value *v, int indent, fp_buf *out);
/* Writes a number of the given kind the way the JSON output does (shortest form, no trailing zeros). */
void fp_json_number(double d, fp_numkind kind, fp_buf *out);
/* Parses JSON text (a manifest); numbers come back as plain numbers. name is for messages. */
fp_status fp_json_parse(const char *name, const char *text, size_t n, fp_value **out, fp_error *err);

#endif
