/* Project 2 (dispatcher): skeleton */

/* worker.c

   A worker of the job service (protocol: ../include/dispatcher.h; what it
   must do and print: chapters/08a-project-dispatcher.md, "The worker").

   Usage: worker [-t TYPE] [-d DELAY_MS] KEY

   What to build: open the dispatcher's queue, make a private queue of
   your own, print "ready" once you have asked for your first job, then
   ask for one job of TYPE at a time, do it (its text in capital letters)
   after sleeping DELAY_MS, and send the result. On SIGTERM or SIGINT, or
   when the dispatcher's queue is gone, remove your queue and exit (0, or
   1 for the dispatcher gone). Build with "make"; grade from the top of the
   repository with "bin/ipcgrade grade dispatcher".
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include "ipcbook.h"
#include "dispatcher.h"

int
main(int argc, char *argv[])
{
    (void) argv;
    if (argc < 2)       /* the command line is the protocol, so it is given */
        usage_err("[-t TYPE] [-d DELAY_MS] KEY\n");
    /* TODO(dispatcher): all the rest. */
    return EXIT_SUCCESS;
}
