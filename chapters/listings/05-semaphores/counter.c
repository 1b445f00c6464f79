/* Listing 5-1 (chapter 5, semaphores) */

/* counter.c

   Start NPROCS processes that each add 1, COUNT times, to one counter in
   a shared memory segment. Without -l they do it with no coordination at
   all, and additions get lost. With -l every addition is made while
   holding a lock: a System V semaphore whose value is 1 when the counter
   is free and 0 when a process is using it.

   Usage: counter [-l] NPROCS COUNT

       $ ./counter 2 100000
       expected 200000, got 103470: 96530 additions were lost
       $ ./counter -l 2 100000
       expected 200000, got 200000

   Both the segment and the semaphore set are IPC_PRIVATE: the children
   inherit the ids, and the parent removes both objects at the end. The
   children wait at a "starting gate" (a pipe the parent closes once all
   of them exist), so that they really run at the same time. A child
   whose call fails exits with status 1, and then the total means
   nothing: the parent says so and exits with status 1 too.
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <sched.h>
#include <stdbool.h>
#include "ipcbook.h"

/* semctl()'s optional fourth argument: every program that passes one must
   define this union itself (semctl(2) says so; glibc does not). */
union semun {
    int val;                    /* SETVAL */
    struct semid_ds *buf;       /* IPC_STAT, IPC_SET */
    unsigned short *array;      /* GETALL, SETALL */
};

/* Add OP to semaphore 0 of SEMID, with SEM_UNDO; exit on failure. */
static void
sem_add(int semid, short op)
{
    struct sembuf sop = { .sem_num = 0, .sem_op = op, .sem_flg = SEM_UNDO };

    /* EINTR: the wait was cut short and nothing was done, for instance
       because the process was stopped and continued (Ctrl-Z, fg) while
       it waited. Not an error: wait again. */
    while (semop(semid, &sop, 1) == -1)
        if (errno != EINTR)
            err_exit_child("semop(%+d)", op);
}

// ANCHOR: worker
/* What each child does: COUNT times, read the counter, add 1, write it
   back; between sem_add(-1) and sem_add(+1) when LOCKED. sched_yield()
   lets another process run between the read and the write: real code
   does not call it, but the scheduler may switch processes right there
   at any time, and the call makes that happen often enough to see. */
static void
add_many(volatile long *counter, long count, bool locked, int semid)
{
    for (long i = 0; i < count; i++) {
        if (locked)
            sem_add(semid, -1);         /* wait until the lock is free, take it */
        long value = *counter;          /* read ...                        */
        sched_yield();
        *counter = value + 1;           /* ... and write back: not atomic  */
        if (locked)
            sem_add(semid, +1);         /* give the lock back              */
    }
}
// ANCHOR_END: worker

/* Return TEXT as a positive number, or exit with the usage message. */
static long
positive(const char *text)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || n < 1)
        usage_err("[-l] NPROCS COUNT      (positive numbers)\n");
    return n;
}

int
main(int argc, char *argv[])
{
    bool locked = argc > 1 && strcmp(argv[1], "-l") == 0;
    union semun arg;
    volatile long *counter;
    long nprocs, count;
    int shmid, semid, gate[2], status;
    long failed = 0;
    char c;

    if (argc != 3 + locked)
        usage_err("[-l] NPROCS COUNT\n");
    nprocs = positive(argv[1 + locked]);
    count = positive(argv[2 + locked]);

    shmid = shmget(IPC_PRIVATE, sizeof(long), IPC_CREAT | 0600);
    if (shmid == -1)
        err_exit("shmget");
    counter = shmat(shmid, NULL, 0);
    if (counter == (void *) -1)
        err_exit("shmat");
    *counter = 0;

    // ANCHOR: create
    /* One semaphore, starting at 1: the lock is free. */
    semid = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
    if (semid == -1)
        err_exit("semget");
    arg.val = 1;
    if (semctl(semid, 0, SETVAL, arg) == -1)
        err_exit("semctl(SETVAL)");
    // ANCHOR_END: create

    if (pipe(gate) == -1)
        err_exit("pipe");
    for (long p = 0; p < nprocs; p++) {
        switch (fork()) {
        case -1:
            err_exit("fork");
        case 0:
            close(gate[1]);
            /* read() returns 0 (end of file) once the parent closes it. */
            if (read(gate[0], &c, 1) == -1)
                err_exit_child("read");
            add_many(counter, count, locked, semid);
            _exit(EXIT_SUCCESS);
        }
    }
    close(gate[1]);                             /* open the gate: everyone starts */
    close(gate[0]);
    /* Every worker must have done all its additions: one that died (a
       failed call, a signal) would look like lost additions. */
    while (wait(&status) > 0)
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed++;

    if (failed > 0)
        printf("%ld of %ld workers failed: the total (%ld) means nothing\n",
               failed, nprocs, *counter);
    else if (*counter == nprocs * count)
        printf("expected %ld, got %ld\n", nprocs * count, *counter);
    else
        printf("expected %ld, got %ld: %ld additions were lost\n", nprocs * count,
               *counter, nprocs * count - *counter);

    /* Remove both objects: IPC_RMID takes no fourth argument. */
    if (semctl(semid, 0, IPC_RMID) == -1)
        err_exit("semctl(IPC_RMID)");
    if (shmdt((const void *) counter) == -1)
        err_exit("shmdt");
    if (shmctl(shmid, IPC_RMID, NULL) == -1)
        err_exit("shmctl(IPC_RMID)");
    return failed > 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
