/* Listing A-7 (appendix A, posix-ipc) */

/* psem.c

   A POSIX named semaphore as a lock shared by processes: create it with
   a VALUE, take it, give it back, show its value, remove it. The same job
   as svsem.c (Listing A-6), the POSIX way: the semaphore has a NAME, such
   as /lock, and lives in /dev/shm as the file sem.lock.

   "take" never waits (sem_trywait()): when the value is 0 it fails with
   EAGAIN. "crash" takes the semaphore and then kills itself (SIGKILL),
   the way a program that crashes holding a lock does. POSIX has no
   SEM_UNDO: nobody gives the semaphore back.

   Usage: psem NAME create VALUE
          psem NAME take | give | value | crash | remove

       $ ./psem /lock create 1
       $ ./psem /lock take
       $ ./psem /lock value
       0
*/
#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>

#include "ipcbook.h"

#define USAGE "NAME create VALUE | NAME take|give|value|crash|remove\n"

// ANCHOR: create
/* Create the semaphore NAME with the value VALUE: one call, so nobody can
   ever see it without its value. O_EXCL: fail if it exists. */
static void
lock_create(const char *name, unsigned int value)
{
    sem_t *sem = sem_open(name, O_CREAT | O_EXCL, 0600, value);
    if (sem == SEM_FAILED)
        err_exit("sem_open(%s)", name);
    if (sem_close(sem) == -1)
        err_exit("sem_close");
}
// ANCHOR_END: create

/* The existing semaphore NAME. */
static sem_t *
lock_open(const char *name)
{
    sem_t *sem = sem_open(name, 0);
    if (sem == SEM_FAILED)
        err_exit("sem_open(%s)", name);
    return sem;
}

int
main(int argc, char *argv[])
{
    const char *cmd = argc >= 3 ? argv[2] : "";
    bool create = strcmp(cmd, "create") == 0;
    const char *name = argc >= 2 ? argv[1] : "";
    char *end;
    long value = 0;
    sem_t *sem = NULL;

    if (argc != (create ? 4 : 3))
        usage_err(USAGE);
    if (create) {
        errno = 0;
        value = strtol(argv[3], &end, 10);
        if (end == argv[3] || *end != '\0' || errno != 0 ||
            value < 0 || value > 32767)
            usage_err(USAGE);
        lock_create(name, (unsigned int) value);
    } else if (strcmp(cmd, "take") == 0) {
        // ANCHOR: take
        sem = lock_open(name);
        if (sem_trywait(sem) == -1)
            err_exit("sem_trywait");
        // ANCHOR_END: take
    } else if (strcmp(cmd, "give") == 0) {
        sem = lock_open(name);
        if (sem_post(sem) == -1)
            err_exit("sem_post");
    } else if (strcmp(cmd, "value") == 0) {
        int v;
        sem = lock_open(name);
        if (sem_getvalue(sem, &v) == -1)
            err_exit("sem_getvalue");
        printf("%d\n", v);
    } else if (strcmp(cmd, "crash") == 0) {
        // ANCHOR: crash
        sem = lock_open(name);
        if (sem_trywait(sem) == -1)
            err_exit("sem_trywait");
        kill(getpid(), SIGKILL);
        // ANCHOR_END: crash
    } else if (strcmp(cmd, "remove") == 0) {
        if (sem_unlink(name) == -1)
            err_exit("sem_unlink(%s)", name);
    } else {
        usage_err(USAGE);
    }
    if (sem != NULL && sem_close(sem) == -1)
        err_exit("sem_close");
    return 0;
}
