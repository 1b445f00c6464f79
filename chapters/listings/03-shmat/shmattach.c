/* Listing 3-1 (chapter 3, shmat) */

/* shmattach.c

   Attach a new shared memory segment twice, use it through both
   addresses, detach, and show after each step what the kernel records:
   how many attachments exist (shm_nattch), who attached or detached last
   (shm_lpid), and when (shm_atime, shm_dtime).

   Usage: shmattach

       $ ./shmattach
       created:         nattch 0, lpid 0, atime never, dtime never
       attached at a:   nattch 1, lpid me, atime set, dtime never
       ...

   The segment is private and removed at the end: nothing is left over.
*/
#include <sys/ipc.h>
#include <sys/shm.h>

#include "ipcbook.h"

/* What the segment holds: any plain C data will do. */
struct reading {
    int    sensor;
    double celsius;
    char   place[16];
};

/* Print LABEL, then the segment's attach count, last pid and times. */
static void
show(const char *label, int shmid)
{
    struct shmid_ds ds;

    if (shmctl(shmid, IPC_STAT, &ds) == -1)     /* chapter 4 */
        err_exit("shmctl(IPC_STAT)");
    printf("%-16s nattch %lu, lpid %s, atime %s, dtime %s\n", label,
           (unsigned long) ds.shm_nattch,
           ds.shm_lpid == 0 ? "0" : ds.shm_lpid == getpid() ? "me" : "other",
           ds.shm_atime == 0 ? "never" : "set",
           ds.shm_dtime == 0 ? "never" : "set");
}

int
main(void)
{
    struct reading *a, *b;
    int shmid;

    shmid = shmget(IPC_PRIVATE, sizeof(struct reading), IPC_CREAT | 0600);
    if (shmid == -1)
        err_exit("shmget");
    show("created:", shmid);

    // ANCHOR: attach
    /* NULL: the kernel picks a free, page-aligned address. 0: read and
       write. On failure shmat() returns (void *) -1, not NULL. */
    // ANCHOR: check
    a = shmat(shmid, NULL, 0);
    if (a == (void *) -1)
        err_exit("shmat");
    // ANCHOR_END: check
    show("attached at a:", shmid);

    /* The segment is now memory like any other: use it through a. */
    a->sensor = 7;
    a->celsius = 21.5;
    snprintf(a->place, sizeof(a->place), "kitchen");
    // ANCHOR_END: attach

    /* A second attachment of the same segment, at another address. */
    b = shmat(shmid, NULL, SHM_RDONLY);
    if (b == (void *) -1)
        err_exit("shmat");
    show("attached at b:", shmid);
    printf("a and b are %s addresses; through b: sensor %d, %.1f C, %s\n",
           a == b ? "the same" : "different", b->sensor, b->celsius, b->place);
    a->celsius = 22.0;
    printf("after a->celsius = 22.0, b->celsius is %.1f\n", b->celsius);

    // ANCHOR: detach
    /* shmdt() takes the address shmat() returned. Afterwards the pointer
       points to nothing: using it would crash. */
    if (shmdt(a) == -1)
        err_exit("shmdt");
    show("detached a:", shmid);
    if (shmdt(b) == -1)
        err_exit("shmdt");
    show("detached b:", shmid);
    // ANCHOR_END: detach

    if (shmctl(shmid, IPC_RMID, NULL) == -1)
        err_exit("shmctl(IPC_RMID)");
    return 0;
}
