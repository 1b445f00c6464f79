/* Listing 3-4 (chapter 3, shmat) */

/* shmfork.c

   Show what fork(), exec() and exit() do to attachments: a child made by
   fork() inherits the parent's attachment (same address, same memory);
   exec() and exit() detach everything. Each line also names the process
   in shm_lpid, the last one that attached or detached.

   Usage: shmfork

       $ ./shmfork
       parent attached:               nattch 1, lpid the parent
       after fork():                  nattch 2, lpid the parent
       ...
*/
#define _GNU_SOURCE             /* pipe2() */
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <fcntl.h>

#include "ipcbook.h"

static pid_t child;              /* the child of the moment */

/* Print LABEL, the segment's number of attachments, and who its shm_lpid
   is: pids change from run to run, "the parent" and "the child" do not. */
static void
show(const char *label, int shmid)
{
    struct shmid_ds ds;

    if (shmctl(shmid, IPC_STAT, &ds) == -1)
        err_exit("shmctl(IPC_STAT)");
    printf("%-30s nattch %lu, lpid %s\n", label, (unsigned long) ds.shm_nattch,
           ds.shm_lpid == getpid() ? "the parent" :
           ds.shm_lpid == child ? "the child" : "another process");
}

/* Wait for CHILD to end; exit if it did not end well. */
static void
wait_for(pid_t child)
{
    int status;

    if (waitpid(child, &status, 0) == -1)
        err_exit("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fatal("the child failed");
}

int
main(void)
{
    int shmid, ready[2], hold[2];
    char *text, byte;

    shmid = shmget(IPC_PRIVATE, 100, IPC_CREAT | 0600);
    if (shmid == -1)
        err_exit("shmget");
    text = shmat(shmid, NULL, 0);
    if (text == (void *) -1)
        err_exit("shmat");
    show("parent attached:", shmid);

    /* Two pipes: READY tells the parent that the child has written; the
       child keeps its attachment until the parent closes HOLD. */
    if (pipe(ready) == -1 || pipe(hold) == -1)
        err_exit("pipe");
    child = fork();
    if (child == -1)
        err_exit("fork");
    if (child == 0) {
        /* The child has the segment attached at the same address: text is
           valid here without any shmat(). */
        close(hold[1]);
        snprintf(text, 100, "written by the child");
        if (write(ready[1], "x", 1) != 1)
            err_exit_child("write");
        if (read(hold[0], &byte, 1) == -1)  /* until the parent closes hold */
            err_exit_child("read");
        _exit(EXIT_SUCCESS);                /* exit detaches */
    }
    close(hold[0]);
    if (read(ready[0], &byte, 1) != 1)
        err_exit("read");
    show("after fork():", shmid);
    printf("the parent reads: \"%s\"\n", text);
    close(hold[1]);
    close(ready[0]);
    close(ready[1]);
    wait_for(child);
    show("after the child exited:", shmid);

    /* exec(): a second child waits for a byte on HOLD, then execs cat
       with HOLD as its stdin. READY is close-on-exec: the parent reads end
       of file from it once the exec has happened. */
    if (pipe2(ready, O_CLOEXEC) == -1 || pipe(hold) == -1)
        err_exit("pipe");
    child = fork();
    if (child == -1)
        err_exit("fork");
    if (child == 0) {
        close(hold[1]);
        close(ready[0]);
        if (read(hold[0], &byte, 1) != 1 || dup2(hold[0], STDIN_FILENO) == -1)
            err_exit_child("read or dup2");
        execlp("cat", "cat", (char *) NULL);
        err_exit_child("execlp");
    }
    close(hold[0]);
    close(ready[1]);
    show("after the second fork():", shmid);
    if (write(hold[1], "x", 1) != 1)        /* go */
        err_exit("write");
    if (read(ready[0], &byte, 1) != 0)      /* end of file: cat is running */
        fatal("the exec failed");
    show("after the child's exec():", shmid);
    close(hold[1]);                         /* cat reads end of file, exits */
    close(ready[0]);
    wait_for(child);

    if (shmdt(text) == -1)
        err_exit("shmdt");
    show("after the parent's shmdt():", shmid);
    if (shmctl(shmid, IPC_RMID, NULL) == -1)
        err_exit("shmctl(IPC_RMID)");
    return 0;
}
