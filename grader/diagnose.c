/* diagnose.c: see diagnose.h. Syscall numbers are x86_64's; glibc's semop()
 * is the semtimedop system call (220) with a NULL timeout. */
#define _GNU_SOURCE
#include "diagnose.h"

#include <dirent.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/select.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

/* Copy len bytes at addr in pid's memory into buf; false if it cannot. */
static bool
read_memory(pid_t pid, unsigned long addr, void *buf, size_t len)
{
    struct iovec local = { buf, len }, remote = { (void *)addr, len };

    return pid > 0 && addr != 0 && process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)len;
}

/* A Unix socket as its network namespace lists it in /proc/PID/net/unix. */
struct unix_sock {
    unsigned long flags;        /* 0x10000 (__SO_ACCEPTCON): listening */
    unsigned type;              /* 1 SOCK_STREAM, 2 SOCK_DGRAM, 5 SOCK_SEQPACKET */
    char path[sizeof ((struct sockaddr_un *)0)->sun_path + 2];   /* "" unnamed, "@x" abstract */
};

#define UNIX_ACCEPTCON 0x10000

/* Find the Unix socket with this inode among pid's network namespace's;
 * false if there is none (not a Unix socket, or gone). The path is the one
 * given to bind(), so relative when the program bound a relative name. An
 * accepted connection shows its listening socket's path. */
static bool
find_unix_socket(pid_t pid, unsigned long inode, struct unix_sock *us)
{
    char file[64], *text;
    bool found = false;

    snprintf(file, sizeof file, "/proc/%d/net/unix", (int)pid);
    text = pid > 0 ? read_file_tail(file, 1 << 22, NULL, NULL) : NULL;
    for (const char *line = text; line && *line && !found;
         line = strchr(line, '\n'), line += !!line) {
        unsigned long ino;
        unsigned state;
        int end = 0;

        if (sscanf(line, "%*s %*x %*x %lx %x %x %lu%n", &us->flags, &us->type, &state, &ino,
                   &end) < 4 || ino != inode || end == 0)
            continue;
        line += end;
        line += strspn(line, " ");
        snprintf(us->path, sizeof us->path, "%.*s", (int)strcspn(line, "\n"), line);
        found = true;
    }
    free(text);
    return found;
}

/* The socket inode behind descriptor fd of pid, or 0 if it is no socket. */
static unsigned long
socket_inode(pid_t pid, long fd)
{
    char path[64], target[64];
    unsigned long inode = 0;
    ssize_t n;

    snprintf(path, sizeof path, "/proc/%d/fd/%ld", (int)pid, fd);
    n = pid > 0 ? readlink(path, target, sizeof target - 1) : -1;
    if (n <= 0)
        return 0;
    target[n] = '\0';
    if (sscanf(target, "socket:[%lu]", &inode) != 1)
        return 0;
    return inode;
}

/* The path of the listening Unix socket behind fd, into buf; false if fd
 * is not one. */
static bool
listening_socket(pid_t pid, long fd, char *buf, size_t len)
{
    struct unix_sock us;
    unsigned long inode = socket_inode(pid, fd);

    if (inode == 0 || !find_unix_socket(pid, inode, &us) || !(us.flags & UNIX_ACCEPTCON) ||
        us.path[0] == '\0')
        return false;
    snprintf(buf, len, "%s", us.path);
    return true;
}

/* What descriptor fd of pid is: "a pipe", the listening socket or the
 * connection it is, "a socket", or its path. */
static void
describe_fd(pid_t pid, long fd, struct strbuf *sb)
{
    char path[64], target[PATH_MAX];
    unsigned long inode;
    struct unix_sock us;
    ssize_t n;

    snprintf(path, sizeof path, "/proc/%d/fd/%ld", (int)pid, fd);
    n = pid > 0 ? readlink(path, target, sizeof target - 1) : -1;
    if (n <= 0) {
        sb_addf(sb, "descriptor %ld", fd);
        return;
    }
    target[n] = '\0';
    if (strncmp(target, "pipe:", 5) == 0) {
        sb_addf(sb, "descriptor %ld (a pipe)", fd);
    } else if (sscanf(target, "socket:[%lu]", &inode) == 1 &&
               find_unix_socket(pid, inode, &us)) {
        if (us.flags & UNIX_ACCEPTCON)
            sb_addf(sb, "descriptor %ld (the listening socket %s)", fd, us.path);
        else if (us.path[0] && us.type == 1)
            sb_addf(sb, "descriptor %ld (a client's connection, accepted on socket %s)", fd,
                    us.path);
        else if (us.path[0])
            sb_addf(sb, "descriptor %ld (the socket %s)", fd, us.path);
        else
            sb_addf(sb, "descriptor %ld (an unnamed Unix socket: the client's end of a "
                        "connection, or one end of a socketpair)", fd);
    } else if (strncmp(target, "socket:", 7) == 0) {
        sb_addf(sb, "descriptor %ld (a socket)", fd);
    } else {
        sb_addf(sb, "descriptor %ld (%s)", fd, target);
    }
}

/* The descriptors a process waits on in poll(), select() or epoll_wait(),
 * one after another: "descriptor 3 (...), descriptor 5 (...)". At most
 * DESCRIBE_MAX, then how many more. */
#define DESCRIBE_MAX 8

static void
describe_fd_list(pid_t pid, const long *fds, size_t n, struct strbuf *sb)
{
    for (size_t i = 0; i < n && i < DESCRIBE_MAX; i++) {
        sb_adds(sb, i ? ", " : "");
        describe_fd(pid, fds[i], sb);
    }
    if (n > DESCRIBE_MAX)
        sb_addf(sb, " and %zu more", n - DESCRIBE_MAX);
}

/* poll() and ppoll(): the pollfd array, read from the process's memory.
 * False if it cannot be read. */
static bool
describe_poll(pid_t pid, const char *call, unsigned long addr, unsigned long nfds,
              struct strbuf *sb)
{
    struct pollfd pfd[64];
    long fds[64];
    size_t n = 0, want = nfds < 64 ? nfds : 64;

    if (nfds == 0) {
        sb_addf(sb, "waiting in %s() on no descriptor at all: a sleep that never ends", call);
        return true;
    }
    if (!read_memory(pid, addr, pfd, want * sizeof pfd[0]))
        return false;
    for (size_t i = 0; i < want; i++)
        if (pfd[i].fd >= 0)
            fds[n++] = pfd[i].fd;
    sb_addf(sb, "waiting in %s() for %zu descriptor%s: ", call, n, n == 1 ? "" : "s");
    describe_fd_list(pid, fds, n, sb);
    if (nfds > want)
        sb_addf(sb, " (and %lu more entries)", nfds - want);
    sb_adds(sb, "; none is ready");
    return true;
}

/* select() and pselect6(): the descriptors of its read set. */
static bool
describe_select(pid_t pid, const char *call, unsigned long nfds, unsigned long readfds,
                struct strbuf *sb)
{
    fd_set set;
    long fds[FD_SETSIZE];
    size_t n = 0;

    if (readfds == 0 || nfds > FD_SETSIZE || !read_memory(pid, readfds, &set, sizeof set))
        return false;
    for (unsigned long fd = 0; fd < nfds; fd++)
        if (FD_ISSET((int)fd, &set))
            fds[n++] = (long)fd;
    sb_addf(sb, "waiting in %s() for %zu descriptor%s to become readable: ", call, n,
            n == 1 ? "" : "s");
    describe_fd_list(pid, fds, n, sb);
    return true;
}

/* epoll_wait() and epoll_pwait(): the epoll instance's descriptors, from
 * its "tfd:" lines in /proc/PID/fdinfo/EPFD. */
static bool
describe_epoll(pid_t pid, const char *call, long epfd, struct strbuf *sb)
{
    char file[64], *text;
    long fds[64];
    size_t n = 0, more = 0;

    snprintf(file, sizeof file, "/proc/%d/fdinfo/%ld", (int)pid, epfd);
    if ((text = read_file_tail(file, 1 << 20, NULL, NULL)) == NULL)
        return false;
    for (const char *line = text; line && *line; line = strchr(line, '\n'), line += !!line) {
        long fd;

        if (sscanf(line, "tfd: %ld", &fd) == 1) {
            if (n < ARRAY_LEN(fds))
                fds[n++] = fd;
            else
                more++;
        }
    }
    free(text);
    sb_addf(sb, "waiting in %s() for %zu descriptor%s: ", call, n + more,
            n + more == 1 ? "" : "s");
    describe_fd_list(pid, fds, n, sb);
    return true;
}

/* accept(): on which socket, when /proc tells. */
static void
describe_accept(pid_t pid, long fd, struct strbuf *sb)
{
    char path[sizeof ((struct unix_sock *)0)->path];

    if (listening_socket(pid, fd, path, sizeof path))
        sb_addf(sb, "blocked in accept() on socket %s: waiting for a client to connect", path);
    else
        sb_addf(sb, "blocked in accept() on descriptor %ld: waiting for a client to connect",
                fd);
}

/* connect(): the address it is connecting to, read from its memory. */
static void
describe_connect(pid_t pid, unsigned long addr, unsigned long len, struct strbuf *sb)
{
    struct sockaddr_un sun;
    size_t n = len < sizeof sun ? len : sizeof sun;

    memset(&sun, 0, sizeof sun);
    if (n > offsetof(struct sockaddr_un, sun_path) && read_memory(pid, addr, &sun, n) &&
        sun.sun_family == AF_UNIX) {
        size_t plen = n - offsetof(struct sockaddr_un, sun_path);
        bool abstract = sun.sun_path[0] == '\0';

        sb_addf(sb, "blocked in connect() to socket %s%.*s: the server does not accept() "
                    "its connections and its backlog is full", abstract ? "@" : "",
                (int)strnlen(sun.sun_path + abstract, plen - abstract),
                sun.sun_path + abstract);
        return;
    }
    sb_adds(sb, "blocked in connect(): waiting for the server to accept");
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
        describe_accept(pid, (long)a[0], sb);
        break;
    case SYS_connect:
        describe_connect(pid, a[1], a[2], sb);
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
        if (!describe_poll(pid, nr == SYS_poll ? "poll" : "ppoll", a[0], a[1], sb))
            sb_adds(sb, "waiting in poll() for a descriptor to become ready");
        break;
    case SYS_select:
    case SYS_pselect6:        /* glibc 2.36's select() is pselect6 */
        if (!describe_select(pid, "select", a[0], a[1], sb))
            sb_adds(sb, "waiting in select() for a descriptor to become ready");
        break;
    case SYS_epoll_wait:
    case SYS_epoll_pwait:
    case SYS_epoll_pwait2:
        if (!describe_epoll(pid, nr == SYS_epoll_wait ? "epoll_wait" : "epoll_pwait",
                            (long)a[0], sb))
            sb_adds(sb, "waiting in epoll_wait() for a descriptor to become ready");
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

long
diagnose_asleep_in(pid_t pid, unsigned long args[6])
{
    char path[64], *text;
    unsigned long a[6] = { 0 };
    long nr = -1;

    snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
    text = read_file_tail(path, 512, NULL, NULL);
    if (text)
        sscanf(text, "%ld %lx %lx %lx %lx %lx %lx", &nr, &a[0], &a[1], &a[2], &a[3], &a[4],
               &a[5]);
    free(text);
    if (nr < 0 || diagnose_state(pid) != 'S')
        return -1;
    if (args)
        memcpy(args, a, sizeof a);
    return nr;
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

size_t
diagnose_children(pid_t pid, pid_t *out, size_t max)
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
    size_t n = diagnose_children(pid, kids, ARRAY_LEN(kids));

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

bool
diagnose_unix_fd(pid_t pid, long fd, char *path, size_t len, bool *listening)
{
    struct unix_sock us;
    unsigned long inode = socket_inode(pid, fd);

    if (inode == 0 || !find_unix_socket(pid, inode, &us))
        return false;
    snprintf(path, len, "%s", us.path);
    *listening = (us.flags & UNIX_ACCEPTCON) != 0;
    return true;
}
