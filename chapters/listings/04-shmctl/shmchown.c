/* Listing 4-2 (chapter 4, shmctl) */

/* shmchown.c

   Give a shared memory segment a new owner (user, and optionally group)
   with shmctl(IPC_SET), keeping everything else as it was.

   Usage: shmchown SHMID UID [GID]

       $ ./shmchown 0 1234 1234
       shmid 0: owner 0:0 -> 1234:1234, mode 640, creator 0:0

   Only the owner, the creator, or a privileged process may do it.
*/
#include <sys/ipc.h>
#include <sys/shm.h>
#include <limits.h>

#include "ipcbook.h"

/* Return TEXT as a number from 0 to MAX, or exit with the usage text. */
static long
parse_number(const char *text, long max)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(text, &end, 10);
    if (*end != '\0' || end == text || errno != 0 || n < 0 || n > max)
        usage_err("SHMID UID [GID]\n\"%s\" is not a number from 0 to %ld\n",
                  text, max);
    return n;
}

int
main(int argc, char *argv[])
{
    struct shmid_ds ds;
    unsigned int old_uid, old_gid;
    int shmid;

    if (argc < 3 || argc > 4)
        usage_err("SHMID UID [GID]\n");
    shmid = (int) parse_number(argv[1], INT_MAX);

    // ANCHOR: set
    /* IPC_SET copies uid, gid and the 9 permission bits of mode from DS
       into the kernel's record: all three, every time. So fill DS with the
       current values first, then change only what you mean to change. */
    if (shmctl(shmid, IPC_STAT, &ds) == -1)
        err_exit("shmctl(IPC_STAT)");
    old_uid = ds.shm_perm.uid;
    old_gid = ds.shm_perm.gid;
    ds.shm_perm.uid = (uid_t) parse_number(argv[2], INT_MAX);
    if (argc == 4)
        ds.shm_perm.gid = (gid_t) parse_number(argv[3], INT_MAX);
    if (shmctl(shmid, IPC_SET, &ds) == -1)
        err_exit("shmctl(IPC_SET)");
    // ANCHOR_END: set

    printf("shmid %d: owner %u:%u -> %u:%u, mode %03o, creator %u:%u\n", shmid,
           old_uid, old_gid, (unsigned int) ds.shm_perm.uid,
           (unsigned int) ds.shm_perm.gid, ds.shm_perm.mode & 0777,
           (unsigned int) ds.shm_perm.cuid, (unsigned int) ds.shm_perm.cgid);
    return 0;
}
