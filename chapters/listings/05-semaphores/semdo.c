/* Listing 5-3 (chapter 5, semaphores) */

/* semdo.c

   Do one semop() call on the set SEMID: one operation per NUM OP pair,
   all of them done together, atomically. OP is a signed number: -1 takes
   1 from semaphore NUM (waiting while its value is too low), +1 adds 1,
   0 waits until the value is 0.

   Usage: semdo [-n] [-u] [-h] SEMID NUM OP [NUM OP...]

       -n   IPC_NOWAIT: fail with EAGAIN instead of waiting
       -u   SEM_UNDO: the kernel undoes the operations when we exit
       -h   hold: once done, print "holding" and wait to be killed

       $ ./semdo 0 0 -1
       done
       $ ./semdo -n 0 0 -1
       semdo: semop: Resource temporarily unavailable
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <stdbool.h>
#include "ipcbook.h"

#define MAX_OPS 16

__attribute__((noreturn)) static void
usage(void)
{
    usage_err("[-n] [-u] [-h] SEMID NUM OP [NUM OP...]\n");
}

/* Return TEXT as a whole number from MIN to MAX, or exit with the usage. */
static long
number(const char *text, long min, long max)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || n < min || n > max)
        usage();
    return n;
}

int
main(int argc, char *argv[])
{
    struct sembuf sops[MAX_OPS];
    short flags = 0;
    bool hold = false;
    int opt, semid, nsops;

    while ((opt = getopt(argc, argv, "+nuh")) != -1) {
        switch (opt) {
        case 'n': flags |= IPC_NOWAIT; break;
        case 'u': flags |= SEM_UNDO;   break;
        case 'h': hold = true;         break;
        default:  usage();
        }
    }
    nsops = (argc - optind - 1) / 2;
    if (nsops < 1 || nsops > MAX_OPS || (argc - optind - 1) % 2 != 0)
        usage();
    semid = (int) number(argv[optind], 0, 0x7fffffff);

    // ANCHOR: semop
    for (int i = 0; i < nsops; i++) {
        const char *num = argv[optind + 1 + 2 * i], *op = argv[optind + 2 + 2 * i];

        sops[i].sem_num = (unsigned short) number(num, 0, 65535);
        sops[i].sem_op = (short) number(op, -32767, 32767);
        sops[i].sem_flg = flags;
    }

    /* All or nothing: semop() does every operation, or (if one of them
       cannot be done yet) none, and sleeps until all of them can. */
    if (semop(semid, sops, (size_t) nsops) == -1)
        err_exit("semop");
    // ANCHOR_END: semop
    printf("done\n");

    if (hold) {
        printf("holding\n");
        fflush(stdout);
        for (;;)
            pause();
    }
    return 0;
}
