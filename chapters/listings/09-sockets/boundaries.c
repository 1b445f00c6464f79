/* Listing 9-3 (chapter 9, sockets) */

/* boundaries.c

   What a reader sees of three writes, on a stream socket and on the two
   kinds of Unix sockets that keep message boundaries. For each type, make
   a connected pair with socketpair(), write "one", "two" and "three" on
   one end, then read the other end until nothing is left, each read()
   with room for 100 bytes. Last, read a datagram with room for only 2
   bytes: the rest of that datagram is lost.

   Usage: boundaries

       $ ./boundaries
       SOCK_STREAM     3 writes: "one" "two" "three"
                       reads:   "onetwothree"
       ...
*/
#include <sys/socket.h>

#include "ipcbook.h"

/* Read everything waiting on FD, one recv() at a time, with room for SIZE
   bytes each time, and print what each one returned. MSG_DONTWAIT: stop
   when nothing is left instead of waiting. */
static void
read_all(int fd, size_t size)
{
    char buf[100];
    ssize_t n;
    int reads = 0;

    printf("%16sreads:   ", "");
    while ((n = recv(fd, buf, size, MSG_DONTWAIT)) > 0)
        printf("%s\"%.*s\"", reads++ ? " " : "", (int) n, buf);
    if (n == -1 && errno != EAGAIN)
        err_exit("recv");
    printf("\n");
}

// ANCHOR: show
/* Write three messages into one end of a socketpair of TYPE, then read
   the other end with room for SIZE bytes per read. */
static void
show(int type, const char *name, size_t size)
{
    const char *words[] = { "one", "two", "three" };
    int sv[2];

    if (socketpair(AF_UNIX, type, 0, sv) == -1)
        err_exit("socketpair(%s)", name);
    printf("%-15s 3 writes: ", name);
    for (int i = 0; i < 3; i++) {
        if (write(sv[0], words[i], strlen(words[i])) == -1)
            err_exit("write");
        printf("%s\"%s\"", i ? " " : "", words[i]);
    }
    printf("\n");
    read_all(sv[1], size);
    close(sv[0]);
    close(sv[1]);
}
// ANCHOR_END: show

int
main(void)
{
    show(SOCK_STREAM, "SOCK_STREAM", 100);
    show(SOCK_SEQPACKET, "SOCK_SEQPACKET", 100);
    show(SOCK_DGRAM, "SOCK_DGRAM", 100);
    printf("and with room for 2 bytes per read():\n");
    show(SOCK_STREAM, "SOCK_STREAM", 2);
    show(SOCK_DGRAM, "SOCK_DGRAM", 2);
    return 0;
}
