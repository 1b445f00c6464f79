/* suite.h: everything an exercise suite (grader/suites/NAME.c) uses, and
 * the only header it includes from the grader. A suite is a table of tests
 * (exercise.h); each test runs the student's programs (run.h), looks at the
 * kernel's IPC objects (ipcstate.h), and states what it expects (expect.h).
 * Every test runs in its own process and IPC namespace; every program run
 * gets its own PID namespace, so nothing a student starts or creates
 * outlives the test, and everything a test allocates is released with it.
 *
 * Below: what suites used to write for themselves. */
#ifndef SUITE_H
#define SUITE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/ipc.h>
#include <sys/types.h>

#include "diagnose.h"
#include "exercise.h"
#include "expect.h"
#include "ipcstate.h"
#include "run.h"
#include "test.h"
#include "util.h"
#include "vgxml.h"

/* ---- a program's life ---- */

/* Start r and wait until its stdout holds ready (e.g. "ready"). When it
 * does not: a run that ended is judged by expect_success() and then failed
 * for not printing it; one still running after secs is described where it
 * is stuck and failed. what says what ready means, for the message. */
void run_start_ready(struct run *r, const char *ready, double secs, const char *what);
/* Send sig to the program and collect it (a server told to stop). */
void run_stop_with(struct run *r, int sig);

/* Wait until some process of r sleeps in system call nr (SYS_msgrcv, ...),
 * its arguments in args (if not NULL). False at the timeout, or as soon as
 * the program has exited. */
bool run_wait_asleep_in(const struct run *r, long nr, unsigned long args[6], double timeout);
/* Is every thread of every process of r asleep in one of calls (ended by
 * -1), or in wait4()/waitid() for its own children, and at least one in
 * calls? */
bool run_asleep_in(const struct run *r, const long *calls);
/* Every process of r still there (its program and all it started, the
 * run's init left out), breadth first: how many, at most max. */
size_t run_processes(const struct run *r, pid_t *out, size_t max);
/* Where each process of a run still going is, in words ("gone" if none). */
void run_where(const struct run *r, struct strbuf *sb);

/* ---- runs that work together ---- */

/* How group_wait() tells a deadlock: every run still going is asleep in
 * one of asleep_in (run_asleep_in()), and what state() writes has not
 * changed for quiet seconds. state may be NULL (nothing else moves). */
struct group_watch {
    const long *asleep_in;      /* system call numbers, ended by -1 */
    void (*state)(void *ctx, struct strbuf *sb);
    void *ctx;
    double quiet;               /* seconds; 0 means 1 */
};

/* Wait for every run of the group, each until its own deadline. On a
 * deadlock, describe where every stuck run is before stopping any (a killed
 * process gives back what it took with SEM_UNDO, and the others would
 * move), then stop them: their res.timed_out is set, res.blocked says
 * where, req.timeout becomes the time they had run. Returns how many were
 * stopped; *state_then (if not NULL) is state()'s text at that moment. */
size_t group_wait(struct run **runs, size_t n, const struct group_watch *w,
                  const char **state_then);

/* ---- objects the grader makes for a test ---- */

/* The grader's own segment, queue or semaphore set (IPC_CREAT | IPC_EXCL):
 * its id. A failure is the grader's (test_error). */
int grader_segment(key_t key, size_t size, int mode);
int grader_queue(key_t key, int mode);
int grader_semset(key_t key, int nsems, int mode);
/* Attach a segment for the grader (read-only or not). */
void *grader_attach(int shmid, bool read_only);
/* Remove an object the grader made (or a program left). */
void grader_remove(enum ipc_kind kind, int id);

/* ---- semaphores, as the grader sees and moves them ---- */

int sem_value(int semid, int sem);              /* GETVAL */
void sem_values(int semid, unsigned short *vals);   /* GETALL */
int sem_waiting(int semid, int sem, bool for_zero);  /* GETNCNT, or GETZCNT */
/* One semop() by the grader on semaphore sem: op with flags (IPC_NOWAIT
 * is added). True if it was done, false if it would have had to wait. */
bool grader_semop(int semid, int sem, int op, int flags);

/* ---- the test's namespace ---- */

/* Lower (or set) a limit of the test's own IPC namespace, e.g.
 * set_ipc_limit("shmmni", "0") for ENOSPC. */
void set_ipc_limit(const char *name, const char *value);

/* ---- printed fields and the objects' presence (suites shmget, shmctl, msgget,
 * msgctl ---- */

/* The id a program printed on its stdout line "LABEL N" (shmid, msqid), which
 * must be a real id: a negative one means call (e.g. "shmget") failed and
 * the program went on unchecked. */
int expect_printed_id(const struct run *r, const char *label, const char *call);
/* expect_field() for unsigned numbers (limits and times too large for a
 * long) in base (0: as C reads 0x12 and 012; 8: a mode, with or without its
 * leading 0). */
unsigned long expect_ufield(const struct run *r, const char *label, int base,
                            const char *meaning);
/* Does the test's namespace hold an object of this kind and id now? */
bool object_exists(enum ipc_kind kind, int id);

#endif
