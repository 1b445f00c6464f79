/* Project 2 (dispatcher): skeleton */

/* dispatcher.c

   The dispatcher of a job service on System V message queues. The
   protocol (the messages, their types and fields) is in
   ../include/dispatcher.h; what the dispatcher must do, print and survive
   is in chapters/08a-project-dispatcher.md, "The dispatcher".

   Usage: dispatcher [-l LEASE_MS] KEY

   What to build: make the queue of KEY (and deal with one a crashed
   dispatcher left), print "ready msqid N", then serve: accept jobs from
   clients, hand each waiting worker the most urgent job of its type, pass
   results back, send again a job whose lease ended, drop what nobody can
   receive. On SIGTERM or SIGINT remove the queue and exit 0. The design
   (how you keep jobs and workers, how the loop wakes up for leases) is
   yours. Build with "make"; grade from the top of the repository with
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
        usage_err("[-l LEASE_MS] KEY\n");
    /* TODO(dispatcher): all the rest. */
    return EXIT_SUCCESS;
}
