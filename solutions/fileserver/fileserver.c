/* Solution to project 3 (fileserver) */

/* fileserver.c

   A file service on a Unix domain stream socket (the protocol is in
   ../include/fileservice.h). It listens on the socket file PATH and serves
   many clients at once, with poll(). To each "GET NAME" it answers with
   the file NAME of folder DIR, opened read-only and passed as a descriptor
   (SCM_RIGHTS), if the client's uid, as the kernel reports it
   (SO_PEERCRED), is on the access list ACCESS: a file of uids, one a line.

   Usage: fileserver PATH DIR ACCESS

       $ id -u > access.txt
       $ ./fileserver files.sock /etc access.txt &
       ready files.sock
       $ ./fileclient files.sock hostname
       myhost
       $ kill %1

   On SIGTERM or SIGINT it closes every connection, removes the socket
   file and exits with status 0.

   See chapters/09a-project-fileserver.md.
*/
#define _GNU_SOURCE             /* struct ucred */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include "ipcbook.h"
#include "fileservice.h"

#define BACKLOG   16            /* connections the kernel holds for accept() */
#define MAX_UIDS  64            /* uids an access list may name */

/* The uids allowed to ask for files. */
struct access_list {
    size_t n;
    uid_t uid[MAX_UIDS];
};

/* One connected client. buf keeps the bytes of the request not finished
   yet, until its '\n' comes; allowed is decided once, at accept(): the
   kernel's credentials of a connection are those of whoever connected. */
struct client {
    int fd;                     /* the connection, or -1 for a free slot */
    bool allowed;
    size_t len;
    char buf[REQUEST_MAX];
};

static volatile sig_atomic_t stop_requested;    /* SIGTERM or SIGINT came */

static void
on_stop(int sig)
{
    (void) sig;
    stop_requested = 1;
}

/* Catch SIGTERM and SIGINT without SA_RESTART, so that poll() returns
   EINTR and the loop sees the flag. */
static void
catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;
    if (sigaction(SIGTERM, &sa, NULL) == -1 || sigaction(SIGINT, &sa, NULL) == -1)
        err_exit("sigaction");
}

/* Read the access list from PATH into LIST: one decimal uid a line; empty
   lines and lines starting with '#' are skipped. Anything else ends the
   program: a server must not guess who may read its files. */
static void
read_access_list(const char *path, struct access_list *list)
{
    char line[128];
    FILE *f = fopen(path, "r");
    int lineno = 0;

    if (f == NULL)
        err_exit("fopen(%s)", path);
    list->n = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        char *end;
        unsigned long uid;

        lineno++;
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        errno = 0;
        uid = strtoul(line, &end, 10);
        if (line[0] < '0' || line[0] > '9' || *end != '\0' || errno != 0 ||
            uid != (uid_t) uid)
            fatal("%s:%d: not a uid: \"%s\"", path, lineno, line);
        if (list->n == MAX_UIDS)
            fatal("%s: more than %d uids", path, MAX_UIDS);
        list->uid[list->n++] = (uid_t) uid;
    }
    if (ferror(f))
        err_exit("read(%s)", path);
    fclose(f);
}

static bool
on_list(const struct access_list *list, uid_t uid)
{
    for (size_t i = 0; i < list->n; i++)
        if (list->uid[i] == uid)
            return true;
    return false;
}

/* Make a listening stream socket bound to PATH; return its descriptor. */
static int
listen_on(const char *path)
{
    struct sockaddr_un addr;
    int fd;

    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1)
        err_exit("socket");
    if (bind(fd, (struct sockaddr *) &addr, sizeof(addr)) == -1)
        err_exit("bind(%s)", path);
    if (listen(fd, BACKLOG) == -1)
        err_exit("listen");
    return fd;
}

/* Accept one waiting connection into a free slot of CLIENTS and decide
   from the kernel's word (SO_PEERCRED), never the client's, whether it
   may have files. */
static void
accept_client(int lfd, struct client clients[], const struct access_list *list)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

    if (fd == -1) {
        if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN)
            return;
        err_exit("accept");
    }
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
        err_msg("getsockopt(SO_PEERCRED)");
        close(fd);
        return;
    }
    for (int i = 0; i < MAX_CLIENTS; i++) {
        if (clients[i].fd == -1) {
            clients[i] = (struct client) { .fd = fd, .allowed = on_list(list, cred.uid) };
            return;
        }
    }
    close(fd);                  /* no free slot: the loop polls lfd only when there is */
}

static void
drop_client(struct client *c)
{
    close(c->fd);
    c->fd = -1;
    c->len = 0;
}

/* Send the reply TEXT on FD in one sendmsg(), with the descriptor FILE
   (SCM_RIGHTS) when FILE >= 0. Return false if the client has gone: a
   client that left must not kill the server, hence MSG_NOSIGNAL. */
static bool
send_reply(int fd, const char *text, int file)
{
    union {                     /* a buffer aligned for a cmsghdr */
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = { .iov_base = (void *) text, .iov_len = strlen(text) };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

    if (file >= 0) {
        struct cmsghdr *cmsg;

        memset(&control, 0, sizeof(control));
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof(control.buf);
        cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cmsg), &file, sizeof(int));
    }
    /* The reply is a few bytes: a stream socket takes them whole, or
       fails. */
    while (sendmsg(fd, &msg, MSG_NOSIGNAL) == -1) {
        if (errno == EINTR && !stop_requested)
            continue;
        if (errno != EPIPE && errno != ECONNRESET)
            err_msg("sendmsg");
        return false;
    }
    return true;
}

/* Is NAME a plain file name of the folder: not empty, no '/', not "."
   or ".."? Anything else could reach outside it. */
static bool
plain_name(const char *name)
{
    return name[0] != '\0' && strchr(name, '/') == NULL && strcmp(name, ".") != 0 &&
           strcmp(name, "..") != 0;
}

/* Answer the request LINE (its '\n' replaced by '\0') of client C, whose
   files are in the folder DIRFD. Return false if the client has gone. */
static bool
answer(struct client *c, char *line, int dirfd)
{
    const char *name;
    int file;
    bool sent;

    if (!c->allowed)
        return send_reply(c->fd, REPLY_DENIED, -1);
    if (strncmp(line, "GET ", 4) != 0 || strlen(line) > 4 + NAME_MAX_LEN)
        return send_reply(c->fd, REPLY_BADREQ, -1);
    name = line + 4;
    if (!plain_name(name))
        return send_reply(c->fd, REPLY_BADNAME, -1);
    file = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
    if (file == -1)
        return send_reply(c->fd, errno == ENOENT ? REPLY_NOTFOUND : REPLY_FAILED, -1);
    /* The kernel gives the client its own descriptor of the same open
       file: ours is no longer needed, whatever happened to the reply. */
    sent = send_reply(c->fd, REPLY_OK, file);
    close(file);
    return sent;
}

/* Client C's connection is readable: read what came, answer every request
   it completes, keep the unfinished rest for the next time. */
static void
serve_client(struct client *c, int dirfd)
{
    ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
    char *start, *nl;

    if (n == 0 || (n == -1 && errno != EINTR)) {
        if (n == -1 && errno != ECONNRESET)
            err_msg("read");
        drop_client(c);
        return;
    }
    if (n == -1)
        return;                 /* EINTR: poll() will say it again */
    c->len += (size_t) n;
    start = c->buf;
    while ((nl = memchr(start, '\n', c->len - (size_t) (start - c->buf))) != NULL) {
        *nl = '\0';
        if (!answer(c, start, dirfd)) {
            drop_client(c);
            return;
        }
        start = nl + 1;
    }
    c->len -= (size_t) (start - c->buf);
    memmove(c->buf, start, c->len);
    if (c->len == sizeof(c->buf)) {     /* no '\n' in REQUEST_MAX bytes */
        send_reply(c->fd, REPLY_BADREQ, -1);
        drop_client(c);
    }
}

int
main(int argc, char *argv[])
{
    static struct client clients[MAX_CLIENTS];
    struct access_list list;
    struct sockaddr_un addr;
    const char *path;
    int lfd, dirfd;

    if (argc != 4 || argv[1][0] == '\0' || argv[2][0] == '\0' || argv[3][0] == '\0')
        usage_err("PATH DIR ACCESS\n");
    path = argv[1];
    if (strlen(path) >= sizeof(addr.sun_path))
        usage_err("PATH DIR ACCESS\nPATH must be shorter than %zu bytes\n",
                  sizeof(addr.sun_path));

    setvbuf(stdout, NULL, _IOLBF, 0);
    catch_signals();
    read_access_list(argv[3], &list);
    dirfd = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd == -1)
        err_exit("open(%s)", argv[2]);
    lfd = listen_on(path);
    for (int i = 0; i < MAX_CLIENTS; i++)
        clients[i].fd = -1;
    printf("ready %s\n", path);

    while (!stop_requested) {
        struct pollfd fds[MAX_CLIENTS + 1];
        struct client *owner[MAX_CLIENTS + 1];
        nfds_t nfds = 0;
        int nclients = 0;

        for (int i = 0; i < MAX_CLIENTS; i++)
            nclients += clients[i].fd != -1;
        if (nclients < MAX_CLIENTS) {
            fds[nfds] = (struct pollfd) { .fd = lfd, .events = POLLIN };
            owner[nfds++] = NULL;
        }
        for (int i = 0; i < MAX_CLIENTS; i++) {
            if (clients[i].fd != -1) {
                fds[nfds] = (struct pollfd) { .fd = clients[i].fd, .events = POLLIN };
                owner[nfds++] = &clients[i];
            }
        }
        if (poll(fds, nfds, -1) == -1) {
            if (errno == EINTR)
                continue;
            err_exit("poll");
        }
        for (nfds_t i = 0; i < nfds && !stop_requested; i++) {
            if (fds[i].revents == 0)
                continue;
            if (owner[i] == NULL)
                accept_client(lfd, clients, &list);
            else if (owner[i]->fd != -1)
                serve_client(owner[i], dirfd);
        }
    }

    for (int i = 0; i < MAX_CLIENTS; i++)
        if (clients[i].fd != -1)
            drop_client(&clients[i]);
    close(lfd);
    close(dirfd);
    if (unlink(path) == -1 && errno != ENOENT)
        err_exit("unlink(%s)", path);
    return EXIT_SUCCESS;
}
