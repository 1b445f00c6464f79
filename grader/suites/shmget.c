/* shmget.c: exercise `shmget` (chapters/02-shmget.md). The student's shmtool
 * creates, opens and removes shared memory segments, one shmget() (and, to
 * remove, one shmctl()) per run. Every test compares what it printed and
 * did with the segments the kernel holds (snapshots of the test's own IPC
 * namespace); the failures come from the kernel (a taken key, a full table,
 * a size too large) or from fault injection (EACCES). */
#define _GNU_SOURCE
#include "suite.h"

#include <stdlib.h>

#define CHAPTER "chapters/02-shmget.md"
#define KEY     "0x4b1d0001"
#define KEY_NUM 0x4b1d0001

static const char *const programs[] = { "shmtool", NULL };

/* ---- the grader's view and hands ---- */

/* The id shmtool printed ("shmid N"), which must be a real id. */
static int
printed_shmid(const struct run *r)
{
    return expect_printed_id(r, "shmid", "shmget");
}

/* ---- the tests ---- */

static void
create_attributes(void)
{
    struct run r = RUN("shmtool", "create", "-m", "640", KEY, "5000");
    struct ipc_set before, after;
    struct ipc_obj *added, seg;
    size_t n;
    int id;

    snapshot(&before);
    run_program(&r);
    expect_success(&r);
    id = printed_shmid(&r);
    snapshot(&after);
    n = ipc_added(&before, &after, &added);
    free(added);
    expect_ulong(&r, "The number of segments `create` made", n, 1, "create calls shmget() "
                 "once, with IPC_CREAT.");
    seg = expect_object(&r, IPC_KIND_SHM, id, "the id your program printed");
    expect_ulong(&r, "The segment's key", (unsigned)seg.key, KEY_NUM, "Pass the parsed KEY "
                 "as shmget()'s first argument.");
    expect_ulong(&r, "The segment's size (bytes, as IPC_STAT reports it)", seg.size, 5000,
                 "Pass SIZE as shmget()'s second argument, unchanged: the kernel rounds "
                 "the memory up to whole pages, but records the size you asked for.");
    expect_mode(&r, "The segment's permission bits", seg.mode, 0640, "The low 9 bits of "
                "shmflg are the mode: IPC_CREAT | mode.");
    expect_ulong(&r, "The number of processes attached (nattch)", seg.count, 0, "create "
                 "only makes the segment; nothing attaches it yet.");
    expect_ulong(&r, "The creator pid (shm_cpid)", (unsigned long)seg.cpid,
                 (unsigned long)r.res.pid, "The segment must be created by shmtool itself.");
}

static void
default_mode(void)
{
    struct run r = RUN("shmtool", "create", KEY, "100");
    struct ipc_obj seg;

    run_program(&r);
    expect_success(&r);
    seg = expect_object(&r, IPC_KIND_SHM, printed_shmid(&r), "the id your program printed");
    expect_mode(&r, "Without -m, the permission bits", seg.mode, 0600, "The default mode "
                "is 0600: only the owner may read and write. 0666 would let every user on "
                "the machine change your data.");
}

static void
exclusive_create(void)
{
    struct run r = RUN("shmtool", "create", "-x", KEY, "100");
    struct ipc_set before;
    struct ipc_obj seg;
    int id = grader_segment(KEY_NUM, 4096, 0600);

    snapshot(&before);
    run_program(&r);
    expect_error_exit(&r, "With -x and a segment that already has this key");
    expect_stderr_has(&r, "File exists", "With IPC_CREAT | IPC_EXCL, shmget() fails with "
                      "EEXIST when the key is taken; report it with err_exit(\"shmget\").");
    expect_no_new_objects(&before, &r, "When the create failed");
    seg = expect_object(&r, IPC_KIND_SHM, id, "the grader's segment must still be there");
    expect_ulong(&r, "The existing segment's size", seg.size, 4096, "A failed create must "
                 "not touch the existing segment.");
}

static void
open_existing(void)
{
    struct run made = RUN("shmtool", "create", KEY, "2000");
    struct run r = RUN("shmtool", "open", KEY);
    struct ipc_set before;
    long id;

    made.req.reference = true;
    run_program(&made);
    expect_success(&made);
    id = printed_shmid(&made);
    snapshot(&before);
    run_program(&r);
    expect_success(&r);
    expect_ulong(&r, "The id `open` printed", (unsigned long)printed_shmid(&r),
                 (unsigned long)id, "Opening an existing segment returns its id: "
                 "shmget(key, 0, 0).");
    expect_no_new_objects(&before, &r, "When opening an existing segment");
}

static void
open_missing(void)
{
    struct run sized = RUN("shmtool", "open", "0x4b1d0404", "100");
    struct run r = RUN("shmtool", "open", "0x4b1d0404");
    struct run gone = RUN("shmtool", "remove", "0x4b1d0404");
    struct ipc_set before;

    snapshot(&before);
    /* With a SIZE, an open that wrongly adds IPC_CREAT really creates. */
    run_program(&sized);
    expect_finished(&sized);
    expect_no_new_objects(&before, &sized, "`open` must never create a segment (no "
                          "IPC_CREAT), but after opening a key that did not exist");
    run_program(&r);
    expect_finished(&r);
    expect_no_new_objects(&before, &r, "`open` must never create a segment (no IPC_CREAT), "
                          "but after opening a key that did not exist");
    expect_error_exit(&r, "When no segment has the key");
    expect_stderr_has(&r, "shmget", "Say which call failed: err_exit(\"shmget\").");
    expect_stderr_has(&r, "No such file or directory", "Without IPC_CREAT, shmget() fails "
                      "with ENOENT for a key nobody created; err_exit() prints its meaning.");
    /* remove looks the id up the same way. */
    run_program(&gone);
    expect_finished(&gone);
    expect_no_new_objects(&before, &gone, "`remove` must never create a segment (no "
                          "IPC_CREAT), but after removing a key that did not exist");
    expect_error_exit(&gone, "When no segment has the key to remove");
    expect_stderr_has(&gone, "No such file or directory", "Look the id up with shmget(key, "
                      "0, 0) and check its result: -1 with ENOENT means no segment has the "
                      "key; report it with err_exit(\"shmget\").");
}

static void
remove_segment(void)
{
    struct run r = RUN("shmtool", "remove", KEY);
    int id = grader_segment(KEY_NUM, 4096, 0600);

    run_program(&r);
    expect_success(&r);
    if (object_exists(IPC_KIND_SHM, id))
        test_fail(&r, "After `remove`, the segment (id %d) is still in the kernel. Look it "
                      "up with shmget(key, 0, 0), then remove it with shmctl(id, IPC_RMID, "
                      "NULL).", id);
}

static void
size_errors(void)
{
    struct run r = RUN("shmtool", "open", KEY, "8192");

    grader_segment(KEY_NUM, 4096, 0600);
    run_program(&r);
    expect_error_exit(&r, "When SIZE is larger than the existing 4096-byte segment");
    expect_stderr_has(&r, "Invalid argument", "shmget() fails with EINVAL when size is "
                      "larger than the segment that has the key.");
}

static void
private_key(void)
{
    struct run a = RUN("shmtool", "create", "private", "100");
    struct run b = RUN("shmtool", "create", "private", "100");
    struct ipc_obj first, second;
    long ida, idb;

    run_program(&a);
    expect_success(&a);
    ida = printed_shmid(&a);
    run_program(&b);
    expect_success(&b);
    idb = printed_shmid(&b);
    if (ida == idb)
        test_fail(&b, "Two creates with IPC_PRIVATE printed the same id %ld: IPC_PRIVATE "
                      "always makes a new segment.", ida);
    first = expect_object(&a, IPC_KIND_SHM, (int)ida, "the id printed");
    second = expect_object(&b, IPC_KIND_SHM, (int)idb, "the id printed");
    expect_ulong(&a, "The key of the first private segment", (unsigned)first.key, 0,
                 "Pass IPC_PRIVATE (0) as the key.");
    expect_mode(&a, "The private segment's permission bits", first.mode, 0600,
                "IPC_PRIVATE creates even without IPC_CREAT, "
                "but the mode still comes from shmflg: IPC_CREAT | mode.");
    expect_ulong(&b, "The key of the second private segment", (unsigned)second.key, 0,
                 "Pass IPC_PRIVATE (0) as the key.");
}

static void
no_space(void)
{
    struct run r = RUN("shmtool", "create", KEY, "100");
    struct ipc_set before;

    no_room_for(&r, "shmmni", "0", "shmget");
    snapshot(&before);
    run_program(&r);
    expect_no_field(&r, "shmid", "shmget() failed (the system allows no more segments), so "
                    "there is no id to print.");
    expect_error_exit(&r, "When the system has no room for another segment");
    expect_stderr_has(&r, "No space left on device", "shmget() fails with ENOSPC when SHMMNI "
                      "segments exist; report it with err_exit(\"shmget\").");
    expect_no_new_objects(&before, &r, "When the create failed");
}

static void
permission_denied(void)
{
    struct run r = RUN("shmtool", "open", KEY);
    struct run rm = RUN("shmtool", "remove", KEY);

    grader_segment(KEY_NUM, 4096, 0600);
    r.req.fault = "shmget:EACCES";
    run_program(&r);
    expect_no_field(&r, "shmid", "shmget() failed, so there is no id to print.");
    expect_error_exit(&r, "When shmget() fails with EACCES");
    expect_stderr_has(&r, "Permission denied", "Report the failure with err_exit(\"shmget\"); "
                      "it prints strerror(errno).");
    /* Only the creator or the owner (or a privileged process) may remove. */
    rm.req.fault = "shmctl:EPERM";
    run_program(&rm);
    expect_error_exit(&rm, "When shmctl(IPC_RMID) fails with EPERM");
    expect_stderr_has(&rm, "Operation not permitted", "Check shmctl()'s result: -1 means "
                      "the segment was not removed; report it with "
                      "err_exit(\"shmctl(IPC_RMID)\").");
}

/* The key's own failures: a PATH:PROJ_ID whose file is missing (ftok()
 * fails) and a copy of the text that cannot be made (strdup() fails). */
static void
key_errors(void)
{
    struct run missing = RUN("shmtool", "create", "no-such-file:65", "100");
    struct run nomem = RUN("shmtool", "open", "keyfile:65");

    expect_key_errors(&missing, "create no-such-file:65 100", &nomem, "a segment");
}

static void
bad_usage(void)
{
    static const char *const cases[][5] = {
        { NULL }, { "frobnicate" }, { "create", "-m", "9", KEY, "100" },
        { "create", KEY, "0" }, { "open", "private" }, { "create", KEY },
        { "open", "0" }, { "open", "zork" }, { "open", "+1234" }, { "open", "/etc/passwd:0" },
        { "open", "/etc/passwd:300" }, { "open", KEY, "100", "extra" },
        { "remove", KEY, "extra" },
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct run r = RUN("shmtool", cases[i][0], cases[i][1], cases[i][2], cases[i][3],
                           cases[i][4]);

        run_program(&r);
        expect_usage_error(&r);
    }
}

/* Each command under Valgrind, all at once (each takes half a second to
 * start): create makes a segment of its own, open and remove each find one
 * the grader made. */
static void
valgrind_clean(void)
{
    struct run r[3] = {
        RUN("shmtool", "create", KEY, "100"),
        RUN("shmtool", "open", "0x4b1d0002"),
        RUN("shmtool", "remove", "0x4b1d0003"),
    };
    int removed;

    grader_segment(0x4b1d0002, 100, 0600);
    removed = grader_segment(0x4b1d0003, 100, 0600);
    for (size_t i = 0; i < ARRAY_LEN(r); i++)
        r[i].req.valgrind = true;
    run_all(r, ARRAY_LEN(r));
    for (size_t i = 0; i < ARRAY_LEN(r); i++) {
        expect_success(&r[i]);
        if (i == 0)
            expect_object(&r[i], IPC_KIND_SHM, printed_shmid(&r[i]),
                          "create must make the segment under Valgrind too");
        expect_valgrind_clean(&r[i]);
    }
    if (object_exists(IPC_KIND_SHM, removed))
        test_fail(&r[2], "After `remove` under Valgrind, the segment is still in the "
                         "kernel: `remove` did not remove it.");
}

static const struct test_def tests[] = {
    { "create_attributes", "create makes one segment with the key, size and mode asked for",
      3, create_attributes, "shmget(key, size, IPC_CREAT | mode).", NULL,
      "Creating a segment" },
    { "default_mode", "create without -m gives mode 600", 1, default_mode,
      "the permission bits are the low 9 bits of shmflg; default to 0600.", NULL,
      "Flags and permissions" },
    { "exclusive_create", "create -x refuses a key that is taken (EEXIST)", 2,
      exclusive_create, "add IPC_EXCL to IPC_CREAT when -x is given.", NULL,
      "Flags and permissions" },
    { "open_existing", "open finds a segment another program created", 2, open_existing,
      "open is shmget(key, 0, 0): no IPC_CREAT.", NULL, "Opening a segment" },
    { "open_missing", "open or remove of a missing key fails with ENOENT and creates "
      "nothing", 2,
      open_missing, "without IPC_CREAT, shmget() never creates.", NULL, "Common mistakes" },
    { "remove", "remove destroys the segment (shmctl IPC_RMID)", 2, remove_segment,
      "shmctl(id, IPC_RMID, NULL) after looking the id up.", NULL, "Removing a segment" },
    { "size_errors", "open with a size larger than the segment fails with EINVAL", 1,
      size_errors, "pass SIZE to shmget() when opening too; the kernel checks it.", NULL,
      "Errors from shmget()" },
    { "private_key", "create private makes a new segment every time (IPC_PRIVATE)", 1,
      private_key, "IPC_PRIVATE as the key always creates a new segment.", NULL,
      "IPC_PRIVATE segments" },
    { "no_space", "reports ENOSPC when no more segments can be made", 1, no_space,
      "check shmget()'s -1 and report it with err_exit(\"shmget\").", NULL,
      "Errors from shmget()" },
    { "permission_denied", "reports EACCES from shmget and EPERM from shmctl and exits "
      "non-zero", 1, permission_denied, "every failing call must be reported and end the "
      "program with a non-zero status.", NULL, NULL },
    { "key_errors", "reports a PATH:PROJ_ID whose file is missing (ftok) and a failing "
      "strdup", 1, key_errors, "check what ftok() and strdup() return, as every call's.",
      NULL, "Errors from shmget()" },
    { "bad_usage", "rejects a wrong command line with a usage message", 1, bad_usage,
      "the skeleton's argument parsing does this; keep usage_err() for bad input.", NULL,
      NULL },
    { "valgrind_clean", "create, open and remove run clean under Valgrind", 2,
      valgrind_clean, "free what you allocate. Try: valgrind --leak-check=full ./shmtool "
      "create 0x1234 100", NULL, NULL },
};

const struct exercise exercise_shmget = {
    .id = "shmget",
    .title = "Shared memory segments: shmget()",
    .chapter = CHAPTER,
    .programs = programs,
    .tests = tests,
    .ntests = ARRAY_LEN(tests),
};
