/* Solution to project 1 (kvstore) */

/* kvstore.c

   A table of NAME=VALUE entries in one System V shared memory segment,
   shared by any number of processes: many readers at once, one writer at
   a time, and a writer never starved by a stream of readers. The
   readers-writer lock is three System V semaphores; every operation on
   them that a crash would leave half done carries SEM_UNDO, and every
   change to the table becomes visible in one aligned store, so a process
   killed anywhere leaves the table and the lock as if it had finished or
   never started.

   Usage: kvstore [--hold MS] init | remove | put NAME VALUE | get NAME
                              | del NAME | list | stats

       $ ./kvstore init
       shmid 0
       semid 0
       $ ./kvstore put colour blue
       $ ./kvstore get colour
       blue
       $ ./kvstore remove

   The lock (semaphores READERS, WRITERS, FREE):

       read lock:    wait until WRITERS is 0, and READERS += 1  (one semop)
       read unlock:  READERS -= 1
       write lock:   WRITERS += 1        (from now on no new reader enters)
                     wait until READERS is 0, and FREE -= 1     (one semop)
       write unlock: FREE += 1, WRITERS -= 1                    (one semop)

   See chapters/05a-project-kvstore.md.
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "ipcbook.h"
#include "kvstore.h"

/* ---- The shared layout (this solution's own design) ---- */

/* The semaphores of the set, by number. */
#define SEM_READERS 0       /* how many readers are inside */
#define SEM_WRITERS 1       /* how many writers are inside or waiting */
#define SEM_FREE    2       /* 1 when no writer is inside */
#define NSEMS       3

/* One entry. A value is written into the copy readers do not use, and
   then `cur` is flipped; an entry appears when `used` becomes 1 and goes
   when it becomes 0. Those single stores are the only moments a change
   becomes visible, so a writer killed before one leaves no trace of its
   change, and one killed after it has finished it. */
struct entry {
    int used;                           /* 0 free, 1 holds a name */
    int cur;                            /* which of value[] is current */
    char name[KV_NAME_MAX + 1];
    char value[2][KV_VALUE_MAX + 1];
};

struct table {
    struct entry e[KV_CAPACITY];
};

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

/* An open store. */
struct store {
    int shmid;
    int semid;
    struct table *t;
};

static void
usage(void)
{
    usage_err("[--hold MS] init | remove | put NAME VALUE | get NAME | del NAME | list "
              "| stats\n  NAME: 1-%d of [A-Za-z0-9_.-]; VALUE: 1-%d printable characters; "
              "MS: 0-%d\n", KV_NAME_MAX, KV_VALUE_MAX, KV_HOLD_MAX);
}

/* ---- The lock ---- */

/* semop() that starts again when a signal (or a stop and continue)
   interrupts its wait: EINTR means nothing was done. Exits on any other
   error (EIDRM: the store was removed meanwhile). */
static void
sem_do(int semid, struct sembuf *ops, size_t nops)
{
    while (semop(semid, ops, nops) == -1)
        if (errno != EINTR)
            err_exit("semop");
}

static void
read_lock(const struct store *s)
{
    struct sembuf ops[] = {
        { SEM_WRITERS, 0, 0 },              /* no writer inside or waiting */
        { SEM_READERS, +1, SEM_UNDO },
    };

    sem_do(s->semid, ops, 2);
}

static void
read_unlock(const struct store *s)
{
    struct sembuf op = { SEM_READERS, -1, SEM_UNDO };

    sem_do(s->semid, &op, 1);
}

/* Announcing itself first is what keeps a writer from starving: from
   then on read_lock() waits, and the readers inside drain away. */
static void
write_lock(const struct store *s)
{
    struct sembuf announce = { SEM_WRITERS, +1, SEM_UNDO };
    struct sembuf enter[] = {
        { SEM_READERS, 0, 0 },              /* the readers inside have left */
        { SEM_FREE, -1, SEM_UNDO },         /* and no other writer is in */
    };

    sem_do(s->semid, &announce, 1);
    sem_do(s->semid, enter, 2);
}

static void
write_unlock(const struct store *s)
{
    struct sembuf ops[] = {
        { SEM_FREE, +1, SEM_UNDO },
        { SEM_WRITERS, -1, SEM_UNDO },
    };

    sem_do(s->semid, ops, 2);
}

/* ---- --hold ---- */

/* With --hold MS (ms >= 0): say that the lock is held, then keep it MS
   milliseconds. ms < 0: no --hold, nothing to do. */
static void
hold(long ms)
{
    struct timespec left = { ms / 1000, (ms % 1000) * 1000000L };

    if (ms < 0)
        return;
    printf("%s\n", KV_HOLDING);
    if (fflush(stdout) == EOF)
        err_exit("fflush");
    while (nanosleep(&left, &left) == -1)
        if (errno != EINTR)
            err_exit("nanosleep");
}

/* ---- Opening, creating and removing the store ---- */

/* Open the store that `init` made; exits if there is none (ENOENT). */
static void
store_open(struct store *s)
{
    s->shmid = shmget(KV_KEY, 0, 0);
    if (s->shmid == -1)
        err_exit("shmget");
    s->semid = semget(KV_KEY, 0, 0);
    if (s->semid == -1)
        err_exit("semget");
    s->t = shmat(s->shmid, NULL, 0);
    if (s->t == (void *)-1)
        err_exit("shmat");
}

static void
store_close(struct store *s)
{
    if (shmdt(s->t) == -1)
        err_exit("shmdt");
}

/* init: the segment, then the set, both IPC_EXCL so that an existing
   store is never reset under its users. A fresh segment is all zero bytes:
   every entry free. If a later step fails, what was made goes again. */
static void
cmd_init(void)
{
    union semun arg = { .val = 1 };
    int shmid, semid;

    shmid = shmget(KV_KEY, sizeof(struct table), IPC_CREAT | IPC_EXCL | 0600);
    if (shmid == -1)
        err_exit("shmget");
    semid = semget(KV_KEY, NSEMS, IPC_CREAT | IPC_EXCL | 0600);
    if (semid == -1) {
        err_msg("semget");
        shmctl(shmid, IPC_RMID, NULL);
        exit(EXIT_FAILURE);
    }
    /* READERS and WRITERS start at 0, as Linux makes them; FREE at 1. */
    if (semctl(semid, SEM_FREE, SETVAL, arg) == -1) {
        err_msg("semctl(SETVAL)");
        semctl(semid, 0, IPC_RMID);
        shmctl(shmid, IPC_RMID, NULL);
        exit(EXIT_FAILURE);
    }
    printf("shmid %d\nsemid %d\n", shmid, semid);
}

static void
cmd_remove(void)
{
    int shmid = shmget(KV_KEY, 0, 0), semid;

    if (shmid == -1)
        err_exit("shmget");
    semid = semget(KV_KEY, 0, 0);
    if (semid == -1)
        err_exit("semget");
    if (shmctl(shmid, IPC_RMID, NULL) == -1)
        err_exit("shmctl(IPC_RMID)");
    if (semctl(semid, 0, IPC_RMID) == -1)
        err_exit("semctl(IPC_RMID)");
}

/* ---- The table (callers hold the lock) ---- */

static struct entry *
find(struct table *t, const char *name)
{
    for (int i = 0; i < KV_CAPACITY; i++)
        if (t->e[i].used && strcmp(t->e[i].name, name) == 0)
            return &t->e[i];
    return NULL;
}

/* put under the write lock. Returns false when the store is full. Every
   write before the last one goes where no reader looks; the hold comes
   just before that last one, where a crash is the hardest to survive. */
static bool
put(struct table *t, const char *name, const char *value, long hold_ms)
{
    struct entry *e = find(t, name);

    if (e != NULL) {
        int other = !e->cur;

        strcpy(e->value[other], value);
        hold(hold_ms);
        __atomic_store_n(&e->cur, other, __ATOMIC_RELEASE);
        return true;
    }
    for (int i = 0; i < KV_CAPACITY; i++)
        if (!t->e[i].used) {
            e = &t->e[i];
            strcpy(e->name, name);
            strcpy(e->value[0], value);
            e->cur = 0;
            hold(hold_ms);
            __atomic_store_n(&e->used, 1, __ATOMIC_RELEASE);
            return true;
        }
    hold(hold_ms);
    return false;
}

static int
by_name(const void *a, const void *b)
{
    return strcmp((*(const struct entry *const *)a)->name,
                  (*(const struct entry *const *)b)->name);
}

/* ---- The commands that use the store ---- */

static void
cmd_put(const char *name, const char *value, long hold_ms)
{
    struct store s;
    bool done;

    store_open(&s);
    write_lock(&s);
    done = put(s.t, name, value, hold_ms);
    write_unlock(&s);
    store_close(&s);
    if (!done)
        fatal("%s", KV_FULL_MSG);
}

static void
cmd_del(const char *name, long hold_ms)
{
    struct store s;
    struct entry *e;

    store_open(&s);
    write_lock(&s);
    e = find(s.t, name);
    hold(hold_ms);
    if (e != NULL)
        __atomic_store_n(&e->used, 0, __ATOMIC_RELEASE);
    write_unlock(&s);
    store_close(&s);
    if (e == NULL)
        fatal("%s: %s", name, KV_NOT_FOUND);
}

static void
cmd_get(const char *name, long hold_ms)
{
    char value[KV_VALUE_MAX + 1];
    struct store s;
    struct entry *e;

    store_open(&s);
    read_lock(&s);
    hold(hold_ms);
    e = find(s.t, name);
    if (e != NULL)
        strcpy(value, e->value[e->cur]);
    read_unlock(&s);
    store_close(&s);
    if (e == NULL)
        fatal("%s: %s", name, KV_NOT_FOUND);
    printf("%s\n", value);
}

/* The entries are copied under the lock and printed after it, so that a
   slow terminal never keeps a writer waiting. */
static void
cmd_list(long hold_ms)
{
    static struct entry copy[KV_CAPACITY];
    const struct entry *sorted[KV_CAPACITY];
    struct store s;
    int n = 0;

    store_open(&s);
    read_lock(&s);
    hold(hold_ms);
    for (int i = 0; i < KV_CAPACITY; i++)
        if (s.t->e[i].used)
            copy[n++] = s.t->e[i];
    read_unlock(&s);
    store_close(&s);
    for (int i = 0; i < n; i++)
        sorted[i] = &copy[i];
    qsort(sorted, (size_t)n, sizeof sorted[0], by_name);
    for (int i = 0; i < n; i++)
        printf("%s %s\n", sorted[i]->name, sorted[i]->value[sorted[i]->cur]);
}

/* What the kernel holds, read before this process takes any lock (its
   own would show in the values), and then the number of entries, read
   under the read lock. */
static void
cmd_stats(long hold_ms)
{
    unsigned short vals[NSEMS];
    union semun arg = { .array = vals };
    struct semid_ds sds;
    union semun sarg = { .buf = &sds };
    struct shmid_ds ds;
    struct store s;
    int entries = 0;

    store_open(&s);
    if (shmctl(s.shmid, IPC_STAT, &ds) == -1)
        err_exit("shmctl(IPC_STAT)");
    if (semctl(s.semid, 0, IPC_STAT, sarg) == -1)
        err_exit("semctl(IPC_STAT)");
    if (sds.sem_nsems != NSEMS)
        fatal("the semaphore set has %lu semaphores, not %d", (unsigned long)sds.sem_nsems,
              NSEMS);
    if (semctl(s.semid, 0, GETALL, arg) == -1)
        err_exit("semctl(GETALL)");
    read_lock(&s);
    hold(hold_ms);
    for (int i = 0; i < KV_CAPACITY; i++)
        entries += s.t->e[i].used;
    read_unlock(&s);
    store_close(&s);
    printf("shmid %d\nsemid %d\nnattch %lu\nnsems %d\n", s.shmid, s.semid,
           (unsigned long)ds.shm_nattch, NSEMS);
    for (int i = 0; i < NSEMS; i++)
        printf("sem %d %u\n", i, vals[i]);
    printf("entries %d\ncapacity %d\n", entries, KV_CAPACITY);
}

/* ---- The command line ---- */

/* "--hold MS": MS as a number of milliseconds, or usage(). */
static long
parse_ms(const char *text)
{
    char *end;
    long ms;

    errno = 0;
    ms = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || ms < 0 || ms > KV_HOLD_MAX)
        usage();
    return ms;
}

int
main(int argc, char *argv[])
{
    long hold_ms = -1;
    int i = 1;
    const char *cmd;
    int nargs;

    if (i < argc && strcmp(argv[i], "--hold") == 0) {
        if (i + 1 >= argc)
            usage();
        hold_ms = parse_ms(argv[i + 1]);
        i += 2;
    }
    if (i >= argc)
        usage();
    cmd = argv[i++];
    nargs = argc - i;
    if (strcmp(cmd, "init") == 0 && nargs == 0 && hold_ms < 0)
        cmd_init();
    else if (strcmp(cmd, "remove") == 0 && nargs == 0 && hold_ms < 0)
        cmd_remove();
    else if (strcmp(cmd, "put") == 0 && nargs == 2 && kv_name_ok(argv[i]) &&
             kv_value_ok(argv[i + 1]))
        cmd_put(argv[i], argv[i + 1], hold_ms);
    else if (strcmp(cmd, "get") == 0 && nargs == 1 && kv_name_ok(argv[i]))
        cmd_get(argv[i], hold_ms);
    else if (strcmp(cmd, "del") == 0 && nargs == 1 && kv_name_ok(argv[i]))
        cmd_del(argv[i], hold_ms);
    else if (strcmp(cmd, "list") == 0 && nargs == 0)
        cmd_list(hold_ms);
    else if (strcmp(cmd, "stats") == 0 && nargs == 0)
        cmd_stats(hold_ms);
    else
        usage();
    if (fflush(stdout) == EOF)
        err_exit("fflush");
    return EXIT_SUCCESS;
}
