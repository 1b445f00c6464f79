/* check_ipcstate.c: the /proc/sysvipc parser, snapshots and descriptions. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <unistd.h>

#include "ipcstate.h"
#include "ns.h"
#include "util.h"
#include "unit.h"

static const char shm_text[] =
    "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid"
    "      atime      dtime      ctime                   rss                  swap\n"
    "      4660         41   640                 10000  8437  8438      1  1000  1001     0     0"
    " 1700000001 1700000002 1700000003                  4096                     0\n"
    "-559038737          7   600                  4096    12     0      0     0     0     0     0"
    "          0          0 1700000000                     0                     0\n";

static const char msg_text[] =
    "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid"
    "      stime      rtime      ctime\n"
    "     22136         16   620          16          2  8437     0     0     0     0     0"
    " 1700000010          0 1700000005\n";

static const char sem_text[] =
    "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n"
    "         0          3   600          2     0     0     0     0          0 1700000000\n";

START_TEST(parses_shm_lines)
{
    struct ipc_set set = { 0 };

    ck_assert_int_eq(ipc_parse_text(IPC_KIND_SHM, shm_text, &set), 0);
    ck_assert_uint_eq(set.n, 2);
    ck_assert_int_eq(set.obj[0].key, 4660);
    ck_assert_int_eq(set.obj[0].id, 41);
    ck_assert_uint_eq(set.obj[0].mode, 0640);
    ck_assert_uint_eq(set.obj[0].size, 10000);
    ck_assert_int_eq(set.obj[0].cpid, 8437);
    ck_assert_int_eq(set.obj[0].lpid, 8438);
    ck_assert_uint_eq(set.obj[0].count, 1);
    ck_assert_uint_eq(set.obj[0].uid, 1000);
    ck_assert_uint_eq(set.obj[0].gid, 1001);
    ck_assert_int_eq(set.obj[0].atime, 1700000001);
    ck_assert_int_eq(set.obj[0].dtime, 1700000002);
    ck_assert_int_eq(set.obj[0].ctime, 1700000003);
    /* keys above 0x7fffffff are printed negative */
    ck_assert_uint_eq((unsigned)set.obj[1].key, 0xdeadbeefu);
    ipc_set_free(&set);
}
END_TEST

START_TEST(parses_msg_and_sem_lines)
{
    struct ipc_set set = { 0 };

    ck_assert_int_eq(ipc_parse_text(IPC_KIND_MSG, msg_text, &set), 0);
    ck_assert_int_eq(ipc_parse_text(IPC_KIND_SEM, sem_text, &set), 0);
    ck_assert_uint_eq(set.n, 2);
    ck_assert_int_eq(set.obj[0].kind, IPC_KIND_MSG);
    ck_assert_uint_eq(set.obj[0].size, 16);     /* bytes queued */
    ck_assert_uint_eq(set.obj[0].count, 2);     /* messages */
    ck_assert_int_eq(set.obj[0].cpid, 8437);    /* last sender */
    ck_assert_int_eq(set.obj[1].kind, IPC_KIND_SEM);
    ck_assert_uint_eq(set.obj[1].size, 2);      /* semaphores in the set */
    ck_assert_ptr_nonnull(ipc_find_id(&set, IPC_KIND_SEM, 3));
    ck_assert_ptr_null(ipc_find_id(&set, IPC_KIND_SHM, 3));
    ipc_set_free(&set);
}
END_TEST

START_TEST(rejects_malformed_lines)
{
    struct ipc_set set = { 0 };
    struct ipc_obj o;

    ck_assert_int_eq(ipc_parse_line(IPC_KIND_SHM, "4660 41 640 oops", &o), -1);
    ck_assert_int_eq(ipc_parse_text(IPC_KIND_SHM, "header\n1 2 3\n", &set), -1);
    ck_assert_int_eq(ipc_parse_text(IPC_KIND_SHM, "header only\n", &set), 0);
    ck_assert_uint_eq(set.n, 0);
    ipc_set_free(&set);
}
END_TEST

/* Each line used to go to sscanf() with the rest of the file after it, and
 * sscanf() skips newlines: a short line took its missing fields from the next
 * line (an object made of two lines, the malformed line unnoticed), and a
 * blank line read as the object after it (that object counted twice).
 * tests/fuzz/fuzz_sysvipc.c found the second with the input below. An
 * over-long line is not the kernel's. */
START_TEST(reads_each_line_once)
{
    struct ipc_set set = { 0 };
    struct strbuf sb = { 0 };

    ck_assert_int_eq(ipc_parse_text(IPC_KIND_SEM, "\n\n9 0 79 0 0 1 0 1 1", &set), 0);
    ck_assert_uint_eq(set.n, 1);                    /* the fuzzer's input: it read 2 */
    ipc_set_free(&set);
    ck_assert_int_eq(ipc_parse_text(IPC_KIND_SEM, "header\n0 3 600\n"
                                    "0 4 600 1 0 0 0 0 0 1700000000\n", &set), -1);
    ck_assert_uint_eq(set.n, 1);
    ck_assert_int_eq(set.obj[0].id, 4);
    ipc_set_free(&set);

    ck_assert_int_eq(ipc_parse_text(IPC_KIND_SEM, "header\n"
                                    "0 3 600 2 0 0 0 0 0 1700000000\n"
                                    "\n   \t\n"
                                    "0 4 600 1 0 0 0 0 0 1700000000\n", &set), 0);
    ck_assert_uint_eq(set.n, 2);
    ck_assert_int_eq(set.obj[1].id, 4);
    sb_adds(&sb, "header\n0 5 600 1 0 0 0 0 0 1700000000");
    for (int i = 0; i < 2000; i++)
        sb_adds(&sb, " 0");
    ck_assert_int_eq(ipc_parse_text(IPC_KIND_SEM, sb_str(&sb), &set), -1);
    ck_assert_uint_eq(set.n, 2);
    sb_free(&sb);
    ipc_set_free(&set);
}
END_TEST

/* Each line went to sscanf() in place, and glibc's sscanf() measures its
 * whole input first: 150,000 queues (20 MB of text) cost about 1.5 TB of
 * strlen(), over a minute here. Copied out line by line it takes a fraction
 * of a second; the TCase allows 20 s. */
START_TEST(parses_a_long_text_in_linear_time)
{
    static const char line[] = "     22136         16   620          16          2  8437     0"
                               "     0     0     0     0 1700000010          0 1700000005\n";
    struct strbuf sb = { 0 };
    struct ipc_set set = { 0 };

    sb_adds(&sb, "       key      msqid perms ...\n");
    for (int i = 0; i < 150000; i++)
        sb_adds(&sb, line);
    ck_assert_int_eq(ipc_parse_text(IPC_KIND_MSG, sb_str(&sb), &set), 0);
    ck_assert_uint_eq(set.n, 150000);
    ck_assert_uint_eq(set.obj[149999].count, 2);
    ipc_set_free(&set);
    sb_free(&sb);
}
END_TEST

START_TEST(describes_objects_in_students_words)
{
    struct ipc_set set = { 0 };
    struct strbuf sb = { 0 };

    ipc_parse_text(IPC_KIND_SHM, shm_text, &set);
    ipc_describe(&set.obj[0], &sb);
    ck_assert_str_eq(sb_str(&sb), "a 10000-byte shared memory segment (id 41, key 0x00001234, "
                                  "mode 640, 1 attached)");
    sb_free(&sb);
    ipc_removal_advice(&set.obj[0], &sb);
    ck_assert_ptr_nonnull(strstr(sb_str(&sb), "shmctl(shmid, IPC_RMID, NULL)"));
    ck_assert_ptr_nonnull(strstr(sb_str(&sb), "ipcrm -m 41"));
    sb_free(&sb);
    ipc_set_free(&set);
}
END_TEST

/* A live namespace: what the kernel reports must be what we made. */
START_TEST(snapshot_sees_real_objects)
{
    struct ipc_set before, after;
    struct ipc_obj *added;
    const struct ipc_obj *seg;
    int shm, msq;

    ck_assert_int_eq(enter_private_ipc(), 0);
    ck_assert_int_eq(ipc_snapshot(&before), 0);
    ck_assert_uint_eq(before.n, 0);             /* a new namespace is empty */
    shm = shmget(0x4b1d0099, 5000, IPC_CREAT | 0640);
    msq = msgget(IPC_PRIVATE, 0600);
    ck_assert_int_ge(shm, 0);
    ck_assert_int_ge(msq, 0);
    ck_assert_int_eq(ipc_snapshot(&after), 0);
    ck_assert_uint_eq(ipc_added(&before, &after, &added), 2);
    seg = ipc_find_key(&after, IPC_KIND_SHM, 0x4b1d0099);
    ck_assert_ptr_nonnull(seg);
    ck_assert_int_eq(seg->id, shm);
    ck_assert_uint_eq(seg->size, 5000);
    ck_assert_uint_eq(seg->mode & 0777, 0640);
    ck_assert_int_eq(seg->cpid, getpid());
    ck_assert_uint_eq(ipc_count(&after, IPC_KIND_MSG), 1);
    free(added);
    ipc_set_free(&before);
    ipc_set_free(&after);
}
END_TEST

Suite *
ipcstate_suite(void)
{
    Suite *s = suite_create("ipcstate");
    TCase *tc = tcase_create("parse");

    tcase_add_test(tc, parses_shm_lines);
    tcase_add_test(tc, parses_msg_and_sem_lines);
    tcase_add_test(tc, rejects_malformed_lines);
    tcase_add_test(tc, describes_objects_in_students_words);
    tcase_add_test(tc, reads_each_line_once);
    suite_add_tcase(s, tc);
    tc = tcase_create("long");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, parses_a_long_text_in_linear_time);
    suite_add_tcase(s, tc);
    tc = tcase_create("live");
    if (unit_no_namespaces())
        unit_skip("snapshot_sees_real_objects", unit_no_namespaces());
    else
        tcase_add_test(tc, snapshot_sees_real_objects);
    suite_add_tcase(s, tc);
    return s;
}
