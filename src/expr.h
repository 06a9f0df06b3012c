/* expr.h — the expression language of templates: {expression|format}.
 *
 *   paths       sales   period.label   reps[0].name   trend[-1].sales   r.attainment
 *   literals    12   0.9   "text"   '文字'   true   false   null
 *   arithmetic  + - * / %   (a string on either side of + joins text)
 *   comparison  == != < <= > >=
 *   logic       and or not   (also && || !)
 *   functions   min(a, b, …) max(a, b, …) abs(x) round(x[, digits]) len(x) if(cond, a, b)
 *               sum(list, expr) avg(list, expr) count(list[, cond]) min/max(list, expr)
 *               first(list[, cond]) last(list[, cond]) top(list, expr)  — expr and cond are
 *               evaluated for each element, whose fields are then in scope by name
 *
 * Undefined values are null: arithmetic with null gives null, a comparison with
 * null is false, and null formats as "—". Division by zero gives null.
 *
 * An expression is parsed once (fp_expr_parse), checked once against the
 * shape of the metrics (fp_expr_check: unknown names are reported with the
 * names that exist), and evaluated any number of times.
 */
#ifndef FP_EXPR_H
#define FP_EXPR_H

#include "error.h"
#include "value.h"

#include <stdbool.h>

typedef struct fp_expr fp_expr;

/* A scope: names bound to values, searched innermost first, then the fields of each scope's `fields`
 * object (the current element of a table or loop), then the root. */
typedef struct fp_scope {
    const struct fp_scope *outer;
    const char *name;          /* a bound name (each … as="r"), or NULL */
    const fp_value *value;     /* its value */
    const fp_value *fields;    /* an object whose keys are in scope by name, or NULL */
} fp_scope;

/* The result of an evaluation. Strings and containers are borrowed from the value tree or owned by
 * the result (free with fp_ev_free). */
typedef struct fp_ev {
    fp_vtype type;             /* FP_V_NULL, FP_V_BOOL, FP_V_NUM, FP_V_STR, FP_V_ARR or FP_V_OBJ */
    fp_numkind kind;           /* for numbers: money, count, ratio or plain */
    bool b;
    double n;
    const char *s;
    char *owned;               /* set when s was built (joined text) */
    const fp_value *v;         /* arrays and objects */
} fp_ev;

/* Parses src. On error the message gives the column and what was expected. Caller frees. */
fp_status fp_expr_parse(const char *src, fp_expr **out, fp_error *err);
void fp_expr_free(fp_expr *e);
/* The source text. */
const char *fp_expr_source(const fp_expr *e);
/* True when the expression is a bare path (like "sales" or "r.name") — what a table column names. */
bool fp_expr_is_path(const fp_expr *e);

/* Checks names against a schema: a value tree with the shape of the data (every array holding one
 * element). Returns FP_ERR_INPUT with a message naming the unknown name and the known ones. */
fp_status fp_expr_check(const fp_expr *e, const fp_scope *schema_scope, fp_error *err);
/* The same, also giving the shape of the result: the schema node of a path (a list, an object, a
 * field), or NULL for computed values. */
fp_status fp_expr_check_shape(const fp_expr *e, const fp_scope *schema_scope, const fp_value **shape, fp_error *err);

fp_ev fp_expr_eval(const fp_expr *e, const fp_scope *scope);
void fp_ev_free(fp_ev *v);
/* Truthiness: false, null, 0, "" and empty lists are false. */
bool fp_ev_truthy(const fp_ev *v);
/* An evaluation result as a value tree node (copied). */
fp_value *fp_ev_to_value(const fp_ev *v);

#endif
