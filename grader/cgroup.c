/* cgroup.c: see cgroup.h.
 *
 * Where a group goes comes from two files of this process: /proc/self/cgroup
 * (the group it is in, per hierarchy) and /proc/self/mountinfo (where each
 * hierarchy is mounted, and which part of it the mount shows: a container
 * sees its own group as the root). */
#define _GNU_SOURCE
#include "cgroup.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Write text to a control file of dir (no O_CREAT: a file the kernel does
 * not offer is ENOENT). 0, or -1 with errno. */
static int
write_control(const char *dir, const char *file, const char *text)
{
    char path[PATH_MAX];
    int fd, rc = 0;
    size_t n = strlen(text);

    snprintf(path, sizeof path, "%s/%s", dir, file);
    if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
        return -1;
    if (write(fd, text, n) != (ssize_t)n)
        rc = -1;
    if (close(fd) == -1)
        rc = -1;
    return rc;
}

/* The text of a control file of dir, or NULL with errno; caller frees. */
static char *
read_control(const char *dir, const char *file)
{
    char path[PATH_MAX];

    snprintf(path, sizeof path, "%s/%s", dir, file);
    return read_file_tail(path, 1 << 16, NULL, NULL);
}

/* Is word one of the items of list, which are separated by sep? */
static bool
has_item(const char *list, const char *word, const char *sep)
{
    size_t n = strlen(word);

    for (const char *p = list; *p; p += strcspn(p, sep), p += *p != '\0') {
        if (strncmp(p, word, n) == 0 && (p[n] == '\0' || strchr(sep, p[n])))
            return true;
    }
    return false;
}

/* The folder of this process's group in the hierarchy of controller (v1),
 * or of the v2 hierarchy (controller NULL), into dir. 0, or -1. */
static int
own_group_dir(const char *controller, char *dir, size_t len)
{
    char *info = read_file_tail("/proc/self/mountinfo", 1 << 20, NULL, NULL);
    char *groups = read_file_tail("/proc/self/cgroup", 1 << 16, NULL, NULL);
    char mnt[PATH_MAX] = "", root[PATH_MAX] = "", path[PATH_MAX] = "";
    int rc = -1;

    for (char *line = info; line && *line; line = strchr(line, '\n'), line += !!line) {
        char point[PATH_MAX], from[PATH_MAX], type[64], opts[512];
        const char *dash = strstr(line, " - ");

        if (dash == NULL || sscanf(line, "%*s %*s %*s %4095s %4095s", from, point) != 2 ||
            sscanf(dash, " - %63s %*s %511s", type, opts) != 2)
            continue;
        if (controller ? strcmp(type, "cgroup") == 0 && has_item(opts, controller, ",")
                       : strcmp(type, "cgroup2") == 0) {
            snprintf(mnt, sizeof mnt, "%s", point);
            snprintf(root, sizeof root, "%s", from);
            break;
        }
    }
    for (char *line = groups; line && *line; line = strchr(line, '\n'), line += !!line) {
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        size_t n;

        if (c2 == NULL)
            continue;
        n = (size_t)(c2 - c1 - 1);
        if (controller ? n > 0 && has_item(strndupa(c1 + 1, n), controller, ",")
                       : n == 0 && strncmp(line, "0:", 2) == 0) {
            snprintf(path, sizeof path, "%.*s", (int)strcspn(c2 + 1, "\n"), c2 + 1);
            break;
        }
    }
    if (*mnt && *path) {
        const char *rest = path;
        size_t r = strlen(root);

        if (strcmp(root, "/") != 0 && strncmp(path, root, r) == 0 &&
            (path[r] == '/' || path[r] == '\0'))
            rest = path + r;        /* the mount shows only its part of the tree */
        snprintf(dir, len, "%s%s", mnt, strcmp(rest, "/") == 0 ? "" : rest);
        rc = 0;
    }
    free(info);
    free(groups);
    return rc;
}

/* v2: let dir's groups have the memory controller (and pids, if the
 * kernel has it). 0, or -1 with errno. */
static int
hand_down(const char *dir)
{
    char *on = read_control(dir, "cgroup.subtree_control");
    bool memory = on && has_item(on, "memory", " \n");
    bool pids = on && has_item(on, "pids", " \n");
    int rc = 0;

    free(on);
    if (!memory)
        rc = write_control(dir, "cgroup.subtree_control", "+memory");
    if (rc == 0 && !pids)
        write_control(dir, "cgroup.subtree_control", "+pids");  /* optional */
    return rc;
}

/* v1, in the memory hierarchy's folder base of this process's group (and
 * the pids hierarchy's, where there is one). */
static int
root_v1(struct cgroup *g, const char *base_memory, const char *name, char *why, size_t len)
{
    char base[PATH_MAX / 2];

    snprintf(g->memory, sizeof g->memory, "%.*s/%s", (int)(sizeof g->memory / 2), base_memory,
             name);
    if (mkdir(g->memory, 0755) == -1 && errno != EEXIST) {   /* a dead namesake's: ours now */
        snprintf(why, len, "cannot make %s (%s)", g->memory, strerror(errno));
        return -1;
    }
    if (own_group_dir("pids", base, sizeof base) == 0) {
        snprintf(g->pids, sizeof g->pids, "%.*s/%s", (int)(sizeof g->pids / 2), base, name);
        if (mkdir(g->pids, 0755) == -1 && errno != EEXIST)
            g->pids[0] = '\0';          /* memory alone still bounds the test */
    }
    g->version = CGROUP_V1;
    return 0;
}

static int
root_v2(struct cgroup *g, const char *name, char *why, size_t len)
{
    char own[PATH_MAX / 2], parent[PATH_MAX / 2], type[PATH_MAX];
    char *controllers;

    if (own_group_dir(NULL, own, sizeof own) == -1) {
        snprintf(why, len, "no cgroup file system is mounted");
        return -1;
    }
    controllers = read_control(own, "cgroup.controllers");
    if (controllers == NULL || !has_item(controllers, "memory", " \n")) {
        free(controllers);
        snprintf(why, len, "the kernel's memory controller is not in %s", own);
        return -1;
    }
    free(controllers);
    /* A group with processes (ours) cannot hand controllers down, except
     * the root: otherwise our group goes beside ours, in a parent that
     * already hands memory down. */
    snprintf(parent, sizeof parent, "%s", own);
    snprintf(type, sizeof type, "%s/cgroup.type", own);     /* the root has none */
    if (access(type, F_OK) == 0)
        *strrchr(parent, '/') = '\0';
    if (hand_down(parent) == -1) {
        snprintf(why, len, "cannot give %s's groups the memory controller (%s)", parent,
                 strerror(errno));
        return -1;
    }
    snprintf(g->memory, sizeof g->memory, "%.*s/%s", (int)(sizeof g->memory / 2), parent, name);
    if (mkdir(g->memory, 0755) == -1 && errno != EEXIST) {   /* a dead namesake's: ours now */
        snprintf(why, len, "cannot make %s (%s)", g->memory, strerror(errno));
        return -1;
    }
    g->pids[0] = '\0';
    g->version = CGROUP_V2;
    return 0;
}

int
cgroup_root(struct cgroup *g, const char *name, char *why, size_t len)
{
    char v1[PATH_MAX / 2];
    int rc;

    memset(g, 0, sizeof *g);
    /* v1 when the memory controller is there (hybrid machines mount an
     * empty v2 hierarchy beside it), else v2. */
    if (own_group_dir("memory", v1, sizeof v1) == 0)
        rc = root_v1(g, v1, name, why, len);
    else
        rc = root_v2(g, name, why, len);
    if (rc == -1)
        memset(g, 0, sizeof *g);
    return rc;
}

int
cgroup_make(const struct cgroup *parent, const char *name, struct cgroup *child)
{
    memset(child, 0, sizeof *child);
    if (parent->version == CGROUP_V2 && hand_down(parent->memory) == -1)
        return -1;
    snprintf(child->memory, sizeof child->memory, "%.*s/%s",
             (int)(sizeof child->memory / 2), parent->memory, name);
    if (mkdir(child->memory, 0755) == -1)
        return -1;
    if (parent->pids[0]) {
        snprintf(child->pids, sizeof child->pids, "%.*s/%s", (int)(sizeof child->pids / 2),
                 parent->pids, name);
        if (mkdir(child->pids, 0755) == -1) {
            int saved = errno;

            rmdir(child->memory);
            errno = saved;
            return -1;
        }
    }
    child->version = parent->version;
    return 0;
}

int
cgroup_limit(const struct cgroup *g, unsigned long long memory, int pids)
{
    char bytes[32], count[16];

    snprintf(bytes, sizeof bytes, "%llu", memory);
    snprintf(count, sizeof count, "%d", pids);
    if (g->version == CGROUP_V1) {
        /* No swap: memsw is memory and swap together, and exists only
         * where the kernel accounts swap; swappiness 0 keeps the group's
         * pages out of swap where it does not. */
        if (write_control(g->memory, "memory.limit_in_bytes", bytes) == -1 ||
            (write_control(g->memory, "memory.memsw.limit_in_bytes", bytes) == -1 &&
             errno != ENOENT))
            return -1;
        write_control(g->memory, "memory.swappiness", "0");
        if (pids > 0 && g->pids[0] && write_control(g->pids, "pids.max", count) == -1)
            return -1;
        return 0;
    }
    if (write_control(g->memory, "memory.max", bytes) == -1 ||
        (write_control(g->memory, "memory.swap.max", "0") == -1 && errno != ENOENT))
        return -1;
    if (pids > 0 && write_control(g->memory, "pids.max", count) == -1 && errno != ENOENT)
        return -1;
    return 0;
}

int
cgroup_open_join(const struct cgroup *g, int fds[2])
{
    char path[PATH_MAX];

    fds[0] = fds[1] = -1;
    snprintf(path, sizeof path, "%s/cgroup.procs", g->memory);
    if ((fds[0] = open(path, O_WRONLY | O_CLOEXEC)) == -1)
        return -1;
    if (g->pids[0]) {
        snprintf(path, sizeof path, "%s/cgroup.procs", g->pids);
        if ((fds[1] = open(path, O_WRONLY | O_CLOEXEC)) == -1) {
            cgroup_close_join(fds);
            return -1;
        }
    }
    return 0;
}

/* "0" is the writing process itself, whatever its pid namespace. */
int
cgroup_join(const int fds[2])
{
    for (int i = 0; i < 2; i++)
        if (fds[i] >= 0 && write(fds[i], "0", 1) != 1)
            return -1;
    return 0;
}

void
cgroup_close_join(int fds[2])
{
    for (int i = 0; i < 2; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
        fds[i] = -1;
    }
}

long long
cgroup_peak_kib(const struct cgroup *g)
{
    char *text = read_control(g->memory, g->version == CGROUP_V1 ? "memory.max_usage_in_bytes"
                                                                  : "memory.peak");
    long long kib = text ? strtoll(text, NULL, 10) / 1024 : -1;

    free(text);
    return kib;
}

long
cgroup_parse_oom_kills(const char *text)
{
    for (const char *line = text; line && *line; line = strchr(line, '\n'), line += !!line) {
        char *end;
        long n;

        if (strncmp(line, "oom_kill ", 9) != 0)
            continue;
        errno = 0;
        n = strtol(line + 9, &end, 10);
        if (errno == 0 && end != line + 9 && (*end == '\n' || *end == '\0') && n >= 0)
            return n;
    }
    return -1;
}

long
cgroup_oom_kills(const struct cgroup *g)
{
    char *text = read_control(g->memory, g->version == CGROUP_V1 ? "memory.oom_control"
                                                                  : "memory.events");
    long n = cgroup_parse_oom_kills(text);

    free(text);
    return n;
}

/* rmdir dir's groups, deepest first, then dir. A group whose last process
 * has just been reaped can still be busy for a moment: retry for a second. */
static int
remove_groups(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int rc = 0;

    if (d == NULL)
        return errno == ENOENT ? 0 : -1;
    while ((e = readdir(d)) != NULL) {
        char sub[PATH_MAX];

        if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        if (remove_groups(sub) == -1)
            rc = -1;
    }
    closedir(d);
    for (int tries = 0; rmdir(dir) == -1; tries++) {
        if (errno == ENOENT)
            break;
        if (errno != EBUSY || tries == 100)
            return -1;
        nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
    }
    return rc;
}

int
cgroup_remove(const struct cgroup *g)
{
    int rc = 0;

    if (g->version == CGROUP_NONE)
        return 0;
    if (remove_groups(g->memory) == -1)
        rc = -1;
    if (g->pids[0] && remove_groups(g->pids) == -1)
        rc = -1;
    return rc;
}
