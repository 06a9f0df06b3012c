/* expr.c — tokenizer, precedence-climbing parser, checker and evaluator of
 * template expressions (see expr.h for the language). */
#include "expr.h"

#include "format.h"
#include "util.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64
#define MAX_SRC 4096

typedef enum { E_NUM, E_STR, E_BOOL, E_NULL, E_NAME, E_FIELD, E_INDEX, E_NEG, E_NOT, E_BIN, E_CALL } ekind;

enum {
    OP_OR = 1,
    OP_AND,
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_MOD
};

typedef struct node node;
struct node {
    ekind k;
    int op;
    int col;
    double n;
    char *s;        /* string literal, name, field or function name */
    node *a, *b;
    node **args;
    int nargs;
};

struct fp_expr {
    char *src;
    node *root;
};

/* ---- tokens ---- */

typedef enum { T_END, T_NUM, T_STR, T_ID, T_OP, T_ERR } ttype;

typedef struct lexer {
    const char *src, *p;
    ttype t;
    int col;          /* 1-based column of the current token, in characters */
    double num;
    fp_buf text;      /* identifier or string */
    char op[3];
    fp_error *err;
    bool failed;
    int depth;
} lexer;

static int column(const lexer *lx, const char *at)
{
    return (int)fp_utf8_len_n(lx->src, (size_t)(at - lx->src)) + 1;
}

static void lfail(lexer *lx, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void lfail(lexer *lx, int col, const char *fmt, ...)
{
    if (lx->failed)
        return;
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fp_fail(lx->err, FP_ERR_INPUT, "column %d: %s", col, msg);
    lx->failed = true;
    lx->t = T_ERR;
}

static bool idstart(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static void next(lexer *lx)
{
    if (lx->failed)
        return;
    while (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' || *lx->p == '\r')
        lx->p++;
    const char *s = lx->p;
    lx->col = column(lx, s);
    fp_buf_reset(&lx->text);
    if (!*s) {
        lx->t = T_END;
        return;
    }
    if ((*s >= '0' && *s <= '9') || (*s == '.' && s[1] >= '0' && s[1] <= '9')) {
        char *end;
        lx->num = strtod(s, &end); /* "C" locale: fupan never calls setlocale */
        lx->p = end;
        lx->t = T_NUM;
        return;
    }
    if (idstart(*s)) {
        while (idstart(*lx->p) || (*lx->p >= '0' && *lx->p <= '9'))
            lx->p++;
        fp_buf_add(&lx->text, s, (size_t)(lx->p - s));
        lx->t = T_ID;
        return;
    }
    if (*s == '"' || *s == '\'') {
        char q = *s;
        const char *p = s + 1;
        while (*p && *p != q) {
            if (*p == '\\' && p[1]) {
                p++;
                fp_buf_addc(&lx->text, *p == 'n' ? '\n' : *p);
            } else {
                fp_buf_addc(&lx->text, *p);
            }
            p++;
        }
        if (*p != q) {
            lfail(lx, lx->col, "the text starting here has no closing %c", q);
            return;
        }
        if (!lx->text.data)
            fp_buf_adds(&lx->text, "");
        lx->p = p + 1;
        lx->t = T_STR;
        return;
    }
    static const char *ops2[] = {"==", "!=", "<=", ">=", "&&", "||"};
    for (int i = 0; i < 6; i++)
        if (!strncmp(s, ops2[i], 2)) {
            memcpy(lx->op, ops2[i], 3);
            lx->p += 2;
            lx->t = T_OP;
            return;
        }
    if (strchr("+-*/%<>!().[],", *s)) {
        lx->op[0] = *s;
        lx->op[1] = 0;
        lx->p++;
        lx->t = T_OP;
        return;
    }
    if (*s == '=') {
        lfail(lx, lx->col, "\"=\" is not an operator; compare with \"==\"");
        return;
    }
    char q[32];
    fp_quote_text(q, sizeof q, s, strlen(s), 4);
    lfail(lx, lx->col, "unexpected \"%s\"", q);
}

static bool is_op(const lexer *lx, const char *op)
{
    return lx->t == T_OP && !strcmp(lx->op, op);
}

static bool is_kw(const lexer *lx, const char *kw)
{
    return lx->t == T_ID && !strcmp(lx->text.data, kw);
}

/* ---- parser ---- */

static node *mk(ekind k, int col)
{
    node *n = fp_xcalloc(1, sizeof *n);
    n->k = k;
    n->col = col;
    return n;
}

static void free_node(node *n)
{
    if (!n)
        return;
    free_node(n->a);
    free_node(n->b);
    for (int i = 0; i < n->nargs; i++)
        free_node(n->args[i]);
    free(n->args);
    free(n->s);
    free(n);
}

static node *parse_expr(lexer *lx, int minprec);

static const char *describe(const lexer *lx)
{
    switch (lx->t) {
    case T_END:
        return "the end";
    case T_NUM:
        return "a number";
    case T_STR:
        return "a text";
    case T_ID:
        return "a name";
    case T_OP:
        return lx->op;
    case T_ERR:
        return "an error";
    }
    return "?";
}

static node *parse_primary(lexer *lx)
{
    if (lx->failed)
        return NULL;
    if (++lx->depth > MAX_DEPTH) {
        lfail(lx, lx->col, "the expression is nested too deeply");
        return NULL;
    }
    node *n = NULL;
    int col = lx->col;
    if (lx->t == T_NUM) {
        n = mk(E_NUM, col);
        n->n = lx->num;
        next(lx);
    } else if (lx->t == T_STR) {
        n = mk(E_STR, col);
        n->s = fp_xstrdup(lx->text.data);
        next(lx);
    } else if (is_kw(lx, "true") || is_kw(lx, "false")) {
        n = mk(E_BOOL, col);
        n->n = is_kw(lx, "true");
        next(lx);
    } else if (is_kw(lx, "null")) {
        n = mk(E_NULL, col);
        next(lx);
    } else if (is_kw(lx, "not") || is_op(lx, "!")) {
        next(lx);
        n = mk(E_NOT, col);
        n->a = parse_expr(lx, 3);
    } else if (is_op(lx, "-")) {
        next(lx);
        n = mk(E_NEG, col);
        n->a = parse_expr(lx, 7);
    } else if (is_op(lx, "(")) {
        next(lx);
        n = parse_expr(lx, 1);
        if (!is_op(lx, ")"))
            lfail(lx, lx->col, "expected \")\", found %s", describe(lx));
        next(lx);
    } else if (lx->t == T_ID) {
        char *name = fp_xstrdup(lx->text.data);
        next(lx);
        if (is_op(lx, "(")) {
            n = mk(E_CALL, col);
            n->s = name;
            next(lx);
            while (!lx->failed && !is_op(lx, ")")) {
                n->args = fp_xrealloc(n->args, (size_t)(n->nargs + 1) * sizeof *n->args);
                n->args[n->nargs++] = parse_expr(lx, 1);
                if (is_op(lx, ","))
                    next(lx);
                else if (!is_op(lx, ")"))
                    lfail(lx, lx->col, "expected \",\" or \")\" in the call of %s, found %s", n->s, describe(lx));
            }
            next(lx);
        } else {
            n = mk(E_NAME, col);
            n->s = name;
        }
    } else {
        lfail(lx, col, "expected a value, found %s", describe(lx));
        return NULL;
    }
    /* postfix: .field [index] */
    while (!lx->failed && n) {
        if (is_op(lx, ".")) {
            next(lx);
            if (lx->t != T_ID) {
                lfail(lx, lx->col, "expected a field name after \".\", found %s", describe(lx));
                break;
            }
            node *f = mk(E_FIELD, lx->col);
            f->a = n;
            f->s = fp_xstrdup(lx->text.data);
            n = f;
            next(lx);
        } else if (is_op(lx, "[")) {
            next(lx);
            node *ix = mk(E_INDEX, lx->col);
            ix->a = n;
            ix->b = parse_expr(lx, 1);
            n = ix;
            if (!is_op(lx, "]"))
                lfail(lx, lx->col, "expected \"]\", found %s", describe(lx));
            next(lx);
        } else {
            break;
        }
    }
    lx->depth--;
    return n;
}

static int binop(const lexer *lx, int *prec)
{
    static const struct {
        const char *s;
        int op, prec;
    } t[] = {{"||", OP_OR, 1}, {"&&", OP_AND, 2}, {"==", OP_EQ, 4}, {"!=", OP_NE, 4}, {"<", OP_LT, 4},
             {"<=", OP_LE, 4}, {">", OP_GT, 4},   {">=", OP_GE, 4},  {"+", OP_ADD, 5}, {"-", OP_SUB, 5},
             {"*", OP_MUL, 6}, {"/", OP_DIV, 6},  {"%", OP_MOD, 6}};
    if (is_kw(lx, "or")) {
        *prec = 1;
        return OP_OR;
    }
    if (is_kw(lx, "and")) {
        *prec = 2;
        return OP_AND;
    }
    if (lx->t != T_OP)
        return 0;
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        if (!strcmp(lx->op, t[i].s)) {
            *prec = t[i].prec;
            return t[i].op;
        }
    return 0;
}

static node *parse_expr(lexer *lx, int minprec)
{
    node *left = parse_primary(lx);
    int prec, op;
    while (!lx->failed && left && (op = binop(lx, &prec)) && prec >= minprec) {
        int col = lx->col;
        next(lx);
        node *right = parse_expr(lx, prec + 1);
        node *b = mk(E_BIN, col);
        b->op = op;
        b->a = left;
        b->b = right;
        left = b;
    }
    return left;
}

fp_status fp_expr_parse(const char *src, fp_expr **out, fp_error *err)
{
    *out = NULL;
    if (strlen(src) > MAX_SRC)
        return fp_fail(err, FP_ERR_INPUT, "the expression is longer than %d bytes", MAX_SRC);
    lexer lx = {.src = src, .p = src, .err = err};
    fp_buf_init(&lx.text);
    next(&lx);
    if (!lx.failed && lx.t == T_END)
        lfail(&lx, 1, "the expression is empty");
    node *root = lx.failed ? NULL : parse_expr(&lx, 1);
    if (!lx.failed && lx.t != T_END)
        lfail(&lx, lx.col, "unexpected %s after a complete expression", describe(&lx));
    if (!lx.failed && !root)
        lfail(&lx, 1, "the expression is empty");
    fp_buf_free(&lx.text);
    if (lx.failed) {
        free_node(root);
        return FP_ERR_INPUT;
    }
    fp_expr *e = fp_xcalloc(1, sizeof *e);
    e->src = fp_xstrdup(src);
    e->root = root;
    *out = e;
    return FP_OK;
}

void fp_expr_free(fp_expr *e)
{
    if (!e)
        return;
    free_node(e->root);
    free(e->src);
    free(e);
}

const char *fp_expr_source(const fp_expr *e)
{
    return e->src;
}

bool fp_expr_is_path(const fp_expr *e)
{
    const node *n = e->root;
    while (n->k == E_FIELD || n->k == E_INDEX)
        n = n->a;
    return n->k == E_NAME;
}

/* ---- evaluation ---- */

static fp_ev ev_null(void)
{
    fp_ev v = {.type = FP_V_NULL};
    return v;
}

static fp_ev ev_num(double d, fp_numkind k)
{
    if (!isfinite(d))
        return ev_null();
    fp_ev v = {.type = FP_V_NUM, .n = d, .kind = k};
    return v;
}

static fp_ev ev_bool(bool b)
{
    fp_ev v = {.type = FP_V_BOOL, .b = b};
    return v;
}

static fp_ev ev_of(const fp_value *x)
{
    fp_ev v = {.type = fp_v_type(x)};
    switch (v.type) {
    case FP_V_NULL:
        break;
    case FP_V_BOOL:
        v.b = fp_v_as_bool(x);
        break;
    case FP_V_NUM:
        v.n = fp_v_as_num(x);
        v.kind = fp_v_numkind(x);
        break;
    case FP_V_STR:
        v.s = fp_v_as_str(x);
        break;
    case FP_V_ARR:
    case FP_V_OBJ:
        v.v = x;
        break;
    }
    return v;
}

void fp_ev_free(fp_ev *v)
{
    free(v->owned);
    v->owned = NULL;
}

bool fp_ev_truthy(const fp_ev *v)
{
    switch (v->type) {
    case FP_V_NULL:
        return false;
    case FP_V_BOOL:
        return v->b;
    case FP_V_NUM:
        return v->n != 0;
    case FP_V_STR:
        return v->s && *v->s;
    case FP_V_ARR:
    case FP_V_OBJ:
        return fp_v_len(v->v) > 0;
    }
    return false;
}

fp_value *fp_ev_to_value(const fp_ev *v)
{
    switch (v->type) {
    case FP_V_NULL:
        return fp_v_null();
    case FP_V_BOOL:
        return fp_v_bool(v->b);
    case FP_V_NUM:
        return fp_v_num(v->n, v->kind);
    case FP_V_STR:
        return fp_v_str(v->s);
    case FP_V_ARR:
    case FP_V_OBJ:
        break;
    }
    return fp_v_null(); /* containers are not copied */
}

/* Finds a name: bound names and element fields innermost first, then the root's fields. `root`
 * names the root object itself (root.sales inside a table of reps is the report's sales). *where
 * gets the scope that had it. */
static const fp_value *lookup_in(const fp_scope *sc, const char *name, const fp_scope **where)
{
    const fp_scope *last = NULL;
    for (; sc; sc = sc->outer) {
        last = sc;
        if (sc->name && !strcmp(sc->name, name)) {
            *where = sc;
            return sc->value;
        }
        if (sc->fields) {
            const fp_value *v = fp_v_get(sc->fields, name);
            if (v) {
                *where = sc;
                return v;
            }
        }
    }
    if (last && last->fields && !strcmp(name, "root")) {
        *where = last;
        return last->fields;
    }
    return NULL;
}

static const fp_value *lookup(const fp_scope *sc, const char *name)
{
    const fp_scope *where;
    return lookup_in(sc, name, &where);
}

static fp_ev eval(const node *n, const fp_scope *sc, int depth);

static void text_of(const fp_ev *v, fp_buf *b)
{
    switch (v->type) {
    case FP_V_NULL:
        break;
    case FP_V_BOOL:
        fp_buf_adds(b, v->b ? "true" : "false");
        break;
    case FP_V_NUM:
        fp_json_number(v->n, v->kind, b);
        break;
    case FP_V_STR:
        fp_buf_adds(b, v->s);
        break;
    case FP_V_ARR:
    case FP_V_OBJ:
        break;
    }
}

static fp_numkind add_kind(fp_numkind a, fp_numkind b)
{
    if (a == FP_NUM_MONEY || b == FP_NUM_MONEY)
        return FP_NUM_MONEY;
    if (a == b)
        return a;
    /* a fraction and a plain number (attainment - 1, sales / prev - 1) is still a fraction */
    if ((a == FP_NUM_RATIO && (b == FP_NUM_PLAIN || b == FP_NUM_COUNT)) ||
        ((a == FP_NUM_PLAIN || a == FP_NUM_COUNT) && b == FP_NUM_RATIO))
        return FP_NUM_RATIO; /* (a literal 1 is a count) */
    return FP_NUM_PLAIN;
}

static fp_ev arith(int op, const fp_ev *x, const fp_ev *y)
{
    if (op == OP_ADD && (x->type == FP_V_STR || y->type == FP_V_STR)) {
        fp_buf b;
        fp_buf_init(&b);
        text_of(x, &b);
        text_of(y, &b);
        fp_ev v = {.type = FP_V_STR};
        v.owned = fp_buf_steal(&b);
        v.s = v.owned;
        return v;
    }
    if (x->type != FP_V_NUM || y->type != FP_V_NUM)
        return ev_null();
    double a = x->n, b = y->n;
    switch (op) {
    case OP_ADD:
        return ev_num(a + b, add_kind(x->kind, y->kind));
    case OP_SUB:
        return ev_num(a - b, add_kind(x->kind, y->kind));
    case OP_MUL:
        return ev_num(a * b, x->kind == FP_NUM_MONEY || y->kind == FP_NUM_MONEY ? FP_NUM_MONEY
                             : x->kind == FP_NUM_RATIO && y->kind == FP_NUM_RATIO ? FP_NUM_RATIO
                             : x->kind == FP_NUM_COUNT && y->kind == FP_NUM_COUNT ? FP_NUM_COUNT
                                                                                  : FP_NUM_PLAIN);
    case OP_DIV:
        if (b == 0)
            return ev_null();
        return ev_num(a / b, x->kind == y->kind && (x->kind == FP_NUM_MONEY || x->kind == FP_NUM_COUNT)
                                 ? FP_NUM_RATIO
                             : x->kind == FP_NUM_MONEY ? FP_NUM_MONEY
                                                       : FP_NUM_PLAIN);
    case OP_MOD:
        if (b == 0)
            return ev_null();
        return ev_num(fmod(a, b), x->kind);
    }
    return ev_null();
}

static int compare(const fp_ev *x, const fp_ev *y, bool *ok)
{
    *ok = true;
    if (x->type == FP_V_NUM && y->type == FP_V_NUM)
        return (x->n > y->n) - (x->n < y->n);
    if (x->type == FP_V_STR && y->type == FP_V_STR)
        return strcmp(x->s, y->s);
    if (x->type == FP_V_BOOL && y->type == FP_V_BOOL)
        return (int)x->b - (int)y->b;
    *ok = false;
    return 0;
}

static fp_ev binary(const node *n, const fp_scope *sc, int depth)
{
    if (n->op == OP_AND || n->op == OP_OR) {
        fp_ev a = eval(n->a, sc, depth);
        bool ta = fp_ev_truthy(&a);
        fp_ev_free(&a);
        if (n->op == OP_AND && !ta)
            return ev_bool(false);
        if (n->op == OP_OR && ta)
            return ev_bool(true);
        fp_ev b = eval(n->b, sc, depth);
        bool tb = fp_ev_truthy(&b);
        fp_ev_free(&b);
        return ev_bool(tb);
    }
    fp_ev a = eval(n->a, sc, depth), b = eval(n->b, sc, depth);
    fp_ev r;
    if (n->op >= OP_EQ && n->op <= OP_GE) {
        bool ok;
        int c = compare(&a, &b, &ok);
        if (n->op == OP_EQ || n->op == OP_NE) {
            bool eq = ok ? c == 0 : (a.type == FP_V_NULL && b.type == FP_V_NULL);
            r = ev_bool(n->op == OP_EQ ? eq : !eq);
        } else if (!ok) {
            r = ev_bool(false); /* a comparison with null or a mismatch is false */
        } else {
            r = ev_bool(n->op == OP_LT ? c < 0 : n->op == OP_LE ? c <= 0 : n->op == OP_GT ? c > 0 : c >= 0);
        }
    } else {
        r = arith(n->op, &a, &b);
    }
    fp_ev_free(&a);
    fp_ev_free(&b);
    return r;
}

/* evaluates f for each element of a list (its fields in scope) */
typedef struct agg {
    double sum, best;
    long count, nums;
    fp_numkind kind;
    const fp_value *best_el, *first_el, *last_el;
} agg;

static void aggregate(const fp_value *list, const node *f, const fp_scope *sc, int depth, bool as_cond, int want,
                      agg *g)
{
    memset(g, 0, sizeof *g);
    g->kind = FP_NUM_PLAIN;
    size_t n = fp_v_len(list);
    for (size_t i = 0; i < n; i++) {
        const fp_value *el = fp_v_at(list, i);
        fp_scope inner = {.outer = sc, .fields = el};
        if (!f) {
            g->count++;
            if (!g->first_el)
                g->first_el = el;
            g->last_el = el;
            continue;
        }
        fp_ev v = eval(f, &inner, depth + 1);
        if (as_cond) {
            if (fp_ev_truthy(&v)) {
                g->count++;
                if (!g->first_el)
                    g->first_el = el;
                g->last_el = el;
            }
        } else if (v.type == FP_V_NUM) {
            g->sum += v.n;
            if (g->nums == 0)
                g->kind = v.kind;
            if (g->nums == 0 || (want > 0 ? v.n > g->best : v.n < g->best)) {
                g->best = v.n;
                g->best_el = el;
            }
            g->nums++;
        }
        fp_ev_free(&v);
    }
}

/* The built-in functions: one table for the checker (arity, lists) and the evaluator. */
typedef enum {
    F_MIN, F_MAX, F_ABS, F_ROUND, F_LEN, F_IF, F_DIR, F_PLURAL, F_SUM, F_AVG, F_COUNT, F_FIRST, F_LAST, F_TOP
} fid;

static const struct builtin {
    const char *name;
    fid id;
    int lo, hi;    /* how many arguments */
    bool list;     /* the first argument is a list; the others are evaluated for each element */
    bool cond;     /* … as a condition (count, first, last) rather than a number */
    bool element;  /* the result is an element of the list */
} BUILTINS[] = {
    {"min", F_MIN, 1, 16, false, false, false},  {"max", F_MAX, 1, 16, false, false, false},
    {"abs", F_ABS, 1, 1, false, false, false},   {"round", F_ROUND, 1, 2, false, false, false},
    {"len", F_LEN, 1, 1, false, false, false},   {"if", F_IF, 3, 3, false, false, false},
    {"dir", F_DIR, 1, 1, false, false, false},   {"plural", F_PLURAL, 3, 3, false, false, false},
    {"sum", F_SUM, 2, 2, true, false, false},
    {"avg", F_AVG, 2, 2, true, false, false},    {"count", F_COUNT, 1, 2, true, true, false},
    {"first", F_FIRST, 1, 2, true, true, true},  {"last", F_LAST, 1, 2, true, true, true},
    {"top", F_TOP, 2, 2, true, false, true},
};

static const struct builtin *builtin(const char *name)
{
    for (size_t i = 0; i < sizeof BUILTINS / sizeof *BUILTINS; i++)
        if (!strcmp(BUILTINS[i].name, name))
            return &BUILTINS[i];
    return NULL;
}

/* min/max over a list: min(reps, sales) */
static bool over_list(const struct builtin *f, int nargs, fp_vtype first)
{
    return f->list || ((f->id == F_MIN || f->id == F_MAX) && nargs == 2 && first == FP_V_ARR);
}

static fp_ev call(const node *n, const fp_scope *sc, int depth)
{
    const struct builtin *f = builtin(n->s);
    int na = n->nargs;
    if (!f || na < f->lo || na > f->hi)
        return ev_null(); /* the checker saw to it */
    if (f->id == F_IF || f->id == F_PLURAL) {
        /* plural(n, 'order', 'orders'): the second unless n is exactly 1 */
        fp_ev c = eval(n->args[0], sc, depth);
        if (f->id == F_PLURAL) {
            bool one = c.type == FP_V_NUM && c.n == 1;
            fp_ev_free(&c);
            return eval(n->args[one ? 1 : 2], sc, depth);
        }
        bool t = fp_ev_truthy(&c);
        fp_ev_free(&c);
        return eval(n->args[t ? 1 : 2], sc, depth);
    }
    fp_ev a0 = eval(n->args[0], sc, depth);
    if (over_list(f, na, a0.type)) {
        if (a0.type != FP_V_ARR) {
            fp_ev_free(&a0);
            return f->id == F_COUNT ? ev_num(0, FP_NUM_COUNT) : ev_null();
        }
        agg g;
        aggregate(a0.v, na > 1 ? n->args[1] : NULL, sc, depth, f->cond, f->id == F_MIN ? -1 : 1, &g);
        switch (f->id) {
        case F_COUNT:
            return ev_num((double)g.count, FP_NUM_COUNT);
        case F_FIRST:
            return g.first_el ? ev_of(g.first_el) : ev_null();
        case F_LAST:
            return g.last_el ? ev_of(g.last_el) : ev_null();
        case F_TOP:
            return g.best_el ? ev_of(g.best_el) : ev_null();
        case F_SUM:
            return g.nums ? ev_num(g.sum, g.kind) : ev_null();
        case F_AVG:
            return g.nums ? ev_num(g.sum / (double)g.nums, g.kind == FP_NUM_COUNT ? FP_NUM_PLAIN : g.kind) : ev_null();
        case F_MIN:
        case F_MAX:
            return g.nums ? ev_num(g.best, g.kind) : ev_null();
        case F_ABS:
        case F_ROUND:
        case F_LEN:
        case F_IF:
        case F_DIR:
        case F_PLURAL:
            break;
        }
        return ev_null();
    }
    fp_ev r = ev_null();
    switch (f->id) {
    case F_MIN:
    case F_MAX: {
        bool any = false;
        for (int i = 0; i < na; i++) {
            fp_ev v = i == 0 ? a0 : eval(n->args[i], sc, depth);
            if (v.type == FP_V_NUM && (!any || (f->id == F_MIN ? v.n < r.n : v.n > r.n))) {
                r = ev_num(v.n, v.kind);
                any = true;
            }
            if (i)
                fp_ev_free(&v);
        }
        break;
    }
    case F_ABS:
        if (a0.type == FP_V_NUM)
            r = ev_num(fabs(a0.n), a0.kind);
        break;
    case F_ROUND: {
        int digits = 0;
        if (na > 1) {
            fp_ev d = eval(n->args[1], sc, depth);
            if (d.type == FP_V_NUM)
                digits = d.n < -12 ? -12 : d.n > 12 ? 12 : (int)d.n;
            fp_ev_free(&d);
        }
        if (a0.type == FP_V_NUM) {
            double p = pow(10, digits);
            r = ev_num(round(a0.n * p) / p, a0.kind);
        }
        break;
    }
    case F_LEN:
        if (a0.type == FP_V_STR)
            r = ev_num((double)fp_utf8_len(a0.s), FP_NUM_COUNT);
        else if (a0.type == FP_V_ARR || a0.type == FP_V_OBJ)
            r = ev_num((double)fp_v_len(a0.v), FP_NUM_COUNT);
        break;
    case F_DIR:
        /* the direction a change reads as: "up", "down", or "flat" when what it shows is zero — the
         * rule of the KPI cards' arrows (fp_direction) */
        if (a0.type == FP_V_NUM) {
            int d = fp_direction(a0.n, a0.kind);
            r.type = FP_V_STR;
            r.s = d > 0 ? "up" : d < 0 ? "down" : "flat";
        }
        break;
    case F_IF:
    case F_PLURAL:
    case F_SUM:
    case F_AVG:
    case F_COUNT:
    case F_FIRST:
    case F_LAST:
    case F_TOP:
        break;
    }
    fp_ev_free(&a0);
    return r;
}

static fp_ev eval(const node *n, const fp_scope *sc, int depth)
{
    if (!n || depth > MAX_DEPTH * 4)
        return ev_null();
    switch (n->k) {
    case E_NUM:
        return ev_num(n->n, n->n == floor(n->n) ? FP_NUM_COUNT : FP_NUM_PLAIN);
    case E_STR: {
        fp_ev v = {.type = FP_V_STR, .s = n->s};
        return v;
    }
    case E_BOOL:
        return ev_bool(n->n != 0);
    case E_NULL:
        return ev_null();
    case E_NAME: {
        const fp_value *v = lookup(sc, n->s);
        return v ? ev_of(v) : ev_null();
    }
    case E_FIELD: {
        fp_ev base = eval(n->a, sc, depth + 1);
        fp_ev r = base.type == FP_V_OBJ ? ev_of(fp_v_get(base.v, n->s)) : ev_null();
        fp_ev_free(&base);
        return r;
    }
    case E_INDEX: {
        fp_ev base = eval(n->a, sc, depth + 1), ix = eval(n->b, sc, depth + 1);
        fp_ev r = ev_null();
        if (base.type == FP_V_ARR && ix.type == FP_V_NUM) {
            long i = (long)floor(ix.n), len = (long)fp_v_len(base.v);
            if (i < 0)
                i += len;
            if (i >= 0 && i < len)
                r = ev_of(fp_v_at(base.v, (size_t)i));
        } else if (base.type == FP_V_OBJ && ix.type == FP_V_STR) {
            const fp_value *v = fp_v_get(base.v, ix.s); /* words.cur[period.kind] */
            if (v)
                r = ev_of(v);
        }
        fp_ev_free(&base);
        fp_ev_free(&ix);
        return r;
    }
    case E_NEG: {
        fp_ev a = eval(n->a, sc, depth + 1);
        fp_ev r = a.type == FP_V_NUM ? ev_num(-a.n, a.kind) : ev_null();
        fp_ev_free(&a);
        return r;
    }
    case E_NOT: {
        fp_ev a = eval(n->a, sc, depth + 1);
        bool t = fp_ev_truthy(&a);
        fp_ev_free(&a);
        return ev_bool(!t);
    }
    case E_BIN:
        return binary(n, sc, depth + 1);
    case E_CALL:
        return call(n, sc, depth + 1);
    }
    return ev_null();
}

fp_ev fp_expr_eval(const fp_expr *e, const fp_scope *scope)
{
    return eval(e->root, scope, 0);
}

/* ---- checking against the shape of the data ---- */

typedef struct checker {
    const fp_expr *e;
    fp_error *err;
    bool failed;
} checker;

static void names_in(const fp_scope *sc, fp_buf *b, size_t limit)
{
    size_t k = 0;
    for (; sc && k < limit; sc = sc->outer) {
        if (sc->name)
            fp_buf_printf(b, "%s%s", k++ ? ", " : "", sc->name);
        for (size_t i = 0; sc->fields && i < fp_v_len(sc->fields) && k < limit; i++)
            fp_buf_printf(b, "%s%s", k++ ? ", " : "", fp_v_key(sc->fields, i));
    }
}

static const char *suggest(const char *name, const fp_scope *sc, const fp_value *obj)
{
    const char *best = NULL;
    int bd = 3;
    for (; sc || obj; sc = sc ? sc->outer : NULL) {
        const fp_value *o = obj ? obj : sc->fields;
        for (size_t i = 0; o && i < fp_v_len(o); i++) {
            int d = fp_edit_distance(name, fp_v_key(o, i));
            if (d < bd) {
                bd = d;
                best = fp_v_key(o, i);
            }
        }
        if (sc && sc->name) {
            int d = fp_edit_distance(name, sc->name);
            if (d < bd) {
                bd = d;
                best = sc->name;
            }
        }
        if (obj)
            break;
    }
    return best;
}

static void cfail(checker *c, const node *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void cfail(checker *c, const node *n, const char *fmt, ...)
{
    char msg[1500];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!c->failed) {
        fp_fail(c->err, FP_ERR_INPUT, "column %d: %s", n->col, msg);
    } else {
        /* every unknown name of the expression, not only the first (the list of names once) */
        char *list = strstr(msg, " (names here");
        if (!list)
            list = strstr(msg, "; the names here");
        if (list)
            *list = 0;
        size_t have = strlen(c->err->msg);
        if (have + 40 < sizeof c->err->msg)
            snprintf(c->err->msg + have, sizeof c->err->msg - have, "; and column %d: %s", n->col, msg);
    }
    c->failed = true;
}

/* returns the schema value of n: an object, array or scalar placeholder; NULL when unknown */
static const fp_value *check(checker *c, const node *n, const fp_scope *sc);

static const fp_value *check_call(checker *c, const node *n, const fp_scope *sc)
{
    const struct builtin *f = builtin(n->s);
    if (!f) {
        fp_buf b;
        fp_buf_init(&b);
        const char *best = NULL;
        int bd = 3;
        for (size_t i = 0; i < sizeof BUILTINS / sizeof *BUILTINS; i++) {
            fp_buf_printf(&b, "%s%s", i ? ", " : "", BUILTINS[i].name);
            int d = fp_edit_distance(n->s, BUILTINS[i].name);
            if (d < bd) {
                bd = d;
                best = BUILTINS[i].name;
            }
        }
        if (best)
            cfail(c, n, "unknown function %s(); did you mean %s()? (the functions are %s)", n->s, best, b.data);
        else
            cfail(c, n, "unknown function %s(); the functions are %s", n->s, b.data);
        fp_buf_free(&b);
        return NULL;
    }
    if (n->nargs < f->lo || n->nargs > f->hi) {
        char want[32];
        if (f->lo == f->hi)
            snprintf(want, sizeof want, "%d", f->lo);
        else
            snprintf(want, sizeof want, "%d to %d", f->lo, f->hi);
        cfail(c, n, "%s() takes %s argument%s, not %d", n->s, want, f->hi == 1 ? "" : "s", n->nargs);
        return NULL;
    }
    bool failed = c->failed;
    c->failed = false;
    const fp_value *first = check(c, n->args[0], sc);
    bool bad_first = c->failed;
    c->failed = c->failed || failed;
    if (bad_first) { /* the list is unknown: its elements' fields cannot be checked */
        for (int i = 1; i < n->nargs; i++)
            if (!over_list(f, n->nargs, FP_V_ARR))
                check(c, n->args[i], sc);
        return NULL;
    }
    if (over_list(f, n->nargs, fp_v_type(first))) {
        if (first && fp_v_type(first) != FP_V_ARR) {
            cfail(c, n->args[0], "%s() wants a list (like reps or channels) first", n->s);
            return NULL;
        }
        const fp_value *el = first ? fp_v_at(first, 0) : NULL;
        fp_scope inner = {.outer = sc, .fields = el};
        for (int i = 1; i < n->nargs; i++)
            check(c, n->args[i], el ? &inner : sc);
        return f->element ? el : NULL;
    }
    const fp_value *shape[3] = {first, NULL, NULL};
    for (int i = 1; i < n->nargs; i++)
        shape[i < 3 ? i : 2] = check(c, n->args[i], sc);
    if (f->id == F_IF) /* if(up, top(channels, …), top(channels, …)): either has the shape of a channel */
        return shape[1] ? shape[1] : shape[2];
    return NULL;
}

static const fp_value *check(checker *c, const node *n, const fp_scope *sc)
{
    if (!n)
        return NULL;
    switch (n->k) {
    case E_NUM:
    case E_STR:
    case E_BOOL:
    case E_NULL:
        return NULL;
    case E_NAME: {
        const fp_scope *where = NULL;
        const fp_value *v = lookup_in(sc, n->s, &where);
        static const char *const context[] = {"root", "report", "period", "scope", "notes", "loop", "words", "data"};
        bool ctx = false;
        for (size_t i = 0; i < sizeof context / sizeof *context; i++)
            ctx |= !strcmp(n->s, context[i]);
        if (v && where->outer == NULL && where != sc && !ctx) {
            /* a name of the report used where the fields of an element are in scope: almost always a
             * field the elements do not have, silently read from the report instead */
            const fp_scope *row = NULL;
            for (const fp_scope *s2 = sc; s2 && s2 != where; s2 = s2->outer)
                if (s2->fields && !row)
                    row = s2;
            if (row) {
                fp_buf b;
                fp_buf_init(&b);
                for (size_t i = 0; i < fp_v_len(row->fields); i++)
                    fp_buf_printf(&b, "%s%s", i ? ", " : "", fp_v_key(row->fields, i));
                const char *s = suggest(n->s, NULL, row->fields);
                cfail(c, n, "the elements here have no field \"%s\"%s%s%s (fields: %s); to use the report's %s, "
                            "write root.%s",
                      n->s, s ? "; did you mean \"" : "", s ? s : "", s ? "\"?" : "", b.data ? b.data : "", n->s,
                      n->s);
                fp_buf_free(&b);
                return NULL;
            }
        }
        if (v)
            return v;
        fp_buf b;
        fp_buf_init(&b);
        names_in(sc, &b, 40);
        const char *s = suggest(n->s, sc, NULL);
        if (s)
            cfail(c, n, "unknown name \"%s\"; did you mean \"%s\"? (names here: %s …)", n->s, s, b.data);
        else
            cfail(c, n, "unknown name \"%s\"; the names here are: %s …", n->s, b.data ? b.data : "");
        fp_buf_free(&b);
        return NULL;
    }
    case E_FIELD: {
        const fp_value *base = check(c, n->a, sc);
        if (!base)
            return NULL;
        if (fp_v_type(base) == FP_V_ARR) {
            cfail(c, n, "\"%s\" is read from a list: pick an element (list[0].%s), or use sum(list, %s), "
                        "count(list, …) or a table",
                  n->s, n->s, n->s);
            return NULL;
        }
        if (fp_v_type(base) != FP_V_OBJ) {
            cfail(c, n, "\".%s\": what comes before it has no fields", n->s);
            return NULL;
        }
        const fp_value *v = fp_v_get(base, n->s);
        if (!v)
            v = fp_v_get(base, "*"); /* an open object (notes.*: any key of the front matter) */
        if (v)
            return v;
        fp_buf b;
        fp_buf_init(&b);
        for (size_t i = 0; i < fp_v_len(base); i++)
            fp_buf_printf(&b, "%s%s", i ? ", " : "", fp_v_key(base, i));
        const char *s = suggest(n->s, NULL, base);
        if (s)
            cfail(c, n, "unknown field \"%s\"; did you mean \"%s\"? (fields: %s)", n->s, s, b.data);
        else
            cfail(c, n, "unknown field \"%s\"; the fields are: %s", n->s, b.data);
        fp_buf_free(&b);
        return NULL;
    }
    case E_INDEX: {
        const fp_value *base = check(c, n->a, sc);
        check(c, n->b, sc);
        if (!base)
            return NULL;
        if (fp_v_type(base) == FP_V_OBJ) {
            /* obj["key"] or obj[expr]: a field picked by name; a literal name must be one of its fields,
             * a computed one reads as the fields read when they all have one shape (words.cur[period.kind]) */
            if (n->b->k == E_STR) {
                const fp_value *v = fp_v_get(base, n->b->s);
                if (!v) {
                    fp_buf b;
                    fp_buf_init(&b);
                    for (size_t i = 0; i < fp_v_len(base); i++)
                        fp_buf_printf(&b, "%s%s", i ? ", " : "", fp_v_key(base, i));
                    cfail(c, n, "unknown field \"%s\"; the fields are: %s", n->b->s, b.data ? b.data : "none");
                    fp_buf_free(&b);
                }
                return v;
            }
            if (n->b->k == E_NUM) {
                cfail(c, n, "[%g] picks an element of a list; this has fields: pick one by name ([\"name\"])", n->b->n);
                return NULL;
            }
            /* the shape of its first field when every field is an object (a group of words); NULL (any
             * value) else */
            const fp_value *one = fp_v_len(base) ? fp_v_at(base, 0) : NULL;
            for (size_t i = 0; one && i < fp_v_len(base); i++)
                if (fp_v_type(fp_v_at(base, i)) != FP_V_OBJ)
                    one = NULL;
            return one;
        }
        if (fp_v_type(base) != FP_V_ARR) {
            cfail(c, n, "[…] picks an element of a list or a field of an object, and this is neither");
            return NULL;
        }
        if (n->b->k == E_STR) {
            cfail(c, n, "[\"%s\"] picks a field by name, and this is a list: pick an element by number", n->b->s);
            return NULL;
        }
        return fp_v_at(base, 0);
    }
    case E_NEG:
    case E_NOT:
        check(c, n->a, sc);
        return NULL;
    case E_BIN:
        check(c, n->a, sc);
        check(c, n->b, sc);
        return NULL;
    case E_CALL:
        return check_call(c, n, sc);
    }
    return NULL;
}

fp_status fp_expr_check_shape(const fp_expr *e, const fp_scope *schema, const fp_value **shape, fp_error *err)
{
    checker c = {.e = e, .err = err};
    const fp_value *v = check(&c, e->root, schema);
    if (shape)
        *shape = c.failed ? NULL : v;
    return c.failed ? FP_ERR_INPUT : FP_OK;
}

fp_status fp_expr_check(const fp_expr *e, const fp_scope *schema, fp_error *err)
{
    return fp_expr_check_shape(e, schema, NULL, err);
}
