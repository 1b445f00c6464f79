/* Listing 6-3 (chapter 6, msgget) */

/* msgleave.c

   Create a message queue with the key IPC_PRIVATE, put two messages in
   it, print its id and exit *without* removing it. The queue, and the
   messages in it, stay in the kernel after the process that made them is
   gone: that is the point of this program.

   Usage: msgleave

       $ ./msgleave
       process 4242 left 2 messages (15 bytes) in queue 0
       $ ipcs -q               # used-bytes 15, messages 2
       $ ipcs -q -p            # lspid 4242: a process that no longer exists
       $ ./msgrm 0

   Sending is chapter 7's subject; here it only shows that messages wait
   in the kernel for a reader, however long that takes.
*/
#include <sys/ipc.h>
#include <sys/msg.h>

#include "ipcbook.h"

/* A message: a type (a long, > 0), then the bytes we send. */
struct message {
    long mtype;
    char mtext[16];
};

int
main(void)
{
    static const char *const texts[] = { "hello", "still here" };
    struct message msg;
    size_t total = 0;
    int msqid;

    /* IPC_PRIVATE: a brand-new queue that no key can find; only its id
       reaches it, so we print the id. */
    msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    if (msqid == -1)
        err_exit("msgget");

    for (size_t i = 0; i < 2; i++) {
        memset(&msg, 0, sizeof(msg));
        msg.mtype = 1;
        strcpy(msg.mtext, texts[i]);
        /* The size is the text's length: the message holds those bytes. */
        if (msgsnd(msqid, &msg, strlen(texts[i]), 0) == -1)
            err_exit("msgsnd");
        total += strlen(texts[i]);
    }

    printf("process %ld left 2 messages (%zu bytes) in queue %d\n",
           (long) getpid(), total, msqid);

    /* No msgctl(msqid, IPC_RMID, NULL) here, on purpose. */
    return 0;
}
