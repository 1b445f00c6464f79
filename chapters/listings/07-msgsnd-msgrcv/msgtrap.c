/* Listing 7-6 (chapter 7, msgsnd and msgrcv) */

/* msgtrap.c

   A small request/reply service on a message queue, to show its traps.
   Requests have type 1 and carry a reply type, the client's pid; the
   server answers with the text in capitals, either on the same queue
   with that type, or on the client's own queue if the request names one.

   Usage: msgtrap create KEY           make the server's queue; print its id
          msgtrap serve KEY COUNT      answer COUNT requests
          msgtrap remove KEY           remove the server's queue
          msgtrap ask [-n] [-p] KEY|-i MSQID TEXT
                 send TEXT and print the reply meant for us
                 -n  give up at once: do not wait for the reply
                 -p  get the reply on a queue of our own (IPC_PRIVATE),
                     removed when we are done
                 -i  use the queue id MSQID, instead of looking KEY up

       $ ./msgtrap create 0x7a000001
       msqid 0
       $ ./msgtrap serve 0x7a000001 1 & ./msgtrap ask 0x7a000001 hello
       client 4242: "hello" got "HELLO"
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>

#include "ipcbook.h"

#define USAGE "create KEY | serve KEY COUNT | remove KEY |\n" \
              "       ask [-n] [-p] KEY|-i MSQID TEXT\n"
#define TEXT_MAX 32

struct request {
    long mtype;                 /* 1 */
    long reply_type;            /* the type the reply must have */
    int reply_queue;            /* the client's own queue, or -1 */
    char text[TEXT_MAX];
};
#define REQUEST_SIZE (sizeof(struct request) - sizeof(long))

struct reply {
    long mtype;
    char text[TEXT_MAX];
};
#define REPLY_SIZE (sizeof(struct reply) - sizeof(long))

static long
number(const char *text, long min, long max)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(text, &end, 0);
    if (end == text || *end != '\0' || errno != 0 || n < min || n > max)
        usage_err(USAGE);
    return n;
}

/* The queue of KEY, which must exist. */
static int
open_queue(const char *key)
{
    int qid = msgget((key_t) (uint32_t) number(key, 1, UINT32_MAX), 0);

    if (qid == -1)
        err_exit("msgget(%s)", key);
    return qid;
}

// ANCHOR: serve
static void
serve(int qid, long count)
{
    struct request req;
    struct reply rep;

    for (long i = 0; i < count; i++) {
        if (msgrcv(qid, &req, REQUEST_SIZE, 1, 0) == -1) {
            if (errno == EINTR)
                continue;
            err_exit("msgrcv");
        }
        memset(&rep, 0, sizeof(rep));
        rep.mtype = req.reply_type;
        for (int k = 0; k < TEXT_MAX - 1 && req.text[k] != '\0'; k++)
            rep.text[k] = (char) toupper((unsigned char) req.text[k]);
        /* The client's own queue if it has one, else the shared queue.
           IPC_NOWAIT: a full queue must not stop the server. */
        int target = req.reply_queue >= 0 ? req.reply_queue : qid;
        if (msgsnd(target, &rep, REPLY_SIZE, IPC_NOWAIT) == -1)
            printf("server: \"%s\": no reply to queue %d: %s\n", req.text,
                   target, strerror(errno));
        else
            printf("server: \"%s\": replied \"%s\", type %ld, queue %d\n",
                   req.text, rep.text, rep.mtype, target);
        fflush(stdout);
    }
}
// ANCHOR_END: serve

// ANCHOR: ask
static void
ask(int qid, bool own_queue, bool give_up, const char *text)
{
    struct request req;
    struct reply rep;
    int rq = -1;

    if (own_queue) {            /* a queue that only we read */
        rq = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
        if (rq == -1)
            err_exit("msgget(IPC_PRIVATE)");
    }
    memset(&req, 0, sizeof(req));
    req.mtype = 1;
    req.reply_type = getpid();
    req.reply_queue = rq;
    snprintf(req.text, sizeof(req.text), "%s", text);
    if (msgsnd(qid, &req, REQUEST_SIZE, 0) == -1)
        err_exit("msgsnd(queue %d)", qid);

    if (give_up) {
        printf("client %ld: asked \"%s\", gave up\n", (long) getpid(), text);
    } else {
        /* On the shared queue, the first message with our pid as its type;
           on our own queue, whatever is there. */
        if (msgrcv(rq != -1 ? rq : qid, &rep, REPLY_SIZE,
                   rq != -1 ? 0 : getpid(), 0) == -1)
            err_exit("msgrcv");
        printf("client %ld: asked \"%s\", got \"%s\"\n", (long) getpid(),
               text, rep.text);
    }
    if (rq != -1 && msgctl(rq, IPC_RMID, NULL) == -1)
        err_exit("msgctl(IPC_RMID)");
}
// ANCHOR_END: ask

int
main(int argc, char *argv[])
{
    const char *cmd = argc > 1 ? argv[1] : "";
    bool own_queue = false, give_up = false;
    int opt, qid = -1;

    if (strcmp(cmd, "create") == 0 && argc == 3) {
        qid = msgget((key_t) (uint32_t) number(argv[2], 1, UINT32_MAX),
                     IPC_CREAT | IPC_EXCL | 0600);
        if (qid == -1)
            err_exit("msgget(%s)", argv[2]);
        printf("msqid %d\n", qid);
    } else if (strcmp(cmd, "serve") == 0 && argc == 4) {
        serve(open_queue(argv[2]), number(argv[3], 1, 1000));
    } else if (strcmp(cmd, "remove") == 0 && argc == 3) {
        if (msgctl(open_queue(argv[2]), IPC_RMID, NULL) == -1)
            err_exit("msgctl(IPC_RMID)");
    } else if (strcmp(cmd, "ask") == 0) {
        optind = 2;
        while ((opt = getopt(argc, argv, "npi:")) != -1) {
            switch (opt) {
            case 'n': give_up = true;                               break;
            case 'p': own_queue = true;                             break;
            case 'i': qid = (int) number(optarg, 0, 0x7fffffff);    break;
            default:  usage_err(USAGE);
            }
        }
        if (argc - optind != (qid == -1 ? 2 : 1))
            usage_err(USAGE);
        if (qid == -1)
            qid = open_queue(argv[optind++]);
        ask(qid, own_queue, give_up, argv[optind]);
    } else {
        usage_err(USAGE);
    }
    return 0;
}
