/* Tests of dict.c: dense ids, lookups, checked interning, merging in order. */
#include "testutil.h"
#include "dict.h"

static void ids_are_dense_and_stable(void **state)
{
    (void)state;
    fp_dict *d = fp_dict_new();
    assert_int_equal(fp_dict_size(d), 1);            /* id 0 is "" */
    assert_string_equal(fp_dict_str(d, 0), "");
    uint32_t a = fp_dict_intern(d, "华东一组", strlen("华东一组"));
    uint32_t b = fp_dict_intern(d, "华北一组", strlen("华北一组"));
    assert_int_equal(a, 1);
    assert_int_equal(b, 2);
    assert_int_equal(fp_dict_intern(d, "华东一组", strlen("华东一组")), 1);
    assert_int_equal(fp_dict_intern(d, "", 0), 0);
    uint32_t id;
    assert_true(fp_dict_find(d, "华北一组", strlen("华北一组"), &id));
    assert_int_equal(id, 2);
    assert_false(fp_dict_find(d, "华南", strlen("华南"), &id));
    assert_int_equal(fp_dict_strlen(d, 1), strlen("华东一组"));
    /* prefixes and embedded NULs are different strings */
    assert_int_not_equal(fp_dict_intern(d, "华东", strlen("华东")), 1);
    assert_int_not_equal(fp_dict_intern(d, "a\0b", 3), fp_dict_intern(d, "a", 1));
    fp_dict_free(d);
}

static void many_strings_survive_rehashing(void **state)
{
    (void)state;
    fp_dict *d = fp_dict_new();
    char buf[32];
    for (int i = 0; i < 200000; i++) {
        snprintf(buf, sizeof buf, "SO%09d", i);
        assert_int_equal(fp_dict_intern(d, buf, strlen(buf)), (uint32_t)i + 1);
    }
    for (int i = 0; i < 200000; i += 997) {
        snprintf(buf, sizeof buf, "SO%09d", i);
        assert_string_equal(fp_dict_str(d, (uint32_t)i + 1), buf);
        uint32_t id;
        assert_true(fp_dict_find(d, buf, strlen(buf), &id));
        assert_int_equal(id, (uint32_t)i + 1);
    }
    fp_dict_free(d);
}

/* Strings of every length up to 5,000 bytes and two longer than a storage chunk (2 MB), interleaved: each
 * keeps its id, text and length, is found again, and survives a merge into another dictionary. */
static void strings_of_every_length(void **state)
{
    (void)state;
    fp_dict *d = fp_dict_new();
    size_t big[2] = {3u << 20, (2u << 20) + 5};
    char *buf = malloc(big[0] + 1);
    uint32_t ids[5003];
    for (int i = 0; i < 5003; i++) {
        size_t n = i < 5001 ? (size_t)i : big[i - 5001];
        for (size_t k = 0; k < n; k++)
            buf[k] = (char)('a' + (k * 7 + (size_t)i) % 26);
        ids[i] = fp_dict_intern(d, buf, n);
    }
    assert_int_equal(ids[0], 0); /* the empty string */
    fp_dict *e = fp_dict_new();
    fp_dict_intern(e, "zz", 2);
    uint32_t *map = malloc(fp_dict_size(d) * sizeof *map);
    fp_dict_merge(e, d, map);
    for (int i = 0; i < 5003; i++) {
        size_t n = i < 5001 ? (size_t)i : big[i - 5001];
        for (size_t k = 0; k < n; k++)
            buf[k] = (char)('a' + (k * 7 + (size_t)i) % 26);
        assert_int_equal(fp_dict_strlen(d, ids[i]), n);
        assert_memory_equal(fp_dict_str(d, ids[i]), buf, n);
        assert_int_equal(fp_dict_str(d, ids[i])[n], 0);
        uint32_t id;
        assert_true(fp_dict_find(d, buf, n, &id));
        assert_int_equal(id, ids[i]);
        assert_true(fp_dict_find(e, buf, n, &id));
        assert_int_equal(id, map[ids[i]]);
        assert_memory_equal(fp_dict_str(e, id), buf, n);
    }
    free(map);
    free(buf);
    fp_dict_free(e);
    fp_dict_free(d);
}

static bool no_x(const char *s, size_t n)
{
    return memchr(s, 'x', n) == NULL;
}

static void checked_interning(void **state)
{
    (void)state;
    fp_dict *d = fp_dict_new();
    uint32_t id;
    assert_true(fp_dict_intern_checked(d, "abc", 3, no_x, &id));
    assert_int_equal(id, 1);
    assert_false(fp_dict_intern_checked(d, "axc", 3, no_x, &id));
    assert_int_equal(fp_dict_size(d), 2); /* nothing added */
    fp_dict_free(d);
}

static void merge_keeps_first_appearance_order(void **state)
{
    (void)state;
    fp_dict *a = fp_dict_new(), *b = fp_dict_new();
    fp_dict_intern(a, "x", 1);
    fp_dict_intern(a, "y", 1);
    fp_dict_intern(b, "z", 1);
    fp_dict_intern(b, "x", 1);
    fp_dict_intern(b, "w", 1);
    uint32_t map[4];
    fp_dict_merge(a, b, map);
    assert_int_equal(map[0], 0);
    assert_int_equal(map[1], 3); /* z is new: next id after x, y */
    assert_int_equal(map[2], 1); /* x was there */
    assert_int_equal(map[3], 4);
    assert_string_equal(fp_dict_str(a, 4), "w");
    fp_dict_free(a);
    fp_dict_free(b);
}

/* the consuming merge gives the same ids as the merge, over many chunks of records (the source's chunks are
 * freed as its ids move past them: ASan would see a record read after its chunk went), and leaves the source
 * empty */
static void consuming_merge_equals_merge(void **state)
{
    (void)state;
    enum { N = 200000 };
    fp_dict *a1 = fp_dict_new(), *a2 = fp_dict_new(), *b1 = fp_dict_new(), *b2 = fp_dict_new();
    char s[64];
    for (int i = 0; i < N; i += 3) { /* every third string is in the destination already */
        int n = snprintf(s, sizeof s, "SO2026%09d-%d", i, i % 7);
        fp_dict_intern(a1, s, (size_t)n);
        fp_dict_intern(a2, s, (size_t)n);
    }
    for (int i = N - 1; i >= 0; i--) {
        int n = snprintf(s, sizeof s, "SO2026%09d-%d", i, i % 7);
        fp_dict_intern(b1, s, (size_t)n);
        fp_dict_intern(b2, s, (size_t)n);
    }
    uint32_t nb = fp_dict_size(b1);
    uint32_t *m1 = malloc(nb * sizeof *m1), *m2 = malloc(nb * sizeof *m2);
    fp_dict_merge(a1, b1, m1);
    fp_dict_merge_consume(a2, b2, m2);
    assert_memory_equal(m1, m2, nb * sizeof *m1);
    assert_int_equal(fp_dict_size(a1), fp_dict_size(a2));
    for (uint32_t id = 0; id < fp_dict_size(a1); id += 997)
        assert_string_equal(fp_dict_str(a1, id), fp_dict_str(a2, id));
    assert_int_equal(fp_dict_size(b2), 0);
    free(m1);
    free(m2);
    fp_dict_free(a1);
    fp_dict_free(a2);
    fp_dict_free(b1);
    fp_dict_free(b2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ids_are_dense_and_stable),
        cmocka_unit_test(many_strings_survive_rehashing),
        cmocka_unit_test(checked_interning),
        cmocka_unit_test(merge_keeps_first_appearance_order),
        cmocka_unit_test(consuming_merge_equals_merge),
        cmocka_unit_test(strings_of_every_length),
    };
    return cmocka_run_group_tests_name("dict", tests, NULL, NULL);
}
