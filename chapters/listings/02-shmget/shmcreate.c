/* Listing 2-1 (chapter 2, shmget) */

/* shmcreate.c

   Create a new System V shared memory segment of SIZE bytes whose key is
   ftok(PATH, 'M'), and leave it in the kernel. If a segment with that key
   already exists, fail with EEXIST instead of quietly using it.

   Usage: shmcreate PATH SIZE

       $ touch shmfile
       $ ./shmcreate shmfile 5000
       key 0x4d002255 shmid 0
       $ ./shmcreate shmfile 5000
       shmcreate: shmget: File exists
       shmcreate: remove the old segment first (shmrm ID), or open it (shmopen)

   The segment outlives this program: remove it with shmrm (Listing 2-5)
   or "ipcrm -m ID" when you are done.
*/
#include <sys/ipc.h>
#include <sys/shm.h>

#include "ipcbook.h"

#define SHM_PROJ_ID 'M'         /* shmopen.c must use the same project id */

/* Convert TEXT to a segment size in bytes. Return the size, or 0 if TEXT
   is not a positive whole number (decimal, 0x hex or 0 octal). */
static size_t
parse_size(const char *text)
{
    char *end;
    unsigned long value;

    if (text[0] == '-')         /* strtoul() would quietly accept "-1" */
        return 0;
    errno = 0;
    value = strtoul(text, &end, 0);
    if (end == text || *end != '\0' || errno != 0)
        return 0;
    return value;
}

int
main(int argc, char *argv[])
{
    key_t key;
    size_t size;
    int shmid;

    if (argc != 3 || (size = parse_size(argv[2])) == 0)
        usage_err("PATH SIZE        (SIZE: a positive number of bytes)\n");

    key = ftok(argv[1], SHM_PROJ_ID);
    if (key == -1)
        err_exit("ftok(%s)", argv[1]);

    /* IPC_CREAT | IPC_EXCL: make a new segment or fail; never reuse one
       that another program (or an earlier run) left behind.
       0600: read and write for our user only, nothing for anyone else. */
    shmid = shmget(key, size, IPC_CREAT | IPC_EXCL | 0600);
    if (shmid == -1) {
        err_msg("shmget");              /* keeps errno for the test below */
        if (errno == EEXIST)
            fprintf(stderr, "%s: remove the old segment first"
                    " (shmrm ID), or open it (shmopen)\n",
                    program_invocation_short_name);
        exit(EXIT_FAILURE);
    }

    printf("key 0x%08x shmid %d\n", (unsigned int) key, shmid);
    return 0;
}
