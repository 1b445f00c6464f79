/* memory-many: 60 children, each touching memory 32 MiB at a time until
 * malloc() fails or it has 1 GiB; the parent waits for them all and says
 * how they ended. Bounded: 60 processes, 1 GiB each, 30 s. */
#define MANY_CHILDREN   60
#define MANY_EACH       (1UL << 30)
#define MANY_CHUNK      (32UL << 20)

int
main(void)
{
    double end = hostile_now() + 30;
    int made = 0, killed = 0, full = 0, refused = 0;

    for (; made < MANY_CHILDREN; made++) {
        pid_t pid = fork();

        if (pid == -1)
            break;
        if (pid == 0) {
            size_t total = 0;

            while (total < MANY_EACH && hostile_now() < end) {
                char *p = malloc(MANY_CHUNK);

                if (p == NULL)
                    _exit(2);
                memset(p, 1, MANY_CHUNK);
                total += MANY_CHUNK;
            }
            while (hostile_now() < end)     /* hold it */
                sleep(1);
            _exit(0);
        }
    }
    for (int status; wait(&status) > 0;) {
        killed += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
        refused += WIFEXITED(status) && WEXITSTATUS(status) == 2;
        full += WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    hostile_say("made %d hogs: %d killed, %d refused memory, %d held all they wanted",
                made, killed, refused, full);
    return 1;
}
