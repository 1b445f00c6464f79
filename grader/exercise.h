/* exercise.h: what an exercise is, as data: its programs, its chapter and
 * its table of tests with points, hints and visibility. The engine, the
 * reports and the student commands read it; the suites (grader/suites/)
 * define it. Nothing here knows how a test runs (no Check). */
#ifndef EXERCISE_H
#define EXERCISE_H

#include <stdbool.h>
#include <stddef.h>

struct test_def {
    const char *id;             /* stable: expect files and --test use it */
    const char *name;           /* what is checked, in a student's words */
    double points;
    void (*fn)(void);
    const char *hint;           /* the call, flag or mistake to look at */
    const char *visibility;     /* Gradescope's values; NULL means "visible" */
    const char *section;        /* a "## " heading of the exercise's chapter that the
                                   hint sends the student to, or NULL */
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
    unsigned memory_mib;        /* what all of a test's programs may use together
                                   (Valgrind included); 0: EXERCISE_MEMORY_MIB */
};

/* The memory bound of a test when its exercise sets none: nearly four
 * times the 138 MiB the hungriest test of any exercise used at its peak
 * (grader/README.md, "The sandbox"). */
#define EXERCISE_MEMORY_MIB 512

/* The exercises in course order, NULL-terminated (grader/suites/exercises.c). */
extern const struct exercise *const exercises[];
const struct exercise *exercise_find(const char *id);
/* Visible to students (no visibility, or "visible"). Hidden tests sit
 * between HIDDEN-BEGIN and HIDDEN-END comments in a suite; the student
 * handout is built without them. */
bool test_is_visible(const struct test_def *def);
/* The number reports give ex->tests[i]: the visible tests are numbered
 * first, in table order, so that a student's list has no gaps; then the
 * hidden ones. */
int test_number(const struct exercise *ex, size_t i);

#endif
