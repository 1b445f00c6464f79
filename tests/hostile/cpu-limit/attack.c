/* cpu-limit: spin until the CPU time limit stops us. The grader's own
 * limit (twice the deadline and a second, a process) lies beyond the
 * wall-clock deadline for a program of one thread, so we lower our soft
 * limit to 1 s first, as setrlimit() allows anyone: SIGXCPU then comes
 * from RLIMIT_CPU exactly as it would from the grader's. Bounded: 30 s. */
#include <sys/resource.h>

int
main(void)
{
    struct rlimit rl;
    double end = hostile_now() + 30;
    volatile unsigned long spins = 0;

    if (getrlimit(RLIMIT_CPU, &rl) == -1)
        return 1;
    hostile_say("CPU limit %ld s (hard %ld s); lowering mine to 1 s and spinning",
                (long)rl.rlim_cur, (long)rl.rlim_max);
    rl.rlim_cur = 1;
    if (setrlimit(RLIMIT_CPU, &rl) == -1)
        hostile_say("setrlimit() failed: %s", strerror(errno));
    while (hostile_now() < end)
        spins++;
    hostile_say("spun for 30 s and nothing stopped me");
    return 1;
}
