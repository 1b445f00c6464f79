/* Listing 2-4 (chapter 2, shmget) */

/* shmbig.c

   Try to create a private segment of SIZE bytes (a number with an
   optional suffix K, M, G or T: 1T is 2^40 bytes), say what shmget()
   did, and remove the segment if it was made. It touches none of the
   segment's memory.

   Usage: shmbig [-n] [-h] SIZE

       -n   add SHM_NORESERVE: no commit charge for the segment
       -h   add SHM_HUGETLB: build it from huge pages

       $ ./shmbig 1T
       shmget(1T): Cannot allocate memory (ENOMEM)

   Unlike the book's other programs, shmbig reports a failed shmget()
   and exits with status 0: the failure is what it is there to show.
*/
#include <sys/ipc.h>
#include <sys/shm.h>
#include <stdint.h>

#include "ipcbook.h"

/* Return TEXT, a number with an optional K, M, G or T, in bytes; exit
   with the usage message if it is not one, or is 0 or above 2^50. */
static size_t
parse_size(const char *text)
{
    unsigned long long n;
    char *end;
    int shift = 0;

    errno = 0;
    n = strtoull(text, &end, 10);
    if (end == text || errno != 0 || text[0] == '-')
        usage_err("[-n] [-h] SIZE\n");
    switch (*end) {
    case 'K': shift = 10; end++; break;
    case 'M': shift = 20; end++; break;
    case 'G': shift = 30; end++; break;
    case 'T': shift = 40; end++; break;
    }
    if (*end != '\0' || n == 0 || n > (1ULL << (50 - shift)))
        usage_err("[-n] [-h] SIZE      (SIZE: 1 to 1024T)\n");
    return (size_t) (n << shift);
}

int
main(int argc, char *argv[])
{
    int opt, flags = 0, shmid;
    size_t size;

    while ((opt = getopt(argc, argv, "nh")) != -1) {
        switch (opt) {
        case 'n': flags |= SHM_NORESERVE; break;
        case 'h': flags |= SHM_HUGETLB;   break;
        default:  usage_err("[-n] [-h] SIZE\n");
        }
    }
    if (argc - optind != 1)
        usage_err("[-n] [-h] SIZE\n");
    size = parse_size(argv[optind]);

    // ANCHOR: create
    shmid = shmget(IPC_PRIVATE, size, IPC_CREAT | flags | 0600);
    printf("shmget(%s%s%s): ", argv[optind],
           (flags & SHM_NORESERVE) ? ", SHM_NORESERVE" : "",
           (flags & SHM_HUGETLB) ? ", SHM_HUGETLB" : "");
    if (shmid == -1) {
        printf("%s (%s)\n", strerror(errno),
               errno == ENOMEM ? "ENOMEM" : errno == EPERM ? "EPERM" :
               errno == EINVAL ? "EINVAL" : errno == ENOSPC ? "ENOSPC" : "?");
        return 0;
    }
    printf("shmid %d\n", shmid);
    // ANCHOR_END: create
    if (shmctl(shmid, IPC_RMID, NULL) == -1)
        err_exit("shmctl(IPC_RMID)");
    return 0;
}
