/* Listing 9-9 (chapter 9, sockets) */

/* dgramclient.c

   A client of Listing 9-8: send TEXT in one datagram to the server's
   socket SERVER with sendto(), and print the answer. To be answered, the
   client needs an address of its own: -b PATH binds its socket to PATH
   (and removes it at the end), -a lets the kernel choose an abstract name
   (autobind). Without either, it sends from no address, and waits for no
   answer, since none can come.

   Usage: dgramclient [-b PATH | -a] SERVER TEXT

       $ ./dgramclient -b client.sock dgram.sock hello
       HELLO
*/
#include <sys/socket.h>
#include <sys/un.h>
#include <stddef.h>

#include "ipcbook.h"

#define USAGE "[-b PATH | -a] SERVER TEXT\n"

int
main(int argc, char *argv[])
{
    struct sockaddr_un server, self;
    const char *bind_path = NULL;
    int fd, opt, autobind = 0;
    char answer[256];
    ssize_t n;

    while ((opt = getopt(argc, argv, "b:a")) != -1) {
        switch (opt) {
        case 'b': bind_path = optarg; break;
        case 'a': autobind = 1;       break;
        default:  usage_err(USAGE);
        }
    }
    if (argc - optind != 2 || (bind_path != NULL && autobind) ||
        strlen(argv[optind]) >= sizeof(server.sun_path) ||
        (bind_path != NULL && strlen(bind_path) >= sizeof(self.sun_path)))
        usage_err(USAGE);

    memset(&server, 0, sizeof(server));
    server.sun_family = AF_UNIX;
    strcpy(server.sun_path, argv[optind]);
    fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (fd == -1)
        err_exit("socket");

    // ANCHOR: client
    memset(&self, 0, sizeof(self));
    self.sun_family = AF_UNIX;
    if (bind_path != NULL) {            /* a name of our own, in the folder */
        strcpy(self.sun_path, bind_path);
        if (bind(fd, (struct sockaddr *) &self, sizeof(self)) == -1)
            err_exit("bind(%s)", bind_path);
    } else if (autobind) {              /* only the family: the kernel picks */
        if (bind(fd, (struct sockaddr *) &self, sizeof(sa_family_t)) == -1)
            err_exit("bind (autobind)");
    }

    if (sendto(fd, argv[optind + 1], strlen(argv[optind + 1]), 0,
               (struct sockaddr *) &server, sizeof(server)) == -1)
        err_exit("sendto(%s)", argv[optind]);

    if (bind_path != NULL || autobind) {
        n = recvfrom(fd, answer, sizeof(answer) - 1, 0, NULL, NULL);
        if (n == -1)
            err_exit("recvfrom");
        answer[n] = '\0';
        printf("%s\n", answer);
    }
    // ANCHOR_END: client
    close(fd);
    if (bind_path != NULL && unlink(bind_path) == -1)
        err_exit("unlink(%s)", bind_path);
    return 0;
}
