/* diagnose.c: see diagnose.h.
 *
 * /proc/PID/syscall gives a system call's number, and the numbers are the
 * kernel's own, different on every architecture: msgrcv is 70 on x86_64
 * and 188 on aarch64. So the calls the grader describes are in a table per
 * architecture (below), and the table is chosen by the numbering the
 * kernel actually uses (diagnose_arch()), which is the grader's own but
 * under an emulator such as qemu-user. Where glibc makes a call with
 * another system call than its name (semop() is semtimedop with no time
 * limit; on aarch64, which has no pause, poll, select or epoll_wait system
 * calls, pause() is ppoll(NULL, 0, NULL, NULL), poll() is ppoll, and so
 * on), the table says what the student wrote, so that the words are the
 * same on every architecture. */
#define _GNU_SOURCE
#include "diagnose.h"

#include <dirent.h>
#include <fcntl.h>
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
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

/* What the grader says about a system call: one kind per description. */
enum call {
    CALL_MSGRCV = 1, CALL_MSGSND, CALL_SEMOP, CALL_ACCEPT, CALL_CONNECT, CALL_READ,
    CALL_WRITE, CALL_WAIT, CALL_SLEEP, CALL_PAUSE, CALL_SIGWAIT, CALL_POLL, CALL_SELECT,
    CALL_EPOLL, CALL_FUTEX, CALL_OPEN,
};

struct syscall_def {
    long nr;
    const char *name;           /* the kernel's (SYS_name) */
    enum call call;
    const char *said;           /* the call a program makes it with, as the words say it */
};

/* x86_64: arch/x86/entry/syscalls/syscall_64.tbl. glibc 2.36 makes select()
 * with pselect6 and open() with openat; the others are themselves. */
static const struct syscall_def x86_64_calls[] = {
    { 0, "read", CALL_READ, "read" },
    { 1, "write", CALL_WRITE, "write" },
    { 2, "open", CALL_OPEN, "open" },
    { 7, "poll", CALL_POLL, "poll" },
    { 23, "select", CALL_SELECT, "select" },
    { 34, "pause", CALL_PAUSE, "pause" },
    { 35, "nanosleep", CALL_SLEEP, "nanosleep" },
    { 42, "connect", CALL_CONNECT, "connect" },
    { 43, "accept", CALL_ACCEPT, "accept" },
    { 44, "sendto", CALL_WRITE, "send" },
    { 45, "recvfrom", CALL_READ, "recv" },
    { 46, "sendmsg", CALL_WRITE, "send" },
    { 47, "recvmsg", CALL_READ, "recv" },
    { 61, "wait4", CALL_WAIT, "waitpid" },
    { 65, "semop", CALL_SEMOP, "semop" },
    { 69, "msgsnd", CALL_MSGSND, "msgsnd" },
    { 70, "msgrcv", CALL_MSGRCV, "msgrcv" },
    { 128, "rt_sigtimedwait", CALL_SIGWAIT, "sigwait" },
    { 130, "rt_sigsuspend", CALL_PAUSE, "sigsuspend" },
    { 202, "futex", CALL_FUTEX, "futex" },
    { 220, "semtimedop", CALL_SEMOP, "semop" },
    { 230, "clock_nanosleep", CALL_SLEEP, "nanosleep" },
    { 232, "epoll_wait", CALL_EPOLL, "epoll_wait" },
    { 247, "waitid", CALL_WAIT, "waitid" },
    { 257, "openat", CALL_OPEN, "open" },
    { 270, "pselect6", CALL_SELECT, "select" },
    { 271, "ppoll", CALL_POLL, "ppoll" },
    { 281, "epoll_pwait", CALL_EPOLL, "epoll_pwait" },
    { 288, "accept4", CALL_ACCEPT, "accept" },
    { 441, "epoll_pwait2", CALL_EPOLL, "epoll_pwait" },
};

/* aarch64: include/uapi/asm-generic/unistd.h, the kernel's generic table
 * (riscv64 and loongarch64 number these calls the same). It has no open,
 * poll, select, pause or epoll_wait: glibc makes open() with openat,
 * poll() with ppoll, select() with pselect6, epoll_wait() with
 * epoll_pwait, and pause() with ppoll(NULL, 0, NULL, NULL) (describe()
 * tells that one from a poll). */
static const struct syscall_def aarch64_calls[] = {
    { 22, "epoll_pwait", CALL_EPOLL, "epoll_wait" },
    { 56, "openat", CALL_OPEN, "open" },
    { 63, "read", CALL_READ, "read" },
    { 64, "write", CALL_WRITE, "write" },
    { 72, "pselect6", CALL_SELECT, "select" },
    { 73, "ppoll", CALL_POLL, "poll" },
    { 95, "waitid", CALL_WAIT, "waitid" },
    { 98, "futex", CALL_FUTEX, "futex" },
    { 101, "nanosleep", CALL_SLEEP, "nanosleep" },
    { 115, "clock_nanosleep", CALL_SLEEP, "nanosleep" },
    { 133, "rt_sigsuspend", CALL_PAUSE, "sigsuspend" },
    { 137, "rt_sigtimedwait", CALL_SIGWAIT, "sigwait" },
    { 188, "msgrcv", CALL_MSGRCV, "msgrcv" },
    { 189, "msgsnd", CALL_MSGSND, "msgsnd" },
    { 192, "semtimedop", CALL_SEMOP, "semop" },
    { 193, "semop", CALL_SEMOP, "semop" },
    { 202, "accept", CALL_ACCEPT, "accept" },
    { 203, "connect", CALL_CONNECT, "connect" },
    { 206, "sendto", CALL_WRITE, "send" },
    { 207, "recvfrom", CALL_READ, "recv" },
    { 211, "sendmsg", CALL_WRITE, "send" },
    { 212, "recvmsg", CALL_READ, "recv" },
    { 242, "accept4", CALL_ACCEPT, "accept" },
    { 260, "wait4", CALL_WAIT, "waitpid" },
    { 441, "epoll_pwait2", CALL_EPOLL, "epoll_wait" },
};

static const struct arch_table {
    const char *name;
    long read_nr;               /* how diagnose_arch() knows the kernel's numbering */
    const struct syscall_def *calls;
    size_t n;
} arch_tables[] = {
    [DIAG_ARCH_OTHER] = { "unknown", -1, NULL, 0 },
    [DIAG_ARCH_X86_64] = { "x86_64", 0, x86_64_calls, ARRAY_LEN(x86_64_calls) },
    [DIAG_ARCH_AARCH64] = { "aarch64", 63, aarch64_calls, ARRAY_LEN(aarch64_calls) },
};

/* The architecture this grader was compiled for; any other compiles too,
 * and describes every call as "system call N". */
#if defined(__x86_64__) && !defined(__ILP32__)
#define BUILT_ARCH DIAG_ARCH_X86_64
#elif defined(__aarch64__) && !defined(__ILP32__)
#define BUILT_ARCH DIAG_ARCH_AARCH64
#else
#define BUILT_ARCH DIAG_ARCH_OTHER
#endif

static const struct arch_table *
table_of(enum diag_arch arch)
{
    return (unsigned)arch < ARRAY_LEN(arch_tables) ? &arch_tables[arch]
                                                   : &arch_tables[DIAG_ARCH_OTHER];
}

static const struct syscall_def *
find_call(enum diag_arch arch, long nr)
{
    const struct arch_table *t = table_of(arch);

    for (size_t i = 0; i < t->n; i++)
        if (t->calls[i].nr == nr)
            return &t->calls[i];
    return NULL;
}

const char *
diagnose_arch_name(enum diag_arch arch)
{
    return table_of(arch)->name;
}

enum diag_arch
diagnose_built_arch(void)
{
    return BUILT_ARCH;
}

/* A thread reading its own /proc/self/syscall is inside read(): the number
 * it reads there is read's in the kernel's numbering. That is the grader's
 * own architecture's, except under qemu-user, which runs an aarch64 grader
 * on an x86_64 kernel: there the processes it looks at (native ones, and
 * qemu's own system calls for emulated ones) show x86_64's numbers. */
enum diag_arch
diagnose_arch(void)
{
    static int known = -1;
    char text[64];
    long nr;
    int fd;
    ssize_t n;

    if (known >= 0)
        return (enum diag_arch)known;
    known = BUILT_ARCH;
    if ((fd = open("/proc/self/syscall", O_RDONLY | O_CLOEXEC)) < 0)
        return (enum diag_arch)known;
    n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n > 0) {
        text[n] = '\0';
        if (sscanf(text, "%ld", &nr) == 1) {
            known = DIAG_ARCH_OTHER;
            for (size_t a = 0; a < ARRAY_LEN(arch_tables); a++)
                if (arch_tables[a].calls && arch_tables[a].read_nr == nr)
                    known = (int)a;
        }
    }
    return (enum diag_arch)known;
}

long
diagnose_syscall_nr(enum diag_arch arch, const char *name)
{
    const struct arch_table *t = table_of(arch);

    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->calls[i].name, name) == 0)
            return t->calls[i].nr;
    return -1;
}

const char *
diagnose_syscall_name(enum diag_arch arch, long nr)
{
    const struct syscall_def *d = find_call(arch, nr);

    return d ? d->name : NULL;
}

/* Copy len bytes at addr in pid's memory into buf; false if it cannot.
 * process_vm_readv() first; /proc/PID/mem where that system call is
 * missing (a kernel without CONFIG_CROSS_MEMORY_ATTACH, or qemu-user,
 * which does not emulate it: make cross runs the unit tests there). Both
 * need the same right to look into pid as ptrace. */
static bool
read_memory(pid_t pid, unsigned long addr, void *buf, size_t len)
{
    struct iovec local = { buf, len }, remote = { (void *)addr, len };
    char path[64];
    ssize_t got;
    int fd;

    if (pid <= 0 || addr == 0)
        return false;
    if (process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)len)
        return true;
    snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
    if (addr > (unsigned long)LONG_MAX || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return false;
    got = pread(fd, buf, len, (off_t)addr);
    close(fd);
    return got == (ssize_t)len;
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
    size_t n = nsops < ARRAY_LEN(ops) ? nsops : ARRAY_LEN(ops);

    if (n == 0 || !read_memory(pid, addr, ops, n * sizeof ops[0]))
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
diagnose_syscall_as(enum diag_arch arch, pid_t pid, long nr, const unsigned long a[6],
                    struct strbuf *sb)
{
    const struct syscall_def *d = find_call(arch, nr);

    if (d == NULL) {
        sb_addf(sb, "blocked in system call %ld", nr);
        if (table_of(arch)->calls == NULL)
            sb_adds(sb, " (the grader knows no system call names on this architecture)");
        return;
    }
    switch (d->call) {
    case CALL_MSGRCV:
        describe_msgrcv(a, sb);
        break;
    case CALL_MSGSND:
        sb_addf(sb, "blocked in msgsnd() on queue %d: the queue is full (msg_qbytes "
                    "reached) and nobody reads it", (int)a[0]);
        break;
    case CALL_SEMOP:
        sb_addf(sb, "blocked in semop() on semaphore set %d", (int)a[0]);
        describe_sops(pid, a[1], a[2], sb);
        break;
    case CALL_ACCEPT:
        describe_accept(pid, (long)a[0], sb);
        break;
    case CALL_CONNECT:
        describe_connect(pid, a[1], a[2], sb);
        break;
    case CALL_READ:
        sb_addf(sb, "blocked in %s() on ", d->said);
        describe_fd(pid, (long)a[0], sb);
        sb_adds(sb, ": waiting for data that never came");
        break;
    case CALL_WRITE:
        sb_addf(sb, "blocked in %s() on ", d->said);
        describe_fd(pid, (long)a[0], sb);
        sb_adds(sb, ": the reader is not reading");
        break;
    case CALL_WAIT:
        sb_adds(sb, "waiting in wait()/waitpid() for a child process that does not exit");
        break;
    case CALL_SLEEP:
        sb_adds(sb, "sleeping in sleep()/nanosleep()");
        break;
    case CALL_PAUSE:
        sb_adds(sb, "waiting in pause() for a signal that never came");
        break;
    case CALL_SIGWAIT:
        sb_adds(sb, "waiting in sigwait() for a signal that never came");
        break;
    case CALL_POLL:
        /* ppoll(NULL, 0, NULL, ...) waits for a signal and nothing else:
         * it is glibc's pause() where there is no pause system call
         * (aarch64), and what qemu-user makes of that pause() on x86_64. */
        if (strcmp(d->name, "ppoll") == 0 && a[0] == 0 && a[1] == 0 && a[2] == 0)
            sb_adds(sb, "waiting in pause() for a signal that never came");
        else if (!describe_poll(pid, d->said, a[0], a[1], sb))
            sb_adds(sb, "waiting in poll() for a descriptor to become ready");
        break;
    case CALL_SELECT:
        if (!describe_select(pid, d->said, a[0], a[1], sb))
            sb_adds(sb, "waiting in select() for a descriptor to become ready");
        break;
    case CALL_EPOLL:
        if (!describe_epoll(pid, d->said, (long)a[0], sb))
            sb_adds(sb, "waiting in epoll_wait() for a descriptor to become ready");
        break;
    case CALL_FUTEX:
        sb_adds(sb, "waiting on a futex (a pthread mutex, condition variable or join)");
        break;
    case CALL_OPEN:
        sb_adds(sb, "blocked in open(): opening a FIFO that has no other end yet?");
        break;
    }
}

void
diagnose_syscall(pid_t pid, long nr, const unsigned long a[6], struct strbuf *sb)
{
    diagnose_syscall_as(diagnose_arch(), pid, nr, a, sb);
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
    const char *fields;
    char *text = read_proc_stat(pid, &fields), state = '?';

    if (text)
        state = fields[0];
    free(text);
    return state;
}

double
diagnose_cpu_seconds(pid_t pid)
{
    const char *fields;
    char *text = read_proc_stat(pid, &fields);
    unsigned long long utime, stime;
    double seconds = -1;
    long ticks = sysconf(_SC_CLK_TCK);

    /* The state, fields 4 to 13, then utime and stime. */
    if (text && ticks > 0 &&
        sscanf(fields, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
               &utime, &stime) == 2)
        seconds = (double)(utime + stime) / (double)ticks;
    free(text);
    return seconds;
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
