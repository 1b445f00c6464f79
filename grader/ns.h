/* ns.h: new namespaces for the calling process, as root or as a normal
 * user (then inside a new user namespace that maps the user to root). */
#ifndef NS_H
#define NS_H

#include <sys/types.h>

/* unshare(flags), adding CLONE_NEWUSER (and the uid and gid maps) when
 * not root. Return 0, or -1 with errno. */
int ns_unshare(int flags);
/* Move the calling process into a new, empty IPC namespace. */
int enter_private_ipc(void);
/* fork() a child into a new PID namespace, whose init it is: clone() with
 * CLONE_NEWPID, or where an emulator refuses that (qemu-user), unshare(),
 * fork() and setns() back, which needs root. Return as fork() does. */
pid_t ns_fork_pid(void);

#endif
