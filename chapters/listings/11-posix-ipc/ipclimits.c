/* Listing A-8 (appendix A, posix-ipc) */

/* ipclimits.c

   The ten System V IPC limits in /proc/sys/kernel: print each one's value
   in this IPC namespace, then go over it on purpose and print the error
   the call gets. To go over a limit without using up the machine,
   ipclimits lowers it for a moment, makes the call, and puts the old
   value back.

   Changing a limit needs root in the IPC namespace, and ipclimits refuses
   to run in the initial namespace, whose limits every program shares.
   Run it in a namespace of its own:

   Usage: unshare --ipc ipclimits                                 (as root)
          unshare --user --map-root-user --ipc ipclimits          (as anyone)

       limit   value in this namespace  unit        over it, the call fails
       shmmax  18446744073692774399     bytes       shmget(): EINVAL
       ...
*/
#define _GNU_SOURCE             /* strerrorname_np() */
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <stdbool.h>

#include "ipcbook.h"

#define SEM_FILE "/proc/sys/kernel/sem"
#define TEXT_SIZE 128           /* holds a line of /proc/sys/kernel */

struct limit {
    const char *name;           /* as in /proc/sys/kernel and the man pages */
    int field;                  /* 0: its own file; 1-4: a field of SEM_FILE */
    const char *unit;
    long lowered;               /* the value to go over */
    const char *(*go_over)(void);   /* returns the call it made, errno set */
};

/* ---- Going over each limit ---------------------------------------------
   Each function makes one call that needs more than the lowered limit
   allows, and returns the call's name with errno set by it (errno 0 if
   the call worked). It removes whatever it made. */

static int saved_errno;         /* the call's errno, kept across the cleanup */

static const char *
result(const char *call, int ok)
{
    errno = ok ? 0 : saved_errno;
    return call;
}

static const char *
shm_of(size_t size)             /* a segment of SIZE bytes */
{
    int id = shmget(IPC_PRIVATE, size, 0600);
    saved_errno = errno;
    if (id != -1 && shmctl(id, IPC_RMID, NULL) == -1)
        err_exit("shmctl(IPC_RMID)");
    return result("shmget", id != -1);
}

/* With shmmax 4096, shmall 1 page and shmmni 0: */
static const char *shmmax_over(void) { return shm_of(8192); }
static const char *shmall_over(void) { return shm_of(8192); }
static const char *shmmni_over(void) { return shm_of(1); }

static const char *
msg_of(size_t size)             /* a message of SIZE bytes in a new queue */
{
    static struct { long mtype; char mtext[8192]; } msg = { .mtype = 1 };
    int id = msgget(IPC_PRIVATE, 0600);
    if (id == -1)
        err_exit("msgget");
    int r = msgsnd(id, &msg, size, IPC_NOWAIT);
    saved_errno = errno;
    if (msgctl(id, IPC_RMID, NULL) == -1)
        err_exit("msgctl(IPC_RMID)");
    return result("msgsnd", r != -1);
}

/* With msgmax 100, and with msgmnb 100: */
static const char *msgmax_over(void) { return msg_of(101); }
static const char *msgmnb_over(void) { return msg_of(101); }

static const char *
msgmni_over(void)               /* msgmni 0 */
{
    int id = msgget(IPC_PRIVATE, 0600);
    saved_errno = errno;
    if (id != -1 && msgctl(id, IPC_RMID, NULL) == -1)
        err_exit("msgctl(IPC_RMID)");
    return result("msgget", id != -1);
}

static const char *
sem_of(int nsems)               /* a set of NSEMS semaphores */
{
    int id = semget(IPC_PRIVATE, nsems, 0600);
    saved_errno = errno;
    if (id != -1 && semctl(id, 0, IPC_RMID) == -1)
        err_exit("semctl(IPC_RMID)");
    return result("semget", id != -1);
}

/* With semmsl 10, semmns 10 and semmni 0: */
static const char *semmsl_over(void) { return sem_of(11); }
static const char *semmns_over(void) { return sem_of(11); }
static const char *semmni_over(void) { return sem_of(1); }

static const char *
semopm_over(void)               /* semopm 1: two operations in one call */
{
    struct sembuf ops[2] = { { 0, +1, IPC_NOWAIT }, { 0, +1, IPC_NOWAIT } };
    int id = semget(IPC_PRIVATE, 1, 0600);
    if (id == -1)
        err_exit("semget");
    int r = semop(id, ops, 2);
    saved_errno = errno;
    if (semctl(id, 0, IPC_RMID) == -1)
        err_exit("semctl(IPC_RMID)");
    return result("semop", r != -1);
}

static const struct limit limits[] = {
    { "shmmax", 0, "bytes",      4096, shmmax_over },
    { "shmall", 0, "pages",      1,    shmall_over },
    { "shmmni", 0, "segments",   0,    shmmni_over },
    { "msgmax", 0, "bytes",      100,  msgmax_over },
    { "msgmnb", 0, "bytes",      100,  msgmnb_over },
    { "msgmni", 0, "queues",     0,    msgmni_over },
    { "semmsl", 1, "semaphores", 10,   semmsl_over },
    { "semmns", 2, "semaphores", 10,   semmns_over },
    { "semopm", 3, "operations", 1,    semopm_over },
    { "semmni", 4, "sets",       0,    semmni_over },
};

/* ---- Reading and writing /proc/sys/kernel ------------------------------ */

/* Read the text of PATH (one line) into BUF, without the newline. */
static void
read_text(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        err_exit("open %s", path);
    if (fgets(buf, (int) size, f) == NULL)
        fatal("%s: cannot read a line", path);
    buf[strcspn(buf, "\n")] = '\0';
    fclose(f);
}

static void
write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        err_exit("open %s for writing", path);
    /* The kernel checks the value when the buffer is written out. */
    if (fprintf(f, "%s\n", text) < 0 || fclose(f) == EOF)
        err_exit("write %s to %s", text, path);
}

static const char *
path_of(const struct limit *lim, char *buf, size_t size)
{
    if (lim->field != 0)
        return SEM_FILE;
    snprintf(buf, size, "/proc/sys/kernel/%s", lim->name);
    return buf;
}

/* The value of LIM as the kernel prints it, into VALUE. */
static void
limit_value(const struct limit *lim, char *value, size_t size)
{
    char path[64], line[TEXT_SIZE];
    char *field, *rest;

    read_text(path_of(lim, path, sizeof path), line, sizeof line);
    if (lim->field == 0) {
        snprintf(value, size, "%s", line);
        return;
    }
    field = strtok_r(line, " \t", &rest);
    for (int i = 1; i < lim->field && field != NULL; i++)
        field = strtok_r(NULL, " \t", &rest);
    if (field == NULL)
        fatal("%s: fewer than 4 numbers", SEM_FILE);
    snprintf(value, size, "%s", field);
}

/* Set LIM to NEWVAL; return the file's old text, to put back. */
static void
limit_set(const struct limit *lim, long newval, char *old, size_t size)
{
    char path[64], text[TEXT_SIZE];
    long sem[4];
    const char *file = path_of(lim, path, sizeof path);

    read_text(file, old, size);
    if (lim->field == 0) {
        snprintf(text, sizeof text, "%ld", newval);
    } else {
        if (sscanf(old, "%ld %ld %ld %ld", &sem[0], &sem[1], &sem[2],
                   &sem[3]) != 4)
            fatal("%s: fewer than 4 numbers", SEM_FILE);
        sem[lim->field - 1] = newval;
        snprintf(text, sizeof text, "%ld %ld %ld %ld",
                 sem[0], sem[1], sem[2], sem[3]);
    }
    write_text(file, text);
}

/* True if this process is in the initial IPC namespace, the one every
   program shares unless it is given another, or if we cannot tell. The
   initial namespace's inode number is always 0xEFFFFFFF (PROC_IPC_INIT_INO
   in the kernel's <linux/proc_ns.h>); "ls -l /proc/self/ns" shows it. */
static bool
in_initial_namespace(void)
{
    struct stat ns;

    if (stat("/proc/self/ns/ipc", &ns) == -1) {
        err_msg("stat /proc/self/ns/ipc");
        return true;
    }
    return ns.st_ino == 0xEFFFFFFFu;
}

int
main(int argc, char *argv[])
{
    char value[TEXT_SIZE], old[TEXT_SIZE], path[64];

    (void) argv;
    if (argc != 1)
        usage_err("(no arguments; run it as: unshare --ipc ipclimits)\n");
    if (in_initial_namespace())
        fatal("this changes the limits of every program here: "
              "run it in an IPC namespace of its own (unshare --ipc)");

    printf("%-7s %-24s %-11s %s\n", "limit", "value in this namespace", "unit",
           "over it, the call fails");
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        const struct limit *lim = &limits[i];

        // ANCHOR: over
        limit_value(lim, value, sizeof value);
        limit_set(lim, lim->lowered, old, sizeof old);
        const char *call = lim->go_over();
        int err = errno;
        write_text(path_of(lim, path, sizeof path), old);   /* put it back */
        // ANCHOR_END: over

        printf("%-7s %-24s %-11s %s(): %s\n", lim->name, value, lim->unit,
               call, err == 0 ? "worked (the limit did not apply)"
                              : strerrorname_np(err));
    }
    return 0;
}
