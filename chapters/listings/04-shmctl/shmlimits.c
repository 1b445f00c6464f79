/* Listing 4-5 (chapter 4, shmctl) */

/* shmlimits.c

   Print the system's shared memory limits (shmctl(IPC_INFO)) and how much
   of them is in use (shmctl(SHM_INFO)), with their units.

   Usage: shmlimits

       $ ./shmlimits
       limits (IPC_INFO):
         largest segment  shmmax = 18446744073692774399 bytes
       ...
*/
#define _GNU_SOURCE             /* IPC_INFO; SHM_INFO needs no more than gnu11 */
#include <sys/ipc.h>
#include <sys/shm.h>

#include "ipcbook.h"

int
main(void)
{
    struct shminfo lim;
    struct shm_info use;
    long page = sysconf(_SC_PAGESIZE);
    int highest;

    // ANCHOR: info
    /* IPC_INFO fills a struct shminfo, SHM_INFO a struct shm_info, through
       the struct shmid_ds * that shmctl() is declared with: hence the
       casts. Both ignore the id; both return the highest index in use in
       the kernel's table of segments. */
    if (shmctl(0, IPC_INFO, (struct shmid_ds *) &lim) == -1)
        err_exit("shmctl(IPC_INFO)");
    highest = shmctl(0, SHM_INFO, (struct shmid_ds *) &use);
    if (highest == -1)
        err_exit("shmctl(SHM_INFO)");
    // ANCHOR_END: info

    printf("limits (IPC_INFO):\n");
    printf("  largest segment  shmmax = %lu bytes\n", (unsigned long) lim.shmmax);
    printf("  smallest segment shmmin = %lu byte\n", (unsigned long) lim.shmmin);
    printf("  segments         shmmni = %lu\n", (unsigned long) lim.shmmni);
    printf("  per process      shmseg = %lu\n", (unsigned long) lim.shmseg);
    printf("  all segments     shmall = %lu pages of %ld bytes\n",
           (unsigned long) lim.shmall, page);
    printf("in use (SHM_INFO):\n");
    printf("  segments         used_ids = %d (highest index %d)\n", use.used_ids,
           highest);
    printf("  memory           shm_tot = %lu pages\n", (unsigned long) use.shm_tot);
    printf("  in RAM           shm_rss = %lu pages\n", (unsigned long) use.shm_rss);
    printf("  in swap          shm_swp = %lu pages\n", (unsigned long) use.shm_swp);
    return 0;
}
