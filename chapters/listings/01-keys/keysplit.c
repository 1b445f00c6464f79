/* Listing 1-2 (chapter 1, keys) */

/* keysplit.c

   Take System V IPC keys made by glibc's ftok() apart again and show the
   three fields packed into them:

       bits 31..24   the low 8 bits of proj_id
       bits 23..16   the low 8 bits of the file's device number (st_dev)
       bits 15..0    the low 16 bits of the file's inode number (st_ino)

   Usage: keysplit KEY...        (KEY: a number such as 0x41002255)

       $ ./keysplit 0x41002255
       key 0x41002255: proj_id 0x41, st_dev & 0xff = 0x00, st_ino & 0xffff = 0x2255

   The split works only because we know how glibc builds its keys; the
   key itself carries no mark saying where it came from. A program that
   wants the ingredients should ask stat() for them instead (the exercise
   at the end of chapter 1 does exactly that).
*/
#include <sys/ipc.h>

#include "ipcbook.h"

/* Convert TEXT (decimal, 0x hex or 0 octal) to a key_t. Return 0 on
   success, -1 if TEXT is not a whole number that fits in 32 bits. */
static int
parse_key(const char *text, key_t *key)
{
    char *end;
    long value;

    errno = 0;
    value = strtol(text, &end, 0);
    if (end == text || *end != '\0' || errno != 0)
        return -1;
    if (value < -2147483648L || value > 4294967295L)
        return -1;
    *key = (key_t) (unsigned int) value;
    return 0;
}

int
main(int argc, char *argv[])
{
    if (argc < 2)
        usage_err("KEY...\n");

    for (int i = 1; i < argc; i++) {
        key_t key;
        unsigned int bits;

        if (parse_key(argv[i], &key) == -1)
            usage_err("KEY...\nKEY must be a 32-bit number, not \"%s\"\n",
                      argv[i]);

        /* Shift and mask an unsigned copy: shifting a negative int to
           the right is implementation-defined in C. */
        bits = (unsigned int) key;
        printf("key 0x%08x: proj_id 0x%02x, st_dev & 0xff = 0x%02x,"
               " st_ino & 0xffff = 0x%04x\n",
               bits, bits >> 24, (bits >> 16) & 0xff, bits & 0xffff);
    }
    return 0;
}
