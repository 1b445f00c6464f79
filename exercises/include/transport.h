/* transport.h: one interface, several ways to move messages between a
 * parent and the child it forks (chapter 10, "Which IPC is fastest?").
 *
 * A transport carries messages of 0 to TP_MAX_MESSAGE bytes in both
 * directions, parent to child and child to parent. Each message arrives
 * whole, once, and in the order it was sent, with its length: a message
 * of 100 bytes is received as 100 bytes, never as 60 then 40, even over a
 * pipe, which knows nothing of messages (the transport adds that).
 *
 * The life of a transport, as every driver uses it:
 *
 *     struct transport *t = ops->create();     // parent, before fork()
 *     pid = fork();
 *     ops->attach(t, pid == 0 ? TP_CHILD : TP_PARENT);     // both
 *     ops->send(t, buf, len); ops->recv(t, buf, sizeof buf); ... // both
 *     // the child: ops->close(t); exit(...);
 *     // the parent: waitpid(pid, ...); ops->close(t);
 *
 * A process may send from one thread while it receives in another (both
 * directions at once); it never sends from two threads at the same time,
 * nor receives from two.
 *
 * The implementations: exercise `transport` (System V shared memory and
 * semaphores, exercises/transport/shmtransport.c), and the others that
 * chapter 10 measures (chapters/listings/10-choosing/bench/). */
#ifndef TRANSPORT_H
#define TRANSPORT_H

#include <stddef.h>
#include <sys/types.h>

/* The largest message any transport must carry: 1 MiB. */
#define TP_MAX_MESSAGE  (1024 * 1024)

/* Which end of the transport a process is, once it has forked. */
enum tp_side { TP_PARENT, TP_CHILD };

/* Each implementation defines its own struct transport. */
struct transport;

// ANCHOR: ops
struct transport_ops {
    const char *name;           /* short, for tables: "pipe", "sysv-shm" */
    const char *what;           /* one line: how it moves a message */

    /* In the parent, before fork(): make everything the transport needs
     * (kernel objects, descriptors, memory). Return it, or NULL with errno
     * set and nothing left behind: an object made before the step that
     * failed is removed again. */
    struct transport *(*create)(void);

    /* In each process after fork(), once: this process is `side`. Return 0,
     * or -1 with errno. */
    int (*attach)(struct transport *t, enum tp_side side);

    /* Send one message of len bytes (0 <= len <= TP_MAX_MESSAGE) to the
     * other side, waiting (not spinning) while there is no room. Return 0
     * once buf may be reused, or -1 with errno. */
    int (*send)(struct transport *t, const void *buf, size_t len);

    /* Wait (not spin) for the next message from the other side and copy it
     * into buf, which holds cap >= TP_MAX_MESSAGE bytes. Return its length,
     * or -1 with errno. */
    ssize_t (*recv)(struct transport *t, void *buf, size_t cap);

    /* Each process, once, when it is done: release what this process holds
     * (detach memory, close descriptors) and free t. The parent calls it
     * last, after the child has exited, and then also removes every kernel
     * object the transport made, so that nothing is left. It may follow a
     * failed attach(), send() or recv(). Return 0, or -1 with errno when
     * something could not be released (it still releases all it can). */
    int (*close)(struct transport *t);
};
// ANCHOR_END: ops

/* The transports of this workbook. */
extern const struct transport_ops transport_pipe;       /* two pipes */
extern const struct transport_ops transport_unix;       /* a Unix stream socket pair */
extern const struct transport_ops transport_sysv_msg;   /* a System V message queue */
extern const struct transport_ops transport_posix_mq;   /* two POSIX message queues */
extern const struct transport_ops transport_sysv_shm;   /* exercise transport */
extern const struct transport_ops transport_shm_poll;   /* the same, polling before it
                                                           sleeps (ipcbench only) */
extern const struct transport_ops transport_shm_fast;   /* the same ring, semop() only
                                                           to sleep (ipcbench only) */

#endif /* TRANSPORT_H */
