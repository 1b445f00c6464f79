/* Listing 9-5 (chapter 9, sockets) */

/* passfd.c

   Pass an open file descriptor from one process to another with
   SCM_RIGHTS. The parent opens FILE and sends the descriptor to its child
   over a socketpair(), in the ancillary data of sendmsg(); the child gets
   a new descriptor of its own for the same open file, and reads a line
   from it. The two share the open file, offset included: the parent's
   next read() starts where the child's stopped.

   Usage: passfd [-t] FILE

   -t   the child gives recvmsg() no room for control data: the kernel
        closes the descriptor in transit and sets MSG_CTRUNC

       $ printf 'first line\nsecond line\n' > notes.txt
       $ ./passfd notes.txt
       parent: opened notes.txt as descriptor 4, sending it
       child:  received descriptor 3, read "first line"
       parent: descriptor 4 now reads "second line"
*/
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <stdbool.h>

#include "ipcbook.h"

/* The child's way to give up when no call failed: say WHY and _exit(),
   which, unlike exit(), writes out no stdio buffer copied from the
   parent. */
__attribute__((noreturn)) static void
child_fail(const char *why)
{
    fprintf(stderr, "%s: %s\n", program_invocation_short_name, why);
    _exit(EXIT_FAILURE);
}

// ANCHOR: send
/* Send descriptor FD over the Unix socket SOCK, with one byte of real data
   (a message must carry at least one). */
static void
send_fd(int sock, int fd)
{
    union {                     /* room for one cmsghdr and one int, aligned */
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    char byte = 'F';
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    struct msghdr msg;
    struct cmsghdr *cmsg;

    memset(&msg, 0, sizeof(msg));
    memset(&control, 0, sizeof(control));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof(control.buf);
    cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    if (sendmsg(sock, &msg, 0) == -1)
        err_exit("sendmsg");
}
// ANCHOR_END: send

// ANCHOR: receive
/* Receive a descriptor sent by send_fd() on SOCK; return the new
   descriptor the kernel made for it in this process. With ROOM false,
   give the kernel no room for it. */
static int
receive_fd(int sock, bool room)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    char byte;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    struct msghdr msg;
    struct cmsghdr *cmsg;
    ssize_t n;
    int fd;

    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (room) {
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof(control.buf);
    }
    n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    if (n == -1)
        err_exit_child("recvmsg");
    if (n == 0)                 /* no call failed: errno means nothing */
        child_fail("recvmsg: the other end closed, no message");
    /* Too little room: the kernel closed the descriptors that did not
       fit, and says so only with this flag. */
    if (msg.msg_flags & MSG_CTRUNC)
        child_fail("recvmsg: MSG_CTRUNC: the control data was cut, "
                   "the descriptor is lost");
    cmsg = CMSG_FIRSTHDR(&msg);
    if (cmsg == NULL || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS
            || cmsg->cmsg_len != CMSG_LEN(sizeof(int)))
        child_fail("no descriptor came with the message");
    memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
    return fd;
}
// ANCHOR_END: receive

/* Read one line (at most SIZE - 1 bytes) from FD with read(), a byte at a
   time so as not to read past it; without its '\n'. */
static void
read_line(int fd, char *line, size_t size)
{
    size_t n = 0;
    char c;

    while (n < size - 1 && read(fd, &c, 1) == 1 && c != '\n')
        line[n++] = c;
    line[n] = '\0';
}

int
main(int argc, char *argv[])
{
    bool room = !(argc == 3 && strcmp(argv[1], "-t") == 0);
    const char *path = argv[argc - 1];
    char line[100];
    int sv[2], fd, status;
    pid_t child;

    if (argc != (room ? 2 : 3))
        usage_err("[-t] FILE\n");
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
        err_exit("socketpair");
    setvbuf(stdout, NULL, _IOLBF, 0);

    child = fork();
    if (child == -1)
        err_exit("fork");
    if (child == 0) {
        close(sv[0]);
        fd = receive_fd(sv[1], room);
        read_line(fd, line, sizeof(line));
        printf("child:  received descriptor %d, read \"%s\"\n", fd, line);
        _exit(0);
    }

    close(sv[1]);
    fd = open(path, O_RDONLY);
    if (fd == -1)
        err_exit("open(%s)", path);
    printf("parent: opened %s as descriptor %d, sending it\n", path, fd);
    send_fd(sv[0], fd);
    if (waitpid(child, &status, 0) == -1)
        err_exit("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fatal("the child failed");
    read_line(fd, line, sizeof(line));
    printf("parent: descriptor %d now reads \"%s\"\n", fd, line);
    return 0;
}
