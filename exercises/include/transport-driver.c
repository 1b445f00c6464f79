/* transport-driver.c: the test driver of exercise `transport` (chapter 10).
 * Do not edit it: the grader links this same file with your
 * shmtransport.c into the program `shmtransport`, and so does
 * exercises/transport/Makefile.
 *
 * It forks, and the parent and the child exchange messages through
 * transport_sysv_shm (your transport), checking that every byte of every
 * message arrives, in order, with the right length. Each message has its
 * own content (a pseudo-random pattern made from its direction and its
 * number), so a message that arrives twice, late or mixed with another is
 * seen and named.
 *
 *   usage: shmtransport echo SIZES COUNT     round trips: the parent sends, the child answers
 *          shmtransport stream SIZES COUNT   COUNT messages to the child, then COUNT back
 *          shmtransport duplex SIZES COUNT   both ways at once (a sending thread in each)
 *          shmtransport hold                 create, attach, print "ready", wait for SIGUSR1
 *          shmtransport wait                 both wait for a message that never comes
 *   SIZES  message sizes in bytes (0 to 1048576), comma-separated, used in turn;
 *          or "mixed": a fixed sequence of sizes from 0 to 1 MiB, odd ones too
 *   COUNT  messages each way, 1 to 1000000
 *
 *   $ ./shmtransport echo 8,1000,1048576 300
 *   parent-to-child 300 messages 104958400 bytes
 *   child-to-parent 300 messages 104958400 bytes
 *
 * `hold` is for looking at the kernel's objects: after both processes have
 * attached it prints "ready" and waits; on SIGUSR1 both close the transport,
 * each prints how many System V segments it still has attached ("child
 * attached-after-close 0", "parent attached-after-close 0"), the parent
 * prints "closed" and waits for a second SIGUSR1 before it exits.
 *
 * `wait` is for the grader too: both processes wait in recv() for a message
 * nobody sends, until recv() fails (the grader removes the semaphore set).
 *
 * Exit status: 0 when every message arrived whole and in order, 1 when a
 * call failed or a message was wrong (stderr says which, and where), 2 for
 * a bad command line. When one process fails, the other is stopped too. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipcbook.h"
#include "transport.h"

#define COUNT_MAX   1000000
#define SIZES_MAX   64
#define HISTORY     8           /* earlier messages a wrong one is compared with */

/* The transport under test: yours. (make bench checks the others with
 * -DTP_DRIVER_OPS=transport_pipe and so on.) */
#ifndef TP_DRIVER_OPS
#define TP_DRIVER_OPS transport_sysv_shm
#endif
static const struct transport_ops *ops = &TP_DRIVER_OPS;

static const char *const dir_name[2] = { "parent to child", "child to parent" };
static const char *const dir_label[2] = { "parent-to-child", "child-to-parent" };

static enum tp_side me = TP_PARENT;
static pid_t peer;              /* the other process */
static struct transport *open_t;    /* for the parent's cleanup after a failure */
static bool threads;            /* another thread may be inside the transport */
static bool both_see_it;        /* a failure the parent finds by itself too */
static volatile sig_atomic_t failing;   /* fail() has begun in this process */

/* The message sizes of a run, used in turn. */
static size_t sizes[SIZES_MAX];
static size_t nsizes;
static bool mixed;

/* ---- Message contents ---- */

static uint64_t
splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* The size of message k (0-based), the same in both directions. */
static size_t
message_size(long k)
{
    uint64_t r;
    size_t size;

    if (!mixed)
        return sizes[k % (long)nsizes];
    /* A fixed mix: small ones, sizes around 4 KiB and 64 KiB boundaries,
     * large odd ones, and now and then the largest and the empty message. */
    r = splitmix64(0x51ce5ull + (uint64_t)k);
    switch (r % 8) {
    case 0: return (r >> 8) % 65;
    case 1: return ((r >> 8) % 16 + 1) * 4096 + (r >> 16) % 3 - 1;
    case 2:     /* 16 * 65536 + 1 would be one byte too many */
        size = ((r >> 8) % 16 + 1) * 65536 + (r >> 16) % 3 - 1;
        return size > TP_MAX_MESSAGE ? TP_MAX_MESSAGE : size;
    case 3: return (r >> 8) % (TP_MAX_MESSAGE + 1);
    case 4: return (r >> 8) % 70000;
    case 5: return k % 5 == 0 ? 0 : TP_MAX_MESSAGE;
    case 6: return (r >> 8) % 4097;
    default: return 1 + (r >> 8) % 300000;
    }
}

/* Fill buf with message k of direction dir: n bytes of its own pattern. */
static void
fill_message(unsigned char *buf, size_t n, int dir, long k)
{
    uint64_t seed = splitmix64(((uint64_t)dir << 40) ^ (uint64_t)k ^ 0xc0ffeeull);

    for (size_t i = 0; i < n; i += 8) {
        uint64_t w = splitmix64(seed + i / 8);
        size_t m = n - i < 8 ? n - i : 8;

        memcpy(buf + i, &w, m);
    }
}

/* Say what went wrong and stop. The parent first stops the child and,
 * unless another thread is inside the transport, closes it, so that
 * nothing is left behind; a failing child is seen by the parent's
 * watchdog, which stops the parent (see watch_child()). */
__attribute__((noreturn, format(printf, 1, 2))) static void
fail(const char *fmt, ...)
{
    va_list ap;
    char text[1024];

    failing = 1;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    fflush(stdout);
    fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name,
            me == TP_PARENT ? "parent" : "child", text);
    if (me == TP_CHILD)
        _exit(1);
    if (peer > 0) {
        kill(peer, SIGKILL);
        waitpid(peer, NULL, 0);
    }
    if (open_t != NULL && !threads) {
        struct transport *t = open_t;

        open_t = NULL;
        ops->close(t);
    }
    _exit(1);
}

/* The parent's watchdog thread: when the child ends badly (it failed and
 * said why, or it crashed), the parent may be waiting for it inside the
 * transport for ever. Stop the parent then, saying so. (It only looks, with
 * WNOWAIT: main() collects the child.) */
static void *
watch_child(void *arg)
{
    siginfo_t info;

    (void)arg;
    memset(&info, 0, sizeof info);
    while (waitid(P_PID, (id_t)peer, &info, WEXITED | WNOWAIT) == -1)
        if (errno != EINTR)
            return NULL;
    if (failing || both_see_it || (info.si_code == CLD_EXITED && info.si_status == 0))
        return NULL;
    if (info.si_code == CLD_EXITED)
        fprintf(stderr, "%s: parent: stopped, because the child failed (exit status %d)\n",
                program_invocation_short_name, info.si_status);
    else
        fprintf(stderr, "%s: parent: stopped, because the child was killed by signal %d "
                "(%s)%s\n", program_invocation_short_name, info.si_status,
                strsignal(info.si_status), info.si_status == SIGSEGV ? ": it touched memory "
                "outside what it may use (an index past the last slot?)" : "");
    waitpid(peer, NULL, 0);             /* collected: not left for init */
    _exit(1);
}

/* Message k of direction dir arrived in got (len bytes): check it, and
 * when it is wrong, say how (want is scratch space of TP_MAX_MESSAGE). */
static void
check_message(const unsigned char *got, ssize_t len, int dir, long k, unsigned char *want)
{
    size_t n = message_size(k), at;

    if (len < 0)
        fail("recv() of message %ld (%s) failed: %s", k + 1, dir_name[dir], strerror(errno));
    if ((size_t)len != n)
        fail("message %ld (%s) arrived with %zd bytes; it was sent with %zu. recv() must "
             "return the length of the whole message%s", k + 1, dir_name[dir], len, n,
             (size_t)len < n ? ", after copying every part of it" : "");
    fill_message(want, n, dir, k);
    if (memcmp(got, want, n) == 0)
        return;
    for (at = 0; got[at] == want[at]; at++)
        ;
    /* Is it an earlier message's content (a slot reused too early, or read
     * before it was written)? Compare the 64 bytes from `at` with each. */
    for (long j = 1; j <= HISTORY && j <= k; j++) {
        size_t m = message_size(k - j), span = n - at < 64 ? n - at : 64;

        if (at + span > m)
            continue;
        fill_message(want, m, dir, k - j);
        if (memcmp(got + at, want + at, span) == 0)
            fail("message %ld (%s, %zu bytes) is wrong from byte %zu on: there it holds "
                 "the bytes of message %ld. A slot was written again before the other side "
                 "had read it, or read before it was written (a missing wait?)",
                 k + 1, dir_name[dir], n, at, k + 1 - j);
    }
    fill_message(want, n, dir, k);
    fail("message %ld (%s, %zu bytes) is wrong from byte %zu on: byte %zu is 0x%02x, "
         "expected 0x%02x%s", k + 1, dir_name[dir], n, at, at, got[at], want[at],
         got[at] == 0 ? " (zero: never written, or read before it was written?)" : "");
}

static void
send_message(struct transport *t, unsigned char *buf, int dir, long k)
{
    size_t n = message_size(k);

    fill_message(buf, n, dir, k);
    if (ops->send(t, buf, n) == -1)
        fail("send() of message %ld (%s, %zu bytes) failed: %s", k + 1, dir_name[dir], n,
             strerror(errno));
}

static void *
xmalloc_buf(void)
{
    void *p = malloc(TP_MAX_MESSAGE);

    if (p == NULL)
        fail("out of memory");
    return p;
}

static unsigned long long
total_bytes(long count)
{
    unsigned long long sum = 0;

    for (long k = 0; k < count; k++)
        sum += message_size(k);
    return sum;
}

/* ---- The modes ---- */

struct sender {
    struct transport *t;
    long count;
    int dir;
};

/* The sending thread of `duplex`. */
static void *
sender_main(void *arg)
{
    struct sender *s = arg;
    unsigned char *buf = xmalloc_buf();

    for (long k = 0; k < s->count; k++)
        send_message(s->t, buf, s->dir, k);
    free(buf);
    return NULL;
}

/* This process's part of one mode. mine is the direction it sends. */
static void
exchange(struct transport *t, const char *mode, long count)
{
    int mine = me == TP_PARENT ? 0 : 1, theirs = 1 - mine;
    unsigned char *buf = xmalloc_buf(), *want = xmalloc_buf();
    ssize_t n;

    if (strcmp(mode, "echo") == 0) {
        for (long k = 0; k < count; k++) {
            if (me == TP_PARENT)
                send_message(t, buf, mine, k);
            n = ops->recv(t, buf, TP_MAX_MESSAGE);
            check_message(buf, n, theirs, k, want);
            if (me == TP_CHILD)
                send_message(t, buf, mine, k);
        }
    } else if (strcmp(mode, "stream") == 0) {
        for (int turn = 0; turn < 2; turn++)
            for (long k = 0; k < count; k++) {
                if (turn == mine) {
                    send_message(t, buf, mine, k);
                } else {
                    n = ops->recv(t, buf, TP_MAX_MESSAGE);
                    check_message(buf, n, theirs, k, want);
                }
            }
    } else if (strcmp(mode, "wait") == 0) {
        n = ops->recv(t, buf, TP_MAX_MESSAGE);
        if (n < 0)
            fail("recv() failed: %s", strerror(errno));
        fail("recv() returned a message of %zd bytes, but nobody sent one", n);
    } else {                            /* duplex */
        struct sender s = { t, count, mine };
        pthread_t tid;
        int rc = pthread_create(&tid, NULL, sender_main, &s);

        if (rc != 0)
            fail("pthread_create: %s", strerror(rc));
        threads = true;
        for (long k = 0; k < count; k++) {
            n = ops->recv(t, buf, TP_MAX_MESSAGE);
            check_message(buf, n, theirs, k, want);
        }
        pthread_join(tid, NULL);
        threads = false;
    }
    free(buf);
    free(want);
}

/* How many System V shared memory segments this process has attached. */
static int
attached_segments(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    int n = 0;

    if (f == NULL)
        fail("cannot read /proc/self/maps: %s", strerror(errno));
    while (fgets(line, sizeof line, f))
        if (strstr(line, " /SYSV") != NULL)
            n++;
    fclose(f);
    return n;
}

static void
wait_for_usr1(const sigset_t *set)
{
    while (sigwaitinfo(set, NULL) == -1)
        if (errno != EINTR)
            fail("sigwaitinfo: %s", strerror(errno));
}

/* `hold`: both attach; "ready"; SIGUSR1; both close and count; "closed". */
static int
hold(struct transport *t, int ready_fd[2])
{
    sigset_t usr1;
    char c = 'a';

    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);          /* blocked since before the fork */
    if (me == TP_CHILD) {
        close(ready_fd[0]);
        if (write(ready_fd[1], &c, 1) != 1)
            fail("write: %s", strerror(errno));
        close(ready_fd[1]);
        wait_for_usr1(&usr1);
        if (ops->close(t) == -1)
            fail("close() failed: %s", strerror(errno));
        printf("child attached-after-close %d\n", attached_segments());
        fflush(stdout);
        return 0;
    }
    close(ready_fd[1]);
    if (read(ready_fd[0], &c, 1) != 1)
        fail("the child did not attach");
    close(ready_fd[0]);
    printf("ready\n");
    fflush(stdout);
    wait_for_usr1(&usr1);
    kill(peer, SIGUSR1);
    return 0;
}

static long
parse_count(const char *s)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > COUNT_MAX)
        return -1;
    return v;
}

static bool
parse_sizes(const char *s)
{
    if (strcmp(s, "mixed") == 0)
        return mixed = true;
    while (*s) {
        char *end;
        unsigned long v;

        if (nsizes == SIZES_MAX || *s < '0' || *s > '9')
            return false;
        errno = 0;
        v = strtoul(s, &end, 10);
        if (errno || end == s || v > TP_MAX_MESSAGE || (*end && *end != ','))
            return false;
        sizes[nsizes++] = v;
        s = *end ? end + 1 : end;
        if (*end == ',' && *s == '\0')
            return false;
    }
    return nsizes > 0;
}

__attribute__((noreturn)) static void
usage(void)
{
    usage_err("echo|stream|duplex SIZES COUNT\n"
              "       %s hold|wait\n"
              "SIZES  message sizes in bytes (0 to %d), comma-separated, or \"mixed\"\n"
              "COUNT  messages each way, 1 to %d\n", program_invocation_short_name,
              TP_MAX_MESSAGE, COUNT_MAX);
}

int
main(int argc, char *argv[])
{
    const char *mode = argc > 1 ? argv[1] : "";
    bool is_hold = strcmp(mode, "hold") == 0, is_wait = strcmp(mode, "wait") == 0;
    long count = 0;
    struct transport *t;
    int ready_fd[2] = { -1, -1 }, status;
    sigset_t usr1;
    pthread_t watchdog;
    pid_t pid;

    if (is_hold || is_wait) {
        if (argc != 2)
            usage();
    } else if (argc != 4 || (strcmp(mode, "echo") && strcmp(mode, "stream") &&
                             strcmp(mode, "duplex")) ||
               !parse_sizes(argv[2]) || (count = parse_count(argv[3])) < 0) {
        usage();
    }
    both_see_it = is_wait;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    if (is_hold && (sigprocmask(SIG_BLOCK, &usr1, NULL) == -1 || pipe(ready_fd) == -1))
        err_exit("hold");

    t = ops->create();
    if (t == NULL)
        err_exit("%s: create() failed", ops->name);
    fflush(stdout);
    pid = fork();
    if (pid == -1) {
        int saved = errno;

        ops->close(t);
        errno = saved;
        err_exit("fork");
    }
    me = pid == 0 ? TP_CHILD : TP_PARENT;
    peer = pid == 0 ? getppid() : pid;
    open_t = t;
    if (me == TP_PARENT && (errno = pthread_create(&watchdog, NULL, watch_child, NULL)) != 0)
        fail("pthread_create: %s", strerror(errno));
    if (ops->attach(t, me) == -1)
        fail("attach() failed: %s", strerror(errno));
    if (is_hold)
        hold(t, ready_fd);
    else
        exchange(t, mode, count);

    if (me == TP_CHILD) {
        open_t = NULL;
        if (!is_hold && ops->close(t) == -1)
            fail("close() failed: %s", strerror(errno));
        exit(0);
    }
    if (waitpid(pid, &status, 0) == -1)
        fail("waitpid: %s", strerror(errno));
    pthread_join(watchdog, NULL);
    peer = 0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("the child failed (%s %d)", WIFEXITED(status) ? "exit status" : "signal",
             WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    open_t = NULL;
    if (ops->close(t) == -1)
        fail("close() failed: %s", strerror(errno));
    if (is_hold) {
        printf("parent attached-after-close %d\nclosed\n", attached_segments());
        fflush(stdout);
        wait_for_usr1(&usr1);
    } else {
        for (int d = 0; d < 2; d++)
            printf("%s %ld messages %llu bytes\n", dir_label[d], count, total_bytes(count));
    }
    return 0;
}
