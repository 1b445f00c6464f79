/* check_proctree.c: a process's descendants read from /proc, and a child
 * subreaper ending all of them however they forked (container mode). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proctree.h"
#include "unit.h"

/* A child that forks a grandchild; both sleep. The pipe says when both are
 * there. Return the child's pid; *grandchild set. */
static pid_t
start_family(pid_t *grandchild, bool child_leaves)
{
    int fds[2];
    pid_t child, g = 0;

    ck_assert_int_eq(pipe(fds), 0);
    child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        pid_t mine = fork();

        if (mine == 0) {
            close(fds[0]);
            close(fds[1]);
            pause();
            _exit(0);
        }
        write(fds[1], &mine, sizeof mine);
        if (child_leaves)
            _exit(0);           /* its child becomes an orphan */
        pause();
        _exit(0);
    }
    close(fds[1]);
    ck_assert_int_eq(read(fds[0], &g, sizeof g), (ssize_t)sizeof g);
    close(fds[0]);
    *grandchild = g;
    return child;
}

static bool
has(const pid_t *pids, long n, pid_t pid)
{
    for (long i = 0; i < n; i++)
        if (pids[i] == pid)
            return true;
    return false;
}

START_TEST(lists_children_and_grandchildren)
{
    pid_t grandchild, child = start_family(&grandchild, false), found[64];
    long n = proctree_descendants(getpid(), found, 64);

    ck_assert_int_ge(n, 2);
    ck_assert(has(found, n, child));
    ck_assert(has(found, n, grandchild));
    ck_assert(!has(found, n, getpid()));
    ck_assert_int_eq(proctree_descendants(grandchild, found, 64), 0);
    ck_assert_int_gt(proctree_memory_kib(getpid()), 0);
    kill(grandchild, SIGKILL);
    kill(child, SIGKILL);
    while (wait(NULL) > 0 || errno == EINTR)
        ;
}
END_TEST

START_TEST(a_subreaper_ends_orphans_too)
{
    pid_t grandchild, child, found[64];

    ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    child = start_family(&grandchild, true);
    ck_assert_int_eq(waitpid(child, NULL, 0), child);
    /* The orphan came to us, not to init. */
    ck_assert(has(found, proctree_descendants(getpid(), found, 64), grandchild));
    proctree_kill_children();
    ck_assert_int_eq(proctree_descendants(getpid(), found, 64), 0);
    ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
    ck_assert_int_eq(errno, ECHILD);
}
END_TEST

Suite *
proctree_suite(void)
{
    Suite *s = suite_create("proctree");
    TCase *tc = tcase_create("proctree");

    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, lists_children_and_grandchildren);
    if (unit_emulated())
        unit_skip(a_subreaper_ends_orphans_too->name, "qemu-user refuses "
                  "PR_SET_CHILD_SUBREAPER to its guest");
    else
        tcase_add_test(tc, a_subreaper_ends_orphans_too);
    suite_add_tcase(s, tc);
    return s;
}
