/* output-flood: before main(), write to stdout and stderr without end.
 * Bounded: 1 GiB in all or 30 s, then the solution runs. */
#define FLOOD_MAX     (1UL << 30)
#define FLOOD_SECONDS 30.0

__attribute__((constructor)) static void
hostile_flood(void)
{
    static char chunk[64 * 1024];
    double end = hostile_now() + FLOOD_SECONDS;
    size_t total = 0;

    memset(chunk, 'y', sizeof chunk);
    for (size_t i = 79; i < sizeof chunk; i += 80)
        chunk[i] = '\n';
    while (total < FLOOD_MAX && hostile_now() < end) {
        if (write(1, chunk, sizeof chunk) < 0 || write(2, chunk, sizeof chunk) < 0)
            break;
        total += 2 * sizeof chunk;
    }
    hostile_say("wrote %zu MiB of output and nothing stopped me", total >> 20);
}
