/* ns.c: see ns.h. */
#define _GNU_SOURCE
#include "ns.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

int
ns_unshare(int flags)
{
    char map[64];
    int dumpable, rc;
    uid_t uid = geteuid();
    gid_t gid = getegid();

    if (uid == 0)
        return unshare(flags);
    if (unshare(CLONE_NEWUSER | flags) == -1)
        return -1;
    /* A non-dumpable process's /proc files belong to root: the maps could
     * not be written. Be dumpable just while writing them. */
    dumpable = prctl(PR_GET_DUMPABLE);
    prctl(PR_SET_DUMPABLE, 1);
    write_file("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
    rc = write_file("/proc/self/uid_map", map);
    snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
    if (rc == 0)
        rc = write_file("/proc/self/gid_map", map);
    prctl(PR_SET_DUMPABLE, dumpable);
    return rc;
}

int
enter_private_ipc(void)
{
    return ns_unshare(CLONE_NEWIPC);
}

pid_t
ns_fork_pid(void)
{
    long pid;
    int self, saved;

    pid = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, NULL, NULL, 0);
    if (pid != -1 || errno != EINVAL)
        return (pid_t)pid;
    /* Refused: qemu-user (make cross runs the aarch64 build's unit tests
     * under it) emulates no clone() but a thread's or a fork's. The same
     * in three calls: unshare() a PID namespace for the next child, fork()
     * it, then setns() back, so that our later children are born beside
     * us as before. Going back needs CAP_SYS_ADMIN over our own PID
     * namespace: setns() into it first, which changes nothing, tells. */
    if ((self = open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC)) == -1)
        return -1;
    if (setns(self, CLONE_NEWPID) == -1 || unshare(CLONE_NEWPID) == -1) {
        saved = errno;
        close(self);
        errno = saved;
        return -1;
    }
    pid = fork();
    if (pid == 0) {
        close(self);
        return 0;
    }
    saved = errno;
    if (setns(self, CLONE_NEWPID) == -1)
        die("cannot go back to its own PID namespace: %s", strerror(errno));
    close(self);
    errno = saved;
    return (pid_t)pid;
}
