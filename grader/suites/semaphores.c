/* semaphores.c: exercise `semaphores` (chapters/05-semaphores.md). The
 * student's ringbuf keeps a ring buffer of records in a shared memory
 * segment, guarded by a set of three semaphores (a lock, a count of free
 * slots, a count of full slots). The tests look at the ring and the
 * semaphores as the kernel holds them, hold the lock themselves to see who
 * waits for it, kill a producer inside its critical section, stop and
 * continue a waiting consumer, and run many producers and consumers at once
 * on every core, checking that each record arrives exactly once, whole and
 * in order. A group of programs that all sleep in semop() while nothing
 * moves is a deadlock: it is stopped at once and described. Half a ring
 * (a segment or a set alone) and every call made to fail in turn (the
 * fault library) check the error paths. */
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

#define CHAPTER "chapters/05-semaphores.md"
#define KEY     "0x52494e47"
#define KEY_NUM 0x52494e47

static const char *const programs[] = { "ringbuf", NULL };

/* ---- The shared layout, exactly as the statement (and ringbuf.c) gives it ---- */

enum { SEM_LOCK, SEM_EMPTY, SEM_FULL, NSEMS };

struct record {
    int producer;
    int seq;
    unsigned int check;
};

struct ring {
    unsigned int slots;
    unsigned int in;
    unsigned int out;
    struct record slot[];
};

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

static unsigned int
record_check(int producer, int seq)
{
    return ((unsigned int)producer * 0x9e3779b1u) ^ ((unsigned int)seq * 0x85ebca77u) ^
           0x5bd1e995u;
}

static size_t
ring_size(unsigned int slots)
{
    return sizeof(struct ring) + slots * sizeof(struct record);
}

/* What each semaphore is, for messages. */
#define SEM_LEGEND "(semaphore 0 is the lock, 1 counts the free slots, 2 the full ones)"

/* ---- The grader's own view of (and hands on) the ring ---- */

struct tring {
    int shmid;
    int semid;
    unsigned int slots;
    struct ring *ring;      /* attached by the grader, read-write */
    /* What the grader last saw while every program watched slept in
     * semop(): at a deadlock, how the ring was stuck. */
    unsigned short seen[NSEMS];
    unsigned int seen_in, seen_out;
};

/* A fresh, empty ring of SLOTS slots with key key, made by the grader just
 * as `ringbuf init key SLOTS` would. */
static void
make_ring_at(struct tring *t, key_t key, unsigned int slots)
{
    unsigned short vals[NSEMS] = { 1, (unsigned short)slots, 0 };
    union semun arg = { .array = vals };

    t->slots = slots;
    t->shmid = grader_segment(key, ring_size(slots), 0600);
    t->semid = grader_semset(key, NSEMS, 0600);
    if (semctl(t->semid, 0, SETALL, arg) == -1)
        test_error("The grader could not give its semaphores their values (SETALL): %s",
                   strerror(errno));
    t->ring = grader_attach(t->shmid, false);
    t->ring->slots = slots;
}

/* The same with key KEY, the one the tests give the programs. */
static void
make_ring(struct tring *t, unsigned int slots)
{
    make_ring_at(t, KEY_NUM, slots);
}

/* The ring a student's `init` made, if it is there; attached read-write. */
static bool
find_ring(struct tring *t)
{
    struct semid_ds ds;
    union semun arg = { .buf = &ds };

    t->shmid = shmget(KEY_NUM, 0, 0);
    t->semid = semget(KEY_NUM, 0, 0);
    if (t->shmid == -1 || t->semid == -1 || semctl(t->semid, 0, IPC_STAT, arg) == -1 ||
        ds.sem_nsems != NSEMS)
        return false;
    t->ring = grader_attach(t->shmid, false);
    t->slots = t->ring->slots;
    return true;
}

static void
drop_ring(struct tring *t)
{
    shmdt(t->ring);
    grader_remove(IPC_KIND_SHM, t->shmid);
    grader_remove(IPC_KIND_SEM, t->semid);
}

/* The grader puts a record in or takes one out, following the protocol.
 * On a ring a student's program has used, a missing slot or a lock left
 * taken is that program's doing: a failure, not a grader error. */
static void
grader_put(const struct tring *t, int producer, int seq)
{
    struct record *slot;

    if (!grader_semop(t->semid, SEM_EMPTY, -1, 0) || !grader_semop(t->semid, SEM_LOCK, -1, 0))
        test_fail(NULL, "When the grader came to put a record in the ring, it found no free "
                        "slot, or the lock (semaphore 0) taken.");
    slot = &t->ring->slot[t->ring->in];
    slot->producer = producer;
    slot->seq = seq;
    slot->check = record_check(producer, seq);
    t->ring->in = (t->ring->in + 1) % t->slots;
    grader_semop(t->semid, SEM_LOCK, +1, 0);
    grader_semop(t->semid, SEM_FULL, +1, 0);
}

/* false when the lock is taken (the caller explains the deadlock). */
static bool
grader_take(const struct tring *t, struct record *rec)
{
    if (!grader_semop(t->semid, SEM_FULL, -1, 0))
        test_fail(NULL, "The grader expected a full slot in the ring but found none "
                        "(semaphore 2 is 0).");
    if (!grader_semop(t->semid, SEM_LOCK, -1, 0)) {
        grader_semop(t->semid, SEM_FULL, +1, 0);
        return false;
    }
    *rec = t->ring->slot[t->ring->out];
    t->ring->out = (t->ring->out + 1) % t->slots;
    grader_semop(t->semid, SEM_LOCK, +1, 0);
    grader_semop(t->semid, SEM_EMPTY, +1, 0);
    return true;
}

/* The semaphores must hold these values now. before (or NULL) is what
 * they were before the run; advice (or NULL) replaces the usual advice. */
static void
expect_values(const struct run *r, const struct tring *t, int lock, int empty, int full,
              const char *when, const unsigned short before[NSEMS], const char *advice)
{
    unsigned short v[NSEMS];
    int want[NSEMS] = { lock, empty, full };
    static const char *const meaning[NSEMS] = {
        "the lock, 1 when free", "the count of free slots", "the count of full slots" };

    sem_values(t->semid, v);
    if (v[0] == want[0] && v[1] == want[1] && v[2] == want[2])
        return;
    if (before != NULL && memcmp(v, before, sizeof v) == 0 && v[SEM_LOCK] == 1) {
        bool touched = false;

        /* GETPID: the last process that operated on each semaphore. */
        for (int i = 0; i < NSEMS; i++)
            touched = touched || semctl(t->semid, i, GETPID) == r->res.pid;
        if (!touched)
            test_fail(r, "%s, the semaphores read lock %d, empty %d, full %d, just as before "
                         "it ran (expected lock %d, empty %d, full %d): your program did no "
                         "semop() on them at all (semctl GETPID names the last process that "
                         "did, and it was never yours).", when, v[0], v[1], v[2], lock, empty,
                      full);
        test_fail(r, "%s, the semaphores read lock %d, empty %d, full %d: just as before it "
                     "ran, as if nothing had happened (expected lock %d, empty %d, full %d). "
                     "If you used SEM_UNDO on the free and full counts (semaphores 1 and "
                     "2), the kernel undid all of it when the program exited. SEM_UNDO "
                     "belongs on the lock only.", when, v[0], v[1], v[2], lock, empty, full);
    }
    for (int i = 0; i < NSEMS; i++) {
        if (v[i] == want[i])
            continue;
        test_fail(r, "%s, semaphore %d (%s) is %d, expected %d.\n  all three: lock %d, "
                     "empty %d, full %d (expected %d, %d, %d)\n%s", when, i, meaning[i],
                  v[i], want[i], v[0], v[1], v[2], lock, empty, full,
                  advice ? advice
                  : i == SEM_LOCK
                      ? "Every semop() -1 on the lock needs a matching +1 when the ring "
                        "is left, on every path."
                      : "A producer takes 1 from semaphore 1 (a free slot) and adds 1 to "
                        "semaphore 2 (a full slot); a consumer does the opposite. No "
                        "SEM_UNDO on these two.");
    }
}

/* The stdout line "label N" must say want. */
static void
expect_line(const struct run *r, const char *label, const char *meaning, long want,
            const char *advice)
{
    long found = expect_field(r, label, meaning);

    if (found != want)
        test_fail(r, "The \"%s\" line is wrong.\n  expected: %s %ld\n  found:    %s %ld\n%s",
                  label, label, want, label, found, advice);
}

/* ---- Reading what consumers printed ---- */

/* Parse "record P S CHECK" lines of text into recs (at most max); other
 * non-empty lines are returned in *junk (the first one). */
static size_t
parse_records(const char *text, struct record *recs, size_t max, const char **junk)
{
    size_t n = 0;

    *junk = NULL;
    for (const char *line = text; line && *line; line = strchr(line, '\n'), line += !!line) {
        struct record rec;
        int used = 0;

        if (*line == '\n')
            continue;
        if (sscanf(line, "record %d %d %x%n", &rec.producer, &rec.seq, &rec.check,
                   &used) == 3 && (line[used] == '\n' || line[used] == '\0')) {
            if (n < max)
                recs[n] = rec;
            n++;
        } else if (strncmp(line, "drained ", 8) != 0 && *junk == NULL) {
            *junk = line;
        }
    }
    return n;
}

static void
describe_record(const struct record *rec, struct strbuf *sb)
{
    sb_addf(sb, "record %d %d %08x", rec->producer, rec->seq, rec->check);
}

/* The consumer printed exactly these records, in this order. */
static void
expect_records(const struct run *r, const struct record *want, size_t nwant)
{
    struct record got[64];
    const char *junk;
    size_t n = parse_records(r->res.out, got, ARRAY_LEN(got), &junk);
    struct strbuf sb = { 0 };

    if (junk != NULL)
        test_fail(r, "`%s` printed a line that is not \"record PRODUCER SEQ CHECK\": "
                     "\"%.*s\". Print each record with printf(\"record %%d %%d %%08x\\n\", "
                     "...).", r->req.prog, (int)strcspn(junk, "\n"), junk);
    for (size_t i = 0; i < nwant; i++) {
        sb_adds(&sb, "  ");
        describe_record(&want[i], &sb);
        sb_adds(&sb, "\n");
    }
    if (n != nwant)
        test_fail(r, "`%s` printed %zu record%s; expected exactly these %zu:\n%s", r->req.prog,
                  n, n == 1 ? "" : "s", nwant, sb_str(&sb));
    for (size_t i = 0; i < nwant; i++)
        if (got[i].producer != want[i].producer || got[i].seq != want[i].seq ||
            got[i].check != want[i].check) {
            struct strbuf one = { 0 };

            describe_record(&got[i], &one);
            test_fail(r, "Record %zu printed is \"%s\"; expected, in this order:\n%s"
                         "Take records from slot[out], then advance out = (out + 1) %% "
                         "slots, all while holding the lock.", i + 1, sb_str(&one),
                      sb_str(&sb));
        }
    sb_free(&sb);
}

static struct record
rec_of(int producer, int seq)
{
    return (struct record){ producer, seq, record_check(producer, seq) };
}

/* ---- Many processes at once ---- */

/* What moves in a ring: its semaphores and its header. group_wait() reads
 * them while every program sleeps in semop(); what it read last is kept in
 * t->seen, for the message when nothing moved. */
static void
ring_state(void *ctx, struct strbuf *sb)
{
    struct tring *t = ctx;

    sem_values(t->semid, t->seen);
    t->seen_in = t->ring->in;
    t->seen_out = t->ring->out;
    sb_addf(sb, "%u %u %u %u %u", t->seen[0], t->seen[1], t->seen[2], t->seen_in,
            t->seen_out);
}

/* Wait for every run of a group. A deadlock (every program still running
 * asleep in semop() while nothing in the ring or its semaphores moves for
 * a second) is not left to the timeout: those programs are described and
 * stopped at once. Returns the number stopped that way. */
static size_t
wait_group(struct run **runs, size_t n, struct tring *t)
{
    const struct group_watch watch = { semop_calls, ring_state, t, 1.0 };

    return group_wait(runs, n, &watch, NULL);
}

/* A run in words, the reference's marked: "ringbuf consume KEY 5 (the reference)". */
static void
ring_words(const struct run *r, struct strbuf *sb)
{
    run_words(r, sb);
    if (r->req.reference)
        sb_adds(sb, " (the reference)");
}

/* The engine's words for a stuck process, with each semaphore named. */
static void
explain_semaphores(const char *text, struct strbuf *sb)
{
    static const char *const why[NSEMS] = {
        "semaphore 0 (the lock: another process holds it)",
        "semaphore 1 (the free slots: there are none)",
        "semaphore 2 (the full slots: there are none)",
    };

    sem_explain(text, why, NSEMS, sb);
}

/* One line per stopped run of a group, saying where it was stuck, then
 * one per run that had already ended. */
static void
describe_stuck(struct run **runs, size_t n, struct strbuf *sb)
{
    bool ended = false;

    for (size_t i = 0; i < n; i++) {
        if (!runs[i]->res.timed_out)
            continue;
        sb_adds(sb, "  - ");
        ring_words(runs[i], sb);
        sb_adds(sb, ": ");
        if (runs[i]->res.blocked && *runs[i]->res.blocked) {
            const char *b = runs[i]->res.blocked;
            const char *is = strstr(b, ") is ");

            /* "ringbuf (pid 7) is blocked in ..." -> "blocked in ..." */
            explain_semaphores(is ? is + 5 : b, sb);
        } else {
            sb_adds(sb, "stuck\n");
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (runs[i]->res.timed_out)
            continue;
        if (!ended)
            sb_adds(sb, "while these had already ended:\n");
        ended = true;
        sb_adds(sb, "  - ");
        ring_words(runs[i], sb);
        if (run_limit_words(runs[i]))
            sb_addf(sb, ": %s\n", run_limit_words(runs[i]));
        else if (runs[i]->res.term_signal)
            sb_addf(sb, ": killed by signal %d\n", runs[i]->res.term_signal);
        else
            sb_addf(sb, ": exit status %d\n", runs[i]->res.exit_code);
    }
}

/* After wait_group() on ring t: explain a deadlock or a failed program. */
static void
expect_group_finished(struct run **runs, size_t n, size_t stopped, const struct tring *t,
                      const char *situation)
{
    struct strbuf sb = { 0 };
    const struct run *first = NULL;

    if (stopped > 0 && n == 1) {
        struct strbuf what = { 0 };
        const char *b = runs[0]->res.blocked ? runs[0]->res.blocked : "";
        const char *is = strstr(b, ") is ");

        ring_words(runs[0], &what);
        explain_semaphores(is ? is + 5 : b, &sb);
        test_fail(runs[0], "`%s` fell asleep in semop() %s, and nothing could ever wake it "
                           "up (no other process uses the ring), so the grader stopped it. "
                           "It was %sThe semaphores were lock %d, empty %d, full %d "
                           SEM_LEGEND ". Look for a semop() with the wrong sign or on "
                           "the wrong semaphore, or one done twice.", sb_str(&what), situation,
                  sb_str(&sb), t->seen[0], t->seen[1], t->seen[2]);
    }
    if (stopped > 0) {
        for (size_t i = 0; i < n && first == NULL; i++)
            if (runs[i]->res.timed_out)
                first = runs[i];
        describe_stuck(runs, n, &sb);
        test_fail(first, "Deadlock %s: these processes were all waiting in semop(), and "
                         "none of them could ever go on, so the grader stopped them:\n%s"
                         "At that moment the semaphores were lock %d, empty %d, full %d "
                         SEM_LEGEND ", and the header in %u, out %u. Look for a semop() "
                         "with the wrong sign or on the wrong semaphore, an operation done "
                         "twice or never given back, or a producer that takes the lock "
                         "before waiting for a free slot.", situation, sb_str(&sb),
                  t->seen[0], t->seen[1], t->seen[2], t->seen_in, t->seen_out);
    }
    for (size_t i = 0; i < n; i++)
        expect_success(runs[i]);
}

/* One producer/consumer shape. */
struct round {
    const char *what;
    int producers;
    int consumers;
    int count;              /* records per producer */
    unsigned int slots;
    bool ref_producers, ref_consumers;
};

/* A copy of r whose stdout shows only its last few lines: a consumer's
 * output is thousands of records, and the message already says what is
 * wrong with them. The copy shares r's other strings. */
static struct run
short_output(const struct run *r, int lines)
{
    struct run copy = *r;
    const char *p = r->res.out + strlen(r->res.out);

    while (p > r->res.out && lines >= 0) {
        p--;
        if (*p == '\n' && p[1] != '\0')
            lines--;
    }
    if (p > r->res.out) {
        copy.res.out = (char *)p + 1;
        copy.res.out_cut = true;
    }
    return copy;
}

/* Check every consumer's records: each (producer, seq) exactly once, each
 * whole, each consumer seeing each producer's records in increasing order. */
static void
check_round_records(struct run **cons, int ncons, const struct round *rd,
                    const char *situation)
{
    size_t total = (size_t)rd->producers * (size_t)rd->count;
    unsigned char *seen = xcalloc(total, 1);
    struct strbuf problems = { 0 };
    size_t lost = 0, dup = 0, torn = 0, order = 0;
    struct record ex_dup = { 0 }, ex_torn = { 0 }, ex_order = { 0 };
    int ex_lost_p = 0, ex_lost_s = 0, ex_order_prev = 0;
    struct run shown;

    for (int c = 0; c < ncons; c++) {
        size_t max = total + 16;
        struct record *recs = xcalloc(max, sizeof *recs);
        const char *text = run_stdout(cons[c]);
        const char *junk;
        size_t n = parse_records(text, recs, max, &junk);
        int last[64] = { 0 };

        shown = short_output(cons[c], 6);
        if (junk != NULL)
            test_fail(&shown, "A consumer printed a line that is not \"record PRODUCER SEQ "
                              "CHECK\": \"%.*s\".", (int)strcspn(junk, "\n"), junk);
        if (n != (size_t)rd->count * (size_t)rd->producers / (size_t)ncons)
            test_fail(&shown, "`consume KEY %s` must print exactly %s records, one line "
                              "each; this one printed %zu.", cons[c]->req.args[2],
                      cons[c]->req.args[2], n);
        for (size_t i = 0; i < n && i < max; i++) {
            const struct record *rec = &recs[i];
            bool whole = rec->producer >= 1 && rec->producer <= rd->producers &&
                         rec->seq >= 1 && rec->seq <= rd->count &&
                         rec->check == record_check(rec->producer, rec->seq);
            size_t at;

            if (!whole) {
                if (torn++ == 0)
                    ex_torn = *rec;
                continue;
            }
            at = (size_t)(rec->producer - 1) * (size_t)rd->count + (size_t)(rec->seq - 1);
            if (seen[at] == 1 && dup++ == 0)
                ex_dup = *rec;
            if (seen[at] < 255)
                seen[at]++;
            if (rec->seq <= last[rec->producer]) {
                if (order++ == 0) {
                    ex_order = *rec;
                    ex_order_prev = last[rec->producer];
                }
            }
            last[rec->producer] = rec->seq;
        }
        free(recs);
    }
    for (size_t at = 0; at < total; at++)
        if (seen[at] == 0 && lost++ == 0) {
            ex_lost_p = (int)(at / (size_t)rd->count) + 1;
            ex_lost_s = (int)(at % (size_t)rd->count) + 1;
        }
    free(seen);
    if (lost + dup + torn + order == 0)
        return;
    if (lost)
        sb_addf(&problems, "  - %zu record%s never consumed, e.g. producer %d's record %d\n",
                lost, lost == 1 ? " was" : "s were", ex_lost_p, ex_lost_s);
    if (dup)
        sb_addf(&problems, "  - %zu record%s consumed twice or more, e.g. \"record %d %d "
                "%08x\"\n", dup, dup == 1 ? " was" : "s were", ex_dup.producer, ex_dup.seq,
                ex_dup.check);
    if (torn)
        sb_addf(&problems, "  - %zu record%s not whole (a slot read while being written, "
                "or never written), e.g. \"record %d %d %08x\"\n", torn,
                torn == 1 ? " was" : "s were", ex_torn.producer, ex_torn.seq, ex_torn.check);
    if (order)
        sb_addf(&problems, "  - %zu record%s out of order, e.g. producer %d's record %d came "
                "after its record %d in the same consumer\n", order,
                order == 1 ? " was" : "s were", ex_order.producer, ex_order.seq,
                ex_order_prev);
    shown = short_output(cons[0], 6);
    test_fail(&shown, "%s (%s), the records the consumers printed do not add up:\n%s"
                       "Two processes used the ring at the same time. Every access to in, "
                       "out and the slots must happen between taking the lock (semop -1 on "
                       "semaphore 0) and giving it back, a producer must wait for a free "
                       "slot (semaphore 1) before writing, a consumer for a full one "
                       "(semaphore 2) before reading, and a record may be announced (+1 "
                       "on semaphore 2) only once it is completely written.",
              situation, rd->what, sb_str(&problems));
}

/* Run one round: a fresh ring, every producer and consumer started at
 * once, waited for together. */
static void
run_round(const struct round *rd, int number)
{
    struct tring t;
    struct run prod[8], cons[8];
    struct run *all[16];
    struct run *cptr[8];
    char situation[96];
    size_t n = 0, stopped;
    int per = rd->count * rd->producers / rd->consumers;
    unsigned short v[NSEMS];
    struct run shown;

    make_ring(&t, rd->slots);
    for (int p = 0; p < rd->producers; p++) {
        prod[p] = RUN("ringbuf", "produce", KEY, test_strf("%d", p + 1),
                      test_strf("%d", rd->count));
        prod[p].req.reference = rd->ref_producers;
        prod[p].req.timeout = 60;
        all[n++] = &prod[p];
    }
    for (int c = 0; c < rd->consumers; c++) {
        cons[c] = RUN("ringbuf", "consume", KEY, test_strf("%d", per));
        cons[c].req.reference = rd->ref_consumers;
        cons[c].req.timeout = 60;
        cptr[c] = &cons[c];
        all[n++] = &cons[c];
    }
    /* Consumers first, so they are already waiting when records come. */
    for (int c = 0; c < rd->consumers; c++)
        run_start(&cons[c]);
    for (int p = 0; p < rd->producers; p++)
        run_start(&prod[p]);
    stopped = wait_group(all, n, &t);
    snprintf(situation, sizeof situation, "in round %d (%s)", number, rd->what);
    expect_group_finished(all, n, stopped, &t, situation);
    snprintf(situation, sizeof situation, "In round %d", number);
    check_round_records(cptr, rd->consumers, rd, situation);
    sem_values(t.semid, v);
    shown = short_output(&cons[0], 6);
    if (v[SEM_LOCK] != 1 || v[SEM_EMPTY] != rd->slots || v[SEM_FULL] != 0 ||
        t.ring->in != t.ring->out)
        test_fail(&shown, "After round %d (%s), every record was consumed, so the ring "
                          "should be back where it started: lock 1, empty %u, full 0, "
                          "in == out. It is lock %d, empty %d, full %d, in %u, out %u.",
                  number, rd->what, rd->slots, v[0], v[1], v[2], t.ring->in, t.ring->out);
    drop_ring(&t);
}

/* ---- Starting runs and watching them wait ---- */

/* Run one program alone on the ring t, stopping it within about a second
 * if it falls asleep in semop() for good (nobody else is there to wake
 * it). Returns true if it had to be stopped (r->res.timed_out is then set). */
static bool
run_watched(struct run *r, struct tring *t)
{
    struct run *one = r;

    run_start(r);
    return wait_group(&one, 1, t) > 0;
}

/* run_watched(), and a stuck program fails the test with where it was. */
static void
run_alone(struct run *r, struct tring *t, const char *situation)
{
    struct run *one = r;

    if (run_watched(r, t))
        expect_group_finished(&one, 1, 1, t, situation);
}

/* Wait until at least `want` processes wait on semaphore sem (GETNCNT).
 * Returns NULL when they do, or the run that ended first instead, or the
 * first run still going when the time is up (check run_ended()). */
static struct run *
wait_for_waiters(const struct tring *t, int sem, int want, struct run **runs, size_t n,
                 double timeout)
{
    double deadline = now_seconds() + timeout;

    for (;;) {
        if (sem_waiting(t->semid, sem, false) >= want)
            return NULL;
        for (size_t i = 0; i < n; i++)
            if (run_ended(runs[i]))
                return runs[i];
        if (now_seconds() > deadline)
            return runs[0];
        usleep(10000);
    }
}

/* Where a program that is still running is, in words, for a message. */
static const char *
where_is(const struct run *r)
{
    struct strbuf sb = { 0 };

    run_where(r, &sb);
    return test_own(sb_take(&sb));
}

/* ---- The tests ---- */

static void
init_creates(void)
{
    struct run r = RUN("ringbuf", "init", KEY, "4");
    struct ipc_set before, after;
    struct ipc_obj *added;
    const struct ipc_obj *shm, *sem;
    struct tring t;
    long shmid, semid;
    size_t n;

    snapshot(&before);
    run_program(&r);
    expect_success(&r);
    shmid = expect_field(&r, "shmid", "the segment's id, from shmget()");
    semid = expect_field(&r, "semid", "the semaphore set's id, from semget()");
    if (semid < 0)
        test_fail(&r, "`init` printed \"semid %ld\": semget() failed and returned -1, but "
                      "the program went on. Create the set with semget(key, 3, IPC_CREAT | "
                      "IPC_EXCL | 0600) and check the result.", semid);
    snapshot(&after);
    n = ipc_added(&before, &after, &added);
    free(added);
    expect_ulong(&r, "The number of new IPC objects after `init`", n, 2, "init makes "
                 "exactly one shared memory segment and one semaphore set.");
    shm = ipc_find_id(&after, IPC_KIND_SHM, (int)shmid);
    sem = ipc_find_id(&after, IPC_KIND_SEM, (int)semid);
    if (shm == NULL)
        test_fail(&r, "The kernel has no segment with the id `init` printed (%ld).", shmid);
    if (sem == NULL)
        test_fail(&r, "The kernel has no semaphore set with the id `init` printed (%ld). "
                      "`ipcs -s` lists the sets.", semid);
    expect_ulong(&r, "The semaphore set's key", (uint32_t)sem->key, KEY_NUM, "Pass the "
                 "parsed KEY to semget(), the same key as the segment's.");
    expect_ulong(&r, "The number of semaphores in the set (sem_nsems)", sem->size, NSEMS,
                 "semget(key, 3, ...): the lock, the free slots and the full slots.");
    expect_mode(&r, "The semaphore set's permission bits", sem->mode, 0600, "semget(key, 3, "
                "IPC_CREAT | IPC_EXCL | 0600).");
    expect_ulong(&r, "The segment's key", (uint32_t)shm->key, KEY_NUM,
                 "The segment uses KEY.");
    expect_mode(&r, "The segment's permission bits", shm->mode, 0600, "shmget(key, "
                "ring_size(slots), IPC_CREAT | IPC_EXCL | 0600): only you may use the ring.");
    expect_ulong(&r, "The segment's size", shm->size, ring_size(4), "The skeleton's "
                 "ring_size(slots) gives it: the header and the slots.");
    t.shmid = (int)shmid;
    t.semid = (int)semid;
    t.slots = 4;
    expect_values(&r, &t, 1, 4, 0, "After `init KEY 4`", NULL, "The values of a new set "
                  "are 0 on Linux (and undefined by POSIX): give each one its starting "
                  "value with semctl(semid, n, SETVAL, arg): the lock 1 (free), the free "
                  "slots SLOTS, the full slots 0.");
    t.ring = grader_attach(t.shmid, false);
    if (t.ring->slots != 4 || t.ring->in != 0 || t.ring->out != 0)
        test_fail(&r, "After `init KEY 4`, the ring's header should read slots 4, in 0, "
                      "out 0; it reads slots %u, in %u, out %u.", t.ring->slots, t.ring->in,
                  t.ring->out);
}

/* Half a ring, made by the grader with the key: only a segment for 4 slots,
 * or (with_set) only a set of NSEMS semaphores. Its id. */
static int
grader_half_ring(bool with_set)
{
    return with_set ? grader_semset(KEY_NUM, NSEMS, 0600)
                    : grader_segment(KEY_NUM, ring_size(4), 0600);
}

/* `init KEY 4` when KEY has only a segment (with_set false) or only a set
 * of 3 semaphores (with_set true), which the grader made: exit non-zero
 * with "File exists", nothing new left, the set's values untouched. */
static void
expect_init_meets_half(bool with_set)
{
    struct run r = RUN("ringbuf", "init", KEY, "4");
    unsigned short vals[NSEMS] = { 0, 2, 2 }, now[NSEMS];
    union semun arg = { .array = vals };
    const char *when = with_set ? "When a semaphore set (but no segment) already has the key"
                                : "When a segment (but no semaphore set) already has the key";
    struct ipc_set before;
    int id = grader_half_ring(with_set);

    if (with_set && semctl(id, 0, SETALL, arg) == -1)
        test_error("The grader could not give its semaphores their values (SETALL): %s",
                   strerror(errno));
    snapshot(&before);
    run_program(&r);
    expect_no_new_objects(&before, &r, test_strf("%s, init must fail and leave nothing of "
                          "its own behind (remove the segment it made once semget() fails), "
                          "but after it", when));
    expect_error_exit(&r, when);
    expect_stderr_has(&r, "File exists", "Create both objects with IPC_CREAT | IPC_EXCL and "
                      "check both results: without IPC_EXCL, semget() opens a set someone "
                      "left and init resets it; an unchecked shmget() goes on with -1.");
    if (with_set) {
        sem_values(id, now);
        if (memcmp(now, vals, sizeof now) != 0)
            test_fail(&r, "%s, init changed its values: they were lock 0, empty 2, full 2, "
                          "and are now lock %d, empty %d, full %d. init must never reset "
                          "a set it did not make: create it with IPC_CREAT | IPC_EXCL.",
                      when, now[0], now[1], now[2]);
    }
    grader_remove(with_set ? IPC_KIND_SEM : IPC_KIND_SHM, id);
}

static void
init_errors(void)
{
    struct run r = RUN("ringbuf", "init", KEY, "8");
    struct run s = RUN("ringbuf", "init", KEY, "4");
    struct run f = RUN("ringbuf", "init", KEY, "4");
    struct ipc_set before;
    struct tring t;

    make_ring(&t, 4);
    snapshot(&before);
    run_program(&r);
    expect_error_exit(&r, "When a ring with this key already exists");
    expect_stderr_has(&r, "File exists", "init creates with IPC_CREAT | IPC_EXCL, so that it "
                      "never resets a ring other processes are using; report EEXIST with "
                      "err_exit(\"shmget\") or err_exit(\"semget\").");
    expect_no_new_objects(&before, &r, "When init failed");
    expect_values(&r, &t, 1, 4, 0, "After a failed `init` on an existing ring", NULL,
                  "A failed init must not touch the ring that is there: create with "
                  "IPC_CREAT | IPC_EXCL and stop at the first failure, before any SETVAL.");
    drop_ring(&t);

    /* Half a ring has the key: init must still fail with EEXIST, create
     * nothing that stays, and leave the half that is there as it is. */
    expect_init_meets_half(false);
    expect_init_meets_half(true);

    /* Giving the semaphores their values fails (the first semctl(), SETVAL
     * or SETALL): both objects are made by then, and both must go. */
    f.req.fault = "semctl:ERANGE:1";
    snapshot(&before);
    run_program(&f);
    expect_error_exit(&f, "When semctl() could not give the semaphores their values");
    expect_no_new_objects(&before, &f, "When giving the semaphores their values failed, the "
                          "ring is useless, and its key would make the next init fail: remove "
                          "the set (semctl IPC_RMID) and the segment (shmctl IPC_RMID) before "
                          "exiting. But");

    /* No semaphore set can be made (SEMMNI 0): nothing may be left behind. */
    no_room_for(&s, "sem", "32000 1024000000 500 0", "semget");
    snapshot(&before);
    run_program(&s);
    expect_error_exit(&s, "When the system allows no more semaphore sets");
    expect_stderr_has(&s, "No space left on device", "semget() fails with ENOSPC when SEMMNI "
                      "sets exist; report it with err_exit(\"semget\").");
    expect_no_new_objects(&before, &s, "When semget() failed, the ring is useless: remove "
                          "the segment you already made (shmctl IPC_RMID) before exiting. "
                          "But");
}

static void
produce_records(void)
{
    struct run r = RUN("ringbuf", "produce", KEY, "7", "3");
    unsigned short before[NSEMS];
    struct tring t;

    make_ring(&t, 4);
    sem_values(t.semid, before);
    run_alone(&r, &t, "while putting 3 records into an empty ring of 4 slots");
    expect_success(&r);
    expect_line(&r, "produced", "how many records were put", 3, "Print \"produced COUNT\" at "
                "the end.");
    expect_values(&r, &t, 1, 1, 3, "After `produce KEY 7 3` into an empty ring of 4 slots",
                  before, NULL);
    for (int i = 0; i < 3; i++) {
        struct record *s = &t.ring->slot[i];

        if (s->producer != 7 || s->seq != i + 1 || s->check != record_check(7, i + 1))
            test_fail(&r, "Slot %d of the ring holds producer %d, seq %d, check %08x; "
                          "expected producer 7, seq %d, check %08x. Fill slot[in] with "
                          "the record, then advance in.", i, s->producer, s->seq, s->check,
                      i + 1, record_check(7, i + 1));
    }
    if (t.ring->in != 3 || t.ring->out != 0)
        test_fail(&r, "After 3 records, the header should read in 3, out 0; it reads in %u, "
                      "out %u.", t.ring->in, t.ring->out);
}

static void
consume_records(void)
{
    struct run r = RUN("ringbuf", "consume", KEY, "3");
    struct record want[3] = { rec_of(7, 1), rec_of(7, 2), rec_of(8, 1) };
    unsigned short before[NSEMS];
    struct tring t;

    make_ring(&t, 4);
    grader_put(&t, 7, 1);
    grader_put(&t, 7, 2);
    grader_put(&t, 8, 1);
    grader_put(&t, 8, 2);
    sem_values(t.semid, before);
    run_alone(&r, &t, "while taking 3 records from a ring holding 4");
    expect_success(&r);
    expect_records(&r, want, 3);
    expect_values(&r, &t, 1, 3, 1, "After `consume KEY 3` from a ring holding 4 records",
                  before, NULL);
    if (t.ring->out != 3 || t.ring->in != 0)
        test_fail(&r, "After taking 3 of 4 records, the header should read in 0, out 3; it "
                      "reads in %u, out %u.", t.ring->in, t.ring->out);
}

static void
waits_for_slots(void)
{
    struct run p = RUN("ringbuf", "produce", KEY, "5", "1");
    struct run c = RUN("ringbuf", "consume", KEY, "1");
    struct run *rp = &p, *rc = &c, *bad;
    struct record rec;
    struct record want = rec_of(6, 1);
    struct tring t;

    /* A full ring: the producer must wait for a free slot. */
    make_ring(&t, 2);
    grader_put(&t, 1, 1);
    grader_put(&t, 1, 2);
    run_start(&p);
    bad = wait_for_waiters(&t, SEM_EMPTY, 1, &rp, 1, 5);
    if (bad != NULL) {
        if (run_ended(&p)) {
            run_wait(&p);
            test_fail(&p, "The ring was full (2 records in 2 slots), yet `produce` did not "
                          "wait for a free slot: it ended at once. Before writing, take 1 "
                          "from semaphore 1 (the free slots): semop() then sleeps until a "
                          "consumer frees one.");
        }
        const char *where = where_is(&p);

        run_stop(&p);
        test_fail(&p, "The ring was full; `produce` should wait in semop() for a free "
                      "slot (semaphore 1), but after 5 s nobody waited on semaphore 1. It "
                      "was: %s", where);
    }
    if (!grader_take(&t, &rec)) {
        const char *where = where_is(&p);

        run_stop(&p);
        test_fail(&p, "While `produce` waited for a free slot in a full ring, it held the "
                      "lock (semaphore 0 was 0), so no consumer could ever free a slot: a "
                      "deadlock. It was: %s\nWait for a free slot (semaphore 1) first, and "
                      "only then take the lock.", where);
    }
    run_wait(&p);
    expect_success(&p);
    expect_values(&p, &t, 1, 0, 2, "After `produce` filled the slot the grader freed in a "
                  "full ring of 2", NULL, NULL);
    if (!grader_take(&t, &rec) || !grader_take(&t, &rec) || rec.producer != 5 ||
        rec.seq != 1 || rec.check != record_check(5, 1))
        test_fail(&p, "After a slot was freed, `produce KEY 5 1` should have put record 5 1 "
                      "in it; the grader found producer %d, seq %d there.", rec.producer,
                  rec.seq);

    /* An empty ring: the consumer must wait for a full slot. */
    run_start(&c);
    bad = wait_for_waiters(&t, SEM_FULL, 1, &rc, 1, 5);
    if (bad != NULL) {
        if (run_ended(&c)) {
            run_wait(&c);
            test_fail(&c, "The ring was empty, yet `consume KEY 1` did not wait for a "
                          "record: it ended at once. Take 1 from semaphore 2 (the full "
                          "slots) before reading: semop() sleeps until a producer adds one.");
        }
        const char *where = where_is(&c);

        run_stop(&c);
        test_fail(&c, "The ring was empty; `consume` should wait in semop() on semaphore 2 "
                      "(the full slots), but after 5 s nobody waited on it. It was: %s",
                  where);
    }
    grader_put(&t, 6, 1);
    run_wait(&c);
    expect_success(&c);
    expect_records(&c, &want, 1);
    expect_values(&c, &t, 1, 2, 0, "After the waiting consumer took the record", NULL,
                  NULL);
}

static void
lock_excludes(void)
{
    struct run p = RUN("ringbuf", "produce", KEY, "2", "1");
    struct run c = RUN("ringbuf", "consume", KEY, "1");
    struct run *both[2] = { &p, &c }, *bad;
    struct record want = rec_of(1, 2), rec;
    struct tring t;

    make_ring(&t, 4);
    grader_put(&t, 1, 1);
    grader_put(&t, 1, 2);
    if (!grader_semop(t.semid, SEM_LOCK, -1, 0))        /* the grader holds the lock */
        test_error("The grader could not take its own lock.");
    run_start(&p);
    run_start(&c);
    bad = wait_for_waiters(&t, SEM_LOCK, 2, both, 2, 5);
    if (bad != NULL) {
        const char *where;
        int waiting;

        if (run_ended(bad)) {
            run_wait(bad);
            test_fail(bad, "While another process held the lock (semaphore 0 was 0), "
                           "`%s` did not wait for it: it went into the ring anyway and "
                           "ended. Two processes changing in, out or a slot at once lose "
                           "and duplicate records. Take 1 from semaphore 0 before touching "
                           "the ring (it sleeps while another process holds it), and give "
                           "it back after.", bad->req.args[0]);
        }
        where = where_is(bad);
        waiting = sem_waiting(t.semid, SEM_LOCK, false);   /* before they are stopped */
        run_stop(&p);
        run_stop(&c);
        test_fail(bad, "While another process held the lock, `produce` and `consume` "
                       "should both wait for it in semop() on semaphore 0, but after 5 s "
                       "only %d did. `%s` was: %s", waiting, bad->req.args[0], where);
    }
    if (t.ring->in != 2 || t.ring->out != 0)
        test_fail(&p, "While the lock was held, the ring's header changed (in %u, out %u; "
                      "it was in 2, out 0): something touched the ring without the lock.",
                  t.ring->in, t.ring->out);
    /* Another consumer's turn comes first: the grader, still holding the
     * lock, takes record 1 1 itself (its full slot claimed with IPC_NOWAIT:
     * the waiting consumer has claimed the other one). The consumer must
     * then print record 1 2; one that copied slot[out] before it had the
     * lock prints record 1 1 a second time. */
    if (!grader_semop(t.semid, SEM_FULL, -1, 0)) {
        const char *where = where_is(&c);

        run_stop(&p);
        run_stop(&c);
        test_fail(&c, "While `consume KEY 1` waited for the lock, the ring held 2 records "
                      "and the consumer had claimed one of them, so semaphore 2 (the full "
                      "slots) should have been 1; it was 0. A consumer takes exactly 1 from "
                      "semaphore 2, before the lock. It was: %s", where);
    }
    rec = t.ring->slot[t.ring->out];
    t.ring->out = (t.ring->out + 1) % t.slots;
    grader_semop(t.semid, SEM_LOCK, +1, 0);             /* let them go */
    grader_semop(t.semid, SEM_EMPTY, +1, 0);
    run_wait(&p);
    run_wait(&c);
    expect_success(&p);
    expect_success(&c);
    if (strstr(c.res.out, test_strf("record 1 1 %08x", record_check(1, 1))) != NULL)
        test_fail(&c, "`consume` printed record 1 1, but the grader had already taken that "
                      "record itself while it held the lock, and the consumer waited for "
                      "the lock: it must have copied slot[out] before taking the lock. Copy "
                      "the slot and advance out only between lock_ring() and "
                      "unlock_ring(): until you hold the lock, another consumer may take "
                      "that very slot.");
    expect_records(&c, &want, 1);
    expect_values(&p, &t, 1, 3, 1, "After the grader took one record (holding the lock), "
                  "then one producer and one consumer went through a 4-slot ring that held "
                  "2", NULL, NULL);
    if (!grader_take(&t, &rec) || rec.producer != 2 || rec.seq != 1)
        test_fail(&p, "Once the lock was free, the ring should hold only the producer's "
                      "record 2 1; it does not.");
    expect_values(&p, &t, 1, 4, 0, "At the end", NULL, NULL);
}

static void
killed_holding_lock(void)
{
    struct run h = RUN("ringbuf", "produce", "--hold", KEY, "9", "5");
    struct round rd = { "2 producers of 300 records, 2 consumers, a ring of 4 slots",
                        2, 2, 300, 4, false, false };
    struct run prod[2], cons[2];
    struct run *all[4] = { &prod[0], &prod[1], &cons[0], &cons[1] };
    struct run *cptr[2] = { &cons[0], &cons[1] };
    unsigned short v[NSEMS];
    struct tring t;
    size_t stopped;
    bool frozen;

    make_ring(&t, 4);
    run_start_ready(&h, "holding the lock", 5, "`produce --hold` prints it (and fflushes "
                    "it) once it holds the lock for its first record, then waits to be "
                    "killed.");
    sem_values(t.semid, v);
    if (v[SEM_LOCK] != 0) {
        run_stop(&h);
        test_fail(&h, "`produce --hold` printed \"holding the lock\", but the lock "
                      "(semaphore 0) is %d, not 0: it never took the lock. Call "
                      "hold_lock_forever() right after taking it.", v[SEM_LOCK]);
    }
    run_signal(&h, SIGKILL);
    run_wait(&h);
    sem_values(t.semid, v);
    frozen = v[SEM_LOCK] == 0;

    /* The others must still get through. */
    for (int i = 0; i < 2; i++) {
        prod[i] = RUN("ringbuf", "produce", KEY, test_strf("%d", i + 1),
                      test_strf("%d", rd.count));
        cons[i] = RUN("ringbuf", "consume", KEY, test_strf("%d", rd.count));
        prod[i].req.timeout = cons[i].req.timeout = 30;
    }
    for (int i = 0; i < 2; i++)
        run_start(&cons[i]);
    for (int i = 0; i < 2; i++)
        run_start(&prod[i]);
    stopped = wait_group(all, 4, &t);
    if (frozen) {
        struct strbuf sb = { 0 };

        describe_stuck(all, 4, &sb);
        test_fail(all[0], "A producer was killed (SIGKILL) while it held the lock, and the "
                          "lock stayed taken: semaphore 0 was still 0 after it died. %s\n%s"
                          "Use SEM_UNDO on both operations of the lock (taking it and "
                          "giving it back): when a process dies, the kernel then undoes "
                          "what it still holds, and the lock is free again.",
                  stopped ? "Every other process then waited for it for ever:"
                          : "", sb_str(&sb));
    }
    expect_group_finished(all, 4, stopped, &t, "after a producer was killed holding the lock");
    check_round_records(cptr, 2, &rd, "After a producer was killed holding the lock");
    sem_values(t.semid, v);
    if (v[SEM_LOCK] != 1)
        test_fail(&prod[0], "At the end the lock (semaphore 0) is %d, not 1 (free).",
                  v[SEM_LOCK]);
}

static void
drain_nowait(void)
{
    struct run r = RUN("ringbuf", "drain", KEY);
    struct run e = RUN("ringbuf", "drain", KEY);
    struct record want[2] = { rec_of(3, 1), rec_of(3, 2) };
    unsigned short before[NSEMS];
    struct tring t;

    make_ring(&t, 4);
    grader_put(&t, 3, 1);
    grader_put(&t, 3, 2);
    sem_values(t.semid, before);
    run_watched(&r, &t);
    if (r.res.timed_out)
        test_fail(&r, "`drain` must take the records that are there and stop, but it waited "
                      "for more. Take from semaphore 2 with IPC_NOWAIT: when no slot is "
                      "full, semop() then fails at once with EAGAIN instead of sleeping.");
    expect_success(&r);
    expect_records(&r, want, 2);
    expect_line(&r, "drained", "how many records were taken", 2, "Print \"drained N\" at the "
                "end.");
    expect_values(&r, &t, 1, 4, 0, "After `drain` emptied the ring", before, NULL);
    run_watched(&e, &t);
    if (e.res.timed_out)
        test_fail(&e, "On an empty ring, `drain` must print \"drained 0\" at once, but it "
                      "waited. Use IPC_NOWAIT on semaphore 2 and stop on EAGAIN.");
    expect_success(&e);
    expect_records(&e, NULL, 0);
    expect_line(&e, "drained", "how many records were taken", 0, "Nothing was there to take.");
}

static void
status_values(void)
{
    struct run r = RUN("ringbuf", "status", KEY);
    static const char *const labels[] = { "slots", "in", "out", "lock", "empty", "full" };
    static const long want[] = { 4, 3, 1, 0, 2, 2 };
    struct record rec;
    struct tring t;

    make_ring(&t, 4);
    grader_put(&t, 1, 1);
    grader_put(&t, 1, 2);
    grader_put(&t, 1, 3);
    grader_take(&t, &rec);
    grader_semop(t.semid, SEM_LOCK, -1, 0);     /* someone holds the lock */
    run_watched(&r, &t);
    if (r.res.timed_out)
        test_fail(&r, "`status` must not take the lock (it must work even when a stuck "
                      "process holds it), but it waited while the lock was held.");
    expect_success(&r);
    for (size_t i = 0; i < ARRAY_LEN(labels); i++)
        expect_line(&r, labels[i], "a value of the ring", want[i], i < 3
                    ? "Print the header's fields as they are in the segment."
                    : "Read each value with semctl(semid, n, GETVAL): here the lock is 0 "
                      "(someone holds it), empty 2 and full 2.");
}

/* Three shapes of contention, each long enough for a missing or misplaced
 * lock to lose or duplicate records many times over (tens of thousands of
 * semop() calls): many producers on a wide ring, many consumers on a narrow
 * one, and a ring so small that every process waits all the time. */
static void
stress(void)
{
    static const struct round rounds[] = {
        { "4 producers of 600 records, 1 consumer, a ring of 64 slots", 4, 1, 600, 64,
          false, false },
        { "1 producer of 2500 records, 4 consumers, a ring of 16 slots", 1, 4, 2500, 16,
          false, false },
        { "3 producers of 500 records, 3 consumers, a ring of 4 slots", 3, 3, 500, 4,
          false, false },
    };

    for (size_t i = 0; i < ARRAY_LEN(rounds); i++)
        run_round(&rounds[i], (int)i + 1);
}

static void
cross_check(void)
{
    static const struct round rounds[] = {
        { "your 2 producers of 1000 records, the reference's 2 consumers, a ring of 8 "
          "slots", 2, 2, 1000, 8, false, true },
        { "the reference's 2 producers of 1000 records, your 2 consumers, a ring of 8 "
          "slots", 2, 2, 1000, 8, true, false },
    };

    for (size_t i = 0; i < ARRAY_LEN(rounds); i++)
        run_round(&rounds[i], (int)i + 1);
}

static void
remove_ring(void)
{
    struct run r = RUN("ringbuf", "remove", KEY);
    struct ipc_set now;
    struct tring t;

    make_ring(&t, 4);
    shmdt(t.ring);
    run_program(&r);
    expect_success(&r);
    snapshot(&now);
    if (ipc_find_id(&now, IPC_KIND_SEM, t.semid) != NULL) {
        test_fail(&r, "After `remove`, the semaphore set (id %d) is still in the kernel. "
                      "Look it up with semget(key, 0, 0), then remove it with "
                      "semctl(semid, 0, IPC_RMID).", t.semid);
    }
    if (ipc_find_id(&now, IPC_KIND_SHM, t.shmid) != NULL) {
        test_fail(&r, "After `remove`, the segment (id %d) is still in the kernel: "
                      "shmctl(shmid, IPC_RMID, NULL).", t.shmid);
    }
}

static void
missing_ring(void)
{
    static const char *const cases[][5] = {
        { "produce", KEY, "1", "1" }, { "consume", KEY, "1" }, { "drain", KEY },
        { "status", KEY }, { "remove", KEY },
    };
    struct ipc_set before;

    snapshot(&before);
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct run r = RUN("ringbuf", cases[i][0], cases[i][1], cases[i][2], cases[i][3]);

        r.req.timeout = 5;
        run_program(&r);
        expect_no_new_objects(&before, &r, "Without a ring, only `init` may create one (no "
                              "IPC_CREAT anywhere else), but after this command");
        expect_error_exit(&r, "When no ring has the key");
        expect_stderr_has(&r, "No such file or directory", "Open with shmget(key, 0, 0) and "
                          "semget(key, 0, 0); without IPC_CREAT they fail with ENOENT, "
                          "which err_exit() reports.");
    }
}

/* Half a ring: a key with a segment and no set, then with a set and no
 * segment. Each lookup must be checked on its own: the first one finding
 * nothing is no longer enough. */
static void
half_ring(void)
{
    static const char *const cases[][5] = {
        { "produce", KEY, "1", "1" }, { "consume", KEY, "1" }, { "drain", KEY },
        { "status", KEY }, { "remove", KEY },
    };

    for (int with_set = 0; with_set < 2; with_set++) {
        int id = grader_half_ring(with_set);
        const char *when = with_set ? "When KEY has a semaphore set but no segment"
                                    : "When KEY has a segment but no semaphore set";
        struct ipc_set before;

        snapshot(&before);
        for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
            struct run r = RUN("ringbuf", cases[i][0], cases[i][1], cases[i][2],
                               cases[i][3]);

            r.req.timeout = 5;
            run_program(&r);
            expect_no_new_objects(&before, &r, test_strf("%s, only `init` may create "
                                  "anything (no IPC_CREAT anywhere else), but after this "
                                  "command", when));
            expect_error_exit(&r, when);
            expect_stderr_has(&r, "No such file or directory", "Half a ring is no ring: "
                              "check each lookup on its own, shmget(key, 0, 0) and "
                              "semget(key, 0, 0), and report the one that fails with "
                              "err_exit() before using the other's id.");
        }
        grader_remove(with_set ? IPC_KIND_SEM : IPC_KIND_SHM, id);
    }
}

/* A PATH:PROJ_ID key whose file is missing; strdup() failing. */
static void
key_errors(void)
{
    struct run missing = RUN("ringbuf", "init", "no-such-file:65", "4");
    struct run nomem = RUN("ringbuf", "init", "keyfile:65", "4");

    expect_key_errors(&missing, "init no-such-file:65 4", &nomem, "a ring");
}

/* init's second semctl() fails (ERANGE). With SETVAL, as the chapter
 * does it, that is the free slots' value: init must stop and leave
 * nothing behind. A program that sets all three at once (SETALL) makes
 * no second call and succeeds: then the ring must simply be right. */
static void
expect_second_setval_checked(void)
{
    struct run r = RUN("ringbuf", "init", KEY, "4");
    struct ipc_set before;
    struct tring t;

    r.req.fault = "semctl:ERANGE:2";
    snapshot(&before);
    run_program(&r);
    expect_finished(&r);
    if (r.res.exit_code != 0) {
        expect_no_new_objects(&before, &r, "When init's second semctl() (SETVAL) failed, "
                              "the ring is useless: remove the set and the segment before "
                              "exiting (init_failed() does). But");
        return;
    }
    if (!find_ring(&t))
        test_fail(&r, "`init KEY 4` exited with status 0 but made no ring with key %s.",
                  KEY);
    expect_values(&r, &t, 1, 4, 0, "The grader made init's second semctl() fail (ERANGE), "
                  "and init exited with status 0; then", NULL, "Check every SETVAL's "
                  "result: on -1, init_failed(\"semctl(SETVAL)\", &h), which reports it and "
                  "removes what init made.");
}

/* Every other call of the program made to fail in turn (the fault library):
 * shmat() and shmdt() in init and in ring_open()/ring_close(), GETVAL,
 * each IPC_RMID of remove, the second SETVAL. */
static void
errors_reported(void)
{
    static const struct {
        const char *cmd, *fault, *when, *err, *advice;
        bool ring;
    } cases[] = {
        { "status", "shmat:ENOMEM", "When shmat() fails while opening the ring",
          "Cannot allocate memory", "Check shmat()'s result against (void *) -1 (not NULL) "
          "and report it with err_exit(\"shmat\").", true },
        { "status", "shmdt:EINVAL", "When shmdt() fails as the ring is closed",
          "Invalid argument", "Check shmdt()'s result and report it with "
          "err_exit(\"shmdt\").", true },
        { "status", "semctl:EINVAL:1", "When status' first semctl() (GETVAL) fails",
          "Invalid argument", "Check each GETVAL's result: -1 is not a value; report it with "
          "err_exit(\"semctl(GETVAL)\").", true },
        { "remove", "shmctl:EPERM", "When remove's shmctl(IPC_RMID) fails",
          "Operation not permitted", "Check shmctl()'s result and report it with "
          "err_exit(\"shmctl(IPC_RMID)\").", true },
        { "remove", "semctl:EPERM", "When remove's semctl(IPC_RMID) fails",
          "Operation not permitted", "Check semctl()'s result and report it with "
          "err_exit(\"semctl(IPC_RMID)\").", true },
        { "init", "shmat:ENOMEM", "When init's shmat() fails", "Cannot allocate memory",
          "Check shmat()'s result against (void *) -1 and call init_failed(\"shmat\", &h), "
          "which removes what init made.", false },
        { "init", "shmdt:EINVAL", "When init's shmdt() fails", "Invalid argument",
          "Check shmdt()'s result and call init_failed(\"shmdt\", &h).", false },
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct run r = RUN("ringbuf", cases[i].cmd, KEY, strcmp(cases[i].cmd, "init") == 0
                           ? "4" : NULL);
        struct ipc_set before, now;
        struct tring t;

        if (cases[i].ring) {
            make_ring(&t, 4);
            shmdt(t.ring);
        }
        snapshot(&before);
        r.req.fault = cases[i].fault;
        r.req.timeout = 5;
        run_program(&r);
        expect_finished(&r);
        if (r.res.exit_code == 0 && strncmp(cases[i].fault, "shmdt", 5) == 0)
            test_fail(&r, "The grader made shmdt() fail, yet `%s` exited with status 0: "
                          "either it never calls shmdt() (exit() would detach the segment, "
                          "but a program should give back what it attached), or it ignores "
                          "shmdt()'s result. %s", cases[i].cmd, cases[i].advice);
        expect_error_exit(&r, cases[i].when);
        expect_stderr_has(&r, cases[i].err, cases[i].advice);
        expect_no_new_objects(&before, &r, test_strf("%s, nothing may be left behind, but "
                              "after it", cases[i].when));
        /* What is left of the grader's ring goes before the next case. */
        snapshot(&now);
        for (size_t j = 0; j < now.n; j++)
            if ((uint32_t)now.obj[j].key == KEY_NUM)
                grader_remove(now.obj[j].kind, now.obj[j].id);
    }
    expect_second_setval_checked();
}

static void
removed_while_waiting(void)
{
    struct run c = RUN("ringbuf", "consume", KEY, "1");
    struct run *rc = &c;
    struct tring t;

    make_ring(&t, 4);
    c.req.timeout = 10;
    run_start(&c);
    if (wait_for_waiters(&t, SEM_FULL, 1, &rc, 1, 5) != NULL) {
        run_stop(&c);
        test_fail(&c, "On an empty ring, `consume` should wait in semop() for a full slot "
                      "(semaphore 2), but it did not (the test waits_for_slots says more). "
                      "This test then removes the set while it waits.");
    }
    drop_ring(&t);
    run_wait(&c);
    expect_error_exit(&c, "When the semaphore set was removed while `consume` waited in "
                          "semop() (which then fails with EIDRM)");
    expect_stderr_has(&c, "Identifier removed", "Check semop()'s result: -1 with errno EIDRM "
                      "means the set is gone; report it with err_exit(\"semop\").");
    if (strstr(c.res.out, "record") != NULL)
        test_fail(&c, "`consume` printed a record although its semop() failed: no record "
                      "was there to take.");
}

/* Linux makes a semop() that sleeps fail with EINTR when its process is
 * stopped and continued, even without a signal handler (signal(7)): what
 * happens to a consumer in a shell's Ctrl-Z and fg. */
static void
stopped_and_continued(void)
{
    struct run c = RUN("ringbuf", "consume", KEY, "1");
    struct run *rc = &c;
    struct record want = rec_of(4, 1);
    struct tring t;
    double deadline;

    make_ring(&t, 4);
    c.req.timeout = 15;
    run_start(&c);
    if (wait_for_waiters(&t, SEM_FULL, 1, &rc, 1, 5) != NULL) {
        run_stop(&c);
        test_fail(&c, "On an empty ring, `consume` should wait in semop() for a full slot "
                      "(semaphore 2), but it did not (the test waits_for_slots says more). "
                      "This test then stops and continues it while it waits.");
    }
    run_signal(&c, SIGSTOP);
    /* SIGCONT throws away a SIGSTOP not yet acted on: continue it only once
     * it is stopped, its semop() interrupted. */
    deadline = now_seconds() + 5;
    while (diagnose_state(c.res.pid) != 'T') {
        if (!run_alive(&c))
            break;              /* it ended: judged below */
        if (now_seconds() > deadline)
            test_error("`consume` was sent SIGSTOP, but it was not stopped after 5 s.");
        usleep(5000);
    }
    run_signal(&c, SIGCONT);
    /* Let it wait again (or give up) before the record comes, so that the
     * record cannot hide what it did with the EINTR. */
    if (wait_for_waiters(&t, SEM_FULL, 1, &rc, 1, 5) != NULL) {
        if (run_ended(&c)) {
            run_wait(&c);
            if (c.res.exit_code != 0 && strstr(c.res.err, "Interrupted system call") != NULL)
                test_fail(&c, "`consume` waited in semop() for a record; it was stopped "
                              "(SIGSTOP, as Ctrl-Z does) and continued (SIGCONT, as fg "
                              "does), and it gave up: on Linux a semop() that sleeps then "
                              "fails with EINTR, even without a signal handler, and your "
                              "program treated that as an error. EINTR means nothing was "
                              "done: call semop() again.");
            expect_success(&c);
            test_fail(&c, "`consume KEY 1` was stopped (SIGSTOP) and continued (SIGCONT) "
                          "while it waited for a record on an empty ring, and then it ended "
                          "without waiting for one. When semop() fails with EINTR, call it "
                          "again.");
        }
        const char *where = where_is(&c);

        run_stop(&c);
        test_fail(&c, "`consume` was stopped (SIGSTOP) and continued (SIGCONT) while it "
                      "waited for a record; it should then wait in semop() on semaphore 2 "
                      "again, but after 5 s it was not. It was: %s", where);
    }
    grader_put(&t, 4, 1);
    run_wait(&c);
    expect_success(&c);
    expect_records(&c, &want, 1);
    expect_values(&c, &t, 1, 4, 0, "After the consumer that was stopped and continued took "
                  "the record", NULL, NULL);
}

static void
bad_usage(void)
{
    static const char *const cases[][6] = {
        { NULL }, { "frobnicate" }, { "init", KEY }, { "init", KEY, "0" },
        { "init", "notakey", "4" }, { "produce", KEY, "0", "5" }, { "produce", KEY, "1" },
        { "produce", "--hold" }, { "consume", KEY, "-3" }, { "drain" },
        { "status", KEY, "extra" }, { "consume", KEY, "1", "extra" },
        { "remove", KEY, "extra" },
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct run r = RUN("ringbuf", cases[i][0], cases[i][1], cases[i][2], cases[i][3],
                           cases[i][4]);

        run_program(&r);
        expect_usage_error(&r);
    }
}

/* The commands with code of their own under Valgrind, all at once (each
 * takes a third of a second of CPU to start, and Valgrind is most of a
 * grading's time): init makes a ring of its own; produce, consume and
 * drain each work on a ring of the grader's, as the command before it
 * would have left it. status and remove are left out: what they do beyond
 * the key and ring_open() the others share is a GETVAL loop and two
 * IPC_RMIDs, which their own tests check, and of the 124 mutants of
 * tests/mutants none failed Valgrind in them alone. A program stuck in
 * semop() is described, not left to its deadline. */
static void
valgrind_clean(void)
{
    enum { INIT, PRODUCE, CONSUME, DRAIN, NRUNS };
    struct tring t[NRUNS];
    struct run r[NRUNS], *all[NRUNS];
    struct record want[2] = { rec_of(1, 1), rec_of(1, 2) };
    size_t stopped;

    for (int i = PRODUCE; i < NRUNS; i++)
        make_ring_at(&t[i], KEY_NUM + i, 4);
    for (int seq = 1; seq <= 3; seq++)
        grader_put(&t[CONSUME], 1, seq);
    grader_put(&t[DRAIN], 1, 3);
    r[INIT] = RUN("ringbuf", "init", KEY, "4");
    r[PRODUCE] = RUN("ringbuf", "produce", test_strf("0x%x", KEY_NUM + PRODUCE), "1", "3");
    r[CONSUME] = RUN("ringbuf", "consume", test_strf("0x%x", KEY_NUM + CONSUME), "2");
    r[DRAIN] = RUN("ringbuf", "drain", test_strf("0x%x", KEY_NUM + DRAIN));
    for (int i = 0; i < NRUNS; i++) {
        r[i].req.valgrind = true;
        r[i].req.timeout = 20;
        all[i] = &r[i];
        run_start(&r[i]);
    }
    stopped = wait_group(all, NRUNS, &t[PRODUCE]);
    expect_group_finished(all, NRUNS, stopped, &t[PRODUCE], "under Valgrind");
    for (int i = 0; i < NRUNS; i++) {
        expect_success(&r[i]);
        if (i == INIT && !find_ring(&t[INIT]))
            test_fail(&r[i], "`init` under Valgrind made no ring with key %s (a segment "
                             "and a set of 3 semaphores).", KEY);
        if (i == INIT)
            expect_values(&r[i], &t[i], 1, 4, 0, "After `init KEY 4` under Valgrind", NULL,
                          "init gives each semaphore its value with semctl() (SETVAL, or "
                          "SETALL): the lock 1 (free), SLOTS free slots, 0 full ones.");
        if (i == PRODUCE)
            expect_values(&r[i], &t[i], 1, 1, 3, "After `produce` put 3 records in a "
                          "4-slot ring", NULL, NULL);
        if (i == CONSUME)
            expect_records(&r[i], want, 2);
        if (i == DRAIN)
            expect_line(&r[i], "drained", "how many records were taken", 1, "One record "
                        "was there.");
        expect_valgrind_clean(&r[i]);
    }
}

static const struct test_def tests[] = {
    { "init_creates", "init makes the segment and a set of 3 semaphores set to 1, SLOTS, 0",
      3, init_creates, "semget(key, 3, IPC_CREAT | IPC_EXCL | 0600), then semctl(SETVAL) "
      "for each semaphore.", NULL, "Creating and initialising a set" },
    { "init_errors", "init refuses an existing ring and leaves nothing half made", 2,
      init_errors, "IPC_EXCL; when a later step fails, remove what init has made so far "
      "(the segment, and the set once it exists).", NULL,
      "Creating and initialising a set" },
    { "produce_records", "produce fills the slots and leaves the semaphores right", 2,
      produce_records, "take 1 from EMPTY, take the lock, write, give the lock back, add 1 "
      "to FULL.", NULL, "A ring buffer with three semaphores" },
    { "consume_records", "consume prints the records in order and frees their slots", 2,
      consume_records, "take 1 from FULL, take the lock, read, give the lock back, add 1 to "
      "EMPTY.", NULL, "A ring buffer with three semaphores" },
    { "waits_for_slots", "producers wait when the ring is full, consumers when it is empty",
      2, waits_for_slots, "semop() with -1 sleeps until the value allows it.", NULL,
      "semop(): waiting and signalling" },
    { "lock_excludes", "nobody touches the ring while another process holds the lock", 3,
      lock_excludes, "take semaphore 0 before using in, out or a slot.", NULL,
      "A lock: a semaphore used for mutual exclusion" },
    { "killed_holding_lock", "a producer killed while holding the lock does not freeze the "
      "others (SEM_UNDO)", 3, killed_holding_lock, "SEM_UNDO on the lock's two operations.",
      NULL, "SEM_UNDO: when a process dies holding the lock" },
    { "drain_nowait", "drain takes what is there and never waits (IPC_NOWAIT)", 1,
      drain_nowait, "IPC_NOWAIT makes semop() fail with EAGAIN instead of sleeping.", NULL,
      "semop(): waiting and signalling" },
    { "status_values", "status prints the header and the semaphores' values (GETVAL)", 1,
      status_values, "semctl(semid, n, GETVAL), without taking the lock.", NULL,
      "Reading a set: GETVAL, GETALL, GETNCNT" },
    { "stress", "many producers and consumers at once: every record exactly once, whole, "
      "in order", 4, stress, "every access to the ring between taking and giving back the "
      "lock.", NULL, "Common mistakes" },
    { "cross_check", "your producers work with the reference consumers, and the other way "
      "round", 2, cross_check, "follow the shared layout and the semaphore numbers of the "
      "statement exactly.", NULL, "Exercise: ringbuf" },
    { "remove", "remove destroys the segment and the semaphore set", 2, remove_ring,
      "semctl(semid, 0, IPC_RMID).", NULL, "Removing a set" },
    { "missing_ring", "without a ring, every command but init fails with ENOENT and creates "
      "nothing", 1, missing_ring, "open with semget(key, 0, 0): no IPC_CREAT.", NULL,
      "semget()" },
    { "half_ring", "with only a segment, or only a set, every command but init fails with "
      "ENOENT", 1, half_ring, "check shmget()'s and semget()'s results one by one.", NULL,
      "semget()" },
    { "key_errors", "reports a PATH:PROJ_ID whose file is missing (ftok) and a failing "
      "strdup", 1, key_errors, "check what ftok() and strdup() return, as every call's.",
      NULL, "Exercise: ringbuf" },
    { "errors_reported", "failing shmat, shmdt, GETVAL, SETVAL and IPC_RMID are reported", 1,
      errors_reported, "check every call's -1 and report it with err_exit(), or "
      "init_failed() in init.", NULL, "Exercise: ringbuf" },
    { "removed_while_waiting", "a consumer whose set is removed while it waits reports EIDRM",
      1, removed_while_waiting, "check every semop() result.", NULL, "Errors from semop()" },
    { "stopped_and_continued", "a consumer stopped and continued while it waits carries on",
      2, stopped_and_continued, "when semop() fails with EINTR, nothing was done: call it "
      "again.", NULL, "EINTR: a wait cut short" },
    { "bad_usage", "rejects a wrong command line with a usage message", 1, bad_usage,
      "the skeleton's argument parsing does this; keep usage() for bad input.", NULL, NULL },
    { "valgrind_clean", "init, produce, consume and drain run clean under Valgrind", 2,
      valgrind_clean, "every step must work under Valgrind too (the other tests say more "
      "when one does not), and free what it allocates. Try: valgrind --leak-check=full "
      "./ringbuf produce 0x52494e47 1 1", NULL, NULL },
};

const struct exercise exercise_semaphores = {
    .id = "semaphores",
    .title = "Semaphores: keeping shared data coherent",
    .chapter = CHAPTER,
    .programs = programs,
    .tests = tests,
    .ntests = ARRAY_LEN(tests),
};
