/* proctree.h: processes as a tree, read from /proc, for where no PID
 * namespace holds a run's processes together (sandbox.h's container mode):
 * a child subreaper's descendants, found, measured and ended. */
#ifndef PROCTREE_H
#define PROCTREE_H

#include <stddef.h>
#include <sys/types.h>

/* pid's parent, from /proc/PID/stat; 0 if pid is gone. */
pid_t proctree_parent(pid_t pid);
/* The descendants of root (not root itself), as /proc lists them now, into
 * out (room for max); return how many there are (more than max when they
 * did not all fit), or -1 when /proc cannot be read. */
long proctree_descendants(pid_t root, pid_t *out, size_t max);
/* What root's descendants use together, in KiB: their private pages and the
 * shared memory they have mapped (RssAnon + RssShmem of /proc/PID/status). */
long long proctree_memory_kib(pid_t root);
/* SIGKILL every descendant of root that /proc lists now (none reaped). */
void proctree_kill_descendants(pid_t root);
/* Kill (SIGKILL) and reap every child of the calling process, again and
 * again until it has none: a child subreaper inherits each killed child's
 * children, so this ends all of its descendants, however they forked. */
void proctree_kill_children(void);

#endif
