/* msgqueue.c: exercise `msgqueue` (chapters/07-msgsnd-msgrcv.md). The
 * student writes both ends of a typed request/reply service on one message
 * queue (protocol: exercises/include/msgservice.h): msgserver serves
 * requests, urgent ones first, until SIGTERM or a shutdown request;
 * msgclient sends one request and prints the reply of its own type.
 *
 * Most tests put the grader itself on the other end: it plays the clients
 * of the student's msgserver (sending requests, sometimes before the server
 * starts, to see in which order they are served, and taking the replies out
 * to check their types, sizes and texts), and the server of the student's
 * msgclient (taking its request out, answering it). Two tests pair the
 * student's programs with the reference ones, several at once. A wait that
 * can no longer end (the server idle in msgrcv(), nothing for anyone in the
 * queue) is cut short and explained with what the queue holds and where
 * the programs are blocked. The error paths (every msgget(), msgsnd(),
 * msgrcv() and msgctl() failing, EINTR retried, E2BIG when the queue
 * changed meanwhile) are reached with the fault library
 * (grader/preload/faultinject.c). */
#define _GNU_SOURCE
#include "suite.h"
#include "../../exercises/include/msgservice.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CHAPTER "chapters/07-msgsnd-msgrcv.md"
#define KEY     "0x4b1d0007"
#define KEY_NUM 0x4b1d0007
#define WAIT    5.0             /* seconds to wait for something that takes ms */
#define SIGTERM_WENT_ON "After SIGTERM the server went on waiting. Its handler must set " \
                        "a flag; msgrcv() then fails with EINTR, and the loop must see " \
                        "the flag and stop."
#define READY_MUST "it must create (or open) the queue, print that line and serve requests " \
                   "until it is told to stop"

static const char *const programs[] = { "msgserver", "msgclient", NULL };
static const long msgrcv_only[] = { SYS_msgrcv, -1 };

struct any_msg {
    long mtype;
    char mtext[8192];
};

/* ---- the grader's own end of the queue ---- */

/* The queue failed the grader: gone (a program removed it while the test
 * still used it: the student's doing), or the grader's own fault. */
__attribute__((noreturn)) static void
queue_failed(const char *doing)
{
    if (errno == EINVAL || errno == EIDRM)
        test_fail(NULL, "The service's queue (key %s) was removed while the test still used "
                        "it (the grader could not %s): only the server removes it, when it "
                        "stops.", KEY, doing);
    test_error("The grader could not %s: %s", doing, strerror(errno));
}

static void
put_message(int qid, const void *msg, size_t size)
{
    if (msgsnd(qid, msg, size, IPC_NOWAIT) == -1)
        queue_failed("send a message");
}

static void
put_request(int qid, long type, long reply_type, const char *text)
{
    struct request req;

    memset(&req, 0, sizeof req);
    req.mtype = type;
    req.reply_type = reply_type;
    snprintf(req.text, sizeof req.text, "%s", text);
    put_message(qid, &req, REQUEST_SIZE);
}

static void
put_reply(int qid, long type, long serial, const char *text)
{
    struct reply rep;

    memset(&rep, 0, sizeof rep);
    rep.mtype = type;
    rep.serial = serial;
    snprintf(rep.text, sizeof rep.text, "%s", text);
    put_message(qid, &rep, REPLY_SIZE);
}

/* Take the first message of type `type` (msgrcv's rules) without waiting;
 * return its payload size, or -1 when there is none (or no queue: the
 * failure then says so with queue_words()). */
static ssize_t
take(int qid, long type, struct any_msg *m)
{
    ssize_t n = msgrcv(qid, m, sizeof m->mtext, type, IPC_NOWAIT);

    if (n == -1 && errno != ENOMSG && errno != EINVAL && errno != EIDRM)
        test_error("The grader could not read the queue: %s", strerror(errno));
    return n;
}

static struct msqid_ds
queue_stat(int qid)
{
    struct msqid_ds ds = { 0 };     /* every byte defined: IPC_SET sends them back */

    if (msgctl(qid, IPC_STAT, &ds) == -1)
        queue_failed("read the queue's attributes");
    return ds;
}

/* "The queue holds 2 messages: type 2 (64 bytes), type 1001 (72 bytes).",
 * read with MSG_COPY (the messages stay), for failure messages. */
static const char *
queue_words(int qid)
{
    struct strbuf sb = { 0 };
    struct msqid_ds ds;
    struct any_msg m;

    if (msgctl(qid, IPC_STAT, &ds) == -1)
        return "The queue no longer exists.";
    if (ds.msg_qnum == 0)
        return "The queue is empty.";
    sb_addf(&sb, "The queue holds %lu message%s:", (unsigned long)ds.msg_qnum,
            ds.msg_qnum == 1 ? "" : "s");
    for (unsigned long i = 0; i < ds.msg_qnum && i < 12; i++) {
        ssize_t n = msgrcv(qid, &m, sizeof m.mtext, (long)i, MSG_COPY | IPC_NOWAIT);

        if (n == -1)
            break;
        sb_addf(&sb, "%s type %ld (%zd bytes)", i ? "," : "", m.mtype, n);
    }
    sb_adds(&sb, ".");
    return test_own(sb_take(&sb));
}

/* True if the queue surely holds no request (type 1 to 3) and no message
 * of type `type` (0: any other type is fine). Unsure means false. */
static bool
nothing_for(int qid, long type)
{
    struct msqid_ds ds;
    struct any_msg m;

    if (msgctl(qid, IPC_STAT, &ds) == -1)
        return false;
    for (unsigned long i = 0; i < ds.msg_qnum; i++) {
        if (msgrcv(qid, &m, sizeof m.mtext, (long)i, MSG_COPY | IPC_NOWAIT) == -1)
            return false;
        if (m.mtype <= REQ_TYPE_MAX || m.mtype == type)
            return false;
    }
    return true;
}

/* ---- the student's server, as the grader sees it ---- */

/* The server can do nothing more: it sleeps in msgrcv() and no request is
 * waiting for it. (Nothing else sends in these tests, so it stays so.) */
static bool
server_idle(const struct run *srv, int qid)
{
    return run_asleep_in(srv, msgrcv_only) && nothing_for(qid, 0) &&
           run_asleep_in(srv, msgrcv_only);
}

/* A server that works uses milliseconds of processor time in any test; one
 * that has used a second is not waiting for anything but spins: a call
 * that fails at once, called again and again (msgrcv() and E2BIG, for a
 * message it never takes out). There is no use waiting longer for it: it
 * is stopped, and its failure says it was "busy using the CPU". Under
 * Valgrind memcheck itself takes that much. */
#define SPIN_SECONDS 1.0

static bool
server_spinning(const struct run *srv)
{
    return !srv->req.valgrind && run_cpu_seconds(srv) > SPIN_SECONDS;
}

/* The server did not do what the test waited for: fail with what, what
 * the queue holds, and where the server was (it is stopped). */
__attribute__((noreturn)) static void
server_stuck(struct run *srv, int qid, const char *what)
{
    run_fail_halt(srv, "%s %s", what, queue_words(qid));
}

/* Start the student's (or the reference) server; return the id of the
 * queue it made. */
static int
start_server(struct run *srv)
{
    int qid;

    server_start(srv, "ready", "ready msqid N", READY_MUST);
    qid = msgget(KEY_NUM, 0);
    if (qid == -1)
        run_fail_halt(srv, "The server printed \"ready\", but no queue has key %s: it must "
                           "create it with msgget(key, IPC_CREAT | 0600).", KEY);
    return qid;
}

/* expect_ulong() for a program that may still be running. */
static void
check_ulong(struct run *r, const char *what, unsigned long found, unsigned long expected,
            const char *advice)
{
    if (found != expected)
        run_fail_halt(r, "%s is wrong.\n  expected: %lu\n  found:    %lu\n%s", what, expected,
                      found, advice);
}

/* What the grader waits for from the server: a line in its log, or a
 * message of some type in the queue (taken out into m, its size in n). */
struct from_server {
    struct run *srv;
    int qid;
    const char *text;
    long type;
    struct any_msg m;
    ssize_t n;
};

static bool
logged(void *p)
{
    struct from_server *f = p;

    return run_wait_output(f->srv, f->text, 0);
}

static bool
took_message(void *p)
{
    struct from_server *f = p;

    return (f->n = take(f->qid, f->type, &f->m)) >= 0;
}

/* The server will do nothing more for the test: it sits idle, or spins. */
static bool
nothing_more(void *p)
{
    struct from_server *f = p;

    return server_idle(f->srv, f->qid) || server_spinning(f->srv);
}

/* Wait until the server prints `text`; false if it does not within
 * `timeout`, or as soon as it has exited, sits idle or spins without it. */
static bool
wait_served(struct run *srv, int qid, const char *text, double timeout)
{
    struct from_server f = { .srv = srv, .qid = qid, .text = text };
    struct watch w = { .done = logged, .idle = nothing_more, .ctx = &f };

    return run_watch(srv, &w, timeout) == WATCH_DONE;
}

/* Play a client: wait until the server's reply of type `type` is in the
 * queue, take it into rep and return its size. Fails the test, saying
 * where the server is, if none comes: at the timeout, when the server has
 * exited, or as soon as the server sits idle in msgrcv() with no request
 * left and still no reply, or spins. */
static ssize_t
await_reply(struct run *srv, int qid, long type, struct reply *rep, double timeout)
{
    struct from_server f = { .srv = srv, .qid = qid, .type = type };
    struct watch w = { .done = took_message, .idle = nothing_more, .ctx = &f };

    if (run_watch(srv, &w, timeout) != WATCH_DONE)
        server_stuck(srv, qid, test_strf("No reply of type %ld came: a reply's mtype must be "
                                         "the request's reply_type (%ld here).", type, type));
    memset(rep, 0, sizeof *rep);
    memcpy(rep, &f.m, sizeof f.m.mtype + ((size_t)f.n < REPLY_SIZE ? (size_t)f.n
                                                                   : REPLY_SIZE));
    return f.n;
}

/* A reply the grader took must read like this. */
static void
expect_reply_msg(struct run *srv, ssize_t n, const struct reply *rep, long serial,
                 const char *text)
{
    check_ulong(srv, "The size of the reply (its msgsz)", (unsigned long)n, REPLY_SIZE,
                "msgsz counts the payload only: REPLY_SIZE (64), not sizeof(struct "
                "reply), which counts mtype too.");
    check_ulong(srv, "The reply's serial number", (unsigned long)rep->serial,
                (unsigned long)serial, "Number the requests served: 1, 2, 3...");
    if (strncmp(rep->text, text, sizeof rep->text) != 0)
        run_fail_halt(srv, "The reply's text is wrong.\n  expected: %s\n  found:    %.*s\nThe "
                      "server answers with the request's text in capital letters, "
                      "NUL-terminated.", text, (int)sizeof rep->text, rep->text);
}

/* ---- clients ---- */

/* msgclient [-u] -t TYPE KEY TEXT: the student's, with a deadline of WAIT. */
static struct run
client(const char *type, const char *text, bool urgent)
{
    struct run c = urgent ? RUN("msgclient", "-u", "-t", type, KEY, text)
                          : RUN("msgclient", "-t", type, KEY, text);

    c.req.timeout = WAIT;
    return c;
}

static struct run
ref_client(const char *type, const char *text, bool urgent)
{
    struct run c = client(type, text, urgent);

    c.req.reference = true;
    return c;
}

struct stuck_client {
    const struct run *c, *srv;
    int qid;
    long type;
};

/* The client can no longer get its reply: it sleeps in msgrcv(), the
 * server too, and the queue holds no request and no message of its type. */
static bool
client_stuck(void *p)
{
    struct stuck_client *s = p;

    return run_asleep_in(s->c, msgrcv_only) && nothing_for(s->qid, s->type) &&
           run_asleep_in(s->srv, msgrcv_only) && run_asleep_in(s->c, msgrcv_only);
}

/* Wait for a reference client started with run_start(). If it can no
 * longer get its reply (client_stuck()), stop it early and return false;
 * true once it has exited by itself or timed out. */
static bool
wait_client(struct run *c, const struct run *srv, int qid, long type)
{
    struct stuck_client s = { c, srv, qid, type };
    struct watch w = { .idle = client_stuck, .ctx = &s };

    if (run_watch(c, &w, c->res.started + c->req.timeout - now_seconds()) == WATCH_IDLE) {
        run_halt(c);
        return false;
    }
    run_wait(c);
    return true;
}

/* The line "reply N TEXT" a client printed: N, and TEXT into text. */
static long
reply_line(const struct run *r, char *text, size_t len)
{
    const char *p = strstr(r->res.out, "reply ");
    long serial;
    int used = 0;

    if (p == NULL || (p != r->res.out && p[-1] != '\n') ||
        sscanf(p, "reply %ld %n", &serial, &used) < 1 || used == 0)
        test_fail(r, "The client should print \"reply N TEXT\" (the serial number and text "
                     "of its reply), but it did not.");
    snprintf(text, len, "%.*s", (int)strcspn(p + used, "\n"), p + used);
    return serial;
}

/* A reference client's run that must have got its reply of this type,
 * with this text. */
static void
expect_reply(struct run *c, bool finished, struct run *srv, int qid, long type,
             const char *text)
{
    char got[128];

    if (c->res.timed_out || !finished) {
        const char *q = queue_words(qid);
        struct strbuf log = { 0 };

        run_halt_words(srv, &log);
        if (srv->res.out[0] != '\0') {
            sb_adds(&log, "\nIts output:\n");
            sb_indent(&log, srv->res.out, "    | ");
        } else {
            sb_adds(&log, "\nIt printed nothing.");
        }
        test_fail(c, "The client got no reply: it waited for a message of its own type, "
                     "%ld, %s. A reply's mtype must be the request's reply_type. %s\n%s", type,
                  c->res.timed_out ? "until its deadline" : "until nothing could happen any "
                  "more (the server was idle and no reply for it was in the queue)", q,
                  sb_str(&log));
    }
    expect_success(c);
    reply_line(c, got, sizeof got);
    if (strcmp(got, text) != 0)
        test_fail(c, "The reply's text is wrong.\n  expected: %s\n  found:    %s\nThe server "
                     "answers with the request's text in capital letters.", text, got);
}

/* ---- the student's client, as the grader sees it ---- */

struct requested {
    int qid;
    struct any_msg m;
    ssize_t n;
};

static bool
took_request(void *p)
{
    struct requested *r = p;

    return (r->n = take(r->qid, -REQ_TYPE_MAX, &r->m)) >= 0;
}

/* Wait until the student's client has put a request in the queue, take it
 * and return its size. Fails the test if none comes. */
static ssize_t
await_request(struct run *c, int qid, struct request *req, double timeout)
{
    struct requested r = { .qid = qid };
    struct watch w = { .done = took_request, .ctx = &r };

    switch (run_watch(c, &w, timeout)) {
    case WATCH_DONE:
        break;
    case WATCH_EXITED:
        run_wait(c);
        test_fail(c, "The client exited without putting a request of type 1, 2 or 3 in the "
                     "queue. A request's mtype is REQ_NORMAL (2), or REQ_URGENT (1) with -u; "
                     "msgsnd() fails with EINVAL for an mtype of 0 or less.");
    default:
        run_fail_halt(c, "No request arrived in the queue within %.0f s.", timeout);
    }
    memset(req, 0, sizeof *req);
    memcpy(req, &r.m, sizeof r.m.mtype + ((size_t)r.n < REQUEST_SIZE ? (size_t)r.n
                                                                      : REQUEST_SIZE));
    return r.n;
}

/* The client must now wait in msgrcv() for messages of type `type`. */
static void
expect_waiting_for(struct run *c, long type)
{
    unsigned long a[6];

    if (!run_wait_asleep_in(c, SYS_msgrcv, a, WAIT)) {
        if (!run_alive(c)) {
            run_wait(c);
            test_fail(c, "After sending its request, the client should wait in msgrcv() for "
                         "its reply, but it exited.");
        }
        run_fail_halt(c, "After sending its request, the client should wait in msgrcv() for "
                         "its reply.");
    }
    if ((long)a[3] != type)
        run_fail_halt(c, "The client waits in msgrcv() with msgtyp %ld; it should wait for "
                         "exactly its reply type, %ld (msgtyp > 0: the first message of that "
                         "type).", (long)a[3], type);
}

/* A request the student's client sent must read like this. */
static void
expect_request(struct run *c, ssize_t n, const struct request *req, long type,
               long reply_type, const char *text)
{
    if ((size_t)n != REQUEST_SIZE)
        run_fail_halt(c, "The request is %zd bytes long (its msgsz); it should be "
                         "REQUEST_SIZE, %zu: the payload only. sizeof(struct request) is %zu "
                         "because it counts the mtype too, and sends %zu bytes from beyond "
                         "the structure.", n, REQUEST_SIZE, sizeof(struct request),
                      sizeof(long));
    if (req->mtype != type)
        run_fail_halt(c, "The request has type %ld; it should be %ld (%s).", req->mtype, type,
                      type == REQ_URGENT ? "REQ_URGENT, with -u" : "REQ_NORMAL, without -u");
    if (req->reply_type != reply_type)
        run_fail_halt(c, "The request's reply_type is %ld; it should be %ld, the TYPE given "
                         "with -t.", req->reply_type, reply_type);
    if (strncmp(req->text, text, sizeof req->text) != 0)
        run_fail_halt(c, "The request's text is \"%.*s\"; it should be \"%s\", "
                         "NUL-terminated.", (int)sizeof req->text, req->text, text);
}

/* ---- the tests ---- */

static void
server_replies(void)
{
    struct run srv = RUN("msgserver", KEY);
    struct reply rep;
    ssize_t n;
    int qid = start_server(&srv);

    if (!run_wait_output(&srv, test_strf("ready msqid %d\n", qid), 1))
        server_stuck(&srv, qid, "The server's first line should be \"ready msqid N\", with "
                     "the id msgget() returned for the service's queue.");
    if ((queue_stat(qid).msg_perm.mode & 0777) != 0600)
        run_fail_halt(&srv, "The server's queue has mode %03o; it should be 600 (read and "
                      "write for its owner only): msgget(key, IPC_CREAT | 0600). Anybody "
                      "could read the requests or forge replies in a queue others can "
                      "write.", queue_stat(qid).msg_perm.mode & 0777);
    put_request(qid, REQ_NORMAL, 1001, "hello");
    n = await_reply(&srv, qid, 1001, &rep, WAIT);
    expect_reply_msg(&srv, n, &rep, 1, "HELLO");
    if (!run_wait_output(&srv, "served 1 normal 1001 hello\n", WAIT))
        run_fail_halt(&srv, "The server's log should have the line \"served 1 normal 1001 "
                            "hello\" (serial, priority, reply type, text), printed once the "
                            "reply is sent.");
    check_ulong(&srv, "The number of messages left in the queue after the exchange",
                queue_stat(qid).msg_qnum, 0, "The server takes the request and sends one "
                "reply, which the grader took: nothing else may be sent.");
    server_end(&srv, SIGTERM);
}

static void
server_priority(void)
{
    static const struct {
        long type, reply_type;
        const char *text, *upper;
        long serial;
    } reqs[] = {
        { REQ_NORMAL, 1001, "a", "A", 3 }, { REQ_NORMAL, 1002, "b", "B", 4 },
        { REQ_URGENT, 1003, "c", "C", 1 }, { REQ_NORMAL, 1004, "d", "D", 5 },
        { REQ_URGENT, 1005, "e", "E", 2 },
    };
    struct run srv = RUN("msgserver", KEY);
    struct msqid_ds ds;
    struct any_msg m;
    int qid = grader_queue(KEY_NUM, 0600);

    for (size_t i = 0; i < ARRAY_LEN(reqs); i++)
        put_request(qid, reqs[i].type, reqs[i].reply_type, reqs[i].text);
    start_server(&srv);
    if (!wait_served(&srv, qid, "served 5 ", WAIT))
        server_stuck(&srv, qid, "Five requests (types 2, 2, 1, 2, 1) were waiting in the "
                     "queue when the server started, but it did not serve all five (no "
                     "\"served 5 ...\" line).");
    ds = queue_stat(qid);
    if (ds.msg_qnum != 5)
        run_fail_halt(&srv, "Once the five requests are served, the queue should hold their "
                      "five replies (msg_qnum 5), but it holds %lu. %s Each request gets "
                      "exactly one reply, of the request's reply_type, and the server must "
                      "never take replies out of the queue: receive with msgtyp -3, never 0.",
                      (unsigned long)ds.msg_qnum, queue_words(qid));
    check_ulong(&srv, "The bytes in the queue (msg_cbytes: five replies)", ds.msg_cbytes,
                5 * REPLY_SIZE, "A reply's msgsz is REPLY_SIZE (64), the payload only: "
                "sizeof(struct reply) counts mtype too.");
    for (size_t i = 0; i < ARRAY_LEN(reqs); i++) {
        ssize_t n = take(qid, reqs[i].reply_type, &m);
        struct reply rep;

        if (n == -1)
            run_fail_halt(&srv, "No reply of type %ld is in the queue for the request \"%s\". "
                          "%s A reply's mtype is the request's reply_type.",
                          reqs[i].reply_type, reqs[i].text, queue_words(qid));
        check_ulong(&srv, "The size of a reply (its msgsz)", (unsigned long)n, REPLY_SIZE,
                    "msgsz counts the payload only: REPLY_SIZE, not sizeof(struct reply).");
        memcpy(&rep, &m, sizeof rep);
        if (rep.serial != reqs[i].serial)
            run_fail_halt(&srv, "The requests were served in the wrong order: \"%s\" (type "
                          "%ld) got serial %ld, but expected %ld. Urgent requests (type 1) "
                          "come first, then normal ones (type 2), each in the order they were "
                          "sent: c, e, a, b, d. msgrcv() with msgtyp -3 (negative) takes the "
                          "lowest type first; msgtyp 0 takes them in arrival order.",
                          reqs[i].text, reqs[i].type, rep.serial, reqs[i].serial);
        if (strncmp(rep.text, reqs[i].upper, sizeof rep.text) != 0)
            run_fail_halt(&srv, "The reply to \"%s\" reads \"%.*s\"; expected \"%s\".",
                          reqs[i].text, (int)sizeof rep.text, rep.text, reqs[i].upper);
    }
    if (take(qid, 0, &m) != -1)
        run_fail_halt(&srv, "After the five replies, a message of type %ld is still in the "
                            "queue; the server should have sent nothing else.", m.mtype);
    server_end(&srv, SIGTERM);
}

static void
server_concurrent(void)
{
    static const char *const types[] = { "1001", "1002", "1003", "1004", "1005", "1006" };
    static const char *const texts[] = { "one", "two", "three", "four", "five", "six" };
    static const char *const upper[] = { "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX" };
    struct run srv = RUN("msgserver", KEY), c[6];
    bool seen[7] = { false }, done[6];
    int qid = start_server(&srv);

    for (size_t i = 0; i < ARRAY_LEN(c); i++) {
        c[i] = ref_client(types[i], texts[i], i % 3 == 1);
        run_start(&c[i]);
    }
    for (size_t i = 0; i < ARRAY_LEN(c); i++)
        done[i] = wait_client(&c[i], &srv, qid, 1001 + (long)i);
    for (size_t i = 0; i < ARRAY_LEN(c); i++) {
        char got[128];
        long serial;

        expect_reply(&c[i], done[i], &srv, qid, 1001 + (long)i, upper[i]);
        serial = reply_line(&c[i], got, sizeof got);
        if (serial < 1 || serial > 6 || seen[serial])
            test_fail(&c[i], "Six clients at once should get the serial numbers 1 to 6, each "
                      "once, but this one got %ld.", serial);
        seen[serial] = true;
    }
    check_ulong(&srv, "The number of messages left in the queue after six exchanges",
                queue_stat(qid).msg_qnum, 0, "Each client takes its own reply; nothing "
                "else may be left.");
    server_end(&srv, SIGTERM);
}

static void
server_sigterm(void)
{
    struct run srv = RUN("msgserver", KEY);
    struct ipc_set before;
    int qid;

    snapshot(&before);
    qid = start_server(&srv);
    if (!run_wait_asleep_in(&srv, SYS_msgrcv, NULL, WAIT))
        server_stuck(&srv, qid, "With nothing to do, the server should wait in msgrcv().");
    server_stop(&srv, SIGTERM, SIGTERM_WENT_ON);
    if (strstr(srv.res.out, "shutdown served 0") == NULL)
        test_fail(&srv, "On SIGTERM the server should print \"shutdown served 0\" (it served "
                        "no request) before it exits.");
    expect_no_new_objects(&before, &srv, "After the server stopped on SIGTERM");
}

static void
server_shutdown_request(void)
{
    struct run srv = RUN("msgserver", KEY);
    struct ipc_set before;
    int qid;

    snapshot(&before);
    qid = grader_queue(KEY_NUM, 0600);
    put_request(qid, REQ_SHUTDOWN, 1003, "");
    put_request(qid, REQ_NORMAL, 1001, "last");
    put_request(qid, REQ_URGENT, 1002, "first");
    srv.req.timeout = 2 * WAIT;
    run_program(&srv);
    if (srv.res.timed_out)
        test_fail(&srv, "A shutdown request (type 3) was in the queue, but the server did "
                        "not stop. msgrcv() with msgtyp -3 takes it once no request of type "
                        "1 or 2 is left; then the server removes the queue and exits.");
    expect_success(&srv);
    if (strstr(srv.res.out, "served 1 urgent 1002 first") == NULL ||
        strstr(srv.res.out, "served 2 normal 1001 last") == NULL)
        test_fail(&srv, "The shutdown request was sent first, but it has type 3: the urgent "
                        "request (\"first\") and the normal one (\"last\") must be served "
                        "before it, as \"served 1 urgent 1002 first\" and \"served 2 normal "
                        "1001 last\".");
    if (strstr(srv.res.out, "shutdown served 2") == NULL)
        test_fail(&srv, "Before it exits, the server should print \"shutdown served 2\".");
    expect_no_new_objects(&before, &srv, "After the server stopped on a shutdown request");
}

static void
server_signal_status(void)
{
    struct run srv = RUN("msgserver", KEY);
    struct reply rep;
    ssize_t n;
    int qid = start_server(&srv);

    put_request(qid, REQ_NORMAL, 1001, "before");
    n = await_reply(&srv, qid, 1001, &rep, WAIT);
    expect_reply_msg(&srv, n, &rep, 1, "BEFORE");
    if (!run_wait_asleep_in(&srv, SYS_msgrcv, NULL, WAIT))
        server_stuck(&srv, qid, "After serving a request, the server should wait in "
                     "msgrcv() for the next one.");
    run_signal(&srv, SIGUSR1);
    if (!run_wait_output(&srv, "status served 1\n", WAIT)) {
        if (!run_alive(&srv)) {
            run_wait(&srv);
            test_fail(&srv, "SIGUSR1 arrived while the server waited in msgrcv(), and the "
                            "server exited. msgrcv() fails with EINTR when a signal handler "
                            "runs; that is not an error: print the status and call msgrcv() "
                            "again.");
        }
        server_stuck(&srv, qid, "After SIGUSR1 the server should print \"status served 1\" "
                     "and go on serving.");
    }
    put_request(qid, REQ_NORMAL, 1002, "after");
    n = await_reply(&srv, qid, 1002, &rep, WAIT);
    expect_reply_msg(&srv, n, &rep, 2, "AFTER");
    server_end(&srv, SIGTERM);
}

static void
server_oversized(void)
{
    struct { long mtype; long reply_type; char text[SERVICE_TEXT_MAX + 64]; } big;
    struct run srv = RUN("msgserver", KEY);
    struct any_msg m;
    struct reply rep;
    int qid = grader_queue(KEY_NUM, 0600);

    /* Their bytes past the text are not zero: a receive buffer that the
     * msgsz overflows (sizeof the structure, mtype counted) gets garbage
     * written past its end. */
    memset(&big, 0x7f, sizeof big);
    big.mtype = REQ_NORMAL;
    big.reply_type = 1001;
    memcpy(big.text, "too big", 7);
    put_message(qid, &big, REQUEST_SIZE + 8);               /* 8 bytes too big */
    put_message(qid, &big, REQUEST_SIZE + 64);              /* far too big */
    put_request(qid, REQ_NORMAL, 1002, "fine");
    start_server(&srv);
    if (!wait_served(&srv, qid, "served 1 ", WAIT))
        server_stuck(&srv, qid, "Two requests larger than REQUEST_SIZE (by 8 and 64 bytes) were "
                     "first in the queue, a proper one behind them; the server should drop "
                     "the first two and serve the third. msgrcv() fails with E2BIG and leaves a message that "
                     "is too big in the queue: take it out with MSG_NOERROR, or it blocks "
                     "every request behind it.");
    if (take(qid, 1002, &m) == -1)
        run_fail_halt(&srv, "The proper request (reply type 1002) got no reply. %s",
                      queue_words(qid));
    memcpy(&rep, &m, sizeof rep);
    if (strncmp(rep.text, "FINE", sizeof rep.text) != 0)
        run_fail_halt(&srv, "The reply of type 1002 should read \"FINE\", the answer to the "
                            "proper request; it reads \"%.*s\".", (int)sizeof rep.text,
                      rep.text);
    if (take(qid, 0, &m) != -1)
        run_fail_halt(&srv, "After serving, a message of type %ld is still in the queue: the "
                            "oversized request must be taken out and dropped, with no reply.",
                      m.mtype);
    if (!run_alive(&srv)) {
        run_wait(&srv);
        test_fail(&srv, "The server exited after a request that was too big. A bad client "
                        "must not stop the service: drop the message and go on.");
    }
    if (!run_wait_output(&srv, "\ndropped", 1))
        server_stuck(&srv, qid, "The server should log the request it drops, on a line "
                     "starting with \"dropped\".");

    /* A shutdown request that is too big is dropped like any other. */
    big.mtype = REQ_SHUTDOWN;
    put_message(qid, &big, REQUEST_SIZE + 8);
    {
        struct from_server f = { .srv = &srv, .qid = qid };
        struct watch w = { .idle = nothing_more, .ctx = &f };

        if (run_watch(&srv, &w, WAIT) == WATCH_EXITED) {
            run_wait(&srv);
            test_fail(&srv, "A shutdown request (type 3) 8 bytes larger than REQUEST_SIZE "
                            "made the server stop. A message too big is dropped, whatever "
                            "its type: receive with msgsz REQUEST_SIZE (not sizeof(struct "
                            "request), which counts mtype too), so that it fails with E2BIG.");
        }
    }
    server_end(&srv, SIGTERM);
}

static void
server_valgrind(void)
{
    struct run srv = RUN("msgserver", KEY);
    struct reply rep;
    ssize_t n;
    int qid;

    srv.req.valgrind = true;
    qid = start_server(&srv);
    put_request(qid, REQ_NORMAL, 1001, "check me");
    n = await_reply(&srv, qid, 1001, &rep, 3 * WAIT);
    expect_reply_msg(&srv, n, &rep, 1, "CHECK ME");
    put_request(qid, REQ_URGENT, 1002, "me too");
    n = await_reply(&srv, qid, 1002, &rep, 3 * WAIT);
    expect_reply_msg(&srv, n, &rep, 2, "ME TOO");
    server_stop(&srv, SIGTERM, SIGTERM_WENT_ON);
    expect_valgrind_clean(&srv);
}

static void
client_request(void)
{
    struct run c = client("1001", "hello", false);
    struct request req;
    struct ipc_set now;
    const struct ipc_obj *q;
    char got[128];
    ssize_t n;
    int qid = grader_queue(KEY_NUM, 0600);

    run_start(&c);
    n = await_request(&c, qid, &req, WAIT);
    expect_request(&c, n, &req, REQ_NORMAL, 1001, "hello");
    snapshot(&now);
    q = ipc_find_id(&now, IPC_KIND_MSG, qid);
    if (q == NULL || q->cpid != c.res.pid)
        run_fail_halt(&c, "The queue's last sender (msg_lspid) is not the client: the request "
                          "must come from msgclient itself.");
    expect_waiting_for(&c, 1001);
    put_reply(qid, 1001, 7, "HELLO THERE");
    run_wait(&c);
    expect_success(&c);
    expect_ulong(&c, "The serial number the client printed", (unsigned long)reply_line(&c,
                 got, sizeof got), 7, "Print the reply's serial field: \"reply %ld %s\".");
    if (strcmp(got, "HELLO THERE") != 0)
        test_fail(&c, "The client printed \"reply 7 %s\"; the reply's text was \"HELLO "
                      "THERE\".", got);
}

static void
client_urgent(void)
{
    struct run c = client("1001", "urgent", true);
    struct request req;
    ssize_t n;
    int qid = grader_queue(KEY_NUM, 0600);

    run_start(&c);
    n = await_request(&c, qid, &req, WAIT);
    expect_request(&c, n, &req, REQ_URGENT, 1001, "urgent");
    put_reply(qid, 1001, 1, "URGENT");
    run_wait(&c);
    expect_success(&c);
}

static void
client_own_reply(void)
{
    struct run c = client("1001", "mine", false);
    struct request req;
    struct any_msg m;
    char got[128];
    ssize_t n;
    int qid = grader_queue(KEY_NUM, 0600);

    put_reply(qid, 1002, 9, "NOT YOURS");
    run_start(&c);
    n = await_request(&c, qid, &req, WAIT);
    expect_request(&c, n, &req, REQ_NORMAL, 1001, "mine");
    expect_waiting_for(&c, 1001);
    put_reply(qid, 1001, 3, "MINE");
    run_wait(&c);
    expect_success(&c);
    expect_ulong(&c, "The serial number the client printed", (unsigned long)reply_line(&c,
                 got, sizeof got), 3, "A reply for another client (type 1002) was in the "
                 "queue first: receive with msgtyp = your reply type, never 0.");
    if (queue_stat(qid).msg_qnum != 1 || take(qid, 1002, &m) == -1)
        test_fail(&c, "The other client's reply (type 1002) should still be in the queue: "
                      "once a process receives a message, no other process can.");
}

static void
client_concurrent(void)
{
    static const char *const types[] = { "1001", "1002", "1003", "1004", "1005" };
    static const char *const texts[] = { "alpha", "bravo", "charlie", "delta", "echo" };
    static const char *const upper[] = { "ALPHA", "BRAVO", "CHARLIE", "DELTA", "ECHO" };
    struct run srv = RUN("msgserver", KEY), c[5];
    int qid;

    srv.req.reference = true;
    qid = start_server(&srv);
    for (size_t i = 0; i < ARRAY_LEN(c); i++) {
        c[i] = client(types[i], texts[i], i % 2);
        run_start(&c[i]);
    }
    for (size_t i = 0; i < ARRAY_LEN(c); i++)
        run_wait(&c[i]);
    for (size_t i = 0; i < ARRAY_LEN(c); i++) {
        char got[128];

        expect_success(&c[i]);
        reply_line(&c[i], got, sizeof got);
        for (size_t j = 0; j < ARRAY_LEN(c); j++)
            if (j != i && strcmp(got, upper[j]) == 0)
                test_fail(&c[i], "Five clients ran at once; this one asked for \"%s\" but "
                          "printed \"%s\": it took another client's reply. Wait for your "
                          "own reply type (msgtyp > 0).", texts[i], got);
        if (strcmp(got, upper[i]) != 0)
            test_fail(&c[i], "Five clients ran at once; this one asked for \"%s\" and should "
                      "print \"reply N %s\", but printed \"reply N %s\".", texts[i], upper[i],
                      got);
    }
    check_ulong(&srv, "The number of messages left in the queue", queue_stat(qid).msg_qnum,
                0, "Every request was served and every client took its reply.");
    server_end(&srv, SIGTERM);
}

static void
client_no_server(void)
{
    struct run c = client("1001", "anybody?", false);
    struct ipc_set before;

    snapshot(&before);
    run_program(&c);
    expect_no_new_objects(&before, &c, "The client must only open the service's queue "
                          "(msgget(key, 0)), never create it; with no server running");
    expect_error_exit(&c, "With no server (no queue has the key)");
    expect_stderr_has(&c, "No such file or directory", "msgget(key, 0) fails with ENOENT "
                      "when no queue has the key; report it with err_exit(\"msgget\").");
}

static void
client_server_gone(void)
{
    struct run c = client("1001", "still there?", false);
    struct request req;
    ssize_t n;
    int qid = grader_queue(KEY_NUM, 0600);

    run_start(&c);
    n = await_request(&c, qid, &req, WAIT);
    expect_request(&c, n, &req, REQ_NORMAL, 1001, "still there?");
    expect_waiting_for(&c, 1001);
    grader_remove(IPC_KIND_MSG, qid);
    run_wait(&c);
    expect_error_exit(&c, "When the queue is removed while the client waits for its reply");
    expect_stderr_has(&c, "Identifier removed", "A msgrcv() blocked on a queue that is "
                      "removed fails with EIDRM; report it with err_exit(\"msgrcv\").");
    expect_no_field(&c, "reply", "there was no reply.");
}

static void
client_full_queue(void)
{
    struct run quick = RUN("msgclient", "-n", "-t", "1001", KEY, "no wait");
    struct run patient = client("1002", "I wait", false);
    struct msqid_ds ds;
    struct request req;
    struct any_msg m;
    char got[128];
    ssize_t n;
    int qid = grader_queue(KEY_NUM, 0600);

    ds = queue_stat(qid);
    ds.msg_qbytes = REQUEST_SIZE;               /* room for one request */
    if (msgctl(qid, IPC_SET, &ds) == -1)
        test_error("The grader could not lower msg_qbytes: %s", strerror(errno));
    put_request(qid, REQ_NORMAL, 1999, "fills the queue");

    quick.req.timeout = WAIT;
    run_program(&quick);
    if (quick.res.timed_out)
        test_fail(&quick, "With -n and a full queue, the client must fail at once: pass "
                          "IPC_NOWAIT to msgsnd(), which then fails with EAGAIN instead of "
                          "waiting for room.");
    expect_error_exit(&quick, "With -n and a full queue");
    expect_stderr_has(&quick, "Resource temporarily unavailable", "msgsnd() with IPC_NOWAIT "
                      "fails with EAGAIN on a full queue; report it with "
                      "err_exit(\"msgsnd\").");
    expect_ulong(&quick, "The number of messages in the full queue after `-n`",
                 queue_stat(qid).msg_qnum, 1, "Nothing can be sent to a full queue.");

    run_start(&patient);
    if (!run_wait_asleep_in(&patient, SYS_msgsnd, NULL, WAIT))
        run_fail_halt(&patient, "Without -n, a client facing a full queue must wait in "
                                "msgsnd() until there is room (no IPC_NOWAIT); it did not.");
    take(qid, REQ_NORMAL, &m);                  /* make room: its send goes through */
    n = await_request(&patient, qid, &req, WAIT);
    expect_request(&patient, n, &req, REQ_NORMAL, 1002, "I wait");
    put_reply(qid, 1002, 1, "I WAIT");
    run_wait(&patient);
    expect_success(&patient);
    reply_line(&patient, got, sizeof got);
}

static void
client_valgrind(void)
{
    static const struct { bool urgent; const char *type, *text, *upper; } runs[] = {
        { false, "1001", "valgrind", "VALGRIND" }, { true, "1002", "urgent", "URGENT" },
    };
    int qid = grader_queue(KEY_NUM, 0600);

    for (size_t i = 0; i < ARRAY_LEN(runs); i++) {
        struct run c = client(runs[i].type, runs[i].text, runs[i].urgent);
        struct request req;
        char got[128];
        ssize_t n;

        c.req.valgrind = true;
        c.req.timeout = 0;                      /* Valgrind's own default */
        run_start(&c);
        n = await_request(&c, qid, &req, 6 * WAIT);
        expect_request(&c, n, &req, runs[i].urgent ? REQ_URGENT : REQ_NORMAL,
                       strtol(runs[i].type, NULL, 10), runs[i].text);
        put_reply(qid, req.reply_type, (long)i + 1, runs[i].upper);
        run_wait(&c);
        expect_success(&c);
        reply_line(&c, got, sizeof got);
        if (strcmp(got, runs[i].upper) != 0)
            test_fail(&c, "The client printed \"%s\"; the reply was \"%s\".", got,
                      runs[i].upper);
        expect_valgrind_clean(&c);
    }
}

static void
bad_usage(void)
{
    static const char *const cases[][6] = {
        { "msgserver" }, { "msgserver", "zz" }, { "msgserver", KEY, "extra" },
        { "msgclient" }, { "msgclient", KEY }, { "msgclient", "-t", "2", KEY, "x" },
        { "msgclient", "-t", "1001", KEY, "a text far too long to fit in one request of "
          "fifty-six bytes" },
        { "msgclient", "-x", KEY, "x" }, { "msgclient", "-s", KEY, "extra" },
        { "msgclient", "-t", "1001", KEY, "" }, { "msgserver", "keyfile:0" },
        { "msgserver", ":1" }, { "msgclient", "-t", "1001", "keyfile:256", "x" },
    };
    struct ipc_set before;
    int qid = grader_queue(KEY_NUM, 0600);

    snapshot(&before);
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct run r = RUN(cases[i][0], cases[i][1], cases[i][2], cases[i][3], cases[i][4],
                           cases[i][5]);

        r.req.timeout = WAIT;
        run_program(&r);
        expect_usage_error(&r);
        expect_no_new_objects(&before, &r, "After a usage error");
        expect_ulong(&r, "The number of messages in the queue after a usage error",
                     queue_stat(qid).msg_qnum, 0, "A wrong command line must send nothing.");
    }
}

/* The server's reply meets a full queue: it must wait in msgsnd() for room
 * (flags 0), go on waiting after a signal handler ran (EINTR, SIGUSR1 here),
 * and send the reply once there is room. The queue is made full by a
 * message of the grader's behind the request and a msg_qbytes lowered to
 * one message (IPC_SET may set it below what the queue holds). */
static void
server_full_queue(void)
{
    struct run srv = RUN("msgserver", KEY);
    struct msqid_ds ds;
    struct reply rep;
    struct any_msg m;
    ssize_t n;
    int qid = grader_queue(KEY_NUM, 0600);

    put_request(qid, REQ_NORMAL, 1001, "wait for room");
    put_reply(qid, 5000, 1, "FILLS THE QUEUE");
    ds = queue_stat(qid);
    ds.msg_qbytes = REPLY_SIZE;                 /* room for one message */
    if (msgctl(qid, IPC_SET, &ds) == -1)
        test_error("The grader could not lower msg_qbytes: %s", strerror(errno));
    start_server(&srv);
    if (!run_wait_asleep_in(&srv, SYS_msgsnd, NULL, WAIT)) {
        if (!run_alive(&srv)) {
            run_wait(&srv);
            test_fail(&srv, "The queue was full when the server had a reply to send, and the "
                            "server exited. msgsnd(qid, &rep, REPLY_SIZE, 0) (no IPC_NOWAIT) "
                            "waits until there is room.");
        }
        server_stuck(&srv, qid, "The queue was full when the server had a reply to send: it "
                     "should wait in msgsnd() until there is room.");
    }
    run_signal(&srv, SIGUSR1);
    if (run_wait_exit(&srv, 0.5)) {
        test_fail(&srv, "SIGUSR1 arrived while the server waited in msgsnd() for room for a "
                        "reply, and the server exited. msgsnd() fails with EINTR when a "
                        "signal handler runs; unless the signal asks it to stop, the server "
                        "must send the reply again.");
    }
    if (!run_wait_asleep_in(&srv, SYS_msgsnd, NULL, WAIT))
        server_stuck(&srv, qid, "After SIGUSR1, the queue still full, the server should go on "
                     "waiting in msgsnd() to send its reply.");
    take(qid, 5000, &m);                        /* make room */
    n = await_reply(&srv, qid, 1001, &rep, WAIT);
    expect_reply_msg(&srv, n, &rep, 1, "WAIT FOR ROOM");
    server_end(&srv, SIGTERM);
}

/* E2BIG from the main loop's msgrcv(), but the message changed before
 * drop_oversized()'s second msgrcv() (the fault library makes the first
 * fail): a proper request slipped in front (with a reply of another client
 * ahead of it, which is not the server's to take), and then nothing at all
 * (the second msgrcv() finds nothing: ENOMSG, not an error). */
static void
server_oversized_gone(void)
{
    struct run srv = RUN("msgserver", KEY);
    struct reply rep;
    struct any_msg m;
    ssize_t n;
    int qid = grader_queue(KEY_NUM, 0600);

    put_reply(qid, 1001, 9, "NOT A REQUEST");
    put_request(qid, REQ_NORMAL, 1002, "slipped in");
    srv.req.fault = "msgrcv:E2BIG:1,msgrcv:E2BIG:3";
    start_server(&srv);
    n = await_reply(&srv, qid, 1002, &rep, WAIT);
    if (run_wait_output(&srv, "dropped", 0))
        run_fail_halt(&srv, "msgrcv() failed with E2BIG, but when the server took the "
                      "message out the first request was a proper one (64 bytes): it should "
                      "have been served, not dropped. With a buffer one byte larger than a "
                      "request and MSG_NOERROR, a proper request comes back whole, and only "
                      "a longer one is the oversized request.");
    expect_reply_msg(&srv, n, &rep, 1, "SLIPPED IN");
    if (take(qid, 1001, &m) == -1)
        run_fail_halt(&srv, "Another client's reply (type 1001) was in the queue before the "
                      "request, and it is gone: the server took it. After E2BIG, take the "
                      "request out with msgtyp -3 too, never 0. %s", queue_words(qid));
    if (!run_wait_asleep_in(&srv, SYS_msgrcv, NULL, WAIT)) {
        if (!run_alive(&srv)) {
            run_wait(&srv);
            test_fail(&srv, "After E2BIG, the message was gone when the server tried to take "
                            "it out (msgrcv() with IPC_NOWAIT failed with ENOMSG), and the "
                            "server exited. ENOMSG there is not an error: go on serving.");
        }
        server_stuck(&srv, qid, "After serving, the server should wait in msgrcv() for the "
                     "next request.");
    }
    if (run_wait_output(&srv, "dropped", 0))
        run_fail_halt(&srv, "After E2BIG the queue held no request any more (the second "
                      "msgrcv() failed with ENOMSG), yet the server printed a \"dropped\" "
                      "line: on failure, msgrcv()'s buffer holds nothing to report.");
    put_request(qid, REQ_URGENT, 1003, "still here");
    n = await_reply(&srv, qid, 1003, &rep, WAIT);
    expect_reply_msg(&srv, n, &rep, 2, "STILL HERE");
    server_end(&srv, SIGTERM);
}

/* Every failure of the server's calls ends it with a message and status 1:
 * msgget(), msgsnd() of a reply, the msgrcv() after E2BIG, IPC_RMID (made
 * to fail by the fault library), and msgrcv() on a queue removed under it. */
static void
server_errors(void)
{
    static const struct {
        const char *fault, *when, *err, *advice;
        long request;
    } cases[] = {
        { "msgget:EACCES", "When msgget() fails", "Permission denied", "Check msgget()'s "
          "result: err_exit(\"msgget\").", 0 },
        { "msgsnd:EACCES", "When msgsnd() of a reply fails (not with EINTR)",
          "Permission denied", "Only EINTR is retried in send_reply(); any other failure: "
          "err_exit(\"msgsnd\").", REQ_NORMAL },
        { "msgrcv:E2BIG:1,msgrcv:EACCES:2", "When the msgrcv() that takes an oversized "
          "request out fails (not with ENOMSG or EINTR)", "Permission denied", "In "
          "drop_oversized(), only ENOMSG and EINTR mean \"go on\"; any other failure: "
          "err_exit(\"msgrcv\").", 0 },
        { "msgctl:EPERM", "When msgctl(IPC_RMID) fails as the server stops",
          "Operation not permitted", "Check the removal's result: "
          "err_exit(\"msgctl(IPC_RMID)\").", REQ_SHUTDOWN },
    };
    struct run srv = RUN("msgserver", KEY);
    int qid = grader_queue(KEY_NUM, 0600);

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct run r = RUN("msgserver", KEY);

        if (cases[i].request)
            put_request(qid, cases[i].request, 1001, "fails");
        r.req.fault = cases[i].fault;
        r.req.timeout = WAIT;
        run_program(&r);
        expect_error_exit(&r, cases[i].when);
        expect_stderr_has(&r, cases[i].err, cases[i].advice);
        if (i == 0)
            expect_no_field(&r, "ready msqid", "msgget() failed: there is no queue id.");
        if (cases[i].request == REQ_SHUTDOWN)
            expect_no_field(&r, "shutdown served", "the queue was not removed.");
        while (take(qid, 0, &(struct any_msg){ 0 }) != -1)
            ;
    }
    qid = start_server(&srv);
    if (!run_wait_asleep_in(&srv, SYS_msgrcv, NULL, WAIT))
        server_stuck(&srv, qid, "With nothing to do, the server should wait in msgrcv().");
    grader_remove(IPC_KIND_MSG, qid);
    if (!run_wait_exit(&srv, WAIT))
        run_fail_halt(&srv, "The queue was removed while the server waited in msgrcv(), and "
                            "the server went on. msgrcv() then fails with EIDRM: "
                            "err_exit(\"msgrcv\").");
    expect_error_exit(&srv, "When the queue is removed while the server waits in msgrcv()");
    expect_stderr_has(&srv, "Identifier removed", "A msgrcv() blocked on a queue that is "
                      "removed fails with EIDRM; report it with err_exit(\"msgrcv\").");
}

/* EINTR from msgsnd() and from msgrcv() (made by the fault library, as a
 * signal would): the client calls again, and completes. */
static void
client_eintr(void)
{
    struct run c = client("1001", "again", false);
    struct request req;
    char got[128];
    ssize_t n;
    int qid = grader_queue(KEY_NUM, 0600);

    c.req.fault = "msgsnd:EINTR:1,msgrcv:EINTR:1";
    run_start(&c);
    n = await_request(&c, qid, &req, WAIT);
    expect_request(&c, n, &req, REQ_NORMAL, 1001, "again");
    put_reply(qid, 1001, 4, "AGAIN");
    run_wait(&c);
    if (c.res.exit_code > 0)
        test_fail(&c, "The client's msgrcv() failed with EINTR (as when a signal handler "
                      "runs), and the client gave up. EINTR is not an error: call msgrcv() "
                      "again.");
    expect_success(&c);
    if (reply_line(&c, got, sizeof got) != 4 || strcmp(got, "AGAIN") != 0)
        test_fail(&c, "The client should print \"reply 4 AGAIN\".");
}

/* The client's calls failing (the fault library), a reply of the wrong
 * size, and a pid that is a request type (pid 2 in the run's namespace,
 * without -t): a message, status 1, no reply line, nothing left sent. */
static void
client_errors(void)
{
    static const struct {
        const char *fault, *when, *advice;
    } cases[] = {
        { "msgget:EACCES", "When msgget() fails with EACCES", "Every msgget() failure is an "
          "error, not only ENOENT: err_exit(\"msgget\")." },
        { "msgsnd:EACCES", "When msgsnd() fails with EACCES", "Every msgsnd() failure but "
          "EINTR is an error: err_exit(\"msgsnd\")." },
        { "msgrcv:EACCES", "When msgrcv() fails with EACCES", "Every msgrcv() failure but "
          "EINTR is an error: err_exit(\"msgrcv\")." },
    };
    struct run small = client("1001", "small", false);
    struct request req;
    struct reply rep;
    struct any_msg m;
    ssize_t n;
    int qid = grader_queue(KEY_NUM, 0600);

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct run c = client("1001", "fails", false);

        c.req.fault = cases[i].fault;
        run_program(&c);
        expect_error_exit(&c, cases[i].when);
        expect_stderr_has(&c, "Permission denied", cases[i].advice);
        expect_no_field(&c, "reply", "there was no reply.");
        while (take(qid, 0, &m) != -1)
            ;
    }

    run_start(&small);
    n = await_request(&small, qid, &req, WAIT);
    expect_request(&small, n, &req, REQ_NORMAL, 1001, "small");
    expect_waiting_for(&small, 1001);
    memset(&rep, 0, sizeof rep);
    rep.mtype = 1001;
    rep.serial = 8;
    put_message(qid, &rep, 10);
    run_wait(&small);
    expect_error_exit(&small, "When the reply is 10 bytes instead of REPLY_SIZE (64)");
    expect_no_field(&small, "reply", "a 10-byte message is not a reply of msgserver's.");

    {
        struct { long mtype; char payload[REPLY_SIZE + 8]; } big;
        struct run large = client("1001", "large", false);

        run_start(&large);
        n = await_request(&large, qid, &req, WAIT);
        expect_request(&large, n, &req, REQ_NORMAL, 1001, "large");
        expect_waiting_for(&large, 1001);
        memset(&big, 0x7f, sizeof big);
        big.mtype = 1001;
        put_message(qid, &big, sizeof big.payload);
        run_wait(&large);
        expect_error_exit(&large, "When the reply is 8 bytes longer than REPLY_SIZE");
        expect_stderr_has(&large, "Argument list too long", "msgrcv(qid, &rep, REPLY_SIZE, "
                          "...) fails with E2BIG for a longer message. With sizeof(struct "
                          "reply), which counts mtype too, it would write 8 bytes past the "
                          "end of rep.");
        expect_no_field(&large, "reply", "a message too big is not a reply of msgserver's.");
        while (take(qid, 0, &m) != -1)
            ;
    }

    if (grader_pid_seen(getpid()) == 0) {       /* the client is pid 2 of its namespace */
        struct run pid2 = RUN("msgclient", KEY, "who am I");

        pid2.req.timeout = WAIT;
        run_program(&pid2);
        if (pid2.res.timed_out)
            test_fail(&pid2, "Without -t the client runs as pid 2 here (in a PID namespace), "
                             "so its pid cannot be its reply type (1 to 3 are request "
                             "types), and it waited forever. It must refuse: a message and "
                             "exit status 1.");
        expect_error_exit(&pid2, "Without -t, when the client's pid (2 here) is a request "
                          "type");
        expect_ulong(&pid2, "The number of messages in the queue after a client whose pid "
                     "is a request type", queue_stat(qid).msg_qnum, 0, "It must send "
                     "nothing: nobody would ever answer it.");
    }
}

/* KEY as PATH:PROJ_ID: a missing file fails in ftok() (status 1, no queue
 * made) in both programs; a PATH of 4095 bytes, the longest there is, works
 * in both. */
static void
key_paths(void)
{
    static const char *const commands[] = { "msgserver no-such-file:65",
                                            "msgclient -t 1001 no-such-file:65 x" };
    struct run missing[] = { RUN("msgserver", "no-such-file:65"),
                             RUN("msgclient", "-t", "1001", "no-such-file:65", "x") };
    struct strbuf path = { 0 };
    struct run srv, c;
    const char *key;
    char got[128];

    scratch_file("keyfile", "x\n");
    for (size_t i = 0; i < ARRAY_LEN(missing); i++) {
        missing[i].req.timeout = WAIT;
        expect_ftok_missing(&missing[i], commands[i], "a queue");
    }

    while (path.len + 2 + strlen("keyfile") <= 4095)
        sb_adds(&path, "./");
    sb_adds(&path, "keyfile");                  /* 4095 bytes */
    key = test_strf("%s:1", sb_str(&path));
    srv = RUN("msgserver", key);
    server_start(&srv, "ready", "ready msqid N", test_strf("with a PATH of 4095 bytes (the "
                 "longest a path can be, %d with its '\\0'), %s", 4096, READY_MUST));
    c = RUN("msgclient", "-t", "1001", key, "long path");
    c.req.timeout = WAIT;
    run_program(&c);
    if (c.res.exit_code == 2)
        test_fail(&c, "The client refused a KEY whose PATH has 4095 bytes: a path may be as "
                      "long as PATH_MAX (4096) with its '\\0'.");
    expect_success(&c);
    reply_line(&c, got, sizeof got);
    if (strcmp(got, "LONG PATH") != 0)
        test_fail(&c, "The client printed \"reply N %s\"; expected \"reply N LONG PATH\".",
                  got);
    server_end(&srv, SIGTERM);
    sb_free(&path);
}

/* ---- the table ---- */

static const struct test_def tests[] = {
    { "server_replies", "the server answers a request with a 64-byte reply: its text in "
      "capitals, to the client's reply type", 2, server_replies, "reply.mtype = "
      "request.reply_type; msgsnd with REPLY_SIZE.", NULL, "Request and reply on one queue" },
    { "server_priority", "the server serves urgent requests first (msgtyp -3), in order, "
      "with 64-byte replies", 3, server_priority, "msgrcv(qid, &req, REQUEST_SIZE, "
      "-REQ_SHUTDOWN, 0).", NULL, "Priorities with a negative msgtyp" },
    { "server_concurrent", "the server answers six clients at once, each with its own reply",
      2, server_concurrent, "one reply per request, addressed by type.", NULL,
      "Request and reply on one queue" },
    { "server_sigterm", "on SIGTERM the server stops, removes its queue and exits 0", 2,
      server_sigterm, "the handler sets a flag; on EINTR the loop checks it, then "
      "msgctl(qid, IPC_RMID, NULL).", NULL, "Signals: EINTR" },
    { "server_shutdown_request", "a shutdown request (type 3) is served after the pending "
      "requests, then the queue is removed", 1, server_shutdown_request, "type 3 is the "
      "highest type msgtyp -3 takes, so it comes last.", NULL, "Priorities with a "
      "negative msgtyp" },
    { "server_signal_status", "SIGUSR1 prints a status line and the server goes on (EINTR "
      "is retried)", 1, server_signal_status, "msgrcv() is never restarted after a signal "
      "handler: on EINTR, call it again.", NULL, "Signals: EINTR" },
    { "server_oversized", "a request that is too big (E2BIG) is dropped, and the next one "
      "served", 1, server_oversized, "on E2BIG, take the message out with MSG_NOERROR and "
      "drop it.", NULL, "A message too big: E2BIG and MSG_NOERROR" },
    { "server_full_queue", "on a full queue the server waits in msgsnd() to send its reply, "
      "even through a signal, and sends it once there is room", 1, server_full_queue,
      "msgsnd(qid, &rep, REPLY_SIZE, 0): no IPC_NOWAIT; on EINTR, send again unless told to "
      "stop.", NULL, "Signals: EINTR" },
    { "server_oversized_gone", "after E2BIG, a proper request that slipped in front is "
      "served and an empty queue is no error", 1, server_oversized_gone, "the second msgrcv() "
      "has msgtyp -3 too; a message of REQUEST_SIZE bytes is a request to serve; ENOMSG means "
      "go on.", NULL, "A message too big: E2BIG and MSG_NOERROR" },
    { "server_errors", "the server reports a failing msgget(), msgsnd(), msgrcv() or IPC_RMID "
      "with exit status 1", 1, server_errors, "check every call's -1; only EINTR (and ENOMSG "
      "after E2BIG) is not an error.", NULL, "Exercise: msgserver and msgclient" },
    { "server_valgrind", "the server runs clean under Valgrind (no uninitialised bytes sent)",
      2, server_valgrind, "zero the reply before filling it: msgsnd() copies every byte of "
      "the payload.", NULL, "Common mistakes" },
    { "client_request", "the client sends a 64-byte normal request and prints the reply "
      "of its type", 2, client_request, "msgsnd(qid, &req, REQUEST_SIZE, 0), then "
      "msgrcv(qid, &rep, REPLY_SIZE, reply_type, 0).", NULL, "The message layout" },
    { "client_urgent", "with -u the client sends an urgent request (type 1)", 1,
      client_urgent, "req.mtype = REQ_URGENT with -u.", NULL, "The message layout" },
    { "client_own_reply", "the client takes only its own reply, and leaves others' in the "
      "queue", 2, client_own_reply, "msgtyp = the reply type, never 0.", NULL,
      "Choosing a message by type" },
    { "client_concurrent", "five clients at once each get their own reply", 2,
      client_concurrent, "each client waits on its own reply type.", NULL,
      "Request and reply on one queue" },
    { "client_eintr", "the client calls msgsnd() and msgrcv() again after EINTR", 1,
      client_eintr, "EINTR means a signal handler ran: it is not an error, call again.", NULL,
      "Signals: EINTR" },
    { "client_no_server", "without a server the client fails with ENOENT and creates "
      "nothing", 1, client_no_server, "msgget(key, 0): a client never creates the queue.",
      NULL, "Common mistakes" },
    { "client_server_gone", "a client waiting for its reply fails with EIDRM when the queue "
      "is removed", 1, client_server_gone, "report EIDRM from msgrcv() and exit 1.", NULL,
      "The queue removed under you: EIDRM" },
    { "client_full_queue", "on a full queue, -n fails at once (EAGAIN); without -n the "
      "client waits", 2, client_full_queue, "IPC_NOWAIT only with -n.", NULL,
      "When the queue is full" },
    { "client_valgrind", "the client runs clean under Valgrind (no uninitialised bytes sent)",
      2, client_valgrind, "memset() the request before filling it.", NULL,
      "Common mistakes" },
    { "client_errors", "the client reports a failing msgget(), msgsnd() or msgrcv(), a "
      "reply of the wrong size and a pid that is a request type, with exit status 1", 1,
      client_errors, "check every call's -1, and that the reply has REPLY_SIZE bytes.", NULL,
      "Exercise: msgserver and msgclient" },
    { "key_paths", "a PATH:PROJ_ID key: a missing file fails in ftok(); a 4095-byte PATH "
      "works", 1, key_paths, "check ftok()'s -1; a path fits in PATH_MAX (4096) bytes with "
      "its '\\0'.", NULL, "Exercise: msgserver and msgclient" },
    { "bad_usage", "both programs reject a wrong command line with a usage message", 1,
      bad_usage, "the skeletons' argument parsing does this; keep usage_err() for bad "
      "input.", NULL, NULL },
};

const struct exercise exercise_msgqueue = {
    .id = "msgqueue",
    .title = "Message queues: msgsnd() and msgrcv()",
    .chapter = CHAPTER,
    .programs = programs,
    .tests = tests,
    .ntests = ARRAY_LEN(tests),
};
