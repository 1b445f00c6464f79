/* Solution to exercise 3 (shmat) */

/* shmwriter.c

   Publish one record (a name and up to 16 numbers) in a new System V
   shared memory segment for shmreader to read, stay attached until told
   to stop with SIGINT (Ctrl-C) or SIGTERM, then detach and remove the
   segment.

   Usage: shmwriter KEY NAME VALUE...

       $ ./shmwriter 0x4b1d0003 kitchen 21.5 22 -3.25 &
       shmid 0
       ready
       $ ./shmreader 0x4b1d0003
       name kitchen
       ...
       $ kill -TERM %1
       removed shmid 0

   The writer owns the segment: it creates it, and it removes it when it
   stops. While it runs, ipcs -m shows the segment with nattch 1.

   See chapters/03-shmat.md.
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <ctype.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include "ipcbook.h"

/* The record, exactly as shmreader.c declares it: both programs must agree
   on every byte of it. */
#define RECORD_MAGIC    0x52454331u     /* "REC1": the record is complete */
#define NAME_SIZE       32              /* bytes in name[], its '\0' included */
#define MAX_VALUES      16

struct record {
    uint32_t magic;                     /* RECORD_MAGIC, written last */
    uint32_t count;                     /* values[0..count-1] are used */
    char     name[NAME_SIZE];           /* '\0'-terminated */
    double   values[MAX_VALUES];
};

_Static_assert(sizeof(struct record) == 168, "struct record must be 168 bytes");

/* Print the usage text and what was wrong (FMT, as for printf); exit 2. */
__attribute__((noreturn, format(printf, 1, 2))) static void
usage(const char *fmt, ...)
{
    char why[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    usage_err("KEY NAME VALUE...\n"
              "KEY    a number: 0x4b1d0003, 1260191747\n"
              "NAME   1 to %d characters\n"
              "VALUE  1 to %d numbers, such as 21.5 or -3\n"
              "%s\n", NAME_SIZE - 1, MAX_VALUES, why);
}

/* Return the key for TEXT: a number from 1 to 0xffffffff (decimal, 0x hex
   or 0 octal). 0 would be IPC_PRIVATE, which no reader could find. */
static key_t
parse_key(const char *text)
{
    char *end;
    unsigned long n;

    if (!isdigit((unsigned char) text[0]))
        usage("KEY \"%s\" is not a number", text);
    errno = 0;
    n = strtoul(text, &end, 0);
    if (*end != '\0' || errno != 0 || n == 0 || n > UINT32_MAX)
        usage("KEY \"%s\" is not a number from 1 to 0xffffffff", text);
    return (key_t) (uint32_t) n;
}

/* Return the number in TEXT; it must be a whole, finite number. */
static double
parse_value(const char *text)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !isfinite(v))
        usage("VALUE \"%s\" is not a number", text);
    return v;
}

/* Block SIGINT and SIGTERM and return them in SET. Blocked, a stop signal
   that arrives early (even before we wait) is kept pending instead of
   killing us while the segment exists; wait_for_stop() then takes it. */
static void
block_stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    if (sigprocmask(SIG_BLOCK, set, NULL) == -1)
        err_exit("sigprocmask");
}

/* Flush stdout (so whoever waits for our output sees it), then sleep until
   one of the signals in SET arrives. */
static void
wait_for_stop(const sigset_t *set)
{
    int sig;

    fflush(stdout);
    if (sigwait(set, &sig) != 0)
        fatal("sigwait failed");
}

/* Fill the record REC in the segment from NAME and the COUNT VALUES. */
static void
write_record(struct record *rec, const char *name, const double *values, size_t count)
{
    rec->count = (uint32_t) count;
    /* The segment is new, so name[] is all zeros and snprintf() leaves it
       '\0'-terminated; NAME fits (main checked its length). */
    snprintf(rec->name, sizeof(rec->name), "%s", name);
    for (size_t i = 0; i < count; i++)
        rec->values[i] = values[i];
    /* The magic number last: a reader that sees it knows the rest is
       there. (Real programs use a semaphore for this: chapter 5.) */
    rec->magic = RECORD_MAGIC;
}

int
main(int argc, char *argv[])
{
    double values[MAX_VALUES];
    size_t count;
    struct record *rec;
    sigset_t stop;
    key_t key;
    int shmid, status = EXIT_SUCCESS;

    if (argc < 4)
        usage("give KEY, NAME and at least one VALUE");
    key = parse_key(argv[1]);
    if (strlen(argv[2]) == 0 || strlen(argv[2]) >= NAME_SIZE)
        usage("NAME must have 1 to %d characters", NAME_SIZE - 1);
    count = (size_t) (argc - 3);
    if (count > MAX_VALUES)
        usage("at most %d values fit in the record", MAX_VALUES);
    for (size_t i = 0; i < count; i++)
        values[i] = parse_value(argv[3 + i]);

    block_stop_signals(&stop);

    /* A new segment exactly the size of the record: IPC_EXCL, so that we
       never write into a stale segment some earlier run left behind. */
    shmid = shmget(key, sizeof(struct record), IPC_CREAT | IPC_EXCL | 0600);
    if (shmid == -1)
        err_exit("shmget");

    /* NULL: let the kernel choose the address. Flags 0: read and write. */
    rec = shmat(shmid, NULL, 0);
    if (rec == (void *) -1) {
        err_msg("shmat");
        /* We made the segment; nobody else knows it yet, so remove it
           rather than leave it behind. */
        if (shmctl(shmid, IPC_RMID, NULL) == -1)
            err_msg("shmctl(IPC_RMID)");
        exit(EXIT_FAILURE);
    }

    write_record(rec, argv[2], values, count);
    printf("shmid %d\n", shmid);
    printf("ready\n");

    /* Stay attached, with the segment and its key in place, until told to
       stop: removing it now would hide the key from every reader that has
       not attached yet. */
    wait_for_stop(&stop);

    /* A failed shmdt() is reported, but we go on: the writer owns the
       segment and is the only one to remove it, so it must not exit and
       leave it behind. */
    if (shmdt(rec) == -1) {
        err_msg("shmdt");
        status = EXIT_FAILURE;
    }
    /* rec now points to nothing: the memory is gone from our address
       space. Only shmctl(), which works on the id, may follow. (Were it
       still attached, IPC_RMID would mark it, and the kernel would remove
       it at our exit, when the last attachment goes.) */
    if (shmctl(shmid, IPC_RMID, NULL) == -1)
        err_exit("shmctl(IPC_RMID)");
    printf("removed shmid %d\n", shmid);
    return status;
}
