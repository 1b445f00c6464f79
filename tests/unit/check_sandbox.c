/* check_sandbox.c: uids claimed host-wide (sandbox_claim_uid): two claims
 * never share a uid, and a claim ends with its descriptor or its process. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"
#include "unit.h"
#include "util.h"

static char dir[256];

static void
setup(void)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(dir, sizeof dir, "%s/ipcgrade-uids.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
    remove_tree(dir);
}

START_TEST(two_claims_get_different_uids)
{
    uid_t a, b;
    int fa = sandbox_claim_uid(dir, &a), fb = sandbox_claim_uid(dir, &b);

    ck_assert_int_ge(fa, 0);
    ck_assert_int_ge(fb, 0);
    ck_assert_uint_ne(a, b);
    ck_assert_uint_ge(a, 0x70400000u);
    ck_assert_uint_ge(b, 0x70400000u);
    close(fa);
    close(fb);
}
END_TEST

/* A process starts at the same (random) slot each time: a slot given back
 * is the first it finds free again. */
START_TEST(a_closed_claim_is_given_back)
{
    uid_t a, b, c;
    int fa = sandbox_claim_uid(dir, &a), fb = sandbox_claim_uid(dir, &b), fc;

    ck_assert_int_ge(fa, 0);
    ck_assert_int_ge(fb, 0);
    close(fa);
    fc = sandbox_claim_uid(dir, &c);
    ck_assert_int_ge(fc, 0);
    ck_assert_uint_eq(c, a);
    ck_assert_uint_ne(c, b);
    close(fb);
    close(fc);
}
END_TEST

/* A grader that dies, here without closing anything, gives its uid back. */
START_TEST(a_dead_process_gives_its_uid_back)
{
    int pipefd[2], status, fd;
    uid_t uid = 0;
    pid_t child;
    char path[512];

    ck_assert_int_eq(pipe(pipefd), 0);
    child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        uid_t mine;

        if (sandbox_claim_uid(dir, &mine) == -1 ||
            write(pipefd[1], &mine, sizeof mine) != (ssize_t)sizeof mine)
            _exit(1);
        _exit(0);
    }
    ck_assert_int_eq(read(pipefd[0], &uid, sizeof uid), (ssize_t)sizeof uid);
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert_int_eq(status, 0);
    snprintf(path, sizeof path, "%s/uid-%u", dir, (unsigned)(uid - 0x70400000u));
    fd = open(path, O_RDWR);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
    close(fd);
    close(pipefd[0]);
    close(pipefd[1]);
}
END_TEST

Suite *
sandbox_suite(void)
{
    Suite *s = suite_create("sandbox");
    TCase *tc = tcase_create("uids");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, two_claims_get_different_uids);
    tcase_add_test(tc, a_closed_claim_is_given_back);
    tcase_add_test(tc, a_dead_process_gives_its_uid_back);
    suite_add_tcase(s, tc);
    return s;
}
