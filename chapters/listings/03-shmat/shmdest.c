/* Listing 3-5 (chapter 3, shmat) */

/* shmdest.c

   Mark an attached segment for removal (IPC_RMID), then show that its key
   no longer finds it, that Linux still lets a process attach it by id,
   that a new segment can take its key, and that it disappears when the
   last attachment goes.

   Usage: shmdest KEY

       $ ./shmdest 0x4b1d00de
       created shmid 0 with key 0x4b1d00de, attached it
       after IPC_RMID:     key 0x00000000, dest yes, nattch 1
       ...
*/
#include <sys/ipc.h>
#include <sys/shm.h>
#include <stdint.h>

#include "ipcbook.h"

/* Return TEXT (decimal, 0x hex or 0 octal) as a key from 1 to 0xffffffff,
   or exit with the usage message. Unchecked, strtoul() would turn "" or
   "abc" into 0, IPC_PRIVATE: a key that no shmget() can find again. */
static key_t
parse_key(const char *text)
{
    unsigned long n;
    char *end;

    errno = 0;
    n = strtoul(text, &end, 0);
    if (end == text || *end != '\0' || errno != 0 || text[0] == '-' ||
        n == 0 || n > UINT32_MAX)
        usage_err("KEY\n"
                  "KEY must be a number from 1 to 0xffffffff, not \"%s\"\n", text);
    return (key_t) (uint32_t) n;
}

/* Print LABEL and the segment's key, removal mark and attachments; or,
   when IPC_STAT fails, why. */
static void
show(const char *label, int shmid)
{
    struct shmid_ds ds;

    if (shmctl(shmid, IPC_STAT, &ds) == -1) {
        printf("%-19s IPC_STAT of shmid %d fails: %s\n", label, shmid,
               strerror(errno));
        return;
    }
    printf("%-19s key 0x%08x, dest %s, nattch %lu\n", label,
           (unsigned int) ds.shm_perm.__key,
           (ds.shm_perm.mode & SHM_DEST) ? "yes" : "no",
           (unsigned long) ds.shm_nattch);
}

int
main(int argc, char *argv[])
{
    char *first, *again;
    int shmid, other;
    key_t key;

    if (argc != 2)
        usage_err("KEY\n");
    key = parse_key(argv[1]);

    shmid = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
    if (shmid == -1)
        err_exit("shmget");
    first = shmat(shmid, NULL, 0);
    if (first == (void *) -1)
        err_exit("shmat");
    printf("created shmid %d with key 0x%08x, attached it\n", shmid,
           (unsigned int) key);

    // ANCHOR: rmid
    if (shmctl(shmid, IPC_RMID, NULL) == -1)
        err_exit("shmctl(IPC_RMID)");
    show("after IPC_RMID:", shmid);

    /* The key is gone: shmget() no longer finds the segment... */
    if (shmget(key, 0, 0) == -1)
        printf("shmget(key, 0, 0) fails: %s\n", strerror(errno));

    /* ...but the id still works, and Linux lets us attach it again. */
    again = shmat(shmid, NULL, 0);
    if (again == (void *) -1)
        err_exit("shmat after IPC_RMID");
    show("attached again:", shmid);
    // ANCHOR_END: rmid

    /* The key is free for a new, different segment. */
    other = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
    if (other == -1)
        err_exit("shmget (new segment)");
    printf("a new segment with the same key: shmid %d\n", other);

    if (shmdt(first) == -1)
        err_exit("shmdt");
    show("one detached:", shmid);
    if (shmdt(again) == -1)
        err_exit("shmdt");
    show("both detached:", shmid);

    if (shmctl(other, IPC_RMID, NULL) == -1)
        err_exit("shmctl(IPC_RMID)");
    return 0;
}
