/* fill-disk: fill our folder with data (8 MiB files, the most one file may
 * hold), then with empty files, then try /tmp and /dev/shm; report how far
 * it got and exit 1. Bounded: 2 GiB of data, 100000 files, 30 s, one 8 MiB
 * file in /tmp and in /dev/shm. */
#define FILL_MAX     (2UL << 30)
#define FILL_FILES   100000
#define FILL_SECONDS 30.0
#define FILE_MAX     (8UL << 20)

static char hostile_chunk[1 << 20];

/* Write up to max bytes to path; the bytes written; errno says why it stopped. */
static size_t
hostile_fill_file(const char *path, size_t max)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    size_t done = 0;
    ssize_t n;

    if (fd == -1)
        return 0;
    errno = 0;
    while (done < max && (n = write(fd, hostile_chunk, sizeof hostile_chunk)) > 0)
        done += (size_t)n;
    if (done >= max)
        errno = 0;
    else if (errno == 0)
        errno = ENOSPC;
    close(fd);
    return done;
}

int
main(void)
{
    double end = hostile_now() + FILL_SECONDS;
    size_t total = 0, n;
    char path[64];
    int files = 0, saved = 0;

    signal(SIGXFSZ, SIG_IGN);           /* a full file is EFBIG, not death */
    memset(hostile_chunk, 'x', sizeof hostile_chunk);
    for (int i = 0; total < FILL_MAX && hostile_now() < end; i++) {
        snprintf(path, sizeof path, "fill-%04d", i);
        total += n = hostile_fill_file(path, FILE_MAX);
        if (errno != 0 && errno != EFBIG) {
            saved = errno;
            break;
        }
    }
    if (saved)
        hostile_say("wrote %zu MiB in my folder, then: %s", total >> 20, strerror(saved));
    else
        hostile_say("wrote %zu MiB in my folder and nothing stopped me", total >> 20);
    for (saved = 0; files < FILL_FILES && hostile_now() < end; files++) {
        int fd;

        snprintf(path, sizeof path, "empty-%06d", files);
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd == -1) {
            saved = errno;
            break;
        }
        close(fd);
    }
    if (saved)
        hostile_say("made %d empty files, then: %s", files, strerror(saved));
    else
        hostile_say("made %d empty files and nothing stopped me", files);
    snprintf(path, sizeof path, "/tmp/ipc-hostile-fill-%ld", (long)getpid());
    n = hostile_fill_file(path, FILE_MAX);
    hostile_say("%s: wrote %zu MiB%s%s", path, n >> 20, errno ? ", then: " : "",
                errno ? strerror(errno) : "");
    snprintf(path, sizeof path, "/dev/shm/ipc-hostile-fill-%ld", (long)getpid());
    n = hostile_fill_file(path, FILE_MAX);
    hostile_say("%s: wrote %zu MiB%s%s", path, n >> 20, errno ? ", then: " : "",
                errno ? strerror(errno) : "");
    return 1;
}
