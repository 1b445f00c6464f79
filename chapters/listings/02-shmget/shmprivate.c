/* Listing 2-6 (chapter 2, shmget) */

/* shmprivate.c

   Create two shared memory segments with the key IPC_PRIVATE and print
   their ids: the same "key" gives two different segments, because
   IPC_PRIVATE always means "a new segment that no key can find".

   Usage: shmprivate

       $ ./shmprivate
       first  shmid 0
       second shmid 1
       $ ipcs -m               # both have key 0x00000000
       $ ./shmrm 0 1

   The segments are left in the kernel so that you can look at them; the
   only way to reach them again is through their ids.
*/
#include <sys/ipc.h>
#include <sys/shm.h>

#include "ipcbook.h"

int
main(void)
{
    int first, second;

    first = shmget(IPC_PRIVATE, 100, 0600);
    if (first == -1)
        err_exit("shmget (first)");

    second = shmget(IPC_PRIVATE, 100, 0600);
    if (second == -1)
        err_exit("shmget (second)");

    /* To share a private segment, hand its id to the other process:
       a child made by fork() inherits these variables; an unrelated
       process could read the id from a file or its command line. */
    printf("first  shmid %d\n", first);
    printf("second shmid %d\n", second);
    return 0;
}
