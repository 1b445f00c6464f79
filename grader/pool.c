/* pool.c: see pool.h. */
#define _GNU_SOURCE
#include "pool.h"
#include "util.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

void
pool_init(struct pool *p, size_t size, volatile sig_atomic_t *stop)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);

    memset(p, 0, sizeof *p);
    p->size = size > 0 ? size : (size_t)(cores > 0 ? cores : 1);
    if (p->size > POOL_MAX)
        p->size = POOL_MAX;
    p->stop = stop;
}

bool
pool_full(const struct pool *p)
{
    return p->running >= p->size;
}

void
pool_start(struct pool *p, size_t job, double seconds, void (*work)(void *arg), void *arg)
{
    struct pool_worker *w = &p->w[p->running];

    fflush(NULL);                       /* nothing buffered is written twice */
    w->job = job;
    w->started = now_seconds();
    w->deadline = w->started + seconds;
    w->pid = fork();
    if (w->pid == -1)
        die("cannot fork: %s", strerror(errno));
    if (w->pid == 0) {
        setpgid(0, 0);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        work(arg);
        _exit(0);
    }
    setpgid(w->pid, w->pid);            /* both sides: no race with the child */
    w->pidfd = (int)syscall(SYS_pidfd_open, w->pid, 0);
    p->running++;
}

/* Reap worker i, whose group is killed first; drop it from the table. */
static void
finish(struct pool *p, size_t i, int *status)
{
    struct pool_worker *w = &p->w[i];

    kill(-w->pid, SIGKILL);             /* anything the work left running */
    while (waitpid(w->pid, status, 0) == -1 && errno == EINTR)
        ;
    if (w->pidfd >= 0)
        close(w->pidfd);
    p->w[i] = p->w[--p->running];
}

void
pool_kill_all(struct pool *p)
{
    while (p->running > 0) {
        kill(p->w[0].pid, SIGKILL);
        finish(p, 0, NULL);
    }
}

bool
pool_reap(struct pool *p, size_t *job, int *status, double *seconds)
{
    while (p->running > 0) {
        struct pollfd pfd[POOL_MAX];
        double now = now_seconds(), next = now + 1;
        bool all_pidfds = true;

        if (p->stop && *p->stop) {
            pool_kill_all(p);
            return false;
        }
        for (size_t i = 0; i < p->running; i++) {
            struct pool_worker *w = &p->w[i];
            siginfo_t info = { .si_pid = 0 };

            /* Peek first (WNOWAIT): while the worker is a zombie its group
             * id cannot be reused, so killing the group is safe. */
            if (waitid(P_PID, (id_t)w->pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
                info.si_pid == w->pid) {
                *job = w->job;
                *seconds = now - w->started;
                finish(p, i, status);
                return true;
            }
            if (w->deadline < now)
                kill(w->pid, SIGKILL);  /* reaped, with its group, on the next look */
            else if (w->deadline < next)
                next = w->deadline;
            pfd[i] = (struct pollfd){ w->pidfd, POLLIN, 0 };
            all_pidfds = all_pidfds && w->pidfd >= 0;
        }
        if (!all_pidfds && next > now + 0.01)
            next = now + 0.01;
        poll(pfd, p->running, next > now ? (int)((next - now) * 1000) + 1 : 0);
    }
    return false;
}
