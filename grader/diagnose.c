/* diagnose.c: see diagnose.h. Syscall numbers are x86_64's; glibc's semop()
 * is the semtimedop system call (220) with a NULL timeout. */
#define _GNU_SOURCE
#include "diagnose.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* What descriptor fd of pid is: "a pipe", "a socket", or its path. */
static void
describe_fd(pid_t pid, long fd, struct strbuf *sb)
{
    char path[64], target[PATH_MAX];
    ssize_t n;

    snprintf(path, sizeof path, "/proc/%d/fd/%ld", (int)pid, fd);
    n = pid > 0 ? readlink(path, target, sizeof target - 1) : -1;
    if (n <= 0) {
        sb_addf(sb, "descriptor %ld", fd);
        return;
    }
    target[n] = '\0';
    if (strncmp(target, "pipe:", 5) == 0)
        sb_addf(sb, "descriptor %ld (a pipe)", fd);
    else if (strncmp(target, "socket:", 7) == 0)
        sb_addf(sb, "descriptor %ld (a socket)", fd);
    else
        sb_addf(sb, "descriptor %ld (%s)", fd, target);
}

/* The semaphore operations a process is waiting on, read from its memory. */
static void
describe_sops(pid_t pid, unsigned long addr, unsigned long nsops, struct strbuf *sb)
{
    struct sembuf ops[8];
    struct iovec local = { ops, 0 }, remote = { (void *)addr, 0 };
    size_t n = nsops < ARRAY_LEN(ops) ? nsops : ARRAY_LEN(ops);
    ssize_t got;

    local.iov_len = remote.iov_len = n * sizeof ops[0];
    got = pid > 0 ? process_vm_readv(pid, &local, 1, &remote, 1, 0) : -1;
    if (got != (ssize_t)local.iov_len)
        return;
    for (size_t i = 0; i < n; i++) {
        sb_adds(sb, i ? ", " : ": ");
        if (ops[i].sem_op < 0)
            sb_addf(sb, "waiting to take %d from semaphore %u (its value is too low)",
                    -ops[i].sem_op, ops[i].sem_num);
        else if (ops[i].sem_op == 0)
            sb_addf(sb, "waiting for semaphore %u to become zero", ops[i].sem_num);
        else
            sb_addf(sb, "adding %d to semaphore %u", ops[i].sem_op, ops[i].sem_num);
    }
}

static void
describe_msgrcv(const unsigned long a[6], struct strbuf *sb)
{
    long type = (long)a[3];
    int flags = (int)a[4];

    sb_addf(sb, "blocked in msgrcv() on queue %d ", (int)a[0]);
    if (type == 0)
        sb_adds(sb, "waiting for any message");
    else if (type < 0)
        sb_addf(sb, "waiting for a message of type %ld or lower", -type);
    else if (flags & MSG_EXCEPT)
        sb_addf(sb, "waiting for a message of any type except %ld", type);
    else
        sb_addf(sb, "waiting for a message of type %ld", type);
    sb_adds(sb, " (nobody sent one; use IPC_NOWAIT if you must not wait)");
}

void
diagnose_syscall(pid_t pid, long nr, const unsigned long a[6], struct strbuf *sb)
{
    switch (nr) {
    case SYS_msgrcv:
        describe_msgrcv(a, sb);
        break;
    case SYS_msgsnd:
        sb_addf(sb, "blocked in msgsnd() on queue %d: the queue is full (msg_qbytes "
                    "reached) and nobody reads it", (int)a[0]);
        break;
    case SYS_semop:
    case SYS_semtimedop:
        sb_addf(sb, "blocked in semop() on semaphore set %d", (int)a[0]);
        describe_sops(pid, a[1], a[2], sb);
        break;
    case SYS_accept:
    case SYS_accept4:
        sb_adds(sb, "blocked in accept(): waiting for a client to connect");
        break;
    case SYS_connect:
        sb_adds(sb, "blocked in connect(): waiting for the server to accept");
        break;
    case SYS_read:
    case SYS_recvfrom:
    case SYS_recvmsg:
        sb_addf(sb, "blocked in %s() on ", nr == SYS_read ? "read" : "recv");
        describe_fd(pid, (long)a[0], sb);
        sb_adds(sb, ": waiting for data that never came");
        break;
    case SYS_write:
    case SYS_sendto:
    case SYS_sendmsg:
        sb_addf(sb, "blocked in %s() on ", nr == SYS_write ? "write" : "send");
        describe_fd(pid, (long)a[0], sb);
        sb_adds(sb, ": the reader is not reading");
        break;
    case SYS_wait4:
    case SYS_waitid:
        sb_adds(sb, "waiting in wait()/waitpid() for a child process that does not exit");
        break;
    case SYS_nanosleep:
    case SYS_clock_nanosleep:
        sb_adds(sb, "sleeping in sleep()/nanosleep()");
        break;
    case SYS_pause:
    case SYS_rt_sigsuspend:
        sb_adds(sb, "waiting in pause() for a signal that never came");
        break;
    case SYS_rt_sigtimedwait:
        sb_adds(sb, "waiting in sigwait() for a signal that never came");
        break;
    case SYS_poll:
    case SYS_ppoll:
    case SYS_select:
    case SYS_pselect6:
    case SYS_epoll_wait:
    case SYS_epoll_pwait:
        sb_adds(sb, "waiting in poll()/select() for a descriptor to become ready");
        break;
    case SYS_futex:
        sb_adds(sb, "waiting on a futex (a pthread mutex, condition variable or join)");
        break;
    case SYS_open:
    case SYS_openat:
        sb_adds(sb, "blocked in open(): opening a FIFO that has no other end yet?");
        break;
    default:
        sb_addf(sb, "blocked in system call %ld", nr);
    }
}

void
diagnose_text(pid_t pid, const char *text, char state, struct strbuf *sb)
{
    unsigned long a[6] = { 0 };
    long nr;

    if (state == 'T' || state == 't') {
        sb_adds(sb, "stopped by a signal (SIGSTOP or SIGTSTP) and never continued");
        return;
    }
    if (state == 'Z') {
        sb_adds(sb, "finished, but its parent never collected it with wait() (a zombie)");
        return;
    }
    if (text == NULL || strncmp(text, "running", 7) == 0 || state == 'R') {
        sb_adds(sb, "busy using the CPU, not waiting for anything: an endless loop?");
        return;
    }
    if (sscanf(text, "%ld %lx %lx %lx %lx %lx %lx", &nr, &a[0], &a[1], &a[2], &a[3],
               &a[4], &a[5]) < 1 || nr < 0) {
        sb_adds(sb, "waiting, but not inside a system call");
        return;
    }
    diagnose_syscall(pid, nr, a, sb);
}

char
diagnose_state(pid_t pid)
{
    char path[64], *text, *rparen, state = '?';

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    text = read_file_tail(path, 4096, NULL, NULL);
    if (text && (rparen = strrchr(text, ')')) != NULL && rparen[1] == ' ')
        state = rparen[2];
    free(text);
    return state;
}

int
diagnose_pid(pid_t pid, struct strbuf *sb)
{
    char path[64], *text;
    char state = diagnose_state(pid);

    if (state == '?')
        return -1;
    snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
    text = read_file_tail(path, 4096, NULL, NULL);
    diagnose_text(pid, text, state, sb);
    free(text);
    return 0;
}

/* Children of pid, from /proc/PID/task/TID/children of each thread. */
static size_t
children_of(pid_t pid, pid_t *out, size_t max)
{
    char path[64];
    DIR *d;
    struct dirent *de;
    size_t n = 0;

    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    if ((d = opendir(path)) == NULL)
        return 0;
    while ((de = readdir(d)) != NULL && n < max) {
        char file[320], *text, *p, *end;

        if (de->d_name[0] == '.')
            continue;
        snprintf(file, sizeof file, "/proc/%d/task/%s/children", (int)pid, de->d_name);
        text = read_file_tail(file, 65536, NULL, NULL);
        for (p = text; p && n < max; p = end) {
            long c = strtol(p, &end, 10);

            if (end == p)
                break;
            out[n++] = (pid_t)c;
        }
        free(text);
    }
    closedir(d);
    return n;
}

static void
diagnose_below(pid_t pid, int depth, struct strbuf *sb)
{
    pid_t kids[64];
    size_t n = children_of(pid, kids, ARRAY_LEN(kids));

    for (size_t i = 0; i < n && depth < 16; i++) {
        char comm[64] = "?", path[64], *text;

        snprintf(path, sizeof path, "/proc/%d/comm", (int)kids[i]);
        if ((text = read_file_tail(path, sizeof comm - 1, NULL, NULL)) != NULL) {
            snprintf(comm, sizeof comm, "%.*s", (int)strcspn(text, "\n"), text);
            free(text);
        }
        sb_addf(sb, "%s (pid %d%s) is ", comm, (int)kids[i], depth ? ", a child" : "");
        if (diagnose_pid(kids[i], sb) == -1)
            sb_adds(sb, "gone");
        sb_adds(sb, "\n");
        diagnose_below(kids[i], depth + 1, sb);
    }
}

void
diagnose_tree(pid_t ancestor, struct strbuf *sb)
{
    diagnose_below(ancestor, 0, sb);
}
