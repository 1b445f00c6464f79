/* Listing A-2 (appendix A, posix-ipc) */

/* pshm.c

   A note in POSIX shared memory: write TEXT into a shared memory object,
   read it back, remove the object. The same job as svshm.c (Listing A-1),
   the POSIX way: the object has a NAME, such as /note, and is a file in
   /dev/shm that you open, size and map like any other file.

   Usage: pshm NAME write TEXT
          pshm NAME read
          pshm NAME remove

       $ ./pshm /note write 'lunch at noon'
       $ ./pshm /note read
       lunch at noon
       $ ls -l /dev/shm/note
       -rw------- 1 you you 4096 Jun  1 12:00 /dev/shm/note
       $ ./pshm /note remove
*/
#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <stdbool.h>

#include "ipcbook.h"

#define NOTE_SIZE 4096          /* bytes, the terminating '\0' included */

// ANCHOR: write
/* Create the object NAME if it does not exist (read and write for our
   user only), make it NOTE_SIZE bytes long, map it and copy TEXT into it. */
static void
note_write(const char *name, const char *text)
{
    int fd = shm_open(name, O_CREAT | O_RDWR, 0600);
    if (fd == -1)
        err_exit("shm_open(%s)", name);
    /* A new object is 0 bytes long: give it its size, as for a file. */
    if (ftruncate(fd, NOTE_SIZE) == -1)
        err_exit("ftruncate");

    char *note = mmap(NULL, NOTE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
                      fd, 0);
    if (note == MAP_FAILED)
        err_exit("mmap");
    if (close(fd) == -1)        /* the mapping stays: it holds the object */
        err_exit("close");
    strcpy(note, text);         /* main() checked that TEXT fits */
    if (munmap(note, NOTE_SIZE) == -1)
        err_exit("munmap");
}
// ANCHOR_END: write

// ANCHOR: read
/* Print the note in the existing object NAME, mapped read-only. */
static void
note_read(const char *name)
{
    struct stat st;
    int fd = shm_open(name, O_RDONLY, 0);
    if (fd == -1)
        err_exit("shm_open(%s)", name);
    if (fstat(fd, &st) == -1)                       /* its size */
        err_exit("fstat");
    if (st.st_size == 0)        /* mmap() cannot map 0 bytes */
        fatal("%s is empty", name);

    const char *note = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_SHARED,
                            fd, 0);
    if (note == MAP_FAILED)
        err_exit("mmap");
    if (close(fd) == -1)
        err_exit("close");
    /* Another program may have filled the object without a '\0'. */
    printf("%.*s\n", (int) strnlen(note, (size_t) st.st_size), note);
    if (munmap((void *) note, (size_t) st.st_size) == -1)
        err_exit("munmap");
}
// ANCHOR_END: read

// ANCHOR: remove
/* Remove the name NAME: the object goes once nobody has it open or mapped. */
static void
note_remove(const char *name)
{
    if (shm_unlink(name) == -1)
        err_exit("shm_unlink(%s)", name);
}
// ANCHOR_END: remove

int
main(int argc, char *argv[])
{
    const char *cmd = argc >= 3 ? argv[2] : "";
    bool writing = strcmp(cmd, "write") == 0;

    if (argc != (writing ? 4 : 3) ||
        (!writing && strcmp(cmd, "read") != 0 && strcmp(cmd, "remove") != 0))
        usage_err("NAME write TEXT | NAME read | NAME remove\n");
    if (writing && strlen(argv[3]) >= NOTE_SIZE)
        fatal("the note is longer than %d bytes", NOTE_SIZE - 1);

    if (writing)
        note_write(argv[1], argv[3]);
    else if (strcmp(cmd, "read") == 0)
        note_read(argv[1]);
    else
        note_remove(argv[1]);
    return 0;
}
