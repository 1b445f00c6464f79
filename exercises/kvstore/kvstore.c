/* Project 1 (kvstore): a key-value store in shared memory.

   kvstore.c

   Build one program, kvstore, that keeps a table of NAME=VALUE entries in
   one System V shared memory segment, guarded by a readers-writer lock
   that you build from one System V semaphore set:

       kvstore [--hold MS] init | remove | put NAME VALUE | get NAME
                           | del NAME | list | stats

   Many readers (get, list, stats) may be inside at once; a writer (put,
   del) is alone; a writer that waits is not overtaken by readers that
   come after it; a process killed anywhere leaves the lock free and every
   entry old or new, whole. The protocol (the key, the limits, the output
   lines, what --hold does) is in chapters/05a-project-kvstore.md and
   exercises/include/kvstore.h. The table's layout, the number of
   semaphores and what each one means are yours to design.
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include "ipcbook.h"
#include "kvstore.h"

int
main(int argc, char *argv[])
{
    (void) argv;
    if (argc < 2)       /* the command line is the protocol, so it is given */
        usage_err("[--hold MS] init | remove | put NAME VALUE | get NAME | del NAME | list | stats\n");
    /* TODO(kvstore): all the rest. */
    return EXIT_SUCCESS;
}
