/* Listing 8-2 (chapter 8, msgctl) */

/* msgqbytes.c

   Change a queue's capacity with msgctl(IPC_SET): lower msg_qbytes to 200
   bytes and see the queue fill up after two 100-byte messages. Empty it,
   and a 300-byte message still does not fit: with IPC_NOWAIT it fails,
   without it a child waits, on an empty queue, until the capacity is
   raised. Then try to raise it above the system's limit MSGMNB, which
   only a privileged process may do, and finally set it back to MSGMNB.

   Usage: msgqbytes

       $ ./msgqbytes
       a new queue: msg_qbytes 16384 (MSGMNB is 16384)
       IPC_SET msg_qbytes 200: done, msg_qbytes is now 200
       ...
*/
#define _GNU_SOURCE             /* IPC_INFO */
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <time.h>

#include "ipcbook.h"

struct message {
    long mtype;
    char mtext[100];
};

struct big_message {
    long mtype;
    char mtext[300];
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

// ANCHOR: set
/* Set the capacity of queue MSQID to BYTES with IPC_SET and say how it
   went. Return 0, or -1 with errno set. */
static int
set_qbytes(int msqid, unsigned long bytes)
{
    struct msqid_ds ds;

    /* IPC_SET copies msg_perm.uid, msg_perm.gid, msg_perm.mode and
       msg_qbytes into the queue: read them first, change one, write all. */
    if (msgctl(msqid, IPC_STAT, &ds) == -1)
        err_exit("msgctl(IPC_STAT)");
    ds.msg_qbytes = bytes;
    if (msgctl(msqid, IPC_SET, &ds) == -1) {
        printf("IPC_SET msg_qbytes %lu: %s\n", bytes, strerror(errno));
        return -1;
    }
    if (msgctl(msqid, IPC_STAT, &ds) == -1)
        err_exit("msgctl(IPC_STAT)");
    printf("IPC_SET msg_qbytes %lu: done, msg_qbytes is now %lu\n", bytes,
           (unsigned long) ds.msg_qbytes);
    return 0;
}
// ANCHOR_END: set

int
main(void)
{
    struct msginfo info;
    struct msqid_ds ds;
    struct message msg;
    struct big_message big;
    int msqid, sent = 0, status;
    pid_t child;

    /* IPC_INFO fills a struct msginfo with the system's limits. */
    if (msgctl(0, IPC_INFO, (struct msqid_ds *) &info) == -1)
        err_exit("msgctl(IPC_INFO)");
    msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    if (msqid == -1)
        err_exit("msgget");
    if (msgctl(msqid, IPC_STAT, &ds) == -1)
        err_exit("msgctl(IPC_STAT)");
    printf("a new queue: msg_qbytes %lu (MSGMNB is %d)\n",
           (unsigned long) ds.msg_qbytes, info.msgmnb);

    /* Lowering is always allowed to the queue's owner. */
    if (set_qbytes(msqid, 200) == -1)
        exit(EXIT_FAILURE);
    memset(&msg, 0, sizeof(msg));
    msg.mtype = 1;
    while (msgsnd(msqid, &msg, sizeof(msg.mtext), IPC_NOWAIT) == 0)
        sent++;
    printf("%d messages of %zu bytes fit; the next: %s\n", sent,
           sizeof(msg.mtext), strerror(errno));

    // ANCHOR: toobig
    /* Empty the queue: a message larger than msg_qbytes still never fits. */
    while (msgrcv(msqid, &msg, sizeof(msg.mtext), 0, IPC_NOWAIT) != -1)
        ;
    memset(&big, 0, sizeof(big));
    big.mtype = 1;
    if (msgsnd(msqid, &big, sizeof(big.mtext), IPC_NOWAIT) == -1)
        printf("empty queue, one %zu-byte message: %s\n", sizeof(big.mtext),
               strerror(errno));
    fflush(stdout);

    child = fork();                     /* the same, without IPC_NOWAIT */
    if (child == -1)
        err_exit("fork");
    if (child == 0) {
        if (msgsnd(msqid, &big, sizeof(big.mtext), 0) == -1)
            err_exit_child("msgsnd");
        _exit(EXIT_SUCCESS);
    }
    wait_until_asleep(child);
    if (msgctl(msqid, IPC_STAT, &ds) == -1)
        err_exit("msgctl(IPC_STAT)");
    printf("child: waits in msgsnd(), and the queue holds %lu messages\n",
           (unsigned long) ds.msg_qnum);
    fflush(stdout);
    set_qbytes(msqid, 400);             /* room at last: IPC_SET wakes it */
    fflush(stdout);
    if (waitpid(child, &status, 0) == -1)
        err_exit("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fatal("the child failed");
    if (msgctl(msqid, IPC_STAT, &ds) == -1)
        err_exit("msgctl(IPC_STAT)");
    printf("child: sent, and exited; the queue holds %lu bytes\n",
           (unsigned long) ds.msg_cbytes);
    // ANCHOR_END: toobig

    /* Raising above MSGMNB needs CAP_SYS_RESOURCE: EPERM otherwise. */
    set_qbytes(msqid, (unsigned long) info.msgmnb + 1);
    /* Up to MSGMNB, the owner may raise it again. */
    set_qbytes(msqid, (unsigned long) info.msgmnb);

    if (msgctl(msqid, IPC_RMID, NULL) == -1)
        err_exit("msgctl(IPC_RMID)");
    return 0;
}
