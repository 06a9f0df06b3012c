/* Data errors that point the right way (the export issue, item 6): each mistake found in a real export
 * is named with its line and its cause — not blamed on the encoding of the whole file, on the wrong
 * column, or let through with a value cut short. */
#include "testutil.h"
#include "util.h"

static const char *PROFILE = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<profile name=\"e\"><orders file=\"o.csv\">"
                             "<column name=\"order_id\" header=\"订单号\"/><column name=\"date\" header=\"日期\"/>"
                             "<column name=\"customer_id\" header=\"客户\"/><column name=\"rep\" header=\"业务员\"/>"
                             "<column name=\"product\" header=\"产品\"/><column name=\"quantity\" header=\"数量\"/>"
                             "<column name=\"amount\" header=\"金额\"/></orders></profile>\n";

/* a folder with the profile and o.csv holding header + rows (bytes as given) */
static char *folder(const char *name, const char *bytes, size_t n)
{
    char *d = malloc(strlen(tu_tmp) + strlen(name) + 2);
    sprintf(d, "%s/%s", tu_tmp, name);
    mkdir(d, 0755);
    tu_writes(d, "profile.xml", PROFILE);
    tu_write(d, "o.csv", bytes, n);
    return d;
}

/* 60 good rows in UTF-8 */
static void rows(fp_buf *b)
{
    fp_buf_adds(b, "订单号,日期,客户,业务员,产品,数量,金额\n");
    for (int i = 1; i <= 60; i++)
        fp_buf_printf(b, "O%d,2026-10-%02d,C%d,夏思峰,渠道管理方案,%d,%d.00\n", i, i % 28 + 1, i % 7, i % 3 + 1, 100 + i);
}

static int metrics(const char *d, char **out, char **err)
{
    char args[1024];
    snprintf(args, sizeof args, "metrics --data '%s' --period 2026-10 --as-of 2026-10-31", d);
    return tu_fupan(args, out, err);
}

/* One invalid byte sequence on line 41 of a UTF-8 file: that line and its bytes, and the rest is UTF-8 —
 * not "line 1: not valid gb18030" because the first megabyte did not pass as UTF-8. */
static void one_bad_line_in_utf8(void **state)
{
    (void)state;
    fp_buf b;
    fp_buf_init(&b);
    rows(&b);
    char *l41 = strstr(b.data, "O40,"); /* line 41: the 40th row */
    assert_non_null(l41);
    char *name = strstr(l41, "夏思峰");
    name[3] = (char)0xFF; /* the second character's first byte: no UTF-8 has it */
    char *d = folder("badutf8", b.data, b.len);
    char *err = NULL;
    assert_int_equal(metrics(d, NULL, &err), 1);
    assert_contains(err, "o.csv:41:");
    assert_contains(err, "not valid UTF-8");
    assert_contains(err, "\\xFF");
    assert_contains(err, "the rest of the file reads as UTF-8");
    assert_not_contains(err, "gb18030");
    free(err);
    free(d);
    fp_buf_free(&b);
}

/* UTF-16LE without a byte-order mark (NUL in every other byte): read as UTF-16, the same figures. */
static void utf16le_without_bom(void **state)
{
    (void)state;
    fp_buf b;
    fp_buf_init(&b);
    rows(&b);
    char *u8 = folder("u8", b.data, b.len);
    /* UTF-8 → UTF-16LE by hand (every character here is in the BMP) */
    fp_buf w;
    fp_buf_init(&w);
    for (size_t i = 0; i < b.len;) {
        unsigned char c = (unsigned char)b.data[i];
        unsigned cp;
        if (c < 0x80) {
            cp = c;
            i += 1;
        } else if (c < 0xE0) {
            cp = (unsigned)(c & 0x1F) << 6 | (b.data[i + 1] & 0x3F);
            i += 2;
        } else {
            cp = (unsigned)(c & 0x0F) << 12 | (unsigned)(b.data[i + 1] & 0x3F) << 6 | (b.data[i + 2] & 0x3F);
            i += 3;
        }
        fp_buf_addc(&w, (char)(cp & 0xFF));
        fp_buf_addc(&w, (char)(cp >> 8));
    }
    char *u16 = folder("u16", w.data, w.len);
    char *a = NULL, *e = NULL, *c = NULL;
    assert_int_equal(metrics(u8, &a, NULL), 0);
    if (metrics(u16, &c, &e) != 0)
        fail_msg("UTF-16LE without BOM: %s", e);
    assert_string_equal(a, c);
    free(a);
    free(c);
    free(e);
    free(u8);
    free(u16);
    fp_buf_free(&b);
    fp_buf_free(&w);
}

/* An unquoted comma in a product name makes a row one cell longer than the header: said as such, with the
 * line — at the end of the row (it used to pass) and in the middle (it used to blame column 6). */
static void a_row_longer_than_the_header(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"O99,2026-10-03,C1,夏思峰,渠道管理方案,2,300.00,多余\n", "at the end"},
        {"O99,2026-10-03,C1,夏思峰,渠道,管理方案,2,300.00\n", "in the middle"},
    };
    for (size_t i = 0; i < 2; i++) {
        fp_buf b;
        fp_buf_init(&b);
        rows(&b);
        fp_buf_adds(&b, cases[i][0]); /* line 62 */
        char name[32];
        snprintf(name, sizeof name, "long%zu", i);
        char *d = folder(name, b.data, b.len);
        char *err = NULL;
        if (metrics(d, NULL, &err) != 1)
            fail_msg("a row with an extra cell %s was accepted", cases[i][1]);
        assert_contains(err, "o.csv:62: this row has 8 cells, the header has 7");
        assert_not_contains(err, "cannot read");
        free(err);
        free(d);
        fp_buf_free(&b);
    }
}

/* A NUL byte inside a cell: refused with its line and column, never a name cut short ("夏思"). */
static void a_nul_byte_in_a_cell(void **state)
{
    (void)state;
    fp_buf b;
    fp_buf_init(&b);
    rows(&b);
    fp_buf_add(&b, "O99,2026-10-03,C1,夏思\0峰,渠道管理方案,2,300.00\n", strlen("O99,2026-10-03,C1,夏思") + 1 +
                                                                           strlen("峰,渠道管理方案,2,300.00\n"));
    char *d = folder("nul", b.data, b.len);
    char *err = NULL;
    assert_int_equal(metrics(d, NULL, &err), 1);
    assert_contains(err, "o.csv:62: column 4 \"业务员\"");
    assert_contains(err, "NUL");
    free(err);
    free(d);
    fp_buf_free(&b);
}

/* An amount in yuan in a file whose profile says US dollars: the example in the message is written in dollars
 * and says which currency the profile declares (it used to suggest "¥1,234.50", the very thing refused). */
static void another_currency_in_a_dollar_file(void **state)
{
    (void)state;
    fp_buf b;
    fp_buf_init(&b);
    rows(&b);
    fp_buf_adds(&b, "O99,2026-10-03,C1,夏思峰,渠道管理方案,2,¥300.00\n");
    char *d = folder("usd", b.data, b.len);
    const char *at = strstr(PROFILE, "name=\"e\"") + strlen("name=\"e\"");
    char *prof = malloc(strlen(PROFILE) + 32);
    sprintf(prof, "%.*s currency=\"USD\"%s", (int)(at - PROFILE), PROFILE, at);
    tu_writes(d, "profile.xml", prof);
    char *err = NULL;
    assert_int_equal(metrics(d, NULL, &err), 1);
    assert_contains(err, "o.csv:62: column 7 \"金额\" (amount): cannot read \"¥300.00\"");
    assert_contains(err, "$1,234.50");
    assert_contains(err, "currency=\"USD\"");
    assert_not_contains(err, "¥1,234.50");
    free(err);
    free(prof);
    free(d);
    fp_buf_free(&b);
}

/* issue 15.7: the bounds hold for a record and a cell, not only for a line: one quoted cell written over a
 * hundred thousand short lines (3.5 MB; the was 200 MB over two million) is refused at the line where its
 * record starts (metrics took it, render ran out of memory) */
static void a_record_over_many_lines_is_bounded(void **state)
{
    (void)state;
    fp_buf b;
    fp_buf_init(&b);
    rows(&b);
    char *d = folder("longrec", b.data, b.len);
    fp_buf_free(&b);
    char path[1024];
    snprintf(path, sizeof path, "%s/o.csv", d);
    FILE *f = fopen(path, "a");
    assert_non_null(f);
    fputs("O999,2026-10-05,C1,\"", f);
    for (int i = 0; i < 100000; i++)
        fputs("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", f);
    fputs("\",渠道管理方案,1,100.00\n", f);
    fclose(f);
    char *err = NULL;
    assert_int_equal(metrics(d, NULL, &err), 1);
    assert_contains(err, "o.csv:62:");
    assert_contains(err, "longer than 1 MB");
    free(err);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_bad_line_in_utf8),
        cmocka_unit_test(utf16le_without_bom),
        cmocka_unit_test(a_row_longer_than_the_header),
        cmocka_unit_test(a_nul_byte_in_a_cell),
        cmocka_unit_test(another_currency_in_a_dollar_file),
        cmocka_unit_test(a_record_over_many_lines_is_bounded),
    };
    return cmocka_run_group_tests(tests, tu_setup_tmp, tu_teardown_tmp);
}
