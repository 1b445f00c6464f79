/* Listing 7-4 (chapter 7, msgsnd and msgrcv) */

/* msgwait.c

   Wait in msgrcv() for a message on queue MSQID, and show the two ways
   such a wait can end without a message: a signal (EINTR) and the queue
   being removed (EIDRM). A SIGALRM arrives after one second; then the
   program waits again, until someone removes the queue.

   Usage: msgwait MSQID

       $ (sleep 2; ipcrm -q 0) & ./msgwait 0
       waiting in msgrcv()...
       msgrcv: Interrupted system call (a signal handler ran)
       waiting in msgrcv() again...
       msgwait: msgrcv: Identifier removed
*/
#include <sys/ipc.h>
#include <sys/msg.h>
#include <signal.h>

#include "ipcbook.h"

struct message {
    long mtype;
    char mtext[100];
};

static void
on_alarm(int sig)
{
    (void) sig;                 /* only here to interrupt msgrcv() */
}

int
main(int argc, char *argv[])
{
    struct sigaction sa;
    struct message msg;
    char *end;
    int msqid;

    if (argc != 2)
        usage_err("MSQID\n");
    msqid = (int) strtol(argv[1], &end, 10);
    if (*end != '\0' || msqid < 0)
        usage_err("MSQID\nMSQID must be a number\n");

    /* SA_RESTART asks the kernel to restart interrupted system calls.
       msgrcv() and msgsnd() are exceptions: they fail with EINTR anyway. */
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sa.sa_handler = on_alarm;
    if (sigaction(SIGALRM, &sa, NULL) == -1)
        err_exit("sigaction");
    alarm(1);

    printf("waiting in msgrcv()...\n");
    fflush(stdout);
    // ANCHOR: loop
    while (msgrcv(msqid, &msg, sizeof(msg.mtext), 0, 0) == -1) {
        if (errno != EINTR)
            err_exit("msgrcv");         /* EIDRM: the queue was removed */

        /* EINTR is not a failure of the queue: a handler ran. Do what
           the signal asks (nothing, here), then wait again. */
        printf("msgrcv: %s (a signal handler ran)\n", strerror(EINTR));
        printf("waiting in msgrcv() again...\n");
        fflush(stdout);
    }
    // ANCHOR_END: loop
    printf("received type %ld\n", msg.mtype);
    return 0;
}
