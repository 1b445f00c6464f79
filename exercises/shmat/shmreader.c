/* Exercise 3 (shmat): skeleton */

/* shmreader.c

   Read the record that shmwriter published in a System V shared memory
   segment and print it. The reader attaches the segment read-only and
   never removes it: the writer owns it.

   Usage: shmreader [-w] KEY

       $ ./shmreader 0x4b1d0003
       name kitchen
       count 3
       value 21.5
       value 22
       value -3.25
       sum 40.25

   With -w, the reader stays attached after printing, until SIGINT
   (Ctrl-C) or SIGTERM, so that you can look at the attachment with
   ipcs -m or in /proc/PID/maps.

   What to do: read chapters/03-shmat.md, then fill in the places marked
   TODO(shmat): open the writer's segment, attach it read-only, finish
   checking the record, and detach. Argument parsing, the record's layout,
   the printing and the waiting for a signal are done for you. As given,
   the program reads an empty local record instead of the segment, and so
   always reports that there is no record.
   Build with "make"; grade from the top of the repository with
   "bin/ipcgrade grade shmat".
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <ctype.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include "ipcbook.h"

/* The record, exactly as shmwriter.c declares it. */
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
    usage_err("[-w] KEY\n"
              "KEY  a number: 0x4b1d0003, 1260191747\n"
              "-w   stay attached after printing, until SIGINT or SIGTERM\n"
              "%s\n", why);
}

/* Return the key for TEXT: a number from 1 to 0xffffffff (decimal, 0x hex
   or 0 octal). */
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

/* Block SIGINT and SIGTERM and return them in SET (see shmwriter.c). */
static void
block_stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    if (sigprocmask(SIG_BLOCK, set, NULL) == -1)
        err_exit("sigprocmask");
}

/* Flush stdout, then sleep until one of the signals in SET arrives. */
static void
wait_for_stop(const sigset_t *set)
{
    int sig;

    fflush(stdout);
    if (sigwait(set, &sig) != 0)
        fatal("sigwait failed");
}

/* Check the copy REC of the record; exit with a message if it is not a
   complete, sane record. Never trust what is in shared memory: another
   program wrote it, maybe a buggy one, maybe not yet. */
static void
check_record(const struct record *rec)
{
    if (rec->magic != RECORD_MAGIC)
        fatal("the segment holds no complete record (magic 0x%08x, expected 0x%08x)",
              (unsigned int) rec->magic, RECORD_MAGIC);
    /* TODO(shmat): count decides how far print_record() reads: a count
       above MAX_VALUES would read past the end of values[], and of the
       segment. If rec->count is not between 1 and MAX_VALUES, call
       fatal("bad record: count %u is not between 1 and %d", ...). Also
       check that rec->name holds a '\0' (memchr()), or printing it could
       run past the record too. See "Common mistakes" in
       chapters/03-shmat.md. */
}

/* Print the record REC, one "label value" line per item. */
static void
print_record(const struct record *rec)
{
    double sum = 0;

    printf("name %s\n", rec->name);
    printf("count %u\n", (unsigned int) rec->count);
    for (uint32_t i = 0; i < rec->count; i++) {
        printf("value %g\n", rec->values[i]);
        sum += rec->values[i];
    }
    printf("sum %g\n", sum);
}

int
main(int argc, char *argv[])
{
    const struct record *shared;
    static const struct record nowhere;     /* TODO(shmat): delete once unused */
    struct record rec;
    bool wait = false;
    key_t key;
    sigset_t stop;
    int opt, shmid;

    opterr = 0;
    while ((opt = getopt(argc, argv, "+w")) != -1) {
        if (opt != 'w')
            usage("unknown option -%c", optopt);
        wait = true;
    }
    if (argc - optind != 1)
        usage("give exactly one KEY");

    key = parse_key(argv[optind]);
    block_stop_signals(&stop);

    /* TODO(shmat): open the writer's segment, never create it:
       shmget(key, sizeof(struct record), 0). No IPC_CREAT: without a
       writer there is nothing to read. The size makes shmget() fail with
       EINVAL if the segment is too small to hold a record. On failure,
       err_exit("shmget"). */
    shmid = -1;
    (void) key;         /* TODO(shmat): delete these two lines once you */
    (void) shmid;       /* use key and shmid. */

    /* TODO(shmat): attach it read-only: shmat(shmid, NULL, SHM_RDONLY), and
       err_exit("shmat") if it returns (void *) -1. We only read, so we ask
       only for read access. See "Attaching read-only" in
       chapters/03-shmat.md. As given, shared points to an empty local
       record. */
    shared = &nowhere;

    /* Work on a copy, taken at once: the writer could change the segment
       while we check and print. */
    rec = *shared;
    check_record(&rec);
    print_record(&rec);

    if (wait)
        wait_for_stop(&stop);

    /* TODO(shmat): detach: shmdt(shared), and err_exit("shmdt") if it
       returns -1. Do not remove the segment: the writer owns it. (rec is
       a copy, so detaching before print_record() is fine too, but with
       -w the reader stays attached until the signal.) */
    return EXIT_SUCCESS;
}
