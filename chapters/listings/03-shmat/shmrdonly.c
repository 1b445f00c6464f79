/* Listing 3-2 (chapter 3, shmat) */

/* shmrdonly.c

   Attach one segment twice, once for reading and writing and once with
   SHM_RDONLY; show both mappings as /proc/self/maps lists them, read
   through the read-only one, then let a child write through it: the
   write kills the child with SIGSEGV, and the data stays as it was.

   Usage: shmrdonly

       $ ./shmrdonly
       read-write attachment: rw-s /SYSV00000000 (deleted)
       read-only attachment:  r--s /SYSV00000000 (deleted)
       ...
*/
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <signal.h>
#include <stdint.h>

#include "ipcbook.h"

/* Print LABEL and the permissions and name of the mapping that contains
   ADDR, from /proc/self/maps ("rw-s /SYSV00000000 (deleted)"). */
static void
show_mapping(const char *label, const void *addr)
{
    char line[512], perms[8], name[256];
    unsigned long start, end;
    FILE *maps = fopen("/proc/self/maps", "r");

    if (maps == NULL)
        err_exit("fopen(/proc/self/maps)");
    while (fgets(line, sizeof(line), maps) != NULL) {
        name[0] = '\0';
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255[^\n]", &start, &end, perms,
                   name) < 3)
            continue;
        if ((uintptr_t) addr >= start && (uintptr_t) addr < end)
            printf("%-23s%s %s\n", label, perms, name);
    }
    fclose(maps);
}

int
main(void)
{
    char *rw, *ro;
    pid_t child;
    int shmid, status;

    shmid = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    if (shmid == -1)
        err_exit("shmget");

    rw = shmat(shmid, NULL, 0);
    if (rw == (void *) -1)
        err_exit("shmat");
    // ANCHOR: rdonly
    /* SHM_RDONLY: the pages are mapped without write permission. Only
       read permission on the segment is needed (0400 for its owner). */
    ro = shmat(shmid, NULL, SHM_RDONLY);
    if (ro == (void *) -1)
        err_exit("shmat(SHM_RDONLY)");
    // ANCHOR_END: rdonly

    show_mapping("read-write attachment:", rw);
    show_mapping("read-only attachment:", ro);

    snprintf(rw, 4096, "written through rw");
    printf("read through ro: \"%s\"\n", ro);

    /* A child inherits both attachments; it writes through the read-only
       one, as a buggy reader would. */
    child = fork();
    if (child == -1)
        err_exit("fork");
    if (child == 0) {
        ro[0] = 'W';            /* SIGSEGV: the page is not writable */
        _exit(EXIT_SUCCESS);    /* never reached */
    }
    if (waitpid(child, &status, 0) == -1)
        err_exit("waitpid");
    if (WIFSIGNALED(status))
        printf("the child that wrote through ro was killed by signal %d (%s)\n",
               WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        printf("the child exited with status %d\n", WEXITSTATUS(status));
    printf("read through ro: \"%s\"\n", ro);

    if (shmdt(ro) == -1 || shmdt(rw) == -1)
        err_exit("shmdt");
    if (shmctl(shmid, IPC_RMID, NULL) == -1)
        err_exit("shmctl(IPC_RMID)");
    return 0;
}
