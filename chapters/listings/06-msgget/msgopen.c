/* Listing 6-2 (chapter 6, msgget) */

/* msgopen.c

   Open the existing System V message queue whose key is ftok(PATH, 'Q')
   (the one msgcreate made) and print its id. It never creates a queue:
   if none exists, it fails with ENOENT.

   Usage: msgopen PATH

       $ ./msgcreate qfile
       key 0x51002255 msqid 0
       $ ./msgopen qfile
       msqid 0
       $ ./msgopen otherfile
       msgopen: msgget: No such file or directory
*/
#include <sys/ipc.h>
#include <sys/msg.h>

#include "ipcbook.h"

#define MSG_PROJ_ID 'Q'         /* the same project id as msgcreate.c */

int
main(int argc, char *argv[])
{
    key_t key;
    int msqid;

    if (argc != 2)
        usage_err("PATH\n");

    key = ftok(argv[1], MSG_PROJ_ID);
    if (key == -1)
        err_exit("ftok(%s)", argv[1]);

    /* msgflg 0: no IPC_CREAT, so a missing queue is an error (ENOENT)
       rather than a new, empty queue that nobody else knows about. */
    msqid = msgget(key, 0);
    if (msqid == -1)
        err_exit("msgget");

    printf("msqid %d\n", msqid);
    return 0;
}
