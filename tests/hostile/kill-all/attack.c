/* kill-all: before main(), kill(-1, SIGKILL), kill(getppid(), SIGKILL),
 * kill(1, SIGKILL), then kill(0, SIGKILL), which ends us. Outside a PID
 * namespace only the last one is done: kill(-1) as root would take the
 * machine down. */
__attribute__((constructor)) static void
hostile_kill_all(void)
{
    if (!hostile_in_pid_namespace()) {
        hostile_say("not in a PID namespace: refusing kill(-1), which would kill "
                    "every process this uid may signal");
    } else {
        if (kill(-1, SIGKILL) == -1)
            hostile_say("kill(-1, SIGKILL): %s", strerror(errno));
        if (kill(getppid(), SIGKILL) == -1)
            hostile_say("kill(getppid(), SIGKILL): %s", strerror(errno));
        if (kill(1, SIGKILL) == -1)
            hostile_say("kill(1, SIGKILL): %s", strerror(errno));
        hostile_say("kill(-1), kill(getppid()) and kill(1) done; now kill(0)");
    }
    kill(0, SIGKILL);
}
