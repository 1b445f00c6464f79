/* ignore-sigterm: before main(), ignore every signal that can be ignored and
 * sleep. Bounded: it gives up after 60 s and lets the solution run. */
__attribute__((constructor)) static void
hostile_sleep_forever(void)
{
    static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
                                SIGALRM, SIGXCPU, SIGPIPE };
    double end = hostile_now() + 60;

    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_IGN);
    hostile_say("ignoring SIGTERM and sleeping");
    while (hostile_now() < end)
        sleep(1);
}
