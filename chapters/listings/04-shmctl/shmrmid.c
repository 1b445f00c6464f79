/* Listing 4-4 (chapter 4, shmctl) */

/* shmrmid.c

   Remove a shared memory segment with shmctl(IPC_RMID), and say whether
   the kernel destroyed it at once or only marked it, because processes
   still have it attached.

   Usage: shmrmid SHMID

       $ ./shmrmid 0
       shmid 0: marked for removal; 1 attachment(s) left, key now 0x00000000
*/
#include <sys/ipc.h>
#include <sys/shm.h>

#include <limits.h>

#include "ipcbook.h"

int
main(int argc, char *argv[])
{
    struct shmid_ds ds;
    long shmid;
    char *end;

    if (argc != 2)
        usage_err("SHMID\n");
    errno = 0;
    shmid = strtol(argv[1], &end, 10);
    if (*end != '\0' || end == argv[1] || errno != 0 || shmid < 0 ||
        shmid > INT_MAX)
        usage_err("SHMID\nSHMID must be a segment id, not \"%s\"\n", argv[1]);

    // ANCHOR: rmid
    if (shmctl((int) shmid, IPC_RMID, NULL) == -1)
        err_exit("shmctl(IPC_RMID)");

    /* Is it still there? Only while something has it attached. */
    if (shmctl((int) shmid, IPC_STAT, &ds) == -1) {
        if (errno != EINVAL && errno != EIDRM)
            err_exit("shmctl(IPC_STAT)");
        printf("shmid %ld: destroyed\n", shmid);
    } else {
        printf("shmid %ld: marked for removal; %lu attachment(s) left, "
               "key now 0x%08x\n", shmid, (unsigned long) ds.shm_nattch,
               (unsigned int) ds.shm_perm.__key);
    }
    // ANCHOR_END: rmid
    return 0;
}
