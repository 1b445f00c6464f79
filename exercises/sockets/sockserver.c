/* Exercise 9 (sockets): skeleton */

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

   What to do: read chapters/09-sockets.md, then fill in the places marked
   TODO(sockets): listen_on() and reclaim_stale() (socket, bind, listen,
   and the stale socket file), accept_client(), drop_client(),
   send_all(), serve_client() (read, and the requests a read may hold),
   the poll() of the main loop, and the clean-up at the end. The argument
   parsing, the signal handler, the client table and the log lines are
   given. As given, the server prints "ready PATH" but makes no socket,
   waits for a signal and exits. Build with "make"; grade from the top of
   the repository with "bin/ipcgrade grade sockets".
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
    /* TODO(sockets): three steps. (1) lstat(path, &st): if it fails with
       ENOENT the file has gone meanwhile: just return; any other failure:
       err_exit("lstat(%s)", path). If !S_ISSOCK(st.st_mode), it is not a
       socket: fatal("%s exists and is not a socket; not removing it",
       path). (2) Make a second socket and connect() it to ADDR: if that
       works, a server is listening there: close it and fatal("another
       server is already listening on %s", path). If connect() fails with
       anything but ECONNREFUSED: err_exit("connect(%s)", path).
       (3) ECONNREFUSED: nobody listens, the file is stale: close the probe,
       unlink(path) (ENOENT is fine), and print "removed stale socket
       PATH". See "A socket file left behind: EADDRINUSE" in
       chapters/09-sockets.md. */
    (void) addr;        /* TODO(sockets): delete these two lines once you */
    (void) len;         /* use addr and len above. */
    fatal("%s is taken (reclaim_stale() is not written yet)", path);
}

/* Make a listening stream socket bound to PATH; return its descriptor. */
static int
listen_on(const char *path)
{
    struct sockaddr_un addr;
    socklen_t len = make_address(path, &addr);

    /* TODO(sockets): fd = socket(AF_UNIX, SOCK_STREAM, 0) (on failure:
       err_exit("socket")). Then bind(fd, (struct sockaddr *) &addr, len):
       if it fails with EADDRINUSE, call reclaim_stale(path, &addr, len)
       and bind() once more; any other failure (or the second bind()
       failing): err_exit("bind(%s)", path). Then listen(fd, BACKLOG) (on
       failure: err_exit("listen")), and return fd. See "A stream server
       step by step" in chapters/09-sockets.md. As given, there is no
       socket: -1. */
    (void) len;         /* TODO(sockets): delete these two lines once you */
    (void) reclaim_stale;       /* use len and call reclaim_stale(). */
    return -1;
}

/* Accept one waiting connection into a free slot of CLIENTS (the caller
   polls the listening socket only when there is one). */
static void
accept_client(int lfd, struct client clients[], long *next_id)
{
    /* TODO(sockets): fd = accept(lfd, NULL, NULL). It fails with EINTR (a
       signal), ECONNABORTED (the client gave up) or EAGAIN: return, those
       do not stop the service; anything else: err_exit("accept"). See
       "accept(): one socket per client" in chapters/09-sockets.md. */
    int fd = -1;

    (void) lfd;         /* TODO(sockets): delete this line once you use lfd. */
    if (fd == -1)
        return;
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
    /* TODO(sockets): close the connection, c->fd. Forget it and the
       descriptor stays open for as long as the server runs: one lost per
       client, until accept() fails with EMFILE. See "Closing: every
       descriptor, every time" in chapters/09-sockets.md. */
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
    /* TODO(sockets): loop until all LEN bytes are sent: n = send(fd, buf,
       len, MSG_NOSIGNAL), then buf += n, len -= n. On failure: EINTR with
       no stop requested, try again; EPIPE or ECONNRESET (the client has
       gone): return false; anything else: err_msg("send") and return
       false. Without MSG_NOSIGNAL, writing to a client that has gone
       raises SIGPIPE, which kills the server. See "When the other end has
       gone: EPIPE and SIGPIPE" in chapters/09-sockets.md. */
    (void) fd;          /* TODO(sockets): delete these three lines once */
    (void) buf;         /* you use fd, buf and len above. */
    (void) len;
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
    /* TODO(sockets): n = read(c->fd, c->buf + c->len, sizeof(c->buf) -
       c->len): into the free part of the buffer, after the bytes kept
       from last time.
       - n == 0 is end of file, the client has closed its end:
         drop_client(c, "left") and return.
       - n == -1: EINTR, just return (poll() will say it again);
         otherwise err_msg("read") (not for ECONNRESET, a client that
         died), drop_client(c, "left") and return.
       - otherwise c->len += n. A stream has no message boundaries: the
         buffer may now hold half a request, one, or several. For every
         '\n' in c->buf (memchr()), answer(c, start, length without the
         '\n', served); if answer() returns false, drop_client(c, "left")
         and return. Then move what is left after the last '\n' to the
         front of c->buf (memmove()) and set c->len to its length.
       - if c->len == sizeof(c->buf) now, the line is too long for any
         request: send_all(c->fd, TOO_LONG_REPLY, strlen(TOO_LONG_REPLY)),
         then drop_client(c, "dropped: line too long"). (The client reads
         that line, then ECONNRESET instead of end of file: the rest of
         its line is still unread in this socket when you close it.)
       See "A stream has no message boundaries" in chapters/09-sockets.md.
       */
    (void) c;           /* TODO(sockets): delete these four lines once you */
    (void) served;      /* use c and served, and call answer() and */
    (void) answer;      /* drop_client(), above. */
    (void) drop_client;
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

        /* TODO(sockets): replace pause() with poll(fds, nfds, -1): wait,
           with no timeout, until one of them is ready; poll() sets each
           fds[i].revents. If poll() fails with EINTR, a signal came
           (SIGTERM?): continue, so that the loop looks at the flag; any
           other failure: err_exit("poll"). See "Serving many clients:
           poll()" in chapters/09-sockets.md. As given, the loop only waits
           for a signal, and every revents stays 0. */
        pause();
        for (nfds_t i = 0; i < nfds && !stop_requested; i++) {
            if (fds[i].revents == 0)
                continue;
            if (owner[i] == NULL)
                accept_client(lfd, clients, &next_id);
            else
                serve_client(owner[i], &served);
        }
    }

    /* TODO(sockets): clean up. close() every client's connection still
       open (clients still connected then see end of file) and the
       listening socket, then unlink(path): the name stays in the folder
       until someone removes it, and the next server would find it taken.
       unlink() failing with ENOENT is fine; any other failure:
       err_exit("unlink(%s)", path). See "Removing the socket file:
       unlink()" in chapters/09-sockets.md. */
    printf("shutdown served %ld\n", served);
    return EXIT_SUCCESS;
}
