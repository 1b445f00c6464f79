/* engine.c: see engine.h.
 *
 * Parallelism follows the kselftest harness: the engine forks one worker per
 * test (at most `jobs` at once); the worker runs that test's TCase through
 * Check in CK_FORK mode, so Check's own fork, timeout and process-group kill
 * protect the worker, and the worker's deadline protects the engine (a test
 * child can stop its parent with SIGSTOP; the engine still kills it). */
#define _GNU_SOURCE
#include "engine.h"
#include "util.h"
#include "debuginfo.h"
#include "pool.h"
#include "proctree.h"
#include "sandbox.h"
#include "submission.h"

#include <check.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libgen.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST_TIMEOUT    90      /* Check's limit for one test, seconds */
#define WORKER_GRACE    10      /* the engine's, on top of Check's */
#define COMPILE_TIMEOUT 60
#define COMPILE_MEMORY  (1UL << 30)     /* RLIMIT_AS of the compiler and its tools */
#define COMPILE_OUTPUT  (64UL << 20)    /* RLIMIT_FSIZE: the program it writes */

static char *root_dir;

/* Set by SIGINT, SIGTERM or SIGHUP during a grading: stop the workers, remove
 * the scratch folder, then die of the same signal. The workers run in their
 * own process groups, so a Ctrl-C on the terminal reaches only us. */
static volatile sig_atomic_t stop_signal;

static void
on_stop(int sig)
{
    stop_signal = sig;
}

/* on: catch them, remembering what was there; off: put that back. */
static void
catch_stop_signals(bool on)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    static struct sigaction saved[3];
    static bool have_saved;
    struct sigaction sa = { .sa_handler = on_stop };

    sigemptyset(&sa.sa_mask);           /* no SA_RESTART: poll() returns EINTR */
    for (size_t i = 0; i < ARRAY_LEN(sigs); i++) {
        if (on)
            sigaction(sigs[i], &sa, &saved[i]);
        else if (have_saved)
            sigaction(sigs[i], &saved[i], NULL);
    }
    have_saved = on;
}

void
engine_init(const char *root)
{
    root_dir = xstrdup(root);
}

/* ---- the Check side: one TCase per test, all running run_test_def ---- */

/* Prepare the test process: the test's folders and feedback file
 * (test.c), then the sandbox (sandbox.c). Runs in Check's forked child. */
static void
test_setup(const struct test_def *def)
{
    char why[PATH_MAX + 128];

    if (test_begin(def) == -1)
        test_error("The grader could not make the test's folder %s: %s", g_test.dir,
                   strerror(errno));
    if (sandbox_enter_test(g_test.scratch, !g_ctx.keep, why, sizeof why) == -1)
        test_error("The grader %s.", why);
}

/* Every TCase runs this as a one-iteration loop test whose _i is the index
 * of its test in the exercise, so the suite works under any Check runner. */
START_TEST(run_test_def)
{
    const struct test_def *def = &g_ctx.ex->tests[_i];

    test_setup(def);
    def->fn();
    test_end();                 /* a failing test's process exits instead */
}
END_TEST

/* The exercise's Check suite: one TCase per test, named by the test's id. */
static Suite *
exercise_suite(const struct exercise *ex)
{
    Suite *s = suite_create(ex->id);

    for (size_t i = 0; i < ex->ntests; i++) {
        TCase *tc = tcase_create(ex->tests[i].id);

        tcase_set_timeout(tc, TEST_TIMEOUT);
        tcase_add_loop_test(tc, run_test_def, (int)i, (int)i + 1);
        suite_add_tcase(s, tc);
    }
    return s;
}

/* ---- building ---- */

/* How a student's source is compiled: as whom, with which temporary folder,
 * seeing which files (sandbox.c). A reference solution needs none. */
struct compile_jail {
    uid_t uid;
    const char *tmp;
    const char *include;                /* the grading's copy of exercises/include */
    struct sandbox_paths paths;         /* filled in by compile_program() */
};

/* In the compiler's process: why it could not start (what, then errno's
 * text), on the grader's pipe `fault`; then it ends. */
__attribute__((noreturn)) static void
compiler_fault(int fault, const char *what, const char *why)
{
    dprintf(fault, "%s: %s", what, why);
    _exit(127);
}

/* In the compiler's process, before exec: a source is untrusted input to
 * the compiler too. Its memory, CPU time and output are bounded (#include
 * "/dev/zero" reads forever), its stdin is /dev/null (#include "/dev/stdin"
 * would wait for the grader's terminal), and its environment is the little
 * it needs, not the grader's (.incbin "/proc/self/environ" would copy CI
 * tokens into the program). TMPDIR is the grading's scratch folder. What
 * stops the compiler from starting is the grader's failure, not the
 * student's: it is written to `fault` (close-on-exec, so the grader reads
 * nothing there once the compiler runs). */
__attribute__((noreturn)) static void
exec_compiler(char *const argv[], const char *tmpdir, const struct compile_jail *jail,
              int fault)
{
    const char *path = getenv("PATH");
    char path_var[4096], tmp_var[PATH_MAX + 8];
    char *envp[] = { path_var, "LC_ALL=C", tmp_var, NULL };
    int in = open("/dev/null", O_RDONLY);

    snprintf(path_var, sizeof path_var, "PATH=%s",
             path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
    snprintf(tmp_var, sizeof tmp_var, "TMPDIR=%s", tmpdir);
    dup2(in, 0);
    set_rlimit(RLIMIT_AS, COMPILE_MEMORY);
    set_rlimit(RLIMIT_CPU, COMPILE_TIMEOUT);
    set_rlimit(RLIMIT_FSIZE, COMPILE_OUTPUT);
    set_rlimit(RLIMIT_CORE, 0);
    set_rlimit(RLIMIT_NPROC, 64);
    if (jail && sandbox_enter_compiler(jail->uid, &jail->paths) == -1)
        compiler_fault(fault, "could not sandbox the compiler", strerror(errno));
    if (fault > 3)
        syscall(SYS_close_range, 3, fault - 1, 0);
    syscall(SYS_close_range, fault + 1, ~0U, 0);
    execvpe(argv[0], argv, envp);       /* found on the grader's PATH */
    compiler_fault(fault, "could not run the compiler (gcc)", strerror(errno));
}

/* Run the compiler argv in folder cwd with output to out_path. Return its
 * wait status, -1 when it did not finish in time, or -2 when the grader
 * could not start it, with the reason in fault. */
static int
spawn_wait(char *const argv[], const char *cwd, const char *out_path, int timeout,
           const struct compile_jail *jail, struct strbuf *fault)
{
    char reason[512], *tmpdir = xstrdup(out_path);
    const char *tmp = jail ? jail->tmp : dirname(tmpdir);
    int pipefd[2], status, waited = 0, out;
    ssize_t n;
    pid_t pid;

    out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out == -1 || pipe2(pipefd, O_CLOEXEC) == -1) {
        sb_addf(fault, "could not make the compiler's output file or pipe: %s",
                strerror(errno));
        if (out != -1)
            close(out);
        free(tmpdir);
        return -2;
    }
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        close(pipefd[0]);
        if (dup2(out, 1) == -1 || dup2(out, 2) == -1)
            compiler_fault(pipefd[1], "could not give the compiler its output file",
                           strerror(errno));
        if (chdir(cwd) == -1)
            compiler_fault(pipefd[1], "could not enter the source's folder", strerror(errno));
        exec_compiler(argv, tmp, jail, pipefd[1]);
    }
    close(pipefd[1]);
    close(out);
    free(tmpdir);
    if (pid == -1) {
        close(pipefd[0]);
        sb_addf(fault, "could not start the compiler: %s", strerror(errno));
        return -2;
    }
    /* Until exec (which closes the pipe) or a reason and _exit. */
    while ((n = read(pipefd[0], reason, sizeof reason - 1)) == -1 && errno == EINTR)
        ;
    close(pipefd[0]);
    if (n > 0) {
        reason[n] = '\0';
        waitpid(pid, &status, 0);
        sb_adds(fault, reason);
        return -2;
    }
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (waited++ > timeout * 100 || stop_signal) {
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        usleep(10000);
    }
    return status;
}

/* path, made absolute against the current folder, into buf; -1 if it
 * does not fit. */
static int
absolute(const char *path, char *buf, size_t len)
{
    char cwd[PATH_MAX];
    int n;

    if (path[0] == '/' || getcwd(cwd, sizeof cwd) == NULL)
        n = snprintf(buf, len, "%s", path);
    else
        n = snprintf(buf, len, "%s/%s", cwd, path);
    return n >= 0 && (size_t)n < len ? 0 : -1;
}

/* Compile dir/PROG.c into bindir/PROG. Return 0 if it built, -1 if the
 * compiler refused it, -2 if the grader could not run the compiler (the
 * reason in fault: not the student's doing). The compiler's
 * messages are appended to log. `linked` (NULL, or paths from the top
 * folder) are the exercise's given sources, compiled in as well. The
 * compiler runs in the source's folder
 * and is given the file's own name, so that its messages say "ipckey.c:12:"
 * as the student knows the file, whatever the folder is called (a folder
 * name may hold spaces, a newline or a terminal escape). */
static int
compile_program(const char *src, const char *const *linked, const char *out,
                struct strbuf *log, const char *logpath, struct compile_jail *jail,
                struct strbuf *fault)
{
    char inc[PATH_MAX], exe[PATH_MAX], dir[PATH_MAX], file[PATH_MAX], given[4][PATH_MAX];
    char outdir[PATH_MAX];
    char *argv[12 + ARRAY_LEN(given) + 1] = {
        "gcc", "-std=gnu11", "-Wall", "-Wextra", "-g", "-O0", "-fdiagnostics-color=never",
        "-I", inc, "-o", exe, file, NULL };
    const char *slash = strrchr(src, '/');
    size_t argc = 12;
    int status;
    char *text;

    /* The exercise's given sources (a driver with main()), by full path:
     * for a student's program, the grading's copies. */
    for (size_t i = 0; linked && linked[i] && i < ARRAY_LEN(given); i++) {
        const char *base = strrchr(linked[i], '/');

        if (jail)
            snprintf(file, sizeof file, "%s/%s", jail->include, base ? base + 1 : linked[i]);
        else
            snprintf(file, sizeof file, "%s/%s", root_dir, linked[i]);
        if (absolute(file, given[i], sizeof given[i]) == -1) {
            sb_adds(fault, "the grader's folders have too long a name");
            return -2;
        }
        argv[argc++] = given[i];
    }
    if (jail)
        snprintf(file, sizeof file, "%s", jail->include);
    else
        snprintf(file, sizeof file, "%s/exercises/include", root_dir);
    if (absolute(file, inc, sizeof inc) == -1 || absolute(out, exe, sizeof exe) == -1) {
        sb_adds(fault, "the grader's folders have too long a name");
        return -2;
    }
    snprintf(file, sizeof file, "%s", slash ? slash + 1 : src);
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == src ? 1 : (int)(slash - src), src);
    if (jail) {             /* what the compiler may read, and write */
        jail->paths = (struct sandbox_paths){ .run = { dir, inc }, .write = { jail->tmp } };
        for (size_t i = 0; linked && linked[i] && i < ARRAY_LEN(given); i++)
            jail->paths.run[2 + i] = given[i];
        snprintf(outdir, sizeof outdir, "%s", exe);
        jail->paths.write[1] = dirname(outdir);
    }
    status = spawn_wait(argv, dir, logpath, COMPILE_TIMEOUT, jail, fault);
    if (status == -2)
        return -2;
    /* A compiler killed by a signal it did not bring on itself (SIGKILL,
     * or a SIGSEGV in gcc) says nothing of the student's code. */
    if (status > 0 && WIFSIGNALED(status) && WTERMSIG(status) != SIGXCPU &&
        WTERMSIG(status) != SIGXFSZ) {
        sb_addf(fault, "the compiler was killed by signal %d (%s)", WTERMSIG(status),
                strsignal(WTERMSIG(status)));
        return -2;
    }
    text = read_file_tail(logpath, 64 * 1024, NULL, NULL);
    if (text) {
        sb_adds(log, text);
        free(text);
    }
    if (status == -1)
        sb_adds(log, "the compiler did not finish in time\n");
    return status == 0 ? 0 : -1;
}

static bool
newer_or_same(const char *a, const char *b)
{
    struct stat sa, sb;

    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_mtime >= sb.st_mtime;
}

/* The grading's own copy of what the sandboxed compiler and programs may
 * read from the workbook, so that they need no access to the workbook's
 * folder (which may lie under a folder only its owner can enter). */
static void
copy_into(const char *src, const char *dir)
{
    char dst[PATH_MAX + NAME_MAX + 2];
    const char *base = strrchr(src, '/');

    mkdir(dir, 0755);
    snprintf(dst, sizeof dst, "%s/%s", dir, base ? base + 1 : src);
    if (copy_file(src, dst, 64L << 20, 0755) == -1)
        die("cannot copy %s into %s: %s", src, dir, strerror(errno));
}

/* exercises/include (the headers every program uses) and the exercise's
 * given sources, into dir. */
static void
copy_include(const struct exercise *ex, const char *dir)
{
    char from[PATH_MAX], src[PATH_MAX + NAME_MAX + 2];
    DIR *d;
    struct dirent *de;

    snprintf(from, sizeof from, "%s/exercises/include", root_dir);
    mkdir(dir, 0755);
    if ((d = opendir(from)) == NULL)
        die("cannot read %s: %s", from, strerror(errno));
    while ((de = readdir(d)) != NULL) {
        snprintf(src, sizeof src, "%s/%s", from, de->d_name);
        if (de->d_name[0] != '.')
            copy_into(src, dir);
    }
    closedir(d);
    for (size_t i = 0; ex->linked && ex->linked[i]; i++) {
        snprintf(src, sizeof src, "%s/%s", root_dir, ex->linked[i]);
        copy_into(src, dir);
    }
}

/* The reference programs: prebuilt by make in build/ref/EX, or built now
 * from solutions/EX; NULL when the workbook ships without solutions. */
static char *
reference_bin(const struct exercise *ex, const char *work)
{
    char prebuilt[PATH_MAX], src[PATH_MAX], bin[PATH_MAX], out[PATH_MAX + 64], log[PATH_MAX];
    struct strbuf ignored = { 0 };
    bool fresh = true;

    snprintf(prebuilt, sizeof prebuilt, "%s/build/ref/%s", root_dir, ex->id);
    for (size_t i = 0; ex->programs[i]; i++) {
        snprintf(src, sizeof src, "%s/solutions/%s/%s.c", root_dir, ex->id, ex->programs[i]);
        snprintf(out, sizeof out, "%s/%s", prebuilt, ex->programs[i]);
        if (access(src, R_OK) != 0)
            return NULL;
        fresh = fresh && newer_or_same(out, src);
        for (size_t k = 0; ex->linked && ex->linked[k]; k++) {
            snprintf(src, sizeof src, "%s/%s", root_dir, ex->linked[k]);
            fresh = fresh && newer_or_same(out, src);
        }
    }
    snprintf(bin, sizeof bin, "%s/ref", work);
    mkdir(bin, 0711);
    if (fresh) {                /* the programs run from the grading's copy */
        for (size_t i = 0; ex->programs[i]; i++) {
            snprintf(out, sizeof out, "%s/%s", prebuilt, ex->programs[i]);
            copy_into(out, bin);
        }
        return xstrdup(bin);
    }
    snprintf(log, sizeof log, "%s/ref.log", work);
    for (size_t i = 0; ex->programs[i]; i++) {
        snprintf(src, sizeof src, "%s/solutions/%s/%s.c", root_dir, ex->id, ex->programs[i]);
        snprintf(out, sizeof out, "%s/%s", bin, ex->programs[i]);
        if (compile_program(src, ex->linked, out, &ignored, log, NULL, &ignored) != 0)
            die("the reference solution %s does not compile:\n%s", src, sb_str(&ignored));
    }
    sb_free(&ignored);
    return xstrdup(bin);
}

static int
count_markers(const char *path, const char *marker)
{
    char *text = read_file_tail(path, 1 << 20, NULL, NULL);
    int n = 0;

    for (const char *p = text; p && (p = strstr(p, marker)) != NULL; p++)
        n++;
    free(text);
    return n;
}

/* Check the student's folder (submission.c), copy its C files into the
 * grading's folder, and build every program from that copy, the compiler
 * sandboxed like the programs (a source can #include any file, or .incbin
 * it). Return -1 on bad input. */
static int
build_student(const struct exercise *ex, const char *dir, const char *work,
              struct grade_result *res, char **why)
{
    char src[PATH_MAX + 64], out[PATH_MAX + 64], log[PATH_MAX + 64], marker[64];
    char copy[PATH_MAX], tmp[PATH_MAX], include[PATH_MAX];
    struct compile_jail jail = { .uid = sandbox_compiler_uid(), .tmp = tmp, .include = include };
    struct strbuf clog = { 0 }, fault = { 0 };
    bool ok = true;

    if (submission_check(ex, dir, why) == -1)
        return -1;
    snprintf(copy, sizeof copy, "%s/src", work);
    snprintf(tmp, sizeof tmp, "%s/cc-tmp", work);
    snprintf(out, sizeof out, "%s/bin", work);
    snprintf(include, sizeof include, "%s/include", work);
    copy_include(ex, include);
    if (mkdir(copy, 0755) == -1 || mkdir(tmp, 0700) == -1 ||
        (geteuid() == 0 && (chown(tmp, jail.uid, jail.uid) == -1 ||
                            chown(out, jail.uid, jail.uid) == -1)))
        die("cannot prepare the compiler's folders in %s: %s", work, strerror(errno));
    if (submission_copy(dir, copy, why) == -1)
        return -1;
    snprintf(marker, sizeof marker, "TODO(%s)", ex->id);
    for (size_t i = 0; ex->programs[i]; i++) {
        snprintf(src, sizeof src, "%s/%s.c", dir, ex->programs[i]);
        res->todo_markers += count_markers(src, marker);
        snprintf(src, sizeof src, "%s/%s.c", copy, ex->programs[i]);
        snprintf(out, sizeof out, "%s/bin/%s", work, ex->programs[i]);
        snprintf(log, sizeof log, "%s/compile-%s.log", work, ex->programs[i]);
        switch (compile_program(src, ex->linked, out, &clog, log, &jail, &fault)) {
        case 0:
            break;
        case -1:
            ok = false;
            break;
        default:
            res->compiled = false;
            res->compiler_output = xstrdup("");
            res->grader_fault = xasprintf("The grader could not compile %s.c here (%s). "
                                          "This is a fault of the grader or of this "
                                          "machine, not of your code: nothing was graded.",
                                          ex->programs[i], sb_str(&fault));
            sb_free(&clog);
            sb_free(&fault);
            return 0;
        }
    }
    res->compiled = ok;
    res->compiler_output = sb_take(&clog);
    return 0;
}

/* ---- running the tests ---- */

static void
result_path(const char *work, const struct test_def *def, const char *what, char *buf,
            size_t len)
{
    snprintf(buf, len, "%s/t-%s/%s", work, def->id, what);
}

/* What a worker needs, prepared before the fork. */
struct test_job {
    const struct exercise *ex;
    const struct test_def *def;
};

/* In a worker (pool.c): run one test through Check, write its verdict to
 * a file: "rtype ctx\n" then Check's message. */
static void
worker_main(void *arg)
{
    const struct test_job *job = arg;
    Suite *s = exercise_suite(job->ex);
    SRunner *sr = srunner_create(s);
    TestResult **results;
    char path[PATH_MAX];
    struct strbuf verdict = { 0 };

    snprintf(path, sizeof path, "%s/t-%s", g_ctx.work, job->def->id);
    mkdir_p(path, 0711);
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run(sr, job->ex->id, job->def->id, CK_SILENT);
    results = srunner_results(sr);
    if (srunner_ntests_run(sr) == 1) {
        sb_addf(&verdict, "%d %d\n%s", tr_rtype(results[0]), tr_ctx(results[0]),
                tr_msg(results[0]) ? tr_msg(results[0]) : "");
        result_path(g_ctx.work, job->def, "verdict", path, sizeof path);
        write_file(path, sb_str(&verdict));
    }
    free(results);
    sb_free(&verdict);
    srunner_free(sr);
    _exit(0);
}

/* The feedback lines tagged `tag` ("D text"), joined; NULL when none. */
static char *
join_records(const char *text, char tag)
{
    struct strbuf sb = { 0 };

    for (const char *line = text; line && *line; line = strchr(line, '\n'), line += !!line) {
        size_t n = strcspn(line, "\n");

        if (line[0] == tag && line[1] == ' ') {
            sb_add(&sb, line + 2, n - 2);
            sb_adds(&sb, "\n");
        }
    }
    return sb.len ? sb_take(&sb) : NULL;
}

/* Fill t from the files its worker left: the Check verdict ("rtype ctx\n"
 * then the message) and the test's feedback records. */
static void
collect_result(struct test_outcome *t, const char *work)
{
    char path[PATH_MAX];
    char *verdict, *fb, *ending;
    int rtype = 0, ctx = 0, used = 0;

    result_path(work, t->def, "verdict", path, sizeof path);
    verdict = read_file_tail(path, 1 << 16, NULL, NULL);
    result_path(work, t->def, "feedback", path, sizeof path);
    fb = read_file_tail(path, 1 << 20, NULL, NULL);
    ending = join_records(fb, 'O');     /* test.c: how the test said it ended */
    t->outcome = OUTCOME_FAIL;
    if (verdict == NULL || sscanf(verdict, "%d %d\n%n", &rtype, &ctx, &used) < 2) {
        t->message = xstrdup("The grader stopped this test: it ran longer than the grader "
                             "allows, or the grader itself failed.");
    } else if (rtype == CK_PASS) {
        t->outcome = OUTCOME_PASS;
    } else if (strcmp(verdict + used, "Test timeout expired") == 0) {
        t->message = xstrdup("The test took too long and was stopped.");
    } else if (rtype == CK_ERROR && ctx == CK_CTX_TEST && strstr(verdict + used, "signal")) {
        t->outcome = OUTCOME_ERROR;
        t->message = xasprintf("The grader crashed in this test (%s). This is a bug in "
                                  "the grader, not in your code: please report it.",
                                  verdict + used);
    } else {
        t->message = xstrdup(verdict + used);
        if (ending && strncmp(ending, "error", 5) == 0)
            t->outcome = OUTCOME_ERROR;
        else if (ending && strncmp(ending, "skip", 4) == 0)
            t->outcome = OUTCOME_SKIP;
    }
    if (t->outcome == OUTCOME_SKIP || t->outcome == OUTCOME_ERROR)
        t->max_score = 0;       /* never the student's loss */
    t->score = t->outcome == OUTCOME_PASS ? t->max_score : 0;
    t->details = join_records(fb, 'D');
    t->valgrind = join_records(fb, 'V');
    t->leftovers = join_records(fb, 'L');
    t->blocked = join_records(fb, 'B');
    t->reproduce = join_records(fb, 'R');
    t->runs = join_records(fb, 'U');
    free(ending);
    free(verdict);
    free(fb);
}

/* ---- the order tests start in ---- */

/* Where the durations of the last grading of ex are kept: slow tests
 * (Valgrind, stress) start first next time, so they run beside the quick
 * ones instead of after them. */
static void
durations_path(const struct exercise *ex, char *buf, size_t len)
{
    snprintf(buf, len, "%s/build/durations/%s", root_dir, ex->id);
}

/* The indexes of res->tests in the order to start them: the slowest of the
 * last grading first; tests it did not time keep their place, first. */
static size_t *
start_order(const struct grade_result *res)
{
    char path[PATH_MAX], id[128];
    char *text;
    size_t *order = xcalloc(res->ntests, sizeof *order);
    double *last = xcalloc(res->ntests, sizeof *last), secs;

    for (size_t i = 0; i < res->ntests; i++) {
        order[i] = i;
        last[i] = 1e9;                  /* not timed yet: first */
    }
    durations_path(res->ex, path, sizeof path);
    text = read_file_tail(path, 1 << 16, NULL, NULL);
    for (const char *line = text; line && *line; line += strcspn(line, "\n"),
                                                 line += *line == '\n')
        if (sscanf(line, "%127s %lf", id, &secs) == 2)      /* "id seconds" */
            for (size_t i = 0; i < res->ntests; i++)
                if (strcmp(id, res->tests[i].def->id) == 0)
                    last[i] = secs;
    for (size_t i = 1; i < res->ntests; i++)       /* stable: an insertion sort */
        for (size_t j = i; j > 0 && last[order[j]] > last[order[j - 1]]; j--) {
            size_t t = order[j];

            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    free(text);
    free(last);
    return order;
}

/* Keep this grading's durations for the next one (no harm if it cannot). */
static void
remember_durations(const struct grade_result *res)
{
    char path[PATH_MAX];
    struct strbuf sb = { 0 };

    for (size_t i = 0; i < res->ntests; i++)
        sb_addf(&sb, "%s %.3f\n", res->tests[i].def->id, res->tests[i].duration);
    snprintf(path, sizeof path, "%s/build/durations", root_dir);
    if (mkdir_p(path, 0755) == 0) {
        durations_path(res->ex, path, sizeof path);
        write_file_atomically(path, sb_str(&sb));
    }
    sb_free(&sb);
}

/* Two tests per core: half of a suite's time is spent waiting (for a
 * second to pass, a server to answer, a process to fall asleep), and the
 * other test keeps the core busy meanwhile; the suites' deadlines and quiet
 * periods allow for the sharing (their tests pass under a load of 10). */
static size_t
default_jobs(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);

    return 2 * (size_t)(cores > 0 ? cores : 1);
}

/* Container mode, before a test: the machine's IPC namespace to ourselves
 * (its lock, where there is one) and nothing left of gradings gone; as a
 * normal user, what is there already (before). Return the lock or -1. */
static int
begin_shared_test(struct ipc_set *before)
{
    int lock = sandbox_lock_shared_ipc();

    sandbox_sweep(NULL, lock != -1);
    if (ipc_snapshot(before) == -1)
        memset(before, 0, sizeof *before);
    return lock;
}

/* Container mode, after a test: end what it left running (this process is
 * the subreaper of all of it) and whatever else of it is still there. */
static void
end_shared_test(int *lock, struct ipc_set *before)
{
    proctree_kill_children();
    sandbox_sweep(before, *lock != -1);
    ipc_set_free(before);
    if (*lock != -1)
        close(*lock);
    *lock = -1;
}

static void
run_tests(const struct exercise *ex, const struct grade_options *opt, struct grade_result *res,
          const char *work)
{
    struct test_job *jobs = xcalloc(res->ntests, sizeof *jobs);
    size_t *order = start_order(res);
    struct pool pool;
    size_t next = 0, i;
    int status, lock = -1;
    double seconds;
    bool shared = sandbox_mode == SANDBOX_CONTAINER;
    struct ipc_set before = { 0 };

    /* Tests that share the machine's IPC namespace take turns: their keys
     * would meet, and each must see only its own objects. */
    pool_init(&pool, shared ? 1 : opt->jobs > 0 ? (size_t)opt->jobs : default_jobs(),
              &stop_signal);
    if (shared)
        prctl(PR_SET_CHILD_SUBREAPER, 1);
    while (next < res->ntests || pool.running > 0) {
        while (!pool_full(&pool) && next < res->ntests && !stop_signal) {
            i = order[next++];
            jobs[i] = (struct test_job){ ex, res->tests[i].def };
            if (shared)
                lock = begin_shared_test(&before);
            pool_start(&pool, i, TEST_TIMEOUT + WORKER_GRACE, worker_main, &jobs[i]);
        }
        if (!pool_reap(&pool, &i, &status, &seconds))
            break;                  /* stopped by a signal */
        if (shared)
            end_shared_test(&lock, &before);
        res->tests[i].duration = seconds;
        collect_result(&res->tests[i], work);
    }
    if (shared && (lock != -1 || before.obj != NULL))     /* stopped by a signal */
        end_shared_test(&lock, &before);
    if (shared && !stop_signal && (lock = sandbox_lock_shared_ipc()) != -1) {
        /* As root, once more with every test over: what a test's uid left
         * when that uid's claim was held at the test's own sweep (claimed
         * again at once by a grading beside us) goes now, if it is free,
         * rather than at the next grading's. */
        sandbox_sweep(NULL, true);
        close(lock);
    }
    if (!stop_signal && opt->only == NULL)
        remember_durations(res);
    free(order);
    free(jobs);
}

/* Is id one of the comma-separated ids in list? */
static bool
listed(const char *list, const char *id)
{
    size_t n = strlen(id);

    for (const char *p = list; p != NULL; p = strchr(p, ',')) {
        p += *p == ',';
        if (strncmp(p, id, n) == 0 && (p[n] == ',' || p[n] == '\0'))
            return true;
    }
    return false;
}

/* One result per test to run: all of them, or those `only` lists; hidden tests
 * only when the grading is not a student's view. */
static void
init_results(const struct exercise *ex, const char *only, bool visible_only,
             struct grade_result *res)
{
    res->ex = ex;
    res->tests = xcalloc(ex->ntests, sizeof *res->tests);
    for (size_t i = 0; i < ex->ntests; i++) {
        struct test_outcome *t = &res->tests[res->ntests];

        if (only && !listed(only, ex->tests[i].id))
            continue;
        if (visible_only && !test_is_visible(&ex->tests[i]))
            continue;
        t->def = &ex->tests[i];
        t->number = test_number(ex, i);
        t->max_score = ex->tests[i].points;
        res->max_score += ex->tests[i].points;
        res->ntests++;
    }
}

static void
not_run(struct grade_result *res, const char *why)
{
    for (size_t i = 0; i < res->ntests; i++)
        if (res->tests[i].message == NULL && res->tests[i].outcome != OUTCOME_PASS)
            res->tests[i].message = xstrdup(why);
}

/* Every test ends in an error, `why`: the grader could not grade them. */
static void
grader_error_all(struct grade_result *res, const char *why)
{
    for (size_t i = 0; i < res->ntests; i++) {
        res->tests[i].outcome = OUTCOME_ERROR;
        res->tests[i].max_score = 0;    /* never the student's loss */
        res->tests[i].score = 0;
        res->tests[i].message = xstrdup(why);
    }
}

/* The first id in the comma-separated list that ex has no test of, as a
 * string of its own, or NULL when ex has them all. */
static char *
unknown_test(const struct exercise *ex, const char *list)
{
    for (const char *p = list;; p++) {
        size_t n = strcspn(p, ",");
        bool found = false;

        for (size_t i = 0; i < ex->ntests && !found; i++)
            found = strlen(ex->tests[i].id) == n && strncmp(ex->tests[i].id, p, n) == 0;
        if (!found)
            return xasprintf("%.*s", (int)n, p);
        p += n;
        if (*p == '\0')
            return NULL;
    }
}

/* May every user pass through path and each folder above it? */
static bool
enterable_by_all(const char *path)
{
    char *real = realpath(path, NULL);
    bool ok = real != NULL;
    size_t len = ok ? strlen(real) : 0;

    /* "/" first, then each folder on the way, and path itself last (a
     * 0700 folder from mktemp -d is refused as /root would be). */
    for (size_t i = 0; ok && i < len; i++) {
        struct stat st;
        char keep = real[i + 1];

        if (i > 0 && keep != '/' && keep != '\0')
            continue;
        real[i + 1] = '\0';
        ok = stat(real, &st) == 0 && (st.st_mode & S_IXOTH);
        real[i + 1] = keep;
    }
    free(real);
    return ok;
}

/* The scratch folder of the grading under way, and the process that made
 * it: die() exits from anywhere (a file it could not copy, say), and this
 * process's exit handler then removes the folder. A test's forked child
 * that dies is not its owner and leaves it alone. */
static char *live_workdir;
static pid_t live_owner;

static struct cgroup live_group;        /* the grading's control group, or NONE */

static void
remove_live_workdir(void)
{
    if (live_workdir != NULL && getpid() == live_owner)
        remove_tree(live_workdir);
    if (live_group.version != CGROUP_NONE && getpid() == live_owner)
        cgroup_remove(&live_group);
}

/* The grading's control group, where the machine lets us make one (root
 * on a machine or VM; not in most containers, nor as a normal user), and
 * res's words for the memory bound in force. IPCGRADE_CGROUP=none grades
 * as if there were none (the tests of the watchdog use it). */
static void
open_grading_group(const struct exercise *ex, struct grade_result *res)
{
    static unsigned serial;
    const char *force = getenv("IPCGRADE_CGROUP");
    unsigned mib = ex->memory_mib ? ex->memory_mib : EXERCISE_MEMORY_MIB;
    char name[64], why[PATH_MAX + 64] = "IPCGRADE_CGROUP=none";

    snprintf(name, sizeof name, "ipcgrade-%d-%u", (int)getpid(), serial++);
    g_ctx.test_memory = (unsigned long long)mib << 20;
    res->memory_mib = mib;
    if ((force == NULL || strcmp(force, "none") != 0) &&
        cgroup_root(&live_group, name, why, sizeof why) == 0) {
        g_ctx.cgroup = &live_group;
        res->memory_bound = xasprintf("cgroup v%d: %u MiB for all of a test's processes "
                                      "together, Valgrind and their shared memory and tmpfs "
                                      "files included; peaks and OOM kills are recorded",
                                      live_group.version == CGROUP_V1 ? 1 : 2, mib);
        return;
    }
    res->memory_bound = xasprintf("watchdog: %u MiB for all of a run's processes together, "
                                  "checked by its init 20 times a second (a fast allocation "
                                  "passes it by what it takes in 50 ms before it is stopped; "
                                  "files in its tmpfs and System V segments are bounded by "
                                  "their own sizes; no control group: %s); 1 GiB of address "
                                  "space a process, 2 GiB under Valgrind", mib, why);
}

static void
close_grading_group(void)
{
    if (live_group.version != CGROUP_NONE && cgroup_remove(&live_group) == -1)
        fprintf(stderr, "ipcgrade: warning: cannot remove the control group %s: %s\n",
                live_group.memory, strerror(errno));
    memset(&live_group, 0, sizeof live_group);
}

/* A fresh scratch folder under $TMPDIR (or /tmp) for this grading. */
static char *
make_workdir(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir;

    /* As root the programs run as another user, who must be able to enter
     * the scratch folder (pam_tmpdir, for one, makes TMPDIR 0700). */
    if (tmp == NULL || *tmp == '\0' || (geteuid() == 0 && !enterable_by_all(tmp)))
        tmp = "/tmp";
    if (asprintf(&dir, "%s/ipcgrade.XXXXXX", tmp) < 0)
        die("out of memory");
    if (mkdtemp(dir) == NULL)
        die("cannot make a scratch folder %s: %s", dir, strerror(errno));
    /* As root the programs run as another user: they may pass through (to
     * their binary and their scratch folder) but not list or read. */
    chmod(dir, 0711);
    if (live_owner == 0)
        atexit(remove_live_workdir);
    live_workdir = dir;
    live_owner = getpid();
    return dir;
}

/* Without Landlock the programs are kept from files by permissions only:
 * say so once where it matters, in a copy that has the solutions. */
static void
warn_weak_sandbox(const char *ref)
{
    static bool warned;

    if (ref == NULL || warned ||
        sandbox_landlock_abi() >= 1)
        return;
    warned = true;
    fprintf(stderr, "ipcgrade: warning: this kernel has no Landlock, so students' programs "
                    "can read world-readable files such as solutions/ (grader/README.md)\n");
}

/* Write into workdir/lib the lighter copies of the debug files Valgrind
 * reads (debuginfo.h), and point cover's pairs at each original and its
 * copy; a pair stays NULL where there is no debug file or no copy: those
 * runs are only slower. full and lean hold the paths. */
static void
lighten_debug_files(const char *workdir, char full[][PATH_MAX], char lean[][PATH_MAX + 32],
                    const char *cover[][2])
{
    static const char *const names[DEBUGINFO_OBJECTS] = {
        [DEBUGINFO_LIBC] = "libc-symbols.debug", [DEBUGINFO_LOADER] = "ld-symbols.debug",
    };

    for (int i = 0; i < DEBUGINFO_OBJECTS; i++) {
        snprintf(lean[i], PATH_MAX + 32, "%s/lib/%s", workdir, names[i]);
        if (debuginfo_path(i, full[i], PATH_MAX) == 0 &&
            debuginfo_symbols_only(full[i], lean[i]) == 0) {
            cover[i][0] = full[i];
            cover[i][1] = lean[i];
        }
    }
}

/* Point g_ctx at this grading's programs and run the tests. */
static void
run_suite(const struct exercise *ex, const struct grade_options *opt,
          struct grade_result *res, const char *workdir)
{
    char binpath[PATH_MAX], fault[PATH_MAX + 32], lib[PATH_MAX];
    char debug_full[DEBUGINFO_OBJECTS][PATH_MAX], debug_lean[DEBUGINFO_OBJECTS][PATH_MAX + 32];
    const char *sources[32] = { 0 };
    char *names[32] = { 0 };
    char *ref = reference_bin(ex, workdir);
    const char *why;
    size_t k;

    snprintf(binpath, sizeof binpath, "%s/bin", workdir);
    snprintf(fault, sizeof fault, "%s/bin/libipcfault.so", root_dir);
    snprintf(lib, sizeof lib, "%s/lib", workdir);
    copy_into(fault, lib);
    snprintf(fault, sizeof fault, "%s/lib/libipcfault.so", workdir);
    for (k = 0; ex->programs[k] && k < ARRAY_LEN(names) - 1; k++) {
        if (asprintf(&names[k], "%s.c", ex->programs[k]) < 0)
            die("out of memory");
        sources[k] = names[k];
    }
    warn_weak_sandbox(ref);
    g_ctx = (struct grade_ctx){
        .root = root_dir, .work = workdir, .student_bin = binpath, .ref_bin = ref,
        .fault_lib = fault, .sources = sources, .ex = ex, .keep = opt->keep,
    };
    lighten_debug_files(workdir, debug_full, debug_lean, g_ctx.lean_debug);
    res->sandbox_full = sandbox_choose_mode(&why) == SANDBOX_FULL;
    res->sandbox_why = xstrdup(why);
    open_grading_group(ex, res);
    run_tests(ex, opt, res, workdir);
    close_grading_group();
    g_ctx = (struct grade_ctx){ 0 };
    for (size_t i = 0; i < k; i++)
        free(names[i]);
    free(ref);
}

int
grade(const struct exercise *ex, const char *dir, const struct grade_options *opt,
      struct grade_result *res, char **why)
{
    char bin[PATH_MAX];
    char *workdir;
    double t0 = now_seconds();
    int rc = 0;

    memset(res, 0, sizeof *res);
    init_results(ex, opt->only, opt->visible_only, res);
    res->source_dir = xstrdup(dir);
    char *unknown = opt->only ? unknown_test(ex, opt->only) : NULL;
    if (unknown != NULL) {
        if (asprintf(why, "exercise %s has no test \"%s\"", ex->id, unknown) < 0)
            *why = NULL;
        free(unknown);
        return -1;
    }
    catch_stop_signals(true);
    workdir = make_workdir();
    snprintf(bin, sizeof bin, "%s/bin", workdir);
    mkdir(bin, 0711);
    if (build_student(ex, dir, workdir, res, why) == -1) {
        rc = -1;
        goto out;
    }
    if (res->grader_fault)
        grader_error_all(res, res->grader_fault);
    else if (res->compiled)
        run_suite(ex, opt, res, workdir);
    else
        not_run(res, "Not run: your program does not compile (the compiler's messages are "
                     "above).");
out:
    res->max_score = 0;
    for (size_t i = 0; i < res->ntests; i++) {
        res->score += res->tests[i].score;
        res->max_score += res->tests[i].max_score;
    }
    res->execution_time = now_seconds() - t0;
    if (opt->keep)
        fprintf(stderr, "ipcgrade: kept the scratch folder %s\n", workdir);
    else
        remove_tree(workdir);
    live_workdir = NULL;
    free(workdir);
    catch_stop_signals(false);
    if (stop_signal) {
        int sig = stop_signal;

        stop_signal = 0;
        raise(sig);                     /* as asked, now that we are clean */
    }
    return rc;
}

void
grade_result_free(struct grade_result *res)
{
    for (size_t i = 0; i < res->ntests; i++) {
        struct test_outcome *t = &res->tests[i];

        free(t->message);
        free(t->details);
        free(t->valgrind);
        free(t->leftovers);
        free(t->blocked);
        free(t->reproduce);
        free(t->runs);
    }
    free(res->tests);
    free(res->memory_bound);
    free(res->sandbox_why);
    free(res->source_dir);
    free(res->compiler_output);
    free(res->not_graded);
    free(res->grader_fault);
    memset(res, 0, sizeof *res);
}
