/* ipcgrade.c: the grader's command line.
 *
 *   bin/ipcgrade list                      exercise ids in course order
 *   bin/ipcgrade grade EXERCISE [DIR]      grade DIR (default exercises/EXERCISE)
 *   bin/ipcgrade progress                  every exercise, one line each
 *
 * Exit status: 0 all tests passed, 1 something failed, 2 bad usage or input. */
#define _GNU_SOURCE
#include "batch.h"
#include "engine.h"
#include "report.h"
#include "student.h"

#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: ipcgrade list\n"
    "       ipcgrade grade EXERCISE [DIR] [--format FORMAT] [--jobs N] [--test ID]\n"
    "                      [--visible-only] [--keep]\n"
    "       ipcgrade progress\n"
    "       ipcgrade watch [EXERCISE]\n"
    "       ipcgrade hint EXERCISE [--all | --reset]\n"
    "       ipcgrade batch CLASS_DIR -o OUT [--jobs N] [--force]\n"
    "       ipcgrade help\n"
    "\n"
    "grade   builds the C files of DIR (default: exercises/EXERCISE) with the grader's\n"
    "        own flags and runs the exercise's tests. Exit status 0 when every test\n"
    "        passes, 1 when one fails, 2 on bad usage or input.\n"
    "progress grades every exercise and shows a table of where you are (results of\n"
    "        sources that have not changed since their last grading are reused).\n"
    "watch   grades the exercise again each time you save, and moves on to the next\n"
    "        one when it passes. Keys: h hint, r re-run, l list, n next, q quit.\n"
    "hint    shows the exercise's next hint (--all: every hint seen so far and the\n"
    "        rest; --reset: start again).\n"
    "batch   grades CLASS_DIR/STUDENT/EXERCISE/ for every student and exercise into\n"
    "        OUT/grades.csv, OUT/STUDENT/EXERCISE.{txt,json} and OUT/report.html;\n"
    "        what is already graded is kept unless --force.\n"
    "--format  text (default; colour on a terminal unless NO_COLOR is set), json\n"
    "          (Gradescope's results.json), tap (TAP 13), junit (JUnit XML), autolab\n"
    "          (feedback, then {\"scores\": ...} on the last line), prairielearn\n"
    "          (PrairieLearn's results.json)\n"
    "--jobs N  tests run at once (default: one per core)\n"
    "--test ID run one test only (its id is in the json output)\n"
    "--visible-only  leave out hidden tests (what a student's copy runs)\n"
    "--keep    keep the scratch folder (programs, outputs, Valgrind XML)\n";

__attribute__((noreturn, format(printf, 1, 2))) static void
usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("ipcgrade: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (try: ipcgrade help)\n", stderr);
    exit(2);
}

/* The workbook's top folder: $IPCGRADE_ROOT, or the parent of bin/. */
static char *
find_root(void)
{
    const char *env = getenv("IPCGRADE_ROOT");
    char exe[PATH_MAX];
    ssize_t n;

    if (env && *env)
        return realpath(env, NULL);
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        die("cannot find my own location: %s", strerror(errno));
    exe[n] = '\0';
    return xstrdup(dirname(dirname(exe)));
}

static int
cmd_list(void)
{
    for (size_t i = 0; exercises[i]; i++)
        printf("%s\t%s\n", exercises[i]->id, exercises[i]->title);
    return 0;
}

static bool
use_color(void)
{
    const char *term = getenv("TERM"), *no = getenv("NO_COLOR");

    return isatty(STDOUT_FILENO) && !(no && *no) && !(term && strcmp(term, "dumb") == 0);
}

static int
cmd_grade(int argc, char **argv, const char *root)
{
    enum report_format fmt = FORMAT_TEXT;
    struct grade_options opt = { 0 };
    const char *positional[2] = { NULL, NULL };
    const struct exercise *ex;
    struct grade_result res;
    char *dir, *why = NULL;
    int npos = 0, rc;

    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(a, "--format") == 0 || strcmp(a, "-f") == 0) {
            if (value == NULL || report_format_parse(value, &fmt) == -1)
                usage_error("--format needs one of text, json, tap, junit, autolab, "
                            "prairielearn");
            i++;
        } else if (strncmp(a, "--format=", 9) == 0) {
            if (report_format_parse(a + 9, &fmt) == -1)
                usage_error("unknown format \"%s\": use text, json, tap, junit, autolab or "
                            "prairielearn", a + 9);
        } else if (strcmp(a, "--jobs") == 0 || strcmp(a, "-j") == 0) {
            char *end;

            opt.jobs = value ? (int)strtol(value, &end, 10) : 0;
            if (value == NULL || *end || opt.jobs < 1 || opt.jobs > 64)
                usage_error("--jobs needs a number from 1 to 64");
            i++;
        } else if (strcmp(a, "--test") == 0) {
            if (value == NULL)
                usage_error("--test needs a test id");
            opt.only = value;
            i++;
        } else if (strcmp(a, "--keep") == 0) {
            opt.keep = true;
        } else if (strcmp(a, "--visible-only") == 0) {
            opt.visible_only = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            usage_error("unknown option %s", a);
        } else if (npos < 2) {
            positional[npos++] = a;
        } else {
            usage_error("too many arguments");
        }
    }
    if (npos == 0)
        usage_error("grade needs an exercise (bin/ipcgrade list shows them)");
    ex = exercise_find(positional[0]);
    if (ex == NULL)
        usage_error("no exercise \"%s\" (bin/ipcgrade list shows them)", positional[0]);
    if (positional[1])
        dir = xstrdup(positional[1]);
    else if (asprintf(&dir, "%s/exercises/%s", root, ex->id) < 0)
        die("out of memory");
    if (grade(ex, dir, &opt, &res, &why) == -1) {
        fprintf(stderr, "ipcgrade: %s\n", why ? why : "bad input");
        free(why);
        free(dir);
        grade_result_free(&res);
        return 2;
    }
    report_write(stdout, fmt, &res, fmt == FORMAT_TEXT && use_color());
    if (positional[1] == NULL && opt.only == NULL && !opt.visible_only)
        progress_remember(root, &res);
    rc = res.score == res.max_score && res.compiled ? 0 : 1;
    grade_result_free(&res);
    free(dir);
    return rc;
}

static int
cmd_hint(int argc, char **argv, const char *root)
{
    const struct exercise *ex = NULL;
    bool all = false, reset = false;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--all") == 0)
            all = true;
        else if (strcmp(argv[i], "--reset") == 0)
            reset = true;
        else if (argv[i][0] == '-')
            usage_error("unknown option %s", argv[i]);
        else if (ex != NULL)
            usage_error("hint takes one exercise");
        else if ((ex = exercise_find(argv[i])) == NULL)
            usage_error("no exercise \"%s\" (bin/ipcgrade list shows them)", argv[i]);
    }
    if (ex == NULL)
        usage_error("hint needs an exercise (bin/ipcgrade list shows them)");
    return hint_show(root, ex, all, reset);
}

static int
cmd_batch(int argc, char **argv)
{
    struct batch_options opt = { 0 };

    for (int i = 0; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
            if (value == NULL)
                usage_error("-o needs a folder");
            opt.out_dir = value;
            i++;
        } else if (strcmp(argv[i], "--jobs") == 0 || strcmp(argv[i], "-j") == 0) {
            char *end;

            opt.jobs = value ? (int)strtol(value, &end, 10) : 0;
            if (value == NULL || *end || opt.jobs < 1 || opt.jobs > 64)
                usage_error("--jobs needs a number from 1 to 64");
            i++;
        } else if (strcmp(argv[i], "--force") == 0) {
            opt.force = true;
        } else if (argv[i][0] == '-') {
            usage_error("unknown option %s", argv[i]);
        } else if (opt.class_dir == NULL) {
            opt.class_dir = argv[i];
        } else {
            usage_error("too many arguments");
        }
    }
    if (opt.class_dir == NULL || opt.out_dir == NULL)
        usage_error("batch needs a class folder and -o OUT");
    return batch_run(&opt);
}

int
main(int argc, char **argv)
{
    char *root;
    int rc;

    /* Student programs must not ptrace or read the grader (see grader/README). */
    prctl(PR_SET_DUMPABLE, 0);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2)
        usage_error("missing command");
    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    root = find_root();
    if (root == NULL)
        die("IPCGRADE_ROOT: %s", strerror(errno));
    engine_init(root);
    if (strcmp(argv[1], "list") == 0) {
        if (argc > 2)
            usage_error("list takes no arguments");
        rc = cmd_list();
    } else if (strcmp(argv[1], "grade") == 0) {
        rc = cmd_grade(argc - 2, argv + 2, root);
    } else if (strcmp(argv[1], "batch") == 0) {
        rc = cmd_batch(argc - 2, argv + 2);
    } else if (strcmp(argv[1], "progress") == 0) {
        if (argc > 2)
            usage_error("progress takes no arguments");
        rc = progress_show(root);
    } else if (strcmp(argv[1], "hint") == 0) {
        rc = cmd_hint(argc - 2, argv + 2, root);
    } else if (strcmp(argv[1], "watch") == 0) {
        if (argc > 3)
            usage_error("watch takes at most one exercise");
        rc = watch_run(root, argc == 3 ? argv[2] : NULL);
    } else {
        usage_error("unknown command \"%s\"", argv[1]);
    }
    free(root);
    return rc;
}
