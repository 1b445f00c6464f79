/* framing.h: messages over a byte stream (a pipe, a stream socket): each
 * message goes as its length (8 bytes) and then its bytes. See framing.c. */
#ifndef FRAMING_H
#define FRAMING_H

#include <stddef.h>
#include <sys/types.h>

/* Write len bytes of buf to fd as one message. Return 0, or -1 with errno. */
int frame_send(int fd, const void *buf, size_t len);
/* Read the next message from fd into buf (cap bytes). Return its length,
 * or -1 with errno (EMSGSIZE: longer than cap; EPIPE: the stream ended). */
ssize_t frame_recv(int fd, void *buf, size_t cap);

#endif
