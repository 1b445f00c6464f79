/* posixmq.c: transport_posix_mq (chapter 10, choosing): two POSIX message
   queues, one per direction. A queue has a name ("/ipcbench.PID.N"), but
   only long enough to open it: the parent unlinks it at once, and the
   child inherits the descriptors, so nothing can be left behind. Messages
   are at most mq_msgsize bytes (8192 by default, /proc/sys/fs/mqueue):
   a larger one is sent in pieces, as for transport_sysv_msg. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "transport.h"

struct transport {
    mqd_t q[2];                 /* q[side]: the messages that side sends */
    enum tp_side side;
    size_t piece_max;           /* mq_msgsize */
    char *out, *in;             /* one buffer each way */
};

/* A new queue, already unlinked; (mqd_t) -1 on failure. */
static mqd_t
open_unlinked(int n, size_t *msgsize)
{
    char name[64];
    struct mq_attr attr;
    mqd_t q;

    snprintf(name, sizeof name, "/ipcbench.%d.%d", (int)getpid(), n);
    q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
    if (q == (mqd_t)-1)
        return q;
    mq_unlink(name);
    if (mq_getattr(q, &attr) == -1) {
        int saved = errno;

        mq_close(q);
        errno = saved;
        return (mqd_t)-1;
    }
    *msgsize = (size_t)attr.mq_msgsize;
    return q;
}

static struct transport *
mq_create_transport(void)
{
    struct transport *t = calloc(1, sizeof *t);
    int saved;

    if (t == NULL)
        return NULL;
    t->q[0] = open_unlinked(0, &t->piece_max);
    t->q[1] = t->q[0] == (mqd_t)-1 ? (mqd_t)-1 : open_unlinked(1, &t->piece_max);
    if (t->q[1] != (mqd_t)-1 && t->piece_max > sizeof(uint64_t)) {
        t->out = malloc(t->piece_max);
        t->in = malloc(t->piece_max);
        if (t->out && t->in)
            return t;
        errno = ENOMEM;
    } else if (t->q[1] != (mqd_t)-1) {
        errno = EINVAL;
    }
    saved = errno;
    for (int i = 0; i < 2; i++)
        if (t->q[i] != (mqd_t)-1)
            mq_close(t->q[i]);
    free(t->out);
    free(t->in);
    free(t);
    errno = saved;
    return NULL;
}

static int
mq_attach(struct transport *t, enum tp_side side)
{
    t->side = side;
    return 0;
}

static int
mq_send_message(struct transport *t, const void *buf, size_t len)
{
    size_t done = 0;
    bool first = true;

    do {
        char *p = t->out;
        size_t room = t->piece_max, n;

        if (first) {
            uint64_t header = len;

            memcpy(p, &header, sizeof header);
            p += sizeof header;
            room -= sizeof header;
        }
        n = len - done < room ? len - done : room;
        memcpy(p, (const char *)buf + done, n);
        while (mq_send(t->q[t->side], t->out, (size_t)(p - t->out) + n, 0) == -1)
            if (errno != EINTR)
                return -1;
        done += n;
        first = false;
    } while (done < len);
    return 0;
}

static ssize_t
mq_recv_message(struct transport *t, void *buf, size_t cap)
{
    mqd_t q = t->q[t->side == TP_PARENT ? TP_CHILD : TP_PARENT];
    size_t len = 0, done = 0;
    bool first = true;

    do {
        ssize_t got;
        char *p = t->in;

        while ((got = mq_receive(q, t->in, t->piece_max, NULL)) == -1)
            if (errno != EINTR)
                return -1;
        if (first) {
            uint64_t header;

            if ((size_t)got < sizeof header) {
                errno = EPROTO;
                return -1;
            }
            memcpy(&header, p, sizeof header);
            len = (size_t)header;
            p += sizeof header;
            got -= (ssize_t)sizeof header;
            if (len > cap) {
                errno = EMSGSIZE;
                return -1;
            }
        }
        if (done + (size_t)got > len) {
            errno = EPROTO;
            return -1;
        }
        memcpy((char *)buf + done, p, (size_t)got);
        done += (size_t)got;
        first = false;
    } while (done < len);
    return (ssize_t)len;
}

/* The queues were unlinked at birth: closing the descriptors is all. */
static int
mq_close_transport(struct transport *t)
{
    int rc = mq_close(t->q[0]) | mq_close(t->q[1]);

    free(t->out);
    free(t->in);
    free(t);
    return rc;
}

const struct transport_ops transport_posix_mq = {
    .name = "posix-mq",
    .what = "two POSIX message queues, unlinked at once, mq_msgsize-byte pieces",
    .create = mq_create_transport,
    .attach = mq_attach,
    .send = mq_send_message,
    .recv = mq_recv_message,
    .close = mq_close_transport,
};
