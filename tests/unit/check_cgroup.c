/* check_cgroup.c: control groups (cgroup.c). The parser of the OOM kill
 * count on the texts v1 and v2 write; and, where this process may make a
 * group (root on a machine with a memory controller), a group's whole life:
 * made, bounded, joined by a child, which is killed by the kernel when it
 * touches more than the bound, seen in the peak and the OOM count, removed. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "unit.h"

START_TEST(parses_oom_kills)
{
    ck_assert_int_eq(cgroup_parse_oom_kills("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n"), 3);
    ck_assert_int_eq(cgroup_parse_oom_kills("low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\n"
                                            "oom_group_kill 0\n"), 2);
    ck_assert_int_eq(cgroup_parse_oom_kills("oom_kill 0"), 0);
    /* Not there, or not a count: unknown, not zero. */
    ck_assert_int_eq(cgroup_parse_oom_kills("oom_kill_disable 0\nunder_oom 0\n"), -1);
    ck_assert_int_eq(cgroup_parse_oom_kills("oom_kill x\n"), -1);
    ck_assert_int_eq(cgroup_parse_oom_kills("oom_kill -1\n"), -1);
    ck_assert_int_eq(cgroup_parse_oom_kills(""), -1);
    ck_assert_int_eq(cgroup_parse_oom_kills(NULL), -1);
}
END_TEST

/* A child in group g touches mib MiB; its wait status. */
static int
touch_in_group(const struct cgroup *g, size_t mib)
{
    int fds[2], status = 0;
    pid_t pid;

    ck_assert_int_eq(cgroup_open_join(g, fds), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char *p;

        if (cgroup_join(fds) == -1 || (p = malloc(mib << 20)) == NULL)
            _exit(3);
        memset(p, 1, mib << 20);
        __asm__ volatile("" : : "r"(p) : "memory");    /* the pages are used */
        _exit(0);
    }
    cgroup_close_join(fds);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return status;
}

/* Named by the runner's pid, so that its teardown (in the runner, after
 * the test's process) finds what a failing test left. */
static char unit_group[64];

static void
remove_unit_group(void)
{
    struct cgroup root;
    char why[512];

    if (cgroup_root(&root, unit_group, why, sizeof why) == 0)
        cgroup_remove(&root);
}

START_TEST(bounds_a_group_and_counts_its_oom_kills)
{
    struct cgroup root, test, run;
    char why[512];
    int status;

    ck_assert_msg(cgroup_root(&root, unit_group, why, sizeof why) == 0, "%s", why);
    ck_assert_int_eq(cgroup_make(&root, "t1", &test), 0);
    ck_assert_int_eq(cgroup_limit(&test, 64ULL << 20, 32), 0);
    ck_assert_int_eq(cgroup_make(&test, "r1", &run), 0);

    /* Under the bound: it lives, and its peak shows what it touched. */
    status = touch_in_group(&run, 16);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert_int_ge(cgroup_peak_kib(&run), 16 << 10);
    ck_assert_int_eq(cgroup_oom_kills(&run), 0);

    /* Over it: the kernel kills it, and says so in the run's group. */
    status = touch_in_group(&run, 256);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %#x", status);
    ck_assert_int_eq(cgroup_oom_kills(&run), 1);
    ck_assert_int_le(cgroup_peak_kib(&test), 64 << 10);

    ck_assert_int_eq(cgroup_remove(&root), 0);
    ck_assert_int_eq(access(root.memory, F_OK), -1);
    ck_assert_int_eq(access(run.memory, F_OK), -1);
}
END_TEST

Suite *
cgroup_suite(void)
{
    Suite *s = suite_create("cgroup");
    TCase *tc = tcase_create("cgroup");
    struct cgroup probe;
    char why[512];

    tcase_add_test(tc, parses_oom_kills);
    snprintf(unit_group, sizeof unit_group, "ipcgrade-unit-%d", (int)getpid());
    if (cgroup_root(&probe, unit_group, why, sizeof why) == 0) {
        cgroup_remove(&probe);
        tcase_add_unchecked_fixture(tc, NULL, remove_unit_group);
        tcase_add_test(tc, bounds_a_group_and_counts_its_oom_kills);
    } else {
        unit_skip(bounds_a_group_and_counts_its_oom_kills->name, why);
    }
    suite_add_tcase(s, tc);
    return s;
}
