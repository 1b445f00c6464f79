/* Listing 2-5 (chapter 2, shmget) */

/* shmrm.c

   Remove System V shared memory segments by id, like "ipcrm -m ID":
   shmctl(ID, IPC_RMID, NULL) for each id on the command line.

   Usage: shmrm SHMID...

       $ ./shmcreate shmfile 100
       key 0x4d002255 shmid 0
       $ ./shmrm 0
       removed shmid 0

   A segment that some process still has attached lives on until the
   last one detaches (chapter 3), but from now on no shmget() finds it.
*/
#include <sys/ipc.h>
#include <sys/shm.h>
#include <limits.h>

#include "ipcbook.h"

/* Convert TEXT to a segment id. Return the id, or -1 if TEXT is not a
   decimal number from 0 to INT_MAX. */
static int
parse_id(const char *text)
{
    char *end;
    long value;

    errno = 0;
    value = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || value < 0 || value > INT_MAX)
        return -1;
    return (int) value;
}

int
main(int argc, char *argv[])
{
    if (argc < 2)
        usage_err("SHMID...\n");

    for (int i = 1; i < argc; i++) {
        int shmid = parse_id(argv[i]);

        if (shmid == -1)
            usage_err("SHMID...\nSHMID must be a number, not \"%s\"\n", argv[i]);

        /* IPC_RMID takes no buffer: the third argument is NULL. */
        if (shmctl(shmid, IPC_RMID, NULL) == -1)
            err_exit("shmctl(%d, IPC_RMID)", shmid);
        printf("removed shmid %d\n", shmid);
    }
    return 0;
}
