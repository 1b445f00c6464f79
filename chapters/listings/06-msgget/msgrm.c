/* Listing 6-4 (chapter 6, msgget) */

/* msgrm.c

   Remove System V message queues by id, like "ipcrm -q ID":
   msgctl(ID, IPC_RMID, NULL) for each id on the command line.

   Usage: msgrm MSQID...

       $ ./msgleave
       process 4242 left 2 messages (15 bytes) in queue 0
       $ ./msgrm 0
       removed msqid 0

   Unlike a shared memory segment, a queue goes away at once: the
   messages in it are lost, and processes waiting in msgsnd() or msgrcv()
   on it wake up with the error EIDRM (chapter 7).
*/
#include <sys/ipc.h>
#include <sys/msg.h>
#include <limits.h>

#include "ipcbook.h"

/* Convert TEXT to a queue id. Return the id, or -1 if TEXT is not a
   decimal number from 0 to INT_MAX. */
static int
parse_id(const char *text)
{
    char *end;
    long value;

    errno = 0;
    value = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || value < 0 || value > INT_MAX)
        return -1;
    return (int) value;
}

int
main(int argc, char *argv[])
{
    if (argc < 2)
        usage_err("MSQID...\n");

    for (int i = 1; i < argc; i++) {
        int msqid = parse_id(argv[i]);

        if (msqid == -1)
            usage_err("MSQID...\nMSQID must be a number, not \"%s\"\n", argv[i]);

        /* IPC_RMID takes no buffer: the third argument is NULL. */
        if (msgctl(msqid, IPC_RMID, NULL) == -1)
            err_exit("msgctl(%d, IPC_RMID)", msqid);
        printf("removed msqid %d\n", msqid);
    }
    return 0;
}
