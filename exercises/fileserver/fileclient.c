/* Project 3 (fileserver): skeleton */

/* fileclient.c

   Build the client of the file service. The protocol is in
   ../include/fileservice.h; the behaviour, the rules and what the grader
   checks are in chapters/09a-project-fileserver.md.

   Usage: fileclient PATH NAME...

   Connect to the server's socket PATH and ask for each NAME in turn
   ("GET NAME"). Copy each file the server passes back as a descriptor to
   standard output; report each refusal on stderr as "fileclient: NAME:
   REASON" and go on. Exit 0 if every file came, 1 otherwise. A wrong
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
        usage_err("PATH NAME...\n");
    /* TODO(fileserver): all the rest. */
    return EXIT_SUCCESS;
}
