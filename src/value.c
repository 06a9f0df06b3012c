/* value.c — the value tree and its JSON writer. */
#include "value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fp_value {
    fp_vtype type;
    fp_numkind kind;
    bool b;
    double n;
    char *s;
    fp_value **items;  /* array elements or object values */
    char **keys;       /* object keys */
    size_t len, cap;
};

static fp_value *make(fp_vtype t)
{
    fp_value *v = fp_xcalloc(1, sizeof *v);
    v->type = t;
    return v;
}

fp_value *fp_v_null(void)
{
    return make(FP_V_NULL);
}

fp_value *fp_v_bool(bool b)
{
    fp_value *v = make(FP_V_BOOL);
    v->b = b;
    return v;
}

fp_value *fp_v_num(double d, fp_numkind kind)
{
    if (!isfinite(d))
        return fp_v_null();
    fp_value *v = make(FP_V_NUM);
    v->n = d;
    v->kind = kind;
    return v;
}

fp_value *fp_v_str(const char *s)
{
    fp_value *v = make(FP_V_STR);
    v->s = fp_xstrdup(s ? s : "");
    return v;
}

fp_value *fp_v_arr(void)
{
    return make(FP_V_ARR);
}

fp_value *fp_v_obj(void)
{
    return make(FP_V_OBJ);
}

fp_value *fp_v_money(int64_t fen)
{
    return fen == INT64_MIN ? fp_v_null() : fp_v_num((double)fen / 100.0, FP_NUM_MONEY);
}

fp_value *fp_v_count(int64_t n)
{
    return n == INT64_MIN ? fp_v_null() : fp_v_num((double)n, FP_NUM_COUNT);
}

fp_value *fp_v_ratio(double r)
{
    return fp_v_num(r, FP_NUM_RATIO);
}

fp_value *fp_v_plain(double d)
{
    return fp_v_num(d, FP_NUM_PLAIN);
}

static void grow(fp_value *v)
{
    if (v->len < v->cap)
        return;
    v->cap = v->cap ? v->cap * 2 : 8;
    v->items = fp_xrealloc(v->items, v->cap * sizeof *v->items);
    if (v->type == FP_V_OBJ)
        v->keys = fp_xrealloc(v->keys, v->cap * sizeof *v->keys);
}

void fp_v_push(fp_value *arr, fp_value *v)
{
    if (arr->type != FP_V_ARR) {
        fp_v_free(v);
        return;
    }
    grow(arr);
    arr->items[arr->len++] = v;
}

void fp_v_set(fp_value *obj, const char *key, fp_value *v)
{
    if (obj->type != FP_V_OBJ) {
        fp_v_free(v);
        return;
    }
    for (size_t i = 0; i < obj->len; i++)
        if (strcmp(obj->keys[i], key) == 0) {
            fp_v_free(obj->items[i]);
            obj->items[i] = v;
            return;
        }
    grow(obj);
    obj->keys[obj->len] = fp_xstrdup(key);
    obj->items[obj->len++] = v;
}

fp_vtype fp_v_type(const fp_value *v)
{
    return v ? v->type : FP_V_NULL;
}

fp_numkind fp_v_numkind(const fp_value *v)
{
    return v && v->type == FP_V_NUM ? v->kind : FP_NUM_PLAIN;
}

bool fp_v_as_bool(const fp_value *v)
{
    return v && v->type == FP_V_BOOL && v->b;
}

double fp_v_as_num(const fp_value *v)
{
    return v && v->type == FP_V_NUM ? v->n : NAN;
}

const char *fp_v_as_str(const fp_value *v)
{
    return v && v->type == FP_V_STR ? v->s : NULL;
}

size_t fp_v_len(const fp_value *v)
{
    return v && (v->type == FP_V_ARR || v->type == FP_V_OBJ) ? v->len : 0;
}

const fp_value *fp_v_at(const fp_value *v, size_t i)
{
    return v && (v->type == FP_V_ARR || v->type == FP_V_OBJ) && i < v->len ? v->items[i] : NULL;
}

const char *fp_v_key(const fp_value *v, size_t i)
{
    return v && v->type == FP_V_OBJ && i < v->len ? v->keys[i] : NULL;
}

const fp_value *fp_v_get(const fp_value *obj, const char *key)
{
    if (!obj || obj->type != FP_V_OBJ)
        return NULL;
    for (size_t i = 0; i < obj->len; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return obj->items[i];
    return NULL;
}

fp_value *fp_v_copy(const fp_value *v)
{
    if (!v)
        return fp_v_null();
    fp_value *c = make(v->type);
    c->kind = v->kind;
    c->b = v->b;
    c->n = v->n;
    c->s = v->s ? fp_xstrdup(v->s) : NULL;
    for (size_t i = 0; i < v->len; i++) {
        if (v->type == FP_V_OBJ)
            fp_v_set(c, v->keys[i], fp_v_copy(v->items[i]));
        else
            fp_v_push(c, fp_v_copy(v->items[i]));
    }
    return c;
}

fp_value *fp_v_view(const fp_value *const *items, size_t n)
{
    fp_value *v = make(FP_V_ARR);
    v->items = fp_xmalloc((n ? n : 1) * sizeof *v->items);
    for (size_t i = 0; i < n; i++)
        v->items[i] = (fp_value *)items[i]; /* borrowed: fp_v_view_free does not free them */
    v->len = v->cap = n;
    return v;
}

void fp_v_view_free(fp_value *v)
{
    if (!v)
        return;
    free(v->items);
    free(v);
}

void fp_v_free(fp_value *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->len; i++) {
        fp_v_free(v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->s);
    free(v);
}

/* ---- JSON ---- */

void fp_json_number(double d, fp_numkind kind, fp_buf *out)
{
    char tmp[64];
    if (!isfinite(d)) {
        fp_buf_adds(out, "null");
        return;
    }
    int decimals = kind == FP_NUM_COUNT ? 0 : kind == FP_NUM_MONEY ? 2 : 6;
    fp_fixed(tmp, sizeof tmp, d, decimals);
    /* trim trailing zeros of the fraction, and a bare point */
    if (decimals) {
        size_t n = strlen(tmp);
        while (n > 0 && tmp[n - 1] == '0')
            tmp[--n] = 0;
        if (n > 0 && tmp[n - 1] == '.')
            tmp[--n] = 0;
    }
    if (!strcmp(tmp, "-0"))
        strcpy(tmp, "0");
    fp_buf_adds(out, tmp);
}

static void json_string(const char *s, fp_buf *out)
{
    fp_buf_addc(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fp_buf_adds(out, "\\\"");
            break;
        case '\\':
            fp_buf_adds(out, "\\\\");
            break;
        case '\n':
            fp_buf_adds(out, "\\n");
            break;
        case '\r':
            fp_buf_adds(out, "\\r");
            break;
        case '\t':
            fp_buf_adds(out, "\\t");
            break;
        default:
            if (*p < 0x20)
                fp_buf_printf(out, "\\u%04x", *p);
            else
                fp_buf_addc(out, (char)*p);
        }
    }
    fp_buf_addc(out, '"');
}

static void newline(fp_buf *out, int indent, int depth)
{
    if (!indent)
        return;
    fp_buf_addc(out, '\n');
    for (int i = 0; i < indent * depth; i++)
        fp_buf_addc(out, ' ');
}

/* an array of scalars, or an object of scalars, fits on one line */
static bool flat(const fp_value *v)
{
    for (size_t i = 0; i < v->len; i++)
        if (v->items[i]->type == FP_V_ARR || v->items[i]->type == FP_V_OBJ)
            return false;
    return v->type == FP_V_ARR || v->len <= 16;
}

static void write_value(const fp_value *v, int indent, int depth, fp_buf *out)
{
    switch (v->type) {
    case FP_V_NULL:
        fp_buf_adds(out, "null");
        break;
    case FP_V_BOOL:
        fp_buf_adds(out, v->b ? "true" : "false");
        break;
    case FP_V_NUM:
        fp_json_number(v->n, v->kind, out);
        break;
    case FP_V_STR:
        json_string(v->s, out);
        break;
    case FP_V_ARR:
    case FP_V_OBJ: {
        bool obj = v->type == FP_V_OBJ;
        fp_buf_addc(out, obj ? '{' : '[');
        if (v->len == 0) {
            fp_buf_addc(out, obj ? '}' : ']');
            break;
        }
        bool one_line = indent && flat(v) && depth > 0;
        for (size_t i = 0; i < v->len; i++) {
            if (i)
                fp_buf_adds(out, one_line ? ", " : ",");
            if (!one_line)
                newline(out, indent, depth + 1);
            if (obj) {
                json_string(v->keys[i], out);
                fp_buf_adds(out, indent ? ": " : ":");
            }
            write_value(v->items[i], indent, depth + 1, out);
        }
        if (!one_line)
            newline(out, indent, depth);
        fp_buf_addc(out, obj ? '}' : ']');
        break;
    }
    }
}

void fp_json_write(const fp_value *v, int indent, fp_buf *out)
{
    write_value(v, indent, 0, out);
    if (indent)
        fp_buf_addc(out, '\n');
}

/* ---- reading JSON (manifests) ---- */

typedef struct jp {
    const char *s, *end;
    int line;
    fp_error *err;
    bool failed;
} jp;

static void jfail(jp *p, const char *what)
{
    if (!p->failed)
        fp_fail(p->err, FP_ERR_INPUT, "line %d: %s", p->line, what);
    p->failed = true;
}

static void jws(jp *p)
{
    while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r')) {
        if (*p->s == '\n')
            p->line++;
        p->s++;
    }
}

static fp_value *jvalue(jp *p, int depth);

static char *jstring(jp *p)
{
    if (p->s >= p->end || *p->s != '"') {
        jfail(p, "expected a string");
        return NULL;
    }
    p->s++;
    fp_buf b;
    fp_buf_init(&b);
    while (p->s < p->end && *p->s != '"') {
        unsigned char c = (unsigned char)*p->s++;
        if (c < 0x20) {
            jfail(p, "a control character inside a string");
            break;
        }
        if (c != '\\') {
            fp_buf_addc(&b, (char)c);
            continue;
        }
        if (p->s >= p->end)
            break;
        char e = *p->s++;
        switch (e) {
        case '"': case '\\': case '/':
            fp_buf_addc(&b, e);
            break;
        case 'b': fp_buf_addc(&b, '\b'); break;
        case 'f': fp_buf_addc(&b, '\f'); break;
        case 'n': fp_buf_addc(&b, '\n'); break;
        case 'r': fp_buf_addc(&b, '\r'); break;
        case 't': fp_buf_addc(&b, '\t'); break;
        case 'u': {
            unsigned v = 0;
            for (int k = 0; k < 4; k++) {
                if (p->s >= p->end) {
                    jfail(p, "a \\u escape cut short");
                    break;
                }
                char h = *p->s++;
                v = v * 16 + (unsigned)(h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                        : h >= 'A' && h <= 'F' ? h - 'A' + 10 : 0);
            }
            if (v >= 0xD800 && v < 0xDC00 && p->end - p->s >= 6 && p->s[0] == '\\' && p->s[1] == 'u') {
                unsigned lo = (unsigned)strtoul((char[5]){p->s[2], p->s[3], p->s[4], p->s[5], 0}, NULL, 16);
                p->s += 6;
                v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
            }
            char u[4];
            int m = v < 0x80 ? 1 : v < 0x800 ? 2 : v < 0x10000 ? 3 : 4;
            if (m == 1)
                u[0] = (char)v;
            else if (m == 2)
                u[0] = (char)(0xC0 | v >> 6), u[1] = (char)(0x80 | (v & 0x3F));
            else if (m == 3)
                u[0] = (char)(0xE0 | v >> 12), u[1] = (char)(0x80 | ((v >> 6) & 0x3F)), u[2] = (char)(0x80 | (v & 0x3F));
            else
                u[0] = (char)(0xF0 | v >> 18), u[1] = (char)(0x80 | ((v >> 12) & 0x3F)),
                u[2] = (char)(0x80 | ((v >> 6) & 0x3F)), u[3] = (char)(0x80 | (v & 0x3F));
            fp_buf_add(&b, u, (size_t)m);
            break;
        }
        default:
            jfail(p, "an unknown escape in a string");
        }
    }
    if (p->s >= p->end)
        jfail(p, "a string is not closed");
    else
        p->s++;
    if (p->failed) {
        fp_buf_free(&b);
        return NULL;
    }
    return b.data ? fp_buf_steal(&b) : fp_xstrdup("");
}

static fp_value *jvalue(jp *p, int depth)
{
    jws(p);
    if (depth > 64) {
        jfail(p, "nested too deep");
        return NULL;
    }
    if (p->s >= p->end) {
        jfail(p, "unexpected end");
        return NULL;
    }
    char c = *p->s;
    if (c == '{' || c == '[') {
        bool obj = c == '{';
        fp_value *v = obj ? fp_v_obj() : fp_v_arr();
        p->s++;
        jws(p);
        if (p->s < p->end && *p->s == (obj ? '}' : ']')) {
            p->s++;
            return v;
        }
        for (;;) {
            char *key = NULL;
            if (obj) {
                jws(p);
                key = jstring(p);
                jws(p);
                if (!key || p->s >= p->end || *p->s != ':') {
                    free(key);
                    jfail(p, "expected \"key\": value");
                    fp_v_free(v);
                    return NULL;
                }
                p->s++;
            }
            fp_value *e = jvalue(p, depth + 1);
            if (!e) {
                free(key);
                fp_v_free(v);
                return NULL;
            }
            if (obj)
                fp_v_set(v, key, e);
            else
                fp_v_push(v, e);
            free(key);
            jws(p);
            if (p->s < p->end && *p->s == ',') {
                p->s++;
                continue;
            }
            if (p->s < p->end && *p->s == (obj ? '}' : ']')) {
                p->s++;
                return v;
            }
            jfail(p, obj ? "expected , or }" : "expected , or ]");
            fp_v_free(v);
            return NULL;
        }
    }
    if (c == '"') {
        char *s = jstring(p);
        if (!s)
            return NULL;
        fp_value *v = fp_v_str(s);
        free(s);
        return v;
    }
    if (p->end - p->s >= 4 && !strncmp(p->s, "true", 4)) {
        p->s += 4;
        return fp_v_bool(true);
    }
    if (p->end - p->s >= 5 && !strncmp(p->s, "false", 5)) {
        p->s += 5;
        return fp_v_bool(false);
    }
    if (p->end - p->s >= 4 && !strncmp(p->s, "null", 4)) {
        p->s += 4;
        return fp_v_null();
    }
    char num[64];
    size_t k = 0;
    while (p->s < p->end && k < sizeof num - 1 && strchr("+-0123456789.eE", *p->s))
        num[k++] = *p->s++;
    num[k] = 0;
    char *endp;
    double d = strtod(num, &endp);
    if (!k || *endp) {
        jfail(p, "expected a value");
        return NULL;
    }
    return fp_v_num(d, FP_NUM_PLAIN);
}

fp_status fp_json_parse(const char *name, const char *text, size_t n, fp_value **out, fp_error *err)
{
    jp p = {.s = text, .end = text + n, .line = 1, .err = err};
    *out = jvalue(&p, 0);
    if (*out) {
        jws(&p);
        if (p.s < p.end) {
            jfail(&p, "text after the value");
            fp_v_free(*out);
            *out = NULL;
        }
    }
    if (!*out) {
        fp_error_prefix(err, "%s", name);
        return FP_ERR_INPUT;
    }
    return FP_OK;
}
