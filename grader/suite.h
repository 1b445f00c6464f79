/* suite.h: everything an exercise suite (grader/suites/NAME.c) uses, and
 * the only header it includes from the grader. A suite is a table of tests
 * (exercise.h); each test runs the student's programs (run.h), looks at the
 * kernel's IPC objects (ipcstate.h), talks to them over a socket (conn.h),
 * and states what it expects (expect.h).
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
#include <sys/stat.h>
#include <sys/types.h>

#include "conn.h"
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
/* Start every run, then collect each: runs that do not wait for each other,
 * such as one test's Valgrind runs, which spend half a second each starting
 * up and so take a core each rather than turns on one. */
void run_all(struct run *runs, size_t n);

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
/* The processor time (user and system) r's processes still there have used
 * so far, in seconds: a server that forks counts its children. */
double run_cpu_seconds(const struct run *r);
/* Ask visit() about every descriptor every process of r holds now (from
 * /proc/PID/fd; path is that descriptor's link there): how many answers
 * were yes. */
size_t run_each_fd(const struct run *r,
                   bool (*visit)(pid_t pid, int fd, const char *path, void *ctx), void *ctx);
/* Does the descriptor at /proc path (as run_each_fd() gives it) open the
 * same file as st? */
bool fd_opens(const char *path, const struct stat *st);
/* Where each process of a run still going is, in words ("gone" if none). */
void run_where(const struct run *r, struct strbuf *sb);
/* The most descriptors r's program may have open (its RLIMIT_NOFILE, from
 * /proc/PID/limits), or `otherwise` if that cannot be read or is not a
 * number a test can exceed in a few seconds (4000 or more). */
int run_descriptor_limit(const struct run *r, int otherwise);

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
 * set_ipc_limit("shmmni", "0"). Return false, changing nothing, in
 * container mode (sandbox.h): the namespace is the machine's, and its
 * /proc/sys read-only. The three below say what a test does then. */
bool set_ipc_limit(const char *name, const char *value);
/* A limit of the test's namespace, from /proc/sys/kernel/NAME. */
unsigned long kernel_limit(const char *name);
/* Set the limit NAME to value and return it; in container mode, return
 * the limit as it is. */
unsigned long ipc_limit(const char *name, unsigned long value);
/* Make r's next CALL (shmget, msgget, semget) meet ENOSPC: the limit NAME
 * set to value (no more objects), or in container mode the error injected
 * (r's fault), which the details say. */
void no_room_for(struct run *r, const char *name, const char *value, const char *call);
/* The same for a run made elsewhere: the fault to give it, or NULL. */
const char *no_room_fault(const char *name, const char *value, const char *call);
/* End the test as not gradable here (an error) when, in container mode,
 * the machine's namespace holds objects of this kind that the test did not
 * make: a test that counts every object of the namespace needs it alone. */
void need_namespace_alone(enum ipc_kind kind);
/* A pid of the grader's processes as IPC_STAT reports it to a program:
 * 0 in the full mode (the run's PID namespace has no such pid), the pid
 * itself in container mode. */
unsigned long grader_pid_seen(pid_t pid);
/* Words for a hint: why that is. */
const char *grader_pid_words(void);
/* The pid of a run's init (the process the program is started from, which
 * did req.init_does and dropped the segments the test had attached) as
 * IPC_STAT reports it to the program: 1, the first pid of the run's PID
 * namespace, in the full mode; the pid itself in container mode. */
unsigned long run_init_seen(pid_t pid);
/* Words for a hint: who that is. */
const char *run_init_words(void);
/* Sleep until the clock shows a new second: two events on either side of
 * this get different IPC timestamps (which count whole seconds). */
void wait_next_second(void);

/* ---- processes waiting on semaphores ---- */

/* The system calls a process waiting in semop() sleeps in (glibc's semop()
 * is the semtimedop system call), ended by -1: for run_asleep_in() and
 * struct group_watch. */
extern const long semop_calls[];
/* Copy text (run_describe_stuck()'s words) to sb, with each "semaphore N
 * (its value is too low)" replaced by why[N] (N below nsems): what waiting
 * on that semaphore means in the exercise, e.g. "semaphore 0 (the lock:
 * another process holds it)". */
void sem_explain(const char *text, const char *const *why, int nsems, struct strbuf *sb);

/* ---- a server the tests talk to, and its clients ----
 *
 * The test plays one end (a client of the student's server, or the server
 * of the student's client) and waits for the other. A wait ends as soon as
 * the awaited thing happens, the program exits, the time is up, or the
 * program has sat idle long enough that nothing more can come; a program
 * that did not do what the test waited for is stopped and the failure says
 * where it was. */

/* Is every thread of every process of r asleep in a system call that waits
 * for something to happen (anything but nanosleep() and its kin): it can do
 * nothing until a message, a connection, a byte or a signal comes? */
bool run_idle(const struct run *r);
/* Wait at most timeout seconds for r to exit by itself, then collect it:
 * true; false if it still runs. A run already collected: true. */
bool run_wait_exit(struct run *r, double timeout);

/* What run_watch() waits for. done() and idle() are called every 10 ms;
 * either may be NULL (never done: only the program's end; never idle). */
struct watch {
    bool (*done)(void *ctx);    /* what the test waits for has happened */
    bool (*idle)(void *ctx);    /* the program can do nothing more for it */
    void *ctx;
    int wake_fd;                /* look again as soon as it is readable (a
                                   socket the program writes to), or 0 */
};
enum watch_end { WATCH_DONE, WATCH_EXITED, WATCH_LATE, WATCH_IDLE };
/* Look at r until done() (WATCH_DONE); r has exited (WATCH_EXITED); timeout
 * seconds have passed (WATCH_LATE); or idle() has held 20 looks in a row,
 * 200 ms, longer than a program between two calls sleeps (WATCH_IDLE). */
enum watch_end run_watch(const struct run *r, const struct watch *w, double timeout);

/* Stop r if it still runs (run_halt()) and say how it ended, for a failure
 * message: "`msgserver` was still running; the grader stopped it. It was:"
 * and where each process was, or its exit status, or the signal that
 * killed it. A program that is exiting gets 0.2 s to finish. */
void run_halt_words(struct run *r, struct strbuf *sb);
/* End the test as failed: the message, then run_halt_words(). For a
 * program that did not do what the test waited for, or did it wrong,
 * while it may still be running. */
__attribute__((noreturn, format(printf, 2, 3)))
void run_fail_halt(struct run *r, const char *fmt, ...);

/* Start a server (req filled in: a deadline of 60 s, or 120 s under
 * Valgrind, when none is set) and wait, 5 s (30 s under Valgrind), until
 * its stdout holds ready. If not, the test fails: "The server never printed
 * \"LINE\" within 5 s; MUST." with where it was, or, once it has exited
 * (a crash or a timeout explained first), "The server exited before
 * printing \"LINE\"; MUST.". A reference server that does not start is the
 * grader's error. line is the ready line in words ("ready msqid N"); must
 * says what the server does first ("it must create the queue, ..."). */
void server_start(struct run *srv, const char *ready, const char *line, const char *must);
/* The test is done with the server: send sig, give it 2 s to exit, then
 * stop it. How it exits is not judged. */
void server_end(struct run *srv, int sig);
/* Tests of how a server stops: once it sleeps (run_idle(), at most 5 s, or
 * 30 s under Valgrind: it is waiting, not halfway through a request),
 * send sig. It must exit by itself within as long, with status 0: if it
 * goes on, the test fails with went_on and where it was. */
void server_stop(struct run *srv, int sig, const char *went_on);

/* The failures of a KEY given as PATH:PROJ_ID, before any IPC call: run
 * `missing` (its command line `command`, with the key no-such-file:65)
 * must fail in ftok() and make no `object` ("a queue"); run `nomem` (its
 * key keyfile:65, a file this makes) must report strdup() failing. */
void expect_key_errors(struct run *missing, const char *command, struct run *nomem,
                       const char *object);
/* The first half of that alone: run `missing`, which must fail in ftok()
 * and make no `object`. */
void expect_ftok_missing(struct run *missing, const char *command, const char *object);

#endif
