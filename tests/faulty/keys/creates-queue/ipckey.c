/* Faulty variant of solution 1 (keys): creates-queue */

/* ipckey.c (faulty variant "creates-queue")

   NOT A SOLUTION. This is the reference solution with one classic
   student bug seeded, so that we can check that the grader catches it:

   BUG: the key is "tested" by creating a message queue with
   msgget(key, IPC_CREAT | 0600), which is never removed and outlives
   the program (ftok() itself creates nothing).

   Grader test(s) it must fail: no_ipc_objects (see expect). The changed
   lines are marked BUG; everything else is the solution.

   Show the System V IPC key that ftok() makes from a file and a project
   id, and the three ingredients the key is made of.

   Two programs that never met can agree on an IPC object if they agree on
   its key. ftok() turns something both can name, an existing file plus a
   small "project" number, into such a key. It does not create anything:
   it only computes a number, so this program leaves no IPC object behind.

   Usage: ipckey PATH PROJ_ID

   PROJ_ID is a number from 1 to 255 (decimal, 0x hex or 0 octal) or a
   single character ('A' means 65).

       $ ./ipckey ipckey.c A
       key     0x41021a3c
       proj_id 0x41
       dev     0x02
       inode   0x1a3c

   glibc builds the key as

       (st_ino & 0xffff) | ((st_dev & 0xff) << 16) | ((proj_id & 0xff) << 24)

   This program works the three parts out again from stat(), not by
   taking the key apart, so that you can check ftok's arithmetic against
   the file's own numbers (stat -c '%d %i' FILE prints them in decimal).

   See chapters/01-keys.md.
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/stat.h>
#include <sys/msg.h>
#include "ipcbook.h"

/* The three ingredients of a key, already cut to the bits ftok() keeps. */
struct key_parts {
    unsigned int proj_id;       /* low  8 bits of PROJ_ID */
    unsigned int dev;           /* low  8 bits of the file's device number */
    unsigned int inode;         /* low 16 bits of the file's inode number */
};

/* Print the usage text (with the reason it is shown) and exit with 2. */
__attribute__((noreturn)) static void
usage(const char *why)
{
    usage_err("PATH PROJ_ID\n"
              "  PROJ_ID: 1..255 (12, 0x7f, 017) or one character (A)\n"
              "  %s\n", why);
}

/* Turn the PROJ_ID argument into a number in 1..255, or exit with the
   usage text. A text that is a whole number is read as a number (strtol,
   base 0: "65", "0x41" and "0101" are all 65); otherwise a text of exactly
   one character stands for that character's code ("A" is 65). So "7" is
   7, not the code of the digit '7'. */
static int
parse_proj_id(const char *arg)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(arg, &end, 0);
    if (end != arg && *end == '\0' && errno == 0) {
        /* ftok() keeps only the low 8 bits, and a 0 there is "unspecified"
           by POSIX: refuse both rather than silently change the key. */
        if (n < 1 || n > 255)
            usage("PROJ_ID must be between 1 and 255");
        return (int) n;
    }

    if (arg[0] != '\0' && arg[1] == '\0')
        return (unsigned char) arg[0];

    usage("PROJ_ID is neither a number nor a single character");
}

/* Return the key that ftok() makes from PATH and PROJ_ID; exit with a
   message if ftok() fails (PATH missing, not searchable, ...). */
static key_t
make_key(const char *path, int proj_id)
{
    key_t key = ftok(path, proj_id);

    /* (key_t) -1 is ftok's only way to say "failed", and errno says why.
       Unchecked, it looks like a perfectly good key: 0xffffffff. */
    if (key == -1)
        err_exit("ftok(%s)", path);

    /* BUG: "check that the key works" by creating a queue with it; the
       queue is never removed, so it stays in the kernel after we exit. */
    if (msgget(key, IPC_CREAT | 0600) == -1)
        err_exit("msgget");
    return key;
}

/* Fill *parts with the three ingredients of the key for PATH and PROJ_ID,
   computed from stat(PATH) the way glibc's ftok() does; exit with a
   message if stat() fails. */
static void
read_key_parts(const char *path, int proj_id, struct key_parts *parts)
{
    struct stat sb;

    /* ftok() called stat() on PATH a moment ago, but the file may have
       changed (or vanished) since: check again, never assume. */
    if (stat(path, &sb) == -1)
        err_exit("stat(%s)", path);

    /* Mask each part to the bits ftok() keeps: the rest of st_dev (the
       major number, the high bits of the minor) and of st_ino is simply
       lost, which is why two files can share a key. */
    parts->proj_id = (unsigned int) proj_id & 0xff;
    parts->dev = (unsigned int) (sb.st_dev & 0xff);
    parts->inode = (unsigned int) (sb.st_ino & 0xffff);
}

/* Print the key and its parts, one "label value" line each. */
static void
print_key(key_t key, const struct key_parts *parts)
{
    /* key_t is a signed int; print its bits, not a negative number. */
    printf("%-8s0x%08x\n", "key", (unsigned int) key);
    printf("%-8s0x%02x\n", "proj_id", parts->proj_id);
    printf("%-8s0x%02x\n", "dev", parts->dev);
    printf("%-8s0x%04x\n", "inode", parts->inode);
}

int
main(int argc, char *argv[])
{
    const char *path;
    int proj_id;
    key_t key;
    struct key_parts parts;

    if (argc != 3)
        usage("expected exactly two arguments");
    path = argv[1];
    proj_id = parse_proj_id(argv[2]);

    /* Compute everything first, print last: if any call fails, stdout
       stays empty and the only output is the error on stderr. */
    key = make_key(path, proj_id);
    read_key_parts(path, proj_id, &parts);
    print_key(key, &parts);

    return EXIT_SUCCESS;
}
