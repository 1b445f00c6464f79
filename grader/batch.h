/* batch.h: grade a whole class: every student's folder, every exercise,
 * in parallel, resumable, with a CSV, per-student feedback and an HTML
 * overview for the instructor. */
#ifndef BATCH_H
#define BATCH_H

#include <stdbool.h>

struct batch_options {
    const char *class_dir;      /* CLASS/STUDENT/EXERCISE/PROGRAM.c */
    const char *out_dir;
    int jobs;                   /* submissions graded at once; 0: one per core */
    bool force;                 /* grade again what is already graded */
};

/* Return 0, or 2 with a one-line reason on stderr for bad input. */
int batch_run(const struct batch_options *opt);

#endif
