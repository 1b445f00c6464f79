/* Listing 0-1 (chapter 0, introduction) */

/* outlive.c

   Create a small System V shared memory segment, print its id and exit
   *without* removing it. The segment stays in the kernel after the
   process that made it is gone: that is the point of this program.

   Usage: outlive

       $ ./outlive
       process 4242 created shmid 0 and is exiting
       $ ipcs -m -p            # the segment is still there; cpid is 4242
       $ ipcrm -m 0            # remove it by id, or it stays until reboot

   Try it inside "sudo unshare --ipc sh", which gives you a private set of
   IPC objects that disappears when that shell exits.
*/
#include <sys/ipc.h>
#include <sys/shm.h>

#include "ipcbook.h"

int
main(void)
{
    int shmid;

    /* IPC_PRIVATE asks for a brand-new segment (chapter 1 explains keys);
       4096 bytes, readable and writable by our user only (0600). */
    shmid = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    if (shmid == -1)
        err_exit("shmget");

    printf("process %ld created shmid %d and is exiting\n",
           (long) getpid(), shmid);

    /* No shmctl(shmid, IPC_RMID, NULL) here, on purpose: nothing in the
       kernel removes a System V object when its creator exits. */
    return 0;
}
