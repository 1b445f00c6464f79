/* test.h: the bottom layer of a test process: where the grading's files
 * are, which test runs here, what it has said (feedback records) and how it
 * ends. A test ends in one of four ways (enum outcome); the engine reads the
 * outcome back from the test's files, so a grader fault (OUTCOME_ERROR) is
 * never mistaken for the student's failure. Everything a test allocates
 * through test_defer() is released when the test ends, pass or fail. */
#ifndef TEST_H
#define TEST_H

#include <limits.h>
#include <stdbool.h>

#include "cgroup.h"
#include "debuginfo.h"
#include "exercise.h"
#include "util.h"

enum outcome {
    OUTCOME_FAIL,               /* the student's program did something wrong (the
                                   default: a test that never ran did not pass) */
    OUTCOME_PASS,               /* every expectation held */
    OUTCOME_SKIP,               /* cannot run in this copy (no reference programs) */
    OUTCOME_ERROR,              /* the grader could not run the test */
};

/* Where things are for the grading in progress (set by the engine). */
struct grade_ctx {
    const char *root;           /* the workbook's top folder */
    const char *work;           /* this grading's private scratch folder */
    const char *student_bin;    /* the student's programs, built by the grader */
    const char *ref_bin;        /* the reference programs, or NULL in a handout */
    const char *fault_lib;      /* LD_PRELOAD library for fault injection */
    /* Valgrind's runs see the debug file [i][0] of the C library and of
     * the loader as its lighter copy [i][1] (debuginfo.h); NULLs when there
     * is none. */
    const char *lean_debug[DEBUGINFO_OBJECTS][2];
    const char *const *sources; /* basenames of the student's .c files */
    const struct exercise *ex;
    bool keep;                  /* scratch folders stay on disk (no tmpfs) */
    /* The grading's control group (cgroup.h): each test makes its own
     * below it, bounding all of the test's processes together by
     * test_memory; NULL where the machine gives none, and then each run's
     * init holds the run's processes to test_memory (run.c's watchdog). */
    const struct cgroup *cgroup;
    unsigned long long test_memory;
};
extern struct grade_ctx g_ctx;

/* The test running in this process. */
struct test_env {
    const struct test_def *def;
    char dir[PATH_MAX / 2];     /* private to this test: outputs, Valgrind XML */
    char scratch[PATH_MAX];     /* the programs' working directory */
    int runs;                   /* programs started so far (numbers their files) */
    int feedback_fd;
};
extern struct test_env g_test;

/* Start test def in this process: its folders (under g_ctx.work) and its
 * feedback file. Return 0, or -1 with errno. */
int test_begin(const struct test_def *def);
/* Release everything deferred, newest first (the engine calls it when a
 * test function returns; a failing test's process simply exits). */
void test_end(void);

/* Add a record to the test's feedback: tag 'D' details, 'V' Valgrind,
 * 'L' leftover, 'B' blocked, 'R' reproduce, 'O' outcome. */
void feedback(char tag, const char *text);

/* End the test as failed with this message (the student's fault). */
__attribute__((noreturn, format(printf, 1, 2)))
void test_fail_text(const char *fmt, ...);
/* End the test as errored: the grader itself could not do what the test
 * needs (a fork, a pipe, a file of its own). Never the student's fault. */
__attribute__((noreturn, format(printf, 1, 2)))
void test_error(const char *fmt, ...);
/* End the test as skipped, saying why it cannot run in this copy. */
__attribute__((noreturn, format(printf, 1, 2)))
void test_skip(const char *fmt, ...);

/* ---- the recipe: how a student repeats what the test did, by hand ----
 * Each step is a shell line, or an event of a numbered run (1, 2, ...);
 * test_recipe_text() renders them as a script to paste into a shell in the
 * student's folder. */
enum recipe_kind {
    RECIPE_LINE,                /* a line as it is (a file, a limit, a comment) */
    RECIPE_START,               /* run N starts: its command line */
    RECIPE_READY,               /* the test waited for run N to be ready */
    RECIPE_WAIT,                /* the test waited for run N to end */
    RECIPE_SIGNAL,              /* the test sent run N a signal (text: its name) */
};
void test_recipe(enum recipe_kind kind, int run, const char *text);
/* The script, or "" when the test ran nothing. */
void test_recipe_text(struct strbuf *sb);

/* Call fn(arg) when the test ends (test_end). */
void test_defer(void (*fn)(void *), void *arg);
/* p, freed when the test ends; returns p. */
void *test_own(void *p);
/* A formatted string that lives as long as the test, e.g. a program's
 * numeric argument: test_strf("%d", id). */
__attribute__((format(printf, 1, 2)))
const char *test_strf(const char *fmt, ...);

#endif
