/* engine.h: grade one exercise: build the student's programs with the
 * grader's own flags, run every test of the suite (in parallel, each in its
 * own Check fork and IPC namespace), and collect the results. */
#ifndef ENGINE_H
#define ENGINE_H

#include <stdbool.h>

#include "exercise.h"
#include "test.h"

struct test_outcome {
    const struct test_def *def;
    int number;                 /* 1-based, course order within the exercise */
    enum outcome outcome;       /* pass, fail, skip (no reference programs here) or
                                   error (the grader could not run it) */
    double score, max_score;
    char *message;              /* what went wrong, in a student's words */
    char *details;              /* the run: command, exit status, output */
    char *valgrind, *leftovers, *blocked, *reproduce;   /* NULL when none */
    /* A line per program run: "PROG student|reference CPU_SECONDS PEAK_KIB
     * LIMIT" (run.c's note_usage(), run.h's struct run_result); NULL when
     * the test ran none. */
    char *runs;
    double duration;
};

struct grade_result {
    const struct exercise *ex;
    char *source_dir;
    bool compiled;
    char *compiler_output;      /* errors or warnings, "" when clean */
    char *not_graded;           /* why nothing could be graded (batch), or NULL */
    char *grader_fault;         /* why the grader could not build the programs (its
                                   fault, not the student's: every test errs), or NULL */
    struct test_outcome *tests;
    size_t ntests;
    double score, max_score, execution_time;
    int todo_markers;           /* TODO(<exercise>) left in the sources */
    unsigned memory_mib;        /* the memory bound of a test (or of a run) */
    char *memory_bound;         /* how it is enforced, in words; NULL if no test ran */
    bool sandbox_full;          /* sandbox.h's full mode, or else container mode */
    char *sandbox_why;          /* why that mode, in words; NULL if no test ran */
};

struct grade_options {
    int jobs;                   /* tests run at once; 0 means two per core */
    const char *only;           /* run just these test ids ("ID,ID"), or NULL */
    bool visible_only;          /* leave out hidden tests: a student's view */
    bool keep;                  /* keep the scratch folder and say where */
};

/* Where the workbook is: set once by main before grading. */
void engine_init(const char *root);
/* Return 0 with *res filled, or -1 with a one-line reason in *why (bad
 * input: missing folder or source file, unreadable file). */
int grade(const struct exercise *ex, const char *dir, const struct grade_options *opt,
          struct grade_result *res, char **why);
void grade_result_free(struct grade_result *res);

#endif
