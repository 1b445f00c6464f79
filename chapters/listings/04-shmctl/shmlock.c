/* Listing 4-7 (chapter 4, shmctl) */

/* shmlock.c

   What SHM_LOCK does and does not do. Create a private segment of 8
   pages, lock it with shmctl(SHM_LOCK), and count its pages in RAM
   (SHM_INFO's shm_rss) and its SHM_LOCKED bit; then attach it and
   write to every page, and count again; unlock it and remove it.

   Usage: shmlock

       $ ./shmlock
       after SHM_LOCK:          mode 2600, SHM_LOCKED yes, pages in RAM 0
       ...

   Run it in a namespace of its own (unshare --ipc): SHM_INFO counts the
   pages of every segment of the IPC namespace.
*/
#include <sys/ipc.h>
#include <sys/shm.h>

#include "ipcbook.h"

#define PAGES 8

static int shmid;

/* Print LABEL, the segment's mode and lock bit, and the pages in RAM. */
static void
show(const char *label)
{
    struct shm_info info;
    struct shmid_ds ds;

    if (shmctl(shmid, IPC_STAT, &ds) == -1)
        err_exit("shmctl(IPC_STAT)");
    if (shmctl(0, SHM_INFO, (struct shmid_ds *) &info) == -1)
        err_exit("shmctl(SHM_INFO)");
    printf("%-24s mode %o, SHM_LOCKED %s, pages in RAM %lu\n", label,
           ds.shm_perm.mode, (ds.shm_perm.mode & SHM_LOCKED) ? "yes" : "no",
           (unsigned long) info.shm_rss);
}

int
main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char *p;

    shmid = shmget(IPC_PRIVATE, (size_t) (PAGES * page), IPC_CREAT | 0600);
    if (shmid == -1)
        err_exit("shmget");
    show("a new segment:");

    // ANCHOR: lock
    /* Locked: no page of it will be swapped out. None is in RAM yet. */
    if (shmctl(shmid, SHM_LOCK, NULL) == -1)
        err_exit("shmctl(SHM_LOCK)");
    show("after SHM_LOCK:");

    p = shmat(shmid, NULL, 0);
    if (p == (void *) -1)
        err_exit("shmat");
    for (long i = 0; i < PAGES; i++)
        p[i * page] = 1;                /* the first touch brings it in */
    show("after writing each page:");
    // ANCHOR_END: lock

    if (shmdt(p) == -1)
        err_exit("shmdt");
    if (shmctl(shmid, SHM_UNLOCK, NULL) == -1)
        err_exit("shmctl(SHM_UNLOCK)");
    show("after SHM_UNLOCK:");
    if (shmctl(shmid, IPC_RMID, NULL) == -1)
        err_exit("shmctl(IPC_RMID)");
    return 0;
}
