/* Listing 8-1 (chapter 8, msgctl) */

/* msgstat.c

   Watch the attributes of a message queue change: create a queue, send
   two messages, receive one, and after each step print what
   msgctl(IPC_STAT) reports. Times are shown in seconds after the queue
   was created.

   Usage: msgstat

       $ ./msgstat
       msqid 0, key 0x00000000, mode 600, uid 1000, gid 1000, cuid 1000, ...
       our pid is 4242
       after        qnum cbytes qbytes  lspid  lrpid  stime  rtime  ctime
       msgget()        0      0  16384      0      0  never  never   +0 s
       ...
*/
#include <sys/ipc.h>
#include <sys/msg.h>
#include <time.h>

#include "ipcbook.h"

struct message {
    long mtype;
    char mtext[200];
};

static time_t created;          /* msg_ctime when the queue was made */

/* Format a time T of struct msqid_ds into BUF: "never" for 0, otherwise
   the seconds since the queue was created. */
static const char *
when(time_t t, char *buf, size_t len)
{
    if (t == 0)
        snprintf(buf, len, "never");
    else
        snprintf(buf, len, "+%lld s", (long long) (t - created));
    return buf;
}

// ANCHOR: show
/* Print one line: STEP, then the queue's counters, pids and times. */
static void
show(int msqid, const char *step)
{
    struct msqid_ds ds;
    char s[16], r[16], c[16];

    /* IPC_STAT copies the kernel's record of the queue into ds. */
    if (msgctl(msqid, IPC_STAT, &ds) == -1)
        err_exit("msgctl(IPC_STAT)");
    if (created == 0)
        created = ds.msg_ctime;

    printf("%-12s %4lu %6lu %6lu %6ld %6ld %6s %6s %6s\n", step,
           (unsigned long) ds.msg_qnum,         /* messages in the queue */
           (unsigned long) ds.msg_cbytes,       /* bytes in them */
           (unsigned long) ds.msg_qbytes,       /* the most bytes allowed */
           (long) ds.msg_lspid,                 /* last msgsnd() */
           (long) ds.msg_lrpid,                 /* last msgrcv() */
           when(ds.msg_stime, s, sizeof(s)), when(ds.msg_rtime, r, sizeof(r)),
           when(ds.msg_ctime, c, sizeof(c)));
}
// ANCHOR_END: show

int
main(void)
{
    struct msqid_ds ds;
    struct message msg;
    int msqid;

    msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    if (msqid == -1)
        err_exit("msgget");

    // ANCHOR: perm
    if (msgctl(msqid, IPC_STAT, &ds) == -1)
        err_exit("msgctl(IPC_STAT)");
    printf("msqid %d, key 0x%08x, mode %03o, ", msqid,
           (unsigned int) ds.msg_perm.__key,
           (unsigned int) ds.msg_perm.mode & 0777);
    printf("uid %ld, gid %ld, cuid %ld, cgid %ld\n",
           (long) ds.msg_perm.uid, (long) ds.msg_perm.gid,
           (long) ds.msg_perm.cuid, (long) ds.msg_perm.cgid);
    // ANCHOR_END: perm
    printf("our pid is %ld\n", (long) getpid());
    printf("%-12s %4s %6s %6s %6s %6s %6s %6s %6s\n", "after", "qnum", "cbytes",
           "qbytes", "lspid", "lrpid", "stime", "rtime", "ctime");
    show(msqid, "msgget()");

    memset(&msg, 0, sizeof(msg));
    msg.mtype = 1;
    if (msgsnd(msqid, &msg, 100, 0) == -1 || msgsnd(msqid, &msg, 200, 0) == -1)
        err_exit("msgsnd");
    show(msqid, "2 x msgsnd()");

    if (msgrcv(msqid, &msg, sizeof(msg.mtext), 0, 0) == -1)
        err_exit("msgrcv");
    show(msqid, "msgrcv()");

    if (msgctl(msqid, IPC_RMID, NULL) == -1)
        err_exit("msgctl(IPC_RMID)");
    printf("removed msqid %d\n", msqid);
    return 0;
}
