/* Solution to exercise 8 (msgctl) */

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

   See chapters/08-msgctl.md.
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

    /* IPC_STAT copies the kernel's record of the queue into ds; it needs
       read permission on the queue. */
    if (msgctl(msqid, IPC_STAT, &ds) == -1)
        err_exit("msgctl(IPC_STAT)");

    printf("%-8s %d\n", "msqid", msqid);
    printf("%-8s 0x%08x\n", "key", (unsigned int) ds.msg_perm.__key);
    printf("%-8s %04o\n", "mode", (unsigned int) ds.msg_perm.mode & 0777);
    printf("%-8s %ld\n", "uid", (long) ds.msg_perm.uid);
    printf("%-8s %ld\n", "gid", (long) ds.msg_perm.gid);
    printf("%-8s %ld\n", "cuid", (long) ds.msg_perm.cuid);
    printf("%-8s %ld\n", "cgid", (long) ds.msg_perm.cgid);
    /* msg_qnum: messages in the queue now. msg_cbytes: the bytes they
       hold (glibc's <sys/msg.h> defines it as __msg_cbytes, the field's
       real name). msg_qbytes: the capacity, the most bytes the queue may
       hold. */
    printf("%-8s %lu\n", "qnum", (unsigned long) ds.msg_qnum);
    printf("%-8s %lu\n", "cbytes", (unsigned long) ds.msg_cbytes);
    printf("%-8s %lu\n", "qbytes", (unsigned long) ds.msg_qbytes);
    /* The pids are as seen from our PID namespace: 0 for a process we
       cannot see there. */
    printf("%-8s %ld\n", "lspid", (long) ds.msg_lspid);
    printf("%-8s %ld\n", "lrpid", (long) ds.msg_lrpid);
    print_time("stime", ds.msg_stime);
    print_time("rtime", ds.msg_rtime);
    print_time("ctime", ds.msg_ctime);
}

/* msgadmin set-qbytes MSQID BYTES: change the queue's capacity. */
static void
cmd_set_qbytes(int msqid, unsigned long bytes)
{
    struct msqid_ds ds;
    struct msginfo info;

    /* IPC_SET copies msg_perm.uid, msg_perm.gid, msg_perm.mode and
       msg_qbytes from ds into the queue. Read them all first, so that
       only msg_qbytes changes: with an empty ds the queue would also get
       owner 0 and permissions 000. */
    if (msgctl(msqid, IPC_STAT, &ds) == -1)
        err_exit("msgctl(IPC_STAT)");
    ds.msg_qbytes = bytes;
    if (msgctl(msqid, IPC_SET, &ds) == -1) {
        int err = errno;

        err_msg("msgctl(IPC_SET)");
        /* EPERM: only a privileged process (CAP_SYS_RESOURCE) may raise
           msg_qbytes above MSGMNB; only the owner, the creator or a
           privileged process may change a queue at all. */
        if (err == EPERM && msgctl(0, IPC_INFO, (struct msqid_ds *) &info) != -1
                && bytes > (unsigned long) info.msgmnb)
            fatal("%lu is above MSGMNB (%d): only a privileged process may go beyond it",
                  bytes, info.msgmnb);
        exit(EXIT_FAILURE);
    }

    /* Print what the kernel now says, not what we asked for. */
    if (msgctl(msqid, IPC_STAT, &ds) == -1)
        err_exit("msgctl(IPC_STAT)");
    printf("%-8s %lu\n", "qbytes", (unsigned long) ds.msg_qbytes);
}

/* msgadmin remove MSQID */
static void
cmd_remove(int msqid)
{
    /* The queue goes at once, with its messages; processes blocked on it
       wake up with EIDRM. */
    if (msgctl(msqid, IPC_RMID, NULL) == -1)
        err_exit("msgctl(IPC_RMID)");
    printf("removed msqid %d\n", msqid);
}

/* msgadmin list: one line per queue, like ipcs -q. */
static void
cmd_list(void)
{
    struct msginfo info;
    struct msqid_ds ds;
    int maxidx;

    /* MSG_INFO returns the highest index in use in the kernel's table of
       queues (0 when there is none: MSG_STAT then finds index 0 free).
       Indexes are not ids: MSG_STAT takes an index and returns the id of
       the queue there. */
    maxidx = msgctl(0, MSG_INFO, (struct msqid_ds *) &info);
    if (maxidx == -1)
        err_exit("msgctl(MSG_INFO)");

    printf("%-10s %-11s %4s %8s %8s %8s\n", "msqid", "key", "mode", "qnum", "cbytes",
           "qbytes");
    for (int idx = 0; idx <= maxidx; idx++) {
        int msqid = msgctl(idx, MSG_STAT, &ds);

        if (msqid == -1) {
            /* EINVAL: a free slot (a removed queue); EACCES: a queue we
               may not read. Neither ends the list. */
            if (errno == EINVAL || errno == EACCES)
                continue;
            err_exit("msgctl(MSG_STAT)");
        }
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

    /* IPC_INFO and MSG_INFO fill a struct msginfo, not a struct
       msqid_ds: the cast is how the interface works. */
    if (msgctl(0, IPC_INFO, (struct msqid_ds *) &info) == -1)
        err_exit("msgctl(IPC_INFO)");
    printf("%-8s %d\n", "msgmax", info.msgmax);     /* largest message */
    printf("%-8s %d\n", "msgmnb", info.msgmnb);     /* default msg_qbytes */
    printf("%-8s %d\n", "msgmni", info.msgmni);     /* most queues */

    /* With MSG_INFO, three fields count what is in use instead. */
    if (msgctl(0, MSG_INFO, (struct msqid_ds *) &info) == -1)
        err_exit("msgctl(MSG_INFO)");
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
