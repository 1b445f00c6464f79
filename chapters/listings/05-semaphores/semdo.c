/* Listing 5-4 (chapter 5, semaphores) */

/* semdo.c

   Do one semop() call on the set SEMID: one operation per NUM OP pair,
   all of them done together, atomically. OP is a signed number: -1 takes
   1 from semaphore NUM (waiting while its value is too low), +1 adds 1,
   0 waits until the value is 0.

   Usage: semdo [-n] [-u] [-h] [-r] [-t SECONDS] SEMID NUM OP [NUM OP...]

       -n   IPC_NOWAIT: fail with EAGAIN instead of waiting
       -u   SEM_UNDO: the kernel undoes the operations when we exit
       -h   hold: once done, print "holding" and wait to be killed
       -r   retry: when the wait is interrupted (EINTR), say so and wait
            again, instead of failing
       -t   wait at most SECONDS (a decimal number, 0.5 for instance),
            with semtimedop(): then fail with EAGAIN

       $ ./semdo 0 0 -1
       done
       $ ./semdo -n 0 0 -1
       semdo: semop: Resource temporarily unavailable
*/
#define _GNU_SOURCE             /* semtimedop() */
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <stdbool.h>
#include <time.h>
#include "ipcbook.h"

#define MAX_OPS 16

__attribute__((noreturn)) static void
usage(void)
{
    usage_err("[-n] [-u] [-h] [-r] [-t SECONDS] SEMID NUM OP [NUM OP...]\n");
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

/* Return TEXT, a number of seconds such as 2 or 0.25 (or -1, which the
   kernel refuses), as a struct timespec; exit with the usage if it is
   not a number. */
static struct timespec
seconds(const char *text)
{
    struct timespec ts;
    char *end;
    double s;

    errno = 0;
    s = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || s < -1e6 || s > 1e6)
        usage();
    ts.tv_sec = (time_t) s;
    ts.tv_nsec = (long) ((s - (double) ts.tv_sec) * 1e9);
    if (ts.tv_nsec < 0) {               /* -0.5 is -1 s + 0.5e9 ns */
        ts.tv_sec -= 1;
        ts.tv_nsec += 1000000000L;
    }
    return ts;
}

int
main(int argc, char *argv[])
{
    struct sembuf sops[MAX_OPS];
    struct timespec limit, *timeout = NULL;
    short flags = 0;
    bool hold = false, retry = false;
    int opt, semid, nsops, r;

    while ((opt = getopt(argc, argv, "+nuhrt:")) != -1) {
        switch (opt) {
        case 'n': flags |= IPC_NOWAIT;                   break;
        case 'u': flags |= SEM_UNDO;                     break;
        case 'h': hold = true;                           break;
        case 'r': retry = true;                          break;
        case 't': limit = seconds(optarg); timeout = &limit; break;
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
    for (;;) {
        if (timeout == NULL)
            r = semop(semid, sops, (size_t) nsops);
        else                    /* the same, giving up after *timeout */
            r = semtimedop(semid, sops, (size_t) nsops, timeout);
        if (r == 0)
            break;
        // ANCHOR: eintr
        if (errno == EINTR && retry) {  /* cut short, nothing was done */
            printf("interrupted (EINTR): waiting again\n");
            fflush(stdout);
            continue;
        }
        // ANCHOR_END: eintr
        err_exit(timeout == NULL ? "semop" : "semtimedop");
    }
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
