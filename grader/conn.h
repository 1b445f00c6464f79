/* conn.h: the grader's end of a Unix domain stream socket, talking with a
 * student's program: as its client (conn_connect()) or as the server its
 * client connects to (conn_listen(), conn_accept()). Lines go both ways;
 * every wait watches the program at the other end (run_watch()), so it
 * ends as soon as that program has exited or sleeps having read everything
 * the grader sent, and a failure is said in the program's terms. The
 * sockets and fileserver suites talk to their programs through it; what a
 * reply must hold stays theirs. */
#ifndef CONN_H
#define CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "run.h"

struct conn {
    int fd;
    const char *name;           /* "the grader's connection A", for messages */
    bool with_fds;              /* read a byte at a time, never past a '\n', and
                                   keep the descriptors that come (SCM_RIGHTS):
                                   each line's descriptors stay with it */
    bool eof;                   /* the other end has closed */
    size_t len;                 /* bytes received, not yet taken as a line */
    char buf[4096];
    int fds[16];                /* descriptors received, with_fds; conn_close()
                                   closes them */
    size_t nfds;
};

/* What conn_line() got: a line, or why none. */
enum conn_got {
    CONN_LINE,                  /* a line (or the start of one far too long) */
    CONN_EOF,                   /* the other end closed the connection */
    CONN_IDLE,                  /* the program has read all the grader sent and
                                   sleeps: nothing more can come */
    CONN_EXITED,                /* the program has exited */
    CONN_LATE,                  /* the timeout passed */
};

/* Connect c to the socket file path (relative to the working folder), as a
 * client does, under the effective uid `as` ((uid_t)-1: the grader's own;
 * the kernel records it for SO_PEERCRED). srv is the program listening.
 * While its backlog is full, tries again until `timeout`. A failure is the
 * program's (no socket file, nobody listening, never accepting); `see` (a
 * sentence, or NULL) ends the message when the socket file is missing or
 * nobody listens on it. The grader's own failure is a test_error(). */
void conn_connect(struct run *srv, struct conn *c, const char *path, const char *name,
                  uid_t as, double timeout, const char *see);
/* What the socket file path is now, in words, for a failure message:
 * "there is no file P", "P is a socket file", "P exists but is not a
 * socket". */
const char *conn_file_words(const char *path);
/* Close the connection and every descriptor it received. */
void conn_close(struct conn *c);

/* Send len bytes of text on c to r, waiting while r does not read (up to
 * timeout); fails the test when r has closed the connection. */
void conn_send(struct run *r, struct conn *c, const char *text, size_t len, double timeout);
/* Bytes sent on c that the program has not read yet (the kernel's
 * SIOCOUTQ: 0 means all read). */
int conn_unread(const struct conn *c);

/* Wait for a line ('\n' ended) from r on c and copy it, without its '\n',
 * into line (cut to size). Ends at the timeout, when r has exited, or once
 * r has read everything sent on c and sleeps without having sent a whole
 * line. On CONN_EOF, line holds what came before the end, which stays in
 * c->buf (c->len bytes). */
enum conn_got conn_line(struct run *r, struct conn *c, char *line, size_t size,
                        double timeout);
/* Wait until srv has read everything sent on c and sleeps: it has done
 * what it will do with it. Fails the test if srv exits, or has not done so
 * within timeout; what says what was sent ("half a request"). Unless
 * must_sleep, a program that has read it all a second ago passes too: it
 * never sleeps, and a test of its own says so (sockets' server_idle);
 * with must_sleep, a server that spins fails here. */
void conn_wait_consumed(struct run *srv, struct conn *c, const char *what, double timeout,
                        bool must_sleep);

/* The grader's own listening socket on the file path (the student's client
 * connects to it); non-blocking. A failure is the grader's. */
int conn_listen(const char *path);
/* Wait up to timeout for the client cl to connect to the grader's lfd and
 * open c on that connection. Fails the test when cl exits without
 * connecting (`advice` says how to, for the message) or does not connect
 * in time. */
void conn_accept(struct run *cl, struct conn *c, int lfd, const char *name, double timeout,
                 const char *advice);

/* The connections accepted on the socket file path (relative to the
 * program's folder, as /proc shows it) that srv's processes hold open now,
 * its listening socket not counted: how many; the first max descriptor
 * numbers go to fds (which may be NULL when max is 0). */
size_t conn_held_by(const struct run *srv, const char *path, int *fds, size_t max);

#endif
