/* Tests of output files (output.c): safe names, atomic writes, output folders. */
#include "testutil.h"

#include "output.h"

#include <dirent.h>

static void safe_names(void **state)
{
    (void)state;
    char out[256];
    fp_safe_name("华东一组-2026-10", out, sizeof out);
    assert_string_equal(out, "华东一组-2026-10");
    fp_safe_name("../../etc/passwd", out, sizeof out);
    assert_null(strchr(out, '/'));
    assert_true(out[0] != '.');
    fp_safe_name("a/b\\c:d*e?f\"g<h>i|j\tk", out, sizeof out);
    assert_string_equal(out, "a_b_c_d_e_f_g_h_i_j_k");
    fp_safe_name("...", out, sizeof out);
    assert_string_equal(out, "report");
    fp_safe_name("", out, sizeof out);
    assert_string_equal(out, "report");
    fp_safe_name("/abs/path", out, sizeof out);
    assert_null(strchr(out, '/'));
    fp_safe_name("CON", out, sizeof out);
    assert_string_not_equal(out, "CON");
    /* invalid UTF-8 is replaced, valid Chinese kept, long names cut on a character boundary */
    fp_safe_name("销\xff售", out, sizeof out);
    assert_string_equal(out, "销_售");
    char lng[1000] = "";
    for (int i = 0; i < 100; i++)
        strcat(lng, "销售");
    fp_safe_name(lng, out, sizeof out);
    assert_true(strlen(out) <= 120);
    assert_int_equal(strlen(out) % 3, 0);
    fp_safe_name(lng, out, 10);
    assert_true(strlen(out) < 10);
}

static int files_in(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void atomic_writes(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    fp_error e = {0};
    char sub[1024];
    snprintf(sub, sizeof sub, "%s/a/b", dir);
    assert_int_equal(fp_make_dir(sub, &e), FP_OK); /* parents made too */
    assert_int_equal(fp_write_atomic(sub, "r.pdf", "hello", 5, &e), FP_OK);
    char p[1100];
    snprintf(p, sizeof p, "%s/r.pdf", sub);
    char *got = tu_read(p);
    assert_string_equal(got, "hello");
    free(got);
    /* replaced whole, and no temporary file left behind */
    assert_int_equal(fp_write_atomic(sub, "r.pdf", "second", 6, &e), FP_OK);
    got = tu_read(p);
    assert_string_equal(got, "second");
    free(got);
    assert_int_equal(files_in(sub), 1);
    /* a folder that is a file: an error naming it, nothing written */
    tu_writes(dir, "file", "x");
    snprintf(p, sizeof p, "%s/file", dir);
    assert_int_not_equal(fp_make_dir(p, &e), FP_OK);
    assert_contains(e.msg, "file");
    assert_int_not_equal(fp_write_atomic(p, "r.pdf", "x", 1, &e), FP_OK);
    assert_contains(e.msg, "file");
    tu_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(safe_names), cmocka_unit_test(atomic_writes)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
