/* testutil.h — helpers shared by the cmocka tests: temporary folders, files,
 * running the fupan binary, and assertions on text. */
#ifndef FP_TESTUTIL_H
#define FP_TESTUTIL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TU_UNUSED __attribute__((unused))

/* The source tree (tests/data, templates) and the binary under test, from the environment make check sets. */
TU_UNUSED static const char *tu_src(void)
{
    const char *s = getenv("FUPAN_SRC");
    return s && *s ? s : ".";
}

TU_UNUSED static const char *tu_bin(void)
{
    const char *s = getenv("FUPAN_BIN");
    return s && *s ? s : "./fupan";
}

/* A path under the source tree; the buffer is static per call site use, copy if kept. */
TU_UNUSED static char *tu_path(const char *rel)
{
    size_t n = strlen(tu_src()) + strlen(rel) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", tu_src(), rel);
    return p;
}

TU_UNUSED static char *tu_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/fupan-test-XXXXXX", base && *base ? base : "/tmp");
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

TU_UNUSED static void tu_write(const char *dir, const char *name, const void *data, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

TU_UNUSED static void tu_writes(const char *dir, const char *name, const char *text)
{
    tu_write(dir, name, text, strlen(text));
}

TU_UNUSED static void tu_rmrf(const char *dir)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

TU_UNUSED static char *tu_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = 0;
    fclose(f);
    return s;
}

/* Reads a file of the source tree (caller frees). */
TU_UNUSED static char *tu_read_src(const char *rel)
{
    char *p = tu_path(rel);
    char *s = tu_read(p);
    free(p);
    return s;
}

/* Runs a shell command line; captures stdout and stderr (caller frees); returns the exit status. */
TU_UNUSED static int tu_run(const char *cmdline, char **out, char **err)
{
    char *dir = tu_tmpdir();
    char cmd[16384], o[600], e[600];
    snprintf(o, sizeof o, "%s/out", dir);
    snprintf(e, sizeof e, "%s/err", dir);
    snprintf(cmd, sizeof cmd, "%s >'%s' 2>'%s'", cmdline, o, e);
    int st = system(cmd);
    int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    char *so = tu_read(o), *se = tu_read(e);
    if (out)
        *out = so;
    else
        free(so);
    if (err)
        *err = se;
    else
        free(se);
    tu_rmrf(dir);
    free(dir);
    return rc;
}

/* The text of an HTML page, without tags, styles or white space, entities decoded (caller frees). */
TU_UNUSED static char *tu_html_text(const char *h)
{
    size_t n = strlen(h);
    char *t = malloc(n + 1), *o = t;
    bool in_tag = false, in_style = false;
    for (const char *p = h; *p; p++) {
        if (!in_tag && *p == '<') {
            in_tag = true;
            if (!strncmp(p, "<style", 6))
                in_style = true;
            if (!strncmp(p, "</style", 7))
                in_style = false;
            continue;
        }
        if (in_tag) {
            if (*p == '>')
                in_tag = false;
            continue;
        }
        if (in_style || *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
            continue;
        if (*p == '&') {
            static const struct {
                const char *ent, *ch;
            } E[] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", ""}};
            bool hit = false;
            for (size_t i = 0; i < sizeof E / sizeof *E; i++)
                if (!strncmp(p, E[i].ent, strlen(E[i].ent))) {
                    o += sprintf(o, "%s", E[i].ch);
                    p += strlen(E[i].ent) - 1;
                    hit = true;
                    break;
                }
            if (hit)
                continue;
        }
        *o++ = *p;
    }
    *o = 0;
    return t;
}

/* A temporary folder for a whole test program, as cmocka group setup and teardown:
 * cmocka_run_group_tests(tests, tu_setup_tmp, tu_teardown_tmp), then use tu_tmp. */
__attribute__((unused)) static char *tu_tmp;

TU_UNUSED static int tu_setup_tmp(void **state)
{
    (void)state;
    tu_tmp = tu_tmpdir();
    return 0;
}

TU_UNUSED static int tu_teardown_tmp(void **state)
{
    (void)state;
    tu_rmrf(tu_tmp);
    free(tu_tmp);
    return 0;
}

/* Runs the binary under test with ARGS from the source tree, LC_ALL=C; captures stdout and stderr
 * (caller frees); returns its exit status. */
TU_UNUSED static int tu_fupan(const char *args, char **out, char **err)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "(cd '%s' && LC_ALL=C '%s' %s)", tu_src(), tu_bin(), args);
    return tu_run(cmd, out, err);
}

#define assert_contains(hay, needle)                                                                  \
    do {                                                                                              \
        const char *h_ = (hay), *n_ = (needle);                                                       \
        if (!h_ || !strstr(h_, n_))                                                                   \
            fail_msg("expected to find \"%s\" in \"%s\"", n_, h_ ? h_ : "(null)");                    \
    } while (0)

#define assert_not_contains(hay, needle)                                                              \
    do {                                                                                              \
        const char *h_ = (hay), *n_ = (needle);                                                       \
        if (h_ && strstr(h_, n_))                                                                     \
            fail_msg("did not expect \"%s\" in \"%s\"", n_, h_);                                      \
    } while (0)

#define assert_near(a, b, eps)                                                                        \
    do {                                                                                              \
        double a_ = (a), b_ = (b);                                                                    \
        if (!(a_ - b_ <= (eps) && b_ - a_ <= (eps)))                                                  \
            fail_msg("%s = %.9g, expected %.9g", #a, a_, b_);                                         \
    } while (0)

#endif
