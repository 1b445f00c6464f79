/* Listing 7-1 (chapter 7, msgsnd and msgrcv) */

/* msgsend.c

   Send one message to a System V message queue: TEXT, as a message of
   type TYPE. The message holds the text's bytes, without a final '\0'.

   Usage: msgsend [-n] MSQID TYPE TEXT

   -n  IPC_NOWAIT: if the queue is full, fail with EAGAIN instead of
       waiting until there is room.

       $ ipcmk -Q -p 600
       Message queue id: 0
       $ ./msgsend 0 2 'pay the bills'
       sent type 2, 13 bytes
       $ ./msgsend 0 0 'no type'
       msgsend: msgsnd: Invalid argument
*/
#include <sys/ipc.h>
#include <sys/msg.h>
#include <limits.h>

#include "ipcbook.h"

// ANCHOR: layout
#define TEXT_MAX 1024

/* What msgsnd() sends: a long mtype (> 0), then the payload, here up to
   TEXT_MAX bytes of text. Only the payload counts in msgsz. */
struct message {
    long mtype;
    char mtext[TEXT_MAX];
};
// ANCHOR_END: layout

int
main(int argc, char *argv[])
{
    struct message msg;
    int flags = 0, msqid, opt;
    long type;
    size_t len;
    char *end;

    while ((opt = getopt(argc, argv, "+n")) != -1) {
        if (opt != 'n')
            usage_err("[-n] MSQID TYPE TEXT\n");
        flags |= IPC_NOWAIT;
    }
    if (argc - optind != 3)
        usage_err("[-n] MSQID TYPE TEXT\n");
    errno = 0;
    msqid = (int) strtol(argv[optind], &end, 10);
    if (*end != '\0' || errno != 0 || msqid < 0)
        usage_err("[-n] MSQID TYPE TEXT\nMSQID must be a number\n");
    type = strtol(argv[optind + 1], &end, 10);
    if (*end != '\0' || errno != 0)
        usage_err("[-n] MSQID TYPE TEXT\nTYPE must be a number\n");
    len = strlen(argv[optind + 2]);
    if (len > TEXT_MAX)
        usage_err("[-n] MSQID TYPE TEXT\nTEXT has more than %d bytes\n",
                  TEXT_MAX);

    // ANCHOR: send
    msg.mtype = type;           /* msgsnd() refuses 0 or less: EINVAL */
    memcpy(msg.mtext, argv[optind + 2], len);

    /* msgsz is len, the payload: not sizeof(msg), which counts mtype
       too. Only those len bytes are copied into the kernel. */
    if (msgsnd(msqid, &msg, len, flags) == -1)
        err_exit("msgsnd");
    // ANCHOR_END: send

    printf("sent type %ld, %zu bytes\n", type, len);
    return 0;
}
