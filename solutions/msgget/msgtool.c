/* Solution to exercise 6 (msgget) */

/* msgtool.c

   Create, open and remove System V message queues from the shell, one
   msgget() (and for "remove" one msgctl()) per run, so that you can watch
   each step with ipcs -q.

   Usage: msgtool create [-x] [-m MODE] KEY
          msgtool open KEY
          msgtool remove KEY

   KEY is PATH:PROJ_ID (made with ftok), a number (0x1234, 4660), or
   "private" (IPC_PRIVATE, create only). MODE is octal, 600 by default.

       $ ./msgtool create -m 640 0x4b1d0006
       msqid 0
       $ ipcs -q        # key 0x4b1d0006, perms 640, used-bytes 0, messages 0
       $ ./msgtool remove 0x4b1d0006
       removed msqid 0

   msgget() only creates or finds a queue and hands back its id. The queue
   outlives this program: it stays in the kernel, with every message in
   it, until someone removes it.

   See chapters/06-msgget.md.
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/msg.h>
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

    usage_err("create [-x] [-m MODE] KEY\n"
              "       %s open KEY\n"
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

    /* Key 0 is IPC_PRIVATE, which does not name a queue: it always makes
       a new one. Say so in words rather than let a 0 do it. */
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
        /* IPC_PRIVATE means "a new queue nobody else can look up", so
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
    /* Refuse anything above 0777: in msgget's flags the bits above the
       permissions are IPC_CREAT and IPC_EXCL, and a MODE must not switch
       those on by accident. */
    if (!isdigit((unsigned char) text[0]) || *end != '\0' || errno != 0
            || n > 0777)
        usage("MODE \"%s\" is not octal permission bits (0 to 777)", text);
    return (mode_t) n;
}

/* msgget() for KEY just failed: report it ("msgtool: msgget: File
   exists"), add one line that says what this errno means here, and exit
   with status 1. */
__attribute__((noreturn)) static void
msgget_failed(key_t key)
{
    int err = errno;

    err_msg("msgget");
    switch (err) {
    case EEXIST:
        fatal("a queue with key 0x%08x already exists; use \"open\", "
              "or remove it first", (unsigned int) key);
    case ENOENT:
        fatal("no queue has key 0x%08x (ipcs -q lists them)",
              (unsigned int) key);
    case ENOSPC:
        fatal("the system's limit on queues (msgmni) is reached");
    default:
        exit(EXIT_FAILURE);
    }
}

/* Create a queue with permissions MODE for KEY and return its id. If
   EXCLUSIVE, fail when KEY already has a queue; otherwise an existing
   queue is simply opened. Exits with a message on failure. */
static int
create_queue(key_t key, bool exclusive, mode_t mode)
{
    int flags, msqid;

    /* IPC_CREAT: make the queue if no queue has this key (without it,
       msgget only looks one up). IPC_EXCL, only together with IPC_CREAT:
       fail with EEXIST if one exists. It is the only way to know that the
       queue is new: empty, with our MODE, and not someone else's queue
       full of old messages. The low 9 bits are the new queue's
       permissions; for an existing queue they are ignored. */
    flags = IPC_CREAT | mode;
    if (exclusive)
        flags |= IPC_EXCL;

    msqid = msgget(key, flags);
    if (msqid == -1)
        msgget_failed(key);
    return msqid;
}

/* Return the id of the existing queue with KEY. Exits with a message on
   failure. */
static int
open_queue(key_t key)
{
    int msqid;

    /* No IPC_CREAT: opening must fail (ENOENT) when no queue has this
       key. With IPC_CREAT, a client started before its server, or a
       mistyped key, would silently get a new empty queue that nobody
       reads. No permission bits either: msgsnd() and msgrcv() check
       write and read access when we really use the queue. */
    msqid = msgget(key, 0);
    if (msqid == -1)
        msgget_failed(key);
    return msqid;
}

/* Remove the queue with KEY and return the id it had. Exits with a
   message on failure. */
static int
remove_queue(key_t key)
{
    int msqid;

    /* msgctl() works on ids, not keys: look the id up first. */
    msqid = msgget(key, 0);
    if (msqid == -1)
        msgget_failed(key);

    /* IPC_RMID takes no buffer, hence NULL. Unlike a shared memory
       segment, a queue goes away at once: its messages are thrown away,
       and processes blocked in msgsnd() or msgrcv() on it wake up with
       EIDRM. Only its owner, its creator or root may remove it (EPERM
       otherwise). */
    if (msgctl(msqid, IPC_RMID, NULL) == -1)
        err_exit("msgctl(IPC_RMID)");
    return msqid;
}

/* msgtool create [-x] [-m MODE] KEY. ARGV[0] is "create". */
static int
cmd_create(int argc, char *argv[])
{
    bool exclusive = false;
    mode_t mode = S_IRUSR | S_IWUSR;            /* 600 */
    key_t key;
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
    if (argc - optind != 1)
        usage("create needs exactly one KEY");

    key = parse_key(argv[optind], true);

    printf("msqid %d\n", create_queue(key, exclusive, mode));
    return EXIT_SUCCESS;
}

/* msgtool open KEY. ARGV[0] is "open". */
static int
cmd_open(int argc, char *argv[])
{
    key_t key;

    if (argc != 2)
        usage("open needs exactly one KEY");
    key = parse_key(argv[1], false);

    printf("msqid %d\n", open_queue(key));
    return EXIT_SUCCESS;
}

/* msgtool remove KEY. ARGV[0] is "remove". */
static int
cmd_remove(int argc, char *argv[])
{
    key_t key;

    if (argc != 2)
        usage("remove needs exactly one KEY");
    key = parse_key(argv[1], false);

    printf("removed msqid %d\n", remove_queue(key));
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
