/* Listing 5-6 (chapter 5, semaphores) */

/* semundo.c

   Three details of SEM_UNDO, each on semaphore 0 of the set SEMID:

   semundo exec SEMID PROGRAM [ARG...]
       takes 1 with SEM_UNDO, then execs PROGRAM in the same process: the
       undo survives execve() and happens when PROGRAM exits.
   semundo thread SEMID
       a second thread takes 1 with SEM_UNDO and ends; the process goes
       on holding it: threads share one set of semadj values, undone
       when the whole process exits.
   semundo range SEMID
       pushes semadj to its limit, SEMAEM (32767), and one step past it
       (ERANGE); then adds past SEMVMX (ERANGE too). It ends with the
       value at 0 and semadj +32767, which the kernel adds at exit.

       $ ./semundo thread 0
       thread: took 1 with SEM_UNDO, and ends
       main: the thread has ended; value 0
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <limits.h>
#include <pthread.h>
#include "ipcbook.h"

#define USAGE "exec SEMID PROGRAM [ARG...] | thread SEMID | range SEMID\n"

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

static int semid;

/* Add OP to semaphore 0 with FLAGS; return semop()'s result, errno set.
   EINTR (stopped and continued while waiting) is retried. */
static int
sem_add(short op, short flags)
{
    struct sembuf sop = { .sem_num = 0, .sem_op = op, .sem_flg = flags };
    int r;

    while ((r = semop(semid, &sop, 1)) == -1 && errno == EINTR)
        ;
    return r;
}

static int
value(void)
{
    int v = semctl(semid, 0, GETVAL);

    if (v == -1)
        err_exit("semctl(GETVAL)");
    return v;
}

static void *
taker(void *unused)
{
    (void) unused;
    if (sem_add(-1, SEM_UNDO) == -1)
        err_exit("semop(-1)");
    printf("thread: took 1 with SEM_UNDO, and ends\n");
    return NULL;
}

/* Say what semop() of OP with FLAGS does. */
static void
try(short op, short flags, const char *what)
{
    printf("%-42s ", what);
    if (sem_add(op, flags) == 0)
        printf("done, value %d\n", value());
    else if (errno == ERANGE)
        printf("ERANGE\n");
    else
        err_exit("semop(%+d)", op);
}

int
main(int argc, char *argv[])
{
    const char *cmd = argc >= 3 ? argv[1] : "";
    char *end;
    long id;

    if (argc < 3)
        usage_err(USAGE);
    errno = 0;
    id = strtol(argv[2], &end, 10);
    if (end == argv[2] || *end != '\0' || errno != 0 || id < 0 || id > INT_MAX)
        usage_err(USAGE);
    semid = (int) id;

    if (strcmp(cmd, "exec") == 0 && argc >= 4) {
        // ANCHOR: exec
        if (sem_add(-1, SEM_UNDO) == -1)
            err_exit("semop(-1)");
        printf("took 1 with SEM_UNDO; now exec %s\n", argv[3]);
        fflush(stdout);
        /* Same process, new program: the kernel keeps the semadj value,
           and applies it when this process, running PROGRAM, exits. */
        execvp(argv[3], argv + 3);
        err_exit("execvp(%s)", argv[3]);
        // ANCHOR_END: exec
    } else if (strcmp(cmd, "thread") == 0 && argc == 3) {
        // ANCHOR: thread
        pthread_t t;
        int err = pthread_create(&t, NULL, taker, NULL);

        if (err != 0) {
            errno = err;
            err_exit("pthread_create");
        }
        err = pthread_join(t, NULL);
        if (err != 0) {
            errno = err;
            err_exit("pthread_join");
        }
        /* The thread is gone, and nothing was undone: the undo belongs
           to the process, and happens when the process exits. */
        printf("main: the thread has ended; value %d\n", value());
        // ANCHOR_END: thread
    } else if (strcmp(cmd, "range") == 0 && argc == 3) {
        // ANCHOR: range
        union semun arg = { .val = 32767 };

        /* SETVAL sets the value and clears every semadj of semaphore 0. */
        if (semctl(semid, 0, SETVAL, arg) == -1)
            err_exit("semctl(SETVAL)");
        printf("SETVAL 32767 (SEMVMX)\n");
        try(-32767, SEM_UNDO, "take 32767, SEM_UNDO: semadj +32767");
        try(+1, 0, "give 1, no undo");
        try(-1, SEM_UNDO, "take 1, SEM_UNDO: semadj would be +32768");
        try(+32767, 0, "give 32767: value would be 32768");
        try(-1, 0, "take 1, no undo");
        // ANCHOR_END: range
    } else {
        usage_err(USAGE);
    }
    return 0;
}
