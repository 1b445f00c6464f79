/* exhaust-ipc: before main(), make message queues, semaphore sets and
 * shared memory segments until the kernel refuses (its default limits are
 * 32000, 32000 and 4096; bounded at 40000, 40000 and 5000), and leave them
 * all. Then the solution runs. */
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

__attribute__((constructor)) static void
hostile_exhaust(void)
{
    int queues = 0, sets = 0, segments = 0;

    errno = 0;
    while (queues < 40000 && msgget(IPC_PRIVATE, 0600) != -1)
        queues++;
    hostile_say("made %d message queues, then: %s", queues, errno ? strerror(errno) : "the bound");
    errno = 0;
    while (sets < 40000 && semget(IPC_PRIVATE, 1, 0600) != -1)
        sets++;
    hostile_say("made %d semaphore sets, then: %s", sets, errno ? strerror(errno) : "the bound");
    errno = 0;
    while (segments < 5000 && shmget(IPC_PRIVATE, 4096, 0600) != -1)
        segments++;
    hostile_say("made %d shared memory segments, then: %s", segments,
                errno ? strerror(errno) : "the bound");
}
