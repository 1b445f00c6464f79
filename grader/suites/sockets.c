/* sockets.c: exercise `sockets` (chapters/09-sockets.md). The student
 * writes both ends of a line service on a Unix domain stream socket
 * (protocol: exercises/include/sockservice.h): sockserver, which serves
 * many clients at once until SIGTERM, and sockclient, which sends each of
 * its TEXTs as a line and prints each reply.
 *
 * Most tests put the grader itself on the other end of the socket: it
 * connects to the student's server (sending a request in pieces, several
 * in one write, half a line it never finishes, a line too long, a request
 * from a client that has gone), or listens for the student's client and
 * answers it in pieces. Two tests run the reference client against the
 * student's server, several at once. The server's descriptors are looked
 * at while it runs (/proc/PID/fd: are the connections of clients that left
 * closed?) and at its exit (Valgrind --track-fds). A wait that can no
 * longer end (the server has read everything and sleeps without answering)
 * is cut short and explained with where the server is blocked ("blocked in
 * read() on descriptor 4 (a client's connection, accepted on socket
 * service.sock)"). */
#define _GNU_SOURCE
#include "suite.h"
#include "../../exercises/include/sockservice.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define CHAPTER "chapters/09-sockets.md"
#define SOCK    "service.sock"  /* in the programs' (and the test's) folder */
#define WAIT    5.0             /* seconds to wait for something that takes ms */
#define VG_WAIT 30.0            /* the same under Valgrind */
#define READY_MUST "it must make its socket, bind it to " SOCK ", listen(), print that " \
                   "line and serve clients until it gets SIGTERM"
#define STOP_WENT_ON "After SIGTERM the server should close its connections, remove " SOCK \
                     " and exit, but it went on. The handler sets a flag; poll() (or " \
                     "accept(), read()) then fails with EINTR, and the loop must look at " \
                     "the flag before waiting again. See " CHAPTER ", \"Stopping a server " \
                     "cleanly\"."

static const char *const programs[] = { "sockserver", "sockclient", NULL };

/* ---- the grader's view of the programs ---- */

/* The test works in the programs' folder, so that SOCK names the same
 * file for both (and stays far below sun_path's 108 bytes). */
static void
in_scratch(void)
{
    if (chdir(g_test.scratch) == -1)
        test_error("The grader could not enter its scratch folder: %s", strerror(errno));
}

/* How long a program gets for what takes it milliseconds. */
static double
patience(const struct run *r)
{
    return r->req.valgrind ? VG_WAIT : WAIT;
}

/* The descriptors Valgrind found open when the program exited, explained;
 * connections (opened by accept()) are counted apart. */
static void
expect_no_open_fds(struct run *r, bool server)
{
    size_t accepted = 0;
    struct strbuf list = { 0 };

    if (!r->res.fds_reported)
        test_error("The grader found no descriptor report from Valgrind (--track-fds=yes).");
    if (r->res.n_open_fds == 0)
        return;
    for (size_t i = 0; i < r->res.n_open_fds; i++) {
        struct strbuf one = { 0 };
        const struct vg_error *opened = r->res.open_fds[i].opened;
        const char *call = opened && opened->nframes ? opened->frames[0].fn : NULL;

        if (call && strncmp(call, "accept", 6) == 0)
            accepted++;
        vg_describe_fd(&r->res.open_fds[i], g_ctx.sources, &one);
        feedback('V', sb_str(&one));
        sb_addf(&list, "- %s\n", sb_str(&one));
        sb_free(&one);
    }
    if (server && accepted > 0)
        test_fail(r, "Valgrind (--track-fds=yes) found %zu descriptor%s still open when the "
                  "server exited:\n%sYour server kept %zu connection%s open after %s client%s "
                  "left: close(cfd) when a client disconnects (read() returns 0), and close "
                  "every connection and the listening socket before you exit. See " CHAPTER
                  ", \"Closing: every descriptor, every time\".", r->res.n_open_fds,
                  r->res.n_open_fds == 1 ? "" : "s", sb_str(&list), accepted, accepted == 1 ?
                  "" : "s", accepted == 1 ? "its" : "their", accepted == 1 ? "" : "s");
    test_fail(r, "Valgrind (--track-fds=yes) found %zu descriptor%s still open when the %s "
              "exited:\n%sclose() each descriptor once you are done with it: the kernel "
              "closes them at exit, but a program that forgets them in a loop runs out. See "
              CHAPTER ", \"Closing: every descriptor, every time\".", r->res.n_open_fds,
              r->res.n_open_fds == 1 ? "" : "s", server ? "server" : "client", sb_str(&list));
}

/* ---- the socket file ---- */

/* A socket file SOCK that nobody listens on: what a server that was
 * killed leaves behind (the grader's listening socket, closed). */
static void
make_stale_socket(void)
{
    close(conn_listen(SOCK));
}

/* ---- the grader's end of a connection (conn.h) ---- */

/* Connect to SOCK, as a client does; the program at the other end is r. */
static void
conn_open(struct run *r, struct conn *c, const char *name)
{
    conn_connect(r, c, SOCK, name, (uid_t)-1, WAIT,
                 "See " CHAPTER ", \"bind(): giving a socket a name\".");
}

static void
conn_sends(struct run *r, struct conn *c, const char *text)
{
    conn_send(r, c, text, strlen(text), WAIT);
}


/* The partial line received so far, for messages: "" or " It sent
 * \"1 HEL\" without a '\n' to end the line." */
static const char *
partial_words(const struct conn *c)
{
    if (c->len == 0)
        return "";
    return test_strf(" It sent \"%.*s\" without a '\\n' to end the line.", (int)c->len,
                     c->buf);
}

/* The next line the server sends on c must be `want`. */
static void
expect_reply(struct run *srv, struct conn *c, const char *want, const char *situation)
{
    char got[REPLY_MAX + 64];
    enum conn_got rc = conn_line(srv, c, got, sizeof got, patience(srv));

    if (rc == CONN_LINE && strcmp(got, want) == 0)
        return;
    switch (rc) {
    case CONN_LINE:
        run_fail_halt(srv, "%s, the server's reply on %s is wrong.\n  expected: %s\n  found:  "
                      "  %s\nA reply is the request's serial number (1 for the first request "
                      "the server answers, from any client), a space and the request's text "
                      "in capital letters, then '\\n'.", situation, c->name, want, got);
    case CONN_EOF:
        run_fail_halt(srv, "%s, the server closed %s instead of replying \"%s\".%s", situation,
                  c->name, want, partial_words(c));
    case CONN_IDLE:
        run_fail_halt(srv, "%s, no reply came on %s (expected \"%s\"): the server has read "
                  "everything the grader sent and sleeps without answering.%s", situation,
                  c->name, want, partial_words(c));
    case CONN_EXITED:
        run_fail_halt(srv, "%s, no reply came on %s (expected \"%s\").%s", situation, c->name,
                  want, partial_words(c));
    case CONN_LATE:
        run_fail_halt(srv, "%s, no reply came on %s within %.0f s (expected \"%s\").%s",
                  situation, c->name, patience(srv), want, partial_words(c));
    }
    abort();
}

/* Wait until the server has read everything sent on c and sleeps: it has
 * done all it will do with it (a server that never sleeps gets a second
 * after reading it; server_idle is the test about that). */
static void
wait_consumed(struct run *srv, struct conn *c, const char *what)
{
    conn_wait_consumed(srv, c, what, patience(srv), false);
}

/* Nothing may have come on c (the server must not have answered yet). */
static void
expect_nothing_yet(struct run *srv, struct conn *c, const char *situation, const char *advice)
{
    ssize_t n = recv(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len, MSG_DONTWAIT);

    if (n > 0)
        c->len += (size_t)n;
    if (c->len > 0)
        run_fail_halt(srv, "%s, the server already sent \"%.*s\" on %s. %s", situation,
                  (int)strcspn(c->buf, "\n"), c->buf, c->name, advice);
    if (n == 0)
        run_fail_halt(srv, "%s, the server closed %s. %s", situation, c->name, advice);
}

/* ---- the student's server, and reference clients ---- */

/* Start the student's (or the reference) server in the test's folder. */
static void
start_server(struct run *srv)
{
    in_scratch();
    server_start(srv, "ready", "ready " SOCK, READY_MUST);
    if (!run_wait_output(srv, "ready " SOCK "\n", 1))
        run_fail_halt(srv, "The server should print \"ready %s\" once it listens.", SOCK);
}

/* A reference client: sockclient SOCK TEXT... */
static struct run
ref_client(const char *a, const char *b, const char *c)
{
    struct run r = RUN("sockclient", SOCK, a, b, c);

    r.req.reference = true;
    r.req.timeout = WAIT;
    return r;
}

/* A reference client must have got all its replies; if not, say so with
 * what it printed and where the server is. */
static void
expect_ref_client(struct run *srv, struct run *c)
{
    struct strbuf cmd = { 0 }, said = { 0 };

    if (!c->res.timed_out && c->res.term_signal == 0 && c->res.exit_code == 0)
        return;
    run_words(c, &cmd);
    if (c->res.out[0])
        sb_indent(&said, c->res.out, "  stdout | ");
    if (c->res.err[0])
        sb_indent(&said, c->res.err, "  stderr | ");
    run_fail_halt(srv, "The reference client `%s` %s:\n%s", sb_str(&cmd),
              c->res.timed_out ? "got no reply in time" : "failed", sb_str(&said));
}

/* ---- the student's client ---- */

/* Take the student's client's connection on the grader's lfd. */
static void
accept_client(struct run *cl, struct conn *c, int lfd)
{
    conn_accept(cl, c, lfd, "the client's connection", WAIT,
                "socket(AF_UNIX, SOCK_STREAM, 0), then connect() to the path. See " CHAPTER
                ", \"connect(): the client side\".");
}

/* The next request the client sends must be `want`. */
static void
expect_request(struct run *cl, struct conn *c, const char *want)
{
    char got[REQUEST_MAX + 64];
    enum conn_got rc = conn_line(cl, c, got, sizeof got, patience(cl));

    if (rc == CONN_LINE && strcmp(got, want) == 0)
        return;
    if (rc == CONN_LINE)
        run_fail_halt(cl, "The client's request is wrong.\n  expected: %s\\n\n  found:    "
                      "%s\\n\nSend each TEXT as one line: its bytes, then '\\n'.", want, got);
    run_fail_halt(cl, "The grader waited for the request \"%s\\n\" from the client, but %s.%s",
              want, rc == CONN_EOF ? "the client closed the connection" :
              rc == CONN_IDLE ? "the client sleeps without sending it" :
              rc == CONN_EXITED ? "the client exited" : "it did not come in time",
              partial_words(c));
}

/* Start the student's client (a deadline of 3 * WAIT), take its connection
 * on the grader's lfd, and its first request, which must be `first`. */
static void
client_connects(struct run *cl, struct conn *c, int lfd, const char *first)
{
    cl->req.timeout = 3 * WAIT;
    run_start(cl);
    accept_client(cl, c, lfd);
    expect_request(cl, c, first);
}

/* ---- the tests ---- */

static void
server_replies(void)
{
    struct run srv = RUN("sockserver", SOCK);
    struct conn a, b;
    struct stat st;

    start_server(&srv);
    if (lstat(SOCK, &st) == -1 || !S_ISSOCK(st.st_mode))
        run_fail_halt(&srv, "The server printed \"ready\", but %s. bind() a socket of family "
                  "AF_UNIX to the path " SOCK ": that makes the socket file.",
                  conn_file_words(SOCK));
    conn_open(&srv, &a, "the grader's connection A");
    conn_sends(&srv, &a, "hello\n");
    expect_reply(&srv, &a, "1 HELLO", "After \"hello\\n\"");
    conn_sends(&srv, &a, "Two words\n");
    expect_reply(&srv, &a, "2 TWO WORDS", "After \"Two words\\n\" on the same connection");
    conn_open(&srv, &b, "the grader's connection B");
    conn_sends(&srv, &b, "b\n");
    expect_reply(&srv, &b, "3 B", "After \"b\\n\" on a second connection");
    conn_close(&a);
    conn_close(&b);
    server_end(&srv, SIGTERM);
}

static void
server_stream(void)
{
    struct run srv = RUN("sockserver", SOCK);
    struct conn c;
    const char *advice = "A stream socket carries bytes, not messages: one read() may "
                         "return part of a request. Keep the bytes in the client's buffer "
                         "and answer only once the '\\n' has come. See " CHAPTER
                         ", \"A stream has no message boundaries\".";

    start_server(&srv);
    conn_open(&srv, &c, "the grader's connection");
    conn_sends(&srv, &c, "hel");
    wait_consumed(&srv, &c, "\"hel\" (half a request)");
    expect_nothing_yet(&srv, &c, "After only \"hel\" (no '\\n' yet)", advice);
    conn_sends(&srv, &c, "lo\n");
    expect_reply(&srv, &c, "1 HELLO", "After \"hel\", then \"lo\\n\" in a second write");

    conn_sends(&srv, &c, "one\ntwo\nthree\n");
    expect_reply(&srv, &c, "2 ONE", "After \"one\\ntwo\\nthree\\n\" in one write (three "
                 "requests that one read() may return together)");
    expect_reply(&srv, &c, "3 TWO", "After \"one\\ntwo\\nthree\\n\" in one write, the second "
                 "request");
    expect_reply(&srv, &c, "4 THREE", "After \"one\\ntwo\\nthree\\n\" in one write, the third "
                 "request");

    conn_sends(&srv, &c, "fo");
    wait_consumed(&srv, &c, "\"fo\"");
    conn_sends(&srv, &c, "ur\nfi");
    expect_reply(&srv, &c, "5 FOUR", "After \"fo\", then \"ur\\nfi\" (the end of one request "
                 "and the start of the next)");
    wait_consumed(&srv, &c, "\"ur\\nfi\"");
    expect_nothing_yet(&srv, &c, "After \"fi\" (no '\\n' yet)", advice);
    conn_sends(&srv, &c, "ve\n");
    expect_reply(&srv, &c, "6 FIVE", "After \"fi\", then \"ve\\n\"");
    conn_close(&c);
    server_end(&srv, SIGTERM);
}

static void
server_concurrent(void)
{
    static const char *const texts[5][3] = {
        { "alpha", "bravo", "charlie" }, { "delta", "echo", "foxtrot" },
        { "golf", "hotel", "india" }, { "juliett", "kilo", "lima" },
        { "mike", "november", "oscar" },
    };
    struct run srv = RUN("sockserver", SOCK), c[5];
    bool seen[17] = { false };
    struct conn held;

    start_server(&srv);
    /* A client that has sent half a request and waits: the server must
     * go on serving the others meanwhile. */
    conn_open(&srv, &held, "the grader's connection, holding half a request");
    conn_sends(&srv, &held, "wait");
    wait_consumed(&srv, &held, "\"wait\" (half a request) on a first connection");
    for (size_t i = 0; i < ARRAY_LEN(c); i++) {
        c[i] = ref_client(texts[i][0], texts[i][1], texts[i][2]);
        run_start(&c[i]);
    }
    for (size_t i = 0; i < ARRAY_LEN(c); i++)
        run_wait(&c[i]);
    for (size_t i = 0; i < ARRAY_LEN(c); i++) {
        const char *line = c[i].res.out;

        if (c[i].res.timed_out) {
            struct strbuf server = { 0 };

            run_halt_words(&srv, &server);
            test_fail(&c[i], "A first client connected and sent half a request (\"wait\", no "
                      "'\\n'); then five reference clients ran at once, three requests each. "
                      "This one got no reply within %.0f s. A server that serves one "
                      "client at a time (accept, then read until that client leaves) keeps "
                      "all the others waiting. Wait for all of them at once with poll(): the "
                      "listening socket and every connection. See " CHAPTER ", \"Serving "
                      "many clients: poll()\".\n%s", c[i].req.timeout, sb_str(&server));
        }
        expect_ref_client(&srv, &c[i]);
        for (size_t k = 0; k < 3; k++) {
            char upper[32];
            long serial;
            int used = 0;

            for (size_t j = 0; texts[i][k][j]; j++)
                upper[j] = (char)toupper((unsigned char)texts[i][k][j]);
            upper[strlen(texts[i][k])] = '\0';
            if (sscanf(line, "%ld %n", &serial, &used) != 1 || used == 0 ||
                strncmp(line + used, upper, strlen(upper)) != 0 ||
                line[used + strlen(upper)] != '\n')
                run_fail_halt(&srv, "Five clients ran at once; the one that sent \"%s\", "
                              "\"%s\" and \"%s\" should print \"N %s\" as its reply %zu, but "
                              "it printed:\n%s\nEach client's requests are answered on its "
                              "own connection, in order; keep a separate buffer for each "
                              "client.", texts[i][0], texts[i][1], texts[i][2], upper, k + 1,
                              c[i].res.out);
            if (serial < 1 || serial > 16 || seen[serial])
                run_fail_halt(&srv, "Five clients ran at once, 15 requests in all: the serial "
                          "numbers should be 1 to 15, each once, but a reply had %ld.",
                          serial);
            seen[serial] = true;
            line += strcspn(line, "\n") + 1;
        }
    }
    conn_sends(&srv, &held, "ing\n");
    expect_reply(&srv, &held, "16 WAITING", "The first connection's request was \"wait\" "
                 "then, after the five other clients, \"ing\\n\": its reply");
    conn_close(&held);
    server_end(&srv, SIGTERM);
}

static void
server_clients_leave(void)
{
    struct run srv = RUN("sockserver", SOCK);
    struct conn a;
    double deadline;
    int fds[16];
    size_t n;

    start_server(&srv);
    for (int i = 0; i < 3; i++) {
        struct run c = ref_client("one", "two", NULL);

        run_program(&c);
        expect_ref_client(&srv, &c);
    }
    for (int i = 0; i < 2; i++) {
        char want[32];

        conn_open(&srv, &a, "the grader's connection");
        conn_sends(&srv, &a, "bye\n");
        snprintf(want, sizeof want, "%d BYE", 7 + i);
        expect_reply(&srv, &a, want, "After \"bye\\n\"");
        conn_close(&a);
    }
    /* The server closes a connection as soon as it reads its end of file. */
    deadline = now_seconds() + WAIT;
    while ((n = conn_held_by(&srv, SOCK, fds, ARRAY_LEN(fds))) > 0 && now_seconds() < deadline &&
           run_alive(&srv))
        usleep(20000);
    if (!run_alive(&srv))
        run_fail_halt(&srv, "The server stopped while clients came and went; it must go on "
                  "serving after a client leaves.");
    if (n > 0) {
        struct strbuf list = { 0 };

        for (size_t i = 0; i < n && i < ARRAY_LEN(fds); i++)
            sb_addf(&list, "%s%d", i ? ", " : "", fds[i]);
        run_fail_halt(&srv, "Five clients connected, were served and left, one after the "
                      "other. %.0f s later, your server still holds %zu of their connections "
                      "open (descriptor%s %s, accepted on " SOCK "). When read() returns 0, "
                      "the client has closed its end: close(cfd) and stop polling it. A "
                      "server that keeps them runs out of descriptors after a few hundred "
                      "clients (accept() fails with EMFILE). See " CHAPTER ", \"Closing: "
                      "every descriptor, every time\".", WAIT, n, n == 1 ? "" : "s",
                      sb_str(&list));
    }
    server_end(&srv, SIGTERM);
}

static void
server_many_clients(void)
{
    struct run srv = RUN("sockserver", SOCK);
    int clients;

    srv.req.out_lines = 12;             /* hundreds of clients make a long log */
    start_server(&srv);
    /* More clients than the server may have descriptors: a server that
     * keeps one per client that left runs out before the end. */
    clients = run_descriptor_limit(&srv, 256) + 44;
    for (int i = 1; i <= clients; i++) {
        const char *want = test_strf("%d NEXT", i);
        char got[REPLY_MAX + 64];
        struct conn c;

        conn_open(&srv, &c, test_strf("connection %d of %d (one after the other)", i,
                                      clients));
        conn_sends(&srv, &c, "next\n");
        if (i > 1 && conn_line(&srv, &c, got, sizeof got, WAIT) != CONN_LINE)
            run_fail_halt(&srv, "%d clients connected one after the other, each sending one "
                      "request and leaving. The first %d were answered; client %d got no "
                      "reply. A server that gives up after a couple of hundred clients has "
                      "run out of descriptors (accept() fails with EMFILE): it keeps the "
                      "connection of every client that left. When read() returns 0, "
                      "close(cfd). See " CHAPTER ", \"Closing: every descriptor, every "
                      "time\".", clients, i - 1, i);
        if (i > 1 && strcmp(got, want) != 0)
            run_fail_halt(&srv, "With clients coming and going one after the other, client "
                          "%d's request \"next\" got \"%s\"; expected \"%s\".", i, got, want);
        if (i == 1)
            expect_reply(&srv, &c, want, "With clients coming and going one after the other");
        conn_close(&c);
    }
    server_end(&srv, SIGTERM);
}

static void
server_long_line(void)
{
    struct run srv = RUN("sockserver", SOCK);
    char line[REQUEST_MAX + 100], got[REPLY_MAX + 64];
    struct conn ok, bad;
    enum conn_got rc;

    start_server(&srv);
    conn_open(&srv, &ok, "the grader's well-behaved connection");
    conn_open(&srv, &bad, "the grader's connection that sends a line too long");
    memset(line, 'x', sizeof line);
    conn_send(&srv, &bad, line, sizeof line, WAIT);
    rc = conn_line(&srv, &bad, got, sizeof got, WAIT);
    if (rc != CONN_LINE || strcmp(got, "error line too long") != 0)
        run_fail_halt(&srv, "A client sent %zu bytes without a '\\n'. The server should "
                      "answer \"error line too long\" and close that connection (a request "
                      "has at most REQUEST_MAX = %d bytes, its '\\n' included), but %s. Check "
                      "the room left in the client's buffer before each read(). See " CHAPTER
                      ", \"Common mistakes\".", sizeof line, REQUEST_MAX, rc == CONN_LINE ?
                      "it answered something else" : rc == CONN_EOF ? "it closed the "
                      "connection without that line" : "nothing came");
    rc = conn_line(&srv, &bad, got, sizeof got, WAIT);
    if (rc != CONN_EOF)
        run_fail_halt(&srv, "After \"error line too long\", the server should close that "
                      "client's connection (the rest of its line cannot be read as a "
                      "request).");
    conn_sends(&srv, &ok, "still here\n");
    expect_reply(&srv, &ok, "1 STILL HERE", "After another client was dropped for a line too "
                 "long (not a request: no serial number)");
    conn_close(&ok);
    conn_close(&bad);
    server_end(&srv, SIGTERM);
}

static void
server_client_gone(void)
{
    struct run srv = RUN("sockserver", SOCK);
    struct conn gone, c;
    char got[REPLY_MAX + 64];
    const char *sp;
    enum conn_got rc;

    start_server(&srv);
    /* Stopped, the server cannot read the requests before the client has
     * gone: its replies then go to a closed connection, every time. */
    run_signal(&srv, SIGSTOP);
    conn_open(&srv, &gone, "the connection of a client that leaves at once");
    conn_sends(&srv, &gone, "first\nsecond\n");
    conn_close(&gone);
    run_signal(&srv, SIGCONT);
    usleep(100000);
    conn_open(&srv, &c, "the next client's connection");
    conn_sends(&srv, &c, "third\n");
    rc = conn_line(&srv, &c, got, sizeof got, WAIT);
    if (rc != CONN_LINE && !run_alive(&srv)) {
        run_wait(&srv);
        if (srv.res.term_signal == SIGPIPE)
            test_fail(&srv, "A client sent two requests and closed its connection before the "
                            "server read them. Writing the replies to that closed connection "
                            "raised SIGPIPE, which killed the server: one client that leaves "
                            "early must not stop the service. Send with send(fd, buf, len, "
                            "MSG_NOSIGNAL) (then send() fails with EPIPE: drop that client), "
                            "or ignore SIGPIPE. See " CHAPTER ", \"When the other end has "
                            "gone: EPIPE and SIGPIPE\".");
        run_fail_halt(&srv, "A client sent two requests and closed its connection before the "
                  "server read them; the server should drop that client (send() fails with "
                  "EPIPE) and go on serving the others, but it stopped.");
    }
    sp = rc == CONN_LINE ? strchr(got, ' ') : NULL;
    if (rc != CONN_LINE || sp == NULL || strcmp(sp, " THIRD") != 0)
        run_fail_halt(&srv, "A client sent two requests and closed its connection before the "
                  "server read them; then the next client sent \"third\\n\" and should get "
                  "\"N THIRD\", but %s.", rc == CONN_LINE ? "got something else" :
                  "got no reply");
    conn_close(&c);
    server_end(&srv, SIGTERM);
}

/* A client that sends requests and never reads the replies: once the
 * kernel's buffers are full the server sleeps in send(). SIGTERM must stop
 * it there too (no SA_RESTART; on EINTR look at the flag). */
static void
sigterm_in_send(void)
{
    struct run srv = RUN("sockserver", SOCK);
    struct conn c;
    static char flood[4096];
    double deadline, stuck = 0;

    for (size_t i = 0; i + 1 < sizeof flood; i += 2)
        memcpy(flood + i, "x\n", 2);
    unlink(SOCK);
    start_server(&srv);
    conn_open(&srv, &c, "the connection of a client that never reads its replies");
    deadline = now_seconds() + 6 * WAIT;
    /* Send until the server takes nothing more for a second and sleeps. */
    while (now_seconds() < deadline) {
        ssize_t n = send(c.fd, flood, sizeof flood, MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n > 0) {
            stuck = 0;
            continue;
        }
        if (n == -1 && errno != EAGAIN)
            run_fail_halt(&srv, "The server closed %s while it was still sending requests "
                          "(%s).", c.name, strerror(errno));
        if (!run_alive(&srv))
            break;
        if (stuck == 0)
            stuck = now_seconds();
        else if (now_seconds() - stuck >= 1.0 && run_idle(&srv))
            break;
        usleep(20000);
    }
    server_stop(&srv, SIGTERM, "A client sent requests and never read the replies, so "
                "the server slept in send() (the kernel's buffers were full). SIGTERM must "
                "stop the server there too: without SA_RESTART, send() fails with EINTR; "
                "then look at the flag and stop instead of sending again. See " CHAPTER
                ", \"Stopping a server cleanly\".");
    conn_close(&c);
}

static void
server_sigterm(void)
{
    struct run srv = RUN("sockserver", SOCK);
    struct conn a, idle;
    struct stat st;

    start_server(&srv);
    conn_open(&srv, &a, "the grader's connection");
    conn_sends(&srv, &a, "before\n");
    expect_reply(&srv, &a, "1 BEFORE", "After \"before\\n\"");
    conn_open(&srv, &idle, "an idle connection");
    wait_consumed(&srv, &idle, "a new connection");
    server_stop(&srv, SIGTERM, "The server was idle, with two clients connected; after "
                "SIGTERM it should close its connections, remove " SOCK " and exit, but it "
                "went on waiting. The handler sets a flag; the blocked call (poll(), "
                "accept(), read()) then fails with EINTR, and the loop must look at the flag "
                "before it waits again (and no SA_RESTART, which would restart accept() and "
                "read()). See " CHAPTER ", \"Stopping a server cleanly\".");
    if (strstr(srv.res.out, "shutdown served 1\n") == NULL)
        test_fail(&srv, "Before it exits, the server should print \"shutdown served 1\" (the "
                        "number of requests it answered).");
    if (lstat(SOCK, &st) == 0)
        test_fail(&srv, "After SIGTERM your server exited but left the socket file " SOCK
                        " behind. The next server to start would find the name taken (bind() "
                        "fails with EADDRINUSE): unlink(\"%s\") after closing the listening "
                        "socket. See " CHAPTER ", \"Removing the socket file: unlink()\".",
                  SOCK);
    conn_close(&a);
    conn_close(&idle);
    sigterm_in_send();
}

static void
server_stale_socket(void)
{
    struct run srv = RUN("sockserver", SOCK);
    struct conn c;

    in_scratch();
    make_stale_socket();
    srv.req.timeout = 60;
    run_start(&srv);
    if (!run_wait_output(&srv, "ready " SOCK "\n", WAIT)) {
        if (!run_alive(&srv)) {
            run_wait(&srv);
            test_fail(&srv, "A socket file " SOCK " was left in the folder by a server that "
                            "was killed (nobody listens on it), and your server gave up: "
                            "bind() fails with EADDRINUSE whenever the file exists. Find out "
                            "whether it is stale: connect() to it fails with ECONNREFUSED "
                            "when nobody listens. Then unlink() it and bind() again. See "
                            CHAPTER ", \"A socket file left behind: EADDRINUSE\".");
        }
        run_fail_halt(&srv, "With a stale socket file " SOCK " in the folder, the server "
                      "never printed \"ready " SOCK "\".");
    }
    conn_open(&srv, &c, "the grader's connection");
    conn_sends(&srv, &c, "fresh\n");
    expect_reply(&srv, &c, "1 FRESH", "After replacing a stale socket file, \"fresh\\n\"");
    conn_close(&c);
    server_end(&srv, SIGTERM);
}

/* Another server listens on SOCK; the student's server, under Valgrind
 * (--track-fds=yes), must exit 1 having closed the probe's socket: at
 * most one socket (its own, whose bind() failed) may be open at its exit. */
static void
probe_closed(void)
{
    struct run vg = RUN("sockserver", SOCK);
    struct strbuf list = { 0 };
    size_t sockets = 0;
    int lfd = conn_listen(SOCK);

    vg.req.valgrind = vg.req.track_fds = true;
    vg.req.timeout = 2 * VG_WAIT;
    run_start(&vg);
    while (run_alive(&vg) && !run_wait_output(&vg, "ready", 0.05) &&
           now_seconds() < vg.res.started + VG_WAIT) {
        int cfd;

        while ((cfd = accept(lfd, NULL, NULL)) >= 0)
            close(cfd);
    }
    if (!run_wait_exit(&vg, VG_WAIT))
        run_fail_halt(&vg, "Under Valgrind, with another server listening on " SOCK ", your "
                      "server should exit with status 1, but it went on.");
    expect_error_exit(&vg, "Under Valgrind, when another server is listening on " SOCK);
    if (!vg.res.fds_reported)
        test_error("The grader found no descriptor report from Valgrind (--track-fds=yes).");
    for (size_t i = 0; i < vg.res.n_open_fds; i++) {
        struct strbuf one = { 0 };

        if (vg.res.open_fds[i].what && strstr(vg.res.open_fds[i].what, "socket"))
            sockets++;
        vg_describe_fd(&vg.res.open_fds[i], g_ctx.sources, &one);
        sb_addf(&list, "- %s\n", sb_str(&one));
        sb_free(&one);
    }
    if (sockets > 1)
        test_fail(&vg, "Another server was listening on " SOCK "; your server exited with "
                       "status 1 as it should, but Valgrind (--track-fds=yes) found %zu "
                       "sockets still open at its exit:\n%sThe probe that connect()ed to "
                       "find out whether the file was stale must be closed once it has "
                       "answered, whatever it answered. See " CHAPTER ", \"Closing: every "
                       "descriptor, every time\".", sockets, sb_str(&list));
    sb_free(&list);
    close(lfd);
    unlink(SOCK);
}

static void
server_address_in_use(void)
{
    struct run srv = RUN("sockserver", SOCK), file = RUN("sockserver", SOCK);
    struct stat before, after;
    char *content;
    int lfd;

    in_scratch();
    lfd = conn_listen(SOCK);          /* another server, alive */
    if (lstat(SOCK, &before) == -1)
        test_error("The grader could not stat its socket file: %s", strerror(errno));
    srv.req.timeout = 60;
    run_start(&srv);
    while (run_alive(&srv) && !run_wait_output(&srv, "ready", 0.05) &&
           now_seconds() < srv.res.started + WAIT) {
        int cfd;

        while ((cfd = accept(lfd, NULL, NULL)) >= 0)    /* the server's probes, if any */
            close(cfd);
    }
    if (run_wait_output(&srv, "ready", 0) || run_alive(&srv))
        run_fail_halt(&srv, "Another server was listening on " SOCK ". Your server must not "
                      "take its place: it should report that the address is in use and exit "
                      "with status 1, leaving the other server's socket file alone. Remove a "
                      "socket file only when connect() to it fails with ECONNREFUSED (nobody "
                      "listens). See " CHAPTER ", \"A socket file left behind: EADDRINUSE\".");
    run_wait(&srv);
    expect_error_exit(&srv, "When another server is listening on " SOCK);
    if (lstat(SOCK, &after) == -1 || after.st_ino != before.st_ino)
        test_fail(&srv, "Another server was listening on " SOCK "; your server exited, but "
                        "the file " SOCK " is %s: it removed the other server's socket file, "
                        "and that server can no longer be reached. Only a stale socket file "
                        "(connect() fails with ECONNREFUSED) may be removed.",
                  lstat(SOCK, &after) == -1 ? "gone" : "a new one");
    close(lfd);
    unlink(SOCK);

    scratch_file(SOCK, "not a socket\n");
    file.req.timeout = WAIT;
    run_program(&file);
    if (file.res.timed_out || run_wait_output(&file, "ready", 0))
        test_fail(&file, "A regular file named " SOCK " was in the folder. Your server must "
                         "not remove a file that is not a socket: it should report the error "
                         "and exit with status 1 (check with lstat() and S_ISSOCK()).");
    expect_error_exit(&file, "When " SOCK " is a regular file");
    content = read_file_tail(SOCK, 4096, NULL, NULL);
    if (content == NULL || strcmp(content, "not a socket\n") != 0)
        test_fail(&file, "A regular file named " SOCK " was in the folder; your server "
                         "removed or changed it. A file that is not a socket is not yours to "
                         "remove: check with lstat() and S_ISSOCK() first.");
    free(content);
    unlink(SOCK);
    probe_closed();
}

static void
server_idle(void)
{
    struct run srv = RUN("sockserver", SOCK);
    struct conn c;
    double cpu, wall;

    start_server(&srv);
    conn_open(&srv, &c, "the grader's connection");
    conn_sends(&srv, &c, "x\n");
    expect_reply(&srv, &c, "1 X", "After \"x\\n\"");
    cpu = run_cpu_seconds(&srv);
    wall = now_seconds();
    usleep(1000000);
    cpu = run_cpu_seconds(&srv) - cpu;
    wall = now_seconds() - wall;
    if (cpu > 0.1 * wall)
        run_fail_halt(&srv, "With nothing to do (one client connected, idle), your server "
                      "used %.2f s of CPU time in %.2f s: it spins instead of sleeping. Let "
                      "poll() wait with a timeout of -1 (no timeout), or block in accept() "
                      "and read(); never loop on non-blocking calls that say EAGAIN. See "
                      CHAPTER ", \"Serving many clients: poll()\".", cpu, wall);
    conn_close(&c);
    server_end(&srv, SIGTERM);
}

static void
server_valgrind(void)
{
    struct run srv = RUN("sockserver", SOCK);
    struct run c1 = ref_client("valgrind", "is", "slow");
    struct run c2 = ref_client("patience", NULL, NULL);
    struct conn a, stay;

    srv.req.valgrind = srv.req.track_fds = true;
    in_scratch();
    make_stale_socket();        /* its probe must be closed too */
    start_server(&srv);
    conn_open(&srv, &a, "the grader's connection");
    conn_sends(&srv, &a, "check me\n");
    expect_reply(&srv, &a, "1 CHECK ME", "Under Valgrind, after \"check me\\n\"");
    conn_close(&a);
    c1.req.timeout = c2.req.timeout = VG_WAIT;
    run_start(&c1);
    run_start(&c2);
    run_wait(&c1);
    run_wait(&c2);
    expect_ref_client(&srv, &c1);
    expect_ref_client(&srv, &c2);
    conn_open(&srv, &stay, "a connection still open at the end");
    conn_sends(&srv, &stay, "last\n");
    expect_reply(&srv, &stay, "6 LAST", "Under Valgrind, after two reference clients, "
                 "\"last\\n\"");
    server_stop(&srv, SIGTERM, STOP_WENT_ON);
    expect_valgrind_clean(&srv);
    expect_no_open_fds(&srv, true);
    conn_close(&stay);
}

/* A reply of REPLY_MAX bytes, its '\n' included (the longest the protocol
 * allows), in two pieces: the last byte, the '\n', comes alone. */
static void
longest_reply(int lfd)
{
    struct run cl = RUN("sockclient", SOCK, "long");
    struct conn c = { .name = "the client's connection" };
    static char reply[REPLY_MAX + 1], want[REPLY_MAX + 1];

    memset(reply, 'L', REPLY_MAX - 1);
    memcpy(reply, "1 ", 2);
    memcpy(want, reply, REPLY_MAX - 1);
    want[REPLY_MAX - 1] = '\n';
    client_connects(&cl, &c, lfd, "long");
    conn_send(&cl, &c, reply, REPLY_MAX - 1, WAIT);
    wait_consumed(&cl, &c, test_strf("the first %d bytes of a reply of REPLY_MAX = %d",
                                     REPLY_MAX - 1, REPLY_MAX));
    conn_sends(&cl, &c, "\n");
    if (!run_wait_exit(&cl, WAIT))
        run_fail_halt(&cl, "The client got its one reply but did not exit.");
    if (cl.res.exit_code != 0 || strcmp(cl.res.out, want) != 0)
        test_fail(&cl, "The server replied with a line of REPLY_MAX = %d bytes, its '\\n' "
                       "included (the longest the protocol allows), in two pieces: %d bytes, "
                       "then the '\\n'. The client should print it whole and exit 0. Its "
                       "buffer must hold REPLY_MAX bytes, and it is full only when all of "
                       "them have come without a '\\n'. See " CHAPTER ", \"A stream has "
                       "no message boundaries\".", REPLY_MAX, REPLY_MAX - 1);
    conn_close(&c);
}

static void
client_exchange(void)
{
    struct run cl = RUN("sockclient", SOCK, "hello", "two words", "x");
    struct conn c = { .name = "the client's connection" };
    char got[64];
    int lfd;

    in_scratch();
    lfd = conn_listen(SOCK);
    client_connects(&cl, &c, lfd, "hello");
    /* The reply in two pieces: the client must wait for its '\n'. */
    conn_sends(&cl, &c, "1 HE");
    wait_consumed(&cl, &c, "the first half of the reply, \"1 HE\"");
    conn_sends(&cl, &c, "LLO\n");
    expect_request(&cl, &c, "two words");
    if (!run_wait_output(&cl, "1 HELLO\n", WAIT))
        run_fail_halt(&cl, "The client sent its second request, so it had the first reply, "
                      "but \"1 HELLO\" was not on its output yet: a stdout that is a pipe "
                      "or a file keeps what you print until exit. Print each reply at once "
                      "(the skeleton's setvbuf(stdout, NULL, _IOLBF, 0)), so that a client "
                      "that gets stuck shows how far it got.");
    conn_sends(&cl, &c, "2 TWO WORDS\n");
    expect_request(&cl, &c, "x");
    conn_sends(&cl, &c, "3 X\n");
    if (conn_line(&cl, &c, got, sizeof got, WAIT) != CONN_EOF)
        run_fail_halt(&cl, "After its last reply, the client should close its connection and "
                  "exit.");
    if (!run_wait_exit(&cl, WAIT))
        run_fail_halt(&cl, "The client closed its connection but did not exit.");
    expect_success(&cl);
    if (strcmp(cl.res.out, "1 HELLO\n2 TWO WORDS\n3 X\n") != 0)
        test_fail(&cl, "The client should print each reply as it came, one per line:\n"
                       "  1 HELLO\n  2 TWO WORDS\n  3 X\nThe first reply came in two pieces "
                       "(\"1 HE\", then \"LLO\\n\"): a read() may return part of a line; keep "
                       "reading until the '\\n'. See " CHAPTER ", \"A stream has no message "
                       "boundaries\".");
    conn_close(&c);
    longest_reply(lfd);
    close(lfd);
}

/* The grader's server answers the first request, then reads no more
 * (shutdown(SHUT_RD)): the client's next send() fails with EPIPE. The
 * first reply must be on its stdout while it sends the second request. */
static void
client_send_fails(int lfd)
{
    struct run cl = RUN("sockclient", SOCK, "hello", "again");
    struct conn c = { .name = "the client's connection" };

    client_connects(&cl, &c, lfd, "hello");
    conn_sends(&cl, &c, "1 HE");
    wait_consumed(&cl, &c, "the first half of the reply, \"1 HE\"");
    if (shutdown(c.fd, SHUT_RD) == -1)
        test_error("The grader could not shut its connection for reading: %s",
                   strerror(errno));
    conn_sends(&cl, &c, "LLO\n");
    if (!run_wait_exit(&cl, WAIT))
        run_fail_halt(&cl, "The server read no more requests after the first (its end was "
                      "shut for reading), so the client's second send() should fail with "
                      "EPIPE: report it and exit with status 1. But the client went on.");
    if (cl.res.term_signal == SIGPIPE)
        test_fail(&cl, "The server read no more requests after the first, and the client's "
                       "second send() raised SIGPIPE, which killed it. Send with send(fd, "
                       "buf, len, MSG_NOSIGNAL): then send() fails with EPIPE, and the "
                       "client reports it (err_exit(\"send\")) and exits with status 1. "
                       "See " CHAPTER ", \"When the other end has gone: EPIPE and "
                       "SIGPIPE\".");
    expect_error_exit(&cl, "When the client's send() fails with EPIPE (the server reads no "
                      "more)");
    expect_stderr_has(&cl, "Broken pipe", "Check send()'s -1 and report it with "
                      "err_exit(\"send\").");
    if (strcmp(cl.res.out, "1 HELLO\n") != 0)
        test_fail(&cl, "The client got the reply \"1 HELLO\" before its second send() "
                       "failed; it should have printed it.");
    conn_close(&c);
}

/* A reply line one byte longer than REPLY_MAX breaks the protocol: the
 * client says so and exits 1 (the skeleton's fatal() in read_line()). */
static void
client_reply_too_long(int lfd)
{
    struct run cl = RUN("sockclient", SOCK, "long");
    struct conn c = { .name = "the client's connection" };
    static char reply[REPLY_MAX + 1];

    memset(reply, 'L', REPLY_MAX);
    memcpy(reply, "1 ", 2);
    reply[REPLY_MAX] = '\n';
    client_connects(&cl, &c, lfd, "long");
    conn_send(&cl, &c, reply, sizeof reply, WAIT);
    if (!run_wait_exit(&cl, WAIT))
        run_fail_halt(&cl, "The server replied with a line of %d bytes, more than REPLY_MAX "
                      "= %d: the client's buffer is full before the '\\n' comes. It should "
                      "report it and exit with status 1, but it went on.", REPLY_MAX + 1,
                      REPLY_MAX);
    expect_error_exit(&cl, test_strf("When the server replies with a line of %d bytes, more "
                                     "than REPLY_MAX = %d (a full buffer without '\\n')",
                                     REPLY_MAX + 1, REPLY_MAX));
    conn_close(&c);
}

static void
client_errors(void)
{
    struct run none = RUN("sockclient", SOCK, "anybody?");
    struct run stale = RUN("sockclient", SOCK, "anybody?");
    struct run cut = RUN("sockclient", SOCK, "hello", "again");
    struct conn c = { .name = "the client's connection" };
    int lfd;

    in_scratch();
    none.req.timeout = WAIT;
    run_program(&none);
    expect_error_exit(&none, "With no socket file " SOCK);
    expect_stderr_has(&none, "No such file or directory", "connect() fails with ENOENT when "
                      "the path does not exist; report it with err_exit(\"connect\").");
    expect_stdout_empty(&none, "there was no reply.");

    make_stale_socket();
    stale.req.timeout = WAIT;
    run_program(&stale);
    expect_error_exit(&stale, "With a socket file nobody listens on");
    expect_stderr_has(&stale, "Connection refused", "connect() fails with ECONNREFUSED when "
                      "nobody listens on the socket; report it with err_exit(\"connect\").");
    unlink(SOCK);

    lfd = conn_listen(SOCK);
    cut.req.timeout = WAIT;
    run_start(&cut);
    accept_client(&cut, &c, lfd);
    expect_request(&cut, &c, "hello");
    conn_close(&c);                 /* a server that dies without answering */
    if (!run_wait_exit(&cut, WAIT))
        run_fail_halt(&cut, "The server closed the connection without replying; the client "
                      "should see end of file (read() returns 0), report it and exit with "
                      "status 1, but it went on.");
    expect_error_exit(&cut, "When the server closes the connection without replying");
    expect_stdout_empty(&cut, "there was no reply.");
    client_send_fails(lfd);
    client_reply_too_long(lfd);
    close(lfd);
}

/* The server, started with one call made to fail (the fault library),
 * must say why on stderr and exit non-zero, never having said "ready". */
static void
expect_server_refuses(const char *fault, const char *err, const char *when,
                      const char *advice)
{
    struct run srv = RUN("sockserver", SOCK);

    srv.req.fault = fault;
    srv.req.timeout = WAIT;
    run_program(&srv);
    expect_error_exit(&srv, when);
    expect_stderr_has(&srv, err, advice);
    if (strstr(srv.res.out, "ready") != NULL)
        test_fail(&srv, "%s, the server printed \"ready\" all the same, but it cannot serve.",
                  when);
}

/* The server, started with a fault a careful server survives (the socket
 * file removed by someone else meanwhile), must print "ready" and serve. */
static void
expect_server_starts(const char *fault, const char *when, const char *advice)
{
    struct run srv = RUN("sockserver", SOCK);
    struct conn c;

    srv.req.fault = fault;
    srv.req.timeout = 60;
    run_start(&srv);
    if (!run_wait_output(&srv, "ready " SOCK "\n", WAIT)) {
        if (!run_alive(&srv)) {
            run_wait(&srv);
            test_fail(&srv, "%s, the server gave up, but nothing was in its way any more. "
                      "%s See " CHAPTER ", \"A socket file left behind: EADDRINUSE\".",
                      when, advice);
        }
        run_fail_halt(&srv, "%s, the server never printed \"ready " SOCK "\".", when);
    }
    conn_open(&srv, &c, "the grader's connection");
    conn_sends(&srv, &c, "on\n");
    expect_reply(&srv, &c, "1 ON", test_strf("%s, \"on\\n\"", when));
    conn_close(&c);
    server_end(&srv, SIGTERM);
}

/* Each system call of the server and the client that no other test sees
 * fail, made to fail in turn. */
static void
call_errors(void)
{
    static const struct { const char *fault, *err, *when, *advice; bool stale; } starts[] = {
        { "socket:EMFILE:1", "Too many open files", "When socket() fails", "Check "
          "socket()'s -1 and report it with err_exit(\"socket\").", false },
        { "bind:EACCES:1", "Permission denied", "When bind() fails with EACCES (not the "
          "EADDRINUSE of a socket file left behind)", "Only EADDRINUSE calls for the stale "
          "socket check; any other bind() failure is an error to report.", false },
        { "listen:EINVAL:1", "Invalid argument", "When listen() fails", "Check listen()'s "
          "-1 and report it with err_exit(\"listen\").", false },
        { "lstat:EACCES:1", "Permission denied", "When lstat() of the socket file in the way "
          "fails", "Check lstat()'s -1 (ENOENT only means the file went meanwhile).", true },
        { "socket:EMFILE:2", "Too many open files", "When the socket() of the probe that "
          "tells a stale socket file from a live one fails", "Check the probe's socket() "
          "too.", true },
        { "connect:EACCES:1", "Permission denied", "When the probe's connect() fails with "
          "EACCES (not ECONNREFUSED)", "Only ECONNREFUSED says that nobody listens; any "
          "other connect() failure is an error to report.", true },
        { "unlink:EACCES:1", "Permission denied", "When unlink() of the stale socket file "
          "fails", "Check unlink()'s -1 and report it.", true },
        { "bind:EACCES:2", "Permission denied", "When the second bind(), after the stale "
          "socket file is gone, fails", "Check that bind()'s -1 too.", true },
    };
    struct run srv = RUN("sockserver", SOCK), bye = RUN("sockserver", SOCK);
    struct run left = RUN("sockserver", SOCK), lost = RUN("sockserver", SOCK);
    char got[REPLY_MAX + 64];
    struct run sock = RUN("sockclient", SOCK, "x"), rd = RUN("sockclient", SOCK, "x");
    struct run snd = RUN("sockclient", SOCK, "x");
    struct conn c;

    in_scratch();
    for (size_t i = 0; i < ARRAY_LEN(starts); i++) {
        unlink(SOCK);
        if (starts[i].stale)
            make_stale_socket();
        expect_server_refuses(starts[i].fault, starts[i].err, starts[i].when,
                              starts[i].advice);
    }
    unlink(SOCK);

    /* ENOENT where the socket file went meanwhile is no error. */
    expect_server_starts("bind:EADDRINUSE:1", "When bind() failed with EADDRINUSE and "
                         SOCK " was gone by the time of lstat() (someone removed it "
                         "meanwhile)", "lstat() failing with ENOENT means there is nothing "
                         "left to remove: bind() again.");
    unlink(SOCK);
    make_stale_socket();
    expect_server_starts("unlink-late:ENOENT:1", "When someone else removed the stale "
                         SOCK " just before the server's unlink() (which then failed with "
                         "ENOENT)", "unlink() failing with ENOENT: the file is gone, as you "
                         "wanted; bind() again.");
    unlink(SOCK);

    /* accept() failing with an error that is not the client's doing. */
    srv.req.fault = "accept:EIO:1";
    start_server(&srv);
    conn_open(&srv, &c, "the grader's connection");
    if (!run_wait_exit(&srv, WAIT))
        run_fail_halt(&srv, "accept() failed with EIO (not EINTR, ECONNABORTED or EAGAIN, "
                      "which a server may ignore), and the server went on. Report it with "
                      "err_exit(\"accept\").");
    expect_error_exit(&srv, "When accept() fails with EIO");
    expect_stderr_has(&srv, "Input/output error", "Report accept()'s failure with "
                      "err_exit(\"accept\").");
    conn_close(&c);
    unlink(SOCK);

    /* unlink() at the end: ENOENT (the file went meanwhile) is no error;
     * EACCES is. */
    bye.req.fault = "unlink:ENOENT:1";
    start_server(&bye);
    server_stop(&bye, SIGTERM, STOP_WENT_ON);
    expect_success(&bye);
    unlink(SOCK);
    left.req.fault = "unlink:EACCES:1";
    start_server(&left);
    run_signal(&left, SIGTERM);
    if (!run_wait_exit(&left, WAIT))
        run_fail_halt(&left, STOP_WENT_ON);
    expect_error_exit(&left, "When unlink() of " SOCK " fails with EACCES as the server stops");
    expect_stderr_has(&left, "Permission denied", "Check the last unlink()'s -1 too: the "
                      "socket file is left behind, and whoever starts the next server must "
                      "know.");
    unlink(SOCK);

    /* A read() from a client failing: that client is dropped, the others
     * are served. */
    lost.req.fault = "read:EIO:1";
    start_server(&lost);
    conn_open(&lost, &c, "the grader's first connection");
    conn_sends(&lost, &c, "lost\n");
    if (conn_line(&lost, &c, got, sizeof got, WAIT) != CONN_EOF)
        run_fail_halt(&lost, "The server's read() from the first client failed with EIO; it "
                      "should report it, close that connection and go on serving the "
                      "others, but the grader's connection was not closed.");
    conn_close(&c);
    conn_open(&lost, &c, "the grader's second connection");
    conn_sends(&lost, &c, "next\n");
    expect_reply(&lost, &c, "1 NEXT", "After dropping a client whose read() failed, a new "
                 "client's \"next\\n\"");
    conn_close(&c);
    server_end(&lost, SIGTERM);
    unlink(SOCK);

    /* The client, against the reference server. */
    srv = (struct run)RUN("sockserver", SOCK);
    srv.req.reference = true;
    start_server(&srv);
    sock.req.fault = "socket:EMFILE:1";
    rd.req.fault = "read:EIO:1";
    snd.req.fault = "send:EPIPE:1";
    sock.req.timeout = rd.req.timeout = snd.req.timeout = WAIT;
    run_program(&sock);
    expect_error_exit(&sock, "When the client's socket() fails");
    expect_stderr_has(&sock, "Too many open files", "Check socket()'s -1 and report it with "
                      "err_exit(\"socket\").");
    run_program(&rd);
    expect_error_exit(&rd, "When the client's read() of the reply fails with EIO");
    expect_stderr_has(&rd, "Input/output error", "Check read()'s -1 (retry only on EINTR) "
                      "and report it with err_exit(\"read\").");
    expect_stdout_empty(&rd, "read() failed, so there was no reply.");
    run_program(&snd);
    expect_error_exit(&snd, "When the client's send() fails with EPIPE (the server has "
                      "gone)");
    expect_stderr_has(&snd, "Broken pipe", "Check send()'s -1 and report it.");
    server_end(&srv, SIGTERM);
}

/* A socket path of 107 bytes, the longest that fits in sun_path with its
 * '\0': both programs must take it. */
static void
longest_path(void)
{
    static char path[sizeof ((struct sockaddr_un *)0)->sun_path];
    struct run srv = RUN("sockserver", path), cl = RUN("sockclient", path, "long");

    in_scratch();
    memset(path, 'p', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    srv.req.timeout = 60;
    server_start(&srv, "ready", test_strf("ready %s", path), READY_MUST);
    cl.req.timeout = WAIT;
    run_program(&cl);
    expect_success(&cl);
    if (strcmp(cl.res.out, "1 LONG\n") != 0)
        test_fail(&cl, "With a socket path of 107 bytes, the client should print \"1 LONG\". "
                       "sun_path holds 108 bytes: a path of 107 and its '\\0' fit (strlen(path) "
                       "< sizeof(addr.sun_path)).");
    server_end(&srv, SIGTERM);
    unlink(path);
}

static void
client_valgrind(void)
{
    struct run srv = RUN("sockserver", SOCK), cl = RUN("sockclient", SOCK, "memory", "check");

    srv.req.reference = true;
    start_server(&srv);
    cl.req.valgrind = cl.req.track_fds = true;
    run_program(&cl);
    expect_success(&cl);
    if (strcmp(cl.res.out, "1 MEMORY\n2 CHECK\n") != 0)
        test_fail(&cl, "Under Valgrind the client should print \"1 MEMORY\" and \"2 CHECK\".");
    expect_valgrind_clean(&cl);
    expect_no_open_fds(&cl, false);
    server_end(&srv, SIGTERM);
}

static void
bad_usage(void)
{
    static char long_path[200];
    static const char *cases[][4] = {
        { "sockserver" }, { "sockserver", SOCK, "extra" }, { "sockserver", "" },
        { "sockserver", long_path },
        { "sockclient" }, { "sockclient", SOCK }, { "sockclient", SOCK, "" },
        { "sockclient", SOCK, "two\nlines" }, { "sockclient", long_path, "x" },
        { "sockclient", "", "x" }, { "sockclient", SOCK, NULL /* too long, below */ },
    };
    static char long_text[REQUEST_MAX + 10];
    DIR *d;
    struct dirent *de;

    in_scratch();
    memset(long_path, 'p', sizeof long_path - 1);
    memset(long_text, 't', sizeof long_text - 1);
    cases[ARRAY_LEN(cases) - 1][2] = long_text;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct run r = RUN(cases[i][0], cases[i][1], cases[i][2], cases[i][3]);

        r.req.timeout = WAIT;
        run_program(&r);
        expect_usage_error(&r);
    }
    if ((d = opendir(".")) == NULL)
        test_error("The grader could not list its scratch folder: %s", strerror(errno));
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            test_fail(NULL, "After wrong command lines only, the folder holds \"%s\": a "
                            "program with bad arguments must make nothing, not even a "
                            "socket file.", de->d_name);
    closedir(d);
}

/* ---- the table ---- */

static const struct test_def tests[] = {
    { "server_replies", "the server makes " SOCK ", listens, and answers each line with a "
      "serial number and the line in capitals", 2, server_replies, "socket(AF_UNIX, "
      "SOCK_STREAM, 0), bind(), listen(), accept().", NULL, "A stream server step by step" },
    { "server_stream", "a request in pieces, and several requests in one write, are each "
      "answered once, whole", 2, server_stream, "keep each client's bytes until the '\\n'.",
      NULL, "A stream has no message boundaries" },
    { "server_concurrent", "five reference clients at once are served while another client "
      "sits on half a request", 3, server_concurrent, "poll() on the listening socket and "
      "every connection.", NULL, "Serving many clients: poll()" },
    { "server_clients_leave", "the server closes each connection when its client leaves", 2,
      server_clients_leave, "read() returns 0: close(cfd).", NULL,
      "Closing: every descriptor, every time" },
    { "server_many_clients", "more clients, one after the other, than the server may have "
      "descriptors are all served (no leak)", 1, server_many_clients, "close every "
      "connection you accept.", NULL, "Closing: every descriptor, every time" },
    { "server_long_line", "a line too long gets \"error line too long\" and a closed "
      "connection; others go on", 1, server_long_line, "a full buffer without '\\n' is an "
      "error.", NULL, "Common mistakes" },
    { "server_client_gone", "a client that leaves before its replies does not kill the "
      "server (SIGPIPE)", 1, server_client_gone, "send(..., MSG_NOSIGNAL).", NULL,
      "When the other end has gone: EPIPE and SIGPIPE" },
    { "server_sigterm", "on SIGTERM the server exits 0 and removes " SOCK, 2, server_sigterm,
      "on EINTR look at the flag; then close() and unlink().", NULL,
      "Stopping a server cleanly" },
    { "server_stale_socket", "a stale " SOCK " (nobody listening) is replaced", 1,
      server_stale_socket, "EADDRINUSE, connect() says ECONNREFUSED: unlink() and bind() "
      "again.", NULL, "A socket file left behind: EADDRINUSE" },
    { "server_address_in_use", "a live server's socket, or a file that is not a socket, is "
      "left alone (exit 1)", 1, server_address_in_use, "remove only a stale socket.", NULL,
      "A socket file left behind: EADDRINUSE" },
    { "server_idle", "an idle server sleeps (uses no CPU time)", 1, server_idle, "poll() "
      "with timeout -1.", NULL, "Serving many clients: poll()" },
    { "server_valgrind", "the server runs clean under Valgrind, with no descriptor left "
      "open at exit", 2, server_valgrind, "close every connection and the listening "
      "socket.", NULL, "Closing: every descriptor, every time" },
    { "client_exchange", "the client sends each TEXT as a line and prints each reply, even "
      "one that comes in pieces", 2, client_exchange, "connect(), then for each TEXT: send "
      "the line, read until '\\n'.", NULL, "connect(): the client side" },
    { "client_errors", "the client reports ENOENT, ECONNREFUSED and a server that hangs up "
      "(exit 1)", 1, client_errors, "err_exit(\"connect\"); read() returning 0 is end of "
      "file.", NULL, "connect(): the client side" },
    { "client_valgrind", "the client runs clean under Valgrind and closes its socket", 1,
      client_valgrind, "close(fd) when you are done.", NULL,
      "Closing: every descriptor, every time" },
    { "call_errors", "a failing socket(), bind(), listen(), accept(), read(), send() and the "
      "like is reported", 1, call_errors, "check each call's -1, "
      "and report it with err_exit(\"call\").", NULL, "Errors and the backlog, tried" },
    { "longest_path", "both programs take a socket path of 107 bytes, the longest that "
      "fits", 1, longest_path, "sun_path has 108 bytes, one of them for the '\\0'.", NULL,
      "bind(): giving a socket a name" },
    { "bad_usage", "both programs reject a wrong command line with a usage message", 1,
      bad_usage, "the skeletons' argument parsing does this; keep usage_err() for bad "
      "input.", NULL, NULL },
};

const struct exercise exercise_sockets = {
    .id = "sockets",
    .title = "Unix domain sockets: a multi-client server",
    .chapter = CHAPTER,
    .programs = programs,
    .tests = tests,
    .ntests = ARRAY_LEN(tests),
};
