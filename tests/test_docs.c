/* The template language reference, templates/README.md, is true:
 *
 *  - every ```xml block in it is a whole template that `fupan check` accepts and that renders (PDF and
 *    HTML) against the demo data, with the README's own ```notes block as the notes file; the HTML holds
 *    the report's title and the first section's title;
 *  - every ```xml-broken block is refused by `fupan check` (exit 1), and the ```text block after it is
 *    exactly what check printed; every ```notes-broken block stops a render with the output shown after it;
 *  - every element of templates/template.rng has its own section, headed ### `<name>`, whose first example
 *    uses it, so a new element without documentation fails here; every format and chart type is in a table;
 *  - the table of formats is true: each placeholder in it, rendered in Chinese and in English, gives the
 *    output the table shows.
 */
#include "testutil.h"

#include <stdbool.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#define MAX_BLOCKS 128
#define TEAM "华东一组"

typedef struct block {
    char info[32];      /* the fence's info string: xml, xml-broken, notes, text … */
    char *text;         /* the lines between the fences, each ending in \n */
    int line;           /* the line of the opening fence, from 1 */
    char heading[128];  /* the last heading line before it */
} block;

typedef struct readme {
    char *md;
    block b[MAX_BLOCKS];
    size_t n;
} readme;

/* the fenced code blocks of the README: an opening fence is a line starting with exactly three
 * backticks and an info string without backticks; the closing fence a line of three backticks */
static void read_readme(readme *r)
{
    memset(r, 0, sizeof *r);
    r->md = tu_read_src("templates/README.md");
    assert_non_null(r->md);
    char heading[128] = "";
    block *open = NULL;
    size_t start = 0;
    int lineno = 0;
    for (const char *p = r->md; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        if (open) {
            size_t k = 3;
            while (k < len && (p[k] == ' ' || p[k] == '\r'))
                k++;
            if (len >= 3 && !strncmp(p, "```", 3) && k == len) {
                open->text = strndup(r->md + start, (size_t)(p - (r->md + start)));
                open = NULL;
            }
        } else if (len >= 3 && !strncmp(p, "```", 3) && (len == 3 || p[3] != '`') &&
                   !memchr(p + 3, '`', len - 3)) {
            assert_true(r->n < MAX_BLOCKS);
            open = &r->b[r->n++];
            snprintf(open->info, sizeof open->info, "%.*s", (int)(len - 3), p + 3);
            open->line = lineno;
            snprintf(open->heading, sizeof open->heading, "%s", heading);
            start = (size_t)((nl ? nl + 1 : p + len) - r->md);
        } else if (len >= 2 && p[0] == '#') {
            snprintf(heading, sizeof heading, "%.*s", (int)len, p);
        }
        p = nl ? nl + 1 : p + len;
    }
    if (open)
        fail_msg("templates/README.md:%d: the ```%s block is never closed", open->line, open->info);
}

static void free_readme(readme *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->b[i].text);
    free(r->md);
}

static bool is(const block *b, const char *info)
{
    return !strcmp(b->info, info);
}

static xmlDocPtr parse(const char *xml)
{
    return xmlReadMemory(xml, (int)strlen(xml), "example.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* does the tree under n use an element called name */
static bool uses(xmlNodePtr n, const char *name)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (!strcmp((const char *)n->name, name) || uses(n->children, name))
            return true;
    }
    return false;
}

static void add_escaped(char *out, size_t cap, const char *s, size_t n)
{
    size_t k = strlen(out);
    for (size_t i = 0; i < n && k + 7 < cap; i++) {
        const char *rep = s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;" : s[i] == '"' ? "&quot;"
                          : s[i] == '\'' ? "&#39;" : NULL;
        if (rep) {
            strcpy(out + k, rep);
            k += strlen(rep);
        } else {
            out[k++] = s[i];
        }
    }
    out[k] = 0;
}

/* every literal piece of a text attribute (what is outside its {placeholders}) is in the HTML */
static void literal_pieces_in(const char *attr, const char *html, const block *b, const char *what)
{
    char piece[1024] = "";
    const char *p = attr;
    for (;;) {
        bool end = !*p;
        if (end || (p[0] == '{' && p[1] != '{')) {
            /* a piece ends: trim it and look for it */
            const char *s = piece;
            size_t n = strlen(s);
            while (n && *s == ' ')
                s++, n--;
            while (n && s[n - 1] == ' ')
                n--;
            if (n) {
                char esc[4096] = "";
                add_escaped(esc, sizeof esc, s, n);
                if (!strstr(html, esc))
                    fail_msg("templates/README.md:%d: the HTML of this example does not show the %s's text \"%s\"",
                             b->line, what, esc);
            }
            piece[0] = 0;
            if (end)
                break;
            /* skip the placeholder, quotes and nesting included */
            int depth = 0;
            char quote = 0;
            for (p++; *p; p++) {
                if (quote) {
                    if (*p == '\\' && p[1])
                        p++;
                    else if (*p == quote)
                        quote = 0;
                } else if (*p == '\'' || *p == '"') {
                    quote = *p;
                } else if (*p == '(' || *p == '[') {
                    depth++;
                } else if (*p == ')' || *p == ']') {
                    depth--;
                } else if (*p == '}' && depth <= 0) {
                    break;
                }
            }
            if (*p)
                p++;
            continue;
        }
        size_t k = strlen(piece);
        if (k + 2 < sizeof piece)
            piece[k] = *p, piece[k + 1] = 0;
        p += (p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}') ? 2 : 1;
    }
}

/* the text of a block after the "$ command" line it may start with */
static const char *after_prompt(const char *text)
{
    if (!strncmp(text, "$ ", 2)) {
        const char *nl = strchr(text, '\n');
        return nl ? nl + 1 : "";
    }
    return text;
}

static void assert_same_output(const char *got, const block *want, const block *example)
{
    const char *w = after_prompt(want->text);
    size_t gl = got ? strlen(got) : 0, wl = strlen(w);
    while (gl && got[gl - 1] == '\n')
        gl--;
    while (wl && w[wl - 1] == '\n')
        wl--;
    if (gl != wl || strncmp(got, w, gl) != 0)
        fail_msg("templates/README.md:%d shows for the example at line %d:\n%.*s\nbut fupan prints:\n%.*s",
                 want->line, example->line, (int)wl, w, (int)gl, got ? got : "");
}

static void every_example_checks_and_renders(void **state)
{
    (void)state;
    readme r;
    read_readme(&r);
    char *dir = tu_tmpdir();
    /* the README's own notes file */
    const block *notes = NULL;
    for (size_t i = 0; i < r.n && !notes; i++)
        if (is(&r.b[i], "notes"))
            notes = &r.b[i];
    if (!notes)
        fail_msg("templates/README.md has no ```notes block (the notes file every example is rendered with)");
    tu_writes(dir, "notes.md", notes->text);
    int good = 0;
    for (size_t i = 0; i < r.n; i++) {
        const block *b = &r.b[i];
        if (!is(b, "xml"))
            continue;
        char name[32], cmd[4096], *out = NULL, *err = NULL;
        snprintf(name, sizeof name, "ex%02zu.xml", i);
        tu_writes(dir, name, b->text);
        snprintf(cmd, sizeof cmd, "cd '%s' && LC_ALL=C '%s' check '%s/%s'", tu_src(), tu_bin(), dir, name);
        if (tu_run(cmd, &out, &err) != 0)
            fail_msg("templates/README.md:%d: fupan check refuses the example:\n%s", b->line, err);
        assert_contains(out, ": ok");
        free(out);
        free(err);

        xmlDocPtr doc = parse(b->text);
        if (!doc)
            fail_msg("templates/README.md:%d: libxml2 cannot parse the example", b->line);
        xmlNodePtr root = xmlDocGetRootElement(doc);
        if (!strcmp((const char *)root->name, "library")) {
            /* a phrase library: checked (above) and used by the examples that include it, not rendered */
            xmlFreeDoc(doc);
            continue;
        }
        assert_string_equal((const char *)root->name, "report");
        /* the period: October 2026 when the template is for months, else one of the kinds it is for */
        xmlChar *periods = xmlGetProp(root, BAD_CAST "periods");
        const char *period = !periods || strstr((char *)periods, "month")  ? "2026-10"
                             : strstr((char *)periods, "quarter")          ? "2026-Q4"
                             : strstr((char *)periods, "week")             ? "2026-W43"
                                                                           : "2026";
        snprintf(cmd, sizeof cmd,
                 "cd '%s' && SOURCE_DATE_EPOCH=1793577600 LC_ALL=C '%s' render --template '%s/%s' --data samples/demo "
                 "--period %s --team " TEAM " --as-of 2026-10-31 --notes '%s/notes.md' --out '%s/out%zu' "
                 "--format pdf,html",
                 tu_src(), tu_bin(), dir, name, period, dir, dir, i);
        int rc = tu_run(cmd, &out, &err);
        if (rc != 0)
            fail_msg("templates/README.md:%d: the example does not render for %s (exit %d):\n%s", b->line, period, rc,
                     err);
        if (err && *err)
            fail_msg("templates/README.md:%d: rendering the example warns:\n%s", b->line, err);
        char path[1200];
        snprintf(path, sizeof path, "%s/out%zu/" TEAM "-%s.pdf", dir, i, period);
        char *pdf = tu_read(path);
        if (!pdf || strncmp(pdf, "%PDF-", 5))
            fail_msg("templates/README.md:%d: no PDF at %s", b->line, path);
        snprintf(path, sizeof path, "%s/out%zu/" TEAM "-%s.html", dir, i, period);
        char *html = tu_read(path);
        if (!html || !strstr(html, "</html>"))
            fail_msg("templates/README.md:%d: no HTML at %s", b->line, path);
        /* the title, and the first section's title */
        xmlChar *title = xmlGetProp(root, BAD_CAST "title");
        assert_non_null(title);
        literal_pieces_in((const char *)title, html, b, "report title");
        for (xmlNodePtr k = root->children; k; k = k->next)
            if (k->type == XML_ELEMENT_NODE && !strcmp((const char *)k->name, "section")) {
                xmlChar *st = xmlGetProp(k, BAD_CAST "title");
                literal_pieces_in((const char *)st, html, b, "first section");
                xmlFree(st);
                break;
            }
        xmlFree(title);
        xmlFree(periods);
        xmlFreeDoc(doc);
        free(pdf);
        free(html);
        free(out);
        free(err);
        good++;
    }
    assert_true(good >= 26);
    tu_rmrf(dir);
    free(dir);
    free_readme(&r);
}

static void broken_examples_fail_as_shown(void **state)
{
    (void)state;
    readme r;
    read_readme(&r);
    int broken = 0;
    for (size_t i = 0; i < r.n; i++) {
        const block *b = &r.b[i];
        bool tmpl = is(b, "xml-broken"), notes = is(b, "notes-broken");
        if (!tmpl && !notes)
            continue;
        if (i + 1 >= r.n || !is(&r.b[i + 1], "text"))
            fail_msg("templates/README.md:%d: a ```%s block is followed by a ```text block with fupan's output",
                     b->line, b->info);
        char *dir = tu_tmpdir(), cmd[4096], *out = NULL, *err = NULL;
        if (tmpl) {
            tu_writes(dir, "broken.xml", b->text);
            snprintf(cmd, sizeof cmd, "cd '%s' && LC_ALL=C '%s' check broken.xml", dir, tu_bin());
        } else {
            tu_writes(dir, "notes.md", b->text);
            snprintf(cmd, sizeof cmd,
                     "cd '%s' && LC_ALL=C '%s' render --template monthly --data '%s/samples/demo' --period 2026-10 "
                     "--team " TEAM " --as-of 2026-10-31 --notes notes.md --out out",
                     dir, tu_bin(), tu_src());
        }
        int rc = tu_run(cmd, &out, &err);
        if (rc != 1)
            fail_msg("templates/README.md:%d: the broken example gives exit %d, not 1:\n%s", b->line, rc, err);
        assert_same_output(err, &r.b[i + 1], b);
        free(out);
        free(err);
        tu_rmrf(dir);
        free(dir);
        broken++;
    }
    assert_true(broken >= 2);
    free_readme(&r);
}

/* the element names of the schema: every <element name="…"> of templates/template.rng */
static size_t schema_elements(xmlNodePtr n, char names[][32], size_t k, size_t max)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (!strcmp((const char *)n->name, "element")) {
            xmlChar *nm = xmlGetProp(n, BAD_CAST "name");
            bool seen = !nm;
            for (size_t i = 0; i < k && !seen; i++)
                seen = !strcmp(names[i], (const char *)nm);
            if (!seen && k < max)
                snprintf(names[k++], 32, "%s", (const char *)nm);
            xmlFree(nm);
        }
        k = schema_elements(n->children, names, k, max);
    }
    return k;
}

static void every_element_has_a_section_and_an_example(void **state)
{
    (void)state;
    readme r;
    read_readme(&r);
    char *rng = tu_path("templates/template.rng");
    xmlDocPtr schema = xmlReadFile(rng, NULL, XML_PARSE_NONET);
    assert_non_null(schema);
    char names[64][32];
    size_t n = schema_elements(xmlDocGetRootElement(schema), names, 0, 64);
    assert_true(n >= 26);
    for (size_t e = 0; e < n; e++) {
        char heading[64];
        snprintf(heading, sizeof heading, "### `<%s>`", names[e]);
        char *at = strstr(r.md, heading);
        if (!at || (at != r.md && at[-1] != '\n'))
            fail_msg("<%s> has no section in templates/README.md (a heading %s)", names[e], heading);
        const block *first = NULL;
        for (size_t i = 0; i < r.n && !first; i++)
            if (is(&r.b[i], "xml") && !strcmp(r.b[i].heading, heading))
                first = &r.b[i];
        if (!first)
            fail_msg("the section %s of templates/README.md has no ```xml example", heading);
        xmlDocPtr doc = parse(first->text);
        assert_non_null(doc);
        if (!uses(xmlDocGetRootElement(doc), names[e]))
            fail_msg("templates/README.md:%d: the first example of %s does not use <%s>", first->line, heading,
                     names[e]);
        xmlFreeDoc(doc);
    }
    /* and no section documents an element the language does not have */
    for (const char *p = r.md; (p = strstr(p, "\n### `<")) != NULL; p++) {
        char nm[32] = "";
        sscanf(p + 7, "%31[a-z-]", nm);
        bool known = false;
        for (size_t e = 0; e < n && !known; e++)
            known = !strcmp(names[e], nm);
        if (!known)
            fail_msg("templates/README.md documents <%s>, which templates/template.rng does not have", nm);
    }
    xmlFreeDoc(schema);
    free(rng);
    free_readme(&r);
}

static void every_format_and_chart_type_is_listed(void **state)
{
    (void)state;
    readme r;
    read_readme(&r);
    /* the formats, as fupan lists them when one is unknown */
    char *dir = tu_tmpdir(), cmd[2048], *err = NULL;
    tu_writes(dir, "f.xml", "<report title=\"t\"><p>{sales|nosuch}</p></report>\n");
    snprintf(cmd, sizeof cmd, "cd '%s' && LC_ALL=C '%s' check f.xml", dir, tu_bin());
    assert_int_equal(tu_run(cmd, NULL, &err), 1);
    const char *list = strstr(err, "the formats are ");
    assert_non_null(list);
    list += strlen("the formats are ");
    int formats = 0;
    for (const char *p = list; *p && *p != ' ' && *p != '(';) {
        char nm[32] = "", row[48];
        sscanf(p, "%31[a-z_]", nm);
        assert_true(nm[0]);
        snprintf(row, sizeof row, "\n| `%s`", nm);
        if (!strstr(r.md, row))
            fail_msg("the format %s is not in the table of formats of templates/README.md", nm);
        formats++;
        p += strlen(nm);
        if (*p == ',')
            p += 2;
        else
            break;
    }
    assert_true(formats >= 14);
    free(err);
    tu_rmrf(dir);
    free(dir);
    /* the chart types, from the schema */
    char *rng = tu_read_src("templates/template.rng");
    const char *ct = strstr(rng, "<attribute name=\"type\">");
    assert_non_null(ct);
    const char *end = strstr(ct, "</attribute>");
    int types = 0;
    for (const char *p = ct; (p = strstr(p, "<value>")) != NULL && p < end; p++) {
        char nm[32] = "", row[48];
        sscanf(p + 7, "%31[a-z]", nm);
        snprintf(row, sizeof row, "\n| `%s`", nm);
        char row2[48];
        snprintf(row2, sizeof row2, ", `%s` |", nm);
        if (!strstr(r.md, row) && !strstr(r.md, row2))
            fail_msg("the chart type %s is not in the table of chart types of templates/README.md", nm);
        types++;
    }
    assert_true(types >= 14);
    free(rng);
    free_readme(&r);
}

/* the cells of a table row "| a | b \| c |": split at the bars that are not escaped, trimmed, "\|" kept */
static size_t cells_of(const char *line, size_t len, char cells[][256], size_t max)
{
    size_t n = 0;
    const char *p = line + 1, *end = line + len;
    while (p < end && n < max) {
        const char *q = p;
        while (q < end && !(*q == '|' && q[-1] != '\\'))
            q++;
        if (q >= end)
            break;
        while (p < q && *p == ' ')
            p++;
        const char *e = q;
        while (e > p && e[-1] == ' ')
            e--;
        snprintf(cells[n++], 256, "%.*s", (int)(e - p), p);
        p = q + 1;
    }
    return n;
}

/* the items of a cell separated by ", " (thousands separators have no space after them) */
static size_t items_of(const char *cell, char items[][128], size_t max)
{
    size_t n = 0;
    for (const char *p = cell; *p && n < max;) {
        const char *q = strstr(p, ", ");
        size_t len = q ? (size_t)(q - p) : strlen(p);
        snprintf(items[n++], 128, "%.*s", (int)len, p);
        p += len + (q ? 2 : 0);
    }
    return n;
}

static void the_formats_table_is_what_fupan_writes(void **state)
{
    (void)state;
    readme r;
    read_readme(&r);
    const char *t = strstr(r.md, "\n| format | placeholder |");
    assert_non_null(t);
    char ph[128][128], want[2][128][128];
    int rowline[128];
    size_t n = 0;
    int lineno = 2; /* the header's line */
    for (const char *q = r.md; q < t; q++)
        lineno += *q == '\n';
    for (const char *p = t + 1; *p == '|'; lineno++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char cells[8][256];
        size_t nc = cells_of(p, len, cells, 8);
        p = nl ? nl + 1 : p + len;
        if (nc != 5 || strncmp(cells[1], "`{", 2))
            continue; /* the header and the rule under it */
        /* the placeholders: each in backticks, with \| for | */
        size_t first = n;
        for (const char *b = cells[1]; (b = strchr(b, '`')) != NULL && n < 128;) {
            const char *e = strchr(b + 1, '`');
            assert_non_null(e);
            size_t k = 0;
            for (const char *c = b + 1; c < e && k + 1 < sizeof ph[n]; c++)
                if (!(c[0] == '\\' && c[1] == '|'))
                    ph[n][k++] = *c;
            ph[n][k] = 0;
            rowline[n++] = lineno;
            b = e + 1;
        }
        for (int lang = 0; lang < 2; lang++) {
            const char *cell = lang && strcmp(cells[4], "the same") ? cells[4] : cells[3];
            size_t ni = items_of(cell, want[lang] + first, 128 - first);
            if (ni != n - first)
                fail_msg("templates/README.md:%d: %zu placeholders and %zu outputs (%s)", lineno, n - first, ni,
                         lang ? "en" : "zh");
        }
    }
    assert_true(n >= 30);
    char *dir = tu_tmpdir();
    for (int lang = 0; lang < 2; lang++) {
        size_t cap = 4096 + n * 200;
        char *xml = malloc(cap);
        snprintf(xml, cap, "<report title=\"formats\" lang=\"%s\" periods=\"month\"><section title=\"f\"><ul>\n",
                 lang ? "en" : "zh");
        for (size_t i = 0; i < n; i++)
            snprintf(xml + strlen(xml), cap - strlen(xml), "<li>F%zu:%s</li>\n", i, ph[i]);
        snprintf(xml + strlen(xml), cap - strlen(xml), "</ul></section></report>\n");
        tu_writes(dir, "formats.xml", xml);
        char cmd[4096], *err = NULL;
        snprintf(cmd, sizeof cmd,
                 "cd '%s' && LC_ALL=C '%s' render --template '%s/formats.xml' --data samples/demo --period 2026-10 "
                 "--team " TEAM " --as-of 2026-10-31 --out '%s/out' --format html",
                 tu_src(), tu_bin(), dir, dir);
        if (tu_run(cmd, NULL, &err) != 0)
            fail_msg("the placeholders of the table of formats do not render:\n%s", err);
        free(err);
        char path[1200];
        snprintf(path, sizeof path, "%s/out/" TEAM "-2026-10.html", dir);
        char *html = tu_read(path);
        assert_non_null(html);
        for (size_t i = 0; i < n; i++) {
            char key[32];
            snprintf(key, sizeof key, "<li>F%zu:", i);
            const char *at = strstr(html, key);
            assert_non_null(at);
            at += strlen(key);
            const char *e = strstr(at, "</li>");
            assert_non_null(e);
            char esc[512] = "";
            add_escaped(esc, sizeof esc, want[lang][i], strlen(want[lang][i]));
            /* the text without the no-wrap runs that keep a number with its unit */
            char got[512];
            size_t gl = 0;
            for (const char *q = at; q < e && gl + 1 < sizeof got;) {
                if (!strncmp(q, "<span class=\"nw\">", 17))
                    q += 17;
                else if (!strncmp(q, "</span>", 7))
                    q += 7;
                else
                    got[gl++] = *q++;
            }
            got[gl] = 0;
            if (strcmp(got, esc))
                fail_msg("templates/README.md:%d: %s in lang=\"%s\" is \"%s\", not \"%s\"", rowline[i], ph[i],
                         lang ? "en" : "zh", got, esc);
        }
        free(html);
        free(xml);
    }
    tu_rmrf(dir);
    free(dir);
    free_readme(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_example_checks_and_renders),
        cmocka_unit_test(broken_examples_fail_as_shown),
        cmocka_unit_test(every_element_has_a_section_and_an_example),
        cmocka_unit_test(every_format_and_chart_type_is_listed),
        cmocka_unit_test(the_formats_table_is_what_fupan_writes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
