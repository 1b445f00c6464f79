/* options.c: see options.h. The messages are the command line's own (tests/
 * grader.sh checks them); ipcgrade.c prints them and exits 2. The fuzzer
 * tests/fuzz/fuzz_options.c feeds these functions arbitrary argument lists. */
#define _GNU_SOURCE
#include "options.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A message for the caller to free; the grader cannot go on without memory. */
__attribute__((format(printf, 1, 2))) static char *
why(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

/* A --jobs value: a whole number from 1 to 64 and nothing else. The range is
 * checked before narrowing to int, so "4294967297" is not taken for 1. */
static int
parse_jobs(const char *value, int *jobs)
{
    char *end;
    long n;

    if (value == NULL)
        return -1;
    errno = 0;
    n = strtol(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || n < 1 || n > 64)
        return -1;
    *jobs = (int)n;
    return 0;
}

/* A whole number of digits only (no sign, no space: strtol() would take
 * " +1"), at most max; the range is checked before narrowing to int. */
static int
parse_count(const char *s, const char **end, long max, int *value)
{
    char *e;
    long n;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    n = strtol(s, &e, 10);
    if (errno != 0 || n > max)
        return -1;
    *end = e;
    *value = (int)n;
    return 0;
}

int
shard_parse(const char *value, int *k, int *n)
{
    const char *p;
    int kk, nn;

    if (value == NULL || parse_count(value, &p, 10000, &kk) == -1 || *p != '/' ||
        parse_count(p + 1, &p, 10000, &nn) == -1 || *p != '\0' || kk < 1 || kk > nn)
        return -1;
    *k = kk;
    *n = nn;
    return 0;
}

/* The message for a bad --shard value, which is shown on one line whatever
 * it holds (a newline in an argument must not split the message). */
static char *
bad_shard(const char *value)
{
    char *shown, *s;

    if (value == NULL)
        return why("--shard needs K/N, e.g. 2/3 (shard K of N, 1 <= K <= N)");
    shown = shown_path(value);
    /* quoted always, so that "1/3 " shows its space (shown_path() quotes only
     * what is not plain, and then it starts with a quote) */
    s = why(shown[0] == '"' ? "--shard needs K/N with 1 <= K <= N, e.g. 2/3, not %s"
                            : "--shard needs K/N with 1 <= K <= N, e.g. 2/3, not \"%s\"",
            shown);
    free(shown);
    return s;
}

char *
grade_args_parse(int argc, char *const *argv, struct grade_args *out)
{
    const char *positional[2] = { NULL, NULL };
    int npos = 0;

    memset(out, 0, sizeof *out);
    out->fmt = FORMAT_TEXT;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(a, "--format") == 0 || strcmp(a, "-f") == 0) {
            if (value == NULL || report_format_parse(value, &out->fmt) == -1)
                return why("--format needs one of text, json, tap, junit, autolab, "
                           "prairielearn");
            i++;
        } else if (strncmp(a, "--format=", 9) == 0) {
            if (report_format_parse(a + 9, &out->fmt) == -1)
                return why("unknown format \"%s\": use text, json, tap, junit, autolab or "
                           "prairielearn", a + 9);
        } else if (strcmp(a, "--jobs") == 0 || strcmp(a, "-j") == 0) {
            if (parse_jobs(value, &out->opt.jobs) == -1)
                return why("--jobs needs a number from 1 to 64");
            i++;
        } else if (strcmp(a, "--test") == 0) {
            if (value == NULL || value[0] == '\0')
                return why("--test needs a test id (or several: ID,ID)");
            if (out->opt.only != NULL)
                return why("--test is given once; list several ids as ID,ID");
            out->opt.only = value;
            i++;
        } else if (strcmp(a, "--keep") == 0) {
            out->opt.keep = true;
        } else if (strcmp(a, "--visible-only") == 0) {
            out->opt.visible_only = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            return why("unknown option %s", a);
        } else if (npos < 2) {
            positional[npos++] = a;
        } else {
            return why("too many arguments");
        }
    }
    if (npos == 0)
        return why("grade needs an exercise (bin/ipcgrade list shows them)");
    out->ex = exercise_find(positional[0]);
    if (out->ex == NULL)
        return why("no exercise \"%s\" (bin/ipcgrade list shows them)", positional[0]);
    out->dir = positional[1];
    return NULL;
}

char *
batch_args_parse(int argc, char *const *argv, struct batch_options *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
            if (value == NULL)
                return why("-o needs a folder");
            out->out_dir = value;
            i++;
        } else if (strcmp(argv[i], "--jobs") == 0 || strcmp(argv[i], "-j") == 0) {
            if (parse_jobs(value, &out->jobs) == -1)
                return why("--jobs needs a number from 1 to 64");
            i++;
        } else if (strcmp(argv[i], "--force") == 0) {
            out->force = true;
        } else if (strcmp(argv[i], "--shard") == 0) {
            if (shard_parse(value, &out->shard, &out->nshards) == -1)
                return bad_shard(value);
            i++;
        } else if (strncmp(argv[i], "--shard=", 8) == 0) {
            if (shard_parse(argv[i] + 8, &out->shard, &out->nshards) == -1)
                return bad_shard(argv[i] + 8);
        } else if (argv[i][0] == '-') {
            return why("unknown option %s", argv[i]);
        } else if (out->class_dir == NULL) {
            out->class_dir = argv[i];
        } else {
            return why("too many arguments");
        }
    }
    if (out->class_dir == NULL || out->out_dir == NULL)
        return why("batch needs a class folder and -o OUT");
    return NULL;
}

char *
merge_args_parse(int argc, char *const *argv, struct merge_options *out)
{
    memset(out, 0, sizeof *out);
    out->shard_dirs = xcalloc((size_t)argc + 1, sizeof *out->shard_dirs);
    for (int i = 0; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        char *bad = NULL;

        if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
            if (value == NULL)
                bad = why("-o needs a folder");
            out->out_dir = value;
            i++;
        } else if (argv[i][0] == '-') {
            bad = why("unknown option %s", argv[i]);
        } else {
            out->shard_dirs[out->nshard_dirs++] = argv[i];
        }
        if (bad != NULL) {
            free(out->shard_dirs);
            out->shard_dirs = NULL;
            return bad;
        }
    }
    if (out->nshard_dirs == 0 || out->out_dir == NULL) {
        free(out->shard_dirs);
        out->shard_dirs = NULL;
        return why("merge needs the shards' folders (of batch --shard) and -o OUT");
    }
    return NULL;
}
