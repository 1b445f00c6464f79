/* Listing 0-2 (chapter 0, introduction) */

/* errcheck.c

   Show the workbook's error-handling convention on a call that is easy
   to make fail: look up an existing shared memory segment by its key with
   shmget(key, 0, 0), which never creates anything.

   Usage: errcheck KEY          (KEY: a number such as 0x1234 or 4660)

       $ ./errcheck 0x1234
       errcheck: shmget(0x00001234): No such file or directory
       $ echo $?
       1

   A bad command line exits with status 2, a failed call with status 1,
   and success with status 0.
*/
#include <sys/ipc.h>
#include <sys/shm.h>

#include "ipcbook.h"

/* Convert TEXT (decimal, 0x hex or 0 octal, as strtol() with base 0
   reads it) to a key_t. Return 0 on success, -1 if TEXT is not a whole
   number or does not fit in 32 bits. */
static int
parse_key(const char *text, key_t *key)
{
    char *end;
    long value;

    errno = 0;
    value = strtol(text, &end, 0);
    if (end == text || *end != '\0' || errno != 0)
        return -1;
    /* Accept -2147483648 .. 4294967295: "0xffff0000" is a valid key even
       though key_t is a signed int. */
    if (value < -2147483648L || value > 4294967295L)
        return -1;
    *key = (key_t) (unsigned int) value;
    return 0;
}

int
main(int argc, char *argv[])
{
    key_t key;
    int shmid;

    /* Wrong arguments are the user's mistake, not a failed call:
       usage_err() prints "usage: ..." and exits with status 2. */
    if (argc != 2 || parse_key(argv[1], &key) == -1)
        usage_err("KEY\n");

    /* Every call is checked. On failure shmget() returns -1 and sets
       errno; err_exit() prints the program name, what failed and
       strerror(errno), then exits with status 1. */
    shmid = shmget(key, 0, 0);
    if (shmid == -1)
        err_exit("shmget(0x%08x)", (unsigned int) key);

    printf("key 0x%08x has shmid %d\n", (unsigned int) key, shmid);
    return 0;
}
