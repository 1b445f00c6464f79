/* Listing 3-3 (chapter 3, shmat) */

/* shmaddr.c

   Attach a two-page segment at addresses of our choosing, to show what
   shmaddr and the flags SHM_RND, SHM_REMAP and SHM_EXEC do. Addresses are
   printed relative to BASE, a free area found with mmap().

   Usage: shmaddr

       $ ./shmaddr
       SHMLBA 4096, page size 4096
       shmat(id, base, 0)                  -> base + 0
       shmat(id, base + 100, 0)            -> Invalid argument
       ...

   Real programs pass NULL and let the kernel choose (Listing 3-1).
*/
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <stdint.h>

#include "ipcbook.h"

static char *base;              /* the start of a free area */

/* Call shmat(SHMID, ADDR, FLAGS), print LABEL and where it attached (or
   why it failed); return the address, or NULL on failure. */
static char *
try_attach(const char *label, int shmid, char *addr, int flags)
{
    char *p = shmat(shmid, addr, flags);

    if (p == (void *) -1) {
        printf("%-38s-> %s\n", label, strerror(errno));
        return NULL;
    }
    printf("%-38s-> base + %td\n", label, p - base);
    return p;
}

/* Print LABEL and the permissions of the mapping at ADDR (from
   /proc/self/maps). */
static void
show_perms(const char *label, const void *addr)
{
    char line[512], perms[8];
    unsigned long start, end;
    FILE *maps = fopen("/proc/self/maps", "r");

    if (maps == NULL)
        err_exit("fopen(/proc/self/maps)");
    while (fgets(line, sizeof(line), maps) != NULL)
        if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) == 3 &&
            (uintptr_t) addr >= start && (uintptr_t) addr < end)
            printf("%-38s-> mapped %s\n", label, perms);
    fclose(maps);
}

int
main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char *first, *second, *x;
    int shmid;

    printf("SHMLBA %ld, page size %ld\n", (long) SHMLBA, page);

    shmid = shmget(IPC_PRIVATE, 2 * page, IPC_CREAT | 0700);
    if (shmid == -1)
        err_exit("shmget");

    /* Find four free pages: map them, note where, unmap them. */
    base = mmap(NULL, 4 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED)
        err_exit("mmap");
    if (munmap(base, 4 * page) == -1)
        err_exit("munmap");

    // ANCHOR: addresses
    /* A page-aligned address is taken as it is. */
    first = try_attach("shmat(id, base, 0)", shmid, base, 0);
    if (first != NULL && shmdt(first) == -1)
        err_exit("shmdt");

    /* Not page-aligned: refused, unless SHM_RND rounds it down to a
       multiple of SHMLBA. */
    try_attach("shmat(id, base + 100, 0)", shmid, base + 100, 0);
    first = try_attach("shmat(id, base + 100, SHM_RND)", shmid, base + 100,
                       SHM_RND);

    /* FIRST covers base .. base + 2 pages. Attaching over it is refused,
       unless SHM_REMAP says to replace what is mapped there. */
    try_attach("shmat(id, base + page, 0)", shmid, base + page, 0);
    second = try_attach("shmat(id, base + page, SHM_REMAP)", shmid, base + page,
                        SHM_REMAP);
    try_attach("shmat(id, NULL, SHM_REMAP)", shmid, NULL, SHM_REMAP);
    // ANCHOR_END: addresses

    /* SHM_EXEC: the pages may hold code to run. */
    x = shmat(shmid, NULL, SHM_EXEC);
    if (x == (void *) -1)
        err_exit("shmat(SHM_EXEC)");
    show_perms("shmat(id, NULL, SHM_EXEC)", x);
    if (shmdt(x) == -1)
        err_exit("shmdt");
    x = shmat(shmid, NULL, SHM_EXEC | SHM_RDONLY);
    if (x == (void *) -1)
        err_exit("shmat(SHM_EXEC | SHM_RDONLY)");
    show_perms("shmat(id, NULL, SHM_EXEC|SHM_RDONLY)", x);
    if (shmdt(x) == -1)
        err_exit("shmdt");

    if (second != NULL && shmdt(second) == -1)
        err_exit("shmdt");
    if (first != NULL && shmdt(first) == -1)
        err_exit("shmdt");
    if (shmctl(shmid, IPC_RMID, NULL) == -1)
        err_exit("shmctl(IPC_RMID)");
    return 0;
}
