/* Project 2 (dispatcher): skeleton */

/* submit.c

   A client of the job service (protocol: ../include/dispatcher.h; what it
   must do and print: chapters/08a-project-dispatcher.md, "The client").

   Usage: submit [-p PRIO] [-t TYPE] KEY TEXT

   What to build: open the dispatcher's queue, make a private queue of
   your own, submit one job, print "job N" when it is accepted and
   "result N TEXT" when its result comes, then remove your queue and exit
   0. Stopped by SIGTERM or SIGINT before that: remove your queue and exit
   1. Build with "make"; grade from the top of the repository with
   "bin/ipcgrade grade dispatcher".
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
        usage_err("[-p PRIO] [-t TYPE] KEY TEXT\n");
    /* TODO(dispatcher): all the rest. */
    return EXIT_SUCCESS;
}
