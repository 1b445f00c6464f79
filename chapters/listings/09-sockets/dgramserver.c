/* Listing 9-8 (chapter 9, sockets) */

/* dgramserver.c

   A datagram server on a Unix domain socket: bind to PATH, then receive
   COUNT datagrams with recvfrom(). Each one carries its sender's address:
   the server prints it and answers with sendto() to that address, the
   text in capitals. A sender with no address cannot be answered. At the
   end the server removes PATH.

   Usage: dgramserver PATH COUNT

       $ ./dgramserver dgram.sock 3 &
       $ ./dgramclient -b client.sock dgram.sock hello
       HELLO
*/
#include <sys/socket.h>
#include <sys/un.h>
#include <ctype.h>
#include <stddef.h>

#include "ipcbook.h"

/* Describe the address ADDR of length LEN, as recvfrom() gave it. */
static void
describe(const struct sockaddr_un *addr, socklen_t len, char *out, size_t size)
{
    size_t name_len = len - offsetof(struct sockaddr_un, sun_path);

    if (len <= offsetof(struct sockaddr_un, sun_path))
        snprintf(out, size, "no address");
    else if (addr->sun_path[0] == '\0')     /* abstract: no '\0' at the end */
        snprintf(out, size, "an abstract name of %zu bytes", name_len - 1);
    else
        snprintf(out, size, "%s", addr->sun_path);
}

int
main(int argc, char *argv[])
{
    struct sockaddr_un addr, from;
    char text[256], who[128];
    socklen_t from_len;
    long count;
    ssize_t n;
    char *end;
    int fd;

    if (argc != 3 || strlen(argv[1]) >= sizeof(addr.sun_path))
        usage_err("PATH COUNT\n");
    errno = 0;
    count = strtol(argv[2], &end, 10);
    if (end == argv[2] || *end != '\0' || errno != 0 || count < 1 || count > 1000)
        usage_err("PATH COUNT      (COUNT: 1 to 1000)\n");
    setvbuf(stdout, NULL, _IOLBF, 0);

    // ANCHOR: server
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, argv[1]);
    fd = socket(AF_UNIX, SOCK_DGRAM, 0);    /* no listen(), no accept() */
    if (fd == -1)
        err_exit("socket");
    if (bind(fd, (struct sockaddr *) &addr, sizeof(addr)) == -1)
        err_exit("bind(%s)", argv[1]);

    for (long i = 0; i < count; i++) {
        /* One datagram, whole, and who sent it. */
        from_len = sizeof(from);
        n = recvfrom(fd, text, sizeof(text) - 1, 0,
                     (struct sockaddr *) &from, &from_len);
        if (n == -1) {
            if (errno == EINTR)
                continue;
            err_exit("recvfrom");
        }
        text[n] = '\0';
        describe(&from, from_len, who, sizeof(who));
        printf("\"%s\" from %s\n", text, who);
        if (from_len <= offsetof(struct sockaddr_un, sun_path))
            continue;                   /* nowhere to send an answer */
        for (ssize_t k = 0; k < n; k++)
            text[k] = (char) toupper((unsigned char) text[k]);
        if (sendto(fd, text, (size_t) n, 0, (struct sockaddr *) &from, from_len) == -1)
            err_msg("sendto(%s)", who); /* that client has gone: go on */
    }
    // ANCHOR_END: server
    close(fd);
    if (unlink(argv[1]) == -1)
        err_exit("unlink(%s)", argv[1]);
    return 0;
}
