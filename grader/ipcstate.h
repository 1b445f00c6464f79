/* ipcstate.h: the System V IPC objects of the current IPC namespace, as the
 * kernel lists them in /proc/sysvipc/{shm,msg,sem}: snapshots, differences,
 * and descriptions in a student's words. */
#ifndef IPCSTATE_H
#define IPCSTATE_H

#include <stddef.h>
#include <sys/types.h>

#include "util.h"

enum ipc_kind { IPC_KIND_SHM, IPC_KIND_MSG, IPC_KIND_SEM };

struct ipc_obj {
    enum ipc_kind kind;
    key_t key;
    int id;
    unsigned mode;                  /* the 9 permission bits (and SHM_DEST etc.) */
    uid_t uid, cuid;
    gid_t gid, cgid;
    unsigned long size;             /* shm: bytes; msg: bytes queued; sem: nsems */
    unsigned long count;            /* shm: nattch; msg: qnum; sem: 0 */
    pid_t cpid, lpid;               /* shm: creator, last shmat/shmdt; msg: lspid, lrpid */
    long long atime, dtime, ctime;  /* shm: attach, detach, change; msg: send, receive, change */
};

struct ipc_set {
    struct ipc_obj *obj;
    size_t n;
};

/* Parse one data line of /proc/sysvipc/<kind>. Return 0, or -1 if malformed. */
int ipc_parse_line(enum ipc_kind kind, const char *line, struct ipc_obj *o);
/* Parse a whole /proc/sysvipc/<kind> file (header line first); appends to set. */
int ipc_parse_text(enum ipc_kind kind, const char *text, struct ipc_set *set);
/* Every object of the calling process's IPC namespace. Return 0 or -1. */
int ipc_snapshot(struct ipc_set *set);
void ipc_set_free(struct ipc_set *set);

const struct ipc_obj *ipc_find_id(const struct ipc_set *set, enum ipc_kind kind, int id);
const struct ipc_obj *ipc_find_key(const struct ipc_set *set, enum ipc_kind kind, key_t key);
/* Objects in after that were not in before (same kind and id); caller frees. */
size_t ipc_added(const struct ipc_set *before, const struct ipc_set *after,
                 struct ipc_obj **added);
size_t ipc_count(const struct ipc_set *set, enum ipc_kind kind);
/* Drop from set every object that is also in other (same kind, id and
 * creator): what a shared namespace held before a test began. */
void ipc_set_without(struct ipc_set *set, const struct ipc_set *other);
/* IPC_RMID the object of that kind and id. Return 0 or -1 with errno. */
int ipc_remove(enum ipc_kind kind, int id);

/* "a 4096-byte shared memory segment (id 3, key 0x4b1d0001, mode 600)" */
void ipc_describe(const struct ipc_obj *o, struct strbuf *sb);
/* "see it with ipcs -m -i 3; your program removes it with shmctl(id, IPC_RMID, NULL)" */
void ipc_removal_advice(const struct ipc_obj *o, struct strbuf *sb);
const char *ipc_kind_name(enum ipc_kind kind);

#endif
