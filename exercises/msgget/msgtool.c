/* Exercise 6 (msgget): skeleton */

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

   What to do: read chapters/06-msgget.md, then fill in the three
   functions marked TODO(msgget): create_queue(), open_queue() and
   remove_queue(). Argument parsing (KEY, MODE) and the dispatch to
   subcommands are done for you. As given, the program runs but does the
   wrong thing: create only looks queues up (so for a new key it prints
   "msqid -1"), open and remove do nothing and print -1 as the id.
   Build with "make"; grade from the top of the repository with
   "bin/ipcgrade grade msgget".
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

/* Create a queue with permissions MODE for KEY and return its id. If
   EXCLUSIVE, fail when KEY already has a queue; otherwise an existing
   queue is simply opened. Exits with a message on failure. */
static int
create_queue(key_t key, bool exclusive, mode_t mode)
{
    int flags = 0;
    int msqid;

    /* TODO(msgget): build flags. IPC_CREAT makes the queue if no queue
       has this key; IPC_EXCL (only with IPC_CREAT, and only when
       exclusive is true) makes msgget fail with EEXIST if one exists; the
       low 9 bits are the new queue's permissions: OR in mode. See
       "Creating and opening a queue" and "Flags and permissions" in
       chapters/06-msgget.md. */
    (void) exclusive;   /* TODO(msgget): delete these two lines once you */
    (void) mode;        /* use exclusive and mode above. */

    msqid = msgget(key, flags);

    /* TODO(msgget): msgget returns -1 on failure, with errno saying why.
       Check it and call err_exit("msgget"), which prints for example
       "msgtool: msgget: File exists" and exits with status 1. See
       "Errors from msgget()" in chapters/06-msgget.md. */
    return msqid;
}

/* Return the id of the existing queue with KEY. Exits with a message on
   failure. */
static int
open_queue(key_t key)
{
    int msqid = -1;

    /* TODO(msgget): msqid = msgget(key, 0). Flags 0, and above all no
       IPC_CREAT: open must fail with ENOENT when no queue has this key,
       not quietly make a new one. Then check the result as in
       create_queue(). See "Creating and opening a queue" in
       chapters/06-msgget.md. */
    (void) key;         /* TODO(msgget): delete this line once you use key. */
    return msqid;
}

/* Remove the queue with KEY and return the id it had. Exits with a
   message on failure. */
static int
remove_queue(key_t key)
{
    int msqid = -1;

    /* TODO(msgget): msgctl() works on ids, not keys: first look the id
       up with msgget(key, 0) and check it as in open_queue(). */

    /* TODO(msgget): then msgctl(msqid, IPC_RMID, NULL); if it returns -1,
       call err_exit("msgctl(IPC_RMID)"). See "Removing a queue" in
       chapters/06-msgget.md. */
    (void) key;         /* TODO(msgget): delete this line once you use key. */
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
