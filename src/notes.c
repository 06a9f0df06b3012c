/* notes.c — parsing the manager's notes file (format in notes.h). */
#include "notes.h"

#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

static bool is_name(const char *s, size_t n)
{
    if (!n || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '_' || s[i] == '-'))
            return false;
    return true;
}

/* inline text: **bold** */
static void add_inline(fp_spans *sp, const char *s, size_t n)
{
    size_t i = 0, start = 0;
    bool bold = false;
    while (i < n) {
        if (i + 1 < n && s[i] == '*' && s[i + 1] == '*') {
            char *piece = fp_xstrndup(s + start, i - start);
            fp_spans_add(sp, piece, bold, FP_TONE_NONE);
            free(piece);
            bold = !bold;
            i += 2;
            start = i;
            continue;
        }
        i++;
    }
    char *piece = fp_xstrndup(s + start, n - start);
    fp_spans_add(sp, piece, bold, FP_TONE_NONE);
    free(piece);
}

typedef struct builder {
    fp_node *body;
    fp_node *para;   /* the paragraph being filled */
    fp_node *list;   /* the list being filled */
} builder;

static void end_blocks(builder *b)
{
    b->para = NULL;
    b->list = NULL;
}

static void line_into(builder *b, const char *s, size_t n)
{
    const char *t = s;
    size_t tn = fp_trim(&t, n);
    if (!tn) {
        end_blocks(b);
        return;
    }
    bool bullet = tn > 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && t[1] == ' ';
    size_t digits = 0;
    while (digits < tn && t[digits] >= '0' && t[digits] <= '9')
        digits++;
    bool numbered = digits && digits + 2 <= tn && (t[digits] == '.' || t[digits] == ')') && t[digits + 1] == ' ';
    if (bullet || numbered) {
        if (!b->list || b->list->ordered != numbered) {
            b->list = fp_node_add(b->body, fp_node_new(FP_NODE_LIST));
            b->list->ordered = numbered;
        }
        b->para = NULL;
        fp_node *it = fp_node_add(b->list, fp_node_new(FP_NODE_ITEM));
        size_t skip = bullet ? 2 : digits + 2;
        const char *x = t + skip;
        size_t xn = fp_trim(&x, tn - skip);
        add_inline(&it->spans, x, xn);
        return;
    }
    if (b->list && (s[0] == ' ' || s[0] == '\t') && b->list->nkids) {
        /* an indented line continues the last item */
        fp_node *it = b->list->kids[b->list->nkids - 1];
        add_inline(&it->spans, " ", 1);
        add_inline(&it->spans, t, tn);
        return;
    }
    b->list = NULL;
    if (!b->para) {
        b->para = fp_node_add(b->body, fp_node_new(FP_NODE_PARAGRAPH));
    } else if (b->para->spans.n) {
        /* a line break inside a paragraph: join Chinese directly, Latin with a space (a paragraph
         * whose first line held nothing but markup has no span yet) */
        const fp_span *last = &b->para->spans.v[b->para->spans.n - 1];
        size_t ll = strlen(last->text);
        unsigned char lc = ll ? (unsigned char)last->text[ll - 1] : 0;
        if (ll && lc < 0x80 && (unsigned char)t[0] < 0x80)
            add_inline(&b->para->spans, " ", 1);
    }
    add_inline(&b->para->spans, t, tn);
}

/* the text of an item, its spans joined */
static char *item_text(const fp_node *it)
{
    fp_buf b;
    fp_buf_init(&b);
    for (size_t i = 0; i < it->spans.n; i++)
        fp_buf_adds(&b, it->spans.v[i].text);
    return b.data ? fp_buf_steal(&b) : fp_xstrdup("");
}

/* the part "scores": one list item a dimension, "维度 | 分数 | 评语" */
static fp_status read_scores(fp_notes *nt, const char *name, fp_error *err)
{
    const fp_notes_part *p = fp_notes_find(nt, "scores");
    if (!p)
        return FP_OK;
    for (size_t k = 0; k < p->body->nkids; k++) {
        const fp_node *l = p->body->kids[k];
        if (l->type != FP_NODE_LIST)
            continue;
        for (size_t i = 0; i < l->nkids; i++) {
            char *t = item_text(l->kids[i]);
            char *bar1 = strchr(t, '|'), *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
            char *end = NULL;
            double sc = bar1 ? strtod(bar1 + 1, &end) : NAN;
            const char *e = end;
            while (e && (*e == ' ' || *e == '\t'))
                e++;
            bool ok = bar1 && end && end != bar1 + 1 && (!*e || *e == '|') && sc >= 0 && sc <= 100;
            if (!ok) {
                fp_status st = fp_fail(err, FP_ERR_INPUT,
                                       "%s:%d: in the part \"scores\", write each dimension as \"- 维度 | 分数 | 评语\" "
                                       "with a number from 0 to 100 as the score (found \"%.60s\")",
                                       name, p->line, t);
                free(t);
                return st;
            }
            *bar1 = 0;
            const char *dim = t, *com = bar2 ? bar2 + 1 : "";
            size_t dn = fp_trim(&dim, strlen(dim)), cn = fp_trim(&com, strlen(com));
            nt->scores = fp_xrealloc(nt->scores, (nt->nscores + 1) * sizeof *nt->scores);
            nt->scores[nt->nscores++] = (fp_score){fp_xstrndup(dim, dn), sc, fp_xstrndup(com, cn)};
            free(t);
        }
    }
    return FP_OK;
}

fp_status fp_notes_parse(const char *name, const char *text, size_t n, fp_notes **out, fp_error *err)
{
    *out = NULL;
    if (n > FP_MAX_NOTES_BYTES)
        return fp_fail(err, FP_ERR_INPUT, "%s: %zu bytes is too large for a notes file (limit %u MB)", name, n,
                       FP_MAX_NOTES_BYTES >> 20);
    size_t skip = n >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
    if (fp_utf8_valid_prefix((const unsigned char *)text + skip, n - skip) != n - skip) {
        size_t bad = skip + fp_utf8_valid_prefix((const unsigned char *)text + skip, n - skip);
        int line = 1;
        for (size_t i = 0; i < bad; i++)
            line += text[i] == '\n';
        return fp_fail(err, FP_ERR_INPUT, "%s:%d: the notes file must be UTF-8 (byte \\x%02X is not)", name, line,
                       (unsigned char)text[bad]);
    }
    fp_notes *nt = fp_xcalloc(1, sizeof *nt);
    nt->path = fp_xstrdup(name);
    const char *p = text + skip, *end = text + n;
    int line = 0;
    bool front = false, first = true;
    builder b = {0};
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *l = p;
        p = nl ? nl + 1 : end;
        line++;
        if (len && l[len - 1] == '\r')
            len--;
        const char *t = l;
        size_t tn = fp_trim(&t, len);
        if (first && tn == 3 && !memcmp(t, "---", 3)) {
            front = true;
            first = false;
            continue;
        }
        first = first && !tn;
        if (front) {
            if (tn == 3 && !memcmp(t, "---", 3)) {
                front = false;
                continue;
            }
            if (!tn || t[0] == '#')
                continue;
            const char *colon = memchr(t, ':', tn);
            if (!colon) {
                fp_notes_free(nt);
                return fp_fail(err, FP_ERR_INPUT, "%s:%d: between the \"---\" lines, write key: value (found \"%.*s\")",
                               name, line, (int)(tn > 60 ? 60 : tn), t);
            }
            const char *k = t, *v = colon + 1;
            size_t kn = fp_trim(&k, (size_t)(colon - t)), vn = fp_trim(&v, tn - (size_t)(colon + 1 - t));
            nt->keys = fp_xrealloc(nt->keys, (nt->nmeta + 1) * sizeof *nt->keys);
            nt->values = fp_xrealloc(nt->values, (nt->nmeta + 1) * sizeof *nt->values);
            nt->keys[nt->nmeta] = fp_xstrndup(k, kn);
            nt->values[nt->nmeta++] = fp_xstrndup(v, vn);
            continue;
        }
        if (tn >= 2 && t[0] == '#' && t[1] == ' ') {
            const char *pn = t + 2;
            size_t rest = fp_trim(&pn, tn - 2);
            size_t nn = 0;
            while (nn < rest && pn[nn] != ' ')
                nn++;
            if (!is_name(pn, nn)) {
                fp_notes_free(nt);
                return fp_fail(err, FP_ERR_INPUT,
                               "%s:%d: a part starts with \"# name\", the name in letters, digits, _ or - (found "
                               "\"%.*s\"); templates place it with <notes part=\"name\"/>",
                               name, line, (int)(nn > 40 ? 40 : nn), pn);
            }
            for (size_t i = 0; i < nt->nparts; i++)
                if (strlen(nt->parts[i].name) == nn && !memcmp(nt->parts[i].name, pn, nn)) {
                    int first_line = nt->parts[i].line;
                    fp_notes_free(nt);
                    return fp_fail(err, FP_ERR_INPUT, "%s:%d: the part \"%.*s\" appears twice (first at line %d)",
                                   name, line, (int)nn, pn, first_line);
                }
            const char *title = pn + nn;
            size_t tl = fp_trim(&title, rest - nn);
            nt->parts = fp_xrealloc(nt->parts, (nt->nparts + 1) * sizeof *nt->parts);
            fp_notes_part *part = &nt->parts[nt->nparts++];
            part->name = fp_xstrndup(pn, nn);
            part->title = fp_xstrndup(title, tl);
            part->body = fp_node_new(FP_NODE_BOX);
            part->line = line;
            b = (builder){.body = part->body};
            continue;
        }
        if (!b.body) {
            if (tn) {
                fp_notes_free(nt);
                return fp_fail(err, FP_ERR_INPUT,
                               "%s:%d: text before the first part; start a part with a line \"# name\"", name,
                               line);
            }
            continue;
        }
        line_into(&b, l, len);
    }
    if (front) {
        fp_notes_free(nt);
        return fp_fail(err, FP_ERR_INPUT, "%s: the \"---\" block at the top is never closed", name);
    }
    if (read_scores(nt, name, err) != FP_OK) {
        fp_notes_free(nt);
        return FP_ERR_INPUT;
    }
    *out = nt;
    return FP_OK;
}

fp_status fp_notes_load(const char *path, fp_notes **out, fp_error *err)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0)
        return fp_fail(err, FP_ERR_NOTFOUND, "%s: no such notes file", path);
    if (!S_ISREG(st.st_mode))
        return fp_fail(err, FP_ERR_INPUT, "%s: the notes file is not a regular file", path);
    if (st.st_size > (off_t)FP_MAX_NOTES_BYTES)
        return fp_fail(err, FP_ERR_INPUT, "%s: %lld bytes is too large for a notes file (limit %u MB)", path,
                       (long long)st.st_size, FP_MAX_NOTES_BYTES >> 20);
    FILE *f = fopen(path, "rb");
    if (!f)
        return fp_fail(err, FP_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
    char *buf = fp_xmalloc((size_t)st.st_size + 1);
    size_t got = fread(buf, 1, (size_t)st.st_size, f);
    fclose(f);
    fp_status s = fp_notes_parse(path, buf, got, out, err);
    free(buf);
    return s;
}

void fp_notes_free(fp_notes *n)
{
    for (size_t i = 0; n && i < n->nscores; i++) {
        free(n->scores[i].dimension);
        free(n->scores[i].comment);
    }
    if (n)
        free(n->scores);
    if (!n)
        return;
    for (size_t i = 0; i < n->nmeta; i++) {
        free(n->keys[i]);
        free(n->values[i]);
    }
    free(n->keys);
    free(n->values);
    for (size_t i = 0; i < n->nparts; i++) {
        free(n->parts[i].name);
        free(n->parts[i].title);
        fp_node_free(n->parts[i].body);
    }
    free(n->parts);
    free(n->path);
    free(n);
}

const fp_notes_part *fp_notes_find(const fp_notes *n, const char *name)
{
    for (size_t i = 0; n && i < n->nparts; i++)
        if (!strcmp(n->parts[i].name, name))
            return &n->parts[i];
    return NULL;
}

const char *fp_notes_meta(const fp_notes *n, const char *key)
{
    for (size_t i = 0; n && i < n->nmeta; i++)
        if (!strcmp(n->keys[i], key))
            return n->values[i];
    return NULL;
}
