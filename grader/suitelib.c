/* suitelib.c: the helpers of suite.h that are not expectations: a
 * program's life, runs that work together, the grader's own objects. */
#define _GNU_SOURCE
#include "suite.h"
#include "sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
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

static bool
in_list(long nr, const long *calls)
{
    for (size_t i = 0; calls[i] != -1; i++)
        if (calls[i] == nr)
            return true;
    return false;
}

bool
run_asleep_in(const struct run *r, const long *calls)
{
    pid_t procs[MAX_PROCESSES];
    size_t n = run_processes(r, procs, MAX_PROCESSES);
    int in_calls = 0;

    for (size_t i = 0; i < n; i++) {
        char path[64];
        DIR *d;
        struct dirent *e;
        bool all = true;

        snprintf(path, sizeof path, "/proc/%d/task", (int)procs[i]);
        if ((d = opendir(path)) == NULL)
            continue;           /* it just exited */
        while (all && (e = readdir(d)) != NULL) {
            pid_t tid = (pid_t)atoi(e->d_name);
            long nr;

            if (tid <= 0)
                continue;
            nr = diagnose_asleep_in(tid, NULL);
            if (in_list(nr, calls))
                in_calls++;
            else if (nr != SYS_waitid && nr != SYS_wait4)
                all = false;
        }
        closedir(d);
        if (!all)
            return false;
    }
    return in_calls > 0;
}

bool
run_wait_asleep_in(const struct run *r, long nr, unsigned long args[6], double timeout)
{
    double deadline = now_seconds() + timeout;

    for (;;) {
        pid_t procs[MAX_PROCESSES];
        size_t n = run_processes(r, procs, MAX_PROCESSES);

        for (size_t i = 0; i < n; i++)
            if (diagnose_asleep_in(procs[i], args) == nr)
                return true;
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

int
grader_segment(key_t key, size_t size, int mode)
{
    int id = shmget(key, size, IPC_CREAT | IPC_EXCL | mode);

    if (id == -1)
        test_error("The grader could not make its segment: %s", strerror(errno));
    return id;
}

int
grader_queue(key_t key, int mode)
{
    int id = msgget(key, IPC_CREAT | IPC_EXCL | mode);

    if (id == -1)
        test_error("The grader could not make its queue: %s", strerror(errno));
    return id;
}

int
grader_semset(key_t key, int nsems, int mode)
{
    int id = semget(key, nsems, IPC_CREAT | IPC_EXCL | mode);

    if (id == -1)
        test_error("The grader could not make its semaphore set: %s", strerror(errno));
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
    int rc = kind == IPC_KIND_SHM ? shmctl(id, IPC_RMID, NULL)
           : kind == IPC_KIND_MSG ? msgctl(id, IPC_RMID, NULL)
           : semctl(id, 0, IPC_RMID);

    if (rc == -1)
        test_error("The grader could not remove %s %d: %s", ipc_kind_name(kind), id,
                   strerror(errno));
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

/* ---- the test's namespace ---- */

void
set_ipc_limit(const char *name, const char *value)
{
    if (sandbox_set_ipc_limit(name, value) == -1)
        test_error("The grader could not set its namespace's %s to %s: %s", name, value,
                   strerror(errno));
}

/* ---- printed fields and the objects' presence (suites shmget, shmctl, msgget,
 * msgctl ---- */

int
expect_printed_id(const struct run *r, const char *label, const char *call)
{
    char meaning[64];
    long id;

    snprintf(meaning, sizeof meaning, "the id %s() returned", call);
    id = expect_field(r, label, meaning);
    if (id < 0)
        test_fail(r, "`%s` printed \"%s %ld\": %s() failed and returned -1, but the program "
                     "went on as if it had worked. Check the result and report the failure "
                     "with err_exit(\"%s\").", r->req.prog, label, id, call, call);
    return (int)id;
}

unsigned long
expect_ufield(const struct run *r, const char *label, int base, const char *meaning)
{
    size_t n = strlen(label);

    /* The lines expect_field() reads: "LABEL VALUE", "LABEL: VALUE", indented or not. */
    for (const char *line = r->res.out ? r->res.out : ""; *line;
         line += strcspn(line, "\n"), line += *line == '\n') {
        const char *p = line + strspn(line, " \t");
        char *end;
        unsigned long v;

        if (strncmp(p, label, n) != 0 || (p[n] != ' ' && p[n] != '\t' && p[n] != ':'))
            continue;
        p += n + strspn(p + n, " \t:");
        errno = 0;
        v = strtoul(p, &end, base);
        if (end == p || *p == '-' || errno != 0 || (*end != '\0' && *end != '\n' &&
                                                    *end != ' '))
            test_fail(r, "The line \"%s ...\" on stdout should hold a number (%s), but it "
                         "reads \"%.*s\".", label, meaning, (int)strcspn(p, "\n"), p);
        return v;
    }
    test_fail(r, "stdout should have a line \"%s N\" (%s), but it has none.", label, meaning);
}

bool
object_exists(enum ipc_kind kind, int id)
{
    struct ipc_set now;

    snapshot(&now);
    return ipc_find_id(&now, kind, id) != NULL;
}
