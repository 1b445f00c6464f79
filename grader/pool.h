/* pool.h: the grader's one pool of worker processes: the engine's tests
 * and the batch's submissions both run in it. Each worker is a forked child
 * in a process group of its own, with a deadline. A pidfd wakes the pool
 * when a worker exits (a short poll interval where pidfd_open() is missing:
 * old kernels, Valgrind). A worker's group is killed (whatever it left
 * running) only while the worker is still an unreaped zombie, peeked at
 * with WNOWAIT, so the group id cannot have been reused by then. */
#ifndef POOL_H
#define POOL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define POOL_MAX 64

struct pool_worker {
    pid_t pid;
    int pidfd;                  /* -1 where pidfd_open() is missing */
    size_t job;                 /* the caller's number for the work */
    double started, deadline;
};

struct pool {
    struct pool_worker w[POOL_MAX];
    size_t running, size;
    volatile sig_atomic_t *stop;    /* when it becomes non-zero, kill every worker */
};

/* size workers at most at once (0: one per core); stop may be NULL. */
void pool_init(struct pool *p, size_t size, volatile sig_atomic_t *stop);
bool pool_full(const struct pool *p);
/* Fork a worker for job: the child (in its own process group, with the
 * default actions for SIGINT, SIGTERM and SIGHUP) calls work(arg), which
 * must not return. seconds is its deadline. Everything work needs is
 * prepared by the caller before this call. */
void pool_start(struct pool *p, size_t job, double seconds,
                void (*work)(void *arg), void *arg);
/* Wait until a worker ends, or overruns its deadline and is killed with
 * its group. True with its job, its wait status and its running time;
 * false when *stop became non-zero (every worker is then killed) or none
 * is running. */
bool pool_reap(struct pool *p, size_t *job, int *status, double *seconds);
/* Kill every worker and its group, and reap them. */
void pool_kill_all(struct pool *p);

#endif
