/* Solution to project 2 (dispatcher) */

/* submit.c

   A client of the job service (../include/dispatcher.h): it submits one
   job and prints its number, then its result.

   Usage: submit [-p PRIO] [-t TYPE] KEY TEXT

       $ ./submit -p 9 -t 2 0x4b1d0008 resize
       job 4
       result 4 RESIZE

   The job's answers come to a queue of its own, which it removes before
   it exits, whatever happens: on SIGTERM or SIGINT (exit status 1), or
   once it has its result (0).

   See chapters/08a-project-dispatcher.md.
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include "ipcbook.h"
#include "dispatcher.h"

static volatile sig_atomic_t stop_requested;
static int own_qid = -1;

static void
on_stop(int sig)
{
    (void) sig;
    stop_requested = 1;
}

/* Remove the client's own queue and exit: the dispatcher's answers to a
   client that has gone must not stay behind. */
__attribute__((noreturn)) static void
leave(int status)
{
    if (own_qid != -1 && msgctl(own_qid, IPC_RMID, NULL) == -1) {
        err_msg("msgctl IPC_RMID");
        status = EXIT_FAILURE;
    }
    exit(status);
}

/* Wait for a message of this type in our queue. Told to stop, or any
   failure: leave. */
static void
await(int type, struct dmsg *m)
{
    for (;;) {
        if (stop_requested)         /* a signal that came between two calls */
            leave(EXIT_FAILURE);
        if (msgrcv(own_qid, m, DMSG_SIZE, type, 0) != -1)
            break;
        if (errno != EINTR) {
            err_msg("msgrcv");
            leave(EXIT_FAILURE);
        }
    }
    m->text[sizeof m->text - 1] = '\0';
}

static void
usage(void)
{
    usage_err("[-p PRIO] [-t TYPE] KEY TEXT\n");
}

static long
number(const char *s, long min, long max)
{
    char *end;
    long v = strtol(s, &end, 0);

    if (*s == '\0' || *end != '\0' || v < min || v > max)
        usage();
    return v;
}

int
main(int argc, char *argv[])
{
    struct sigaction sa = { 0 };
    struct dmsg m = { 0 };
    int opt, qid;
    long prio = JOB_PRIO_DEFAULT, type = JOB_TYPE_MIN;
    key_t key;

    while ((opt = getopt(argc, argv, "p:t:")) != -1) {
        if (opt == 'p')
            prio = number(optarg, JOB_PRIO_MIN, JOB_PRIO_MAX);
        else if (opt == 't')
            type = number(optarg, JOB_TYPE_MIN, JOB_TYPE_MAX);
        else
            usage();
    }
    if (argc - optind != 2 || strlen(argv[optind + 1]) >= JOB_TEXT_MAX)
        usage();
    key = (key_t) number(argv[optind], LONG_MIN, LONG_MAX);
    setvbuf(stdout, NULL, _IOLBF, 0);

    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;
    if (sigaction(SIGTERM, &sa, NULL) == -1 || sigaction(SIGINT, &sa, NULL) == -1)
        err_exit("sigaction");
    qid = msgget(key, 0);           /* first: without a dispatcher, make nothing */
    if (qid == -1)
        err_exit("msgget (is the dispatcher running?)");
    own_qid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    if (own_qid == -1)
        err_exit("msgget IPC_PRIVATE");

    m.mtype = MSG_SUBMIT;
    m.reply_qid = own_qid;
    m.job_type = (short) type;
    m.priority = (short) prio;
    snprintf(m.text, sizeof m.text, "%s", argv[optind + 1]);
    while (msgsnd(qid, &m, DMSG_SIZE, 0) == -1) {
        if (errno == EINTR && !stop_requested)
            continue;
        if (errno != EINTR)
            err_msg("msgsnd to the dispatcher");
        leave(EXIT_FAILURE);
    }
    await(MSG_ACCEPTED, &m);
    printf("job %ld\n", m.job_id);
    await(MSG_DONE, &m);
    printf("result %ld %s\n", m.job_id, m.text);
    leave(EXIT_SUCCESS);
}
