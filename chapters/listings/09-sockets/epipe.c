/* Listing 9-7 (chapter 9, sockets) */

/* epipe.c

   Write to a stream socket whose other end has been closed: the peer of a
   server that writes a reply to a client that has gone. With write(), the
   kernel sends SIGPIPE, whose default action kills the process; with
   send() and MSG_NOSIGNAL, the call fails with EPIPE instead, and the
   program goes on.

   Usage: epipe write|send

       $ ./epipe send
       send(): Broken pipe (EPIPE): the other end is gone; going on
       $ ./epipe write
       $ echo $?
       141
*/
#include <sys/socket.h>

#include "ipcbook.h"

int
main(int argc, char *argv[])
{
    int sv[2];
    ssize_t n;

    if (argc != 2 || (strcmp(argv[1], "write") != 0 && strcmp(argv[1], "send") != 0))
        usage_err("write|send\n");
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
        err_exit("socketpair");
    close(sv[1]);               /* the client leaves */

    // ANCHOR: send
    if (strcmp(argv[1], "send") == 0)
        n = send(sv[0], "reply\n", 6, MSG_NOSIGNAL);
    else
        n = write(sv[0], "reply\n", 6);     /* SIGPIPE: we die here */
    if (n == -1 && errno == EPIPE)
        printf("%s(): %s (EPIPE): the other end is gone; going on\n", argv[1],
               strerror(errno));
    // ANCHOR_END: send
    else if (n == -1)
        err_exit("%s", argv[1]);
    return 0;
}
