/* Listing 1-1 (chapter 1, keys) */

/* keydemo.c

   Turn a pathname and one or more project ids into System V IPC keys
   with ftok(3) and print each key in hexadecimal, so that you can see
   which part of the key changes when the file or the project id changes.

   Usage: keydemo PATH PROJ_ID...

   PROJ_ID is a number whose low 8 bits are not all 0 (65, 0x41, 0101)
   or a single character (A, which stands for its character code, 65).

       $ touch keyfile
       $ ./keydemo keyfile A B
       ftok("keyfile", 0x41) = 0x41002255
       ftok("keyfile", 0x42) = 0x42002255

   keydemo only computes numbers: it creates no IPC object. It accepts
   project ids above 255 on purpose, to show that ftok() ignores all but
   their low 8 bits; it refuses those whose low 8 bits are 0 (0, 256,
   512...), for which POSIX leaves ftok()'s result unspecified.
*/
#include <sys/ipc.h>
#include <limits.h>

#include "ipcbook.h"

/* Convert a PROJ_ID argument to an int. A text that is a whole number
   (decimal, 0x hex or 0 octal, as strtol() with base 0 reads it) gives
   that number; any other single character gives its character code.
   Return 0 for anything else and for numbers that are negative or too
   large, or whose low 8 bits are 0: those are never valid project ids. */
static int
parse_proj_id(const char *text)
{
    char *end;
    long value;

    errno = 0;
    value = strtol(text, &end, 0);
    if (end != text && *end == '\0')            /* the whole text is a number */
        return (errno == 0 && value > 0 && value <= INT_MAX && (value & 0xff) != 0)
                   ? (int) value : 0;

    if (text[0] != '\0' && text[1] == '\0')     /* one character: "A" is 65 */
        return (unsigned char) text[0];

    return 0;
}

int
main(int argc, char *argv[])
{
    const char *path;

    if (argc < 3)
        usage_err("PATH PROJ_ID...\n");
    path = argv[1];

    for (int i = 2; i < argc; i++) {
        int proj_id = parse_proj_id(argv[i]);
        key_t key;

        if (proj_id == 0)
            usage_err("PATH PROJ_ID...\n"
                      "PROJ_ID must be a number whose low 8 bits are not"
                      " all 0, or one character, not \"%s\"\n", argv[i]);

        /* ftok() calls stat() on PATH; on failure it returns -1 and
           leaves stat()'s errno (ENOENT, EACCES, ...) for err_exit(). */
        key = ftok(path, proj_id);
        if (key == -1)
            err_exit("ftok(%s)", path);

        /* key_t is a signed int: cast it so that %x prints its 32 bits. */
        printf("ftok(\"%s\", 0x%x) = 0x%08x\n",
               path, (unsigned int) proj_id, (unsigned int) key);
    }
    return 0;
}
