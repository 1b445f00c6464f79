/* transport.c: exercise `transport` (chapters/10-choosing.md). The
 * student writes a transport (exercises/include/transport.h) over a System
 * V shared memory segment and a set of four semaphores; the grader links it
 * with the given driver (exercises/include/transport-driver.c) into the
 * program shmtransport. The driver forks and sends messages both ways,
 * checking every byte; the tests choose the sizes and the load, look at
 * the segment and the set as the kernel holds them, stop a deadlock as
 * soon as both processes sleep in semop() for good, remove the set under
 * the processes' feet, and make the calls fail. */
#define _GNU_SOURCE
#include "suite.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <unistd.h>

#define CHAPTER "chapters/10-choosing.md"

static const char *const programs[] = { "shmtransport", NULL };
static const char *const linked[] = { "exercises/include/transport-driver.c", NULL };

/* ---- The shared layout, exactly as the skeleton gives it ---- */

#define TP_SLOTS        16
#define TP_SLOT_BYTES   (256 * 1024)
#define NSEMS           4

struct tp_slot {
    size_t msg_len;
    char data[TP_SLOT_BYTES];
};

struct tp_shared {
    struct tp_slot ring[2][TP_SLOTS];
};

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

#define SEM_LEGEND "(in order: free and full slots from the parent to the child, free and " \
                   "full slots from the child to the parent)"

/* ---- Watching a run ---- */

/* The values of the set the run made, if there is exactly one. A failure
 * is no error: the set may come and go while the grader looks. (Called 20
 * times a second while a run is watched, so its snapshot is freed here,
 * not kept until the test ends as snapshot()'s are.) */
static bool
set_values(unsigned short v[NSEMS], int *semid)
{
    struct ipc_set s;
    bool ok = false;

    if (snapshot_own(&s) == -1)
        return false;
    if (ipc_count(&s, IPC_KIND_SEM) == 1) {
        for (size_t i = 0; i < s.n; i++)
            if (s.obj[i].kind == IPC_KIND_SEM && s.obj[i].size == NSEMS) {
                union semun arg = { .array = v };

                *semid = s.obj[i].id;
                ok = semctl(s.obj[i].id, 0, GETALL, arg) == 0;
            }
    }
    ipc_set_free(&s);
    return ok;
}

/* A driver run watched for a deadlock, and what its set held then. */
struct set_watch {
    bool deadlock;
    unsigned short v[NSEMS];    /* as last read */
    unsigned int unread;        /* times they could not be read */
};

/* What moves in a transport: its set's values (the bytes are the driver's
 * to check). Values that cannot be read prove nothing: they count as a
 * move, so that only a set seen still can make a deadlock. */
static void
set_state(void *ctx, struct strbuf *sb)
{
    struct set_watch *w = ctx;
    int semid;

    if (set_values(w->v, &semid))
        sb_addf(sb, "%u %u %u %u", w->v[0], w->v[1], w->v[2], w->v[3]);
    else
        sb_addf(sb, "unread %u", ++w->unread);
}

/* Run r, watching it: when both processes (every thread) sleep in semop(),
 * or wait for the other to end, and the semaphores do not move for 1.5 s,
 * nobody can ever wake them: say where each one waits and stop them at
 * once, without waiting for the timeout (w->deadlock is then set). */
static void
run_watched(struct run *r, struct set_watch *w)
{
    const struct group_watch gw = { semop_calls, set_state, w, 1.5 };

    *w = (struct set_watch){ 0 };
    run_start(r);
    w->deadlock = group_wait(&r, 1, &gw, NULL) > 0;
}

/* Wait up to 5 s until both processes of the driver are there and sleep in
 * semop() (the parent's watchdog thread in waitid()). */
static bool
both_asleep_in_semop(const struct run *r)
{
    pid_t procs[2];

    for (int i = 0; i < 100 && !run_ended(r); i++) {
        usleep(50000);
        if (run_processes(r, procs, 2) == 2 && run_asleep_in(r, semop_calls))
            return true;
    }
    return false;
}

/* The engine's words for a stuck process, with each semaphore named. */
static void
explain_semaphores(const char *text, struct strbuf *sb)
{
    static const char *const why[NSEMS] = {
        "semaphore 0 (free slots, parent to child: there are none)",
        "semaphore 1 (full slots, parent to child: there are none)",
        "semaphore 2 (free slots, child to parent: there are none)",
        "semaphore 3 (full slots, child to parent: there are none)",
    };

    sem_explain(text, why, NSEMS, sb);
}

/* The driver's first line on stderr: what went wrong, in its words. */
static void
first_error(const struct run *r, struct strbuf *sb)
{
    const char *e = r->res.err;
    size_t n = strcspn(e, "\n");

    if (n == 0) {
        sb_adds(sb, "(nothing on stderr)");
        return;
    }
    sb_add(sb, e, n);
}

/* The run must have moved every message (the driver checked each byte):
 * exit status 0 and its two summary lines. situation says what was sent;
 * advice what to look at when the content was wrong. */
static void
expect_transfer(const struct run *r, const struct set_watch *w, const char *situation,
                const char *advice)
{
    struct strbuf sb = { 0 };

    if (w->deadlock) {
        explain_semaphores(r->res.blocked ? r->res.blocked : "", &sb);
        test_fail(r, "Deadlock %s: the parent and the child were asleep, in semop() or "
                     "waiting for the other to end, and neither could ever wake the other, "
                     "so the grader stopped them:\n%s"
                     "The semaphores were %d, %d, %d, %d " SEM_LEGEND ". They start at "
                     "%d, 0, %d, 0; a sender takes a free slot and announces a full one, a "
                     "receiver the opposite. Look for a wrong first value, a wrong sign, "
                     "the wrong semaphore or direction, or a chunk count that differs "
                     "between send() and recv().", situation, sb_str(&sb),
                  w->v[0], w->v[1], w->v[2], w->v[3], TP_SLOTS, TP_SLOTS);
    }
    if (r->res.timed_out)
        test_fail(r, "`shmtransport` %s did not finish within %.0f s. %s", situation,
                  r->req.timeout, r->res.blocked && *r->res.blocked
                  ? "Where each process was is shown below: a process that is not asleep "
                    "in semop() but running is spinning (waiting in a loop): wait with "
                    "semop() instead."
                  : "A process that waits in a loop instead of in semop() burns a "
                    "processor and may never see what it waits for: wait with semop().");
    if (r->res.term_signal) {
        expect_finished(r);
    }
    if (r->res.exit_code != 0) {
        first_error(r, &sb);
        test_fail(r, "`shmtransport` %s failed: \"%s\"\n%s", situation, sb_str(&sb), advice);
    }
    if (strstr(r->res.out, "parent-to-child") == NULL ||
        strstr(r->res.out, "child-to-parent") == NULL)
        test_fail(r, "`shmtransport` %s exited with status 0 but did not print its two "
                     "summary lines: did something in your transport call exit()?",
                  situation);
    sb_free(&sb);
}

/* One driver run of mode with SIZES and COUNT, which must move everything. */
static void
transfer(const char *mode, const char *sizes, const char *count, double timeout,
         const char *situation, const char *advice)
{
    struct run r = RUN("shmtransport", mode, sizes, count);
    struct set_watch w;

    r.req.timeout = timeout;
    run_watched(&r, &w);
    expect_transfer(&r, &w, situation, advice);
}

/* `hold`: start it and wait until both processes have attached. */
static void
start_hold(struct run *r)
{
    r->req.timeout = 20;
    run_start_ready(r, "ready", 10, "`shmtransport hold` prints it once it has created the "
                    "transport, forked, and attached in both processes. create() must "
                    "return the transport (NULL only when a call failed).");
}

/* The create() of `shmtransport echo 8 1` fails as arranged: it must say
 * so, exit 1 and leave nothing behind (under Valgrind: no memory either). */
static void
create_fails(const char *fault, bool valgrind, const char *situation, const char *error,
             const char *advice)
{
    struct run r = RUN("shmtransport", "echo", "8", "1");
    struct ipc_set before;

    r.req.fault = fault;
    r.req.valgrind = valgrind;
    if (valgrind)
        r.req.timeout = 60;
    snapshot(&before);
    run_program(&r);
    expect_error_exit(&r, situation);
    expect_stderr_has(&r, error, advice);
    expect_no_new_objects(&before, &r, "A create() that fails must remove what it made "
                          "before the step that failed (undo_create()), but after it");
    if (valgrind)
        expect_valgrind_clean(&r);
}

/* `shmtransport echo 8 1` with one call failing as fault arranges, in the
 * parent or in the child: the call's error on stderr and exit status 1, at
 * once (a deadlock is stopped and explained). */
static struct run
fails_with(const char *fault, const char *situation, const char *error, const char *advice)
{
    struct run r = RUN("shmtransport", "echo", "8", "1");
    struct set_watch w;

    r.req.fault = fault;
    r.req.timeout = 20;
    run_watched(&r, &w);
    if (w.deadlock || r.res.timed_out)
        test_fail(&r, "%s, `shmtransport echo 8 1` did not end: both processes waited for "
                      "good, the one whose call failed went on as if the call had worked. %s",
                  situation, advice);
    expect_error_exit(&r, situation);
    expect_stderr_has(&r, error, advice);
    return r;
}

/* ---- The tests ---- */

static void
creates_objects(void)
{
    struct run r = RUN("shmtransport", "hold");
    unsigned short v[NSEMS];
    struct ipc_set now;
    const struct ipc_obj *seg = NULL, *set = NULL;
    size_t nshm, nsem;

    start_hold(&r);
    snapshot(&now);
    nshm = ipc_count(&now, IPC_KIND_SHM);
    nsem = ipc_count(&now, IPC_KIND_SEM);
    for (size_t i = 0; i < now.n; i++) {
        if (now.obj[i].kind == IPC_KIND_SHM)
            seg = &now.obj[i];
        if (now.obj[i].kind == IPC_KIND_SEM)
            set = &now.obj[i];
    }
    if (nshm != 1 || nsem != 1 || ipc_count(&now, IPC_KIND_MSG) != 0)
        test_fail(&r, "Once both processes have attached, the kernel should hold exactly "
                      "one shared memory segment and one semaphore set made by create(); "
                      "it holds %zu segment%s, %zu set%s and %zu message queue%s. create() "
                      "makes one segment (shmget) and one set of %d semaphores (semget), "
                      "both with IPC_PRIVATE.", nshm, nshm == 1 ? "" : "s", nsem,
                  nsem == 1 ? "" : "s", ipc_count(&now, IPC_KIND_MSG),
                  ipc_count(&now, IPC_KIND_MSG) == 1 ? "" : "s", NSEMS);
    expect_ulong(&r, "The segment's size", seg->size, sizeof(struct tp_shared),
                 "Make it sizeof(struct tp_shared) bytes: two rings of TP_SLOTS slots.");
    expect_ulong(&r, "The segment's key", (unsigned long)seg->key, IPC_PRIVATE,
                 "Use IPC_PRIVATE: the child inherits the ids, no other process needs "
                 "a key, and no other program can collide with it.");
    expect_mode(&r, "The segment's permissions", seg->mode & 0777, 0600,
                "Create it with IPC_CREAT | 0600.");
    expect_ulong(&r, "The segment's number of attachments (nattch)", seg->count, 2,
                 "The parent attaches it in create(), before fork(); the child inherits "
                 "the attachment.");
    expect_ulong(&r, "The number of semaphores in the set", set->size, NSEMS,
                 "semget(IPC_PRIVATE, NSEMS, IPC_CREAT | 0600).");
    expect_ulong(&r, "The set's key", (unsigned long)set->key, IPC_PRIVATE,
                 "Use IPC_PRIVATE.");
    expect_mode(&r, "The set's permissions", set->mode & 0777, 0600,
                "Create it with IPC_CREAT | 0600.");
    sem_values(set->id, v);
    if (v[0] != TP_SLOTS || v[1] != 0 || v[2] != TP_SLOTS || v[3] != 0)
        test_fail(&r, "Before any message, the semaphores are %d, %d, %d, %d " SEM_LEGEND
                      "; expected %d, 0, %d, 0: every slot free, none full. Give them "
                      "their first values with semctl(semid, 0, SETALL, arg) in create(): a "
                      "new set starts at 0.", v[0], v[1], v[2], v[3], TP_SLOTS, TP_SLOTS);
    run_stop(&r);
}

static void
close_removes(void)
{
    struct run r = RUN("shmtransport", "hold"), view;
    struct ipc_set now;

    start_hold(&r);
    snapshot(&now);
    if (ipc_count(&now, IPC_KIND_SHM) != 1 || ipc_count(&now, IPC_KIND_SEM) != 1)
        test_fail(&r, "Before close(), the kernel should hold the transport's segment and "
                      "set, but it holds %zu segment%s and %zu set%s: there is nothing to "
                      "remove yet (the test creates_objects says more).",
                  ipc_count(&now, IPC_KIND_SHM),
                  ipc_count(&now, IPC_KIND_SHM) == 1 ? "" : "s",
                  ipc_count(&now, IPC_KIND_SEM),
                  ipc_count(&now, IPC_KIND_SEM) == 1 ? "" : "s");
    run_signal(&r, SIGUSR1);
    if (!run_wait_output(&r, "closed", 10)) {
        struct strbuf sb = { 0 };

        run_stop(&r);
        first_error(&r, &sb);
        test_fail(&r, "After SIGUSR1, both processes call close(); the parent then prints "
                      "\"closed\", but it did not: \"%s\"", sb_str(&sb));
    }
    view = r;                           /* r.res.out is only read when it ends */
    view.res.out = (char *)run_stdout(&r);
    if (expect_field(&view, "child attached-after-close", "segments the child still has "
                     "attached after close()") != 0 ||
        expect_field(&view, "parent attached-after-close", "segments the parent still has "
                     "attached after close()") != 0)
        test_fail(&view, "After close(), a process still has the segment attached (see the "
                      "\"attached-after-close\" lines: their count of System V segments in "
                      "/proc/self/maps). close() must shmdt() it, in both processes: a "
                      "long-running process that opens and closes transports would "
                      "otherwise collect attachments, and a segment marked for removal "
                      "is only freed once nobody has it attached.");
    snapshot(&now);
    for (size_t i = 0; i < now.n; i++) {
        struct strbuf sb = { 0 };

        ipc_describe(&now.obj[i], &sb);
        test_fail(&r, "After the parent's close(), %s is still in the kernel, although "
                      "both processes have closed the transport. The parent's close() "
                      "must remove both objects: shmctl(shmid, IPC_RMID, NULL) and "
                      "semctl(semid, 0, IPC_RMID).", sb_str(&sb));
    }
    run_signal(&r, SIGUSR1);
    run_wait(&r);
    expect_success(&r);
}

static void
small_messages(void)
{
    transfer("echo", "0,1,7,8,100,4095,4096,4097", "400", 20,
             "with 400 round trips of 0 to 4097 bytes (echo)",
             "Each message goes as one chunk here. send(): take a free slot (-1 on "
             "SEM_FREE), write msg_len and the bytes, announce it (+1 on SEM_FULL); "
             "recv(): the mirror image, on the other ring. A message of 0 bytes is one "
             "chunk too.");
}

static void
large_messages(void)
{
    transfer("echo", "262143,262144,262145,524289,1000000,1048576", "30", 30,
             "with 30 round trips of 262143 bytes to 1 MiB (echo)",
             "A message longer than TP_SLOT_BYTES takes several slots: every chunk "
             "carries msg_len, and recv() goes on taking chunks until msg_len bytes are "
             "copied, each at its offset in buf. Both sides move their slot index the same "
             "way, back to 0 after slot TP_SLOTS - 1.");
}

static void
stream_full_ring(void)
{
    transfer("stream", "mixed", "300", 40,
             "with 300 messages of mixed sizes (0 B to 1 MiB) each way, one way at a time "
             "(stream)",
             "Here the sender runs far ahead and finds the ring full: it must wait for a "
             "free slot (-1 on SEM_FREE) before writing one, or it overwrites chunks the "
             "receiver has not read yet.");
}

static void
both_directions(void)
{
    transfer("duplex", "mixed", "300", 40,
             "with 300 messages of mixed sizes each way, both ways at once (a sending "
             "thread in each process)",
             "The two directions must not share anything: each has its own ring and its "
             "own two semaphores, and send() and recv() each keep their own slot index.");
}

static void
load(void)
{
    transfer("echo", "8", "20000", 60, "with 20000 round trips of 8 bytes",
             "Every operation must balance: one -1 on SEM_FREE and one +1 on SEM_FULL per "
             "chunk sent, the opposite per chunk received. A semaphore that only grows "
             "reaches 32767 and semop() then fails with ERANGE.");
    transfer("duplex", "1048576,8,65537,300001", "400", 90,
             "with 400 messages each way of 8 B to 1 MiB, both ways at once",
             "Look at what the two directions share.");
}

static void
waits_in_semop(void)
{
    struct run r = RUN("shmtransport", "wait");
    pid_t procs[2];

    r.req.timeout = 20;
    run_start(&r);
    if (!both_asleep_in_semop(&r)) {
        bool ended = run_ended(&r);
        bool child = run_processes(&r, procs, 2) == 2;

        run_stop(&r);
        if (ended) {
            struct strbuf sb = { 0 };

            first_error(&r, &sb);
            test_fail(&r, "With nothing sent, recv() must wait for a message, but it "
                          "returned: \"%s\". Take 1 from SEM_FULL(dir) of the other side's "
                          "ring: semop() then sleeps until a chunk is there.", sb_str(&sb));
        }
        test_fail(&r, "With nothing sent, both processes should sleep in semop() (waiting "
                      "to take a full slot) within 5 s, but %s was not asleep there: "
                      "waiting in a loop that polls (busy waiting) costs a whole "
                      "processor. Let semop() do the waiting.",
                  child ? "one of them" : "the child");
    }
    run_stop(&r);
}

static void
set_removed(void)
{
    struct run r = RUN("shmtransport", "wait");
    unsigned short v[NSEMS];
    int semid = -1;
    struct ipc_set now;

    r.req.timeout = 20;
    run_start(&r);
    if (!both_asleep_in_semop(&r) || !set_values(v, &semid)) {
        run_stop(&r);
        test_fail(&r, "With nothing sent, both processes should wait in semop() on the "
                      "transport's one semaphore set (the test waits_in_semop says more); "
                      "this test then removes the set while they wait.");
    }
    grader_remove(IPC_KIND_SEM, semid);
    run_wait(&r);
    expect_error_exit(&r, "When the semaphore set was removed while both processes waited "
                          "in semop() (which then fails with EIDRM)");
    expect_stderr_has(&r, "Identifier removed", "recv() must return -1 with errno as semop() "
                      "left it (EIDRM), not go on or wait again: only EINTR means \"try "
                      "again\".");
    snapshot(&now);
    for (size_t i = 0; i < now.n; i++) {
        struct strbuf sb = { 0 };

        ipc_describe(&now.obj[i], &sb);
        test_fail(&r, "After recv() failed, the parent's close() should still remove the "
                      "segment, but %s is left. In close(), try every step even when one "
                      "fails (here semctl IPC_RMID fails: the set is already gone).",
                  sb_str(&sb));
    }
}

static void
create_fails_cleanly(void)
{
    create_fails(no_room_fault("sem", "32000 1024000000 500 0", "semget"), false,
                 "When no semaphore set can be made (SEMMNI is 0: semget() fails with ENOSPC)",
                 "No space left on device", "create() returns NULL with errno as semget() left "
                 "it; the driver reports it.");
    set_ipc_limit("sem", "32000 1024000000 500 32000");
    create_fails("shmat:ENOMEM", false, "When shmat() fails (ENOMEM)", "Cannot allocate memory",
                 "Check shmat()'s result against (void *) -1.");
    create_fails("semctl:EINVAL:1", true, "When the semctl() that sets the first values "
                 "fails (EINVAL), under Valgrind", "Invalid argument", "Check semctl()'s "
                 "result: a set whose values were never set would deadlock at once. Then "
                 "undo everything create() did: detach, remove, and free the struct "
                 "transport.");
    create_fails(no_room_fault("shmmni", "0", "shmget"), false,
                 "When no segment can be made (SHMMNI is 0: shmget() fails with ENOSPC)",
                 "No space left on device", "Check shmget()'s result.");
}

static void
send_recv_errors(void)
{
    static const struct {
        const char *fault, *situation, *advice;
    } cases[] = {
        { "semop:EINVAL:1:parent", "When the parent's first semop() fails (EINVAL: its "
          "send() waits for a free slot)", "send() must return -1 at once, with errno as "
          "semop() left it, and write nothing into the slot." },
        { "semop:EINVAL:2:parent", "When the parent's second semop() fails (EINVAL: its "
          "send() announces the full slot)", "send() must return -1 with errno as semop() "
          "left it: the chunk was never announced, so the receiver will never see it." },
        { "semop:EINVAL:1:child", "When the child's first semop() fails (EINVAL: its recv() "
          "waits for a full slot)", "recv() must return -1 at once, with errno as semop() "
          "left it." },
        { "semop:EINVAL:2:child", "When the child's second semop() fails (EINVAL: its recv() "
          "gives the slot back)", "recv() must return -1 with errno as semop() left it, "
          "not the message's length: the slot was never given back." },
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        fails_with(cases[i].fault, cases[i].situation, "Invalid argument",
                   cases[i].advice);
}

static void
close_errors(void)
{
    static const struct {
        const char *fault, *situation, *error, *advice;
        int left;               /* the kind the failed call leaves, or -1: none */
    } cases[] = {
        { "shmdt:EINVAL:1:parent", "When the parent's shmdt() in close() fails (EINVAL)",
          "Invalid argument", "close() must return -1 with errno as shmdt() left it", -1 },
        { "shmctl:EPERM:1:parent", "When the parent's shmctl(IPC_RMID) in close() fails "
          "(EPERM)", "Operation not permitted", "close() must return -1 with errno as "
          "shmctl() left it", IPC_KIND_SHM },
        { "semctl:EPERM:2:parent", "When the parent's semctl(IPC_RMID) in close() fails "
          "(EPERM)", "Operation not permitted", "close() must return -1 with errno as "
          "semctl() left it", IPC_KIND_SEM },
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct run r = fails_with(cases[i].fault, cases[i].situation, cases[i].error,
                                  test_strf("%s (the driver then says \"close() failed\"); "
                                            "it still releases everything else.",
                                            cases[i].advice));
        struct ipc_set now;

        snapshot(&now);
        for (size_t k = 0; k < now.n; k++) {
            struct strbuf sb = { 0 };

            if ((int)now.obj[k].kind == cases[i].left) {
                grader_remove(now.obj[k].kind, now.obj[k].id);  /* not the next case's */
                continue;
            }
            ipc_describe(&now.obj[k], &sb);
            test_fail(&r, "%s, %s is still in the kernel after the program ended. "
                          "close() must try every step even when one fails: detach, then "
                          "(in the parent) remove the segment and the set.",
                      cases[i].situation, sb_str(&sb));
        }
    }
}

static void
eintr_retried(void)
{
    struct run r = RUN("shmtransport", "echo", "8,300000", "50");
    struct set_watch w;

    r.req.fault = "semop:EINTR:3,semop:EINTR:10";
    r.req.timeout = 20;
    run_watched(&r, &w);
    expect_transfer(&r, &w, "while a signal interrupted two of its semop() calls in each "
                    "process (they failed with EINTR)", "semop() fails with EINTR when a "
                    "signal arrives while it waits; nothing was done then: call it again. "
                    "Only other errors make send() and recv() fail.");
}

static void
valgrind_clean(void)
{
    struct run r = RUN("shmtransport", "echo", "0,5,300000,1048576", "8");
    struct set_watch w;

    r.req.valgrind = true;
    r.req.timeout = 90;
    run_watched(&r, &w);
    expect_transfer(&r, &w, "with 8 round trips of 0 B to 1 MiB, under Valgrind",
                    "The other tests say more.");
    expect_valgrind_clean(&r);
}

static const struct test_def tests[] = {
    { "creates_objects", "create() makes one private segment and one set of 4 semaphores, "
      "set to 16, 0, 16, 0", 2, creates_objects, "shmget and semget with IPC_PRIVATE, then "
      "semctl(SETALL).", NULL, "A transport in shared memory" },
    { "close_removes", "close() detaches in both processes, and the parent's removes the "
      "segment and the set", 2, close_removes, "shmdt, then in the parent shmctl and semctl "
      "IPC_RMID.", NULL, "Cleaning up: who removes what" },
    { "small_messages", "messages of 0 to 4097 bytes arrive whole and in order, both ways", 2,
      small_messages, "one chunk per message: wait for a free slot, write, announce.", NULL,
      "A transport in shared memory" },
    { "large_messages", "messages of up to 1 MiB, in several chunks, arrive whole and in "
      "order", 2, large_messages, "every chunk carries msg_len; recv() copies each at its "
      "offset.", NULL, "A transport in shared memory" },
    { "stream_full_ring", "a sender far ahead waits for free slots and overwrites nothing", 2,
      stream_full_ring, "take 1 from SEM_FREE before writing a slot.", NULL,
      "A transport in shared memory" },
    { "both_directions", "both directions at once (a sending thread in each process)", 2,
      both_directions, "one ring and two semaphores per direction, nothing shared.", NULL,
      "A transport in shared memory" },
    { "load", "20000 round trips, then 400 messages of up to 1 MiB each way at once", 3, load,
      "every -1 has its +1 on the other semaphore.", NULL, "Common mistakes" },
    { "waits_in_semop", "recv() with nothing to receive sleeps in semop(), it does not spin",
      2, waits_in_semop, "wait by taking 1 from SEM_FULL.", NULL,
      "A transport in shared memory" },
    { "set_removed", "when the set is removed, recv() fails with EIDRM and close() still "
      "removes the segment", 1, set_removed, "only EINTR is retried; close() tries every "
      "step.", NULL, "Cleaning up: who removes what" },
    { "create_fails_cleanly", "a create() that fails says why and leaves nothing behind", 2,
      create_fails_cleanly, "undo what was made before the failed step.", NULL,
      "Cleaning up: who removes what" },
    { "send_recv_errors", "a semop() that fails in send() or recv() makes it return -1 at "
      "once", 2, send_recv_errors, "check every semop(): only EINTR is tried again.", NULL,
      "A transport in shared memory" },
    { "close_errors", "close() reports a release that failed, and still releases the rest",
      1, close_errors, "remember the first error, go on, and return -1 with it.", NULL,
      "Cleaning up: who removes what" },
    { "eintr_retried", "a semop() interrupted by a signal (EINTR) is tried again", 1,
      eintr_retried, "retry semop() on EINTR.", NULL, "A transport in shared memory" },
    { "valgrind_clean", "runs clean under Valgrind in both processes, nothing leaked", 2,
      valgrind_clean, "close() frees the struct transport. Try: valgrind --leak-check=full "
      "./shmtransport echo 8 3", NULL, NULL },
};

const struct exercise exercise_transport = {
    .id = "transport",
    .title = "Which IPC is fastest? A transport in shared memory",
    .chapter = CHAPTER,
    .programs = programs,
    .linked = linked,
    .tests = tests,
    .ntests = ARRAY_LEN(tests),
};
