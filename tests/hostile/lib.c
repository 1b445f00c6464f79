/* lib.c: helpers every hostile submission is built with (tests/hostile/).
 *
 * run.sh makes each attack's source file by concatenation, because the
 * grader compiles one .c file per program and a submission may include
 * nothing of ours:
 *
 *     base "solution": solutions/EX/PROG.c + lib.c + attack.c
 *                      (the reference solution plus the attack: only the
 *                      attack can cost points)
 *     base "alone":    lib.c + attack.c (the attack is the whole program)
 *     base "raw":      attack.c only (compile-time attacks)
 *
 * An attack that runs before main() is a constructor; one that acts at the
 * end registers an atexit() handler. Everything here is `hostile_`-prefixed
 * so that it cannot clash with a solution's names, and marked unused so that
 * the grader's -Wall -Wextra has nothing to say about it.
 *
 * Every attack says what it did on stderr, starting with "attack:", so the
 * feedback shows whether it ran and how far it got. Every attack is bounded
 * (a count, a size, a time) so that a grader that fails to contain it still
 * cannot take the machine down. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HOSTILE_UNUSED __attribute__((unused))

/* Seconds on a clock that never jumps. */
HOSTILE_UNUSED static double
hostile_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "attack: ..." on stderr, unbuffered, so a kill cannot lose it. */
HOSTILE_UNUSED __attribute__((format(printf, 1, 2))) static void
hostile_say(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof line - 2)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    if (write(2, "attack: ", 8) < 0 || write(2, line, (size_t)n) < 0)
        return;
}

/* A whole small file (at most max - 1 bytes) into buf; its length, or -1. */
HOSTILE_UNUSED static ssize_t
hostile_read(const char *path, char *buf, size_t max)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    ssize_t n, got = 0;

    if (fd == -1)
        return -1;
    while ((size_t)got < max - 1 && (n = read(fd, buf + got, max - 1 - (size_t)got)) > 0)
        got += n;
    close(fd);
    buf[got] = '\0';
    return got;
}

/* Are we in a PID namespace below the machine's? Attacks that could hurt
 * the whole machine outside one (kill(-1)) refuse to run when we are not.
 * /proc/self/status has one NSpid number per level that its /proc sees: a
 * /proc of the machine's shows more than one. A /proc of our namespace's
 * own shows one; then our namespace is not the machine's first, whose
 * inode is always PROC_PID_INIT_INO (the hostile suite runs there). */
HOSTILE_UNUSED static int
hostile_in_pid_namespace(void)
{
    char status[8192], *line;
    int levels = 0;
    struct stat ns;

    if (stat("/proc/self/ns/pid", &ns) == 0 && ns.st_ino != 0xEFFFFFFCU)
        return 1;
    if (hostile_read("/proc/self/status", status, sizeof status) < 0)
        return 0;
    line = strstr(status, "\nNSpid:");
    if (line == NULL)
        return 0;
    for (char *p = line + 7; *p && *p != '\n'; p++)
        if ((p[0] == ' ' || p[0] == '\t') && p[1] >= '0' && p[1] <= '9')
            levels++;
    return levels > 1;
}

/* Our parent's pid as the machine sees it (/proc is the machine's procfs,
 * so the numbers in /proc/PID/stat are the machine's too). 0 if unknown. */
HOSTILE_UNUSED static long
hostile_host_ppid(long pid)
{
    char path[64], stat[1024], *p;
    long ppid = 0;

    if (pid > 0)
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    else
        snprintf(path, sizeof path, "/proc/self/stat");
    if (hostile_read(path, stat, sizeof stat) < 0 || (p = strrchr(stat, ')')) == NULL)
        return 0;
    if (sscanf(p + 1, " %*c %ld", &ppid) != 1)
        return 0;
    return ppid;
}

/* Does dir look like the workbook (its solutions and its grader)? */
HOSTILE_UNUSED static int
hostile_is_root(const char *dir)
{
    char path[PATH_MAX + 64];

    snprintf(path, sizeof path, "%s/solutions", dir);
    if (access(path, F_OK) == 0)
        return 1;
    snprintf(path, sizeof path, "%s/bin/ipcgrade", dir);
    return access(path, F_OK) == 0;
}

/* dir := dirname(dir), in place; 0 when there is no parent left. */
HOSTILE_UNUSED static int
hostile_up(char *dir)
{
    char *slash = strrchr(dir, '/');

    if (slash == NULL || slash == dir)
        return 0;
    *slash = '\0';
    return 1;
}

/* If process pid is the grader (argv[0] .../bin/ipcgrade, resolved against
 * its cwd when relative), put the workbook's folder in root; 0 if so. */
HOSTILE_UNUSED static int
hostile_root_of(long pid, char *root, size_t len)
{
    char path[64], cmd[PATH_MAX], cwd[PATH_MAX];
    ssize_t n;

    snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
    n = hostile_read(path, cmd, sizeof cmd);
    if (n <= 0 || strlen(cmd) < 8 || strcmp(cmd + strlen(cmd) - 8, "ipcgrade") != 0)
        return -1;
    if (cmd[0] == '/') {
        snprintf(root, len, "%s", cmd);
    } else {
        snprintf(path, sizeof path, "/proc/%ld/cwd", pid);
        n = readlink(path, cwd, sizeof cwd - 1);
        if (n <= 0)
            return -1;
        cwd[n] = '\0';
        snprintf(root, len, "%s/%s", cwd, cmd);
    }
    return hostile_up(root) && hostile_up(root) && hostile_is_root(root) ? 0 : -1;
}

/* Find the workbook the way an attacker would: from the command line of the
 * grader that runs us (our ancestors in /proc, the machine's pids), else of
 * any grader on the machine, else in the folders above ours. Return 0 with
 * root filled. */
HOSTILE_UNUSED static int
hostile_find_root(char *root, size_t len)
{
    DIR *proc;
    struct dirent *de;
    long pid = 0;

    for (int level = 0; level < 8 && (pid = hostile_host_ppid(pid)) > 1; level++)
        if (hostile_root_of(pid, root, len) == 0)
            return 0;
    proc = opendir("/proc");
    while (proc && (de = readdir(proc)) != NULL) {
        if (de->d_name[0] >= '0' && de->d_name[0] <= '9' &&
            hostile_root_of(atol(de->d_name), root, len) == 0) {
            closedir(proc);
            return 0;
        }
    }
    if (proc)
        closedir(proc);
    if (getcwd(root, len) == NULL)
        return -1;
    while (hostile_up(root))
        if (hostile_is_root(root))
            return 0;
    return -1;
}

/* Change things outside our scratch folder, as an escaped program would:
 * make /tmp/ipc-hostile-WHO-PID and append a line to every
 * ipc-hostile-canary file in the folders above ours (run.sh plants one
 * and checks both afterwards). Return how many of them worked. */
HOSTILE_UNUSED static int
hostile_touch_outside(const char *who)
{
    char path[PATH_MAX + 64], dir[PATH_MAX];
    int done = 0, fd;

    snprintf(path, sizeof path, "/tmp/ipc-hostile-%s-%ld", who, (long)getpid());
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd != -1) {
        done++;
        close(fd);
        hostile_say("made %s", path);
    }
    if (getcwd(dir, sizeof dir) == NULL)
        return done;
    while (hostile_up(dir)) {
        snprintf(path, sizeof path, "%s/ipc-hostile-canary", dir);
        fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
        if (fd == -1)
            continue;
        if (write(fd, who, strlen(who)) > 0) {
            done++;
            hostile_say("changed %s", path);
        }
        close(fd);
    }
    return done;
}
