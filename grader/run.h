/* run.h: run one student (or reference) program the way a test needs it:
 * in a PID namespace of its own, sandboxed (sandbox.h), with a deadline,
 * its output kept in files. A run is a request (what to run, filled in by
 * the suite) and a result (what happened, filled in here). Everything a run
 * allocates belongs to the test and is released when the test ends
 * (test.h), so suites never free a run. */
#ifndef RUN_H
#define RUN_H

#include <stdbool.h>
#include <sys/types.h>

#include "util.h"
#include "vgxml.h"

#define RUN_MAX_ARGS 24

struct run_request {
    const char *prog;           /* "shmtool" */
    const char *args[RUN_MAX_ARGS];     /* NULL-terminated; copied at run_start() */
    bool reference;             /* run the reference solution's program */
    bool valgrind;              /* under memcheck, XML kept out of reach */
    bool track_fds;             /* with valgrind: also --track-fds=yes */
    const char *input;          /* stdin text; NULL means /dev/null */
    const char *fault;          /* e.g. "shmget:EACCES" (see preload/faultinject.c) */
    double timeout;             /* seconds; 0 picks the default */
    int out_lines;              /* a failure shows only this many last lines of stdout
                                   (a long log); 0: the usual tail */
    /* Done by the run's init just before it starts the program: an IPC call
     * by a process the program can see, where the test's own calls show as
     * pid 0 (run_init_seen()). It runs after the clone, so system calls
     * only; -1 with errno set is the grader's error. NULL: nothing. */
    int (*init_does)(const void *arg);
    const void *init_arg;
};

/* Which of the grader's limits ended a run (run_limit_words() says it). */
enum run_limit {
    RUN_LIMIT_NONE,
    RUN_LIMIT_TIME,             /* still running at its deadline: the grader's SIGKILL */
    RUN_LIMIT_CPU,              /* RLIMIT_CPU: SIGXCPU, or SIGKILL one second later */
    RUN_LIMIT_FSIZE,            /* RLIMIT_FSIZE: SIGXFSZ (a flood of output) */
    RUN_LIMIT_MEMORY,           /* the test's memory bound: the OOM killer in its
                                   control group, or the run's watchdog (run.c) */
    RUN_LIMIT_DISK,             /* container mode: its folder grew past what a
                                   test's tmpfs would hold (the run's watchdog) */
};

struct run_result {
    pid_t pid;                  /* as IPC_STAT's cpid/lpid will show it */
    double started;             /* now_seconds() at the start; the deadline is
                                   started + req.timeout */
    bool timed_out;
    bool stopped;               /* ended by run_stop() */
    int exit_code;              /* -1 if killed by a signal */
    int term_signal;
    int leftover_procs;         /* processes still running when it exited */
    char *out, *err;            /* the tails of stdout and stderr */
    bool out_cut, err_cut;
    char *blocked;              /* where it was stuck at the timeout */
    struct vg_report vg;
    /* With valgrind and track_fds: the descriptors open at exit, which
     * Valgrind reports on stderr between the program's own lines; they are
     * taken out of err, so the student sees only what the program wrote. */
    bool fds_reported;
    struct vg_open_fd *open_fds;
    size_t n_open_fds;
    double elapsed;
    /* What the run took, from wait4() on its init, which kills and reaps
     * every process of the run before it exits, at a deadline too, so each
     * one counts (one the kernel reaps as a namespace dies would not):
     * cpu_seconds is user + system time of all of them; peak_rss_kib is
     * ru_maxrss, the highest resident set of any one of them (a sum would
     * need a cgroup). A process's peak includes the grader's pages it had
     * between fork and exec, a few MiB: small programs all show about that.
     * Running out of RLIMIT_AS shows as a failing malloc() or mmap(), not
     * as a signal: only the test's memory bound (total_peak_kib) ends a
     * run by a memory limit. */
    double cpu_seconds;
    long peak_rss_kib;
    /* All the run's processes together at their peak, in KiB: what its
     * control group was charged (cgroup.h), or where there is none, the
     * watchdog's highest reading; -1 where neither could tell. */
    long long total_peak_kib;
    bool memory_killed;         /* a process of it was ended for the memory bound */
    bool disk_killed;           /* it was ended for filling its folder */
    enum run_limit limit;
};

struct run_state;               /* run.c's own */

struct run {
    struct run_request req;
    struct run_result res;
    struct run_state *state;
};

/* RUN("shmtool", "create", "KEY", "100") */
#define RUN(program, ...) ((struct run){ .req = { .prog = (program), .args = { __VA_ARGS__ } } })

void run_start(struct run *r);      /* returns once the program is exec'd (res.pid set) */
void run_wait(struct run *r);       /* until it exits or its deadline */
void run_program(struct run *r);    /* run_start() + run_wait() */
void run_signal(const struct run *r, int sig);  /* signal the program (not its children) */
void run_stop(struct run *r);       /* kill it and everything it started; collect */
bool run_alive(const struct run *r);    /* the program has not exited yet */
bool run_ended(const struct run *r);    /* a started run's init has exited (not collected) */
/* Stop a program that may still be running, first noting where each of its
 * processes is stuck (res.blocked), so that a failure shows its output and
 * state; its "exit" is the grader's SIGKILL. Collects it if it exited. */
void run_halt(struct run *r);
/* Wait until the program's stdout holds text (e.g. "ready"); false at the
 * timeout or as soon as the program has exited without printing it. */
bool run_wait_output(struct run *r, const char *text, double timeout);
/* The whole of the program's stdout so far (at most 16 MiB), owned by the
 * test; "" when there is none. */
const char *run_stdout(const struct run *r);
/* The run's init (pid 1 of its namespace, as the test sees it): its
 * children are the program's processes. 0 once the run is collected. */
pid_t run_init_pid(const struct run *r);
/* Describe, a line each, where every process of the run is stuck. */
void run_describe_stuck(const struct run *r, struct strbuf *sb);
/* The program and its arguments as words, "ringbuf produce KEY 1 10": for
 * a sentence (run_command() is for a shell). */
void run_words(const struct run *r, struct strbuf *sb);
/* The command line a student can paste to reproduce the run. */
void run_command(const struct run *r, struct strbuf *sb);
/* Which limit ended the run, in the student's words ("was still running
 * after 5 s (time limit)"), owned by the test; NULL when it did not end
 * by a limit. */
const char *run_limit_words(const struct run *r);
/* Exit status, output tails, where it was stuck: for a failure message. */
void run_summary(const struct run *r, struct strbuf *sb);

#endif
