/* Listing 8-3 (chapter 8, msgctl) */

/* msglimits.c

   Print the system's limits on message queues (msgctl IPC_INFO) and what
   is in use (MSG_INFO), then check the first limit for real: send a
   message of MSGMAX bytes, and one of MSGMAX + 1.

   Usage: msglimits

       $ ./msglimits
       MSGMAX  8192 bytes: the largest message
       MSGMNB  16384 bytes: a new queue's msg_qbytes
       MSGMNI  32000: the most queues
       in use: 0 queues, 0 messages, 0 bytes
       ...
*/
#define _GNU_SOURCE             /* IPC_INFO; MSG_INFO needs no more than gnu11 */
#include <sys/ipc.h>
#include <sys/msg.h>

#include "ipcbook.h"

/* Send one message of SIZE bytes (zeros) of type 1 on MSQID, without
   waiting, and say what msgsnd() answered. */
static void
try_send(int msqid, size_t size)
{
    char *buf = calloc(1, sizeof(long) + size);

    if (buf == NULL)
        err_exit("calloc");
    *(long *) buf = 1;          /* mtype, then SIZE bytes of payload */
    if (msgsnd(msqid, buf, size, IPC_NOWAIT) == -1)
        printf("a message of %zu bytes: msgsnd: %s\n", size, strerror(errno));
    else
        printf("a message of %zu bytes: sent\n", size);
    free(buf);
}

int
main(void)
{
    struct msginfo info;
    int msqid;

    // ANCHOR: info
    /* IPC_INFO and MSG_INFO fill a struct msginfo; msgctl() is declared
       with a struct msqid_ds *, hence the cast. The id is ignored. */
    if (msgctl(0, IPC_INFO, (struct msqid_ds *) &info) == -1)
        err_exit("msgctl(IPC_INFO)");
    printf("MSGMAX  %d bytes: the largest message\n", info.msgmax);
    printf("MSGMNB  %d bytes: a new queue's msg_qbytes\n", info.msgmnb);
    printf("MSGMNI  %d: the most queues\n", info.msgmni);

    /* MSG_INFO: the same, except that three fields count what is in use. */
    if (msgctl(0, MSG_INFO, (struct msqid_ds *) &info) == -1)
        err_exit("msgctl(MSG_INFO)");
    printf("in use: %d queues, %d messages, %d bytes\n", info.msgpool,
           info.msgmap, info.msgtql);
    // ANCHOR_END: info

    msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    if (msqid == -1)
        err_exit("msgget");
    try_send(msqid, (size_t) info.msgmax);
    try_send(msqid, (size_t) info.msgmax + 1);
    if (msgctl(0, MSG_INFO, (struct msqid_ds *) &info) == -1)
        err_exit("msgctl(MSG_INFO)");
    printf("in use: %d queues, %d messages, %d bytes\n", info.msgpool,
           info.msgmap, info.msgtql);

    if (msgctl(msqid, IPC_RMID, NULL) == -1)
        err_exit("msgctl(IPC_RMID)");
    return 0;
}
