/* Listing 8-2 (chapter 8, msgctl) */

/* msgqbytes.c

   Change a queue's capacity with msgctl(IPC_SET): lower msg_qbytes to 200
   bytes and see the queue fill up after two 100-byte messages, then try
   to raise it above the system's limit MSGMNB, which only a privileged
   process may do, and finally set it back to MSGMNB.

   Usage: msgqbytes

       $ ./msgqbytes
       a new queue: msg_qbytes 16384 (MSGMNB is 16384)
       IPC_SET msg_qbytes 200: done, msg_qbytes is now 200
       ...
*/
#define _GNU_SOURCE             /* IPC_INFO and struct msginfo */
#include <sys/ipc.h>
#include <sys/msg.h>

#include "ipcbook.h"

struct message {
    long mtype;
    char mtext[100];
};

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
    int msqid, sent = 0;

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

    /* Raising above MSGMNB needs CAP_SYS_RESOURCE: EPERM otherwise. */
    set_qbytes(msqid, (unsigned long) info.msgmnb + 1);
    /* Up to MSGMNB, the owner may raise it again. */
    set_qbytes(msqid, (unsigned long) info.msgmnb);

    if (msgctl(msqid, IPC_RMID, NULL) == -1)
        err_exit("msgctl(IPC_RMID)");
    return 0;
}
