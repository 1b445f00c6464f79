/* msgservice.h: the protocol of exercise 7 (msgqueue), a typed
 * request/reply service on one System V message queue. msgserver.c and
 * msgclient.c include it, and so does the grader, which talks to your
 * programs with exactly these messages: do not change it.
 *
 * One queue carries everything, told apart by the message type:
 *
 *     type 1   REQ_URGENT     a request to serve before any normal one
 *     type 2   REQ_NORMAL     an ordinary request
 *     type 3   REQ_SHUTDOWN   "stop once every pending request is served"
 *     type P   a reply        P is the requester's reply_type: its pid
 *
 * The server takes requests with msgrcv(..., -REQ_SHUTDOWN, ...): the
 * lowest type first, so urgent before normal before shutdown, and in the
 * order they were sent within one type. A client waits for its reply with
 * msgrcv(..., reply_type, ...), so it never takes another client's reply.
 * On an ordinary system no client has pid 1, 2 or 3 (init and kernel
 * threads do), so reply types and request types cannot be confused. In a
 * container, or under the grader, a program can be pid 2 of its own PID
 * namespace: that is why msgclient takes its reply type from -t TYPE when
 * it is given.
 *
 * Both messages have a 64-byte payload: msgsz is REQUEST_SIZE or
 * REPLY_SIZE, never sizeof the whole structure, which counts mtype too.
 * See chapters/07-msgsnd-msgrcv.md.
 */
#ifndef MSGSERVICE_H
#define MSGSERVICE_H

#include <stddef.h>

/* ANCHOR: protocol */
enum {
    REQ_URGENT = 1,
    REQ_NORMAL = 2,
    REQ_SHUTDOWN = 3,
    REQ_TYPE_MAX = REQ_SHUTDOWN     /* a reply type must be larger */
};

#define SERVICE_TEXT_MAX 56         /* bytes of text, the final '\0' included */

struct request {
    long mtype;                     /* REQ_URGENT, REQ_NORMAL or REQ_SHUTDOWN */
    long reply_type;                /* the reply's type: the client's pid */
    char text[SERVICE_TEXT_MAX];    /* a string; unused bytes zeroed */
};

struct reply {
    long mtype;                     /* the request's reply_type */
    long serial;                    /* 1 for the first request served, 2... */
    char text[SERVICE_TEXT_MAX];    /* the request's text in capital letters */
};

/* msgsz for msgsnd() and msgrcv(): the payload, everything after mtype. */
#define REQUEST_SIZE \
    (sizeof(struct request) - offsetof(struct request, reply_type))
#define REPLY_SIZE \
    (sizeof(struct reply) - offsetof(struct reply, serial))
/* ANCHOR_END: protocol */

#endif /* MSGSERVICE_H */
