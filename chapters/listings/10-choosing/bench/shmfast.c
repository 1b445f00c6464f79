/* shmfast.c: transport_shm_fast (chapter 10, choosing). System V shared
   memory again, with as many bytes each way as the exercise's ring (4 MiB),
   but the kernel is called only to sleep and to wake.

   The exercise's transport (sysv-shm) makes two semop() calls per chunk
   on each side, even when nobody has to sleep. Here each ring carries two
   counters in the segment itself: `written`, the chunks its sender has
   filled since the start, and `taken`, the chunks its receiver has
   emptied. The sender may fill slot written % SLOTS while
   written - taken < SLOTS; the receiver may empty slot taken % SLOTS while
   taken < written. Each reads the other's counter and moves its own with
   C11 atomics: loads and stores of the processor, no system call.

   Only a side that finds nothing to do goes to the kernel. It writes in
   the segment what it waits for ("wake me when taken reaches N"), checks
   once more, and sleeps in semop() on its own semaphore. The other side,
   each time it moves its counter, looks whether someone waits for that
   value and only then wakes them, with semctl(SETVAL, 1).

   The order of those steps is what makes it safe. The sleeper announces
   itself before its last check; the waker moves its counter before it
   looks for a sleeper; both use sequentially consistent atomics. So at
   least one sees the other: the waker sees the sleeper, or the sleeper's
   last check sees the new counter, and no wake-up is lost. A wake-up that
   arrives when it is no longer needed leaves the semaphore at 1: the next
   semop() returns at once, the loop checks again and then sleeps for
   real. SETVAL, not +1, keeps each semaphore at 0 or 1 whatever happens.

   A sleeper asks for a batch, not for one slot: a quarter of the ring, or
   the rest of its message when that is less. It is woken once per batch.

   The ring has 64 slots of 64 KiB, where the exercise has 16 of 256 KiB:
   a chunk costs no system call here, so smaller chunks cost nothing, and
   four times as many small messages fit before the sender has to wait.
*/
#include <stdatomic.h>
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include "ipcbook.h"
#include "transport.h"

#define SLOTS       64
#define SLOT_BYTES  (64 * 1024)
#define BATCH       (SLOTS / 4)     /* slots a sleeper waits for, at most */

typedef _Atomic unsigned long counter;

/* A chunk, as in the exercise; its data starts on a cache line of its own. */
struct slot {
    size_t msg_len;
    char pad[56];
    char data[SLOT_BYTES];
};

/* One direction. Each counter has a cache line to itself, so that moving
   one does not take the other's line away from the other processor. */
struct ring {
    _Alignas(64) counter written;       /* chunks filled, moved by the sender */
    _Alignas(64) counter taken;         /* chunks emptied, moved by the receiver */
    _Alignas(64) counter reader_wants;  /* 0, or the receiver sleeps until written >= it */
    _Alignas(64) counter writer_wants;  /* 0, or the sender sleeps until taken >= it */
    struct slot slot[SLOTS];
};

struct shared {
    struct ring ring[2];                /* [TP_PARENT]: parent to child */
};

/* The semaphores, one per sleeper: 0 or 1, "wake up". */
#define SEM_DATA(dir)   (2 * (dir))         /* the receiver of ring dir */
#define SEM_ROOM(dir)   (2 * (dir) + 1)     /* the sender of ring dir */
#define NSEMS           4

struct transport {
    int shmid;
    int semid;
    struct shared *shared;              /* attached, or (void *) -1 */
    enum tp_side side;
};

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

// ANCHOR: sleep
/* Sleep on semaphore num until *progress >= target; *wants tells the
   other side so. Return 0, or -1 with errno (EIDRM: the set was removed). */
static int
wait_for(int semid, int num, counter *progress, unsigned long target, counter *wants)
{
    struct sembuf down = { .sem_num = (unsigned short)num, .sem_op = -1, .sem_flg = 0 };
    int rc = 0;

    while (atomic_load_explicit(progress, memory_order_acquire) < target) {
        atomic_store(wants, target);                /* announce, then check again */
        if (atomic_load(progress) >= target)
            break;
        if (semop(semid, &down, 1) == -1 && errno != EINTR) {
            rc = -1;
            break;
        }
    }
    atomic_store(wants, 0);
    return rc;
}
// ANCHOR_END: sleep

// ANCHOR: wake
/* *progress has just reached now: wake the other side if it sleeps until
   that. Return 0, or -1 with errno. */
static int
wake_if_waiting(int semid, int num, unsigned long now, counter *wants)
{
    unsigned long target = atomic_load(wants);
    union semun one = { .val = 1 };

    if (target == 0 || now < target || atomic_exchange(wants, 0) == 0)
        return 0;
    return semctl(semid, num, SETVAL, one);
}
// ANCHOR_END: wake

static unsigned long
chunks_of(size_t len)
{
    return len == 0 ? 1 : (len + SLOT_BYTES - 1) / SLOT_BYTES;
}

static unsigned long
batch_of(unsigned long chunks_left)
{
    return chunks_left < BATCH ? chunks_left : BATCH;
}

static void
undo_create(struct transport *t)
{
    int saved = errno;

    if (t->shared != (void *)-1)
        shmdt(t->shared);
    if (t->shmid != -1)
        shmctl(t->shmid, IPC_RMID, NULL);
    if (t->semid != -1)
        semctl(t->semid, 0, IPC_RMID);
    free(t);
    errno = saved;
}

static struct transport *
fast_create(void)
{
    unsigned short zeros[NSEMS] = { 0 };
    union semun arg = { .array = zeros };
    struct transport *t = malloc(sizeof *t);

    if (t == NULL)
        return NULL;
    *t = (struct transport){ .shmid = -1, .semid = -1, .shared = (void *)-1,
                             .side = TP_PARENT };
    /* shmget() hands out zeroed memory: every counter starts at 0. */
    t->shmid = shmget(IPC_PRIVATE, sizeof(struct shared), IPC_CREAT | 0600);
    if (t->shmid == -1)
        goto failed;
    t->shared = shmat(t->shmid, NULL, 0);
    if (t->shared == (void *)-1)
        goto failed;
    t->semid = semget(IPC_PRIVATE, NSEMS, IPC_CREAT | 0600);
    if (t->semid == -1 || semctl(t->semid, 0, SETALL, arg) == -1)
        goto failed;
    return t;
failed:
    undo_create(t);
    return NULL;
}

static int
fast_attach(struct transport *t, enum tp_side side)
{
    t->side = side;
    return 0;
}

static int
fast_send(struct transport *t, const void *buf, size_t len)
{
    int dir = t->side;
    struct ring *r = &t->shared->ring[dir];
    unsigned long n = chunks_of(len);
    unsigned long w = atomic_load_explicit(&r->written, memory_order_relaxed);
    size_t done = 0;

    if (len > TP_MAX_MESSAGE) {
        errno = EMSGSIZE;
        return -1;
    }
    for (unsigned long i = 0; i < n; i++, w++) {
        struct slot *s = &r->slot[w % SLOTS];
        size_t k = len - done < SLOT_BYTES ? len - done : SLOT_BYTES;

        if (w - atomic_load_explicit(&r->taken, memory_order_acquire) >= SLOTS &&
            wait_for(t->semid, SEM_ROOM(dir), &r->taken, w + batch_of(n - i) - SLOTS,
                     &r->writer_wants) == -1)
            return -1;
        s->msg_len = len;
        memcpy(s->data, (const char *)buf + done, k);
        done += k;
        atomic_store(&r->written, w + 1);   /* publishes the chunk */
        if (wake_if_waiting(t->semid, SEM_DATA(dir), w + 1, &r->reader_wants) == -1)
            return -1;
    }
    return 0;
}

static ssize_t
fast_recv(struct transport *t, void *buf, size_t cap)
{
    int dir = t->side == TP_PARENT ? TP_CHILD : TP_PARENT;     /* the sender's */
    struct ring *r = &t->shared->ring[dir];
    unsigned long n = 1;                    /* until the first chunk says */
    unsigned long tk = atomic_load_explicit(&r->taken, memory_order_relaxed);
    size_t len = 0, done = 0;

    for (unsigned long i = 0; i < n; i++, tk++) {
        struct slot *s = &r->slot[tk % SLOTS];
        size_t k;

        if (atomic_load_explicit(&r->written, memory_order_acquire) <= tk &&
            wait_for(t->semid, SEM_DATA(dir), &r->written, tk + batch_of(n - i),
                     &r->reader_wants) == -1)
            return -1;
        if (i == 0) {
            len = s->msg_len;
            if (len > cap) {
                errno = EMSGSIZE;
                return -1;
            }
            n = chunks_of(len);
        }
        k = len - done < SLOT_BYTES ? len - done : SLOT_BYTES;
        memcpy((char *)buf + done, s->data, k);
        done += k;
        atomic_store(&r->taken, tk + 1);    /* gives the slot back */
        if (wake_if_waiting(t->semid, SEM_ROOM(dir), tk + 1, &r->writer_wants) == -1)
            return -1;
    }
    return (ssize_t)len;
}

static int
fast_close(struct transport *t)
{
    int rc = 0, err = 0;

    if (t->shared != (void *)-1 && shmdt(t->shared) == -1)
        rc = -1, err = errno;
    if (t->side == TP_PARENT) {
        if (shmctl(t->shmid, IPC_RMID, NULL) == -1 && rc == 0)
            rc = -1, err = errno;
        if (semctl(t->semid, 0, IPC_RMID) == -1 && rc == 0)
            rc = -1, err = errno;
    }
    free(t);
    errno = err;
    return rc;
}

const struct transport_ops transport_shm_fast = {
    .name = "shm-fast",
    .what = "System V shared memory, 64 x 64 KiB each way, counters in the segment, "
            "semop() only to sleep",
    .create = fast_create,
    .attach = fast_attach,
    .send = fast_send,
    .recv = fast_recv,
    .close = fast_close,
};
