/* Listing 5-3 (chapter 5, semaphores) */

/* semstat.c

   Show a semaphore set as the kernel keeps it: its size, mode and the
   time of the last semop() (IPC_STAT), then for each semaphore its value
   (GETALL), how many processes wait for it to grow (GETNCNT) or to reach
   zero (GETZCNT), and the last process that operated on it (GETPID).

   Usage: semstat SEMID

       $ ./semstat 0
       semid 0: 3 semaphores, mode 600, last semop: never
       sem  value  ncnt  zcnt  last pid
         0      1     0     0  0
         1      4     0     0  0
         2      0     0     0  0
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <limits.h>
#include <time.h>
#include "ipcbook.h"

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

/* semctl(SEMID, NUM, CMD) for a command that returns a number; exit on -1. */
static int
sem_get(int semid, int num, int cmd, const char *name)
{
    int n = semctl(semid, num, cmd);

    if (n == -1)
        err_exit("semctl(%s)", name);
    return n;
}

int
main(int argc, char *argv[])
{
    struct semid_ds ds;
    union semun arg;
    unsigned short *values;
    char *end;
    long semid;

    if (argc != 2)
        usage_err("SEMID\n");
    /* A whole number, or nothing: strtol() turns "" or "abc" into 0, a
       real id, and a number too big for an int would be cut short. */
    errno = 0;
    semid = strtol(argv[1], &end, 10);
    if (end == argv[1] || *end != '\0' || errno != 0 || semid < 0 || semid > INT_MAX)
        usage_err("SEMID\n"
                  "SEMID must be a number from 0 to %d, not \"%s\"\n", INT_MAX, argv[1]);

    // ANCHOR: stat
    arg.buf = &ds;
    if (semctl((int) semid, 0, IPC_STAT, arg) == -1)
        err_exit("semctl(IPC_STAT)");
    printf("semid %ld: %lu semaphore%s, mode %03o, last semop: ", semid,
           (unsigned long) ds.sem_nsems, ds.sem_nsems == 1 ? "" : "s",
           ds.sem_perm.mode & 0777);
    /* Minutes, not seconds: "0 s ago" or "1 s ago" would depend on how
       fast the machine ran the commands before. */
    if (ds.sem_otime == 0)
        printf("never\n");
    else if (time(NULL) - ds.sem_otime < 60)
        printf("less than a minute ago\n");
    else
        printf("%ld min ago\n", (long) (time(NULL) - ds.sem_otime) / 60);

    /* GETALL fills an array with every value at once. */
    values = calloc(ds.sem_nsems, sizeof values[0]);
    if (values == NULL)
        err_exit("calloc");
    arg.array = values;
    if (semctl((int) semid, 0, GETALL, arg) == -1)
        err_exit("semctl(GETALL)");

    printf("sem  value  ncnt  zcnt  last pid\n");
    for (int i = 0; i < (int) ds.sem_nsems; i++)
        printf("%3d  %5u  %4d  %4d  %d\n", i, values[i],
               sem_get((int) semid, i, GETNCNT, "GETNCNT"),
               sem_get((int) semid, i, GETZCNT, "GETZCNT"),
               sem_get((int) semid, i, GETPID, "GETPID"));
    // ANCHOR_END: stat
    free(values);
    return 0;
}
