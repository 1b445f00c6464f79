/* shmat.c: exercise `shmat` (chapters/03-shmat.md). The student's shmwriter
 * publishes a record in a new segment and stays attached until a signal;
 * shmreader attaches it read-only and prints it. Each side is run against
 * the reference counterpart, and the grader looks at the segment (its
 * attributes, its bytes, the readers' mappings in /proc/PID/maps) while it
 * is attached. Broken records are written by the grader itself; failing
 * shmat() and shmdt() come from fault injection. The writer owns the
 * segment: the reader must leave it in place whatever happens. */
#define _GNU_SOURCE
#include "suite.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>

#define CHAPTER "chapters/03-shmat.md"
#define KEY     "0x4b1d0003"
#define KEY_NUM 0x4b1d0003

/* The record, as the exercise's statement fixes it. */
#define RECORD_MAGIC    0x52454331u
#define NAME_SIZE       32
#define MAX_VALUES      16

struct record {
    uint32_t magic;
    uint32_t count;
    char     name[NAME_SIZE];
    double   values[MAX_VALUES];
};

_Static_assert(sizeof(struct record) == 168, "the statement says 168 bytes");

static const char *const programs[] = { "shmwriter", "shmreader", NULL };

/* The record the tests publish most: its arguments and its values. */
#define KITCHEN         "kitchen", "21.5", "22", "-3.25"
static const double kitchen[] = { 21.5, 22, -3.25 };
#define HALL            "hall", "1", "2.5", "-0.125"
static const double hall[] = { 1, 2.5, -0.125 };
/* A full record, MAX_VALUES values. */
#define FULL            "cellar", "0.5", "-1", "2.25", "3", "4.75", "-5", "6", "7.5", \
                        "8", "9", "10.25", "11", "-12", "13", "14", "15.5"
static const double full[] = { 0.5, -1, 2.25, 3, 4.75, -5, 6, 7.5, 8, 9, 10.25, 11, -12,
                               13, 14, 15.5 };
/* The longest NAME there is: 31 characters, and name[]'s '\0' in its last byte. */
#define LONGEST         "north-east-corner-of-the-cellar"
_Static_assert(sizeof LONGEST == NAME_SIZE, "NAME_SIZE - 1 characters");

/* How long a writer may take to say "ready", and to run in all. */
#define READY_SECS      5
#define READY_SECS_VG   30
#define WRITER_SECS     15
#define WRITER_SECS_VG  40

/* ---- the grader's view and hands ---- */

/* What shmreader prints for this record, line for line (owned by the test). */
static const char *
expected_output(const char *name, const double *values, size_t n)
{
    struct strbuf sb = { 0 };
    double sum = 0;

    sb_addf(&sb, "name %s\ncount %zu\n", name, n);
    for (size_t i = 0; i < n; i++) {
        sb_addf(&sb, "value %g\n", values[i]);
        sum += values[i];
    }
    sb_addf(&sb, "sum %g\n", sum);
    return test_own(sb_take(&sb));
}

/* The reader's stdout must be exactly EXPECTED; say which line differs. */
static void
expect_output(const struct run *r, const char *expected, const char *advice)
{
    const char *e = expected, *f = run_stdout(r);
    int line = 1;

    while (*e && *f) {
        size_t el = strcspn(e, "\n"), fl = strcspn(f, "\n");

        if (el != fl || strncmp(e, f, el) != 0)
            break;
        e += el + (e[el] == '\n');
        f += fl + (f[fl] == '\n');
        line++;
    }
    if (*e == '\0' && *f == '\0')
        return;
    test_fail(r, "The record printed is wrong at line %d of stdout.\n  expected: %.*s\n"
                 "  found:    %.*s\n%s", line, (int)strcspn(e, "\n"),
              *e ? e : "(no more lines)", (int)strcspn(f, "\n"),
              *f ? f : "(no more lines)", advice);
}

/* Start a writer (yours or the reference) and wait until it says "ready". */
static void
start_writer(struct run *w)
{
    if (w->req.timeout <= 0)
        w->req.timeout = w->req.valgrind ? WRITER_SECS_VG : WRITER_SECS;
    run_start_ready(w, "ready", w->req.valgrind ? READY_SECS_VG : READY_SECS,
                    "the writer prints \"shmid N\" and \"ready\" once the record is in the "
                    "segment, then waits for SIGINT or SIGTERM (the skeleton prints, flushes "
                    "and waits for you).");
}

/* The reference writer's segment, found by its key, after or while the
 * student's reader r ran: it must still be there. Only the reader can have
 * removed it (or marked it for removal, which turns its key into 0). */
static struct ipc_obj
segment_by_key(const struct run *r, const char *when)
{
    struct ipc_set now;
    const struct ipc_obj *o;

    snapshot(&now);
    o = ipc_find_key(&now, IPC_KIND_SHM, KEY_NUM);
    if (o == NULL)
        test_fail(r, "%s, the writer's segment was gone: no segment had the key %s any "
                     "more. Your reader removed it, or marked it for removal "
                     "(shmctl(IPC_RMID)), which hides its key. The writer owns the segment "
                     "and is the only one to remove it; the reader only detaches (shmdt), "
                     "and when a call fails it reports the error and leaves the segment "
                     "alone.", when, KEY);
    return *o;
}

/* Copy the record out of segment ID, as the grader sees it. */
static struct record
grader_read(int id)
{
    struct record rec;
    void *p = grader_attach(id, true);

    memcpy(&rec, p, sizeof rec);
    shmdt(p);
    return rec;
}

/* Write N bytes of REC into segment ID, as a (possibly broken) writer. */
static void
grader_write(int id, const void *rec, size_t n)
{
    void *p = grader_attach(id, false);

    memcpy(p, rec, n);
    shmdt(p);
}

/* The permissions ("r--s") of PID's mapping of the segment with KEY, in
 * BUF; false if PID maps no such segment. */
static bool
mapping_perms(pid_t pid, key_t key, char buf[5])
{
    char path[64], name[32], *maps;
    bool found = false;

    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    snprintf(name, sizeof name, "/SYSV%08x", (unsigned)key);
    maps = read_file_tail(path, 1 << 20, NULL, NULL);
    for (char *line = maps; line && *line && !found; line = strchr(line, '\n'),
         line += !!line) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char *hit = memmem(line, len, name, strlen(name));

        if (hit != NULL && sscanf(line, "%*s %4s", buf) == 1)
            found = true;
    }
    free(maps);
    return found;
}

/* Explain why the reference reader could not read the student's record. */
static void
reference_reader_failed(const struct run *rr)
{
    const char *why = "";

    if (strstr(rr->res.err, "No such file or directory"))
        why = "Its shmget(KEY, 168, 0) found no segment with the key. If you removed the "
              "segment (IPC_RMID) before the reader attached, Linux keeps it alive for you, "
              "but hides its key (it becomes 0x00000000), so no reader can find it any "
              "more: remove it only after the signal, when you stop.";
    else if (strstr(rr->res.err, "Invalid argument"))
        why = "Its shmget(KEY, 168, 0) refused the segment as too small: create it with "
              "sizeof(struct record), 168 bytes (not the size of a pointer).";
    else if (strstr(rr->res.err, "record"))
        why = "The segment does not hold a complete record: fill in count, name and "
              "values, and set magic to RECORD_MAGIC last.";
    test_fail(rr, "The reference shmreader could not read your writer's record. %s", why);
}

/* The reader crashed: say the likely reason. */
static void
reader_crashed(const struct run *r)
{
    if (r->res.term_signal == SIGSEGV)
        test_fail(r, "`shmreader` crashed with SIGSEGV. Three usual causes: a write "
                     "through the read-only attachment (SHM_RDONLY makes any write fault), "
                     "using the pointer after shmdt(), or using (void *) -1 from a failed "
                     "shmat() as an address.");
    expect_finished(r);
}

/* ---- the tests ---- */

static void
writer_record(void)
{
    struct run w = RUN("shmwriter", KEY, KITCHEN);
    struct ipc_set now;
    struct ipc_obj seg = { 0 };
    struct record rec = { 0 };
    size_t n;

    /* Look while it is attached, stop it, then judge what was seen. */
    start_writer(&w);
    snapshot(&now);
    n = ipc_count(&now, IPC_KIND_SHM);
    if (n == 1) {
        seg = now.obj[0];
        rec = grader_read(seg.id);
    }
    run_stop_with(&w, SIGTERM);

    expect_ulong(&w, "While the writer was ready, the number of segments", n, 1,
                 "The writer makes exactly one segment, with shmget(), and keeps it until "
                 "it is told to stop.");
    if (seg.mode & SHM_DEST)
        test_fail(&w, "While your writer was ready, its segment was already marked for "
                      "removal (key 0x%08x, status \"dest\" in ipcs -m): you called "
                      "shmctl(IPC_RMID) before any reader attached. Linux keeps the "
                      "segment alive while it is attached, but hides its key, so "
                      "shmget(KEY, ...) in the reader fails with ENOENT. Remove it when "
                      "you stop, after the signal.", (unsigned)seg.key);
    expect_ulong(&w, "The segment's key", (unsigned)seg.key, KEY_NUM, "Create the segment "
                 "with the KEY from the command line.");
    expect_ulong(&w, "The segment's size (bytes)", seg.size, sizeof(struct record),
                 "Create it with sizeof(struct record): 168 bytes. sizeof of a pointer "
                 "(8) is a classic slip.");
    expect_mode(&w, "The segment's permission bits", seg.mode, 0600, "Create it with "
                "IPC_CREAT | IPC_EXCL | 0600.");
    expect_ulong(&w, "While the writer was ready, the segment's nattch", seg.count, 1,
                 "The writer attaches the segment once with shmat() and stays attached "
                 "until the signal; it detaches (shmdt) only when it stops.");
    expect_ulong(&w, "The segment's creator (shm_cpid)", (unsigned long)seg.cpid,
                 (unsigned long)w.res.pid, "The writer itself creates the segment.");
    expect_ulong(&w, "The last process to attach or detach (shm_lpid)",
                 (unsigned long)seg.lpid, (unsigned long)w.res.pid, "The writer attaches it "
                 "with shmat(), which sets shm_lpid and shm_atime.");
    expect_ulong(&w, "The record's magic number", rec.magic, RECORD_MAGIC, "Set "
                 "rec->magic = RECORD_MAGIC, last, through the pointer shmat() returned.");
    expect_ulong(&w, "The record's count", rec.count, 3, "count is the number of VALUE "
                 "arguments.");
    if (memchr(rec.name, '\0', sizeof rec.name) == NULL || strcmp(rec.name, "kitchen") != 0)
        test_fail(&w, "The record's name should be \"kitchen\", '\\0'-terminated, but it "
                      "is \"%.*s\". Copy NAME into rec->name with its '\\0'.",
                  (int)strnlen(rec.name, sizeof rec.name), rec.name);
    for (size_t i = 0; i < ARRAY_LEN(kitchen); i++)
        if (rec.values[i] != kitchen[i])
            test_fail(&w, "The record's values[%zu] should be %g but is %g. Store the "
                          "VALUE arguments as doubles, in order.", i, kitchen[i],
                      rec.values[i]);
    for (size_t i = ARRAY_LEN(kitchen); i < MAX_VALUES; i++)
        if (rec.values[i] != 0)
            test_fail(&w, "With 3 values, the record's values[%zu] should be left as the "
                      "new segment had it (0), but it is %g: your loop writes past the "
                      "last value. Copy values[0] to values[count - 1] only.", i,
                      rec.values[i]);
    expect_finished(&w);
    expect_ulong(&w, "The id your writer printed (\"shmid N\")",
                 (unsigned long)expect_field(&w, "shmid", "the id shmget() returned"),
                 (unsigned long)seg.id, "Print the id shmget() returned.");
}

static void
writer_removes(void)
{
    static const int sigs[] = { SIGTERM, SIGINT };

    for (size_t i = 0; i < ARRAY_LEN(sigs); i++) {
        struct run w = RUN("shmwriter", KEY, KITCHEN);
        struct ipc_set before = { 0 }, now;
        char situation[96];
        bool had_segment;

        start_writer(&w);
        snapshot(&now);
        had_segment = ipc_count(&now, IPC_KIND_SHM) > 0;
        run_stop_with(&w, sigs[i]);
        if (!had_segment)
            test_fail(&w, "While your writer was ready, there was no segment at all: "
                          "nothing to remove. Create it with shmget() first.");
        expect_finished(&w);
        if (w.res.exit_code != 0)
            test_fail(&w, "After SIG%s, `shmwriter` should detach, remove the segment and "
                          "exit with status 0, but it exited with status %d.",
                      sigabbrev_np(sigs[i]), w.res.exit_code);
        snprintf(situation, sizeof situation, "After it was stopped with SIG%s",
                 sigabbrev_np(sigs[i]));
        expect_no_new_objects(&before, &w, situation);
    }
}

static void
writer_to_reference_reader(void)
{
    struct run w = RUN("shmwriter", KEY, LONGEST, "0.5", "-1", "2.25", "3", "4.75", "-5",
                       "6", "7.5", "8", "9", "10.25", "11", "-12", "13", "14", "15.5");
    struct run rr = RUN("shmreader", KEY);
    const char *want = expected_output(LONGEST, full, ARRAY_LEN(full));
    unsigned char past[8];
    struct ipc_obj seg;
    unsigned char *p;

    rr.req.reference = true;
    start_writer(&w);
    run_program(&rr);
    expect_finished(&rr);
    if (rr.res.exit_code != 0)
        reference_reader_failed(&rr);
    expect_output(&rr, want, "The reference reader printed what it found in your record: "
                  "check count, name (all 31 characters of it: give snprintf() "
                  "sizeof(rec->name)) and values[] (all 16 of them).");
    /* The segment is 168 bytes, but the kernel maps whole pages: a value
     * written one past values[15] lands in the page, where a new segment
     * has zeros. */
    seg = segment_by_key(&w, "While your writer was ready");
    p = grader_attach(seg.id, true);
    memcpy(past, p + sizeof(struct record), sizeof past);
    shmdt(p);
    for (size_t i = 0; i < sizeof past; i++)
        if (past[i] != 0)
            test_fail(&w, "With 16 values, your writer wrote past the end of the record "
                          "(the 8 bytes after values[15] are not 0): the loop writes one "
                          "value too many. Copy values[0] to values[count - 1] only.");
    run_stop_with(&w, SIGTERM);
}

static void
reader_from_reference_writer(void)
{
    struct run w = RUN("shmwriter", KEY, LONGEST, "1", "2.5", "-0.125");
    struct run r = RUN("shmreader", KEY);
    const char *want = expected_output(LONGEST, hall, ARRAY_LEN(hall));
    struct ipc_obj seg;

    w.req.reference = true;
    start_writer(&w);
    run_program(&r);
    reader_crashed(&r);
    expect_success(&r);
    expect_output(&r, want, "Print the record from the segment: name, count, each value "
                  "with %g, and their sum.");
    seg = segment_by_key(&r, "After your reader ran");
    expect_ulong(&r, "After your reader exited, the segment's nattch", seg.count, 1,
                 "Only the writer should still be attached: the reader detaches "
                 "(shmdt) before it exits.");
    if (seg.lpid != r.res.pid)
        test_fail(&r, "Your reader never attached the segment: after it ran, the "
                      "segment's shm_lpid was still the writer's pid, and every shmat() and "
                      "shmdt() sets it to the caller's. Attach it with shmat().");
    expect_ulong(&r, "The record's magic number after your reader ran",
                 grader_read(seg.id).magic, RECORD_MAGIC, "The reader must not change the "
                 "record.");
    run_stop_with(&w, SIGTERM);
}

static void
reader_read_only(void)
{
    struct run w = RUN("shmwriter", KEY, HALL);
    struct run r = RUN("shmreader", "-w", KEY);
    struct ipc_obj during, after;
    char perms[5] = "";
    bool mapped;

    w.req.reference = true;
    r.req.timeout = 15;
    start_writer(&w);
    run_start_ready(&r, "sum ", READY_SECS, "with -w, the reader prints the record, then "
                    "stays attached until SIGINT or SIGTERM (the skeleton's "
                    "wait_for_stop()).");
    /* Look while it waits, stop it, then judge. */
    mapped = mapping_perms(r.res.pid, KEY_NUM, perms);
    during = segment_by_key(&r, "While your reader was attached");
    run_stop_with(&r, SIGTERM);
    if (!mapped)
        test_fail(&r, "While `shmreader -w` waited, it should have had the segment "
                      "attached, but its memory map (/proc/PID/maps) showed no mapping of "
                      "/SYSV%08x. Detach (shmdt) only after wait_for_stop().",
                  (unsigned)KEY_NUM);
    if (perms[1] != '-')
        test_fail(&r, "Your reader attached the segment for reading AND writing: its "
                      "mapping in /proc/PID/maps had the permissions \"%s\"; a read-only "
                      "attachment shows \"r--s\". Pass SHM_RDONLY to shmat(): a reader asks "
                      "only for read access, and a stray write then faults instead of "
                      "changing the writer's data.", perms);
    expect_ulong(&r, "While your reader was attached (and the writer), the segment's "
                 "nattch", during.count, 2, "Attach exactly once, with shmat().");
    expect_success(&r);
    after = segment_by_key(&r, "After your reader stopped");
    expect_ulong(&r, "After your reader stopped, the segment's nattch", after.count, 1,
                 "The reader detaches with shmdt() when it stops; only the writer stays.");
    run_stop_with(&w, SIGTERM);
}

static void
reader_checks_record(void)
{
    static const struct {
        const char *what;
        uint32_t magic, count;
        const char *name;       /* NULL: 32 bytes of 'x', no '\0' */
    } cases[] = {
        { "an empty segment (a writer that has not written its record yet: magic 0)",
          0, 0, "" },
        { "a record without its magic number (a writer still writing: count and name "
          "are there, magic is still 0)", 0, 2, "x" },
        { "a record whose count is 1000, far above MAX_VALUES (16)", RECORD_MAGIC, 1000,
          "broken" },
        { "a record whose name fills all 32 bytes, with no '\\0'", RECORD_MAGIC, 2, NULL },
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct run r = RUN("shmreader", KEY);
        struct record rec;
        int id = grader_segment(KEY_NUM, sizeof rec, 0600);

        memset(&rec, 0, sizeof rec);
        rec.magic = cases[i].magic;
        rec.count = cases[i].count;
        if (cases[i].name == NULL)
            memset(rec.name, 'x', sizeof rec.name);
        else
            strcpy(rec.name, cases[i].name);
        for (size_t v = 0; v < MAX_VALUES; v++)
            rec.values[v] = (double)v;
        grader_write(id, &rec, sizeof rec);
        run_program(&r);
        if (r.res.term_signal == SIGSEGV)
            test_fail(&r, "Given %s, `shmreader` crashed with SIGSEGV: it read past the "
                          "end of the record and of the segment (or wrote into its "
                          "read-only attachment). Check the record before you use it.",
                      cases[i].what);
        expect_finished(&r);
        if (r.res.exit_code == 0)
            test_fail(&r, "Given %s, `shmreader` printed it and exited with status 0. "
                          "Never trust what is in shared memory: check magic, that count "
                          "is between 1 and %d, and that name holds a '\\0', and call "
                          "fatal() when one is wrong (exit status 1).", cases[i].what,
                      MAX_VALUES);
        expect_no_field(&r, "sum", "the record is not valid, so nothing should be summed.");
        if (expect_object(&r, IPC_KIND_SHM, id, "the grader's segment").lpid != r.res.pid)
            test_fail(&r, "Your reader refused the record without ever attaching the "
                          "segment: the segment's shm_lpid is not your reader's pid, and "
                          "every shmat() and shmdt() sets it to the caller's. Attach it "
                          "(shmat) and judge the record you find there.");
        grader_remove(IPC_KIND_SHM, id);
    }
}

static void
reader_small_segment(void)
{
    /* 8 bytes, and one byte short: a size of sizeof(struct record) - 1 in
     * shmget() would take the second. */
    static const size_t sizes[] = { 8, sizeof(struct record) - 1 };

    for (size_t i = 0; i < ARRAY_LEN(sizes); i++) {
        struct run r = RUN("shmreader", KEY);
        struct record rec = { .magic = RECORD_MAGIC, .count = 1, .name = "short" };
        int id = grader_segment(KEY_NUM, sizes[i], 0600);

        grader_write(id, &rec, sizes[i]);
        run_program(&r);
        reader_crashed(&r);
        expect_error_exit(&r, test_strf("When the segment with the key has only %zu bytes, "
                                        "too few for a record of %zu", sizes[i],
                                        sizeof(struct record)));
        expect_stderr_has(&r, "Invalid argument", "Open the segment with shmget(key, "
                          "sizeof(struct record), 0): the kernel then refuses a segment too "
                          "small for the record (EINVAL), instead of letting you read past "
                          "its end.");
        grader_remove(IPC_KIND_SHM, id);
    }
}

static void
reader_missing(void)
{
    struct run r = RUN("shmreader", KEY);
    struct ipc_set before;

    snapshot(&before);
    run_program(&r);
    reader_crashed(&r);
    expect_no_new_objects(&before, &r, "The reader must never create a segment (no "
                          "IPC_CREAT), but when no writer was running");
    expect_error_exit(&r, "When no segment has the key");
    expect_stderr_has(&r, "No such file or directory", "Without IPC_CREAT, shmget() fails "
                      "with ENOENT when no writer made the segment; report it with "
                      "err_exit(\"shmget\").");
}

static void
attach_fails(void)
{
    struct run w = RUN("shmwriter", KEY, KITCHEN);
    struct run cleanup = RUN("shmwriter", "0x4b1d0333", KITCHEN);
    struct run wr = RUN("shmwriter", KEY, HALL);
    struct run r = RUN("shmreader", KEY);
    struct ipc_set before;

    snapshot(&before);
    w.req.fault = "shmat:ENOMEM";
    run_start(&w);
    if (run_wait_output(&w, "ready", READY_SECS)) {
        run_stop_with(&w, SIGTERM);
        test_fail(&w, "The grader made shmat() fail, yet your writer printed \"ready\" as "
                      "if its record were in the segment. Check shmat()'s result: on "
                      "failure it returns (void *) -1.");
    }
    run_wait(&w);
    if (w.res.term_signal == SIGSEGV)
        test_fail(&w, "When shmat() fails, your writer crashed with SIGSEGV: shmat() "
                      "returns (void *) -1 on failure, not NULL, so compare with "
                      "(void *) -1 before you use the pointer.");
    expect_error_exit(&w, "When shmat() fails with ENOMEM");
    expect_stderr_has(&w, "Cannot allocate memory", "Report the failure with "
                      "err_msg(\"shmat\") or err_exit(\"shmat\").");
    expect_no_new_objects(&before, &w, "When shmat() failed, the writer should remove the "
                          "segment it had just created (shmctl(IPC_RMID)) before exiting; "
                          "instead, after it ran");
    /* Its clean-up failing too is reported, not ignored. */
    cleanup.req.fault = "shmat:ENOMEM,shmctl:EPERM";
    run_program(&cleanup);
    expect_error_exit(&cleanup, "When shmat() fails, and then the clean-up's "
                      "shmctl(IPC_RMID) too");
    expect_stderr_has(&cleanup, "Operation not permitted", "Check the clean-up's "
                      "shmctl(IPC_RMID) too: when it fails the segment stays, so say so "
                      "with err_msg(\"shmctl(IPC_RMID)\") before you exit.");

    wr.req.reference = true;
    start_writer(&wr);
    r.req.fault = "shmat:EACCES";
    run_program(&r);
    if (r.res.term_signal == SIGSEGV)
        test_fail(&r, "When shmat() fails, your reader crashed with SIGSEGV: shmat() "
                      "returns (void *) -1 on failure, not NULL, so compare with "
                      "(void *) -1 before you use the pointer.");
    expect_error_exit(&r, "When shmat() fails with EACCES");
    expect_stderr_has(&r, "Permission denied", "Report the failure with "
                      "err_exit(\"shmat\").");
    expect_no_field(&r, "name", "shmat() failed, so there is no record to print.");
    run_stop_with(&wr, SIGTERM);
}

static void
detach_checked(void)
{
    struct run wr = RUN("shmwriter", KEY, HALL);
    struct run r = RUN("shmreader", KEY);
    struct run w = RUN("shmwriter", KEY, KITCHEN);
    struct run x = RUN("shmwriter", KEY, KITCHEN);

    wr.req.reference = true;
    start_writer(&wr);
    r.req.fault = "shmdt:EINVAL";
    run_program(&r);
    reader_crashed(&r);
    if (r.res.exit_code == 0)
        test_fail(&r, "The grader made shmdt() fail, yet your reader exited with status 0: "
                      "either it never calls shmdt() (exit() would detach it, but a "
                      "program that forgets shmdt() keeps every segment it used mapped "
                      "until it ends), or it ignores shmdt()'s result. Call shmdt(shared) "
                      "and err_exit(\"shmdt\") when it returns -1.");
    expect_stderr_has(&r, "shmdt", "Report the failure with err_exit(\"shmdt\").");
    /* Two orders are right: print, then detach (the record is out before
     * shmdt() fails), or copy, detach, then print (the failing shmdt()
     * stops the reader before it prints anything). */
    if (*run_stdout(&r) != '\0')
        expect_output(&r, expected_output("hall", hall, ARRAY_LEN(hall)), "With shmdt() "
                      "made to fail, your reader may print the whole record (if it prints "
                      "before it detaches) or nothing (if it copies the record, detaches, "
                      "and stops at the failing shmdt() before printing), but not part of "
                      "it: print the record from your copy, in one go.");
    run_stop_with(&wr, SIGTERM);

    w.req.fault = "shmdt:EINVAL";
    start_writer(&w);
    run_stop_with(&w, SIGTERM);
    expect_finished(&w);
    if (w.res.exit_code == 0)
        test_fail(&w, "The grader made shmdt() fail, yet your writer exited with status 0: "
                      "either it never calls shmdt(), or it ignores its result. After the "
                      "signal, call shmdt(rec) and err_exit(\"shmdt\") when it returns -1.");
    expect_stderr_has(&w, "shmdt", "Report the failure with err_exit(\"shmdt\").");

    /* And the writer's last call, IPC_RMID. */
    x.req.fault = "shmctl:EPERM";
    start_writer(&x);
    run_stop_with(&x, SIGTERM);
    expect_finished(&x);
    expect_error_exit(&x, "When the writer's shmctl(IPC_RMID) fails with EPERM");
    expect_stderr_has(&x, "Operation not permitted", "Check shmctl()'s result: -1 means the "
                      "segment is still there; report it with err_exit(\"shmctl(IPC_RMID)\").");
}

static void
reader_leaves_segment(void)
{
    static const struct { const char *fault, *when; } cases[] = {
        { "shmat:EACCES", "After your reader's shmat() failed (EACCES)" },
        { "shmdt:EINVAL", "After your reader's shmdt() failed (EINVAL)" },
    };
    struct run w = RUN("shmwriter", KEY, HALL);

    w.req.reference = true;
    start_writer(&w);
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct run r = RUN("shmreader", KEY);

        r.req.fault = cases[i].fault;
        run_program(&r);
        reader_crashed(&r);
        /* With shmdt() failing, the kernel detaches at exit: shm_lpid is
         * the reader's if it attached at all, and got to shmdt(). */
        if (segment_by_key(&r, cases[i].when).lpid != r.res.pid && i == 1)
            test_fail(&r, "Your reader never attached the segment: after it ran, the "
                          "segment's shm_lpid was still the writer's pid, and every shmat() "
                          "and shmdt() sets it to the caller's. So it never got to the "
                          "shmdt() this test makes fail. Attach it with shmat().");
    }
    run_stop_with(&w, SIGTERM);
}

static void
valgrind_clean(void)
{
    struct run w = RUN("shmwriter", KEY, FULL);
    struct run r = RUN("shmreader", KEY);
    const char *want = expected_output("cellar", full, ARRAY_LEN(full));
    struct ipc_set before = { 0 };

    w.req.valgrind = true;
    r.req.valgrind = true;
    start_writer(&w);
    run_program(&r);
    expect_valgrind_clean(&r);      /* first: it explains a crash at its line */
    reader_crashed(&r);
    expect_success(&r);
    expect_output(&r, want, "Under Valgrind your reader printed another record than "
                  "your writer wrote.");
    run_stop_with(&w, SIGTERM);
    expect_valgrind_clean(&w);
    expect_success(&w);
    expect_no_new_objects(&before, &w, "After your writer stopped (under Valgrind)");
}

static void
bad_usage(void)
{
    static const char *const writer_cases[][4] = {
        { NULL }, { KEY }, { KEY, "kitchen" }, { KEY, "kitchen", "warm" },
        { KEY, "kitchen", "1.5x" }, { "private", "kitchen", "1" }, { "0", "kitchen", "1" },
        { KEY, "a-name-of-thirty-two-characters!", "1" }, { KEY, "", "1" },
        { "+1234", "kitchen", "1" },
    };
    static const char *const reader_cases[][3] = {
        { NULL }, { KEY, KEY }, { "-x", KEY }, { "-w" }, { "nokey" }, { "+1234" },
    };
    struct run many = RUN("shmwriter", KEY, "n", "1", "2", "3", "4", "5", "6", "7", "8", "9",
                          "10", "11", "12", "13", "14", "15", "16", "17");
    struct ipc_set before;

    snapshot(&before);
    for (size_t i = 0; i <= ARRAY_LEN(writer_cases); i++) {
        struct run r = i < ARRAY_LEN(writer_cases) ?
                       RUN("shmwriter", writer_cases[i][0], writer_cases[i][1],
                           writer_cases[i][2], writer_cases[i][3]) : many;

        run_start(&r);
        if (run_wait_output(&r, "ready", READY_SECS)) {
            run_stop_with(&r, SIGTERM);
            test_fail(&r, "`shmwriter` accepted a wrong command line: it published a "
                          "record and waited, where it should print a usage message and "
                          "exit with status 2.");
        }
        run_wait(&r);
        expect_usage_error(&r);
    }
    for (size_t i = 0; i < ARRAY_LEN(reader_cases); i++) {
        struct run r = RUN("shmreader", reader_cases[i][0], reader_cases[i][1],
                           reader_cases[i][2]);

        run_program(&r);
        expect_usage_error(&r);
    }
    expect_no_new_objects(&before, NULL, "A wrong command line must create nothing, but");
}

static void
writer_existing_key(void)
{
    struct run w = RUN("shmwriter", KEY, KITCHEN);
    int id = grader_segment(KEY_NUM, 4096, 0600);
    struct ipc_set before;
    struct ipc_obj seg;

    snapshot(&before);
    run_start(&w);
    if (run_wait_output(&w, "ready", READY_SECS))
        run_stop_with(&w, SIGTERM);
    else
        run_wait(&w);
    expect_error_exit(&w, "When a segment with the key already exists (left by an earlier "
                      "run, say)");
    expect_stderr_has(&w, "File exists", "Create with IPC_CREAT | IPC_EXCL, so that shmget() "
                      "fails with EEXIST instead of handing you the old segment; report it "
                      "with err_exit(\"shmget\").");
    seg = expect_object(&w, IPC_KIND_SHM, id, "the grader's own segment must still be there");
    expect_ulong(&w, "The existing segment's size", seg.size, 4096, "A writer that fails "
                 "must leave the existing segment alone.");
    expect_no_new_objects(&before, &w, "When the key was taken");
}

static const struct test_def tests[] = {
    { "writer_record", "the writer's segment and record, while it is attached", 3,
      writer_record, "shmget(key, sizeof(struct record), IPC_CREAT | IPC_EXCL | 0600), "
      "shmat(shmid, NULL, 0), then fill the record through the pointer.", NULL,
      "shmat()\" and \"Using the memory" },
    { "writer_removes", "on SIGTERM or SIGINT the writer detaches, removes the segment, "
      "exits 0", 2, writer_removes, "after wait_for_stop(): shmdt(rec), then "
      "shmctl(shmid, IPC_RMID, NULL).", NULL, "shmdt()" },
    { "writer_to_reference_reader", "the reference reader reads your writer's record", 2,
      writer_to_reference_reader, "the record's layout is fixed by the statement; keep "
      "the segment and its key until the signal.", NULL,
      "Removing a segment that is still attached" },
    { "reader_from_reference_writer", "your reader prints the reference writer's record", 3,
      reader_from_reference_writer, "shmget(key, sizeof(struct record), 0), "
      "shmat(shmid, NULL, SHM_RDONLY), read, shmdt().", NULL, "Attaching read-only" },
    { "reader_read_only", "your reader attaches read-only (SHM_RDONLY) and detaches", 2,
      reader_read_only, "pass SHM_RDONLY to shmat(); /proc/PID/maps then shows r--s.", NULL,
      "Attaching read-only" },
    { "reader_checks_record", "your reader refuses a broken record without reading past it",
      2, reader_checks_record, "check magic, count (1 to MAX_VALUES) and name's '\\0' "
      "before printing.", NULL, "Common mistakes" },
    { "reader_small_segment", "your reader refuses a segment too small for a record", 1,
      reader_small_segment, "open with shmget(key, sizeof(struct record), 0): the size is a "
      "minimum the kernel checks. See chapters/02-shmget.md, \"Opening a segment\".", NULL,
      NULL },
    { "reader_missing", "without a writer, your reader fails with ENOENT and creates nothing",
      1, reader_missing, "no IPC_CREAT in the reader.", NULL, "Common mistakes" },
    { "attach_fails", "a failing shmat() is reported, and the writer cleans up", 2,
      attach_fails, "shmat() returns (void *) -1 on failure, not NULL.", NULL, "Errors" },
    { "detach_checked", "both programs call shmdt() and check it, the writer IPC_RMID too",
      1, detach_checked,
      "shmdt(addr) returns -1 on failure; err_exit(\"shmdt\"). The reader may print "
      "before it detaches, or copy the record, detach, then print.", NULL, "shmdt()" },
    { "reader_leaves_segment", "your reader leaves the writer's segment alone when a call "
      "fails", 1, reader_leaves_segment, "the writer owns the segment: on an error the "
      "reader reports it with err_exit() and never calls shmctl(IPC_RMID).", NULL,
      "Removing a segment that is still attached" },
    { "valgrind_clean", "writer and reader run clean under Valgrind", 2, valgrind_clean,
      "no use of the pointer after shmdt(), free what you allocate. Try: valgrind "
      "./shmreader 0x4b1d0003", NULL, NULL },
    { "bad_usage", "both programs reject a wrong command line with a usage message", 1,
      bad_usage, "the skeletons' argument parsing does this; keep usage_err() for bad "
      "input.", NULL, NULL },
    { "writer_existing_key", "the writer refuses a key that is taken (EEXIST)", 1,
      writer_existing_key, "IPC_CREAT | IPC_EXCL: never write into someone else's "
      "segment. See chapters/02-shmget.md, \"Flags and permissions\".", NULL, NULL },
};

const struct exercise exercise_shmat = {
    .id = "shmat",
    .title = "Attaching shared memory: shmat() and shmdt()",
    .chapter = CHAPTER,
    .programs = programs,
    .tests = tests,
    .ntests = ARRAY_LEN(tests),
};
