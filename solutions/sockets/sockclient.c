/* Solution to exercise 9 (sockets) */

/* sockclient.c

   A client of the line service of exercise 9 (the protocol is in
   ../include/sockservice.h). It connects to the server's socket PATH,
   sends each TEXT as one request line, waits for its reply and prints it.

   Usage: sockclient PATH TEXT...

       $ ./sockclient service.sock hello 'two words'
       1 HELLO
       2 TWO WORDS
       $ ./sockclient nothing.sock hello
       sockclient: connect(nothing.sock): No such file or directory

   Exit status 0 when every request got its reply; 1 when a call fails or
   the server closes the connection first; 2 for a wrong command line.

   See chapters/09-sockets.md.
*/
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <stdbool.h>
#include "ipcbook.h"
#include "sockservice.h"

/* Bytes read from the server and not handed out yet: a read() may end in
   the middle of a reply, or hold more than one. */
struct inbuf {
    size_t len;
    char buf[REPLY_MAX];
};

/* Send all LEN bytes of BUF on FD; exit on failure. MSG_NOSIGNAL: a
   server that has gone makes send() fail with EPIPE instead of killing
   us with SIGPIPE. */
static void
send_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n == -1) {
            if (errno == EINTR)
                continue;
            err_exit("send");
        }
        buf += n;
        len -= (size_t) n;
    }
}

/* Read from FD until IN holds a whole line; move it, without its '\n', into
   LINE (REPLY_MAX bytes). Return false at end of file before the line
   is complete. */
static bool
read_line(int fd, struct inbuf *in, char *line)
{
    for (;;) {
        char *nl = memchr(in->buf, '\n', in->len);
        ssize_t n;

        if (nl != NULL) {
            size_t len = (size_t) (nl - in->buf);

            memcpy(line, in->buf, len);
            line[len] = '\0';
            in->len -= len + 1;
            memmove(in->buf, nl + 1, in->len);
            return true;
        }
        if (in->len == sizeof(in->buf))
            fatal("the server sent a line longer than %zu bytes", sizeof(in->buf));
        n = read(fd, in->buf + in->len, sizeof(in->buf) - in->len);
        if (n == 0)
            return false;
        if (n == -1) {
            if (errno == EINTR)
                continue;
            err_exit("read");
        }
        in->len += (size_t) n;
    }
}

int
main(int argc, char *argv[])
{
    struct sockaddr_un addr;
    struct inbuf in = { 0 };
    char line[REPLY_MAX];
    const char *path;
    int fd;

    if (argc < 3)
        usage_err("PATH TEXT...\n");
    path = argv[1];
    if (path[0] == '\0' || strlen(path) >= sizeof(addr.sun_path))
        usage_err("PATH TEXT...\nPATH must be 1 to %zu bytes long\n",
                  sizeof(addr.sun_path) - 1);
    for (int i = 2; i < argc; i++)
        if (argv[i][0] == '\0' || strchr(argv[i], '\n') != NULL
                || strlen(argv[i]) > REQUEST_MAX - 1)
            usage_err("PATH TEXT...\nEach TEXT is 1 to %d bytes long, on one line\n",
                      REQUEST_MAX - 1);

    /* Each reply at once, even when stdout is a file: a client that gets
       stuck shows how far it got. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd == -1)
        err_exit("socket");
    if (connect(fd, (struct sockaddr *) &addr, sizeof(addr)) == -1)
        err_exit("connect(%s)", path);

    /* One request at a time: send it, then wait for its reply. */
    for (int i = 2; i < argc; i++) {
        size_t len = strlen(argv[i]);
        char request[REQUEST_MAX];

        memcpy(request, argv[i], len);
        request[len] = '\n';
        send_all(fd, request, len + 1);
        if (!read_line(fd, &in, line))
            fatal("the server closed the connection before replying");
        printf("%s\n", line);
    }

    if (close(fd) == -1)
        err_exit("close");
    return EXIT_SUCCESS;
}
