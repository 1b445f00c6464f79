/* Solution to project 2 (dispatcher) */

/* dispatcher.c

   The dispatcher of a job service on System V message queues (the
   protocol is in ../include/dispatcher.h). Clients (submit) send jobs with
   a type and a priority; workers say which type they take, one job at a
   time; the dispatcher hands each worker the most urgent waiting job of
   its type and passes the worker's result back to the job's client.

   Usage: dispatcher [-l LEASE_MS] KEY

       $ ./dispatcher 0x4b1d0008 &
       ready msqid 3
       $ ./worker -t 1 0x4b1d0008 &
       $ ./submit -p 7 -t 1 0x4b1d0008 hello
       queued 1 1 7
       job 1
       sent 1
       took 1 hello
       done 1
       result 1 HELLO

   A job sent to a worker that sends no result within LEASE_MS (the worker
   died, or hangs) is sent again; a result that comes after that is
   "late" and dropped. A result whose client has gone (its queue removed)
   is dropped. A queue left with KEY by a dispatcher that crashed is
   removed at start, never reused. SIGTERM or SIGINT: remove the queue,
   exit 0.

   See chapters/08a-project-dispatcher.md.
*/
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/time.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "ipcbook.h"
#include "dispatcher.h"

enum job_state { WAITING, OUT };

struct job {
    long id;
    int client_qid;
    short type, priority;
    enum job_state state;
    long long deadline_ms;          /* OUT: when the lease ends */
    char text[JOB_TEXT_MAX];
};

struct idle_worker {
    int qid;
    short type;
};

static volatile sig_atomic_t stop_requested;

static struct job *jobs;            /* every job not yet answered */
static size_t njobs, jobs_cap;
static struct idle_worker *idle;    /* workers waiting for a job */
static size_t nidle, idle_cap;
static long next_id = 1;
static long lease_ms = LEASE_MS_DEFAULT;

static void
on_stop(int sig)
{
    (void) sig;
    stop_requested = 1;
}

/* SIGALRM only interrupts msgrcv(), so that leases are looked at even
   when no message comes. */
static void
on_tick(int sig)
{
    (void) sig;
}

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Catch SIGTERM and SIGINT (stop) and tick SIGALRM every quarter lease.
   No SA_RESTART: msgrcv() is never restarted anyway, and we want EINTR. */
static void
setup_signals(void)
{
    struct sigaction sa = { 0 };
    struct itimerval it = { 0 };
    long tick = lease_ms / 4 > 10 ? lease_ms / 4 : 10;

    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;
    if (sigaction(SIGTERM, &sa, NULL) == -1 || sigaction(SIGINT, &sa, NULL) == -1)
        err_exit("sigaction");
    sa.sa_handler = on_tick;
    if (sigaction(SIGALRM, &sa, NULL) == -1)
        err_exit("sigaction");
    it.it_interval.tv_sec = tick / 1000;
    it.it_interval.tv_usec = (tick % 1000) * 1000;
    it.it_value = it.it_interval;
    if (setitimer(ITIMER_REAL, &it, NULL) == -1)
        err_exit("setitimer");
}

/* Make the service's queue. A queue already there with this key was left
   by a dispatcher that crashed: its messages (and the ids they carry) are
   stale, so remove it and make a new one, whose id no old client or
   worker knows. */
static int
make_queue(key_t key)
{
    for (;;) {
        int qid = msgget(key, IPC_CREAT | IPC_EXCL | 0600);

        if (qid != -1)
            return qid;
        if (errno != EEXIST)
            err_exit("msgget");
        qid = msgget(key, 0);
        if (qid == -1 && errno == ENOENT)
            continue;               /* someone removed it meanwhile */
        if (qid == -1)
            err_exit("msgget");
        if (msgctl(qid, IPC_RMID, NULL) == -1 && errno != EINVAL && errno != EIDRM)
            err_exit("msgctl IPC_RMID (stale queue)");
        printf("removed stale msqid %d\n", qid);
    }
}

/* Send m to a client's or a worker's queue without ever waiting: a full
   or removed queue must not stop the service. True if it was sent. */
static bool
send_to(int qid, const struct dmsg *m)
{
    while (msgsnd(qid, m, DMSG_SIZE, IPC_NOWAIT) == -1) {
        if (errno == EINTR)
            continue;
        if (errno != EIDRM && errno != EINVAL && errno != EAGAIN && errno != EACCES)
            err_msg("msgsnd to queue %d", qid);
        return false;
    }
    return true;
}

static void
remove_job(size_t i)
{
    jobs[i] = jobs[--njobs];
}

/* The most urgent waiting job of this type (highest priority, then the
   lowest id: first come, first served), or -1. */
static long
pick_job(short type)
{
    long best = -1;

    for (size_t i = 0; i < njobs; i++) {
        const struct job *j = &jobs[i];

        if (j->state != WAITING || j->type != type)
            continue;
        if (best == -1 || j->priority > jobs[best].priority ||
            (j->priority == jobs[best].priority && j->id < jobs[best].id))
            best = (long) i;
    }
    return best;
}

/* Give every idle worker the best job of its type, while there are any. A
   worker whose queue is gone is forgotten. */
static void
dispatch(void)
{
    size_t w = 0;

    while (w < nidle) {
        long i = pick_job(idle[w].type);
        struct dmsg m = { 0 };

        if (i == -1) {
            w++;
            continue;
        }
        m.mtype = MSG_JOB;
        m.job_id = jobs[i].id;
        m.job_type = jobs[i].type;
        m.priority = jobs[i].priority;
        memcpy(m.text, jobs[i].text, sizeof m.text);
        if (send_to(idle[w].qid, &m)) {
            jobs[i].state = OUT;
            jobs[i].deadline_ms = now_ms() + lease_ms;
            printf("sent %ld\n", jobs[i].id);
        }
        idle[w] = idle[--nidle];    /* busy now, or gone */
    }
}

/* Jobs whose worker did not answer in time wait again. */
static void
check_leases(void)
{
    long long t = now_ms();

    for (size_t i = 0; i < njobs; i++)
        if (jobs[i].state == OUT && t >= jobs[i].deadline_ms) {
            jobs[i].state = WAITING;
            printf("requeued %ld\n", jobs[i].id);
        }
}

static void
on_submit(const struct dmsg *in)
{
    struct dmsg ack = { 0 };
    struct job *j;

    if (in->job_type < JOB_TYPE_MIN || in->job_type > JOB_TYPE_MAX ||
        in->priority < JOB_PRIO_MIN || in->priority > JOB_PRIO_MAX) {
        printf("rejected\n");
        return;
    }
    if (njobs == jobs_cap) {
        jobs_cap = jobs_cap ? 2 * jobs_cap : 16;
        jobs = realloc(jobs, jobs_cap * sizeof *jobs);
        if (jobs == NULL)
            err_exit("realloc");
    }
    j = &jobs[njobs];
    *j = (struct job) { .id = next_id, .client_qid = in->reply_qid, .type = in->job_type,
                        .priority = in->priority, .state = WAITING };
    memcpy(j->text, in->text, sizeof j->text);
    j->text[sizeof j->text - 1] = '\0';
    ack.mtype = MSG_ACCEPTED;
    ack.job_id = j->id;
    ack.job_type = j->type;
    ack.priority = j->priority;
    if (!send_to(j->client_qid, &ack)) {
        printf("dropped %ld\n", next_id++);
        return;
    }
    njobs++;
    printf("queued %ld %d %d\n", next_id++, j->type, j->priority);
}

static void
on_ready(const struct dmsg *in)
{
    if (in->job_type < JOB_TYPE_MIN || in->job_type > JOB_TYPE_MAX)
        return;
    if (nidle == idle_cap) {
        idle_cap = idle_cap ? 2 * idle_cap : 8;
        idle = realloc(idle, idle_cap * sizeof *idle);
        if (idle == NULL)
            err_exit("realloc");
    }
    idle[nidle++] = (struct idle_worker) { .qid = in->reply_qid, .type = in->job_type };
}

/* A result: pass it to the job's client, once. A job no longer out (its
   lease ended and it was sent again, or it was answered already) is late. */
static void
on_result(const struct dmsg *in)
{
    struct dmsg out = { 0 };

    for (size_t i = 0; i < njobs; i++) {
        if (jobs[i].id != in->job_id)
            continue;
        out.mtype = MSG_DONE;
        out.job_id = jobs[i].id;
        out.job_type = jobs[i].type;
        out.priority = jobs[i].priority;
        memcpy(out.text, in->text, sizeof out.text);
        out.text[sizeof out.text - 1] = '\0';
        if (send_to(jobs[i].client_qid, &out))
            printf("done %ld\n", jobs[i].id);
        else
            printf("dropped %ld\n", jobs[i].id);
        remove_job(i);
        return;
    }
    printf("late %ld\n", in->job_id);
}

int
main(int argc, char *argv[])
{
    int opt, qid;
    char *end;
    key_t key;

    while ((opt = getopt(argc, argv, "l:")) != -1) {
        if (opt != 'l')
            usage_err("[-l LEASE_MS] KEY\n");
        lease_ms = strtol(optarg, &end, 10);
        if (*optarg == '\0' || *end != '\0' || lease_ms <= 0)
            usage_err("[-l LEASE_MS] KEY\n");
    }
    if (argc - optind != 1)
        usage_err("[-l LEASE_MS] KEY\n");
    key = (key_t) strtol(argv[optind], &end, 0);
    if (*argv[optind] == '\0' || *end != '\0')
        usage_err("[-l LEASE_MS] KEY\n");
    setvbuf(stdout, NULL, _IOLBF, 0);

    qid = make_queue(key);
    setup_signals();
    printf("ready msqid %d\n", qid);

    while (!stop_requested) {
        struct dmsg m;
        ssize_t n = msgrcv(qid, &m, DMSG_SIZE, 0, MSG_NOERROR);

        if (n == -1) {
            if (errno != EINTR)
                err_exit("msgrcv");
            check_leases();
            dispatch();
            continue;
        }
        if ((size_t) n != DMSG_SIZE)
            continue;               /* not a message of the protocol: drop it */
        switch (m.mtype) {
        case MSG_SUBMIT:
            on_submit(&m);
            break;
        case MSG_READY:
            on_ready(&m);
            break;
        case MSG_RESULT:
            on_result(&m);
            break;
        default:
            break;                  /* not a message for the dispatcher */
        }
        check_leases();
        dispatch();
    }
    if (msgctl(qid, IPC_RMID, NULL) == -1)
        err_exit("msgctl IPC_RMID");
    free(jobs);
    free(idle);
    return 0;
}
