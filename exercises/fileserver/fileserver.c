/* Project 3 (fileserver): skeleton */

/* fileserver.c

   Build the server of a file service on a Unix domain stream socket. The
   protocol is in ../include/fileservice.h; the behaviour, the rules and
   what the grader checks are in chapters/09a-project-fileserver.md.

   Usage: fileserver PATH DIR ACCESS

   Listen on the socket file PATH and print "ready PATH". Serve many
   clients at once with poll(). To each "GET NAME" answer with the file
   NAME of folder DIR opened read-only, passed as a descriptor
   (SCM_RIGHTS), if the client's uid as the kernel reports it
   (SO_PEERCRED) is on the access list ACCESS; otherwise with the ERR
   reply the protocol gives. Keep no descriptor you no longer need. On
   SIGTERM or SIGINT close everything, remove PATH and exit 0. A wrong
   command line: usage_err().

   The design is yours. Build with "make"; grade from the top of the
   repository with "bin/ipcgrade grade fileserver".
*/
#include "ipcbook.h"
#include "fileservice.h"

int
main(int argc, char *argv[])
{
    (void) argv;
    if (argc < 2)       /* the command line is the protocol, so it is given */
        usage_err("PATH DIR ACCESS\n");
    /* TODO(fileserver): all the rest. */
    return EXIT_SUCCESS;
}
