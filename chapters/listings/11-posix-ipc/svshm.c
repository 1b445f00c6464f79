/* Listing A-1 (appendix A, posix-ipc) */

/* svshm.c

   A note in System V shared memory: write TEXT into a segment, read it
   back, remove the segment. pshm.c (Listing A-2) does the same job with
   POSIX shared memory; put the two side by side.

   The segment's key is ftok(PATH, 'N'): every program that uses the same
   existing file finds the same segment.

   Usage: svshm PATH write TEXT
          svshm PATH read
          svshm PATH remove

       $ touch notefile
       $ ./svshm notefile write 'lunch at noon'
       $ ./svshm notefile read
       lunch at noon
       $ ./svshm notefile remove
*/
#include <sys/ipc.h>
#include <sys/shm.h>
#include <stdbool.h>

#include "ipcbook.h"

#define NOTE_SIZE 4096          /* bytes, the terminating '\0' included */

// ANCHOR: write
/* Create the segment of KEY if it does not exist (read and write for our
   user only), attach it and copy TEXT into it. */
static void
note_write(key_t key, const char *text)
{
    int shmid = shmget(key, NOTE_SIZE, IPC_CREAT | 0600);
    if (shmid == -1)
        err_exit("shmget");

    char *note = shmat(shmid, NULL, 0);
    if (note == (void *) -1)
        err_exit("shmat");
    strcpy(note, text);         /* main() checked that TEXT fits */
    if (shmdt(note) == -1)
        err_exit("shmdt");
}
// ANCHOR_END: write

// ANCHOR: read
/* Print the note in the existing segment of KEY, attached read-only. */
static void
note_read(key_t key)
{
    struct shmid_ds ds;
    int shmid = shmget(key, 0, 0);
    if (shmid == -1)
        err_exit("shmget");
    if (shmctl(shmid, IPC_STAT, &ds) == -1)        /* its size */
        err_exit("shmctl(IPC_STAT)");

    const char *note = shmat(shmid, NULL, SHM_RDONLY);
    if (note == (void *) -1)
        err_exit("shmat");
    /* Another program may have filled the segment without a '\0'. */
    printf("%.*s\n", (int) strnlen(note, ds.shm_segsz), note);
    if (shmdt(note) == -1)
        err_exit("shmdt");
}
// ANCHOR_END: read

// ANCHOR: remove
/* Remove the segment of KEY: it goes once nobody has it attached. */
static void
note_remove(key_t key)
{
    int shmid = shmget(key, 0, 0);
    if (shmid == -1)
        err_exit("shmget");
    if (shmctl(shmid, IPC_RMID, NULL) == -1)
        err_exit("shmctl(IPC_RMID)");
}
// ANCHOR_END: remove

int
main(int argc, char *argv[])
{
    const char *cmd = argc >= 3 ? argv[2] : "";
    bool writing = strcmp(cmd, "write") == 0;

    if (argc != (writing ? 4 : 3) ||
        (!writing && strcmp(cmd, "read") != 0 && strcmp(cmd, "remove") != 0))
        usage_err("PATH write TEXT | PATH read | PATH remove\n");
    if (writing && strlen(argv[3]) >= NOTE_SIZE)
        fatal("the note is longer than %d bytes", NOTE_SIZE - 1);

    key_t key = ftok(argv[1], 'N');
    if (key == -1)
        err_exit("ftok(%s)", argv[1]);

    if (writing)
        note_write(key, argv[3]);
    else if (strcmp(cmd, "read") == 0)
        note_read(key);
    else
        note_remove(key);
    return 0;
}
