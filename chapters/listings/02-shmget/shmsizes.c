/* Listing 2-3 (chapter 2, shmget) */

/* shmsizes.c

   For each SIZE on the command line, create a private shared memory
   segment of that size, then show the size the kernel records for it
   (shm_segsz) next to the memory it charges for it (whole pages), and
   remove it again.

   Usage: shmsizes SIZE...

       $ ./shmsizes 1 5000
       size 1: shm_segsz 1, charged 1 page of 4096 bytes
       size 5000: shm_segsz 5000, charged 2 pages of 4096 bytes

   It peeks ahead at shmctl() (chapter 4): IPC_STAT reads a segment's
   attributes, and the Linux-specific SHM_INFO reads system-wide totals,
   among them shm_tot, the number of pages held by all segments. On a
   busy machine another program may create or remove a segment between
   two calls and upset the count; run it inside "unshare --ipc".
*/
#include <sys/ipc.h>
#include <sys/shm.h>

#include "ipcbook.h"

/* Return the number of pages held by all shared memory segments in this
   IPC namespace (SHM_INFO's shm_tot); exit on failure. */
static unsigned long
pages_in_use(void)
{
    struct shm_info info;

    /* SHM_INFO fills a struct shm_info through the struct shmid_ds
       pointer that shmctl() is declared with, hence the cast. */
    if (shmctl(0, SHM_INFO, (struct shmid_ds *) &info) == -1)
        err_exit("shmctl(SHM_INFO)");
    return info.shm_tot;
}

/* Create a segment of SIZE bytes, report its size and cost, remove it.
   Return 0 on success, -1 if shmget() refused SIZE (after saying why). */
static int
try_size(size_t size, long page_size)
{
    struct shmid_ds ds;
    unsigned long before, pages;
    int shmid;

    before = pages_in_use();

    /* IPC_PRIVATE always makes a new segment, so IPC_CREAT is not needed
       (it would do no harm). */
    shmid = shmget(IPC_PRIVATE, size, 0600);
    if (shmid == -1) {
        err_msg("shmget(IPC_PRIVATE, %zu, 0600)", size);
        return -1;
    }

    pages = pages_in_use() - before;
    if (shmctl(shmid, IPC_STAT, &ds) == -1)
        err_exit("shmctl(IPC_STAT)");

    printf("size %zu: shm_segsz %zu, charged %lu page%s of %ld bytes\n",
           size, (size_t) ds.shm_segsz, pages, pages == 1 ? "" : "s",
           page_size);

    if (shmctl(shmid, IPC_RMID, NULL) == -1)
        err_exit("shmctl(IPC_RMID)");
    return 0;
}

int
main(int argc, char *argv[])
{
    long page_size;
    int status = EXIT_SUCCESS;

    if (argc < 2)
        usage_err("SIZE...\n");

    page_size = sysconf(_SC_PAGESIZE);
    if (page_size == -1)
        err_exit("sysconf(_SC_PAGESIZE)");

    for (int i = 1; i < argc; i++) {
        char *end;
        unsigned long size;

        errno = 0;
        size = strtoul(argv[i], &end, 0);
        if (argv[i][0] == '-' || end == argv[i] || *end != '\0' || errno != 0)
            usage_err("SIZE...\nSIZE must be a number of bytes, not \"%s\"\n",
                      argv[i]);

        /* Keep going after a refused size, so one run shows them all,
           but remember to exit with a failure status at the end. */
        if (try_size(size, page_size) == -1)
            status = EXIT_FAILURE;
    }
    return status;
}
