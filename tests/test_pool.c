/* Tests of pool.c: every task runs exactly once, whatever the thread count. */
#include "testutil.h"
#include "pool.h"

#include <stdatomic.h>

typedef struct {
    atomic_int *hits;
} ctx;

static void task(int i, void *arg)
{
    ctx *c = arg;
    atomic_fetch_add(&c->hits[i], 1);
}

static void each_task_once(void **state)
{
    (void)state;
    int threads[] = {1, 2, 3, 8, 64};
    for (size_t k = 0; k < sizeof threads / sizeof *threads; k++) {
        int n = 1000;
        atomic_int *hits = calloc((size_t)n, sizeof *hits);
        ctx c = {hits};
        fp_parallel_for(n, threads[k], task, &c);
        for (int i = 0; i < n; i++)
            assert_int_equal(atomic_load(&hits[i]), 1);
        free(hits);
    }
    fp_parallel_for(0, 4, task, NULL); /* nothing to do is fine */
    assert_true(fp_ncpus() >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(each_task_once)};
    return cmocka_run_group_tests_name("pool", tests, NULL, NULL);
}
