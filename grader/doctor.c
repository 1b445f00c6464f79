/* doctor.c: see doctor.h. */
#define _GNU_SOURCE
#include "doctor.h"
#include "engine.h"
#include "sandbox.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
doctor(FILE *out, const char *root)
{
    const struct exercise *ex = exercises[0];
    struct grade_options opt = { 0 };
    struct grade_result res;
    const char *why;
    char *dir, *reason = NULL;
    struct stat st;
    size_t errors = 0;
    int rc;
    int abi = sandbox_landlock_abi();
    bool full = sandbox_choose_mode(&why) == SANDBOX_FULL;

    fprintf(out, "sandbox:   %s mode (%s)%s\n", full ? "full" : "container", why,
            full ? "" : ": tests run one at a time");
    if (abi >= 1)
        fprintf(out, "landlock:  ABI %d: each program reaches only its own files\n", abi);
    else
        fprintf(out, "landlock:  none: students' programs are kept from files by permissions "
                     "only (make the workbook unreadable to others)\n");
    fprintf(out, "user:      %s\n", geteuid() == 0 ? "root: each test's programs run as a uid "
            "of their own" : full ? "a normal user: the programs run as this user, in a user "
            "namespace of their own" : "a normal user without namespaces: the programs run as "
            "this user (the seccomp filter keeps them from signalling the grader; without "
            "Landlock they could read what it can): grade as root where you can");
    if (asprintf(&dir, "%s/solutions/%s", root, ex->id) < 0)
        die("out of memory");
    if (stat(dir, &st) == -1) {
        free(dir);
        if (asprintf(&dir, "%s/exercises/%s", root, ex->id) < 0)
            die("out of memory");
    }
    if (grade(ex, dir, &opt, &res, &reason) == -1) {
        fprintf(out, "self-test: cannot grade %s: %s\n", dir, reason ? reason : "?");
        free(reason);
        free(dir);
        return 3;
    }
    for (size_t i = 0; i < res.ntests; i++)
        errors += res.tests[i].outcome == OUTCOME_ERROR;
    if (res.memory_bound)
        fprintf(out, "memory:    %s\n", res.memory_bound);
    fprintf(out, "self-test: %s %s: %g/%g points, %zu test%s the grader could not run, "
            "%.1f s\n", ex->id, dir, res.score, res.max_score, errors, errors == 1 ? "" : "s",
            res.execution_time);
    for (size_t i = 0; i < res.ntests && errors; i++)
        if (res.tests[i].outcome == OUTCOME_ERROR)
            fprintf(out, "           %s: %s\n", res.tests[i].def->id, res.tests[i].message);
    fprintf(out, errors == 0 && res.compiled ? "verdict:   this machine can grade.\n"
                 : "verdict:   this machine cannot grade: see grader/README.md, \"When the "
                   "grader cannot grade\".\n");
    rc = errors == 0 && res.compiled ? 0 : 3;
    grade_result_free(&res);
    free(dir);
    return rc;
}
