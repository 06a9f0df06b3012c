/* The template language reference (templates/README.md) is true: every ```xml block in it is a whole
 * template that `fupan check` accepts and that renders to PDF and HTML against the demo data; every
 * ```xml-broken block is rejected; and every element of templates/template.rng is used in some
 * example, so a new element without documentation fails here. */
#include "testutil.h"

#include <stdbool.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

typedef struct block {
    char *text;
    bool broken;
} block;

static size_t blocks_of(const char *md, block *out, size_t max)
{
    size_t n = 0;
    for (const char *p = md; (p = strstr(p, "\n```xml")) != NULL && n < max;) {
        p++; /* fences open a line */
        bool broken = !strncmp(p, "```xml-broken", 13);
        const char *start = strchr(p, '\n');
        if (!start)
            break;
        start++;
        const char *end = strstr(start, "```");
        if (!end)
            break;
        out[n].text = strndup(start, (size_t)(end - start));
        out[n].broken = broken;
        n++;
        p = end + 3;
    }
    return n;
}

static void every_example_checks_and_renders(void **state)
{
    (void)state;
    char *md = tu_read_src("templates/README.md");
    assert_non_null(md);
    block b[64];
    size_t n = blocks_of(md, b, 64);
    assert_true(n >= 15);
    char *dir = tu_tmpdir();
    int good = 0, bad = 0;
    for (size_t i = 0; i < n; i++) {
        char name[32], cmd[4096], *err = NULL, *out = NULL;
        snprintf(name, sizeof name, "ex%02zu.xml", i);
        tu_writes(dir, name, b[i].text);
        snprintf(cmd, sizeof cmd, "cd '%s' && LC_ALL=C '%s' check '%s/%s'", tu_src(), tu_bin(), dir, name);
        int rc = tu_run(cmd, &out, &err);
        if (b[i].broken) {
            if (rc != 1)
                fail_msg("the broken example %zu passes fupan check:\n%s", i, b[i].text);
            assert_contains(err, ":3: unknown element <tabel>");
            bad++;
        } else {
            if (rc != 0)
                fail_msg("example %zu of templates/README.md fails fupan check:\n%s\n%s", i, b[i].text, err);
            /* the period kind the example is for */
            const char *period = strstr(b[i].text, "periods=\"week") ? "2026-W43"
                                 : strstr(b[i].text, "periods=\"year") ? "2026"
                                                                       : "2026-10";
            snprintf(cmd, sizeof cmd,
                     "cd '%s' && SOURCE_DATE_EPOCH=1793577600 LC_ALL=C '%s' render --template '%s/%s' --data samples/demo "
                     "--period %s --team 华东一组 --as-of 2026-10-31 --notes samples/notes/华东一组-2026-10.md "
                     "--out '%s/out%zu'",
                     tu_src(), tu_bin(), dir, name, period, dir, i);
            free(out);
            free(err);
            rc = tu_run(cmd, &out, &err);
            if (rc != 0)
                fail_msg("example %zu does not render: %s", i, err);
            assert_contains(out, ".pdf");
            assert_contains(out, ".html");
            good++;
        }
        free(out);
        free(err);
        free(b[i].text);
    }
    assert_true(good >= 15);
    assert_int_equal(bad, 1);
    tu_rmrf(dir);
    free(dir);
    free(md);
}

static void every_element_has_an_example(void **state)
{
    (void)state;
    char *md = tu_read_src("templates/README.md");
    block b[64];
    size_t n = blocks_of(md, b, 64);
    char *rng = tu_path("templates/template.rng");
    xmlDocPtr doc = xmlReadFile(rng, NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    int elements = 0;
    for (xmlNodePtr node = xmlDocGetRootElement(doc); node;) {
        if (node->type == XML_ELEMENT_NODE && !xmlStrcmp(node->name, BAD_CAST "element")) {
            xmlChar *nm = xmlGetProp(node, BAD_CAST "name");
            if (nm) {
                char open1[64], open2[64];
                snprintf(open1, sizeof open1, "<%s>", (const char *)nm);
                snprintf(open2, sizeof open2, "<%s ", (const char *)nm);
                bool used = false;
                for (size_t i = 0; i < n && !used; i++)
                    used = !b[i].broken && (strstr(b[i].text, open1) || strstr(b[i].text, open2));
                if (!used) {
                    char self[64];
                    snprintf(self, sizeof self, "<%s/>", (const char *)nm);
                    for (size_t i = 0; i < n && !used; i++)
                        used = !b[i].broken && strstr(b[i].text, self);
                }
                if (!used)
                    fail_msg("<%s> has no example in templates/README.md", (const char *)nm);
                elements++;
                xmlFree(nm);
            }
        }
        if (node->children)
            node = node->children;
        else {
            while (node && !node->next)
                node = node->parent;
            if (!node || node->type == XML_DOCUMENT_NODE)
                break;
            node = node->next;
        }
    }
    assert_true(elements >= 26);
    for (size_t i = 0; i < n; i++)
        free(b[i].text);
    xmlFreeDoc(doc);
    free(rng);
    free(md);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_example_checks_and_renders),
        cmocka_unit_test(every_element_has_an_example),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
