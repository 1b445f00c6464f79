/* run.c: run one student (or reference) program the way a test needs it.
 *
 * The test process T clones an init process I into a new PID namespace; I
 * forks the program P and reaps everything below it. When P exits, I reports
 * P's status and exits, and the kernel kills whatever P left behind (setsid
 * daemons included). On a timeout T first describes where each process is
 * stuck, then kills I, which takes the whole namespace with it. P shares T's
 * IPC namespace, so T sees P's objects exactly as the kernel keeps them.
 *
 *   T --clone(CLONE_NEWPID)--> I (pid 1) --fork--> P: exec the program
 *
 * P reports its own pid as T sees it ("P <pid>") and I reports P's wait
 * status ("S <status> <leftover processes>") through a close-on-exec pipe. */
#define _GNU_SOURCE
#include "grader.h"
#include "diagnose.h"
#include "sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT     5.0     /* seconds, a plain run */
#define VALGRIND_TIMEOUT    30.0    /* memcheck starts in ~0.7 s, runs ~10x slower */
#define OUTPUT_KEEP         (16 * 1024)
#define OUTPUT_LIMIT        (8 << 20)   /* RLIMIT_FSIZE: a flood ends with SIGXFSZ */
#define PROCESS_LIMIT       64          /* RLIMIT_NPROC: a fork bomb stops here */
#define MEMORY_LIMIT        (1UL << 30) /* RLIMIT_AS of a plain run */
#define VALGRIND_MEMORY     (2UL << 30) /* memcheck needs room for its shadow memory */

static void
run_path(int seq, const char *what, char *buf, size_t len)
{
    snprintf(buf, len, "%s/run%d.%s", g_test.dir, seq, what);
}

static const char *
program_path(const struct run *r, char *buf, size_t len)
{
    const char *dir = r->reference ? g_ctx.ref_bin : g_ctx.student_bin;

    if (dir == NULL) {
        feedback('S', "needs the reference programs");
        test_fail(NULL, "Skipped: this test pairs your program with the reference %s, which "
                        "this copy of the workbook does not include. It runs when your "
                        "instructor grades.", r->prog);
    }
    snprintf(buf, len, "%s/%s", dir, r->prog);
    return buf;
}

/* The argument vector: the program, or memcheck running it. */
static size_t
build_argv(const struct run *r, const char *path, const char *vgdir, char **argv)
{
    static char xml_opt[PATH_MAX + 32];
    size_t n = 0;

    if (r->valgrind) {
        snprintf(xml_opt, sizeof xml_opt, "--xml-file=%s/vg.%%p.xml", vgdir);
        argv[n++] = "valgrind";
        argv[n++] = "--tool=memcheck";
        argv[n++] = "--leak-check=full";
        argv[n++] = "--show-leak-kinds=definite,possible";
        argv[n++] = "--errors-for-leak-kinds=definite,possible";
        argv[n++] = "--child-silent-after-fork=no";
        /* No gdbserver: its FIFOs in /tmp are named by pid, and every run's
         * program is pid 2 of its namespace, so concurrent runs would clash. */
        argv[n++] = "--vgdb=no";
        if (r->track_fds)
            argv[n++] = "--track-fds=yes";
        argv[n++] = "--xml=yes";
        argv[n++] = xml_opt;
        argv[n++] = (char *)path;
    } else {
        argv[n++] = (char *)path;
    }
    for (size_t i = 0; i < RUN_MAX_ARGS && r->args[i]; i++)
        argv[n++] = (char *)r->args[i];
    argv[n] = NULL;
    return n;
}

/* What this run's program may touch (sandbox.c). The strings live in the
 * caller's buffers program and vgdir. */
static struct sandbox_paths
paths_of(const struct run *r, int seq, char *program, char *vgdir)
{
    struct sandbox_paths paths = { .run = { program_path(r, program, PATH_MAX) },
                                   .write = { g_test.scratch } };
    size_t w = 1;

    if (r->fault)
        paths.run[1] = g_ctx.fault_lib;
    if (r->valgrind) {
        run_path(seq, "vg", vgdir, PATH_MAX);
        paths.write[w++] = vgdir;
    }
    if (g_sandbox.ready)
        paths.write[w++] = "/tmp";      /* the run's own (sandbox_private_tmp) */
    return paths;
}

/* In I: the program's stdin, stdout and stderr, opened before its private
 * /tmp hides the grader's folders. */
static void
open_stdio(const struct run *r, int seq, int fds[3])
{
    char in[PATH_MAX], out[PATH_MAX], err[PATH_MAX];

    run_path(seq, "in", in, sizeof in);
    run_path(seq, "out", out, sizeof out);
    run_path(seq, "err", err, sizeof err);
    fds[0] = open(r->input ? in : "/dev/null", O_RDONLY);
    fds[1] = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    fds[2] = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
}

/* In P: wire stdio, set the limits, put up the walls, exec. */
__attribute__((noreturn)) static void
exec_program(const struct run *r, int seq, char **argv, char **envp, int status_fd,
             const int stdio[3])
{
    char self[32] = "", program[PATH_MAX], vgdir[PATH_MAX];
    const char *exe = r->valgrind ? "/usr/bin/valgrind" : argv[0];
    struct sandbox_paths paths = paths_of(r, seq, program, vgdir);

    setsid();                   /* no controlling terminal to type into */
    for (int i = 0; i < 3; i++)
        dup2(stdio[i], i);
    if (chdir(g_test.scratch) == -1)
        _exit(127);
    set_rlimit(RLIMIT_CORE, 0);
    set_rlimit(RLIMIT_FSIZE, OUTPUT_LIMIT);
    set_rlimit(RLIMIT_NOFILE, 256);
    set_rlimit(RLIMIT_CPU, (rlim_t)(r->timeout * 2 + 1));
    set_rlimit(RLIMIT_NPROC, PROCESS_LIMIT);
    if (readlink("/proc/self", self, sizeof self - 1) > 0)
        dprintf(status_fd, "P %s\n", self);     /* /proc is the test's: its pid */
    if (sandbox_enter_program(&paths) == -1) {
        dprintf(status_fd, "E %d\n", errno);
        _exit(127);
    }
    syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
    /* Last: the grader's own code (built with ASan in the tests) may not
     * fit in the program's address space. */
    set_rlimit(RLIMIT_AS, r->valgrind ? VALGRIND_MEMORY : MEMORY_LIMIT);
    execve(exe, argv, envp);
    dprintf(status_fd, "E %d\n", errno);
    _exit(127);
}

/* Segments the test itself has attached would count in nattch (and move
 * atime and lpid) for as long as the run lasts: drop them in I, before P. */
static void
detach_inherited_segments(void)
{
    char *maps = read_file_tail("/proc/self/maps", 1 << 20, NULL, NULL);

    for (char *line = maps; line && *line; line = strchr(line, '\n'), line += !!line) {
        unsigned long start;
        size_t n = strcspn(line, "\n");

        if (memmem(line, n, " /SYSV", 6) && sscanf(line, "%lx-", &start) == 1)
            shmdt((void *)start);
    }
    free(maps);
}

/* In I, pid 1 of the new namespace: start P, reap all, report P's status. */
__attribute__((noreturn)) static void
init_main(const struct run *r, int seq, char **argv, char **envp, int status_fd)
{
    pid_t p, w;
    int status = 0, leftover = 0, stdio[3];
    char self[32] = "", path[96], *kids, program[PATH_MAX], vgdir[PATH_MAX];
    struct sandbox_paths paths = paths_of(r, seq, program, vgdir);

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    detach_inherited_segments();
    open_stdio(r, seq, stdio);
    if (g_sandbox.ready && sandbox_private_tmp(&paths) == -1) {
        dprintf(status_fd, "E %d\n", errno);
        _exit(1);
    }
    p = fork();
    if (p == -1) {
        dprintf(status_fd, "E %d\n", errno);
        _exit(1);
    }
    if (p == 0)
        exec_program(r, seq, argv, envp, status_fd, stdio);
    while ((w = waitpid(-1, &status, 0)) != p)
        if (w == -1 && errno != EINTR)
            _exit(1);
    if (readlink("/proc/self", self, sizeof self - 1) > 0) {
        snprintf(path, sizeof path, "/proc/%s/task/%s/children", self, self);
        kids = read_file_tail(path, 4096, NULL, NULL);
        for (char *k = kids; k && *k; k += strcspn(k, " ") + (k[strcspn(k, " ")] != 0))
            leftover += *k != ' ';
        free(kids);
    }
    dprintf(status_fd, "S %d %d\n", status, leftover);
    _exit(0);
}

static bool read_status(struct run *r, bool until_pid);
static void parse_status(struct run *r, const char *text);

void
run_start(struct run *r)
{
    char path[PATH_MAX], vgdir[PATH_MAX], in[PATH_MAX];
    char *argv[RUN_MAX_ARGS + 16], *envp[10];
    char home[PATH_MAX + 8], tmpdir[PATH_MAX + 8], fault[256], preload[PATH_MAX + 16];
    int pipefd[2], nenv = 0;
    long init;

    if (r->timeout <= 0)
        r->timeout = r->valgrind ? VALGRIND_TIMEOUT : DEFAULT_TIMEOUT;
    r->seq = ++g_test.runs;
    r->exit_code = -1;
    program_path(r, path, sizeof path);
    run_path(r->seq, "vg", vgdir, sizeof vgdir);
    if (r->valgrind && mkdir(vgdir, 0700) == -1)
        test_fail(NULL, "The grader could not make a folder for Valgrind: %s", strerror(errno));
    if (r->input) {
        run_path(r->seq, "in", in, sizeof in);
        if (write_file(in, r->input) == -1)
            test_fail(NULL, "The grader could not write the input file: %s", strerror(errno));
    }
    build_argv(r, path, vgdir, argv);
    snprintf(home, sizeof home, "HOME=%s", g_test.scratch);
    snprintf(tmpdir, sizeof tmpdir, "TMPDIR=%s", g_sandbox.ready ? "/tmp" : g_test.scratch);
    envp[nenv++] = "PATH=/usr/local/bin:/usr/bin:/bin";
    envp[nenv++] = home;
    envp[nenv++] = tmpdir;          /* the run's own /tmp (or the test's folder) */
    envp[nenv++] = "LC_ALL=C";      /* strerror() texts the tests can read */
    if (r->fault) {
        snprintf(fault, sizeof fault, "IPCGRADE_FAULT=%s", r->fault);
        snprintf(preload, sizeof preload, "LD_PRELOAD=%s", g_ctx.fault_lib);
        envp[nenv++] = fault;
        envp[nenv++] = preload;
    }
    envp[nenv] = NULL;
    if (pipe2(pipefd, O_CLOEXEC) == -1)
        test_fail(NULL, "The grader could not make a pipe: %s", strerror(errno));
    fflush(NULL);
    init = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, NULL, NULL, 0);
    if (init == -1)
        test_fail(NULL, "The grader could not start a process: %s", strerror(errno));
    if (init == 0) {
        close(pipefd[0]);
        init_main(r, r->seq, argv, envp, pipefd[1]);
    }
    close(pipefd[1]);
    r->init_pid = (pid_t)init;
    r->status_fd = pipefd[0];
    r->started = now_seconds();
    read_status(r, true);       /* P reports its pid just before exec */
    parse_status(r, sb_str(&r->status_text));
}

/* Read the status pipe into r->status_text until I exits (true), the
 * deadline passes (false), or, with until_pid, P's "P <pid>" line arrives. */
static bool
read_status(struct run *r, bool until_pid)
{
    double deadline = r->started + r->timeout;
    char buf[256];

    for (;;) {
        struct pollfd pfd = { r->status_fd, POLLIN, 0 };
        const char *text = sb_str(&r->status_text);
        double left = deadline - now_seconds();
        int rc;
        ssize_t n;

        if (until_pid && (strncmp(text, "P ", 2) == 0 || strstr(text, "\nP ")) &&
            text[r->status_text.len - 1] == '\n')
            return true;
        if (left <= 0)
            return false;
        rc = poll(&pfd, 1, (int)(left * 1000) + 1);
        if (rc == -1 && errno == EINTR)
            continue;
        if (rc <= 0)
            continue;           /* re-check the deadline */
        n = read(r->status_fd, buf, sizeof buf);
        if (n <= 0)
            return true;        /* I exited: the pipe is closed */
        sb_add(&r->status_text, buf, (size_t)n);
    }
}

static void
parse_status(struct run *r, const char *text)
{
    for (const char *line = text; line && *line; line = strchr(line, '\n'), line += !!line) {
        int a, b;

        if (sscanf(line, "P %d", &a) == 1) {
            r->pid = a;
        } else if (sscanf(line, "S %d %d", &a, &b) == 2) {
            r->exit_code = WIFEXITED(a) ? WEXITSTATUS(a) : -1;
            r->term_signal = WIFSIGNALED(a) ? WTERMSIG(a) : 0;
            r->leftover_procs = b;
        } else if (sscanf(line, "E %d", &a) == 1) {
            test_fail(NULL, "The grader could not start %s: %s", r->prog, strerror(a));
        }
    }
}

void
run_wait(struct run *r)
{
    char path[PATH_MAX];

    if (r->init_pid <= 0)
        return;                 /* already collected */
    if (!read_status(r, false)) {
        struct strbuf where = { 0 };

        r->timed_out = true;
        diagnose_tree(r->init_pid, &where);
        r->blocked = sb_take(&where);
        kill(r->init_pid, SIGKILL);
    }
    while (waitpid(r->init_pid, NULL, 0) == -1 && errno == EINTR)
        ;
    close(r->status_fd);
    r->elapsed = now_seconds() - r->started;
    r->init_pid = 0;
    parse_status(r, sb_str(&r->status_text));
    sb_free(&r->status_text);
    run_path(r->seq, "out", path, sizeof path);
    r->out = read_file_tail(path, OUTPUT_KEEP, NULL, &r->out_cut);
    run_path(r->seq, "err", path, sizeof path);
    r->err = read_file_tail(path, OUTPUT_KEEP, NULL, &r->err_cut);
    if (r->out == NULL)
        r->out = xstrdup("");
    if (r->err == NULL)
        r->err = xstrdup("");
    if (r->valgrind) {
        run_path(r->seq, "vg", path, sizeof path);
        vg_parse_dir(path, &r->vg);
    }
}

void
run_signal(const struct run *r, int sig)
{
    if (r->pid > 0 && r->init_pid > 0)
        kill(r->pid, sig);
}

void
run_stop(struct run *r)
{
    if (r->init_pid > 0) {
        kill(r->init_pid, SIGKILL);     /* the namespace dies with its init */
        r->stopped = true;
        run_wait(r);
    }
}

/* Its init reports and exits when the program does; WNOWAIT leaves the
   init for run_wait() to collect. */
bool
run_ended(const struct run *r)
{
    siginfo_t si;

    if (r->init_pid <= 0)
        return true;
    memset(&si, 0, sizeof si);
    if (waitid(P_PID, (id_t)r->init_pid, &si, WEXITED | WNOHANG | WNOWAIT) == -1)
        return true;
    return si.si_pid != 0;
}

bool
run_alive(const struct run *r)
{
    char state = r->init_pid > 0 ? diagnose_state(r->pid) : '?';

    return state != '?' && state != 'Z' && state != 'X';
}

void
run_halt(struct run *r)
{
    struct strbuf where = { 0 };

    if (r->init_pid <= 0)
        return;                 /* already collected */
    if (!run_alive(r)) {
        run_wait(r);
        return;
    }
    diagnose_tree(r->init_pid, &where);
    if (where.len > 0 && where.buf[where.len - 1] == '\n')
        where.buf[--where.len] = '\0';
    run_stop(r);
    r->term_signal = SIGKILL;
    free(r->blocked);
    r->blocked = where.len ? sb_take(&where) : xstrdup("gone");
    sb_free(&where);
}

/* Has the run's init exited (its zombie not yet collected by run_wait)? */
static bool
run_exited(const struct run *r)
{
    siginfo_t info = { .si_pid = 0 };

    return r->init_pid <= 0 ||
           (waitid(P_PID, (id_t)r->init_pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
            info.si_pid == r->init_pid);
}

bool
run_wait_output(struct run *r, const char *text, double timeout)
{
    char path[PATH_MAX];
    double deadline = now_seconds() + timeout;

    run_path(r->seq, "out", path, sizeof path);
    for (;;) {
        bool exited = run_exited(r);    /* before reading: then the read is final */
        char *out = read_file_tail(path, 1 << 20, NULL, NULL);
        bool found = out && strstr(out, text);

        free(out);
        if (found)
            return true;
        if (exited || now_seconds() > deadline)
            return false;
        usleep(5000);
    }
}

void
run_program(struct run *r)
{
    run_start(r);
    run_wait(r);
}

void
run_free(struct run *r)
{
    free(r->out);
    free(r->err);
    free(r->blocked);
    vg_report_free(&r->vg);
    r->out = r->err = r->blocked = NULL;
}

/* Quote an argument for a POSIX shell when it needs it. */
static void
shell_word(struct strbuf *sb, const char *w)
{
    if (*w && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        "0123456789_-+=./:,@%") == strlen(w)) {
        sb_adds(sb, w);
        return;
    }
    sb_adds(sb, "'");
    for (; *w; w++) {
        if (*w == '\'')
            sb_adds(sb, "'\\''");
        else
            sb_add(sb, w, 1);
    }
    sb_adds(sb, "'");
}

void
run_command(const struct run *r, struct strbuf *sb)
{
    if (r->input) {
        sb_adds(sb, "printf '%s' ");
        shell_word(sb, r->input);
        sb_adds(sb, " | ");
    }
    if (r->fault) {
        sb_addf(sb, "IPCGRADE_FAULT=%s LD_PRELOAD=", r->fault);
        shell_word(sb, g_ctx.fault_lib);
        sb_adds(sb, " ");
    }
    if (r->valgrind)
        sb_adds(sb, "valgrind --leak-check=full ");
    sb_addf(sb, "%s%s", r->reference ? "(the reference program) " : "./", r->prog);
    for (size_t i = 0; i < RUN_MAX_ARGS && r->args[i]; i++) {
        sb_adds(sb, " ");
        shell_word(sb, r->args[i]);
    }
}

static void
add_output(struct strbuf *sb, const char *name, const char *text, bool cut)
{
    if (*text == '\0') {
        sb_addf(sb, "  %s: (nothing)\n", name);
        return;
    }
    sb_addf(sb, "  %s%s:\n", name, cut ? " (only its end is shown)" : "");
    sb_indent(sb, text, "    | ");
}

/* "  in a folder holding: keyfile, other.txt" (what the run's cwd held). */
static void
add_folder(struct strbuf *sb)
{
    DIR *d = opendir(g_test.scratch);
    struct dirent *de;
    int n = 0;

    while (d && (de = readdir(d)) != NULL && n < 8) {
        if (de->d_name[0] == '.')
            continue;
        sb_adds(sb, n++ ? ", " : "  in a folder holding: ");
        sb_adds(sb, de->d_name);
    }
    if (n)
        sb_adds(sb, "\n");
    if (d)
        closedir(d);
}

void
run_summary(const struct run *r, struct strbuf *sb)
{
    sb_adds(sb, "$ ");
    run_command(r, sb);
    sb_adds(sb, "\n");
    add_folder(sb);
    if (r->timed_out)
        sb_addf(sb, "  did not finish within %.0f s and was stopped\n", r->timeout);
    else if (r->stopped)
        sb_adds(sb, "  was stopped by the grader (the test was done with it)\n");
    else if (r->term_signal)
        sb_addf(sb, "  was killed by signal %d (%s)\n", r->term_signal,
                strsignal(r->term_signal));
    else
        sb_addf(sb, "  exit status %d\n", r->exit_code);
    if (r->blocked && *r->blocked)
        sb_indent(sb, r->blocked, "  stuck: ");
    if (r->leftover_procs > 0)
        sb_addf(sb, "  left %d process%s running when it exited (the grader stopped them)\n",
                r->leftover_procs, r->leftover_procs == 1 ? "" : "es");
    add_output(sb, "stdout", r->out ? r->out : "", r->out_cut);
    add_output(sb, "stderr", r->err ? r->err : "", r->err_cut);
}
