/* unixsock.c: transport_unix (chapter 10, choosing): a connected pair of
   Unix domain stream sockets (socketpair()), one end for each process.
   One socket carries both directions. Messages are framed (framing.c),
   as for a pipe: a stream socket keeps no message boundaries either. */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include "framing.h"
#include "transport.h"

struct transport {
    int sv[2];                  /* [0] the parent's end, [1] the child's */
    int fd;                     /* this process's end, after attach() */
};

static struct transport *
unix_create(void)
{
    struct transport *t = malloc(sizeof *t);

    if (t == NULL)
        return NULL;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, t->sv) == -1) {
        free(t);
        return NULL;
    }
    t->fd = -1;
    return t;
}

static int
unix_attach(struct transport *t, enum tp_side side)
{
    close(t->sv[side == TP_PARENT ? 1 : 0]);
    t->fd = t->sv[side == TP_PARENT ? 0 : 1];
    return 0;
}

static int
unix_send(struct transport *t, const void *buf, size_t len)
{
    return frame_send(t->fd, buf, len);
}

static ssize_t
unix_recv(struct transport *t, void *buf, size_t cap)
{
    return frame_recv(t->fd, buf, cap);
}

static int
unix_close(struct transport *t)
{
    int rc;

    if (t->fd == -1)
        rc = close(t->sv[0]) | close(t->sv[1]);
    else
        rc = close(t->fd);
    free(t);
    return rc;
}

const struct transport_ops transport_unix = {
    .name = "unix",
    .what = "a Unix stream socket pair, a length before each message",
    .create = unix_create,
    .attach = unix_attach,
    .send = unix_send,
    .recv = unix_recv,
    .close = unix_close,
};
