/* Listing 4-1 (chapter 4, shmctl) */

/* shmstat.c

   Show everything the kernel keeps about a shared memory segment, read
   with shmctl(IPC_STAT), in words, like "ipcs -m -i SHMID".

   Usage: shmstat SHMID

       $ ./shmstat 0
       shmid 0, key 0x4b1d0004, 5000 bytes
       owner uid 0 gid 0, creator uid 0 gid 0, mode 640 (rw-r-----)
       ...
*/
#include <sys/ipc.h>
#include <sys/shm.h>
#include <limits.h>
#include <time.h>

#include "ipcbook.h"

/* Return T as a date and time, or "never" for 0. The text lives in a
   static buffer, valid until the next call. */
static const char *
when(time_t t)
{
    static char buf[64];
    struct tm tm;

    if (t == 0 || localtime_r(&t, &tm) == NULL)
        return "never";
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

/* Write MODE's 9 permission bits as "rw-r-----" into BUF (10 bytes). */
static const char *
rwx(unsigned int mode, char buf[10])
{
    const char *letters = "rwxrwxrwx";

    for (int i = 0; i < 9; i++)
        buf[i] = (mode & (0400 >> i)) ? letters[i] : '-';
    buf[9] = '\0';
    return buf;
}

int
main(int argc, char *argv[])
{
    struct shmid_ds ds;
    char *end, perms[10];
    long shmid;

    if (argc != 2)
        usage_err("SHMID\n");
    errno = 0;
    shmid = strtol(argv[1], &end, 10);
    if (*end != '\0' || end == argv[1] || errno != 0 || shmid < 0 ||
        shmid > INT_MAX)
        usage_err("SHMID\nSHMID must be a segment id, not \"%s\"\n", argv[1]);

    // ANCHOR: stat
    /* IPC_STAT fills DS with a copy of the kernel's record. It needs read
       permission on the segment. */
    if (shmctl((int) shmid, IPC_STAT, &ds) == -1)
        err_exit("shmctl(%ld, IPC_STAT)", shmid);

    printf("shmid %ld, key 0x%08x, %zu bytes\n", shmid,
           (unsigned int) ds.shm_perm.__key, (size_t) ds.shm_segsz);
    printf("owner uid %u gid %u, creator uid %u gid %u, mode %03o (%s)\n",
           (unsigned int) ds.shm_perm.uid, (unsigned int) ds.shm_perm.gid,
           (unsigned int) ds.shm_perm.cuid, (unsigned int) ds.shm_perm.cgid,
           ds.shm_perm.mode & 0777, rwx(ds.shm_perm.mode, perms));
    if (ds.shm_perm.mode & SHM_DEST)
        printf("marked for removal: destroyed at the last detach\n");
    if (ds.shm_perm.mode & SHM_LOCKED)
        printf("locked in memory (SHM_LOCK)\n");
    printf("attached %lu time(s); creator pid %d, last shmat/shmdt pid %d\n",
           (unsigned long) ds.shm_nattch, (int) ds.shm_cpid, (int) ds.shm_lpid);
    printf("last attach  %s\n", when(ds.shm_atime));
    printf("last detach  %s\n", when(ds.shm_dtime));
    printf("last change  %s\n", when(ds.shm_ctime));
    // ANCHOR_END: stat
    return 0;
}
