/* Listing 6-1 (chapter 6, msgget) */

/* msgcreate.c

   Create a new System V message queue whose key is ftok(PATH, 'Q'), and
   leave it in the kernel. If a queue with that key already exists, fail
   with EEXIST instead of quietly using it.

   Usage: msgcreate PATH [MODE]

       $ touch qfile
       $ ./msgcreate qfile
       key 0x51002255 msqid 0
       $ ./msgcreate qfile
       msgcreate: msgget: File exists
       msgcreate: remove the old queue first (msgrm ID), or open it (msgopen)

   MODE is the queue's permissions in octal, 600 by default. The queue
   outlives this program: remove it with msgrm (Listing 6-4) or
   "ipcrm -q ID" when you are done.
*/
#include <sys/ipc.h>
#include <sys/msg.h>

#include "ipcbook.h"

#define MSG_PROJ_ID 'Q'         /* msgopen.c must use the same project id */

int
main(int argc, char *argv[])
{
    unsigned long mode = 0600;
    char *end;
    key_t key;
    int msqid;

    if (argc == 3) {
        errno = 0;
        mode = strtoul(argv[2], &end, 8);
        if (end == argv[2] || *end != '\0' || errno != 0 || mode > 0777)
            usage_err("PATH [MODE]\nMODE is octal, 0 to 777\n");
    } else if (argc != 2) {
        usage_err("PATH [MODE]\n");
    }

    key = ftok(argv[1], MSG_PROJ_ID);
    if (key == -1)
        err_exit("ftok(%s)", argv[1]);

    /* IPC_CREAT | IPC_EXCL: make a new queue or fail; never reuse one
       that another program (or an earlier run) left behind, maybe full
       of old messages. The low 9 bits are the new queue's permissions. */
    msqid = msgget(key, IPC_CREAT | IPC_EXCL | (int) mode);
    if (msqid == -1) {
        err_msg("msgget");              /* keeps errno for the test below */
        if (errno == EEXIST)
            fprintf(stderr, "%s: remove the old queue first (msgrm ID),"
                    " or open it (msgopen)\n", program_invocation_short_name);
        exit(EXIT_FAILURE);
    }

    printf("key 0x%08x msqid %d\n", (unsigned int) key, msqid);
    return 0;
}
