/* pool.c — a fork-join loop over tasks with an atomic counter; threads are
 * created per call (loading and merging call it a handful of times). */
#include "pool.h"

#include "util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct loop {
    int n;
    atomic_int next;
    fp_task_fn fn;
    void *arg;
} loop;

static void *run(void *p)
{
    loop *l = p;
    for (;;) {
        int i = atomic_fetch_add(&l->next, 1);
        if (i >= l->n)
            break;
        l->fn(i, l->arg);
    }
    return NULL;
}

void fp_parallel_for(int n, int nthreads, fp_task_fn fn, void *arg)
{
    if (n <= 0)
        return;
    loop l = {.n = n, .fn = fn, .arg = arg};
    atomic_init(&l.next, 0);
    int extra = (nthreads < n ? nthreads : n) - 1;
    pthread_t *thr = extra > 0 ? fp_xcalloc((size_t)extra, sizeof *thr) : NULL;
    int started = 0;
    for (int i = 0; i < extra; i++) {
        if (pthread_create(&thr[i], NULL, run, &l) != 0)
            break; /* fewer threads: the work still gets done */
        started++;
    }
    run(&l);
    for (int i = 0; i < started; i++)
        pthread_join(thr[i], NULL);
    free(thr);
}

int fp_ncpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}
