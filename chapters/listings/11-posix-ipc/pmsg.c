/* Listing A-4 (appendix A, posix-ipc) */

/* pmsg.c

   A POSIX message queue as a to-do list: send a message with a PRIORITY,
   receive one, show the queue, remove it. The same job as svmsg.c
   (Listing A-3), the POSIX way: the queue has a NAME, such as /todo, and
   a queue descriptor (mqd_t) that you open and close.

   "receive" always takes the oldest message of the highest priority;
   there is no choosing. It never waits (O_NONBLOCK): an empty queue is an
   error (EAGAIN).

   Usage: pmsg NAME send PRIORITY TEXT
          pmsg NAME receive
          pmsg NAME info
          pmsg NAME remove

       $ ./pmsg /todo send 2 'buy milk'
       $ ./pmsg /todo receive
       priority 2: buy milk
*/
#include <fcntl.h>
#include <mqueue.h>

#include "ipcbook.h"

#define USAGE "NAME send PRIORITY TEXT | NAME receive|info|remove\n"

/* Return TEXT as a whole number from 0 to MAX, or exit with the usage. */
static unsigned int
priority(const char *text, unsigned long max)
{
    char *end;
    unsigned long n;

    errno = 0;
    n = strtoul(text, &end, 10);
    if (text[0] == '-' || end == text || *end != '\0' || errno != 0 || n > max)
        usage_err(USAGE);
    return (unsigned int) n;
}

// ANCHOR: send
/* Send TEXT with the priority PRIO to the queue NAME, created if need be
   (read and write for our user only). */
static void
todo_send(const char *name, unsigned int prio, const char *text)
{
    /* NULL attributes: a new queue gets the default size and message size
       (/proc/sys/fs/mqueue/msg_default and msgsize_default). */
    mqd_t mqd = mq_open(name, O_CREAT | O_WRONLY | O_NONBLOCK, 0600, NULL);
    if (mqd == (mqd_t) -1)
        err_exit("mq_open(%s)", name);
    /* O_NONBLOCK: fail with EAGAIN instead of waiting if the queue is full. */
    if (mq_send(mqd, text, strlen(text), prio) == -1)
        err_exit("mq_send");
    if (mq_close(mqd) == -1)
        err_exit("mq_close");
}
// ANCHOR_END: send

// ANCHOR: receive
/* Take the oldest message of the highest priority from the queue NAME and
   print it with its priority. */
static void
todo_receive(const char *name)
{
    struct mq_attr attr;
    unsigned int prio;

    mqd_t mqd = mq_open(name, O_RDONLY | O_NONBLOCK);
    if (mqd == (mqd_t) -1)
        err_exit("mq_open(%s)", name);
    /* The buffer must hold the queue's largest message, mq_msgsize bytes,
       or mq_receive() fails with EMSGSIZE, even for a short message. */
    if (mq_getattr(mqd, &attr) == -1)
        err_exit("mq_getattr");
    char *buf = malloc((size_t) attr.mq_msgsize);
    if (buf == NULL)
        err_exit("malloc");

    ssize_t len = mq_receive(mqd, buf, (size_t) attr.mq_msgsize, &prio);
    if (len == -1)
        err_exit("mq_receive");
    printf("priority %u: %.*s\n", prio, (int) len, buf);
    free(buf);
    if (mq_close(mqd) == -1)
        err_exit("mq_close");
}
// ANCHOR_END: receive

// ANCHOR: info
/* Print how many messages the queue NAME holds, and its sizes. */
static void
todo_info(const char *name)
{
    struct mq_attr attr;

    mqd_t mqd = mq_open(name, O_RDONLY);
    if (mqd == (mqd_t) -1)
        err_exit("mq_open(%s)", name);
    if (mq_getattr(mqd, &attr) == -1)
        err_exit("mq_getattr");
    printf("%ld message(s) of at most %ld, each at most %ld bytes\n",
           attr.mq_curmsgs, attr.mq_maxmsg, attr.mq_msgsize);
    if (mq_close(mqd) == -1)
        err_exit("mq_close");
}
// ANCHOR_END: info

/* Remove the name NAME: the queue goes once nobody has it open. */
static void
todo_remove(const char *name)
{
    if (mq_unlink(name) == -1)
        err_exit("mq_unlink(%s)", name);
}

/* How many arguments CMD takes after it, or -1 if it is no command. */
static int
args_of(const char *cmd)
{
    if (strcmp(cmd, "send") == 0)
        return 2;
    if (strcmp(cmd, "receive") == 0 || strcmp(cmd, "info") == 0 ||
        strcmp(cmd, "remove") == 0)
        return 0;
    return -1;
}

int
main(int argc, char *argv[])
{
    const char *cmd = argc >= 3 ? argv[2] : "";
    int nargs = args_of(cmd);
    long prio_max = sysconf(_SC_MQ_PRIO_MAX);     /* priorities stay below */

    if (nargs < 0 || argc != 3 + nargs)
        usage_err(USAGE);

    if (strcmp(cmd, "send") == 0) {
        unsigned int prio = priority(argv[3], (unsigned long) prio_max - 1);
        todo_send(argv[1], prio, argv[4]);
    } else if (strcmp(cmd, "receive") == 0) {
        todo_receive(argv[1]);
    } else if (strcmp(cmd, "info") == 0) {
        todo_info(argv[1]);
    } else {
        todo_remove(argv[1]);
    }
    return 0;
}
