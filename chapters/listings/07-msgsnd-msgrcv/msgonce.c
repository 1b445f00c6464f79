/* Listing 7-5 (chapter 7, msgsnd and msgrcv) */

/* msgonce.c

   Three reader processes wait in msgrcv() on the same queue; the parent
   sends nine numbered messages, then one "stop" message per reader. Each
   reader reports the numbers it got through a pipe, and the parent checks
   that every message was received exactly once: receiving a message
   takes it out of the queue, for every other reader.

   Usage: msgonce

       $ ./msgonce
       3 readers, 9 messages sent
       received exactly once: 1 2 3 4 5 6 7 8 9
       received twice or more: none
       never received: none
*/
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>

#include "ipcbook.h"

#define READERS  3
#define MESSAGES 9

struct message {
    long mtype;                 /* 1: a number; 2: stop */
    int number;
};

#define PAYLOAD (sizeof(struct message) - sizeof(long))

// ANCHOR: reader
/* A reader: take messages of any type until a "stop"; write the number
   of each message taken to fd. */
static void
reader(int msqid, int fd)
{
    struct message msg;

    for (;;) {
        if (msgrcv(msqid, &msg, PAYLOAD, 0, 0) == -1)
            err_exit_child("msgrcv");
        if (msg.mtype == 2)
            _exit(EXIT_SUCCESS);
        if (write(fd, &msg.number, sizeof(msg.number)) != sizeof(msg.number))
            err_exit_child("write");
    }
}
// ANCHOR_END: reader

/* Print LABEL, then each message number i whose times[i] is from LOW to
   HIGH, or "none". */
static void
print_numbers(const char *label, const int times[], int low, int high)
{
    int found = 0;

    printf("%s:", label);
    for (int i = 1; i <= MESSAGES; i++) {
        if (times[i] >= low && times[i] <= high) {
            printf(" %d", i);
            found = 1;
        }
    }
    printf("%s\n", found ? "" : " none");
}

int
main(void)
{
    int msqid, pipefd[2], number, times[MESSAGES + 1] = { 0 };
    struct message msg;

    msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    if (msqid == -1)
        err_exit("msgget");
    if (pipe(pipefd) == -1)
        err_exit("pipe");

    for (int i = 0; i < READERS; i++) {
        switch (fork()) {
        case -1:
            err_exit("fork");
        case 0:
            close(pipefd[0]);
            reader(msqid, pipefd[1]);
        }
    }
    close(pipefd[1]);

    memset(&msg, 0, sizeof(msg));
    for (int i = 1; i <= MESSAGES + READERS; i++) {
        msg.mtype = i <= MESSAGES ? 1 : 2;
        msg.number = i;
        if (msgsnd(msqid, &msg, PAYLOAD, 0) == -1)
            err_exit("msgsnd");
    }
    printf("%d readers, %d messages sent\n", READERS, MESSAGES);

    /* read() returns 0 once every reader has exited (closed the pipe). */
    while (read(pipefd[0], &number, sizeof(number)) == sizeof(number))
        if (number >= 1 && number <= MESSAGES)
            times[number]++;
    while (wait(NULL) > 0)
        ;

    print_numbers("received exactly once", times, 1, 1);
    print_numbers("received twice or more", times, 2, READERS);
    print_numbers("never received", times, 0, 0);

    if (msgctl(msqid, IPC_RMID, NULL) == -1)
        err_exit("msgctl(IPC_RMID)");
    return 0;
}
