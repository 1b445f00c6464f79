/* cgroup.h: control groups, where the machine lets this process make them:
 * a bound on the memory (and the number of processes) of a group of
 * processes taken together, and what the group used at its peak and how
 * often the kernel's OOM killer ended one of its processes.
 *
 * Both kinds the kernel offers: v1 (a memory hierarchy, and a pids one
 * beside it) and v2 (one hierarchy with both controllers). A group is made
 * under the one this process is in (v2: beside it, when its own group has
 * processes and so cannot hand controllers down); a container with a
 * read-only cgroup file system, a normal user without a delegated group,
 * or a kernel without the memory controller has none (cgroup_root() says
 * why). Nothing here knows about tests or runs. */
#ifndef CGROUP_H
#define CGROUP_H

#include <limits.h>
#include <stddef.h>

enum cgroup_version { CGROUP_NONE, CGROUP_V1, CGROUP_V2 };

struct cgroup {
    enum cgroup_version version;
    char memory[PATH_MAX / 2];  /* the group's folder (v2: for both controllers) */
    char pids[PATH_MAX / 2];    /* v1: its folder in the pids hierarchy, or "" */
};

/* Make the group "name" for this process's work where the machine allows
 * it (or take it over, left by a process of that name that died), with
 * the memory and pids controllers handed down to its own groups.
 * Return 0, or -1 with a reason in why (g->version is CGROUP_NONE). */
int cgroup_root(struct cgroup *g, const char *name, char *why, size_t len);
/* Make the group parent/name. 0, or -1 with errno. */
int cgroup_make(const struct cgroup *parent, const char *name, struct cgroup *child);
/* Bound the group's processes together: memory bytes (swap none) and at
 * most pids processes (0: no bound). 0, or -1 with errno. */
int cgroup_limit(const struct cgroup *g, unsigned long long memory, int pids);
/* Open the files through which a process joins g (close-on-exec; -1 where
 * a hierarchy is missing): open them before fork, join in the child with
 * cgroup_join(), which needs no path and no privilege of its own. */
int cgroup_open_join(const struct cgroup *g, int fds[2]);
int cgroup_join(const int fds[2]);
void cgroup_close_join(int fds[2]);
/* The most memory the group's processes used at once, in KiB (what the
 * kernel charged them: their pages, the shared memory and tmpfs files they
 * made, the page cache they read in), or -1 where the kernel does not keep
 * it (v2 before Linux 5.19). */
long long cgroup_peak_kib(const struct cgroup *g);
/* How many of the group's processes the OOM killer ended, or -1. */
long cgroup_oom_kills(const struct cgroup *g);
/* Remove the group and every group below it, once their processes are
 * gone (waits up to a second for the kernel to finish with them). 0, or -1
 * with errno. */
int cgroup_remove(const struct cgroup *g);

/* The parser behind cgroup_oom_kills(): the number after "oom_kill " at the
 * start of a line of text (memory.oom_control, memory.events), or -1. */
long cgroup_parse_oom_kills(const char *text);

#endif
