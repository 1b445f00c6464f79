/* Exercise 8 (msgctl): skeleton */

/* msgadmin.c

   Look after the System V message queues of this machine with msgctl():
   show a queue's attributes, change its capacity, remove it, list every
   queue, and show the system's limits and usage.

   Usage: msgadmin stat MSQID
          msgadmin set-qbytes MSQID BYTES
          msgadmin remove MSQID
          msgadmin list
          msgadmin limits

       $ ./msgadmin list
       msqid      key         mode     qnum   cbytes   qbytes
       0          0x4b1d0008  0640        2      100    16384
       $ ./msgadmin set-qbytes 0 1000
       qbytes   1000
       $ ./msgadmin limits
       msgmax   8192
       ...

   Every value printed is the kernel's own, as msgctl() reports it.

   What to do: read chapters/08-msgctl.md, then fill in the places marked
   TODO(msgctl), one msgctl() command per subcommand: IPC_STAT in
   cmd_stat(), IPC_STAT and IPC_SET in cmd_set_qbytes(), IPC_RMID in
   cmd_remove(), MSG_INFO and MSG_STAT in cmd_list(), IPC_INFO and
   MSG_INFO in cmd_limits(). The argument parsing and most of the printing
   are done for you. As given, the program runs but prints zeros and
   changes nothing. Build with "make"; grade from the top of the
   repository with "bin/ipcgrade grade msgctl".
*/
#define _GNU_SOURCE     /* IPC_INFO; MSG_INFO, MSG_STAT need no more */
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <ctype.h>
#include <limits.h>
#include <time.h>
#include "ipcbook.h"

/* Print the usage text and what was wrong (FMT, as for printf); exit with
   status 2. */
__attribute__((noreturn, format(printf, 1, 2))) static void
usage(const char *fmt, ...)
{
    const char *name = program_invocation_short_name;
    char why[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);

    usage_err("stat MSQID\n"
              "       %s set-qbytes MSQID BYTES\n"
              "       %s remove MSQID\n"
              "       %s list\n"
              "       %s limits\n"
              "%s\n", name, name, name, name, why);
}

/* Return TEXT as a number from 0 to MAX (decimal, 0x hex or 0 octal);
   WHAT names it in the usage message. */
static unsigned long
parse_number(const char *text, unsigned long max, const char *what)
{
    char *end;
    unsigned long n;

    errno = 0;
    n = strtoul(text, &end, 0);
    if (!isdigit((unsigned char) text[0]) || *end != '\0' || errno != 0 || n > max)
        usage("%s \"%s\" is not a number from 0 to %lu", what, text, max);
    return n;
}

/* Print "LABEL    SECONDS (DATE)" for a time from struct msqid_ds; 0 means
   "never". */
static void
print_time(const char *label, time_t t)
{
    char date[64] = "never";

    if (t != 0)
        strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", localtime(&t));
    printf("%-8s %lld (%s)\n", label, (long long) t, date);
}

/* msgadmin stat MSQID: every field of IPC_STAT's struct msqid_ds. */
static void
cmd_stat(int msqid)
{
    struct msqid_ds ds;

    memset(&ds, 0, sizeof(ds));     /* TODO(msgctl): delete: IPC_STAT fills ds */

    /* TODO(msgctl): msgctl(msqid, IPC_STAT, &ds) copies the kernel's
       record of the queue into ds. On failure (EINVAL: no queue has this
       id; EACCES: no read permission), err_exit("msgctl(IPC_STAT)"), and
       print nothing. See "IPC_STAT: reading a queue's attributes" in
       chapters/08-msgctl.md. */

    printf("%-8s %d\n", "msqid", msqid);
    printf("%-8s 0x%08x\n", "key", (unsigned int) ds.msg_perm.__key);
    printf("%-8s %04o\n", "mode", (unsigned int) ds.msg_perm.mode & 0777);
    printf("%-8s %ld\n", "uid", (long) ds.msg_perm.uid);
    printf("%-8s %ld\n", "gid", (long) ds.msg_perm.gid);
    printf("%-8s %ld\n", "cuid", (long) ds.msg_perm.cuid);
    printf("%-8s %ld\n", "cgid", (long) ds.msg_perm.cgid);
    /* TODO(msgctl): print the right fields of ds instead of these zeros:
       qnum is the number of messages in the queue now, cbytes the bytes
       they hold (msg_cbytes), qbytes the capacity, the most bytes the
       queue may hold; lspid and lrpid the
       last sender and receiver; stime, rtime and ctime the times of the
       last send, receive and change. See "struct msqid_ds" in
       chapters/08-msgctl.md. */
    printf("%-8s %lu\n", "qnum", 0UL);
    printf("%-8s %lu\n", "cbytes", 0UL);
    printf("%-8s %lu\n", "qbytes", 0UL);
    printf("%-8s %ld\n", "lspid", 0L);
    printf("%-8s %ld\n", "lrpid", 0L);
    print_time("stime", 0);
    print_time("rtime", 0);
    print_time("ctime", 0);
}

/* msgadmin set-qbytes MSQID BYTES: change the queue's capacity. */
static void
cmd_set_qbytes(int msqid, unsigned long bytes)
{
    /* TODO(msgctl): IPC_SET copies msg_perm.uid, msg_perm.gid,
       msg_perm.mode and msg_qbytes from a struct msqid_ds into the queue.
       So: first msgctl(msqid, IPC_STAT, &ds), so that ds holds the
       queue's own owner and mode; then set ds.msg_qbytes = bytes and call
       msgctl(msqid, IPC_SET, &ds). On failure, err_exit() with the
       command's name, e.g. err_exit("msgctl(IPC_SET)"): EPERM comes when
       bytes is above MSGMNB and the process is not privileged. Then read
       the queue again with IPC_STAT and print the kernel's msg_qbytes:
       printf("%-8s %lu\n", "qbytes", ...). See "IPC_SET: changing a
       queue" in chapters/08-msgctl.md. */
    (void) msqid;       /* TODO(msgctl): delete these two lines once you */
    (void) bytes;       /* use msqid and bytes above. */
    printf("%-8s %lu\n", "qbytes", 0UL);
}

/* msgadmin remove MSQID */
static void
cmd_remove(int msqid)
{
    /* TODO(msgctl): msgctl(msqid, IPC_RMID, NULL); on failure,
       err_exit("msgctl(IPC_RMID)"). See "IPC_RMID: removing a queue" in
       chapters/08-msgctl.md. */
    printf("removed msqid %d\n", msqid);
}

/* msgadmin list: one line per queue, like ipcs -q. */
static void
cmd_list(void)
{
    struct msqid_ds ds;
    int maxidx = -1;

    /* TODO(msgctl): maxidx = msgctl(0, MSG_INFO, (struct msqid_ds *)
       &info), with a struct msginfo info: it returns the highest index in
       use in the kernel's table of queues (0 if there is none). Check
       it: err_exit("msgctl(MSG_INFO)"). See "Listing every queue:
       MSG_INFO and MSG_STAT" in chapters/08-msgctl.md. */

    printf("%-10s %-11s %4s %8s %8s %8s\n", "msqid", "key", "mode", "qnum", "cbytes",
           "qbytes");
    for (int idx = 0; idx <= maxidx; idx++) {
        int msqid = -1;

        /* TODO(msgctl): msqid = msgctl(idx, MSG_STAT, &ds): MSG_STAT takes
           an index, fills ds like IPC_STAT, and returns the id of the
           queue at that index. It fails with EINVAL for a free slot (a
           removed queue) and EACCES for a queue we may not read: skip
           those (continue), they do not end the list; other failures:
           err_exit("msgctl(MSG_STAT)"). */
        if (msqid == -1)
            continue;
        printf("%-10d 0x%08x  %04o %8lu %8lu %8lu\n", msqid,
               (unsigned int) ds.msg_perm.__key, (unsigned int) ds.msg_perm.mode & 0777,
               (unsigned long) ds.msg_qnum, (unsigned long) ds.msg_cbytes,
               (unsigned long) ds.msg_qbytes);
    }
}

/* msgadmin limits: the system's limits (IPC_INFO) and what is in use
   (MSG_INFO). */
static void
cmd_limits(void)
{
    struct msginfo info;

    memset(&info, 0, sizeof(info)); /* TODO(msgctl): delete: msgctl() fills info */

    /* TODO(msgctl): msgctl(0, IPC_INFO, (struct msqid_ds *) &info) fills
       info with the system's limits. IPC_INFO and MSG_INFO fill a struct
       msginfo, not a struct msqid_ds: the cast is how the interface
       works. On failure, err_exit("msgctl(IPC_INFO)"). See "IPC_INFO and
       MSG_INFO: limits and usage" in chapters/08-msgctl.md. */
    printf("%-8s %d\n", "msgmax", info.msgmax);     /* largest message */
    printf("%-8s %d\n", "msgmnb", info.msgmnb);     /* default msg_qbytes */
    printf("%-8s %d\n", "msgmni", info.msgmni);     /* most queues */

    /* TODO(msgctl): msgctl(0, MSG_INFO, (struct msqid_ds *) &info): the
       same limits, but msgpool, msgmap and msgtql now count the queues,
       messages and bytes in use (with IPC_INFO they hold fixed numbers).
       On failure, err_exit("msgctl(MSG_INFO)"). */
    printf("%-8s %d\n", "queues", info.msgpool);
    printf("%-8s %d\n", "messages", info.msgmap);
    printf("%-8s %d\n", "bytes", info.msgtql);
}

int
main(int argc, char *argv[])
{
    const char *command;

    if (argc < 2)
        usage("no subcommand given");
    command = argv[1];

    if (strcmp(command, "stat") == 0 && argc == 3) {
        cmd_stat((int) parse_number(argv[2], INT_MAX, "MSQID"));
    } else if (strcmp(command, "set-qbytes") == 0 && argc == 4) {
        int msqid = (int) parse_number(argv[2], INT_MAX, "MSQID");

        unsigned long bytes = parse_number(argv[3], ULONG_MAX, "BYTES");

        if (bytes == 0)
            usage("BYTES must be at least 1");
        cmd_set_qbytes(msqid, bytes);
    } else if (strcmp(command, "remove") == 0 && argc == 3) {
        cmd_remove((int) parse_number(argv[2], INT_MAX, "MSQID"));
    } else if (strcmp(command, "list") == 0 && argc == 2) {
        cmd_list();
    } else if (strcmp(command, "limits") == 0 && argc == 2) {
        cmd_limits();
    } else if (strcmp(command, "stat") == 0 || strcmp(command, "set-qbytes") == 0
               || strcmp(command, "remove") == 0 || strcmp(command, "list") == 0
               || strcmp(command, "limits") == 0) {
        usage("wrong number of arguments for %s", command);
    } else {
        usage("unknown subcommand \"%s\"", command);
    }
    return EXIT_SUCCESS;
}
