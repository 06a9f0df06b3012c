/* Tests of output files (output.c): safe names, atomic writes, output folders. */
#include "testutil.h"

#include "output.h"
#include "util.h"

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
    /* issue 15.8: bidi controls do not survive into a file name (T_华南<U+202E>gpj.exe shows as T_华南exe.jpg) */
    fp_safe_name("T_华南\xE2\x80\xAEgpj.exe", out, sizeof out);
    assert_string_equal(out, "T_华南_gpj.exe");
    fp_safe_name("a\xE2\x80\x8F" "b\xE2\x81\xA6" "c\xD8\x9C" "d", out, sizeof out);
    assert_string_equal(out, "a_b_c_d");
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

/* ---- hostile names, and what atomic writes leave behind ---- */

/* every entry of a folder, hidden ones (a leftover ".fupan-XXXXXX") included */
static int entries_in(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

static void assert_safe(const char *in, const char *out)
{
    size_t n = strlen(out);
    if (n == 0 || n > 120 || out[0] == '.' || out[0] == ' ' || strpbrk(out, "/\\:*?\"<>|") ||
        fp_utf8_valid_prefix((const unsigned char *)out, n) != n)
        fail_msg("\"%s\" became the unsafe name \"%s\"", in, out);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7F)
            fail_msg("\"%s\" became \"%s\", with a control character", in, out);
}

static void hostile_names_stay_in_the_folder(void **state)
{
    (void)state;
    static const char *names[] = {"../../etc/x", "..", ".", "/", "//", "a/../../b", "..\\..\\x", "/etc/passwd",
                                  "\x01\x02\x1b[31m", "\n", " ../x", ". . /x", "x/..", "\xc0\xaf\xc0\xae",
                                  "\xed\xa0\x80", "销\xe9", ".hidden", "a\x7f" "b", "C:\\Windows\\x"};
    char *root = tu_tmpdir(), out[1100], name[256];
    snprintf(out, sizeof out, "%s/out/deep", root);
    fp_error e = {0};
    assert_int_equal(fp_make_dir(out, &e), FP_OK);
    struct stat st;
    int etc_x = stat("/etc/x", &st) == 0;
    char seen[sizeof names / sizeof *names][256];
    int distinct = 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        fp_safe_name(names[i], name, sizeof name);
        assert_safe(names[i], name);
        strcat(name, ".pdf");
        int k = 0;
        while (k < distinct && strcmp(seen[k], name))
            k++;
        if (k == distinct)
            strcpy(seen[distinct++], name);
        assert_int_equal(fp_write_atomic(out, name, "%PDF", 4, &e), FP_OK);
        /* right in the folder: one entry per distinct name, no temporary file left */
        assert_int_equal(entries_in(out), distinct);
        char p[1400];
        snprintf(p, sizeof p, "%s/%s", out, name);
        assert_int_equal(stat(p, &st), 0);
        assert_true(S_ISREG(st.st_mode));
    }
    /* nothing beside or above the output folder */
    assert_int_equal(entries_in(root), 1);
    snprintf(name, sizeof name, "%s/out", root);
    assert_int_equal(entries_in(name), 1);
    assert_int_equal(stat("/etc/x", &st) == 0, etc_x);
    tu_rmrf(root);
    free(root);
}

static void names_kept_cut_and_reserved(void **state)
{
    (void)state;
    char out[256], in[1024];
    static const struct {
        const char *in, *out;
    } t[] = {{"华南大区-张伟-2026年10月", "华南大区-张伟-2026年10月"}, {"𠀀𡈼 Q3", "𠀀𡈼 Q3"},
             {"  ..report. . ", "report"},                            {" ", "report"},
             {NULL, "report"},                                          {"con.pdf", "_con.pdf"},
             {"LPT9", "_LPT9"},                                         {"aux-2026", "_aux-2026"},
             {"COM10", "COM10"},                                        {"CONSOLE", "CONSOLE"},
             {"销\xe9\x94", "销__"},                                    {"tab\there", "tab_here"}};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        fp_safe_name(t[i].in, out, sizeof out);
        assert_string_equal(out, t[i].out);
    }
    /* long names: 120 bytes at most, cut between characters */
    memset(in, 'a', 300);
    in[300] = 0;
    fp_safe_name(in, out, sizeof out);
    assert_int_equal(strlen(out), 120);
    snprintf(in, sizeof in, "a");
    for (int i = 0; i < 60; i++)
        strcat(in, "销");
    fp_safe_name(in, out, sizeof out);
    assert_int_equal(strlen(out), 1 + 39 * 3);
    assert_safe(in, out);
    in[0] = 0;
    for (int i = 0; i < 40; i++)
        strcat(in, "𠀀");
    fp_safe_name(in, out, sizeof out);
    assert_int_equal(strlen(out), 120);
    /* a small buffer: still a whole character, still terminated */
    fp_safe_name("销售总结", out, 8);
    assert_string_equal(out, "销");
}

static char *join(const char *a, const char *b)
{
    char *p = malloc(strlen(a) + strlen(b) + 2);
    sprintf(p, "%s/%s", a, b);
    return p;
}

static void atomic_write_failures_leave_nothing(void **state)
{
    (void)state;
    char *root = tu_tmpdir();
    fp_error e = {0};
    tu_writes(root, "file", "x");
    char *under_file = join(root, "file/sub"), *missing = join(root, "missing");
    /* a folder that does not exist, a "folder" under a regular file */
    assert_int_equal(fp_write_atomic(missing, "r.pdf", "data", 4, &e), FP_ERR_IO);
    assert_contains(e.msg, missing);
    assert_int_equal(fp_write_atomic(under_file, "r.pdf", "data", 4, &e), FP_ERR_IO);
    assert_contains(e.msg, under_file);
    assert_int_equal(entries_in(root), 1);
    /* the name is a folder already: the rename fails, the temporary file is removed */
    char *out = join(root, "out");
    assert_int_equal(fp_make_dir(out, &e), FP_OK);
    char *sub = join(out, "r.pdf");
    assert_int_equal(fp_make_dir(sub, &e), FP_OK);
    assert_int_equal(fp_write_atomic(out, "r.pdf", "data", 4, &e), FP_ERR_IO);
    assert_contains(e.msg, "r.pdf");
    assert_int_equal(entries_in(out), 1);
    assert_int_equal(entries_in(sub), 0);
    /* an empty name, and a path too long */
    assert_int_not_equal(fp_write_atomic(out, "", "data", 4, &e), FP_OK);
    assert_int_equal(entries_in(out), 1);
    char lng[5000];
    memset(lng, 'n', sizeof lng - 1);
    lng[sizeof lng - 1] = 0;
    assert_int_equal(fp_write_atomic(out, lng, "data", 4, &e), FP_ERR_USAGE); /* (its message is cut before the reason) */
    assert_int_equal(fp_make_dir(lng, &e), FP_ERR_USAGE);
    assert_contains(e.msg, "too long");
    assert_int_equal(entries_in(out), 1);
    /* fp_make_dir under a regular file: an error naming it, nothing made */
    assert_int_equal(fp_make_dir(under_file, &e), FP_ERR_IO);
    assert_contains(e.msg, "file");
    assert_int_equal(entries_in(root), 2);
    tu_rmrf(root);
    free(root);
    free(under_file);
    free(missing);
    free(out);
    free(sub);
}

static void atomic_write_replaces_whole(void **state)
{
    (void)state;
    char *root = tu_tmpdir();
    fp_error e = {0};
    size_t n = 3 << 20;
    char *big = malloc(n);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)(i * 7 + i / 4096);
    assert_int_equal(fp_write_atomic(root, "r.pdf", "old", 3, &e), FP_OK);
    char *p = join(root, "r.pdf"), *keep = join(root, "keep");
    assert_int_equal(link(p, keep), 0); /* the old file, by another name */
    assert_int_equal(fp_write_atomic(root, "r.pdf", big, n, &e), FP_OK);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_size, n);
    assert_int_equal(st.st_mode & 0777, 0644);
    char *got = tu_read(p);
    assert_memory_equal(got, big, n);
    free(got);
    /* a new file took the name: the old one was never written over */
    got = tu_read(keep);
    assert_string_equal(got, "old");
    free(got);
    /* empty data: an empty file */
    assert_int_equal(fp_write_atomic(root, "empty.html", "", 0, &e), FP_OK);
    char *q = join(root, "empty.html");
    assert_int_equal(stat(q, &st), 0);
    assert_int_equal(st.st_size, 0);
    assert_int_equal(entries_in(root), 3);
    /* fp_make_dir: parents made, made twice is fine, a trailing slash too */
    char *deep = join(root, "a/b/c/");
    assert_int_equal(fp_make_dir(deep, &e), FP_OK);
    assert_int_equal(fp_make_dir(deep, &e), FP_OK);
    assert_int_equal(stat(deep, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    tu_rmrf(root);
    free(root);
    free(big);
    free(p);
    free(keep);
    free(q);
    free(deep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(safe_names),
        cmocka_unit_test(atomic_writes),
        cmocka_unit_test(hostile_names_stay_in_the_folder),
        cmocka_unit_test(names_kept_cut_and_reserved),
        cmocka_unit_test(atomic_write_failures_leave_nothing),
        cmocka_unit_test(atomic_write_replaces_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
