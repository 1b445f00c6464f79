/* Solution to exercise 9 (sockets) */

/* sockserver.c

   The server of a line service on a Unix domain stream socket (the
   protocol is in ../include/sockservice.h). It listens on the socket file
   PATH and serves many clients at once, with poll(): each line a client
   sends is answered with a serial number and the line in capital letters.

   Usage: sockserver PATH

       $ ./sockserver service.sock &
       ready service.sock
       $ ./sockclient service.sock hello 'two words'
       client 1 connected
       1 HELLO
       2 TWO WORDS
       client 1 left
       $ kill %1
       shutdown served 2

   On SIGTERM or SIGINT it closes every connection, removes the socket
   file and exits with status 0. A socket file left behind by a server
   that died is removed at start; a file that is not a socket, or a socket
   another server still listens on, is left alone (exit status 1).

   See chapters/09-sockets.md.
*/
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <ctype.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include "ipcbook.h"
#include "sockservice.h"

#define BACKLOG 16              /* connections the kernel holds for accept() */

/* One connected client. A request may arrive in pieces: buf keeps the
   bytes of the request not finished yet, until its '\n' comes. */
struct client {
    int fd;                     /* the connection, or -1 for a free slot */
    long id;                    /* 1 for the first client accepted, 2... */
    size_t len;                 /* bytes waiting in buf */
    char buf[REQUEST_MAX];
};

static volatile sig_atomic_t stop_requested;    /* SIGTERM or SIGINT came */

/* The handler only sets a flag: poll() then fails with EINTR, and the
   main loop sees the flag. */
static void
on_stop(int sig)
{
    (void) sig;
    stop_requested = 1;
}

/* Catch SIGTERM and SIGINT. No SA_RESTART: a blocked call must return
   (EINTR) so that the loop can look at the flag. */
static void
catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sa.sa_handler = on_stop;
    if (sigaction(SIGTERM, &sa, NULL) == -1 || sigaction(SIGINT, &sa, NULL) == -1)
        err_exit("sigaction");
}

/* Fill ADDR with the path name PATH; return the address's length. PATH
   must fit in sun_path with its '\0' (the caller checked). */
static socklen_t
make_address(const char *path, struct sockaddr_un *addr)
{
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    strcpy(addr->sun_path, path);
    return (socklen_t) sizeof(*addr);
}

/* bind() said EADDRINUSE: a file PATH exists. If it is a socket nobody
   listens on (a server died without removing it), remove it and return.
   Anything else (not a socket; a server still listening there) is not
   ours to remove: report it and exit with status 1. */
static void
reclaim_stale(const char *path, const struct sockaddr_un *addr, socklen_t len)
{
    struct stat st;
    int probe;

    if (lstat(path, &st) == -1) {
        if (errno == ENOENT)
            return;             /* gone meanwhile: just bind again */
        err_exit("lstat(%s)", path);
    }
    if (!S_ISSOCK(st.st_mode))
        fatal("%s exists and is not a socket; not removing it", path);

    /* Only a connect() tells a live socket from a stale one: nobody
       listening means ECONNREFUSED. */
    probe = socket(AF_UNIX, SOCK_STREAM, 0);
    if (probe == -1)
        err_exit("socket");
    if (connect(probe, (const struct sockaddr *) addr, len) == 0) {
        close(probe);
        fatal("another server is already listening on %s", path);
    }
    if (errno != ECONNREFUSED)
        err_exit("connect(%s)", path);
    close(probe);
    if (unlink(path) == -1 && errno != ENOENT)
        err_exit("unlink(%s)", path);
    printf("removed stale socket %s\n", path);
}

/* Make a listening stream socket bound to PATH; return its descriptor. */
static int
listen_on(const char *path)
{
    struct sockaddr_un addr;
    socklen_t len = make_address(path, &addr);
    int fd;

    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd == -1)
        err_exit("socket");
    if (bind(fd, (struct sockaddr *) &addr, len) == -1) {
        if (errno != EADDRINUSE)
            err_exit("bind(%s)", path);
        reclaim_stale(path, &addr, len);
        if (bind(fd, (struct sockaddr *) &addr, len) == -1)
            err_exit("bind(%s)", path);
    }
    if (listen(fd, BACKLOG) == -1)
        err_exit("listen");
    return fd;
}

/* Accept one waiting connection into a free slot of CLIENTS (the caller
   polls the listening socket only when there is one). */
static void
accept_client(int lfd, struct client clients[], long *next_id)
{
    int fd = accept(lfd, NULL, NULL);

    if (fd == -1) {
        /* The client may have given up meanwhile; a signal may have
           interrupted us. Neither stops the service. */
        if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN)
            return;
        err_exit("accept");
    }
    for (int i = 0; i < MAX_CLIENTS; i++) {
        if (clients[i].fd == -1) {
            clients[i].fd = fd;
            clients[i].id = ++*next_id;
            clients[i].len = 0;
            printf("client %ld connected\n", clients[i].id);
            return;
        }
    }
    close(fd);                  /* cannot happen: see above */
}

/* Close client C's connection and free its slot; WHY goes to the log. */
static void
drop_client(struct client *c, const char *why)
{
    close(c->fd);
    c->fd = -1;
    c->len = 0;
    printf("client %ld %s\n", c->id, why);
}

/* Send all LEN bytes of BUF on FD: send() may take fewer at a time.
   Return false if the client has gone (or a stop was asked for while
   waiting); a client that left must not kill the server, hence
   MSG_NOSIGNAL (no SIGPIPE). */
static bool
send_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n == -1) {
            if (errno == EINTR && !stop_requested)
                continue;
            if (errno != EPIPE && errno != ECONNRESET && errno != EINTR)
                err_msg("send");
            return false;
        }
        buf += n;
        len -= (size_t) n;
    }
    return true;
}

/* Answer the request TEXT (LEN bytes, without its '\n') of client C with
   the next serial number. Return false if the client has gone. */
static bool
answer(struct client *c, const char *text, size_t len, long *served)
{
    char reply[REPLY_MAX];
    int n = snprintf(reply, sizeof(reply), "%ld ", ++*served);

    for (size_t i = 0; i < len; i++)
        reply[n++] = (char) toupper((unsigned char) text[i]);
    reply[n++] = '\n';
    return send_all(c->fd, reply, (size_t) n);
}

/* Client C's connection is readable: read what came, answer every
   request it completes, keep the unfinished rest for the next time. */
static void
serve_client(struct client *c, long *served)
{
    ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
    char *start, *end, *nl;

    if (n == 0) {               /* end of file: the client closed its end */
        drop_client(c, "left");
        return;
    }
    if (n == -1) {
        if (errno == EINTR)
            return;             /* poll() will say it again */
        if (errno != ECONNRESET)
            err_msg("read");
        drop_client(c, "left");
        return;
    }
    c->len += (size_t) n;

    /* One read() may hold half a request, or several: only '\n' ends one. */
    start = c->buf;
    end = c->buf + c->len;
    while ((nl = memchr(start, '\n', (size_t) (end - start))) != NULL) {
        if (!answer(c, start, (size_t) (nl - start), served)) {
            drop_client(c, "left");
            return;
        }
        start = nl + 1;
    }
    c->len = (size_t) (end - start);
    memmove(c->buf, start, c->len);

    if (c->len == sizeof(c->buf)) {     /* REQUEST_MAX bytes and no '\n' */
        send_all(c->fd, TOO_LONG_REPLY, strlen(TOO_LONG_REPLY));
        drop_client(c, "dropped: line too long");
    }
}

int
main(int argc, char *argv[])
{
    static struct client clients[MAX_CLIENTS];
    struct sockaddr_un addr;
    long served = 0, next_id = 0;
    const char *path;
    int lfd, nclients;

    if (argc != 2 || argv[1][0] == '\0')
        usage_err("PATH\n");
    path = argv[1];
    if (strlen(path) >= sizeof(addr.sun_path))
        usage_err("PATH\nPATH must be shorter than %zu bytes\n", sizeof(addr.sun_path));

    /* Each line at once, even when stdout is a file or a pipe: whoever
       watches the log (the grader does) sees each event as it happens. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    catch_signals();

    lfd = listen_on(path);
    for (int i = 0; i < MAX_CLIENTS; i++)
        clients[i].fd = -1;
    printf("ready %s\n", path);

    while (!stop_requested) {
        struct pollfd fds[MAX_CLIENTS + 1];
        struct client *owner[MAX_CLIENTS + 1];
        nfds_t nfds = 0;

        /* Wait for all of them at once: the listening socket (while there
           is room for one more client) and every connection. */
        nclients = 0;
        for (int i = 0; i < MAX_CLIENTS; i++)
            nclients += clients[i].fd != -1;
        if (nclients < MAX_CLIENTS) {
            fds[nfds] = (struct pollfd) { .fd = lfd, .events = POLLIN };
            owner[nfds++] = NULL;
        }
        for (int i = 0; i < MAX_CLIENTS; i++) {
            if (clients[i].fd != -1) {
                fds[nfds] = (struct pollfd) { .fd = clients[i].fd, .events = POLLIN };
                owner[nfds++] = &clients[i];
            }
        }

        if (poll(fds, nfds, -1) == -1) {
            if (errno == EINTR)
                continue;       /* a signal: the loop looks at the flag */
            err_exit("poll");
        }
        for (nfds_t i = 0; i < nfds && !stop_requested; i++) {
            if (fds[i].revents == 0)
                continue;
            if (owner[i] == NULL)
                accept_client(lfd, clients, &next_id);
            else
                serve_client(owner[i], &served);
        }
    }

    /* Clients still connected see end of file; the name goes away with
       the socket, or the next server would find it taken. */
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (clients[i].fd != -1)
            close(clients[i].fd);
    close(lfd);
    if (unlink(path) == -1 && errno != ENOENT)
        err_exit("unlink(%s)", path);
    printf("shutdown served %ld\n", served);
    return EXIT_SUCCESS;
}
