/* sigstop: before main(), stop our parent, the PID namespace's init, and
 * ourselves. If anyone continues us, the solution runs. */
__attribute__((constructor)) static void
hostile_stop(void)
{
    if (kill(getppid(), SIGSTOP) == -1)
        hostile_say("kill(getppid(), SIGSTOP): %s", strerror(errno));
    if (hostile_in_pid_namespace() && kill(1, SIGSTOP) == -1)
        hostile_say("kill(1, SIGSTOP): %s", strerror(errno));
    hostile_say("stopping myself");
    raise(SIGSTOP);
}
