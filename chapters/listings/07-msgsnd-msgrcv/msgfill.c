/* Listing 7-3 (chapter 7, msgsnd and msgrcv) */

/* msgfill.c

   Show what happens when a message queue is full. Fill a new queue with
   1000-byte messages, using IPC_NOWAIT, until msgsnd() fails with EAGAIN;
   then let a child process send one more message without IPC_NOWAIT:
   it waits until the parent takes a message out of the queue.

   Usage: msgfill

       $ ./msgfill
       16 messages of 1000 bytes fit: the queue holds 16000 of 16384 bytes
       message 17 with IPC_NOWAIT: Resource temporarily unavailable
       ...
*/
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <time.h>

#include "ipcbook.h"

#define SIZE 1000

struct message {
    long mtype;
    char mtext[SIZE];
};

/* Seconds since an arbitrary start, for measuring a wait. */
static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(void)
{
    struct message msg;
    int msqid, count = 0;
    pid_t child;

    msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    if (msqid == -1)
        err_exit("msgget");
    memset(&msg, 'x', sizeof(msg));
    msg.mtype = 1;

    // ANCHOR: fill
    /* IPC_NOWAIT: when the next message would take the queue past its
       limit (msg_qbytes), fail with EAGAIN instead of waiting. */
    while (msgsnd(msqid, &msg, SIZE, IPC_NOWAIT) == 0)
        count++;
    if (errno != EAGAIN)
        err_exit("msgsnd");
    // ANCHOR_END: fill
    printf("%d messages of %d bytes fit: the queue holds %d of 16384 bytes\n",
           count, SIZE, count * SIZE);
    printf("message %d with IPC_NOWAIT: %s\n", count + 1, strerror(EAGAIN));
    fflush(stdout);

    child = fork();
    if (child == -1)
        err_exit("fork");
    if (child == 0) {
        double start = now();

        /* No IPC_NOWAIT: wait (sleep in the kernel) until there is room. */
        if (msgsnd(msqid, &msg, SIZE, 0) == -1)
            err_exit_child("msgsnd");
        printf("child: message %d sent, after waiting %.1f s\n", count + 1,
               now() - start);
        fflush(stdout);
        _exit(EXIT_SUCCESS);
    }

    sleep(1);
    printf("parent: the child waits in msgsnd(); taking one message out\n");
    fflush(stdout);
    if (msgrcv(msqid, &msg, SIZE, 0, 0) == -1)
        err_exit("msgrcv");
    if (waitpid(child, NULL, 0) == -1)
        err_exit("waitpid");

    if (msgctl(msqid, IPC_RMID, NULL) == -1)
        err_exit("msgctl(IPC_RMID)");
    return 0;
}
