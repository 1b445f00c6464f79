/* dispatcher.c: project 2, `dispatcher` (chapters/08a-project-dispatcher.md).
 * The student writes a job service on System V message queues (protocol:
 * exercises/include/dispatcher.h): `dispatcher` owns the queue of KEY and
 * hands jobs to workers by type and priority; `worker` takes one job at a
 * time and sends its result back; `submit` sends one job and prints its
 * result. Clients and workers get their answers on private queues of their
 * own.
 *
 * The tests judge behaviour only: what each program prints, what it sends
 * and receives, and what the kernel shows (the queues there are, their
 * keys and modes, what is left in them). The student's dispatcher is tested
 * with the reference worker and submit (and the grader's own messages, for
 * a crashed predecessor's queue); the student's worker and submit with the
 * grader playing the dispatcher, message by message; and one test runs the
 * three student programs together. The traps of TLPI 46.8 each have a test:
 * a worker that dies mid-job (its job is redone once the lease, `-l`, ends),
 * a client that goes away (its result is dropped, nothing stays behind), a
 * queue left by a crashed dispatcher (removed, never reused). */
#define _GNU_SOURCE
#include "suite.h"
#include "../../exercises/include/dispatcher.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CHAPTER "chapters/08a-project-dispatcher.md"
#define KEY     "0x4b1d0008"
#define KEY_NUM 0x4b1d0008
#define WAIT    5.0             /* seconds to wait for something that takes ms */
#define LEASE   "300"           /* ms: the short lease of the tests about leases */
#define READY_MUST "it must make the queue of KEY (mode 0600), print that line and serve " \
                   "until SIGTERM"

static const char *const programs[] = { "dispatcher", "worker", "submit", NULL };

/* ---- the grader's own end of a queue ---- */

/* Take the first message of type `type` from qid without waiting, into m
 * (its first DMSG_SIZE bytes of payload): its payload size, whatever it
 * is, or -1 when there is none (or no queue). */
static ssize_t
take(int qid, long type, struct dmsg *m)
{
    struct { long mtype; char mtext[8192]; } any;
    ssize_t n = msgrcv(qid, &any, sizeof any.mtext, type, IPC_NOWAIT);

    memset(m, 0, sizeof *m);
    if (n == -1 && errno != ENOMSG && errno != EINVAL && errno != EIDRM)
        test_error("The grader could not read a queue: %s", strerror(errno));
    if (n >= 0)
        memcpy(m, &any, sizeof m->mtype + ((size_t)n < DMSG_SIZE ? (size_t)n : DMSG_SIZE));
    return n;
}

static void
put(int qid, long mtype, long job_id, int reply_qid, int type, int prio, const char *text)
{
    struct dmsg m;

    memset(&m, 0, sizeof m);
    m.mtype = mtype;
    m.job_id = job_id;
    m.reply_qid = reply_qid;
    m.job_type = (short)type;
    m.priority = (short)prio;
    snprintf(m.text, sizeof m.text, "%s", text);
    if (msgsnd(qid, &m, DMSG_SIZE, IPC_NOWAIT) == -1) {
        if (errno == EINVAL || errno == EIDRM)
            test_fail(NULL, "A queue the test still used (id %d) was removed by a program: "
                            "a program removes only its own queue.", qid);
        test_error("The grader could not send a message: %s", strerror(errno));
    }
}

struct awaited {
    int qid;
    long type;
    struct dmsg m;
    ssize_t n;
};

static bool
took(void *p)
{
    struct awaited *a = p;

    return (a->n = take(a->qid, a->type, &a->m)) >= 0;
}

/* Wait until r has put a message of type `type` in qid (the grader plays
 * the other end), take it into m and check its size. what names it. */
static void
await_msg(struct run *r, int qid, long type, struct dmsg *m, const char *what)
{
    struct awaited a = { .qid = qid, .type = type };
    struct watch w = { .done = took, .ctx = &a };

    switch (run_watch(r, &w, WAIT)) {
    case WATCH_DONE:
        break;
    case WATCH_EXITED:
        run_wait(r);
        test_fail(r, "The program exited without sending %s (a message of type %ld).", what,
                  type);
    default:
        run_fail_halt(r, "No %s (a message of type %ld) came within %.0f s.", what, type,
                      WAIT);
    }
    if ((size_t)a.n != DMSG_SIZE)
        run_fail_halt(r, "The %s has %zd bytes of payload; every message of the protocol has "
                         "DMSG_SIZE (%zu): msgsz counts everything after mtype, not "
                         "sizeof(struct dmsg).", what, a.n, DMSG_SIZE);
    *m = a.m;
}

/* A private queue the program named in reply_qid must exist, with key
 * IPC_PRIVATE and mode 0600. */
static void
expect_private_queue(struct run *r, int qid, const char *whose)
{
    struct msqid_ds ds;

    if (msgctl(qid, IPC_STAT, &ds) == -1)
        run_fail_halt(r, "The reply_qid of %s, %d, is no queue: name your own queue, made "
                         "with msgget(IPC_PRIVATE, IPC_CREAT | 0600).", whose, qid);
    if (ds.msg_perm.__key != IPC_PRIVATE || (ds.msg_perm.mode & 0777) != 0600)
        run_fail_halt(r, "The queue of %s has key 0x%08x and mode %03o; it should be a private "
                         "queue (IPC_PRIVATE) with mode 600: no one else may open it by key, "
                         "read its messages or forge them.", whose, (unsigned)ds.msg_perm.__key,
                      ds.msg_perm.mode & 0777);
}

/* How many queues the test's namespace holds, and the one of KEY. */
static size_t
queues(void)
{
    struct ipc_set s;

    snapshot(&s);
    return ipc_count(&s, IPC_KIND_MSG);
}

/* ---- runs ---- */

static struct run
dispatcher(const char *lease, bool reference)
{
    struct run d = lease ? RUN("dispatcher", "-l", lease, KEY) : RUN("dispatcher", KEY);

    d.req.reference = reference;
    d.req.out_lines = 40;
    return d;
}

static struct run
worker(int type, const char *delay, bool reference)
{
    struct run w = delay ? RUN("worker", "-t", test_strf("%d", type), "-d", delay, KEY)
                         : RUN("worker", "-t", test_strf("%d", type), KEY);

    w.req.reference = reference;
    return w;
}

static struct run
submit(int prio, int type, const char *text, bool reference)
{
    struct run s = RUN("submit", "-p", test_strf("%d", prio), "-t", test_strf("%d", type),
                       KEY, text);

    s.req.reference = reference;
    s.req.timeout = 3 * WAIT;
    return s;
}

/* Start a dispatcher and return the id of its queue, checked against its
 * ready line. */
static int
start_dispatcher(struct run *d)
{
    int qid;

    server_start(d, "ready msqid", "ready msqid N", READY_MUST);
    qid = msgget(KEY_NUM, 0);
    if (qid == -1)
        run_fail_halt(d, "The dispatcher printed \"ready\", but no queue has key %s: it must "
                         "make it with msgget(key, IPC_CREAT | IPC_EXCL | 0600).", KEY);
    if (!run_wait_output(d, test_strf("ready msqid %d\n", qid), 1))
        run_fail_halt(d, "The dispatcher's line should be \"ready msqid %d\": the id of the "
                         "queue of key %s.", qid, KEY);
    return qid;
}

/* r must print line (a whole line) within WAIT; what explains it. */
static void
expect_line(struct run *r, const char *line, const char *what)
{
    if (!run_wait_output(r, test_strf("%s\n", line), WAIT))
        run_fail_halt(r, "The line \"%s\" never came: %s", line, what);
}

/* How many times the whole line `line` is in text. */
static int
count_line(const char *text, const char *line)
{
    size_t len = strlen(line);
    int n = 0;

    for (const char *p = text; (p = strstr(p, line)) != NULL; p += len)
        if ((p == text || p[-1] == '\n') && p[len] == '\n')
            n++;
    return n;
}

/* A client run that must have printed "job N" (any N) and "result N TEXT"
 * and exited 0. */
static void
expect_result(struct run *c, const char *text)
{
    const char *p;
    long id;
    int used = 0;

    run_wait(c);
    if (c->res.timed_out)
        test_fail(c, "The client got no result: no MSG_DONE came to its queue.");
    expect_success(c);
    p = strstr(c->res.out, "job ");
    if (p == NULL || sscanf(p, "job %ld%n", &id, &used) < 1)
        test_fail(c, "The client should print \"job N\", but it did not.");
    if (!strstr(c->res.out, test_strf("result %ld %s\n", id, text)))
        test_fail(c, "The client should print \"result %ld %s\": the result of its own job.",
                  id, text);
}

/* Wait until a client that printed "job N" sleeps in msgrcv() for its
 * result: a signal then interrupts the wait itself. */
static void
client_asleep(struct run *c)
{
    if (!run_wait_output(c, "job ", WAIT) || !run_wait_asleep_in(c, SYS_msgrcv, NULL, WAIT))
        run_fail_halt(c, "The client should print \"job N\" and wait in msgrcv() for its "
                         "result.");
}

/* ---- the dispatcher ---- */

static void
dispatcher_ready(void)
{
    struct run d = dispatcher(NULL, false);
    int qid = start_dispatcher(&d);
    struct msqid_ds ds;

    need_namespace_alone(IPC_KIND_MSG);
    if (msgctl(qid, IPC_STAT, &ds) == -1)
        test_error("IPC_STAT: %s", strerror(errno));
    if ((ds.msg_perm.mode & 0777) != 0600)
        run_fail_halt(&d, "The dispatcher's queue has mode %03o; it should be 600: anyone could "
                          "read the jobs or forge results in a queue others can write.",
                      ds.msg_perm.mode & 0777);
    if (queues() != 1)
        run_fail_halt(&d, "The dispatcher alone should make one queue, but there are %zu.",
                      queues());
    server_stop(&d, SIGTERM, "After SIGTERM the dispatcher went on: its handler must set a "
                "flag, which the loop checks when msgrcv() fails with EINTR.");
    if (object_exists(IPC_KIND_MSG, qid))
        test_fail(&d, "The dispatcher exited but left its queue (id %d): remove it with "
                      "msgctl(qid, IPC_RMID, NULL) before exiting.", qid);
}

static void
dispatcher_job(void)
{
    struct run d = dispatcher(NULL, false);
    struct run w = worker(1, NULL, true);
    struct run c = submit(7, 1, "hello", true);

    start_dispatcher(&d);
    run_start(&c);
    expect_line(&d, "queued 1 1 7", "a job accepted is logged \"queued ID TYPE PRIO\", and "
                "the first job's id is 1.");
    run_start(&w);
    expect_result(&c, "HELLO");
    expect_line(&d, "sent 1", "a job sent to a worker is logged \"sent ID\".");
    expect_line(&d, "done 1", "a result passed to its client is logged \"done ID\".");
    server_end(&d, SIGTERM);
}

/* The worker's log has "took ID " lines in this order (others may come
 * between). */
static void
expect_took_order(struct run *d, struct run *w, const int *order, size_t n, const char *why)
{
    const char *out = run_stdout(w), *at = out;

    for (size_t i = 0; i < n; i++) {
        const char *next = strstr(at, test_strf("took %d ", order[i]));

        if (next == NULL) {
            struct strbuf sb = { 0 };

            for (size_t j = 0; j < n; j++)
                sb_addf(&sb, "%s%d", j ? ", " : "", order[j]);
            test_fail(d, "The worker took the waiting jobs in the wrong order. Its output:\n"
                         "%s\nThe order should be jobs %s: %s", out, sb_str(&sb), why);
        }
        at = next + 1;
    }
}

static void
dispatcher_priority(void)
{
    static const struct { int prio; const char *text, *upper; } jobs[] = {
        { 1, "one", "ONE" }, { 9, "two", "TWO" }, { 5, "three", "THREE" },
        { 9, "four", "FOUR" }, { 1, "five", "FIVE" },
    };
    static const int order[] = { 2, 4, 3, 1, 5 };
    struct run d = dispatcher(NULL, false), w = worker(1, NULL, true), c[5];

    start_dispatcher(&d);
    for (size_t i = 0; i < 5; i++) {
        c[i] = submit(jobs[i].prio, 1, jobs[i].text, true);
        run_start(&c[i]);
        expect_line(&d, test_strf("queued %zu 1 %d", i + 1, jobs[i].prio),
                    "each job accepted is logged \"queued ID TYPE PRIO\", ids 1, 2, 3...");
    }
    run_start(&w);
    for (size_t i = 0; i < 5; i++)
        expect_result(&c[i], jobs[i].upper);
    expect_took_order(&d, &w, order, 5, "the highest priority first, and among equal "
                      "priorities the oldest job.");
    server_end(&d, SIGTERM);
}

static void
dispatcher_types(void)
{
    struct run d = dispatcher(NULL, false), w2 = worker(2, NULL, true);
    struct run w1 = worker(1, NULL, true);
    struct run c1 = submit(5, 1, "first", true), c2 = submit(5, 2, "second", true);

    start_dispatcher(&d);
    run_start(&w2);
    if (!run_wait_output(&w2, "ready\n", WAIT))
        test_error("The reference worker did not start.");
    run_start(&c1);
    expect_line(&d, "queued 1 1 5", "each job accepted is logged \"queued ID TYPE PRIO\".");
    run_start(&c2);
    expect_result(&c2, "SECOND");
    if (strstr(run_stdout(&w2), "took 1 "))
        test_fail(&d, "A worker of type 2 was sent job 1, of type 1: a worker takes only jobs "
                      "of its own type.");
    if (!run_alive(&c1))
        test_fail(&c1, "The client of the job of type 1 ended while no worker of type 1 ran.");
    run_start(&w1);
    expect_result(&c1, "FIRST");
    server_end(&d, SIGTERM);
}

static void
dispatcher_worker_dies(void)
{
    struct run d = dispatcher(LEASE, false);
    struct run a = worker(1, "60000", true), b = worker(1, NULL, true);
    struct run c = submit(5, 1, "again", true);

    start_dispatcher(&d);
    run_start(&a);
    run_start(&c);
    if (!run_wait_output(&a, "took 1 again\n", WAIT))
        run_fail_halt(&d, "The only worker never got job 1 (the reference worker prints "
                          "\"took 1 again\"): a waiting worker of the job's type gets it.");
    run_stop(&a);                   /* SIGKILL, in the middle of the job */
    run_start(&b);
    expect_result(&c, "AGAIN");
    if (!strstr(run_stdout(&b), "took 1 again\n"))
        test_fail(&b, "The second worker never took job 1, yet the client got a result.");
    expect_line(&d, "requeued 1", "a job whose worker sends no result within the lease is "
                "logged \"requeued ID\" and sent again.");
    server_end(&d, SIGTERM);
}

static void
dispatcher_client_gone(void)
{
    struct run d = dispatcher(NULL, false), w = worker(1, NULL, true);
    struct run c = submit(5, 1, "nobody", true), c2 = submit(5, 1, "later", true);
    int qid;

    need_namespace_alone(IPC_KIND_MSG);
    qid = start_dispatcher(&d);
    run_start(&c);
    expect_line(&d, "queued 1 1 5", "each job accepted is logged \"queued ID TYPE PRIO\".");
    client_asleep(&c);
    run_stop_with(&c, SIGTERM);     /* the client goes, and removes its queue */
    run_start(&w);
    expect_line(&d, "dropped 1", "a result whose client has gone (its queue removed: msgsnd() "
                "fails with EIDRM or EINVAL) is dropped and logged \"dropped ID\"; the "
                "dispatcher goes on.");
    run_start(&c2);
    expect_result(&c2, "LATER");
    server_end(&w, SIGTERM);
    if (queues() != 1 || msgctl(qid, IPC_STAT, &(struct msqid_ds){ 0 }) == -1)
        run_fail_halt(&d, "Once the clients and the worker are gone, only the dispatcher's "
                          "queue should be left; there are %zu queues.", queues());
    server_end(&d, SIGTERM);
}

/* A client whose queue is full: the grader's own, one message long and
 * holding one. Answering it must not stop the service. */
static void
dispatcher_full_client(void)
{
    struct run d = dispatcher(NULL, false), w = worker(1, NULL, true);
    struct run c = submit(5, 1, "free", true);
    int full = msgget(IPC_PRIVATE, IPC_CREAT | 0600), qid;
    struct msqid_ds ds;

    if (full == -1 || msgctl(full, IPC_STAT, &ds) == -1)
        test_error("The grader could not make its queue: %s", strerror(errno));
    ds.msg_qbytes = DMSG_SIZE;
    if (msgctl(full, IPC_SET, &ds) == -1)
        test_error("The grader could not lower msg_qbytes: %s", strerror(errno));
    put(full, 77, 0, 0, 0, 0, "filler");
    qid = start_dispatcher(&d);
    put(qid, MSG_SUBMIT, 0, full, 1, 5, "stuck");
    run_start(&w);
    run_start(&c);
    run_wait(&c);
    if (c.res.timed_out)
        run_fail_halt(&d, "A client whose queue was full (no room for MSG_ACCEPTED) stopped the "
                          "service: the next client got no result. The dispatcher must never "
                          "wait to send to a client's or a worker's queue (IPC_NOWAIT; on "
                          "EAGAIN, drop the answer).");
    expect_result(&c, "FREE");
    server_end(&d, SIGTERM);
}

/* A crashed dispatcher's queue, as the grader leaves it: a job submitted
 * (its answers due on the grader's private queue) and a result. */
static void
dispatcher_restart(void)
{
    struct run d = dispatcher(NULL, false), w = worker(1, NULL, true);
    struct run c = submit(5, 1, "fresh", true);
    int old = grader_queue(KEY_NUM, 0600);
    int mine = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    struct dmsg m;
    int qid;

    if (mine == -1)
        test_error("msgget: %s", strerror(errno));
    put(old, MSG_SUBMIT, 0, mine, 1, 5, "stale");
    put(old, MSG_RESULT, 1, mine, 1, 5, "STALE");
    qid = start_dispatcher(&d);
    if (qid == old)
        run_fail_halt(&d, "The dispatcher went on with the queue a crashed dispatcher left (id "
                          "%d), and its stale messages: remove it and make a new one "
                          "(IPC_CREAT | IPC_EXCL fails with EEXIST: msgctl IPC_RMID, then "
                          "again). Old clients then see EIDRM instead of talking to a server "
                          "that never heard of them.", old);
    if (object_exists(IPC_KIND_MSG, old))
        run_fail_halt(&d, "The queue a crashed dispatcher left (id %d) is still there: remove "
                          "it, or clients of the old dispatcher wait forever.", old);
    run_start(&w);
    run_start(&c);
    expect_result(&c, "FRESH");
    if (take(mine, 0, &m) >= 0)
        test_fail(&d, "The stale job of the crashed dispatcher got an answer (a message of "
                      "type %ld): its messages must never be read.", m.mtype);
    server_end(&d, SIGTERM);
}

static void
dispatcher_stress(void)
{
    enum { NW = 3, NC = 12 };
    struct run d = dispatcher(NULL, false), w[NW], c[NC];
    const char *out;

    need_namespace_alone(IPC_KIND_MSG);
    start_dispatcher(&d);
    for (int i = 0; i < NW; i++) {
        w[i] = worker(1 + i % 2, NULL, true);
        run_start(&w[i]);
    }
    for (int i = 0; i < NC; i++) {
        c[i] = submit(i % 10, 1 + i % 2, test_strf("job%c", 'a' + i), true);
        run_start(&c[i]);
    }
    for (int i = 0; i < NC; i++)
        expect_result(&c[i], test_strf("JOB%c", 'A' + i));
    out = run_stdout(&d);
    for (int i = 1; i <= NC; i++)
        if (count_line(out, test_strf("done %d", i)) != 1)
            test_fail(&d, "Job %d was answered %d times: each job gets exactly one \"done\".",
                      i, count_line(out, test_strf("done %d", i)));
    for (int i = 0; i < NW; i++)
        server_end(&w[i], SIGTERM);
    if (queues() != 1)
        run_fail_halt(&d, "After 12 jobs, with the clients and workers gone, %zu queues are "
                          "left; only the dispatcher's should be.", queues());
    server_end(&d, SIGTERM);
}

static void
dispatcher_valgrind(void)
{
    struct run d = dispatcher(NULL, false), w = worker(1, NULL, true);
    struct run c1 = submit(3, 1, "check", true), c2 = submit(8, 1, "me", true);

    d.req.valgrind = true;
    start_dispatcher(&d);
    run_start(&w);
    run_start(&c1);
    run_start(&c2);
    expect_result(&c1, "CHECK");
    expect_result(&c2, "ME");
    server_stop(&d, SIGTERM, "After SIGTERM the dispatcher went on.");
    expect_valgrind_clean(&d);
}

/* HIDDEN-BEGIN: instructors' tests; `make handout` leaves them out. */
static void
dispatcher_late_result(void)
{
    struct run d = dispatcher(LEASE, false);
    struct run a = worker(1, "1200", true), b = worker(1, NULL, true);
    struct run c = submit(5, 1, "slow", true), c2 = submit(5, 1, "next", true);

    start_dispatcher(&d);
    run_start(&a);
    run_start(&c);
    if (!run_wait_output(&a, "took 1 slow\n", WAIT))
        run_fail_halt(&d, "The only worker never got job 1.");
    run_start(&b);
    expect_result(&c, "SLOW");
    expect_line(&d, "late 1", "a result for a job already answered (the slow worker's, after "
                "its lease ended and another worker did the job) is logged \"late ID\" and "
                "dropped.");
    if (count_line(run_stdout(&d), "done 1") != 1)
        test_fail(&d, "Job 1 was answered twice: a late result must be dropped.");
    run_start(&c2);
    expect_result(&c2, "NEXT");
    server_end(&d, SIGTERM);
}
/* HIDDEN-END */

/* ---- the worker, with the grader as its dispatcher ---- */

static void
worker_job(void)
{
    int qid = grader_queue(KEY_NUM, 0600);
    struct run w = worker(3, NULL, false);
    struct dmsg m;
    int own;

    run_start(&w);
    await_msg(&w, qid, MSG_READY, &m, "MSG_READY (\"send me a job\")");
    if (m.job_type != 3)
        run_fail_halt(&w, "The worker's MSG_READY has job_type %d; it should be 3, the TYPE "
                          "given with -t.", m.job_type);
    own = m.reply_qid;
    expect_private_queue(&w, own, "the worker");
    put(own, MSG_JOB, 7, 0, 3, 4, "make me big");
    await_msg(&w, qid, MSG_RESULT, &m, "MSG_RESULT for job 7");
    if (m.job_id != 7 || strncmp(m.text, "MAKE ME BIG", sizeof m.text) != 0)
        run_fail_halt(&w, "The worker's result is job %ld, \"%.*s\"; it should be job 7, "
                          "\"MAKE ME BIG\": the job's id, and its text in capital letters.",
                      m.job_id, (int)sizeof m.text, m.text);
    if (m.reply_qid != own)
        run_fail_halt(&w, "The result's reply_qid is %d; it should be the worker's own queue, "
                          "%d.", m.reply_qid, own);
    expect_line(&w, "took 7 make me big", "the worker logs each job it takes.");
    await_msg(&w, qid, MSG_READY, &m, "second MSG_READY, after the result");
    server_stop(&w, SIGTERM, "After SIGTERM the worker went on waiting.");
    if (object_exists(IPC_KIND_MSG, own))
        test_fail(&w, "The worker exited but left its own queue (id %d): remove it.", own);
}

static void
worker_dispatcher_gone(void)
{
    int qid = grader_queue(KEY_NUM, 0600);
    struct run w = worker(1, "300", false);
    struct dmsg m;
    int own;

    run_start(&w);
    await_msg(&w, qid, MSG_READY, &m, "MSG_READY");
    own = m.reply_qid;
    put(own, MSG_JOB, 1, 0, 1, 5, "orphan");
    if (!run_wait_output(&w, "took 1 orphan\n", WAIT))
        run_fail_halt(&w, "The worker should print \"took 1 orphan\" when it takes the job.");
    grader_remove(IPC_KIND_MSG, qid);
    if (!run_wait_exit(&w, WAIT))
        run_fail_halt(&w, "The dispatcher's queue was removed while the worker did a job; "
                          "sending the result then fails (EIDRM or EINVAL), and the worker must "
                          "exit with status 1.");
    expect_error_exit(&w, "the dispatcher's queue is gone");
    if (object_exists(IPC_KIND_MSG, own))
        test_fail(&w, "The worker exited but left its own queue (id %d): remove it on every "
                      "way out.", own);
}

static void
worker_valgrind(void)
{
    int qid = grader_queue(KEY_NUM, 0600);
    struct run w = worker(2, NULL, false);
    struct dmsg m;

    w.req.valgrind = true;
    run_start(&w);
    for (int i = 1; i <= 2; i++) {
        await_msg(&w, qid, MSG_READY, &m, "MSG_READY");
        put(m.reply_qid, MSG_JOB, i, 0, 2, 5, i == 1 ? "x" : "a longer text");
        await_msg(&w, qid, MSG_RESULT, &m, "MSG_RESULT");
    }
    server_stop(&w, SIGTERM, "After SIGTERM the worker went on waiting.");
    expect_valgrind_clean(&w);
}

/* HIDDEN-BEGIN: instructors' tests; `make handout` leaves them out. */
static void
worker_delay(void)
{
    int qid = grader_queue(KEY_NUM, 0600);
    struct run w = worker(1, "600", false);
    struct dmsg m;
    double sent;

    run_start(&w);
    await_msg(&w, qid, MSG_READY, &m, "MSG_READY");
    put(m.reply_qid, MSG_JOB, 5, 0, 1, 5, "wait");
    sent = now_seconds();
    await_msg(&w, qid, MSG_RESULT, &m, "MSG_RESULT for job 5");
    if (now_seconds() - sent < 0.5)
        run_fail_halt(&w, "With -d 600 the worker sent its result after %.0f ms; it must sleep "
                          "600 ms between taking a job and sending its result (the tests catch "
                          "a worker in the middle of a job with it).",
                      1000 * (now_seconds() - sent));
    server_end(&w, SIGTERM);
}
/* HIDDEN-END */

/* ---- submit, with the grader as its dispatcher ---- */

/* Start submit and take its MSG_SUBMIT; return its own queue. */
static int
submitted(struct run *c, int qid, int prio, int type, const char *text)
{
    struct dmsg m;

    run_start(c);
    await_msg(c, qid, MSG_SUBMIT, &m, "MSG_SUBMIT");
    if (m.priority != prio || m.job_type != type || strncmp(m.text, text, sizeof m.text))
        run_fail_halt(c, "The job sent is type %d, priority %d, \"%.*s\"; it should be type "
                         "%d, priority %d, \"%s\" (-t, -p and TEXT).", m.job_type, m.priority,
                      (int)sizeof m.text, m.text, type, prio, text);
    expect_private_queue(c, m.reply_qid, "the client");
    return m.reply_qid;
}

static void
submit_job(void)
{
    int qid = grader_queue(KEY_NUM, 0600);
    struct run c = submit(7, 2, "hello there", false);
    int own = submitted(&c, qid, 7, 2, "hello there");

    put(own, MSG_ACCEPTED, 42, 0, 2, 7, "");
    expect_line(&c, "job 42", "the client prints the id the dispatcher gave its job.");
    put(own, MSG_DONE, 42, 0, 2, 7, "HELLO THERE");
    if (!run_wait_exit(&c, WAIT))
        run_fail_halt(&c, "After its result the client should print it and exit.");
    expect_success(&c);
    if (!strstr(c.res.out, "result 42 HELLO THERE\n"))
        test_fail(&c, "The client should print \"result 42 HELLO THERE\".");
    if (object_exists(IPC_KIND_MSG, own))
        test_fail(&c, "The client exited but left its own queue (id %d): remove it.", own);
}

static void
submit_gone(void)
{
    static const int sigs[] = { SIGTERM, SIGINT };

    for (size_t i = 0; i < 2; i++) {
        int qid = grader_queue(KEY_NUM + 1 + (int)i, 0600);
        struct run c = RUN("submit", test_strf("0x%x", KEY_NUM + 1 + (int)i), "bye");
        int own = submitted(&c, qid, JOB_PRIO_DEFAULT, JOB_TYPE_MIN, "bye");

        put(own, MSG_ACCEPTED, 1, 0, 1, 5, "");
        expect_line(&c, "job 1", "the client prints the id the dispatcher gave its job.");
        client_asleep(&c);
        run_signal(&c, sigs[i]);
        if (!run_wait_exit(&c, WAIT))
            run_fail_halt(&c, "After %s the client went on waiting for its result.",
                          strsignal(sigs[i]));
        expect_error_exit(&c, test_strf("it was stopped by %s before its result came",
                                        strsignal(sigs[i])));
        if (object_exists(IPC_KIND_MSG, own))
            test_fail(&c, "The client was stopped by %s and left its own queue (id %d): its "
                          "result would stay there forever. Catch the signal, remove the queue, "
                          "exit 1.", strsignal(sigs[i]), own);
    }
}

static void
submit_no_dispatcher(void)
{
    struct run c = RUN("submit", KEY, "anyone");
    struct ipc_set before;

    snapshot(&before);
    run_program(&c);
    expect_error_exit(&c, "no dispatcher runs (no queue has the key)");
    expect_stderr_has(&c, "No such file or directory", "report msgget()'s ENOENT.");
    expect_no_new_objects(&before, &c, "with no dispatcher to talk to");
}

static void
submit_valgrind(void)
{
    int qid = grader_queue(KEY_NUM, 0600);
    struct run c = submit(0, 8, "v", false);
    int own;

    c.req.valgrind = true;
    c.req.timeout = 30;
    own = submitted(&c, qid, 0, 8, "v");
    put(own, MSG_ACCEPTED, 3, 0, 8, 0, "");
    put(own, MSG_DONE, 3, 0, 8, 0, "V");
    run_wait(&c);
    expect_success(&c);
    expect_valgrind_clean(&c);
}

/* ---- failures ---- */

static void
errors_reported(void)
{
    static const struct {
        const char *prog, *fault, *situation;
        bool needs_queue;
    } cases[] = {
        { "dispatcher", "msgget:ENOSPC", "msgget() fails with ENOSPC", false },
        { "worker", "msgget:ENOSPC:2", "msgget(IPC_PRIVATE) fails with ENOSPC", true },
        { "worker", "msgrcv:EFAULT:1", "msgrcv() fails with EFAULT", true },
        { "submit", "msgget:ENOSPC:2", "msgget(IPC_PRIVATE) fails with ENOSPC", true },
        { "submit", "msgsnd:EFAULT:1", "msgsnd() fails with EFAULT", true },
        { "submit", "msgrcv:EFAULT:1", "msgrcv() fails with EFAULT", true },
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        int qid = cases[i].needs_queue ? grader_queue(KEY_NUM + 16 + (int)i, 0600) : -1;
        const char *key = test_strf("0x%x", KEY_NUM + 16 + (int)i);
        struct run r = strcmp(cases[i].prog, "submit") == 0
                       ? RUN("submit", key, "text") : RUN(cases[i].prog, key);

        r.req.fault = cases[i].fault;
        r.req.timeout = WAIT;
        run_program(&r);
        if (r.res.timed_out)
            test_fail(&r, "When %s, `%s` went on waiting: report the error and exit 1.",
                      cases[i].situation, cases[i].prog);
        expect_error_exit(&r, cases[i].situation);
        if (queues() != (qid == -1 ? 0u : 1u))
            test_fail(&r, "When %s, `%s` exited but left a queue of its own: remove the queue "
                          "you made on every way out, errors too.", cases[i].situation,
                      cases[i].prog);
        if (qid != -1)
            grader_remove(IPC_KIND_MSG, qid);
    }
}

/* ---- all three ---- */

static void
together(void)
{
    struct run d = dispatcher(NULL, false), w1 = worker(1, NULL, false);
    struct run w2 = worker(2, NULL, false), c[4];
    static const char *const texts[] = { "alpha", "beta", "gamma", "delta" };
    static const char *const uppers[] = { "ALPHA", "BETA", "GAMMA", "DELTA" };

    need_namespace_alone(IPC_KIND_MSG);
    start_dispatcher(&d);
    run_start(&w1);
    run_start(&w2);
    for (int i = 0; i < 4; i++) {
        c[i] = submit(2 * i, 1 + i % 2, texts[i], false);
        run_start(&c[i]);
    }
    for (int i = 0; i < 4; i++)
        expect_result(&c[i], uppers[i]);
    server_stop(&w1, SIGTERM, "After SIGTERM the worker went on.");
    server_stop(&w2, SIGTERM, "After SIGTERM the worker went on.");
    server_stop(&d, SIGTERM, "After SIGTERM the dispatcher went on.");
    if (queues() != 0)
        test_fail(&d, "All three programs have exited, yet %zu queues are left: each removes "
                      "its own.", queues());
}

static void
bad_usage(void)
{
    struct run runs[] = {
        RUN("dispatcher"), RUN("dispatcher", "-l", "x", KEY), RUN("worker"),
        RUN("worker", "-t", "9", KEY), RUN("submit", KEY), RUN("submit", "-p", "10", KEY, "t"),
        RUN("submit", KEY, "a text far too long for the fifty-six bytes of a job's text"),
    };

    for (size_t i = 0; i < ARRAY_LEN(runs); i++) {
        run_program(&runs[i]);
        expect_usage_error(&runs[i]);
    }
}

static const struct test_def tests[] = {
    { "dispatcher_ready", "the dispatcher makes one queue of KEY, mode 600, and removes it on "
      "SIGTERM", 2, dispatcher_ready, "msgget(key, IPC_CREAT | IPC_EXCL | 0600); on SIGTERM, "
      "a flag, then IPC_RMID.", NULL, "The dispatcher" },
    { "dispatcher_job", "a job goes from a client to a worker and its result back", 2,
      dispatcher_job, "the client's and the worker's queues are in their messages: reply_qid.",
      NULL, "The protocol" },
    { "dispatcher_priority", "waiting jobs go out by priority, then oldest first", 3,
      dispatcher_priority, "keep the waiting jobs; choose when a worker asks.", NULL,
      "The dispatcher" },
    { "dispatcher_types", "a worker gets only jobs of its own type", 2, dispatcher_types,
      "a job waits until a worker of its type asks.", NULL, "The dispatcher" },
    { "dispatcher_worker_dies", "a job whose worker dies mid-job is sent again once its "
      "lease ends", 3, dispatcher_worker_dies, "remember when each job went out; msgrcv() "
      "blocks, so something must wake the loop.", NULL, "Trap 1: a worker dies mid-job" },
    { "dispatcher_client_gone", "a result whose client has gone is dropped; nothing is left "
      "behind", 2, dispatcher_client_gone, "never block sending to a client's queue; a queue "
      "gone is no reason to stop.", NULL, "Trap 2: a client goes away" },
    { "dispatcher_full_client", "a client whose queue is full does not stop the service", 2,
      dispatcher_full_client, "a send to someone else's queue must never wait.", NULL,
      "Trap 2: a client goes away" },
    { "dispatcher_restart", "a queue left by a crashed dispatcher is removed, never reused", 3,
      dispatcher_restart, "what does IPC_CREAT alone do when the key exists?", NULL,
      "Trap 3: a server restarts" },
    { "dispatcher_stress", "twelve clients and three workers at once: every job answered "
      "exactly once", 3, dispatcher_stress, "one result per job, to the job's own client.",
      NULL, "The protocol" },
    { "dispatcher_valgrind", "the dispatcher runs clean under Valgrind", 2,
      dispatcher_valgrind, "zero each message before filling it: msgsnd() copies every byte.",
      NULL, "The protocol" },
    /* HIDDEN-BEGIN */
    { "dispatcher_late_result", "a result that comes after the lease ended is dropped, not "
      "passed on twice", 2, dispatcher_late_result, "a job answered is answered.",
      "after_published", "Trap 1: a worker dies mid-job" },
    /* HIDDEN-END */
    { "worker_job", "the worker asks for a job of its type, does it, sends the result and "
      "asks again", 2, worker_job, "MSG_READY with your private queue, then msgrcv() on it.",
      NULL, "The worker" },
    { "worker_dispatcher_gone", "a worker whose dispatcher's queue is removed exits 1 and "
      "leaves nothing", 1, worker_dispatcher_gone, "a msgsnd() that fails is handled on every "
      "path, your own queue too.", NULL, "The worker" },
    { "worker_valgrind", "the worker runs clean under Valgrind", 1, worker_valgrind,
      "zero each message before filling it.", NULL, "The worker" },
    /* HIDDEN-BEGIN */
    { "worker_delay", "with -d DELAY_MS the worker holds each job that long before its result",
      1, worker_delay, "sleep between taking the job and sending the result.",
      "after_published", "The worker" },
    /* HIDDEN-END */
    { "submit_job", "submit sends its job and prints the id and the result", 2, submit_job,
      "MSG_SUBMIT with your private queue; then two answers on it.", NULL, "The client" },
    { "submit_gone", "a client stopped by SIGTERM or SIGINT removes its queue and exits 1", 2,
      submit_gone, "a signal handler that sets a flag; msgrcv() fails with EINTR.", NULL,
      "Trap 2: a client goes away" },
    { "submit_no_dispatcher", "without a dispatcher, submit fails and makes nothing", 1,
      submit_no_dispatcher, "open the dispatcher's queue before making your own.", NULL,
      "The client" },
    { "submit_valgrind", "submit runs clean under Valgrind", 1, submit_valgrind,
      "zero the message before filling it.", NULL, "The client" },
    { "together", "the three programs work together, and leave no queue", 2, together,
      "each program removes the queue it made.", NULL, "The protocol" },
    { "errors_reported", "a failing msgget(), msgsnd() or msgrcv() is reported with exit "
      "status 1, and no queue is left behind", 1, errors_reported, "check every call's -1; "
      "the clean-up runs on error paths too.", NULL, "The protocol" },
    { "bad_usage", "the three programs reject a wrong command line with a usage message", 1,
      bad_usage, "usage_err() for bad options, a type or priority out of range, a text too "
      "long.", NULL, "The protocol" },
};

const struct exercise exercise_dispatcher = {
    .id = "dispatcher",
    .title = "Project: a job dispatcher on message queues",
    .chapter = CHAPTER,
    .programs = programs,
    .tests = tests,
    .ntests = ARRAY_LEN(tests),
};
