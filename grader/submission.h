/* submission.h: is a student's folder something the grader may compile?
 * (submission.c) */
#ifndef SUBMISSION_H
#define SUBMISSION_H

#include "exercise.h"

/* The most source the grader compiles per program, in bytes. */
#define SUBMISSION_SOURCE_MAX (1L << 20)

/* Check that dir is a folder holding each PROGRAM.c of the exercise as a
 * plain C source file of its own. Return 0, or -1 with a one-line reason
 * for the student in *why (the caller frees it). */
int submission_check(const struct exercise *ex, const char *dir, char **why);

/* Copy the submission's own C files (*.c and *.h at its top, regular,
 * inside it) into the folder `to`: the grader compiles that copy, as a
 * user that cannot read the original. Return 0, or -1 with *why. */
int submission_copy(const char *dir, const char *to, char **why);

#endif
