/* Listing 9-4 (chapter 9, sockets) */

/* abstract.c

   A socket with an abstract name: sun_path starts with a '\0' byte, the
   name is the bytes after it, and no file is made. A child connects to
   the name and sends a line; the kernel's list of Unix sockets shows the
   name with an '@' for the '\0'; once the socket is closed the name is
   gone, with nothing to unlink().

   Usage: abstract

       $ ./abstract
       bound to the abstract name "ipcbook.4242" (address length 15)
       ...
*/
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <stddef.h>

#include "ipcbook.h"

/* Print the lines of /proc/self/net/unix that mention NAME. */
static void
show_in_proc(const char *name)
{
    FILE *f = fopen("/proc/self/net/unix", "r");
    char line[512];
    int found = 0;

    if (f == NULL)
        err_exit("fopen(/proc/self/net/unix)");
    while (fgets(line, sizeof(line), f) != NULL) {
        char *path = strrchr(line, ' ');

        if (path != NULL && strstr(path, name) != NULL) {
            printf("  /proc/net/unix: ...%s", path);
            found++;
        }
    }
    if (found == 0)
        printf("  /proc/net/unix: no socket named %s\n", name);
    fclose(f);
}

int
main(void)
{
    struct sockaddr_un addr;
    char name[32], buf[64];
    socklen_t len;
    int lfd, cfd;
    ssize_t n;
    pid_t child;

    // ANCHOR: bind
    /* The name: "ipcbook." and our pid, so that two runs do not clash. */
    snprintf(name, sizeof(name), "ipcbook.%d", (int) getpid());
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path + 1, name, strlen(name));     /* sun_path[0] is '\0' */
    len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));

    lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (lfd == -1)
        err_exit("socket");
    if (bind(lfd, (struct sockaddr *) &addr, len) == -1)
        err_exit("bind");
    if (listen(lfd, 1) == -1)
        err_exit("listen");
    // ANCHOR_END: bind
    printf("bound to the abstract name \"%s\" (address length %d)\n", name, (int) len);
    show_in_proc(name);

    child = fork();
    if (child == -1)
        err_exit("fork");
    if (child == 0) {           /* the client: the same address, the same length */
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);

        if (fd == -1 || connect(fd, (struct sockaddr *) &addr, len) == -1)
            err_exit_child("connect");
        dprintf(fd, "hello from pid %d\n", (int) getpid());
        _exit(0);
    }
    cfd = accept(lfd, NULL, NULL);
    if (cfd == -1)
        err_exit("accept");
    n = read(cfd, buf, sizeof(buf) - 1);     /* a short line: it comes whole */
    if (n == -1)
        err_exit("read");
    buf[n] = '\0';
    printf("accepted a client, who says: %s", buf);
    if (waitpid(child, NULL, 0) == -1)
        err_exit("waitpid");

    close(cfd);
    close(lfd);                 /* the name goes with the socket */
    printf("after close():\n");
    show_in_proc(name);
    return 0;
}
