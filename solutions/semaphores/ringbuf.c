/* Solution to exercise 5 (semaphores) */

/* ringbuf.c

   A ring buffer of records in a System V shared memory segment, shared by
   any number of producer and consumer processes and kept coherent by a
   set of three System V semaphores: a lock, a count of free slots and a
   count of full slots.

   Usage: ringbuf init KEY SLOTS
          ringbuf produce [--hold] KEY ID COUNT
          ringbuf consume KEY COUNT
          ringbuf drain KEY
          ringbuf status KEY
          ringbuf remove KEY

   KEY is PATH:PROJ_ID (made with ftok) or a number (0x52494e47); the
   segment and the semaphore set both use it.

       $ ./ringbuf init 0x52494e47 4
       shmid 0
       semid 0
       $ ./ringbuf produce 0x52494e47 1 6 & ./ringbuf consume 0x52494e47 6
       record 1 1 400d5a53
       record 1 2 ce3104ca
       ...
       $ ./ringbuf remove 0x52494e47
       removed shmid 0
       removed semid 0

   Every record goes through the same five steps on each side:

       producer                         consumer
       take 1 from EMPTY (a free slot)  take 1 from FULL (a full slot)
       take the LOCK (SEM_UNDO)         take the LOCK (SEM_UNDO)
       fill slot[in], advance in        copy slot[out], advance out
       give the LOCK back (SEM_UNDO)    give the LOCK back (SEM_UNDO)
       add 1 to FULL                    add 1 to EMPTY

   See chapters/05-semaphores.md.
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include "ipcbook.h"

/* ---- The shared layout: every ringbuf must agree on it exactly. ---- */

/* The semaphores of the set, by number. */
#define SEM_LOCK    0       /* 1: the ring is free; 0: someone is using it */
#define SEM_EMPTY   1       /* how many slots are free */
#define SEM_FULL    2       /* how many slots hold a record */
#define NSEMS       3

#define SLOTS_MAX   4096
#define ID_MAX      999
#define COUNT_MAX   10000000

/* One record, as a producer writes it and a consumer prints it. */
struct record {
    int producer;           /* the producer's ID, 1..ID_MAX */
    int seq;                /* 1, 2, ... COUNT for each producer */
    unsigned int check;     /* record_check(producer, seq) */
};

/* The shared memory segment: a small header, then the slots. */
struct ring {
    unsigned int slots;     /* number of slots, set once by init */
    unsigned int in;        /* the next slot a producer fills */
    unsigned int out;       /* the next slot a consumer empties */
    struct record slot[];   /* the slots (a flexible array member) */
};

/* semctl()'s fourth argument. The caller must define it (semctl(2)). */
union semun {
    int val;                /* SETVAL */
    struct semid_ds *buf;   /* IPC_STAT, IPC_SET */
    unsigned short *array;  /* GETALL, SETALL */
    struct seminfo *__buf;  /* IPC_INFO (Linux) */
};

/* The check value of a record: a torn record (fields from two different
   records) or a slot nobody filled does not match it. */
static unsigned int
record_check(int producer, int seq)
{
    return ((unsigned int) producer * 0x9e3779b1u) ^
           ((unsigned int) seq * 0x85ebca77u) ^ 0x5bd1e995u;
}

/* The size in bytes of a ring segment with SLOTS slots. */
static size_t
ring_size(unsigned int slots)
{
    return sizeof(struct ring) + slots * sizeof(struct record);
}

/* ---- Command-line parsing ---- */

/* Print the usage text and, on its last line, what was wrong (FMT, as for
   printf); exit with status 2. */
__attribute__((noreturn, format(printf, 1, 2))) static void
usage(const char *fmt, ...)
{
    const char *name = program_invocation_short_name;
    char why[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);

    usage_err("init KEY SLOTS\n"
              "       %s produce [--hold] KEY ID COUNT\n"
              "       %s consume KEY COUNT\n"
              "       %s drain KEY\n"
              "       %s status KEY\n"
              "       %s remove KEY\n"
              "KEY    PATH:PROJ_ID (made with ftok) or a number (0x52494e47)\n"
              "SLOTS  slots in the ring, 1 to %d\n"
              "ID     the producer's number, 1 to %d\n"
              "COUNT  how many records, 1 to %d\n"
              "%s\n", name, name, name, name, name, SLOTS_MAX, ID_MAX,
              COUNT_MAX, why);
}

/* Return TEXT as a number from 1 to MAX (decimal, 0x hex or 0 octal);
   WHAT names the argument in the usage message. */
static long
parse_number(const char *text, long max, const char *what)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(text, &end, 0);
    if (!isdigit((unsigned char) text[0]) || *end != '\0' || errno != 0
            || n < 1 || n > max)
        usage("%s \"%s\" is not a number from 1 to %ld", what, text, max);
    return n;
}

/* Return the key for the KEY argument: PATH:PROJ_ID (through ftok(), which
   must find PATH) or a number from 1 to 0xffffffff. */
static key_t
parse_key(const char *arg)
{
    char *text, *colon, *end;
    unsigned long n;
    key_t key;

    /* Work on a copy: ftok() needs PATH without ":PROJ_ID". */
    text = strdup(arg);
    if (text == NULL)
        err_exit("strdup");

    colon = strrchr(text, ':');
    if (colon != NULL) {
        *colon = '\0';
        key = ftok(text, (int) parse_number(colon + 1, 255, "PROJ_ID"));
        if (key == -1)
            err_exit("ftok(%s)", text);
    } else {
        errno = 0;
        n = strtoul(text, &end, 0);
        if (!isdigit((unsigned char) text[0]) || *end != '\0' || errno != 0
                || n == 0 || n > UINT32_MAX)
            usage("KEY \"%s\" is not PATH:PROJ_ID or a number from 1 to "
                  "0xffffffff", arg);
        key = (key_t) (uint32_t) n;
    }
    free(text);
    return key;
}

/* ---- The semaphores ---- */

/* Do one operation on semaphore NUM of set SEMID: add OP to its value
   (OP < 0 waits until the value is at least -OP). FLAGS is 0, SEM_UNDO
   and/or IPC_NOWAIT. Return 0, or -1 with errno EAGAIN when IPC_NOWAIT
   was given and the operation would have had to wait. Exits on any other
   failure. */
static int
sem_change(int semid, unsigned short num, short op, short flags)
{
    struct sembuf sop;

    sop.sem_num = num;
    sop.sem_op = op;
    sop.sem_flg = flags;
    while (semop(semid, &sop, 1) == -1) {
        /* EINTR: the wait was interrupted and nothing was done. On Linux
           that happens with no signal handler at all, when the process is
           stopped and continued (Ctrl-Z, then fg) while it waits: semop()
           is never restarted. Wait again. */
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN && (flags & IPC_NOWAIT))
            return -1;
        err_exit("semop(semaphore %u, %+d)", (unsigned int) num, (int) op);
    }
    return 0;
}

/* The lock: SEM_UNDO on both operations. If the process dies between
   them (killed, crashed), the kernel applies the undo and the lock is
   free again, instead of blocking every other process for ever. The
   two operations cancel out, so a normal exit leaves nothing to undo. */
static void
lock_ring(int semid)
{
    sem_change(semid, SEM_LOCK, -1, SEM_UNDO);
}

static void
unlock_ring(int semid)
{
    sem_change(semid, SEM_LOCK, +1, SEM_UNDO);
}

/* ---- Opening the ring ---- */

struct handle {
    int shmid;
    int semid;
    struct ring *ring;
};

/* Open the existing ring of KEY: find the segment and the semaphore set
   (never creating them) and attach the segment. Exits on failure. */
static void
ring_open(key_t key, struct handle *h)
{
    /* No IPC_CREAT: a ring nobody initialised must be an error (ENOENT),
       not a new empty segment or a set of semaphores that are all 0. */
    h->shmid = shmget(key, 0, 0);
    if (h->shmid == -1) {
        err_msg("shmget");
        fatal("no ring with key 0x%08x: run \"ringbuf init\" first",
              (unsigned int) key);
    }
    h->semid = semget(key, 0, 0);
    if (h->semid == -1) {
        err_msg("semget");
        fatal("the ring with key 0x%08x has no semaphore set: remove it "
              "and run \"ringbuf init\" again", (unsigned int) key);
    }
    h->ring = shmat(h->shmid, NULL, 0);
    if (h->ring == (void *) -1)
        err_exit("shmat");
}

static void
ring_close(struct handle *h)
{
    if (shmdt(h->ring) == -1)
        err_exit("shmdt");
}

/* ---- The ring buffer ---- */

/* With --hold: stop inside the critical section, announce it, and wait to
   be killed, as if the producer had crashed while holding the lock. */
__attribute__((noreturn)) static void
hold_lock_forever(void)
{
    printf("holding the lock\n");
    fflush(stdout);
    for (;;)
        pause();
}

/* Put one record into the ring, waiting for a free slot. */
static void
put_record(struct handle *h, int producer, int seq, bool hold)
{
    struct ring *ring = h->ring;
    struct record *slot;

    /* A free slot first, then the lock: the other way round, a producer
       waiting for room would hold the lock that every consumer needs to
       make room. No SEM_UNDO on the counters: the count of free slots
       must outlive this process (an undo at exit would give back every
       slot it ever filled). */
    sem_change(h->semid, SEM_EMPTY, -1, 0);
    lock_ring(h->semid);
    if (hold)
        hold_lock_forever();

    slot = &ring->slot[ring->in];
    slot->producer = producer;
    slot->seq = seq;
    slot->check = record_check(producer, seq);
    ring->in = (ring->in + 1) % ring->slots;

    unlock_ring(h->semid);
    /* Only now may a consumer take it: the record is complete. */
    sem_change(h->semid, SEM_FULL, +1, 0);
}

/* Copy the record in the next full slot into *REC and free the slot. The
   caller has already taken 1 from SEM_FULL. */
static void
take_record(struct handle *h, struct record *rec)
{
    struct ring *ring = h->ring;

    lock_ring(h->semid);
    *rec = ring->slot[ring->out];
    ring->out = (ring->out + 1) % ring->slots;
    unlock_ring(h->semid);
    sem_change(h->semid, SEM_EMPTY, +1, 0);
}

static void
print_record(const struct record *rec)
{
    printf("record %d %d %08x\n", rec->producer, rec->seq, rec->check);
}

/* ---- Subcommands; ARGV[0] is the subcommand's name ---- */

/* init failed after it made the segment (and the set, unless h->semid is
   -1): report the call that failed, remove what init made, and exit. A
   segment without its set, or a set never given its values, is a ring
   nobody can use, and its key would make the next init fail with EEXIST:
   a failed init leaves nothing behind. */
__attribute__((noreturn)) static void
init_failed(const char *call, const struct handle *h)
{
    err_msg("%s", call);
    if (h->semid != -1 && semctl(h->semid, 0, IPC_RMID) == -1)
        err_msg("semctl(IPC_RMID)");
    if (shmctl(h->shmid, IPC_RMID, NULL) == -1)
        err_msg("shmctl(IPC_RMID)");
    exit(EXIT_FAILURE);
}

/* ringbuf init KEY SLOTS */
static int
cmd_init(int argc, char *argv[])
{
    union semun arg;
    struct handle h;
    unsigned int slots;
    key_t key;

    if (argc != 3)
        usage("init needs KEY and SLOTS");
    key = parse_key(argv[1]);
    slots = (unsigned int) parse_number(argv[2], SLOTS_MAX, "SLOTS");

    /* IPC_EXCL on both: init makes a new ring or fails; it never resets
       a ring that others may be using. */
    h.shmid = shmget(key, ring_size(slots), IPC_CREAT | IPC_EXCL | 0600);
    if (h.shmid == -1)
        err_exit("shmget");

    /* From here on, every failure removes what init has made, with
       init_failed() (above): a failed init leaves nothing behind. */
    h.semid = semget(key, NSEMS, IPC_CREAT | IPC_EXCL | 0600);
    if (h.semid == -1)
        init_failed("semget", &h);

    /* A new segment is zero-filled: in = out = 0. Only slots to set. */
    h.ring = shmat(h.shmid, NULL, 0);
    if (h.ring == (void *) -1)
        init_failed("shmat", &h);
    h.ring->slots = slots;
    if (shmdt(h.ring) == -1)
        init_failed("shmdt", &h);

    /* The values of a new set are 0 on Linux, but POSIX leaves them
       undefined: set each one. The lock is free (1), all the slots are
       free (SLOTS), none is full (0). */
    arg.val = 1;
    if (semctl(h.semid, SEM_LOCK, SETVAL, arg) == -1)
        init_failed("semctl(SETVAL)", &h);
    arg.val = (int) slots;
    if (semctl(h.semid, SEM_EMPTY, SETVAL, arg) == -1)
        init_failed("semctl(SETVAL)", &h);
    arg.val = 0;
    if (semctl(h.semid, SEM_FULL, SETVAL, arg) == -1)
        init_failed("semctl(SETVAL)", &h);

    printf("shmid %d\n", h.shmid);
    printf("semid %d\n", h.semid);
    return EXIT_SUCCESS;
}

/* ringbuf produce [--hold] KEY ID COUNT */
static int
cmd_produce(int argc, char *argv[])
{
    bool hold = false;
    struct handle h;
    int id, count;
    key_t key;

    if (argc > 1 && strcmp(argv[1], "--hold") == 0) {
        hold = true;
        argc--;
        argv++;
    }
    if (argc != 4)
        usage("produce needs KEY, ID and COUNT");
    key = parse_key(argv[1]);
    id = (int) parse_number(argv[2], ID_MAX, "ID");
    count = (int) parse_number(argv[3], COUNT_MAX, "COUNT");

    ring_open(key, &h);
    for (int seq = 1; seq <= count; seq++)
        put_record(&h, id, seq, hold);
    ring_close(&h);

    printf("produced %d\n", count);
    return EXIT_SUCCESS;
}

/* ringbuf consume KEY COUNT */
static int
cmd_consume(int argc, char *argv[])
{
    struct handle h;
    struct record rec;
    int count;
    key_t key;

    if (argc != 3)
        usage("consume needs KEY and COUNT");
    key = parse_key(argv[1]);
    count = (int) parse_number(argv[2], COUNT_MAX, "COUNT");

    ring_open(key, &h);
    for (int i = 0; i < count; i++) {
        /* Wait for a full slot; no SEM_UNDO (see put_record()). */
        sem_change(h.semid, SEM_FULL, -1, 0);
        take_record(&h, &rec);
        print_record(&rec);     /* outside the lock: printing is slow */
    }
    ring_close(&h);
    return EXIT_SUCCESS;
}

/* ringbuf drain KEY: take the records that are there now, never wait. */
static int
cmd_drain(int argc, char *argv[])
{
    struct handle h;
    struct record rec;
    int taken = 0;

    if (argc != 2)
        usage("drain needs KEY");
    ring_open(parse_key(argv[1]), &h);

    /* IPC_NOWAIT: when no slot is full, semop() fails with EAGAIN at
       once instead of sleeping until a producer fills one. */
    while (sem_change(h.semid, SEM_FULL, -1, IPC_NOWAIT) == 0) {
        take_record(&h, &rec);
        print_record(&rec);
        taken++;
    }
    ring_close(&h);
    printf("drained %d\n", taken);
    return EXIT_SUCCESS;
}

/* ringbuf status KEY: the header and the semaphore values, as they are
   now. It takes no lock, so that it works even when a process is stuck
   holding it: the numbers are a snapshot, which may be changing. */
static int
cmd_status(int argc, char *argv[])
{
    static const char *const names[NSEMS] = { "lock", "empty", "full" };
    struct handle h;

    if (argc != 2)
        usage("status needs KEY");
    ring_open(parse_key(argv[1]), &h);

    printf("slots %u\n", h.ring->slots);
    printf("in %u\n", h.ring->in);
    printf("out %u\n", h.ring->out);
    for (int i = 0; i < NSEMS; i++) {
        int val = semctl(h.semid, i, GETVAL);

        if (val == -1)
            err_exit("semctl(GETVAL)");
        printf("%s %d\n", names[i], val);
    }
    ring_close(&h);
    return EXIT_SUCCESS;
}

/* ringbuf remove KEY: remove the segment and the semaphore set. */
static int
cmd_remove(int argc, char *argv[])
{
    int shmid, semid;
    key_t key;

    if (argc != 2)
        usage("remove needs KEY");
    key = parse_key(argv[1]);

    shmid = shmget(key, 0, 0);
    if (shmid == -1)
        err_exit("shmget");
    semid = semget(key, 0, 0);
    if (semid == -1)
        err_exit("semget");

    if (shmctl(shmid, IPC_RMID, NULL) == -1)
        err_exit("shmctl(IPC_RMID)");
    printf("removed shmid %d\n", shmid);
    /* Unlike a segment, a set goes at once: every process blocked in
       semop() on it wakes up with EIDRM. semnum is ignored. */
    if (semctl(semid, 0, IPC_RMID) == -1)
        err_exit("semctl(IPC_RMID)");
    printf("removed semid %d\n", semid);
    return EXIT_SUCCESS;
}

int
main(int argc, char *argv[])
{
    static const struct {
        const char *name;
        int (*fn)(int, char *[]);
    } commands[] = {
        { "init", cmd_init }, { "produce", cmd_produce },
        { "consume", cmd_consume }, { "drain", cmd_drain },
        { "status", cmd_status }, { "remove", cmd_remove },
    };

    if (argc < 2)
        usage("no subcommand given");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    usage("unknown subcommand \"%s\"", argv[1]);
}
