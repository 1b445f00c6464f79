/* Solution to exercise 4 (shmctl) */

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

   See chapters/04-shmctl.md.
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
    struct shmid_ds ds;

    /* IPC_STAT copies the kernel's struct shmid_ds into ours. It needs
       read permission on the segment. */
    if (shmctl(shmid, IPC_STAT, &ds) == -1)
        err_exit("shmctl(IPC_STAT)");

    printf("%-6s %d\n", "shmid", shmid);
    /* __key is glibc's name for the key; a segment marked for removal has
       key 0 (IPC_PRIVATE), so that no shmget() finds it any more. */
    printf("%-6s 0x%08x\n", "key", (unsigned int) ds.shm_perm.__key);
    printf("%-6s %zu\n", "size", (size_t) ds.shm_segsz);
    /* shm_perm.mode also carries SHM_DEST (01000) and SHM_LOCKED (02000):
       the permissions are its low 9 bits only. */
    printf("%-6s 0%03o\n", "mode", (unsigned int) (ds.shm_perm.mode & 0777));
    printf("%-6s %d\n", "dest", (ds.shm_perm.mode & SHM_DEST) ? 1 : 0);
    printf("%-6s %u\n", "uid", (unsigned int) ds.shm_perm.uid);
    printf("%-6s %u\n", "gid", (unsigned int) ds.shm_perm.gid);
    printf("%-6s %u\n", "cuid", (unsigned int) ds.shm_perm.cuid);
    printf("%-6s %u\n", "cgid", (unsigned int) ds.shm_perm.cgid);
    printf("%-6s %d\n", "cpid", (int) ds.shm_cpid);
    printf("%-6s %d\n", "lpid", (int) ds.shm_lpid);
    printf("%-6s %lu\n", "nattch", (unsigned long) ds.shm_nattch);
    print_time("atime", ds.shm_atime);
    print_time("dtime", ds.shm_dtime);
    print_time("ctime", ds.shm_ctime);
}

/* shmadmin chmod SHMID MODE: change the permission bits, nothing else. */
static void
cmd_chmod(int shmid, mode_t mode)
{
    struct shmid_ds ds;

    /* IPC_SET takes uid, gid and mode from the buffer, all three. Read
       them first, so that uid and gid go back unchanged: a zeroed buffer
       would give the segment to root. */
    if (shmctl(shmid, IPC_STAT, &ds) == -1)
        err_exit("shmctl(IPC_STAT)");
    ds.shm_perm.mode = mode;
    if (shmctl(shmid, IPC_SET, &ds) == -1)
        err_exit("shmctl(IPC_SET)");
    printf("%-6s 0%03o\n", "mode", (unsigned int) mode);
}

/* shmadmin remove SHMID: IPC_RMID, and say how many are still attached. */
static void
cmd_remove(int shmid)
{
    struct shmid_ds ds;

    /* Read nattch first: after IPC_RMID a segment nobody has attached is
       gone, and IPC_STAT would fail. */
    if (shmctl(shmid, IPC_STAT, &ds) == -1)
        err_exit("shmctl(IPC_STAT)");
    if (shmctl(shmid, IPC_RMID, NULL) == -1)
        err_exit("shmctl(IPC_RMID)");
    printf("removed shmid %d\n", shmid);
    /* With attachments left, IPC_RMID only marks the segment: the kernel
       destroys it when the last of them detaches. */
    printf("%-6s %lu\n", "nattch", (unsigned long) ds.shm_nattch);
}

/* shmadmin limits: the system's limits (IPC_INFO) and usage (SHM_INFO). */
static void
cmd_limits(void)
{
    struct shminfo lim;
    struct shm_info use;

    /* Both commands ignore the id, and fill another structure than
       struct shmid_ds, through the same pointer: hence the casts. */
    if (shmctl(0, IPC_INFO, (struct shmid_ds *) &lim) == -1)
        err_exit("shmctl(IPC_INFO)");
    if (shmctl(0, SHM_INFO, (struct shmid_ds *) &use) == -1)
        err_exit("shmctl(SHM_INFO)");

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
