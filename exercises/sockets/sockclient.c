/* Exercise 9 (sockets): skeleton */

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

   What to do: read chapters/09-sockets.md, then fill in the places marked
   TODO(sockets): the socket and connect() in main(), send_all(),
   read_line() and the close() at the end. The argument parsing and the
   loop over the TEXTs are given. As given, the client connects to
   nothing and says the server closed the connection. Build with "make";
   grade from the top of the repository with "bin/ipcgrade grade sockets".
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
    /* TODO(sockets): loop until all LEN bytes are sent: n = send(fd, buf,
       len, MSG_NOSIGNAL), then buf += n, len -= n. On failure: EINTR, try
       again; anything else: err_exit("send"). See "When the other end has
       gone: EPIPE and SIGPIPE" in chapters/09-sockets.md. */
    (void) fd;          /* TODO(sockets): delete these three lines once */
    (void) buf;         /* you use fd, buf and len above. */
    (void) len;
}

/* Read from FD until IN holds a whole line; move it, without its '\n', into
   LINE (REPLY_MAX bytes). Return false at end of file before the line
   is complete. */
static bool
read_line(int fd, struct inbuf *in, char *line)
{
    /* TODO(sockets): loop:
       - if in->buf holds a '\n' among its in->len bytes (memchr()): copy
         what comes before it into LINE, add a '\0', move the rest (after
         the '\n') to the front of in->buf with memmove(), subtract from
         in->len, and return true;
       - if in->len == sizeof(in->buf), the line is too long:
         fatal("the server sent a line longer than %zu bytes", ...);
       - otherwise n = read(fd, in->buf + in->len, sizeof(in->buf) -
         in->len): 0 is end of file, return false; -1 with EINTR, loop
         again; other failures: err_exit("read"); else in->len += n.
       One read() may return part of a reply: only the '\n' says where it
       ends. See "A stream has no message boundaries" in
       chapters/09-sockets.md. */
    (void) fd;          /* TODO(sockets): delete these three lines once */
    (void) in;          /* you use fd, in and line above. */
    (void) line;
    return false;
}

int
main(int argc, char *argv[])
{
    struct sockaddr_un addr;
    struct inbuf in = { 0 };
    char line[REPLY_MAX];
    const char *path;
    int fd = -1;

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

    /* TODO(sockets): the server's address: memset() addr to zero, set
       addr.sun_family to AF_UNIX, strcpy() PATH into addr.sun_path (it
       fits: checked above). Then fd = socket(AF_UNIX, SOCK_STREAM, 0) (on
       failure: err_exit("socket")) and connect(fd, (struct sockaddr *)
       &addr, sizeof(addr)); on failure: err_exit("connect(%s)", path):
       ENOENT when there is no such file, ECONNREFUSED when nobody listens
       on it. See "connect(): the client side" in
       chapters/09-sockets.md. */
    memset(&addr, 0, sizeof(addr));

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

    /* TODO(sockets): close(fd) (on failure: err_exit("close")): every
       descriptor you open, you close. See "Closing: every descriptor,
       every time" in chapters/09-sockets.md. */
    return EXIT_SUCCESS;
}
