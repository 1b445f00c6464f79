/* memory-hog: allocate and touch memory 64 MiB at a time until malloc()
 * fails; report how far it got and exit 1. Bounded: 8 GiB or 30 s. */
#define HOG_MAX     (8UL << 30)
#define HOG_CHUNK   (64UL << 20)

int
main(void)
{
    double end = hostile_now() + 30;
    size_t total = 0;

    while (total < HOG_MAX && hostile_now() < end) {
        char *p = malloc(HOG_CHUNK);

        if (p == NULL) {
            hostile_say("touched %zu MiB, then malloc() failed: %s", total >> 20,
                        strerror(errno));
            return 1;
        }
        memset(p, 1, HOG_CHUNK);
        total += HOG_CHUNK;
    }
    hostile_say("touched %zu MiB and nothing stopped me", total >> 20);
    return 1;
}
