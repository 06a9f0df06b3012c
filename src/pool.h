/* pool.h — run independent tasks on several threads.
 *
 * fp_parallel_for calls fn(i, arg) once for every i in [0, n), on up to
 * nthreads threads (the calling thread included), and returns when all are
 * done. Tasks are handed out in index order, so put the longest first.
 * fn must only touch what task i owns; nothing here locks.
 */
#ifndef FP_POOL_H
#define FP_POOL_H

typedef void (*fp_task_fn)(int i, void *arg);

void fp_parallel_for(int n, int nthreads, fp_task_fn fn, void *arg);
/* Number of processors online (at least 1). */
int fp_ncpus(void);

#endif
