/* conn.c: the grader's end of a Unix domain stream socket (conn.h). */
#define _GNU_SOURCE
#include "suite.h"

#include <errno.h>
#include <linux/sockios.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* The address of the socket file path; the grader's paths are short
 * (the programs' folder is the working folder), so it fits sun_path. */
static struct sockaddr_un
address_of(const char *path)
{
    struct sockaddr_un addr;

    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof addr.sun_path)
        test_error("The grader's socket path %s is too long for sun_path.", path);
    strcpy(addr.sun_path, path);
    return addr;
}

const char *
conn_file_words(const char *path)
{
    struct stat st;

    if (lstat(path, &st) == -1)
        return test_strf("there is no file %s", path);
    if (S_ISSOCK(st.st_mode))
        return test_strf("%s is a socket file", path);
    return test_strf("%s exists but is not a socket", path);
}

void
conn_connect(struct run *srv, struct conn *c, const char *path, const char *name, uid_t as,
             double timeout, const char *see)
{
    struct sockaddr_un addr = address_of(path);
    double deadline = now_seconds() + timeout;
    uid_t mine = geteuid();
    const char *tail = see ? test_strf(" %s", see) : "";
    int rc, e;

    memset(c, 0, sizeof *c);
    c->name = name;
    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd == -1)
        test_error("The grader could not make a socket: %s", strerror(errno));
    if (as != (uid_t)-1 && seteuid(as) == -1)
        test_error("The grader could not take uid %u: %s", (unsigned)as, strerror(errno));
    /* The socket is non-blocking: connect() says EAGAIN while the backlog
     * is full, where a client's would wait. */
    while ((rc = connect(c->fd, (struct sockaddr *)&addr, sizeof addr)) == -1 &&
           errno == EAGAIN && now_seconds() < deadline)
        usleep(10000);
    e = errno;
    if (as != (uid_t)-1 && seteuid(mine) == -1)
        test_error("The grader could not take back its uid: %s", strerror(errno));
    if (rc == 0)
        return;
    if (e == ENOENT)
        run_fail_halt(srv, "The grader could not connect to %s (%s): there is no socket file "
                      "%s in the server's folder. bind() makes it.%s", path, name, path, tail);
    if (e == ECONNREFUSED)
        run_fail_halt(srv, "The grader could not connect to %s (%s): Connection refused: %s, "
                      "but no socket listens on it. Call listen() after bind(), and keep the "
                      "listening socket open while you serve.%s", path, name, conn_file_words(path),
                      tail);
    if (e == EAGAIN)
        run_fail_halt(srv, "The grader could not connect to %s (%s) within %.0f s: the "
                      "server's backlog stayed full, so it does not accept() its clients.",
                      path, name, timeout);
    run_fail_halt(srv, "The grader could not connect to %s (%s): %s.", path, name,
                  strerror(e));
}

void
conn_close(struct conn *c)
{
    for (size_t i = 0; i < c->nfds; i++)
        close(c->fds[i]);
    c->nfds = 0;
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

void
conn_send(struct run *r, struct conn *c, const char *text, size_t len, double timeout)
{
    double deadline = now_seconds() + timeout;

    while (len > 0) {
        ssize_t n = send(c->fd, text, len, MSG_NOSIGNAL);

        if (n == -1 && errno == EAGAIN && now_seconds() < deadline) {
            struct pollfd p = { c->fd, POLLOUT, 0 };

            poll(&p, 1, 10);
            continue;
        }
        if (n == -1 && (errno == EPIPE || errno == ECONNRESET))
            run_fail_halt(r, "`%s` closed %s before the grader could send it all.",
                          r->req.prog, c->name);
        if (n == -1)
            run_fail_halt(r, "The grader could not send on %s: %s (`%s` does not read it?)",
                          c->name, strerror(errno), r->req.prog);
        text += n;
        len -= (size_t)n;
    }
}

int
conn_unread(const struct conn *c)
{
    int n = 0;

    if (ioctl(c->fd, SIOCOUTQ, &n) == -1)
        return 0;
    return n;
}

/* Receive one byte, and the descriptors that came with it, into c. Return
 * 1, 0 at the end of the connection, -1 when nothing has come. */
static int
receive_byte(struct conn *c)
{
    union {
        char buf[CMSG_SPACE(16 * sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = { c->buf + c->len, 1 };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                          .msg_controllen = sizeof control.buf };
    ssize_t n = recvmsg(c->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

    if (n == -1 && (errno == EAGAIN || errno == EINTR))
        return -1;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); n >= 0 && cm; cm = CMSG_NXTHDR(&msg, cm)) {
        size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

        for (size_t i = 0; cm->cmsg_type == SCM_RIGHTS && i < k; i++) {
            int fd;

            memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof fd);
            if (c->nfds < ARRAY_LEN(c->fds))
                c->fds[c->nfds++] = fd;
            else
                close(fd);
        }
    }
    if (n <= 0)
        return 0;
    c->len++;
    return 1;
}

struct line_wait {
    const struct run *r;
    struct conn *c;
    bool news;                  /* bytes came since the last idle look */
};

/* Receive what has come; true once c holds a whole line (or a buffer full
 * without one: a line far too long), or the other end has closed. */
static bool
line_came(void *p)
{
    struct line_wait *w = p;
    struct conn *c = w->c;

    for (;;) {
        ssize_t n;

        if (memchr(c->buf, '\n', c->len) != NULL || c->len == sizeof c->buf - 1 || c->eof)
            return true;
        if (c->with_fds) {
            n = receive_byte(c);
        } else {
            n = recv(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len, MSG_DONTWAIT);
            if (n == -1 && errno == ECONNRESET)
                n = 0;
            else if (n > 0)
                c->len += (size_t)n;
        }
        if (n == 0)
            c->eof = true;
        if (n < 0)
            return false;
        w->news = true;
    }
}

/* The program has read everything sent on c, sleeps, and nothing came
 * since the last look. */
static bool
peer_idle(void *p)
{
    struct line_wait *w = p;
    bool news = w->news;

    w->news = false;
    return !news && conn_unread(w->c) == 0 && run_idle(w->r);
}

enum conn_got
conn_line(struct run *r, struct conn *c, char *line, size_t size, double timeout)
{
    struct line_wait lw = { .r = r, .c = c };
    struct watch w = { .done = line_came, .idle = peer_idle, .ctx = &lw, .wake_fd = c->fd };
    char *nl;
    size_t len;

    switch (run_watch(r, &w, timeout)) {
    case WATCH_DONE:
        break;
    case WATCH_IDLE:
        return CONN_IDLE;
    case WATCH_EXITED:
        /* What it sent just before it exited may still be on its way. */
        if (line_came(&lw) && memchr(c->buf, '\n', c->len) != NULL)
            break;
        return CONN_EXITED;
    case WATCH_LATE:
        return CONN_LATE;
    }
    nl = memchr(c->buf, '\n', c->len);
    if (nl == NULL && c->eof) {
        snprintf(line, size, "%.*s", (int)c->len, c->buf);
        return CONN_EOF;
    }
    len = nl ? (size_t)(nl - c->buf) : c->len;      /* a line far too long: its start */
    snprintf(line, size, "%.*s", (int)len, c->buf);
    c->len -= nl ? len + 1 : len;
    memmove(c->buf, c->buf + (nl ? len + 1 : len), c->len);
    return CONN_LINE;
}

struct consumed {
    const struct run *srv;
    const struct conn *c;
    double since;               /* when all of it was first seen read, or 0 */
};

/* All that was sent has been read, a second ago. */
static bool
read_a_second_ago(void *p)
{
    struct consumed *w = p;

    if (conn_unread(w->c) > 0)
        w->since = 0;
    else if (w->since == 0)
        w->since = now_seconds();
    return w->since > 0 && now_seconds() - w->since >= 1.0;
}

static bool
read_and_asleep(void *p)
{
    struct consumed *w = p;

    return conn_unread(w->c) == 0 && run_idle(w->srv);
}

void
conn_wait_consumed(struct run *srv, struct conn *c, const char *what, double timeout,
                   bool must_sleep)
{
    struct consumed cw = { .srv = srv, .c = c };
    struct watch w = { .done = must_sleep ? NULL : read_a_second_ago, .idle = read_and_asleep,
                       .ctx = &cw };

    switch (run_watch(srv, &w, timeout)) {
    case WATCH_EXITED:
        run_fail_halt(srv, "The server stopped after %s.", what);
    case WATCH_LATE:
        run_fail_halt(srv, "After %s, the server did not read it %swithin %.0f s.", what,
                      must_sleep ? "and go back to waiting " : "", timeout);
    default:
        return;
    }
}

int
conn_listen(const char *path)
{
    struct sockaddr_un addr = address_of(path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    if (fd == -1 || bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1 ||
        listen(fd, 8) == -1)
        test_error("The grader could not listen on %s: %s", path, strerror(errno));
    return fd;
}

struct accepting {
    int lfd, fd;
};

static bool
accepted(void *p)
{
    struct accepting *a = p;

    a->fd = accept4(a->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    return a->fd >= 0;
}

void
conn_accept(struct run *cl, struct conn *c, int lfd, const char *name, double timeout,
            const char *advice)
{
    struct accepting a = { .lfd = lfd, .fd = -1 };
    struct watch w = { .done = accepted, .ctx = &a, .wake_fd = lfd };
    struct sockaddr_un addr;
    socklen_t alen = sizeof addr;

    memset(c, 0, sizeof *c);
    c->name = name;
    c->fd = -1;
    memset(&addr, 0, sizeof addr);
    if (getsockname(lfd, (struct sockaddr *)&addr, &alen) == -1)
        test_error("The grader could not read its socket's address: %s", strerror(errno));
    switch (run_watch(cl, &w, timeout)) {
    case WATCH_DONE:
        c->fd = a.fd;
        return;
    case WATCH_EXITED:
        run_wait(cl);
        test_fail(cl, "The client exited without connecting to %s, where a server was "
                      "listening. %s", addr.sun_path, advice);
    default:
        run_fail_halt(cl, "The client did not connect to %s within %.0f s.", addr.sun_path,
                      timeout);
    }
}

struct held {
    const char *path;
    int *fds;
    size_t max, n;
};

/* Is this descriptor a connection accepted on the socket file h->path? */
static bool
accepted_on(pid_t pid, int fd, const char *link, void *p)
{
    struct held *h = p;
    char sock[sizeof ((struct sockaddr_un *)0)->sun_path + 2];
    bool listening;

    (void)link;
    if (!diagnose_unix_fd(pid, fd, sock, sizeof sock, &listening) || listening ||
        strcmp(sock, h->path) != 0)
        return false;
    if (h->n < h->max)
        h->fds[h->n] = fd;
    h->n++;
    return true;
}

size_t
conn_held_by(const struct run *srv, const char *path, int *fds, size_t max)
{
    struct held h = { .path = path, .fds = fds, .max = max };

    return run_each_fd(srv, accepted_on, &h);
}
