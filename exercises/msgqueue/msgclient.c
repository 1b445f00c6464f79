/* Exercise 7 (msgqueue): skeleton */

/* msgclient.c

   A client of the typed request/reply service of msgserver.c (the protocol
   is in ../include/msgservice.h): it sends one request on the service's
   queue, waits for the reply addressed to it, and prints it.

   Usage: msgclient [-u] [-n] [-t TYPE] KEY TEXT
          msgclient -s KEY

       $ ./msgclient 0x4b1d0007 hello
       reply 1 HELLO
       $ ./msgclient -u 0x4b1d0007 'me first'
       reply 2 ME FIRST

   -u sends an urgent request (type 1) instead of a normal one (type 2).
   -n does not wait when the queue is full: the request fails with EAGAIN.
   -t TYPE waits for the reply on TYPE (above 3) instead of on our pid.
   -s asks the server to shut down once every pending request is served,
   and does not wait for anything.

   What to do: read chapters/07-msgsnd-msgrcv.md, then fill in the places
   marked TODO(msgqueue): the request in main(), send_request() and
   receive_reply(). The argument parsing and msgget() are done for you.
   As given, the client sends nothing and prints "reply 0 ". Build with
   "make"; grade from the top of the repository with
   "bin/ipcgrade grade msgqueue".
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <ctype.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include "ipcbook.h"
#include "msgservice.h"

/* Print the usage text and what was wrong (FMT, as for printf); exit with
   status 2. */
__attribute__((noreturn, format(printf, 1, 2))) static void
usage(const char *fmt, ...)
{
    const char *name = program_invocation_short_name;
    char why[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);

    usage_err("[-u] [-n] [-t TYPE] KEY TEXT\n"
              "       %s -s KEY\n"
              "-u  urgent request      -n  fail at once if the queue is full\n"
              "-t  reply type (> %d; default: our pid)   -s  ask the server to stop\n"
              "KEY is PATH:PROJ_ID or a number such as 0x4b1d0007; TEXT has 1 to %d"
              " bytes\n%s\n", name, REQ_TYPE_MAX, SERVICE_TEXT_MAX - 1, why);
}

/* Return the key for the KEY argument: PATH:PROJ_ID (through ftok()) or a
   number from 1 to 0xffffffff. Exits with the usage text if it is neither,
   with status 1 if ftok() fails. */
static key_t
parse_key(const char *arg)
{
    const char *colon = strrchr(arg, ':');
    char *end;
    unsigned long n;

    if (colon != NULL) {
        char path[4096];
        long proj;
        key_t key;

        errno = 0;
        proj = strtol(colon + 1, &end, 0);
        if (colon == arg || (size_t) (colon - arg) >= sizeof(path) || end == colon + 1
                || *end != '\0' || errno != 0 || proj < 1 || proj > 255)
            usage("KEY \"%s\" is not PATH:PROJ_ID (PROJ_ID 1 to 255) or a number", arg);
        memcpy(path, arg, (size_t) (colon - arg));
        path[colon - arg] = '\0';
        key = ftok(path, (int) proj);
        if (key == -1)
            err_exit("ftok(%s)", path);
        return key;
    }
    errno = 0;
    n = strtoul(arg, &end, 0);
    if (!isdigit((unsigned char) arg[0]) || *end != '\0' || errno != 0
            || n == 0 || n > UINT32_MAX)
        usage("KEY \"%s\" is not PATH:PROJ_ID (PROJ_ID 1 to 255) or a number", arg);
    return (key_t) (uint32_t) n;
}

/* Return the -t TYPE argument: a reply type, above REQ_TYPE_MAX. */
static long
parse_type(const char *text)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(text, &end, 0);
    if (!isdigit((unsigned char) text[0]) || *end != '\0' || errno != 0
            || n <= REQ_TYPE_MAX)
        usage("TYPE \"%s\" is not a number above %d (1 to %d are request types)", text,
              REQ_TYPE_MAX, REQ_TYPE_MAX);
    return n;
}

/* Send REQ on queue QID; with NOWAIT, fail at once if the queue is full
   instead of waiting for room. Exits with a message on failure. */
static void
send_request(int qid, const struct request *req, bool nowait)
{
    /* TODO(msgqueue): msgsnd(qid, req, REQUEST_SIZE, flags). msgsz is the
       payload only, REQUEST_SIZE: sizeof(*req) would count mtype too and
       send 8 bytes from beyond the structure. flags is IPC_NOWAIT with -n
       (nowait), 0 otherwise: on a full queue, msgsnd() then fails with
       EAGAIN instead of waiting for room. If it fails with EINTR, call it
       again; any other failure: err_exit("msgsnd"). See "msgsnd()" and
       "When the queue is full" in chapters/07-msgsnd-msgrcv.md. */
    (void) qid;         /* TODO(msgqueue): delete these three lines once */
    (void) req;         /* you use qid, req and nowait above. */
    (void) nowait;
}

/* Wait for the reply of type REPLY_TYPE on queue QID, into REP. Exits with
   a message on failure. */
static void
receive_reply(int qid, long reply_type, struct reply *rep)
{
    /* TODO(msgqueue): n = msgrcv(qid, rep, REPLY_SIZE, reply_type, 0).
       msgtyp = reply_type (> 0): the first message of exactly that type,
       so that other clients' replies, and the requests, stay in the
       queue for their readers. If it fails with EINTR, call it again;
       any other failure: err_exit("msgrcv") (EIDRM: the server removed
       the queue while we waited). A reply must be REPLY_SIZE bytes. See
       "msgrcv()" and "Choosing a message by type" in
       chapters/07-msgsnd-msgrcv.md. */
    (void) qid;         /* TODO(msgqueue): delete these two lines once you */
    (void) reply_type;  /* use qid and reply_type above. */
    memset(rep, 0, sizeof(*rep));   /* TODO(msgqueue): delete: msgrcv() fills rep */
    rep->text[SERVICE_TEXT_MAX - 1] = '\0';
}

int
main(int argc, char *argv[])
{
    bool urgent = false, nowait = false, shutdown = false;
    long reply_type = 0;
    struct request req;
    struct reply rep;
    const char *text = "";
    key_t key;
    int opt, qid;

    opterr = 0;
    while ((opt = getopt(argc, argv, "+:unst:")) != -1) {
        switch (opt) {
        case 'u':
            urgent = true;
            break;
        case 'n':
            nowait = true;
            break;
        case 's':
            shutdown = true;
            break;
        case 't':
            reply_type = parse_type(optarg);
            break;
        case ':':
            usage("option -%c needs an argument", optopt);
        default:
            usage("unknown option -%c", optopt);
        }
    }
    if (argc - optind != (shutdown ? 1 : 2))
        usage(shutdown ? "-s takes only KEY" : "KEY and TEXT are needed");
    key = parse_key(argv[optind]);
    if (!shutdown) {
        text = argv[optind + 1];
        if (text[0] == '\0' || strlen(text) >= SERVICE_TEXT_MAX)
            usage("TEXT must have 1 to %d bytes", SERVICE_TEXT_MAX - 1);
    }

    /* Our pid is our address: unique among the running processes. */
    if (reply_type == 0)
        reply_type = (long) getpid();
    if (reply_type <= REQ_TYPE_MAX)
        fatal("our pid %ld is a request type; choose a reply type with -t TYPE",
              reply_type);

    /* Open, never create: without a server there is nobody to answer. */
    qid = msgget(key, 0);
    if (qid == -1) {
        err_msg("msgget");
        if (errno == ENOENT)
            fatal("no queue has key 0x%08x: is msgserver running?", (unsigned int) key);
        exit(EXIT_FAILURE);
    }

    /* TODO(msgqueue): fill in req. First zero all of it with memset():
       msgsnd() sends every byte of the payload, and the bytes after the
       text's '\0' must not be stack garbage. Then: mtype is REQ_SHUTDOWN
       with -s (shutdown), REQ_URGENT with -u (urgent), REQ_NORMAL
       otherwise, and never 0; reply_type is reply_type; text is text
       (strcpy() is safe: its length was checked above). See "The message
       layout" in chapters/07-msgsnd-msgrcv.md. */
    (void) urgent;      /* TODO(msgqueue): delete this line once you use urgent. */
    send_request(qid, &req, nowait);

    if (shutdown) {
        printf("shutdown requested\n");
        return EXIT_SUCCESS;
    }

    receive_reply(qid, reply_type, &rep);
    printf("reply %ld %s\n", rep.serial, rep.text);
    return EXIT_SUCCESS;
}
