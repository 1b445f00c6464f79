/* Listing 9-10 (chapter 9, sockets) */

/* peercred.c

   Who is on the other end of a Unix socket? The parent listens on
   cred.sock and a child connects. The parent asks the kernel with
   getsockopt(SO_PEERCRED), then turns on SO_PASSCRED and receives the
   child's messages with their SCM_CREDENTIALS: the first sent with no
   credentials (the kernel adds them), the second claiming to be
   process 1, the third giving the child's own.

   Usage: peercred

       $ ./peercred
       SO_PEERCRED: pid is the child's: yes; uid 0, gid 0
       ...

   Run without the CAP_SYS_ADMIN capability (setpriv --bounding-set
   -sys_admin), as an ordinary user is: with it, a process may claim any
   pid.
*/
#define _GNU_SOURCE             /* struct ucred, SCM_CREDENTIALS */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "ipcbook.h"

#define PATH "cred.sock"

/* Send TEXT on FD, with a SCM_CREDENTIALS message holding *CRED if CRED
   is not NULL. Return sendmsg()'s result, errno set. */
static int
send_text(int fd, const char *text, const struct ucred *cred)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(struct ucred))];
    } control;
    struct iovec iov = { .iov_base = (void *) text, .iov_len = strlen(text) };
    struct msghdr msg;
    struct cmsghdr *cmsg;

    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (cred != NULL) {
        memset(&control, 0, sizeof(control));
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof(control.buf);
        cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_CREDENTIALS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(struct ucred));
        memcpy(CMSG_DATA(cmsg), cred, sizeof(*cred));
    }
    return (int) sendmsg(fd, &msg, 0);
}

/* The child: connect, then send the three messages. */
__attribute__((noreturn)) static void
child(const struct sockaddr_un *addr)
{
    struct ucred self = { .pid = getpid(), .uid = getuid(), .gid = getgid() };
    struct ucred forged = self;
    int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    char go;

    if (fd == -1)
        err_exit_child("socket");
    if (connect(fd, (const struct sockaddr *) addr, sizeof(*addr)) == -1)
        err_exit_child("connect(%s)", PATH);
    /* Wait until the parent has turned SO_PASSCRED on: a message sent
       before that carries no credentials. */
    if (read(fd, &go, 1) != 1)
        err_exit_child("read");
    if (send_text(fd, "no credentials given", NULL) == -1)
        err_exit_child("sendmsg");
    forged.pid = 1;
    if (send_text(fd, "I am process 1", &forged) == -1) {
        /* Refused: say so in a message of our own. */
        if (errno != EPERM || send_text(fd, "(claiming pid 1: EPERM)", NULL) == -1)
            err_exit_child("sendmsg");
    }
    if (send_text(fd, "my own credentials", &self) == -1)
        err_exit_child("sendmsg");
    close(fd);
    _exit(EXIT_SUCCESS);
}

// ANCHOR: receive
/* Receive one message from FD and print it with the credentials that
   came with it; return 0 at end of file. */
static int
receive(int fd, pid_t child_pid)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(struct ucred))];
    } control;
    char text[100];
    struct iovec iov = { .iov_base = text, .iov_len = sizeof(text) - 1 };
    struct msghdr msg;
    struct cmsghdr *cmsg;
    struct ucred cred;
    ssize_t n;

    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof(control.buf);
    n = recvmsg(fd, &msg, 0);
    if (n == -1)
        err_exit("recvmsg");
    if (n == 0)
        return 0;
    text[n] = '\0';
    cmsg = CMSG_FIRSTHDR(&msg);
    if (cmsg == NULL || cmsg->cmsg_level != SOL_SOCKET ||
        cmsg->cmsg_type != SCM_CREDENTIALS)
        fatal("\"%s\" came without SCM_CREDENTIALS", text);
    memcpy(&cred, CMSG_DATA(cmsg), sizeof(cred));
    printf("\"%s\": SCM_CREDENTIALS pid %s, uid %d, gid %d\n", text,
           cred.pid == child_pid ? "the child's" : "NOT the child's",
           (int) cred.uid, (int) cred.gid);
    return 1;
}
// ANCHOR_END: receive

int
main(void)
{
    struct sockaddr_un addr;
    struct ucred peer;
    socklen_t len = sizeof(peer);
    int lfd, cfd, on = 1, status;
    pid_t pid;

    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, PATH);
    lfd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    if (lfd == -1)
        err_exit("socket");
    if (bind(lfd, (struct sockaddr *) &addr, sizeof(addr)) == -1)
        err_exit("bind(%s)", PATH);
    if (listen(lfd, 1) == -1)
        err_exit("listen");
    fflush(stdout);
    pid = fork();
    if (pid == -1)
        err_exit("fork");
    if (pid == 0)
        child(&addr);

    cfd = accept(lfd, NULL, NULL);
    if (cfd == -1)
        err_exit("accept");
    // ANCHOR: peercred
    /* Who connected: the kernel noted it at connect() time. */
    if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &peer, &len) == -1)
        err_exit("getsockopt(SO_PEERCRED)");
    printf("SO_PEERCRED: pid is the child's: %s; uid %d, gid %d\n",
           peer.pid == pid ? "yes" : "no", (int) peer.uid, (int) peer.gid);
    /* From now on, every message comes with its sender's credentials. */
    if (setsockopt(cfd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == -1)
        err_exit("setsockopt(SO_PASSCRED)");
    // ANCHOR_END: peercred
    if (write(cfd, "g", 1) != 1)        /* the child may send now */
        err_exit("write");
    while (receive(cfd, pid))
        ;

    if (waitpid(pid, &status, 0) == -1)
        err_exit("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fatal("the child failed");
    close(cfd);
    close(lfd);
    if (unlink(PATH) == -1)
        err_exit("unlink(%s)", PATH);
    return 0;
}
