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

   The parent takes a message out only once the child sleeps (its state
   in /proc/PID/stat is S): the output is the same on every run.
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

/* Wait (at most 5 s) until process PID sleeps: its state, the field
   after the command name in /proc/PID/stat, is S. */
static void
wait_until_asleep(pid_t pid)
{
    struct timespec tick = { 0, 10 * 1000 * 1000 };
    char path[64], line[512], *p;

    snprintf(path, sizeof(path), "/proc/%ld/stat", (long) pid);
    for (int i = 0; i < 500; i++) {
        FILE *f = fopen(path, "r");

        if (f == NULL)
            err_exit("fopen(%s)", path);
        p = fgets(line, sizeof(line), f) != NULL ? strrchr(line, ')') : NULL;
        fclose(f);
        if (p != NULL && p[1] == ' ' && p[2] == 'S')
            return;
        nanosleep(&tick, NULL);
    }
    fatal("process %ld is not asleep after 5 s", (long) pid);
}

int
main(void)
{
    struct message msg;
    struct msqid_ds ds;
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
    if (msgctl(msqid, IPC_STAT, &ds) == -1)
        err_exit("msgctl(IPC_STAT)");
    printf("%d messages of %d bytes fit: the queue holds %lu of %lu bytes\n",
           count, SIZE, (unsigned long) ds.msg_cbytes,
           (unsigned long) ds.msg_qbytes);
    printf("message %d with IPC_NOWAIT: %s\n", count + 1, strerror(EAGAIN));
    fflush(stdout);

    child = fork();
    if (child == -1)
        err_exit("fork");
    if (child == 0) {
        /* No IPC_NOWAIT: wait (sleep in the kernel) until there is room. */
        if (msgsnd(msqid, &msg, SIZE, 0) == -1)
            err_exit_child("msgsnd");
        printf("child: message %d sent\n", count + 1);
        fflush(stdout);
        _exit(EXIT_SUCCESS);
    }

    wait_until_asleep(child);
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
