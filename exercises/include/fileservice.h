/* fileservice.h: the protocol of project 3 (fileserver), a file service on
 * a Unix domain stream socket that hands out open descriptors instead of
 * bytes. fileserver.c and fileclient.c include it, and so does the grader,
 * which talks to your programs with exactly these rules: do not change it.
 *
 * A client connects to the server's socket (a path name, such as
 * "files.sock") and sends requests, lines of text each ending with '\n':
 *
 *     request:  GET NAME\n
 *
 * NAME is a file name in the server's folder: 1 to NAME_MAX_LEN bytes,
 * no '/', neither "." nor "..". The server answers each request, in the
 * order they came, with one reply: a line of text sent by ONE sendmsg().
 *
 *     OK\n             the file, opened read-only (O_RDONLY) by the
 *                      server, travels with the line as exactly one
 *                      descriptor (SCM_RIGHTS). Not one byte of the file
 *                      goes over the socket.
 *     ERR denied\n     the client's uid, as the kernel reports it
 *                      (SO_PEERCRED), is not on the access list
 *     ERR badname\n    NAME is not a plain file name (see above)
 *     ERR notfound\n   there is no file NAME in the folder (ENOENT)
 *     ERR failed\n     open() failed otherwise (EACCES, ...)
 *     ERR badrequest\n the line is not "GET NAME"
 *
 * No descriptor travels with an ERR reply. A line longer than REQUEST_MAX
 * bytes (its '\n' included) gets "ERR badrequest\n", and the server then
 * closes that connection. A client not on the list gets "ERR denied" to
 * every line it sends, whatever the line. See
 * chapters/09a-project-fileserver.md.
 */
#ifndef FILESERVICE_H
#define FILESERVICE_H

/* ANCHOR: protocol */
#define REQUEST_MAX     256     /* the longest request, its '\n' included */
#define NAME_MAX_LEN    (REQUEST_MAX - 5)   /* "GET " + NAME + '\n' */
#define REPLY_MAX       32      /* the longest reply, its '\n' included */

#define REPLY_OK        "OK\n"
#define REPLY_DENIED    "ERR denied\n"
#define REPLY_BADNAME   "ERR badname\n"
#define REPLY_NOTFOUND  "ERR notfound\n"
#define REPLY_FAILED    "ERR failed\n"
#define REPLY_BADREQ    "ERR badrequest\n"

#define MAX_CLIENTS     64      /* connections a server serves at once */
/* ANCHOR_END: protocol */

#endif /* FILESERVICE_H */
