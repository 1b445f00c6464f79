/* fork-bomb: make processes until fork() fails (the whole program).
 * Bounded: 3000 processes or 30 s; each child sleeps until then and exits. */
#include <sys/mman.h>

#define BOMB_MAX     3000
#define BOMB_SECONDS 30.0

int
main(void)
{
    double end = hostile_now() + BOMB_SECONDS;
    int made = 0;

    while (made < BOMB_MAX && hostile_now() < end) {
        pid_t pid = fork();

        if (pid == -1) {
            hostile_say("fork() failed after %d processes: %s", made, strerror(errno));
            return 1;
        }
        if (pid == 0) {
            while (hostile_now() < end)
                sleep(1);
            _exit(0);
        }
        made++;
    }
    hostile_say("made %d processes and nothing stopped me", made);
    return 1;
}
