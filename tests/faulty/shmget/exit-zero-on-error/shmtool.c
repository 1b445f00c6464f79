/* Faulty variant of solution 2 (shmget): exit-zero-on-error */

/* shmtool.c (faulty variant "exit-zero-on-error")

   NOT A SOLUTION. This is the reference solution with one classic
   student bug seeded, so that we can check that the grader catches it:

   BUG: when shmget() or shmctl() fails the error is reported on stderr,
   but the program then exits with status 0, as if it had succeeded.

   Grader test(s) it must fail: open_missing, exclusive_create (see expect).
   The changed lines are marked BUG; everything else is the solution.

   Create, open and remove System V shared memory segments from the shell,
   one shmget() (and for "remove" one shmctl()) per run, so that you can
   watch each step with ipcs.

   Usage: shmtool create [-x] [-m MODE] KEY SIZE
          shmtool open KEY [SIZE]
          shmtool remove KEY

   KEY is PATH:PROJ_ID (made with ftok), a number (0x1234, 4660), or
   "private" (IPC_PRIVATE, create only). MODE is octal, 600 by default.

       $ ./shmtool create -m 640 0x4b1d0001 5000
       shmid 0
       $ ipcs -m        # key 0x4b1d0001, perms 640, bytes 5000, nattch 0
       $ ./shmtool remove 0x4b1d0001
       removed shmid 0

   shmget() only creates or finds a segment and hands back its id; nothing
   is attached, so nattch stays 0 (attaching is shmat(), next chapter). The
   segment outlives this program: it stays in the kernel until someone
   removes it.

   See chapters/02-shmget.md.
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include "ipcbook.h"

/* Print the usage text and, on its last line, what was wrong (FMT, as for
   printf); exit with status 2. */
__attribute__((noreturn, format(printf, 1, 2))) static void
usage(const char *fmt, ...)
{
    const char *name = program_invocation_short_name;
    char why[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);

    usage_err("create [-x] [-m MODE] KEY SIZE\n"
              "       %s open KEY [SIZE]\n"
              "       %s remove KEY\n"
              "KEY   PATH:PROJ_ID (made with ftok), a number (0x1234, 4660),"
              " or \"private\"\n"
              "      (IPC_PRIVATE; create only)\n"
              "MODE  octal permission bits, default 600\n"
              "%s\n", name, name, why);
}

/* Return the PROJ_ID of a PATH:PROJ_ID key: a number 1..255 (strtol,
   base 0) or a single character ("A" is 65), the same rules as ipckey. */
static int
parse_proj_id(const char *text)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(text, &end, 0);
    if (end != text && *end == '\0' && errno == 0) {
        if (n < 1 || n > 255)
            usage("PROJ_ID \"%s\" is not between 1 and 255", text);
        return (int) n;
    }
    if (text[0] != '\0' && text[1] == '\0')
        return (unsigned char) text[0];
    usage("PROJ_ID \"%s\" is neither a number nor one character", text);
}

/* Return the key for a numeric KEY: 1 to 0xffffffff, decimal, 0x hex or 0
   octal. A key is 32 bits, shown by ipcs as 0x%08x. */
static key_t
parse_key_number(const char *text)
{
    char *end;
    unsigned long n;

    /* strtoul() would quietly accept "-1" (as ULONG_MAX) and " 12":
       insist on a digit first. */
    if (!isdigit((unsigned char) text[0]))
        usage("KEY \"%s\" is not PATH:PROJ_ID, a number or \"private\"",
              text);
    errno = 0;
    n = strtoul(text, &end, 0);
    if (*end != '\0' || errno != 0 || n > UINT32_MAX)
        usage("KEY \"%s\" is not a number from 1 to 0xffffffff", text);

    /* Key 0 is IPC_PRIVATE, which does not name a segment: it always
       makes a new one. Say so in words rather than let a 0 do it. */
    if (n == 0)
        usage("KEY 0 is IPC_PRIVATE; write \"private\" (create only)");

    /* key_t is a signed int: 0xffffffff becomes -1, same 32 bits. */
    return (key_t) (uint32_t) n;
}

/* Return the key for the KEY argument: "private" (IPC_PRIVATE, accepted
   only if PRIVATE_OK), PATH:PROJ_ID (through ftok(), which must find
   PATH) or a number. Exits with the usage text if KEY is malformed, with
   status 1 if ftok() fails. */
static key_t
parse_key(const char *arg, bool private_ok)
{
    char *text, *colon;
    key_t key;

    if (strcmp(arg, "private") == 0) {
        /* IPC_PRIVATE means "a new segment nobody else can look up", so
           there is nothing with that key to open or remove. */
        if (!private_ok)
            usage("KEY \"private\" only works with create");
        return IPC_PRIVATE;
    }

    /* Work on a copy: to hand PATH to ftok() we cut the text at the last
       ':' (a path may contain ':', a PROJ_ID does not), and argv should
       keep what the user typed. */
    text = strdup(arg);
    if (text == NULL)
        err_exit("strdup");

    colon = strrchr(text, ':');
    if (colon != NULL) {
        *colon = '\0';
        key = ftok(text, parse_proj_id(colon + 1));
        if (key == -1)
            err_exit("ftok(%s)", text);
    } else {
        key = parse_key_number(text);
    }

    free(text);
    return key;
}

/* Return the permission bits of a -m MODE argument: octal, 0 to 777. */
static mode_t
parse_mode(const char *text)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(text, &end, 8);
    /* Refuse anything above 0777: in shmget's flags the bits above the
       permissions are IPC_CREAT, IPC_EXCL, SHM_HUGETLB..., and a MODE
       must not switch those on by accident. */
    if (!isdigit((unsigned char) text[0]) || *end != '\0' || errno != 0
            || n > 0777)
        usage("MODE \"%s\" is not octal permission bits (0 to 777)", text);
    return (mode_t) n;
}

/* Return the SIZE argument in bytes: a positive number (decimal, 0x hex or
   0 octal). */
static size_t
parse_size(const char *text)
{
    char *end;
    unsigned long n;

    errno = 0;
    n = strtoul(text, &end, 0);
    if (!isdigit((unsigned char) text[0]) || *end != '\0' || errno != 0
            || n == 0)
        usage("SIZE \"%s\" is not a positive number of bytes", text);
    return (size_t) n;
}

/* shmget() for KEY just failed: report it ("shmtool: shmget: File
   exists"), add one line that says what this errno means here, and exit
   with status 1. */
__attribute__((noreturn)) static void
shmget_failed(key_t key)
{
    /* BUG: the error is reported, then the program exits with status 0
       ("it printed a message, so it is handled"). The explanation lines
       are gone too: fatal() would have exited with status 1. */
    (void) key;
    err_msg("shmget");
    exit(EXIT_SUCCESS);
}

/* Create a segment of SIZE bytes and permissions MODE for KEY and return
   its id. If EXCLUSIVE, fail when KEY already has a segment; otherwise an
   existing segment is simply opened. Exits with a message on failure. */
static int
create_segment(key_t key, size_t size, bool exclusive, mode_t mode)
{
    int flags, shmid;

    /* IPC_CREAT: make the segment if no segment has this key (without
       it, shmget only looks one up). IPC_EXCL, only together with
       IPC_CREAT: fail with EEXIST if one exists. It is the only way to
       know that the segment is new and so really has our SIZE, our MODE
       and zeroed memory, and is not someone else's, left over. The low
       9 bits are the new segment's permissions; for an existing segment
       they are ignored. */
    flags = IPC_CREAT | mode;
    if (exclusive)
        flags |= IPC_EXCL;

    /* Pass SIZE as it is. The kernel gives memory in whole pages, but it
       records the size we ask for: IPC_STAT (and ipcs) report 5000 for a
       5000-byte request, and only that much may be used. Rounding it up
       ourselves would make a different segment. */
    shmid = shmget(key, size, flags);
    if (shmid == -1)
        shmget_failed(key);
    return shmid;
}

/* Return the id of the existing segment with KEY. SIZE is 0 (any size) or
   the least size the caller needs: a larger SIZE than the segment's fails
   with EINVAL. Exits with a message on failure. */
static int
open_segment(key_t key, size_t size)
{
    int shmid;

    /* No IPC_CREAT: opening must fail (ENOENT) when no segment has this
       key. With IPC_CREAT a mistyped key, or a server not started yet,
       would silently give us a new empty segment that nobody else uses.
       No permission bits either: they would only ask the kernel to check
       access now; shmat() checks it when we really use the memory. */
    shmid = shmget(key, size, 0);
    if (shmid == -1)
        shmget_failed(key);
    return shmid;
}

/* Remove the segment with KEY and return the id it had. Exits with a
   message on failure. */
static int
remove_segment(key_t key)
{
    int shmid;

    /* shmctl() works on ids, not keys: look the id up first (size 0
       matches any segment, flags 0 create nothing). */
    shmid = shmget(key, 0, 0);
    if (shmid == -1)
        shmget_failed(key);

    /* IPC_RMID takes no buffer, hence NULL. The segment goes away once no
       process has it attached; until then ipcs shows it as "dest", with
       key 0, so nobody new can find it. Only its owner, its creator or
       root may remove it (EPERM otherwise). */
    if (shmctl(shmid, IPC_RMID, NULL) == -1) {
        err_msg("shmctl(IPC_RMID)");
        exit(EXIT_SUCCESS); /* BUG: a failure must exit non-zero */
    }
    return shmid;
}

/* shmtool create [-x] [-m MODE] KEY SIZE. ARGV[0] is "create". */
static int
cmd_create(int argc, char *argv[])
{
    bool exclusive = false;
    mode_t mode = S_IRUSR | S_IWUSR;            /* 600 */
    key_t key;
    size_t size;
    int opt;

    /* "+": options come first, as in the usage line; ":" and opterr = 0:
       we report bad options ourselves, with the usage text. */
    opterr = 0;
    while ((opt = getopt(argc, argv, "+:xm:")) != -1) {
        switch (opt) {
        case 'x':
            exclusive = true;
            break;
        case 'm':
            mode = parse_mode(optarg);
            break;
        case ':':
            usage("option -%c needs an argument", optopt);
        default:
            usage("unknown option -%c", optopt);
        }
    }
    if (argc - optind != 2)
        usage("create needs KEY and SIZE");

    key = parse_key(argv[optind], true);
    size = parse_size(argv[optind + 1]);

    printf("shmid %d\n", create_segment(key, size, exclusive, mode));
    return EXIT_SUCCESS;
}

/* shmtool open KEY [SIZE]. ARGV[0] is "open". */
static int
cmd_open(int argc, char *argv[])
{
    key_t key;
    size_t size = 0;            /* 0: accept the segment whatever its size */

    if (argc != 2 && argc != 3)
        usage("open needs KEY and, optionally, SIZE");
    key = parse_key(argv[1], false);
    if (argc == 3)
        size = parse_size(argv[2]);

    printf("shmid %d\n", open_segment(key, size));
    return EXIT_SUCCESS;
}

/* shmtool remove KEY. ARGV[0] is "remove". */
static int
cmd_remove(int argc, char *argv[])
{
    key_t key;

    if (argc != 2)
        usage("remove needs exactly one KEY");
    key = parse_key(argv[1], false);

    printf("removed shmid %d\n", remove_segment(key));
    return EXIT_SUCCESS;
}

int
main(int argc, char *argv[])
{
    const char *command;

    if (argc < 2)
        usage("no subcommand given");
    command = argv[1];

    /* Each subcommand gets the arguments from its own name on. */
    if (strcmp(command, "create") == 0)
        return cmd_create(argc - 1, argv + 1);
    if (strcmp(command, "open") == 0)
        return cmd_open(argc - 1, argv + 1);
    if (strcmp(command, "remove") == 0)
        return cmd_remove(argc - 1, argv + 1);
    usage("unknown subcommand \"%s\"", command);
}
