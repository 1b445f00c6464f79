/* kvstore.c: project `kvstore` (chapters/05a-project-kvstore.md). The
 * student's kvstore keeps a table of NAME=VALUE entries in one shared
 * memory segment, guarded by a readers-writer lock built from one System V
 * semaphore set. The table's layout and the lock's design are the
 * student's: the tests never read the segment nor interpret a semaphore.
 * They see only what the statement fixes: the command lines and their
 * output, the two objects with key KV_KEY, the kernel's counts (nattch,
 * the set's values as `stats` must report them), and who sleeps in
 * semop() when. The --hold MS option of the protocol keeps a process
 * inside the lock so that the tests can say deterministically who must
 * wait for whom (readers share, a writer excludes everyone, a reader that
 * comes after a waiting writer waits too) and kill a process while it
 * holds the lock, in the middle of its change. */
#define _GNU_SOURCE
#include "suite.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "../../exercises/include/kvstore.h"

#define CHAPTER "chapters/05a-project-kvstore.md"
#define PROG    "kvstore"

static const char *const programs[] = { PROG, NULL };

/* How long a holder keeps its lock while the test watches others wait:
 * long enough for a process started meanwhile to reach semop() on a busy
 * machine, short enough for the grading to stay quick. */
#define HOLD_MS     "1000"
/* A holder the test kills: it never gets to the end of its hold. */
#define HOLD_LONG   "20000"
/* How long each of many writers started at once keeps the lock: the window
 * in which, with no lock, two of them meet. Their starts spread out on a
 * loaded machine (16 of them, side by side with other gradings), and with
 * 30 ms a store with no write lock once passed there; correct writers,
 * one after the other, take 16 times this. */
#define HOLD_MANY   "100"

/* ---- Running one command ---- */

/* The watch for any group of kvstore runs: a deadlock is every run still
 * going asleep in semop() for a second (a holder sleeps in nanosleep(),
 * which is not a deadlock). The tests read no state of the store. */
static const struct group_watch sem_watch = { semop_calls, NULL, NULL, 1.0 };

/* Run r by itself: nobody else uses the store, so a run asleep in
 * semop() for a second will never wake up. It is stopped and the test
 * fails, saying so and where it was. */
static void
run_alone(struct run *r, const char *situation)
{
    struct run *one = r;

    if (r->req.timeout == 0)
        r->req.timeout = 10;
    run_start(r);
    if (group_wait(&one, 1, &sem_watch, NULL) > 0)
        test_fail(r, "`%s %s` fell asleep in semop() %s, with no other process using the "
                     "store, and nothing could ever wake it, so the grader stopped it. It "
                     "was %s\nThe lock was left taken: by an earlier process that took it "
                     "and never gave it back on some path (or died without SEM_UNDO), or "
                     "the semaphores did not start at the values your design needs.",
                  PROG, r->req.args[0] ? r->req.args[0] : "", situation,
                  r->res.blocked ? r->res.blocked : "stuck");
    expect_finished(r);
}

/* stdout without the "holding" line --hold prints: what a command shows. */
static const char *
shown(const struct run *r)
{
    const char *out = run_stdout(r);
    size_t n = strlen(KV_HOLDING);

    if (strncmp(out, KV_HOLDING, n) == 0 && out[n] == '\n')
        return out + n + 1;
    return out;
}

/* `kvstore init`, which every test but the first few starts with. */
static void
store_init(void)
{
    struct run r = RUN(PROG, "init");

    run_alone(&r, "in `init`");
    if (r.res.exit_code != 0)
        test_fail(&r, "`kvstore init` failed, and every test of the store starts with it "
                      "(the test init_creates says more).");
    {
        struct ipc_set now;

        snapshot(&now);
        if (ipc_find_key(&now, IPC_KIND_SHM, KV_KEY) == NULL ||
            ipc_find_key(&now, IPC_KIND_SEM, KV_KEY) == NULL)
            test_fail(&r, "`kvstore init` exited with status 0, but the kernel has no "
                          "segment and semaphore set with key 0x%x, and every test of the "
                          "store starts with it (the test init_creates says more).", KV_KEY);
    }
}

/* `kvstore put NAME VALUE`, which must succeed. */
static void
put_ok(const char *name, const char *value)
{
    struct run r = RUN(PROG, "put", name, value);

    run_alone(&r, "in `put`");
    expect_success(&r);
    expect_stdout_empty(&r, "put prints nothing on stdout.");
}

/* `kvstore get NAME` must print exactly want (one line). */
static void
expect_get(const char *name, const char *want, const char *situation)
{
    struct run r = RUN(PROG, "get", name);

    run_alone(&r, "in `get`");
    if (r.res.exit_code != 0)
        test_fail(&r, "%s, `kvstore get %s` should print \"%s\", but it %s.", situation,
                  name, want, strstr(r.res.err, KV_NOT_FOUND) ? "said it was not found"
                  : "failed");
    if (strcmp(r.res.out, test_strf("%s\n", want)) != 0)
        test_fail(&r, "%s, `kvstore get %s` should print exactly the line \"%s\".",
                  situation, name, want);
}

/* `kvstore get NAME` must fail: not found. */
static void
expect_not_found(const char *name, const char *situation)
{
    struct run r = RUN(PROG, "get", name);

    run_alone(&r, "in `get`");
    expect_error_exit(&r, situation);
    expect_stderr_has(&r, test_strf("%s: %s", name, KV_NOT_FOUND), "A missing NAME is "
                      "reported as \"kvstore: NAME: not found\" with exit status 1.");
    expect_stdout_empty(&r, "A get that finds nothing prints nothing on stdout.");
}

/* `kvstore list` must print exactly want. */
static void
expect_list(const char *want, const char *situation)
{
    struct run r = RUN(PROG, "list");

    run_alone(&r, "in `list`");
    expect_success(&r);
    if (strcmp(r.res.out, want) != 0)
        test_fail(&r, "%s, `kvstore list` should print exactly:\n%s(one \"NAME VALUE\" line "
                      "per entry, sorted by NAME as strcmp() orders them).", situation,
                  *want ? want : "(nothing)\n");
}

/* A value of `len` characters that says who wrote it (tag) and whose
 * every part differs from any other tag's: a value half of one write and
 * half of another cannot pass for either. */
static const char *
long_value(char tag, size_t len)
{
    char *v = test_own(xmalloc(len + 1));

    for (size_t i = 0; i < len; i++)
        v[i] = (i % 10 == 9) ? (char)('0' + (i / 10) % 10) : tag;
    v[len] = '\0';
    return v;
}

/* Start a holder: `kvstore --hold MS ARGS...`, and wait until it says it
 * holds the lock. */
static void
start_holder(struct run *r, const char *what)
{
    r->req.timeout = 30;
    run_start_ready(r, KV_HOLDING, 5, test_strf("with --hold MS, %s prints \"%s\" (and "
                    "flushes stdout) as soon as it holds the lock.", what, KV_HOLDING));
}

/* Wait until r sleeps in semop() (true), or r has ended, or the holder
 * has (false): a process that is still running when its holder's --hold
 * is over, and was never seen asleep in semop(), did not wait there. The
 * hold, not a fixed time, bounds the wait, so a slow machine that starts
 * r late does not make it fail. */
static bool
wait_in_semop(const struct run *r, const struct run *holder)
{
    double deadline = now_seconds() + 20;

    for (;;) {
        if (run_asleep_in(r, semop_calls))
            return true;
        if (run_ended(r) || !run_alive(holder) || now_seconds() > deadline)
            return false;
        usleep(5000);
    }
}

/* Wait for every run of a group; a deadlock fails the test, described. */
static void
wait_all(struct run **runs, size_t n, const char *situation)
{
    size_t stopped = group_wait(runs, n, &sem_watch, NULL);

    if (stopped > 0) {
        struct strbuf sb = { 0 };
        const struct run *first = NULL;

        for (size_t i = 0; i < n; i++) {
            if (!runs[i]->res.timed_out)
                continue;
            if (first == NULL)
                first = runs[i];
            sb_adds(&sb, "  - ");
            run_words(runs[i], &sb);
            sb_addf(&sb, ": %s\n", runs[i]->res.blocked ? runs[i]->res.blocked : "stuck");
        }
        test_fail(first, "Deadlock %s: these processes were all waiting in semop(), and none "
                         "of them could ever go on, so the grader stopped them:\n%sLook for "
                         "a lock taken and never given back on some path, or a semop() that "
                         "waits for a value nobody will ever give.", situation, sb_str(&sb));
    }
    for (size_t i = 0; i < n; i++)
        expect_success(runs[i]);
}

/* ---- The tests ---- */

static void
init_creates(void)
{
    struct run r = RUN(PROG, "init");
    struct run again = RUN(PROG, "init");
    struct ipc_set before, after;
    struct ipc_obj *added;
    const struct ipc_obj *shm, *sem;
    long shmid, semid;
    size_t n;

    snapshot(&before);
    run_alone(&r, "in `init`");
    expect_success(&r);
    shmid = expect_printed_id(&r, "shmid", "shmget");
    semid = expect_printed_id(&r, "semid", "semget");
    snapshot(&after);
    n = ipc_added(&before, &after, &added);
    free(added);
    expect_ulong(&r, "The number of new IPC objects after `init`", n, 2, "The store is "
                 "exactly one shared memory segment and one semaphore set.");
    shm = ipc_find_id(&after, IPC_KIND_SHM, (int)shmid);
    sem = ipc_find_id(&after, IPC_KIND_SEM, (int)semid);
    if (shm == NULL)
        test_fail(&r, "The kernel has no segment with the id `init` printed (%ld).", shmid);
    if (sem == NULL)
        test_fail(&r, "The kernel has no semaphore set with the id `init` printed (%ld).",
                  semid);
    expect_ulong(&r, "The segment's key", (uint32_t)shm->key, KV_KEY, "Both objects use "
                 "KV_KEY from kvstore.h.");
    expect_ulong(&r, "The semaphore set's key", (uint32_t)sem->key, KV_KEY, "Both objects "
                 "use KV_KEY from kvstore.h.");
    expect_mode(&r, "The segment's permission bits", shm->mode, 0600, "Create it with "
                "IPC_CREAT | IPC_EXCL | 0600.");
    expect_mode(&r, "The semaphore set's permission bits", sem->mode, 0600, "Create it "
                "with IPC_CREAT | IPC_EXCL | 0600.");
    expect_ulong(&r, "The segment's nattch after `init` has exited", shm->count, 0,
                 "A program that attached the segment detaches it before it exits (the "
                 "kernel would, but say what you mean).");
    expect_list("", "Right after `init`");

    run_alone(&again, "in a second `init`");
    snapshot(&before);
    expect_error_exit(&again, "When the store already exists");
    expect_stderr_has(&again, "File exists", "init creates with IPC_EXCL, so that it never "
                      "resets a store that others are using; report EEXIST with "
                      "err_exit().");
    expect_no_new_objects(&after, &again, "When a second init failed");
}

static void
put_get_del(void)
{
    const char *big = long_value('v', KV_VALUE_MAX);
    const char *name = "n.a-m_e0123456789012345678901_X";    /* KV_NAME_MAX long */

    store_init();
    expect_not_found("colour", "In an empty store");
    put_ok("colour", "blue");
    expect_get("colour", "blue", "After `put colour blue`");
    put_ok("colour", "dark green");
    expect_get("colour", "dark green", "After a second put of colour (\"dark green\")");
    put_ok(name, big);
    expect_get(name, big, "After a put of the longest name and the longest value");
    expect_get("colour", "dark green", "After a put of another name");
    put_ok(name, "short");
    expect_get(name, "short", "After a long value was replaced by a short one");
    {
        struct run d = RUN(PROG, "del", "colour");

        run_alone(&d, "in `del`");
        expect_success(&d);
        expect_stdout_empty(&d, "del prints nothing on stdout.");
    }
    expect_not_found("colour", "After `del colour`");
    {
        struct run d = RUN(PROG, "del", "colour");

        run_alone(&d, "in `del`");
        expect_error_exit(&d, "When del's NAME is not in the store");
        expect_stderr_has(&d, "colour: " KV_NOT_FOUND, "A missing NAME is reported as "
                          "\"kvstore: NAME: not found\" with exit status 1.");
    }
    put_ok("colour", "red");
    expect_get("colour", "red", "After a name was deleted and put again");
}

static void
list_sorted(void)
{
    store_init();
    put_ok("pear", "3 kg");
    put_ok("apple", "1");
    put_ok("Zebra", "striped");
    put_ok("mango", "2");
    put_ok("apple", "one");
    {
        struct run d = RUN(PROG, "del", "mango");

        run_alone(&d, "in `del`");
        expect_success(&d);
    }
    expect_list("Zebra striped\napple one\npear 3 kg\n", "After puts of pear, apple, Zebra, "
                "mango, apple again and a del of mango");
}

static void
capacity(void)
{
    struct strbuf want = { 0 };
    char names[KV_CAPACITY][16];

    store_init();
    /* 16 puts at a time: the grading stays quick, and the lock (the other
     * tests check it) keeps them apart. */
    for (int i = 0; i < KV_CAPACITY; i += 16) {
        struct run r[16], *all[16];

        for (int j = 0; j < 16; j++) {
            snprintf(names[i + j], sizeof names[i + j], "k%02d", i + j);
            r[j] = RUN(PROG, "put", names[i + j], names[i + j]);
            r[j].req.timeout = 30;
            all[j] = &r[j];
            run_start(&r[j]);
        }
        wait_all(all, 16, "with 16 puts of new names at once");
    }
    for (int i = 0; i < KV_CAPACITY; i++)
        sb_addf(&want, "%s %s\n", names[i], names[i]);
    {
        struct run r = RUN(PROG, "put", "one-too-many", "x");

        run_alone(&r, "in `put`");
        expect_error_exit(&r, test_strf("When the store already holds %d names (KV_CAPACITY) "
                          "and put adds another", KV_CAPACITY));
        expect_stderr_has(&r, KV_FULL_MSG, "A full store is reported as \"kvstore: store "
                          "full\" with exit status 1 (KV_FULL_MSG).");
    }
    expect_list(test_own(sb_take(&want)), "After the put into a full store failed");
    put_ok("k05", "replaced");
    expect_get("k05", "replaced", "In a full store, a put of a name already there replaces "
               "its value");
    {
        struct run d = RUN(PROG, "del", "k10");

        run_alone(&d, "in `del`");
        expect_success(&d);
    }
    put_ok("newcomer", "welcome");
    expect_get("newcomer", "welcome", "After a del made room in a full store");
}

/* Run r while a holder keeps its lock: r must finish without waiting for
 * it. Asleep in semop() for a second (the holder sleeps out its --hold),
 * it waits for the holder: r is stopped and the test fails with why. */
static void
run_beside(struct run *r, struct run *holder, const char *why)
{
    struct run *one = r;

    r->req.timeout = 30;
    run_start(r);
    if (group_wait(&one, 1, &sem_watch, NULL) > 0) {
        run_halt(holder);
        test_fail(r, "%s It was %s", why, r->res.blocked ? r->res.blocked : "stuck");
    }
    expect_success(r);
}

static void
readers_share(void)
{
    struct run a = RUN(PROG, "--hold", HOLD_LONG, "get", "x");
    struct run b = RUN(PROG, "--hold", "0", "get", "x");

    store_init();
    put_ok("x", "shared");
    start_holder(&a, "get");
    run_beside(&b, &a, "A reader (`get --hold ... x`) held the read lock, and a second "
               "reader (`get --hold 0 x`) waited for it in semop(). Many readers may hold "
               "the lock at once; only a writer excludes them.");
    if (strcmp(shown(&b), "shared\n") != 0)
        test_fail(&b, "The second reader of x should print \"shared\".");
    run_stop(&a);
}

static void
writer_excludes(void)
{
    const char *old = long_value('o', 200), *new = long_value('N', 200);
    struct run w = RUN(PROG, "--hold", HOLD_MS, "put", "x", new);
    struct run r = RUN(PROG, "get", "x");
    struct run w2 = RUN(PROG, "put", "y", "second");
    struct run *all[] = { &w, &r, &w2 };

    store_init();
    put_ok("x", old);
    start_holder(&w, "put");
    r.req.timeout = 30;
    w2.req.timeout = 30;
    run_start(&r);
    if (!wait_in_semop(&r, &w)) {
        if (run_ended(&r) && run_alive(&w)) {
            run_wait(&r);
            run_halt(&w);
            test_fail(&r, "While a writer (`put --hold %s x ...`) held the write lock, a "
                          "reader (`get x`) did not wait for it: it ended before the writer "
                          "did. A writer excludes every reader: get must wait in semop() "
                          "until the writer gives the lock back.", HOLD_MS);
        }
        /* Not seen asleep before the writer let go (a slow start): the
         * value it prints still says whether it waited. */
    }
    run_start(&w2);
    if (!wait_in_semop(&w2, &w) && run_ended(&w2) && run_alive(&w)) {
        run_wait(&w2);
        run_halt(&w);
        run_halt(&r);
        test_fail(&w2, "While a writer (`put --hold %s x ...`) held the write lock, a second "
                       "writer (`put y second`) did not wait for it: it ended first. One "
                       "writer at a time.", HOLD_MS);
    }
    wait_all(all, 3, "with a writer holding the lock, a reader and a writer waiting");
    if (strcmp(r.res.out, test_strf("%s\n", new)) != 0)
        test_fail(&r, "The reader waited for the writer, so it should print the value the "
                      "writer put (%zu 'N's and digits), not %s.", strlen(new),
                  strcmp(r.res.out, test_strf("%s\n", old)) == 0 ? "the old one" : "this");
    expect_get("y", "second", "After the second writer");
}

static void
reader_blocks_writer(void)
{
    struct run r = RUN(PROG, "--hold", HOLD_MS, "get", "x");
    struct run w = RUN(PROG, "put", "x", "new");
    struct run *all[] = { &r, &w };

    store_init();
    put_ok("x", "old");
    start_holder(&r, "get");
    w.req.timeout = 30;
    run_start(&w);
    if (!wait_in_semop(&w, &r)) {
        if (run_ended(&w) && run_alive(&r)) {
            run_wait(&w);
            run_halt(&r);
            test_fail(&w, "While a reader (`get --hold %s x`) held the read lock, a writer "
                          "(`put x new`) did not wait for it: it ended first. A writer must "
                          "wait in semop() until no reader is inside.", HOLD_MS);
        }
        /* Not seen asleep before the reader let go (a slow start): what
         * the reader printed still says whether the writer waited. */
    }
    wait_all(all, 2, "with a reader holding the lock and a writer waiting");
    if (strcmp(shown(&r), "old\n") != 0)
        test_fail(&r, "The reader held the read lock while the writer waited, so it should "
                      "print \"old\".");
    expect_get("x", "new", "After the writer that waited for the reader");
}

static void
writer_not_starved(void)
{
    /* Two processes must get to semop() while it holds: a longer hold. */
    struct run a = RUN(PROG, "--hold", "2000", "get", "x");
    struct run w = RUN(PROG, "put", "x", "new");
    struct run b = RUN(PROG, "get", "x");
    struct run *all[] = { &a, &w, &b };

    store_init();
    put_ok("x", "old");
    start_holder(&a, "get");
    w.req.timeout = 30;
    b.req.timeout = 30;
    run_start(&w);
    if (!wait_in_semop(&w, &a)) {
        run_halt(&a);
        run_fail_halt(&w, "While a reader held the read lock, a writer (`put x new`) should "
                          "have waited in semop() (the test reader_blocks_writer says more).");
    }
    run_start(&b);
    if (!wait_in_semop(&b, &a) && run_ended(&b) && run_alive(&a)) {
        run_wait(&b);
        run_halt(&a);
        run_halt(&w);
        test_fail(&b, "A reader held the lock and a writer was waiting for it; a second "
                      "reader (`get x`) that came after the writer went in ahead of it "
                      "(it printed \"%.*s\" while the writer still waited). With readers "
                      "coming in turn, such a writer would wait forever: once a writer "
                      "waits, new readers must wait behind it.",
                  (int)strcspn(b.res.out, "\n"), b.res.out);
    }
    wait_all(all, 3, "with a reader holding the lock, a writer and a reader waiting");
    if (strcmp(b.res.out, "new\n") != 0)
        test_fail(&b, "The reader that came after the waiting writer should print the "
                      "writer's value, \"new\".");
}

/* Start `kvstore --hold HOLD_LONG ARGS` when no other process uses the
 * store, wait until it holds the lock, and kill it there (SIGKILL), in
 * the middle of its change. Asleep in semop() for a second instead, it
 * waits for a lock that an earlier killed process left taken. */
static void
kill_holder(struct run *r, const char *what)
{
    double asleep_since = -1;

    r->req.timeout = 30;
    run_start(r);
    while (!run_wait_output(r, KV_HOLDING, 0.02)) {
        if (run_ended(r))
            break;
        if (!run_asleep_in(r, semop_calls))
            asleep_since = -1;
        else if (asleep_since < 0)
            asleep_since = now_seconds();
        else if (now_seconds() - asleep_since > 1.0)
            run_fail_halt(r, "`%s --hold` waited in semop() for the lock, although no other "
                             "process was using the store: a process killed earlier in this "
                             "test (while it held the lock, or waited for it) left the lock "
                             "taken. Whatever a process changes in the semaphores to enter, "
                             "the kernel must undo when it dies (SEM_UNDO).", what);
        if (now_seconds() - r->res.started > 5)
            break;
    }
    if (!run_ended(r) && strstr(run_stdout(r), KV_HOLDING) == NULL)
        run_fail_halt(r, "`%s --hold` did not print \"%s\" within 5 s: with --hold MS, it "
                         "prints it (and flushes stdout) as soon as it holds the lock.", what,
                      KV_HOLDING);
    if (strstr(run_stdout(r), KV_HOLDING) == NULL) {
        run_wait(r);
        expect_success(r);
        test_fail(r, "`%s --hold` exited without printing \"%s\": with --hold MS, it prints "
                     "it (and flushes stdout) as soon as it holds the lock.", what, KV_HOLDING);
    }
    run_stop(r);
}

static void
killed_writer(void)
{
    const char *old = long_value('o', 200), *new = long_value('N', 200);
    const char *yval = long_value('y', KV_VALUE_MAX);
    struct run w = RUN(PROG, "--hold", HOLD_LONG, "put", "x", new);
    struct run w2 = RUN(PROG, "--hold", HOLD_LONG, "put", "y", yval);
    struct run w3 = RUN(PROG, "--hold", HOLD_LONG, "del", "keep");
    struct run g = RUN(PROG, "get", "x");
    struct run l = RUN(PROG, "list");
    const char *x_now;

    store_init();
    put_ok("keep", "kept");
    put_ok("x", old);
    kill_holder(&w, "put");
    run_alone(&g, "after a writer was killed while it held the lock");
    expect_success(&g);
    if (strcmp(g.res.out, test_strf("%s\n", old)) == 0)
        x_now = old;
    else if (strcmp(g.res.out, test_strf("%s\n", new)) == 0)
        x_now = new;
    else
        test_fail(&g, "A writer replacing x's value (200 'o's and digits) by another (200 "
                      "'N's and digits) was killed in the middle of its change (during "
                      "--hold). x must then read as the old value or the new one, whole; "
                      "it reads as neither. Make the change visible in one step, at the "
                      "end, after everything else is written.");
    kill_holder(&w2, "put");
    kill_holder(&w3, "del");
    run_alone(&l, "after writers were killed while they held the lock");
    expect_success(&l);
    {
        const char *keep = "keep kept\n";
        const char *x = test_strf("x %s\n", x_now);
        const char *y = test_strf("y %s\n", yval);
        const char *ok[] = {
            test_strf("%s%s", keep, x), test_strf("%s%s%s", keep, x, y),
            test_strf("%s", x), test_strf("%s%s", x, y),
        };
        bool fine = false;

        for (size_t i = 0; i < ARRAY_LEN(ok); i++)
            fine = fine || strcmp(l.res.out, ok[i]) == 0;
        if (!fine)
            test_fail(&l, "Writers were killed in the middle of `put y VALUE` (a new name) "
                          "and of `del keep`. Each change must then be done whole or not at "
                          "all: y absent or with its whole value, keep there with \"kept\" "
                          "or gone, x and everything else as it was. `list` shows a store "
                          "that is none of these.");
    }
    put_ok("z", "after");
    expect_get("z", "after", "After the killed writers, a new put");
}

static void
killed_reader(void)
{
    struct run r = RUN(PROG, "--hold", HOLD_LONG, "get", "x");
    struct run l = RUN(PROG, "--hold", HOLD_LONG, "list");

    store_init();
    put_ok("x", "old");
    kill_holder(&r, "get");
    kill_holder(&l, "list");
    put_ok("x", "new");
    expect_get("x", "new", "After two readers were killed while they held the read lock, "
               "and a put");
}

static void
killed_waiting_writer(void)
{
    struct run a = RUN(PROG, "--hold", HOLD_LONG, "get", "x");
    struct run w = RUN(PROG, "put", "x", "never");
    struct run b = RUN(PROG, "get", "x");

    store_init();
    put_ok("x", "old");
    start_holder(&a, "get");
    w.req.timeout = 30;
    run_start(&w);
    if (!wait_in_semop(&w, &a)) {
        run_halt(&a);
        run_fail_halt(&w, "While a reader held the read lock, a writer (`put x never`) "
                          "should have waited in semop() (the test reader_blocks_writer "
                          "says more).");
    }
    run_stop(&w);
    run_beside(&b, &a, "A writer that waited for the lock was killed; a reader still held "
               "it, so a new reader (`get x`) should have got in at once, beside it. It "
               "waited in semop() instead, as if the dead writer were still waiting: "
               "whatever a waiting writer changed to make readers wait must be undone when "
               "it dies.");
    run_stop(&a);
    if (strcmp(b.res.out, "old\n") != 0)
        test_fail(&b, "A writer killed while it waited for the lock changed nothing: x "
                      "should still read \"old\".");
}

/* The semaphores of the store's set now, and how many there are. */
static int
store_sems(int semid, unsigned short *vals, int max)
{
    struct ipc_set now;
    const struct ipc_obj *sem;

    snapshot(&now);
    sem = ipc_find_id(&now, IPC_KIND_SEM, semid);
    if (sem == NULL || (int)sem->size > max)
        return -1;
    sem_values(semid, vals);
    return (int)sem->size;
}

static void
stats_kernel(void)
{
    struct run r = RUN(PROG, "--hold", "3000", "get", "a");
    struct run s = RUN(PROG, "stats");
    struct ipc_set now;
    const struct ipc_obj *shm, *sem;
    unsigned short vals[256];
    int nsems;
    long shmid, semid;

    store_init();
    put_ok("a", "1");
    put_ok("b", "2");
    put_ok("c", "3");
    snapshot(&now);
    shm = ipc_find_key(&now, IPC_KIND_SHM, KV_KEY);
    sem = ipc_find_key(&now, IPC_KIND_SEM, KV_KEY);
    if (shm == NULL || sem == NULL)
        test_fail(NULL, "After `init`, the kernel should hold a segment and a semaphore set "
                        "with key 0x%x (the test init_creates says more).", KV_KEY);
    grader_attach(shm->id, true);
    start_holder(&r, "get");
    run_alone(&s, "in `stats`, while a reader held the read lock");
    expect_success(&s);
    if (!run_alive(&r))
        test_error("The reader holding the lock ended before stats was judged.");
    shmid = expect_field(&s, "shmid", "the segment's id");
    semid = expect_field(&s, "semid", "the semaphore set's id");
    expect_line_is(&s, "shmid", "the segment's id", (unsigned long)shm->id, "The id "
                   "shmget(KV_KEY, 0, 0) returns.");
    expect_line_is(&s, "semid", "the semaphore set's id", (unsigned long)sem->id, "The id "
                   "semget(KV_KEY, 0, 0) returns.");
    expect_line_is(&s, "nattch", "the segment's number of attaches", 3, "While stats ran, "
                   "three processes had the segment attached: the grader, a reader holding "
                   "the lock, and stats itself. Read shm_nattch with shmctl(IPC_STAT) while "
                   "stats is attached.");
    nsems = store_sems((int)semid, vals, (int)ARRAY_LEN(vals));
    if (nsems < 0)
        test_error("The grader could not read the store's semaphore set.");
    expect_line_is(&s, "nsems", "the number of semaphores in the set", (unsigned long)nsems,
                   "sem_nsems from semctl(IPC_STAT).");
    for (int i = 0; i < nsems; i++)
        expect_line_is(&s, test_strf("sem %d", i), test_strf("semaphore %d's value", i),
                       vals[i], "Read the values (GETALL, or GETVAL for each) before stats "
                       "takes any lock of its own: the grader read them while the same reader "
                       "still held the lock, after stats had exited.");
    expect_line_is(&s, "entries", "how many names the store holds", 3, "a, b and c.");
    expect_line_is(&s, "capacity", "how many names the store can hold", KV_CAPACITY,
                   "KV_CAPACITY.");
    (void)shmid;
    run_stop(&r);
}

static void
concurrent_writers(void)
{
    enum { NEW = 12, SHARED = 4, READERS = 6 };
    struct run w[NEW + SHARED], g[READERS];
    struct run *all[NEW + SHARED + READERS];
    const char *sval[SHARED + 1];
    struct strbuf want = { 0 };
    struct run l = RUN(PROG, "list");
    size_t n = 0;
    const char *shared_now = NULL;

    for (int i = 0; i <= SHARED; i++)
        sval[i] = long_value((char)('A' + i), 240);
    store_init();
    put_ok("shared", sval[0]);
    for (int i = 0; i < NEW + SHARED; i++) {
        w[i] = i < NEW ? RUN(PROG, "--hold", HOLD_MANY, "put", test_strf("n%02d", i),
                             test_strf("value %d", i))
                       : RUN(PROG, "--hold", HOLD_MANY, "put", "shared", sval[i - NEW + 1]);
        w[i].req.timeout = 30;
        all[n++] = &w[i];
    }
    for (int i = 0; i < READERS; i++) {
        g[i] = RUN(PROG, "get", "shared");
        g[i].req.timeout = 30;
        all[n++] = &g[i];
    }
    for (size_t i = 0; i < n; i++)
        run_start(all[i]);
    wait_all(all, n, "with 16 writers and 6 readers at once");
    for (int i = 0; i < READERS; i++) {
        bool whole = false;

        for (int v = 0; v <= SHARED; v++)
            whole = whole || strcmp(g[i].res.out, test_strf("%s\n", sval[v])) == 0;
        if (!whole)
            test_fail(&g[i], "Readers of `shared` ran while writers replaced its value; each "
                             "must print one whole value that some put wrote (240 times "
                             "the same letter, with digits), but this one printed another. "
                             "A reader must hold the read lock while it copies the value.");
    }
    run_alone(&l, "in `list` after the writers");
    expect_success(&l);
    for (int i = 0; i < NEW; i++)
        sb_addf(&want, "n%02d value %d\n", i, i);
    for (int v = 1; v <= SHARED; v++)
        if (strcmp(l.res.out, test_strf("%sshared %s\n", sb_str(&want), sval[v])) == 0)
            shared_now = sval[v];
    sb_free(&want);
    if (shared_now == NULL)
        test_fail(&l, "12 writers each put a new name (n00 .. n11) and 4 others replaced the "
                      "value of `shared`, all at once. `list` should then show the 12 new "
                      "names with their values, and shared with the value of one of the 4 "
                      "(whichever came last); it shows something else: a change was lost "
                      "or mixed up. Only one writer may be inside at a time, from its first "
                      "look at the table to its last write.");
}

static void
missing_store(void)
{
    static const char *const cmds[][3] = {
        { "put", "x", "1" }, { "get", "x" }, { "del", "x" }, { "list" }, { "stats" },
        { "remove" },
    };
    struct ipc_set before;

    snapshot(&before);
    for (size_t i = 0; i < ARRAY_LEN(cmds); i++) {
        struct run r = RUN(PROG, cmds[i][0], cmds[i][1], cmds[i][2]);

        run_alone(&r, "without a store");
        expect_error_exit(&r, test_strf("Without a store (no `init`), `kvstore %s`",
                          cmds[i][0]));
        expect_stderr_has(&r, "No such file or directory", "Open the objects with "
                          "shmget(KV_KEY, 0, 0) and semget(KV_KEY, 0, 0): no IPC_CREAT; "
                          "only init creates. Report ENOENT with err_exit().");
        expect_no_new_objects(&before, &r, test_strf("Without a store, `kvstore %s` must "
                              "create nothing, but after it", cmds[i][0]));
    }
}

static void
remove_store(void)
{
    struct run r = RUN(PROG, "remove");
    struct ipc_set before, now;

    snapshot(&before);
    store_init();
    put_ok("x", "1");
    run_alone(&r, "in `remove`");
    expect_success(&r);
    snapshot(&now);
    if (ipc_find_key(&now, IPC_KIND_SHM, KV_KEY) != NULL)
        test_fail(&r, "After `kvstore remove`, the segment with key 0x%x is still there. "
                      "shmctl(shmid, IPC_RMID, NULL).", KV_KEY);
    if (ipc_find_key(&now, IPC_KIND_SEM, KV_KEY) != NULL)
        test_fail(&r, "After `kvstore remove`, the semaphore set with key 0x%x is still "
                      "there. semctl(semid, 0, IPC_RMID).", KV_KEY);
    expect_no_new_objects(&before, &r, "After init and remove");
}

static void
bad_usage(void)
{
    const char *long_name = long_value('n', KV_NAME_MAX + 1);
    const char *long_val = long_value('v', KV_VALUE_MAX + 1);
    const char *const cases[][6] = {
        { NULL }, { "frobnicate" }, { "put", "x" }, { "put", "x", "1", "2" },
        { "put", "bad name", "1" }, { "put", "x", "" }, { "put", "", "1" },
        { "put", long_name, "1" }, { "put", "x", long_val }, { "put", "x", "tab\there" },
        { "get" }, { "get", "a", "b" }, { "del" }, { "list", "x" }, { "stats", "x" },
        { "init", "x" }, { "--hold" }, { "--hold", "-1", "get", "x" },
        { "--hold", "abc", "get", "x" }, { "--hold", "10", "frobnicate" },
    };

    store_init();
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct run r = RUN(PROG, cases[i][0], cases[i][1], cases[i][2], cases[i][3],
                           cases[i][4]);

        run_alone(&r, "with a wrong command line");
        expect_usage_error(&r);
    }
    expect_list("", "After only wrong command lines");
}

/* Each command under Valgrind. put, get, del, list and stats at once on
 * one store (they may, and each takes a third of a second of CPU to
 * start), then remove and init, which need it gone. */
static void
valgrind_clean(void)
{
    enum { PUT, GET, DEL, LIST, STATS, NRUNS };
    struct run r[NRUNS], *all[NRUNS];
    struct run rm = RUN(PROG, "remove"), in = RUN(PROG, "init");

    store_init();
    put_ok("a", "1");
    put_ok("c", "3");
    r[PUT] = RUN(PROG, "put", "b", "2");
    r[GET] = RUN(PROG, "get", "a");
    r[DEL] = RUN(PROG, "del", "c");
    r[LIST] = RUN(PROG, "list");
    r[STATS] = RUN(PROG, "stats");
    for (int i = 0; i < NRUNS; i++) {
        r[i].req.valgrind = true;
        r[i].req.timeout = 30;
        all[i] = &r[i];
        run_start(&r[i]);
    }
    wait_all(all, NRUNS, "under Valgrind");
    for (int i = 0; i < NRUNS; i++)
        expect_valgrind_clean(&r[i]);
    if (strcmp(r[GET].res.out, "1\n") != 0)
        test_fail(&r[GET], "Under Valgrind, `get a` should print \"1\".");
    if (strstr(r[LIST].res.out, "a 1\n") == NULL)
        test_fail(&r[LIST], "Under Valgrind, `list` should print \"a 1\" among its lines.");
    expect_line_is(&r[STATS], "capacity", "how many names the store can hold", KV_CAPACITY,
                   "KV_CAPACITY.");
    rm.req.valgrind = true;
    rm.req.timeout = 30;
    run_alone(&rm, "in `remove` under Valgrind");
    expect_success(&rm);
    expect_valgrind_clean(&rm);
    in.req.valgrind = true;
    in.req.timeout = 30;
    run_alone(&in, "in `init` under Valgrind");
    expect_success(&in);
    expect_valgrind_clean(&in);
}

/* HIDDEN-BEGIN: instructors' tests; `make handout` leaves them out. */
/* Linux makes a semop() that sleeps fail with EINTR when its process is
 * stopped and continued, even without a handler (signal(7)). */
static void
stopped_and_continued(void)
{
    struct run w = RUN(PROG, "--hold", HOLD_MS, "put", "x", "new");
    struct run r = RUN(PROG, "get", "x");
    struct run *all[] = { &w, &r };
    double deadline;

    store_init();
    put_ok("x", "old");
    start_holder(&w, "put");
    r.req.timeout = 30;
    run_start(&r);
    if (!wait_in_semop(&r, &w)) {
        run_halt(&w);
        run_fail_halt(&r, "While a writer held the lock, a reader should have waited in "
                          "semop() (the test writer_excludes says more).");
    }
    run_signal(&r, SIGSTOP);
    deadline = now_seconds() + 5;
    while (diagnose_state(r.res.pid) != 'T' && run_alive(&r)) {
        if (now_seconds() > deadline)
            test_error("`get` was sent SIGSTOP, but it was not stopped after 5 s.");
        usleep(5000);
    }
    run_signal(&r, SIGCONT);
    wait_all(all, 2, "after a waiting reader was stopped and continued");
    if (strcmp(r.res.out, "new\n") != 0)
        test_fail(&r, "A reader waiting for the writer was stopped (SIGSTOP) and continued "
                      "(SIGCONT); it should then go on waiting and print \"new\". semop() "
                      "that fails with EINTR did nothing: call it again.");
}

static void
removed_while_waiting(void)
{
    struct run w = RUN(PROG, "--hold", HOLD_LONG, "put", "x", "new");
    struct run r = RUN(PROG, "get", "x");
    struct ipc_set now;
    const struct ipc_obj *sem, *shm;

    store_init();
    put_ok("x", "old");
    start_holder(&w, "put");
    r.req.timeout = 10;
    run_start(&r);
    if (!wait_in_semop(&r, &w)) {
        run_halt(&w);
        run_fail_halt(&r, "While a writer held the lock, a reader should have waited in "
                          "semop() (the test writer_excludes says more).");
    }
    snapshot(&now);
    sem = ipc_find_key(&now, IPC_KIND_SEM, KV_KEY);
    shm = ipc_find_key(&now, IPC_KIND_SHM, KV_KEY);
    if (sem == NULL || shm == NULL)
        test_error("The store's objects were not found.");
    grader_remove(IPC_KIND_SHM, shm->id);
    grader_remove(IPC_KIND_SEM, sem->id);
    run_wait(&r);
    run_stop(&w);
    expect_error_exit(&r, "When the store was removed while `get` waited for the lock "
                          "(semop() then fails with EIDRM)");
    expect_stderr_has(&r, "Identifier removed", "Check every semop() result: -1 with errno "
                      "EIDRM means the set is gone; report it with err_exit(\"semop\").");
    expect_stdout_empty(&r, "A get whose lock failed has nothing to print.");
}
/* HIDDEN-END */

static const struct test_def tests[] = {
    { "init_creates", "init makes one segment and one semaphore set with key KV_KEY, mode "
      "0600, and refuses to make them twice", 3, init_creates, "IPC_CREAT | IPC_EXCL | 0600 "
      "for both; remove what init made if a later step fails.", NULL, "The store" },
    { "put_get_del", "put adds or replaces, get prints, del removes; a missing name is "
      "reported", 3, put_get_del, "look a name up before adding it; \"NAME: not found\" on "
      "stderr, exit status 1.", NULL, "Commands and output" },
    { "list_sorted", "list prints every entry, sorted by name", 2, list_sorted, "copy the "
      "entries under the read lock, sort them with qsort() and strcmp(), print after.", NULL,
      "Commands and output" },
    { "capacity", "the store holds exactly KV_CAPACITY names; one more is refused and "
      "changes nothing", 2, capacity, "a put of a new name into a full store fails with "
      "\"store full\"; a put of a name already there still works.", NULL,
      "Commands and output" },
    { "readers_share", "two readers hold the lock at the same time", 3, readers_share,
      "a reader must not exclude other readers: a plain mutex is not a readers-writer lock.",
      NULL, "Many readers, one writer" },
    { "writer_excludes", "while a writer holds the lock, readers and other writers wait", 3,
      writer_excludes, "a writer enters only when nobody else is inside, and everyone "
      "waits for it to leave.", NULL, "Many readers, one writer" },
    { "reader_blocks_writer", "while a reader holds the lock, a writer waits", 2,
      reader_blocks_writer, "a writer must wait for the readers inside to leave.", NULL,
      "Many readers, one writer" },
    { "writer_not_starved", "a reader that comes after a waiting writer waits behind it", 3,
      writer_not_starved, "readers that keep coming must not keep a waiting writer out "
      "forever.", NULL, "A writer must not starve" },
    { "killed_writer", "a writer killed mid-change leaves the lock free and each entry old "
      "or new, whole", 3, killed_writer, "SEM_UNDO on whatever a writer holds; make each "
      "change visible in one final store.", NULL, "Surviving a crash" },
    { "killed_reader", "readers killed while they hold the lock do not keep writers out", 2,
      killed_reader, "SEM_UNDO on whatever a reader holds.", NULL, "Surviving a crash" },
    { "killed_waiting_writer", "a writer killed while it waits does not keep readers out", 2,
      killed_waiting_writer, "whatever a waiting writer has announced must be undone when "
      "it dies.", NULL, "Surviving a crash" },
    { "stats_kernel", "stats shows the ids, nattch and semaphore values as the kernel has "
      "them", 2, stats_kernel, "shmctl(IPC_STAT) while attached; semctl(IPC_STAT) and "
      "GETALL before taking any lock.", NULL, "What stats shows" },
    { "concurrent_writers", "16 writers and 6 readers at once: no change lost, no value "
      "torn", 3, concurrent_writers, "one writer inside at a time, from its first look at "
      "the table to its last write.", NULL, "Many readers, one writer" },
    { "missing_store", "without init, every command fails with ENOENT and creates nothing",
      1, missing_store, "only init creates: open with shmget(KV_KEY, 0, 0) and "
      "semget(KV_KEY, 0, 0).", NULL, "The store" },
    { "remove", "remove destroys the segment and the semaphore set", 1, remove_store,
      "shmctl(IPC_RMID) and semctl(IPC_RMID).", NULL, "The store" },
    { "bad_usage", "rejects a wrong command line with a usage message", 1, bad_usage,
      "check the arguments, and NAME and VALUE with kv_name_ok() and kv_value_ok(), before "
      "anything else.", NULL, "Commands and output" },
    { "valgrind_clean", "every command runs clean under Valgrind", 2, valgrind_clean,
      "every step must work under Valgrind too, and free what it allocates. Try: valgrind "
      "--leak-check=full ./kvstore list", NULL, NULL },
    /* HIDDEN-BEGIN */
    { "stopped_and_continued", "a reader stopped and continued while it waits carries on", 1,
      stopped_and_continued, "when semop() fails with EINTR, nothing was done: call it "
      "again.", "after_published", "Many readers, one writer" },
    { "removed_while_waiting", "a reader whose store is removed while it waits reports "
      "EIDRM", 1, removed_while_waiting, "check every semop() result.", "after_published",
      "The store" },
    /* HIDDEN-END */
};

const struct exercise exercise_kvstore = {
    .id = "kvstore",
    .title = "Project: a key-value store in shared memory",
    .chapter = CHAPTER,
    .programs = programs,
    .tests = tests,
    .ntests = ARRAY_LEN(tests),
};
