/* faultinject.c: an LD_PRELOAD library that makes chosen library calls fail,
 * so tests can grade a program's error handling. Built as bin/libipcfault.so.
 *
 *   IPCGRADE_FAULT=CALL:ERRNO[:N][,CALL:ERRNO[:N]...]
 *
 * CALL fails with ERRNO (a name such as EACCES) on its Nth call in each
 * process, or on every call when N is absent. CALL:ERRNO:N:parent fails
 * it only in the process the program started as, CALL:ERRNO:N:child only
 * in a process it forked (each counts its own calls, from the fork on
 * continuing the parent's count). CALL unlink-late: unlink() does
 * its work, then fails. By hand:
 *
 *   $ IPCGRADE_FAULT=shmget:EACCES LD_PRELOAD=bin/libipcfault.so ./shmtool open 0x1234
 *   shmtool: shmget: Permission denied
 *
 * It covers ftok(), stat(), strdup(), the shm*, msg* and sem* calls, and for
 * the sockets exercise lstat(), unlink(), read(), socket(), bind(),
 * listen(), accept(), connect() and send().
 *
 * It works under Valgrind too. A static binary or a raw syscall() bypasses
 * it; the grader builds student programs itself, dynamically, so they use it.
 *
 * Its second job: Valgrind 3.19 does not know that msgctl(MSG_STAT_ANY),
 * shmctl(SHM_STAT_ANY) and semctl(SEM_STAT_ANY) fill in their buffer, so a
 * correct program that prints what they return is blamed for using values
 * that were never set. The grader preloads this library into every run
 * under Valgrind, and on success these calls tell Valgrind the buffer is
 * written (a no-op outside Valgrind). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define mark_written(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define mark_written(p, n) ((void)(p), (void)(n))
#endif

static const struct { const char *name; int value; } errnos[] = {
    { "EACCES", EACCES }, { "EEXIST", EEXIST }, { "ENOENT", ENOENT }, { "EINVAL", EINVAL },
    { "ENOSPC", ENOSPC }, { "ENOMEM", ENOMEM }, { "EIO", EIO }, { "EAGAIN", EAGAIN },
    { "EINTR", EINTR }, { "EIDRM", EIDRM }, { "E2BIG", E2BIG }, { "ENOMSG", ENOMSG },
    { "EPERM", EPERM }, { "EFAULT", EFAULT }, { "ERANGE", ERANGE }, { "EFBIG", EFBIG },
    { "EPIPE", EPIPE }, { "ECONNRESET", ECONNRESET }, { "EMFILE", EMFILE },
    { "EADDRINUSE", EADDRINUSE },
};

/* How many times this process has called each call name so far. */
static struct { char name[24]; unsigned long calls; } counters[32];

static int
errno_value(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
        if (strlen(errnos[i].name) == len && strncmp(errnos[i].name, name, len) == 0)
            return errnos[i].value;
    return 0;
}

static unsigned long
count_call(const char *call)
{
    for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++) {
        if (counters[i].name[0] == '\0')
            strncpy(counters[i].name, call, sizeof counters[i].name - 1);
        if (strcmp(counters[i].name, call) == 0)
            return ++counters[i].calls;
    }
    return 0;
}

/* The process the program started as: a child it forks has another pid. */
static pid_t first_pid;

__attribute__((constructor)) static void
note_first_pid(void)
{
    first_pid = getpid();
}

/* Does a ":parent" or ":child" (who, len bytes, after N) take in this process? */
static int
in_process(const char *who, size_t len)
{
    if (len == 6 && strncmp(who, "parent", 6) == 0)
        return getpid() == first_pid;
    if (len == 5 && strncmp(who, "child", 5) == 0)
        return getpid() != first_pid;
    return 0;
}

/* Return the errno this call must fail with now, or 0 to let it run. */
static int
should_fail(const char *call)
{
    const char *spec = getenv("IPCGRADE_FAULT");
    size_t len = strlen(call);
    unsigned long nth = count_call(call);

    for (const char *p = spec; p && *p; p += strcspn(p, ","), p += *p == ',') {
        const char *colon = strchr(p, ':');
        size_t item = strcspn(p, ",");
        const char *end = p + item, *err, *nth_at, *who;
        int value;

        if (colon == NULL || colon > end || (size_t)(colon - p) != len ||
            strncmp(p, call, len) != 0)
            continue;
        err = colon + 1;
        nth_at = memchr(err, ':', (size_t)(end - err));
        value = errno_value(err, (size_t)((nth_at ? nth_at : end) - err));
        who = nth_at ? memchr(nth_at + 1, ':', (size_t)(end - nth_at - 1)) : NULL;
        if (who && !in_process(who + 1, (size_t)(end - who - 1)))
            continue;
        if (value && (nth_at == NULL || strtoul(nth_at + 1, NULL, 10) == nth))
            return value;
    }
    return 0;
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))
#define FAIL_IF_ASKED(name, failure)          \
    do {                                      \
        int e_ = should_fail(#name);          \
        if (e_) {                             \
            errno = e_;                       \
            return failure;                   \
        }                                     \
    } while (0)

char *
strdup(const char *s)
{
    FAIL_IF_ASKED(strdup, NULL);
    return REAL(strdup)(s);
}

key_t
ftok(const char *path, int proj_id)
{
    FAIL_IF_ASKED(ftok, (key_t)-1);
    return REAL(ftok)(path, proj_id);
}

int
stat(const char *restrict path, struct stat *restrict buf)
{
    FAIL_IF_ASKED(stat, -1);
    return REAL(stat)(path, buf);
}

int
shmget(key_t key, size_t size, int flags)
{
    FAIL_IF_ASKED(shmget, -1);
    return REAL(shmget)(key, size, flags);
}

void *
shmat(int id, const void *addr, int flags)
{
    FAIL_IF_ASKED(shmat, (void *)-1);
    return REAL(shmat)(id, addr, flags);
}

int
shmdt(const void *addr)
{
    FAIL_IF_ASKED(shmdt, -1);
    return REAL(shmdt)(addr);
}

int
shmctl(int id, int cmd, struct shmid_ds *buf)
{
    int rc;

    FAIL_IF_ASKED(shmctl, -1);
    rc = REAL(shmctl)(id, cmd, buf);
    if (rc != -1 && cmd == SHM_STAT_ANY)
        mark_written(buf, sizeof *buf);
    return rc;
}

int
msgget(key_t key, int flags)
{
    FAIL_IF_ASKED(msgget, -1);
    return REAL(msgget)(key, flags);
}

int
msgsnd(int id, const void *msg, size_t size, int flags)
{
    FAIL_IF_ASKED(msgsnd, -1);
    return REAL(msgsnd)(id, msg, size, flags);
}

ssize_t
msgrcv(int id, void *msg, size_t size, long type, int flags)
{
    FAIL_IF_ASKED(msgrcv, -1);
    return REAL(msgrcv)(id, msg, size, type, flags);
}

int
msgctl(int id, int cmd, struct msqid_ds *buf)
{
    int rc;

    FAIL_IF_ASKED(msgctl, -1);
    rc = REAL(msgctl)(id, cmd, buf);
    if (rc != -1 && cmd == MSG_STAT_ANY)
        mark_written(buf, sizeof *buf);
    return rc;
}

int
semget(key_t key, int nsems, int flags)
{
    FAIL_IF_ASKED(semget, -1);
    return REAL(semget)(key, nsems, flags);
}

int
semop(int id, struct sembuf *ops, size_t nops)
{
    FAIL_IF_ASKED(semop, -1);
    return REAL(semop)(id, ops, nops);
}

/* semctl's fourth argument is a union semun passed by value when present;
 * on x86_64 and aarch64 alike it travels in a register like a pointer (a
 * union of 8 bytes), so forward one word. */
int
semctl(int id, int num, int cmd, ...)
{
    va_list ap;
    unsigned long arg;
    int rc;

    FAIL_IF_ASKED(semctl, -1);
    va_start(ap, cmd);
    arg = va_arg(ap, unsigned long);
    va_end(ap);
    rc = ((int (*)(int, int, int, ...))dlsym(RTLD_NEXT, "semctl"))(id, num, cmd, arg);
    if (rc != -1 && cmd == SEM_STAT_ANY && arg != 0)
        mark_written((void *)arg, sizeof(struct semid_ds));
    return rc;
}

/* ---- files and sockets (the sockets exercise) ---- */

int
lstat(const char *restrict path, struct stat *restrict buf)
{
    FAIL_IF_ASKED(lstat, -1);
    return REAL(lstat)(path, buf);
}

/* "unlink-late:ENOENT:N" removes the file, then fails: what a program sees
 * when another process removed it just before. */
int
unlink(const char *path)
{
    int late;

    FAIL_IF_ASKED(unlink, -1);
    late = should_fail("unlink-late");
    if (late) {
        REAL(unlink)(path);
        errno = late;
        return -1;
    }
    return REAL(unlink)(path);
}

/* Every read() the program makes, files included: a test asks for the
 * Nth one where it knows which that is. */
ssize_t
read(int fd, void *buf, size_t n)
{
    FAIL_IF_ASKED(read, -1);
    return REAL(read)(fd, buf, n);
}

int
socket(int domain, int type, int protocol)
{
    FAIL_IF_ASKED(socket, -1);
    return REAL(socket)(domain, type, protocol);
}

int
bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    FAIL_IF_ASKED(bind, -1);
    return REAL(bind)(fd, addr, len);
}

int
listen(int fd, int backlog)
{
    FAIL_IF_ASKED(listen, -1);
    return REAL(listen)(fd, backlog);
}

int
accept(int fd, struct sockaddr *restrict addr, socklen_t *restrict len)
{
    FAIL_IF_ASKED(accept, -1);
    return REAL(accept)(fd, addr, len);
}

int
connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    FAIL_IF_ASKED(connect, -1);
    return REAL(connect)(fd, addr, len);
}

ssize_t
send(int fd, const void *buf, size_t n, int flags)
{
    FAIL_IF_ASKED(send, -1);
    return REAL(send)(fd, buf, n, flags);
}
