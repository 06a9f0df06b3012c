/* Tests of table.c: the canonical specs (and that docs/data.md documents exactly them), columnar storage. */
#include "testutil.h"
#include "table.h"

#include <math.h>

static void specs_are_consistent(void **state)
{
    (void)state;
    for (int t = 0; t < FP_TBL_COUNT; t++) {
        const fp_tablespec *s = fp_table_spec((fp_table_id)t);
        assert_int_equal(s->id, t);
        assert_ptr_equal(fp_table_spec_by_name(s->name), s);
        assert_true(s->ncols <= FP_MAX_COLS);
        for (int c = 0; c < s->ncols; c++)
            assert_int_equal(fp_table_col_index(s, s->cols[c].name), c);
    }
    assert_true(fp_table_spec(FP_TBL_ORDERS)->required);
    assert_null(fp_table_spec_by_name("nope"));
    assert_int_equal(fp_table_col_index(fp_table_spec(FP_TBL_ORDERS), "nope"), -1);
}

/* docs/data.md has a section per table whose table lists each column, its type, whether required */
static void docs_list_every_column(void **state)
{
    (void)state;
    char *doc = tu_read_src("docs/data.md");
    assert_non_null(doc);
    for (int t = 0; t < FP_TBL_COUNT; t++) {
        const fp_tablespec *s = fp_table_spec((fp_table_id)t);
        char head[128];
        snprintf(head, sizeof head, "### %s — %s", s->name, s->doc);
        assert_contains(doc, head);
        const char *sec = strstr(doc, head);
        const char *end = strstr(sec + 4, "\n### ");
        for (int c = 0; c < s->ncols; c++) {
            char row[512];
            snprintf(row, sizeof row, "| `%s` | %s |%s|", s->cols[c].name, fp_coltype_name(s->cols[c].type),
                     s->cols[c].required ? " yes " : " ");
            const char *at = strstr(sec, row);
            if (!at || (end && at > end))
                fail_msg("docs/data.md, table %s: no row starting %s", s->name, row);
        }
    }
    free(doc);
}

static void storage_grows_and_adds_columns(void **state)
{
    (void)state;
    fp_table t;
    fp_table_init(&t, fp_table_spec(FP_TBL_SURVEYS));
    bool present[FP_MAX_COLS] = {true, false, false, true, false};
    fp_table_alloc(&t, present, 2);
    assert_non_null(t.col[FP_SUR_DATE]);
    assert_null(t.col[FP_SUR_REP]);
    for (int i = 0; i < 5000; i++) {
        ((fp_date *)t.col[FP_SUR_DATE])[t.nrows] = i;
        ((double *)t.col[FP_SUR_SCORE])[t.nrows] = i % 5 + 1;
        t.line[t.nrows] = (uint32_t)i + 2;
        t.nrows++;
        fp_table_reserve_row(&t);
    }
    assert_int_equal(fp_col_date(&t, FP_SUR_DATE)[4999], 4999);
    assert_int_equal(t.line[0], 2);
    fp_table_add_column(&t, FP_SUR_REP);
    fp_table_add_column(&t, FP_SUR_COMMENT);
    assert_int_equal(fp_col_text(&t, FP_SUR_REP)[4000], 0);
    fp_table_reserve(&t, 100000);
    assert_true(t.cap >= 100000);
    assert_near(fp_col_num(&t, FP_SUR_SCORE)[4999], 5, 0);
    fp_table_free(&t);
    assert_int_equal(t.nrows, 0);
    assert_ptr_equal(t.spec, fp_table_spec(FP_TBL_SURVEYS));
    assert_string_equal(fp_coltype_name(FP_T_MONEY), "money");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(specs_are_consistent),
        cmocka_unit_test(docs_list_every_column),
        cmocka_unit_test(storage_grows_and_adds_columns),
    };
    return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}
