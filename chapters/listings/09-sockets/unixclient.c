/* Listing 9-2 (chapter 9, sockets) */

/* unixclient.c

   A client of Listing 9-1: connect() to the Unix stream socket PATH and
   send each LINE, with a '\n', then close the connection.

   Usage: unixclient PATH LINE...

       $ ./unixclient demo.sock hello 'second line'
       $ ./unixclient nothing.sock hello
       unixclient: connect(nothing.sock): No such file or directory
*/
#include <sys/socket.h>
#include <sys/un.h>

#include "ipcbook.h"

/* Write all LEN bytes of BUF to FD: write() may take fewer. */
static void
write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);

        if (n == -1) {
            if (errno == EINTR)
                continue;
            err_exit("write");
        }
        buf += n;
        len -= (size_t) n;
    }
}

int
main(int argc, char *argv[])
{
    struct sockaddr_un addr;
    int fd;

    if (argc < 3 || strlen(argv[1]) >= sizeof(addr.sun_path))
        usage_err("PATH LINE...\n");

    // ANCHOR: client
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, argv[1]);

    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd == -1)
        err_exit("socket");
    if (connect(fd, (struct sockaddr *) &addr, sizeof(addr)) == -1)
        err_exit("connect(%s)", argv[1]);

    for (int i = 2; i < argc; i++) {
        write_all(fd, argv[i], strlen(argv[i]));
        write_all(fd, "\n", 1);
    }
    if (close(fd) == -1)                /* the server reads end of file */
        err_exit("close");
    // ANCHOR_END: client
    return 0;
}
