/* Tests of error.c: messages, prefixes, and the exit code of each status. */
#include "testutil.h"
#include "error.h"

static void fail_sets_code_and_message(void **state)
{
    (void)state;
    fp_error e;
    assert_int_equal(fp_fail(&e, FP_ERR_INPUT, "%s:%d: bad", "f.csv", 3), FP_ERR_INPUT);
    assert_int_equal(e.code, FP_ERR_INPUT);
    assert_string_equal(e.msg, "f.csv:3: bad");
    assert_int_equal(fp_fail(NULL, FP_ERR_IO, "ignored"), FP_ERR_IO); /* no error object: still a status */
    fp_error_prefix(&e, "loading %s", "demo");
    assert_string_equal(e.msg, "loading demo: f.csv:3: bad");
    fp_error_clear(&e);
    assert_int_equal(e.code, FP_OK);
    assert_string_equal(e.msg, "");
}

static void long_messages_are_cut_not_overrun(void **state)
{
    (void)state;
    fp_error e;
    char big[6000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    fp_fail(&e, FP_ERR_INPUT, "%s", big);
    assert_int_equal(strlen(e.msg), sizeof e.msg - 1);
    fp_error_prefix(&e, "prefix");
    assert_int_equal(strlen(e.msg), sizeof e.msg - 1);
    assert_true(strncmp(e.msg, "prefix: xxx", 11) == 0);
}

static void exit_codes(void **state)
{
    (void)state;
    assert_int_equal(fp_exit_code(FP_OK), 0);
    assert_int_equal(fp_exit_code(FP_ERR_INPUT), 1);
    assert_int_equal(fp_exit_code(FP_ERR_NOTFOUND), 1);
    assert_int_equal(fp_exit_code(FP_ERR_USAGE), 2);
    assert_int_equal(fp_exit_code(FP_ERR_IO), 3);
    assert_int_equal(fp_exit_code(FP_ERR_INTERNAL), 70);
    assert_string_equal(fp_status_name(FP_ERR_IO), "i/o");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fail_sets_code_and_message),
        cmocka_unit_test(long_messages_are_cut_not_overrun),
        cmocka_unit_test(exit_codes),
    };
    return cmocka_run_group_tests_name("error", tests, NULL, NULL);
}
