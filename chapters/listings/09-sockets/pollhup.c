/* Listing 9-6 (chapter 9, sockets) */

/* pollhup.c

   Wait with poll() on two sockets at once, and see the two ways one
   becomes readable: data has come, or the other end has closed (then
   read() returns 0, end of file). Two socketpairs: "hello\n" is written
   into the first, the far end of the second is closed; one poll() call
   reports both.

   Usage: pollhup

       $ ./pollhup
       poll() returned 2: 2 descriptors are ready
         descriptor 3: POLLIN           read() returned 6 bytes: "hello\n"
         descriptor 5: POLLIN POLLHUP   read() returned 0: end of file
*/
#include <sys/socket.h>
#include <poll.h>

#include "ipcbook.h"

/* "POLLIN POLLHUP" for the bits set in REVENTS. */
static const char *
events_text(short revents, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s%s", revents & POLLIN ? "POLLIN " : "",
             revents & POLLHUP ? "POLLHUP " : "", revents & POLLERR ? "POLLERR " : "");
    return buf;
}

int
main(void)
{
    int data[2], gone[2];
    struct pollfd fds[2];
    char buf[64], words[64];
    int ready;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, data) == -1 ||
            socketpair(AF_UNIX, SOCK_STREAM, 0, gone) == -1)
        err_exit("socketpair");
    if (write(data[1], "hello\n", 6) != 6)
        err_exit("write");
    close(gone[1]);             /* as a client does when it leaves */

    // ANCHOR: poll
    fds[0] = (struct pollfd) { .fd = data[0], .events = POLLIN };
    fds[1] = (struct pollfd) { .fd = gone[0], .events = POLLIN };
    ready = poll(fds, 2, -1);   /* -1: no timeout, wait as long as it takes */
    if (ready == -1)
        err_exit("poll");
    printf("poll() returned %d: %d descriptors are ready\n", ready, ready);
    for (int i = 0; i < 2; i++) {
        ssize_t n;

        if (fds[i].revents == 0)
            continue;
        n = read(fds[i].fd, buf, sizeof(buf));
        printf("  descriptor %d: %-16s ", fds[i].fd,
               events_text(fds[i].revents, words, sizeof(words)));
        if (n == -1)
            err_exit("read");
        else if (n == 0)
            printf("read() returned 0: end of file\n");
        else
            printf("read() returned %zd bytes: \"%.*s\\n\"\n", n, (int) n - 1, buf);
    }
    // ANCHOR_END: poll
    return 0;
}
