/* Listing 0-3 (chapter 0, introduction) */

/* childerr.c

   Why a child made by fork() reports a failed call with err_exit_child()
   and not err_exit(). The parent prints a line, forks, and the child
   makes a call that always fails: shmget() of a new segment of 0 bytes
   (EINVAL). With -e, the child reports it with err_exit() instead.

   Usage: childerr [-e]

       $ ./childerr | cat
       childerr: shmget: Invalid argument
       parent: starting a child
       parent: the child exited with status 1

   When stdout is a pipe or a file, printf() keeps the parent's first
   line in a buffer in the process's memory, and fork() copies that
   buffer into the child. err_exit() calls exit(), which writes the
   child's copy out: the line appears twice. err_exit_child() calls
   _exit(), which writes out no buffer.
*/
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <stdbool.h>

#include "ipcbook.h"

int
main(int argc, char *argv[])
{
    bool use_err_exit = argc == 2 && strcmp(argv[1], "-e") == 0;
    int status;
    pid_t pid;

    if (argc > 2 || (argc == 2 && !use_err_exit))
        usage_err("[-e]\n");

    // ANCHOR: fork
    printf("parent: starting a child\n");   /* still in the buffer on a pipe */
    pid = fork();
    if (pid == -1)
        err_exit("fork");
    if (pid == 0) {
        /* A segment of 0 bytes: shmget() always fails with EINVAL. */
        if (shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600) == -1) {
            if (use_err_exit)
                err_exit("shmget");         /* wrong in a child: exit() */
            err_exit_child("shmget");       /* right: _exit() */
        }
        _exit(EXIT_SUCCESS);
    }
    // ANCHOR_END: fork
    if (waitpid(pid, &status, 0) == -1)
        err_exit("waitpid");
    printf("parent: the child exited with status %d\n",
           WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return 0;
}
