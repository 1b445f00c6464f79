/* sysvmsg.c: transport_sysv_msg (chapter 10, choosing): one System V
   message queue carries both directions, told apart by the message type:
   type 1 goes to the child, type 2 to the parent, and each side asks
   msgrcv() for its own type only.

   A queue message holds at most msgmax bytes (8192 by default) and a
   queue at most msgmnb bytes (16384): a larger message is sent as
   pieces of msgmax bytes, the first one starting with the length of the
   whole message, and the receiver puts them back together. msgsnd()
   wants the type right before the bytes, so each piece is copied into a
   buffer first. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include "transport.h"

struct piece {
    long mtype;
    char mtext[];               /* up to msgmax bytes */
};

struct transport {
    int msqid;
    size_t piece_max;           /* msgmax of this machine */
    enum tp_side side;
    struct piece *out, *in;     /* one buffer each way: send and recv may overlap */
};

/* The type of the messages that go to `side`. */
static long
type_to(enum tp_side side)
{
    return side == TP_CHILD ? 1 : 2;
}

static struct transport *
msg_create(void)
{
    struct msginfo info;
    struct transport *t;

    if (msgctl(0, IPC_INFO, (struct msqid_ds *)&info) == -1)
        return NULL;
    t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->piece_max = (size_t)info.msgmax;
    t->out = malloc(sizeof(struct piece) + t->piece_max);
    t->in = malloc(sizeof(struct piece) + t->piece_max);
    t->msqid = -1;
    if (t->out && t->in && t->piece_max > sizeof(uint64_t))
        t->msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    if (t->msqid == -1) {
        int saved = t->out && t->in ? errno : ENOMEM;

        free(t->out);
        free(t->in);
        free(t);
        errno = saved;
        return NULL;
    }
    return t;
}

static int
msg_attach(struct transport *t, enum tp_side side)
{
    t->side = side;
    return 0;
}

// ANCHOR: send
static int
msg_send(struct transport *t, const void *buf, size_t len)
{
    size_t done = 0;
    bool first = true;

    do {
        char *p = t->out->mtext;
        size_t room = t->piece_max, n;

        if (first) {                /* the whole length, in front */
            uint64_t header = len;

            memcpy(p, &header, sizeof header);
            p += sizeof header;
            room -= sizeof header;
        }
        n = len - done < room ? len - done : room;
        memcpy(p, (const char *)buf + done, n);
        t->out->mtype = type_to(t->side == TP_PARENT ? TP_CHILD : TP_PARENT);
        while (msgsnd(t->msqid, t->out, (size_t)(p - t->out->mtext) + n, 0) == -1)
            if (errno != EINTR)
                return -1;
        done += n;
        first = false;
    } while (done < len);
    return 0;
}
// ANCHOR_END: send

static ssize_t
msg_recv(struct transport *t, void *buf, size_t cap)
{
    size_t len = 0, done = 0;
    bool first = true;

    do {
        ssize_t got;
        char *p = t->in->mtext;

        while ((got = msgrcv(t->msqid, t->in, t->piece_max, type_to(t->side), 0)) == -1)
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

/* The queue is a kernel object: the parent removes it, last. */
static int
msg_close(struct transport *t)
{
    int rc = 0;

    if (t->side == TP_PARENT)
        rc = msgctl(t->msqid, IPC_RMID, NULL);
    free(t->out);
    free(t->in);
    free(t);
    return rc;
}

const struct transport_ops transport_sysv_msg = {
    .name = "sysv-msg",
    .what = "one System V message queue, a type per direction, msgmax-byte pieces",
    .create = msg_create,
    .attach = msg_attach,
    .send = msg_send,
    .recv = msg_recv,
    .close = msg_close,
};
