/* msgget.c: exercise `msgget` (chapters/06-msgget.md). The student's msgtool
 * creates, opens and removes message queues, one msgget() (and, to remove,
 * one msgctl()) per run. Every test compares what it printed and did with
 * the queues the kernel holds (snapshots of the test's own IPC namespace);
 * the grader's own queues hold messages, so that a create that wrongly
 * replaces one shows. Failures come from the kernel (a taken key, a full
 * table) or from fault injection (EACCES). */
#define _GNU_SOURCE
#include "suite.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <unistd.h>

#define CHAPTER "chapters/06-msgget.md"
#define KEY     "0x4b1d0006"
#define KEY_NUM 0x4b1d0006

static const char *const programs[] = { "msgtool", NULL };

/* ---- the grader's view and hands ---- */

/* The id msgtool printed ("msqid N"), which must be a real id. */
static int
printed_msqid(const struct run *r)
{
    return expect_printed_id(r, "msqid", "msgget");
}

/* A queue the grader makes itself, holding `messages` 10-byte messages. */
static int
filled_queue(key_t key, int mode, int messages)
{
    struct { long mtype; char mtext[10]; } msg = { 1, "grader" };
    int id = grader_queue(key, mode);

    for (int i = 0; i < messages; i++)
        if (msgsnd(id, &msg, sizeof msg.mtext, IPC_NOWAIT) == -1)
            test_error("The grader could not fill its queue: %s", strerror(errno));
    return id;
}

/* ---- the tests ---- */

static void
create_attributes(void)
{
    struct run r = RUN("msgtool", "create", "-m", "640", KEY);
    struct ipc_set before, after;
    struct ipc_obj *added, q;
    struct msqid_ds ds;
    size_t n;
    int id;

    snapshot(&before);
    run_program(&r);
    expect_success(&r);
    id = printed_msqid(&r);
    snapshot(&after);
    n = ipc_added(&before, &after, &added);
    free(added);
    expect_ulong(&r, "The number of queues `create` made", n, 1, "create calls msgget() "
                 "once, with IPC_CREAT.");
    q = expect_object(&r, IPC_KIND_MSG, id, "the id your program printed; msgtool has "
                      "exited, and a queue must outlive the process that made it");
    expect_ulong(&r, "The queue's key", (unsigned)q.key, KEY_NUM, "Pass the parsed KEY as "
                 "msgget()'s first argument.");
    expect_mode(&r, "The queue's permission bits", q.mode, 0640, "The low 9 bits of msgflg "
                "are the mode: IPC_CREAT | mode.");
    expect_ulong(&r, "The number of messages in the new queue (msg_qnum)", q.count, 0,
                 "create only makes the queue; it sends nothing.");
    expect_ulong(&r, "The queue's owner (uid)", (unsigned long)q.uid,
                 (unsigned long)geteuid(), "The queue belongs to the user who ran msgtool.");
    if (msgctl(id, IPC_STAT, &ds) == -1)
        test_error("The grader could not read the queue's attributes: %s", strerror(errno));
    expect_ulong(&r, "The new queue's capacity (msg_qbytes)", ds.msg_qbytes,
                 16384, "A new queue may hold MSGMNB bytes (16384 by default); msgget() "
                 "sets that itself.");
}

static void
default_mode(void)
{
    struct run r = RUN("msgtool", "create", KEY);
    struct ipc_obj q;

    run_program(&r);
    expect_success(&r);
    q = expect_object(&r, IPC_KIND_MSG, printed_msqid(&r), "the id your program printed");
    expect_mode(&r, "Without -m, the permission bits", q.mode, 0600, "The default mode is "
                "0600: only the owner may send and receive. 0666 would let every user on "
                "the machine read your messages and send fake ones.");
}

static void
exclusive_create(void)
{
    struct run r = RUN("msgtool", "create", "-x", KEY);
    struct ipc_set before;
    struct ipc_obj q;
    int id = filled_queue(KEY_NUM, 0600, 2);

    snapshot(&before);
    run_program(&r);
    expect_error_exit(&r, "With -x and a queue that already has this key");
    expect_stderr_has(&r, "File exists", "With IPC_CREAT | IPC_EXCL, msgget() fails with "
                      "EEXIST when the key is taken; report it with err_exit(\"msgget\").");
    expect_no_new_objects(&before, &r, "When the create failed");
    q = expect_object(&r, IPC_KIND_MSG, id, "the grader's queue must still be there");
    expect_ulong(&r, "The number of messages in the existing queue", q.count, 2,
                 "A failed create must not touch the existing queue or its messages.");
}

static void
create_reuses(void)
{
    struct run r = RUN("msgtool", "create", KEY);
    struct ipc_set before;
    int id = filled_queue(KEY_NUM, 0600, 1);

    snapshot(&before);
    run_program(&r);
    expect_success(&r);
    expect_ulong(&r, "The id `create` printed (without -x, for a key that has a queue)",
                 (unsigned long)printed_msqid(&r), (unsigned long)id, "Without -x, create "
                 "passes IPC_CREAT alone, which opens the existing queue: add IPC_EXCL only "
                 "when -x is given.");
    expect_no_new_objects(&before, &r, "When create opened an existing queue");
}

static void
open_existing(void)
{
    struct run made = RUN("msgtool", "create", KEY);
    struct run r = RUN("msgtool", "open", KEY);
    struct ipc_set before;
    long id;

    made.req.reference = true;
    run_program(&made);
    expect_success(&made);
    id = printed_msqid(&made);
    snapshot(&before);
    run_program(&r);
    expect_success(&r);
    expect_ulong(&r, "The id `open` printed", (unsigned long)printed_msqid(&r),
                 (unsigned long)id, "Opening an existing queue returns its id: "
                 "msgget(key, 0).");
    expect_no_new_objects(&before, &r, "When opening an existing queue");
}

static void
open_missing(void)
{
    struct run r = RUN("msgtool", "open", KEY);
    struct run gone = RUN("msgtool", "remove", KEY);
    struct ipc_set before;

    snapshot(&before);
    run_program(&r);
    expect_finished(&r);
    expect_no_new_objects(&before, &r, "`open` must never create a queue (no IPC_CREAT), "
                          "but after opening a key that did not exist");
    expect_no_field(&r, "msqid", "msgget() failed, so there is no id to print.");
    expect_error_exit(&r, "When no queue has the key");
    expect_stderr_has(&r, "msgget", "Say which call failed: err_exit(\"msgget\").");
    expect_stderr_has(&r, "No such file or directory", "Without IPC_CREAT, msgget() fails "
                      "with ENOENT for a key nobody created; err_exit() prints its meaning.");
    /* remove looks the id up the same way. */
    run_program(&gone);
    expect_finished(&gone);
    expect_no_new_objects(&before, &gone, "`remove` must never create a queue (no "
                          "IPC_CREAT), but after removing a key that did not exist");
    expect_error_exit(&gone, "When no queue has the key to remove");
    expect_stderr_has(&gone, "No such file or directory", "Look the id up with msgget(key, "
                      "0) and check its result: -1 with ENOENT means no queue has the key; "
                      "report it with err_exit(\"msgget\").");
}

static void
remove_queue(void)
{
    struct run r = RUN("msgtool", "remove", KEY);
    int id = filled_queue(KEY_NUM, 0600, 3);

    run_program(&r);
    expect_success(&r);
    if (object_exists(IPC_KIND_MSG, id))
        test_fail(&r, "After `remove`, the queue (id %d, holding 3 messages) is still in the "
                      "kernel. Look it up with msgget(key, 0), then remove it with "
                      "msgctl(id, IPC_RMID, NULL).", id);
    expect_ulong(&r, "The id `remove` printed", (unsigned long)expect_field(&r,
                 "removed msqid", "the id of the queue removed"), (unsigned long)id,
                 "Print the id msgget() found: \"removed msqid N\".");
}

static void
private_key(void)
{
    struct run a = RUN("msgtool", "create", "private");
    struct run b = RUN("msgtool", "create", "private");
    struct ipc_obj first, second;
    long ida, idb;

    run_program(&a);
    expect_success(&a);
    ida = printed_msqid(&a);
    run_program(&b);
    expect_success(&b);
    idb = printed_msqid(&b);
    if (ida == idb)
        test_fail(&b, "Two creates with IPC_PRIVATE printed the same id %ld: IPC_PRIVATE "
                      "always makes a new queue.", ida);
    first = expect_object(&a, IPC_KIND_MSG, (int)ida, "the id printed");
    second = expect_object(&b, IPC_KIND_MSG, (int)idb, "the id printed");
    expect_ulong(&a, "The key of the first private queue", (unsigned)first.key, 0,
                 "Pass IPC_PRIVATE (0) as the key.");
    expect_mode(&a, "The private queue's permission bits", first.mode, 0600,
                "IPC_PRIVATE creates even without IPC_CREAT, "
                "but the mode still comes from msgflg: IPC_CREAT | mode.");
    expect_ulong(&b, "The key of the second private queue", (unsigned)second.key, 0,
                 "Pass IPC_PRIVATE (0) as the key.");
}

static void
no_space(void)
{
    struct run r = RUN("msgtool", "create", KEY);
    struct ipc_set before;

    no_room_for(&r, "msgmni", "0", "msgget");
    snapshot(&before);
    run_program(&r);
    expect_no_field(&r, "msqid", "msgget() failed (the system allows no more queues), so "
                    "there is no id to print.");
    expect_error_exit(&r, "When the system has no room for another queue");
    expect_stderr_has(&r, "No space left on device", "msgget() fails with ENOSPC when MSGMNI "
                      "queues exist; report it with err_exit(\"msgget\").");
    expect_no_new_objects(&before, &r, "When the create failed");
}

static void
permission_denied(void)
{
    struct run r = RUN("msgtool", "open", KEY);
    struct run rm = RUN("msgtool", "remove", KEY);

    filled_queue(KEY_NUM, 0600, 0);
    r.req.fault = "msgget:EACCES";
    run_program(&r);
    expect_no_field(&r, "msqid", "msgget() failed, so there is no id to print.");
    expect_error_exit(&r, "When msgget() fails with EACCES");
    expect_stderr_has(&r, "Permission denied", "Report the failure with err_exit(\"msgget\"); "
                      "it prints strerror(errno).");
    /* Only the creator or the owner (or a privileged process) may remove. */
    rm.req.fault = "msgctl:EPERM";
    run_program(&rm);
    expect_error_exit(&rm, "When msgctl(IPC_RMID) fails with EPERM");
    expect_stderr_has(&rm, "Operation not permitted", "Check msgctl()'s result: -1 means "
                      "the queue was not removed; report it with "
                      "err_exit(\"msgctl(IPC_RMID)\").");
}

/* The key's own failures: a PATH:PROJ_ID whose file is missing (ftok()
 * fails) and a copy of the text that cannot be made (strdup() fails). */
static void
key_errors(void)
{
    struct run missing = RUN("msgtool", "create", "no-such-file:65");
    struct run nomem = RUN("msgtool", "open", "keyfile:65");

    expect_key_errors(&missing, "create no-such-file:65", &nomem, "a queue");
}

static void
bad_usage(void)
{
    static const char *const cases[][4] = {
        { NULL }, { "frobnicate" }, { "create", "-m", "9", KEY }, { "create" },
        { "open", "private" }, { "create", KEY, "100" }, { "remove", "0" },
        { "open", "zork" }, { "open", "+1234" }, { "open", "/etc/passwd:0" },
        { "open", "/etc/passwd:300" }, { "open", KEY, "extra" }, { "remove", KEY, "extra" },
    };
    struct ipc_set before;

    snapshot(&before);
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct run r = RUN("msgtool", cases[i][0], cases[i][1], cases[i][2], cases[i][3]);

        run_program(&r);
        expect_usage_error(&r);
        expect_no_new_objects(&before, &r, "After a usage error");
    }
}

/* Each command under Valgrind, all at once (each takes half a second to
 * start): create makes a queue of its own, open and remove each find one
 * the grader made. */
static void
valgrind_clean(void)
{
    struct run r[3] = {
        RUN("msgtool", "create", KEY),
        RUN("msgtool", "open", "0x4b1d0016"),
        RUN("msgtool", "remove", "0x4b1d0017"),
    };
    int removed;

    grader_queue(0x4b1d0016, 0600);
    removed = grader_queue(0x4b1d0017, 0600);
    for (size_t i = 0; i < ARRAY_LEN(r); i++)
        r[i].req.valgrind = true;
    run_all(r, ARRAY_LEN(r));
    for (size_t i = 0; i < ARRAY_LEN(r); i++) {
        expect_success(&r[i]);
        if (i == 0)
            expect_object(&r[i], IPC_KIND_MSG, printed_msqid(&r[i]),
                          "create must make the queue under Valgrind too");
        expect_valgrind_clean(&r[i]);
    }
    if (object_exists(IPC_KIND_MSG, removed))
        test_fail(&r[2], "After `remove` under Valgrind, the queue is still in the "
                         "kernel: `remove` did not remove it.");
}

static const struct test_def tests[] = {
    { "create_attributes", "create makes one queue, with the key and mode asked for, that "
      "outlives msgtool", 3, create_attributes, "msgget(key, IPC_CREAT | mode).", NULL,
      "Creating and opening a queue" },
    { "default_mode", "create without -m gives mode 600", 1, default_mode,
      "the permission bits are the low 9 bits of msgflg; default to 0600.", NULL,
      "Flags and permissions" },
    { "exclusive_create", "create -x refuses a key that is taken (EEXIST)", 2,
      exclusive_create, "add IPC_EXCL to IPC_CREAT when -x is given.", NULL,
      "Flags and permissions" },
    { "create_reuses", "create without -x opens the queue a key already has", 1,
      create_reuses, "IPC_CREAT alone means \"create it, or give me the one that "
      "exists\".", NULL, "Creating and opening a queue" },
    { "open_existing", "open finds a queue another program created", 2, open_existing,
      "open is msgget(key, 0): no IPC_CREAT.", NULL, "Creating and opening a queue" },
    { "open_missing", "open or remove of a missing key fails with ENOENT and creates "
      "nothing", 2,
      open_missing, "without IPC_CREAT, msgget() never creates.", NULL, "Common mistakes" },
    { "remove", "remove destroys the queue and its messages (msgctl IPC_RMID)", 2,
      remove_queue, "msgctl(id, IPC_RMID, NULL) after looking the id up.", NULL,
      "Removing a queue" },
    { "private_key", "create private makes a new queue every time (IPC_PRIVATE)", 1,
      private_key, "IPC_PRIVATE as the key always creates a new queue.", NULL,
      "IPC_PRIVATE queues" },
    { "no_space", "reports ENOSPC when no more queues can be made", 1, no_space,
      "check msgget()'s -1 and report it with err_exit(\"msgget\").", NULL,
      "Errors from msgget()" },
    { "permission_denied", "reports EACCES from msgget and EPERM from msgctl and exits "
      "non-zero", 1, permission_denied, "every failing call must be reported and end the "
      "program with a non-zero status.", NULL, "Errors from msgget()" },
    { "key_errors", "reports a PATH:PROJ_ID whose file is missing (ftok) and a failing "
      "strdup", 1, key_errors, "check what ftok() and strdup() return, as every call's.",
      NULL, "Errors from msgget()" },
    { "bad_usage", "rejects a wrong command line with a usage message", 1, bad_usage,
      "the skeleton's argument parsing does this; keep usage() for bad input.", NULL, NULL },
    { "valgrind_clean", "create, open and remove run clean under Valgrind", 2,
      valgrind_clean, "free what you allocate. Try: valgrind --leak-check=full ./msgtool "
      "create 0x1234", NULL, NULL },
};

const struct exercise exercise_msgget = {
    .id = "msgget",
    .title = "Message queues: msgget()",
    .chapter = CHAPTER,
    .programs = programs,
    .tests = tests,
    .ntests = ARRAY_LEN(tests),
};
