/* Listing 5-2 (chapter 5, semaphores) */

/* semset.c

   Create a new set of semaphores with key KEY, one semaphore per VALUE,
   and give each one its starting value. Print the set's id.

   Usage: semset KEY VALUE...

       $ ./semset 0x5e4a0001 1 4 0
       semid 0
       $ ./semset 0x5e4a0001 1
       semset: semget: File exists

   KEY is a number (0x5e4a0001). The set outlives this program: remove it
   with "ipcrm -s ID" when you are done.
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include "ipcbook.h"

// ANCHOR: semun
/* semctl()'s fourth argument: no header defines it, the caller must. */
union semun {
    int val;                    /* SETVAL: the new value */
    struct semid_ds *buf;       /* IPC_STAT, IPC_SET */
    unsigned short *array;      /* GETALL, SETALL: one value per semaphore */
};
// ANCHOR_END: semun

#define MAX_SEMS 32

/* Return TEXT as a number from 0 to MAX, or exit with the usage message. */
static long
number(const char *text, long max)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(text, &end, 0);
    if (end == text || *end != '\0' || errno != 0 || n < 0 || n > max)
        usage_err("KEY VALUE...   (1 to %d values, each 0 to 32767)\n", MAX_SEMS);
    return n;
}

int
main(int argc, char *argv[])
{
    unsigned short values[MAX_SEMS];
    union semun arg;
    int nsems = argc - 2, semid;
    key_t key;

    if (nsems < 1 || nsems > MAX_SEMS)
        usage_err("KEY VALUE...   (1 to %d values, each 0 to 32767)\n", MAX_SEMS);
    key = (key_t) number(argv[1], 0x7fffffff);
    for (int i = 0; i < nsems; i++)
        values[i] = (unsigned short) number(argv[i + 2], 32767);    /* SEMVMX */

    // ANCHOR: create
    /* IPC_EXCL: this call must be the one that creates the set, so that
       we know nobody else is using it while we set its values. */
    semid = semget(key, nsems, IPC_CREAT | IPC_EXCL | 0600);
    if (semid == -1)
        err_exit("semget");

    /* SETALL sets every semaphore of the set at once, from an array
       (semnum is ignored). SETVAL would set one: arg.val, semaphore n. */
    arg.array = values;
    if (semctl(semid, 0, SETALL, arg) == -1)
        err_exit("semctl(SETALL)");
    // ANCHOR_END: create

    printf("semid %d\n", semid);
    return 0;
}
