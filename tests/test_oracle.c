/* The independent checks written in Python, run as part of `make check`:
 *
 *   tests/oracle/grid.py       a second implementation of docs/metrics.md, written from the document
 *                              alone, against `fupan metrics` over a grid of generated exports, the
 *                              demo, scopes, periods and as-of dates: every key of the JSON must agree;
 *   tests/claims/check_claims.py  every comparative sentence of every shipped template, on rising,
 *                              falling, flat, in-progress, no-target, no-previous-period and orders-only
 *                              data, against the figure it states.
 *
 * Each prints one line per mismatch and a summary; a mismatch fails the build. */
#include "testutil.h"

static void run_script(const char *script)
{
    char cmd[4096], *out = NULL, *err = NULL;
    snprintf(cmd, sizeof cmd, "cd '%s' && python3 '%s' --fupan '%s'", tu_src(), script, tu_bin());
    int rc = tu_run(cmd, &out, &err);
    /* the script's own report, summary line last */
    fputs(out ? out : "", stdout);
    fputs(err ? err : "", stdout);
    if (rc != 0)
        fail_msg("%s failed (exit %d)", script, rc);
    free(out);
    free(err);
}

static void metrics_agree_with_the_oracle(void **state)
{
    (void)state;
    run_script("tests/oracle/grid.py");
}

static void every_sentence_states_its_figure_truly(void **state)
{
    (void)state;
    run_script("tests/claims/check_claims.py");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(metrics_agree_with_the_oracle),
        cmocka_unit_test(every_sentence_states_its_figure_truly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
