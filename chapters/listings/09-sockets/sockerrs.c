/* Listing 9-11 (chapter 9, sockets) */

/* sockerrs.c

   Make socket(), socketpair() and listen() fail on purpose, once for
   each reason, and print the errno each failure gives; then count how
   many connections a listening socket with a backlog of BACKLOG takes
   before anyone calls accept().

   Usage: sockerrs [BACKLOG]         (BACKLOG: 0 to 100, 2 by default)

       $ ./sockerrs
       socket(AF_UNIX, SOCK_STREAM, 0)          works
       socket(1000, SOCK_STREAM, 0)             EAFNOSUPPORT
       ...
*/
#include <sys/socket.h>
#include <sys/un.h>
#include <stdbool.h>

#include "ipcbook.h"

#define PATH "backlog.sock"

/* The names of the errors this program can meet. */
static const char *
errno_name(int e)
{
    switch (e) {
    case EAFNOSUPPORT:    return "EAFNOSUPPORT";
    case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case EOPNOTSUPP:      return "EOPNOTSUPP";
    case EINVAL:          return "EINVAL";
    case EAGAIN:          return "EAGAIN";
    default:              return strerror(e);
    }
}

/* Print WHAT and what the call that returned R did; close what it made. */
static void
report(const char *what, int r, int fd)
{
    printf("%-40s %s\n", what, r == -1 ? errno_name(errno) : "works");
    if (r != -1 && fd >= 0)
        close(fd);
}

// ANCHOR: errors
static void
try_errors(void)
{
    int fd, sv[2], r;

    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    report("socket(AF_UNIX, SOCK_STREAM, 0)", fd, fd);
    fd = socket(1000, SOCK_STREAM, 0);              /* no such family */
    report("socket(1000, SOCK_STREAM, 0)", fd, fd);
    fd = socket(AF_UNIX, 7, 0);                     /* a type number Unix lacks */
    report("socket(AF_UNIX, 7, 0)", fd, fd);
    fd = socket(AF_UNIX, SOCK_STREAM | 0x40, 0);    /* a bit that is no flag */
    report("socket(AF_UNIX, SOCK_STREAM | 0x40, 0)", fd, fd);
    fd = socket(AF_UNIX, SOCK_STREAM, 6);           /* 6 is TCP's number */
    report("socket(AF_UNIX, SOCK_STREAM, 6)", fd, fd);

    r = socketpair(AF_INET, SOCK_STREAM, 0, sv);    /* a family with no pairs */
    report("socketpair(AF_INET, SOCK_STREAM, 0)", r, -1);
    if (r == 0) {
        close(sv[0]);
        close(sv[1]);
    }

    fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (fd == -1)
        err_exit("socket");
    r = listen(fd, 5);                              /* datagrams: no connections */
    report("listen() on a SOCK_DGRAM socket", r, -1);
    close(fd);
}
// ANCHOR_END: errors

// ANCHOR: backlog
/* Listen with BACKLOG, then connect non-blocking clients until one fails
   with EAGAIN (the backlog is full); nobody calls accept(). */
static void
try_backlog(int backlog)
{
    struct sockaddr_un addr;
    int lfd, fds[200], n = 0;

    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, PATH);
    lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (lfd == -1)
        err_exit("socket");
    if (bind(lfd, (struct sockaddr *) &addr, sizeof(addr)) == -1)
        err_exit("bind(%s)", PATH);
    if (listen(lfd, backlog) == -1)
        err_exit("listen");

    for (;;) {
        fds[n] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (fds[n] == -1)
            err_exit("socket");
        if (connect(fds[n], (struct sockaddr *) &addr, sizeof(addr)) == -1)
            break;
        if (++n == 200)
            fatal("200 connections and no EAGAIN");
    }
    printf("listen(fd, %d): %d connection%s for accept(); the next "
           "connect(): %s\n", backlog, n, n == 1 ? " waits" : "s wait",
           errno_name(errno));
    // ANCHOR_END: backlog
    close(fds[n]);
    while (n > 0)
        close(fds[--n]);
    close(lfd);
    if (unlink(PATH) == -1)
        err_exit("unlink(%s)", PATH);
}

int
main(int argc, char *argv[])
{
    long backlog = 2;
    char *end;

    if (argc > 2)
        usage_err("[BACKLOG]\n");
    if (argc == 2) {
        errno = 0;
        backlog = strtol(argv[1], &end, 10);
        if (end == argv[1] || *end != '\0' || errno != 0 || backlog < 0 || backlog > 100)
            usage_err("[BACKLOG]      (0 to 100)\n");
    } else {
        try_errors();
    }
    try_backlog((int) backlog);
    return 0;
}
