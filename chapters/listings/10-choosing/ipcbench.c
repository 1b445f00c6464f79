/* Listing 10-2 (chapter 10, choosing) */

/* ipcbench.c

   Which IPC is fastest, on this machine? For each transport of
   transport.h (a pipe, a Unix socket, a System V message queue, POSIX
   message queues and, when it is built in, System V shared memory with
   semaphores, and the same again polling a little before it sleeps:
   sysv-shm and shm-poll; and shm-fast, shared memory that calls the
   kernel only to sleep), measure at message sizes from 8 B to 1 MiB:

     - the round trip: the parent sends a message, the child sends it
       back; the median of many;
     - the throughput: the parent streams messages to the child for a
       while; bytes per second, the median of several such batches;
     - each of them for three instances of the transport, made afresh in
       processes of their own, keeping the median (one with --quick);

   and, in the same run, three figures to compare them with: how fast
   memcpy() copies in one processor's cache (the ceiling: every transport
   copies each byte on each processor at least once), how fast bytes go
   from one processor to the other through shared memory when both sides
   spin instead of making system calls, and how long one cache line takes
   to go to the other processor and back. The parent runs on one
   processor, the child on another (sched_setaffinity()), so every
   message really crosses between processors.

   Usage: ipcbench [--quick] [--svg FILE] [--only NAME,...]
                   [--data FILE] [--compare FILE]
          ipcbench --record FILE [--svg FILE]
          ipcbench --replay FILE [--svg FILE] [--verify]

       --quick    a few seconds instead of a minute and a half
       --svg      also draw the figures as an SVG chart in FILE
       --only     measure only these transports (pipe,unix,...)
       --data     also write the figures to FILE, in the format of --record
       --compare  after the figures, set them beside a recorded run's
       --record   a reference run: measure every transport, check that the
                  figures are plausible and that nothing else ran meanwhile,
                  and only then write them to FILE (exit status 1 if not)
       --replay   measure nothing: print (and draw) a recorded run
       --verify   with --replay: check the recorded run again as --record
                  did (exit status 1 if it fails; make check runs this)

       $ ./ipcbench --quick
       ipcbench: 2 CPUs (Intel(R) Xeon(R) Processor), Linux 6.1.0
       the parent runs on CPU 0, the child on CPU 1
       ...

   The tables are followed by sentences that say what the figures show;
   they are computed from the figures, so they hold for this run. A
   transport that fails or hangs is stopped (after a generous time) and
   reported, and the others are still measured. ipcbench runs in a
   private IPC namespace when it may make one, so that a transport that
   fails leaves no queue, segment or semaphore set on the machine.

   Build: see the Makefile (it links the files of bench/ and the System V shared
   memory transport of exercise `transport`, when there is one).
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "ipcbook.h"
#include "bench.h"

/* The shared memory transport is the exercise's: a copy of the workbook
   without its solution builds ipcbench without it (the symbol is then
   NULL, and the table has no column for it). */
#pragma weak transport_sysv_shm
#pragma weak transport_shm_poll

const size_t bench_sizes[NSIZES] = { 8, 64, 512, 4096, 32768, 262144, 1048576 };

/* How long to measure: one set for `make bench`, one for --quick. */
struct budget {
    double rtt_seconds;         /* per size: round trips for this long */
    int rtt_min, rtt_max;       /* ... but at least and at most this many */
    double batch_seconds;       /* per throughput batch */
    int batches;                /* batches per size (plus one to warm up) */
    double limit_seconds;       /* per batch of memcpy(), spin, cache line: */
    int limit_batches;          /* many short ones, the best one counts */
    double timeout;             /* per transport, before it is stopped */
    int instances;              /* each transport made afresh this many times */
};

/* Several instances, because one instance of a transport is not enough:
   on a virtual machine, a transport whose processes sleep can settle for
   a whole run at either of two speeds, far apart; the median of three
   instances is the one a reader can expect. */
static const struct budget full_budget = { 0.25, 20, 20000, 0.06, 5, 0.01, 30, 120, 3 };
static const struct budget quick_budget = { 0.03, 5, 2000, 0.012, 3, 0.004, 12, 40, 1 };
static const struct budget *budget = &full_budget;

static int cpu_a = -1, cpu_b = -1;      /* the parent's and the child's */

/* ---- Small tools ---- */

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* The median of v[0..n-1] (reorders v). */
static double
median(double *v, int n)
{
    if (n <= 0)
        return 0;
    qsort(v, (size_t)n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The largest of v[0..n-1]: memcpy(), the spinning copy and the cache line
   are what the machine can do at best, so the best batch counts. */
static double
best(const double *v, int n)
{
    double m = 0;

    for (int i = 0; i < n; i++)
        m = v[i] > m ? v[i] : m;
    return m;
}

const char *
size_name(size_t bytes)
{
    static char names[8][32];
    static int next;
    char *s = names[next++ % 8];

    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
        snprintf(s, sizeof names[0], "%zu MiB", bytes / (1024 * 1024));
    else if (bytes >= 1024 && bytes % 1024 == 0)
        snprintf(s, sizeof names[0], "%zu KiB", bytes / 1024);
    else
        snprintf(s, sizeof names[0], "%zu B", bytes);
    return s;
}

/* Run the calling process on one CPU only (if there is a choice). */
static void
pin(int cpu)
{
    cpu_set_t set;

    if (cpu < 0)
        return;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}

/* The first two CPUs this process may run on: the parent's and the child's. */
static void
choose_cpus(void)
{
    cpu_set_t set;

    if (sched_getaffinity(0, sizeof set, &set) == -1)
        return;
    for (int c = 0; c < CPU_SETSIZE && cpu_b < 0; c++)
        if (CPU_ISSET(c, &set)) {
            if (cpu_a < 0)
                cpu_a = c;
            else
                cpu_b = c;
        }
    if (cpu_b < 0)
        cpu_a = -1;             /* one CPU: nothing to pin */
}

/* A private IPC namespace, so that nothing a failed transport made can
   stay on the machine: as root directly, otherwise with a user namespace
   (where this user is root). Without either, nothing changes. */
static void
private_ipc(void)
{
    char map[64];
    uid_t uid = geteuid();
    gid_t gid = getegid();
    int fd;

    if (unshare(CLONE_NEWIPC) == 0 || unshare(CLONE_NEWUSER | CLONE_NEWIPC) == -1)
        return;
    fd = open("/proc/self/setgroups", O_WRONLY);
    if (fd >= 0) {
        (void)!write(fd, "deny", 4);
        close(fd);
    }
    snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
    fd = open("/proc/self/uid_map", O_WRONLY);
    if (fd >= 0) {
        (void)!write(fd, map, strlen(map));
        close(fd);
    }
    snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
    fd = open("/proc/self/gid_map", O_WRONLY);
    if (fd >= 0) {
        (void)!write(fd, map, strlen(map));
        close(fd);
    }
}

static void
describe_machine(struct bench *b)
{
    char line[256], model[128] = "";
    struct utsname u;
    FILE *f = fopen("/proc/cpuinfo", "r");

    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "model name : %127[^\n]", model) == 1)
            break;
    if (f)
        fclose(f);
    uname(&u);
    snprintf(b->cpus, sizeof b->cpus, "%ld CPU%s%s%s%s", sysconf(_SC_NPROCESSORS_ONLN),
             sysconf(_SC_NPROCESSORS_ONLN) == 1 ? "" : "s", *model ? " (" : "", model,
             *model ? ")" : "");
    snprintf(b->kernel, sizeof b->kernel, "%s %s", u.sysname, u.release);
}

/* ---- Measuring in a separate process ---- */

/* Run fn(arg, fd) in a child process (its own process group); what it
   writes to fd comes back in out. If it has not finished after timeout
   seconds, kill it and everything it started. Return its exit status,
   or -1 if it was killed. */
static int
measure_apart(void (*fn)(void *, int), void *arg, double timeout, char *out, size_t outlen)
{
    int fds[2], status;
    size_t used = 0;
    double deadline = now() + timeout;
    bool killed = false;
    pid_t pid;

    if (pipe(fds) == -1)
        err_exit("pipe");
    fflush(NULL);
    pid = fork();
    if (pid == -1)
        err_exit("fork");
    if (pid == 0) {
        setpgid(0, 0);
        close(fds[0]);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        fn(arg, fds[1]);
        _exit(0);
    }
    setpgid(pid, pid);
    close(fds[1]);
    for (;;) {
        struct pollfd p = { fds[0], POLLIN, 0 };
        double left = deadline - now();
        ssize_t n;

        if (left <= 0) {
            kill(-pid, SIGKILL);
            killed = true;
            break;
        }
        if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
            continue;
        n = read(fds[0], out + used, outlen - 1 - used);
        if (n <= 0)
            break;
        used += (size_t)n;
        if (used == outlen - 1)
            break;
    }
    out[used] = '\0';
    close(fds[0]);
    waitpid(pid, &status, 0);
    kill(-pid, SIGKILL);            /* a child of fn that outlived it */
    if (killed)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- To compare with: memcpy(), one cache line, a copy between CPUs ---- */

/* memcpy() through a volatile pointer: the compiler cannot drop copies
   whose result nobody reads. */
static void *(*volatile copy_bytes)(void *, const void *, size_t) = memcpy;

static void
measure_memcpy(void *arg, int fd)
{
    (void)arg;
    pin(cpu_a);
    for (int s = 0; s < NSIZES; s++) {
        size_t size = bench_sizes[s];
        char *src = aligned_alloc(4096, (size + 4095) / 4096 * 4096);
        char *dst = aligned_alloc(4096, (size + 4095) / 4096 * 4096);
        double rates[64];
        int nb = budget->limit_batches + 1;

        if (src == NULL || dst == NULL)
            _exit(1);
        memset(src, 'x', size);
        memset(dst, 'y', size);
        for (int b = 0; b < nb; b++) {
            double t0 = now(), t;
            long n = 0;

            do {
                for (int i = 0; i < 16; i++)
                    copy_bytes(dst, src, size);
                n += 16;
            } while ((t = now() - t0) < budget->limit_seconds);
            rates[b] = (double)n * (double)size / t / 1e9;
        }
        dprintf(fd, "memcpy %d %.6f\n", s, best(rates + 1, nb - 1));
        free(src);
        free(dst);
    }
}

/* A cache line that the two processes hand back and forth: the parent
   writes an odd number, the child answers with the next even one. Nothing
   sleeps and no system call is made: this is the fastest any hand-over
   between two processors can be. */
static void
measure_cache_line(void *arg, int fd)
{
    enum { ROUNDS = 2000 };
    _Atomic long *line;
    double per[64];
    int nb = budget->limit_batches + 1;
    pid_t pid;

    (void)arg;
    line = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (line == MAP_FAILED)
        _exit(1);
    atomic_store(line, 0);
    pid = fork();
    if (pid == -1)
        _exit(1);
    if (pid == 0) {
        pin(cpu_b);
        for (long i = 0; i < (long)nb * ROUNDS; i++) {
            while (atomic_load_explicit(line, memory_order_acquire) != 2 * i + 1)
                ;
            atomic_store_explicit(line, 2 * i + 2, memory_order_release);
        }
        _exit(0);
    }
    pin(cpu_a);
    for (int b = 0; b < nb; b++) {
        double t0 = now();

        for (long i = (long)b * ROUNDS; i < (long)(b + 1) * ROUNDS; i++) {
            atomic_store_explicit(line, 2 * i + 1, memory_order_release);
            while (atomic_load_explicit(line, memory_order_acquire) != 2 * i + 2)
                ;
        }
        per[b] = ROUNDS / (now() - t0);      /* round trips per second */
    }
    waitpid(pid, NULL, 0);
    dprintf(fd, "line %.6f\n", 1e6 / best(per + 1, nb - 1));
}

/* Copying through shared memory from one CPU to the other with no system
   call at all: the parent copies each message into a ring of slots, the
   child copies it out, and each side spins on the other's counter instead
   of sleeping. Its ring is sysv-shm's, 16 slots of 256 KiB, so what
   sysv-shm adds to it is the price of its semaphores. */
enum { SPIN_SLOTS = 16, SPIN_SLOT = 256 * 1024 };

struct spin_ring {
    _Atomic long written;               /* chunks the parent has filled */
    char pad1[56];
    _Atomic long taken;                 /* chunks the child has emptied */
    char pad2[56];
    _Atomic int quit;
    size_t len[SPIN_SLOTS];             /* bytes in each slot */
    char slot[SPIN_SLOTS][SPIN_SLOT];
};

static void
spin_child(struct spin_ring *r)
{
    char *buf = malloc(TP_MAX_MESSAGE);
    long taken = 0;

    pin(cpu_b);
    if (buf == NULL)
        _exit(1);
    while (!atomic_load_explicit(&r->quit, memory_order_acquire)) {
        if (atomic_load_explicit(&r->written, memory_order_acquire) == taken)
            continue;
        memcpy(buf, r->slot[taken % SPIN_SLOTS], r->len[taken % SPIN_SLOTS]);
        atomic_store_explicit(&r->taken, ++taken, memory_order_release);
    }
    free(buf);
    _exit(0);
}

static void
measure_spin_copy(void *arg, int fd)
{
    struct spin_ring *r;
    char *msg = malloc(TP_MAX_MESSAGE);
    int nb = budget->limit_batches + 1;
    long written = 0;
    pid_t pid;

    (void)arg;
    r = mmap(NULL, sizeof *r, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (r == MAP_FAILED || msg == NULL)
        _exit(1);
    memset(msg, 0x5a, TP_MAX_MESSAGE);
    pid = fork();
    if (pid == -1)
        _exit(1);
    if (pid == 0)
        spin_child(r);
    pin(cpu_a);
    for (int s = 0; s < NSIZES; s++) {
        size_t size = bench_sizes[s];
        double rates[64];

        for (int b = 0; b < nb; b++) {
            double t0 = now(), limit = budget->limit_seconds;
            long count = 0;

            do {
                for (size_t done = 0; done < size; done += SPIN_SLOT) {
                    size_t n = size - done < SPIN_SLOT ? size - done : SPIN_SLOT;

                    while (written - atomic_load_explicit(&r->taken, memory_order_acquire) ==
                           SPIN_SLOTS)
                        ;
                    memcpy(r->slot[written % SPIN_SLOTS], msg + done, n);
                    r->len[written % SPIN_SLOTS] = n;
                    atomic_store_explicit(&r->written, ++written, memory_order_release);
                }
                count++;
            } while (now() - t0 < limit);
            while (atomic_load_explicit(&r->taken, memory_order_acquire) != written)
                ;
            rates[b] = (double)count * (double)size / (now() - t0) / 1e9;
        }
        dprintf(fd, "spin %d %.6f\n", s, best(rates + 1, nb - 1));
    }
    atomic_store_explicit(&r->quit, 1, memory_order_release);
    waitpid(pid, NULL, 0);
    free(msg);
}

/* ---- One transport ---- */

/* What the parent asks of the child, in the first byte of each message. */
enum { ECHO = 'E', ABSORB = 'A', LAST = 'L', QUIT = 'Q', ACK = 'K' };

/* The child: answer as asked until told to quit. */
static void
child_serve(const struct transport_ops *ops, struct transport *t, int fd)
{
    unsigned char *buf = malloc(TP_MAX_MESSAGE), ack = ACK;
    ssize_t n;

    pin(cpu_b);
    if (buf == NULL || ops->attach(t, TP_CHILD) == -1) {
        dprintf(fd, "error attach() in the child: %s\n", strerror(errno));
        _exit(1);
    }
    while ((n = ops->recv(t, buf, TP_MAX_MESSAGE)) > 0 && buf[0] != QUIT) {
        int rc = 0;

        if (buf[0] == ECHO)
            rc = ops->send(t, buf, (size_t)n);
        else if (buf[0] == LAST)
            rc = ops->send(t, &ack, 1);
        if (rc == -1)
            break;
    }
    if (n <= 0 || buf[0] != QUIT) {
        dprintf(fd, "error the child's %s: %s\n", n <= 0 ? "recv()" : "send()",
                n == 0 ? "an empty message" : strerror(errno));
        _exit(1);
    }
    ops->close(t);
    free(buf);
    _exit(0);
}

/* Send one message of size bytes whose first byte is cmd; on failure
   report it on fd and return false. */
static bool
send_cmd(const struct transport_ops *ops, struct transport *t, unsigned char *buf,
         size_t size, int cmd, int fd)
{
    buf[0] = (unsigned char)cmd;
    if (ops->send(t, buf, size) == 0)
        return true;
    dprintf(fd, "error send() of %s: %s\n", size_name(size), strerror(errno));
    return false;
}

static bool
recv_len(const struct transport_ops *ops, struct transport *t, unsigned char *buf,
         size_t want, int fd)
{
    ssize_t n = ops->recv(t, buf, TP_MAX_MESSAGE);

    if (n == (ssize_t)want)
        return true;
    if (n < 0)
        dprintf(fd, "error recv() of %s: %s\n", size_name(want), strerror(errno));
    else
        dprintf(fd, "error recv() returned %zd bytes, expected %zu\n", n, want);
    return false;
}

/* The median round trip of size bytes, in microseconds (0 on failure). */
static double
round_trip(const struct transport_ops *ops, struct transport *t, unsigned char *out,
           unsigned char *in, size_t size, int fd)
{
    double *v = malloc(sizeof *v * (size_t)budget->rtt_max), start, med;
    int n = 0;

    if (v == NULL)
        return 0;
    for (int i = 0; i < 3; i++)             /* warm up: caches, page faults */
        if (!send_cmd(ops, t, out, size, ECHO, fd) || !recv_len(ops, t, in, size, fd))
            return free(v), 0;
    start = now();
    while (n < budget->rtt_max && (n < budget->rtt_min || now() - start < budget->rtt_seconds)) {
        double t0 = now();

        if (!send_cmd(ops, t, out, size, ECHO, fd) || !recv_len(ops, t, in, size, fd))
            return free(v), 0;
        v[n++] = (now() - t0) * 1e6;
    }
    med = median(v, n);
    free(v);
    return med;
}

/* The median throughput of a stream of size-byte messages, in GB/s. */
static double
throughput(const struct transport_ops *ops, struct transport *t, unsigned char *out,
           unsigned char *in, size_t size, int fd)
{
    double rates[16];
    int nb = budget->batches + 1;

    for (int b = 0; b < nb; b++) {          /* batch 0 warms up */
        double t0 = now(), limit = b == 0 ? budget->batch_seconds / 4 : budget->batch_seconds;
        long count = 0;

        do {
            if (!send_cmd(ops, t, out, size, ABSORB, fd))
                return 0;
            count++;
        } while (now() - t0 < limit);
        if (!send_cmd(ops, t, out, size, LAST, fd) || !recv_len(ops, t, in, 1, fd))
            return 0;
        count++;
        rates[b] = (double)count * (double)size / (now() - t0) / 1e9;
    }
    return median(rates + 1, nb - 1);
}

// ANCHOR: measure
/* In a process of its own: create the transport, fork the child, measure
   every size, and write "rtt I US" and "gbps I RATE" lines to fd. */
static void
measure_transport(void *arg, int fd)
{
    const struct transport_ops *ops = arg;
    unsigned char *out = malloc(TP_MAX_MESSAGE), *in = malloc(TP_MAX_MESSAGE);
    struct transport *t;
    int status;
    pid_t pid;

    if (out == NULL || in == NULL)
        _exit(1);
    memset(out, 0x5a, TP_MAX_MESSAGE);
    t = ops->create();
    if (t == NULL) {
        dprintf(fd, "error create(): %s\n", strerror(errno));
        _exit(1);
    }
    pid = fork();
    if (pid == 0)
        child_serve(ops, t, fd);
    pin(cpu_a);
    if (pid == -1 || ops->attach(t, TP_PARENT) == -1) {
        dprintf(fd, "error %s: %s\n", pid == -1 ? "fork()" : "attach()", strerror(errno));
        _exit(1);
    }
    for (int s = 0; s < NSIZES; s++) {
        double us = round_trip(ops, t, out, in, bench_sizes[s], fd);

        if (us == 0)
            _exit(1);
        dprintf(fd, "rtt %d %.6f\n", s, us);
    }
    for (int s = 0; s < NSIZES; s++) {
        double rate = throughput(ops, t, out, in, bench_sizes[s], fd);

        if (rate == 0)
            _exit(1);
        dprintf(fd, "gbps %d %.6f\n", s, rate);
    }
    if (!send_cmd(ops, t, out, 1, QUIT, fd))
        _exit(1);
    waitpid(pid, &status, 0);
    if (ops->close(t) == -1)
        dprintf(fd, "error close(): %s\n", strerror(errno));
    free(out);
    free(in);
}
// ANCHOR_END: measure

/* Parse what measure_transport() wrote into r. */
static void
read_results(struct tp_result *r, const char *text, int status, double timeout)
{
    int got = 0;

    for (const char *line = text; *line; line = strchr(line, '\n') + 1) {
        int i;
        double v;

        if (sscanf(line, "rtt %d %lf", &i, &v) == 2 && i >= 0 && i < NSIZES)
            r->rtt_us[i] = v, got++;
        else if (sscanf(line, "gbps %d %lf", &i, &v) == 2 && i >= 0 && i < NSIZES)
            r->gbps[i] = v, got++;
        else if (strncmp(line, "error ", 6) == 0 && !r->why[0])
            snprintf(r->why, sizeof r->why, "%.*s", (int)strcspn(line + 6, "\n"), line + 6);
        if (strchr(line, '\n') == NULL)
            break;
    }
    r->ok = status == 0 && got == 2 * NSIZES && !r->why[0];
    if (!r->ok && !r->why[0])
        snprintf(r->why, sizeof r->why, status == -1 ? "stopped after %.0f s" :
                 "ended early", timeout);
    if (status == -1 && r->why[0] && !strstr(r->why, "stopped"))
        snprintf(r->why + strlen(r->why), sizeof r->why - strlen(r->why),
                 " (stopped after %.0f s)", timeout);
}

/* Measure r->ops budget->instances times, each in a process of its own with
   a transport made afresh, and keep the median of each figure; the first
   instance that fails makes r fail. text is room for one instance's lines. */
static void
measure_instances(struct tp_result *r, char *text, size_t textlen)
{
    static struct tp_result each[8];
    int n = budget->instances < 8 ? budget->instances : 8;

    for (int k = 0; k < n; k++) {
        int status = measure_apart(measure_transport, (void *)r->ops, budget->timeout, text,
                                   textlen);

        each[k] = (struct tp_result){ .ops = r->ops };
        snprintf(each[k].name, sizeof each[k].name, "%s", r->ops->name);
        read_results(&each[k], text, status, budget->timeout);
        if (!each[k].ok) {
            *r = each[k];
            return;
        }
    }
    *r = each[0];
    for (int s = 0; s < NSIZES; s++) {
        double rtt[8], gbps[8];

        for (int k = 0; k < n; k++)
            rtt[k] = each[k].rtt_us[s], gbps[k] = each[k].gbps[s];
        r->rtt_us[s] = median(rtt, n);
        r->gbps[s] = median(gbps, n);
    }
}

/* ---- Was the machine quiet? ---- */

/* Processor time in seconds: what all processors spent busy and what the
   hypervisor took from them (/proc/stat), and what this process and the
   children it waited for used (getrusage(), which counts grandchildren
   too when every process waited for its own). */
struct cpu_time {
    double busy, steal, ours, wall;
};

static double
seconds_of(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void
cpu_time_now(struct cpu_time *t)
{
    unsigned long long user = 0, nice = 0, sys = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                       steal = 0;
    double hz = (double)sysconf(_SC_CLK_TCK);
    struct rusage self, kids;
    FILE *f = fopen("/proc/stat", "r");

    if (f != NULL) {
        if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &sys, &idle,
                   &iowait, &irq, &softirq, &steal) != 8)
            user = nice = sys = irq = softirq = steal = 0;
        fclose(f);
    }
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    t->busy = (double)(user + nice + sys + irq + softirq) / hz;
    t->steal = (double)steal / hz;
    t->ours = seconds_of(self.ru_utime) + seconds_of(self.ru_stime) +
              seconds_of(kids.ru_utime) + seconds_of(kids.ru_stime);
    t->wall = now();
}

/* The share of all processors' time, from a to b, that other programs
   used and that the hypervisor stole, in percent. */
static void
cpu_time_others(struct bench *bn, const struct cpu_time *a, const struct cpu_time *b)
{
    double capacity = (b->wall - a->wall) * (double)sysconf(_SC_NPROCESSORS_ONLN);
    double others = (b->busy - a->busy) - (b->ours - a->ours);

    if (capacity <= 0)
        return;
    bn->others_pct = others > 0 ? 100 * others / capacity : 0;
    bn->steal_pct = 100 * (b->steal - a->steal) / capacity;
}

/* ---- Printing ---- */

static void
print_tables(const struct bench *b)
{
    if (b->instances > 1)
        printf("\nEach figure is the median of %d instances of the transport, each made "
               "afresh.\n", b->instances);
    printf("\nRound trip, median, microseconds (lower is better; * the best)\n");
    printf("%-8s", "size");
    for (int i = 0; i < b->ntp; i++)
        printf(" %8s", b->tp[i].name);
    printf("\n");
    for (int s = 0; s < NSIZES; s++) {
        int best = -1;

        for (int i = 0; i < b->ntp; i++)
            if (b->tp[i].rtt_us[s] > 0 && (best < 0 || b->tp[i].rtt_us[s] < b->tp[best].rtt_us[s]))
                best = i;
        printf("%-8s", size_name(bench_sizes[s]));
        for (int i = 0; i < b->ntp; i++)
            if (b->tp[i].rtt_us[s] > 0)
                printf(" %7.*f%c", b->tp[i].rtt_us[s] < 100 ? 1 : 0, b->tp[i].rtt_us[s],
                       i == best ? '*' : ' ');
            else
                printf(" %8s", "-");
        printf("\n");
    }
    printf("\nThroughput, median, GB/s (higher is better; * the best transport); to compare:\n"
           "a copy between CPUs that spins instead of sleeping (spin), memcpy() in cache\n");
    printf("%-8s", "size");
    for (int i = 0; i < b->ntp; i++)
        printf(" %8s", b->tp[i].name);
    printf(" %8s %8s\n", "spin", "memcpy");
    for (int s = 0; s < NSIZES; s++) {
        int best = -1;

        for (int i = 0; i < b->ntp; i++)
            if (b->tp[i].gbps[s] > 0 && (best < 0 || b->tp[i].gbps[s] > b->tp[best].gbps[s]))
                best = i;
        printf("%-8s", size_name(bench_sizes[s]));
        for (int i = 0; i < b->ntp; i++)
            if (b->tp[i].gbps[s] > 0)
                printf(" %7.*f%c", b->tp[i].gbps[s] < 1 ? 3 : 2, b->tp[i].gbps[s],
                       i == best ? '*' : ' ');
            else
                printf(" %8s", "-");
        if (b->spin_gbps[s] > 0)
            printf(" %8.*f", b->spin_gbps[s] < 1 ? 3 : 2, b->spin_gbps[s]);
        else
            printf(" %8s", "-");
        printf(" %8.2f\n", b->memcpy_gbps[s]);
    }
    for (int i = 0; i < b->ntp; i++)
        if (!b->tp[i].ok)
            printf("%s: not measured: %s\n", b->tp[i].name, b->tp[i].why);
}

/* Is transport i one of the shared memory ones? */
static bool
is_shm(const struct bench *b, int i)
{
    return strcmp(b->tp[i].name, "sysv-shm") == 0 || strcmp(b->tp[i].name, "shm-poll") == 0 ||
           strcmp(b->tp[i].name, "shm-fast") == 0;
}

/* The index in b->tp of the transport with the most throughput at size s,
   among the shared memory ones (shm true) or the others; -1 if none. */
static int
fastest(const struct bench *b, int s, bool shm)
{
    int best = -1;

    for (int i = 0; i < b->ntp; i++)
        if (is_shm(b, i) == shm && b->tp[i].gbps[s] > 0 &&
            (best < 0 || b->tp[i].gbps[s] > b->tp[best].gbps[s]))
            best = i;
    return best;
}

/* The index of the transport of this name that was measured, or -1. */
static int
find_result(const struct bench *b, const char *name)
{
    for (int i = 0; i < b->ntp; i++)
        if (strcmp(b->tp[i].name, name) == 0 && b->tp[i].ok)
            return i;
    return -1;
}

/* Sentences about these figures: every number in them was measured. */
static void
write_findings(FILE *f, const struct bench *b)
{
    int L = NSIZES - 1, shm = find_result(b, "sysv-shm");
    int poll = find_result(b, "shm-poll"), other = fastest(b, L, false);
    int fast = find_result(b, "shm-fast");
    int lo = -1, hi = -1, from = NSIZES;

    for (int i = 0; i < b->ntp; i++)
        if (b->tp[i].rtt_us[0] > 0 && !is_shm(b, i)) {
            if (lo < 0 || b->tp[i].rtt_us[0] < b->tp[lo].rtt_us[0])
                lo = i;
            if (hi < 0 || b->tp[i].rtt_us[0] > b->tp[hi].rtt_us[0])
                hi = i;
        }

    /* The largest messages: shared memory against the rest, and memcpy(). */
    if (shm >= 0) {
        fprintf(f, "- At %s, sysv-shm carried %.2f GB/s: %.0f%% of what memcpy() copies in "
                "cache (%.2f GB/s)", size_name(bench_sizes[L]), b->tp[shm].gbps[L],
                100 * b->tp[shm].gbps[L] / b->memcpy_gbps[L], b->memcpy_gbps[L]);
        if (other >= 0)
            fprintf(f, ", %.1f times what the best of the others, %s, carried (%.2f GB/s)",
                    b->tp[shm].gbps[L] / b->tp[other].gbps[L], b->tp[other].name,
                    b->tp[other].gbps[L]);
        if (poll >= 0)
            fprintf(f, "; shm-poll carried %.2f GB/s (%.0f%% of memcpy())", b->tp[poll].gbps[L],
                    100 * b->tp[poll].gbps[L] / b->memcpy_gbps[L]);
        fprintf(f, ".\n");
    } else if (other >= 0) {
        fprintf(f, "- At %s, %s carried the most: %.2f GB/s, %.0f%% of what memcpy() copies "
                "in cache (%.2f GB/s).\n", size_name(bench_sizes[L]), b->tp[other].name,
                b->tp[other].gbps[L], 100 * b->tp[other].gbps[L] / b->memcpy_gbps[L],
                b->memcpy_gbps[L]);
    }

    /* The copy between processors, without system calls. */
    if (b->spin_gbps[L] > 0) {
        fprintf(f, "- Copying %s from CPU to CPU through sysv-shm's ring, both sides spinning "
                "instead of making system calls, moved %.2f GB/s: %.0f%% of memcpy(). The "
                "bytes have to travel from one processor's cache to the other's",
                size_name(bench_sizes[L]), b->spin_gbps[L],
                100 * b->spin_gbps[L] / b->memcpy_gbps[L]);
        if (shm >= 0 && b->tp[shm].gbps[L] < b->spin_gbps[L])
            fprintf(f, ". sysv-shm reached %.0f%% of that; the rest is what its semaphores "
                    "cost: system calls, and a wake-up each time one side had to sleep",
                    100 * b->tp[shm].gbps[L] / b->spin_gbps[L]);
        else if (shm >= 0)
            fprintf(f, ". sysv-shm did as well (%.2f GB/s): a process that spins loses its "
                    "processor whenever the scheduler gives it to another program, and its "
                    "partner then spins for nothing, so other programs slow the spinning copy "
                    "most", b->tp[shm].gbps[L]);
        if (fast >= 0 && b->tp[fast].gbps[L] > b->spin_gbps[L])
            fprintf(f, ". shm-fast carried more than the spinning copy (%.2f GB/s): spinning is "
                    "one way to wait, not a ceiling; memcpy() in cache is the ceiling",
                    b->tp[fast].gbps[L]);
        fprintf(f, ".\n");
    }

    /* The smallest messages: the wake-ups. */
    if (lo >= 0) {
        if (lo == hi)
            fprintf(f, "- At %s, a round trip took %.1f us (%s)", size_name(bench_sizes[0]),
                    b->tp[lo].rtt_us[0], b->tp[lo].name);
        else
            fprintf(f, "- At %s, a round trip took from %.1f us (%s) to %.1f us (%s)",
                    size_name(bench_sizes[0]), b->tp[lo].rtt_us[0], b->tp[lo].name,
                    b->tp[hi].rtt_us[0], b->tp[hi].name);
        if (shm >= 0)
            fprintf(f, ", and %.1f us with sysv-shm", b->tp[shm].rtt_us[0]);
        if (b->line_rtt_us > 0)
            fprintf(f, ": at least %.0f times the %.2f us a cache line takes to go to the "
                    "other CPU and back. Moving 8 bytes costs nothing; the system calls and "
                    "the two wake-ups are the price", b->tp[lo].rtt_us[0] / b->line_rtt_us,
                    b->line_rtt_us);
        fprintf(f, ".\n");
    }
    if (shm >= 0 && poll >= 0)
        fprintf(f, "- shm-poll, the same transport trying semop() with IPC_NOWAIT a few times "
                "before it sleeps, took %.1f us at %s where sysv-shm took %.1f us: when the "
                "answer comes while it polls, nobody sleeps and nobody has to be woken. It "
                "keeps a processor busy meanwhile.\n", b->tp[poll].rtt_us[0],
                size_name(bench_sizes[0]), b->tp[shm].rtt_us[0]);
    if (shm >= 0 && fast >= 0)
        fprintf(f, "- shm-fast, shared memory with counters in the segment and semop() only "
                "to sleep, carried %.2f GB/s at %s and %.2f GB/s at %s, where sysv-shm carried "
                "%.2f and %.2f: while neither side has to wait, it makes no system call. Its "
                "round trip at %s took %.1f us (sysv-shm: %.1f us): a receiver that sleeps "
                "still has to be woken.\n", b->tp[fast].gbps[3], size_name(bench_sizes[3]),
                b->tp[fast].gbps[L], size_name(bench_sizes[L]), b->tp[shm].gbps[3],
                b->tp[shm].gbps[L], size_name(bench_sizes[0]), b->tp[fast].rtt_us[0],
                b->tp[shm].rtt_us[0]);

    /* Where shared memory starts to win. */
    while (from > 0 && fastest(b, from - 1, true) >= 0 && fastest(b, from - 1, false) >= 0 &&
           b->tp[fastest(b, from - 1, true)].gbps[from - 1] >
               b->tp[fastest(b, from - 1, false)].gbps[from - 1])
        from--;
    if (fastest(b, L, true) >= 0 && from == 0)
        fprintf(f, "- Shared memory had the most throughput at every size.\n");
    else if (fastest(b, L, true) >= 0 && from < NSIZES)
        fprintf(f, "- Shared memory had the most throughput from %s up; at %s, %s carried "
                "more.\n", size_name(bench_sizes[from]), size_name(bench_sizes[from - 1]),
                b->tp[fastest(b, from - 1, false)].name);
    else if (fastest(b, L, true) >= 0)
        fprintf(f, "- Shared memory did not have the most throughput at %s.\n",
                size_name(bench_sizes[L]));

    /* The copies in a round trip. */
    if (shm >= 0 && b->memcpy_gbps[L] > 0)
        fprintf(f, "- One memcpy() of %s took %.0f us. A round trip of %s copies it "
                "four times (into the segment and out, each way): sysv-shm took %.0f us.\n",
                size_name(bench_sizes[L]), bench_sizes[L] / b->memcpy_gbps[L] / 1e3,
                size_name(bench_sizes[L]), b->tp[shm].rtt_us[L]);

    for (int i = 0; i < b->ntp; i++)
        if (!b->tp[i].ok)
            fprintf(f, "- %s was not measured: %s.\n", b->tp[i].name, b->tp[i].why);
}

/* Print text, whose lines are "- " sentences, wrapped at 78 columns. */
static void
print_wrapped(const char *text)
{
    while (*text) {
        size_t len = strcspn(text, "\n"), col = 0;
        const char *end = text + len;

        while (text < end) {
            size_t word = strcspn(text, " \n");

            if (word > (size_t)(end - text))
                word = (size_t)(end - text);
            if (col > 0 && col + 1 + word > 78) {
                printf("\n  ");
                col = 2;
            } else if (col > 0) {
                putchar(' ');
                col++;
            }
            printf("%.*s", (int)word, text);
            col += word;
            text += word;
            while (*text == ' ')
                text++;
        }
        putchar('\n');
        text += *text == '\n';
    }
}

static void
print_findings(const struct bench *b)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    if (f == NULL)
        err_exit("open_memstream");
    write_findings(f, b);
    fclose(f);
    printf("\nWhat %s shows\n", b->replay ? "the recorded run" : "this run");
    print_wrapped(text);
    free(text);
}

/* The three figures to compare the transports with. */
static void
print_references(const struct bench *b)
{
    int L = NSIZES - 1;

    printf("\nTo compare with (the best of %d short batches each)\n",
           b->quick ? quick_budget.limit_batches : full_budget.limit_batches);
    printf("  memcpy() of %s in one CPU's cache (the ceiling):  %.2f GB/s\n",
           size_name(bench_sizes[L]), b->memcpy_gbps[L]);
    if (b->spin_gbps[L] > 0)
        printf("  copying %s from CPU to CPU, spinning:           %.2f GB/s\n",
               size_name(bench_sizes[L]), b->spin_gbps[L]);
    if (b->line_rtt_us > 0)
        printf("  one cache line to the other CPU and back:         %.3f us\n", b->line_rtt_us);
}

/* ---- Recorded runs ---- */

/* The figures as text, a line each: a name, then values. A recorded run
   (--record) is this file; --replay and --compare read it back. */
static void
write_data(FILE *f, const struct bench *b)
{
    fprintf(f, "# ipcbench figures (chapter 10): GB/s, microseconds, one value per size\n");
    fprintf(f, "ipcbench-data 1\n");
    fprintf(f, "date %s\ncpus %s\nkernel %s\n", b->date, b->cpus, b->kernel);
    fprintf(f, "instances %d\nquick %d\n", b->instances, b->quick);
    fprintf(f, "others_pct %.1f\nsteal_pct %.1f\n", b->others_pct, b->steal_pct);
    fprintf(f, "sizes");
    for (int s = 0; s < NSIZES; s++)
        fprintf(f, " %zu", bench_sizes[s]);
    fprintf(f, "\nmemcpy_gbps");
    for (int s = 0; s < NSIZES; s++)
        fprintf(f, " %.4f", b->memcpy_gbps[s]);
    fprintf(f, "\nspin_gbps");
    for (int s = 0; s < NSIZES; s++)
        fprintf(f, " %.4f", b->spin_gbps[s]);
    fprintf(f, "\nline_rtt_us %.4f\n", b->line_rtt_us);
    for (int i = 0; i < b->ntp; i++) {
        if (!b->tp[i].ok) {
            fprintf(f, "failed %s %s\n", b->tp[i].name, b->tp[i].why);
            continue;
        }
        fprintf(f, "rtt_us %s", b->tp[i].name);
        for (int s = 0; s < NSIZES; s++)
            fprintf(f, " %.4f", b->tp[i].rtt_us[s]);
        fprintf(f, "\ngbps %s", b->tp[i].name);
        for (int s = 0; s < NSIZES; s++)
            fprintf(f, " %.4f", b->tp[i].gbps[s]);
        fprintf(f, "\n");
    }
}

/* Write b to path, whole or not at all (a temporary file renamed). */
static void
save_data(const struct bench *b, const char *path)
{
    char tmp[4096];
    FILE *f;

    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    f = fopen(tmp, "w");
    if (f == NULL)
        err_exit("%s", tmp);
    write_data(f, b);
    if (ferror(f) | fclose(f) || rename(tmp, path) == -1)
        err_exit("%s", path);
}

/* The transport named name in b, made if it is not there yet. */
static struct tp_result *
result_named(struct bench *b, const char *name)
{
    for (int i = 0; i < b->ntp; i++)
        if (strcmp(b->tp[i].name, name) == 0)
            return &b->tp[i];
    if (b->ntp == MAX_TRANSPORTS || strlen(name) >= sizeof b->tp[0].name)
        return NULL;
    snprintf(b->tp[b->ntp].name, sizeof b->tp[0].name, "%s", name);
    return &b->tp[b->ntp++];
}

/* Read NSIZES numbers from s into v; false if there are not exactly that many. */
static bool
read_values(const char *s, double *v)
{
    int n = 0, used;
    double x;

    while (sscanf(s, " %lf%n", &x, &used) == 1) {
        if (n == NSIZES)
            return false;
        v[n++] = x;
        s += used;
    }
    return n == NSIZES && strspn(s, " \n") == strlen(s);
}

/* Read a file of write_data() into b; exit with the line that is wrong. */
static void
load_data(struct bench *b, const char *path)
{
    char line[512], key[32], name[32];
    int lineno = 0, version = 0, used;
    FILE *f = fopen(path, "r");

    if (f == NULL)
        err_exit("%s", path);
    *b = (struct bench){ .replay = true };
    while (fgets(line, sizeof line, f)) {
        char *rest;
        struct tp_result *r;
        size_t sizes[NSIZES + 1];
        int n = 0;
        bool good = true;

        lineno++;
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (sscanf(line, "%31s%n", key, &used) != 1)
            continue;
        rest = line + used + (line[used] == ' ');
        if (strcmp(key, "ipcbench-data") == 0)
            good = sscanf(rest, "%d", &version) == 1 && version == 1;
        else if (version != 1)
            good = false;
        else if (strcmp(key, "date") == 0)
            snprintf(b->date, sizeof b->date, "%s", rest);
        else if (strcmp(key, "cpus") == 0)
            snprintf(b->cpus, sizeof b->cpus, "%s", rest);
        else if (strcmp(key, "kernel") == 0)
            snprintf(b->kernel, sizeof b->kernel, "%s", rest);
        else if (strcmp(key, "instances") == 0)
            good = sscanf(rest, "%d", &b->instances) == 1;
        else if (strcmp(key, "quick") == 0)
            good = sscanf(rest, "%d", &n) == 1, b->quick = n != 0;
        else if (strcmp(key, "others_pct") == 0)
            good = sscanf(rest, "%lf", &b->others_pct) == 1;
        else if (strcmp(key, "steal_pct") == 0)
            good = sscanf(rest, "%lf", &b->steal_pct) == 1;
        else if (strcmp(key, "sizes") == 0) {
            for (char *p = rest; n <= NSIZES && sscanf(p, " %zu%n", &sizes[n], &used) == 1;
                 p += used)
                n++;
            good = n == NSIZES && memcmp(sizes, bench_sizes, sizeof bench_sizes) == 0;
        } else if (strcmp(key, "memcpy_gbps") == 0)
            good = read_values(rest, b->memcpy_gbps);
        else if (strcmp(key, "spin_gbps") == 0)
            good = read_values(rest, b->spin_gbps);
        else if (strcmp(key, "line_rtt_us") == 0)
            good = sscanf(rest, "%lf", &b->line_rtt_us) == 1;
        else if ((strcmp(key, "rtt_us") == 0 || strcmp(key, "gbps") == 0 ||
                  strcmp(key, "failed") == 0) &&
                 sscanf(rest, "%31s%n", name, &used) == 1 &&
                 (r = result_named(b, name)) != NULL) {
            if (strcmp(key, "failed") == 0) {
                r->ok = false;
                snprintf(r->why, sizeof r->why, "%s", rest + used + (rest[used] == ' '));
            } else {
                r->ok = true;
                good = read_values(rest + used, key[0] == 'r' ? r->rtt_us : r->gbps);
            }
        } else
            good = false;
        if (!good)
            fatal("%s, line %d: not a line of a recorded run: %s", path, lineno, line);
    }
    fclose(f);
    if (version != 1 || b->ntp == 0 || b->memcpy_gbps[NSIZES - 1] <= 0 || !b->date[0])
        fatal("%s: not a recorded run of ipcbench (no version, date, memcpy() or transport)",
              path);
}

/* A reference run must be one a reader can trust: measured on a quiet
   machine, every transport measured, and figures that agree with what
   must hold whatever the machine (no transport beats memcpy() in cache;
   the spinning copy, sysv-shm's ring without its semaphores, is not
   slower than sysv-shm; no round trip beats the cache line's), and with
   what chapter 10 says (sysv-shm carries the most at 1 MiB). Print each
   problem; return how many there were. */
static int
check_plausible(const struct bench *b)
{
    int problems = 0, L = NSIZES - 1, shm = find_result(b, "sysv-shm"), other = fastest(b, L, false);

#define PROBLEM(...) (problems++, printf("  - " __VA_ARGS__), putchar('\n'))
    if (b->quick || b->instances < 3)
        PROBLEM("a quick run: a reference run measures three instances of each transport");
    if (b->others_pct > 5)
        PROBLEM("other programs used %.0f%% of the processors' time while it ran (at most 5%%)",
                b->others_pct);
    if (b->steal_pct > 5)
        PROBLEM("the hypervisor took %.0f%% of the processors' time (steal; at most 5%%)",
                b->steal_pct);
    for (int i = 0; i < b->ntp; i++)
        if (!b->tp[i].ok)
            PROBLEM("%s was not measured: %s", b->tp[i].name, b->tp[i].why);
    if (shm < 0)
        PROBLEM("no sysv-shm: build ipcbench with the exercise's reference solution");
    for (int i = 0; i < b->ntp; i++)
        for (int s = 0; s < NSIZES && b->tp[i].ok; s++)
            if (b->tp[i].gbps[s] > b->memcpy_gbps[s])
                PROBLEM("%s carried more at %s (%.3f GB/s) than memcpy() copies in cache "
                        "(%.3f GB/s)", b->tp[i].name, size_name(bench_sizes[s]),
                        b->tp[i].gbps[s], b->memcpy_gbps[s]);
    if (b->spin_gbps[L] <= 0 || b->line_rtt_us <= 0)
        PROBLEM("the spinning copy or the cache line was not measured (one CPU?)");
    else if (shm >= 0 && b->spin_gbps[L] < b->tp[shm].gbps[L])
        PROBLEM("the spinning copy (%.2f GB/s) was slower than sysv-shm (%.2f GB/s) at %s: "
                "something took its processors", b->spin_gbps[L], b->tp[shm].gbps[L],
                size_name(bench_sizes[L]));
    for (int i = 0; i < b->ntp && b->line_rtt_us > 0; i++)
        if (b->tp[i].ok && b->tp[i].rtt_us[0] < b->line_rtt_us)
            PROBLEM("%s's round trip at %s (%.3f us) beat the cache line's (%.3f us)",
                    b->tp[i].name, size_name(bench_sizes[0]), b->tp[i].rtt_us[0],
                    b->line_rtt_us);
    if (shm >= 0 && other >= 0 && b->tp[shm].gbps[L] <= b->tp[other].gbps[L])
        PROBLEM("sysv-shm (%.2f GB/s) did not carry more than %s (%.2f GB/s) at %s, as "
                "chapter 10 says it does", b->tp[shm].gbps[L], b->tp[other].name,
                b->tp[other].gbps[L], size_name(bench_sizes[L]));
#undef PROBLEM
    return problems;
}

/* The figures of b beside those of a recorded run, for the transports both have. */
static void
print_comparison(const struct bench *b, const char *path)
{
    static struct bench ref;
    int L = NSIZES - 1;

    load_data(&ref, path);
    printf("\nThis run beside the recorded one in %s\n(%s, %s, %s)\n", path, ref.date, ref.cpus,
           ref.kernel);
    printf("%-10s %24s %24s\n", "", "round trip at 8 B, us", "throughput at 1 MiB, GB/s");
    printf("%-10s %11s %12s %11s %12s\n", "", "here", "recorded", "here", "recorded");
    for (int i = 0; i < b->ntp; i++) {
        int k = find_result(&ref, b->tp[i].name);

        if (!b->tp[i].ok)
            continue;
        printf("%-10s %11.1f", b->tp[i].name, b->tp[i].rtt_us[0]);
        if (k >= 0)
            printf(" %12.1f", ref.tp[k].rtt_us[0]);
        else
            printf(" %12s", "-");
        printf(" %11.2f", b->tp[i].gbps[L]);
        if (k >= 0)
            printf(" %12.2f\n", ref.tp[k].gbps[L]);
        else
            printf(" %12s\n", "-");
    }
    printf("%-10s %11s %12s %11.2f %12.2f\n", "memcpy()", "-", "-", b->memcpy_gbps[L],
           ref.memcpy_gbps[L]);
    printf("Another machine, another kernel or other programs running make other figures;\n"
           "what to compare is the order of the transports and the ratios between them.\n");
}

static const struct transport_ops *
find_transport(const char *name)
{
    const struct transport_ops *all[] = { &transport_pipe, &transport_unix, &transport_sysv_msg,
                                          &transport_posix_mq, &transport_shm_fast,
                                          &transport_sysv_shm, &transport_shm_poll };

    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i] != NULL && strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}

__attribute__((noreturn)) static void
usage(void)
{
    usage_err("[--quick] [--svg FILE] [--only NAME,...] [--data FILE] [--compare FILE]\n"
              "       ipcbench --record FILE [--svg FILE]\n"
              "       ipcbench --replay FILE [--svg FILE] [--verify]\n"
              "NAME   pipe, unix, sysv-msg, posix-mq, shm-fast%s\n",
              &transport_sysv_shm != NULL ? ", sysv-shm, shm-poll" : "");
}

/* Measure every transport of b (b->tp[].ops) and the figures to compare
   them with, printing as it goes. */
static void
measure_all(struct bench *b)
{
    static char text[8192];
    struct cpu_time start, end;
    time_t t = time(NULL);

    cpu_time_now(&start);
    strftime(b->date, sizeof b->date, "%Y-%m-%d", gmtime(&t));
    b->instances = budget->instances;
    b->quick = budget == &quick_budget;
    private_ipc();
    choose_cpus();
    describe_machine(b);
    printf("ipcbench: %s, %s\n", b->cpus, b->kernel);
    if (cpu_a >= 0)
        printf("the parent runs on CPU %d, the child on CPU %d\n", cpu_a, cpu_b);
    else
        printf("one CPU: parent and child take turns on it\n");
    if (b->quick)
        printf("a quick run (a few seconds): make bench measures longer\n");
    fflush(stdout);

    if (measure_apart(measure_memcpy, NULL, budget->timeout, text, sizeof text) != 0)
        fatal("memcpy() could not be measured");
    for (const char *line = text; (line = strstr(line, "memcpy ")) != NULL; line++) {
        int i;
        double v;

        if (sscanf(line, "memcpy %d %lf", &i, &v) == 2 && i >= 0 && i < NSIZES)
            b->memcpy_gbps[i] = v;
    }
    if (cpu_a >= 0 && measure_apart(measure_cache_line, NULL, budget->timeout, text,
                                     sizeof text) == 0)
        sscanf(text, "line %lf", &b->line_rtt_us);
    if (cpu_a >= 0 && measure_apart(measure_spin_copy, NULL, budget->timeout, text,
                                     sizeof text) == 0)
        for (const char *line = text; (line = strstr(line, "spin ")) != NULL; line++) {
            int i;
            double v;

            if (sscanf(line, "spin %d %lf", &i, &v) == 2 && i >= 0 && i < NSIZES)
                b->spin_gbps[i] = v;
        }
    print_references(b);
    for (int i = 0; i < b->ntp; i++)
        measure_instances(&b->tp[i], text, sizeof text);
    cpu_time_now(&end);
    cpu_time_others(b, &start, &end);
}

int
main(int argc, char *argv[])
{
    static struct bench b;
    const char *svg = NULL, *data = NULL, *compare = NULL, *record = NULL, *replay = NULL;
    const char *only = "pipe,unix,sysv-msg,posix-mq,shm-fast,sysv-shm,shm-poll";
    char names[256];
    bool named = false, verify = false;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            budget = &quick_budget;
        else if (strcmp(argv[i], "--svg") == 0 && i + 1 < argc)
            svg = argv[++i];
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i], named = true;
        else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            data = argv[++i];
        else if (strcmp(argv[i], "--compare") == 0 && i + 1 < argc)
            compare = argv[++i];
        else if (strcmp(argv[i], "--record") == 0 && i + 1 < argc)
            record = argv[++i];
        else if (strcmp(argv[i], "--replay") == 0 && i + 1 < argc)
            replay = argv[++i];
        else if (strcmp(argv[i], "--verify") == 0)
            verify = true;
        else
            usage();
    }
    if ((record || replay) && (budget == &quick_budget || named || data || compare))
        usage();
    if ((record && replay) || (verify && !replay))
        usage();

    if (replay) {
        load_data(&b, replay);
        printf("ipcbench: a recorded run, measured on %s: %s, %s\n", b.date, b.cpus, b.kernel);
        print_references(&b);
    } else {
        snprintf(names, sizeof names, "%s", only);
        for (char *save, *name = strtok_r(names, ",", &save); name;
             name = strtok_r(NULL, ",", &save)) {
            const struct transport_ops *ops = find_transport(name);

            if (ops == NULL && (named || (strcmp(name, "sysv-shm") && strcmp(name, "shm-poll"))))
                usage();
            if (ops != NULL && b.ntp < MAX_TRANSPORTS) {
                b.tp[b.ntp].ops = ops;
                snprintf(b.tp[b.ntp++].name, sizeof b.tp[0].name, "%s", ops->name);
            }
        }
        measure_all(&b);
    }
    print_tables(&b);
    print_findings(&b);
    if (svg && chart_write(&b, svg) == -1)
        err_exit("%s", svg);
    if (data)
        save_data(&b, data);
    if (compare)
        print_comparison(&b, compare);
    if (verify) {
        printf("\nThe checks of a reference run (other programs: %.1f%% of the processors' "
               "time, steal %.1f%%):\n", b.others_pct, b.steal_pct);
        if (check_plausible(&b) > 0)
            return 1;
        printf("  every check passed\n");
    }
    if (record) {
        printf("\nA reference run must be measured on a quiet machine and agree with what\n"
               "must hold on any machine (other programs: %.1f%% of the processors' time, "
               "steal %.1f%%):\n", b.others_pct, b.steal_pct);
        if (check_plausible(&b) > 0) {
            printf("not recorded: %s is unchanged\n", record);
            return 1;
        }
        printf("  every check passed\n");
        save_data(&b, record);
        printf("recorded: %s\n", record);
    }
    return 0;
}
