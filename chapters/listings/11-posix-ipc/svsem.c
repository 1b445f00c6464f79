/* Listing A-6 (appendix A, posix-ipc) */

/* svsem.c

   A System V semaphore as a lock shared by processes: create it with a
   VALUE, take it, give it back, show its value, remove it. psem.c
   (Listing A-7) does the same job with a POSIX named semaphore.

   The set's key is ftok(PATH, 'L'); the set has one semaphore. "take"
   never waits: when the value is 0 it fails with EAGAIN. "crash" takes
   the semaphore with SEM_UNDO and then kills itself (SIGKILL), the way a
   program that crashes holding a lock does.

   Usage: svsem PATH create VALUE
          svsem PATH take | give | value | crash | remove

       $ touch lockfile
       $ ./svsem lockfile create 1
       $ ./svsem lockfile take
       $ ./svsem lockfile value
       0
*/
#include <sys/ipc.h>
#include <sys/sem.h>
#include <signal.h>
#include <stdbool.h>

#include "ipcbook.h"

#define USAGE "PATH create VALUE | PATH take|give|value|crash|remove\n"

/* semctl()'s fourth argument: every program must define it (semctl(2)). */
union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

// ANCHOR: create
/* Create the set of KEY, one semaphore, and set it to VALUE: two calls.
   Between them another process could find the set not yet set (chapter 5,
   "Creating and initialising a set"). */
static void
lock_create(key_t key, int value)
{
    union semun arg = { .val = value };     /* not a bare int: see semctl(2) */
    int semid = semget(key, 1, IPC_CREAT | IPC_EXCL | 0600);

    if (semid == -1)
        err_exit("semget");
    if (semctl(semid, 0, SETVAL, arg) == -1) {
        err_msg("semctl(SETVAL)");
        /* A set without its value is worse than none: remove it. */
        if (semctl(semid, 0, IPC_RMID) == -1)
            err_msg("semctl(IPC_RMID)");
        exit(EXIT_FAILURE);
    }
}
// ANCHOR_END: create

/* The id of the existing set of KEY. */
static int
lock_open(key_t key)
{
    int semid = semget(key, 0, 0);
    if (semid == -1)
        err_exit("semget");
    return semid;
}

// ANCHOR: op
/* Add DELTA to the semaphore with FLAGS, all or nothing. */
static void
lock_op(int semid, short delta, short flags)
{
    struct sembuf op = { .sem_num = 0, .sem_op = delta, .sem_flg = flags };

    if (semop(semid, &op, 1) == -1)
        err_exit("semop");
}
// ANCHOR_END: op

int
main(int argc, char *argv[])
{
    const char *cmd = argc >= 3 ? argv[2] : "";
    bool create = strcmp(cmd, "create") == 0;
    char *end;
    long value = 0;

    if (argc != (create ? 4 : 3))
        usage_err(USAGE);
    if (create) {
        errno = 0;
        value = strtol(argv[3], &end, 10);
        /* Above SEMVMX (32767), SETVAL fails with ERANGE: left to the
           kernel, so that the transcript shows the clean-up. */
        if (end == argv[3] || *end != '\0' || errno != 0 ||
            value < 0 || value > 65535)
            usage_err(USAGE);
    }

    key_t key = ftok(argv[1], 'L');
    if (key == -1)
        err_exit("ftok(%s)", argv[1]);

    if (create) {
        lock_create(key, (int) value);
    } else if (strcmp(cmd, "take") == 0) {
        lock_op(lock_open(key), -1, IPC_NOWAIT);
    } else if (strcmp(cmd, "give") == 0) {
        lock_op(lock_open(key), +1, 0);
    } else if (strcmp(cmd, "value") == 0) {
        int v = semctl(lock_open(key), 0, GETVAL);
        if (v == -1)
            err_exit("semctl(GETVAL)");
        printf("%d\n", v);
    } else if (strcmp(cmd, "crash") == 0) {
        // ANCHOR: crash
        /* SEM_UNDO: when this process ends, however it ends, the kernel
           gives back what it took. */
        lock_op(lock_open(key), -1, IPC_NOWAIT | SEM_UNDO);
        kill(getpid(), SIGKILL);
        // ANCHOR_END: crash
    } else if (strcmp(cmd, "remove") == 0) {
        if (semctl(lock_open(key), 0, IPC_RMID) == -1)
            err_exit("semctl(IPC_RMID)");
    } else {
        usage_err(USAGE);
    }
    return 0;
}
