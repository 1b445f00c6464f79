/* ipcgrade.c: the grader's command line.
 *
 *   bin/ipcgrade list                      exercise ids in course order
 *   bin/ipcgrade list EXERCISE             its tests, none run (text, json)
 *   bin/ipcgrade grade EXERCISE [DIR]      grade DIR (default exercises/EXERCISE)
 *   bin/ipcgrade progress                  every exercise, one line each
 *   bin/ipcgrade watch [EXERCISE]          grade again on every save
 *   bin/ipcgrade hint EXERCISE             the next hint
 *   bin/ipcgrade batch CLASS -o OUT        a whole class (batch.c), or one
 *                [--shard K/N]             shard of it (a Kth of its pairs)
 *   bin/ipcgrade merge DIR... -o OUT       the shards' folders into one class
 *   bin/ipcgrade doctor                    can this machine grade? (doctor.c)
 *   bin/ipcgrade help                      the usage text below
 *
 * Exit status: 0 all tests passed, 1 something failed, 2 bad usage or input,
 * 3 the grader could not run some test (an error of the grader or of the
 * machine, never the student's: those tests cost no points).
 * The options of grade and batch are parsed in options.c. */
#define _GNU_SOURCE
#include "batch.h"
#include "doctor.h"
#include "engine.h"
#include "options.h"
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
    "usage: ipcgrade list [EXERCISE [--format text|json]]\n"
    "       ipcgrade grade EXERCISE [DIR] [--format FORMAT] [--jobs N]\n"
    "                      [--test ID[,ID...]] [--visible-only] [--keep]\n"
    "       ipcgrade progress\n"
    "       ipcgrade watch [EXERCISE]\n"
    "       ipcgrade hint EXERCISE [--all | --reset]\n"
    "       ipcgrade batch CLASS_DIR -o OUT [--jobs N] [--force] [--shard K/N]\n"
    "       ipcgrade merge SHARD_DIR... -o OUT\n"
    "       ipcgrade doctor\n"
    "       ipcgrade help\n"
    "\n"
    "list    the exercises' ids and titles in course order; with an EXERCISE, its\n"
    "        tests (id, points, visibility, what is checked, hint), none of them run.\n"
    "grade   builds the C files of DIR (default: exercises/EXERCISE) with the grader's\n"
    "        own flags and runs the exercise's tests. Exit status 0 when every test\n"
    "        passes, 1 when one fails, 2 on bad usage or input, 3 when\n"
    "        the grader could not run a test here (it costs no points).\n"
    "progress grades every exercise and shows a table of where you are (results of\n"
    "        sources that have not changed since their last grading are reused).\n"
    "watch   grades the exercise again each time you save, and moves on to the next\n"
    "        one when it passes. Keys: h hint, r re-run, l list, n next, q quit.\n"
    "hint    shows the exercise's next hint (--all: every hint seen so far and the\n"
    "        rest; --reset: start again).\n"
    "batch   grades CLASS_DIR/STUDENT/EXERCISE/ for every student and exercise into\n"
    "        OUT/grades.csv, OUT/STUDENT/EXERCISE.{txt,json} and OUT/report.html;\n"
    "        what is already graded is kept unless --force. --shard K/N grades only\n"
    "        shard K of N (a fixed Nth of the student x exercise pairs, the same on\n"
    "        every machine) into OUT/STUDENT/... and OUT/shard.txt.\n"
    "merge   combines the folders of every shard of a batch --shard run into\n"
    "        OUT: the same files, grades.csv and report.html as one batch writes.\n"
    "doctor  says which sandbox the grader builds on this machine (full, or container\n"
    "        mode where namespaces are refused) and why, and grades the first\n"
    "        exercise as a self-test: exit 0 if this machine can grade, 3 if not.\n"
    "        Set IPCGRADE_SANDBOX=full or =container to force a mode.\n"
    "--format  text (default; colour on a terminal unless NO_COLOR is set), json\n"
    "          (Gradescope's results.json), tap (TAP 13), junit (JUnit XML), autolab\n"
    "          (feedback, then {\"scores\": ...} on the last line), prairielearn\n"
    "          (PrairieLearn's results.json)\n"
    "--jobs N  tests run at once (default: two per core)\n"
    "--test ID run one test only (its id is in the json output); ID,ID,... runs\n"
    "          those tests\n"
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

/* usage_error() with a message from options.c, freed first (leak checkers
 * look at every exit). */
__attribute__((noreturn)) static void
usage_error_free(char *why)
{
    fprintf(stderr, "ipcgrade: %s (try: ipcgrade help)\n", why);
    free(why);
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

/* list: the exercises, a line each; list EXERCISE [--format text|json]: its
 * tests, none run. */
static int
cmd_list(int argc, char **argv)
{
    const struct exercise *ex = NULL;
    enum report_format fmt = FORMAT_TEXT;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0) {
            if (i + 1 == argc)
                usage_error("--format needs a value");
            if (report_format_parse(argv[++i], &fmt) != 0 ||
                (fmt != FORMAT_TEXT && fmt != FORMAT_JSON))
                usage_error("list shows --format text or json, not \"%s\"", argv[i]);
        } else if (argv[i][0] == '-' || ex) {
            usage_error("list takes one exercise and --format, not \"%s\"", argv[i]);
        } else if ((ex = exercise_find(argv[i])) == NULL) {
            usage_error("no exercise \"%s\" (bin/ipcgrade list shows them)", argv[i]);
        }
    }
    if (ex)
        return report_test_table(stdout, fmt, ex) == 0 ? 0 : 2;
    if (fmt != FORMAT_TEXT)
        usage_error("--format needs an exercise: ipcgrade list EXERCISE --format json");
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
    struct grade_args args;
    struct grade_result res;
    char *dir, *why = grade_args_parse(argc, argv, &args);
    unsigned long long fp = 0;
    bool remember;
    int rc;

    if (why != NULL)
        usage_error_free(why);
    remember = args.dir == NULL && args.opt.only == NULL && !args.opt.visible_only;
    if (args.dir)
        dir = xstrdup(args.dir);
    else if (asprintf(&dir, "%s/exercises/%s", root, args.ex->id) < 0)
        die("out of memory");
    if (remember)            /* of the sources as they are before grading */
        fp = progress_fingerprint(args.ex, dir);
    if (grade(args.ex, dir, &args.opt, &res, &why) == -1) {
        fprintf(stderr, "ipcgrade: %s\n", why ? why : "bad input");
        free(why);
        free(dir);
        grade_result_free(&res);
        return 2;
    }
    report_write(stdout, args.fmt, &res, args.fmt == FORMAT_TEXT && use_color());
    if (remember)
        progress_remember(root, &res, fp);
    rc = report_errors(&res) > 0 ? 3 : res.score == res.max_score && res.compiled ? 0 : 1;
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
    struct batch_options opt;
    char *why = batch_args_parse(argc, argv, &opt);

    if (why != NULL)
        usage_error_free(why);
    return batch_run(&opt);
}

static int
cmd_merge(int argc, char **argv)
{
    struct merge_options opt;
    char *why = merge_args_parse(argc, argv, &opt);
    int rc;

    if (why != NULL)
        usage_error_free(why);
    rc = batch_merge(&opt);
    free(opt.shard_dirs);
    return rc;
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
        rc = cmd_list(argc - 2, argv + 2);
    } else if (strcmp(argv[1], "grade") == 0) {
        rc = cmd_grade(argc - 2, argv + 2, root);
    } else if (strcmp(argv[1], "batch") == 0) {
        rc = cmd_batch(argc - 2, argv + 2);
    } else if (strcmp(argv[1], "merge") == 0) {
        rc = cmd_merge(argc - 2, argv + 2);
    } else if (strcmp(argv[1], "progress") == 0) {
        if (argc > 2)
            usage_error("progress takes no arguments");
        rc = progress_show(root);
    } else if (strcmp(argv[1], "hint") == 0) {
        rc = cmd_hint(argc - 2, argv + 2, root);
    } else if (strcmp(argv[1], "doctor") == 0) {
        if (argc > 2)
            usage_error("doctor takes no arguments");
        rc = doctor(stdout, root);
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
