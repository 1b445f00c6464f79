/* fileserver.c: project 3 `fileserver` (chapters/09a-project-fileserver.md).
 * The student writes both ends of a file service on a Unix domain stream
 * socket (protocol: exercises/include/fileservice.h): fileserver, which
 * answers "GET NAME" with the file opened read-only and passed as a
 * descriptor (SCM_RIGHTS), to the clients whose uid (SO_PEERCRED) is on
 * its access list, many clients at once; and fileclient, which asks for
 * each NAME and prints the file it was handed.
 *
 * Most tests put the grader on the other end of the socket. As a client of
 * the student's server it reads each reply a byte at a time, so the
 * descriptors the kernel hands over are tied to the reply they came with,
 * and checks each one against the file (same inode, opened read-only). It
 * looks at the server's descriptors in /proc/PID/fd (does it keep the files
 * it sent, the connections of clients that left?) and at exit (Valgrind
 * --track-fds). It connects under a second uid, where it may change its
 * own, to see that the server asks the kernel who is calling rather than
 * looking at itself. As the server of the student's client it passes a
 * descriptor of a file other than the one named, and a client that opens
 * the name itself prints the wrong thing. Nothing here depends on how the
 * programs are built: only on the replies, the output, and what the kernel
 * shows. */
#define _GNU_SOURCE
#include "suite.h"
#include "../../exercises/include/fileservice.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define CHAPTER "chapters/09a-project-fileserver.md"
#define SOCK    "files.sock"    /* in the programs' (and the test's) folder */
#define DIR_    "files"         /* the folder the server serves */
#define ACCESS  "access"        /* its access list */
#define WAIT    5.0             /* seconds for what takes milliseconds */
#define VG_WAIT 30.0            /* the same under Valgrind */
#define OTHER_UID 65534         /* a second uid for the grader's client ("nobody") */
#define READY_MUST "it must read " ACCESS ", make its socket, bind it to " SOCK ", listen(), " \
                   "print that line and serve clients until SIGTERM"

static const char *const programs[] = { "fileserver", "fileclient", NULL };

/* The files of the served folder, and what each holds. */
static const char *const names[] = { "alpha", "bravo", "charlie", "delta", "echo" };

/* ---- the test's folder ---- */

static void
in_scratch(void)
{
    if (chdir(g_test.scratch) == -1)
        test_error("The grader could not enter its scratch folder: %s", strerror(errno));
}

static const char *
content_of(const char *name)
{
    return test_strf("this is %s, from the served folder\n", name);
}

/* Write the access list: the uids given, one a line, ended by (uid_t)-1.
 * A list of the programs' own uid alone is, in the recipe a student pastes,
 * `id -u`: their uid by hand is not the grader's. */
static void
write_access(const uid_t *uids)
{
    struct strbuf sb = { 0 };

    sb_addf(&sb, "# who may have files\n");
    for (size_t i = 0; uids[i] != (uid_t)-1; i++)
        sb_addf(&sb, "%u\n", (unsigned)uids[i]);
    if (uids[0] == geteuid() && uids[1] == (uid_t)-1) {
        if (write_file(test_strf("%s/" ACCESS, g_test.scratch), sb_str(&sb)) == -1)
            test_error("The grader could not write " ACCESS ": %s", strerror(errno));
        test_recipe(RECIPE_LINE, 0, "(echo '# who may have files'; id -u) > " ACCESS);
    } else {
        scratch_file(ACCESS, sb_str(&sb));
    }
    sb_free(&sb);
}

/* The served folder with its files, and an access list that names the
 * programs' uid (the grader's own). A file of the same name outside the
 * folder, too: a server must not reach it. */
static void
make_files(void)
{
    uid_t me[] = { geteuid(), (uid_t)-1 };

    in_scratch();
    if (mkdir(DIR_, 0755) == -1 || mkdir(DIR_ "/sub", 0755) == -1)
        test_error("The grader could not make its folder: %s", strerror(errno));
    test_recipe(RECIPE_LINE, 0, "mkdir -p " DIR_ "/sub");
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        scratch_file(test_strf(DIR_ "/%s", names[i]), content_of(names[i]));
    scratch_file(DIR_ "/sub/inner", "a file in a subfolder\n");
    scratch_file("secret", "a file outside the served folder\n");
    if (symlink("loop", DIR_ "/loop") == -1)
        test_error("The grader could not make a symbolic link: %s", strerror(errno));
    test_recipe(RECIPE_LINE, 0, "ln -s loop " DIR_ "/loop");
    write_access(me);
}

static double
patience(const struct run *r)
{
    return r->req.valgrind ? VG_WAIT : WAIT;
}

/* ---- the grader's end of a connection (conn.h) ---- */

/* Connect to SOCK as a client does, under the effective uid `as`
 * ((uid_t)-1: the grader's own); the server is r. Replies are read a byte
 * at a time, so the descriptors the kernel hands over stay with the reply
 * they came with. */
static void
conn_open_as(struct run *r, struct conn *c, const char *name, uid_t as)
{
    conn_connect(r, c, SOCK, name, as, WAIT, NULL);
    c->with_fds = true;
}

static void
conn_open(struct run *r, struct conn *c, const char *name)
{
    conn_open_as(r, c, name, (uid_t)-1);
}

static void
conn_sends(struct run *r, struct conn *c, const char *text)
{
    conn_send(r, c, text, strlen(text), WAIT);
}


/* The reply to a request must be `want` ("OK" or "ERR ..."). For "OK",
 * exactly one descriptor must have come with it, of the file DIR_/name,
 * open for reading only: returned (the test keeps it in c->fds); for an
 * ERR, none, and -1 is returned. */
static int
expect_reply(struct run *srv, struct conn *c, const char *want, const char *name,
             const char *situation)
{
    char got[sizeof c->buf];
    size_t before = c->nfds;
    enum conn_got rc = conn_line(srv, c, got, sizeof got, patience(srv));
    size_t came;
    struct stat file, st;
    int fd, mode;

    switch (rc) {
    case CONN_LINE:
        break;
    case CONN_EOF:
        run_fail_halt(srv, "%s, the server closed %s instead of replying \"%s\".%s", situation,
                      c->name, want, c->len ? test_strf(" It sent \"%s\" first.", got) : "");
    case CONN_IDLE:
        run_fail_halt(srv, "%s, no reply came on %s (expected \"%s\"): the server has read "
                      "everything the grader sent and sleeps without answering.", situation,
                      c->name, want);
    case CONN_EXITED:
        run_fail_halt(srv, "%s, no reply came on %s (expected \"%s\").", situation, c->name,
                      want);
    case CONN_LATE:
        run_fail_halt(srv, "%s, no reply came on %s within %.0f s (expected \"%s\").",
                      situation, c->name, patience(srv), want);
    }
    came = c->nfds - before;
    if (strcmp(got, want) != 0)
        run_fail_halt(srv, "%s, the server's reply on %s is wrong.\n  expected: %s\\n\n  "
                      "found:    %.200s\\n\n%s", situation, c->name, want, got,
                      strncmp(want, "OK", 2) == 0 && strncmp(got, "OK", 2) != 0 &&
                      strstr(got, "ERR") == NULL ? "The reply is the line \"OK\\n\" alone, "
                      "with the descriptor as control data (SCM_RIGHTS): the file's bytes "
                      "never go over the socket." : "The replies are listed in "
                      "fileservice.h.");
    if (strcmp(want, "OK") != 0) {
        if (came > 0)
            run_fail_halt(srv, "%s, the server replied \"%s\" but passed %zu descriptor%s "
                          "with it: an ERR reply carries none.", situation, got, came,
                          came == 1 ? "" : "s");
        return -1;
    }
    if (came != 1)
        run_fail_halt(srv, "%s, the server replied \"OK\" with %zu descriptors; exactly one "
                      "must come with it, in the same sendmsg() as the line: a cmsghdr of "
                      "level SOL_SOCKET, type SCM_RIGHTS. See " CHAPTER ", \"Passing a "
                      "descriptor: SCM_RIGHTS\".", situation, came);
    fd = c->fds[c->nfds - 1];
    if (stat(test_strf(DIR_ "/%s", name), &file) == -1)
        test_error("The grader could not stat " DIR_ "/%s: %s", name, strerror(errno));
    if (fstat(fd, &st) == -1 || st.st_dev != file.st_dev || st.st_ino != file.st_ino)
        run_fail_halt(srv, "%s, the descriptor that came with \"OK\" is not the file "
                      DIR_ "/%s (another inode%s). Open NAME in the served folder and pass "
                      "that descriptor.", situation, name,
                      S_ISDIR(st.st_mode) ? ": a folder" : "");
    mode = fcntl(fd, F_GETFL);
    if ((mode & O_ACCMODE) != O_RDONLY)
        run_fail_halt(srv, "%s, the descriptor of " DIR_ "/%s that came with \"OK\" is open "
                      "for %s: the client could change the server's files. Open it "
                      "O_RDONLY.", situation, name,
                      (mode & O_ACCMODE) == O_RDWR ? "reading and writing" : "writing");
    return fd;
}

/* Nothing more may have come on c (no bytes, no close). */
static void
expect_nothing_yet(struct run *srv, struct conn *c, const char *situation)
{
    char b;
    ssize_t n = recv(c->fd, &b, 1, MSG_DONTWAIT | MSG_PEEK);

    if (n > 0)
        run_fail_halt(srv, "%s, the server already replied on %s: it must wait for the "
                      "'\\n' that ends the request. A stream has no message boundaries: "
                      "keep each client's bytes until the '\\n' comes. See " CHAPTER
                      ", \"The protocol\".", situation, c->name);
    if (n == 0)
        run_fail_halt(srv, "%s, the server closed %s.", situation, c->name);
}

/* Wait until the server has read all we sent on c and sleeps. A server
 * that never sleeps (poll() with a timeout of 0) fails here: this suite
 * has no test of its own for that. */
static void
wait_consumed(struct run *srv, struct conn *c, const char *what)
{
    conn_wait_consumed(srv, c, what, patience(srv), true);
}

/* ---- the server's descriptors ---- */

/* Files whose descriptors a program may still hold (run_each_fd()). */
struct held_files {
    const char *const *paths;
    size_t nfiles;
    struct stat files[ARRAY_LEN(names)];
    struct strbuf *words;       /* "descriptor 5 (files/alpha)", or "5" for one file */
    size_t n;
};

static bool
opens_one_of(pid_t pid, int fd, const char *link, void *p)
{
    struct held_files *h = p;

    (void)pid;
    for (size_t i = 0; i < h->nfiles; i++) {
        if (!fd_opens(link, &h->files[i]))
            continue;
        if (h->nfiles == 1)
            sb_addf(h->words, "%s%d", h->n++ ? ", " : "", fd);
        else
            sb_addf(h->words, "%sdescriptor %d (%s)", h->n++ ? ", " : "", fd, h->paths[i]);
        return true;
    }
    return false;
}

/* How many descriptors r's processes hold of the files paths (n of them,
 * at most ARRAY_LEN(names)), and which, in words. */
static size_t
files_held(const struct run *r, const char *const *paths, size_t n, struct strbuf *words)
{
    struct held_files h = { .paths = paths, .nfiles = n, .words = words };

    for (size_t i = 0; i < n; i++)
        if (stat(paths[i], &h.files[i]) == -1)
            test_error("The grader could not stat %s: %s", paths[i], strerror(errno));
    return run_each_fd(r, opens_one_of, &h);
}

/* The server's processes' descriptors of files in the served folder
 * (what it opened for clients), as "descriptor 5 (files/alpha)" words in
 * sb; how many. */
static size_t
served_files_held(const struct run *srv, struct strbuf *sb)
{
    const char *paths[ARRAY_LEN(names)];

    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        paths[i] = test_strf(DIR_ "/%s", names[i]);
    return files_held(srv, paths, ARRAY_LEN(names), sb);
}

/* The descriptors Valgrind found open when r exited: none may be. */
static void
expect_no_open_fds(struct run *r, const char *who)
{
    struct strbuf list = { 0 };

    if (!r->res.fds_reported)
        test_error("The grader found no descriptor report from Valgrind (--track-fds=yes).");
    if (r->res.n_open_fds == 0)
        return;
    for (size_t i = 0; i < r->res.n_open_fds; i++) {
        struct strbuf one = { 0 };

        vg_describe_fd(&r->res.open_fds[i], g_ctx.sources, &one);
        feedback('V', sb_str(&one));
        sb_addf(&list, "- %s\n", sb_str(&one));
        sb_free(&one);
    }
    test_fail(r, "Valgrind (--track-fds=yes) found %zu descriptor%s still open when the %s "
              "exited:\n%sEvery descriptor is closed once it has served: each file's, each "
              "connection's, the socket's. See " CHAPTER ", \"No descriptor leaked\".",
              r->res.n_open_fds, r->res.n_open_fds == 1 ? "" : "s", who, sb_str(&list));
}

/* ---- the student's server, and reference clients ---- */

static void
start_server(struct run *srv)
{
    in_scratch();
    server_start(srv, "ready", "ready " SOCK, READY_MUST);
    if (!run_wait_output(srv, "ready " SOCK "\n", 1))
        run_fail_halt(srv, "The server should print \"ready %s\" once it listens.", SOCK);
}

static struct run
server_run(void)
{
    return (struct run)RUN("fileserver", SOCK, DIR_, ACCESS);
}

static struct run
ref_client(const char *a, const char *b, const char *c)
{
    struct run r = RUN("fileclient", SOCK, a, b, c);

    r.req.reference = true;
    r.req.timeout = WAIT;
    return r;
}

/* A reference client must have printed these files, whole and in order. */
static void
expect_ref_client(struct run *srv, struct run *c, const char *const *asked, size_t n,
                  const char *situation)
{
    struct strbuf want = { 0 }, cmd = { 0 };

    for (size_t i = 0; i < n; i++)
        sb_addf(&want, "%s", content_of(asked[i]));
    if (!c->res.timed_out && c->res.term_signal == 0 && c->res.exit_code == 0 &&
        strcmp(c->res.out, sb_str(&want)) == 0) {
        sb_free(&want);
        return;
    }
    run_words(c, &cmd);
    run_fail_halt(srv, "%s, the reference client `%s` %s.\n  stdout | %s  stderr | %s",
                  situation, sb_str(&cmd), c->res.timed_out ? "got no reply in time" :
                  "did not print the files it asked for", c->res.out, c->res.err);
}

/* ---- the server's tests ---- */

static void
server_passes_fd(void)
{
    struct run srv = server_run();
    struct conn a, b;
    char bytes[128];
    ssize_t n;
    int fd;

    make_files();
    start_server(&srv);
    conn_open(&srv, &a, "the grader's connection A");
    conn_sends(&srv, &a, "GET alpha\n");
    fd = expect_reply(&srv, &a, "OK", "alpha", "After \"GET alpha\\n\"");
    n = pread(fd, bytes, sizeof bytes - 1, 0);
    if (n < 0 || (bytes[n] = '\0', strcmp(bytes, content_of("alpha")) != 0))
        test_error("The grader could not read alpha through the descriptor.");
    conn_sends(&srv, &a, "GET bravo\n");
    expect_reply(&srv, &a, "OK", "bravo", "After \"GET bravo\\n\" on the same connection");
    conn_open(&srv, &b, "the grader's connection B");
    conn_sends(&srv, &b, "GET charlie\n");
    expect_reply(&srv, &b, "OK", "charlie", "After \"GET charlie\\n\" on a second connection");
    conn_sends(&srv, &a, "GET alpha\n");
    expect_reply(&srv, &a, "OK", "alpha", "Asked for alpha a second time");
    conn_close(&a);
    conn_close(&b);
    server_end(&srv, SIGTERM);
}

static void
server_errors(void)
{
    static const struct { const char *line, *reply, *why; } cases[] = {
        { "GET nosuchfile\n", "ERR notfound", "there is no such file" },
        { "GET ../secret\n", "ERR badname", "the name leads out of the folder" },
        { "GET sub/inner\n", "ERR badname", "a name with '/' is not a plain file name" },
        { "GET .\n", "ERR badname", "\".\" is the folder itself" },
        { "GET ..\n", "ERR badname", "\"..\" is the folder above" },
        { "GET loop\n", "ERR failed", "open() fails with ELOOP: not ENOENT" },
        { "PUT alpha\n", "ERR badrequest", "only GET is a request" },
        { "get alpha\n", "ERR badrequest", "requests are case-sensitive" },
        { "GETalpha\n", "ERR badrequest", "GET, a space, then the name" },
    };
    struct run srv = server_run();
    struct conn c;

    make_files();
    start_server(&srv);
    conn_open(&srv, &c, "the grader's connection");
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        const char *line = cases[i].line;

        conn_sends(&srv, &c, line);
        expect_reply(&srv, &c, cases[i].reply, NULL, test_strf("After \"%.*s\\n\" (%s)",
                     (int)strlen(line) - 1, line, cases[i].why));
    }
    conn_sends(&srv, &c, "GET delta\n");
    expect_reply(&srv, &c, "OK", "delta", "After those errors, on the same connection, "
                 "\"GET delta\\n\"");
    conn_close(&c);
    server_end(&srv, SIGTERM);
}

static void
server_access_list(void)
{
    uid_t others[] = { geteuid() + 1, geteuid() + 7, (uid_t)-1 };
    struct run srv = server_run(), ok = server_run(), bad = server_run();
    struct conn c;

    make_files();
    /* A list with a line that is no uid: the server must not start. */
    scratch_file(ACCESS, test_strf("%u\nroot\n", (unsigned)geteuid()));
    bad.req.timeout = WAIT;
    run_program(&bad);
    expect_error_exit(&bad, "With an access list holding the line \"root\" (not a uid)");
    if (strstr(bad.res.out, "ready") != NULL)
        test_fail(&bad, "With an access list holding a line that is not a uid, the server "
                  "printed \"ready\": it must stop before it listens. See " CHAPTER
                  ", \"The access list\".");
    unlink(SOCK);

    /* A list without the client's uid: every request is denied. */
    write_access(others);
    start_server(&srv);
    conn_open(&srv, &c, "the grader's connection (uid not on the list)");
    conn_sends(&srv, &c, "GET alpha\n");
    expect_reply(&srv, &c, "ERR denied", NULL, "With an access list that does not name "
                 "the client's uid, \"GET alpha\\n\"");
    conn_sends(&srv, &c, "GET nosuchfile\n");
    expect_reply(&srv, &c, "ERR denied", NULL, "With the client not on the list, \"GET "
                 "nosuchfile\\n\" (a client not on the list learns nothing, not even which "
                 "files exist)");
    conn_close(&c);
    server_end(&srv, SIGTERM);
    unlink(SOCK);

    /* The client's uid on the list, after others. */
    scratch_file(ACCESS, test_strf("# the list\n%u\n\n%u\n", (unsigned)geteuid() + 1,
                                   (unsigned)geteuid()));
    start_server(&ok);
    conn_open(&ok, &c, "the grader's connection (uid on the list)");
    conn_sends(&ok, &c, "GET echo\n");
    expect_reply(&ok, &c, "OK", "echo", "With an access list of a comment, another uid, "
                 "an empty line and the client's uid, \"GET echo\\n\"");
    conn_close(&c);
    server_end(&ok, SIGTERM);
}

/* Connect as OTHER_UID, or end the test as skipped where the grader
 * cannot change its uid (a normal user's grading). */
static void
need_other_uid(void)
{
    uid_t mine = geteuid();

    if (seteuid(OTHER_UID) == -1)
        test_skip("This test connects under a second uid, which only a grading as root can "
                  "do (%s).", strerror(errno));
    if (seteuid(mine) == -1)
        test_error("The grader could not take back its uid: %s", strerror(errno));
}

static void
server_peer_credentials(void)
{
    uid_t mine[] = { geteuid(), (uid_t)-1 }, other[] = { OTHER_UID, (uid_t)-1 };
    struct run srv = server_run(), srv2 = server_run();
    struct conn a, b;
    char got[sizeof a.buf] = "";
    const char *advice = "Ask the kernel who is at the other end of the connection: "
                         "getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len), then "
                         "cred.uid. Not getuid() (that is the server itself), and nothing "
                         "the client says. See " CHAPTER ", \"Who is asking: SO_PEERCRED\".";

    make_files();
    need_other_uid();
    write_access(mine);
    start_server(&srv);
    conn_open_as(&srv, &a, "the grader's connection under uid " "65534", OTHER_UID);
    conn_sends(&srv, &a, "GET alpha\n");
    if (conn_line(&srv, &a, got, sizeof got, patience(&srv)) == CONN_LINE &&
        strcmp(got, "OK") == 0)
        run_fail_halt(&srv, "The access list names only the server's own uid (%u); a client "
                      "connected under uid %d asked for alpha and got \"OK\" and the file. "
                      "%s", (unsigned)mine[0], OTHER_UID, advice);
    if (strcmp(got, "ERR denied") != 0)
        run_fail_halt(&srv, "A client not on the access list (uid %d) asked for alpha: the "
                      "reply should be \"ERR denied\", but it was \"%s\".", OTHER_UID,
                      got);
    conn_close(&a);
    server_end(&srv, SIGTERM);
    unlink(SOCK);

    /* The list names someone else than the server: that client is served,
     * the server's own uid is not. */
    write_access(other);
    start_server(&srv2);
    conn_open_as(&srv2, &a, "the grader's connection under uid 65534", OTHER_UID);
    conn_open(&srv2, &b, test_strf("the grader's connection under uid %u (the server's own)",
                                   (unsigned)mine[0]));
    conn_sends(&srv2, &a, "GET bravo\n");
    conn_sends(&srv2, &b, "GET bravo\n");
    if (conn_line(&srv2, &a, got, sizeof got, patience(&srv2)) != CONN_LINE ||
        strcmp(got, "OK") != 0)
        run_fail_halt(&srv2, "The access list names only uid %d, not the server's own; a "
                      "client connected under uid %d asked for bravo and got \"%s\" instead "
                      "of \"OK\". %s", OTHER_UID, OTHER_UID, got, advice);
    expect_reply(&srv2, &b, "ERR denied", NULL, test_strf("With only uid %d on the list, a "
                 "client under the server's own uid asking for bravo", OTHER_UID));
    conn_close(&a);
    conn_close(&b);
    server_end(&srv2, SIGTERM);
}

static void
server_stream(void)
{
    struct run srv = server_run();
    struct conn c;

    make_files();
    start_server(&srv);
    conn_open(&srv, &c, "the grader's connection");
    conn_sends(&srv, &c, "GET al");
    wait_consumed(&srv, &c, "\"GET al\" (half a request)");
    expect_nothing_yet(&srv, &c, "After only \"GET al\" (no '\\n' yet)");
    conn_sends(&srv, &c, "pha\n");
    expect_reply(&srv, &c, "OK", "alpha", "After \"GET al\", then \"pha\\n\"");
    conn_sends(&srv, &c, "GET bravo\nGET nosuchfile\nGET charlie\n");
    expect_reply(&srv, &c, "OK", "bravo", "After three requests in one write (\"GET bravo"
                 "\\nGET nosuchfile\\nGET charlie\\n\"), the first reply");
    expect_reply(&srv, &c, "ERR notfound", NULL, "After three requests in one write, the "
                 "second reply");
    expect_reply(&srv, &c, "OK", "charlie", "After three requests in one write, the third "
                 "reply");
    conn_close(&c);
    server_end(&srv, SIGTERM);
}

static void
server_concurrent(void)
{
    static const char *const asked[4][3] = {
        { "alpha", "bravo", "charlie" }, { "delta", "echo", "alpha" },
        { "bravo", "delta", "echo" }, { "charlie", "alpha", "delta" },
    };
    struct run srv = server_run(), c[4];
    struct conn held;

    make_files();
    start_server(&srv);
    /* A client that has sent half a request and waits: the server must go
     * on serving the others meanwhile. */
    conn_open(&srv, &held, "the grader's connection, holding half a request");
    conn_sends(&srv, &held, "GET ec");
    wait_consumed(&srv, &held, "\"GET ec\" (half a request) on a first connection");
    for (size_t i = 0; i < ARRAY_LEN(c); i++) {
        c[i] = ref_client(asked[i][0], asked[i][1], asked[i][2]);
        run_start(&c[i]);
    }
    for (size_t i = 0; i < ARRAY_LEN(c); i++)
        run_wait(&c[i]);
    for (size_t i = 0; i < ARRAY_LEN(c); i++) {
        if (c[i].res.timed_out) {
            struct strbuf server = { 0 };

            run_halt_words(&srv, &server);
            test_fail(&c[i], "A first client connected and sent half a request (\"GET ec\", "
                      "no '\\n'); then four reference clients ran at once. This one got no "
                      "reply within %.0f s. A server that serves one client at a time "
                      "keeps all the others waiting: wait for all of them at once with "
                      "poll(). See " CHAPTER ", \"Many clients at once: poll()\".\n%s",
                      c[i].req.timeout, sb_str(&server));
        }
        expect_ref_client(&srv, &c[i], asked[i], 3, "With four clients at once");
    }
    conn_sends(&srv, &held, "ho\n");
    expect_reply(&srv, &held, "OK", "echo", "The first connection's request was \"GET ec\" "
                 "then, after the four other clients, \"ho\\n\": its reply");
    conn_close(&held);
    server_end(&srv, SIGTERM);
}

static void
server_closes_fds(void)
{
    struct run srv = server_run();
    struct conn a;
    struct strbuf held = { 0 };
    double deadline;
    size_t n;

    make_files();
    start_server(&srv);
    conn_open(&srv, &a, "the grader's connection");
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        conn_sends(&srv, &a, test_strf("GET %s\n", names[i]));
        expect_reply(&srv, &a, "OK", names[i], test_strf("After \"GET %s\\n\"", names[i]));
    }
    /* The grader keeps its five descriptors; the server must not keep its
     * own: once sent, the client has its own descriptor of the file. */
    deadline = now_seconds() + WAIT;
    while ((sb_free(&held), n = served_files_held(&srv, &held)) > 0 &&
           now_seconds() < deadline && run_alive(&srv))
        usleep(20000);
    if (n > 0)
        run_fail_halt(&srv, "The server sent five files to a client that is still connected; "
                      "%.0f s later it still holds %zu of them open itself: %s. sendmsg() "
                      "gives the client a descriptor of its own (a new entry in its table, "
                      "to the same open file); the server's is still there until it closes "
                      "it. Close it once the reply is sent, or the server runs out after "
                      "a few hundred requests. See " CHAPTER ", \"No descriptor leaked\".",
                      WAIT, n, sb_str(&held));
    sb_free(&held);
    conn_close(&a);
    /* The connection of a client that left is closed too. */
    for (int i = 0; i < 3; i++) {
        struct run c = ref_client("alpha", "bravo", NULL);

        run_program(&c);
        expect_ref_client(&srv, &c, names, 2, "With clients coming one after the other");
    }
    deadline = now_seconds() + WAIT;
    while ((n = conn_held_by(&srv, SOCK, NULL, 0)) > 0 && now_seconds() < deadline &&
           run_alive(&srv))
        usleep(20000);
    if (n > 0)
        run_fail_halt(&srv, "Four clients connected, were served and left. %.0f s later, the "
                      "server still holds %zu of their connections open. When read() "
                      "returns 0, the client has gone: close its connection. See " CHAPTER
                      ", \"No descriptor leaked\".", WAIT, n);
    server_end(&srv, SIGTERM);
}

static void
server_many_requests(void)
{
    struct run srv = server_run();
    struct conn a;
    int many;

    make_files();
    start_server(&srv);
    many = run_descriptor_limit(&srv, 256) + 44;
    /* More requests on one connection than the server may have
     * descriptors, and as many connections one after the other. */
    conn_open(&srv, &a, "the grader's connection");
    for (int i = 1; i <= many; i++) {
        const char *name = names[i % ARRAY_LEN(names)];

        conn_sends(&srv, &a, test_strf("GET %s\n", name));
        expect_reply(&srv, &a, "OK", name, test_strf("Request %d of %d on one connection "
                     "(a server that keeps each file it sends runs out of descriptors "
                     "after a couple of hundred)", i, many));
        close(a.fds[0]);
        a.nfds = 0;
    }
    conn_close(&a);
    for (int i = 1; i <= many; i++) {
        conn_open(&srv, &a, test_strf("connection %d of %d (one after the other)", i, many));
        conn_sends(&srv, &a, "GET bravo\n");
        expect_reply(&srv, &a, "OK", "bravo", test_strf("Client %d of %d, one after the "
                     "other, each leaving once served (a server that keeps each client's "
                     "connection runs out of descriptors)", i, many));
        conn_close(&a);
    }
    server_end(&srv, SIGTERM);
}

/* The server, after clients that left before their replies, still runs. */
static void
expect_survived_leavers(struct run *srv)
{
    if (!run_alive(srv))
        run_fail_halt(srv, "Three clients sent requests and left at once, without waiting "
                      "for the replies; the server died. Writing to a connection whose "
                      "client has gone raises SIGPIPE, which kills a process: send with "
                      "MSG_NOSIGNAL, and drop that client on EPIPE. See " CHAPTER
                      ", \"Many clients at once: poll()\".");
}

static void
server_client_gone(void)
{
    struct run srv = server_run();
    struct conn a, b;

    make_files();
    start_server(&srv);
    for (int i = 0; i < 3; i++) {
        /* Stopped, the server cannot read the requests before the client
         * has gone: its replies then go to a closed connection, every
         * time (a server that answered first would not meet EPIPE). */
        run_signal(&srv, SIGSTOP);
        conn_open(&srv, &a, "a connection that leaves at once");
        conn_sends(&srv, &a, "GET alpha\nGET bravo\nGET nosuchfile\n");
        conn_close(&a);
        run_signal(&srv, SIGCONT);
    }
    /* Let the server take in the three that left (it sleeps again, or
     * has died of it) before the next client comes. */
    usleep(100000);
    for (double end = now_seconds() + WAIT; now_seconds() < end && run_alive(&srv) &&
         !run_idle(&srv);)
        usleep(10000);
    expect_survived_leavers(&srv);
    conn_open(&srv, &b, "the grader's next connection");
    conn_sends(&srv, &b, "GET charlie\n");
    expect_survived_leavers(&srv);
    expect_reply(&srv, &b, "OK", "charlie", "After three clients that left before their "
                 "replies, a new client's \"GET charlie\\n\"");
    conn_close(&b);
    server_end(&srv, SIGTERM);
}

static void
server_sigterm(void)
{
    struct run srv = server_run();
    struct conn a, idle;
    struct stat st;

    make_files();
    start_server(&srv);
    conn_open(&srv, &a, "the grader's connection");
    conn_sends(&srv, &a, "GET alpha\n");
    expect_reply(&srv, &a, "OK", "alpha", "After \"GET alpha\\n\"");
    conn_open(&srv, &idle, "an idle connection");
    wait_consumed(&srv, &idle, "a new connection");
    server_stop(&srv, SIGTERM, "The server was idle, with two clients connected; after "
                "SIGTERM it should close its connections, remove " SOCK " and exit 0, but it "
                "went on. The handler sets a flag; poll() then fails with EINTR, and the "
                "loop looks at the flag. See " CHAPTER ", \"Stopping\".");
    if (lstat(SOCK, &st) == 0)
        test_fail(&srv, "After SIGTERM the server exited but left the socket file " SOCK
                        " behind: unlink() it once the listening socket is closed. See "
                        CHAPTER ", \"Stopping\".");
    conn_close(&a);
    conn_close(&idle);
}

static void
server_valgrind(void)
{
    struct run srv = server_run();
    struct run c1 = ref_client("delta", "echo", NULL);
    struct conn a, stay;
    static const char *const de[] = { "delta", "echo" };

    make_files();
    srv.req.valgrind = srv.req.track_fds = true;
    start_server(&srv);
    conn_open(&srv, &a, "the grader's connection");
    conn_sends(&srv, &a, "GET alpha\nGET ../secret\nGET nosuchfile\n");
    expect_reply(&srv, &a, "OK", "alpha", "Under Valgrind, after \"GET alpha\\n\"");
    expect_reply(&srv, &a, "ERR badname", NULL, "Under Valgrind, after \"GET ../secret\\n\"");
    expect_reply(&srv, &a, "ERR notfound", NULL, "Under Valgrind, after \"GET nosuchfile\\n\"");
    conn_close(&a);
    c1.req.timeout = VG_WAIT;
    run_program(&c1);
    expect_ref_client(&srv, &c1, de, 2, "Under Valgrind");
    conn_open(&srv, &stay, "a connection still open at the end");
    conn_sends(&srv, &stay, "GET bravo\n");
    expect_reply(&srv, &stay, "OK", "bravo", "Under Valgrind, \"GET bravo\\n\"");
    server_stop(&srv, SIGTERM, "Under Valgrind, after SIGTERM, the server went on.");
    expect_valgrind_clean(&srv);
    expect_no_open_fds(&srv, "server");
    conn_close(&stay);
}

/* ---- the student's client, against the grader ---- */

/* Start the student's client and take its connection on lfd. */
static void
client_connects(struct run *cl, struct conn *c, int lfd)
{
    cl->req.timeout = 3 * WAIT;
    run_start(cl);
    conn_accept(cl, c, lfd, "the client's connection", WAIT,
                "See " CHAPTER ", \"The client\".");
}

/* The next request the client sends must be `want` (without '\n'). */
static void
expect_request(struct run *cl, struct conn *c, const char *want)
{
    char got[sizeof c->buf];
    enum conn_got rc = conn_line(cl, c, got, sizeof got, patience(cl));

    if (rc == CONN_LINE && strcmp(got, want) == 0)
        return;
    if (rc == CONN_LINE)
        run_fail_halt(cl, "The client's request is wrong.\n  expected: %s\\n\n  found:    "
                      "%s\\n\nA request is \"GET NAME\\n\", one per NAME, in the order given.",
                      want, got);
    run_fail_halt(cl, "The grader waited for the request \"%s\\n\" from the client, but %s.",
                  want, rc == CONN_EOF ? "the client closed the connection" :
                  rc == CONN_IDLE ? "the client sleeps without sending it" :
                  rc == CONN_EXITED ? "the client exited" : "it did not come in time");
}

/* Send the reply text, with the descriptor file (>= 0) as SCM_RIGHTS. */
static void
send_reply(struct run *cl, struct conn *c, const char *text, int file)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = { (void *)text, strlen(text) };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

    if (file >= 0) {
        struct cmsghdr *cm;

        memset(&control, 0, sizeof control);
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof control.buf;
        cm = CMSG_FIRSTHDR(&msg);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &file, sizeof file);
    }
    if (sendmsg(c->fd, &msg, MSG_NOSIGNAL) != (ssize_t)strlen(text))
        run_fail_halt(cl, "The grader could not send its reply \"%s\" to the client: %s.",
                      text, strerror(errno));
}

/* A file the grader passes: its own, not the one the client named. */
static int
passed_file(const char *name, const char *content)
{
    int fd;

    scratch_file(name, content);
    if ((fd = open(name, O_RDONLY | O_CLOEXEC)) == -1)
        test_error("The grader could not open %s: %s", name, strerror(errno));
    return fd;
}

/* Does the client still hold a descriptor of the file `path`? Their
 * numbers go to which. */
static bool
client_holds(const struct run *cl, const char *path, struct strbuf *which)
{
    return files_held(cl, &path, 1, which) > 0;
}

static void
client_fetches(void)
{
    struct run cl = RUN("fileclient", SOCK, "alpha", "missing", "bravo");
    struct conn c;
    int lfd, fa, fb;
    const char *want = "alpha, as the grader passed it\nbravo, as the grader passed it\n";

    in_scratch();
    /* Files named as the client asks, which it must not open itself. */
    scratch_file("alpha", "wrong: alpha opened by name\n");
    scratch_file("bravo", "wrong: bravo opened by name\n");
    fa = passed_file("passed-a", "alpha, as the grader passed it\n");
    fb = passed_file("passed-b", "bravo, as the grader passed it\n");
    lfd = conn_listen(SOCK);
    client_connects(&cl, &c, lfd);
    expect_request(&cl, &c, "GET alpha");
    send_reply(&cl, &c, "OK\n", fa);
    close(fa);
    expect_request(&cl, &c, "GET missing");
    send_reply(&cl, &c, "ERR notfound\n", -1);
    expect_request(&cl, &c, "GET bravo");
    send_reply(&cl, &c, "OK\n", fb);
    close(fb);
    if (!run_wait_exit(&cl, WAIT))
        run_fail_halt(&cl, "The client had all its replies but did not exit.");
    if (strcmp(cl.res.out, want) != 0)
        test_fail(&cl, "The client asked for alpha, missing and bravo; the server passed a "
                  "descriptor for alpha, said \"ERR notfound\" for missing, and passed one "
                  "for bravo. It should print what the descriptors hold:\n%sThe file is "
                  "the descriptor that came with \"OK\" (SCM_RIGHTS): read() it. Do not "
                  "open NAME yourself: the client may not even see the server's folder. "
                  "See " CHAPTER ", \"The client\".", want);
    expect_error_exit(&cl, "When the server refused one of the files");
    expect_stderr_has(&cl, "missing: notfound", "Report a refused NAME on stderr as "
                      "\"fileclient: NAME: REASON\" (REASON: the word after \"ERR\") and go on "
                      "with the next.");
    close(lfd);
    conn_close(&c);
}

static void
client_closes_fds(void)
{
    struct run cl = RUN("fileclient", SOCK, "alpha", "bravo", "charlie");
    struct strbuf which = { 0 };
    struct conn c;
    int lfd, f;

    in_scratch();
    lfd = conn_listen(SOCK);
    client_connects(&cl, &c, lfd);
    expect_request(&cl, &c, "GET alpha");
    send_reply(&cl, &c, "OK\n", (f = passed_file("passed-a", "alpha\n")));
    close(f);
    expect_request(&cl, &c, "GET bravo");
    /* The client has printed alpha and asks for the next: it has no more
     * use for alpha's descriptor. */
    if (client_holds(&cl, "passed-a", &which))
        run_fail_halt(&cl, "The client printed alpha and asked for bravo, but it still holds "
                      "alpha's descriptor (its descriptor %s). Each descriptor that comes "
                      "with a reply is the client's to close once the file is printed: a "
                      "client asked for many files runs out. See " CHAPTER ", \"No "
                      "descriptor leaked\".", sb_str(&which));
    sb_free(&which);
    send_reply(&cl, &c, "ERR denied\n", -1);
    expect_request(&cl, &c, "GET charlie");
    send_reply(&cl, &c, "OK\n", (f = passed_file("passed-c", "charlie\n")));
    close(f);
    if (!run_wait_exit(&cl, WAIT))
        run_fail_halt(&cl, "The client had all its replies but did not exit.");
    if (strcmp(cl.res.out, "alpha\ncharlie\n") != 0)
        test_fail(&cl, "The client should have printed alpha's and charlie's contents "
                  "(\"alpha\\ncharlie\\n\").");
    expect_error_exit(&cl, "When the server denied bravo");
    expect_stderr_has(&cl, "bravo: denied", "Report a refused NAME as \"fileclient: NAME: "
                      "REASON\".");
    close(lfd);
    conn_close(&c);
}

static void
client_errors(void)
{
    struct run none = RUN("fileclient", SOCK, "alpha");
    struct run hang = RUN("fileclient", SOCK, "alpha", "bravo");
    struct conn c;
    int lfd;

    in_scratch();
    none.req.timeout = WAIT;
    run_program(&none);
    expect_error_exit(&none, "With no socket " SOCK);
    expect_stderr_has(&none, "No such file or directory", "Check connect()'s -1 and report "
                      "it with err_exit().");
    lfd = conn_listen(SOCK);
    client_connects(&hang, &c, lfd);
    expect_request(&hang, &c, "GET alpha");
    conn_close(&c);
    if (!run_wait_exit(&hang, WAIT))
        run_fail_halt(&hang, "The server closed the connection without replying; the client "
                      "should report it and exit 1, but it went on. recvmsg() returning 0 "
                      "is the end: there is no reply to wait for.");
    expect_error_exit(&hang, "When the server hangs up without replying");
    expect_stdout_empty(&hang, "No file came.");
    close(lfd);
}

static void
client_valgrind(void)
{
    struct run srv = server_run(), cl = RUN("fileclient", SOCK, "alpha", "nosuchfile", "echo");
    struct strbuf want = { 0 };

    make_files();
    srv.req.reference = true;
    start_server(&srv);
    cl.req.valgrind = cl.req.track_fds = true;
    cl.req.timeout = VG_WAIT;
    run_program(&cl);
    expect_finished(&cl);
    sb_addf(&want, "%s%s", content_of("alpha"), content_of("echo"));
    if (strcmp(cl.res.out, sb_str(&want)) != 0)
        test_fail(&cl, "Under Valgrind, the client asked the reference server for alpha, "
                  "nosuchfile and echo; it should print alpha's and echo's contents.");
    sb_free(&want);
    expect_error_exit(&cl, "Under Valgrind, with nosuchfile refused");
    expect_valgrind_clean(&cl);
    expect_no_open_fds(&cl, "client");
    server_end(&srv, SIGTERM);
}

static void
bad_usage(void)
{
    static char long_path[200], long_name[NAME_MAX_LEN + 2];
    static const char *cases[][5] = {
        { "fileserver" }, { "fileserver", SOCK }, { "fileserver", SOCK, DIR_ },
        { "fileserver", SOCK, DIR_, ACCESS, "extra" }, { "fileserver", "", DIR_, ACCESS },
        { "fileserver", long_path, DIR_, ACCESS },
        { "fileclient" }, { "fileclient", SOCK }, { "fileclient", SOCK, "" },
        { "fileclient", SOCK, "two\nlines" }, { "fileclient", long_path, "x" },
        { "fileclient", "", "x" }, { "fileclient", SOCK, long_name },
    };
    DIR *d;
    struct dirent *de;

    in_scratch();
    memset(long_path, 'p', sizeof long_path - 1);
    memset(long_name, 'n', sizeof long_name - 1);
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct run r = RUN(cases[i][0], cases[i][1], cases[i][2], cases[i][3], cases[i][4]);

        r.req.timeout = WAIT;
        run_program(&r);
        expect_usage_error(&r);
    }
    if ((d = opendir(".")) == NULL)
        test_error("The grader could not list its scratch folder: %s", strerror(errno));
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            test_fail(NULL, "After wrong command lines only, the folder holds \"%s\": a "
                            "program with bad arguments must make nothing.", de->d_name);
    closedir(d);
}

/* HIDDEN-BEGIN: instructors' tests; `make handout` leaves them out. */
static void
server_longest_name(void)
{
    static char name[NAME_MAX_LEN + 1], longer[NAME_MAX_LEN + 64];
    struct run srv = server_run();
    struct conn c, d;
    char got[64];

    make_files();
    memset(name, 'n', NAME_MAX_LEN);
    scratch_file(test_strf(DIR_ "/%s", name), "the longest name\n");
    start_server(&srv);
    conn_open(&srv, &c, "the grader's connection");
    conn_sends(&srv, &c, test_strf("GET %s\n", name));
    expect_reply(&srv, &c, "OK", name, test_strf("After a request of exactly %d bytes (a "
                 "name of %d)", REQUEST_MAX, NAME_MAX_LEN));
    memset(longer, 'n', sizeof longer - 1);
    conn_sends(&srv, &c, test_strf("GET %s\n", longer));
    expect_reply(&srv, &c, "ERR badrequest", NULL, "After a line longer than REQUEST_MAX");
    if (conn_line(&srv, &c, got, sizeof got, patience(&srv)) != CONN_EOF)
        run_fail_halt(&srv, "After a line longer than REQUEST_MAX, the server should reply "
                      "\"ERR badrequest\" and close that connection.");
    conn_open(&srv, &d, "the grader's next connection");
    conn_sends(&srv, &d, "GET alpha\n");
    expect_reply(&srv, &d, "OK", "alpha", "After a client whose line was too long, another "
                 "client's \"GET alpha\\n\"");
    conn_close(&c);
    conn_close(&d);
    server_end(&srv, SIGTERM);
}

/* Each OK is an open() of its own: a descriptor read to its end does not
 * leave the next client (or the next request) at the end too, as one open
 * file handed out again would (its offset is shared). */
static void
server_fresh_open(void)
{
    struct run srv = server_run();
    struct conn a, b;
    char bytes[128];
    const char *want = content_of("alpha");
    int fds[3];

    make_files();
    start_server(&srv);
    conn_open(&srv, &a, "the grader's connection A");
    conn_open(&srv, &b, "the grader's connection B");
    conn_sends(&srv, &a, "GET alpha\n");
    fds[0] = expect_reply(&srv, &a, "OK", "alpha", "After \"GET alpha\\n\"");
    if (read(fds[0], bytes, sizeof bytes) != (ssize_t)strlen(want))
        test_error("The grader could not read alpha through its descriptor.");
    conn_sends(&srv, &a, "GET alpha\n");
    fds[1] = expect_reply(&srv, &a, "OK", "alpha", "Asked for alpha again, on the same "
                          "connection");
    conn_sends(&srv, &b, "GET alpha\n");
    fds[2] = expect_reply(&srv, &b, "OK", "alpha", "Asked for alpha on a second connection");
    for (int i = 1; i < 3; i++) {
        ssize_t n = read(fds[i], bytes, sizeof bytes - 1);

        if (n != (ssize_t)strlen(want))
            run_fail_halt(&srv, "The grader read alpha to its end through the first "
                          "descriptor it was sent; then asked again (%s). Reading the new "
                          "descriptor gave %zd bytes instead of the whole file (%zu): it "
                          "shares the first one's file offset, so it is the same open file "
                          "handed out again. Open the file for each request. See " CHAPTER
                          ", \"The protocol\".", i == 1 ? "same connection" :
                          "another connection", n, strlen(want));
    }
    conn_close(&a);
    conn_close(&b);
    server_end(&srv, SIGTERM);
}
/* HIDDEN-END */

/* ---- the table ---- */

static const struct test_def tests[] = {
    { "server_passes_fd", "\"GET NAME\" is answered \"OK\" with the file as one read-only "
      "descriptor (SCM_RIGHTS)", 3, server_passes_fd, "openat() the file O_RDONLY, then one "
      "sendmsg() with the line and a SCM_RIGHTS cmsghdr.", NULL,
      "Passing a descriptor: SCM_RIGHTS" },
    { "server_errors", "a missing file, a name outside the folder and a bad request get "
      "their ERR replies; the connection goes on", 2, server_errors, "a name is plain: no "
      "'/', not \".\" or \"..\".", NULL, "The protocol" },
    { "server_access_list", "a client whose uid is not on the access list gets \"ERR "
      "denied\" to every request; a bad list stops the server", 2, server_access_list, "read the list at start; compare "
      "the client's uid.", NULL, "The access list" },
    { "server_peer_credentials", "the uid checked is the kernel's word for the peer "
      "(SO_PEERCRED), not the server's own", 3, server_peer_credentials, "getsockopt(cfd, "
      "SOL_SOCKET, SO_PEERCRED, ...).", NULL, "Who is asking: SO_PEERCRED" },
    { "server_stream", "a request in pieces, and several in one write, are each answered "
      "once, in order", 2, server_stream, "keep each client's bytes until the '\\n'.", NULL,
      "The protocol" },
    { "server_concurrent", "four reference clients at once are served while another client "
      "sits on half a request", 3, server_concurrent, "poll() on the listening socket and "
      "every connection.", NULL, "Many clients at once: poll()" },
    { "server_closes_fds", "the server keeps no descriptor of a file it sent, nor the "
      "connection of a client that left", 2, server_closes_fds, "close your copy after "
      "sendmsg(); close a connection at end of file.", NULL, "No descriptor leaked" },
    { "server_many_requests", "more requests, and more clients, than the server may have "
      "descriptors are all served", 1, server_many_requests, "every descriptor opened is "
      "closed.", NULL, "No descriptor leaked" },
    { "server_client_gone", "clients that leave before their replies do not kill the "
      "server", 1, server_client_gone, "MSG_NOSIGNAL; EPIPE drops that client.", NULL,
      "Many clients at once: poll()" },
    { "server_sigterm", "on SIGTERM the server exits 0 and removes " SOCK, 1, server_sigterm,
      "a flag, EINTR, close(), unlink().", NULL, "Stopping" },
    { "server_valgrind", "the server runs clean under Valgrind, with no descriptor open at "
      "exit", 2, server_valgrind, "close every file, connection and the socket.", NULL,
      "No descriptor leaked" },
    { "client_fetches", "the client prints what the passed descriptors hold and reports "
      "refusals (exit 1)", 3, client_fetches, "recvmsg() the reply and its SCM_RIGHTS; read() "
      "that descriptor.", NULL, "The client" },
    { "client_closes_fds", "the client closes each received descriptor before its next "
      "request", 2, client_closes_fds, "close() the file once it is printed.", NULL,
      "No descriptor leaked" },
    { "client_errors", "the client reports a missing socket and a server that hangs up "
      "(exit 1)", 1, client_errors, "check connect(); recvmsg() returning 0 is the end.",
      NULL, "The client" },
    { "client_valgrind", "the client runs clean under Valgrind, with no descriptor open at "
      "exit", 1, client_valgrind, "close each file and the socket.", NULL,
      "No descriptor leaked" },
    { "bad_usage", "both programs reject a wrong command line with a usage message", 1,
      bad_usage, "usage_err() before anything else.", NULL, "The programs" },
    /* HIDDEN-BEGIN */
    { "server_longest_name", "a name of NAME_MAX_LEN bytes is served; a longer line gets "
      "\"ERR badrequest\" and a closed connection", 1, server_longest_name, "a full buffer "
      "without '\\n' is a bad request.", "after_published", "The protocol" },
    { "server_fresh_open", "each \"OK\" is a new open of the file: its descriptor starts at "
      "the beginning", 1, server_fresh_open, "open() for each request.", "after_published",
      "The protocol" },
    /* HIDDEN-END */
};

const struct exercise exercise_fileserver = {
    .id = "fileserver",
    .title = "Project: a file server passing descriptors",
    .chapter = CHAPTER,
    .programs = programs,
    .tests = tests,
    .ntests = ARRAY_LEN(tests),
};
