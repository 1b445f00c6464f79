/* batch.h: grade a whole class: every student's folder, every exercise,
 * in parallel, resumable, with a CSV, per-student feedback and an HTML
 * overview for the instructor. A class too big for one machine is graded
 * in shards (--shard K/N, one machine each) whose folders merge into the
 * same outputs one run would have written. */
#ifndef BATCH_H
#define BATCH_H

#include <stdbool.h>
#include <stddef.h>

struct batch_options {
    const char *class_dir;      /* CLASS/STUDENT/EXERCISE/PROGRAM.c */
    const char *out_dir;
    int jobs;                   /* submissions graded at once; 0: one per core */
    bool force;                 /* grade again what is already graded */
    int shard, nshards;         /* grade only shard K of N (1-based); 0 and 0: all */
};

struct merge_options {
    const char *out_dir;
    const char **shard_dirs;    /* the folders of `batch --shard`, one per shard;
                                   the array is the caller's to free */
    size_t nshard_dirs;
};

/* The shard (1..nshards) that grades the pair (student, exercise), both
 * numbered in the order the batch sorts them (students by name, exercises
 * in course order), so that every machine agrees whatever order the OS
 * lists folders in. Diagonal (student + exercise) rather than round-robin
 * over the pair's index: each shard gets about an Nth of every exercise,
 * slow ones included, even when N divides the number of exercises. */
int batch_shard_of(size_t student, size_t exercise, int nshards);

/* Return 0, or 2 with a one-line reason on stderr for bad input. With
 * opt->nshards > 0 only that shard's pairs are graded, and instead of
 * grades.csv and report.html the output folder gets shard.txt, what
 * batch_merge() needs. */
int batch_run(const struct batch_options *opt);
/* Merge the shard folders into opt->out_dir: each pair's feedback copied,
 * grades.csv and report.html byte for byte what one unsharded batch writes.
 * Everything is checked before anything is written: return 0, or 2 with a
 * one-line reason (a shard missing, given twice, of another class or
 * grader, or damaged). */
int batch_merge(const struct merge_options *opt);

#endif
