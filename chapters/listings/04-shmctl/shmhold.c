/* Listing 4-3 (chapter 4, shmctl) */

/* shmhold.c

   Attach a shared memory segment and keep it attached until standard
   input ends, then detach: a stand-in for a process that uses the segment
   while another one removes it.

   Usage: shmhold SHMID < SOMETHING

       $ ./shmhold 0 < /dev/null
       attached shmid 0
       detached shmid 0
*/
#include <sys/ipc.h>
#include <sys/shm.h>

#include <limits.h>

#include "ipcbook.h"

int
main(int argc, char *argv[])
{
    char line[128];
    void *addr;
    long shmid;
    char *end;

    if (argc != 2)
        usage_err("SHMID\n");
    errno = 0;
    shmid = strtol(argv[1], &end, 10);
    if (*end != '\0' || end == argv[1] || errno != 0 || shmid < 0 ||
        shmid > INT_MAX)
        usage_err("SHMID\nSHMID must be a segment id, not \"%s\"\n", argv[1]);

    addr = shmat((int) shmid, NULL, SHM_RDONLY);
    if (addr == (void *) -1)
        err_exit("shmat");
    printf("attached shmid %ld\n", shmid);
    fflush(stdout);

    while (fgets(line, sizeof(line), stdin) != NULL)
        ;                               /* wait for end of file */

    if (shmdt(addr) == -1)
        err_exit("shmdt");
    printf("detached shmid %ld\n", shmid);
    return 0;
}
