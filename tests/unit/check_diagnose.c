/* check_diagnose.c: saying where a stuck process is. */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/wait.h>
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

START_TEST(names_blocking_ipc_calls)
{
    ck_assert_str_eq(words("70 0x3 0x7ffc1 0x10 0x2 0x0 0x0 0x7ffd 0x7f1", 'S'),
                     "blocked in msgrcv() on queue 3 waiting for a message of type 2 "
                     "(nobody sent one; use IPC_NOWAIT if you must not wait)");
    ck_assert_ptr_nonnull(strstr(words("70 0x3 0x7ffc1 0x10 0xfffffffffffffffb 0x0 0x0 0x1 0x2",
                                       'S'), "of type 5 or lower"));
    ck_assert_ptr_nonnull(strstr(words("70 0x3 0x7ffc1 0x10 0x0 0x0 0x0 0x1 0x2", 'S'),
                                 "waiting for any message"));
    ck_assert_ptr_nonnull(strstr(words("69 0x16 0x7ffc1 0x10 0x0 0x0 0x0 0x1 0x2", 'S'),
                                 "blocked in msgsnd() on queue 22: the queue is full"));
    ck_assert_ptr_nonnull(strstr(words("220 0x13 0x7ffc1 0x1 0x0 0x0 0x0 0x1 0x2", 'S'),
                                 "blocked in semop() on semaphore set 19"));
    ck_assert_ptr_nonnull(strstr(words("43 0x3 0x0 0x0 0x0 0x0 0x0 0x1 0x2", 'S'),
                                 "accept()"));
}
END_TEST

START_TEST(names_other_states)
{
    ck_assert_ptr_nonnull(strstr(words("running", 'R'), "endless loop"));
    ck_assert_ptr_nonnull(strstr(words("0 0x0 0x0 0x0 0x0 0x0 0x0 0x1 0x2", 'T'), "stopped"));
    ck_assert_ptr_nonnull(strstr(words("-1 0x7ffc 0x7f1", 'S'), "not inside a system call"));
    ck_assert_ptr_nonnull(strstr(words("230 0x0 0x0 0x0 0x0 0x0 0x0 0x1 0x2", 'S'),
                                 "sleeping"));
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

Suite *
diagnose_suite(void)
{
    Suite *s = suite_create("diagnose");
    TCase *tc = tcase_create("words");

    tcase_add_test(tc, names_blocking_ipc_calls);
    tcase_add_test(tc, names_other_states);
    tcase_add_test(tc, diagnoses_live_processes);
    suite_add_tcase(s, tc);
    return s;
}
