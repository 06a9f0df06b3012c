/* Tests of value.c: the value tree and its JSON. */
#include "testutil.h"
#include "value.h"

#include <math.h>

static char *json(const fp_value *v, int indent)
{
    fp_buf b;
    fp_buf_init(&b);
    fp_json_write(v, indent, &b);
    return fp_buf_steal(&b);
}

static void numbers_by_kind(void **state)
{
    (void)state;
    fp_value *o = fp_v_obj();
    fp_v_set(o, "money", fp_v_money(123450));
    fp_v_set(o, "whole", fp_v_money(100000));
    fp_v_set(o, "count", fp_v_count(42));
    fp_v_set(o, "ratio", fp_v_ratio(0.94312345));
    fp_v_set(o, "none", fp_v_ratio(NAN));
    fp_v_set(o, "neg", fp_v_money(-5));
    fp_v_set(o, "nomoney", fp_v_money(INT64_MIN));
    char *s = json(o, 0);
    assert_string_equal(s, "{\"money\":1234.5,\"whole\":1000,\"count\":42,\"ratio\":0.943123,\"none\":null,"
                           "\"neg\":-0.05,\"nomoney\":null}");
    free(s);
    fp_v_free(o);
}

static void strings_are_escaped(void **state)
{
    (void)state;
    fp_value *a = fp_v_arr();
    fp_v_push(a, fp_v_str("say \"hi\"\\ \n\t\x01"));
    fp_v_push(a, fp_v_str("销售</script>"));
    char *s = json(a, 0);
    assert_string_equal(s, "[\"say \\\"hi\\\"\\\\ \\n\\t\\u0001\",\"销售</script>\"]");
    free(s);
    fp_v_free(a);
}

static void objects_keep_order_and_replace(void **state)
{
    (void)state;
    fp_value *o = fp_v_obj();
    fp_v_set(o, "b", fp_v_count(1));
    fp_v_set(o, "a", fp_v_count(2));
    fp_v_set(o, "b", fp_v_count(3));
    assert_int_equal(fp_v_len(o), 2);
    assert_string_equal(fp_v_key(o, 0), "b");
    assert_near(fp_v_as_num(fp_v_get(o, "b")), 3, 0);
    assert_null(fp_v_get(o, "zz"));
    fp_value *nested = fp_v_obj();
    fp_value *arr = fp_v_arr();
    fp_v_push(arr, fp_v_bool(true));
    fp_v_push(arr, fp_v_null());
    fp_v_set(nested, "list", arr);
    fp_v_set(o, "n", nested);
    char *s = json(o, 2);
    assert_string_equal(s, "{\n  \"b\": 3,\n  \"a\": 2,\n  \"n\": {\n    \"list\": [true, null]\n  }\n}\n");
    free(s);
    assert_true(fp_v_as_bool(fp_v_at(fp_v_get(fp_v_get(o, "n"), "list"), 0)));
    assert_null(fp_v_at(arr, 5));
    fp_v_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_by_kind),
        cmocka_unit_test(strings_are_escaped),
        cmocka_unit_test(objects_keep_order_and_replace),
    };
    return cmocka_run_group_tests_name("value", tests, NULL, NULL);
}
