/* Tests of textfile.c: encodings (UTF-8, BOM, GBK/GB18030, UTF-16), line ends, invalid bytes, ranges. */
#include "testutil.h"
#include "textfile.h"
#include "util.h"

#include <iconv.h>

static char *all_lines(fp_textfile *f)
{
    fp_buf b;
    fp_buf_init(&b);
    const char *line;
    size_t n;
    fp_error err;
    int r;
    while ((r = fp_textfile_next(f, &line, &n, &err)) == 1)
        fp_buf_add(&b, line, n);
    assert_int_equal(r, 0);
    return fp_buf_steal(&b);
}

static char *convert(const char *to, const char *text, size_t *outn)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t inl = strlen(text), outl = inl * 4 + 8;
    char *out = malloc(outl), *o = out;
    char *in = (char *)text;
    assert_true(iconv(cd, &in, &inl, &o, &outl) != (size_t)-1);
    iconv_close(cd);
    *outn = (size_t)(o - out);
    return out;
}

static const char *TEXT = "订单编号,销售人员\r\nSO1,王伟\r\nSO2,李娜\n最后一行没有换行";

static void utf8_lines_with_crlf_and_no_final_newline(void **state)
{
    (void)state;
    fp_textfile *f;
    fp_error err;
    assert_int_equal(fp_textfile_open_mem("t.csv", TEXT, strlen(TEXT), FP_ENC_AUTO, &f, &err), FP_OK);
    assert_int_equal(fp_textfile_encoding(f), FP_ENC_UTF8);
    const char *line;
    size_t n;
    assert_int_equal(fp_textfile_next(f, &line, &n, &err), 1);
    assert_int_equal(fp_textfile_lineno(f), 1);
    assert_memory_equal(line, "订单编号,销售人员\r\n", n);
    char *rest = all_lines(f);
    assert_string_equal(rest, "SO1,王伟\r\nSO2,李娜\n最后一行没有换行");
    assert_int_equal(fp_textfile_lineno(f), 4);
    free(rest);
    fp_textfile_close(f);
}

static void bom_is_removed(void **state)
{
    (void)state;
    char buf[256];
    snprintf(buf, sizeof buf, "\xEF\xBB\xBF%s", TEXT);
    fp_textfile *f;
    fp_error err;
    assert_int_equal(fp_textfile_open_mem("t.csv", buf, strlen(buf), FP_ENC_GB18030, &f, &err), FP_OK);
    assert_int_equal(fp_textfile_encoding(f), FP_ENC_UTF8); /* the BOM outranks the declaration */
    assert_int_equal(fp_textfile_bom_bytes(f), 3);
    char *s = all_lines(f);
    assert_string_equal(s, TEXT);
    free(s);
    fp_textfile_close(f);
}

static void gbk_is_detected_and_converted(void **state)
{
    (void)state;
    size_t n;
    char *gbk = convert("GBK", TEXT, &n);
    fp_textfile *f;
    fp_error err;
    assert_int_equal(fp_textfile_open_mem("t.csv", gbk, n, FP_ENC_AUTO, &f, &err), FP_OK);
    assert_int_equal(fp_textfile_encoding(f), FP_ENC_GB18030);
    char *s = all_lines(f);
    assert_string_equal(s, TEXT);
    free(s);
    fp_textfile_close(f);
    free(gbk);
}

static void gb18030_four_byte_characters(void **state)
{
    (void)state;
    /* 𠀀 (U+20000, outside the BMP) and € are four-byte sequences in GB18030 */
    const char *t = "姓名\n𠀀€\n";
    size_t n;
    char *g = convert("GB18030", t, &n);
    fp_textfile *f;
    fp_error err;
    assert_int_equal(fp_textfile_open_mem("t.csv", g, n, FP_ENC_GB18030, &f, &err), FP_OK);
    char *s = all_lines(f);
    assert_string_equal(s, t);
    free(s);
    fp_textfile_close(f);
    free(g);
}

static void utf16_with_bom(void **state)
{
    (void)state;
    size_t n;
    char *u = convert("UTF-16", TEXT, &n); /* glibc writes a BOM */
    fp_textfile *f;
    fp_error err;
    assert_int_equal(fp_textfile_open_mem("t.txt", u, n, FP_ENC_AUTO, &f, &err), FP_OK);
    assert_int_equal(fp_textfile_encoding(f), FP_ENC_UTF16);
    char *s = all_lines(f);
    assert_string_equal(s, TEXT);
    free(s);
    fp_textfile_close(f);
    free(u);
}

/* reads a GB18030 text that must fail, at open (small texts are converted at once) or while reading */
static void read_expecting_error(const char *name, const char *data, size_t n, fp_error *err)
{
    fp_textfile *f;
    if (fp_textfile_open_mem(name, data, n, FP_ENC_GB18030, &f, err) != FP_OK)
        return;
    const char *line;
    size_t len;
    int r;
    while ((r = fp_textfile_next(f, &line, &len, err)) == 1)
        ;
    assert_int_equal(r, -1);
    fp_textfile_close(f);
}

static void invalid_gbk_bytes_name_the_line(void **state)
{
    (void)state;
    size_t n;
    char *g = convert("GBK", "姓名\n王伟\n李娜\n", &n);
    char *bad = malloc(n + 8);
    memcpy(bad, g, n);
    memcpy(bad + n, "\x81\x20x\n", 4); /* 0x81 0x20 is not a GB18030 character */
    fp_error err;
    read_expecting_error("bad.csv", bad, n + 4, &err);
    assert_contains(err.msg, "bad.csv:4:");
    assert_contains(err.msg, "\\x81\\x20");
    assert_contains(err.msg, "not valid gb18030");
    free(bad);
    free(g);
}

static void truncated_gbk_at_end(void **state)
{
    (void)state;
    const char data[] = "a,b\n\xCF"; /* half of 销 */
    fp_error err;
    read_expecting_error("cut.csv", data, sizeof data - 1, &err);
    assert_contains(err.msg, "cut.csv:2: the file ends in the middle of a gb18030 character");
}

static void excel_workbooks_are_recognised(void **state)
{
    (void)state;
    fp_textfile *f;
    fp_error err;
    assert_int_equal(fp_textfile_open_mem("x.csv", "PK\x03\x04rest", 8, FP_ENC_AUTO, &f, &err), FP_ERR_INPUT);
    assert_contains(err.msg, "Excel workbook");
    assert_contains(err.msg, "CSV UTF-8");
}

static void ranges_read_part_of_a_file(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    tu_writes(dir, "r.csv", "h\nline2\nline3\nline4\n");
    char path[600];
    snprintf(path, sizeof path, "%s/r.csv", dir);
    fp_textfile *f;
    fp_error err;
    assert_int_equal(fp_textfile_open_range(path, FP_ENC_UTF8, 2, 14, &f, &err), FP_OK);
    char *s = all_lines(f);
    assert_string_equal(s, "line2\nline3\n");
    assert_int_equal(fp_textfile_lineno(f), 2);
    free(s);
    fp_textfile_close(f);
    assert_int_equal(fp_textfile_open(dir, FP_ENC_AUTO, &f, &err), FP_ERR_INPUT); /* a directory */
    snprintf(path, sizeof path, "%s/missing.csv", dir);
    assert_int_equal(fp_textfile_open(path, FP_ENC_AUTO, &f, &err), FP_ERR_NOTFOUND);
    assert_contains(err.msg, "missing.csv: no such file");
    tu_rmrf(dir);
    free(dir);
}

static void long_lines_across_blocks(void **state)
{
    (void)state;
    size_t n = 3u << 20; /* a 3 MB line spans several 1 MB blocks */
    char *big = malloc(n + 16);
    memset(big, 'x', n);
    memcpy(big + n, "\nend\n", 5);
    fp_textfile *f;
    fp_error err;
    assert_int_equal(fp_textfile_open_mem("big.csv", big, n + 5, FP_ENC_UTF8, &f, &err), FP_OK);
    const char *line;
    size_t len;
    assert_int_equal(fp_textfile_next(f, &line, &len, &err), 1);
    assert_int_equal(len, n + 1);
    assert_int_equal(fp_textfile_next(f, &line, &len, &err), 1);
    assert_memory_equal(line, "end\n", 4);
    fp_textfile_close(f);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_lines_with_crlf_and_no_final_newline),
        cmocka_unit_test(bom_is_removed),
        cmocka_unit_test(gbk_is_detected_and_converted),
        cmocka_unit_test(gb18030_four_byte_characters),
        cmocka_unit_test(utf16_with_bom),
        cmocka_unit_test(invalid_gbk_bytes_name_the_line),
        cmocka_unit_test(truncated_gbk_at_end),
        cmocka_unit_test(excel_workbooks_are_recognised),
        cmocka_unit_test(ranges_read_part_of_a_file),
        cmocka_unit_test(long_lines_across_blocks),
    };
    return cmocka_run_group_tests_name("textfile", tests, NULL, NULL);
}
