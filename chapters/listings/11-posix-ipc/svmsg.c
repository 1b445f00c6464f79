/* Listing A-3 (appendix A, posix-ipc) */

/* svmsg.c

   A System V message queue as a to-do list: send a message with a TYPE,
   receive one, show the queue, remove it. pmsg.c (Listing A-4) does the
   same job with a POSIX message queue.

   The queue's key is ftok(PATH, 'Q'). "receive" takes the first message
   that MSGTYP selects (chapter 7): 0 the oldest, a positive number the
   oldest of that type, -N the oldest of the lowest type up to N. It never
   waits: an empty queue is an error (ENOMSG).

   Usage: svmsg PATH send TYPE TEXT
          svmsg PATH receive MSGTYP
          svmsg PATH info
          svmsg PATH remove

       $ touch todo
       $ ./svmsg todo send 2 'buy milk'
       $ ./svmsg todo receive 0
       type 2: buy milk
*/
#include <sys/ipc.h>
#include <sys/msg.h>

#include "ipcbook.h"

#define TEXT_MAX 512
#define USAGE "PATH send TYPE TEXT | PATH receive MSGTYP | PATH info|remove\n"

struct todo {
    long mtype;                 /* > 0 */
    char mtext[TEXT_MAX];       /* the text, without its '\0' */
};

/* Return TEXT as a whole number from MIN to MAX, or exit with the usage. */
static long
number(const char *text, long min, long max)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || n < min || n > max)
        usage_err(USAGE);
    return n;
}

// ANCHOR: send
/* Send TEXT with the type TYPE to the queue of KEY, created if need be
   (read and write for our user only). */
static void
todo_send(key_t key, long type, const char *text)
{
    struct todo msg = { .mtype = type };
    size_t len = strlen(text);

    int msqid = msgget(key, IPC_CREAT | 0600);
    if (msqid == -1)
        err_exit("msgget");
    memcpy(msg.mtext, text, len);
    /* IPC_NOWAIT: fail with EAGAIN instead of waiting if the queue is full. */
    if (msgsnd(msqid, &msg, len, IPC_NOWAIT) == -1)
        err_exit("msgsnd");
}
// ANCHOR_END: send

// ANCHOR: receive
/* Take the first message that MSGTYP selects from the queue of KEY and
   print it with its type. */
static void
todo_receive(key_t key, long msgtyp)
{
    struct todo msg;

    int msqid = msgget(key, 0);
    if (msqid == -1)
        err_exit("msgget");
    ssize_t len = msgrcv(msqid, &msg, sizeof msg.mtext, msgtyp, IPC_NOWAIT);
    if (len == -1)
        err_exit("msgrcv");
    printf("type %ld: %.*s\n", msg.mtype, (int) len, msg.mtext);
}
// ANCHOR_END: receive

// ANCHOR: info
/* Print how many messages the queue of KEY holds, and how many bytes. */
static void
todo_info(key_t key)
{
    struct msqid_ds ds;

    int msqid = msgget(key, 0);
    if (msqid == -1)
        err_exit("msgget");
    if (msgctl(msqid, IPC_STAT, &ds) == -1)
        err_exit("msgctl(IPC_STAT)");
    printf("%lu message(s), %lu of at most %lu bytes\n",
           (unsigned long) ds.msg_qnum, (unsigned long) ds.msg_cbytes,
           (unsigned long) ds.msg_qbytes);
}
// ANCHOR_END: info

/* Remove the queue of KEY, and the messages in it. */
static void
todo_remove(key_t key)
{
    int msqid = msgget(key, 0);
    if (msqid == -1)
        err_exit("msgget");
    if (msgctl(msqid, IPC_RMID, NULL) == -1)
        err_exit("msgctl(IPC_RMID)");
}

/* How many arguments CMD takes after it, or -1 if it is no command. */
static int
args_of(const char *cmd)
{
    if (strcmp(cmd, "send") == 0)
        return 2;
    if (strcmp(cmd, "receive") == 0)
        return 1;
    if (strcmp(cmd, "info") == 0 || strcmp(cmd, "remove") == 0)
        return 0;
    return -1;
}

int
main(int argc, char *argv[])
{
    const char *cmd = argc >= 3 ? argv[2] : "";
    int nargs = args_of(cmd);

    if (nargs < 0 || argc != 3 + nargs)
        usage_err(USAGE);

    key_t key = ftok(argv[1], 'Q');
    if (key == -1)
        err_exit("ftok(%s)", argv[1]);

    if (strcmp(cmd, "send") == 0) {
        if (strlen(argv[4]) > TEXT_MAX)
            fatal("the text is longer than %d bytes", TEXT_MAX);
        todo_send(key, number(argv[3], 1, 0x7fffffffL), argv[4]);
    } else if (strcmp(cmd, "receive") == 0) {
        todo_receive(key, number(argv[3], -0x7fffffffL, 0x7fffffffL));
    } else if (strcmp(cmd, "info") == 0) {
        todo_info(key);
    } else {
        todo_remove(key);
    }
    return 0;
}
