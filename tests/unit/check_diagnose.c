/* check_diagnose.c: saying where a stuck process is. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "diagnose.h"
#include "ipcstate.h"
#include "ns.h"
#include "util.h"
#include "unit.h"

static char *
words(const char *syscall_text, char state)
{
    static struct strbuf sb;

    sb_free(&sb);
    diagnose_text(0, syscall_text, state, &sb);
    return sb.buf;
}

/* What the grader says of system call nr of arch, with arguments a. */
static char *
words_as(enum diag_arch arch, long nr, unsigned long a0, unsigned long a1, unsigned long a2)
{
    static struct strbuf sb;
    const unsigned long a[6] = { a0, a1, a2, 0, 0, 0 };

    sb_free(&sb);
    diagnose_syscall_as(arch, 0, nr, a, &sb);
    return sb.buf;
}

/* The calls the grader describes, with their numbers as each kernel's
 * headers give them: arch/x86/entry/syscalls/syscall_64.tbl and
 * include/uapi/asm-generic/unistd.h (aarch64's); -1: the architecture has
 * no such system call. On each architecture the test also checks its own
 * column against the C library's SYS_ macros. */
static const struct {
    const char *name;
    long x86_64, aarch64;
} numbers[] = {
    { "msgrcv", 70, 188 },          { "msgsnd", 69, 189 },
    { "semop", 65, 193 },           { "semtimedop", 220, 192 },
    { "pause", 34, -1 },            { "rt_sigsuspend", 130, 133 },
    { "poll", 7, -1 },              { "ppoll", 271, 73 },
    { "select", 23, -1 },           { "pselect6", 270, 72 },
    { "epoll_wait", 232, -1 },      { "epoll_pwait", 281, 22 },
    { "accept", 43, 202 },          { "accept4", 288, 242 },
    { "connect", 42, 203 },         { "read", 0, 63 },
    { "recvfrom", 45, 207 },        { "recvmsg", 47, 212 },
    { "write", 1, 64 },             { "sendto", 44, 206 },
    { "nanosleep", 35, 101 },       { "clock_nanosleep", 230, 115 },
    { "wait4", 61, 260 },           { "waitid", 247, 95 },
    { "futex", 202, 98 },           { "open", 2, -1 },
    { "openat", 257, 56 },
};

/* This architecture's SYS_name, -1 if it has none, -2 if the test does
 * not know this architecture. */
static long
sys_macro(const char *name)
{
#define HAS(n) if (strcmp(name, #n) == 0) return SYS_##n
#if defined(__x86_64__) || defined(__aarch64__)
    HAS(msgrcv); HAS(msgsnd); HAS(semop); HAS(semtimedop); HAS(rt_sigsuspend);
    HAS(ppoll); HAS(pselect6); HAS(epoll_pwait); HAS(accept); HAS(accept4);
    HAS(connect); HAS(read); HAS(recvfrom); HAS(recvmsg); HAS(write); HAS(sendto);
    HAS(nanosleep); HAS(clock_nanosleep); HAS(wait4); HAS(waitid); HAS(futex); HAS(openat);
#endif
#if defined(__x86_64__)
    HAS(pause); HAS(poll); HAS(select); HAS(epoll_wait); HAS(open);
    return -1;
#elif defined(__aarch64__)
    return -1;
#else
    return -2;
#endif
#undef HAS
}

START_TEST(tables_number_the_calls_as_each_kernel)
{
    enum diag_arch self = diagnose_built_arch();

    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        const char *n = numbers[i].name;
        long mine = self == DIAG_ARCH_X86_64    ? numbers[i].x86_64
                    : self == DIAG_ARCH_AARCH64 ? numbers[i].aarch64
                                                : -2;

        ck_assert_msg(diagnose_syscall_nr(DIAG_ARCH_X86_64, n) == numbers[i].x86_64,
                      "x86_64 %s: table %ld, kernel %ld", n,
                      diagnose_syscall_nr(DIAG_ARCH_X86_64, n), numbers[i].x86_64);
        ck_assert_msg(diagnose_syscall_nr(DIAG_ARCH_AARCH64, n) == numbers[i].aarch64,
                      "aarch64 %s: table %ld, kernel %ld", n,
                      diagnose_syscall_nr(DIAG_ARCH_AARCH64, n), numbers[i].aarch64);
        if (mine != -2)
            ck_assert_msg(sys_macro(n) == mine, "%s: SYS_%s is %ld here, the test says %ld",
                          diagnose_arch_name(self), n, sys_macro(n), mine);
        if (numbers[i].aarch64 >= 0)
            ck_assert_str_eq(diagnose_syscall_name(DIAG_ARCH_AARCH64, numbers[i].aarch64), n);
        ck_assert_str_eq(diagnose_syscall_name(DIAG_ARCH_X86_64, numbers[i].x86_64), n);
    }
    ck_assert_int_eq(diagnose_syscall_nr(DIAG_ARCH_OTHER, "msgrcv"), -1);
#if defined(__x86_64__)
    ck_assert_int_eq(self, DIAG_ARCH_X86_64);
#elif defined(__aarch64__)
    ck_assert_int_eq(self, DIAG_ARCH_AARCH64);
#endif
}
END_TEST

/* The words are the same on both: what the student wrote, whatever system
 * call glibc made of it there. */
START_TEST(tables_say_the_same_words_on_each_arch)
{
    const enum diag_arch arches[] = { DIAG_ARCH_X86_64, DIAG_ARCH_AARCH64 };

    for (size_t i = 0; i < 2; i++) {
        enum diag_arch ar = arches[i];
#define NR(name) diagnose_syscall_nr(ar, name)
        ck_assert_str_eq(words_as(ar, NR("msgrcv"), 3, 0x7ff, 16), "blocked in msgrcv() on queue "
                         "3 waiting for any message (nobody sent one; use IPC_NOWAIT if you must "
                         "not wait)");
        ck_assert_str_eq(words_as(ar, NR("msgsnd"), 22, 0x7ff, 16),
                         "blocked in msgsnd() on queue 22: the queue is full (msg_qbytes "
                         "reached) and nobody reads it");
        ck_assert_str_eq(words_as(ar, NR("semop"), 19, 0, 1),
                         "blocked in semop() on semaphore set 19");
        ck_assert_str_eq(words_as(ar, NR("semtimedop"), 19, 0, 1),
                         "blocked in semop() on semaphore set 19");
        ck_assert_str_eq(words_as(ar, NR("accept"), 3, 0, 0),
                         "blocked in accept() on descriptor 3: waiting for a client to connect");
        ck_assert_str_eq(words_as(ar, NR("accept4"), 3, 0, 0),
                         "blocked in accept() on descriptor 3: waiting for a client to connect");
        ck_assert_str_eq(words_as(ar, NR("read"), 4, 0, 0),
                         "blocked in read() on descriptor 4: waiting for data that never came");
        ck_assert_str_eq(words_as(ar, NR("recvfrom"), 4, 0, 0),
                         "blocked in recv() on descriptor 4: waiting for data that never came");
        ck_assert_str_eq(words_as(ar, NR("nanosleep"), 0, 0, 0),
                         "sleeping in sleep()/nanosleep()");
        ck_assert_str_eq(words_as(ar, NR("clock_nanosleep"), 0, 0, 0),
                         "sleeping in sleep()/nanosleep()");
        ck_assert_str_eq(words_as(ar, NR("rt_sigsuspend"), 0, 0, 0),
                         "waiting in pause() for a signal that never came");
        /* pause(): its own system call on x86_64, ppoll(NULL, 0, NULL,
         * NULL) on aarch64 (glibc's sysdeps/unix/sysv/linux/pause.c) */
        ck_assert_str_eq(words_as(ar, NR("ppoll"), 0, 0, 0),
                         "waiting in pause() for a signal that never came");
        ck_assert_str_eq(words_as(ar, NR("wait4"), 0, 0, 0),
                         "waiting in wait()/waitpid() for a child process that does not exit");
        ck_assert_str_eq(words_as(ar, NR("openat"), 0, 0, 0),
                         "blocked in open(): opening a FIFO that has no other end yet?");
#undef NR
    }
    ck_assert_str_eq(words_as(DIAG_ARCH_X86_64, 34, 0, 0, 0),
                     "waiting in pause() for a signal that never came");
    /* poll(): its own call on x86_64, ppoll on aarch64; with no
     * descriptor, nothing is read from the (absent) process */
    ck_assert_str_eq(words_as(DIAG_ARCH_X86_64, 7, 0, 0, 0xffffffff),
                     "waiting in poll() on no descriptor at all: a sleep that never ends");
    ck_assert_str_eq(words_as(DIAG_ARCH_AARCH64, 73, 0, 0, 0x7ff0),
                     "waiting in poll() on no descriptor at all: a sleep that never ends");
    ck_assert_str_eq(words_as(DIAG_ARCH_X86_64, 23, 1, 0, 0),
                     "waiting in select() for a descriptor to become ready");
    ck_assert_str_eq(words_as(DIAG_ARCH_AARCH64, 72, 1, 0, 0),
                     "waiting in select() for a descriptor to become ready");
    ck_assert_str_eq(words_as(DIAG_ARCH_X86_64, 232, 99, 0, 0),
                     "waiting in epoll_wait() for a descriptor to become ready");
    ck_assert_str_eq(words_as(DIAG_ARCH_AARCH64, 22, 99, 0, 0),
                     "waiting in epoll_wait() for a descriptor to become ready");
    /* a number a table does not have, and an architecture with no table */
    ck_assert_str_eq(words_as(DIAG_ARCH_AARCH64, 70, 3, 0, 0), "blocked in system call 70");
    ck_assert_str_eq(words_as(DIAG_ARCH_OTHER, 70, 3, 0, 0),
                     "blocked in system call 70 (the grader knows no system call names on "
                     "this architecture)");
}
END_TEST

/* A line of /proc/PID/syscall: system call name (in this kernel's
 * numbering, which is x86_64's under qemu-user) and its arguments. */
static char *
line(const char *name, const char *args)
{
    static char text[256];

    snprintf(text, sizeof text, "%ld %s", diagnose_syscall_nr(diagnose_arch(), name), args);
    return text;
}

START_TEST(names_blocking_ipc_calls)
{
    ck_assert_str_eq(words(line("msgrcv", "0x3 0x7ffc1 0x10 0x2 0x0 0x0 0x7ffd 0x7f1"), 'S'),
                     "blocked in msgrcv() on queue 3 waiting for a message of type 2 "
                     "(nobody sent one; use IPC_NOWAIT if you must not wait)");
    ck_assert_ptr_nonnull(strstr(words(line("msgrcv", "0x3 0x7ffc1 0x10 0xfffffffffffffffb "
                                                      "0x0 0x0 0x1 0x2"),
                                       'S'), "of type 5 or lower"));
    ck_assert_ptr_nonnull(strstr(words(line("msgrcv", "0x3 0x7ffc1 0x10 0x0 0x0 0x0 0x1 0x2"),
                                       'S'), "waiting for any message"));
    ck_assert_ptr_nonnull(strstr(words(line("msgsnd", "0x16 0x7ffc1 0x10 0x0 0x0 0x0 0x1 0x2"),
                                       'S'), "blocked in msgsnd() on queue 22: the queue is full"));
    ck_assert_ptr_nonnull(strstr(words(line("semtimedop", "0x13 0x7ffc1 0x1 0x0 0x0 0x0 0x1 0x2"),
                                       'S'), "blocked in semop() on semaphore set 19"));
    ck_assert_ptr_nonnull(strstr(words(line("accept", "0x3 0x0 0x0 0x0 0x0 0x0 0x1 0x2"), 'S'),
                                 "accept()"));
}
END_TEST

START_TEST(names_other_states)
{
    ck_assert_ptr_nonnull(strstr(words("running", 'R'), "endless loop"));
    ck_assert_ptr_nonnull(strstr(words("0 0x0 0x0 0x0 0x0 0x0 0x0 0x1 0x2", 'T'), "stopped"));
    ck_assert_ptr_nonnull(strstr(words("-1 0x7ffc 0x7f1", 'S'), "not inside a system call"));
    ck_assert_ptr_nonnull(strstr(words(line("clock_nanosleep", "0x0 0x0 0x0 0x0 0x0 0x0 0x1 0x2"),
                                       'S'), "sleeping"));
    ck_assert_ptr_nonnull(strstr(words("garbage", 'S'), "not inside a system call"));
}
END_TEST

/* Wait (up to 5 s, for a loaded machine) until pid is blocked in call. */
static void
wait_until_blocked(pid_t pid, const char *call)
{
    for (int i = 0; i < 500; i++) {
        struct strbuf sb = { 0 };
        int found = diagnose_pid(pid, &sb) == 0 && strstr(sb_str(&sb), call) != NULL;

        sb_free(&sb);
        if (found)
            return;
        usleep(10000);
    }
}

/* A real process blocked in msgrcv() and in semop(), seen through /proc. */
START_TEST(diagnoses_live_processes)
{
    struct strbuf sb = { 0 };
    int q, sem;
    pid_t a, b;

    ck_assert_int_eq(enter_private_ipc(), 0);
    q = msgget(IPC_PRIVATE, 0600);
    sem = semget(IPC_PRIVATE, 1, 0600);
    ck_assert_int_ge(q, 0);
    ck_assert_int_ge(sem, 0);
    if ((a = fork()) == 0) {
        struct { long type; char text[16]; } m;

        msgrcv(q, &m, sizeof m.text, 7, 0);
        _exit(0);
    }
    if ((b = fork()) == 0) {
        struct sembuf down = { 0, -1, 0 };

        semop(sem, &down, 1);
        _exit(0);
    }
    wait_until_blocked(a, "msgrcv()");
    wait_until_blocked(b, "semop()");
    ck_assert_int_eq(diagnose_pid(a, &sb), 0);
    ck_assert_ptr_nonnull(strstr(sb_str(&sb), "msgrcv() on queue"));
    ck_assert_ptr_nonnull(strstr(sb_str(&sb), "type 7"));
    sb_free(&sb);
    ck_assert_int_eq(diagnose_pid(b, &sb), 0);
    ck_assert_ptr_nonnull(strstr(sb_str(&sb), "waiting to take 1 from semaphore 0"));
    sb_free(&sb);
    diagnose_tree(getpid(), &sb);
    ck_assert_ptr_nonnull(strstr(sb_str(&sb), "msgrcv()"));
    ck_assert_ptr_nonnull(strstr(sb_str(&sb), "semop()"));
    sb_free(&sb);
    kill(a, SIGKILL);
    kill(b, SIGKILL);
    waitpid(a, NULL, 0);
    waitpid(b, NULL, 0);
    ck_assert_int_eq(diagnose_pid(a, &sb), -1);     /* gone */
    sb_free(&sb);
}
END_TEST

/* A process's processor time: a spinning child's grows, one asleep keeps
 * what it had, a gone one has none. */
START_TEST(counts_processor_time)
{
    pid_t spinner, sleeper;
    double spun = -1;

    /* Neither outlives the test, should an assertion end it first. */
    if ((spinner = fork()) == 0) {
        time_t end = time(NULL) + 10;

        prctl(PR_SET_PDEATHSIG, SIGKILL);
        while (time(NULL) < end)
            ;
        _exit(0);
    }
    if ((sleeper = fork()) == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        sleep(10);
        _exit(0);
    }
    for (int i = 0; i < 500 && spun < 0.2; i++) {     /* 5 s at most, on a busy machine */
        usleep(10000);
        spun = diagnose_cpu_seconds(spinner);
    }
    ck_assert_double_ge(spun, 0.2);
    ck_assert_double_lt(diagnose_cpu_seconds(sleeper), 0.1);
    ck_assert_double_ge(diagnose_cpu_seconds(getpid()), 0);
    kill(spinner, SIGKILL);
    kill(sleeper, SIGKILL);
    waitpid(spinner, NULL, 0);
    waitpid(sleeper, NULL, 0);
    ck_assert_double_eq(diagnose_cpu_seconds(spinner), -1);     /* gone */
}
END_TEST

Suite *
diagnose_suite(void)
{
    Suite *s = suite_create("diagnose");
    TCase *tc = tcase_create("words");

    tcase_add_test(tc, tables_number_the_calls_as_each_kernel);
    tcase_add_test(tc, tables_say_the_same_words_on_each_arch);
    tcase_add_test(tc, names_blocking_ipc_calls);
    tcase_add_test(tc, names_other_states);
    tcase_add_test(tc, counts_processor_time);
    if (unit_no_namespaces())
        unit_skip("diagnoses_live_processes", unit_no_namespaces());
    else
        tcase_add_test(tc, diagnoses_live_processes);
    suite_add_tcase(s, tc);
    return s;
}
