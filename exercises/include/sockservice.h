/* sockservice.h: the protocol of exercise 9 (sockets), a line service on a
 * Unix domain stream socket. sockserver.c and sockclient.c include it, and
 * so does the grader, which talks to your programs with exactly these
 * rules: do not change it.
 *
 * A client connects to the server's socket (a path name, such as
 * "service.sock" in the current folder) and sends requests: lines of text,
 * each ending with '\n'. The server answers each request with one line:
 *
 *     request:  hello\n
 *     reply:    1 HELLO\n
 *
 * the request's serial number (1 for the first request the server answers,
 * from whichever client, 2 for the next...), a space, and the request's
 * text in capital letters. A stream socket carries bytes, not messages: a
 * request may arrive in several pieces, and several requests may arrive in
 * one read(). Only the '\n' says where a request ends. See
 * chapters/09-sockets.md.
 */
#ifndef SOCKSERVICE_H
#define SOCKSERVICE_H

/* ANCHOR: protocol */
#define REQUEST_MAX     256     /* the longest request, its '\n' included */
#define REPLY_MAX       (REQUEST_MAX + 24)  /* serial, space, text, '\n' */

/* What the server answers to a line longer than REQUEST_MAX bytes, just
   before it closes that client's connection. */
#define TOO_LONG_REPLY  "error line too long\n"

#define MAX_CLIENTS     64      /* connections a server serves at once */
/* ANCHOR_END: protocol */

#endif /* SOCKSERVICE_H */
