/* tmpfs-shm-filler: memory that is no process's own. Fills the run's /tmp,
 * its working folder and /dev/shm with 8 MiB files, then makes 8 MiB System
 * V segments and touches them, until each refuses; says how far each went
 * and exits 1, leaving it all behind. Bounded: 4 GiB a place, 30 s. */
#include <sys/ipc.h>
#include <sys/shm.h>

#define FILL_CHUNK  (8UL << 20)
#define FILL_MAX    (4UL << 30)

/* Write FILL_CHUNK files into dir until a write fails; MiB written. */
static size_t
fill_folder(const char *dir, char *buf, double end)
{
    size_t total = 0;

    for (int i = 0; total < FILL_MAX && hostile_now() < end; i++) {
        char path[PATH_MAX];
        int fd;

        snprintf(path, sizeof path, "%s/ipc-hostile-fill.%d", dir, i);
        if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1) {
            hostile_say("%s: open: %s after %zu MiB", dir, strerror(errno), total >> 20);
            return total;
        }
        if (write(fd, buf, FILL_CHUNK) != (ssize_t)FILL_CHUNK) {
            hostile_say("%s: write: %s after %zu MiB", dir, strerror(errno), total >> 20);
            close(fd);
            return total;
        }
        close(fd);
        total += FILL_CHUNK;
    }
    hostile_say("%s: wrote %zu MiB and nothing stopped me", dir, total >> 20);
    return total;
}

int
main(void)
{
    double end = hostile_now() + 30;
    char *buf = malloc(FILL_CHUNK);
    size_t total = 0;

    if (buf == NULL)
        return 1;
    memset(buf, 'x', FILL_CHUNK);
    fill_folder("/tmp", buf, end);
    fill_folder(".", buf, end);
    fill_folder("/dev/shm", buf, end);
    while (total < FILL_MAX && hostile_now() < end) {
        int id = shmget(IPC_PRIVATE, FILL_CHUNK, IPC_CREAT | 0600);
        char *p;

        if (id == -1 || (p = shmat(id, NULL, 0)) == (void *)-1) {
            hostile_say("shm: %s after %zu MiB", strerror(errno), total >> 20);
            break;
        }
        memset(p, 'x', FILL_CHUNK);
        shmdt(p);
        total += FILL_CHUNK;
    }
    if (total >= FILL_MAX || hostile_now() >= end)
        hostile_say("shm: made %zu MiB and nothing stopped me", total >> 20);
    return 1;
}
