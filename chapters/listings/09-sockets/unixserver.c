/* Listing 9-1 (chapter 9, sockets) */

/* unixserver.c

   A stream server on a Unix domain socket, at its simplest: socket(),
   bind() to the path PATH, listen(), then accept() one client at a time
   and print each line it sends, until it closes its end of the
   connection. It runs until it is killed, and it never removes PATH.

   Usage: unixserver PATH

       $ ./unixserver demo.sock > server.log &
       $ ./unixclient demo.sock hello
       $ cat server.log
       client 1 connected
       client 1: hello
       client 1 left

   Serving one client at a time is the simplest design, and the weakest:
   while one client is connected, the next ones wait in the backlog.
*/
#include <sys/socket.h>
#include <sys/un.h>

#include "ipcbook.h"

#define BACKLOG 5

/* Print every line client number ID sends on the connection CFD, until it
   closes its end; then close ours. */
static void
print_lines(int cfd, int id)
{
    FILE *in;
    char *line = NULL;
    size_t size = 0;

    /* stdio finds the lines: a read() may return part of one, or several. */
    in = fdopen(cfd, "r");
    if (in == NULL)
        err_exit("fdopen");
    while (getline(&line, &size, in) != -1)
        printf("client %d: %s", id, line);
    if (ferror(in))
        err_msg("read");
    printf("client %d left\n", id);
    free(line);
    fclose(in);                 /* closes cfd too */
}

int
main(int argc, char *argv[])
{
    struct sockaddr_un addr;
    int lfd, cfd, id = 0;

    if (argc != 2 || strlen(argv[1]) >= sizeof(addr.sun_path))
        usage_err("PATH\nPATH must be shorter than %zu bytes\n", sizeof(addr.sun_path));
    setvbuf(stdout, NULL, _IOLBF, 0);

    // ANCHOR: server
    memset(&addr, 0, sizeof(addr));        /* sun_path ends with '\0' */
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, argv[1]);

    lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (lfd == -1)
        err_exit("socket");
    if (bind(lfd, (struct sockaddr *) &addr, sizeof(addr)) == -1)
        err_exit("bind(%s)", argv[1]);   /* makes the file PATH */
    if (listen(lfd, BACKLOG) == -1)
        err_exit("listen");

    for (;;) {
        cfd = accept(lfd, NULL, NULL);  /* waits for the next client */
        if (cfd == -1)
            err_exit("accept");
        printf("client %d connected\n", ++id);
        print_lines(cfd, id);
    }
    // ANCHOR_END: server
}
