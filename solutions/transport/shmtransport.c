/* Solution to exercise 10 (transport) */

/* shmtransport.c

   A transport (exercises/include/transport.h) that moves messages between
   a parent and its child through a System V shared memory segment, with
   System V semaphores saying when a slot may be written and when it may be
   read. Linked with the given driver (exercises/include/transport-driver.c)
   it is the program shmtransport:

       $ make
       $ ./shmtransport echo 8,1000,1048576 300
       parent-to-child 300 messages 104958400 bytes
       child-to-parent 300 messages 104958400 bytes

   The segment holds two rings of TP_SLOTS slots, one per direction. A
   message is cut into chunks of at most TP_SLOT_BYTES, one per slot, each
   carrying the length of the whole message. Each ring has exactly one
   writer and one reader, so two counting semaphores are enough and no lock
   is needed: the writer alone moves its index, the reader alone moves
   its own.

       sender, for each chunk               receiver, for each chunk
       take 1 from FREE(dir): a free slot   take 1 from FULL(dir): a full slot
       copy the chunk into the slot         copy the chunk out of the slot
       add 1 to FULL(dir)                   add 1 to FREE(dir)
       next slot (wrapping at TP_SLOTS)     next slot (wrapping at TP_SLOTS)

   While the writer fills one slot the reader can empty another: on two
   processors the two copies of a large message overlap.

   See chapters/10-choosing.md, "Exercise: shmtransport".
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <stdbool.h>
#include "ipcbook.h"
#include "transport.h"

/* ---- The shared layout: the grader checks it; do not change it. ---- */

#define TP_SLOTS        16              /* slots per direction */
#define TP_SLOT_BYTES   (256 * 1024)    /* message bytes one slot holds */

/* One slot: a chunk of a message. */
struct tp_slot {
    size_t msg_len;                 /* the length of the whole message */
    char data[TP_SLOT_BYTES];       /* this chunk's bytes */
};

/* The segment: ring[TP_PARENT] carries messages from the parent to the
 * child, ring[TP_CHILD] from the child to the parent. */
struct tp_shared {
    struct tp_slot ring[2][TP_SLOTS];
};

/* The semaphore set: two semaphores per direction (dir is the sender). */
#define SEM_FREE(dir)   (2 * (dir))         /* free slots: starts at TP_SLOTS */
#define SEM_FULL(dir)   (2 * (dir) + 1)     /* full slots: starts at 0 */
#define NSEMS           4

/* What each process keeps for itself. */
struct transport {
    int shmid;
    int semid;
    struct tp_shared *shared;       /* attached, or (void *) -1 */
    enum tp_side side;              /* which process this is */
    unsigned int send_slot;         /* the next slot this process fills */
    unsigned int recv_slot;         /* the next slot this process empties */
};

/* semctl()'s fourth argument: the caller must define it (semctl(2)). */
union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

/* Add op to semaphore num: wait (sleep) while the value is too low. A
   signal can end the wait early (EINTR): then try again. Return 0, or -1
   with errno (EIDRM: the set was removed). */
static int
sem_add(int semid, int num, int op)
{
    struct sembuf sop = { .sem_num = (unsigned short)num, .sem_op = (short)op, .sem_flg = 0 };

#ifdef TP_POLL
    /* Only in ipcbench's "shm-poll" (chapters/listings/10-choosing/bench/
       shmpoll.c builds this file again with TP_POLL defined): before a wait
       that may sleep, try TP_POLL times without waiting. A slot the other
       side frees or fills within those few microseconds then costs no sleep
       and no wake-up; a processor is busy meanwhile. */
    if (op < 0) {
        struct sembuf now = { sop.sem_num, sop.sem_op, IPC_NOWAIT };

        for (int i = 0; i < TP_POLL; i++) {
            if (semop(semid, &now, 1) == 0)
                return 0;
            if (errno != EAGAIN && errno != EINTR)
                return -1;
        }
    }
#endif
    while (semop(semid, &sop, 1) == -1)
        if (errno != EINTR)
            return -1;
    return 0;
}

/* Remove what create() made so far: the attachment, then the objects. */
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

/* The segment and the semaphore set, private to this parent and the child
   it will fork (the child inherits the attachment and both ids). */
static struct transport *
shm_create(void)
{
    unsigned short start[NSEMS] = { TP_SLOTS, 0, TP_SLOTS, 0 };
    union semun arg = { .array = start };
    struct transport *t = malloc(sizeof *t);

    if (t == NULL)
        return NULL;
    *t = (struct transport){ .shmid = -1, .semid = -1, .shared = (void *)-1,
                             .side = TP_PARENT };
    t->shmid = shmget(IPC_PRIVATE, sizeof(struct tp_shared), IPC_CREAT | 0600);
    if (t->shmid == -1)
        goto failed;
    t->shared = shmat(t->shmid, NULL, 0);
    if (t->shared == (void *)-1)
        goto failed;
    t->semid = semget(IPC_PRIVATE, NSEMS, IPC_CREAT | 0600);
    if (t->semid == -1)
        goto failed;
    if (semctl(t->semid, 0, SETALL, arg) == -1)
        goto failed;
    return t;
failed:
    undo_create(t);
    return NULL;
}

static int
shm_attach(struct transport *t, enum tp_side side)
{
    t->side = side;
    t->send_slot = 0;
    t->recv_slot = 0;
    return 0;
}

static int
shm_send(struct transport *t, const void *buf, size_t len)
{
    int dir = t->side;
    size_t done = 0;

    if (len > TP_MAX_MESSAGE) {
        errno = EMSGSIZE;
        return -1;
    }
    do {                            /* at least one chunk, even for 0 bytes */
        struct tp_slot *slot = &t->shared->ring[dir][t->send_slot];
        size_t n = len - done < TP_SLOT_BYTES ? len - done : TP_SLOT_BYTES;

        if (sem_add(t->semid, SEM_FREE(dir), -1) == -1)
            return -1;
        slot->msg_len = len;
        memcpy(slot->data, (const char *)buf + done, n);
        if (sem_add(t->semid, SEM_FULL(dir), +1) == -1)
            return -1;
        t->send_slot = (t->send_slot + 1) % TP_SLOTS;
        done += n;
    } while (done < len);
    return 0;
}

static ssize_t
shm_recv(struct transport *t, void *buf, size_t cap)
{
    int dir = t->side == TP_PARENT ? TP_CHILD : TP_PARENT;     /* the sender's */
    size_t len = 0, done = 0;

    do {
        struct tp_slot *slot = &t->shared->ring[dir][t->recv_slot];
        size_t n;

        if (sem_add(t->semid, SEM_FULL(dir), -1) == -1)
            return -1;
        if (done == 0) {
            len = slot->msg_len;
            if (len > cap) {
                errno = EMSGSIZE;
                return -1;
            }
        }
        n = len - done < TP_SLOT_BYTES ? len - done : TP_SLOT_BYTES;
        memcpy((char *)buf + done, slot->data, n);
        if (sem_add(t->semid, SEM_FREE(dir), +1) == -1)
            return -1;
        t->recv_slot = (t->recv_slot + 1) % TP_SLOTS;
        done += n;
    } while (done < len);
    return (ssize_t)len;
}

/* Detach; the parent, last, also removes the segment and the set. */
static int
shm_close(struct transport *t)
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

const struct transport_ops transport_sysv_shm = {
#ifdef TP_POLL
    .name = "shm-poll",
    .what = "sysv-shm, polling a little (IPC_NOWAIT) before it sleeps",
#else
    .name = "sysv-shm",
    .what = "System V shared memory, two rings of 16 x 256 KiB, semaphores",
#endif
    .create = shm_create,
    .attach = shm_attach,
    .send = shm_send,
    .recv = shm_recv,
    .close = shm_close,
};
