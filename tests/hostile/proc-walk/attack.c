/* proc-walk: list every process /proc shows, with its command line, and
 * look for the grader among them; exits 1. Bounded: 4096 processes. */
int
main(void)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int seen = 0, grader = 0, others = 0;
    pid_t self = getpid();

    while (d && (e = readdir(d)) != NULL && seen < 4096) {
        char path[PATH_MAX], cmd[256] = "";
        int fd, pid = atoi(e->d_name);
        ssize_t n;

        if (pid <= 0)
            continue;
        seen++;
        snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
        if ((fd = open(path, O_RDONLY)) != -1) {
            n = read(fd, cmd, sizeof cmd - 1);
            cmd[n > 0 ? n : 0] = '\0';
            close(fd);
        }
        if (pid != self && strstr(cmd, "ipcgrade"))
            grader++;
        if (pid != self)
            others++;
    }
    if (d)
        closedir(d);
    hostile_say("/proc shows %d process(es), %d besides me; the grader %s", seen, others,
                grader ? "is among them" : "is not there");
    return 1;
}
