/* Tests of paths.c: FUPAN_DATADIR, the source tree, and shipped profiles by name. */
#include "testutil.h"
#include "paths.h"

#include <limits.h>

static void datadir_from_the_environment(void **state)
{
    (void)state;
    char *t = tu_path("templates");
    setenv("FUPAN_DATADIR", t, 1);
    char out[PATH_MAX];
    fp_error err;
    assert_int_equal(fp_datadir(out, sizeof out, &err), FP_OK);
    assert_string_equal(out, t);
    assert_int_equal(fp_datafile("profile.rng", out, sizeof out, &err), FP_OK);
    assert_int_equal(access(out, R_OK), 0);
    /* a shipped profile by name, with or without .xml */
    assert_int_equal(fp_profile_path("crm-export", out, sizeof out, &err), FP_OK);
    assert_contains(out, "profiles/crm-export.xml");
    assert_int_equal(fp_profile_path("crm-export.xml", out, sizeof out, &err), FP_OK);
    assert_int_equal(fp_profile_path("no-such-profile", out, sizeof out, &err), FP_ERR_NOTFOUND);
    assert_contains(err.msg, "shipped: crm-export");
    /* an existing file is taken as it is */
    char *p = tu_path("samples/demo/profile.xml");
    assert_int_equal(fp_profile_path(p, out, sizeof out, &err), FP_OK);
    assert_string_equal(out, p);
    free(p);
    setenv("FUPAN_DATADIR", "/nonexistent", 1);
    assert_int_equal(fp_datadir(out, sizeof out, &err), FP_ERR_NOTFOUND);
    assert_contains(err.msg, "FUPAN_DATADIR=/nonexistent");
    unsetenv("FUPAN_DATADIR");
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(datadir_from_the_environment)};
    return cmocka_run_group_tests_name("paths", tests, NULL, NULL);
}
