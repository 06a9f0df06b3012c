/* Tests of csv_plain.c: a line with no quote gives the same cells as libcsv, for every delimiter the
 * loader uses, on hand-picked lines and on random ones built from the bytes that matter (delimiters,
 * spaces, tabs, UTF-8 of Chinese and of the ideographic space, a semicolon, a comma, a pipe). */
#include "testutil.h"
#include "csv_plain.h"

#include <csv.h>

#define MAXF 64

typedef struct cells {
    int n, rows;
    char text[MAXF][128];
    size_t len[MAXF];
} cells;

static void on_cell(void *s, size_t n, void *ud)
{
    cells *c = ud;
    assert_true(c->n < MAXF && n < sizeof c->text[0]);
    if (n)
        memcpy(c->text[c->n], s, n);
    c->len[c->n++] = n;
}

static void on_row(int term, void *ud)
{
    (void)term;
    ((cells *)ud)->rows++;
}

static int space_only(unsigned char c)
{
    return c == ' ';
}

/* what libcsv makes of line + "\n", parsed as csv_load.c parses it */
static void by_libcsv(const char *line, size_t n, char delim, cells *out)
{
    memset(out, 0, sizeof *out);
    struct csv_parser p;
    assert_int_equal(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL), 0);
    csv_set_delim(&p, (unsigned char)delim);
    if (delim == '\t')
        csv_set_space_func(&p, space_only);
    assert_int_equal(csv_parse(&p, line, n, on_cell, on_row, out), n);
    assert_int_equal(csv_parse(&p, "\n", 1, on_cell, on_row, out), 1);
    assert_int_equal(p.pstate, 0); /* the record ended with the line */
    csv_free(&p);
}

static void by_split(const char *line, size_t n, char delim, cells *out)
{
    memset(out, 0, sizeof *out);
    fp_csv_cell c[MAXF];
    int nc = fp_csv_plain_cut(line, n, delim, c, MAXF);
    assert_true(nc >= 0);
    for (int k = 0; k < nc; k++)
        on_cell((void *)(uintptr_t)(line + c[k].off), c[k].len, out);
    out->rows = nc > 0;
}

static void same(const char *line, size_t n, char delim)
{
    cells a, b;
    by_libcsv(line, n, delim, &a);
    by_split(line, n, delim, &b);
    if (a.rows != b.rows || a.n != b.n)
        fail_msg("delimiter '%c', line \"%.*s\": libcsv %d rows %d cells, split %d rows %d cells", delim, (int)n,
                 line, a.rows, a.n, b.rows, b.n);
    for (int i = 0; i < a.n; i++)
        if (a.len[i] != b.len[i] || memcmp(a.text[i], b.text[i], a.len[i]))
            fail_msg("delimiter '%c', line \"%.*s\", cell %d: libcsv \"%.*s\", split \"%.*s\"", delim, (int)n,
                     line, i + 1, (int)a.len[i], a.text[i], (int)b.len[i], b.text[i]);
}

static void hand_picked_lines(void **state)
{
    (void)state;
    static const char *lines[] = {
        "",
        " ",
        "\t \t",
        "a",
        " a ",
        "a,b,c",
        ",",
        ",,",
        " , ",
        "a,",
        ",a",
        "\ta\t,\tb c\t",
        "SO202606240000001,1,2026-06-24,C010230,深圳海纳嘉禾电子有限公司,韦英坤,华东六组,199.00,0.15",
        "　全角空格　,x", /* U+3000 is not a blank to libcsv: the loader trims it itself */
        "a;b,c;d",
        "a\tb\t\tc",
        " \t a b \t ",
        "x|y| z |",
    };
    const char delims[] = {',', ';', '\t', '|'};
    for (size_t d = 0; d < sizeof delims; d++)
        for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
            same(lines[i], strlen(lines[i]), delims[d]);
    /* a quote, a CR or a NUL anywhere (in the first sixteen bytes or after) is for libcsv; so is a line of
     * more cells than asked for */
    fp_csv_cell c16[4];
    static const char *not_plain[] = {"a,\"b\"", "a\rb", "0123456789abcdef,\"", "0123456789abcdefghij\r"};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(fp_csv_plain_cut(not_plain[i], strlen(not_plain[i]), ',', c16, 4), -1);
    assert_int_equal(fp_csv_plain_cut("a\0b", 3, ',', c16, 4), -1);
    assert_int_equal(fp_csv_plain_cut("a,b,c,d", 7, ',', c16, 4), 4);
    assert_int_equal(fp_csv_plain_cut("a,b,c,d,e", 9, ',', c16, 4), -1);
    assert_int_equal(fp_csv_plain_cut("0123456789abcdef,1,2,3,4", 24, ',', c16, 4), -1);
    /* a blank line is no record; a line of delimiters is a record of empty cells */
    cells c;
    by_split(" \t ", 3, ',', &c);
    assert_int_equal(c.rows, 0);
    by_split(" , ", 3, ',', &c);
    assert_int_equal(c.rows, 1);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.len[0] + c.len[1], 0);
    /* a tab is a blank around a comma-separated cell, and a cell boundary in a tab-separated line */
    by_split("\ta\t", 3, ',', &c);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.len[0], 1);
    by_split("\ta\t", 3, '\t', &c);
    assert_int_equal(c.n, 3);
}

static void random_lines_agree_with_libcsv(void **state)
{
    (void)state;
    static const char *atoms[] = {",", ";", "\t", "|", " ", "  ", "a", "Zq", "12.50", "华东", "一组", "　", "-", "0"};
    const char delims[] = {',', ';', '\t', '|'};
    unsigned seed = 20261207u;
    char line[512];
    for (int it = 0; it < 200000; it++) {
        size_t n = 0;
        seed = seed * 1103515245u + 12345u;
        int parts = (int)((seed >> 16) % 24);
        for (int k = 0; k < parts; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *a = atoms[(seed >> 16) % (sizeof atoms / sizeof *atoms)];
            size_t an = strlen(a);
            memcpy(line + n, a, an);
            n += an;
        }
        same(line, n, delims[it % 4]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_picked_lines),
        cmocka_unit_test(random_lines_agree_with_libcsv),
    };
    return cmocka_run_group_tests_name("csv_plain", tests, NULL, NULL);
}
