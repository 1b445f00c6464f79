/* Listing 10-1 (chapter 10, choosing) */

/* boundaries.c

   Write two messages, "hello" and "world", one after the other, into a
   pipe and into a System V message queue; then read from each once, with
   room for both. The pipe hands back both at once, run together: it
   carries bytes, not messages. The queue hands back the first message
   only, whole: it keeps each message apart, with its length.

       $ ./boundaries
       pipe:  write() 5 bytes, write() 5 bytes, then one read(): 10 bytes "helloworld"
       queue: msgsnd() 5 bytes, msgsnd() 5 bytes, then one msgrcv(): 5 bytes "hello"
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include "ipcbook.h"

struct message {
    long mtype;
    char mtext[64];
};

// ANCHOR: main
int
main(void)
{
    int fd[2], msqid;
    char buf[64];
    struct message m = { .mtype = 1 };
    ssize_t n;

    if (pipe(fd) == -1)
        err_exit("pipe");
    if (write(fd[1], "hello", 5) != 5 || write(fd[1], "world", 5) != 5)
        err_exit("write");
    n = read(fd[0], buf, sizeof buf);       /* room for both */
    if (n == -1)
        err_exit("read");
    printf("pipe:  write() 5 bytes, write() 5 bytes, then one read(): %zd bytes \"%.*s\"\n",
           n, (int)n, buf);

    msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    if (msqid == -1)
        err_exit("msgget");
    memcpy(m.mtext, "hello", 5);
    if (msgsnd(msqid, &m, 5, 0) == -1)
        err_exit("msgsnd");
    memcpy(m.mtext, "world", 5);
    if (msgsnd(msqid, &m, 5, 0) == -1)
        err_exit("msgsnd");
    n = msgrcv(msqid, &m, sizeof m.mtext, 0, 0);   /* room for both */
    if (n == -1)
        err_exit("msgrcv");
    printf("queue: msgsnd() 5 bytes, msgsnd() 5 bytes, then one msgrcv(): %zd bytes \"%.*s\"\n",
           n, (int)n, m.mtext);
    if (msgctl(msqid, IPC_RMID, NULL) == -1)
        err_exit("msgctl");
    return 0;
}
// ANCHOR_END: main
