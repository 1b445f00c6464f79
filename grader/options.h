/* options.h: the options of `ipcgrade grade`, `batch` and `merge`, parsed
 * without printing or exiting, so that ipcgrade.c, the unit tests and the
 * fuzzer (tests/fuzz/fuzz_options.c) all run the same code. */
#ifndef OPTIONS_H
#define OPTIONS_H

#include "batch.h"
#include "engine.h"
#include "report.h"

struct grade_args {
    const struct exercise *ex;      /* the exercise named first */
    const char *dir;                /* the folder to grade, or NULL for exercises/EX */
    enum report_format fmt;
    struct grade_options opt;       /* opt.only points into argv */
};

/* Parse the arguments after `grade`. Return NULL, or what is wrong in one
 * line, worded for "ipcgrade: WHY (try: ipcgrade help)" (caller frees). */
char *grade_args_parse(int argc, char *const *argv, struct grade_args *out);
/* Parse the arguments after `batch`, the same way. */
char *batch_args_parse(int argc, char *const *argv, struct batch_options *out);
/* Parse the arguments after `merge`, the same way. On success
 * out->shard_dirs is an array the caller frees (its strings are argv's). */
char *merge_args_parse(int argc, char *const *argv, struct merge_options *out);
/* A shard "K/N": two whole numbers, 1 <= K <= N <= 10000, and nothing else.
 * Return 0, or -1 for anything else. */
int shard_parse(const char *value, int *k, int *n);

#endif
