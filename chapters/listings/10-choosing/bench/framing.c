/* framing.c: messages over a byte stream (chapter 10, choosing).

   A pipe or a stream socket carries bytes, not messages: two write()s of
   100 bytes may come out of one read() as 200 bytes, or as 50 and 150.
   To keep messages apart, each goes as a header, its length in 8 bytes,
   followed by its bytes; the reader reads exactly 8 bytes, then exactly
   that many. Used by bench/pipe.c and bench/unixsock.c. */
#include <errno.h>
#include <stdint.h>
#include <sys/uio.h>
#include <unistd.h>
#include "framing.h"

// ANCHOR: send
int
frame_send(int fd, const void *buf, size_t len)
{
    uint64_t header = len;
    struct iovec iov[2] = { { &header, sizeof header }, { (void *)buf, len } };
    struct iovec *v = iov;
    int nv = 2;

    while (nv > 0) {                /* one writev() usually writes it all */
        ssize_t n = writev(fd, v, nv);

        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            return -1;
        while (nv > 0 && (size_t)n >= v->iov_len) {     /* drop what is written */
            n -= (ssize_t)v->iov_len;
            v++, nv--;
        }
        if (nv > 0) {
            v->iov_base = (char *)v->iov_base + n;
            v->iov_len -= (size_t)n;
        }
    }
    return 0;
}
// ANCHOR_END: send

/* Read exactly len bytes: a stream may hand them over in pieces. */
static int
read_exactly(int fd, void *buf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = read(fd, (char *)buf + done, len - done);

        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            return -1;
        if (n == 0) {               /* the writer closed its end */
            errno = EPIPE;
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

// ANCHOR: recv
ssize_t
frame_recv(int fd, void *buf, size_t cap)
{
    uint64_t header;

    if (read_exactly(fd, &header, sizeof header) == -1)
        return -1;
    if (header > cap) {
        errno = EMSGSIZE;
        return -1;
    }
    if (read_exactly(fd, buf, (size_t)header) == -1)
        return -1;
    return (ssize_t)header;
}
// ANCHOR_END: recv
