/* msgctl.c: exercise `msgctl` (chapters/08-msgctl.md). The student's msgadmin
 * shows, changes, lists and removes message queues with msgctl(), and prints
 * the limits. The grader fills its own queues with known messages, lowers
 * the limits of the test's namespace, takes CAP_SYS_RESOURCE away for the
 * EPERM case, and compares what msgadmin printed or did with the kernel's
 * own values, read with IPC_STAT and from /proc/sysvipc/msg. */
#define _GNU_SOURCE
#include "suite.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CHAPTER "chapters/08-msgctl.md"
#define KEY_NUM 0x4b1d0008

static const char *const programs[] = { "msgadmin", NULL };

/* ---- the grader's own queues ---- */

static void
put(int qid, long type, size_t size)
{
    struct { long mtype; char mtext[512]; } m;

    memset(&m, 'x', sizeof m);
    m.mtype = type;
    if (msgsnd(qid, &m, size, IPC_NOWAIT) == -1)
        test_error("The grader could not send a message: %s", strerror(errno));
}

/* In a run's init, just before the program (struct run_request's
 * init_does): receive the message of type 2 from the queue *arg, so that
 * the last receiver is a process the program can see. */
static int
init_takes_type_2(const void *arg)
{
    struct { long mtype; char mtext[512]; } m;

    return msgrcv(*(const int *)arg, &m, sizeof m.mtext, 2, IPC_NOWAIT) == -1 ? -1 : 0;
}

static struct msqid_ds
stat_of(int qid)
{
    struct msqid_ds ds;

    if (msgctl(qid, IPC_STAT, &ds) == -1)
        test_error("The grader could not read the queue's attributes: %s",
                  strerror(errno));
    return ds;
}

static void
set_qbytes(int qid, unsigned long bytes)
{
    struct msqid_ds ds = stat_of(qid);

    ds.msg_qbytes = bytes;
    if (msgctl(qid, IPC_SET, &ds) == -1)
        test_error("The grader could not set msg_qbytes: %s", strerror(errno));
}

/* ---- privilege: can the programs we run raise msg_qbytes above MSGMNB? ---- */

/* Take CAP_SYS_RESOURCE away from this test process and from every program
 * it runs: from the bounding set (a root program gets its capabilities back
 * at exec from that set) and from our own sets. Then check that a queue's
 * msg_qbytes really cannot be raised above MSGMNB. True if it cannot: the
 * programs will meet the EPERM an ordinary user gets. As a normal user the
 * grader runs in a user namespace, where CAP_SYS_RESOURCE (checked in the
 * initial namespace) is never there anyway. */
static bool
without_sys_resource(void)
{
    struct __user_cap_header_struct head = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    struct msginfo info;
    struct msqid_ds ds;
    int qid, rc, err;

    prctl(PR_CAPBSET_DROP, CAP_SYS_RESOURCE, 0, 0, 0);
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    if (syscall(SYS_capget, &head, data) == 0) {
        data[0].effective &= ~(1U << CAP_SYS_RESOURCE);
        data[0].permitted &= ~(1U << CAP_SYS_RESOURCE);
        data[0].inheritable &= ~(1U << CAP_SYS_RESOURCE);
        syscall(SYS_capset, &head, data);
    }
    if (prctl(PR_CAPBSET_READ, CAP_SYS_RESOURCE, 0, 0, 0) == 1)
        return false;
    if (msgctl(0, IPC_INFO, (struct msqid_ds *)&info) == -1)
        return false;
    qid = msgget(IPC_PRIVATE, 0600);
    if (qid == -1)
        return false;
    ds = stat_of(qid);
    ds.msg_qbytes = (unsigned long)info.msgmnb + 1;
    rc = msgctl(qid, IPC_SET, &ds);
    err = errno;
    msgctl(qid, IPC_RMID, NULL);
    return rc == -1 && err == EPERM;
}

/* ---- the tests ---- */

static void
stat_fields(void)
{
    int qid = grader_queue(KEY_NUM, 0640);
    struct run r = RUN("msgadmin", "stat", test_strf("%d", qid));
    struct msqid_ds ds;

    put(qid, 1, 20);
    put(qid, 2, 30);
    put(qid, 3, 50);                    /* stime: now */
    wait_next_second();
    set_qbytes(qid, 8000);
    /* 2 messages, 70 bytes left; rtime a second on; lrpid, unlike lspid, a
     * pid the program sees. */
    r.req.init_does = init_takes_type_2;
    r.req.init_arg = &qid;
    run_program(&r);
    ds = stat_of(qid);
    if (ds.msg_stime == ds.msg_rtime)
        test_error("The grader could not give its queue a send and a receive time apart.");
    expect_success(&r);
    expect_line_is(&r, "msqid", "the id", (unsigned long)qid, "Print the MSQID you were "
                   "given.");
    expect_ulong(&r, "The key line", (unsigned)expect_field(&r, "key", "msg_perm.__key"),
                 KEY_NUM, "The key is ds.msg_perm.__key, printed as 0x%08x.");
    expect_mode(&r, "The permission bits on the mode line", (unsigned)expect_ufield(&r,
                "mode", 8, "msg_perm.mode & 0777, in octal"), 0640, "Print "
                "ds.msg_perm.mode & 0777 in octal: %04o.");
    expect_line_is(&r, "uid", "msg_perm.uid", ds.msg_perm.uid, "The owner is "
                   "ds.msg_perm.uid.");
    expect_line_is(&r, "cgid", "msg_perm.cgid", ds.msg_perm.cgid, "The creator's group is "
                   "ds.msg_perm.cgid.");
    expect_line_is(&r, "qnum", "msg_qnum", 2, "msg_qnum is the number of messages in the "
                   "queue now: 3 were sent and 1 received.");
    expect_line_is(&r, "cbytes", "msg_cbytes", 70, "msg_cbytes is the number of bytes in the "
                   "queue now (20 + 50), not its capacity msg_qbytes.");
    expect_line_is(&r, "qbytes", "msg_qbytes", 8000, "msg_qbytes is the queue's capacity, set "
                   "to 8000 by the grader with IPC_SET; it is not the bytes in use "
                   "(msg_cbytes).");
    expect_line_is(&r, "lspid", "msg_lspid", grader_pid_seen(ds.msg_lspid), test_strf(
                   "msg_lspid is the last sender's pid as seen from the caller's PID "
                   "namespace; the grader sent the messages. %s Print ds.msg_lspid.",
                   grader_pid_words()));
    expect_line_is(&r, "lrpid", "msg_lrpid", run_init_seen(ds.msg_lrpid), test_strf(
                   "msg_lrpid is the last receiver's pid, not the last sender's. %s Print "
                   "ds.msg_lrpid.", run_init_words()));
    expect_line_is(&r, "stime", "msg_stime", (unsigned long)ds.msg_stime, "msg_stime is the "
                   "time of the last msgsnd(), in seconds since 1970 (the grader sent, then "
                   "received a second later).");
    expect_line_is(&r, "rtime", "msg_rtime", (unsigned long)ds.msg_rtime, "msg_rtime is the "
                   "time of the last msgrcv(), a second after the last msgsnd() here.");
    expect_line_is(&r, "ctime", "msg_ctime", (unsigned long)ds.msg_ctime, "msg_ctime is the "
                   "time of the last change (creation or IPC_SET).");
}

static void
stat_errors(void)
{
    struct run missing = RUN("msgadmin", "stat", "4242");
    struct run denied = RUN("msgadmin", "stat", NULL);

    run_program(&missing);
    expect_error_exit(&missing, "When no queue has the id");
    expect_stderr_has(&missing, "Invalid argument", "IPC_STAT fails with EINVAL for an id "
                      "that names no queue; report it with err_exit(\"msgctl(IPC_STAT)\").");
    expect_stdout_empty(&missing, "IPC_STAT failed, so there is nothing true to print.");
    denied.req.args[1] = test_strf("%d", grader_queue(KEY_NUM, 0600));
    denied.req.fault = "msgctl:EACCES";
    run_program(&denied);
    expect_error_exit(&denied, "When msgctl(IPC_STAT) fails with EACCES");
    expect_stderr_has(&denied, "Permission denied", "IPC_STAT needs read permission on the "
                      "queue; report the failure with err_exit(\"msgctl(IPC_STAT)\").");
    expect_stdout_empty(&denied, "IPC_STAT failed, so there is nothing true to print.");
}

static void
set_qbytes_test(void)
{
    int qid = grader_queue(KEY_NUM, 0640);
    struct run lower = RUN("msgadmin", "set-qbytes", test_strf("%d", qid), "1000");
    struct run raise = RUN("msgadmin", "set-qbytes", test_strf("%d", qid), "16384");
    struct msqid_ds before, after;

    put(qid, 1, 100);
    put(qid, 1, 100);
    before = stat_of(qid);
    run_program(&lower);
    expect_success(&lower);
    after = stat_of(qid);
    expect_ulong(&lower, "The queue's msg_qbytes after `set-qbytes ID 1000`",
                 after.msg_qbytes, 1000, "Set ds.msg_qbytes, then msgctl(id, IPC_SET, &ds).");
    expect_mode(&lower, "The queue's permission bits after `set-qbytes`",
                after.msg_perm.mode, 0640, "IPC_SET also copies msg_perm.mode, uid and gid "
                "from your struct: fill it with IPC_STAT first, so that only msg_qbytes "
                "changes.");
    expect_ulong(&lower, "The queue's owner after `set-qbytes`", after.msg_perm.uid,
                 before.msg_perm.uid, "IPC_SET copies msg_perm.uid too: fill the struct with "
                 "IPC_STAT first.");
    expect_ulong(&lower, "The messages in the queue after `set-qbytes`", after.msg_qnum, 2,
                 "Changing the capacity does not touch the messages.");
    expect_line_is(&lower, "qbytes", "msg_qbytes as the kernel reports it afterwards", 1000,
                   "Print the new capacity, read back with IPC_STAT.");
    run_program(&raise);
    expect_success(&raise);
    expect_ulong(&raise, "The queue's msg_qbytes after raising it back to MSGMNB (16384)",
                 stat_of(qid).msg_qbytes, 16384, "Up to MSGMNB, the owner may raise "
                 "msg_qbytes again with IPC_SET; only above it is privilege needed.");
}

static void
set_qbytes_eperm(void)
{
    struct run r = RUN("msgadmin", "set-qbytes", NULL, NULL);
    unsigned long mnb = ipc_limit("msgmnb", 4096);
    bool real;
    int qid;

    real = without_sys_resource();
    qid = grader_queue(KEY_NUM, 0600);          /* msg_qbytes mnb, MSGMNB */
    r.req.args[1] = test_strf("%d", qid);
    r.req.args[2] = test_strf("%lu", 2 * mnb);
    if (!real) {
        /* The grader could not take the privilege away: make the second
         * msgctl() (the IPC_SET after IPC_STAT) fail as the kernel would. */
        r.req.fault = "msgctl:EPERM:2";
        feedback('D', "(EPERM was injected: the grader could not drop CAP_SYS_RESOURCE)");
    }
    run_program(&r);
    expect_ulong(&r, test_strf("The queue's msg_qbytes after a refused `set-qbytes ID %lu`",
                               2 * mnb), stat_of(qid).msg_qbytes, mnb,
                 test_strf("Without privilege, IPC_SET cannot raise msg_qbytes above MSGMNB "
                           "(%lu here).", mnb));
    expect_error_exit(&r, "When IPC_SET is refused (raising msg_qbytes above MSGMNB without "
                      "privilege)");
    expect_stderr_has(&r, "Operation not permitted", "IPC_SET fails with EPERM here; report "
                      "it with err_exit(\"msgctl(IPC_SET)\").");
    expect_no_field(&r, "qbytes", "IPC_SET failed; print the new value only once it is "
                    "set.");
}

static void
remove_queue(void)
{
    int qid = grader_queue(KEY_NUM, 0600);
    struct run r = RUN("msgadmin", "remove", test_strf("%d", qid));

    put(qid, 5, 100);
    put(qid, 6, 200);
    run_program(&r);
    expect_success(&r);
    if (object_exists(IPC_KIND_MSG, qid))
        test_fail(&r, "After `remove %d`, the queue is still in the kernel, with its 2 "
                      "messages. Remove it with msgctl(id, IPC_RMID, NULL).", qid);
    expect_ulong(&r, "The id `remove` printed", (unsigned long)expect_field(&r,
                 "removed msqid", "the id removed"), (unsigned long)qid,
                 "Print \"removed msqid N\".");
}

static void
limits(void)
{
    struct run r = RUN("msgadmin", "limits");
    int a, b;

    unsigned long msgmax, msgmnb, msgmni;

    need_namespace_alone(IPC_KIND_MSG);     /* MSG_INFO counts them all */
    msgmax = ipc_limit("msgmax", 4000);
    msgmnb = ipc_limit("msgmnb", 12000);
    msgmni = ipc_limit("msgmni", 50);
    a = grader_queue(KEY_NUM, 0600);
    b = grader_queue(IPC_PRIVATE, 0600);
    put(a, 1, 100);
    put(a, 2, 100);
    put(b, 1, 100);
    run_program(&r);
    expect_success(&r);
    expect_line_is(&r, "msgmax", "MSGMAX", msgmax, test_strf("IPC_INFO's msgmax: the "
                   "largest message, in bytes (/proc/sys/kernel/msgmax, %lu here).", msgmax));
    expect_line_is(&r, "msgmnb", "MSGMNB", msgmnb, test_strf("IPC_INFO's msgmnb: a new "
                   "queue's msg_qbytes (/proc/sys/kernel/msgmnb, %lu here).", msgmnb));
    expect_line_is(&r, "msgmni", "MSGMNI", msgmni, test_strf("IPC_INFO's msgmni: the "
                   "most queues (/proc/sys/kernel/msgmni, %lu here).", msgmni));
    expect_line_is(&r, "queues", "the queues that exist", 2, "MSG_INFO (not IPC_INFO) makes "
                   "msgpool the number of queues that exist.");
    expect_line_is(&r, "messages", "the messages in all queues", 3, "With MSG_INFO, msgmap is "
                   "the number of messages in all queues.");
    expect_line_is(&r, "bytes", "the bytes in all queues", 300, "With MSG_INFO, msgtql is the "
                   "number of bytes in all queues.");
}

static void
list(void)
{
    /* The first has mode 000: MSG_STAT fails with EACCES on it, and the
     * list must go on (MSG_STAT_ANY, which ignores permissions, shows it). */
    static const struct { key_t key; int mode; int msgs; size_t size; } made[] = {
        { KEY_NUM + 3, 0000, 1, 7 }, { KEY_NUM, 0600, 1, 10 }, { KEY_NUM + 1, 0600, 0, 0 },
        { IPC_PRIVATE, 0640, 2, 30 }, { KEY_NUM + 2, 0444, 3, 5 },
    };
    struct run r = RUN("msgadmin", "list");
    int ids[ARRAY_LEN(made)];
    bool seen[ARRAY_LEN(made)] = { false };
    size_t rows = 0;

    need_namespace_alone(IPC_KIND_MSG);     /* the list shows them all */
    /* Each is filled while the grader may write to it, then given its
     * mode: in a container the grader has no CAP_IPC_OWNER to pass 000. */
    for (size_t i = 0; i < ARRAY_LEN(made); i++) {
        ids[i] = grader_queue(made[i].key, 0600);
        for (int m = 0; m < made[i].msgs; m++)
            put(ids[i], 1, made[i].size);
    }
    set_qbytes(ids[4], 500);
    for (size_t i = 0; i < ARRAY_LEN(made); i++) {
        struct msqid_ds ds = stat_of(ids[i]);

        ds.msg_perm.mode = (unsigned short)made[i].mode;
        if (msgctl(ids[i], IPC_SET, &ds) == -1)
            test_error("The grader could not set its queue's mode: %s", strerror(errno));
    }
    grader_remove(IPC_KIND_MSG, ids[2]);        /* a gap in the table */
    run_program(&r);
    expect_success(&r);
    for (const char *line = run_stdout(&r); *line; line += strcspn(line, "\n"),
         line += *line == '\n') {
        unsigned long qnum, cbytes, qbytes;
        unsigned key, mode;
        int id;
        size_t i;

        if (sscanf(line, "%d 0x%x %o %lu %lu %lu", &id, &key, &mode, &qnum, &cbytes,
                   &qbytes) != 6)
            continue;                               /* the header */
        rows++;
        for (i = 0; i < ARRAY_LEN(made) && ids[i] != id; i++)
            ;
        if (i == 2)
            test_fail(&r, "`list` shows queue %d, which the grader removed before the run.",
                      id);
        if (i == ARRAY_LEN(made))
            test_fail(&r, "`list` shows a queue with id %d, but no queue has that id. Print "
                          "the id MSG_STAT returns, not the index you passed.", id);
        seen[i] = true;
        if (key != (unsigned)made[i].key || (mode & 0777) != (unsigned)made[i].mode ||
            qnum != (unsigned long)made[i].msgs ||
            cbytes != made[i].msgs * made[i].size ||
            qbytes != (i == 4 ? 500UL : 16384UL))
            test_fail(&r, "The line of queue %d is wrong.\n  expected: %d 0x%08x %04o %d %zu "
                          "%lu\n  found:    %d 0x%08x %04o %lu %lu %lu\nEach line is msqid, "
                          "key, mode, qnum, cbytes, qbytes, from the struct msqid_ds MSG_STAT "
                          "filled.", id, id, (unsigned)made[i].key, made[i].mode,
                      made[i].msgs, made[i].msgs * made[i].size, i == 4 ? 500UL : 16384UL,
                      id, key, mode & 0777, qnum, cbytes, qbytes);
    }
    for (size_t i = 1; i < ARRAY_LEN(made); i++)
        if (i != 2 && !seen[i])
            test_fail(&r, "`list` does not show queue %d (key 0x%08x). Go through every "
                          "index from 0 to the one MSG_INFO returns; a free index (MSG_STAT "
                          "fails with EINVAL, here a removed queue) and a queue you may not "
                          "read (EACCES, here the first, of mode 000) do not end the list.",
                      ids[i], (unsigned)made[i].key);
    expect_ulong(&r, "The number of queue lines `list` printed", rows, seen[0] ? 4 : 3,
                 "One line per queue you may read, and a header.");
}

static void
bad_usage(void)
{
    static const char *const cases[][4] = {
        { NULL }, { "frobnicate" }, { "stat" }, { "stat", "zero" }, { "stat", "-1" },
        { "set-qbytes", "0" }, { "set-qbytes", "0", "many" }, { "set-qbytes", "0", "0" },
        { "remove" },
        { "list", "extra" }, { "limits", "0" },
    };
    struct msqid_ds ds;
    int qid = grader_queue(KEY_NUM, 0600);

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct run r = RUN("msgadmin", cases[i][0], cases[i][1], cases[i][2], cases[i][3]);

        run_program(&r);
        expect_usage_error(&r);
        ds = stat_of(qid);
        expect_ulong(&r, "The queue's msg_qbytes after a usage error", ds.msg_qbytes, 16384,
                     "A wrong command line must change nothing.");
    }
}

/* Every msgctl() whose failure the tests above never see, made to fail
 * (the fault-injection library), must end its command with a message on
 * stderr and a non-zero status, having printed nothing false. */
static void
errors_reported(void)
{
    int qid = grader_queue(KEY_NUM, 0600);
    const char *id = test_strf("%d", qid);
    struct run missing = RUN("msgadmin", "remove", "4242");
    static const struct {
        const char *cmd, *fault, *when, *err, *field, *advice;
    } cases[] = {
        { "set-qbytes", "msgctl:EINVAL:1", "When set-qbytes' first msgctl() (IPC_STAT) fails",
          "Invalid argument", "qbytes", "Check IPC_STAT's result before IPC_SET, and report "
          "it with err_exit(\"msgctl(IPC_STAT)\")." },
        { "set-qbytes", "msgctl:EINVAL:2", "When set-qbytes' IPC_SET fails with EINVAL (not "
          "the EPERM of a limit)", "Invalid argument", "qbytes", "Every IPC_SET failure is an "
          "error, whatever its errno: report it and exit non-zero." },
        { "list", "msgctl:EINVAL:1", "When list's MSG_INFO fails", "Invalid argument", NULL,
          "Check MSG_INFO's result, and report it with err_exit(\"msgctl(MSG_INFO)\")." },
        { "list", "msgctl:EIO:2", "When list's MSG_STAT fails with an errno other than EINVAL "
          "(a free index) or EACCES (an unreadable queue)", "Input/output error", NULL,
          "Only EINVAL and EACCES mean \"skip this index\": any other failure of MSG_STAT "
          "is an error to report." },
        { "limits", "msgctl:EINVAL:1", "When limits' first msgctl() (IPC_INFO) fails",
          "Invalid argument", "msgmax", "Check IPC_INFO's result, and report it with "
          "err_exit(\"msgctl(IPC_INFO)\")." },
        { "limits", "msgctl:EINVAL:2", "When limits' second msgctl() (MSG_INFO) fails",
          "Invalid argument", "queues", "Check MSG_INFO's result, and report it with "
          "err_exit(\"msgctl(MSG_INFO)\")." },
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct run r = RUN("msgadmin", cases[i].cmd);

        if (strcmp(cases[i].cmd, "set-qbytes") == 0) {
            r.req.args[1] = id;
            r.req.args[2] = "2000";
        }
        r.req.fault = cases[i].fault;
        run_program(&r);
        expect_error_exit(&r, cases[i].when);
        expect_stderr_has(&r, cases[i].err, cases[i].advice);
        if (cases[i].field)
            expect_no_field(&r, cases[i].field, "a msgctl() failed, so there is nothing "
                            "true to print.");
    }
    run_program(&missing);
    expect_error_exit(&missing, "When no queue has the id given to remove");
    expect_stderr_has(&missing, "Invalid argument", "IPC_RMID fails with EINVAL for an id "
                      "that names no queue; report it with err_exit(\"msgctl(IPC_RMID)\").");
    expect_no_field(&missing, "removed msqid", "nothing was removed.");
}

/* Each command under Valgrind, at once where they cannot meet (each takes
 * half a second to start), on queues of the grader's: stat, set-qbytes and
 * remove each their own; remove after list, which must not see a queue
 * vanish under it. */
static void
valgrind_clean(void)
{
    int stated = grader_queue(KEY_NUM, 0600);
    int resized = grader_queue(KEY_NUM + 1, 0600);
    int removed = grader_queue(KEY_NUM + 2, 0600);
    struct run r[5] = {
        RUN("msgadmin", "stat", test_strf("%d", stated)),
        RUN("msgadmin", "set-qbytes", test_strf("%d", resized), "2000"),
        RUN("msgadmin", "list"),
        RUN("msgadmin", "limits"),
        RUN("msgadmin", "remove", test_strf("%d", removed)),
    };

    put(stated, 1, 64);
    for (size_t i = 0; i < ARRAY_LEN(r); i++)
        r[i].req.valgrind = true;
    run_all(r, 4);
    run_all(&r[4], 1);
    for (size_t i = 0; i < ARRAY_LEN(r); i++) {
        expect_success(&r[i]);
        expect_valgrind_clean(&r[i]);
    }
    expect_line_is(&r[0], "qnum", "msg_qnum", 1, "Under Valgrind too, print the kernel's "
                   "msg_qnum.");
    expect_ulong(&r[1], "The queue's msg_qbytes", stat_of(resized).msg_qbytes, 2000,
                 "set-qbytes must set it under Valgrind too.");
    if (object_exists(IPC_KIND_MSG, removed))
        test_fail(&r[4], "After `remove` under Valgrind, the queue is still in the kernel.");
}

static const struct test_def tests[] = {
    { "stat_fields", "stat prints every field of IPC_STAT as the kernel has it", 3,
      stat_fields, "msgctl(id, IPC_STAT, &ds), then the fields of ds.", NULL,
      "struct msqid_ds" },
    { "stat_errors", "stat of a missing queue (EINVAL) or an unreadable one (EACCES) fails",
      1, stat_errors, "check msgctl()'s -1 before printing anything.", NULL,
      "Errors from msgctl()" },
    { "set_qbytes", "set-qbytes lowers and raises msg_qbytes and changes nothing else", 3,
      set_qbytes_test, "IPC_STAT, change msg_qbytes, IPC_SET.", NULL,
      "IPC_SET: changing a queue" },
    { "set_qbytes_eperm", "set-qbytes above MSGMNB fails with EPERM without privilege", 2,
      set_qbytes_eperm, "check IPC_SET's -1 and report it.", NULL,
      "Raising msg_qbytes: EPERM" },
    { "remove", "remove destroys the queue and its messages (IPC_RMID)", 2, remove_queue,
      "msgctl(id, IPC_RMID, NULL).", NULL, "IPC_RMID: removing a queue" },
    { "limits", "limits prints MSGMAX, MSGMNB, MSGMNI and what is in use", 2, limits,
      "IPC_INFO for the limits, MSG_INFO for the usage.", NULL,
      "IPC_INFO and MSG_INFO: limits and usage" },
    { "list", "list shows every queue, even after a gap in the table", 2, list,
      "MSG_INFO's return value, then MSG_STAT for each index.", NULL,
      "Listing every queue: MSG_INFO and MSG_STAT" },
    { "errors_reported", "failing IPC_STAT, IPC_SET, IPC_RMID, IPC_INFO, MSG_INFO and "
      "MSG_STAT are reported", 1, errors_reported, "check every msgctl()'s -1 and report it "
      "with err_exit(\"msgctl(...)\").", NULL, "Errors from msgctl()" },
    { "bad_usage", "rejects a wrong command line with a usage message", 1, bad_usage,
      "the skeleton's argument parsing does this; keep usage() for bad input.", NULL, NULL },
    { "valgrind_clean", "stat, set-qbytes, list, limits and remove run clean under Valgrind",
      2, valgrind_clean, "msgctl() needs a real struct to fill. Run the command shown "
      "above (stat, set-qbytes, list, limits or remove) under valgrind --leak-check=full.",
      NULL, NULL },
};

const struct exercise exercise_msgctl = {
    .id = "msgctl",
    .title = "Message queues: msgctl()",
    .chapter = CHAPTER,
    .programs = programs,
    .tests = tests,
    .ntests = ARRAY_LEN(tests),
};
