/* Listing A-5 (appendix A, posix-ipc) */

/* pnotify.c

   mq_notify(): ask the kernel for a signal when a message arrives in an
   empty POSIX message queue, instead of waiting in mq_receive(). System V
   queues have nothing like it.

   pnotify creates the queue NAME, registers for SIGUSR1, then starts a
   child that sends one message. The parent waits for the signal, says
   who sent it, and receives the message. The queue is removed at exit,
   whatever happens.

   Usage: pnotify NAME

       $ ./pnotify /wake
       registered: SIGUSR1 when a message arrives in the empty queue /wake
       child: sent "wake up"
       parent: SIGUSR1 (si_code SI_MESGQ), sent by our child
       parent: received "wake up"
*/
#include <sys/wait.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>

#include "ipcbook.h"

static const char *queue_name;  /* removed at exit (atexit) */

static void
remove_queue(void)
{
    if (mq_unlink(queue_name) == -1)
        err_msg("mq_unlink(%s)", queue_name);
}

/* The child: open the queue NAME for writing, send one message, exit. */
__attribute__((noreturn)) static void
child_send(const char *name)
{
    const char *text = "wake up";
    mqd_t mqd = mq_open(name, O_WRONLY);
    if (mqd == (mqd_t) -1)
        err_exit_child("mq_open(%s)", name);
    if (mq_send(mqd, text, strlen(text), 0) == -1)
        err_exit_child("mq_send");
    printf("child: sent \"%s\"\n", text);
    fflush(stdout);
    _exit(EXIT_SUCCESS);
}

/* Receive and print one message from MQD, which is not empty. */
static void
receive_one(mqd_t mqd)
{
    struct mq_attr attr;

    if (mq_getattr(mqd, &attr) == -1)
        err_exit("mq_getattr");
    char *buf = malloc((size_t) attr.mq_msgsize);
    if (buf == NULL)
        err_exit("malloc");
    ssize_t len = mq_receive(mqd, buf, (size_t) attr.mq_msgsize, NULL);
    if (len == -1)
        err_exit("mq_receive");
    printf("parent: received \"%.*s\"\n", (int) len, buf);
    free(buf);
}

int
main(int argc, char *argv[])
{
    sigset_t sigs;
    siginfo_t info;
    int status;

    if (argc != 2)
        usage_err("NAME\n");
    queue_name = argv[1];

    mqd_t mqd = mq_open(queue_name, O_CREAT | O_EXCL | O_RDONLY, 0600, NULL);
    if (mqd == (mqd_t) -1)
        err_exit("mq_open(%s)", queue_name);
    if (atexit(remove_queue) != 0)
        fatal("atexit failed");

    // ANCHOR: register
    /* Block SIGUSR1 first: it stays pending until sigwaitinfo() takes it,
       so it cannot come too early and kill us. SIGCHLD too: it says that
       the child exited, in case it could not send. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGUSR1);
    sigaddset(&sigs, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &sigs, NULL) == -1)
        err_exit("sigprocmask");

    struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL,
                            .sigev_signo = SIGUSR1 };
    if (mq_notify(mqd, &sev) == -1)
        err_exit("mq_notify");
    printf("registered: SIGUSR1 when a message arrives"
           " in the empty queue %s\n", queue_name);
    fflush(stdout);             /* before fork(): print it once */
    // ANCHOR_END: register

    pid_t child = fork();
    if (child == -1)
        err_exit("fork");
    if (child == 0)
        child_send(queue_name);

    // ANCHOR: wait
    /* Of two pending signals, the lower-numbered comes first: SIGUSR1
       before SIGCHLD when the child sent its message and exited. */
    if (sigwaitinfo(&sigs, &info) == -1)
        err_exit("sigwaitinfo");
    if (waitpid(child, &status, 0) == -1)   /* its line first: a fixed order */
        err_exit("waitpid");
    if (info.si_signo != SIGUSR1)
        fatal("the child exited without sending a message");
    /* The registration is used up: to hear of the next message, call
       mq_notify() again (before you empty the queue). */
    printf("parent: SIGUSR1 (si_code %s), sent by %s\n",
           info.si_code == SI_MESGQ ? "SI_MESGQ" : "not SI_MESGQ",
           info.si_pid == child ? "our child" : "another process");
    // ANCHOR_END: wait

    receive_one(mqd);
    if (mq_close(mqd) == -1)
        err_exit("mq_close");
    return 0;
}
