/* Listing 7-2 (chapter 7, msgsnd and msgrcv) */

/* msgrecv.c

   Receive one message from a System V message queue and print it. TYPE
   is msgrcv()'s msgtyp: 0 takes the first message, a positive TYPE the
   first message of that type, a negative TYPE the first message of the
   lowest type up to -TYPE.

   Usage: msgrecv [-n] [-e] [-x] [-b BYTES] MSQID TYPE

   -n        IPC_NOWAIT: fail with ENOMSG if no message fits, instead of
             waiting for one
   -e        MSG_EXCEPT: the first message whose type is not TYPE
   -x        MSG_NOERROR: cut a message that is too long instead of
             failing with E2BIG
   -b BYTES  the buffer's size (msgsz), 1024 by default

       $ ./msgsend 0 2 'pay the bills'
       sent type 2, 13 bytes
       $ ./msgrecv 0 0
       received type 2, 13 bytes: pay the bills
       $ ./msgrecv -n 0 0
       msgrecv: msgrcv: No message of desired type
*/
#define _GNU_SOURCE             /* MSG_EXCEPT is Linux only */
#include <sys/ipc.h>
#include <sys/msg.h>

#include "ipcbook.h"

#define TEXT_MAX 1024

struct message {
    long mtype;
    char mtext[TEXT_MAX];
};

int
main(int argc, char *argv[])
{
    const char *use = "[-n] [-e] [-x] [-b BYTES] MSQID TYPE\n";
    struct message msg;
    size_t size = TEXT_MAX;
    int flags = 0, msqid, opt;
    long type;
    ssize_t n;
    char *end;

    while ((opt = getopt(argc, argv, "+nexb:")) != -1) {
        switch (opt) {
        case 'n': flags |= IPC_NOWAIT; break;
        case 'e': flags |= MSG_EXCEPT; break;
        case 'x': flags |= MSG_NOERROR; break;
        case 'b':
            size = strtoul(optarg, &end, 10);
            if (*end != '\0' || size > TEXT_MAX)
                usage_err("%sBYTES is at most %d\n", use, TEXT_MAX);
            break;
        default:
            usage_err("%s", use);
        }
    }
    if (argc - optind != 2)
        usage_err("%s", use);
    errno = 0;
    msqid = (int) strtol(argv[optind], &end, 10);
    if (*end != '\0' || errno != 0 || msqid < 0)
        usage_err("%sMSQID must be a number\n", use);
    type = strtol(argv[optind + 1], &end, 10);
    if (*end != '\0' || errno != 0)
        usage_err("%sTYPE must be a number\n", use);

    // ANCHOR: receive
    /* size is the room for the payload (mtext), not for the whole
       structure. msgrcv() returns the bytes it copied into mtext, and the
       message is gone from the queue: no other reader will get it. */
    n = msgrcv(msqid, &msg, size, type, flags);
    if (n == -1)
        err_exit("msgrcv");
    // ANCHOR_END: receive

    printf("received type %ld, %zd bytes: %.*s\n", msg.mtype, n, (int) n,
           msg.mtext);
    return 0;
}
