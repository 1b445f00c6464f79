/* ipcstate.c: see ipcstate.h. The /proc/sysvipc columns (Linux 6.x):
 *   shm: key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime ctime rss swap
 *   msg: key msqid perms cbytes qnum lspid lrpid uid gid cuid cgid stime rtime ctime
 *   sem: key semid perms nsems uid gid cuid cgid otime ctime
 * Keys are printed in signed decimal, perms in octal. */
#define _GNU_SOURCE
#include "ipcstate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

static const char *const proc_file[] = {
    [IPC_KIND_SHM] = "/proc/sysvipc/shm",
    [IPC_KIND_MSG] = "/proc/sysvipc/msg",
    [IPC_KIND_SEM] = "/proc/sysvipc/sem",
};

const char *
ipc_kind_name(enum ipc_kind kind)
{
    switch (kind) {
    case IPC_KIND_SHM: return "shared memory segment";
    case IPC_KIND_MSG: return "message queue";
    case IPC_KIND_SEM: return "semaphore set";
    }
    return "IPC object";
}

int
ipc_parse_line(enum ipc_kind kind, const char *line, struct ipc_obj *o)
{
    long long key, ids[4], times[3];
    unsigned long long a, b;
    unsigned mode;
    int id, n;

    memset(o, 0, sizeof *o);
    o->kind = kind;
    switch (kind) {
    case IPC_KIND_SHM:
        n = sscanf(line, "%lld %d %o %llu %lld %lld %llu %lld %lld %lld %lld %lld %lld %lld",
                   &key, &id, &mode, &a, &ids[0], &ids[1], &b, &ids[2], &ids[3],
                   &times[0], &times[1], &times[2], &o->dtime, &o->ctime);
        if (n != 14)
            return -1;
        o->size = a;
        o->count = b;
        o->cpid = (pid_t)ids[0];
        o->lpid = (pid_t)ids[1];
        o->uid = (uid_t)ids[2];
        o->gid = (gid_t)ids[3];
        o->cuid = (uid_t)times[0];
        o->cgid = (gid_t)times[1];
        o->atime = times[2];
        break;
    case IPC_KIND_MSG:
        n = sscanf(line, "%lld %d %o %llu %llu %lld %lld %lld %lld %lld %lld %lld %lld %lld",
                   &key, &id, &mode, &a, &b, &ids[0], &ids[1], &ids[2], &ids[3],
                   &times[0], &times[1], &o->atime, &o->dtime, &o->ctime);
        if (n != 14)
            return -1;
        o->size = a;
        o->count = b;
        o->cpid = (pid_t)ids[0];        /* last sender */
        o->lpid = (pid_t)ids[1];        /* last receiver */
        o->uid = (uid_t)ids[2];
        o->gid = (gid_t)ids[3];
        o->cuid = (uid_t)times[0];
        o->cgid = (gid_t)times[1];
        break;
    case IPC_KIND_SEM:
        n = sscanf(line, "%lld %d %o %llu %lld %lld %lld %lld %lld %lld",
                   &key, &id, &mode, &a, &ids[0], &ids[1], &ids[2], &ids[3],
                   &o->atime, &o->ctime);
        if (n != 10)
            return -1;
        o->size = a;
        o->uid = (uid_t)ids[0];
        o->gid = (gid_t)ids[1];
        o->cuid = (uid_t)ids[2];
        o->cgid = (gid_t)ids[3];
        break;
    default:
        return -1;
    }
    o->key = (key_t)key;
    o->id = id;
    o->mode = mode;
    return 0;
}

/* The kernel's lines are under 400 bytes; a longer one is not the kernel's. */
#define IPC_LINE_MAX 1024

/* ipc_parse_line() on the len bytes at line, copied out first. Read in
 * place, sscanf() went on past the newline (white space to it), so a short
 * line took its missing fields from the next one; and glibc's sscanf()
 * measures its whole input string first, which made a namespace with
 * thousands of objects quadratic (seconds a snapshot). */
static int
parse_line_at(enum ipc_kind kind, const char *line, size_t len, struct ipc_obj *o)
{
    char copy[IPC_LINE_MAX];

    if (len >= sizeof copy)
        return -1;
    memcpy(copy, line, len);
    copy[len] = '\0';
    return ipc_parse_line(kind, copy, o);
}

int
ipc_parse_text(enum ipc_kind kind, const char *text, struct ipc_set *set)
{
    const char *line = strchr(text, '\n');      /* skip the header */
    int rc = 0;

    while (line && *++line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        struct ipc_obj o;

        if (strspn(line, " \t") == len) {
            /* a blank line: nothing to read */
        } else if (parse_line_at(kind, line, len, &o) == 0) {
            set->obj = xrealloc(set->obj, (set->n + 1) * sizeof *set->obj);
            set->obj[set->n++] = o;
        } else {
            rc = -1;                            /* a non-blank line we cannot read */
        }
        line = nl;
    }
    return rc;
}

int
ipc_snapshot(struct ipc_set *set)
{
    enum ipc_kind kind;

    set->obj = NULL;
    set->n = 0;
    for (kind = IPC_KIND_SHM; kind <= IPC_KIND_SEM; kind++) {
        char *text = read_file_tail(proc_file[kind], 1 << 24, NULL, NULL);

        if (text == NULL || ipc_parse_text(kind, text, set) == -1) {
            free(text);
            ipc_set_free(set);
            return -1;
        }
        free(text);
    }
    return 0;
}

void
ipc_set_free(struct ipc_set *set)
{
    free(set->obj);
    set->obj = NULL;
    set->n = 0;
}

const struct ipc_obj *
ipc_find_id(const struct ipc_set *set, enum ipc_kind kind, int id)
{
    for (size_t i = 0; i < set->n; i++)
        if (set->obj[i].kind == kind && set->obj[i].id == id)
            return &set->obj[i];
    return NULL;
}

void
ipc_set_without(struct ipc_set *set, const struct ipc_set *other)
{
    size_t kept = 0;

    for (size_t i = 0; i < set->n; i++) {
        const struct ipc_obj *o = ipc_find_id(other, set->obj[i].kind, set->obj[i].id);

        if (o == NULL || o->cuid != set->obj[i].cuid)
            set->obj[kept++] = set->obj[i];
    }
    set->n = kept;
}

int
ipc_remove(enum ipc_kind kind, int id)
{
    return kind == IPC_KIND_SHM ? shmctl(id, IPC_RMID, NULL)
         : kind == IPC_KIND_MSG ? msgctl(id, IPC_RMID, NULL)
         : semctl(id, 0, IPC_RMID);
}

const struct ipc_obj *
ipc_find_key(const struct ipc_set *set, enum ipc_kind kind, key_t key)
{
    for (size_t i = 0; i < set->n; i++)
        if (set->obj[i].kind == kind && set->obj[i].key == key)
            return &set->obj[i];
    return NULL;
}

size_t
ipc_added(const struct ipc_set *before, const struct ipc_set *after,
          struct ipc_obj **added)
{
    size_t n = 0;

    *added = xcalloc(after->n, sizeof **added);
    for (size_t i = 0; i < after->n; i++)
        if (ipc_find_id(before, after->obj[i].kind, after->obj[i].id) == NULL)
            (*added)[n++] = after->obj[i];
    return n;
}

size_t
ipc_count(const struct ipc_set *set, enum ipc_kind kind)
{
    size_t n = 0;

    for (size_t i = 0; i < set->n; i++)
        n += set->obj[i].kind == kind;
    return n;
}

void
ipc_describe(const struct ipc_obj *o, struct strbuf *sb)
{
    char key[32];

    if (o->key == 0)
        snprintf(key, sizeof key, "IPC_PRIVATE");
    else
        snprintf(key, sizeof key, "0x%08x", (unsigned)o->key);
    switch (o->kind) {
    case IPC_KIND_SHM:
        sb_addf(sb, "a %lu-byte shared memory segment (id %d, key %s, mode %03o, "
                "%lu attached)", o->size, o->id, key, o->mode & 0777, o->count);
        break;
    case IPC_KIND_MSG:
        sb_addf(sb, "a message queue (id %d, key %s, mode %03o) holding %lu "
                "message%s (%lu bytes)", o->id, key, o->mode & 0777, o->count,
                o->count == 1 ? "" : "s", o->size);
        break;
    case IPC_KIND_SEM:
        sb_addf(sb, "a set of %lu semaphore%s (id %d, key %s, mode %03o)", o->size,
                o->size == 1 ? "" : "s", o->id, key, o->mode & 0777);
        break;
    }
}

void
ipc_removal_advice(const struct ipc_obj *o, struct strbuf *sb)
{
    switch (o->kind) {
    case IPC_KIND_SHM:
        sb_addf(sb, "`ipcs -m` shows it; remove it in your program with "
                "shmctl(shmid, IPC_RMID, NULL) (by hand: ipcrm -m %d)", o->id);
        break;
    case IPC_KIND_MSG:
        sb_addf(sb, "`ipcs -q` shows it; remove it in your program with "
                "msgctl(msqid, IPC_RMID, NULL) (by hand: ipcrm -q %d)", o->id);
        break;
    case IPC_KIND_SEM:
        sb_addf(sb, "`ipcs -s` shows it; remove it in your program with "
                "semctl(semid, 0, IPC_RMID) (by hand: ipcrm -s %d)", o->id);
        break;
    }
}
