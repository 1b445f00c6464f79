/* dispatcher.h: the protocol of project 2 (dispatcher), a job dispatcher
 * on System V message queues. dispatcher.c, worker.c and submit.c include
 * it, and so does the grader, which talks to your programs with exactly
 * these messages: do not change it. See chapters/08a-project-dispatcher.md.
 *
 * Queues. The dispatcher owns ONE queue, made with the KEY it is given
 * (mode 0600). Every client (submit) and every worker owns ONE private
 * queue (IPC_PRIVATE, mode 0600) that it removes when it exits, and names
 * it in the messages it sends (reply_qid). Nothing is ever addressed by
 * pid: pids are reused, and two processes in two PID namespaces can have
 * the same one.
 *
 * Into the dispatcher's queue:
 *     MSG_SUBMIT   from a client: job_type, priority, text, reply_qid
 *     MSG_READY    from a worker: "send me one job of job_type", reply_qid
 *     MSG_RESULT   from a worker: job_id, the result in text, reply_qid
 * Into a client's queue:
 *     MSG_ACCEPTED the job is queued: job_id, job_type, priority
 *     MSG_DONE     the job's result: job_id, text
 * Into a worker's queue:
 *     MSG_JOB      a job to do: job_id, job_type, priority, text
 *
 * Every message is one struct dmsg with DMSG_SIZE bytes of payload; fields
 * a message does not use are zero.
 */
#ifndef DISPATCHER_H
#define DISPATCHER_H

#include <stddef.h>

/* ANCHOR: protocol */
enum {
    MSG_SUBMIT = 1,
    MSG_READY = 2,
    MSG_RESULT = 3,
    MSG_ACCEPTED = 4,
    MSG_DONE = 5,
    MSG_JOB = 6,
};

enum {
    JOB_TYPE_MIN = 1, JOB_TYPE_MAX = 8,     /* a job's type, a worker's kind */
    JOB_PRIO_MIN = 0, JOB_PRIO_MAX = 9,     /* 9 is the most urgent */
    JOB_PRIO_DEFAULT = 5,
};

#define JOB_TEXT_MAX 56                 /* bytes of text, the final '\0' included */
#define LEASE_MS_DEFAULT 2000           /* dispatcher -l: a worker's time for one job */

struct dmsg {
    long mtype;                         /* MSG_... */
    long job_id;                        /* the dispatcher's number: 1, 2, 3... */
    int reply_qid;                      /* the sender's own queue */
    short job_type;                     /* JOB_TYPE_MIN..JOB_TYPE_MAX */
    short priority;                     /* JOB_PRIO_MIN..JOB_PRIO_MAX */
    char text[JOB_TEXT_MAX];            /* a string; unused bytes zeroed */
};

/* msgsz for msgsnd() and msgrcv(): the payload, everything after mtype. */
#define DMSG_SIZE (sizeof(struct dmsg) - offsetof(struct dmsg, job_id))
/* ANCHOR_END: protocol */

/* The hook the grader uses to catch a worker in the middle of a job is an
 * option every worker honours: `worker -d DELAY_MS` sleeps DELAY_MS
 * milliseconds between taking a job and sending its result. */

#endif /* DISPATCHER_H */
