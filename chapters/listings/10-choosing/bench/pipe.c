/* pipe.c: transport_pipe (chapter 10, choosing): two pipes, one per
   direction, made by the parent before fork(); each process then closes
   the ends it does not use. Messages are framed (framing.c). */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include "framing.h"
#include "transport.h"

struct transport {
    int down[2];                /* parent to child: [0] read end, [1] write end */
    int up[2];                  /* child to parent */
    int rd, wr;                 /* this process's ends, after attach() */
};

static struct transport *
pipe_create(void)
{
    struct transport *t = malloc(sizeof *t);

    if (t == NULL)
        return NULL;
    if (pipe(t->down) == -1) {
        free(t);
        return NULL;
    }
    if (pipe(t->up) == -1) {
        int saved = errno;

        close(t->down[0]);
        close(t->down[1]);
        free(t);
        errno = saved;
        return NULL;
    }
    t->rd = t->wr = -1;
    return t;
}

// ANCHOR: attach
/* Keep the two ends this side uses; close the other two. A reader sees
   the end of the stream only once every write end is closed, in both
   processes: that is why the unused ends must go. */
static int
pipe_attach(struct transport *t, enum tp_side side)
{
    int *out = side == TP_PARENT ? t->down : t->up;
    int *in = side == TP_PARENT ? t->up : t->down;

    close(out[0]);
    close(in[1]);
    t->wr = out[1];
    t->rd = in[0];
    return 0;
}
// ANCHOR_END: attach

static int
pipe_send(struct transport *t, const void *buf, size_t len)
{
    return frame_send(t->wr, buf, len);
}

static ssize_t
pipe_recv(struct transport *t, void *buf, size_t cap)
{
    return frame_recv(t->rd, buf, cap);
}

/* Pipes vanish with their last descriptor: nothing to remove. */
static int
pipe_close(struct transport *t)
{
    int rc = 0;

    if (t->rd == -1) {              /* never attached: all four are open */
        close(t->down[0]);
        close(t->down[1]);
        close(t->up[0]);
        close(t->up[1]);
    } else {
        rc = close(t->rd) | close(t->wr);
    }
    free(t);
    return rc;
}

const struct transport_ops transport_pipe = {
    .name = "pipe",
    .what = "two pipes, a length before each message",
    .create = pipe_create,
    .attach = pipe_attach,
    .send = pipe_send,
    .recv = pipe_recv,
    .close = pipe_close,
};
