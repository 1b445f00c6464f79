/* grader.h: what an exercise suite needs. A suite (suite_*.c, one per
 * exercise) is a table of tests; each test runs the student's programs with
 * run_program(), looks at the kernel's IPC objects with ipc_snapshot(), and
 * states what it expects with the expect_*() helpers, which explain a failure
 * in the student's words and end the test. Every test runs in its own Check
 * fork, in a private IPC namespace; every program run gets a private PID
 * namespace, so nothing a student starts or creates outlives the test. */
#ifndef GRADER_H
#define GRADER_H

#include <check.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "ipcstate.h"
#include "util.h"
#include "vgxml.h"

struct test_def {
    const char *id;             /* stable: expect files and --test use it */
    const char *name;           /* what is checked, in a student's words */
    double points;
    void (*fn)(void);
    const char *hint;           /* the call, flag or section to look at */
    const char *visibility;     /* Gradescope's values; NULL means "visible" */
};

struct exercise {
    const char *id;
    const char *title;
    const char *chapter;        /* the chapter to read, from the top folder */
    const char *const *programs;    /* each built from PROGRAM.c */
    const struct test_def *tests;
    size_t ntests;
    const char *const *linked;  /* given sources (paths from the top folder) linked into
                                   every program, e.g. a driver with main(); or NULL */
};

extern const struct exercise *const exercises[];    /* course order, NULL-terminated */
const struct exercise *exercise_find(const char *id);
/* Visible to students (no visibility, or "visible"). Hidden tests sit
 * between HIDDEN-BEGIN and HIDDEN-END comments in a suite; the student
 * handout is built without them. */
bool test_is_visible(const struct test_def *def);
/* The exercise's Check suite: one TCase per test, named by the test's id. */
Suite *exercise_suite(const struct exercise *ex);

/* Where things are for the grading in progress (set by the engine). */
struct grade_ctx {
    const char *root;           /* the workbook's top folder */
    const char *work;           /* this grading's private scratch folder */
    const char *student_bin;    /* the student's programs, built by the grader */
    const char *ref_bin;        /* the reference programs, or NULL in a handout */
    const char *fault_lib;      /* LD_PRELOAD library for fault injection */
    const char *const *sources; /* basenames of the student's .c files */
    const struct exercise *ex;
    bool keep;                  /* scratch folders stay on disk (no tmpfs) */
};
extern struct grade_ctx g_ctx;

/* The test running in this process (set by the Check fixture). */
struct test_env {
    const struct test_def *def;
    char dir[PATH_MAX / 2];     /* private to this test: outputs, Valgrind XML */
    char scratch[PATH_MAX];     /* the programs' working directory */
    int runs;
    int feedback_fd;
};
extern struct test_env g_test;

/* ---- running programs ---- */

/* Move the calling process into a new, empty IPC namespace (with a user
 * namespace when not root). Return 0, or -1 with errno. */
int enter_private_ipc(void);

#define RUN_MAX_ARGS 24

struct run {
    /* what to run */
    const char *prog;           /* "shmtool" */
    const char *args[RUN_MAX_ARGS];     /* arguments, NULL-terminated */
    bool reference;             /* run the reference solution's program */
    bool valgrind;              /* under memcheck, XML kept out of reach */
    bool track_fds;             /* with valgrind: also --track-fds=yes */
    const char *input;          /* stdin text; NULL means /dev/null */
    const char *fault;          /* e.g. "shmget:EACCES" (see faultinject.c) */
    double timeout;             /* seconds; 0 picks the default */
    /* what happened */
    pid_t pid;                  /* as IPC_STAT's cpid/lpid will show it */
    bool timed_out;
    bool stopped;               /* ended by run_stop() */
    int exit_code;              /* -1 if killed by a signal */
    int term_signal;
    int leftover_procs;         /* processes still running when it exited */
    char *out, *err;            /* the tails of stdout and stderr */
    bool out_cut, err_cut;
    char *blocked;              /* where it was stuck at the timeout */
    struct vg_report vg;
    double elapsed;
    /* private */
    pid_t init_pid;
    int status_fd;
    struct strbuf status_text;
    int seq;
    double started;
};

/* RUN("shmtool", "create", "KEY", "100") */
#define RUN(program, ...) ((struct run){ .prog = (program), .args = { __VA_ARGS__ } })

void run_start(struct run *r);      /* returns once the program is exec'd (r->pid set) */
void run_wait(struct run *r);       /* until it exits or its timeout */
void run_program(struct run *r);    /* run_start() + run_wait() */
void run_signal(const struct run *r, int sig);  /* signal the program (not its children) */
void run_stop(struct run *r);       /* kill it and everything it started; collect */
bool run_alive(const struct run *r);    /* the program has not exited yet */
bool run_ended(const struct run *r);    /* a started run's init has exited (not collected) */
/* Stop a program that may still be running, first noting where each of its
 * processes is stuck (r->blocked), so that a failure shows its output and
 * state; its "exit" is the grader's SIGKILL. Collects it if it exited. */
void run_halt(struct run *r);
/* Wait until the program's stdout holds text (e.g. "ready"); false at the
 * timeout or as soon as the program has exited without printing it. */
bool run_wait_output(struct run *r, const char *text, double timeout);
void run_free(struct run *r);
/* The command line a student can paste to reproduce the run. */
void run_command(const struct run *r, struct strbuf *sb);
/* Exit status, output tails, where it was stuck: for a failure message. */
void run_summary(const struct run *r, struct strbuf *sb);

/* ---- expectations: each one passes silently or fails the test ---- */

__attribute__((noreturn, format(printf, 2, 3)))
void test_fail(const struct run *r, const char *fmt, ...);
void expect_finished(const struct run *r);      /* no timeout, no crash */
void expect_success(const struct run *r);       /* exit status 0 */
void expect_error_exit(const struct run *r, const char *situation);
void expect_usage_error(const struct run *r);   /* status 2 and "usage:" */
void expect_stderr_has(const struct run *r, const char *text, const char *advice);
long expect_field(const struct run *r, const char *label, const char *meaning);
void expect_no_field(const struct run *r, const char *label, const char *why);
void expect_stdout_empty(const struct run *r, const char *why);
void expect_valgrind_clean(const struct run *r);
void expect_ulong(const struct run *r, const char *what, unsigned long found,
                  unsigned long expected, const char *advice);
void expect_mode(const struct run *r, const char *what, unsigned found, unsigned expected,
                 const char *advice);     /* permission bits, shown in octal */
void expect_no_new_objects(const struct ipc_set *before, const struct run *r,
                           const char *situation);

/* The object of this kind and id as the kernel has it now; fails the test
 * (saying why it should exist) when there is none. */
struct ipc_obj expect_object(const struct run *r, enum ipc_kind kind, int id,
                             const char *why);
/* A snapshot of this test's IPC namespace (fails the test on error). */
void snapshot(struct ipc_set *set);
/* Make a file in the programs' working directory; returns its name. */
const char *scratch_file(const char *name, const char *content);
/* Add a line of feedback: tag 'D' details, 'V' Valgrind, 'L' leftover,
 * 'B' blocked, 'R' reproduce. */
void feedback(char tag, const char *text);

#endif
