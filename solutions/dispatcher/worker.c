/* Solution to project 2 (dispatcher) */

/* worker.c

   A worker of the job service (../include/dispatcher.h): it asks the
   dispatcher for one job of its type at a time, does it (the result is
   the job's text in capital letters) and sends the result back.

   Usage: worker [-t TYPE] [-d DELAY_MS] KEY

       $ ./worker -t 2 0x4b1d0008
       ready
       took 4 resize
       did 4

   With -d DELAY_MS it sleeps that long between taking a job and sending
   its result. SIGTERM or SIGINT: remove its queue, exit
   0. If the dispatcher's queue is gone, it removes its queue and exits 1.

   See chapters/08a-project-dispatcher.md.
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <time.h>
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

/* Remove the worker's own queue (once): nothing may be left behind. */
static void
remove_own_queue(void)
{
    if (own_qid != -1 && msgctl(own_qid, IPC_RMID, NULL) == -1)
        err_msg("msgctl IPC_RMID");
    own_qid = -1;
}

/* Send m to the dispatcher, waiting for room if need be. False if told to
   stop meanwhile; a dispatcher gone is fatal. */
static bool
send_dispatcher(int qid, const struct dmsg *m)
{
    while (msgsnd(qid, m, DMSG_SIZE, 0) == -1) {
        if (errno == EINTR && !stop_requested)
            continue;
        if (errno == EINTR)
            return false;
        err_msg("msgsnd to the dispatcher");
        remove_own_queue();
        exit(EXIT_FAILURE);
    }
    return true;
}

/* Send the result of job: its text in capital letters, in a message of
   its own (every field the result does not use is zero). False if told to
   stop meanwhile. */
static bool
send_result(int qid, const struct dmsg *job)
{
    struct dmsg m = { .mtype = MSG_RESULT, .job_id = job->job_id, .reply_qid = own_qid };

    for (size_t i = 0; i < sizeof m.text && job->text[i] != '\0'; i++)
        m.text[i] = (char) toupper((unsigned char) job->text[i]);
    return send_dispatcher(qid, &m);
}

/* Sleep ms milliseconds, unless told to stop. */
static void
delay(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

    while (nanosleep(&ts, &ts) == -1 && errno == EINTR && !stop_requested)
        ;
}

static void
usage(void)
{
    usage_err("[-t TYPE] [-d DELAY_MS] KEY\n");
}

/* The number s, which must lie in [min, max]; anything else is a usage
   error. */
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
    int opt, qid;
    long type = JOB_TYPE_MIN, delay_ms = 0;
    bool announced = false;
    key_t key;

    while ((opt = getopt(argc, argv, "t:d:")) != -1) {
        if (opt == 't')
            type = number(optarg, JOB_TYPE_MIN, JOB_TYPE_MAX);
        else if (opt == 'd')
            delay_ms = number(optarg, 0, 3600000);
        else
            usage();
    }
    if (argc - optind != 1)
        usage();
    key = (key_t) number(argv[optind], LONG_MIN, LONG_MAX);
    setvbuf(stdout, NULL, _IOLBF, 0);

    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;
    if (sigaction(SIGTERM, &sa, NULL) == -1 || sigaction(SIGINT, &sa, NULL) == -1)
        err_exit("sigaction");
    qid = msgget(key, 0);
    if (qid == -1)
        err_exit("msgget (is the dispatcher running?)");
    own_qid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    if (own_qid == -1)
        err_exit("msgget IPC_PRIVATE");

    while (!stop_requested) {
        struct dmsg m = { .mtype = MSG_READY, .reply_qid = own_qid, .job_type = (short) type };

        if (!send_dispatcher(qid, &m))
            break;
        if (!announced) {
            printf("ready\n");
            announced = true;
        }
        if (msgrcv(own_qid, &m, DMSG_SIZE, MSG_JOB, 0) == -1) {
            if (errno == EINTR)
                continue;           /* only SIGTERM and SIGINT are caught: stop */
            err_msg("msgrcv");
            remove_own_queue();
            exit(EXIT_FAILURE);
        }
        m.text[sizeof m.text - 1] = '\0';
        printf("took %ld %s\n", m.job_id, m.text);
        delay(delay_ms);
        if (stop_requested)
            break;
        if (!send_result(qid, &m))
            break;
        printf("did %ld\n", m.job_id);
    }
    remove_own_queue();
    return 0;
}
