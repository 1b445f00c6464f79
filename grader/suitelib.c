/* suitelib.c: the helpers of suite.h that are not expectations: a
 * program's life, runs that work together, the grader's own objects. */
#define _GNU_SOURCE
#include "suite.h"
#include "sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define POLL_INTERVAL   5000        /* microseconds between looks at a program */
#define GROUP_INTERVAL  50000       /* ... at a group */
#define MAX_PROCESSES   256         /* of one run, looked at by run_asleep_in() */

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

/* ---- a program's life ---- */

void
run_start_ready(struct run *r, const char *ready, double secs, const char *what)
{
    run_start(r);
    if (run_wait_output(r, ready, secs))
        return;
    if (!run_ended(r)) {
        run_halt(r);
        r->res.timed_out = true;
        r->req.timeout = secs;
        test_fail(r, "`%s` did not print \"%s\" within %.0f s: %s", r->req.prog, ready, secs,
                  what);
    }
    run_wait(r);
    if (r->req.reference)
        test_error("The reference %s did not start as expected (exit status %d).",
                   r->req.prog, r->res.exit_code);
    expect_success(r);
    test_fail(r, "`%s` exited without printing \"%s\": %s", r->req.prog, ready, what);
}

void
run_stop_with(struct run *r, int sig)
{
    run_signal(r, sig);
    run_wait(r);
}

void
run_all(struct run *runs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        run_start(&runs[i]);
    for (size_t i = 0; i < n; i++)
        run_wait(&runs[i]);
}

size_t
run_processes(const struct run *r, pid_t *out, size_t max)
{
    size_t n = 0, next = 0;
    pid_t init = run_init_pid(r);

    if (init <= 0)
        return 0;
    n = diagnose_children(init, out, max);
    while (next < n && n < max)
        n += diagnose_children(out[next++], out + n, max - n);
    return n;
}

double
run_cpu_seconds(const struct run *r)
{
    pid_t pids[MAX_PROCESSES];
    size_t n = run_processes(r, pids, MAX_PROCESSES);
    double total = 0;

    for (size_t i = 0; i < n; i++) {
        double one = diagnose_cpu_seconds(pids[i]);

        total += one > 0 ? one : 0;     /* -1: gone since */
    }
    return total;
}

size_t
run_each_fd(const struct run *r, bool (*visit)(pid_t pid, int fd, const char *path, void *ctx),
            void *ctx)
{
    pid_t pids[MAX_PROCESSES];
    size_t yes = 0, np = run_processes(r, pids, MAX_PROCESSES);

    for (size_t i = 0; i < np; i++) {
        char dir[64];
        DIR *d;
        struct dirent *de;

        snprintf(dir, sizeof dir, "/proc/%d/fd", (int)pids[i]);
        if ((d = opendir(dir)) == NULL)
            continue;           /* gone since */
        while ((de = readdir(d)) != NULL) {
            char path[sizeof dir + sizeof de->d_name];

            if (de->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
            if (visit(pids[i], (int)strtol(de->d_name, NULL, 10), path, ctx))
                yes++;
        }
        closedir(d);
    }
    return yes;
}

bool
fd_opens(const char *path, const struct stat *st)
{
    struct stat its;

    return stat(path, &its) == 0 && its.st_dev == st->st_dev && its.st_ino == st->st_ino;
}

static bool
in_list(long nr, const long *calls)
{
    for (size_t i = 0; calls[i] != -1; i++)
        if (calls[i] == nr)
            return true;
    return false;
}

/* Ask look() about every thread of every process of r, with the system
 * call the thread sleeps in (-1: it is not asleep), until one answer is
 * no. A process that has just exited (its task folder is gone) is passed
 * over when gone_ok, else it is a no. False on a no, or when r has no
 * process at all. */
static bool
every_thread(const struct run *r, bool gone_ok, bool (*look)(long nr, void *ctx), void *ctx)
{
    pid_t procs[MAX_PROCESSES];
    size_t n = run_processes(r, procs, MAX_PROCESSES);

    if (n == 0 && !gone_ok)
        return false;
    for (size_t i = 0; i < n; i++) {
        char path[64];
        DIR *d;
        struct dirent *e;
        bool yes = true;

        snprintf(path, sizeof path, "/proc/%d/task", (int)procs[i]);
        if ((d = opendir(path)) == NULL) {
            if (gone_ok)
                continue;
            return false;
        }
        while (yes && (e = readdir(d)) != NULL) {
            pid_t tid = (pid_t)atoi(e->d_name);

            if (tid > 0)
                yes = look(diagnose_asleep_in(tid, NULL), ctx);
        }
        closedir(d);
        if (!yes)
            return false;
    }
    return true;
}

struct asleep {
    const long *calls;
    int in_calls;
};

/* In one of the calls, or waiting for its own children. */
static bool
asleep_in_calls(long nr, void *ctx)
{
    struct asleep *a = ctx;

    if (in_list(nr, a->calls)) {
        a->in_calls++;
        return true;
    }
    return nr == SYS_waitid || nr == SYS_wait4;
}

bool
run_asleep_in(const struct run *r, const long *calls)
{
    struct asleep a = { calls, 0 };

    return every_thread(r, true, asleep_in_calls, &a) && a.in_calls > 0;
}

bool
run_wait_asleep_in(const struct run *r, long nr, unsigned long args[6], double timeout)
{
    double deadline = now_seconds() + timeout;

    for (;;) {
        pid_t procs[MAX_PROCESSES];
        size_t n = run_processes(r, procs, MAX_PROCESSES);

        for (size_t i = 0; i < n; i++)
            if (diagnose_asleep_in(procs[i], args) == nr) {
                test_recipe(RECIPE_READY, 0, NULL);
                return true;
            }
        if (!run_alive(r) || now_seconds() > deadline)
            return false;
        usleep(POLL_INTERVAL);
    }
}

void
run_where(const struct run *r, struct strbuf *sb)
{
    size_t before = sb->len;

    run_describe_stuck(r, sb);
    if (sb->len == before)
        sb_adds(sb, "gone");
    else if (sb->buf[sb->len - 1] == '\n')
        sb->buf[--sb->len] = '\0';
}

int
run_descriptor_limit(const struct run *r, int otherwise)
{
    char file[64], *text, *line;
    long soft = otherwise;

    snprintf(file, sizeof file, "/proc/%d/limits", (int)r->res.pid);
    text = read_file_tail(file, 8192, NULL, NULL);
    line = text ? strstr(text, "Max open files") : NULL;
    if (line == NULL || sscanf(line + strlen("Max open files"), "%ld", &soft) != 1)
        soft = otherwise;
    free(text);
    return soft > 0 && soft < 4000 ? (int)soft : otherwise;
}

/* ---- runs that work together ---- */

size_t
group_wait(struct run **runs, size_t n, const struct group_watch *w,
           const char **state_then)
{
    struct strbuf last = { 0 }, now = { 0 };
    double quiet = w->quiet > 0 ? w->quiet : 1, still_since = -1;
    size_t stopped = 0;
    bool deadlock = false;

    for (;;) {
        bool all_asleep = true, any_alive = false, any_late = false;

        for (size_t i = 0; i < n; i++) {
            if (run_ended(runs[i]))
                continue;
            any_alive = true;
            if (!run_asleep_in(runs[i], w->asleep_in))
                all_asleep = false;
            if (now_seconds() > runs[i]->res.started + runs[i]->req.timeout)
                any_late = true;
        }
        if (!any_alive || any_late)
            break;
        sb_free(&now);
        if (all_asleep && w->state)
            w->state(w->ctx, &now);
        if (!all_asleep) {
            still_since = -1;
        } else if (still_since < 0 || strcmp(sb_str(&now), sb_str(&last)) != 0) {
            still_since = now_seconds();
        } else if (now_seconds() - still_since >= quiet) {
            deadlock = true;
            break;
        }
        sb_free(&last);
        last = now;
        now = (struct strbuf){ 0 };
        usleep(GROUP_INTERVAL);
    }
    if (state_then)
        *state_then = test_own(sb_take(&last));
    sb_free(&last);
    sb_free(&now);
    /* Describe every stuck run before stopping any. */
    for (size_t i = 0; i < n && deadlock; i++) {
        if (!run_ended(runs[i])) {
            struct strbuf where = { 0 };

            run_describe_stuck(runs[i], &where);
            runs[i]->res.blocked = test_own(sb_take(&where));
            runs[i]->res.timed_out = true;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (runs[i]->res.timed_out && runs[i]->res.blocked) {
            char *where = runs[i]->res.blocked;

            run_stop(runs[i]);
            runs[i]->res.blocked = where;
            runs[i]->res.timed_out = true;
            runs[i]->res.stopped = false;
            runs[i]->req.timeout = runs[i]->res.elapsed;
            stopped++;
        } else {
            run_wait(runs[i]);
        }
    }
    return stopped;
}

/* ---- objects the grader makes for a test ---- */

/* A line of the recipe for an object the grader made: a shell cannot make
 * one with a chosen key, so the recipe says what to make with a program. */
static void
note_grader_object(const char *desc, key_t key, int mode)
{
    test_recipe(RECIPE_LINE, 0, test_strf("# here the grader made %s with key 0x%08x, mode %03o "
                                          "(your own program can make it the same way)",
                                          desc, (unsigned)key, mode & 0777));
}

int
grader_segment(key_t key, size_t size, int mode)
{
    int id = shmget(key, size, IPC_CREAT | IPC_EXCL | mode);

    if (id == -1)
        test_error("The grader could not make its segment: %s", strerror(errno));
    note_grader_object(test_strf("a %zu-byte segment", size), key, mode);
    return id;
}

int
grader_queue(key_t key, int mode)
{
    int id = msgget(key, IPC_CREAT | IPC_EXCL | mode);

    if (id == -1)
        test_error("The grader could not make its queue: %s", strerror(errno));
    note_grader_object("a queue", key, mode);
    return id;
}

int
grader_semset(key_t key, int nsems, int mode)
{
    int id = semget(key, nsems, IPC_CREAT | IPC_EXCL | mode);

    if (id == -1)
        test_error("The grader could not make its semaphore set: %s", strerror(errno));
    note_grader_object(test_strf("a set of %d semaphores", nsems), key, mode);
    return id;
}

void *
grader_attach(int shmid, bool read_only)
{
    void *p = shmat(shmid, NULL, read_only ? SHM_RDONLY : 0);

    if (p == (void *)-1)
        test_error("The grader could not attach segment %d: %s", shmid, strerror(errno));
    return p;
}

void
grader_remove(enum ipc_kind kind, int id)
{
    struct shmid_ds shm;
    struct msqid_ds msg;
    struct semid_ds sem;
    union { int val; struct semid_ds *buf; } arg = { .buf = &sem };
    key_t key = kind == IPC_KIND_SHM ? (shmctl(id, IPC_STAT, &shm) == 0 ? shm.shm_perm.__key : 0)
              : kind == IPC_KIND_MSG ? (msgctl(id, IPC_STAT, &msg) == 0 ? msg.msg_perm.__key : 0)
              : (semctl(id, 0, IPC_STAT, arg) == 0 ? sem.sem_perm.__key : 0);
    int rc = ipc_remove(kind, id);

    if (rc == -1)
        test_error("The grader could not remove %s %d: %s", ipc_kind_name(kind), id,
                   strerror(errno));
    /* The recipe removes it too, or what follows would meet it. */
    if (key != IPC_PRIVATE)
        test_recipe(RECIPE_LINE, 0, test_strf("ipcrm -%c 0x%08x", kind == IPC_KIND_SHM ? 'M'
                                              : kind == IPC_KIND_MSG ? 'Q' : 'S',
                                              (unsigned)key));
}

/* ---- semaphores ---- */

int
sem_value(int semid, int sem)
{
    int v = semctl(semid, sem, GETVAL);

    if (v == -1)
        test_error("The grader could not read semaphore %d (GETVAL): %s", sem,
                   strerror(errno));
    return v;
}

void
sem_values(int semid, unsigned short *vals)
{
    union semun arg = { .array = vals };

    if (semctl(semid, 0, GETALL, arg) == -1)
        test_error("The grader could not read the semaphores (GETALL): %s", strerror(errno));
}

int
sem_waiting(int semid, int sem, bool for_zero)
{
    int n = semctl(semid, sem, for_zero ? GETZCNT : GETNCNT);

    if (n == -1)
        test_error("The grader could not read %s: %s", for_zero ? "GETZCNT" : "GETNCNT",
                   strerror(errno));
    return n;
}

bool
grader_semop(int semid, int sem, int op, int flags)
{
    struct sembuf sop = { (unsigned short)sem, (short)op, (short)(flags | IPC_NOWAIT) };

    if (semop(semid, &sop, 1) == 0)
        return true;
    if (errno != EAGAIN)
        test_error("The grader's semop() failed: %s", strerror(errno));
    return false;
}

/* ---- keys ---- */

void
expect_key_errors(struct run *missing, const char *command, struct run *nomem,
                  const char *object)
{
    scratch_file("keyfile", "x\n");
    expect_ftok_missing(missing, command, object);
    nomem->req.fault = "strdup:ENOMEM";
    run_program(nomem);
    expect_error_exit(nomem, "When strdup() fails (out of memory)");
    expect_stderr_has(nomem, "Cannot allocate memory", "strdup() returns NULL when "
                      "memory runs out: check it and report it with err_exit(\"strdup\").");
}

void
expect_ftok_missing(struct run *missing, const char *command, const char *object)
{
    struct ipc_set before;

    snapshot(&before);
    run_program(missing);
    expect_finished(missing);
    expect_no_new_objects(&before, missing, test_strf("When ftok() failed there is no key "
                                                      "to create %s with, but after `%s`",
                                                      object, command));
    expect_error_exit(missing, "When ftok() fails (the file of PATH:PROJ_ID is missing)");
    expect_stderr_has(missing, "ftok", "Check ftok()'s result: -1 is not a key. Say "
                      "which call failed: err_exit(\"ftok(%s)\", path).");
    expect_stderr_has(missing, "No such file or directory", "ftok() fails with ENOENT "
                      "when the file is missing; err_exit() prints its meaning.");
}

/* ---- the test's namespace ---- */

bool
set_ipc_limit(const char *name, const char *value)
{
    if (sandbox_mode == SANDBOX_CONTAINER)
        return false;
    test_recipe(RECIPE_LINE, 0, test_strf("echo '%s' > /proc/sys/kernel/%s", value, name));
    if (sandbox_set_ipc_limit(name, value) == -1)
        test_error("The grader could not set its namespace's %s to %s: %s", name, value,
                   strerror(errno));
    return true;
}

unsigned long
kernel_limit(const char *name)
{
    char path[64], *text;
    unsigned long v;

    snprintf(path, sizeof path, "/proc/sys/kernel/%s", name);
    text = read_file_tail(path, 64, NULL, NULL);
    if (text == NULL)
        test_error("The grader could not read %s: %s", path, strerror(errno));
    v = strtoul(text, NULL, 10);
    free(text);
    return v;
}

unsigned long
ipc_limit(const char *name, unsigned long value)
{
    return set_ipc_limit(name, test_strf("%lu", value)) ? value : kernel_limit(name);
}

const char *
no_room_fault(const char *name, const char *value, const char *call)
{
    if (set_ipc_limit(name, value))
        return NULL;
    feedback('D', test_strf("(ENOSPC was injected into %s(): in container mode the grader "
                            "cannot lower the machine's %s)", call, name));
    return test_strf("%s:ENOSPC", call);
}

void
no_room_for(struct run *r, const char *name, const char *value, const char *call)
{
    const char *fault = no_room_fault(name, value, call);

    if (fault)
        r->req.fault = fault;
}

unsigned long
grader_pid_seen(pid_t pid)
{
    return sandbox_mode == SANDBOX_FULL ? 0 : (unsigned long)pid;
}

const char *
grader_pid_words(void)
{
    return sandbox_mode == SANDBOX_FULL
        ? "The grader runs your program in a PID namespace of its own, where the grader's "
          "processes have no pid: there IPC_STAT reports 0."
        : "The grader's processes made those calls, and IPC_STAT reports their pids.";
}

unsigned long
run_init_seen(pid_t pid)
{
    return sandbox_mode == SANDBOX_FULL ? 1 : (unsigned long)pid;
}

const char *
run_init_words(void)
{
    return sandbox_mode == SANDBOX_FULL
        ? "The grader starts your program from the first process of its PID namespace "
          "(pid 1 there), which made that call just before."
        : "The grader starts your program from a process of its own, which made that "
          "call just before.";
}

void
need_namespace_alone(enum ipc_kind kind)
{
    size_t n = sandbox_mode == SANDBOX_CONTAINER ? ipc_count(&g_sandbox.foreign, kind) : 0;

    if (n > 0)
        test_error("The grader cannot run this test here: it counts every %s of the IPC "
                   "namespace, and in container mode that is the machine's, which holds %zu "
                   "the test did not make. Remove them (ipcs, ipcrm) or grade on a machine "
                   "where the grader can make namespaces.", ipc_kind_name(kind), n);
}

void
wait_next_second(void)
{
    time_t t0 = time(NULL);

    while (time(NULL) == t0)
        usleep(20000);
}

/* ---- processes waiting on semaphores ---- */

const long semop_calls[] = { SYS_semtimedop, SYS_semop, -1 };

void
sem_explain(const char *text, const char *const *why, int nsems, struct strbuf *sb)
{
    char pattern[64];

    for (const char *p = text; *p;) {
        bool done = false;

        for (int i = 0; i < nsems && !done; i++) {
            size_t len = (size_t)snprintf(pattern, sizeof pattern,
                                          "semaphore %d (its value is too low)", i);

            if (strncmp(p, pattern, len) == 0) {
                sb_adds(sb, why[i]);
                p += len;
                done = true;
            }
        }
        if (!done)
            sb_add(sb, p++, 1);
    }
}

/* ---- a server the tests talk to, and its clients ---- */

#define LOOK_INTERVAL   10          /* milliseconds between looks (run_watch()) */
#define IDLE_LOOKS      20          /* looks in a row that must find it idle */
#define SERVER_WAIT     5.0         /* seconds for what takes a server milliseconds */
#define SERVER_VG_WAIT  30.0        /* the same under Valgrind */
#define SERVER_DEADLINE 60.0        /* a server's own deadline: the test stops it first */
#define SERVER_END_WAIT 2.0         /* for a server told to go when the test is done */
#define EXITING_WAIT    0.2         /* for a program that may be exiting */

static double
server_wait(const struct run *srv)
{
    return srv->req.valgrind ? SERVER_VG_WAIT : SERVER_WAIT;
}

/* Asleep, and not in a sleep that ends by itself: a program in one is
 * still busy. */
static bool
waiting_for_something(long nr, void *unused)
{
    (void)unused;
    return nr >= 0 && nr != SYS_nanosleep && nr != SYS_clock_nanosleep;
}

bool
run_idle(const struct run *r)
{
    return every_thread(r, false, waiting_for_something, NULL);
}

bool
run_wait_exit(struct run *r, double timeout)
{
    double deadline = now_seconds() + timeout;

    while (!run_ended(r) && now_seconds() < deadline)
        usleep(LOOK_INTERVAL * 1000);
    if (!run_ended(r))
        return false;
    run_wait(r);
    return true;
}

enum watch_end
run_watch(const struct run *r, const struct watch *w, double timeout)
{
    double deadline = now_seconds() + timeout;
    int idle = 0;

    for (;;) {
        /* Alive before done(): what it did just before exiting counts. */
        bool alive = run_alive(r);

        if (w->done && w->done(w->ctx))
            return WATCH_DONE;
        if (!alive)
            return WATCH_EXITED;
        if (now_seconds() > deadline)
            return WATCH_LATE;
        if (w->wake_fd > 0) {
            struct pollfd p = { w->wake_fd, POLLIN, 0 };

            if (poll(&p, 1, LOOK_INTERVAL) == 1) {
                idle = 0;       /* something came: look at it first */
                continue;
            }
        } else {
            usleep(LOOK_INTERVAL * 1000);
        }
        idle = w->idle && w->idle(w->ctx) ? idle + 1 : 0;
        if (idle >= IDLE_LOOKS)
            return w->done && w->done(w->ctx) ? WATCH_DONE : WATCH_IDLE;
    }
}

void
run_halt_words(struct run *r, struct strbuf *sb)
{
    if (run_init_pid(r) > 0 && !run_wait_exit(r, EXITING_WAIT)) {
        struct strbuf where = { 0 };

        run_where(r, &where);
        run_halt(r);
        sb_addf(sb, "`%s` was still running; the grader stopped it. It was:\n", r->req.prog);
        sb_indent(sb, sb_str(&where), "  ");
        sb_free(&where);
    } else if (r->res.timed_out) {
        sb_addf(sb, "`%s` did not finish within %.0f s; the grader stopped it.%s\n",
                r->req.prog, r->req.timeout, r->res.blocked ? " It was:" : "");
        if (r->res.blocked)
            sb_indent(sb, r->res.blocked, "  ");
    } else if (r->res.stopped) {
        sb_addf(sb, "The grader had stopped `%s`.\n", r->req.prog);
    } else if (run_limit_words(r)) {
        sb_addf(sb, "`%s` %s.\n", r->req.prog, run_limit_words(r));
    } else if (r->res.term_signal) {
        sb_addf(sb, "`%s` was killed by signal %d (%s).\n", r->req.prog, r->res.term_signal,
                strsignal(r->res.term_signal));
    } else {
        sb_addf(sb, "`%s` has exited (status %d).\n", r->req.prog, r->res.exit_code);
    }
    if (sb->len > 0 && sb->buf[sb->len - 1] == '\n')
        sb->buf[--sb->len] = '\0';
}

void
run_fail_halt(struct run *r, const char *fmt, ...)
{
    struct strbuf tail = { 0 };
    char *text;
    va_list ap;

    va_start(ap, fmt);
    text = test_own(xvasprintf(fmt, ap));
    va_end(ap);
    run_halt_words(r, &tail);
    test_fail(r, "%s\n%s", text, (char *)test_own(sb_take(&tail)));
}

void
server_start(struct run *srv, const char *ready, const char *line, const char *must)
{
    double secs = server_wait(srv);

    if (srv->req.timeout <= 0)
        srv->req.timeout = srv->req.valgrind ? 2 * SERVER_DEADLINE : SERVER_DEADLINE;
    run_start(srv);
    if (run_wait_output(srv, ready, secs))
        return;
    if (srv->req.reference) {
        run_halt(srv);
        test_error("The reference %s did not print \"%s\" within %.0f s.", srv->req.prog,
                   line, secs);
    }
    if (!run_ended(srv))
        run_fail_halt(srv, "The server never printed \"%s\" within %.0f s; %s.", line, secs,
                      must);
    run_wait(srv);
    expect_finished(srv);
    test_fail(srv, "The server exited before printing \"%s\"; %s.", line, must);
}

void
server_end(struct run *srv, int sig)
{
    if (!run_ended(srv))
        run_signal(srv, sig);
    if (!run_wait_exit(srv, SERVER_END_WAIT))
        run_stop(srv);
}

static bool
idle_run(void *r)
{
    return run_idle(r);
}

void
server_stop(struct run *srv, int sig, const char *went_on)
{
    struct watch settled = { .idle = idle_run, .ctx = srv };

    /* Whatever this finds, the signal is what the test is about. */
    if (run_watch(srv, &settled, server_wait(srv)) != WATCH_EXITED)
        run_signal(srv, sig);
    if (!run_wait_exit(srv, server_wait(srv)))
        run_fail_halt(srv, "%s", went_on);
    expect_success(srv);
}
