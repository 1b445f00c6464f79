/* Listing 2-2 (chapter 2, shmget) */

/* shmopen.c

   Open an existing System V shared memory segment whose key is
   ftok(PATH, 'M') (the one shmcreate made) and print its id. It never
   creates a segment: if none exists, it fails with ENOENT.

   Usage: shmopen PATH [SIZE]

   SIZE, if given, is the least size you need; shmget() fails with EINVAL
   if the segment is smaller.

       $ ./shmcreate shmfile 5000
       key 0x4d002255 shmid 0
       $ ./shmopen shmfile
       shmid 0
       $ ./shmopen shmfile 8192
       shmopen: shmget: Invalid argument
*/
#include <sys/ipc.h>
#include <sys/shm.h>

#include "ipcbook.h"

#define SHM_PROJ_ID 'M'         /* the same project id as shmcreate.c */

/* Convert TEXT to a size in bytes. Return 0 on success, -1 if TEXT is
   not a whole number (decimal, 0x hex or 0 octal) of zero or more. */
static int
parse_size(const char *text, size_t *size)
{
    char *end;
    unsigned long value;

    if (text[0] == '-')         /* strtoul() would quietly accept "-1" */
        return -1;
    errno = 0;
    value = strtoul(text, &end, 0);
    if (end == text || *end != '\0' || errno != 0)
        return -1;
    *size = value;
    return 0;
}

int
main(int argc, char *argv[])
{
    key_t key;
    size_t size = 0;            /* 0: "whatever size it has" */
    int shmid;

    if (argc < 2 || argc > 3 || (argc == 3 && parse_size(argv[2], &size) == -1))
        usage_err("PATH [SIZE]\n");

    key = ftok(argv[1], SHM_PROJ_ID);
    if (key == -1)
        err_exit("ftok(%s)", argv[1]);

    /* shmflg 0: no IPC_CREAT, so a missing segment is an error (ENOENT)
       rather than a new, empty segment that nobody else knows about. */
    shmid = shmget(key, size, 0);
    if (shmid == -1)
        err_exit("shmget");

    printf("shmid %d\n", shmid);
    return 0;
}
