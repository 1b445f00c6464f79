/* Solution to project 3 (fileserver) */

/* fileclient.c

   The client of the file service (the protocol is in
   ../include/fileservice.h). It connects to the server's socket PATH and
   asks for each NAME in turn; the server passes each file back as an open
   descriptor, whose contents the client copies to its standard output.

   Usage: fileclient PATH NAME...

       $ ./fileclient files.sock hostname nosuchfile
       myhost
       fileclient: nosuchfile: notfound

   A NAME the server refuses is reported on stderr ("fileclient: NAME:
   REASON", REASON the word after "ERR") and the client goes on with the
   next. Exit status: 0 if every file came, 1 otherwise.

   See chapters/09a-project-fileserver.md.
*/
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <stdbool.h>
#include "ipcbook.h"
#include "fileservice.h"

/* Connect a stream socket to PATH; return its descriptor. */
static int
connect_to(const char *path)
{
    struct sockaddr_un addr;
    int fd;

    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1)
        err_exit("socket");
    if (connect(fd, (struct sockaddr *) &addr, sizeof(addr)) == -1)
        err_exit("connect(%s)", path);
    return fd;
}

/* Send all LEN bytes of BUF on FD (send() may take fewer at a time). */
static void
send_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            err_exit("send");
        buf += n;
        len -= (size_t) n;
    }
}

/* Take the descriptors that came in MSG's control data: the first goes to
   *FILE if *FILE is still -1; any other is closed at once (a reply carries
   one at most, and one kept would be a leak). */
static void
take_descriptors(struct msghdr *msg, int *file)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
        size_t n;

        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n; i++) {
            int fd;

            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            if (*file == -1)
                *file = fd;
            else
                close(fd);
        }
    }
}

/* Read one reply line from the server on FD into LINE (its '\n' removed)
   and the descriptor that came with it into *FILE (-1 if none). The line
   may come in pieces; the descriptor comes with one of them. */
static void
read_reply(int fd, char line[REPLY_MAX], int *file)
{
    size_t len = 0;

    *file = -1;
    for (;;) {
        union {
            char buf[CMSG_SPACE(4 * sizeof(int))];
            struct cmsghdr align;
        } control;
        /* One byte at a time: never read past this reply's '\n'. */
        struct iovec iov = { .iov_base = line + len, .iov_len = 1 };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                              .msg_control = control.buf,
                              .msg_controllen = sizeof(control.buf) };
        ssize_t n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);

        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            err_exit("recvmsg");
        take_descriptors(&msg, file);
        if (n == 0)
            fatal("the server closed the connection");
        if (msg.msg_flags & MSG_CTRUNC)
            fatal("too many descriptors came with a reply");
        if (line[len] == '\n') {
            line[len] = '\0';
            return;
        }
        if (++len == REPLY_MAX)
            fatal("a reply longer than %d bytes", REPLY_MAX);
    }
}

/* Copy everything FILE holds, from its start, to stdout. */
static void
copy_out(int file, const char *name)
{
    char buf[8192];
    ssize_t n;

    while ((n = read(file, buf, sizeof(buf))) != 0) {
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            err_exit("read(%s)", name);
        if (fwrite(buf, 1, (size_t) n, stdout) != (size_t) n)
            err_exit("write");
    }
}

/* Ask for NAME on the connection FD and print the file. Return false if
   the server refused it. */
static bool
fetch(int fd, const char *name)
{
    char request[REQUEST_MAX + 1], reply[REPLY_MAX];
    int file;

    snprintf(request, sizeof(request), "GET %s\n", name);
    send_all(fd, request, strlen(request));
    read_reply(fd, reply, &file);
    if (strcmp(reply, "OK") == 0 && file >= 0) {
        copy_out(file, name);
        close(file);
        return true;
    }
    if (file >= 0)
        close(file);
    if (strncmp(reply, "ERR ", 4) == 0)
        fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, name, reply + 4);
    else
        fprintf(stderr, "%s: %s: bad reply \"%s\"\n", program_invocation_short_name, name,
                reply);
    return false;
}

int
main(int argc, char *argv[])
{
    struct sockaddr_un addr;
    bool all = true;
    int fd;

    if (argc < 3 || argv[1][0] == '\0')
        usage_err("PATH NAME...\n");
    if (strlen(argv[1]) >= sizeof(addr.sun_path))
        usage_err("PATH NAME...\nPATH must be shorter than %zu bytes\n",
                  sizeof(addr.sun_path));
    for (int i = 2; i < argc; i++)
        if (argv[i][0] == '\0' || strchr(argv[i], '\n') != NULL ||
            strlen(argv[i]) > NAME_MAX_LEN)
            usage_err("PATH NAME...\nNAME: 1 to %d bytes, no newline\n", NAME_MAX_LEN);

    fd = connect_to(argv[1]);
    for (int i = 2; i < argc; i++) {
        all = fetch(fd, argv[i]) && all;
        fflush(stdout);         /* each file out before the next one's errors */
    }
    close(fd);
    if (fflush(stdout) == EOF)
        err_exit("write");
    return all ? EXIT_SUCCESS : EXIT_FAILURE;
}
