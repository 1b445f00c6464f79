/* Exercise 4 (shmctl): skeleton */

/* shmadmin.c

   Inspect and administer System V shared memory segments with shmctl():
   show every attribute of a segment (IPC_STAT), change its permissions
   (IPC_STAT, then IPC_SET), remove it (IPC_RMID), and print the system's
   limits and usage (IPC_INFO, SHM_INFO).

   Usage: shmadmin show SHMID
          shmadmin chmod SHMID MODE
          shmadmin remove SHMID
          shmadmin limits

       $ ./shmadmin show 3
       shmid  3
       key    0x4b1d0004
       size   5000
       mode   0640
       ...
       $ ./shmadmin chmod 3 600
       mode   0600
       $ ./shmadmin remove 3
       removed shmid 3
       nattch 0

   What to do: read chapters/04-shmctl.md, then fill in the four
   functions marked TODO(shmctl): cmd_show(), cmd_chmod(), cmd_remove()
   and cmd_limits(). Argument parsing, the dispatch to subcommands and
   print_time() are done for you. As given, the program calls shmctl()
   nowhere: it prints zeros and changes nothing.
   Build with "make"; grade from the top of the repository with
   "bin/ipcgrade grade shmctl".
*/
#define _GNU_SOURCE             /* IPC_INFO; SHM_INFO needs no more */
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <ctype.h>
#include <limits.h>
#include <time.h>
#include "ipcbook.h"

/* Print the usage text and what was wrong (FMT, as for printf); exit 2. */
__attribute__((noreturn, format(printf, 1, 2))) static void
usage(const char *fmt, ...)
{
    const char *name = program_invocation_short_name;
    char why[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    usage_err("show SHMID\n"
              "       %s chmod SHMID MODE\n"
              "       %s remove SHMID\n"
              "       %s limits\n"
              "SHMID  a segment id, as ipcs -m shows it\n"
              "MODE   octal permission bits, 0 to 777\n"
              "%s\n", name, name, name, why);
}

/* Return the segment id in TEXT: a decimal number from 0 to INT_MAX. */
static int
parse_shmid(const char *text)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(text, &end, 10);
    if (!isdigit((unsigned char) text[0]) || *end != '\0' || errno != 0 || n > INT_MAX)
        usage("SHMID \"%s\" is not a segment id (0, 1, 2...)", text);
    return (int) n;
}

/* Return the permission bits in TEXT: octal, 0 to 777. */
static mode_t
parse_mode(const char *text)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(text, &end, 8);
    if (!isdigit((unsigned char) text[0]) || *end != '\0' || errno != 0 || n > 0777)
        usage("MODE \"%s\" is not octal permission bits (0 to 777)", text);
    return (mode_t) n;
}

/* Print "LABEL  SECONDS (date and time)" for the time T, or
   "LABEL  0 (never)" when it has not happened yet. */
static void
print_time(const char *label, time_t t)
{
    char when[64] = "never";
    struct tm tm;

    if (t != 0 && localtime_r(&t, &tm) != NULL)
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
    printf("%-6s %lld (%s)\n", label, (long long) t, when);
}

/* shmadmin show SHMID: every attribute IPC_STAT reports. */
static void
cmd_show(int shmid)
{
    struct shmid_ds ds = { 0 };     /* TODO(shmctl): no "= { 0 }" needed */

    /* TODO(shmctl): fill ds with shmctl(shmid, IPC_STAT, &ds), and if it
       returns -1, err_exit("shmctl(IPC_STAT)") before printing anything.
       See "IPC_STAT: reading the attributes" in chapters/04-shmctl.md. */

    printf("%-6s %d\n", "shmid", shmid);
    printf("%-6s 0x%08x\n", "key", (unsigned int) ds.shm_perm.__key);
    printf("%-6s %zu\n", "size", (size_t) ds.shm_segsz);

    /* TODO(shmctl): print the other attributes, one line each, in this
       order and in the same style ("%-6s " then the value):
         mode    the permission bits, as 0%03o: the low 9 bits of
                 ds.shm_perm.mode only (it also carries SHM_DEST, SHM_LOCKED)
         dest    1 if ds.shm_perm.mode has SHM_DEST (marked for removal), else 0
         uid, gid, cuid, cgid   from ds.shm_perm, as %u
         cpid, lpid             ds.shm_cpid, ds.shm_lpid, as %d
         nattch                 ds.shm_nattch, as %lu
       The table in "The fields of struct shmid_ds" says which is which. */

    print_time("atime", ds.shm_atime);
    /* TODO(shmctl): then dtime and ctime, with print_time() too: the last
       detach and the last change, in that order. */
}

/* shmadmin chmod SHMID MODE: change the permission bits, nothing else. */
static void
cmd_chmod(int shmid, mode_t mode)
{
    /* TODO(shmctl): IPC_SET sets uid, gid and mode from the buffer you
       pass, all three. So: read the current attributes with IPC_STAT into
       a struct shmid_ds (err_exit("shmctl(IPC_STAT)") on failure), put
       MODE in its shm_perm.mode, and write it back with
       shmctl(shmid, IPC_SET, &ds) (err_exit("shmctl(IPC_SET)") on
       failure). See "IPC_SET: changing owner and permissions" in
       chapters/04-shmctl.md. */
    (void) shmid;       /* TODO(shmctl): delete this line once you use shmid. */
    printf("%-6s 0%03o\n", "mode", (unsigned int) mode);
}

/* shmadmin remove SHMID: IPC_RMID, and say how many are still attached. */
static void
cmd_remove(int shmid)
{
    unsigned long nattch = 0;

    /* TODO(shmctl): first read the segment's attributes with IPC_STAT
       (err_exit("shmctl(IPC_STAT)") on failure) and keep its shm_nattch in
       nattch: after IPC_RMID, a segment nobody has attached is gone. Then
       shmctl(shmid, IPC_RMID, NULL), and err_exit("shmctl(IPC_RMID)") if it
       returns -1. See "IPC_RMID: removing a segment" in
       chapters/04-shmctl.md. */
    printf("removed shmid %d\n", shmid);
    printf("%-6s %lu\n", "nattch", nattch);
}

/* shmadmin limits: the system's limits (IPC_INFO) and usage (SHM_INFO). */
static void
cmd_limits(void)
{
    struct shminfo lim = { 0 };     /* TODO(shmctl): no "= { 0 }" needed */
    struct shm_info use = { 0 };

    /* TODO(shmctl): fill lim with shmctl(0, IPC_INFO, ...) and use with
       shmctl(0, SHM_INFO, ...); both go through shmctl()'s struct
       shmid_ds * argument, so cast: (struct shmid_ds *) &lim. Check each
       and err_exit("shmctl(IPC_INFO)") or err_exit("shmctl(SHM_INFO)").
       See "IPC_INFO and SHM_INFO: limits and usage" in
       chapters/04-shmctl.md. */

    printf("%-8s %lu\n", "shmmax", (unsigned long) lim.shmmax);    /* bytes */
    printf("%-8s %lu\n", "shmmin", (unsigned long) lim.shmmin);    /* bytes */
    printf("%-8s %lu\n", "shmmni", (unsigned long) lim.shmmni);    /* segments */
    printf("%-8s %lu\n", "shmseg", (unsigned long) lim.shmseg);    /* per process */
    printf("%-8s %lu\n", "shmall", (unsigned long) lim.shmall);    /* pages */
    printf("%-8s %d\n", "used_ids", use.used_ids);                 /* segments */
    printf("%-8s %lu\n", "shm_tot", (unsigned long) use.shm_tot);  /* pages */
    printf("%-8s %lu\n", "shm_rss", (unsigned long) use.shm_rss);  /* pages */
    printf("%-8s %lu\n", "shm_swp", (unsigned long) use.shm_swp);  /* pages */
}

int
main(int argc, char *argv[])
{
    const char *command;

    if (argc < 2)
        usage("no subcommand given");
    command = argv[1];

    if (strcmp(command, "show") == 0) {
        if (argc != 3)
            usage("show needs exactly one SHMID");
        cmd_show(parse_shmid(argv[2]));
    } else if (strcmp(command, "chmod") == 0) {
        if (argc != 4)
            usage("chmod needs SHMID and MODE");
        cmd_chmod(parse_shmid(argv[2]), parse_mode(argv[3]));
    } else if (strcmp(command, "remove") == 0) {
        if (argc != 3)
            usage("remove needs exactly one SHMID");
        cmd_remove(parse_shmid(argv[2]));
    } else if (strcmp(command, "limits") == 0) {
        if (argc != 2)
            usage("limits takes no arguments");
        cmd_limits();
    } else {
        usage("unknown subcommand \"%s\"", command);
    }
    return EXIT_SUCCESS;
}
