/* Exercise 10 (transport): shmtransport.c */

/* shmtransport.c

   A transport (../include/transport.h) that moves messages between a
   parent and its child through a System V shared memory segment, with
   System V semaphores saying when a slot may be written and when it may be
   read. Linked with the given driver (../include/transport-driver.c) it is
   the program shmtransport:

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

   As given, it compiles and runs, but it makes no kernel object and
   moves nothing: every message arrives empty. Fill in the places marked
   TODO(transport). See chapters/10-choosing.md, "Exercise: shmtransport".
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <stdbool.h>
#include "ipcbook.h"
#include "transport.h"

// ANCHOR: layout
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
// ANCHOR_END: layout

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
    /* TODO(transport): one semop() on semaphore num of semid, with
       sem_op = op and no flag (no SEM_UNDO: these are counts, not a lock),
       repeated as long as it fails with EINTR. See chapters/10-choosing.md,
       "A transport in shared memory". */
    (void)semid;
    (void)num;
    (void)op;
    return 0;
}

/* Remove what create() made so far, then free t; errno is kept. */
static void
undo_create(struct transport *t)
{
    int saved = errno;

    /* TODO(transport): shmdt() the segment if it is attached, and remove
       the segment (shmctl IPC_RMID) and the set (semctl IPC_RMID) if they
       were made (their ids are not -1). A failed create() must leave
       nothing behind. See chapters/10-choosing.md, "Cleaning up: who
       removes what". */
    free(t);
    errno = saved;
}

/* The segment and the semaphore set, private to this parent and the child
   it will fork (the child inherits the attachment and both ids). */
static struct transport *
shm_create(void)
{
    struct transport *t = malloc(sizeof *t);

    if (t == NULL)
        return NULL;
    *t = (struct transport){ .shmid = -1, .semid = -1, .shared = (void *)-1,
                             .side = TP_PARENT };
    /* TODO(transport): make the segment, sizeof(struct tp_shared) bytes
       (shmget with IPC_PRIVATE, IPC_CREAT | 0600), attach it (shmat), make
       a set of NSEMS semaphores (semget with IPC_PRIVATE, IPC_CREAT |
       0600) and give them their first values in one semctl(SETALL): free
       slots TP_SLOTS, full slots 0, in each direction. When a step fails,
       undo_create(t) and return NULL. See chapters/10-choosing.md, "A
       transport in shared memory". */
    (void)undo_create;     /* (delete this line once you call undo_create()) */
    return t;
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
    if (len > TP_MAX_MESSAGE) {
        errno = EMSGSIZE;
        return -1;
    }
    /* TODO(transport): send the message in chunks of at most TP_SLOT_BYTES
       through ring[t->side], at least one chunk (a message of 0 bytes is
       one empty chunk). For each chunk: take 1 from SEM_FREE(dir), write
       msg_len and the bytes into slot[t->send_slot], add 1 to
       SEM_FULL(dir), move send_slot on, back to 0 after the last slot.
       Return -1 if a semaphore operation fails. See chapters/10-choosing.md,
       "A transport in shared memory". */
    (void)sem_add;         /* (delete these lines once you use them) */
    (void)t;
    (void)buf;
    return 0;
}

static ssize_t
shm_recv(struct transport *t, void *buf, size_t cap)
{
    /* TODO(transport): the mirror image, on the other side's ring: for
       each chunk take 1 from SEM_FULL(dir), read msg_len from the first
       chunk (fail with EMSGSIZE if it is more than cap), copy the chunk's
       bytes to their place in buf, add 1 to SEM_FREE(dir), move recv_slot
       on; stop once msg_len bytes are copied, and return msg_len. See
       chapters/10-choosing.md, "A transport in shared memory". */
    (void)t;
    (void)buf;
    (void)cap;
    return 0;
}

/* Detach; the parent, last, also removes the segment and the set. */
static int
shm_close(struct transport *t)
{
    int rc = 0;

    /* TODO(transport): shmdt() the segment; in the parent (t->side is
       TP_PARENT) also remove the segment (shmctl IPC_RMID) and the set
       (semctl IPC_RMID). Try every step even if one fails; return -1 with
       the first failure's errno. See chapters/10-choosing.md, "Cleaning up:
       who removes what". */
    free(t);
    return rc;
}

const struct transport_ops transport_sysv_shm = {
    .name = "sysv-shm",
    .what = "System V shared memory, two rings of 16 x 256 KiB, semaphores",
    .create = shm_create,
    .attach = shm_attach,
    .send = shm_send,
    .recv = shm_recv,
    .close = shm_close,
};
