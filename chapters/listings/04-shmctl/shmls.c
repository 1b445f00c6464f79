/* Listing 4-6 (chapter 4, shmctl) */

/* shmls.c

   List every shared memory segment of the system, as "ipcs -m" does: ask
   SHM_INFO for the highest index in use in the kernel's table, then read
   each slot with SHM_STAT_ANY, which returns the segment's id.

   Usage: shmls

       $ ./shmls
       index  shmid  key          bytes  nattch  mode
           0      0  0x4b1d0004    5000       0   640
*/
#include <sys/ipc.h>
#include <sys/shm.h>

#include "ipcbook.h"

int
main(void)
{
    struct shm_info use;
    struct shmid_ds ds;
    int highest;

    highest = shmctl(0, SHM_INFO, (struct shmid_ds *) &use);
    if (highest == -1)
        err_exit("shmctl(SHM_INFO)");

    printf("index  shmid  key          bytes  nattch  mode\n");
    // ANCHOR: loop
    for (int index = 0; index <= highest; index++) {
        /* SHM_STAT_ANY takes an index, not an id, and returns the id of
           the segment in that slot; like /proc/sysvipc/shm, it needs no
           read permission (Linux 4.17 and later; SHM_STAT does). */
        int shmid = shmctl(index, SHM_STAT_ANY, &ds);

        if (shmid == -1) {
            if (errno == EINVAL)        /* an empty slot */
                continue;
            err_exit("shmctl(%d, SHM_STAT_ANY)", index);
        }
        printf("%5d  %5d  0x%08x  %6zu  %6lu   %03o\n", index, shmid,
               (unsigned int) ds.shm_perm.__key, (size_t) ds.shm_segsz,
               (unsigned long) ds.shm_nattch, ds.shm_perm.mode & 0777);
    }
    // ANCHOR_END: loop
    return 0;
}
