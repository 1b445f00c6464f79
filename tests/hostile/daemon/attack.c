/* daemon: before main(), a setsid() + double-fork daemon that waits until
 * the program has exited, then a second more, then acts: it writes to the
 * program's output and tries to change files outside its folder. Bounded:
 * it exits 60 s after it started. The solution runs as usual. */
__attribute__((constructor)) static void
hostile_daemonize(void)
{
    pid_t program = getpid(), pid = fork();
    double end = hostile_now() + 60;

    if (pid != 0) {
        if (pid > 0)
            waitpid(pid, NULL, 0);      /* the middle process exits at once */
        return;                         /* on to main() */
    }
    setsid();
    if (fork() != 0)
        _exit(0);
    while (kill(program, 0) == 0 && hostile_now() < end)
        usleep(1000);
    sleep(1);
    hostile_say("the daemon outlived its program and acts now");
    printf("key     0x00000000\n");
    fflush(stdout);
    hostile_touch_outside("daemon");
    while (hostile_now() < end)
        sleep(1);
    _exit(0);
}
