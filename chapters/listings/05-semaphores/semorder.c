/* Listing 5-5 (chapter 5, semaphores) */

/* semorder.c

   Who gets a semaphore first when several processes wait for it? Three
   children wait on one semaphore, at 0, one after the other: A to take
   2, then B and C to take 1 each. The parent then adds 1 at a time and
   reports, after each addition, who took what. Halfway, a newcomer D
   takes 1 with IPC_NOWAIT while A is still waiting.

   Usage: semorder

       $ ./semorder
       A waits to take 2
       B waits to take 1
       ...

   The set is IPC_PRIVATE and removed at the end. Every step waits for
   the kernel's state (GETNCNT, a child's report), never for a time, so
   the output is the same on every run.
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>
#include "ipcbook.h"

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

static int semid;
static int report[2];           /* a pipe: each child writes its letter */
static char waiting[8];         /* the letters of the children that wait */
static short wants[26];         /* how much each of them takes */

/* Add OP to semaphore 0 with FLAGS. Return 0, or -1 with errno EAGAIN
   when IPC_NOWAIT was given and it would have to wait; exit on any other
   failure. EINTR (stopped and continued) is retried. */
static int
sem_add(short op, short flags, void (*fail)(const char *, ...))
{
    struct sembuf sop = { .sem_num = 0, .sem_op = op, .sem_flg = flags };

    while (semop(semid, &sop, 1) == -1) {
        if (errno == EAGAIN && (flags & IPC_NOWAIT))
            return -1;
        if (errno != EINTR)
            fail("semop(%+d)", op);
    }
    return 0;
}

static int
sem_get(int cmd, const char *name)
{
    int n = semctl(semid, 0, cmd);

    if (n == -1)
        err_exit("semctl(%s)", name);
    return n;
}

/* Wait until NCNT processes wait for semaphore 0 to grow. */
static void
wait_for_ncnt(int ncnt)
{
    struct timespec tick = { 0, 10 * 1000 * 1000 };

    for (int i = 0; sem_get(GETNCNT, "GETNCNT") != ncnt; i++) {
        if (i == 500)
            fatal("GETNCNT is not %d after 5 s", ncnt);
        nanosleep(&tick, NULL);
    }
}

/* Start child NAME, which takes N (waiting as long as it must), then
   writes NAME to the pipe; return once it waits in semop(). */
static void
start_waiter(char name, short n)
{
    int before = sem_get(GETNCNT, "GETNCNT");

    switch (fork()) {
    case -1:
        err_exit("fork");
    case 0:
        sem_add((short) -n, 0, err_exit_child);
        if (write(report[1], &name, 1) != 1)
            err_exit_child("write");
        _exit(EXIT_SUCCESS);
    }
    wait_for_ncnt(before + 1);
    waiting[strlen(waiting)] = name;
    wants[name - 'A'] = n;
    printf("%c waits to take %d\n", name, n);
}

/* Print the value and the letters of the children still waiting. */
static void
print_state(void)
{
    printf("; value %d, waiting:", sem_get(GETVAL, "GETVAL"));
    for (const char *p = waiting; *p != '\0'; p++)
        printf(" %c", *p);
    printf("%s\n", waiting[0] == '\0' ? " nobody" : "");
}

// ANCHOR: give
/* Add N to the semaphore, and say who took it. The kernel does the
   operations of the waiters it wakes inside this very semop() call, so
   GETNCNT, right after it, already tells how many were served. */
static void
give(short n)
{
    int before = sem_get(GETNCNT, "GETNCNT");
    int served;

    sem_add(n, 0, err_exit);
    served = before - sem_get(GETNCNT, "GETNCNT");
    printf("give %d:", n);
    if (served == 0)
        printf(" nobody can take it");
    for (int i = 0; i < served; i++) {
        char name;
        char *p;

        if (read(report[0], &name, 1) != 1)     /* the child's letter */
            err_exit("read");
        printf(" %c took %d", name, wants[name - 'A']);
        p = strchr(waiting, name);
        if (p != NULL)
            memmove(p, p + 1, strlen(p));
    }
    print_state();
}
// ANCHOR_END: give

int
main(void)
{
    union semun arg;
    char name;

    semid = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
    if (semid == -1)
        err_exit("semget");
    arg.val = 0;
    if (semctl(semid, 0, SETVAL, arg) == -1)
        err_exit("semctl(SETVAL)");
    if (pipe(report) == -1)
        err_exit("pipe");

    // ANCHOR: script
    start_waiter('A', 2);
    start_waiter('B', 1);
    start_waiter('C', 1);
    give(1);                    /* A waited longest, but needs 2 */
    give(1);
    give(1);                    /* A still needs 2 */

    /* D arrives now and takes 1: it does not queue behind A. */
    switch (fork()) {
    case -1:
        err_exit("fork");
    case 0:
        name = sem_add(-1, IPC_NOWAIT, err_exit_child) == 0 ? 'D' : 'd';
        if (write(report[1], &name, 1) != 1)
            err_exit_child("write");
        _exit(EXIT_SUCCESS);
    }
    if (read(report[0], &name, 1) != 1)
        err_exit("read");
    printf(name == 'D' ? "D takes 1 at once" : "D would have to wait");
    print_state();

    give(1);
    give(1);                    /* the value reaches 2: A, at last */
    // ANCHOR_END: script

    while (wait(NULL) > 0)
        ;
    if (semctl(semid, 0, IPC_RMID) == -1)
        err_exit("semctl(IPC_RMID)");
    return 0;
}
