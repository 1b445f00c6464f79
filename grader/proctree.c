/* proctree.c: see proctree.h. */
#define _GNU_SOURCE
#include "proctree.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct proc_link {
    pid_t pid, ppid;
};

pid_t
proctree_parent(pid_t pid)
{
    const char *fields;
    char *stat = read_proc_stat(pid, &fields);
    int ppid = 0;

    if (stat == NULL)
        return 0;               /* it has just exited */
    if (sscanf(fields, "%*c %d", &ppid) != 1)      /* the state, then ppid */
        ppid = 0;
    free(stat);
    return (pid_t)ppid;
}

/* Every process of /proc with its parent; *n set. NULL if /proc cannot be
 * read. */
static struct proc_link *
read_links(size_t *n)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    struct proc_link *links = NULL;
    size_t cap = 0;

    *n = 0;
    if (d == NULL)
        return NULL;
    while ((e = readdir(d)) != NULL) {
        pid_t pid = (pid_t)atoi(e->d_name), ppid;

        if (e->d_name[0] < '1' || e->d_name[0] > '9' || (ppid = proctree_parent(pid)) == 0)
            continue;           /* not a process, or it has just exited */
        if (*n == cap)
            links = xrealloc(links, (cap = cap ? 2 * cap : 256) * sizeof *links);
        links[(*n)++] = (struct proc_link){ pid, ppid };
    }
    closedir(d);
    if (links == NULL)
        links = xmalloc(sizeof *links);
    return links;
}

long
proctree_descendants(pid_t root, pid_t *out, size_t max)
{
    size_t n, found = 0, done = 0;
    struct proc_link *links = read_links(&n);
    pid_t *tree;

    if (links == NULL)
        return -1;
    /* Breadth first: tree[0..found) are the descendants found so far, and
     * each one's children are appended once it is looked at. */
    tree = xmalloc((n + 1) * sizeof *tree);
    for (pid_t parent = root;; parent = tree[done++]) {
        for (size_t i = 0; i < n; i++)
            if (links[i].ppid == parent && links[i].pid != root)
                tree[found++] = links[i].pid;
        if (done == found)
            break;
    }
    for (size_t i = 0; i < found && i < max; i++)
        out[i] = tree[i];
    free(tree);
    free(links);
    return (long)found;
}

long long
proctree_memory_kib(pid_t root)
{
    pid_t pids[1024];
    long n = proctree_descendants(root, pids, ARRAY_LEN(pids));
    long long total = 0;

    for (long i = 0; i < n && i < (long)ARRAY_LEN(pids); i++) {
        char path[64], *status;
        const char *field;
        long long kib;

        snprintf(path, sizeof path, "/proc/%d/status", (int)pids[i]);
        if ((status = read_file_tail(path, 8192, NULL, NULL)) == NULL)
            continue;
        for (int k = 0; k < 2; k++) {
            field = strstr(status, k ? "\nRssShmem:" : "\nRssAnon:");
            if (field && sscanf(field + (k ? 10 : 9), "%lld", &kib) == 1)
                total += kib;
        }
        free(status);
    }
    return total;
}

void
proctree_kill_descendants(pid_t root)
{
    pid_t pids[1024];
    long n = proctree_descendants(root, pids, ARRAY_LEN(pids));

    for (long i = 0; i < n && i < (long)ARRAY_LEN(pids); i++)
        kill(pids[i], SIGKILL);
}

void
proctree_kill_children(void)
{
    for (;;) {
        proctree_kill_descendants(getpid());
        /* One child at a time: each reaped child may hand us its own. */
        if (waitpid(-1, NULL, __WALL) == -1 && errno == ECHILD)
            return;
    }
}
