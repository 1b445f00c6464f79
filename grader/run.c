/* run.c: see run.h.
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
 * status ("S <status> <leftover processes>") through a close-on-exec pipe.
 * Before it exits, I kills and reaps everything left in the namespace
 * itself: a process the kernel reaps as the namespace dies is not counted
 * in anyone's rusage, and T reads the run's CPU time and peak memory from
 * I's (wait4). So T stops a run by asking I (SIGUSR1) to do the same at
 * once, without a status, and kills I only if it does not exit soon.
 * Everything I and P need (paths, argv, environment, the sandbox's paths)
 * is prepared in T before the clone (struct launch): after it they only
 * make system calls, and a failure there is reported through the pipe. */
#define _GNU_SOURCE
#include "run.h"
#include "diagnose.h"
#include "ns.h"
#include "proctree.h"
#include "sandbox.h"
#include "test.h"

#include <dirent.h>
#include <ftw.h>
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
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT     5.0     /* seconds, a plain run */
#define VALGRIND_TIMEOUT    30.0    /* memcheck starts in ~0.7 s, runs ~10x slower */
#define OUTPUT_KEEP         (16 * 1024)
#define OUTPUT_WHOLE        (16 << 20)  /* run_stdout() */
#define OUTPUT_LIMIT        (8 << 20)   /* RLIMIT_FSIZE: a flood ends with SIGXFSZ */
#define PROCESS_LIMIT       64          /* RLIMIT_NPROC: a fork bomb stops here */
#define MEMORY_LIMIT        (1UL << 30) /* RLIMIT_AS of a plain run */
#define VALGRIND_MEMORY     (2UL << 30) /* memcheck needs room for its shadow memory */
#define ARGV_MAX            (RUN_MAX_ARGS + 16)
#define STOP_GRACE          1.0         /* seconds I has to stop its run, then SIGKILL */
#define WATCH_PERIOD_US     50000       /* the memory watchdog's period (no cgroup) */
#define WATCH_FAST_US       10000       /* its period once the run holds half its bound */

/* A started run's private state, owned by the test. */
struct run_state {
    pid_t init_pid;             /* 0 once collected */
    int status_fd;
    struct strbuf status_text;
    int seq;                    /* numbers the run's files in the test's folder */
    char *args[RUN_MAX_ARGS];   /* the run's own copies of req.args */
    double deadline;            /* req.timeout at the start (suites may change it) */
    rlim_t cpu_limit;           /* RLIMIT_CPU's soft limit, seconds a process */
    struct cgroup group;        /* the run's own, below the test's; or CGROUP_NONE */
};

/* What I and P need, all prepared before the clone. */
struct launch {
    char program[PATH_MAX];     /* the binary to run */
    const char *exe;            /* what to exec: the program, or valgrind */
    char vgdir[PATH_MAX];
    char in[PATH_MAX], out[PATH_MAX], err[PATH_MAX];
    bool has_input;
    char *argv[ARGV_MAX];
    char *envp[10];
    char xml_opt[PATH_MAX + 32], home[PATH_MAX + 8], tmpdir[PATH_MAX + 8];
    char fault[256], preload[PATH_MAX + 16];
    struct sandbox_paths paths;
    bool private_tmp;
    rlim_t cpu, memory;
    int join[2];                /* cgroup_open_join() of the run's group, or -1s */
    long long watch_kib;        /* no group: I's watchdog bound on the run's memory */
    bool watch_disk;            /* container mode: I's watchdog bounds the scratch folder */
    int (*init_does)(const void *arg);  /* req.init_does, done in I before P */
    const void *init_arg;
};

static void
run_path(int seq, const char *what, char *buf, size_t len)
{
    snprintf(buf, len, "%s/run%d.%s", g_test.dir, seq, what);
}

/* The argument vector: the program, or memcheck running it. */
static void
build_argv(const struct run *r, struct launch *l)
{
    size_t n = 0;

    if (r->req.valgrind) {
        snprintf(l->xml_opt, sizeof l->xml_opt, "--xml-file=%s/vg.%%p.xml", l->vgdir);
        l->argv[n++] = "valgrind";
        l->argv[n++] = "--tool=memcheck";
        l->argv[n++] = "--leak-check=full";
        l->argv[n++] = "--show-leak-kinds=definite,possible";
        l->argv[n++] = "--errors-for-leak-kinds=definite,possible";
        l->argv[n++] = "--child-silent-after-fork=no";
        /* Chasing jumps into bigger superblocks costs more translation than
         * it saves in programs that run for a fraction of a second: a run
         * starts 7% faster without it, and memcheck checks the same. */
        l->argv[n++] = "--vex-guest-chase=no";
        /* No gdbserver: its FIFOs in /tmp are named by pid, and every run's
         * program is pid 2 of its namespace, so concurrent runs would clash. */
        l->argv[n++] = "--vgdb=no";
        if (r->req.track_fds)
            l->argv[n++] = "--track-fds=yes";
        l->argv[n++] = "--xml=yes";
        l->argv[n++] = l->xml_opt;
    }
    l->argv[n++] = l->program;
    for (size_t i = 0; i < RUN_MAX_ARGS && r->state->args[i]; i++)
        l->argv[n++] = r->state->args[i];
    l->argv[n] = NULL;
}

static void
build_envp(const struct run *r, struct launch *l)
{
    int n = 0;

    snprintf(l->home, sizeof l->home, "HOME=%s", g_test.scratch);
    snprintf(l->tmpdir, sizeof l->tmpdir, "TMPDIR=%s",
             l->private_tmp ? "/tmp" : g_test.scratch);
    l->envp[n++] = "PATH=/usr/local/bin:/usr/bin:/bin";
    l->envp[n++] = l->home;
    l->envp[n++] = l->tmpdir;      /* the run's own /tmp (or the test's folder) */
    l->envp[n++] = "LC_ALL=C";     /* strerror() texts the tests can read */
    if (r->req.fault) {
        snprintf(l->fault, sizeof l->fault, "IPCGRADE_FAULT=%s", r->req.fault);
        l->envp[n++] = l->fault;
    }
    /* Under Valgrind too: it tells memcheck what the *_STAT_ANY commands
     * write (preload/faultinject.c), which Valgrind 3.19 does not know. */
    if (r->req.fault || r->req.valgrind) {
        snprintf(l->preload, sizeof l->preload, "LD_PRELOAD=%s", g_ctx.fault_lib);
        l->envp[n++] = l->preload;
    }
    l->envp[n] = NULL;
}

/* Everything about r that I and P need, or the end of the test when it
 * cannot run here. */
static void
prepare_launch(const struct run *r, struct launch *l)
{
    const char *dir = r->req.reference ? g_ctx.ref_bin : g_ctx.student_bin;
    size_t w = 1;

    if (dir == NULL)
        test_skip("This test pairs your program with the reference %s, which "
                  "this copy of the workbook does not include. It runs when your "
                  "instructor grades.", r->req.prog);
    memset(l, 0, sizeof *l);
    snprintf(l->program, sizeof l->program, "%s/%s", dir, r->req.prog);
    l->init_does = r->req.init_does;
    l->init_arg = r->req.init_arg;
    run_path(r->state->seq, "vg", l->vgdir, sizeof l->vgdir);
    run_path(r->state->seq, "in", l->in, sizeof l->in);
    run_path(r->state->seq, "out", l->out, sizeof l->out);
    run_path(r->state->seq, "err", l->err, sizeof l->err);
    l->has_input = r->req.input != NULL;
    l->private_tmp = g_sandbox.ready && sandbox_mode == SANDBOX_FULL;
    l->paths = (struct sandbox_paths){ .run = { l->program }, .write = { g_test.scratch } };
    if (r->req.fault || r->req.valgrind)
        l->paths.run[1] = g_ctx.fault_lib;
    if (r->req.valgrind) {
        l->paths.write[w++] = l->vgdir;
        memcpy(l->paths.cover, g_ctx.lean_debug, sizeof l->paths.cover);
    }
    /* The run's own /tmp (sandbox_private_mounts()). In container mode /tmp
     * is the machine's, where other gradings' folders are: Landlock keeps
     * the program out of it (TMPDIR is its own folder). */
    if (l->private_tmp)
        l->paths.write[w++] = "/tmp";
    l->cpu = r->state->cpu_limit;
    l->memory = r->req.valgrind ? VALGRIND_MEMORY : MEMORY_LIMIT;
    l->exe = r->req.valgrind ? "/usr/bin/valgrind" : l->program;
    l->join[0] = l->join[1] = -1;
    if (g_sandbox.group.version == CGROUP_NONE)
        l->watch_kib = (long long)(g_ctx.test_memory >> 10);
    l->watch_disk = sandbox_mode == SANDBOX_CONTAINER;
    build_argv(r, l);
    build_envp(r, l);
}

/* In P: wire stdio, set the limits, put up the walls, exec. */
__attribute__((noreturn)) static void
exec_program(const struct launch *l, int status_fd, const int stdio[3], int test_proc)
{
    char self[32] = "";

    setsid();                   /* no controlling terminal to type into */
    for (int i = 0; i < 3; i++)
        dup2(stdio[i], i);
    if (chdir(g_test.scratch) == -1)
        _exit(127);
    set_rlimit(RLIMIT_CORE, 0);
    set_rlimit(RLIMIT_FSIZE, OUTPUT_LIMIT);
    set_rlimit(RLIMIT_NOFILE, 256);
    /* The hard limit a second above the soft one: at the soft limit the
     * kernel sends SIGXCPU, which names the limit; a program that ignores
     * it gets SIGKILL at the hard one (equal limits: SIGKILL at once). */
    setrlimit(RLIMIT_CPU, &(struct rlimit){ l->cpu, l->cpu + 1 });
    set_rlimit(RLIMIT_NPROC, PROCESS_LIMIT);
    /* Its pid as the test sees it: through the test's /proc, not the run's
     * own (where it is 2). */
    if (readlinkat(test_proc, "self", self, sizeof self - 1) > 0)
        dprintf(status_fd, "P %s\n", self);
    if (sandbox_enter_program(&l->paths) == -1) {
        dprintf(status_fd, "E %d\n", errno);
        _exit(127);
    }
    syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
    /* Last: the grader's own code (built with ASan in the tests) may not
     * fit in the program's address space. */
    set_rlimit(RLIMIT_AS, l->memory);
    execve(l->exe, l->argv, l->envp);
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

/* In I: the program's stdin, stdout and stderr, opened before its private
 * /tmp hides the grader's folders. */
static void
open_stdio(const struct launch *l, int fds[3])
{
    fds[0] = open(l->has_input ? l->in : "/dev/null", O_RDONLY);
    fds[1] = open(l->out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    fds[2] = open(l->err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
}

/* Set in I when T asks it to stop the run (stop_init()). */
static volatile sig_atomic_t stop_requested;

/* I's SIGUSR1 handler: only T may stop the run, the program may not. T is
 * I's parent; outside a new PID namespace, the kernel shows both its pid
 * and I's parent as 0. */
static void
on_stop(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)ctx;
    if (si->si_pid == getppid())
        stop_requested = 1;
}

/* I's SIGALRM handler: only interrupts waitpid() for the watchdog. */
static void
on_tick(int sig)
{
    (void)sig;
}

static void kill_run(void);
static void set_tick(long period_us);

/* In I, where no control group bounds the run: 20 times a second, add up
 * what the run's processes use, report its peak ("T KIB") and end them all
 * ("M KIB") once it passes the bound. Past half the bound it looks 100
 * times a second: sixty processes that each fill memory as fast as they
 * can took 200 MiB more than the bound in one 50 ms period here, and no
 * test of any exercise comes near half its bound (tests/grader.sh). */
static void
watch_memory(const struct launch *l, int status_fd, long long *peak)
{
    /* I's descendants: every process of the run but I. Files in a tmpfs
     * count nowhere, but the run's tmpfs mounts are small (sandbox.c). */
    long long now = proctree_memory_kib(getpid());

    if (now > *peak) {
        if (*peak <= l->watch_kib / 2 && now > l->watch_kib / 2)
            set_tick(WATCH_FAST_US);
        *peak = now;
    }
    if (now > l->watch_kib) {
        dprintf(status_fd, "M %lld\n", now);
        kill_run();
    }
}

/* In I, in container mode, where the scratch folder is on the machine's
 * disk: what it holds, added up by nftw(), stopping once past the bound. */
static long long scratch_bytes;
static long scratch_files;

static int
add_scratch_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)path;
    (void)type;
    (void)ftw;
    scratch_bytes += (long long)st->st_blocks * 512;
    scratch_files++;
    return scratch_bytes > ((long long)SANDBOX_SCRATCH_MIB << 20) ||
           scratch_files > SANDBOX_SCRATCH_FILES;
}

/* End the run ("D") once its folder holds more than a test's tmpfs would:
 * there the kernel would have said ENOSPC; here the disk is the machine's. */
static void
watch_disk(int status_fd)
{
    scratch_bytes = 0;
    scratch_files = 0;
    if (nftw(g_test.scratch, add_scratch_entry, 16, FTW_PHYS) > 0) {
        dprintf(status_fd, "D %lld %ld\n", scratch_bytes >> 10, scratch_files);
        kill_run();
    }
}

/* In I: SIGKILL every process of the run but I. */
static void
kill_run(void)
{
    if (sandbox_mode == SANDBOX_FULL)
        kill(-1, SIGKILL);      /* from pid 1: everyone in the namespace but I */
    else
        proctree_kill_descendants(getpid());
}

/* SIGALRM every period_us microseconds (under a second), from now on. */
static void
set_tick(long period_us)
{
    struct itimerval tick = { { 0, period_us }, { 0, period_us } };

    setitimer(ITIMER_REAL, &tick, NULL);
}

static void
start_watchdog(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_tick;    /* no SA_RESTART: waitpid() must return */
    sigaction(SIGALRM, &sa, NULL);
    set_tick(WATCH_PERIOD_US);
}

/* In I: kill every process of the namespace and reap them all, so that
 * each one's CPU time and peak memory count in I's rusage; then exit. In
 * container mode, I is their subreaper: all of them are its descendants. */
__attribute__((noreturn)) static void
end_namespace(void)
{
    if (sandbox_mode == SANDBOX_CONTAINER) {
        proctree_kill_children();
        _exit(0);
    }
    kill(-1, SIGKILL);          /* from pid 1: everyone in the namespace but I */
    while (waitpid(-1, NULL, __WALL) != -1 || errno == EINTR)
        ;
    _exit(0);
}

/* In I, pid 1 of the new namespace: start P, reap all, report P's status. */
__attribute__((noreturn)) static void
init_main(const struct launch *l, int status_fd)
{
    pid_t p, w;
    int status = 0, leftover = 0, stdio[3], test_proc;
    char self[32] = "", path[96], *kids;
    struct sigaction sa;
    bool private_proc = false, watchdog;
    long long peak = 0;

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_stop;
    sa.sa_flags = SA_SIGINFO;   /* no SA_RESTART: waitpid() must return */
    sigaction(SIGUSR1, &sa, NULL);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* Without a PID namespace, what the program's children leave comes to
     * I, not to the machine's init: end_namespace() finds it all. */
    if (sandbox_mode == SANDBOX_CONTAINER)
        prctl(PR_SET_CHILD_SUBREAPER, 1);
    if (cgroup_join(l->join) == -1) {   /* first: everything below is charged */
        dprintf(status_fd, "E %d\n", errno);
        _exit(1);
    }
    detach_inherited_segments();
    open_stdio(l, stdio);
    test_proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (l->private_tmp && sandbox_private_mounts(&l->paths, &private_proc) == -1) {
        dprintf(status_fd, "E %d\n", errno);
        _exit(1);
    }
    /* The watchdog reads the run's processes in /proc: the run's own, or in
     * container mode the machine's (where I's pid is its own); where it
     * would see neither, RLIMIT_AS alone bounds each one. */
    watchdog = l->watch_kib > 0 && (private_proc || sandbox_mode == SANDBOX_CONTAINER);
    if (l->init_does && l->init_does(l->init_arg) == -1) {
        dprintf(status_fd, "E %d\n", errno);
        _exit(1);
    }
    p = fork();
    if (p == -1) {
        dprintf(status_fd, "E %d\n", errno);
        _exit(1);
    }
    if (p == 0)
        exec_program(l, status_fd, stdio, test_proc);
    if (watchdog || l->watch_disk)
        start_watchdog();
    while ((w = waitpid(-1, &status, 0)) != p) {
        if (stop_requested)
            end_namespace();    /* T stopped the run: no status to report */
        if (w == -1 && errno != EINTR)
            _exit(1);
        if (watchdog)
            watch_memory(l, status_fd, &peak);
        if (l->watch_disk)
            watch_disk(status_fd);
    }
    if (watchdog)
        dprintf(status_fd, "T %lld\n", peak);
    if (readlink("/proc/self", self, sizeof self - 1) > 0) {
        snprintf(path, sizeof path, "/proc/%s/task/%s/children", self, self);
        kids = read_file_tail(path, 4096, NULL, NULL);
        for (char *k = kids; k && *k; k += strcspn(k, " ") + (k[strcspn(k, " ")] != 0))
            leftover += *k != ' ';
        free(kids);
    }
    dprintf(status_fd, "S %d %d\n", status, leftover);
    end_namespace();
}

static void
free_state(void *p)
{
    struct run_state *s = p;

    sb_free(&s->status_text);
    for (size_t i = 0; i < RUN_MAX_ARGS; i++)
        free(s->args[i]);
    free(s);
}

/* The run's command, as a step of the test's recipe (test.h). */
static void
note_start(const struct run *r)
{
    struct strbuf cmd = { 0 };

    run_command(r, &cmd);
    test_recipe(RECIPE_START, r->state->seq, sb_str(&cmd));
    sb_free(&cmd);
}

/* The run's own control group below the test's, for what its processes
 * used together at their peak and whether the OOM killer ended one; l's
 * descriptors let I join it. Nothing where the test has no group. */
static void
join_run_group(struct run *r, struct launch *l)
{
    char name[32];
    int rc;

    if (g_sandbox.group.version == CGROUP_NONE)
        return;
    snprintf(name, sizeof name, "r%d", r->state->seq);
    /* The kernel lets a process join a v1 group through a descriptor
     * opened by root or by the process's own uid: opened as root. */
    sandbox_privileged(true);
    rc = cgroup_make(&g_sandbox.group, name, &r->state->group);
    if (rc == 0 && (rc = cgroup_open_join(&r->state->group, l->join)) == -1) {
        int saved = errno;

        cgroup_remove(&r->state->group);
        errno = saved;
    }
    sandbox_privileged(false);
    if (rc == -1) {
        memset(&r->state->group, 0, sizeof r->state->group);
        test_error("The grader could not make a control group for %s: %s", r->req.prog,
                   strerror(errno));
    }
}

/* After the run: its group's peak and OOM kills into the result, then the
 * group goes. */
static void
leave_run_group(struct run *r)
{
    struct cgroup *g = &r->state->group;

    if (g->version == CGROUP_NONE)
        return;
    sandbox_privileged(true);
    r->res.total_peak_kib = cgroup_peak_kib(g);
    r->res.memory_killed = cgroup_oom_kills(g) > 0;
    cgroup_remove(g);
    sandbox_privileged(false);
    memset(g, 0, sizeof *g);
}

static bool read_status(struct run *r, bool until_pid);
static void parse_status(struct run *r, const char *text);

void
run_start(struct run *r)
{
    struct launch *l = test_own(xmalloc(sizeof *l));
    int pipefd[2];
    pid_t init;

    if (r->req.timeout <= 0)
        r->req.timeout = r->req.valgrind ? VALGRIND_TIMEOUT : DEFAULT_TIMEOUT;
    r->res = (struct run_result){ .exit_code = -1, .total_peak_kib = -1 };
    r->state = xcalloc(1, sizeof *r->state);
    test_defer(free_state, r->state);
    r->state->seq = ++g_test.runs;
    r->state->deadline = r->req.timeout;
    /* Twice the deadline and a second: one process alone cannot reach it
     * before its deadline; it stops what outlives the grader's watch. */
    r->state->cpu_limit = (rlim_t)(r->req.timeout * 2 + 1);
    for (size_t i = 0; i < RUN_MAX_ARGS && r->req.args[i]; i++)
        r->state->args[i] = xstrdup(r->req.args[i]);
    prepare_launch(r, l);
    join_run_group(r, l);
    note_start(r);
    if (r->req.valgrind && mkdir(l->vgdir, 0700) == -1)
        test_error("The grader could not make a folder for Valgrind: %s", strerror(errno));
    if (r->req.input && write_file(l->in, r->req.input) == -1)
        test_error("The grader could not write the input file: %s", strerror(errno));
    if (pipe2(pipefd, O_CLOEXEC) == -1)
        test_error("The grader could not make a pipe: %s", strerror(errno));
    fflush(NULL);
    init = sandbox_mode == SANDBOX_CONTAINER ? fork() : ns_fork_pid();
    if (init == -1)
        test_error("The grader could not start a process: %s", strerror(errno));
    if (init == 0) {
        close(pipefd[0]);
        init_main(l, pipefd[1]);
    }
    close(pipefd[1]);
    cgroup_close_join(l->join);
    r->state->init_pid = init;
    r->state->status_fd = pipefd[0];
    r->res.started = now_seconds();
    read_status(r, true);       /* P reports its pid just before exec */
    parse_status(r, sb_str(&r->state->status_text));
}

/* Read the status pipe into the state's status_text until I exits (true),
 * the deadline passes (false), or, with until_pid, P's "P <pid>" line
 * arrives. */
static bool
read_status(struct run *r, bool until_pid)
{
    struct run_state *s = r->state;
    double deadline = r->res.started + r->req.timeout;
    char buf[256];

    for (;;) {
        struct pollfd pfd = { s->status_fd, POLLIN, 0 };
        const char *text = sb_str(&s->status_text);
        double left = deadline - now_seconds();
        int rc;
        ssize_t n;

        if (until_pid && (strncmp(text, "P ", 2) == 0 || strstr(text, "\nP ")) &&
            text[s->status_text.len - 1] == '\n')
            return true;
        if (left <= 0)
            return false;
        rc = poll(&pfd, 1, (int)(left * 1000) + 1);
        if (rc == -1 && errno == EINTR)
            continue;
        if (rc <= 0)
            continue;           /* re-check the deadline */
        n = read(s->status_fd, buf, sizeof buf);
        if (n <= 0)
            return true;        /* I exited: the pipe is closed */
        sb_add(&s->status_text, buf, (size_t)n);
    }
}

static void
parse_status(struct run *r, const char *text)
{
    for (const char *line = text; line && *line; line = strchr(line, '\n'), line += !!line) {
        int a, b;
        long long kib;

        if (sscanf(line, "P %d", &a) == 1) {
            r->res.pid = a;
        } else if (sscanf(line, "S %d %d", &a, &b) == 2) {
            r->res.exit_code = WIFEXITED(a) ? WEXITSTATUS(a) : -1;
            r->res.term_signal = WIFSIGNALED(a) ? WTERMSIG(a) : 0;
            r->res.leftover_procs = b;
        } else if (sscanf(line, "T %lld", &kib) == 1) {
            r->res.total_peak_kib = kib;
        } else if (sscanf(line, "M %lld", &kib) == 1) {
            r->res.memory_killed = true;
        } else if (sscanf(line, "D %lld", &kib) == 1) {
            r->res.disk_killed = true;
        } else if (sscanf(line, "E %d", &a) == 1) {
            test_error("The grader could not start %s: %s", r->req.prog, strerror(a));
        }
    }
}

static void
free_vg_report(void *p)
{
    vg_report_free(p);
    free(p);
}


struct fd_list {
    struct vg_open_fd *fds;
    size_t n;
};

static void
free_fd_list(void *p)
{
    struct fd_list *l = p;

    vg_open_fds_free(l->fds, l->n);
    free(l);
}

/* With --track-fds: keep Valgrind's list of the descriptors open at exit,
 * and take its lines ("==PID== ...") out of the program's stderr. */
static void
take_fd_report(struct run *r)
{
    struct fd_list *l = xcalloc(1, sizeof *l);
    char *out = r->res.err;

    l->n = vg_open_fds(&r->res.vg, r->res.err, &l->fds);
    test_defer(free_fd_list, l);
    r->res.open_fds = l->fds;
    r->res.n_open_fds = l->n;
    r->res.fds_reported = true;
    for (const char *line = r->res.err, *next; *line; line = next) {
        size_t len = strcspn(line, "\n");
        int pid, used = 0;

        next = line + len + (line[len] == '\n');
        if (sscanf(line, "==%d==%n", &pid, &used) == 1 && used > 0)
            continue;
        memmove(out, line, (size_t)(next - line));
        out += next - line;
    }
    *out = '\0';
}

/* The output tail in file what of run r, owned by the test. */
static char *
output_tail(const struct run *r, const char *what, bool *cut)
{
    char path[PATH_MAX];
    char *text;

    run_path(r->state->seq, what, path, sizeof path);
    text = read_file_tail(path, OUTPUT_KEEP, NULL, cut);
    return test_own(text ? text : xstrdup(""));
}

/* In T: ask I to stop the run (end_namespace()) and wait up to STOP_GRACE
 * for it to exit, keeping what it still reports; then SIGKILL it in any
 * case (a zombie until run_wait() collects it, so the pid is still ours):
 * the kernel then ends the namespace, uncounted. */
static void
stop_init(struct run_state *s)
{
    double end = now_seconds() + STOP_GRACE;
    char buf[256];

    kill(s->init_pid, SIGUSR1);
    for (double left = STOP_GRACE; left > 0; left = end - now_seconds()) {
        struct pollfd pfd = { s->status_fd, POLLIN, 0 };
        int rc = poll(&pfd, 1, (int)(left * 1000) + 1);
        ssize_t n;

        if (rc == -1 && errno != EINTR)
            break;
        if (rc <= 0)
            continue;
        n = read(s->status_fd, buf, sizeof buf);
        if (n <= 0)
            break;              /* I exited: the pipe is closed */
        sb_add(&s->status_text, buf, (size_t)n);
    }
    kill(s->init_pid, SIGKILL);
}

/* Which limit ended r, once its status and usage are in; deadline: the
 * grader killed it at its deadline (run_wait's own, not a suite's). */
static enum run_limit
ended_by(const struct run *r, bool deadline)
{
    /* First: running out of memory can make a run hang or fail later. */
    if (r->res.memory_killed)
        return RUN_LIMIT_MEMORY;
    if (r->res.disk_killed)
        return RUN_LIMIT_DISK;
    if (deadline)
        return RUN_LIMIT_TIME;
    if (r->res.term_signal == SIGXCPU)
        return RUN_LIMIT_CPU;
    /* It ignored SIGXCPU: the kernel's SIGKILL a second later. Nobody
     * else's SIGKILL comes after that much CPU time (less a fifth: rusage
     * can read low, run_limit_words() says why). */
    if (r->res.term_signal == SIGKILL && !r->res.stopped &&
        r->res.cpu_seconds >= 0.8 * (double)r->state->cpu_limit)
        return RUN_LIMIT_CPU;
    if (r->res.term_signal == SIGXFSZ)
        return RUN_LIMIT_FSIZE;
    return RUN_LIMIT_NONE;
}

static const char *const limit_names[] = {
    [RUN_LIMIT_NONE] = "none", [RUN_LIMIT_TIME] = "time", [RUN_LIMIT_CPU] = "cpu",
    [RUN_LIMIT_FSIZE] = "file_size", [RUN_LIMIT_MEMORY] = "memory", [RUN_LIMIT_DISK] = "disk",
};

/* The run's record for the report: a 'U' feedback line,
 * "PROG student|reference CPU_SECONDS PEAK_KIB LIMIT TOTAL_KIB". */
static void
note_usage(const struct run *r)
{
    char line[256];

    snprintf(line, sizeof line, "%s %s %.3f %ld %s %lld", r->req.prog,
             r->req.reference ? "reference" : "student", r->res.cpu_seconds,
             r->res.peak_rss_kib, limit_names[r->res.limit], r->res.total_peak_kib);
    feedback('U', line);
}

void
run_wait(struct run *r)
{
    struct run_state *s = r->state;
    struct rusage ru;
    bool deadline;

    if (s == NULL || s->init_pid <= 0)
        return;                 /* never started, or already collected */
    test_recipe(RECIPE_WAIT, s->seq, NULL);
    deadline = !read_status(r, false);
    if (deadline) {
        struct strbuf where = { 0 };

        r->res.timed_out = true;
        diagnose_tree(s->init_pid, &where);
        r->res.blocked = test_own(sb_take(&where));
        stop_init(s);
    }
    /* wait4(), for its rusage: the init's own and, summed, every process it
     * reaped, which is all of them (end_namespace()); run.h says more. */
    memset(&ru, 0, sizeof ru);
    while (wait4(s->init_pid, NULL, 0, &ru) == -1 && errno == EINTR)
        ;
    close(s->status_fd);
    r->res.elapsed = now_seconds() - r->res.started;
    r->res.cpu_seconds = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    r->res.peak_rss_kib = ru.ru_maxrss;         /* KiB on Linux */
    s->init_pid = 0;
    leave_run_group(r);
    parse_status(r, sb_str(&s->status_text));
    r->res.limit = ended_by(r, deadline);
    note_usage(r);
    r->res.out = output_tail(r, "out", &r->res.out_cut);
    r->res.err = output_tail(r, "err", &r->res.err_cut);
    if (r->req.valgrind) {
        char path[PATH_MAX];
        struct vg_report *vg = xcalloc(1, sizeof *vg);

        run_path(s->seq, "vg", path, sizeof path);
        vg_parse_dir(path, vg);
        test_defer(free_vg_report, vg);
        r->res.vg = *vg;        /* a view of the test's copy */
        if (r->req.track_fds)
            take_fd_report(r);
    }
}

void
run_signal(const struct run *r, int sig)
{
    if (r->res.pid > 0 && run_init_pid(r) > 0) {
        test_recipe(RECIPE_SIGNAL, r->state->seq, sigabbrev_np(sig));
        kill(r->res.pid, sig);
    }
}

void
run_stop(struct run *r)
{
    if (run_init_pid(r) > 0) {
        test_recipe(RECIPE_SIGNAL, r->state->seq, "KILL");
        stop_init(r->state);    /* the namespace dies with its init */
        r->res.stopped = true;
        run_wait(r);
    }
}

pid_t
run_init_pid(const struct run *r)
{
    return r->state ? r->state->init_pid : 0;
}

/* Its init reports and exits when the program does; WNOWAIT leaves the
   init for run_wait() to collect. */
bool
run_ended(const struct run *r)
{
    pid_t init = run_init_pid(r);
    siginfo_t si;

    if (init <= 0)
        return true;
    memset(&si, 0, sizeof si);
    if (waitid(P_PID, (id_t)init, &si, WEXITED | WNOHANG | WNOWAIT) == -1)
        return true;
    return si.si_pid != 0;
}

bool
run_alive(const struct run *r)
{
    char state = run_init_pid(r) > 0 ? diagnose_state(r->res.pid) : '?';

    return state != '?' && state != 'Z' && state != 'X';
}

void
run_describe_stuck(const struct run *r, struct strbuf *sb)
{
    if (run_init_pid(r) > 0)
        diagnose_tree(r->state->init_pid, sb);
}

void
run_halt(struct run *r)
{
    struct strbuf where = { 0 };

    if (run_init_pid(r) <= 0)
        return;                 /* already collected */
    if (!run_alive(r)) {
        run_wait(r);
        return;
    }
    run_describe_stuck(r, &where);
    if (where.len > 0 && where.buf[where.len - 1] == '\n')
        where.buf[--where.len] = '\0';
    run_stop(r);
    r->res.term_signal = SIGKILL;
    r->res.blocked = test_own(where.len ? sb_take(&where) : xstrdup("gone"));
    sb_free(&where);
}

bool
run_wait_output(struct run *r, const char *text, double timeout)
{
    char path[PATH_MAX];
    double deadline = now_seconds() + timeout;

    run_path(r->state->seq, "out", path, sizeof path);
    for (;;) {
        bool exited = run_ended(r);     /* before reading: then the read is final */
        char *out = read_file_tail(path, 1 << 20, NULL, NULL);
        bool found = out && strstr(out, text);

        free(out);
        if (found)
        {
            test_recipe(RECIPE_READY, r->state->seq, NULL);
            return true;
        }
        if (exited || now_seconds() > deadline)
            return false;
        usleep(5000);
    }
}

const char *
run_stdout(const struct run *r)
{
    char path[PATH_MAX];
    char *text;

    if (r->state == NULL)
        return "";
    run_path(r->state->seq, "out", path, sizeof path);
    text = read_file_tail(path, OUTPUT_WHOLE, NULL, NULL);
    return text ? test_own(text) : "";
}

void
run_program(struct run *r)
{
    run_start(r);
    run_wait(r);
}

void
run_command(const struct run *r, struct strbuf *sb)
{
    if (r->req.input) {
        sb_adds(sb, "printf '%s' ");
        sb_shell_word(sb, r->req.input);
        sb_adds(sb, " | ");
    }
    if (r->req.fault) {         /* the workbook's library: it outlives the grading */
        sb_addf(sb, "IPCGRADE_FAULT=%s LD_PRELOAD=", r->req.fault);
        sb_shell_word(sb, test_strf("%s/bin/libipcfault.so", g_ctx.root));
        sb_adds(sb, " ");
    }
    if (r->req.valgrind)
        sb_addf(sb, "valgrind --leak-check=full %s", r->req.track_fds ? "--track-fds=yes " : "");
    if (r->req.reference)       /* the workbook's reference program */
        sb_shell_word(sb, test_strf("%s/build/ref/%s/%s", g_ctx.root,
                                    g_ctx.ex ? g_ctx.ex->id : "?", r->req.prog));
    else
        sb_addf(sb, "./%s", r->req.prog);
    for (size_t i = 0; i < RUN_MAX_ARGS && r->req.args[i]; i++) {
        sb_adds(sb, " ");
        sb_shell_word(sb, r->req.args[i]);
    }
}

static void
add_output(struct strbuf *sb, const char *name, const char *text, bool cut, int last_lines)
{
    const char *p = text + strlen(text);
    int lines = 0;

    if (*text == '\0') {
        sb_addf(sb, "  %s: (nothing)\n", name);
        return;
    }
    /* A long log: only its last lines (the request's out_lines). */
    for (; last_lines > 0 && p > text; p--)
        if (p[-1] == '\n' && p[0] != '\0' && ++lines == last_lines)
            break;
    if (last_lines > 0 && p > text) {
        text = p;
        cut = true;
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

const char *
run_limit_words(const struct run *r)
{
    double cpu = r->state ? (double)r->state->cpu_limit : 0;

    switch (r->res.limit) {
    case RUN_LIMIT_NONE:
        break;
    case RUN_LIMIT_TIME:
        return test_strf("was still running after %g s (time limit)",
                         r->state ? r->state->deadline : r->req.timeout);
    case RUN_LIMIT_CPU:
        /* Both figures, no guess: a program may have lowered its own limit
         * (setrlimit), and rusage reads up to a tenth low on some virtual
         * machines (1 s of RLIMIT_CPU showed as 0.9 s). */
        return test_strf("ran out of CPU time: this test allows %.0f s of CPU time a "
                         "process, and the run used %.1f s (CPU limit)",
                         cpu, r->res.cpu_seconds);
    case RUN_LIMIT_FSIZE:
        return test_strf("wrote a file larger than the %d KiB this test allows (file size "
                         "limit; its stdout and stderr are files too)", OUTPUT_LIMIT >> 10);
    case RUN_LIMIT_DISK:
        return test_strf("filled its folder past the %d MiB or %d files it may hold (disk "
                         "limit)", SANDBOX_SCRATCH_MIB, SANDBOX_SCRATCH_FILES);
    case RUN_LIMIT_MEMORY:
        return test_strf("needed more memory than the %llu MiB %s may use together (memory "
                         "limit)", g_ctx.test_memory >> 20,
                         g_sandbox.group.version != CGROUP_NONE ? "this test's programs"
                                                                : "a run's processes");
    }
    return NULL;
}

/* "  it used 0.20 s of CPU time; its largest process peaked at 1.6 MiB
 * resident", and after a crash the address space a process may have: the
 * student compares, the grader does not guess (run.h). */
static void
add_usage(struct strbuf *sb, const struct run *r, bool crashed)
{
    sb_addf(sb, "  it used %.2f s of CPU time; its largest process peaked at %.1f MiB resident",
            r->res.cpu_seconds, (double)r->res.peak_rss_kib / 1024);
    if (r->res.total_peak_kib >= 0)
        sb_addf(sb, ", all its processes together at %.1f MiB",
                (double)r->res.total_peak_kib / 1024);
    if (crashed)
        sb_addf(sb, " (a process may have %lu MiB of address space)",
                (r->req.valgrind ? VALGRIND_MEMORY : MEMORY_LIMIT) >> 20);
    sb_adds(sb, "\n");
}

void
run_summary(const struct run *r, struct strbuf *sb)
{
    const char *limit = run_limit_words(r);
    bool crashed;

    sb_adds(sb, "$ ");
    run_command(r, sb);
    sb_adds(sb, "\n");
    add_folder(sb);
    if (limit)
        sb_addf(sb, "  %s and was stopped\n", limit);
    else if (r->res.timed_out)
        sb_addf(sb, "  did not finish within %.0f s and was stopped\n", r->req.timeout);
    else if (r->res.stopped)
        sb_adds(sb, "  was stopped by the grader (the test was done with it)\n");
    else if (r->res.term_signal)
        sb_addf(sb, "  was killed by signal %d (%s)\n", r->res.term_signal,
                strsignal(r->res.term_signal));
    else
        sb_addf(sb, "  exit status %d\n", r->res.exit_code);
    /* The record only where it helps: a limit, or a crash that may have
     * been memory running out (the report does not guess which). */
    crashed = r->res.term_signal == SIGSEGV || r->res.term_signal == SIGABRT ||
              r->res.term_signal == SIGBUS;
    if (limit || crashed)
        add_usage(sb, r, crashed);
    if (r->res.blocked && *r->res.blocked)
        sb_indent(sb, r->res.blocked, "  stuck: ");
    if (r->res.leftover_procs > 0)
        sb_addf(sb, "  left %d process%s running when it exited (the grader stopped them)\n",
                r->res.leftover_procs, r->res.leftover_procs == 1 ? "" : "es");
    add_output(sb, "stdout", r->res.out ? r->res.out : "", r->res.out_cut, r->req.out_lines);
    if ((r->res.out == NULL || *r->res.out == '\0') && (r->res.term_signal || r->res.timed_out ||
                                                   r->res.stopped))
        sb_adds(sb, "    (a program killed before it exits loses what printf() still holds in "
                    "its buffer: stdout to a file is written in blocks, so it may have "
                    "printed more than this shows; fflush(stdout) after each line makes "
                    "it visible)\n");
    add_output(sb, "stderr", r->res.err ? r->res.err : "", r->res.err_cut, 0);
}

void
run_words(const struct run *r, struct strbuf *sb)
{
    sb_adds(sb, r->req.prog);
    for (size_t i = 0; i < RUN_MAX_ARGS && r->req.args[i]; i++)
        sb_addf(sb, " %s", r->req.args[i]);
}
