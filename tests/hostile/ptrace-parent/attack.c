/* ptrace-parent: PTRACE_ATTACH to our parent (the grader's process that
 * started us) and, inside a PID namespace, to pid 1; say whether it worked,
 * detach, exit 1. Attached, a program could rewrite the grader's memory. */
#include <sys/ptrace.h>

static void
hostile_attach(pid_t pid, const char *who)
{
    if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) == -1) {
        hostile_say("ptrace(PTRACE_ATTACH, %s) failed: %s", who, strerror(errno));
        return;
    }
    waitpid(pid, NULL, __WALL);
    hostile_say("attached to %s (pid %ld) with ptrace", who, (long)pid);
    ptrace(PTRACE_DETACH, pid, NULL, NULL);
}

int
main(void)
{
    hostile_attach(getppid(), "my parent");
    if (hostile_in_pid_namespace() && getppid() != 1)
        hostile_attach(1, "pid 1");
    return 1;
}
